// SPDX-License-Identifier: MIT
/*
 * AArch64 stage-2 and EL2 stage-1 descriptors (Arm ARM D8.3, 4 KiB granule).
 * No system registers here: the port loads the roots and control values.
 */
#include <aarch64/pt_format.h>

#define PTE_VALID (1ull << 0)
/* Bit 1 makes a table above level 3 and a page at level 3. */
#define PTE_TABLE_OR_PAGE (1ull << 1)
#define PTE_ADDR_MASK 0x0000fffffffff000ull /* PA[47:12] */
#define PTE_SH_INNER (3ull << 8)
#define PTE_AF (1ull << 10)
#define PTE_XN (1ull << 54)

/* Stage 2: MemAttr[5:2] gives the memory type directly; S2AP[7:6]. */
#define S2_MEMATTR_NORMAL_WB (0xfull << 2)
#define S2_MEMATTR_DEVICE_NGNRE (0x1ull << 2)
#define S2_MEMATTR_NORMAL_BITS (0xcull << 2) /* zero for device types */
#define S2_AP_R (1ull << 6)
#define S2_AP_W (1ull << 7)

/* Stage 1: AttrIndx[4:2] selects a MAIR_EL2 byte; AP[2:1] at [7:6]. */
#define S1_ATTRINDX_DEVICE (1ull << 2)
#define S1_ATTRINDX_MASK (7ull << 2)
#define S1_AP_RES1 (1ull << 6) /* AP[1]: RES1 with a single privilege level */
#define S1_AP_RO (1ull << 7)   /* AP[2] */

/* The engine's level 2 is Arm's level 3 in both formats. */
#define PAGE_LEVEL 2u

static uint64_t leaf_size(unsigned level)
{
	return 1ull << (30 - 9 * level);
}

static bool is_table(unsigned level, uint64_t pte)
{
	return level < PAGE_LEVEL && (pte & PTE_TABLE_OR_PAGE) != 0;
}

static uint64_t pte_table(unsigned level, uint64_t next_table_pa)
{
	(void)level;
	return (next_table_pa & PTE_ADDR_MASK) | PTE_TABLE_OR_PAGE | PTE_VALID;
}

/* Type, address and access flag of a leaf; the formats add the rest. */
static uint64_t leaf_base(unsigned level, uint64_t out_pa)
{
	uint64_t type =
		level == PAGE_LEVEL ? PTE_TABLE_OR_PAGE | PTE_VALID : PTE_VALID;

	return (out_pa & PTE_ADDR_MASK & ~(leaf_size(level) - 1)) | PTE_AF |
	       type;
}

static enum rumkv_pte_type pte_type(unsigned level, uint64_t pte)
{
	if ((pte & PTE_VALID) == 0) {
		return RUMKV_PTE_INVALID;
	}
	if (level == PAGE_LEVEL) {
		/* 0b01 is reserved at level 3 and faults like an invalid one.
		 */
		return (pte & PTE_TABLE_OR_PAGE) != 0 ? RUMKV_PTE_LEAF
						      : RUMKV_PTE_INVALID;
	}
	return is_table(level, pte) ? RUMKV_PTE_TABLE : RUMKV_PTE_LEAF;
}

static uint64_t pte_addr(unsigned level, uint64_t pte)
{
	if (is_table(level, pte)) {
		return pte & PTE_ADDR_MASK;
	}
	return pte & PTE_ADDR_MASK & ~(leaf_size(level) - 1);
}

static uint64_t s2_pte_leaf(unsigned level, uint64_t out_pa, uint32_t attr)
{
	uint64_t pte = leaf_base(level, out_pa);

	if ((attr & RUMKV_ATTR_DEVICE) != 0) {
		pte |= S2_MEMATTR_DEVICE_NGNRE | PTE_XN;
	} else {
		pte |= S2_MEMATTR_NORMAL_WB | PTE_SH_INNER;
	}
	if ((attr & RUMKV_ATTR_R) != 0) {
		pte |= S2_AP_R;
	}
	if ((attr & RUMKV_ATTR_W) != 0) {
		pte |= S2_AP_W;
	}
	if ((attr & RUMKV_ATTR_X) == 0) {
		pte |= PTE_XN;
	}
	return pte;
}

static uint32_t s2_pte_attr(unsigned level, uint64_t pte)
{
	uint32_t attr = 0;

	(void)level;
	if ((pte & S2_MEMATTR_NORMAL_BITS) == 0) {
		attr |= RUMKV_ATTR_DEVICE;
	}
	if ((pte & S2_AP_R) != 0) {
		attr |= RUMKV_ATTR_R;
	}
	if ((pte & S2_AP_W) != 0) {
		attr |= RUMKV_ATTR_W;
	}
	if ((pte & PTE_XN) == 0) {
		attr |= RUMKV_ATTR_X;
	}
	return attr;
}

static uint64_t el2_pte_leaf(unsigned level, uint64_t out_pa, uint32_t attr)
{
	uint64_t pte = leaf_base(level, out_pa) | S1_AP_RES1;

	if ((attr & RUMKV_ATTR_DEVICE) != 0) {
		pte |= S1_ATTRINDX_DEVICE | PTE_XN;
	} else {
		pte |= PTE_SH_INNER;
	}
	if ((attr & RUMKV_ATTR_W) == 0) {
		pte |= S1_AP_RO;
	}
	if ((attr & RUMKV_ATTR_X) == 0) {
		pte |= PTE_XN;
	}
	return pte;
}

static uint32_t el2_pte_attr(unsigned level, uint64_t pte)
{
	uint32_t attr = RUMKV_ATTR_R;

	(void)level;
	if ((pte & S1_ATTRINDX_MASK) == S1_ATTRINDX_DEVICE) {
		attr |= RUMKV_ATTR_DEVICE;
	}
	if ((pte & S1_AP_RO) == 0) {
		attr |= RUMKV_ATTR_W;
	}
	if ((pte & PTE_XN) == 0) {
		attr |= RUMKV_ATTR_X;
	}
	return attr;
}

const struct rumkv_pt_format aarch64_stage2_format = {
	.name = "aarch64-stage2",
	.level_count = 3,
	.levels = {{30, 10, true}, {21, 9, true}, {12, 9, true}},
	.pte_table = pte_table,
	.pte_leaf = s2_pte_leaf,
	.pte_type = pte_type,
	.pte_addr = pte_addr,
	.pte_attr = s2_pte_attr,
};

const struct rumkv_pt_format aarch64_el2_format = {
	.name = "aarch64-el2",
	.level_count = 3,
	.levels = {{30, 9, true}, {21, 9, true}, {12, 9, true}},
	.pte_table = pte_table,
	.pte_leaf = el2_pte_leaf,
	.pte_type = pte_type,
	.pte_addr = pte_addr,
	.pte_attr = el2_pte_attr,
};
