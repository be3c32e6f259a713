// SPDX-License-Identifier: MIT
/*
 * PCI configuration space through the host bridge's ECAM: 4 KiB per
 * function at (bus << 20 | device << 15 | function << 12), i.e. the
 * requester ID shifted by 12. RumKV's translation maps exactly the pages
 * of the functions the plan names (mmu.c).
 */
#include "aarch64.h"
#include <aarch64/mmio.h>

#include <rumkv/port.h>

uint64_t aarch64_pci_ecam;

static uint64_t config_pa(uint32_t rid, uint32_t offset)
{
	return aarch64_pci_ecam + ((uint64_t)(rid & 0xffffu) << 12) +
	       (offset & 0xffcu);
}

uint32_t port_pci_config_read32(uint32_t rid, uint32_t offset)
{
	return mmio_read32(config_pa(rid, offset));
}

void port_pci_config_write32(uint32_t rid, uint32_t offset, uint32_t value)
{
	mmio_write32(config_pa(rid, offset), value);
}
