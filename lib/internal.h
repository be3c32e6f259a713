/* SPDX-License-Identifier: MIT */
/*
 * Declarations private to the core library.
 *
 * Lock order (outer first): a cell's lock, the status lock, a cell's UART
 * lock, the console lock. A core never holds two cell locks, and waits for
 * a lock holding at most its own cell's lock (see rumkv_lock).
 */
#ifndef RUMKV_LIB_INTERNAL_H
#define RUMKV_LIB_INTERNAL_H

#include <rumkv/cell.h>
#include <rumkv/plan.h>

/* The one machine this image runs. Set up by rumkv_boot(). */
struct rumkv_machine {
	const struct rumkv_plan *plan;
	struct rumkv_status_page *status; /* RumKV's view of the status page */
	uint32_t status_lock;
	uint32_t console_lock;
	uint32_t cells_alive;  /* cells not (yet) permanently ended */
	uint32_t cores_booted; /* cores that reached rumkv_core_park() */
};

extern struct rumkv_machine rumkv_machine;

/* ---- cores (lib/core.c) ---- */

/* A core's state (enum rumkv_core_state) is written under its cell's
 * lock, or by the core itself when it parks on request, and read by its
 * siblings and the vGIC without the lock: always atomically. */
static inline uint32_t core_state(const struct rumkv_core *core)
{
	return __atomic_load_n(&core->state, __ATOMIC_ACQUIRE);
}

static inline void core_state_set(struct rumkv_core *core, uint32_t state)
{
	__atomic_store_n(&core->state, state, __ATOMIC_RELEASE);
}

/* Posts `req` to every other core of `cell` that runs or is starting,
 * kicks them and waits until each has served it. Cell lock held. */
void rumkv_cell_post_and_wait(struct rumkv_cell *cell,
			      const struct rumkv_core *self, uint32_t req);

/* Starts vcore `vindex` of `cell` at `entry`. Cell lock held. */
void rumkv_core_start(struct rumkv_cell *cell, uint32_t vindex, uint64_t entry,
		      uint64_t arg);

/* ---- cells (lib/cell.c) ---- */

/* Revokes every device and shared region of `cell` that needs a right in
 * `dropped`: stage-2 unmap, interrupts, DMA; then makes the cell's other
 * cores drop queued interrupts. Cell lock held, on a core of the cell. */
void rumkv_cell_revoke(struct rumkv_cell *cell, struct rumkv_core *self,
		       uint64_t dropped);

/* Maps everything the cell owns at (re)start into its empty stage-2 tables,
 * gives it its interrupts and DMA streams. Boot only. */
int rumkv_cell_build(struct rumkv_cell *cell);

/* Copies the cell's pristine images into its RAM. */
void rumkv_cell_load_images(struct rumkv_cell *cell);

/* Ends the calling core's cell for a violation RumKV itself detected
 * (outside any architectural fault): PC from the port, `cause` as given. */
RUMKV_NORETURN void rumkv_cell_violation(struct rumkv_core *core,
					 uint32_t reason, const char *cause);

/* ---- PCI functions (lib/pci.c) ---- */

/* Programs a PCI function's BARs from the plan and turns on its memory
 * decoding and bus mastering; -1 (said why) if the function is absent or
 * its BARs are not what the plan says. Boot and restart. */
int rumkv_pci_setup(const struct rumkv_plan_device *dev);

/* Turns the function's memory decoding and bus mastering off. */
void rumkv_pci_revoke(const struct rumkv_plan_device *dev);

/* An access of the cell to its virtual ECAM (the plan's pci_ecam range):
 * emulated, 0; a bad size ends the cell. */
int rumkv_pci_config_access(struct rumkv_core *core,
			    struct rumkv_mmio_access *acc);

/* Does the cell have PCI functions (and so a virtual ECAM)? */
bool rumkv_cell_has_pci(const struct rumkv_plan_cell *pc);

/* ---- channels (lib/channel.c) ---- */

/* Gives the cell the doorbells of its channels whose right it holds. At
 * boot and restart, cell lock held (or before any core runs). */
void rumkv_channel_assign(struct rumkv_cell *cell);

/* Takes away the doorbells of its channels needing a right in `dropped`.
 * Cell lock held. */
void rumkv_channel_revoke(struct rumkv_cell *cell, uint64_t dropped);

/* RUMKV_HC_DOORBELL for channel `id`: the status to return. Takes the
 * peer's cell lock; holds no lock on entry. Does not return if the cell
 * has pledged the channel away. */
uint64_t rumkv_channel_ring(struct rumkv_core *core, uint64_t id);

/* ---- pledges (lib/pledge.c) ---- */

/* Narrows the calling core's cell to `keep`; a widening request ends the
 * cell (does not return). */
void rumkv_pledge(struct rumkv_core *core, uint64_t keep);

/* ---- console (lib/console.c) ---- */

/* Appends bytes to the calling core's hypercall line; complete lines go
 * out tagged with the cell's name. */
void rumkv_console_put(struct rumkv_core *core, const char *s, size_t len);

/* A byte the cell wrote to its emulated UART: added to the cell's UART
 * line, which is shown as it grows if the cell has the input focus. */
void rumkv_console_vuart_put(struct rumkv_core *core, char c);

/* Sends the core's unfinished hypercall line, if any. */
void rumkv_console_flush(struct rumkv_core *core);

/* Ends `line` of self's cell: its unfinished part goes out as a line. */
void rumkv_console_line_close(struct rumkv_core *self, struct rumkv_line *line);

/* The cell loses RUMKV_RIGHT_CONSOLE (a pledge, or its end): the emulated
 * UART is cleared and takes no more input, the input focus moves on
 * unless the cell is restarting, and nothing more of the cell is printed, not
 * even a write already past its rights check. Cell lock held, on a core of the
 * cell, before the cell's cores are made to drop revoked interrupts. */
void rumkv_console_revoke(struct rumkv_core *self, struct rumkv_cell *cell);

/* A restart, with the cell's initial rights back: the emulated UART is
 * reset (registers, receive FIFO, line) and, with the console right, the
 * console opens again (if the cell had the focus, it keeps it). The console
 * budget is kept. Cell lock held, on the calling core. */
void rumkv_console_reset(struct rumkv_cell *cell);

/* Boot: gives the input focus to the first cell that takes input and
 * routes the console's input interrupt to it. */
void rumkv_console_start(struct rumkv_core *self);

/* One line from RumKV itself, "rumkv: " + the formatted text. */
void rumkv_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* The same for a line about `cell`: it counts against the cell's console
 * budget, except its last words (the cell has ended for good). Called
 * with the cell lock held. */
void rumkv_cell_log(struct rumkv_cell *cell, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* ---- emulated UART (lib/vuart.c) ---- */
int rumkv_vuart_access(struct rumkv_core *core, struct rumkv_mmio_access *acc);

/* A byte of input for `cell`'s UART, received on `core` (any core: the
 * UART lock is taken). Raises the UART's interrupt if `core` runs the
 * cell. True if it ended a run of dropped bytes (rumkv_vuart_take_drops
 * tells how many). */
bool rumkv_vuart_receive(struct rumkv_core *core, struct rumkv_cell *cell,
			 char c);

/* The input bytes the cell's UART dropped since last asked (FIFO full). */
uint32_t rumkv_vuart_take_drops(struct rumkv_core *self,
				struct rumkv_cell *cell);

/* Clears every register and the receive FIFO of the cell's UART;
 * `closed`: it takes no more input. Cell lock held. */
void rumkv_vuart_clear(struct rumkv_core *self, struct rumkv_cell *cell,
		       bool closed);

/* ---- status page (lib/status.c) ---- */

void rumkv_status_init(void);
/* Publishes the cell's state, reason, rights and restart count. */
void rumkv_status_publish(const struct rumkv_cell *cell);

/* ---- memory ---- */

/* The compiler's memcpy/memset: libc's on the host, the port's (e.g.
 * ports/aarch64/mem.c) in the hypervisor image. */
#define rumkv_memcpy(dst, src, n) __builtin_memcpy((dst), (src), (n))
#define rumkv_memset(dst, c, n) __builtin_memset((dst), (c), (n))

#endif /* RUMKV_LIB_INTERNAL_H */
