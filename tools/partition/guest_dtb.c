// SPDX-License-Identifier: MIT
/*
 * A cell's own device tree: only what the cell owns or sees.
 *
 *   /                 the board's compatible and model, its cells sizes,
 *                     interrupt-parent = the GIC
 *   /chosen           bootargs; stdout-path (virtual UART cells);
 *                     linux,initrd-start/end (64-bit) with an initrd
 *   /cpus/cpu@<v>     vcore v = the cell's v-th core, reg = v, psci
 *   /memory@<base>    one per RAM region, at its guest address
 *   /psci             PSCI 1.0 over hvc (RumKV implements it)
 *   /<gic>            GICv3: the board's distributor, and one
 *                     redistributor region at the board's base holding
 *                     one 128 KiB frame per vcore; no ITS
 *   /timer            the board's timer node
 *   /hypervisor       "rumkv,hypervisor": cell name and index, initial
 *                     rights (64-bit), and /hypervisor/rights with two
 *                     parallel lists, names (strings) and bits (cells),
 *                     of every right the cell can hold (names are not
 *                     property names: "gpio" or "status" would mean
 *                     something else to DT consumers)
 *   /status-page@<a>  "rumkv,status-page", one page
 *   devices           copies of the passed-through nodes (subtrees),
 *                     with rumkv,right = <bit>, no iommus, and
 *                     interrupt-parent pointing at the GIC
 *   virtual UART      a copy of the console UART node (console = vuart)
 *   dependencies      reg-less nodes the copies refer to by phandle
 *                     (fixed clocks, regulators), copied at the root
 *   guest-tree        the nodes under the cell's guest-tree node, copied
 *                     at the root (e.g. U-Boot's /config)
 *
 * The tree is written with libfdt's sequential-write functions, so nodes
 * come out in this order.
 */
#include "fdtutil.h"
#include "model.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_DEPS 32

struct gdt {
	struct m_part *m;
	struct m_cell *cell;
	void *buf;
	int err;
	bool quiet; /* a retry with a bigger buffer: warnings were given */
	uint32_t gic_phandle;
	int deps[MAX_DEPS]; /* source nodes to copy at the root */
	int dep_count;
};

/* Records the first libfdt error; later calls are harmless no-ops. */
static void ck(struct gdt *g, int rc)
{
	if (rc < 0 && g->err == 0) {
		g->err = rc;
	}
}

static void prop(struct gdt *g, const char *name, const void *val, int len)
{
	ck(g, fdt_property(g->buf, name, val, len));
}

static void prop_u32(struct gdt *g, const char *name, uint32_t v)
{
	ck(g, fdt_property_u32(g->buf, name, v));
}

static void prop_u64(struct gdt *g, const char *name, uint64_t v)
{
	ck(g, fdt_property_u64(g->buf, name, v));
}

static void prop_str(struct gdt *g, const char *name, const char *s)
{
	ck(g, fdt_property_string(g->buf, name, s));
}

/* Appends `s` and its NUL to a string-list property value. */
static void sb_strlist(struct sbuf *sb, const char *s)
{
	size_t at = sb->len;

	sb_printf(sb, "%s.", s);
	sb->buf[at + strlen(s)] = '\0';
}

/* A (base, size) reg in the root's cells. */
static void prop_reg(struct gdt *g, const struct m_range *r, unsigned n)
{
	fdt32_t cells[4 * 4];
	const struct m_board *b = &g->m->board;
	unsigned at = 0;

	for (unsigned i = 0; i < n && i < 4; i++) {
		if (b->addr_cells == 2) {
			cells[at++] = cpu_to_fdt32((uint32_t)(r[i].base >> 32));
		}
		cells[at++] = cpu_to_fdt32((uint32_t)r[i].base);
		if (b->size_cells == 2) {
			cells[at++] = cpu_to_fdt32((uint32_t)(r[i].size >> 32));
		}
		cells[at++] = cpu_to_fdt32((uint32_t)r[i].size);
	}
	prop(g, "reg", cells, (int)(at * sizeof(fdt32_t)));
}

static void begin(struct gdt *g, const char *name)
{
	ck(g, fdt_begin_node(g->buf, name));
}

static void end(struct gdt *g)
{
	ck(g, fdt_end_node(g->buf));
}

static void copy_prop(struct gdt *g, int src, const char *name)
{
	int len;
	const void *val = fdt_getprop(g->m->fdt, src, name, &len);

	if (val != NULL) {
		prop(g, name, val, len);
	}
}

/* ---- Phandle references of copied nodes ---------------------------------- */

static bool owned_device(const struct m_cell *cell, int node)
{
	for (unsigned i = 0; i < cell->device_count; i++) {
		if (cell->devices[i].node == node) {
			return true;
		}
	}
	return false;
}

/* The #...-cells property naming the argument count of `prop`'s
 * specifiers, "" for a plain phandle, NULL if `prop` holds no phandles. */
static const char *phandle_cells(const char *prop)
{
	static const char *const known[][2] = {
		{"clocks", "#clock-cells"},
		{"resets", "#reset-cells"},
		{"power-domains", "#power-domain-cells"},
		{"dmas", "#dma-cells"},
		{"phys", "#phy-cells"},
		{"pwms", "#pwm-cells"},
		{"mboxes", "#mbox-cells"},
		{"gpios", "#gpio-cells"},
	};
	size_t len = strlen(prop);

	for (size_t i = 0; i < RUMKV_ARRAY_SIZE(known); i++) {
		if (strcmp(prop, known[i][0]) == 0) {
			return known[i][1];
		}
	}
	if (len > 6 && strcmp(prop + len - 6, "-gpios") == 0) {
		return "#gpio-cells";
	}
	if (len > 7 && strcmp(prop + len - 7, "-supply") == 0) {
		return "";
	}
	return NULL;
}

static void add_dep(struct gdt *g, int node)
{
	for (int i = 0; i < g->dep_count; i++) {
		if (g->deps[i] == node) {
			return;
		}
	}
	if (g->dep_count < MAX_DEPS) {
		g->deps[g->dep_count++] = node;
	}
}

/* Checks the providers a phandle property names: reg-less ones (fixed
 * clocks...) are copied along; devices must belong to the cell. False:
 * leave the property out. */
static bool take_references(struct gdt *g, int src, const char *name,
			    const char *cells_name)
{
	const void *fdt = g->m->fdt;
	int len;
	const fdt32_t *p = fdt_getprop(fdt, src, name, &len);
	const char *why = NULL;
	int provider = -1;

	for (int at = 0; p != NULL && why == NULL && at < len / 4;) {
		uint32_t cells = 0;

		provider = fdt_node_offset_by_phandle(fdt, fdt32_ld(p + at));
		if (provider < 0 ||
		    (cells_name[0] != '\0' &&
		     !fu_u32(fdt, provider, cells_name, &cells))) {
			why = "a missing provider";
		} else if (fdt_getprop(fdt, provider, "reg", NULL) != NULL &&
			   !owned_device(g->cell, provider)) {
			why = "a device the cell does not own";
		} else if (fdt_getprop(fdt, provider, "reg", NULL) == NULL) {
			add_dep(g, provider);
		}
		at += 1 + (int)(cells > 16 ? 16 : cells);
	}
	if (why != NULL && !g->quiet) {
		diag_warn(g->m, g->cell->path, "devices",
			  "%s: %s refers to %s (%s): left out of the cell's "
			  "device tree",
			  fu_path(g->m, src), name,
			  provider >= 0 ? fu_path(g->m, provider) : "?", why);
	}
	return why == NULL;
}

/* ---- Copies of board nodes ------------------------------------------------
 */

/* Copies board node `src` and everything under it. Recursive: the depth is
 * at most M_MAX_DEPTH, which part_compile() checked on the whole tree. */
static void copy_subtree(struct gdt *g, int src, int right)
{
	const void *fdt = g->m->fdt;
	int off;
	int child;

	begin(g, fdt_get_name(fdt, src, NULL));
	fdt_for_each_property_offset(off, fdt, src)
	{
		const char *name;
		int len;
		const void *val = fdt_getprop_by_offset(fdt, off, &name, &len);
		const char *cells = val != NULL ? phandle_cells(name) : NULL;

		if (val == NULL || strcmp(name, "iommus") == 0 ||
		    (cells != NULL && !take_references(g, src, name, cells))) {
			continue;
		}
		if (strcmp(name, "interrupt-parent") == 0) {
			prop_u32(g, name, g->gic_phandle);
		} else {
			prop(g, name, val, len);
		}
	}
	if (right >= 0) {
		prop_u32(g, "rumkv,right", (uint32_t)right);
	}
	fdt_for_each_subnode(child, fdt, src)
	{
		copy_subtree(g, child, -1);
	}
	end(g);
}

/* ---- The nodes RumKV writes ------------------------------------------------
 */

static bool has_pci(const struct m_cell *cell)
{
	for (unsigned i = 0; i < cell->device_count; i++) {
		if (cell->devices[i].pci) {
			return true;
		}
	}
	return false;
}

static void write_chosen(struct gdt *g)
{
	const struct m_cell *cell = g->cell;
	const struct m_image *rd = &cell->image[M_INITRD];

	begin(g, "chosen");
	if (cell->bootargs != NULL) {
		prop_str(g, "bootargs", cell->bootargs);
	}
	if (cell->console & RUMKV_CONSOLE_VUART) {
		char path[256];

		snprintf(path, sizeof(path), "/%s",
			 fdt_get_name(g->m->fdt, g->m->console_node, NULL));
		prop_str(g, "stdout-path", path);
	}
	if (rd->present) {
		prop_u64(g, "linux,initrd-start", rd->ipa);
		prop_u64(g, "linux,initrd-end", rd->ipa + rd->size);
	}
	if (has_pci(cell)) {
		/* RumKV placed the BARs and the cell cannot move them. */
		prop_u32(g, "linux,pci-probe-only", 1);
	}
	end(g);
}

/* Does interrupt-map entry `e` (child unit address, pin) belong to an
 * INTA of one of the cell's functions, under the map's mask? */
static bool own_intx(const struct gdt *g, const fdt32_t *e, const fdt32_t *mask)
{
	const struct m_cell *cell = g->cell;

	for (unsigned i = 0; i < cell->device_count; i++) {
		const struct m_device *d = &cell->devices[i];
		const uint32_t key[4] = {d->pci_rid << 8, 0, 0, 1};
		bool match = d->pci && d->irq_count != 0;

		for (int k = 0; k < 4 && match; k++) {
			match = (key[k] & fdt32_ld(mask + k)) ==
				fdt32_ld(e + k);
		}
		if (match) {
			return true;
		}
	}
	return false;
}

/* The host bridge's interrupt-map, only the lines of the cell's
 * functions (each a line the cell owns), to the guest's GIC. */
static void write_intx_map(struct gdt *g, int src)
{
	const void *fdt = g->m->fdt;
	int len;
	int mlen;
	const fdt32_t *map = fdt_getprop(fdt, src, "interrupt-map", &len);
	const fdt32_t *mask =
		fdt_getprop(fdt, src, "interrupt-map-mask", &mlen);
	uint32_t gic_ac = 0;
	int entry;
	fdt32_t out[64 * 10];
	int n = 0;

	if (map == NULL || mask == NULL || mlen != 16) {
		return;
	}
	(void)fu_u32(fdt, g->m->board.gic_node, "#address-cells", &gic_ac);
	entry = 4 + 1 + (int)gic_ac + 3;
	for (int at = 0; (at + entry) * 4 <= len && n + 8 <= 64 * 10;
	     at += entry) {
		/* The guest's GIC has #address-cells = 0: the entry loses
		 * the parent unit address. */
		if (own_intx(g, map + at, mask)) {
			memcpy(out + n, map + at, 4 * 4);
			out[n + 4] = cpu_to_fdt32(g->gic_phandle);
			memcpy(out + n + 5, map + at + 5 + gic_ac, 3 * 4);
			n += 8;
		}
	}
	prop(g, "interrupt-map", out, n * 4);
	copy_prop(g, src, "interrupt-map-mask");
}

/* The virtual ECAM as the board's host bridge: its ECAM, windows and
 * interrupt lines, no IOMMU or MSI controller (RumKV's SMMU translates
 * the cell's DMA through its stage-2, transparently). */
static void write_pci_host(struct gdt *g)
{
	const void *fdt = g->m->fdt;
	int src = g->m->board.pci_node;
	int off;

	if (src < 0 || !has_pci(g->cell)) {
		return;
	}
	begin(g, fdt_get_name(fdt, src, NULL));
	fdt_for_each_property_offset(off, fdt, src)
	{
		const char *name;
		int len;
		const void *val = fdt_getprop_by_offset(fdt, off, &name, &len);

		if (val == NULL || strcmp(name, "iommu-map") == 0 ||
		    strcmp(name, "msi-map") == 0 ||
		    strcmp(name, "msi-parent") == 0 ||
		    strncmp(name, "interrupt-map", 13) == 0) {
			continue;
		}
		prop(g, name, val, len);
	}
	write_intx_map(g, src);
	end(g);
}

static void write_cpus(struct gdt *g)
{
	const struct m_cell *cell = g->cell;

	begin(g, "cpus");
	prop_u32(g, "#address-cells", 1);
	prop_u32(g, "#size-cells", 0);
	for (unsigned v = 0; v < cell->core_count; v++) {
		const struct m_core *core = &g->m->board.cores[cell->cores[v]];
		char name[32];

		snprintf(name, sizeof(name), "cpu@%x", v);
		begin(g, name);
		prop_str(g, "device_type", "cpu");
		copy_prop(g, core->node, "compatible");
		prop_u32(g, "reg", v);
		prop_str(g, "enable-method", "psci");
		end(g);
	}
	end(g);
}

static void write_memory(struct gdt *g)
{
	for (unsigned i = 0; g->cell->gmem != NULL && i < g->cell->mem_count;
	     i++) {
		char name[32];

		snprintf(name, sizeof(name), "memory@%llx",
			 (unsigned long long)g->cell->gmem[i].base);
		begin(g, name);
		prop_str(g, "device_type", "memory");
		prop_reg(g, &g->cell->gmem[i], 1);
		end(g);
	}
}

static void write_psci_gic_timer(struct gdt *g)
{
	static const char psci[] = "arm,psci-1.0\0arm,psci-0.2";
	const struct m_board *b = &g->m->board;
	struct m_range gic[2] = {
		b->gicd,
		{b->gicr.base, g->cell->core_count * M_GICR_FRAME},
	};

	begin(g, "psci");
	prop(g, "compatible", psci, sizeof(psci));
	prop_str(g, "method", "hvc");
	end(g);
	begin(g, fdt_get_name(g->m->fdt, b->gic_node, NULL));
	prop_str(g, "compatible", "arm,gic-v3");
	prop_u32(g, "#interrupt-cells", 3);
	prop_u32(g, "#address-cells", 0);
	prop(g, "interrupt-controller", NULL, 0);
	prop_u32(g, "#redistributor-regions", 1);
	prop_reg(g, gic, 2);
	prop_u32(g, "phandle", g->gic_phandle);
	end(g);
	begin(g, "timer");
	copy_prop(g, b->timer_node, "compatible");
	copy_prop(g, b->timer_node, "interrupts");
	copy_prop(g, b->timer_node, "always-on");
	end(g);
}

/* Every right the cell may hold: its initial ones and its devices'. */
static uint64_t known_rights(const struct m_cell *cell)
{
	uint64_t rights = cell->rights;

	for (unsigned i = 0; i < cell->device_count; i++) {
		rights |= 1ull << cell->devices[i].right;
	}
	return rights;
}

/* /hypervisor/channels/<channel-name>: the cell's side of each channel
 * it is in (docs/channels.md). */
static void write_channels(struct gdt *g, unsigned index)
{
	bool any = false;

	for (unsigned i = 0; i < g->m->channel_count; i++) {
		const struct m_channel *ch = &g->m->channels[i];

		for (int s = 0; ch->ok && s < 2; s++) {
			fdt32_t irq[3];

			if (ch->cell[s] != (int)index) {
				continue;
			}
			if (!any) {
				begin(g, "channels");
				any = true;
			}
			irq[0] = cpu_to_fdt32(0);
			irq[1] = cpu_to_fdt32(ch->doorbell[s] - 32);
			irq[2] = cpu_to_fdt32(4);
			begin(g, ch->name);
			prop_str(g, "compatible", "rumkv,channel");
			prop_u32(g, "rumkv,channel-id", (uint32_t)i);
			prop_u64(g, "rumkv,guest-address", ch->ipa[s]);
			prop_u64(g, "rumkv,size", ch->mem.size);
			prop_str(g, "rumkv,access",
				 (ch->access[s] & RUMKV_MEM_W) ? "rw" : "r");
			prop_str(g, "rumkv,peer",
				 g->m->cells[ch->cell[1 - s]].name);
			prop_u32(g, "rumkv,right", (uint32_t)ch->right);
			prop(g, "interrupts", irq, (int)sizeof(irq));
			end(g);
		}
	}
	if (any) {
		end(g);
	}
}

static void write_hypervisor(struct gdt *g, unsigned index)
{
	const struct m_cell *cell = g->cell;
	uint64_t rights = known_rights(cell);
	struct m_range status = {cell->status_page, RUMKV_PAGE_SIZE};
	struct sbuf names = {0};
	fdt32_t bits[64];
	unsigned count = 0;
	char name[48];

	begin(g, "hypervisor");
	prop_str(g, "compatible", "rumkv,hypervisor");
	prop_str(g, "rumkv,cell-name", cell->name);
	prop_u32(g, "rumkv,cell-index", index);
	prop_u64(g, "rumkv,initial-rights", cell->rights);
	begin(g, "rights");
	for (unsigned bit = 0; bit < 64; bit++) {
		if (rights & (1ull << bit)) {
			sb_strlist(&names, right_name(g->m, bit));
			bits[count++] = cpu_to_fdt32(bit);
		}
	}
	prop(g, "names", names.buf, (int)names.len);
	prop(g, "bits", bits, (int)(count * sizeof(bits[0])));
	free(names.buf);
	end(g);
	write_channels(g, index);
	end(g);
	snprintf(name, sizeof(name), "status-page@%llx",
		 (unsigned long long)cell->status_page);
	begin(g, name);
	prop_str(g, "compatible", "rumkv,status-page");
	prop_reg(g, &status, 1);
	end(g);
}

/* Whether the cell's tree already has a root node named `name`. */
static bool root_name_taken(const struct gdt *g, const char *name)
{
	static const char *const fixed[] = {"chosen", "cpus", "psci", "timer",
					    "hypervisor"};
	const struct m_cell *cell = g->cell;
	const void *fdt = g->m->fdt;
	size_t len = strcspn(name, "@");

	for (size_t i = 0; i < RUMKV_ARRAY_SIZE(fixed); i++) {
		if (strcmp(name, fixed[i]) == 0) {
			return true;
		}
	}
	if ((len == 6 && strncmp(name, "memory", 6) == 0) ||
	    (len == 11 && strncmp(name, "status-page", 11) == 0) ||
	    strcmp(name, fdt_get_name(fdt, g->m->board.gic_node, NULL)) == 0 ||
	    strcmp(name, fdt_get_name(fdt, g->m->console_node, NULL)) == 0) {
		return true;
	}
	for (unsigned i = 0; i < cell->device_count; i++) {
		if (strcmp(name, fdt_get_name(fdt, cell->devices[i].node,
					      NULL)) == 0) {
			return true;
		}
	}
	return false;
}

/* The cell's guest-tree child: its nodes are copied to the root as they
 * are (firmware configuration such as U-Boot's /config), unless the tree
 * has a node of that name already. */
static void write_guest_tree(struct gdt *g)
{
	const void *fdt = g->m->fdt;
	int tree = fdt_subnode_offset(fdt, g->cell->node, "guest-tree");
	int child;

	if (tree < 0) {
		return;
	}
	fdt_for_each_subnode(child, fdt, tree)
	{
		const char *name = fdt_get_name(fdt, child, NULL);

		if (!root_name_taken(g, name)) {
			copy_subtree(g, child, -1);
		} else if (!g->quiet) {
			diag_error(g->m, fu_path(g->m, child), "",
				   "the cell's device tree has a /%s of its "
				   "own: give the node another name",
				   name);
		}
	}
}

static void write_tree(struct gdt *g, unsigned index)
{
	const struct m_cell *cell = g->cell;

	ck(g, fdt_finish_reservemap(g->buf));
	begin(g, "");
	copy_prop(g, 0, "compatible");
	copy_prop(g, 0, "model");
	prop_u32(g, "#address-cells", g->m->board.addr_cells);
	prop_u32(g, "#size-cells", g->m->board.size_cells);
	prop_u32(g, "interrupt-parent", g->gic_phandle);
	write_chosen(g);
	write_cpus(g);
	write_memory(g);
	write_psci_gic_timer(g);
	write_hypervisor(g, index);
	for (unsigned i = 0; i < cell->device_count; i++) {
		if (cell->devices[i].node < 0) {
			continue; /* a PCI function: no board node */
		}
		copy_subtree(g, cell->devices[i].node,
			     (int)cell->devices[i].right);
	}
	write_pci_host(g);
	if (cell->console & RUMKV_CONSOLE_VUART) {
		copy_subtree(g, g->m->console_node, -1);
	}
	for (int i = 0; i < g->dep_count; i++) {
		if (!owned_device(cell, g->deps[i])) {
			copy_subtree(g, g->deps[i], -1);
		}
	}
	write_guest_tree(g);
	end(g);
	ck(g, fdt_finish(g->buf));
}

void guest_dtb_build(struct m_part *m, struct m_cell *cell)
{
	struct m_image *im = &cell->image[M_DTB];
	struct gdt g = {.m = m, .cell = cell};
	int size = (int)fdt_totalsize(m->fdt) + 0x4000;
	unsigned index = (unsigned)(cell - m->cells);

	if (!im->present || m->console_node < 0) {
		return;
	}
	g.gic_phandle = m->board.gic_phandle;
	if (g.gic_phandle == 0) {
		uint32_t max = 0;

		fdt_find_max_phandle(m->fdt, &max);
		g.gic_phandle = max + 1;
	}
	for (;;) {
		g.buf = ar_array(m->ar, (size_t)size, 1);
		g.err = 0;
		g.dep_count = 0;
		ck(&g, fdt_create(g.buf, size));
		write_tree(&g, index);
		if (g.err != -FDT_ERR_NOSPACE || size > 0x1000000) {
			break;
		}
		g.quiet = true;
		size *= 2;
	}
	if (g.err != 0 || fdt_totalsize(g.buf) > M_DTB_SLOT) {
		diag_error(m, cell->path, "devices",
			   "cannot build the cell's device tree: %s",
			   g.err != 0 ? fdt_strerror(g.err)
				      : "larger than its 2 MiB slot");
		cell->broken |= BROKEN(RUMKV_FIELD_IMAGES);
		im->present = false;
		return;
	}
	im->data = g.buf;
	im->size = fdt_totalsize(g.buf);
	im->footprint = im->size;
	im->path = ar_printf(m->ar, "%s/%s.dtb",
			     m->opt->dtb_dir != NULL ? m->opt->dtb_dir : ".",
			     cell->name);
}
