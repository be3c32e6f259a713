/* SPDX-License-Identifier: MIT */
/*
 * Plan validation, shared by the library (at boot, before touching any
 * hardware) and the partition tool (at build time, where each error is
 * mapped back to a file, node path and property).
 *
 * The checker reports every error it finds, not only the first, through a
 * callback, and returns how many it reported.
 */
#ifndef RUMKV_PLAN_CHECK_H
#define RUMKV_PLAN_CHECK_H

#include <rumkv/plan.h>

/* The part of a cell (or of the plan) an error is about. */
enum rumkv_plan_field {
	RUMKV_FIELD_PLAN = 0, /* the plan as a whole (version, RAM, self) */
	RUMKV_FIELD_NAME,
	RUMKV_FIELD_CORES,
	RUMKV_FIELD_MEMORY,
	RUMKV_FIELD_DEVICES,
	RUMKV_FIELD_IRQS,
	RUMKV_FIELD_STREAMS,
	RUMKV_FIELD_IMAGES,
	RUMKV_FIELD_ENTRY,
	RUMKV_FIELD_RIGHTS,
	RUMKV_FIELD_POLICY,
	RUMKV_FIELD_CONSOLE,
	RUMKV_FIELD_STATUS_PAGE,
	RUMKV_FIELD_TABLES,
	RUMKV_FIELD_GUEST, /* where the cell sees its memory (mem[].ipa) */
	RUMKV_FIELD_BOOT,  /* boot protocol: the flash window */
};

struct rumkv_plan_error {
	int cell; /* index of the cell at fault, or -1 for the plan */
	enum rumkv_plan_field field;
	int item; /* index within that field (memory region, device...), or -1
		   */
	int other_cell; /* the cell it collides with, or -1 */
	int other_item; /* index within the colliding cell's same field, or -1
			 */
	/* What is wrong and what it collides with, without the location
	 * (cell and field): for cell B's memory, "0x48000000+0x8000000
	 * overlaps cell A memory 0x40000000+0x10000000" */
	char message[192];
};

typedef void (*rumkv_plan_error_fn)(void *ctx,
				    const struct rumkv_plan_error *err);

/* Checks `plan`; calls `report` (may be NULL) once per error. Returns the
 * number of errors (0: the plan is good). */
unsigned rumkv_plan_check(const struct rumkv_plan *plan,
			  rumkv_plan_error_fn report, void *ctx);

/* Name of a field, as used in messages ("memory", "devices", ...). */
const char *rumkv_plan_field_name(enum rumkv_plan_field field);

#endif /* RUMKV_PLAN_CHECK_H */
