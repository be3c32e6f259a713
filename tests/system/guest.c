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
 *   test=touch      after beats, reads (op=read) or writes (op=write) addr=;
 *                   with first=, first writes that address and reads it
 *                   back (printing what it held), then waits wait= ms
 *   test=cpu-on     PSCI CPU_ON/AFFINITY_INFO on its own and other cores
 *   test=calls      unknown hypercalls, SMC conduit, bad arguments
 *   test=sysreg     ACTLR_EL1, an implementation-defined register and an
 *                   implementation-defined SYS instruction, each probed
 *   test=widen      pledges compute-only, then asks for the network back
 *   test=sgi        IPIs between its own vcores, and to vcores it lacks;
 *                   whether SGI 15 (RumKV's) is sent is measured by the
 *                   receiver's own trap count (RUMKV_HC_STATS), whether it
 *                   arrives by its acknowledgements
 *   test=status     prints the status page (peers' state and rights)
 *   test=poll-input reads lines= lines of console input by polling its
 *                   emulated UART's FR and DR, no interrupt enabled (in
 *                   the UART or the GIC), and prints each; gives up after
 *                   ms= milliseconds. poller=1: vcore 1 polls, vcore 0
 *                   powers itself off first, and vcore 1 powers the cell
 *                   off when done
 *   test=pledge-touch  reads the virtio device at dev=, pledges compute
 *                   only, computes, reads the device again
 *   test=pledge-race   vcore 1 keeps writing the device at dev= while
 *                   vcore 0 pledges compute only
 *   test=watch      prints each change of cell `cell=`'s status entry
 *                   until it has ended; with beat=N, a heartbeat every
 *                   N polls (50 ms each) as well
 *   test=rtc-irq    takes a PL031 alarm interrupt, arms another, pledges
 *                   the RTC away, counts interrupts that still arrive and
 *                   reads the RTC (which ends the cell)
 *   test=rtc-owner  takes PL031 alarms for ms= milliseconds, printing each,
 *                   and compares its view of IRQ 34 at the end with the
 *                   start
 *   test=restart-check  prints its status entry (restarts, rights) and the
 *                   RTC's ID, pledges the RTC away, waits hold= ms and
 *                   reads addr=
 *   test=beat       heartbeats with their time (t= ms of the virtual
 *                   counter) every period= ms until cell until= has ended
 *                   and it has beaten min= times (or beats=N); rtc=1: PL031
 * alarms too; spi=N: pends its own SPI N each beat (not with pend=0) and counts
 *                   it; checks its
 *                   interrupts' enable, priority and route never change,
 *                   and counts SGIs no one of its own sent
 *   test=irq-count  enables interrupt irq= and counts what arrives for
 *                   ms= milliseconds
 *   test=gic-pair   a store pair (STP) to the distributor: ended
 *   test=gic-poke   tries to enable, pend, route, disable, activate,
 *                   re-prioritise, reconfigure and regroup interrupt irq=
 *                   of another cell through the distributor, reads back
 *   test=parked-level  routes the RTC's level-triggered alarm to vcore 1,
 *                   powers vcore 1 off, lets the alarm fire at it while
 *                   it is off, and powers it on again
 *   test=edu-dma    drives QEMU's edu PCI device (BAR 0 at bar=): a DMA
 *                   round trip through its own RAM, then (run 0) a DMA
 *                   write of 4 KiB to victim=, (later runs) to rumkv=
 *   test=edu-pledge starts a DMA of the edu device (bar=) into its own RAM,
 *                   pledges the device away while it is in flight, checks
 *                   that none of it landed, and reads the device again
 *   test=pci-enum   after wait= ms, scans bus 0 of its virtual ECAM (ecam=),
 *                   prints the functions it finds, tries to move and size
 *                   its own function's (own=) BAR 0, sets every command
 *                   bit, writes to function other='s registers, and does
 *                   a DMA round trip with its edu (bar=)
 *   test=dma-victim fills 4 KiB at addr= with a pattern and checks it
 *                   every 50 ms for ms= milliseconds
 *   test=chan       one side of channel id= (region at region=, its
 *                   doorbell INTID irq=, routed to vcore route= if given):
 *                   role=0 writes a message, rings and waits for the
 *                   reply, rounds= times, then pledges keep= and reads the
 *                   region (which ends it); role=1 answers each message,
 *                   then watches cell peer= drop the channel and end,
 *                   ringing after each, and counts the doorbells that
 *                   arrive in linger= ms more (500); waits wait= ms
 *                   (5000) for each message and watch= ms (10000) for
 *                   each change of the peer; cost=1: the
 *                   doorbell's and the null call's cycles (PMCCNTR_EL0,
 *                   EL2 included)
 *   test=chan-hostile  rings doorbells with every id below 64, then
 *                   pseudo-random ids and arguments, at least n= of them
 *                   and until cell peer= has stopped running; counts any
 *                   status other than INVALID_PARAMETER
 */
#include <guest.h>

static volatile unsigned sgi_seen[16];
static volatile unsigned sgi_ready;
static volatile uint64_t race_writes;
static volatile unsigned race_go;
static volatile unsigned rtc_irqs;
static volatile unsigned vcore1_starts;
static volatile bool rtc_owned = true; /* guest_irq may clear its alarm */
static volatile uint32_t beat_spi;     /* test=beat's own SPI, or 0 */
static volatile uint32_t chan_irq;     /* test=chan's doorbell, or 0 */
static volatile unsigned chan_irqs;
static volatile unsigned spi_irqs;
/* Probes of instructions that may be UNDEFINED (guest_exception). */
static volatile bool probing;
static volatile uint64_t probe_esr;

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
	if (arg_or("first", 0) != 0) {
		volatile uint32_t *q = (volatile uint32_t *)arg_or("first", 0);
		uint32_t held = *q;

		*q = 0xdeadbeef;
		gprintf("first 0x%llx held 0x%x, now 0x%x\n",
			(unsigned long long)arg_or("first", 0), held, *q);
		sleep_ms(arg_or("wait", 0));
	}
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

/* Brackets an instruction that may be UNDEFINED: guest_exception skips
 * it and keeps its ESR. */
static void probe_begin(void)
{
	probe_esr = 0;
	probing = true;
	__asm__ volatile("" ::: "memory");
}

static uint64_t probe_end(void)
{
	__asm__ volatile("" ::: "memory");
	probing = false;
	return probe_esr;
}

uint64_t guest_exception(uint64_t kind, uint64_t esr, uint64_t elr,
			 uint64_t far)
{
	if (kind == 0 && probing) {
		probe_esr = esr | 1ull << 63; /* "taken", even for ESR 0 */
		return elr + 4;
	}
	gprintf("guest: unexpected exception %llu: ESR 0x%llx ELR 0x%llx "
		"FAR 0x%llx\n",
		(unsigned long long)kind, (unsigned long long)esr,
		(unsigned long long)elr, (unsigned long long)far);
	guest_exit();
}

static const char *undef_or(uint64_t esr, const char *otherwise)
{
	return esr != 0 ? "undefined" : otherwise;
}

/* The trapped system registers EL2-SPEC names: ACTLR_EL1 reads its real
 * value and ignores writes; implementation-defined registers are RAZ/WI;
 * an implementation-defined SYS instruction is UNDEFINED. None ends the
 * cell. */
/* Reads ACTLR_EL1; `v` stays if the read is UNDEFINED. */
static uint64_t read_actlr(uint64_t v)
{
	__asm__ volatile("mrs %0, actlr_el1" : "+r"(v));
	return v;
}

static void test_sysreg(void)
{
	uint64_t before, after, impdef = 0x5a5a;
	uint64_t e1, e2, e3;
	uint64_t pmcr, oslsr, mdscr, cyc0, cyc1, cyc2;

	gprintf("writing ACTLR_EL1\n");
	probe_begin();
	before = read_actlr(0x5a5a);
	__asm__ volatile("msr actlr_el1, %0" ::"r"(~before));
	after = read_actlr(0xa5a5);
	e1 = probe_end();
	gprintf("ACTLR_EL1 0x%llx, after writing ~it: %s\n",
		(unsigned long long)before,
		undef_or(e1, after == before ? "unchanged" : "changed"));
	probe_begin();
	__asm__ volatile("msr s3_1_c15_c2_0, %0" ::"r"(~0ull));
	__asm__ volatile("mrs %0, s3_1_c15_c2_0" : "+r"(impdef));
	e2 = probe_end();
	gprintf("S3_1_C15_C2_0 after writing ~0: %s 0x%llx\n",
		undef_or(e2, "reads"), (unsigned long long)impdef);
	probe_begin();
	__asm__ volatile("sys #0, c11, c0, #0, %0" ::"r"(0ull));
	e3 = probe_end();
	gprintf("SYS #0, C11, C0, #0: %s (EC 0x%llx)\n",
		undef_or(e3, "executed"),
		(unsigned long long)(e3 >> 26 & 0x3f));
	/* The debug and OS-lock registers (TDA, TDOSA) are not offered: they
	 * read as zero and ignore writes. */
	__asm__ volatile("mrs %0, oslsr_el1" : "=r"(oslsr));
	__asm__ volatile("msr oslar_el1, %0" ::"r"(0ull));
	__asm__ volatile("msr mdscr_el1, %0" ::"r"(1ull << 15));
	__asm__ volatile("mrs %0, mdscr_el1" : "=r"(mdscr));
	gprintf("OSLSR 0x%llx, MDSCR 0x%llx\n", (unsigned long long)oslsr,
		(unsigned long long)mdscr);
	/* The core's PMU is the cell's, found as after reset: counters
	 * stopped (E = 0) and zero; once enabled, the cycle counter counts. */
	__asm__ volatile("mrs %0, pmcr_el0" : "=r"(pmcr));
	__asm__ volatile("mrs %0, pmccntr_el0" : "=r"(cyc0));
	__asm__ volatile("msr pmcntenset_el0, %0" ::"r"(1ull << 31));
	__asm__ volatile("msr pmcr_el0, %0" ::"r"(pmcr | 1));
	__asm__ volatile("isb; mrs %0, pmccntr_el0" : "=r"(cyc1));
	for (volatile int i = 0; i < 100; i++) {
	}
	__asm__ volatile("isb; mrs %0, pmccntr_el0" : "=r"(cyc2));
	__asm__ volatile("msr pmcr_el0, %0" ::"r"(pmcr & ~1ull));
	gprintf("PMU: %llu counters, enabled %llu, cycles at reset %llu, "
		"counting %s\n",
		(unsigned long long)(pmcr >> 11 & 0x1f),
		(unsigned long long)(pmcr & 1), (unsigned long long)cyc0,
		cyc2 > cyc1 ? "yes" : "no");
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

/* test=sgi: vcore 0 opens measurement windows on vcore 1, which counts
 * its own traps to RumKV (RUMKV_HC_STATS) and acknowledges whatever
 * arrives. An SGI sent to vcore 1's core makes it trap even when the
 * cell never sees it (SGI 15 is taken by RumKV itself), so "not sent"
 * is observable: the window with SGI 15 must cost exactly what an idle
 * window costs, while SGI 3 (the control) costs more. */
enum sgi_window { W_IDLE, W_SGI15, W_SGI3, W_PLEDGE, W_ABSENT, W_COUNT };

static volatile unsigned win_seq, win_armed, win_closed, win_done;
static volatile uint64_t win_exits[W_COUNT];
static volatile uint32_t sgi_enable_read;

static uint64_t my_exits(void)
{
	return rumkv_call(RUMKV_HC_STATS, 0, 0, 0).x1;
}

static void spin_ms(uint64_t ms)
{
	uint64_t end = counter() + counter_freq() * ms / 1000;

	while (counter() < end) {
	}
}

static void sgi_window(enum sgi_window w, unsigned vcores)
{
	unsigned seq = win_seq + 1;
	unsigned i;

	__atomic_store_n(&win_seq, seq, __ATOMIC_RELEASE);
	while (__atomic_load_n(&win_armed, __ATOMIC_ACQUIRE) != seq) {
	}
	for (i = 0; i < 50; i++) {
		switch (w) {
		case W_SGI15:
			send_sgi(1u << 1, 0, 15);
			send_sgi(1ull << 40, 0, 15); /* IRM: all the others */
			break;
		case W_SGI3:
			send_sgi(1u << 1, 0, 3);
			break;
		case W_ABSENT:
			/* Vcores it lacks: above its count, Aff1 = 1, and
			 * range selector or Aff2 set. */
			send_sgi(1u << vcores | 1u << (vcores + 1), 0, 4);
			send_sgi(1u << 1, 1, 4);
			send_sgi(1u << 1 | 1ull << 44, 0, 4);
			send_sgi(1u << 1 | 1ull << 32, 0, 4);
			break;
		default:
			break;
		}
		spin_ms(1);
	}
	if (w == W_PLEDGE) {
		/* Dropping the RTC revokes its interrupt on every core: RumKV
		 * kicks vcore 1's core with its own SGI 15. */
		rumkv_call(RUMKV_HC_PLEDGE, RUMKV_RIGHTS_COMPUTE_ONLY, 0, 0);
	}
	spin_ms(20);
	__atomic_store_n(&win_closed, seq, __ATOMIC_RELEASE);
	while (__atomic_load_n(&win_done, __ATOMIC_ACQUIRE) != seq) {
	}
}

static void sgi_windows_vcore1(void)
{
	unsigned seen = 0;

	for (;;) {
		unsigned seq;
		uint64_t before;

		while ((seq = __atomic_load_n(&win_seq, __ATOMIC_ACQUIRE)) ==
		       seen) {
		}
		seen = seq;
		before = my_exits();
		__atomic_store_n(&win_armed, seq, __ATOMIC_RELEASE);
		while (__atomic_load_n(&win_closed, __ATOMIC_ACQUIRE) != seq) {
			uint64_t iar;

			__asm__ volatile("mrs %0, icc_iar1_el1" : "=r"(iar));
			if (iar < 16) {
				sgi_seen[iar]++;
			}
			if (iar < 1020) {
				__asm__ volatile(
					"msr icc_eoir1_el1, %0" ::"r"(iar));
			}
		}
		win_exits[seq - 1] = my_exits() - before;
		__atomic_store_n(&win_done, seq, __ATOMIC_RELEASE);
	}
}

static void test_sgi(unsigned vcores)
{
	const volatile uint64_t *d = win_exits;
	unsigned w;
	unsigned delivered = 0;

	for (w = 0; w < W_COUNT; w++) {
		sgi_window((enum sgi_window)w, vcores);
		if (w == W_SGI3) {
			delivered = sgi_seen[3];
		}
	}
	gprintf("sgi enables read back: 3 %s, 15 %s\n",
		sgi_enable_read & (1u << 3) ? "on" : "off",
		sgi_enable_read & (1u << 15) ? "on" : "off");
	gprintf("vcore 1 traps per window: idle %llu, sgi-15 %llu, sgi-3 %llu, "
		"pledge %llu, absent %llu\n",
		(unsigned long long)d[W_IDLE], (unsigned long long)d[W_SGI15],
		(unsigned long long)d[W_SGI3], (unsigned long long)d[W_PLEDGE],
		(unsigned long long)d[W_ABSENT]);
	gprintf("sgi 3 to vcore 1: %s\n", delivered ? "delivered" : "lost");
	gprintf("sgi 15 to vcore 1: %s\n",
		d[W_SGI3] <= d[W_IDLE]	  ? "unmeasurable"
		: d[W_SGI15] == d[W_IDLE] ? "not sent"
					  : "sent");
	gprintf("sgi 15 acknowledged by vcore 1: %u times; RumKV kicked it "
		"during the pledge: %s\n",
		sgi_seen[15], d[W_PLEDGE] > d[W_IDLE] ? "yes" : "no");
	gprintf("sgi 4 to absent vcores: %s, acknowledged %u times\n",
		d[W_ABSENT] == d[W_IDLE] ? "not sent" : "sent", sgi_seen[4]);
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

/* test=poll-input: a guest that never takes the UART's interrupt, as
 * firmware and boot loaders do. Bytes outside printable ASCII are shown
 * as \xHH. */
#define UART_BASE 0x09000000ull
#define UART_FR_RXFE (1u << 4)

static volatile unsigned poll_handover;

static void poll_lines(void)
{
	volatile uint32_t *uart = (volatile uint32_t *)UART_BASE;
	uint64_t lines = arg_or("lines", 1);
	uint64_t end = counter() + arg_or("ms", 60000) * counter_freq() / 1000;
	char buf[96];
	unsigned n = 0;

	gprintf("poll: ready, IMSC 0x%x\n", uart[0x38 / 4]);
	while (lines > 0 && counter() < end) {
		char c;

		if ((uart[0x18 / 4] & UART_FR_RXFE) != 0) {
			continue;
		}
		c = (char)uart[0];
		if (c == '\n' || c == '\r') {
			buf[n] = '\0';
			gprintf("poll: got '%s'\n", buf);
			n = 0;
			lines--;
		} else if (c >= ' ' && c <= '~' && n + 1 < sizeof(buf)) {
			buf[n++] = c;
		} else if (n + 5 < sizeof(buf)) {
			static const char hex[] = "0123456789abcdef";

			buf[n++] = '\\';
			buf[n++] = 'x';
			buf[n++] = hex[(uint8_t)c >> 4];
			buf[n++] = hex[c & 0xf];
		}
	}
	if (lines > 0) {
		gprintf("poll: timed out\n");
	}
}

static void test_poll_input(void)
{
	if (arg_or("poller", 0) == 1) {
		gprintf("poll: vcore 0 goes off, vcore 1 polls\n");
		poll_handover = 1;
		psci_cpu_off();
	}
	poll_lines();
}

/* vcore 1 of test=poll-input poller=1. */
static void poll_on_vcore1(void)
{
	while (poll_handover == 0 || psci_affinity_info(0) != 1) {
	}
	poll_lines();
	gprintf("done\n");
	psci_system_off();
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
		    now.restart_count != last.restart_count ||
		    now.rights != last.rights) {
			gprintf("watch %s: state %u restarts %u reason %u "
				"rights 0x%llx\n",
				now.name, now.state, now.restart_count,
				now.reason, (unsigned long long)now.rights);
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
	rtc_owned = false;
	rtc_irqs = 0;
	wait_unmasked(3000);
	gprintf("rtc irqs after pledge: %u\n", rtc_irqs);
	gprintf("reading the rtc after the pledge\n");
	gprintf("rtc read survived: 0x%x\n",
		((volatile uint32_t *)RTC_BASE)[RTC_DR]);
}

static uint64_t ms_now(void)
{
	return counter() * 1000 / counter_freq();
}

/* What a cell sees of one of its SPIs in the distributor. */
struct irq_view {
	uint32_t enabled, priority, cfg, group;
	uint64_t route;
};

static struct irq_view irq_view(uint32_t irq)
{
	const volatile uint32_t *d = (const volatile uint32_t *)0x08000000ull;
	uint32_t bit = 1u << (irq % 32);

	return (struct irq_view){
		.enabled = (d[(0x100 + irq / 32 * 4) / 4] & bit) != 0,
		.priority = *(volatile uint8_t *)(0x08000400ull + irq),
		.cfg = d[(0xc00 + irq / 16 * 4) / 4] >> (irq % 16 * 2) & 3,
		.group = (d[(0x80 + irq / 32 * 4) / 4] & bit) != 0,
		.route = *(volatile uint64_t *)(0x08006000ull + irq * 8ull),
	};
}

static bool irq_view_eq(struct irq_view a, struct irq_view b)
{
	return a.enabled == b.enabled && a.priority == b.priority &&
	       a.cfg == b.cfg && a.group == b.group && a.route == b.route;
}

static void irq_view_print(const char *what, uint32_t irq, struct irq_view v,
			   const char *verdict)
{
	gprintf("%s %u: enabled %u priority 0x%x route 0x%llx cfg %u group "
		"%u%s\n",
		what, irq, v.enabled, v.priority, (unsigned long long)v.route,
		v.cfg, v.group, verdict);
}

/* Gives one of its SPIs a priority and vcore 0 as its route, enables it. */
static void irq_own(uint32_t irq, uint8_t priority)
{
	*(volatile uint8_t *)(0x08000400ull + irq) = priority;
	*(volatile uint64_t *)(0x08006000ull + irq * 8ull) = 0;
	gic_enable_irq(irq);
}

/* test=rtc-owner: RTC alarms for ms= milliseconds, while a neighbour
 * pokes IRQ 34; the owner's view of it must stay as it set it. */
static void test_rtc_owner(void)
{
	uint64_t end = ms_now() + arg_or("ms", 6000);
	struct irq_view before, after;
	unsigned last = 0;

	irq_own(RTC_IRQ, 0x80);
	before = irq_view(RTC_IRQ);
	irq_view_print("owner view of", RTC_IRQ, before, "");
	rtc_arm(1);
	while (ms_now() < end) {
		wait_unmasked(100);
		if (rtc_irqs != last) {
			last = rtc_irqs;
			gprintf("rtc alarm %u t=%llu\n", last,
				(unsigned long long)ms_now());
			rtc_arm(1);
		}
	}
	after = irq_view(RTC_IRQ);
	irq_view_print("owner view at the end of", RTC_IRQ, after,
		       irq_view_eq(before, after) ? ": unchanged"
						  : ": CHANGED");
}

/* test=restart-check: what a (re)started cell holds, and that its device
 * works again, before it narrows its rights and violates its partition. */
static void test_restart_check(void)
{
	uint64_t ipa = rumkv_call(RUMKV_HC_STATUS_PAGE, 0, 0, 0).x1;
	const volatile struct rumkv_status_page *st = (const void *)ipa;
	uint32_t c = (uint32_t)rumkv_call(RUMKV_HC_CORE_INFO, 0, 0, 0).x1;
	volatile uint32_t *rtc = (volatile uint32_t *)RTC_BASE;
	struct smccc_res r;
	uint64_t seq, rights, initial, pmcr, cycles;
	uint32_t restarts;

	do {
		seq = st->sequence;
		restarts = st->cell[c].restart_count;
		rights = st->cell[c].rights;
		initial = st->cell[c].initial_rights;
	} while ((seq & 1) != 0 || seq != st->sequence);
	gprintf("run: restarts %u rights 0x%llx initial 0x%llx rtc id 0x%x\n",
		restarts, (unsigned long long)rights,
		(unsigned long long)initial, rtc[0xfe0 / 4]);
	/* The PMU as this run found it, then left counting for the next. */
	__asm__ volatile("mrs %0, pmcr_el0" : "=r"(pmcr));
	__asm__ volatile("mrs %0, pmccntr_el0" : "=r"(cycles));
	gprintf("pmu: enabled %llu, cycles %s\n",
		(unsigned long long)(pmcr & 1),
		cycles == 0 ? "zero" : "counted");
	__asm__ volatile("msr pmcntenset_el0, %0" ::"r"(1ull << 31));
	__asm__ volatile("msr pmcr_el0, %0" ::"r"(pmcr | 1));
	r = rumkv_call(RUMKV_HC_PLEDGE, RUMKV_RIGHTS_COMPUTE_ONLY, 0, 0);
	gprintf("pledged the rtc away: %lld, rights now 0x%llx\n",
		(long long)r.x0, (unsigned long long)st->cell[c].rights);
	/* Long enough for a watcher polling every 50 ms to see it. */
	sleep_ms(arg_or("hold", 0));
	test_touch();
}

/* test=beat: a heartbeat neighbour whose rhythm and interrupts the
 * hostile cases watch. */
static void test_beat(void)
{
	uint64_t ipa = rumkv_call(RUMKV_HC_STATUS_PAGE, 0, 0, 0).x1;
	const volatile struct rumkv_status_page *st = (const void *)ipa;
	uint64_t period = arg_or("period", 100);
	uint64_t beats = arg_or("beats", ~0ull);
	uint32_t until = (uint32_t)arg_or("until", ~0u);
	uint64_t at_least = arg_or("min", 0);
	bool rtc = arg_or("rtc", 0) != 0;
	uint32_t spi = (uint32_t)arg_or("spi", 0);
	bool pend = arg_or("pend", 1) != 0;
	struct irq_view rtc0 = {0}, spi0 = {0};
	unsigned last_rtc = 0, spis_sent = 0, foreign = 0;
	bool changed = false;
	uint64_t i;

	if (rtc) {
		irq_own(RTC_IRQ, 0x90);
		rtc0 = irq_view(RTC_IRQ);
		rtc_arm(1);
	}
	if (spi != 0) {
		volatile uint32_t *cfg =
			(volatile uint32_t *)(0x08000c00ull + spi / 16 * 4);

		*cfg |= 2u << (spi % 16 * 2); /* edge: one per pend */
		irq_own(spi, 0x88);
		spi0 = irq_view(spi);
		beat_spi = spi;
	}
	/* Its own SGI 7 to vcore 1, which counts every SGI: any other is
	 * foreign. */
	while (sgi_ready == 0) {
	}
	send_sgi(1u << 1, 0, 7);
	for (i = 0; i < beats; i++) {
		if (spi != 0 && pend) {
			((volatile uint32_t *)0x08000200ull)[spi / 32] =
				1u << (spi % 32);
			spis_sent++;
		}
		wait_unmasked(period);
		gprintf("heartbeat %llu t=%llu\n", (unsigned long long)i,
			(unsigned long long)ms_now());
		if (rtc && rtc_irqs != last_rtc) {
			last_rtc = rtc_irqs;
			gprintf("rtc alarm %u t=%llu\n", last_rtc,
				(unsigned long long)ms_now());
			rtc_arm(1);
		}
		if (spi != 0 && spi_irqs != spis_sent) {
			gprintf("spi %u lost: %u of %u arrived\n", spi,
				spi_irqs, spis_sent);
			spis_sent = spi_irqs;
		}
		if (!changed &&
		    ((rtc && !irq_view_eq(rtc0, irq_view(RTC_IRQ))) ||
		     (spi != 0 && !irq_view_eq(spi0, irq_view(spi))))) {
			changed = true;
			if (rtc) {
				irq_view_print("gic view changed:", RTC_IRQ,
					       irq_view(RTC_IRQ), "");
			}
			if (spi != 0) {
				irq_view_print("gic view changed:", spi,
					       irq_view(spi), "");
			}
		}
		if (until < RUMKV_STATUS_MAX_CELLS && i + 1 >= at_least &&
		    st->cell[until].state == RUMKV_CELL_TERMINATED) {
			break;
		}
	}
	for (unsigned n = 0; n < 16; n++) {
		foreign += n == 7 ? 0 : sgi_seen[n];
	}
	gprintf("beats done: %llu heartbeats, %u rtc alarms, spis %u of %u, "
		"own sgi 7 %u, foreign sgis %u\n",
		(unsigned long long)i, rtc_irqs, spi_irqs, spis_sent,
		sgi_seen[7], foreign);
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
	struct irq_view v;

	/* Everything that would take the interrupt over... */
	*gicd_reg(0x100 + word) = bit; /* ISENABLER */
	*gicd_reg(0x200 + word) = bit; /* ISPENDR */
	*route = 1;		       /* to this cell's vcore 1 */
	((volatile uint32_t *)route)[1] = 0xff;
	/* ...and everything that would take it away from its owner. */
	*gicd_reg(0x180 + word) = bit; /* ICENABLER */
	*gicd_reg(0x300 + word) = bit; /* ISACTIVER */
	*(volatile uint8_t *)(0x08000000ull + 0x400 + irq) = 0xff; /* masked */
	*gicd_reg(0x400 + (irq & ~3u)) = ~0u;
	*gicd_reg(0xc00 + irq / 16 * 4) = ~0u; /* edge */
	*gicd_reg(0x80 + word) = 0;	       /* group 0 */
	*gicd_reg(0x0) = 0;		       /* the distributor off */
	v = irq_view(irq);
	gprintf("poke %u: enabled %u pending %u active %u priority 0x%x route "
		"0x%llx cfg %u group %u\n",
		irq, v.enabled, (*gicd_reg(0x200 + word) & bit) != 0,
		(*gicd_reg(0x300 + word) & bit) != 0, v.priority,
		(unsigned long long)v.route, v.cfg, v.group);
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

/* QEMU's edu device: DMA engine registers and its 4 KiB buffer. */
#define EDU_ID 0x00
#define EDU_DMA_SRC 0x80
#define EDU_DMA_DST 0x88
#define EDU_DMA_COUNT 0x90
#define EDU_DMA_CMD 0x98
#define EDU_DMA_RUN 1u
#define EDU_DMA_TO_RAM 2u
#define EDU_BUFFER 0x40000ull

static uint8_t dma_src[4096] __attribute__((aligned(4096)));
static uint8_t dma_dst[4096] __attribute__((aligned(4096)));

/* Runs one DMA of `count` bytes; false if it did not finish in 2 s. */
static bool edu_dma(uint64_t bar, uint64_t src, uint64_t dst, uint64_t count,
		    uint64_t cmd)
{
	volatile uint64_t *r = (volatile uint64_t *)bar;
	uint64_t end = counter() + counter_freq() * 2;

	r[EDU_DMA_SRC / 8] = src;
	r[EDU_DMA_DST / 8] = dst;
	r[EDU_DMA_COUNT / 8] = count;
	r[EDU_DMA_CMD / 8] = cmd | EDU_DMA_RUN;
	while ((r[EDU_DMA_CMD / 8] & EDU_DMA_RUN) != 0) {
		if (counter() > end) {
			return false;
		}
	}
	return true;
}

/* A DMA of a pattern (i * mul + add) from dma_src into the edu's buffer
 * and back into dma_dst; adds the bytes that differ to *bad. */
static bool edu_round_trip(uint64_t bar, unsigned mul, unsigned add,
			   unsigned *bad)
{
	bool ok;

	for (unsigned i = 0; i < sizeof(dma_src); i++) {
		dma_src[i] = (uint8_t)(i * mul + add);
		dma_dst[i] = 0;
	}
	ok = edu_dma(bar, (uint64_t)dma_src, EDU_BUFFER, sizeof(dma_src), 0) &&
	     edu_dma(bar, EDU_BUFFER, (uint64_t)dma_dst, sizeof(dma_dst),
		     EDU_DMA_TO_RAM);
	for (unsigned i = 0; i < sizeof(dma_dst); i++) {
		*bad += dma_dst[i] != dma_src[i];
	}
	return ok;
}

static uint32_t restarts_now(void)
{
	uint64_t ipa = rumkv_call(RUMKV_HC_STATUS_PAGE, 0, 0, 0).x1;
	const volatile struct rumkv_status_page *st = (const void *)ipa;
	uint32_t c = (uint32_t)rumkv_call(RUMKV_HC_CORE_INFO, 0, 0, 0).x1;

	return st->cell[c].restart_count;
}

static void test_edu_dma(void)
{
	uint64_t bar = arg_or("bar", 0);
	uint32_t run = restarts_now();
	uint64_t target = run == 0 ? arg_or("victim", 0) : arg_or("rumkv", 0);
	unsigned bad = 0;
	bool ok;

	gprintf("run %u: edu id 0x%x\n", run,
		*(volatile uint32_t *)(bar + EDU_ID));
	ok = edu_round_trip(bar, 13, 7, &bad);
	gprintf("own-memory DMA round trip: %s (%u bytes differ)\n",
		ok && bad == 0 ? "ok" : "FAILED", bad);
	gprintf("DMA write of 4096 bytes to 0x%llx\n",
		(unsigned long long)target);
	ok = edu_dma(bar, EDU_BUFFER, target, 4096, EDU_DMA_TO_RAM);
	gprintf("DMA to 0x%llx finished: %s\n", (unsigned long long)target,
		ok ? "yes" : "no");
	sleep_ms(1000);
	gprintf("attacker survived its DMA\n");
}

static void test_edu_pledge(void)
{
	uint64_t bar = arg_or("bar", 0);
	volatile uint8_t *dst = dma_dst;
	struct smccc_res r;
	unsigned landed = 0;
	bool ok;

	for (unsigned i = 0; i < sizeof(dma_src); i++) {
		dma_src[i] = (uint8_t)(i | 1);
		dma_dst[i] = 0;
	}
	ok = edu_dma(bar, (uint64_t)dma_src, EDU_BUFFER, sizeof(dma_src), 0);
	gprintf("edu buffer loaded: %s\n", ok ? "yes" : "no");
	/* edu runs a DMA 100 ms after it is started: it is in flight while
	 * the pledge runs and returns. */
	((volatile uint64_t *)bar)[EDU_DMA_SRC / 8] = EDU_BUFFER;
	((volatile uint64_t *)bar)[EDU_DMA_DST / 8] = (uint64_t)dma_dst;
	((volatile uint64_t *)bar)[EDU_DMA_COUNT / 8] = sizeof(dma_dst);
	((volatile uint64_t *)bar)[EDU_DMA_CMD / 8] =
		EDU_DMA_TO_RAM | EDU_DMA_RUN;
	r = rumkv_call(RUMKV_HC_PLEDGE, RUMKV_RIGHTS_COMPUTE_ONLY, 0, 0);
	gprintf("pledged the edu device away with its DMA in flight: %lld\n",
		(long long)r.x0);
	sleep_ms(1000);
	for (unsigned i = 0; i < sizeof(dma_dst); i++) {
		landed += dst[i] != 0;
	}
	gprintf("bytes landed after the pledge: %u\n", landed);
	gprintf("reading the edu device after the pledge\n");
	gprintf("edu read survived: 0x%x\n",
		*(volatile uint32_t *)(bar + EDU_ID));
}

static volatile uint32_t *pci_reg(uint64_t ecam, uint64_t rid, uint32_t off)
{
	return (volatile uint32_t *)(ecam + (rid << 12) + off);
}

static void pci_scan(uint64_t ecam)
{
	unsigned found = 0;

	for (uint64_t dev = 0; dev < 32; dev++) {
		for (uint64_t fn = 0; fn < 8; fn++) {
			uint32_t id = *pci_reg(ecam, dev << 3 | fn, 0);
			uint32_t hdr = *pci_reg(ecam, dev << 3 | fn, 0x0c);

			if ((id & 0xffff) == 0xffff) {
				if (fn == 0) {
					break;
				}
				continue;
			}
			found++;
			gprintf("found pci 00:%02x.%x id %04x:%04x\n",
				(unsigned)dev, (unsigned)fn, id & 0xffff,
				id >> 16);
			if (fn == 0 && (hdr & (0x80u << 16)) == 0) {
				break;
			}
		}
	}
	gprintf("bus 0: %u functions\n", found);
}

static void test_pci_enum(void)
{
	uint64_t ecam = arg_or("ecam", 0);
	uint64_t own = arg_or("own", 0);
	uint64_t other = arg_or("other", 0);
	uint64_t bar = arg_or("bar", 0);
	volatile uint32_t *bar0 = pci_reg(ecam, own, 0x10);
	volatile uint16_t *cmd =
		(volatile uint16_t *)(uintptr_t)pci_reg(ecam, own, 4);
	unsigned bad = 0;
	bool ok;

	sleep_ms(arg_or("wait", 0));
	pci_scan(ecam);
	gprintf("own BAR0 0x%x, command 0x%x\n", *bar0, *cmd);
	*bar0 = 0x20000000;
	gprintf("own BAR0 after writing 0x20000000: 0x%x\n", *bar0);
	*bar0 = ~0u;
	gprintf("own BAR0 size mask 0x%x\n", *bar0);
	*bar0 = 0x10000000;
	gprintf("own BAR0 after sizing 0x%x\n", *bar0);
	*cmd = 0xffff;
	gprintf("own command after writing 0xffff: 0x%x\n", *cmd);
	*cmd = 0x6;
	if (other != 0) {
		*(volatile uint16_t *)(uintptr_t)pci_reg(ecam, other, 4) = 0;
		*pci_reg(ecam, other, 0x10) = 0x10000000;
		gprintf("other function id after writes: 0x%x\n",
			*pci_reg(ecam, other, 0));
	}
	ok = edu_round_trip(bar, 3, 1, &bad);
	gprintf("DMA round trip: %s\n", ok && bad == 0 ? "ok" : "FAILED");
}

static uint8_t victim_byte(uint64_t i)
{
	return (uint8_t)(i * 29 + 5);
}

static void test_dma_victim(void)
{
	volatile uint8_t *buf = (volatile uint8_t *)arg_or("addr", 0);
	uint64_t ms = arg_or("ms", 3000);
	uint64_t end = counter() + counter_freq() * ms / 1000;
	unsigned changed = 0;

	for (uint64_t i = 0; i < 4096; i++) {
		buf[i] = victim_byte(i);
	}
	gprintf("victim: 4096 bytes at 0x%llx filled\n",
		(unsigned long long)(uintptr_t)buf);
	while (counter() < end && changed == 0) {
		sleep_ms(50);
		for (uint64_t i = 0; i < 4096; i++) {
			changed += buf[i] != victim_byte(i);
		}
	}
	gprintf("victim: after %llu ms, %u bytes changed\n",
		(unsigned long long)ms, changed);
}

/* ---- test=chan ---------------------------------------------------------- */

/* Waits, interrupts unmasked, until `n` doorbells arrived or `ms` passed. */
static bool chan_wait(unsigned n, uint64_t ms)
{
	uint64_t end = counter() + counter_freq() * ms / 1000;

	__asm__ volatile("msr daifclr, #2");
	while (chan_irqs < n && counter() < end) {
		__asm__ volatile("yield");
	}
	__asm__ volatile("msr daifset, #2");
	return chan_irqs >= n;
}

static int64_t chan_ring(uint64_t id, uint64_t junk)
{
	return (int64_t)rumkv_call(RUMKV_HC_DOORBELL, id, junk, ~junk).x0;
}

static uint64_t chan_cycles(void)
{
	uint64_t v;

	__asm__ volatile("isb\n\tmrs %0, pmccntr_el0" : "=r"(v));
	return v;
}

/* Cycles (instructions under -icount) of the doorbell and of the null
 * call, the fewest of 16 each, PMCCNTR_EL0 counting at EL2 too. */
static void chan_cost(uint64_t id)
{
	uint64_t ring = ~0ull;
	uint64_t null = ~0ull;

	__asm__ volatile("msr pmccfiltr_el0, %0\n\t"
			 "msr pmcntenset_el0, %1\n\t"
			 "msr pmcr_el0, %2\n\t"
			 "isb" ::"r"(1ull << 27),
			 "r"(1ull << 31), "r"(0x45ull));
	for (int i = 0; i < 16; i++) {
		uint64_t t0 = chan_cycles();
		uint64_t t1;

		(void)rumkv_call(RUMKV_HC_VERSION, 0, 0, 0);
		t1 = chan_cycles();
		null = t1 - t0 < null ? t1 - t0 : null;
		t0 = chan_cycles();
		(void)chan_ring(id, 0);
		t1 = chan_cycles();
		ring = t1 - t0 < ring ? t1 - t0 : ring;
	}
	gprintf("doorbell cycles %llu, null call cycles %llu\n",
		(unsigned long long)ring, (unsigned long long)null);
}

static const volatile struct rumkv_status_cell *peer_status(void)
{
	uint64_t ipa = rumkv_call(RUMKV_HC_STATUS_PAGE, 0, 0, 0).x1;
	const volatile struct rumkv_status_page *st = (const void *)ipa;

	return &st->cell[arg_or("peer", 0) % RUMKV_STATUS_MAX_CELLS];
}

/* Polls the peer's status entry until `done` holds of it, for `ms`. */
static bool chan_watch(bool (*done)(const volatile struct rumkv_status_cell *),
		       uint64_t ms)
{
	uint64_t end = counter() + counter_freq() * ms / 1000;

	while (!done(peer_status()) && counter() < end) {
		__asm__ volatile("yield");
	}
	return done(peer_status());
}

static bool dropped_ipc(const volatile struct rumkv_status_cell *c)
{
	return (c->rights & RUMKV_RIGHT_IPC) == 0;
}

static bool has_ended(const volatile struct rumkv_status_cell *c)
{
	return c->state == RUMKV_CELL_TERMINATED;
}

static void test_chan(void)
{
	uint64_t id = arg_or("id", 0);
	volatile uint64_t *msg = (volatile uint64_t *)arg_or("region", 0);
	volatile uint64_t *reply = msg + 512;
	unsigned rounds = (unsigned)arg_or("rounds", 3);
	uint64_t route;

	chan_irq = (uint32_t)arg_or("irq", 0);
	if (bootarg_u64("route", &route)) {
		*(volatile uint64_t *)(0x08006000ull + chan_irq * 8ull) = route;
	}
	gic_enable_irq(chan_irq);
	for (unsigned r = 1; r <= rounds; r++) {
		if (arg_or("role", 0) == 0) {
			msg[1] = 0x1000 + r;
			__asm__ volatile("dmb ish" ::: "memory");
			msg[0] = r;
			gprintf("round %u: rang %lld\n", r,
				(long long)chan_ring(id, r));
			if (!chan_wait(r, 5000)) {
				gprintf("round %u: no answer\n", r);
				return;
			}
			gprintf("round %u: reply %llu 0x%llx\n", r,
				(unsigned long long)reply[0],
				(unsigned long long)reply[1]);
		} else {
			if (!chan_wait(r, arg_or("wait", 5000))) {
				gprintf("round %u: no message\n", r);
				return;
			}
			gprintf("round %u: message %llu 0x%llx\n", r,
				(unsigned long long)msg[0],
				(unsigned long long)msg[1]);
			reply[1] = msg[1] * 2;
			__asm__ volatile("dmb ish" ::: "memory");
			reply[0] = r;
			gprintf("round %u: rang %lld\n", r,
				(long long)chan_ring(id, r));
		}
	}
	if (arg_or("cost", 0) != 0) {
		chan_cost(id);
	}
	if (arg_or("role", 0) == 0) {
		gprintf("pledged the channel away: %lld\n",
			(long long)rumkv_call(RUMKV_HC_PLEDGE,
					      arg_or("keep", 1), 0, 0)
				.x0);
		gprintf("reading the region after the pledge\n");
		gprintf("region read survived: %llu\n",
			(unsigned long long)msg[0]);
		return;
	}
	gprintf("peer dropped the channel: %s\n",
		chan_watch(dropped_ipc, arg_or("watch", 10000)) ? "yes" : "no");
	gprintf("ring after the peer's pledge: %lld\n",
		(long long)chan_ring(id, 0));
	gprintf("peer ended: %s, reason %u\n",
		chan_watch(has_ended, arg_or("watch", 10000)) ? "yes" : "no",
		peer_status()->reason);
	gprintf("ring to the ended peer: %lld\n", (long long)chan_ring(id, 0));
	gprintf("region still ours: %llu\n", (unsigned long long)reply[0]);
	chan_wait(~0u, arg_or("linger", 500));
	gprintf("doorbells received: %u\n", chan_irqs);
}

static void test_chan_hostile(void)
{
	uint64_t n = arg_or("n", 1000);
	uint64_t x = 0x9e3779b97f4a7c15ull;
	uint64_t bad = 0;

	uint64_t i;

	for (i = 0; i < n || (peer_status()->state == RUMKV_CELL_RUNNING &&
			      i < 100000000);
	     i++) {
		uint64_t id = i;

		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		if (i >= 64) {
			id = (i & 1) ? x : (x & 0xffffffffu);
		}
		if (chan_ring(id, x) != RUMKV_RET_INVALID_PARAMETER) {
			bad++;
		}
	}
	gprintf("hostile rings: %s %llu, not refused: %llu\n",
		i >= n ? "at least" : "fewer than", (unsigned long long)n,
		(unsigned long long)bad);
}

static void run_test(const char *test, unsigned vcores)
{
	if (str_is(test, "poll-input")) {
		test_poll_input();
	} else if (str_is(test, "touch")) {
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
	} else if (str_is(test, "edu-dma")) {
		test_edu_dma();
	} else if (str_is(test, "edu-pledge")) {
		test_edu_pledge();
	} else if (str_is(test, "pci-enum")) {
		test_pci_enum();
	} else if (str_is(test, "dma-victim")) {
		test_dma_victim();
	} else if (str_is(test, "rtc-owner")) {
		test_rtc_owner();
	} else if (str_is(test, "restart-check")) {
		test_restart_check();
	} else if (str_is(test, "beat")) {
		test_beat();
	} else if (str_is(test, "chan")) {
		test_chan();
	} else if (str_is(test, "chan-hostile")) {
		test_chan_hostile();
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
	if (vcore_index() == 1 && str_is(test, "poll-input") &&
	    arg_or("poller", 0) == 1) {
		poll_on_vcore1();
	}
	if (vcore_index() == 1 && str_is(test, "parked-level") &&
	    ++vcore1_starts == 1) {
		psci_cpu_off();
	}
	gic_init_cpu();
	if (vcore_index() == 1 && str_is(test, "sgi")) {
		volatile uint32_t *en =
			(volatile uint32_t *)(0x080a0000ull + 0x20000 +
					      0x10100);

		/* SGI 15 too: it is RumKV's, so this must not enable it. */
		*en = 1u << 3 | 1u << 15;
		sgi_enable_read = *en;
		sgi_ready = 1;
		sgi_windows_vcore1();
	}
	/* SGIs 0-14: test=sgi's 3, test=beat's own 7, and foreign ones. */
	*(volatile uint32_t *)(0x080a0000ull + vcore_index() * 0x20000ull +
			       0x10100) = 0x7fff;
	sgi_ready = 1; /* tells vcore 0 that its SGIs are enabled here */
	for (;;) {
		uint64_t iar;

		__asm__ volatile("wfi");
		__asm__ volatile("mrs %0, icc_iar1_el1" : "=r"(iar));
		if (iar < 16) {
			sgi_seen[iar]++;
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
	} else if (iar < 16) {
		sgi_seen[iar]++;
	} else if (iar == beat_spi) { /* iar >= 16 here: 0 is none */
		spi_irqs++;
	} else if (iar == chan_irq) {
		chan_irqs++;
	} else if (iar >= 32 && iar < 1020) {
		rtc_irqs++;
		/* Quiet the level-triggered alarm while it is ours; after the
		 * pledge RumKV must not deliver it at all. */
		if (rtc_owned) {
			((volatile uint32_t *)RTC_BASE)[RTC_ICR] = 1;
		}
	}
	if (iar < 1020) {
		__asm__ volatile("msr icc_eoir1_el1, %0" ::"r"(iar));
	}
}
