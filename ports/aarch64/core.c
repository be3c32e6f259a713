// SPDX-License-Identifier: MIT
/*
 * Cores: entering a cell, waiting while parked, kicking another core, and
 * the platform firmware's PSCI (the SMC conduit) for powering cores on.
 * The port functions that are (nearly) only system register accesses
 * (port_core_self, port_cpu_relax, port_system_off, port_core_wait) and
 * the EL1 reset live in vectors.S.
 */
#include "aarch64.h"
#include <aarch64/mmio.h>

#include <aarch64/gicv3.h>
#include <aarch64/stage2.h>
#include <aarch64/sysreg.h>
#include <rumkv/port.h>

#define PSCI_CPU_ON_64 0xc4000003u

RUMKV_BOOT static uint64_t platform_psci(uint64_t fid, uint64_t a1, uint64_t a2,
					 uint64_t a3)
{
	register uint64_t x0 __asm__("x0") = fid;
	register uint64_t x1 __asm__("x1") = a1;
	register uint64_t x2 __asm__("x2") = a2;
	register uint64_t x3 __asm__("x3") = a3;

	__asm__ volatile("smc #0"
			 : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3)
			 :
			 : "x4", "x5", "x6", "x7", "x8", "x9", "x10", "x11",
			   "x12", "x13", "x14", "x15", "x16", "x17", "memory");
	return x0;
}

RUMKV_BOOT int port_core_power_on(struct rumkv_core *core)
{
	uint64_t ret = platform_psci(PSCI_CPU_ON_64, core->hwid,
				     (uint64_t)aarch64_secondary_entry,
				     (uint64_t)core);

	return ret == 0 ? 0 : -1;
}

void port_core_enter_cell(struct rumkv_core *core, uint64_t entry, uint64_t arg)
{
	struct rumkv_cell *cell = core->cell;

	write_sysreg(vttbr_el2, aarch64_vttbr(cell));
	write_sysreg(vmpidr_el2, (1ull << 31) |
					 (uint64_t)(core->vindex / 16) << 8 |
					 (core->vindex % 16));
	isb();
	gic_core_reset_guest(core);
	/* EL1 registers, TLBs and I-cache: reset there (vectors.S). */
	aarch64_enter_cell(entry, arg,
			   (uint64_t)&core->arch.stack[PORT_CORE_STACK_SIZE]);
}

void port_core_kick(struct rumkv_core *target)
{
	/* Interrupts a running core out of its cell and wakes a parked
	 * one; if the target is about to sleep, the pending SGI keeps its
	 * WFI from sleeping. */
	gic_send_sgi(target->hwid, GIC_SGI_RUMKV);
}
