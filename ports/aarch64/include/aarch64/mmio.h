/* SPDX-License-Identifier: MIT */
/*
 * Device register accessors. RumKV's translation maps devices as
 * Device-nGnRE at their physical addresses, so a physical address is
 * also the pointer. A host build of the guest-facing code (tests/el2)
 * puts its own <aarch64/mmio.h> first on the include path, backed by a
 * modelled interrupt controller.
 */
#ifndef AARCH64_MMIO_H
#define AARCH64_MMIO_H

#include <stdint.h>

static inline uint8_t mmio_read8(uint64_t pa)
{
	return *(volatile uint8_t *)pa;
}

static inline uint32_t mmio_read32(uint64_t pa)
{
	return *(volatile uint32_t *)pa;
}

static inline uint64_t mmio_read64(uint64_t pa)
{
	return *(volatile uint64_t *)pa;
}

static inline void mmio_write8(uint64_t pa, uint8_t v)
{
	*(volatile uint8_t *)pa = v;
}

static inline void mmio_write32(uint64_t pa, uint32_t v)
{
	*(volatile uint32_t *)pa = v;
}

static inline void mmio_write64(uint64_t pa, uint64_t v)
{
	*(volatile uint64_t *)pa = v;
}

#endif /* AARCH64_MMIO_H */
