// SPDX-License-Identifier: MIT
/*
 * Revocation against in-flight accesses (finding 5 of issue 11). Core X
 * of a cell writes a distributor register of an interrupt it owns; just
 * as X reaches the GIC, core Y of the same cell pledges that interrupt's
 * right away (or ends the cell). EL2-SPEC.md: the ownership check and the
 * physical write happen under cell->lock, which revocation also holds, so
 * whatever the interleaving the interrupt ends up revoked: an in-flight
 * ISENABLER write never re-enables it.
 *
 * The interleaving is made deterministic by the GIC model's access hook:
 * at X's first distributor access of the write, Y's call starts
 * (el2_spawn). If Y then spins for a lock X holds, it waits its turn and
 * completes once X is done, which is what a real core Y would do.
 */
#include "el2_test.h"

#include <rumkv/port.h>

#define RIGHTS_B (RUMKV_RIGHT_CONSOLE | RUMKV_RIGHT_RTC | RUMKV_RIGHT_OTHER)

static struct rumkv_core *hook_core; /* X */
static void (*hook_fn)(void);	     /* what Y does */
static bool hook_fired;
static bool y_done;
static uint32_t watched;	      /* the interrupt Y revokes */
static bool y_done_inside;	      /* Y completed inside X's access */
static struct gicm_irq at_revocation; /* its state when Y completed */

static void on_access(const struct gicm_access *a)
{
	if (hook_fired || a->core != (int)hook_core->index ||
	    a->pa - GICM_GICD_BASE >= 0x10000) {
		return;
	}
	hook_fired = true;
	(void)el2_spawn(hook_fn);
	if (y_done) {
		y_done_inside = true;
		at_revocation = gicm_irq_get(0, watched);
	}
}

/* Y: B's vcore 1 drops the RTC right (SPI 40). */
static void pledge_rtc(void)
{
	uint64_t r[8] = {RUMKV_SMCCC_ID(RUMKV_HC_PLEDGE),
			 RIGHTS_B & ~RUMKV_RIGHT_RTC};
	enum el2_exit how = el2_hvc(el2_core(EL2_B, 1), r, 0);

	cr_assert_eq(how, EL2_RETURNED);
	cr_assert_eq(r[0], 0);
	y_done = true;
}

/* Y: C's vcore 1 makes a stage-2 fault: C ends (halts). */
static void end_c(void)
{
	uint64_t v = 0;
	enum el2_exit how =
		el2_access(el2_core(EL2_C, 1), 0x50000000, 4, true, &v);

	cr_assert_eq(how, EL2_PARKED);
	y_done = true;
}

/* Runs X's write with Y's call hooked in, then Y again if it blocked. */
static void race(struct rumkv_core *x, uint64_t ipa, uint8_t size,
		 uint64_t value, void (*y)(void), uint32_t intid)
{
	enum el2_exit how;
	struct gicm_irq after;

	watched = intid;
	y_done_inside = false;
	hook_core = x;
	hook_fn = y;
	hook_fired = false;
	y_done = false;
	gicm.on_access = on_access;
	how = el2_access(x, ipa, size, true, &value);
	gicm.on_access = NULL;
	cr_assert(hook_fired, "X's write reached the distributor");
	cr_assert(how == EL2_RETURNED || how == EL2_PARKED, "X exit %d", how);
	/* If Y got its revocation done in the middle of X's access, X must
	 * not touch the interrupt afterwards (its ownership check was
	 * before). */
	after = gicm_irq_get(0, intid);
	cr_assert(!y_done_inside || gicm_irq_equal(&after, &at_revocation),
		  "X changed SPI %u after Y revoked it (enabled %d pending %d "
		  "active %d prio 0x%x cfg %u route 0x%llx)",
		  intid, after.enabled, after.pending, after.active, after.prio,
		  after.cfg, (unsigned long long)after.route);
	el2_finish_spawned();
	cr_assert(y_done, "Y's call completed");
}

/* SPI `intid`'s state after a plain revocation (no race), on a machine
 * that did `prepare` first. */
static struct gicm_irq revoked_alone(uint32_t intid, void (*prepare)(void),
				     void (*y)(void))
{
	el2_boot_all();
	prepare();
	y_done = false;
	y();
	cr_assert(y_done);
	return gicm_irq_get(0, intid);
}

static void expect_same(uint32_t intid, const struct gicm_irq *want,
			const char *what)
{
	struct gicm_irq got = gicm_irq_get(0, intid);

	cr_assert_eq(got.enabled, want->enabled, "%s: SPI %u enabled %d", what,
		     intid, got.enabled);
	cr_assert_eq(got.pending, want->pending, "%s: SPI %u pending %d", what,
		     intid, got.pending);
	cr_assert_eq(got.active, want->active, "%s: SPI %u active %d", what,
		     intid, got.active);
	cr_assert_eq(got.prio, want->prio, "%s: SPI %u priority 0x%x", what,
		     intid, got.prio);
	cr_assert_eq(got.route, want->route, "%s: SPI %u route 0x%llx", what,
		     intid, (unsigned long long)got.route);
}

static void nothing(void)
{
}

/* A write of X that owns SPI 40 at its start. */
struct x_write {
	const char *name;
	uint64_t ipa;
	uint8_t size;
	uint64_t value;
};

static const struct x_write b_writes[] = {
	{"ISENABLER1", GICM_GICD_BASE + 0x104, 4, 1u << 8},
	{"ISPENDR1", GICM_GICD_BASE + 0x204, 4, 1u << 8},
	{"ISACTIVER1", GICM_GICD_BASE + 0x304, 4, 1u << 8},
	{"IPRIORITYR10", GICM_GICD_BASE + 0x428, 4, 0x10},
	{"IPRIORITYR byte", GICM_GICD_BASE + 0x428, 1, 0x10},
	{"ICFGR2", GICM_GICD_BASE + 0xc08, 4, 2u << 16},
	{"IROUTER40", GICM_GICD_BASE + 0x6100 + 8 * 8, 8, 0x1},
};

static void race_pledge(const struct x_write *w)
{
	struct gicm_irq want =
		revoked_alone(EL2_SPI_B_RTC, nothing, pledge_rtc);

	el2_boot_all();
	race(el2_core(EL2_B, 0), w->ipa, w->size, w->value, pledge_rtc,
	     EL2_SPI_B_RTC);
	expect_same(EL2_SPI_B_RTC, &want, w->name);
	cr_assert(!el2_owns(EL2_B, EL2_SPI_B_RTC));
	cr_assert_eq(el2_read(el2_core(EL2_B, 0), GICM_GICD_BASE + 0x104, 4) &
			     1u << 8,
		     0, "B no longer sees SPI 40");
	cr_assert(gicm_irq_get(0, EL2_SPI_B_DMA).route ==
			  el2_core(EL2_B, 0)->hwid,
		  "SPI 41 untouched");
}

#define RACE_TEST(name, i)                 \
	Test(race, pledge_vs_##name)       \
	{                                  \
		race_pledge(&b_writes[i]); \
	}

RACE_TEST(isenabler, 0)
RACE_TEST(ispendr, 1)
RACE_TEST(isactiver, 2)
RACE_TEST(ipriorityr, 3)
RACE_TEST(ipriorityr_byte, 4)
RACE_TEST(icfgr, 5)
RACE_TEST(irouter, 6)

/* The same with the end of the cell: C's vcore 1 faults while vcore 0
 * enables SPI 48; C halts, and SPI 48 stays disabled. */
Test(race, end_vs_isenabler)
{
	struct gicm_irq want = revoked_alone(EL2_SPI_C_NET, nothing, end_c);

	cr_assert(!want.enabled);
	el2_boot_all();
	race(el2_core(EL2_C, 0), GICM_GICD_BASE + 0x104, 4, 1u << 16, end_c,
	     EL2_SPI_C_NET);
	cr_assert_eq(el2_cell(EL2_C)->state, RUMKV_CELL_TERMINATED);
	expect_same(EL2_SPI_C_NET, &want, "end of C");
}

/* ---- revocation itself (EL2-SPEC.md, "Ownership and revocation") ---- */

static void enable_40_everywhere(void)
{
	struct rumkv_core *b0 = el2_core(EL2_B, 0);

	el2_write(b0, GICM_GICD_BASE + 0x104, 4, 1u << 8);
	el2_write(b0, GICM_GICD_BASE + 0x204, 4, 1u << 8);
	el2_write(b0, GICM_GICD_BASE + 0x304, 4, 1u << 8);
	el2_write(b0, GICM_GICD_BASE + 0x428, 1, 0x20);
	el2_write(b0, GICM_GICD_BASE + 0x6100 + 8 * 8, 8, 0x1);
}

Test(race, revocation_leaves_nothing)
{
	struct gicm_irq at_boot;
	struct gicm_irq got;
	uint32_t from;
	bool disabled = false;
	bool waited = false;

	el2_boot_all();
	at_boot = gicm_irq_get(0, EL2_SPI_B_RTC);
	enable_40_everywhere();
	/* A copy queued in vcore 1's list registers, hardware-linked. */
	el2_cpus[5].lr[2] = ICH_LR_STATE_PENDING | ICH_LR_HW | ICH_LR_GROUP1 |
			    (uint64_t)EL2_SPI_B_RTC << ICH_LR_PINTID_SHIFT |
			    EL2_SPI_B_RTC;
	from = gicm.log_count;
	y_done = false;
	pledge_rtc();
	cr_assert(y_done);
	got = gicm_irq_get(0, EL2_SPI_B_RTC);
	cr_assert(!got.enabled, "disabled");
	cr_assert(!got.pending, "pending cleared");
	cr_assert(!got.active, "active cleared");
	cr_assert_eq(got.route & GICM_IRM, 0, "not 1-of-N");
	cr_assert_eq(gicm_core_of_affinity(got.route), -1,
		     "routed to no core (0x%llx)",
		     (unsigned long long)got.route);
	cr_assert_eq(got.prio, at_boot.prio, "priority reset");
	for (unsigned n = 0; n < EL2_LRS; n++) {
		cr_assert_neq(el2_cpus[5].lr[n] & ICH_LR_VINTID_MASK,
			      EL2_SPI_B_RTC, "vcore 1's LR %u still holds it",
			      n);
		cr_assert_neq(el2_cpus[4].lr[n] & ICH_LR_VINTID_MASK,
			      EL2_SPI_B_RTC);
	}
	/* ICENABLER, then RWP polled until clear. */
	for (uint32_t i = from; i < gicm.log_count && i < GICM_LOG_SIZE; i++) {
		const struct gicm_access *a = &gicm.log[i];
		uint64_t off = a->pa - GICM_GICD_BASE;

		if (a->write && off == 0x184 && (a->value & 1u << 8)) {
			disabled = true;
		} else if (disabled && !a->write && off == 0 &&
			   (a->value & GICD_CTLR_RWP) == 0) {
			waited = true;
			break;
		} else if (disabled && a->write) {
			break;
		}
	}
	cr_assert(disabled && waited, "ICENABLER and an RWP wait");
	/* Other cells' interrupts and B's other one are untouched. */
	cr_assert(gicm_irq_get(0, EL2_SPI_B_DMA).route ==
		  el2_core(EL2_B, 0)->hwid);
}

/* A vcore parked with an SPI left active (gic_parked_drain) and its cell
 * restarted: the new run owns the SPI again and one of its vcores is
 * handling it when the parked one starts. Starting must not deactivate
 * it (found by the lifecycle model's review). */
Test(race, reassigned_spi_survives_a_stale_parked_core)
{
	struct rumkv_cell *b = el2_cell(EL2_B);
	struct rumkv_core *b1;
	struct gicm_irq s;

	el2_boot();
	b1 = el2_core(EL2_B, 1);
	b1->arch.parked_active[EL2_SPI_B_RTC / 64] |= 1ull
						      << (EL2_SPI_B_RTC % 64);
	port_irq_revoke(b, EL2_SPI_B_RTC);
	cr_assert_eq(port_irq_assign(b, EL2_SPI_B_RTC), 0);
	s = gicm_irq_get(0, EL2_SPI_B_RTC);
	s.active = true; /* vcore 0 of the new run took it */
	gicm_irq_set(0, EL2_SPI_B_RTC, &s);
	gic_parked_release(b1);
	cr_assert(gicm_irq_get(0, EL2_SPI_B_RTC).active,
		  "a stale parked bit deactivated the new run's SPI");
}
