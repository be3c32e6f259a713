// SPDX-License-Identifier: MIT
/*
 * Differential test of the mapping engine against a reference model.
 *
 * The model is a sorted list of leaves (input range, output, attributes,
 * level) updated by the engine's documented rules: the largest leaf that
 * alignment and size allow, splits of partly unmapped leaves down to the
 * level where the range boundary is aligned (rumkv_pt_unmap_split), or a
 * refusal when a leaf crosses an end of the range (rumkv_pt_unmap, the
 * unmap that runs after boot). From the leaves it derives which tables
 * must exist, so it predicts every error (EBUSY, ENOMEM, EALIGN) and the
 * pool's usage exactly. After every step the whole table is dumped with
 * the format's decoders and compared leaf by leaf with the model; sampled
 * lookups (and periodically every page of the window) are compared too.
 *
 * Seeded and reproducible: the seed is in every failure message, and
 * RUMKV_PT_SEED=<n> (RUMKV_PT_STEPS=<n>) replays a run.
 */
#include "pt_check.h"

#include <aarch64/pt_format.h>
#include <criterion/criterion.h>
#include <rumkv/error.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define OUT_BASE 0x4000000000ull /* 256 GiB, 1 GiB aligned */
#define OUT_SPAN (64 * SZ_1G)
#define WINDOW (4 * SZ_1G)
#define DEFAULT_STEPS 1500u
#define FULL_CHECK_EVERY 500u

struct leaf {
	uint64_t in;
	uint64_t size;
	uint64_t out;
	uint32_t attr;
	unsigned level;
};

struct model {
	const struct rumkv_pt_format *fmt;
	struct leaf *v;
	size_t count;
	size_t cap;
};

/* A (level, first input address) pair naming a non-root table. */
struct table_key {
	unsigned level;
	uint64_t in;
};

struct run {
	const struct rumkv_pt_format *fmt;
	unsigned long long seed;
	unsigned step;
	uint64_t rng;
	uint64_t base; /* of the window */
	struct pt_env env;
	struct model model;
	/* What the run exercised, reported at the end. */
	unsigned maps[3];		      /* ok, EBUSY, ENOMEM */
	unsigned unmaps[2];		      /* ok, ENOMEM */
	unsigned exact[2];		      /* rumkv_pt_unmap ok, EALIGN */
	unsigned leaves[RUMKV_PT_MAX_LEVELS]; /* most leaves seen per level */
	unsigned splits;		      /* unmaps that took table pages */
};

/* Counts as an assertion only when it fails: checks run by the million.
 * The message is formatted first: its arguments precede the prefix's. */
#define CHECK(r, cond, ...)                                                  \
	do {                                                                 \
		if (!(cond)) {                                               \
			char msg_[256];                                      \
			snprintf(msg_, sizeof(msg_), __VA_ARGS__);           \
			cr_assert_fail("[%s seed=%llu step=%u] %s",          \
				       (r)->fmt->name, (r)->seed, (r)->step, \
				       msg_);                                \
		}                                                            \
	} while (0)

/* ---- random numbers (splitmix64) ---- */

static uint64_t rnd(struct run *r)
{
	uint64_t z = (r->rng += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static uint64_t rnd_below(struct run *r, uint64_t n)
{
	return n ? rnd(r) % n : 0;
}

/* ---- the model ---- */

static uint64_t lsize(const struct rumkv_pt_format *fmt, unsigned level)
{
	return 1ull << fmt->levels[level].shift;
}

static void model_reserve(struct model *m, size_t count)
{
	if (count > m->cap) {
		m->cap = count > 2 * m->cap ? count : 2 * m->cap;
		m->v = realloc(m->v, m->cap * sizeof(*m->v));
		cr_assert_not_null(m->v);
	}
}

/* Appends a leaf; callers push in address order. */
static void model_push(struct model *m, struct leaf l)
{
	model_reserve(m, m->count + 1);
	m->v[m->count++] = l;
}

static void model_copy(struct model *dst, const struct model *src)
{
	dst->fmt = src->fmt;
	model_reserve(dst, src->count);
	if (src->count != 0) {
		memcpy(dst->v, src->v, src->count * sizeof(*src->v));
	}
	dst->count = src->count;
}

/* Index of the first leaf ending after `in`. */
static size_t model_first_after(const struct model *m, uint64_t in)
{
	size_t lo = 0;
	size_t hi = m->count;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (m->v[mid].in + m->v[mid].size <= in) {
			lo = mid + 1;
		} else {
			hi = mid;
		}
	}
	return lo;
}

static const struct leaf *model_find(const struct model *m, uint64_t in)
{
	size_t i = model_first_after(m, in);

	return i < m->count && m->v[i].in <= in ? &m->v[i] : NULL;
}

/* Whether a leaf maps both the byte before `at` and `at` itself. */
static bool model_crosses(const struct model *m, uint64_t at)
{
	const struct leaf *l = model_find(m, at);

	return l != NULL && l->in != at;
}

static bool model_overlaps(const struct model *m, uint64_t in, uint64_t size)
{
	size_t i = model_first_after(m, in);

	return i < m->count && m->v[i].in < in + size;
}

/* The engine's leaf choice, restated. */
static unsigned model_leaf_level(const struct rumkv_pt_format *fmt, uint64_t in,
				 uint64_t out, uint64_t size)
{
	unsigned level = 0;

	while (!fmt->levels[level].leaf_ok ||
	       ((in | out) & (lsize(fmt, level) - 1)) != 0 ||
	       size < lsize(fmt, level)) {
		level++;
	}
	return level;
}

/* Inserts the leaves of a mapping whose range is free in the model. */
static void model_map(struct model *m, uint64_t in, uint64_t out, uint64_t size,
		      uint32_t attr)
{
	const struct rumkv_pt_format *fmt = m->fmt;
	size_t at = model_first_after(m, in);
	size_t count = 0;
	uint64_t step;

	for (uint64_t off = 0; off < size; off += step, count++) {
		step = lsize(fmt, model_leaf_level(fmt, in + off, out + off,
						   size - off));
	}
	model_reserve(m, m->count + count);
	memmove(&m->v[at + count], &m->v[at], (m->count - at) * sizeof(*m->v));
	m->count += count;
	for (uint64_t off = 0; off < size; off += step, at++) {
		unsigned level =
			model_leaf_level(fmt, in + off, out + off, size - off);

		step = lsize(fmt, level);
		m->v[at] =
			(struct leaf){in + off, step, out + off, attr, level};
	}
}

static bool intersects(uint64_t a, uint64_t a_size, uint64_t b, uint64_t b_size)
{
	return a < b + b_size && b < a + a_size;
}

/* Keeps the parts of `l` outside [in, in + size), split as the engine
 * splits: one level down at a time, only where the range boundary cuts. */
static void model_keep_outside(struct model *dst, struct leaf l, uint64_t in,
			       uint64_t size)
{
	uint64_t sub;

	if (!intersects(l.in, l.size, in, size)) {
		model_push(dst, l);
		return;
	}
	if (l.in >= in && l.in + l.size <= in + size) {
		return;
	}
	sub = lsize(dst->fmt, l.level + 1);
	for (uint64_t off = 0; off < l.size; off += sub) {
		model_keep_outside(dst,
				   (struct leaf){l.in + off, sub, l.out + off,
						 l.attr, l.level + 1},
				   in, size);
	}
}

static void model_unmap(struct model *dst, const struct model *src, uint64_t in,
			uint64_t size)
{
	dst->fmt = src->fmt;
	dst->count = 0;
	for (size_t i = 0; i < src->count; i++) {
		model_keep_outside(dst, src->v[i], in, size);
	}
}

static int key_cmp(const struct table_key *x, const struct table_key *y)
{
	if (x->level != y->level) {
		return x->level < y->level ? -1 : 1;
	}
	return x->in < y->in ? -1 : x->in > y->in;
}

/* Reused across steps: reallocation under ASan always copies. */
struct key_buf {
	struct table_key *v;
	size_t cap;
};

static struct key_buf keys_a;
static struct key_buf keys_b;

/* The non-root tables the leaves need, sorted by level then address
 * (the leaves are sorted, so each level's keys come out in order). */
static size_t model_tables(const struct model *m, struct key_buf *buf)
{
	size_t need = m->count * RUMKV_PT_MAX_LEVELS + 1;
	size_t n = 0;
	struct table_key *k;

	if (need > buf->cap) {
		buf->cap = 2 * need;
		buf->v = realloc(buf->v, buf->cap * sizeof(*buf->v));
		cr_assert_not_null(buf->v);
	}
	k = buf->v;
	for (unsigned lv = 1; lv < m->fmt->level_count; lv++) {
		uint64_t span = lsize(m->fmt, lv - 1);
		size_t first = n;

		for (size_t i = 0; i < m->count; i++) {
			struct table_key key = {lv, m->v[i].in & ~(span - 1)};

			if (m->v[i].level >= lv &&
			    (n == first || key_cmp(&k[n - 1], &key) != 0)) {
				k[n++] = key;
			}
		}
	}
	return n;
}

/* Tables `after` needs that `before` does not have. */
static size_t model_new_tables(const struct model *before,
			       const struct model *after)
{
	size_t na = model_tables(after, &keys_a);
	size_t nb = model_tables(before, &keys_b);
	size_t fresh = 0;
	size_t j = 0;

	for (size_t i = 0; i < na; i++) {
		while (j < nb && key_cmp(&keys_b.v[j], &keys_a.v[i]) < 0) {
			j++;
		}
		fresh += j == nb || key_cmp(&keys_b.v[j], &keys_a.v[i]) != 0;
	}
	return fresh;
}

static size_t model_table_count(const struct model *m)
{
	return model_tables(m, &keys_a);
}

/* ---- comparing engine and model ---- */

static uint32_t normalized_attr(const struct rumkv_pt_format *fmt,
				uint32_t attr)
{
	unsigned last = fmt->level_count - 1u;

	return fmt->pte_attr(last, fmt->pte_leaf(last, 0, attr));
}

static void check_lookup(struct run *r, uint64_t in)
{
	const struct leaf *l = model_find(&r->model, in);
	uint64_t out = 0;
	uint64_t size = 0;
	uint32_t attr = 0;
	int err = rumkv_pt_lookup(&r->env.pt, in, &out, &attr, &size);

	if (l == NULL) {
		CHECK(r, err == RUMKV_ENOENT, "lookup %#llx: %s, want ENOENT",
		      (unsigned long long)in, rumkv_strerror(err));
		return;
	}
	CHECK(r, err == 0, "lookup %#llx: %s", (unsigned long long)in,
	      rumkv_strerror(err));
	CHECK(r,
	      out == l->out + (in - l->in) && attr == l->attr &&
		      size == l->size,
	      "lookup %#llx: out %#llx attr %#x leaf %#llx, want %#llx %#x "
	      "%#llx",
	      (unsigned long long)in, (unsigned long long)out, attr,
	      (unsigned long long)size,
	      (unsigned long long)(l->out + (in - l->in)), l->attr,
	      (unsigned long long)l->size);
}

/* The dump's leaves must be the model's, in order. */
static void check_structure(struct run *r, struct pt_dump *dump)
{
	const struct rumkv_pt_format *fmt = r->fmt;
	size_t j = 0;

	pt_dump_take(&r->env.pt, dump);
	for (size_t i = 0; i < dump->count; i++) {
		const struct pt_entry *e = &dump->entries[i];
		const struct leaf *l = &r->model.v[j];

		CHECK(r, e->type != RUMKV_PTE_INVALID,
		      "stray descriptor %#llx at level %u",
		      (unsigned long long)e->pte, e->level);
		if (e->type != RUMKV_PTE_LEAF) {
			continue;
		}
		CHECK(r, j < r->model.count, "extra leaf at %#llx",
		      (unsigned long long)e->in);
		CHECK(r,
		      e->in == l->in && e->level == l->level &&
			      fmt->pte_addr(e->level, e->pte) == l->out &&
			      fmt->pte_attr(e->level, e->pte) == l->attr,
		      "leaf at %#llx level %u, want %#llx level %u",
		      (unsigned long long)e->in, e->level,
		      (unsigned long long)l->in, l->level);
		j++;
	}
	CHECK(r, j == r->model.count, "%zu leaves, want %zu", j,
	      r->model.count);
	CHECK(r,
	      dump->tables == model_table_count(&r->model) &&
		      r->env.pool.used_count ==
			      r->env.root_pages + dump->tables,
	      "%u tables reached, %u pages used, model wants %zu tables",
	      dump->tables, r->env.pool.used_count,
	      model_table_count(&r->model));
}

static void check_all_pages(struct run *r)
{
	for (uint64_t a = r->base; a < r->base + WINDOW; a += SZ_4K) {
		check_lookup(r, a);
	}
}

/* ---- random operations ---- */

/* Input alignments from one page to 1 GiB, half-block ones included, so
 * the engine's alignment tests are probed at every bit. */
static uint64_t random_aligned_offset(struct run *r)
{
	uint64_t align = SZ_4K << rnd_below(r, 19);

	return rnd_below(r, WINDOW / align) * align;
}

static void random_range(struct run *r, uint64_t *in, uint64_t *size)
{
	uint64_t kind = rnd_below(r, 12);
	uint64_t off;
	uint64_t len;

	if (kind < 4) { /* a few pages anywhere */
		off = rnd_below(r, WINDOW / SZ_4K) * SZ_4K;
		len = (1 + rnd_below(r, 32)) * SZ_4K;
	} else if (kind < 7) { /* 2 MiB blocks, sometimes off by pages */
		off = rnd_below(r, WINDOW / SZ_2M) * SZ_2M;
		len = (1 + rnd_below(r, 3)) * SZ_2M;
		if (rnd_below(r, 3) == 0) {
			off += rnd_below(r, 4) * SZ_4K;
			len += rnd_below(r, 4) * SZ_4K;
		}
	} else if (kind < 9) { /* 1 GiB blocks, sometimes with a tail */
		off = rnd_below(r, WINDOW / SZ_1G) * SZ_1G;
		len = SZ_1G;
		if (rnd_below(r, 2) == 0) {
			len += rnd_below(r, 2) * SZ_2M +
			       rnd_below(r, 2) * SZ_4K;
		}
	} else if (kind < 11) { /* any alignment, block-sized or smaller */
		off = random_aligned_offset(r);
		len = (SZ_4K << rnd_below(r, 19)) + rnd_below(r, 3) * SZ_2M;
	} else { /* a long run of anything */
		off = rnd_below(r, WINDOW / SZ_4K) * SZ_4K;
		len = (1 + rnd_below(r, 8 * SZ_2M / SZ_4K)) * SZ_4K;
	}
	if (off + len > WINDOW) {
		len = WINDOW - off;
	}
	*in = r->base + off;
	*size = len;
}

/* Usually keeps the input's alignment, sometimes only 2 MiB or 4 KiB. */
static uint64_t random_out(struct run *r, uint64_t in)
{
	uint64_t kind = rnd_below(r, 20);

	if (kind < 12) {
		return OUT_BASE + rnd_below(r, OUT_SPAN / SZ_1G) * SZ_1G +
		       (in & (SZ_1G - 1));
	}
	if (kind < 17) {
		return OUT_BASE + rnd_below(r, OUT_SPAN / SZ_2M) * SZ_2M +
		       (in & (SZ_2M - 1));
	}
	return OUT_BASE + rnd_below(r, OUT_SPAN / SZ_4K) * SZ_4K;
}

static uint32_t pool_free_pages(const struct run *r)
{
	return r->env.pool.page_count - r->env.pool.used_count;
}

/* The call's outcome: on failure nothing may have changed, on success the
 * ops must show what the call did. */
static void check_outcome(struct run *r, int err, int want,
			  const struct pt_dump *before, struct pt_dump *after)
{
	const struct fake_pt_log *log = &r->env.log;

	CHECK(r, err == want, "got %s, want %s", rumkv_strerror(err),
	      rumkv_strerror(want));
	CHECK(r, log->lost == 0 && log->mapped_count == 0,
	      "%u invalidations of still mapped ranges", log->mapped_count);
	if (err != 0) {
		pt_dump_take(&r->env.pt, after);
		CHECK(r, pt_dump_equal(before, after),
		      "failed call changed the table");
		CHECK(r, log->count == 0, "failed call used the ops");
	}
}

static void step_map(struct run *r, struct model *next, struct pt_dump *before,
		     struct pt_dump *after)
{
	uint64_t in;
	uint64_t size;
	uint64_t out;
	uint32_t attr = (uint32_t)rnd_below(r, 16);
	int want = 0;
	int err;

	random_range(r, &in, &size);
	out = random_out(r, in);
	if (model_overlaps(&r->model, in, size)) {
		want = RUMKV_EBUSY;
	} else {
		model_copy(next, &r->model);
		model_map(next, in, out, size, normalized_attr(r->fmt, attr));
		if (model_new_tables(&r->model, next) > pool_free_pages(r)) {
			want = RUMKV_ENOMEM;
		}
	}
	if (want != 0) {
		pt_dump_take(&r->env.pt, before);
	}
	err = rumkv_pt_map(&r->env.pt, in, out, size, attr);
	check_outcome(r, err, want, before, after);
	r->maps[err == 0 ? 0 : err == RUMKV_EBUSY ? 1 : 2]++;
	if (err == 0) {
		CHECK(r, r->env.log.invalidate_count == 0,
		      "map invalidated something");
		model_copy(&r->model, next);
	}
	check_lookup(r, in);
	check_lookup(r, in + size - SZ_4K);
}

/* A range for rumkv_pt_unmap: usually a run of the model's leaves (the
 * union of what some map calls mapped, holes included), sometimes a page
 * short of it, else any. */
static void exact_range(struct run *r, uint64_t *in, uint64_t *size)
{
	size_t first;
	size_t last;

	if (r->model.count == 0 || rnd_below(r, 3) == 0) {
		random_range(r, in, size);
		return;
	}
	first = rnd_below(r, r->model.count);
	last = first + rnd_below(r, 8);
	if (last >= r->model.count) {
		last = r->model.count - 1;
	}
	*in = r->model.v[first].in;
	*size = r->model.v[last].in + r->model.v[last].size - *in;
	if (rnd_below(r, 4) == 0 && *size > SZ_4K) {
		/* Off by a page: crosses the first leaf unless it is one. */
		*in += SZ_4K;
		*size -= SZ_4K;
	}
}

/* Unmaps with rumkv_pt_unmap_split, or (exact) with rumkv_pt_unmap. */
static void step_unmap(struct run *r, struct model *next,
		       struct pt_dump *before, struct pt_dump *after,
		       bool exact)
{
	uint64_t in;
	uint64_t size;
	int want = 0;
	int err;

	if (exact) {
		exact_range(r, &in, &size);
	} else {
		random_range(r, &in, &size);
	}
	if (rnd_below(r, 40) == 0) {
		in = r->base;
		size = WINDOW;
	}
	model_unmap(next, &r->model, in, size);
	if (exact && (model_crosses(&r->model, in) ||
		      model_crosses(&r->model, in + size))) {
		want = RUMKV_EALIGN;
	} else if (model_new_tables(&r->model, next) > pool_free_pages(r)) {
		want = RUMKV_ENOMEM;
	}
	CHECK(r, !exact || want != 0 || model_new_tables(&r->model, next) == 0,
	      "the model splits without a crossing leaf");
	if (want != 0) {
		pt_dump_take(&r->env.pt, before);
	}
	err = exact ? rumkv_pt_unmap(&r->env.pt, in, size)
		    : rumkv_pt_unmap_split(&r->env.pt, in, size);
	check_outcome(r, err, want, before, after);
	if (exact) {
		r->exact[err != 0]++;
	} else {
		r->unmaps[err != 0]++;
	}
	if (err != 0) {
		return;
	}
	r->splits += model_new_tables(&r->model, next) != 0;
	/* Every leaf the range touched was removed or split: either way its
	 * whole range has been invalidated. */
	for (size_t i = model_first_after(&r->model, in);
	     i < r->model.count && r->model.v[i].in < in + size; i++) {
		const struct leaf *l = &r->model.v[i];

		CHECK(r, fake_pt_log_covers(&r->env.log, l->in, l->size),
		      "leaf [%#llx, +%#llx) unmapped or split but not "
		      "invalidated",
		      (unsigned long long)l->in, (unsigned long long)l->size);
	}
	model_copy(&r->model, next);
	check_lookup(r, in);
	check_lookup(r, in + size - SZ_4K);
	if (in > r->base) {
		check_lookup(r, in - SZ_4K);
	}
}

static void count_leaves(struct run *r, const struct pt_dump *dump)
{
	for (unsigned l = 0; l < r->fmt->level_count; l++) {
		unsigned n = (unsigned)pt_dump_leaves(dump, l);

		if (n > r->leaves[l]) {
			r->leaves[l] = n;
		}
	}
}

static unsigned long long env_number(const char *name, unsigned long long dflt)
{
	const char *s = getenv(name);

	return s && *s ? strtoull(s, NULL, 0) : dflt;
}

static void run_random(const struct rumkv_pt_format *fmt, uint64_t base,
		       uint32_t pool_pages, unsigned long long seed)
{
	struct run *r = calloc(1, sizeof(*r));
	struct model next = {.fmt = fmt};
	struct pt_dump before = {0};
	struct pt_dump after = {0};
	unsigned steps = (unsigned)env_number("RUMKV_PT_STEPS", DEFAULT_STEPS);

	cr_assert_not_null(r);
	r->fmt = fmt;
	r->seed = env_number("RUMKV_PT_SEED", seed);
	r->rng = r->seed;
	r->base = base;
	r->model.fmt = fmt;
	pt_env_init(&r->env, fmt, pool_pages, 0x80000000ull);
	cr_log_info("%s: seed %llu, %u steps (RUMKV_PT_SEED replays)",
		    fmt->name, r->seed, steps);
	for (r->step = 0; r->step < steps; r->step++) {
		fake_pt_log_reset(&r->env.log, &r->env.pt);
		uint64_t op = rnd_below(r, 4);

		if (op < 2) {
			step_map(r, &next, &before, &after);
		} else {
			step_unmap(r, &next, &before, &after, op == 3);
		}
		check_structure(r, &after);
		count_leaves(r, &after);
		for (int i = 0; i < 8; i++) {
			check_lookup(r, base + rnd_below(r, WINDOW));
		}
		if (r->step % FULL_CHECK_EVERY == FULL_CHECK_EVERY - 1) {
			check_all_pages(r);
		}
	}
	cr_log_info("%s: map ok/EBUSY/ENOMEM %u/%u/%u, splitting unmap "
		    "ok/ENOMEM %u/%u, unmap ok/EALIGN %u/%u, %u splits, most "
		    "leaves per level %u/%u/%u/%u",
		    fmt->name, r->maps[0], r->maps[1], r->maps[2], r->unmaps[0],
		    r->unmaps[1], r->exact[0], r->exact[1], r->splits,
		    r->leaves[0], r->leaves[1], r->leaves[2], r->leaves[3]);
	/* Everything unmapped (no leaf crosses the window's ends): only the
	 * root is left. */
	fake_pt_log_reset(&r->env.log, &r->env.pt);
	cr_assert_eq(rumkv_pt_unmap(&r->env.pt, base, WINDOW), 0);
	r->model.count = 0;
	check_structure(r, &after);
	CHECK(r, r->env.pool.used_count == r->env.root_pages,
	      "%u pages still used", r->env.pool.used_count);
	CHECK(r, after.count == 0, "descriptors left");
	pt_dump_free(&before);
	pt_dump_free(&after);
	free(next.v);
	free(r->model.v);
	free(keys_a.v);
	free(keys_b.v);
	keys_a = keys_b = (struct key_buf){0};
	pt_env_fini(&r->env);
	free(r);
}

/* Each window straddles a root-page boundary or ends at the top of the
 * input space. The pools are small enough that ENOMEM happens. */
Test(paging_random, fake)
{
	run_random(&fake_pt_format, (1ull << 48) - WINDOW, 24, 1);
}

Test(paging_random, fake_concatenated_root)
{
	run_random(&fake_pt_format_concat, (1ull << 48) - WINDOW / 2, 24, 2);
}

Test(paging_random, aarch64_stage2)
{
	run_random(&aarch64_stage2_format, (1ull << 39) - WINDOW / 2, 24, 3);
}

Test(paging_random, aarch64_el2)
{
	run_random(&aarch64_el2_format, (1ull << 39) - WINDOW, 24, 4);
}
