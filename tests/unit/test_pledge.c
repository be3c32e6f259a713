// SPDX-License-Identifier: MIT
/*
 * Hard pledges: the one-way ratchet. A cell's rights only ever narrow;
 * narrowing revokes what the dropped rights granted on every core before
 * the call returns; naming a right not held ends the cell.
 */
#include "fake_machine.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint64_t rng_state;

static uint64_t rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

static uint64_t seed(void)
{
	const char *env = getenv("RUMKV_PLEDGE_SEED");

	return env != NULL ? strtoull(env, NULL, 0) : 0x5eed0f2a7c4e1d39ull;
}

static enum fake_event_kind pledge(struct rumkv_core *core, uint64_t keep,
				   uint64_t *status)
{
	uint64_t r[8] = {RUMKV_HC_PLEDGE, keep};
	enum fake_event_kind how = fm_hypercall(core, r);

	*status = r[0];
	return how;
}

/* Each of A's devices is mapped exactly when the cell holds its right. */
static void expect_mappings_follow_rights(uint64_t rights)
{
	cr_assert_eq(fm_mapped(FM_A, 0x0a003e00),
		     (rights & RUMKV_RIGHT_NET) != 0);
	cr_assert_eq(fm_mapped(FM_A, 0x0a002e00),
		     (rights & RUMKV_RIGHT_BLOCK) != 0);
	cr_assert(fm_mapped(FM_A, FM_CELL_RAM(FM_A)), "RAM needs no right");
}

Test(pledge, ratchet_never_widens)
{
	uint64_t s = seed();
	int trial;

	rng_state = s;
	for (trial = 0; trial < 150; trial++) {
		uint64_t rights;
		int step;

		fm_boot_all();
		rights = fm_cell(FM_A)->rights;
		for (step = 0; step < 12; step++) {
			uint64_t keep;
			uint64_t status;
			enum fake_event_kind how;

			if (rng() % 4 != 0) {
				keep = rights & rng(); /* a subset */
			} else if (rng() % 2 != 0) {
				keep = rights | 1ull << (rng() % 64);
			} else {
				keep = rng();
			}
			how = pledge(fm_core(FM_A, 0), keep, &status);
			if ((keep & ~rights) == 0) {
				cr_assert_eq(how, FAKE_RETURNED,
					     "seed 0x%llx trial %d step %d",
					     (unsigned long long)s, trial,
					     step);
				cr_assert_eq(status, 0);
				cr_assert_eq(fm_cell(FM_A)->rights, keep);
				cr_assert_eq(fm_status(FM_A)->rights, keep);
				expect_mappings_follow_rights(keep);
				rights = keep;
				continue;
			}
			cr_assert_eq(how, FAKE_WAIT,
				     "widening ends the cell (seed 0x%llx)",
				     (unsigned long long)s);
			cr_assert_eq(fm_cell(FM_A)->state,
				     RUMKV_CELL_TERMINATED);
			cr_assert_eq(fm_cell(FM_A)->reason,
				     RUMKV_REASON_PLEDGE_WIDEN);
			cr_assert_eq(fm_status(FM_A)->rights, 0);
			break;
		}
		/* Whatever happened to A, B and C kept all they had. */
		cr_assert_eq(fm_cell(FM_C)->rights,
			     fm.cells[FM_C].initial_rights);
		cr_assert(fm_mapped(FM_C, 0x0a001e00));
	}
}

Test(pledge, revocation_completes_on_every_core_before_return)
{
	uint64_t status;
	uint32_t v;

	fm_boot_all();
	for (v = 1; v < 4; v++) {
		cr_assert_eq(rumkv_vcore_on(fm_core(FM_A, 0), v,
					    FM_CELL_RAM(FM_A), 0),
			     0);
		cr_assert_eq(fm_run_parked(fm_core(FM_A, v)), FAKE_ENTER);
	}
	fake_reset();
	cr_assert_eq(pledge(fm_core(FM_A, 2),
			    RUMKV_RIGHT_CONSOLE | RUMKV_RIGHT_BLOCK, &status),
		     FAKE_RETURNED);
	cr_assert_eq(status, 0);
	cr_assert_not(fm_mapped(FM_A, 0x0a003e00));
	cr_assert(fm_mapped(FM_A, 0x0a002e00));
	cr_assert(fake_invalidated(FM_A, 0x0a003000, 0x1000),
		  "TLB entries of the NIC page invalidated");
	cr_assert(fake_seen(FAKE_IRQ_REVOKE, FM_A, 79));
	cr_assert_not(fake_seen(FAKE_IRQ_REVOKE, FM_A, 71));
	cr_assert(fake_seen(FAKE_MMIO_WRITE, -1, 0x0a003e00 + 0x70),
		  "the NIC is reset: no more DMA");
	for (v = 0; v < 4; v++) {
		cr_assert_eq(fake_count(FAKE_IRQ_SYNC, FM_A,
					(int)fm_core(FM_A, v)->index),
			     1, "core %u dropped queued interrupts", v);
	}
	cr_assert_eq(fm_core(FM_A, 1)->requests, 0, "every request served");
}

Test(pledge, same_rights_is_a_no_op)
{
	uint64_t status;

	fm_boot_all();
	fake_reset();
	cr_assert_eq(pledge(fm_core(FM_C, 0), fm_cell(FM_C)->rights, &status),
		     FAKE_RETURNED);
	cr_assert_eq(status, 0);
	cr_assert_eq(fake.event_count, 0, "nothing revoked");
}

Test(pledge, compute_only_then_any_device_right_ends_the_cell)
{
	uint64_t status;

	fm_boot_all();
	cr_assert_eq(
		pledge(fm_core(FM_C, 0), RUMKV_RIGHTS_COMPUTE_ONLY, &status),
		FAKE_RETURNED);
	cr_assert_not(fm_mapped(FM_C, 0x0a001e00));
	cr_assert_not(fm_mapped(FM_C, 0x0a000e00));
	fake_reset();
	fake.guest_pc = 0x40c00abc;
	cr_assert_eq(pledge(fm_core(FM_C, 0),
			    RUMKV_RIGHTS_COMPUTE_ONLY | RUMKV_RIGHT_NET,
			    &status),
		     FAKE_WAIT);
	cr_assert_str_eq(fake.console,
			 "rumkv: cell C core 0 (hw 0x6): pledge asked for "
			 "rights 0x3, holds 0x1, PC 0x40c00abc; halted\n");
}

Test(pledge, console_right_guards_the_console)
{
	uint64_t status;
	uint64_t r[8] = {RUMKV_HC_CONSOLE_WRITE, 2, 'h' | 'i' << 8};

	fm_boot_all();
	cr_assert_eq(pledge(fm_core(FM_B, 0), 0, &status), FAKE_RETURNED);
	cr_assert_eq(fm_cell(FM_B)->rights, 0);
	fake_reset();
	cr_assert_eq(fm_hypercall(fm_core(FM_B, 0), r), FAKE_ENTER,
		     "B ends and restarts (its policy)");
	cr_assert_eq(fm_cell(FM_B)->reason, RUMKV_REASON_RIGHT_REVOKED);
	cr_assert_eq(fm_cell(FM_B)->rights, fm.cells[FM_B].initial_rights,
		     "a restart brings back the initial rights");
}

/* Cell B with two devices sharing a page: a large RTC window that starts
 * in the middle of the page of a small "other" device. */
static void boot_with_b_devices(const struct rumkv_plan_mmio *big,
				const struct rumkv_plan_mmio *small)
{
	static struct rumkv_plan_device dev[2];

	dev[0] = (struct rumkv_plan_device){.path = "/rtc@10000000",
					    .right = 5,
					    .mmio_count = 1,
					    .mmio = big};
	/* The same right: devices that share a page must (plan check). */
	dev[1] = (struct rumkv_plan_device){.path = "/other@10000000",
					    .right = 5,
					    .mmio_count = 1,
					    .mmio = small};
	fm_build();
	fm.cells[FM_B].devices = dev;
}

static uint64_t leaf_size(int c, uint64_t ipa)
{
	uint64_t size = 0;

	cr_assert_eq(
		rumkv_pt_lookup(&fm_cell(c)->stage2, ipa, NULL, NULL, &size), 0,
		"0x%llx unmapped", (unsigned long long)ipa);
	return size;
}

/* The resident unmap never splits a block, so boot gives a page shared by
 * two windows a leaf of its own and the rest of the large window keeps
 * its blocks; revoking their right then unmaps whole leaves. */
Test(pledge, a_shared_page_is_revoked_without_a_split)
{
	static const struct rumkv_plan_mmio big = {0x10000800, 0x3ff800};
	static const struct rumkv_plan_mmio small = {0x10000000, 0x800};
	struct rumkv_core *b = NULL;
	uint64_t rights;
	uint64_t status;

	boot_with_b_devices(&big, &small);
	cr_assert_eq(fm_boot(), FAKE_ENTER);
	b = fm_core(FM_B, 0);
	cr_assert_eq(fm_run_parked(b), FAKE_ENTER);
	cr_assert_eq(leaf_size(FM_B, 0x10000000), 0x1000);
	cr_assert_eq(leaf_size(FM_B, 0x10200000), 0x200000);
	rights = fm_cell(FM_B)->rights;

	cr_assert_eq(pledge(b, rights & ~RUMKV_RIGHT_RTC, &status),
		     FAKE_RETURNED);
	cr_assert_eq(status, 0);
	cr_assert(!fm_mapped(FM_B, 0x10000000), "the shared page goes");
	cr_assert(!fm_mapped(FM_B, 0x10001000));
	cr_assert(!fm_mapped(FM_B, 0x10200000));
	cr_assert(!fm_mapped(FM_B, 0x103ff000));
}

/* Overlapping windows of one cell would leave a block that a revocation
 * cannot unmap without a split: such a cell does not start. */
Test(pledge, overlapping_windows_that_need_a_split_stop_boot)
{
	static const struct rumkv_plan_mmio big = {0x10000000, 0x400000};
	static const struct rumkv_plan_mmio small = {0x10200000, 0x1000};

	boot_with_b_devices(&big, &small);
	cr_assert_eq(fm_boot(), FAKE_SYSTEM_OFF);
	cr_assert(strstr(fake.console, "cell B: stage-2 set-up: misaligned") !=
		  NULL);
}
