// SPDX-License-Identifier: MIT
/*
 * memcpy, memset, memmove and memcmp: the compiler may emit calls to them
 * in freestanding code, and the core library uses them for images and for
 * scrubbing RAM. Word-at-a-time when both sides allow it; zeroing of
 * whole cache blocks with DC ZVA once RumKV's caches are on.
 */
#include <aarch64/sysreg.h>
#include <stddef.h>
#include <stdint.h>

void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);

void *memcpy(void *dst, const void *src, size_t n)
{
	uint8_t *d = dst;
	const uint8_t *s = src;

	if ((((uintptr_t)d | (uintptr_t)s) & 7) == 0) {
		for (; n >= 8; n -= 8, d += 8, s += 8) {
			*(uint64_t *)d = *(const uint64_t *)s;
		}
	}
	while (n-- > 0) {
		*d++ = *s++;
	}
	return dst;
}

void *memmove(void *dst, const void *src, size_t n)
{
	uint8_t *d = dst;
	const uint8_t *s = src;

	if (d <= s || d >= s + n) {
		return memcpy(dst, src, n);
	}
	while (n-- > 0) {
		d[n] = s[n];
	}
	return dst;
}

/* Zeroes [p, p + n) with DC ZVA: p and n are multiples of the block. */
static void zero_blocks(uint8_t *p, size_t n, size_t block)
{
	for (; n != 0; n -= block, p += block) {
		__asm__ volatile("dc zva, %0" ::"r"(p) : "memory");
	}
}

void *memset(void *dst, int c, size_t n)
{
	uint8_t *d = dst;
	uint64_t dczid = read_sysreg(dczid_el0);
	size_t block = 4u << (dczid & 0xf);

	/* DC ZVA needs Normal memory: only with RumKV's MMU on. */
	if (c == 0 && (dczid & 0x10) == 0 && n >= 4096 &&
	    (read_sysreg(sctlr_el2) & SCTLR_EL2_M) != 0 &&
	    ((uintptr_t)d & (block - 1)) == 0) {
		zero_blocks(d, n & ~(block - 1), block);
		d += n & ~(block - 1);
		n &= block - 1;
	}
	while (n-- > 0) {
		*d++ = (uint8_t)c;
	}
	return dst;
}

int memcmp(const void *a, const void *b, size_t n)
{
	const uint8_t *x = a;
	const uint8_t *y = b;
	size_t i;

	for (i = 0; i < n; i++) {
		if (x[i] != y[i]) {
			return x[i] < y[i] ? -1 : 1;
		}
	}
	return 0;
}
