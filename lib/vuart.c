// SPDX-License-Identifier: MIT
/*
 * An emulated Arm PL011 for cells that run unmodified kernels (Linux's
 * amba-pl011 driver). What the cell writes becomes its console lines,
 * tagged like every other cell's; the machine's console input goes to the
 * one cell the partition names for it.
 *
 * The model is a PL011 whose transmitter is never busy: the TX FIFO is
 * always empty, so a driver never waits and never needs the TX interrupt
 * (TXRIS reads 1, as a real PL011 below its FIFO level does). Received
 * bytes wait in a small FIFO; the receive interrupt is level-triggered on
 * "FIFO not empty" and re-raised whenever a register access or new input
 * leaves it asserted. Baud rate, line control and DMA registers keep what
 * is written and do nothing.
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

static void vuart_update_irq(struct rumkv_core *core)
{
	struct rumkv_vuart *u = &core->cell->vuart;

	if ((vuart_ris(u) & u->regs[UART_IMSC / 4]) != 0) {
		port_virq_raise(core, rumkv_machine.plan->platform.uart_irq);
	}
}

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
		       (u->rx_count == RUMKV_VUART_RX_SIZE ? FR_RXFF : 0);
	case UART_RIS:
		return vuart_ris(u);
	case UART_MIS:
		return vuart_ris(u) & u->regs[UART_IMSC / 4];
	default:
		if (off >= UART_ID) {
			return pl011_id[(off - UART_ID) / 4];
		}
		if (off >= UART_IBRD && off <= UART_DMACR && off != UART_ICR) {
			return u->regs[off / 4];
		}
		return 0;
	}
}

int rumkv_vuart_access(struct rumkv_core *core, struct rumkv_mmio_access *acc)
{
	struct rumkv_vuart *u = &core->cell->vuart;
	uint32_t off = (uint32_t)(acc->ipa - core->cell->plan->vuart_ipa);

	if ((off & 3) != 0 || acc->size > 4) {
		return RUMKV_EINVAL;
	}
	if ((core->cell->rights & RUMKV_RIGHT_CONSOLE) == 0) {
		rumkv_cell_violation(core, RUMKV_REASON_RIGHT_REVOKED,
				     "UART access after pledging the console "
				     "away");
	}
	if (!acc->write) {
		acc->value = vuart_read(u, off);
	} else if (off == UART_DR) {
		char c = (char)acc->value;

		rumkv_console_line_put(
			core, core->cell->plan->name, &u->line, &c, 1,
			(core->cell->plan->console & RUMKV_CONSOLE_INPUT) != 0);
	} else if (off >= UART_IBRD && off <= UART_DMACR && off != UART_ICR) {
		u->regs[off / 4] = (uint32_t)acc->value;
	}
	vuart_update_irq(core);
	return 0;
}

void rumkv_console_input(struct rumkv_core *core, char c)
{
	struct rumkv_cell *cell = core->cell;
	struct rumkv_vuart *u;

	/* Input belongs to the cell the partition gave it to, which is the
	 * cell on this core (the UART interrupt is routed there). */
	if (cell == NULL || (cell->plan->console & RUMKV_CONSOLE_INPUT) == 0 ||
	    cell->state != RUMKV_CELL_RUNNING) {
		return;
	}
	u = &cell->vuart;
	if (u->rx_count < RUMKV_VUART_RX_SIZE) {
		u->rx[(u->rx_head + u->rx_count) % RUMKV_VUART_RX_SIZE] =
			(uint8_t)c;
		u->rx_count++;
	}
	vuart_update_irq(core);
}
