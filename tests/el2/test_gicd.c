// SPDX-License-Identifier: MIT
#include "el2.h"

#include <criterion/criterion.h>

Test(gicd, boots)
{
	el2_boot_all();
	cr_assert_eq(el2_cell(EL2_A)->state, RUMKV_CELL_RUNNING);
}
