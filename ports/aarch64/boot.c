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

/*
 * What a cell's EL1 runs under: stage-2 on; interrupts, SErrors and SMC
 * to RumKV; set/way maintenance, implementation-defined registers and
 * ACTLR_EL1 trapped. WFI/WFE are not trapped: an idle cell costs RumKV
 * nothing. TLB and cache maintenance is not forced to broadcast (no
 * HCR_EL2.FB): a vcore never moves to another core, so what the cell
 * keeps local stays local and never reaches other cells' cores.
 */
#define HCR_CELL                                                        \
	(HCR_VM | HCR_SWIO | HCR_FMO | HCR_IMO | HCR_AMO | HCR_BSU_IS | \
	 HCR_TSC | HCR_TIDCP | HCR_TACR | HCR_TSW | HCR_RW)

/* HCR_EL2 of every cell, with the bits that depend on the PE's features
 * (set once at boot; port_core_enter_cell writes it back, which also
 * drops a virtual SError left pending by the cell's previous run). */
uint64_t aarch64_hcr_cell = HCR_CELL;

RUMKV_BOOT static uint64_t id_field(uint64_t id, unsigned shift)
{
	return (id >> shift) & 0xf;
}

/* The feature-dependent HCR_EL2 and MDCR_EL2 bits: RAS error records
 * trap where they exist; pointer authentication, where the PE has it,
 * runs without traps (its keys are reset with the other EL1 registers);
 * the core's PMU is the cell's, with every counter (HPMN = PMCR.N) and,
 * where PMUv3p1 allows, no counting at EL2; the debug logic traps. */
RUMKV_BOOT static uint64_t mdcr_cell(void)
{
	uint64_t isar1 = read_sysreg(id_aa64isar1_el1);
	uint64_t pmuver = id_field(read_sysreg(id_aa64dfr0_el1), 8);
	uint64_t mdcr = (read_sysreg(pmcr_el0) >> 11) & MDCR_HPMN_MASK;

	if (id_field(read_sysreg(id_aa64pfr0_el1), 28) != 0) {
		aarch64_hcr_cell |= HCR_TERR;
	}
	if (id_field(isar1, 4) | id_field(isar1, 8) | id_field(isar1, 24) |
	    id_field(isar1, 28) |
	    id_field(read_sysreg(s3_0_c0_c6_2), 12) /* ISAR2.APA3 */) {
		aarch64_hcr_cell |= HCR_API | HCR_APK;
	}
	mdcr |= MDCR_TDA | MDCR_TDOSA | MDCR_TDRA;
	if (pmuver >= 4 && pmuver != 0xf) {
		mdcr |= MDCR_HPMD;
	}
	return mdcr;
}

RUMKV_BOOT void aarch64_boot_main(void)
{
	rumkv_firmware_main();
}

RUMKV_BOOT static void el2_core_init(struct rumkv_core *core)
{
	uint64_t mdcr = mdcr_cell();

	write_sysreg(hcr_el2, aarch64_hcr_cell);
	write_sysreg(vtcr_el2, VTCR_EL2_VALUE);
	write_sysreg(cptr_el2, CPTR_EL2_DEFAULT);
	write_sysreg(hstr_el2, 0);
	write_sysreg(mdcr_el2, mdcr);
	write_sysreg(cnthctl_el2, CNTHCTL_EL1PCTEN | CNTHCTL_EL1PCEN);
	write_sysreg(cntvoff_el2, 0);
	write_sysreg(vpidr_el2, read_sysreg(midr_el1));
	isb();
	gic_core_init(core);
}

/* Whether every RAM bank the plan names is really there: a machine
 * started with less memory than its board tree says (QEMU's -m) would
 * otherwise take an external abort the first time RumKV touches a cell's
 * memory. */
RUMKV_BOOT static bool ram_present(const struct rumkv_plan *plan)
{
	uint32_t i;

	for (i = 0; i < plan->ram_count; i++) {
		const struct rumkv_plan_mmio *b = &plan->ram[i];
		uint64_t missing = b->pa + b->size - 8;

		if (!aarch64_probe_read(b->pa)) {
			missing = b->pa;
		} else if (aarch64_probe_read(missing)) {
			continue;
		}
		rumkv_log("cannot start: the plan's RAM bank 0x%llx+0x%llx is "
			  "not all there (no memory at 0x%llx): the machine "
			  "has less RAM than its board tree says (QEMU -m?)",
			  (unsigned long long)b->pa,
			  (unsigned long long)b->size,
			  (unsigned long long)missing);
		return false;
	}
	return true;
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
	aarch64_pci_ecam = plan->platform.pci_ecam.pa;
	if (!ram_present(plan)) {
		return -1;
	}
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
	return aarch64_iommu_init(plan);
}

RUMKV_BOOT void aarch64_secondary_main(struct rumkv_core *core)
{
	el2_core_init(core);
	rumkv_core_boot(core);
}
