/* SPDX-License-Identifier: MIT */
/*
 * EL2 exception vectors and the way into and out of a cell. Resident.
 *
 * Every exception from a cell starts on an empty stack (SP_EL2 is at the
 * top of the core's stack whenever a cell runs) and ends with ERET, so
 * nothing survives between traps but what is in struct rumkv_core. There
 * is no guest state to switch: a core only ever runs one vcore.
 *
 * A trap saves only what the code it runs may clobber: C functions keep
 * x19..x29 (AAPCS64), so the cell's values stay in those registers unless
 * a handler must read or write any register by number (an emulated load
 * or store, a system register write): only that path saves them into the
 * frame, and restores them from it.
 *
 * The table is 2 KiB, but RumKV never takes exceptions from EL2 with SP0
 * (0x000-0x1ff: RumKV runs on SP_EL2 from reset on) nor from AArch32
 * (0x600-0x7ff: with HCR_EL2.RW = 1 the level below EL2 is AArch64, and
 * exceptions from an AArch32 EL0 use the AArch64 entries), and a vector
 * that is taken needs only its first instruction at its slot. So the
 * table holds the rest of RumKV's assembly in those gaps, and the last
 * vector (SError from the cell) runs on into the pieces that fit no gap:
 * whatever the linker puts next (compiled code) occupies the rest of the
 * table's 2 KiB. Each piece is placed with .org, which fails the build
 * if a piece outgrows its gap.
 */
#include "asm-offsets.h"

#define FRAME_SIZE (32 * 8)	/* struct trap_frame: x0..x30, XZR */
#define ESR_EC_HVC64 0x16
#define GIC_PPI_MAINTENANCE 25
#define GIC_SPURIOUS 1020

/* Saves x2..x18 and x30 into the frame that holds x0, x1 at its start:
 * with them, every register a C call may clobber. Slot 31 stands for XZR
 * (struct trap_frame): zero, never restored. */
.macro save_x2_x18_x30
	stp	x2, x3, [sp, #16 * 1]
	stp	x4, x5, [sp, #16 * 2]
	stp	x6, x7, [sp, #16 * 3]
	stp	x8, x9, [sp, #16 * 4]
	stp	x10, x11, [sp, #16 * 5]
	stp	x12, x13, [sp, #16 * 6]
	stp	x14, x15, [sp, #16 * 7]
	stp	x16, x17, [sp, #16 * 8]
	str	x18, [sp, #16 * 9]
	stp	x30, xzr, [sp, #16 * 15]
.endm

/* Saves x19..x29, which C keeps, into the frame. */
.macro save_x19_x29
	str	x19, [sp, #16 * 9 + 8]
	stp	x20, x21, [sp, #16 * 10]
	stp	x22, x23, [sp, #16 * 11]
	stp	x24, x25, [sp, #16 * 12]
	stp	x26, x27, [sp, #16 * 13]
	stp	x28, x29, [sp, #16 * 14]
.endm

/*
 * x1 = the hardware-linked list register value for INTID x0 at the
 * priority it was acknowledged at (pending, HW, group 1, vINTID =
 * pINTID), after dropping its running priority (EOImode = 1: the cell's
 * EOI deactivates it).
 */
.macro lr_value
	mrs	x1, icc_rpr_el1
	msr	icc_eoir1_el1, x0
	orr	x1, x1, #0x7000		/* state pending, HW, group 1 */
	orr	x1, x0, x1, lsl #48	/* priority, bits 55:48 */
	orr	x1, x1, x0, lsl #32	/* pINTID */
.endm

	.section .text.vectors, "ax"
	.balign 2048
	.global rumkv_vectors
rumkv_vectors:

/* ---- 0x000: current EL with SP0: never taken; shared code ------------- */

/* Restores the whole frame at the top of the stack and returns to the
 * cell. */
exit_to_cell:
	ldr	x19, [sp, #16 * 9 + 8]
	ldp	x20, x21, [sp, #16 * 10]
	ldp	x22, x23, [sp, #16 * 11]
	ldp	x24, x25, [sp, #16 * 12]
	ldp	x26, x27, [sp, #16 * 13]
	ldp	x28, x29, [sp, #16 * 14]
	/* Paths that left x19..x29 in their registers return here. */
exit_volatile:
	ldp	x2, x3, [sp, #16 * 1]
	ldp	x4, x5, [sp, #16 * 2]
	ldp	x6, x7, [sp, #16 * 3]
	ldp	x8, x9, [sp, #16 * 4]
	ldp	x10, x11, [sp, #16 * 5]
	ldp	x12, x13, [sp, #16 * 6]
	ldp	x14, x15, [sp, #16 * 7]
	ldp	x16, x17, [sp, #16 * 8]
	ldr	x18, [sp, #16 * 9]
	ldr	x30, [sp, #16 * 15]
	/* The IRQ fast path saves and restores only x0 and x1. */
irq_done:
	ldp	x0, x1, [sp], #FRAME_SIZE
	eret

/*
 * uint64_t gic_lr_read(unsigned n), void gic_lr_write(unsigned n,
 * uint64_t v): ICH_LR<n>_EL2 is named by the instruction, so each reaches
 * its register through a table of one MRS or MSR per list register (GICv3
 * has at most 16). Out of range: reads 0, writes nothing. The IRQ path
 * uses the write table directly.
 */
	.global gic_lr_read
gic_lr_read:
	cmp	w0, #16
	b.hs	1f
	adr	x1, lr_read_table
	add	x1, x1, w0, uxtw #3
	br	x1
1:	mov	x0, #0
	ret
lr_read_table:
	.irp	n, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15
	mrs	x0, ich_lr\n\()_el2
	ret
	.endr

	.global gic_lr_write
gic_lr_write:
	cmp	w0, #16
	b.hs	1f
	adr	x2, lr_write_table
	add	x2, x2, w0, uxtw #3
	br	x2
1:	ret
/* Entry n writes x1 to ICH_LR<n>_EL2. */
lr_write_table:
	.irp	n, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15
	msr	ich_lr\n\()_el2, x1
	ret
	.endr

/*
 * Port functions that are single instructions or loops around one: as
 * plain here as in C, and here they fill a gap of the table.
 */

/* struct rumkv_core *port_core_self(void): kept in TPIDR_EL2. */
	.global port_core_self
port_core_self:
	mrs	x0, tpidr_el2
	ret

/* void port_cpu_relax(void): YIELD lets QEMU (under -icount) or an SMT
 * sibling run the core this one waits for. */
	.global port_cpu_relax
port_cpu_relax:
	yield
	ret

/* void port_system_off(void): the platform firmware's PSCI SYSTEM_OFF. */
	.global port_system_off
port_system_off:
	mov	w0, #0x0008
	movk	w0, #0x8400, lsl #16
	smc	#0
1:	wfe
	b	1b

/* void port_cache_clean_range(const void *va, size_t size): DC CVAC by
 * line (CTR_EL0.DminLine), to the point of coherency. */
	.global port_cache_clean_range
port_cache_clean_range:
	mrs	x2, ctr_el0
	ubfx	x2, x2, #16, #4
	mov	x3, #4
	lsl	x2, x3, x2		/* line size in bytes */
	add	x1, x0, x1		/* end */
	sub	x3, x2, #1
	bic	x0, x0, x3
	cmp	x0, x1
	b.hs	2f
1:	dc	cvac, x0		/* four instructions a line: images are big */
	add	x0, x0, x2
	cmp	x0, x1
	b.lo	1b
2:	dsb	sy
	ret

/* ---- 0x200: current EL with SP_EL2: a fault inside RumKV itself ------- */
	.org	0x200
el2_fault:
	/* Reported with the LR of the code that faulted; never returns. */
	mov	x0, x30
	bl	aarch64_trap_el2

/*
 * A synchronous exception other than HVC (see 0x400), with x0 = the
 * core, x1 = the frame, x2 = ESR_EL2: its handler may read or write any
 * of the cell's registers, so the frame gets all of them.
 */
sync_other:
	save_x19_x29
	bl	aarch64_trap_sync
	b	exit_to_cell

/* The rest of aarch64_enter_cell (see 0x300). */
enter_cell_frame:
	tlbi	vmalls12e1
	ic	iallu
	dsb	nsh
	isb
	msr	elr_el2, x0
	mov	x0, #0x3c5		/* EL1h, D, A, I, F masked */
	msr	spsr_el2, x0
	sub	sp, x2, #FRAME_SIZE
	mov	x0, sp
1:	stp	xzr, xzr, [x0], #16
	cmp	x0, x2
	b.lo	1b
	str	x1, [sp]
	b	exit_to_cell

	.org	0x280
	b	el2_fault

/*
 * The IRQ vector's slow path, with x0 = INTID (or a spurious one) and
 * x0, x1 saved: completes the frame and hands the INTID to C.
 */
irq_slow:
	save_x2_x18_x30
	mov	w1, w0
	mrs	x0, tpidr_el2
	bl	gic_irq_slow
	b	exit_volatile

	.org	0x300
	b	el2_fault

/*
 * void aarch64_enter_cell(uint64_t entry, uint64_t arg, uint64_t stack_top)
 * Enters the cell at `entry` in EL1h with D, A, I, F masked, x0 = arg and
 * every other general register zero (nothing of RumKV's leaks in), every
 * EL1 register a guest can observe at its reset value (a restarted cell
 * starts from the same state as the first time), and nothing in the
 * core's TLBs (for the VMID in VTTBR_EL2) or instruction cache from an
 * earlier run of the cell. A list of MSRs: as plain here as in C, and
 * here it fills a gap of the table.
 */
	.global aarch64_enter_cell
aarch64_enter_cell:
	mov	x3, #0x0800		/* SCTLR_EL1_RESET: MMU, caches off */
	movk	x3, #0x30d0, lsl #16
	msr	sctlr_el1, x3
	.irp	reg, tcr_el1, ttbr0_el1, ttbr1_el1, mair_el1, amair_el1, \
		vbar_el1, contextidr_el1, cpacr_el1, tpidr_el1, tpidr_el0, \
		tpidrro_el0, sp_el0, sp_el1, elr_el1, spsr_el1, esr_el1, \
		far_el1, afsr0_el1, afsr1_el1, par_el1, csselr_el1, \
		cntkctl_el1, cntv_ctl_el0, cntp_ctl_el0, cntv_cval_el0, \
		cntp_cval_el0
	msr	\reg, xzr
	.endr
	b	enter_cell_fp

	.org	0x380
	b	el2_fault

/*
 * The IRQ fast path (see 0x480) found list register 0 busy: x0 = INTID,
 * x1 = ICH_ELRSR_EL2. The first free one is written through
 * lr_write_table, whose entries return: the cell's x30 waits in x2. With
 * none free, C queues the interrupt.
 */
irq_other_lr:
	cbz	x1, irq_slow
	stp	x2, x3, [sp, #16 * 1]
	rbit	x1, x1
	clz	x2, x1
	adr	x3, lr_write_table
	add	x3, x3, x2, lsl #3
	lr_value
	mov	x2, x30
	blr	x3
	mov	x30, x2
	ldp	x2, x3, [sp, #16 * 1]
	b	irq_done

/* ---- 0x400: lower EL, AArch64: the cell ------------------------------- */
/*
 * Every trap counts as one exit of the core. HVC, the hot path, goes to
 * C with the registers a call may clobber saved (SMCCC calls take and
 * return values in x0..x17 only); everything else saves the rest of the
 * frame first (sync_other).
 */
	.org	0x400
el1_sync:
	stp	x0, x1, [sp, #-FRAME_SIZE]!
	save_x2_x18_x30
	mrs	x0, tpidr_el2
	ldr	x1, [x0, #CORE_EXITS]
	add	x1, x1, #1
	str	x1, [x0, #CORE_EXITS]
	mov	x1, sp
	mrs	x2, esr_el2
	ubfx	x3, x2, #26, #6
	cmp	x3, #ESR_EC_HVC64
	b.ne	sync_other
	bl	aarch64_smccc
	b	exit_volatile

/*
 * IRQ fast path: a physical interrupt that belongs to the cell on this
 * core becomes a hardware-linked virtual interrupt in a free list
 * register (list register 0 first: a cell rarely has more than one
 * interrupt in flight). The cell's EOI then deactivates the physical one
 * without RumKV. SGIs (a RumKV kick or a cell's IPI), the maintenance
 * interrupt, the console UART, spurious INTIDs and a full set of list
 * registers go to C.
 */
	.org	0x480
el1_irq:
	stp	x0, x1, [sp, #-FRAME_SIZE]!
	mrs	x0, tpidr_el2
	ldr	x1, [x0, #CORE_EXITS]
	add	x1, x1, #1
	str	x1, [x0, #CORE_EXITS]
	adrp	x1, aarch64_console_irq
	ldr	w1, [x1, :lo12:aarch64_console_irq]
	mrs	x0, icc_iar1_el1
	/* Carry clear ("lo") for any of: spurious, the console UART's,
	 * the maintenance interrupt, an SGI. */
	cmp	x0, #GIC_SPURIOUS
	ccmp	x0, x1, #0b0100, lo
	ccmp	x0, #GIC_PPI_MAINTENANCE, #0b0100, ne
	ccmp	x0, #16, #0b0000, ne
	b.lo	irq_slow
	mrs	x1, ich_elrsr_el2
	tbz	x1, #0, irq_other_lr
	lr_value
	msr	ich_lr0_el2, x1
	ldp	x0, x1, [sp], #FRAME_SIZE
	eret

/* ---- 0x500: FIQ (no group 0 interrupts are configured) and SError ----- */
/* Neither is the cell's doing as far as RumKV can tell: both return to
 * it (see aarch64_trap_fiq and aarch64_trap_serror), so they save what a
 * C call may clobber. */
	.org	0x500
	stp	x0, x1, [sp, #-FRAME_SIZE]!
	b	fiq_lower

/*
 * The barriers of the mapping engine's ops (struct rumkv_pt_ops) for
 * RumKV's own EL2 tables (mmu.c) and, publish only, the cells' stage-2
 * tables (stage2.c).
 *
 * void aarch64_pt_publish(void *owner): table writes visible to the
 * walkers of every core before a new entry is used.
 */
	.global aarch64_pt_publish
aarch64_pt_publish:
	dsb	ishst
	ret

/* void aarch64_el2_invalidate(void *owner, uint64_t in, uint64_t size):
 * RumKV's tables changed (only ever to drop boot-only code): every core
 * drops all its EL2 entries. */
	.global aarch64_el2_invalidate
aarch64_el2_invalidate:
	dsb	ishst
	tlbi	alle2is
	dsb	ish
	isb
	ret

	.org	0x580
	stp	x0, x1, [sp, #-FRAME_SIZE]!
	save_x2_x18_x30
	mrs	x0, tpidr_el2
	mrs	x1, esr_el2
	bl	aarch64_trap_serror
	b	exit_volatile

fiq_lower:
	save_x2_x18_x30
	mrs	x0, tpidr_el2
	bl	aarch64_trap_fiq
	b	exit_volatile

/*
 * The end of aarch64_enter_cell: the FP/SIMD registers and their control
 * and status at their reset values (zero), so nothing a previous run of
 * the cell left there survives into the next. RumKV itself never uses
 * them (-mgeneral-regs-only), and CPTR_EL2 does not trap them.
 */
enter_cell_fp:
	.irp	n, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, \
		16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31
	movi	v\n\().2d, #0
	.endr
	msr	fpcr, xzr
	msr	fpsr, xzr
	b	enter_cell_frame

/* ---- compiled code follows ------------------------------------------- */
