/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The AVP PMD authors
 */

/*
 * avp_autotest: the AVP PMD against the in-process host emulator
 * (app/avp-host/lib). Ports attach through the emulator transport
 * (net_avp_emu vdev on a UNIX socket in a private directory) and, in the
 * PCI suite, through the PCI driver with a synthesized PCI function whose
 * BARs are the emulator's. Every case checks that the emulator's strict
 * checker saw no violation.
 *
 * One suite per concern, each in its own file; the fixtures they share
 * are in test_avp_common.c:
 *
 *   test_avp_config.c     device information, queues, filters, MTU,
 *                         statistics, life cycle, devargs
 *   test_avp_datapath.c   loopback, jumbo frames, chains, oversize,
 *                         VLAN, bursts, resources running out
 *   test_avp_queue.c      queue start and stop, descriptor status,
 *                         power monitor
 *   test_avp_faults.c     bad images, descriptors, alloc buffers and
 *                         control replies from the host
 *   test_avp_migration.c  interrupts and live migration
 *   test_avp_pci.c        the PCI transport, hot-plug, removal
 *   test_avp_legacy.c     applications of the old net/avp
 */

#include "test_avp_common.h"

static struct unit_test_suite avp_suite = {
	.suite_name = "AVP PMD unit test suite",
	.setup = avpt_suite_setup,
	.teardown = avpt_suite_teardown,
	.unit_test_suites = (struct unit_test_suite *[]){
		&avp_config_suite,
		&avp_datapath_suite,
		&avp_queue_suite,
		&avp_faults_suite,
		&avp_migration_suite,
		&avp_pci_suite,
		&avp_legacy_suite,
		NULL
	},
	.unit_test_cases = {
		TEST_CASES_END()
	}
};

static int
test_avp(void)
{
	return unit_test_suite_runner(&avp_suite);
}

REGISTER_TEST_COMMAND(avp_autotest, test_avp);
