/* SPDX-License-Identifier: MIT */
/*
 * System register accessors and barriers: the only inline assembly the
 * port's C code needs for them. A host build of the guest-facing code
 * (tests/el2) puts its own <aarch64/sysreg_access.h> first on the include
 * path, backed by a modelled register file; the production sources are
 * compiled unchanged.
 */
#ifndef AARCH64_SYSREG_ACCESS_H
#define AARCH64_SYSREG_ACCESS_H

#include <stdint.h>

#define read_sysreg(reg)                                       \
	({                                                     \
		uint64_t v__;                                  \
		__asm__ volatile("mrs %0, " #reg : "=r"(v__)); \
		v__;                                           \
	})

#define write_sysreg(reg, v)                                        \
	do {                                                        \
		uint64_t wv__ = (uint64_t)(v);                      \
		__asm__ volatile("msr " #reg ", %0" : : "r"(wv__)); \
	} while (0)

static inline void isb(void)
{
	__asm__ volatile("isb" ::: "memory");
}

static inline void dsb_ish(void)
{
	__asm__ volatile("dsb ish" ::: "memory");
}

static inline void dsb_ishst(void)
{
	__asm__ volatile("dsb ishst" ::: "memory");
}

static inline void dsb_sy(void)
{
	__asm__ volatile("dsb sy" ::: "memory");
}

#endif /* AARCH64_SYSREG_ACCESS_H */
