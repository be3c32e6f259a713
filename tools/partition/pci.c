// SPDX-License-Identifier: MIT
/*
 * PCI functions: the board's SMMUv3 and PCIe host bridge, and the cells'
 * `pci-functions` and `pci-bars` (docs/partition-binding.md, "PCI
 * functions"). A function becomes a device of its cell without a board
 * node: its memory BARs are its MMIO windows, its requester ID mapped
 * through the host bridge's `iommu-map` is its stream, and its DMA is
 * stopped at the IOMMU. The BARs are placed here, by the partition:
 * RumKV programs them at every (re)start and the cell cannot move them.
 */
#include "fdtutil.h"
#include "model.h"

#include <string.h>

#define PCI_CELLS 3u /* child address cells of a PCI bus node */

/* The interrupt named `name` of a node with interrupt-names, as an
 * INTID; 0 if there is none. */
static uint32_t named_irq(struct m_part *m, int node, const char *name)
{
	const char *names[8];
	int count = fu_strings(m->fdt, node, "interrupt-names", names, 8);
	int len;
	const fdt32_t *p = fdt_getprop(m->fdt, node, "interrupts", &len);
	uint32_t intid;

	for (int i = 0; i < count && p != NULL; i++) {
		if (strcmp(names[i], name) == 0 && (i + 1) * 12 <= len &&
		    board_intid(fdt32_ld(p + 3 * i), fdt32_ld(p + 3 * i + 1),
				&intid)) {
			return intid;
		}
	}
	return 0;
}

static void read_smmu(struct m_part *m)
{
	struct m_board *b = &m->board;
	int node = fdt_node_offset_by_compatible(m->fdt, -1, "arm,smmu-v3");
	struct m_range reg[1];

	if (node < 0) {
		return;
	}
	if (fu_reg(m->fdt, node, reg, 1) != 1 || reg[0].size < 0x20000) {
		diag_error(m, fu_path(m, node), "reg",
			   "an SMMUv3 needs one reg of at least 128 KiB");
		return;
	}
	b->smmu_irqs[0] = named_irq(m, node, "eventq");
	b->smmu_irqs[1] = named_irq(m, node, "gerror");
	if (b->smmu_irqs[0] < 32 || b->smmu_irqs[1] < 32) {
		diag_error(m, fu_path(m, node), "interrupts",
			   "an SMMUv3 needs its \"eventq\" and \"gerror\" "
			   "interrupts as GIC SPIs");
		return;
	}
	b->smmu_node = node;
	b->smmu_phandle = fdt_get_phandle(m->fdt, node);
	b->smmu = reg[0];
}

/* The host bridge's memory windows (ranges of space 0b10 or 0b11). */
static void read_pci_ranges(struct m_part *m, int node)
{
	struct m_board *b = &m->board;
	uint32_t entry = PCI_CELLS + b->addr_cells + 2;
	int len;
	const fdt32_t *p = fdt_getprop(m->fdt, node, "ranges", &len);

	for (int i = 0; p != NULL && (i + 1) * (int)entry * 4 <= len; i++) {
		const fdt32_t *e = p + (uint32_t)i * entry;
		uint32_t space = (fdt32_ld(e) >> 24) & 3;

		if (space >= 2 && b->pci_mem_count < 4) {
			b->pci_mem[b->pci_mem_count++] = (struct m_range){
				.base = fu_cells(e + PCI_CELLS, b->addr_cells),
				.size = fu_cells(e + PCI_CELLS + b->addr_cells,
						 2),
			};
		}
	}
}

static void read_host_bridge(struct m_part *m)
{
	struct m_board *b = &m->board;
	int node = fdt_node_offset_by_compatible(m->fdt, -1,
						 "pci-host-ecam-generic");
	struct m_range reg[1];
	int len;
	const fdt32_t *p;

	if (node < 0) {
		return;
	}
	if (fu_reg(m->fdt, node, reg, 1) != 1) {
		diag_error(m, fu_path(m, node), "reg",
			   "the host bridge needs its ECAM as one reg");
		return;
	}
	b->pci_node = node;
	b->ecam = reg[0];
	b->pci_bus_last = 0xff;
	p = fdt_getprop(m->fdt, node, "bus-range", &len);
	if (p != NULL && len == 8) {
		b->pci_bus_first = fdt32_ld(p);
		b->pci_bus_last = fdt32_ld(p + 1);
	}
	read_pci_ranges(m, node);
	p = fdt_getprop(m->fdt, node, "iommu-map", &len);
	if (p != NULL && len == 16 && b->smmu_node >= 0 &&
	    fdt32_ld(p + 1) == b->smmu_phandle) {
		b->pci_iommu_map = true;
		b->pci_rid_base = fdt32_ld(p);
		b->pci_stream_base = fdt32_ld(p + 2);
		b->pci_rid_count = fdt32_ld(p + 3);
	}
}

void pci_board_read(struct m_part *m)
{
	m->board.smmu_node = -1;
	m->board.pci_node = -1;
	read_smmu(m);
	read_host_bridge(m);
}

static bool pow2(uint64_t v)
{
	return v != 0 && (v & (v - 1)) == 0;
}

static bool in_window(const struct m_board *b, uint64_t base, uint64_t size)
{
	for (unsigned i = 0; i < b->pci_mem_count; i++) {
		const struct m_range *w = &b->pci_mem[i];

		if (base >= w->base && size <= w->size &&
		    base - w->base <= w->size - size) {
			return true;
		}
	}
	return false;
}

/* One `pci-bars` entry for `dev`: index, base, size, in the root's cells. */
static bool add_bar(struct m_part *m, struct m_cell *cell, struct m_device *dev,
		    uint32_t index, uint64_t base, uint64_t size)
{
	if (index >= RUMKV_PLAN_MAX_BARS || dev->mmio_count >= M_MAX_WINDOWS ||
	    !pow2(size) || size < RUMKV_PAGE_SIZE || (base & (size - 1)) ||
	    rumkv_range_wraps(base, size)) {
		diag_error(m, cell->path, "pci-bars",
			   "%s BAR %u at 0x%llx+0x%llx: a BAR is 0-5, its size "
			   "a power of two of at least 4 KiB, its base "
			   "aligned to its size",
			   dev->path, index, (unsigned long long)base,
			   (unsigned long long)size);
		return false;
	}
	for (unsigned i = 0; i < dev->mmio_count; i++) {
		if (dev->bar_index[i] == index ||
		    (index > 0 && dev->bar_index[i] == index - 1 &&
		     (dev->mmio[i].base + dev->mmio[i].size > 1ull << 32))) {
			diag_error(m, cell->path, "pci-bars",
				   "%s BAR %u is given twice (a BAR above "
				   "4 GiB also takes the next BAR number)",
				   dev->path, index);
			return false;
		}
	}
	if (!in_window(&m->board, base, size)) {
		diag_error(m, cell->path, "pci-bars",
			   "%s BAR %u at 0x%llx+0x%llx is outside the host "
			   "bridge's memory windows",
			   dev->path, index, (unsigned long long)base,
			   (unsigned long long)size);
		return false;
	}
	dev->bar_index[dev->mmio_count] = index;
	dev->mmio[dev->mmio_count++] = (struct m_range){base, size};
	return true;
}

static struct m_device *find_rid(struct m_cell *cell, uint32_t rid)
{
	for (unsigned i = 0; i < cell->device_count; i++) {
		if (cell->devices[i].pci && cell->devices[i].pci_rid == rid) {
			return &cell->devices[i];
		}
	}
	return NULL;
}

/* Is `rid` in the cell's pci-functions (taken or refused)? */
static bool listed(const struct m_part *m, const struct m_cell *cell,
		   uint32_t rid)
{
	int len;
	const fdt32_t *p =
		fdt_getprop(m->fdt, cell->node, "pci-functions", &len);

	for (int i = 0; p != NULL && i < len / 12; i++) {
		if ((fdt32_ld(p + 3 * i) << 8 | fdt32_ld(p + 3 * i + 1) << 3 |
		     fdt32_ld(p + 3 * i + 2)) == rid) {
			return true;
		}
	}
	return false;
}

static void read_bars(struct m_part *m, struct m_cell *cell)
{
	uint32_t ac = m->board.addr_cells;
	uint32_t sc = m->board.size_cells;
	uint32_t entry = 4 + ac + sc;
	int len;
	const fdt32_t *p = fdt_getprop(m->fdt, cell->node, "pci-bars", &len);

	if (p == NULL) {
		return;
	}
	if (len % (int)(entry * 4) != 0) {
		diag_error(m, cell->path, "pci-bars",
			   "must be entries of <bus device function bar "
			   "base size>");
		cell->broken |= BROKEN(RUMKV_FIELD_DEVICES);
		return;
	}
	for (int i = 0; i < len / (int)(entry * 4); i++) {
		const fdt32_t *e = p + (uint32_t)i * entry;
		uint32_t bus = fdt32_ld(e), devn = fdt32_ld(e + 1);
		uint32_t fn = fdt32_ld(e + 2);
		struct m_device *dev = NULL;

		if (bus < 256 && devn < 32 && fn < 8) {
			dev = find_rid(cell, bus << 8 | devn << 3 | fn);
		}
		if (dev == NULL && bus < 256 && devn < 32 && fn < 8 &&
		    listed(m, cell, bus << 8 | devn << 3 | fn)) {
			continue; /* the function was refused already */
		}
		if (dev == NULL) {
			diag_error(m, cell->path, "pci-bars",
				   "entry %d: %u:%u.%u is not one of the "
				   "cell's pci-functions",
				   i, bus, devn, fn);
			cell->broken |= BROKEN(RUMKV_FIELD_DEVICES);
			continue;
		}
		if (!add_bar(m, cell, dev, fdt32_ld(e + 3), fu_cells(e + 4, ac),
			     fu_cells(e + 4 + ac, sc))) {
			cell->broken |= BROKEN(RUMKV_FIELD_DEVICES);
		}
	}
}

/* The INTID of INTA of function `rid`, through the host bridge's
 * interrupt-map (and its mask) to the GIC; 0 if it maps nowhere. */
static uint32_t inta_intid(struct m_part *m, uint32_t rid)
{
	int node = m->board.pci_node;
	int len;
	int mlen;
	const fdt32_t *map = fdt_getprop(m->fdt, node, "interrupt-map", &len);
	const fdt32_t *mask =
		fdt_getprop(m->fdt, node, "interrupt-map-mask", &mlen);
	const uint32_t key[4] = {rid << 8, 0, 0, 1}; /* phys.hi, mid, lo, pin */
	uint32_t gic_ac = 0;
	int at = 0;

	if (map == NULL || mask == NULL || mlen != 16) {
		return 0;
	}
	(void)fu_u32(m->fdt, m->board.gic_node, "#address-cells", &gic_ac);
	while ((at + 4 + 1 + (int)gic_ac + 3) * 4 <= len) {
		const fdt32_t *e = map + at;
		bool match = true;
		uint32_t intid;

		for (int i = 0; i < 4; i++) {
			match &= (key[i] & fdt32_ld(mask + i)) ==
				 fdt32_ld(e + i);
		}
		if (fdt32_ld(e + 4) != m->board.gic_phandle) {
			return 0; /* not to the GIC: not understood */
		}
		if (match && board_intid(fdt32_ld(e + 5 + gic_ac),
					 fdt32_ld(e + 6 + gic_ac), &intid)) {
			return intid;
		}
		at += 4 + 1 + (int)gic_ac + 3;
	}
	return 0;
}

/* Turns requester ID `rid` into a device of the cell. */
static bool add_function(struct m_part *m, struct m_cell *cell, uint32_t bus,
			 uint32_t devn, uint32_t fn, struct m_device *dev)
{
	const struct m_board *b = &m->board;
	uint32_t rid = bus << 8 | devn << 3 | fn;

	dev->node = -1;
	dev->pci = true;
	dev->pci_rid = rid;
	dev->path = ar_printf(m->ar, "pci %02x:%02x.%x", bus & 0xff,
			      devn & 0xff, fn & 0xff);
	if (b->pci_node < 0) {
		diag_error(m, cell->path, "pci-functions",
			   "the board has no PCIe host bridge (compatible "
			   "\"pci-host-ecam-generic\")");
		return false;
	}
	if (devn >= 32 || fn >= 8 || bus < b->pci_bus_first ||
	    bus > b->pci_bus_last) {
		diag_error(m, cell->path, "pci-functions",
			   "%u:%u.%u: a function is <bus device function>, "
			   "bus in the host bridge's bus-range %u-%u, device "
			   "0-31, function 0-7",
			   bus, devn, fn, b->pci_bus_first, b->pci_bus_last);
		return false;
	}
	if (!b->pci_iommu_map || rid < b->pci_rid_base ||
	    rid - b->pci_rid_base >= b->pci_rid_count) {
		diag_error(m, cell->path, "pci-functions",
			   "%s: the host bridge's iommu-map does not put it "
			   "behind the board's SMMUv3, so its DMA could not "
			   "be confined",
			   dev->path);
		return false;
	}
	if (find_rid(cell, rid) != NULL) {
		diag_error(m, cell->path, "pci-functions", "%s is given twice",
			   dev->path);
		return false;
	}
	dev->streams[0] = b->pci_stream_base + (rid - b->pci_rid_base);
	dev->stream_count = 1;
	/* Its legacy interrupt (INTA): the cell owns the line, so no other
	 * cell may have a function on it. */
	dev->irqs[0] = inta_intid(m, rid);
	dev->irq_count = dev->irqs[0] != 0;
	dev->dma_stop = RUMKV_DMA_STOP_IOMMU;
	return true;
}

static bool set_right(struct m_part *m, struct m_cell *cell,
		      struct m_device *dev, const char *right)
{
	int bit = right_lookup(m, right, true);

	if (bit < 0) {
		diag_error(m, cell->path, "pci-function-rights",
			   "'%s' is not a right name: a class or 1 to 31 of "
			   "a-z 0-9 _ -",
			   right);
		return false;
	}
	dev->right_name = right_name(m, (unsigned)bit);
	dev->right = (unsigned)bit;
	return true;
}

/* A function without a usable BAR gives the cell nothing to map: an
 * error, and it leaves the cell's devices. */
static void drop_barless(struct m_part *m, struct m_cell *cell)
{
	unsigned kept = 0;

	for (unsigned i = 0; i < cell->device_count; i++) {
		struct m_device *dev = &cell->devices[i];

		if (dev->pci && dev->mmio_count == 0) {
			diag_error(m, cell->path, "pci-bars",
				   "%s has no usable BAR: give it at least one",
				   dev->path);
			cell->broken |= BROKEN(RUMKV_FIELD_DEVICES);
			continue;
		}
		cell->devices[kept++] = *dev;
	}
	cell->device_count = kept;
}

void pci_read_functions(struct m_part *m, struct m_cell *cell)
{
	const char *rights[M_MAX_DEVICES];
	int rights_count = 0;
	int len;
	const fdt32_t *p =
		fdt_getprop(m->fdt, cell->node, "pci-functions", &len);
	int n = len / 12;
	struct m_device *devs;

	if (p == NULL) {
		if (fdt_getprop(m->fdt, cell->node, "pci-bars", NULL) != NULL) {
			diag_error(m, cell->path, "pci-bars",
				   "given without pci-functions");
		}
		return;
	}
	if (len % 12 != 0 || n + cell->device_count > M_MAX_DEVICES) {
		diag_error(m, cell->path, "pci-functions",
			   "must be <bus device function> triples, at most "
			   "%u devices in all",
			   M_MAX_DEVICES);
		cell->broken |= BROKEN(RUMKV_FIELD_DEVICES);
		return;
	}
	if (fdt_getprop(m->fdt, cell->node, "pci-function-rights", NULL)) {
		rights_count =
			fu_strings(m->fdt, cell->node, "pci-function-rights",
				   rights, M_MAX_DEVICES);
		if (rights_count != n) {
			diag_error(m, cell->path, "pci-function-rights",
				   "give one right name per function");
			cell->broken |= BROKEN(RUMKV_FIELD_RIGHTS);
			rights_count = 0;
		}
	}
	devs = AR_NEW(m->ar, struct m_device, cell->device_count + (size_t)n);
	if (cell->device_count != 0) {
		memcpy(devs, cell->devices, cell->device_count * sizeof(*devs));
	}
	cell->devices = devs;
	for (int i = 0; i < n; i++) {
		struct m_device *dev = &devs[cell->device_count];

		if (!add_function(m, cell, fdt32_ld(p + 3 * i),
				  fdt32_ld(p + 3 * i + 1),
				  fdt32_ld(p + 3 * i + 2), dev) ||
		    !set_right(m, cell, dev,
			       i < rights_count ? rights[i] : "other")) {
			cell->broken |= BROKEN(RUMKV_FIELD_DEVICES);
			continue;
		}
		cell->device_count++;
	}
	read_bars(m, cell);
	drop_barless(m, cell);
}
