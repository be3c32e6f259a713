// SPDX-License-Identifier: MIT
/*
 * Boot of the AArch64 port: the machine (EL2 translation, GIC
 * distributor; the console is up before, see console_pl011.c) on the boot
 * core, then each core's EL2 controls. All boot-only.
 */
#include "aarch64.h"
#include <aarch64/gicv3.h>
#include <aarch64/sysreg.h>
#include <rumkv/port.h>
#include <rumkv/rumkv.h>

void rumkv_log(const char *fmt, ...);

/* What a cell's EL1 runs under: stage-2 on; interrupts, SErrors and SMC
 * to RumKV; TLB and cache maintenance kept within the cell's VMID and
 * broadcast; set/way maintenance, implementation-defined registers and
 * ACTLR_EL1 trapped. WFI/WFE are not trapped: an idle cell costs RumKV
 * nothing. */
#define HCR_CELL                                                    \
	(HCR_VM | HCR_SWIO | HCR_FMO | HCR_IMO | HCR_AMO | HCR_FB | \
	 HCR_BSU_IS | HCR_TSC | HCR_TIDCP | HCR_TACR | HCR_TSW | HCR_RW)

RUMKV_BOOT void aarch64_boot_main(void)
{
	rumkv_firmware_main();
}

RUMKV_BOOT static void el2_core_init(struct rumkv_core *core)
{
	write_sysreg(hcr_el2, HCR_CELL);
	write_sysreg(vtcr_el2, VTCR_EL2_VALUE);
	write_sysreg(cptr_el2, CPTR_EL2_DEFAULT);
	write_sysreg(hstr_el2, 0);
	/* The core's PMU belongs to the cell on it: all counters. */
	write_sysreg(mdcr_el2, (read_sysreg(pmcr_el0) >> 11) & 0x1f);
	write_sysreg(cnthctl_el2, CNTHCTL_EL1PCTEN | CNTHCTL_EL1PCEN);
	write_sysreg(cntvoff_el2, 0);
	write_sysreg(vpidr_el2, read_sysreg(midr_el1));
	isb();
	gic_core_init(core);
}

RUMKV_BOOT int port_machine_init(const struct rumkv_plan *plan)
{
	uint64_t me = read_sysreg(mpidr_el1) & MPIDR_AFF_MASK;
	struct rumkv_core *self = NULL;
	uint32_t i;

	for (i = 0; i < plan->core_count; i++) {
		if ((plan->cores[i].hwid & MPIDR_AFF_MASK) == me) {
			self = &plan->core_state[i];
		}
	}
	if (self == NULL) {
		rumkv_log("cannot start: the boot core (hw 0x%llx) is not in "
			  "the plan",
			  (unsigned long long)me);
		return -1;
	}
	write_sysreg(tpidr_el2, self);
	if (aarch64_mmu_init(plan) != 0) {
		rumkv_log("cannot start: EL2 translation tables do not fit");
		return -1;
	}
	if (gic_machine_init(plan) != 0) {
		rumkv_log("cannot start: the plan's interrupt controller is "
			  "not a GICv3");
		return -1;
	}
	el2_core_init(self);
	return 0;
}

RUMKV_BOOT void aarch64_secondary_main(struct rumkv_core *core)
{
	el2_core_init(core);
	rumkv_core_boot(core);
}
