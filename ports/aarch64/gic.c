// SPDX-License-Identifier: MIT
/*
 * GICv3 driver: the physical distributor and redistributors, the EL2 CPU
 * interface, list registers, and the interrupt paths the assembly fast
 * path hands over (RumKV's kick SGI, cells' SGIs, the maintenance
 * interrupt, and interrupts that found every list register busy).
 *
 * Every physical interrupt is group 1 and targets EL2 (HCR_EL2.IMO). Its
 * routing decides which cell it belongs to: an SPI is routed only to a
 * core of the cell that owns it, SGIs and PPIs are per core. The fast path
 * forwards it to the cell running on the core as a hardware-linked
 * virtual interrupt; the cell's own EOI deactivates the physical one.
 */
#include "aarch64.h"
#include <aarch64/mmio.h>

#include <aarch64/gicv3.h>
#include <aarch64/sysreg.h>
#include <rumkv/error.h>
#include <rumkv/plan.h>
#include <rumkv/port.h>
#include <rumkv/rumkv.h>

uint64_t gic_gicd_base;
uint64_t gic_gicr_base;
/* The machine console's interrupt: RumKV's own (see vectors.S). */
uint32_t aarch64_console_irq = GIC_SPURIOUS;

/* ---- list registers ------------------------------------------------- */

RUMKV_BOOT unsigned gic_lr_count(void)
{
	unsigned n = (unsigned)(read_sysreg(ich_vtr_el2) & 0x1f) + 1;

	/* GICv3 has at most 16; gic_lr_read and gic_lr_write reach 16. */
	return n > 16 ? 16 : n;
}

/* The priority a cell gave `intid` (kept in the physical GIC). */
static uint32_t gic_priority(const struct rumkv_core *core, uint32_t intid)
{
	if (intid < 32) {
		return mmio_read8(core->arch.gicr_rd + GICR_SGI_BASE +
				  GICD_IPRIORITYR + intid);
	}
	return mmio_read8(gic_gicd_base + GICD_IPRIORITYR + intid);
}

/* Puts `intid` in a free list register, hardware-linked unless it is an
 * SGI (SGIs are deactivated by RumKV at once: a virtual SGI cannot be
 * linked to a physical one). False if every register is busy. */
static bool lr_inject(struct rumkv_core *core, uint32_t intid)
{
	uint64_t free = read_sysreg(ich_elrsr_el2);
	uint64_t lr;
	unsigned n;

	if (free == 0) {
		return false;
	}
	n = (unsigned)__builtin_ctzll(free);
	lr = ICH_LR_STATE_PENDING | ICH_LR_GROUP1 |
	     ((uint64_t)gic_priority(core, intid) << ICH_LR_PRIO_SHIFT) | intid;
	/* The console UART's interrupt is RumKV's: the cell only ever sees
	 * the emulated UART's, a purely virtual one. */
	if (intid >= 16 && intid != aarch64_console_irq) {
		lr |= ICH_LR_HW | ((uint64_t)intid << ICH_LR_PINTID_SHIFT);
	}
	gic_lr_write(n, lr);
	return true;
}

/* Queues `intid` until a list register frees up; the underflow
 * maintenance interrupt tells when. */
static void lr_defer(struct rumkv_core *core, uint32_t intid)
{
	core->arch.lr_pending[intid / 64] |= 1ull << (intid % 64);
	write_sysreg(ich_hcr_el2, read_sysreg(ich_hcr_el2) | ICH_HCR_UIE);
}

static void lr_refill(struct rumkv_core *core)
{
	unsigned w;
	bool left = false;

	for (w = 0; w < PORT_GIC_INTIDS / 64; w++) {
		while (core->arch.lr_pending[w] != 0) {
			unsigned b = (unsigned)__builtin_ctzll(
				core->arch.lr_pending[w]);

			if (!lr_inject(core, w * 64 + b)) {
				left = true;
				break;
			}
			core->arch.lr_pending[w] &= ~(1ull << b);
		}
	}
	if (!left) {
		write_sysreg(ich_hcr_el2,
			     read_sysreg(ich_hcr_el2) & ~ICH_HCR_UIE);
	}
}

static void eoi_and_deactivate(uint32_t intid)
{
	write_sysreg(icc_eoir1_el1, intid);
	write_sysreg(icc_dir_el1, intid);
}

void gic_irq_slow(struct rumkv_core *core, uint32_t intid)
{
	if (intid >= GIC_SPURIOUS) {
		/* Nothing was acknowledged: nothing to do. */
	} else if (intid == GIC_SGI_RUMKV) {
		eoi_and_deactivate(intid);
		rumkv_core_serve(core);
	} else if (intid < 16) {
		/* A cell's IPI between its own cores (see vgic_sgi). */
		eoi_and_deactivate(intid);
		if (!lr_inject(core, intid)) {
			lr_defer(core, intid);
		}
	} else if (intid == GIC_PPI_MAINTENANCE) {
		eoi_and_deactivate(intid);
		lr_refill(core);
	} else if (intid == aarch64_console_irq) {
		aarch64_uart_irq(core);
		eoi_and_deactivate(intid);
	} else {
		/* Every list register was busy. Drop priority only: the
		 * physical interrupt stays active until the cell EOIs it. */
		write_sysreg(icc_eoir1_el1, intid);
		lr_defer(core, intid);
	}
}

void port_virq_raise(struct rumkv_core *core, uint32_t intid)
{
	unsigned n;

	for (n = 0; n < core->arch.lr_count; n++) {
		uint64_t lr = gic_lr_read(n);

		if ((lr & ICH_LR_VINTID_MASK) == intid && (lr >> 62) != 0) {
			/* Active in the cell's handler: pending again too. */
			gic_lr_write(n, lr | ICH_LR_STATE_PENDING);
			return;
		}
	}
	if ((core->arch.lr_pending[intid / 64] >> (intid % 64) & 1) == 0 &&
	    !lr_inject(core, intid)) {
		lr_defer(core, intid);
	}
}

void gic_send_sgi(uint64_t hwid, uint32_t intid)
{
	uint64_t aff0 = hwid & 0xff;
	uint64_t v = ((hwid >> 32) & 0xff) << 48 | ((hwid >> 16) & 0xff) << 32 |
		     ((hwid >> 8) & 0xff) << 16 |
		     (uint64_t)(intid & 0xf) << 24 | (aff0 >> 4) << 44 |
		     1ull << (aff0 & 0xf);

	dsb_ishst();
	write_sysreg(icc_sgi1r_el1, v);
	isb();
}

/* ---- ownership --------------------------------------------------------- */

/* Atomic: the cell's other cores read the bitmap without a lock (reads
 * of the virtual distributor, port_irq_sync). */
static void owned_set(struct rumkv_cell *cell, uint32_t intid, bool owned)
{
	uint64_t bit = 1ull << (intid % 64);
	uint64_t *word = &cell->arch.irq_owned[intid / 64];

	if (owned) {
		__atomic_or_fetch(word, bit, __ATOMIC_RELEASE);
	} else {
		__atomic_and_fetch(word, ~bit, __ATOMIC_RELEASE);
	}
}

static uint64_t owned_word(const struct rumkv_cell *cell, unsigned w)
{
	return __atomic_load_n(&cell->arch.irq_owned[w], __ATOMIC_ACQUIRE);
}

static void gicd_wait_rwp(void)
{
	while (mmio_read32(gic_gicd_base + GICD_CTLR) & GICD_CTLR_RWP) {
	}
}

static uint32_t hwid_aff32(uint64_t hwid)
{
	return (uint32_t)(((hwid >> 32) & 0xff) << 24 | (hwid & 0xffffff));
}

/* IROUTER value for a core: its affinity, IRM = 0 (exactly that core). */
static uint64_t irouter_of(uint64_t hwid)
{
	return hwid & MPIDR_AFF_MASK;
}

int port_irq_assign(struct rumkv_cell *cell, uint32_t intid)
{
	struct rumkv_core *first = rumkv_cell_core(cell, 0);

	if (intid < 32) {
		/* SGIs and PPIs come with the cell's cores (port_cell_init). */
		return 0;
	}
	if (intid >= GIC_SPURIOUS) {
		return RUMKV_EINVAL;
	}
	mmio_write32(gic_gicd_base + GICD_ICENABLER + intid / 32 * 4,
		     1u << (intid % 32));
	gicd_wait_rwp();
	mmio_write32(gic_gicd_base + GICD_ICPENDR + intid / 32 * 4,
		     1u << (intid % 32));
	mmio_write32(gic_gicd_base + GICD_ICACTIVER + intid / 32 * 4,
		     1u << (intid % 32));
	mmio_write8(gic_gicd_base + GICD_IPRIORITYR + intid, GIC_PRIO_DEFAULT);
	mmio_write64(gic_gicd_base + GICD_IROUTER + intid * 8,
		     irouter_of(first->hwid));
	/* A core that parked with the SPI active in an earlier run of the
	 * cell must not deactivate it for this run when it starts (the
	 * SPI was revoked, so no parked core can be taking it now). */
	for (uint32_t v = 0; v < cell->plan->core_count; v++) {
		__atomic_fetch_and(&rumkv_cell_core(cell, v)
					    ->arch.parked_active[intid / 64],
				   ~(1ull << (intid % 64)), __ATOMIC_RELAXED);
	}
	owned_set(cell, intid, true);
	return 0;
}

/* An IROUTER value that names no core (no machine has a core with all
 * affinity fields 0xff): a revoked SPI is delivered nowhere even if
 * something enabled it again. */
#define IROUTER_NOWHERE 0xff00ffffffull

void port_irq_revoke(struct rumkv_cell *cell, uint32_t intid)
{
	uint32_t bit = 1u << (intid % 32);
	uint32_t word = intid / 32 * 4;

	if (intid >= GIC_SPURIOUS || intid < 32) {
		return;
	}
	owned_set(cell, intid, false);
	mmio_write32(gic_gicd_base + GICD_ICENABLER + word, bit);
	gicd_wait_rwp();
	mmio_write64(gic_gicd_base + GICD_IROUTER + intid * 8, IROUTER_NOWHERE);
	mmio_write32(gic_gicd_base + GICD_ICPENDR + word, bit);
	mmio_write32(gic_gicd_base + GICD_ICACTIVER + word, bit);
	mmio_write8(gic_gicd_base + GICD_IPRIORITYR + intid, GIC_PRIO_DEFAULT);
}

void port_irq_raise(struct rumkv_cell *cell, uint32_t intid)
{
	if (intid < 32 || intid >= GIC_SPURIOUS ||
	    ((owned_word(cell, intid / 64) >> (intid % 64)) & 1) == 0) {
		return;
	}
	mmio_write32(gic_gicd_base + GICD_ISPENDR + intid / 32 * 4,
		     1u << (intid % 32));
}

/* The virtual interrupts the cell may still have queued in word `w`: its
 * own, and the emulated UART's (the console's number, purely virtual)
 * while it holds the console right. */
static uint64_t kept_word(const struct rumkv_cell *cell, unsigned w)
{
	uint64_t kept = owned_word(cell, w);
	uint32_t uart = aarch64_console_irq;

	if (uart / 64 == w && (cell->plan->console & RUMKV_CONSOLE_VUART) &&
	    rumkv_cell_holds(cell, RUMKV_RIGHT_CONSOLE)) {
		kept |= 1ull << (uart % 64);
	}
	return kept;
}

void port_irq_sync(struct rumkv_core *core)
{
	const struct rumkv_cell *cell = core->cell;
	unsigned n;
	unsigned w;

	for (n = 0; n < core->arch.lr_count; n++) {
		uint64_t lr = gic_lr_read(n);
		uint32_t v = (uint32_t)(lr & 0x3ff);

		if ((lr >> 62) == 0 ||
		    (kept_word(cell, v / 64) >> (v % 64)) & 1) {
			continue;
		}
		gic_lr_write(n, 0);
		if (lr & ICH_LR_HW) {
			/* Nobody will EOI it now: deactivate it here. */
			write_sysreg(icc_dir_el1,
				     (lr >> ICH_LR_PINTID_SHIFT) & 0x3ff);
		}
	}
	for (w = 0; w < PORT_GIC_INTIDS / 64; w++) {
		uint64_t kept = kept_word(cell, w);
		uint64_t drop = core->arch.lr_pending[w] & ~kept;

		core->arch.lr_pending[w] &= kept;
		while (drop != 0) {
			unsigned b = (unsigned)__builtin_ctzll(drop);

			/* A deferred physical interrupt is still active; the
			 * UART's virtual one has no physical side. */
			if (w * 64 + b != aarch64_console_irq) {
				write_sysreg(icc_dir_el1, w * 64 + b);
			}
			drop &= drop - 1;
		}
	}
	isb();
}

void port_console_input_route(const struct rumkv_core *core)
{
	uint32_t intid = aarch64_console_irq;
	uint32_t bit = 1u << (intid % 32);
	uint32_t word = intid / 32 * 4;

	if (intid >= GIC_SPURIOUS) {
		return;
	}
	/* Disabled while it moves (as Linux's gic_set_affinity does). */
	mmio_write32(gic_gicd_base + GICD_ICENABLER + word, bit);
	gicd_wait_rwp();
	mmio_write8(gic_gicd_base + GICD_IPRIORITYR + intid, GIC_PRIO_DEFAULT);
	mmio_write64(gic_gicd_base + GICD_IROUTER + intid * 8,
		     irouter_of(core->hwid));
	mmio_write32(gic_gicd_base + GICD_ISENABLER + word, bit);
}

/* ---- per-core guest reset ---------------------------------------------- */

/* No active priorities in the virtual CPU interface: ICH_AP0R<n>_EL2 and
 * ICH_AP1R<n>_EL2 exist for n < 2^(preemption bits - 5) (ICH_VTR_EL2
 * PREbits + 1), and each must be cleared, or a restarted vcore would
 * inherit the previous run's active priorities. */
static void gic_active_priorities_reset(void)
{
	switch ((read_sysreg(ich_vtr_el2) >> 26) & 7) {
	case 6: /* 7 bits */
		write_sysreg(ich_ap0r3_el2, 0);
		write_sysreg(ich_ap0r2_el2, 0);
		write_sysreg(ich_ap1r3_el2, 0);
		write_sysreg(ich_ap1r2_el2, 0);
		/* fall through */
	case 5: /* 6 bits */
		write_sysreg(ich_ap0r1_el2, 0);
		write_sysreg(ich_ap1r1_el2, 0);
		/* fall through */
	default:
		write_sysreg(ich_ap0r0_el2, 0);
		write_sysreg(ich_ap1r0_el2, 0);
		break;
	}
}

/* Before a vcore (re)starts: empty list registers and pending queue, no
 * active priorities, the core's SGIs and PPIs disabled and idle. */
void gic_core_reset_guest(struct rumkv_core *core)
{
	uint64_t sgi = core->arch.gicr_rd + GICR_SGI_BASE;
	uint32_t keep = (1u << GIC_SGI_RUMKV) | (1u << GIC_PPI_MAINTENANCE);
	unsigned n;

	for (n = 0; n < core->arch.lr_count; n++) {
		gic_lr_write(n, 0);
	}
	for (n = 0; n < PORT_GIC_INTIDS / 64; n++) {
		core->arch.lr_pending[n] = 0;
	}
	gic_active_priorities_reset();
	write_sysreg(ich_vmcr_el2, 0);
	write_sysreg(ich_hcr_el2, ICH_HCR_EN);
	mmio_write32(sgi + GICD_ICENABLER, ~keep);
	mmio_write32(sgi + GICD_ICPENDR, ~keep);
	mmio_write32(sgi + GICD_ICACTIVER, ~keep);
	for (n = 0; n < 32; n += 4) {
		mmio_write32(sgi + GICD_IPRIORITYR + n, 0xa0a0a0a0u);
	}
	isb();
}

/* ---- RumKV's own group-0 interrupts (the IOMMU's) ---------------------- */

RUMKV_BOOT int gic_fiq_own(uint32_t intid)
{
	uint32_t word = intid / 32 * 4;
	uint32_t bit = 1u << (intid % 32);
	uint32_t cfg = gic_gicd_base + GICD_ICFGR + intid / 16 * 4;

	if ((mmio_read32(gic_gicd_base + GICD_CTLR) & GICD_CTLR_DS) == 0 ||
	    intid < 32 || intid >= GIC_SPURIOUS) {
		return -1;
	}
	mmio_write32(gic_gicd_base + GICD_ICENABLER + word, bit);
	gicd_wait_rwp();
	mmio_write32(gic_gicd_base + GICD_IGROUPR + word,
		     mmio_read32(gic_gicd_base + GICD_IGROUPR + word) & ~bit);
	mmio_write32(cfg, mmio_read32(cfg) | 2u << (intid % 16 * 2));
	mmio_write8(gic_gicd_base + GICD_IPRIORITYR + intid, GIC_PRIO_DEFAULT);
	mmio_write64(gic_gicd_base + GICD_IROUTER + intid * 8,
		     read_sysreg(mpidr_el1) & MPIDR_AFF_MASK);
	mmio_write32(gic_gicd_base + GICD_CTLR,
		     mmio_read32(gic_gicd_base + GICD_CTLR) |
			     GICD_CTLR_ENABLE_G0);
	gicd_wait_rwp();
	write_sysreg(icc_igrpen0_el1, 1);
	isb();
	mmio_write32(gic_gicd_base + GICD_ISENABLER + word, bit);
	return 0;
}

/* Serves RumKV's group-0 interrupts that are pending on this core (a
 * FIQ, or a parked core woken by one). */
void gic_fiq_serve(struct rumkv_core *core)
{
	for (;;) {
		uint32_t intid = (uint32_t)read_sysreg(icc_iar0_el1);

		if (intid >= GIC_SPURIOUS) {
			return;
		}
		if (aarch64_iommu_irq(intid)) {
			aarch64_iommu_serve();
		} else if (!core->arch.fiq_reported) {
			core->arch.fiq_reported = true;
			rumkv_log("unexpected FIQ (INTID %u) on core hw 0x%llx "
				  "ignored",
				  intid, (unsigned long long)core->hwid);
		}
		write_sysreg(icc_eoir0_el1, intid);
		write_sysreg(icc_dir_el1, intid);
	}
}

/* ---- parked cores ------------------------------------------------------ */

/* On a parked core, after its WFI: acknowledges what woke it. RumKV's
 * kick and the core's own SGIs and PPIs are finished at once (their
 * vcore is off: they are dropped); console input is taken as on a running
 * core. An SPI is left active (priority
 * dropped only): a level-triggered one would otherwise be signalled
 * again at once and keep the core from ever sleeping or leaving this
 * loop. gic_parked_release makes it inactive when the vcore starts. */
void gic_parked_drain(struct rumkv_core *core)
{
	gic_fiq_serve(core);
	for (;;) {
		uint32_t intid = (uint32_t)read_sysreg(icc_iar1_el1);

		if (intid >= GIC_SPURIOUS) {
			return;
		}
		write_sysreg(icc_eoir1_el1, intid);
		if (intid == aarch64_console_irq) {
			/* RumKV's own: the focus may be on this core's cell
			 * (whose vcore is off), and the switch keys must get
			 * through whatever the cell does. Back to the park
			 * loop after it (anything else pending wakes the WFI
			 * at once), so that endless input cannot keep the
			 * core from starting. */
			aarch64_uart_irq(core);
			write_sysreg(icc_dir_el1, intid);
			return;
		}
		if (intid < 32) {
			write_sysreg(icc_dir_el1, intid);
		} else {
			__atomic_fetch_or(&core->arch.parked_active[intid / 64],
					  1ull << (intid % 64),
					  __ATOMIC_RELAXED);
		}
	}
}

/* When the core's vcore starts: the SPIs it left active while parked
 * become inactive (and, if still asserted, pending for the cell). Only
 * those the cell still owns: a revoked one was deactivated then, and one
 * assigned again (a restart) lost its bit (port_irq_assign). The bits
 * are atomic: port_irq_assign clears them from another core. */
void gic_parked_release(struct rumkv_core *core)
{
	unsigned w;

	for (w = 0; w < PORT_GIC_INTIDS / 64; w++) {
		uint64_t left =
			__atomic_exchange_n(&core->arch.parked_active[w], 0,
					    __ATOMIC_RELAXED) &
			owned_word(core->cell, w);

		while (left != 0) {
			unsigned intid =
				w * 64 + (unsigned)__builtin_ctzll(left);

			mmio_write32(gic_gicd_base + GICD_ICACTIVER +
					     intid / 32 * 4,
				     1u << (intid % 32));
			left &= left - 1;
		}
	}
}

/* ---- boot ------------------------------------------------------------- */

/* One past the last SPI the distributor implements. */
RUMKV_BOOT static uint32_t gicd_spi_end(void)
{
	uint32_t lines =
		((mmio_read32(gic_gicd_base + GICD_TYPER) & 0x1f) + 1) * 32;

	return lines > GIC_SPURIOUS ? GIC_SPURIOUS : lines;
}

RUMKV_BOOT int gic_machine_init(const struct rumkv_plan *plan)
{
	uint32_t lines;
	uint32_t i;

	if (plan->platform.irqc_kind != RUMKV_IRQC_GICV3 ||
	    plan->platform.irqc_reg_count < 2) {
		return -1;
	}
	gic_gicd_base = plan->platform.irqc_regs[0].pa;
	gic_gicr_base = plan->platform.irqc_regs[1].pa;
	aarch64_console_irq = plan->platform.uart_irq;

	mmio_write32(gic_gicd_base + GICD_CTLR, 0);
	gicd_wait_rwp();
	lines = gicd_spi_end();
	for (i = 32; i < lines; i += 32) {
		mmio_write32(gic_gicd_base + GICD_IGROUPR + i / 8, ~0u);
		mmio_write32(gic_gicd_base + GICD_ICENABLER + i / 8, ~0u);
		mmio_write32(gic_gicd_base + GICD_ICPENDR + i / 8, ~0u);
		mmio_write32(gic_gicd_base + GICD_ICACTIVER + i / 8, ~0u);
	}
	for (i = 32; i < lines; i += 4) {
		mmio_write32(gic_gicd_base + GICD_IPRIORITYR + i, 0xa0a0a0a0u);
	}
	mmio_write32(gic_gicd_base + GICD_CTLR,
		     GICD_CTLR_ARE | GICD_CTLR_ENABLE_G1);
	gicd_wait_rwp();
	return 0;
}

RUMKV_BOOT static uint64_t gicr_find(uint64_t hwid)
{
	uint64_t frame = gic_gicr_base;

	for (;;) {
		uint64_t typer = mmio_read64(frame + GICR_TYPER);

		if ((uint32_t)(typer >> 32) == hwid_aff32(hwid)) {
			return frame;
		}
		if (typer & GICR_TYPER_LAST) {
			return 0;
		}
		frame += GICR_FRAME_SIZE;
	}
}

/* On each core: wake its redistributor, put all its SGIs/PPIs in group 1,
 * enable RumKV's own two, and set up the EL2 view of the CPU interface. */
RUMKV_BOOT void gic_core_init(struct rumkv_core *core)
{
	uint64_t rd = gicr_find(core->hwid);
	uint64_t sgi = rd + GICR_SGI_BASE;

	core->arch.gicr_rd = rd;
	mmio_write32(rd + GICR_WAKER, mmio_read32(rd + GICR_WAKER) &
					      ~GICR_WAKER_PROCESSOR_SLEEP);
	while (mmio_read32(rd + GICR_WAKER) & GICR_WAKER_CHILDREN_ASLEEP) {
	}
	mmio_write32(sgi + GICD_IGROUPR, ~0u);
	core->arch.lr_count = gic_lr_count();
	gic_core_reset_guest(core);
	mmio_write32(sgi + GICD_ISENABLER,
		     (1u << GIC_SGI_RUMKV) | (1u << GIC_PPI_MAINTENANCE));

	write_sysreg(icc_sre_el2, 0xf); /* SRE, DFB, DIB, EL1 may use SRE */
	isb();
	write_sysreg(icc_pmr_el1, 0xff);
	write_sysreg(icc_bpr1_el1, 0);
	write_sysreg(icc_ctlr_el1, 1u << 1); /* EOImode: drop, then DIR */
	write_sysreg(icc_igrpen1_el1, 1);
	isb();
}
