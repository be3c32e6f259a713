/* SPDX-License-Identifier: MIT */
/*
 * The cell model: run-time state of cells and physical cores, and the
 * entry points a port calls when a core traps to RumKV.
 *
 * Storage for these structs comes from the plan (sized by the partition
 * tool); the library never allocates. Each struct embeds its port's state
 * (`arch`), defined by the port in <rumkv/port_types.h>.
 *
 * Lock order (outer first): cell lock, status lock, a cell's UART lock,
 * the console lock. No code holds two cell locks, and a core waits for a
 * lock holding at most its own cell's lock. Every lock is taken with the
 * core's interrupts masked (all RumKV code runs masked), and a core
 * spinning for a lock keeps serving requests addressed to it (see
 * rumkv_lock), so two cores of one cell waiting on each other cannot
 * deadlock.
 */
#ifndef RUMKV_CELL_H
#define RUMKV_CELL_H

#include <rumkv/abi.h>
#include <rumkv/paging.h>
#include <rumkv/plan.h>
#include <rumkv/port_types.h>
#include <rumkv/types.h>

#define RUMKV_CONSOLE_LINE_MAX 120u
/* PCI functions are a cell's devices 0..RUMKV_CELL_PCI_MAX-1 at most
 * (the partition tool's limit on devices). */
#define RUMKV_CELL_PCI_MAX 64u

/* What a physical core is doing. */
enum rumkv_core_state {
	RUMKV_CORE_PARKED = 0,	 /* waiting in RumKV, not running guest code */
	RUMKV_CORE_STARTING = 1, /* asked to enter its cell at start_entry */
	RUMKV_CORE_RUNNING = 2,	 /* running its cell's code (or trapped) */
};

/* Requests one core posts to another (bits of rumkv_core.requests). */
#define RUMKV_REQ_PARK (1u << 0)      /* stop running the cell, park */
#define RUMKV_REQ_SYNC_IRQS (1u << 1) /* drop revoked interrupts from LRs */
#define RUMKV_REQ_END (1u << 2)	      /* end the cell for its pending_fault */

struct rumkv_cell;

/* A console line being assembled (lib/console.c). A core's hypercall line
 * belongs to that core; a cell's UART line is shared by its cores and
 * guarded by the console lock. len <= RUMKV_CONSOLE_LINE_MAX always. */
struct rumkv_line {
	uint32_t len;	/* bytes in buf */
	uint32_t shown; /* bytes already on screen (the live line) */
	uint8_t esc;	/* inside an escape sequence */
	char buf[RUMKV_CONSOLE_LINE_MAX];
};

/* A cell's share of the console (lib/console.c). Console lock. */
struct rumkv_console_budget {
	uint64_t busy_until;	/* counter value when its output is paid off */
	uint32_t dropped_bytes; /* of lines not printed, since the summary */
	uint32_t dropped_reports; /* RumKV lines about it not printed */
	bool closed;		  /* pledged the console away: prints nothing */
};

/* State of a cell's emulated UART (lib/vuart.c). `lock` guards the
 * registers and the receive FIFO (the cell's cores and the core taking
 * console input share them); `line` is the console's (console lock).
 * rx_head < RUMKV_VUART_RX_SIZE and rx_count <= RUMKV_VUART_RX_SIZE. */
#define RUMKV_VUART_RX_SIZE 64u
struct rumkv_vuart {
	struct rumkv_line line; /* what the cell writes, one line at a time */
	uint32_t lock;
	bool closed;		 /* no more input: console pledged away */
	uint32_t regs[0x4c / 4]; /* the plain read/write registers */
	uint32_t rx_head;
	uint32_t rx_count;
	uint32_t rx_dropped; /* input bytes that found the FIFO full */
	uint8_t rx[RUMKV_VUART_RX_SIZE];
};

/* A violation or end, as the port decoded it, for the one-line report. */
struct rumkv_fault {
	uint32_t reason; /* RUMKV_REASON_* */
	uint64_t pc;	 /* guest PC of the faulting instruction */
	uint64_t ipa;	 /* faulting guest address, if ipa_valid */
	bool ipa_valid;
	char cause[96]; /* decoded cause, e.g. "write 4 bytes, translation fault
			   L2" */
};

struct rumkv_core {
	uint32_t index;		 /* physical core: index into plan->cores */
	uint32_t vindex;	 /* index within its cell */
	uint64_t hwid;		 /* plan->cores[index].hwid */
	struct rumkv_cell *cell; /* NULL for a core no cell owns */
	uint32_t state;		 /* enum rumkv_core_state; cell lock */
	uint32_t requests;	 /* RUMKV_REQ_*; atomic */
	uint64_t start_entry;	 /* for RUMKV_CORE_STARTING */
	uint64_t start_arg;
	uint64_t exits;		/* traps taken on this core */
	struct rumkv_line line; /* console hypercall output */
	struct port_core arch;
};

struct rumkv_cell {
	const struct rumkv_plan_cell *plan;
	uint32_t index;
	uint32_t lock;
	uint32_t state;	 /* RUMKV_CELL_*, as on the status page */
	uint32_t reason; /* RUMKV_REASON_* of the last end */
	uint32_t restart_count;
	uint32_t reserved;
	uint64_t rights; /* held now */
	struct rumkv_pt stage2;
	struct rumkv_pt_pool pool;
	struct rumkv_pt_pool pool_snapshot; /* pool state at first start */
	struct rumkv_vuart vuart;
	struct rumkv_console_budget console;
	/* A fault found outside the cell's cores (an IOMMU event), ending
	 * the cell on the first of its cores that serves RUMKV_REQ_END.
	 * fault_pending is set once per run (atomic); pending_fault is
	 * written only by the core that set it, before it posts the
	 * requests. */
	uint32_t fault_pending;
	struct rumkv_fault pending_fault;
	/* Per PCI function (device index), the BARs the cell is sizing
	 * through its virtual ECAM (lib/pci.c); atomic. */
	uint8_t pci_sizing[RUMKV_CELL_PCI_MAX];
	struct port_cell arch;
};

/* An access to an emulated device, decoded by the port. */
struct rumkv_mmio_access {
	uint64_t ipa;
	uint64_t value; /* written value, or the value read */
	uint8_t size;	/* 1, 2, 4 or 8 bytes */
	bool write;
};

/* ---- Locks (lib/lock.c) ----------------------------------------------- */

/* Fair (ticket) spin locks: a zero-initialised uint32_t is unlocked, and
 * cores get a lock in the order they asked for it.
 *
 * rumkv_lock() takes `lock` for `self`, the calling core (never NULL).
 * While it waits, `self` keeps serving the requests posted to it: it drops
 * revoked interrupts at once, and if asked to park it acknowledges at
 * once, waits for its turn, hands the lock on and parks (never returning).
 * So a core waiting for a lock may hold no lock but its own cell's (the
 * holder of a cell lock is never asked to park: only it posts requests to
 * the cell's cores). */
void rumkv_lock(struct rumkv_core *self, uint32_t *lock);
void rumkv_unlock(uint32_t *lock);

/* ---- Lookups ---------------------------------------------------------- */

/* The physical core running vcore `vindex` of `cell` (vindex checked). */
struct rumkv_core *rumkv_cell_core(struct rumkv_cell *cell, uint32_t vindex);

/* ---- Entry points for ports (all called with interrupts masked) ------- */

/* Hypercall in the RumKV function range. r[0] holds the function number on
 * entry and the status on return; r[1..7] are the arguments; results go to
 * r[1..3]. May not return if the call ends the cell. */
void rumkv_hypercall(struct rumkv_core *core, uint64_t r[8]);

/* Ends the calling core's cell for `fault`: parks all its cores, revokes
 * its mappings, interrupts and DMA, scrubs its RAM, prints the report and
 * then halts or restarts it according to its policy. Never returns. */
RUMKV_NORETURN void rumkv_cell_terminate(struct rumkv_core *core,
					 const struct rumkv_fault *fault);

/* Ends `cell` for `fault`, found on any core (the IOMMU's interrupt):
 * its running cores are asked to end it (RUMKV_REQ_END) and the first to
 * serve the request does, as rumkv_cell_terminate. Does not wait. Only
 * the first fault of a run counts. */
void rumkv_cell_fault_async(struct rumkv_cell *cell,
			    const struct rumkv_fault *fault);

/* Emulates an access to a device model of the core library (virtual UART).
 * RUMKV_ENOENT: no model there (the port then reports a violation). */
int rumkv_mmio_emulate(struct rumkv_core *core, struct rumkv_mmio_access *acc);

/* Whether console input arriving on this core is for its cell, the one
 * in focus (the port routes the UART's interrupt to the focus's first
 * core). If not, the port leaves what is waiting in the UART: the focus
 * has just moved and the interrupt, still asserted, reaches the right
 * core next. */
bool rumkv_console_takes_input(const struct rumkv_core *core);

/* A byte of machine console input arrived on this core (running its cell
 * or parked): it goes to the cell in focus, or switches the focus. */
void rumkv_console_input(struct rumkv_core *core, char c);

/* Serves requests posted to this core (after a kick, or while spinning).
 * Does not return if the core was asked to park. */
void rumkv_core_serve(struct rumkv_core *core);

/* Parks the core until it is asked to start a cell vcore. Never returns. */
RUMKV_NORETURN void rumkv_core_park(struct rumkv_core *core);

/* PSCI-style vcore control, in the cell's own numbering. */
int rumkv_vcore_on(struct rumkv_core *caller, uint32_t vindex, uint64_t entry,
		   uint64_t arg);
RUMKV_NORETURN void rumkv_vcore_off(struct rumkv_core *core);
/* 0: on, 1: off, 2: on pending (PSCI AFFINITY_INFO); RUMKV_EINVAL. */
int rumkv_vcore_state(struct rumkv_core *caller, uint32_t vindex);

/* The cell asked to power off (reset = false) or reset (reset = true). */
RUMKV_NORETURN void rumkv_cell_system_off(struct rumkv_core *core, bool reset);

/* One line from RumKV itself on the machine console, "rumkv: " + the
 * formatted text. */
void rumkv_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Does the cell hold the right `bit` (a RUMKV_RIGHT_* mask of one right;
 * 0 is never held) now? Another core of the cell may be pledging it
 * away, so the read is atomic; what the caller then starts is undone by
 * the revocation (under the cell or console lock). */
static inline bool rumkv_cell_holds(const struct rumkv_cell *cell, uint64_t bit)
{
	return (__atomic_load_n(&cell->rights, __ATOMIC_RELAXED) & bit) != 0;
}

#endif /* RUMKV_CELL_H */
