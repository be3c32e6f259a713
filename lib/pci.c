// SPDX-License-Identifier: MIT
/*
 * PCI functions assigned to cells. The cell never reaches configuration
 * space: RumKV places the function's memory BARs where the plan says,
 * turns on memory decoding and bus mastering at every (re)start, and
 * turns both off when the function is revoked. The function's DMA goes
 * through the IOMMU stream the plan names (port_iommu_attach), so even
 * bus mastering on, it reaches only the cell's own memory; MSI writes
 * are DMA too, to an address the cell does not map, and fault.
 */
#include "internal.h"

#include <rumkv/port.h>

#define PCI_COMMAND 0x04u
#define PCI_COMMAND_MEMORY (1u << 1)
#define PCI_COMMAND_MASTER (1u << 2)
#define PCI_BAR0 0x10u
#define PCI_BAR_IO 1u
#define PCI_BAR_64 4u /* type 0b10, bits 2:1 */

/* The size a BAR decodes (0 for an I/O or unimplemented BAR), found the
 * usual way: all ones written, the read-back masks the size. Memory
 * decoding is off meanwhile. */
static uint64_t bar_size(uint32_t rid, uint32_t off, bool *is64)
{
	uint32_t lo = port_pci_config_read32(rid, off);
	uint64_t mask;

	*is64 = (lo & 7u) == PCI_BAR_64;
	if ((lo & PCI_BAR_IO) != 0) {
		return 0;
	}
	port_pci_config_write32(rid, off, ~0u);
	mask = port_pci_config_read32(rid, off) & ~0xfu;
	if (*is64) {
		port_pci_config_write32(rid, off + 4, ~0u);
		mask |= (uint64_t)port_pci_config_read32(rid, off + 4) << 32;
	} else {
		mask |= 0xffffffff00000000ull;
	}
	return mask == 0xffffffff00000000ull ? 0 : ~mask + 1;
}

int rumkv_pci_setup(const struct rumkv_plan_device *dev)
{
	uint32_t rid = dev->pci_rid;
	uint32_t b;

	if ((port_pci_config_read32(rid, 0) & 0xffffu) == 0xffffu) {
		rumkv_log("cannot set up %s: no PCI function there", dev->path);
		return -1;
	}
	port_pci_config_write32(rid, PCI_COMMAND, 0);
	for (b = 0; b < dev->bar_count; b++) {
		const struct rumkv_plan_pci_bar *bar = &dev->bars[b];
		uint32_t off = PCI_BAR0 + 4 * bar->index;
		bool is64 = false;
		uint64_t size = bar_size(rid, off, &is64);

		if (size != bar->size || (!is64 && bar->pa >> 32 != 0) ||
		    (is64 && bar->index == 5)) {
			rumkv_log("cannot set up %s: BAR %u decodes 0x%llx "
				  "bytes%s, the plan gives it 0x%llx at 0x%llx",
				  dev->path, bar->index,
				  (unsigned long long)size,
				  is64 ? "" : " below 4 GiB",
				  (unsigned long long)bar->size,
				  (unsigned long long)bar->pa);
			return -1;
		}
		port_pci_config_write32(rid, off, (uint32_t)bar->pa);
		if (is64) {
			port_pci_config_write32(rid, off + 4,
						(uint32_t)(bar->pa >> 32));
		}
	}
	port_pci_config_write32(rid, PCI_COMMAND,
				PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);
	return 0;
}

void rumkv_pci_revoke(const struct rumkv_plan_device *dev)
{
	port_pci_config_write32(dev->pci_rid, PCI_COMMAND, 0);
}
