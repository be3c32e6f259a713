// SPDX-License-Identifier: MIT
/*
 * Shared-memory channels: their doorbells (docs/channels.md).
 *
 * A channel's region is an ordinary RUMKV_MEM_SHARED entry in each of its
 * two cells' memory, mapped at boot and unmapped by a pledge like any
 * region with a right (lib/cell.c). What is here is the doorbell: the SPI
 * each cell of a channel receives, given to it at (re)start, taken away
 * when it drops the channel's right, and made pending by the other cell's
 * RUMKV_HC_DOORBELL.
 *
 * Ringing takes the peer's cell lock, which the peer's pledges, ends and
 * restarts hold while they change its rights, state and interrupts: a
 * doorbell is raised only in a running peer that holds the channel's
 * right, and never lands on an SPI the peer is being given back at a
 * restart. The caller holds no lock of its own meanwhile (no code holds
 * two cell locks).
 */
#include "internal.h"

#include <rumkv/port.h>

static uint64_t channel_bit(const struct rumkv_plan_channel *ch)
{
	return ch->right <= RUMKV_PLAN_MAX_RIGHT ? 1ull << ch->right : 0;
}

/* Which side of `ch` cell `index` is, or -1. */
static int channel_side(const struct rumkv_plan_channel *ch, uint32_t index)
{
	if (ch->cell[0] == index) {
		return 0;
	}
	return ch->cell[1] == index ? 1 : -1;
}

void rumkv_channel_assign(struct rumkv_cell *cell)
{
	const struct rumkv_plan *plan = rumkv_machine.plan;
	uint32_t i;

	for (i = 0; i < plan->channel_count; i++) {
		const struct rumkv_plan_channel *ch = &plan->channels[i];
		int side = channel_side(ch, cell->index);

		if (side >= 0 && (cell->rights & channel_bit(ch)) != 0) {
			(void)port_irq_assign(cell, ch->doorbell[side]);
		}
	}
}

void rumkv_channel_revoke(struct rumkv_cell *cell, uint64_t dropped)
{
	const struct rumkv_plan *plan = rumkv_machine.plan;
	uint32_t i;

	for (i = 0; i < plan->channel_count; i++) {
		const struct rumkv_plan_channel *ch = &plan->channels[i];
		int side = channel_side(ch, cell->index);

		if (side >= 0 && (dropped & channel_bit(ch)) != 0) {
			port_irq_revoke(cell, ch->doorbell[side]);
		}
	}
}

uint64_t rumkv_channel_ring(struct rumkv_core *core, uint64_t id)
{
	const struct rumkv_plan *plan = rumkv_machine.plan;
	struct rumkv_cell *cell = core->cell;
	const struct rumkv_plan_channel *ch;
	struct rumkv_cell *peer;
	uint64_t bit;
	int side;

	if (id >= plan->channel_count) {
		return (uint64_t)(int64_t)RUMKV_RET_INVALID_PARAMETER;
	}
	ch = &plan->channels[id];
	side = channel_side(ch, cell->index);
	if (side < 0) {
		return (uint64_t)(int64_t)RUMKV_RET_INVALID_PARAMETER;
	}
	bit = channel_bit(ch);
	peer = &plan->cell_state[ch->cell[1 - side]];
	if (!rumkv_cell_holds(cell, bit)) {
		rumkv_cell_violation(
			core, RUMKV_REASON_RIGHT_REVOKED,
			"doorbell after pledging the channel away");
	}
	rumkv_lock(core, &peer->lock);
	/* Again under the peer's lock: a pledge on another core of this cell
	 * may have dropped the right while this core waited (and served its
	 * request); once that pledge has returned, no doorbell of the
	 * channel is raised by this cell. */
	if (!rumkv_cell_holds(cell, bit)) {
		rumkv_unlock(&peer->lock);
		rumkv_cell_violation(
			core, RUMKV_REASON_RIGHT_REVOKED,
			"doorbell after pledging the channel away");
	}
	if (peer->state != RUMKV_CELL_RUNNING || (peer->rights & bit) == 0) {
		rumkv_unlock(&peer->lock);
		return (uint64_t)(int64_t)RUMKV_RET_DENIED;
	}
	port_irq_raise(peer, ch->doorbell[1 - side]);
	rumkv_unlock(&peer->lock);
	return RUMKV_RET_SUCCESS;
}
