// SPDX-License-Identifier: MIT
/*
 * In the Criterion suites a failed model or harness check (el2_fail)
 * fails the running test with its message.
 */
#include "el2.h"

#include <criterion/criterion.h>

static void fail_test(const char *msg)
{
	cr_assert_fail("%s", msg);
}

static void __attribute__((constructor)) install(void)
{
	el2_fail_handler = fail_test;
}
