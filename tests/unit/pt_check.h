/* SPDX-License-Identifier: MIT */
/*
 * Helpers shared by the mapping-engine tests: a table over a heap pool with
 * the fake recording ops, and a dump of every descriptor taken with the
 * format's own decoders (independently of the engine's walker).
 */
#ifndef RUMKV_TESTS_PT_CHECK_H
#define RUMKV_TESTS_PT_CHECK_H

#include <fake/paging.h>
#include <rumkv/paging.h>
#include <stddef.h>

#define SZ_4K 0x1000ull
#define SZ_2M 0x200000ull
#define SZ_1G 0x40000000ull

/* A table, its pool and its log. Do not copy: the table points into it. */
struct pt_env {
	struct rumkv_pt pt;
	struct rumkv_pt_pool pool;
	struct fake_pt_log log;
	void *mem;
	uint32_t root_pages;
};

/* Builds a table of `fmt` over `pages` zeroed pages seen at `base_pa`;
 * asserts that rumkv_pt_init succeeds. */
void pt_env_init(struct pt_env *env, const struct rumkv_pt_format *fmt,
		 uint32_t pages, uint64_t base_pa);
/* Only prepares the pool and the log (for rumkv_pt_init tests). */
void pt_env_pool(struct pt_env *env, uint32_t pages, uint64_t base_pa);
void pt_env_fini(struct pt_env *env);

/* Table pages the table holds beyond its root. */
uint32_t pt_env_tables(const struct pt_env *env);

/* One non-zero descriptor found by walking from the root. */
struct pt_entry {
	unsigned level;
	enum rumkv_pte_type type;
	uint64_t in;  /* first input address the entry covers */
	uint64_t pte; /* raw value */
};

struct pt_dump {
	struct pt_entry *entries;
	size_t count;
	size_t cap;
	uint32_t tables; /* non-root tables reached */
};

/* Walks the whole table. Descriptors that are non-zero but decode as
 * invalid are recorded too: the engine only ever writes zero for those. */
void pt_dump_take(const struct rumkv_pt *pt, struct pt_dump *dump);
bool pt_dump_equal(const struct pt_dump *a, const struct pt_dump *b);
/* Number of leaves at `level`. */
size_t pt_dump_leaves(const struct pt_dump *dump, unsigned level);
void pt_dump_free(struct pt_dump *dump);

#endif /* RUMKV_TESTS_PT_CHECK_H */
