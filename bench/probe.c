// SPDX-License-Identifier: MIT
/*
 * The benchmark probe: one bare-metal EL1 image that runs natively on
 * QEMU (no hypervisor: QEMU starts it at EL1 like a Linux Image) and in a
 * RumKV cell, and prints what it measures as lines the runner (bench/run)
 * parses:
 *
 *   bench KEY VALUE            one number
 *   bench hist NAME VALUE N    N samples of series NAME had VALUE
 *
 * Bootargs: bench=all (default) measures; bench=boot only reports when
 * the image started and then stays quiet for linger=MS before powering
 * its cell off (the other cells of the bench partition); bench=load runs
 * the neighbour load load=KIND on every vcore of its cell (see
 * run_load(): the interference benchmark, bench/interference.py), and
 * natively (no hypervisor) the measuring probe itself starts the same
 * loads on CPUs 4-5 (lb=KIND) and 6-7 (lc=KIND) first; interference=1
 * adds the WFI timer test and the memory-bound loop. samples=N
 * (1000) samples per series, period=TICKS (6250 = 100 us) between timer
 * interrupts, work=N (2000000) iterations of the fixed compute loop,
 * settle=MS (20) of quiet before measuring in a cell.
 *
 * Figures (what each series is):
 *   entry_ticks      CNTVCT_EL0 at the image's first instruction
 *   hvc_ticks        ticks over a null hypercall (RUMKV_HC_VERSION)
 *   hvc_cycles       PMCCNTR_EL0 over the same call; null_* without it
 *   irq_ticks        virtual timer: CNTVCT_EL0 in the IRQ vector - CVAL
 *   irq_ns           the same in ns, from the cycle counter
 *   timer_*          the compute loop interrupted every `period` ticks
 *   compute_*        the compute loop alone, with no timer: ticks, and
 *                    cycles (PMCCNTR_EL0, at every exception level)
 *   irq_wfi_*        the timer interrupt taken in WFI (nothing else runs
 *                    on the core): the same two series
 *   memory_*         a memory-bound loop (one load and store per 64-byte
 *                    line over 4 MiB, 8 passes): ticks and cycles
 *   console_ticks    ticks to print one short line (64 samples)
 */
#include <guest.h>
#include <rumkv/format.h>
#include <stdarg.h>

#define TIMER_PPI 27u
#define LOAD_SGI 1u
#define PL011_BASE 0x09000000ull
#define GICD_BASE 0x08000000ull
#define MEMORY_WORDS (4u << 20) / 8u /* 4 MiB */
#define MEMORY_LINE_WORDS 8u
#define MEMORY_PASSES 8u
#define PSCI_VERSION 0x84000000u
#define MAX_SAMPLES 4096u
#define WORK_WORDS 32768u /* 256 KiB */
#define PMCR_E (1u << 0)
#define PMCR_C (1u << 2)
#define PMCR_LC (1u << 6)
#define PMCCFILTR_NSH (1u << 27)
#define PMCNTEN_C (1u << 31)

uint64_t probe_hvc_ticks(uint64_t fid);
uint64_t probe_null_ticks(void);
uint64_t probe_hvc_cycles(uint64_t fid);
uint64_t probe_null_cycles(void);
uint64_t probe_nops_cycles(void);
int64_t probe_cycles_offset(void);
void probe_irq(uint64_t cycles, uint64_t ticks);
extern const char probe_vectors[];
extern const char probe_vectors_ticks[];
extern const char guest_vectors[];

struct series {
	uint32_t count;
	int64_t v[MAX_SAMPLES];
};

struct settings {
	uint64_t samples;
	uint64_t period;
	uint64_t work;
	uint64_t settle;
	uint64_t linger;
};

static struct series series_a;
static struct series series_b;
static uint64_t work_buf[WORK_WORDS];
static uint64_t memory_buf[MEMORY_WORDS];

/* Natively the loads of bench=load share the PL011 (and this image's
 * memory) with the measuring probe, so lines go out whole under this
 * lock. In a cell it is the cell's own; RumKV assembles each core's
 * lines anyway. */
static volatile uint32_t say_lock;

/* State the IRQ handler shares with the timer test. The period must be
 * longer than the handler, or every deadline is already past when it is
 * set. */
static volatile uint64_t irq_cval;
static volatile uint32_t irq_taken;
static uint64_t irq_period;
static uint32_t irq_wanted;
static int64_t cycles_offset;
static struct series *irq_ticks = &series_a;
static struct series *irq_ns = &series_b;

static uint64_t arg_or(const char *key, uint64_t dflt)
{
	uint64_t v;

	return bootarg_u64(key, &v) ? v : dflt;
}

static bool str_is(const char *a, const char *b)
{
	while (*a != '\0' && *a == *b) {
		a++;
		b++;
	}
	return *a == *b;
}

static void lock_take(volatile uint32_t *lock)
{
	uint32_t busy;
	uint32_t failed;

	/* It yields while it waits, as a kernel's lock does (Linux's wait in
	 * WFE, which QEMU takes as a YIELD): under -icount a vCPU that spins
	 * without would keep the holder from running for QEMU's whole
	 * time slice (docs/temporal-isolation.md). */
	__asm__ volatile("1:	ldaxr	%w0, [%2]\n\t"
			 "cbz	%w0, 2f\n\t"
			 "yield\n\t"
			 "b	1b\n"
			 "2:	stxr	%w1, %w3, [%2]\n\t"
			 "cbnz	%w1, 1b"
			 : "=&r"(busy), "=&r"(failed)
			 : "r"(lock), "r"(1u)
			 : "memory");
}

static void lock_give(volatile uint32_t *lock)
{
	__asm__ volatile("stlr	wzr, [%0]" ::"r"(lock) : "memory");
}

static void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void say(const char *fmt, ...)
{
	char buf[160];
	va_list ap;

	va_start(ap, fmt);
	rumkv_vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	lock_take(&say_lock);
	gputs(buf);
	lock_give(&say_lock);
}

static void report(const char *key, int64_t value)
{
	say("bench %s %lld\n", key, (long long)value);
}

static void sort(int64_t *v, uint32_t n)
{
	uint32_t i;

	for (i = 1; i < n; i++) {
		int64_t x = v[i];
		uint32_t j = i;

		for (; j > 0 && v[j - 1] > x; j--) {
			v[j] = v[j - 1];
		}
		v[j] = x;
	}
}

/* interference=1: series are printed as one summary line each, so that a
 * spread of values cannot exceed the cell's console budget. */
static bool summaries;

/* "bench sum NAME N TOTAL P99 MAX" of a sorted series; p99 is the value
 * at rank ceil(0.99 N), as bench/run computes it from a histogram. */
static void report_summary(const char *name, const struct series *s)
{
	int64_t total = 0;
	uint32_t rank = (s->count * 99u + 99u) / 100u;
	uint32_t i;

	for (i = 0; i < s->count; i++) {
		total += s->v[i];
	}
	say("bench sum %s %u %lld %lld %lld\n", name, s->count,
	    (long long)total, (long long)s->v[rank > 0 ? rank - 1 : 0],
	    (long long)s->v[s->count > 0 ? s->count - 1 : 0]);
}

/* Prints a series as a histogram, one line per distinct value. */
static void report_series(const char *name, struct series *s)
{
	uint32_t i = 0;

	sort(s->v, s->count);
	if (summaries) {
		report_summary(name, s);
		return;
	}
	while (i < s->count) {
		uint32_t j = i;

		while (j < s->count && s->v[j] == s->v[i]) {
			j++;
		}
		say("bench hist %s %lld %u\n", name, (long long)s->v[i], j - i);
		i = j;
	}
}

/* ---- counters ----------------------------------------------------------- */

/* Starts the cycle counter at every exception level the core has: under
 * RumKV, PMCCFILTR_EL0.NSH makes it count at EL2 too (RumKV gives cells
 * the PMU: MDCR_EL2.HPMN = all counters, no traps). */
static void pmu_start(void)
{
	__asm__ volatile("msr pmccfiltr_el0, %0\n\t"
			 "msr pmcntenset_el0, %1\n\t"
			 "msr pmcr_el0, %2\n\t"
			 "isb" ::"r"((uint64_t)PMCCFILTR_NSH),
			 "r"((uint64_t)PMCNTEN_C),
			 "r"((uint64_t)(PMCR_E | PMCR_C | PMCR_LC)));
}

static uint64_t cycles(void)
{
	uint64_t v;

	__asm__ volatile("isb\n\tmrs %0, pmccntr_el0" : "=r"(v));
	return v;
}

static uint64_t current_el(void)
{
	uint64_t el;

	__asm__ volatile("mrs %0, CurrentEL" : "=r"(el));
	return el;
}

static void timer_set(uint64_t cval, uint64_t ctl)
{
	__asm__ volatile("msr cntv_cval_el0, %0\n\t"
			 "msr cntv_ctl_el0, %1\n\t"
			 "isb" ::"r"(cval),
			 "r"(ctl));
}

static void set_vectors(const char *table)
{
	__asm__ volatile("msr vbar_el1, %0\n\tisb" ::"r"(table));
}

/* RUMKV_HC_STATS: traps to RumKV summed over this cell's cores. */
static uint64_t cell_traps(void)
{
	return rumkv_call(RUMKV_HC_STATS, 0, 0, 0).x2;
}

/* ---- the fixed compute loop --------------------------------------------- */

/* A xorshift walk over 256 KiB: arithmetic, and loads and stores spread
 * over 64 pages. Returns a checksum so that no work can be left out. */
static uint64_t compute(uint64_t iterations, uint64_t seed)
{
	uint64_t x = seed | 1;
	uint64_t sum = 0;
	uint64_t i;

	for (i = 0; i < iterations; i++) {
		uint64_t at;

		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		at = x & (WORK_WORDS - 1);
		work_buf[at] += x;
		sum += work_buf[(at * 7) & (WORK_WORDS - 1)];
	}
	return sum;
}

static void test_compute(const struct settings *set)
{
	uint64_t traps;
	uint64_t t0;
	uint64_t t1;
	uint64_t c0;
	uint64_t c1;
	uint64_t sum;
	uint32_t i;

	/* From the same state every time: the timer test used the buffer
	 * for as long as its interrupts took. */
	for (i = 0; i < WORK_WORDS; i++) {
		work_buf[i] = 0;
	}
	traps = guest_native ? 0 : cell_traps();
	t0 = counter();
	c0 = cycles();
	sum = compute(set->work, 1);
	c1 = cycles();
	t1 = counter();

	/* The second RUMKV_HC_STATS counts its own trap. */
	if (!guest_native) {
		report("compute_traps", (int64_t)(cell_traps() - traps - 1));
	}
	report("compute_ticks", (int64_t)(t1 - t0));
	report("compute_cycles", (int64_t)(c1 - c0));
	report("compute_checksum", (int64_t)(sum & 0xffffffffu));
}

/* ---- null hypercall ----------------------------------------------------- */

static void collect(struct series *s, uint64_t n, uint64_t (*fn)(uint64_t),
		    uint64_t arg)
{
	for (s->count = 0; s->count < n; s->count++) {
		s->v[s->count] = (int64_t)fn(arg);
	}
}

static uint64_t null_ticks(uint64_t arg)
{
	(void)arg;
	return probe_null_ticks();
}

static uint64_t null_cycles(uint64_t arg)
{
	(void)arg;
	return probe_null_cycles();
}

static void test_hvc(const struct settings *set)
{
	uint64_t fid = RUMKV_SMCCC_ID(RUMKV_HC_VERSION);
	struct smccc_res r = rumkv_call(RUMKV_HC_VERSION, 0, 0, 0);

	report("hvc_version", r.x0);
	collect(&series_a, set->samples, probe_hvc_ticks, fid);
	report_series("hvc_ticks", &series_a);
	collect(&series_a, set->samples, null_ticks, 0);
	report_series("null_ticks", &series_a);
	collect(&series_a, set->samples, probe_hvc_cycles, fid);
	report_series("hvc_cycles", &series_a);
	collect(&series_a, set->samples, null_cycles, 0);
	report_series("null_cycles", &series_a);
}

/* ---- virtual timer interrupt latency ------------------------------------ */

/* Called from the IRQ vector of probe.S with the cycle counter and the
 * virtual counter read as its second and third instructions. */
void probe_irq(uint64_t cycles, uint64_t ticks)
{
	uint64_t iar;

	__asm__ volatile("mrs %0, icc_iar1_el1" : "=r"(iar));
	if (iar == TIMER_PPI && irq_taken < irq_wanted) {
		uint64_t cval = irq_cval;
		uint32_t n = irq_taken;

		irq_ticks->v[n] = (int64_t)(ticks - cval);
		irq_ns->v[n] =
			(int64_t)cycles + cycles_offset - (int64_t)(cval * 16);
		irq_taken = ++n;
		/* The next deadline is a fixed period after this one, so
		 * the handler's own time does not shift the samples. */
		irq_cval = cval + irq_period;
		timer_set(irq_cval, n < irq_wanted ? 1 : 0);
	}
	if (iar < 1020) {
		__asm__ volatile("msr icc_eoir1_el1, %0\n\tisb" ::"r"(iar));
	}
}

/* The compute loop interrupted every period (poll), or the core waiting
 * in WFI for each interrupt (wfi): the two ways a cell meets its timer. */
static void test_timer(const struct settings *set, bool wfi)
{
	uint64_t traps = 0;
	uint64_t sum = 0;
	uint64_t t0;
	uint64_t t1;

	irq_period = set->period;
	irq_wanted = (uint32_t)set->samples;
	irq_taken = 0;
	cycles_offset = probe_cycles_offset();
	set_vectors(summaries ? probe_vectors_ticks : probe_vectors);
	if (!guest_native) {
		traps = cell_traps();
	}
	t0 = counter();
	irq_cval = t0 + irq_period;
	timer_set(irq_cval, 1);
	__asm__ volatile("msr daifclr, #2" ::: "memory");
	while (irq_taken < irq_wanted) {
		if (wfi) {
			__asm__ volatile("wfi" ::: "memory");
		} else {
			sum += compute(64, sum);
		}
	}
	__asm__ volatile("msr daifset, #2" ::: "memory");
	t1 = counter();
	irq_ticks->count = irq_taken;
	irq_ns->count = irq_taken;
	if (wfi) {
		report("timer_wfi_ticks", (int64_t)(t1 - t0));
		report_series("irq_wfi_ticks", irq_ticks);
		report_series("irq_wfi_ns", irq_ns);
		set_vectors(guest_vectors);
		return;
	}
	if (!guest_native) {
		report("timer_traps", (int64_t)(cell_traps() - traps - 1));
	}
	set_vectors(guest_vectors);
	report("timer_ticks", (int64_t)(t1 - t0));
	report("timer_irqs", irq_taken);
	report_series("irq_ticks", irq_ticks);
	report_series("irq_ns", irq_ns);
}

/* ---- the memory-bound loop ---------------------------------------------- */

/* One load and one store per 64-byte line over 4 MiB, MEMORY_PASSES
 * times: on hardware the caches and the interconnect the cells share
 * decide its time; under -icount it is instructions like the rest. */
static void test_memory(void)
{
	uint64_t t0;
	uint64_t t1;
	uint64_t c0;
	uint64_t c1;
	uint64_t sum = 0;
	uint32_t pass;
	uint32_t i;

	for (i = 0; i < MEMORY_WORDS; i += MEMORY_LINE_WORDS) {
		memory_buf[i] = i;
	}
	t0 = counter();
	c0 = cycles();
	for (pass = 0; pass < MEMORY_PASSES; pass++) {
		for (i = 0; i < MEMORY_WORDS; i += MEMORY_LINE_WORDS) {
			uint64_t v = memory_buf[i] + pass;

			memory_buf[i] = v;
			sum += v;
		}
	}
	c1 = cycles();
	t1 = counter();
	report("memory_ticks", (int64_t)(t1 - t0));
	report("memory_cycles", (int64_t)(c1 - c0));
	report("memory_checksum", (int64_t)(sum & 0xffffffffu));
}

/* ---- a console line ----------------------------------------------------- */

/* The time to print one short line: in a cell a console hypercall, which
 * takes RumKV's console lock, the one thing every cell shares on this
 * path; natively the PL011 under the probe's lock, which the native loads
 * take too. */
static void test_console(const struct settings *set)
{
	uint32_t n = set->samples < 64 ? (uint32_t)set->samples : 64;
	uint32_t i;

	for (i = 0; i < n; i++) {
		uint64_t t0 = counter();

		say("console %u\n", i);
		series_a.v[i] = (int64_t)(counter() - t0);
	}
	series_a.count = n;
	report_series("console_ticks", &series_a);
}

/* ---- neighbour loads (bench=load) --------------------------------------- */

/* What a neighbour does on its cores while the probe measures: every
 * vcore of the cell runs it, except that heartbeat and restart run on the
 * first vcore only (the others idle). Natively the measuring probe
 * starts the same loads on CPUs 4-7, where there is such a load. */
enum load_kind {
	LOAD_IDLE,	/* WFI, nothing pending: the core sleeps */
	LOAD_SPIN,	/* a loop without traps */
	LOAD_HVC,	/* null hypercalls (natively: PSCI_VERSION) */
	LOAD_GICD,	/* reads of GICD_TYPER (trapped and emulated) */
	LOAD_HEARTBEAT, /* a console line every millisecond */
	LOAD_PRIMES,	/* the same, after counting primes (as the demo's) */
	LOAD_FLOOD,	/* console lines by hypercall, back to back */
	LOAD_VUART,	/* console lines on the (emulated) PL011 */
	LOAD_IPI,	/* SGIs to the sibling vcore, taken and ended */
	LOAD_RESTART,	/* a violation at once: the cell ends and restarts */
	LOAD_COUNT,
};

static const char *const load_names[LOAD_COUNT] = {
	"idle",	  "spin",  "hvc",   "gicd", "heartbeat",
	"primes", "flood", "vuart", "ipi",  "restart",
};

static bool load_of(const char *name, uint32_t *kind)
{
	uint32_t k;

	for (k = 0; k < LOAD_COUNT; k++) {
		if (str_is(name, load_names[k])) {
			*kind = k;
			return true;
		}
	}
	return false;
}

/* The load of the vcores after the first. */
static uint32_t load_sibling(uint32_t kind)
{
	return kind == LOAD_HEARTBEAT || kind == LOAD_PRIMES ||
			       kind == LOAD_RESTART
		       ? LOAD_IDLE
		       : kind;
}

/* Natively no console budget drops a flood's lines (RumKV gives each
 * cell 64 KiB at once, then 4 KiB a second, docs/architecture.md): the
 * native loads stop writing after the same 64 KiB, but go on building
 * their lines and taking the lock, as RumKV takes its console lock to
 * drop a line. (Every character written costs QEMU a host write, so an
 * unbounded native flood makes the benchmark slow, not different.) */
#define NATIVE_FLOOD_BYTES (64u << 10)
static uint32_t native_flood_bytes;

static bool flood_over(const char *s)
{
	uint32_t n = 0;

	if (!guest_native) {
		return false;
	}
	while (s[n] != '\0') {
		n++;
	}
	return __atomic_add_fetch(&native_flood_bytes, n, __ATOMIC_RELAXED) >
	       NATIVE_FLOOD_BYTES;
}

static void vuart_line(const char *s)
{
	bool over = flood_over(s);

	lock_take(&say_lock);
	for (; !over && *s != '\0'; s++) {
		while (*(volatile uint32_t *)(PL011_BASE + 0x18) & (1u << 5)) {
		}
		*(volatile uint32_t *)PL011_BASE = (uint8_t)*s;
	}
	lock_give(&say_lock);
}

static void load_ipi(void)
{
	uint64_t sgi =
		(uint64_t)LOAD_SGI << 24 | 1u << ((vcore_index() ^ 1u) & 15u);

	gic_init_cpu();
	gic_enable_irq(LOAD_SGI);
	for (;;) {
		uint64_t iar;

		__asm__ volatile("msr icc_sgi1r_el1, %0\n\tisb" ::"r"(sgi));
		for (;;) {
			__asm__ volatile("mrs %0, icc_iar1_el1" : "=r"(iar));
			if (iar >= 1020) {
				break;
			}
			__asm__ volatile("msr icc_eoir1_el1, %0" ::"r"(iar));
		}
	}
}

/* examples/guests/demo.c's heartbeat work: pure computation. */
static uint32_t primes_below(uint32_t limit)
{
	uint32_t count = 0;
	uint32_t n;

	for (n = 2; n < limit; n++) {
		uint32_t d = 2;

		while (d * d <= n && n % d != 0) {
			d++;
		}
		count += d * d > n;
	}
	return count;
}

static void __attribute__((noreturn)) run_load(uint32_t kind)
{
	volatile uint64_t spins = 0;
	uint64_t beats = 0;

	switch (kind) {
	case LOAD_SPIN:
		for (;;) {
			spins++;
		}
	case LOAD_HVC:
		for (;;) {
			smccc_call(false,
				   guest_native
					   ? PSCI_VERSION
					   : RUMKV_SMCCC_ID(RUMKV_HC_VERSION),
				   0, 0, 0);
		}
	case LOAD_GICD:
		for (;;) {
			spins += *(volatile uint32_t *)(GICD_BASE + 4);
		}
	case LOAD_HEARTBEAT:
	case LOAD_PRIMES:
		gic_init_cpu();
		gic_enable_irq(TIMER_PPI);
		for (;;) {
			sleep_ms(1);
			if (kind == LOAD_PRIMES) {
				say("heartbeat %llu: %u primes below 2000\n",
				    (unsigned long long)beats++,
				    primes_below(2000));
			} else {
				say("heartbeat %llu\n",
				    (unsigned long long)beats++);
			}
		}
	case LOAD_FLOOD:
		for (;;) {
			char line[64];

			rumkv_snprintf(line, sizeof(line), "flood %llu %s\n",
				       (unsigned long long)beats++,
				       "0123456789abcdefghijklmnopqrstuvwxyz");
			if (!flood_over(line)) {
				say("%s", line);
			} else {
				/* As RumKV does for a line over budget: the
				 * console lock is taken, nothing printed. */
				lock_take(&say_lock);
				lock_give(&say_lock);
			}
		}
	case LOAD_VUART:
		for (;;) {
			vuart_line(
				"vuart 0123456789abcdefghijklmnopqrstuvwxyz\n");
		}
	case LOAD_IPI:
		load_ipi();
		break;
	case LOAD_RESTART:
		/* Flash at IPA 0: no cell has it. */
		spins = *(volatile uint32_t *)0x1000;
		break;
	default:
		break;
	}
	for (;;) {
		__asm__ volatile("wfi");
	}
}

/* Natively: the measuring probe starts the loads of lb= (CPUs 4-5) and
 * lc= (CPUs 6-7), as a neighbour cell would run them on those cores.
 * Returns whether there was any. */
static bool start_native_loads(void)
{
	static const char *const keys[] = {"lb", "lc"};
	bool any = false;
	uint32_t i;

	for (i = 0; i < 2; i++) {
		char name[16];
		uint32_t kind;
		uint64_t cpu = 4 + 2 * i;

		if (!bootarg(keys[i], name, sizeof(name)) ||
		    !load_of(name, &kind)) {
			continue;
		}
		psci_cpu_on(cpu, (uint64_t)guest_secondary_entry, kind);
		psci_cpu_on(cpu + 1, (uint64_t)guest_secondary_entry,
			    load_sibling(kind));
		any = true;
	}
	return any;
}

/* In a cell: the first vcore starts the others, then runs its load. */
static void __attribute__((noreturn)) cell_load(void)
{
	char name[16] = "idle";
	uint32_t kind = LOAD_IDLE;
	uint64_t v;

	bootarg("load", name, sizeof(name));
	if (!load_of(name, &kind)) {
		say("bench unknown load %s\n", name);
	}
	for (v = 1; psci_cpu_on(v, (uint64_t)guest_secondary_entry,
				load_sibling(kind)) == 0;
	     v++) {
	}
	run_load(kind);
}

/* ---- main --------------------------------------------------------------- */

/* A phase shift for the interference benchmark's control runs: QEMU's
 * `-device loader` puts PHASE_MAGIC and a number of ticks at PHASE_AT
 * (in cell A's RAM and in native RAM alike, untouched by either's
 * loader), and the probe busy-waits that long before measuring. Under
 * -icount the figures then show how much they depend on where the
 * measurement falls in QEMU's round-robin of the cores, with the same
 * image, partition and load. */
#define PHASE_AT 0x4f000000ull
#define PHASE_MAGIC 0x5048415345ull /* "PHASE" */

static void phase_shift(void)
{
	const volatile uint64_t *at = (const volatile uint64_t *)PHASE_AT;
	uint64_t end;

	if (at[0] != PHASE_MAGIC) {
		return;
	}
	report("phase_ticks", (int64_t)at[1]);
	end = counter() + at[1];
	while (counter() < end) {
	}
}

static void stay_quiet(uint64_t ms)
{
	gic_init_cpu();
	gic_enable_irq(TIMER_PPI);
	sleep_ms(ms);
}

void guest_main(uint64_t dtb)
{
	struct settings set;
	char mode[8] = "all";
	bool interference;

	guest_runtime_init(dtb);
	interference = arg_or("interference", 0) != 0;
	summaries = interference;
	bootarg("bench", mode, sizeof(mode));
	set.samples = arg_or("samples", 1000);
	set.period = arg_or("period", 6250);
	set.work = arg_or("work", 2000000);
	set.settle = arg_or("settle", 20);
	set.linger = arg_or("linger", 60000);
	if (set.samples > MAX_SAMPLES) {
		set.samples = MAX_SAMPLES;
	}
	report("entry_ticks", (int64_t)guest_entry_counter);
	report("current_el", (int64_t)(current_el() >> 2));
	if (str_is(mode, "load")) {
		cell_load();
	}
	if (str_is(mode, "boot")) {
		/* Another cell of the bench partition: report, then keep
		 * still (in WFI) until the measuring cell is long done. */
		stay_quiet(set.linger);
		psci_system_off();
	}
	report("cntfrq", (int64_t)counter_freq());
	if (!guest_native) {
		struct smccc_res r = rumkv_call(
			RUMKV_HC_PLEDGE, RUMKV_RIGHTS_COMPUTE_ONLY, 0, 0);

		report("pledge", r.x0);
		/* Let the other cells print and fall silent. */
		stay_quiet(set.settle);
	} else if (start_native_loads()) {
		stay_quiet(set.settle);
	} else {
		gic_init_cpu();
		gic_enable_irq(TIMER_PPI);
	}
	if (interference) {
		phase_shift();
	}
	pmu_start();
	report("pmu_nops9_cycles", (int64_t)probe_nops_cycles());
	if (!guest_native) {
		test_hvc(&set);
	}
	test_timer(&set, false);
	if (interference) {
		test_timer(&set, true);
	}
	test_compute(&set);
	if (interference) {
		test_memory();
		test_console(&set);
	}
	say("bench done\n");
	psci_system_off();
}

/* A load's vcore (bench=load), or natively a CPU the probe started. */
void guest_secondary(uint64_t ctx)
{
	run_load((uint32_t)ctx < LOAD_COUNT ? (uint32_t)ctx : LOAD_IDLE);
}

void guest_irq(void)
{
}
