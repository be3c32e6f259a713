// SPDX-License-Identifier: MIT
/*
 * The virtual ECAM's filter (lib/pci.c), a guest-facing emulator: what a
 * cell reads and what reaches the real configuration space when it
 * writes, for its own function, another cell's, and after a pledge. The
 * function is modelled through the fake port's configuration hook: a
 * 4 KiB space with a 1 MiB 32-bit BAR 0 and a 16 KiB 64-bit BAR 4.
 */
#include "../../lib/internal.h"

#include <criterion/criterion.h>
#include <fake/port.h>
#include <string.h>

#define ECAM 0x4010000000ull
#define OWN 0x10u   /* 00:02.0, the cell's */
#define OTHER 0x18u /* 00:03.0, someone else's */

static uint8_t space[4096];
static uint32_t bar_mask[6];

static uint32_t model(uint32_t rid, uint32_t offset, uint32_t size, bool write,
		      uint32_t value)
{
	uint32_t v = 0;

	cr_assert_eq(rid, OWN, "touched function 0x%x", rid);
	cr_assert(offset + size <= sizeof(space));
	if (!write) {
		memcpy(&v, space + offset, size);
		return v;
	}
	if (offset >= 0x10 && offset < 0x28 && size == 4) {
		uint32_t b = (offset - 0x10) / 4;

		value &= bar_mask[b];
		value |= *(uint32_t *)(space + offset) & ~bar_mask[b];
	}
	memcpy(space + offset, &value, size);
	return 0;
}

static const struct rumkv_plan_pci_bar bars[] = {
	{.pa = 0x10000000, .size = 0x100000, .index = 0},
	{.pa = 0x10104000, .size = 0x4000, .index = 4},
};
static const struct rumkv_plan_mmio windows[] = {
	{0x10000000, 0x100000},
	{0x10104000, 0x4000},
};
static const uint32_t stream = OWN;
static const struct rumkv_plan_device dev = {
	.path = "pci 00:02.0",
	.right = 2,
	.dma_stop = RUMKV_DMA_STOP_IOMMU,
	.mmio_count = 2,
	.stream_count = 1,
	.mmio = windows,
	.streams = &stream,
	.pci_rid = OWN,
	.pci = 1,
	.bar_count = 2,
	.bars = bars,
};
static const uint32_t cores[] = {0};
static struct rumkv_plan_cell pcell;
static struct rumkv_plan plan;
static struct rumkv_cell cell;
static struct rumkv_core core;

static void setup(void)
{
	memset(space, 0, sizeof(space));
	*(uint32_t *)(space + 0) = 0x11e81234;	  /* device:vendor */
	*(uint32_t *)(space + 0x10) = 0x10000000; /* BAR 0, 32-bit */
	*(uint32_t *)(space + 0x20) = 0x10104004; /* BAR 4, 64-bit */
	*(uint16_t *)(space + 0x04) = 0x6;
	space[0x34] = 0x40; /* capabilities */
	memset(bar_mask, 0, sizeof(bar_mask));
	bar_mask[0] = 0xfff00000;
	bar_mask[4] = 0xffffc000;
	bar_mask[5] = ~0u;
	fake_reset();
	fake.pci_config = model;
	pcell = (struct rumkv_plan_cell){
		.name = "A",
		.core_count = 1,
		.cores = cores,
		.device_count = 1,
		.devices = &dev,
	};
	plan = (struct rumkv_plan){
		.cell_count = 1,
		.cells = &pcell,
		.core_state = &core,
		.cell_state = &cell,
		.platform = {.pci_ecam = {ECAM, 0x10000000}},
	};
	memset(&cell, 0, sizeof(cell));
	memset(&core, 0, sizeof(core));
	cell.plan = &pcell;
	cell.rights = 1ull << 2;
	core.cell = &cell;
	rumkv_machine.plan = &plan;
}

static uint64_t cfg_read(uint32_t rid, uint32_t off, uint8_t size)
{
	struct rumkv_mmio_access acc = {
		.ipa = ECAM + ((uint64_t)rid << 12) + off, .size = size};

	cr_assert_eq(rumkv_pci_config_access(&core, &acc), 0);
	return acc.value;
}

static void cfg_write(uint32_t rid, uint32_t off, uint8_t size, uint64_t v)
{
	struct rumkv_mmio_access acc = {
		.ipa = ECAM + ((uint64_t)rid << 12) + off,
		.value = v,
		.size = size,
		.write = true,
	};

	cr_assert_eq(rumkv_pci_config_access(&core, &acc), 0);
}

TestSuite(pci, .init = setup);

Test(pci, only_the_cells_function_is_there)
{
	cr_expect_eq(cfg_read(OWN, 0, 4), 0x11e81234);
	cr_expect_eq(cfg_read(OWN, 2, 2), 0x11e8);
	cr_expect_eq(cfg_read(OTHER, 0, 4), 0xffffffff);
	cr_expect_eq(cfg_read(OTHER, 0, 2), 0xffff);
	cr_expect_eq(cfg_read(OTHER, 3, 1), 0xff);
	cr_expect_eq(cfg_read(0, 0, 4), 0xffffffff, "the host bridge");
	cr_expect_eq(cfg_read(0xffff, 0xffc, 4), 0xffffffff);
}

Test(pci, other_functions_ignore_writes)
{
	fake.pci_config = NULL; /* any access to it would be recorded */
	cfg_write(OTHER, 4, 2, 0);
	cfg_write(OTHER, 0x10, 4, 0x20000000);
	cfg_write(OTHER, 0x100, 4, 1);
	cr_expect_eq(fake_count(FAKE_PCI_WRITE, -1, -1), 0);
}

Test(pci, bars_stay_where_the_plan_put_them)
{
	cfg_write(OWN, 0x10, 4, 0x20000000);
	cr_expect_eq(cfg_read(OWN, 0x10, 4), 0x10000000);
	cfg_write(OWN, 0x20, 4, 0x30000004);
	cfg_write(OWN, 0x24, 4, 0x1);
	cr_expect_eq(cfg_read(OWN, 0x20, 4), 0x10104004);
	cr_expect_eq(cfg_read(OWN, 0x24, 4), 0);
	cr_expect_eq(cfg_read(OWN, 0x14, 4), 0, "unimplemented BAR 1");
	cr_expect_eq(cfg_read(OWN, 0x30, 4), 0, "no expansion ROM");
	cr_expect_eq(fake_count(FAKE_PCI_WRITE, -1, -1), 0);
	cr_expect_eq(*(uint32_t *)(space + 0x10), 0x10000000);
}

Test(pci, sizing_reads_the_size_and_moves_nothing)
{
	cfg_write(OWN, 0x10, 4, 0xffffffff);
	cr_expect_eq(cfg_read(OWN, 0x10, 4), 0xfff00000);
	cfg_write(OWN, 0x10, 4, 0x10000000);
	cr_expect_eq(cfg_read(OWN, 0x10, 4), 0x10000000);
	cfg_write(OWN, 0x20, 4, 0xffffffff);
	cr_expect_eq(cfg_read(OWN, 0x20, 4), 0xffffc004);
	cr_expect_eq(cfg_read(OWN, 0x24, 4), 0xffffffff);
	cfg_write(OWN, 0x20, 4, 0);
	cr_expect_eq(cfg_read(OWN, 0x20, 4), 0x10104004);
	cr_expect_eq(fake_count(FAKE_PCI_WRITE, -1, -1), 0);
}

Test(pci, command_keeps_only_memory_master_and_intx)
{
	cfg_write(OWN, 4, 2, 0xffff);
	cr_expect_eq(cfg_read(OWN, 4, 2), 0x406);
	cfg_write(OWN, 4, 4, 0x00000001); /* I/O only: refused */
	cr_expect_eq(cfg_read(OWN, 4, 2), 0);
	cfg_write(OWN, 5, 1, 0xff); /* a byte of it: ignored */
	cr_expect_eq(cfg_read(OWN, 4, 2), 0);
}

Test(pci, read_only_header_fields_stay)
{
	cfg_write(OWN, 0, 4, 0xdeadbeef);
	cfg_write(OWN, 0x0e, 1, 0x81); /* header type: bridge */
	cfg_write(OWN, 0x18, 4, 0x00ffff00);
	cfg_write(OWN, 0x34, 1, 0x80);
	cr_expect_eq(cfg_read(OWN, 0, 4), 0x11e81234);
	cr_expect_eq(cfg_read(OWN, 0x0e, 1), 0);
	cr_expect_eq(cfg_read(OWN, 0x34, 1), 0x40);
	cr_expect_eq(fake_count(FAKE_PCI_WRITE, -1, -1), 0);
	cfg_write(OWN, 0x3c, 1, 0x25); /* interrupt line: a scratch byte */
	cr_expect_eq(cfg_read(OWN, 0x3c, 1), 0x25);
}

Test(pci, capabilities_pass_through)
{
	cfg_write(OWN, 0x42, 2, 0x81);
	cr_expect_eq(cfg_read(OWN, 0x42, 2), 0x81);
	cr_expect(fake_seen(FAKE_PCI_WRITE, -1,
			    (uint64_t)OWN << 32 | 2 << 16 | 0x42));
}

Test(pci, a_pledged_function_is_gone)
{
	cell.rights = 0;
	fake.pci_config = NULL;
	cr_expect_eq(cfg_read(OWN, 0, 4), 0xffffffff);
	cfg_write(OWN, 4, 2, 0x6);
	cr_expect_eq(fake_count(FAKE_PCI_WRITE, -1, -1), 0);
}
