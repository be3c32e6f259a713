/* SPDX-License-Identifier: MIT */
#ifndef AARCH64_STAGE2_H
#define AARCH64_STAGE2_H

#include <rumkv/cell.h>

/* VTTBR_EL2 of a cell: its VMID and stage-2 root. */
static inline uint64_t aarch64_vttbr(const struct rumkv_cell *cell)
{
	return (uint64_t)cell->arch.vmid << 48 | cell->stage2.root_pa;
}

#endif /* AARCH64_STAGE2_H */
