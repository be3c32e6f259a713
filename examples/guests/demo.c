// SPDX-License-Identifier: MIT
/*
 * The guest of the default example: says who and where it is on every
 * vcore, then keeps a heartbeat (`beats=N`, 0 for ever, every `period=MS`,
 * default 1000). With `pledge=compute` in its bootargs it first pledges
 * "compute only" (as cell C of the seed does) and computes.
 */
#include <guest.h>

/* Counts primes below `limit`: a fixed amount of pure computation. */
static unsigned primes_below(unsigned limit)
{
	unsigned count = 0;
	unsigned n;

	for (n = 2; n < limit; n++) {
		unsigned d;
		bool prime = true;

		for (d = 2; d * d <= n; d++) {
			if (n % d == 0) {
				prime = false;
				break;
			}
		}
		count += prime;
	}
	return count;
}

void guest_main(uint64_t dtb)
{
	uint64_t beats = 0;
	uint64_t period = 1000;
	uint64_t i;
	unsigned v;
	char arg[16];

	guest_runtime_init(dtb);
	guest_report_core();
	v = guest_start_vcores();
	gprintf("%u vcores running\n", v);
	if (bootarg("pledge", arg, sizeof(arg))) {
		struct smccc_res r = rumkv_call(
			RUMKV_HC_PLEDGE, RUMKV_RIGHTS_COMPUTE_ONLY, 0, 0);

		gprintf("pledged compute-only: %lld\n", (long long)r.x0);
	}
	gic_init_cpu();
	gic_enable_irq(27);
	bootarg_u64("beats", &beats);
	bootarg_u64("period", &period);
	for (i = 0; beats == 0 || i < beats; i++) {
		sleep_ms(period);
		gprintf("heartbeat %llu: %u primes below %u\n",
			(unsigned long long)i,
			primes_below(2000 + 100 * (unsigned)i),
			2000 + 100 * (unsigned)i);
	}
	gprintf("done\n");
	psci_system_off();
}

void guest_secondary(uint64_t ctx)
{
	(void)ctx;
	guest_report_core();
	for (;;) {
		__asm__ volatile("wfi");
	}
}

void guest_irq(void)
{
}
