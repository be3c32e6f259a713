/* SPDX-License-Identifier: MIT */
/*
 * AArch64 port state embedded in the core's cell and core structs
 * (`struct rumkv_cell.arch`, `struct rumkv_core.arch`).
 */
#ifndef RUMKV_PORT_TYPES_H
#define RUMKV_PORT_TYPES_H

#include <stdbool.h>
#include <stdint.h>

/* Interrupt IDs of a GICv3 without LPIs: SGIs, PPIs and SPIs. */
#define PORT_GIC_INTIDS 1024u
#define PORT_CORE_STACK_SIZE 4096u

struct port_cell {
	uint16_t vmid;	  /* tags the cell's TLB entries (VTTBR_EL2.VMID) */
	uint16_t streams; /* IOMMU streams attached (smmuv3.c) */
	uint16_t reserved[2];
	/* Interrupts the cell owns, one bit per INTID: the virtual
	 * distributor filters every access through it, and revocation
	 * clears bits. SGIs/PPIs apply to each of the cell's cores. */
	uint64_t irq_owned[PORT_GIC_INTIDS / 64];
};

struct port_core {
	uint64_t gicr_rd;  /* physical address of this core's RD frame */
	uint32_t lr_count; /* list registers this core's GIC has */
	/* Interrupts acknowledged while every list register was busy:
	 * injected when the maintenance interrupt says LRs are free. */
	uint64_t lr_pending[PORT_GIC_INTIDS / 64];
	/* SPIs the core acknowledged while parked (its vcore off) and left
	 * active, so that a level-triggered one cannot keep it awake: made
	 * inactive again when the vcore starts. */
	uint64_t parked_active[PORT_GIC_INTIDS / 64];
	bool fiq_reported; /* the first stray FIQ on the core was reported */
	uint8_t stack[PORT_CORE_STACK_SIZE] __attribute__((aligned(16)));
};

#endif /* RUMKV_PORT_TYPES_H */
