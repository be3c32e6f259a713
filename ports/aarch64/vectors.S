/* SPDX-License-Identifier: MIT */
/*
 * EL2 exception vectors and the way into and out of a cell. Resident.
 *
 * Every exception from a cell starts on an empty stack (SP_EL2 is at the
 * top of the core's stack whenever a cell runs) and ends with ERET, so
 * nothing survives between traps but what is in struct rumkv_core. There
 * is no guest state to switch: a core only ever runs one vcore.
 *
 * The table is 2 KiB, but RumKV never takes exceptions from EL2 with SP0
 * (0x000-0x1ff) nor from AArch32 (0x600-0x7ff, impossible with
 * HCR_EL2.RW=1): the shared exit path and the guest entry live in the
 * first hole, so the table costs little more than the code it holds.
 */
#include "asm-offsets.h"

#define FRAME_SIZE (32 * 8)

/* Saves x0..x30 into a frame at the top of the stack. */
.macro save_frame
	sub	sp, sp, #FRAME_SIZE
	stp	x0, x1, [sp, #16 * 0]
	stp	x2, x3, [sp, #16 * 1]
	stp	x4, x5, [sp, #16 * 2]
	stp	x6, x7, [sp, #16 * 3]
	stp	x8, x9, [sp, #16 * 4]
	stp	x10, x11, [sp, #16 * 5]
	stp	x12, x13, [sp, #16 * 6]
	stp	x14, x15, [sp, #16 * 7]
	stp	x16, x17, [sp, #16 * 8]
	stp	x18, x19, [sp, #16 * 9]
	stp	x20, x21, [sp, #16 * 10]
	stp	x22, x23, [sp, #16 * 11]
	stp	x24, x25, [sp, #16 * 12]
	stp	x26, x27, [sp, #16 * 13]
	stp	x28, x29, [sp, #16 * 14]
	str	x30, [sp, #16 * 15]
.endm

	.section .text.vectors, "ax"
	.balign 2048
	.global rumkv_vectors
rumkv_vectors:

/* ---- 0x000: (current EL, SP0: never taken) shared code ---------------- */

/* Restores the frame at the top of the stack and returns to the cell. */
exit_to_cell:
	ldp	x2, x3, [sp, #16 * 1]
	ldp	x4, x5, [sp, #16 * 2]
	ldp	x6, x7, [sp, #16 * 3]
	ldp	x8, x9, [sp, #16 * 4]
	ldp	x10, x11, [sp, #16 * 5]
	ldp	x12, x13, [sp, #16 * 6]
	ldp	x14, x15, [sp, #16 * 7]
	ldp	x16, x17, [sp, #16 * 8]
	ldp	x18, x19, [sp, #16 * 9]
	ldp	x20, x21, [sp, #16 * 10]
	ldp	x22, x23, [sp, #16 * 11]
	ldp	x24, x25, [sp, #16 * 12]
	ldp	x26, x27, [sp, #16 * 13]
	ldp	x28, x29, [sp, #16 * 14]
	ldr	x30, [sp, #16 * 15]
	ldp	x0, x1, [sp, #16 * 0]
	add	sp, sp, #FRAME_SIZE
	eret

/*
 * void aarch64_enter_cell(uint64_t entry, uint64_t arg, uint64_t stack_top)
 * Enters the cell at `entry` in EL1h with D, A, I, F masked, x0 = arg and
 * every other general register zero (nothing of RumKV's leaks in).
 */
	.global aarch64_enter_cell
aarch64_enter_cell:
	msr	elr_el2, x0
	mov	x0, #0x3c5
	msr	spsr_el2, x0
	sub	sp, x2, #FRAME_SIZE
	mov	x0, sp
1:	stp	xzr, xzr, [x0], #16
	cmp	x0, x2
	b.lo	1b
	str	x1, [sp]
	b	exit_to_cell

/* The IRQ vector's slow path: hands the INTID to C with a full frame. */
irq_slow:
	mrs	x1, tpidr_el2
	str	w0, [x1, #CORE_IRQ_INTID]
	ldp	x2, x3, [sp, #16]
	ldp	x0, x1, [sp], #32
	save_frame
	bl	aarch64_trap_irq
	b	exit_to_cell

/* ---- 0x200: current EL with SP_EL2: a fault inside RumKV itself ------- */
	.org	0x200
	b	el2_fault
	.org	0x280
	b	el2_fault
	.org	0x300
	b	el2_fault
	.org	0x380
	b	el2_fault

/* ---- 0x400: lower EL, AArch64: the cell ------------------------------- */
	.org	0x400
el1_sync:
	save_frame
	mov	x0, sp
	bl	aarch64_trap_sync
	b	exit_to_cell

/*
 * IRQ fast path: a physical interrupt that belongs to the cell on this
 * core becomes a hardware-linked virtual interrupt in a free list
 * register. The cell's EOI then deactivates the physical one without
 * RumKV. SGIs (a RumKV kick or a cell's IPI), the maintenance interrupt,
 * the console UART and a full set of list registers go to C.
 */
	.org	0x480
el1_irq:
	stp	x0, x1, [sp, #-32]!
	stp	x2, x3, [sp, #16]
	mrs	x0, icc_iar1_el1
	cmp	x0, #16
	b.lo	irq_slow
	cmp	x0, #25			/* GIC_PPI_MAINTENANCE */
	b.eq	irq_slow
	adrp	x1, aarch64_console_irq
	ldr	w1, [x1, :lo12:aarch64_console_irq]
	cmp	x0, x1
	b.eq	irq_slow
	cmp	x0, #1020
	b.hs	irq_done		/* spurious */
	mrs	x1, ich_elrsr_el2
	cbz	x1, irq_slow
	rbit	x1, x1
	clz	x1, x1
	mrs	x2, icc_rpr_el1		/* the priority it was acknowledged at */
	msr	icc_eoir1_el1, x0	/* priority drop only: EOImode = 1 */
	orr	x3, x0, x0, lsl #32	/* vINTID = pINTID */
	bfi	x3, x2, #48, #8
	movz	x2, #0x7000, lsl #48	/* pending, HW, group 1 */
	orr	x3, x3, x2
	adr	x2, lr_write
	add	x2, x2, x1, lsl #3
	br	x2

/* ---- 0x500: FIQ (no group 0 interrupts are configured) and SError ----- */
	.org	0x500
	save_frame
	mov	x0, sp
	bl	aarch64_trap_unexpected

	.org	0x580
	save_frame
	mov	x0, sp
	bl	aarch64_trap_serror

/* ---- 0x600: lower EL, AArch32: impossible with HCR_EL2.RW = 1 --------- */
	.org	0x600
	b	el2_fault
	.org	0x680
	b	el2_fault
	.org	0x700
	b	el2_fault
	.org	0x780
	b	el2_fault
	.org	0x800

/* Writes x3 to ICH_LR<n>_EL2: one 8-byte entry per list register. */
lr_write:
	.irp	n, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15
	msr	ich_lr\n\()_el2, x3
	b	irq_done
	.endr
irq_done:
	mrs	x1, tpidr_el2
	ldr	x2, [x1, #CORE_EXITS]
	add	x2, x2, #1
	str	x2, [x1, #CORE_EXITS]
	ldp	x2, x3, [sp, #16]
	ldp	x0, x1, [sp], #32
	eret

el2_fault:
	save_frame
	mov	x0, sp
	bl	aarch64_trap_el2
