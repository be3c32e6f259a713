// SPDX-License-Identifier: MIT
/*
 * A small freestanding formatter (see <rumkv/format.h>). RumKV prints a
 * boot summary and one-line violation reports, so it needs only integers
 * in decimal and hex, strings and characters. It stays resident, so it is
 * written for size: one pass, one va_arg per argument type.
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

static void put_str(struct out *o, const char *s)
{
	while (*s != '\0') {
		put(o, *s++);
	}
}

/* `v` in base 10 or 16, padded to `width` on the left. */
static void put_uint(struct out *o, uint64_t v, unsigned base, unsigned width,
		     char pad)
{
	char digits[20];
	unsigned n = 0;

	do {
		digits[n++] = "0123456789abcdef"[v % base];
		v /= base;
	} while (v != 0);
	for (; width > n; width--) {
		put(o, pad);
	}
	while (n > 0) {
		put(o, digits[--n]);
	}
}

size_t rumkv_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct out o = {.buf = buf, .size = size, .len = 0};
	va_list args;
	char c;

	va_copy(args, ap);
	while ((c = *fmt++) != '\0') {
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
		c = *fmt++;
		switch (c) {
		case 's': {
			const char *str = va_arg(args, const char *);

			put_str(&o, str != NULL ? str : "(null)");
			break;
		}
		case 'c':
		case 'd':
		case 'u':
		case 'x': {
			/* Each va_arg names the argument's exact type; %c
			 * takes an int, whatever its length. */
			bool is_signed = c == 'c' || c == 'd';
			uint64_t v;

			if (length == 0 || c == 'c') {
				v = is_signed ? (uint64_t)va_arg(args, int)
					      : va_arg(args, unsigned int);
			} else if (length == 1) {
				v = is_signed ? (uint64_t)va_arg(args, long)
					      : va_arg(args, unsigned long);
			} else {
				v = is_signed
					    ? (uint64_t)va_arg(args, long long)
					    : va_arg(args, unsigned long long);
			}
			if (c == 'c') {
				put(&o, (char)v);
				break;
			}
			if (c == 'd' && (int64_t)v < 0) {
				put(&o, '-');
				v = 0 - v;
			}
			put_uint(&o, v, c == 'x' ? 16 : 10, width, pad);
			break;
		}
		case '\0':
			fmt--; /* a lone '%' at the end: stop at the NUL */
			break;
		default:
			/* "%%" prints one '%'; an unknown conversion itself. */
			if (c != '%') {
				put(&o, '%');
			}
			put(&o, c);
			break;
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
