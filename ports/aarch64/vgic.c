// SPDX-License-Identifier: MIT
/*
 * The virtual GICv3 a cell sees: its distributor and redistributor
 * accesses trap (neither is mapped in stage-2) and are forwarded to the
 * physical GIC through the cell's ownership bitmap, so a cell reads and
 * changes only its own interrupts. Everything else reads as zero and
 * ignores writes, like an unimplemented register. No state is kept here:
 * the physical GIC is the state.
 *
 * The cell sees one redistributor frame per vcore, contiguous from the
 * board's redistributor base, numbered and identified like its vcores
 * (GICR_TYPER reports the virtual affinity); LPIs, message-based SPIs,
 * GICR_PROPBASER/PENDBASER (which would let the GIC write memory) and
 * power control are not offered. SGIs are sent through the trapped
 * ICC_SGI1R_EL1 and reach only the cell's own running cores.
 */
#include <aarch64/mmio.h>

#include <aarch64/gicv3.h>
#include <aarch64/sysreg.h>
#include <rumkv/cell.h>

/* Serialises read-modify-write of shared configuration registers: an
 * ICFGR word holds sixteen interrupts, possibly of several cells. */
static uint32_t gicd_cfg_lock;

enum field_kind {
	FIELD_GROUP,  /* owned interrupts read as group 1; writes ignored */
	FIELD_SETCLR, /* write-1-to-set/clear and their reads */
	FIELD_PRIO,   /* a byte per interrupt */
	FIELD_CFG,    /* two bits per interrupt, read-modify-write */
};

struct field_range {
	uint16_t start;
	uint16_t end;
	uint8_t shift; /* log2 of the bits per interrupt */
	uint8_t kind;
};

/* The same offsets serve the distributor and the redistributor's SGI
 * frame (which holds only the first word of each family). */
static const struct field_range field_ranges[] = {
	{GICD_IGROUPR, GICD_ISENABLER, 0, FIELD_GROUP},
	{GICD_ISENABLER, GICD_IPRIORITYR, 0, FIELD_SETCLR},
	{GICD_IPRIORITYR, 0x800, 3, FIELD_PRIO},
	{GICD_ICFGR, 0xd00, 1, FIELD_CFG},
};

static bool owns(const struct rumkv_cell *cell, uint32_t intid)
{
	return intid < PORT_GIC_INTIDS &&
	       ((cell->arch.irq_owned[intid / 64] >> (intid % 64)) & 1) != 0;
}

/* Out of line: the size switch is needed at several places. */
static __attribute__((noinline)) uint64_t phys_read(uint64_t pa, uint8_t size)
{
	switch (size) {
	case 1:
		return mmio_read8(pa);
	case 8:
		return mmio_read64(pa);
	default:
		return mmio_read32(pa);
	}
}

static __attribute__((noinline)) void phys_write(uint64_t pa, uint8_t size,
						 uint64_t v)
{
	switch (size) {
	case 1:
		mmio_write8(pa, (uint8_t)v);
		break;
	case 8:
		mmio_write64(pa, v);
		break;
	default:
		mmio_write32(pa, (uint32_t)v);
		break;
	}
}

/* The bits of an access that belong to interrupts the cell owns, among
 * the INTIDs [lo, hi) this frame may touch. */
static uint64_t owned_mask(const struct rumkv_cell *cell, uint32_t first,
			   unsigned shift, uint8_t size, uint32_t lo,
			   uint32_t hi)
{
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

/* Emulates an interrupt-field register of a frame at `frame`; false if
 * `off` is not one. */
static bool field_access(const struct rumkv_cell *cell, uint64_t frame,
			 uint32_t off, struct rumkv_mmio_access *acc,
			 uint32_t lo, uint32_t hi)
{
	unsigned r;

	for (r = 0; r < RUMKV_ARRAY_SIZE(field_ranges); r++) {
		const struct field_range *f = &field_ranges[r];
		uint64_t mask;
		uint64_t pa = frame + off;
		unsigned i;

		if (off < f->start || off >= f->end) {
			continue;
		}
		mask = owned_mask(cell, (off - f->start) * 8u >> f->shift,
				  f->shift, acc->size, lo, hi);
		if (!acc->write) {
			acc->value = f->kind == FIELD_GROUP
					     ? mask
					     : phys_read(pa, acc->size) & mask;
			return true;
		}
		switch (f->kind) {
		case FIELD_SETCLR:
			if ((acc->value & mask) != 0) {
				phys_write(pa, acc->size, acc->value & mask);
			}
			break;
		case FIELD_PRIO:
			/* Byte writes: no read-modify-write of bytes that
			 * belong to other cells. */
			for (i = 0; i < acc->size; i++) {
				if ((mask >> (8 * i)) & 0xff) {
					mmio_write8(pa + i,
						    (uint8_t)(acc->value >>
							      (8 * i)));
				}
			}
			break;
		case FIELD_CFG:
			rumkv_lock(NULL, &gicd_cfg_lock);
			phys_write(pa, acc->size,
				   (phys_read(pa, acc->size) & ~mask) |
					   (acc->value & mask));
			rumkv_unlock(&gicd_cfg_lock);
			break;
		default:
			break;
		}
		return true;
	}
	return false;
}

/* The other registers of a frame: the implementer (IIDR) and the ID
 * registers (0xffd0 up) as the physical GIC has them, anything else
 * zero. */
static uint64_t plain_read(uint64_t frame, uint32_t off, uint32_t iidr)
{
	return off == iidr || off >= 0xffd0 ? mmio_read32(frame + off) : 0;
}

/* A vcore's affinity as the cell sees it (and VMPIDR_EL2 reports). */
static uint64_t vcore_affinity(uint32_t vindex)
{
	return (uint64_t)(vindex / 16) << 8 | (vindex % 16);
}

/* IROUTER: the cell routes to its vcores; RumKV routes to their cores. */
static void irouter_access(struct rumkv_core *core, uint32_t intid,
			   struct rumkv_mmio_access *acc)
{
	struct rumkv_cell *cell = core->cell;
	uint64_t pa = gic_gicd_base + GICD_IROUTER + intid * 8u;
	struct rumkv_core *target;
	uint32_t v;

	if (intid < 32 || !owns(cell, intid)) {
		acc->value = 0;
		return;
	}
	if (!acc->write) {
		uint64_t hw = mmio_read64(pa) & MPIDR_AFF_MASK;

		acc->value = 0;
		for (v = 0; v < cell->plan->core_count; v++) {
			if ((rumkv_cell_core(cell, v)->hwid & MPIDR_AFF_MASK) ==
			    hw) {
				acc->value = vcore_affinity(v);
			}
		}
		return;
	}
	/* 1-of-N routing (IRM) could reach other cells' cores: the cell's
	 * first core gets it instead, as do vcores it does not have. */
	v = (uint32_t)((acc->value >> 8 & 0xff) * 16 + (acc->value & 0xff));
	target = rumkv_cell_core(cell, v);
	if ((acc->value & (1ull << 31)) != 0 || (acc->value >> 16) != 0 ||
	    (acc->value & 0xf0) != 0 || target == NULL) {
		target = rumkv_cell_core(cell, 0);
	}
	mmio_write64(pa, target->hwid & MPIDR_AFF_MASK);
}

static void gicd_access(struct rumkv_core *core, uint32_t off,
			struct rumkv_mmio_access *acc)
{
	if (field_access(core->cell, gic_gicd_base, off, acc, 32,
			 GIC_SPURIOUS)) {
		return;
	}
	if (off >= GICD_IROUTER && off < GICD_IROUTER + 8 * 1024 &&
	    (off & 7) == 0) {
		irouter_access(core, (off - GICD_IROUTER) / 8, acc);
		return;
	}
	if (acc->write) {
		return;
	}
	switch (off) {
	case GICD_CTLR:
		acc->value =
			mmio_read32(gic_gicd_base + GICD_CTLR) &
			(GICD_CTLR_ARE | GICD_CTLR_ENABLE_G1 | GICD_CTLR_DS);
		break;
	case GICD_TYPER:
		acc->value = mmio_read32(gic_gicd_base + GICD_TYPER) &
			     ~(GICD_TYPER_LPIS | GICD_TYPER_MBIS);
		break;
	default:
		acc->value = plain_read(gic_gicd_base, off, GICD_IIDR);
		break;
	}
}

static void gicr_access(struct rumkv_core *core, uint32_t vindex, uint32_t off,
			struct rumkv_mmio_access *acc)
{
	struct rumkv_core *target = rumkv_cell_core(core->cell, vindex);
	uint64_t rd = target->arch.gicr_rd;
	uint64_t typer;

	if (off >= GICR_SGI_BASE) {
		if (!field_access(core->cell, rd + GICR_SGI_BASE,
				  off - GICR_SGI_BASE, acc, 0, 32)) {
			acc->value = 0;
		}
		return;
	}
	if (acc->write) {
		return;
	}
	typer = vcore_affinity(vindex) << 32 | (uint64_t)vindex << 8 |
		(vindex + 1 == core->cell->plan->core_count ? GICR_TYPER_LAST
							    : 0);
	switch (off) {
	case GICR_TYPER:
		acc->value = acc->size == 8 ? typer : (uint32_t)typer;
		break;
	case GICR_TYPER + 4:
		acc->value = typer >> 32;
		break;
	default:
		acc->value = plain_read(rd, off, GICR_IIDR);
		break;
	}
}

bool vgic_mmio(struct rumkv_core *core, struct rumkv_mmio_access *acc)
{
	uint64_t gicr_size =
		(uint64_t)core->cell->plan->core_count * GICR_FRAME_SIZE;
	uint64_t off;

	if (acc->ipa - gic_gicd_base < GICD_SIZE) {
		if (acc->size != 0) {
			gicd_access(core, (uint32_t)(acc->ipa - gic_gicd_base),
				    acc);
		}
		return true;
	}
	off = acc->ipa - gic_gicr_base;
	if (off < gicr_size) {
		if (acc->size != 0) {
			gicr_access(core, (uint32_t)(off / GICR_FRAME_SIZE),
				    (uint32_t)(off % GICR_FRAME_SIZE), acc);
		}
		return true;
	}
	return false;
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
