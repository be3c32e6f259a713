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
 * (0x000-0x1ff: RumKV runs on SP_EL2 from reset on) nor from AArch32
 * (0x600-0x7ff: with HCR_EL2.RW = 1 the level below EL2 is AArch64, and
 * exceptions from an AArch32 EL0 use the AArch64 entries), and a vector
 * that is taken needs only its first instruction at its slot. So the
 * table holds the rest of RumKV's assembly in those gaps, and ends right
 * after the last vector that is taken: whatever the linker puts next
 * (compiled code) occupies 0x600-0x7ff. Each piece is placed with .org,
 * which fails the build if a piece outgrows its gap.
 */
#include "asm-offsets.h"

#define FRAME_SIZE (32 * 8)

/* Opens a frame at the top of the stack and saves x0..x3 in it. */
.macro save_x0_x3
	sub	sp, sp, #FRAME_SIZE
	stp	x0, x1, [sp, #16 * 0]
	stp	x2, x3, [sp, #16 * 1]
.endm

/* Saves x4..x30 into the frame save_x0_x3 opened. */
.macro save_x4_x30
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

/* Saves x0..x30 into a frame at the top of the stack. */
.macro save_frame
	save_x0_x3
	save_x4_x30
.endm

	.section .text.vectors, "ax"
	.balign 2048
	.global rumkv_vectors
rumkv_vectors:

/* ---- 0x000: current EL with SP0: never taken; shared code ------------- */

/* Restores the frame at the top of the stack and returns to the cell. */
exit_to_cell:
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
	/* The IRQ fast path saves and restores only x0..x3. */
irq_done:
	ldp	x2, x3, [sp, #16 * 1]
	ldp	x0, x1, [sp, #16 * 0]
	add	sp, sp, #FRAME_SIZE
	eret

/*
 * uint64_t gic_lr_read(unsigned n), void gic_lr_write(unsigned n,
 * uint64_t v): ICH_LR<n>_EL2 is named by the instruction, so each reaches
 * its register through a table of one MRS or MSR per list register (GICv3
 * has at most 16). Out of range: reads 0, writes nothing. The IRQ fast
 * path uses the write table directly.
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

/* ---- 0x200: current EL with SP_EL2: a fault inside RumKV itself ------- */
	.org	0x200
el2_fault:
	save_frame
	mov	x0, sp
	bl	aarch64_trap_el2

	.org	0x280
	b	el2_fault

/*
 * The IRQ vector's slow path, with x0 = INTID and x0..x3 saved: completes
 * the frame and hands the INTID to C.
 */
irq_slow:
	save_x4_x30
	mov	w1, w0
	mrs	x0, tpidr_el2
	bl	gic_irq_slow
	b	exit_to_cell

	.org	0x300
	b	el2_fault

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

	.org	0x380
	b	el2_fault

/*
 * The rest of the IRQ fast path (see 0x480): x1 = the list register
 * value, x2 = a free list register. Entries of lr_write_table return:
 * the cell's x30 waits in x0, which is restored from the frame anyway.
 */
irq_inject:
	adr	x3, lr_write_table
	add	x3, x3, x2, lsl #3
	mov	x0, x30
	blr	x3
	mov	x30, x0
	b	irq_done

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
 * the console UART and a full set of list registers go to C. Every IRQ
 * counts as one exit of the core, whichever path it takes.
 */
	.org	0x480
el1_irq:
	save_x0_x3
	mrs	x1, tpidr_el2
	ldr	x2, [x1, #CORE_EXITS]
	add	x2, x2, #1
	str	x2, [x1, #CORE_EXITS]
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
	mrs	x2, ich_elrsr_el2
	cbz	x2, irq_slow
	rbit	x2, x2
	clz	x2, x2
	mrs	x3, icc_rpr_el1		/* the priority it was acknowledged at */
	msr	icc_eoir1_el1, x0	/* priority drop only: EOImode = 1 */
	orr	x1, x0, x0, lsl #32	/* vINTID = pINTID */
	bfi	x1, x3, #48, #8
	movz	x3, #0x7000, lsl #48	/* pending, HW, group 1 */
	orr	x1, x1, x3
	b	irq_inject

/* ---- 0x500: FIQ (no group 0 interrupts are configured) and SError ----- */
	.org	0x500
	save_frame
	mov	x0, sp
	bl	aarch64_trap_unexpected

	.org	0x580
	save_frame
	mov	x0, sp
	bl	aarch64_trap_serror

/* ---- 0x600: lower EL, AArch32: never taken; compiled code follows ----- */
