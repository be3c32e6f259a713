// SPDX-License-Identifier: MIT
/*
 * The emulated PL011 (lib/vuart.c) reached through the trap path: what a
 * cell's cores write to DR becomes the cell's tagged console lines, FR
 * tells the FIFO state, received bytes wait in the RX FIFO and raise the
 * UART's virtual interrupt. The UART is one device the cell's cores
 * share: an access by one core in the middle of another's must not
 * corrupt it. The console's input goes to one cell at a time (the focus),
 * and the UART's physical interrupt, RumKV's own, follows it.
 */
#include "el2_test.h"

#include <stdio.h>
#include <string.h>

#define UART(off) (EL2_VUART_IPA + (off))
#define DR 0x000u
#define FR 0x018u
#define IBRD 0x024u
#define IMSC 0x038u
#define FR_RXFE (1u << 4)
#define FR_RXFF (1u << 6)
#define FR_TXFE (1u << 7)

static void put(struct rumkv_core *core, const char *s)
{
	for (; *s != '\0'; s++) {
		el2_write(core, UART(DR), 4, (uint8_t)*s);
	}
}

Test(vuart, four_cores_write_lines)
{
	el2_boot_all();
	for (uint32_t v = 0; v < 4; v++) {
		char line[32];

		snprintf(line, sizeof(line), "line of vcore %u\n", v);
		put(el2_core(EL2_A, v), line);
		cr_assert_eq(
			el2_read(el2_core(EL2_A, (v + 1) % 4), UART(FR), 4),
			FR_TXFE | FR_RXFE);
	}
	for (uint32_t v = 0; v < 4; v++) {
		char line[40];

		snprintf(line, sizeof(line), "[A] line of vcore %u\n", v);
		cr_assert(el2_console_has(line), "no \"%s\" in:\n%s", line,
			  el2.console);
	}
	/* Bytes of several cores make up one line of the one UART. */
	put(el2_core(EL2_A, 0), "ab");
	put(el2_core(EL2_A, 1), "cd");
	put(el2_core(EL2_A, 2), "ef\n");
	cr_assert(el2_console_has("[A] abcdef\n"), "%s", el2.console);
	put(el2_core(EL2_C, 1), "from C\n");
	cr_assert(el2_console_has("[C] from C\n"), "%s", el2.console);
}

/* The machine UART's receive interrupt, taken on `core`. */
static void uart_irq(void *core)
{
	gic_irq_slow(core, EL2_UART_IRQ);
}

/* The interrupt taken on `core` with `s` waiting in the UART. */
static void receive_on(struct rumkv_core *core, const char *s)
{
	size_t n = strlen(s);

	memcpy(el2.input + el2.input_len, s, n);
	el2.input_len += (uint32_t)n;
	cr_assert_eq(el2_run(core, uart_irq, core), EL2_RETURNED);
}

static void receive(const char *s)
{
	receive_on(el2_core(EL2_A, 0), s);
}

Test(vuart, rx_fifo)
{
	char many[RUMKV_VUART_RX_SIZE + 8];

	el2_boot_all();
	receive("xyz");
	cr_assert_eq(el2_read(el2_core(EL2_A, 2), UART(FR), 4), FR_TXFE);
	cr_assert_eq(el2_read(el2_core(EL2_A, 1), UART(DR), 4), 'x');
	cr_assert_eq(el2_read(el2_core(EL2_A, 2), UART(DR), 4), 'y');
	cr_assert_eq(el2_read(el2_core(EL2_A, 3), UART(DR), 4), 'z');
	cr_assert_eq(el2_read(el2_core(EL2_A, 0), UART(FR), 4),
		     FR_TXFE | FR_RXFE);
	cr_assert_eq(el2_read(el2_core(EL2_A, 0), UART(DR), 4), 0);
	/* Beyond the FIFO's 64 bytes, input is dropped. */
	for (unsigned i = 0; i < sizeof(many) - 1; i++) {
		many[i] = (char)('0' + i % 64);
	}
	many[sizeof(many) - 1] = '\0';
	receive(many);
	cr_assert_eq(el2_read(el2_core(EL2_A, 1), UART(FR), 4),
		     FR_TXFE | FR_RXFF);
	for (unsigned i = 0; i < RUMKV_VUART_RX_SIZE; i++) {
		cr_assert_eq(el2_read(el2_core(EL2_A, i % 4), UART(DR), 4),
			     (uint8_t)many[i], "byte %u", i);
	}
	cr_assert_eq(el2_read(el2_core(EL2_A, 1), UART(FR), 4),
		     FR_TXFE | FR_RXFE);
	/* Only the cell in focus receives. */
	cr_assert_eq(el2_read(el2_core(EL2_C, 0), UART(FR), 4),
		     FR_TXFE | FR_RXFE);
}

static bool lr_holds(int cpu, uint32_t intid)
{
	for (unsigned n = 0; n < EL2_LRS; n++) {
		uint64_t lr = el2_cpus[cpu].lr[n];

		if ((lr & ICH_LR_VINTID_MASK) == intid && (lr >> 62) != 0) {
			return (lr & ICH_LR_HW) == 0;
		}
	}
	return false;
}

Test(vuart, rx_interrupt)
{
	struct rumkv_core *a2;

	el2_boot_all();
	a2 = el2_core(EL2_A, 2);
	el2_write(a2, UART(IMSC), 4, 1u << 4);
	cr_assert(!lr_holds((int)a2->index, EL2_UART_IRQ), "nothing received");
	receive("q");
	cr_assert(lr_holds((int)el2_core(EL2_A, 0)->index, EL2_UART_IRQ),
		  "the receiving core got the UART's virtual interrupt");
	(void)el2_read(a2, UART(FR), 4);
	cr_assert(lr_holds((int)a2->index, EL2_UART_IRQ),
		  "still asserted: raised again on an access");
	cr_assert_eq(el2_read(a2, UART(DR), 4), 'q');
}

Test(vuart, console_right_needed)
{
	uint64_t r[8] = {RUMKV_SMCCC_ID(RUMKV_HC_PLEDGE), 0};
	uint64_t v = 'x';

	el2_boot_all();
	cr_assert_eq(el2_hvc(el2_core(EL2_C, 0), r, 0), EL2_RETURNED);
	cr_assert_eq(el2_access(el2_core(EL2_C, 1), UART(DR), 4, true, &v),
		     EL2_PARKED);
	expect_ended(EL2_C, "pledging the console away");
}

/* ---- one core's access in the middle of another's ---- */

/* Accesses a hook starts on another core, in order; if one waits for a
 * lock the interrupted core holds, the rest follow once it is done. */
struct pending_put {
	struct rumkv_core *core;
	char c;
	bool done;
};

static struct pending_put pending[8];
static unsigned pending_count;
static bool armed;

static void run_pending(void)
{
	for (unsigned i = 0; i < pending_count; i++) {
		struct pending_put *p = &pending[i];
		uint64_t v = (uint8_t)p->c;

		cr_assert_eq(el2_access(p->core, UART(DR), 4, true, &v),
			     EL2_RETURNED);
		p->done = true;
	}
}

static void interrupt_emit(void)
{
	if (armed) {
		armed = false;
		(void)el2_spawn(run_pending);
	}
}

/* Cell C's vcore 0 completes a full line; while RumKV prints it, vcore 1
 * writes bytes of its own. Every byte must come out exactly once, no
 * line longer than RumKV's limit, and the UART's other state intact. */
Test(vuart, write_during_another_cores_line)
{
	static const char theirs[] = "VWXYZ";
	char want[RUMKV_CONSOLE_LINE_MAX + 8];
	struct rumkv_core *c0;
	struct rumkv_core *c1;
	const char *p;

	el2_boot_all();
	c0 = el2_core(EL2_C, 0);
	c1 = el2_core(EL2_C, 1);
	el2_write(c1, UART(IBRD), 4, 0x1234);
	for (unsigned i = 0; i + 1 < RUMKV_CONSOLE_LINE_MAX; i++) {
		el2_write(c0, UART(DR), 4, 'a');
	}
	pending_count = 0;
	for (unsigned i = 0; theirs[i] != '\0'; i++) {
		pending[pending_count++] =
			(struct pending_put){.core = c1, .c = theirs[i]};
	}
	armed = true;
	el2.on_console = interrupt_emit;
	/* The 120th byte fills the line: RumKV prints it. */
	el2_write(c0, UART(DR), 4, 'a');
	el2.on_console = NULL;
	el2_finish_spawned();
	for (unsigned i = 0; i < pending_count; i++) {
		cr_assert(pending[i].done);
	}
	el2_write(c0, UART(DR), 4, '\n');

	memset(want, 'a', RUMKV_CONSOLE_LINE_MAX);
	want[RUMKV_CONSOLE_LINE_MAX] = '\n';
	want[RUMKV_CONSOLE_LINE_MAX + 1] = '\0';
	cr_assert(el2_console_has(want), "the full line:\n%s", el2.console);
	cr_assert(el2_console_has("[C] VWXYZ\n"), "vcore 1's bytes:\n%s",
		  el2.console);
	for (p = el2.console; *p != '\0';) {
		const char *nl = strchr(p, '\n');
		size_t len = nl != NULL ? (size_t)(nl - p) : strlen(p);

		if (strncmp(p, "[C] ", 4) == 0) {
			cr_assert_leq(len - 4, RUMKV_CONSOLE_LINE_MAX,
				      "a line of %zu bytes", len - 4);
		}
		p += len + (nl != NULL);
	}
	cr_assert_eq(el2_read(c1, UART(IBRD), 4), 0x1234);
	cr_assert_eq(el2_read(c1, UART(FR), 4), FR_TXFE | FR_RXFE);
	cr_assert_leq(el2_cell(EL2_C)->vuart.line.len, RUMKV_CONSOLE_LINE_MAX);
	cr_assert(el2_canaries_ok());
}

/* ---- the input focus ---- */

/* Where the GIC sends the console UART's interrupt, if it is enabled. */
static uint64_t uart_route(void)
{
	struct gicm_irq s = gicm_irq_get(0, EL2_UART_IRQ);

	cr_assert(s.enabled, "RumKV keeps the UART's interrupt enabled");
	return s.route;
}

Test(vuart, the_uart_interrupt_is_rumkvs_and_follows_the_focus)
{
	el2_c_console_input = RUMKV_CONSOLE_INPUT;
	el2_boot_all();
	cr_assert_eq(uart_route(), el2_core(EL2_A, 0)->hwid,
		     "at boot: A's first core");
	cr_assert_not(el2_owns(EL2_A, EL2_UART_IRQ));
	cr_assert(el2_console_has("rumkv: console input: cell A"), "%s",
		  el2.console);
	el2_write(el2_core(EL2_C, 1), UART(IMSC), 4, 1u << 4);
	receive("a\035\035\035c!");
	cr_assert_eq(uart_route(), el2_core(EL2_C, 0)->hwid,
		     "the switch moves the interrupt to C's first core");
	cr_assert_eq(el2.input_len, 2, "the rest is left in the UART");
	cr_assert_eq(el2_read(el2_core(EL2_A, 1), UART(DR), 4), 'a');
	cr_assert_eq(el2_read(el2_core(EL2_A, 1), UART(FR), 4),
		     FR_TXFE | FR_RXFE);
	receive_on(el2_core(EL2_C, 0), "");
	cr_assert_eq(el2.input_len, 0);
	cr_assert(lr_holds((int)el2_core(EL2_C, 0)->index, EL2_UART_IRQ),
		  "C's UART interrupt, on C's core");
	cr_assert_eq(el2_read(el2_core(EL2_C, 1), UART(DR), 4), 'c');
	cr_assert_eq(el2_read(el2_core(EL2_C, 1), UART(DR), 4), '!');
	/* A stale interrupt on A's core takes nothing. */
	receive("late");
	cr_assert_eq(el2.input_len, 4);
	cr_assert(el2_canaries_ok());
}

/* A guest that polls: no interrupt enabled anywhere (neither IMSC nor
 * the virtual distributor), and the bytes still arrive. */
Test(vuart, input_reaches_a_polling_guest)
{
	el2_boot_all();
	receive("poll");
	cr_assert_not(lr_holds((int)el2_core(EL2_A, 0)->index, EL2_UART_IRQ));
	for (const char *p = "poll"; *p != '\0'; p++) {
		cr_assert_eq(
			el2_read(el2_core(EL2_A, 3), UART(FR), 4) & FR_RXFE, 0);
		cr_assert_eq(el2_read(el2_core(EL2_A, 3), UART(DR), 4),
			     (uint8_t)*p);
	}
}

static void pledge(struct rumkv_core *core, uint64_t keep)
{
	uint64_t r[8] = {RUMKV_SMCCC_ID(RUMKV_HC_PLEDGE), keep};

	cr_assert_eq(el2_hvc(core, r, 0), EL2_RETURNED);
	cr_assert_eq(r[0], 0);
}

/* The UART's virtual interrupt is no owned interrupt, yet a pledge of
 * something else must not drop it from the list registers; a pledge of
 * the console must. */
Test(vuart, a_pledge_keeps_the_uart_interrupt_until_the_console_goes)
{
	struct rumkv_core *a0;

	el2_boot_all();
	a0 = el2_core(EL2_A, 0);
	el2_write(a0, UART(IMSC), 4, 1u << 4);
	receive("k");
	cr_assert(lr_holds((int)a0->index, EL2_UART_IRQ));
	pledge(a0, RUMKV_RIGHT_CONSOLE | RUMKV_RIGHT_BLOCK);
	cr_assert(lr_holds((int)a0->index, EL2_UART_IRQ),
		  "dropping net keeps the UART's interrupt");
	pledge(a0, RUMKV_RIGHT_BLOCK);
	cr_assert_not(lr_holds((int)a0->index, EL2_UART_IRQ),
		      "dropping the console drops it");
}
