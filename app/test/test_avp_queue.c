/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The AVP PMD authors
 */

/*
 * Queues one by one: deferred start, start and stop while the host
 * delivers, descriptor status and counts, the power monitor condition,
 * and a host ring index out of range.
 */

#include <errno.h>
#include <string.h>

#include <rte_ethdev.h>
#include <rte_mbuf.h>

#include "test_avp_common.h"

static uint8_t fbuf[AVP_EMU_FRAME_MAX];
static struct avp_emu_frame cap;

static int
rxq_state(uint16_t port, uint16_t q)
{
	struct rte_eth_rxq_info qi;

	memset(&qi, 0, sizeof(qi));
	if (rte_eth_rx_queue_info_get(port, q, &qi) != 0)
		return -1;
	return qi.queue_state;
}

static int
txq_state(uint16_t port, uint16_t q)
{
	struct rte_eth_txq_info qi;

	memset(&qi, 0, sizeof(qi));
	if (rte_eth_tx_queue_info_get(port, q, &qi) != 0)
		return -1;
	return qi.queue_state;
}

/* Injects n frames of 100 bytes on host ring r (salt s). */
static int
inject_n(struct tport *t, int r, unsigned int n, uint32_t s)
{
	struct avp_emu_inject_opts o = { .queue = r };
	unsigned int i;

	for (i = 0; i < n; i++) {
		fill_frame(fbuf, 100, tport_mac(t), s + i);
		if (inject(t, fbuf, 100, &o) != 0)
			return -1;
	}
	return 0;
}

/* Injects one fresh frame and checks it arrives byte-identical. */
static int
fresh_frame(struct tport *t, uint16_t q, uint32_t salt)
{
	struct rte_mbuf *m;
	int ok;

	fill_frame(fbuf, 150, tport_mac(t), salt);
	TEST_ASSERT_SUCCESS(inject(t, fbuf, 150, NULL), "inject fresh");
	TEST_ASSERT_EQUAL(rx_wait(t->port, q, &m, 1), 1u, "fresh frame");
	ok = mbuf_equals(m, fbuf, 150);
	rte_pktmbuf_free(m);
	TEST_ASSERT(ok, "fresh frame bytes differ");
	return 0;
}

/* Sends one frame on q and checks the host got it byte-identical. */
static int
tx_fresh(struct tport *t, uint16_t q, uint32_t salt)
{
	struct rte_mbuf *m;

	fill_frame(fbuf, 120, peer_mac, salt);
	m = mbuf_from(pool, fbuf, 120, NULL, 0);
	ASSERT_NOT_NULL(m, "mbuf");
	TEST_ASSERT_SUCCESS(tx_one(t->port, q, m), "tx");
	TEST_ASSERT_SUCCESS(avp_emu_wait_captured(t->ep, 1, WAIT_MS),
		"captured");
	TEST_ASSERT_EQUAL(avp_emu_capture_pop(t->ep, &cap), 1, "pop");
	TEST_ASSERT(cap.len == 120 && memcmp(cap.data, fbuf, 120) == 0,
		"captured frame differs");
	return 0;
}

/* Receives (and frees) what a burst gives; the count. */
static unsigned int
rx_burst_free(uint16_t port, uint16_t q)
{
	struct rte_mbuf *m[128];
	unsigned int k = rte_eth_rx_burst(port, q, m, RTE_DIM(m));

	rte_pktmbuf_free_bulk(m, k);
	return k;
}

/* A port with one queue pair set up for deferred start, started. */
static struct tport *
deferred_port(void)
{
	struct rte_eth_rxconf rxc;
	struct rte_eth_txconf txc;
	struct rte_eth_conf conf;
	struct tport *t;

	t = tport_create(NULL);
	if (t == NULL)
		return NULL;
	memset(&conf, 0, sizeof(conf));
	memset(&rxc, 0, sizeof(rxc));
	memset(&txc, 0, sizeof(txc));
	rxc.rx_deferred_start = 1;
	txc.tx_deferred_start = 1;
	if (rte_eth_dev_configure(t->port, 1, 1, &conf) != 0 ||
	    rte_eth_rx_queue_setup(t->port, 0, 0, SOCKET_ID_ANY, &rxc,
		pool) != 0 ||
	    rte_eth_tx_queue_setup(t->port, 0, 0, SOCKET_ID_ANY, &txc) != 0 ||
	    rte_eth_dev_start(t->port) != 0 ||
	    avp_emu_wait_link(t->ep, 1, WAIT_MS) != 0)
		return NULL;
	return t;
}

/*
 * Deferred start: the queues stay stopped after rte_eth_dev_start; what
 * the host delivered meanwhile is dropped and counted when the receive
 * queue starts; fresh frames then pass both ways.
 */
static int
test_queue_deferred(void)
{
	struct rte_eth_rxq_info rqi;
	struct rte_eth_txq_info tqi;
	struct rte_mbuf *m[8];
	struct tport *t;
	unsigned int i, k;

	t = deferred_port();
	ASSERT_NOT_NULL(t, "deferred queues");
	TEST_ASSERT_SUCCESS(rte_eth_rx_queue_info_get(t->port, 0, &rqi),
		"rxq info");
	TEST_ASSERT_SUCCESS(rte_eth_tx_queue_info_get(t->port, 0, &tqi),
		"txq info");
	TEST_ASSERT_EQUAL(rqi.queue_state, RTE_ETH_QUEUE_STATE_STOPPED,
		"deferred rx queue started by dev_start");
	TEST_ASSERT_EQUAL(tqi.queue_state, RTE_ETH_QUEUE_STATE_STOPPED,
		"deferred tx queue started by dev_start");
	TEST_ASSERT(rqi.conf.rx_deferred_start && tqi.conf.tx_deferred_start,
		"deferred start not reported");

	/* the host delivers 7 frames meanwhile: nothing comes out */
	TEST_ASSERT_SUCCESS(inject_n(t, 0, 7, 10), "inject");
	TEST_ASSERT_SUCCESS(wait_placed(t, 0, 7), "placed");
	TEST_ASSERT_EQUAL(rx_burst_free(t->port, 0), 0u,
		"a stopped queue received");
	TEST_ASSERT_EQUAL(rte_eth_rx_queue_count(t->port, 0), 7,
		"frames waiting");
	/* a stopped tx queue takes nothing, the host sees nothing */
	fill_frame(fbuf, 90, peer_mac, 1);
	for (i = 0; i < 3; i++) {
		m[i] = mbuf_from(pool, fbuf, 90, NULL, 0);
		ASSERT_NOT_NULL(m[i], "mbuf");
	}
	k = rte_eth_tx_burst(t->port, 0, m, 3);
	rte_pktmbuf_free_bulk(m + k, 3 - k);
	TEST_ASSERT_EQUAL(k, 0u, "a stopped queue sent");
	ASSERT_XSTAT(t->port, "tx_q0_stopped_packets", 3);
	ASSERT_XSTAT(t->port, "tx_detached_packets", 0);

	/* start: the 7 are given back and counted, not delivered */
	TEST_ASSERT_SUCCESS(rte_eth_dev_rx_queue_start(t->port, 0),
		"rx queue start");
	TEST_ASSERT_EQUAL(rxq_state(t->port, 0), RTE_ETH_QUEUE_STATE_STARTED,
		"rx queue state");
	ASSERT_XSTAT(t->port, "rx_q0_stopped_drops", 7);
	ASSERT_XSTAT(t->port, "rx_stopped_drops", 7);
	TEST_ASSERT_SUCCESS(avp_emu_wait_rx_drained(t->ep, WAIT_MS),
		"buffers back to the host");
	TEST_ASSERT_EQUAL(rx_burst_free(t->port, 0), 0u,
		"old frames delivered");
	TEST_ASSERT_SUCCESS(fresh_frame(t, 0, 77), "fresh rx");
	ASSERT_XSTAT(t->port, "rx_q0_packets", 1);
	TEST_ASSERT_EQUAL(avp_emu_capture_pop(t->ep, &cap), 0,
		"the host got a frame from a stopped queue");
	TEST_ASSERT_SUCCESS(rte_eth_dev_tx_queue_start(t->port, 0),
		"tx queue start");
	TEST_ASSERT_EQUAL(txq_state(t->port, 0), RTE_ETH_QUEUE_STATE_STARTED,
		"tx queue state");
	TEST_ASSERT_SUCCESS(tx_fresh(t, 0, 5), "fresh tx");
	TEST_ASSERT_SUCCESS(rte_eth_dev_stop(t->port), "stop");
	return case_end();
}

/* As rte_eth_dev_start expects: deferred queues stay stopped. */
static int
test_queue_deferred_restart(void)
{
	struct tport *t;

	t = deferred_port();
	ASSERT_NOT_NULL(t, "deferred queues");
	TEST_ASSERT_SUCCESS(rte_eth_dev_rx_queue_start(t->port, 0),
		"rx queue start");
	TEST_ASSERT_SUCCESS(rte_eth_dev_tx_queue_start(t->port, 0),
		"tx queue start");
	TEST_ASSERT_SUCCESS(rte_eth_dev_stop(t->port), "stop");
	TEST_ASSERT_SUCCESS(rte_eth_dev_start(t->port), "start again");
	TEST_ASSERT_EQUAL(rxq_state(t->port, 0), RTE_ETH_QUEUE_STATE_STOPPED,
		"deferred rx queue after restart");
	TEST_ASSERT_EQUAL(txq_state(t->port, 0), RTE_ETH_QUEUE_STATE_STOPPED,
		"deferred tx queue after restart");
	TEST_ASSERT_SUCCESS(rte_eth_dev_stop(t->port), "stop");
	return case_end();
}

/* A capture port on 64-slot rings. */
static struct tport *
port_64_slots(void)
{
	struct avp_emu_port_params p;

	params_default(&p);
	p.ring_slots = 64;
	return tport_up(&p, AVP_EMU_MODE_CAPTURE, &conf1);
}

/*
 * A receive queue stopped while the host keeps delivering, on 64-slot
 * rings: the ring fills (63), the rest waits at the host. At start the
 * 63 are dropped and counted, exactly; the host's backlog then arrives
 * as fresh frames.
 */
static int
test_queue_rx_stop(void)
{
	struct rte_mbuf *m[128];
	struct tport *t;
	unsigned int got;

	t = port_64_slots();
	ASSERT_NOT_NULL(t, "port");
	TEST_ASSERT_SUCCESS(fresh_frame(t, 0, 1), "before the stop");
	TEST_ASSERT_SUCCESS(avp_emu_wait_rx_drained(t->ep, WAIT_MS), "drained");

	TEST_ASSERT_SUCCESS(rte_eth_dev_rx_queue_stop(t->port, 0), "stop");
	TEST_ASSERT_EQUAL(rxq_state(t->port, 0), RTE_ETH_QUEUE_STATE_STOPPED,
		"state");
	TEST_ASSERT_SUCCESS(inject_n(t, 0, 100, 100), "inject");
	TEST_ASSERT_SUCCESS(wait_placed(t, 0, 1 + 63), "ring full");
	/* a window for the host to over-fill the ring, were it to */
	rte_delay_ms(20);
	TEST_ASSERT_EQUAL(host_placed(t, 0), 1u + 63, "ring over-filled");
	TEST_ASSERT_EQUAL(rx_burst_free(t->port, 0), 0u,
		"a stopped queue received");
	ASSERT_XSTAT(t->port, "rx_q0_stopped_drops", 0);

	TEST_ASSERT_SUCCESS(rte_eth_dev_rx_queue_start(t->port, 0), "start");
	ASSERT_XSTAT(t->port, "rx_q0_stopped_drops", 63);
	got = rx_wait(t->port, 0, m, 37);
	rte_pktmbuf_free_bulk(m, got);
	TEST_ASSERT_EQUAL(got, 37u, "backlog after the start: %u", got);
	TEST_ASSERT_SUCCESS(avp_emu_wait_rx_drained(t->ep, WAIT_MS), "drained");
	ASSERT_XSTAT(t->port, "rx_q0_packets", 1 + 37);
	ASSERT_XSTAT(t->port, "rx_stopped_drops", 63);
	ASSERT_XSTAT(t->port, "rx_invalid_desc_errors", 0);
	TEST_ASSERT_SUCCESS(rte_eth_dev_stop(t->port), "stop");
	return case_end();
}

/* Stopped across a port restart: dev_start starts it, drops what waits. */
static int
test_queue_rx_stop_restart(void)
{
	struct tport *t;

	t = port_64_slots();
	ASSERT_NOT_NULL(t, "port");
	TEST_ASSERT_SUCCESS(rte_eth_dev_rx_queue_stop(t->port, 0), "stop");
	TEST_ASSERT_SUCCESS(inject_n(t, 0, 4, 300), "inject");
	TEST_ASSERT_SUCCESS(wait_placed(t, 0, 4), "placed");
	TEST_ASSERT_SUCCESS(rte_eth_dev_stop(t->port), "port stop");
	TEST_ASSERT_SUCCESS(rte_eth_dev_start(t->port), "port start");
	TEST_ASSERT_EQUAL(rxq_state(t->port, 0), RTE_ETH_QUEUE_STATE_STARTED,
		"state after port start");
	ASSERT_XSTAT(t->port, "rx_q0_stopped_drops", 4);
	TEST_ASSERT_SUCCESS(fresh_frame(t, 0, 2), "after the port restart");
	TEST_ASSERT_SUCCESS(rte_eth_dev_stop(t->port), "stop");
	return case_end();
}

/* Stopped across a migration: still stopped, new frames dropped. */
static int
test_queue_rx_stop_migration(void)
{
	struct avp_emu_migrate_opts o;
	struct avp_emu_migrate_result r;
	struct tport *t;

	t = port_64_slots();
	ASSERT_NOT_NULL(t, "port");
	TEST_ASSERT_SUCCESS(rte_eth_dev_rx_queue_stop(t->port, 0), "stop");
	memset(&o, 0, sizeof(o));
	memset(&r, 0, sizeof(r));
	TEST_ASSERT_SUCCESS(avp_emu_port_migrate(t->ep, &o, &r), "migrate");
	TEST_ASSERT_EQUAL(rxq_state(t->port, 0), RTE_ETH_QUEUE_STATE_STOPPED,
		"state after migration");
	TEST_ASSERT_SUCCESS(inject_n(t, 0, 5, 400), "inject");
	TEST_ASSERT_SUCCESS(wait_placed(t, 0, 5), "placed");
	TEST_ASSERT_EQUAL(rx_burst_free(t->port, 0), 0u,
		"a stopped queue received after migration");
	TEST_ASSERT_SUCCESS(rte_eth_dev_rx_queue_start(t->port, 0), "start");
	ASSERT_XSTAT(t->port, "rx_q0_stopped_drops", 5);
	TEST_ASSERT_SUCCESS(fresh_frame(t, 0, 3), "after the migration");
	TEST_ASSERT_SUCCESS(avp_emu_wait_rx_drained(t->ep, WAIT_MS), "drained");
	TEST_ASSERT_SUCCESS(rte_eth_dev_stop(t->port), "stop");
	return case_end();
}

/* A stopped transmit queue: bursts return 0, the host sees nothing. */
static int
test_queue_tx_stop(void)
{
	struct avp_emu_port_stats st0, st1;
	struct rte_mbuf *m[6];
	struct tport *t;
	unsigned int i, k1, k2;

	t = tport_up(NULL, AVP_EMU_MODE_CAPTURE, &(struct pconf){ .nrx = 1,
		.ntx = 2 });
	ASSERT_NOT_NULL(t, "port");
	TEST_ASSERT_SUCCESS(tx_fresh(t, 1, 1), "before the stop");
	TEST_ASSERT_SUCCESS(rte_eth_dev_tx_queue_stop(t->port, 1), "stop");
	TEST_ASSERT_EQUAL(txq_state(t->port, 1), RTE_ETH_QUEUE_STATE_STOPPED,
		"state");
	TEST_ASSERT_EQUAL(txq_state(t->port, 0), RTE_ETH_QUEUE_STATE_STARTED,
		"the other queue");
	avp_emu_port_stats_get(t->ep, &st0);
	fill_frame(fbuf, 200, peer_mac, 9);
	for (i = 0; i < 6; i++) {
		m[i] = mbuf_from(pool, fbuf, 200, NULL, 0);
		ASSERT_NOT_NULL(m[i], "mbuf");
	}
	k1 = rte_eth_tx_burst(t->port, 1, m, 4);
	rte_pktmbuf_free_bulk(m + k1, 4 - k1);
	k2 = rte_eth_tx_burst(t->port, 1, m + 4, 2);
	rte_pktmbuf_free_bulk(m + 4 + k2, 2 - k2);
	TEST_ASSERT_EQUAL(k1 + k2, 0u, "a stopped queue sent");
	/* a window for the host to take frames, were there any */
	rte_delay_ms(20);
	avp_emu_port_stats_get(t->ep, &st1);
	TEST_ASSERT_EQUAL(st1.tx_frames[1], st0.tx_frames[1],
		"the host got frames from a stopped queue");
	TEST_ASSERT_EQUAL(avp_emu_capture_pop(t->ep, &cap), 0,
		"captured from a stopped queue");
	ASSERT_XSTAT(t->port, "tx_q1_stopped_packets", 6);
	ASSERT_XSTAT(t->port, "tx_stopped_packets", 6);
	ASSERT_XSTAT(t->port, "tx_detached_packets", 0);
	ASSERT_XSTAT(t->port, "tx_q1_packets", 1);
	/* the other queue still sends */
	TEST_ASSERT_SUCCESS(tx_fresh(t, 0, 2), "queue 0");
	TEST_ASSERT_SUCCESS(rte_eth_dev_tx_queue_start(t->port, 1), "start");
	TEST_ASSERT_EQUAL(txq_state(t->port, 1), RTE_ETH_QUEUE_STATE_STARTED,
		"state");
	TEST_ASSERT_SUCCESS(tx_fresh(t, 1, 3), "after the start");
	ASSERT_XSTAT(t->port, "tx_q1_packets", 2);
	TEST_ASSERT_SUCCESS(rte_eth_dev_stop(t->port), "stop");
	return case_end();
}

/* Receive descriptor status and counts against known ring states. */
static int
test_queue_desc_status(void)
{
	struct rte_mbuf *m[8];
	struct tport *t;
	unsigned int k;

	t = port_64_slots();
	ASSERT_NOT_NULL(t, "port");
	TEST_ASSERT_EQUAL(rte_eth_rx_queue_count(t->port, 0), 0, "empty");
	TEST_ASSERT_EQUAL(rte_eth_rx_descriptor_status(t->port, 0, 0),
		RTE_ETH_RX_DESC_AVAIL, "empty, offset 0");
	TEST_ASSERT_EQUAL(rte_eth_rx_descriptor_status(t->port, 0, 62),
		RTE_ETH_RX_DESC_AVAIL, "empty, offset 62");
	TEST_ASSERT_EQUAL(rte_eth_rx_descriptor_status(t->port, 0, 63),
		-EINVAL, "offset 63");
	TEST_ASSERT_SUCCESS(inject_n(t, 0, 5, 1), "inject");
	TEST_ASSERT_SUCCESS(wait_placed(t, 0, 5), "placed");
	TEST_ASSERT_EQUAL(rte_eth_rx_queue_count(t->port, 0), 5, "5 ready");
	TEST_ASSERT_EQUAL(rte_eth_rx_descriptor_status(t->port, 0, 0),
		RTE_ETH_RX_DESC_DONE, "offset 0");
	TEST_ASSERT_EQUAL(rte_eth_rx_descriptor_status(t->port, 0, 4),
		RTE_ETH_RX_DESC_DONE, "offset 4");
	TEST_ASSERT_EQUAL(rte_eth_rx_descriptor_status(t->port, 0, 5),
		RTE_ETH_RX_DESC_AVAIL, "offset 5");
	k = rte_eth_rx_burst(t->port, 0, m, 2);
	rte_pktmbuf_free_bulk(m, k);
	TEST_ASSERT_EQUAL(k, 2u, "burst 2");
	TEST_ASSERT_EQUAL(rte_eth_rx_queue_count(t->port, 0), 3, "3 ready");
	TEST_ASSERT_EQUAL(rte_eth_rx_descriptor_status(t->port, 0, 3),
		RTE_ETH_RX_DESC_AVAIL, "offset 3");
	k = rx_wait(t->port, 0, m, 3);
	rte_pktmbuf_free_bulk(m, k);
	TEST_ASSERT_EQUAL(k, 3u, "the rest");
	TEST_ASSERT_EQUAL(rte_eth_rx_queue_count(t->port, 0), 0, "empty");
	TEST_ASSERT_SUCCESS(rte_eth_dev_stop(t->port), "stop");
	return case_end();
}

/*
 * Transmit status with the host frozen (the emulator's service thread
 * stopped), so that frames stay on the transmit ring; tx_done_cleanup
 * has nothing to free. The caller restarts the emulator.
 */
static int
check_tx_status_frozen(struct tport *t, unsigned int *sent)
{
	struct rte_mbuf *m[3];
	unsigned int i;

	TEST_ASSERT_EQUAL(rte_eth_tx_descriptor_status(t->port, 0, 0),
		RTE_ETH_TX_DESC_DONE, "empty ring, offset 0");
	TEST_ASSERT_EQUAL(rte_eth_tx_descriptor_status(t->port, 0, 62),
		RTE_ETH_TX_DESC_DONE, "empty ring, offset 62");
	fill_frame(fbuf, 100, peer_mac, 4);
	for (i = 0; i < 3; i++) {
		m[i] = mbuf_from(pool, fbuf, 100, NULL, 0);
		ASSERT_NOT_NULL(m[i], "mbuf");
	}
	*sent = rte_eth_tx_burst(t->port, 0, m, 3);
	if (*sent != 3)
		rte_pktmbuf_free_bulk(m + *sent, 3 - *sent);
	TEST_ASSERT_EQUAL(*sent, 3u, "sent");
	/* 3 in flight: 60 free slots from offset 0, then the 3 */
	TEST_ASSERT_EQUAL(rte_eth_tx_descriptor_status(t->port, 0, 0),
		RTE_ETH_TX_DESC_DONE, "offset 0");
	TEST_ASSERT_EQUAL(rte_eth_tx_descriptor_status(t->port, 0, 59),
		RTE_ETH_TX_DESC_DONE, "offset 59");
	TEST_ASSERT_EQUAL(rte_eth_tx_descriptor_status(t->port, 0, 60),
		RTE_ETH_TX_DESC_FULL, "offset 60");
	TEST_ASSERT_EQUAL(rte_eth_tx_descriptor_status(t->port, 0, 62),
		RTE_ETH_TX_DESC_FULL, "offset 62");
	TEST_ASSERT_EQUAL(rte_eth_tx_descriptor_status(t->port, 0, 63),
		-EINVAL, "offset 63");
	/* the data went into host buffers: every mbuf is back already */
	TEST_ASSERT_EQUAL(rte_mempool_in_use_count(pool), 0u,
		"mbufs held while in flight");
	TEST_ASSERT_EQUAL(rte_eth_tx_done_cleanup(t->port, 0, 0), 0,
		"tx_done_cleanup");
	TEST_ASSERT_EQUAL(rte_eth_tx_done_cleanup(t->port, 0, 3), 0,
		"tx_done_cleanup 3");
	return 0;
}

/* Transmit descriptor status against known ring states. */
static int
test_queue_tx_desc_status(void)
{
	struct tport *t;
	unsigned int sent = 0;
	int ret;

	t = port_64_slots();
	ASSERT_NOT_NULL(t, "port");
	avp_emu_stop(emu);
	ret = check_tx_status_frozen(t, &sent);
	avp_emu_start(emu);
	TEST_ASSERT_SUCCESS(ret, "transmit status");
	TEST_ASSERT_SUCCESS(avp_emu_wait_captured(t->ep, sent, WAIT_MS),
		"captured");
	TEST_ASSERT_EQUAL(rte_eth_tx_descriptor_status(t->port, 0, 62),
		RTE_ETH_TX_DESC_DONE, "consumed");
	TEST_ASSERT_SUCCESS(rte_eth_dev_stop(t->port), "stop");
	return case_end();
}

/*
 * The power monitor condition, called as the power library does (the
 * machines lack UMWAIT): 0 (sleep) on an empty ring, -1 once a frame
 * is there, 0 again after it is received and the condition re-fetched.
 */
static int
test_queue_monitor(void)
{
	struct rte_power_monitor_cond pmc;
	struct rte_mbuf *m;
	struct tport *t;
	uint64_t v;

	t = tport_up(NULL, AVP_EMU_MODE_CAPTURE, &conf1);
	ASSERT_NOT_NULL(t, "port");
	memset(&pmc, 0, sizeof(pmc));
	TEST_ASSERT_SUCCESS(rte_eth_get_monitor_addr(t->port, 0, &pmc),
		"monitor address");
	TEST_ASSERT(pmc.addr != NULL && pmc.fn != NULL && pmc.size == 4,
		"condition");
	v = *(volatile uint32_t *)pmc.addr;
	TEST_ASSERT_EQUAL(pmc.fn(v, pmc.opaque), 0, "empty ring: sleep");
	TEST_ASSERT_SUCCESS(inject_n(t, 0, 1, 5), "inject");
	TEST_ASSERT_SUCCESS(wait_placed(t, 0, 1), "placed");
	v = *(volatile uint32_t *)pmc.addr;
	TEST_ASSERT_EQUAL(pmc.fn(v, pmc.opaque), -1, "frame ready: no sleep");
	TEST_ASSERT_EQUAL(rx_wait(t->port, 0, &m, 1), 1u, "received");
	rte_pktmbuf_free(m);
	TEST_ASSERT_SUCCESS(rte_eth_get_monitor_addr(t->port, 0, &pmc),
		"monitor address again");
	v = *(volatile uint32_t *)pmc.addr;
	TEST_ASSERT_EQUAL(pmc.fn(v, pmc.opaque), 0, "received: sleep");
	TEST_ASSERT_SUCCESS(rte_eth_dev_stop(t->port), "stop");
	return case_end();
}

/* A queue serving two host rings: one address cannot cover it. */
static int
test_queue_monitor_two_rings(void)
{
	struct avp_emu_port_params p;
	struct rte_power_monitor_cond pmc;
	struct tport *t2;

	params_default(&p);
	p.rx_queues_min = 2;
	t2 = tport_up(&p, AVP_EMU_MODE_CAPTURE, &conf1);
	ASSERT_NOT_NULL(t2, "port with 2 rings");
	TEST_ASSERT_EQUAL(rte_eth_get_monitor_addr(t2->port, 0, &pmc),
		-ENOTSUP, "monitor of two rings");
	TEST_ASSERT_SUCCESS(rte_eth_dev_stop(t2->port), "stop");
	return case_end();
}

/*
 * A host index out of range (rx ring 0's producer at N + 3): the counts
 * are bounded, the ring's slots unavailable, the monitor never sleeps,
 * and a queue start gives back nothing from it.
 */
static int
test_queue_ring_index(void)
{
	struct rte_power_monitor_cond pmc;
	struct tport *t;
	uint64_t v;

	t = tport_new(NULL);
	ASSERT_NOT_NULL(t, "port");
	TEST_ASSERT_SUCCESS(avp_emu_port_fault(t->ep, AVP_EMU_FAULT_RING_INDEX,
		0, 0), "fault");
	TEST_ASSERT_SUCCESS(tport_probe(t), "probe");
	TEST_ASSERT_SUCCESS(port_start(t->port, &conf1), "start");
	TEST_ASSERT_EQUAL(rte_eth_rx_queue_count(t->port, 0), 0, "count");
	TEST_ASSERT_EQUAL(rte_eth_rx_descriptor_status(t->port, 0, 0),
		RTE_ETH_RX_DESC_UNAVAIL, "offset 0");
	TEST_ASSERT_EQUAL(rte_eth_rx_descriptor_status(t->port, 0, 1022),
		RTE_ETH_RX_DESC_UNAVAIL, "offset 1022");
	TEST_ASSERT_EQUAL(rte_eth_rx_descriptor_status(t->port, 0, 1023),
		-EINVAL, "offset 1023");
	TEST_ASSERT_SUCCESS(rte_eth_get_monitor_addr(t->port, 0, &pmc),
		"monitor address");
	v = *(volatile uint32_t *)pmc.addr;
	TEST_ASSERT_EQUAL(pmc.fn(v, pmc.opaque), -1, "bad index: no sleep");
	TEST_ASSERT_SUCCESS(rte_eth_dev_rx_queue_stop(t->port, 0), "stop");
	TEST_ASSERT_SUCCESS(rte_eth_dev_rx_queue_start(t->port, 0), "start");
	ASSERT_XSTAT(t->port, "rx_stopped_drops", 0);
	ASSERT_XSTAT(t->port, "rx_invalid_desc_errors", 1);
	TEST_ASSERT_SUCCESS(rte_eth_dev_stop(t->port), "stop");
	return case_end();
}

struct unit_test_suite avp_queue_suite = {
	.suite_name = "queue start, stop and status",
	.unit_test_cases = {
		AVPT_CASE(test_queue_deferred),
		AVPT_CASE(test_queue_deferred_restart),
		AVPT_CASE(test_queue_rx_stop),
		AVPT_CASE(test_queue_rx_stop_restart),
		AVPT_CASE(test_queue_rx_stop_migration),
		AVPT_CASE(test_queue_tx_stop),
		AVPT_CASE(test_queue_desc_status),
		AVPT_CASE(test_queue_tx_desc_status),
		AVPT_CASE(test_queue_monitor),
		AVPT_CASE(test_queue_monitor_two_rings),
		AVPT_CASE(test_queue_ring_index),
		TEST_CASES_END()
	}
};
