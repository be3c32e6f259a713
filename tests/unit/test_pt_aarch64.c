// SPDX-License-Identifier: MIT
/*
 * The AArch64 descriptor formats: hand-computed descriptors (Arm ARM D8.3,
 * 4 KiB granule), type decoding and attribute round trips, and the engine
 * running on the stage-2 format.
 */
#include "pt_check.h"

#include <aarch64/pt_format.h>
#include <criterion/criterion.h>
#include <rumkv/error.h>

#define R RUMKV_ATTR_R
#define W RUMKV_ATTR_W
#define X RUMKV_ATTR_X
#define DEV RUMKV_ATTR_DEVICE
#define XN (1ull << 54)

/* Engine levels 0, 1, 2 are Arm levels 1, 2, 3. */
#define L1 0u
#define L2 1u
#define L3 2u

static const struct rumkv_pt_format *const s2 = &aarch64_stage2_format;
static const struct rumkv_pt_format *const el2 = &aarch64_el2_format;

Test(pt_aarch64, geometry)
{
	cr_assert_eq(s2->level_count, 3);
	cr_assert_eq(s2->levels[0].shift, 30);
	cr_assert_eq(s2->levels[0].bits, 10, "two concatenated root tables");
	cr_assert_eq(rumkv_pt_input_size(s2),
		     1ull << (64 - AARCH64_STAGE2_T0SZ));
	cr_assert_eq(el2->levels[0].bits, 9);
	cr_assert_eq(rumkv_pt_input_size(el2), 1ull << (64 - AARCH64_EL2_T0SZ));
	for (unsigned l = 0; l < 3; l++) {
		cr_assert(s2->levels[l].leaf_ok);
		cr_assert(el2->levels[l].leaf_ok);
	}
	cr_assert_eq(AARCH64_MAIR_EL2, 0x04ffull);
}

Test(pt_aarch64, stage2_descriptors)
{
	/* 2 MiB normal RW block at 0x40200000: AF | SH=11 | S2AP=11 |
	 * MemAttr=1111 | block = 0x400 + 0x300 + 0xc0 + 0x3c + 0x1. */
	cr_assert_eq(s2->pte_leaf(L2, 0x40200000, R | W | X),
		     0x00000000402007fdull);
	cr_assert_eq(s2->pte_leaf(L2, 0x40200000, R | W),
		     0x00400000402007fdull);
	/* 1 GiB normal read-only block: S2AP=01. */
	cr_assert_eq(s2->pte_leaf(L1, 0x80000000, R), 0x004000008000077dull);
	/* Device page, RW: MemAttr=0001, SH=00, page type 0b11, XN. */
	cr_assert_eq(s2->pte_leaf(L3, 0x09000000, R | W | DEV),
		     0x00400000090004c7ull);
	cr_assert_eq(s2->pte_leaf(L3, 0x09000000, R | W | X | DEV),
		     0x00400000090004c7ull,
		     "device memory is never executable");
	/* No access at all: S2AP=00 but still valid and present. */
	cr_assert_eq(s2->pte_leaf(L3, 0x1000, 0), 0x004000000000173full);
	cr_assert_eq(s2->pte_leaf(L3, 0xfffffffff000ull, R | W | X),
		     0x0000fffffffff7ffull);
	cr_assert_eq(s2->pte_table(L1, 0x40001000), 0x40001003ull);
	cr_assert_eq(s2->pte_table(L2, 0xfffffffff000ull), 0xfffffffff003ull);
}

Test(pt_aarch64, el2_descriptors)
{
	/* Normal RWX page: AF | SH=11 | AP[1] RES1 | AttrIndx 0 | 0b11. */
	cr_assert_eq(el2->pte_leaf(L3, 0x40000000, R | W | X),
		     0x0000000040000743ull);
	/* Read-only, not executable: AP[2] and XN. */
	cr_assert_eq(el2->pte_leaf(L3, 0x40000000, R), 0x00400000400007c3ull);
	/* Device 2 MiB block, RW: AttrIndx 1, no shareability, XN. */
	cr_assert_eq(el2->pte_leaf(L2, 0x08000000, R | W | DEV),
		     0x0040000008000445ull);
	/* 1 GiB normal RW block, executable. */
	cr_assert_eq(el2->pte_leaf(L1, 0x40000000, R | W | X),
		     0x0000000040000741ull);
	cr_assert_eq(el2->pte_table(L2, 0x40002000), 0x40002003ull);
}

Test(pt_aarch64, descriptor_types)
{
	const struct rumkv_pt_format *fmts[] = {s2, el2};

	for (unsigned f = 0; f < 2; f++) {
		const struct rumkv_pt_format *fmt = fmts[f];

		for (unsigned l = 0; l < 3; l++) {
			cr_assert_eq(fmt->pte_type(l, 0), RUMKV_PTE_INVALID);
			cr_assert_eq(fmt->pte_type(l, 0x40000002),
				     RUMKV_PTE_INVALID);
			cr_assert_eq(fmt->pte_type(l, fmt->pte_leaf(l, 0, R)),
				     RUMKV_PTE_LEAF);
		}
		cr_assert_eq(fmt->pte_type(L1, 0x40000003), RUMKV_PTE_TABLE);
		cr_assert_eq(fmt->pte_type(L2, 0x40000003), RUMKV_PTE_TABLE);
		cr_assert_eq(fmt->pte_type(L3, 0x40000003), RUMKV_PTE_LEAF,
			     "0b11 is a page at level 3");
		cr_assert_eq(fmt->pte_type(L1, 0x40000001), RUMKV_PTE_LEAF);
		cr_assert_eq(fmt->pte_type(L3, 0x40000001), RUMKV_PTE_INVALID,
			     "0b01 is reserved at level 3");
		cr_assert_eq(fmt->pte_addr(L1, fmt->pte_table(L1, 0x1234000)),
			     0x1234000);
		cr_assert_eq(fmt->pte_addr(L2, fmt->pte_table(L2, 0x1234000)),
			     0x1234000);
	}
}

/* What a format can express: device memory never executes, and EL2's own
 * mappings are always readable. */
static uint32_t expressible(const struct rumkv_pt_format *fmt, uint32_t attr)
{
	if ((attr & DEV) != 0) {
		attr &= ~X;
	}
	if (fmt == el2) {
		attr |= R;
	}
	return attr;
}

Test(pt_aarch64, attributes_round_trip_at_every_level)
{
	const struct rumkv_pt_format *fmts[] = {s2, el2};
	static const uint64_t outs[] = {0x40000000ull, 0x0000ffffc0000000ull};

	for (unsigned f = 0; f < 2; f++) {
		const struct rumkv_pt_format *fmt = fmts[f];

		for (unsigned l = 0; l < 3; l++) {
			for (uint32_t attr = 0; attr <= RUMKV_ATTR_MASK;
			     attr++) {
				for (unsigned o = 0; o < 2; o++) {
					uint64_t pte =
						fmt->pte_leaf(l, outs[o], attr);

					cr_assert_eq(fmt->pte_type(l, pte),
						     RUMKV_PTE_LEAF);
					cr_assert_eq(fmt->pte_addr(l, pte),
						     outs[o]);
					cr_assert_eq(fmt->pte_attr(l, pte),
						     expressible(fmt, attr),
						     "%s level %u attr %#x",
						     fmt->name, l, attr);
					cr_assert_neq(pte & (1ull << 10), 0,
						      "access flag");
				}
			}
		}
	}
}

Test(pt_aarch64, output_beyond_48_bits_is_refused)
{
	struct pt_env env;

	pt_env_init(&env, s2, 8, 0x80000000ull);
	cr_assert_eq(rumkv_pt_map(&env.pt, 0, 1ull << 48, SZ_4K, R),
		     RUMKV_ERANGE);
	cr_assert_eq(env.pool.used_count, env.root_pages);
	pt_env_fini(&env);
}

Test(pt_aarch64, stage2_root_is_two_aligned_pages)
{
	struct pt_env env;
	uint64_t out = 0;
	uint64_t size = 0;
	uint32_t attr = 0;

	pt_env_init(&env, s2, 8, 0x80000000ull + SZ_4K);
	cr_assert_eq(env.root_pages, 2);
	cr_assert_eq(env.pt.root_pa % (2 * SZ_4K), 0, "VTTBR alignment");
	/* IPA 0xc0000000 + 512 GiB lives in the second root page. */
	cr_assert_eq(rumkv_pt_map(&env.pt, (1ull << 39) + 3 * SZ_1G, 0x40000000,
				  SZ_1G, R | W),
		     0);
	cr_assert_eq(rumkv_pt_lookup(&env.pt, (1ull << 39) + 3 * SZ_1G + 0x5000,
				     &out, &attr, &size),
		     0);
	cr_assert_eq(out, 0x40005000);
	cr_assert_eq(attr, R | W);
	cr_assert_eq(size, SZ_1G);
	cr_assert_eq(env.pool.used_count, 2, "a level-1 block needs no table");
	pt_env_fini(&env);
}
