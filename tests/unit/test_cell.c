// SPDX-License-Identifier: MIT
/*
 * The cell model over the fake port: boot, core ownership, PSCI-style
 * vcore control, and the lifecycle (halt, restart up to the limit, power
 * off) with what each step must revoke, scrub and report.
 */
#include "fake_machine.h"

#include <criterion/criterion.h>
#include <rumkv/error.h>
#include <string.h>

static bool ram_is_zero(int c)
{
	const uint8_t *p = fake.ram + (FM_CELL_RAM(c) - FM_RAM_BASE);
	uint64_t i;

	for (i = 0; i < FM_CELL_RAM_SIZE; i++) {
		if (p[i] != 0) {
			return false;
		}
	}
	return true;
}

static bool image_loaded(int c)
{
	const uint8_t *p = fake.ram + (FM_CELL_RAM(c) - FM_RAM_BASE);
	uint64_t i;

	for (i = 0; i < FM_IMAGE_SIZE; i++) {
		if (p[i] != fake_image_byte(c, i)) {
			return false;
		}
	}
	return p[FM_DTB_OFFSET] == 0xd0 + c;
}

/* Whether the whole of cell c's RAM was cleaned to the point of
 * coherency after the last write to it (the scrub). */
static bool ram_clean_seen(int c)
{
	uintptr_t ram = (uintptr_t)(fake.ram + (FM_CELL_RAM(c) - FM_RAM_BASE));

	for (uint32_t i = 0; i < fake.event_count; i++) {
		const struct fake_event *e = &fake.events[i];

		if (e->kind == FAKE_CACHE_CLEAN && e->a <= ram &&
		    e->a + e->b >= ram + FM_CELL_RAM_SIZE) {
			return true;
		}
	}
	return false;
}

Test(cell, boot_builds_every_cell)
{
	uint64_t out;
	uint32_t attr;
	int c;

	fm_build();
	cr_assert_eq(fm_boot(), FAKE_ENTER);
	cr_assert_eq(fake_count(FAKE_POWER_ON, -1, -1), 7,
		     "the boot core powers on the seven others");
	cr_assert_eq(fake_count(FAKE_BOOT_DONE, -1, -1), 1);
	for (c = 0; c < 3; c++) {
		cr_assert_eq(fm_cell(c)->state, RUMKV_CELL_RUNNING);
		cr_assert(image_loaded(c), "cell %d image and DTB copied", c);
		cr_assert_eq(rumkv_pt_lookup(&fm_cell(c)->stage2,
					     FM_CELL_RAM(c) + 0x1234, &out,
					     &attr, NULL),
			     RUMKV_OK);
		cr_assert_eq(out, FM_CELL_RAM(c) + 0x1234);
		cr_assert_eq(attr, RUMKV_ATTR_R | RUMKV_ATTR_W | RUMKV_ATTR_X);
		cr_assert_eq(rumkv_pt_lookup(&fm_cell(c)->stage2, FM_STATUS_IPA,
					     &out, &attr, NULL),
			     RUMKV_OK);
		cr_assert_eq(out, FM_RAM_BASE, "status page is RumKV's page");
		cr_assert_eq(attr, RUMKV_ATTR_R, "status page is read-only");
		cr_assert_eq(fm_status(c)->state, RUMKV_CELL_RUNNING);
		cr_assert_eq(fm_status(c)->rights, fm.cells[c].initial_rights);
		/* No cell reaches another's RAM or RumKV's. */
		cr_assert_not(fm_mapped(c, FM_CELL_RAM((c + 1) % 3)));
		cr_assert_not(fm_mapped(c, FM_RAM_BASE));
	}
	cr_assert_eq(rumkv_pt_lookup(&fm_cell(FM_A)->stage2, 0x0a003e00, &out,
				     &attr, NULL),
		     RUMKV_OK);
	cr_assert_eq(out, 0x0a003e00);
	cr_assert_eq(attr, RUMKV_ATTR_R | RUMKV_ATTR_W | RUMKV_ATTR_DEVICE);
	cr_assert(fake_seen(FAKE_IRQ_ASSIGN, FM_A, 79));
	cr_assert(fake_seen(FAKE_IRQ_ASSIGN, FM_C, 55));
	cr_assert(fake_seen(FAKE_IOMMU_ATTACH, FM_B, 5));
	cr_assert_not(fake_seen(FAKE_IRQ_ASSIGN, FM_A, 34));
	cr_assert(strstr(fake.console, "rumkv: cell B: 2 cores (hw 0x4,0x5)") !=
		  NULL);
}

Test(cell, cores_belong_to_one_cell)
{
	uint32_t v;

	fm_boot_all();
	for (v = 0; v < 4; v++) {
		cr_assert_eq(fm_core(FM_A, v)->index, v);
		cr_assert_eq(fm_core(FM_A, v)->cell, fm_cell(FM_A));
		cr_assert_eq(fm_core(FM_A, v)->vindex, v);
	}
	cr_assert_eq(fm_core(FM_B, 1)->index, 5);
	cr_assert_eq(fm_core(FM_C, 0)->index, 6);
	cr_assert_null(fm_core(FM_B, 2), "B has two vcores");
	cr_assert_eq(fm_core(FM_A, 0)->state, RUMKV_CORE_RUNNING);
	cr_assert_eq(fm_core(FM_A, 1)->state, RUMKV_CORE_PARKED);
}

Test(cell, vcore_on_only_own_cores_and_entry_in_ram)
{
	struct rumkv_core *b0;

	fm_boot_all();
	b0 = fm_core(FM_B, 0);
	cr_assert_eq(rumkv_vcore_on(b0, 2, FM_CELL_RAM(FM_B), 0), RUMKV_EINVAL);
	cr_assert_eq(rumkv_vcore_on(b0, ~0u, FM_CELL_RAM(FM_B), 0),
		     RUMKV_EINVAL);
	cr_assert_eq(rumkv_vcore_on(b0, 1, FM_CELL_RAM(FM_A), 0), RUMKV_ERANGE,
		     "entry in another cell's RAM");
	cr_assert_eq(rumkv_vcore_on(b0, 1, ~0ull, 0), RUMKV_ERANGE);
	cr_assert_eq(rumkv_vcore_on(b0, 0, FM_CELL_RAM(FM_B), 0), RUMKV_EBUSY,
		     "already on");
	cr_assert_eq(rumkv_vcore_state(b0, 1), 1, "off");
	cr_assert_eq(rumkv_vcore_on(b0, 1, FM_CELL_RAM(FM_B) + 0x80, 42),
		     RUMKV_OK);
	cr_assert_eq(rumkv_vcore_state(b0, 1), 2, "on pending");
	cr_assert_eq(rumkv_vcore_on(b0, 1, FM_CELL_RAM(FM_B), 0), RUMKV_ESTATE);
	cr_assert_eq(fm_run_parked(fm_core(FM_B, 1)), FAKE_ENTER);
	cr_assert(fake_seen(FAKE_ENTER, FM_B, FM_CELL_RAM(FM_B) + 0x80));
	cr_assert_eq(rumkv_vcore_state(b0, 1), 0, "on");
	cr_assert_eq(rumkv_vcore_state(b0, 5), RUMKV_EINVAL);
}

Test(cell, halt_revokes_scrubs_and_reports)
{
	struct rumkv_core *a0;

	fm_boot_all();
	a0 = fm_core(FM_A, 0);
	cr_assert_eq(rumkv_vcore_on(a0, 2, FM_CELL_RAM(FM_A), 0), RUMKV_OK);
	cr_assert_eq(fm_run_parked(fm_core(FM_A, 2)), FAKE_ENTER);
	fake_reset();

	cr_assert_eq(fm_violation(a0, RUMKV_REASON_STAGE2_FAULT), FAKE_WAIT,
		     "the faulting core parks");
	cr_assert_eq(fm_cell(FM_A)->state, RUMKV_CELL_TERMINATED);
	cr_assert_eq(fm_cell(FM_A)->reason, RUMKV_REASON_STAGE2_FAULT);
	cr_assert_eq(fm_core(FM_A, 2)->state, RUMKV_CORE_PARKED,
		     "the cell's other running core was parked");
	cr_assert_eq(fm_core(FM_A, 0)->state, RUMKV_CORE_PARKED);
	cr_assert(ram_is_zero(FM_A), "RAM scrubbed");
	cr_assert(ram_clean_seen(FM_A),
		  "the scrub reaches memory, for a guest with caches off");
	cr_assert_not(fm_mapped(FM_A, FM_CELL_RAM(FM_A)));
	cr_assert_not(fm_mapped(FM_A, 0x0a003e00));
	cr_assert(fake_invalidated(FM_A, 0x0a003000, 0x1000));
	cr_assert(fake_seen(FAKE_IRQ_REVOKE, FM_A, 79));
	cr_assert(fake_seen(FAKE_IRQ_REVOKE, FM_A, 71));
	cr_assert(fake_seen(FAKE_MMIO_WRITE, -1, 0x0a003e00 + 0x70),
		  "virtio device reset stops its DMA");
	cr_assert_eq(fm_status(FM_A)->state, RUMKV_CELL_TERMINATED);
	cr_assert_eq(fm_status(FM_A)->reason, RUMKV_REASON_STAGE2_FAULT);
	cr_assert_eq(fm_status(FM_A)->rights, 0);
	cr_assert_str_eq(
		fake.console,
		"rumkv: cell A core 0 (hw 0x0): stage-2 fault: write 4 "
		"bytes (translation fault, level 2) at IPA 0x40c00000, "
		"PC 0x40801234; halted\n");
	/* The others never notice. */
	cr_assert_eq(fm_cell(FM_B)->state, RUMKV_CELL_RUNNING);
	cr_assert(fm_mapped(FM_C, FM_CELL_RAM(FM_C)));
	cr_assert(image_loaded(FM_C));
	cr_assert_eq(fake_count(FAKE_IRQ_REVOKE, FM_C, -1), 0);
	cr_assert_eq(fake_count(FAKE_KICK, -1, 6), 0);
	cr_assert_eq(fm_core(FM_C, 0)->state, RUMKV_CORE_RUNNING);
}

Test(cell, second_fault_while_ending_just_parks)
{
	fm_boot_all();
	cr_assert_eq(fm_violation(fm_core(FM_C, 0), RUMKV_REASON_TRAPPED_INSN),
		     FAKE_WAIT);
	fake_reset();
	cr_assert_eq(fm_violation(fm_core(FM_C, 1), RUMKV_REASON_TRAPPED_INSN),
		     FAKE_WAIT);
	cr_assert_eq(fake.console_len, 0, "no second report");
}

Test(cell, restart_until_the_limit)
{
	int run;

	fm_boot_all();
	for (run = 1; run <= 2; run++) {
		fake_reset();
		cr_assert_eq(fm_violation(fm_core(FM_B, 1),
					  RUMKV_REASON_STAGE2_FAULT),
			     FAKE_WAIT);
		cr_assert_eq(fm_cell(FM_B)->state, RUMKV_CELL_RUNNING);
		cr_assert_eq(fm_cell(FM_B)->restart_count, (uint32_t)run);
		cr_assert_eq(fm_status(FM_B)->restart_count, (uint32_t)run);
		cr_assert_eq(fm_status(FM_B)->state, RUMKV_CELL_RUNNING);
		cr_assert_eq(fm_cell(FM_B)->rights,
			     fm.cells[FM_B].initial_rights);
		cr_assert(image_loaded(FM_B), "pristine image back");
		cr_assert(fm_mapped(FM_B, FM_CELL_RAM(FM_B)));
		cr_assert(fm_mapped(FM_B, 0x09010000), "devices back");
		cr_assert(fake_seen(FAKE_IRQ_ASSIGN, FM_B, 34));
		cr_assert(fake_seen(FAKE_IOMMU_DETACH, FM_B, 5));
		cr_assert(fake_seen(FAKE_IOMMU_ATTACH, FM_B, 5));
		cr_assert_eq(fm_core(FM_B, 0)->state, RUMKV_CORE_STARTING,
			     "vcore 0 starts again");
		cr_assert(strstr(fake.console, "restarting") != NULL);
		cr_assert_eq(fm_run_parked(fm_core(FM_B, 0)), FAKE_ENTER);
		cr_assert(fake_seen(FAKE_ENTER, FM_B, FM_CELL_RAM(FM_B)));
	}
	fake_reset();
	cr_assert_eq(fm_violation(fm_core(FM_B, 0), RUMKV_REASON_STAGE2_FAULT),
		     FAKE_WAIT);
	cr_assert_eq(fm_cell(FM_B)->state, RUMKV_CELL_TERMINATED);
	cr_assert(strstr(fake.console, "restart limit 2 reached, halted") !=
		  NULL);
	cr_assert(ram_is_zero(FM_B));
}

/* Cell B sees its RAM at 0x80000000, not where it is: stage-2
 * translates, the images go to where the RAM is, the scrub clears that,
 * and the boot summary names both addresses. */
Test(cell, relocated_cell_sees_its_ram_at_its_guest_address)
{
	static struct rumkv_plan_mem mem_b;
	static struct rumkv_plan_image images_b[2];
	const uint64_t ipa = 0x80000000;
	struct rumkv_plan_cell *pc = &fm.cells[FM_B];
	uint64_t out;
	uint32_t attr;

	fm_build();
	mem_b = pc->mem[0];
	mem_b.ipa = ipa;
	pc->mem = &mem_b;
	images_b[0] = pc->images[0];
	images_b[1] = pc->images[1];
	images_b[0].ipa = ipa;
	images_b[1].ipa = ipa + FM_DTB_OFFSET;
	pc->images = images_b;
	pc->entry_ipa = ipa;
	pc->boot_arg = ipa + FM_DTB_OFFSET;
	cr_assert_eq(fm_boot(), FAKE_ENTER);
	cr_assert_eq(fm_run_parked(fm_core(FM_B, 0)), FAKE_ENTER);
	cr_assert(fake_seen(FAKE_ENTER, FM_B, ipa));
	cr_assert_eq(rumkv_pt_lookup(&fm_cell(FM_B)->stage2,
				     ipa + FM_CELL_RAM_SIZE - 4, &out, &attr,
				     NULL),
		     RUMKV_OK);
	cr_assert_eq(out, FM_CELL_RAM(FM_B) + FM_CELL_RAM_SIZE - 4);
	cr_assert_eq(attr, RUMKV_ATTR_R | RUMKV_ATTR_W | RUMKV_ATTR_X);
	cr_assert_not(fm_mapped(FM_B, ipa + FM_CELL_RAM_SIZE),
		      "nothing past its end");
	cr_assert_not(fm_mapped(FM_B, ipa - 1), "nothing before its start");
	cr_assert_not(fm_mapped(FM_B, FM_CELL_RAM(FM_B)),
		      "its physical address means nothing to it");
	cr_assert(image_loaded(FM_B), "images copied to where the RAM is");
	cr_assert(strstr(fake.console, "rumkv: cell B: 2 cores (hw 0x4,0x5), 2 "
				       "MiB RAM at 0x80000000 (PA 0x40a00000), "
				       "2 devices") != NULL,
		  "console: %s", fake.console);
	cr_assert(strstr(fake.console, "rumkv: cell A: 4 cores (hw "
				       "0x0,0x1,0x2,0x3), 2 MiB RAM, 2 "
				       "devices") != NULL,
		  "identity: one address; console: %s", fake.console);

	fake_reset();
	memset(fake.ram + (FM_CELL_RAM(FM_B) - FM_RAM_BASE) + FM_IMAGE_SIZE,
	       0xee, 16);
	cr_assert_eq(fm_violation(fm_core(FM_B, 0), RUMKV_REASON_STAGE2_FAULT),
		     FAKE_ENTER, "vcore 0 starts again on the same core");
	cr_assert(fake_seen(FAKE_ENTER, FM_B, ipa));
	cr_assert_eq(fm_cell(FM_B)->state, RUMKV_CELL_RUNNING, "restarted");
	cr_assert_eq(
		*(fake.ram + (FM_CELL_RAM(FM_B) - FM_RAM_BASE) + FM_IMAGE_SIZE),
		0, "the scrub cleared where the RAM is");
	cr_assert(image_loaded(FM_B));
	cr_assert(fm_mapped(FM_B, ipa));
	cr_assert(image_loaded(FM_C), "the others never notice");
}

static void vcore_off(void *core)
{
	rumkv_vcore_off(core);
}

static void system_reset(void *core)
{
	rumkv_cell_system_off(core, true);
}

Test(cell, last_core_off_powers_the_cell_off)
{
	fm_boot_all();
	fake_reset();
	cr_assert_eq(fake_run(fm_core(FM_C, 0), vcore_off, fm_core(FM_C, 0)),
		     FAKE_WAIT);
	cr_assert_eq(fm_cell(FM_C)->state, RUMKV_CELL_TERMINATED);
	cr_assert_eq(fm_cell(FM_C)->reason, RUMKV_REASON_SYSTEM_OFF);
	cr_assert_str_eq(fake.console, "rumkv: cell C powered off\n");
}

Test(cell, core_off_with_others_running_only_parks)
{
	fm_boot_all();
	cr_assert_eq(rumkv_vcore_on(fm_core(FM_A, 0), 1, FM_CELL_RAM(FM_A), 0),
		     RUMKV_OK);
	cr_assert_eq(fm_run_parked(fm_core(FM_A, 1)), FAKE_ENTER);
	cr_assert_eq(fake_run(fm_core(FM_A, 1), vcore_off, fm_core(FM_A, 1)),
		     FAKE_WAIT);
	cr_assert_eq(fm_cell(FM_A)->state, RUMKV_CELL_RUNNING);
	cr_assert_eq(fm_core(FM_A, 1)->state, RUMKV_CORE_PARKED);
}

Test(cell, reset_restarts_without_counting)
{
	fm_boot_all();
	fake_reset();
	cr_assert_eq(fm_cell(FM_C)->plan->policy, RUMKV_POLICY_HALT);
	cr_assert_eq(fake_run(fm_core(FM_C, 1), system_reset, fm_core(FM_C, 1)),
		     FAKE_WAIT);
	cr_assert_eq(fm_cell(FM_C)->state, RUMKV_CELL_RUNNING,
		     "a reset reboots even a halt-policy cell");
	cr_assert_eq(fm_cell(FM_C)->restart_count, 0);
	cr_assert_eq(fm_cell(FM_C)->reason, RUMKV_REASON_SYSTEM_RESET);
	cr_assert_eq(fm_core(FM_C, 0)->state, RUMKV_CORE_STARTING);
	cr_assert_str_eq(fake.console, "rumkv: cell C reset\n");
}

Test(cell, machine_powers_off_after_the_last_cell)
{
	fm_boot_all();
	cr_assert_eq(fm_violation(fm_core(FM_A, 0), RUMKV_REASON_STAGE2_FAULT),
		     FAKE_WAIT);
	cr_assert_eq(fm_violation(fm_core(FM_C, 1), RUMKV_REASON_STAGE2_FAULT),
		     FAKE_WAIT);
	cr_assert_eq(fake_count(FAKE_SYSTEM_OFF, -1, -1), 0);
	/* B's vcore 0 faults, and restarts the cell on itself. */
	cr_assert_eq(fm_violation(fm_core(FM_B, 0), RUMKV_REASON_STAGE2_FAULT),
		     FAKE_ENTER, "B restarts");
	cr_assert_eq(fm_violation(fm_core(FM_B, 0), RUMKV_REASON_STAGE2_FAULT),
		     FAKE_ENTER);
	cr_assert_eq(fm_violation(fm_core(FM_B, 0), RUMKV_REASON_STAGE2_FAULT),
		     FAKE_SYSTEM_OFF, "the last cell's end stops the machine");
	cr_assert(strstr(fake.console,
			 "rumkv: every cell has ended; powering off") != NULL);
}

/* The flash window: what its backing does not cover reads as erased
 * flash at every access size; writes anywhere in it are dropped (a
 * flash that answers no commands); its ends are exact. */
Test(cell, flash_window_reads_erased_and_drops_writes)
{
	struct rumkv_mmio_access acc;
	static const uint64_t all_ones[] = {0, 0xff, 0xffff, 0,	   0xffffffff,
					    0, 0,    0,	     ~0ull};

	fm_build();
	fm.cells[FM_B].flash_ipa = 0x4000000;
	fm.cells[FM_B].flash_size = 0x4000000;
	cr_assert_eq(fm_boot(), FAKE_ENTER);
	fake_reset();
	for (uint8_t size = 1; size <= 8; size *= 2) {
		acc = (struct rumkv_mmio_access){.ipa = 0x4000000,
						 .size = size};
		cr_assert_eq(rumkv_mmio_emulate(fm_core(FM_B, 0), &acc),
			     RUMKV_OK);
		cr_assert_eq(acc.value, all_ones[size], "size %u", size);
	}
	acc = (struct rumkv_mmio_access){
		.ipa = 0x7fffffc, .value = 0x98, .size = 4, .write = true};
	cr_assert_eq(rumkv_mmio_emulate(fm_core(FM_B, 0), &acc), RUMKV_OK);
	cr_assert_eq(fake.event_count, 0, "a write touches nothing");
	acc = (struct rumkv_mmio_access){.ipa = 0x8000000, .size = 4};
	cr_assert_eq(rumkv_mmio_emulate(fm_core(FM_B, 0), &acc), RUMKV_ENOENT,
		     "the first byte past the window is not flash");
	acc = (struct rumkv_mmio_access){.ipa = 0x3ffffff, .size = 1};
	cr_assert_eq(rumkv_mmio_emulate(fm_core(FM_B, 0), &acc), RUMKV_ENOENT,
		     "nor the last byte before it");
	acc = (struct rumkv_mmio_access){.ipa = 0x4000000, .size = 4};
	cr_assert_eq(rumkv_mmio_emulate(fm_core(FM_A, 0), &acc), RUMKV_ENOENT,
		     "another cell has no flash window");
}

/* A fault inside relocated memory (a permission fault, or a region a
 * pledge unmapped) names where that memory really is too. */
Test(cell, report_names_the_physical_address_of_relocated_memory)
{
	static struct rumkv_plan_mem mem_b;
	struct rumkv_plan_cell *pc = &fm.cells[FM_B];

	fm_build();
	mem_b = pc->mem[0];
	mem_b.ipa = 0x40b00000; /* fm_violation's IPA is 0x40c00000 */
	pc->mem = &mem_b;
	pc->entry_ipa = 0x40b00000;
	pc->boot_arg = 0x40b00000 + FM_DTB_OFFSET;
	((struct rumkv_plan_image *)pc->images)[0].ipa = 0x40b00000;
	((struct rumkv_plan_image *)pc->images)[1].ipa =
		0x40b00000 + FM_DTB_OFFSET;
	cr_assert_eq(fm_boot(), FAKE_ENTER);
	cr_assert_eq(fm_run_parked(fm_core(FM_B, 0)), FAKE_ENTER);
	fake_reset();
	cr_assert_eq(fm_violation(fm_core(FM_B, 0), RUMKV_REASON_STAGE2_FAULT),
		     FAKE_ENTER);
	cr_assert(strstr(fake.console, "at IPA 0x40c00000 (PA 0x40b00000), "
				       "PC 0x40801234; restarting") != NULL,
		  "console: %s", fake.console);
}

static void serve(void *core)
{
	rumkv_core_serve(core);
}

/* An IOMMU fault found on another core (the SMMU's interrupt) ends the
 * stream's cell on the cell's own core, once, with the report; the cell
 * restarts with its stream re-attached and can be ended so again. */
Test(cell, dma_fault_ends_the_streams_cell_on_its_own_core)
{
	struct rumkv_fault f = {
		.reason = RUMKV_REASON_DMA_FAULT,
		.ipa = 0x40c00000,
		.ipa_valid = true,
		.cause = "SMMU translation fault (event 0x10): DMA write by "
			 "stream 5 (/dma@9020000)",
	};
	struct rumkv_core *b0;
	enum fake_event_kind how;

	fm_boot_all();
	b0 = fm_core(FM_B, 0);
	fake_reset();
	rumkv_cell_fault_async(fm_cell(FM_B), &f);
	cr_assert_eq(fake_count(FAKE_KICK, -1, 4), 1, "B's vcore 0 kicked");
	cr_assert_neq(b0->requests & RUMKV_REQ_END, 0);
	rumkv_cell_fault_async(fm_cell(FM_B), &f);
	cr_assert_eq(fake_count(FAKE_KICK, -1, -1), 1, "only the first counts");
	cr_assert_eq(fm_cell(FM_B)->state, RUMKV_CELL_RUNNING,
		     "nothing happens until B's core serves the request");

	fake.guest_pc = 0x40a01000;
	how = fake_run(b0, serve, b0);
	cr_assert_eq(how, FAKE_ENTER, "B's vcore 0 restarts right there");
	cr_assert(fake_seen(FAKE_IOMMU_DETACH, FM_B, 5), "stream aborted");
	cr_assert(fake_seen(FAKE_IOMMU_ATTACH, FM_B, 5), "and back on restart");
	cr_assert_str_eq(
		fake.console,
		"rumkv: cell B core 0 (hw 0x4): SMMU translation fault "
		"(event 0x10): DMA write by stream 5 (/dma@9020000) "
		"at IPA 0x40c00000, PC 0x40a01000; restarting (1 of "
		"2)\n");
	cr_assert_eq(fm_cell(FM_B)->reason, RUMKV_REASON_DMA_FAULT);
	cr_assert_eq(fm_cell(FM_B)->restart_count, 1);
	cr_assert_eq(b0->requests & RUMKV_REQ_END, 0, "no stale end request");
	cr_assert_eq(fm_cell(FM_B)->fault_pending, 0);
	cr_assert_eq(fm_cell(FM_A)->state, RUMKV_CELL_RUNNING);
	cr_assert_eq(fm_cell(FM_C)->state, RUMKV_CELL_RUNNING);
	cr_assert_eq(fake_count(FAKE_KICK, FM_A, -1), 0);

	fake_reset();
	rumkv_cell_fault_async(fm_cell(FM_B), &f);
	cr_assert_eq(fake_count(FAKE_KICK, -1, 4), 1, "the new run can end");
}
