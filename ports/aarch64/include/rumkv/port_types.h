/* SPDX-License-Identifier: MIT */
/*
 * AArch64 port state embedded in the core's cell and core structs.
 */
#ifndef RUMKV_PORT_TYPES_H
#define RUMKV_PORT_TYPES_H

#include <stdint.h>

/* Interrupt IDs a GICv3 can have (SGIs, PPIs, SPIs; no LPIs). */
#define PORT_GIC_MAX_INTID 1020u

struct port_cell {
	uint64_t vttbr; /* VMID and stage-2 root, loaded on entry */
	uint16_t vmid;
	uint16_t reserved[3];
	/* Interrupts the cell owns, one bit per INTID: the virtual
	 * distributor filters every access through it. */
	uint64_t irq_owned[(PORT_GIC_MAX_INTID + 63) / 64];
};

struct port_core {
	uint64_t vmpidr; /* MPIDR the cell sees on this core */
	uint32_t gicr_index; /* this core's redistributor frame */
	uint32_t reserved;
};

#endif /* RUMKV_PORT_TYPES_H */
