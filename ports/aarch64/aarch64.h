/* SPDX-License-Identifier: MIT */
/*
 * Functions and data shared between the AArch64 port's own files (not
 * part of the porting interface).
 */
#ifndef AARCH64_PORT_INTERNAL_H
#define AARCH64_PORT_INTERNAL_H

#include <aarch64/sysreg.h>
#include <rumkv/cell.h>
#include <rumkv/plan.h>

/* The calling core's struct (port_core_self), inline: every trap needs
 * it first. */
static inline struct rumkv_core *aarch64_core_self(void)
{
	return (struct rumkv_core *)(uintptr_t)read_sysreg(tpidr_el2);
}

/* entry.S, vectors.S */
void aarch64_secondary_entry(void);
/* Resets the EL1 registers, drops the core's TLB entries for the VMID in
 * VTTBR_EL2 and its instruction cache, and enters the cell at `entry`
 * with x0 = `arg`, every other register zero, on a stack at stack_top. */
RUMKV_NORETURN void aarch64_enter_cell(uint64_t entry, uint64_t arg,
				       uint64_t stack_top);

/* vectors.S: the mapping engine's barriers for RumKV's own tables and
 * (publish) the cells' stage-2 tables. */
void aarch64_pt_publish(void *owner);
void aarch64_el2_invalidate(void *owner, uint64_t in, uint64_t size);

/* entry.S, boot only: whether a load from physical `pa` completes (false
 * if it takes an external abort: no memory or device there). */
bool aarch64_probe_read(uint64_t pa);

/* boot.c: HCR_EL2 of every cell (feature bits set at boot). */
extern uint64_t aarch64_hcr_cell;
/* boot.c */
void aarch64_boot_main(void);
void aarch64_secondary_main(struct rumkv_core *core);

/* mmu.c */
int aarch64_mmu_init(const struct rumkv_plan *plan);

/* pci_ecam.c: the host bridge's ECAM (plan pci_ecam), set at boot. */
extern uint64_t aarch64_pci_ecam;

/* smmuv3.c (iommu_absent.c: no-ops) */
int aarch64_iommu_init(const struct rumkv_plan *plan);
void aarch64_iommu_invalidate(const struct rumkv_cell *cell, uint64_t ipa,
			      uint64_t size);
void aarch64_iommu_serve(void);
/* Is `intid` one of the IOMMU's interrupts? */
bool aarch64_iommu_irq(uint32_t intid);

/* console_pl011.c */
/* The machine console's receive interrupt (RumKV's own). */
void aarch64_uart_irq(struct rumkv_core *core);
extern uint32_t aarch64_console_irq;

#endif /* AARCH64_PORT_INTERNAL_H */
