// SPDX-License-Identifier: MIT
#include "fake_machine.h"

#include <criterion/criterion.h>
#include <rumkv/error.h>
#include <rumkv/rumkv.h>
#include <stdlib.h>
#include <string.h>

struct fake_machine fm;

#define TABLE_PAGES 16u
#define POOLS_OFFSET 0x10000ull
#define IMAGES_OFFSET 0x100000ull

static const uint32_t cores_a[] = {0, 1, 2, 3};
static const uint32_t cores_b[] = {4, 5};
static const uint32_t cores_c[] = {6, 7};

static const struct rumkv_plan_mmio mmio_a_net = {0x0a003e00, 0x200};
static const struct rumkv_plan_mmio mmio_a_blk = {0x0a002e00, 0x200};
static const struct rumkv_plan_mmio mmio_b_rtc = {0x09010000, 0x1000};
static const struct rumkv_plan_mmio mmio_b_dma = {0x09020000, 0x1000};
static const struct rumkv_plan_mmio mmio_c_net = {0x0a001e00, 0x200};
static const struct rumkv_plan_mmio mmio_c_blk = {0x0a000e00, 0x200};
static const uint32_t irq_79 = 79, irq_71 = 71, irq_34 = 34, irq_63 = 63,
		      irq_55 = 55;
static const uint32_t stream_5 = 5;

#define RIGHT_NET 1
#define RIGHT_BLOCK 2
#define RIGHT_RTC 5
#define RIGHT_OTHER 7

static const struct rumkv_plan_device dev_a[] = {
	{"/virtio_mmio@a003e00", RIGHT_NET, RUMKV_DMA_STOP_VIRTIO_MMIO, 1, 1, 0,
	 &mmio_a_net, &irq_79, NULL, 0, 0, 0, 0, NULL},
	{"/virtio_mmio@a002e00", RIGHT_BLOCK, RUMKV_DMA_STOP_VIRTIO_MMIO, 1, 1,
	 0, &mmio_a_blk, &irq_71, NULL, 0, 0, 0, 0, NULL},
};
static const struct rumkv_plan_device dev_b[] = {
	{"/pl031@9010000", RIGHT_RTC, RUMKV_DMA_STOP_NONE, 1, 1, 0, &mmio_b_rtc,
	 &irq_34, NULL, 0, 0, 0, 0, NULL},
	{"/dma@9020000", RIGHT_OTHER, RUMKV_DMA_STOP_IOMMU, 1, 0, 1,
	 &mmio_b_dma, NULL, &stream_5, 0, 0, 0, 0, NULL},
};
static const struct rumkv_plan_device dev_c[] = {
	{"/virtio_mmio@a001e00", RIGHT_NET, RUMKV_DMA_STOP_VIRTIO_MMIO, 1, 1, 0,
	 &mmio_c_net, &irq_63, NULL, 0, 0, 0, 0, NULL},
	{"/virtio_mmio@a000e00", RIGHT_BLOCK, RUMKV_DMA_STOP_VIRTIO_MMIO, 1, 1,
	 0, &mmio_c_blk, &irq_55, NULL, 0, 0, 0, 0, NULL},
};

static struct rumkv_plan_mem mem[3];
static struct rumkv_plan_image images[3][2];

uint8_t fake_image_byte(int cell, uint64_t offset)
{
	return (uint8_t)(0x40 + cell * 0x20 + (offset * 7) % 31);
}

static void *ram_at(uint64_t offset)
{
	return fake.ram + offset;
}

static void build_cell(int c, const char *name, const uint32_t *cores,
		       uint32_t core_count, const struct rumkv_plan_device *dev,
		       uint64_t rights)
{
	struct rumkv_plan_cell *pc = &fm.cells[c];
	uint8_t *img = ram_at(IMAGES_OFFSET + (uint64_t)c * 2 * FM_IMAGE_SIZE);
	uint64_t i;

	for (i = 0; i < FM_IMAGE_SIZE; i++) {
		img[i] = fake_image_byte(c, i);
	}
	memset(img + FM_IMAGE_SIZE, 0xd0 + c, 256);
	mem[c] = (struct rumkv_plan_mem){
		.ipa = FM_CELL_RAM(c),
		.pa = FM_CELL_RAM(c),
		.size = FM_CELL_RAM_SIZE,
		.kind = RUMKV_MEM_RAM,
		.access = RUMKV_MEM_RWX,
		.right = RUMKV_PLAN_NO_RIGHT,
	};
	images[c][0] = (struct rumkv_plan_image){"kernel", img, FM_IMAGE_SIZE,
						 FM_CELL_RAM(c)};
	images[c][1] =
		(struct rumkv_plan_image){"dtb", img + FM_IMAGE_SIZE, 256,
					  FM_CELL_RAM(c) + FM_DTB_OFFSET};
	*pc = (struct rumkv_plan_cell){
		.name = name,
		.core_count = core_count,
		.cores = cores,
		.mem_count = 1,
		.mem = &mem[c],
		.device_count = 2,
		.devices = dev,
		.image_count = 2,
		.images = images[c],
		.policy = RUMKV_POLICY_HALT,
		.entry_ipa = FM_CELL_RAM(c),
		.boot_arg = FM_CELL_RAM(c) + FM_DTB_OFFSET,
		.initial_rights = rights,
		.console = RUMKV_CONSOLE_HYPERCALL,
		.status_page_ipa = FM_STATUS_IPA,
		.table_page_count = TABLE_PAGES,
		.table_pages = ram_at(POOLS_OFFSET +
				      (uint64_t)c * 2 * TABLE_PAGES * 4096),
		.table_snapshot =
			ram_at(POOLS_OFFSET +
			       ((uint64_t)c * 2 + 1) * TABLE_PAGES * 4096),
	};
}

void fm_build(void)
{
	uint32_t i;

	if (fake.ram == NULL) {
		cr_assert_eq(posix_memalign((void **)&fake.ram, 1 << 16,
					    FM_RAM_SIZE),
			     0);
		fake.ram_base = FM_RAM_BASE;
		fake.ram_size = FM_RAM_SIZE;
	}
	memset(fake.ram, 0, FM_RAM_SIZE);
	memset(&fm, 0, sizeof(fm));
	fake_reset();
	for (i = 0; i < 8; i++) {
		fm.cores[i].hwid = i;
	}
	build_cell(FM_A, "A", cores_a, 4, dev_a,
		   RUMKV_RIGHT_CONSOLE | RUMKV_RIGHT_NET | RUMKV_RIGHT_BLOCK);
	build_cell(FM_B, "B", cores_b, 2, dev_b,
		   RUMKV_RIGHT_CONSOLE | RUMKV_RIGHT_RTC | RUMKV_RIGHT_OTHER);
	build_cell(FM_C, "C", cores_c, 2, dev_c,
		   RUMKV_RIGHT_CONSOLE | RUMKV_RIGHT_NET | RUMKV_RIGHT_BLOCK);
	fm.cells[FM_B].policy = RUMKV_POLICY_RESTART;
	fm.cells[FM_B].restart_limit = 2;
	fm.plan = (struct rumkv_plan){
		.version = RUMKV_PLAN_VERSION,
		.core_count = 8,
		.cores = fm.cores,
		.cell_count = 3,
		.cells = fm.cells,
		.ram = {{FM_RAM_BASE, FM_RAM_SIZE}},
		.ram_count = 1,
		.self = {FM_RAM_BASE, 8ull << 20},
		.platform =
			{
				.irqc_kind = RUMKV_IRQC_GICV3,
				.irqc_reg_count = 2,
				.irqc_regs = {{0x08000000, 0x10000},
					      {0x080a0000, 0xf60000}},
				.uart_kind = RUMKV_UART_PL011,
				.uart_irq = 33,
				.uart = {0x09000000, 0x1000},
				.timer_irqs = {29, 30, 27, 26},
			},
		.cell_state = fm.cell_state,
		.core_state = fm.core_state,
		.status_page = ram_at(0),
	};
}

static void boot(void *plan)
{
	rumkv_boot(plan);
}

enum fake_event_kind fm_boot(void)
{
	return fake_run(&fm.core_state[0], boot, &fm.plan);
}

struct rumkv_cell *fm_cell(int c)
{
	return &fm.cell_state[c];
}

struct rumkv_core *fm_core(int c, uint32_t vcore)
{
	return rumkv_cell_core(fm_cell(c), vcore);
}

static void park(void *core)
{
	rumkv_core_park(core);
}

enum fake_event_kind fm_run_parked(struct rumkv_core *core)
{
	return fake_run(core, park, core);
}

void fm_boot_all(void)
{
	fm_build();
	cr_assert_eq(fm_boot(), FAKE_ENTER, "the boot core enters cell A");
	cr_assert_eq(fm_run_parked(fm_core(FM_B, 0)), FAKE_ENTER);
	cr_assert_eq(fm_run_parked(fm_core(FM_C, 0)), FAKE_ENTER);
}

struct call {
	struct rumkv_core *core;
	uint64_t *r;
};

static void call(void *arg)
{
	struct call *c = arg;

	rumkv_hypercall(c->core, c->r);
}

enum fake_event_kind fm_hypercall(struct rumkv_core *core, uint64_t r[8])
{
	struct call c = {core, r};

	return fake_run(core, call, &c);
}

struct violation {
	struct rumkv_core *core;
	struct rumkv_fault f;
};

static void violate(void *arg)
{
	struct violation *v = arg;

	rumkv_cell_terminate(v->core, &v->f);
}

enum fake_event_kind fm_violation(struct rumkv_core *core, uint32_t reason)
{
	struct violation v = {
		.core = core,
		.f =
			{
				.reason = reason,
				.pc = 0x40801234,
				.ipa = 0x40c00000,
				.ipa_valid = true,
				.cause = "stage-2 fault: write 4 bytes "
					 "(translation "
					 "fault, level 2)",
			},
	};

	return fake_run(core, violate, &v);
}

bool fm_mapped(int c, uint64_t ipa)
{
	return rumkv_pt_lookup(&fm_cell(c)->stage2, ipa, NULL, NULL, NULL) ==
	       RUMKV_OK;
}

const struct rumkv_status_cell *fm_status(int c)
{
	const struct rumkv_status_page *st = fm.plan.status_page;

	return &st->cell[c];
}
