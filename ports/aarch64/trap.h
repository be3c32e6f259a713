/* SPDX-License-Identifier: MIT */
/*
 * The AArch64 port's trap entry points, called from vectors.S, and the
 * calling-convention dispatcher they share.
 */
#ifndef AARCH64_TRAP_H
#define AARCH64_TRAP_H

#include <rumkv/cell.h>

/* The cell's general registers, saved by vectors.S at the top of the
 * core's stack: x[0..30], then x[31], which stands for XZR: it is saved
 * as zero and never restored, so a handler indexes it by an
 * instruction's register number, 31 included, without a special case.
 * Only aarch64_trap_sync gets all of them: for the other paths x[19..29]
 * are not saved (they stay in the registers, which C preserves). */
struct trap_frame {
	uint64_t x[32];
};

_Static_assert(sizeof(struct trap_frame) == 32 * 8, "frame size in vectors.S");

/* A synchronous exception from the cell other than HVC, which vectors.S
 * passes straight to aarch64_smccc. The exit is counted. */
void aarch64_trap_sync(struct rumkv_core *core, struct trap_frame *f,
		       uint64_t esr);
/* A physical SError taken while the cell ran (ESR_EL2 `esr`): becomes a
 * virtual SError of the cell, or stops the machine if uncontainable. */
void aarch64_trap_serror(struct rumkv_core *core, uint64_t esr);
/* A physical FIQ taken while the cell ran: RumKV's (IOMMU) or dropped. */
void aarch64_trap_fiq(struct rumkv_core *core);
/* A fault in RumKV itself, with the LR of the code that faulted. */
RUMKV_NORETURN void aarch64_trap_el2(uint64_t lr);
/* Reports "rumkv: <text>; stopping the machine" once and powers the
 * machine off: RumKV's own state is broken. Callable from any context. */
RUMKV_NORETURN void aarch64_fatal(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));
/* Ends the calling core's cell for an access to an emulated device that
 * the device does not allow (size, alignment), reported with its IPA.
 * Called inside a data-abort trap only. */
RUMKV_NORETURN void aarch64_mmio_refuse(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));

/* An SMCCC call (HVC or SMC, `esr` its ESR_EL2) with function ID in
 * x[0]: RumKV's own functions, PSCI, SMCCC discovery; anything else, or
 * an immediate other than 0, is NOT_SUPPORTED. The hot path: vectors.S
 * calls it for HVC having saved only the registers a C call may clobber,
 * x[0..18] and x[30]; no call reads or returns any other. */
void aarch64_smccc(struct rumkv_core *core, uint64_t *x, uint64_t esr);

#endif /* AARCH64_TRAP_H */
