// SPDX-License-Identifier: MIT
/*
 * Cells' stage-2 translation: VMIDs, the descriptor format, and TLB
 * maintenance by VMID, broadcast to every core (inner shareable).
 */
#include "aarch64.h"

#include <aarch64/pt_format.h>
#include <aarch64/stage2.h>
#include <aarch64/sysreg.h>
#include <rumkv/port.h>

/* Invalidating page by page beyond this many pages costs more than
 * dropping all of the cell's entries. */
#define TLBI_PAGE_LIMIT 64u

/* Boot only: cells' tables are built at boot; later calls use the format
 * their struct rumkv_pt already holds. */
RUMKV_BOOT const struct rumkv_pt_format *port_stage2_format(void)
{
	return &aarch64_stage2_format;
}

static void stage2_invalidate(void *owner, uint64_t in, uint64_t size)
{
	const struct rumkv_cell *cell = owner;
	uint64_t prev = read_sysreg(vttbr_el2);
	uint64_t want = aarch64_vttbr(cell);
	uint64_t pages = size >> RUMKV_PAGE_SHIFT;

	/* TLB maintenance by VMID acts on the VMID in VTTBR_EL2. */
	if (prev != want) {
		write_sysreg(vttbr_el2, want);
		isb();
	}
	dsb_ishst();
	if (pages > TLBI_PAGE_LIMIT) {
		__asm__ volatile("tlbi vmalls12e1is" ::: "memory");
	} else {
		for (uint64_t i = 0; i < pages; i++) {
			uint64_t ipa = in + (i << RUMKV_PAGE_SHIFT);

			__asm__ volatile("tlbi ipas2e1is, %0" ::"r"(ipa >> 12)
					 : "memory");
		}
		/* Combined stage-1+2 entries are tagged only by VMID. */
		dsb_ish();
		__asm__ volatile("tlbi vmalle1is" ::: "memory");
	}
	dsb_ish();
	isb();
	if (prev != want) {
		write_sysreg(vttbr_el2, prev);
		isb();
	}
	aarch64_iommu_invalidate(cell, in, size);
}

static const struct rumkv_pt_ops stage2_ops = {
	.invalidate = stage2_invalidate,
	.publish = aarch64_pt_publish, /* vectors.S */
};

const struct rumkv_pt_ops *port_stage2_ops(void)
{
	return &stage2_ops;
}

/* Every cell owns its cores' SGIs and PPIs, but for the ones RumKV keeps:
 * its kick SGI, the maintenance interrupt and the EL2 timer. */
#define CELL_OWNED_LOCAL \
	(0xffffffffull & ~(1ull << 15) & ~(1ull << 25) & ~(1ull << 26))

RUMKV_BOOT int port_cell_init(struct rumkv_cell *cell)
{
	cell->arch.vmid = (uint16_t)(cell->index + 1);
	cell->arch.irq_owned[0] = CELL_OWNED_LOCAL;
	return 0;
}
