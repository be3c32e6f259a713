// SPDX-License-Identifier: MIT
/*
 * A firmware that embeds RumKV: the port's reset code calls
 * rumkv_firmware_main() on the boot core at EL2 with a stack and the MMU
 * off; board set-up that must come first goes here, then RumKV takes the
 * machine with the plan compiled from partition.dts.
 */
#include <rumkv/rumkv.h>

extern const struct rumkv_plan my_board_plan;

RUMKV_BOOT void rumkv_firmware_main(void)
{
	/* Nothing to set up on QEMU virt before RumKV. */
	rumkv_boot(&my_board_plan);
}
