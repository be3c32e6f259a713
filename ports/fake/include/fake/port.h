/* SPDX-License-Identifier: MIT */
/*
 * The host fake port, as tests drive and inspect it.
 *
 * Every port hook appends an event to `fake.events`. Hooks that never
 * return on real hardware (entering a cell, waiting while parked,
 * powering off) record their event and jump back to the fake_run() that
 * started the RumKV code, which returns that event's kind: a test runs a
 * trap handler with fake_run() and sees how the core left RumKV.
 *
 * Kicking a core serves its pending requests at once, as the real core
 * would on its next trap. Tests may run cores concurrently on threads:
 * each thread has its own fake_run() and port_core_self(), and the event
 * log takes events from any thread (read it once the threads are done).
 */
#ifndef FAKE_PORT_H
#define FAKE_PORT_H

#include <rumkv/cell.h>
#include <rumkv/plan.h>

enum fake_event_kind {
	FAKE_RETURNED = 0, /* fake_run: the function returned */
	FAKE_ENTER,	   /* core entered its cell: a = entry, b = arg */
	FAKE_WAIT,	   /* core parked and waits */
	FAKE_SYSTEM_OFF,   /* the machine powered off */
	FAKE_KICK,	   /* core was kicked */
	FAKE_POWER_ON,	   /* core powered on at boot */
	FAKE_IRQ_ASSIGN,   /* a = intid */
	FAKE_IRQ_REVOKE,   /* a = intid */
	FAKE_IRQ_RAISE,	   /* a = intid made pending in cell */
	FAKE_IRQ_SYNC,	   /* core dropped revoked interrupts */
	FAKE_VIRQ,	   /* a = intid raised on core */
	FAKE_IOMMU_ATTACH, /* a = stream */
	FAKE_IOMMU_DETACH, /* a = stream */
	FAKE_PCI_WRITE,	   /* a = rid << 32 | size << 16 | offset, b = value */
	FAKE_MMIO_WRITE,   /* a = pa, b = value */
	FAKE_INVALIDATE,   /* a = in, b = size */
	FAKE_CACHE_CLEAN,  /* a = va, b = size */
	FAKE_BOOT_DONE,
	FAKE_CONSOLE_INIT, /* a = the plan's UART address */
	FAKE_MACHINE_INIT,
	FAKE_CONSOLE_ROUTE, /* console input routed to core: a = its hwid */
};

struct fake_event {
	enum fake_event_kind kind;
	int core; /* physical core index, or -1 */
	int cell; /* cell index, or -1 */
	uint64_t a;
	uint64_t b;
};

#define FAKE_MAX_EVENTS 4096u
#define FAKE_CONSOLE_SIZE 65536u

struct fake_state {
	struct fake_event events[FAKE_MAX_EVENTS];
	uint32_t event_count;
	char console[FAKE_CONSOLE_SIZE]; /* NUL-terminated */
	uint32_t console_len;
	uint64_t guest_pc; /* what port_core_guest_pc() reports */
	uint8_t *ram;	   /* the machine's RAM, seen by RumKV */
	uint64_t ram_base; /* its physical address */
	uint64_t ram_size;
	int console_init_result; /* what the hooks return */
	int machine_init_result;
	uint64_t relax_count;  /* calls of port_cpu_relax(); atomic */
	uint64_t counter;      /* what port_counter_read() returns */
	uint64_t counter_freq; /* port_counter_freq(); 1 GHz at first */
	/* Where port_console_input_route() last sent console input. */
	const struct rumkv_core *console_route;
	/* Called by port_console_write() before it writes, if set. */
	void (*console_hook)(const char *s, size_t len);
	/* PCI configuration space, if a test models some (reads all ones
	 * otherwise): returns the register read, or takes a write. */
	uint32_t (*pci_config)(uint32_t rid, uint32_t offset, uint32_t size,
			       bool write, uint32_t value);
};

extern struct fake_state fake;

/* Empties the event log and console; keeps `ram`, the counter and the
 * hook. */
void fake_reset(void);

/* Runs fn(arg) as RumKV code on `self` and returns how it left: FAKE_RETURNED,
 * FAKE_ENTER, FAKE_WAIT or FAKE_SYSTEM_OFF. May nest. */
enum fake_event_kind fake_run(struct rumkv_core *self, void (*fn)(void *),
			      void *arg);

/* Number of events of `kind` (for `cell` / `core` when >= 0). */
uint32_t fake_count(enum fake_event_kind kind, int cell, int core);

/* True if an event of `kind` has a == `a` (and cell matches when >= 0). */
bool fake_seen(enum fake_event_kind kind, int cell, uint64_t a);

/* True if the invalidations of `cell` cover [in, in + size). */
bool fake_invalidated(int cell, uint64_t in, uint64_t size);

#endif /* FAKE_PORT_H */
