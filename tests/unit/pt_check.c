// SPDX-License-Identifier: MIT
#include "pt_check.h"

#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

void pt_env_pool(struct pt_env *env, uint32_t pages, uint64_t base_pa)
{
	size_t bytes = (size_t)(pages ? pages : 1) * RUMKV_PAGE_SIZE;

	memset(env, 0, sizeof(*env));
	/* 64 KiB alignment, like the pools the partition tool lays out. */
	env->mem = aligned_alloc(0x10000, (bytes + 0xffff) & ~(size_t)0xffff);
	cr_assert_not_null(env->mem);
	memset(env->mem, 0, bytes);
	rumkv_pt_pool_init(&env->pool, env->mem, base_pa, pages);
	fake_pt_log_reset(&env->log, &env->pt);
}

void pt_env_init(struct pt_env *env, const struct rumkv_pt_format *fmt,
		 uint32_t pages, uint64_t base_pa)
{
	int err;

	pt_env_pool(env, pages, base_pa);
	err = rumkv_pt_init(&env->pt, fmt, &env->pool, &fake_pt_ops, &env->log);
	cr_assert_eq(err, 0, "rumkv_pt_init(%s): %d", fmt->name, err);
	env->root_pages = env->pool.used_count;
}

void pt_env_fini(struct pt_env *env)
{
	free(env->mem);
	env->mem = NULL;
}

uint32_t pt_env_tables(const struct pt_env *env)
{
	return env->pool.used_count - env->root_pages;
}

static void dump_add(struct pt_dump *dump, unsigned level,
		     enum rumkv_pte_type type, uint64_t in, uint64_t pte)
{
	if (dump->count == dump->cap) {
		dump->cap = dump->cap ? dump->cap * 2 : 256;
		dump->entries = realloc(dump->entries,
					dump->cap * sizeof(*dump->entries));
		cr_assert_not_null(dump->entries);
	}
	dump->entries[dump->count++] = (struct pt_entry){
		.level = level, .type = type, .in = in, .pte = pte};
}

static void dump_table(const struct rumkv_pt *pt, struct pt_dump *dump,
		       uint64_t table_pa, unsigned level, uint64_t base)
{
	const struct rumkv_pt_format *fmt = pt->fmt;
	const struct rumkv_pt_pool *pool = pt->pool;
	const uint64_t *table;
	uint64_t i;

	cr_assert(table_pa >= pool->base_pa &&
			  table_pa - pool->base_pa <
				  (uint64_t)pool->page_count * RUMKV_PAGE_SIZE,
		  "table at %#llx outside the pool",
		  (unsigned long long)table_pa);
	table = (const uint64_t *)(pool->base + (table_pa - pool->base_pa));
	for (i = 0; i < (1ull << fmt->levels[level].bits); i++) {
		uint64_t in = base + (i << fmt->levels[level].shift);
		enum rumkv_pte_type type = fmt->pte_type(level, table[i]);

		if (table[i] == 0) {
			continue;
		}
		dump_add(dump, level, type, in, table[i]);
		if (type == RUMKV_PTE_TABLE) {
			cr_assert_lt(level + 1, fmt->level_count);
			dump->tables++;
			dump_table(pt, dump, fmt->pte_addr(level, table[i]),
				   level + 1, in);
		}
	}
}

void pt_dump_take(const struct rumkv_pt *pt, struct pt_dump *dump)
{
	dump->count = 0;
	dump->tables = 0;
	dump_table(pt, dump, pt->root_pa, 0, 0);
}

bool pt_dump_equal(const struct pt_dump *a, const struct pt_dump *b)
{
	return a->count == b->count && a->tables == b->tables &&
	       (a->count == 0 || memcmp(a->entries, b->entries,
					a->count * sizeof(*a->entries)) == 0);
}

size_t pt_dump_leaves(const struct pt_dump *dump, unsigned level)
{
	size_t n = 0;
	size_t i;

	for (i = 0; i < dump->count; i++) {
		n += dump->entries[i].type == RUMKV_PTE_LEAF &&
		     dump->entries[i].level == level;
	}
	return n;
}

void pt_dump_free(struct pt_dump *dump)
{
	free(dump->entries);
	memset(dump, 0, sizeof(*dump));
}
