// SPDX-License-Identifier: MIT
/*
 * The mapping engine's boot-only part (see include/rumkv/paging.h and
 * docs/paging.md): pools, table set-up, mapping, and the unmap that splits
 * leaves. Everything here is RUMKV_BOOT: no code path left after boot can
 * add a mapping or take a table page.
 *
 * Map and the splitting unmap walk the range twice: a dry run that reads
 * the tables, detects overlaps and counts the table pages the call will
 * take, then, only if that succeeded and the pool has the pages, the same
 * walk again writing descriptors. The second pass cannot fail, which is
 * what makes every call all-or-nothing. During the dry run a table that
 * does not exist yet is represented by a NULL pointer: empty for map, full
 * of leaves for the virtual split of a block by unmap.
 */
#include "paging_walk.h"

#include <rumkv/error.h>

/* ---- the pool ---- */

/* Takes one page; the caller has checked that one is available. Stale
 * links are cleared on every path: a pool restored from a snapshot may
 * count a once-freed page as never used. */
RUMKV_BOOT static uint64_t *pool_take(struct rumkv_pt_pool *pool)
{
	uint32_t index = pool->next_unused;
	uint64_t *page;

	if (pool->free_head != 0) {
		index = pool->free_head - 1;
		pool->free_head = (uint32_t)*pt_pool_page(pool, index);
	} else {
		pool->next_unused++;
	}
	pool->used_count++;
	page = pt_pool_page(pool, index);
	page[0] = 0;
	return page;
}

/*
 * Takes `count` (a power of two) contiguous pages whose physical address is
 * aligned to their size, from the never-used part of the pool. Pages
 * skipped to reach the alignment go to the free list, so a pool whose base
 * is not aligned to the root size loses nothing but contiguity.
 */
RUMKV_BOOT static uint64_t *pool_take_aligned(struct rumkv_pt_pool *pool,
					      uint32_t count)
{
	uint64_t align = (uint64_t)count * RUMKV_PAGE_SIZE;
	uint64_t next_pa =
		pool->base_pa + (uint64_t)pool->next_unused * RUMKV_PAGE_SIZE;
	uint64_t skip_count =
		((align - (next_pa & (align - 1))) & (align - 1)) /
		RUMKV_PAGE_SIZE;
	uint32_t first;

	if (count == 1) {
		return pt_pool_available(pool) != 0 ? pool_take(pool) : NULL;
	}
	if (pool->next_unused + skip_count + count > pool->page_count) {
		return NULL;
	}
	for (; skip_count != 0; skip_count--) {
		pt_pool_push(pool, pool->next_unused++);
	}
	first = pool->next_unused;
	pool->used_count += count;
	for (; count != 0; count--) {
		*pt_pool_page(pool, pool->next_unused++) = 0;
	}
	return pt_pool_page(pool, first);
}

RUMKV_BOOT void rumkv_pt_pool_init(struct rumkv_pt_pool *pool, void *base,
				   uint64_t base_pa, uint32_t page_count)
{
	pool->base = base;
	pool->base_pa = base_pa;
	pool->page_count = page_count;
	pool->next_unused = 0;
	pool->free_head = 0;
	pool->used_count = 0;
}

/* ---- new tables ---- */

RUMKV_BOOT static uint64_t table_pa(const struct rumkv_pt *pt,
				    const uint64_t *table)
{
	return pt->pool->base_pa +
	       (uint64_t)((const uint8_t *)table - pt->pool->base);
}

RUMKV_BOOT static void publish(const struct rumkv_pt *pt)
{
	if (pt->ops->publish != NULL) {
		pt->ops->publish(pt->owner);
	}
}

/* Points `slot` at `child`, whose contents must be visible first. */
RUMKV_BOOT static void link_table(const struct rumkv_pt *pt, uint64_t *slot,
				  unsigned level, const uint64_t *child)
{
	publish(pt);
	pt_write(slot, pt->fmt->pte_table(level, table_pa(pt, child)));
}

/* ---- format checks and set-up ---- */

RUMKV_BOOT static bool format_valid(const struct rumkv_pt_format *fmt)
{
	const struct rumkv_pt_level *lv = fmt->levels;
	unsigned last = fmt->level_count - 1u;
	unsigned i;

	if (fmt->level_count == 0 || fmt->level_count > RUMKV_PT_MAX_LEVELS ||
	    !fmt->pte_table || !fmt->pte_leaf || !fmt->pte_type ||
	    !fmt->pte_addr || !fmt->pte_attr) {
		return false;
	}
	if (lv[last].shift != RUMKV_PAGE_SHIFT || !lv[last].leaf_ok ||
	    lv[0].bits == 0 || lv[0].bits > 16 ||
	    lv[0].shift + lv[0].bits > 64) {
		return false;
	}
	/* Each level indexes the bits right above the next one; below the
	 * root a table is one page; a level that allows leaves is followed
	 * only by such levels, so any leaf can be split. */
	for (i = 0; i < last; i++) {
		if (lv[i].shift != lv[i + 1].shift + lv[i + 1].bits ||
		    lv[i + 1].bits != 9 ||
		    (lv[i].leaf_ok && !lv[i + 1].leaf_ok)) {
			return false;
		}
	}
	return true;
}

RUMKV_BOOT int rumkv_pt_init(struct rumkv_pt *pt,
			     const struct rumkv_pt_format *fmt,
			     struct rumkv_pt_pool *pool,
			     const struct rumkv_pt_ops *ops, void *owner)
{
	uint64_t root_bytes;
	uint64_t *root;

	if (fmt == NULL || pool == NULL || ops == NULL ||
	    ops->invalidate == NULL || !format_valid(fmt)) {
		return RUMKV_EINVAL;
	}
	root_bytes = (uint64_t)RUMKV_PT_ENTRY_SIZE << fmt->levels[0].bits;
	root = pool_take_aligned(pool,
				 (uint32_t)((root_bytes + RUMKV_PAGE_SIZE - 1) /
					    RUMKV_PAGE_SIZE));
	if (root == NULL) {
		return RUMKV_ENOMEM;
	}
	pt->fmt = fmt;
	pt->pool = pool;
	pt->ops = ops;
	pt->owner = owner;
	pt->root_pa = table_pa(pt, root);
	return RUMKV_OK;
}

/* ---- map ---- */

RUMKV_BOOT static bool leaf_fits(const struct walk *w, unsigned level)
{
	uint64_t size = pt_level_size(w->pt->fmt, level);

	return w->pt->fmt->levels[level].leaf_ok && w->size >= size &&
	       ((w->in | w->out) & (size - 1)) == 0;
}

RUMKV_BOOT static int map_leaf(struct walk *w, uint64_t *slot, unsigned level)
{
	const struct rumkv_pt_format *fmt = w->pt->fmt;
	uint64_t size = pt_level_size(fmt, level);
	uint64_t pte = fmt->pte_leaf(level, w->out, w->attr);

	/* An output address the format cannot hold would map other memory. */
	if (fmt->pte_addr(level, pte) != w->out) {
		return RUMKV_ERANGE;
	}
	if (w->apply) {
		pt_write(slot, pte);
	}
	w->in += size;
	w->out += size;
	w->size -= size;
	return RUMKV_OK;
}

/* The table below `slot`; an absent one is created, or counted. */
RUMKV_BOOT static uint64_t *map_table_below(struct walk *w, uint64_t *slot,
					    unsigned level,
					    enum rumkv_pte_type type)
{
	uint64_t *child;

	if (type == RUMKV_PTE_TABLE) {
		return pt_table_at(w->pt, w->pt->fmt->pte_addr(level, *slot));
	}
	if (!w->apply) {
		w->pages++;
		return NULL;
	}
	child = pool_take(w->pt->pool);
	link_table(w->pt, slot, level, child);
	return child;
}

/* Maps from w->in until the range or this table ends. */
RUMKV_BOOT static int map_level(struct walk *w, uint64_t *table, unsigned level)
{
	const struct rumkv_pt_format *fmt = w->pt->fmt;
	int err;

	do {
		uint64_t *slot =
			table ? &table[pt_level_index(fmt, level, w->in)]
			      : NULL;
		enum rumkv_pte_type type =
			slot ? pt_entry_type(fmt, level, *slot)
			     : RUMKV_PTE_INVALID;

		if (type == RUMKV_PTE_LEAF) {
			return RUMKV_EBUSY;
		}
		if (type == RUMKV_PTE_INVALID && leaf_fits(w, level)) {
			err = map_leaf(w, slot, level);
		} else {
			err = map_level(w,
					map_table_below(w, slot, level, type),
					level + 1);
		}
		if (err != RUMKV_OK) {
			return err;
		}
	} while (w->size != 0 && !pt_table_start(fmt, level, w->in));
	return RUMKV_OK;
}

RUMKV_BOOT static int walk_map(struct rumkv_pt *pt, uint64_t in, uint64_t out,
			       uint64_t size, uint32_t attr, bool apply)
{
	struct walk w = {.pt = pt,
			 .in = in,
			 .out = out,
			 .size = size,
			 .attr = attr,
			 .apply = apply};
	int err = map_level(&w, pt_table_at(pt, pt->root_pa), 0);

	if (err == RUMKV_OK && !apply &&
	    w.pages > pt_pool_available(pt->pool)) {
		err = RUMKV_ENOMEM;
	}
	return err;
}

RUMKV_BOOT int rumkv_pt_map(struct rumkv_pt *pt, uint64_t in, uint64_t out,
			    uint64_t size, uint32_t attr)
{
	int err = pt_check_args(pt, in, out, size, attr);

	if (err == RUMKV_OK) {
		err = walk_map(pt, in, out, size, attr, false);
	}
	if (err == RUMKV_OK) {
		(void)walk_map(pt, in, out, size, attr, true);
		publish(pt);
	}
	return err;
}

/* ---- the splitting unmap ---- */

/*
 * The split_fn of rumkv_pt_unmap_split: a table of leaves one level down
 * that map the same memory the same way replaces the leaf. Break before
 * make: the leaf is made invalid and its translations invalidated before
 * the table takes its place.
 */
RUMKV_BOOT static uint64_t *split_leaf(struct walk *w, uint64_t *slot,
				       unsigned level, uint64_t block_in)
{
	const struct rumkv_pt_format *fmt = w->pt->fmt;
	uint64_t out = fmt->pte_addr(level, *slot);
	uint32_t attr = fmt->pte_attr(level, *slot);
	uint64_t sub = pt_level_size(fmt, level + 1);
	uint64_t *child = pool_take(w->pt->pool);
	size_t i;

	for (i = 0; i < (1u << fmt->levels[level + 1].bits); i++) {
		child[i] = fmt->pte_leaf(level + 1, out + i * sub, attr);
	}
	pt_write(slot, 0);
	pt_inv_add(w, block_in, pt_level_size(fmt, level));
	pt_inv_flush(w);
	link_table(w->pt, slot, level, child);
	w->pages++;
	return child;
}

/* The dry run: counts the splits from w->in until the range or this table
 * ends. Only entries partly in the range are visited; a NULL table is one
 * a split would create, all leaves. */
RUMKV_BOOT static void count_splits(struct walk *w, const uint64_t *table,
				    unsigned level)
{
	const struct rumkv_pt_format *fmt = w->pt->fmt;
	uint64_t size = pt_level_size(fmt, level);

	do {
		const uint64_t *slot =
			table ? &table[pt_level_index(fmt, level, w->in)]
			      : NULL;
		enum rumkv_pte_type type =
			slot ? pt_entry_type(fmt, level, *slot)
			     : RUMKV_PTE_LEAF;
		bool covered = (w->in & (size - 1)) == 0 && w->size >= size;

		if (type == RUMKV_PTE_INVALID || covered) {
			pt_skip(w, size);
		} else if (type == RUMKV_PTE_LEAF) {
			w->pages++;
			count_splits(w, NULL, level + 1);
		} else {
			count_splits(
				w,
				pt_table_at(w->pt, fmt->pte_addr(level, *slot)),
				level + 1);
		}
	} while (w->size != 0 && !pt_table_start(fmt, level, w->in));
}

RUMKV_BOOT int rumkv_pt_unmap_split(struct rumkv_pt *pt, uint64_t in,
				    uint64_t size)
{
	struct walk w = {.pt = pt, .in = in, .size = size};
	int err = pt_check_args(pt, in, 0, size, 0);

	if (err != RUMKV_OK) {
		return err;
	}
	count_splits(&w, pt_table_at(pt, pt->root_pa), 0);
	if (w.pages > pt_pool_available(pt->pool)) {
		return RUMKV_ENOMEM;
	}
	w = (struct walk){.pt = pt,
			  .in = in,
			  .size = size,
			  .apply = true,
			  .split = split_leaf};
	pt_unmap_level(&w, pt_table_at(pt, pt->root_pa), 0);
	pt_inv_flush(&w);
	if (w.pages != 0) {
		publish(pt);
	}
	return RUMKV_OK;
}
