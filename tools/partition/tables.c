// SPDX-License-Identifier: MIT
/*
 * How many stage-2 table pages a cell needs: a safe upper bound for the
 * AArch64 stage-2 format RumKV uses (4 KiB granule, 3 levels starting at
 * level 1 with two concatenated root pages: a 40-bit guest address space).
 *
 * Everything RumKV may map for the cell counts: its RAM regions, the
 * pages of its devices' windows, the status page, the virtual UART page,
 * and the interrupt controller windows (the distributor, and one
 * redistributor frame per core) in case the port maps them.
 *
 *   pages = 2                  root (level 1, two concatenated tables)
 *         + L2                 one level-2 table per 1 GiB slot touched
 *         + L3                 one level-3 table per 2 MiB slot that some
 *                              mapping covers only in part (it must use
 *                              pages there); every slot it touches if its
 *                              guest and physical addresses differ modulo
 *                              2 MiB (then no 2 MiB block is possible)
 *
 * Nothing is added for later splits: after boot RumKV only unmaps ranges
 * it mapped as such, which never splits a block (docs/paging.md).
 *
 * This does not assume 1 GiB blocks (a 1 GiB slot always gets its level-2
 * table counted), so the bound holds whichever block sizes the engine
 * picks. Slots shared by several mappings are counted once.
 */
#include "model.h"

#include <stdlib.h>

#define IPA_BITS 40u
#define SZ_2M_SHIFT 21u
#define SZ_1G_SHIFT 30u

struct mapping {
	uint64_t ipa;
	uint64_t pa;
	uint64_t size;
	const char *prop;
};

struct slots {
	struct m_range *r; /* [base, base + size) in slot numbers */
	unsigned count;
};

static int cmp_range(const void *a, const void *b)
{
	const struct m_range *x = a;
	const struct m_range *y = b;

	return x->base < y->base ? -1 : x->base > y->base;
}

/* Number of distinct slots in the union of the intervals. */
static uint64_t count_slots(struct slots *s)
{
	uint64_t total = 0;
	uint64_t next = 0; /* first slot not yet counted */

	qsort(s->r, s->count, sizeof(*s->r), cmp_range);
	for (unsigned i = 0; i < s->count; i++) {
		uint64_t first = s->r[i].base;
		uint64_t end = first + s->r[i].size;

		if (i != 0 && first < next) {
			first = next;
		}
		if (end > first) {
			total += end - first;
			next = end;
		}
	}
	return total;
}

static void add_slots(struct slots *s, uint64_t first, uint64_t last)
{
	s->r[s->count++] = (struct m_range){first, last - first + 1};
}

static unsigned collect(struct m_part *m, const struct m_cell *cell,
			struct mapping *map)
{
	unsigned n = 0;
	const uint64_t page = RUMKV_PAGE_SIZE;

	for (unsigned i = 0; i < cell->mem_count; i++) {
		map[n++] = (struct mapping){
			cell->gmem[i].base, cell->mem[i].base,
			cell->mem[i].size,
			cell->guest_count != 0 ? "guest-address"
					       : cell->mem_prop};
	}
	if (cell->flash_backing != 0) {
		map[n++] =
			(struct mapping){cell->flash.base, cell->flash_pa,
					 cell->flash_backing, "boot-protocol"};
	}
	for (unsigned i = 0; i < cell->device_count; i++) {
		const struct m_device *d = &cell->devices[i];

		for (unsigned w = 0; w < d->mmio_count; w++) {
			uint64_t first = align_down(d->mmio[w].base, page);
			uint64_t last =
				(d->mmio[w].base + d->mmio[w].size - 1) |
				(page - 1);

			map[n++] = (struct mapping){
				first, first, last - first + 1, "devices"};
		}
	}
	for (unsigned i = 0; i < m->channel_count; i++) {
		const struct m_channel *ch = &m->channels[i];

		for (int s = 0; ch->ok && s < 2; s++) {
			if (&m->cells[ch->cell[s]] == cell) {
				map[n++] = (struct mapping){
					ch->ipa[s], ch->mem.base, ch->mem.size,
					"memory"};
			}
		}
	}
	map[n++] = (struct mapping){align_down(cell->status_page, page),
				    align_down(cell->status_page, page), page,
				    "status-page"};
	if (cell->console & RUMKV_CONSOLE_VUART) {
		map[n++] = (struct mapping){m->uart.base, m->uart.base, page,
					    "console"};
	}
	map[n++] = (struct mapping){m->board.gicd.base, m->board.gicd.base,
				    m->board.gicd.size, "cpus"};
	map[n++] = (struct mapping){m->board.gicr.base, m->board.gicr.base,
				    cell->core_count * M_GICR_FRAME, "cpus"};
	return n;
}

static void size_cell(struct m_part *m, struct m_cell *cell)
{
	unsigned max = cell->mem_count + cell->device_count * M_MAX_WINDOWS +
		       channels_mem_count(m, (unsigned)(cell - m->cells)) + 5;
	struct mapping *map = AR_NEW(m->ar, struct mapping, max);
	struct slots l2 = {AR_NEW(m->ar, struct m_range, max), 0};
	struct slots l3 = {AR_NEW(m->ar, struct m_range, 2 * max), 0};
	unsigned n = collect(m, cell, map);

	for (unsigned i = 0; i < n; i++) {
		const struct mapping *x = &map[i];
		uint64_t last;

		if (x->size == 0 || rumkv_range_wraps(x->ipa, x->size)) {
			continue; /* reported by the plan checker */
		}
		last = x->ipa + x->size - 1;
		if ((last >> IPA_BITS) != 0) {
			diag_error(m, cell->path, x->prop,
				   "0x%llx+0x%llx is beyond the %u-bit guest "
				   "address space of stage-2",
				   (unsigned long long)x->ipa,
				   (unsigned long long)x->size, IPA_BITS);
			continue;
		}
		add_slots(&l2, x->ipa >> SZ_1G_SHIFT, last >> SZ_1G_SHIFT);
		if (((x->ipa ^ x->pa) & ((1ull << SZ_2M_SHIFT) - 1)) != 0) {
			add_slots(&l3, x->ipa >> SZ_2M_SHIFT,
				  last >> SZ_2M_SHIFT);
			continue;
		}
		if ((x->ipa & ((1ull << SZ_2M_SHIFT) - 1)) != 0) {
			add_slots(&l3, x->ipa >> SZ_2M_SHIFT,
				  x->ipa >> SZ_2M_SHIFT);
		}
		if (((last + 1) & ((1ull << SZ_2M_SHIFT) - 1)) != 0) {
			add_slots(&l3, last >> SZ_2M_SHIFT,
				  last >> SZ_2M_SHIFT);
		}
	}
	cell->table_pages = (uint32_t)(2 + count_slots(&l2) + count_slots(&l3));
}

void tables_size(struct m_part *m)
{
	for (unsigned i = 0; i < m->cell_count; i++) {
		if (!(m->cells[i].broken & BROKEN(RUMKV_FIELD_MEMORY)) &&
		    (m->cells[i].gmem != NULL || m->cells[i].mem_count == 0)) {
			size_cell(m, &m->cells[i]);
		}
	}
}
