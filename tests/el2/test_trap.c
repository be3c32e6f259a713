// SPDX-License-Identifier: MIT
/*
 * The trap decoder (ports/aarch64/trap.c, EL2-SPEC.md "Data aborts" and
 * "Trapped system registers"): emulated loads extend as the instruction
 * would, stores are masked to their size, register 31 is XZR, aborts
 * without a syndrome or on a stage-1 walk are never emulated, and each
 * trapped system register gets its documented answer.
 */
#include "el2_test.h"

#include <string.h>

#define UART(off) (EL2_VUART_IPA + (off))
#define UART_IBRD 0x24u

static void junk(struct trap_frame *f)
{
	for (unsigned i = 0; i < 31; i++) {
		f->x[i] = 0xdead000000000000ull | (uint64_t)i << 8 | i;
	}
	f->x[31] = 0;
}

/* An emulated load into x5 with the given syndrome bits. */
static uint64_t load(struct rumkv_core *core, uint64_t ipa, uint8_t size,
		     bool sse, bool sf)
{
	struct el2_dabt d = {
		.ipa = ipa, .size = size, .rt = 5, .sse = sse, .sf = sf};
	struct trap_frame f;
	struct trap_frame before;

	junk(&f);
	before = f;
	cr_assert_eq(el2_dabt(core, &d, &f), EL2_RETURNED);
	for (unsigned i = 0; i < 31; i++) {
		if (i != 5) {
			cr_assert_eq(f.x[i], before.x[i], "x%u changed", i);
		}
	}
	return f.x[5];
}

struct ext_case {
	uint32_t stored;
	uint8_t size;
	bool sse, sf;
	uint64_t want;
	const char *insn;
};

/* Mutant (b) of issue 11: LDRSB/LDRSH/LDRSW must sign-extend. */
Test(trap, load_extension)
{
	static const struct ext_case cases[] = {
		{0x80, 1, true, true, 0xffffffffffffff80ull, "LDRSB Xt"},
		{0x80, 1, true, false, 0x00000000ffffff80ull, "LDRSB Wt"},
		{0x80, 1, false, false, 0x80, "LDRB"},
		{0x7f, 1, true, true, 0x7f, "LDRSB Xt, positive"},
		{0x8000, 2, true, true, 0xffffffffffff8000ull, "LDRSH Xt"},
		{0x8000, 2, true, false, 0x00000000ffff8000ull, "LDRSH Wt"},
		{0x8000, 2, false, false, 0x8000, "LDRH"},
		{0x7fff, 2, true, true, 0x7fff, "LDRSH Xt, positive"},
		{0x80000000u, 4, true, true, 0xffffffff80000000ull, "LDRSW"},
		{0x80000000u, 4, false, false, 0x80000000ull, "LDR Wt"},
		{0x7fffffffu, 4, true, true, 0x7fffffffull, "LDRSW, positive"},
		{0x12345678u, 4, false, true, 0x12345678ull,
		 "LDR Xt (4 bytes)"},
	};

	el2_boot_all();
	for (unsigned i = 0; i < RUMKV_ARRAY_SIZE(cases); i++) {
		const struct ext_case *k = &cases[i];
		struct rumkv_core *core = el2_core(EL2_A, i % 4);

		el2_write(core, UART(UART_IBRD), 4, k->stored);
		cr_assert_eq(
			load(core, UART(UART_IBRD), k->size, k->sse, k->sf),
			k->want, "%s of 0x%x", k->insn, k->stored);
	}
}

/* The same through the interrupt controller: a priority byte. */
Test(trap, load_extension_gic)
{
	struct gicm_irq s;

	el2_boot_all();
	s = gicm_irq_get(0, EL2_SPI_A_BLOCK);
	s.prio = 0xa0;
	gicm_irq_set(0, EL2_SPI_A_BLOCK, &s);
	cr_assert_eq(load(el2_core(EL2_A, 0), GICD(0x400 + EL2_SPI_A_BLOCK), 1,
			  true, true),
		     0xffffffffffffffa0ull, "LDRSB of IPRIORITYR");
	/* INTIDs 32..35 in one word, A owns 33..35: byte 3 is 0xa0. */
	cr_assert_eq(load(el2_core(EL2_A, 1), GICD(0x420), 4, true, true) >> 32,
		     0xffffffffull, "LDRSW of IPRIORITYR8");
}

Test(trap, store_masked_to_size)
{
	struct trap_frame f;
	struct el2_dabt d = {.ipa = UART(UART_IBRD), .write = true, .rt = 9};
	struct rumkv_core *core;

	el2_boot_all();
	core = el2_core(EL2_A, 2);
	junk(&f);
	f.x[9] = 0xffffffffffff12ffull;
	d.size = 1;
	cr_assert_eq(el2_dabt(core, &d, &f), EL2_RETURNED);
	cr_assert_eq(el2_read(core, UART(UART_IBRD), 4), 0xff, "STRB");
	d.size = 2;
	cr_assert_eq(el2_dabt(core, &d, &f), EL2_RETURNED);
	cr_assert_eq(el2_read(core, UART(UART_IBRD), 4), 0x12ff, "STRH");
	/* STR Wt to the lower half of IROUTER: the upper half of Xt is
	 * not part of the value (vcore 1, not "Aff3 set"). */
	d = (struct el2_dabt){.ipa = GICD(0x6100 + 8 * (EL2_SPI_A_NET - 32)),
			      .size = 4,
			      .write = true,
			      .rt = 3};
	f.x[3] = 0xffffffff00000001ull;
	cr_assert_eq(el2_dabt(core, &d, &f), EL2_RETURNED);
	cr_assert_eq(gicm.irouter[EL2_SPI_A_NET], el2_core(EL2_A, 1)->hwid,
		     "routed to vcore 1's core");
}

Test(trap, xzr)
{
	struct trap_frame f;
	struct trap_frame before;
	struct el2_dabt d = {
		.ipa = UART(UART_IBRD), .size = 4, .write = true, .rt = 31};
	struct rumkv_core *core;

	el2_boot_all();
	core = el2_core(EL2_A, 3);
	el2_write(core, UART(UART_IBRD), 4, 0x55);
	junk(&f);
	cr_assert_eq(el2_dabt(core, &d, &f), EL2_RETURNED);
	cr_assert_eq(el2_read(core, UART(UART_IBRD), 4), 0, "STR WZR");
	/* LDR XZR: no register changes. */
	el2_write(core, UART(UART_IBRD), 4, 0x66);
	junk(&f);
	before = f;
	d.write = false;
	d.sf = true;
	cr_assert_eq(el2_dabt(core, &d, &f), EL2_RETURNED);
	cr_assert(memcmp(f.x, before.x, 31 * 8) == 0,
		  "LDR XZR wrote a register");
}

/* ---- aborts RumKV does not emulate ---- */

static enum el2_exit abort_at(struct rumkv_core *core, uint64_t ipa,
			      uint32_t ec, uint32_t iss)
{
	struct trap_frame f;

	junk(&f);
	el2_cpus[core->index].sysreg[SR_FAR_EL2] = ipa;
	el2_cpus[core->index].sysreg[SR_HPFAR_EL2] = (ipa >> 12) << 4;
	return el2_trap(core, el2_esr(ec, iss),
			EL2_PC(core->cell->index, core->vindex), &f);
}

Test(trap, stage2_fault_with_syndrome)
{
	struct el2_dabt d = {.ipa = 0x50000010, .size = 4, .write = true};

	el2_boot_all();
	cr_assert_eq(abort_at(el2_core(EL2_C, 1), d.ipa, ESR_EC_DABT_LOW,
			      (uint32_t)el2_esr_dabt(&d)),
		     EL2_PARKED);
	expect_ended(EL2_C, "at IPA 0x50000010");
	cr_assert(el2_console_has("write 4 bytes"), "%s", el2.console);
	cr_assert(el2_console_has("translation fault, level 3"), "%s",
		  el2.console);
}

Test(trap, stage2_fault_without_syndrome)
{
	el2_boot_all();
	cr_assert_eq(abort_at(el2_core(EL2_C, 0), 0x50000020, ESR_EC_DABT_LOW,
			      DABT_WNR | 0x06),
		     EL2_PARKED);
	expect_ended(EL2_C, "at IPA 0x50000020");
	cr_assert(el2_console_has("size unknown"), "%s", el2.console);
	cr_assert(el2_console_has("translation fault, level 2"), "%s",
		  el2.console);
}

/* A fault on a stage-1 table walk is never an emulated access, even
 * where a device model lives. */
Test(trap, s1ptw_not_emulated)
{
	struct el2_dabt d = {.ipa = UART(0), .size = 1, .write = true, .rt = 2};
	uint32_t iss;

	el2_boot_all();
	iss = (uint32_t)el2_esr_dabt(&d) | DABT_S1PTW;
	cr_assert_eq(abort_at(el2_core(EL2_A, 1), d.ipa, ESR_EC_DABT_LOW, iss),
		     EL2_PARKED);
	expect_ended(EL2_A, "at IPA 0x9000000");
	cr_assert(!el2_console_has("[A] "), "the UART printed:\n%s",
		  el2.console);
}

Test(trap, instruction_abort)
{
	el2_boot_all();
	/* B restarts: the faulting vcore 1 parks, vcore 0 is started. */
	cr_assert_eq(
		abort_at(el2_core(EL2_B, 1), 0x51000000, ESR_EC_IABT_LOW, 0x07),
		EL2_PARKED);
	cr_assert_eq(el2_cell(EL2_B)->restart_count, 1);
	cr_assert_eq(el2_core(EL2_B, 0)->state, RUMKV_CORE_STARTING);
	cr_assert(el2_console_has("instruction fetch"), "%s", el2.console);
	cr_assert(el2_console_has("at IPA 0x51000000"), "%s", el2.console);
}

/* Exception classes that can only reach EL2 through a broken guest or a
 * RumKV bug (the instruction is not trapped, or belongs to EL1): the
 * cell ends. An unknown-reason exception and SVE, which the PE routes to
 * EL2 when the instruction is undefined there, are the guest's own
 * UNDEFINED exceptions instead (see other_registers_undefined). */
Test(trap, other_exception_classes_end_the_cell)
{
	static const uint32_t ecs[] = {
		ESR_EC_WFX,	 ESR_EC_FP,	  ESR_EC_ILLEGAL, ESR_EC_SVC64,
		ESR_EC_PC_ALIGN, ESR_EC_SP_ALIGN, ESR_EC_BRK,	  0x3f};

	for (unsigned i = 0; i < RUMKV_ARRAY_SIZE(ecs); i++) {
		el2_boot_all();
		cr_assert_eq(abort_at(el2_core(EL2_A, 1), 0, ecs[i], 0),
			     EL2_PARKED, "EC 0x%x", ecs[i]);
		expect_ended(EL2_A, "cell A core 1");
	}
}

/* ---- system registers ---- */

#define KEY(op0, op1, crn, crm, op2) EL2_SYSREG_KEY(op0, op1, crn, crm, op2)

/* An MSR (read = false) or MRS of `key` with Xt = x4; returns after
 * checking the instruction was stepped over and nothing else in the
 * register file changed. */
static uint64_t sysreg(struct rumkv_core *core, uint32_t key, bool read,
		       uint64_t value)
{
	struct trap_frame f;
	struct trap_frame before;
	struct el2_cpu saved = el2_cpus[core->index];
	uint64_t pc = EL2_PC(core->cell->index, core->vindex);

	junk(&f);
	f.x[4] = value;
	before = f;
	cr_assert_eq(el2_sysreg(core, key, 4, read, &f), EL2_RETURNED,
		     "S%u_%u_C%u_C%u_%u: the cell goes on", key >> 20 & 3,
		     key >> 14 & 7, key >> 10 & 15, key >> 1 & 15,
		     key >> 17 & 7);
	cr_assert_eq(core->cell->state, RUMKV_CELL_RUNNING);
	cr_assert_eq(el2_cpus[core->index].sysreg[SR_ELR_EL2], pc + 4);
	saved.sysreg[SR_ELR_EL2] = pc + 4;
	saved.sysreg[SR_ESR_EL2] = el2_cpus[core->index].sysreg[SR_ESR_EL2];
	saved.sysreg[SR_SPSR_EL2] = el2_cpus[core->index].sysreg[SR_SPSR_EL2];
	for (unsigned i = 0; i < EL2_SYSREGS; i++) {
		cr_assert_eq(el2_cpus[core->index].sysreg[i], saved.sysreg[i],
			     "system register slot %u changed", i);
	}
	for (unsigned i = 0; i < 31; i++) {
		if (i != 4 || !read) {
			cr_assert_eq(f.x[i], before.x[i], "x%u changed", i);
		}
	}
	return f.x[4];
}

Test(trap, set_way_maintenance_skipped)
{
	static const uint32_t keys[] = {KEY(1, 0, 7, 6, 2), KEY(1, 0, 7, 10, 2),
					KEY(1, 0, 7, 14, 2)};

	el2_boot_all();
	for (unsigned i = 0; i < RUMKV_ARRAY_SIZE(keys); i++) {
		(void)sysreg(el2_core(EL2_C, 1), keys[i], false, 0x40);
	}
}

Test(trap, actlr_el1)
{
	struct rumkv_core *core;

	el2_boot_all();
	core = el2_core(EL2_B, 1);
	el2_sr_set((int)core->index, "actlr_el1", 0x1234);
	cr_assert_eq(sysreg(core, KEY(3, 0, 1, 0, 1), true, 0), 0x1234,
		     "ACTLR_EL1 reads the real value");
	(void)sysreg(core, KEY(3, 0, 1, 0, 1), false, 0xffff);
	cr_assert_eq(el2_sr_get((int)core->index, "actlr_el1"), 0x1234);
	cr_assert_eq(el2_sr_writes((int)core->index, "actlr_el1"), 0,
		     "ACTLR_EL1 writes are ignored");
}

Test(trap, raz_wi_registers)
{
	static const uint32_t keys[] = {
		KEY(3, 0, 11, 0, 0), KEY(3, 1, 15, 2, 0), /* IMP DEF */
		KEY(3, 7, 15, 0, 0), KEY(3, 4, 11, 3, 1), KEY(2, 0, 0, 2, 2),
		KEY(2, 0, 0, 0, 4),			 /* MDSCR, DBGBVR0 */
		KEY(2, 0, 0, 0, 7),  KEY(2, 3, 0, 1, 0), /* DBGWCR0, MDCCSR */
		KEY(2, 0, 1, 0, 4),  KEY(2, 0, 1, 1, 4), /* OSLAR, OSLSR */
		KEY(2, 0, 1, 3, 4),			 /* OSDLR */
		KEY(3, 0, 5, 3, 0),  KEY(3, 0, 5, 3, 1), /* ERRIDR, ERRSELR */
		KEY(3, 0, 5, 4, 0),  KEY(3, 0, 5, 4, 1), /* ERXFR, ERXCTLR */
		KEY(3, 0, 5, 4, 2),  KEY(3, 0, 5, 4, 3), /* ERXSTATUS, ERXADDR
							  */
		KEY(3, 0, 5, 5, 0),  KEY(3, 0, 5, 5, 1), /* ERXMISC0, 1 */
	};

	el2_boot_all();
	for (unsigned i = 0; i < RUMKV_ARRAY_SIZE(keys); i++) {
		struct rumkv_core *core = el2_core(EL2_A, i % 4);

		cr_assert_eq(sysreg(core, keys[i], true, 0x1111), 0,
			     "key 0x%x reads as zero", keys[i]);
		(void)sysreg(core, keys[i], false, ~0ull);
	}
}

/* Anything else: the guest takes an UNDEFINED exception at its own
 * vector (EC 0, IL 1), as if the instruction did not exist. */
static void expect_undef(struct rumkv_core *core, uint32_t key, bool read,
			 uint64_t spsr, uint64_t vector)
{
	int i = (int)core->index;
	uint64_t pc = EL2_PC(core->cell->index, core->vindex);
	struct trap_frame f;
	struct trap_frame before;

	el2.guest_spsr[i] = spsr;
	el2_sr_set(i, "vbar_el1", EL2_CELL_RAM(core->cell->index) + 0x8000);
	junk(&f);
	before = f;
	cr_assert_eq(el2_sysreg(core, key, 4, read, &f), EL2_RETURNED,
		     "key 0x%x: an UNDEFINED exception, not the end", key);
	cr_assert_eq(core->cell->state, RUMKV_CELL_RUNNING);
	cr_assert_eq(el2_sr_get(i, "esr_el1"), 1ull << 25, "ESR_EL1 EC 0, IL");
	cr_assert_eq(el2_sr_get(i, "elr_el1"), pc, "ELR_EL1: the instruction");
	cr_assert_eq(el2_sr_get(i, "spsr_el1"), spsr);
	cr_assert_eq(el2_sr_get(i, "elr_el2"),
		     EL2_CELL_RAM(core->cell->index) + 0x8000 + vector,
		     "returns to the vector");
	cr_assert_eq(el2_sr_get(i, "spsr_el2"), 0x3c5, "EL1h, DAIF masked");
	cr_assert(memcmp(f.x, before.x, 31 * 8) == 0, "Xt unchanged");
}

Test(trap, other_registers_undefined)
{
	el2_boot_all();
	expect_undef(el2_core(EL2_A, 0), KEY(3, 0, 1, 0, 0), false, 0x5, 0x200);
	expect_undef(el2_core(EL2_A, 1), KEY(3, 7, 4, 4, 4), true, 0x3c5,
		     0x200);
	expect_undef(el2_core(EL2_B, 0), KEY(3, 0, 12, 11, 5), true, 0x5,
		     0x200);
	expect_undef(el2_core(EL2_C, 1), KEY(3, 0, 1, 0, 0), true, 0x0, 0x400);
}

Test(trap, xzr_sysreg_read)
{
	struct trap_frame f;
	struct trap_frame before;
	struct rumkv_core *core;

	el2_boot_all();
	core = el2_core(EL2_A, 0);
	el2_sr_set((int)core->index, "actlr_el1", 0x77);
	junk(&f);
	before = f;
	cr_assert_eq(el2_sysreg(core, KEY(3, 0, 1, 0, 1), 31, true, &f),
		     EL2_RETURNED);
	cr_assert(memcmp(f.x, before.x, 31 * 8) == 0,
		  "MRS XZR wrote a register");
}
