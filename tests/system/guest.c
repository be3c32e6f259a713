// SPDX-License-Identifier: MIT
/*
 * The guest of the QEMU system tests. Each test case's partition gives
 * every cell bootargs that pick a scenario; the guest prints fixed lines
 * the test runner matches. Every vcore first reports where it runs.
 *
 *   test=hello      heartbeats (beats=N, period=MS)
 *
 * Other tests run after `before=N` heartbeats (default 1) and are followed
 * by `after=N` more; then the cell powers off, or with stay=1 keeps a
 * heartbeat forever.
 *   test=touch      after beats, reads (op=read) or writes (op=write) addr=
 *   test=cpu-on     PSCI CPU_ON/AFFINITY_INFO on its own and other cores
 *   test=calls      unknown hypercalls, SMC conduit, bad arguments
 *   test=sysreg     writes an implementation-defined system register
 *   test=widen      pledges compute-only, then asks for the network back
 *   test=sgi        IPIs between its own vcores, and to a vcore it lacks
 *   test=status     prints the status page (peers' state and rights)
 *   test=pledge-touch  reads the virtio device at dev=, pledges compute
 *                   only, computes, reads the device again
 *   test=pledge-race   vcore 1 keeps writing the device at dev= while
 *                   vcore 0 pledges compute only
 *   test=watch      prints each change of cell `cell=`'s status entry
 *                   until it has ended; with beat=N, a heartbeat every
 *                   N polls (50 ms each) as well
 *   test=rtc-irq    takes a PL031 alarm interrupt, arms another, pledges
 *                   the RTC away and counts interrupts that still arrive
 *   test=irq-count  enables interrupt irq= and counts what arrives for
 *                   ms= milliseconds
 *   test=gic-pair   a store pair (STP) to the distributor: ended
 *   test=gic-poke   tries to enable, pend and route interrupt irq= of
 *                   another cell through the distributor, reads back
 *   test=parked-level  routes the RTC's level-triggered alarm to vcore 1,
 *                   powers vcore 1 off, lets the alarm fire at it while
 *                   it is off, and powers it on again
 */
#include <guest.h>

static volatile unsigned sgi_seen[16];
static volatile unsigned sgi_ready;
static volatile uint64_t race_writes;
static volatile unsigned race_go;
static volatile unsigned rtc_irqs;
static volatile unsigned vcore1_starts;

#define RTC_BASE 0x09010000ull
#define RTC_IRQ 34u
/* PL031 registers, as 32-bit word indices. */
#define RTC_DR 0
#define RTC_MR 1
#define RTC_IMSC 4
#define RTC_ICR 7

static uint64_t arg_or(const char *key, uint64_t dflt)
{
	uint64_t v;

	return bootarg_u64(key, &v) ? v : dflt;
}

static void heartbeats(uint64_t beats, uint64_t period)
{
	uint64_t i;

	for (i = 0; i < beats; i++) {
		sleep_ms(period);
		gprintf("heartbeat %llu\n", (unsigned long long)i);
	}
}

static void test_touch(void)
{
	uint64_t addr = arg_or("addr", 0);
	char op[8] = "read";
	volatile uint32_t *p = (volatile uint32_t *)addr;

	bootarg("op", op, sizeof(op));
	gprintf("touching 0x%llx (%s)\n", (unsigned long long)addr, op);
	if (op[0] == 'w') {
		*p = 0xdeadbeef;
	} else {
		gprintf("read 0x%x\n", *p);
	}
	gprintf("touch survived\n");
}

static void test_cpu_on(unsigned vcores)
{
	uint64_t entry = (uint64_t)guest_secondary_entry;

	gprintf("cpu_on vcore %u (absent): %lld\n", vcores,
		(long long)psci_cpu_on(vcores, entry, 0));
	gprintf("cpu_on mpidr 0x4 (another cell's core): %lld\n",
		(long long)psci_cpu_on(0x4 + vcores, entry, 0));
	gprintf("cpu_on vcore 1 (running): %lld\n",
		(long long)psci_cpu_on(1, entry, 0));
	gprintf("cpu_on vcore 1 bad entry: %lld\n",
		(long long)psci_cpu_on(1, 0x10, 0));
	gprintf("affinity_info vcore 1: %lld, vcore %u: %lld\n",
		(long long)psci_affinity_info(1), vcores,
		(long long)psci_affinity_info(vcores));
}

static void test_calls(void)
{
	struct smccc_res r;

	r = rumkv_call(0x1234, 0, 0, 0);
	gprintf("unknown rumkv call: %lld\n", (long long)r.x0);
	r = smccc_call(false, 0xc7000001u, 0, 0, 0);
	gprintf("unknown service call: %lld\n", (long long)r.x0);
	r = smccc_call(true, RUMKV_SMCCC_ID(RUMKV_HC_VERSION), 0, 0, 0);
	gprintf("version via smc: 0x%llx\n", (unsigned long long)r.x0);
	r = smccc_call(true, 0x84000000u, 0, 0, 0);
	gprintf("psci version via smc: 0x%llx\n", (unsigned long long)r.x0);
	r = rumkv_call(RUMKV_HC_CONSOLE_WRITE, 49, 0, 0);
	gprintf("console write of 49 bytes: %lld\n", (long long)r.x0);
	r = rumkv_call(RUMKV_HC_CONSOLE_WRITE, ~0ull, ~0ull, ~0ull);
	gprintf("console write of ~0 bytes: %lld\n", (long long)r.x0);
	r = smccc_call(false, RUMKV_SMCCC_UID, 0, 0, 0);
	gprintf("uid: 0x%llx 0x%llx\n", (unsigned long long)r.x0,
		(unsigned long long)r.x1);
	r = rumkv_call(RUMKV_HC_STATS, 0, 0, 0);
	gprintf("stats: %lld, core exits nonzero: %u\n", (long long)r.x0,
		r.x1 != 0);
}

/* Registers RumKV traps but a kernel may use: each gets an architectural
 * answer, never the end of the cell. */
static void test_sysreg(void)
{
	uint64_t actlr;
	uint64_t impdef;
	uint64_t pmcr;
	uint64_t oslsr;
	uint64_t mdscr;

	gprintf("writing ACTLR_EL1\n");
	__asm__ volatile("msr actlr_el1, %0" ::"r"(1ull));
	__asm__ volatile("mrs %0, actlr_el1" : "=r"(actlr));
	/* CPUECTLR_EL1 on a Cortex-A57: implementation defined. */
	__asm__ volatile("mrs %0, s3_1_c15_c2_1" : "=r"(impdef));
	__asm__ volatile("msr s3_1_c15_c2_1, %0" ::"r"(~0ull));
	__asm__ volatile("mrs %0, pmcr_el0" : "=r"(pmcr));
	__asm__ volatile("msr pmcr_el0, %0" ::"r"(1ull));
	__asm__ volatile("mrs %0, oslsr_el1" : "=r"(oslsr));
	__asm__ volatile("msr oslar_el1, %0" ::"r"(0ull));
	__asm__ volatile("msr mdscr_el1, %0" ::"r"(1ull << 15));
	__asm__ volatile("mrs %0, mdscr_el1" : "=r"(mdscr));
	gprintf("ACTLR_EL1 0x%llx, IMPDEF 0x%llx, PMCR 0x%llx, OSLSR 0x%llx, "
		"MDSCR 0x%llx\n",
		(unsigned long long)actlr, (unsigned long long)impdef,
		(unsigned long long)pmcr, (unsigned long long)oslsr,
		(unsigned long long)mdscr);
	gprintf("sysreg write survived\n");
}

static void test_widen(void)
{
	struct smccc_res r =
		rumkv_call(RUMKV_HC_PLEDGE, RUMKV_RIGHTS_COMPUTE_ONLY, 0, 0);

	gprintf("pledged compute-only: %lld\n", (long long)r.x0);
	r = rumkv_call(RUMKV_HC_PLEDGE,
		       RUMKV_RIGHTS_COMPUTE_ONLY | RUMKV_RIGHT_NET, 0, 0);
	gprintf("widening survived: %lld\n", (long long)r.x0);
}

static void send_sgi(uint64_t target_list, uint64_t aff1, uint32_t intid)
{
	uint64_t v = target_list | aff1 << 16 | (uint64_t)intid << 24;

	__asm__ volatile("msr icc_sgi1r_el1, %0\n\tisb" ::"r"(v));
}

static void test_sgi(unsigned vcores)
{
	unsigned i;

	gic_enable_irq(3);
	/* vcore 1 enables SGI 3 itself (see guest_secondary). */
	while (sgi_ready == 0) {
	}
	send_sgi(1u << 1, 0, 3);
	for (i = 0; i < 10000000 && sgi_seen[3] == 0; i++) {
	}
	gprintf("sgi 3 to vcore 1: %s\n", sgi_seen[3] ? "delivered" : "lost");
	send_sgi(1u << vcores, 0, 4); /* a vcore the cell does not have */
	send_sgi(1u << 1, 0, 15);     /* RumKV's own SGI */
	for (i = 0; i < 1000000; i++) {
	}
	gprintf("sgi 4 to absent vcore, 15 to vcore 1: %s\n",
		sgi_seen[4] == 0 && sgi_seen[15] == 0 ? "dropped"
						      : "delivered");
}

static void test_status(void)
{
	uint64_t ipa = rumkv_call(RUMKV_HC_STATUS_PAGE, 0, 0, 0).x1;
	const volatile struct rumkv_status_page *st = (const void *)ipa;
	uint32_t i;

	gprintf("status page at 0x%llx: magic ok %u, %u cells\n",
		(unsigned long long)ipa, st->magic == RUMKV_STATUS_MAGIC,
		st->cell_count);
	for (i = 0; i < st->cell_count && i < RUMKV_STATUS_MAX_CELLS; i++) {
		gprintf("status cell %s: state %u reason %u restarts %u "
			"rights 0x%llx\n",
			(const char *)st->cell[i].name, st->cell[i].state,
			st->cell[i].reason, st->cell[i].restart_count,
			(unsigned long long)st->cell[i].rights);
	}
	gprintf("writing the status page\n");
	*(volatile uint64_t *)ipa = 0;
	gprintf("status write survived\n");
}

static unsigned primes_below(unsigned limit)
{
	unsigned count = 0;

	for (unsigned n = 2; n < limit; n++) {
		bool prime = true;

		for (unsigned d = 2; d * d <= n && prime; d++) {
			prime = n % d != 0;
		}
		count += prime;
	}
	return count;
}

static void test_pledge_touch(void)
{
	volatile uint32_t *dev = (volatile uint32_t *)arg_or("dev", 0);
	struct smccc_res r;

	gprintf("device magic before pledge: 0x%x\n", dev[0]);
	r = rumkv_call(RUMKV_HC_PLEDGE, RUMKV_RIGHTS_COMPUTE_ONLY, 0, 0);
	gprintf("pledged compute-only: %lld\n", (long long)r.x0);
	gprintf("computed: %u primes below 20000\n", primes_below(20000));
	gprintf("touching the device again\n");
	gprintf("device magic after pledge: 0x%x\n", dev[0]);
}

static void test_pledge_race(void)
{
	uint64_t before;
	struct smccc_res r;

	race_go = 1;
	while (race_writes < 1000) {
	}
	before = race_writes;
	r = rumkv_call(RUMKV_HC_PLEDGE, RUMKV_RIGHTS_COMPUTE_ONLY, 0, 0);
	gprintf("pledge returned %lld; vcore 1 had written %s\n",
		(long long)r.x0, before >= 1000 ? "1000+ times" : "less");
	for (;;) {
		__asm__ volatile("wfi");
	}
}

static void test_watch(void)
{
	uint64_t ipa = rumkv_call(RUMKV_HC_STATUS_PAGE, 0, 0, 0).x1;
	const volatile struct rumkv_status_page *st = (const void *)ipa;
	uint32_t c = (uint32_t)arg_or("cell", 1);
	uint64_t rounds = arg_or("rounds", 100);
	struct rumkv_status_cell last = {.state = ~0u};

	for (uint64_t i = 0; i < rounds; i++) {
		struct rumkv_status_cell now;
		uint64_t seq;

		do {
			seq = st->sequence;
			now = *(const struct rumkv_status_cell *)&st->cell[c];
		} while ((seq & 1) != 0 || seq != st->sequence);
		if (now.state != last.state ||
		    now.restart_count != last.restart_count) {
			gprintf("watch %s: state %u restarts %u reason %u\n",
				now.name, now.state, now.restart_count,
				now.reason);
			last = now;
		}
		if (now.state == RUMKV_CELL_TERMINATED) {
			break;
		}
		sleep_ms(50);
	}
}

static void rtc_arm(uint32_t seconds)
{
	volatile uint32_t *rtc = (volatile uint32_t *)RTC_BASE;

	rtc[RTC_ICR] = 1;
	rtc[RTC_MR] = rtc[RTC_DR] + seconds;
	rtc[RTC_IMSC] = 1;
}

/* Waits with interrupts enabled; the virtual timer ends the wait (its
 * interrupt, PPI 27, is masked again in guest_irq). */
static void wait_unmasked(uint64_t ms)
{
	uint64_t end = counter() + counter_freq() * ms / 1000;

	__asm__ volatile(
		"msr cntv_cval_el0, %0\n\tmsr cntv_ctl_el0, %1\n\tisb" ::"r"(
			end),
		"r"(1ull));
	__asm__ volatile("msr daifclr, #2");
	while (counter() < end) {
		__asm__ volatile("wfi");
	}
	__asm__ volatile("msr daifset, #2");
}

static void test_rtc_irq(void)
{
	struct smccc_res r;

	gic_enable_irq(RTC_IRQ);
	rtc_arm(1);
	wait_unmasked(2500);
	gprintf("rtc irqs before pledge: %u\n", rtc_irqs);
	rtc_arm(1);
	r = rumkv_call(RUMKV_HC_PLEDGE, RUMKV_RIGHTS_COMPUTE_ONLY, 0, 0);
	gprintf("pledged the rtc away: %lld\n", (long long)r.x0);
	rtc_irqs = 0;
	wait_unmasked(3000);
	gprintf("rtc irqs after pledge: %u\n", rtc_irqs);
}

static bool str_is(const char *a, const char *b)
{
	while (*a != '\0' && *a == *b) {
		a++;
		b++;
	}
	return *a == *b;
}

static volatile uint32_t *gicd_reg(uint32_t offset)
{
	return (volatile uint32_t *)(0x08000000ull + offset);
}

static void test_irq_count(void)
{
	uint32_t irq = (uint32_t)arg_or("irq", RTC_IRQ);

	gic_enable_irq(irq);
	rtc_irqs = 0;
	wait_unmasked(arg_or("ms", 2000));
	gprintf("irqs received: %u\n", rtc_irqs);
}

static void test_gic_poke(void)
{
	uint32_t irq = (uint32_t)arg_or("irq", RTC_IRQ);
	uint32_t word = irq / 32 * 4;
	uint32_t bit = 1u << (irq % 32);
	volatile uint64_t *route =
		(volatile uint64_t *)(0x08000000ull + 0x6000 + irq * 8ull);

	*gicd_reg(0x100 + word) = bit;				/* ISENABLER */
	*gicd_reg(0x200 + word) = bit;				/* ISPENDR */
	*(volatile uint8_t *)(0x08000000ull + 0x400 + irq) = 0; /* priority */
	*route = 1; /* route to this cell's vcore 1 */
	gprintf("poke %u: enabled %u pending %u priority 0x%x route 0x%llx\n",
		irq, (*gicd_reg(0x100 + word) & bit) != 0,
		(*gicd_reg(0x200 + word) & bit) != 0,
		*(volatile uint8_t *)(0x08000000ull + 0x400 + irq),
		(unsigned long long)*route);
}

/* A store pair to the distributor: no syndrome, so RumKV cannot emulate
 * it and must end the cell without performing any part of it. */
static void test_gic_pair(void)
{
	volatile uint64_t *prio = (volatile uint64_t *)(0x08000000ull + 0x420);
	uint64_t v = 0x8080808080808080ull;

	gprintf("gic-pair: STP to GICD_IPRIORITYR\n");
	__asm__ volatile("stp %0, %0, [%1]" ::"r"(v), "r"(prio) : "memory");
	gprintf("gic-pair survived\n");
}

/* A level-triggered interrupt asserted at a core whose vcore is off must
 * not keep that core busy: vcore 1 must be able to start again. */
static void test_parked_level(void)
{
	volatile uint64_t *route =
		(volatile uint64_t *)(0x08000000ull + 0x6000 + RTC_IRQ * 8ull);
	uint64_t end;

	while (psci_affinity_info(1) != 1) {
	}
	gprintf("vcore 1 is off\n");
	*route = 1; /* to vcore 1 */
	gic_enable_irq(RTC_IRQ);
	rtc_arm(1);
	sleep_ms(2500);
	gprintf("alarm asserted: %u\n",
		((volatile uint32_t *)RTC_BASE)[5] & 1); /* RTCRIS */
	gprintf("cpu_on vcore 1: %lld\n",
		(long long)psci_cpu_on(1, (uint64_t)guest_secondary_entry, 0));
	end = counter() + counter_freq() * 2;
	while (vcore1_starts < 2 && counter() < end) {
	}
	gprintf("vcore 1 started again: %s\n",
		vcore1_starts == 2 ? "yes" : "no");
	((volatile uint32_t *)RTC_BASE)[RTC_ICR] = 1;
}

static void run_test(const char *test, unsigned vcores)
{
	if (str_is(test, "touch")) {
		test_touch();
	} else if (str_is(test, "cpu-on")) {
		test_cpu_on(vcores);
	} else if (str_is(test, "calls")) {
		test_calls();
	} else if (str_is(test, "sysreg")) {
		test_sysreg();
	} else if (str_is(test, "widen")) {
		test_widen();
	} else if (str_is(test, "sgi")) {
		test_sgi(vcores);
	} else if (str_is(test, "status")) {
		test_status();
	} else if (str_is(test, "pledge-touch")) {
		test_pledge_touch();
	} else if (str_is(test, "pledge-race")) {
		test_pledge_race();
	} else if (str_is(test, "watch")) {
		test_watch();
	} else if (str_is(test, "rtc-irq")) {
		test_rtc_irq();
	} else if (str_is(test, "irq-count")) {
		test_irq_count();
	} else if (str_is(test, "gic-poke")) {
		test_gic_poke();
	} else if (str_is(test, "gic-pair")) {
		test_gic_pair();
	} else if (str_is(test, "parked-level")) {
		test_parked_level();
	} else {
		gprintf("unknown test %s\n", test);
	}
}

void guest_main(uint64_t dtb)
{
	char test[16] = "hello";
	unsigned vcores;

	guest_runtime_init(dtb);
	bootarg("test", test, sizeof(test));
	guest_report_core();
	vcores = guest_start_vcores();
	gprintf("%u vcores running, test %s\n", vcores, test);
	gic_init_cpu();
	gic_enable_irq(27);
	if (str_is(test, "hello")) {
		heartbeats(arg_or("beats", 3), arg_or("period", 200));
	} else {
		heartbeats(arg_or("before", 1), arg_or("period", 200));
		run_test(test, vcores);
		heartbeats(arg_or("after", 0), arg_or("period", 200));
	}
	gprintf("done\n");
	while (arg_or("stay", 0) != 0) {
		heartbeats(1, arg_or("period", 200));
	}
	psci_system_off();
}

/* vcore 1 of test=pledge-race: writes the device until it cannot. */
static void race_writer(void)
{
	volatile uint32_t *dev = (volatile uint32_t *)arg_or("dev", 0);

	while (race_go == 0) {
	}
	for (;;) {
		dev[0x30 / 4] = 0; /* QueueSel: harmless */
		race_writes++;
	}
}

void guest_secondary(uint64_t ctx)
{
	char test[16] = "";

	(void)ctx;
	guest_report_core();
	bootarg("test", test, sizeof(test));
	if (vcore_index() == 1 && str_is(test, "pledge-race")) {
		race_writer();
	}
	if (vcore_index() == 1 && str_is(test, "parked-level") &&
	    ++vcore1_starts == 1) {
		psci_cpu_off();
	}
	gic_init_cpu();
	gic_enable_irq(3);
	sgi_ready = 1; /* tells vcore 0 that SGI 3 is enabled here */
	for (;;) {
		uint64_t iar;

		__asm__ volatile("wfi");
		__asm__ volatile("mrs %0, icc_iar1_el1" : "=r"(iar));
		if (iar < 16) {
			sgi_seen[iar] = 1;
		}
		if (iar < 1020) {
			__asm__ volatile("msr icc_eoir1_el1, %0" ::"r"(iar));
		}
	}
}

void guest_irq(void)
{
	uint64_t iar;

	__asm__ volatile("mrs %0, icc_iar1_el1" : "=r"(iar));
	if (iar == 27) {
		__asm__ volatile("msr cntv_ctl_el0, %0\n\tisb" ::"r"(2ull));
	} else if (iar >= 32 && iar < 1020) {
		rtc_irqs++;
		/* Quiet the level-triggered alarm (still ours before the
		 * pledge; afterwards RumKV must not deliver it at all). */
		if (rtc_irqs < 100) {
			((volatile uint32_t *)RTC_BASE)[RTC_ICR] = 1;
		}
	}
	if (iar < 1020) {
		__asm__ volatile("msr icc_eoir1_el1, %0" ::"r"(iar));
	}
}
