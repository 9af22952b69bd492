/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The AVP PMD authors
 */

/*
 * Configuration and control: device information, queue counts, receive
 * filters, MTU and MAC, statistics, the port's life cycle, refused
 * control requests, devargs and per-queue mempools.
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_bus_vdev.h>
#include <rte_ethdev.h>
#include <rte_mbuf.h>
#include <rte_version.h>

#include "test_avp_common.h"
#include "avp_wait.h"

#define MC_LIST_MAX	64	/* documented in avp.rst */

static uint8_t fbuf[AVP_EMU_FRAME_MAX];
static struct rte_ether_addr mc_list[MC_LIST_MAX + 1];

static const uint8_t other[6] = { 0x02, 0x11, 0x22, 0x33, 0x44, 0x55 };
static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

/* ---- device information ---- */

static int
test_infos(void)
{
	struct avp_emu_port_params p;
	struct rte_eth_dev_info info;
	struct rte_ether_addr mac;
	struct tport *t;
	char fw[64];

	params_default(&p);
	p.rx_queues_max = 6;
	p.tx_queues_max = 3;
	t = tport_create(&p);
	ASSERT_NOT_NULL(t, "probe");
	TEST_ASSERT_SUCCESS(rte_eth_dev_info_get(t->port, &info), "info");
	TEST_ASSERT_EQUAL(strcmp(info.driver_name, "net_avp_emu"), 0,
		"driver name %s", info.driver_name);
	TEST_ASSERT_EQUAL(info.max_rx_queues, 6, "max rx %u", info.max_rx_queues);
	TEST_ASSERT_EQUAL(info.max_tx_queues, 3, "max tx %u", info.max_tx_queues);
	TEST_ASSERT_EQUAL(info.max_rx_pktlen, 9238u, "max pktlen");
	TEST_ASSERT_EQUAL(info.max_mtu, 9220, "max mtu %u", info.max_mtu);
	TEST_ASSERT_EQUAL(info.min_mtu, RTE_ETHER_MIN_MTU, "min mtu");
	TEST_ASSERT_EQUAL(info.min_rx_bufsize, 64u, "min rx bufsize");
	TEST_ASSERT_EQUAL(info.max_mac_addrs, 1u, "mac addrs");
	TEST_ASSERT(info.rx_offload_capa & RTE_ETH_RX_OFFLOAD_VLAN_STRIP,
		"VLAN strip not offered");
	TEST_ASSERT(info.rx_offload_capa & RTE_ETH_RX_OFFLOAD_SCATTER,
		"scatter not offered");
	TEST_ASSERT(info.tx_offload_capa & RTE_ETH_TX_OFFLOAD_VLAN_INSERT,
		"VLAN insert not offered");
	TEST_ASSERT(info.tx_offload_capa & RTE_ETH_TX_OFFLOAD_MULTI_SEGS,
		"multi-segs not offered");
	TEST_ASSERT_EQUAL(info.rx_desc_lim.nb_max, 1024, "rx desc max %u",
		info.rx_desc_lim.nb_max);
	TEST_ASSERT_SUCCESS(rte_eth_macaddr_get(t->port, &mac), "mac");
	TEST_ASSERT_EQUAL(memcmp(mac.addr_bytes, p.mac, 6), 0, "MAC differs");
	TEST_ASSERT_SUCCESS(rte_eth_dev_fw_version_get(t->port, fw, sizeof(fw)),
		"fw version");
	TEST_ASSERT_EQUAL(strcmp(fw, "AVP host ABI 1.0.1"), 0, "fw %s", fw);
	TEST_ASSERT_EQUAL(rte_eth_dev_fw_version_get(t->port, fw, 4),
		(int)strlen("AVP host ABI 1.0.1") + 1, "fw size answer");
	return case_end();
}

/* A host without VLAN offload: nothing VLAN is advertised. */
static int
test_infos_no_vlan(void)
{
	struct avp_emu_port_params p;
	struct rte_eth_dev_info info;
	struct tport *nv;

	params_default(&p);
	p.no_vlan_offload = 1;
	nv = tport_create(&p);
	ASSERT_NOT_NULL(nv, "probe without VLAN");
	TEST_ASSERT_SUCCESS(rte_eth_dev_info_get(nv->port, &info), "info");
	TEST_ASSERT(!(info.rx_offload_capa & RTE_ETH_RX_OFFLOAD_VLAN_STRIP),
		"VLAN strip offered by a host without it");
	TEST_ASSERT(!(info.tx_offload_capa & RTE_ETH_TX_OFFLOAD_VLAN_INSERT),
		"VLAN insert offered by a host without it");
	TEST_ASSERT_FAIL(port_configure(nv->port, &(struct pconf){ .nrx = 1,
		.ntx = 1, .txoff = RTE_ETH_TX_OFFLOAD_VLAN_INSERT }),
		"VLAN insert accepted without host support");
	return case_end();
}

/* ---- queues ---- */

static int
check_configure(struct tport *t, uint16_t nrx, uint16_t ntx, uint16_t rings)
{
	struct avp_emu_port_state s;

	TEST_ASSERT_SUCCESS(port_start(t->port, &(struct pconf){ .nrx = nrx,
			.ntx = ntx }), "start with %u/%u queues", nrx, ntx);
	avp_emu_port_state_get(t->ep, &s);
	TEST_ASSERT(s.configured, "host not configured");
	TEST_ASSERT_EQUAL(s.cfg.rx_queues, rings, "CONFIGURE rx_queues %u, want %u",
		s.cfg.rx_queues, rings);
	TEST_ASSERT_EQUAL(s.cfg.tx_queues, ntx, "CONFIGURE tx_queues %u",
		s.cfg.tx_queues);
	TEST_ASSERT_EQUAL(s.cfg.instance_id, s.instance_id, "instance id");
	TEST_ASSERT_EQUAL(s.cfg.drv_version, AVP_GUEST_VERSION, "version");
	TEST_ASSERT_EQUAL(s.cfg.drv_kind, AVP_DRV_KIND_DPDK, "kind");
	TEST_ASSERT_SUCCESS(rte_eth_dev_stop(t->port), "stop");
	return 0;
}

/* Frames placed on every host rx ring since the port was created. */
static uint64_t
placed_all(struct tport *t)
{
	uint64_t placed = 0;
	unsigned int r;

	for (r = 0; r < AVP_MAX_QUEUES; r++)
		placed += host_placed(t, r);
	return placed;
}

/* Traffic on every queue: a frame injected per host ring comes out. */
static int
check_all_rings(struct tport *t, uint16_t nrx, uint16_t rings)
{
	struct rte_mbuf *pkts[64];
	uint64_t base, end;
	unsigned int got = 0, q, r;

	TEST_ASSERT_SUCCESS(rte_eth_dev_start(t->port), "restart");
	TEST_ASSERT_SUCCESS(avp_emu_wait_link(t->ep, 1, WAIT_MS), "link");
	base = placed_all(t);
	fill_frame(fbuf, 100, tport_mac(t), 1);
	for (r = 0; r < rings; r++) {
		struct avp_emu_inject_opts o = { .queue = (int)r };

		TEST_ASSERT_SUCCESS(inject(t, fbuf, 100, &o), "inject");
	}
	/* every frame on its ring before anyone polls */
	end = now_ms() + WAIT_MS;
	while (placed_all(t) < base + rings && now_ms() < end)
		rte_delay_us_sleep(100);
	TEST_ASSERT_EQUAL(placed_all(t), base + rings, "frames placed");
	for (q = 0; q < nrx; q++) {
		/* queue q serves its range of host rings (avp.rst), all of
		 * it in a single burst
		 */
		unsigned int b = rings / nrx, rem = rings % nrx;
		unsigned int want = q < rem ? b + 1 : b;
		unsigned int k = rte_eth_rx_burst(t->port, q, pkts, 64);

		rte_pktmbuf_free_bulk(pkts, k);
		TEST_ASSERT_EQUAL(k, want, "queue %u got %u frames, want %u",
			q, k, want);
		got += k;
	}
	TEST_ASSERT_EQUAL(got, rings, "frames");
	TEST_ASSERT_SUCCESS(rte_eth_dev_stop(t->port), "stop");
	return 0;
}

static int
test_configure_queues(void)
{
	struct tport *t;

	t = tport_create(NULL);
	ASSERT_NOT_NULL(t, "probe");
	TEST_ASSERT_SUCCESS(check_configure(t, 1, 1, 1), "1 queue");
	TEST_ASSERT_SUCCESS(check_all_rings(t, 1, 1), "1 queue traffic");
	TEST_ASSERT_SUCCESS(check_configure(t, 4, 4, 4), "4 queues");
	TEST_ASSERT_SUCCESS(check_all_rings(t, 4, 4), "4 queue traffic");
	TEST_ASSERT_SUCCESS(check_configure(t, 8, 8, 8), "8 queues");
	TEST_ASSERT_SUCCESS(check_all_rings(t, 8, 8), "8 queue traffic");
	TEST_ASSERT_SUCCESS(check_configure(t, 2, 5, 2), "2 rx / 5 tx");
	TEST_ASSERT_SUCCESS(check_configure(t, 7, 1, 7), "7 rx / 1 tx");
	return case_end();
}

/* rx_queues_min 5: 2 queues serve rings 0-2 and 3-4. */
static int
test_configure_queues_rx_min(void)
{
	struct avp_emu_port_params p;
	struct tport *m;

	params_default(&p);
	p.rx_queues_min = 5;
	m = tport_create(&p);
	ASSERT_NOT_NULL(m, "probe min 5");
	TEST_ASSERT_SUCCESS(check_configure(m, 2, 1, 5), "rings = min");
	TEST_ASSERT_SUCCESS(check_all_rings(m, 2, 5), "rings = min traffic");
	return case_end();
}

static int
test_too_many_queues(void)
{
	struct rte_eth_conf conf;
	struct tport *t;

	memset(&conf, 0, sizeof(conf));
	t = tport_create(NULL);
	ASSERT_NOT_NULL(t, "probe");
	TEST_ASSERT_EQUAL(rte_eth_dev_configure(t->port, 9, 1, &conf), -EINVAL,
		"9 rx queues");
	TEST_ASSERT_EQUAL(rte_eth_dev_configure(t->port, 1, 9, &conf), -EINVAL,
		"9 tx queues");
	return case_end();
}

static int
test_too_many_queues_small_host(void)
{
	struct avp_emu_port_params p;
	struct rte_eth_conf conf;
	struct tport *t;

	memset(&conf, 0, sizeof(conf));
	params_default(&p);
	p.rx_queues_max = 2;
	p.tx_queues_max = 3;
	t = tport_create(&p);
	ASSERT_NOT_NULL(t, "probe small");
	TEST_ASSERT_EQUAL(rte_eth_dev_configure(t->port, 3, 1, &conf), -EINVAL,
		"3 rx queues on a 2-queue host");
	TEST_ASSERT_EQUAL(rte_eth_dev_configure(t->port, 1, 4, &conf), -EINVAL,
		"4 tx queues on a 3-queue host");
	TEST_ASSERT_SUCCESS(rte_eth_dev_configure(t->port, 2, 3, &conf),
		"maximum");
	return case_end();
}

/* Each receive queue allocates from its own mempool. */
static int
test_queue_pools(void)
{
	struct rte_eth_rxq_info ri;
	struct rte_mbuf *m[4];
	struct tport *t;
	unsigned int q, n;

	t = tport_create(NULL);
	ASSERT_NOT_NULL(t, "probe");
	TEST_ASSERT_SUCCESS(rte_eth_dev_configure(t->port, 2, 1,
		&(struct rte_eth_conf){ .rxmode = { .mtu = 200 } }), "configure");
	TEST_ASSERT_SUCCESS(rte_eth_rx_queue_setup(t->port, 0, 0, SOCKET_ID_ANY,
		NULL, pool), "rxq 0");
	TEST_ASSERT_SUCCESS(rte_eth_rx_queue_setup(t->port, 1, 0, SOCKET_ID_ANY,
		NULL, pool_small), "rxq 1");
	TEST_ASSERT_SUCCESS(rte_eth_tx_queue_setup(t->port, 0, 0, SOCKET_ID_ANY,
		NULL), "txq");
	TEST_ASSERT_SUCCESS(rte_eth_dev_start(t->port), "start");
	TEST_ASSERT_SUCCESS(avp_emu_wait_link(t->ep, 1, WAIT_MS), "link");
	for (q = 0; q < 2; q++) {
		struct avp_emu_inject_opts o = { .queue = (int)q };
		struct rte_mempool *want = q == 0 ? pool : pool_small;
		struct rte_mempool *from;
		int same;

		TEST_ASSERT_SUCCESS(rte_eth_rx_queue_info_get(t->port, q, &ri),
			"info");
		TEST_ASSERT_EQUAL(ri.mp, want, "rxq %u pool", q);
		fill_frame(fbuf, 150, tport_mac(t), q);
		TEST_ASSERT_SUCCESS(inject(t, fbuf, 150, &o), "inject");
		n = rx_wait(t->port, q, m, 1);
		TEST_ASSERT_EQUAL(n, 1u, "rxq %u frame", q);
		from = m[0]->pool;
		same = mbuf_equals(m[0], fbuf, 150);
		rte_pktmbuf_free(m[0]);
		TEST_ASSERT_EQUAL(from, want, "rxq %u mbuf pool", q);
		TEST_ASSERT(same, "bytes");
	}
	return case_end();
}

/* A pool whose mbufs hold less than 64 bytes is refused. */
static int
test_queue_pool_too_small(void)
{
	struct rte_mempool *mini;
	struct tport *t;

	t = tport_create(NULL);
	ASSERT_NOT_NULL(t, "probe");
	TEST_ASSERT_SUCCESS(rte_eth_dev_configure(t->port, 2, 1,
		&(struct rte_eth_conf){ .rxmode = { .mtu = 200 } }), "configure");
	mini = case_pool_create("avp_test_mini", 63, RTE_PKTMBUF_HEADROOM + 32);
	ASSERT_NOT_NULL(mini, "mini pool");
	TEST_ASSERT(rte_eth_rx_queue_setup(t->port, 1, 0, SOCKET_ID_ANY,
		NULL, mini) < 0, "32-byte mbufs accepted");
	return case_end();
}

/* ---- receive filters ---- */

static int
test_promisc_allmulti(void)
{
	static const uint8_t mcast[6] = { 0x01, 0x00, 0x5e, 0x00, 0x00, 0x01 };
	/* Frames by bit: 0 own MAC, 1 broadcast, 2 other unicast, 3 mcast. */
	static const struct {
		int promisc;
		int allmulti;
		unsigned int accept;
		uint64_t filtered;	/* running total */
	} rounds[] = {
		{ 0, 0, 0x3, 2 },	/* own and broadcast only */
		{ 0, 1, 0xb, 3 },	/* allmulticast adds multicast */
		{ 1, 1, 0xf, 3 },	/* promiscuous takes everything */
		{ 0, 0, 0x3, 5 },	/* back to the strict filter */
	};
	const uint8_t *dst[4];
	struct tport *t;
	unsigned int r;

	t = tport_up(NULL, AVP_EMU_MODE_CAPTURE, &conf1);
	ASSERT_NOT_NULL(t, "port");
	dst[0] = tport_mac(t);
	dst[1] = bcast;
	dst[2] = other;
	dst[3] = mcast;
	TEST_ASSERT_EQUAL(rte_eth_promiscuous_get(t->port), 0, "promisc off");
	TEST_ASSERT_EQUAL(rte_eth_allmulticast_get(t->port), 1,
		"all-multicast on from probe, as the old driver");
	for (r = 0; r < RTE_DIM(rounds); r++) {
		TEST_ASSERT_SUCCESS((rounds[r].promisc ?
			rte_eth_promiscuous_enable(t->port) :
			rte_eth_promiscuous_disable(t->port)), "promisc");
		TEST_ASSERT_SUCCESS((rounds[r].allmulti ?
			rte_eth_allmulticast_enable(t->port) :
			rte_eth_allmulticast_disable(t->port)), "allmulti");
		TEST_ASSERT_EQUAL(rte_eth_promiscuous_get(t->port),
			rounds[r].promisc, "promisc state");
		TEST_ASSERT_EQUAL(rte_eth_allmulticast_get(t->port),
			rounds[r].allmulti, "allmulti state");
		TEST_ASSERT_SUCCESS(filter_round(t, dst, RTE_DIM(dst),
			rounds[r].accept, rounds[r].filtered), "round %u", r);
	}
	return case_end();
}

/*
 * The multicast list of every case: group addresses, the second one
 * IPv6; returns the destinations by bit: 0 own, 1 broadcast, 2 other
 * unicast, 3 and 4 listed, 5 unlisted.
 */
static void
mc_list_init(struct tport *t, const uint8_t *dst[6])
{
	static const uint8_t unlisted[6] = {
		0x01, 0x00, 0x5e, 0x00, 0x00, 0x05 };
	unsigned int i;

	memset(mc_list, 0, sizeof(mc_list));
	for (i = 0; i < RTE_DIM(mc_list); i++) {
		mc_list[i].addr_bytes[0] = 0x01;
		mc_list[i].addr_bytes[1] = 0x00;
		mc_list[i].addr_bytes[2] = 0x5e;
		mc_list[i].addr_bytes[5] = (uint8_t)(0xfb - i);
	}
	mc_list[1] = (struct rte_ether_addr){ { 0x33, 0x33, 0, 0, 0, 1 } };
	dst[0] = tport_mac(t);
	dst[1] = bcast;
	dst[2] = other;
	dst[3] = mc_list[0].addr_bytes;
	dst[4] = mc_list[1].addr_bytes;
	dst[5] = unlisted;
}

/*
 * All-multicast off: only the listed groups, broadcast and the port's
 * own address pass, and the filtered counter is exact; all-multicast
 * and promiscuous override the list.
 */
static int
test_mc_list(void)
{
	static const struct {
		int promisc, allmulti;
		unsigned int nlist, accept;
		uint64_t filtered;	/* running total */
	} rounds[] = {
		{ 0, 0, 2, 0x1b, 2 },	/* the two listed groups */
		{ 0, 0, 0, 0x03, 6 },	/* empty list: no group */
		{ 0, 1, 2, 0x3b, 7 },	/* all-multicast overrides the list */
		{ 1, 0, 2, 0x3f, 7 },	/* promiscuous overrides both */
		{ 0, 0, 2, 0x1b, 9 },	/* and back */
	};
	const uint8_t *dst[6];
	struct tport *t;
	unsigned int r;

	t = tport_up(NULL, AVP_EMU_MODE_CAPTURE, &conf1);
	ASSERT_NOT_NULL(t, "port");
	mc_list_init(t, dst);
	for (r = 0; r < RTE_DIM(rounds); r++) {
		TEST_ASSERT_SUCCESS(rte_eth_dev_set_mc_addr_list(t->port,
			rounds[r].nlist != 0 ? mc_list : NULL, rounds[r].nlist),
			"list of %u", rounds[r].nlist);
		TEST_ASSERT_SUCCESS((rounds[r].promisc ?
			rte_eth_promiscuous_enable(t->port) :
			rte_eth_promiscuous_disable(t->port)), "promisc");
		TEST_ASSERT_SUCCESS((rounds[r].allmulti ?
			rte_eth_allmulticast_enable(t->port) :
			rte_eth_allmulticast_disable(t->port)), "allmulti");
		TEST_ASSERT_SUCCESS(filter_round(t, dst, RTE_DIM(dst),
			rounds[r].accept, rounds[r].filtered), "round %u", r);
	}
	return case_end();
}

/* A bad list (one too many, a unicast address) is refused, the old stays. */
static int
test_mc_list_refused(void)
{
	const uint8_t *dst[6];
	struct tport *t;

	t = tport_up(NULL, AVP_EMU_MODE_CAPTURE, &conf1);
	ASSERT_NOT_NULL(t, "port");
	mc_list_init(t, dst);
	TEST_ASSERT_SUCCESS(rte_eth_dev_set_mc_addr_list(t->port, mc_list, 2),
		"list of 2");
	TEST_ASSERT_SUCCESS(rte_eth_allmulticast_disable(t->port), "allmulti");
	TEST_ASSERT_EQUAL(rte_eth_dev_set_mc_addr_list(t->port, mc_list,
		MC_LIST_MAX + 1), -EINVAL, "%u addresses", MC_LIST_MAX + 1);
	mc_list[2] = (struct rte_ether_addr){ { 0x02, 0, 0, 0, 0, 7 } };
	TEST_ASSERT_EQUAL(rte_eth_dev_set_mc_addr_list(t->port, mc_list, 3),
		-EINVAL, "a unicast address");
	TEST_ASSERT_SUCCESS(filter_round(t, dst, RTE_DIM(dst), 0x1b, 2),
		"the list before the refusals");
	TEST_ASSERT_SUCCESS(rte_eth_dev_set_mc_addr_list(t->port, &mc_list[3],
		MC_LIST_MAX - 3), "%u addresses", MC_LIST_MAX - 3);
	return case_end();
}

/* ---- MTU and MAC ---- */

static int
test_mtu(void)
{
	struct avp_emu_port_state s;
	struct tport *t;
	uint16_t mtu;

	t = tport_up(NULL, AVP_EMU_MODE_CAPTURE, &conf1);
	ASSERT_NOT_NULL(t, "port");
	avp_emu_port_state_get(t->ep, &s);
	TEST_ASSERT_EQUAL(s.mtu, 1500u, "the MTU in effect sent at start");
	TEST_ASSERT_EQUAL(rte_eth_dev_set_mtu(t->port, 9221), -EINVAL,
		"9221 is above 9238 - 18");
	TEST_ASSERT_EQUAL(rte_eth_dev_set_mtu(t->port, 67), -EINVAL, "67");
	TEST_ASSERT_SUCCESS(rte_eth_dev_set_mtu(t->port, 1400), "1400");
	avp_emu_port_state_get(t->ep, &s);
	TEST_ASSERT_EQUAL(s.mtu, 1400u, "SET_MTU 1400 reached the host");
	TEST_ASSERT_EQUAL(rte_eth_dev_set_mtu(t->port, 9000), -EBUSY,
		"jumbo on a started simple-path port");
	TEST_ASSERT_SUCCESS(rte_eth_dev_get_mtu(t->port, &mtu), "get");
	TEST_ASSERT_EQUAL(mtu, 1400, "MTU unchanged after refusal");
	TEST_ASSERT_SUCCESS(rte_eth_dev_stop(t->port), "stop");
	TEST_ASSERT_SUCCESS(rte_eth_dev_set_mtu(t->port, 9220), "9220 stopped");
	avp_emu_port_state_get(t->ep, &s);
	TEST_ASSERT_EQUAL(s.mtu, 9220u, "SET_MTU 9220");
	return case_end();
}

/* The host refusing SET_MTU is the answer; at start it stops nothing. */
static int
test_mtu_host_refusal(void)
{
	struct tport *t;
	uint16_t mtu;

	t = tport_up(NULL, AVP_EMU_MODE_CAPTURE, &conf1);
	ASSERT_NOT_NULL(t, "port");
	TEST_ASSERT_SUCCESS(rte_eth_dev_stop(t->port), "stop");
	TEST_ASSERT_SUCCESS(rte_eth_dev_set_mtu(t->port, 9220), "9220 stopped");
	TEST_ASSERT_SUCCESS(avp_emu_port_fault(t->ep, AVP_EMU_FAULT_CTRL_STATUS,
		(uint64_t)-EPERM, 1), "fault");
	TEST_ASSERT_EQUAL(rte_eth_dev_set_mtu(t->port, 1500), -EPERM,
		"host status");
	TEST_ASSERT_SUCCESS(rte_eth_dev_get_mtu(t->port, &mtu), "get");
	TEST_ASSERT_EQUAL(mtu, 9220, "MTU unchanged after host refusal");
	TEST_ASSERT_SUCCESS(avp_emu_port_fault(t->ep, AVP_EMU_FAULT_CTRL_STATUS,
		(uint64_t)-EINVAL, 1), "fault");
	TEST_ASSERT_SUCCESS(rte_eth_dev_start(t->port), "start, SET_MTU refused");
	TEST_ASSERT_SUCCESS(avp_emu_wait_link(t->ep, 1, WAIT_MS), "link");
	return case_end();
}

/* MAC: only the host's own. */
static int
test_mac_addr_set(void)
{
	struct rte_ether_addr mac;
	struct tport *t;

	t = tport_up(NULL, AVP_EMU_MODE_CAPTURE, &conf1);
	ASSERT_NOT_NULL(t, "port");
	TEST_ASSERT_SUCCESS(rte_eth_macaddr_get(t->port, &mac), "mac");
	TEST_ASSERT_SUCCESS(rte_eth_dev_default_mac_addr_set(t->port, &mac),
		"same MAC");
	mac.addr_bytes[5] ^= 1;
	TEST_ASSERT_EQUAL(rte_eth_dev_default_mac_addr_set(t->port, &mac),
		-ENOTSUP, "another MAC");
	return case_end();
}

/* ---- statistics ---- */

/*
 * 10 frames out of queue 0 and 15 out of queue 1 in loopback, all 25
 * received back on either queue; bytes: what they carried.
 */
static int
stats_traffic(struct tport *t, uint64_t *bytes)
{
	struct rte_mbuf *m[64];
	unsigned int i, q, k = 0;
	uint64_t end;

	*bytes = 0;
	for (q = 0; q < 2; q++) {
		for (i = 0; i < 10 + q * 5; i++) {
			uint32_t len = 60 + i * 10 + q;

			fill_frame(fbuf, len, tport_mac(t), i);
			m[i] = mbuf_from(pool, fbuf, len, NULL, 0);
			ASSERT_NOT_NULL(m[i], "mbuf");
			*bytes += len;
		}
		TEST_ASSERT_EQUAL(rte_eth_tx_burst(t->port, q, m, i), i, "tx");
	}
	/* loopback spreads over both rx rings */
	end = now_ms() + WAIT_MS;
	while (k < 25 && now_ms() < end) {
		for (q = 0; q < 2; q++) {
			unsigned int r = rte_eth_rx_burst(t->port, q, m, 64);

			rte_pktmbuf_free_bulk(m, r);
			k += r;
		}
	}
	k += rx_drain(t->port, 2, 20);
	TEST_ASSERT_EQUAL(k, 25u, "received %u of 25", k);
	return 0;
}

/* Whether xstat name is listed by rte_eth_xstats_get_names. */
static int
xstat_listed(uint16_t port, const char *name)
{
	struct rte_eth_xstat_name *names;
	struct rte_eth_xstat *xs;
	int n, i, found = 0;

	n = rte_eth_xstats_get_names(port, NULL, 0);
	if (n <= 0)
		return 0;
	names = calloc(n, sizeof(*names));
	xs = calloc(n, sizeof(*xs));
	if (names != NULL && xs != NULL &&
	    rte_eth_xstats_get_names(port, names, n) == n &&
	    rte_eth_xstats_get(port, xs, n) == n)
		for (i = 0; i < n && !found; i++)
			found = strcmp(names[i].name, name) == 0;
	free(names);
	free(xs);
	return found;
}

static int
test_stats_xstats(void)
{
	struct rte_eth_stats st;
	struct tport *t;
	uint64_t bytes;

	t = tport_up(NULL, AVP_EMU_MODE_LOOPBACK, &(struct pconf){ .nrx = 2,
		.ntx = 2 });
	ASSERT_NOT_NULL(t, "port");
	TEST_ASSERT_SUCCESS(stats_traffic(t, &bytes), "traffic");
	TEST_ASSERT_SUCCESS(rte_eth_stats_get(t->port, &st), "stats");
	TEST_ASSERT_EQUAL(st.opackets, 25u, "opackets");
	TEST_ASSERT_EQUAL(st.obytes, bytes, "obytes");
	TEST_ASSERT_EQUAL(st.ipackets, 25u, "ipackets");
	TEST_ASSERT_EQUAL(st.ibytes, bytes, "ibytes");
#if RTE_VERSION < RTE_VERSION_NUM(25, 11, 0, 0)
	/* per-queue fields of rte_eth_stats (xstats only from 25.11) */
	TEST_ASSERT_EQUAL(st.q_opackets[0], 10u, "q0 opackets");
	TEST_ASSERT_EQUAL(st.q_opackets[1], 15u, "q1 opackets");
	TEST_ASSERT_EQUAL(st.q_ipackets[0] + st.q_ipackets[1], 25u,
		"per-queue ipackets");
	TEST_ASSERT(st.q_ipackets[0] > 0 && st.q_ipackets[1] > 0,
		"both queues received");
#endif
	TEST_ASSERT_EQUAL(st.ierrors + st.oerrors + st.rx_nombuf, 0u, "errors");
	TEST_ASSERT(xstat_listed(t->port, "tx_q1_bytes"), "tx_q1_bytes listed");
	ASSERT_XSTAT(t->port, "tx_q0_packets", 10);
	ASSERT_XSTAT(t->port, "tx_q1_packets", 15);
	ASSERT_XSTAT(t->port, "rx_good_packets", 25);
	ASSERT_XSTAT(t->port, "rx_filtered_packets", 0);
	ASSERT_XSTAT(t->port, "rx_invalid_desc_errors", 0);
	ASSERT_XSTAT(t->port, "rx_no_mbuf_errors", 0);
	ASSERT_XSTAT(t->port, "rx_oversize_errors", 0);
	ASSERT_XSTAT(t->port, "tx_ring_full_packets", 0);
	ASSERT_XSTAT(t->port, "tx_detached_packets", 0);
	return case_end();
}

/* A reset zeroes every counter, and counting resumes from zero. */
static int
test_stats_reset(void)
{
	struct rte_eth_stats st;
	struct rte_mbuf *m[64];
	struct tport *t;
	uint64_t bytes, end;
	unsigned int q, r1 = 0;

	t = tport_up(NULL, AVP_EMU_MODE_LOOPBACK, &(struct pconf){ .nrx = 2,
		.ntx = 2 });
	ASSERT_NOT_NULL(t, "port");
	TEST_ASSERT_SUCCESS(stats_traffic(t, &bytes), "traffic");
	TEST_ASSERT_SUCCESS(rte_eth_stats_reset(t->port), "reset");
	TEST_ASSERT_SUCCESS(rte_eth_stats_get(t->port, &st), "stats");
	TEST_ASSERT_EQUAL(st.opackets + st.ipackets + st.obytes + st.ibytes,
		0u, "after reset");
	ASSERT_XSTAT(t->port, "rx_q0_packets", 0);
	ASSERT_XSTAT(t->port, "tx_q1_packets", 0);
	fill_frame(fbuf, 77, tport_mac(t), 1);
	m[0] = mbuf_from(pool, fbuf, 77, NULL, 0);
	ASSERT_NOT_NULL(m[0], "mbuf");
	TEST_ASSERT_SUCCESS(tx_one(t->port, 1, m[0]), "tx");
	end = now_ms() + WAIT_MS;
	while (r1 == 0 && now_ms() < end)
		for (q = 0; q < 2; q++) {
			uint16_t got = rte_eth_rx_burst(t->port, q, m, 64);

			rte_pktmbuf_free_bulk(m, got);
			r1 += got;
		}
	TEST_ASSERT_EQUAL(r1, 1u, "one back, got %u", r1);
	TEST_ASSERT_SUCCESS(rte_eth_stats_get(t->port, &st), "stats");
	TEST_ASSERT_EQUAL(st.opackets, 1u, "opackets");
	TEST_ASSERT_EQUAL(st.obytes, 77u, "obytes");
	TEST_ASSERT_EQUAL(st.ipackets, 1u, "ipackets");
	TEST_ASSERT_SUCCESS(rte_eth_xstats_reset(t->port), "xstats reset");
	ASSERT_XSTAT(t->port, "tx_q1_bytes", 0);
	return case_end();
}

/* ---- life cycle ---- */

static int
check_states(uint16_t port, uint8_t want)
{
	struct rte_eth_rxq_info ri;
	struct rte_eth_txq_info ti;

	TEST_ASSERT_SUCCESS(rte_eth_rx_queue_info_get(port, 0, &ri), "rxq");
	TEST_ASSERT_SUCCESS(rte_eth_tx_queue_info_get(port, 0, &ti), "txq");
	TEST_ASSERT_EQUAL(ri.queue_state, want, "rxq state %u", ri.queue_state);
	TEST_ASSERT_EQUAL(ti.queue_state, want, "txq state %u", ti.queue_state);
	return 0;
}

/* Stop and start, three times: link and queue states follow, traffic. */
static int
test_lifecycle(void)
{
	struct rte_eth_rxq_info ri;
	struct rte_eth_link link;
	struct tport *t;
	int i;

	t = tport_up(NULL, AVP_EMU_MODE_LOOPBACK, &conf1);
	ASSERT_NOT_NULL(t, "port");
	TEST_ASSERT_SUCCESS(rte_eth_rx_queue_info_get(t->port, 0, &ri), "rxq");
	TEST_ASSERT_EQUAL(ri.mp, pool, "rxq pool");
	TEST_ASSERT_EQUAL(ri.rx_buf_size, 2048, "rx buf size");
	TEST_ASSERT_EQUAL(ri.nb_desc, 1024, "nb_desc");
	TEST_ASSERT_SUCCESS(check_states(t->port, RTE_ETH_QUEUE_STATE_STARTED),
		"started");
	TEST_ASSERT_SUCCESS(rte_eth_link_get_nowait(t->port, &link), "link");
	TEST_ASSERT_EQUAL(link.link_status, RTE_ETH_LINK_UP, "link up");
	TEST_ASSERT_EQUAL(link.link_speed, RTE_ETH_SPEED_NUM_10G, "speed");
	TEST_ASSERT_SUCCESS(loop_one(t, 100), "traffic");
	for (i = 0; i < 3; i++) {
		TEST_ASSERT_SUCCESS(rte_eth_dev_stop(t->port), "stop");
		TEST_ASSERT_SUCCESS(check_states(t->port,
			RTE_ETH_QUEUE_STATE_STOPPED), "stopped");
		TEST_ASSERT_SUCCESS(rte_eth_link_get_nowait(t->port, &link),
			"link");
		TEST_ASSERT_EQUAL(link.link_status, RTE_ETH_LINK_DOWN,
			"link down when stopped");
		TEST_ASSERT_SUCCESS(avp_emu_wait_link(t->ep, 0, WAIT_MS),
			"host sees link down");
		TEST_ASSERT_SUCCESS(rte_eth_dev_start(t->port), "start");
		TEST_ASSERT_SUCCESS(avp_emu_wait_link(t->ep, 1, WAIT_MS),
			"host sees link up");
		TEST_ASSERT_SUCCESS(loop_one(t, 200 + i), "traffic");
	}
	return case_end();
}

/* set_link_down/up go to the host. */
static int
test_link_set(void)
{
	struct rte_eth_link link;
	struct tport *t;

	t = tport_up(NULL, AVP_EMU_MODE_LOOPBACK, &conf1);
	ASSERT_NOT_NULL(t, "port");
	TEST_ASSERT_SUCCESS(rte_eth_dev_set_link_down(t->port), "link down");
	TEST_ASSERT_SUCCESS(avp_emu_wait_link(t->ep, 0, WAIT_MS), "host down");
	TEST_ASSERT_SUCCESS(rte_eth_link_get_nowait(t->port, &link), "link");
	TEST_ASSERT_EQUAL(link.link_status, RTE_ETH_LINK_DOWN, "down");
	TEST_ASSERT_SUCCESS(rte_eth_dev_set_link_up(t->port), "link up");
	TEST_ASSERT_SUCCESS(avp_emu_wait_link(t->ep, 1, WAIT_MS), "host up");
	return case_end();
}

/* Stops and closes the port: the host sees irq_mask 0 and one SHUTDOWN. */
static int
port_close(struct tport *t)
{
	struct avp_emu_port_stats est, est2;
	struct avp_emu_port_state s;
	uint16_t old;

	TEST_ASSERT_SUCCESS(rte_eth_dev_stop(t->port), "stop");
	avp_emu_port_stats_get(t->ep, &est);
	old = t->port;
	TEST_ASSERT_SUCCESS(rte_eth_dev_close(t->port), "close");
	TEST_ASSERT(!rte_eth_dev_is_valid_port(old), "port released");
	avp_emu_port_state_get(t->ep, &s);
	TEST_ASSERT_EQUAL(s.irq_mask, 0u, "irq_mask cleared");
	TEST_ASSERT(!s.configured, "host unconfigured after SHUTDOWN");
	avp_emu_port_stats_get(t->ep, &est2);
	TEST_ASSERT_EQUAL(est2.requests[AVP_OP_SHUTDOWN],
		est.requests[AVP_OP_SHUTDOWN] + 1, "one SHUTDOWN");
	return 0;
}

static int
test_close(void)
{
	struct tport *t;

	t = tport_up(NULL, AVP_EMU_MODE_LOOPBACK, &conf1);
	ASSERT_NOT_NULL(t, "port");
	TEST_ASSERT_SUCCESS(port_close(t), "close");
	return case_end();
}

/* The vdev goes and comes back: probe again, traffic again. */
static int
test_reprobe(void)
{
	struct tport *t;

	t = tport_up(NULL, AVP_EMU_MODE_LOOPBACK, &conf1);
	ASSERT_NOT_NULL(t, "port");
	TEST_ASSERT_SUCCESS(port_close(t), "close");
	tport_unprobe(t);
	TEST_ASSERT_SUCCESS(tport_probe(t), "re-probe");
	TEST_ASSERT_SUCCESS(avp_emu_port_set_mode(t->ep, AVP_EMU_MODE_LOOPBACK,
		NULL), "mode");
	TEST_ASSERT_SUCCESS(port_start(t->port, &conf1), "start again");
	TEST_ASSERT_SUCCESS(loop_one(t, 300), "traffic after re-probe");
	/* uninit of a started port stops and closes it */
	tport_unprobe(t);
	TEST_ASSERT(!rte_eth_dev_is_valid_port(t->port), "released");
	return case_end();
}

/* SET_MTU (only logged when refused), then SET_LINK, refused. */
static int
test_start_refused(void)
{
	struct rte_eth_link link;
	struct tport *t;

	t = tport_create(NULL);
	ASSERT_NOT_NULL(t, "probe");
	TEST_ASSERT_SUCCESS(rte_eth_link_get_nowait(t->port, &link), "link");
	TEST_ASSERT_EQUAL(link.link_status, RTE_ETH_LINK_DOWN,
		"down before start");
	TEST_ASSERT_SUCCESS(port_configure(t->port, &conf1), "configure");
	TEST_ASSERT_SUCCESS(avp_emu_port_fault(t->ep, AVP_EMU_FAULT_CTRL_STATUS,
		(uint64_t)-EIO, 2), "fault");
	TEST_ASSERT_EQUAL(rte_eth_dev_start(t->port), -EIO,
		"start with the link request refused");
	TEST_ASSERT_SUCCESS(rte_eth_link_get_nowait(t->port, &link), "link");
	TEST_ASSERT_EQUAL(link.link_status, RTE_ETH_LINK_DOWN,
		"link down after a refused start");
	TEST_ASSERT_SUCCESS(rte_eth_dev_start(t->port), "start");
	TEST_ASSERT_SUCCESS(rte_eth_link_get_nowait(t->port, &link), "link");
	TEST_ASSERT_EQUAL(link.link_status, RTE_ETH_LINK_UP, "up");
	return case_end();
}

/* A refused CONFIGURE is reported. */
static int
test_configure_refused(void)
{
	struct tport *t;

	t = tport_create(NULL);
	ASSERT_NOT_NULL(t, "probe");
	TEST_ASSERT_SUCCESS(port_start(t->port, &conf1), "start");
	TEST_ASSERT_SUCCESS(rte_eth_dev_stop(t->port), "stop");
	TEST_ASSERT_SUCCESS(avp_emu_port_fault(t->ep, AVP_EMU_FAULT_CTRL_STATUS,
		(uint64_t)-EINVAL, 1), "fault");
	TEST_ASSERT_EQUAL(port_configure(t->port, &conf1), -EINVAL,
		"configure refused by the host");
	return case_end();
}

/* ---- devargs ---- */

static int
test_devargs(void)
{
	static const char * const bad[] = {
		"",				/* socket is required */
		"sock=/tmp/x",			/* unknown key */
		"socket=",			/* empty path */
		"socket=/nonexistent/avp.sock",	/* nobody listening */
		"socket=a,socket=b",		/* twice */
		"socket=/tmp/x,announce=2",	/* announce is 0 or 1 */
		"socket=/tmp/x,announce=",	/* announce without value */
	};
	char name[32], args[400];
	unsigned int i;

	for (i = 0; i < RTE_DIM(bad); i++) {
		vdev_name_next(name, sizeof(name));
		TEST_ASSERT(rte_vdev_init(name, bad[i]) < 0,
			"devargs \"%s\" accepted", bad[i]);
	}
	/* a path longer than a UNIX socket path */
	memset(args, 'a', sizeof(args) - 1);
	args[sizeof(args) - 1] = '\0';
	memcpy(args, "socket=/", 8);
	vdev_name_next(name, sizeof(name));
	TEST_ASSERT(rte_vdev_init(name, args) < 0, "long path accepted");
	return case_end();
}

static int
test_devargs_good(void)
{
	struct tport *t;

	t = tport_create(NULL);
	ASSERT_NOT_NULL(t, "probe with socket=PATH");
	t = tport_new(NULL);
	ASSERT_NOT_NULL(t, "port");
	snprintf(t->xargs, sizeof(t->xargs), ",announce=1");
	TEST_ASSERT_SUCCESS(tport_probe(t), "probe with announce=1");
	return case_end();
}

/*
 * The driver's bounded waits (a burst to end, a control reply) do not
 * count a stall of the whole guest: the deadline moves by it (avp.rst).
 */
static int
test_wait_stall(void)
{
	uint64_t hz = rte_get_timer_hz(), t0, end;
	struct avp_wait w;

	avp_wait_ms(&w, 0);
	TEST_ASSERT(avp_wait_expired(&w), "a wait of 0 ms not over at once");
	avp_wait_ms(&w, 20);
	/* the thread stops for 100 ms, as in a stall of the guest */
	rte_delay_us_sleep(100 * 1000);
	t0 = rte_get_timer_cycles();
	TEST_ASSERT(!avp_wait_expired(&w), "the stall used the wait up");
	/* the thread runs again: the wait runs its 20 ms, then ends */
	end = now_ms() + WAIT_MS;
	while (!avp_wait_expired(&w) && now_ms() < end)
		rte_delay_us_sleep(1000);
	TEST_ASSERT(now_ms() < end, "the wait did not end in %u ms", WAIT_MS);
	TEST_ASSERT(rte_get_timer_cycles() - t0 >= hz * 19 / 1000,
		"the wait ended %" PRIu64 " us after the stall",
		(rte_get_timer_cycles() - t0) * 1000000 / hz);
	return TEST_SUCCESS;
}

struct unit_test_suite avp_config_suite = {
	.suite_name = "configuration and control",
	.unit_test_cases = {
		AVPT_CASE(test_infos),
		AVPT_CASE(test_infos_no_vlan),
		AVPT_CASE(test_configure_queues),
		AVPT_CASE(test_configure_queues_rx_min),
		AVPT_CASE(test_too_many_queues),
		AVPT_CASE(test_too_many_queues_small_host),
		AVPT_CASE(test_queue_pools),
		AVPT_CASE(test_queue_pool_too_small),
		AVPT_CASE(test_promisc_allmulti),
		AVPT_CASE(test_mc_list),
		AVPT_CASE(test_mc_list_refused),
		AVPT_CASE(test_mtu),
		AVPT_CASE(test_mtu_host_refusal),
		AVPT_CASE(test_mac_addr_set),
		AVPT_CASE(test_stats_xstats),
		AVPT_CASE(test_stats_reset),
		AVPT_CASE(test_lifecycle),
		AVPT_CASE(test_link_set),
		AVPT_CASE(test_close),
		AVPT_CASE(test_reprobe),
		AVPT_CASE(test_start_refused),
		AVPT_CASE(test_configure_refused),
		AVPT_CASE(test_devargs),
		AVPT_CASE(test_devargs_good),
		AVPT_CASE(test_wait_stall),
		TEST_CASES_END()
	}
};
