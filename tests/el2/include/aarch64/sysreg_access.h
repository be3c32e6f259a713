/* SPDX-License-Identifier: MIT */
/*
 * Host build (tests/el2): the production accessors' interface, backed by
 * the modelled register file of the current core (tests/el2/cpu_model.c).
 * A register is named by its token, as in MRS/MSR; each call site interns
 * its name once.
 */
#ifndef AARCH64_SYSREG_ACCESS_H
#define AARCH64_SYSREG_ACCESS_H

#include <stdint.h>

int el2_sysreg_intern(const char *name);
uint64_t el2_sysreg_read(int slot);
void el2_sysreg_write(int slot, uint64_t value);

#define EL2_SYSREG_SLOT(reg)                              \
	({                                                \
		static int slot__ = -1;                   \
		if (slot__ < 0) {                         \
			slot__ = el2_sysreg_intern(#reg); \
		}                                         \
		slot__;                                   \
	})

#define read_sysreg(reg) el2_sysreg_read(EL2_SYSREG_SLOT(reg))

#define write_sysreg(reg, v)                                  \
	do {                                                  \
		uint64_t wv__ = (uint64_t)(v);                \
		el2_sysreg_write(EL2_SYSREG_SLOT(reg), wv__); \
	} while (0)

/* Barriers order nothing in a single-threaded model. */
static inline void isb(void)
{
}

static inline void dsb_ish(void)
{
}

static inline void dsb_ishst(void)
{
}

static inline void dsb_sy(void)
{
}

#endif /* AARCH64_SYSREG_ACCESS_H */
