// SPDX-License-Identifier: MIT
/*
 * The firmware of the QEMU virt example: nothing to set up on this board
 * before RumKV, so it hands RumKV the plan compiled from partition.dts.
 */
#include <rumkv/rumkv.h>

extern const struct rumkv_plan rumkv_generated_plan;

RUMKV_BOOT void rumkv_firmware_main(void)
{
	rumkv_boot(&rumkv_generated_plan);
}
