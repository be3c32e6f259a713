// SPDX-License-Identifier: MIT
/*
 * The mapping engine (see include/rumkv/paging.h and docs/paging.md).
 *
 * Map and unmap walk the range twice: a dry run that reads the tables,
 * detects overlaps and counts the table pages the call will take, then,
 * only if that succeeded and the pool has the pages, the same walk again
 * writing descriptors. The second pass cannot fail, which is what makes
 * every call all-or-nothing. During the dry run a table that does not exist
 * yet is represented by a NULL pointer: empty for map, full of leaves for
 * the virtual split of a block by unmap.
 *
 * Invalid descriptors are written as 0, so every format must decode 0 as
 * RUMKV_PTE_INVALID; that is also why zeroed pages are empty tables.
 */
#include <rumkv/error.h>
#include <rumkv/paging.h>

/* One call's walk over [in, in + size). */
struct walk {
	struct rumkv_pt *pt;
	uint64_t in;   /* next input address to handle */
	uint64_t out;  /* map: output address of `in` */
	uint64_t size; /* bytes left */
	uint32_t attr;
	bool apply;	   /* false: dry run, which reads and counts only */
	uint32_t pages;	   /* dry run: table pages the apply pass takes */
	uint64_t inv_in;   /* unmap: pending invalidation, merged from */
	uint64_t inv_size; /* ranges made invalid; 0 when none is pending */
};

/* ---- the pool ---- */

static uint64_t *pool_page(const struct rumkv_pt_pool *pool, uint32_t index)
{
	return (uint64_t *)(pool->base + (size_t)index * RUMKV_PAGE_SIZE);
}

/* Puts a page on the free list; its first entry holds the link. */
static void pool_push(struct rumkv_pt_pool *pool, uint32_t index)
{
	*pool_page(pool, index) = pool->free_head;
	pool->free_head = index + 1;
}

/* Takes one page; the caller has checked that one is available. Stale
 * links are cleared on every path: a pool restored from a snapshot may
 * count a once-freed page as never used. */
static uint64_t *pool_take(struct rumkv_pt_pool *pool)
{
	uint32_t index = pool->next_unused;
	uint64_t *page;

	if (pool->free_head != 0) {
		index = pool->free_head - 1;
		pool->free_head = (uint32_t)*pool_page(pool, index);
	} else {
		pool->next_unused++;
	}
	pool->used_count++;
	page = pool_page(pool, index);
	page[0] = 0;
	return page;
}

static void pool_give(struct rumkv_pt_pool *pool, const uint64_t *page)
{
	pool_push(pool, (uint32_t)(((const uint8_t *)page - pool->base) /
				   RUMKV_PAGE_SIZE));
	pool->used_count--;
}

static uint32_t pool_available(const struct rumkv_pt_pool *pool)
{
	return pool->page_count - pool->used_count;
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
		return pool_available(pool) != 0 ? pool_take(pool) : NULL;
	}
	if (pool->next_unused + skip_count + count > pool->page_count) {
		return NULL;
	}
	for (; skip_count != 0; skip_count--) {
		pool_push(pool, pool->next_unused++);
	}
	first = pool->next_unused;
	pool->used_count += count;
	for (; count != 0; count--) {
		*pool_page(pool, pool->next_unused++) = 0;
	}
	return pool_page(pool, first);
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

/* ---- levels and descriptors ---- */

static uint64_t level_size(const struct rumkv_pt_format *fmt, unsigned level)
{
	return 1ull << fmt->levels[level].shift;
}

static size_t level_index(const struct rumkv_pt_format *fmt, unsigned level,
			  uint64_t in)
{
	const struct rumkv_pt_level *lv = &fmt->levels[level];

	return (size_t)((in >> lv->shift) & ((1ull << lv->bits) - 1));
}

/* Whether `in` is the first address of a table of this level. */
static bool table_start(const struct rumkv_pt_format *fmt, unsigned level,
			uint64_t in)
{
	return level_index(fmt, level, in) == 0;
}

/* Decodes a descriptor's type. Anything else than "table" at the page level
 * counts as a mapping, so a confused format cannot send a walk past it. */
static enum rumkv_pte_type entry_type(const struct rumkv_pt_format *fmt,
				      unsigned level, uint64_t pte)
{
	enum rumkv_pte_type type = fmt->pte_type(level, pte);

	if (type == RUMKV_PTE_INVALID ||
	    (type == RUMKV_PTE_TABLE && level + 1u < fmt->level_count)) {
		return type;
	}
	return RUMKV_PTE_LEAF;
}

static uint64_t *table_at(const struct rumkv_pt *pt, uint64_t pa)
{
	return (uint64_t *)(pt->pool->base + (pa - pt->pool->base_pa));
}

static uint64_t table_pa(const struct rumkv_pt *pt, const uint64_t *table)
{
	return pt->pool->base_pa +
	       (uint64_t)((const uint8_t *)table - pt->pool->base);
}

/* A single-copy-atomic store: the hardware walker may read concurrently. */
static void write_pte(uint64_t *slot, uint64_t pte)
{
	*(volatile uint64_t *)slot = pte;
}

static void publish(const struct rumkv_pt *pt)
{
	if (pt->ops->publish != NULL) {
		pt->ops->publish(pt->owner);
	}
}

/* Points `slot` at `child`, whose contents must be visible first. */
static void link_table(const struct rumkv_pt *pt, uint64_t *slot,
		       unsigned level, const uint64_t *child)
{
	publish(pt);
	write_pte(slot, pt->fmt->pte_table(level, table_pa(pt, child)));
}

/* ---- format and argument checks ---- */

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

static int check_args(const struct rumkv_pt *pt, uint64_t in, uint64_t out,
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
	uint64_t size = level_size(w->pt->fmt, level);

	return w->pt->fmt->levels[level].leaf_ok && w->size >= size &&
	       ((w->in | w->out) & (size - 1)) == 0;
}

RUMKV_BOOT static int map_leaf(struct walk *w, uint64_t *slot, unsigned level)
{
	const struct rumkv_pt_format *fmt = w->pt->fmt;
	uint64_t size = level_size(fmt, level);
	uint64_t pte = fmt->pte_leaf(level, w->out, w->attr);

	/* An output address the format cannot hold would map other memory. */
	if (fmt->pte_addr(level, pte) != w->out) {
		return RUMKV_ERANGE;
	}
	if (w->apply) {
		write_pte(slot, pte);
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
		return table_at(w->pt, w->pt->fmt->pte_addr(level, *slot));
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
			table ? &table[level_index(fmt, level, w->in)] : NULL;
		enum rumkv_pte_type type = slot ? entry_type(fmt, level, *slot)
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
	} while (w->size != 0 && !table_start(fmt, level, w->in));
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
	int err = map_level(&w, table_at(pt, pt->root_pa), 0);

	if (err == RUMKV_OK && !apply && w.pages > pool_available(pt->pool)) {
		err = RUMKV_ENOMEM;
	}
	return err;
}

RUMKV_BOOT int rumkv_pt_map(struct rumkv_pt *pt, uint64_t in, uint64_t out,
			    uint64_t size, uint32_t attr)
{
	int err = check_args(pt, in, out, size, attr);

	if (err == RUMKV_OK) {
		err = walk_map(pt, in, out, size, attr, false);
	}
	if (err == RUMKV_OK) {
		(void)walk_map(pt, in, out, size, attr, true);
		publish(pt);
	}
	return err;
}

/* ---- unmap ---- */

static void inv_flush(struct walk *w)
{
	if (w->inv_size != 0) {
		w->pt->ops->invalidate(w->pt->owner, w->inv_in, w->inv_size);
		w->inv_size = 0;
	}
}

/* Grows [lo, lo + *size) to cover [in, in + in_size) when that starts
 * inside or right after it and the union stays below 2^64. */
static bool range_extend(uint64_t lo, uint64_t *size, uint64_t in,
			 uint64_t in_size)
{
	uint64_t offset = in - lo;

	if (in < lo || offset > *size || offset + in_size == 0) {
		return false;
	}
	if (offset + in_size > *size) {
		*size = offset + in_size;
	}
	return true;
}

/* Adds a range made invalid to the pending invalidation. Touching ranges
 * merge, so unmapping many pages costs few invalidations. */
static void inv_add(struct walk *w, uint64_t in, uint64_t size)
{
	if (w->inv_size != 0) {
		if (range_extend(w->inv_in, &w->inv_size, in, size)) {
			return;
		}
		if (range_extend(in, &size, w->inv_in, w->inv_size)) {
			w->inv_in = in;
			w->inv_size = size;
			return;
		}
	}
	inv_flush(w);
	w->inv_in = in;
	w->inv_size = size;
}

static void skip(struct walk *w, uint64_t size)
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
		if (entry_type(fmt, level, table[i]) != RUMKV_PTE_INVALID) {
			return false;
		}
	}
	return true;
}

/*
 * Replaces the leaf in `slot`, which maps [block_in, + its size), by a table
 * of leaves one level down that map the same memory the same way. Break
 * before make: the leaf is made invalid and its translations invalidated
 * before the table takes its place.
 */
static uint64_t *split_leaf(struct walk *w, uint64_t *slot, unsigned level,
			    uint64_t block_in)
{
	const struct rumkv_pt_format *fmt = w->pt->fmt;
	uint64_t out = fmt->pte_addr(level, *slot);
	uint32_t attr = fmt->pte_attr(level, *slot);
	uint64_t sub = level_size(fmt, level + 1);
	uint64_t *child = pool_take(w->pt->pool);
	size_t i;

	for (i = 0; i < (1u << fmt->levels[level + 1].bits); i++) {
		child[i] = fmt->pte_leaf(level + 1, out + i * sub, attr);
	}
	write_pte(slot, 0);
	inv_add(w, block_in, level_size(fmt, level));
	inv_flush(w);
	link_table(w->pt, slot, level, child);
	return child;
}

/* Returns an empty table to the pool once no walker can reach it: its
 * first entry is about to become the free-list link. */
static void free_table(struct walk *w, uint64_t *slot, unsigned level,
		       uint64_t table_in, const uint64_t *table)
{
	write_pte(slot, 0);
	inv_add(w, table_in, level_size(w->pt->fmt, level));
	inv_flush(w);
	pool_give(w->pt->pool, table);
}

static void unmap_level(struct walk *w, uint64_t *table, unsigned level);

/* Handles an entry only partly in the range, or a table in the apply pass. */
static void unmap_below(struct walk *w, uint64_t *slot, unsigned level,
			enum rumkv_pte_type type, uint64_t entry_in)
{
	uint64_t *child = NULL;

	if (type == RUMKV_PTE_TABLE) {
		child = table_at(w->pt, w->pt->fmt->pte_addr(level, *slot));
	} else if (w->apply) {
		child = split_leaf(w, slot, level, entry_in);
	} else {
		w->pages++;
	}
	unmap_level(w, child, level + 1);
	if (w->apply && table_empty(w->pt->fmt, level + 1, child)) {
		free_table(w, slot, level, entry_in, child);
	}
}

/* Unmaps from w->in until the range or this table ends. In the dry run only
 * entries partly in the range are visited, since only they need splits. */
static void unmap_level(struct walk *w, uint64_t *table, unsigned level)
{
	const struct rumkv_pt_format *fmt = w->pt->fmt;
	uint64_t size = level_size(fmt, level);

	do {
		uint64_t entry_in = w->in & ~(size - 1);
		uint64_t *slot =
			table ? &table[level_index(fmt, level, w->in)] : NULL;
		enum rumkv_pte_type type =
			slot ? entry_type(fmt, level, *slot) : RUMKV_PTE_LEAF;
		bool covered = w->in == entry_in && w->size >= size;

		if (type == RUMKV_PTE_INVALID || (covered && !w->apply)) {
			skip(w, size);
		} else if (type == RUMKV_PTE_LEAF && covered) {
			write_pte(slot, 0);
			inv_add(w, entry_in, size);
			skip(w, size);
		} else {
			unmap_below(w, slot, level, type, entry_in);
		}
	} while (w->size != 0 && !table_start(fmt, level, w->in));
}

int rumkv_pt_unmap(struct rumkv_pt *pt, uint64_t in, uint64_t size)
{
	struct walk w = {.pt = pt, .in = in, .size = size};
	uint32_t pages;
	int err = check_args(pt, in, 0, size, 0);

	if (err != RUMKV_OK) {
		return err;
	}
	unmap_level(&w, table_at(pt, pt->root_pa), 0);
	if (w.pages > pool_available(pt->pool)) {
		return RUMKV_ENOMEM;
	}
	pages = w.pages;
	w = (struct walk){.pt = pt, .in = in, .size = size, .apply = true};
	unmap_level(&w, table_at(pt, pt->root_pa), 0);
	inv_flush(&w);
	if (pages != 0) {
		publish(pt);
	}
	return RUMKV_OK;
}

/* ---- lookup ---- */

int rumkv_pt_lookup(const struct rumkv_pt *pt, uint64_t in, uint64_t *out,
		    uint32_t *attr, uint64_t *leaf_size)
{
	const struct rumkv_pt_format *fmt = pt->fmt;
	const uint64_t *table = table_at(pt, pt->root_pa);
	unsigned level;

	if (!in_space(fmt, in, 1)) {
		return RUMKV_ERANGE;
	}
	for (level = 0;; level++) {
		uint64_t pte = table[level_index(fmt, level, in)];
		enum rumkv_pte_type type = entry_type(fmt, level, pte);
		uint64_t size = level_size(fmt, level);

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
		table = table_at(pt, fmt->pte_addr(level, pte));
	}
}
