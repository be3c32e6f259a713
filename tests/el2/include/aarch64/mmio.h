/* SPDX-License-Identifier: MIT */
/*
 * Host build (tests/el2): device accesses go to the modelled GICv3
 * (tests/el2/gic_model.c), which checks each one's size and alignment
 * against the GICv3 specification. The 16-bit accessors do not exist in
 * production; they are here so that code using them builds, and the model
 * rejects every 16-bit access as the GIC does.
 */
#ifndef AARCH64_MMIO_H
#define AARCH64_MMIO_H

#include <stdint.h>

uint64_t gicm_read(uint64_t pa, unsigned size);
void gicm_write(uint64_t pa, unsigned size, uint64_t value);

static inline uint8_t mmio_read8(uint64_t pa)
{
	return (uint8_t)gicm_read(pa, 1);
}

static inline uint16_t mmio_read16(uint64_t pa)
{
	return (uint16_t)gicm_read(pa, 2);
}

static inline uint32_t mmio_read32(uint64_t pa)
{
	return (uint32_t)gicm_read(pa, 4);
}

static inline uint64_t mmio_read64(uint64_t pa)
{
	return gicm_read(pa, 8);
}

static inline void mmio_write8(uint64_t pa, uint8_t v)
{
	gicm_write(pa, 1, v);
}

static inline void mmio_write16(uint64_t pa, uint16_t v)
{
	gicm_write(pa, 2, v);
}

static inline void mmio_write32(uint64_t pa, uint32_t v)
{
	gicm_write(pa, 4, v);
}

static inline void mmio_write64(uint64_t pa, uint64_t v)
{
	gicm_write(pa, 8, v);
}

#endif /* AARCH64_MMIO_H */
