/* SPDX-License-Identifier: MIT */
/*
 * The AArch64 port's trap entry points, called from vectors.S, and the
 * calling-convention dispatcher they share.
 */
#ifndef AARCH64_TRAP_H
#define AARCH64_TRAP_H

#include <rumkv/cell.h>

/* The cell's general registers, saved by vectors.S at the top of the
 * core's stack: x[0..30], then padding to keep 16-byte alignment. */
struct trap_frame {
	uint64_t x[31];
	uint64_t pad;
};

_Static_assert(sizeof(struct trap_frame) == 32 * 8, "frame size in vectors.S");

void aarch64_trap_sync(struct trap_frame *f);
void aarch64_trap_serror(struct trap_frame *f);
void aarch64_trap_unexpected(struct trap_frame *f);
void aarch64_trap_el2(struct trap_frame *f);

/* An SMCCC call (HVC or SMC) with function ID in x[0]: RumKV's own
 * functions, PSCI, SMCCC discovery; anything else is NOT_SUPPORTED.
 * `imm_ok`: the call used immediate 0, as SMCCC requires. */
void aarch64_smccc(struct rumkv_core *core, uint64_t *x, bool imm_ok);

#endif /* AARCH64_TRAP_H */
