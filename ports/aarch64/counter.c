// SPDX-License-Identifier: MIT
/*
 * The time source of RumKV's rate limits: the generic timer's physical
 * counter, which EL2 always reads directly (CNTHCTL_EL2 only controls
 * EL1 and EL0 access). The counter is system-wide and monotonic; under
 * QEMU -icount it advances with the instruction count, so rate limits are
 * deterministic there too.
 */
#include <aarch64/sysreg.h>

#include <rumkv/port.h>

uint64_t port_counter_read(void)
{
	return read_sysreg(cntpct_el0);
}

uint64_t port_counter_freq(void)
{
	return read_sysreg(cntfrq_el0);
}
