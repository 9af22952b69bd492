/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The AVP PMD authors
 */

/*
 * avp_input_autotest: the application is not trusted either. Every
 * ethdev entry point of an AVP port given bad arguments (queue ids out of
 * range, descriptor counts, null pointers the ethdev layer passes on, MTU
 * out of range, offloads not offered, configure or queue set-up while
 * started, ...) returns a negative errno and logs one line that names the
 * problem. Each case captures the log (rte_openlog_stream on a memstream)
 * and asserts the errno and the line. Ports are served by the in-process
 * emulator through the net_avp_emu vdev.
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_bus_vdev.h>
#include <rte_ethdev.h>
#include <rte_log.h>
#include <rte_mbuf.h>

#include "test.h"
#include "avp_emu.h"

static struct avp_emu *iemu;
static struct avp_emu_port *iep, *iep_novlan;
static char idir[64];
static struct rte_mempool *ipool, *ipool_small, *ipool_tiny;
static uint16_t iport, iport_novlan;

/* ---- log capture ---- */

static char *logbuf;
static size_t loglen;
static FILE *logf;

static void
log_begin(void)
{
	logf = open_memstream(&logbuf, &loglen);
	if (logf != NULL)
		rte_openlog_stream(logf);
}

/*
 * Ends a capture: 0 when the log holds a line containing needle (case
 * insensitive) and the driver logged at most one line. Prints the log.
 */
static int
log_end(const char *what, const char *needle)
{
	unsigned int lines = 0, drv = 0;
	const char *p;
	int found;

	if (logf == NULL)
		return -1;
	rte_openlog_stream(NULL);
	fclose(logf);
	logf = NULL;
	for (p = logbuf; p != NULL && *p != '\0'; p = strchr(p, '\n')) {
		if (*p == '\n')
			p++;
		if (*p == '\0')
			break;
		lines++;
		if (strncmp(p, "avp_", 4) == 0)
			drv++;
	}
	found = needle == NULL || strcasestr(logbuf, needle) != NULL;
	printf("  %s: %u line(s)%s\n    %s", what, lines,
		found ? "" : " (expected text missing)",
		lines != 0 ? logbuf : "(nothing logged)\n");
	free(logbuf);
	logbuf = NULL;
	if (lines == 0 || !found || drv > 1)
		return -1;
	return 0;
}

/* ret must be -err and the log must name the problem. */
#define EXPECT(call, err, needle) do { \
	int ret_; \
	log_begin(); \
	ret_ = (call); \
	TEST_ASSERT_SUCCESS(log_end(#call, needle), \
		"%s: no log line saying '%s'", #call, needle); \
	TEST_ASSERT_EQUAL(ret_, -(err), "%s returned %d, expected %d", \
		#call, ret_, -(err)); \
} while (0)

/* ---- ports ---- */


static int
iport_create(struct avp_emu_port **ep, uint16_t *port, int no_vlan,
		unsigned int n)
{
	struct avp_emu_port_params p;
	char name[32], sock[128], args[160];

	avp_emu_port_params_default(&p, 40 + n);
	p.rx_queues_max = 2;
	p.tx_queues_max = 2;
	p.no_vlan_offload = no_vlan;
	*ep = avp_emu_port_create(iemu, &p);
	if (*ep == NULL)
		return -1;
	snprintf(sock, sizeof(sock), "%s/in%u.sock", idir, n);
	snprintf(name, sizeof(name), "net_avp_emu_in%u", n);
	snprintf(args, sizeof(args), "socket=%s", sock);
	if (avp_emu_port_listen(*ep, sock) != 0 ||
	    rte_vdev_init(name, args) != 0 ||
	    rte_eth_dev_get_port_by_name(name, port) != 0)
		return -1;
	return 0;
}

static int
input_setup(void)
{
	snprintf(idir, sizeof(idir), "/tmp/avp_input.XXXXXX");
	if (mkdtemp(idir) == NULL)
		return TEST_FAILED;
	iemu = avp_emu_create();
	if (iemu == NULL || avp_emu_start(iemu) != 0)
		return TEST_FAILED;
	avp_emu_set_log(iemu, stderr, 0);
	ipool = rte_pktmbuf_pool_create("avp_in_pool", 2047, 0, 0,
			RTE_MBUF_DEFAULT_BUF_SIZE, SOCKET_ID_ANY);
	ipool_small = rte_pktmbuf_pool_create("avp_in_small", 1023, 0, 0,
			RTE_PKTMBUF_HEADROOM + 256, SOCKET_ID_ANY);
	ipool_tiny = rte_pktmbuf_pool_create("avp_in_tiny", 63, 0, 0,
			RTE_PKTMBUF_HEADROOM + 32, SOCKET_ID_ANY);
	if (ipool == NULL || ipool_small == NULL || ipool_tiny == NULL)
		return TEST_FAILED;
	if (iport_create(&iep, &iport, 0, 0) != 0 ||
	    iport_create(&iep_novlan, &iport_novlan, 1, 1) != 0) {
		printf("cannot create the ports\n");
		return TEST_FAILED;
	}
	return TEST_SUCCESS;
}

static void
input_teardown(void)
{
	char path[128];

	rte_vdev_uninit("net_avp_emu_in0");
	rte_vdev_uninit("net_avp_emu_in1");
	if (iep != NULL)
		avp_emu_port_destroy(iep);
	if (iep_novlan != NULL)
		avp_emu_port_destroy(iep_novlan);
	avp_emu_destroy(iemu);
	rte_mempool_free(ipool);
	rte_mempool_free(ipool_small);
	rte_mempool_free(ipool_tiny);
	snprintf(path, sizeof(path), "%s/in0.sock", idir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/in1.sock", idir);
	unlink(path);
	rmdir(idir);
}

/* Configured with one queue each, set up, stopped. */
static int
port_ready(uint16_t port, struct rte_mempool *mp, uint16_t mtu)
{
	struct rte_eth_conf conf;

	rte_eth_dev_stop(port);
	memset(&conf, 0, sizeof(conf));
	conf.rxmode.mtu = mtu;
	if (rte_eth_dev_configure(port, 1, 1, &conf) != 0 ||
	    rte_eth_rx_queue_setup(port, 0, 0, SOCKET_ID_ANY, NULL, mp) != 0 ||
	    rte_eth_tx_queue_setup(port, 0, 0, SOCKET_ID_ANY, NULL) != 0)
		return -1;
	return 0;
}

/* ---- cases ---- */

static int
test_input_configure(void)
{
	struct rte_eth_conf conf;
	struct rte_eth_dev_info info;
	uint16_t p = iport;

	rte_eth_dev_stop(p);
	TEST_ASSERT_SUCCESS(rte_eth_dev_info_get(p, &info), "info");
	memset(&conf, 0, sizeof(conf));
	EXPECT(rte_eth_dev_configure(p, info.max_rx_queues + 1, 1, &conf),
		EINVAL, "nb_rx_queues");
	EXPECT(rte_eth_dev_configure(p, 1, info.max_tx_queues + 1, &conf),
		EINVAL, "nb_tx_queues");
	EXPECT(rte_eth_dev_configure(p, 1, 1, NULL), EINVAL, "null");
	conf.rxmode.offloads = RTE_ETH_RX_OFFLOAD_TCP_LRO;
	EXPECT(rte_eth_dev_configure(p, 1, 1, &conf), EINVAL, "offloads");
	conf.rxmode.offloads = 0;
	conf.txmode.offloads = RTE_ETH_TX_OFFLOAD_TCP_TSO;
	EXPECT(rte_eth_dev_configure(p, 1, 1, &conf), EINVAL, "offloads");
	conf.txmode.offloads = 0;
	conf.rxmode.mtu = info.max_mtu + 1;
	EXPECT(rte_eth_dev_configure(p, 1, 1, &conf), EINVAL, "MTU");
	conf.rxmode.mtu = 0;
	conf.txmode.mq_mode = RTE_ETH_MQ_TX_DCB;
	EXPECT(rte_eth_dev_configure(p, 1, 1, &conf), ENOTSUP, "mq_mode");
	conf.txmode.mq_mode = RTE_ETH_MQ_TX_NONE;
	conf.rxmode.mq_mode = RTE_ETH_MQ_RX_VMDQ_ONLY;
	EXPECT(rte_eth_dev_configure(p, 1, 1, &conf), ENOTSUP, "mq_mode");
	conf.rxmode.mq_mode = RTE_ETH_MQ_RX_NONE;
	/* offloads the host does not offer (no VLAN feature) */
	conf.txmode.offloads = RTE_ETH_TX_OFFLOAD_VLAN_INSERT;
	EXPECT(rte_eth_dev_configure(iport_novlan, 1, 1, &conf), EINVAL,
		"offloads");
	conf.txmode.offloads = 0;
	conf.rxmode.offloads = RTE_ETH_RX_OFFLOAD_VLAN_STRIP;
	EXPECT(rte_eth_dev_configure(iport_novlan, 1, 1, &conf), EINVAL,
		"offloads");
	conf.rxmode.offloads = 0;
	/* a port that does not exist */
	EXPECT(rte_eth_dev_configure(RTE_MAX_ETHPORTS - 1, 1, 1, &conf),
		ENODEV, "port");
	/* configure while started */
	TEST_ASSERT_SUCCESS(port_ready(p, ipool, 0), "set up");
	TEST_ASSERT_SUCCESS(rte_eth_dev_start(p), "start");
	EXPECT(rte_eth_dev_configure(p, 1, 1, &conf), EBUSY, "stop");
	TEST_ASSERT_SUCCESS(rte_eth_dev_stop(p), "stop");
	return TEST_SUCCESS;
}

static int
test_input_queues(void)
{
	struct rte_eth_dev_info info;
	struct rte_eth_rxconf rxc;
	struct rte_eth_txconf txc;
	uint16_t p = iport;

	TEST_ASSERT_SUCCESS(port_ready(p, ipool, 0), "set up");
	TEST_ASSERT_SUCCESS(rte_eth_dev_info_get(p, &info), "info");
	EXPECT(rte_eth_rx_queue_setup(p, 1, 0, SOCKET_ID_ANY, NULL, ipool),
		EINVAL, "queue_id");
	EXPECT(rte_eth_tx_queue_setup(p, 1, 0, SOCKET_ID_ANY, NULL),
		EINVAL, "queue_id");
	EXPECT(rte_eth_rx_queue_setup(p, 0, info.rx_desc_lim.nb_max + 1,
		SOCKET_ID_ANY, NULL, ipool), EINVAL, "nb_rx_desc");
	EXPECT(rte_eth_tx_queue_setup(p, 0, info.tx_desc_lim.nb_max + 1,
		SOCKET_ID_ANY, NULL), EINVAL, "nb_tx_desc");
	EXPECT(rte_eth_rx_queue_setup(p, 0, 0, SOCKET_ID_ANY, NULL, NULL),
		EINVAL, "mempool");
	/* ethdev checks the data room against min_rx_bufsize (64) */
	EXPECT(rte_eth_rx_queue_setup(p, 0, 0, SOCKET_ID_ANY, NULL,
		ipool_tiny), EINVAL, "data_room_size");
	memset(&rxc, 0, sizeof(rxc));
	rxc.offloads = RTE_ETH_RX_OFFLOAD_TCP_LRO;
	EXPECT(rte_eth_rx_queue_setup(p, 0, 0, SOCKET_ID_ANY, &rxc, ipool),
		EINVAL, "offloads");
	memset(&txc, 0, sizeof(txc));
	txc.offloads = RTE_ETH_TX_OFFLOAD_TCP_TSO;
	EXPECT(rte_eth_tx_queue_setup(p, 0, 0, SOCKET_ID_ANY, &txc),
		EINVAL, "offloads");
	/* set-up while started */
	TEST_ASSERT_SUCCESS(port_ready(p, ipool, 0), "set up again");
	TEST_ASSERT_SUCCESS(rte_eth_dev_start(p), "start");
	/* refused by ethdev 22.11 (no runtime queue set-up), silently */
	TEST_ASSERT_EQUAL(rte_eth_rx_queue_setup(p, 0, 0, SOCKET_ID_ANY, NULL,
		ipool), -EBUSY, "rx queue set-up while started");
	TEST_ASSERT_EQUAL(rte_eth_tx_queue_setup(p, 0, 0, SOCKET_ID_ANY, NULL),
		-EBUSY, "tx queue set-up while started");
	TEST_ASSERT_SUCCESS(rte_eth_dev_stop(p), "stop");
	return TEST_SUCCESS;
}

/* Queue start and stop, Tx clean-up, power monitor. */
static int
test_input_queue_ops(void)
{
	struct rte_power_monitor_cond pmc;
	struct rte_eth_conf conf;
	uint16_t p = iport;

	TEST_ASSERT_SUCCESS(port_ready(p, ipool, 0), "set up");
	/* ethdev: queue start needs a started port, ids in range */
	EXPECT(rte_eth_dev_rx_queue_start(p, 0), EINVAL, "started");
	EXPECT(rte_eth_dev_tx_queue_start(p, 0), EINVAL, "started");
	TEST_ASSERT_SUCCESS(rte_eth_dev_start(p), "start");
	EXPECT(rte_eth_dev_rx_queue_stop(p, 1), EINVAL, "queue_id");
	EXPECT(rte_eth_dev_tx_queue_stop(p, 1), EINVAL, "queue_id");
	EXPECT(rte_eth_dev_rx_queue_start(p, 1), EINVAL, "queue_id");
	EXPECT(rte_eth_dev_tx_queue_start(p, 1), EINVAL, "queue_id");
	EXPECT(rte_eth_get_monitor_addr(p, 1, &pmc), EINVAL, "queue_id");
	EXPECT(rte_eth_get_monitor_addr(p, 0, NULL), EINVAL, "NULL");
	/* the driver: a queue that is not set up reaches it as NULL */
	EXPECT(rte_eth_tx_done_cleanup(p, 1, 0), EINVAL, "not set up");
	TEST_ASSERT_SUCCESS(rte_eth_dev_stop(p), "stop");
	memset(&conf, 0, sizeof(conf));
	TEST_ASSERT_SUCCESS(rte_eth_dev_configure(p, 2, 1, &conf),
		"configure 2 rx queues");
	TEST_ASSERT_SUCCESS(rte_eth_rx_queue_setup(p, 0, 0, SOCKET_ID_ANY,
		NULL, ipool), "rxq 0");
	EXPECT(rte_eth_get_monitor_addr(p, 1, &pmc), EINVAL, "not set up");
	return TEST_SUCCESS;
}

static int
test_input_mtu(void)
{
	struct rte_eth_dev_info info;
	uint16_t p = iport;

	TEST_ASSERT_SUCCESS(port_ready(p, ipool, 0), "set up");
	TEST_ASSERT_SUCCESS(rte_eth_dev_info_get(p, &info), "info");
	EXPECT(rte_eth_dev_set_mtu(p, info.max_mtu + 1), EINVAL, "MTU");
	EXPECT(rte_eth_dev_set_mtu(p, info.min_mtu - 1), EINVAL, "MTU");
	/* started on 256-byte mbufs without SCATTER: a larger MTU is
	 * refused by the driver until the port is stopped
	 */
	TEST_ASSERT_SUCCESS(port_ready(p, ipool_small, 200), "small mbufs");
	TEST_ASSERT_SUCCESS(rte_eth_dev_start(p), "start");
	EXPECT(rte_eth_dev_set_mtu(p, 1500), EBUSY, "stop the port");
	TEST_ASSERT_SUCCESS(rte_eth_dev_stop(p), "stop");
	return TEST_SUCCESS;
}

static int
test_input_start(void)
{
	struct rte_eth_conf conf;
	uint16_t p = iport;

	/* queues configured but never set up */
	rte_eth_dev_stop(p);
	memset(&conf, 0, sizeof(conf));
	TEST_ASSERT_SUCCESS(rte_eth_dev_configure(p, 2, 1, &conf),
		"configure");
	TEST_ASSERT_SUCCESS(rte_eth_rx_queue_setup(p, 0, 0, SOCKET_ID_ANY,
		NULL, ipool), "rxq 0");
	TEST_ASSERT_SUCCESS(rte_eth_tx_queue_setup(p, 0, 0, SOCKET_ID_ANY,
		NULL), "txq 0");
	EXPECT(rte_eth_dev_start(p), EINVAL, "not set up");
	/* link changes need a started port */
	EXPECT(rte_eth_dev_set_link_up(p), EINVAL, "started");
	EXPECT(rte_eth_dev_set_link_down(p), EINVAL, "started");
	return TEST_SUCCESS;
}

static int
test_input_null(void)
{
	uint16_t p = iport;
	char fw[8];

	EXPECT(rte_eth_dev_info_get(p, NULL), EINVAL, "NULL");
	EXPECT(rte_eth_stats_get(p, NULL), EINVAL, "NULL");
	EXPECT(rte_eth_link_get_nowait(p, NULL), EINVAL, "NULL");
	EXPECT(rte_eth_macaddr_get(p, NULL), EINVAL, "NULL");
	EXPECT(rte_eth_dev_default_mac_addr_set(p, NULL), EINVAL, "NULL");
	EXPECT(rte_eth_dev_fw_version_get(p, NULL, sizeof(fw)), EINVAL,
		"NULL");
	return TEST_SUCCESS;
}

static int
test_input_mac_vlan(void)
{
	struct rte_ether_addr other = {
		.addr_bytes = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x77 } };
	struct rte_ether_addr mcast = {
		.addr_bytes = { 0x01, 0x00, 0x5e, 0x00, 0x00, 0x01 } };

	TEST_ASSERT_SUCCESS(port_ready(iport, ipool, 0), "set up");
	EXPECT(rte_eth_dev_default_mac_addr_set(iport, &other), ENOTSUP,
		"cannot change");
	/* refused by ethdev 22.11 before the driver, without a log line */
	TEST_ASSERT_EQUAL(rte_eth_dev_default_mac_addr_set(iport, &mcast),
		-EINVAL, "multicast default MAC");
	TEST_ASSERT_SUCCESS(port_ready(iport_novlan, ipool, 0), "set up");
	EXPECT(rte_eth_dev_set_vlan_offload(iport_novlan,
		RTE_ETH_VLAN_STRIP_OFFLOAD), EINVAL, "VLAN");
	return TEST_SUCCESS;
}

static struct unit_test_suite avp_input_suite = {
	.suite_name = "AVP PMD: bad application input",
	.setup = input_setup,
	.teardown = input_teardown,
	.unit_test_cases = {
		TEST_CASE(test_input_configure),
		TEST_CASE(test_input_queues),
		TEST_CASE(test_input_queue_ops),
		TEST_CASE(test_input_mtu),
		TEST_CASE(test_input_start),
		TEST_CASE(test_input_null),
		TEST_CASE(test_input_mac_vlan),
		TEST_CASES_END()
	}
};

static int
test_avp_input(void)
{
	return unit_test_suite_runner(&avp_input_suite);
}

REGISTER_TEST_COMMAND(avp_input_autotest, test_avp_input);
