// SPDX-License-Identifier: MIT
/*
 * SGIs a cell sends through the trapped ICC_SGI1R_EL1 / ICC_ASGI1R_EL1
 * (EL2-SPEC.md, "SGIs"): only SGIs it owns (never 15, RumKV's kick), only
 * to its own running vcores; IRM = 1 reaches all its other vcores; RS,
 * Aff2, Aff3 nonzero or a vcore it lacks reach nobody. ICC_SGI0R_EL1 is
 * ignored.
 */
#include "el2_test.h"

#define ICC_SGI1R EL2_SYSREG_KEY(3, 0, 12, 11, 5)
#define ICC_ASGI1R EL2_SYSREG_KEY(3, 0, 12, 11, 6)
#define ICC_SGI0R EL2_SYSREG_KEY(3, 0, 12, 11, 7)

static uint64_t sgi1r(uint32_t intid, uint32_t aff1, uint32_t targets)
{
	return (uint64_t)intid << 24 | (uint64_t)aff1 << 16 | targets;
}

/* The SGIs the trap generated: log entries from `first` on. */
struct sent {
	uint32_t count;
	uint32_t to_mask; /* physical cores */
};

static struct sent send(struct rumkv_core *from, uint32_t key, uint64_t value,
			uint32_t intid)
{
	struct trap_frame f = {0};
	uint32_t first = gicm.sgi_count;
	struct sent s = {0};
	uint64_t pc = EL2_PC(from->cell->index, from->vindex);

	f.x[7] = value;
	cr_assert_eq(el2_sysreg(from, key, 7, false, &f), EL2_RETURNED);
	cr_assert_eq(el2_cpus[from->index].sysreg[SR_ELR_EL2], pc + 4,
		     "the MSR is stepped over");
	cr_assert_eq(from->cell->state, RUMKV_CELL_RUNNING);
	for (uint32_t i = first; i < gicm.sgi_count; i++) {
		cr_assert_eq(gicm.sgi[i].from, (int)from->index);
		cr_assert_eq(gicm.sgi[i].intid, intid,
			     "sent SGI %u, asked for %u", gicm.sgi[i].intid,
			     intid);
		s.to_mask |= 1u << gicm.sgi[i].to;
		s.count++;
	}
	return s;
}

static uint32_t cores_mask(int c, uint32_t vmask)
{
	uint32_t m = 0;

	for (uint32_t v = 0; v < el2_cell(c)->plan->core_count; v++) {
		if (vmask >> v & 1) {
			m |= 1u << el2_core(c, v)->index;
		}
	}
	return m;
}

Test(sgi, to_own_vcores)
{
	struct sent s;

	el2_boot_all();
	s = send(el2_core(EL2_A, 0), ICC_SGI1R, sgi1r(3, 0, 0xa), 3);
	cr_assert_eq(s.to_mask, cores_mask(EL2_A, 0xa));
	cr_assert_eq(s.count, 2);
	/* B's vcore 1 is core 5 (0x101), C's vcore 0 core 6 (0x10000). */
	s = send(el2_core(EL2_B, 0), ICC_SGI1R, sgi1r(1, 0, 0x2), 1);
	cr_assert_eq(s.to_mask, 1u << 5);
	s = send(el2_core(EL2_C, 1), ICC_ASGI1R, sgi1r(9, 0, 0x1), 9);
	cr_assert_eq(s.to_mask, 1u << 6);
	/* The sender may name itself. */
	s = send(el2_core(EL2_C, 1), ICC_SGI1R, sgi1r(2, 0, 0x3), 2);
	cr_assert_eq(s.to_mask, 1u << 6 | 1u << 7);
}

Test(sgi, every_intid)
{
	el2_boot_all();
	for (uint32_t intid = 0; intid < 16; intid++) {
		struct sent s = send(el2_core(EL2_A, 1), ICC_SGI1R,
				     sgi1r(intid, 0, 0xf), intid);

		cr_assert_eq(s.to_mask, intid == 15 ? 0 : 0xfu,
			     "SGI %u to A's vcores 0-3", intid);
	}
}

/* Mutant (a) of issue 11: a cell may not send RumKV's kick, in any form. */
Test(sgi, never_rumkv_sgi15)
{
	static const uint64_t values[] = {
		15ull << 24 | 0xf,
		15ull << 24 | 0x2,
		15ull << 24 | 1ull << 40,
		15ull << 24 | 0xffff,
	};

	el2_boot_all();
	for (unsigned i = 0; i < RUMKV_ARRAY_SIZE(values); i++) {
		for (unsigned c = 0; c < 3; c++) {
			struct rumkv_core *from = el2_core((int)c, 0);
			uint32_t before = gicm_sgis((int)from->index, 0, 15) +
					  gicm_sgis((int)from->index, 1, 15);
			struct sent s = send(from, ICC_SGI1R, values[i], 15);

			cr_assert_eq(s.count, 0, "cell %u sent SGI 15", c);
			s = send(from, ICC_ASGI1R, values[i], 15);
			cr_assert_eq(s.count, 0, "cell %u sent SGI 15", c);
			cr_assert_eq(gicm_sgis((int)from->index, 0, 15) +
					     gicm_sgis((int)from->index, 1, 15),
				     before);
		}
	}
}

Test(sgi, irm_all_other_vcores)
{
	struct sent s;

	el2_boot_all();
	s = send(el2_core(EL2_A, 2), ICC_SGI1R, 1ull << 40 | 5ull << 24, 5);
	cr_assert_eq(s.to_mask, cores_mask(EL2_A, 0xb), "A's vcores 0, 1, 3");
	s = send(el2_core(EL2_B, 1), ICC_SGI1R, 1ull << 40 | 5ull << 24 | 0xff,
		 5);
	cr_assert_eq(s.to_mask, 1u << 4, "B's vcore 0 only");
}

Test(sgi, only_running_vcores)
{
	struct sent s;

	el2_boot(); /* only each cell's vcore 0 runs */
	s = send(el2_core(EL2_A, 0), ICC_SGI1R, sgi1r(4, 0, 0xf), 4);
	cr_assert_eq(s.to_mask, 1u << 0, "A's other vcores are off");
	s = send(el2_core(EL2_A, 0), ICC_SGI1R, 1ull << 40 | 4ull << 24, 4);
	cr_assert_eq(s.count, 0);
}

Test(sgi, nothing_outside_the_cell)
{
	static const uint64_t values[] = {
		1ull << 44 | 0x3, /* RS = 1: Aff0 16, 17 */
		1ull << 32 | 0x3, /* Aff2 */
		1ull << 48 | 0x3, /* Aff3 */
		1ull << 16 | 0x3, /* Aff1: vcores 16, 17 */
		0x0,		  /* no target */
	};
	struct sent s;

	el2_boot_all();
	for (unsigned i = 0; i < RUMKV_ARRAY_SIZE(values); i++) {
		for (unsigned c = 0; c < 3; c++) {
			s = send(el2_core((int)c, 0), ICC_SGI1R,
				 values[i] | 6ull << 24, 6);
			cr_assert_eq(s.count, 0, "cell %u, value 0x%llx", c,
				     (unsigned long long)values[i]);
		}
	}
	/* Vcores B and C lack: bits 2..15 of the target list. */
	s = send(el2_core(EL2_B, 0), ICC_SGI1R, sgi1r(6, 0, 0xfffc), 6);
	cr_assert_eq(s.count, 0);
	s = send(el2_core(EL2_A, 0), ICC_SGI1R, sgi1r(6, 0, 0xfff0), 6);
	cr_assert_eq(s.count, 0);
}

Test(sgi, group0_ignored)
{
	struct sent s;

	el2_boot_all();
	s = send(el2_core(EL2_A, 0), ICC_SGI0R, sgi1r(1, 0, 0xf), 1);
	cr_assert_eq(s.count, 0);
	s = send(el2_core(EL2_A, 0), ICC_SGI0R, 1ull << 40 | 1ull << 24, 1);
	cr_assert_eq(s.count, 0);
}

/* MSR ICC_SGI1R_EL1, XZR: value 0, no target. */
Test(sgi, from_xzr)
{
	struct trap_frame f;
	uint32_t before;

	el2_boot_all();
	for (unsigned i = 0; i < 31; i++) {
		f.x[i] = 0xf | 1ull << 24 | 1ull << 40;
	}
	before = gicm.sgi_count;
	cr_assert_eq(el2_sysreg(el2_core(EL2_A, 0), ICC_SGI1R, 31, false, &f),
		     EL2_RETURNED);
	cr_assert_eq(gicm.sgi_count, before);
}
