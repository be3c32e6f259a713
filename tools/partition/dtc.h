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

/* How a dtc run ended. */
enum dtc_result {
	DTC_OK = 0,
	DTC_REJECTED, /* dtc exited with an error status: the source is wrong */
	DTC_BROKEN,   /* dtc could not be run, was killed by a signal, or its
		       * output could not be read */
};

/* Runs dtc; DTC_OK with the blob (malloc'd) in `out`. dtc's messages are
 * passed on to stderr, and a failure says which program failed and how
 * (its exit status or signal, or that it printed nothing). */
enum dtc_result dtc_compile(const struct dtc_run *run, uint8_t **out,
			    size_t *size);

#endif /* PARTITION_DTC_H */
