// SPDX-License-Identifier: MIT
/*
 * Cell lifecycle after boot: revoking rights, and ending a cell (violation,
 * power-off or reset) with its halt or restart policy.
 *
 * Ending a cell never involves another cell: it takes only this cell's
 * lock, touches only this cell's cores, tables, interrupts, DMA streams
 * and RAM, and the status and console locks for a moment.
 */
#include "internal.h"

#include <rumkv/error.h>
#include <rumkv/format.h>
#include <rumkv/port.h>

static uint64_t right_bit(uint8_t right)
{
	return right <= RUMKV_PLAN_MAX_RIGHT ? 1ull << right : 0;
}

/* The first and one-past-last page of an MMIO window (windows may be
 * smaller than a page: stage-2 maps whole pages). */
static void mmio_pages(const struct rumkv_plan_mmio *w, uint64_t *base,
		       uint64_t *size)
{
	uint64_t mask = RUMKV_PAGE_SIZE - 1;
	uint64_t end = (w->pa + w->size + mask) & ~mask;

	*base = w->pa & ~mask;
	*size = end - *base;
}

/* Stops a revoked device's DMA before its memory could be reused. */
static void device_stop_dma(struct rumkv_cell *cell,
			    const struct rumkv_plan_device *dev)
{
	uint32_t i;

	switch (dev->dma_stop) {
	case RUMKV_DMA_STOP_IOMMU:
		for (i = 0; i < dev->stream_count; i++) {
			port_iommu_detach(cell, dev->streams[i]);
		}
		break;
	case RUMKV_DMA_STOP_VIRTIO_MMIO:
		/* Writing 0 to the transport's Status register resets the
		 * device: it drops its queues and does no further DMA. */
		port_mmio_write32(rumkv_pa(dev->mmio[0].pa + 0x70), 0);
		break;
	default:
		break;
	}
}

static void device_revoke(struct rumkv_cell *cell,
			  const struct rumkv_plan_device *dev)
{
	uint64_t base;
	uint64_t size;
	uint32_t i;

	for (i = 0; i < dev->mmio_count; i++) {
		mmio_pages(&dev->mmio[i], &base, &size);
		/* Cannot fail: boot checked that no leaf crosses the ends
		 * of any window (lib/boot.c, check_revocable). */
		(void)rumkv_pt_unmap(&cell->stage2, base, size);
	}
	for (i = 0; i < dev->irq_count; i++) {
		port_irq_revoke(cell, dev->irqs[i]);
	}
	device_stop_dma(cell, dev);
	if (dev->pci) {
		rumkv_pci_revoke(dev);
	}
}

void rumkv_cell_revoke(struct rumkv_cell *cell, struct rumkv_core *self,
		       uint64_t dropped)
{
	const struct rumkv_plan_cell *pc = cell->plan;
	uint32_t i;

	for (i = 0; i < pc->device_count; i++) {
		if ((dropped & right_bit(pc->devices[i].right)) != 0) {
			device_revoke(cell, &pc->devices[i]);
		}
	}
	for (i = 0; i < pc->mem_count; i++) {
		const struct rumkv_plan_mem *m = &pc->mem[i];

		if ((dropped & right_bit(m->right)) != 0) {
			(void)rumkv_pt_unmap(&cell->stage2, m->ipa, m->size);
		}
	}
	rumkv_channel_revoke(cell, dropped);
	if ((dropped & RUMKV_RIGHT_CONSOLE) != 0) {
		rumkv_console_revoke(self, cell);
	}
	/* Interrupts the cores already queued must not arrive later. */
	rumkv_cell_post_and_wait(cell, self, RUMKV_REQ_SYNC_IRQS);
	port_irq_sync(self);
}

/* Where RumKV reaches cell address `ipa`, which the plan check put inside
 * one of the cell's regions. */
static void *cell_ram_ptr(const struct rumkv_plan_cell *pc, uint64_t ipa)
{
	uint32_t i;

	for (i = 0; i < pc->mem_count; i++) {
		const struct rumkv_plan_mem *m = &pc->mem[i];

		if (ipa >= m->ipa && ipa - m->ipa < m->size) {
			return port_phys_to_virt(
				rumkv_pa(m->pa + (ipa - m->ipa)));
		}
	}
	return NULL;
}

void rumkv_cell_load_images(struct rumkv_cell *cell)
{
	const struct rumkv_plan_cell *pc = cell->plan;
	uint32_t i;

	for (i = 0; i < pc->image_count; i++) {
		const struct rumkv_plan_image *img = &pc->images[i];
		void *dst = cell_ram_ptr(pc, img->ipa);

		if (dst != NULL) {
			rumkv_memcpy(dst, img->data, img->size);
			port_cache_clean_range(dst, img->size);
		}
	}
}

/* Unmaps and zeroes the cell's private RAM; shared regions belong to
 * their peers too and are only unmapped. The zeroes are cleaned to the
 * point of coherency: a restarted guest that runs with its caches off
 * reads memory, not the cache, and must not find the previous run's
 * data there. */
static void cell_clear_memory(struct rumkv_cell *cell)
{
	const struct rumkv_plan_cell *pc = cell->plan;
	uint32_t i;

	for (i = 0; i < pc->mem_count; i++) {
		const struct rumkv_plan_mem *m = &pc->mem[i];

		(void)rumkv_pt_unmap(&cell->stage2, m->ipa, m->size);
		if (m->kind != RUMKV_MEM_SHARED) {
			void *ram = port_phys_to_virt(rumkv_pa(m->pa));

			rumkv_memset(ram, 0, m->size);
			port_cache_clean_range(ram, m->size);
		}
	}
}

/* Brings the cell back to its state at first start: the stage-2 tables
 * from their pristine copy, its interrupts and streams, its images. */
static void cell_reset(struct rumkv_cell *cell)
{
	const struct rumkv_plan_cell *pc = cell->plan;
	uint64_t bytes = (uint64_t)pc->table_page_count * RUMKV_PAGE_SIZE;
	uint32_t d;
	uint32_t i;

	rumkv_memcpy(pc->table_pages, pc->table_snapshot, bytes);
	cell->pool = cell->pool_snapshot;
	port_stage2_ops()->invalidate(cell, 0,
				      rumkv_pt_input_size(cell->stage2.fmt));
	cell->rights = pc->initial_rights;
	rumkv_console_reset(cell);
	for (d = 0; d < pc->device_count; d++) {
		const struct rumkv_plan_device *dev = &pc->devices[d];

		if ((cell->rights & right_bit(dev->right)) == 0) {
			continue;
		}
		for (i = 0; i < dev->irq_count; i++) {
			(void)port_irq_assign(cell, dev->irqs[i]);
		}
		for (i = 0; i < dev->stream_count; i++) {
			(void)port_iommu_attach(cell, dev->streams[i]);
		}
		/* Boot set it up once: it can only fail now if the machine
		 * changed, and then the function stays off. */
		if (dev->pci) {
			(void)rumkv_pci_setup(dev);
		}
	}
	__atomic_store_n(&cell->fault_pending, 0u, __ATOMIC_RELEASE);
	rumkv_memset(cell->pci_sizing, 0, sizeof(cell->pci_sizing));
	rumkv_channel_assign(cell);
	rumkv_cell_load_images(cell);
}

static bool reason_is_violation(uint32_t reason)
{
	return reason != RUMKV_REASON_SYSTEM_OFF &&
	       reason != RUMKV_REASON_SYSTEM_RESET;
}

/* The one-line report: "cell A powered off", or for a violation "cell A
 * core 1 (hw 0x1): <cause>[ at IPA 0x...], PC 0x...; <what happens>". */
static void report(struct rumkv_cell *cell, const struct rumkv_core *core,
		   const struct rumkv_fault *f, bool restart)
{
	const struct rumkv_plan_cell *pc = cell->plan;
	const char *outcome = "halted";
	char buf[48];
	char at[56] = "";

	if (!reason_is_violation(f->reason)) {
		rumkv_cell_log(cell, "cell %s %s", pc->name,
			       restart ? "reset" : "powered off");
		return;
	}
	if (restart) {
		rumkv_snprintf(buf, sizeof(buf), "restarting (%u of %u)",
			       cell->restart_count + 1, pc->restart_limit);
		outcome = buf;
	} else if (pc->policy == RUMKV_POLICY_RESTART) {
		rumkv_snprintf(buf, sizeof(buf),
			       "restart limit %u reached, halted",
			       pc->restart_limit);
		outcome = buf;
	}
	if (f->ipa_valid) {
		size_t n = rumkv_snprintf(at, sizeof(at), " at IPA 0x%llx",
					  (unsigned long long)f->ipa);

		for (uint32_t i = 0; i < pc->mem_count; i++) {
			const struct rumkv_plan_mem *m = &pc->mem[i];

			/* In its memory, seen elsewhere: where it really is. */
			if (f->ipa - m->ipa < m->size && m->ipa != m->pa) {
				rumkv_snprintf(
					at + n, sizeof(at) - n, " (PA 0x%llx)",
					(unsigned long long)(m->pa + (f->ipa -
								      m->ipa)));
				break;
			}
		}
	}
	rumkv_cell_log(cell, "cell %s core %u (hw 0x%llx): %s%s, PC 0x%llx; %s",
		       pc->name, core->vindex, (unsigned long long)core->hwid,
		       f->cause, at, (unsigned long long)f->pc, outcome);
}

/* Every core of the cell is parked: an end request still posted to one
 * (a second fault, or one served after another end) must not end the
 * cell's next run. */
static void cell_drop_end_requests(struct rumkv_cell *cell)
{
	uint32_t v;

	for (v = 0; v < cell->plan->core_count; v++) {
		__atomic_and_fetch(&rumkv_cell_core(cell, v)->requests,
				   ~RUMKV_REQ_END, __ATOMIC_RELEASE);
	}
}

/* Ends the cell `core` belongs to. Cell lock held; never returns. */
static RUMKV_NORETURN void cell_end(struct rumkv_cell *cell,
				    struct rumkv_core *core,
				    const struct rumkv_fault *f)
{
	const struct rumkv_plan_cell *pc = cell->plan;
	bool violation = reason_is_violation(f->reason);
	bool restart = f->reason == RUMKV_REASON_SYSTEM_RESET ||
		       (violation && pc->policy == RUMKV_POLICY_RESTART &&
			cell->restart_count < pc->restart_limit);

	cell->state = restart ? RUMKV_CELL_RESTARTING : RUMKV_CELL_TERMINATED;
	cell->reason = f->reason;
	rumkv_console_flush(core);
	rumkv_console_line_close(core, &cell->vuart.line);
	report(cell, core, f, restart);
	rumkv_cell_post_and_wait(cell, core, RUMKV_REQ_PARK);
	core_state_set(core, RUMKV_CORE_PARKED);
	cell_drop_end_requests(cell);
	cell->rights = 0;
	rumkv_cell_revoke(cell, core, ~0ull);
	rumkv_status_publish(cell);
	cell_clear_memory(cell);

	if (!restart) {
		bool last = __atomic_sub_fetch(&rumkv_machine.cells_alive, 1u,
					       __ATOMIC_ACQ_REL) == 0;

		rumkv_unlock(&cell->lock);
		if (last) {
			rumkv_log("every cell has ended; powering off");
			port_system_off();
		}
		rumkv_core_park(core);
	}

	cell_reset(cell);
	if (violation) {
		cell->restart_count++;
	}
	cell->state = RUMKV_CELL_RUNNING;
	rumkv_status_publish(cell);
	rumkv_core_start(cell, 0, pc->entry_ipa, pc->boot_arg);
	rumkv_unlock(&cell->lock);
	rumkv_core_park(core);
}

/* Takes the cell lock for ending the cell; a core that finds the cell
 * already ending (another core got there first) just parks. */
static void lock_running_cell(struct rumkv_cell *cell, struct rumkv_core *core)
{
	rumkv_lock(core, &cell->lock);
	if (cell->state != RUMKV_CELL_RUNNING) {
		core_state_set(core, RUMKV_CORE_PARKED);
		rumkv_unlock(&cell->lock);
		rumkv_core_park(core);
	}
}

void rumkv_cell_terminate(struct rumkv_core *core,
			  const struct rumkv_fault *fault)
{
	struct rumkv_cell *cell = core->cell;

	lock_running_cell(cell, core);
	cell_end(cell, core, fault);
}

void rumkv_cell_fault_async(struct rumkv_cell *cell,
			    const struct rumkv_fault *fault)
{
	uint32_t v;

	if (__atomic_exchange_n(&cell->fault_pending, 1u, __ATOMIC_ACQ_REL) !=
	    0) {
		return;
	}
	cell->pending_fault = *fault;
	for (v = 0; v < cell->plan->core_count; v++) {
		struct rumkv_core *c = rumkv_cell_core(cell, v);

		if (core_state(c) == RUMKV_CORE_RUNNING) {
			__atomic_or_fetch(&c->requests, RUMKV_REQ_END,
					  __ATOMIC_RELEASE);
			port_core_kick(c);
		}
	}
}

void rumkv_cell_violation(struct rumkv_core *core, uint32_t reason,
			  const char *cause)
{
	struct rumkv_fault f = {
		.reason = reason,
		.pc = port_core_guest_pc(core),
	};

	rumkv_snprintf(f.cause, sizeof(f.cause), "%s", cause);
	rumkv_cell_terminate(core, &f);
}

void rumkv_cell_system_off(struct rumkv_core *core, bool reset)
{
	struct rumkv_fault f = {
		.reason = reset ? RUMKV_REASON_SYSTEM_RESET
				: RUMKV_REASON_SYSTEM_OFF,
	};

	rumkv_cell_terminate(core, &f);
}
