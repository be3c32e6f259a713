/* SPDX-License-Identifier: MIT */
/*
 * Entry of this project's guest, as RumKV enters a cell (docs/abi.md,
 * "Guest entry state"): EL1h, D/A/I/F masked, MMU and caches off,
 * x0 = the cell's device tree, every other register zero, no stack. A
 * flat image starts where the cell sees its RAM, so it is linked there
 * (guest.ld, CELL_RAM_BASE).
 */
	.section .text.start, "ax"
	.global _start
_start:
	ldr	x1, =__stack_top
	mov	sp, x1
	ldr	x1, =__bss_start	/* .bss is not in the flat image */
	ldr	x2, =__bss_end
1:	cmp	x1, x2
	b.hs	2f
	str	xzr, [x1], #8
	b	1b
2:	bl	guest_main		/* x0: the device tree, untouched */
3:	wfi
	b	3b
