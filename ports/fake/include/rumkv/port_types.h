/* SPDX-License-Identifier: MIT */
/*
 * Port state embedded in the core's structs, for the host fake port.
 */
#ifndef RUMKV_PORT_TYPES_H
#define RUMKV_PORT_TYPES_H

#include <stdint.h>

struct port_cell {
	uint32_t vmid;
};

struct port_core {
	uint32_t kicks; /* times another core kicked this one */
};

#endif /* RUMKV_PORT_TYPES_H */
