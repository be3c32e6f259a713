/* SPDX-License-Identifier: MIT */
/*
 * A small machine for the core library's host tests: 8 cores, 16 MiB of
 * RAM at 0x40000000, and three cells over the fake port.
 *
 *   A  cores 0-3  2 MiB at 0x40800000  net (irq 79), block (irq 71)  halt
 *   B  cores 4-5  2 MiB at 0x40a00000  rtc (irq 34), dma (stream 5)  restart,
 * limit 2 C  cores 6-7  2 MiB at 0x40c00000  net (irq 63), block (irq 55)  halt
 *
 * Each cell's image is 64 KiB of a pattern (fake_image_byte) at its RAM
 * base, its "DTB" 256 bytes at RAM base + 1 MiB.
 */
#ifndef FAKE_MACHINE_H
#define FAKE_MACHINE_H

#include <fake/port.h>
#include <rumkv/cell.h>
#include <rumkv/plan.h>

#define FM_RAM_BASE 0x40000000ull
#define FM_RAM_SIZE (16ull << 20)
#define FM_CELL_RAM(c) (0x40800000ull + (uint64_t)(c)*0x200000ull)
#define FM_CELL_RAM_SIZE 0x200000ull
#define FM_IMAGE_SIZE 0x10000ull
#define FM_DTB_OFFSET 0x100000ull
#define FM_STATUS_IPA 0x0b000000ull

enum { FM_A = 0, FM_B = 1, FM_C = 2 };

struct fake_machine {
	struct rumkv_plan plan;
	struct rumkv_plan_cell cells[3];
	struct rumkv_plan_core cores[8];
	struct rumkv_cell cell_state[3];
	struct rumkv_core core_state[8];
};

extern struct fake_machine fm;

uint8_t fake_image_byte(int cell, uint64_t offset);

/* Builds the plan (policy of cell B can be changed before booting). */
void fm_build(void);

/* Boots it: returns how the boot core left RumKV (FAKE_ENTER: into A). */
enum fake_event_kind fm_boot(void);

/* Builds, boots, and starts every cell's vcore 0 (each enters its cell). */
void fm_boot_all(void);

struct rumkv_cell *fm_cell(int c);
struct rumkv_core *fm_core(int c, uint32_t vcore);

/* A hypercall from `core`: r[0] = function number, r[1..] arguments.
 * Returns how RumKV left (FAKE_RETURNED if the call returned). */
enum fake_event_kind fm_hypercall(struct rumkv_core *core, uint64_t r[8]);

/* Ends `core`'s cell for a violation with `reason`. */
enum fake_event_kind fm_violation(struct rumkv_core *core, uint32_t reason);

/* Runs a parked core (after a kick): it enters its cell if asked to. */
enum fake_event_kind fm_run_parked(struct rumkv_core *core);

/* Is `ipa` mapped in the cell's stage-2 tables? */
bool fm_mapped(int c, uint64_t ipa);

/* The status page entry of a cell. */
const struct rumkv_status_cell *fm_status(int c);

#endif /* FAKE_MACHINE_H */
