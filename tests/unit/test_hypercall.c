// SPDX-License-Identifier: MIT
/*
 * The hypercall dispatcher with every function number and hostile
 * arguments: each call returns a defined status and changes nothing it
 * should not.
 */
#include "fake_machine.h"

#include <criterion/criterion.h>
#include <string.h>

struct snapshot {
	struct rumkv_cell cell[3];
	struct rumkv_status_page status;
	uint32_t events;
	uint32_t console_len;
};

static void take(struct snapshot *s)
{
	memcpy(s->cell, fm.cell_state, sizeof(s->cell));
	memcpy(&s->status, fm.plan.status_page, sizeof(s->status));
	s->events = fake.event_count;
	s->console_len = fake.console_len;
}

static void expect_unchanged(const struct snapshot *before, uint64_t fn)
{
	struct snapshot now;

	take(&now);
	cr_assert(memcmp(before->cell, now.cell, sizeof(now.cell)) == 0,
		  "function 0x%llx changed a cell", (unsigned long long)fn);
	cr_assert(memcmp(&before->status, &now.status, sizeof(now.status)) == 0,
		  "function 0x%llx changed the status page",
		  (unsigned long long)fn);
	cr_assert_eq(before->events, now.events);
	cr_assert_eq(before->console_len, now.console_len);
}

Test(hypercall, unknown_functions_are_not_supported)
{
	static const uint64_t hostile[] = {
		0, 1, ~0ull, 0x8000000000000000ull, 0x1001, 0x48000000};
	struct snapshot before;
	uint64_t fn;

	fm_boot_all();
	take(&before);
	for (fn = RUMKV_HC_COUNT; fn <= 0xffff; fn++) {
		uint64_t r[8] = {fn};
		unsigned i;

		for (i = 1; i < 8; i++) {
			r[i] = hostile[(fn + i) % 6];
		}
		cr_assert_eq(fm_hypercall(fm_core(FM_A, 0), r), FAKE_RETURNED);
		cr_assert_eq((int64_t)r[0], RUMKV_RET_NOT_SUPPORTED);
	}
	for (fn = 0x10000; fn != 0; fn <<= 1) {
		uint64_t r[8] = {fn};

		fm_hypercall(fm_core(FM_A, 0), r);
		cr_assert_eq((int64_t)r[0], RUMKV_RET_NOT_SUPPORTED);
	}
	expect_unchanged(&before, fn);
}

Test(hypercall, version_ignores_arguments)
{
	uint64_t r[8] = {RUMKV_HC_VERSION, ~0ull, ~0ull, ~0ull, ~0ull};
	struct snapshot before;

	fm_boot_all();
	take(&before);
	cr_assert_eq(fm_hypercall(fm_core(FM_B, 1), r), FAKE_RETURNED);
	cr_assert_eq(r[0], RUMKV_ABI_VERSION);
	expect_unchanged(&before, RUMKV_HC_VERSION);
}

Test(hypercall, console_write_rejects_bad_lengths)
{
	static const uint64_t bad[] = {49, 64, 0x100000000ull, ~0ull,
				       0x8000000000000000ull};
	struct snapshot before;
	unsigned i;

	fm_boot_all();
	fake_reset();
	take(&before);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		uint64_t r[8] = {RUMKV_HC_CONSOLE_WRITE,
				 bad[i],
				 ~0ull,
				 ~0ull,
				 ~0ull,
				 ~0ull,
				 ~0ull,
				 ~0ull};

		cr_assert_eq(fm_hypercall(fm_core(FM_A, 0), r), FAKE_RETURNED);
		cr_assert_eq((int64_t)r[0], RUMKV_RET_INVALID_PARAMETER);
	}
	expect_unchanged(&before, RUMKV_HC_CONSOLE_WRITE);
}

/* Packs `s` into a console write from `core`. */
static void put(struct rumkv_core *core, const char *s)
{
	uint64_t r[8] = {RUMKV_HC_CONSOLE_WRITE, strlen(s)};
	size_t i;

	for (i = 0; s[i] != '\0'; i++) {
		r[2 + i / 8] |= (uint64_t)(uint8_t)s[i] << (8 * (i % 8));
	}
	cr_assert_eq(fm_hypercall(core, r), FAKE_RETURNED);
	cr_assert_eq(r[0], strlen(s));
}

Test(hypercall, console_lines_are_tagged_and_never_interleaved)
{
	fm_boot_all();
	fake_reset();
	put(fm_core(FM_A, 0), "hel");
	put(fm_core(FM_C, 0), "from C\n");
	put(fm_core(FM_A, 0), "lo\r\n");
	put(fm_core(FM_B, 0), "esc\033[2J\x01\ttab\n");
	put(fm_core(FM_B, 0), "");
	cr_assert_str_eq(fake.console,
			 "[C] from C\n[A] hello\n"
			 "[B] esc.\ttab\n",
			 "escape sequence dropped, other control shown as .");
}

/* Byte i of a write is byte i % 8 (least significant first) of x(2 + i / 8),
 * through all six registers; bytes past the length are not printed. */
Test(hypercall, console_write_takes_bytes_in_register_order)
{
	const char *full = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJK\n";
	uint64_t r[8] = {RUMKV_HC_CONSOLE_WRITE, 3,
			 'x' | 'y' << 8 | 'z' << 16 | (uint64_t)'!' << 24,
			 ~0ull};

	fm_boot_all();
	fake_reset();
	cr_assert_eq(strlen(full), RUMKV_CONSOLE_WRITE_MAX);
	put(fm_core(FM_A, 0), full);
	cr_assert_eq(fm_hypercall(fm_core(FM_A, 0), r), FAKE_RETURNED);
	cr_assert_eq(r[0], 3);
	put(fm_core(FM_A, 0), "\n");
	cr_assert_str_eq(fake.console,
			 "[A] 0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJK\n"
			 "[A] xyz\n",
			 "got \"%s\"", fake.console);
}

Test(hypercall, console_wraps_long_lines)
{
	char chunk[41];
	int i;

	fm_boot_all();
	fake_reset();
	memset(chunk, 'x', 40);
	chunk[40] = '\0';
	for (i = 0; i < 4; i++) {
		put(fm_core(FM_A, 0), chunk);
	}
	put(fm_core(FM_A, 0), "\n");
	cr_assert_eq(fake.console_len, 4 + 120 + 1 + 4 + 40 + 1);
}

Test(hypercall, core_info_status_page_and_stats)
{
	uint64_t r[8] = {RUMKV_HC_CORE_INFO, ~0ull, ~0ull, ~0ull};

	fm_boot_all();
	cr_assert_eq(fm_hypercall(fm_core(FM_B, 1), r), FAKE_RETURNED);
	cr_assert_eq(r[0], 0);
	cr_assert_eq(r[1], FM_B);
	cr_assert_eq(r[2], 1);
	cr_assert_eq(r[3], 5, "hardware ID of physical core 5");

	memset(r, 0xff, sizeof(r));
	r[0] = RUMKV_HC_STATUS_PAGE;
	fm_hypercall(fm_core(FM_C, 0), r);
	cr_assert_eq(r[0], 0);
	cr_assert_eq(r[1], FM_STATUS_IPA);

	fm_core(FM_A, 0)->exits = 7;
	fm_core(FM_A, 3)->exits = 5;
	fm_core(FM_B, 0)->exits = 1000;
	memset(r, 0, sizeof(r));
	r[0] = RUMKV_HC_STATS;
	fm_hypercall(fm_core(FM_A, 3), r);
	cr_assert_eq(r[0], 0);
	cr_assert_eq(r[1], 5);
	cr_assert_eq(r[2], 12, "only the caller's own cell is summed");
}
