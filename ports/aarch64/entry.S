/* SPDX-License-Identifier: MIT */
/*
 * Reset entry of the boot core and PSCI entry of the others. Boot-only:
 * this code lives in .text.boot and is dropped once the cells run.
 */
#include "asm-offsets.h"

	.section .text.entry, "ax"

/*
 * The boot core, straight from QEMU (or the platform's boot firmware):
 * EL2, MMU and caches off, x0 = device tree (ignored: the plan is compiled
 * in). Stack, .bss, vectors, then C.
 */
	.global _start
_start:
	msr	daifset, #0xf
	mrs	x1, CurrentEL
	cmp	x1, #(2 << 2)
	b.ne	.Lnot_el2
	ldr	x1, =__boot_stack_top
	mov	sp, x1
	ldr	x1, =__bss_start
	ldr	x2, =__bss_end
1:	cmp	x1, x2
	b.hs	2f
	stp	xzr, xzr, [x1], #16
	b	1b
2:	ldr	x1, =rumkv_vectors
	msr	vbar_el2, x1
	/* No struct rumkv_core yet (port_core_self() is NULL until
	 * port_machine_init): the console may be used before that. */
	msr	tpidr_el2, xzr
	isb
	bl	aarch64_boot_main
	/* aarch64_boot_main does not return. */
.Lnot_el2:
	/* RumKV needs EL2 (QEMU: -M virt,virtualization=on). Nothing to
	 * report with: no console is set up yet. */
	wfe
	b	.Lnot_el2

/*
 * Another core, powered on by the boot core through PSCI CPU_ON with
 * context = its struct rumkv_core. Same EL2 translation as the boot core.
 */
	.global aarch64_secondary_entry
aarch64_secondary_entry:
	msr	daifset, #0xf
	msr	tpidr_el2, x0
	mov	x1, #CORE_STACK_TOP
	add	x1, x0, x1
	mov	sp, x1
	ldr	x1, =rumkv_vectors
	msr	vbar_el2, x1
	ldr	x1, =aarch64_el2_mmu
	ldp	x2, x3, [x1]
	msr	mair_el2, x2
	msr	tcr_el2, x3
	ldp	x2, x3, [x1, #16]
	msr	ttbr0_el2, x2
	isb
	tlbi	alle2
	dsb	nsh
	msr	sctlr_el2, x3
	isb
	bl	aarch64_secondary_main
	b	.
	.ltorg

/*
 * bool aarch64_probe_read(uint64_t pa): loads from `pa` with a vector
 * table of its own in place, whose synchronous-exception entry steps
 * over the load and reports the abort (x1 = 0). Boot only, like the
 * table: the resident vectors never see a probe.
 */
	.global aarch64_probe_read
aarch64_probe_read:
	mrs	x3, vbar_el2
	adr	x4, probe_vectors
	msr	vbar_el2, x4
	isb
	mov	x1, #1
	ldr	x2, [x0]
	dsb	sy
	msr	vbar_el2, x3
	isb
	mov	x0, x1
	ret

	.balign	2048
probe_vectors:
	.org	probe_vectors + 0x200	/* current EL, SP_ELx: synchronous */
	mrs	x2, elr_el2
	add	x2, x2, #4
	msr	elr_el2, x2
	mov	x1, #0
	eret
