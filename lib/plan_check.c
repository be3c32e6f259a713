// SPDX-License-Identifier: MIT
/*
 * Plan validation (see <rumkv/plan_check.h>), shared by the EL2 library
 * and the host partition tool, so it is freestanding: no libc, no heap,
 * no large structs copied (the compiler could emit memcpy/memset calls).
 *
 * Every check reports through one function and keeps going. Collisions
 * are reported once, on the later of the two items (in cell order, then
 * item order), naming the earlier one as `other_cell`/`other_item`. An
 * item that is malformed on its own (wraps, has no data) is reported and
 * then left out of the collision checks, which would only repeat it.
 *
 * Messages never say where the error is (cell and field are the
 * location); they name the other party as "cell <name> ...", which the
 * partition tool rewrites into a device tree node path.
 *
 * Items: CORES, MEMORY, DEVICES, IMAGES index the cell's arrays; IRQS and
 * STREAMS index the cell's devices (the message names the interrupt or
 * stream); GUEST indexes the cell's memory like MEMORY; NAME, ENTRY,
 * RIGHTS, POLICY, CONSOLE, STATUS_PAGE, TABLES and PLAN use -1.
 */
#include <rumkv/abi.h>
#include <rumkv/format.h>
#include <rumkv/plan_check.h>

#include <stdarg.h>

#define PAGE_MASK (RUMKV_PAGE_SIZE - 1)
#define U64(v) ((unsigned long long)(v))

struct check {
	const struct rumkv_plan *plan;
	rumkv_plan_error_fn report;
	void *ctx;
	unsigned count;
};

/* An inclusive address interval; inclusive ends never overflow. */
struct span {
	uint64_t first;
	uint64_t last;
};

static void vfail(struct check *ck, int cell, enum rumkv_plan_field field,
		  int item, int other_cell, int other_item, const char *fmt,
		  va_list ap)
{
	struct rumkv_plan_error err;

	err.cell = cell;
	err.field = field;
	err.item = item;
	err.other_cell = other_cell;
	err.other_item = other_item;
	rumkv_vsnprintf(err.message, sizeof(err.message), fmt, ap);
	ck->count++;
	if (ck->report != NULL) {
		ck->report(ck->ctx, &err);
	}
}

/* An error about one item. */
static __attribute__((format(printf, 5, 6))) void
fail(struct check *ck, int cell, enum rumkv_plan_field field, int item,
     const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfail(ck, cell, field, item, -1, -1, fmt, ap);
	va_end(ap);
}

/* An error about an item colliding with another cell's (or its own). */
static __attribute__((format(printf, 7, 8))) void
collide(struct check *ck, int cell, enum rumkv_plan_field field, int item,
	int other_cell, int other_item, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfail(ck, cell, field, item, other_cell, other_item, fmt, ap);
	va_end(ap);
}

static bool str_eq(const char *a, const char *b)
{
	while (*a != '\0' && *a == *b) {
		a++;
		b++;
	}
	return *a == *b;
}

static bool range_ok(uint64_t base, uint64_t size)
{
	return size != 0 && !rumkv_range_wraps(base, size);
}

static struct span span_of(uint64_t base, uint64_t size)
{
	return (struct span){.first = base, .last = base + size - 1};
}

/* The whole 4 KiB pages a (valid) range touches. */
static struct span page_span(uint64_t base, uint64_t size)
{
	return (struct span){.first = base & ~PAGE_MASK,
			     .last = (base + size - 1) | PAGE_MASK};
}

static bool spans_meet(struct span a, struct span b)
{
	return a.first <= b.last && b.first <= a.last;
}

static bool right_ok(unsigned right)
{
	return right < 8 || (right >= RUMKV_RIGHT_FIRST_CUSTOM &&
			     right <= RUMKV_PLAN_MAX_RIGHT);
}

static const char *cell_name(const struct rumkv_plan *plan, int i)
{
	const char *name = plan->cells[i].name;

	return name != NULL ? name : "?";
}

static const char *dev_name(const struct rumkv_plan_device *dev)
{
	return dev->path != NULL ? dev->path : "(device)";
}

/* ---- The plan as a whole ---- */

static void check_machine(struct check *ck)
{
	const struct rumkv_plan *p = ck->plan;
	const struct rumkv_plan_platform *pf = &p->platform;

	if (p->version != RUMKV_PLAN_VERSION) {
		fail(ck, -1, RUMKV_FIELD_PLAN, -1,
		     "plan version %u, this RumKV reads version %u", p->version,
		     RUMKV_PLAN_VERSION);
	}
	if (p->core_count == 0 || p->core_count > RUMKV_PLAN_MAX_CORES ||
	    p->cores == NULL) {
		fail(ck, -1, RUMKV_FIELD_PLAN, -1,
		     "%u cores: 1 to %u supported", p->core_count,
		     RUMKV_PLAN_MAX_CORES);
	}
	if (p->cell_count == 0 || p->cell_count > RUMKV_PLAN_MAX_CELLS) {
		fail(ck, -1, RUMKV_FIELD_PLAN, -1,
		     "%u cells: 1 to %u supported", p->cell_count,
		     RUMKV_PLAN_MAX_CELLS);
	}
	if (p->ram_count == 0 || p->ram_count > RUMKV_ARRAY_SIZE(p->ram)) {
		fail(ck, -1, RUMKV_FIELD_PLAN, -1,
		     "%u RAM banks: 1 to 4 supported", p->ram_count);
	}
	if (pf->irqc_kind != RUMKV_IRQC_GICV3 || pf->irqc_reg_count < 2 ||
	    pf->irqc_reg_count > RUMKV_ARRAY_SIZE(pf->irqc_regs)) {
		fail(ck, -1, RUMKV_FIELD_PLAN, -1,
		     "interrupt controller kind %u with %u regions: only a "
		     "GICv3 (distributor and redistributors) is supported",
		     pf->irqc_kind, pf->irqc_reg_count);
	}
	if (pf->uart_kind != RUMKV_UART_PL011 ||
	    !range_ok(pf->uart.pa, pf->uart.size)) {
		fail(ck, -1, RUMKV_FIELD_PLAN, -1,
		     "console UART kind %u at 0x%llx+0x%llx: only a PL011 is "
		     "supported",
		     pf->uart_kind, U64(pf->uart.pa), U64(pf->uart.size));
	}
	if (p->cell_state == NULL || p->core_state == NULL ||
	    p->status_page == NULL ||
	    ((uintptr_t)p->status_page & PAGE_MASK) != 0) {
		fail(ck, -1, RUMKV_FIELD_PLAN, -1,
		     "no storage for cell state, core state or a page-aligned "
		     "status page");
	}
}

static bool in_ram(const struct rumkv_plan *p, uint64_t base, uint64_t size)
{
	for (uint32_t i = 0; i < p->ram_count && i < 4; i++) {
		if (rumkv_range_within(base, size, p->ram[i].pa,
				       p->ram[i].size)) {
			return true;
		}
	}
	return false;
}

static void check_memory_map(struct check *ck)
{
	const struct rumkv_plan *p = ck->plan;

	for (uint32_t i = 0; i < p->ram_count && i < 4; i++) {
		if (!range_ok(p->ram[i].pa, p->ram[i].size)) {
			fail(ck, -1, RUMKV_FIELD_PLAN, -1,
			     "RAM bank 0x%llx+0x%llx is empty or wraps",
			     U64(p->ram[i].pa), U64(p->ram[i].size));
		}
	}
	if (!range_ok(p->self.pa, p->self.size) ||
	    ((p->self.pa | p->self.size) & PAGE_MASK) != 0 ||
	    !in_ram(p, p->self.pa, p->self.size)) {
		fail(ck, -1, RUMKV_FIELD_PLAN, -1,
		     "RumKV's memory 0x%llx+0x%llx is not page aligned inside "
		     "a RAM bank",
		     U64(p->self.pa), U64(p->self.size));
	}
	for (uint32_t i = 0; p->cores != NULL && i < p->core_count; i++) {
		for (uint32_t j = 0; j < i; j++) {
			if (p->cores[i].hwid == p->cores[j].hwid) {
				fail(ck, -1, RUMKV_FIELD_PLAN, -1,
				     "cores %u and %u have the same hardware "
				     "ID 0x%llx",
				     j, i, U64(p->cores[i].hwid));
			}
		}
	}
}

/* ---- Names and cores ---- */

static void check_name(struct check *ck, int c)
{
	const struct rumkv_plan *p = ck->plan;
	const char *name = p->cells[c].name;
	unsigned len = 0;
	bool ok = name != NULL;

	for (; ok && name[len] != '\0'; len++) {
		char ch = name[len];

		ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		     (ch >= '0' && ch <= '9') || ch == '_' || ch == '-';
	}
	if (!ok || len == 0 || len >= RUMKV_CELL_NAME_MAX) {
		fail(ck, c, RUMKV_FIELD_NAME, -1,
		     "'%s' is not 1 to 15 characters of A-Z a-z 0-9 _ -",
		     name != NULL ? name : "");
		return;
	}
	for (int o = 0; o < c; o++) {
		if (p->cells[o].name != NULL &&
		    str_eq(name, p->cells[o].name)) {
			collide(ck, c, RUMKV_FIELD_NAME, -1, o, -1,
				"'%s' is also the name of cell %s", name,
				cell_name(p, o));
			return;
		}
	}
}

static void check_cores(struct check *ck, int c)
{
	const struct rumkv_plan *p = ck->plan;
	const struct rumkv_plan_cell *cell = &p->cells[c];

	if (cell->core_count == 0 || cell->cores == NULL) {
		fail(ck, c, RUMKV_FIELD_CORES, -1, "no cores");
		return;
	}
	for (uint32_t v = 0; v < cell->core_count; v++) {
		uint32_t core = cell->cores[v];
		bool found = false;

		if (p->cores == NULL || core >= p->core_count) {
			fail(ck, c, RUMKV_FIELD_CORES, (int)v,
			     "core %u does not exist (the machine has %u)",
			     core, p->core_count);
			continue;
		}
		for (int o = 0; o <= c && !found; o++) {
			const struct rumkv_plan_cell *oc = &p->cells[o];
			uint32_t end = o == c ? v : oc->core_count;

			for (uint32_t w = 0; oc->cores != NULL && w < end;
			     w++) {
				if (oc->cores[w] != core) {
					continue;
				}
				found = true;
				if (o == c) {
					collide(ck, c, RUMKV_FIELD_CORES,
						(int)v, o, (int)w,
						"core %u (hwid 0x%llx) is "
						"listed twice",
						core, U64(p->cores[core].hwid));
				} else {
					collide(ck, c, RUMKV_FIELD_CORES,
						(int)v, o, (int)w,
						"core %u (hwid 0x%llx) is also "
						"in cell %s",
						core, U64(p->cores[core].hwid),
						cell_name(p, o));
				}
				break;
			}
		}
	}
}

/* ---- Memory ---- */

static bool mem_ok(const struct rumkv_plan_mem *m)
{
	return range_ok(m->pa, m->size) && range_ok(m->ipa, m->size) &&
	       ((m->pa | m->ipa | m->size) & PAGE_MASK) == 0 &&
	       m->kind <= RUMKV_MEM_FLASH;
}

static void check_region(struct check *ck, int c, int i)
{
	const struct rumkv_plan *p = ck->plan;
	const struct rumkv_plan_mem *m = &p->cells[c].mem[i];

	if (!range_ok(m->pa, m->size) || !range_ok(m->ipa, m->size)) {
		fail(ck, c, RUMKV_FIELD_MEMORY, i,
		     "0x%llx+0x%llx is empty or wraps around the address space",
		     U64(m->pa), U64(m->size));
		return;
	}
	if (((m->pa | m->ipa | m->size) & PAGE_MASK) != 0) {
		fail(ck, c, RUMKV_FIELD_MEMORY, i,
		     "0x%llx+0x%llx is not 4 KiB page aligned", U64(m->pa),
		     U64(m->size));
		return;
	}
	if (m->kind > RUMKV_MEM_FLASH || m->access == 0 ||
	    (m->access & ~RUMKV_MEM_RWX) != 0 ||
	    (m->kind == RUMKV_MEM_FLASH && (m->access & RUMKV_MEM_W) != 0) ||
	    (m->right != RUMKV_PLAN_NO_RIGHT && !right_ok(m->right))) {
		fail(ck, c, RUMKV_FIELD_MEMORY, i,
		     "0x%llx+0x%llx has kind %u, access 0x%x, right %u: not "
		     "valid",
		     U64(m->pa), U64(m->size), m->kind, m->access, m->right);
		return;
	}
	if (!in_ram(p, m->pa, m->size)) {
		fail(ck, c, RUMKV_FIELD_MEMORY, i,
		     "0x%llx+0x%llx is not inside a RAM bank", U64(m->pa),
		     U64(m->size));
	}
	if (rumkv_ranges_overlap(m->pa, m->size, p->self.pa, p->self.size)) {
		fail(ck, c, RUMKV_FIELD_MEMORY, i,
		     "0x%llx+0x%llx overlaps RumKV's own memory 0x%llx+0x%llx",
		     U64(m->pa), U64(m->size), U64(p->self.pa),
		     U64(p->self.size));
	}
}

static void check_memory_pair(struct check *ck, int c, int i, int o, int j)
{
	const struct rumkv_plan *p = ck->plan;
	const struct rumkv_plan_mem *m = &p->cells[c].mem[i];
	const struct rumkv_plan_mem *n = &p->cells[o].mem[j];
	bool shared =
		m->kind == RUMKV_MEM_SHARED && n->kind == RUMKV_MEM_SHARED;

	if (!mem_ok(n)) {
		return;
	}
	if (!shared && rumkv_ranges_overlap(m->pa, m->size, n->pa, n->size)) {
		if (o == c) {
			collide(ck, c, RUMKV_FIELD_MEMORY, i, o, j,
				"0x%llx+0x%llx overlaps its memory "
				"0x%llx+0x%llx",
				U64(m->pa), U64(m->size), U64(n->pa),
				U64(n->size));
		} else {
			collide(ck, c, RUMKV_FIELD_MEMORY, i, o, j,
				"0x%llx+0x%llx overlaps cell %s memory "
				"0x%llx+0x%llx",
				U64(m->pa), U64(m->size), cell_name(p, o),
				U64(n->pa), U64(n->size));
		}
	} else if (o == c && m->kind != RUMKV_MEM_FLASH &&
		   n->kind != RUMKV_MEM_FLASH &&
		   rumkv_ranges_overlap(m->ipa, m->size, n->ipa, n->size)) {
		/* (Memory over the flash window: check_flash_window.) */
		collide(ck, c, RUMKV_FIELD_MEMORY, i, o, j,
			"guest range 0x%llx+0x%llx overlaps its memory at "
			"0x%llx+0x%llx",
			U64(m->ipa), U64(m->size), U64(n->ipa), U64(n->size));
	}
}

static void check_memory(struct check *ck, int c)
{
	const struct rumkv_plan_cell *cell = &ck->plan->cells[c];

	if (cell->mem_count == 0 || cell->mem == NULL) {
		fail(ck, c, RUMKV_FIELD_MEMORY, -1, "no memory");
		return;
	}
	for (int i = 0; i < (int)cell->mem_count; i++) {
		check_region(ck, c, i);
		if (!mem_ok(&cell->mem[i])) {
			continue;
		}
		for (int o = 0; o <= c; o++) {
			const struct rumkv_plan_cell *oc = &ck->plan->cells[o];
			int end = o == c ? i : (int)oc->mem_count;

			for (int j = 0; oc->mem != NULL && j < end; j++) {
				check_memory_pair(ck, c, i, o, j);
			}
		}
	}
}

/* ---- Devices, interrupts, streams ---- */

static bool dev_arrays_ok(const struct rumkv_plan_device *d)
{
	return (d->mmio_count == 0 || d->mmio != NULL) &&
	       (d->irq_count == 0 || d->irqs != NULL) &&
	       (d->stream_count == 0 || d->streams != NULL);
}

static bool dev_ok(const struct rumkv_plan_device *d)
{
	if (d->path == NULL || d->mmio_count == 0 || !dev_arrays_ok(d)) {
		return false;
	}
	for (uint32_t w = 0; w < d->mmio_count; w++) {
		if (!range_ok(d->mmio[w].pa, d->mmio[w].size)) {
			return false;
		}
	}
	return true;
}

/* The earlier position (cell, device) holding the same device, if any:
 * later checks skip a repeated device, whose collisions are implied. */
static bool dev_repeated(const struct rumkv_plan *p, int c, int i, int *oc,
			 int *oi)
{
	const char *path = p->cells[c].devices[i].path;

	for (int o = 0; o <= c; o++) {
		const struct rumkv_plan_cell *cell = &p->cells[o];
		int end = o == c ? i : (int)cell->device_count;

		for (int j = 0; cell->devices != NULL && j < end; j++) {
			if (cell->devices[j].path != NULL &&
			    str_eq(cell->devices[j].path, path)) {
				*oc = o;
				*oi = j;
				return true;
			}
		}
	}
	return false;
}

static bool dev_usable(const struct rumkv_plan *p, int c, int i)
{
	int oc;
	int oi;

	return dev_ok(&p->cells[c].devices[i]) &&
	       !dev_repeated(p, c, i, &oc, &oi);
}

/* RumKV's own IOMMU and ECAM: a cell reaching them could undo the
 * isolation of every PCI function. */
static void check_window_platform(struct check *ck, int c, int i, struct span s,
				  const struct rumkv_plan_mmio *g,
				  const char *what)
{
	const char *name = dev_name(&ck->plan->cells[c].devices[i]);

	if (g->size != 0 && range_ok(g->pa, g->size) &&
	    spans_meet(s, page_span(g->pa, g->size))) {
		fail(ck, c, RUMKV_FIELD_DEVICES, i,
		     "%s is in a page of RumKV's %s 0x%llx+0x%llx", name, what,
		     U64(g->pa), U64(g->size));
	}
}

/* A PCI function: BARs that are exactly its windows, naturally aligned
 * powers of two, and an IOMMU stream to stop its DMA. */
static bool pci_bar_ok(const struct rumkv_plan_pci_bar *b,
		       const struct rumkv_plan_mmio *w)
{
	return b->index < RUMKV_PLAN_MAX_BARS && b->pa == w->pa &&
	       b->size == w->size && b->size >= RUMKV_PAGE_SIZE &&
	       (b->size & (b->size - 1)) == 0 && (b->pa & (b->size - 1)) == 0;
}

static void check_pci(struct check *ck, int c, int i)
{
	const struct rumkv_plan *p = ck->plan;
	const struct rumkv_plan_device *d = &p->cells[c].devices[i];
	bool ok = d->bar_count == d->mmio_count &&
		  (d->bar_count == 0 || d->bars != NULL) &&
		  d->dma_stop == RUMKV_DMA_STOP_IOMMU && d->stream_count != 0 &&
		  p->platform.iommu_kind == RUMKV_IOMMU_SMMUV3 &&
		  p->platform.pci_ecam.size != 0;

	for (uint32_t b = 0; ok && b < d->bar_count; b++) {
		ok = pci_bar_ok(&d->bars[b], &d->mmio[b]);
	}
	if (!ok) {
		fail(ck, c, RUMKV_FIELD_DEVICES, i,
		     "%s: a PCI function needs BARs that are its MMIO windows "
		     "(naturally aligned powers of two), an IOMMU stream, "
		     "and the platform's IOMMU and ECAM",
		     dev_name(d));
	}
}

static void check_window_fixed(struct check *ck, int c, int i,
			       const struct rumkv_plan_mmio *w)
{
	const struct rumkv_plan *p = ck->plan;
	const char *name = dev_name(&p->cells[c].devices[i]);
	struct span s = page_span(w->pa, w->size);

	if (range_ok(p->platform.uart.pa, p->platform.uart.size) &&
	    spans_meet(s,
		       page_span(p->platform.uart.pa, p->platform.uart.size))) {
		fail(ck, c, RUMKV_FIELD_DEVICES, i,
		     "%s 0x%llx+0x%llx is in a page of RumKV's console UART "
		     "0x%llx+0x%llx",
		     name, U64(w->pa), U64(w->size), U64(p->platform.uart.pa),
		     U64(p->platform.uart.size));
	}
	for (uint32_t r = 0; r < p->platform.irqc_reg_count && r < 4; r++) {
		const struct rumkv_plan_mmio *g = &p->platform.irqc_regs[r];

		if (range_ok(g->pa, g->size) &&
		    spans_meet(s, page_span(g->pa, g->size))) {
			fail(ck, c, RUMKV_FIELD_DEVICES, i,
			     "%s 0x%llx+0x%llx is in a page of the interrupt "
			     "controller 0x%llx+0x%llx",
			     name, U64(w->pa), U64(w->size), U64(g->pa),
			     U64(g->size));
		}
	}
	if (range_ok(p->self.pa, p->self.size) &&
	    spans_meet(s, span_of(p->self.pa, p->self.size))) {
		fail(ck, c, RUMKV_FIELD_DEVICES, i,
		     "%s 0x%llx+0x%llx overlaps RumKV's own memory", name,
		     U64(w->pa), U64(w->size));
	}
	check_window_platform(ck, c, i, s, &p->platform.iommu, "IOMMU");
	check_window_platform(ck, c, i, s, &p->platform.pci_ecam,
			      "PCIe configuration space (ECAM)");
}

static void check_window_ram(struct check *ck, int c, int i,
			     const struct rumkv_plan_mmio *w)
{
	const struct rumkv_plan *p = ck->plan;
	struct span s = page_span(w->pa, w->size);

	for (int o = 0; o < (int)p->cell_count; o++) {
		const struct rumkv_plan_cell *oc = &p->cells[o];

		for (int j = 0; oc->mem != NULL && j < (int)oc->mem_count;
		     j++) {
			const struct rumkv_plan_mem *m = &oc->mem[j];

			if (mem_ok(m) &&
			    spans_meet(s, span_of(m->pa, m->size))) {
				collide(ck, c, RUMKV_FIELD_DEVICES, i, o, j,
					"%s 0x%llx+0x%llx overlaps cell %s "
					"memory 0x%llx+0x%llx",
					dev_name(&p->cells[c].devices[i]),
					U64(w->pa), U64(w->size),
					cell_name(p, o), U64(m->pa),
					U64(m->size));
			}
		}
	}
}

/* Windows of devices of other cells must not share a page with this one:
 * stage-2 maps whole pages, so the other cell would reach it too. */
static void check_window_shared(struct check *ck, int c, int i,
				const struct rumkv_plan_mmio *w)
{
	const struct rumkv_plan *p = ck->plan;
	const char *name = dev_name(&p->cells[c].devices[i]);

	for (int o = 0; o < c; o++) {
		const struct rumkv_plan_cell *oc = &p->cells[o];

		for (int j = 0;
		     oc->devices != NULL && j < (int)oc->device_count; j++) {
			const struct rumkv_plan_device *d = &oc->devices[j];

			for (uint32_t k = 0; dev_ok(d) && k < d->mmio_count;
			     k++) {
				const struct rumkv_plan_mmio *x = &d->mmio[k];

				if (!spans_meet(page_span(w->pa, w->size),
						page_span(x->pa, x->size)) ||
				    !dev_usable(p, o, j)) {
					continue;
				}
				collide(ck, c, RUMKV_FIELD_DEVICES, i, o, j,
					"%s 0x%llx+0x%llx %s cell %s device %s "
					"0x%llx+0x%llx",
					name, U64(w->pa), U64(w->size),
					spans_meet(span_of(w->pa, w->size),
						   span_of(x->pa, x->size))
						? "overlaps"
						: "shares a 4 KiB page with",
					cell_name(p, o), dev_name(d),
					U64(x->pa), U64(x->size));
			}
		}
	}
}

/* Earlier devices of the same cell that share a page with this window
 * must need the same right: a pledge unmaps whole pages, so dropping one
 * right would either leave the other device's page reachable or cut off
 * a device whose right the cell still holds. */
static void check_window_rights(struct check *ck, int c, int i,
				const struct rumkv_plan_mmio *w)
{
	const struct rumkv_plan_cell *cell = &ck->plan->cells[c];
	const struct rumkv_plan_device *d = &cell->devices[i];

	for (int j = 0; j < i; j++) {
		const struct rumkv_plan_device *x = &cell->devices[j];

		for (uint32_t k = 0;
		     dev_ok(x) && x->right != d->right && k < x->mmio_count;
		     k++) {
			if (!spans_meet(page_span(w->pa, w->size),
					page_span(x->mmio[k].pa,
						  x->mmio[k].size))) {
				continue;
			}
			collide(ck, c, RUMKV_FIELD_DEVICES, i, c, j,
				"%s 0x%llx+0x%llx shares a 4 KiB page with "
				"%s, which needs another right: a pledge "
				"drops whole pages, so devices in one page "
				"must need the same right",
				dev_name(d), U64(w->pa), U64(w->size),
				dev_name(x));
			return;
		}
	}
}

static void check_device(struct check *ck, int c, int i)
{
	const struct rumkv_plan *p = ck->plan;
	const struct rumkv_plan_device *d = &p->cells[c].devices[i];
	const char *name = dev_name(d);
	int oc;
	int oi;

	if (d->path == NULL || d->mmio_count == 0 || !dev_arrays_ok(d)) {
		fail(ck, c, RUMKV_FIELD_DEVICES, i,
		     "%s has no path, no MMIO window or a missing array", name);
		return;
	}
	if (!right_ok(d->right) || d->dma_stop > RUMKV_DMA_STOP_VIRTIO_MMIO) {
		fail(ck, c, RUMKV_FIELD_DEVICES, i,
		     "%s has right %u and DMA stop method %u: not valid", name,
		     d->right, d->dma_stop);
	}
	for (uint32_t w = 0; w < d->mmio_count; w++) {
		if (!range_ok(d->mmio[w].pa, d->mmio[w].size)) {
			fail(ck, c, RUMKV_FIELD_DEVICES, i,
			     "%s window 0x%llx+0x%llx is empty or wraps", name,
			     U64(d->mmio[w].pa), U64(d->mmio[w].size));
			return;
		}
	}
	if (dev_repeated(p, c, i, &oc, &oi)) {
		if (oc == c) {
			collide(ck, c, RUMKV_FIELD_DEVICES, i, oc, oi,
				"%s is listed twice", name);
		} else {
			collide(ck, c, RUMKV_FIELD_DEVICES, i, oc, oi,
				"%s is also assigned to cell %s", name,
				cell_name(p, oc));
		}
		return;
	}
	if (d->pci) {
		check_pci(ck, c, i);
	}
	for (uint32_t w = 0; w < d->mmio_count; w++) {
		check_window_fixed(ck, c, i, &d->mmio[w]);
		check_window_ram(ck, c, i, &d->mmio[w]);
		check_window_shared(ck, c, i, &d->mmio[w]);
		check_window_rights(ck, c, i, &d->mmio[w]);
	}
}

static bool is_timer_irq(const struct rumkv_plan_platform *pf, uint32_t irq)
{
	for (unsigned t = 0; t < RUMKV_ARRAY_SIZE(pf->timer_irqs); t++) {
		if (pf->timer_irqs[t] != 0 && pf->timer_irqs[t] == irq) {
			return true;
		}
	}
	return false;
}

/* Finds the first earlier (cell, device, index) with the same number in
 * the same list (interrupts or streams), in the order of the checks. */
static bool id_taken(const struct rumkv_plan *p, bool irqs, int c, int i,
		     uint32_t n, uint32_t id, int *oc, int *oi)
{
	for (int o = 0; o <= c; o++) {
		const struct rumkv_plan_cell *cell = &p->cells[o];
		int dend = o == c ? i + 1 : (int)cell->device_count;

		for (int j = 0; cell->devices != NULL && j < dend; j++) {
			const struct rumkv_plan_device *d = &cell->devices[j];
			uint32_t count = irqs ? d->irq_count : d->stream_count;
			const uint32_t *ids = irqs ? d->irqs : d->streams;

			/* A repeated device matches its first occurrence
			 * first, so plain validity is enough here. */
			if (!dev_ok(d)) {
				continue;
			}
			if (o == c && j == i) {
				count = n;
			}
			for (uint32_t k = 0; k < count; k++) {
				if (ids[k] == id) {
					*oc = o;
					*oi = j;
					return true;
				}
			}
		}
	}
	return false;
}

static void report_taken(struct check *ck, bool irqs, int c, int i, uint32_t id,
			 int oc, int oi)
{
	const struct rumkv_plan *p = ck->plan;
	enum rumkv_plan_field f = irqs ? RUMKV_FIELD_IRQS : RUMKV_FIELD_STREAMS;
	const char *what = irqs ? "interrupt" : "stream";
	const char *name = dev_name(&p->cells[c].devices[i]);
	const char *other = dev_name(&p->cells[oc].devices[oi]);

	if (oc == c && oi == i) {
		collide(ck, c, f, i, oc, oi, "%s %s %u is listed twice", name,
			what, id);
	} else if (oc == c) {
		collide(ck, c, f, i, oc, oi, "%s %s %u is also used by its %s",
			name, what, id, other);
	} else {
		collide(ck, c, f, i, oc, oi,
			"%s %s %u is also used by cell %s device %s", name,
			what, id, cell_name(p, oc), other);
	}
}

static void check_irqs(struct check *ck, int c, int i)
{
	const struct rumkv_plan *p = ck->plan;
	const struct rumkv_plan_device *d = &p->cells[c].devices[i];
	int oc;
	int oi;

	for (uint32_t n = 0; n < d->irq_count; n++) {
		uint32_t irq = d->irqs[n];

		if (irq < 16 || irq > 1019) {
			fail(ck, c, RUMKV_FIELD_IRQS, i,
			     "%s interrupt %u is not a PPI or SPI (16..1019)",
			     d->path, irq);
		} else if (irq == p->platform.uart_irq) {
			fail(ck, c, RUMKV_FIELD_IRQS, i,
			     "%s interrupt %u is RumKV's console UART "
			     "interrupt",
			     d->path, irq);
		} else if (p->platform.iommu_kind != RUMKV_IOMMU_NONE &&
			   (irq == p->platform.iommu_irqs[0] ||
			    irq == p->platform.iommu_irqs[1])) {
			fail(ck, c, RUMKV_FIELD_IRQS, i,
			     "%s interrupt %u is RumKV's IOMMU interrupt",
			     d->path, irq);
		} else if (is_timer_irq(&p->platform, irq)) {
			fail(ck, c, RUMKV_FIELD_IRQS, i,
			     "%s interrupt %u is a timer interrupt", d->path,
			     irq);
		} else if (id_taken(p, true, c, i, n, irq, &oc, &oi)) {
			report_taken(ck, true, c, i, irq, oc, oi);
		}
	}
	for (uint32_t n = 0; n < d->stream_count; n++) {
		if (id_taken(p, false, c, i, n, d->streams[n], &oc, &oi)) {
			report_taken(ck, false, c, i, d->streams[n], oc, oi);
		}
	}
}

static void check_devices(struct check *ck, int c)
{
	const struct rumkv_plan_cell *cell = &ck->plan->cells[c];

	if (cell->device_count == 0) {
		return;
	}
	if (cell->devices == NULL) {
		fail(ck, c, RUMKV_FIELD_DEVICES, -1, "%u devices but no array",
		     cell->device_count);
		return;
	}
	for (int i = 0; i < (int)cell->device_count; i++) {
		check_device(ck, c, i);
	}
	for (int i = 0; i < (int)cell->device_count; i++) {
		if (dev_usable(ck->plan, c, i)) {
			check_irqs(ck, c, i);
		}
	}
}

/* ---- Where the cell sees its memory ---- */

/* A device the cell holds that does DMA without an IOMMU: it reaches
 * memory at physical addresses, whatever the cell's stage-2 says. */
static const struct rumkv_plan_device *
dma_untranslated(const struct rumkv_plan_cell *cell)
{
	for (uint32_t i = 0; cell->devices != NULL && i < cell->device_count;
	     i++) {
		if (cell->devices[i].dma_stop == RUMKV_DMA_STOP_VIRTIO_MMIO) {
			return &cell->devices[i];
		}
	}
	return NULL;
}

/* The guest range of region `i` must leave the interrupt controller and
 * the cell's devices where the board has them (they keep their board
 * addresses in every cell). A device whose physical window meets the
 * region itself is reported with the devices (check_window_ram). */
static void check_guest_range(struct check *ck, int c, int i)
{
	const struct rumkv_plan *p = ck->plan;
	const struct rumkv_plan_cell *cell = &p->cells[c];
	const struct rumkv_plan_mem *m = &cell->mem[i];
	struct span g = span_of(m->ipa, m->size);
	const struct rumkv_plan_device *dma = dma_untranslated(cell);

	for (uint32_t r = 0; r < p->platform.irqc_reg_count && r < 4; r++) {
		const struct rumkv_plan_mmio *w = &p->platform.irqc_regs[r];

		if (range_ok(w->pa, w->size) &&
		    spans_meet(g, page_span(w->pa, w->size))) {
			fail(ck, c, RUMKV_FIELD_GUEST, i,
			     "guest range 0x%llx+0x%llx overlaps the interrupt "
			     "controller 0x%llx+0x%llx",
			     U64(m->ipa), U64(m->size), U64(w->pa),
			     U64(w->size));
		}
	}
	for (uint32_t d = 0; cell->devices != NULL && d < cell->device_count;
	     d++) {
		const struct rumkv_plan_device *dev = &cell->devices[d];

		for (uint32_t w = 0; dev_ok(dev) && w < dev->mmio_count; w++) {
			struct span s =
				page_span(dev->mmio[w].pa, dev->mmio[w].size);

			if (spans_meet(g, s) &&
			    !spans_meet(span_of(m->pa, m->size), s)) {
				fail(ck, c, RUMKV_FIELD_GUEST, i,
				     "guest range 0x%llx+0x%llx overlaps its "
				     "device %s 0x%llx+0x%llx",
				     U64(m->ipa), U64(m->size), dev_name(dev),
				     U64(dev->mmio[w].pa),
				     U64(dev->mmio[w].size));
			}
		}
	}
	if (dma != NULL && m->ipa != m->pa) {
		fail(ck, c, RUMKV_FIELD_GUEST, i,
		     "0x%llx+0x%llx is seen at 0x%llx, but %s does DMA "
		     "without an IOMMU, to physical addresses: it must be "
		     "seen where it is",
		     U64(m->pa), U64(m->size), U64(m->ipa), dev_name(dma));
	}
}

static void check_guest(struct check *ck, int c)
{
	const struct rumkv_plan_cell *cell = &ck->plan->cells[c];

	for (int i = 0; cell->mem != NULL && i < (int)cell->mem_count; i++) {
		if (mem_ok(&cell->mem[i])) {
			check_guest_range(ck, c, i);
		}
	}
}

/* ---- Images, entry, rights, policy ---- */

static bool in_cell_memory(const struct rumkv_plan_cell *cell, uint64_t ipa,
			   uint64_t size)
{
	for (uint32_t i = 0; cell->mem != NULL && i < cell->mem_count; i++) {
		if (rumkv_range_within(ipa, size, cell->mem[i].ipa,
				       cell->mem[i].size)) {
			return true;
		}
	}
	return false;
}

static bool image_ok(const struct rumkv_plan_image *im)
{
	return im->data != NULL && range_ok(im->ipa, im->size);
}

static void check_images(struct check *ck, int c)
{
	const struct rumkv_plan_cell *cell = &ck->plan->cells[c];

	if (cell->image_count == 0 || cell->images == NULL) {
		fail(ck, c, RUMKV_FIELD_IMAGES, -1, "no images");
		return;
	}
	for (int i = 0; i < (int)cell->image_count; i++) {
		const struct rumkv_plan_image *im = &cell->images[i];
		const char *name = im->name != NULL ? im->name : "image";

		if (!image_ok(im)) {
			fail(ck, c, RUMKV_FIELD_IMAGES, i,
			     "%s has no data, or 0x%llx+0x%llx is empty or "
			     "wraps",
			     name, U64(im->ipa), U64(im->size));
			continue;
		}
		if (!in_cell_memory(cell, im->ipa, im->size)) {
			fail(ck, c, RUMKV_FIELD_IMAGES, i,
			     "%s 0x%llx+0x%llx is not inside the cell's memory",
			     name, U64(im->ipa), U64(im->size));
		}
		for (int j = 0; j < i; j++) {
			const struct rumkv_plan_image *o = &cell->images[j];

			if (image_ok(o) &&
			    rumkv_ranges_overlap(im->ipa, im->size, o->ipa,
						 o->size)) {
				collide(ck, c, RUMKV_FIELD_IMAGES, i, c, j,
					"%s 0x%llx+0x%llx overlaps %s "
					"0x%llx+0x%llx",
					name, U64(im->ipa), U64(im->size),
					o->name != NULL ? o->name : "image",
					U64(o->ipa), U64(o->size));
			}
		}
	}
}

static void check_scalars(struct check *ck, int c)
{
	const struct rumkv_plan_cell *cell = &ck->plan->cells[c];
	const uint64_t reserved = 0xff00u; /* bits 8..15: no class yet */

	if (!in_cell_memory(cell, cell->entry_ipa, 4)) {
		fail(ck, c, RUMKV_FIELD_ENTRY, -1,
		     "0x%llx is not inside the cell's memory",
		     U64(cell->entry_ipa));
	}
	if ((cell->initial_rights & reserved) != 0) {
		fail(ck, c, RUMKV_FIELD_RIGHTS, -1,
		     "0x%llx has reserved bits 8..15 set",
		     U64(cell->initial_rights));
	}
	if (cell->policy > RUMKV_POLICY_RESTART) {
		fail(ck, c, RUMKV_FIELD_POLICY, -1,
		     "policy %u is neither halt nor restart", cell->policy);
	}
	if (cell->table_pages == NULL || cell->table_snapshot == NULL ||
	    cell->table_pages == cell->table_snapshot ||
	    cell->table_page_count < 2 ||
	    (((uintptr_t)cell->table_pages | (uintptr_t)cell->table_snapshot) &
	     PAGE_MASK) != 0) {
		fail(ck, c, RUMKV_FIELD_TABLES, -1,
		     "%u table pages: needs at least 2 distinct, page-aligned "
		     "pages and a snapshot",
		     cell->table_page_count);
	}
}

/* ---- Guest pages RumKV adds: console and status page ---- */

/* Writes into `what` the first thing of cell `c`'s guest address space
 * that meets the page at `ipa` (its RAM, its devices, the interrupt
 * controller, and the virtual UART unless `skip_vuart`). */
static bool page_taken(const struct rumkv_plan *p, int c, uint64_t ipa,
		       bool skip_vuart, char *what, size_t size)
{
	const struct rumkv_plan_cell *cell = &p->cells[c];
	struct span s = page_span(ipa, 1);

	for (uint32_t i = 0; cell->mem != NULL && i < cell->mem_count; i++) {
		const struct rumkv_plan_mem *m = &cell->mem[i];

		if (mem_ok(m) && spans_meet(s, span_of(m->ipa, m->size))) {
			rumkv_snprintf(what, size, "memory 0x%llx+0x%llx",
				       U64(m->ipa), U64(m->size));
			return true;
		}
	}
	for (int i = 0; cell->devices != NULL && i < (int)cell->device_count;
	     i++) {
		const struct rumkv_plan_device *d = &cell->devices[i];

		for (uint32_t w = 0; dev_ok(d) && w < d->mmio_count; w++) {
			if (spans_meet(s, page_span(d->mmio[w].pa,
						    d->mmio[w].size))) {
				rumkv_snprintf(what, size, "device %s",
					       d->path);
				return true;
			}
		}
	}
	for (uint32_t r = 0; r < p->platform.irqc_reg_count && r < 4; r++) {
		const struct rumkv_plan_mmio *g = &p->platform.irqc_regs[r];

		if (range_ok(g->pa, g->size) &&
		    spans_meet(s, span_of(g->pa, g->size))) {
			rumkv_snprintf(what, size,
				       "the interrupt controller 0x%llx+0x%llx",
				       U64(g->pa), U64(g->size));
			return true;
		}
	}
	if (cell->flash_size != 0 &&
	    range_ok(cell->flash_ipa, cell->flash_size) &&
	    spans_meet(s, span_of(cell->flash_ipa, cell->flash_size))) {
		rumkv_snprintf(what, size, "the flash window 0x%llx+0x%llx",
			       U64(cell->flash_ipa), U64(cell->flash_size));
		return true;
	}
	if (!skip_vuart && (cell->console & RUMKV_CONSOLE_VUART) != 0 &&
	    spans_meet(s, page_span(cell->vuart_ipa, 1))) {
		rumkv_snprintf(what, size, "the virtual UART 0x%llx",
			       U64(cell->vuart_ipa));
		return true;
	}
	return false;
}

static void check_vuart(struct check *ck, int c)
{
	const struct rumkv_plan *p = ck->plan;
	uint64_t ipa = p->cells[c].vuart_ipa;
	char what[96];

	if ((ipa & PAGE_MASK) != 0) {
		fail(ck, c, RUMKV_FIELD_CONSOLE, -1,
		     "virtual UART 0x%llx is not page aligned", U64(ipa));
	} else if (page_taken(p, c, ipa, true, what, sizeof(what))) {
		fail(ck, c, RUMKV_FIELD_CONSOLE, -1,
		     "virtual UART 0x%llx is in a page of %s", U64(ipa), what);
	}
}

static void check_console(struct check *ck, int c)
{
	const struct rumkv_plan *p = ck->plan;
	uint32_t console = p->cells[c].console;
	uint32_t input = RUMKV_CONSOLE_INPUT | RUMKV_CONSOLE_VUART;

	if ((console & ~(input | RUMKV_CONSOLE_HYPERCALL)) != 0 ||
	    (console & input) == RUMKV_CONSOLE_INPUT) {
		fail(ck, c, RUMKV_FIELD_CONSOLE, -1,
		     "console flags 0x%x are not valid (input needs the "
		     "virtual UART)",
		     console);
		return;
	}
	if ((console & RUMKV_CONSOLE_VUART) != 0) {
		check_vuart(ck, c);
	}
}

static void check_status_page(struct check *ck, int c)
{
	const struct rumkv_plan *p = ck->plan;
	uint64_t ipa = p->cells[c].status_page_ipa;
	char what[96];

	if ((ipa & PAGE_MASK) != 0) {
		fail(ck, c, RUMKV_FIELD_STATUS_PAGE, -1,
		     "0x%llx is not page aligned", U64(ipa));
	} else if (page_taken(p, c, ipa, false, what, sizeof(what))) {
		fail(ck, c, RUMKV_FIELD_STATUS_PAGE, -1,
		     "0x%llx is in a page of %s", U64(ipa), what);
	}
}

/* ---- The flash window ---- */

/* Its backing (the cell's RUMKV_MEM_FLASH regions) lies inside it, and
 * nothing else of the cell's guest address space meets it: its other
 * memory, its devices, the interrupt controller (the virtual UART and
 * the status page are checked from their side, page_taken). */
static void check_flash_window(struct check *ck, int c)
{
	const struct rumkv_plan *p = ck->plan;
	const struct rumkv_plan_cell *cell = &p->cells[c];
	struct span win = span_of(cell->flash_ipa, cell->flash_size);

	for (uint32_t r = 0; r < p->platform.irqc_reg_count && r < 4; r++) {
		const struct rumkv_plan_mmio *g = &p->platform.irqc_regs[r];

		if (range_ok(g->pa, g->size) &&
		    spans_meet(win, page_span(g->pa, g->size))) {
			fail(ck, c, RUMKV_FIELD_BOOT, -1,
			     "flash window 0x%llx+0x%llx overlaps the "
			     "interrupt "
			     "controller 0x%llx+0x%llx",
			     U64(cell->flash_ipa), U64(cell->flash_size),
			     U64(g->pa), U64(g->size));
		}
	}
	for (uint32_t d = 0; cell->devices != NULL && d < cell->device_count;
	     d++) {
		const struct rumkv_plan_device *dev = &cell->devices[d];

		for (uint32_t w = 0; dev_ok(dev) && w < dev->mmio_count; w++) {
			if (spans_meet(win, page_span(dev->mmio[w].pa,
						      dev->mmio[w].size))) {
				fail(ck, c, RUMKV_FIELD_BOOT, -1,
				     "flash window 0x%llx+0x%llx overlaps its "
				     "device %s",
				     U64(cell->flash_ipa),
				     U64(cell->flash_size), dev_name(dev));
			}
		}
	}
	for (int i = 0; cell->mem != NULL && i < (int)cell->mem_count; i++) {
		const struct rumkv_plan_mem *m = &cell->mem[i];

		if (!mem_ok(m) || m->kind == RUMKV_MEM_FLASH ||
		    !spans_meet(win, span_of(m->ipa, m->size))) {
			continue;
		}
		fail(ck, c, RUMKV_FIELD_BOOT, -1,
		     "flash window 0x%llx+0x%llx overlaps its memory at "
		     "0x%llx+0x%llx",
		     U64(cell->flash_ipa), U64(cell->flash_size), U64(m->ipa),
		     U64(m->size));
	}
}

static void check_flash(struct check *ck, int c)
{
	const struct rumkv_plan_cell *cell = &ck->plan->cells[c];
	bool window = cell->flash_size != 0;

	if (window &&
	    (!range_ok(cell->flash_ipa, cell->flash_size) ||
	     ((cell->flash_ipa | cell->flash_size) & PAGE_MASK) != 0)) {
		fail(ck, c, RUMKV_FIELD_BOOT, -1,
		     "flash window 0x%llx+0x%llx is empty, wraps or is not "
		     "page aligned",
		     U64(cell->flash_ipa), U64(cell->flash_size));
		return;
	}
	for (int i = 0; cell->mem != NULL && i < (int)cell->mem_count; i++) {
		const struct rumkv_plan_mem *m = &cell->mem[i];

		if (mem_ok(m) && m->kind == RUMKV_MEM_FLASH &&
		    (!window ||
		     !rumkv_range_within(m->ipa, m->size, cell->flash_ipa,
					 cell->flash_size))) {
			fail(ck, c, RUMKV_FIELD_MEMORY, i,
			     "flash backing 0x%llx+0x%llx at 0x%llx is outside "
			     "the cell's flash window",
			     U64(m->pa), U64(m->size), U64(m->ipa));
		}
	}
	if (window) {
		check_flash_window(ck, c);
	}
}

/* ---- Channels ---- */

static bool irq_of_device(const struct rumkv_plan *p, uint32_t irq)
{
	for (uint32_t c = 0; c < p->cell_count; c++) {
		const struct rumkv_plan_cell *pc = &p->cells[c];

		for (uint32_t d = 0;
		     pc->devices != NULL && d < pc->device_count; d++) {
			const struct rumkv_plan_device *dev = &pc->devices[d];

			for (uint32_t i = 0; dev->irqs != NULL &&
					     i < dev->irq_count && i < 1024;
			     i++) {
				if (dev->irqs[i] == irq) {
					return true;
				}
			}
		}
	}
	return false;
}

/* Whether `irq` is a doorbell of an earlier side (k, s) than (n, side). */
static bool doorbell_taken(const struct rumkv_plan *p, uint32_t n, int side,
			   uint32_t irq)
{
	for (uint32_t k = 0; k <= n; k++) {
		for (int s = 0; s < 2 && (k < n || s < side); s++) {
			if (p->channels[k].doorbell[s] == irq) {
				return true;
			}
		}
	}
	return false;
}

static void check_channel(struct check *ck, uint32_t n)
{
	const struct rumkv_plan *p = ck->plan;
	const struct rumkv_plan_channel *ch = &p->channels[n];

	if (ch->cell[0] >= p->cell_count || ch->cell[1] >= p->cell_count ||
	    ch->cell[0] == ch->cell[1] || !right_ok(ch->right)) {
		fail(ck, -1, RUMKV_FIELD_PLAN, -1,
		     "channel %u has cells %u and %u and right %u: not valid",
		     n, ch->cell[0], ch->cell[1], ch->right);
	}
	for (int side = 0; side < 2; side++) {
		uint32_t irq = ch->doorbell[side];

		if (irq < 32 || irq >= 1020 || irq == p->platform.uart_irq ||
		    is_timer_irq(&p->platform, irq) || irq_of_device(p, irq) ||
		    doorbell_taken(p, n, side, irq)) {
			fail(ck, -1, RUMKV_FIELD_PLAN, -1,
			     "channel %u doorbell %u: not an SPI of its own "
			     "(taken, reserved or out of range)",
			     n, irq);
		}
	}
}

static void check_channels(struct check *ck)
{
	const struct rumkv_plan *p = ck->plan;

	if (p->channel_count > RUMKV_PLAN_MAX_CHANNELS ||
	    (p->channel_count != 0 && p->channels == NULL)) {
		fail(ck, -1, RUMKV_FIELD_PLAN, -1,
		     "%u channels (at most %u) or no array", p->channel_count,
		     RUMKV_PLAN_MAX_CHANNELS);
		return;
	}
	for (uint32_t n = 0; n < p->channel_count; n++) {
		check_channel(ck, n);
	}
}

/* ---- Entry points ---- */

unsigned rumkv_plan_check(const struct rumkv_plan *plan,
			  rumkv_plan_error_fn report, void *ctx)
{
	struct check ck = {.plan = plan, .report = report, .ctx = ctx};

	if (plan == NULL) {
		fail(&ck, -1, RUMKV_FIELD_PLAN, -1, "no plan");
		return ck.count;
	}
	check_machine(&ck);
	check_memory_map(&ck);
	if (plan->cells == NULL) {
		if (plan->cell_count != 0) {
			fail(&ck, -1, RUMKV_FIELD_PLAN, -1,
			     "%u cells but no array", plan->cell_count);
		}
		return ck.count;
	}
	for (int c = 0; c < (int)plan->cell_count; c++) {
		check_name(&ck, c);
		check_cores(&ck, c);
		check_memory(&ck, c);
		check_guest(&ck, c);
		check_devices(&ck, c);
		check_images(&ck, c);
		check_scalars(&ck, c);
		check_console(&ck, c);
		check_status_page(&ck, c);
		check_flash(&ck, c);
	}
	check_channels(&ck);
	return ck.count;
}

const char *rumkv_plan_field_name(enum rumkv_plan_field field)
{
	static const char *const names[] = {
		[RUMKV_FIELD_PLAN] = "plan",
		[RUMKV_FIELD_NAME] = "name",
		[RUMKV_FIELD_CORES] = "cores",
		[RUMKV_FIELD_MEMORY] = "memory",
		[RUMKV_FIELD_DEVICES] = "devices",
		[RUMKV_FIELD_IRQS] = "irqs",
		[RUMKV_FIELD_STREAMS] = "streams",
		[RUMKV_FIELD_IMAGES] = "images",
		[RUMKV_FIELD_ENTRY] = "entry",
		[RUMKV_FIELD_RIGHTS] = "rights",
		[RUMKV_FIELD_POLICY] = "policy",
		[RUMKV_FIELD_CONSOLE] = "console",
		[RUMKV_FIELD_STATUS_PAGE] = "status page",
		[RUMKV_FIELD_TABLES] = "tables",
		[RUMKV_FIELD_GUEST] = "guest memory",
		[RUMKV_FIELD_BOOT] = "boot",
	};

	if ((unsigned)field >= RUMKV_ARRAY_SIZE(names)) {
		return "?";
	}
	return names[field];
}
