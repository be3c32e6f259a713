// SPDX-License-Identifier: MIT
/*
 * RumKV's own hypercalls (the function numbers of <rumkv/abi.h>).
 *
 * Arguments travel in registers only: RumKV never reads or writes guest
 * memory on a guest's behalf, so there is no guest pointer to validate,
 * no time-of-check-to-time-of-use window, and no way for one call to
 * touch another cell. Every argument that has a meaning is checked; the
 * unused ones are ignored, as SMCCC requires.
 */
#include "internal.h"

#include <rumkv/error.h>
#include <rumkv/port.h>

typedef void (*hcall_fn)(struct rumkv_core *core, uint64_t r[8]);

/* Maps library errors to the ABI's status values, in one place. */
static uint64_t status_of(int err)
{
	switch (err) {
	case RUMKV_OK:
		return RUMKV_RET_SUCCESS;
	case RUMKV_EINVAL:
	case RUMKV_ERANGE:
	case RUMKV_EALIGN:
		return (uint64_t)(int64_t)RUMKV_RET_INVALID_PARAMETER;
	case RUMKV_ENOTSUP:
		return (uint64_t)(int64_t)RUMKV_RET_NOT_SUPPORTED;
	default:
		return (uint64_t)(int64_t)RUMKV_RET_DENIED;
	}
}

static void hc_version(struct rumkv_core *core, uint64_t r[8])
{
	(void)core;
	r[0] = RUMKV_ABI_VERSION;
}

static void hc_console_write(struct rumkv_core *core, uint64_t r[8])
{
	char bytes[RUMKV_CONSOLE_WRITE_MAX];
	uint64_t n = r[1];
	uint64_t i;

	if ((core->cell->rights & RUMKV_RIGHT_CONSOLE) == 0) {
		rumkv_cell_violation(core, RUMKV_REASON_RIGHT_REVOKED,
				     "console write after pledging the "
				     "console away");
	}
	if (n > RUMKV_CONSOLE_WRITE_MAX) {
		r[0] = status_of(RUMKV_EINVAL);
		return;
	}
	for (i = 0; i < n; i++) {
		bytes[i] = (char)(r[2 + i / 8] >> (8 * (i % 8)));
	}
	rumkv_console_put(core, bytes, (size_t)n);
	r[0] = n;
}

static void hc_pledge(struct rumkv_core *core, uint64_t r[8])
{
	rumkv_pledge(core, r[1]);
	r[0] = RUMKV_RET_SUCCESS;
}

static void hc_core_info(struct rumkv_core *core, uint64_t r[8])
{
	r[0] = RUMKV_RET_SUCCESS;
	r[1] = core->cell->index;
	r[2] = core->vindex;
	r[3] = core->hwid;
}

static void hc_status_page(struct rumkv_core *core, uint64_t r[8])
{
	r[0] = RUMKV_RET_SUCCESS;
	r[1] = core->cell->plan->status_page_ipa;
}

static void hc_stats(struct rumkv_core *core, uint64_t r[8])
{
	struct rumkv_cell *cell = core->cell;
	uint64_t sum = 0;
	uint32_t v;

	for (v = 0; v < cell->plan->core_count; v++) {
		sum += __atomic_load_n(&rumkv_cell_core(cell, v)->exits,
				       __ATOMIC_RELAXED);
	}
	r[0] = RUMKV_RET_SUCCESS;
	r[1] = core->exits;
	r[2] = sum;
}

static const hcall_fn hcall_table[RUMKV_HC_COUNT] = {
	[RUMKV_HC_VERSION] = hc_version,
	[RUMKV_HC_CONSOLE_WRITE] = hc_console_write,
	[RUMKV_HC_PLEDGE] = hc_pledge,
	[RUMKV_HC_CORE_INFO] = hc_core_info,
	[RUMKV_HC_STATUS_PAGE] = hc_status_page,
	[RUMKV_HC_STATS] = hc_stats,
};

void rumkv_hypercall(struct rumkv_core *core, uint64_t r[8])
{
	uint64_t fn = r[0];

	if (fn >= RUMKV_HC_COUNT || hcall_table[fn] == NULL) {
		r[0] = (uint64_t)(int64_t)RUMKV_RET_NOT_SUPPORTED;
		return;
	}
	hcall_table[fn](core, r);
}
