// SPDX-License-Identifier: MIT
/*
 * The board half of the partition tree: RAM banks, cores, the GICv3 and
 * the architected timer, as the platform's own device tree describes
 * them. A board RumKV cannot run on stops the compiler here.
 */
#include "fdtutil.h"
#include "model.h"

#include <string.h>

bool board_intid(uint32_t type, uint32_t number, uint32_t *intid)
{
	if (type == 0 && number < 988) { /* SPI */
		*intid = 32 + number;
		return true;
	}
	if (type == 1 && number < 16) { /* PPI */
		*intid = 16 + number;
		return true;
	}
	return false;
}

static bool is_type(const void *fdt, int node, const char *type)
{
	const char *t = fu_string(fdt, node, "device_type");

	return t != NULL && strcmp(t, type) == 0;
}

static bool read_ram(struct m_part *m)
{
	struct m_board *b = &m->board;
	int node;

	fdt_for_each_subnode(node, m->fdt, 0)
	{
		struct m_range r[M_MAX_RAM];
		int n;

		if (!is_type(m->fdt, node, "memory")) {
			continue;
		}
		n = fu_reg(m->fdt, node, r, M_MAX_RAM - b->ram_count);
		if (n == -3) {
			diag_error(m, fu_path(m, node), "reg",
				   "more than %u RAM banks", M_MAX_RAM);
			return false;
		}
		for (int i = 0; i < n; i++) {
			if (r[i].size == 0 ||
			    rumkv_range_wraps(r[i].base, r[i].size)) {
				diag_error(m, fu_path(m, node), "reg",
					   "RAM bank 0x%llx+0x%llx is empty or "
					   "wraps",
					   (unsigned long long)r[i].base,
					   (unsigned long long)r[i].size);
				return false;
			}
			b->ram[b->ram_count++] = r[i];
		}
	}
	if (b->ram_count == 0) {
		diag_error(m, "/", "",
			   "no RAM (no node with device_type \"memory\" and "
			   "a reg)");
		return false;
	}
	return true;
}

static bool add_core(struct m_part *m, int node, const fdt32_t *reg,
		     uint32_t ac)
{
	struct m_board *b = &m->board;
	struct m_core *core = &b->cores[b->core_count];

	core->node = node;
	core->path = fu_path(m, node);
	core->hwid = fu_cells(reg, ac);
	core->cell = -1;
	for (unsigned i = 0; i < b->core_count; i++) {
		if (b->cores[i].hwid == core->hwid) {
			diag_error(m, core->path, "reg",
				   "hardware ID 0x%llx is also %s's",
				   (unsigned long long)core->hwid,
				   b->cores[i].path);
			return false;
		}
	}
	b->core_count++;
	return true;
}

static bool read_cores(struct m_part *m)
{
	int cpus = fdt_path_offset(m->fdt, "/cpus");
	uint32_t ac;
	uint32_t sc;
	int node;
	bool ok = true;

	if (cpus < 0) {
		diag_error(m, "/", "", "no /cpus node: the board has no cores");
		return false;
	}
	fu_child_cells(m->fdt, cpus, &ac, &sc);
	if (ac < 1 || ac > 2) {
		diag_error(m, "/cpus", "#address-cells", "must be 1 or 2");
		return false;
	}
	fdt_for_each_subnode(node, m->fdt, cpus)
	{
		int len;
		const fdt32_t *reg = fdt_getprop(m->fdt, node, "reg", &len);

		if (!is_type(m->fdt, node, "cpu")) {
			continue;
		}
		if (m->board.core_count == RUMKV_PLAN_MAX_CORES) {
			diag_error(m, "/cpus", "",
				   "more than %u cores: RumKV supports at most "
				   "%u",
				   RUMKV_PLAN_MAX_CORES, RUMKV_PLAN_MAX_CORES);
			return false;
		}
		if (reg == NULL || len != (int)(4 * ac)) {
			diag_error(m, fu_path(m, node), "reg",
				   "must be %u cell(s): the core's hardware ID",
				   ac);
			ok = false;
			continue;
		}
		ok = add_core(m, node, reg, ac) && ok;
	}
	if (m->board.core_count == 0) {
		diag_error(m, "/cpus", "",
			   "no cores (nodes with device_type \"cpu\")");
		return false;
	}
	return ok;
}

static bool read_gic(struct m_part *m)
{
	struct m_board *b = &m->board;
	int node = fdt_node_offset_by_compatible(m->fdt, -1, "arm,gic-v3");
	struct m_range reg[8];
	int n;

	if (node < 0) {
		diag_error(m, "/", "",
			   "no GICv3 (compatible \"arm,gic-v3\"): RumKV needs "
			   "one");
		return false;
	}
	n = fu_reg(m->fdt, node, reg, RUMKV_ARRAY_SIZE(reg));
	if (n < 2 || fdt_parent_offset(m->fdt, node) != 0) {
		diag_error(m, fu_path(m, node), "reg",
			   "must be under / and give the distributor and "
			   "redistributor regions");
		return false;
	}
	b->gic_node = node;
	b->gic_phandle = fdt_get_phandle(m->fdt, node);
	b->gicd = reg[0];
	b->gicr = reg[1];
	return true;
}

static bool read_timer(struct m_part *m)
{
	struct m_board *b = &m->board;
	int node = fdt_node_offset_by_compatible(m->fdt, -1, "arm,armv8-timer");
	int len;
	const fdt32_t *p;

	if (node < 0) {
		diag_error(m, "/", "",
			   "no timer (compatible \"arm,armv8-timer\"): RumKV "
			   "needs one");
		return false;
	}
	p = fdt_getprop(m->fdt, node, "interrupts", &len);
	if (p == NULL || len < 4 * 3 * 4) {
		diag_error(m, fu_path(m, node), "interrupts",
			   "must give the four timer interrupts");
		return false;
	}
	for (unsigned i = 0; i < 4; i++) {
		if (!board_intid(fdt32_ld(p + 3 * i), fdt32_ld(p + 3 * i + 1),
				 &b->timer_irqs[i])) {
			diag_error(m, fu_path(m, node), "interrupts",
				   "entry %u is not a GIC PPI or SPI", i);
			return false;
		}
	}
	b->timer_node = node;
	return true;
}

/* The board's NOR flash (compatible "cfi-flash" under /), if any: its
 * banks, back to back on QEMU virt, are where firmware expects the flash
 * window of a cell booted with the firmware protocol. */
static void read_flash(struct m_part *m)
{
	struct m_board *b = &m->board;
	int node = fdt_node_offset_by_compatible(m->fdt, -1, "cfi-flash");
	struct m_range reg[M_MAX_WINDOWS];
	int n;

	if (node < 0 || fdt_parent_offset(m->fdt, node) != 0) {
		return;
	}
	n = fu_reg(m->fdt, node, reg, M_MAX_WINDOWS);
	b->flash = n > 0 ? reg[0] : (struct m_range){0, 0};
	for (int i = 1; i < n; i++) {
		if (reg[i].base == b->flash.base + b->flash.size) {
			b->flash.size += reg[i].size;
		}
	}
}

bool board_read(struct m_part *m)
{
	struct m_board *b = &m->board;
	bool ok;

	fu_child_cells(m->fdt, 0, &b->addr_cells, &b->size_cells);
	if (b->addr_cells < 1 || b->addr_cells > 2 || b->size_cells < 1 ||
	    b->size_cells > 2) {
		diag_error(m, "/", "#address-cells",
			   "the root's #address-cells and #size-cells must be "
			   "1 or 2");
		return false;
	}
	ok = read_ram(m);
	ok = read_cores(m) && ok;
	ok = read_gic(m) && ok;
	read_flash(m);
	ok = read_timer(m) && ok;
	pci_board_read(m);
	return ok;
}
