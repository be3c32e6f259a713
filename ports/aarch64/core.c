// SPDX-License-Identifier: MIT
/*
 * Cores: entering a cell, waiting while parked, kicking another core, and
 * the platform firmware's PSCI (the SMC conduit) for powering cores on.
 * The port functions that are (nearly) only system register accesses
 * (port_core_self, port_cpu_relax, port_system_off) and the EL1 reset
 * live in vectors.S.
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

/* Pointer authentication keys, where the PE has them (HCR_EL2.API set at
 * boot): reset like every other EL1 register. */
static void pauth_keys_reset(void)
{
	if ((aarch64_hcr_cell & HCR_API) == 0) {
		return;
	}
	write_sysreg(s3_0_c2_c1_0, 0); /* APIAKeyLo_EL1 */
	write_sysreg(s3_0_c2_c1_1, 0);
	write_sysreg(s3_0_c2_c1_2, 0); /* APIBKey */
	write_sysreg(s3_0_c2_c1_3, 0);
	write_sysreg(s3_0_c2_c2_0, 0); /* APDAKey */
	write_sysreg(s3_0_c2_c2_1, 0);
	write_sysreg(s3_0_c2_c2_2, 0); /* APDBKey */
	write_sysreg(s3_0_c2_c2_3, 0);
	write_sysreg(s3_0_c2_c3_0, 0); /* APGAKey */
	write_sysreg(s3_0_c2_c3_1, 0);
}

/* The core's PMU belongs to the core's cell (cores are fixed, so it
 * counts that cell and RumKV's work for it, nothing of other cells): a
 * new run finds it as after reset, every counter stopped and zero, no
 * overflow or interrupt pending, no event selected and EL0 locked out.
 * Bits of counters the PE lacks are RAZ/WI, so ~0 clears every one. */
static void pmu_reset(void)
{
	uint64_t n = read_sysreg(pmcr_el0) >> 11 & 0x1f;

	write_sysreg(pmcntenclr_el0, 0xffffffffull);
	write_sysreg(pmintenclr_el1, 0xffffffffull);
	write_sysreg(pmcr_el0, 0x6ull); /* P, C: counters to zero, E = 0 */
	write_sysreg(pmovsclr_el0, 0xffffffffull);
	write_sysreg(pmuserenr_el0, 0);
	write_sysreg(pmccfiltr_el0, 0);
	while (n-- > 0) {
		write_sysreg(pmselr_el0, n);
		isb();
		write_sysreg(pmxevtyper_el0, 0);
	}
	write_sysreg(pmselr_el0, 0);
}

void port_core_enter_cell(struct rumkv_core *core, uint64_t entry, uint64_t arg)
{
	struct rumkv_cell *cell = core->cell;

	/* Also drops a virtual SError the previous run left pending. */
	write_sysreg(hcr_el2, aarch64_hcr_cell);
	write_sysreg(vttbr_el2, aarch64_vttbr(cell));
	write_sysreg(vmpidr_el2, (1ull << 31) |
					 (uint64_t)(core->vindex / 16) << 8 |
					 (core->vindex % 16));
	isb();
	gic_core_reset_guest(core);
	gic_parked_release(core);
	pauth_keys_reset();
	pmu_reset();
	/* EL1 registers, TLBs and I-cache: reset there (vectors.S). */
	aarch64_enter_cell(entry, arg,
			   (uint64_t)&core->arch.stack[PORT_CORE_STACK_SIZE]);
}

/* A parked core sleeps in WFI (QEMU, like many cores, treats WFE as a
 * mere hint and would spin). Its timers and its virtual interface are
 * quiesced first, so that only an interrupt for the core wakes it; what
 * woke it is then acknowledged (gic_parked_drain). */
void port_core_wait(struct rumkv_core *core)
{
	write_sysreg(cntv_ctl_el0, 0);
	write_sysreg(cntp_ctl_el0, 0);
	gic_core_reset_guest(core);
	pmu_reset();
	dsb_sy();
	__asm__ volatile("wfi" ::: "memory");
	gic_parked_drain(core);
	isb();
}

void port_core_kick(struct rumkv_core *target)
{
	/* Interrupts a running core out of its cell and wakes a parked
	 * one; if the target is about to sleep, the pending SGI keeps its
	 * WFI from sleeping. */
	gic_send_sgi(target->hwid, GIC_SGI_RUMKV);
}
