// SPDX-License-Identifier: MIT
/*
 * Physical cores: parking, starting a cell's vcore on its core, and the
 * requests one core of a cell posts to the others.
 *
 * Each physical core belongs to at most one cell for the machine's
 * lifetime and runs at most that one vcore: there is nothing to schedule
 * and no guest state to switch. A core is either parked in RumKV, asked to
 * start (STARTING), or running its vcore.
 */
#include "internal.h"

#include <rumkv/error.h>
#include <rumkv/port.h>
#include <rumkv/rumkv.h>

struct rumkv_core *rumkv_cell_core(struct rumkv_cell *cell, uint32_t vindex)
{
	const struct rumkv_plan_cell *pc = cell->plan;

	if (vindex >= pc->core_count) {
		return NULL;
	}
	return &rumkv_machine.plan->core_state[pc->cores[vindex]];
}

/* Resident, and never inlined into its boot-only caller: a core counts
 * as booted only once it runs resident code, because the boot core drops
 * the boot-only code (port_boot_done) as soon as every core is counted.
 * Counted in rumkv_core_boot itself, a core could still be on its way out
 * of the boot-only code when it disappears. */
static __attribute__((noinline)) RUMKV_NORETURN void
core_booted_park(struct rumkv_core *core)
{
	__atomic_fetch_add(&rumkv_machine.cores_booted, 1u, __ATOMIC_RELEASE);
	rumkv_core_park(core);
}

/* Boot only: it parks the core in resident code and never returns. */
RUMKV_BOOT void rumkv_core_boot(struct rumkv_core *core)
{
	core_booted_park(core);
}

/* Enters the cell if this core was asked to start. The check is repeated
 * under the cell lock: a cell being ended turns STARTING cores back to
 * PARKED under that lock. */
static void core_try_start(struct rumkv_core *core)
{
	struct rumkv_cell *cell = core->cell;
	uint64_t entry;
	uint64_t arg;

	rumkv_lock(core, &cell->lock);
	if (core_state(core) != RUMKV_CORE_STARTING) {
		rumkv_unlock(&cell->lock);
		return;
	}
	core_state_set(core, RUMKV_CORE_RUNNING);
	entry = core->start_entry;
	arg = core->start_arg;
	rumkv_unlock(&cell->lock);
	port_core_enter_cell(core, entry, arg);
}

void rumkv_core_park(struct rumkv_core *core)
{
	for (;;) {
		if (core->cell != NULL &&
		    core_state(core) == RUMKV_CORE_STARTING) {
			core_try_start(core);
		}
		port_core_wait(core);
	}
}

void rumkv_core_serve(struct rumkv_core *core)
{
	uint32_t req = __atomic_load_n(&core->requests, __ATOMIC_ACQUIRE);

	if ((req & RUMKV_REQ_SYNC_IRQS) != 0) {
		port_irq_sync(core);
	}
	if ((req & RUMKV_REQ_PARK) != 0) {
		rumkv_console_flush(core);
		core_state_set(core, RUMKV_CORE_PARKED);
	}
	/* Acknowledge only after the work: the poster waits for the bits. */
	__atomic_and_fetch(&core->requests, ~req, __ATOMIC_RELEASE);
	if ((req & RUMKV_REQ_PARK) != 0) {
		rumkv_core_park(core);
	}
	if ((req & RUMKV_REQ_END) != 0) {
		struct rumkv_fault f = core->cell->pending_fault;

		f.pc = port_core_guest_pc(core);
		rumkv_cell_terminate(core, &f);
	}
}

void rumkv_cell_post_and_wait(struct rumkv_cell *cell,
			      const struct rumkv_core *self, uint32_t req)
{
	uint32_t n = cell->plan->core_count;
	uint32_t v;

	for (v = 0; v < n; v++) {
		struct rumkv_core *c = rumkv_cell_core(cell, v);

		if (c == self) {
			continue;
		}
		if (core_state(c) == RUMKV_CORE_STARTING &&
		    (req & RUMKV_REQ_PARK) != 0) {
			core_state_set(c, RUMKV_CORE_PARKED);
			continue;
		}
		if (core_state(c) != RUMKV_CORE_RUNNING) {
			continue;
		}
		__atomic_or_fetch(&c->requests, req, __ATOMIC_RELEASE);
		port_core_kick(c);
	}
	for (v = 0; v < n; v++) {
		struct rumkv_core *c = rumkv_cell_core(cell, v);

		while ((__atomic_load_n(&c->requests, __ATOMIC_ACQUIRE) &
			req) != 0) {
			/* Bounded: the target traps on the kick at once and
			 * serves requests even while it waits for a lock. */
			port_cpu_relax();
		}
	}
}

void rumkv_core_start(struct rumkv_cell *cell, uint32_t vindex, uint64_t entry,
		      uint64_t arg)
{
	struct rumkv_core *c = rumkv_cell_core(cell, vindex);

	c->start_entry = entry;
	c->start_arg = arg;
	core_state_set(c, RUMKV_CORE_STARTING);
	port_core_kick(c);
}

/* Is `ipa` inside private memory (RAM, flash) the cell may execute? PSCI's
 * CPU_ON checks entry points with this, so a bad address fails the call instead
 * of the core. */
static bool cell_ipa_executable(const struct rumkv_cell *cell, uint64_t ipa)
{
	const struct rumkv_plan_cell *pc = cell->plan;
	uint32_t i;

	for (i = 0; i < pc->mem_count; i++) {
		const struct rumkv_plan_mem *m = &pc->mem[i];

		if (m->kind != RUMKV_MEM_SHARED && (m->access & RUMKV_MEM_X) &&
		    ipa >= m->ipa && ipa - m->ipa < m->size) {
			return true;
		}
	}
	return false;
}

int rumkv_vcore_on(struct rumkv_core *caller, uint32_t vindex, uint64_t entry,
		   uint64_t arg)
{
	struct rumkv_cell *cell = caller->cell;
	struct rumkv_core *target = rumkv_cell_core(cell, vindex);
	int ret = 0;

	if (target == NULL) {
		return RUMKV_EINVAL;
	}
	if (!cell_ipa_executable(cell, entry)) {
		return RUMKV_ERANGE;
	}
	rumkv_lock(caller, &cell->lock);
	if (core_state(target) == RUMKV_CORE_RUNNING) {
		ret = RUMKV_EBUSY;
	} else if (core_state(target) == RUMKV_CORE_STARTING) {
		ret = RUMKV_ESTATE;
	} else {
		rumkv_core_start(cell, vindex, entry, arg);
	}
	rumkv_unlock(&cell->lock);
	return ret;
}

int rumkv_vcore_state(struct rumkv_core *caller, uint32_t vindex)
{
	struct rumkv_core *target = rumkv_cell_core(caller->cell, vindex);

	if (target == NULL) {
		return RUMKV_EINVAL;
	}
	switch (core_state(target)) {
	case RUMKV_CORE_RUNNING:
		return 0;
	case RUMKV_CORE_STARTING:
		return 2;
	default:
		return 1;
	}
}

void rumkv_vcore_off(struct rumkv_core *core)
{
	struct rumkv_cell *cell = core->cell;
	uint32_t v;

	rumkv_console_flush(core);
	rumkv_lock(core, &cell->lock);
	for (v = 0; v < cell->plan->core_count; v++) {
		struct rumkv_core *c = rumkv_cell_core(cell, v);

		if (c != core && core_state(c) != RUMKV_CORE_PARKED) {
			core_state_set(core, RUMKV_CORE_PARKED);
			rumkv_unlock(&cell->lock);
			rumkv_core_park(core);
		}
	}
	/* The last core going off leaves nothing that could ever run the
	 * cell again: that is the cell powering off. */
	rumkv_unlock(&cell->lock);
	rumkv_cell_system_off(core, false);
}
