// SPDX-License-Identifier: MIT
/*
 * The seed's 8-core partition (seed-8core.dts), compiled by rumkv-partition
 * at build time and linked here with its images: every field of the plan
 * is what the partition says, and the plan passes the checker RumKV runs
 * at boot.
 */
#include <criterion/criterion.h>
#include <rumkv/abi.h>
#include <rumkv/plan.h>
#include <rumkv/plan_check.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

extern const struct rumkv_plan seed_plan;

static const struct rumkv_plan_cell *cell(unsigned i)
{
	cr_assert_lt(i, seed_plan.cell_count);
	return &seed_plan.cells[i];
}

/* RAM at `base`, seen by the cell at `ipa`. */
static void expect_ram(const struct rumkv_plan_cell *c, uint64_t base,
		       uint64_t ipa, uint64_t size)
{
	cr_assert_eq(c->mem_count, 1);
	cr_expect_eq(c->mem[0].pa, base);
	cr_expect_eq(c->mem[0].ipa, ipa);
	cr_expect_eq(c->mem[0].size, size);
	cr_expect_eq(c->mem[0].kind, RUMKV_MEM_RAM);
	cr_expect_eq(c->mem[0].access, RUMKV_MEM_RWX);
	cr_expect_eq(c->mem[0].right, RUMKV_PLAN_NO_RIGHT);
}

static void expect_cores(const struct rumkv_plan_cell *c, uint32_t first,
			 uint32_t count)
{
	cr_assert_eq(c->core_count, count);
	for (uint32_t v = 0; v < count; v++) {
		cr_expect_eq(c->cores[v], first + v, "vcore %u", v);
	}
}

static void expect_device(const struct rumkv_plan_cell *c, unsigned i,
			  const char *path, uint64_t pa, uint64_t size,
			  uint32_t irq, uint8_t right, uint8_t dma_stop)
{
	const struct rumkv_plan_device *d = &c->devices[i];

	cr_assert_lt(i, c->device_count);
	cr_expect_str_eq(d->path, path);
	cr_expect_eq(d->right, right);
	cr_expect_eq(d->dma_stop, dma_stop);
	cr_assert_eq(d->mmio_count, 1);
	cr_expect_eq(d->mmio[0].pa, pa);
	cr_expect_eq(d->mmio[0].size, size);
	cr_assert_eq(d->irq_count, 1);
	cr_expect_eq(d->irqs[0], irq);
	cr_expect_eq(d->stream_count, 0);
}

static void expect_image(const struct rumkv_plan_cell *c, unsigned i,
			 const char *name, uint64_t ipa, uint64_t size)
{
	const struct rumkv_plan_image *im = &c->images[i];

	cr_assert_lt(i, c->image_count);
	cr_expect_str_eq(im->name, name);
	cr_expect_eq(im->ipa, ipa, "%s at 0x%llx", name,
		     (unsigned long long)im->ipa);
	if (size != 0) {
		cr_expect_eq(im->size, size);
	}
	cr_expect_eq((uintptr_t)im->data % 4096, 0, "%s is page aligned", name);
}

Test(seed_plan, machine)
{
	const struct rumkv_plan_platform *pf = &seed_plan.platform;

	cr_expect_eq(seed_plan.version, RUMKV_PLAN_VERSION);
	cr_assert_eq(seed_plan.core_count, 8);
	for (uint32_t i = 0; i < 8; i++) {
		cr_expect_eq(seed_plan.cores[i].hwid, i);
	}
	cr_expect_eq(seed_plan.cell_count, 3);
	cr_expect_eq(seed_plan.ram_count, 1);
	cr_expect_eq(seed_plan.ram[0].pa, 0x40000000);
	cr_expect_eq(seed_plan.ram[0].size, 0x80000000);
	cr_expect_eq(seed_plan.self.pa, 0x40000000);
	cr_expect_eq(seed_plan.self.size, 0x4000000);
	cr_expect_eq(pf->irqc_kind, RUMKV_IRQC_GICV3);
	cr_expect_eq(pf->irqc_reg_count, 2);
	cr_expect_eq(pf->irqc_regs[0].pa, 0x8000000);
	cr_expect_eq(pf->irqc_regs[0].size, 0x10000);
	cr_expect_eq(pf->irqc_regs[1].pa, 0x80a0000);
	cr_expect_eq(pf->irqc_regs[1].size, 0xf60000);
	cr_expect_eq(pf->uart_kind, RUMKV_UART_PL011);
	cr_expect_eq(pf->uart.pa, 0x9000000);
	cr_expect_eq(pf->uart.size, 0x1000);
	cr_expect_eq(pf->uart_irq, 33);
	cr_expect_eq(pf->timer_irqs[0], 29);
	cr_expect_eq(pf->timer_irqs[1], 30);
	cr_expect_eq(pf->timer_irqs[2], 27);
	cr_expect_eq(pf->timer_irqs[3], 26);
}

Test(seed_plan, storage)
{
	const uint8_t *status = seed_plan.status_page;

	cr_assert_not_null(seed_plan.cell_state);
	cr_assert_not_null(seed_plan.core_state);
	cr_assert_not_null(status);
	cr_expect_eq((uintptr_t)status % 4096, 0);
	for (unsigned i = 0; i < 4096; i++) {
		cr_assert_eq(status[i], 0);
	}
	for (unsigned i = 0; i < seed_plan.cell_count; i++) {
		const struct rumkv_plan_cell *c = cell(i);

		cr_expect_eq((uintptr_t)c->table_pages % 0x10000, 0);
		cr_expect_eq((uintptr_t)c->table_snapshot % 0x10000, 0);
		cr_expect_neq(c->table_pages, c->table_snapshot);
	}
}

Test(seed_plan, cell_a)
{
	const struct rumkv_plan_cell *a = cell(0);
	const uint8_t *kernel;

	cr_expect_str_eq(a->name, "A");
	expect_cores(a, 0, 4);
	/* virtio-mmio does DMA without an IOMMU: seen where it is. */
	expect_ram(a, 0x48000000, 0x48000000, 0x10000000);
	/* The eight transports of one page, SPIs 40..47, custom right 16. */
	cr_assert_eq(a->device_count, 8);
	for (unsigned i = 0; i < 8; i++) {
		char path[32];

		snprintf(path, sizeof(path), "/virtio_mmio@a003%x00", 2 * i);
		expect_device(a, i, path, 0xa003000 + 0x200 * i, 0x200, 72 + i,
			      16, RUMKV_DMA_STOP_VIRTIO_MMIO);
	}
	cr_assert_eq(a->image_count, 3);
	/* An arm64 Image with text_offset 0 at the 2 MiB aligned base. */
	expect_image(a, 0, "Image-tiny", 0x48000000, 0x8000);
	kernel = a->images[0].data;
	cr_expect_eq(memcmp(kernel + 56, "ARM\x64", 4), 0);
	/* The initrd ends where the DTB slot (the last 2 MiB) starts. */
	expect_image(a, 1, "rootfs.cpio.gz", 0x57dfe000, 0x1800);
	expect_image(a, 2, "A.dtb", 0x57e00000, 0);
	cr_expect_eq(a->entry_ipa, 0x48000000);
	cr_expect_eq(a->boot_arg, 0x57e00000);
	cr_expect_eq(a->initial_rights, RUMKV_RIGHT_CONSOLE | (1ull << 16));
	cr_expect_eq(a->policy, RUMKV_POLICY_HALT);
	cr_expect_eq(a->restart_limit, 0);
	cr_expect_eq(a->console, RUMKV_CONSOLE_HYPERCALL);
	cr_expect_eq(a->status_page_ipa, 0x0b000000);
	/* Root (2) + L2 for the 0 and 1 GiB slots (2) + L3 for the pages
	 * of the virtio transports, the status page and the GIC (3). */
	cr_expect_eq(a->table_page_count, 7);
}

Test(seed_plan, cell_b)
{
	const struct rumkv_plan_cell *b = cell(1);

	cr_expect_str_eq(b->name, "B");
	expect_cores(b, 4, 2);
	/* No DMA without an IOMMU: seen at the board's RAM base. */
	expect_ram(b, 0x58000000, 0x40000000, 0x4000000);
	cr_expect_eq(b->device_count, 1);
	expect_device(b, 0, "/pl031@9010000", 0x9010000, 0x1000, 34, 5,
		      RUMKV_DMA_STOP_NONE);
	cr_assert_eq(b->image_count, 2);
	expect_image(b, 0, "hello.bin", 0x40000000, 0x1000);
	expect_image(b, 1, "B.dtb", 0x43e00000, 0);
	cr_expect_eq(b->entry_ipa, 0x40000000);
	cr_expect_eq(b->boot_arg, 0x43e00000);
	cr_expect_eq(b->initial_rights, RUMKV_RIGHT_CONSOLE | RUMKV_RIGHT_RTC);
	cr_expect_eq(b->policy, RUMKV_POLICY_RESTART);
	cr_expect_eq(b->restart_limit, 2);
	cr_expect_eq(b->console, RUMKV_CONSOLE_HYPERCALL);
}

Test(seed_plan, cell_c_placed_by_the_tool)
{
	const struct rumkv_plan_cell *c = cell(2);

	cr_expect_str_eq(c->name, "C");
	expect_cores(c, 6, 2);
	/* memory-size: the lowest free 2 MiB aligned 64 MiB, between
	 * RumKV's region and cell A; seen at its guest-address. */
	expect_ram(c, 0x44000000, 0x80000000, 0x4000000);
	cr_expect_eq(c->device_count, 1);
	expect_device(c, 0, "/pl061@9030000", 0x9030000, 0x1000, 39, 6,
		      RUMKV_DMA_STOP_NONE);
	expect_image(c, 0, "hello.bin", 0x80000000, 0x1000);
	expect_image(c, 1, "C.dtb", 0x83e00000, 0);
	cr_expect_eq(c->entry_ipa, 0x80000000);
	cr_expect_eq(c->initial_rights, RUMKV_RIGHT_CONSOLE | RUMKV_RIGHT_GPIO);
	cr_expect_eq(c->console, RUMKV_CONSOLE_HYPERCALL | RUMKV_CONSOLE_VUART |
					 RUMKV_CONSOLE_INPUT);
	cr_expect_eq(c->vuart_ipa, 0x9000000);
	cr_expect_eq(c->policy, RUMKV_POLICY_HALT);
}

Test(seed_plan, passes_the_boot_checker)
{
	cr_expect_eq(rumkv_plan_check(&seed_plan, NULL, NULL), 0);
}
