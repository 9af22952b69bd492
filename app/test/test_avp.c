/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The AVP PMD authors
 */

#include "test.h"

static int
test_avp(void)
{
	return TEST_SUCCESS;
}

REGISTER_TEST_COMMAND(avp_autotest, test_avp);
