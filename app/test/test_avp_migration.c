/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The AVP PMD authors
 */

/*
 * Interrupts and live migration: causes other than migration, the
 * detach/attach handshake in every port state, destinations with more
 * rings or incompatible ones, the announcement, migrations under
 * traffic and racing reconfiguration.
 */

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_ethdev.h>
#include <rte_log.h>
#include <rte_mbuf.h>

#include "test_avp_common.h"

static uint8_t fbuf[AVP_EMU_FRAME_MAX];
static struct avp_emu_frame cap;

/* The BARs a case maps, unmapped by the teardown. */
static struct avp_emu_bars mig_bars;
static int mig_bars_mapped;

static void
mig_ut_teardown(void)
{
	avpt_log_release(NULL);
	if (mig_bars_mapped)
		avp_emu_bars_unmap(&mig_bars);
	mig_bars_mapped = 0;
	avpt_ut_teardown();
}

#define MIG_CASE(f)	TEST_CASE_ST(avpt_ut_setup, mig_ut_teardown, f)

/* ---- interrupts ---- */

/* Causes other than migration are logged once and ignored. */
static int
test_interrupts(void)
{
	struct avp_emu_port_stats st;
	struct tport *t;
	int i;

	t = tport_up(NULL, AVP_EMU_MODE_LOOPBACK, &conf1);
	ASSERT_NOT_NULL(t, "port");
	for (i = 0; i < 5; i++)
		TEST_ASSERT_SUCCESS(avp_emu_port_raise_irq(t->ep, 0x5), "irq");
	TEST_ASSERT_SUCCESS(loop_one(t, 64), "traffic");
	avp_emu_port_stats_get(t->ep, &st);
	TEST_ASSERT_EQUAL(st.mig_ack_writes, 0u, "no acknowledgement");
	return case_end();
}

/* An unexpected migration status is acknowledged with ERROR. */
static int
test_mig_unexpected_status(void)
{
	struct tport *t;

	t = tport_up(NULL, AVP_EMU_MODE_LOOPBACK, &conf1);
	ASSERT_NOT_NULL(t, "port");
	TEST_ASSERT_SUCCESS(avp_emu_port_set_mig_status(t->ep, 0, 1), "status");
	TEST_ASSERT_EQUAL(avp_emu_port_wait_mig_ack(t->ep, AVP_MIG_ERROR,
		WAIT_MS), AVP_MIG_ERROR, "ERROR acknowledged");
	return case_end();
}

/* A migration with the port started and idle; the RARP loops back. */
static int
test_mig_idle(void)
{
	struct avp_emu_migrate_result r;
	struct rte_mbuf *m;
	struct tport *t;
	int i, same;

	t = tport_up(NULL, AVP_EMU_MODE_LOOPBACK, &conf1);
	ASSERT_NOT_NULL(t, "port");
	memset(&r, 0, sizeof(r));
	TEST_ASSERT_SUCCESS(avp_emu_port_migrate(t->ep, NULL, &r), "migrate");
	TEST_ASSERT_EQUAL(r.detach_ack, AVP_MIG_DETACHED, "detach ack %u",
		r.detach_ack);
	TEST_ASSERT_EQUAL(r.attach_ack, AVP_MIG_ATTACHED, "attach ack %u",
		r.attach_ack);
	TEST_ASSERT(r.reconfigured, "CONFIGURE sent on attach");
	TEST_ASSERT_SUCCESS(avp_emu_wait_link(t->ep, 1, WAIT_MS), "link");
	/* the announcement loops back first: a broadcast RARP */
	TEST_ASSERT_EQUAL(rx_wait(t->port, 0, &m, 1), 1u,
		"announcement looped back");
	rarp_build(fbuf, tport_mac(t));
	same = mbuf_equals(m, fbuf, 64);
	rte_pktmbuf_free(m);
	TEST_ASSERT(same, "RARP bytes");
	ASSERT_XSTAT(t->port, "mig_announce_frames", 1);
	for (i = 0; i < 20; i++)
		TEST_ASSERT_SUCCESS(loop_one(t, 64 + i * 50),
			"traffic after migration");
	printf("migration: detach %" PRIu64 " us, attach %" PRIu64 " us\n",
		r.detach_us, r.attach_us);
	return case_end();
}

/* ---- destinations ---- */

/* A port of two queue pairs with LSC interrupts, counting LSC events. */
static struct tport *
lsc_port(void)
{
	struct tport *t = tport_create(NULL);

	if (t == NULL || event_watch(t->port, RTE_ETH_EVENT_INTR_LSC) != 0 ||
	    port_start_lsc(t->port, 2, 0) != 0 ||
	    avp_emu_wait_link(t->ep, 1, WAIT_MS) != 0)
		return NULL;
	return t;
}

/* The destination asks for 5 rings: two queues serve 3 + 2. */
static int
test_migration(void)
{
	struct avp_emu_migrate_opts o;
	struct avp_emu_migrate_result r;
	struct avp_emu_port_state s;
	struct rte_eth_link link;
	struct rte_mbuf *m[8];
	struct tport *t;
	unsigned int q, got, ring;
	int same;

	t = lsc_port();
	ASSERT_NOT_NULL(t, "port");
	memset(&o, 0, sizeof(o));
	o.rx_queues_min = 5;
	o.reorder_memmap = 1;
	memset(&r, 0, sizeof(r));
	TEST_ASSERT_SUCCESS(avp_emu_port_migrate(t->ep, &o, &r), "migrate");
	TEST_ASSERT_EQUAL(r.attach_ack, AVP_MIG_ATTACHED, "attach ack %u",
		r.attach_ack);
	avp_emu_port_state_get(t->ep, &s);
	TEST_ASSERT_EQUAL(s.cfg.rx_queues, 5, "CONFIGURE rx_queues %u",
		s.cfg.rx_queues);
	TEST_ASSERT_EQUAL(s.cfg.instance_id, s.instance_id, "new instance id");
	TEST_ASSERT(s.cfg.link_up, "link up in CONFIGURE");
	TEST_ASSERT_SUCCESS(event_wait(RTE_ETH_EVENT_INTR_LSC, 2),
		"LSC down and up");
	TEST_ASSERT_EQUAL(event_count(RTE_ETH_EVENT_INTR_LSC), 2,
		"LSC down and up only");
	TEST_ASSERT_SUCCESS(rte_eth_link_get_nowait(t->port, &link), "link");
	TEST_ASSERT_EQUAL(link.link_status, RTE_ETH_LINK_UP, "up again");
	fill_frame(fbuf, 300, tport_mac(t), 3);
	for (ring = 0; ring < 5; ring++) {
		struct avp_emu_inject_opts io = { .queue = (int)ring };

		TEST_ASSERT_SUCCESS(inject(t, fbuf, 300, &io), "inject");
	}
	for (q = 0; q < 2; q++) {
		unsigned int want = q == 0 ? 3 : 2;

		got = rx_wait(t->port, q, m, want);
		for (same = 1, ring = 0; ring < got; ring++)
			same &= mbuf_equals(m[ring], fbuf, 300);
		rte_pktmbuf_free_bulk(m, got);
		TEST_ASSERT_EQUAL(got, want, "queue %u: %u of %u", q, got, want);
		TEST_ASSERT(same, "bytes");
	}
	return case_end();
}

/* A destination with smaller host buffers: ERROR, port down; then back. */
static int
test_migration_incompatible_recover(void)
{
	struct avp_emu_migrate_opts o;
	struct avp_emu_migrate_result r;
	struct rte_eth_link link;
	struct rte_mbuf *m[8];
	struct tport *t;
	unsigned int got;
	int same;

	t = lsc_port();
	ASSERT_NOT_NULL(t, "port");
	fill_frame(fbuf, 300, tport_mac(t), 3);
	memset(&o, 0, sizeof(o));
	o.buf_data_size = 1024;
	memset(&r, 0, sizeof(r));
	avp_emu_port_migrate(t->ep, &o, &r);
	TEST_ASSERT_EQUAL(r.detach_ack, AVP_MIG_DETACHED, "detach ack");
	TEST_ASSERT_EQUAL(r.attach_ack, AVP_MIG_ERROR, "attach ack %u",
		r.attach_ack);
	TEST_ASSERT_SUCCESS(rte_eth_link_get_nowait(t->port, &link), "link");
	TEST_ASSERT_EQUAL(link.link_status, RTE_ETH_LINK_DOWN, "down");
	TEST_ASSERT_EQUAL(rte_eth_rx_burst(t->port, 0, m, 8), 0, "no rx");
	m[0] = mbuf_from(pool, fbuf, 100, NULL, 0);
	ASSERT_NOT_NULL(m[0], "mbuf");
	got = rte_eth_tx_burst(t->port, 0, m, 1);
	if (got == 0)
		rte_pktmbuf_free(m[0]);
	TEST_ASSERT_EQUAL(got, 0u, "tx refused while detached");
	ASSERT_XSTAT(t->port, "tx_detached_packets", 1);
	TEST_ASSERT_EQUAL(rte_eth_dev_set_mtu(t->port, 1400), -EBUSY,
		"MTU while detached");
	/* the next destination is compatible again: back up */
	memset(&o, 0, sizeof(o));
	o.buf_data_size = 2048;
	memset(&r, 0, sizeof(r));
	TEST_ASSERT_SUCCESS(avp_emu_port_migrate(t->ep, &o, &r), "migrate");
	TEST_ASSERT_EQUAL(r.attach_ack, AVP_MIG_ATTACHED, "attach ack %u",
		r.attach_ack);
	TEST_ASSERT_SUCCESS(rte_eth_link_get_nowait(t->port, &link), "link");
	TEST_ASSERT_EQUAL(link.link_status, RTE_ETH_LINK_UP, "up again");
	TEST_ASSERT_SUCCESS(inject(t, fbuf, 300, NULL), "inject");
	got = rx_wait(t->port, 0, m, 1);
	if (got == 0)
		got = rx_wait(t->port, 1, m, 1);
	TEST_ASSERT_EQUAL(got, 1u, "traffic after recovering");
	same = mbuf_equals(m[0], fbuf, 300);
	rte_pktmbuf_free(m[0]);
	TEST_ASSERT(same, "bytes");
	return case_end();
}

/*
 * 100 migrations while every queue carries traffic: nothing corrupted,
 * every frame either delivered or counted lost by the host at the
 * relocation (and no more than was in flight), every mbuf back.
 */
static int
test_mig_traffic(void)
{
	struct avp_emu_migrate_opts o;
	struct avp_emu_migrate_result r;
	struct avp_emu_port_stats st;
	struct avp_emu_port_params pp;
	struct mt_ctl *c;
	struct tport *t;
	uint64_t t0, det = 0, att = 0, det_max = 0, att_max = 0, lost_max = 0;
	uint64_t sent_before, end, infl = 0;
	uint64_t drops, drops_seen = 0, mig_lost, ring_lost = 0;
	uint64_t mig_us = 0, m0;
	unsigned int i;
	int ret;

	/* smaller rings and pool than the default: quicker relocations */
	params_default(&pp);
	pp.ring_slots = 512;
	pp.buf_count = 4096;
	t = tport_create(&pp);
	ASSERT_NOT_NULL(t, "port");
	TEST_ASSERT_SUCCESS(avp_emu_port_set_mode(t->ep, AVP_EMU_MODE_LOOPBACK,
		NULL), "mode");
	TEST_ASSERT_SUCCESS(event_watch(t->port, RTE_ETH_EVENT_INTR_LSC),
		"callback");
	TEST_ASSERT_SUCCESS(port_start_lsc(t->port, MT_QUEUES, 0), "start");
	TEST_ASSERT_SUCCESS(avp_emu_wait_link(t->ep, 1, WAIT_MS), "link");
	c = mt_start(t, MT_QUEUES, 0);
	ASSERT_NOT_NULL(c, "threads");
	t0 = now_ms();
	for (i = 0; i < 100; i++) {
		/* let traffic build up between migrations */
		sent_before = __atomic_load_n(&c->sent, __ATOMIC_ACQUIRE);
		end = now_ms() + 20;
		while (__atomic_load_n(&c->sent, __ATOMIC_ACQUIRE) <
		       sent_before + 100 && now_ms() < end)
			rte_delay_us_sleep(200);
		memset(&o, 0, sizeof(o));
		o.reorder_memmap = i & 1;	/* new bases, new layout */
		memset(&r, 0, sizeof(r));
		infl += __atomic_load_n(&c->sent, __ATOMIC_ACQUIRE) +
			c->announced -
			__atomic_load_n(&c->received, __ATOMIC_ACQUIRE) -
			__atomic_load_n(&c->rarp, __ATOMIC_ACQUIRE) - c->lost;
		m0 = rte_get_timer_cycles();
		ret = avp_emu_port_migrate(t->ep, &o, &r);
		mig_us += (rte_get_timer_cycles() - m0) * 1000000 /
			rte_get_timer_hz();
		TEST_ASSERT_SUCCESS(ret, "migration %u: %d (acks %u/%u)",
			i, ret, r.detach_ack, r.attach_ack);
		/*
		 * Lost: what the relocation found on the rx rings, and what
		 * the host dropped meanwhile (looped back while the port was
		 * shut down).
		 */
		avp_emu_port_stats_get(t->ep, &st);
		drops = st.rx_ring_full + st.rx_no_buf + st.rx_not_ready;
		mig_lost = r.frames_lost + drops - drops_seen;
		drops_seen = drops;
		ring_lost += r.frames_lost;
		__atomic_fetch_add(&c->lost, mig_lost, __ATOMIC_RELEASE);
		__atomic_fetch_add(&c->announced, 1, __ATOMIC_RELEASE);
		det += r.detach_us;
		att += r.attach_us;
		det_max = RTE_MAX(det_max, r.detach_us);
		att_max = RTE_MAX(att_max, r.attach_us);
		lost_max = RTE_MAX(lost_max, mig_lost);
		/* never more than can be in flight */
		TEST_ASSERT(mig_lost <= MT_BOUND, "migration %u lost %" PRIu64
			" frames, more than the %u in flight", i, mig_lost,
			MT_BOUND);
	}
	t0 = now_ms() - t0;
	mt_stop();
	mt_settle(t, 100);
	avp_emu_port_stats_get(t->ep, &st);
	printf("100 migrations with traffic on %u queues: %" PRIu64 " ms; %"
		PRIu64 " frames sent, %" PRIu64 " received, %" PRIu64
		" lost (%.2f per migration, max %" PRIu64 ", bound %u; %"
		PRIu64 " on the rx rings at relocation, the rest dropped by"
		" the host while shut down), %" PRIu64
		" refused while detached, %" PRIu64 " announcements back\n",
		MT_QUEUES, t0, c->sent, c->received, c->lost, c->lost / 100.0,
		lost_max, MT_BOUND, ring_lost, c->tx_refused, c->rarp);
	printf("in flight when a migration began: %.2f frames on average; a whole migration (detach, relocation, attach) took %.1f ms on average\n",
		infl / 100.0, mig_us / 100000.0);
	printf("detach-to-ack %.0f us average, %" PRIu64
		" max; attach-to-ack %.0f us average, %" PRIu64 " max\n",
		det / 100.0, det_max, att / 100.0, att_max);
	TEST_ASSERT_EQUAL(c->bad, 0u, "%" PRIu64 " corrupted frames", c->bad);
	/* 100 announcements went out too; some may be lost */
	drops = st.rx_ring_full + st.rx_no_buf + st.rx_not_ready;
	TEST_ASSERT_EQUAL(c->sent + 100, c->received + c->rarp + c->lost +
		drops - drops_seen,
		"sent %" PRIu64 " + 100 != received %" PRIu64 " + %" PRIu64
		" + lost %" PRIu64 " + host drops after the last migration %"
		PRIu64, c->sent, c->received, c->rarp, c->lost,
		drops - drops_seen);
	ASSERT_XSTAT(t->port, "mig_detach_acks", 100);
	ASSERT_XSTAT(t->port, "mig_attach_acks", 100);
	ASSERT_XSTAT(t->port, "mig_error_acks", 0);
	ASSERT_XSTAT(t->port, "mig_announce_frames", 100);
	TEST_ASSERT_SUCCESS(event_wait(RTE_ETH_EVENT_INTR_LSC, 200),
		"LSC events, expected down and up 100 times");
	TEST_ASSERT_EQUAL(event_count(RTE_ETH_EVENT_INTR_LSC), 200,
		"LSC events %d, expected down and up 100 times",
		event_count(RTE_ETH_EVENT_INTR_LSC));
	event_unwatch(t->port, RTE_ETH_EVENT_INTR_LSC);
	TEST_ASSERT_SUCCESS(rte_eth_dev_stop(t->port), "stop");
	return case_end();
}

/* Each incompatible destination: ERROR, down, one log line saying why. */
static int
test_mig_incompatible(void)
{
	/* each with the destination that puts things right (none for VLAN) */
	static const struct {
		struct avp_emu_migrate_opts o, fix;
		const char *why;
	} bad[] = {
		{ { .rx_queues_max = 1 }, { .rx_queues_max = 8 },
		  "1 rx / 8 tx queues, the port has 2 / 2 configured" },
		{ { .buf_data_size = 1024 }, { .buf_data_size = 2048 },
		  "host buffers of 1024 bytes, the port uses 2048" },
		{ { .change_mac = 1 }, { .change_mac = 1 }, "MAC changed to" },
		{ { .drop_vlan_offload = 1 }, { .ack_timeout_ms = 0 },
		  "lack 0x1 in use (VLAN offload)" },
	};
	struct avp_emu_migrate_result r;
	struct avp_emu_port_state s;
	struct rte_eth_link link;
	struct rte_mbuf *m;
	struct tport *t;
	unsigned int i;
	uint64_t va0, va1;

	t = tport_create(NULL);
	ASSERT_NOT_NULL(t, "port");
	TEST_ASSERT_SUCCESS(avp_emu_port_set_mode(t->ep, AVP_EMU_MODE_LOOPBACK,
		NULL), "mode");
	TEST_ASSERT_SUCCESS(port_start_lsc(t->port, 2,
		RTE_ETH_RX_OFFLOAD_VLAN_STRIP), "start");
	TEST_ASSERT_SUCCESS(avp_emu_wait_link(t->ep, 1, WAIT_MS), "link");
	TEST_ASSERT_SUCCESS(avp_emu_port_bars(t->ep, &mig_bars), "bars");
	mig_bars_mapped = 1;
	va0 = ((struct avp_devinfo *)
		mig_bars.addr[AVP_BAR_DEVINFO])->buf_region_va;
	for (i = 0; i < RTE_DIM(bad); i++) {
		memset(&r, 0, sizeof(r));
		avpt_log_capture();
		avp_emu_port_migrate(t->ep, &bad[i].o, &r);
		TEST_ASSERT(avpt_log_release(bad[i].why),
			"case %u: log line \"%s\"", i, bad[i].why);
		TEST_ASSERT_EQUAL(r.detach_ack, AVP_MIG_DETACHED, "detach");
		TEST_ASSERT_EQUAL(r.attach_ack, AVP_MIG_ERROR,
			"case %u: attach ack %u", i, r.attach_ack);
		TEST_ASSERT_SUCCESS(rte_eth_link_get_nowait(t->port, &link),
			"link");
		TEST_ASSERT_EQUAL(link.link_status, RTE_ETH_LINK_DOWN, "down");
		TEST_ASSERT_EQUAL(rte_eth_rx_burst(t->port, 0, &m, 1), 0,
			"rx while detached");
		TEST_ASSERT_EQUAL(rte_eth_dev_stop(t->port) == 0 &&
			rte_eth_dev_start(t->port), -EBUSY,
			"start while detached");
		if (i == RTE_DIM(bad) - 1)
			break;	/* VLAN offload does not come back */
		/* the host tries again with a good destination */
		memset(&r, 0, sizeof(r));
		TEST_ASSERT_SUCCESS(avp_emu_port_migrate(t->ep, &bad[i].fix,
			&r), "case %u: good destination after a bad one", i);
		TEST_ASSERT_EQUAL(r.attach_ack, AVP_MIG_ATTACHED, "ack");
		/* stopped meanwhile: the host got link_up 0, start again */
		avp_emu_port_state_get(t->ep, &s);
		TEST_ASSERT(s.configured && !s.cfg.link_up, "configured, down");
		TEST_ASSERT_SUCCESS(rte_eth_dev_start(t->port), "start");
		TEST_ASSERT_SUCCESS(avp_emu_wait_link(t->ep, 1, WAIT_MS),
			"link up");
		TEST_ASSERT_SUCCESS(loop_one(t, 100 + i), "traffic");
	}
	/* every relocation gave new host addresses */
	va1 = ((struct avp_devinfo *)
		mig_bars.addr[AVP_BAR_DEVINFO])->buf_region_va;
	TEST_ASSERT(va0 != va1, "buf_region_va unchanged");
	ASSERT_XSTAT(t->port, "mig_error_acks", RTE_DIM(bad));
	/* closing a port left detached works too */
	return case_end();
}

/* ---- the handshake in every port state ---- */

/* Probed while the host has it detached: -EBUSY, ack over the socket. */
static int
test_mig_states(void)
{
	struct avp_emu_port_state s;
	struct tport *t;
	int ret;

	t = tport_new(NULL);
	ASSERT_NOT_NULL(t, "port");
	TEST_ASSERT_SUCCESS(avp_emu_port_set_mig_status(t->ep,
		AVP_MIG_DETACHED, 0), "status");
	ret = tport_probe(t);
	t->probed = 0;
	TEST_ASSERT_EQUAL(ret, -EBUSY, "probe while detached: %d", ret);
	TEST_ASSERT_SUCCESS(wait_detached(t), "guest still attached");
	avp_emu_port_state_get(t->ep, &s);
	TEST_ASSERT_EQUAL(s.last_mig_ack, (uint32_t)AVP_MIG_DETACHED,
		"ack of the probe seen over the socket: %u", s.last_mig_ack);
	TEST_ASSERT_SUCCESS(avp_emu_port_set_mig_status(t->ep, AVP_MIG_NONE,
		0), "status");
	TEST_ASSERT_SUCCESS(tport_probe(t), "probe");
	return case_end();
}

/* Probed, never configured: no CONFIGURE, no announcement. */
static int
test_mig_probed_only(void)
{
	struct avp_emu_migrate_result r;
	struct tport *t;

	t = tport_create(NULL);
	ASSERT_NOT_NULL(t, "port");
	TEST_ASSERT_SUCCESS(avp_emu_port_set_mode(t->ep, AVP_EMU_MODE_CAPTURE,
		NULL), "mode");
	memset(&r, 0, sizeof(r));
	TEST_ASSERT_SUCCESS(avp_emu_port_migrate(t->ep, NULL, &r), "migrate");
	TEST_ASSERT(!r.reconfigured, "CONFIGURE without configuration");
	return case_end();
}

/* Configured and stopped: CONFIGURE with link_up 0, no announcement. */
static int
test_mig_stopped(void)
{
	struct avp_emu_migrate_result r;
	struct avp_emu_port_state s;
	struct rte_eth_link link;
	struct tport *t;

	t = tport_create(NULL);
	ASSERT_NOT_NULL(t, "port");
	TEST_ASSERT_SUCCESS(avp_emu_port_set_mode(t->ep, AVP_EMU_MODE_CAPTURE,
		NULL), "mode");
	TEST_ASSERT_SUCCESS(port_configure(t->port, &conf1), "configure");
	memset(&r, 0, sizeof(r));
	TEST_ASSERT_SUCCESS(avp_emu_port_migrate(t->ep, NULL, &r), "migrate");
	TEST_ASSERT(r.reconfigured, "CONFIGURE on attach");
	avp_emu_port_state_get(t->ep, &s);
	TEST_ASSERT(s.configured && !s.cfg.link_up, "stopped: link_up 0");
	TEST_ASSERT_SUCCESS(rte_eth_link_get_nowait(t->port, &link), "link");
	TEST_ASSERT_EQUAL(link.link_status, RTE_ETH_LINK_DOWN, "down");
	ASSERT_XSTAT(t->port, "mig_announce_frames", 0);
	TEST_ASSERT_SUCCESS(rte_eth_dev_start(t->port), "start");
	TEST_ASSERT_SUCCESS(avp_emu_wait_link(t->ep, 1, WAIT_MS), "link");
	TEST_ASSERT_SUCCESS(rte_eth_dev_stop(t->port), "stop");
	return case_end();
}

/* A second ATTACHED while attached: acknowledged at once, nothing sent. */
static int
test_mig_attached_twice(void)
{
	struct avp_emu_port_stats st0, st1;
	struct tport *t;

	t = tport_up(NULL, AVP_EMU_MODE_CAPTURE, &conf1);
	ASSERT_NOT_NULL(t, "port");
	avp_emu_port_stats_get(t->ep, &st0);
	TEST_ASSERT_SUCCESS(avp_emu_port_set_mig_status(t->ep,
		AVP_MIG_ATTACHED, 1), "status");
	TEST_ASSERT_EQUAL(avp_emu_port_wait_mig_ack(t->ep, AVP_MIG_ATTACHED,
		WAIT_MS), AVP_MIG_ATTACHED, "ATTACHED acknowledged");
	avp_emu_port_stats_get(t->ep, &st1);
	TEST_ASSERT_EQUAL(st1.requests[AVP_OP_CONFIGURE],
		st0.requests[AVP_OP_CONFIGURE], "no CONFIGURE");
	TEST_ASSERT_SUCCESS(rte_eth_dev_stop(t->port), "stop");
	return case_end();
}

/* ERROR as a status is acknowledged with ERROR. */
static int
test_mig_error_status(void)
{
	struct tport *t;

	t = tport_up(NULL, AVP_EMU_MODE_CAPTURE, &conf1);
	ASSERT_NOT_NULL(t, "port");
	TEST_ASSERT_SUCCESS(avp_emu_port_set_mig_status(t->ep, AVP_MIG_ERROR,
		1), "status");
	TEST_ASSERT_EQUAL(avp_emu_port_wait_mig_ack(t->ep, AVP_MIG_ERROR,
		WAIT_MS), AVP_MIG_ERROR, "ERROR acknowledged");
	TEST_ASSERT_SUCCESS(avp_emu_port_set_mig_status(t->ep, AVP_MIG_NONE,
		0), "status");
	TEST_ASSERT_SUCCESS(rte_eth_dev_stop(t->port), "stop");
	return case_end();
}

/*
 * A cause nobody defined is ignored: no acknowledgement, the link stays
 * up. An ERROR status raised after it is acknowledged, so the handler
 * has seen the spurious cause once that acknowledgement is there; the
 * acknowledgements then count only that one.
 */
static int
test_mig_spurious_cause(void)
{
	struct avp_emu_port_stats st0, st1;
	struct rte_eth_link link;
	struct tport *t;

	t = tport_up(NULL, AVP_EMU_MODE_CAPTURE, &conf1);
	ASSERT_NOT_NULL(t, "port");
	avp_emu_port_stats_get(t->ep, &st0);
	TEST_ASSERT_SUCCESS(avp_emu_port_raise_irq(t->ep, 0x10), "irq");
	TEST_ASSERT_SUCCESS(avp_emu_port_set_mig_status(t->ep, AVP_MIG_ERROR,
		1), "status");
	TEST_ASSERT_EQUAL(avp_emu_port_wait_mig_ack(t->ep, AVP_MIG_ERROR,
		WAIT_MS), AVP_MIG_ERROR, "ERROR acknowledged");
	TEST_ASSERT_SUCCESS(avp_emu_port_set_mig_status(t->ep, AVP_MIG_NONE,
		0), "status");
	avp_emu_port_stats_get(t->ep, &st1);
	TEST_ASSERT_EQUAL(st1.mig_ack_writes, st0.mig_ack_writes + 1,
		"a spurious cause was acknowledged");
	TEST_ASSERT_SUCCESS(rte_eth_link_get_nowait(t->port, &link), "link");
	TEST_ASSERT_EQUAL(link.link_status, RTE_ETH_LINK_UP, "still up");
	TEST_ASSERT_SUCCESS(rte_eth_dev_stop(t->port), "stop");
	return case_end();
}

/* A second DETACHED while detached: acknowledged at once; back in place. */
static int
test_mig_detached_twice(void)
{
	struct rte_eth_link link;
	struct tport *t;

	t = tport_up(NULL, AVP_EMU_MODE_CAPTURE, &conf1);
	ASSERT_NOT_NULL(t, "port");
	TEST_ASSERT_SUCCESS(avp_emu_port_set_mig_status(t->ep,
		AVP_MIG_DETACHED, 1), "status");
	TEST_ASSERT_EQUAL(avp_emu_port_wait_mig_ack(t->ep, AVP_MIG_DETACHED,
		WAIT_MS), AVP_MIG_DETACHED, "DETACHED acknowledged");
	TEST_ASSERT_SUCCESS(avp_emu_port_set_mig_status(t->ep,
		AVP_MIG_DETACHED, 1), "status");
	TEST_ASSERT_EQUAL(avp_emu_port_wait_mig_ack(t->ep, AVP_MIG_DETACHED,
		WAIT_MS), AVP_MIG_DETACHED, "DETACHED again");
	/* and back, in place (same memory) */
	TEST_ASSERT_SUCCESS(avp_emu_port_set_mig_status(t->ep,
		AVP_MIG_ATTACHED, 1), "status");
	TEST_ASSERT_EQUAL(avp_emu_port_wait_mig_ack(t->ep, AVP_MIG_ATTACHED,
		WAIT_MS), AVP_MIG_ATTACHED, "ATTACHED");
	TEST_ASSERT_SUCCESS(avp_emu_port_set_mig_status(t->ep, AVP_MIG_NONE,
		0), "status");
	TEST_ASSERT_SUCCESS(avp_emu_wait_link(t->ep, 1, WAIT_MS), "link");
	TEST_ASSERT_SUCCESS(rte_eth_link_get_nowait(t->port, &link), "link");
	TEST_ASSERT_EQUAL(link.link_status, RTE_ETH_LINK_UP, "up again");
	/* drop the announcement from the capture queue */
	while (avp_emu_capture_pop(t->ep, &cap) == 1)
		;
	TEST_ASSERT_SUCCESS(avp_emu_port_set_mode(t->ep, AVP_EMU_MODE_LOOPBACK,
		NULL), "mode");
	TEST_ASSERT_SUCCESS(loop_one(t, 321), "traffic");
	TEST_ASSERT_SUCCESS(rte_eth_dev_stop(t->port), "stop");
	return case_end();
}

/* ---- the announcement ---- */

/* Its bytes at the host. */
static int
test_mig_announce(void)
{
	struct avp_emu_migrate_result r;
	struct tport *t;
	uint8_t want[64];

	t = tport_up(NULL, AVP_EMU_MODE_CAPTURE, &conf1);
	ASSERT_NOT_NULL(t, "port");
	memset(&r, 0, sizeof(r));
	TEST_ASSERT_SUCCESS(avp_emu_port_migrate(t->ep, NULL, &r), "migrate");
	TEST_ASSERT_SUCCESS(avp_emu_wait_captured(t->ep, 1, WAIT_MS),
		"no announcement at the host");
	TEST_ASSERT_EQUAL(avp_emu_capture_pop(t->ep, &cap), 1, "pop");
	rarp_build(want, tport_mac(t));
	TEST_ASSERT_EQUAL(cap.len, 64u, "announcement of %u bytes", cap.len);
	TEST_ASSERT_EQUAL(memcmp(cap.data, want, 64), 0, "announcement bytes");
	TEST_ASSERT_EQUAL(cap.queue, 0, "on tx ring 0");
	TEST_ASSERT_EQUAL(cap.flags, 0, "no flags");
	TEST_ASSERT_EQUAL(avp_emu_capture_pop(t->ep, &cap), 0, "only one");
	ASSERT_XSTAT(t->port, "mig_announce_frames", 1);
	TEST_ASSERT_SUCCESS(rte_eth_dev_stop(t->port), "stop");
	return case_end();
}

/*
 * announce=0: nothing. The port queues its announcement on tx ring 0
 * before it acknowledges ATTACHED, so a frame sent after the migration
 * reaches the host behind any announcement: it must come first.
 */
static int
test_mig_announce_off(void)
{
	struct avp_emu_migrate_result r;
	struct rte_mbuf *m;
	struct tport *t2;

	t2 = tport_new(NULL);
	ASSERT_NOT_NULL(t2, "port");
	TEST_ASSERT_SUCCESS(avp_emu_port_set_mode(t2->ep, AVP_EMU_MODE_CAPTURE,
		NULL), "mode");
	snprintf(t2->xargs, sizeof(t2->xargs), ",announce=0");
	TEST_ASSERT_SUCCESS(tport_probe(t2), "probe announce=0");
	TEST_ASSERT_SUCCESS(port_start(t2->port, &conf1), "start");
	TEST_ASSERT_SUCCESS(avp_emu_wait_link(t2->ep, 1, WAIT_MS), "link");
	memset(&r, 0, sizeof(r));
	TEST_ASSERT_SUCCESS(avp_emu_port_migrate(t2->ep, NULL, &r), "migrate");
	fill_frame(fbuf, 64, peer_mac, 1);
	m = mbuf_from(pool, fbuf, 64, NULL, 0);
	ASSERT_NOT_NULL(m, "mbuf");
	TEST_ASSERT_SUCCESS(tx_one(t2->port, 0, m), "tx");
	TEST_ASSERT_SUCCESS(avp_emu_wait_captured(t2->ep, 1, WAIT_MS),
		"frame after the migration");
	TEST_ASSERT_EQUAL(avp_emu_capture_pop(t2->ep, &cap), 1, "pop");
	TEST_ASSERT(cap.len == 64 && memcmp(cap.data, fbuf, 64) == 0,
		"announced with announce=0 (%u bytes first)", cap.len);
	TEST_ASSERT_EQUAL(avp_emu_capture_pop(t2->ep, &cap), 0,
		"announced with announce=0");
	ASSERT_XSTAT(t2->port, "mig_announce_frames", 0);
	TEST_ASSERT_SUCCESS(rte_eth_dev_stop(t2->port), "stop");
	return case_end();
}

/* ---- reconfiguration racing migrations: success or -EBUSY ---- */

struct race_arg {
	uint16_t port;
	volatile int stop;
	unsigned int ok, busy, other;
	int last;
};

static void *
race_main(void *arg)
{
	struct race_arg *a = arg;
	static const struct pconf cfs[2] = {
		{ .nrx = 1, .ntx = 1 },
		{ .nrx = 2, .ntx = 2 },
	};
	unsigned int n = 0;

	while (!__atomic_load_n(&a->stop, __ATOMIC_ACQUIRE)) {
		int ret;

		rte_eth_dev_stop(a->port);
		ret = port_configure(a->port, &cfs[n++ & 1]);
		if (ret == 0)
			ret = rte_eth_dev_start(a->port);
		if (ret == 0)
			a->ok++;
		else if (ret == -EBUSY)
			a->busy++;
		else {
			a->other++;
			a->last = ret;
		}
	}
	return NULL;
}

static int
test_mig_race_configure(void)
{
	struct avp_emu_migrate_result r;
	struct avp_emu_port_state s;
	struct race_arg a;
	pthread_t th;
	struct tport *t;
	unsigned int i, fails = 0;
	int ret;

	t = tport_up(NULL, AVP_EMU_MODE_LOOPBACK, &conf1);
	ASSERT_NOT_NULL(t, "port");
	memset(&a, 0, sizeof(a));
	a.port = t->port;
	TEST_ASSERT_SUCCESS(pthread_create(&th, NULL, race_main, &a), "thread");
	for (i = 0; i < 30; i++) {
		memset(&r, 0, sizeof(r));
		ret = avp_emu_port_migrate(t->ep, NULL, &r);
		if (ret != 0 || r.attach_ack != AVP_MIG_ATTACHED) {
			fails++;
			printf("migration %u: %d, acks %u/%u\n", i, ret,
				r.detach_ack, r.attach_ack);
		}
		/* pacing: reconfigurations between migrations too */
		rte_delay_us_sleep(2000);
	}
	__atomic_store_n(&a.stop, 1, __ATOMIC_RELEASE);
	pthread_join(th, NULL);
	printf("configure/start racing 30 migrations: %u succeeded, %u refused while detached, %u other\n",
		a.ok, a.busy, a.other);
	TEST_ASSERT_EQUAL(fails, 0u, "%u migrations failed", fails);
	TEST_ASSERT_EQUAL(a.other, 0u, "unexpected error %d", a.last);
	TEST_ASSERT(a.ok > 0, "no reconfiguration succeeded");
	/* the host's view matches the port's last configuration */
	TEST_ASSERT_SUCCESS(rte_eth_dev_stop(t->port), "stop");
	TEST_ASSERT_SUCCESS(port_start(t->port, &conf1), "start");
	TEST_ASSERT_SUCCESS(avp_emu_wait_link(t->ep, 1, WAIT_MS), "link");
	avp_emu_port_state_get(t->ep, &s);
	TEST_ASSERT_EQUAL(s.cfg.tx_queues, 1, "tx queues at the host");
	TEST_ASSERT_EQUAL(s.cfg.instance_id, s.instance_id, "instance");
	/* announcements may be waiting in loopback: loop_one skips them */
	TEST_ASSERT_SUCCESS(loop_one(t, 777), "traffic");
	TEST_ASSERT_SUCCESS(rte_eth_dev_stop(t->port), "stop");
	return case_end();
}

struct unit_test_suite avp_migration_suite = {
	.suite_name = "interrupts and live migration",
	.unit_test_cases = {
		MIG_CASE(test_interrupts),
		MIG_CASE(test_mig_unexpected_status),
		MIG_CASE(test_mig_idle),
		MIG_CASE(test_migration),
		MIG_CASE(test_migration_incompatible_recover),
		MIG_CASE(test_mig_traffic),
		MIG_CASE(test_mig_incompatible),
		MIG_CASE(test_mig_states),
		MIG_CASE(test_mig_probed_only),
		MIG_CASE(test_mig_stopped),
		MIG_CASE(test_mig_attached_twice),
		MIG_CASE(test_mig_error_status),
		MIG_CASE(test_mig_spurious_cause),
		MIG_CASE(test_mig_detached_twice),
		MIG_CASE(test_mig_announce),
		MIG_CASE(test_mig_announce_off),
		MIG_CASE(test_mig_race_configure),
		TEST_CASES_END()
	}
};
