// SPDX-License-Identifier: MIT
/*
 * The virtual distributor (EL2-SPEC.md, "Register families"): every
 * family decoded from its own base, at every size it allows, for each
 * cell. What a cell writes reaches exactly its own interrupts in the
 * modelled GIC, as written; no other cell's interrupt ever changes; reads
 * show only its own.
 */
#include "el2_test.h"

#include <string.h>

static const int cells[] = {EL2_A, EL2_B, EL2_C};
#define SPI_WORDS (GICM_SPI_END / 32 + 1) /* one beyond the implemented */

enum field { ENABLED, PENDING, ACTIVE };

static bool *field(struct gicm_irq *s, enum field f)
{
	return f == ENABLED   ? &s->enabled
	       : f == PENDING ? &s->pending
			      : &s->active;
}

/* The owned-bit mask of distributor word n (INTIDs 32n..32n+31). */
static uint32_t owned_word(int c, uint32_t n)
{
	uint32_t mask = 0;
	unsigned b;

	for (b = 0; b < 32; b++) {
		uint32_t intid = 32 * n + b;

		if (intid >= 32 && intid < 1020 && el2_owns(c, intid)) {
			mask |= 1u << b;
		}
	}
	return mask;
}

static struct rumkv_core *some_core(int c, unsigned i)
{
	struct rumkv_cell *cell = el2_cell(c);

	return el2_core(c, i % cell->plan->core_count);
}

/* ---- 1-bit set/clear families ---- */

static void setclr_write(uint32_t base, enum field f, bool set)
{
	uint64_t rng = el2_seed();
	unsigned i = 0;

	el2_boot_all();
	for (unsigned ci = 0; ci < 3; ci++) {
		int c = cells[ci];

		for (uint32_t n = 0; n < SPI_WORDS; n++) {
			uint32_t values[] = {~0u, (uint32_t)el2_rng(&rng),
					     owned_word(c, n),
					     ~owned_word(c, n)};

			for (unsigned k = 0; k < 4; k++, i++) {
				uint32_t v = values[k];
				uint32_t off = base + 4 * n;
				struct gicm_snap want;
				uint32_t writes;

				gicm_scramble(el2_rng(&rng));
				gicm_snap_take(&want);
				for (unsigned b = 0; b < 32; b++) {
					uint32_t intid = 32 * n + b;

					if ((v & owned_word(c, n) & 1u << b) !=
					    0) {
						*field(&want.spi[intid], f) =
							set;
					}
				}
				writes = gicm_accesses(GICD(off), 4, 1);
				el2_write(some_core(c, i), GICD(off), 4, v);
				expect_gic(&want,
					   "cell %d wrote 0x%08x to GICD+0x%x",
					   c, v, off);
				if ((v & owned_word(c, n)) == 0) {
					cr_assert_eq(
						gicm_accesses(GICD(off), 4, 1),
						writes,
						"cell %d: 0x%08x at GICD+0x%x "
						"has no owned bit: no write",
						c, v, off);
				}
			}
		}
	}
	cr_assert(el2_canaries_ok());
}

static void setclr_read(uint32_t base, enum field f)
{
	uint64_t rng = el2_seed();
	unsigned i = 0;

	el2_boot_all();
	for (unsigned ci = 0; ci < 3; ci++) {
		int c = cells[ci];

		for (uint32_t n = 0; n < SPI_WORDS; n++, i++) {
			uint32_t off = base + 4 * n;
			uint32_t want = 0;
			struct gicm_snap before;

			gicm_scramble(el2_rng(&rng));
			gicm_snap_take(&before);
			for (unsigned b = 0; b < 32; b++) {
				uint32_t intid = 32 * n + b;

				if ((owned_word(c, n) >> b & 1) != 0 &&
				    *field(&before.spi[intid], f)) {
					want |= 1u << b;
				}
			}
			cr_assert_eq(el2_read(some_core(c, i), GICD(off), 4),
				     want,
				     "cell %d read of GICD+0x%x: want 0x%08x",
				     c, off, want);
			expect_gic(&before, "a read changes nothing");
		}
	}
}

#define SETCLR_TESTS(name, base, f, set)    \
	Test(gicd, name##_write)            \
	{                                   \
		setclr_write(base, f, set); \
	}                                   \
	Test(gicd, name##_read)             \
	{                                   \
		setclr_read(base, f);       \
	}

SETCLR_TESTS(isenabler, 0x100, ENABLED, true)
SETCLR_TESTS(icenabler, 0x180, ENABLED, false)
SETCLR_TESTS(ispendr, 0x200, PENDING, true)
SETCLR_TESTS(icpendr, 0x280, PENDING, false)
SETCLR_TESTS(isactiver, 0x300, ACTIVE, true)
SETCLR_TESTS(icactiver, 0x380, ACTIVE, false)

/* The decoding bug of today's code in its smallest form: ICENABLER word 1
 * is INTIDs 32..63, so it clears the cell's own SPIs there. */
Test(gicd, icenabler_word1_clears_own_spis)
{
	struct gicm_irq s;

	el2_boot_all();
	el2_write(el2_core(EL2_B, 0), GICD(0x104), 4, 1u << (40 - 32));
	cr_assert(gicm_irq_get(0, 40).enabled, "B enabled SPI 40");
	el2_write(el2_core(EL2_B, 1), GICD(0x184), 4, ~0u);
	s = gicm_irq_get(0, 40);
	cr_assert(!s.enabled, "ICENABLER1 bit 8 clears SPI 40");
}

/* ---- groups ---- */

Test(gicd, igroupr)
{
	uint64_t rng = el2_seed();

	el2_boot_all();
	for (unsigned ci = 0; ci < 3; ci++) {
		int c = cells[ci];

		for (uint32_t n = 0; n < SPI_WORDS; n++) {
			struct gicm_snap want;
			uint32_t off = 0x80 + 4 * n;

			gicm_scramble(el2_rng(&rng));
			gicm_snap_take(&want);
			cr_assert_eq(el2_read(some_core(c, n), GICD(off), 4),
				     owned_word(c, n),
				     "cell %d IGROUPR%u: owned bits read 1", c,
				     n);
			el2_write(some_core(c, n), GICD(off), 4,
				  (uint32_t)el2_rng(&rng));
			el2_write(some_core(c, n), GICD(off), 4, 0);
			expect_gic(&want, "IGROUPR%u ignores writes", n);
		}
	}
}

/* ---- priorities ---- */

/* Each phys write to IPRIORITYR since log entry `from` is one byte of an
 * interrupt cell `c` owns. */
static void expect_prio_byte_writes(int c, uint32_t from)
{
	for (uint32_t i = from; i < gicm.log_count && i < GICM_LOG_SIZE; i++) {
		const struct gicm_access *a = &gicm.log[i];
		uint64_t off = a->pa - GICM_GICD_BASE;

		if (!a->write || off < 0x400 || off >= 0x800) {
			continue;
		}
		cr_assert_eq(a->size, 1,
			     "priority write of %u bytes at GICD+0x%llx: only "
			     "owned bytes, as byte writes",
			     a->size, (unsigned long long)off);
		cr_assert(el2_owns(c, (uint32_t)(off - 0x400)),
			  "cell %d's priority write reached INTID %llu", c,
			  (unsigned long long)(off - 0x400));
	}
}

Test(gicd, ipriorityr_byte)
{
	uint64_t rng = el2_seed();

	el2_boot_all();
	gicm_scramble(el2_rng(&rng));
	for (unsigned ci = 0; ci < 3; ci++) {
		int c = cells[ci];

		for (uint32_t intid = 0; intid < GICM_SPI_END; intid++) {
			struct gicm_snap want;
			uint8_t v = (uint8_t)el2_rng(&rng);
			uint32_t from = gicm.log_count;
			bool own = intid >= 32 && el2_owns(c, intid);
			uint64_t got;

			gicm_snap_take(&want);
			got = el2_read(some_core(c, intid), GICD(0x400 + intid),
				       1);
			cr_assert_eq(got, own ? want.spi[intid].prio : 0,
				     "cell %d reads priority of INTID %u", c,
				     intid);
			if (own) {
				want.spi[intid].prio = v;
			}
			el2_write(some_core(c, intid), GICD(0x400 + intid), 1,
				  v);
			expect_gic(&want,
				   "cell %d wrote priority 0x%02x to "
				   "INTID %u",
				   c, v, intid);
			expect_prio_byte_writes(c, from);
		}
	}
}

Test(gicd, ipriorityr_word)
{
	uint64_t rng = el2_seed();

	el2_boot_all();
	for (unsigned ci = 0; ci < 3; ci++) {
		int c = cells[ci];

		for (uint32_t first = 0; first < GICM_SPI_END; first += 4) {
			struct gicm_snap want;
			uint32_t v = (uint32_t)el2_rng(&rng);
			uint32_t read_want = 0;
			uint32_t from;

			gicm_scramble(el2_rng(&rng));
			gicm_snap_take(&want);
			for (unsigned b = 0; b < 4; b++) {
				uint32_t intid = first + b;

				if (intid >= 32 && el2_owns(c, intid)) {
					read_want |=
						(uint32_t)want.spi[intid].prio
						<< (8 * b);
					want.spi[intid].prio =
						(uint8_t)(v >> (8 * b));
				}
			}
			cr_assert_eq(el2_read(some_core(c, first),
					      GICD(0x400 + first), 4),
				     read_want,
				     "cell %d reads IPRIORITYR of INTIDs %u..",
				     c, first);
			from = gicm.log_count;
			el2_write(some_core(c, first), GICD(0x400 + first), 4,
				  v);
			expect_gic(&want,
				   "cell %d wrote 0x%08x to priorities of "
				   "INTIDs %u..%u",
				   c, v, first, first + 3);
			expect_prio_byte_writes(c, from);
		}
	}
}

/* ---- ITARGETSR, configuration, and the RAZ/WI groups ---- */

Test(gicd, itargetsr_raz_wi)
{
	el2_boot_all();
	for (uint32_t off = 0x800; off < 0x800 + GICM_SPI_END; off += 4) {
		struct gicm_snap want;

		gicm_snap_take(&want);
		cr_assert_eq(el2_read(el2_core(EL2_A, 0), GICD(off), 4), 0);
		cr_assert_eq(el2_read(el2_core(EL2_A, 1), GICD(off + 2), 1), 0);
		el2_write(el2_core(EL2_A, 2), GICD(off), 4, ~0u);
		el2_write(el2_core(EL2_A, 3), GICD(off + 1), 1, 0xff);
		expect_gic(&want, "ITARGETSR at GICD+0x%x is WI", off);
	}
}

Test(gicd, icfgr)
{
	uint64_t rng = el2_seed();

	el2_boot_all();
	for (unsigned ci = 0; ci < 3; ci++) {
		int c = cells[ci];

		for (uint32_t n = 0; n < GICM_SPI_END / 16; n++) {
			uint32_t off = 0xc00 + 4 * n;
			uint32_t v = (uint32_t)el2_rng(&rng);
			uint32_t read_want = 0;
			struct gicm_snap want;

			gicm_scramble(el2_rng(&rng));
			gicm_snap_take(&want);
			for (unsigned b = 0; b < 16; b++) {
				uint32_t intid = 16 * n + b;

				if (intid >= 32 && el2_owns(c, intid)) {
					read_want |=
						(uint32_t)want.spi[intid].cfg
						<< (2 * b);
					want.spi[intid].cfg =
						(uint8_t)(v >> (2 * b) & 2);
				}
			}
			cr_assert_eq(el2_read(some_core(c, n), GICD(off), 4),
				     read_want, "cell %d reads ICFGR%u", c, n);
			el2_write(some_core(c, n), GICD(off), 4, v);
			expect_gic(&want, "cell %d wrote 0x%08x to ICFGR%u", c,
				   v, n);
		}
	}
}

/* The distributor words that hold INTIDs 0..31 (the redistributors'). */
Test(gicd, local_words_raz_wi)
{
	static const uint32_t offs[] = {0x080, 0x100, 0x180, 0x200,
					0x280, 0x300, 0x380, 0x400,
					0x41c, 0xc00, 0xc04};
	struct gicm_snap want;

	el2_boot_all();
	gicm_scramble(el2_seed());
	gicm_snap_take(&want);
	for (unsigned i = 0; i < RUMKV_ARRAY_SIZE(offs); i++) {
		cr_assert_eq(el2_read(el2_core(EL2_A, 0), GICD(offs[i]), 4), 0,
			     "GICD+0x%x is RAZ", offs[i]);
		el2_write(el2_core(EL2_A, 0), GICD(offs[i]), 4, ~0u);
	}
	expect_gic(&want, "words of INTIDs 0..31 are WI");
}

/* Offsets that read as zero and ignore writes, and must not reach the
 * GIC at all: IGRPMODR, NSACR, SGIR, CPENDSGIR/SPENDSGIR, the
 * message-based SPI registers, reserved IROUTERs, and holes. */
Test(gicd, raz_wi)
{
	static const uint32_t offs[] = {
		0x0010, 0x0014, 0x0040, 0x0048, 0x0050, 0x0058, 0x0d00,
		0x0d04, 0x0d7c, 0x0e00, 0x0e08, 0x0efc, 0x0f00, 0x0f10,
		0x0f1c, 0x0f20, 0x0f2c, 0x1000, 0x6000, 0x60fc, 0x7fe0,
		0x7ffc, 0x8000, 0xa000, 0xc000, 0xe000, 0xffcc};
	struct gicm_snap want;
	uint32_t grpmod[32];
	uint32_t nsacr[64];

	el2_boot_all();
	gicm_scramble(el2_seed());
	gicm_snap_take(&want);
	for (unsigned i = 0; i < 32; i++) {
		gicm.grpmod[i] = 0x5a5a0000u + i;
	}
	memcpy(grpmod, gicm.grpmod, sizeof(grpmod));
	memcpy(nsacr, gicm.nsacr, sizeof(nsacr));
	for (unsigned i = 0; i < RUMKV_ARRAY_SIZE(offs); i++) {
		uint32_t sgis = gicm.sgi_count;
		uint32_t writes = gicm_accesses(GICD(offs[i]), 4, 1);

		cr_assert_eq(el2_read(el2_core(EL2_C, 0), GICD(offs[i]), 4), 0,
			     "GICD+0x%x is RAZ", offs[i]);
		el2_write(el2_core(EL2_C, 1), GICD(offs[i]), 4, 0x0f000030u);
		el2_write(el2_core(EL2_C, 0), GICD(offs[i]), 4, ~0u);
		cr_assert_eq(gicm_accesses(GICD(offs[i]), 4, 1), writes,
			     "a write to GICD+0x%x reached the GIC", offs[i]);
		cr_assert_eq(gicm.sgi_count, sgis, "GICD+0x%x sent an SGI",
			     offs[i]);
	}
	expect_gic(&want, "RAZ/WI registers change nothing");
	cr_assert(memcmp(grpmod, gicm.grpmod, sizeof(grpmod)) == 0,
		  "IGRPMODR is WI");
	cr_assert(memcmp(nsacr, gicm.nsacr, sizeof(nsacr)) == 0, "NSACR is WI");
}

/* ---- identification and control ---- */

Test(gicd, ctlr)
{
	uint32_t ctlr;

	el2_boot_all();
	/* As RumKV left it, plus group 0 and DS: the cell sees ARE, Grp1
	 * and DS. */
	gicm.ctlr |= 0x41u;
	ctlr = gicm.ctlr;
	cr_assert_eq(
		el2_read(el2_core(EL2_A, 0), GICD(0x0), 4),
		ctlr & (GICD_CTLR_ARE | GICD_CTLR_ENABLE_G1 | GICD_CTLR_DS));
	el2_write(el2_core(EL2_A, 0), GICD(0x0), 4, 0);
	el2_write(el2_core(EL2_A, 1), GICD(0x0), 4, ~0u);
	cr_assert_eq(gicm.ctlr, ctlr, "GICD_CTLR is WI for cells");
}

Test(gicd, typer_iidr_typer2)
{
	el2_boot_all();
	cr_assert_eq(el2_read(el2_core(EL2_B, 0), GICD(0x4), 4),
		     GICM_TYPER & ~(GICD_TYPER_LPIS | GICD_TYPER_MBIS),
		     "TYPER without LPIs and message-based SPIs");
	cr_assert_eq(el2_read(el2_core(EL2_B, 1), GICD(0x8), 4), GICM_IIDR);
	cr_assert_eq(el2_read(el2_core(EL2_B, 1), GICD(0xc), 4), 0,
		     "TYPER2 is RAZ");
	el2_write(el2_core(EL2_B, 1), GICD(0x4), 4, 0);
	cr_assert_eq(el2_read(el2_core(EL2_B, 0), GICD(0x4), 4),
		     GICM_TYPER & ~(GICD_TYPER_LPIS | GICD_TYPER_MBIS));
}

Test(gicd, id_registers)
{
	el2_boot_all();
	for (uint32_t off = 0xffd0; off < 0x10000; off += 4) {
		uint32_t phys = (uint32_t)gicm_read(GICD(off), 4);

		cr_assert_eq(el2_read(el2_core(EL2_C, 1), GICD(off), 4), phys,
			     "GICD+0x%x reads as the GIC's", off);
	}
}

/* ---- routing ---- */

/* Vcore affinity as a cell writes it to IROUTER (Aff1.Aff0). */
static uint64_t vaff(uint32_t v)
{
	return (uint64_t)(v / 16) << 8 | (v % 16);
}

static uint64_t hw(int c, uint32_t v)
{
	return el2_core(c, v)->hwid;
}

static uint64_t irouter(uint32_t intid)
{
	return GICD(0x6100 + 8 * (intid - 32));
}

struct route_case {
	uint64_t value;
	uint32_t to_vcore;
};

Test(gicd, irouter_owned)
{
	el2_boot_all();
	for (unsigned ci = 0; ci < 3; ci++) {
		int c = cells[ci];
		uint32_t n = el2_cell(c)->plan->core_count;
		struct route_case cases[] = {
			{vaff(n - 1), n - 1},
			{vaff(0), 0},
			{vaff(1) | GICM_IRM, 0},   /* 1-of-N */
			{vaff(1) | 1ull << 16, 0}, /* Aff2 */
			{vaff(1) | 1ull << 32, 0}, /* Aff3 */
			{vaff(n), 0},		   /* absent vcore */
			{vaff(16 + 1), 0},	   /* Aff1 = 1: absent */
			{0x10 | vaff(1), 0},	   /* Aff0 >= 16 */
			{vaff(1), 1},
		};

		for (uint32_t intid = 32; intid < GICM_SPI_END; intid++) {
			if (!el2_owns(c, intid)) {
				continue;
			}
			for (unsigned k = 0; k < RUMKV_ARRAY_SIZE(cases); k++) {
				struct gicm_snap want;

				gicm_snap_take(&want);
				want.spi[intid].route =
					hw(c, cases[k].to_vcore);
				el2_write(el2_core(c, k % n), irouter(intid), 8,
					  cases[k].value);
				expect_gic(&want,
					   "cell %d routes INTID %u with "
					   "0x%llx",
					   c, intid,
					   (unsigned long long)cases[k].value);
				cr_assert_eq(el2_read(el2_core(c, 0),
						      irouter(intid), 8),
					     vaff(cases[k].to_vcore),
					     "IROUTER of %u reads the vcore",
					     intid);
				cr_assert_eq(el2_read(el2_core(c, 0),
						      irouter(intid), 4),
					     vaff(cases[k].to_vcore));
				cr_assert_eq(el2_read(el2_core(c, 0),
						      irouter(intid) + 4, 4),
					     0, "upper half reads 0");
			}
		}
	}
}

Test(gicd, irouter_halves)
{
	struct gicm_snap want;

	el2_boot_all();
	/* The lower half alone routes, as a whole write with Aff3 = 0. */
	gicm_snap_take(&want);
	want.spi[EL2_SPI_B_DMA].route = hw(EL2_B, 1);
	el2_write(el2_core(EL2_B, 0), irouter(EL2_SPI_B_DMA), 4, vaff(1));
	expect_gic(&want, "lower-half IROUTER write");
	/* The upper half ignores writes. */
	el2_write(el2_core(EL2_B, 0), irouter(EL2_SPI_B_DMA) + 4, 4, 0xff);
	el2_write(el2_core(EL2_B, 0), irouter(EL2_SPI_B_DMA) + 4, 4, 0);
	expect_gic(&want, "upper-half IROUTER write is WI");
	cr_assert_eq(el2_read(el2_core(EL2_B, 1), irouter(EL2_SPI_B_DMA), 8),
		     vaff(1));
}

/* A cell never reroutes an interrupt it does not own (every other SPI,
 * at both sizes and halves), and reads its routing as zero. */
Test(gicd, irouter_not_owned)
{
	struct gicm_snap want;

	el2_boot_all();
	gicm_scramble(el2_seed());
	gicm_snap_take(&want);
	for (unsigned ci = 0; ci < 3; ci++) {
		int c = cells[ci];

		for (uint32_t intid = 32; intid < GICM_SPI_END; intid++) {
			if (el2_owns(c, intid)) {
				continue;
			}
			cr_assert_eq(
				el2_read(el2_core(c, 0), irouter(intid), 8), 0,
				"cell %d reads INTID %u's route", c, intid);
			el2_write(el2_core(c, 0), irouter(intid), 8, vaff(1));
			el2_write(el2_core(c, 1), irouter(intid), 4, 0);
			el2_write(el2_core(c, 1), irouter(intid) + 4, 4, 1);
		}
	}
	/* Only the owners' own routes may differ; put them back. */
	for (uint32_t intid = 32; intid < GICM_SPI_END; intid++) {
		for (unsigned ci = 0; ci < 3; ci++) {
			if (el2_owns(cells[ci], intid)) {
				want.spi[intid].route = gicm.irouter[intid];
			}
		}
	}
	expect_gic(&want, "routes of interrupts a cell does not own");
}
