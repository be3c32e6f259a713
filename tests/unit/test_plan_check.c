// SPDX-License-Identifier: MIT
/*
 * The plan checker (lib/plan_check.c): a valid hand-built plan passes;
 * each kind of collision or malformed field is reported once, with the
 * right cell, field, item, other cell/item and message; several errors
 * are all reported, in order.
 */
#include <criterion/criterion.h>
#include <rumkv/abi.h>
#include <rumkv/plan_check.h>
#include <string.h>

#define MAX_ERRORS 16

struct collected {
	struct rumkv_plan_error err[MAX_ERRORS];
	unsigned count;
};

static void collect(void *ctx, const struct rumkv_plan_error *err)
{
	struct collected *c = ctx;

	if (c->count < MAX_ERRORS) {
		c->err[c->count] = *err;
	}
	c->count++;
}

/* A two-cell plan on an 8-core QEMU virt: A (cores 0-1, 256 MiB, a
 * virtio transport) and B (cores 2-3, 64 MiB, the RTC). */
struct fixture {
	struct rumkv_plan plan;
	struct rumkv_plan_core cores[8];
	struct rumkv_plan_cell cells[3];
	uint32_t cell_cores[3][4];
	struct rumkv_plan_mem mem[3][2];
	struct rumkv_plan_device devs[3][2];
	struct rumkv_plan_mmio mmio[3][2];
	uint32_t irqs[3][2];
	uint32_t streams[3][2];
	struct rumkv_plan_image images[3][2];
};

static uint8_t pages[4][RUMKV_PAGE_SIZE] RUMKV_ALIGNED(RUMKV_PAGE_SIZE);
static const uint8_t blob[16];
static struct fixture fx;

static void set_cell(int c, const char *name, uint32_t core0, uint64_t base,
		     uint64_t size, const char *dev, uint64_t dev_pa,
		     uint32_t irq)
{
	struct rumkv_plan_cell *cell = &fx.cells[c];

	fx.cell_cores[c][0] = core0;
	fx.cell_cores[c][1] = core0 + 1;
	fx.mem[c][0] = (struct rumkv_plan_mem){
		.ipa = base,
		.pa = base,
		.size = size,
		.kind = RUMKV_MEM_RAM,
		.access = RUMKV_MEM_RWX,
		.right = RUMKV_PLAN_NO_RIGHT,
	};
	fx.mmio[c][0] = (struct rumkv_plan_mmio){dev_pa, 0x200};
	fx.irqs[c][0] = irq;
	fx.devs[c][0] = (struct rumkv_plan_device){
		.path = dev,
		.right = 1,
		.mmio_count = 1,
		.irq_count = 1,
		.mmio = fx.mmio[c],
		.irqs = fx.irqs[c],
	};
	fx.images[c][0] = (struct rumkv_plan_image){
		.name = "kernel",
		.data = blob,
		.size = 0x1000,
		.ipa = base,
	};
	*cell = (struct rumkv_plan_cell){
		.name = name,
		.core_count = 2,
		.cores = fx.cell_cores[c],
		.mem_count = 1,
		.device_count = 1,
		.mem = fx.mem[c],
		.devices = fx.devs[c],
		.image_count = 1,
		.images = fx.images[c],
		.entry_ipa = base,
		.initial_rights = RUMKV_RIGHT_CONSOLE | RUMKV_RIGHT_NET,
		.console = RUMKV_CONSOLE_HYPERCALL,
		.status_page_ipa = 0x0b000000,
		.table_page_count = 8,
		.table_pages = pages[0],
		.table_snapshot = pages[1],
	};
}

static void setup(void)
{
	memset(&fx, 0, sizeof(fx));
	for (unsigned i = 0; i < 8; i++) {
		fx.cores[i].hwid = i;
	}
	set_cell(0, "A", 0, 0x48000000, 0x10000000, "/virtio_mmio@a003e00",
		 0xa003e00, 79);
	set_cell(1, "B", 2, 0x58000000, 0x4000000, "/pl031@9010000", 0x9010000,
		 34);
	fx.plan = (struct rumkv_plan){
		.version = RUMKV_PLAN_VERSION,
		.core_count = 8,
		.cores = fx.cores,
		.cell_count = 2,
		.cells = fx.cells,
		.ram = {{0x40000000, 0x80000000}},
		.ram_count = 1,
		.self = {0x40000000, 0x4000000},
		.platform =
			{
				.irqc_kind = RUMKV_IRQC_GICV3,
				.irqc_reg_count = 2,
				.irqc_regs = {{0x8000000, 0x10000},
					      {0x80a0000, 0xf60000}},
				.uart_kind = RUMKV_UART_PL011,
				.uart_irq = 33,
				.uart = {0x9000000, 0x1000},
				.timer_irqs = {29, 30, 27, 26},
			},
		.cell_state = (struct rumkv_cell *)(void *)pages[2],
		.core_state = (struct rumkv_core *)(void *)pages[2],
		.status_page = pages[3],
	};
}

TestSuite(plan_check, .init = setup);

static struct collected check(void)
{
	struct collected c;
	unsigned n;

	memset(&c, 0, sizeof(c));
	n = rumkv_plan_check(&fx.plan, collect, &c);
	cr_assert_eq(n, c.count, "returned %u, reported %u", n, c.count);
	return c;
}

/* Asserts error `i` of `c` in full. */
static void expect(const struct collected *c, unsigned i, int cell,
		   enum rumkv_plan_field field, int item, int other_cell,
		   int other_item, const char *message)
{
	const struct rumkv_plan_error *e;

	cr_assert_lt(i, c->count, "only %u errors, wanted #%u: %s", c->count, i,
		     message);
	e = &c->err[i];
	cr_expect_str_eq(e->message, message);
	cr_expect_eq(e->cell, cell, "cell %d, wanted %d (%s)", e->cell, cell,
		     e->message);
	cr_expect_eq(e->field, field, "field %s, wanted %s (%s)",
		     rumkv_plan_field_name(e->field),
		     rumkv_plan_field_name(field), e->message);
	cr_expect_eq(e->item, item, "item %d, wanted %d (%s)", e->item, item,
		     e->message);
	cr_expect_eq(e->other_cell, other_cell, "other cell %d, wanted %d",
		     e->other_cell, other_cell);
	cr_expect_eq(e->other_item, other_item, "other item %d, wanted %d",
		     e->other_item, other_item);
}

static void expect_only(const struct collected *c, int cell,
			enum rumkv_plan_field field, int item, int other_cell,
			int other_item, const char *message)
{
	cr_expect_eq(c->count, 1, "%u errors, first: %s", c->count,
		     c->count ? c->err[0].message : "-");
	expect(c, 0, cell, field, item, other_cell, other_item, message);
}

Test(plan_check, valid_plan_passes)
{
	struct collected c = check();

	cr_assert_eq(c.count, 0, "first error: %s", c.err[0].message);
	cr_assert_eq(rumkv_plan_check(&fx.plan, NULL, NULL), 0);
}

Test(plan_check, no_plan)
{
	cr_assert_eq(rumkv_plan_check(NULL, NULL, NULL), 1);
}

/* ---- The machine ---- */

Test(plan_check, plan_version_and_counts)
{
	struct collected c;

	fx.plan.version = 7;
	fx.plan.core_count = 65;
	fx.plan.ram_count = 0;
	c = check();
	expect(&c, 0, -1, RUMKV_FIELD_PLAN, -1, -1, -1,
	       "plan version 7, this RumKV reads version 2");
	expect(&c, 1, -1, RUMKV_FIELD_PLAN, -1, -1, -1,
	       "65 cores: 1 to 64 supported");
	expect(&c, 2, -1, RUMKV_FIELD_PLAN, -1, -1, -1,
	       "0 RAM banks: 1 to 4 supported");
	expect(&c, 3, -1, RUMKV_FIELD_PLAN, -1, -1, -1,
	       "RumKV's memory 0x40000000+0x4000000 is not page aligned "
	       "inside a RAM bank");
}

Test(plan_check, too_many_cells)
{
	struct collected c;

	fx.plan.cell_count = 33;
	fx.plan.cells = NULL;
	c = check();
	expect(&c, 0, -1, RUMKV_FIELD_PLAN, -1, -1, -1,
	       "33 cells: 1 to 32 supported");
	expect(&c, 1, -1, RUMKV_FIELD_PLAN, -1, -1, -1,
	       "33 cells but no array");
	cr_expect_eq(c.count, 2);
}

Test(plan_check, self_outside_ram_and_duplicate_hwid)
{
	struct collected c;

	fx.plan.self = (struct rumkv_plan_mmio){0x30000000, 0x1000000};
	fx.cores[5].hwid = 2;
	c = check();
	expect(&c, 0, -1, RUMKV_FIELD_PLAN, -1, -1, -1,
	       "RumKV's memory 0x30000000+0x1000000 is not page aligned "
	       "inside a RAM bank");
	expect(&c, 1, -1, RUMKV_FIELD_PLAN, -1, -1, -1,
	       "cores 2 and 5 have the same hardware ID 0x2");
	cr_expect_eq(c.count, 2);
}

Test(plan_check, platform_and_storage)
{
	struct collected c;

	fx.plan.platform.irqc_kind = 9;
	fx.plan.platform.uart_kind = 0;
	fx.plan.status_page = NULL;
	c = check();
	expect(&c, 0, -1, RUMKV_FIELD_PLAN, -1, -1, -1,
	       "interrupt controller kind 9 with 2 regions: only a GICv3 "
	       "(distributor and redistributors) is supported");
	expect(&c, 1, -1, RUMKV_FIELD_PLAN, -1, -1, -1,
	       "console UART kind 0 at 0x9000000+0x1000: only a PL011 is "
	       "supported");
	expect(&c, 2, -1, RUMKV_FIELD_PLAN, -1, -1, -1,
	       "no storage for cell state, core state or a page-aligned "
	       "status page");
	cr_expect_eq(c.count, 3);
}

/* ---- Names and cores ---- */

Test(plan_check, bad_and_duplicate_names)
{
	struct collected c;

	fx.cells[0].name = "a name";
	fx.cells[1].name = "A";
	c = check();
	expect_only(&c, 0, RUMKV_FIELD_NAME, -1, -1, -1,
		    "'a name' is not 1 to 15 characters of A-Z a-z 0-9 _ -");
	fx.cells[0].name = "A";
	c = check();
	expect_only(&c, 1, RUMKV_FIELD_NAME, -1, 0, -1,
		    "'A' is also the name of cell A");
	fx.cells[1].name = "sixteen-chars-xx";
	c = check();
	expect_only(&c, 1, RUMKV_FIELD_NAME, -1, -1, -1,
		    "'sixteen-chars-xx' is not 1 to 15 characters of A-Z a-z "
		    "0-9 _ -");
}

Test(plan_check, core_in_two_cells)
{
	struct collected c;

	fx.cell_cores[1][1] = 1;
	c = check();
	expect_only(&c, 1, RUMKV_FIELD_CORES, 1, 0, 1,
		    "core 1 (hwid 0x1) is also in cell A");
}

Test(plan_check, core_twice_in_a_cell_and_missing_core)
{
	struct collected c;

	fx.cell_cores[0][1] = 0;
	fx.cell_cores[1][0] = 8;
	c = check();
	expect(&c, 0, 0, RUMKV_FIELD_CORES, 1, 0, 0,
	       "core 0 (hwid 0x0) is listed twice");
	expect(&c, 1, 1, RUMKV_FIELD_CORES, 0, -1, -1,
	       "core 8 does not exist (the machine has 8)");
	cr_expect_eq(c.count, 2);
}

Test(plan_check, cell_without_cores)
{
	struct collected c;

	fx.cells[1].core_count = 0;
	c = check();
	expect_only(&c, 1, RUMKV_FIELD_CORES, -1, -1, -1, "no cores");
}

/* ---- Memory ---- */

Test(plan_check, memory_overlaps_other_cell)
{
	struct collected c;

	fx.mem[1][0].ipa = fx.mem[1][0].pa = 0x50000000;
	fx.mem[1][0].size = 0x8000000;
	fx.images[1][0].ipa = fx.cells[1].entry_ipa = 0x50000000;
	c = check();
	expect_only(&c, 1, RUMKV_FIELD_MEMORY, 0, 0, 0,
		    "0x50000000+0x8000000 overlaps cell A memory "
		    "0x48000000+0x10000000");
}

Test(plan_check, memory_overlaps_itself_in_pa_and_ipa)
{
	struct collected c;

	fx.mem[0][1] = fx.mem[0][0];
	fx.mem[0][1].pa = 0x60000000;
	fx.cells[0].mem_count = 2;
	c = check();
	expect_only(&c, 0, RUMKV_FIELD_MEMORY, 1, 0, 0,
		    "guest range 0x48000000+0x10000000 overlaps its memory at "
		    "0x48000000+0x10000000");
	fx.mem[0][1] = fx.mem[0][0];
	fx.mem[0][1].ipa = 0x60000000;
	c = check();
	expect_only(&c, 0, RUMKV_FIELD_MEMORY, 1, 0, 0,
		    "0x48000000+0x10000000 overlaps its memory "
		    "0x48000000+0x10000000");
}

Test(plan_check, memory_outside_ram_and_over_self)
{
	struct collected c;

	fx.mem[1][0].ipa = fx.mem[1][0].pa = 0x3f000000;
	fx.mem[1][0].size = 0x2000000;
	fx.images[1][0].ipa = fx.cells[1].entry_ipa = 0x3f000000;
	c = check();
	expect(&c, 0, 1, RUMKV_FIELD_MEMORY, 0, -1, -1,
	       "0x3f000000+0x2000000 is not inside a RAM bank");
	expect(&c, 1, 1, RUMKV_FIELD_MEMORY, 0, -1, -1,
	       "0x3f000000+0x2000000 overlaps RumKV's own memory "
	       "0x40000000+0x4000000");
	cr_expect_eq(c.count, 2);
}

Test(plan_check, memory_misaligned_wrapping_and_bad_kind)
{
	struct collected c;

	fx.mem[0][0].size = 0x10000800;
	fx.mem[1][0].pa = fx.mem[1][0].ipa = 0xfffffffffc000000ull;
	fx.mem[1][0].size = 0x8000000;
	c = check();
	expect(&c, 0, 0, RUMKV_FIELD_MEMORY, 0, -1, -1,
	       "0x48000000+0x10000800 is not 4 KiB page aligned");
	expect(&c, 1, 1, RUMKV_FIELD_MEMORY, 0, -1, -1,
	       "0xfffffffffc000000+0x8000000 is empty or wraps around the "
	       "address space");
	/* The images of B are now outside its (broken) memory. */
	expect(&c, 2, 1, RUMKV_FIELD_IMAGES, 0, -1, -1,
	       "kernel 0x58000000+0x1000 is not inside the cell's memory");
	expect(&c, 3, 1, RUMKV_FIELD_ENTRY, -1, -1, -1,
	       "0x58000000 is not inside the cell's memory");
	cr_expect_eq(c.count, 4);
	setup();
	fx.mem[0][0].kind = 5;
	c = check();
	expect_only(&c, 0, RUMKV_FIELD_MEMORY, 0, -1, -1,
		    "0x48000000+0x10000000 has kind 5, access 0x7, right 255: "
		    "not valid");
}

Test(plan_check, shared_memory_may_overlap)
{
	struct collected c;

	fx.mem[0][1] = (struct rumkv_plan_mem){
		.ipa = 0x70000000,
		.pa = 0x70000000,
		.size = 0x100000,
		.kind = RUMKV_MEM_SHARED,
		.access = RUMKV_MEM_R | RUMKV_MEM_W,
		.right = 3,
	};
	fx.mem[1][1] = fx.mem[0][1];
	fx.cells[0].mem_count = fx.cells[1].mem_count = 2;
	c = check();
	cr_expect_eq(c.count, 0, "first: %s", c.err[0].message);
	fx.mem[1][1].kind = RUMKV_MEM_RAM;
	c = check();
	expect_only(&c, 1, RUMKV_FIELD_MEMORY, 1, 0, 1,
		    "0x70000000+0x100000 overlaps cell A memory "
		    "0x70000000+0x100000");
}

Test(plan_check, cell_without_memory)
{
	struct collected c;

	fx.cells[0].mem_count = 0;
	c = check();
	expect(&c, 0, 0, RUMKV_FIELD_MEMORY, -1, -1, -1, "no memory");
}

/* ---- Devices, interrupts, streams ---- */

Test(plan_check, device_in_two_cells)
{
	struct collected c;

	fx.devs[1][0] = fx.devs[0][0];
	c = check();
	expect_only(&c, 1, RUMKV_FIELD_DEVICES, 0, 0, 0,
		    "/virtio_mmio@a003e00 is also assigned to cell A");
}

Test(plan_check, device_listed_twice)
{
	struct collected c;

	fx.devs[0][1] = fx.devs[0][0];
	fx.cells[0].device_count = 2;
	c = check();
	expect_only(&c, 0, RUMKV_FIELD_DEVICES, 1, 0, 0,
		    "/virtio_mmio@a003e00 is listed twice");
}

Test(plan_check, device_page_shared_with_other_cell)
{
	struct collected c;

	fx.devs[1][0].path = "/virtio_mmio@a003c00";
	fx.mmio[1][0].pa = 0xa003c00;
	fx.irqs[1][0] = 78;
	c = check();
	expect_only(&c, 1, RUMKV_FIELD_DEVICES, 0, 0, 0,
		    "/virtio_mmio@a003c00 0xa003c00+0x200 shares a 4 KiB page "
		    "with cell A device /virtio_mmio@a003e00 0xa003e00+0x200");
	fx.mmio[1][0].pa = 0xa003d00;
	c = check();
	expect_only(&c, 1, RUMKV_FIELD_DEVICES, 0, 0, 0,
		    "/virtio_mmio@a003c00 0xa003d00+0x200 overlaps cell A "
		    "device /virtio_mmio@a003e00 0xa003e00+0x200");
}

Test(plan_check, device_over_uart_gic_self_and_ram)
{
	struct collected c;

	fx.mmio[1][0] = (struct rumkv_plan_mmio){0x9000800, 0x100};
	c = check();
	expect_only(&c, 1, RUMKV_FIELD_DEVICES, 0, -1, -1,
		    "/pl031@9010000 0x9000800+0x100 is in a page of RumKV's "
		    "console UART 0x9000000+0x1000");
	fx.mmio[1][0] = (struct rumkv_plan_mmio){0x80b0000, 0x1000};
	c = check();
	expect_only(&c, 1, RUMKV_FIELD_DEVICES, 0, -1, -1,
		    "/pl031@9010000 0x80b0000+0x1000 is in a page of the "
		    "interrupt controller 0x80a0000+0xf60000");
	fx.mmio[1][0] = (struct rumkv_plan_mmio){0x40001000, 0x1000};
	c = check();
	expect_only(&c, 1, RUMKV_FIELD_DEVICES, 0, -1, -1,
		    "/pl031@9010000 0x40001000+0x1000 overlaps RumKV's own "
		    "memory");
	fx.mmio[1][0] = (struct rumkv_plan_mmio){0x48001000, 0x1000};
	c = check();
	expect_only(&c, 1, RUMKV_FIELD_DEVICES, 0, 0, 0,
		    "/pl031@9010000 0x48001000+0x1000 overlaps cell A memory "
		    "0x48000000+0x10000000");
}

Test(plan_check, malformed_devices)
{
	struct collected c;

	fx.devs[0][0].right = 9;
	fx.devs[0][0].dma_stop = 3;
	fx.mmio[1][0].size = 0;
	c = check();
	expect(&c, 0, 0, RUMKV_FIELD_DEVICES, 0, -1, -1,
	       "/virtio_mmio@a003e00 has right 9 and DMA stop method 3: not "
	       "valid");
	expect(&c, 1, 1, RUMKV_FIELD_DEVICES, 0, -1, -1,
	       "/pl031@9010000 window 0x9010000+0x0 is empty or wraps");
	cr_expect_eq(c.count, 2);
	setup();
	fx.devs[0][0].mmio_count = 0;
	c = check();
	expect_only(&c, 0, RUMKV_FIELD_DEVICES, 0, -1, -1,
		    "/virtio_mmio@a003e00 has no path, no MMIO window or a "
		    "missing array");
}

Test(plan_check, interrupt_in_two_cells)
{
	struct collected c;

	fx.irqs[1][0] = 79;
	c = check();
	expect_only(&c, 1, RUMKV_FIELD_IRQS, 0, 0, 0,
		    "/pl031@9010000 interrupt 79 is also used by cell A device "
		    "/virtio_mmio@a003e00");
}

Test(plan_check, reserved_and_repeated_interrupts)
{
	struct collected c;
	uint32_t irqs[5] = {33, 27, 12, 1020, 40};
	uint32_t twice[2] = {40, 40};

	fx.devs[1][0].irqs = irqs;
	fx.devs[1][0].irq_count = 5;
	fx.devs[0][0].irqs = twice;
	fx.devs[0][0].irq_count = 2;
	c = check();
	expect(&c, 0, 0, RUMKV_FIELD_IRQS, 0, 0, 0,
	       "/virtio_mmio@a003e00 interrupt 40 is listed twice");
	expect(&c, 1, 1, RUMKV_FIELD_IRQS, 0, -1, -1,
	       "/pl031@9010000 interrupt 33 is RumKV's console UART "
	       "interrupt");
	expect(&c, 2, 1, RUMKV_FIELD_IRQS, 0, -1, -1,
	       "/pl031@9010000 interrupt 27 is a timer interrupt");
	expect(&c, 3, 1, RUMKV_FIELD_IRQS, 0, -1, -1,
	       "/pl031@9010000 interrupt 12 is not a PPI or SPI (16..1019)");
	expect(&c, 4, 1, RUMKV_FIELD_IRQS, 0, -1, -1,
	       "/pl031@9010000 interrupt 1020 is not a PPI or SPI "
	       "(16..1019)");
	expect(&c, 5, 1, RUMKV_FIELD_IRQS, 0, 0, 0,
	       "/pl031@9010000 interrupt 40 is also used by cell A device "
	       "/virtio_mmio@a003e00");
	cr_expect_eq(c.count, 6);
}

Test(plan_check, page_shared_by_two_rights_of_a_cell)
{
	struct collected c;

	fx.devs[0][1] = fx.devs[0][0];
	fx.devs[0][1].path = "/virtio_mmio@a003c00";
	fx.devs[0][1].mmio = fx.mmio[2];
	fx.devs[0][1].irqs = fx.irqs[2];
	fx.mmio[2][0] = (struct rumkv_plan_mmio){0xa003c00, 0x200};
	fx.irqs[2][0] = 78;
	fx.cells[0].device_count = 2;
	c = check();
	cr_assert_eq(c.count, 0, "same right on one page: fine");
	fx.devs[0][1].right = 2;
	c = check();
	expect_only(&c, 0, RUMKV_FIELD_DEVICES, 1, 0, 0,
		    "/virtio_mmio@a003c00 0xa003c00+0x200 shares a 4 KiB page "
		    "with /virtio_mmio@a003e00, which needs another right: a "
		    "pledge drops whole pages, so devices in one page must "
		    "need the same right");
}

Test(plan_check, interrupt_shared_inside_a_cell)
{
	struct collected c;

	fx.devs[0][1] = fx.devs[1][0];
	fx.devs[0][1].path = "/other";
	fx.mmio[1][0].pa = 0x9020000;
	fx.irqs[1][0] = 79;
	fx.cells[0].device_count = 2;
	fx.cells[1].device_count = 0;
	c = check();
	expect_only(&c, 0, RUMKV_FIELD_IRQS, 1, 0, 0,
		    "/other interrupt 79 is also used by its "
		    "/virtio_mmio@a003e00");
}

Test(plan_check, stream_in_two_cells)
{
	struct collected c;

	fx.streams[0][0] = 0x10;
	fx.streams[1][0] = 0x10;
	fx.devs[0][0].streams = fx.streams[0];
	fx.devs[0][0].stream_count = 1;
	fx.devs[1][0].streams = fx.streams[1];
	fx.devs[1][0].stream_count = 1;
	c = check();
	expect_only(&c, 1, RUMKV_FIELD_STREAMS, 0, 0, 0,
		    "/pl031@9010000 stream 16 is also used by cell A device "
		    "/virtio_mmio@a003e00");
}

/* ---- Images, entry, rights, policy, tables ---- */

Test(plan_check, images_outside_and_overlapping)
{
	struct collected c;

	fx.images[0][1] = (struct rumkv_plan_image){
		.name = "A.dtb",
		.data = blob,
		.size = 0x800,
		.ipa = 0x48000800,
	};
	fx.cells[0].image_count = 2;
	fx.images[1][0].ipa = 0x5bfff800;
	c = check();
	expect(&c, 0, 0, RUMKV_FIELD_IMAGES, 1, 0, 0,
	       "A.dtb 0x48000800+0x800 overlaps kernel 0x48000000+0x1000");
	expect(&c, 1, 1, RUMKV_FIELD_IMAGES, 0, -1, -1,
	       "kernel 0x5bfff800+0x1000 is not inside the cell's memory");
	cr_expect_eq(c.count, 2);
	fx.images[1][0].data = NULL;
	fx.cells[0].image_count = 0;
	c = check();
	expect(&c, 0, 0, RUMKV_FIELD_IMAGES, -1, -1, -1, "no images");
	expect(&c, 1, 1, RUMKV_FIELD_IMAGES, 0, -1, -1,
	       "kernel has no data, or 0x5bfff800+0x1000 is empty or wraps");
}

Test(plan_check, entry_rights_policy_tables)
{
	struct collected c;

	fx.cells[0].entry_ipa = 0x40000000;
	fx.cells[0].initial_rights = 0x101;
	fx.cells[0].policy = 2;
	fx.cells[0].table_page_count = 1;
	c = check();
	expect(&c, 0, 0, RUMKV_FIELD_ENTRY, -1, -1, -1,
	       "0x40000000 is not inside the cell's memory");
	expect(&c, 1, 0, RUMKV_FIELD_RIGHTS, -1, -1, -1,
	       "0x101 has reserved bits 8..15 set");
	expect(&c, 2, 0, RUMKV_FIELD_POLICY, -1, -1, -1,
	       "policy 2 is neither halt nor restart");
	expect(&c, 3, 0, RUMKV_FIELD_TABLES, -1, -1, -1,
	       "1 table pages: needs at least 2 distinct, page-aligned pages "
	       "and a snapshot");
	cr_expect_eq(c.count, 4);
	setup();
	fx.cells[1].table_snapshot = fx.cells[1].table_pages;
	c = check();
	expect_only(&c, 1, RUMKV_FIELD_TABLES, -1, -1, -1,
		    "8 table pages: needs at least 2 distinct, page-aligned "
		    "pages and a snapshot");
}

/* ---- Console and status page ---- */

Test(plan_check, console_input_in_two_cells_and_invalid_flags)
{
	struct collected c;
	uint32_t vuart = RUMKV_CONSOLE_HYPERCALL | RUMKV_CONSOLE_VUART |
			 RUMKV_CONSOLE_INPUT;

	/* Every cell may have its own UART at the same guest address and
	 * take input in turn (the focus, lib/console.c). */
	fx.cells[0].console = fx.cells[1].console = vuart;
	fx.cells[0].vuart_ipa = fx.cells[1].vuart_ipa = 0x9000000;
	c = check();
	cr_assert_eq(c.count, 0, "two cells with input are fine");
	fx.cells[1].console = RUMKV_CONSOLE_INPUT;
	c = check();
	expect_only(&c, 1, RUMKV_FIELD_CONSOLE, -1, -1, -1,
		    "console flags 0x4 are not valid (input needs the virtual "
		    "UART)");
}

Test(plan_check, vuart_collisions)
{
	struct collected c;

	fx.cells[1].console = RUMKV_CONSOLE_VUART;
	fx.cells[1].vuart_ipa = 0x9010000;
	c = check();
	expect_only(&c, 1, RUMKV_FIELD_CONSOLE, -1, -1, -1,
		    "virtual UART 0x9010000 is in a page of device "
		    "/pl031@9010000");
	fx.cells[1].vuart_ipa = 0x59000000;
	c = check();
	expect_only(&c, 1, RUMKV_FIELD_CONSOLE, -1, -1, -1,
		    "virtual UART 0x59000000 is in a page of memory "
		    "0x58000000+0x4000000");
	fx.cells[1].vuart_ipa = 0x9000800;
	c = check();
	expect_only(&c, 1, RUMKV_FIELD_CONSOLE, -1, -1, -1,
		    "virtual UART 0x9000800 is not page aligned");
}

Test(plan_check, status_page_collisions)
{
	struct collected c;

	fx.cells[0].status_page_ipa = 0x48100000;
	fx.cells[1].status_page_ipa = 0x9010000;
	c = check();
	expect(&c, 0, 0, RUMKV_FIELD_STATUS_PAGE, -1, -1, -1,
	       "0x48100000 is in a page of memory 0x48000000+0x10000000");
	expect(&c, 1, 1, RUMKV_FIELD_STATUS_PAGE, -1, -1, -1,
	       "0x9010000 is in a page of device /pl031@9010000");
	cr_expect_eq(c.count, 2);
	setup();
	fx.cells[0].status_page_ipa = 0x8001000;
	fx.cells[1].status_page_ipa = 0xb000010;
	c = check();
	expect(&c, 0, 0, RUMKV_FIELD_STATUS_PAGE, -1, -1, -1,
	       "0x8001000 is in a page of the interrupt controller "
	       "0x8000000+0x10000");
	expect(&c, 1, 1, RUMKV_FIELD_STATUS_PAGE, -1, -1, -1,
	       "0xb000010 is not page aligned");
	setup();
	fx.cells[0].console = RUMKV_CONSOLE_VUART | RUMKV_CONSOLE_INPUT;
	fx.cells[0].vuart_ipa = 0xb000000;
	c = check();
	expect_only(&c, 0, RUMKV_FIELD_STATUS_PAGE, -1, -1, -1,
		    "0xb000000 is in a page of the virtual UART 0xb000000");
}

/* ---- Where a cell sees its memory ---- */

/* Cell `c` sees its RAM at `ipa`, its image and entry with it. */
static void relocate(int c, uint64_t ipa)
{
	fx.mem[c][0].ipa = ipa;
	fx.images[c][0].ipa = ipa;
	fx.cells[c].entry_ipa = ipa;
}

Test(plan_check, relocated_memory_passes)
{
	struct collected c;

	/* Both cells at the board's RAM base, where RumKV itself is. */
	relocate(0, 0x40000000);
	relocate(1, 0x40000000);
	c = check();
	cr_expect_eq(c.count, 0, "first error: %s", c.err[0].message);
}

Test(plan_check, guest_range_over_gic_device_and_status_page)
{
	struct collected c;

	relocate(1, 0x8000000);
	c = check();
	expect(&c, 0, 1, RUMKV_FIELD_GUEST, 0, -1, -1,
	       "guest range 0x8000000+0x4000000 overlaps the interrupt "
	       "controller 0x8000000+0x10000");
	expect(&c, 1, 1, RUMKV_FIELD_GUEST, 0, -1, -1,
	       "guest range 0x8000000+0x4000000 overlaps the interrupt "
	       "controller 0x80a0000+0xf60000");
	expect(&c, 2, 1, RUMKV_FIELD_GUEST, 0, -1, -1,
	       "guest range 0x8000000+0x4000000 overlaps its device "
	       "/pl031@9010000 0x9010000+0x200");
	expect(&c, 3, 1, RUMKV_FIELD_STATUS_PAGE, -1, -1, -1,
	       "0xb000000 is in a page of memory 0x8000000+0x4000000");
	cr_expect_eq(c.count, 4);
	/* One page short of the device and past the GIC: fine. */
	setup();
	relocate(1, 0x9011000);
	fx.cells[1].status_page_ipa = 0x9000000;
	c = check();
	cr_expect_eq(c.count, 0, "first error: %s", c.err[0].message);
	/* Its last page on the device's. */
	setup();
	relocate(1, 0x9001000);
	fx.mem[1][0].size = 0x10000;
	c = check();
	expect_only(&c, 1, RUMKV_FIELD_GUEST, 0, -1, -1,
		    "guest range 0x9001000+0x10000 overlaps its device "
		    "/pl031@9010000 0x9010000+0x200");
}

Test(plan_check, untranslated_dma_needs_memory_where_it_is)
{
	struct collected c;

	fx.devs[0][0].dma_stop = RUMKV_DMA_STOP_VIRTIO_MMIO;
	relocate(0, 0x40000000);
	c = check();
	expect_only(&c, 0, RUMKV_FIELD_GUEST, 0, -1, -1,
		    "0x48000000+0x10000000 is seen at 0x40000000, but "
		    "/virtio_mmio@a003e00 does DMA without an IOMMU, to "
		    "physical addresses: it must be seen where it is");
	/* Behind an IOMMU the device sees guest addresses: fine. */
	fx.devs[0][0].dma_stop = RUMKV_DMA_STOP_IOMMU;
	c = check();
	cr_expect_eq(c.count, 0, "first error: %s", c.err[0].message);
}

/* ---- The flash window ---- */

Test(plan_check, flash_window_and_its_backing)
{
	struct collected c;

	/* Cell B: its flash window at 0 backed by the start of its RAM. */
	fx.mem[1][0].pa = 0x58200000;
	fx.mem[1][0].size = 0x3e00000;
	relocate(1, 0x40000000);
	fx.mem[1][1] = (struct rumkv_plan_mem){
		.ipa = 0,
		.pa = 0x58000000,
		.size = 0x200000,
		.kind = RUMKV_MEM_FLASH,
		.access = RUMKV_MEM_R | RUMKV_MEM_X,
		.right = RUMKV_PLAN_NO_RIGHT,
	};
	fx.cells[1].mem_count = 2;
	fx.images[1][0].ipa = fx.cells[1].entry_ipa = 0;
	fx.cells[1].flash_ipa = 0;
	fx.cells[1].flash_size = 0x8000000;
	c = check();
	cr_expect_eq(c.count, 0, "first error: %s", c.err[0].message);

	/* Writable backing, a window over the GIC, RAM in the window. */
	fx.mem[1][1].access = RUMKV_MEM_RWX;
	fx.cells[1].flash_size = 0x8010000;
	fx.mem[1][0].ipa = 0x7000000;
	fx.mem[1][0].size = 0x1000000;
	c = check();
	expect(&c, 0, 1, RUMKV_FIELD_MEMORY, 1, -1, -1,
	       "0x58000000+0x200000 has kind 2, access 0x7, right 255: not "
	       "valid");
	expect(&c, 1, 1, RUMKV_FIELD_BOOT, -1, -1, -1,
	       "flash window 0x0+0x8010000 overlaps the interrupt controller "
	       "0x8000000+0x10000");
	expect(&c, 2, 1, RUMKV_FIELD_BOOT, -1, -1, -1,
	       "flash window 0x0+0x8010000 overlaps its memory at "
	       "0x7000000+0x1000000");
	cr_expect_eq(c.count, 3, "then: %s", c.err[3].message);

	/* A backing outside the window, or with no window at all. */
	setup();
	fx.mem[0][1] = (struct rumkv_plan_mem){
		.ipa = 0x100000000,
		.pa = 0x5c000000,
		.size = 0x200000,
		.kind = RUMKV_MEM_FLASH,
		.access = RUMKV_MEM_R,
		.right = RUMKV_PLAN_NO_RIGHT,
	};
	fx.cells[0].mem_count = 2;
	c = check();
	expect_only(&c, 0, RUMKV_FIELD_MEMORY, 1, -1, -1,
		    "flash backing 0x5c000000+0x200000 at 0x100000000 is "
		    "outside the cell's flash window");
}

/* ---- Everything at once ---- */

Test(plan_check, reports_every_error_in_order)
{
	struct collected c;

	fx.cells[0].name = "";
	fx.cell_cores[1][0] = 0;
	fx.mem[1][0].ipa = fx.mem[1][0].pa = 0x4c000000;
	fx.images[1][0].ipa = fx.cells[1].entry_ipa = 0x4c000000;
	fx.devs[1][0] = fx.devs[0][0];
	fx.cells[1].policy = 3;
	c = check();
	expect(&c, 0, 0, RUMKV_FIELD_NAME, -1, -1, -1,
	       "'' is not 1 to 15 characters of A-Z a-z 0-9 _ -");
	expect(&c, 1, 1, RUMKV_FIELD_CORES, 0, 0, 0,
	       "core 0 (hwid 0x0) is also in cell ");
	expect(&c, 2, 1, RUMKV_FIELD_MEMORY, 0, 0, 0,
	       "0x4c000000+0x4000000 overlaps cell  memory "
	       "0x48000000+0x10000000");
	expect(&c, 3, 1, RUMKV_FIELD_DEVICES, 0, 0, 0,
	       "/virtio_mmio@a003e00 is also assigned to cell ");
	expect(&c, 4, 1, RUMKV_FIELD_POLICY, -1, -1, -1,
	       "policy 3 is neither halt nor restart");
	cr_expect_eq(c.count, 5);
}

Test(plan_check, field_names)
{
	cr_expect_str_eq(rumkv_plan_field_name(RUMKV_FIELD_PLAN), "plan");
	cr_expect_str_eq(rumkv_plan_field_name(RUMKV_FIELD_MEMORY), "memory");
	cr_expect_str_eq(rumkv_plan_field_name(RUMKV_FIELD_STATUS_PAGE),
			 "status page");
	cr_expect_str_eq(rumkv_plan_field_name(RUMKV_FIELD_TABLES), "tables");
	cr_expect_str_eq(rumkv_plan_field_name(RUMKV_FIELD_GUEST),
			 "guest memory");
	cr_expect_str_eq(rumkv_plan_field_name((enum rumkv_plan_field)99), "?");
}

/* ---- Channels ---- */

static struct rumkv_plan_channel chans[2];

static void set_channels(unsigned n)
{
	chans[0] = (struct rumkv_plan_channel){.name = "work",
					       .cell = {0, 1},
					       .doorbell = {200, 201},
					       .right = 3};
	chans[1] = (struct rumkv_plan_channel){.name = "more",
					       .cell = {1, 0},
					       .doorbell = {202, 203},
					       .right = 16};
	fx.plan.channels = chans;
	fx.plan.channel_count = n;
}

Test(plan_check, channels_valid)
{
	struct collected c;

	set_channels(2);
	c = check();
	cr_assert_eq(c.count, 0, "first error: %s", c.err[0].message);
}

Test(plan_check, channel_cells_and_right)
{
	struct collected c;

	set_channels(2);
	chans[0].cell[1] = 0;
	chans[1].cell[0] = 7;
	chans[1].right = 9;
	c = check();
	cr_assert_eq(c.count, 2);
	expect(&c, 0, -1, RUMKV_FIELD_PLAN, -1, -1, -1,
	       "channel 0 has cells 0 and 0 and right 3: not valid");
	expect(&c, 1, -1, RUMKV_FIELD_PLAN, -1, -1, -1,
	       "channel 1 has cells 7 and 0 and right 9: not valid");
}

Test(plan_check, channel_doorbell_collisions)
{
	struct collected c;

	set_channels(2);
	chans[0].doorbell[0] = fx.irqs[1][0]; /* B's device */
	chans[0].doorbell[1] = fx.plan.platform.uart_irq;
	chans[1].doorbell[0] = 27; /* a timer PPI */
	chans[1].doorbell[1] = 1020;
	c = check();
	cr_assert_eq(c.count, 4, "%u errors", c.count);
	for (unsigned i = 0; i < 4; i++) {
		cr_expect(strstr(c.err[i].message, "not an SPI of its own") !=
			  NULL);
	}
}

Test(plan_check, channel_doorbell_taken_by_another_channel)
{
	struct collected c;

	set_channels(2);
	chans[1].doorbell[1] = 200;
	c = check();
	expect_only(&c, -1, RUMKV_FIELD_PLAN, -1, -1, -1,
		    "channel 1 doorbell 200: not an SPI of its own (taken, "
		    "reserved or out of range)");
}

Test(plan_check, channels_without_array)
{
	struct collected c;

	set_channels(1);
	fx.plan.channels = NULL;
	c = check();
	expect_only(&c, -1, RUMKV_FIELD_PLAN, -1, -1, -1,
		    "1 channels (at most 64) or no array");
}
