// SPDX-License-Identifier: MIT
/*
 * Doorbells through the production GIC driver and virtual distributor
 * (ports/aarch64/gic.c, vgic.c) on the modelled GICv3. Channel 0 joins A
 * (doorbell SPI 60) and C (doorbell SPI 61), right ipc; B is in no
 * channel.
 */
#include "el2_test.h"

#define DB_A 60u
#define DB_C 61u
#define HC_DOORBELL RUMKV_SMCCC_ID(RUMKV_HC_DOORBELL)

static const struct rumkv_plan_channel channel = {
	.name = "work",
	.cell = {EL2_A, EL2_C},
	.doorbell = {DB_A, DB_C},
	.right = 3,
};

static void boot(void)
{
	el2_channels = &channel;
	el2_channel_count = 1;
	el2_boot_all();
	el2_channels = NULL;
	el2_channel_count = 0;
}

static enum el2_exit ring(struct rumkv_core *core, uint64_t id, int64_t *st)
{
	uint64_t x[8] = {HC_DOORBELL, id, 0xdead, 0xbeef};
	enum el2_exit how = el2_hvc(core, x, 0);

	*st = (int64_t)x[0];
	return how;
}

static void pledge(struct rumkv_core *core, uint64_t keep)
{
	uint64_t x[8] = {RUMKV_SMCCC_ID(RUMKV_HC_PLEDGE), keep};

	cr_assert_eq(el2_hvc(core, x, 0), EL2_RETURNED);
	cr_assert_eq(x[0], 0);
}

Test(doorbell, pends_the_peers_spi_where_the_peer_routed_it)
{
	int64_t st;

	boot();
	cr_assert_not(gicm_irq_get(0, DB_C).pending);
	cr_assert_eq(ring(el2_core(EL2_A, 2), 0, &st), EL2_RETURNED);
	cr_assert_eq(st, 0);
	cr_assert(gicm_irq_get(0, DB_C).pending, "C's doorbell is pending");
	cr_assert_not(gicm_irq_get(0, DB_A).pending);
	cr_assert_eq(gicm_irq_get(0, DB_C).route & GICM_IROUTER_MASK, 0x10000u,
		     "routed to C's vcore 0 at first");

	/* C moves its doorbell to its vcore 1 through its distributor. */
	el2_write(el2_core(EL2_C, 0), GICD(0x6000 + DB_C * 8), 8, 1);
	cr_assert_eq(gicm_irq_get(0, DB_C).route & GICM_IROUTER_MASK, 0x10001u,
		     "C's vcore 1 is hw 0x10001");
	el2_write(el2_core(EL2_C, 0), GICD(0x100 + DB_C / 32 * 4), 4,
		  1u << (DB_C % 32));
	cr_assert(gicm_irq_get(0, DB_C).enabled);

	/* C rings back: A's doorbell. */
	cr_assert_eq(ring(el2_core(EL2_C, 1), 0, &st), EL2_RETURNED);
	cr_assert_eq(st, 0);
	cr_assert(gicm_irq_get(0, DB_A).pending);
}

Test(doorbell, no_cell_outside_the_channel_reaches_its_spis)
{
	uint64_t seed = el2_seed();
	int64_t st;

	boot();
	for (int i = 0; i < 3000; i++) {
		uint64_t id = i < 70 ? (uint64_t)i : el2_rng(&seed);

		cr_assert_eq(ring(el2_core(EL2_B, (uint32_t)i % 2), id, &st),
			     EL2_RETURNED);
		cr_assert_eq(st, RUMKV_RET_INVALID_PARAMETER);
	}
	/* Nor through B's distributor: the SPIs are not B's. */
	el2_write(el2_core(EL2_B, 0), GICD(0x200 + DB_A / 32 * 4), 4,
		  (1u << (DB_A % 32)) | (1u << (DB_C % 32)));
	cr_assert_not(gicm_irq_get(0, DB_A).pending);
	cr_assert_not(gicm_irq_get(0, DB_C).pending);
	cr_assert_eq(el2_cell(EL2_B)->state, RUMKV_CELL_RUNNING);
}

Test(doorbell, pledge_revokes_the_doorbell_and_refuses_the_peer)
{
	int64_t st;

	boot();
	cr_assert_eq(ring(el2_core(EL2_A, 0), 0, &st), EL2_RETURNED);
	cr_assert(gicm_irq_get(0, DB_C).pending);
	pledge(el2_core(EL2_C, 1), RUMKV_RIGHT_CONSOLE);
	cr_assert_not(gicm_irq_get(0, DB_C).pending, "pending cleared");
	cr_assert_not(gicm_irq_get(0, DB_C).enabled);
	cr_assert_neq(gicm_irq_get(0, DB_C).route & GICM_IROUTER_MASK, 0x10000u,
		      "routed to no core of C");
	cr_assert_eq(ring(el2_core(EL2_A, 3), 0, &st), EL2_RETURNED);
	cr_assert_eq(st, RUMKV_RET_DENIED);
	cr_assert_not(gicm_irq_get(0, DB_C).pending);
	/* C's own doorbell after its pledge ends C, not A. */
	cr_assert_eq(ring(el2_core(EL2_C, 0), 0, &st), EL2_PARKED);
	cr_assert_eq(el2_cell(EL2_C)->state, RUMKV_CELL_TERMINATED);
	cr_assert_eq(el2_cell(EL2_C)->reason, RUMKV_REASON_RIGHT_REVOKED);
	cr_assert(el2_console_has("doorbell after pledging the channel away"));
	cr_assert_not(gicm_irq_get(0, DB_A).pending);
	cr_assert_eq(el2_cell(EL2_A)->state, RUMKV_CELL_RUNNING);
	cr_assert(el2_canaries_ok());
}

/* The peer pledges its channel away on one core while A rings: the ring
 * waits for C's lock, then finds the right gone. Whatever the order, no
 * doorbell is left pending for C once C's pledge has returned. */
static bool hook_fired;
static int64_t race_status;

static void ring_from_a(void)
{
	(void)ring(el2_core(EL2_A, 1), 0, &race_status);
}

static void on_access(const struct gicm_access *a)
{
	if (hook_fired || a->core != (int)el2_core(EL2_C, 0)->index ||
	    a->pa - GICM_GICD_BASE >= 0x10000) {
		return;
	}
	hook_fired = true;
	(void)el2_spawn(ring_from_a);
}

Test(doorbell, ring_racing_the_peers_pledge_is_refused)
{
	boot();
	hook_fired = false;
	race_status = 1;
	gicm.on_access = on_access;
	pledge(el2_core(EL2_C, 0), RUMKV_RIGHT_CONSOLE);
	gicm.on_access = NULL;
	el2_finish_spawned();
	cr_assert(hook_fired);
	cr_assert_eq(race_status, RUMKV_RET_DENIED);
	cr_assert_not(gicm_irq_get(0, DB_C).pending);
	cr_assert_not(gicm_irq_get(0, DB_C).enabled);
}

Test(doorbell, ring_to_an_ended_peer_is_refused)
{
	int64_t st;
	uint64_t x[8] = {0x84000008u}; /* PSCI SYSTEM_OFF */

	boot();
	cr_assert_eq(el2_hvc(el2_core(EL2_C, 0), x, 0), EL2_PARKED);
	cr_assert_eq(el2_cell(EL2_C)->state, RUMKV_CELL_TERMINATED);
	cr_assert_eq(ring(el2_core(EL2_A, 0), 0, &st), EL2_RETURNED);
	cr_assert_eq(st, RUMKV_RET_DENIED);
	cr_assert_not(gicm_irq_get(0, DB_C).pending);
}

/* A's vcore 0 rings while C holds its own lock (C pledges its network
 * away), so A's vcore 0 waits for C's lock; meanwhile A's vcore 1
 * pledges the channel away and returns. When vcore 0 gets C's lock it
 * must see the dropped right: A ends, and nothing is raised in C. */
static enum el2_exit race_how;

static void ring_from_a0(void)
{
	race_how = ring(el2_core(EL2_A, 0), 0, &race_status);
}

static void pledge_from_a1(void)
{
	pledge(el2_core(EL2_A, 1),
	       RUMKV_RIGHT_CONSOLE | RUMKV_RIGHT_NET | RUMKV_RIGHT_BLOCK);
}

static void on_access_own(const struct gicm_access *a)
{
	if (hook_fired || a->core != (int)el2_core(EL2_C, 0)->index ||
	    a->pa - GICM_GICD_BASE >= 0x10000) {
		return;
	}
	hook_fired = true;
	cr_assert_not(el2_spawn(ring_from_a0), "A0 waits for C's lock");
	cr_assert(el2_spawn(pledge_from_a1), "A1's pledge returns");
	cr_assert_eq(el2_cell(EL2_A)->rights & RUMKV_RIGHT_IPC, 0);
}

Test(doorbell, ring_racing_its_own_cells_pledge_ends_the_cell)
{
	boot();
	hook_fired = false;
	race_status = 1;
	race_how = EL2_RETURNED;
	gicm.on_access = on_access_own;
	pledge(el2_core(EL2_C, 0),
	       RUMKV_RIGHT_CONSOLE | RUMKV_RIGHT_BLOCK | RUMKV_RIGHT_IPC);
	gicm.on_access = NULL;
	el2_finish_spawned();
	cr_assert(hook_fired);
	cr_assert_eq(race_how, EL2_PARKED, "A0 did not return to A");
	cr_assert_eq(el2_cell(EL2_A)->state, RUMKV_CELL_TERMINATED);
	cr_assert_eq(el2_cell(EL2_A)->reason, RUMKV_REASON_RIGHT_REVOKED);
	cr_assert_not(gicm_irq_get(0, DB_C).pending,
		      "nothing raised in C after A's pledge returned");
	cr_assert_eq(el2_cell(EL2_C)->state, RUMKV_CELL_RUNNING);
}
