/* SPDX-License-Identifier: MIT */
/* Running dtc on a partition source (see dtc.c). */
#ifndef PARTITION_DTC_H
#define PARTITION_DTC_H

#include <stddef.h>
#include <stdint.h>

struct dtc_run {
	const char *dtc; /* program, found on PATH */
	const char *file;
	const char *const *includes; /* -i directories */
	size_t include_count;
	const char *depfile; /* dtc -d, or NULL */
};

/* Returns 0 and the blob (malloc'd) if dtc succeeded; -1 otherwise (dtc
 * has said why on stderr). */
int dtc_compile(const struct dtc_run *run, uint8_t **out, size_t *size);

#endif /* PARTITION_DTC_H */
