// SPDX-License-Identifier: MIT
/*
 * part_compile(): runs the compiler's steps over one partition blob and
 * collects the diagnostics and outputs (see partition.h).
 *
 * Steps: the board (RAM, cores, GIC, timer), the rumkv node and its cells,
 * memory placement, image layout, stage-2 table sizing, guest DTBs, then
 * the plan itself and rumkv_plan_check over it (the same checker RumKV
 * runs at boot), then the checks that need the whole board (warnings
 * mostly). Outputs are produced only when nothing failed.
 */
#include "fdtutil.h"
#include "model.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void diag_add(struct m_part *m, bool warning, const char *node,
		     const char *prop, const char *fmt, va_list ap)
{
	struct sbuf sb = {0};
	struct part_diag *d;

	if (m->diag_count == m->diag_cap) {
		size_t cap = m->diag_cap ? 2 * m->diag_cap : 16;
		struct part_diag *grown = AR_NEW(m->ar, struct part_diag, cap);

		if (m->diag_count != 0) {
			memcpy(grown, m->diags,
			       m->diag_count * sizeof(*m->diags));
		}
		m->diags = grown;
		m->diag_cap = cap;
	}
	sb_vprintf(&sb, fmt, ap);
	d = &m->diags[m->diag_count++];
	d->warning = warning;
	d->node = node != NULL ? node : "";
	d->prop = prop != NULL ? prop : "";
	d->text = sb_finish(&sb, m->ar);
	if (warning) {
		m->warnings++;
	} else {
		m->errors++;
	}
}

void diag_error(struct m_part *m, const char *node, const char *prop,
		const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	diag_add(m, false, node, prop, fmt, ap);
	va_end(ap);
}

void diag_warn(struct m_part *m, const char *node, const char *prop,
	       const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	diag_add(m, true, node, prop, fmt, ap);
	va_end(ap);
}

const char *image_symbol(struct m_part *m, unsigned cell, enum m_image_kind k)
{
	static const char *const kind[] = {"kernel", "initrd", "dtb"};

	return ar_printf(m->ar, "%s_cell%u_%s", m->plan_name, cell, kind[k]);
}

static bool plan_name_ok(const char *name)
{
	if (name[0] == '\0' || (name[0] >= '0' && name[0] <= '9')) {
		return false;
	}
	for (; *name != '\0'; name++) {
		char c = *name;

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '_')) {
			return false;
		}
	}
	return true;
}

/* Rejects a tree with a node deeper than M_MAX_DEPTH, naming the first
 * one. One linear walk: libfdt follows the nesting without recursing. */
static bool check_depth(struct m_part *m)
{
	int depth = 0;
	int node = 0;

	while ((node = fdt_next_node(m->fdt, node, &depth)) >= 0) {
		if (depth > M_MAX_DEPTH) {
			break;
		}
	}
	if (node < 0) {
		return true;
	}
	diag_error(m, fu_path(m, node), "",
		   "nested %d levels below the root: at most %d are supported",
		   depth, M_MAX_DEPTH);
	return false;
}

/* Copies the blob to memory the arena aligns, and checks it whole. */
static bool load_blob(struct m_part *m, const void *blob, size_t size)
{
	void *copy;
	int rc;

	if (size < sizeof(struct fdt_header) || size > INT_MAX) {
		diag_error(m, "", "", "not a device tree blob (%zu bytes)",
			   size);
		return false;
	}
	copy = ar_array(m->ar, size, 1);
	memcpy(copy, blob, size);
	/* libfdt still accepts the pre-2006 formats (versions 2 to 15), and
	 * its fdt_check_full() can then read through a NULL name (Debian's
	 * libfdt 1.6.1; found by tests/fuzz). dtc writes version 17. */
	if (fdt_magic(copy) == FDT_MAGIC && fdt_version(copy) < 16) {
		diag_error(m, "", "",
			   "device tree blob version %u is not supported "
			   "(versions 16 and 17 are)",
			   (unsigned)fdt_version(copy));
		return false;
	}
	rc = fdt_check_full(copy, size);
	if (rc != 0) {
		diag_error(m, "", "", "not a valid device tree blob: %s",
			   fdt_strerror(rc));
		return false;
	}
	m->fdt = copy;
	return check_depth(m);
}

static void build(struct m_part *m)
{
	struct rumkv_plan *plan;

	layout_memory(m);
	layout_guest(m);
	channels_read(m);
	layout_images(m);
	tables_size(m);
	for (unsigned i = 0; i < m->cell_count; i++) {
		guest_dtb_build(m, &m->cells[i]);
	}
	plan = plan_build(m);
	plan_check_report(m, plan);
	cross_check(m);
}

struct diag_key {
	int node; /* offset of the node in the tree; -1 for the file */
	size_t index;
	struct part_diag diag;
};

static int cmp_diag(const void *a, const void *b)
{
	const struct diag_key *x = a;
	const struct diag_key *y = b;

	if (x->node != y->node) {
		return x->node < y->node ? -1 : 1;
	}
	return x->index < y->index ? -1 : x->index > y->index;
}

/* Puts the diagnostics in the order of the nodes in the source, keeping
 * the order they were found in for each node, as a compiler would. */
static void sort_diags(struct m_part *m)
{
	struct diag_key *keys = AR_NEW(m->ar, struct diag_key, m->diag_count);

	for (size_t i = 0; i < m->diag_count; i++) {
		const char *node = m->diags[i].node;

		keys[i].node = m->fdt != NULL && node[0] != '\0'
				       ? fdt_path_offset(m->fdt, node)
				       : -1;
		keys[i].node = keys[i].node < 0 ? -1 : keys[i].node;
		keys[i].index = i;
		keys[i].diag = m->diags[i];
	}
	if (m->diag_count > 1) {
		qsort(keys, m->diag_count, sizeof(*keys), cmp_diag);
	}
	for (size_t i = 0; i < m->diag_count; i++) {
		m->diags[i] = keys[i].diag;
	}
}

static void fill_output(struct m_part *m, struct part_output *out)
{
	struct part_dtb *dtbs;

	sort_diags(m);
	out->diags = m->diags;
	out->diag_count = m->diag_count;
	out->errors = m->errors;
	out->warnings = m->warnings;
	out->io_errors = m->io_errors;
	if (m->errors != 0) {
		return;
	}
	out->plan_c = emit_plan_c(m);
	out->images_s = emit_images_s(m);
	out->linker = emit_linker(m);
	out->summary = emit_summary(m);
	dtbs = AR_NEW(m->ar, struct part_dtb, m->cell_count);
	for (unsigned i = 0; i < m->cell_count; i++) {
		dtbs[i].cell_name = m->cells[i].name;
		dtbs[i].data = m->cells[i].image[M_DTB].data;
		dtbs[i].size = m->cells[i].image[M_DTB].size;
	}
	out->dtbs = dtbs;
	out->dtb_count = m->cell_count;
	out->deps = m->deps;
	out->dep_count = m->dep_count;
}

unsigned part_compile(const void *fdt, size_t size,
		      const struct part_options *opt, struct part_output *out)
{
	struct part_arena *ar = ar_new();
	struct m_part *m = AR_NEW(ar, struct m_part, 1);

	memset(out, 0, sizeof(*out));
	out->arena = ar;
	m->ar = ar;
	m->opt = opt;
	m->node = -1;
	m->console_node = -1;
	m->plan_name = opt->plan_name != NULL ? opt->plan_name
					      : PART_DEFAULT_PLAN_NAME;
	if (!plan_name_ok(m->plan_name)) {
		diag_error(m, "", "", "plan name '%s' is not a C identifier",
			   m->plan_name);
	} else if (load_blob(m, fdt, size) && board_read(m) && cells_read(m)) {
		build(m);
	}
	fill_output(m, out);
	return out->errors;
}

void part_output_free(struct part_output *out)
{
	ar_free(out->arena);
	memset(out, 0, sizeof(*out));
}
