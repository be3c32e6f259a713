// SPDX-License-Identifier: MIT
/*
 * The machine console, shared by RumKV and every cell.
 *
 * Each core assembles its cell's output one line at a time; a complete
 * line goes out in one piece under the console lock, prefixed with the
 * cell's name, so lines of different cores and cells never interleave and
 * a cell cannot forge another's prefix (it would need a line start).
 * Bytes that could drive the user's terminal (escape sequences, carriage
 * returns) are neutralised.
 */
#include "internal.h"

#include <rumkv/format.h>
#include <rumkv/port.h>

#include <stdarg.h>

static void console_out(struct rumkv_core *self, const char *prefix,
			size_t prefix_len, const char *text, size_t len)
{
	rumkv_lock(self, &rumkv_machine.console_lock);
	port_console_write(prefix, prefix_len);
	port_console_write(text, len);
	port_console_write("\n", 1);
	rumkv_unlock(&rumkv_machine.console_lock);
}

static void line_emit(struct rumkv_core *core)
{
	char prefix[RUMKV_CELL_NAME_MAX + 4];
	size_t n = rumkv_snprintf(prefix, sizeof(prefix), "[%s] ",
				  core->cell->plan->name);

	console_out(core, prefix, n, core->line, core->line_len);
	core->line_len = 0;
}

void rumkv_console_put(struct rumkv_core *core, const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		char c = s[i];

		if (c == '\n') {
			line_emit(core);
			continue;
		}
		if (c == '\r') {
			continue;
		}
		if ((c < ' ' || c > '~') && c != '\t') {
			c = '.';
		}
		core->line[core->line_len++] = c;
		if (core->line_len == RUMKV_CONSOLE_LINE_MAX) {
			line_emit(core);
		}
	}
}

void rumkv_console_flush(struct rumkv_core *core)
{
	if (core->line_len != 0) {
		line_emit(core);
	}
}

void rumkv_log(const char *fmt, ...)
{
	char text[192];
	va_list ap;
	size_t n;

	va_start(ap, fmt);
	n = rumkv_vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	console_out(port_core_self(), "rumkv: ", 7, text, n);
}
