// SPDX-License-Identifier: MIT
/*
 * The console: the input cell's live line over an emulated PL011, how it
 * shares the screen with other cells' lines, the UART model's registers
 * and receive path, and the input focus moving between cells.
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
	cr_assert_not(fake_seen(FAKE_IRQ_ASSIGN, FM_A, 33),
		      "the console's interrupt is RumKV's, no cell's");
	cr_assert(fake_seen(FAKE_CONSOLE_ROUTE, FM_A, 0),
		  "input goes to A's first core");
	cr_assert_eq(fake.console_route, fm_core(FM_A, 0));
	cr_assert(strstr(fake.console, "rumkv: console input: cell A (Ctrl-] "
				       "3 times: next cell)\n") != NULL,
		  "the focus is shown: %s", fake.console);
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
	cr_assert_not(rumkv_console_takes_input(fm_core(FM_C, 0)),
		      "a cell without input never has the focus");
	rumkv_console_input(fm_core(FM_C, 0), 'x');
	cr_assert_eq(uart(fm_core(FM_C, 0), 0x18, false, 0), 0x90,
		     "a cell without input gets none");
	cr_assert_eq(uart(a0, 0x00, false, 0), 'x',
		     "what reaches another core goes to the focus");
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

/* ---- the input focus (issue 15) ---- */

#define SWITCH "\035\035\035" /* Ctrl-] three times */

/* A and C take input (A has the focus), B writes with the hypercall. */
static void boot_two_inputs(void)
{
	fm_build();
	fm.cells[FM_A].console = RUMKV_CONSOLE_VUART | RUMKV_CONSOLE_INPUT;
	fm.cells[FM_A].vuart_ipa = VUART;
	fm.cells[FM_C].console = RUMKV_CONSOLE_VUART | RUMKV_CONSOLE_INPUT;
	fm.cells[FM_C].vuart_ipa = VUART;
	cr_assert_eq(fm_boot(), FAKE_ENTER);
	cr_assert_eq(fm_run_parked(fm_core(FM_B, 0)), FAKE_ENTER);
	cr_assert_eq(fm_run_parked(fm_core(FM_C, 0)), FAKE_ENTER);
	cr_assert_eq(fake.console_route, fm_core(FM_A, 0));
	fake_reset();
}

/* Input as the port delivers it: on the core the interrupt is routed to,
 * while that core takes input; the rest stays in the UART. Returns how
 * many bytes were taken. */
static size_t receive(const char *s)
{
	struct rumkv_core *core = (struct rumkv_core *)fake.console_route;
	size_t i;

	for (i = 0; s[i] != '\0'; i++) {
		if (!rumkv_console_takes_input(core)) {
			break;
		}
		rumkv_console_input(core, s[i]);
	}
	return i;
}

static void expect_fifo(int c, const char *want)
{
	struct rumkv_core *core = fm_core(c, 1);

	for (size_t i = 0; want[i] != '\0'; i++) {
		cr_assert_eq(uart(core, 0x18, false, 0) & 0x10, 0,
			     "cell %d: byte %zu of \"%s\" is there", c, i,
			     want);
		cr_assert_eq(uart(core, 0x00, false, 0), (uint8_t)want[i],
			     "cell %d: byte %zu of \"%s\"", c, i, want);
	}
	cr_assert_eq(uart(core, 0x18, false, 0), 0x90, "cell %d: no more", c);
}

Test(console, the_switch_keys_move_input_to_the_next_cell)
{
	boot_two_inputs();
	cr_assert_eq(receive("ls\n"), 3);
	expect_fifo(FM_A, "ls\n");
	expect_fifo(FM_C, "");
	cr_assert_eq(receive(SWITCH "pwd\n"), 3,
		     "after the switch the rest waits for C's core");
	cr_assert_eq(fake.console_route, fm_core(FM_C, 0));
	cr_assert_str_eq(fake.console, "rumkv: console input: cell C (Ctrl-] "
				       "3 times: next cell)\n");
	cr_assert_eq(receive("pwd\n"), 4);
	expect_fifo(FM_C, "pwd\n");
	expect_fifo(FM_A, "");
	receive(SWITCH);
	cr_assert_eq(fake.console_route, fm_core(FM_A, 0),
		     "B takes no input: it is skipped, and the focus wraps");
	cr_assert_eq(receive("x"), 1);
	expect_fifo(FM_A, "x");
}

/* The sequence may arrive split over any number of interrupts; keys
 * that turn out not to be a switch reach the cell, in order. */
Test(console, a_split_sequence_switches_and_a_short_one_passes)
{
	boot_two_inputs();
	receive("\035");
	receive("\035");
	receive("\035");
	cr_assert_eq(fake.console_route, fm_core(FM_C, 0));
	receive("\035\035");
	receive("q");
	receive("\035r");
	expect_fifo(FM_C, "\035\035q\035r");
	cr_assert_eq(fake.console_route, fm_core(FM_C, 0));
	cr_assert_eq(receive("\035\035\035\035"), 3,
		     "the fourth waits for the new focus");
	cr_assert_eq(fake.console_route, fm_core(FM_A, 0));
	receive("\035s");
	expect_fifo(FM_A, "\035s");
}

/* The focused cell's unfinished line is live; the one that loses the
 * focus is printed whole once complete. */
Test(console, the_focus_has_the_live_line)
{
	boot_two_inputs();
	type_out(fm_core(FM_C, 0), "C # ");
	cr_assert_str_eq(fake.console, "", "C is not in focus");
	type_out(fm_core(FM_A, 0), "A # ");
	cr_assert_str_eq(fake.console, "[A] A # ");
	receive(SWITCH);
	cr_assert_str_eq(fake.console,
			 "[A] A # \nrumkv: console input: cell C (Ctrl-] 3 "
			 "times: next cell)\n[C] C # ",
			 "C's prompt shows at once: %s", fake.console);
	fake_reset();
	type_out(fm_core(FM_A, 1), "done\n");
	type_out(fm_core(FM_C, 1), "ls");
	cr_assert_str_eq(fake.console, "\n[A] A # done\n[C] C # ls", "%s",
			 fake.console);
}

/* Output of a cell out of focus is printed as it comes (never held for
 * the focus), each line whole and tagged. */
Test(console, output_out_of_focus_goes_out)
{
	boot_two_inputs();
	type_out(fm_core(FM_A, 0), "$ ");
	for (int i = 0; i < 3; i++) {
		type_out(fm_core(FM_C, i % 2), "beat\n");
	}
	cr_assert_str_eq(fake.console,
			 "[A] $ \n[C] beat\n[A] $ \n[C] beat\n[A] $ \n[C] "
			 "beat\n[A] $ ");
}

/* A polling guest: the byte waits in the FIFO, no interrupt asked for,
 * none raised. */
Test(console, input_reaches_a_polling_guest)
{
	boot_two_inputs();
	receive("p");
	cr_assert_not(fake_seen(FAKE_VIRQ, FM_A, 33), "IMSC is 0");
	expect_fifo(FM_A, "p");
}

/* A cell that never reads: its FIFO fills, the rest is dropped and
 * counted, and the count is told once the focus leaves it; the next cell
 * is not held up. */
Test(console, a_cell_that_never_reads_loses_only_its_own_input)
{
	char many[RUMKV_VUART_RX_SIZE + 11];

	boot_two_inputs();
	memset(many, 'm', sizeof(many) - 1);
	many[sizeof(many) - 1] = '\0';
	cr_assert_eq(receive(many), sizeof(many) - 1);
	cr_assert_eq(fm_cell(FM_A)->vuart.rx_count, RUMKV_VUART_RX_SIZE);
	cr_assert_eq(fm_cell(FM_A)->vuart.rx_dropped, 10);
	receive(SWITCH);
	cr_assert(strstr(fake.console, "rumkv: cell A: its UART's receive FIFO "
				       "was full: 10 bytes of input "
				       "dropped\n") != NULL,
		  "%s", fake.console);
	receive("c");
	expect_fifo(FM_C, "c");
}

/* Reading again ends the drops: the count is told at the next byte. */
Test(console, drops_are_told_when_the_cell_reads_again)
{
	char many[RUMKV_VUART_RX_SIZE + 3];

	boot_two_inputs();
	memset(many, 'm', sizeof(many) - 1);
	many[sizeof(many) - 1] = '\0';
	receive(many);
	(void)uart(fm_core(FM_A, 0), 0x00, false, 0);
	fake_reset();
	receive("n");
	cr_assert_str_eq(fake.console, "rumkv: cell A: its UART's receive FIFO "
				       "was full: 2 bytes of input dropped\n");
	cr_assert_eq(fm_cell(FM_A)->vuart.rx_dropped, 0);
}

/* A restarting cell keeps the focus; one that ends for good passes it
 * on; so does one that pledges its console away. */
Test(console, the_focus_stays_through_a_restart)
{
	fm_build();
	fm.cells[FM_B].console = RUMKV_CONSOLE_VUART | RUMKV_CONSOLE_INPUT;
	fm.cells[FM_B].vuart_ipa = VUART;
	fm.cells[FM_C].console = RUMKV_CONSOLE_VUART | RUMKV_CONSOLE_INPUT;
	fm.cells[FM_C].vuart_ipa = VUART;
	cr_assert_eq(fm_boot(), FAKE_ENTER);
	cr_assert_eq(fm_run_parked(fm_core(FM_B, 0)), FAKE_ENTER);
	cr_assert_eq(fm_run_parked(fm_core(FM_C, 0)), FAKE_ENTER);
	cr_assert_eq(fake.console_route, fm_core(FM_B, 0),
		     "the first cell that takes input has the focus");
	cr_assert_eq(fm_violation(fm_core(FM_B, 0), RUMKV_REASON_STAGE2_FAULT),
		     FAKE_ENTER, "B restarts");
	cr_assert_eq(fake.console_route, fm_core(FM_B, 0));
	cr_assert_eq(receive("b"), 1);
	expect_fifo(FM_B, "b");
}

Test(console, the_focus_leaves_a_cell_that_ends)
{
	boot_two_inputs();
	type_out(fm_core(FM_C, 0), "C # ");
	cr_assert_eq(fm_violation(fm_core(FM_A, 2), RUMKV_REASON_STAGE2_FAULT),
		     FAKE_WAIT);
	cr_assert_eq(fake.console_route, fm_core(FM_C, 0));
	cr_assert(strstr(fake.console, "rumkv: console input: cell C (") !=
			  NULL,
		  "%s", fake.console);
	cr_assert_eq(receive(SWITCH "z"), 4, "A is no candidate any more");
	cr_assert_eq(fake.console_route, fm_core(FM_C, 0));
	expect_fifo(FM_C, "z");
}

Test(console, the_focus_leaves_a_cell_that_pledges_its_console)
{
	uint64_t r[8] = {RUMKV_HC_PLEDGE, RUMKV_RIGHT_NET};

	boot_two_inputs();
	cr_assert_eq(fm_hypercall(fm_core(FM_A, 0), r), FAKE_RETURNED);
	cr_assert_eq(fake.console_route, fm_core(FM_C, 0));
	receive("k");
	expect_fifo(FM_C, "k");
}

/* The last cell that takes input ends: the focus stays (nothing to give
 * it to), input is dropped, and the switch keys still do no harm. */
Test(console, no_candidate_left)
{
	boot_with_vuarts();
	cr_assert_eq(fm_violation(fm_core(FM_A, 1), RUMKV_REASON_STAGE2_FAULT),
		     FAKE_WAIT);
	cr_assert_eq(fake.console_route, fm_core(FM_A, 0));
	cr_assert_eq(receive("a" SWITCH "b"), 5);
	cr_assert_eq(fm_cell(FM_A)->vuart.rx_count, 0, "closed: nothing kept");
}

/* A cell out of focus that floods its UART: its own budget cuts it, and
 * says how much it dropped; the cell in focus keeps its live line and
 * its echo all the while. */
Test(console, a_flood_out_of_focus_is_bounded_and_counted)
{
	uint32_t flooded = 0;

	boot_two_inputs();
	fake.counter = 1000;
	type_out(fm_core(FM_A, 0), "$ ");
	for (uint32_t i = 0; i < 3000; i++) {
		type_out(fm_core(FM_C, i % 2), "flood flood flood flood\n");
		if (i % 100 == 0) {
			flooded += lines_of("[C] flood");
			fake_reset();
		}
	}
	flooded += lines_of("[C] flood");
	cr_assert_lt(flooded, 3000, "the flood was cut: %u lines", flooded);
	fake_reset();
	receive("ls");
	expect_fifo(FM_A, "ls");
	type_out(fm_core(FM_A, 1), "ls");
	cr_assert_str_eq(fake.console, "ls", "A's echo goes out at once");
	fake.counter += fake.counter_freq;
	fake_reset();
	type_out(fm_core(FM_C, 0), "after\n");
	cr_assert(strstr(fake.console, "rumkv: cell C: over its console "
				       "budget, dropped ") != NULL,
		  "%s", fake.console);
	cr_assert(strstr(fake.console, "[C] after\n") != NULL, "%s",
		  fake.console);
}

/* Another cell's pledge or end leaves the focus where it is; that cell's
 * UART is closed and gets nothing. */
Test(console, the_focus_stays_when_another_cell_pledges)
{
	uint64_t r[8] = {RUMKV_HC_PLEDGE, RUMKV_RIGHT_NET};

	boot_two_inputs();
	cr_assert_eq(fm_hypercall(fm_core(FM_C, 1), r), FAKE_RETURNED);
	cr_assert_not(fake_seen(FAKE_CONSOLE_ROUTE, FM_C, 0));
	cr_assert_eq(fake.console_route, fm_core(FM_A, 0));
	cr_assert_eq(receive(SWITCH "a"), 4, "C is no candidate now");
	expect_fifo(FM_A, "a");
	cr_assert(fm_cell(FM_C)->vuart.closed);
	cr_assert_eq(fm_cell(FM_C)->vuart.rx_count, 0);
}
