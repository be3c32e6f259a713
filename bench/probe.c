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
 * its cell off (the other cells of the bench partition). samples=N
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
 */
#include <guest.h>

#define TIMER_PPI 27u
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

static void report(const char *key, int64_t value)
{
	gprintf("bench %s %lld\n", key, (long long)value);
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

/* Prints a series as a histogram, one line per distinct value. */
static void report_series(const char *name, struct series *s)
{
	uint32_t i = 0;

	sort(s->v, s->count);
	while (i < s->count) {
		uint32_t j = i;

		while (j < s->count && s->v[j] == s->v[i]) {
			j++;
		}
		gprintf("bench hist %s %lld %u\n", name, (long long)s->v[i],
			j - i);
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

static void test_timer(const struct settings *set)
{
	uint64_t traps = 0;
	uint64_t sum = 0;
	uint64_t t0;
	uint64_t t1;

	irq_period = set->period;
	irq_wanted = (uint32_t)set->samples;
	irq_taken = 0;
	cycles_offset = probe_cycles_offset();
	set_vectors(probe_vectors);
	if (!guest_native) {
		traps = cell_traps();
	}
	t0 = counter();
	irq_cval = t0 + irq_period;
	timer_set(irq_cval, 1);
	__asm__ volatile("msr daifclr, #2" ::: "memory");
	while (irq_taken < irq_wanted) {
		sum += compute(64, sum);
	}
	__asm__ volatile("msr daifset, #2" ::: "memory");
	t1 = counter();
	if (!guest_native) {
		report("timer_traps", (int64_t)(cell_traps() - traps - 1));
	}
	set_vectors(guest_vectors);
	report("timer_ticks", (int64_t)(t1 - t0));
	report("timer_irqs", irq_taken);
	irq_ticks->count = irq_taken;
	irq_ns->count = irq_taken;
	report_series("irq_ticks", irq_ticks);
	report_series("irq_ns", irq_ns);
}

/* ---- main --------------------------------------------------------------- */

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

	guest_runtime_init(dtb);
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
	} else {
		gic_init_cpu();
		gic_enable_irq(TIMER_PPI);
	}
	pmu_start();
	report("pmu_nops9_cycles", (int64_t)probe_nops_cycles());
	if (!guest_native) {
		test_hvc(&set);
	}
	test_timer(&set);
	test_compute(&set);
	gprintf("bench done\n");
	psci_system_off();
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
