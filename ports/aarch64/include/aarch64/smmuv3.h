/* SPDX-License-Identifier: MIT */
/*
 * SMMUv3 register offsets and the encodings RumKV's driver writes: stream
 * table entries and commands (Arm IHI 0070, "SMMU architecture version 3",
 * chapters 4 and 5), and the fields of event records it reads. Pure
 * functions, so that the host tests check them against the spec
 * (tests/unit/test_smmuv3.c) without an SMMU.
 */
#ifndef AARCH64_SMMUV3_H
#define AARCH64_SMMUV3_H

#include <stdint.h>

/* Registers, page 0 (page 1 at +0x10000 holds the event queue's PROD
 * and CONS). */
#define SMMU_IDR0 0x00
#define SMMU_IDR1 0x04
#define SMMU_IDR5 0x14
#define SMMU_CR0 0x20
#define SMMU_CR0ACK 0x24
#define SMMU_CR1 0x28
#define SMMU_CR2 0x2c
#define SMMU_GBPA 0x44
#define SMMU_IRQ_CTRL 0x50
#define SMMU_IRQ_CTRLACK 0x54
#define SMMU_GERROR 0x60
#define SMMU_GERRORN 0x64
#define SMMU_STRTAB_BASE 0x80
#define SMMU_STRTAB_BASE_CFG 0x88
#define SMMU_CMDQ_BASE 0x90
#define SMMU_CMDQ_PROD 0x98
#define SMMU_CMDQ_CONS 0x9c
#define SMMU_EVENTQ_BASE 0xa0
#define SMMU_EVENTQ_PROD 0x100a8
#define SMMU_EVENTQ_CONS 0x100ac

#define SMMU_IDR0_S2P (1u << 0)
#define SMMU_IDR0_TTF_AA64 (1u << 3)
#define SMMU_IDR0_COHACC (1u << 4)
#define SMMU_IDR1_PRESET (3u << 29) /* TABLES_PRESET, QUEUES_PRESET */
#define SMMU_IDR5_GRAN4K (1u << 4)

#define SMMU_CR0_SMMUEN (1u << 0)
#define SMMU_CR0_EVTQEN (1u << 2)
#define SMMU_CR0_CMDQEN (1u << 3)
/* Tables and queues: inner and outer write-back, inner shareable. */
#define SMMU_CR1_WB_IS 0xd75u
#define SMMU_GBPA_ABORT (1u << 20)
#define SMMU_GBPA_UPDATE (1u << 31)
#define SMMU_IRQ_GERROR (1u << 0)
#define SMMU_IRQ_EVENTQ (1u << 2)
#define SMMU_GERROR_CMDQ (1u << 0)
#define SMMU_GERROR_EVTQ_ABT (1u << 2)
#define SMMU_Q_WRAP_OVF (1u << 31) /* PROD.OVFLG / CONS.OVACKFLG */
#define SMMU_BASE_RA (1ull << 62)  /* read/write-allocate hint */

/* The driver's sizes: a linear stream table of 2^8 entries (bus 0 of
 * the host bridge; a larger stream ID is out of range and aborted), and
 * queues of 2^6 entries. */
#define SMMU_STREAMS_LOG2 8u
#define SMMU_STREAMS (1u << SMMU_STREAMS_LOG2)
#define SMMU_QUEUE_LOG2 6u
#define SMMU_QUEUE_SIZE (1u << SMMU_QUEUE_LOG2)

/* Stream table entry, Config (bits 3:1) with V (bit 0). */
#define SMMU_STE_V 1ull
#define SMMU_STE_ABORT (0ull << 1)
#define SMMU_STE_S2_ONLY (6ull << 1)

/* Event record types RumKV names. */
#define SMMU_EVT_F_TRANSLATION 0x10u
#define SMMU_EVT_F_ADDR_SIZE 0x11u
#define SMMU_EVT_F_ACCESS 0x12u
#define SMMU_EVT_F_PERMISSION 0x13u

/* Commands (opcode in bits 7:0 of the first word). */
#define SMMU_CMD_CFGI_STE 0x03u
#define SMMU_CMD_CFGI_ALL 0x04u
#define SMMU_CMD_TLBI_EL2_ALL 0x20u
#define SMMU_CMD_TLBI_S12_VMALL 0x28u
#define SMMU_CMD_TLBI_S2_IPA 0x2au
#define SMMU_CMD_TLBI_NSNH_ALL 0x30u
#define SMMU_CMD_SYNC 0x46u

struct smmu_cmd {
	uint64_t w[2];
};

/* A stream table entry that aborts every transaction, recording no
 * event (Config = abort, STE.V = 1). */
static inline void smmu_ste_abort(uint64_t ste[8])
{
	for (unsigned i = 0; i < 8; i++) {
		ste[i] = 0;
	}
	ste[0] = SMMU_STE_V | SMMU_STE_ABORT;
}

/* A stage-2-only stream table entry walking the CPU's own stage-2 tables:
 * `vtcr` is VTCR_EL2 (its T0SZ, SL0, IRGN0, ORGN0, SH0, TG0 and PS fields
 * have the layout of STE.S2T0SZ..S2PS), `root_pa` the tables' root, `vmid`
 * the cell's. Faults are recorded (S2R), not stalled; the access flag is
 * not checked (RumKV's descriptors always have it set anyway). */
static inline void smmu_ste_s2(uint64_t ste[8], uint64_t vtcr, uint64_t root_pa,
			       uint16_t vmid)
{
	uint64_t s2 = vtcr & 0x7ffffull; /* T0SZ .. PS: STE bits 178:160 */

	for (unsigned i = 0; i < 8; i++) {
		ste[i] = 0;
	}
	ste[0] = SMMU_STE_V | SMMU_STE_S2_ONLY;
	ste[1] = 1ull << 44; /* SHCFG: shareability from the device */
	ste[2] = (uint64_t)vmid | s2 << 32 | 1ull << 51 /* S2AA64 */ |
		 1ull << 53 /* S2AFFD */ | 1ull << 58 /* S2R */;
	ste[3] = root_pa & 0x000ffffffffffff0ull; /* S2TTB[51:4] */
}

static inline struct smmu_cmd smmu_cmd_cfgi_ste(uint32_t sid)
{
	return (struct smmu_cmd){
		{SMMU_CMD_CFGI_STE | (uint64_t)sid << 32, 1 /* Leaf */}};
}

/* Every stream's configuration (CFGI_STE_RANGE, Range = 31). */
static inline struct smmu_cmd smmu_cmd_cfgi_all(void)
{
	return (struct smmu_cmd){{SMMU_CMD_CFGI_ALL, 31}};
}

static inline struct smmu_cmd smmu_cmd_tlbi_vmall(uint16_t vmid)
{
	return (struct smmu_cmd){
		{SMMU_CMD_TLBI_S12_VMALL | (uint64_t)vmid << 32, 0}};
}

/* One 4 KiB page of a VMID's stage-2 entries, every level (Leaf = 0:
 * RumKV also unmaps tables). */
static inline struct smmu_cmd smmu_cmd_tlbi_ipa(uint16_t vmid, uint64_t ipa)
{
	return (struct smmu_cmd){{SMMU_CMD_TLBI_S2_IPA | (uint64_t)vmid << 32,
				  ipa & 0x000ffffffffff000ull}};
}

static inline struct smmu_cmd smmu_cmd_op(uint32_t op)
{
	return (struct smmu_cmd){{op, 0}};
}

/* CMD_SYNC without a signal (CS = SIG_NONE): complete when CONS has
 * moved past it. */
static inline struct smmu_cmd smmu_cmd_sync(void)
{
	return (struct smmu_cmd){{SMMU_CMD_SYNC, 0}};
}

/* The queue base register: address with RA/WA and log2 of the entries. */
static inline uint64_t smmu_queue_base(uint64_t pa, unsigned log2)
{
	return SMMU_BASE_RA | (pa & 0x000fffffffffffe0ull) | log2;
}

/* A queue index after `idx`: log2 index bits plus the wrap bit above. */
static inline uint32_t smmu_q_next(uint32_t idx, unsigned log2)
{
	uint32_t mask = (2u << log2) - 1;

	return (idx & ~mask) | ((idx + 1) & mask);
}

/* Event record fields. */
static inline uint32_t smmu_evt_type(const uint64_t e[4])
{
	return (uint32_t)(e[0] & 0xff);
}

static inline uint32_t smmu_evt_sid(const uint64_t e[4])
{
	return (uint32_t)(e[0] >> 32);
}

static inline int smmu_evt_write(const uint64_t e[4])
{
	return ((e[1] >> 35) & 1) == 0; /* RnW: 0 = write */
}

/* The input address: for a stage-2-only stream, the IPA. */
static inline uint64_t smmu_evt_addr(const uint64_t e[4])
{
	return e[2];
}

#endif /* AARCH64_SMMUV3_H */
