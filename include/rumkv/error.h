/* SPDX-License-Identifier: MIT */
/*
 * Error codes of the core library and the ports.
 *
 * Every fallible function returns 0 or one of these (negative) codes.
 * They are internal: the hypercall layer maps them to the guest ABI's
 * return values in exactly one place (lib/hypercall.c).
 */
#ifndef RUMKV_ERROR_H
#define RUMKV_ERROR_H

enum rumkv_error {
	RUMKV_OK = 0,
	RUMKV_EINVAL = -1,  /* malformed argument */
	RUMKV_ENOMEM = -2,  /* a fixed pool is exhausted */
	RUMKV_EBUSY = -3,   /* the range or resource is already in use */
	RUMKV_ENOENT = -4,  /* nothing is mapped or registered there */
	RUMKV_EPERM = -5,   /* the cell does not hold the right */
	RUMKV_ERANGE = -6,  /* outside the cell, or arithmetic overflow */
	RUMKV_EALIGN = -7,  /* misaligned address or size */
	RUMKV_ESTATE = -8,  /* not allowed in the current lifecycle state */
	RUMKV_ENOTSUP = -9, /* not implemented by this port or build */
};

/* A short, stable name for an error code, for reports and tests. */
const char *rumkv_strerror(int err);

#endif /* RUMKV_ERROR_H */
