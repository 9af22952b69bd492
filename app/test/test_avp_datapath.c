/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The AVP PMD authors
 */

/*
 * The data path: loopback of every size, on every data path the CPU
 * has, jumbo frames and chains both ways, oversize frames, VLAN
 * offloads, bursts of every size and kind, a full transmit ring, an
 * empty mempool, two threads.
 */

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include <rte_ethdev.h>
#include <rte_mbuf.h>
#include <rte_vect.h>

#include "test_avp_common.h"
#include "avp_vec.h"

static uint8_t fbuf[AVP_EMU_FRAME_MAX];
static struct avp_emu_frame cap;

static const uint8_t other[6] = { 0x02, 0x11, 0x22, 0x33, 0x44, 0x55 };
static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

/* Whether queue 0's receive and transmit paths are named name. */
static int
check_burst_modes(uint16_t port, const char *name)
{
	struct rte_eth_burst_mode mode;

	TEST_ASSERT_SUCCESS(rte_eth_rx_burst_mode_get(port, 0, &mode),
		"rx mode");
	TEST_ASSERT(strncmp(mode.info, name, strlen(name)) == 0,
		"rx path %s", mode.info);
	TEST_ASSERT_SUCCESS(rte_eth_tx_burst_mode_get(port, 0, &mode),
		"tx mode");
	TEST_ASSERT(strncmp(mode.info, name, strlen(name)) == 0,
		"tx path %s", mode.info);
	return 0;
}

static int
test_loopback_sizes(void)
{
	struct tport *t;

	t = tport_up(NULL, AVP_EMU_MODE_LOOPBACK, &conf1);
	ASSERT_NOT_NULL(t, "port");
	TEST_ASSERT_SUCCESS(check_burst_modes(t->port, "Simple"), "paths");
	TEST_ASSERT_SUCCESS(loop_sizes(t, 60, 1518, 1), "60..1518");
	TEST_ASSERT_SUCCESS(rte_eth_dev_stop(t->port), "stop");
	ASSERT_XSTAT(t->port, "rx_q0_packets", 1459);
	ASSERT_XSTAT(t->port, "tx_q0_packets", 1459);
	return case_end();
}

/*
 * Each data path of this build that the CPU has (scalar, SSE, AVX2,
 * AVX-512), chosen at start through the EAL's SIMD limit: burst mode
 * names it, and frames of every size from 14 to 1518 bytes, from every
 * offset within a cache line, go out and come back intact: single
 * buffers to the port's address, the tight loops' case.
 */
static int
test_every_data_path(void)
{
	uint16_t saved = rte_vect_get_max_simd_bitwidth();
	const struct avp_vec_path *p;
	struct rte_eth_burst_mode bm;
	unsigned int i, tested = 0;
	struct tport *t;
	int usable, ret;

	for (i = 0; (p = avp_vec_path_get(i, &usable)) != NULL; i++) {
		if (!usable)
			continue;
		if (rte_vect_set_max_simd_bitwidth(p->bits != 0 ? p->bits :
				RTE_VECT_SIMD_DISABLED) != 0) {
			printf("the SIMD limit is fixed on the command line: skipped\n");
			return TEST_SKIPPED;
		}
		t = tport_up(NULL, AVP_EMU_MODE_LOOPBACK, &conf1);
		ret = t == NULL ? -1 :
			rte_eth_rx_burst_mode_get(t->port, 0, &bm) != 0 ||
			strstr(bm.info, p->name) == NULL ? -2 :
			loop_sizes(t, 14, 1518, 1) != 0 ? -3 :
			rte_eth_dev_stop(t->port) != 0 ? -4 : 0;
		rte_vect_set_max_simd_bitwidth(saved);
		TEST_ASSERT_SUCCESS(ret, "%s path: %s", p->name,
			ret == -1 ? "port" : ret == -2 ? "burst mode" :
			ret == -3 ? "loopback" : "stop");
		ASSERT_XSTAT(t->port, "rx_q0_packets", 1505);
		ASSERT_XSTAT(t->port, "tx_q0_packets", 1505);
		/* 14 + ... + 1518 */
		ASSERT_XSTAT(t->port, "rx_q0_bytes", 1152830);
		ASSERT_XSTAT(t->port, "tx_q0_bytes", 1152830);
		TEST_ASSERT_SUCCESS(case_end(), "%s path", p->name);
		printf("%s: checked\n", p->name);
		tested++;
	}
	TEST_ASSERT(tested >= 2, "only %u data paths checked", tested);
	return TEST_SUCCESS;
}

/* One frame of 9238 bytes, chains of 5 mbufs out and in. */
static int
test_loopback_jumbo(void)
{
	struct rte_mbuf *m;
	struct tport *t;
	int same;

	t = tport_up(NULL, AVP_EMU_MODE_LOOPBACK, &conf_jumbo);
	ASSERT_NOT_NULL(t, "port");
	TEST_ASSERT_SUCCESS(check_burst_modes(t->port, "Scattered"), "paths");
	fill_frame(fbuf, BIG_FRAME, tport_mac(t), 5);
	m = mbuf_from(pool, fbuf, BIG_FRAME, NULL, 0);
	ASSERT_NOT_NULL(m, "mbuf");
	same = m->nb_segs;
	if (same != 5) {
		rte_pktmbuf_free(m);
		TEST_ASSERT(0, "tx chain of %d", same);
	}
	TEST_ASSERT_SUCCESS(tx_one(t->port, 0, m), "tx 9238");
	TEST_ASSERT_EQUAL(rx_wait(t->port, 0, &m, 1), 1u, "9238 not back");
	same = mbuf_equals(m, fbuf, BIG_FRAME) ? m->nb_segs : -1;
	rte_pktmbuf_free(m);
	TEST_ASSERT(same != -1, "9238 bytes differ");
	TEST_ASSERT_EQUAL(same, 5, "rx chain of %d", same);
	return case_end();
}

/* A sweep of sizes through the scattered paths. */
static int
test_loopback_jumbo_sweep(void)
{
	struct tport *t;

	t = tport_up(NULL, AVP_EMU_MODE_LOOPBACK, &conf_jumbo);
	ASSERT_NOT_NULL(t, "port");
	TEST_ASSERT_SUCCESS(loop_sizes(t, 60, BIG_FRAME, 97), "jumbo sweep");
	ASSERT_XSTAT(t->port, "rx_invalid_desc_errors", 0);
	return case_end();
}

/* The host splitting every frame into 2..5 segments. */
static int
test_loopback_host_segs(void)
{
	struct tport *t;
	unsigned int s;

	t = tport_up(NULL, AVP_EMU_MODE_LOOPBACK, &conf_jumbo);
	ASSERT_NOT_NULL(t, "port");
	for (s = 2; s <= AVP_MAX_SEGS; s++) {
		TEST_ASSERT_SUCCESS(avp_emu_port_set_rx_segs(t->ep, s), "segs");
		TEST_ASSERT_SUCCESS(loop_sizes(t, 60, BIG_FRAME, 331 + s),
			"sweep with %u host segments", s);
	}
	TEST_ASSERT_SUCCESS(avp_emu_port_set_rx_segs(t->ep, 0), "segs");
	ASSERT_XSTAT(t->port, "rx_invalid_desc_errors", 0);
	return case_end();
}

/* Receive of host chains of 2..5 segments into 256-byte mbufs. */
static int
test_rx_scattered(void)
{
	static const uint32_t sizes[] = { 60, 255, 256, 257, 511, 512, 513,
		1000, 1279, 1280, 1281, 2047, 2048, 2049, 4000, 9238 };
	struct pconf c = conf_jumbo;
	struct rte_mbuf *m;
	struct tport *t;
	unsigned int i, s, nsegs;
	int same;

	c.mp = pool_small;
	t = tport_up(NULL, AVP_EMU_MODE_CAPTURE, &c);
	ASSERT_NOT_NULL(t, "port");
	for (s = 2; s <= AVP_MAX_SEGS; s++) {
		for (i = 0; i < RTE_DIM(sizes); i++) {
			struct avp_emu_inject_opts o = { .queue = -1,
				.flags = AVP_EMU_INJ_SEGS, .nsegs = (uint8_t)s };
			uint32_t len = sizes[i];

			if (len < s * 2 || (len + s - 1) / s > 2048)
				continue;
			fill_frame(fbuf, len, tport_mac(t), s + len);
			TEST_ASSERT_SUCCESS(inject(t, fbuf, len, &o), "inject");
			TEST_ASSERT_EQUAL(rx_wait(t->port, 0, &m, 1), 1u,
				"%u bytes in %u segments not received", len, s);
			same = mbuf_equals(m, fbuf, len);
			nsegs = m->nb_segs;
			rte_pktmbuf_free(m);
			TEST_ASSERT(same, "%u bytes in %u segments differ",
				len, s);
			TEST_ASSERT_EQUAL(nsegs, (len + 255) / 256,
				"%u bytes: %u mbufs", len, nsegs);
		}
	}
	ASSERT_XSTAT(t->port, "rx_invalid_desc_errors", 0);
	return case_end();
}

/* Transmit of mbuf chains of 2..5 segments, straddling host buffers. */
static int
test_tx_multiseg(void)
{
	static const uint16_t splits[][4] = {
		{ 1, 1, 1, 1 }, { 13, 100, 7, 1 }, { 60, 60, 60, 60 },
		{ 2047, 2, 1, 3 }, { 1000, 1000, 1000, 1000 },
	};
	static const uint32_t sizes[] = { 64, 300, 2048, 2049, 4096, 5000,
		9238 };
	struct tport *t;
	unsigned int i, s, k;

	t = tport_up(NULL, AVP_EMU_MODE_CAPTURE, &conf_jumbo);
	ASSERT_NOT_NULL(t, "port");
	for (k = 0; k < RTE_DIM(splits); k++) {
		for (s = 2; s <= AVP_MAX_SEGS; s++) {
			for (i = 0; i < RTE_DIM(sizes); i++) {
				uint32_t len = sizes[i];
				struct rte_mbuf *m;

				fill_frame(fbuf, len, peer_mac, k + s + len);
				m = mbuf_from(pool, fbuf, len, splits[k], s);
				ASSERT_NOT_NULL(m, "mbuf");
				TEST_ASSERT_SUCCESS(tx_one(t->port, 0, m),
					"tx %u bytes", len);
				TEST_ASSERT_SUCCESS(avp_emu_wait_captured(t->ep,
					1, WAIT_MS), "%u bytes not captured",
					len);
				TEST_ASSERT_EQUAL(avp_emu_capture_pop(t->ep,
					&cap), 1, "pop");
				TEST_ASSERT_EQUAL(cap.len, len,
					"captured %u bytes of %u", cap.len, len);
				TEST_ASSERT_EQUAL(memcmp(cap.data, fbuf, len),
					0, "%u bytes (split %u/%u) differ",
					len, k, s);
				TEST_ASSERT_EQUAL(cap.nsegs, (len + 2047) / 2048,
					"%u bytes in %u host buffers", len,
					cap.nsegs);
			}
		}
	}
	return case_end();
}

/* Scattered path: 9239 bytes is more than the host takes. */
static int
test_tx_oversize(void)
{
	struct rte_eth_stats st;
	struct rte_mbuf *m[3];
	struct tport *t;

	t = tport_up(NULL, AVP_EMU_MODE_CAPTURE, &conf_jumbo);
	ASSERT_NOT_NULL(t, "port");
	fill_frame(fbuf, BIG_FRAME + 1, peer_mac, 1);
	m[0] = mbuf_from(pool, fbuf, 100, NULL, 0);
	m[1] = mbuf_from(pool, fbuf, BIG_FRAME + 1, NULL, 0);
	m[2] = mbuf_from(pool, fbuf, 200, NULL, 0);
	TEST_ASSERT(m[0] && m[1] && m[2], "mbufs");
	TEST_ASSERT_EQUAL(rte_eth_tx_burst(t->port, 0, m, 3), 3,
		"oversize frames are consumed (dropped), not returned");
	TEST_ASSERT_SUCCESS(avp_emu_wait_captured(t->ep, 2, WAIT_MS),
		"the two good frames");
	TEST_ASSERT_EQUAL(avp_emu_capture_pop(t->ep, &cap), 1, "pop");
	TEST_ASSERT_EQUAL(cap.len, 100u, "first");
	TEST_ASSERT_EQUAL(avp_emu_capture_pop(t->ep, &cap), 1, "pop");
	TEST_ASSERT_EQUAL(cap.len, 200u, "never truncated: next is 200");
	TEST_ASSERT_EQUAL(avp_emu_capture_pop(t->ep, &cap), 0, "nothing else");
	TEST_ASSERT_SUCCESS(rte_eth_stats_get(t->port, &st), "stats");
	TEST_ASSERT_EQUAL(st.opackets, 2u, "opackets");
	TEST_ASSERT_EQUAL(st.oerrors, 1u, "oerrors");
	ASSERT_XSTAT(t->port, "tx_oversize_errors", 1);
	ASSERT_XSTAT(t->port, "tx_q0_oversize_errors", 1);
	return case_end();
}

/*
 * Simple path, MTU 1500: the host was told the MTU, so 1519 bytes is
 * more than it takes (its checker would see it), 1518 fits.
 */
static int
test_tx_oversize_simple(void)
{
	struct rte_mbuf *m;
	struct tport *s;

	s = tport_up(NULL, AVP_EMU_MODE_CAPTURE, &conf1);
	ASSERT_NOT_NULL(s, "simple port");
	fill_frame(fbuf, 1519, peer_mac, 1);
	m = mbuf_from(pool, fbuf, 1519, NULL, 0);
	ASSERT_NOT_NULL(m, "mbuf");
	TEST_ASSERT_EQUAL(rte_eth_tx_burst(s->port, 0, &m, 1), 1, "consumed");
	ASSERT_XSTAT(s->port, "tx_oversize_errors", 1);
	m = mbuf_from(pool, fbuf, 1518, NULL, 0);
	ASSERT_NOT_NULL(m, "mbuf");
	TEST_ASSERT_SUCCESS(tx_one(s->port, 0, m), "1518 fits");
	TEST_ASSERT_SUCCESS(avp_emu_wait_captured(s->ep, 1, WAIT_MS), "1518");
	TEST_ASSERT_EQUAL(avp_emu_capture_pop(s->ep, &cap), 1, "pop");
	TEST_ASSERT_EQUAL(cap.len, 1518u, "1518");
	return case_end();
}

/* Simple path, 2048-byte mbufs: a 3000-byte frame cannot fit. */
static int
test_rx_oversize(void)
{
	struct rte_eth_stats st;
	struct rte_mbuf *m;
	struct tport *t;
	int same;

	t = tport_up(NULL, AVP_EMU_MODE_CAPTURE, &conf1);
	ASSERT_NOT_NULL(t, "port");
	fill_frame(fbuf, 3000, tport_mac(t), 3);
	TEST_ASSERT_SUCCESS(inject(t, fbuf, 3000, NULL), "inject big");
	TEST_ASSERT_SUCCESS(inject(t, fbuf, 1500, NULL), "inject good");
	TEST_ASSERT_EQUAL(rx_wait(t->port, 0, &m, 1), 1u, "good frame");
	same = mbuf_equals(m, fbuf, 1500);
	rte_pktmbuf_free(m);
	TEST_ASSERT(same, "good frame bytes");
	TEST_ASSERT_SUCCESS(avp_emu_wait_rx_drained(t->ep, WAIT_MS), "drained");
	TEST_ASSERT_SUCCESS(rte_eth_stats_get(t->port, &st), "stats");
	TEST_ASSERT_EQUAL(st.ipackets, 1u, "ipackets");
	TEST_ASSERT_EQUAL(st.ierrors, 1u, "ierrors");
	ASSERT_XSTAT(t->port, "rx_oversize_errors", 1);
	return case_end();
}

/* The port of the small-MTU cases: 256-byte mbufs, MTU 200, no SCATTER. */
static struct tport *
small_mtu_port(void)
{
	return tport_up(NULL, AVP_EMU_MODE_CAPTURE, &(struct pconf){
		.nrx = 1, .ntx = 1, .mtu = 200, .mp = pool_small });
}

/* Scatter off, 256-byte mbufs, MTU small: 300 bytes is oversize. */
static int
test_rx_oversize_small_mtu(void)
{
	struct rte_mbuf *m;
	struct tport *t;
	uint32_t len;

	t = small_mtu_port();
	ASSERT_NOT_NULL(t, "small port");
	fill_frame(fbuf, 300, tport_mac(t), 3);
	TEST_ASSERT_SUCCESS(inject(t, fbuf, 300, NULL), "inject 300");
	TEST_ASSERT_SUCCESS(inject(t, fbuf, 200, NULL), "inject 200");
	TEST_ASSERT_EQUAL(rx_wait(t->port, 0, &m, 1), 1u, "200 frame");
	len = m->pkt_len;
	rte_pktmbuf_free(m);
	TEST_ASSERT_EQUAL(len, 200u, "200");
	ASSERT_XSTAT(t->port, "rx_oversize_errors", 1);
	return case_end();
}

/*
 * MTU 1500 with 256-byte mbufs and no SCATTER: receive scatters anyway,
 * says so, and a 1500-byte frame comes as a chain.
 */
static int
test_rx_implicit_scatter(void)
{
	struct rte_eth_burst_mode bm;
	struct rte_mbuf *m;
	struct tport *t;
	unsigned int nsegs;
	int same;

	t = small_mtu_port();
	ASSERT_NOT_NULL(t, "small port");
	TEST_ASSERT_SUCCESS(rte_eth_dev_stop(t->port), "stop");
	TEST_ASSERT_SUCCESS(rte_eth_dev_set_mtu(t->port, 1500), "mtu");
	TEST_ASSERT_SUCCESS(rte_eth_dev_start(t->port),
		"start without SCATTER and frames larger than mbufs");
	TEST_ASSERT_SUCCESS(rte_eth_rx_burst_mode_get(t->port, 0, &bm),
		"burst mode");
	TEST_ASSERT(strstr(bm.info, "without the SCATTER offload") != NULL,
		"burst mode says scatter is implicit: %s", bm.info);
	fill_frame(fbuf, 1500, tport_mac(t), 4);
	TEST_ASSERT_SUCCESS(inject(t, fbuf, 1500, NULL), "inject 1500");
	TEST_ASSERT_EQUAL(rx_wait(t->port, 0, &m, 1), 1u, "1500 frame");
	nsegs = m->nb_segs;
	same = mbuf_equals(m, fbuf, 1500);
	rte_pktmbuf_free(m);
	TEST_ASSERT(nsegs == 6 && same, "1500 bytes in 6 mbufs: %u", nsegs);
	return case_end();
}

/* ---- VLAN ---- */

/*
 * Receives one frame and checks it: the VLAN flags of flags set (none:
 * no RX_VLAN flag), the tag, and len bytes of fbuf.
 */
static int
rx_vlan_check(struct tport *t, uint64_t flags, uint16_t tci, uint32_t len)
{
	struct rte_mbuf *m;
	uint64_t got_flags;
	uint16_t got_tci;
	uint32_t got_len;
	int same;

	TEST_ASSERT_EQUAL(rx_wait(t->port, 0, &m, 1), 1u, "frame");
	got_flags = m->ol_flags;
	got_tci = m->vlan_tci;
	got_len = m->pkt_len;
	same = mbuf_equals(m, fbuf, len);
	rte_pktmbuf_free(m);
	if (flags == 0)
		TEST_ASSERT_EQUAL((got_flags & RTE_MBUF_F_RX_VLAN), 0u,
			"VLAN flag on an untagged frame");
	else
		TEST_ASSERT_EQUAL((got_flags & flags), flags, "flags 0x%" PRIx64,
			got_flags);
	if (flags != 0)
		TEST_ASSERT_EQUAL(got_tci, tci, "tci 0x%x", got_tci);
	TEST_ASSERT_EQUAL(got_len, len, "length %u", got_len);
	TEST_ASSERT(same, "bytes");
	return 0;
}

static int
test_vlan_strip(void)
{
	struct avp_emu_inject_opts o = { .queue = -1, .flags = AVP_EMU_INJ_VLAN,
		.vlan_tci = 0x5123 };
	const uint64_t stripped = RTE_MBUF_F_RX_VLAN |
		RTE_MBUF_F_RX_VLAN_STRIPPED;
	struct avp_emu_port_state s;
	struct tport *t;

	t = tport_up(NULL, AVP_EMU_MODE_CAPTURE, &(struct pconf){ .nrx = 1,
		.ntx = 1, .rxoff = RTE_ETH_RX_OFFLOAD_VLAN_STRIP });
	ASSERT_NOT_NULL(t, "port");
	avp_emu_port_state_get(t->ep, &s);
	TEST_ASSERT(s.cfg.features & AVP_FEAT_VLAN_OFFLOAD,
		"VLAN offload not negotiated");
	/* descriptor-level tag */
	fill_frame(fbuf, 200, tport_mac(t), 9);
	TEST_ASSERT_SUCCESS(inject(t, fbuf, 200, &o), "inject");
	TEST_ASSERT_SUCCESS(rx_vlan_check(t, stripped, 0x5123, 200),
		"descriptor tag");
	/* a tagged frame on the wire, stripped by the host */
	fill_frame(fbuf, 204, tport_mac(t), 9);
	fbuf[12] = 0x81;
	fbuf[13] = 0x00;
	fbuf[14] = 0x20;
	fbuf[15] = 0x07;
	TEST_ASSERT_SUCCESS(inject(t, fbuf, 204, NULL), "inject tagged");
	memmove(fbuf + 12, fbuf + 16, 204 - 16);
	TEST_ASSERT_SUCCESS(rx_vlan_check(t, RTE_MBUF_F_RX_VLAN_STRIPPED,
		0x2007, 200),
		"tag removed");
	/* untagged frames carry no VLAN flag */
	fill_frame(fbuf, 100, tport_mac(t), 2);
	TEST_ASSERT_SUCCESS(inject(t, fbuf, 100, NULL), "inject plain");
	TEST_ASSERT_SUCCESS(rx_vlan_check(t, 0, 0, 100), "no VLAN flag");
	return case_end();
}

static int
test_vlan_insert(void)
{
	struct rte_mbuf *m;
	struct tport *t;

	t = tport_up(NULL, AVP_EMU_MODE_CAPTURE, &(struct pconf){ .nrx = 1,
		.ntx = 1, .txoff = RTE_ETH_TX_OFFLOAD_VLAN_INSERT });
	ASSERT_NOT_NULL(t, "port");
	fill_frame(fbuf, 120, peer_mac, 4);
	m = mbuf_from(pool, fbuf, 120, NULL, 0);
	ASSERT_NOT_NULL(m, "mbuf");
	m->ol_flags |= RTE_MBUF_F_TX_VLAN;
	m->vlan_tci = 0xa00b;
	TEST_ASSERT_SUCCESS(tx_one(t->port, 0, m), "tx");
	m = mbuf_from(pool, fbuf, 120, NULL, 0);
	ASSERT_NOT_NULL(m, "mbuf");
	TEST_ASSERT_SUCCESS(tx_one(t->port, 0, m), "tx untagged");
	TEST_ASSERT_SUCCESS(avp_emu_wait_captured(t->ep, 2, WAIT_MS), "capture");
	TEST_ASSERT_EQUAL(avp_emu_capture_pop(t->ep, &cap), 1, "pop");
	TEST_ASSERT(cap.flags & AVP_DESC_F_TX_VLAN, "TX_VLAN flag");
	TEST_ASSERT_EQUAL(cap.vlan_tci, 0xa00b, "tci 0x%x", cap.vlan_tci);
	TEST_ASSERT_EQUAL(cap.len, 124u, "tag inserted by the host");
	TEST_ASSERT(cap.data[12] == 0x81 && cap.data[13] == 0x00 &&
		cap.data[14] == 0xa0 && cap.data[15] == 0x0b, "tag bytes");
	TEST_ASSERT_EQUAL(memcmp(cap.data + 16, fbuf + 12, 108), 0, "payload");
	TEST_ASSERT_EQUAL(avp_emu_capture_pop(t->ep, &cap), 1, "pop");
	TEST_ASSERT_EQUAL(cap.flags, 0, "no flag without TX_VLAN");
	TEST_ASSERT_EQUAL(cap.len, 120u, "untagged");
	return case_end();
}

/* A host without VLAN offload never sees the flag. */
static int
test_vlan_insert_no_host_offload(void)
{
	struct avp_emu_port_params p;
	struct rte_mbuf *m;
	struct tport *nv;

	params_default(&p);
	p.no_vlan_offload = 1;
	nv = tport_up(&p, AVP_EMU_MODE_CAPTURE, &conf1);
	ASSERT_NOT_NULL(nv, "port without VLAN");
	fill_frame(fbuf, 120, peer_mac, 4);
	m = mbuf_from(pool, fbuf, 120, NULL, 0);
	ASSERT_NOT_NULL(m, "mbuf");
	m->ol_flags |= RTE_MBUF_F_TX_VLAN;
	m->vlan_tci = 5;
	TEST_ASSERT_SUCCESS(tx_one(nv->port, 0, m), "tx");
	TEST_ASSERT_SUCCESS(avp_emu_wait_captured(nv->ep, 1, WAIT_MS),
		"capture");
	TEST_ASSERT_EQUAL(avp_emu_capture_pop(nv->ep, &cap), 1, "pop");
	TEST_ASSERT_EQUAL(cap.flags, 0, "TX_VLAN sent to a host without it");
	TEST_ASSERT_EQUAL(cap.len, 120u, "length");
	return case_end();
}

static int
test_vlan_runtime(void)
{
	struct avp_emu_port_stats st0, st1;
	struct avp_emu_port_state s;
	struct rte_mbuf *m;
	struct tport *t;

	t = tport_up(NULL, AVP_EMU_MODE_LOOPBACK, &conf1);
	ASSERT_NOT_NULL(t, "port");
	avp_emu_port_state_get(t->ep, &s);
	TEST_ASSERT_EQUAL(s.cfg.features, 0u, "no VLAN at first");
	avp_emu_port_stats_get(t->ep, &st0);
	TEST_ASSERT_SUCCESS(rte_eth_dev_set_vlan_offload(t->port,
		RTE_ETH_VLAN_STRIP_OFFLOAD), "strip on while started");
	avp_emu_port_stats_get(t->ep, &st1);
	TEST_ASSERT_EQUAL(st1.requests[AVP_OP_CONFIGURE],
		st0.requests[AVP_OP_CONFIGURE] + 1, "CONFIGURE re-sent");
	avp_emu_port_state_get(t->ep, &s);
	TEST_ASSERT(s.cfg.features & AVP_FEAT_VLAN_OFFLOAD, "negotiated");
	TEST_ASSERT(s.cfg.link_up, "link stays up");
	/* traffic still flows, and a tagged frame comes back stripped */
	fill_frame(fbuf, 204, tport_mac(t), 9);
	fbuf[12] = 0x81;
	fbuf[13] = 0x00;
	fbuf[14] = 0x00;
	fbuf[15] = 0x2a;
	m = mbuf_from(pool, fbuf, 204, NULL, 0);
	ASSERT_NOT_NULL(m, "mbuf");
	TEST_ASSERT_SUCCESS(tx_one(t->port, 0, m), "tx");
	memmove(fbuf + 12, fbuf + 16, 204 - 16);
	TEST_ASSERT_SUCCESS(rx_vlan_check(t, RTE_MBUF_F_RX_VLAN_STRIPPED,
		0x2a, 200), "looped, stripped");
	TEST_ASSERT_SUCCESS(rte_eth_dev_set_vlan_offload(t->port, 0),
		"strip off");
	avp_emu_port_state_get(t->ep, &s);
	TEST_ASSERT_EQUAL(s.cfg.features, 0u, "VLAN off again");
	return case_end();
}

/* ---- bursts ---- */

static int
test_bursts(void)
{
	static const unsigned int sizes[] = { 1, 32, 64, 256, 500 };
	struct rte_mbuf *tx[512], *rx[512];
	struct tport *t;
	unsigned int s, i, n, got;

	t = tport_up(NULL, AVP_EMU_MODE_LOOPBACK, &conf1);
	ASSERT_NOT_NULL(t, "port");
	for (s = 0; s < RTE_DIM(sizes); s++) {
		n = sizes[s];
		for (i = 0; i < n; i++) {
			fill_frame(fbuf, 64 + (i % 100), tport_mac(t), i + n);
			tx[i] = mbuf_from(pool, fbuf, 64 + (i % 100), NULL, 0);
			ASSERT_NOT_NULL(tx[i], "mbuf");
		}
		TEST_ASSERT_EQUAL(rte_eth_tx_burst(t->port, 0, tx, n), n,
			"tx burst of %u", n);
		got = rx_wait(t->port, 0, rx, n);
		if (got != n)
			rte_pktmbuf_free_bulk(rx, got);
		TEST_ASSERT_EQUAL(got, n, "rx of %u", n);
		for (i = 0; i < n; i++) {
			fill_frame(fbuf, 64 + (i % 100), tport_mac(t), i + n);
			if (mbuf_equals(rx[i], fbuf, 64 + (i % 100)))
				continue;
			rte_pktmbuf_free_bulk(rx, n);
			TEST_ASSERT(0, "burst %u frame %u", n, i);
		}
		rte_pktmbuf_free_bulk(rx, n);
	}
	return case_end();
}

/* One rx burst larger than the internal maximum takes all. */
static int
test_rx_burst_large(void)
{
	struct rte_mbuf *rx[512];
	struct tport *t;
	unsigned int i, n;

	t = tport_up(NULL, AVP_EMU_MODE_LOOPBACK, &conf1);
	ASSERT_NOT_NULL(t, "port");
	for (i = 0; i < 300; i++) {
		fill_frame(fbuf, 64, tport_mac(t), i);
		TEST_ASSERT_SUCCESS(inject(t, fbuf, 64, NULL), "inject");
	}
	TEST_ASSERT_SUCCESS(wait_placed(t, 0, 300), "host placed frames");
	n = rte_eth_rx_burst(t->port, 0, rx, 512);
	rte_pktmbuf_free_bulk(rx, n);
	TEST_ASSERT_EQUAL(n, 300u, "one burst of 512 got %u of 300", n);
	return case_end();
}

/*
 * The fast passes of both directions stop at the first frame or mbuf that
 * is not their common case and leave the rest of the burst to the
 * general pass. Bursts that mix every kind must come out whole, in order
 * and byte for byte, with each drop counted once.
 */
struct mixed_rx {
	enum avp_emu_fault fault;	/* with fault_on */
	int fault_on;
	int dst;			/* 0 own, 1 broadcast, 2 other */
	uint16_t len;
	uint16_t tci;			/* stripped by the host, 0: none */
	int accepted;
};

/* Places one frame on the rx ring and waits until the host has. */
static int
mixed_place(struct tport *t, const struct mixed_rx *x, const uint8_t *dst,
		unsigned int n, uint64_t placed)
{
	struct avp_emu_inject_opts o = { .queue = 0 };

	if (x->tci != 0) {
		o.flags = AVP_EMU_INJ_VLAN;
		o.vlan_tci = x->tci;
	}
	if (x->fault_on)
		TEST_ASSERT_SUCCESS(avp_emu_port_fault(t->ep, x->fault, 0, 1),
			"fault");
	fill_frame(fbuf, x->len, dst, n);
	TEST_ASSERT_SUCCESS(avp_emu_inject(t->ep, fbuf, x->len, &o),
		"inject");
	TEST_ASSERT_SUCCESS(wait_placed(t, 0, placed), "frame %u placed", n);
	return 0;
}

/* Checks a received frame of the mixed burst against what was sent. */
static int
mixed_check(const struct rte_mbuf *m, const struct mixed_rx *x,
		const uint8_t *dst, unsigned int n)
{
	fill_frame(fbuf, x->len, dst, n);
	TEST_ASSERT(mbuf_equals(m, fbuf, x->len), "rx frame %u bytes", n);
	TEST_ASSERT_EQUAL(m->nb_segs, 1, "rx frame %u segments", n);
	if (x->tci != 0) {
		TEST_ASSERT(m->ol_flags & RTE_MBUF_F_RX_VLAN_STRIPPED,
			"rx frame %u stripped", n);
		TEST_ASSERT_EQUAL(m->vlan_tci, x->tci, "rx frame %u tci", n);
	} else {
		TEST_ASSERT_EQUAL(m->ol_flags, 0, "rx frame %u flags", n);
	}
	return 0;
}

static int
test_mixed_bursts(void)
{
	static const struct mixed_rx rx[] = {
		{ .dst = 0, .len = 64, .accepted = 1 },
		{ .dst = 0, .len = 120, .tci = 0x123, .accepted = 1 },
		{ .dst = 0, .len = 100, .accepted = 1 },
		{ AVP_EMU_FAULT_DESC_DATA_VA, 1, 0, 200, 0, 0 },
		{ .dst = 0, .len = 64, .accepted = 1 },
		{ .dst = 1, .len = 64, .accepted = 1 },
		{ .dst = 2, .len = 64, .accepted = 0 },
		{ .dst = 0, .len = 7, .accepted = 1 },
		{ AVP_EMU_FAULT_DESC_HANDLE, 1, 0, 200, 0, 0 },
		{ .dst = 0, .len = 1000, .accepted = 1 },
		{ .dst = 0, .len = 64, .tci = 0x7, .accepted = 1 },
		{ .dst = 0, .len = 64, .accepted = 1 },
	};
	const uint8_t *dsts[3];
	struct rte_mbuf *m[32];
	unsigned int i, k, n, want = 0;
	struct tport *t;
	int ret = 0;

	t = tport_up(NULL, AVP_EMU_MODE_CAPTURE, &conf1);
	ASSERT_NOT_NULL(t, "port");
	dsts[0] = tport_mac(t);
	dsts[1] = bcast;
	dsts[2] = other;

	/* every frame on the ring before the first poll */
	for (i = 0; i < RTE_DIM(rx); i++) {
		TEST_ASSERT_SUCCESS(mixed_place(t, &rx[i], dsts[rx[i].dst],
			i, i + 1), "rx frame %u", i);
		want += rx[i].accepted;
	}
	n = rx_wait(t->port, 0, m, want);
	for (i = 0, k = 0; i < RTE_DIM(rx) && k < n && ret == 0; i++) {
		if (!rx[i].accepted)
			continue;
		ret = mixed_check(m[k], &rx[i], dsts[rx[i].dst], i);
		k++;
	}
	rte_pktmbuf_free_bulk(m, n);
	TEST_ASSERT_EQUAL(n, want, "%u frames, got %u", want, n);
	TEST_ASSERT_SUCCESS(ret, "frame %u", i - 1);
	TEST_ASSERT_SUCCESS(rx_until_drained(t, 1, &k), "drained");
	TEST_ASSERT_EQUAL(k, 0u, "%u frames too many", k);
	ASSERT_XSTAT(t->port, "rx_invalid_desc_errors", 2);
	ASSERT_XSTAT(t->port, "rx_filtered_packets", 1);
	ASSERT_XSTAT(t->port, "rx_good_packets", want);
	return case_end();
}

/* Transmit: one burst of every kind of mbuf. */
static int
test_mixed_tx_burst(void)
{
	/* 0 plain, 1 chain, 2 shared, 3 other pool, 4 clone, 5 plain */
	static const uint16_t tx_len[] = { 64, 300, 100, 90, 80, 64 };
	static const uint16_t split[] = { 100 };
	struct rte_mbuf *m[RTE_DIM(tx_len)], *orig;
	struct tport *t;
	unsigned int i, n;
	int ret = 0;

	t = tport_up(NULL, AVP_EMU_MODE_CAPTURE, &conf1);
	ASSERT_NOT_NULL(t, "port");
	for (i = 0; i < RTE_DIM(tx_len); i++) {
		fill_frame(fbuf, tx_len[i], peer_mac, 100 + i);
		m[i] = mbuf_from(i == 3 ? pool_small : pool, fbuf, tx_len[i],
			i == 1 ? split : NULL, i == 1 ? 2 : 0);
		ASSERT_NOT_NULL(m[i], "mbuf");
	}
	TEST_ASSERT_EQUAL(m[1]->nb_segs, 2, "chain");
	rte_mbuf_refcnt_update(m[2], 1);	/* the test keeps a reference */
	orig = m[4];
	m[4] = rte_pktmbuf_clone(orig, pool);
	ASSERT_NOT_NULL(m[4], "clone");
	n = rte_eth_tx_burst(t->port, 0, m, RTE_DIM(tx_len));
	if (n != RTE_DIM(tx_len) ||
	    avp_emu_wait_captured(t->ep, n, WAIT_MS) != 0)
		ret = -1;
	for (i = 0; i < n && ret == 0; i++) {
		fill_frame(fbuf, tx_len[i], peer_mac, 100 + i);
		if (avp_emu_capture_pop(t->ep, &cap) != 1 ||
		    cap.len != tx_len[i] ||
		    memcmp(cap.data, fbuf, tx_len[i]) != 0)
			ret = -1 - (int)i;
	}
	if (ret == 0 && avp_emu_capture_pop(t->ep, &cap) != 0)
		ret = -100;
	TEST_ASSERT_EQUAL(rte_mbuf_refcnt_read(m[2]), 1,
		"shared mbuf: our reference is left");
	TEST_ASSERT_EQUAL(rte_mbuf_refcnt_read(orig), 1,
		"cloned mbuf: the clone's reference is gone");
	rte_pktmbuf_free(m[2]);
	rte_pktmbuf_free(orig);
	TEST_ASSERT_EQUAL(n, RTE_DIM(tx_len), "tx burst took %u", n);
	TEST_ASSERT(ret != -1, "not captured");
	TEST_ASSERT(ret != -100, "captured more than sent");
	TEST_ASSERT_SUCCESS(ret, "tx frame %d: length or bytes differ",
		-ret - 1);
	ASSERT_XSTAT(t->port, "tx_good_packets", RTE_DIM(tx_len));
	return case_end();
}

/* ---- resources running out ---- */

static int
test_tx_ring_full(void)
{
	struct avp_emu_port_params p;
	struct rte_eth_stats st;
	struct rte_mbuf *m[64];
	struct tport *t;
	unsigned int i, n;
	uint64_t end;

	params_default(&p);
	p.ring_slots = 16;
	t = tport_up(&p, AVP_EMU_MODE_CAPTURE, &conf1);
	ASSERT_NOT_NULL(t, "port");
	/* nobody consumes tx or restocks alloc; the teardown restarts it */
	avp_emu_stop(emu);
	for (i = 0; i < 64; i++) {
		fill_frame(fbuf, 64, peer_mac, i);
		m[i] = mbuf_from(pool, fbuf, 64, NULL, 0);
		ASSERT_NOT_NULL(m[i], "mbuf");
	}
	n = rte_eth_tx_burst(t->port, 0, m, 64);
	TEST_ASSERT_EQUAL(n, 15u, "a 16-slot ring takes 15, took %u", n);
	ASSERT_XSTAT(t->port, "tx_ring_full_packets", 64 - 15);
	ASSERT_XSTAT(t->port, "tx_q0_packets", 15);
	TEST_ASSERT_EQUAL(rte_eth_tx_burst(t->port, 0, m + n, 64 - n), 0,
		"full");
	ASSERT_XSTAT(t->port, "tx_ring_full_packets", 2 * (64 - 15));
	TEST_ASSERT_SUCCESS(rte_eth_stats_get(t->port, &st), "stats");
	TEST_ASSERT_EQUAL(st.oerrors, 0u, "frames handed back are not errors");
	TEST_ASSERT_SUCCESS(avp_emu_start(emu), "restart the emulator");
	TEST_ASSERT_SUCCESS(avp_emu_wait_captured(t->ep, 15, WAIT_MS),
		"captured");
	/* the application's frames are still its own: send them now */
	end = now_ms() + WAIT_MS;
	for (i = n; i < 64 && now_ms() < end; ) {
		uint16_t k = rte_eth_tx_burst(t->port, 0, m + i, 64 - i);

		i += k;
		if (k == 0)
			rte_delay_us_sleep(100);
	}
	if (i < 64)
		rte_pktmbuf_free_bulk(m + i, 64 - i);
	TEST_ASSERT_EQUAL(i, 64u, "%u of 64 sent after %u ms", i, WAIT_MS);
	TEST_ASSERT_SUCCESS(avp_emu_wait_captured(t->ep, 64, WAIT_MS), "all");
	for (i = 0; i < 64; i++) {
		TEST_ASSERT_EQUAL(avp_emu_capture_pop(t->ep, &cap), 1, "pop");
		fill_frame(fbuf, 64, peer_mac, i);
		TEST_ASSERT_EQUAL(memcmp(cap.data, fbuf, 64), 0, "frame %u", i);
	}
	return case_end();
}

/*
 * Injects n numbered frames of len bytes and waits until the host has put
 * them all on rx ring 0, so that one burst sees every one of them.
 */
static int
inject_on_ring0(struct tport *t, unsigned int n, uint32_t len)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		fill_frame(fbuf, len, tport_mac(t), i);
		TEST_ASSERT_SUCCESS(inject(t, fbuf, len, NULL), "inject");
	}
	TEST_ASSERT_SUCCESS(wait_placed(t, 0, n), "%u frames on the ring", n);
	return 0;
}

/* Whether m[0..n-1] are frames 0..n-1 of len bytes in nsegs mbufs each. */
static int
check_numbered(struct tport *t, struct rte_mbuf **m, unsigned int n,
		uint32_t len, unsigned int nsegs)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		fill_frame(fbuf, len, tport_mac(t), i);
		TEST_ASSERT(mbuf_equals(m[i], fbuf, len), "frame %u", i);
		TEST_ASSERT_EQUAL(m[i]->nb_segs, nsegs, "frame %u: %u mbufs",
			i, m[i]->nb_segs);
	}
	return 0;
}

/* 64 frames, 40 mbufs: 40 delivered, 24 counted, smaller bursts fit. */
static int
test_rx_nombuf(void)
{
	struct rte_mempool *tiny;
	struct rte_eth_stats st;
	struct rte_mbuf *m[64];
	struct tport *t;
	unsigned int i, n;
	int ret;

	tiny = case_pool_create("avp_test_tiny", 40, RTE_MBUF_DEFAULT_BUF_SIZE);
	ASSERT_NOT_NULL(tiny, "tiny pool");
	t = tport_up(NULL, AVP_EMU_MODE_CAPTURE, &(struct pconf){ .nrx = 1,
		.ntx = 1, .mp = tiny });
	ASSERT_NOT_NULL(t, "port");
	TEST_ASSERT_SUCCESS(inject_on_ring0(t, 64, 64), "64 frames");
	n = rte_eth_rx_burst(t->port, 0, m, 64);
	ret = check_numbered(t, m, n, 64, 1);
	rte_pktmbuf_free_bulk(m, n);
	TEST_ASSERT_EQUAL(n, 40u, "64 frames, 40 mbufs: %u delivered", n);
	TEST_ASSERT_SUCCESS(ret, "bytes");
	TEST_ASSERT_SUCCESS(rte_eth_stats_get(t->port, &st), "stats");
	TEST_ASSERT_EQUAL(st.ipackets, 40u, "ipackets");
	TEST_ASSERT_EQUAL(st.rx_nombuf, 24u, "rx_nombuf %" PRIu64, st.rx_nombuf);
	ASSERT_XSTAT(t->port, "rx_no_mbuf_errors", 24);
	/* smaller bursts fit */
	for (i = 0; i < 16; i++) {
		fill_frame(fbuf, 64, tport_mac(t), i);
		TEST_ASSERT_SUCCESS(inject(t, fbuf, 64, NULL), "inject");
	}
	n = rx_wait(t->port, 0, m, 16);
	rte_pktmbuf_free_bulk(m, n);
	TEST_ASSERT_EQUAL(n, 16u, "16 frames");
	return case_end();
}

/* Scattered: 10 mbufs of 256 bytes, frames of 1000 take 4 each. */
static int
test_rx_nombuf_scattered(void)
{
	struct rte_mempool *tiny;
	struct rte_mbuf *m[64];
	struct pconf c = conf_jumbo;
	struct tport *t;
	unsigned int n;
	int ret;

	tiny = case_pool_create("avp_test_tiny2", 10,
		RTE_PKTMBUF_HEADROOM + 256);
	ASSERT_NOT_NULL(tiny, "tiny pool");
	c.mp = tiny;
	t = tport_up(NULL, AVP_EMU_MODE_CAPTURE, &c);
	ASSERT_NOT_NULL(t, "port");
	TEST_ASSERT_SUCCESS(inject_on_ring0(t, 4, 1000), "4 frames");
	n = rte_eth_rx_burst(t->port, 0, m, 64);
	ret = check_numbered(t, m, n, 1000, 4);
	rte_pktmbuf_free_bulk(m, n);
	TEST_ASSERT_EQUAL(n, 2u, "two chains of 4 fit in 10 mbufs, got %u", n);
	TEST_ASSERT_SUCCESS(ret, "bytes");
	ASSERT_XSTAT(t->port, "rx_no_mbuf_errors", 2);
	return case_end();
}

/* ---- two threads, each on its own queue pair, at the same time ---- */

/* Both rx rings hold 1023 frames: never more in flight, nothing drops. */
#define WORKERS_IN_FLIGHT 512

struct workers {
	unsigned int sent;	/* both threads, atomically */
	unsigned int received;
	unsigned int expected;
};

struct worker {
	struct workers *all;
	uint16_t port, q;
	unsigned int n, sent, received, bad;
	const uint8_t *mac;
};

static void *
worker_main(void *arg)
{
	struct worker *w = arg;
	struct workers *all = w->all;
	struct rte_mbuf *m[32];
	uint8_t f[1600];
	uint64_t end = now_ms() + 10000;

	while ((w->sent < w->n || __atomic_load_n(&all->received,
			__ATOMIC_RELAXED) < all->expected) && now_ms() < end) {
		unsigned int i, k = 0;
		uint16_t r;

		while (w->sent + k < w->n && k < 32 &&
		       __atomic_load_n(&all->sent, __ATOMIC_RELAXED) + k -
		       __atomic_load_n(&all->received, __ATOMIC_RELAXED) <
		       WORKERS_IN_FLIGHT) {
			uint32_t len = 64 + ((w->sent + k) * 13) % 1400;

			avp_emu_frame_build(f, len, (uint64_t)w->q << 32 |
				(w->sent + k), w->mac, peer_mac);
			m[k] = rte_pktmbuf_alloc(pool);
			if (m[k] == NULL)
				break;
			memcpy(rte_pktmbuf_append(m[k], len), f, len);
			k++;
		}
		r = rte_eth_tx_burst(w->port, w->q, m, k);
		for (i = r; i < k; i++)
			rte_pktmbuf_free(m[i]);
		w->sent += r;
		__atomic_fetch_add(&all->sent, r, __ATOMIC_RELAXED);
		r = rte_eth_rx_burst(w->port, w->q, m, 32);
		for (i = 0; i < r; i++) {
			uint64_t sq;

			if (rte_pktmbuf_linearize(m[i]) != 0 ||
			    avp_emu_frame_verify(rte_pktmbuf_mtod(m[i],
				uint8_t *), m[i]->pkt_len, &sq) != 0)
				w->bad++;
			rte_pktmbuf_free(m[i]);
		}
		w->received += r;
		__atomic_fetch_add(&all->received, r, __ATOMIC_RELAXED);
	}
	return NULL;
}

static int
test_two_threads(void)
{
	struct workers all = { .expected = 10000 };
	struct worker w[2];
	pthread_t th[2];
	struct tport *t;
	unsigned int i, n;
	int ret = 0;

	t = tport_up(NULL, AVP_EMU_MODE_LOOPBACK, &(struct pconf){ .nrx = 2,
		.ntx = 2 });
	ASSERT_NOT_NULL(t, "port");
	for (n = 0; n < 2 && ret == 0; n++) {
		memset(&w[n], 0, sizeof(w[n]));
		w[n].all = &all;
		w[n].port = t->port;
		w[n].q = n;
		w[n].n = 5000;
		w[n].mac = tport_mac(t);
		ret = pthread_create(&th[n], NULL, worker_main, &w[n]);
	}
	if (ret != 0)
		n--;
	for (i = 0; i < n; i++)
		pthread_join(th[i], NULL);
	TEST_ASSERT_SUCCESS(ret, "thread");
	/* loopback spreads frames over both rings: the totals must add up */
	i = rx_drain(t->port, 2, 50);
	TEST_ASSERT_EQUAL(w[0].sent + w[1].sent, 10000u, "sent %u + %u",
		w[0].sent, w[1].sent);
	TEST_ASSERT_EQUAL(w[0].received + w[1].received + i, 10000u,
		"received %u + %u + %u", w[0].received, w[1].received, i);
	TEST_ASSERT_EQUAL(w[0].bad + w[1].bad, 0u, "corrupted frames");
	return case_end();
}

struct unit_test_suite avp_datapath_suite = {
	.suite_name = "data path",
	.unit_test_cases = {
		AVPT_CASE(test_loopback_sizes),
		AVPT_CASE(test_every_data_path),
		AVPT_CASE(test_loopback_jumbo),
		AVPT_CASE(test_loopback_jumbo_sweep),
		AVPT_CASE(test_loopback_host_segs),
		AVPT_CASE(test_rx_scattered),
		AVPT_CASE(test_tx_multiseg),
		AVPT_CASE(test_tx_oversize),
		AVPT_CASE(test_tx_oversize_simple),
		AVPT_CASE(test_rx_oversize),
		AVPT_CASE(test_rx_oversize_small_mtu),
		AVPT_CASE(test_rx_implicit_scatter),
		AVPT_CASE(test_vlan_strip),
		AVPT_CASE(test_vlan_insert),
		AVPT_CASE(test_vlan_insert_no_host_offload),
		AVPT_CASE(test_vlan_runtime),
		AVPT_CASE(test_bursts),
		AVPT_CASE(test_rx_burst_large),
		AVPT_CASE(test_mixed_bursts),
		AVPT_CASE(test_mixed_tx_burst),
		AVPT_CASE(test_tx_ring_full),
		AVPT_CASE(test_rx_nombuf),
		AVPT_CASE(test_rx_nombuf_scattered),
		AVPT_CASE(test_two_threads),
		TEST_CASES_END()
	}
};
