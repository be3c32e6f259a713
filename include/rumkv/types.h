/* SPDX-License-Identifier: MIT */
/*
 * Basic types shared by the core library, the ports and the host tools.
 *
 * Physical and intermediate-physical (guest) addresses are distinct
 * one-field structs, so that passing a guest address where a physical one
 * is expected is a compile error rather than an isolation bug.
 */
#ifndef RUMKV_TYPES_H
#define RUMKV_TYPES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/** A physical address, as the memory system sees it. */
typedef struct {
	uint64_t pa;
} rumkv_paddr_t;

/** An intermediate physical address: a cell's view of memory. */
typedef struct {
	uint64_t ipa;
} rumkv_ipaddr_t;

static inline rumkv_paddr_t rumkv_pa(uint64_t a)
{
	return (rumkv_paddr_t){.pa = a};
}

static inline rumkv_ipaddr_t rumkv_ipa(uint64_t a)
{
	return (rumkv_ipaddr_t){.ipa = a};
}

#define RUMKV_PAGE_SHIFT 12
#define RUMKV_PAGE_SIZE (1ULL << RUMKV_PAGE_SHIFT)

#define RUMKV_NORETURN __attribute__((noreturn))
#define RUMKV_UNUSED __attribute__((unused))
#define RUMKV_ALIGNED(n) __attribute__((aligned(n)))
/* Code and data only needed until every cell runs; the port unmaps it. */
#define RUMKV_BOOT __attribute__((section(".text.boot")))
#define RUMKV_BOOT_DATA __attribute__((section(".data.boot")))

#define RUMKV_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* True when [base, base + size) wraps around the 64-bit address space. */
static inline bool rumkv_range_wraps(uint64_t base, uint64_t size)
{
	return size != 0 && base + size - 1 < base;
}

/* True when the two non-empty, non-wrapping ranges share a byte. */
static inline bool rumkv_ranges_overlap(uint64_t a, uint64_t a_size, uint64_t b,
					uint64_t b_size)
{
	return a_size != 0 && b_size != 0 && a <= b + b_size - 1 &&
	       b <= a + a_size - 1;
}

/* True when [in, in + in_size) lies inside [out, out + out_size). */
static inline bool rumkv_range_within(uint64_t in, uint64_t in_size,
				      uint64_t out, uint64_t out_size)
{
	return in_size != 0 && in >= out && in_size <= out_size &&
	       in - out <= out_size - in_size;
}

#endif /* RUMKV_TYPES_H */
