// SPDX-License-Identifier: MIT
/*
 * The status page: one page RumKV writes and every cell may read, showing
 * each cell's state, rights and restarts, so that a cell can check a peer
 * (say, that cell C holds no network right) before trusting it.
 *
 * Writers serialise on the status lock and bracket each update with the
 * sequence counter (odd while writing), so readers on other cores can take
 * consistent snapshots without a lock.
 */
#include "internal.h"

#include <rumkv/abi.h>
#include <rumkv/port.h>

static void name_copy(char *dst, const char *src)
{
	uint32_t i;

	for (i = 0; i + 1 < RUMKV_CELL_NAME_MAX && src[i] != '\0'; i++) {
		dst[i] = src[i];
	}
	dst[i] = '\0';
}

/* Boot only: the names and core counts never change after boot. */
RUMKV_BOOT void rumkv_status_init(void)
{
	const struct rumkv_plan *plan = rumkv_machine.plan;
	struct rumkv_status_page *st = rumkv_machine.status;
	uint32_t i;

	st->magic = RUMKV_STATUS_MAGIC;
	st->version = RUMKV_STATUS_VERSION;
	st->cell_count = plan->cell_count;
	for (i = 0; i < plan->cell_count; i++) {
		const struct rumkv_plan_cell *pc = &plan->cells[i];

		name_copy(st->cell[i].name, pc->name);
		st->cell[i].core_count = pc->core_count;
		st->cell[i].initial_rights = pc->initial_rights;
		rumkv_status_publish(&plan->cell_state[i]);
	}
}

void rumkv_status_publish(const struct rumkv_cell *cell)
{
	struct rumkv_status_page *st = rumkv_machine.status;
	struct rumkv_status_cell *e = &st->cell[cell->index];

	/* Always taken under the cell lock (or at boot), so no request can
	 * reach the waiting core; it passes itself all the same. */
	rumkv_lock(port_core_self(), &rumkv_machine.status_lock);
	__atomic_store_n(&st->sequence, st->sequence + 1, __ATOMIC_RELAXED);
	__atomic_thread_fence(__ATOMIC_RELEASE);
	e->state = cell->state;
	e->reason = cell->reason;
	e->restart_count = cell->restart_count;
	e->rights = cell->rights;
	__atomic_thread_fence(__ATOMIC_RELEASE);
	__atomic_store_n(&st->sequence, st->sequence + 1, __ATOMIC_RELAXED);
	/* Readers may run with their caches off (a kernel's early boot). */
	port_cache_clean_range(st, sizeof(*st));
	rumkv_unlock(&rumkv_machine.status_lock);
}
