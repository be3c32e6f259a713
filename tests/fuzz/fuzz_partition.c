// SPDX-License-Identifier: MIT
/*
 * libFuzzer target: the partition compiler's DTB input path, all of it
 * (parsing, every check, placement, guest DTBs and the generated text),
 * in memory. Images come from a stand-in loader, never from the disk.
 */
#include "partition.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Little-endian arm64 Image header: text_offset, image_size, magic. */
static void arm64_header(uint8_t *p, uint64_t text_offset, uint64_t image_size)
{
	for (int i = 0; i < 8; i++) {
		p[8 + i] = (uint8_t)(text_offset >> (8 * i));
		p[16 + i] = (uint8_t)(image_size >> (8 * i));
	}
	memcpy(p + 56, "ARM\x64", 4);
}

/* Whether a path has a ".." component. */
static bool climbs(const char *name)
{
	size_t len = strlen(name);

	return strcmp(name, "..") == 0 || strncmp(name, "../", 3) == 0 ||
	       strstr(name, "/../") != NULL ||
	       (len >= 3 && strcmp(name + len - 3, "/..") == 0);
}

/* The test images by name (see tests/partition/images), in memory.
 * Names starting with "missing" are not found, with "outside" resolve out
 * of the directory, with "unreadable" fail to read. The compiler must
 * never ask for an absolute name or one with a ".." component. */
static enum part_load load(void *ctx, const char *dir, const char *name,
			   struct part_file *out)
{
	size_t size = 0x1000;

	(void)ctx;
	(void)dir;
	if (name[0] == '/' || climbs(name)) {
		abort();
	}
	if (strncmp(name, "missing", 7) == 0) {
		return PART_LOAD_ABSENT;
	}
	if (strncmp(name, "outside", 7) == 0) {
		out->path = strdup("/elsewhere/file");
		return PART_LOAD_OUTSIDE;
	}
	if (strncmp(name, "unreadable", 10) == 0) {
		out->error = "Input/output error";
		return PART_LOAD_FAILED;
	}
	if (strcmp(name, "Image-tiny") == 0) {
		size = 0x8000;
	}
	out->data = calloc(1, size);
	out->path = strdup("/images/stand-in");
	out->size = size;
	if (out->data == NULL || out->path == NULL) {
		abort();
	}
	if (strcmp(name, "Image-tiny") == 0) {
		arm64_header(out->data, 0, 0x30000);
	} else if (strcmp(name, "Image-huge") == 0) {
		arm64_header(out->data, 0, 0x400000);
	}
	return PART_LOAD_OK;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const dirs[] = {"/images", "/more-images"};
	struct part_options opt = {
		.file = "fuzz.dtb",
		.dtb_dir = "/dtbs",
		.image_dirs = dirs,
		.image_dir_count = 2,
		.load = load,
	};
	struct part_output out;

	part_compile(data, size, &opt, &out);
	part_output_free(&out);
	return 0;
}
