// SPDX-License-Identifier: MIT
/*
 * The mapping engine over the fake formats: leaf selection, the resident
 * unmap (which refuses splits) and the splitting one, failure atomicity,
 * argument checks, table reclamation and invalidation.
 * Most tests run on both fake formats (one root page, two root pages).
 */
#include "pt_check.h"

#include <criterion/criterion.h>
#include <rumkv/error.h>
#include <string.h>

#define RW (RUMKV_ATTR_R | RUMKV_ATTR_W)
#define RX (RUMKV_ATTR_R | RUMKV_ATTR_X)
#define POOL_PA 0x80000000ull
#define OUT 0x4000000000ull /* 256 GiB: 1 GiB aligned output base */

static const struct rumkv_pt_format *const fake_formats[] = {
	&fake_pt_format,
	&fake_pt_format_concat,
};

#define FOR_EACH_FAKE_FORMAT(fmt)                                          \
	for (size_t fmt_i_ = 0; fmt_i_ < RUMKV_ARRAY_SIZE(fake_formats) && \
				((fmt) = fake_formats[fmt_i_], true);      \
	     fmt_i_++)

static void expect_lookup(const struct pt_env *env, uint64_t in, uint64_t out,
			  uint32_t attr, uint64_t leaf_size)
{
	uint64_t got_out = 0;
	uint64_t got_size = 0;
	uint32_t got_attr = 0;
	int err = rumkv_pt_lookup(&env->pt, in, &got_out, &got_attr, &got_size);

	cr_assert_eq(err, 0, "%s: lookup %#llx: %s", env->pt.fmt->name,
		     (unsigned long long)in, rumkv_strerror(err));
	cr_assert_eq(got_out, out, "%s: lookup %#llx: out %#llx, want %#llx",
		     env->pt.fmt->name, (unsigned long long)in,
		     (unsigned long long)got_out, (unsigned long long)out);
	cr_assert_eq(got_attr, attr, "%s: lookup %#llx: attr %#x, want %#x",
		     env->pt.fmt->name, (unsigned long long)in, got_attr, attr);
	cr_assert_eq(
		got_size, leaf_size, "%s: lookup %#llx: leaf %#llx, want %#llx",
		env->pt.fmt->name, (unsigned long long)in,
		(unsigned long long)got_size, (unsigned long long)leaf_size);
}

static void expect_unmapped(const struct pt_env *env, uint64_t in)
{
	int err = rumkv_pt_lookup(&env->pt, in, NULL, NULL, NULL);

	cr_assert_eq(err, RUMKV_ENOENT, "%s: lookup %#llx: %s",
		     env->pt.fmt->name, (unsigned long long)in,
		     rumkv_strerror(err));
}

static void expect_ok(int err, const char *what)
{
	cr_assert_eq(err, 0, "%s: %s", what, rumkv_strerror(err));
}

/* Runs a call that must fail with `want` and change nothing at all. */
#define EXPECT_UNCHANGED(env, want, call)                                      \
	do {                                                                   \
		struct pt_dump before_ = {0};                                  \
		struct pt_dump after_ = {0};                                   \
		struct rumkv_pt_pool pool_ = (env)->pool;                      \
		int err_;                                                      \
		pt_dump_take(&(env)->pt, &before_);                            \
		fake_pt_log_reset(&(env)->log, &(env)->pt);                    \
		err_ = (call);                                                 \
		cr_assert_eq(err_, (want), "%s: %s: %s, want %s",              \
			     (env)->pt.fmt->name, #call, rumkv_strerror(err_), \
			     rumkv_strerror(want));                            \
		pt_dump_take(&(env)->pt, &after_);                             \
		cr_assert(pt_dump_equal(&before_, &after_),                    \
			  "%s: %s changed the table", (env)->pt.fmt->name,     \
			  #call);                                              \
		cr_assert(memcmp(&pool_, &(env)->pool, sizeof(pool_)) == 0,    \
			  "%s: %s changed the pool", (env)->pt.fmt->name,      \
			  #call);                                              \
		cr_assert_eq((env)->log.count, 0, "%s: %s called the ops",     \
			     (env)->pt.fmt->name, #call);                      \
		pt_dump_free(&before_);                                        \
		pt_dump_free(&after_);                                         \
	} while (0)

/* ---- rumkv_pt_init ---- */

Test(paging, init_rejects_malformed_formats)
{
	struct pt_env env;
	struct rumkv_pt_format bad[13];
	struct rumkv_pt_ops no_invalidate = {.publish = fake_pt_ops.publish};
	size_t i;

	for (i = 0; i < RUMKV_ARRAY_SIZE(bad); i++) {
		bad[i] = fake_pt_format;
	}
	bad[0].level_count = 0;
	bad[1].level_count = RUMKV_PT_MAX_LEVELS + 1;
	bad[2].levels[1].shift = 31; /* gap between levels */
	bad[3].levels[2].bits = 10;  /* non-root table of two pages */
	bad[4].levels[3].shift = 13; /* page level is not 4 KiB */
	bad[5].levels[3].leaf_ok = false;
	bad[6].levels[2].leaf_ok = false; /* 1 GiB leaves could not split */
	bad[7].pte_table = NULL;
	bad[8].pte_attr = NULL;
	bad[9].levels[0].bits = 0;
	bad[10].levels[0].bits = 17;
	bad[11].levels[0].shift = 60; /* 69-bit input space */
	bad[12].pte_type = NULL;
	pt_env_pool(&env, 16, POOL_PA);
	for (i = 0; i < RUMKV_ARRAY_SIZE(bad); i++) {
		cr_assert_eq(rumkv_pt_init(&env.pt, &bad[i], &env.pool,
					   &fake_pt_ops, &env.log),
			     RUMKV_EINVAL, "format %zu", i);
	}
	cr_assert_eq(
		rumkv_pt_init(&env.pt, NULL, &env.pool, &fake_pt_ops, &env.log),
		RUMKV_EINVAL);
	cr_assert_eq(rumkv_pt_init(&env.pt, &fake_pt_format, NULL, &fake_pt_ops,
				   &env.log),
		     RUMKV_EINVAL);
	cr_assert_eq(rumkv_pt_init(&env.pt, &fake_pt_format, &env.pool, NULL,
				   &env.log),
		     RUMKV_EINVAL);
	cr_assert_eq(rumkv_pt_init(&env.pt, &fake_pt_format, &env.pool,
				   &no_invalidate, &env.log),
		     RUMKV_EINVAL);
	cr_assert_eq(env.pool.used_count, 0);
	cr_assert_eq(env.pool.next_unused, 0);
	pt_env_fini(&env);
}

Test(paging, init_needs_room_for_the_root)
{
	struct pt_env env;

	pt_env_pool(&env, 1, POOL_PA);
	cr_assert_eq(rumkv_pt_init(&env.pt, &fake_pt_format_concat, &env.pool,
				   &fake_pt_ops, &env.log),
		     RUMKV_ENOMEM);
	cr_assert_eq(env.pool.used_count, 0);
	cr_assert_eq(env.pool.next_unused, 0);
	cr_assert_eq(env.pool.free_head, 0);
	expect_ok(rumkv_pt_init(&env.pt, &fake_pt_format, &env.pool,
				&fake_pt_ops, &env.log),
		  "init");
	cr_assert_eq(env.pool.used_count, 1);
	cr_assert_eq(rumkv_pt_init(&env.pt, &fake_pt_format, &env.pool,
				   &fake_pt_ops, &env.log),
		     RUMKV_ENOMEM);
	pt_env_fini(&env);
}

Test(paging, concatenated_root_is_aligned_and_skipped_pages_reused)
{
	struct pt_env env;

	/* The pool starts one page past an 8 KiB boundary. */
	pt_env_init(&env, &fake_pt_format_concat, 8, POOL_PA + SZ_4K);
	cr_assert_eq(env.pt.root_pa, POOL_PA + 2 * SZ_4K);
	cr_assert_eq(env.pool.used_count, 2);
	cr_assert_eq(env.pool.next_unused, 3);
	cr_assert_eq(env.pool.free_head, 1, "skipped page 0 is free");
	/* The first table comes from the skipped page. */
	expect_ok(rumkv_pt_map(&env.pt, SZ_1G, OUT, SZ_1G, RW), "map");
	cr_assert_eq(env.pool.used_count, 3);
	cr_assert_eq(env.pool.next_unused, 3);
	cr_assert_eq(env.pool.free_head, 0);
	expect_lookup(&env, SZ_1G, OUT, RW, SZ_1G);
	pt_env_fini(&env);
}

Test(paging, input_size)
{
	struct rumkv_pt_format full = fake_pt_format;

	cr_assert_eq(rumkv_pt_input_size(&fake_pt_format), 1ull << 48);
	cr_assert_eq(rumkv_pt_input_size(&fake_pt_format_concat), 1ull << 49);
	full.levels[0].bits = 25;
	cr_assert_eq(rumkv_pt_input_size(&full), 0, "2^64 reads as 0");
}

/* ---- leaf selection ---- */

Test(paging, aligned_2m_map_is_one_block)
{
	const struct rumkv_pt_format *fmt;

	FOR_EACH_FAKE_FORMAT(fmt)
	{
		struct pt_env env;
		struct pt_dump dump = {0};
		uint64_t in = 5 * SZ_2M;

		pt_env_init(&env, fmt, 16, POOL_PA);
		expect_ok(rumkv_pt_map(&env.pt, in, OUT + SZ_2M, SZ_2M, RW),
			  "map");
		expect_lookup(&env, in, OUT + SZ_2M, RW, SZ_2M);
		expect_lookup(&env, in + SZ_2M - SZ_4K, OUT + 2 * SZ_2M - SZ_4K,
			      RW, SZ_2M);
		expect_unmapped(&env, in + SZ_2M);
		expect_unmapped(&env, in - SZ_4K);
		cr_assert_eq(pt_env_tables(&env), 2,
			     "a level-1 and a level-2 table");
		pt_dump_take(&env.pt, &dump);
		cr_assert_eq(pt_dump_leaves(&dump, 2), 1);
		cr_assert_eq(dump.count, 3, "two table entries and one leaf");
		pt_dump_free(&dump);
		pt_env_fini(&env);
	}
}

Test(paging, aligned_1g_map_is_one_block)
{
	const struct rumkv_pt_format *fmt;

	FOR_EACH_FAKE_FORMAT(fmt)
	{
		struct pt_env env;

		pt_env_init(&env, fmt, 16, POOL_PA);
		expect_ok(rumkv_pt_map(&env.pt, 3 * SZ_1G, OUT, SZ_1G, RX),
			  "map");
		expect_lookup(&env, 3 * SZ_1G + 0x12345000, OUT + 0x12345000,
			      RX, SZ_1G);
		cr_assert_eq(pt_env_tables(&env), 1);
		pt_env_fini(&env);
	}
}

Test(paging, largest_leaf_at_each_step)
{
	const struct rumkv_pt_format *fmt;

	FOR_EACH_FAKE_FORMAT(fmt)
	{
		struct pt_env env;
		struct pt_dump dump = {0};
		uint64_t in = 2 * SZ_1G - 3 * SZ_4K;
		uint64_t size = 3 * SZ_4K + SZ_1G + SZ_2M + SZ_4K;

		pt_env_init(&env, fmt, 16, POOL_PA);
		expect_ok(rumkv_pt_map(&env.pt, in, OUT + in, size, RW), "map");
		pt_dump_take(&env.pt, &dump);
		cr_assert_eq(pt_dump_leaves(&dump, 3), 4);
		cr_assert_eq(pt_dump_leaves(&dump, 2), 1);
		cr_assert_eq(pt_dump_leaves(&dump, 1), 1);
		expect_lookup(&env, in, OUT + in, RW, SZ_4K);
		expect_lookup(&env, 2 * SZ_1G, OUT + 2 * SZ_1G, RW, SZ_1G);
		expect_lookup(&env, 3 * SZ_1G + SZ_4K, OUT + 3 * SZ_1G + SZ_4K,
			      RW, SZ_2M);
		expect_lookup(&env, 3 * SZ_1G + SZ_2M, OUT + 3 * SZ_1G + SZ_2M,
			      RW, SZ_4K);
		expect_unmapped(&env, 3 * SZ_1G + SZ_2M + SZ_4K);
		pt_dump_free(&dump);
		pt_env_fini(&env);
	}
}

Test(paging, no_leaf_where_the_format_forbids_one)
{
	const struct rumkv_pt_format *fmt;

	FOR_EACH_FAKE_FORMAT(fmt)
	{
		struct pt_env env;
		uint64_t in = 1ull << 39; /* level-0 entry size and alignment */

		pt_env_init(&env, fmt, 16, POOL_PA);
		expect_ok(rumkv_pt_map(&env.pt, in, in, in, RW), "map");
		expect_lookup(&env, in + SZ_1G, in + SZ_1G, RW, SZ_1G);
		cr_assert_eq(pt_env_tables(&env), 1, "512 level-1 blocks");
		pt_env_fini(&env);
	}
}

Test(paging, half_aligned_is_not_aligned)
{
	const struct rumkv_pt_format *fmt;

	FOR_EACH_FAKE_FORMAT(fmt)
	{
		struct pt_env env;
		struct pt_dump dump = {0};
		uint64_t in = SZ_1G + SZ_2M / 2;

		pt_env_init(&env, fmt, 16, POOL_PA);
		expect_ok(rumkv_pt_map(&env.pt, in, OUT + in, 2 * SZ_2M, RW),
			  "map");
		pt_dump_take(&env.pt, &dump);
		cr_assert_eq(pt_dump_leaves(&dump, 2), 1);
		cr_assert_eq(pt_dump_leaves(&dump, 3), 512);
		expect_lookup(&env, in, OUT + in, RW, SZ_4K);
		expect_lookup(&env, in + SZ_2M, OUT + in + SZ_2M, RW, SZ_2M);
		pt_dump_free(&dump);
		pt_env_fini(&env);
	}
}

Test(paging, misaligned_output_forces_smaller_leaves)
{
	const struct rumkv_pt_format *fmt;

	FOR_EACH_FAKE_FORMAT(fmt)
	{
		struct pt_env env;
		struct pt_dump dump = {0};

		pt_env_init(&env, fmt, 16, POOL_PA);
		/* 2 MiB aligned input, output off by one page: pages. */
		expect_ok(rumkv_pt_map(&env.pt, SZ_2M, OUT + SZ_4K, SZ_2M, RW),
			  "map pages");
		expect_lookup(&env, SZ_2M + SZ_4K, OUT + 2 * SZ_4K, RW, SZ_4K);
		cr_assert_eq(pt_env_tables(&env), 3);
		/* 1 GiB aligned input, 2 MiB aligned output: 2 MiB blocks. */
		expect_ok(rumkv_pt_map(&env.pt, SZ_1G, OUT + SZ_2M, SZ_1G, RW),
			  "map blocks");
		pt_dump_take(&env.pt, &dump);
		cr_assert_eq(pt_dump_leaves(&dump, 3), 512);
		cr_assert_eq(pt_dump_leaves(&dump, 2), 512);
		cr_assert_eq(pt_dump_leaves(&dump, 1), 0);
		expect_lookup(&env, 2 * SZ_1G - SZ_4K,
			      OUT + SZ_1G + SZ_2M - SZ_4K, RW, SZ_2M);
		pt_dump_free(&dump);
		pt_env_fini(&env);
	}
}

Test(paging, maps_the_top_of_the_input_space)
{
	const struct rumkv_pt_format *fmt;

	FOR_EACH_FAKE_FORMAT(fmt)
	{
		struct pt_env env;
		uint64_t top = rumkv_pt_input_size(fmt);

		pt_env_init(&env, fmt, 16, POOL_PA);
		expect_ok(rumkv_pt_map(&env.pt, top - SZ_1G - SZ_4K,
				       OUT - SZ_4K, SZ_1G + SZ_4K, RW),
			  "map");
		expect_lookup(&env, top - SZ_4K, OUT + SZ_1G - SZ_4K, RW,
			      SZ_1G);
		expect_lookup(&env, top - SZ_1G - SZ_4K, OUT - SZ_4K, RW,
			      SZ_4K);
		expect_lookup(&env, top - SZ_1G, OUT, RW, SZ_1G);
		expect_ok(rumkv_pt_unmap(&env.pt, top - SZ_1G - SZ_4K,
					 SZ_1G + SZ_4K),
			  "unmap");
		cr_assert_eq(pt_env_tables(&env), 0);
		pt_env_fini(&env);
	}
}

Test(paging, concatenated_root_second_page)
{
	struct pt_env env;
	const uint64_t *root;
	uint64_t in = (1ull << 48) + 5 * SZ_1G;

	pt_env_init(&env, &fake_pt_format_concat, 16, POOL_PA);
	expect_ok(rumkv_pt_map(&env.pt, in, OUT, SZ_1G, RW), "map");
	expect_ok(rumkv_pt_map(&env.pt, SZ_1G, OUT, SZ_1G, RW), "map");
	expect_lookup(&env, in + SZ_4K, OUT + SZ_4K, RW, SZ_1G);
	expect_unmapped(&env, in - SZ_1G);
	root = (const uint64_t *)((uint8_t *)env.mem +
				  (env.pt.root_pa - POOL_PA));
	cr_assert_neq(root[512], 0, "entry 512 lives in the second page");
	cr_assert_neq(root[0], 0);
	pt_env_fini(&env);
}

/* ---- unmap and splitting ---- */

Test(paging, unmapping_a_page_splits_a_1g_block)
{
	const struct rumkv_pt_format *fmt;

	FOR_EACH_FAKE_FORMAT(fmt)
	{
		struct pt_env env;
		uint64_t in = 7 * SZ_1G;
		uint64_t hole = in + 0x12345000;
		uint64_t chunk = hole & ~(SZ_2M - 1);
		uint64_t a;

		pt_env_init(&env, fmt, 16, POOL_PA);
		expect_ok(rumkv_pt_map(&env.pt, in, OUT, SZ_1G, RX), "map");
		EXPECT_UNCHANGED(&env, RUMKV_EALIGN,
				 rumkv_pt_unmap(&env.pt, hole, SZ_4K));
		fake_pt_log_reset(&env.log, &env.pt);
		expect_ok(rumkv_pt_unmap_split(&env.pt, hole, SZ_4K), "unmap");
		expect_unmapped(&env, hole);
		for (a = in; a < in + SZ_1G; a += SZ_2M) {
			if (a != chunk) {
				expect_lookup(&env, a, OUT + (a - in), RX,
					      SZ_2M);
			}
		}
		for (a = chunk; a < chunk + SZ_2M; a += SZ_4K) {
			if (a != hole) {
				expect_lookup(&env, a, OUT + (a - in), RX,
					      SZ_4K);
			}
		}
		cr_assert_eq(pt_env_tables(&env), 3);
		/* The block, then the 2 MiB block below it, then the page. */
		cr_assert_eq(env.log.invalidate_count, 3);
		cr_assert_eq(env.log.events[0].kind, FAKE_PT_INVALIDATE);
		cr_assert_eq(env.log.events[0].in, in);
		cr_assert_eq(env.log.events[0].size, SZ_1G);
		cr_assert(fake_pt_log_covers(&env.log, chunk, SZ_2M));
		cr_assert(fake_pt_log_covers(&env.log, hole, SZ_4K));
		cr_assert_eq(env.log.mapped_count, 0, "break before make");
		cr_assert_geq(env.log.publish_count, 1);
		/* The rest goes away and so do the tables. */
		expect_ok(rumkv_pt_unmap(&env.pt, in, SZ_1G), "unmap rest");
		cr_assert_eq(pt_env_tables(&env), 0);
		expect_unmapped(&env, in);
		pt_env_fini(&env);
	}
}

Test(paging, unmap_straddling_two_blocks_splits_both)
{
	const struct rumkv_pt_format *fmt;

	FOR_EACH_FAKE_FORMAT(fmt)
	{
		struct pt_env env;
		uint64_t in = SZ_1G + 4 * SZ_2M;

		pt_env_init(&env, fmt, 16, POOL_PA);
		expect_ok(rumkv_pt_map(&env.pt, in, OUT, 2 * SZ_2M, RW), "map");
		cr_assert_eq(pt_env_tables(&env), 2);
		EXPECT_UNCHANGED(
			&env, RUMKV_EALIGN,
			rumkv_pt_unmap(&env.pt, in + SZ_2M - SZ_4K, 2 * SZ_4K));
		expect_ok(rumkv_pt_unmap_split(&env.pt, in + SZ_2M - SZ_4K,
					       2 * SZ_4K),
			  "unmap");
		cr_assert_eq(pt_env_tables(&env), 4);
		expect_unmapped(&env, in + SZ_2M - SZ_4K);
		expect_unmapped(&env, in + SZ_2M);
		expect_lookup(&env, in + SZ_2M - 2 * SZ_4K,
			      OUT + SZ_2M - 2 * SZ_4K, RW, SZ_4K);
		expect_lookup(&env, in + SZ_2M + SZ_4K, OUT + SZ_2M + SZ_4K, RW,
			      SZ_4K);
		expect_lookup(&env, in, OUT, RW, SZ_4K);
		cr_assert(fake_pt_log_covers(&env.log, in, 2 * SZ_2M));
		cr_assert_eq(env.log.mapped_count, 0);
		pt_env_fini(&env);
	}
}

Test(paging, unmap_of_nothing_is_fine_and_silent)
{
	const struct rumkv_pt_format *fmt;

	FOR_EACH_FAKE_FORMAT(fmt)
	{
		struct pt_env env;

		pt_env_init(&env, fmt, 16, POOL_PA);
		expect_ok(rumkv_pt_map(&env.pt, SZ_4K, OUT, SZ_4K, RW), "map");
		fake_pt_log_reset(&env.log, &env.pt);
		expect_ok(rumkv_pt_unmap(&env.pt, SZ_1G, 3 * SZ_1G), "unmap");
		expect_ok(rumkv_pt_unmap(&env.pt, 2 * SZ_4K, SZ_2M), "unmap");
		cr_assert_eq(env.log.count, 0);
		expect_lookup(&env, SZ_4K, OUT, RW, SZ_4K);
		pt_env_fini(&env);
	}
}

/* The resident unmap: what one or more map calls mapped goes away whole;
 * a range that would need a split is refused before anything changes,
 * even when leaves before the crossing one lie wholly inside it. */
Test(paging, unmap_refuses_a_leaf_crossing_an_end)
{
	const struct rumkv_pt_format *fmt;

	FOR_EACH_FAKE_FORMAT(fmt)
	{
		struct pt_env env;
		uint64_t in = 2 * SZ_1G;
		uint64_t blk = 4 * SZ_1G + 6 * SZ_2M;

		pt_env_init(&env, fmt, 16, POOL_PA);
		expect_ok(rumkv_pt_map(&env.pt, in - 4 * SZ_4K, OUT, 4 * SZ_4K,
				       RW),
			  "pages before");
		expect_ok(rumkv_pt_map(&env.pt, in, OUT, SZ_1G, RX), "1G");
		expect_ok(rumkv_pt_map(&env.pt, in + SZ_1G, OUT, 4 * SZ_4K, RW),
			  "pages after");
		expect_ok(rumkv_pt_map(&env.pt, blk, OUT, SZ_2M, RW), "2M");
		/* Inside one leaf; ends crossing at the start, at the end,
		 * at both; at level 1 and level 2. */
		EXPECT_UNCHANGED(&env, RUMKV_EALIGN,
				 rumkv_pt_unmap(&env.pt, in + SZ_2M, SZ_2M));
		EXPECT_UNCHANGED(&env, RUMKV_EALIGN,
				 rumkv_pt_unmap(&env.pt, in - 4 * SZ_4K,
						4 * SZ_4K + SZ_2M));
		EXPECT_UNCHANGED(&env, RUMKV_EALIGN,
				 rumkv_pt_unmap(&env.pt, in + SZ_1G - SZ_2M,
						SZ_2M + 4 * SZ_4K));
		EXPECT_UNCHANGED(
			&env, RUMKV_EALIGN,
			rumkv_pt_unmap(&env.pt, in + SZ_4K, SZ_1G + SZ_4K));
		EXPECT_UNCHANGED(&env, RUMKV_EALIGN,
				 rumkv_pt_unmap(&env.pt, blk + SZ_4K, SZ_2M));
		EXPECT_UNCHANGED(
			&env, RUMKV_EALIGN,
			rumkv_pt_unmap(&env.pt, blk - SZ_2M, SZ_2M + SZ_4K));
		expect_lookup(&env, in + SZ_2M, OUT + SZ_2M, RX, SZ_1G);
		expect_lookup(&env, blk, OUT, RW, SZ_2M);

		/* The union of three map calls, holes around it. */
		fake_pt_log_reset(&env.log, &env.pt);
		expect_ok(
			rumkv_pt_unmap(&env.pt, in - SZ_2M, SZ_1G + 2 * SZ_2M),
			"unmap");
		expect_unmapped(&env, in - SZ_4K);
		expect_unmapped(&env, in + SZ_2M);
		expect_unmapped(&env, in + SZ_1G);
		cr_assert(fake_pt_log_covers(&env.log, in - 4 * SZ_4K,
					     SZ_1G + 8 * SZ_4K));
		cr_assert_eq(env.log.mapped_count, 0);
		cr_assert_eq(env.log.publish_count, 0);
		expect_ok(rumkv_pt_unmap(&env.pt, blk, SZ_2M), "unmap 2M");
		cr_assert_eq(pt_env_tables(&env), 0);
		pt_env_fini(&env);
	}
}

/* The resident unmap never needs a page: with the pool full it still
 * removes whole mappings, and refuses a split as misaligned, where the
 * splitting unmap runs out of pages. */
Test(paging, unmap_never_takes_a_page)
{
	const struct rumkv_pt_format *fmt;

	FOR_EACH_FAKE_FORMAT(fmt)
	{
		struct pt_env env;
		uint32_t root = fmt == &fake_pt_format ? 1 : 2;
		uint64_t in = 3 * SZ_1G;

		pt_env_init(&env, fmt, root + 3, POOL_PA);
		expect_ok(rumkv_pt_map(&env.pt, in, OUT, SZ_2M, RW), "2M");
		expect_ok(rumkv_pt_map(&env.pt, in + SZ_2M, OUT, SZ_4K, RW),
			  "4K");
		cr_assert_eq(env.pool.used_count, env.pool.page_count);
		EXPECT_UNCHANGED(&env, RUMKV_EALIGN,
				 rumkv_pt_unmap(&env.pt, in, SZ_4K));
		EXPECT_UNCHANGED(&env, RUMKV_ENOMEM,
				 rumkv_pt_unmap_split(&env.pt, in, SZ_4K));
		expect_ok(rumkv_pt_unmap(&env.pt, in, SZ_2M), "unmap 2M");
		expect_lookup(&env, in + SZ_2M, OUT, RW, SZ_4K);
		expect_ok(rumkv_pt_unmap(&env.pt, in + SZ_2M, SZ_4K),
			  "unmap 4K");
		cr_assert_eq(pt_env_tables(&env), 0);
		pt_env_fini(&env);
	}
}

Test(paging, empty_tables_return_to_the_pool)
{
	const struct rumkv_pt_format *fmt;

	FOR_EACH_FAKE_FORMAT(fmt)
	{
		struct pt_env env;
		static const uint64_t at[] = {0, SZ_2M + SZ_4K, SZ_1G,
					      (1ull << 39) + SZ_4K,
					      (1ull << 40) - SZ_4K};
		size_t i;

		pt_env_init(&env, fmt, 32, POOL_PA);
		for (i = 0; i < RUMKV_ARRAY_SIZE(at); i++) {
			expect_ok(rumkv_pt_map(&env.pt, at[i], OUT, SZ_4K, RW),
				  "map");
		}
		cr_assert_eq(pt_env_tables(&env), 2 + 2 + 2 + 3 + 2);
		expect_ok(rumkv_pt_unmap(&env.pt, SZ_2M + SZ_4K, SZ_4K),
			  "unmap");
		cr_assert_eq(pt_env_tables(&env), 10, "one L3 table freed");
		expect_ok(rumkv_pt_unmap(&env.pt, (1ull << 39), SZ_2M),
			  "unmap");
		cr_assert_eq(pt_env_tables(&env), 8, "L3 and L2 freed");
		expect_ok(rumkv_pt_unmap(&env.pt, 0, 1ull << 41), "unmap all");
		cr_assert_eq(pt_env_tables(&env), 0);
		/* Freed pages are handed out again, first the latest one. */
		expect_ok(rumkv_pt_map(&env.pt, 0, OUT, SZ_4K, RW), "remap");
		cr_assert_eq(pt_env_tables(&env), 3);
		cr_assert_leq(env.pool.next_unused, env.root_pages + 11);
		pt_env_fini(&env);
	}
}

Test(paging, freed_table_invalidated_before_reuse)
{
	struct pt_env env;
	uint64_t in = SZ_2M + 5 * SZ_4K;

	pt_env_init(&env, &fake_pt_format, 16, POOL_PA);
	expect_ok(rumkv_pt_map(&env.pt, in, OUT, SZ_4K, RW), "map");
	fake_pt_log_reset(&env.log, &env.pt);
	expect_ok(rumkv_pt_unmap(&env.pt, in, SZ_4K), "unmap");
	/* Each table's whole range is invalidated before its page is
	 * freed, the page's own range merged into the first one. */
	cr_assert_eq(env.log.invalidate_count, 3);
	cr_assert_eq(env.log.events[0].in, SZ_2M);
	cr_assert_eq(env.log.events[0].size, SZ_2M);
	cr_assert_eq(env.log.events[1].in, 0);
	cr_assert_eq(env.log.events[1].size, SZ_1G);
	cr_assert_eq(env.log.events[2].in, 0);
	cr_assert_eq(env.log.events[2].size, 1ull << 39);
	cr_assert_eq(env.log.events[0].pool_used, env.root_pages + 3);
	cr_assert_eq(env.log.events[1].pool_used, env.root_pages + 2);
	cr_assert_eq(env.log.events[2].pool_used, env.root_pages + 1);
	cr_assert_eq(env.log.mapped_count, 0);
	cr_assert_eq(pt_env_tables(&env), 0);
	pt_env_fini(&env);
}

/* ---- failure atomicity ---- */

Test(paging, map_without_enough_pages_changes_nothing)
{
	const struct rumkv_pt_format *fmt;

	FOR_EACH_FAKE_FORMAT(fmt)
	{
		struct pt_env env;
		uint32_t root = fmt == &fake_pt_format ? 1 : 2;

		pt_env_init(&env, fmt, root + 2, POOL_PA);
		EXPECT_UNCHANGED(&env, RUMKV_ENOMEM,
				 rumkv_pt_map(&env.pt, 0, OUT, SZ_4K, RW));
		expect_ok(rumkv_pt_map(&env.pt, 0, OUT, SZ_2M, RW), "map");
		/* Blocks fit the existing tables until 2 GiB, then a new
		 * level-2 table would be needed. */
		EXPECT_UNCHANGED(
			&env, RUMKV_ENOMEM,
			rumkv_pt_map(&env.pt, SZ_2M, OUT, 2 * SZ_1G, RW));
		pt_env_fini(&env);

		pt_env_init(&env, fmt, root + 3, POOL_PA);
		expect_ok(rumkv_pt_map(&env.pt, SZ_4K, OUT, SZ_4K, RW), "map");
		cr_assert_eq(env.pool.used_count, env.pool.page_count);
		EXPECT_UNCHANGED(&env, RUMKV_ENOMEM,
				 rumkv_pt_map(&env.pt, SZ_2M, OUT, SZ_4K, RW));
		expect_ok(rumkv_pt_map(&env.pt, 0, OUT, SZ_4K, RW),
			  "map into existing tables");
		pt_env_fini(&env);
	}
}

Test(paging, split_without_enough_pages_changes_nothing)
{
	const struct rumkv_pt_format *fmt;

	FOR_EACH_FAKE_FORMAT(fmt)
	{
		struct pt_env env;
		uint32_t root = fmt == &fake_pt_format ? 1 : 2;
		uint64_t in = 2 * SZ_1G;

		pt_env_init(&env, fmt, root + 2, POOL_PA);
		expect_ok(rumkv_pt_map(&env.pt, in, OUT, SZ_1G, RW), "map");
		EXPECT_UNCHANGED(
			&env, RUMKV_ENOMEM,
			rumkv_pt_unmap_split(&env.pt, in + SZ_1G / 2, SZ_4K));
		/* Two ends in two 2 MiB blocks: three pages. */
		EXPECT_UNCHANGED(&env, RUMKV_ENOMEM,
				 rumkv_pt_unmap_split(&env.pt, in + SZ_4K,
						      SZ_1G - 2 * SZ_4K));
		expect_lookup(&env, in + SZ_1G / 2, OUT + SZ_1G / 2, RW, SZ_1G);
		/* One split is affordable. */
		expect_ok(rumkv_pt_unmap_split(&env.pt, in + SZ_2M,
					       SZ_1G - SZ_2M),
			  "unmap");
		expect_lookup(&env, in, OUT, RW, SZ_2M);
		expect_unmapped(&env, in + SZ_2M);
		pt_env_fini(&env);
	}
}

Test(paging, overlaps_are_rejected_whole)
{
	const struct rumkv_pt_format *fmt;

	FOR_EACH_FAKE_FORMAT(fmt)
	{
		struct pt_env env;
		uint64_t blk = SZ_1G + 8 * SZ_2M;
		uint64_t pg = 3 * SZ_1G + 5 * SZ_4K;

		pt_env_init(&env, fmt, 64, POOL_PA);
		expect_ok(rumkv_pt_map(&env.pt, blk, OUT, SZ_2M, RW), "block");
		expect_ok(rumkv_pt_map(&env.pt, pg, OUT, SZ_4K, RW), "page");
		EXPECT_UNCHANGED(
			&env, RUMKV_EBUSY,
			rumkv_pt_map(&env.pt, blk + SZ_4K, OUT, SZ_4K, RW));
		EXPECT_UNCHANGED(
			&env, RUMKV_EBUSY,
			rumkv_pt_map(&env.pt, blk - SZ_4K, OUT, 2 * SZ_4K, RW));
		EXPECT_UNCHANGED(&env, RUMKV_EBUSY,
				 rumkv_pt_map(&env.pt, SZ_1G, OUT, SZ_1G, RW));
		EXPECT_UNCHANGED(&env, RUMKV_EBUSY,
				 rumkv_pt_map(&env.pt, pg & ~(SZ_2M - 1), OUT,
					      SZ_2M, RW));
		EXPECT_UNCHANGED(
			&env, RUMKV_EBUSY,
			rumkv_pt_map(&env.pt, 3 * SZ_1G, OUT, SZ_1G, RW));
		/* Tables would be needed before the overlap is reached. */
		EXPECT_UNCHANGED(
			&env, RUMKV_EBUSY,
			rumkv_pt_map(&env.pt, SZ_4K, OUT + SZ_4K, pg, RW));
		EXPECT_UNCHANGED(&env, RUMKV_EBUSY,
				 rumkv_pt_map(&env.pt, pg, OUT, SZ_4K, RW));
		/* Right next to a mapping is not an overlap. */
		expect_ok(rumkv_pt_map(&env.pt, blk - SZ_4K, OUT, SZ_4K, RW),
			  "below");
		expect_ok(rumkv_pt_map(&env.pt, blk + SZ_2M, OUT, SZ_2M, RW),
			  "above");
		expect_ok(rumkv_pt_map(&env.pt, pg + SZ_4K, OUT, SZ_4K, RW),
			  "next page");
		pt_env_fini(&env);
	}
}

Test(paging, argument_errors)
{
	const struct rumkv_pt_format *fmt;

	FOR_EACH_FAKE_FORMAT(fmt)
	{
		struct pt_env env;
		uint64_t top = rumkv_pt_input_size(fmt);
		uint64_t last = ~0ull & ~(SZ_4K - 1);
		struct rumkv_pt *pt = &env.pt;

		pt_env_init(&env, fmt, 16, POOL_PA);
		expect_ok(rumkv_pt_map(pt, SZ_1G, OUT, SZ_4K, RW), "map");
		EXPECT_UNCHANGED(&env, RUMKV_EALIGN,
				 rumkv_pt_map(pt, 0x800, OUT, SZ_4K, RW));
		EXPECT_UNCHANGED(&env, RUMKV_EALIGN,
				 rumkv_pt_map(pt, 0, OUT + 8, SZ_4K, RW));
		EXPECT_UNCHANGED(&env, RUMKV_EALIGN,
				 rumkv_pt_map(pt, 0, OUT, SZ_4K + 1, RW));
		EXPECT_UNCHANGED(&env, RUMKV_EALIGN,
				 rumkv_pt_map(pt, ~0ull, OUT, SZ_4K, RW));
		EXPECT_UNCHANGED(&env, RUMKV_EINVAL,
				 rumkv_pt_map(pt, 0, OUT, 0, RW));
		EXPECT_UNCHANGED(&env, RUMKV_EINVAL,
				 rumkv_pt_map(pt, 0, OUT, SZ_4K, 0x10));
		EXPECT_UNCHANGED(&env, RUMKV_EINVAL,
				 rumkv_pt_map(pt, 0, OUT, SZ_4K, ~0u));
		EXPECT_UNCHANGED(&env, RUMKV_ERANGE,
				 rumkv_pt_map(pt, top, OUT, SZ_4K, RW));
		EXPECT_UNCHANGED(
			&env, RUMKV_ERANGE,
			rumkv_pt_map(pt, top - SZ_4K, OUT, 2 * SZ_4K, RW));
		EXPECT_UNCHANGED(&env, RUMKV_ERANGE,
				 rumkv_pt_map(pt, last, OUT, SZ_4K, RW));
		EXPECT_UNCHANGED(&env, RUMKV_ERANGE,
				 rumkv_pt_map(pt, SZ_4K, OUT, last, RW));
		EXPECT_UNCHANGED(&env, RUMKV_ERANGE,
				 rumkv_pt_map(pt, 2 * SZ_4K, OUT, last, RW));
		EXPECT_UNCHANGED(&env, RUMKV_ERANGE,
				 rumkv_pt_map(pt, 0, last, 2 * SZ_4K, RW));
		/* The format holds 48-bit output addresses only. */
		EXPECT_UNCHANGED(&env, RUMKV_ERANGE,
				 rumkv_pt_map(pt, 0, 1ull << FAKE_PT_OUT_BITS,
					      SZ_4K, RW));
		EXPECT_UNCHANGED(
			&env, RUMKV_ERANGE,
			rumkv_pt_map(pt, 0, (1ull << FAKE_PT_OUT_BITS) - SZ_4K,
				     2 * SZ_4K, RW));

		EXPECT_UNCHANGED(&env, RUMKV_EALIGN,
				 rumkv_pt_unmap(pt, SZ_1G + 1, SZ_4K));
		EXPECT_UNCHANGED(&env, RUMKV_EALIGN,
				 rumkv_pt_unmap(pt, SZ_1G, 0x10));
		EXPECT_UNCHANGED(&env, RUMKV_EINVAL,
				 rumkv_pt_unmap(pt, SZ_1G, 0));
		EXPECT_UNCHANGED(&env, RUMKV_ERANGE,
				 rumkv_pt_unmap(pt, top, SZ_4K));
		EXPECT_UNCHANGED(&env, RUMKV_ERANGE,
				 rumkv_pt_unmap(pt, SZ_1G, last));
		EXPECT_UNCHANGED(&env, RUMKV_ERANGE,
				 rumkv_pt_unmap(pt, last, SZ_4K));
		EXPECT_UNCHANGED(&env, RUMKV_ERANGE,
				 rumkv_pt_unmap(pt, 0, top + SZ_4K));
		EXPECT_UNCHANGED(&env, RUMKV_EALIGN,
				 rumkv_pt_unmap_split(pt, SZ_1G + 1, SZ_4K));
		EXPECT_UNCHANGED(&env, RUMKV_EINVAL,
				 rumkv_pt_unmap_split(pt, SZ_1G, 0));
		EXPECT_UNCHANGED(&env, RUMKV_ERANGE,
				 rumkv_pt_unmap_split(pt, last, SZ_4K));
		EXPECT_UNCHANGED(&env, RUMKV_ERANGE,
				 rumkv_pt_unmap_split(pt, 0, top + SZ_4K));

		cr_assert_eq(rumkv_pt_lookup(pt, top, NULL, NULL, NULL),
			     RUMKV_ERANGE);
		cr_assert_eq(rumkv_pt_lookup(pt, ~0ull, NULL, NULL, NULL),
			     RUMKV_ERANGE);
		cr_assert_eq(rumkv_pt_lookup(pt, top - 1, NULL, NULL, NULL),
			     RUMKV_ENOENT);
		cr_assert_eq(
			rumkv_pt_lookup(pt, SZ_1G + 0xfff, NULL, NULL, NULL),
			0);
		expect_lookup(&env, SZ_1G + 0xabc, OUT + 0xabc, RW, SZ_4K);
		pt_env_fini(&env);
	}
}

/* ---- invalidation and publication ---- */

Test(paging, mapping_into_empty_slots_invalidates_nothing)
{
	const struct rumkv_pt_format *fmt;

	FOR_EACH_FAKE_FORMAT(fmt)
	{
		struct pt_env env;

		pt_env_init(&env, fmt, 16, POOL_PA);
		expect_ok(rumkv_pt_map(&env.pt, SZ_2M - SZ_4K,
				       OUT + SZ_2M - SZ_4K, SZ_1G + SZ_4K, RW),
			  "map");
		cr_assert_eq(env.log.invalidate_count, 0);
		cr_assert_geq(env.log.publish_count, 1);
		cr_assert_eq(env.log.events[env.log.count - 1].kind,
			     FAKE_PT_PUBLISH, "published last");
		/* No new table: the final publish is the only one. */
		fake_pt_log_reset(&env.log, &env.pt);
		expect_ok(rumkv_pt_map(&env.pt, SZ_2M - 2 * SZ_4K, OUT, SZ_4K,
				       RW),
			  "map");
		cr_assert_eq(env.log.count, 1);
		cr_assert_eq(env.log.events[0].kind, FAKE_PT_PUBLISH);
		pt_env_fini(&env);
	}
}

Test(paging, unmapped_ranges_are_invalidated_before_return)
{
	const struct rumkv_pt_format *fmt;

	FOR_EACH_FAKE_FORMAT(fmt)
	{
		struct pt_env env;
		uint64_t a = SZ_1G + 16 * SZ_4K;

		pt_env_init(&env, fmt, 16, POOL_PA);
		expect_ok(rumkv_pt_map(&env.pt, a, OUT, 16 * SZ_4K, RW), "map");
		expect_ok(rumkv_pt_map(&env.pt, a + 64 * SZ_4K, OUT, SZ_4K, RW),
			  "map");
		expect_ok(rumkv_pt_map(&env.pt, SZ_1G + SZ_2M, OUT, SZ_2M, RW),
			  "map");
		fake_pt_log_reset(&env.log, &env.pt);
		/* Contiguous pages in a table that stays: one call. */
		expect_ok(rumkv_pt_unmap(&env.pt, a, 16 * SZ_4K), "unmap");
		cr_assert_eq(env.log.invalidate_count, 1);
		cr_assert_eq(env.log.events[0].in, a);
		cr_assert_eq(env.log.events[0].size, 16 * SZ_4K);
		cr_assert_eq(env.log.publish_count, 0, "nothing was written");
		/* Holes between mappings are fine. */
		fake_pt_log_reset(&env.log, &env.pt);
		expect_ok(rumkv_pt_unmap(&env.pt, SZ_1G, SZ_1G), "unmap");
		cr_assert(fake_pt_log_covers(&env.log, a + 64 * SZ_4K, SZ_4K));
		cr_assert(fake_pt_log_covers(&env.log, SZ_1G + SZ_2M, SZ_2M));
		cr_assert_eq(env.log.mapped_count, 0);
		cr_assert_eq(pt_env_tables(&env), 0);
		pt_env_fini(&env);
	}
}

Test(paging, two_tables_share_a_pool)
{
	struct pt_env env;
	struct rumkv_pt other;
	struct fake_pt_log other_log;
	uint32_t used;

	pt_env_init(&env, &fake_pt_format, 16, POOL_PA);
	fake_pt_log_reset(&other_log, &other);
	expect_ok(rumkv_pt_init(&other, &fake_pt_format_concat, &env.pool,
				&fake_pt_ops, &other_log),
		  "second table");
	cr_assert_eq(other.root_pa % (2 * SZ_4K), 0);
	used = env.pool.used_count;
	expect_ok(rumkv_pt_map(&env.pt, 0, OUT, SZ_4K, RW), "map");
	expect_ok(rumkv_pt_map(&other, 0, 2 * OUT, SZ_4K, RX), "map");
	cr_assert_eq(env.pool.used_count, used + 6);
	expect_ok(rumkv_pt_unmap(&env.pt, 0, SZ_4K), "unmap");
	cr_assert_eq(env.pool.used_count, used + 3);
	cr_assert_eq(rumkv_pt_lookup(&other, 0, NULL, NULL, NULL), 0);
	expect_ok(rumkv_pt_map(&env.pt, SZ_1G, OUT, SZ_4K, RW), "remap");
	cr_assert_eq(rumkv_pt_lookup(&other, 0, NULL, NULL, NULL), 0);
	expect_lookup(&env, SZ_1G, OUT, RW, SZ_4K);
	pt_env_fini(&env);
}

/* ---- a format with 64-bit addresses on both sides ---- */

/*
 * Five levels indexing all 64 input bits (a 16-bit root of 128 pages), and
 * descriptors that hold any page-aligned output address: bit 0 valid, bit 1
 * leaf, attributes in bits 4..7. It reaches corners the fake formats
 * cannot: ranges that end at 2^64 and output ranges that wrap.
 */
static uint64_t wide_table(unsigned level, uint64_t pa)
{
	(void)level;
	return pa | 1;
}

static uint64_t wide_leaf(unsigned level, uint64_t out, uint32_t attr)
{
	(void)level;
	return out | 3 | (uint64_t)attr << 4;
}

static enum rumkv_pte_type wide_type(unsigned level, uint64_t pte)
{
	(void)level;
	if ((pte & 1) == 0) {
		return RUMKV_PTE_INVALID;
	}
	return (pte & 2) != 0 ? RUMKV_PTE_LEAF : RUMKV_PTE_TABLE;
}

static uint64_t wide_addr(unsigned level, uint64_t pte)
{
	(void)level;
	return pte & ~(SZ_4K - 1);
}

static uint32_t wide_attr(unsigned level, uint64_t pte)
{
	(void)level;
	return (uint32_t)(pte >> 4) & RUMKV_ATTR_MASK;
}

static const struct rumkv_pt_format wide_format = {
	.name = "wide",
	.level_count = 5,
	.levels = {{48, 16, false},
		   {39, 9, false},
		   {30, 9, true},
		   {21, 9, true},
		   {12, 9, true}},
	.pte_table = wide_table,
	.pte_leaf = wide_leaf,
	.pte_type = wide_type,
	.pte_addr = wide_addr,
	.pte_attr = wide_attr,
};

Test(paging, wide_output_ranges_must_not_wrap)
{
	struct pt_env env;
	uint64_t last = ~0ull & ~(SZ_4K - 1);

	pt_env_init(&env, &wide_format, 160, POOL_PA);
	cr_assert_eq(env.root_pages, 128);
	EXPECT_UNCHANGED(&env, RUMKV_ERANGE,
			 rumkv_pt_map(&env.pt, 0, last, 2 * SZ_4K, RW));
	expect_ok(rumkv_pt_map(&env.pt, 0, last, SZ_4K, RW), "last page");
	expect_lookup(&env, 0, last, RW, SZ_4K);
	pt_env_fini(&env);
}

Test(paging, wide_input_space_up_to_2_64)
{
	struct pt_env env;
	uint64_t top_1g = ~0ull - SZ_1G + 1;
	uint64_t in = top_1g - SZ_4K;

	cr_assert_eq(rumkv_pt_input_size(&wide_format), 0);
	pt_env_init(&env, &wide_format, 160, POOL_PA);
	/* The range ends exactly at 2^64. */
	expect_ok(rumkv_pt_map(&env.pt, in, OUT - SZ_4K, SZ_1G + SZ_4K, RX),
		  "map");
	expect_lookup(&env, ~0ull, OUT + SZ_1G - 1, RX, SZ_1G);
	expect_lookup(&env, in, OUT - SZ_4K, RX, SZ_4K);
	cr_assert_eq(pt_env_tables(&env), 4);
	EXPECT_UNCHANGED(&env, RUMKV_ERANGE,
			 rumkv_pt_map(&env.pt, in, OUT, SZ_1G + 2 * SZ_4K, RX));
	EXPECT_UNCHANGED(
		&env, RUMKV_EBUSY,
		rumkv_pt_map(&env.pt, ~0ull - SZ_4K + 1, OUT, SZ_4K, RX));
	/* Split the top block, then unmap everything up to 2^64. */
	fake_pt_log_reset(&env.log, &env.pt);
	EXPECT_UNCHANGED(&env, RUMKV_EALIGN,
			 rumkv_pt_unmap(&env.pt, top_1g + SZ_2M, SZ_4K));
	fake_pt_log_reset(&env.log, &env.pt);
	expect_ok(rumkv_pt_unmap_split(&env.pt, top_1g + SZ_2M, SZ_4K),
		  "split");
	cr_assert(fake_pt_log_covers(&env.log, top_1g, SZ_1G));
	expect_lookup(&env, ~0ull, OUT + SZ_1G - 1, RX, SZ_2M);
	fake_pt_log_reset(&env.log, &env.pt);
	expect_ok(rumkv_pt_unmap(&env.pt, SZ_4K, ~0ull - SZ_4K + 1),
		  "unmap up to 2^64");
	cr_assert_eq(pt_env_tables(&env), 0);
	cr_assert_eq(env.log.mapped_count, 0);
	cr_assert(fake_pt_log_covers(&env.log, in, SZ_1G + SZ_4K));
	expect_unmapped(&env, ~0ull);
	pt_env_fini(&env);
}
