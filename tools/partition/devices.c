// SPDX-License-Identifier: MIT
/*
 * One passed-through device: its MMIO windows (reg), interrupts (GIC
 * specifiers, as INTIDs), IOMMU stream IDs (first cell of each iommus
 * specifier) and how RumKV stops its DMA. Errors are reported on the
 * cell's `devices` property and name the device.
 */
#include "fdtutil.h"
#include "model.h"

#include <string.h>

static int interrupt_parent(const void *fdt, int node)
{
	for (; node >= 0; node = fdt_parent_offset(fdt, node)) {
		uint32_t ph;

		if (fu_u32(fdt, node, "interrupt-parent", &ph)) {
			return fdt_node_offset_by_phandle(fdt, ph);
		}
		if (node == 0) {
			break;
		}
	}
	return -1;
}

static bool read_irqs(struct m_part *m, struct m_cell *cell, int node,
		      struct m_device *dev)
{
	int len;
	const fdt32_t *p = fdt_getprop(m->fdt, node, "interrupts", &len);

	if (fdt_getprop(m->fdt, node, "interrupts-extended", NULL) != NULL) {
		diag_error(m, cell->path, "devices",
			   "%s uses interrupts-extended: only interrupts of "
			   "the GIC are supported",
			   dev->path);
		return false;
	}
	if (p == NULL) {
		return true;
	}
	if (interrupt_parent(m->fdt, node) != m->board.gic_node) {
		diag_error(m, cell->path, "devices",
			   "%s: its interrupt parent is not the GIC",
			   dev->path);
		return false;
	}
	if (len % 12 != 0 || len / 12 > (int)M_MAX_IDS) {
		diag_error(m, cell->path, "devices",
			   "%s interrupts: not up to %u 3-cell GIC specifiers",
			   dev->path, M_MAX_IDS);
		return false;
	}
	for (int i = 0; i < len / 12; i++) {
		uint32_t type = fdt32_ld(p + 3 * i);
		uint32_t number = fdt32_ld(p + 3 * i + 1);

		if (!board_intid(type, number, &dev->irqs[dev->irq_count])) {
			diag_error(m, cell->path, "devices",
				   "%s interrupts: entry %d (type %u, number "
				   "%u) is not a GIC SPI or PPI",
				   dev->path, i, type, number);
			return false;
		}
		dev->irq_count++;
	}
	return true;
}

static bool read_streams(struct m_part *m, struct m_cell *cell, int node,
			 struct m_device *dev)
{
	int len;
	const fdt32_t *p = fdt_getprop(m->fdt, node, "iommus", &len);
	int at = 0;

	if (p == NULL) {
		return true;
	}
	while (at < len / 4) {
		uint32_t ph = fdt32_ld(p + at);
		int iommu = fdt_node_offset_by_phandle(m->fdt, ph);
		uint32_t cells;

		if (iommu < 0 ||
		    !fu_u32(m->fdt, iommu, "#iommu-cells", &cells) ||
		    cells < 1 || cells > 4) {
			diag_error(m, cell->path, "devices",
				   "%s iommus: phandle 0x%x is not an IOMMU "
				   "with 1 to 4 #iommu-cells",
				   dev->path, ph);
			return false;
		}
		if (at + 1 + (int)cells > len / 4 ||
		    dev->stream_count == M_MAX_IDS) {
			diag_error(m, cell->path, "devices",
				   "%s iommus: truncated, or more than %u "
				   "streams",
				   dev->path, M_MAX_IDS);
			return false;
		}
		dev->streams[dev->stream_count++] = fdt32_ld(p + at + 1);
		at += 1 + (int)cells;
	}
	return true;
}

bool device_read(struct m_part *m, struct m_cell *cell, int node,
		 struct m_device *dev)
{
	int n;

	dev->node = node;
	dev->path = fu_path(m, node);
	if (fdt_parent_offset(m->fdt, node) != 0) {
		diag_error(m, cell->path, "devices",
			   "%s is not directly under /: only root-level "
			   "devices can be passed through",
			   dev->path);
		return false;
	}
	n = fu_reg(m->fdt, node, dev->mmio, M_MAX_WINDOWS);
	if (n <= 0) {
		diag_error(m, cell->path, "devices",
			   n == -1   ? "%s has no reg: only memory-mapped "
				       "devices can be passed through"
			   : n == -3 ? "%s has more than 8 MMIO windows"
				     : "%s has a malformed reg",
			   dev->path);
		return false;
	}
	dev->mmio_count = (unsigned)n;
	if (!read_irqs(m, cell, node, dev) ||
	    !read_streams(m, cell, node, dev)) {
		return false;
	}
	if (fu_compatible(m->fdt, node, "virtio,mmio")) {
		dev->dma_stop = RUMKV_DMA_STOP_VIRTIO_MMIO;
	} else if (dev->stream_count != 0) {
		dev->dma_stop = RUMKV_DMA_STOP_IOMMU;
	} else {
		dev->dma_stop = RUMKV_DMA_STOP_NONE;
	}
	return true;
}
