// SPDX-License-Identifier: MIT
/*
 * The harness machine (see el2.h): its plan, boot, and traps delivered the
 * way vectors.S delivers them.
 */
#include "el2.h"

#include "../../lib/internal.h"
#include <aarch64/sysreg.h>
#include <rumkv/rumkv.h>

#include <string.h>

struct el2_machine el2;

static uint8_t ram[EL2_RAM_SIZE] __attribute__((aligned(65536)));

#define CANARY 0xca4a4b2d5e1f0a77ull
#define TABLE_PAGES 16u
#define POOLS_OFFSET 0x10000ull
#define IMAGES_OFFSET 0x80000ull
#define IMAGE_SIZE 0x1000ull

static const uint64_t hwids[8] = {0x0,	 0x1,	0x2,	 0x3,
				  0x100, 0x101, 0x10000, 0x10001};

static const uint32_t cores_a[] = {0, 1, 2, 3};
static const uint32_t cores_b[] = {4, 5};
static const uint32_t cores_c[] = {6, 7};

static const struct rumkv_plan_mmio mmio_a_net = {0x0a000000, 0x200};
static const struct rumkv_plan_mmio mmio_a_blk = {0x0a001000, 0x200};
static const struct rumkv_plan_mmio mmio_b_rtc = {0x09010000, 0x1000};
static const struct rumkv_plan_mmio mmio_b_dma = {0x09020000, 0x1000};
static const struct rumkv_plan_mmio mmio_c_net = {0x0a002000, 0x200};
static const struct rumkv_plan_mmio mmio_c_blk = {0x0a003000, 0x200};
static const uint32_t irq_a_net = EL2_SPI_A_NET, irq_a_blk = EL2_SPI_A_BLOCK,
		      irq_b_rtc = EL2_SPI_B_RTC, irq_b_dma = EL2_SPI_B_DMA,
		      irq_c_net = EL2_SPI_C_NET, irq_c_blk = EL2_SPI_C_BLOCK;
static const uint32_t stream_5 = 5;

#define RIGHT_NET 1
#define RIGHT_BLOCK 2
#define RIGHT_RTC 5
#define RIGHT_OTHER 7

static const struct rumkv_plan_device dev_a[] = {
	{"/virtio_mmio@a000000", RIGHT_NET, RUMKV_DMA_STOP_VIRTIO_MMIO, 1, 1, 0,
	 &mmio_a_net, &irq_a_net, NULL, 0, 0, 0, 0, NULL},
	{"/virtio_mmio@a001000", RIGHT_BLOCK, RUMKV_DMA_STOP_VIRTIO_MMIO, 1, 1,
	 0, &mmio_a_blk, &irq_a_blk, NULL, 0, 0, 0, 0, NULL},
};
static const struct rumkv_plan_device dev_b[] = {
	{"/pl031@9010000", RIGHT_RTC, RUMKV_DMA_STOP_NONE, 1, 1, 0, &mmio_b_rtc,
	 &irq_b_rtc, NULL, 0, 0, 0, 0, NULL},
	{"/dma@9020000", RIGHT_OTHER, RUMKV_DMA_STOP_IOMMU, 1, 1, 1,
	 &mmio_b_dma, &irq_b_dma, &stream_5, 0, 0, 0, 0, NULL},
};
static const struct rumkv_plan_device dev_c[] = {
	{"/virtio_mmio@a002000", RIGHT_NET, RUMKV_DMA_STOP_VIRTIO_MMIO, 1, 1, 0,
	 &mmio_c_net, &irq_c_net, NULL, 0, 0, 0, 0, NULL},
	{"/virtio_mmio@a003000", RIGHT_BLOCK, RUMKV_DMA_STOP_VIRTIO_MMIO, 1, 1,
	 0, &mmio_c_blk, &irq_c_blk, NULL, 0, 0, 0, 0, NULL},
};

static struct rumkv_plan_mem mem[3];
static struct rumkv_plan_image images[3];

static void build_cell(int c, const char *name, const uint32_t *cores,
		       uint32_t core_count, const struct rumkv_plan_device *dev,
		       uint64_t rights, uint32_t console)
{
	uint8_t *img = ram + IMAGES_OFFSET + (uint64_t)c * IMAGE_SIZE;
	uint8_t *pools = ram + POOLS_OFFSET;

	memset(img, 0xd0 + c, IMAGE_SIZE);
	mem[c] = (struct rumkv_plan_mem){
		.ipa = EL2_CELL_RAM(c),
		.pa = EL2_CELL_RAM(c),
		.size = EL2_CELL_RAM_SIZE,
		.kind = RUMKV_MEM_RAM,
		.access = RUMKV_MEM_RWX,
		.right = RUMKV_PLAN_NO_RIGHT,
	};
	images[c] = (struct rumkv_plan_image){"kernel", img, IMAGE_SIZE,
					      EL2_CELL_RAM(c)};
	el2.cells[c] = (struct rumkv_plan_cell){
		.name = name,
		.core_count = core_count,
		.cores = cores,
		.mem_count = 1,
		.mem = &mem[c],
		.device_count = 2,
		.devices = dev,
		.image_count = 1,
		.images = &images[c],
		.policy = RUMKV_POLICY_HALT,
		.entry_ipa = EL2_CELL_RAM(c),
		.boot_arg = EL2_CELL_RAM(c) + 0x80000,
		.initial_rights = rights,
		.console = console,
		.status_page_ipa = EL2_STATUS_IPA,
		.vuart_ipa =
			(console & RUMKV_CONSOLE_VUART) ? EL2_VUART_IPA : 0,
		.table_page_count = TABLE_PAGES,
		.table_pages = pools + (uint64_t)c * 2 * TABLE_PAGES * 4096,
		.table_snapshot =
			pools + ((uint64_t)c * 2 + 1) * TABLE_PAGES * 4096,
	};
}

uint32_t el2_c_console_input;
const struct rumkv_plan_channel *el2_channels;
uint32_t el2_channel_count;

static void build_plan(void)
{
	uint32_t i;

	for (i = 0; i < 8; i++) {
		el2.cores[i].hwid = hwids[i];
	}
	build_cell(EL2_A, "A", cores_a, 4, dev_a,
		   RUMKV_RIGHT_CONSOLE | RUMKV_RIGHT_NET | RUMKV_RIGHT_BLOCK,
		   RUMKV_CONSOLE_HYPERCALL | RUMKV_CONSOLE_VUART |
			   RUMKV_CONSOLE_INPUT);
	build_cell(EL2_B, "B", cores_b, 2, dev_b,
		   RUMKV_RIGHT_CONSOLE | RUMKV_RIGHT_RTC | RUMKV_RIGHT_OTHER,
		   RUMKV_CONSOLE_HYPERCALL);
	build_cell(EL2_C, "C", cores_c, 2, dev_c,
		   RUMKV_RIGHT_CONSOLE | RUMKV_RIGHT_NET | RUMKV_RIGHT_BLOCK,
		   RUMKV_CONSOLE_HYPERCALL | RUMKV_CONSOLE_VUART |
			   el2_c_console_input);
	el2.cells[EL2_B].policy = RUMKV_POLICY_RESTART;
	el2.cells[EL2_B].restart_limit = 2;
	el2.plan = (struct rumkv_plan){
		.version = RUMKV_PLAN_VERSION,
		.core_count = 8,
		.cores = el2.cores,
		.cell_count = 3,
		.cells = el2.cells,
		.ram = {{EL2_RAM_BASE, EL2_RAM_SIZE}},
		.ram_count = 1,
		.self = {EL2_RAM_BASE, 1ull << 20},
		.platform =
			{
				.irqc_kind = RUMKV_IRQC_GICV3,
				.irqc_reg_count = 2,
				.irqc_regs = {{GICM_GICD_BASE, 0x10000},
					      {GICM_GICR_BASE, GICM_GICR_SIZE}},
				.uart_kind = RUMKV_UART_PL011,
				.uart_irq = EL2_UART_IRQ,
				.uart = {0x09000000, 0x1000},
				.timer_irqs = {29, 30, 27, 26},
			},
		.cell_state = el2.cell_state,
		.core_state = el2.core_state,
		.status_page = ram,
		.channel_count = el2_channel_count,
		.channels = el2_channels,
	};
	for (i = 0; i < el2_channel_count; i++) {
		uint64_t bit = 1ull << el2_channels[i].right;

		el2.cells[el2_channels[i].cell[0]].initial_rights |= bit;
		el2.cells[el2_channels[i].cell[1]].initial_rights |= bit;
	}
}

static void fill(uint64_t *a, unsigned n)
{
	unsigned i;

	for (i = 0; i < n; i++) {
		a[i] = CANARY ^ i;
	}
}

static bool intact(const uint64_t *a, unsigned n)
{
	unsigned i;

	for (i = 0; i < n; i++) {
		if (a[i] != (CANARY ^ i)) {
			return false;
		}
	}
	return true;
}

bool el2_canaries_ok(void)
{
	return intact(el2.canary0, 8) && intact(el2.canary1, 8) &&
	       intact(el2.canary2, 8);
}

static void boot(void *plan)
{
	rumkv_boot(plan);
}

void el2_boot(void)
{
	void *tpidr[8];
	unsigned i;
	enum el2_exit how;

	memset(&el2, 0, sizeof(el2));
	/* RumKV's own memory (status page, table pools, images); the cells'
	 * RAM is RumKV's to scrub, and nothing reads what it held. */
	memset(ram, 0, 1u << 20);
	memset(&rumkv_machine, 0, sizeof(rumkv_machine));
	el2.ram = ram;
	for (i = 0; i < 8; i++) {
		el2.guest_spsr[i] = 0x5; /* EL1h, interrupts unmasked */
	}
	fill(el2.canary0, 8);
	fill(el2.canary1, 8);
	fill(el2.canary2, 8);
	build_plan();
	for (i = 0; i < 8; i++) {
		tpidr[i] = &el2.core_state[i];
	}
	el2_cpus_reset(hwids, tpidr);
	gicm_reset(hwids);
	how = el2_run(&el2.core_state[0], boot, &el2.plan);
	if (how != EL2_ENTERED) {
		el2_fail("the boot core did not enter cell A (%d):\n%s", how,
			 el2.console);
	}
	for (i = 1; i < 3; i++) {
		how = el2_run_parked(el2_core((int)i, 0));
		if (how != EL2_ENTERED) {
			el2_fail("cell %u did not start (%d)", i, how);
		}
	}
}

void el2_boot_all(void)
{
	int c;
	uint32_t v;

	el2_boot();
	for (c = 0; c < 3; c++) {
		for (v = 1; v < el2_cell(c)->plan->core_count; v++) {
			uint64_t x[8] = {0xc4000003u, v,
					 EL2_CELL_RAM(c) + 0x100, v};

			if (el2_hvc(el2_core(c, 0), x, 0) != EL2_RETURNED ||
			    x[0] != 0) {
				el2_fail("CPU_ON of vcore %u of cell %d failed",
					 v, c);
			}
			if (el2_run_parked(el2_core(c, v)) != EL2_ENTERED) {
				el2_fail("vcore %u of cell %d did not enter", v,
					 c);
			}
		}
	}
}

bool el2_owns(int c, uint32_t intid)
{
	const struct rumkv_plan_cell *pc = &el2.cells[c];
	uint64_t rights = el2.cell_state[c].rights;
	uint32_t d;
	uint32_t i;

	if (intid < 32) {
		return intid != 15 && intid != 25 && intid != 26;
	}
	if (intid == EL2_UART_IRQ) {
		return false; /* RumKV's: a cell sees only its UART's */
	}
	for (d = 0; d < pc->device_count; d++) {
		for (i = 0; i < pc->devices[d].irq_count; i++) {
			if (pc->devices[d].irqs[i] == intid &&
			    (rights >> pc->devices[d].right & 1) != 0) {
				return true;
			}
		}
	}
	return false;
}

struct rumkv_cell *el2_cell(int c)
{
	return &el2.cell_state[c];
}

struct rumkv_core *el2_core(int c, uint32_t vindex)
{
	return &el2.core_state[el2.cells[c].cores[vindex]];
}

bool el2_console_has(const char *s)
{
	return strstr(el2.console, s) != NULL;
}

static void park(void *core)
{
	rumkv_core_park(core);
}

enum el2_exit el2_run_parked(struct rumkv_core *core)
{
	return el2_run(core, park, core);
}

/* ---- traps ---- */

/* After RumKV returned: a core asked to park meanwhile takes RumKV's SGI
 * as soon as it is back in its cell, and parks. */
static enum el2_exit returned(struct rumkv_core *core, enum el2_exit how)
{
	if (how == EL2_RETURNED && core->state != RUMKV_CORE_RUNNING) {
		return EL2_PARKED;
	}
	return how;
}

static void trap_entry(struct rumkv_core *core, uint64_t esr, uint64_t elr)
{
	int i = (int)core->index;

	if (core->state != RUMKV_CORE_RUNNING) {
		el2_fail("core %d traps but does not run its cell", i);
	}
	el2_cpus[i].sysreg[SR_ESR_EL2] = esr;
	el2_cpus[i].sysreg[SR_ELR_EL2] = elr;
	el2_cpus[i].sysreg[SR_SPSR_EL2] = el2.guest_spsr[i];
	core->exits++; /* vectors.S counts every exit */
}

struct sync_call {
	struct rumkv_core *core;
	struct trap_frame *f;
	uint64_t esr;
	uint64_t *x;
};

static void sync_call(void *arg)
{
	struct sync_call *c = arg;

	aarch64_trap_sync(c->core, c->f, c->esr);
}

enum el2_exit el2_trap(struct rumkv_core *core, uint64_t esr, uint64_t pc,
		       struct trap_frame *f)
{
	struct sync_call c = {core, f, esr, NULL};

	trap_entry(core, esr, pc);
	f->x[31] = 0;
	return returned(core, el2_run(core, sync_call, &c));
}

static void smccc_call(void *arg)
{
	struct sync_call *c = arg;

	aarch64_smccc(c->core, c->x, c->esr);
}

enum el2_exit el2_hvc(struct rumkv_core *core, uint64_t x[8], uint16_t imm)
{
	uint64_t esr = el2_esr(ESR_EC_HVC64, imm);
	/* vectors.S saves x0..x18 and x30 and hands them to aarch64_smccc. */
	uint64_t regs[32] = {0};
	struct sync_call c = {core, NULL, esr, regs};
	enum el2_exit how;

	memcpy(regs, x, 8 * sizeof(uint64_t));
	/* HVC's preferred return address is the next instruction. */
	trap_entry(core, esr, EL2_PC(core->cell->index, core->vindex) + 4);
	how = returned(core, el2_run(core, smccc_call, &c));
	memcpy(x, regs, 8 * sizeof(uint64_t));
	return how;
}

enum el2_exit el2_smc(struct rumkv_core *core, uint64_t x[8], uint16_t imm)
{
	struct trap_frame f = {0};
	enum el2_exit how;

	memcpy(f.x, x, 8 * sizeof(uint64_t));
	/* A trapped SMC's preferred return address is the SMC itself. */
	how = el2_trap(core, el2_esr(ESR_EC_SMC64, imm),
		       EL2_PC(core->cell->index, core->vindex), &f);
	memcpy(x, f.x, 8 * sizeof(uint64_t));
	return how;
}

uint64_t el2_esr_dabt(const struct el2_dabt *d)
{
	unsigned sas = d->size == 8   ? 3
		       : d->size == 4 ? 2
		       : d->size == 2 ? 1
				      : 0;
	uint32_t iss = DABT_ISV | sas << DABT_SAS_SHIFT |
		       (d->sse ? DABT_SSE : 0) |
		       (d->rt & 31) << DABT_SRT_SHIFT | (d->sf ? DABT_SF : 0) |
		       (d->write ? DABT_WNR : 0) |
		       0x07u; /* translation fault, level 3 */

	return el2_esr(ESR_EC_DABT_LOW, iss);
}

/* FAR_EL2 and HPFAR_EL2 of a stage-2 fault at `ipa` (VA == IPA). */
static void fault_address(struct rumkv_core *core, uint64_t ipa)
{
	el2_cpus[core->index].sysreg[SR_FAR_EL2] = ipa;
	el2_cpus[core->index].sysreg[SR_HPFAR_EL2] = (ipa >> 12) << 4;
}

enum el2_exit el2_dabt(struct rumkv_core *core, const struct el2_dabt *d,
		       struct trap_frame *f)
{
	fault_address(core, d->ipa);
	return el2_trap(core, el2_esr_dabt(d),
			EL2_PC(core->cell->index, core->vindex), f);
}

enum el2_exit el2_access(struct rumkv_core *core, uint64_t ipa, uint8_t size,
			 bool write, uint64_t *value)
{
	struct el2_dabt d = {
		.ipa = ipa,
		.size = size,
		.write = write,
		.rt = 1,
		.sf = size == 8,
	};
	struct trap_frame f = {0};
	enum el2_exit how;
	uint64_t pc = EL2_PC(core->cell->index, core->vindex);

	f.x[1] = write ? *value : 0x5a5a5a5a5a5a5a5aull;
	how = el2_dabt(core, &d, &f);
	if (how == EL2_RETURNED) {
		if (el2_cpus[core->index].sysreg[SR_ELR_EL2] != pc + 4) {
			el2_fail("emulated access at 0x%llx did not step over "
				 "the instruction",
				 (unsigned long long)ipa);
		}
		if (!write) {
			*value = f.x[1];
		}
	}
	return how;
}

uint64_t el2_read(struct rumkv_core *core, uint64_t ipa, uint8_t size)
{
	uint64_t v = 0;
	enum el2_exit how = el2_access(core, ipa, size, false, &v);

	if (how != EL2_RETURNED) {
		el2_fail("%u-byte read at 0x%llx: the core left (%d):\n%s",
			 size, (unsigned long long)ipa, how, el2.console);
	}
	return v;
}

void el2_write(struct rumkv_core *core, uint64_t ipa, uint8_t size,
	       uint64_t value)
{
	enum el2_exit how = el2_access(core, ipa, size, true, &value);

	if (how != EL2_RETURNED) {
		el2_fail("%u-byte write at 0x%llx: the core left (%d):\n%s",
			 size, (unsigned long long)ipa, how, el2.console);
	}
}

enum el2_exit el2_sysreg(struct rumkv_core *core, uint32_t key, unsigned rt,
			 bool read, struct trap_frame *f)
{
	uint32_t iss = key | (rt & 31) << 5 | (read ? 1u : 0u);

	return el2_trap(core, el2_esr(ESR_EC_SYSREG, iss),
			EL2_PC(core->cell->index, core->vindex), f);
}
