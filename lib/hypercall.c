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

/* RumKV runs little-endian only, as every ISA of its roadmap does; the
 * ABI's byte packing (console write) relies on it. */
_Static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__,
	       "RumKV supports little-endian machines only");

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

static void hc_console_write(struct rumkv_core *core, uint64_t r[8])
{
	uint64_t n = r[1];

	/* Another core of the cell may be pledging (it stores atomically);
	 * a write that passes here prints nothing once the pledge closed
	 * the console (rumkv_console_revoke, under the console lock). */
	if (!rumkv_cell_holds(core->cell, RUMKV_RIGHT_CONSOLE)) {
		rumkv_cell_violation(core, RUMKV_REASON_RIGHT_REVOKED,
				     "console write after pledging the "
				     "console away");
	}
	if (n > RUMKV_CONSOLE_WRITE_MAX) {
		r[0] = status_of(RUMKV_EINVAL);
		return;
	}
	/* Byte i is bits 8 * (i % 8) up of r[2 + i / 8], which on a
	 * little-endian machine is exactly how r[2..7] lie in memory: the
	 * bytes are read in place. */
	rumkv_console_put(core, (const char *)&r[2], (size_t)n);
	r[0] = n;
}

static void hc_pledge(struct rumkv_core *core, uint64_t r[8])
{
	rumkv_pledge(core, r[1]);
	r[0] = RUMKV_RET_SUCCESS;
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

/*
 * A switch rather than a table of function pointers: one function with
 * one frame is smaller than the table's stubs and indirect call (36 bytes
 * less resident code). The null call (RUMKV_HC_VERSION) is answered
 * before the switch so that it costs no more instructions than the
 * table's dispatch did.
 */
void rumkv_hypercall(struct rumkv_core *core, uint64_t r[8])
{
	if (r[0] == RUMKV_HC_VERSION) {
		r[0] = RUMKV_ABI_VERSION;
		return;
	}
	switch (r[0]) {
	case RUMKV_HC_CONSOLE_WRITE:
		hc_console_write(core, r);
		break;
	case RUMKV_HC_PLEDGE:
		hc_pledge(core, r);
		break;
	case RUMKV_HC_CORE_INFO:
		r[0] = RUMKV_RET_SUCCESS;
		r[1] = core->cell->index;
		r[2] = core->vindex;
		r[3] = core->hwid;
		break;
	case RUMKV_HC_STATUS_PAGE:
		r[0] = RUMKV_RET_SUCCESS;
		r[1] = core->cell->plan->status_page_ipa;
		break;
	case RUMKV_HC_STATS:
		hc_stats(core, r);
		break;
	case RUMKV_HC_DOORBELL:
		r[0] = rumkv_channel_ring(core, r[1]);
		break;
	default:
		r[0] = (uint64_t)(int64_t)RUMKV_RET_NOT_SUPPORTED;
		break;
	}
}
