// SPDX-License-Identifier: MIT
/*
 * The machine console, shared by RumKV and every cell.
 *
 * Output is assembled into lines: one per core for the console hypercall,
 * one per cell for an emulated UART (a UART is one device; the cell's
 * cores take turns on it). A complete line goes out in one piece under the
 * console lock, prefixed with the cell's name, so lines of different cores
 * and cells never interleave and a cell cannot forge another's prefix.
 * Bytes that could drive the user's terminal (escape sequences, carriage
 * returns, other controls) are dropped or shown as '.'.
 *
 * The cell that takes console input is interactive: its unfinished line
 * (a shell prompt, the echo of what the user types) is shown as it grows.
 * Any other output first ends that partial line and then draws it again
 * below, so it always stays the last line on the screen.
 */
#include "internal.h"

#include <rumkv/format.h>
#include <rumkv/port.h>

#include <stdarg.h>

/* The partial line being shown live, and its cell's name. Console lock. */
static struct rumkv_line *open_line;
static const char *open_name;

static void write_str(const char *s)
{
	size_t n = 0;

	while (s[n] != '\0') {
		n++;
	}
	port_console_write(s, n);
}

static void write_tag(const char *name)
{
	port_console_write("[", 1);
	write_str(name);
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

/* Prints a complete line of `name`, or finishes it if it is the live one. */
static void line_emit(struct rumkv_core *self, const char *name,
		      struct rumkv_line *line)
{
	rumkv_lock(self, &rumkv_machine.console_lock);
	if (open_line == line) {
		port_console_write(line->buf + line->shown,
				   line->len - line->shown);
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
	rumkv_unlock(&rumkv_machine.console_lock);
}

/* Shows what `line` gained since it was last shown. */
static void line_show(struct rumkv_core *self, const char *name,
		      struct rumkv_line *line)
{
	rumkv_lock(self, &rumkv_machine.console_lock);
	if (open_line != line) {
		open_line_break();
		open_line = line;
		open_name = name;
		write_tag(name);
		line->shown = 0;
	}
	/* Backspaces: move back over what is gone, blank it. */
	while (line->shown > line->len) {
		port_console_write("\b \b", 3);
		line->shown--;
	}
	port_console_write(line->buf + line->shown, line->len - line->shown);
	line->shown = line->len;
	rumkv_unlock(&rumkv_machine.console_lock);
}

/* Adds one byte to a line; true if the line is complete. */
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
	line->buf[line->len++] = (c < ' ' || c > '~') && c != '\t' ? '.' : c;
	return line->len == RUMKV_CONSOLE_LINE_MAX;
}

void rumkv_console_line_put(struct rumkv_core *self, const char *name,
			    struct rumkv_line *line, const char *s, size_t len,
			    bool live)
{
	size_t i;

	for (i = 0; i < len; i++) {
		if (line_add(line, s[i])) {
			line_emit(self, name, line);
		}
	}
	if (live && line->len != line->shown) {
		line_show(self, name, line);
	}
}

void rumkv_console_put(struct rumkv_core *core, const char *s, size_t len)
{
	rumkv_console_line_put(core, core->cell->plan->name, &core->line, s,
			       len, false);
}

void rumkv_console_flush(struct rumkv_core *core)
{
	rumkv_console_line_close(core, &core->line);
}

void rumkv_console_line_close(struct rumkv_core *self, struct rumkv_line *line)
{
	if (line->len != 0 || open_line == line) {
		line_emit(self, self->cell->plan->name, line);
	}
}

void rumkv_log(const char *fmt, ...)
{
	char text[192];
	struct rumkv_core *self = port_core_self();
	va_list ap;
	size_t n;

	va_start(ap, fmt);
	n = rumkv_vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	rumkv_lock(self, &rumkv_machine.console_lock);
	open_line_break();
	port_console_write("rumkv: ", 7);
	port_console_write(text, n);
	port_console_write("\n", 1);
	open_line_redraw();
	rumkv_unlock(&rumkv_machine.console_lock);
}
