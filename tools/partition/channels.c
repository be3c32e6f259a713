// SPDX-License-Identifier: MIT
/*
 * Shared-memory channels: the channel@<index> children of the rumkv node
 * (docs/partition-binding.md, "Channels"; docs/channels.md). A channel is
 * a region of RAM that two cells map, each at its own guest address and
 * with its own access, and a doorbell SPI per cell. Every check here
 * names the channel's node and property and what it collides with; a
 * channel that fails one stays out of the plan, so the plan checker does
 * not report it again.
 */
#include "fdtutil.h"
#include "model.h"

#include <string.h>

#define INTID_MAX 1020u /* first special INTID */

static const char *const channel_props[] = {
	"reg",	     "channel-name",	"memory", "cells",   "access",
	"doorbells", "guest-addresses", "right",  "phandle", "linux,phandle",
	NULL,
};

bool channels_is_node(const void *fdt, int node)
{
	const char *name = fdt_get_name(fdt, node, NULL);

	return name != NULL && strcmp(name, "channels") == 0;
}

static bool is_channel(const void *fdt, int node)
{
	const char *name = fdt_get_name(fdt, node, NULL);

	return name != NULL && (strcmp(name, "channel") == 0 ||
				strncmp(name, "channel@", 8) == 0);
}

/* The channels node (the first; a second is reported by channels_read). */
static int channels_node(const struct m_part *m)
{
	int node;

	fdt_for_each_subnode(node, m->fdt, m->node)
	{
		if (channels_is_node(m->fdt, node)) {
			return node;
		}
	}
	return -1;
}

static const char *right_prop(struct m_part *m, int node)
{
	const char *r = fu_string(m->fdt, node, "right");

	if (fdt_getprop(m->fdt, node, "right", NULL) == NULL) {
		return "ipc";
	}
	return r;
}

void channels_define_rights(struct m_part *m)
{
	int parent = channels_node(m);
	int node;

	if (parent < 0) {
		return;
	}
	fdt_for_each_subnode(node, m->fdt, parent)
	{
		const char *r;
		int bit;

		if (!is_channel(m->fdt, node)) {
			continue;
		}
		r = right_prop(m, node);
		bit = r != NULL ? right_lookup(m, r, true) : -1;
		if (bit >= 0) {
			m->channel_rights |= 1ull << bit;
		}
	}
}

static bool ranges_meet(uint64_t a, uint64_t as, uint64_t b, uint64_t bs)
{
	return as != 0 && bs != 0 && a < b + bs && b < a + as;
}

static bool name_ok(const char *name)
{
	size_t len = strlen(name);

	if (len == 0 || len >= RUMKV_CELL_NAME_MAX) {
		return false;
	}
	for (; *name != '\0'; name++) {
		char c = *name;

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '_' || c == '-')) {
			return false;
		}
	}
	return true;
}

static int cell_by_name(const struct m_part *m, const char *name)
{
	for (unsigned i = 0; i < m->cell_count; i++) {
		if (m->cells[i].name != NULL &&
		    strcmp(m->cells[i].name, name) == 0) {
			return (int)i;
		}
	}
	return -1;
}

static bool read_memory(struct m_part *m, struct m_channel *ch)
{
	uint32_t ac = m->board.addr_cells;
	uint32_t sc = m->board.size_cells;
	int len;
	const fdt32_t *p = fdt_getprop(m->fdt, ch->node, "memory", &len);
	uint64_t mask = RUMKV_PAGE_SIZE - 1;
	bool in_bank = false;

	if (p == NULL || len != (int)(4 * (ac + sc))) {
		diag_error(m, ch->path, "memory",
			   "%s: the shared region, one (base size) pair of "
			   "%u+%u cells",
			   p == NULL ? "missing" : "malformed", ac, sc);
		return false;
	}
	ch->mem.base = fu_cells(p, ac);
	ch->mem.size = fu_cells(p + ac, sc);
	if (ch->mem.size == 0 || ((ch->mem.base | ch->mem.size) & mask) != 0 ||
	    ch->mem.base + ch->mem.size < ch->mem.base) {
		diag_error(m, ch->path, "memory",
			   "0x%llx+0x%llx must be a non-empty, page-aligned "
			   "range that does not wrap",
			   (unsigned long long)ch->mem.base,
			   (unsigned long long)ch->mem.size);
		return false;
	}
	for (unsigned b = 0; b < m->board.ram_count; b++) {
		const struct m_range *r = &m->board.ram[b];

		in_bank |= ch->mem.base >= r->base &&
			   ch->mem.base + ch->mem.size <= r->base + r->size;
	}
	if (!in_bank) {
		diag_error(m, ch->path, "memory",
			   "0x%llx+0x%llx is not inside a RAM bank",
			   (unsigned long long)ch->mem.base,
			   (unsigned long long)ch->mem.size);
		return false;
	}
	return true;
}

static bool read_cells(struct m_part *m, struct m_channel *ch)
{
	const char *names[3];
	int n = fu_strings(m->fdt, ch->node, "cells", names, 3);
	bool ok = true;

	if (n != 2) {
		diag_error(m, ch->path, "cells",
			   "%s: the two cells that share it, by cell-name",
			   fdt_getprop(m->fdt, ch->node, "cells", NULL) == NULL
				   ? "missing"
				   : "must be two strings");
		return false;
	}
	for (int i = 0; i < 2; i++) {
		ch->cell[i] = cell_by_name(m, names[i]);
		if (ch->cell[i] < 0) {
			diag_error(m, ch->path, "cells",
				   "'%s' names no cell (no cell-name is '%s')",
				   names[i], names[i]);
			ok = false;
		}
	}
	if (ok && ch->cell[0] == ch->cell[1]) {
		diag_error(m, ch->path, "cells",
			   "cell '%s' is named twice: a cell maps a channel "
			   "once, and the other side must be another cell",
			   names[0]);
		ok = false;
	}
	return ok;
}

static bool read_access(struct m_part *m, struct m_channel *ch)
{
	const char *acc[3];
	int n;

	ch->access[0] = ch->access[1] = RUMKV_MEM_R | RUMKV_MEM_W;
	if (fdt_getprop(m->fdt, ch->node, "access", NULL) == NULL) {
		return true;
	}
	n = fu_strings(m->fdt, ch->node, "access", acc, 3);
	if (n != 2) {
		diag_error(m, ch->path, "access",
			   "must be two strings, \"rw\" or \"r\", one per "
			   "cell");
		return false;
	}
	for (int i = 0; i < 2; i++) {
		if (strcmp(acc[i], "rw") == 0) {
			ch->access[i] = RUMKV_MEM_R | RUMKV_MEM_W;
		} else if (strcmp(acc[i], "r") == 0) {
			ch->access[i] = RUMKV_MEM_R;
		} else {
			diag_error(m, ch->path, "access",
				   "'%s' is not \"rw\" or \"r\"", acc[i]);
			return false;
		}
	}
	if (((ch->access[0] | ch->access[1]) & RUMKV_MEM_W) == 0) {
		diag_error(m, ch->path, "access",
			   "no cell may write: one writer and a reader, or "
			   "both \"rw\"");
		return false;
	}
	return true;
}

static bool read_guest_addresses(struct m_part *m, struct m_channel *ch)
{
	uint32_t ac = m->board.addr_cells;
	int len;
	const fdt32_t *p =
		fdt_getprop(m->fdt, ch->node, "guest-addresses", &len);

	ch->ipa[0] = ch->ipa[1] = ch->mem.base;
	if (p == NULL) {
		return true;
	}
	ch->ipa_given = true;
	if (len != (int)(8 * ac)) {
		diag_error(m, ch->path, "guest-addresses",
			   "must be two addresses of %u cells, one per cell",
			   ac);
		return false;
	}
	for (int i = 0; i < 2; i++) {
		ch->ipa[i] = fu_cells(p + i * (int)ac, ac);
		if ((ch->ipa[i] & (RUMKV_PAGE_SIZE - 1)) != 0 ||
		    ch->ipa[i] + ch->mem.size < ch->ipa[i]) {
			diag_error(m, ch->path, "guest-addresses",
				   "0x%llx is not page aligned or the region "
				   "wraps there",
				   (unsigned long long)ch->ipa[i]);
			return false;
		}
	}
	return true;
}

static bool read_doorbells(struct m_part *m, struct m_channel *ch)
{
	int len;
	const fdt32_t *p = fdt_getprop(m->fdt, ch->node, "doorbells", &len);

	if (p == NULL || len != 8) {
		diag_error(m, ch->path, "doorbells",
			   "%s: two SPI numbers (INTID 32 + n), the "
			   "interrupt each cell receives",
			   p == NULL ? "missing" : "malformed");
		return false;
	}
	for (int i = 0; i < 2; i++) {
		uint32_t spi = fdt32_ld(p + i);

		ch->doorbell[i] = spi + 32;
		if (spi >= INTID_MAX - 32) {
			diag_error(m, ch->path, "doorbells",
				   "SPI %u is beyond the GIC's SPIs (INTID "
				   "32 to %u)",
				   spi, INTID_MAX - 1);
			return false;
		}
	}
	if (ch->doorbell[0] == ch->doorbell[1]) {
		diag_error(m, ch->path, "doorbells",
			   "both cells have SPI %u: each needs its own",
			   ch->doorbell[0] - 32);
		return false;
	}
	return true;
}

static bool read_right(struct m_part *m, struct m_channel *ch)
{
	const char *r = right_prop(m, ch->node);

	ch->right = r != NULL ? right_lookup(m, r, false) : -1;
	if (ch->right < 0) {
		diag_error(m, ch->path, "right",
			   "must be a right class or a custom right name "
			   "(1 to 31 of a-z 0-9 _ -)");
		return false;
	}
	return true;
}

static void read_channel(struct m_part *m, struct m_channel *ch, int node)
{
	uint32_t index;
	bool ok = true;

	ch->node = node;
	ch->path = fu_path(m, node);
	ch->index = -1;
	ch->cell[0] = ch->cell[1] = -1;
	ch->name = fu_string(m->fdt, node, "channel-name");
	if (fu_u32(m->fdt, node, "reg", &index) && index < 0x10000) {
		ch->index = (int)index;
	} else {
		diag_error(m, ch->path, "reg",
			   "missing or malformed: the channel id, one cell");
		ok = false;
	}
	if (ch->name == NULL || !name_ok(ch->name)) {
		diag_error(m, ch->path, "channel-name",
			   "%s: 1 to 15 characters of A-Z a-z 0-9 _ -",
			   ch->name == NULL ? "missing or not a string"
					    : "not valid");
		ch->name = ch->path;
		ok = false;
	}
	ok &= read_memory(m, ch);
	ok &= read_cells(m, ch);
	ok &= read_access(m, ch);
	ok &= read_guest_addresses(m, ch);
	ok &= read_doorbells(m, ch);
	ok &= read_right(m, ch);
	ch->ok = ok;
	for (int prop = fdt_first_property_offset(m->fdt, node); prop >= 0;
	     prop = fdt_next_property_offset(m->fdt, prop)) {
		const char *name;
		const char *const *k = channel_props;

		if (fdt_getprop_by_offset(m->fdt, prop, &name, NULL) == NULL) {
			continue;
		}
		while (*k != NULL && strcmp(*k, name) != 0) {
			k++;
		}
		if (*k == NULL) {
			diag_warn(m, ch->path, name,
				  "unknown property, ignored");
		}
	}
}

/* ---- Collisions ---------------------------------------------------------- */

static bool check_physical(struct m_part *m, struct m_channel *ch, unsigned n)
{
	const struct m_range *r = &ch->mem;
	bool ok = true;

	if (ranges_meet(r->base, r->size, m->self.base, m->self.size)) {
		diag_error(m, ch->path, "memory",
			   "0x%llx+0x%llx overlaps RumKV's own memory "
			   "0x%llx+0x%llx",
			   (unsigned long long)r->base,
			   (unsigned long long)r->size,
			   (unsigned long long)m->self.base,
			   (unsigned long long)m->self.size);
		ok = false;
	}
	for (unsigned c = 0; c < m->cell_count; c++) {
		const struct m_cell *cell = &m->cells[c];

		for (unsigned i = 0; i < cell->mem_count; i++) {
			if (ranges_meet(r->base, r->size, cell->mem[i].base,
					cell->mem[i].size)) {
				diag_error(
					m, ch->path, "memory",
					"0x%llx+0x%llx overlaps %s memory "
					"0x%llx+0x%llx",
					(unsigned long long)r->base,
					(unsigned long long)r->size, cell->path,
					(unsigned long long)cell->mem[i].base,
					(unsigned long long)cell->mem[i].size);
				ok = false;
			}
		}
	}
	for (unsigned o = 0; o < n; o++) {
		const struct m_channel *x = &m->channels[o];

		if (x->mem.size != 0 &&
		    ranges_meet(r->base, r->size, x->mem.base, x->mem.size)) {
			diag_error(m, ch->path, "memory",
				   "0x%llx+0x%llx overlaps %s memory "
				   "0x%llx+0x%llx",
				   (unsigned long long)r->base,
				   (unsigned long long)r->size, x->path,
				   (unsigned long long)x->mem.base,
				   (unsigned long long)x->mem.size);
			ok = false;
		}
	}
	return ok;
}

/* What of cell `c` the region at `ipa` meets in its guest addresses. */
static const char *guest_collision(struct m_part *m, unsigned c, uint64_t ipa,
				   uint64_t size, unsigned n)
{
	const struct m_cell *cell = &m->cells[c];
	const uint64_t page = RUMKV_PAGE_SIZE;

	/* The cell's RAM where the cell sees it (layout_guest ran first). */
	for (unsigned i = 0; i < cell->mem_count; i++) {
		const struct m_range *g =
			cell->gmem != NULL ? &cell->gmem[i] : &cell->mem[i];

		if (!ranges_meet(ipa, size, g->base, g->size)) {
			continue;
		}
		if (g->base == cell->mem[i].base) {
			return ar_printf(m->ar, "its memory 0x%llx+0x%llx",
					 (unsigned long long)g->base,
					 (unsigned long long)g->size);
		}
		return ar_printf(m->ar,
				 "its memory 0x%llx+0x%llx (seen at 0x%llx)",
				 (unsigned long long)cell->mem[i].base,
				 (unsigned long long)g->size,
				 (unsigned long long)g->base);
	}
	if (cell->flash.size != 0 &&
	    ranges_meet(ipa, size, cell->flash.base, cell->flash.size)) {
		return "its flash window";
	}
	for (unsigned i = 0; i < cell->device_count; i++) {
		const struct m_device *d = &cell->devices[i];

		for (unsigned w = 0; w < d->mmio_count; w++) {
			uint64_t first = align_down(d->mmio[w].base, page);
			uint64_t end = align_up(
				d->mmio[w].base + d->mmio[w].size, page);

			if (ranges_meet(ipa, size, first, end - first)) {
				return ar_printf(m->ar, "its device %s",
						 d->path);
			}
		}
	}
	if (ranges_meet(ipa, size, align_down(cell->status_page, page), page)) {
		return "its status page";
	}
	if ((cell->console & RUMKV_CONSOLE_VUART) &&
	    ranges_meet(ipa, size, align_down(cell->vuart, page), page)) {
		return "its virtual UART";
	}
	if (ranges_meet(ipa, size, m->board.gicd.base, m->board.gicd.size) ||
	    ranges_meet(ipa, size, m->board.gicr.base, m->board.gicr.size)) {
		return "the interrupt controller";
	}
	for (unsigned o = 0; o < n; o++) {
		const struct m_channel *x = &m->channels[o];

		for (int s = 0; s < 2; s++) {
			if (x->cell[s] == (int)c &&
			    ranges_meet(ipa, size, x->ipa[s], x->mem.size)) {
				return ar_printf(m->ar, "channel %s", x->path);
			}
		}
	}
	return NULL;
}

static bool check_guest(struct m_part *m, struct m_channel *ch, unsigned n)
{
	bool ok = true;

	for (int s = 0; s < 2; s++) {
		unsigned c = (unsigned)ch->cell[s];
		const char *what =
			guest_collision(m, c, ch->ipa[s], ch->mem.size, n);

		if (what != NULL) {
			diag_error(m, ch->path, "guest-addresses",
				   "0x%llx+0x%llx in cell %s overlaps %s",
				   (unsigned long long)ch->ipa[s],
				   (unsigned long long)ch->mem.size,
				   m->cells[c].name, what);
			ok = false;
		}
	}
	return ok;
}

/* Who else has INTID `irq`: a device of a cell, RumKV, another channel. */
static const char *irq_owner(struct m_part *m, uint32_t irq, unsigned n)
{
	if (irq == m->uart_irq) {
		return "RumKV's console UART";
	}
	for (unsigned c = 0; c < m->cell_count; c++) {
		const struct m_cell *cell = &m->cells[c];

		for (unsigned i = 0; i < cell->device_count; i++) {
			const struct m_device *d = &cell->devices[i];

			for (unsigned k = 0; k < d->irq_count; k++) {
				if (d->irqs[k] == irq) {
					return ar_printf(m->ar, "%s device %s",
							 cell->path, d->path);
				}
			}
		}
	}
	for (unsigned o = 0; o < n; o++) {
		const struct m_channel *x = &m->channels[o];

		if (x->doorbell[0] == irq || x->doorbell[1] == irq) {
			return ar_printf(m->ar, "channel %s", x->path);
		}
	}
	return NULL;
}

static bool check_doorbells(struct m_part *m, struct m_channel *ch, unsigned n)
{
	bool ok = true;

	for (int s = 0; s < 2; s++) {
		const char *who = irq_owner(m, ch->doorbell[s], n);

		if (who != NULL) {
			diag_error(m, ch->path, "doorbells",
				   "SPI %u (INTID %u) is also used by %s",
				   ch->doorbell[s] - 32, ch->doorbell[s], who);
			ok = false;
		}
	}
	return ok;
}

static void check_rights(struct m_part *m, struct m_channel *ch)
{
	uint64_t bit = 1ull << ch->right;

	for (int s = 0; s < 2; s++) {
		struct m_cell *cell = &m->cells[ch->cell[s]];

		if (!cell->rights_given) {
			cell->rights |= bit;
		} else if ((cell->rights & bit) == 0) {
			diag_warn(m, ch->path, "right",
				  "cell %s does not hold '%s' (its rights): "
				  "it never maps the channel",
				  cell->name,
				  right_name(m, (unsigned)ch->right));
		}
	}
}

static void check_names(struct m_part *m, struct m_channel *ch, unsigned n)
{
	for (unsigned o = 0; o < n; o++) {
		if (m->channels[o].name != NULL &&
		    strcmp(m->channels[o].name, ch->name) == 0) {
			diag_error(m, ch->path, "channel-name",
				   "'%s' is also %s's", ch->name,
				   m->channels[o].path);
			ch->ok = false;
		}
	}
}

/* Channels are numbered 0..n-1 by reg, like cells. */
static void order_channels(struct m_part *m)
{
	struct m_channel *sorted;
	bool dense = true;

	for (unsigned i = 0; i < m->channel_count; i++) {
		struct m_channel *ch = &m->channels[i];

		if (ch->index < 0) {
			dense = false;
		} else if ((unsigned)ch->index >= m->channel_count) {
			diag_error(m, ch->path, "reg",
				   "id %d leaves a gap: channels are numbered "
				   "0 to %u",
				   ch->index, m->channel_count - 1);
			dense = false;
		}
		for (unsigned j = 0; ch->index >= 0 && j < i; j++) {
			if (m->channels[j].index == ch->index) {
				diag_error(m, ch->path, "reg",
					   "id %d is also %s's", ch->index,
					   m->channels[j].path);
				dense = false;
			}
		}
	}
	if (!dense) {
		for (unsigned i = 0; i < m->channel_count; i++) {
			m->channels[i].ok = false;
		}
		return;
	}
	sorted = AR_NEW(m->ar, struct m_channel, m->channel_count);
	for (unsigned i = 0; i < m->channel_count; i++) {
		sorted[m->channels[i].index] = m->channels[i];
	}
	m->channels = sorted;
}

void channels_read(struct m_part *m)
{
	int parent = channels_node(m);
	unsigned count = 0;
	int node;

	if (parent < 0) {
		return;
	}
	fdt_for_each_subnode(node, m->fdt, m->node)
	{
		if (node != parent && channels_is_node(m->fdt, node)) {
			diag_error(m, fu_path(m, node), "",
				   "a second channels node: put every "
				   "channel in %s",
				   fu_path(m, parent));
		}
	}
	fdt_for_each_subnode(node, m->fdt, parent)
	{
		if (is_channel(m->fdt, node)) {
			count++;
		} else {
			diag_error(m, fu_path(m, node), "",
				   "unexpected node: channels are named "
				   "channel@<id>");
		}
	}
	if (count == 0) {
		return;
	}
	if (count > RUMKV_PLAN_MAX_CHANNELS) {
		diag_error(m, m->path, "",
			   "%u channels: RumKV supports up to %u", count,
			   RUMKV_PLAN_MAX_CHANNELS);
		return;
	}
	m->channels = AR_NEW(m->ar, struct m_channel, count);
	fdt_for_each_subnode(node, m->fdt, parent)
	{
		if (is_channel(m->fdt, node)) {
			read_channel(m, &m->channels[m->channel_count++], node);
		}
	}
	order_channels(m);
	for (unsigned n = 0; n < m->channel_count; n++) {
		struct m_channel *ch = &m->channels[n];

		check_names(m, ch, n);
		if (!ch->ok) {
			continue;
		}
		ch->ok &= check_physical(m, ch, n);
		/* Without guest-addresses a physical collision is one in
		 * the cells' guest addresses too: said once. */
		if (ch->ok || ch->ipa_given) {
			ch->ok &= check_guest(m, ch, n);
		}
		ch->ok &= check_doorbells(m, ch, n);
		if (ch->ok) {
			check_rights(m, ch);
		}
	}
}

/* ---- Into the plan ------------------------------------------------------- */

unsigned channels_mem_count(const struct m_part *m, unsigned c)
{
	unsigned n = 0;

	for (unsigned i = 0; i < m->channel_count; i++) {
		const struct m_channel *ch = &m->channels[i];

		n += ch->ok && (ch->cell[0] == (int)c || ch->cell[1] == (int)c);
	}
	return n;
}

void channels_mem_fill(const struct m_part *m, unsigned c,
		       struct rumkv_plan_mem *out)
{
	for (unsigned i = 0; i < m->channel_count; i++) {
		const struct m_channel *ch = &m->channels[i];

		for (int s = 0; ch->ok && s < 2; s++) {
			if (ch->cell[s] != (int)c) {
				continue;
			}
			*out++ = (struct rumkv_plan_mem){
				.ipa = ch->ipa[s],
				.pa = ch->mem.base,
				.size = ch->mem.size,
				.kind = RUMKV_MEM_SHARED,
				.access = ch->access[s],
				.right = (uint8_t)ch->right,
			};
		}
	}
}

void channels_build(struct m_part *m, struct rumkv_plan *plan)
{
	struct rumkv_plan_channel *chs;

	/* Only a plan with every channel good is ever emitted (any bad
	 * one is an error); a bad one stays out of the checked plan. */
	plan->channel_count = 0;
	plan->channels = NULL;
	if (m->channel_count == 0) {
		return;
	}
	chs = AR_NEW(m->ar, struct rumkv_plan_channel, m->channel_count);
	for (unsigned i = 0; i < m->channel_count; i++) {
		const struct m_channel *ch = &m->channels[i];

		if (!ch->ok) {
			return;
		}
		chs[i] = (struct rumkv_plan_channel){
			.name = ch->name,
			.cell = {(uint32_t)ch->cell[0], (uint32_t)ch->cell[1]},
			.doorbell = {ch->doorbell[0], ch->doorbell[1]},
			.right = (uint8_t)ch->right,
		};
	}
	plan->channel_count = m->channel_count;
	plan->channels = chs;
}
