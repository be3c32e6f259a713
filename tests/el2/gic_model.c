// SPDX-License-Identifier: MIT
/*
 * The modelled GICv3 (see gic_model.h). Register offsets and semantics
 * follow Arm IHI 0069 (GICv3/v4 architecture specification), chapter 12,
 * for a distributor with affinity routing enabled and a single security
 * state (GICD_CTLR.DS = 1), as QEMU's virt machine has it for EL2.
 */
#include "gic_model.h"
#include "cpu_model.h"

#include <stdio.h>
#include <string.h>

struct gic_model gicm;

enum frame { F_GICD, F_RD, F_SGI };

static const char *const frame_names[] = {"GICD", "GICR", "GICR-SGI"};

#define SZ(n) (1u << (n)) /* bit of an allowed access size n */

/* ---- size and alignment rules (IHI 0069 12.1.x) ---- */

/* Sizes the specification allows at `off` of a frame: bit `size` set. */
static unsigned allowed_sizes(enum frame f, uint32_t off)
{
	switch (f) {
	case F_GICD:
		if ((off >= 0x400 && off < 0x7fc) ||
		    (off >= 0x800 && off < 0xbfc)) {
			return SZ(1) | SZ(4); /* IPRIORITYR, ITARGETSR */
		}
		if (off >= 0x6100 && off < 0x7fe0) {
			return SZ(4) | SZ(8); /* IROUTER<n>, n = 32..1019 */
		}
		return SZ(4);
	case F_RD:
		if ((off >= 0x8 && off < 0x10) || (off >= 0x30 && off < 0x38) ||
		    (off >= 0x40 && off < 0x48) ||
		    (off >= 0x70 && off < 0x80)) {
			/* TYPER, SETLPIR, CLRLPIR, PROPBASER, PENDBASER */
			return SZ(4) | SZ(8);
		}
		return SZ(4);
	default:
		if (off >= 0x400 && off < 0x420) {
			return SZ(1) | SZ(4); /* IPRIORITYR0-7 */
		}
		return SZ(4);
	}
}

static bool locate(uint64_t pa, enum frame *f, int *core, uint32_t *off)
{
	if (pa - GICM_GICD_BASE < 0x10000) {
		*f = F_GICD;
		*core = -1;
		*off = (uint32_t)(pa - GICM_GICD_BASE);
		return true;
	}
	if (pa - GICM_GICR_BASE < GICM_GICR_SIZE) {
		uint64_t o = pa - GICM_GICR_BASE;

		*core = (int)(o / GICM_FRAME_SIZE);
		o %= GICM_FRAME_SIZE;
		*f = o >= 0x10000 ? F_SGI : F_RD;
		*off = (uint32_t)(o % 0x10000);
		return true;
	}
	return false;
}

/* Fails the test for an access silicon would not take. */
static void check_access(uint64_t pa, unsigned size, bool write, enum frame *f,
			 int *core, uint32_t *off)
{
	const char *what = write ? "write" : "read";

	if (!locate(pa, f, core, off)) {
		el2_fail("RumKV made a %u-byte %s at PA 0x%llx, outside the "
			 "GIC",
			 size, what, (unsigned long long)pa);
	}
	if (size != 1 && size != 4 && size != 8) {
		el2_fail("RumKV made a %u-byte %s at %s+0x%x (core %d frame): "
			 "the GIC takes no %u-byte accesses (external abort "
			 "on silicon)",
			 size, what, frame_names[*f], *off, *core, size);
	}
	if ((pa & (size - 1)) != 0) {
		el2_fail("RumKV made a misaligned %u-byte %s at %s+0x%x: an "
			 "alignment fault at EL2 on silicon",
			 size, what, frame_names[*f], *off);
	}
	if ((allowed_sizes(*f, *off) & SZ(size)) == 0) {
		el2_fail("RumKV made a %u-byte %s at %s+0x%x, a register the "
			 "GICv3 specification does not allow that size for "
			 "(external abort or UNPREDICTABLE on silicon)",
			 size, what, frame_names[*f], *off);
	}
}

/* ---- interrupt bit families ---- */

/* The implemented SPI bits of distributor word `w` (INTIDs 32w..). */
static uint32_t spi_bits(uint32_t w)
{
	uint32_t mask = 0;
	unsigned b;

	for (b = 0; b < 32; b++) {
		uint32_t intid = w * 32 + b;

		if (intid >= 32 && intid < GICM_SPI_END && intid < 1020) {
			mask |= 1u << b;
		}
	}
	return mask;
}

/* The array of a 1-bit family at base `base` (distributor or SGI frame
 * layout), or NULL. `set` and `clear` tell the write semantics. */
static uint32_t *family(uint32_t base, int core, bool *set, bool *clear)
{
	struct gicm_redist *rd = core >= 0 ? &gicm.rd[core] : NULL;

	*set = base == 0x100 || base == 0x200 || base == 0x300;
	*clear = base == 0x180 || base == 0x280 || base == 0x380;
	switch (base) {
	case 0x080:
		return rd != NULL ? &rd->group : gicm.group;
	case 0x100:
	case 0x180:
		return rd != NULL ? &rd->enable : gicm.enable;
	case 0x200:
	case 0x280:
		return rd != NULL ? &rd->pending : gicm.pending;
	case 0x300:
	case 0x380:
		return rd != NULL ? &rd->active : gicm.active;
	case 0xd00:
		return rd != NULL ? &rd->grpmod : gicm.grpmod;
	default:
		return NULL;
	}
}

static void bits_write(uint32_t *word, uint32_t valid, bool set, bool clear,
		       uint32_t v)
{
	v &= valid;
	if (set) {
		*word |= v;
	} else if (clear) {
		*word &= ~v;
	} else {
		*word = (*word & ~valid) | v;
	}
}

/* ---- distributor ---- */

/* ID registers (PIDR4-7, PIDR0-3, CIDR0-3): PIDR2 says GICv3, the
 * others read distinct non-zero values, so a test sees whether they are
 * passed through. */
static uint32_t id_reg(uint32_t off)
{
	return off == 0xffe8 ? GICM_PIDR2 : 0x10u + (off - 0xffd0) / 4;
}

static uint64_t gicd_read(uint32_t off, unsigned size)
{
	bool set;
	bool clear;
	uint32_t *bits;

	if (off >= 0x6100 && off < 0x7fe0) {
		uint64_t r = gicm.irouter[(off - 0x6000) / 8];

		return size == 8 ? r : (uint32_t)(r >> (off & 4 ? 32 : 0));
	}
	if (off >= 0x400 && off < 0x7fc) {
		uint32_t v = 0;
		unsigned i;

		for (i = 0; i < size; i++) {
			uint32_t intid = off - 0x400 + i;

			if (intid >= 32 && intid < GICM_SPI_END) {
				v |= (uint32_t)gicm.prio[intid] << (8 * i);
			}
		}
		return v;
	}
	if (off >= 0x800 && off < 0xbfc) {
		return 0; /* ITARGETSR: RES0 with affinity routing */
	}
	if (off >= 0x080 && off < 0x400) {
		bits = family(off & ~0x7fu, -1, &set, &clear);
		if (bits != NULL) {
			uint32_t w = (off & 0x7f) / 4;

			return bits[w] & spi_bits(w);
		}
	}
	if (off >= 0xc00 && off < 0xd00) {
		return off < 0xc08 ? 0 : gicm.cfg[(off - 0xc00) / 4];
	}
	if (off >= 0xd00 && off < 0xd80) {
		return gicm.grpmod[(off - 0xd00) / 4] &
		       spi_bits((off - 0xd00) / 4);
	}
	if (off >= 0xe00 && off < 0xf00) {
		return gicm.nsacr[(off - 0xe00) / 4];
	}
	switch (off) {
	case 0x0:
		if (gicm.rwp_reads != 0) {
			gicm.rwp_reads--;
			return gicm.ctlr | 1u << 31;
		}
		return gicm.ctlr;
	case 0x4:
		return GICM_TYPER;
	case 0x8:
		return GICM_IIDR;
	case 0xc:
		return 0;
	default:
		if (off >= 0xffd0) {
			return id_reg(off);
		}
		if (off >= 0xf00 && off < 0xf30) {
			return 0;
		}
		gicm.reserved_accesses++;
		return 0;
	}
}

static void gicd_write(uint32_t off, unsigned size, uint64_t v)
{
	bool set;
	bool clear;
	uint32_t *bits;

	if (off >= 0x6100 && off < 0x7fe0) {
		uint64_t *r = &gicm.irouter[(off - 0x6000) / 8];

		if ((off - 0x6000) / 8 >= GICM_SPI_END) {
			return;
		}
		if (size == 8) {
			*r = v & GICM_IROUTER_MASK;
		} else if (off & 4) {
			*r = ((uint64_t)(uint32_t)v << 32 | (uint32_t)*r) &
			     GICM_IROUTER_MASK;
		} else {
			*r = ((*r >> 32) << 32 | (uint32_t)v) &
			     GICM_IROUTER_MASK;
		}
		return;
	}
	if (off >= 0x400 && off < 0x7fc) {
		unsigned i;

		for (i = 0; i < size; i++) {
			uint32_t intid = off - 0x400 + i;

			if (intid >= 32 && intid < GICM_SPI_END) {
				gicm.prio[intid] = (uint8_t)(v >> (8 * i));
			}
		}
		return;
	}
	if (off >= 0x800 && off < 0xbfc) {
		return;
	}
	if (off >= 0x080 && off < 0x400) {
		bits = family(off & ~0x7fu, -1, &set, &clear);
		if (bits != NULL) {
			uint32_t w = (off & 0x7f) / 4;

			bits_write(&bits[w], spi_bits(w), set, clear,
				   (uint32_t)v);
			if (off >= 0x180 && off < 0x200) {
				gicm.rwp_reads = 1; /* disabling takes time */
			}
			return;
		}
	}
	if (off >= 0xc08 && off < 0xd00) {
		/* Int_config[0] of each SPI field is RES0. */
		if ((off - 0xc00) / 4 < GICM_SPI_END / 16) {
			gicm.cfg[(off - 0xc00) / 4] = (uint32_t)v & 0xaaaaaaaau;
		}
		return;
	}
	if (off >= 0xd00 && off < 0xd80) {
		bits_write(&gicm.grpmod[(off - 0xd00) / 4],
			   spi_bits((off - 0xd00) / 4), false, false,
			   (uint32_t)v);
		return;
	}
	if (off >= 0xe00 && off < 0xf00) {
		gicm.nsacr[(off - 0xe00) / 4] = (uint32_t)v;
		return;
	}
	if (off == 0x0) {
		gicm.ctlr = (uint32_t)v & 0x53u; /* Grp0, Grp1, ARE, DS */
		gicm.rwp_reads = 1;
		return;
	}
	if (off < 0x10 || off >= 0xffd0 || off == 0xc00 || off == 0xc04 ||
	    (off >= 0xf00 && off < 0xf30)) {
		return; /* read-only, or WI with affinity routing */
	}
	gicm.reserved_accesses++;
}

/* ---- redistributors ---- */

static uint64_t rd_read(struct gicm_redist *rd, uint32_t off, unsigned size)
{
	uint64_t v64;

	switch (off & ~7u) {
	case 0x08:
		v64 = rd->typer;
		break;
	case 0x70:
		v64 = rd->propbaser;
		break;
	case 0x78:
		v64 = rd->pendbaser;
		break;
	default:
		switch (off) {
		case 0x0:
			return rd->ctlr;
		case 0x4:
			return GICM_GICR_IIDR;
		case 0x10:
			return rd->statusr;
		case 0x14:
			return rd->waker;
		default:
			if (off >= 0xffd0) {
				return id_reg(off);
			}
			gicm.reserved_accesses++;
			return 0;
		}
	}
	return size == 8 ? v64 : (uint32_t)(v64 >> (off & 4 ? 32 : 0));
}

static void half_write(uint64_t *r, uint32_t off, unsigned size, uint64_t v)
{
	if (size == 8) {
		*r = v;
	} else if (off & 4) {
		*r = (uint64_t)(uint32_t)v << 32 | (uint32_t)*r;
	} else {
		*r = (*r >> 32) << 32 | (uint32_t)v;
	}
}

static void rd_write(struct gicm_redist *rd, uint32_t off, unsigned size,
		     uint64_t v)
{
	switch (off & ~7u) {
	case 0x08:
		return; /* TYPER is read-only */
	case 0x70:
		half_write(&rd->propbaser, off, size, v);
		return;
	case 0x78:
		half_write(&rd->pendbaser, off, size, v);
		return;
	default:
		break;
	}
	switch (off) {
	case 0x0:
		rd->ctlr = (uint32_t)v & 1u;
		break;
	case 0x10:
		rd->statusr &= ~(uint32_t)v;
		break;
	case 0x14:
		/* ChildrenAsleep follows ProcessorSleep at once. */
		rd->waker = ((uint32_t)v & 2u) ? 6u : 0u;
		break;
	case 0x4:
		break;
	default:
		if (off < 0xffd0) {
			gicm.reserved_accesses++;
		}
		break;
	}
}

static uint64_t sgi_read(struct gicm_redist *rd, uint32_t off, unsigned size)
{
	bool set;
	bool clear;
	uint32_t *bits;

	if (off >= 0x400 && off < 0x420) {
		uint32_t v = 0;
		unsigned i;

		for (i = 0; i < size; i++) {
			v |= (uint32_t)rd->prio[off - 0x400 + i] << (8 * i);
		}
		return v;
	}
	bits = family(off, (int)(rd - gicm.rd), &set, &clear);
	if (bits != NULL) {
		return *bits;
	}
	switch (off) {
	case 0xc00:
		return 0xaaaaaaaau; /* SGIs are edge-triggered */
	case 0xc04:
		return rd->cfg1;
	case 0xe00:
		return rd->nsacr;
	default:
		gicm.reserved_accesses++;
		return 0;
	}
}

static void sgi_write(struct gicm_redist *rd, uint32_t off, unsigned size,
		      uint64_t v)
{
	bool set;
	bool clear;
	uint32_t *bits;

	if (off >= 0x400 && off < 0x420) {
		unsigned i;

		for (i = 0; i < size; i++) {
			rd->prio[off - 0x400 + i] = (uint8_t)(v >> (8 * i));
		}
		return;
	}
	bits = family(off, (int)(rd - gicm.rd), &set, &clear);
	if (bits != NULL) {
		bits_write(bits, ~0u, set, clear, (uint32_t)v);
		return;
	}
	switch (off) {
	case 0xc00:
		break;
	case 0xc04:
		rd->cfg1 = (uint32_t)v & 0xaaaaaaaau;
		break;
	case 0xe00:
		rd->nsacr = (uint32_t)v;
		break;
	default:
		gicm.reserved_accesses++;
		break;
	}
}

/* ---- the register interface ---- */

static void log_access(uint64_t pa, unsigned size, bool write, uint64_t v)
{
	struct gicm_access a = {
		.pa = pa,
		.value = v,
		.size = (uint8_t)size,
		.write = write,
		.core = el2_cpu_current != NULL ? el2_cpu_current->index : -1,
	};

	if (gicm.on_access != NULL) {
		gicm.on_access(&a);
	}
	if (gicm.log_count < GICM_LOG_SIZE) {
		gicm.log[gicm.log_count] = a;
	}
	gicm.log_count++;
}

uint64_t gicm_read(uint64_t pa, unsigned size)
{
	enum frame f;
	int core;
	uint32_t off;
	uint64_t v;

	check_access(pa, size, false, &f, &core, &off);
	log_access(pa, size, false, 0);
	switch (f) {
	case F_GICD:
		v = gicd_read(off, size);
		break;
	case F_RD:
		v = rd_read(&gicm.rd[core], off, size);
		break;
	default:
		v = sgi_read(&gicm.rd[core], off, size);
		break;
	}
	if (gicm.log_count <= GICM_LOG_SIZE) {
		gicm.log[gicm.log_count - 1].value = v;
	}
	return size == 8 ? v : v & ((1ull << (8 * size)) - 1);
}

void gicm_write(uint64_t pa, unsigned size, uint64_t value)
{
	enum frame f;
	int core;
	uint32_t off;

	check_access(pa, size, true, &f, &core, &off);
	if (size < 8) {
		value &= (1ull << (8 * size)) - 1;
	}
	log_access(pa, size, true, value);
	switch (f) {
	case F_GICD:
		gicd_write(off, size, value);
		break;
	case F_RD:
		rd_write(&gicm.rd[core], off, size, value);
		break;
	default:
		sgi_write(&gicm.rd[core], off, size, value);
		break;
	}
}

/* ---- CPU interface ---- */

int gicm_core_of_affinity(uint64_t aff)
{
	const uint64_t mask = 0xff00ffffffull;
	unsigned i;

	for (i = 0; i < GICM_CORES; i++) {
		if ((gicm.hwid[i] & mask) == (aff & mask)) {
			return (int)i;
		}
	}
	return -1;
}

static void sgi_pend(int from, int to, uint32_t intid)
{
	gicm.rd[to].pending |= 1u << intid;
	if (gicm.sgi_count < GICM_SGI_LOG_SIZE) {
		gicm.sgi[gicm.sgi_count] = (struct gicm_sgi){
			.from = from, .to = to, .intid = intid};
	}
	gicm.sgi_count++;
}

void gicm_cpu_sgi(int core, uint64_t v)
{
	uint32_t intid = (uint32_t)(v >> 24) & 0xf;
	uint64_t aff = (v >> 48 & 0xff) << 32 | (v >> 32 & 0xff) << 16 |
		       (v >> 16 & 0xff) << 8;
	unsigned rs = (unsigned)(v >> 44) & 0xf;
	unsigned k;

	if ((v >> 40) & 1) {
		for (k = 0; k < GICM_CORES; k++) {
			if ((int)k != core) {
				sgi_pend(core, (int)k, intid);
			}
		}
		return;
	}
	for (k = 0; k < 16; k++) {
		int to;

		if (((v >> k) & 1) == 0) {
			continue;
		}
		to = gicm_core_of_affinity(aff | (rs * 16 + k));
		if (to >= 0) {
			sgi_pend(core, to, intid);
		}
	}
}

void gicm_cpu_deactivate(int core, uint32_t intid)
{
	if (intid < 32) {
		gicm.rd[core].active &= ~(1u << intid);
	} else if (intid < 1020) {
		gicm.active[intid / 32] &= ~(1u << (intid % 32));
	}
}

/* ---- state for tests ---- */

static bool bit(const uint32_t *a, uint32_t intid)
{
	return (a[intid / 32] >> (intid % 32)) & 1;
}

static void bit_set(uint32_t *a, uint32_t intid, bool on)
{
	if (on) {
		a[intid / 32] |= 1u << (intid % 32);
	} else {
		a[intid / 32] &= ~(1u << (intid % 32));
	}
}

struct gicm_irq gicm_irq_get(int core, uint32_t intid)
{
	struct gicm_irq s = {0};

	if (intid < 32) {
		const struct gicm_redist *rd = &gicm.rd[core];

		s.group = (rd->group >> intid) & 1;
		s.enabled = (rd->enable >> intid) & 1;
		s.pending = (rd->pending >> intid) & 1;
		s.active = (rd->active >> intid) & 1;
		s.prio = rd->prio[intid];
		s.cfg = intid < 16
				? 2
				: (uint8_t)(rd->cfg1 >> (2 * (intid - 16)) & 3);
		return s;
	}
	s.group = bit(gicm.group, intid);
	s.enabled = bit(gicm.enable, intid);
	s.pending = bit(gicm.pending, intid);
	s.active = bit(gicm.active, intid);
	s.prio = gicm.prio[intid];
	s.cfg = (uint8_t)(gicm.cfg[intid / 16] >> (2 * (intid % 16)) & 3);
	s.route = gicm.irouter[intid];
	return s;
}

void gicm_irq_set(int core, uint32_t intid, const struct gicm_irq *s)
{
	if (intid < 32) {
		struct gicm_redist *rd = &gicm.rd[core];
		uint32_t b = 1u << intid;

		rd->group = s->group ? rd->group | b : rd->group & ~b;
		rd->enable = s->enabled ? rd->enable | b : rd->enable & ~b;
		rd->pending = s->pending ? rd->pending | b : rd->pending & ~b;
		rd->active = s->active ? rd->active | b : rd->active & ~b;
		rd->prio[intid] = s->prio;
		if (intid >= 16) {
			unsigned sh = 2 * (intid - 16);

			rd->cfg1 = (rd->cfg1 & ~(3u << sh)) |
				   ((uint32_t)(s->cfg & 2) << sh);
		}
		return;
	}
	bit_set(gicm.group, intid, s->group);
	bit_set(gicm.enable, intid, s->enabled);
	bit_set(gicm.pending, intid, s->pending);
	bit_set(gicm.active, intid, s->active);
	gicm.prio[intid] = s->prio;
	gicm.cfg[intid / 16] =
		(gicm.cfg[intid / 16] & ~(3u << (2 * (intid % 16)))) |
		(uint32_t)(s->cfg & 2) << (2 * (intid % 16));
	gicm.irouter[intid] = s->route & GICM_IROUTER_MASK;
}

bool gicm_irq_equal(const struct gicm_irq *a, const struct gicm_irq *b)
{
	return a->group == b->group && a->enabled == b->enabled &&
	       a->pending == b->pending && a->active == b->active &&
	       a->prio == b->prio && a->cfg == b->cfg && a->route == b->route;
}

void gicm_reset(const uint64_t hwid[GICM_CORES])
{
	unsigned i;

	memset(&gicm, 0, sizeof(gicm));
	for (i = 0; i < GICM_CORES; i++) {
		uint64_t h = hwid[i];
		uint64_t aff32 = (h >> 32 & 0xff) << 24 | (h & 0xffffff);

		gicm.hwid[i] = h;
		gicm.rd[i].typer = aff32 << 32 | (uint64_t)i << 8 |
				   (i + 1 == GICM_CORES ? 1u << 4 : 0);
		gicm.rd[i].waker = 6u; /* ProcessorSleep, ChildrenAsleep */
		gicm.rd[i].pendbaser = 0;
	}
}

uint32_t gicm_accesses(uint64_t pa, uint64_t size, int write)
{
	uint32_t n = 0;
	uint32_t i;
	uint32_t count =
		gicm.log_count < GICM_LOG_SIZE ? gicm.log_count : GICM_LOG_SIZE;

	for (i = 0; i < count; i++) {
		const struct gicm_access *a = &gicm.log[i];

		if (a->pa + a->size > pa && a->pa < pa + size &&
		    (write < 0 || a->write == (write != 0))) {
			n++;
		}
	}
	return n;
}

uint32_t gicm_sgis(int from, int to, uint32_t intid)
{
	uint32_t n = 0;
	uint32_t i;
	uint32_t count = gicm.sgi_count < GICM_SGI_LOG_SIZE ? gicm.sgi_count
							    : GICM_SGI_LOG_SIZE;

	for (i = 0; i < count; i++) {
		const struct gicm_sgi *s = &gicm.sgi[i];

		n += (from < 0 || s->from == from) && s->to == to &&
		     s->intid == intid;
	}
	return n;
}

void gicm_snap_take(struct gicm_snap *s)
{
	uint32_t i;
	unsigned c;

	memset(s, 0, sizeof(*s));
	for (i = 32; i < GICM_SPI_END; i++) {
		s->spi[i] = gicm_irq_get(0, i);
	}
	for (c = 0; c < GICM_CORES; c++) {
		for (i = 0; i < 32; i++) {
			s->local[c][i] = gicm_irq_get((int)c, i);
		}
	}
}

static bool irq_same(const struct gicm_irq *w, const struct gicm_irq *g,
		     const char *where, uint32_t intid, char *msg,
		     unsigned size)
{
	if (gicm_irq_equal(w, g)) {
		return true;
	}
	snprintf(msg, size,
		 "%s INTID %u: want group %d enabled %d pending %d active %d "
		 "prio 0x%x cfg %u route 0x%llx, got %d %d %d %d 0x%x %u "
		 "0x%llx",
		 where, intid, w->group, w->enabled, w->pending, w->active,
		 w->prio, w->cfg, (unsigned long long)w->route, g->group,
		 g->enabled, g->pending, g->active, g->prio, g->cfg,
		 (unsigned long long)g->route);
	return false;
}

bool gicm_snap_same(const struct gicm_snap *want, const struct gicm_snap *got,
		    char *msg, unsigned msg_size)
{
	char where[24];
	uint32_t i;
	unsigned c;

	for (i = 0; i < GICM_INTIDS; i++) {
		if (!irq_same(&want->spi[i], &got->spi[i], "distributor", i,
			      msg, msg_size)) {
			return false;
		}
	}
	for (c = 0; c < GICM_CORES; c++) {
		snprintf(where, sizeof(where), "core %u", c);
		for (i = 0; i < 32; i++) {
			if (!irq_same(&want->local[c][i], &got->local[c][i],
				      where, i, msg, msg_size)) {
				return false;
			}
		}
	}
	return true;
}

static uint64_t next(uint64_t *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 7;
	*x ^= *x << 17;
	return *x;
}

void gicm_scramble(uint64_t seed)
{
	uint64_t x = seed | 1;
	uint32_t i;
	unsigned c;

	for (i = 32; i < GICM_SPI_END; i++) {
		uint64_t r = next(&x);
		struct gicm_irq s = {
			.group = r & 1,
			.enabled = (r >> 1) & 1,
			.pending = (r >> 2) & 1,
			.active = (r >> 3) & 1,
			.prio = (uint8_t)(r >> 8),
			.cfg = (uint8_t)((r >> 16) & 2),
			.route = gicm.hwid[(r >> 24) % GICM_CORES],
		};

		gicm_irq_set(0, i, &s);
	}
	for (c = 0; c < GICM_CORES; c++) {
		for (i = 0; i < 32; i++) {
			uint64_t r = next(&x);
			struct gicm_irq s = {
				.group = r & 1,
				.enabled = (r >> 1) & 1,
				.pending = (r >> 2) & 1,
				.active = (r >> 3) & 1,
				.prio = (uint8_t)(r >> 8),
				.cfg = (uint8_t)((r >> 16) & 2),
			};

			gicm_irq_set((int)c, i, &s);
		}
	}
}
