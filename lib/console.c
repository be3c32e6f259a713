// SPDX-License-Identifier: MIT
/*
 * The machine console, shared by RumKV and every cell.
 *
 * Output is assembled into lines: one per core for the console hypercall
 * (that core's own), one per cell for an emulated UART (a UART is one
 * device, its cores take turns on it; the line is guarded by the console
 * lock). A complete line goes out in one piece under the console lock,
 * prefixed with the cell's name, so lines of different cores and cells
 * never interleave and a cell cannot forge another's prefix. Bytes that
 * could drive the user's terminal (escape sequences, carriage returns,
 * other controls) are dropped or shown as '.'.
 *
 * Input goes to one cell at a time, the focus: one of the cells whose
 * emulated UART takes input (RUMKV_CONSOLE_INPUT), the first at boot.
 * SWITCH_PRESSES presses of SWITCH_KEY in a row move it to the next such
 * cell that still holds its console right (see docs/architecture.md, "The
 * console"); fewer are held back and then passed on with the next key,
 * so the sequence may arrive split over any number of interrupts. The
 * focus stays on a cell that restarts and moves on from a cell that ends
 * for good or pledges its console away. The port routes the console
 * UART's interrupt to the focus's first core (port_console_input_route).
 *
 * The focused cell is interactive: its unfinished line (a shell prompt,
 * the echo of what the user types) is shown as it grows. Any other output
 * first ends that partial line and then draws it again below, so it
 * always stays the last line on the screen. Every other cell's output is
 * printed as it comes, whole lines, tagged: focus never holds it back.
 *
 * Each cell has a budget of console bytes (see docs/architecture.md,
 * "Console budget"): a burst of BUDGET_BURST_S seconds' worth at once,
 * then BUDGET_RATE bytes a second. What a cell makes RumKV print counts
 * against it: its lines, the redraw of the live line they cause, and
 * RumKV's own lines about it (REPORT_COST each). A line over budget is
 * dropped; the next line that fits is preceded by a summary of what was
 * dropped. A cell that pledged the console away prints nothing more, even
 * a line whose write passed the rights check before the pledge: the
 * pledge closes the cell's console under the console lock.
 */
#include "internal.h"

#include <rumkv/format.h>
#include <rumkv/port.h>

#include <stdarg.h>

#define BUDGET_RATE 4096u  /* bytes a second, sustained */
#define BUDGET_BURST_S 16u /* seconds of BUDGET_RATE that can go at once */
#define REPORT_COST 4096u  /* a RumKV line about a cell: a second's worth */
#define SUMMARY_COST 112u  /* at most, "rumkv: " and "\n" included */

#define SWITCH_KEY '\035' /* Ctrl-] */
#define SWITCH_PRESSES 3u

/* The partial line being shown live, and its cell's name. Console lock. */
static struct rumkv_line *open_line;
static const char *open_name;

/* The cell that takes input (NULL: none does), and how many SWITCH_KEYs
 * in a row were held back. Console lock; focus is also read atomically
 * without it (rumkv_console_takes_input). */
static struct rumkv_cell *focus;
static uint32_t switch_held;

static uint32_t str_len(const char *s)
{
	uint32_t n = 0;

	while (s[n] != '\0') {
		n++;
	}
	return n;
}

/* "[name] ": what a cell's line costs beyond its text. */
static uint32_t tag_cost(const char *name)
{
	return str_len(name) + 3;
}

static void write_tag(const char *name)
{
	port_console_write("[", 1);
	port_console_write(name, str_len(name));
	port_console_write("] ", 2);
}

/* Before other output: end the live partial line, if one is shown. */
static void open_line_break(void)
{
	if (open_line != NULL) {
		port_console_write("\n", 1);
	}
}

/* After other output: draw the live partial line again. */
static void open_line_redraw(void)
{
	if (open_line != NULL) {
		write_tag(open_name);
		port_console_write(open_line->buf, open_line->len);
		open_line->shown = open_line->len;
	}
}

/* What ending and redrawing the live line costs the other output. */
static uint32_t open_line_cost(void)
{
	return open_line == NULL ? 0 : 1 + tag_cost(open_name) + open_line->len;
}

/* "rumkv: " + text, as a line of its own. Console lock held. */
static void log_line(const char *text, size_t n)
{
	open_line_break();
	port_console_write("rumkv: ", 7);
	port_console_write(text, n);
	port_console_write("\n", 1);
	open_line_redraw();
}

/*
 * Charges `cost` bytes to `b` if its budget has room for them now. A
 * generic cell-rate algorithm: busy_until is when everything charged so
 * far would have gone out at BUDGET_RATE, and output fits while that lies
 * at most BUDGET_BURST_S seconds ahead. At first (busy_until 0) the whole
 * burst is free.
 */
static bool budget_charge(struct rumkv_console_budget *b, uint32_t cost)
{
	uint64_t freq = port_counter_freq();
	uint64_t now = port_counter_read();
	uint64_t end = (b->busy_until > now ? b->busy_until : now) +
		       (uint64_t)cost * freq / BUDGET_RATE;

	if (end - now > BUDGET_BURST_S * freq) {
		return false;
	}
	b->busy_until = end;
	return true;
}

/*
 * Console lock held. May output of `cell` costing `cost` bytes go out now?
 * If not, `count` is added to `*dropped` (a live line's update passes NULL:
 * it is only late, the next update shows it). A cell with drops pending
 * must also afford their summary, which goes out first. `always`: the
 * cell's last words, printed whatever its budget.
 */
static bool cell_may_print(struct rumkv_cell *cell, uint32_t cost,
			   uint32_t *dropped, uint32_t count, bool always)
{
	struct rumkv_console_budget *b = &cell->console;
	bool drops = b->dropped_bytes != 0 || b->dropped_reports != 0;

	if (drops) {
		cost += SUMMARY_COST + open_line_cost();
	}
	if (!budget_charge(b, cost) && !always) {
		if (dropped != NULL) {
			*dropped += count;
		}
		return false;
	}
	if (drops) {
		char text[SUMMARY_COST];
		size_t n = rumkv_snprintf(
			text, sizeof(text),
			"cell %s: over its console budget, dropped "
			"%u bytes and %u RumKV lines",
			cell->plan->name, b->dropped_bytes, b->dropped_reports);
		log_line(text, n);
		b->dropped_bytes = 0;
		b->dropped_reports = 0;
	}
	return true;
}

/* What bringing the live `line` on screen up to date costs. */
static uint32_t sync_cost(const struct rumkv_line *line)
{
	return line->shown > line->len ? 3 * (line->shown - line->len)
				       : line->len - line->shown;
}

/* Brings the live `line` on screen up to date with its buffer, which may
 * have lost bytes since (backspaces, or a show that did not fit the
 * budget): moves back over what is gone and blanks it. Console lock. */
static void line_sync(struct rumkv_line *line)
{
	while (line->shown > line->len) {
		port_console_write("\b \b", 3);
		line->shown--;
	}
	port_console_write(line->buf + line->shown, line->len - line->shown);
	line->shown = line->len;
}

/* Prints the complete `line` of `cell`, or finishes it if it is the live
 * one, and empties it. Console lock held. */
static void line_emit(struct rumkv_cell *cell, struct rumkv_line *line)
{
	const char *name = cell->plan->name;
	bool live = open_line == line;
	uint32_t cost =
		live ? sync_cost(line) + 1
		     : open_line_cost() + tag_cost(name) + line->len + 1;
	/* Dropped: the line's bytes not yet on screen, and its newline. */
	uint32_t lost = line->len + 1;

	if (live) {
		lost -= line->shown < line->len ? line->shown : line->len;
	}

	if (cell->console.closed ||
	    !cell_may_print(cell, cost, &cell->console.dropped_bytes, lost,
			    false)) {
		if (live) {
			/* End what is on screen; the rest is lost. */
			port_console_write("\n", 1);
			open_line = NULL;
		}
	} else if (live) {
		line_sync(line);
		port_console_write("\n", 1);
		open_line = NULL;
	} else {
		open_line_break();
		write_tag(name);
		port_console_write(line->buf, line->len);
		port_console_write("\n", 1);
		open_line_redraw();
	}
	line->len = 0;
	line->shown = 0;
}

/* Shows what the live `line` gained since it was last shown. Console lock
 * held. */
static void line_show(struct rumkv_cell *cell, struct rumkv_line *line)
{
	const char *name = cell->plan->name;
	uint32_t cost = open_line == line ? sync_cost(line)
					  : (open_line != NULL ? 1 : 0) +
						    tag_cost(name) + line->len;

	if (cell->console.closed ||
	    !cell_may_print(cell, cost, NULL, 0, false)) {
		return;
	}
	if (open_line != line) {
		open_line_break();
		open_line = line;
		open_name = name;
		write_tag(name);
		line->shown = 0;
	}
	line_sync(line);
}

/* Adds one byte to a line; true if the line is complete. The index is
 * checked before every store, whatever len holds. */
static bool line_add(struct rumkv_line *line, char c)
{
	/* Escape sequences are swallowed whole: ESC X, or ESC [ ... final
	 * byte (0x40-0x7e). */
	if (line->esc == 1) {
		line->esc = c == '[' ? 2 : 0;
		return false;
	}
	if (line->esc == 2) {
		line->esc = c >= '@' && c <= '~' ? 0 : 2;
		return false;
	}
	if (c == '\033') {
		line->esc = 1;
		return false;
	}
	if (c == '\n') {
		return true;
	}
	if (c == '\r') {
		return false;
	}
	if (c == '\b' || c == 0x7f) {
		if (line->len > 0) {
			line->len--;
		}
		return false;
	}
	if (line->len < RUMKV_CONSOLE_LINE_MAX) {
		line->buf[line->len] =
			(c < ' ' || c > '~') && c != '\t' ? '.' : c;
		line->len++;
	}
	return line->len >= RUMKV_CONSOLE_LINE_MAX;
}

void rumkv_console_put(struct rumkv_core *core, const char *s, size_t len)
{
	size_t i;

	/* The core's own line: only this core adds to it. */
	for (i = 0; i < len; i++) {
		if (line_add(&core->line, s[i])) {
			rumkv_lock(core, &rumkv_machine.console_lock);
			line_emit(core->cell, &core->line);
			rumkv_unlock(&rumkv_machine.console_lock);
		}
	}
}

void rumkv_console_vuart_put(struct rumkv_core *core, char c)
{
	struct rumkv_cell *cell = core->cell;
	struct rumkv_line *line = &cell->vuart.line;

	rumkv_lock(core, &rumkv_machine.console_lock);
	if (line_add(line, c)) {
		line_emit(cell, line);
	} else if (focus == cell && line->len != line->shown) {
		line_show(cell, line);
	}
	rumkv_unlock(&rumkv_machine.console_lock);
}

void rumkv_console_flush(struct rumkv_core *core)
{
	rumkv_console_line_close(core, &core->line);
}

void rumkv_console_line_close(struct rumkv_core *self, struct rumkv_line *line)
{
	rumkv_lock(self, &rumkv_machine.console_lock);
	if (line->len != 0 || open_line == line) {
		line_emit(self->cell, line);
	}
	rumkv_unlock(&rumkv_machine.console_lock);
}

/* Ends the cell's UART line on screen if it is the live one and empties
 * it: what the cell wrote before is not printed. Console lock held. */
static void vuart_line_clear(struct rumkv_cell *cell)
{
	struct rumkv_line *line = &cell->vuart.line;

	if (open_line == line) {
		port_console_write("\n", 1);
		open_line = NULL;
	}
	line->len = 0;
	line->shown = 0;
	line->esc = 0;
}

/* ---- input focus ---- */

/* May `cell` take the focus? A restarting cell may: it gets its console
 * back. Read without the cell's lock: a stale answer only picks a cell
 * that is just ending, which then passes the focus on itself. */
static bool focus_candidate(const struct rumkv_cell *cell)
{
	uint32_t state = __atomic_load_n(&cell->state, __ATOMIC_RELAXED);

	return (cell->plan->console & RUMKV_CONSOLE_INPUT) != 0 &&
	       state != RUMKV_CELL_TERMINATED &&
	       (state == RUMKV_CELL_RESTARTING ||
		rumkv_cell_holds(cell, RUMKV_RIGHT_CONSOLE));
}

/* The next candidate after `from` (NULL: from the first cell) in index
 * order, wrapping; `from` itself if no other cell is one. */
static struct rumkv_cell *focus_next(struct rumkv_cell *from)
{
	const struct rumkv_plan *plan = rumkv_machine.plan;
	uint32_t n = plan->cell_count;
	uint32_t start = from == NULL ? n - 1 : from->index;
	uint32_t i;

	for (i = 1; i <= n; i++) {
		struct rumkv_cell *c = &plan->cell_state[(start + i) % n];

		if (focus_candidate(c)) {
			return c;
		}
	}
	return from;
}

/* Gives the input to `to`, says so, and shows its unfinished line live.
 * Console lock held. */
static void focus_set(struct rumkv_cell *to)
{
	char text[96];
	size_t n;

	if (open_line != NULL && focus != NULL &&
	    open_line == &focus->vuart.line) {
		/* It is printed whole once it is complete. */
		port_console_write("\n", 1);
		open_line->shown = 0;
		open_line = NULL;
	}
	__atomic_store_n(&focus, to, __ATOMIC_RELEASE);
	switch_held = 0;
	port_console_input_route(rumkv_cell_core(to, 0));
	n = rumkv_snprintf(text, sizeof(text),
			   "console input: cell %s (Ctrl-] 3 times: next cell)",
			   to->plan->name);
	log_line(text, n);
	if (to->vuart.line.len != 0) {
		line_show(to, &to->vuart.line);
	}
}

/* `cell` can no longer take input: the focus, if it has it, moves on to
 * the next candidate (it stays if there is none: input is dropped). */
static void focus_leave(struct rumkv_core *self, struct rumkv_cell *cell)
{
	rumkv_lock(self, &rumkv_machine.console_lock);
	if (focus == cell) {
		struct rumkv_cell *next = focus_next(cell);

		if (next != cell) {
			focus_set(next);
		}
	}
	rumkv_unlock(&rumkv_machine.console_lock);
}

RUMKV_BOOT void rumkv_console_start(struct rumkv_core *self)
{
	struct rumkv_cell *first = focus_next(NULL);

	/* No cell takes input: the UART's interrupt stays off. */
	if (first == NULL) {
		return;
	}
	rumkv_lock(self, &rumkv_machine.console_lock);
	focus_set(first);
	rumkv_unlock(&rumkv_machine.console_lock);
}

bool rumkv_console_takes_input(const struct rumkv_core *core)
{
	return core->cell != NULL &&
	       __atomic_load_n(&focus, __ATOMIC_ACQUIRE) == core->cell;
}

/* After the focus left `cell`: says how much input it dropped. */
static void report_input_drops(struct rumkv_core *self, struct rumkv_cell *cell)
{
	uint32_t dropped = rumkv_vuart_take_drops(self, cell);

	if (dropped != 0) {
		rumkv_cell_log(cell,
			       "cell %s: its UART's receive FIFO was full: %u "
			       "bytes of input dropped",
			       cell->plan->name, dropped);
	}
}

void rumkv_console_input(struct rumkv_core *core, char c)
{
	struct rumkv_cell *to;
	struct rumkv_cell *left = NULL;
	uint32_t held = 0;
	uint32_t i;

	rumkv_lock(core, &rumkv_machine.console_lock);
	to = focus;
	if (c == SWITCH_KEY && switch_held + 1 < SWITCH_PRESSES) {
		switch_held++;
		to = NULL;
	} else if (c == SWITCH_KEY) {
		left = focus;
		to = focus_next(focus);
		if (to != NULL) {
			focus_set(to);
		}
		switch_held = 0;
		to = NULL;
	} else {
		held = switch_held;
		switch_held = 0;
	}
	rumkv_unlock(&rumkv_machine.console_lock);
	if (left != NULL) {
		report_input_drops(core, left);
	}
	if (to == NULL) {
		return;
	}
	/* The keys held back were not a switch after all: they go first.
	 * held < SWITCH_PRESSES. */
	for (i = 0; i < held; i++) {
		(void)rumkv_vuart_receive(core, to, SWITCH_KEY);
	}
	if (rumkv_vuart_receive(core, to, c)) {
		report_input_drops(core, to);
	}
}

/* Closes or opens the cell's console output and input. Cell lock held. */
static void console_set(struct rumkv_core *self, struct rumkv_cell *cell,
			bool closed)
{
	rumkv_vuart_clear(self, cell, closed);
	rumkv_lock(self, &rumkv_machine.console_lock);
	cell->console.closed = closed;
	vuart_line_clear(cell);
	rumkv_unlock(&rumkv_machine.console_lock);
}

void rumkv_console_revoke(struct rumkv_core *self, struct rumkv_cell *cell)
{
	console_set(self, cell, true);
	/* A restarting cell keeps the focus: its new run takes the input. */
	if (cell->state != RUMKV_CELL_RESTARTING) {
		focus_leave(self, cell);
	}
}

void rumkv_console_reset(struct rumkv_cell *cell)
{
	bool closed = (cell->rights & RUMKV_RIGHT_CONSOLE) == 0;

	/* The budget and its drop counts stay: a restart is no way to a
	 * fresh budget. */
	console_set(port_core_self(), cell, closed);
	if (closed) {
		/* Its initial rights lack the console: it takes no input. */
		focus_leave(port_core_self(), cell);
	}
}

/* One line of RumKV: about `cell` (NULL: about none) it counts against the
 * cell's budget, unless it is the cell's last words. */
static void vlog(struct rumkv_cell *cell, const char *fmt, va_list ap)
{
	char text[192];
	struct rumkv_core *self = port_core_self();
	size_t n = rumkv_vsnprintf(text, sizeof(text), fmt, ap);

	rumkv_lock(self, &rumkv_machine.console_lock);
	if (cell == NULL ||
	    cell_may_print(cell, REPORT_COST, &cell->console.dropped_reports, 1,
			   cell->state == RUMKV_CELL_TERMINATED)) {
		log_line(text, n);
	}
	rumkv_unlock(&rumkv_machine.console_lock);
}

void rumkv_log(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(NULL, fmt, ap);
	va_end(ap);
}

void rumkv_cell_log(struct rumkv_cell *cell, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(cell, fmt, ap);
	va_end(ap);
}
