/* SPDX-License-Identifier: MIT */
/* <rumkv/abi.h> needs only <stdint.h>; in the kernel its types come from
 * <linux/types.h>. */
#ifndef RUMKV_KERNEL_STDINT_H
#define RUMKV_KERNEL_STDINT_H
#include <linux/types.h>
#endif
