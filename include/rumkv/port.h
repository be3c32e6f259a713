/* SPDX-License-Identifier: MIT */
/*
 * The porting interface: everything the core library needs from an ISA
 * port. A port implements every function here (no weak symbols; optional
 * parts such as the IOMMU are picked by the build, e.g. a port without an
 * IOMMU links an "absent" implementation that says so).
 *
 * Calling context, unless a hook says otherwise: RumKV code at the
 * hypervisor privilege level (EL2, HS-mode, host mode), interrupts masked,
 * on the physical core named by the `core` argument (or the calling core),
 * with RumKV's own translation (identity map) on.
 *
 * The ports call back into the library through <rumkv/cell.h> (traps) and
 * <rumkv/rumkv.h> (boot).
 */
#ifndef RUMKV_PORT_H
#define RUMKV_PORT_H

#include <rumkv/cell.h>
#include <rumkv/paging.h>
#include <rumkv/plan.h>
#include <rumkv/types.h>

/* ---- Machine ----------------------------------------------------------- */

/* Boot only, on the boot core, first of all the hooks: makes
 * port_console_write() work, so that whatever is wrong with the plan can
 * be reported. The plan is not checked yet, not even its version: the
 * hook reads only the console UART's fields (platform.uart_kind, .uart)
 * and touches nothing else. Translation may be off; port_core_self() may
 * return NULL until port_machine_init(). Returns 0, or RUMKV_ENOTSUP if
 * the port cannot drive that UART (then RumKV powers off without a word:
 * there is nothing to say it on). */
int port_console_init(const struct rumkv_plan *plan);

/* Boot only, on the boot core, before any cell is built: machine-wide
 * set-up from the plan (RumKV's own translation tables, the interrupt
 * distributor; the console is already up). The plan has passed
 * rumkv_plan_check(). On failure the port has said why on the console. */
int port_machine_init(const struct rumkv_plan *plan);

/* On the boot core, once every core has booted and parked and before any
 * cell runs: drops boot-only code and data from RumKV's own translation
 * (unmapped or not executable) on every core. Must itself be resident
 * code: it returns into resident code after the boot sections are gone. */
void port_boot_done(void);

/* ---- Cores ------------------------------------------------------------- */

/* The struct of the calling physical core (kept in a per-core register,
 * TPIDR_EL2 on AArch64). */
struct rumkv_core *port_core_self(void);

/* Boot only, on the boot core: powers on physical core `core` through the
 * platform firmware. The new core does its per-core set-up and then calls
 * rumkv_core_boot(core). Returns 0 or RUMKV_EBUSY / RUMKV_EINVAL. */
int port_core_power_on(struct rumkv_core *core);

/* Resets the calling core's guest state (general and system registers,
 * virtual interrupt controller, timer) to the architecture's reset values,
 * activates the cell's stage-2 tables, and enters the cell at `entry` with
 * `arg` in the first argument register, at the guest kernel level with
 * interrupts masked and translation off. Called on `core` only, with its
 * state already RUMKV_CORE_RUNNING. Never returns. */
RUMKV_NORETURN void port_core_enter_cell(struct rumkv_core *core,
					 uint64_t entry, uint64_t arg);

/* The guest address of the instruction that made the calling core trap
 * (for reports). Called on `core`, inside a trap. */
uint64_t port_core_guest_pc(const struct rumkv_core *core);

/* Waits, in a low-power state, until another core calls port_core_kick()
 * on this one (it may also return spuriously). Called on a parked core. */
void port_core_wait(struct rumkv_core *core);

/* Called in every loop in which a core spins waiting for another core (a
 * lock, an acknowledgement, a boot rendezvous). Hints that the core is
 * idle so that another hardware thread, or another virtual CPU of an
 * emulator or a hypervisor below, runs: QEMU's single-threaded TCG under
 * -icount switches vCPUs only on such a hint (AArch64: YIELD), and
 * without it a spinning core starves the core it waits for forever.
 * Callable anywhere; returns at once. */
void port_cpu_relax(void);

/* Makes `target` re-examine its state soon: interrupts it if it runs cell
 * code (so it traps to RumKV and calls rumkv_core_serve) and wakes it if it
 * waits in port_core_wait. Callable from any core; does not wait. */
void port_core_kick(struct rumkv_core *target);

/* Stops the whole machine. Called once every cell has ended. */
RUMKV_NORETURN void port_system_off(void);

/* ---- Cells and stage-2 translation ------------------------------------- */

/* The stage-2 descriptor format for cells. */
const struct rumkv_pt_format *port_stage2_format(void);

/* Boot only: prepares the port's part of a cell (VMID, the stage-2 table
 * ops it passes to rumkv_pt_init, virtual interrupt controller state).
 * Called once per cell before any mapping is made. */
int port_cell_init(struct rumkv_cell *cell);

/* The stage-2 table ops for `cell` (invalidation by VMID, broadcast to all
 * cores; barriers). */
const struct rumkv_pt_ops *port_stage2_ops(void);

/* ---- Interrupts -------------------------------------------------------- */

/* Boot (and cell restart): gives physical interrupt `intid` to `cell`:
 * routes it to the cell's first core, leaves it disabled (the guest enables
 * it through its virtual interrupt controller). */
int port_irq_assign(struct rumkv_cell *cell, uint32_t intid);

/* Takes `intid` away from its cell: disabled, pending state cleared,
 * no longer deliverable, no longer reachable through the virtual
 * interrupt controller. Takes effect machine-wide before it returns;
 * copies already queued on the cell's cores are dropped when those cores
 * serve RUMKV_REQ_SYNC_IRQS. Called with the cell lock held. */
void port_irq_revoke(struct rumkv_cell *cell, uint32_t intid);

/* Makes physical SPI `intid` pending at the distributor if `cell` owns
 * it (a channel's doorbell, lib/channel.c); it is then delivered where
 * the cell routed it, as any of its SPIs. Callable from any core, with
 * `cell`'s lock held (so that it is not being revoked or reassigned). */
void port_irq_raise(struct rumkv_cell *cell, uint32_t intid);

/* On the calling core: makes virtual interrupt `intid` pending for the
 * cell running there (an emulated device's interrupt line is asserted).
 * Idempotent while it is already pending. */
void port_virq_raise(struct rumkv_core *core, uint32_t intid);

/* On the calling core: drops any queued virtual interrupt the cell no
 * longer owns (RUMKV_REQ_SYNC_IRQS). The console UART's interrupt is no
 * cell's, but a cell with an emulated UART keeps its virtual copy while it
 * holds RUMKV_RIGHT_CONSOLE. */
void port_irq_sync(struct rumkv_core *core);

/* ---- IOMMU ------------------------------------------------------------- */

/* Boot (and restart): lets `stream` do DMA through the cell's translation.
 * RUMKV_ENOTSUP when the build has no IOMMU driver. */
int port_iommu_attach(struct rumkv_cell *cell, uint32_t stream);

/* Blocks all DMA of `stream` (aborts it); in-flight transactions have
 * completed or been aborted when it returns. Cell lock held. */
void port_iommu_detach(struct rumkv_cell *cell, uint32_t stream);

/* ---- PCI ---------------------------------------------------------------- */

/* A `size`-byte (1, 2 or 4) register at `offset` (below 4096, a multiple
 * of `size`) of the configuration space of PCI function `rid` (bus << 8 |
 * device << 3 | function) behind the platform's host bridge (plan
 * pci_ecam). Only called for functions the plan names. */
uint32_t port_pci_config_read(uint32_t rid, uint32_t offset, uint32_t size);
void port_pci_config_write(uint32_t rid, uint32_t offset, uint32_t size,
			   uint32_t value);

/* ---- Console ----------------------------------------------------------- */

/* Writes raw bytes to the machine console and returns once they are in the
 * UART's FIFO. The caller holds the console lock. */
void port_console_write(const char *s, size_t len);

/* Routes the console UART's receive interrupt (RumKV's own, no cell's)
 * to `core` and enables it: input then arrives there, whether the core
 * runs its cell or is parked, through rumkv_console_takes_input() and
 * rumkv_console_input(). The caller holds the console lock. */
void port_console_input_route(const struct rumkv_core *core);

/* ---- Time -------------------------------------------------------------- */

/* A machine-wide counter that never goes back and never wraps in practice
 * (AArch64: the generic timer's physical count, CNTPCT_EL0), for RumKV's
 * rate limits (the cells' console budgets). Callable anywhere. */
uint64_t port_counter_read(void);

/* How many times a second port_counter_read() counts (AArch64:
 * CNTFRQ_EL0, which the firmware sets). Callable anywhere. */
uint64_t port_counter_freq(void);

/* ---- Memory ------------------------------------------------------------ */

/* Cleans (writes back) the data cache for [va, va + size) to the point of
 * coherency, so that a guest starting with caches off sees what RumKV
 * wrote. */
void port_cache_clean_range(const void *va, size_t size);

/* A pointer through which RumKV reaches physical memory `pa` (identity on
 * every port so far; the host fake port maps it into a test buffer). */
void *port_phys_to_virt(rumkv_paddr_t pa);

/* The physical address of RumKV's object at `va` (table pools). */
rumkv_paddr_t port_virt_to_phys(const void *va);

/* Writes a 32-bit device register at physical `pa` (device quiesce). */
void port_mmio_write32(rumkv_paddr_t pa, uint32_t value);

#endif /* RUMKV_PORT_H */
