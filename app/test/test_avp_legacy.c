/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The AVP PMD authors
 */

/*
 * Applications written for the old driver, configured as they configure
 * DPDK's old net/avp: no offloads asked for, MTU 9220 on 2048-byte
 * mbufs, promiscuous off, all-multicast left alone.
 */

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <rte_ethdev.h>
#include <rte_mbuf.h>

#include "test_avp_common.h"

#define LEGACY_MTU	9220
#define LEGACY_FRAME	(LEGACY_MTU + 14)	/* untagged, no FCS */
#define SPLIT_FRAMES	600

static uint8_t fbuf[AVP_EMU_FRAME_MAX];
static struct avp_emu_frame cap;

static const struct pconf conf_legacy = {
	.nrx = 1, .ntx = 1, .mtu = LEGACY_MTU,
};

static const uint8_t mdns[6] = { 0x01, 0x00, 0x5e, 0x00, 0x00, 0xfb };

/* Builds frame number i for the port of MAC mac; returns its length. */
typedef uint32_t (*frame_builder)(uint8_t *f, unsigned int i,
		const uint8_t *mac);

/*
 * Receives frames first .. first + n - 1 and compares each, byte for
 * byte, with what build makes of its number; 2048-byte mbufs each.
 */
static int
rx_expect(struct tport *t, unsigned int first, unsigned int n,
		frame_builder build)
{
	struct rte_mbuf *m[32];
	unsigned int i = first, k, got;

	while (i < first + n) {
		got = rx_wait(t->port, 0, m, RTE_MIN(first + n - i, 32u));
		TEST_ASSERT(got != 0, "frame %u never came", i);
		for (k = 0; k < got; k++, i++) {
			uint32_t len = build(fbuf, i, tport_mac(t));
			uint32_t plen = m[k]->pkt_len, nseg = m[k]->nb_segs;
			int ok = mbuf_equals(m[k], fbuf, len) &&
				nseg == (len + 2047) / 2048;

			if (!ok) {
				rte_pktmbuf_free_bulk(m, got);
				TEST_ASSERT(0, "frame %u: %u bytes in %u mbufs, sent %u",
					i, plen, nseg, len);
			}
		}
		rte_pktmbuf_free_bulk(m, got);
	}
	return 0;
}

static const uint16_t legacy_sizes[] = {
	60, 64, 1514, 2048, 2049, 4000, 8192, 9000, LEGACY_FRAME,
};

static uint32_t
legacy_frame(uint8_t *f, unsigned int i, const uint8_t *mac)
{
	uint32_t len = legacy_sizes[i % RTE_DIM(legacy_sizes)];

	fill_frame(f, len, mac, i);
	return len;
}

/* Jumbo frames both ways, mbuf chains out and in, counters exact. */
static int
test_legacy_jumbo(void)
{
	const unsigned int n = 3 * RTE_DIM(legacy_sizes);
	struct avp_emu_port_state s;
	struct rte_eth_burst_mode bm;
	struct rte_eth_stats st;
	uint64_t bytes = 0;
	struct rte_mbuf *m;
	struct tport *t;
	unsigned int i;

	t = tport_up(NULL, AVP_EMU_MODE_LOOPBACK, &conf_legacy);
	ASSERT_NOT_NULL(t, "MTU 9220 on 2048-byte mbufs, no offloads");
	TEST_ASSERT_SUCCESS(rte_eth_rx_burst_mode_get(t->port, 0, &bm),
		"burst mode");
	TEST_ASSERT(strstr(bm.info, "without the SCATTER offload") != NULL,
		"implicit scatter reported: %s", bm.info);
	avp_emu_port_state_get(t->ep, &s);
	TEST_ASSERT_EQUAL(s.mtu, (uint32_t)LEGACY_MTU, "the host has the MTU");
	for (i = 0; i < n; i++) {
		uint32_t len = legacy_frame(fbuf, i, tport_mac(t));

		m = mbuf_from(pool, fbuf, len, NULL, 0);
		ASSERT_NOT_NULL(m, "mbuf");
		TEST_ASSERT_SUCCESS(tx_one(t->port, 0, m), "tx %u", i);
		bytes += len;
		TEST_ASSERT_SUCCESS(rx_expect(t, i, 1, legacy_frame),
			"frame %u", i);
	}
	TEST_ASSERT_SUCCESS(rte_eth_stats_get(t->port, &st), "stats");
	TEST_ASSERT(st.opackets == n && st.ipackets == n &&
		st.obytes == bytes && st.ibytes == bytes,
		"counters: %" PRIu64 "/%" PRIu64 " packets, %" PRIu64 "/%"
		PRIu64 " bytes", st.opackets, st.ipackets, st.obytes,
		st.ibytes);
	TEST_ASSERT(st.oerrors == 0 && st.ierrors == 0 && st.imissed == 0,
		"no error");
	return case_end();
}

/* Multi-segment transmit without MULTI_SEGS: odd splits, every byte. */
static int
test_legacy_tx_multiseg(void)
{
	static const struct {
		uint32_t len;
		uint16_t segs[5];
		unsigned int nsegs;
	} cases[] = {
		{ 60, { 1, 5, 54 }, 3 },
		{ 64, { 14, 50 }, 2 },
		{ 1514, { 1, 1, 1, 1000, 511 }, 5 },
		{ 3000, { 100, 2000, 900 }, 3 },
		{ LEGACY_FRAME, { 2048, 2048, 2048, 2048, 1042 }, 5 },
	};
	struct rte_eth_stats st;
	struct rte_mbuf *m;
	struct tport *t;
	unsigned int i, nsegs;

	t = tport_up(NULL, AVP_EMU_MODE_CAPTURE, &conf_legacy);
	ASSERT_NOT_NULL(t, "port");
	for (i = 0; i < RTE_DIM(cases); i++) {
		fill_frame(fbuf, cases[i].len, peer_mac, i);
		m = mbuf_from(pool, fbuf, cases[i].len, cases[i].segs,
				cases[i].nsegs);
		ASSERT_NOT_NULL(m, "mbuf");
		nsegs = m->nb_segs;
		if (nsegs != cases[i].nsegs)
			rte_pktmbuf_free(m);
		TEST_ASSERT_EQUAL(nsegs, cases[i].nsegs, "chain %u", i);
		TEST_ASSERT_SUCCESS(tx_one(t->port, 0, m), "tx %u", i);
		TEST_ASSERT_SUCCESS(avp_emu_wait_captured(t->ep, 1, WAIT_MS),
			"frame %u at the host", i);
		TEST_ASSERT_EQUAL(avp_emu_capture_pop(t->ep, &cap), 1, "pop");
		TEST_ASSERT(cap.len == cases[i].len &&
			memcmp(cap.data, fbuf, cap.len) == 0,
			"frame %u: %u bytes, sent %u", i, cap.len,
			cases[i].len);
	}
	TEST_ASSERT_SUCCESS(rte_eth_stats_get(t->port, &st), "stats");
	TEST_ASSERT_EQUAL(st.opackets, (uint64_t)RTE_DIM(cases), "opackets");
	TEST_ASSERT_EQUAL(st.oerrors, 0u, "oerrors");
	return case_end();
}

/*
 * All-multicast on after probe; multicast (mDNS, IPv6 all-nodes, OSPF),
 * broadcast and own unicast pass, another unicast is filtered and
 * counted.
 */
static int
legacy_filter(struct tport *t)
{
	static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	static const uint8_t other[6] = { 0x02, 0x11, 0x22, 0x33, 0x44, 0x55 };
	static const uint8_t nd[6] = { 0x33, 0x33, 0x00, 0x00, 0x00, 0x01 };
	static const uint8_t ospf[6] = { 0x01, 0x00, 0x5e, 0x00, 0x00, 0x05 };
	const uint8_t *dst[6];

	TEST_ASSERT_EQUAL(rte_eth_allmulticast_get(t->port), 1,
		"all-multicast on after probe");
	TEST_ASSERT_SUCCESS(port_start(t->port, &conf_legacy), "start");
	TEST_ASSERT_SUCCESS(avp_emu_wait_link(t->ep, 1, WAIT_MS), "link");
	TEST_ASSERT_EQUAL(rte_eth_promiscuous_get(t->port), 0,
		"promiscuous off");
	dst[0] = tport_mac(t);
	dst[1] = bcast;
	dst[2] = other;
	dst[3] = mdns;
	dst[4] = nd;
	dst[5] = ospf;
	return filter_round(t, dst, RTE_DIM(dst), 0x3b, 1);
}

static int
test_legacy_filter(void)
{
	struct tport *t;

	t = tport_create(NULL);
	ASSERT_NOT_NULL(t, "port");
	TEST_ASSERT_SUCCESS(legacy_filter(t), "after the probe");
	return case_end();
}

/* The same after the port was used and probed again. */
static int
test_legacy_filter_reprobe(void)
{
	struct tport *t;

	t = tport_create(NULL);
	ASSERT_NOT_NULL(t, "port");
	TEST_ASSERT_SUCCESS(port_start(t->port, &conf_legacy), "start");
	tport_unprobe(t);
	TEST_ASSERT_SUCCESS(tport_probe(t), "re-probe");
	TEST_ASSERT_SUCCESS(legacy_filter(t), "after the re-probe");
	return case_end();
}

/* Host frames split at random points, to the port and to groups. */
static uint32_t
split_frame(uint8_t *f, unsigned int i, const uint8_t *mac)
{
	uint32_t len = i % 3 == 0 ? 60 + i % 7 :
		60 + (i * 977) % (LEGACY_FRAME - 59);

	fill_frame(f, len, i % 5 == 0 ? mdns : mac, i);
	return len;
}

static int
test_legacy_split(void)
{
	struct rte_eth_stats st;
	struct tport *t;
	unsigned int i, j;
	uint64_t bytes = 0;

	t = tport_up(NULL, AVP_EMU_MODE_CAPTURE, &conf_legacy);
	ASSERT_NOT_NULL(t, "port");
	TEST_ASSERT_SUCCESS(avp_emu_port_set_rx_split(t->ep,
		AVP_EMU_RX_SPLIT_RANDOM, 12345), "random split");
	for (i = 0; i < SPLIT_FRAMES; i += 32) {
		unsigned int n = RTE_MIN(32u, SPLIT_FRAMES - i);

		for (j = i; j < i + n; j++) {
			uint32_t len = split_frame(fbuf, j, tport_mac(t));

			TEST_ASSERT_SUCCESS(inject(t, fbuf, len, NULL),
				"inject %u", j);
			bytes += len;
		}
		TEST_ASSERT_SUCCESS(rx_expect(t, i, n, split_frame),
			"frames %u..%u", i, i + n - 1);
	}
	TEST_ASSERT_SUCCESS(avp_emu_wait_rx_drained(t->ep, WAIT_MS), "drained");
	TEST_ASSERT_SUCCESS(rte_eth_stats_get(t->port, &st), "stats");
	TEST_ASSERT(st.ipackets == SPLIT_FRAMES && st.ibytes == bytes,
		"%" PRIu64 " frames, %" PRIu64 " bytes", st.ipackets,
		st.ibytes);
	TEST_ASSERT_EQUAL(st.ierrors, 0u, "ierrors");
	ASSERT_XSTAT(t->port, "rx_filtered_packets", 0);
	return case_end();
}

/* Waits (bounded) until the threads received 200 frames more than before. */
static void
legacy_traffic_wait(struct mt_ctl *c, uint64_t before)
{
	uint64_t end = now_ms() + WAIT_MS;

	while (__atomic_load_n(&c->received, __ATOMIC_ACQUIRE) <
	       before + 200 && now_ms() < end)
		rte_delay_us_sleep(200);
}

/*
 * Migrations while four queues carry frames of up to 9234 bytes: no
 * corrupt frame, the destination told the MTU every time, traffic on
 * after the last one.
 */
static int
test_legacy_migration(void)
{
	const struct pconf conf4 = { .nrx = MT_QUEUES, .ntx = MT_QUEUES,
		.mtu = LEGACY_MTU };
	struct avp_emu_migrate_result r;
	struct avp_emu_migrate_opts o;
	struct avp_emu_port_state s;
	struct avp_emu_port_stats st;
	uint64_t drops, drops_seen = 0;
	uint64_t before;
	struct mt_ctl *c;
	struct tport *t;
	unsigned int i;
	int ret = 0;

	memset(&s, 0, sizeof(s));
	t = tport_up(NULL, AVP_EMU_MODE_LOOPBACK, &conf4);
	ASSERT_NOT_NULL(t, "port");
	TEST_ASSERT_SUCCESS(avp_emu_port_set_rx_split(t->ep,
		AVP_EMU_RX_SPLIT_RANDOM, 777), "random split");
	c = mt_start(t, MT_QUEUES, LEGACY_FRAME);
	ASSERT_NOT_NULL(c, "threads");
	for (i = 0; i < 10 && ret == 0; i++) {
		legacy_traffic_wait(c, __atomic_load_n(&c->received,
			__ATOMIC_ACQUIRE));
		memset(&o, 0, sizeof(o));
		o.reorder_memmap = i & 1;
		memset(&r, 0, sizeof(r));
		ret = avp_emu_port_migrate(t->ep, &o, &r);
		if (ret == 0) {
			avp_emu_port_state_get(t->ep, &s);
			if (s.mtu != LEGACY_MTU)
				ret = -EPROTO;
		}
		/*
		 * What the relocation discarded and the host dropped while
		 * the port was shut down is no longer in flight; the
		 * announcement is.
		 */
		avp_emu_port_stats_get(t->ep, &st);
		drops = st.rx_ring_full + st.rx_no_buf + st.rx_not_ready;
		__atomic_fetch_add(&c->lost, r.frames_lost + drops - drops_seen,
				__ATOMIC_RELEASE);
		__atomic_fetch_add(&c->announced, 1, __ATOMIC_RELEASE);
		drops_seen = drops;
	}
	/* traffic goes on after the last migration */
	before = __atomic_load_n(&c->received, __ATOMIC_ACQUIRE);
	if (ret == 0)
		legacy_traffic_wait(c, before);
	mt_stop();
	mt_settle(t, i);
	printf("legacy migration: %u migrations, %" PRIu64 " frames sent, %"
		PRIu64 " received, %" PRIu64 " corrupt\n", i, c->sent,
		c->received, c->bad);
	TEST_ASSERT_SUCCESS(ret, "migration %u: %d (MTU at the host %u)",
		i, ret, s.mtu);
	TEST_ASSERT(c->received >= before + 200, "traffic after migrating");
	TEST_ASSERT_EQUAL(c->bad, 0u, "corrupt frames");
	return case_end();
}

struct unit_test_suite avp_legacy_suite = {
	.suite_name = "applications of the old net/avp",
	.unit_test_cases = {
		AVPT_CASE(test_legacy_jumbo),
		AVPT_CASE(test_legacy_tx_multiseg),
		AVPT_CASE(test_legacy_filter),
		AVPT_CASE(test_legacy_filter_reprobe),
		AVPT_CASE(test_legacy_split),
		AVPT_CASE(test_legacy_migration),
		TEST_CASES_END()
	}
};
