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
#include <rumkv/error.h>
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

/* The report of a violation: stage-2 faults and accesses RumKV cannot
 * emulate also name the guest address. */
static void fault_init(struct rumkv_fault *f, uint32_t reason, const char *fmt,
		       va_list ap)
{
	bool at_ipa = reason == RUMKV_REASON_STAGE2_FAULT ||
		      reason == RUMKV_REASON_BAD_MMIO;

	f->reason = reason;
	f->pc = read_sysreg(elr_el2);
	f->ipa = at_ipa ? fault_ipa() : 0;
	f->ipa_valid = at_ipa;
	rumkv_vsnprintf(f->cause, sizeof(f->cause), fmt, ap);
}

/* Ends the calling core's cell with a one-line report. */
static RUMKV_NORETURN void violation(uint32_t reason, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static RUMKV_NORETURN void violation(uint32_t reason, const char *fmt, ...)
{
	struct rumkv_fault f;
	va_list ap;

	va_start(ap, fmt);
	fault_init(&f, reason, fmt, ap);
	va_end(ap);
	rumkv_cell_terminate(aarch64_core_self(), &f);
}

void aarch64_mmio_refuse(const char *fmt, ...)
{
	struct rumkv_fault f;
	va_list ap;

	va_start(ap, fmt);
	fault_init(&f, RUMKV_REASON_BAD_MMIO, fmt, ap);
	va_end(ap);
	rumkv_cell_terminate(aarch64_core_self(), &f);
}

/* "stage-2 fault: <access> (translation fault, level 2)"; `size` > 0
 * adds "<size> bytes" to the access, 0 says the size is unknown (an
 * instruction without syndrome: a load or store pair, or one with
 * writeback), < 0 says nothing (fetches, table walks). */
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
	if (size == 0) {
		violation(RUMKV_REASON_STAGE2_FAULT,
			  "stage-2 fault: %s, size unknown: a pair or "
			  "writeback instruction (%s, level %u)",
			  access, what, level);
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
		int err = vgic_mmio(core, &acc)
				  ? 0
				  : rumkv_mmio_emulate(core, &acc);

		if (err == 0) {
			if (!acc.write) {
				f->x[rt] = load_value(iss, acc.value, acc.size);
			}
			skip_instruction();
			return;
		}
		if (err != RUMKV_ENOENT) {
			violation(
				RUMKV_REASON_BAD_MMIO,
				"emulated UART access of %u bytes: not a size "
				"and alignment it allows",
				acc.size);
		}
	} else {
		/* No syndrome: the instruction (LDP, STP, a load with
		 * writeback...) cannot be emulated. A size-0 access only asks
		 * vgic_mmio whether it hit the interrupt controller; nothing
		 * is read or written. */
		acc.size = 0;
		if (vgic_mmio(core, &acc)) {
			violation(RUMKV_REASON_BAD_MMIO,
				  "interrupt controller access of unknown size "
				  "(a pair or writeback: use LDR/STR)");
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
#define SYSREG_ACTLR_EL1 SYSREG_KEY(3u, 0u, 1u, 0u, 1u)
#define SYSREG_DC_ISW SYSREG_KEY(1u, 0u, 7u, 6u, 2u)
#define SYSREG_DC_CSW SYSREG_KEY(1u, 0u, 7u, 10u, 2u)
#define SYSREG_DC_CISW SYSREG_KEY(1u, 0u, 7u, 14u, 2u)

/*
 * Registers RumKV traps but does not offer, which read as zero and
 * ignore writes: what a PE without the feature (or with it locked away)
 * shows, so a kernel that probes them carries on.
 *  - op0 = 2: debug registers and the OS lock (MDCR_EL2.TDA, TDOSA, TDRA):
 *    breakpoints and watchpoints would survive a restart and observe
 *    RumKV; OSLSR_EL1 reads "OS lock not implemented".
 *  - CRn 11 and 15: implementation-defined registers (HCR_EL2.TIDCP),
 *    which may control caches or the interconnect other cells share.
 *  - RAS error records, ERR* (HCR_EL2.TERR): ERRIDR_EL1 reads 0 records.
 */
static bool sysreg_absent(uint32_t iss)
{
	unsigned op0 = iss >> 20 & 3;
	unsigned op1 = iss >> 14 & 7;
	unsigned crn = iss >> 10 & 15;
	unsigned crm = iss >> 1 & 15;

	if (op0 == 2) {
		return true;
	}
	return op0 == 3 && (crn == 11 || crn == 15 ||
			    (crn == 5 && op1 == 0 && crm >= 3 && crm <= 5));
}

/* Enters the cell's own Undefined Instruction exception for the trapped
 * instruction, as a PE does for a register or instruction it does not
 * implement: ESR_EL1 says "unknown reason", ELR_EL1 is the instruction,
 * and the cell continues at its vector with every exception masked. */
static void inject_undef(void)
{
	uint64_t spsr = read_sysreg(spsr_el2);
	uint64_t offset;

	switch (spsr & 0x1f) {
	case 0x05: /* EL1h: current EL with SP_EL1 */
		offset = 0x200;
		break;
	case 0x04: /* EL1t */
		offset = 0x000;
		break;
	case 0x00: /* EL0, AArch64 */
		offset = 0x400;
		break;
	default: /* EL0, AArch32 */
		offset = 0x600;
		break;
	}
	write_sysreg(esr_el1, ESR_IL);
	write_sysreg(elr_el1, read_sysreg(elr_el2));
	write_sysreg(spsr_el1, spsr);
	write_sysreg(elr_el2, read_sysreg(vbar_el1) + offset);
	write_sysreg(spsr_el2, SPSR_EL1H_MASKED);
}

static void trap_sysreg(struct rumkv_core *core, struct trap_frame *f,
			uint32_t iss)
{
	uint32_t key = iss & SYSREG_KEY_MASK;
	unsigned rt = (iss >> 5) & 0x1f;
	bool read = (iss & 1) != 0;

	if (!read && (key == SYSREG_ICC_SGI1R || key == SYSREG_ICC_ASGI1R)) {
		vgic_sgi(core, f->x[rt]);
	} else if (!read && key == SYSREG_ICC_SGI0R) {
		/* Group 0 is not offered: as if the SGI had no target. */
	} else if (key == SYSREG_DC_ISW || key == SYSREG_DC_CSW ||
		   key == SYSREG_DC_CISW) {
		/* Set/way maintenance would act on caches other cells use;
		 * a cell must clean by address. Skipped, as documented. */
	} else if (key == SYSREG_ACTLR_EL1) {
		/* Its value is the core's, and harmless to read; a write
		 * could change how the core behaves towards shared caches
		 * and is ignored. */
		if (read) {
			f->x[rt] = read_sysreg(actlr_el1);
		}
	} else if (sysreg_absent(iss)) {
		if (read) {
			f->x[rt] = 0;
		}
	} else {
		inject_undef();
		return;
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
	case ESR_EC_UNKNOWN:
	case ESR_EC_SVE:
	case ESR_EC_PAC:
		/* Instructions of features RumKV does not offer (SVE) or that
		 * the PE lacks: undefined, as on a PE without them. */
		inject_undef();
		break;
	default:
		violation(RUMKV_REASON_TRAPPED_INSN, "%s (ESR 0x%llx)",
			  ec_name(ec), (unsigned long long)esr);
	}
}

/* An SError is asynchronous: RumKV cannot tell whose access caused it.
 * The core was running this cell, and on a machine without RumKV the OS
 * running there would take it, so the cell does, as a virtual SError
 * that its kernel handles (or dies of) as it would on hardware. An error
 * the RAS extension calls uncontainable (DFSC 0x11, AET UC) means no
 * cell's state can be trusted: the machine stops. */
void aarch64_trap_serror(struct rumkv_core *core, uint64_t esr)
{
	bool ras = (esr & (1u << 24)) == 0 && (esr & 0x3f) == 0x11;

	if (ras && ((esr >> 10) & 7) == 0) {
		aarch64_fatal("uncontainable SError while cell %s ran (ESR "
			      "0x%llx)",
			      core->cell->plan->name, (unsigned long long)esr);
	}
	write_sysreg(hcr_el2, read_sysreg(hcr_el2) | HCR_VSE);
}

/* A physical FIQ taken while the cell ran: RumKV's own group-0
 * interrupts (the IOMMU's); any other is acknowledged and dropped (the
 * first one on each core reported), and the cell is not disturbed. */
void aarch64_trap_fiq(struct rumkv_core *core)
{
	gic_fiq_serve(core);
}

/* RumKV's own state can no longer be trusted: report once (without the
 * console lock, which the failing core may hold) and stop the whole
 * machine, so that no cell runs on with a broken hypervisor and no lock
 * stays held by a dead core. A fault while reporting goes straight to
 * the stop. */
void aarch64_fatal(const char *fmt, ...)
{
	static uint32_t reported;
	if (__atomic_exchange_n(&reported, 1u, __ATOMIC_ACQ_REL) == 0) {
		char msg[192];
		size_t n = rumkv_snprintf(msg, sizeof(msg), "rumkv: ");
		va_list ap;

		va_start(ap, fmt);
		n += rumkv_vsnprintf(msg + n, sizeof(msg) - n, fmt, ap);
		va_end(ap);
		port_console_write(msg, n);
		port_console_write("; stopping the machine\n", 23);
	}
	port_system_off();
}

/* An exception in RumKV itself: a RumKV bug, or a machine that is not
 * what the plan says. */
void aarch64_trap_el2(uint64_t lr)
{
	aarch64_fatal(
		"internal fault on core hw 0x%llx: ESR 0x%llx ELR 0x%llx "
		"FAR 0x%llx LR 0x%llx",
		(unsigned long long)(read_sysreg(mpidr_el1) & MPIDR_AFF_MASK),
		(unsigned long long)read_sysreg(esr_el2),
		(unsigned long long)read_sysreg(elr_el2),
		(unsigned long long)read_sysreg(far_el2),
		(unsigned long long)lr);
}
