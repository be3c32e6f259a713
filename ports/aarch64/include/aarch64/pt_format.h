/* SPDX-License-Identifier: MIT */
/*
 * The AArch64 translation table formats the mapping engine builds (VMSAv8-64,
 * 4 KiB granule). Pure encode/decode functions: the host tests run them too.
 *
 * Both formats start at architectural level 1, so the engine's levels 0, 1
 * and 2 are Arm's levels 1 (1 GiB blocks), 2 (2 MiB blocks) and 3 (pages).
 */
#ifndef AARCH64_PT_FORMAT_H
#define AARCH64_PT_FORMAT_H

#include <rumkv/paging.h>

/*
 * A cell's stage 2: 40-bit IPA, walk starting at level 1 with two
 * concatenated root tables (8 KiB, 8 KiB aligned). VTCR_EL2 must match:
 * T0SZ = 24, SL0 = 1, TG0 = 4 KiB. Device memory is Device-nGnRE and never
 * executable, so it decodes without RUMKV_ATTR_X.
 */
#define AARCH64_STAGE2_T0SZ 24u
#define AARCH64_STAGE2_SL0 1u
extern const struct rumkv_pt_format aarch64_stage2_format;

/*
 * RumKV's own EL2 stage 1 (E2H = 0): 39-bit VA, walk starting at level 1.
 * TCR_EL2 must have T0SZ = 25, TG0 = 4 KiB and MAIR_EL2 the value below.
 * This regime cannot make a mapping unreadable: every leaf decodes with
 * RUMKV_ATTR_R, whatever it was mapped with.
 */
#define AARCH64_EL2_T0SZ 25u
#define AARCH64_MAIR_ATTR_NORMAL_WB 0xffull /* AttrIndx 0 */
#define AARCH64_MAIR_ATTR_DEVICE 0x04ull    /* AttrIndx 1: Device-nGnRE */
#define AARCH64_MAIR_EL2 \
	(AARCH64_MAIR_ATTR_NORMAL_WB | (AARCH64_MAIR_ATTR_DEVICE << 8))
extern const struct rumkv_pt_format aarch64_el2_format;

#endif /* AARCH64_PT_FORMAT_H */
