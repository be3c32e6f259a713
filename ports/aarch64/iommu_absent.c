// SPDX-License-Identifier: MIT
/*
 * No IOMMU driver in this build (QEMU 7.2's virt machine has no SMMU in
 * front of its virtio-mmio devices). Plans that name IOMMU streams are
 * refused at boot instead of silently left unprotected; devices without
 * streams are stopped by their own reset (see lib/cell.c).
 */
#include "aarch64.h"
#include <rumkv/error.h>
#include <rumkv/port.h>

int port_iommu_attach(struct rumkv_cell *cell, uint32_t stream)
{
	(void)cell;
	(void)stream;
	return RUMKV_ENOTSUP;
}

void port_iommu_detach(struct rumkv_cell *cell, uint32_t stream)
{
	(void)cell;
	(void)stream;
}

/* A plan for a board with an SMMU, built without the driver: its PCI
 * functions are refused (port_iommu_attach), the SMMU is left alone. */
int aarch64_iommu_init(const struct rumkv_plan *plan)
{
	(void)plan;
	return 0;
}

void aarch64_iommu_invalidate(const struct rumkv_cell *cell, uint64_t ipa,
			      uint64_t size)
{
	(void)cell;
	(void)ipa;
	(void)size;
}

void aarch64_iommu_serve(void)
{
}

bool aarch64_iommu_irq(uint32_t intid)
{
	(void)intid;
	return false;
}
