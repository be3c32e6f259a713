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
	       (offset & 0xfffu);
}

uint32_t port_pci_config_read(uint32_t rid, uint32_t offset, uint32_t size)
{
	uint64_t pa = config_pa(rid, offset);

	if (size == 1) {
		return mmio_read8(pa);
	}
	if (size == 2) {
		return *(volatile uint16_t *)pa;
	}
	return mmio_read32(pa & ~3ull);
}

void port_pci_config_write(uint32_t rid, uint32_t offset, uint32_t size,
			   uint32_t value)
{
	uint64_t pa = config_pa(rid, offset);

	if (size == 1) {
		mmio_write8(pa, (uint8_t)value);
	} else if (size == 2) {
		*(volatile uint16_t *)pa = (uint16_t)value;
	} else {
		mmio_write32(pa & ~3ull, value);
	}
}
