// SPDX-License-Identifier: MIT
/*
 * No IOMMU driver in this build (QEMU 7.2's virt machine has no SMMU in
 * front of its virtio-mmio devices). Plans that name IOMMU streams are
 * refused at boot instead of silently left unprotected; devices without
 * streams are stopped by their own reset (see lib/cell.c).
 */
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
