// SPDX-License-Identifier: MIT
/*
 * An emulated Arm PL011 for cells that run unmodified kernels (Linux's
 * amba-pl011 driver). What the cell writes becomes its console lines,
 * tagged like every other cell's. Every cell whose partition asks for one
 * has its own; the machine's console input goes to the one in focus
 * (lib/console.c), whether the guest polls the receive FIFO or takes the
 * receive interrupt.
 *
 * The model is a PL011 whose transmitter is never busy: the TX FIFO is
 * always empty, so a driver never waits and never needs the TX interrupt
 * (TXRIS reads 1, as a real PL011 below its FIFO level does). Received
 * bytes wait in a small FIFO (what finds it full is dropped and counted:
 * a cell that never reads holds up nobody); the receive interrupt is
 * level-triggered on "FIFO not empty" and re-raised whenever a register access
 * or new input leaves it asserted. Baud rate, line control and DMA registers
 * keep what is written and do nothing.
 *
 * The cell's cores and the core that takes console input (the cell's
 * first core, or for a moment another as the focus moves) share the
 * registers and the receive FIFO under the UART's lock; what the cell
 * writes goes to its console line under the console lock (lib/console.c).
 * The two locks are never held together.
 */
#include "internal.h"

#include <rumkv/error.h>
#include <rumkv/port.h>

#define UART_DR 0x000
#define UART_FR 0x018
#define UART_IBRD 0x024
#define UART_IMSC 0x038
#define UART_RIS 0x03c
#define UART_MIS 0x040
#define UART_ICR 0x044
#define UART_DMACR 0x048
#define UART_ID 0xfe0

#define FR_RXFE (1u << 4)
#define FR_RXFF (1u << 6)
#define FR_TXFE (1u << 7)
#define INT_RX (1u << 4)
#define INT_TX (1u << 5)
#define INT_RT (1u << 6)

/* PeriphID0-3 and PCellID0-3 of a PL011 r1p5, as the AMBA bus reads them. */
static const uint8_t pl011_id[8] = {0x11, 0x10, 0x14, 0x00,
				    0x0d, 0xf0, 0x05, 0xb1};

static uint32_t vuart_ris(const struct rumkv_vuart *u)
{
	return INT_TX | (u->rx_count != 0 ? INT_RX | INT_RT : 0);
}

/* Is the interrupt line asserted? UART lock held. */
static bool vuart_irq_level(const struct rumkv_vuart *u)
{
	return (vuart_ris(u) & u->regs[UART_IMSC / 4]) != 0;
}

/* The registers kept as written: IBRD up to DMACR, but ICR. */
static bool vuart_plain_reg(uint32_t off)
{
	return off >= UART_IBRD && off <= UART_DMACR && off != UART_ICR;
}

/* UART lock held. */
static uint32_t vuart_read(struct rumkv_vuart *u, uint32_t off)
{
	uint32_t v;

	switch (off) {
	case UART_DR:
		if (u->rx_count == 0) {
			return 0;
		}
		v = u->rx[u->rx_head];
		u->rx_head = (u->rx_head + 1) % RUMKV_VUART_RX_SIZE;
		u->rx_count--;
		return v;
	case UART_FR:
		return FR_TXFE | (u->rx_count == 0 ? FR_RXFE : 0) |
		       (u->rx_count >= RUMKV_VUART_RX_SIZE ? FR_RXFF : 0);
	case UART_RIS:
		return vuart_ris(u);
	case UART_MIS:
		return vuart_ris(u) & u->regs[UART_IMSC / 4];
	default:
		if (off >= UART_ID) {
			return pl011_id[(off - UART_ID) / 4];
		}
		if (vuart_plain_reg(off)) {
			return u->regs[off / 4];
		}
		return 0;
	}
}

int rumkv_vuart_access(struct rumkv_core *core, struct rumkv_mmio_access *acc)
{
	struct rumkv_cell *cell = core->cell;
	struct rumkv_vuart *u = &cell->vuart;
	uint32_t off = (uint32_t)(acc->ipa - cell->plan->vuart_ipa);
	bool raise;

	if ((off & 3) != 0 || acc->size > 4) {
		return RUMKV_EINVAL;
	}
	if (!rumkv_cell_holds(cell, RUMKV_RIGHT_CONSOLE)) {
		rumkv_cell_violation(core, RUMKV_REASON_RIGHT_REVOKED,
				     "UART access after pledging the console "
				     "away");
	}
	/* A pledge on another core may drop the right from here on. If it
	 * closes the UART first, the access does nothing (reads 0): it
	 * neither prints (lib/console.c) nor raises the interrupt. */
	if (acc->write && off == UART_DR) {
		rumkv_console_vuart_put(core, (char)acc->value);
	}
	rumkv_lock(core, &u->lock);
	if (!acc->write) {
		acc->value = u->closed ? 0 : vuart_read(u, off);
	} else if (!u->closed && vuart_plain_reg(off)) {
		u->regs[off / 4] = (uint32_t)acc->value;
	}
	raise = !u->closed && vuart_irq_level(u);
	rumkv_unlock(&u->lock);
	if (raise) {
		port_virq_raise(core, rumkv_machine.plan->platform.uart_irq);
	}
	return 0;
}

void rumkv_vuart_clear(struct rumkv_core *self, struct rumkv_cell *cell,
		       bool closed)
{
	struct rumkv_vuart *u = &cell->vuart;

	rumkv_lock(self, &u->lock);
	rumkv_memset(u->regs, 0, sizeof(u->regs));
	rumkv_memset(u->rx, 0, sizeof(u->rx));
	u->rx_head = 0;
	u->rx_count = 0;
	u->rx_dropped = 0;
	u->closed = closed;
	rumkv_unlock(&u->lock);
}

bool rumkv_vuart_receive(struct rumkv_core *core, struct rumkv_cell *cell,
			 char c)
{
	struct rumkv_vuart *u = &cell->vuart;
	bool raise = false;
	bool drops_ended = false;

	rumkv_lock(core, &u->lock);
	if (u->closed) {
		/* Ended, or pledged its console away: nobody reads it. */
	} else if (u->rx_count < RUMKV_VUART_RX_SIZE) {
		u->rx[(u->rx_head + u->rx_count) % RUMKV_VUART_RX_SIZE] =
			(uint8_t)c;
		u->rx_count++;
		drops_ended = u->rx_dropped != 0;
		raise = vuart_irq_level(u);
	} else if (u->rx_dropped < UINT32_MAX) {
		u->rx_dropped++;
	}
	rumkv_unlock(&u->lock);
	/* Only on a core of the cell that runs it: a virtual interrupt
	 * goes into this core's own list registers. Elsewhere (input that
	 * reached another core as the focus moved, or a parked core), the
	 * byte waits in the FIFO: a polling guest finds it, and the next
	 * access of the UART raises the interrupt. */
	if (raise && core->cell == cell &&
	    core_state(core) == RUMKV_CORE_RUNNING) {
		port_virq_raise(core, rumkv_machine.plan->platform.uart_irq);
	}
	return drops_ended;
}

uint32_t rumkv_vuart_take_drops(struct rumkv_core *self,
				struct rumkv_cell *cell)
{
	struct rumkv_vuart *u = &cell->vuart;
	uint32_t n;

	rumkv_lock(self, &u->lock);
	n = u->rx_dropped;
	u->rx_dropped = 0;
	rumkv_unlock(&u->lock);
	return n;
}
