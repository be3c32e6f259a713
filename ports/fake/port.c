// SPDX-License-Identifier: MIT
/*
 * The host fake port: implements <rumkv/port.h> by recording, so that the
 * core library's behaviour can be asserted in Criterion tests.
 */
#include <fake/paging.h>
#include <fake/port.h>
#include <rumkv/error.h>
#include <rumkv/port.h>
#include <rumkv/rumkv.h>

#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct fake_state fake = {.counter_freq = 1000000000};

/* The innermost fake_run() of this thread: where leaving hooks jump back
 * to, and the core it runs. */
static _Thread_local jmp_buf *run_env;
static _Thread_local struct rumkv_core *run_self;

static void record(enum fake_event_kind kind, const struct rumkv_core *core,
		   const struct rumkv_cell *cell, uint64_t a, uint64_t b)
{
	uint32_t i =
		__atomic_fetch_add(&fake.event_count, 1u, __ATOMIC_RELAXED);
	struct fake_event *e;

	if (i >= FAKE_MAX_EVENTS) {
		fprintf(stderr, "fake port: event log full\n");
		abort();
	}
	e = &fake.events[i];
	e->kind = kind;
	e->core = core != NULL ? (int)core->index : -1;
	e->cell = cell != NULL ? (int)cell->index
			       : (core != NULL && core->cell != NULL
					  ? (int)core->cell->index
					  : -1);
	e->a = a;
	e->b = b;
}

static RUMKV_NORETURN void leave(enum fake_event_kind kind)
{
	if (run_env == NULL) {
		fprintf(stderr, "fake port: RumKV left outside fake_run\n");
		abort();
	}
	longjmp(*run_env, (int)kind);
}

void fake_reset(void)
{
	fake.event_count = 0;
	fake.console_len = 0;
	fake.console[0] = '\0';
	fake.guest_pc = 0;
	fake.console_init_result = 0;
	fake.machine_init_result = 0;
	fake.relax_count = 0;
}

enum fake_event_kind fake_run(struct rumkv_core *self, void (*fn)(void *),
			      void *arg)
{
	jmp_buf env;
	jmp_buf *outer = run_env;
	struct rumkv_core *outer_self = run_self;
	int how;

	run_env = &env;
	run_self = self;
	how = setjmp(env);
	if (how == 0) {
		fn(arg);
	}
	run_env = outer;
	run_self = outer_self;
	return (enum fake_event_kind)how;
}

uint32_t fake_count(enum fake_event_kind kind, int cell, int core)
{
	uint32_t n = 0;
	uint32_t i;

	for (i = 0; i < fake.event_count; i++) {
		const struct fake_event *e = &fake.events[i];

		n += e->kind == kind && (cell < 0 || e->cell == cell) &&
		     (core < 0 || e->core == core);
	}
	return n;
}

bool fake_seen(enum fake_event_kind kind, int cell, uint64_t a)
{
	uint32_t i;

	for (i = 0; i < fake.event_count; i++) {
		const struct fake_event *e = &fake.events[i];

		if (e->kind == kind && (cell < 0 || e->cell == cell) &&
		    e->a == a) {
			return true;
		}
	}
	return false;
}

bool fake_invalidated(int cell, uint64_t in, uint64_t size)
{
	uint64_t page;

	for (page = in; page < in + size; page += RUMKV_PAGE_SIZE) {
		bool covered = false;
		uint32_t i;

		for (i = 0; i < fake.event_count && !covered; i++) {
			const struct fake_event *e = &fake.events[i];

			covered = e->kind == FAKE_INVALIDATE &&
				  e->cell == cell && page >= e->a &&
				  page - e->a < e->b;
		}
		if (!covered) {
			return false;
		}
	}
	return true;
}

/* ---- machine and cores ---- */

int port_console_init(const struct rumkv_plan *plan)
{
	record(FAKE_CONSOLE_INIT, NULL, NULL, plan->platform.uart.pa, 0);
	return fake.console_init_result;
}

int port_machine_init(const struct rumkv_plan *plan)
{
	(void)plan;
	record(FAKE_MACHINE_INIT, NULL, NULL, 0, 0);
	return fake.machine_init_result;
}

void port_boot_done(void)
{
	record(FAKE_BOOT_DONE, NULL, NULL, 0, 0);
}

struct rumkv_core *port_core_self(void)
{
	return run_self;
}

static void boot_secondary(void *core)
{
	rumkv_core_boot(core);
}

int port_core_power_on(struct rumkv_core *core)
{
	record(FAKE_POWER_ON, core, NULL, 0, 0);
	/* The new core sets itself up and parks, as a real one would. */
	(void)fake_run(core, boot_secondary, core);
	return 0;
}

uint64_t port_core_guest_pc(const struct rumkv_core *core)
{
	(void)core;
	return fake.guest_pc;
}

void port_core_enter_cell(struct rumkv_core *core, uint64_t entry, uint64_t arg)
{
	record(FAKE_ENTER, core, NULL, entry, arg);
	leave(FAKE_ENTER);
}

void port_core_wait(struct rumkv_core *core)
{
	record(FAKE_WAIT, core, NULL, 0, 0);
	leave(FAKE_WAIT);
}

void port_cpu_relax(void)
{
	__atomic_fetch_add(&fake.relax_count, 1u, __ATOMIC_RELAXED);
}

void port_core_kick(struct rumkv_core *target)
{
	uint32_t req = __atomic_load_n(&target->requests, __ATOMIC_ACQUIRE);

	record(FAKE_KICK, target, NULL, req, 0);
	target->arch.kicks++;
	/* The target traps at once and serves what was posted to it; an end
	 * request stays posted for the test to serve on the target
	 * (rumkv_core_serve under fake_run), since it ends the cell there. */
	req &= ~RUMKV_REQ_END;
	if ((req & RUMKV_REQ_SYNC_IRQS) != 0) {
		port_irq_sync(target);
	}
	if ((req & RUMKV_REQ_PARK) != 0) {
		target->state = RUMKV_CORE_PARKED;
	}
	__atomic_and_fetch(&target->requests, ~req, __ATOMIC_RELEASE);
}

void port_system_off(void)
{
	record(FAKE_SYSTEM_OFF, NULL, NULL, 0, 0);
	leave(FAKE_SYSTEM_OFF);
}

/* ---- stage-2 ---- */

const struct rumkv_pt_format *port_stage2_format(void)
{
	return &fake_pt_format_concat;
}

int port_cell_init(struct rumkv_cell *cell)
{
	cell->arch.vmid = cell->index + 1;
	return 0;
}

static void stage2_invalidate(void *owner, uint64_t in, uint64_t size)
{
	record(FAKE_INVALIDATE, NULL, owner, in, size);
}

static const struct rumkv_pt_ops stage2_ops = {
	.invalidate = stage2_invalidate,
	.publish = NULL,
};

const struct rumkv_pt_ops *port_stage2_ops(void)
{
	return &stage2_ops;
}

/* ---- interrupts and IOMMU ---- */

int port_irq_assign(struct rumkv_cell *cell, uint32_t intid)
{
	record(FAKE_IRQ_ASSIGN, NULL, cell, intid, 0);
	return 0;
}

void port_irq_revoke(struct rumkv_cell *cell, uint32_t intid)
{
	record(FAKE_IRQ_REVOKE, NULL, cell, intid, 0);
}

void port_irq_raise(struct rumkv_cell *cell, uint32_t intid)
{
	record(FAKE_IRQ_RAISE, NULL, cell, intid, 0);
}

void port_irq_sync(struct rumkv_core *core)
{
	record(FAKE_IRQ_SYNC, core, NULL, 0, 0);
}

void port_console_input_route(const struct rumkv_core *core)
{
	record(FAKE_CONSOLE_ROUTE, core, core->cell, core->hwid, 0);
	fake.console_route = core;
}

void port_virq_raise(struct rumkv_core *core, uint32_t intid)
{
	record(FAKE_VIRQ, core, NULL, intid, 0);
}

int port_iommu_attach(struct rumkv_cell *cell, uint32_t stream)
{
	record(FAKE_IOMMU_ATTACH, NULL, cell, stream, 0);
	return 0;
}

void port_iommu_detach(struct rumkv_cell *cell, uint32_t stream)
{
	record(FAKE_IOMMU_DETACH, NULL, cell, stream, 0);
}

uint32_t port_pci_config_read(uint32_t rid, uint32_t offset, uint32_t size)
{
	if (fake.pci_config != NULL) {
		return fake.pci_config(rid, offset, size, false, 0);
	}
	return size == 4 ? ~0u : (1u << (8 * size)) - 1;
}

void port_pci_config_write(uint32_t rid, uint32_t offset, uint32_t size,
			   uint32_t value)
{
	record(FAKE_PCI_WRITE, NULL, NULL,
	       (uint64_t)rid << 32 | (uint64_t)size << 16 | offset, value);
	if (fake.pci_config != NULL) {
		(void)fake.pci_config(rid, offset, size, true, value);
	}
}

/* ---- time ---- */

uint64_t port_counter_read(void)
{
	return __atomic_load_n(&fake.counter, __ATOMIC_RELAXED);
}

uint64_t port_counter_freq(void)
{
	return fake.counter_freq;
}

/* ---- console and memory ---- */

/* RumKV calls it with the console lock held: no two threads at once. */
void port_console_write(const char *s, size_t len)
{
	size_t room = FAKE_CONSOLE_SIZE - 1 - fake.console_len;
	size_t n = len < room ? len : room;

	if (fake.console_hook != NULL) {
		fake.console_hook(s, len);
	}
	memcpy(fake.console + fake.console_len, s, n);
	fake.console_len += (uint32_t)n;
	fake.console[fake.console_len] = '\0';
}

void port_cache_clean_range(const void *va, size_t size)
{
	record(FAKE_CACHE_CLEAN, NULL, NULL, (uint64_t)(uintptr_t)va, size);
}

void *port_phys_to_virt(rumkv_paddr_t pa)
{
	if (pa.pa < fake.ram_base || pa.pa - fake.ram_base >= fake.ram_size) {
		fprintf(stderr, "fake port: PA 0x%llx outside RAM\n",
			(unsigned long long)pa.pa);
		abort();
	}
	return fake.ram + (pa.pa - fake.ram_base);
}

rumkv_paddr_t port_virt_to_phys(const void *va)
{
	const uint8_t *p = va;

	if (p < fake.ram || (uint64_t)(p - fake.ram) >= fake.ram_size) {
		fprintf(stderr, "fake port: %p is not in RAM\n", va);
		abort();
	}
	return rumkv_pa(fake.ram_base + (uint64_t)(p - fake.ram));
}

void port_mmio_write32(rumkv_paddr_t pa, uint32_t value)
{
	record(FAKE_MMIO_WRITE, NULL, NULL, pa.pa, value);
}
