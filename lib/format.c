// SPDX-License-Identifier: MIT
/*
 * A small freestanding formatter (see <rumkv/format.h>). RumKV prints a
 * boot summary and one-line violation reports, so it needs only integers
 * in decimal and hex, strings and characters.
 */
#include <rumkv/format.h>
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

static void put_uint(struct out *o, uint64_t v, unsigned base, unsigned width,
		     char pad)
{
	char digits[20];
	unsigned n = 0;

	do {
		unsigned d = (unsigned)(v % base);

		digits[n++] = (char)(d < 10 ? '0' + d : 'a' + d - 10);
		v /= base;
	} while (v != 0);
	while (width > n) {
		put(o, pad);
		width--;
	}
	while (n > 0) {
		put(o, digits[--n]);
	}
}

/* Reads an integer argument of the given length (0: int, 1: long, 2: long
 * long). */
static uint64_t arg_uint(va_list *ap, unsigned length, int is_signed,
			 int *negative)
{
	int64_t s;

	*negative = 0;
	if (!is_signed) {
		if (length == 0) {
			return va_arg(*ap, unsigned int);
		}
		return length == 1 ? va_arg(*ap, unsigned long)
				   : va_arg(*ap, unsigned long long);
	}
	if (length == 0) {
		s = va_arg(*ap, int);
	} else {
		s = length == 1 ? va_arg(*ap, long) : va_arg(*ap, long long);
	}
	if (s < 0) {
		*negative = 1;
		return (uint64_t)0 - (uint64_t)s;
	}
	return (uint64_t)s;
}

size_t rumkv_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct out o = {.buf = buf, .size = size, .len = 0};
	va_list args;

	va_copy(args, ap);
	for (; *fmt != '\0'; fmt++) {
		unsigned width = 0;
		unsigned length = 0;
		char pad = ' ';
		int negative;
		uint64_t v;

		if (*fmt != '%') {
			put(&o, *fmt);
			continue;
		}
		fmt++;
		if (*fmt == '0') {
			pad = '0';
			fmt++;
		}
		while (*fmt >= '0' && *fmt <= '9') {
			width = width * 10 + (unsigned)(*fmt++ - '0');
		}
		while (*fmt == 'l' || *fmt == 'z') {
			length = *fmt == 'z' ? 1 : length + 1;
			fmt++;
		}
		switch (*fmt) {
		case 's': {
			const char *s = va_arg(args, const char *);

			for (s = s ? s : "(null)"; *s != '\0'; s++) {
				put(&o, *s);
			}
			break;
		}
		case 'c':
			put(&o, (char)va_arg(args, int));
			break;
		case 'd':
			v = arg_uint(&args, length, 1, &negative);
			if (negative) {
				put(&o, '-');
			}
			put_uint(&o, v, 10, width, pad);
			break;
		case 'u':
		case 'x':
			v = arg_uint(&args, length, 0, &negative);
			put_uint(&o, v, *fmt == 'u' ? 10 : 16, width, pad);
			break;
		case '%':
			put(&o, '%');
			break;
		case '\0':
			fmt--; /* a lone '%' at the end: stop at the NUL */
			break;
		default:
			put(&o, '%');
			put(&o, *fmt);
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
