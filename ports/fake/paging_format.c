// SPDX-License-Identifier: MIT
/*
 * The fake descriptor format and the recording table ops (see
 * <fake/paging.h>).
 *
 * Layout of a descriptor at level L (bit numbers):
 *   3L      valid
 *   3L + 1  leaf marker at levels 0-2; at level 3 a leaf has it clear and
 *           a set marker is invalid (AArch64's page/block inversion)
 *   16 + 2L output or next-table address bits [47:12] (36 bits)
 *   60..63  attributes, rotated left by L and xored with 3L
 * Zero is invalid at every level, as the engine requires.
 */
#include <fake/paging.h>

#define FAKE_LAST_LEVEL 3u
#define FAKE_ADDR_MASK ((1ull << (FAKE_PT_OUT_BITS - 12)) - 1)
#define FAKE_PROBE_SAMPLES 64u

static uint64_t valid_bit(unsigned level)
{
	return 1ull << (3 * level);
}

static uint64_t leaf_bit(unsigned level)
{
	return 1ull << (3 * level + 1);
}

static unsigned addr_shift(unsigned level)
{
	return 16 + 2 * level;
}

static uint64_t encode_addr(unsigned level, uint64_t pa)
{
	return ((pa >> 12) & FAKE_ADDR_MASK) << addr_shift(level);
}

static uint32_t scramble(unsigned level, uint32_t attr)
{
	unsigned r = level % 4;
	uint32_t rotated = ((attr << r) | (attr >> (4 - r))) & 0xfu;

	return rotated ^ ((3 * level) & 0xfu);
}

static uint32_t unscramble(unsigned level, uint32_t bits)
{
	unsigned r = level % 4;
	uint32_t rotated = (bits ^ ((3 * level) & 0xfu)) & 0xfu;

	return ((rotated >> r) | (rotated << (4 - r))) & 0xfu;
}

static uint64_t fake_pte_table(unsigned level, uint64_t next_table_pa)
{
	return valid_bit(level) | encode_addr(level, next_table_pa);
}

static uint64_t fake_pte_leaf(unsigned level, uint64_t out_pa, uint32_t attr)
{
	uint64_t marker = level == FAKE_LAST_LEVEL ? 0 : leaf_bit(level);

	return valid_bit(level) | marker | encode_addr(level, out_pa) |
	       (uint64_t)scramble(level, attr & RUMKV_ATTR_MASK) << 60;
}

static enum rumkv_pte_type fake_pte_type(unsigned level, uint64_t pte)
{
	bool marked = (pte & leaf_bit(level)) != 0;

	if ((pte & valid_bit(level)) == 0) {
		return RUMKV_PTE_INVALID;
	}
	if (level == FAKE_LAST_LEVEL) {
		return marked ? RUMKV_PTE_INVALID : RUMKV_PTE_LEAF;
	}
	return marked ? RUMKV_PTE_LEAF : RUMKV_PTE_TABLE;
}

static uint64_t fake_pte_addr(unsigned level, uint64_t pte)
{
	return ((pte >> addr_shift(level)) & FAKE_ADDR_MASK) << 12;
}

static uint32_t fake_pte_attr(unsigned level, uint64_t pte)
{
	return unscramble(level, (uint32_t)(pte >> 60));
}

#define FAKE_HOOKS                                              \
	.pte_table = fake_pte_table, .pte_leaf = fake_pte_leaf, \
	.pte_type = fake_pte_type, .pte_addr = fake_pte_addr,   \
	.pte_attr = fake_pte_attr

const struct rumkv_pt_format fake_pt_format = {
	.name = "fake",
	.level_count = 4,
	.levels = {{39, 9, false}, {30, 9, true}, {21, 9, true}, {12, 9, true}},
	FAKE_HOOKS,
};

const struct rumkv_pt_format fake_pt_format_concat = {
	.name = "fake-concat",
	.level_count = 4,
	.levels = {{39, 10, false},
		   {30, 9, true},
		   {21, 9, true},
		   {12, 9, true}},
	FAKE_HOOKS,
};

/* ---- the recording ops ---- */

static struct fake_pt_event *log_next(struct fake_pt_log *log,
				      enum fake_pt_event_kind kind)
{
	static struct fake_pt_event overflow;
	struct fake_pt_event *ev = &overflow;

	if (log->count < FAKE_PT_LOG_CAPACITY) {
		ev = &log->events[log->count++];
	} else {
		log->lost++;
	}
	*ev = (struct fake_pt_event){.kind = kind};
	return ev;
}

/* Looks up the first and last page and evenly spread pages between. */
static bool probe_mapped(const struct rumkv_pt *pt, uint64_t in, uint64_t size)
{
	uint64_t pages = size / RUMKV_PAGE_SIZE;
	uint64_t step = pages / FAKE_PROBE_SAMPLES + 1;
	uint64_t i;

	for (i = 0; i < pages; i += step) {
		if (rumkv_pt_lookup(pt, in + i * RUMKV_PAGE_SIZE, NULL, NULL,
				    NULL) == 0) {
			return true;
		}
	}
	return pages != 0 && rumkv_pt_lookup(pt, in + size - RUMKV_PAGE_SIZE,
					     NULL, NULL, NULL) == 0;
}

static void fake_invalidate(void *owner, uint64_t in, uint64_t size)
{
	struct fake_pt_log *log = owner;
	struct fake_pt_event *ev = log_next(log, FAKE_PT_INVALIDATE);

	ev->in = in;
	ev->size = size;
	if (log->probe != NULL) {
		ev->mapped = probe_mapped(log->probe, in, size);
		ev->pool_used = log->probe->pool->used_count;
	}
	log->invalidate_count++;
	log->mapped_count += ev->mapped;
}

static void fake_publish(void *owner)
{
	struct fake_pt_log *log = owner;

	(void)log_next(log, FAKE_PT_PUBLISH);
	log->publish_count++;
}

const struct rumkv_pt_ops fake_pt_ops = {
	.invalidate = fake_invalidate,
	.publish = fake_publish,
};

void fake_pt_log_reset(struct fake_pt_log *log, const struct rumkv_pt *probe)
{
	log->probe = probe;
	log->count = 0;
	log->lost = 0;
	log->invalidate_count = 0;
	log->publish_count = 0;
	log->mapped_count = 0;
}

/* The end of the recorded invalidation that contains `at`, or `at`. */
static uint64_t covered_until(const struct fake_pt_log *log, uint64_t at)
{
	uint32_t i;

	for (i = 0; i < log->count; i++) {
		const struct fake_pt_event *ev = &log->events[i];

		if (ev->kind == FAKE_PT_INVALIDATE && ev->size != 0 &&
		    at >= ev->in && at - ev->in < ev->size) {
			return ev->in + ev->size;
		}
	}
	return at;
}

bool fake_pt_log_covers(const struct fake_pt_log *log, uint64_t in,
			uint64_t size)
{
	while (size != 0) {
		uint64_t next = covered_until(log, in);

		if (next == in) {
			return false;
		}
		if (next == 0 || next - in >= size) {
			return true; /* next == 0: covered up to 2^64 */
		}
		size -= next - in;
		in = next;
	}
	return true;
}
