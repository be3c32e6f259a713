// SPDX-License-Identifier: MIT
/*
 * PCI functions assigned to cells.
 *
 * RumKV places a function's memory BARs where the plan says and turns on
 * memory decoding and bus mastering at every (re)start, and turns both
 * off when the function is revoked. The function's DMA goes through the
 * IOMMU stream the plan names (port_iommu_attach), so even with bus
 * mastering on it reaches only the cell's own memory; MSI writes are DMA
 * too, to an address the cell does not map, and fault.
 *
 * A cell sees a virtual ECAM at the host bridge's ECAM address, built
 * from its own functions only: every access traps (nothing of it is in
 * the cell's stage-2) and is filtered here. Other functions read as
 * absent (all ones) and ignore writes; of its own functions' standard
 * header the cell may write only the command register (memory decoding,
 * bus mastering, INTx disable), the status register, cache line size,
 * latency timer and interrupt line; BARs keep the plan's addresses (a
 * write of all ones starts the usual sizing read-back, any other write
 * is ignored); the expansion ROM reads as none. Capabilities and extended
 * configuration space (MSI, MSI-X, power management) pass through: what
 * they can make the function do is DMA, which the IOMMU confines, or
 * affects only the function itself. Bridges are refused at boot: their
 * bus numbers and windows would reach beyond the function.
 */
#include "internal.h"

#include <rumkv/error.h>
#include <rumkv/port.h>

#define PCI_COMMAND 0x04u
#define PCI_COMMAND_MEMORY (1u << 1)
#define PCI_COMMAND_MASTER (1u << 2)
#define PCI_COMMAND_INTX_OFF (1u << 10)
#define PCI_COMMAND_CELL \
	(PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER | PCI_COMMAND_INTX_OFF)
#define PCI_STATUS 0x06u
#define PCI_HEADER_TYPE 0x0eu
#define PCI_BAR0 0x10u
#define PCI_BAR_END 0x28u
#define PCI_ROM 0x30u
#define PCI_HEADER_END 0x40u
#define PCI_BAR_IO 1u
#define PCI_BAR_64 4u /* type 0b10, bits 2:1 */

/* The size a BAR decodes (0 for an I/O or unimplemented BAR), found the
 * usual way: all ones written, the read-back masks the size. Memory
 * decoding is off meanwhile. */
static uint64_t bar_size(uint32_t rid, uint32_t off, bool *is64)
{
	uint32_t lo = port_pci_config_read(rid, off, 4);
	uint64_t mask;

	*is64 = (lo & 7u) == PCI_BAR_64;
	if ((lo & PCI_BAR_IO) != 0) {
		return 0;
	}
	port_pci_config_write(rid, off, 4, ~0u);
	mask = port_pci_config_read(rid, off, 4) & ~0xfu;
	if (*is64) {
		port_pci_config_write(rid, off + 4, 4, ~0u);
		mask |= (uint64_t)port_pci_config_read(rid, off + 4, 4) << 32;
	} else {
		mask |= 0xffffffff00000000ull;
	}
	return mask == 0xffffffff00000000ull ? 0 : ~mask + 1;
}

static int setup_fail(const struct rumkv_plan_device *dev, const char *why)
{
	rumkv_log("cannot set up %s: %s", dev->path, why);
	return -1;
}

int rumkv_pci_setup(const struct rumkv_plan_device *dev)
{
	uint32_t rid = dev->pci_rid;
	uint32_t b;

	if ((port_pci_config_read(rid, 0, 4) & 0xffffu) == 0xffffu) {
		return setup_fail(dev, "no PCI function there");
	}
	if ((port_pci_config_read(rid, PCI_HEADER_TYPE, 1) & 0x7fu) != 0) {
		return setup_fail(dev, "a bridge, not an endpoint");
	}
	port_pci_config_write(rid, PCI_COMMAND, 2, 0);
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
		port_pci_config_write(rid, off, 4, (uint32_t)bar->pa);
		if (is64) {
			port_pci_config_write(rid, off + 4, 4,
					      (uint32_t)(bar->pa >> 32));
		}
	}
	port_pci_config_write(rid, PCI_COMMAND, 2,
			      PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);
	return 0;
}

void rumkv_pci_revoke(const struct rumkv_plan_device *dev)
{
	port_pci_config_write(dev->pci_rid, PCI_COMMAND, 2, 0);
}

/* ---- The cell's virtual ECAM ---------------------------------------- */

bool rumkv_cell_has_pci(const struct rumkv_plan_cell *pc)
{
	for (uint32_t d = 0; d < pc->device_count; d++) {
		if (pc->devices[d].pci) {
			return true;
		}
	}
	return false;
}

/* The index of the cell's device that is PCI function `rid`, if the cell
 * holds it now; -1 otherwise. */
static int held_function(const struct rumkv_cell *cell, uint32_t rid)
{
	const struct rumkv_plan_cell *pc = cell->plan;
	uint64_t rights = __atomic_load_n(&cell->rights, __ATOMIC_ACQUIRE);

	for (uint32_t d = 0; d < pc->device_count && d < RUMKV_CELL_PCI_MAX;
	     d++) {
		const struct rumkv_plan_device *dev = &pc->devices[d];

		if (dev->pci && dev->pci_rid == rid && dev->right < 64 &&
		    (rights & (1ull << dev->right)) != 0) {
			return (int)d;
		}
	}
	return -1;
}

/* The BAR of `dev` whose register is at `off` (its low or, for a 64-bit
 * one, high half: *high), or NULL. */
static const struct rumkv_plan_pci_bar *
bar_at(const struct rumkv_plan_device *dev, uint32_t off, bool *high)
{
	for (uint32_t b = 0; b < dev->bar_count; b++) {
		uint32_t lo = PCI_BAR0 + 4 * dev->bars[b].index;

		*high = off == lo + 4;
		if (off == lo ||
		    (*high && (port_pci_config_read(dev->pci_rid, lo, 4) &
			       7u) == PCI_BAR_64)) {
			return &dev->bars[b];
		}
	}
	return NULL;
}

/* A 32-bit read of the header: BARs as the plan placed them (or their
 * size mask while the cell sizes them), no expansion ROM. */
static uint32_t header_read(const struct rumkv_cell *cell, int d, uint32_t off)
{
	const struct rumkv_plan_device *dev = &cell->plan->devices[d];
	bool high = false;

	if (off == PCI_ROM || (off >= PCI_BAR0 && off < PCI_BAR_END)) {
		const struct rumkv_plan_pci_bar *bar = bar_at(dev, off, &high);
		uint64_t v;

		if (bar == NULL) {
			return 0; /* unimplemented */
		}
		v = bar->pa;
		if ((__atomic_load_n(&cell->pci_sizing[d], __ATOMIC_RELAXED) &
		     (1u << bar->index)) != 0) {
			v = ~(bar->size - 1);
		}
		if (high) {
			return (uint32_t)(v >> 32);
		}
		return ((uint32_t)v & ~0xfu) |
		       (port_pci_config_read(dev->pci_rid, off, 4) & 0xfu);
	}
	return port_pci_config_read(dev->pci_rid, off, 4);
}

/* A write to the header: see the file comment for what passes. */
static void header_write(struct rumkv_cell *cell, int d, uint32_t off,
			 uint32_t size, uint32_t value)
{
	const struct rumkv_plan_device *dev = &cell->plan->devices[d];
	bool high = false;

	if (off >= PCI_BAR0 && off < PCI_BAR_END) {
		const struct rumkv_plan_pci_bar *bar =
			size == 4 ? bar_at(dev, off, &high) : NULL;

		if (bar == NULL) {
			return;
		}
		if (value == ~0u && !high) {
			__atomic_or_fetch(&cell->pci_sizing[d],
					  (uint8_t)(1u << bar->index),
					  __ATOMIC_RELAXED);
		} else if (!high) {
			__atomic_and_fetch(&cell->pci_sizing[d],
					   (uint8_t) ~(1u << bar->index),
					   __ATOMIC_RELAXED);
		}
		return;
	}
	if (off == PCI_COMMAND && size >= 2) {
		port_pci_config_write(dev->pci_rid, PCI_COMMAND, 2,
				      value & PCI_COMMAND_CELL);
		if (size == 4) {
			port_pci_config_write(dev->pci_rid, PCI_STATUS, 2,
					      value >> 16);
		}
	} else if ((off == PCI_STATUS && size == 2) ||
		   (off >= 0x0c && off + size <= 0x0e) ||
		   (off == 0x3c && size == 1)) {
		port_pci_config_write(dev->pci_rid, off, size, value);
	}
}

/* A read of the cell's virtual ECAM. */
static uint32_t config_read(const struct rumkv_cell *cell, uint32_t rid,
			    uint32_t off, uint32_t size)
{
	int d = held_function(cell, rid);
	uint32_t dword = ~0u;

	if (d >= 0 && off >= PCI_HEADER_END) {
		return port_pci_config_read(rid, off, size);
	}
	if (d >= 0) {
		dword = header_read(cell, d, off & ~3u);
	}
	return (dword >> (8 * (off & 3))) &
	       (size == 4 ? ~0u : (1u << (8 * size)) - 1);
}

int rumkv_pci_config_access(struct rumkv_core *core,
			    struct rumkv_mmio_access *acc)
{
	struct rumkv_cell *cell = core->cell;
	const struct rumkv_plan_mmio *ecam =
		&rumkv_machine.plan->platform.pci_ecam;
	uint64_t at = acc->ipa - ecam->pa;
	uint32_t rid = (uint32_t)(at >> 12);
	uint32_t off = (uint32_t)(at & 0xfffu);
	uint32_t size = acc->size;
	int d;

	if ((size != 1 && size != 2 && size != 4) || (off & (size - 1)) != 0) {
		rumkv_cell_violation(core, RUMKV_REASON_BAD_MMIO,
				     "PCI configuration access: 1, 2 or 4 "
				     "bytes, aligned");
	}
	if (!acc->write) {
		acc->value = config_read(cell, rid, off, size);
		return 0;
	}
	/* Under the cell lock: a pledge revoking the function on another
	 * core is either done (the function is gone) or not begun. */
	rumkv_lock(core, &cell->lock);
	d = held_function(cell, rid);
	if (d >= 0 && off < PCI_HEADER_END) {
		header_write(cell, d, off, size, (uint32_t)acc->value);
	} else if (d >= 0) {
		port_pci_config_write(rid, off, size, (uint32_t)acc->value);
	}
	rumkv_unlock(&cell->lock);
	return 0;
}
