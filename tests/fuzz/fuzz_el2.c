// SPDX-License-Identifier: MIT
/*
 * libFuzzer target for RumKV's guest-facing EL2 code, over the host
 * harness of tests/el2 (production trap.c, smccc.c, vgic.c, gic.c and the
 * core library against a modelled register file and GICv3).
 *
 * The input's first byte picks the hostile cell (A, B or C); the rest
 * decodes to up to MAX_OPS operations from its cores: data aborts at
 * random offsets and sizes in the GIC distributor, its redistributor
 * frames and the virtual UART; exceptions with random ESR (every class)
 * and registers; HVC/SMC with random x0-x7 and immediates; SGI writes;
 * pledges, also racing another core's GIC write; console input and the
 * interrupt slow path.
 *
 * Oracle after every operation (besides ASan/UBSan, and the GIC model,
 * which aborts on any access of a size or alignment the GICv3
 * specification does not allow):
 *  - every interrupt the hostile cell did not own at boot is as it was
 *    (enable, pending, active, priority, config, routing, group), and so
 *    is every SGI/PPI of the other cells' cores and RumKV's own (15, 25,
 *    26) on the hostile cell's cores;
 *  - an owned SPI is only ever routed to the cell's own cores (or to no
 *    core), never 1-of-N; a revoked one (all of them once the cell has
 *    ended) is disabled, not pending, not active, but the console UART's
 *    interrupt, which is RumKV's and follows the input focus;
 *  - no SGI reaches another cell's core, and SGI 15 is only ever RumKV's
 *    own kick;
 *  - the other cells' struct rumkv_cell / rumkv_core, their CPUs' system
 *    and list registers and their status-page entries are unchanged;
 *    the plan is unchanged; the canaries around the state are intact.
 */
#include "../el2/el2.h"

#include <aarch64/sysreg.h>

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_OPS 48

struct input {
	const uint8_t *p;
	size_t left;
};

static uint8_t u8(struct input *in)
{
	if (in->left == 0) {
		return 0;
	}
	in->left--;
	return *in->p++;
}

static uint32_t u32(struct input *in)
{
	uint32_t v = 0;

	for (int i = 0; i < 4; i++) {
		v = v << 8 | u8(in);
	}
	return v;
}

static uint64_t u64(struct input *in)
{
	uint64_t hi = u32(in);

	return hi << 32 | u32(in);
}

static void fail(const char *fmt, ...)
	__attribute__((format(printf, 1, 2), noreturn));

static void fail(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fprintf(stderr, "fuzz_el2 oracle: ");
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n");
	abort();
}

/* ---- the state the hostile cell must not change ---- */

static int hostile;
static bool owned_at_boot[GICM_INTIDS];
static struct gicm_snap gic_at_boot;
static struct rumkv_cell cells_at_boot[3];
static struct rumkv_core cores_at_boot[8];
static struct el2_cpu cpus_at_boot[8];
static struct rumkv_plan plan_at_boot;
static struct rumkv_plan_cell plan_cells_at_boot[3];
static struct rumkv_status_cell status_at_boot[3];

static bool hostile_core(unsigned i)
{
	return el2.core_state[i].cell == &el2.cell_state[hostile];
}

static const struct rumkv_status_cell *status(int c)
{
	const struct rumkv_status_page *st = el2.plan.status_page;

	return &st->cell[c];
}

static void take_snapshot(void)
{
	/* Boot's own kicks (starting each cell) are not the cell's. */
	gicm.sgi_count = 0;
	memset(el2.kicks, 0, sizeof(el2.kicks));
	for (uint32_t i = 0; i < GICM_INTIDS; i++) {
		owned_at_boot[i] = i >= 32 && el2_owns(hostile, i);
	}
	gicm_snap_take(&gic_at_boot);
	memcpy(cells_at_boot, el2.cell_state, sizeof(cells_at_boot));
	memcpy(cores_at_boot, el2.core_state, sizeof(cores_at_boot));
	memcpy(cpus_at_boot, el2_cpus, sizeof(cpus_at_boot));
	plan_at_boot = el2.plan;
	memcpy(plan_cells_at_boot, el2.cells, sizeof(plan_cells_at_boot));
	for (int c = 0; c < 3; c++) {
		status_at_boot[c] = *status(c);
	}
}

static bool same_irq_config(const struct gicm_irq *a, const struct gicm_irq *b)
{
	return a->group == b->group && a->enabled == b->enabled &&
	       a->prio == b->prio && a->cfg == b->cfg;
}

static bool targets_other_cell(uint64_t route)
{
	int core = gicm_core_of_affinity(route);

	return (route & GICM_IRM) != 0 ||
	       (core >= 0 && !hostile_core((unsigned)core));
}

static void check_gic(void)
{
	struct gicm_snap now;

	gicm_snap_take(&now);
	for (uint32_t i = 32; i < GICM_INTIDS; i++) {
		const struct gicm_irq *s = &now.spi[i];

		if (!owned_at_boot[i]) {
			if (!gicm_irq_equal(&gic_at_boot.spi[i], s)) {
				fail("SPI %u, not the hostile cell's, changed "
				     "(enabled %d pending %d active %d prio "
				     "0x%x cfg %u route 0x%llx)",
				     i, s->enabled, s->pending, s->active,
				     s->prio, s->cfg,
				     (unsigned long long)s->route);
			}
			continue;
		}
		if (targets_other_cell(s->route)) {
			fail("SPI %u of the hostile cell routed to 0x%llx", i,
			     (unsigned long long)s->route);
		}
		/* The console UART's interrupt follows the input focus for
		 * the machine's life: RumKV's own, not a device's. */
		if (i != EL2_UART_IRQ &&
		    (el2.cell_state[hostile].state != RUMKV_CELL_RUNNING ||
		     !el2_owns(hostile, i)) &&
		    (s->enabled || s->pending || s->active)) {
			fail("revoked SPI %u is enabled %d pending %d active "
			     "%d",
			     i, s->enabled, s->pending, s->active);
		}
	}
	for (unsigned c = 0; c < GICM_CORES; c++) {
		for (uint32_t i = 0; i < 32; i++) {
			const struct gicm_irq *was = &gic_at_boot.local[c][i];
			const struct gicm_irq *s = &now.local[c][i];

			if (!hostile_core(c)) {
				if (!gicm_irq_equal(was, s)) {
					fail("core %u (not the hostile cell's) "
					     "local %u changed",
					     c, i);
				}
			} else if ((i == 15 || i == 25 || i == 26) &&
				   !same_irq_config(was, s)) {
				fail("RumKV's own local %u on core %u changed",
				     i, c);
			}
		}
	}
}

/* SGIs: none from the hostile cell to another cell's core, and SGI 15
 * only as RumKV's own kicks (each port_core_kick sends one). */
static void check_sgis(void)
{
	uint32_t kicks = 0;
	uint32_t sgi15 = 0;

	if (gicm.sgi_count > GICM_SGI_LOG_SIZE) {
		return;
	}
	for (uint32_t i = 0; i < gicm.sgi_count; i++) {
		const struct gicm_sgi *g = &gicm.sgi[i];

		if (hostile_core((unsigned)g->from) &&
		    !hostile_core((unsigned)g->to)) {
			fail("SGI %u from core %d to core %d of another cell",
			     g->intid, g->from, g->to);
		}
		sgi15 += g->intid == GIC_SGI_RUMKV;
	}
	for (unsigned i = 0; i < 8; i++) {
		kicks += el2.kicks[i];
	}
	if (sgi15 != kicks) {
		fail("%u SGIs 15 for %u kicks: a cell sent RumKV's SGI", sgi15,
		     kicks);
	}
}

static void check_structs(void)
{
	for (int c = 0; c < 3; c++) {
		if (c == hostile) {
			continue;
		}
		if (memcmp(&cells_at_boot[c], &el2.cell_state[c],
			   sizeof(cells_at_boot[c])) != 0) {
			fail("struct rumkv_cell of cell %d changed", c);
		}
		if (memcmp(&status_at_boot[c], status(c),
			   sizeof(status_at_boot[c])) != 0) {
			fail("status page entry of cell %d changed", c);
		}
	}
	for (unsigned i = 0; i < 8; i++) {
		if (hostile_core(i)) {
			const struct rumkv_core *was = &cores_at_boot[i];
			const struct rumkv_core *now = &el2.core_state[i];

			if (was->index != now->index ||
			    was->hwid != now->hwid ||
			    was->vindex != now->vindex ||
			    was->cell != now->cell) {
				fail("core %u's identity changed", i);
			}
			continue;
		}
		if (memcmp(&cores_at_boot[i], &el2.core_state[i],
			   sizeof(cores_at_boot[i])) != 0) {
			fail("struct rumkv_core of core %u changed", i);
		}
		if (memcmp(&cpus_at_boot[i], &el2_cpus[i],
			   sizeof(cpus_at_boot[i])) != 0) {
			fail("registers of core %u changed", i);
		}
	}
	if (memcmp(&plan_at_boot, &el2.plan, sizeof(plan_at_boot)) != 0 ||
	    memcmp(plan_cells_at_boot, el2.cells, sizeof(plan_cells_at_boot)) !=
		    0) {
		fail("the plan changed");
	}
	if (!el2_canaries_ok()) {
		fail("a canary around the cell or core state changed");
	}
}

/* ---- operations ---- */

static uint32_t ncores(void)
{
	return el2.cells[hostile].core_count;
}

static struct rumkv_core *pick_core(struct input *in)
{
	return el2_core(hostile, u8(in) % ncores());
}

static bool running(const struct rumkv_core *core)
{
	return core->state == RUMKV_CORE_RUNNING;
}

/* Offsets where registers are, so that most accesses hit one. */
static const uint16_t gicd_offs[] = {0x0,    0x4,    0x8,   0xc,   0x40,  0x80,
				     0x100,  0x180,  0x200, 0x280, 0x300, 0x380,
				     0x400,  0x800,  0xc00, 0xd00, 0xe00, 0xf00,
				     0x6100, 0x6200, 0xffe8};
static const uint16_t gicr_offs[] = {0x0,  0x4,	 0x8,  0xc,   0x10,
				     0x14, 0x70, 0x78, 0xffe8};
static const uint16_t sgi_offs[] = {0x80,  0x100, 0x180, 0x200, 0x280, 0x300,
				    0x380, 0x400, 0xc00, 0xc04, 0xd00, 0xe00};

static uint64_t mmio_target(struct input *in)
{
	uint8_t kind = u8(in);
	uint32_t idx = u8(in);
	uint32_t word = u8(in) & 0x1f;
	uint32_t mis = (kind >> 4) & 7;
	uint32_t frame = u8(in) % (ncores() + 1);

	switch (kind & 7) {
	case 0:
	case 1:
		return GICM_GICD_BASE +
		       gicd_offs[idx % RUMKV_ARRAY_SIZE(gicd_offs)] +
		       4 * (word % 10) + (mis & 3);
	case 2:
		return GICM_GICR_BASE + frame * GICM_FRAME_SIZE +
		       gicr_offs[idx % RUMKV_ARRAY_SIZE(gicr_offs)] + (mis & 3);
	case 3:
		return GICM_GICR_BASE + frame * GICM_FRAME_SIZE + 0x10000 +
		       sgi_offs[idx % RUMKV_ARRAY_SIZE(sgi_offs)] +
		       4 * (word % 2) + (mis & 3);
	case 4:
		return GICM_GICD_BASE + (u32(in) & 0xffff);
	case 5:
		return GICM_GICR_BASE + (u32(in) % (9 * GICM_FRAME_SIZE));
	case 6:
		return EL2_VUART_IPA + (u32(in) & 0xfff);
	default:
		return u64(in) & 0xffffffffffull;
	}
}

static enum el2_exit op_mmio(struct rumkv_core *core, struct input *in)
{
	uint8_t flags = u8(in);
	uint64_t ipa = mmio_target(in);
	bool sf = (u8(in) & 1) != 0;
	struct el2_dabt d = {
		.ipa = ipa,
		.size = (uint8_t)(1u << (flags & 3)),
		.write = (flags & 4) != 0,
		.rt = (flags >> 3) & 31,
		.sse = (flags & 0x80) != 0 && (flags & 4) == 0,
		.sf = sf,
	};
	struct trap_frame f = {0};

	f.x[d.rt] = u64(in);
	f.x[31] = 0;
	return el2_dabt(core, &d, &f);
}

static enum el2_exit op_exception(struct rumkv_core *core, struct input *in)
{
	uint32_t ec = u8(in) & 0x3f;
	uint32_t iss = u32(in) & 0x1ffffff;
	uint64_t ipa = u64(in) & 0xffffffffffull;
	struct trap_frame f;

	for (unsigned i = 0; i < 31; i++) {
		f.x[i] = (i & 1) ? u64(in) : (uint64_t)u8(in) << (i * 2);
	}
	f.x[31] = 0;
	if (ec == ESR_EC_HVC64) {
		return el2_hvc(core, f.x, (uint16_t)iss);
	}
	el2_cpus[core->index].sysreg[SR_FAR_EL2] = ipa;
	el2_cpus[core->index].sysreg[SR_HPFAR_EL2] = (ipa >> 12) << 4;
	return el2_trap(core, el2_esr(ec, iss),
			EL2_PC(core->cell->index, core->vindex), &f);
}

static const uint32_t fids[] = {
	0x84000000u, 0x84000001u, 0x84000002u, 0xc4000003u, 0x84000003u,
	0xc4000004u, 0x84000006u, 0x84000008u, 0x84000009u, 0x8400000au,
	0x80000000u, 0x80000001u, 0x8600ff00u, 0x8600ff01u, 0x8600ff03u,
	0xc6000000u, 0xc6000001u, 0xc6000002u, 0xc6000003u, 0xc6000004u,
	0xc6000005u, 0xc6000006u,
};

static enum el2_exit op_call(struct rumkv_core *core, struct input *in)
{
	uint8_t how = u8(in);
	uint64_t x[8];
	uint16_t imm = (how & 0x70) == 0x70 ? (uint16_t)u32(in) : 0;

	for (unsigned i = 0; i < 8; i++) {
		x[i] = u64(in);
	}
	if ((how & 3) != 0) {
		x[0] = fids[u8(in) % RUMKV_ARRAY_SIZE(fids)];
	}
	if ((how & 4) != 0) {
		x[1] &= 0x10f; /* a plausible MPIDR, or a small number */
		x[2] = EL2_CELL_RAM(hostile) + (x[2] & 0xffffc);
	}
	if (x[0] == 0xc6000002u && (how & 8) != 0) {
		x[1] &= el2.cell_state[hostile].rights; /* a real pledge */
	}
	return (how & 0x80) ? el2_smc(core, x, imm) : el2_hvc(core, x, imm);
}

static enum el2_exit op_sgi(struct rumkv_core *core, struct input *in)
{
	static const uint32_t keys[] = {EL2_SYSREG_KEY(3, 0, 12, 11, 5),
					EL2_SYSREG_KEY(3, 0, 12, 11, 6),
					EL2_SYSREG_KEY(3, 0, 12, 11, 7)};
	uint8_t how = u8(in);
	struct trap_frame f = {0};
	uint64_t v = u64(in);

	if ((how & 0x10) == 0) {
		/* Mostly well-formed: Aff1 0, RS 0, Aff2/3 0. */
		v &= 0x10f00ffffull;
	}
	f.x[how & 31] = v;
	f.x[31] = 0;
	return el2_sysreg(core, keys[(how >> 5) % 3], how & 31, false, &f);
}

static enum el2_exit op_sysreg(struct rumkv_core *core, struct input *in)
{
	uint32_t iss = u32(in) & 0x1ffffff;
	struct trap_frame f;

	for (unsigned i = 0; i < 31; i++) {
		f.x[i] = 0x1111111111111111ull * (i & 15);
	}
	f.x[31] = 0;
	return el2_trap(core, el2_esr(ESR_EC_SYSREG, iss),
			EL2_PC(core->cell->index, core->vindex), &f);
}

static enum el2_exit pledge(struct rumkv_core *core, uint64_t keep)
{
	uint64_t x[8] = {RUMKV_SMCCC_ID(RUMKV_HC_PLEDGE), keep};

	return el2_hvc(core, x, 0);
}

/* The race of finding 5: core X writes a GIC register, and at its first
 * distributor access core Y pledges a right away. */
static struct rumkv_core *race_x, *race_y;
static uint64_t race_keep;
static bool race_armed;

/* Core Y's pledge, started on Y as if at the same time as X's access. */
static void race_pledge(void)
{
	(void)pledge(race_y, race_keep);
}

static void race_hook(const struct gicm_access *a)
{
	if (!race_armed || a->core != (int)race_x->index ||
	    a->pa - GICM_GICD_BASE >= 0x10000) {
		return;
	}
	race_armed = false;
	(void)el2_spawn(race_pledge);
}

static enum el2_exit op_race(struct rumkv_core *x_core, struct input *in)
{
	struct rumkv_core *y = pick_core(in);
	uint32_t family =
		0x100 + 0x100 * (u8(in) % 3); /* S{ENABLE,PEND,ACTIVE}R */
	struct el2_dabt d = {.ipa = GICM_GICD_BASE + family + 4 * (u8(in) % 4),
			     .size = 4,
			     .write = true,
			     .rt = 2};
	struct trap_frame f = {0};
	enum el2_exit how;

	if (y == x_core || !running(y)) {
		return EL2_RETURNED;
	}
	race_x = x_core;
	race_y = y;
	race_keep = el2.cell_state[hostile].rights & u64(in);
	race_armed = true;
	f.x[2] = 0xffffffffu;
	gicm.on_access = race_hook;
	how = el2_dabt(x_core, &d, &f);
	gicm.on_access = NULL;
	race_armed = false;
	el2_finish_spawned();
	return how;
}

static uint32_t irq_intid;

static void irq_path(void *core)
{
	gic_irq_slow(core, irq_intid);
}

static enum el2_exit op_irq(struct rumkv_core *core, struct input *in)
{
	uint8_t k = u8(in);
	uint32_t spis[8];
	unsigned n = 0;

	for (uint32_t i = 32; i < GICM_SPI_END && n < 8; i++) {
		if (el2_owns(hostile, i)) {
			spis[n++] = i;
		}
	}
	switch (k & 7) {
	case 0:
		irq_intid = GIC_SGI_RUMKV;
		break;
	case 1:
		irq_intid = GIC_PPI_MAINTENANCE;
		break;
	case 2:
		irq_intid = 1023;
		break;
	case 3:
	case 4:
		if (n == 0) {
			return EL2_RETURNED;
		}
		irq_intid = spis[(k >> 3) % n];
		break;
	case 5:
		if (hostile != EL2_A || core != el2_core(EL2_A, 0)) {
			return EL2_RETURNED;
		}
		el2.input_len = u8(in) % 8;
		for (uint32_t i = 0; i < el2.input_len; i++) {
			el2.input[i] = (char)u8(in);
		}
		irq_intid = EL2_UART_IRQ;
		break;
	default:
		irq_intid = (k >> 3) % 15;
		break;
	}
	return el2_run(core, irq_path, core);
}

static enum el2_exit one_op(struct input *in)
{
	uint8_t op = u8(in);
	struct rumkv_core *core = pick_core(in);

	if (!running(core)) {
		/* A parked core only wakes when asked to start. */
		if (core->state == RUMKV_CORE_STARTING) {
			return el2_run_parked(core);
		}
		return EL2_RETURNED;
	}
	switch (op % 12) {
	case 0:
	case 1:
	case 2:
	case 3:
		return op_mmio(core, in);
	case 4:
		return op_exception(core, in);
	case 5:
	case 6:
		return op_call(core, in);
	case 7:
		return op_sgi(core, in);
	case 8:
		return op_sysreg(core, in);
	case 9:
		return pledge(core, el2.cell_state[hostile].rights & u64(in));
	case 10:
		return op_race(core, in);
	default:
		return op_irq(core, in);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct input in = {data, size};

	hostile = size > 0 ? u8(&in) % 3 : 0;
	el2_boot_all();
	take_snapshot();
	for (int i = 0; i < MAX_OPS && in.left > 0; i++) {
		enum el2_exit how = one_op(&in);

		if (how == EL2_OFF) {
			fail("the machine powered off");
		}
		check_gic();
		check_sgis();
		check_structs();
		if (el2.cell_state[hostile].state == RUMKV_CELL_TERMINATED) {
			break;
		}
	}
	return 0;
}
