/* SPDX-License-Identifier: MIT */
/*
 * A small, freestanding formatter for RumKV's reports and messages.
 *
 * Supports %s, %c, %d, %u, %x with optional `l`/`ll`/`z` length, a field
 * width with optional `0` flag (%08x), and %%. Output is always
 * NUL-terminated and truncated to fit. Returns the number of characters
 * written (excluding the NUL).
 */
#ifndef RUMKV_FORMAT_H
#define RUMKV_FORMAT_H

#include <stdarg.h>
#include <stddef.h>

size_t rumkv_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
size_t rumkv_snprintf(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif /* RUMKV_FORMAT_H */
