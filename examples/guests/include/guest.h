/* SPDX-License-Identifier: MIT */
/*
 * The runtime of RumKV's bare-metal example and test guests: console
 * output through the RumKV hypercall (or straight to the PL011 when run
 * without RumKV), PSCI, the cell's device tree, the virtual timer and a
 * minimal GICv3 driver.
 */
#ifndef GUEST_H
#define GUEST_H

#include <rumkv/abi.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct smccc_res {
	int64_t x0;
	uint64_t x1, x2, x3;
};

/* An SMCCC call through HVC (or SMC when `smc`). */
struct smccc_res smccc_call(bool smc, uint32_t fid, uint64_t a1, uint64_t a2,
			    uint64_t a3);

/* A RumKV hypercall by function number. */
struct smccc_res rumkv_call(uint32_t fn, uint64_t a1, uint64_t a2, uint64_t a3);

/* Output. Each call prints whole lines. */
void gputs(const char *s);
void gprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* True when no hypervisor answered: print to the PL011 directly. */
extern bool guest_native;

/* PSCI. */
int64_t psci_cpu_on(uint64_t mpidr, uint64_t entry, uint64_t ctx);
int64_t psci_affinity_info(uint64_t mpidr);
void psci_cpu_off(void) __attribute__((noreturn));
void psci_system_off(void) __attribute__((noreturn));
void psci_system_reset(void) __attribute__((noreturn));
void guest_secondary_entry(void);

/* The calling vcore's index (MPIDR Aff0). */
unsigned vcore_index(void);

/* Prints "vcore N up: mpidr ..., physical core hw ..." for this vcore. */
void guest_report_core(void);

/* From vcore 0: starts vcores 1, 2, ... at guest_secondary() until PSCI
 * refuses one (the cell has no more), waits until each has reported with
 * guest_report_core(), and returns how many vcores run. */
unsigned guest_start_vcores(void);

/* Sets up the runtime from the cell's device tree (call first). */
void guest_runtime_init(uint64_t dtb);

/* /chosen/bootargs of the cell's device tree ("" if none), and the value
 * of "key=value" in it (false if absent). */
const char *bootargs(void);
bool bootarg(const char *key, char *value, size_t size);
bool bootarg_u64(const char *key, uint64_t *value);

/* Virtual timer and interrupts. */
uint64_t counter(void);
/* The virtual counter (CNTVCT_EL0) at the image's first instruction. */
extern uint64_t guest_entry_counter;
uint64_t counter_freq(void);
void gic_init_cpu(void);
void gic_enable_irq(uint32_t intid);
void sleep_ms(uint64_t ms);

/* Entry points each guest program defines. */
void guest_main(uint64_t dtb);
void guest_secondary(uint64_t ctx);
void guest_irq(void);

/* Any exception but an IRQ (kind: 0 synchronous, 2 FIQ, 3 SError), with
 * ESR_EL1, ELR_EL1 and FAR_EL1; returns the address to resume at. The
 * runtime's default reports it and ends the cell; a program may define
 * its own. */
uint64_t guest_exception(uint64_t kind, uint64_t esr, uint64_t elr,
			 uint64_t far);

/* Ends the cell: PSCI SYSTEM_OFF. */
void guest_exit(void) __attribute__((noreturn));

static inline uint64_t read_mpidr(void)
{
	uint64_t v;

	__asm__ volatile("mrs %0, mpidr_el1" : "=r"(v));
	return v;
}

#endif /* GUEST_H */
