/* SPDX-License-Identifier: MIT */
/*
 * Helpers shared by the Criterion suites of tests/el2.
 */
#ifndef EL2_TEST_H
#define EL2_TEST_H

#include "el2.h"

#include <aarch64/sysreg.h>
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <stdlib.h>

#define GICD(off) (GICM_GICD_BASE + (uint64_t)(off))
/* Frame `v` of a cell's redistributor view, and its SGI frame. */
#define GICR_RD(v, off) \
	(GICM_GICR_BASE + (uint64_t)(v)*GICM_FRAME_SIZE + (uint64_t)(off))
#define GICR_SGI(v, off) GICR_RD(v, 0x10000u + (off))

static inline uint64_t el2_rng(uint64_t *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 7;
	*x ^= *x << 17;
	return *x;
}

/* The seed of a suite's pseudo-random values (RUMKV_EL2_SEED overrides). */
static inline uint64_t el2_seed(void)
{
	const char *env = getenv("RUMKV_EL2_SEED");

	return env != NULL ? strtoull(env, NULL, 0) : 0x9e3779b97f4a7c15ull;
}

/* The model's whole interrupt state must be `want`. */
#define expect_gic(want, fmt, ...)                                            \
	do {                                                                  \
		struct gicm_snap got__;                                       \
		char msg__[256];                                              \
		gicm_snap_take(&got__);                                       \
		cr_assert(                                                    \
			gicm_snap_same((want), &got__, msg__, sizeof(msg__)), \
			"%s; after: " fmt, msg__, ##__VA_ARGS__);             \
	} while (0)

/* The cell `c` ended (halted) with a report containing `what`. */
static inline void expect_ended(int c, const char *what)
{
	cr_assert_eq(el2_cell(c)->state, RUMKV_CELL_TERMINATED,
		     "cell %d still %u after the access", c,
		     el2_cell(c)->state);
	cr_assert(el2_console_has(what), "no \"%s\" in the report:\n%s", what,
		  el2.console);
}

#endif /* EL2_TEST_H */
