// SPDX-License-Identifier: MIT
/*
 * The modelled CPUs' system registers and list registers (see
 * cpu_model.h).
 */
#include "cpu_model.h"
#include "gic_model.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct el2_cpu el2_cpus[EL2_CPUS];
_Thread_local struct el2_cpu *el2_cpu_current;
void (*el2_fail_handler)(const char *msg);

static const char *names[EL2_SYSREGS] = {
	[SR_TPIDR_EL2] = "tpidr_el2",
	[SR_MPIDR_EL1] = "mpidr_el1",
	[SR_ICH_VTR_EL2] = "ich_vtr_el2",
	[SR_ICH_ELRSR_EL2] = "ich_elrsr_el2",
	[SR_ICC_SGI1R_EL1] = "icc_sgi1r_el1",
	[SR_ICC_ASGI1R_EL1] = "icc_asgi1r_el1",
	[SR_ICC_SGI0R_EL1] = "icc_sgi0r_el1",
	[SR_ICC_DIR_EL1] = "icc_dir_el1",
	[SR_ICC_EOIR1_EL1] = "icc_eoir1_el1",
	[SR_ESR_EL2] = "esr_el2",
	[SR_ELR_EL2] = "elr_el2",
	[SR_SPSR_EL2] = "spsr_el2",
	[SR_FAR_EL2] = "far_el2",
	[SR_HPFAR_EL2] = "hpfar_el2",
};
static int name_count = SR_FIXED_COUNT;

void el2_fail(const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (el2_fail_handler != NULL) {
		el2_fail_handler(msg);
	}
	fprintf(stderr, "el2 harness: %s\n", msg);
	abort();
}

/* Reached through the WFE macro (el2_host_asm.h). */
void el2_wfe(void);
void el2_wfe(void)
{
	el2_fail("RumKV stopped a core with WFE (an internal fault)");
}

int el2_sysreg_intern(const char *name)
{
	int i;

	for (i = 0; i < name_count; i++) {
		if (strcmp(names[i], name) == 0) {
			return i;
		}
	}
	if (name_count == (int)EL2_SYSREGS) {
		el2_fail("more than %u system registers", EL2_SYSREGS);
	}
	names[name_count] = name;
	return name_count++;
}

static struct el2_cpu *cpu(void)
{
	if (el2_cpu_current == NULL) {
		el2_fail("RumKV code ran outside el2_run (no current core)");
	}
	return el2_cpu_current;
}

/* ICH_ELRSR_EL2: a bit for each implemented list register that holds
 * no interrupt. */
static uint64_t elrsr(const struct el2_cpu *c)
{
	uint64_t v = 0;
	unsigned n;

	for (n = 0; n < EL2_LRS; n++) {
		if ((c->lr[n] >> 62) == 0) {
			v |= 1ull << n;
		}
	}
	return v;
}

uint64_t el2_sysreg_read(int slot)
{
	struct el2_cpu *c = cpu();

	switch (slot) {
	case SR_ICH_ELRSR_EL2:
		return elrsr(c);
	case SR_ICC_SGI1R_EL1:
	case SR_ICC_ASGI1R_EL1:
	case SR_ICC_SGI0R_EL1:
	case SR_ICC_DIR_EL1:
	case SR_ICC_EOIR1_EL1:
		el2_fail("read of write-only register %s", names[slot]);
	default:
		return c->sysreg[slot];
	}
}

void el2_sysreg_write(int slot, uint64_t value)
{
	struct el2_cpu *c = cpu();

	c->sysreg_writes[slot]++;
	switch (slot) {
	case SR_TPIDR_EL2:
	case SR_MPIDR_EL1:
	case SR_ICH_VTR_EL2:
	case SR_ICH_ELRSR_EL2:
		if (slot != SR_TPIDR_EL2 || value != c->sysreg[slot]) {
			el2_fail("write of %s (0x%llx)", names[slot],
				 (unsigned long long)value);
		}
		break;
	case SR_ICC_SGI1R_EL1:
	case SR_ICC_ASGI1R_EL1:
		gicm_cpu_sgi(c->index, value);
		break;
	case SR_ICC_SGI0R_EL1:
		el2_fail("RumKV sent a group 0 SGI");
	case SR_ICC_DIR_EL1:
		gicm_cpu_deactivate(c->index, (uint32_t)value & 0xffffff);
		break;
	case SR_ICC_EOIR1_EL1:
		c->eoi_count++;
		break;
	default:
		c->sysreg[slot] = value;
		break;
	}
}

void el2_cpus_reset(const uint64_t hwid[EL2_CPUS], void *const tpidr[EL2_CPUS])
{
	unsigned i;

	memset(el2_cpus, 0, sizeof(el2_cpus));
	for (i = 0; i < EL2_CPUS; i++) {
		struct el2_cpu *c = &el2_cpus[i];

		c->index = (int)i;
		c->sysreg[SR_TPIDR_EL2] = (uint64_t)(uintptr_t)tpidr[i];
		c->sysreg[SR_MPIDR_EL1] = 1ull << 31 | hwid[i];
		c->sysreg[SR_ICH_VTR_EL2] = EL2_LRS - 1;
	}
}

static int slot_of(const char *name)
{
	return el2_sysreg_intern(name);
}

uint64_t el2_sr_get(int cpu_index, const char *name)
{
	return el2_cpus[cpu_index].sysreg[slot_of(name)];
}

void el2_sr_set(int cpu_index, const char *name, uint64_t value)
{
	el2_cpus[cpu_index].sysreg[slot_of(name)] = value;
}

uint32_t el2_sr_writes(int cpu_index, const char *name)
{
	return el2_cpus[cpu_index].sysreg_writes[slot_of(name)];
}
