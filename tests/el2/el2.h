/* SPDX-License-Identifier: MIT */
/*
 * The host harness for RumKV's guest-facing EL2 code: the production
 * trap decoder (ports/aarch64/trap.c), SMCCC/PSCI (smccc.c), virtual and
 * physical GIC (vgic.c, gic.c) and the core library (lib/), compiled for
 * the host against the AArch64 port types, a modelled register file
 * (cpu_model.c), a modelled GICv3 (gic_model.c) and the port hooks the
 * files under test do not provide (hooks.c).
 *
 * The machine (machine.c) is the seed's layout on 8 cores:
 *
 *   cell  cores  hwid                    SPIs                     console
 *   A     0-3    0x0 0x1 0x2 0x3         34 (net), 35 (block), 33 vuart, input
 *   B     4-5    0x100 0x101             40 (rtc), 41 (dma)       hypercall
 *   C     6-7    0x10000 0x10001         48 (net), 100 (block)    vuart
 *
 * Both vuarts are at EL2_VUART_IPA; A's takes the machine's input (A has
 * the focus, and the console UART's interrupt 33, RumKV's own, is routed
 * to A's first core; the cells see only their UARTs' virtual 33). SPI 50
 * belongs to nobody. A and C halt when they end, B restarts (twice).
 *
 * RumKV code runs through el2_run() on one "current" core at a time. Code
 * that never returns on hardware (entering a cell, parking, powering off)
 * jumps back to the el2_run() that started it, which says how the core
 * left. Runs nest (a kick serves the target's requests at once, on the
 * target). A hook can also start another core's code in the middle of an
 * access (races) with el2_spawn(): it runs on a stack of its own, and if
 * it spins for a lock the interrupted code holds it waits, suspended,
 * until el2_finish_spawned() resumes it once that code is done, as a
 * second core would wait its turn.
 */
#ifndef EL2_H
#define EL2_H

#include "cpu_model.h"
#include "gic_model.h"

#include "../../ports/aarch64/trap.h"
#include <aarch64/gicv3.h>
#include <rumkv/abi.h>
#include <rumkv/cell.h>
#include <rumkv/plan.h>

enum el2_exit {
	EL2_RETURNED = 0, /* back to the cell (ERET) */
	EL2_ENTERED,	  /* the core entered its cell at a start address */
	EL2_PARKED,	  /* the core parked (its cell ended, CPU_OFF, ...) */
	EL2_OFF,	  /* the machine powered off */
};

enum { EL2_A = 0, EL2_B = 1, EL2_C = 2 };

#define EL2_RAM_BASE 0x40000000ull
#define EL2_RAM_SIZE (4ull << 20)
#define EL2_CELL_RAM(c) (0x40100000ull + (uint64_t)(c)*0x100000ull)
#define EL2_CELL_RAM_SIZE 0x100000ull
#define EL2_VUART_IPA 0x09000000ull
#define EL2_STATUS_IPA 0x0b000000ull
#define EL2_UART_IRQ 33u
#define EL2_SPI_A_NET 34u
#define EL2_SPI_A_BLOCK 35u
#define EL2_SPI_B_RTC 40u
#define EL2_SPI_B_DMA 41u
#define EL2_SPI_C_NET 48u
#define EL2_SPI_C_BLOCK 100u
#define EL2_SPI_FREE 50u
/* A guest PC: vcore v of cell c traps at EL2_PC(c, v). */
#define EL2_PC(c, v) (EL2_CELL_RAM(c) + 0x1000u + 0x100u * (v))

#define EL2_CONSOLE_SIZE 65536u

struct el2_machine {
	struct rumkv_plan plan;
	struct rumkv_plan_cell cells[3];
	struct rumkv_plan_core cores[8];
	/* Run-time state, with canaries around it: RumKV writing past a
	 * struct shows up in el2_canaries_ok(). */
	uint64_t canary0[8];
	struct rumkv_cell cell_state[3];
	uint64_t canary1[8];
	struct rumkv_core core_state[8];
	uint64_t canary2[8];
	uint8_t *ram;

	char console[EL2_CONSOLE_SIZE]; /* NUL-terminated */
	uint32_t console_len;
	/* Called after each console write (tests hook races in here). */
	void (*on_console)(void);

	/* Where each core last entered its cell, and how often. */
	uint64_t entry[8], entry_arg[8];
	uint32_t enters[8];
	uint32_t kicks[8];
	uint32_t invalidations;
	uint32_t iommu_attached, iommu_detached;
	uint32_t mmio_writes; /* port_mmio_write32 (virtio resets) */
	/* PSTATE of each core's cell when it traps (SPSR_EL2): EL1h. */
	uint64_t guest_spsr[8];
	/* Machine console input waiting for the UART interrupt. */
	char input[128];
	uint32_t input_len;
};

extern struct el2_machine el2;

/* Set to RUMKV_CONSOLE_INPUT before el2_boot(): C's UART takes input too
 * (after A's, when the focus moves to it). */
extern uint32_t el2_c_console_input;

/* Set before el2_boot(): the plan's channels (doorbells only: the EL2
 * machine has no RAM to spare for their regions); both cells of each get
 * its right. */
extern const struct rumkv_plan_channel *el2_channels;
extern uint32_t el2_channel_count;

/* ---- the machine ---- */

/* Builds the plan, resets the models and boots: every cell's vcore 0
 * enters its cell; the other cores park. */
void el2_boot(void);
/* el2_boot, then every other vcore is started by vcore 0 (PSCI CPU_ON)
 * and enters: all 8 cores run their cells. */
void el2_boot_all(void);

struct rumkv_cell *el2_cell(int c);
struct rumkv_core *el2_core(int c, uint32_t vindex);
bool el2_canaries_ok(void);
/* Whether cell `c` owns `intid` by the plan and the rights it holds now
 * (SGIs and PPIs: on its own cores, but 15, 25 and 26). */
bool el2_owns(int c, uint32_t intid);
bool el2_console_has(const char *s);

/* ---- running RumKV code ---- */

enum el2_exit el2_run(struct rumkv_core *core, void (*fn)(void *), void *arg);
/* Runs test code `fn` (which makes its own el2_* calls) as another core
 * would, now: true if it completed, false if it waits for a lock and will
 * complete in el2_finish_spawned(). */
bool el2_spawn(void (*fn)(void));
/* Resumes every waiting spawned run until all have completed. */
void el2_finish_spawned(void);
/* A parked core wakes (after a kick): it enters its cell if asked to. */
enum el2_exit el2_run_parked(struct rumkv_core *core);

/* ---- traps, as vectors.S delivers them ---- */

/* aarch64_trap_sync with `esr` at guest PC `pc` (ELR_EL2 = pc). f->x[31]
 * is zero, as vectors.S saves it. */
enum el2_exit el2_trap(struct rumkv_core *core, uint64_t esr, uint64_t pc,
		       struct trap_frame *f);
/* HVC #imm at EL2_PC: x[0..7] in and out. */
enum el2_exit el2_hvc(struct rumkv_core *core, uint64_t x[8], uint16_t imm);
/* SMC #imm at EL2_PC (trapped by HCR_EL2.TSC). */
enum el2_exit el2_smc(struct rumkv_core *core, uint64_t x[8], uint16_t imm);

/* A data abort with a valid syndrome. */
struct el2_dabt {
	uint64_t ipa;
	uint8_t size; /* 1, 2, 4, 8 */
	bool write;
	unsigned rt; /* 0..31 */
	bool sse, sf;
};
uint64_t el2_esr_dabt(const struct el2_dabt *d);
enum el2_exit el2_dabt(struct rumkv_core *core, const struct el2_dabt *d,
		       struct trap_frame *f);
/* Plain LDR/STR of `size` bytes through x1 (Xt for 8 bytes, Wt below);
 * the test fails unless the core returns to its cell past the access. */
uint64_t el2_read(struct rumkv_core *core, uint64_t ipa, uint8_t size);
void el2_write(struct rumkv_core *core, uint64_t ipa, uint8_t size,
	       uint64_t value);
/* The same, returning how the core left (the cell may end). */
enum el2_exit el2_access(struct rumkv_core *core, uint64_t ipa, uint8_t size,
			 bool write, uint64_t *value);

/* A trapped MSR/MRS (EC 0x18) of the register or instruction `key`
 * (SYSREG_KEY below) with Xt = rt. */
#define EL2_SYSREG_KEY(op0, op1, crn, crm, op2)          \
	((uint32_t)(op0) << 20 | (uint32_t)(op2) << 17 | \
	 (uint32_t)(op1) << 14 | (uint32_t)(crn) << 10 | (uint32_t)(crm) << 1)
enum el2_exit el2_sysreg(struct rumkv_core *core, uint32_t key, unsigned rt,
			 bool read, struct trap_frame *f);

/* ESR_EL2 of exception class `ec` with `iss` (IL set). */
static inline uint64_t el2_esr(uint32_t ec, uint32_t iss)
{
	return (uint64_t)ec << 26 | 1ull << 25 | (iss & 0x1ffffffu);
}

#endif /* EL2_H */
