// SPDX-License-Identifier: MIT
/*
 * The machine console: an Arm PL011 UART that only RumKV drives. Cells
 * reach it through the console hypercall (and, for unmodified kernels,
 * an emulated PL011), never directly.
 */
#include "aarch64.h"
#include <aarch64/mmio.h>

#include <rumkv/error.h>
#include <rumkv/plan.h>
#include <rumkv/port.h>

#define PL011_DR 0x00
#define PL011_FR 0x18
#define PL011_FR_RXFE (1u << 4)
#define PL011_FR_TXFF (1u << 5)
#define PL011_IMSC 0x38
#define PL011_INT_RX (1u << 4)
#define PL011_INT_RT (1u << 6)
#define PL011_CR 0x30
#define PL011_CR_UARTEN (1u << 0)
#define PL011_CR_TXE (1u << 8)
#define PL011_CR_RXE (1u << 9)

static uint64_t uart_base;

/* Runs before the plan is checked (see port.h): reads only the UART's
 * kind and address. The UART works with the MMU off. */
RUMKV_BOOT int port_console_init(const struct rumkv_plan *plan)
{
	if (plan->platform.uart_kind != RUMKV_UART_PL011) {
		return RUMKV_ENOTSUP;
	}
	uart_base = plan->platform.uart.pa;
	mmio_write32(uart_base + PL011_CR,
		     PL011_CR_UARTEN | PL011_CR_TXE | PL011_CR_RXE);
	/* Receive interrupts feed the cell in focus; the GIC routes them to
	 * its first core (port_console_input_route). */
	mmio_write32(uart_base + PL011_IMSC, PL011_INT_RX | PL011_INT_RT);
	return 0;
}

void port_console_write(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		while (mmio_read32(uart_base + PL011_FR) & PL011_FR_TXFF) {
		}
		mmio_write32(uart_base + PL011_DR, (uint8_t)s[i]);
	}
}

/* Bytes taken per interrupt: the receive interrupt is level-triggered, so
 * whatever is left raises it again once this one is finished, and input
 * arriving as fast as it is read cannot keep a core in RumKV. */
#define RX_BURST 32u

/* Drains the receive FIFO into the cell in focus, while this core is its
 * first (after the focus moves, the rest is left for the new one). */
void aarch64_uart_irq(struct rumkv_core *core)
{
	unsigned n;

	for (n = 0; n < RX_BURST && rumkv_console_takes_input(core) &&
		    (mmio_read32(uart_base + PL011_FR) & PL011_FR_RXFE) == 0;
	     n++) {
		rumkv_console_input(core,
				    (char)mmio_read32(uart_base + PL011_DR));
	}
}
