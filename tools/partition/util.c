// SPDX-License-Identifier: MIT
/* Arena and text buffers (see util.h). */
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct block {
	struct block *next;
	void *foreign; /* adopted malloc() memory, or NULL */
	max_align_t data[];
};

struct part_arena {
	struct block *head;
};

static void *must(void *p)
{
	if (p == NULL) {
		fputs("rumkv-partition: out of memory\n", stderr);
		abort();
	}
	return p;
}

struct part_arena *ar_new(void)
{
	return must(calloc(1, sizeof(struct part_arena)));
}

void ar_free(struct part_arena *ar)
{
	if (ar == NULL) {
		return;
	}
	while (ar->head != NULL) {
		struct block *b = ar->head;

		ar->head = b->next;
		free(b->foreign);
		free(b);
	}
	free(ar);
}

static struct block *new_block(struct part_arena *ar, size_t size)
{
	struct block *b;

	if (size > SIZE_MAX - sizeof(*b)) {
		must(NULL);
	}
	b = must(calloc(1, sizeof(*b) + size));
	b->next = ar->head;
	ar->head = b;
	return b;
}

void *ar_array(struct part_arena *ar, size_t count, size_t size)
{
	if (size != 0 && count > SIZE_MAX / size) {
		must(NULL);
	}
	return new_block(ar, count * size)->data;
}

void ar_adopt(struct part_arena *ar, void *ptr)
{
	new_block(ar, 0)->foreign = ptr;
}

char *ar_strdup(struct part_arena *ar, const char *s)
{
	size_t len = strlen(s) + 1;

	return memcpy(ar_array(ar, len, 1), s, len);
}

char *ar_printf(struct part_arena *ar, const char *fmt, ...)
{
	struct sbuf sb = {0};
	va_list ap;

	va_start(ap, fmt);
	sb_vprintf(&sb, fmt, ap);
	va_end(ap);
	return sb_finish(&sb, ar);
}

void sb_vprintf(struct sbuf *sb, const char *fmt, va_list ap)
{
	va_list again;
	int n;

	va_copy(again, ap);
	n = vsnprintf(NULL, 0, fmt, again);
	va_end(again);
	if (n < 0) {
		return;
	}
	if (sb->len + (size_t)n + 1 > sb->cap) {
		size_t cap = sb->cap ? sb->cap : 256;

		while (cap < sb->len + (size_t)n + 1) {
			cap *= 2;
		}
		sb->buf = must(realloc(sb->buf, cap));
		sb->cap = cap;
	}
	vsnprintf(sb->buf + sb->len, sb->cap - sb->len, fmt, ap);
	sb->len += (size_t)n;
}

void sb_printf(struct sbuf *sb, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	sb_vprintf(sb, fmt, ap);
	va_end(ap);
}

void sb_puts(struct sbuf *sb, const char *s)
{
	sb_printf(sb, "%s", s);
}

char *sb_finish(struct sbuf *sb, struct part_arena *ar)
{
	char *text = sb->buf;

	if (text == NULL) {
		return ar_strdup(ar, "");
	}
	ar_adopt(ar, text);
	*sb = (struct sbuf){0};
	return text;
}
