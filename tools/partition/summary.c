// SPDX-License-Identifier: MIT
/* --summary: the partition as a readable table, then one block per cell. */
#include "model.h"

#include <stdio.h>

#define U64(v) ((unsigned long long)(v))

static const char *size_text(struct m_part *m, uint64_t size)
{
	static const char *const units[] = {"bytes", "KiB", "MiB", "GiB",
					    "TiB"};
	unsigned u = 0;

	while (u + 1 < RUMKV_ARRAY_SIZE(units) && size >= 1024 &&
	       size % 1024 == 0) {
		size /= 1024;
		u++;
	}
	return ar_printf(m->ar, "%llu %s", U64(size), units[u]);
}

static const char *rights_text(struct m_part *m, uint64_t rights)
{
	struct sbuf sb = {0};

	for (unsigned bit = 0; bit < 64; bit++) {
		if (rights & (1ull << bit)) {
			sb_printf(&sb, "%s%s", sb.len ? "," : "",
				  right_name(m, bit));
		}
	}
	return sb.len ? sb_finish(&sb, m->ar) : "-";
}

static const char *console_text(uint32_t console)
{
	if (console & RUMKV_CONSOLE_VUART) {
		return "vuart+input";
	}
	return console & RUMKV_CONSOLE_HYPERCALL ? "hypercall" : "none";
}

static const char *policy_text(struct m_part *m, const struct m_cell *cell)
{
	if (cell->policy == RUMKV_POLICY_RESTART) {
		return ar_printf(m->ar, "restart(%u)", cell->restart_limit);
	}
	return "halt";
}

static uint64_t mem_total(const struct m_cell *cell)
{
	uint64_t total = 0;

	for (unsigned i = 0; i < cell->mem_count; i++) {
		total += cell->mem[i].size;
	}
	return total;
}

static void cell_block(struct sbuf *sb, struct m_part *m, unsigned c)
{
	const struct m_cell *cell = &m->cells[c];

	sb_printf(sb, "\ncell %u \"%s\" (%s)\n  cores    ", c, cell->name,
		  cell->path);
	for (unsigned v = 0; v < cell->core_count; v++) {
		sb_printf(sb, " vcore%u->0x%llx", v,
			  U64(m->board.cores[cell->cores[v]].hwid));
	}
	sb_puts(sb, "\n  memory   ");
	for (unsigned i = 0; i < cell->mem_count; i++) {
		sb_printf(sb, " 0x%llx+0x%llx", U64(cell->mem[i].base),
			  U64(cell->mem[i].size));
		if (cell->gmem != NULL &&
		    cell->gmem[i].base != cell->mem[i].base) {
			sb_printf(sb, " (seen at 0x%llx)",
				  U64(cell->gmem[i].base));
		}
	}
	for (unsigned k = M_KERNEL; k <= M_DTB; k++) {
		const struct m_image *im = &cell->image[k];
		static const char *const label[] = {"kernel", "initrd", "dtb"};

		if (im->present) {
			sb_printf(sb, "\n  %-8s  %s at 0x%llx (0x%zx bytes)",
				  label[k], im->name, U64(im->ipa), im->size);
		}
	}
	if (cell->firmware) {
		sb_printf(sb,
			  "\n  flash     0x%llx+0x%llx, its first 0x%llx bytes "
			  "RAM at 0x%llx (boot-protocol firmware)",
			  U64(cell->flash.base), U64(cell->flash.size),
			  U64(cell->flash_backing), U64(cell->flash_pa));
	}
	sb_printf(sb, "\n  entry     0x%llx, x0 = 0x%llx%s\n", U64(cell->entry),
		  U64(cell->boot_arg), cell->firmware ? "" : " (its DTB)");
	for (unsigned i = 0; i < cell->device_count; i++) {
		const struct m_device *d = &cell->devices[i];

		sb_printf(sb, "  %-8s  %-24s", i ? "" : "devices", d->path);
		for (unsigned w = 0; w < d->mmio_count; w++) {
			sb_printf(sb, " 0x%llx+0x%llx", U64(d->mmio[w].base),
				  U64(d->mmio[w].size));
		}
		for (unsigned q = 0; q < d->irq_count; q++) {
			sb_printf(sb, " irq %u", d->irqs[q]);
		}
		for (unsigned s = 0; s < d->stream_count; s++) {
			sb_printf(sb, " stream 0x%x", d->streams[s]);
		}
		sb_printf(sb, " right %s\n", d->right_name);
	}
	sb_printf(sb,
		  "  rights    %s\n  policy    %s\n  console   %s, status "
		  "page at 0x%llx\n  tables    %u pages (+ %u for the "
		  "snapshot)\n",
		  rights_text(m, cell->rights), policy_text(m, cell),
		  console_text(cell->console), U64(cell->status_page),
		  cell->table_pages, cell->table_pages);
}

char *emit_summary(struct m_part *m)
{
	struct sbuf sb = {0};

	sb_printf(&sb, "Partition %s: %u cells on %u cores\n", m->opt->file,
		  m->cell_count, m->board.core_count);
	for (unsigned i = 0; i < m->board.ram_count; i++) {
		sb_printf(&sb, "  RAM       0x%llx+0x%llx (%s)\n",
			  U64(m->board.ram[i].base), U64(m->board.ram[i].size),
			  size_text(m, m->board.ram[i].size));
	}
	sb_printf(&sb,
		  "  RumKV     0x%llx+0x%llx (%s), console %s (irq %u)\n\n",
		  U64(m->self.base), U64(m->self.size),
		  size_text(m, m->self.size), m->console_path, m->uart_irq);
	sb_printf(&sb, "%-4s  %-15s  %-5s  %-10s  %-7s  %-11s  %-11s  %s\n",
		  "CELL", "NAME", "CORES", "MEMORY", "DEVICES", "POLICY",
		  "CONSOLE", "RIGHTS");
	for (unsigned c = 0; c < m->cell_count; c++) {
		const struct m_cell *cell = &m->cells[c];

		sb_printf(&sb,
			  "%-4u  %-15s  %-5u  %-10s  %-7u  %-11s  %-11s  %s\n",
			  c, cell->name, cell->core_count,
			  size_text(m, mem_total(cell)), cell->device_count,
			  policy_text(m, cell), console_text(cell->console),
			  rights_text(m, cell->rights));
	}
	for (unsigned c = 0; c < m->cell_count; c++) {
		cell_block(&sb, m, c);
	}
	return sb_finish(&sb, m->ar);
}
