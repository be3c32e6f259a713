/* SPDX-License-Identifier: MIT */
/*
 * The tool's output files, written all or none (see outputs.c).
 */
#ifndef PARTITION_OUTPUTS_H
#define PARTITION_OUTPUTS_H

#include <stddef.h>

struct outputs;

struct outputs *outputs_new(void);
/* Adds a file to write: `data` must stay valid until outputs_commit. */
void outputs_add(struct outputs *set, const char *path, const void *data,
		 size_t size);
/* Writes every file. Returns 0, or -1 once it has said why on stderr; then
 * none of the files exists (not even an earlier version of it). */
int outputs_commit(struct outputs *set);
void outputs_free(struct outputs *set);

#endif /* PARTITION_OUTPUTS_H */
