// SPDX-License-Identifier: MIT
/*
 * The mapping engine's resident part (see include/rumkv/paging.h and
 * docs/paging.md): unmapping and lookup, all that runs after boot. Tables
 * are built at boot by lib/paging_build.c, which also holds the splitting
 * unmap; after boot RumKV only removes what boot mapped, range by range,
 * so the resident unmap never splits a leaf and never takes a page.
 */
#include "paging_walk.h"

#include <rumkv/error.h>

/* ---- shared with the boot-only part ---- */

void pt_pool_push(struct rumkv_pt_pool *pool, uint32_t index)
{
	*pt_pool_page(pool, index) = pool->free_head;
	pool->free_head = index + 1;
}

enum rumkv_pte_type pt_entry_type(const struct rumkv_pt_format *fmt,
				  unsigned level, uint64_t pte)
{
	enum rumkv_pte_type type = fmt->pte_type(level, pte);

	if (type == RUMKV_PTE_INVALID ||
	    (type == RUMKV_PTE_TABLE && level + 1u < fmt->level_count)) {
		return type;
	}
	return RUMKV_PTE_LEAF;
}

uint64_t rumkv_pt_input_size(const struct rumkv_pt_format *fmt)
{
	unsigned bits = fmt->levels[0].shift + fmt->levels[0].bits;

	return bits >= 64 ? 0 : 1ull << bits;
}

static bool in_space(const struct rumkv_pt_format *fmt, uint64_t in,
		     uint64_t size)
{
	uint64_t space = rumkv_pt_input_size(fmt);

	if (rumkv_range_wraps(in, size)) {
		return false;
	}
	return space == 0 || (in < space && size <= space - in);
}

int pt_check_args(const struct rumkv_pt *pt, uint64_t in, uint64_t out,
		  uint64_t size, uint32_t attr)
{
	if (((in | out | size) & (RUMKV_PAGE_SIZE - 1)) != 0) {
		return RUMKV_EALIGN;
	}
	if (size == 0 || (attr & ~RUMKV_ATTR_MASK) != 0) {
		return RUMKV_EINVAL;
	}
	if (!in_space(pt->fmt, in, size) || rumkv_range_wraps(out, size)) {
		return RUMKV_ERANGE;
	}
	return RUMKV_OK;
}

/* ---- invalidation ---- */

void pt_inv_flush(struct walk *w)
{
	if (w->inv_size != 0) {
		w->pt->ops->invalidate(w->pt->owner, w->inv_in, w->inv_size);
		w->inv_size = 0;
	}
}

/* Ranges are added in address order, and touching ones merge: unmapping
 * many pages costs few invalidations. (A freed table's range starts before
 * the pending one; free_table handles that.) */
void pt_inv_add(struct walk *w, uint64_t in, uint64_t size)
{
	uint64_t offset = in - w->inv_in;

	/* Merged unless the union would reach 2^64 (size 0). */
	if (w->inv_size != 0 && offset <= w->inv_size && offset + size != 0) {
		if (offset + size > w->inv_size) {
			w->inv_size = offset + size;
		}
		return;
	}
	pt_inv_flush(w);
	w->inv_in = in;
	w->inv_size = size;
}

/* ---- unmap ---- */

void pt_skip(struct walk *w, uint64_t size)
{
	uint64_t step = size - (w->in & (size - 1));

	if (step > w->size) {
		step = w->size;
	}
	w->in += step;
	w->size -= step;
}

static bool table_empty(const struct rumkv_pt_format *fmt, unsigned level,
			const uint64_t *table)
{
	size_t i;

	for (i = 0; i < (1u << fmt->levels[level].bits); i++) {
		if (pt_entry_type(fmt, level, table[i]) != RUMKV_PTE_INVALID) {
			return false;
		}
	}
	return true;
}

/* Returns an empty table to the pool once no walker can reach it: its
 * first entry is about to become the free-list link. */
static void free_table(struct walk *w, uint64_t *slot, unsigned level,
		       uint64_t table_in, const uint64_t *table)
{
	struct rumkv_pt_pool *pool = w->pt->pool;

	pt_write(slot, 0);
	/* A pending range that starts inside the table lies inside it (the
	 * walk has not left it): the table's invalidation covers it. */
	if (w->inv_size != 0 && w->inv_in >= table_in) {
		w->inv_size = 0;
	}
	pt_inv_add(w, table_in, pt_level_size(w->pt->fmt, level));
	pt_inv_flush(w);
	pt_pool_push(pool, (uint32_t)(((const uint8_t *)table - pool->base) /
				      RUMKV_PAGE_SIZE));
	pool->used_count--;
}

/* Handles a table, or a leaf only partly in the range (which is split). */
static void unmap_below(struct walk *w, uint64_t *slot, unsigned level,
			enum rumkv_pte_type type, uint64_t entry_in)
{
	uint64_t *child;

	if (type == RUMKV_PTE_TABLE) {
		child = pt_table_at(w->pt, w->pt->fmt->pte_addr(level, *slot));
	} else {
		child = w->split(w, slot, level, entry_in);
	}
	pt_unmap_level(w, child, level + 1);
	if (w->apply && table_empty(w->pt->fmt, level + 1, child)) {
		free_table(w, slot, level, entry_in, child);
	}
}

void pt_unmap_level(struct walk *w, uint64_t *table, unsigned level)
{
	const struct rumkv_pt_format *fmt = w->pt->fmt;
	uint64_t size = pt_level_size(fmt, level);

	do {
		uint64_t entry_in = w->in & ~(size - 1);
		uint64_t *slot = &table[pt_level_index(fmt, level, w->in)];
		enum rumkv_pte_type type = pt_entry_type(fmt, level, *slot);
		bool covered = w->in == entry_in && w->size >= size;

		if (type == RUMKV_PTE_INVALID || (covered && !w->apply)) {
			pt_skip(w, size);
		} else if (type == RUMKV_PTE_LEAF && covered) {
			pt_write(slot, 0);
			pt_inv_add(w, entry_in, size);
			pt_skip(w, size);
		} else if (type == RUMKV_PTE_LEAF && !w->apply) {
			/* The dry run of rumkv_pt_unmap: a leaf crossing an
			 * end of the range, which it does not split. */
			w->pages++;
			pt_skip(w, size);
		} else {
			unmap_below(w, slot, level, type, entry_in);
		}
	} while (w->size != 0 && !pt_table_start(fmt, level, w->in));
}

int rumkv_pt_unmap(struct rumkv_pt *pt, uint64_t in, uint64_t size)
{
	struct walk w = {.pt = pt, .in = in, .size = size};
	int err = pt_check_args(pt, in, 0, size, 0);

	if (err != RUMKV_OK) {
		return err;
	}
	/* The dry run visits only entries partly in the range (the path of
	 * each end) and counts the leaves among them. */
	pt_unmap_level(&w, pt_table_at(pt, pt->root_pa), 0);
	if (w.pages != 0) {
		return RUMKV_EALIGN;
	}
	w = (struct walk){.pt = pt, .in = in, .size = size, .apply = true};
	pt_unmap_level(&w, pt_table_at(pt, pt->root_pa), 0);
	pt_inv_flush(&w);
	return RUMKV_OK;
}

/* ---- lookup ---- */

/* Boot only in the hypervisor (boot checks its tables with it); resident
 * code never needs to translate. */
RUMKV_BOOT int rumkv_pt_lookup(const struct rumkv_pt *pt, uint64_t in,
			       uint64_t *out, uint32_t *attr,
			       uint64_t *leaf_size)
{
	const struct rumkv_pt_format *fmt = pt->fmt;
	const uint64_t *table = pt_table_at(pt, pt->root_pa);
	unsigned level;

	if (!in_space(fmt, in, 1)) {
		return RUMKV_ERANGE;
	}
	for (level = 0;; level++) {
		uint64_t pte = table[pt_level_index(fmt, level, in)];
		enum rumkv_pte_type type = pt_entry_type(fmt, level, pte);
		uint64_t size = pt_level_size(fmt, level);

		if (type == RUMKV_PTE_INVALID) {
			return RUMKV_ENOENT;
		}
		if (type == RUMKV_PTE_LEAF) {
			if (out != NULL) {
				*out = fmt->pte_addr(level, pte) +
				       (in & (size - 1));
			}
			if (attr != NULL) {
				*attr = fmt->pte_attr(level, pte);
			}
			if (leaf_size != NULL) {
				*leaf_size = size;
			}
			return RUMKV_OK;
		}
		table = pt_table_at(pt, fmt->pte_addr(level, pte));
	}
}
