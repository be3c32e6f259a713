// SPDX-License-Identifier: MIT
/* Bounds-checked device tree readers (see fdtutil.h). */
#include "fdtutil.h"

#include <string.h>

const char *fu_path(struct m_part *m, int node)
{
	char buf[512];
	char *big;

	if (fdt_get_path(m->fdt, node, buf, sizeof(buf)) == 0) {
		return ar_strdup(m->ar, buf);
	}
	/* A path is shorter than the structure block that holds its names
	 * (each with a tag in front), so this size always suffices. */
	big = ar_array(m->ar, fdt_size_dt_struct(m->fdt) + 2u, 1);
	if (fdt_get_path(m->fdt, node, big,
			 (int)fdt_size_dt_struct(m->fdt) + 2) != 0) {
		return "?";
	}
	return big;
}

uint64_t fu_cells(const fdt32_t *p, uint32_t n)
{
	uint64_t v = 0;

	for (uint32_t i = 0; i < n; i++) {
		v = (v << 32) | fdt32_ld(p + i);
	}
	return v;
}

static uint32_t cells_prop(const void *fdt, int node, const char *name,
			   uint32_t dflt)
{
	uint32_t v;

	return fu_u32(fdt, node, name, &v) ? v : dflt;
}

void fu_child_cells(const void *fdt, int node, uint32_t *ac, uint32_t *sc)
{
	*ac = cells_prop(fdt, node, "#address-cells", 2);
	*sc = cells_prop(fdt, node, "#size-cells", 1);
}

bool fu_u32(const void *fdt, int node, const char *name, uint32_t *out)
{
	int len;
	const fdt32_t *p = fdt_getprop(fdt, node, name, &len);

	if (p == NULL || len != 4) {
		return false;
	}
	*out = fdt32_ld(p);
	return true;
}

bool fu_num(const void *fdt, int node, const char *name, uint32_t n,
	    uint64_t *out)
{
	int len;
	const fdt32_t *p = fdt_getprop(fdt, node, name, &len);

	if (p == NULL || n < 1 || n > 2 || len != (int)(4 * n)) {
		return false;
	}
	*out = fu_cells(p, n);
	return true;
}

const char *fu_string(const void *fdt, int node, const char *name)
{
	int len;
	const char *p = fdt_getprop(fdt, node, name, &len);

	if (p == NULL || len < 1 || p[len - 1] != '\0' ||
	    strlen(p) != (size_t)len - 1) {
		return NULL;
	}
	return p;
}

int fu_strings(const void *fdt, int node, const char *name, const char **list,
	       int max)
{
	int len;
	int count = 0;
	const char *p = fdt_getprop(fdt, node, name, &len);

	if (p == NULL || len < 1 || p[len - 1] != '\0') {
		return -1;
	}
	for (int at = 0; at < len; count++) {
		size_t n = strlen(p + at);

		if (n == 0) {
			return -1;
		}
		if (count < max) {
			list[count] = p + at;
		}
		at += (int)n + 1;
	}
	return count;
}

bool fu_compatible(const void *fdt, int node, const char *compat)
{
	return fdt_node_check_compatible(fdt, node, compat) == 0;
}

int fu_reg(const void *fdt, int node, struct m_range *out, unsigned max)
{
	int parent = fdt_parent_offset(fdt, node);
	uint32_t ac;
	uint32_t sc;
	int len;
	const fdt32_t *p = fdt_getprop(fdt, node, "reg", &len);
	unsigned count;

	if (p == NULL) {
		return -1;
	}
	if (parent < 0) {
		return -2;
	}
	fu_child_cells(fdt, parent, &ac, &sc);
	if (ac < 1 || ac > 2 || sc < 1 || sc > 2 || len <= 0 ||
	    len % (int)(4 * (ac + sc)) != 0) {
		return -2;
	}
	count = (unsigned)len / (4 * (ac + sc));
	if (count > max) {
		return -3;
	}
	for (unsigned i = 0; i < count; i++) {
		out[i].base = fu_cells(p + i * (ac + sc), ac);
		out[i].size = fu_cells(p + i * (ac + sc) + ac, sc);
	}
	return (int)count;
}
