// SPDX-License-Identifier: MIT
/*
 * SMCCC calls from cells: RumKV's hypercalls (owner 6, vendor-specific
 * hypervisor), PSCI (owner 4) for the cell's own vcores, and the SMCCC
 * version and discovery calls. Nothing a cell calls ever reaches the
 * platform firmware.
 *
 * PSCI is the cell's view: its vcores are numbered from 0 (MPIDR Aff0 =
 * vcore % 16, Aff1 = vcore / 16), CPU_ON can only start its own cores,
 * SYSTEM_OFF and SYSTEM_RESET end or restart only this cell.
 */
#include "trap.h"

#include <rumkv/abi.h>
#include <rumkv/error.h>

#define SMCCC_VERSION 0x80000000u
#define SMCCC_ARCH_FEATURES 0x80000001u
#define SMCCC_VERSION_1_1 0x10001u

#define PSCI_VERSION 0x84000000u
#define PSCI_CPU_SUSPEND 0x84000001u
#define PSCI_CPU_OFF 0x84000002u
#define PSCI_CPU_ON 0x84000003u
#define PSCI_AFFINITY_INFO 0x84000004u
#define PSCI_MIGRATE_INFO_TYPE 0x84000006u
#define PSCI_SYSTEM_OFF 0x84000008u
#define PSCI_SYSTEM_RESET 0x84000009u
#define PSCI_FEATURES 0x8400000au
#define PSCI_64BIT 0x40000000u
#define PSCI_VERSION_1_1 0x10001u

#define PSCI_SUCCESS 0
#define PSCI_NOT_SUPPORTED (-1)
#define PSCI_INVALID_PARAMETERS (-2)
#define PSCI_ALREADY_ON (-4)
#define PSCI_ON_PENDING (-5)
#define PSCI_INVALID_ADDRESS (-9)

static uint64_t ret_of(int64_t v)
{
	return (uint64_t)v;
}

/* The vcore an MPIDR names, or ~0 if it cannot name one of ours. */
static uint32_t vcore_of_mpidr(uint64_t mpidr)
{
	if ((mpidr & ~0xff0full) != 0) {
		return ~0u; /* Aff0 >= 16, Aff2 or Aff3 set */
	}
	return (uint32_t)((mpidr >> 8 & 0xff) * 16 + (mpidr & 0xf));
}

static bool psci_implemented(uint32_t fid)
{
	switch (fid & ~PSCI_64BIT) {
	case PSCI_VERSION:
	case PSCI_CPU_SUSPEND:
	case PSCI_CPU_OFF:
	case PSCI_CPU_ON:
	case PSCI_AFFINITY_INFO:
	case PSCI_MIGRATE_INFO_TYPE:
	case PSCI_SYSTEM_OFF:
	case PSCI_SYSTEM_RESET:
	case PSCI_FEATURES:
	case SMCCC_VERSION: /* PSCI 1.0 is how callers discover SMCCC 1.1 */
		return true;
	default:
		return false;
	}
}

static uint64_t psci_cpu_on(struct rumkv_core *core, uint64_t *x, bool is64)
{
	uint64_t entry = is64 ? x[2] : (uint32_t)x[2];
	uint64_t ctx = is64 ? x[3] : (uint32_t)x[3];

	switch (rumkv_vcore_on(core, vcore_of_mpidr(x[1]), entry, ctx)) {
	case RUMKV_OK:
		return PSCI_SUCCESS;
	case RUMKV_EBUSY:
		return ret_of(PSCI_ALREADY_ON);
	case RUMKV_ESTATE:
		return ret_of(PSCI_ON_PENDING);
	case RUMKV_ERANGE:
		return ret_of(PSCI_INVALID_ADDRESS);
	default:
		return ret_of(PSCI_INVALID_PARAMETERS);
	}
}

static void psci(struct rumkv_core *core, uint64_t *x)
{
	uint32_t fid = (uint32_t)x[0];
	bool is64 = (fid & PSCI_64BIT) != 0;
	int state;

	switch (fid & ~PSCI_64BIT) {
	case PSCI_VERSION:
		x[0] = PSCI_VERSION_1_1;
		break;
	case PSCI_CPU_SUSPEND:
		/* Every power state is a standby the core leaves at once:
		 * returning is a valid wake-up. */
		x[0] = PSCI_SUCCESS;
		break;
	case PSCI_CPU_OFF:
		rumkv_vcore_off(core);
	case PSCI_CPU_ON:
		x[0] = psci_cpu_on(core, x, is64);
		break;
	case PSCI_AFFINITY_INFO:
		state = x[2] != 0
				? RUMKV_EINVAL
				: rumkv_vcore_state(core, vcore_of_mpidr(x[1]));
		x[0] = state < 0 ? ret_of(PSCI_INVALID_PARAMETERS)
				 : (uint64_t)state;
		break;
	case PSCI_MIGRATE_INFO_TYPE:
		x[0] = 2; /* no trusted OS to migrate */
		break;
	case PSCI_SYSTEM_OFF:
		rumkv_cell_system_off(core, false);
	case PSCI_SYSTEM_RESET:
		rumkv_cell_system_off(core, true);
	case PSCI_FEATURES:
		x[0] = psci_implemented((uint32_t)x[1])
			       ? PSCI_SUCCESS
			       : ret_of(PSCI_NOT_SUPPORTED);
		break;
	default:
		x[0] = ret_of(PSCI_NOT_SUPPORTED);
		break;
	}
}

/* Everything but RumKV's own functions: PSCI, SMCCC discovery, and the
 * NOT_SUPPORTED answer. Out of line, so that the hypercall path stays a
 * chain of tail calls with nothing to save. */
static __attribute__((noinline)) void smccc_other(struct rumkv_core *core,
						  uint64_t *x, bool imm_ok)
{
	uint32_t fid = (uint32_t)x[0];

	if (!imm_ok) {
		x[0] = ret_of(RUMKV_RET_NOT_SUPPORTED);
	} else if ((fid & 0xbfff0000u) == PSCI_VERSION) {
		psci(core, x);
	} else if (fid == SMCCC_VERSION) {
		x[0] = SMCCC_VERSION_1_1;
	} else if (fid == RUMKV_SMCCC_UID) {
		x[0] = RUMKV_UID_W0;
		x[1] = RUMKV_UID_W1;
		x[2] = RUMKV_UID_W2;
		x[3] = RUMKV_UID_W3;
	} else if (fid == RUMKV_SMCCC_CALL_COUNT) {
		x[0] = RUMKV_HC_COUNT;
	} else if (fid == RUMKV_SMCCC_REVISION) {
		x[0] = RUMKV_ABI_VERSION_MAJOR;
		x[1] = RUMKV_ABI_VERSION_MINOR;
	} else {
		/* Including SMCCC_ARCH_FEATURES: no firmware workarounds
		 * are needed or offered. */
		x[0] = ret_of(RUMKV_RET_NOT_SUPPORTED);
	}
}

void aarch64_smccc(struct rumkv_core *core, uint64_t *x, uint64_t esr)
{
	uint32_t fid = (uint32_t)x[0];
	bool imm_ok = (esr & 0xffff) == 0; /* ISS: the HVC/SMC immediate */

	if (imm_ok && (fid & 0xffff0000u) == RUMKV_SMCCC_ID(0)) {
		x[0] = fid & 0xffffu;
		rumkv_hypercall(core, x);
	} else {
		smccc_other(core, x, imm_ok);
	}
}
