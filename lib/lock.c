// SPDX-License-Identifier: MIT
/*
 * Spin locks. RumKV holds a lock only for a short, bounded stretch of its
 * own code with interrupts masked, so spinning is the right primitive.
 *
 * A core spinning for a lock keeps serving the requests other cores post
 * to it: the holder of a cell lock may be waiting for exactly this core
 * to park or to drop revoked interrupts (see rumkv_cell_post_and_wait).
 */
#include "internal.h"

#include <rumkv/port.h>

void rumkv_lock(struct rumkv_core *self, uint32_t *lock)
{
	while (__atomic_exchange_n(lock, 1u, __ATOMIC_ACQUIRE) != 0) {
		while (__atomic_load_n(lock, __ATOMIC_RELAXED) != 0) {
			if (self != NULL &&
			    __atomic_load_n(&self->requests,
					    __ATOMIC_ACQUIRE) != 0) {
				rumkv_core_serve(self);
			}
			port_cpu_relax();
		}
	}
}

void rumkv_unlock(uint32_t *lock)
{
	__atomic_store_n(lock, 0u, __ATOMIC_RELEASE);
}
