// SPDX-License-Identifier: MIT
/*
 * Hard pledges: the one-way ratchet of a cell's rights.
 *
 * A cell may only narrow its rights. Narrowing revokes, before the call
 * returns and on every core of the cell, what the dropped rights granted:
 * stage-2 mappings (broadcast TLB invalidation by VMID), interrupts
 * (disabled at the distributor, dropped from the cores' list registers)
 * and DMA (IOMMU stream disabled or device reset). Naming a right the cell
 * does not hold is not an error to report back: it is a violation, and the
 * cell ends at once.
 */
#include "internal.h"

#include <rumkv/format.h>

void rumkv_pledge(struct rumkv_core *core, uint64_t keep)
{
	struct rumkv_cell *cell = core->cell;
	uint64_t held;
	uint64_t dropped;

	rumkv_lock(core, &cell->lock);
	held = cell->rights;
	if ((keep & ~held) != 0) {
		char cause[96];

		rumkv_unlock(&cell->lock);
		rumkv_snprintf(cause, sizeof(cause),
			       "pledge asked for rights 0x%llx, holds 0x%llx",
			       (unsigned long long)keep,
			       (unsigned long long)held);
		rumkv_cell_violation(core, RUMKV_REASON_PLEDGE_WIDEN, cause);
	}
	dropped = held & ~keep;
	if (dropped != 0) {
		/* Atomic: the UART model reads it on the cell's other cores. */
		__atomic_store_n(&cell->rights, keep, __ATOMIC_RELAXED);
		rumkv_cell_revoke(cell, core, dropped);
		rumkv_status_publish(cell);
	}
	rumkv_unlock(&cell->lock);
}
