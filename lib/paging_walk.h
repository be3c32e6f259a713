/* SPDX-License-Identifier: MIT */
/*
 * Private to the mapping engine: the walk state and the helpers that its
 * resident part (lib/paging.c: unmap, lookup) and its boot-only part
 * (lib/paging_build.c: pools, init, map, splitting unmap) share.
 *
 * Invalid descriptors are written as 0, so every format must decode 0 as
 * RUMKV_PTE_INVALID; that is also why zeroed pages are empty tables.
 */
#ifndef RUMKV_LIB_PAGING_WALK_H
#define RUMKV_LIB_PAGING_WALK_H

#include <rumkv/paging.h>

struct walk;

/* Replaces the leaf in `slot` (level `level`, mapping [block_in, + its
 * size)) by a table of leaves one level down; returns that table. */
typedef uint64_t *(*split_fn)(struct walk *w, uint64_t *slot, unsigned level,
			      uint64_t block_in);

/* One call's walk over [in, in + size). */
struct walk {
	struct rumkv_pt *pt;
	uint64_t in;   /* next input address to handle */
	uint64_t out;  /* map: output address of `in` */
	uint64_t size; /* bytes left */
	uint32_t attr;
	bool apply;	   /* false: dry run, which reads and counts only */
	uint32_t pages;	   /* dry run: table pages the apply pass takes
			      (rumkv_pt_unmap: leaves crossing an end) */
	uint64_t inv_in;   /* unmap: pending invalidation, merged from */
	uint64_t inv_size; /* ranges made invalid; 0 when none is pending */
	split_fn split;	   /* unmap: how a leaf partly in the range is split
			      (boot only; never reached by rumkv_pt_unmap) */
};

static inline uint64_t *pt_pool_page(const struct rumkv_pt_pool *pool,
				     uint32_t index)
{
	return (uint64_t *)(pool->base + (size_t)index * RUMKV_PAGE_SIZE);
}

static inline uint32_t pt_pool_available(const struct rumkv_pt_pool *pool)
{
	return pool->page_count - pool->used_count;
}

static inline uint64_t pt_level_size(const struct rumkv_pt_format *fmt,
				     unsigned level)
{
	return 1ull << fmt->levels[level].shift;
}

static inline size_t pt_level_index(const struct rumkv_pt_format *fmt,
				    unsigned level, uint64_t in)
{
	const struct rumkv_pt_level *lv = &fmt->levels[level];

	return (size_t)((in >> lv->shift) & ((1ull << lv->bits) - 1));
}

static inline uint64_t *pt_table_at(const struct rumkv_pt *pt, uint64_t pa)
{
	return (uint64_t *)(pt->pool->base + (pa - pt->pool->base_pa));
}

/* A single-copy-atomic store: the hardware walker may read concurrently. */
static inline void pt_write(uint64_t *slot, uint64_t pte)
{
	*(volatile uint64_t *)slot = pte;
}

/* Puts a page on the pool's free list; its first entry holds the link. */
void pt_pool_push(struct rumkv_pt_pool *pool, uint32_t index);

/* A descriptor's type. Anything else than "table" at the page level
 * counts as a mapping, so a confused format cannot send a walk past it. */
enum rumkv_pte_type pt_entry_type(const struct rumkv_pt_format *fmt,
				  unsigned level, uint64_t pte);

/* RUMKV_EALIGN, RUMKV_EINVAL or RUMKV_ERANGE for arguments no call
 * accepts (see rumkv_pt_map); RUMKV_OK otherwise. */
int pt_check_args(const struct rumkv_pt *pt, uint64_t in, uint64_t out,
		  uint64_t size, uint32_t attr);

/* Sends the pending invalidation, if any. */
void pt_inv_flush(struct walk *w);

/* Adds [in, in + size), just made invalid, to the pending invalidation;
 * `in` is not below the start of the pending range. */
void pt_inv_add(struct walk *w, uint64_t in, uint64_t size);

/* Moves w->in to the next entry of a level whose entries are `size` bytes
 * (or to the end of the range). */
void pt_skip(struct walk *w, uint64_t size);

/* Whether `in` is the first address of a table of this level. */
static inline bool pt_table_start(const struct rumkv_pt_format *fmt,
				  unsigned level, uint64_t in)
{
	return pt_level_index(fmt, level, in) == 0;
}

/* Clears every leaf of [w->in, w->in + w->size) from `table` down,
 * splitting those partly inside with w->split, and returns tables left
 * empty to the pool. The caller flushes the pending invalidation. */
void pt_unmap_level(struct walk *w, uint64_t *table, unsigned level);

#endif /* RUMKV_LIB_PAGING_WALK_H */
