/* SPDX-License-Identifier: MIT */
/*
 * The probe's timed sequences and its IRQ vector, in assembly so that
 * every measured instruction is known (the compiler cannot move or add
 * any). Under QEMU -icount shift=0 one instruction is one nanosecond of
 * guest time, so these sequences are the units the figures count in.
 */

/*
 * uint64_t probe_hvc_ticks(uint64_t fid)   counter ticks over one HVC
 * uint64_t probe_null_ticks(void)          the same, without the HVC
 * uint64_t probe_hvc_cycles(uint64_t fid)  PMCCNTR_EL0 cycles over one HVC
 * uint64_t probe_null_cycles(void)         the same, without the HVC
 *
 * x0 = the SMCCC function ID. The two reads bracket the HVC with nothing
 * else between them; SMCCC v1.1 preserves x4..x17, so x10 and x11 survive
 * the call.
 */
	.text
	.global probe_hvc_ticks
probe_hvc_ticks:
	mrs	x10, cntvct_el0
	hvc	#0
	mrs	x11, cntvct_el0
	sub	x0, x11, x10
	ret

	.global probe_null_ticks
probe_null_ticks:
	mrs	x10, cntvct_el0
	mrs	x11, cntvct_el0
	sub	x0, x11, x10
	ret

	.global probe_hvc_cycles
probe_hvc_cycles:
	mrs	x10, pmccntr_el0
	hvc	#0
	mrs	x11, pmccntr_el0
	sub	x0, x11, x10
	ret

	.global probe_null_cycles
probe_null_cycles:
	mrs	x10, pmccntr_el0
	mrs	x11, pmccntr_el0
	sub	x0, x11, x10
	ret

/*
 * uint64_t probe_nops_cycles(void): PMCCNTR_EL0 cycles over eight NOPs.
 * Under icount the cycle counter follows the virtual clock at 1 GHz, so
 * this is 9 (eight NOPs and the second read) when it counts instructions.
 */
	.global probe_nops_cycles
probe_nops_cycles:
	mrs	x10, pmccntr_el0
	.rept	8
	nop
	.endr
	mrs	x11, pmccntr_el0
	sub	x0, x11, x10
	ret

/*
 * int64_t probe_cycles_offset(void): the offset d with
 * virtual time in ns = PMCCNTR_EL0 + d.
 *
 * Each pass reads CNTVCT (ticks of 16 ns) and, one instruction later,
 * PMCCNTR. 16 * ticks - cycles is largest, d - 1, in the pass whose
 * counter read falls exactly on a tick edge; the loop is 9 instructions
 * long, coprime with 16, so 64 passes meet every phase of the tick. This
 * assumes 16 ns ticks (QEMU virt, CNTFRQ_EL0 = 62.5 MHz); the probe checks.
 */
	.global probe_cycles_offset
probe_cycles_offset:
	mov	x3, #64
	mov	x2, #1
	lsl	x2, x2, #63		/* INT64_MIN */
1:	mrs	x0, cntvct_el0
	mrs	x1, pmccntr_el0
	lsl	x0, x0, #4
	sub	x0, x0, x1
	cmp	x0, x2
	csel	x2, x0, x2, gt
	nop
	subs	x3, x3, #1
	b.ne	1b
	add	x0, x2, #1
	ret

/*
 * The probe's EL1 vector table, installed only while interrupt latency is
 * measured. Its IRQ entry (current EL, SP_EL1) reads the cycle counter
 * as its second instruction and the virtual counter as its third, then
 * calls probe_irq(cycles, ticks) with the caller-saved registers saved
 * (probe_vectors_ticks: zero for the cycles).
 * Every other entry is the runtime's (examples/guests/vectors.S).
 */
.macro runtime_vector off
	.org	\off
	b	guest_vectors + \off
.endm

/* A table: its IRQ entry's second instruction is `cycles`, which puts
 * the cycle counter in x0 (or zero). */
.macro probe_table name, cycles:vararg
	.section .text.\name, "ax"
	.balign 2048
	.global \name
\name:
	runtime_vector 0x000
	runtime_vector 0x080
	runtime_vector 0x100
	runtime_vector 0x180
	runtime_vector 0x200
	.org	0x280
	stp	x0, x1, [sp, #-16]!
	\cycles
	mrs	x1, cntvct_el0
	b	probe_irq_entry
	runtime_vector 0x300
	runtime_vector 0x380
	runtime_vector 0x400
	runtime_vector 0x480
	runtime_vector 0x500
	runtime_vector 0x580
	runtime_vector 0x600
	runtime_vector 0x680
	runtime_vector 0x700
	runtime_vector 0x780
	.org	0x800
.endm

	probe_table probe_vectors, mrs x0, pmccntr_el0
/* The same without the cycle counter read: the interference benchmark's,
 * which counts ticks only (under -icount the cycle counter stands still
 * while every core sleeps). */
	probe_table probe_vectors_ticks, mov x0, xzr

	.text
probe_irq_entry:
	stp	x2, x3, [sp, #-16]!
	stp	x4, x5, [sp, #-16]!
	stp	x6, x7, [sp, #-16]!
	stp	x8, x9, [sp, #-16]!
	stp	x10, x11, [sp, #-16]!
	stp	x12, x13, [sp, #-16]!
	stp	x14, x15, [sp, #-16]!
	stp	x16, x17, [sp, #-16]!
	stp	x18, x29, [sp, #-16]!
	str	x30, [sp, #-16]!
	bl	probe_irq
	ldr	x30, [sp], #16
	ldp	x18, x29, [sp], #16
	ldp	x16, x17, [sp], #16
	ldp	x14, x15, [sp], #16
	ldp	x12, x13, [sp], #16
	ldp	x10, x11, [sp], #16
	ldp	x8, x9, [sp], #16
	ldp	x6, x7, [sp], #16
	ldp	x4, x5, [sp], #16
	ldp	x2, x3, [sp], #16
	ldp	x0, x1, [sp], #16
	eret
