// SPDX-License-Identifier: MIT
/*
 * Device models of the core library, reached when a cell touches an
 * address its stage-2 tables leave unmapped (or read-only) on purpose:
 * the virtual UART, the flash window and the virtual ECAM of cells with
 * PCI functions. The port handles
 * its own (the interrupt controller) first; whatever neither knows is a
 * violation.
 */
#include "internal.h"

#include <rumkv/error.h>

int rumkv_mmio_emulate(struct rumkv_core *core, struct rumkv_mmio_access *acc)
{
	const struct rumkv_plan_cell *pc = core->cell->plan;
	const struct rumkv_plan_mmio *ecam =
		&rumkv_machine.plan->platform.pci_ecam;

	if ((pc->console & RUMKV_CONSOLE_VUART) != 0 &&
	    acc->ipa - pc->vuart_ipa < RUMKV_PAGE_SIZE) {
		return rumkv_vuart_access(core, acc);
	}
	if (acc->ipa - pc->flash_ipa < pc->flash_size) {
		/* The flash window: its backed part is mapped read-only, so
		 * only writes to it and reads of the rest arrive here. A
		 * flash that answers no commands: writes are dropped, and
		 * what nothing backs reads as erased. */
		if (!acc->write) {
			acc->value = acc->size >= 8
					     ? ~0ull
					     : (1ull << (8 * acc->size)) - 1;
		}
		return 0;
	}
	if (acc->ipa - ecam->pa < ecam->size && rumkv_cell_has_pci(pc)) {
		return rumkv_pci_config_access(core, acc);
	}
	return RUMKV_ENOENT;
}
