// SPDX-License-Identifier: MIT
/*
 * The port hooks RumKV needs that the files under test do not provide
 * (on hardware: ports/aarch64/{boot,core,stage2,memory,mmu}.c, vectors.S
 * and the console UART), and the run/leave machinery of el2_run().
 *
 * Kicking a core serves the requests posted to it at once, on that core
 * (as the real core does when RumKV's SGI interrupts it), so a core of a
 * cell that waits for the others never waits in the harness.
 */
#include "el2.h"

#include "../../ports/aarch64/aarch64.h"
#include <aarch64/pt_format.h>
#include <aarch64/stage2.h>
#include <rumkv/port.h>
#include <rumkv/rumkv.h>

#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <ucontext.h>

/* A spawned run spinning this often for a lock waits for the code that
 * spawned it: it is suspended and resumed by el2_finish_spawned(). */
#define SPAWNED_SPIN_LIMIT 10000u
/* A run spinning this often (and not spawned) never gets its lock. */
#define SPIN_LIMIT 10000000u
#define SPAWN_MAX 8u
#define SPAWN_STACK_SIZE (512u * 1024u)

struct run {
	jmp_buf env;
	struct run *outer;
	uint64_t spins;
};

/* A piece of test code run as if on another physical core at the same
 * time: on a stack of its own, so that when it spins for a lock the code
 * that spawned it holds, it can wait (suspended) while that code runs on
 * and releases the lock, exactly as a second core would. RumKV's locks
 * are tickets: a waiter cannot be abandoned and run again. */
struct spawned {
	ucontext_t ctx;
	ucontext_t back; /* where it returns to when it waits or ends */
	void (*fn)(void);
	struct run *innermost;	/* its runs, while it waits */
	struct el2_cpu *cpu;	/* its current core, while it waits */
	const void *back_stack; /* the spawner's stack, for ASan */
	size_t back_size;
	void *fake; /* ASan's fake stack of the run, while it waits */
	bool waiting;
	bool done;
	char *stack;
};

static struct run *innermost;
static struct spawned spawns[SPAWN_MAX];
static unsigned spawn_count;
static struct spawned *current_spawn;

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/common_interface_defs.h>
#define FIBER_START(save, bottom, size) \
	__sanitizer_start_switch_fiber((save), (bottom), (size))
#define FIBER_FINISH(save, bottom, size) \
	__sanitizer_finish_switch_fiber((save), (bottom), (size))
#else
#define FIBER_START(save, bottom, size) ((void)(save))
#define FIBER_FINISH(save, bottom, size) ((void)(save))
#endif

enum el2_exit el2_run(struct rumkv_core *core, void (*fn)(void *), void *arg)
{
	struct el2_cpu *saved = el2_cpu_current;
	struct run r = {.outer = innermost};
	int how;

	innermost = &r;
	el2_cpu_current = &el2_cpus[core->index];
	how = setjmp(r.env);
	if (how == 0) {
		fn(arg);
	}
	innermost = r.outer;
	el2_cpu_current = saved;
	return (enum el2_exit)how;
}

/* Switches from the spawner into `sp` (first start or resumption). */
static void spawn_enter(struct spawned *sp)
{
	struct run *my_innermost = innermost;
	struct el2_cpu *my_cpu = el2_cpu_current;
	struct spawned *my_spawn = current_spawn;
	void *fake = NULL;

	innermost = sp->innermost;
	el2_cpu_current = sp->cpu;
	current_spawn = sp;
	sp->waiting = false;
	FIBER_START(&fake, sp->stack, SPAWN_STACK_SIZE);
	swapcontext(&sp->back, &sp->ctx);
	FIBER_FINISH(fake, NULL, NULL);
	sp->innermost = innermost;
	sp->cpu = el2_cpu_current;
	innermost = my_innermost;
	el2_cpu_current = my_cpu;
	current_spawn = my_spawn;
}

/* From inside `sp`: back to whoever entered it last. */
static void spawn_leave(struct spawned *sp, bool done)
{
	sp->done = done;
	sp->waiting = !done;
	FIBER_START(done ? NULL : &sp->fake, sp->back_stack, sp->back_size);
	swapcontext(&sp->ctx, &sp->back);
	FIBER_FINISH(sp->fake, &sp->back_stack, &sp->back_size);
}

static void spawn_main(void)
{
	struct spawned *sp = current_spawn;

	FIBER_FINISH(NULL, &sp->back_stack, &sp->back_size);
	sp->fn();
	spawn_leave(sp, true);
}

bool el2_spawn(void (*fn)(void))
{
	struct spawned *sp;

	if (spawn_count == SPAWN_MAX) {
		el2_fail("more than %u spawned runs", SPAWN_MAX);
	}
	sp = &spawns[spawn_count++];
	if (sp->stack == NULL) {
		sp->stack = malloc(SPAWN_STACK_SIZE);
	}
	getcontext(&sp->ctx);
	sp->ctx.uc_stack.ss_sp = sp->stack;
	sp->ctx.uc_stack.ss_size = SPAWN_STACK_SIZE;
	sp->ctx.uc_link = NULL;
	sp->fn = fn;
	sp->innermost = NULL;
	sp->cpu = NULL;
	sp->done = false;
	makecontext(&sp->ctx, spawn_main, 0);
	spawn_enter(sp);
	return sp->done;
}

void el2_finish_spawned(void)
{
	for (unsigned round = 0; round < 1000; round++) {
		bool left = false;

		for (unsigned i = 0; i < spawn_count; i++) {
			if (!spawns[i].done) {
				spawn_enter(&spawns[i]);
				left |= !spawns[i].done;
			}
		}
		if (!left) {
			spawn_count = 0;
			return;
		}
	}
	el2_fail("spawned runs never got their locks");
}

static RUMKV_NORETURN void leave(enum el2_exit how)
{
	if (innermost == NULL) {
		el2_fail("RumKV left a core outside el2_run");
	}
	longjmp(innermost->env, (int)how);
}

static struct rumkv_core *self(void)
{
	return (struct rumkv_core *)(uintptr_t)
		el2_cpu_current->sysreg[SR_TPIDR_EL2];
}

/* ---- machine and cores ---- */

int port_machine_init(const struct rumkv_plan *plan)
{
	if (gic_machine_init(plan) != 0) {
		return -1;
	}
	gic_core_init(self());
	return 0;
}

void port_boot_done(void)
{
}

struct rumkv_core *port_core_self(void)
{
	return self();
}

static void secondary(void *core)
{
	gic_core_init(core);
	rumkv_core_boot(core);
}

int port_core_power_on(struct rumkv_core *core)
{
	enum el2_exit how = el2_run(core, secondary, core);

	if (how != EL2_PARKED) {
		el2_fail("core %u did not park after booting (%d)", core->index,
			 how);
	}
	return 0;
}

/* As ports/aarch64/core.c, with the EL1 reset of vectors.S left out. */
void port_core_enter_cell(struct rumkv_core *core, uint64_t entry, uint64_t arg)
{
	write_sysreg(vttbr_el2, aarch64_vttbr(core->cell));
	write_sysreg(vmpidr_el2, (1ull << 31) |
					 (uint64_t)(core->vindex / 16) << 8 |
					 (core->vindex % 16));
	gic_core_reset_guest(core);
	el2.entry[core->index] = entry;
	el2.entry_arg[core->index] = arg;
	el2.enters[core->index]++;
	leave(EL2_ENTERED);
}

void port_core_wait(struct rumkv_core *core)
{
	(void)core;
	leave(EL2_PARKED);
}

void port_cpu_relax(void)
{
	struct run *r = innermost;

	if (r == NULL) {
		return;
	}
	r->spins++;
	if (current_spawn != NULL && r->spins > SPAWNED_SPIN_LIMIT) {
		r->spins = 0;
		spawn_leave(current_spawn, false);
		return;
	}
	if (r->spins > SPIN_LIMIT) {
		el2_fail("core %d spins forever (a lock nobody releases?)",
			 el2_cpu_current->index);
	}
}

static void serve(void *core)
{
	rumkv_core_serve(core);
}

void port_core_kick(struct rumkv_core *target)
{
	/* What core.c does: RumKV's own SGI to the target. */
	gic_send_sgi(target->hwid, GIC_SGI_RUMKV);
	el2.kicks[target->index]++;
	if (__atomic_load_n(&target->requests, __ATOMIC_ACQUIRE) != 0) {
		(void)el2_run(target, serve, target);
	}
}

void port_system_off(void)
{
	leave(EL2_OFF);
}

/* ---- stage 2 ---- */

const struct rumkv_pt_format *port_stage2_format(void)
{
	return &aarch64_stage2_format;
}

static void stage2_invalidate(void *owner, uint64_t in, uint64_t size)
{
	(void)owner;
	(void)in;
	(void)size;
	el2.invalidations++;
}

static const struct rumkv_pt_ops stage2_ops = {
	.invalidate = stage2_invalidate,
	.publish = NULL,
};

const struct rumkv_pt_ops *port_stage2_ops(void)
{
	return &stage2_ops;
}

/* As ports/aarch64/stage2.c: a cell owns its cores' SGIs and PPIs but
 * RumKV's kick SGI (15), the maintenance PPI (25) and the EL2 timer
 * (26) (EL2-SPEC.md). */
int port_cell_init(struct rumkv_cell *cell)
{
	cell->arch.vmid = (uint16_t)(cell->index + 1);
	cell->arch.irq_owned[0] =
		0xffffffffull & ~(1ull << 15 | 1ull << 25 | 1ull << 26);
	return 0;
}

/* ---- IOMMU ---- */

int port_iommu_attach(struct rumkv_cell *cell, uint32_t stream)
{
	(void)cell;
	(void)stream;
	el2.iommu_attached++;
	return 0;
}

void port_iommu_detach(struct rumkv_cell *cell, uint32_t stream)
{
	(void)cell;
	(void)stream;
	el2.iommu_detached++;
}

/* The harness has no SMMU (ports/aarch64/smmuv3.c is not compiled). */
bool aarch64_iommu_irq(uint32_t intid)
{
	(void)intid;
	return false;
}

void aarch64_iommu_serve(void)
{
}

/* ---- PCI (no function in the EL2 harness's plans) ---- */

uint32_t port_pci_config_read(uint32_t rid, uint32_t offset, uint32_t size)
{
	(void)rid;
	(void)offset;
	(void)size;
	return ~0u;
}

void port_pci_config_write(uint32_t rid, uint32_t offset, uint32_t size,
			   uint32_t value)
{
	(void)rid;
	(void)offset;
	(void)size;
	(void)value;
}

/* ---- console ---- */

int port_console_init(const struct rumkv_plan *plan)
{
	(void)plan;
	return 0;
}

void port_console_write(const char *s, size_t len)
{
	size_t room = EL2_CONSOLE_SIZE - 1 - el2.console_len;
	size_t n = len < room ? len : room;

	memcpy(el2.console + el2.console_len, s, n);
	el2.console_len += (uint32_t)n;
	el2.console[el2.console_len] = '\0';
	if (el2.on_console != NULL) {
		el2.on_console();
	}
}

/* The machine UART's receive interrupt: what is waiting goes to the
 * cell in focus while this core takes its input; the rest stays for the
 * next interrupt (as console_pl011.c drains the FIFO). */
void aarch64_uart_irq(struct rumkv_core *core)
{
	uint32_t i;

	for (i = 0; i < el2.input_len && rumkv_console_takes_input(core); i++) {
		rumkv_console_input(core, el2.input[i]);
	}
	memmove(el2.input, el2.input + i, el2.input_len - i);
	el2.input_len -= i;
}

/* ---- list registers (vectors.S) ---- */

uint64_t gic_lr_read(unsigned n)
{
	if (n >= EL2_LRS) {
		el2_fail("read of ICH_LR%u_EL2, which this GIC lacks", n);
	}
	return el2_cpu_current->lr[n];
}

void gic_lr_write(unsigned n, uint64_t v)
{
	if (n >= EL2_LRS) {
		el2_fail("write of ICH_LR%u_EL2, which this GIC lacks", n);
	}
	el2_cpu_current->lr[n] = v;
}

/* ---- memory ---- */

void port_cache_clean_range(const void *va, size_t size)
{
	(void)va;
	(void)size;
}

void *port_phys_to_virt(rumkv_paddr_t pa)
{
	if (pa.pa < EL2_RAM_BASE || pa.pa - EL2_RAM_BASE >= EL2_RAM_SIZE) {
		el2_fail("RumKV reached PA 0x%llx outside RAM",
			 (unsigned long long)pa.pa);
	}
	return el2.ram + (pa.pa - EL2_RAM_BASE);
}

rumkv_paddr_t port_virt_to_phys(const void *va)
{
	const uint8_t *p = va;

	if (p < el2.ram || (uint64_t)(p - el2.ram) >= EL2_RAM_SIZE) {
		el2_fail("%p is not in RAM", va);
	}
	return rumkv_pa(EL2_RAM_BASE + (uint64_t)(p - el2.ram));
}

void port_mmio_write32(rumkv_paddr_t pa, uint32_t value)
{
	(void)pa;
	(void)value;
	el2.mmio_writes++;
}
