// SPDX-License-Identifier: MIT
/*
 * RumKV's view of physical memory (identity-mapped at EL2). The cache
 * maintenance for what it writes on a cell's behalf,
 * port_cache_clean_range, is in vectors.S.
 */
#include <aarch64/mmio.h>

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
