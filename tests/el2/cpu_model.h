/* SPDX-License-Identifier: MIT */
/*
 * The modelled CPUs: a system-register file and the list registers of
 * each of the 8 physical cores, and which core is "running" RumKV code
 * right now. <aarch64/sysreg_access.h> of the host build maps
 * read_sysreg(name)/write_sysreg(name, v) onto el2_sysreg_read/write of
 * the current core, by register name.
 *
 * Registers without a side effect are plain storage (a register RumKV
 * never wrote reads as what the harness put there, or 0). The few with
 * one are listed in enum el2_sr: ICC_SGI1R_EL1 generates SGIs in the GIC
 * model, ICC_DIR_EL1 deactivates, ICH_ELRSR_EL2 is computed from the list
 * registers, TPIDR_EL2 and MPIDR_EL1 identify the core.
 */
#ifndef EL2_CPU_MODEL_H
#define EL2_CPU_MODEL_H

#include <stdbool.h>
#include <stdint.h>

#define EL2_CPUS 8u
#define EL2_SYSREGS 128u
#define EL2_LRS 4u /* ICH_VTR_EL2.ListRegs + 1 */

/* Registers with fixed slots (the first names the table interns). */
enum el2_sr {
	SR_TPIDR_EL2,
	SR_MPIDR_EL1,
	SR_ICH_VTR_EL2,
	SR_ICH_ELRSR_EL2,
	SR_ICC_SGI1R_EL1,
	SR_ICC_ASGI1R_EL1,
	SR_ICC_SGI0R_EL1,
	SR_ICC_DIR_EL1,
	SR_ICC_EOIR1_EL1,
	SR_ESR_EL2,
	SR_ELR_EL2,
	SR_SPSR_EL2,
	SR_FAR_EL2,
	SR_HPFAR_EL2,
	SR_FIXED_COUNT
};

struct el2_cpu {
	int index;
	uint64_t sysreg[EL2_SYSREGS];
	uint32_t sysreg_writes[EL2_SYSREGS]; /* times RumKV wrote each */
	uint64_t lr[16];
	uint32_t eoi_count;
};

extern struct el2_cpu el2_cpus[EL2_CPUS];

/* The core whose RumKV code runs now (set by el2_run). */
extern _Thread_local struct el2_cpu *el2_cpu_current;

/* Resets every CPU; `tpidr[i]` is core i's struct rumkv_core. */
void el2_cpus_reset(const uint64_t hwid[EL2_CPUS], void *const tpidr[EL2_CPUS]);

/* A register's slot in the file, interned by its lower-case name. */
int el2_sysreg_intern(const char *name);
uint64_t el2_sysreg_read(int slot);
void el2_sysreg_write(int slot, uint64_t value);

/* Direct access for tests (no side effects, not counted). */
uint64_t el2_sr_get(int cpu, const char *name);
void el2_sr_set(int cpu, const char *name, uint64_t value);
uint32_t el2_sr_writes(int cpu, const char *name);

/* A model or harness check failed: reports and ends the test (the
 * Criterion suites and the fuzzer each say how, see el2_fail_handler). */
void el2_fail(const char *fmt, ...)
	__attribute__((format(printf, 1, 2), noreturn));
extern void (*el2_fail_handler)(const char *msg);

#endif /* EL2_CPU_MODEL_H */
