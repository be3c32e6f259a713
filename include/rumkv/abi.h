/* SPDX-License-Identifier: MIT */
/*
 * RumKV guest ABI: the one header a guest includes, as-is.
 *
 * It depends only on <stdint.h> so that freestanding guests, Linux drivers
 * and host tools can all use it. Nothing here changes without bumping
 * RUMKV_ABI_VERSION_MAJOR.
 *
 * Calling convention. A hypercall passes a function ID and up to seven
 * 64-bit arguments and returns a signed status and up to three results:
 *
 *   AArch64: SMCCC v1.1 fast call, `hvc #0` (an `smc #0` is handled the
 *            same way). Function ID in w0, arguments in x1..x7, status in
 *            x0, results in x1..x3. x4..x17 are preserved.
 *   RISC-V:  SBI call, EID RUMKV_SBI_EID in a7, function number in a6,
 *            arguments in a0..a5; status in a0, result in a1.
 *   x86_64:  vmmcall, function number in rax, arguments in rdi, rsi, rdx,
 *            r10, r8, r9; status in rax, results in rdi, rsi, rdx.
 *
 * The function numbers (RUMKV_HC_*) are the same on every ISA.
 */
#ifndef RUMKV_ABI_H
#define RUMKV_ABI_H

#include <stdint.h>

#define RUMKV_ABI_VERSION_MAJOR 1
#define RUMKV_ABI_VERSION_MINOR 1
#define RUMKV_ABI_VERSION \
	((RUMKV_ABI_VERSION_MAJOR << 16) | RUMKV_ABI_VERSION_MINOR)

/* ------------------------------------------------------------------------
 * Function numbers.
 */

/* Returns RUMKV_ABI_VERSION in the status register. Has no effect: it is
 * the "null hypercall" that benchmarks time. */
#define RUMKV_HC_VERSION 0x0000u

/* Writes bytes to the cell's console. arg0 = byte count (0..48); the bytes
 * follow packed little-endian in arg1..arg6 (byte 0 is the low byte of
 * arg1). RumKV prefixes every line with the cell's name and never
 * interleaves the lines of different cores or cells. Bytes outside
 * printable ASCII, other than '\n' and '\t', are shown as '.'.
 * Returns the byte count. Needs RUMKV_RIGHT_CONSOLE. */
#define RUMKV_HC_CONSOLE_WRITE 0x0001u
#define RUMKV_CONSOLE_WRITE_MAX 48u

/* Narrows the cell's rights to arg0 (a RUMKV_RIGHT_* set). arg0 must be a
 * subset of the rights the cell holds: naming any right it does not hold
 * terminates the cell (the call does not return). On return, on every
 * core of the cell, the dropped devices are unmapped, their interrupts
 * are no longer delivered and their DMA is stopped. Returns 0. */
#define RUMKV_HC_PLEDGE 0x0002u

/* Describes the calling core: result0 = cell index, result1 = the core's
 * index within its cell (its PSCI/MPIDR number as the cell sees it),
 * result2 = the physical core's hardware ID (MPIDR affinity on AArch64).
 * Returns 0. */
#define RUMKV_HC_CORE_INFO 0x0003u

/* Returns 0 with result0 = the guest address of the read-only status page
 * (struct rumkv_status_page). */
#define RUMKV_HC_STATUS_PAGE 0x0004u

/* Trap counters for benchmarks: result0 = traps to RumKV taken on the
 * calling core, result1 = the sum over the calling cell's cores. Only the
 * caller's own cell is visible: other cells' counters would be a covert
 * channel. Returns 0. */
#define RUMKV_HC_STATS 0x0005u

/* Rings channel arg0's doorbell: makes the channel's interrupt pending
 * in the other cell of the channel (on the core that cell routed it to).
 * Other arguments are ignored. Needs the channel's right (its guest
 * device tree's /hypervisor/channels/<name>). Returns 0; INVALID_PARAMETER
 * if the calling cell is not in channel arg0 (or there is no such
 * channel): nothing is raised anywhere; DENIED if the peer is not running
 * (ended, or restarting) or has pledged the channel away: nothing is
 * raised. Ringing a channel whose right the cell has pledged away ends
 * the cell (RUMKV_REASON_RIGHT_REVOKED). */
#define RUMKV_HC_DOORBELL 0x0006u

#define RUMKV_HC_COUNT 0x0007u

/* AArch64 SMCCC function IDs: fast calls, SMC64, owner 6 (vendor-specific
 * hypervisor service). */
#define RUMKV_SMCCC_ID(fn) (0xC6000000u | (fn))
/* SMCCC service queries of the same owner (SMC32 fast calls). */
#define RUMKV_SMCCC_CALL_COUNT 0x8600FF00u
#define RUMKV_SMCCC_UID 0x8600FF01u
#define RUMKV_SMCCC_REVISION 0x8600FF03u
/* RumKV's UID, returned in w0..w3 by RUMKV_SMCCC_UID:
 * 4b4d5552-5652-4b4d-9e5a-1c3d5b7f0001 */
#define RUMKV_UID_W0 0x4b4d5552u
#define RUMKV_UID_W1 0x4b4d5652u
#define RUMKV_UID_W2 0x3d1c5a9eu
#define RUMKV_UID_W3 0x01007f5bu

/* RISC-V SBI extension ID (from the firmware-specific range). */
#define RUMKV_SBI_EID 0x0A52564Bu

/* ------------------------------------------------------------------------
 * Status values. SMCCC's values where SMCCC defines one.
 */
#define RUMKV_RET_SUCCESS 0
#define RUMKV_RET_NOT_SUPPORTED (-1) /* unknown function ID */
#define RUMKV_RET_INVALID_PARAMETER (-3)
#define RUMKV_RET_DENIED (-4) /* not allowed in the current state */

/* ------------------------------------------------------------------------
 * Rights. A cell holds a set of rights (a 64-bit mask). Each device, shared
 * memory region and console of a cell needs one right; the partition says
 * which. Bits 0..15 are the classes below; bits 16..63 are named by the
 * partition for single devices (the guest's device tree lists them under
 * /hypervisor/rights).
 */
#define RUMKV_RIGHT_CONSOLE (1ull << 0) /* console hypercall, virtual UART */
#define RUMKV_RIGHT_NET (1ull << 1)	/* network controllers */
#define RUMKV_RIGHT_BLOCK (1ull << 2)	/* disks and other block storage */
#define RUMKV_RIGHT_IPC (1ull << 3)	/* memory shared with other cells */
#define RUMKV_RIGHT_RNG (1ull << 4)	/* entropy sources */
#define RUMKV_RIGHT_RTC (1ull << 5)	/* real-time clocks */
#define RUMKV_RIGHT_GPIO (1ull << 6)	/* GPIO and other pins */
#define RUMKV_RIGHT_OTHER (1ull << 7)	/* any other device */
#define RUMKV_RIGHT_FIRST_CUSTOM 16u

/* "Compute only": no device, no shared memory; only the console remains,
 * so that the cell can still report its results. */
#define RUMKV_RIGHTS_COMPUTE_ONLY RUMKV_RIGHT_CONSOLE

/* ------------------------------------------------------------------------
 * Cell states and termination reasons, as the status page shows them.
 */
#define RUMKV_CELL_CONFIGURED 0u
#define RUMKV_CELL_RUNNING 1u
#define RUMKV_CELL_TERMINATED 2u
#define RUMKV_CELL_RESTARTING 3u

#define RUMKV_REASON_NONE 0u
#define RUMKV_REASON_SYSTEM_OFF 1u   /* the cell asked to power off */
#define RUMKV_REASON_SYSTEM_RESET 2u /* the cell asked to reset */
#define RUMKV_REASON_STAGE2_FAULT 3u /* access outside its memory/devices */
#define RUMKV_REASON_PLEDGE_WIDEN 4u /* asked for a right it does not hold */
#define RUMKV_REASON_RIGHT_REVOKED \
	5u /* used a hypercall needing a dropped right */
#define RUMKV_REASON_TRAPPED_INSN 6u  /* executed an instruction it may not */
#define RUMKV_REASON_BAD_EXCEPTION 7u /* SError or unexpected exception */
#define RUMKV_REASON_BAD_MMIO \
	8u /* emulated device access RumKV cannot decode */
#define RUMKV_REASON_DMA_FAULT \
	9u /* a device of the cell did DMA outside the cell (IOMMU) */

/* ------------------------------------------------------------------------
 * The status page: one read-only 4 KiB page mapped into every cell,
 * written only by RumKV. A reader takes a consistent snapshot with the
 * sequence counter: read it, copy the entries, read it again; retry if it
 * changed or is odd (RumKV is writing).
 */
/* "RUMKVSTA" read as a little-endian 64-bit word. */
#define RUMKV_STATUS_MAGIC 0x415453564b4d5552ull
#define RUMKV_STATUS_VERSION 1u
#define RUMKV_STATUS_MAX_CELLS 32u
#define RUMKV_CELL_NAME_MAX 16u

struct rumkv_status_cell {
	char name[RUMKV_CELL_NAME_MAX]; /* NUL-terminated */
	uint32_t state;			/* RUMKV_CELL_* */
	uint32_t reason;		/* RUMKV_REASON_* of the last end */
	uint32_t restart_count;
	uint32_t core_count;
	uint64_t rights;	 /* rights held now */
	uint64_t initial_rights; /* rights at (re)start */
	uint64_t reserved[2];
};

struct rumkv_status_page {
	uint64_t magic;	  /* RUMKV_STATUS_MAGIC */
	uint32_t version; /* RUMKV_STATUS_VERSION */
	uint32_t cell_count;
	uint64_t sequence; /* odd while RumKV updates the entries */
	uint64_t reserved[5];
	struct rumkv_status_cell cell[RUMKV_STATUS_MAX_CELLS];
};

_Static_assert(sizeof(struct rumkv_status_cell) == 64, "status cell size");
_Static_assert(__builtin_offsetof(struct rumkv_status_cell, state) == 16,
	       "status cell state offset");
_Static_assert(__builtin_offsetof(struct rumkv_status_cell, reason) == 20,
	       "status cell reason offset");
_Static_assert(__builtin_offsetof(struct rumkv_status_cell, restart_count) ==
		       24,
	       "status cell restart_count offset");
_Static_assert(__builtin_offsetof(struct rumkv_status_cell, core_count) == 28,
	       "status cell core_count offset");
_Static_assert(__builtin_offsetof(struct rumkv_status_cell, rights) == 32,
	       "status cell rights offset");
_Static_assert(__builtin_offsetof(struct rumkv_status_cell, initial_rights) ==
		       40,
	       "status cell initial_rights offset");
_Static_assert(__builtin_offsetof(struct rumkv_status_page, magic) == 0,
	       "status magic offset");
_Static_assert(__builtin_offsetof(struct rumkv_status_page, version) == 8,
	       "status version offset");
_Static_assert(__builtin_offsetof(struct rumkv_status_page, cell_count) == 12,
	       "status cell_count offset");
_Static_assert(__builtin_offsetof(struct rumkv_status_page, sequence) == 16,
	       "status sequence offset");
_Static_assert(__builtin_offsetof(struct rumkv_status_page, cell) == 64,
	       "status cell array offset");
_Static_assert(sizeof(struct rumkv_status_page) == 64 + 32 * 64,
	       "status page size");
_Static_assert(sizeof(struct rumkv_status_page) <= 4096,
	       "status page fits one page");

#endif /* RUMKV_ABI_H */
