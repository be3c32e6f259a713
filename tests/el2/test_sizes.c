// SPDX-License-Identifier: MIT
/*
 * Access sizes and alignment (EL2-SPEC.md, "Access-size rules"): every
 * register family of the virtual distributor and redistributor at every
 * size (1, 2, 4, 8 bytes) and alignment, read and write. What the GICv3
 * specification allows works; anything else ends the cell with a report
 * naming frame, offset and size, and the GIC saw no access for it. (The
 * model fails the test at once if RumKV passes an access on at a size the
 * register does not take: finding 2 of issue 11.)
 */
#include "el2_test.h"

#include <stdio.h>
#include <string.h>

enum frame { GICD_FRAME, RD_FRAME, SGI_FRAME };

struct reg {
	enum frame frame;
	uint32_t off;
	uint8_t width; /* 1 (byte-accessible), 4 or 8 */
	const char *name;
};

/* Every family, one register of each (name, frame, offset, width). */
#define REGS(X)                                    \
	X(gicd_ctlr, GICD_FRAME, 0x0000, 4)        \
	X(gicd_typer, GICD_FRAME, 0x0004, 4)       \
	X(gicd_iidr, GICD_FRAME, 0x0008, 4)        \
	X(gicd_typer2, GICD_FRAME, 0x000c, 4)      \
	X(gicd_reserved_10, GICD_FRAME, 0x0010, 4) \
	X(gicd_setspi_nsr, GICD_FRAME, 0x0040, 4)  \
	X(gicd_igroupr1, GICD_FRAME, 0x0084, 4)    \
	X(gicd_isenabler1, GICD_FRAME, 0x0104, 4)  \
	X(gicd_icenabler1, GICD_FRAME, 0x0184, 4)  \
	X(gicd_ispendr1, GICD_FRAME, 0x0204, 4)    \
	X(gicd_icpendr1, GICD_FRAME, 0x0284, 4)    \
	X(gicd_isactiver1, GICD_FRAME, 0x0304, 4)  \
	X(gicd_icactiver1, GICD_FRAME, 0x0384, 4)  \
	X(gicd_ipriorityr8, GICD_FRAME, 0x0420, 1) \
	X(gicd_itargetsr8, GICD_FRAME, 0x0820, 1)  \
	X(gicd_icfgr2, GICD_FRAME, 0x0c08, 4)      \
	X(gicd_igrpmodr1, GICD_FRAME, 0x0d04, 4)   \
	X(gicd_nsacr2, GICD_FRAME, 0x0e08, 4)      \
	X(gicd_sgir, GICD_FRAME, 0x0f00, 4)        \
	X(gicd_cpendsgir0, GICD_FRAME, 0x0f10, 1)  \
	X(gicd_spendsgir0, GICD_FRAME, 0x0f20, 1)  \
	X(gicd_irouter34, GICD_FRAME, 0x6110, 8)   \
	X(gicd_pidr2, GICD_FRAME, 0xffe8, 4)       \
	X(gicr_ctlr, RD_FRAME, 0x0000, 4)          \
	X(gicr_iidr, RD_FRAME, 0x0004, 4)          \
	X(gicr_typer, RD_FRAME, 0x0008, 8)         \
	X(gicr_statusr, RD_FRAME, 0x0010, 4)       \
	X(gicr_waker, RD_FRAME, 0x0014, 4)         \
	X(gicr_setlpir, RD_FRAME, 0x0030, 4)       \
	X(gicr_propbaser, RD_FRAME, 0x0070, 8)     \
	X(gicr_pendbaser, RD_FRAME, 0x0078, 8)     \
	X(gicr_pidr2, RD_FRAME, 0xffe8, 4)         \
	X(gicr_igroupr0, SGI_FRAME, 0x0080, 4)     \
	X(gicr_isenabler0, SGI_FRAME, 0x0100, 4)   \
	X(gicr_icenabler0, SGI_FRAME, 0x0180, 4)   \
	X(gicr_ispendr0, SGI_FRAME, 0x0200, 4)     \
	X(gicr_icpendr0, SGI_FRAME, 0x0280, 4)     \
	X(gicr_isactiver0, SGI_FRAME, 0x0300, 4)   \
	X(gicr_icactiver0, SGI_FRAME, 0x0380, 4)   \
	X(gicr_ipriorityr0, SGI_FRAME, 0x0400, 1)  \
	X(gicr_ipriorityr7, SGI_FRAME, 0x041c, 1)  \
	X(gicr_icfgr0, SGI_FRAME, 0x0c00, 4)       \
	X(gicr_icfgr1, SGI_FRAME, 0x0c04, 4)       \
	X(gicr_igrpmodr0, SGI_FRAME, 0x0d00, 4)    \
	X(gicr_nsacr, SGI_FRAME, 0x0e00, 4)

/* The GICv3 rule, written out once here, independent of the model. */
static bool legal(const struct reg *r, uint32_t off, uint8_t size)
{
	if (size == 2 || off % size != 0) {
		return false;
	}
	if (size == 1) {
		return r->width == 1;
	}
	if (size == 8) {
		return r->width == 8;
	}
	return true;
}

/* The GIC accesses made before the report of the cell's end started
 * (the end itself revokes the cell's interrupts, legitimately). */
static uint32_t accesses_at_report;
static bool reported;

static void on_console(void)
{
	if (!reported) {
		reported = true;
		accesses_at_report = gicm.log_count;
	}
}

/* One access; cell A tries the distributor, cell C its redistributor
 * frame 1, which is physical core 7's. */
static void try_access(const struct reg *r, uint32_t off, uint8_t size,
		       bool write)
{
	bool ok = legal(r, off, size);
	int c = r->frame == GICD_FRAME ? EL2_A : EL2_C;
	struct rumkv_core *core;
	uint64_t ipa = r->frame == GICD_FRAME ? GICD(off)
		       : r->frame == RD_FRAME ? GICR_RD(1, off)
					      : GICR_SGI(1, off);
	const char *dir = write ? "write" : "read";
	uint64_t value = 0;
	uint32_t before;
	enum el2_exit how;
	char what[64];

	el2_boot_all();
	core = el2_core(c, 1);
	reported = false;
	el2.on_console = on_console;
	before = gicm.log_count;
	how = el2_access(core, ipa, size, write, &value);
	if (ok) {
		cr_assert_eq(how, EL2_RETURNED,
			     "%u-byte %s at %s+%u must work:\n%s", size, dir,
			     r->name, off - r->off, el2.console);
		cr_assert_eq(el2_cell(c)->state, RUMKV_CELL_RUNNING);
		return;
	}
	cr_assert_eq(how, EL2_PARKED,
		     "%u-byte %s at %s+%u must end the cell (exit %d)", size,
		     dir, r->name, off - r->off, how);
	snprintf(what, sizeof(what), "access of %u bytes", size);
	expect_ended(c, what);
	if (r->frame == GICD_FRAME) {
		snprintf(what, sizeof(what), "at GICD+0x%x", off);
		cr_assert(el2_console_has(what), "no \"%s\" in:\n%s", what,
			  el2.console);
	} else {
		cr_assert(el2_console_has("GICR"), "report names GICR:\n%s",
			  el2.console);
	}
	cr_assert(reported);
	cr_assert_eq(accesses_at_report, before,
		     "the GIC saw %u accesses for a %u-byte %s at %s+%u",
		     accesses_at_report - before, size, dir, r->name,
		     off - r->off);
}

/* Every size (1, 2, 4, 8) at every alignment inside the register, both
 * directions. */
static void check_register(const struct reg *r)
{
	static const uint8_t access_sizes[] = {1, 2, 4, 8};
	static const uint8_t shifts[] = {0, 1, 2, 3, 4, 6};
	uint8_t span = r->width == 8 ? 8 : 4;

	for (unsigned s = 0; s < RUMKV_ARRAY_SIZE(access_sizes); s++) {
		for (unsigned m = 0; m < RUMKV_ARRAY_SIZE(shifts); m++) {
			if (shifts[m] >= span) {
				continue;
			}
			try_access(r, r->off + shifts[m], access_sizes[s],
				   false);
			try_access(r, r->off + shifts[m], access_sizes[s],
				   true);
		}
	}
}

#define SIZE_TEST(name, frame, off, width)                              \
	Test(sizes, name)                                               \
	{                                                               \
		static const struct reg r = {frame, off, width, #name}; \
		check_register(&r);                                     \
	}
REGS(SIZE_TEST)

/* Accesses the cell cannot emulate (no syndrome) end it too, saying the
 * size is unknown, without touching the GIC. */
Test(sizes, no_syndrome)
{
	static const uint64_t ipas[] = {GICD(0x104), GICD(0x6110),
					GICR_SGI(1, 0x100), GICR_RD(0, 0x8)};

	for (unsigned i = 0; i < RUMKV_ARRAY_SIZE(ipas); i++) {
		struct trap_frame f = {0};
		uint32_t before;

		el2_boot_all();
		reported = false;
		el2.on_console = on_console;
		before = gicm.log_count;
		/* An STP: a data abort without ISV, WnR set. */
		el2_cpus[el2_core(EL2_A, 1)->index].sysreg[SR_FAR_EL2] =
			ipas[i];
		el2_cpus[el2_core(EL2_A, 1)->index].sysreg[SR_HPFAR_EL2] =
			(ipas[i] >> 12) << 4;
		cr_assert_eq(el2_trap(el2_core(EL2_A, 1),
				      el2_esr(ESR_EC_DABT_LOW, DABT_WNR | 0x07),
				      EL2_PC(EL2_A, 1), &f),
			     EL2_PARKED);
		expect_ended(EL2_A, "unknown");
		cr_assert_eq(accesses_at_report, before);
	}
}
