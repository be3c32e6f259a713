/* SPDX-License-Identifier: MIT */
/*
 * rumkv-stamp: a static Linux/arm64 program (no libc) that prints
 * "RUMKV-BENCH-SHELL <CNTVCT_EL0>" on its standard output and exits.
 * The bench's Linux init runs it just before it starts the shell: the
 * virtual counter counts from reset (CNTVOFF_EL2 is 0 in a RumKV cell,
 * and there is no EL2 natively), so this is the time from reset to the
 * shell. Linux lets EL0 read the virtual counter (for its vDSO).
 */
	.text
	.global _start
_start:
	mrs	x9, cntvct_el0
	/* The line is built backwards from the end of the buffer. */
	adr	x1, line_end
	mov	w12, #'\n'
	strb	w12, [x1, #-1]!
	mov	x10, #10
1:	udiv	x11, x9, x10
	msub	x12, x11, x10, x9
	add	w12, w12, #'0'
	strb	w12, [x1, #-1]!
	mov	x9, x11
	cbnz	x9, 1b
	adr	x3, prefix_end
	adr	x4, prefix
2:	ldrb	w12, [x3, #-1]!
	strb	w12, [x1, #-1]!
	cmp	x3, x4
	b.ne	2b
	/* write(1, line, length): one call, so the line stays whole. */
	adr	x2, line_end
	sub	x2, x2, x1
	mov	x0, #1
	mov	x8, #64
	svc	#0
	/* exit(0) */
	mov	x0, #0
	mov	x8, #93
	svc	#0

	.section .rodata
prefix:
	.ascii	"RUMKV-BENCH-SHELL "
prefix_end:

	.bss
	.balign	8
	.space	64
line_end:
