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

/* An image file found by the loader: `data` and `path` come from malloc()
 * and belong to the compiler from then on. */
struct part_file {
	char *path; /* as the generated assembly must .incbin it */
	uint8_t *data;
	size_t size;
};

/* Finds image `name` (a kernel or initrd property). Returns 0, or -1 if
 * there is no such file. */
typedef int (*part_load_fn)(void *ctx, const char *name, struct part_file *out);

struct part_options {
	const char *file;      /* the partition's file name, for messages */
	const char *plan_name; /* C name of the plan; NULL: the default */
	const char *dtb_dir;   /* where the guest DTBs will be (for .incbin) */
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
