/* SPDX-License-Identifier: MIT */
/*
 * The integrator API: how a firmware hands RumKV a partition plan and
 * starts it. See docs/porting-guide.md for the whole sequence.
 *
 *   reset -> port boot entry (ports/<isa>/boot): hypervisor privilege,
 *            a stack per core, caches and MMU still off
 *         -> rumkv_firmware_main()   <- the firmware's own code
 *         -> rumkv_boot(&plan)       <- never returns
 *
 * rumkv_boot() checks the plan (printing every error and stopping the
 * machine if it is wrong), lets the port set up the machine, builds every
 * cell (stage-2 tables, interrupts, DMA streams, images), powers on the
 * other cores, drops boot-only code, and starts each cell on its first
 * core. From then on RumKV only runs when a core traps to it.
 */
#ifndef RUMKV_RUMKV_H
#define RUMKV_RUMKV_H

#include <rumkv/plan.h>
#include <rumkv/types.h>

/* Implemented by the firmware; the port calls it once, on the boot core.
 * Board set-up that must precede RumKV goes here; it ends by calling
 * rumkv_boot(). */
RUMKV_NORETURN void rumkv_firmware_main(void);

/* Called by the firmware, once, on the boot core. Never returns. */
RUMKV_NORETURN void rumkv_boot(const struct rumkv_plan *plan);

/* Called by the port on every other core once its per-core set-up is done
 * (on the core itself, interrupts masked). Never returns. */
struct rumkv_core;
RUMKV_NORETURN void rumkv_core_boot(struct rumkv_core *core);

/* The plan being run (after rumkv_boot has accepted it). */
const struct rumkv_plan *rumkv_plan(void);

#endif /* RUMKV_RUMKV_H */
