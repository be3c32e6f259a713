/* SPDX-License-Identifier: MIT */
/*
 * Forced into every production file of the host build (-include). The
 * one AArch64 instruction the code under test issues through inline
 * assembly of its own, WFE (aarch64_trap_el2's stop loop), becomes an
 * assembler macro on the host: a call that ends the test, since RumKV
 * reaching it means it faulted in itself.
 */
#if defined(__x86_64__)
__asm__(".macro wfe\n\tcall el2_wfe\n.endm\n");
#endif
