// SPDX-License-Identifier: MIT
/*
 * Runtime of the bare-metal guests (see include/guest.h).
 */
#include <guest.h>
#include <rumkv/format.h>
#include <stdarg.h>

#define PL011_BASE 0x09000000ull
#define GICD_BASE 0x08000000ull
#define GICR_BASE 0x080a0000ull
#define GICR_FRAME 0x20000ull

bool guest_native;
static uint64_t guest_dtb;

struct smccc_res smccc_call(bool smc, uint32_t fid, uint64_t a1, uint64_t a2,
			    uint64_t a3)
{
	register uint64_t x0 __asm__("x0") = fid;
	register uint64_t x1 __asm__("x1") = a1;
	register uint64_t x2 __asm__("x2") = a2;
	register uint64_t x3 __asm__("x3") = a3;

	if (smc) {
		__asm__ volatile("smc #0"
				 : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3)
				 :
				 : "x4", "x5", "x6", "x7", "x8", "x9", "x10",
				   "x11", "x12", "x13", "x14", "x15", "x16",
				   "x17", "memory");
	} else {
		__asm__ volatile("hvc #0"
				 : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3)
				 :
				 : "x4", "x5", "x6", "x7", "x8", "x9", "x10",
				   "x11", "x12", "x13", "x14", "x15", "x16",
				   "x17", "memory");
	}
	return (struct smccc_res){(int64_t)x0, x1, x2, x3};
}

struct smccc_res rumkv_call(uint32_t fn, uint64_t a1, uint64_t a2, uint64_t a3)
{
	return smccc_call(false, RUMKV_SMCCC_ID(fn), a1, a2, a3);
}

/* Up to 48 bytes per call, packed into x2..x7. */
static void console_chunk(const char *s, size_t n)
{
	uint64_t w[6] = {0};
	size_t i;

	for (i = 0; i < n; i++) {
		w[i / 8] |= (uint64_t)(uint8_t)s[i] << (8 * (i % 8));
	}
	__asm__ volatile(
		"mov x0, %0\n\t"
		"mov x1, %1\n\t"
		"ldp x2, x3, [%2]\n\t"
		"ldp x4, x5, [%2, #16]\n\t"
		"ldp x6, x7, [%2, #32]\n\t"
		"hvc #0"
		:
		: "r"((uint64_t)RUMKV_SMCCC_ID(RUMKV_HC_CONSOLE_WRITE)),
		  "r"((uint64_t)n), "r"(w)
		: "x0", "x1", "x2", "x3", "x4", "x5", "x6", "x7", "x8", "x9",
		  "x10", "x11", "x12", "x13", "x14", "x15", "x16", "x17",
		  "memory");
}

static void pl011_puts(const char *s)
{
	for (; *s != '\0'; s++) {
		const volatile uint32_t *fr =
			(const volatile uint32_t *)(PL011_BASE + 0x18);

		while (*fr & (1u << 5)) {
		}
		*(volatile uint32_t *)PL011_BASE = (uint8_t)*s;
	}
}

void gputs(const char *s)
{
	if (guest_native) {
		pl011_puts(s);
		return;
	}
	while (*s != '\0') {
		size_t chunk = 0;

		while (chunk < RUMKV_CONSOLE_WRITE_MAX && s[chunk] != '\0') {
			chunk++;
		}
		console_chunk(s, chunk);
		s += chunk;
	}
}

void gprintf(const char *fmt, ...)
{
	char buf[256];
	va_list ap;

	va_start(ap, fmt);
	rumkv_vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	gputs(buf);
}

int64_t psci_cpu_on(uint64_t mpidr, uint64_t entry, uint64_t ctx)
{
	return smccc_call(false, 0xc4000003u, mpidr, entry, ctx).x0;
}

int64_t psci_affinity_info(uint64_t mpidr)
{
	return smccc_call(false, 0xc4000004u, mpidr, 0, 0).x0;
}

void psci_cpu_off(void)
{
	smccc_call(false, 0x84000002u, 0, 0, 0);
	for (;;) {
	}
}

void psci_system_off(void)
{
	smccc_call(false, 0x84000008u, 0, 0, 0);
	for (;;) {
	}
}

void psci_system_reset(void)
{
	smccc_call(false, 0x84000009u, 0, 0, 0);
	for (;;) {
	}
}

void guest_exit(void)
{
	psci_system_off();
}

unsigned vcore_index(void)
{
	return (unsigned)(read_mpidr() & 0xff);
}

static volatile unsigned vcores_started;

void guest_report_core(void)
{
	struct smccc_res r = rumkv_call(RUMKV_HC_CORE_INFO, 0, 0, 0);

	gprintf("vcore %u up: mpidr 0x%llx, physical core hw 0x%llx\n",
		vcore_index(), (unsigned long long)read_mpidr(),
		(unsigned long long)r.x3);
	__atomic_fetch_add(&vcores_started, 1u, __ATOMIC_RELEASE);
}

unsigned guest_start_vcores(void)
{
	unsigned v;

	for (v = 1; psci_cpu_on(v, (uint64_t)guest_secondary_entry, v) == 0;
	     v++) {
	}
	while (__atomic_load_n(&vcores_started, __ATOMIC_ACQUIRE) < v) {
	}
	return v;
}

/* ---- device tree: just enough to read /chosen/bootargs ---------------- */

static uint32_t be32(const void *p)
{
	const uint8_t *b = p;

	return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 |
	       (uint32_t)b[2] << 8 | b[3];
}

static bool str_eq(const char *a, const char *b)
{
	while (*a != '\0' && *a == *b) {
		a++;
		b++;
	}
	return *a == *b;
}

/* "name@unit" matches "name". */
static bool node_name_eq(const char *full, const char *name)
{
	while (*name != '\0' && *full == *name) {
		full++;
		name++;
	}
	return *name == '\0' && (*full == '\0' || *full == '@');
}

/* A property of a child of the root node, by node name (without unit
 * address) and property name; NULL if absent. */
static const char *fdt_prop(const char *node, const char *prop)
{
	const uint8_t *fdt = (const uint8_t *)guest_dtb;
	const uint8_t *p;
	const char *strings;
	int depth = 0;
	bool in_node = false;

	if (fdt == NULL || be32(fdt) != 0xd00dfeedu) {
		return NULL;
	}
	p = fdt + be32(fdt + 8);
	strings = (const char *)fdt + be32(fdt + 12);
	for (;;) {
		uint32_t tag = be32(p);
		const char *name;
		uint32_t len;

		p += 4;
		switch (tag) {
		case 1: /* FDT_BEGIN_NODE */
			name = (const char *)p;
			depth++;
			in_node = depth == 2 && node_name_eq(name, node);
			while (*p != '\0') {
				p++;
			}
			p = (const uint8_t *)(((uintptr_t)p + 4) & ~3ull);
			break;
		case 2: /* FDT_END_NODE */
			depth--;
			in_node = false;
			break;
		case 3: /* FDT_PROP */
			len = be32(p);
			name = strings + be32(p + 4);
			if (in_node && str_eq(name, prop)) {
				return (const char *)p + 8;
			}
			p += 8 + ((len + 3) & ~3u);
			break;
		case 4: /* FDT_NOP */
			break;
		default:
			return NULL;
		}
	}
}

const char *bootargs(void)
{
	const char *s = fdt_prop("chosen", "bootargs");

	return s != NULL ? s : "";
}

bool bootarg(const char *key, char *value, size_t size)
{
	const char *s = bootargs();

	while (*s != '\0') {
		const char *k = key;
		const char *p = s;

		while (*k != '\0' && *p == *k) {
			k++;
			p++;
		}
		if (*k == '\0' && *p == '=') {
			size_t n = 0;

			p++;
			while (*p != '\0' && *p != ' ' && n + 1 < size) {
				value[n++] = *p++;
			}
			value[n] = '\0';
			return true;
		}
		while (*s != '\0' && *s != ' ') {
			s++;
		}
		while (*s == ' ') {
			s++;
		}
	}
	return false;
}

bool bootarg_u64(const char *key, uint64_t *value)
{
	char buf[24];
	const char *p = buf;
	unsigned base = 10;
	uint64_t v = 0;

	if (!bootarg(key, buf, sizeof(buf))) {
		return false;
	}
	if (p[0] == '0' && p[1] == 'x') {
		base = 16;
		p += 2;
	}
	for (; *p != '\0'; p++) {
		unsigned d = *p >= 'a' ? (unsigned)(*p - 'a' + 10)
				       : (unsigned)(*p - '0');

		v = v * base + d;
	}
	*value = v;
	return true;
}

void guest_runtime_init(uint64_t dtb);

void guest_runtime_init(uint64_t dtb)
{
	guest_dtb = dtb;
	/* RumKV describes itself in every cell's device tree; without it the
	 * guest runs natively and drives the UART itself. */
	guest_native = fdt_prop("hypervisor", "compatible") == NULL;
}

/* ---- timer and GIC ----------------------------------------------------- */

uint64_t counter(void)
{
	uint64_t v;

	__asm__ volatile("isb\n\tmrs %0, cntvct_el0" : "=r"(v));
	return v;
}

uint64_t counter_freq(void)
{
	uint64_t v;

	__asm__ volatile("mrs %0, cntfrq_el0" : "=r"(v));
	return v;
}

static volatile uint32_t *gicr_sgi(void)
{
	return (volatile uint32_t *)(GICR_BASE + vcore_index() * GICR_FRAME +
				     0x10000);
}

void gic_init_cpu(void)
{
	volatile uint32_t *gicd = (volatile uint32_t *)GICD_BASE;
	uint64_t v = 0;

	if (vcore_index() == 0) {
		gicd[0] = (1u << 4) | (1u << 1); /* ARE, group 1 */
	}
	/* Wake this vcore's redistributor (RD_base frame, GICR_WAKER). */
	*(volatile uint32_t *)(GICR_BASE + vcore_index() * GICR_FRAME + 0x14) =
		0;
	gicr_sgi()[0x80 / 4] = ~0u; /* SGIs/PPIs in group 1 */
	__asm__ volatile("mrs %0, icc_sre_el1" : "=r"(v));
	__asm__ volatile("msr icc_sre_el1, %0" ::"r"(v | 1));
	__asm__ volatile("isb");
	__asm__ volatile("msr icc_pmr_el1, %0" ::"r"(0xffull));
	__asm__ volatile("msr icc_igrpen1_el1, %0" ::"r"(1ull));
	__asm__ volatile("isb");
}

void gic_enable_irq(uint32_t intid)
{
	if (intid < 32) {
		gicr_sgi()[0x100 / 4] = 1u << intid;
	} else {
		((volatile uint32_t *)GICD_BASE)[0x100 / 4 + intid / 32] =
			1u << (intid % 32);
	}
}

/* Sleeps on the virtual timer with interrupts masked: WFI still wakes on
 * the pending timer interrupt, which is then acknowledged here. */
void sleep_ms(uint64_t ms)
{
	uint64_t deadline = counter() + counter_freq() * ms / 1000;

	__asm__ volatile(
		"msr cntv_cval_el0, %0\n\tmsr cntv_ctl_el0, %1\n\tisb" ::"r"(
			deadline),
		"r"(1ull));
	while (counter() < deadline) {
		__asm__ volatile("wfi");
	}
	__asm__ volatile("msr cntv_ctl_el0, %0\n\tisb" ::"r"(2ull));
	for (;;) {
		uint64_t iar;

		__asm__ volatile("mrs %0, icc_iar1_el1" : "=r"(iar));
		if (iar >= 1020) {
			break;
		}
		__asm__ volatile("msr icc_eoir1_el1, %0\n\tisb" ::"r"(iar));
	}
}

/* The default: no exception but IRQs is expected. Weak, so that a guest
 * program can define its own (guest.h). */
__attribute__((weak)) uint64_t guest_exception(uint64_t kind, uint64_t esr,
					       uint64_t elr, uint64_t far)
{
	gprintf("guest: unexpected exception %llu: ESR 0x%llx ELR 0x%llx "
		"FAR 0x%llx\n",
		(unsigned long long)kind, (unsigned long long)esr,
		(unsigned long long)elr, (unsigned long long)far);
	guest_exit();
}

/* The compiler may call these even in freestanding code. */
void *memcpy(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);

void *memcpy(void *dst, const void *src, size_t n)
{
	uint8_t *d = dst;
	const uint8_t *s = src;

	while (n-- > 0) {
		*d++ = *s++;
	}
	return dst;
}

void *memset(void *dst, int c, size_t n)
{
	uint8_t *d = dst;

	while (n-- > 0) {
		*d++ = (uint8_t)c;
	}
	return dst;
}
