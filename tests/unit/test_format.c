// SPDX-License-Identifier: MIT
/* The report formatter: every conversion RumKV's messages use. */
#include <criterion/criterion.h>
#include <rumkv/error.h>
#include <rumkv/format.h>
#include <stdint.h>
#include <string.h>

Test(format, conversions)
{
	char buf[128];
	const char *missing = NULL;

	rumkv_snprintf(buf, sizeof(buf), "%s %c %d %u %x", "cell", 'A', -42,
		       4000000000u, 0xbeefu);
	cr_assert_str_eq(buf, "cell A -42 4000000000 beef");
	rumkv_snprintf(buf, sizeof(buf), "0x%llx+0x%lx %08x %3u%%",
		       0x48000000ull, 0x8000000ul, 0x1fu, 7u);
	cr_assert_str_eq(buf, "0x48000000+0x8000000 0000001f   7%");
	rumkv_snprintf(buf, sizeof(buf), "%zu %lld %s", (size_t)12,
		       (long long)INT64_MIN, missing);
	cr_assert_str_eq(buf, "12 -9223372036854775808 (null)");
}

/* Corners the formatter defines its own way: the width counts digits
 * only (after a sign) and pads numbers only; a lone '%' at the end
 * prints nothing; an unknown conversion prints itself. */
Test(format, corners)
{
	char buf[64];
	char fmt[16];

	rumkv_snprintf(buf, sizeof(buf), "[%5d|%05d|%3s|%2c]", -42, -7, "ab",
		       'z');
	cr_assert_str_eq(buf, "[-   42|-00007|ab|z]");
	/* Not literals: the compiler rejects these formats, rightly. */
	strcpy(fmt, "%q %lq%");
	rumkv_snprintf(buf, sizeof(buf), fmt, 0);
	cr_assert_str_eq(buf, "%q %q");
	rumkv_snprintf(buf, sizeof(buf), "%x %lx %d", 0u, ~0ul,
		       -2147483647 - 1);
	cr_assert_str_eq(buf, "0 ffffffffffffffff -2147483648");
}

Test(format, truncates_and_terminates)
{
	char buf[8];
	size_t n;

	memset(buf, 'x', sizeof(buf));
	n = rumkv_snprintf(buf, sizeof(buf), "%s", "0123456789");
	cr_assert_eq(n, 7);
	cr_assert_str_eq(buf, "0123456");
	n = rumkv_snprintf(buf, 1, "abc");
	cr_assert_eq(n, 0);
	cr_assert_str_eq(buf, "");
	cr_assert_eq(rumkv_snprintf(NULL, 0, "abc"), 0);
}

Test(format, strerror_names_every_code)
{
	for (int e = RUMKV_ENOTSUP; e <= RUMKV_OK; e++) {
		cr_assert_str_neq(rumkv_strerror(e), "unknown error", "code %d",
				  e);
	}
	cr_assert_str_eq(rumkv_strerror(-1000), "unknown error");
}
