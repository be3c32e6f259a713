// SPDX-License-Identifier: MIT
/*
 * Struct offsets the assembly needs, generated from the C definitions
 * (never typed by hand): compiled to assembly, the "->NAME value" markers
 * become #defines in asm-offsets.h (see gen-asm-offsets.sh).
 */
#include <rumkv/cell.h>

#include <stddef.h>

#define DEFINE(sym, val) \
	__asm__ volatile("\n.ascii \"->" #sym " %0\"" : : "i"(val))

void asm_offsets(void);

void asm_offsets(void)
{
	DEFINE(CORE_EXITS, offsetof(struct rumkv_core, exits));
	DEFINE(CORE_STACK_TOP,
	       offsetof(struct rumkv_core, arch.stack) + PORT_CORE_STACK_SIZE);
}
