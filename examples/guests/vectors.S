/* SPDX-License-Identifier: MIT */
/*
 * EL1 exception vectors of the bare-metal guests: IRQs go to
 * guest_irq(); anything else to guest_exception() with its ESR, ELR and
 * FAR. By default that reports it and ends the cell; a guest that wants
 * to survive an exception (the hostile test guest skips UNDEFINED
 * instructions) defines its own guest_exception, which returns where to
 * resume: the saved registers are restored and ELR_EL1 is set to it.
 */
.macro enter kind
	stp	x29, x30, [sp, #-16]!
	stp	x0, x1, [sp, #-16]!
	stp	x2, x3, [sp, #-16]!
	stp	x4, x5, [sp, #-16]!
	stp	x6, x7, [sp, #-16]!
	stp	x8, x9, [sp, #-16]!
	stp	x10, x11, [sp, #-16]!
	stp	x12, x13, [sp, #-16]!
	stp	x14, x15, [sp, #-16]!
	stp	x16, x17, [sp, #-16]!
	stp	x18, xzr, [sp, #-16]!
	mov	x0, #\kind
	b	vector_common
.endm

	.section .text.vectors, "ax"
	.balign 2048
	.global guest_vectors
guest_vectors:
	.org 0x000
	enter 0
	.org 0x080
	enter 1
	.org 0x100
	enter 2
	.org 0x180
	enter 3
	.org 0x200
	enter 0
	.org 0x280
	enter 1
	.org 0x300
	enter 2
	.org 0x380
	enter 3
	.org 0x400
	enter 0
	.org 0x480
	enter 1
	.org 0x500
	enter 2
	.org 0x580
	enter 3
	.org 0x600
	enter 0
	.org 0x680
	enter 1
	.org 0x700
	enter 2
	.org 0x780
	enter 3
	.org 0x800

vector_common:
	cmp	x0, #1
	b.ne	1f
	bl	guest_irq
	b	2f
1:	mrs	x1, esr_el1
	mrs	x2, elr_el1
	mrs	x3, far_el1
	bl	guest_exception
	msr	elr_el1, x0
2:	ldp	x18, xzr, [sp], #16
	ldp	x16, x17, [sp], #16
	ldp	x14, x15, [sp], #16
	ldp	x12, x13, [sp], #16
	ldp	x10, x11, [sp], #16
	ldp	x8, x9, [sp], #16
	ldp	x6, x7, [sp], #16
	ldp	x4, x5, [sp], #16
	ldp	x2, x3, [sp], #16
	ldp	x0, x1, [sp], #16
	ldp	x29, x30, [sp], #16
	eret
