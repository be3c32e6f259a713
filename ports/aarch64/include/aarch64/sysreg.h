/* SPDX-License-Identifier: MIT */
/*
 * AArch64 system registers and the bits RumKV uses, from the Arm ARM
 * (DDI 0487). Only what the port needs; each constant names its register.
 */
#ifndef AARCH64_SYSREG_H
#define AARCH64_SYSREG_H

#include <stdint.h>

/* The accessors (MRS/MSR, barriers) are in their own header so that a
 * host build of the port's guest-facing code can model the registers. */
#include <aarch64/sysreg_access.h>

/* HCR_EL2: what a cell's EL1 may do without RumKV. */
#define HCR_VM (1ull << 0)   /* stage-2 translation on */
#define HCR_SWIO (1ull << 1) /* set/way invalidate becomes clean+invalidate */
#define HCR_FMO (1ull << 3)  /* physical FIQs to EL2, virtual FIQs to EL1 */
#define HCR_IMO (1ull << 4)  /* physical IRQs to EL2, virtual IRQs to EL1 */
#define HCR_AMO (1ull << 5)  /* SErrors to EL2 */
#define HCR_VSE (1ull << 8)  /* a virtual SError is pending for EL1 */
#define HCR_BSU_IS (1ull << 10) /* barriers upgraded to inner shareable */
#define HCR_TSC (1ull << 19)	/* SMC traps to EL2 */
#define HCR_TIDCP (1ull << 20)	/* implementation-defined registers trap */
#define HCR_TACR (1ull << 21)	/* ACTLR_EL1 traps */
#define HCR_TSW (1ull << 22)	/* set/way cache maintenance traps */
#define HCR_RW (1ull << 31)	/* EL1 is AArch64 */
#define HCR_TERR (1ull << 36)	/* RAS error record registers trap */
#define HCR_APK (1ull << 40)	/* pointer authentication keys: no trap */
#define HCR_API (1ull << 41)	/* pointer authentication insns: no trap */

/* MDCR_EL2: the core's debug logic is not offered to cells. */
#define MDCR_HPMN_MASK 0x1full
#define MDCR_TDA (1ull << 9)	/* debug registers trap */
#define MDCR_TDOSA (1ull << 10) /* OS lock and power-down registers trap */
#define MDCR_TDRA (1ull << 11)	/* debug ROM address registers trap */
#define MDCR_HPMD (1ull << 17)	/* no PMU counting at EL2 (PMUv3p1) */

/* ESR_EL2 exception classes. */
#define ESR_EC_SHIFT 26
#define ESR_EC_UNKNOWN 0x00
#define ESR_EC_WFX 0x01
#define ESR_EC_FP 0x07
#define ESR_EC_PAC 0x09
#define ESR_EC_ILLEGAL 0x0e
#define ESR_EC_SVC64 0x15
#define ESR_EC_HVC64 0x16
#define ESR_EC_SMC64 0x17
#define ESR_EC_SYSREG 0x18
#define ESR_EC_SVE 0x19
#define ESR_EC_IABT_LOW 0x20
#define ESR_EC_PC_ALIGN 0x22
#define ESR_EC_DABT_LOW 0x24
#define ESR_EC_SP_ALIGN 0x26
#define ESR_EC_SERROR 0x2f
#define ESR_EC_BRK 0x3c
#define ESR_IL (1ull << 25)
#define ESR_ISS_MASK 0x1ffffffull

/* Data abort ISS fields. */
#define DABT_ISV (1u << 24)
#define DABT_SAS_SHIFT 22
#define DABT_SSE (1u << 21)
#define DABT_SRT_SHIFT 16
#define DABT_SF (1u << 15)
#define DABT_WNR (1u << 6)
#define DABT_S1PTW (1u << 7)
#define DABT_FSC_MASK 0x3fu

/* SPSR for entering a cell: EL1h, D, A, I and F masked. */
#define SPSR_EL1H_MASKED 0x3c5ull

/* SCTLR_EL1 architectural reset value for RumKV's purposes: MMU and
 * caches off, RES1 bits set. (aarch64_enter_cell in vectors.S loads it.) */
#define SCTLR_EL1_RESET 0x30d00800ull

/* SCTLR_EL2: MMU, data cache, stack alignment check, instruction cache,
 * write-implies-never-execute, RES1 bits. */
#define SCTLR_EL2_M (1ull << 0)
#define SCTLR_EL2_C (1ull << 2)
#define SCTLR_EL2_SA (1ull << 3)
#define SCTLR_EL2_I (1ull << 12)
#define SCTLR_EL2_WXN (1ull << 19)
#define SCTLR_EL2_RES1 0x30c50830ull

/* CPTR_EL2 (non-VHE): RES1 bits only, FP/SIMD not trapped (one vcore per
 * core: the guest's FP state never needs switching). */
#define CPTR_EL2_DEFAULT 0x33ffull

/* CNTHCTL_EL2: EL1 may read the physical counter and use its physical
 * timer; both belong to the core, and the core belongs to the cell. */
#define CNTHCTL_EL1PCTEN (1ull << 0)
#define CNTHCTL_EL1PCEN (1ull << 1)

/* VTCR_EL2 for the 40-bit IPA, 4 KiB-granule stage-2 format: T0SZ=24,
 * SL0=1 (start at level 1), inner/outer write-back, inner shareable,
 * PS=40 bits. */
#define VTCR_EL2_VALUE                                             \
	((24ull << 0) | (1ull << 6) | (1ull << 8) | (1ull << 10) | \
	 (3ull << 12) | (0ull << 14) | (2ull << 16) | (1ull << 31))

/* TCR_EL2 for the 39-bit EL2 stage-1 format: T0SZ=25, write-back
 * cacheable walks, inner shareable, 4 KiB granule, PS=40 bits. */
#define TCR_EL2_VALUE                                               \
	((25ull << 0) | (1ull << 8) | (1ull << 10) | (3ull << 12) | \
	 (2ull << 16) | (1ull << 23) | (1ull << 31))

/* MPIDR affinity fields. */
#define MPIDR_AFF_MASK 0xff00ffffffull

#endif /* AARCH64_SYSREG_H */
