/* SPDX-License-Identifier: MIT */
/*
 * Entry of RumKV's bare-metal guests: an arm64 Image header (so that the
 * partition tool loads them like a Linux kernel), self-relocation (the
 * same binary runs wherever a cell's RAM is), .bss, a stack per vcore.
 * EL1, MMU off, x0 = the cell's device tree.
 *
 * Symbols are reached with ADRP (+-4 GiB, the image is 4 KiB aligned):
 * a guest's .bss may be larger than ADR's 1 MiB.
 *
 * The very first instruction reads the virtual counter, kept in
 * guest_entry_counter: how long the platform (or RumKV) took from reset
 * to this image, for boot-time measurements.
 */
#define STACK_SIZE 8192
#define MAX_VCORES 16

	.section .text.head, "ax"
	.global _start
_start:
	mrs	x20, cntvct_el0		/* code0 */
	b	entry			/* code1 */
	.quad	0			/* text_offset */
	.quad	0			/* image_size: set by mkimage.py */
	.quad	0xa			/* little-endian, 4 KiB, anywhere */
	.quad	0, 0, 0
	.ascii	"ARM\x64"		/* magic */
	.long	0

entry:
	mov	x19, x0
	adr	x10, _start
	/* Apply R_AARCH64_RELATIVE relocations: *(base + off) = base + addend. */
	adrp	x11, __rela_start
	add	x11, x11, :lo12:__rela_start
	adrp	x12, __rela_end
	add	x12, x12, :lo12:__rela_end
1:	cmp	x11, x12
	b.hs	2f
	ldp	x13, x14, [x11], #16
	ldr	x15, [x11], #8
	cmp	w14, #1027
	b.ne	1b
	add	x15, x15, x10
	str	x15, [x10, x13]
	b	1b
2:	adrp	x11, __bss_start
	add	x11, x11, :lo12:__bss_start
	adrp	x12, __bss_end
	add	x12, x12, :lo12:__bss_end
3:	cmp	x11, x12
	b.hs	4f
	str	xzr, [x11], #8
	b	3b
4:	adrp	x11, guest_entry_counter
	str	x20, [x11, :lo12:guest_entry_counter]
	bl	set_stack
	mov	x0, x19
	bl	guest_main
	b	guest_exit

/* Where a vcore started by PSCI CPU_ON begins; x0 = context. */
	.global guest_secondary_entry
guest_secondary_entry:
	mov	x19, x0
	bl	set_stack
	mov	x0, x19
	bl	guest_secondary
	b	guest_exit

/* sp = top of this vcore's stack; VBAR_EL1 = our vectors. Keeps x0. */
set_stack:
	mrs	x9, mpidr_el1
	and	x9, x9, #(MAX_VCORES - 1)
	add	x9, x9, #1
	adrp	x10, __stacks
	add	x10, x10, :lo12:__stacks
	mov	x11, #STACK_SIZE
	madd	x10, x9, x11, x10
	mov	sp, x10
	adrp	x10, guest_vectors
	add	x10, x10, :lo12:guest_vectors
	msr	vbar_el1, x10
	isb
	ret

	.section .bss.entry, "aw", %nobits
	.balign 8
	.global guest_entry_counter
guest_entry_counter:
	.quad	0

	.section .bss.stacks, "aw", %nobits
	.balign 16
__stacks:
	.space	STACK_SIZE * MAX_VCORES
