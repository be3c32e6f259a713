// SPDX-License-Identifier: MIT
/*
 * The console: the input cell's live line over an emulated PL011, how it
 * shares the screen with other cells' lines, and the UART model's
 * registers and receive path.
 */
#include "fake_machine.h"

#include <criterion/criterion.h>
#include <rumkv/error.h>
#include <string.h>

#define VUART 0x09000000ull

/* A boots with an emulated UART that takes input; C without input. */
static void boot_with_vuarts(void)
{
	fm_build();
	fm.cells[FM_A].console = RUMKV_CONSOLE_VUART | RUMKV_CONSOLE_INPUT;
	fm.cells[FM_A].vuart_ipa = VUART;
	fm.cells[FM_C].console = RUMKV_CONSOLE_VUART | RUMKV_CONSOLE_HYPERCALL;
	fm.cells[FM_C].vuart_ipa = VUART;
	cr_assert_eq(fm_boot(), FAKE_ENTER);
	cr_assert_eq(fm_run_parked(fm_core(FM_B, 0)), FAKE_ENTER);
	cr_assert_eq(fm_run_parked(fm_core(FM_C, 0)), FAKE_ENTER);
	cr_assert(fake_seen(FAKE_IRQ_ASSIGN, FM_A, 33),
		  "the input cell gets the console's interrupt");
	cr_assert_not(fake_seen(FAKE_IRQ_ASSIGN, FM_C, 33));
	fake_reset();
}

static uint64_t uart(struct rumkv_core *core, uint32_t off, bool write,
		     uint64_t value)
{
	struct rumkv_mmio_access acc = {
		.ipa = VUART + off, .value = value, .size = 4, .write = write};

	cr_assert_eq(rumkv_mmio_emulate(core, &acc), RUMKV_OK);
	return acc.value;
}

static void type_out(struct rumkv_core *core, const char *s)
{
	for (; *s != '\0'; s++) {
		uart(core, 0x00, true, (uint8_t)*s);
	}
}

static void put(struct rumkv_core *core, const char *s)
{
	uint64_t r[8] = {RUMKV_HC_CONSOLE_WRITE, strlen(s)};

	for (size_t i = 0; s[i] != '\0'; i++) {
		r[2 + i / 8] |= (uint64_t)(uint8_t)s[i] << (8 * (i % 8));
	}
	cr_assert_eq(fm_hypercall(core, r), FAKE_RETURNED);
}

Test(console, input_cell_line_is_live_and_redrawn)
{
	boot_with_vuarts();
	type_out(fm_core(FM_A, 0), "/ # ");
	cr_assert_str_eq(fake.console, "[A] / # ", "the prompt shows at once");
	put(fm_core(FM_B, 0), "beat\n");
	cr_assert_str_eq(fake.console, "[A] / # \n[B] beat\n[A] / # ");
	type_out(fm_core(FM_A, 2), "ls\n");
	cr_assert_str_eq(fake.console, "[A] / # \n[B] beat\n[A] / # ls\n",
			 "any core of the cell continues the UART's line: %s",
			 fake.console);
}

Test(console, other_cells_uart_lines_are_whole)
{
	boot_with_vuarts();
	type_out(fm_core(FM_C, 0), "partial");
	cr_assert_str_eq(fake.console, "", "no input: no live line");
	type_out(fm_core(FM_C, 1), " line\r\n");
	cr_assert_str_eq(fake.console, "[C] partial line\n");
}

Test(console, backspace_stays_inside_the_cells_text)
{
	boot_with_vuarts();
	type_out(fm_core(FM_A, 0), "ab\b\b\b\b\bc\n");
	cr_assert_str_eq(fake.console, "[A] ab\b \b\b \bc\n",
			 "two erased, the extra backspaces ignored; got \"%s\"",
			 fake.console);
}

Test(console, escape_sequences_are_dropped)
{
	boot_with_vuarts();
	type_out(fm_core(FM_C, 0), "x\033[6ny\033[1;31mz\033cw\x01\n");
	cr_assert_str_eq(fake.console, "[C] xyzw.\n");
}

Test(console, rumkv_reports_do_not_cut_the_live_line)
{
	boot_with_vuarts();
	type_out(fm_core(FM_A, 0), "$ ");
	cr_assert_eq(fm_violation(fm_core(FM_B, 0), RUMKV_REASON_STAGE2_FAULT),
		     FAKE_ENTER);
	cr_assert(strncmp(fake.console, "[A] $ \nrumkv: cell B core 0", 27) ==
			  0,
		  "%s", fake.console);
	cr_assert(strstr(fake.console, "restarting (1 of 2)\n[A] $ ") != NULL);
}

Test(console, uart_registers_and_input)
{
	struct rumkv_core *a0;

	boot_with_vuarts();
	a0 = fm_core(FM_A, 0);
	cr_assert_eq(uart(a0, 0x18, false, 0), 0x90, "FR: TX empty, RX empty");
	cr_assert_eq(uart(a0, 0xfe0, false, 0), 0x11, "PeriphID0 of a PL011");
	cr_assert_eq(uart(a0, 0xffc, false, 0), 0xb1, "PCellID3");
	uart(a0, 0x38, true, 1u << 4); /* IMSC: receive interrupt */
	cr_assert_eq(uart(a0, 0x38, false, 0), 1u << 4);
	cr_assert_eq(uart(a0, 0x40, false, 0), 0, "MIS: nothing received");
	fake_reset();
	rumkv_console_input(a0, 'k');
	rumkv_console_input(a0, '\r');
	cr_assert(fake_seen(FAKE_VIRQ, FM_A, 33), "the UART's interrupt");
	cr_assert_eq(uart(a0, 0x18, false, 0), 0x80, "FR: RX not empty");
	cr_assert_eq(uart(a0, 0x3c, false, 0), 0x70, "RIS: RX, TX, timeout");
	cr_assert_eq(uart(a0, 0x40, false, 0), 1u << 4, "MIS: RX only");
	cr_assert_eq(uart(a0, 0x00, false, 0), 'k');
	cr_assert_eq(uart(a0, 0x00, false, 0), '\r');
	cr_assert_eq(uart(a0, 0x18, false, 0), 0x90);
	rumkv_console_input(fm_core(FM_C, 0), 'x');
	cr_assert_eq(uart(fm_core(FM_C, 0), 0x18, false, 0), 0x90,
		     "a cell without input gets none");
}

struct uart_access {
	struct rumkv_core *core;
	struct rumkv_mmio_access acc;
};

static void emulate(void *arg)
{
	struct uart_access *u = arg;

	(void)rumkv_mmio_emulate(u->core, &u->acc);
}

Test(console, uart_needs_the_console_right)
{
	uint64_t r[8] = {RUMKV_HC_PLEDGE, RUMKV_RIGHT_NET};
	struct uart_access u = {
		.acc = {.ipa = VUART, .value = 'x', .size = 4, .write = true},
	};

	boot_with_vuarts();
	u.core = fm_core(FM_A, 0);
	cr_assert_eq(fm_hypercall(u.core, r), FAKE_RETURNED);
	cr_assert_eq(fake_run(u.core, emulate, &u), FAKE_WAIT, "the cell ends");
	cr_assert_eq(fm_cell(FM_A)->reason, RUMKV_REASON_RIGHT_REVOKED);
}

/* ---- hostile writers: the shared UART line (issue 11, item 1) ---- */

static bool vuart_regs_untouched(const struct rumkv_vuart *u)
{
	uint32_t i;

	/* DR..IFLS-1 (0x00-0x20) are never kept: only an overflow of the
	 * line writes them. */
	for (i = 0; i < 0x24 / 4; i++) {
		if (u->regs[i] != 0) {
			return false;
		}
	}
	return true;
}

/* Racing cores could leave the shared line at (or past) its end: a core
 * that read len = 119 stores len = 120 after another core has emitted and
 * emptied it, and the next byte then went to buf[120] and on, because
 * "full" was tested with ==. Whatever len holds, no byte may be stored
 * past the buffer. */
Test(console, uart_line_never_writes_past_its_end)
{
	struct rumkv_vuart *u;
	char *nl;

	boot_with_vuarts();
	u = &fm_cell(FM_C)->vuart;
	memset(u->line.buf, 'o', sizeof(u->line.buf));
	u->line.len = RUMKV_CONSOLE_LINE_MAX; /* what the race leaves */
	type_out(fm_core(FM_C, 0), "xxxxxxxxxxxxxxxxxxxxxxxx");
	cr_assert_leq(u->line.len, RUMKV_CONSOLE_LINE_MAX);
	cr_assert(vuart_regs_untouched(u), "bytes went past the line");
	nl = strchr(fake.console, '\n');
	cr_assert_not_null(nl, "the full line goes out: %s", fake.console);
	cr_assert_eq(nl - fake.console, 4 + RUMKV_CONSOLE_LINE_MAX,
		     "a line holds at most %u bytes", RUMKV_CONSOLE_LINE_MAX);
}

Test(console, long_uart_lines_wrap_at_the_line_size)
{
	char want[2 * (4 + RUMKV_CONSOLE_LINE_MAX + 1) + 1];
	uint32_t i;

	boot_with_vuarts();
	for (i = 0; i < 2 * RUMKV_CONSOLE_LINE_MAX; i++) {
		uart(fm_core(FM_C, i % 2), 0x00, true, 'a' + i % 26);
	}
	cr_assert_leq(fm_cell(FM_C)->vuart.line.len, RUMKV_CONSOLE_LINE_MAX);
	for (i = 0; i < 2; i++) {
		char *p = want + i * (4 + RUMKV_CONSOLE_LINE_MAX + 1);
		uint32_t j;

		memcpy(p, "[C] ", 4);
		for (j = 0; j < RUMKV_CONSOLE_LINE_MAX; j++) {
			p[4 + j] = 'a' + (i * RUMKV_CONSOLE_LINE_MAX + j) % 26;
		}
		p[4 + RUMKV_CONSOLE_LINE_MAX] = '\n';
	}
	want[sizeof(want) - 1] = '\0';
	cr_assert_str_eq(fake.console, want);
	cr_assert(vuart_regs_untouched(&fm_cell(FM_C)->vuart));
}

/* ---- each cell's share of the console (issue 11, item 7) ---- */

static uint32_t lines_of(const char *tag)
{
	uint32_t n = 0;
	size_t len = strlen(tag);

	for (const char *p = fake.console; p != NULL && *p != '\0';) {
		n += strncmp(p, tag, len) == 0;
		p = strchr(p, '\n');
		p = p != NULL ? p + 1 : NULL;
	}
	return n;
}

/* A flooding cell gets its burst and then loses lines, counted; another
 * cell's lines all go out meanwhile; once the flooder's budget has room
 * again, the count is reported before its next line. */
Test(console, a_flood_is_bounded_and_counted)
{
	uint32_t flooded = 0;
	uint32_t victim = 0;
	uint32_t summaries = 0;

	fm_boot_all();
	fake.counter = 1000;
	fake_reset();
	for (uint32_t i = 0; i < 4000; i++) {
		put(fm_core(FM_B, i % 2),
		    "flood flood flood flood flood flood\n");
		if (i % 100 == 0) {
			put(fm_core(FM_C, 0), "victim\n");
			/* The fake console holds 64 KiB: count as we go. */
			flooded += lines_of("[B] flood");
			victim += lines_of("[C] victim");
			summaries += lines_of("rumkv: cell B");
			fake_reset();
		}
	}
	flooded += lines_of("[B] flood");
	/* A line costs its bytes on screen: "[B] ", 35 bytes and the end. */
	cr_assert_eq(victim, 40, "every victim line went out");
	cr_assert_lt(flooded, 4000, "the flood was cut");
	cr_assert_geq(flooded * 40, 16u * 4096 - 64,
		      "the burst (16 s at 4 KiB/s) went out: %u lines",
		      flooded);
	cr_assert_leq(flooded * 40, 16u * 4096 + 64,
		      "no more than the burst: %u lines", flooded);
	cr_assert_eq(summaries, 0, "no summary while the flood goes on");

	fake_reset();
	fake.counter += fake.counter_freq; /* a second later */
	put(fm_core(FM_B, 0), "after\n");
	cr_assert(strstr(fake.console, "rumkv: cell B: over its console "
				       "budget, dropped ") == fake.console,
		  "the summary comes first: %s", fake.console);
	cr_assert(strstr(fake.console, "[B] after\n") != NULL, "%s",
		  fake.console);
}

/* A cell resetting itself in a loop makes RumKV print a line each time:
 * those count against its budget too, and are summarised. */
static void reset_core(void *core)
{
	rumkv_cell_system_off(core, true);
}

Test(console, reports_about_a_cell_are_bounded)
{
	fm_boot_all();
	fake.counter = 1000;
	fake_reset();
	for (uint32_t i = 0; i < 200; i++) {
		struct rumkv_core *c0 = fm_core(FM_C, 0);

		/* The resetting core starts the cell again itself. */
		cr_assert_eq(fake_run(c0, reset_core, c0), FAKE_ENTER);
		fake.counter +=
			fake.counter_freq / 100; /* 100 resets a second */
	}
	cr_assert_eq(fm_cell(FM_C)->state, RUMKV_CELL_RUNNING);
	cr_assert_lt(lines_of("rumkv: cell C reset"), 40,
		     "%u reset lines for 200 resets in 2 s",
		     lines_of("rumkv: cell C reset"));
	cr_assert_geq(lines_of("rumkv: cell C reset"), 16);
	put(fm_core(FM_B, 0), "B is not affected\n");
	cr_assert(strstr(fake.console, "[B] B is not affected\n") != NULL);
}
