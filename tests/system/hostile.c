// SPDX-License-Identifier: MIT
/*
 * The hostile guest of the QEMU system tests: a multi-core cell that does
 * everything a cell can do to RumKV, seeded and reproducible, and checks
 * RumKV's answers against docs and EL2-SPEC (the issue-11 behaviour).
 *
 * bootargs (all numbers decimal or 0x hex):
 *   seed=N            the seed; each run derives its own from it and from
 *                     the restart count and last end reason on the status
 *                     page, so that a restarted cell goes on, not over
 *   runs=N            the restart limit of the partition: run N (the one
 *                     with N restarts) is the last, it powers off
 *   modes=a,b,...     what every run does, in order, on all vcores:
 *     hvc     random HVC/SMC: every immediate 0..0xffff once (imm=1), and
 *             hvc=N random calls per vcore (x0..x7 random, RumKV's,
 *             PSCI's and SMCCC's function ranges included); the calls
 *             that end the cell or a vcore (SYSTEM_OFF/RESET, CPU_OFF,
 *             widening pledges) are not sent here: psci and the ends do
 *             them. Checks known answers and that x4..x17 survive.
 *     sysreg  sysreg=N encodings per vcore of the op0=2/3 space, MRS then
 *             MSR (the value read, or a random one where only RumKV can
 *             see it), going on where the previous run stopped (8192
 *             with four vcores: all 32768), and along with them the
 *             op0=1 CRn=11/15 SYS/SYSL; UNDEFINED ones are skipped by
 *             our own exception handler
 *     gic     a sweep of every offset of the distributor and of the
 *             cell's redistributor frames with every size the GICv3
 *             spec allows there (every gicsweep=K-th run, default 1, 0
 *             never), then gic=N random accesses per vcore;
 *             reads are checked against what a cell may see; then a
 *             quiet check of the register families (spis=LO-HI owned)
 *     sgi     sgi=N random ICC_SGI1R/ASGI1R/SGI0R writes per vcore, with
 *             SGIs 0-15 enabled and counted (15 must never arrive)
 *     vuart   vuart=N accesses per vcore of the emulated UART (data
 *             writes of the vcore's letter, FR/DR/ID reads), all at once
 *     ipa     a read of every 2 MiB block the cell may touch (its RAM,
 *             the GIC, the status page, the UART and dev= page), plus
 *             ipa=N random reads of its RAM per vcore
 *     psci    psci=N rounds of CPU_OFF/CPU_ON of vcores 1.. with
 *             AFFINITY_INFO and the error cases
 *   ends=a,b,...      how run k ends (cycling): touch (every vcore reads
 *                     one block outside the cell at once), gic16, gic64,
 *                     gic8, gicmis (misaligned, with the MMU on), gicpair
 *                     (LDP), gicr16, gicr-beyond (the frame of a vcore
 *                     the cell lacks), reset (SYSTEM_RESET: not a
 *                     violation, so the next run ends by touch), widen,
 *                     console (console write after pledging it away)
 *   ram=A ramsize=S dev=A vuart=N...  the cell's RAM, device page
 *
 * Everything is printed by vcore 0 as "hostile: run I ..." lines; the
 * runner (hostile_check.py) checks that every end has exactly one report
 * of the kind announced, that no check failed and that RumKV never
 * faulted. Interrupts stay masked throughout.
 */
#include <guest.h>
#include <rumkv/format.h>

#define GICD 0x08000000ull
#define GICR 0x080a0000ull
#define GICR_FRAME 0x20000ull
#define GICR_SGI 0x10000ull
#define UART 0x09000000ull
#define MAX_VC 16u
#define PARANGE_BITS 44 /* Cortex-A57 on QEMU: EL1 reaches 16 TiB */

enum mode { M_HVC, M_SYSREG, M_GIC, M_SGI, M_VUART, M_IPA, M_PSCI, M_COUNT };

static const char mode_name[M_COUNT][8] = {
	"hvc", "sysreg", "gic", "sgi", "vuart", "ipa", "psci",
};

/* Commands from vcore 0 to every vcore. */
enum cmd {
	CMD_NONE,
	CMD_MODE,  /* run mode cmd_arg */
	CMD_TOUCH, /* read touch_at[v] (the run's end) */
	CMD_STORM, /* background storm until the cell ends */
	CMD_END,   /* the vcore cmd_arg performs the end, the others storm */
	CMD_OFF,   /* CPU_OFF (psci mode) */
};

struct vc {
	uint64_t rng;
	uint64_t ops;
	uint64_t n[4]; /* per mode: what its summary line shows */
	volatile uint64_t probe_esr;
	volatile unsigned probing;
	unsigned fails;
	bool unchecked;		/* the storm of an end: reads are not checked */
	unsigned kinds;		/* failures printed in this mode */
	const char *kind[8];	/* ...and their kinds */
	volatile unsigned done; /* sequence number of the last command done */
	volatile unsigned back; /* restarted by CPU_ON (psci mode) */
	unsigned vuart_sent;
} __attribute__((aligned(64)));

static struct vc vcs[MAX_VC];
static volatile unsigned cmd_seq;
static volatile unsigned cmd;
static volatile uint64_t cmd_arg;
static volatile uint64_t touch_at[MAX_VC];
static volatile unsigned end_kind;
static volatile unsigned touch_ready;

static unsigned nvc;
static unsigned run_no;
static uint64_t run_seed;
static uint32_t cell_index;
static uint64_t rights_held;
static uint64_t status_ipa;
static uint64_t hwid_of[MAX_VC];
static uint64_t ram_base, ram_size, dev_page;
static uint32_t spi_lo, spi_hi;
static bool have_vuart;

/* ---- helpers -------------------------------------------------------- */

static uint64_t arg_or(const char *key, uint64_t dflt)
{
	uint64_t v;

	return bootarg_u64(key, &v) ? v : dflt;
}

static struct vc *me(void)
{
	return &vcs[vcore_index() % MAX_VC];
}

/* xorshift64*: cheap, and good enough to pick registers and values. */
static uint64_t rnd(struct vc *c)
{
	c->rng ^= c->rng >> 12;
	c->rng ^= c->rng << 25;
	c->rng ^= c->rng >> 27;
	return c->rng * 0x2545f4914f6cdd1dull;
}

static uint64_t rnd_below(struct vc *c, uint64_t n)
{
	return n == 0 ? 0 : rnd(c) % n;
}

/* A value biased towards the edges: zero, all ones, one bit, small. */
static uint64_t rnd_value(struct vc *c)
{
	switch (rnd_below(c, 6)) {
	case 0:
		return 0;
	case 1:
		return ~0ull;
	case 2:
		return 1ull << rnd_below(c, 64);
	case 3:
		return rnd_below(c, 64);
	default:
		return rnd(c);
	}
}

static uint64_t mix(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ull;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
	return x ^ (x >> 31);
}

static bool str_is(const char *a, const char *b)
{
	while (*a != '\0' && *a == *b) {
		a++;
		b++;
	}
	return *a == *b;
}

/* Whether `word` is an element of the comma-separated `list`. */
static bool in_list(const char *list, const char *word)
{
	while (*list != '\0') {
		const char *w = word;

		while (*w != '\0' && *list == *w) {
			list++;
			w++;
		}
		if (*w == '\0' && (*list == ',' || *list == '\0')) {
			return true;
		}
		while (*list != '\0' && *list != ',') {
			list++;
		}
		if (*list == ',') {
			list++;
		}
	}
	return false;
}

/* The `k`th element of a comma-separated list, into buf. */
static void list_item(const char *list, unsigned k, char *buf, size_t size)
{
	size_t n = 0;

	while (k > 0 && *list != '\0') {
		if (*list++ == ',') {
			k--;
		}
	}
	while (*list != '\0' && *list != ',' && n + 1 < size) {
		buf[n++] = *list++;
	}
	buf[n] = '\0';
}

static unsigned list_len(const char *list)
{
	unsigned n = *list != '\0';

	for (; *list != '\0'; list++) {
		n += *list == ',';
	}
	return n;
}

static void relax(void)
{
	__asm__ volatile("yield" ::: "memory");
}

/* A failed check: the first of each kind per vcore and mode is printed
 * (short: a console line holds 120 characters), all are counted. */
static void fail(const char *what, uint64_t a, uint64_t b, uint64_t c)
{
	struct vc *v = me();
	unsigned i;

	v->fails++;
	for (i = 0; i < v->kinds && v->kind[i] != what; i++) {
	}
	if (i < v->kinds || v->kinds == sizeof(v->kind) / sizeof(v->kind[0])) {
		return;
	}
	v->kind[v->kinds++] = what;
	gprintf("hostile: run %u check failed: v%u: %s %llx %llx %llx\n",
		run_no, vcore_index(), what, (unsigned long long)a,
		(unsigned long long)b, (unsigned long long)c);
}

/* ---- access primitives ------------------------------------------------ */

static uint64_t rd(uint64_t a, unsigned size)
{
	switch (size) {
	case 1:
		return *(volatile uint8_t *)a;
	case 2:
		return *(volatile uint16_t *)a;
	case 8:
		return *(volatile uint64_t *)a;
	default:
		return *(volatile uint32_t *)a;
	}
}

static void wr(uint64_t a, unsigned size, uint64_t v)
{
	switch (size) {
	case 1:
		*(volatile uint8_t *)a = (uint8_t)v;
		break;
	case 2:
		*(volatile uint16_t *)a = (uint16_t)v;
		break;
	case 8:
		*(volatile uint64_t *)a = v;
		break;
	default:
		*(volatile uint32_t *)a = (uint32_t)v;
		break;
	}
}

/* ---- probes: instructions that may be UNDEFINED ------------------------ */

#define INSN_RET 0xd65f03c0u
#define SYSREG_ENCODINGS 32768u /* o0:op1:CRn:CRm:op2 of op0 = 2, 3 */
#define SYS_ENCODINGS 2048u	/* op1:CRm:op2 of op0 = 1, CRn = 11, 15 */

/* One instruction and a RET each: the sweep calls them like functions
 * (x0 in and out). Written at boot, so the image stays small. */
static uint32_t mrs_stub[SYSREG_ENCODINGS][2] __attribute__((aligned(4096)));
static uint32_t msr_stub[SYSREG_ENCODINGS][2];
static uint32_t sys_stub[2][SYS_ENCODINGS][2];
static uint32_t call_stub[2][65536][2]; /* [smc][imm] */

typedef uint64_t (*stub_fn)(uint64_t);

void hostile_call(uint64_t r[18], const void *stub);

static void stubs_init(void)
{
	uint32_t e;

	for (e = 0; e < SYSREG_ENCODINGS; e++) {
		mrs_stub[e][0] = 0xd5300000u | e << 5;
		mrs_stub[e][1] = INSN_RET;
		msr_stub[e][0] = 0xd5100000u | e << 5;
		msr_stub[e][1] = INSN_RET;
	}
	for (e = 0; e < SYS_ENCODINGS; e++) {
		uint32_t op1 = e >> 8, crn = (e >> 7 & 1) ? 15 : 11;
		uint32_t crm = e >> 3 & 15, op2 = e & 7;
		uint32_t f = op1 << 16 | crn << 12 | crm << 8 | op2 << 5;

		sys_stub[0][e][0] = 0xd5080000u | f;
		sys_stub[1][e][0] = 0xd5280000u | f;
		sys_stub[0][e][1] = INSN_RET;
		sys_stub[1][e][1] = INSN_RET;
	}
	for (e = 0; e < 65536; e++) {
		call_stub[0][e][0] = 0xd4000002u | e << 5; /* HVC #e */
		call_stub[1][e][0] = 0xd4000003u | e << 5; /* SMC #e */
		call_stub[0][e][1] = INSN_RET;
		call_stub[1][e][1] = INSN_RET;
	}
	__asm__ volatile("dsb sy\n\tic iallu\n\tdsb sy\n\tisb" ::: "memory");
}

/* Runs `fn(in)`; *exc = the ESR of the exception it took (0: none). */
static uint64_t probe(const void *fn, uint64_t in, uint64_t *exc)
{
	struct vc *c = me();
	uint64_t v;

	c->probe_esr = 0;
	c->probing = 1;
	__asm__ volatile("" ::: "memory");
	v = ((stub_fn)fn)(in);
	__asm__ volatile("" ::: "memory");
	c->probing = 0;
	*exc = c->probe_esr;
	return v;
}

uint64_t guest_exception(uint64_t kind, uint64_t esr, uint64_t elr,
			 uint64_t far)
{
	struct vc *c = me();

	if (kind == 0 && c->probing) {
		/* Skip the instruction; bit 63 marks "an exception", even
		 * one whose ESR would read 0. */
		c->probe_esr = esr | 1ull << 63;
		return elr + 4;
	}
	gprintf("hostile: run %u check failed: vcore %u: unexpected exception "
		"%llu: ESR 0x%llx ELR 0x%llx FAR 0x%llx\n",
		run_no, vcore_index(), (unsigned long long)kind,
		(unsigned long long)esr, (unsigned long long)elr,
		(unsigned long long)far);
	guest_exit();
}

void guest_irq(void)
{
	/* Interrupts stay masked: nothing is taken. */
}

static void drain_irqs(void)
{
	for (unsigned i = 0; i < 64; i++) {
		uint64_t iar;

		__asm__ volatile("mrs %0, icc_iar1_el1" : "=r"(iar));
		if (iar >= 1020) {
			break;
		}
		__asm__ volatile("msr icc_eoir1_el1, %0\n\tisb" ::"r"(iar));
	}
}

/* ---- hvc: calls ------------------------------------------------------ */

#define PSCI_FN(w) ((w)&0xffffu)
#define IS_PSCI(w) (((w)&0xbfff0000u) == 0x84000000u)
#define IS_RUMKV(w) (((w)&0xffff0000u) == 0xc6000000u)

static bool psci_implemented(uint32_t fid)
{
	uint32_t f = fid & ~0x40000000u;

	return f == 0x80000000u || (f >= 0x84000000u && f <= 0x8400000au &&
				    f != 0x84000005u && f != 0x84000007u);
}

/* x0..x7 of a random call; the calls that end the cell or a vcore are
 * replaced (counted in n[1]). */
static void call_args(struct vc *c, uint64_t r[18], unsigned imm)
{
	uint64_t hi = rnd(c) & 0xffffffff00000000ull;
	uint32_t w0;
	unsigned i;

	switch (rnd_below(c, 6)) {
	case 0:
		w0 = (uint32_t)rnd(c);
		break;
	case 1:
		w0 = 0xc6000000u | (uint32_t)rnd_below(c, 8);
		break;
	case 2:
		w0 = rnd_below(c, 2) ? 0xc6000000u | (uint32_t)(rnd(c) & 0xffff)
				     : 0x8600ff00u | (uint32_t)rnd_below(c, 8);
		break;
	case 3:
		w0 = (rnd_below(c, 2) ? 0xc4000000u : 0x84000000u) |
		     (uint32_t)rnd_below(c, 0x20);
		break;
	case 4:
		w0 = 0x80000000u | (uint32_t)rnd_below(c, 4);
		break;
	default:
		w0 = (uint32_t)rnd(c) | 0x80000000u; /* some fast call */
		break;
	}
	r[0] = hi | w0;
	for (i = 1; i < 8; i++) {
		switch (rnd_below(c, 4)) {
		case 0:
			r[i] = 0;
			break;
		case 1:
			r[i] = rnd_below(c, 64);
			break;
		case 2:
			r[i] = ram_base + rnd_below(c, ram_size);
			break;
		default:
			r[i] = rnd(c);
			break;
		}
	}
	if (imm != 0) {
		return;
	}
	if (IS_PSCI(w0) &&
	    (PSCI_FN(w0) == 2 || PSCI_FN(w0) == 8 || PSCI_FN(w0) == 9)) {
		r[0] = 0x84000000u; /* PSCI_VERSION instead */
		c->n[1]++;
	} else if (IS_RUMKV(w0) && PSCI_FN(w0) == RUMKV_HC_PLEDGE) {
		r[1] = rights_held; /* narrowing to what it holds: a no-op */
		c->n[1]++;
	}
}

/* What RumKV must answer in x0, where that is known; false if not. */
static bool call_answer(uint32_t w0, unsigned imm, const uint64_t *in,
			int64_t *want)
{
	*want = -1;
	if (imm != 0) {
		return true; /* not an SMCCC call: NOT_SUPPORTED */
	}
	if (IS_RUMKV(w0)) {
		switch (w0 & 0xffff) {
		case RUMKV_HC_VERSION:
			*want = RUMKV_ABI_VERSION;
			return true;
		case RUMKV_HC_CONSOLE_WRITE:
			*want = in[1] <= RUMKV_CONSOLE_WRITE_MAX
					? (int64_t)in[1]
					: -3;
			return true;
		case RUMKV_HC_DOORBELL:
			/* The hostile cell is in no channel: every id is
			 * refused and nothing is raised anywhere. */
			*want = -3;
			return true;
		case RUMKV_HC_PLEDGE:
		case RUMKV_HC_CORE_INFO:
		case RUMKV_HC_STATUS_PAGE:
		case RUMKV_HC_STATS:
			*want = 0;
			return true;
		default:
			return true;
		}
	}
	if (IS_PSCI(w0)) {
		switch (w0 & ~0x40000000u) {
		case 0x84000000u:
			*want = 0x10001;
			return true;
		case 0x84000001u: /* CPU_SUSPEND: a standby left at once */
			*want = 0;
			return true;
		case 0x84000003u: /* CPU_ON: whatever the arguments say */
		case 0x84000004u: /* AFFINITY_INFO */
			return false;
		case 0x84000006u:
			*want = 2;
			return true;
		case 0x8400000au:
			*want = psci_implemented((uint32_t)in[1]) ? 0 : -1;
			return true;
		default:
			return true;
		}
	}
	switch (w0) {
	case 0x80000000u:
		*want = 0x10001;
		return true;
	case RUMKV_SMCCC_CALL_COUNT:
		*want = RUMKV_HC_COUNT;
		return true;
	case RUMKV_SMCCC_UID:
		*want = RUMKV_UID_W0;
		return true;
	case RUMKV_SMCCC_REVISION:
		*want = RUMKV_ABI_VERSION_MAJOR;
		return true;
	default:
		return true;
	}
}

static void one_call(struct vc *c, unsigned smc, unsigned imm)
{
	uint64_t r[18];
	uint64_t in[18];
	int64_t want;
	unsigned i;

	call_args(c, r, imm);
	for (i = 8; i < 18; i++) {
		r[i] = rnd(c);
	}
	for (i = 0; i < 18; i++) {
		in[i] = r[i];
	}
	hostile_call(r, call_stub[smc][imm]);
	c->ops++;
	for (i = 4; i < 18; i++) {
		if (r[i] != in[i]) {
			fail("call clobbered x4..x17: fid reg imm*2+smc", in[0],
			     i, (uint64_t)imm << 1 | smc);
			break;
		}
	}
	if (call_answer((uint32_t)in[0], imm, in, &want) &&
	    (int64_t)r[0] != want) {
		fail("wrong x0: fid x0 imm*2+smc", in[0], r[0],
		     (uint64_t)imm << 1 | smc);
	}
	if (IS_RUMKV((uint32_t)in[0]) && imm == 0 &&
	    (in[0] & 0xffff) == RUMKV_HC_CORE_INFO &&
	    (r[1] != cell_index || r[2] != vcore_index() ||
	     r[3] != hwid_of[vcore_index()])) {
		fail("CORE_INFO: cell vcore hw", r[1], r[2], r[3]);
	}
	if (IS_RUMKV((uint32_t)in[0]) && imm == 0 &&
	    (in[0] & 0xffff) == RUMKV_HC_STATUS_PAGE && r[1] != status_ipa) {
		fail("STATUS_PAGE moved: now was", r[1], status_ipa, 0);
	}
	c->n[0] += imm != 0;
}

/* Ends a line the random console writes may have left open on this
 * vcore, whatever escape state it is in ("@" ends any sequence). */
static void console_flush(void)
{
	gputs("@@\n");
}

static void mode_hvc(struct vc *c, unsigned v)
{
	uint64_t calls = arg_or("hvc", 1000);
	unsigned imm;

	if (arg_or("imm", 0) != 0) {
		for (imm = v; imm < 65536; imm += nvc) {
			one_call(c, 0, imm);
			one_call(c, 1, imm);
		}
	}
	for (uint64_t i = 0; i < calls; i++) {
		unsigned smc = (unsigned)rnd_below(c, 2);

		imm = rnd_below(c, 4) == 0 ? (unsigned)(rnd(c) & 0xffff) : 0;
		one_call(c, smc, imm);
	}
	console_flush();
}

/* ---- sysreg: the whole system register space ------------------------- */

#define ENC(op0, op1, crn, crm, op2) \
	(((op0)&1u) << 14 | (op1) << 11 | (crn) << 7 | (crm) << 3 | (op2))
#define ENC_ACTLR_EL1 ENC(3u, 0u, 1u, 0u, 1u)
#define ENC_ICC_IAR0 ENC(3u, 0u, 12u, 8u, 0u)
#define ENC_ICC_EOIR0 ENC(3u, 0u, 12u, 8u, 1u)
#define ENC_ICC_IAR1 ENC(3u, 0u, 12u, 12u, 0u)
#define ENC_ICC_EOIR1 ENC(3u, 0u, 12u, 12u, 1u)

/* Encodings HCR_EL2.TIDCP traps (QEMU traps CRn 11 and 15 of op0 2 and
 * 3 alike): EL2-SPEC makes them all RAZ/WI. */
static bool enc_impdef(uint32_t e)
{
	uint32_t crn = e >> 7 & 15;

	return crn == 11 || crn == 15;
}

static void sweep_one(struct vc *c, uint32_t e)
{
	uint64_t exc;
	uint64_t w;
	uint64_t v = probe(mrs_stub[e], 0x5a5a5a5a5a5a5a5aull, &exc);
	bool scramble = exc != 0 || enc_impdef(e) || e == ENC_ACTLR_EL1;

	c->ops++;
	c->n[0] += exc != 0;
	if ((enc_impdef(e) || e == ENC_ACTLR_EL1) && exc != 0) {
		fail("trapped read UNDEFINED: enc esr", e, exc, 0);
	} else if (enc_impdef(e) && v != 0) {
		fail("IMPDEF read not 0: enc value", e, v, 0);
	}
	if (exc == 0 && (e == ENC_ICC_IAR0 || e == ENC_ICC_IAR1) && v < 1020) {
		/* We acknowledged an interrupt: complete it. */
		(void)probe(msr_stub[e == ENC_ICC_IAR0 ? ENC_ICC_EOIR0
						       : ENC_ICC_EOIR1],
			    v, &exc);
		v = 0;
	}
	/* Registers only RumKV sees get random values; the guest's own
	 * state gets back what it held. */
	w = scramble ? rnd_value(c) : v;
	(void)probe(msr_stub[e], w, &exc);
	c->ops++;
	c->n[1] += exc != 0;
	if ((enc_impdef(e) || e == ENC_ACTLR_EL1) && exc != 0) {
		fail("trapped write UNDEFINED: enc esr", e, exc, 0);
	}
	if (enc_impdef(e) || e == ENC_ACTLR_EL1) {
		uint64_t again = probe(mrs_stub[e], 0, &exc);

		c->ops++;
		if (again != (e == ENC_ACTLR_EL1 ? v : 0)) {
			fail("trapped write not ignored: enc was now", e, v,
			     again);
		}
	}
}

/* sysreg=N: N encodings per vcore (all vcores: N * vcores), from where
 * the previous run stopped, so that restarts go on with the sweep; with
 * N * vcores >= 32768 whole sweeps. The SYS encodings go along, one for
 * every 16 registers. */
static void mode_sysreg(struct vc *c, unsigned v)
{
	uint64_t n = arg_or("sysreg", SYSREG_ENCODINGS / nvc);
	uint64_t first = run_no * n * nvc;
	uint64_t exc;

	for (uint64_t k = 0; k < n; k++) {
		uint64_t i = first + k * nvc + v;

		sweep_one(c, (uint32_t)(i % SYSREG_ENCODINGS));
		if (i % 16 >= nvc) {
			continue;
		}
		/* Implementation-defined SYS instructions are not among the
		 * RAZ/WI registers: UNDEFINED, and the cell goes on. */
		for (unsigned l = 0; l < 2; l++) {
			uint32_t e = (uint32_t)(i / 16 % SYS_ENCODINGS);

			(void)probe(sys_stub[l][e], rnd(c), &exc);
			c->ops++;
			if ((exc >> 26 & 0x3f) != 0 || exc == 0) {
				fail("IMPDEF SYS not UNDEFINED: L enc esr", l,
				     e, exc);
			}
		}
	}
	/* Set/way cache maintenance: skipped by RumKV (WI). */
	__asm__ volatile("dc isw, %0\n\tdc csw, %0\n\tdc cisw, %0" ::"r"(
		rnd(c) & 0xffffffffull));
	c->ops += 3;
	drain_irqs();
}

/* ---- gic: distributor and redistributors ------------------------------ */

static uint32_t gicd_first[0x40]; /* ID registers, IIDR, TYPER, CTLR */
static uint32_t gicr_iidr_first[MAX_VC];
static uint32_t gicr_id_first[MAX_VC][12];

#define LOCAL_OWNED 0xf9ff7fffu /* SGIs/PPIs but 15, 25, 26 */

/* Its devices' SPIs. The console's interrupt is RumKV's even with an
 * emulated UART: the cell sees only the UART's virtual copy, which its
 * distributor view shows as not its own. */
static bool spi_owned(uint32_t intid)
{
	return intid >= spi_lo && intid <= spi_hi && intid >= 32;
}

/* The owned bits of a register with `bits` bits per interrupt, whose
 * byte `boff` (from the family's start) holds INTIDs boff*8/bits... */
static uint64_t owned_mask(uint32_t first, unsigned bits, unsigned size,
			   bool local)
{
	uint64_t m = 0;

	for (unsigned i = 0; i < size * 8 / bits; i++) {
		uint32_t id = first + i;
		bool own = local ? id < 32 && (LOCAL_OWNED >> id & 1)
				 : spi_owned(id);

		if (own) {
			m |= ((2ull << (bits - 1)) - 1) << (i * bits);
		}
	}
	return m;
}

static bool gicd_size_ok(uint32_t off, unsigned size)
{
	if ((off & (size - 1)) != 0) {
		return false;
	}
	switch (size) {
	case 1:
		return (off >= 0x400 && off <= 0x7fb) ||
		       (off >= 0x800 && off <= 0xbfb);
	case 4:
		return true;
	case 8:
		return off >= 0x6100 && off <= 0x7fd8;
	default:
		return false;
	}
}

static bool gicr_size_ok(uint32_t off, unsigned size)
{
	if ((off & (size - 1)) != 0) {
		return false;
	}
	switch (size) {
	case 1:
		return off >= GICR_SGI + 0x400 && off <= GICR_SGI + 0x41f;
	case 4:
		return true;
	case 8:
		return off == 0x8 || off == 0x70 || off == 0x78;
	default:
		return false;
	}
}

/* What a read of `size` bytes at GICD+off may return, as (mask of bits
 * that may be set, exact value if `exact`). */
static void gicd_expect(uint32_t off, unsigned size, uint64_t *may, bool *exact,
			uint64_t *value)
{
	*exact = false;
	*value = 0;
	*may = 0;
	if (off < 0x10) {
		*exact = true;
		*value = off == 0xc ? 0 : gicd_first[off / 4];
		*may = ~0ull;
	} else if (off >= 0x80 && off < 0x100) {
		*exact = true;
		*value = owned_mask((off - 0x80) * 8, 1, size, false);
	} else if (off >= 0x100 && off < 0x400) {
		*may = owned_mask((off & 0x7f) * 8, 1, size, false);
	} else if (off >= 0x400 && off < 0x800) {
		*may = owned_mask(off - 0x400, 8, size, false);
	} else if (off >= 0xc00 && off < 0xd00) {
		*may = owned_mask((off - 0xc00) * 4, 2, size, false);
	} else if (off >= 0x6100 && off < 0x7fe0) {
		uint32_t id = (off - 0x6000) / 8;

		/* An owned SPI routes to one of the cell's vcores; the
		 * upper half reads 0. */
		*may = spi_owned(id) && (off & 4) == 0 ? 0xf : 0;
	} else if (off >= 0xffd0) {
		*exact = true;
		*value = gicd_first[0x10 + (off - 0xffd0) / 4];
		*may = ~0ull;
	}
}

static void gicd_check(uint32_t off, unsigned size, uint64_t v)
{
	uint64_t may, want;
	bool exact;

	/* A byte is checked against its word, a 64-bit read (IROUTER,
	 * never exact) against both halves. */
	gicd_expect(off & ~3u, 4, &may, &exact, &want);
	if (size == 1) {
		unsigned lane = off & 3;

		may = may >> (8 * lane) & 0xff;
		want = want >> (8 * lane) & 0xff;
	}
	if (size == 8) {
		uint64_t hi_may, hi_want;
		bool hi_exact;

		gicd_expect(off + 4, 4, &hi_may, &hi_exact, &hi_want);
		may |= hi_may << 32;
		exact = exact && hi_exact;
		want |= hi_want << 32;
	}
	if (exact ? v != want : (v & ~may) != 0) {
		fail("GICD read: off size value", off, size, v);
	}
}

static void gicr_check(unsigned frame, uint32_t off, unsigned size, uint64_t v)
{
	uint64_t typer = (uint64_t)frame << 32 | (uint64_t)frame << 8 |
			 (frame + 1 == nvc ? 0x10 : 0);
	uint64_t want = 0, may = 0;
	bool exact = true;

	if (off < GICR_SGI) {
		if (off == 0x4) {
			want = gicr_iidr_first[frame];
		} else if (off == 0x8) {
			want = size == 8 ? typer : (uint32_t)typer;
		} else if (off == 0xc) {
			want = typer >> 32;
		} else if (off >= 0xffd0) {
			want = gicr_id_first[frame][(off - 0xffd0) / 4];
		}
	} else {
		uint32_t s = off - GICR_SGI;

		exact = false;
		if (s == 0x80) {
			exact = true;
			want = LOCAL_OWNED;
		} else if (s >= 0x100 && s < 0x400 && (s & 0x7f) == 0) {
			may = LOCAL_OWNED;
		} else if (s >= 0x400 && s < 0x420) {
			may = owned_mask(s - 0x400, 8, size, true);
		} else if (s == 0xc04) {
			may = owned_mask(16, 2, 4, true);
		}
	}
	if (exact ? v != want : (v & ~may) != 0) {
		fail("GICR read: frame size<<32|off value", frame,
		     off | (uint64_t)size << 32, v);
	}
}

static void gic_baseline(void)
{
	for (unsigned i = 0; i < 4; i++) {
		gicd_first[i] = (uint32_t)rd(GICD + i * 4, 4);
	}
	for (unsigned i = 0; i < 12; i++) {
		gicd_first[0x10 + i] = (uint32_t)rd(GICD + 0xffd0 + i * 4, 4);
	}
	for (unsigned f = 0; f < nvc; f++) {
		gicr_iidr_first[f] = (uint32_t)rd(GICR + f * GICR_FRAME + 4, 4);
		for (unsigned i = 0; i < 12; i++) {
			gicr_id_first[f][i] = (uint32_t)rd(
				GICR + f * GICR_FRAME + 0xffd0 + i * 4, 4);
		}
	}
	if ((gicd_first[0] & ~0x52u) != 0 || (gicd_first[1] & 0x30000u) != 0) {
		fail("GICD_CTLR/TYPER: ctlr typer", gicd_first[0],
		     gicd_first[1], 0);
	}
}

/* A write value that does not turn this vcore's own redistributor to
 * sleep or pend everything: random, often zero. */
static uint64_t gic_value(struct vc *c)
{
	return rnd_below(c, 3) == 0 ? 0 : rnd_value(c);
}

static void gicd_access(struct vc *c, uint32_t off, unsigned size, bool write)
{
	if (write) {
		wr(GICD + off, size, gic_value(c));
	} else if (c->unchecked) {
		(void)rd(GICD + off, size);
	} else {
		gicd_check(off, size, rd(GICD + off, size));
	}
	c->ops++;
}

static void gicr_access(struct vc *c, unsigned f, uint32_t off, unsigned size,
			bool write)
{
	uint64_t a = GICR + f * GICR_FRAME + off;

	if (write) {
		wr(a, size, gic_value(c));
	} else if (c->unchecked) {
		(void)rd(a, size);
	} else {
		gicr_check(f, off, size, rd(a, size));
	}
	c->ops++;
}

static void gic_sweep(struct vc *c, unsigned v)
{
	static const unsigned sizes[3] = {1, 4, 8};

	for (uint32_t off = v * 4; off < 0x10000; off += nvc * 4) {
		for (unsigned s = 0; s < 3; s++) {
			for (unsigned b = 0; b < 4;
			     b += sizes[s] == 1 ? 1 : 4) {
				if (gicd_size_ok(off + b, sizes[s])) {
					gicd_access(c, off + b, sizes[s],
						    false);
					gicd_access(c, off + b, sizes[s], true);
					gicd_access(c, off + b, sizes[s],
						    false);
				}
			}
		}
	}
	for (unsigned f = 0; f < nvc; f++) {
		for (uint32_t off = v * 4; off < GICR_FRAME; off += nvc * 4) {
			for (unsigned s = 0; s < 3; s++) {
				for (unsigned b = 0; b < 4;
				     b += sizes[s] == 1 ? 1 : 4) {
					if (!gicr_size_ok(off + b, sizes[s])) {
						continue;
					}
					gicr_access(c, f, off + b, sizes[s],
						    false);
					gicr_access(c, f, off + b, sizes[s],
						    true);
					gicr_access(c, f, off + b, sizes[s],
						    false);
				}
			}
		}
	}
}

static void gic_random(struct vc *c, uint64_t n)
{
	static const unsigned sizes[3] = {1, 4, 8};

	for (uint64_t i = 0; i < n; i++) {
		unsigned size = sizes[rnd_below(c, 3)];
		bool write = rnd_below(c, 2) != 0;

		if (rnd_below(c, 2) == 0) {
			uint32_t off =
				(uint32_t)rnd_below(c, 0x10000) & ~(size - 1);

			/* Mostly the interesting low registers. */
			if (rnd_below(c, 2) == 0) {
				off &= 0xfff;
			}
			if (gicd_size_ok(off, size)) {
				gicd_access(c, off, size, write);
			}
		} else {
			unsigned f = (unsigned)rnd_below(c, nvc);
			uint32_t off = (uint32_t)rnd_below(c, GICR_FRAME) &
				       ~(size - 1);

			if (rnd_below(c, 2) == 0) {
				off &= GICR_SGI | 0xfff;
			}
			if (gicr_size_ok(off, size)) {
				gicr_access(c, f, off, size, write);
			}
		}
	}
}

static void expect_eq(const char *what, uint32_t intid, uint64_t got,
		      uint64_t want)
{
	if (got != want) {
		fail(what, intid, got, want);
	}
}

static uint32_t gicd32(uint32_t off)
{
	return (uint32_t)rd(GICD + off, 4);
}

/* Each register family, decoded from its own base: what one writes the
 * other reads (vcore 0 alone, the others wait). */
static void gic_families(void)
{
	for (uint32_t id = spi_lo; id <= spi_hi && id >= 32; id++) {
		uint32_t w = id / 32 * 4, bit = 1u << (id % 32);
		uint64_t route = GICD + 0x6000 + id * 8ull;

		expect_eq("IGROUPR bit of an owned SPI", id,
			  gicd32(0x80 + w) & bit, bit);
		wr(GICD + 0x180 + w, 4, bit);
		wr(GICD + 0x280 + w, 4, bit);
		wr(GICD + 0x380 + w, 4, bit);
		wr(GICD + 0x100 + w, 4, bit);
		expect_eq("ISENABLER after enabling", id,
			  gicd32(0x100 + w) & bit, bit);
		expect_eq("ICENABLER after enabling", id,
			  gicd32(0x180 + w) & bit, bit);
		wr(GICD + 0x180 + w, 4, bit);
		expect_eq("ISENABLER after disabling", id,
			  gicd32(0x100 + w) & bit, 0);
		expect_eq("ICENABLER after disabling", id,
			  gicd32(0x180 + w) & bit, 0);
		wr(GICD + 0x200 + w, 4, bit);
		expect_eq("ISPENDR after pending", id, gicd32(0x200 + w) & bit,
			  bit);
		expect_eq("ICPENDR after pending", id, gicd32(0x280 + w) & bit,
			  bit);
		wr(GICD + 0x280 + w, 4, bit);
		expect_eq("ISPENDR after clearing", id, gicd32(0x200 + w) & bit,
			  0);
		expect_eq("ICPENDR after clearing", id, gicd32(0x280 + w) & bit,
			  0);
		wr(GICD + 0x300 + w, 4, bit);
		expect_eq("ISACTIVER after activating", id,
			  gicd32(0x300 + w) & bit, bit);
		expect_eq("ICACTIVER after activating", id,
			  gicd32(0x380 + w) & bit, bit);
		wr(GICD + 0x380 + w, 4, bit);
		expect_eq("ISACTIVER after deactivating", id,
			  gicd32(0x300 + w) & bit, 0);
		expect_eq("ICACTIVER after deactivating", id,
			  gicd32(0x380 + w) & bit, 0);
		wr(GICD + 0x400 + id, 1, 0x40);
		expect_eq("IPRIORITYR byte", id, rd(GICD + 0x400 + id, 1),
			  0x40);
		expect_eq("IPRIORITYR word lane", id,
			  gicd32(0x400 + (id & ~3u)) >> (8 * (id & 3)) & 0xff,
			  0x40);
		wr(GICD + 0xc00 + id / 16 * 4, 4, 2u << (id % 16 * 2));
		expect_eq("ICFGR edge", id,
			  gicd32(0xc00 + id / 16 * 4) >> (id % 16 * 2) & 3, 2);
		for (unsigned t = 0; t < nvc; t++) {
			wr(route, 8, t);
			expect_eq("IROUTER to a vcore", id, rd(route, 8), t);
		}
		wr(route, 8, 1ull << 31); /* IRM: vcore 0 instead */
		expect_eq("IROUTER IRM=1", id, rd(route, 8), 0);
		wr(route, 8, 0x100); /* vcore 16: absent */
		expect_eq("IROUTER to an absent vcore", id, rd(route, 8), 0);
		wr(route, 4, nvc - 1);
		wr(route + 4, 4, 0xff);
		expect_eq("IROUTER 32-bit halves", id, rd(route, 8), nvc - 1);
		wr(route, 8, 0);
		wr(GICD + 0x400 + id, 1, 0xa0);
	}
	/* The redistributor view of vcore 0: SGI 5 and PPI 20 are ours,
	 * SGI 15 and PPIs 25, 26 are RumKV's and never show. */
	for (unsigned i = 0; i < 5; i++) {
		static const uint32_t ids[5] = {5, 20, 15, 25, 26};
		uint64_t sgi = GICR + GICR_SGI;
		uint32_t id = ids[i], bit = 1u << id;
		uint32_t want = i < 2 ? bit : 0;

		wr(sgi + 0x100, 4, bit);
		expect_eq("GICR ISENABLER0", id, rd(sgi + 0x100, 4) & bit,
			  want);
		expect_eq("GICR ICENABLER0", id, rd(sgi + 0x180, 4) & bit,
			  want);
		wr(sgi + 0x180, 4, bit);
		expect_eq("GICR ICENABLER0 after disabling", id,
			  rd(sgi + 0x180, 4) & bit, 0);
		wr(sgi + 0x400 + id, 1, 0x50);
		expect_eq("GICR IPRIORITYR", id, rd(sgi + 0x400 + id, 1),
			  i < 2 ? 0x50 : 0);
		wr(sgi + 0x400 + id, 1, 0xa0);
	}
}

/* gicsweep=K: the whole sweep in every K-th run (0: never). */
static void mode_gic(struct vc *c, unsigned v)
{
	uint64_t every = arg_or("gicsweep", 1);

	if (every != 0 && run_no % every == 0) {
		gic_sweep(c, v);
	}
	gic_random(c, arg_or("gic", 1000));
	drain_irqs();
}

/* ---- sgi -------------------------------------------------------------- */

static volatile unsigned sgi_got[MAX_VC][16];

static void sgi_poll(unsigned v)
{
	uint64_t iar;

	__asm__ volatile("mrs %0, icc_iar1_el1" : "=r"(iar));
	if (iar < 16) {
		sgi_got[v][iar]++;
	}
	if (iar < 1020) {
		__asm__ volatile("msr icc_eoir1_el1, %0\n\tisb" ::"r"(iar));
	}
}

static void mode_sgi(struct vc *c, unsigned v)
{
	uint64_t n = arg_or("sgi", 1000);
	uint64_t sgi = GICR + v * GICR_FRAME + GICR_SGI;

	wr(sgi + 0x100, 4, 0xffff); /* every SGI, 15 included: it is not ours */
	if (rd(sgi + 0x100, 4) & (1u << 15)) {
		fail("SGI 15 reads enabled: isenabler0", rd(sgi + 0x100, 4), 0,
		     0);
	}
	for (uint64_t i = 0; i < n; i++) {
		uint64_t val = rnd(c);

		switch (rnd_below(c, 8)) {
		case 0:
			__asm__ volatile(
				"msr icc_asgi1r_el1, %0\n\tisb" ::"r"(val));
			break;
		case 1:
			__asm__ volatile(
				"msr icc_sgi0r_el1, %0\n\tisb" ::"r"(val));
			break;
		case 2:
			wr(GICD + 0xf00, 4, val); /* GICD_SGIR: RAZ/WI */
			break;
		case 3:
			val = (val & 0xf000000ull) | 0xfull |
			      (rnd_below(c, 2) ? 1ull << 40 : 0);
			__asm__ volatile(
				"msr icc_sgi1r_el1, %0\n\tisb" ::"r"(val));
			break;
		default:
			/* Mostly plausible: Aff1 0, RS 0, a few targets. */
			val &= 0xf00ffffull | 1ull << 40;
			__asm__ volatile(
				"msr icc_sgi1r_el1, %0\n\tisb" ::"r"(val));
			break;
		}
		c->ops++;
		sgi_poll(v);
	}
	for (unsigned i = 0; i < 1000; i++) {
		sgi_poll(v);
	}
	c->n[0] = 0;
	for (unsigned i = 0; i < 15; i++) {
		c->n[0] += sgi_got[v][i];
	}
	if (sgi_got[v][15] != 0) {
		fail("SGI 15 arrived: times", sgi_got[v][15], 0, 0);
	}
	wr(sgi + 0x180, 4, 0xffff);
	drain_irqs();
}

/* ---- vuart ------------------------------------------------------------ */

static const uint8_t pl011_id[8] = {0x11, 0x10, 0x14, 0x00,
				    0x0d, 0xf0, 0x05, 0xb1};

static void mode_vuart(struct vc *c, unsigned v)
{
	uint64_t n = arg_or("vuart", 1000);
	char letter = (char)('a' + v);

	for (uint64_t i = 0; i < n; i++) {
		uint64_t k = rnd_below(c, 20);
		unsigned size = 1u << rnd_below(c, 3);
		uint64_t x;

		if (k < 12) {
			wr(UART, size, (uint8_t)letter);
			c->vuart_sent++;
		} else if (k < 16) {
			x = rd(UART + 0x18, size);
			/* Transmitter empty, never full; nothing received. */
			if ((x & 0xb0) != 0x90) {
				fail("UART FR: value size", x, size, 0);
			}
		} else if (k < 18) {
			x = rd(UART, size);
			if (x != 0) {
				fail("UART DR without input: value size", x,
				     size, 0);
			}
		} else {
			unsigned id = (unsigned)rnd_below(c, 8);

			x = rd(UART + 0xfe0 + id * 4, 4);
			if (x != pl011_id[id]) {
				fail("UART ID: index value", id, x, 0);
			}
		}
		c->ops++;
	}
}

/* ---- ipa -------------------------------------------------------------- */

static void touch_read(struct vc *c, uint64_t a)
{
	(void)rd(a, 4);
	c->ops++;
}

static void mode_ipa(struct vc *c, unsigned v)
{
	uint64_t n = arg_or("ipa", 1000);

	for (uint64_t b = ram_base + v * 0x200000ull; b < ram_base + ram_size;
	     b += nvc * 0x200000ull) {
		touch_read(c, b);
	}
	if (v == 0) {
		touch_read(c, GICD);
		touch_read(c, status_ipa);
		if (have_vuart) {
			touch_read(c, UART);
		}
		if (dev_page != 0) {
			touch_read(c, dev_page);
		}
	}
	touch_read(c, GICR + v * GICR_FRAME);
	for (uint64_t i = 0; i < n; i++) {
		touch_read(c, ram_base + (rnd_below(c, ram_size) & ~3ull));
	}
}

/* Whether a read at `a` stays inside what the cell may touch. */
static bool survives(uint64_t a)
{
	return (a >= ram_base && a - ram_base < ram_size) ||
	       (a >= GICD && a < GICD + 0x10000) ||
	       (a >= GICR && a < GICR + nvc * GICR_FRAME) ||
	       (a >= status_ipa && a < status_ipa + 4096) ||
	       (have_vuart && a >= UART && a < UART + 4096) ||
	       (dev_page != 0 && a >= dev_page && a < dev_page + 4096);
}

/* Blocks a touch must end the cell on: first a few that are easy to get
 * wrong, then 2 MiB blocks spread over the whole reachable space. */
static uint64_t outside_block(uint64_t k)
{
	static const uint64_t special[] = {
		0x0,
		0x40000000,
		0x58000000,
		0x5c000000,
		0x08080000,
		0x09010000,
		0x0a000000,
		0x08120000,
		0xffe00000,
		0xffffe00000ull,
		0x10000000000ull,
		0xfffffe00000ull,
		0x4010000000ull,
	};
	uint64_t blocks = 1ull << (PARANGE_BITS - 21);

	for (;;) {
		uint64_t a;

		if (k < sizeof(special) / sizeof(special[0])) {
			a = special[k];
		} else {
			a = (mix(run_seed ^ k) % blocks) << 21;
		}
		if (!survives(a)) {
			return a;
		}
		k += 1000;
	}
}

/* ---- psci ------------------------------------------------------------- */

static void psci_expect(const char *what, int64_t got, int64_t want)
{
	if (got != want) {
		fail(what, (uint64_t)got, (uint64_t)want, 0);
	}
}

static void broadcast(enum cmd k, uint64_t arg);

/* The context of a vcore CPU_ON restarts (the first start passes v). */
#define CTX_BACK 0x100u

static void mode_psci(struct vc *c)
{
	uint64_t rounds = arg_or("psci", 2);
	uint64_t entry = (uint64_t)guest_secondary_entry;

	psci_expect("CPU_ON of a running vcore", psci_cpu_on(0, entry, 0), -4);
	psci_expect("AFFINITY_INFO of an absent vcore", psci_affinity_info(nvc),
		    -2);
	psci_expect("CPU_ON of an absent vcore", psci_cpu_on(nvc, entry, 0),
		    -2);
	c->ops += 3;
	for (uint64_t r = 0; r < rounds; r++) {
		for (unsigned v = 1; v < nvc; v++) {
			int64_t st;
			unsigned spins = 0;

			vcs[v].back = 0;
			broadcast(CMD_OFF, v);
			do {
				st = psci_affinity_info(v);
				c->ops++; /* a PSCI call too */
			} while (st != 1 && ++spins < 100000);
			psci_expect("AFFINITY_INFO after CPU_OFF", st, 1);
			psci_expect("CPU_ON outside the cell's RAM",
				    psci_cpu_on(v, 0x10, 0), -9);
			psci_expect("CPU_ON of the vcore that is off",
				    psci_cpu_on(v, entry, CTX_BACK | v), 0);
			st = psci_cpu_on(v, entry, CTX_BACK | v);
			if (st != -4 && st != -5) {
				fail("2nd CPU_ON not -4/-5: ret vcore",
				     (uint64_t)st, v, 0);
			}
			c->ops += 3;
			while (vcs[v].back == 0) {
				relax();
			}
		}
	}
}

/* ---- commands --------------------------------------------------------- */

static void run_mode(enum mode m, struct vc *c, unsigned v)
{
	switch (m) {
	case M_HVC:
		mode_hvc(c, v);
		break;
	case M_SYSREG:
		mode_sysreg(c, v);
		break;
	case M_GIC:
		mode_gic(c, v);
		break;
	case M_SGI:
		mode_sgi(c, v);
		break;
	case M_VUART:
		mode_vuart(c, v);
		break;
	case M_IPA:
		mode_ipa(c, v);
		break;
	default:
		break; /* psci: vcore 0 alone */
	}
}

/* The background of an end: storm the interrupt controller until
 * RumKV parks us. */
static void storm(struct vc *c, unsigned v)
{
	(void)v;
	c->unchecked = true; /* the gic mode checks; this only attacks */
	for (;;) {
		gic_random(c, 100);
	}
}

static __attribute__((noreturn)) void end_now(unsigned kind);

static void do_command(unsigned v, unsigned k)
{
	struct vc *c = &vcs[v];

	switch (k) {
	case CMD_MODE:
		run_mode((enum mode)cmd_arg, c, v);
		break;
	case CMD_TOUCH:
		/* All at once: RumKV must report exactly one of them. */
		__atomic_fetch_add(&touch_ready, 1u, __ATOMIC_ACQ_REL);
		while (__atomic_load_n(&touch_ready, __ATOMIC_ACQUIRE) < nvc) {
		}
		(void)rd(touch_at[v], 4);
		fail("touch outside survived: ipa", touch_at[v], 0, 0);
		break;
	case CMD_STORM:
		storm(c, v);
		break;
	case CMD_END:
		if (cmd_arg == v) {
			end_now(end_kind);
		}
		storm(c, v);
		break;
	case CMD_OFF:
		if (cmd_arg == v) {
			c->done = cmd_seq;
			psci_cpu_off();
		}
		break;
	default:
		break;
	}
}

/* Vcore 0: every vcore runs command k; returns when all have. */
static void broadcast(enum cmd k, uint64_t arg)
{
	unsigned seq = cmd_seq + 1;

	cmd = k;
	cmd_arg = arg;
	__atomic_store_n(&cmd_seq, seq, __ATOMIC_RELEASE);
	if (k == CMD_OFF) {
		return;
	}
	do_command(0, k);
	vcs[0].done = seq;
	for (unsigned v = 1; v < nvc; v++) {
		while (__atomic_load_n(&vcs[v].done, __ATOMIC_ACQUIRE) != seq) {
			relax();
		}
	}
}

void guest_secondary(uint64_t ctx)
{
	unsigned v = vcore_index();
	unsigned seen = __atomic_load_n(&cmd_seq, __ATOMIC_ACQUIRE);

	gic_init_cpu();
	if (ctx == (CTX_BACK | v)) {
		/* Back from CPU_OFF (psci mode): that command is done. */
		vcs[v].done = seen;
		__atomic_store_n(&vcs[v].back, 1u, __ATOMIC_RELEASE);
	} else {
		hwid_of[v % MAX_VC] =
			rumkv_call(RUMKV_HC_CORE_INFO, 0, 0, 0).x3;
		guest_report_core();
	}
	for (;;) {
		unsigned seq;

		while ((seq = __atomic_load_n(&cmd_seq, __ATOMIC_ACQUIRE)) ==
		       seen) {
			relax();
		}
		seen = seq;
		do_command(v, cmd);
		__atomic_store_n(&vcs[v].done, seq, __ATOMIC_RELEASE);
	}
}

/* ---- ends ------------------------------------------------------------- */

enum end_kind {
	E_TOUCH,
	E_GIC16,
	E_GIC64,
	E_GIC8,
	E_GICMIS,
	E_GICPAIR,
	E_GICR16,
	E_GICR_BEYOND,
	E_RESET,
	E_WIDEN,
	E_CONSOLE,
	E_OFF,
	E_COUNT
};

static const char end_name[E_COUNT][12] = {
	"touch",  "gic16",	 "gic64", "gic8",  "gicmis",  "gicpair",
	"gicr16", "gicr-beyond", "reset", "widen", "console", "off",
};

static volatile uint64_t end_off; /* the offset an end touches */

/* Stage-1 tables for the misaligned access: with the MMU off every data
 * access is Device memory, where a misaligned one faults at EL1 before
 * RumKV could see it. Identity map, Normal non-cacheable. */
static uint64_t s1_table[512] __attribute__((aligned(4096)));

static void mmu_on_normal(void)
{
	uint64_t sctlr;

	for (uint64_t i = 0; i < 4; i++) {
		s1_table[i] = i << 30 | 1ull << 10 | 1ull << 2 | 1; /* block */
	}
	__asm__ volatile("dsb sy");
	__asm__ volatile("msr mair_el1, %0" ::"r"(0x4400ull));
	/* T0SZ 25 (39 bits, level-1 start), 4 KiB, TTBR1 off, 40-bit PA. */
	__asm__ volatile(
		"msr tcr_el1, %0" ::"r"(25ull | 1ull << 23 | 2ull << 32));
	__asm__ volatile(
		"msr ttbr0_el1, %0\n\tisb\n\ttlbi vmalle1\n\tdsb sy\n\t"
		"isb" ::"r"((uint64_t)s1_table));
	__asm__ volatile("mrs %0, sctlr_el1" : "=r"(sctlr));
	sctlr = (sctlr | 1) & ~(1ull << 1); /* M on, alignment check off */
	__asm__ volatile("msr sctlr_el1, %0\n\tisb" ::"r"(sctlr));
}

static __attribute__((noreturn)) void end_now(unsigned kind)
{
	uint64_t off = end_off;

	switch (kind) {
	case E_GIC16:
		(void)rd(GICD + off, 2);
		break;
	case E_GIC64:
	case E_GIC8:
		(void)rd(GICD + off, kind == E_GIC64 ? 8 : 1);
		break;
	case E_GICMIS:
		mmu_on_normal();
		(void)rd(GICD + off, 4);
		break;
	case E_GICPAIR: {
		uint64_t a, b;

		__asm__ volatile("ldp %0, %1, [%2]"
				 : "=r"(a), "=r"(b)
				 : "r"(GICD + off)
				 : "memory");
		break;
	}
	case E_GICR16:
		(void)rd(GICR + off, 2);
		break;
	case E_GICR_BEYOND:
		(void)rd(GICR + nvc * GICR_FRAME, 4);
		break;
	case E_RESET:
		psci_system_reset();
	case E_WIDEN:
		rumkv_call(RUMKV_HC_PLEDGE, rights_held | off, 0, 0);
		break;
	case E_CONSOLE:
		rumkv_call(RUMKV_HC_PLEDGE, 0, 0, 0);
		gputs("after pledging the console away\n");
		break;
	default:
		psci_system_off();
	}
	fail("the end did not end: kind off", kind, off, 0);
	psci_system_off();
}

/* Picks the offset of an end that needs one, announces the end, and
 * does it on a random vcore while the others storm. */
static __attribute__((noreturn)) void run_end(struct vc *c, unsigned kind)
{
	char detail[96] = "";
	unsigned by = (unsigned)rnd_below(c, nvc);
	uint64_t off = 0;

	switch (kind) {
	case E_TOUCH:
		for (unsigned v = 0; v < nvc; v++) {
			touch_at[v] = outside_block(run_no * nvc + v);
		}
		rumkv_snprintf(detail, sizeof(detail),
			       "0x%llx,0x%llx,0x%llx,0x%llx",
			       (unsigned long long)touch_at[0],
			       (unsigned long long)touch_at[nvc > 1],
			       (unsigned long long)touch_at[nvc > 2 ? 2 : 0],
			       (unsigned long long)touch_at[nvc > 3 ? 3 : 0]);
		gprintf("hostile: run %u ends by touch %s\n", run_no, detail);
		broadcast(CMD_TOUCH, 0);
		fail("no touch ended the cell", 0, 0, 0);
		psci_system_off();
	case E_GIC16:
		/* The interrupt-field families, half of them off a word. */
		off = 0x100 + rnd_below(c, 0x380) * 2;
		break;
	case E_GIC64:
		/* An 8-aligned 32-bit register outside IROUTER. */
		off = 0x100 + rnd_below(c, 0x60) * 8;
		break;
	case E_GIC8:
		off = 0x100 + rnd_below(c, 0x300);
		break;
	case E_GICMIS:
		off = 0x100 + rnd_below(c, 0x300) * 4 + 1 + rnd_below(c, 3);
		break;
	case E_GICPAIR:
		off = 0x400 + rnd_below(c, 0x40) * 16;
		break;
	case E_GICR16:
		off = rnd_below(c, nvc * GICR_FRAME / 2) * 2;
		break;
	case E_WIDEN:
		off = 1ull << (8 + rnd_below(c, 56)); /* a right not held */
		break;
	default:
		break;
	}
	end_off = off;
	end_kind = kind;
	if (kind == E_GICR_BEYOND) {
		off = GICR + nvc * GICR_FRAME;
	} else if (kind == E_WIDEN) {
		off |= rights_held;
	}
	gprintf("hostile: run %u ends by %s 0x%llx (vcore %u; holds 0x%llx)\n",
		run_no, end_name[kind], (unsigned long long)off, by,
		(unsigned long long)rights_held);
	broadcast(CMD_END, by);
	fail("the end returned: kind", kind, 0, 0);
	psci_system_off();
}

/* ---- main ------------------------------------------------------------- */

static void read_status(uint32_t *restarts, uint32_t *reason)
{
	const volatile struct rumkv_status_page *st = (const void *)status_ipa;
	uint64_t seq;

	do {
		seq = st->sequence;
		*restarts = st->cell[cell_index].restart_count;
		*reason = st->cell[cell_index].reason;
		rights_held = st->cell[cell_index].rights;
	} while ((seq & 1) != 0 || seq != st->sequence);
}

/* The run's end: the configured list at the restart count, except that a
 * run after a reset ends by touch (a reset is no violation, so the count
 * does not move), and the run at the restart limit powers off. */
static unsigned pick_end(uint32_t restarts, bool after_reset)
{
	char ends[96] = "touch";
	char item[16];

	if (restarts >= arg_or("runs", 0)) {
		return E_OFF;
	}
	if (after_reset) {
		return E_TOUCH;
	}
	bootarg("ends", ends, sizeof(ends));
	list_item(ends, restarts % list_len(ends), item, sizeof(item));
	for (unsigned k = 0; k < E_COUNT; k++) {
		if (str_is(item, end_name[k])) {
			return k;
		}
	}
	gprintf("hostile: run %u check failed: unknown end %s\n", run_no, item);
	return E_OFF;
}

static void summary(enum mode m)
{
	uint64_t ops = 0, n0 = 0, n1 = 0, fails = 0;
	unsigned sent[MAX_VC] = {0};

	for (unsigned v = 0; v < nvc; v++) {
		fails += vcs[v].fails;
		ops += vcs[v].ops;
		n0 += vcs[v].n[0];
		n1 += vcs[v].n[1];
		sent[v] = vcs[v].vuart_sent;
	}
	if (fails != 0) {
		gprintf("hostile: run %u check failed: mode %s: %llu checks "
			"failed\n",
			run_no, mode_name[m], (unsigned long long)fails);
	}
	switch (m) {
	case M_HVC:
		gprintf("hostile: run %u mode hvc: %llu ops (%llu with an "
			"immediate, %llu replaced)\n",
			run_no, (unsigned long long)ops, (unsigned long long)n0,
			(unsigned long long)n1);
		break;
	case M_SYSREG:
		gprintf("hostile: run %u mode sysreg: %llu ops (%llu reads and "
			"%llu writes undefined)\n",
			run_no, (unsigned long long)ops, (unsigned long long)n0,
			(unsigned long long)n1);
		break;
	case M_SGI:
		gprintf("hostile: run %u mode sgi: %llu ops (%llu sgis "
			"arrived)\n",
			run_no, (unsigned long long)ops,
			(unsigned long long)n0);
		break;
	case M_VUART:
		gprintf("hostile: run %u mode vuart: %llu ops (sent a=%u b=%u "
			"c=%u d=%u)\n",
			run_no, (unsigned long long)ops, sent[0], sent[1],
			sent[2], sent[3]);
		break;
	default:
		gprintf("hostile: run %u mode %s: %llu ops\n", run_no,
			mode_name[m], (unsigned long long)ops);
		break;
	}
}

static void run_modes(void)
{
	char modes[96] = "";

	bootarg("modes", modes, sizeof(modes));
	for (unsigned m = 0; m < M_COUNT; m++) {
		if (!in_list(modes, mode_name[m])) {
			continue;
		}
		for (unsigned v = 0; v < nvc; v++) {
			vcs[v].ops = 0;
			vcs[v].n[0] = vcs[v].n[1] = 0;
			vcs[v].fails = 0;
			vcs[v].kinds = 0;
			vcs[v].vuart_sent = 0;
		}
		if (m == M_PSCI) {
			mode_psci(&vcs[0]);
		} else {
			broadcast(CMD_MODE, m);
			if (m == M_GIC) {
				gic_families();
			}
			if (m == M_VUART) {
				wr(UART, 4, '\n'); /* the last partial line */
			}
		}
		summary((enum mode)m);
	}
}

void guest_main(uint64_t dtb)
{
	struct smccc_res r;
	uint32_t restarts, reason;
	bool after_reset;
	char spis[24] = "";

	guest_runtime_init(dtb);
	stubs_init();
	r = rumkv_call(RUMKV_HC_CORE_INFO, 0, 0, 0);
	cell_index = (uint32_t)r.x1;
	status_ipa = rumkv_call(RUMKV_HC_STATUS_PAGE, 0, 0, 0).x1;
	ram_base = arg_or("ram", 0x48000000);
	ram_size = arg_or("ramsize", 0x1000000);
	dev_page = arg_or("dev", 0);
	have_vuart = arg_or("vuart", 0) != 0;
	if (bootarg("spis", spis, sizeof(spis))) {
		const char *p = spis;

		while (*p >= '0' && *p <= '9') {
			spi_lo = spi_lo * 10 + (uint32_t)(*p++ - '0');
		}
		p += *p == '-';
		while (*p >= '0' && *p <= '9') {
			spi_hi = spi_hi * 10 + (uint32_t)(*p++ - '0');
		}
	}
	read_status(&restarts, &reason);
	after_reset = reason == RUMKV_REASON_SYSTEM_RESET;
	run_no = restarts * 2 + after_reset;
	run_seed = mix(arg_or("seed", 1) ^ mix(run_no));
	gprintf("hostile: run %u (restarts %u, after reset %u) seed 0x%llx "
		"rights 0x%llx\n",
		run_no, restarts, after_reset, (unsigned long long)run_seed,
		(unsigned long long)rights_held);
	for (unsigned v = 0; v < MAX_VC; v++) {
		vcs[v].rng = mix(run_seed + v) | 1;
	}
	hwid_of[0] = r.x3;
	gic_init_cpu();
	guest_report_core(); /* guest_start_vcores counts vcore 0 too */
	nvc = guest_start_vcores();
	if (nvc > MAX_VC) {
		gprintf("hostile: run %u check failed: %u vcores\n", run_no,
			nvc);
		nvc = MAX_VC;
	}
	gic_baseline();
	run_modes();
	run_end(&vcs[0], pick_end(restarts, after_reset));
}
