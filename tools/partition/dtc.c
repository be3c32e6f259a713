// SPDX-License-Identifier: MIT
/*
 * Compiles a .dts with dtc into memory. Warnings that the dumped board
 * tree always triggers (its phandle cells are plain numbers, its nodes
 * keep QEMU's names) are turned off; every other dtc warning still shows.
 *
 * dtc's stderr goes to a temporary file and is passed on once dtc has
 * ended, so that a failure can say whether dtc explained itself: a dtc
 * that fails without a word (a wrong --dtc) must not leave the user with
 * no message at all.
 */
#include "dtc.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

static const char *const quiet[] = {
	"no-clocks_property",
	"no-gpios_property",
	"no-unit_address_vs_reg",
};

static char **build_argv(const struct dtc_run *run)
{
	size_t n = 0;
	char **argv = calloc(20 + 2 * run->include_count, sizeof(*argv));

	if (argv == NULL) {
		return NULL;
	}
	argv[n++] = (char *)run->dtc;
	argv[n++] = "-I";
	argv[n++] = "dts";
	argv[n++] = "-O";
	argv[n++] = "dtb";
	argv[n++] = "-o";
	argv[n++] = "-";
	for (size_t i = 0; i < sizeof(quiet) / sizeof(quiet[0]); i++) {
		argv[n++] = "-W";
		argv[n++] = (char *)quiet[i];
	}
	if (run->depfile != NULL) {
		argv[n++] = "-d";
		argv[n++] = (char *)run->depfile;
	}
	for (size_t i = 0; i < run->include_count; i++) {
		argv[n++] = "-i";
		argv[n++] = (char *)run->includes[i];
	}
	argv[n++] = (char *)run->file;
	return argv;
}

static int read_all(int fd, uint8_t **out, size_t *size)
{
	size_t cap = 1 << 16;
	size_t len = 0;
	uint8_t *buf = malloc(cap);

	while (buf != NULL) {
		ssize_t n;

		if (len == cap) {
			uint8_t *grown = realloc(buf, cap * 2);

			if (grown == NULL) {
				break;
			}
			buf = grown;
			cap *= 2;
		}
		n = read(fd, buf + len, cap - len);
		if (n < 0 && errno == EINTR) {
			continue;
		}
		if (n <= 0) {
			*out = buf;
			*size = len;
			return n == 0 ? 0 : -1;
		}
		len += (size_t)n;
	}
	free(buf);
	return -1;
}

/* Copies what dtc wrote on its stderr to ours; returns the byte count. */
static long pass_on(FILE *err)
{
	char buf[4096];
	long total = 0;
	size_t n;

	rewind(err);
	while ((n = fread(buf, 1, sizeof(buf), err)) > 0) {
		fwrite(buf, 1, n, stderr);
		total += (long)n;
	}
	return total;
}

/* Says how dtc ended, if it failed, and what that means. `said`: bytes
 * dtc wrote on stderr; `read_err`: errno of reading its output, or 0. */
static enum dtc_result verdict(const struct dtc_run *run, int status, long said,
			       int read_err)
{
	if (WIFSIGNALED(status)) {
		fprintf(stderr,
			"rumkv-partition: dtc '%s' was killed by signal %d "
			"(%s) on %s\n",
			run->dtc, WTERMSIG(status), strsignal(WTERMSIG(status)),
			run->file);
		return DTC_BROKEN;
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		fprintf(stderr,
			"rumkv-partition: dtc '%s' failed on %s with exit "
			"status %d%s\n",
			run->dtc, run->file,
			WIFEXITED(status) ? WEXITSTATUS(status) : -1,
			said == 0 ? ", and printed nothing" : "");
		return DTC_REJECTED;
	}
	if (read_err != 0) {
		fprintf(stderr,
			"rumkv-partition: cannot read the output of dtc '%s': "
			"%s\n",
			run->dtc, strerror(read_err));
		return DTC_BROKEN;
	}
	return DTC_OK;
}

/* Starts dtc with stdout to `out_fd` and stderr to `err_fd`. Returns 0 or
 * an errno value (posix_spawnp reports a program that cannot be run). */
static int spawn(const struct dtc_run *run, char **argv, int out_fd, int err_fd,
		 pid_t *pid)
{
	posix_spawn_file_actions_t fa;
	int rc = posix_spawn_file_actions_init(&fa);

	if (rc != 0) {
		return rc;
	}
	rc = posix_spawn_file_actions_adddup2(&fa, out_fd, STDOUT_FILENO);
	if (rc == 0) {
		rc = posix_spawn_file_actions_adddup2(&fa, err_fd,
						      STDERR_FILENO);
	}
	if (rc == 0) {
		rc = posix_spawnp(pid, run->dtc, &fa, NULL, argv, environ);
	}
	posix_spawn_file_actions_destroy(&fa);
	return rc;
}

/* Runs dtc with its output into the pipe and its stderr into `err`. */
static enum dtc_result run_dtc(const struct dtc_run *run, char **argv,
			       int pipefd[2], FILE *err, uint8_t **out,
			       size_t *size)
{
	pid_t pid;
	int status;
	int read_err = 0;
	int rc = spawn(run, argv, pipefd[1], fileno(err), &pid);

	close(pipefd[1]);
	pipefd[1] = -1;
	if (rc != 0) {
		fprintf(stderr, "rumkv-partition: cannot run dtc '%s': %s\n",
			run->dtc, strerror(rc));
		return DTC_BROKEN;
	}
	errno = 0;
	if (read_all(pipefd[0], out, size) != 0) {
		read_err = errno != 0 ? errno : EIO;
	}
	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR) {
			fprintf(stderr,
				"rumkv-partition: cannot wait for dtc '%s': "
				"%s\n",
				run->dtc, strerror(errno));
			return DTC_BROKEN;
		}
	}
	return verdict(run, status, pass_on(err), read_err);
}

/* Keeps `fd` out of dtc (it gets only the two it is given). */
static bool cloexec(int fd)
{
	return fcntl(fd, F_SETFD, FD_CLOEXEC) == 0;
}

enum dtc_result dtc_compile(const struct dtc_run *run, uint8_t **out,
			    size_t *size)
{
	char **argv = build_argv(run);
	FILE *err = tmpfile();
	int pipefd[2] = {-1, -1};
	enum dtc_result result = DTC_BROKEN;

	*out = NULL;
	if (argv == NULL || err == NULL || pipe(pipefd) != 0 ||
	    !cloexec(pipefd[0]) || !cloexec(pipefd[1]) ||
	    !cloexec(fileno(err))) {
		fprintf(stderr, "rumkv-partition: cannot run dtc: %s\n",
			strerror(errno));
	} else {
		result = run_dtc(run, argv, pipefd, err, out, size);
	}
	if (result != DTC_OK) {
		free(*out);
		*out = NULL;
	}
	for (int i = 0; i < 2; i++) {
		if (pipefd[i] >= 0) {
			close(pipefd[i]);
		}
	}
	if (err != NULL) {
		fclose(err);
	}
	free(argv);
	return result;
}
