// SPDX-License-Identifier: MIT
/*
 * Output files, all or none. Every file is first written in full to a
 * temporary file next to it, and only when all of them are written are
 * they renamed into place. If anything fails, every temporary file and
 * every output is removed: a build that goes on after a failed run, or a
 * user who looks, never finds a plan next to a stale image assembly or a
 * missing guest DTB.
 */
#include "outputs.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct output {
	char *path;
	char *tmp; /* the temporary file, once created */
	const void *data;
	size_t size;
};

struct outputs {
	struct output *files;
	size_t count;
	size_t cap;
};

static void *must(void *p)
{
	if (p == NULL) {
		fputs("rumkv-partition: out of memory\n", stderr);
		abort();
	}
	return p;
}

struct outputs *outputs_new(void)
{
	return must(calloc(1, sizeof(struct outputs)));
}

void outputs_add(struct outputs *set, const char *path, const void *data,
		 size_t size)
{
	if (set->count == set->cap) {
		set->cap = set->cap != 0 ? 2 * set->cap : 8;
		set->files = must(
			realloc(set->files, set->cap * sizeof(*set->files)));
	}
	set->files[set->count++] = (struct output){
		.path = must(strdup(path)),
		.data = data,
		.size = size,
	};
}

/* The permissions a plain fopen() would have given (mkstemp gives 0600). */
static mode_t file_mode(void)
{
	mode_t mask = umask(0);

	umask(mask);
	return 0666 & ~mask;
}

static int fail(const struct output *f, int err)
{
	fprintf(stderr, "rumkv-partition: cannot write %s: %s\n", f->path,
		strerror(err));
	return -1;
}

/* Writes `f` in full to a new temporary file beside it. */
static int write_tmp(struct output *f, mode_t mode)
{
	const char *p = f->data;
	size_t left = f->size;
	size_t len = strlen(f->path) + sizeof(".XXXXXX");
	int fd;

	f->tmp = must(malloc(len));
	snprintf(f->tmp, len, "%s.XXXXXX", f->path);
	fd = mkstemp(f->tmp);
	if (fd < 0) {
		free(f->tmp);
		f->tmp = NULL;
		return fail(f, errno);
	}
	while (left > 0) {
		ssize_t n = write(fd, p, left);

		if (n < 0 && errno == EINTR) {
			continue;
		}
		if (n <= 0) {
			int err = n < 0 ? errno : EIO;

			close(fd);
			return fail(f, err);
		}
		p += n;
		left -= (size_t)n;
	}
	if (fchmod(fd, mode) != 0 || close(fd) != 0) {
		return fail(f, errno);
	}
	return 0;
}

static void remove_all(struct outputs *set)
{
	for (size_t i = 0; i < set->count; i++) {
		if (set->files[i].tmp != NULL) {
			unlink(set->files[i].tmp);
		}
		unlink(set->files[i].path);
	}
}

int outputs_commit(struct outputs *set)
{
	mode_t mode = file_mode();
	size_t i;

	for (i = 0; i < set->count; i++) {
		if (write_tmp(&set->files[i], mode) != 0) {
			remove_all(set);
			return -1;
		}
	}
	for (i = 0; i < set->count; i++) {
		struct output *f = &set->files[i];

		if (rename(f->tmp, f->path) != 0) {
			fail(f, errno);
			remove_all(set);
			return -1;
		}
		free(f->tmp);
		f->tmp = NULL;
	}
	return 0;
}

void outputs_free(struct outputs *set)
{
	for (size_t i = 0; i < set->count; i++) {
		free(set->files[i].path);
		free(set->files[i].tmp);
	}
	free(set->files);
	free(set);
}
