// SPDX-License-Identifier: MIT
/*
 * The rumkv node and its cells, property by property (the binding is in
 * docs/partition-binding.md). Each reader reports what is wrong with one
 * property and marks the plan field it feeds as broken, so that the plan
 * checker does not report the same thing again as a consequence.
 */
#include "fdtutil.h"
#include "model.h"

#include <string.h>

#define MAX_REGIONS M_MAX_REGIONS

static const char *const rumkv_props[] = {
	"compatible",  "reg",	      "console",
	"status-page", "parked-cpus", "#address-cells",
	"#size-cells", "phandle",     "linux,phandle",
	NULL,
};

static const char *const cell_props[] = {
	"reg",
	"cell-name",
	"cpus",
	"memory",
	"memory-size",
	"guest-address",
	"boot-protocol",
	"kernel",
	"initrd",
	"bootargs",
	"devices",
	"device-rights",
	"rights",
	"violation-policy",
	"restart-limit",
	"console",
	"status-page",
	"phandle",
	"linux,phandle",
	"pci-functions",
	"pci-function-rights",
	"pci-bars",
	NULL,
};

static void warn_unknown(struct m_part *m, int node, const char *path,
			 const char *const *known)
{
	int prop;

	fdt_for_each_property_offset(prop, m->fdt, node)
	{
		const char *name;
		const char *const *k = known;

		if (fdt_getprop_by_offset(m->fdt, prop, &name, NULL) == NULL) {
			continue;
		}
		while (*k != NULL && strcmp(*k, name) != 0) {
			k++;
		}
		if (*k == NULL) {
			diag_warn(m, path, name, "unknown property, ignored");
		}
	}
}

/* ---- The rumkv node ------------------------------------------------------ */

static bool read_console_uart(struct m_part *m)
{
	uint32_t ph;
	int node;
	int len;
	const fdt32_t *irq;

	if (!fu_u32(m->fdt, m->node, "console", &ph)) {
		diag_error(m, m->path, "console",
			   fdt_getprop(m->fdt, m->node, "console", NULL) == NULL
				   ? "missing: the UART RumKV owns"
				   : "must be one phandle");
		return false;
	}
	node = fdt_node_offset_by_phandle(m->fdt, ph);
	if (node < 0) {
		diag_error(m, m->path, "console",
			   "phandle 0x%x does not resolve to a node", ph);
		return false;
	}
	m->console_path = fu_path(m, node);
	irq = fdt_getprop(m->fdt, node, "interrupts", &len);
	if (!fu_compatible(m->fdt, node, "arm,pl011") ||
	    fu_reg(m->fdt, node, &m->uart, 1) != 1 || irq == NULL ||
	    len != 12 ||
	    !board_intid(fdt32_ld(irq), fdt32_ld(irq + 1), &m->uart_irq)) {
		diag_error(m, m->path, "console",
			   "%s is not a PL011 UART (compatible \"arm,pl011\") "
			   "with one reg and one interrupt",
			   m->console_path);
		m->uart = (struct m_range){0, 0};
		m->uart_irq = 0;
		return false;
	}
	m->console_node = node;
	return true;
}

static bool read_rumkv(struct m_part *m)
{
	int node =
		fdt_node_offset_by_compatible(m->fdt, -1, "rumkv,partition-v1");
	int second;
	int reg;
	uint32_t ac;
	uint32_t sc;

	if (node < 0) {
		diag_error(m, "/", "",
			   "no partition: no node is compatible with "
			   "\"rumkv,partition-v1\"");
		return false;
	}
	m->node = node;
	m->path = fu_path(m, node);
	second = fdt_node_offset_by_compatible(m->fdt, node,
					       "rumkv,partition-v1");
	if (second >= 0) {
		diag_error(m, fu_path(m, second), "compatible",
			   "a second partition node (the first is %s)",
			   m->path);
	}
	reg = fu_reg(m->fdt, node, &m->self, 1);
	m->rumkv_broken = reg != 1;
	switch (reg) {
	case 1:
		break;
	case -1:
		diag_error(m, m->path, "reg",
			   "missing: RumKV's own memory (base size)");
		break;
	default:
		diag_error(m, m->path, "reg",
			   "must be one (base size) pair: RumKV's own memory");
		break;
	}
	if (!read_console_uart(m)) {
		m->rumkv_broken = true;
	}
	m->status_page = M_DEFAULT_STATUS_PAGE;
	if (fdt_getprop(m->fdt, node, "status-page", NULL) != NULL &&
	    !fu_num(m->fdt, node, "status-page", m->board.addr_cells,
		    &m->status_page)) {
		diag_error(m, m->path, "status-page",
			   "must be one address of %u cells",
			   m->board.addr_cells);
	}
	fu_child_cells(m->fdt, node, &ac, &sc);
	if (ac != 1 || sc != 0) {
		diag_error(m, m->path, "#address-cells",
			   "must be <1>, with #size-cells <0>: cells are "
			   "numbered by reg");
	}
	warn_unknown(m, node, m->path, rumkv_props);
	return true;
}

/* ---- One cell ------------------------------------------------------------ */

static void read_cpus(struct m_part *m, struct m_cell *cell)
{
	int len;
	const fdt32_t *p = fdt_getprop(m->fdt, cell->node, "cpus", &len);

	if (p == NULL || len % 4 != 0 || len / 4 > (int)RUMKV_PLAN_MAX_CORES) {
		diag_error(m, cell->path, "cpus",
			   p == NULL ? "missing: the cell's cores"
				     : "must be a list of up to 64 phandles to "
				       "cores");
		cell->broken |= BROKEN(RUMKV_FIELD_CORES);
		return;
	}
	for (int i = 0; i < len / 4; i++) {
		uint32_t ph = fdt32_ld(p + i);
		int node = fdt_node_offset_by_phandle(m->fdt, ph);
		unsigned c = 0;

		while (c < m->board.core_count &&
		       m->board.cores[c].node != node) {
			c++;
		}
		if (node < 0) {
			diag_error(m, cell->path, "cpus",
				   "entry %d: phandle 0x%x does not resolve to "
				   "a node",
				   i, ph);
		} else if (c == m->board.core_count) {
			diag_error(m, cell->path, "cpus",
				   "entry %d: %s is not a core (a /cpus node "
				   "with device_type \"cpu\")",
				   i, fu_path(m, node));
		} else {
			cell->cores[cell->core_count++] = c;
			continue;
		}
		cell->broken |= BROKEN(RUMKV_FIELD_CORES);
	}
}

static void read_memory_ranges(struct m_part *m, struct m_cell *cell)
{
	uint32_t ac = m->board.addr_cells;
	uint32_t sc = m->board.size_cells;
	int len;
	const fdt32_t *p = fdt_getprop(m->fdt, cell->node, "memory", &len);
	int n = len / (int)(4 * (ac + sc));

	if (len == 0 || len % (int)(4 * (ac + sc)) != 0 ||
	    n > (int)MAX_REGIONS) {
		diag_error(m, cell->path, "memory",
			   "must be 1 to %u (base size) pairs of %u+%u cells",
			   MAX_REGIONS, ac, sc);
		cell->broken |= BROKEN(RUMKV_FIELD_MEMORY);
		return;
	}
	cell->mem = AR_NEW(m->ar, struct m_range, (size_t)n);
	for (int i = 0; i < n; i++) {
		cell->mem[i].base = fu_cells(p + i * (int)(ac + sc), ac);
		cell->mem[i].size = fu_cells(p + i * (int)(ac + sc) + ac, sc);
	}
	cell->mem_count = (unsigned)n;
}

static void read_memory(struct m_part *m, struct m_cell *cell)
{
	bool ranges = fdt_getprop(m->fdt, cell->node, "memory", NULL) != NULL;
	bool sized =
		fdt_getprop(m->fdt, cell->node, "memory-size", NULL) != NULL;

	cell->mem_prop = sized && !ranges ? "memory-size" : "memory";
	if (ranges && sized) {
		diag_error(m, cell->path, "memory-size",
			   "conflicts with memory: give one of them");
	} else if (!ranges && !sized) {
		diag_error(m, cell->path, "memory",
			   "missing (or memory-size): the cell's RAM");
	} else if (ranges) {
		read_memory_ranges(m, cell);
		return;
	} else if (!fu_num(m->fdt, cell->node, "memory-size",
			   m->board.size_cells, &cell->mem_size)) {
		diag_error(m, cell->path, "memory-size",
			   "must be one size of %u cells", m->board.size_cells);
	} else if (cell->mem_size == 0 ||
		   (cell->mem_size & (RUMKV_PAGE_SIZE - 1)) != 0) {
		diag_error(m, cell->path, "memory-size",
			   "0x%llx is not a non-zero multiple of 4 KiB",
			   (unsigned long long)cell->mem_size);
	} else {
		return;
	}
	cell->broken |= BROKEN(RUMKV_FIELD_MEMORY);
}

/* guest-address: one address, or one per memory range (checked against
 * the ranges in layout_guest, once memory-size ranges are placed). */
static void read_guest_address(struct m_part *m, struct m_cell *cell)
{
	uint32_t ac = m->board.addr_cells;
	int len;
	const fdt32_t *p =
		fdt_getprop(m->fdt, cell->node, "guest-address", &len);
	int n = len / (int)(4 * ac);

	if (p == NULL) {
		return;
	}
	if (len == 0 || len % (int)(4 * ac) != 0 || n > (int)MAX_REGIONS) {
		diag_error(m, cell->path, "guest-address",
			   "must be 1 to %u addresses of %u cells", MAX_REGIONS,
			   ac);
		cell->broken |= BROKEN(RUMKV_FIELD_MEMORY);
		return;
	}
	for (int i = 0; i < n; i++) {
		cell->guest_addr[i] = fu_cells(p + i * (int)ac, ac);
	}
	cell->guest_count = (unsigned)n;
}

static void read_device_list(struct m_part *m, struct m_cell *cell,
			     const char **rights, int right_count)
{
	int len;
	const fdt32_t *p = fdt_getprop(m->fdt, cell->node, "devices", &len);
	int n = len / 4;

	if (p == NULL) {
		return;
	}
	if (len % 4 != 0 || n > (int)M_MAX_DEVICES) {
		diag_error(m, cell->path, "devices",
			   "must be a list of up to %u phandles",
			   M_MAX_DEVICES);
		cell->broken |= BROKEN(RUMKV_FIELD_DEVICES);
		return;
	}
	cell->devices = AR_NEW(m->ar, struct m_device, (size_t)n);
	for (int i = 0; i < n; i++) {
		uint32_t ph = fdt32_ld(p + i);
		int node = fdt_node_offset_by_phandle(m->fdt, ph);
		struct m_device *dev = &cell->devices[cell->device_count];
		const char *right = i < right_count ? rights[i] : "other";
		int bit;

		if (node < 0) {
			diag_error(m, cell->path, "devices",
				   "entry %d: phandle 0x%x does not resolve to "
				   "a node",
				   i, ph);
			cell->broken |= BROKEN(RUMKV_FIELD_DEVICES);
			continue;
		}
		if (!device_read(m, cell, node, dev)) {
			cell->broken |= BROKEN(RUMKV_FIELD_DEVICES);
			continue;
		}
		bit = right_lookup(m, right, true);
		if (bit < 0) {
			diag_error(m, cell->path, "device-rights",
				   bit == -1
					   ? "'%s' is not a right name: a "
					     "class or 1 to 31 of a-z 0-9 _ -"
					   : "'%s': more than 48 custom rights",
				   right);
			cell->broken |= BROKEN(RUMKV_FIELD_RIGHTS);
			bit = 7;
		}
		dev->right_name = right_name(m, (unsigned)bit);
		dev->right = (unsigned)bit;
		cell->device_count++;
	}
}

static void read_devices(struct m_part *m, struct m_cell *cell)
{
	const char *rights[M_MAX_DEVICES];
	int count = 0;
	int len = 0;
	int n;

	if (fdt_getprop(m->fdt, cell->node, "devices", &len) == NULL) {
		len = 0;
	}
	n = len / 4;
	if (fdt_getprop(m->fdt, cell->node, "device-rights", NULL) != NULL) {
		count = fu_strings(m->fdt, cell->node, "device-rights", rights,
				   M_MAX_DEVICES);
		if (count != n || len % 4 != 0) {
			diag_error(
				m, cell->path, "device-rights",
				count < 0 ? "must be a list of right names, "
					    "one per device"
					  : "%d names for %d devices: give one "
					    "right per device",
				count, n);
			cell->broken |= BROKEN(RUMKV_FIELD_RIGHTS);
			count = 0;
		}
	}
	read_device_list(m, cell, rights, count);
}

/* Is `bit` a class, a channel's right, or the right of one of the cell's
 * devices? */
static bool cell_knows_right(const struct m_part *m, const struct m_cell *cell,
			     int bit)
{
	if (bit >= 0 && bit < (int)RUMKV_RIGHT_FIRST_CUSTOM) {
		return true;
	}
	if (bit >= 0 && ((m->channel_rights >> bit) & 1) != 0) {
		return true;
	}
	for (unsigned i = 0; i < cell->device_count; i++) {
		if ((int)cell->devices[i].right == bit) {
			return true;
		}
	}
	return false;
}

static void read_rights(struct m_part *m, struct m_cell *cell)
{
	const char *names[64];
	int count;

	cell->rights = RUMKV_RIGHT_CONSOLE;
	for (unsigned i = 0; i < cell->device_count; i++) {
		cell->rights |= 1ull << cell->devices[i].right;
	}
	if (fdt_getprop(m->fdt, cell->node, "rights", NULL) == NULL) {
		return;
	}
	cell->rights = 0;
	cell->rights_given = true;
	count = fu_strings(m->fdt, cell->node, "rights", names, 64);
	if (count < 0 || count > 64) {
		diag_error(m, cell->path, "rights",
			   "must be a list of up to 64 right names");
		cell->broken |= BROKEN(RUMKV_FIELD_RIGHTS);
		return;
	}
	for (int i = 0; i < count; i++) {
		int bit = right_lookup(m, names[i], false);

		if (!cell_knows_right(m, cell, bit)) {
			diag_error(
				m, cell->path, "rights",
				"'%s' is neither a right class nor the right "
				"of one of the cell's devices",
				names[i]);
			cell->broken |= BROKEN(RUMKV_FIELD_RIGHTS);
			continue;
		}
		cell->rights |= 1ull << bit;
	}
}

static void read_policy(struct m_part *m, struct m_cell *cell)
{
	const char *policy = fu_string(m->fdt, cell->node, "violation-policy");
	bool has_policy = fdt_getprop(m->fdt, cell->node, "violation-policy",
				      NULL) != NULL;
	bool has_limit =
		fdt_getprop(m->fdt, cell->node, "restart-limit", NULL) != NULL;

	cell->policy = RUMKV_POLICY_HALT;
	if (policy != NULL && strcmp(policy, "restart") == 0) {
		cell->policy = RUMKV_POLICY_RESTART;
		cell->restart_limit = M_DEFAULT_RESTART_LIMIT;
	} else if (has_policy &&
		   (policy == NULL || strcmp(policy, "halt") != 0)) {
		diag_error(m, cell->path, "violation-policy",
			   "'%s' is not \"halt\" or \"restart\"",
			   policy != NULL ? policy : "(not a string)");
		cell->broken |= BROKEN(RUMKV_FIELD_POLICY);
		return;
	}
	if (!has_limit) {
		return;
	}
	if (!fu_u32(m->fdt, cell->node, "restart-limit",
		    &cell->restart_limit)) {
		diag_error(m, cell->path, "restart-limit", "must be one cell");
	} else if (cell->policy == RUMKV_POLICY_HALT) {
		diag_warn(m, cell->path, "restart-limit",
			  "ignored: the violation policy is halt");
		cell->restart_limit = 0;
	}
}

static void read_console(struct m_part *m, struct m_cell *cell)
{
	const char *console = fu_string(m->fdt, cell->node, "console");

	cell->console = RUMKV_CONSOLE_HYPERCALL;
	if (fdt_getprop(m->fdt, cell->node, "console", NULL) == NULL) {
		return;
	}
	if (console != NULL && strcmp(console, "hypercall") == 0) {
		return;
	}
	if (console != NULL && strcmp(console, "none") == 0) {
		cell->console = 0;
	} else if (console != NULL && strcmp(console, "vuart") == 0) {
		cell->console |= RUMKV_CONSOLE_VUART | RUMKV_CONSOLE_INPUT;
		cell->vuart = m->uart.base;
	} else {
		diag_error(m, cell->path, "console",
			   "'%s' is not \"hypercall\", \"vuart\" or \"none\"",
			   console != NULL ? console : "(not a string)");
		cell->broken |= BROKEN(RUMKV_FIELD_CONSOLE);
	}
}

static void read_boot_protocol(struct m_part *m, struct m_cell *cell)
{
	const char *proto = fu_string(m->fdt, cell->node, "boot-protocol");

	if (fdt_getprop(m->fdt, cell->node, "boot-protocol", NULL) == NULL ||
	    (proto != NULL && strcmp(proto, "linux") == 0)) {
		return;
	}
	if (proto != NULL && strcmp(proto, "firmware") == 0) {
		cell->firmware = true;
		return;
	}
	diag_error(m, cell->path, "boot-protocol",
		   "'%s' is not \"linux\" or \"firmware\"",
		   proto != NULL ? proto : "(not a string)");
	cell->broken |= BROKEN(RUMKV_FIELD_BOOT) | BROKEN(RUMKV_FIELD_IMAGES) |
			BROKEN(RUMKV_FIELD_ENTRY);
}

static void read_cell(struct m_part *m, struct m_cell *cell, int node)
{
	uint32_t index;
	const char *bootargs;

	cell->node = node;
	cell->path = fu_path(m, node);
	cell->index = -1;
	cell->name = fdt_get_name(m->fdt, node, NULL);
	if (fu_u32(m->fdt, node, "reg", &index) && index < 0x10000) {
		cell->index = (int)index;
	} else {
		diag_error(m, cell->path, "reg",
			   "missing or malformed: the cell index, one cell");
	}
	if (fu_string(m->fdt, node, "cell-name") != NULL) {
		cell->name = fu_string(m->fdt, node, "cell-name");
		cell->name_given = true;
	} else {
		diag_error(m, cell->path, "cell-name",
			   fdt_getprop(m->fdt, node, "cell-name", NULL) == NULL
				   ? "missing"
				   : "must be a string");
		cell->broken |= BROKEN(RUMKV_FIELD_NAME);
	}
	read_cpus(m, cell);
	read_memory(m, cell);
	read_guest_address(m, cell);
	read_boot_protocol(m, cell);
	image_read(m, cell, M_KERNEL);
	image_read(m, cell, M_INITRD);
	bootargs = fu_string(m->fdt, node, "bootargs");
	if (bootargs == NULL &&
	    fdt_getprop(m->fdt, node, "bootargs", NULL) != NULL) {
		diag_error(m, cell->path, "bootargs", "must be a string");
	}
	cell->bootargs = bootargs;
	read_devices(m, cell);
	pci_read_functions(m, cell);
	read_rights(m, cell);
	read_policy(m, cell);
	read_console(m, cell);
	cell->status_page = m->status_page;
	if (fdt_getprop(m->fdt, node, "status-page", NULL) != NULL &&
	    !fu_num(m->fdt, node, "status-page", m->board.addr_cells,
		    &cell->status_page)) {
		diag_error(m, cell->path, "status-page",
			   "must be one address of %u cells",
			   m->board.addr_cells);
	}
	warn_unknown(m, node, cell->path, cell_props);
}

/* ---- All cells ----------------------------------------------------------- */

static bool is_cell_node(const void *fdt, int node)
{
	const char *name = fdt_get_name(fdt, node, NULL);

	return name != NULL &&
	       (strcmp(name, "cell") == 0 || strncmp(name, "cell@", 5) == 0);
}

/* Cells are numbered 0..n-1 by reg; put them in that order if they are. */
static void order_cells(struct m_part *m)
{
	struct m_cell *sorted;
	bool dense = true;

	for (unsigned i = 0; i < m->cell_count; i++) {
		struct m_cell *c = &m->cells[i];

		if (c->index < 0) {
			dense = false;
			continue;
		}
		if ((unsigned)c->index >= m->cell_count) {
			diag_error(m, c->path, "reg",
				   "index %d leaves a gap: cells are numbered "
				   "0 to %u",
				   c->index, m->cell_count - 1);
			dense = false;
			continue;
		}
		for (unsigned j = 0; j < i; j++) {
			if (m->cells[j].index == c->index) {
				diag_error(m, c->path, "reg",
					   "index %d is also %s's", c->index,
					   m->cells[j].path);
				dense = false;
				break;
			}
		}
	}
	if (!dense) {
		return;
	}
	sorted = AR_NEW(m->ar, struct m_cell, m->cell_count);
	for (unsigned i = 0; i < m->cell_count; i++) {
		sorted[m->cells[i].index] = m->cells[i];
	}
	m->cells = sorted;
}

bool cells_read(struct m_part *m)
{
	unsigned count = 0;
	int node;

	if (!read_rumkv(m)) {
		return false;
	}
	fdt_for_each_subnode(node, m->fdt, m->node)
	{
		if (is_cell_node(m->fdt, node)) {
			count++;
		} else if (!channels_is_node(m->fdt, node)) {
			diag_error(m, fu_path(m, node), "",
				   "unexpected node: cells are named "
				   "cell@<index>, channels go in a channels "
				   "node");
		}
	}
	if (count == 0 || count > RUMKV_PLAN_MAX_CELLS) {
		diag_error(m, m->path, "",
			   "%u cells: RumKV supports 1 to %u (cell@<index> "
			   "nodes)",
			   count, RUMKV_PLAN_MAX_CELLS);
		return false;
	}
	channels_define_rights(m);
	m->cells = AR_NEW(m->ar, struct m_cell, count);
	fdt_for_each_subnode(node, m->fdt, m->node)
	{
		if (is_cell_node(m->fdt, node)) {
			read_cell(m, &m->cells[m->cell_count++], node);
		}
	}
	order_cells(m);
	return true;
}
