/* SPDX-License-Identifier: MIT */
/*
 * GICv3 register offsets and bits (Arm IHI 0069), and the port's GIC
 * functions shared between its files.
 */
#ifndef AARCH64_GICV3_H
#define AARCH64_GICV3_H

#include <rumkv/cell.h>
#include <stdint.h>

/* Distributor. */
#define GICD_CTLR 0x0000
#define GICD_TYPER 0x0004
#define GICD_IIDR 0x0008
#define GICD_IGROUPR 0x0080
#define GICD_ISENABLER 0x0100
#define GICD_ICENABLER 0x0180
#define GICD_ISPENDR 0x0200
#define GICD_ICPENDR 0x0280
#define GICD_ISACTIVER 0x0300
#define GICD_ICACTIVER 0x0380
#define GICD_IPRIORITYR 0x0400
#define GICD_ICFGR 0x0c00
#define GICD_IROUTER 0x6000
#define GICD_PIDR2 0xffe8
#define GICD_SIZE 0x10000

#define GICD_CTLR_ENABLE_G0 (1u << 0)
#define GICD_CTLR_ENABLE_G1 (1u << 1)
#define GICD_CTLR_ARE (1u << 4)
#define GICD_CTLR_DS (1u << 6)
#define GICD_CTLR_RWP (1u << 31)
#define GICD_TYPER_LPIS (1u << 17)
#define GICD_TYPER_MBIS (1u << 16)

/* Redistributor: RD_base frame, then SGI_base frame 64 KiB above. */
#define GICR_CTLR 0x0000
#define GICR_IIDR 0x0004
#define GICR_TYPER 0x0008
#define GICR_WAKER 0x0014
#define GICR_PIDR2 0xffe8
#define GICR_SGI_BASE 0x10000
#define GICR_FRAME_SIZE 0x20000
#define GICR_WAKER_PROCESSOR_SLEEP (1u << 1)
#define GICR_WAKER_CHILDREN_ASLEEP (1u << 2)
#define GICR_TYPER_LAST (1ull << 4)

/* Interrupt IDs RumKV keeps for itself on every core. */
#define GIC_SGI_RUMKV 15u	/* kicks between RumKV's cores */
#define GIC_PPI_MAINTENANCE 25u /* virtual CPU interface maintenance */
#define GIC_PPI_HYP_TIMER 26u	/* EL2 physical timer (unused) */

#define GIC_PRIO_DEFAULT 0xa0u
#define GIC_SPURIOUS 1020u

/* List registers. */
#define ICH_LR_STATE_PENDING (1ull << 62)
#define ICH_LR_STATE_ACTIVE (1ull << 63)
#define ICH_LR_HW (1ull << 61)
#define ICH_LR_GROUP1 (1ull << 60)
#define ICH_LR_PRIO_SHIFT 48
#define ICH_LR_PINTID_SHIFT 32
#define ICH_LR_VINTID_MASK 0xffffffffull
#define ICH_HCR_EN (1ull << 0)
#define ICH_HCR_UIE (1ull << 1)

/* ---- ports/aarch64/gic.c ---- */
struct rumkv_plan;
struct rumkv_mmio_access;
int gic_machine_init(const struct rumkv_plan *plan);
void gic_core_init(struct rumkv_core *core);
void gic_core_reset_guest(struct rumkv_core *core);
/* A parked core: acknowledges what woke it (see gic.c). */
void gic_parked_drain(struct rumkv_core *core);
/* The core's vcore starts: releases SPIs left active while parked. */
void gic_parked_release(struct rumkv_core *core);
void gic_send_sgi(uint64_t hwid, uint32_t intid);
/* Boot: makes SPI `intid` RumKV's own group-0 (FIQ) interrupt, edge
 * triggered, routed to the calling core, enabled. 0, or -1 where the GIC
 * keeps group 0 to the secure world. */
int gic_fiq_own(uint32_t intid);
void gic_fiq_serve(struct rumkv_core *core);
/* The IRQ vector's slow path (vectors.S), after it counted the exit;
 * `intid` may be spurious (1020..1023). */
void gic_irq_slow(struct rumkv_core *core, uint32_t intid);
/* ICH_LR<n>_EL2, n < 16 (vectors.S). */
uint64_t gic_lr_read(unsigned n);
void gic_lr_write(unsigned n, uint64_t v);
unsigned gic_lr_count(void);
extern uint64_t gic_gicd_base;
extern uint64_t gic_gicr_base;

/* ---- ports/aarch64/vgic.c ---- */
/* Emulates a cell's access to the distributor or its redistributors.
 * Returns false if `acc` is outside both. An access of size 0 is only
 * classified: true if it is inside either, and nothing is performed. */
bool vgic_mmio(struct rumkv_core *core, struct rumkv_mmio_access *acc);
/* A trapped ICC_SGI1R_EL1/ICC_ASGI1R_EL1/ICC_SGI0R_EL1 write. */
void vgic_sgi(struct rumkv_core *core, uint64_t value);

#endif /* AARCH64_GICV3_H */
