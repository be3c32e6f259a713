/* SPDX-License-Identifier: MIT */
/*
 * The mapping engine: one ISA-neutral implementation of multi-level
 * translation tables, driven by a descriptor format that a port supplies.
 * It builds AArch64 stage-2 tables for cells, RumKV's own EL2 stage-1
 * tables and (later) IOMMU tables, and the fake port's deliberately odd
 * format in host tests.
 *
 * Concurrency: a table is not locked by the engine. Callers serialise all
 * calls on one table (the cell lock for stage-2).
 *
 * Failure atomicity: every call either succeeds completely or returns an
 * error having changed nothing (no descriptor written, no page taken).
 *
 * Boot only: in the hypervisor, tables are built at boot (rumkv_pt_init,
 * rumkv_pt_map, rumkv_pt_pool_init, rumkv_pt_unmap_split and
 * rumkv_pt_lookup live in .text.boot and are gone once cells run). At run time
 * RumKV only ever removes mappings that boot made, range by range (pledges,
 * ending a cell), or restores a table's pristine copy (restart): no code path
 * left after boot can add a mapping, split a leaf or take a table page.
 */
#ifndef RUMKV_PAGING_H
#define RUMKV_PAGING_H

#include <rumkv/types.h>

#define RUMKV_PT_MAX_LEVELS 5u
#define RUMKV_PT_ENTRY_SIZE 8u

/* Neutral attributes of a leaf mapping; formats translate them. */
#define RUMKV_ATTR_R (1u << 0)
#define RUMKV_ATTR_W (1u << 1)
#define RUMKV_ATTR_X (1u << 2)
#define RUMKV_ATTR_DEVICE (1u << 3) /* device memory; otherwise normal WB */
#define RUMKV_ATTR_MASK 0xfu

enum rumkv_pte_type {
	RUMKV_PTE_INVALID = 0,
	RUMKV_PTE_TABLE = 1, /* points to a next-level table */
	RUMKV_PTE_LEAF = 2,  /* maps a block or page */
};

/* One level of a format. */
struct rumkv_pt_level {
	uint8_t shift; /* lowest input-address bit this level indexes */
	uint8_t bits;  /* index bits: the table has 1 << bits entries */
	bool leaf_ok;  /* leaf descriptors allowed at this level */
};

/*
 * A descriptor format. levels[0] is the root and the last level is the
 * page level. A non-root table is exactly one page (bits == 9 for 8-byte
 * entries and 4 KiB pages). The root may be larger (AArch64 stage-2
 * concatenates root tables): it occupies (8 << bits) bytes, rounded up to
 * whole pages, aligned to its size. The input address space has
 * levels[0].shift + levels[0].bits bits.
 *
 * The hooks encode and decode descriptors of a given level; they must not
 * touch memory. A format may use a different encoding at each level.
 */
struct rumkv_pt_format {
	const char *name;
	uint8_t level_count;
	struct rumkv_pt_level levels[RUMKV_PT_MAX_LEVELS];
	uint64_t (*pte_table)(unsigned level, uint64_t next_table_pa);
	uint64_t (*pte_leaf)(unsigned level, uint64_t out_pa, uint32_t attr);
	enum rumkv_pte_type (*pte_type)(unsigned level, uint64_t pte);
	uint64_t (*pte_addr)(unsigned level,
			     uint64_t pte); /* table or output PA */
	uint32_t (*pte_attr)(unsigned level, uint64_t pte); /* RUMKV_ATTR_* */
};

/*
 * Table pages come from a fixed pool of zeroed, page-aligned pages. The
 * engine reaches a page through `base` (its own view) and writes the
 * matching physical address (`base_pa` + offset) into descriptors; under
 * RumKV's identity-mapped EL2 the two are equal, on the host they differ.
 * Free pages are kept on a free list threaded through the pages themselves.
 */
struct rumkv_pt_pool {
	uint8_t *base;
	uint64_t base_pa;
	uint32_t page_count;
	uint32_t next_unused; /* pages [next_unused, page_count) never used */
	uint32_t free_head;   /* 1 + index of the first freed page; 0: none */
	uint32_t used_count;  /* pages currently holding tables */
};

/*
 * Hooks for the owner of a table. Called with the caller's lock held.
 * invalidate: cached translations of [in, in + size) must be gone on every
 *   core and device that may use the table when it returns (TLBI + DSB on
 *   AArch64; command queue sync for an IOMMU). Called after entries were
 *   made invalid (the "break" of break-before-make) and before they are
 *   replaced.
 * publish: new valid descriptors were written; make them visible to the
 *   table walker (a barrier, or a cache clean for a non-coherent walker).
 *   May be NULL.
 */
struct rumkv_pt_ops {
	void (*invalidate)(void *owner, uint64_t in, uint64_t size);
	void (*publish)(void *owner);
};

struct rumkv_pt {
	const struct rumkv_pt_format *fmt;
	struct rumkv_pt_pool *pool;
	const struct rumkv_pt_ops *ops;
	void *owner;	  /* handed to the ops */
	uint64_t root_pa; /* what the port loads into VTTBR/TTBR/STE */
};

/* Prepares a pool over `page_count` zeroed pages at `base` (seen by the
 * hardware at `base_pa`). */
void rumkv_pt_pool_init(struct rumkv_pt_pool *pool, void *base,
			uint64_t base_pa, uint32_t page_count);

/* Takes the root table from the pool. RUMKV_EINVAL for a malformed format,
 * RUMKV_ENOMEM if the pool cannot hold the root. */
int rumkv_pt_init(struct rumkv_pt *pt, const struct rumkv_pt_format *fmt,
		  struct rumkv_pt_pool *pool, const struct rumkv_pt_ops *ops,
		  void *owner);

/* Size of the input address space in bytes (0 means 2^64). */
uint64_t rumkv_pt_input_size(const struct rumkv_pt_format *fmt);

/*
 * Maps [in, in + size) to [out, out + size) with `attr`, using the largest
 * leaf the format allows at each step given the alignment of `in`, `out`
 * and the remaining size.
 * RUMKV_EALIGN: in, out or size is not page aligned.
 * RUMKV_EINVAL: size is 0, or attr has bits outside RUMKV_ATTR_MASK.
 * RUMKV_ERANGE: the range wraps or leaves the input address space.
 * RUMKV_EBUSY:  some page of the range is already mapped.
 * RUMKV_ENOMEM: the pool cannot hold the tables needed.
 */
int rumkv_pt_map(struct rumkv_pt *pt, uint64_t in, uint64_t out, uint64_t size,
		 uint32_t attr);

/*
 * Unmaps every page of [in, in + size); holes are fine. Never splits a
 * leaf, so it never needs a table page: a leaf that crosses either end of
 * the range makes the call fail with RUMKV_EALIGN, having changed nothing.
 * Unmapping exactly what one rumkv_pt_map call mapped (or a union of such
 * ranges) always succeeds. Tables left empty return to the pool. Cached
 * translations are invalidated through the ops before this returns.
 * Resident: this is the only table edit left after boot.
 * RUMKV_EALIGN, RUMKV_EINVAL, RUMKV_ERANGE otherwise as for map.
 */
int rumkv_pt_unmap(struct rumkv_pt *pt, uint64_t in, uint64_t size);

/*
 * Like rumkv_pt_unmap, but a leaf only partly inside the range is split:
 * the part outside keeps its output address and attributes. Boot only.
 * RUMKV_ENOMEM: the splits need more table pages than the pool has.
 */
int rumkv_pt_unmap_split(struct rumkv_pt *pt, uint64_t in, uint64_t size);

/*
 * Translates one input address. On success fills *out (output address of
 * `in` itself), *attr and *leaf_size (size of the leaf that maps it); any
 * pointer may be NULL. RUMKV_ENOENT if unmapped, RUMKV_ERANGE if outside
 * the input space. Boot only.
 */
int rumkv_pt_lookup(const struct rumkv_pt *pt, uint64_t in, uint64_t *out,
		    uint32_t *attr, uint64_t *leaf_size);

#endif /* RUMKV_PAGING_H */
