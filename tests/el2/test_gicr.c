// SPDX-License-Identifier: MIT
/*
 * The virtual redistributors (EL2-SPEC.md): one RD + SGI frame pair per
 * vcore, contiguous from the GICR base, each reaching the redistributor of
 * the physical core that runs that vcore, filtered by the interrupts the
 * cell owns there (all SGIs and PPIs but 15, 25 and 26).
 */
#include "el2_test.h"

#include <string.h>

static const int cells[] = {EL2_A, EL2_B, EL2_C};

/* The local interrupts every cell owns on its cores. */
#define OWNED_LOCAL (~(1u << 15 | 1u << 25 | 1u << 26))

static uint32_t ncores(int c)
{
	return el2_cell(c)->plan->core_count;
}

static int phys(int c, uint32_t v)
{
	return (int)el2_core(c, v)->index;
}

/* ---- RD frame ---- */

Test(gicr, typer_is_virtual)
{
	el2_boot_all();
	for (unsigned ci = 0; ci < 3; ci++) {
		int c = cells[ci];

		for (uint32_t v = 0; v < ncores(c); v++) {
			uint64_t want = (uint64_t)v << 32 | (uint64_t)v << 8 |
					(v + 1 == ncores(c) ? 1u << 4 : 0);
			struct rumkv_core *me =
				el2_core(c, (v + 1) % ncores(c));

			cr_assert_eq(el2_read(me, GICR_RD(v, 0x8), 8), want,
				     "cell %d GICR%u_TYPER", c, v);
			cr_assert_eq(el2_read(me, GICR_RD(v, 0x8), 4),
				     (uint32_t)want);
			cr_assert_eq(el2_read(me, GICR_RD(v, 0xc), 4),
				     want >> 32);
			el2_write(me, GICR_RD(v, 0x8), 8, 0);
			el2_write(me, GICR_RD(v, 0xc), 4, 0);
			cr_assert_eq(gicm.rd[phys(c, v)].typer,
				     gicm.hwid[phys(c, v)] << 32 |
					     (uint64_t)phys(c, v) << 8 |
					     (phys(c, v) == 7 ? 1u << 4 : 0),
				     "GICR_TYPER is read-only");
		}
	}
}

Test(gicr, rd_registers)
{
	el2_boot_all();
	for (unsigned ci = 0; ci < 3; ci++) {
		int c = cells[ci];

		for (uint32_t v = 0; v < ncores(c); v++) {
			struct gicm_redist *rd = &gicm.rd[phys(c, v)];
			struct gicm_redist saved;
			struct rumkv_core *me = el2_core(c, 0);

			rd->ctlr = 1;
			rd->statusr = 0xf;
			rd->waker = 6;
			rd->propbaser = 0x0000000140000387ull;
			rd->pendbaser = 0x4000000041000000ull;
			saved = *rd;
			cr_assert_eq(el2_read(me, GICR_RD(v, 0x0), 4), 0,
				     "CTLR");
			cr_assert_eq(el2_read(me, GICR_RD(v, 0x4), 4),
				     GICM_GICR_IIDR, "IIDR");
			cr_assert_eq(el2_read(me, GICR_RD(v, 0x10), 4), 0,
				     "STATUSR");
			cr_assert_eq(el2_read(me, GICR_RD(v, 0x14), 4), 0,
				     "WAKER reads awake");
			cr_assert_eq(el2_read(me, GICR_RD(v, 0x70), 8), 0);
			cr_assert_eq(el2_read(me, GICR_RD(v, 0x74), 4), 0);
			cr_assert_eq(el2_read(me, GICR_RD(v, 0x78), 8), 0);
			cr_assert_eq(el2_read(me, GICR_RD(v, 0x78), 4), 0);
			el2_write(me, GICR_RD(v, 0x0), 4, 0);
			el2_write(me, GICR_RD(v, 0x10), 4, ~0u);
			el2_write(me, GICR_RD(v, 0x14), 4, 2);
			el2_write(me, GICR_RD(v, 0x14), 4, 0);
			el2_write(me, GICR_RD(v, 0x70), 8, 0x40000000ull);
			el2_write(me, GICR_RD(v, 0x7c), 4, 0);
			el2_write(me, GICR_RD(v, 0x78), 4, 0x42000000u);
			cr_assert(memcmp(rd, &saved, sizeof(saved)) == 0,
				  "cell %d changed redistributor %d", c,
				  phys(c, v));
			for (uint32_t off = 0xffd0; off < 0x10000; off += 4) {
				cr_assert_eq(
					el2_read(me, GICR_RD(v, off), 4),
					gicm_read(
						GICM_GICR_BASE +
							(uint64_t)phys(c, v) *
								GICM_FRAME_SIZE +
							off,
						4),
					"GICR+0x%x reads the GIC's", off);
			}
		}
	}
}

Test(gicr, rd_raz_wi)
{
	static const uint32_t offs[] = {0x18, 0x20, 0x30,  0x34,   0x40,  0xa0,
					0xb0, 0xc0, 0x100, 0x8000, 0xffcc};
	struct gicm_redist saved[GICM_CORES];

	el2_boot_all();
	memcpy(saved, gicm.rd, sizeof(saved));
	for (unsigned i = 0; i < RUMKV_ARRAY_SIZE(offs); i++) {
		uint32_t writes = gicm.log_count;

		cr_assert_eq(
			el2_read(el2_core(EL2_B, 1), GICR_RD(1, offs[i]), 4), 0,
			"GICR+0x%x is RAZ", offs[i]);
		el2_write(el2_core(EL2_B, 1), GICR_RD(1, offs[i]), 4, ~0u);
		for (uint32_t k = writes; k < gicm.log_count; k++) {
			cr_assert(!gicm.log[k].write,
				  "a write to GICR+0x%x reached the GIC",
				  offs[i]);
		}
	}
	cr_assert(memcmp(saved, gicm.rd, sizeof(saved)) == 0);
}

/* ---- SGI frame ---- */

enum field { GROUP_RO, ENABLED, PENDING, ACTIVE };

static bool *field(struct gicm_irq *s, enum field f)
{
	return f == ENABLED   ? &s->enabled
	       : f == PENDING ? &s->pending
			      : &s->active;
}

static void sgi_setclr(uint32_t off, enum field f, bool set)
{
	uint64_t rng = el2_seed();

	el2_boot_all();
	for (unsigned ci = 0; ci < 3; ci++) {
		int c = cells[ci];

		for (uint32_t v = 0; v < ncores(c); v++) {
			uint32_t values[] = {~0u, (uint32_t)el2_rng(&rng),
					     1u << 15 | 1u << 25 | 1u << 26};

			for (unsigned k = 0; k < 3; k++) {
				struct gicm_snap want;
				struct rumkv_core *me =
					el2_core(c, (v + k) % ncores(c));
				uint32_t read_want = 0;

				gicm_scramble(el2_rng(&rng));
				gicm_snap_take(&want);
				for (unsigned b = 0; b < 32; b++) {
					bool *x = field(
						&want.local[phys(c, v)][b], f);

					if ((OWNED_LOCAL >> b & 1) == 0) {
						continue;
					}
					read_want |= (uint32_t)*x << b;
					if ((values[k] >> b & 1) != 0) {
						*x = set;
					}
				}
				cr_assert_eq(
					el2_read(me, GICR_SGI(v, off), 4),
					read_want,
					"cell %d frame %u read of SGI+0x%x", c,
					v, off);
				el2_write(me, GICR_SGI(v, off), 4, values[k]);
				expect_gic(&want,
					   "cell %d wrote 0x%08x to frame %u "
					   "SGI+0x%x",
					   c, values[k], v, off);
				/* Only word 0 exists. */
				cr_assert_eq(
					el2_read(me, GICR_SGI(v, off + 4), 4),
					0);
				el2_write(me, GICR_SGI(v, off + 4), 4, ~0u);
				expect_gic(&want, "SGI+0x%x is RAZ/WI",
					   off + 4);
			}
		}
	}
}

#define SGI_TESTS(name, off, f, set)     \
	Test(gicr, name)                 \
	{                                \
		sgi_setclr(off, f, set); \
	}

SGI_TESTS(isenabler0, 0x100, ENABLED, true)
SGI_TESTS(icenabler0, 0x180, ENABLED, false)
SGI_TESTS(ispendr0, 0x200, PENDING, true)
SGI_TESTS(icpendr0, 0x280, PENDING, false)
SGI_TESTS(isactiver0, 0x300, ACTIVE, true)
SGI_TESTS(icactiver0, 0x380, ACTIVE, false)

Test(gicr, igroupr0)
{
	struct gicm_snap want;

	el2_boot_all();
	gicm_scramble(el2_seed());
	gicm_snap_take(&want);
	for (unsigned ci = 0; ci < 3; ci++) {
		int c = cells[ci];

		for (uint32_t v = 0; v < ncores(c); v++) {
			cr_assert_eq(
				el2_read(el2_core(c, 0), GICR_SGI(v, 0x80), 4),
				OWNED_LOCAL, "owned bits read 1");
			el2_write(el2_core(c, 0), GICR_SGI(v, 0x80), 4, 0);
			el2_write(el2_core(c, 0), GICR_SGI(v, 0x80), 4, ~0u);
		}
	}
	expect_gic(&want, "IGROUPR0 is WI");
}

Test(gicr, ipriorityr)
{
	uint64_t rng = el2_seed();

	el2_boot_all();
	for (unsigned ci = 0; ci < 3; ci++) {
		int c = cells[ci];

		for (uint32_t v = 0; v < ncores(c); v++) {
			struct rumkv_core *me = el2_core(c, ncores(c) - 1 - v);
			int p = phys(c, v);

			gicm_scramble(el2_rng(&rng));
			for (uint32_t i = 0; i < 32; i++) {
				struct gicm_snap want;
				uint8_t b = (uint8_t)el2_rng(&rng);
				bool own = (OWNED_LOCAL >> i & 1) != 0;

				gicm_snap_take(&want);
				cr_assert_eq(
					el2_read(me, GICR_SGI(v, 0x400 + i), 1),
					own ? want.local[p][i].prio : 0,
					"priority of local %u", i);
				if (own) {
					want.local[p][i].prio = b;
				}
				el2_write(me, GICR_SGI(v, 0x400 + i), 1, b);
				expect_gic(&want,
					   "cell %d frame %u priority %u", c, v,
					   i);
			}
			for (uint32_t i = 0; i < 32; i += 4) {
				struct gicm_snap want;
				uint32_t w = (uint32_t)el2_rng(&rng);
				uint32_t read_want = 0;

				gicm_snap_take(&want);
				for (unsigned k = 0; k < 4; k++) {
					if ((OWNED_LOCAL >> (i + k) & 1) != 0) {
						read_want |=
							(uint32_t)want
								.local[p][i + k]
								.prio
							<< (8 * k);
						want.local[p][i + k].prio =
							(uint8_t)(w >> (8 * k));
					}
				}
				cr_assert_eq(
					el2_read(me, GICR_SGI(v, 0x400 + i), 4),
					read_want);
				el2_write(me, GICR_SGI(v, 0x400 + i), 4, w);
				expect_gic(&want,
					   "cell %d frame %u IPRIORITYR%u = "
					   "0x%08x",
					   c, v, i / 4, w);
			}
		}
	}
}

Test(gicr, icfgr)
{
	uint64_t rng = el2_seed();

	el2_boot_all();
	for (unsigned ci = 0; ci < 3; ci++) {
		int c = cells[ci];

		for (uint32_t v = 0; v < ncores(c); v++) {
			struct rumkv_core *me = el2_core(c, 0);
			int p = phys(c, v);
			uint32_t w = (uint32_t)el2_rng(&rng);
			uint32_t read_want = 0;
			struct gicm_snap want;

			gicm_scramble(el2_rng(&rng));
			gicm_snap_take(&want);
			cr_assert_eq(el2_read(me, GICR_SGI(v, 0xc00), 4), 0,
				     "ICFGR0 is RAZ");
			el2_write(me, GICR_SGI(v, 0xc00), 4, 0x55555555u);
			expect_gic(&want, "ICFGR0 is WI");
			for (unsigned k = 0; k < 16; k++) {
				if ((OWNED_LOCAL >> (16 + k) & 1) != 0) {
					read_want |=
						(uint32_t)want.local[p][16 + k]
							.cfg
						<< (2 * k);
					want.local[p][16 + k].cfg =
						(uint8_t)(w >> (2 * k) & 2);
				}
			}
			cr_assert_eq(el2_read(me, GICR_SGI(v, 0xc04), 4),
				     read_want, "ICFGR1 owned fields");
			el2_write(me, GICR_SGI(v, 0xc04), 4, w);
			expect_gic(&want, "cell %d frame %u ICFGR1 = 0x%08x", c,
				   v, w);
		}
	}
}

Test(gicr, sgi_raz_wi)
{
	static const uint32_t offs[] = {0x000, 0x010, 0x084,  0x104,
					0x420, 0x800, 0xc08,  0xd00,
					0xe00, 0xf00, 0x8000, 0xfffc};
	struct gicm_redist saved[GICM_CORES];

	el2_boot_all();
	gicm_scramble(el2_seed());
	for (unsigned i = 0; i < GICM_CORES; i++) {
		gicm.rd[i].grpmod = 0x00ff00ffu;
		gicm.rd[i].nsacr = 0x5555u;
	}
	memcpy(saved, gicm.rd, sizeof(saved));
	for (unsigned i = 0; i < RUMKV_ARRAY_SIZE(offs); i++) {
		cr_assert_eq(
			el2_read(el2_core(EL2_A, 3), GICR_SGI(2, offs[i]), 4),
			0, "SGI+0x%x is RAZ", offs[i]);
		el2_write(el2_core(EL2_A, 3), GICR_SGI(2, offs[i]), 4, ~0u);
	}
	cr_assert(memcmp(saved, gicm.rd, sizeof(saved)) == 0,
		  "SGI-frame RAZ/WI registers change nothing");
}

/* Frames past the cell's last vcore are not its redistributors: the
 * access is a stage-2 fault and ends the cell, and the physical
 * redistributor at that address (another cell's core) is untouched. */
Test(gicr, beyond_the_cells_frames)
{
	struct gicm_snap want;
	uint64_t v = ~0ull;

	el2_boot_all();
	gicm_snap_take(&want);
	/* B restarts: its vcore 0, the core that faulted, enters again. */
	cr_assert_eq(
		el2_access(el2_core(EL2_B, 0), GICR_SGI(2, 0x100), 4, true, &v),
		EL2_ENTERED);
	cr_assert_eq(el2_cell(EL2_B)->restart_count, 1, "B restarted");
	cr_assert(el2_console_has("stage-2 fault"), "%s", el2.console);
	for (unsigned c = 0; c < GICM_CORES; c++) {
		if (c != 4 && c != 5) {
			for (uint32_t i = 0; i < 32; i++) {
				struct gicm_irq got = gicm_irq_get((int)c, i);

				cr_assert(
					gicm_irq_equal(&want.local[c][i], &got),
					"core %u local %u", c, i);
			}
		}
	}
}
