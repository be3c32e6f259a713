// SPDX-License-Identifier: MIT
/*
 * Boot order over the fake port (issue 11): the console first, then the
 * plan's version, then every error of the plan, and only then the
 * machine's set-up. A corrupt plan used to reach port_machine_init first
 * and be reported as whatever the port tripped over ("EL2 translation
 * tables do not fit"), and a plan of another version powered the machine
 * off without a word.
 */
#include "fake_machine.h"

#include <criterion/criterion.h>
#include <rumkv/error.h>
#include <string.h>

/* Index of the first event of `kind`, or -1. */
static int first(enum fake_event_kind kind)
{
	for (uint32_t i = 0; i < fake.event_count; i++) {
		if (fake.events[i].kind == kind) {
			return (int)i;
		}
	}
	return -1;
}

static bool console_has(const char *text)
{
	return strstr(fake.console, text) != NULL;
}

Test(boot, console_first_then_plan_then_machine)
{
	fm_build();
	cr_assert_eq(fm_boot(), FAKE_ENTER);
	cr_assert_eq(first(FAKE_CONSOLE_INIT), 0, "the console comes first");
	cr_assert(fake_seen(FAKE_CONSOLE_INIT, -1, 0x09000000),
		  "with the plan's UART");
	cr_assert_eq(fake_count(FAKE_MACHINE_INIT, -1, -1), 1);
	cr_assert_eq(first(FAKE_MACHINE_INIT), 1,
		     "the machine is set up next, before any cell");
}

/* Cell B's RAM over cell A's, cell C's inside RumKV's own memory: the
 * AArch64 port's set-up cannot map such a plan, as the fake one says. */
Test(boot, corrupt_plan_reports_every_error_before_machine_set_up)
{
	static struct rumkv_plan_mem mem_b, mem_c;

	fm_build();
	mem_b = fm.cells[FM_B].mem[0];
	mem_b.ipa = mem_b.pa = FM_CELL_RAM(FM_A);
	fm.cells[FM_B].mem = &mem_b;
	mem_c = fm.cells[FM_C].mem[0];
	mem_c.ipa = mem_c.pa = FM_RAM_BASE + 0x200000;
	fm.cells[FM_C].mem = &mem_c;
	fake.machine_init_result = -1;

	cr_assert_eq(fm_boot(), FAKE_SYSTEM_OFF);
	cr_assert_eq(fake_count(FAKE_MACHINE_INIT, -1, -1), 0,
		     "a corrupt plan never reaches the machine's set-up");
	cr_assert(console_has("rumkv: plan: cell B: memory: 0x40800000+0x200000"
			      " overlaps cell A memory 0x40800000+0x200000\n"),
		  "console: %s", fake.console);
	cr_assert(console_has(
			  "rumkv: plan: cell C: memory: 0x40200000+0x200000"
			  " overlaps RumKV's own memory 0x40000000+0x800000\n"),
		  "console: %s", fake.console);
	cr_assert(console_has("rumkv: cannot start: the plan has errors; "
			      "powering off\n"),
		  "console: %s", fake.console);
}

Test(boot, other_version_is_named_and_read_no_further)
{
	fm_build();
	fm.plan.version = RUMKV_PLAN_VERSION + 1;
	fm.plan.cell_count = 0; /* would be an error of a version-2 plan */

	cr_assert_eq(fm_boot(), FAKE_SYSTEM_OFF);
	cr_assert_eq(fake_count(FAKE_MACHINE_INIT, -1, -1), 0);
	cr_assert_str_eq(fake.console,
			 "rumkv: cannot start: plan version 3, this RumKV "
			 "reads version 2; powering off\n");
}

Test(boot, console_the_port_cannot_drive_powers_off)
{
	fm_build();
	fake.console_init_result = RUMKV_ENOTSUP;

	cr_assert_eq(fm_boot(), FAKE_SYSTEM_OFF);
	cr_assert_eq(fake_count(FAKE_MACHINE_INIT, -1, -1), 0);
	cr_assert_eq(fake.console_len, 0, "nothing to say it on");
}

Test(boot, machine_set_up_failure_builds_no_cell)
{
	fm_build();
	fake.machine_init_result = -1;

	cr_assert_eq(fm_boot(), FAKE_SYSTEM_OFF);
	cr_assert_eq(fake_count(FAKE_MACHINE_INIT, -1, -1), 1);
	cr_assert_eq(fake_count(FAKE_IRQ_ASSIGN, -1, -1), 0);
	cr_assert_eq(fake_count(FAKE_POWER_ON, -1, -1), 0);
}
