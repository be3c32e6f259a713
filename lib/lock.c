// SPDX-License-Identifier: MIT
/*
 * Spin locks. RumKV holds a lock only for a short, bounded stretch of its
 * own code with interrupts masked, so spinning is the right primitive.
 *
 * They are ticket locks, so that they are fair: the lock word holds the
 * next ticket to hand out (high half) and the ticket being served (low
 * half). A core takes a ticket with one atomic add and waits for its
 * turn, so it waits at most for the critical sections of the cores that
 * asked before it, one per core of the machine. With a test-and-set lock
 * a core could lose every race for it: four cores of one cell writing
 * the console kept other cells' lines, and the end of a cell waiting on
 * the console lock with its cell lock held, back without bound.
 *
 * A core spinning for a lock keeps serving the requests other cores post
 * to it: the holder of a cell lock may be waiting for exactly this core
 * to park or to drop revoked interrupts (see rumkv_cell_post_and_wait).
 * Dropping interrupts is done at once. A park is acknowledged at once,
 * but a core cannot leave the queue with its ticket: it waits for its
 * turn, passes the lock straight on and then parks. Meanwhile it runs no
 * guest code and touches nothing of its cell. That is safe because a core
 * waits for a lock holding at most its own cell's lock, and the holder of
 * a cell's lock is never asked to park (only that holder posts requests
 * to the cell's cores).
 */
#include "internal.h"

#include <rumkv/port.h>

#define TICKET_ONE (1u << 16)
#define SERVING_MASK 0xffffu

/* Serves `self`'s requests while it waits; true if it must park. */
static bool serve_waiting(struct rumkv_core *self)
{
	/* An end request waits for rumkv_core_serve, outside any lock (a
	 * park drops it: the cell is ending anyway). */
	uint32_t req = __atomic_load_n(&self->requests, __ATOMIC_ACQUIRE) &
		       ~RUMKV_REQ_END;

	if ((req & RUMKV_REQ_SYNC_IRQS) != 0) {
		port_irq_sync(self);
	}
	if ((req & RUMKV_REQ_PARK) != 0) {
		__atomic_store_n(&self->state, RUMKV_CORE_PARKED,
				 __ATOMIC_RELEASE);
	}
	/* Acknowledge only after the work: the poster waits for the bits. */
	__atomic_and_fetch(&self->requests, ~req, __ATOMIC_RELEASE);
	return (req & RUMKV_REQ_PARK) != 0;
}

void rumkv_lock(struct rumkv_core *self, uint32_t *lock)
{
	uint32_t ticket =
		__atomic_fetch_add(lock, TICKET_ONE, __ATOMIC_RELAXED) >> 16;
	bool park = false;

	while ((__atomic_load_n(lock, __ATOMIC_ACQUIRE) & SERVING_MASK) !=
	       ticket) {
		if (__atomic_load_n(&self->requests, __ATOMIC_RELAXED) != 0) {
			park |= serve_waiting(self);
		}
		port_cpu_relax();
	}
	if (park) {
		/* The state may be STARTING again by now (a restart): only
		 * rumkv_core_park looks at it. */
		rumkv_unlock(lock);
		rumkv_console_flush(self);
		rumkv_core_park(self);
	}
}

void rumkv_unlock(uint32_t *lock)
{
	uint32_t serving = __atomic_load_n(lock, __ATOMIC_RELAXED);

	/* Only the holder changes the low half: step it, wrapping inside
	 * its 16 bits without carrying into the tickets. */
	__atomic_fetch_add(
		lock,
		(serving & SERVING_MASK) == SERVING_MASK ? 1u - TICKET_ONE : 1u,
		__ATOMIC_RELEASE);
}
