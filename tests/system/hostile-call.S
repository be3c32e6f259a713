/* SPDX-License-Identifier: MIT */
/*
 * hostile_call(r, stub): loads x0..x17 from r[0..17], runs the one-
 * instruction stub (an HVC or SMC with its immediate, then RET), and
 * stores x0..x17 back to r, so that the hostile guest can check what a
 * call returned and that it preserved x4..x17 (the ABI's promise).
 */
	.text
	.global	hostile_call
	.type	hostile_call, %function
hostile_call:
	stp	x29, x30, [sp, #-32]!
	stp	x19, x20, [sp, #16]
	mov	x19, x0
	mov	x20, x1
	ldp	x0, x1, [x19]
	ldp	x2, x3, [x19, #16]
	ldp	x4, x5, [x19, #32]
	ldp	x6, x7, [x19, #48]
	ldp	x8, x9, [x19, #64]
	ldp	x10, x11, [x19, #80]
	ldp	x12, x13, [x19, #96]
	ldp	x14, x15, [x19, #112]
	ldp	x16, x17, [x19, #128]
	blr	x20
	stp	x0, x1, [x19]
	stp	x2, x3, [x19, #16]
	stp	x4, x5, [x19, #32]
	stp	x6, x7, [x19, #48]
	stp	x8, x9, [x19, #64]
	stp	x10, x11, [x19, #80]
	stp	x12, x13, [x19, #96]
	stp	x14, x15, [x19, #112]
	stp	x16, x17, [x19, #128]
	ldp	x19, x20, [sp, #16]
	ldp	x29, x30, [sp], #32
	ret
	.size	hostile_call, . - hostile_call
