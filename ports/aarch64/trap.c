// SPDX-License-Identifier: MIT
/*
 * Synchronous exceptions from a cell, decoded from ESR_EL2: calls (HVC,
 * SMC), the few system-register writes RumKV emulates, accesses to the
 * emulated interrupt controller and UART, and everything else, which is a
 * violation that ends the cell with a report a person can act on.
 */
#include "trap.h"
#include "aarch64.h"

#include <aarch64/gicv3.h>
#include <aarch64/sysreg.h>
#include <rumkv/format.h>
#include <rumkv/port.h>

#include <stdarg.h>

static void skip_instruction(void)
{
	write_sysreg(elr_el2, read_sysreg(elr_el2) + 4);
}

uint64_t port_core_guest_pc(const struct rumkv_core *core)
{
	uint64_t ec = read_sysreg(esr_el2) >> ESR_EC_SHIFT;
	uint64_t elr = read_sysreg(elr_el2);

	(void)core;
	/* After HVC (and an SMC RumKV has handled) ELR is past the call. */
	return ec == ESR_EC_HVC64 || ec == ESR_EC_SMC64 ? elr - 4 : elr;
}

/*
 * What a report calls the exception classes that RumKV neither handles
 * nor reports in its own words (HVC, SMC, system registers, aborts); the
 * last entry names any other class. Names inline, not pointers: a third
 * of the bytes of a switch's table.
 */
static const struct {
	uint8_t ec;
	char name[24];
} ec_names[] = {
	{ESR_EC_UNKNOWN, "undefined instruction"},
	{ESR_EC_WFX, "trapped WFI/WFE"},
	{ESR_EC_FP, "trapped FP/SIMD access"},
	{ESR_EC_ILLEGAL, "illegal execution state"},
	{ESR_EC_SVE, "trapped SVE access"},
	{ESR_EC_PC_ALIGN, "PC alignment fault"},
	{ESR_EC_SP_ALIGN, "SP alignment fault"},
	{0, "unexpected exception"},
};

static const char *ec_name(uint32_t ec)
{
	unsigned i = 0;

	while (i < RUMKV_ARRAY_SIZE(ec_names) - 1 && ec_names[i].ec != ec) {
		i++;
	}
	return ec_names[i].name;
}

/* "translation fault, level 2", from a data or instruction fault status. */
static const char *fsc_name(uint32_t fsc, unsigned *level)
{
	*level = fsc & 3;
	switch (fsc >> 2) {
	case 1:
		return "translation fault";
	case 2:
		return "access flag fault";
	case 3:
		return "permission fault";
	default:
		return fsc == 0x21 ? "alignment fault" : "external abort";
	}
}

static uint64_t fault_ipa(void)
{
	return (read_sysreg(hpfar_el2) >> 4) << 12 |
	       (read_sysreg(far_el2) & 0xfff);
}

static RUMKV_NORETURN void violation(uint32_t reason, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Ends the calling core's cell with a one-line report. Stage-2 faults and
 * accesses RumKV cannot emulate also name the guest address. */
static RUMKV_NORETURN void violation(uint32_t reason, const char *fmt, ...)
{
	bool at_ipa = reason == RUMKV_REASON_STAGE2_FAULT ||
		      reason == RUMKV_REASON_BAD_MMIO;
	struct rumkv_fault f = {
		.reason = reason,
		.pc = read_sysreg(elr_el2),
		.ipa = at_ipa ? fault_ipa() : 0,
		.ipa_valid = at_ipa,
	};
	va_list ap;

	va_start(ap, fmt);
	rumkv_vsnprintf(f.cause, sizeof(f.cause), fmt, ap);
	va_end(ap);
	rumkv_cell_terminate(aarch64_core_self(), &f);
}

/* "stage-2 fault: <access> (translation fault, level 2)"; `size` >= 0
 * adds "<size> bytes" to the access. */
static RUMKV_NORETURN void stage2_fault(uint32_t iss, const char *access,
					int size)
{
	unsigned level;
	const char *what = fsc_name(iss & DABT_FSC_MASK, &level);

	if (size < 0) {
		violation(RUMKV_REASON_STAGE2_FAULT,
			  "stage-2 fault: %s (%s, level %u)", access, what,
			  level);
	}
	violation(RUMKV_REASON_STAGE2_FAULT,
		  "stage-2 fault: %s %d bytes (%s, level %u)", access, size,
		  what, level);
}

/* An emulated register read as the load instruction would have left it
 * in its register: zero- or sign-extended, W or X. */
static uint64_t load_value(uint32_t iss, uint64_t value, uint8_t size)
{
	if ((iss & DABT_SSE) != 0 && size < 8) {
		unsigned shift = 64 - 8 * size;

		value = (uint64_t)((int64_t)(value << shift) >> shift);
	}
	return (iss & DABT_SF) != 0 ? value : (uint32_t)value;
}

static void trap_data_abort(struct rumkv_core *core, struct trap_frame *f,
			    uint32_t iss)
{
	unsigned rt = (iss >> DABT_SRT_SHIFT) & 0x1f;
	struct rumkv_mmio_access acc = {
		.ipa = fault_ipa(),
		.size = (uint8_t)(1u << ((iss >> DABT_SAS_SHIFT) & 3)),
		.write = (iss & DABT_WNR) != 0,
	};

	if ((iss & DABT_ISV) != 0 && (iss & DABT_S1PTW) == 0) {
		if (acc.write) {
			acc.value = f->x[rt];
			if (acc.size < 8) {
				acc.value &= (1ull << (8 * acc.size)) - 1;
			}
		}
		if (vgic_mmio(core, &acc) ||
		    rumkv_mmio_emulate(core, &acc) == 0) {
			if (!acc.write) {
				f->x[rt] = load_value(iss, acc.value, acc.size);
			}
			skip_instruction();
			return;
		}
	} else {
		/* No syndrome: the instruction (LDP, STP, a load with
		 * writeback...) cannot be emulated. A size-0 access only asks
		 * vgic_mmio whether it hit the interrupt controller; nothing
		 * is read or written. */
		acc.size = 0;
		if (vgic_mmio(core, &acc)) {
			violation(
				RUMKV_REASON_BAD_MMIO,
				"interrupt controller access by an instruction "
				"RumKV cannot emulate (use plain LDR/STR)");
		}
	}
	if ((iss & DABT_S1PTW) != 0) {
		stage2_fault(iss, "stage-1 table walk", -1);
	}
	stage2_fault(iss, acc.write ? "write" : "read",
		     (iss & DABT_ISV) ? acc.size : 0);
}

/* System register and system instruction encodings (ISS of EC 0x18,
 * without Rt and direction). */
#define SYSREG_KEY(op0, op1, crn, crm, op2) \
	((op0) << 20 | (op2) << 17 | (op1) << 14 | (crn) << 10 | (crm) << 1)
#define SYSREG_KEY_MASK 0x3ffc1eu
#define SYSREG_ICC_SGI1R SYSREG_KEY(3u, 0u, 12u, 11u, 5u)
#define SYSREG_ICC_ASGI1R SYSREG_KEY(3u, 0u, 12u, 11u, 6u)
#define SYSREG_ICC_SGI0R SYSREG_KEY(3u, 0u, 12u, 11u, 7u)
#define SYSREG_DC_ISW SYSREG_KEY(1u, 0u, 7u, 6u, 2u)
#define SYSREG_DC_CSW SYSREG_KEY(1u, 0u, 7u, 10u, 2u)
#define SYSREG_DC_CISW SYSREG_KEY(1u, 0u, 7u, 14u, 2u)

static void trap_sysreg(struct rumkv_core *core, struct trap_frame *f,
			uint32_t iss)
{
	uint32_t key = iss & SYSREG_KEY_MASK;
	bool read = (iss & 1) != 0;

	if (!read && (key == SYSREG_ICC_SGI1R || key == SYSREG_ICC_ASGI1R)) {
		vgic_sgi(core, f->x[(iss >> 5) & 0x1f]);
	} else if (!read && key == SYSREG_ICC_SGI0R) {
		/* Group 0 is not offered: as if the SGI had no target. */
	} else if (key == SYSREG_DC_ISW || key == SYSREG_DC_CSW ||
		   key == SYSREG_DC_CISW) {
		/* Set/way maintenance would act on caches other cells use;
		 * a cell must clean by address. Skipped, as documented. */
	} else {
		violation(RUMKV_REASON_TRAPPED_INSN,
			  "%s %s S%u_%u_C%u_C%u_%u (not available to cells)",
			  read ? "read of" : "write to",
			  (iss >> 20 & 3) == 1 ? "system instruction"
					       : "register",
			  iss >> 20 & 3, iss >> 14 & 7, iss >> 10 & 15,
			  iss >> 1 & 15, iss >> 17 & 7);
	}
	skip_instruction();
}

void aarch64_trap_sync(struct rumkv_core *core, struct trap_frame *f,
		       uint64_t esr)
{
	uint32_t ec = (uint32_t)(esr >> ESR_EC_SHIFT);
	uint32_t iss = (uint32_t)(esr & ESR_ISS_MASK);

	switch (ec) {
	case ESR_EC_SMC64:
		/* A trapped SMC returns to itself: step over it. Cells reach
		 * the same services as through HVC (which vectors.S sends to
		 * aarch64_smccc directly); no call ever reaches the platform
		 * firmware. */
		skip_instruction();
		aarch64_smccc(core, f->x, esr);
		break;
	case ESR_EC_SYSREG:
		trap_sysreg(core, f, iss);
		break;
	case ESR_EC_DABT_LOW:
		trap_data_abort(core, f, iss);
		break;
	case ESR_EC_IABT_LOW:
		stage2_fault(iss, "instruction fetch", -1);
	default:
		violation(RUMKV_REASON_TRAPPED_INSN, "%s (ESR 0x%llx)",
			  ec_name(ec), (unsigned long long)esr);
	}
}

void aarch64_trap_serror(void)
{
	violation(RUMKV_REASON_BAD_EXCEPTION, "SError (ESR 0x%llx)",
		  (unsigned long long)read_sysreg(esr_el2));
}

void aarch64_trap_unexpected(void)
{
	violation(RUMKV_REASON_BAD_EXCEPTION, "unexpected FIQ");
}

/* An exception in RumKV itself: a RumKV bug. Report it and stop this core;
 * the other cores and their cells keep running. */
void aarch64_trap_el2(uint64_t lr)
{
	char msg[160];
	size_t n;

	n = rumkv_snprintf(
		msg, sizeof(msg),
		"rumkv: internal fault: ESR 0x%llx ELR 0x%llx FAR 0x%llx "
		"LR 0x%llx\n",
		(unsigned long long)read_sysreg(esr_el2),
		(unsigned long long)read_sysreg(elr_el2),
		(unsigned long long)read_sysreg(far_el2),
		(unsigned long long)lr);
	port_console_write(msg, n);
	for (;;) {
		__asm__ volatile("wfe");
	}
}
