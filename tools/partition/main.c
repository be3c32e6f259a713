// SPDX-License-Identifier: MIT
/*
 * rumkv-partition: checks a partition device tree and compiles it into a
 * RumKV plan (C), an assembly file with the pristine images, a linker
 * fragment and one device tree per cell. See docs/partition-binding.md.
 *
 * Exit status: 0 done (warnings allowed), 1 the partition has errors (or
 * warnings, with --werror; dtc's errors in the source count as the
 * partition's), 2 bad usage or a failure of the build machine: an input,
 * image or program that cannot be read or run, an output that cannot be
 * written (then none of the outputs is left).
 */
#include "dtc.h"
#include "outputs.h"
#include "partition.h"
#include "util.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define MAX_DIRS 32

enum exit_status {
	EXIT_DONE = 0,
	EXIT_ERRORS = 1, /* the partition is wrong */
	EXIT_IO = 2,	 /* bad usage, or the build machine failed us */
};

struct cli {
	const char *file;
	const char *includes[MAX_DIRS];
	size_t include_count;
	const char *image_dirs[MAX_DIRS];
	size_t image_dir_count;
	const char *plan_c;
	const char *images_s;
	const char *dtb_dir;
	const char *linker;
	const char *depfile;
	const char *plan_name;
	const char *dtc;
	bool summary;
	bool werror;
};

static void usage(FILE *f)
{
	fputs("usage: rumkv-partition [options] PARTITION.dts|PARTITION.dtb\n"
	      "  -i, --include DIR     dtc include directory (repeatable)\n"
	      "  -L, --image-dir DIR   where kernel and initrd files are "
	      "looked up\n"
	      "                        (repeatable; default: the "
	      "partition's directory)\n"
	      "  -o, --output FILE     write the plan (C)\n"
	      "      --images FILE     write the assembly file with the "
	      "images\n"
	      "      --dtb-dir DIR     write the guest DTBs there "
	      "(<cell-name>.dtb)\n"
	      "      --ld FILE         write the linker-script fragment\n"
	      "      --depfile FILE    write Makefile dependencies (for "
	      "Ninja)\n"
	      "      --plan-name NAME  C name of the plan (default "
	      "rumkv_generated_plan)\n"
	      "      --summary         print the partition as a table\n"
	      "      --werror          treat warnings as errors\n"
	      "      --dtc PROGRAM     dtc to run (default: dtc)\n",
	      f);
}

static int parse_args(int argc, char **argv, struct cli *cli)
{
	enum {
		OPT_IMAGES = 256,
		OPT_DTB_DIR,
		OPT_LD,
		OPT_DEPFILE,
		OPT_PLAN_NAME,
		OPT_SUMMARY,
		OPT_WERROR,
		OPT_DTC
	};
	static const struct option longopts[] = {
		{"include", required_argument, NULL, 'i'},
		{"image-dir", required_argument, NULL, 'L'},
		{"output", required_argument, NULL, 'o'},
		{"images", required_argument, NULL, OPT_IMAGES},
		{"dtb-dir", required_argument, NULL, OPT_DTB_DIR},
		{"ld", required_argument, NULL, OPT_LD},
		{"depfile", required_argument, NULL, OPT_DEPFILE},
		{"plan-name", required_argument, NULL, OPT_PLAN_NAME},
		{"summary", no_argument, NULL, OPT_SUMMARY},
		{"werror", no_argument, NULL, OPT_WERROR},
		{"dtc", required_argument, NULL, OPT_DTC},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	int c;

	cli->dtc = "dtc";
	while ((c = getopt_long(argc, argv, "i:L:o:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'i':
		case 'L': {
			const char **dirs =
				c == 'i' ? cli->includes : cli->image_dirs;
			size_t *n = c == 'i' ? &cli->include_count
					     : &cli->image_dir_count;

			if (*n == MAX_DIRS) {
				fputs("rumkv-partition: too many directories\n",
				      stderr);
				return -1;
			}
			dirs[(*n)++] = optarg;
			break;
		}
		case 'o':
			cli->plan_c = optarg;
			break;
		case OPT_IMAGES:
			cli->images_s = optarg;
			break;
		case OPT_DTB_DIR:
			cli->dtb_dir = optarg;
			break;
		case OPT_LD:
			cli->linker = optarg;
			break;
		case OPT_DEPFILE:
			cli->depfile = optarg;
			break;
		case OPT_PLAN_NAME:
			cli->plan_name = optarg;
			break;
		case OPT_SUMMARY:
			cli->summary = true;
			break;
		case OPT_WERROR:
			cli->werror = true;
			break;
		case OPT_DTC:
			cli->dtc = optarg;
			break;
		case 'h':
			usage(stdout);
			exit(0);
		default:
			usage(stderr);
			return -1;
		}
	}
	if (optind + 1 != argc) {
		usage(stderr);
		return -1;
	}
	cli->file = argv[optind];
	if (cli->images_s != NULL && cli->dtb_dir == NULL) {
		fputs("rumkv-partition: --images needs --dtb-dir (the assembly "
		      "file includes the guest DTBs)\n",
		      stderr);
		return -1;
	}
	return 0;
}

static int read_file(const char *path, uint8_t **data, size_t *size)
{
	FILE *f = fopen(path, "rb");
	long len;
	uint8_t *buf;

	if (f == NULL) {
		return -1;
	}
	if (fseek(f, 0, SEEK_END) != 0 || (len = ftell(f)) < 0 ||
	    fseek(f, 0, SEEK_SET) != 0) {
		fclose(f);
		return -1;
	}
	buf = malloc(len > 0 ? (size_t)len : 1);
	if (buf == NULL || fread(buf, 1, (size_t)len, f) != (size_t)len) {
		free(buf);
		fclose(f);
		return -1;
	}
	fclose(f);
	*data = buf;
	*size = (size_t)len;
	return 0;
}

/* Whether `path` is `dir` or inside it (both canonical). */
static bool path_inside(const char *path, const char *dir)
{
	size_t len = strlen(dir);

	if (strncmp(path, dir, len) != 0) {
		return false;
	}
	return path[len] == '\0' || path[len] == '/' ||
	       (len > 0 && dir[len - 1] == '/');
}

/* part_load_fn: the regular file `dir/name`, unless its real path (after
 * every symbolic link) is outside `dir`'s. */
static enum part_load load_image(void *ctx, const char *dir, const char *name,
				 struct part_file *out)
{
	char path[PATH_MAX];
	char *real_dir;
	struct stat st;

	(void)ctx;
	if (snprintf(path, sizeof(path), "%s/%s", dir, name) >=
	    (int)sizeof(path)) {
		out->error = strerror(ENAMETOOLONG);
		return PART_LOAD_FAILED;
	}
	if (stat(path, &st) != 0) {
		out->error = strerror(errno);
		return errno == ENOENT || errno == ENOTDIR ? PART_LOAD_ABSENT
							   : PART_LOAD_FAILED;
	}
	if (!S_ISREG(st.st_mode)) {
		return PART_LOAD_ABSENT;
	}
	out->path = realpath(path, NULL);
	real_dir = realpath(dir, NULL);
	if (out->path == NULL || real_dir == NULL) {
		out->error = strerror(errno);
		free(real_dir);
		return PART_LOAD_FAILED;
	}
	if (!path_inside(out->path, real_dir)) {
		free(real_dir);
		return PART_LOAD_OUTSIDE;
	}
	free(real_dir);
	errno = 0;
	if (read_file(path, &out->data, &out->size) != 0) {
		out->error = errno != 0 ? strerror(errno) : "read error";
		return PART_LOAD_FAILED;
	}
	return PART_LOAD_OK;
}

static int make_dir(const char *dir)
{
	char buf[PATH_MAX];

	snprintf(buf, sizeof(buf), "%s", dir);
	for (char *p = buf + 1; *p != '\0'; p++) {
		if (*p == '/') {
			*p = '\0';
			mkdir(buf, 0777);
			*p = '/';
		}
	}
	if (mkdir(buf, 0777) != 0 && errno != EEXIST) {
		fprintf(stderr, "rumkv-partition: cannot create %s: %s\n", dir,
			strerror(errno));
		return -1;
	}
	return 0;
}

/* dtc's depfile lists the sources; ours adds the images. */
static char *depfile_text(const struct cli *cli, const char *dtc_deps,
			  const struct part_output *out)
{
	const char *target = cli->plan_c     ? cli->plan_c
			     : cli->images_s ? cli->images_s
					     : cli->file;
	struct sbuf sb = {0};
	uint8_t *deps = NULL;
	size_t size = 0;

	sb_printf(&sb, "%s:", target);
	if (dtc_deps != NULL && read_file(dtc_deps, &deps, &size) == 0) {
		char *colon = memchr(deps, ':', size);
		size_t at = colon != NULL ? (size_t)(colon + 1 - (char *)deps)
					  : size;

		while (size > at &&
		       (deps[size - 1] == '\n' || deps[size - 1] == ' ')) {
			size--;
		}
		sb_printf(&sb, "%.*s", (int)(size - at), (char *)deps + at);
		free(deps);
	} else {
		sb_printf(&sb, " %s", cli->file);
	}
	for (size_t i = 0; i < out->dep_count; i++) {
		sb_printf(&sb, " \\\n %s", out->deps[i]);
	}
	sb_puts(&sb, "\n");
	return sb.buf;
}

static void add_text(struct outputs *set, const char *path, const char *text)
{
	if (path != NULL) {
		outputs_add(set, path, text, strlen(text));
	}
}

/* Writes every output asked for, all or none. */
static int write_outputs(const struct cli *cli, const struct part_output *out,
			 const char *dtc_deps)
{
	struct outputs *set = outputs_new();
	char *deps = NULL;
	int rc;

	add_text(set, cli->plan_c, out->plan_c);
	add_text(set, cli->images_s, out->images_s);
	add_text(set, cli->linker, out->linker);
	for (size_t i = 0; cli->dtb_dir != NULL && i < out->dtb_count; i++) {
		char path[PATH_MAX];

		snprintf(path, sizeof(path), "%s/%s.dtb", cli->dtb_dir,
			 out->dtbs[i].cell_name);
		outputs_add(set, path, out->dtbs[i].data, out->dtbs[i].size);
	}
	if (cli->depfile != NULL) {
		deps = depfile_text(cli, dtc_deps, out);
		add_text(set, cli->depfile, deps);
	}
	rc = outputs_commit(set);
	outputs_free(set);
	free(deps);
	if (rc == 0 && cli->summary) {
		fputs(out->summary, stdout);
	}
	return rc;
}

static void print_diags(const struct cli *cli, const struct part_output *out)
{
	for (size_t i = 0; i < out->diag_count; i++) {
		const struct part_diag *d = &out->diags[i];

		fprintf(stderr, "%s: ", cli->file);
		if (d->node[0] != '\0') {
			fprintf(stderr, "%s: ", d->node);
		}
		if (d->prop[0] != '\0') {
			fprintf(stderr, "%s: ", d->prop);
		}
		fprintf(stderr, "%s%s\n", d->warning ? "warning: " : "",
			d->text);
	}
}

static bool is_dtb(const char *file)
{
	size_t len = strlen(file);

	return len > 4 && strcmp(file + len - 4, ".dtb") == 0;
}

/* Whether the partition file can be read, said before dtc runs: a
 * missing input is the build machine's problem (exit 2), while what dtc
 * rejects is the partition's (exit 1). */
static bool input_readable(const char *file)
{
	FILE *f = fopen(file, "rb");
	struct stat st;
	int err = 0;

	if (f == NULL) {
		err = errno;
	} else if (fstat(fileno(f), &st) != 0) {
		err = errno;
	} else if (S_ISDIR(st.st_mode)) {
		err = EISDIR;
	}
	if (f != NULL) {
		fclose(f);
	}
	if (err != 0) {
		fprintf(stderr, "rumkv-partition: cannot read %s: %s\n", file,
			strerror(err));
	}
	return err == 0;
}

/* Reads the partition: a .dtb as it is, anything else through dtc.
 * Returns EXIT_DONE, or the exit status once it has said why not. */
static int load_partition(const struct cli *cli, const char *dtc_deps,
			  uint8_t **blob, size_t *size)
{
	struct dtc_run run = {
		.dtc = cli->dtc,
		.file = cli->file,
		.includes = cli->includes,
		.include_count = cli->include_count,
		.depfile = dtc_deps,
	};

	if (!input_readable(cli->file)) {
		return EXIT_IO;
	}
	if (is_dtb(cli->file)) {
		if (read_file(cli->file, blob, size) != 0) {
			fprintf(stderr, "rumkv-partition: cannot read %s: %s\n",
				cli->file, strerror(errno));
			return EXIT_IO;
		}
		return EXIT_DONE;
	}
	switch (dtc_compile(&run, blob, size)) {
	case DTC_OK:
		return EXIT_DONE;
	case DTC_REJECTED:
		return EXIT_ERRORS;
	default:
		return EXIT_IO;
	}
}

static char *dirname_of(const char *file)
{
	char *dir = strdup(file);
	char *slash = dir != NULL ? strrchr(dir, '/') : NULL;

	if (dir == NULL) {
		return NULL;
	}
	if (slash == NULL) {
		strcpy(dir, ".");
	} else if (slash == dir) {
		slash[1] = '\0';
	} else {
		*slash = '\0';
	}
	return dir;
}

/* The exit status for what part_compile() found. */
static int verdict(const struct cli *cli, const struct part_output *out)
{
	if (out->io_errors != 0) {
		return EXIT_IO;
	}
	if (out->errors != 0) {
		return EXIT_ERRORS;
	}
	if (out->warnings != 0 && cli->werror) {
		fprintf(stderr, "%s: %u warning(s) treated as errors\n",
			cli->file, out->warnings);
		return EXIT_ERRORS;
	}
	return EXIT_DONE;
}

static int compile(struct cli *cli, const char *dtc_deps)
{
	struct part_options opt = {
		.file = cli->file,
		.plan_name = cli->plan_name,
		.image_dirs = cli->image_dirs,
		.image_dir_count = cli->image_dir_count,
		.load = load_image,
	};
	struct part_output out;
	char *dtb_dir = NULL;
	uint8_t *blob;
	size_t size;
	int rc = load_partition(cli, dtc_deps, &blob, &size);

	if (rc != EXIT_DONE) {
		return rc;
	}
	if (cli->dtb_dir != NULL) {
		if (make_dir(cli->dtb_dir) != 0) {
			free(blob);
			return EXIT_IO;
		}
		dtb_dir = realpath(cli->dtb_dir, NULL);
		opt.dtb_dir = dtb_dir;
	}
	part_compile(blob, size, &opt, &out);
	free(blob);
	print_diags(cli, &out);
	rc = verdict(cli, &out);
	if (rc == EXIT_DONE && write_outputs(cli, &out, dtc_deps) != 0) {
		rc = EXIT_IO;
	}
	part_output_free(&out);
	free(dtb_dir);
	return rc;
}

int main(int argc, char **argv)
{
	struct cli cli = {0};
	char *dir = NULL;
	char dtc_deps[PATH_MAX] = "";
	int rc;

	if (parse_args(argc, argv, &cli) != 0) {
		return EXIT_IO;
	}
	if (cli.image_dir_count == 0) {
		dir = dirname_of(cli.file);
		cli.image_dirs[cli.image_dir_count++] = dir;
	}
	if (cli.depfile != NULL && !is_dtb(cli.file)) {
		snprintf(dtc_deps, sizeof(dtc_deps), "%s.dtc", cli.depfile);
	}
	rc = compile(&cli, dtc_deps[0] != '\0' ? dtc_deps : NULL);
	if (dtc_deps[0] != '\0') {
		remove(dtc_deps);
	}
	free(dir);
	return rc;
}
