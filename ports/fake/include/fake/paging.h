/* SPDX-License-Identifier: MIT */
/*
 * The fake port's descriptor formats and table ops, for host tests of the
 * mapping engine.
 *
 * The encoding differs at every level: the valid and leaf marker bits, the
 * position of the address field and the scrambling of the attributes all
 * move with the level, and at the page level the "table" pattern means a
 * leaf (as on AArch64). A descriptor written or read at the wrong level
 * therefore decodes to something else, and a test notices.
 */
#ifndef FAKE_PAGING_H
#define FAKE_PAGING_H

#include <rumkv/paging.h>

/* Output addresses the fake descriptors can hold. */
#define FAKE_PT_OUT_BITS 48u

/* Four levels (shifts 39/30/21/12, 9 bits each), 48-bit input, leaves at
 * levels 1 (1 GiB), 2 (2 MiB) and 3 (4 KiB). */
extern const struct rumkv_pt_format fake_pt_format;

/* The same with a 10-bit root: two concatenated root pages, 49-bit input. */
extern const struct rumkv_pt_format fake_pt_format_concat;

enum fake_pt_event_kind {
	FAKE_PT_INVALIDATE = 1,
	FAKE_PT_PUBLISH = 2,
};

struct fake_pt_event {
	enum fake_pt_event_kind kind;
	uint64_t in;	    /* invalidations only */
	uint64_t size;	    /* invalidations only */
	bool mapped;	    /* the probe still found part of the range mapped */
	uint32_t pool_used; /* the probe's pool.used_count at the time */
};

#define FAKE_PT_LOG_CAPACITY 1024u

/*
 * What fake_pt_ops saw. Pass a log as the table's owner. When `probe` is
 * set, every invalidation looks the range up in that table (break before
 * make means nothing in it may still be mapped at that moment) and notes
 * how many pool pages are in use (a table must not be freed before the
 * invalidation that makes it unreachable).
 */
struct fake_pt_log {
	const struct rumkv_pt *probe;
	uint32_t count;		   /* events recorded in events[] */
	uint32_t lost;		   /* events beyond the capacity */
	uint32_t invalidate_count; /* all invalidations, recorded or lost */
	uint32_t publish_count;
	uint32_t mapped_count; /* invalidations of a still mapped range */
	struct fake_pt_event events[FAKE_PT_LOG_CAPACITY];
};

extern const struct rumkv_pt_ops fake_pt_ops;

/* Empties the log and sets its probe (may be NULL). */
void fake_pt_log_reset(struct fake_pt_log *log, const struct rumkv_pt *probe);

/* True when the recorded invalidations together cover [in, in + size). */
bool fake_pt_log_covers(const struct fake_pt_log *log, uint64_t in,
			uint64_t size);

#endif /* FAKE_PAGING_H */
