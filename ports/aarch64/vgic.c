// SPDX-License-Identifier: MIT
/*
 * The virtual GICv3 a cell sees: its distributor and redistributor
 * accesses trap (neither is mapped in stage-2) and are forwarded to the
 * physical GIC through the cell's ownership bitmap, so a cell reads and
 * changes only its own interrupts. No state is kept here: the physical
 * GIC is the state.
 *
 * Every register is decoded from its own base and accepted only at the
 * sizes and alignments the GICv3 architecture allows for it (IHI 0069,
 * "GIC memory-mapped register access"): 32-bit words everywhere, bytes
 * too for the priority and target registers, 64-bit too for IROUTER and
 * GICR_TYPER (and 32-bit halves of them). Any other access would be an
 * alignment fault or an external abort on silicon, so the physical GIC
 * never sees one: the cell is ended with a report. Registers a cell has
 * no use for (group modifiers, non-secure access, legacy targets and
 * SGI registers, LPIs, message-based SPIs, power control) read as zero
 * and ignore writes.
 *
 * The cell sees one redistributor frame per vcore, contiguous from the
 * board's redistributor base, numbered and identified like its vcores
 * (GICR_TYPER reports the virtual affinity). SGIs are sent through the
 * trapped ICC_SGI1R_EL1 and reach only the cell's own running cores.
 *
 * Lock order: the cell's lock, then gicd_cfg_lock. A write checks
 * ownership and reaches the GIC under the cell's lock, which revocation
 * holds too: a write cannot re-enable or re-route an interrupt revoked
 * while it was in flight.
 */
#include "aarch64.h"
#include "trap.h"

#include <aarch64/gicv3.h>
#include <aarch64/mmio.h>
#include <rumkv/cell.h>
#include <rumkv/format.h>

/* Serialises read-modify-write of configuration registers: an ICFGR word
 * holds sixteen interrupts, possibly of several cells. */
static uint32_t gicd_cfg_lock;

enum reg_kind {
	REG_RAZ_WI,
	REG_PHYS_RO, /* reads the physical register (IIDR, ID registers) */
	REG_GROUP,   /* owned interrupts read as group 1; writes ignored */
	REG_SETCLR,  /* write-1-to-set/clear and their reads, a bit each */
	REG_PRIO,    /* a byte per interrupt */
	REG_CFG,     /* two bits per interrupt, read-modify-write */
	REG_CTLR,    /* GICD_CTLR */
	REG_TYPER,   /* GICD_TYPER, GICR_TYPER */
	REG_ROUTE,   /* GICD_IROUTER<n> */
};

/* Access sizes a register allows, as a set of byte counts. */
#define SZ_8 1u
#define SZ_32 4u
#define SZ_64 8u

struct gic_reg {
	uint16_t first; /* offsets first..last of the frame */
	uint16_t last;
	uint8_t sizes; /* SZ_* */
	uint8_t kind;  /* enum reg_kind */
};

/* Offsets not listed are reserved: 32-bit, RAZ/WI. */
static const struct gic_reg gicd_regs[] = {
	{0x0000, 0x0003, SZ_32, REG_CTLR},
	{0x0004, 0x0007, SZ_32, REG_TYPER},
	{0x0008, 0x000b, SZ_32, REG_PHYS_RO},
	{0x0080, 0x00ff, SZ_32, REG_GROUP},
	{0x0100, 0x017f, SZ_32, REG_SETCLR},	    /* ISENABLER */
	{0x0180, 0x01ff, SZ_32, REG_SETCLR},	    /* ICENABLER */
	{0x0200, 0x027f, SZ_32, REG_SETCLR},	    /* ISPENDR */
	{0x0280, 0x02ff, SZ_32, REG_SETCLR},	    /* ICPENDR */
	{0x0300, 0x037f, SZ_32, REG_SETCLR},	    /* ISACTIVER */
	{0x0380, 0x03ff, SZ_32, REG_SETCLR},	    /* ICACTIVER */
	{0x0400, 0x07fb, SZ_8 | SZ_32, REG_PRIO},   /* IPRIORITYR */
	{0x0800, 0x0bfb, SZ_8 | SZ_32, REG_RAZ_WI}, /* ITARGETSR */
	{0x0c00, 0x0cff, SZ_32, REG_CFG},	    /* ICFGR */
	{0x0f10, 0x0f2f, SZ_8 | SZ_32, REG_RAZ_WI}, /* C/SPENDSGIR */
	{0x6100, 0x7fdf, SZ_32 | SZ_64, REG_ROUTE}, /* IROUTER, 32..1019 */
	{0xffd0, 0xffff, SZ_32, REG_PHYS_RO},	    /* ID registers */
};

/* The redistributor's RD_base frame. */
static const struct gic_reg gicr_rd_regs[] = {
	{0x0004, 0x0007, SZ_32, REG_PHYS_RO},	     /* IIDR */
	{0x0008, 0x000f, SZ_32 | SZ_64, REG_TYPER},  /* TYPER */
	{0x0070, 0x007f, SZ_32 | SZ_64, REG_RAZ_WI}, /* PROP/PENDBASER */
	{0xffd0, 0xffff, SZ_32, REG_PHYS_RO},
};

/* The redistributor's SGI_base frame: the first word of each family. */
static const struct gic_reg gicr_sgi_regs[] = {
	{0x0080, 0x0083, SZ_32, REG_GROUP},
	{0x0100, 0x0103, SZ_32, REG_SETCLR},
	{0x0180, 0x0183, SZ_32, REG_SETCLR},
	{0x0200, 0x0203, SZ_32, REG_SETCLR},
	{0x0280, 0x0283, SZ_32, REG_SETCLR},
	{0x0300, 0x0303, SZ_32, REG_SETCLR},
	{0x0380, 0x0383, SZ_32, REG_SETCLR},
	{0x0400, 0x041f, SZ_8 | SZ_32, REG_PRIO},
	{0x0c00, 0x0c07, SZ_32, REG_CFG}, /* ICFGR0 (SGIs: RAZ/WI), ICFGR1 */
};

static const struct gic_reg reserved = {0, 0xffff, SZ_32, REG_RAZ_WI};

/* The register at `off` of a frame. */
static const struct gic_reg *reg_at(const struct gic_reg *t, unsigned n,
				    uint32_t off)
{
	unsigned i;

	for (i = 0; i < n; i++) {
		if (off >= t[i].first && off <= t[i].last) {
			return &t[i];
		}
	}
	return &reserved;
}

/* Bits per interrupt, as a shift, of the interrupt-field kinds. */
static unsigned field_shift(uint8_t kind)
{
	return kind == REG_PRIO ? 3u : kind == REG_CFG ? 1u : 0u;
}

static bool owns(const struct rumkv_cell *cell, uint32_t intid)
{
	return intid < PORT_GIC_INTIDS &&
	       ((__atomic_load_n(&cell->arch.irq_owned[intid / 64],
				 __ATOMIC_RELAXED) >>
		 (intid % 64)) &
		1) != 0;
}

/* Reads an interrupt-field register at one of the sizes it allows. */
static uint64_t phys_read(uint64_t pa, uint8_t size)
{
	return size == 1 ? mmio_read8(pa) : mmio_read32(pa);
}

/* The bits of an access at `off` of register `r` that belong to
 * interrupts the cell owns, among the INTIDs [lo, hi) the frame holds. */
static uint64_t owned_mask(const struct rumkv_cell *cell,
			   const struct gic_reg *r, uint32_t off, uint8_t size,
			   uint32_t lo, uint32_t hi)
{
	unsigned shift = field_shift(r->kind);
	uint32_t first = (off - r->first) * 8u >> shift;
	uint64_t field = (2ull << ((1u << shift) - 1)) - 1;
	unsigned count = size * 8u >> shift;
	uint64_t mask = 0;
	unsigned i;

	for (i = 0; i < count; i++) {
		uint32_t intid = first + i;

		if (intid >= lo && intid < hi && owns(cell, intid)) {
			mask |= field << (i << shift);
		}
	}
	return mask;
}

/* A write to an interrupt-field register, with the cell's lock held. */
static void field_write(struct rumkv_core *core, const struct gic_reg *r,
			uint64_t pa, const struct rumkv_mmio_access *acc,
			uint64_t mask)
{
	unsigned i;

	switch (r->kind) {
	case REG_SETCLR:
		if ((acc->value & mask) != 0) {
			mmio_write32(pa, (uint32_t)(acc->value & mask));
		}
		break;
	case REG_PRIO:
		/* Byte writes: no read-modify-write of bytes that belong to
		 * other cells. */
		for (i = 0; i < acc->size; i++) {
			if ((mask >> (8 * i)) & 0xff) {
				mmio_write8(pa + i,
					    (uint8_t)(acc->value >> (8 * i)));
			}
		}
		break;
	case REG_CFG:
		/* A word with none of the cell's interrupts takes no
		 * machine-wide lock and rewrites nothing of other cells. */
		if (mask == 0) {
			break;
		}
		rumkv_lock(core, &gicd_cfg_lock);
		mmio_write32(pa, (mmio_read32(pa) & ~(uint32_t)mask) |
					 ((uint32_t)acc->value & mask));
		rumkv_unlock(&gicd_cfg_lock);
		break;
	default:
		break;
	}
}

/* An interrupt-field register of a frame at `frame`, for INTIDs
 * [lo, hi). */
static void field_access(struct rumkv_core *core, const struct gic_reg *r,
			 uint64_t frame, uint32_t off,
			 struct rumkv_mmio_access *acc, uint32_t lo,
			 uint32_t hi)
{
	struct rumkv_cell *cell = core->cell;
	uint64_t mask;

	if (!acc->write) {
		mask = owned_mask(cell, r, off, acc->size, lo, hi);
		acc->value = r->kind == REG_GROUP
				     ? mask
				     : phys_read(frame + off, acc->size) & mask;
		return;
	}
	if (r->kind == REG_GROUP) {
		return;
	}
	rumkv_lock(core, &cell->lock);
	mask = owned_mask(cell, r, off, acc->size, lo, hi);
	field_write(core, r, frame + off, acc, mask);
	rumkv_unlock(&cell->lock);
}

/* A vcore's affinity as the cell sees it (and VMPIDR_EL2 reports). */
static uint64_t vcore_affinity(uint32_t vindex)
{
	return (uint64_t)(vindex / 16) << 8 | (vindex % 16);
}

/* IROUTER: the cell routes to its vcores; RumKV routes to their cores.
 * A 32-bit access reaches either half; only the lower one holds
 * anything a vcore's affinity uses (Aff3 is 0). */
static void route_access(struct rumkv_core *core, uint32_t off,
			 struct rumkv_mmio_access *acc)
{
	struct rumkv_cell *cell = core->cell;
	uint32_t intid = (off - GICD_IROUTER) / 8;
	uint64_t pa = gic_gicd_base + GICD_IROUTER + intid * 8u;
	uint64_t value = acc->value;
	struct rumkv_core *target;
	uint32_t v;

	if (!acc->write) {
		uint64_t hw = mmio_read64(pa) & MPIDR_AFF_MASK;

		acc->value = 0;
		for (v = 0; (off & 4) == 0 && owns(cell, intid) &&
			    v < cell->plan->core_count;
		     v++) {
			if ((rumkv_cell_core(cell, v)->hwid & MPIDR_AFF_MASK) ==
			    hw) {
				acc->value = vcore_affinity(v);
			}
		}
		return;
	}
	if ((off & 4) != 0) {
		return;
	}
	/* 1-of-N routing (IRM) could reach other cells' cores: the cell's
	 * first core gets it instead, as do vcores it does not have. */
	v = (uint32_t)((value >> 8 & 0xff) * 16 + (value & 0xff));
	target = rumkv_cell_core(cell, v);
	if ((value & 0xffffffffffff00f0ull) != 0 || target == NULL) {
		target = rumkv_cell_core(cell, 0);
	}
	rumkv_lock(core, &cell->lock);
	if (owns(cell, intid)) {
		mmio_write64(pa, target->hwid & MPIDR_AFF_MASK);
	}
	rumkv_unlock(&cell->lock);
}

static uint32_t gicd_read(uint32_t off, uint8_t kind)
{
	uint32_t v = mmio_read32(gic_gicd_base + off);

	switch (kind) {
	case REG_CTLR:
		return v & (GICD_CTLR_ARE | GICD_CTLR_ENABLE_G1 | GICD_CTLR_DS);
	case REG_TYPER:
		return v & ~(GICD_TYPER_LPIS | GICD_TYPER_MBIS);
	default:
		return v;
	}
}

/* The redistributor TYPER of vcore `vindex`: its virtual affinity and
 * number, Last on the cell's last frame, no LPIs. */
static uint64_t gicr_typer(const struct rumkv_cell *cell, uint32_t vindex)
{
	return vcore_affinity(vindex) << 32 | (uint64_t)vindex << 8 |
	       (vindex + 1 == cell->plan->core_count ? GICR_TYPER_LAST : 0);
}

/* An access the GIC architecture does not allow for the register: the
 * physical GIC never sees it. */
static RUMKV_NORETURN void bad_size(const char *frame, uint32_t off,
				    uint8_t size)
{
	aarch64_mmio_refuse("interrupt controller access of %u bytes at "
			    "%s+0x%x: size or alignment not allowed there",
			    size, frame, off);
}

/* Emulates an access at `off` of a frame at physical `frame` whose
 * register table is `t`; INTIDs [lo, hi) live in it. */
static void frame_access(struct rumkv_core *core, const struct gic_reg *t,
			 unsigned n, const char *name, uint64_t frame,
			 uint32_t off, uint32_t vindex,
			 struct rumkv_mmio_access *acc)
{
	const struct gic_reg *r = reg_at(t, n, off);
	/* SGIs' configuration (GICR_ICFGR0) is fixed: only PPIs' is
	 * written. */
	uint32_t lo = t == gicd_regs ? 32 : r->kind == REG_CFG ? 16 : 0;
	uint32_t hi = t == gicd_regs ? GIC_SPURIOUS : 32;
	uint64_t typer;

	if ((r->sizes & acc->size) == 0 || (off & (acc->size - 1u)) != 0) {
		bad_size(name, off, acc->size);
	}
	switch (r->kind) {
	case REG_GROUP:
	case REG_SETCLR:
	case REG_PRIO:
	case REG_CFG:
		field_access(core, r, frame, off, acc, lo, hi);
		return;
	case REG_ROUTE:
		route_access(core, off, acc);
		return;
	default:
		break;
	}
	acc->value = 0;
	if (acc->write || r->kind == REG_RAZ_WI) {
		return;
	}
	if (t == gicd_regs) {
		acc->value = gicd_read(off, r->kind);
	} else if (r->kind == REG_TYPER) {
		typer = gicr_typer(core->cell, vindex);
		acc->value = (off & 4) != 0   ? typer >> 32
			     : acc->size == 8 ? typer
					      : (uint32_t)typer;
	} else {
		acc->value = mmio_read32(frame + off);
	}
}

bool vgic_mmio(struct rumkv_core *core, struct rumkv_mmio_access *acc)
{
	uint64_t gicr_size =
		(uint64_t)core->cell->plan->core_count * GICR_FRAME_SIZE;
	uint64_t off = acc->ipa - gic_gicd_base;
	uint32_t v;
	uint64_t rd;

	if (off < GICD_SIZE) {
		if (acc->size != 0) {
			frame_access(core, gicd_regs,
				     RUMKV_ARRAY_SIZE(gicd_regs), "GICD",
				     gic_gicd_base, (uint32_t)off, 0, acc);
		}
		return true;
	}
	off = acc->ipa - gic_gicr_base;
	if (off >= gicr_size) {
		return false;
	}
	if (acc->size == 0) {
		return true;
	}
	v = (uint32_t)(off / GICR_FRAME_SIZE);
	rd = rumkv_cell_core(core->cell, v)->arch.gicr_rd;
	off %= GICR_FRAME_SIZE;
	if (off >= GICR_SGI_BASE) {
		frame_access(core, gicr_sgi_regs,
			     RUMKV_ARRAY_SIZE(gicr_sgi_regs), "GICR-SGI",
			     rd + GICR_SGI_BASE, (uint32_t)off - GICR_SGI_BASE,
			     v, acc);
	} else {
		frame_access(core, gicr_rd_regs, RUMKV_ARRAY_SIZE(gicr_rd_regs),
			     "GICR", rd, (uint32_t)off, v, acc);
	}
	return true;
}

static void sgi_to_vcore(struct rumkv_cell *cell, uint32_t v, uint32_t intid)
{
	struct rumkv_core *target = rumkv_cell_core(cell, v);

	/* An IPI to a core that is off is lost, as on hardware. */
	if (target != NULL &&
	    __atomic_load_n(&target->state, __ATOMIC_ACQUIRE) ==
		    RUMKV_CORE_RUNNING) {
		gic_send_sgi(target->hwid, intid);
	}
}

void vgic_sgi(struct rumkv_core *core, uint64_t value)
{
	struct rumkv_cell *cell = core->cell;
	uint32_t intid = (uint32_t)(value >> 24) & 0xf;
	uint32_t targets = (uint32_t)value & 0xffff;
	uint32_t aff1 = (uint32_t)(value >> 16) & 0xff;

	if (!owns(cell, intid)) {
		return; /* SGI 15 is RumKV's */
	}
	if ((value & (1ull << 40)) != 0) {
		for (uint32_t v = 0; v < cell->plan->core_count; v++) {
			if (v != core->vindex) {
				sgi_to_vcore(cell, v, intid);
			}
		}
		return;
	}
	/* Vcores have Aff0 < 16: range selector, Aff2 and Aff3 are zero. */
	if ((value >> 32 & 0xff) != 0 || (value >> 44 & 0xf) != 0 ||
	    (value >> 48 & 0xff) != 0) {
		return;
	}
	while (targets != 0) {
		uint32_t b = (uint32_t)__builtin_ctz(targets);

		sgi_to_vcore(cell, aff1 * 16 + b, intid);
		targets &= targets - 1;
	}
}
