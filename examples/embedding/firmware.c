// SPDX-License-Identifier: MIT
/*
 * A firmware that embeds RumKV. The port's reset code calls
 * rumkv_firmware_main() on the boot core at EL2, with a stack, the MMU and
 * caches off; board set-up that must come first goes here, then RumKV
 * takes the machine with the plan compiled from partition.dts.
 */
#include <rumkv/rumkv.h>

#include <stdint.h>

extern const struct rumkv_plan my_board_plan;

#define PL011_DR 0x000u
#define PL011_FR 0x018u
#define PL011_FR_TXFF (1u << 5)

/* Before rumkv_boot() the console UART is still the firmware's. */
static RUMKV_BOOT void board_puts(const char *s)
{
	uintptr_t uart = (uintptr_t)my_board_plan.platform.uart.pa;

	for (; *s != '\0'; s++) {
		while (*(volatile uint32_t *)(uart + PL011_FR) &
		       PL011_FR_TXFF) {
		}
		*(volatile uint32_t *)(uart + PL011_DR) = (uint8_t)*s;
	}
}

/* Whatever the board needs before RumKV; on QEMU virt, only a banner. */
static RUMKV_BOOT void board_early_init(void)
{
	char line[] = "firmware: my-board, handing 0 cells to RumKV\n";
	char *digit = line + 28;

	*digit = (char)('0' + my_board_plan.cell_count % 10);
	board_puts(line);
}

RUMKV_BOOT void rumkv_firmware_main(void)
{
	board_early_init();
	rumkv_boot(&my_board_plan); /* never returns */
}
