// SPDX-License-Identifier: MIT
/*
 * RumKV's own EL2 translation: an identity map of exactly what RumKV
 * touches, built with the same mapping engine as the cells' stage-2
 * tables. RumKV's code is read-only and executable, everything writable
 * is never executable (SCTLR_EL2.WXN), cells' RAM is mapped only so that
 * RumKV can load and scrub it. Boot-only code is unmapped before the
 * first cell instruction runs.
 */
#include "aarch64.h"
#include <aarch64/pt_format.h>
#include <aarch64/sysreg.h>
#include <rumkv/error.h>
#include <rumkv/paging.h>
#include <rumkv/port.h>

#define EL2_TABLE_PAGES 32u

extern char __rumkv_start[], __rumkv_boot_text_end[];
extern char __rumkv_text_start[], __rumkv_text_end[];
extern char __rumkv_rodata_start[], __rumkv_rodata_end[];
extern char __rumkv_data_start[], __rumkv_end[];

/* What a secondary core loads to share these tables (entry.S). */
struct el2_mmu_regs {
	uint64_t mair;
	uint64_t tcr;
	uint64_t ttbr0;
	uint64_t sctlr;
};

struct el2_mmu_regs aarch64_el2_mmu;

static uint8_t el2_tables[EL2_TABLE_PAGES * RUMKV_PAGE_SIZE]
	__attribute__((aligned(4096)));
static struct rumkv_pt_pool el2_pool;
static struct rumkv_pt el2_pt;

/* The barriers and TLB maintenance are in vectors.S. */
static const struct rumkv_pt_ops el2_ops = {
	.invalidate = aarch64_el2_invalidate,
	.publish = aarch64_pt_publish,
};

RUMKV_BOOT static int map_range(uint64_t start, uint64_t end, uint32_t attr)
{
	uint64_t mask = RUMKV_PAGE_SIZE - 1;

	start &= ~mask;
	end = (end + mask) & ~mask;
	if (end <= start) {
		return 0;
	}
	return rumkv_pt_map(&el2_pt, start, start, end - start, attr);
}

/* Maps a device window, tolerating windows that share a page. */
RUMKV_BOOT static int map_device(uint64_t pa, uint64_t size)
{
	int err = map_range(pa, pa + size,
			    RUMKV_ATTR_R | RUMKV_ATTR_W | RUMKV_ATTR_DEVICE);

	return err == RUMKV_EBUSY ? 0 : err;
}

RUMKV_BOOT static int map_self(void)
{
	int err;

	/* Boot-only and resident code as two ranges: port_boot_done unmaps
	 * exactly the first, which then never needs a block split. */
	err = map_range((uint64_t)__rumkv_start,
			(uint64_t)__rumkv_boot_text_end,
			RUMKV_ATTR_R | RUMKV_ATTR_X);
	if (err == 0) {
		err = map_range((uint64_t)__rumkv_text_start,
				(uint64_t)__rumkv_text_end,
				RUMKV_ATTR_R | RUMKV_ATTR_X);
	}
	if (err == 0) {
		err = map_range((uint64_t)__rumkv_rodata_start,
				(uint64_t)__rumkv_rodata_end, RUMKV_ATTR_R);
	}
	if (err == 0) {
		err = map_range((uint64_t)__rumkv_data_start,
				(uint64_t)__rumkv_end,
				RUMKV_ATTR_R | RUMKV_ATTR_W);
	}
	return err;
}

RUMKV_BOOT static int map_cells(const struct rumkv_plan *plan)
{
	uint32_t c;
	uint32_t i;
	int err = 0;

	for (c = 0; err == 0 && c < plan->cell_count; c++) {
		const struct rumkv_plan_cell *pc = &plan->cells[c];

		for (i = 0; err == 0 && i < pc->mem_count; i++) {
			/* Private memory: RumKV loads and scrubs it. */
			if (pc->mem[i].kind != RUMKV_MEM_SHARED) {
				err = map_range(pc->mem[i].pa,
						pc->mem[i].pa + pc->mem[i].size,
						RUMKV_ATTR_R | RUMKV_ATTR_W);
			}
		}
		/* RumKV resets virtio-mmio devices it revokes. */
		for (i = 0; err == 0 && i < pc->device_count; i++) {
			const struct rumkv_plan_device *d = &pc->devices[i];

			if (d->dma_stop == RUMKV_DMA_STOP_VIRTIO_MMIO) {
				err = map_device(d->mmio[0].pa,
						 d->mmio[0].size);
			}
			/* And programs PCI functions' configuration space:
			 * one 4 KiB page of the ECAM each. */
			if (d->pci && plan->platform.pci_ecam.size != 0) {
				err = map_device(
					plan->platform.pci_ecam.pa +
						((uint64_t)d->pci_rid << 12),
					RUMKV_PAGE_SIZE);
			}
		}
	}
	return err;
}

RUMKV_BOOT int aarch64_mmu_init(const struct rumkv_plan *plan)
{
	const struct rumkv_plan_platform *p = &plan->platform;
	uint64_t a;
	uint32_t i;
	int err;

	rumkv_pt_pool_init(&el2_pool, el2_tables, (uint64_t)el2_tables,
			   EL2_TABLE_PAGES);
	err = rumkv_pt_init(&el2_pt, &aarch64_el2_format, &el2_pool, &el2_ops,
			    NULL);
	if (err == 0) {
		err = map_self();
	}
	if (err == 0) {
		err = map_device(p->uart.pa, p->uart.size);
	}
	for (i = 0; err == 0 && i < p->irqc_reg_count; i++) {
		err = map_device(p->irqc_regs[i].pa, p->irqc_regs[i].size);
	}
	if (err == 0 && p->iommu_kind != RUMKV_IOMMU_NONE) {
		err = map_device(p->iommu.pa, p->iommu.size);
	}
	if (err == 0) {
		err = map_cells(plan);
	}
	if (err != 0) {
		return err;
	}
	/* The tables were written with caches off: drop any stale lines
	 * before the walker reads them through the cache. */
	for (a = (uint64_t)el2_tables;
	     a < (uint64_t)el2_tables + sizeof(el2_tables); a += 64) {
		__asm__ volatile("dc ivac, %0" ::"r"(a) : "memory");
	}
	dsb_sy();
	aarch64_el2_mmu.mair = AARCH64_MAIR_EL2;
	aarch64_el2_mmu.tcr = TCR_EL2_VALUE;
	aarch64_el2_mmu.ttbr0 = el2_pt.root_pa;
	aarch64_el2_mmu.sctlr = SCTLR_EL2_RES1 | SCTLR_EL2_M | SCTLR_EL2_C |
				SCTLR_EL2_SA | SCTLR_EL2_I | SCTLR_EL2_WXN;
	write_sysreg(mair_el2, aarch64_el2_mmu.mair);
	write_sysreg(tcr_el2, aarch64_el2_mmu.tcr);
	write_sysreg(ttbr0_el2, aarch64_el2_mmu.ttbr0);
	isb();
	__asm__ volatile("tlbi alle2\n\tdsb nsh\n\tisb" ::: "memory");
	write_sysreg(sctlr_el2, aarch64_el2_mmu.sctlr);
	isb();
	return 0;
}

void port_boot_done(void)
{
	static const char failed[] =
		"rumkv: cannot unmap boot-only code; powering off\n";
	uint64_t start = (uint64_t)__rumkv_start;

	/* Cannot fail (the range was mapped on its own), but boot code must
	 * never stay executable behind a cell's back. */
	if (rumkv_pt_unmap(&el2_pt, start,
			   (uint64_t)__rumkv_boot_text_end - start) != 0) {
		port_console_write(failed, sizeof(failed) - 1);
		port_system_off();
	}
}
