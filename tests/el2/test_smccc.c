// SPDX-License-Identifier: MIT
/*
 * SMCCC calls from cells (ports/aarch64/smccc.c): RumKV's own function
 * range, PSCI in the cell's own vcore numbering, SMCCC discovery, and
 * NOT_SUPPORTED for everything else or any immediate other than 0; HVC
 * and (trapped) SMC alike, each returning past the call.
 */
#include "el2_test.h"

#include <stdio.h>
#include <string.h>

#define PSCI_VERSION 0x84000000u
#define PSCI_CPU_SUSPEND 0x84000001u
#define PSCI_CPU_OFF 0x84000002u
#define PSCI_CPU_ON 0x84000003u
#define PSCI_CPU_ON64 0xc4000003u
#define PSCI_AFFINITY_INFO 0x84000004u
#define PSCI_AFFINITY_INFO64 0xc4000004u
#define PSCI_MIGRATE_INFO_TYPE 0x84000006u
#define PSCI_SYSTEM_OFF 0x84000008u
#define PSCI_SYSTEM_RESET 0x84000009u
#define PSCI_FEATURES 0x8400000au

#define NOT_SUPPORTED 0xffffffffffffffffull
#define INVALID_PARAMETERS 0xfffffffffffffffeull
#define ALREADY_ON 0xfffffffffffffffcull
#define ON_PENDING 0xfffffffffffffffbull
#define INVALID_ADDRESS 0xfffffffffffffff7ull

/* A call by HVC #imm (smc: SMC #imm) with x0..x3; x4..x7 hold a pattern
 * SMCCC 1.1 requires to survive. Returns x0; x[] gets x0..x7 back. */
static uint64_t call(struct rumkv_core *core, bool smc, uint16_t imm,
		     uint64_t x[8], enum el2_exit *how)
{
	uint64_t pc = EL2_PC(core->cell->index, core->vindex);
	enum el2_exit h;

	for (unsigned i = 4; i < 8; i++) {
		x[i] = 0x4444000000000000ull | i;
	}
	h = smc ? el2_smc(core, x, imm) : el2_hvc(core, x, imm);
	if (how != NULL) {
		*how = h;
	} else {
		cr_assert_eq(h, EL2_RETURNED, "call 0x%llx returns",
			     (unsigned long long)x[0]);
	}
	if (h == EL2_RETURNED) {
		cr_assert_eq(el2_cpus[core->index].sysreg[SR_ELR_EL2], pc + 4,
			     "%s returns past the call", smc ? "SMC" : "HVC");
		for (unsigned i = 4; i < 8; i++) {
			cr_assert_eq(x[i], 0x4444000000000000ull | i,
				     "x%u preserved", i);
		}
	}
	return x[0];
}

static uint64_t hvc4(struct rumkv_core *core, uint64_t x0, uint64_t x1,
		     uint64_t x2, uint64_t x3)
{
	uint64_t x[8] = {x0, x1, x2, x3};

	return call(core, false, 0, x, NULL);
}

static uint64_t smc4(struct rumkv_core *core, uint64_t x0, uint64_t x1,
		     uint64_t x2, uint64_t x3)
{
	uint64_t x[8] = {x0, x1, x2, x3};

	return call(core, true, 0, x, NULL);
}

/* ---- PSCI ---- */

Test(psci, cpu_on_own_vcore)
{
	struct rumkv_core *target;

	el2_boot();
	target = el2_core(EL2_B, 1);
	cr_assert_eq(hvc4(el2_core(EL2_B, 0), PSCI_CPU_ON64, 0x1,
			  EL2_CELL_RAM(EL2_B) + 0x200, 0xc0ffee),
		     0);
	cr_assert_eq(target->state, RUMKV_CORE_STARTING);
	cr_assert_eq(hvc4(el2_core(EL2_B, 0), PSCI_CPU_ON64, 0x1,
			  EL2_CELL_RAM(EL2_B) + 0x200, 0),
		     ON_PENDING);
	cr_assert_eq(el2_run_parked(target), EL2_ENTERED);
	cr_assert_eq(el2.entry[target->index], EL2_CELL_RAM(EL2_B) + 0x200);
	cr_assert_eq(el2.entry_arg[target->index], 0xc0ffee);
	cr_assert_eq(el2_sr_get((int)target->index, "vmpidr_el2") & 0xffffff,
		     0x1, "vcore 1's MPIDR");
	cr_assert_eq(hvc4(el2_core(EL2_B, 0), PSCI_CPU_ON64, 0x1,
			  EL2_CELL_RAM(EL2_B) + 0x200, 0),
		     ALREADY_ON);
	cr_assert_eq(hvc4(el2_core(EL2_B, 1), PSCI_CPU_ON64, 0x0,
			  EL2_CELL_RAM(EL2_B) + 0x200, 0),
		     ALREADY_ON);
}

Test(psci, cpu_on_32bit_arguments)
{
	el2_boot();
	/* SMC32: the upper halves of x2 and x3 are not part of them. */
	cr_assert_eq(smc4(el2_core(EL2_A, 0), PSCI_CPU_ON, 0x3,
			  0xffffffff00000000ull | (EL2_CELL_RAM(EL2_A) + 0x300),
			  0xaaaaaaaa00000007ull),
		     0);
	cr_assert_eq(el2_run_parked(el2_core(EL2_A, 3)), EL2_ENTERED);
	cr_assert_eq(el2.entry[3], EL2_CELL_RAM(EL2_A) + 0x300);
	cr_assert_eq(el2.entry_arg[3], 7);
}

/* MPIDRs that cannot name one of the caller's vcores start nothing. */
Test(psci, cpu_on_bad_mpidr)
{
	static const uint64_t mpidrs[] = {
		0x10,		/* Aff0 = 16 */
		0xff,		/* Aff0 = 255 */
		0x10001,	/* Aff2 */
		0x100000001ull, /* Aff3 */
		0x100,		/* vcore 16: B's core 4's hardware ID */
		0x10000,	/* C's core 6's hardware ID */
		0x4,		/* A has vcores 0-3 */
		0x2,		/* B and C have 0-1 */
	};

	el2_boot();
	for (unsigned i = 0; i < RUMKV_ARRAY_SIZE(mpidrs); i++) {
		for (int c = 0; c < 3; c++) {
			if (mpidrs[i] == 0x2 && c == EL2_A) {
				continue;
			}
			cr_assert_eq(
				hvc4(el2_core(c, 0), PSCI_CPU_ON64, mpidrs[i],
				     EL2_CELL_RAM(c) + 0x100, 0),
				INVALID_PARAMETERS, "cell %d CPU_ON 0x%llx", c,
				(unsigned long long)mpidrs[i]);
			cr_assert_eq(hvc4(el2_core(c, 0), PSCI_AFFINITY_INFO64,
					  mpidrs[i], 0, 0),
				     INVALID_PARAMETERS);
		}
	}
	for (unsigned i = 0; i < 8; i++) {
		struct rumkv_core *core = &el2.core_state[i];

		cr_assert_eq(core->state,
			     core->vindex == 0 ? RUMKV_CORE_RUNNING
					       : RUMKV_CORE_PARKED,
			     "core %u", i);
	}
}

Test(psci, cpu_on_bad_entry)
{
	el2_boot();
	cr_assert_eq(hvc4(el2_core(EL2_A, 0), PSCI_CPU_ON64, 1, 0x50000000, 0),
		     INVALID_ADDRESS);
	cr_assert_eq(hvc4(el2_core(EL2_A, 0), PSCI_CPU_ON64, 1,
			  EL2_CELL_RAM(EL2_C), 0),
		     INVALID_ADDRESS, "another cell's RAM");
	cr_assert_eq(el2_core(EL2_A, 1)->state, RUMKV_CORE_PARKED);
}

Test(psci, affinity_info)
{
	struct rumkv_core *a0;

	el2_boot();
	a0 = el2_core(EL2_A, 0);
	cr_assert_eq(hvc4(a0, PSCI_AFFINITY_INFO64, 0, 0, 0), 0, "on");
	cr_assert_eq(hvc4(a0, PSCI_AFFINITY_INFO, 1, 0, 0), 1, "off");
	cr_assert_eq(hvc4(a0, PSCI_CPU_ON64, 2, EL2_CELL_RAM(EL2_A), 0), 0);
	cr_assert_eq(hvc4(a0, PSCI_AFFINITY_INFO64, 2, 0, 0), 2, "pending");
	cr_assert_eq(hvc4(a0, PSCI_AFFINITY_INFO64, 2, 1, 0),
		     INVALID_PARAMETERS, "lowest affinity level 1");
	cr_assert_eq(el2_run_parked(el2_core(EL2_A, 2)), EL2_ENTERED);
	cr_assert_eq(hvc4(el2_core(EL2_A, 2), PSCI_AFFINITY_INFO64, 2, 0, 0),
		     0);
}

Test(psci, discovery)
{
	struct rumkv_core *c1;
	uint64_t x[8] = {PSCI_MIGRATE_INFO_TYPE};

	el2_boot_all();
	c1 = el2_core(EL2_C, 1);
	cr_assert_eq(hvc4(c1, PSCI_VERSION, 0, 0, 0), 0x10001);
	cr_assert_eq(smc4(c1, PSCI_VERSION, 0, 0, 0), 0x10001);
	cr_assert_eq(hvc4(c1, PSCI_FEATURES, PSCI_CPU_ON64, 0, 0), 0);
	cr_assert_eq(hvc4(c1, PSCI_FEATURES, PSCI_SYSTEM_OFF, 0, 0), 0);
	cr_assert_eq(hvc4(c1, PSCI_FEATURES, 0x84000050u, 0, 0), NOT_SUPPORTED);
	cr_assert_eq(hvc4(c1, PSCI_CPU_SUSPEND, 0, 0, 0), 0);
	cr_assert_eq(call(c1, false, 0, x, NULL), 2);
	cr_assert_eq(c1->state, RUMKV_CORE_RUNNING);
}

Test(psci, cpu_off)
{
	enum el2_exit how;
	uint64_t x[8] = {PSCI_CPU_OFF};

	el2_boot_all();
	(void)call(el2_core(EL2_B, 1), false, 0, x, &how);
	cr_assert_eq(how, EL2_PARKED);
	cr_assert_eq(hvc4(el2_core(EL2_B, 0), PSCI_AFFINITY_INFO64, 1, 0, 0),
		     1);
	cr_assert_eq(el2_cell(EL2_B)->state, RUMKV_CELL_RUNNING);
	/* The last vcore going off is the cell powering off. */
	x[0] = PSCI_CPU_OFF;
	(void)call(el2_core(EL2_B, 0), false, 0, x, &how);
	cr_assert_eq(how, EL2_PARKED);
	cr_assert_eq(el2_cell(EL2_B)->state, RUMKV_CELL_TERMINATED);
	cr_assert_eq(el2_cell(EL2_B)->reason, RUMKV_REASON_SYSTEM_OFF);
	cr_assert_eq(el2_cell(EL2_A)->state, RUMKV_CELL_RUNNING);
	cr_assert_eq(el2_cell(EL2_C)->state, RUMKV_CELL_RUNNING);
}

Test(psci, system_off_and_reset)
{
	enum el2_exit how;
	uint64_t x[8] = {PSCI_SYSTEM_RESET};

	el2_boot_all();
	(void)call(el2_core(EL2_C, 1), true, 0, x, &how);
	cr_assert_eq(how, EL2_PARKED);
	cr_assert_eq(el2_cell(EL2_C)->state, RUMKV_CELL_RUNNING, "restarted");
	cr_assert_eq(el2_core(EL2_C, 0)->state, RUMKV_CORE_STARTING);
	cr_assert(el2_console_has("cell C reset"), "%s", el2.console);
	cr_assert_eq(el2_run_parked(el2_core(EL2_C, 0)), EL2_ENTERED);
	x[0] = PSCI_SYSTEM_OFF;
	(void)call(el2_core(EL2_C, 0), false, 0, x, &how);
	cr_assert_eq(how, EL2_PARKED);
	cr_assert_eq(el2_cell(EL2_C)->state, RUMKV_CELL_TERMINATED);
	cr_assert(el2_console_has("cell C powered off"), "%s", el2.console);
	cr_assert_eq(el2_cell(EL2_A)->state, RUMKV_CELL_RUNNING);
	cr_assert_eq(el2_cell(EL2_B)->state, RUMKV_CELL_RUNNING);
}

/* ---- SMCCC and RumKV's range ---- */

Test(smccc, discovery)
{
	uint64_t x[8] = {RUMKV_SMCCC_UID};
	struct rumkv_core *a3;

	el2_boot_all();
	a3 = el2_core(EL2_A, 3);
	cr_assert_eq(hvc4(a3, 0x80000000u, 0, 0, 0), 0x10001, "SMCCC 1.1");
	cr_assert_eq(hvc4(a3, 0x80000001u, 0x80008000u, 0, 0), NOT_SUPPORTED,
		     "ARCH_FEATURES: no workarounds");
	cr_assert_eq(call(a3, false, 0, x, NULL), RUMKV_UID_W0);
	cr_assert_eq(x[1], RUMKV_UID_W1);
	cr_assert_eq(x[2], RUMKV_UID_W2);
	cr_assert_eq(x[3], RUMKV_UID_W3);
	cr_assert_eq(hvc4(a3, RUMKV_SMCCC_CALL_COUNT, 0, 0, 0), RUMKV_HC_COUNT);
	x[0] = RUMKV_SMCCC_REVISION;
	cr_assert_eq(call(a3, true, 0, x, NULL), RUMKV_ABI_VERSION_MAJOR);
	cr_assert_eq(x[1], RUMKV_ABI_VERSION_MINOR);
}

Test(smccc, rumkv_range)
{
	uint64_t x[8] = {RUMKV_SMCCC_ID(RUMKV_HC_CORE_INFO)};
	struct rumkv_core *b1;

	el2_boot_all();
	b1 = el2_core(EL2_B, 1);
	cr_assert_eq(hvc4(b1, RUMKV_SMCCC_ID(RUMKV_HC_VERSION), 0, 0, 0),
		     RUMKV_ABI_VERSION);
	cr_assert_eq(call(b1, false, 0, x, NULL), 0);
	cr_assert_eq(x[1], EL2_B);
	cr_assert_eq(x[2], 1);
	cr_assert_eq(x[3], 0x101);
	x[0] = RUMKV_SMCCC_ID(RUMKV_HC_CORE_INFO);
	cr_assert_eq(call(b1, true, 0, x, NULL), 0, "by SMC too");
	cr_assert_eq(x[3], 0x101);
	for (uint32_t fn = RUMKV_HC_COUNT; fn < 0x10000; fn += 0x1fff) {
		cr_assert_eq(hvc4(b1, RUMKV_SMCCC_ID(fn), 0, 0, 0),
			     NOT_SUPPORTED, "function 0x%x", fn);
	}
	cr_assert_eq(hvc4(b1, RUMKV_SMCCC_ID(0xffff), 0, 0, 0), NOT_SUPPORTED);
}

Test(smccc, unknown_function_ids)
{
	static const uint32_t fids[] = {
		0x84000050u, 0xc4000050u, /* PSCI, unassigned */
		0x82000000u, 0xc2000001u, /* SiP */
		0x83000000u, 0xc3000000u, /* OEM */
		0x85000000u, 0xc5000000u, /* standard hypervisor */
		0x86000001u, 0x8600ff02u, /* RumKV's owner, SMC32 */
		0xc6010000u, 0xc6ff0001u, /* beyond RumKV's 16-bit range */
		0xc7000000u, 0xbf000000u, 0x30000000u,
		0xffffffffu, 0x00000000u, 0x40000000u,
	};

	el2_boot_all();
	for (unsigned i = 0; i < RUMKV_ARRAY_SIZE(fids); i++) {
		uint64_t rights = el2_cell(EL2_A)->rights;

		cr_assert_eq(hvc4(el2_core(EL2_A, i % 4), fids[i],
				  RUMKV_RIGHT_CONSOLE, 2, 3),
			     NOT_SUPPORTED, "function 0x%08x", fids[i]);
		cr_assert_eq(smc4(el2_core(EL2_A, i % 4), fids[i],
				  RUMKV_RIGHT_CONSOLE, 2, 3),
			     NOT_SUPPORTED, "function 0x%08x by SMC", fids[i]);
		cr_assert_eq(el2_cell(EL2_A)->rights, rights);
	}
	cr_assert_eq(el2.console_len, strlen(el2.console));
	cr_assert(!el2_console_has("[A]"), "no console output: %s",
		  el2.console);
}

/* A non-zero immediate is not an SMCCC call: nothing is done. */
Test(smccc, immediate_not_zero)
{
	static const uint16_t imms[] = {1, 0x10, 0xffff};

	el2_boot_all();
	for (unsigned i = 0; i < RUMKV_ARRAY_SIZE(imms); i++) {
		for (int smc = 0; smc < 2; smc++) {
			uint64_t x[8] = {RUMKV_SMCCC_ID(RUMKV_HC_PLEDGE),
					 RUMKV_RIGHT_CONSOLE};
			uint64_t y[8] = {PSCI_CPU_ON64, 1, EL2_CELL_RAM(EL2_A),
					 0};
			uint64_t z[8] = {PSCI_VERSION};

			cr_assert_eq(
				call(el2_core(EL2_A, 0), smc, imms[i], x, NULL),
				NOT_SUPPORTED);
			cr_assert_eq(
				call(el2_core(EL2_A, 0), smc, imms[i], z, NULL),
				NOT_SUPPORTED);
			cr_assert_eq(el2_cell(EL2_A)->rights,
				     RUMKV_RIGHT_CONSOLE | RUMKV_RIGHT_NET |
					     RUMKV_RIGHT_BLOCK,
				     "no pledge with #%u", imms[i]);
			cr_assert_eq(
				call(el2_core(EL2_A, 0), smc, imms[i], y, NULL),
				NOT_SUPPORTED);
		}
	}
}

/* A call that ends the cell names the call's own address. */
Test(smccc, report_names_the_call)
{
	uint64_t x[8] = {RUMKV_SMCCC_ID(RUMKV_HC_PLEDGE), ~0ull};
	enum el2_exit how;
	char pc[32];

	el2_boot_all();
	(void)call(el2_core(EL2_A, 2), false, 0, x, &how);
	cr_assert_eq(how, EL2_PARKED);
	snprintf(pc, sizeof(pc), "PC 0x%llx",
		 (unsigned long long)EL2_PC(EL2_A, 2));
	expect_ended(EL2_A, pc);
	x[0] = RUMKV_SMCCC_ID(RUMKV_HC_PLEDGE);
	x[1] = ~0ull;
	(void)call(el2_core(EL2_C, 1), true, 0, x, &how);
	snprintf(pc, sizeof(pc), "PC 0x%llx",
		 (unsigned long long)EL2_PC(EL2_C, 1));
	expect_ended(EL2_C, pc);
}
