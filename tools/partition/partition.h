/* SPDX-License-Identifier: MIT */
/*
 * The partition compiler as a library: one call turns a partition device
 * tree blob into every output, in memory. The command-line tool (main.c)
 * and the fuzzer both drive it; it never touches the file system (images
 * come through a callback), never exits and never prints.
 */
#ifndef PARTITION_H
#define PARTITION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* An image file as the loader found it: `data` and `path` come from
 * malloc() (or are NULL) and belong to the compiler from then on. */
struct part_file {
	char *path; /* as the generated assembly must .incbin it */
	uint8_t *data;
	size_t size;
	const char *error; /* PART_LOAD_FAILED: why (e.g. strerror()) */
};

/* What the loader found in one image directory. */
enum part_load {
	PART_LOAD_OK = 0,
	PART_LOAD_ABSENT,  /* no regular file of that name */
	PART_LOAD_OUTSIDE, /* the name resolves, through a symbolic link, to
			    * `path`, outside the directory */
	PART_LOAD_FAILED,  /* it is there but cannot be read: see `error` */
};

/* Looks image `name` (a kernel or initrd property) up in `dir`, one of
 * the options' image directories. The compiler has checked `name`: it is
 * relative and has no ".." component. The compiler tries the directories
 * in order and stops at the first answer other than PART_LOAD_ABSENT. */
typedef enum part_load (*part_load_fn)(void *ctx, const char *dir,
				       const char *name, struct part_file *out);

struct part_options {
	const char *file;      /* the partition's file name, for messages */
	const char *plan_name; /* C name of the plan; NULL: the default */
	const char *dtb_dir;   /* where the guest DTBs will be (for .incbin) */
	const char *const *image_dirs; /* where images are looked up */
	size_t image_dir_count;
	part_load_fn load;
	void *load_ctx;
};

#define PART_DEFAULT_PLAN_NAME "rumkv_generated_plan"

/* One message: "<file>: <node>: <prop>: [warning: ]<text>". */
struct part_diag {
	bool warning;
	const char *node; /* node path; "" for the whole file */
	const char *prop; /* property; "" when about the node */
	const char *text;
};

struct part_dtb {
	const char *cell_name;
	const uint8_t *data;
	size_t size;
};

struct part_arena;

struct part_output {
	struct part_diag *diags; /* in the order found */
	size_t diag_count;
	unsigned errors;
	unsigned warnings;
	/* Of the errors, those about the build machine rather than the
	 * partition (an image that is there but cannot be read). */
	unsigned io_errors;
	/* Outputs, only when errors == 0 (NUL-terminated text). */
	const char *plan_c;
	const char *images_s;
	const char *linker;
	const char *summary;
	const struct part_dtb *dtbs; /* one per cell, in cell order */
	size_t dtb_count;
	const char *const *deps; /* image files read */
	size_t dep_count;
	struct part_arena *arena; /* owns everything above */
};

/* Compiles the partition in `fdt` (size bytes, untrusted). Returns the
 * number of errors; `out` is filled either way and must be released with
 * part_output_free(). */
unsigned part_compile(const void *fdt, size_t size,
		      const struct part_options *opt, struct part_output *out);

void part_output_free(struct part_output *out);

#endif /* PARTITION_H */
