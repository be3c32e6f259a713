// SPDX-License-Identifier: MIT
/*
 * This project's guest: says which cell and vcore it is and where it
 * runs, through RumKV's console hypercall, then ends its cell (PSCI
 * SYSTEM_OFF). It needs nothing of RumKV but <rumkv/abi.h>.
 */
#include <rumkv/abi.h>

#include <stddef.h>
#include <stdint.h>

#define PSCI_SYSTEM_OFF 0x84000008u

void guest_main(uint64_t dtb);
extern char _start[];

struct smccc_res {
	int64_t status;
	uint64_t r[3];
};

/* SMCCC 1.1 fast call: function ID in w0, arguments in x1..x7. */
static struct smccc_res smccc(uint32_t id, const uint64_t a[7])
{
	register uint64_t x0 __asm__("x0") = id;
	register uint64_t x1 __asm__("x1") = a[0];
	register uint64_t x2 __asm__("x2") = a[1];
	register uint64_t x3 __asm__("x3") = a[2];
	register uint64_t x4 __asm__("x4") = a[3];
	register uint64_t x5 __asm__("x5") = a[4];
	register uint64_t x6 __asm__("x6") = a[5];
	register uint64_t x7 __asm__("x7") = a[6];

	__asm__ volatile("hvc #0"
			 : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3)
			 : "r"(x4), "r"(x5), "r"(x6), "r"(x7)
			 : "memory");
	return (struct smccc_res){(int64_t)x0, {x1, x2, x3}};
}

/* Up to RUMKV_CONSOLE_WRITE_MAX bytes a call, packed into x2..x7. */
static void puts_rumkv(const char *s)
{
	while (*s != '\0') {
		uint64_t a[7] = {0};
		size_t n = 0;

		for (; s[n] != '\0' && n < RUMKV_CONSOLE_WRITE_MAX; n++) {
			a[1 + n / 8] |= (uint64_t)(uint8_t)s[n]
					<< (8 * (n % 8));
		}
		a[0] = n;
		smccc(RUMKV_SMCCC_ID(RUMKV_HC_CONSOLE_WRITE), a);
		s += n;
	}
}

/* Appends `v` in decimal (hex with "0x" if `hex`) at `p`. */
static char *put_num(char *p, uint64_t v, int hex)
{
	char digits[17];
	unsigned base = hex ? 16 : 10;
	int n = 0;

	if (hex) {
		*p++ = '0';
		*p++ = 'x';
	}
	do {
		digits[n++] = "0123456789abcdef"[v % base];
		v /= base;
	} while (v != 0);
	while (n > 0) {
		*p++ = digits[--n];
	}
	return p;
}

static char *put_str(char *p, const char *s)
{
	while (*s != '\0') {
		*p++ = *s++;
	}
	return p;
}

void guest_main(uint64_t dtb)
{
	static const uint64_t none[7];
	struct smccc_res me = smccc(RUMKV_SMCCC_ID(RUMKV_HC_CORE_INFO), none);
	char line[96];
	char *p = line;

	(void)dtb;
	p = put_str(p, "hello from cell ");
	p = put_num(p, me.r[0], 0);
	p = put_str(p, ", vcore ");
	p = put_num(p, me.r[1], 0);
	p = put_str(p, ", running at ");
	p = put_num(p, (uintptr_t)_start, 1);
	p = put_str(p, "\n");
	*p = '\0';
	puts_rumkv(line);
	smccc(PSCI_SYSTEM_OFF, none); /* ends this cell; does not return */
}
