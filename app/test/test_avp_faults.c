/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The AVP PMD authors
 */

/*
 * A host that breaks the rules: bad device images refused at probe, bad
 * ring indexes and descriptors dropped and counted, bad buffers on the
 * alloc ring skipped, control requests not answered, answered late,
 * with a wrong token or refused.
 */

#include <errno.h>
#include <string.h>

#include <rte_ethdev.h>
#include <rte_mbuf.h>

#include "test_avp_common.h"

/* how long the driver waits for a control reply (avp.rst, xstats) */
#define CTRL_TIMEOUT_MS	500

static uint8_t fbuf[AVP_EMU_FRAME_MAX];
static struct avp_emu_frame cap;

/* ---- device images ---- */

/* Resets a port nobody is attached to, for a probe of a fresh image. */
static int
port_fresh(struct tport *t)
{
	TEST_ASSERT_SUCCESS(wait_detached(t), "guest still attached");
	TEST_ASSERT_SUCCESS(avp_emu_port_reset(t->ep), "reset");
	return 0;
}

static int
test_fault_images(void)
{
	static const struct {
		enum avp_emu_fault f;
		uint64_t arg;
	} bad[] = {
		{ AVP_EMU_FAULT_DEVINFO_MAGIC, 0 },
		{ AVP_EMU_FAULT_DEVINFO_VERSION, 0x00020000 },
		{ AVP_EMU_FAULT_DEVINFO_VERSION, 0x00010300 },
		{ AVP_EMU_FAULT_DEVINFO_VERSION, 0x00000005 },
		{ AVP_EMU_FAULT_MEMMAP_MAGIC, 0 },
		{ AVP_EMU_FAULT_MEMMAP_VERSION, 0 },
		{ AVP_EMU_FAULT_MEMMAP_COUNT, 0 },
		{ AVP_EMU_FAULT_MEMMAP_COUNT, 2049 },
		{ AVP_EMU_FAULT_MEMMAP_COUNT, 1 },
		{ AVP_EMU_FAULT_RING_NSLOTS, 0 },
		{ AVP_EMU_FAULT_RING_OUTSIDE, 0 },
		{ AVP_EMU_FAULT_QUEUES, 0 },
		{ AVP_EMU_FAULT_BUF_REGION, 0 },
	};
	struct tport *t;
	unsigned int i;
	int ret;

	t = tport_new(NULL);
	ASSERT_NOT_NULL(t, "port");
	for (i = 0; i < RTE_DIM(bad); i++) {
		/* the emulator resets the port once the last guest is gone */
		TEST_ASSERT_SUCCESS(port_fresh(t), "image %u", i);
		TEST_ASSERT_SUCCESS(avp_emu_port_fault(t->ep, bad[i].f,
			bad[i].arg, 0), "fault");
		ret = tport_probe(t);
		t->probed = 0;
		TEST_ASSERT(ret < 0, "probe accepted %s (0x%" PRIx64 ")",
			avp_emu_fault_name(bad[i].f), bad[i].arg);
	}
	return case_end();
}

/* A newer minor and an older major are fine, and so is a clean image. */
static int
test_fault_images_good(void)
{
	struct tport *t;

	t = tport_new(NULL);
	ASSERT_NOT_NULL(t, "port");
	TEST_ASSERT_SUCCESS(port_fresh(t), "fresh");
	TEST_ASSERT_SUCCESS(avp_emu_port_fault(t->ep,
		AVP_EMU_FAULT_DEVINFO_VERSION, 0x000102ff, 0), "fault");
	TEST_ASSERT_SUCCESS(tport_probe(t), "1.2.255 accepted");
	tport_unprobe(t);
	TEST_ASSERT_SUCCESS(port_fresh(t), "fresh");
	TEST_ASSERT_SUCCESS(tport_probe(t), "clean image accepted");
	return case_end();
}

/* Image mutations the emulator has no knob for, written into the BARs. */
enum img_bad {
	IMG_CTRL_STRADDLE, IMG_STRIDE_SMALL, IMG_RING_TOO_BIG, IMG_MAP_BAR2,
	IMG_BUF_SMALL, IMG_MAC_MCAST, IMG_BUF_SIZE_0, IMG_RXQ_MAX_9,
	IMG_TXQ_MAX_0, IMG_MAX_FRAME, IMG_MAP_COUNT_BAR4, IMG_COUNT
};

static void
img_mutate(struct avp_emu_bars *b, enum img_bad k)
{
	struct avp_devinfo *di = b->addr[AVP_BAR_DEVINFO];
	struct avp_memmap *mm = b->addr[AVP_BAR_MEMMAP];
	struct avp_ring *r;
	unsigned int i;
	uint64_t off = 0;

	switch (k) {
	case IMG_CTRL_STRADDLE:
		for (i = 0; i < mm->count; i++)
			if (di->ctrl_area_pa >= mm->entries[i].host_pa &&
			    di->ctrl_area_pa < mm->entries[i].host_pa +
			    mm->entries[i].length)
				di->ctrl_area_pa = mm->entries[i].host_pa +
					mm->entries[i].length - 10;
		break;
	case IMG_STRIDE_SMALL:
		di->tx_ring_stride = 64;
		break;
	case IMG_RING_TOO_BIG:
		/* rx ring 0 claims more slots than its stride holds */
		for (i = 0; i < mm->count; i++) {
			if (di->rx_ring_pa >= mm->entries[i].host_pa &&
			    di->rx_ring_pa < mm->entries[i].host_pa +
			    mm->entries[i].length)
				break;
			off += mm->entries[i].length;
		}
		r = (struct avp_ring *)((uint8_t *)b->addr[AVP_BAR_SHMEM] +
			off + (di->rx_ring_pa - mm->entries[i].host_pa));
		r->nslots = 1u << 20;
		break;
	case IMG_MAP_BAR2:
		mm->entries[0].length = b->len[AVP_BAR_SHMEM] + 4096;
		break;
	case IMG_BUF_SMALL:
		di->pools[0].length = 100;
		break;
	case IMG_MAC_MCAST:
		di->mac[0] |= 1;
		break;
	case IMG_BUF_SIZE_0:
		di->buf_data_size = 0;
		break;
	case IMG_RXQ_MAX_9:
		di->rx_queues_max = 9;
		break;
	case IMG_TXQ_MAX_0:
		di->tx_queues_max = 0;
		break;
	case IMG_MAX_FRAME:
		di->max_frame_len = 10;
		break;
	case IMG_MAP_COUNT_BAR4:
		/* more entries than BAR 4 holds */
		mm->count = (uint32_t)((b->len[AVP_BAR_MEMMAP] - 16) / 24 + 1);
		break;
	default:
		break;
	}
}

static int
test_validation(void)
{
	struct avp_emu_bars b;
	struct tport *t;
	unsigned int k;
	int ret;

	t = tport_new(NULL);
	ASSERT_NOT_NULL(t, "port");
	for (k = 0; k < IMG_COUNT; k++) {
		TEST_ASSERT_SUCCESS(port_fresh(t), "mutation %u", k);
		TEST_ASSERT_SUCCESS(avp_emu_port_bars(t->ep, &b), "bars");
		img_mutate(&b, k);
		avp_emu_bars_unmap(&b);
		ret = tport_probe(t);
		t->probed = 0;
		TEST_ASSERT(ret < 0, "image mutation %u accepted", k);
	}
	TEST_ASSERT_SUCCESS(port_fresh(t), "fresh");
	TEST_ASSERT_SUCCESS(tport_probe(t), "clean image");
	return case_end();
}

/*
 * A probe during a migration detach: acknowledged, refused. (The
 * acknowledgement itself is checked on the PCI path: the emulator
 * clears mig_ack as soon as a socket guest leaves.)
 */
static int
test_probe_while_detached(void)
{
	struct avp_emu_bars b;
	struct tport *t;
	int ret;

	t = tport_new(NULL);
	ASSERT_NOT_NULL(t, "port");
	TEST_ASSERT_SUCCESS(avp_emu_port_set_mig_status(t->ep, AVP_MIG_DETACHED,
		0), "mig_status");
	TEST_ASSERT_SUCCESS(avp_emu_port_bars(t->ep, &b), "bars");
	ret = tport_probe(t);
	t->probed = 0;
	avp_emu_bars_unmap(&b);
	TEST_ASSERT_EQUAL(ret, -EBUSY, "probe while detached: %d", ret);
	TEST_ASSERT_SUCCESS(port_fresh(t), "fresh");
	TEST_ASSERT_SUCCESS(tport_probe(t), "clean image");
	return case_end();
}

/* ---- rings and descriptors ---- */

static int
test_fault_ring_index(void)
{
	struct avp_emu_port_state st;
	struct rte_mbuf *m[64];
	struct tport *t;

	t = tport_new(NULL);
	ASSERT_NOT_NULL(t, "port");
	TEST_ASSERT_SUCCESS(avp_emu_port_fault(t->ep, AVP_EMU_FAULT_RING_INDEX,
		0, 0), "fault");
	TEST_ASSERT_SUCCESS(tport_probe(t), "probe");
	TEST_ASSERT_SUCCESS(port_start(t->port, &conf1), "start");
	/* prod_idx = N + 3: the ring is not used, each look is counted */
	TEST_ASSERT_EQUAL(rte_eth_rx_burst(t->port, 0, m, 64), 0, "nothing");
	ASSERT_XSTAT(t->port, "rx_invalid_desc_errors", 1);
	TEST_ASSERT_EQUAL(rte_eth_rx_burst(t->port, 0, m, 64), 0, "nothing");
	ASSERT_XSTAT(t->port, "rx_invalid_desc_errors", 2);
	avp_emu_port_state_get(t->ep, &st);
	TEST_ASSERT(st.configured, "the port still works otherwise");
	return case_end();
}

static const struct {
	enum avp_emu_fault f;
	const char *xs;
	uint32_t len;
	uint8_t nsegs;
} desc_faults[] = {
	{ AVP_EMU_FAULT_DESC_HANDLE, "rx_invalid_desc_errors", 200, 1 },
	{ AVP_EMU_FAULT_DESC_DATA_VA, "rx_invalid_desc_errors", 200, 1 },
	{ AVP_EMU_FAULT_DESC_NEXT_VA, "rx_invalid_desc_errors", 200, 1 },
	{ AVP_EMU_FAULT_DESC_NEXT_VA, "rx_invalid_desc_errors", 3000, 2 },
	{ AVP_EMU_FAULT_DESC_SEG_LEN, "rx_invalid_desc_errors", 200, 1 },
	{ AVP_EMU_FAULT_DESC_SEG_LEN, "rx_invalid_desc_errors", 3000, 2 },
	{ AVP_EMU_FAULT_DESC_CHAIN_LONG, "rx_invalid_desc_errors", 600, 1 },
	{ AVP_EMU_FAULT_DESC_CHAIN_CYCLE, "rx_invalid_desc_errors", 600, 2 },
	{ AVP_EMU_FAULT_DESC_FRAME_LEN, "rx_invalid_desc_errors", 200, 1 },
	{ AVP_EMU_FAULT_DESC_FRAME_LEN, "rx_invalid_desc_errors", 3000, 2 },
	{ AVP_EMU_FAULT_DESC_OVERSIZE, "rx_oversize_errors", 200, 1 },
};

/* Each descriptor fault on the next delivered frame: dropped, counted. */
static int
check_desc_fault(struct tport *t, unsigned int i)
{
	enum avp_emu_fault f = desc_faults[i].f;
	const char *xs = desc_faults[i].xs;
	uint32_t len = desc_faults[i].len;
	struct avp_emu_inject_opts o = { .queue = -1 };
	struct rte_mbuf *m;
	uint64_t before = 0, after = 0;
	int same;

	if (desc_faults[i].nsegs > 1) {
		o.flags = AVP_EMU_INJ_SEGS;
		o.nsegs = desc_faults[i].nsegs;
	}
	TEST_ASSERT_SUCCESS(xstat(t->port, xs, &before), "xstat");
	TEST_ASSERT_SUCCESS(avp_emu_port_fault(t->ep, f, 0, 1), "fault");
	fill_frame(fbuf, len, tport_mac(t), f);
	TEST_ASSERT_SUCCESS(inject(t, fbuf, len, &o), "inject bad");
	fill_frame(fbuf, 100, tport_mac(t), f + 1);
	TEST_ASSERT_SUCCESS(inject(t, fbuf, 100, NULL), "inject good");
	TEST_ASSERT_EQUAL(rx_wait(t->port, 0, &m, 1), 1u,
		"%s: the good frame", avp_emu_fault_name(f));
	same = mbuf_equals(m, fbuf, 100);
	rte_pktmbuf_free(m);
	TEST_ASSERT(same, "%s: good frame bytes", avp_emu_fault_name(f));
	TEST_ASSERT_SUCCESS(avp_emu_wait_rx_drained(t->ep, WAIT_MS),
		"%s: buffers back", avp_emu_fault_name(f));
	TEST_ASSERT_EQUAL(rte_eth_rx_burst(t->port, 0, &m, 1), 0,
		"%s: nothing else", avp_emu_fault_name(f));
	TEST_ASSERT_SUCCESS(xstat(t->port, xs, &after), "xstat");
	TEST_ASSERT_EQUAL(after, before + 1, "%s: %s %" PRIu64 " -> %" PRIu64,
		avp_emu_fault_name(f), xs, before, after);
	return 0;
}

/* Every descriptor fault on the scattered path. */
static int
test_fault_descriptors(void)
{
	struct tport *t;
	unsigned int i;

	t = tport_up(NULL, AVP_EMU_MODE_CAPTURE, &conf_jumbo);
	ASSERT_NOT_NULL(t, "port");
	for (i = 0; i < RTE_DIM(desc_faults); i++)
		TEST_ASSERT_SUCCESS(check_desc_fault(t, i),
			"scattered case %u", i);
	return case_end();
}

/* Simple path: every descriptor fault that fits one buffer. */
static int
test_fault_descriptors_simple(void)
{
	struct tport *s;
	unsigned int i;

	s = tport_up(NULL, AVP_EMU_MODE_CAPTURE, &conf1);
	ASSERT_NOT_NULL(s, "simple port");
	for (i = 0; i < RTE_DIM(desc_faults); i++) {
		if (desc_faults[i].len > 2048)
			continue;
		TEST_ASSERT_SUCCESS(check_desc_fault(s, i),
			"simple case %u", i);
	}
	return case_end();
}

/* Dirty buffers and bogus handles on the alloc ring. */
static int
test_fault_alloc(void)
{
	struct avp_emu_port_params p;
	struct rte_mbuf *m;
	struct tport *t;
	uint64_t inv = 0, end;
	unsigned int i, got = 0;

	params_default(&p);
	p.ring_slots = 32;
	t = tport_up(&p, AVP_EMU_MODE_CAPTURE, &conf_jumbo);
	ASSERT_NOT_NULL(t, "port");
	TEST_ASSERT_SUCCESS(avp_emu_port_fault(t->ep, AVP_EMU_FAULT_ALLOC_DIRTY,
		0, 20), "dirty");
	TEST_ASSERT_SUCCESS(avp_emu_port_fault(t->ep, AVP_EMU_FAULT_ALLOC_HANDLE,
		0, 5), "bogus handles");
	/* cycle the 32-slot alloc ring several times */
	for (i = 0; i < 200; i++) {
		uint32_t len = i % 3 ? 150 : 3000;
		uint16_t sent;

		fill_frame(fbuf, len, peer_mac, i);
		m = mbuf_from(pool, fbuf, len, NULL, 0);
		ASSERT_NOT_NULL(m, "mbuf");
		end = now_ms() + WAIT_MS;
		while ((sent = rte_eth_tx_burst(t->port, 0, &m, 1)) != 1 &&
		       now_ms() < end)
			rte_delay_us_sleep(20);
		if (sent != 1)
			rte_pktmbuf_free(m);
		TEST_ASSERT_EQUAL(sent, 1, "frame %u not taken in %u ms", i,
			WAIT_MS);
		TEST_ASSERT_SUCCESS(avp_emu_wait_captured(t->ep, 1, WAIT_MS),
			"frame %u captured", i);
		TEST_ASSERT_EQUAL(avp_emu_capture_pop(t->ep, &cap), 1, "pop");
		TEST_ASSERT_EQUAL(cap.len, len, "frame %u length %u", i,
			cap.len);
		TEST_ASSERT_EQUAL(memcmp(cap.data, fbuf, len), 0,
			"frame %u bytes", i);
		TEST_ASSERT_EQUAL(cap.flags, 0, "frame %u flags (dirty buffer)",
			i);
		got++;
	}
	TEST_ASSERT_EQUAL(got, 200u, "frames");
	TEST_ASSERT_SUCCESS(xstat(t->port, "tx_invalid_desc_errors", &inv),
		"xstat");
	TEST_ASSERT_EQUAL(inv, 5u, "bogus alloc handles skipped: %" PRIu64, inv);
	return case_end();
}

/* ---- control requests ---- */

/*
 * After a failed request: the control counters as expected, and then
 * everything works.
 */
static int
ctrl_recovers(struct tport *t, uint64_t errors, uint64_t stale)
{
	ASSERT_XSTAT(t->port, "ctrl_request_errors", errors);
	ASSERT_XSTAT(t->port, "ctrl_stale_replies", stale);
	TEST_ASSERT_SUCCESS(port_start(t->port, &conf1), "start");
	TEST_ASSERT_SUCCESS(avp_emu_port_set_mode(t->ep, AVP_EMU_MODE_LOOPBACK,
		NULL), "mode");
	TEST_ASSERT_SUCCESS(loop_one(t, 128), "traffic");
	return 0;
}

/* No reply: the request times out, bounded. */
static int
test_fault_control(void)
{
	struct rte_eth_conf conf;
	struct tport *t;
	uint64_t t0, ms;
	int ret;

	memset(&conf, 0, sizeof(conf));
	t = tport_create(NULL);
	ASSERT_NOT_NULL(t, "probe");
	TEST_ASSERT_SUCCESS(avp_emu_port_fault(t->ep, AVP_EMU_FAULT_CTRL_NO_REPLY,
		0, 1), "fault");
	t0 = now_ms();
	ret = rte_eth_dev_configure(t->port, 1, 1, &conf);
	ms = now_ms() - t0;
	TEST_ASSERT_EQUAL(ret, -ETIME, "no reply: %d", ret);
	/* waited the whole timeout; an upper bound only against a hang */
	TEST_ASSERT(ms >= CTRL_TIMEOUT_MS - 50 && ms < CTRL_TIMEOUT_MS + WAIT_MS,
		"timeout after %" PRIu64 " ms", ms);
	TEST_ASSERT_SUCCESS(ctrl_recovers(t, 1, 0), "after no reply");
	return case_end();
}

/*
 * A late reply: the next request drains it, then succeeds. The test waits
 * for the reply itself, so that what the next request finds does not
 * depend on how fast the machine is; the reply comes long after the
 * driver's timeout for the same reason.
 */
static int
test_fault_control_late_reply(void)
{
	struct avp_emu_port_stats st;
	struct rte_eth_conf conf;
	struct tport *t;
	uint64_t replies, end;
	int ret;

	memset(&conf, 0, sizeof(conf));
	t = tport_create(NULL);
	ASSERT_NOT_NULL(t, "probe");
	TEST_ASSERT_SUCCESS(avp_emu_port_fault(t->ep,
		AVP_EMU_FAULT_CTRL_LATE_REPLY, CTRL_TIMEOUT_MS + 700, 1),
		"fault");
	avp_emu_port_stats_get(t->ep, &st);
	replies = st.ctrl_replies;
	ret = rte_eth_dev_configure(t->port, 1, 1, &conf);
	TEST_ASSERT_EQUAL(ret, -ETIME, "late reply: %d", ret);
	end = now_ms() + WAIT_MS;
	do {
		rte_delay_us_sleep(1000);
		avp_emu_port_stats_get(t->ep, &st);
	} while (st.ctrl_replies == replies && now_ms() < end);
	TEST_ASSERT(st.ctrl_replies > replies, "no late reply in %u ms",
		WAIT_MS);
	TEST_ASSERT_SUCCESS(rte_eth_dev_configure(t->port, 1, 1, &conf),
		"after a late reply");
	TEST_ASSERT_SUCCESS(ctrl_recovers(t, 1, 1), "after a late reply");
	return case_end();
}

static int
test_fault_control_bad_token(void)
{
	struct rte_eth_conf conf;
	struct tport *t;
	int ret;

	memset(&conf, 0, sizeof(conf));
	t = tport_create(NULL);
	ASSERT_NOT_NULL(t, "probe");
	TEST_ASSERT_SUCCESS(avp_emu_port_fault(t->ep,
		AVP_EMU_FAULT_CTRL_BAD_TOKEN, 0, 1), "fault");
	ret = rte_eth_dev_configure(t->port, 1, 1, &conf);
	TEST_ASSERT_EQUAL(ret, -ENODATA, "bad token: %d", ret);
	TEST_ASSERT_SUCCESS(ctrl_recovers(t, 1, 0), "after a bad token");
	return case_end();
}

/* The host's status is the answer. */
static int
test_fault_control_status(void)
{
	struct rte_eth_conf conf;
	struct tport *t;
	int ret;

	memset(&conf, 0, sizeof(conf));
	t = tport_create(NULL);
	ASSERT_NOT_NULL(t, "probe");
	TEST_ASSERT_SUCCESS(avp_emu_port_fault(t->ep, AVP_EMU_FAULT_CTRL_STATUS,
		(uint64_t)-EOPNOTSUPP, 1), "fault");
	ret = rte_eth_dev_configure(t->port, 1, 1, &conf);
	TEST_ASSERT_EQUAL(ret, -EOPNOTSUPP, "host status: %d", ret);
	TEST_ASSERT_SUCCESS(ctrl_recovers(t, 1, 0), "after a refusal");
	return case_end();
}

struct unit_test_suite avp_faults_suite = {
	.suite_name = "host faults",
	.unit_test_cases = {
		AVPT_CASE(test_fault_images),
		AVPT_CASE(test_fault_images_good),
		AVPT_CASE(test_validation),
		AVPT_CASE(test_probe_while_detached),
		AVPT_CASE(test_fault_ring_index),
		AVPT_CASE(test_fault_descriptors),
		AVPT_CASE(test_fault_descriptors_simple),
		AVPT_CASE(test_fault_alloc),
		AVPT_CASE(test_fault_control),
		AVPT_CASE(test_fault_control_late_reply),
		AVPT_CASE(test_fault_control_bad_token),
		AVPT_CASE(test_fault_control_status),
		TEST_CASES_END()
	}
};
