// SPDX-License-Identifier: MIT
/*
 * Checks that need the board as well as the plan, so the plan checker
 * cannot make them: cores no cell uses, device pages shared with devices
 * no cell owns, and choices that work but cost isolation or performance.
 * All of these are warnings.
 */
#include "fdtutil.h"
#include "model.h"

#include <string.h>

#define SZ_2M 0x200000ull

static bool pages_meet(const struct m_range *a, const struct m_range *b)
{
	const uint64_t mask = RUMKV_PAGE_SIZE - 1;

	if (a->size == 0 || b->size == 0 ||
	    rumkv_range_wraps(a->base, a->size) ||
	    rumkv_range_wraps(b->base, b->size)) {
		return false;
	}
	return (a->base & ~mask) <= ((b->base + b->size - 1) | mask) &&
	       (b->base & ~mask) <= ((a->base + a->size - 1) | mask);
}

/* The board core whose node is `node`, or -1. */
static int core_of_node(const struct m_part *m, int node)
{
	for (unsigned c = 0; c < m->board.core_count; c++) {
		if (m->board.cores[c].node == node) {
			return (int)c;
		}
	}
	return -1;
}

/* The rumkv node's `parked-cpus`: cores the partition leaves in no cell
 * on purpose, so that they are not warned about. */
static void read_parked(struct m_part *m, bool parked[])
{
	int len;
	const fdt32_t *p = fdt_getprop(m->fdt, m->node, "parked-cpus", &len);

	if (p == NULL) {
		return;
	}
	if (len % 4 != 0) {
		diag_error(m, m->path, "parked-cpus",
			   "must be a list of phandles to cores");
		return;
	}
	for (int i = 0; i < len / 4; i++) {
		int node = fdt_node_offset_by_phandle(m->fdt, fdt32_ld(p + i));
		int c = node < 0 ? -1 : core_of_node(m, node);

		if (c < 0) {
			diag_error(m, m->path, "parked-cpus",
				   "entry %d: not a core (a /cpus node with "
				   "device_type \"cpu\")",
				   i);
		} else if (m->board.cores[c].cell >= 0) {
			diag_error(m, m->path, "parked-cpus",
				   "entry %d: %s is a core of %s, not parked",
				   i, m->board.cores[c].path,
				   m->cells[m->board.cores[c].cell].path);
		} else {
			parked[c] = true;
		}
	}
}

static void check_cores(struct m_part *m)
{
	bool parked[RUMKV_PLAN_MAX_CORES] = {false};

	for (unsigned i = 0; i < m->cell_count; i++) {
		for (unsigned v = 0; v < m->cells[i].core_count; v++) {
			m->board.cores[m->cells[i].cores[v]].cell = (int)i;
		}
	}
	read_parked(m, parked);
	for (unsigned c = 0; c < m->board.core_count; c++) {
		if (m->board.cores[c].cell < 0 && !parked[c]) {
			diag_warn(m, m->board.cores[c].path, "",
				  "in no cell: the core stays parked (list "
				  "it in parked-cpus to say so)");
		}
	}
}

static bool assigned(const struct m_part *m, int node)
{
	if (node == m->node || node == m->console_node ||
	    node == m->board.gic_node) {
		return true;
	}
	for (unsigned i = 0; i < m->cell_count; i++) {
		for (unsigned j = 0; j < m->cells[i].device_count; j++) {
			if (m->cells[i].devices[j].node == node) {
				return true;
			}
		}
	}
	return false;
}

/* A device of the cell shares a page with board devices no cell owns. */
static void check_unowned(struct m_part *m, const struct m_cell *cell,
			  const struct m_device *dev)
{
	struct sbuf names = {0};
	unsigned count = 0;
	int node;

	fdt_for_each_subnode(node, m->fdt, 0)
	{
		struct m_range reg[M_MAX_WINDOWS];
		const char *type = fu_string(m->fdt, node, "device_type");
		int n = fu_reg(m->fdt, node, reg, M_MAX_WINDOWS);
		bool meet = false;

		if (n <= 0 || assigned(m, node) ||
		    (type != NULL && strcmp(type, "memory") == 0)) {
			continue;
		}
		for (int r = 0; r < n && !meet; r++) {
			for (unsigned w = 0; w < dev->mmio_count && !meet;
			     w++) {
				meet = pages_meet(&dev->mmio[w], &reg[r]);
			}
		}
		if (meet) {
			sb_printf(&names, "%s%s", count++ ? ", " : "",
				  fu_path(m, node));
		}
	}
	if (count != 0) {
		diag_warn(m, cell->path, "devices",
			  "%s shares a 4 KiB page with %s, which no cell owns: "
			  "the cell can reach %s too",
			  dev->path, sb_finish(&names, m->ar),
			  count == 1 ? "it" : "them");
	}
}

static void check_devices(struct m_part *m, const struct m_cell *cell)
{
	for (unsigned i = 0; i < cell->device_count; i++) {
		const struct m_device *a = &cell->devices[i];

		check_unowned(m, cell, a);
		/* Devices of the cell in one page with different rights:
		 * an error of rumkv_plan_check (lib/plan_check.c). */
		if (cell->rights_given &&
		    !(cell->rights & (1ull << a->right)) &&
		    !(cell->broken & BROKEN(RUMKV_FIELD_RIGHTS))) {
			diag_warn(m, cell->path, "rights",
				  "%s needs right '%s', which is not granted: "
				  "RumKV never maps it",
				  a->path, a->right_name);
		}
	}
}

static void check_alignment(struct m_part *m, const struct m_cell *cell)
{
	for (unsigned i = 0; i < cell->mem_count; i++) {
		const struct m_range *r = &cell->mem[i];

		if (((r->base | r->size) & (RUMKV_PAGE_SIZE - 1)) == 0 &&
		    ((r->base | r->size) & (SZ_2M - 1)) != 0) {
			diag_warn(m, cell->path, cell->mem_prop,
				  "0x%llx+0x%llx is not 2 MiB aligned: stage-2 "
				  "maps it with 4 KiB pages",
				  (unsigned long long)r->base,
				  (unsigned long long)r->size);
		}
	}
}

void cross_check(struct m_part *m)
{
	check_cores(m);
	for (unsigned i = 0; i < m->cell_count; i++) {
		check_alignment(m, &m->cells[i]);
		check_devices(m, &m->cells[i]);
	}
}
