// SPDX-License-Identifier: MIT
/*
 * A small freestanding formatter (see <rumkv/format.h>). RumKV prints a
 * boot summary and one-line violation reports, so it needs only integers
 * in decimal and hex, strings and characters. It stays resident, so it is
 * written for size: one pass, one va_arg per argument type, and strings
 * and numbers leave through the same loop.
 */
#include <rumkv/format.h>
#include <stdbool.h>
#include <stdint.h>

struct out {
	char *buf;
	size_t size;
	size_t len;
};

static void put(struct out *o, char c)
{
	if (o->len + 1 < o->size) {
		o->buf[o->len] = c;
	}
	o->len++;
}

/* The next argument of an integer conversion, as the exact type the
 * length (0: int, 1: long or size_t, 2: long long) and the signedness
 * name, widened to 64 bits. Not inlined: each va_arg expands to a dozen
 * instructions, and inlined copies multiply. */
static __attribute__((noinline)) uint64_t
int_arg(va_list *args, unsigned length, bool is_signed)
{
	if (length == 0) {
		return is_signed ? (uint64_t)va_arg(*args, int)
				 : va_arg(*args, unsigned int);
	}
	if (length == 1) {
		return is_signed ? (uint64_t)va_arg(*args, long)
				 : va_arg(*args, unsigned long);
	}
	return is_signed ? (uint64_t)va_arg(*args, long long)
			 : va_arg(*args, unsigned long long);
}

size_t rumkv_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct out o = {.buf = buf, .size = size, .len = 0};
	va_list args;
	char c;

	va_copy(args, ap);
	while ((c = *fmt++) != '\0') {
		char digits[21];
		char *p = &digits[20]; /* digits are written backwards */
		const char *s;
		unsigned width = 0;
		unsigned length = 0; /* 1: long or size_t, 2: long long */
		char pad = *fmt == '0' ? '0' : ' ';

		if (c != '%') {
			put(&o, c);
			continue;
		}
		/* A leading '0' is the pad and adds nothing to the width. */
		while (*fmt >= '0' && *fmt <= '9') {
			width = width * 10 + (unsigned)(*fmt++ - '0');
		}
		while (*fmt == 'l' || *fmt == 'z') {
			length = *fmt++ == 'z' ? 1 : length + 1;
		}
		c = *fmt;
		if (c == '\0') {
			break; /* a lone '%' at the end */
		}
		fmt++;
		if (c == 's') {
			s = va_arg(args, const char *);
			s = s != NULL ? s : "(null)";
		} else if (c == 'c' || c == 'd' || c == 'u' || c == 'x') {
			unsigned base = c == 'x' ? 16 : 10;
			/* %c takes an int, whatever its length. */
			uint64_t v = int_arg(&args, c == 'c' ? 0 : length,
					     c == 'c' || c == 'd');
			if (c == 'c') {
				put(&o, (char)v);
				continue;
			}
			if (c == 'd' && (int64_t)v < 0) {
				put(&o, '-');
				v = 0 - v;
			}
			*p = '\0';
			do {
				*--p = "0123456789abcdef"[v % base];
				v /= base;
				width -= width != 0;
			} while (v != 0);
			s = p;
			/* The width counts digits only, after any sign. */
			for (; width != 0; width--) {
				put(&o, pad);
			}
		} else {
			/* "%%" prints one '%'; an unknown conversion itself. */
			if (c != '%') {
				put(&o, '%');
			}
			put(&o, c);
			continue;
		}
		while (*s != '\0') {
			put(&o, *s++);
		}
	}
	va_end(args);
	if (size > 0) {
		buf[o.len < size ? o.len : size - 1] = '\0';
	}
	return o.len < size ? o.len : (size > 0 ? size - 1 : 0);
}

size_t rumkv_snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	size_t n;

	va_start(ap, fmt);
	n = rumkv_vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}
