// SPDX-License-Identifier: MIT
#include <rumkv/error.h>
#include <rumkv/types.h>

/* Boot only in the hypervisor image: after boot, errors reach cells as ABI
 * status values (lib/hypercall.c), never as text. */
RUMKV_BOOT const char *rumkv_strerror(int err)
{
	switch (err) {
	case RUMKV_OK:
		return "ok";
	case RUMKV_EINVAL:
		return "invalid argument";
	case RUMKV_ENOMEM:
		return "pool exhausted";
	case RUMKV_EBUSY:
		return "already in use";
	case RUMKV_ENOENT:
		return "not found";
	case RUMKV_EPERM:
		return "right not held";
	case RUMKV_ERANGE:
		return "out of range";
	case RUMKV_EALIGN:
		return "misaligned";
	case RUMKV_ESTATE:
		return "wrong state";
	case RUMKV_ENOTSUP:
		return "not supported";
	default:
		return "unknown error";
	}
}
