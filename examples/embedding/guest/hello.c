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
#define CONSOLE_WRITE RUMKV_SMCCC_ID(RUMKV_HC_CONSOLE_WRITE)

void guest_main(uint64_t dtb);
void *memcpy(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
extern char _start[];

/* GCC may call these even in freestanding code (struct copies, array
 * initialisers); there is no libc to provide them. */
void *memcpy(void *dst, const void *src, size_t n)
{
	char *d = dst;
	const char *s = src;

	while (n-- > 0) {
		*d++ = *s++;
	}
	return dst;
}

void *memset(void *dst, int c, size_t n)
{
	char *d = dst;

	while (n-- > 0) {
		*d++ = (char)c;
	}
	return dst;
}

struct smccc_res {
	int64_t status;
	uint64_t r[3];
};

/* SMCCC 1.1 fast call: function ID in w0, arguments in x1..x7; status
 * in x0, results in x1..x3. */
static struct smccc_res smccc(uint32_t id, const uint64_t a[7])
{
	struct smccc_res res;

	__asm__ volatile("mov x0, %1\n\t"
			 "ldp x1, x2, [%2]\n\t"
			 "ldp x3, x4, [%2, #16]\n\t"
			 "ldp x5, x6, [%2, #32]\n\t"
			 "ldr x7, [%2, #48]\n\t"
			 "hvc #0\n\t"
			 "stp x0, x1, [%0]\n\t"
			 "stp x2, x3, [%0, #16]"
			 :
			 : "r"(&res), "r"((uint64_t)id), "r"(a)
			 : "x0", "x1", "x2", "x3", "x4", "x5", "x6", "x7", "x8",
			   "x9", "x10", "x11", "x12", "x13", "x14", "x15",
			   "x16", "x17", "memory");
	return res;
}

/* Up to RUMKV_CONSOLE_WRITE_MAX bytes a call, packed into x2..x7. */
static void puts_rumkv(const char *s)
{
	while (*s != '\0') {
		uint64_t a[7] = {0};
		size_t n = 0;

		for (; n < RUMKV_CONSOLE_WRITE_MAX && s[n] != '\0'; n++) {
			a[1 + n / 8] |= (uint64_t)(uint8_t)s[n]
					<< (8 * (n % 8));
		}
		a[0] = n;
		if (smccc(CONSOLE_WRITE, a).status < 0) {
			return;
		}
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
