// SPDX-License-Identifier: MIT
/*
 * RumKV's view of physical memory (identity-mapped at EL2) and cache
 * maintenance for what it writes on a cell's behalf.
 */
#include "mmio.h"

#include <aarch64/sysreg.h>
#include <rumkv/port.h>

void *port_phys_to_virt(rumkv_paddr_t pa)
{
	return (void *)pa.pa;
}

/* Boot only: the core needs it for table pools, which are set up once. */
RUMKV_BOOT rumkv_paddr_t port_virt_to_phys(const void *va)
{
	return rumkv_pa((uint64_t)va);
}

void port_mmio_write32(rumkv_paddr_t pa, uint32_t value)
{
	mmio_write32(pa.pa, value);
}

void port_cache_clean_range(const void *va, size_t size)
{
	uint64_t line = 4u << ((read_sysreg(ctr_el0) >> 16) & 0xf);
	uint64_t p = (uint64_t)va & ~(line - 1);
	uint64_t end = (uint64_t)va + size;

	for (; p < end; p += line) {
		__asm__ volatile("dc cvac, %0" ::"r"(p) : "memory");
	}
	dsb_sy();
}
