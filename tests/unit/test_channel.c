// SPDX-License-Identifier: MIT
/*
 * Shared-memory channels: the region follows the channel's right, the
 * doorbell reaches only the channel's other cell, and only while both
 * hold the right and the peer runs.
 *
 * Channel 0 joins A (read-write) and C (read-only) over 64 KiB at PA
 * 0x40f00000, seen there by both, right ipc; A's doorbell is
 * SPI 200, C's 201. B is in no channel.
 */
#include "fake_machine.h"

#include <criterion/criterion.h>

#define CH_PA 0x40f00000ull
#define CH_SIZE 0x10000ull
/* A and C have virtio-mmio devices, which DMA to physical addresses:
 * their memory, the channel's region included, is seen where it is. */
#define CH_IPA_A CH_PA
#define CH_IPA_C CH_PA
#define DB_A 200u
#define DB_C 201u

static struct rumkv_plan_mem mem_a[2];
static struct rumkv_plan_mem mem_c[2];
static const struct rumkv_plan_channel channel = {
	.name = "work",
	.cell = {FM_A, FM_C},
	.doorbell = {DB_A, DB_C},
	.right = 3, /* RUMKV_RIGHT_IPC */
};

static void add_region(int c, struct rumkv_plan_mem *mem, uint64_t ipa,
		       uint8_t access)
{
	struct rumkv_plan_cell *pc = &fm.cells[c];

	mem[0] = pc->mem[0];
	mem[1] = (struct rumkv_plan_mem){
		.ipa = ipa,
		.pa = CH_PA,
		.size = CH_SIZE,
		.kind = RUMKV_MEM_SHARED,
		.access = access,
		.right = 3,
	};
	pc->mem = mem;
	pc->mem_count = 2;
	pc->initial_rights |= RUMKV_RIGHT_IPC;
}

static void boot_with_channel(void)
{
	fm_build();
	add_region(FM_A, mem_a, CH_IPA_A, RUMKV_MEM_R | RUMKV_MEM_W);
	add_region(FM_C, mem_c, CH_IPA_C, RUMKV_MEM_R);
	fm.plan.channels = &channel;
	fm.plan.channel_count = 1;
	cr_assert_eq(fm_boot(), FAKE_ENTER, "the boot core enters cell A");
	cr_assert_eq(fm_run_parked(fm_core(FM_B, 0)), FAKE_ENTER);
	cr_assert_eq(fm_run_parked(fm_core(FM_C, 0)), FAKE_ENTER);
}

static enum fake_event_kind ring(struct rumkv_core *core, uint64_t id,
				 int64_t *status)
{
	uint64_t r[8] = {RUMKV_HC_DOORBELL, id, 0x1234};
	enum fake_event_kind how = fm_hypercall(core, r);

	*status = (int64_t)r[0];
	return how;
}

Test(channel, boot_maps_region_and_gives_doorbells)
{
	boot_with_channel();
	cr_assert(fm_mapped(FM_A, CH_IPA_A));
	cr_assert(fm_mapped(FM_A, CH_IPA_A + CH_SIZE - 1));
	cr_assert(fm_mapped(FM_C, CH_IPA_C));
	cr_assert_not(fm_mapped(FM_B, CH_IPA_A));
	cr_assert_not(fm_mapped(FM_B, CH_IPA_C));
	cr_assert(fake_seen(FAKE_IRQ_ASSIGN, FM_A, DB_A));
	cr_assert(fake_seen(FAKE_IRQ_ASSIGN, FM_C, DB_C));
	cr_assert_not(fake_seen(FAKE_IRQ_ASSIGN, FM_A, DB_C));
	cr_assert_not(fake_seen(FAKE_IRQ_ASSIGN, FM_B, DB_A));
}

Test(channel, doorbell_raises_the_peers_interrupt_only)
{
	int64_t st;

	boot_with_channel();
	cr_assert_eq(ring(fm_core(FM_A, 2), 0, &st), FAKE_RETURNED);
	cr_assert_eq(st, RUMKV_RET_SUCCESS);
	cr_assert_eq(fake_count(FAKE_IRQ_RAISE, FM_C, -1), 1);
	cr_assert(fake_seen(FAKE_IRQ_RAISE, FM_C, DB_C));
	cr_assert_eq(ring(fm_core(FM_C, 1), 0, &st), FAKE_RETURNED);
	cr_assert_eq(st, RUMKV_RET_SUCCESS);
	cr_assert(fake_seen(FAKE_IRQ_RAISE, FM_A, DB_A));
	cr_assert_eq(fake_count(FAKE_IRQ_RAISE, -1, -1), 2);
}

Test(channel, outsider_and_bad_ids_raise_nothing)
{
	int64_t st;

	boot_with_channel();
	for (uint64_t i = 0; i < 2000; i++) {
		uint64_t id = i < 64 ? i : (i * 0x9e3779b97f4a7c15ull) ^ i;

		cr_assert_eq(ring(fm_core(FM_B, i % 2), id, &st),
			     FAKE_RETURNED);
		cr_assert_eq(st, RUMKV_RET_INVALID_PARAMETER, "id 0x%llx",
			     (unsigned long long)id);
		if (id != 0) {
			cr_assert_eq(ring(fm_core(FM_A, 0), id, &st),
				     FAKE_RETURNED);
			cr_assert_eq(st, RUMKV_RET_INVALID_PARAMETER);
		}
	}
	cr_assert_eq(fake_count(FAKE_IRQ_RAISE, -1, -1), 0);
	cr_assert_eq(fm_cell(FM_B)->state, RUMKV_CELL_RUNNING);
}

Test(channel, pledge_unmaps_revokes_and_a_later_ring_ends_the_cell)
{
	uint64_t r[8] = {RUMKV_HC_PLEDGE, RUMKV_RIGHT_CONSOLE |
						  RUMKV_RIGHT_NET |
						  RUMKV_RIGHT_BLOCK};
	int64_t st;

	boot_with_channel();
	cr_assert_eq(fm_hypercall(fm_core(FM_A, 1), r), FAKE_RETURNED);
	cr_assert_eq(r[0], RUMKV_RET_SUCCESS);
	cr_assert_not(fm_mapped(FM_A, CH_IPA_A));
	cr_assert_not(fm_mapped(FM_A, CH_IPA_A + CH_SIZE - 1));
	cr_assert(fake_invalidated(FM_A, CH_IPA_A, CH_SIZE));
	cr_assert(fake_seen(FAKE_IRQ_REVOKE, FM_A, DB_A));
	cr_assert_not(fake_seen(FAKE_IRQ_REVOKE, FM_C, DB_C));
	cr_assert(fm_mapped(FM_C, CH_IPA_C), "the peer keeps its mapping");
	cr_assert_eq(fm_status(FM_A)->rights & RUMKV_RIGHT_IPC, 0,
		     "the peer sees the pledge on the status page");
	cr_assert_eq(fm_status(FM_A)->state, RUMKV_CELL_RUNNING);

	/* The peer's ring finds no one to raise. */
	cr_assert_eq(ring(fm_core(FM_C, 0), 0, &st), FAKE_RETURNED);
	cr_assert_eq(st, RUMKV_RET_DENIED);
	cr_assert_eq(fake_count(FAKE_IRQ_RAISE, -1, -1), 0);

	/* Using the right pledged away ends A. */
	cr_assert_neq(ring(fm_core(FM_A, 0), 0, &st), FAKE_RETURNED);
	cr_assert_eq(fm_cell(FM_A)->state, RUMKV_CELL_TERMINATED);
	cr_assert_eq(fm_status(FM_A)->reason, RUMKV_REASON_RIGHT_REVOKED);
	cr_assert_eq(fake_count(FAKE_IRQ_RAISE, -1, -1), 0);
	cr_assert_eq(fm_cell(FM_C)->state, RUMKV_CELL_RUNNING);
	cr_assert(fm_mapped(FM_C, CH_IPA_C));
}

Test(channel, ring_to_an_ended_peer_is_denied)
{
	int64_t st;

	boot_with_channel();
	cr_assert_neq(fm_violation(fm_core(FM_C, 0), RUMKV_REASON_STAGE2_FAULT),
		      FAKE_RETURNED);
	cr_assert_eq(fm_cell(FM_C)->state, RUMKV_CELL_TERMINATED);
	cr_assert(fake_seen(FAKE_IRQ_REVOKE, FM_C, DB_C));
	cr_assert_not(fm_mapped(FM_C, CH_IPA_C));
	cr_assert_eq(ring(fm_core(FM_A, 3), 0, &st), FAKE_RETURNED);
	cr_assert_eq(st, RUMKV_RET_DENIED);
	cr_assert_eq(fake_count(FAKE_IRQ_RAISE, -1, -1), 0);
	cr_assert_eq(fm_cell(FM_A)->state, RUMKV_CELL_RUNNING);
	cr_assert(fm_mapped(FM_A, CH_IPA_A), "A keeps the region");
}

/* B restarts after a violation: its doorbell is given back (assigned
 * again, which also clears anything left pending) and A's rings reach
 * the new run; while B's lock was held for the restart nothing could
 * land on the revoked SPI. */
static const struct rumkv_plan_channel channel_ab = {
	.name = "ab",
	.cell = {FM_A, FM_B},
	.doorbell = {DB_A, DB_C},
	.right = 3,
};
static struct rumkv_plan_mem mem_b[2];

Test(channel, restart_gives_the_doorbell_back)
{
	int64_t st;

	fm_build();
	add_region(FM_A, mem_a, CH_IPA_A, RUMKV_MEM_R | RUMKV_MEM_W);
	add_region(FM_B, mem_b, CH_IPA_C, RUMKV_MEM_R | RUMKV_MEM_W);
	fm.plan.channels = &channel_ab;
	fm.plan.channel_count = 1;
	cr_assert_eq(fm_boot(), FAKE_ENTER);
	cr_assert_eq(fm_run_parked(fm_core(FM_B, 0)), FAKE_ENTER);
	cr_assert_eq(fm_run_parked(fm_core(FM_C, 0)), FAKE_ENTER);
	cr_assert_eq(fake_count(FAKE_IRQ_ASSIGN, FM_B, -1), 2, "rtc, doorbell");
	cr_assert_neq(fm_violation(fm_core(FM_B, 1), RUMKV_REASON_STAGE2_FAULT),
		      FAKE_RETURNED);
	cr_assert(fake_seen(FAKE_IRQ_REVOKE, FM_B, DB_C));
	cr_assert_eq(fm_cell(FM_B)->state, RUMKV_CELL_RUNNING, "restarted");
	cr_assert_eq(fake_count(FAKE_IRQ_ASSIGN, FM_B, -1), 4);
	cr_assert(fm_mapped(FM_B, CH_IPA_C), "the region is mapped again");
	cr_assert_eq(ring(fm_core(FM_A, 0), 0, &st), FAKE_RETURNED);
	cr_assert_eq(st, RUMKV_RET_SUCCESS);
	cr_assert(fake_seen(FAKE_IRQ_RAISE, FM_B, DB_C));
	cr_assert_eq(ring(fm_core(FM_C, 0), 0, &st), FAKE_RETURNED);
	cr_assert_eq(st, RUMKV_RET_INVALID_PARAMETER, "C is not in it");
}
