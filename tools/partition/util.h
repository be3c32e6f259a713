/* SPDX-License-Identifier: MIT */
/*
 * Memory and text helpers of the partition compiler. Everything the
 * compiler allocates for one run lives in one arena and is released at
 * once; running out of host memory aborts (there is nothing to recover).
 */
#ifndef PARTITION_UTIL_H
#define PARTITION_UTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

struct part_arena;

struct part_arena *ar_new(void);
void ar_free(struct part_arena *ar);
/* Zeroed memory for `count` elements of `size` bytes. */
void *ar_array(struct part_arena *ar, size_t count, size_t size);
#define AR_NEW(ar, type, count) ((type *)ar_array((ar), (count), sizeof(type)))
/* Makes the arena free `ptr` (from malloc) with everything else. */
void ar_adopt(struct part_arena *ar, void *ptr);
char *ar_strdup(struct part_arena *ar, const char *s);
char *ar_printf(struct part_arena *ar, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* A growable text buffer. */
struct sbuf {
	char *buf;
	size_t len;
	size_t cap;
};

void sb_printf(struct sbuf *sb, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void sb_vprintf(struct sbuf *sb, const char *fmt, va_list ap);
void sb_puts(struct sbuf *sb, const char *s);
/* Hands the text to the arena and returns it ("" if empty). */
char *sb_finish(struct sbuf *sb, struct part_arena *ar);

/* Rounding helpers for power-of-two alignments (no overflow checks). */
static inline uint64_t align_down(uint64_t v, uint64_t a)
{
	return v & ~(a - 1);
}

static inline uint64_t align_up(uint64_t v, uint64_t a)
{
	return (v + a - 1) & ~(a - 1);
}

#endif /* PARTITION_UTIL_H */
