// SPDX-License-Identifier: MIT
/*
 * Right names. Bits 0..7 are the classes of <rumkv/abi.h>; a partition
 * may name more rights (one per device, say), which get bits 16 and up in
 * the order they first appear, the same bit in every cell.
 */
#include "model.h"

#include <string.h>

static const char *const classes[] = {
	"console", "net", "block", "ipc", "rng", "rtc", "gpio", "other",
};

bool right_name_ok(const char *name)
{
	size_t len = strlen(name);

	if (len == 0 || len > 31) {
		return false;
	}
	for (; *name != '\0'; name++) {
		char c = *name;

		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		      c == '_' || c == '-')) {
			return false;
		}
	}
	return true;
}

int right_lookup(struct m_part *m, const char *name, bool define)
{
	for (unsigned i = 0; i < RUMKV_ARRAY_SIZE(classes); i++) {
		if (strcmp(classes[i], name) == 0) {
			return (int)i;
		}
	}
	for (unsigned i = 0; i < m->custom_count; i++) {
		if (strcmp(m->custom_rights[i], name) == 0) {
			return RUMKV_RIGHT_FIRST_CUSTOM + (int)i;
		}
	}
	if (!define || !right_name_ok(name)) {
		return -1;
	}
	if (m->custom_count == M_MAX_CUSTOM_RIGHTS) {
		return -2;
	}
	m->custom_rights[m->custom_count] = name;
	return RUMKV_RIGHT_FIRST_CUSTOM + (int)m->custom_count++;
}

const char *right_name(const struct m_part *m, unsigned bit)
{
	if (bit < RUMKV_ARRAY_SIZE(classes)) {
		return classes[bit];
	}
	if (bit >= RUMKV_RIGHT_FIRST_CUSTOM &&
	    bit - RUMKV_RIGHT_FIRST_CUSTOM < m->custom_count) {
		return m->custom_rights[bit - RUMKV_RIGHT_FIRST_CUSTOM];
	}
	return "?";
}
