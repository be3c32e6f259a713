// SPDX-License-Identifier: MIT
/*
 * The guest of the minimal partition (minimal.dts): a bare-metal cell that
 * uses only what issue 19 calls the minimal feature set. It writes a line
 * through the console hypercall, pledges "compute only", writes another,
 * then stores outside its memory, so that RumKV ends (kills) the cell: no
 * PSCI, no interrupt, no emulated device. The last cell ending powers the
 * machine off.
 */
#include <guest.h>

void guest_main(uint64_t dtb)
{
	struct smccc_res r;

	guest_runtime_init(dtb);
	gprintf("minimal: console\n");
	r = rumkv_call(RUMKV_HC_PLEDGE, RUMKV_RIGHTS_COMPUTE_ONLY, 0, 0);
	gprintf("minimal: pledged compute-only: %lld\n", (long long)r.x0);
	/* No cell memory and no device here: a stage-2 fault. */
	*(volatile uint32_t *)0x100000000ull = 0;
	for (;;) {
		__asm__ volatile("wfi");
	}
}

void guest_secondary(uint64_t ctx)
{
	(void)ctx;
	for (;;) {
		__asm__ volatile("wfi");
	}
}

void guest_irq(void)
{
}
