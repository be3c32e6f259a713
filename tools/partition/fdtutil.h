/* SPDX-License-Identifier: MIT */
/*
 * Small, bounds-checked readers over libfdt for an untrusted blob (it has
 * passed fdt_check_full, but properties can still have any length).
 */
#ifndef PARTITION_FDTUTIL_H
#define PARTITION_FDTUTIL_H

#include "model.h"

#include <libfdt.h>

/* Node path, kept in the arena ("?" if libfdt cannot say). */
const char *fu_path(struct m_part *m, int node);
/* Reads n (1 or 2) big-endian cells. */
uint64_t fu_cells(const fdt32_t *p, uint32_t n);
/* The #address-cells / #size-cells a node's children use. */
void fu_child_cells(const void *fdt, int node, uint32_t *ac, uint32_t *sc);
/* One 32-bit cell. */
bool fu_u32(const void *fdt, int node, const char *name, uint32_t *out);
/* A value of exactly `n` cells (1 or 2). */
bool fu_num(const void *fdt, int node, const char *name, uint32_t n,
	    uint64_t *out);
/* A NUL-terminated string (no embedded NUL). NULL otherwise. */
const char *fu_string(const void *fdt, int node, const char *name);
/* A string list: fills up to `max` entries, returns the count, or -1 if
 * malformed (not NUL-terminated, empty entry). */
int fu_strings(const void *fdt, int node, const char *name, const char **list,
	       int max);
/* Does the node's compatible list contain `compat`? */
bool fu_compatible(const void *fdt, int node, const char *compat);
/* Reads a node's reg as (base, size) pairs in its parent's cells.
 * Returns the count, -1 if absent, -2 if malformed or cells other than 1
 * or 2, -3 if more than `max`. */
int fu_reg(const void *fdt, int node, struct m_range *out, unsigned max);

#endif /* PARTITION_FDTUTIL_H */
