/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The AVP PMD authors
 */

/* Unit tests of the AVP host emulator, driven by the raw test guest. */

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>

#include "avp_abi.h"
#include "avp_attach_proto.h"
#include "avp_emu.h"
#include "avp_emu_compiler.h"
#include "avp_emu_ring.h"
#include "avp_test_guest.h"

#define WAIT_MS		3000

#define CHECK(cond, ...) do { \
	if (!(cond)) { \
		printf("  FAIL %s:%d: %s: ", __func__, __LINE__, #cond); \
		printf(__VA_ARGS__); \
		printf("\n"); \
		return -1; \
	} \
} while (0)

struct fx {
	struct avp_emu *emu;
	struct avp_emu_port *port;
	struct avp_tg g;
	int guest;
};

typedef void (*prep_fn)(struct avp_emu_port_params *p);

struct tcase {
	const char *name;
	int (*fn)(struct fx *x);
	prep_fn prep;
	int open_guest;
};

static uint8_t rbuf[AVP_EMU_FRAME_MAX + 64];
static struct avp_emu_frame cf;

static void
t_fill(uint8_t *b, uint32_t len, uint8_t seed)
{
	uint32_t i;

	for (i = 0; i < len; i++)
		b[i] = (uint8_t)(seed + i * 7);
}

static uint64_t
t_viol(struct avp_emu_port *port, enum avp_emu_violation v)
{
	struct avp_emu_port_stats st;

	avp_emu_port_stats_get(port, &st);
	return st.violations[v];
}

/* Bounded polling wait for a violation counter (the service thread
 * checks asynchronously).
 */
static int
t_wait_viol(struct avp_emu_port *port, enum avp_emu_violation v, uint64_t n)
{
	uint64_t deadline = avp_tg_now_ms() + WAIT_MS;

	while (t_viol(port, v) < n) {
		if (avp_tg_now_ms() > deadline)
			return -ETIMEDOUT;
		usleep(200);
	}
	return 0;
}

static int
t_wait_stat(struct avp_emu_port *port, size_t off, uint64_t n)
{
	uint64_t deadline = avp_tg_now_ms() + WAIT_MS;
	struct avp_emu_port_stats st;

	for (;;) {
		avp_emu_port_stats_get(port, &st);
		if (*(const uint64_t *)(const void *)((const uint8_t *)&st +
				off) >= n)
			return 0;
		if (avp_tg_now_ms() > deadline)
			return -ETIMEDOUT;
		usleep(200);
	}
}

#define WAIT_STAT(port, field, n) \
	t_wait_stat(port, offsetof(struct avp_emu_port_stats, field), n)

static int
fx_up(struct fx *x, prep_fn prep, int open_guest)
{
	struct avp_emu_port_params p;

	memset(x, 0, sizeof(*x));
	x->emu = avp_emu_create();
	if (x->emu == NULL)
		return -ENOMEM;
	avp_emu_set_log(x->emu, stderr, getenv("AVP_EMU_LOG") != NULL ?
		atoi(getenv("AVP_EMU_LOG")) : -1);
	avp_emu_port_params_default(&p, 0);
	if (prep != NULL)
		prep(&p);
	x->port = avp_emu_port_create(x->emu, &p);
	if (x->port == NULL || avp_emu_start(x->emu) != 0)
		return -EINVAL;
	if (open_guest) {
		if (avp_tg_open_port(&x->g, x->port) != 0)
			return -EIO;
		x->guest = 1;
	}
	return 0;
}

static void
fx_down(struct fx *x)
{
	if (x->guest)
		avp_tg_close(&x->g);
	avp_emu_destroy(x->emu);
}

/* ---------------------------------------------------------------- */

static int
t_ring(struct fx *x)
{
	uint8_t mem[AVP_RING_BYTES(8)] __emu_aligned(8);
	struct avp_ring *r = (struct avp_ring *)(void *)mem;
	struct emu_ring prod, cons;
	uint32_t i, k, idx;

	(void)x;
	emu_ring_init(&prod, r, 8, NULL);
	cons = prod;
	CHECK(r->nslots == 8 && r->slot_bytes == 8 && r->prod_idx == 0 &&
		r->cons_idx == 0, "init");
	CHECK(emu_ring_room(&prod, r->cons_idx) == 7, "empty room N-1");
	CHECK(emu_ring_avail(&cons, r->prod_idx) == 0, "empty");
	for (i = 0; i < 7; i++)
		emu_ring_put(&prod, 100 + i);
	emu_ring_publish_prod(&prod);
	CHECK(emu_ring_room(&prod, r->cons_idx) == 0, "full at N-1");
	CHECK(((r->prod_idx + 1) & 7) == r->cons_idx, "full condition");
	CHECK(emu_ring_avail(&cons, r->prod_idx) == 7, "7 elements");
	for (i = 0; i < 7; i++)
		CHECK(emu_ring_get(&cons) == 100 + i, "fifo order %u", i);
	emu_ring_publish_cons(&cons);
	CHECK(emu_ring_avail(&cons, r->prod_idx) == 0, "empty again");
	CHECK(r->prod_idx == 7 && r->cons_idx == 7, "positions");
	/* wrap-around many times */
	for (k = 0; k < 50; k++) {
		for (i = 0; i < 5; i++)
			emu_ring_put(&prod, k * 10 + i);
		emu_ring_publish_prod(&prod);
		CHECK(r->prod_idx < 8, "index masked");
		CHECK(emu_ring_avail(&cons, r->prod_idx) == 5, "5 after wrap");
		for (i = 0; i < 5; i++)
			CHECK(emu_ring_get(&cons) == k * 10 + i, "wrap order");
		emu_ring_publish_cons(&cons);
	}
	CHECK(emu_ring_peer_idx(&r->prod_idx, 7, &idx) == 0, "valid idx");
	r->prod_idx = 9;
	CHECK(emu_ring_peer_idx(&r->prod_idx, 7, &idx) != 0 && idx == 9,
		"index >= nslots refused");
	return 0;
}

static int
t_device(struct fx *x)
{
	struct avp_tg *g = &x->g;
	const struct avp_memmap *mm = g->memmap;
	const struct avp_devinfo *di = g->devinfo;
	struct avp_emu_port_state s;
	unsigned int q;

	CHECK(mm->magic == AVP_MEMMAP_MAGIC && mm->version == 1, "memmap");
	CHECK(mm->count >= 2, "two regions");
	CHECK(mm->entries[1].host_pa > mm->entries[0].host_pa +
		mm->entries[0].length, "regions not adjacent");
	CHECK(di->magic == AVP_DEVINFO_MAGIC &&
		di->version == AVP_HOST_VERSION, "devinfo magic/version");
	CHECK(di->mode == AVP_MODE_GUEST && di->buf_data_size == 2048 &&
		di->max_frame_len == 9238, "devinfo defaults");
	CHECK(di->rx_queues_max == 8 && di->tx_queues_max == 8 &&
		di->rx_queues_min == 1, "queue limits");
	CHECK(di->instance_id != 0, "instance id");
	CHECK(di->pools[0].host_va == di->buf_region_va &&
		di->pools[0].host_pa == di->buf_region_pa, "pools[0]");
	CHECK(memcmp(di->mac, "\x02\x41\x56\x50\x00\x00", 6) == 0, "mac");
	/* host VA is the host's own mapping, not the guest's */
	CHECK(di->buf_region_va != (uint64_t)(uintptr_t)g->buf_base,
		"host VA differs from guest VA");
	CHECK(x->g.bars.len[AVP_BAR_REGS] == 4096 &&
		x->g.bars.len[AVP_BAR_MEMMAP] == 65536 &&
		x->g.bars.len[AVP_BAR_DEVINFO] == 4096 &&
		x->g.bars.addr[AVP_BAR_MSIX] == NULL, "BAR sizes");
	CHECK((x->g.bars.len[AVP_BAR_SHMEM] &
		(x->g.bars.len[AVP_BAR_SHMEM] - 1)) == 0, "BAR 2 power of 2");
	for (q = 0; q < AVP_MAX_QUEUES; q++) {
		CHECK(g->tx[q] && g->tx[q]->nslots == 1024 &&
			g->tx[q]->slot_bytes == 8, "tx ring %u", q);
		CHECK(g->rx[q] && g->alloc[q] && g->free[q], "rings %u", q);
	}
	CHECK(g->req->nslots == 16 && g->resp->nslots == 16, "ctrl rings");
	avp_emu_port_state_get(x->port, &s);
	CHECK(!s.configured && s.mig_status == 0, "initial state");
	CHECK(s.irq_mask == AVP_IRQ_MASK_ALL, "guest wrote irq_mask");
	CHECK(strcmp(avp_emu_port_name(x->port), "avp0") == 0, "name");
	return 0;
}

static int
t_requests(struct fx *x)
{
	struct avp_tg *g = &x->g;
	struct avp_emu_port_state s;
	struct avp_emu_port_stats st;
	uint32_t max_frame = g->devinfo->max_frame_len;

	CHECK(avp_tg_configure(g, 9, 1, 0, 0) == -22, "tx_queues > max");
	CHECK(avp_tg_configure(g, 1, 0, 0, 0) == -22, "rx_queues < min");
	CHECK(avp_tg_configure(g, 1, 9, 0, 0) == -22, "rx_queues > max");
	avp_emu_port_state_get(x->port, &s);
	CHECK(!s.configured, "rejected CONFIGURE leaves it unconfigured");
	CHECK(avp_tg_configure(g, 0, 1, 0, 0) == 0, "tx_queues 0 is legal");
	CHECK(avp_tg_configure(g, 8, 8, AVP_FEAT_VLAN_OFFLOAD, 0) == 0,
		"max queues");
	avp_emu_port_state_get(x->port, &s);
	CHECK(s.configured && !s.link_up && s.cfg.tx_queues == 8 &&
		s.cfg.rx_queues == 8 && s.cfg.features == 1 &&
		s.cfg.drv_kind == AVP_DRV_KIND_DPDK &&
		s.cfg.drv_version == AVP_GUEST_VERSION &&
		s.cfg.instance_id == s.instance_id, "cfg recorded");
	CHECK(avp_tg_set_link(g, 1) == 0, "SET_LINK 1");
	CHECK(avp_emu_wait_link(x->port, 1, WAIT_MS) == 0, "link up");
	CHECK(avp_tg_set_link(g, 0) == 0, "SET_LINK 0");
	avp_emu_port_state_get(x->port, &s);
	CHECK(!s.link_up && s.configured, "link down");
	CHECK(avp_tg_set_mtu(g, 68) == 0, "MTU 68");
	CHECK(avp_tg_set_mtu(g, max_frame - 18) == 0, "MTU max_frame-18");
	avp_emu_port_state_get(x->port, &s);
	CHECK(s.mtu == max_frame - 18, "mtu recorded");
	CHECK(avp_tg_set_mtu(g, 67) == -22, "MTU 67");
	CHECK(avp_tg_set_mtu(g, max_frame - 17) == -22, "MTU max_frame-17");
	CHECK(avp_tg_op(g, 7) == -22, "unknown op");
	CHECK(avp_tg_op(g, AVP_OP_NONE) == -22, "op NONE");
	CHECK(avp_tg_configure(g, 1, 1, 0, 1) == 0, "CONFIGURE link up");
	avp_emu_port_state_get(x->port, &s);
	CHECK(s.link_up && s.configured, "CONFIGURE link_up 1");
	CHECK(avp_tg_close_port(g) == 0, "SHUTDOWN");
	avp_emu_port_state_get(x->port, &s);
	CHECK(!s.configured && !s.link_up, "shut down");
	CHECK(s.irq_mask == 0, "irq_mask 0 at close");
	avp_emu_port_stats_get(x->port, &st);
	CHECK(st.requests[AVP_OP_CONFIGURE] == 6, "configures %" PRIu64,
		st.requests[AVP_OP_CONFIGURE]);
	CHECK(st.requests[AVP_OP_SET_LINK] == 2, "set_link");
	CHECK(st.requests[AVP_OP_SET_MTU] == 4, "set_mtu");
	CHECK(st.requests[AVP_OP_SHUTDOWN] == 1, "shutdown");
	CHECK(st.requests[AVP_OP_NONE] == 1 &&
		st.requests[AVP_OP_LIMIT] == 1, "none/unknown");
	CHECK(st.requests_rejected == 7, "rejected %" PRIu64,
		st.requests_rejected);
	CHECK(st.violations[AVP_EMU_V_CTRL_REQUEST] == 7, "ctrl_request");
	CHECK(st.irq_mask_writes >= 2, "irq_mask writes");
	CHECK(st.ctrl_replies == 15, "replies %" PRIu64, st.ctrl_replies);
	CHECK(st.ctrl_reply_max_us < 500000, "reply within the guest timeout");
	return 0;
}

static int
t_up(struct avp_tg *g, uint16_t txq, uint16_t rxq, uint32_t feat)
{
	return avp_tg_configure(g, txq, rxq, feat, 1);
}

static int
t_capture(struct fx *x)
{
	static const uint32_t sizes[] = { 60, 1514, 2048, 2049, 9000, 0 };
	static uint8_t f[10000];
	struct avp_tg *g = &x->g;
	unsigned int i, q;

	CHECK(t_up(g, 4, 1, 0) == 0, "configure");
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		q = i % 4;
		t_fill(f, sizes[i], (uint8_t)i);
		CHECK(avp_tg_tx(g, q, f, sizes[i], 0, 0, 0) == 0, "tx %u", i);
		CHECK(avp_emu_wait_captured(x->port, 1, WAIT_MS) == 0,
			"captured %u", i);
		CHECK(avp_emu_capture_pop(x->port, &cf) == 1, "pop");
		CHECK(cf.len == sizes[i] && cf.queue == q &&
			memcmp(cf.data, f, sizes[i]) == 0, "bytes %u", i);
		CHECK(cf.nsegs == (sizes[i] == 0 ? 1 :
			(sizes[i] + 2047) / 2048), "nsegs %u", cf.nsegs);
	}
	/* chained transmit of a small frame */
	t_fill(f, 300, 9);
	CHECK(avp_tg_tx(g, 0, f, 300, 5, 0, 0) == 0, "tx chained");
	CHECK(avp_emu_wait_captured(x->port, 1, WAIT_MS) == 0, "captured");
	CHECK(avp_emu_capture_pop(x->port, &cf) == 1 && cf.nsegs == 5 &&
		cf.len == 300 && memcmp(cf.data, f, 300) == 0, "chain bytes");
	CHECK(avp_emu_capture_pop(x->port, &cf) == 0, "queue empty");
	/* many frames: buffers are recycled and alloc restocked */
	for (i = 0; i < 5000; i++) {
		uint64_t deadline = avp_tg_now_ms() + WAIT_MS;

		while (avp_tg_tx(g, 1, f, 100, 0, 0, 0) != 0) {
			CHECK(avp_tg_now_ms() < deadline, "alloc restocked");
			usleep(100);
		}
		if (i % 512 == 511) {
			CHECK(avp_emu_wait_captured(x->port, 512, WAIT_MS) == 0,
				"batch");
			while (avp_emu_capture_pop(x->port, &cf) == 1)
				;
		}
	}
	CHECK(avp_emu_port_violations(x->port) == 0, "no violations");
	return 0;
}

static int
t_loopback(struct fx *x)
{
	static uint8_t f[9000];
	struct avp_tg *g = &x->g;
	struct avp_tg_rxinfo info;
	static const uint32_t sizes[] = { 60, 2048, 4000, 9000 };
	unsigned int i;
	int n;

	CHECK(avp_emu_port_set_mode(x->port, AVP_EMU_MODE_LOOPBACK, NULL) == 0,
		"mode");
	CHECK(t_up(g, 1, 2, 0) == 0, "configure");
	for (i = 0; i < 4; i++) {
		t_fill(f, sizes[i], (uint8_t)(i * 3));
		CHECK(avp_tg_tx(g, 0, f, sizes[i], 0, 0, 0) == 0, "tx");
		n = avp_tg_rx_wait(g, 2, rbuf, sizeof(rbuf), &info, WAIT_MS);
		CHECK(n == (int)sizes[i], "rx len %d", n);
		CHECK(memcmp(rbuf, f, sizes[i]) == 0, "bytes");
		CHECK(info.nsegs == (sizes[i] + 2047) / 2048, "segments");
		CHECK(info.queue == i % 2, "round-robin rx queue %u", i);
	}
	CHECK(avp_emu_wait_rx_drained(x->port, WAIT_MS) == 0, "drained");
	CHECK(avp_emu_port_violations(x->port) == 0, "no violations");
	return 0;
}

static int
t_xconnect(struct fx *x)
{
	static uint8_t f[3000];
	struct avp_emu_port *b;
	struct avp_tg gb;
	struct avp_tg_rxinfo info;
	int n, ret = -1;

	b = avp_emu_port_create(x->emu, NULL);
	CHECK(b != NULL, "second port");
	CHECK(strcmp(avp_emu_port_name(b), "avp1") == 0, "default name");
	CHECK(avp_tg_open_port(&gb, b) == 0, "guest b");
	if (avp_emu_port_set_mode(x->port, AVP_EMU_MODE_XCONNECT, b) != 0 ||
			avp_emu_port_set_mode(b, AVP_EMU_MODE_XCONNECT,
			x->port) != 0 || t_up(&x->g, 1, 1, 0) != 0 ||
			t_up(&gb, 1, 1, 0) != 0) {
		printf("  FAIL xconnect set-up\n");
		goto out;
	}
	t_fill(f, sizeof(f), 1);
	avp_tg_tx(&x->g, 0, f, sizeof(f), 0, 0, 0);
	n = avp_tg_rx_wait(&gb, 1, rbuf, sizeof(rbuf), &info, WAIT_MS);
	if (n != (int)sizeof(f) || memcmp(rbuf, f, sizeof(f)) != 0) {
		printf("  FAIL a->b %d\n", n);
		goto out;
	}
	t_fill(f, 100, 2);
	avp_tg_tx(&gb, 0, f, 100, 0, 0, 0);
	n = avp_tg_rx_wait(&x->g, 1, rbuf, sizeof(rbuf), &info, WAIT_MS);
	if (n != 100 || memcmp(rbuf, f, 100) != 0) {
		printf("  FAIL b->a %d\n", n);
		goto out;
	}
	if (avp_emu_port_violations(b) != 0 ||
			avp_emu_port_violations(x->port) != 0) {
		printf("  FAIL violations\n");
		goto out;
	}
	ret = 0;
out:
	avp_tg_close(&gb);
	avp_emu_port_destroy(b);
	return ret;
}

static int
t_gen(struct fx *x)
{
	static const uint16_t sizes[] = { 64, 1000, 3000 };
	struct avp_emu_gen_params gp = { sizes, 3, 30, 4 };
	struct avp_emu_port_stats st;
	struct avp_tg_rxinfo info;
	uint64_t seq, next[2] = { 0, 0 };
	unsigned int i;
	int n, have[2] = { 0, 0 };

	CHECK(avp_emu_port_set_mode(x->port, AVP_EMU_MODE_GEN, NULL) == 0,
		"mode");
	CHECK(avp_emu_port_set_gen(x->port, &gp) == 0, "gen params");
	CHECK(t_up(&x->g, 1, 2, 0) == 0, "configure");
	for (i = 0; i < 30; i++) {
		n = avp_tg_rx_wait(&x->g, 2, rbuf, sizeof(rbuf), &info,
			WAIT_MS);
		CHECK(n > 0, "frame %u: %d", i, n);
		CHECK(avp_emu_frame_verify(rbuf, (uint32_t)n, &seq) == 0,
			"verify %u", i);
		CHECK(n == sizes[seq % 3],
			"size in turn: seq %" PRIu64 " len %d", seq, n);
		CHECK(memcmp(rbuf, x->g.devinfo->mac, 6) == 0, "to port MAC");
		CHECK(!have[info.queue] || seq > next[info.queue],
			"order within a ring");
		next[info.queue] = seq;
		have[info.queue] = 1;
	}
	CHECK(avp_emu_wait_rx_drained(x->port, WAIT_MS) == 0, "drained");
	avp_emu_port_stats_get(x->port, &st);
	CHECK(st.gen_frames == 30, "count honoured: %" PRIu64,
		st.gen_frames);
	CHECK(st.rx_frames[0] > 0 && st.rx_frames[1] > 0, "both rings");
	CHECK(avp_emu_port_violations(x->port) == 0, "no violations");
	return 0;
}

static int
t_sink(struct fx *x)
{
	static uint8_t f[1500];
	static const uint8_t dst[6] = { 2, 0, 0, 0, 0, 9 };
	struct avp_emu_port_stats st;
	uint64_t seq;

	CHECK(avp_emu_port_set_mode(x->port, AVP_EMU_MODE_SINK, NULL) == 0,
		"mode");
	CHECK(t_up(&x->g, 1, 1, AVP_FEAT_VLAN_OFFLOAD) == 0, "configure");
	for (seq = 0; seq < 10; seq++) {
		if (seq == 5)
			continue;
		avp_emu_frame_build(f, 60 + (uint32_t)seq * 100, seq, dst,
			x->g.devinfo->mac);
		CHECK(avp_emu_frame_verify(f, 60 + (uint32_t)seq * 100, NULL)
			== 0, "built frame verifies");
		CHECK(avp_tg_tx(&x->g, 0, f, 60 + (uint32_t)seq * 100, 0,
			seq == 7 ? AVP_DESC_F_TX_VLAN : 0, 5) == 0, "tx");
	}
	avp_emu_frame_build(f, 200, 10, dst, dst);
	f[100] ^= 1;
	CHECK(avp_emu_frame_verify(f, 200, NULL) != 0, "corrupt detected");
	CHECK(avp_tg_tx(&x->g, 0, f, 200, 0, 0, 0) == 0, "tx bad");
	CHECK(WAIT_STAT(x->port, sink_frames, 10) == 0, "sunk");
	avp_emu_port_stats_get(x->port, &st);
	CHECK(st.sink_frames == 10 && st.sink_bad == 1,
		"good/bad %" PRIu64 "/%" PRIu64, st.sink_frames, st.sink_bad);
	CHECK(st.sink_seq_gaps == 1, "gap %" PRIu64, st.sink_seq_gaps);
	CHECK(st.tx_vlan_inserted == 1, "tagged frame verified too");
	CHECK(avp_emu_port_violations(x->port) == 0, "no violations");
	return 0;
}

struct out_rec {
	pthread_mutex_t lock;
	unsigned int n;
	uint32_t len;
	unsigned int queue;
	uint8_t data[2000];
};

static void
t_out_cb(void *arg, struct avp_emu_port *port, unsigned int queue,
		const uint8_t *frame, uint32_t len)
{
	struct out_rec *r = arg;

	(void)port;
	pthread_mutex_lock(&r->lock);
	r->n++;
	r->queue = queue;
	r->len = len;
	memcpy(r->data, frame, len < sizeof(r->data) ? len : sizeof(r->data));
	pthread_mutex_unlock(&r->lock);
}

static int
t_output(struct fx *x)
{
	static struct out_rec rec;
	static uint8_t f[1200];
	uint64_t deadline = avp_tg_now_ms() + WAIT_MS;
	unsigned int n;

	memset(&rec, 0, sizeof(rec));
	pthread_mutex_init(&rec.lock, NULL);
	avp_emu_port_set_output(x->port, t_out_cb, &rec);
	CHECK(avp_emu_port_set_mode(x->port, AVP_EMU_MODE_OUTPUT, NULL) == 0,
		"mode");
	CHECK(t_up(&x->g, 2, 1, 0) == 0, "configure");
	t_fill(f, sizeof(f), 5);
	CHECK(avp_tg_tx(&x->g, 1, f, sizeof(f), 0, 0, 0) == 0, "tx");
	do {
		pthread_mutex_lock(&rec.lock);
		n = rec.n;
		pthread_mutex_unlock(&rec.lock);
		CHECK(avp_tg_now_ms() < deadline, "callback not called");
		if (n == 0)
			usleep(200);
	} while (n == 0);
	CHECK(rec.len == sizeof(f) && rec.queue == 1 &&
		memcmp(rec.data, f, sizeof(f)) == 0, "callback bytes");
	pthread_mutex_destroy(&rec.lock);
	return 0;
}

static void
t_vlan_frame(uint8_t *f, uint32_t len, uint16_t tci)
{
	t_fill(f, len, 3);
	f[12] = 0x81;
	f[13] = 0x00;
	f[14] = (uint8_t)(tci >> 8);
	f[15] = (uint8_t)tci;
	f[16] = 0x08;
	f[17] = 0x00;
}

static int
t_vlan(struct fx *x)
{
	static uint8_t f[200], plain[200];
	struct avp_emu_inject_opts o = { 0, AVP_EMU_INJ_VLAN, 0x0123, 0 };
	struct avp_tg_rxinfo info;
	int n;

	/* offload negotiated: tag stripped into the descriptor */
	CHECK(t_up(&x->g, 1, 1, AVP_FEAT_VLAN_OFFLOAD) == 0, "configure");
	t_vlan_frame(f, sizeof(f), 0xa005);
	CHECK(avp_emu_inject(x->port, f, sizeof(f), NULL) == 0, "inject");
	n = avp_tg_rx_wait(&x->g, 1, rbuf, sizeof(rbuf), &info, WAIT_MS);
	CHECK(n == (int)sizeof(f) - 4, "stripped len %d", n);
	CHECK(info.flags == AVP_DESC_F_RX_VLAN && info.vlan_tci == 0xa005,
		"flags 0x%x tci 0x%x", info.flags, info.vlan_tci);
	memcpy(plain, f, 12);
	memcpy(plain + 12, f + 16, sizeof(f) - 16);
	CHECK(memcmp(rbuf, plain, sizeof(f) - 4) == 0, "stripped bytes");
	/* inject with the tag in the descriptor */
	t_fill(f, 100, 1);
	CHECK(avp_emu_inject(x->port, f, 100, &o) == 0, "inject opts");
	n = avp_tg_rx_wait(&x->g, 1, rbuf, sizeof(rbuf), &info, WAIT_MS);
	CHECK(n == 100 && info.flags == AVP_DESC_F_RX_VLAN &&
		info.vlan_tci == 0x0123, "INJ_VLAN");
	/* transmit insertion */
	t_fill(f, 100, 4);
	CHECK(avp_tg_tx(&x->g, 0, f, 100, 0, AVP_DESC_F_TX_VLAN, 0x0fed) == 0,
		"tx vlan");
	CHECK(avp_emu_wait_captured(x->port, 1, WAIT_MS) == 0, "captured");
	CHECK(avp_emu_capture_pop(x->port, &cf) == 1, "pop");
	CHECK(cf.len == 104 && cf.flags == AVP_DESC_F_TX_VLAN &&
		cf.vlan_tci == 0x0fed, "tx flags");
	CHECK(memcmp(cf.data, f, 12) == 0 && cf.data[12] == 0x81 &&
		cf.data[13] == 0 && cf.data[14] == 0x0f &&
		cf.data[15] == 0xed &&
		memcmp(cf.data + 16, f + 12, 88) == 0, "tag inserted");
	/* offload not negotiated: the tag stays inline */
	CHECK(t_up(&x->g, 1, 1, 0) == 0, "reconfigure");
	t_vlan_frame(f, sizeof(f), 0x0007);
	CHECK(avp_emu_inject(x->port, f, sizeof(f), NULL) == 0, "inject");
	n = avp_tg_rx_wait(&x->g, 1, rbuf, sizeof(rbuf), &info, WAIT_MS);
	CHECK(n == (int)sizeof(f) && info.flags == 0 &&
		memcmp(rbuf, f, sizeof(f)) == 0, "inline tag");
	CHECK(avp_emu_port_violations(x->port) == 0, "no violations");
	return 0;
}

static void
t_prep_novlan(struct avp_emu_port_params *p)
{
	p->no_vlan_offload = 1;
}

static int
t_vlan_not_offered(struct fx *x)
{
	static uint8_t f[100];

	CHECK(x->g.devinfo->features == 0, "no features");
	CHECK(t_up(&x->g, 1, 1, 0) == 0, "configure");
	CHECK(avp_tg_tx(&x->g, 0, f, 100, 0, AVP_DESC_F_TX_VLAN, 1) == 0,
		"tx");
	CHECK(t_wait_viol(x->port, AVP_EMU_V_FLAGS, 1) == 0, "flags violation");
	return 0;
}

static int
t_chained_rx(struct fx *x)
{
	static uint8_t f[9240];
	struct avp_emu_inject_opts o = { 2, AVP_EMU_INJ_SEGS, 0, 4 };
	struct avp_emu_port_stats st;
	struct avp_tg_rxinfo info;
	int n;

	CHECK(t_up(&x->g, 1, 4, 0) == 0, "configure");
	t_fill(f, 5000, 8);
	CHECK(avp_emu_inject(x->port, f, 5000, NULL) == 0, "inject");
	n = avp_tg_rx_wait(&x->g, 4, rbuf, sizeof(rbuf), &info, WAIT_MS);
	CHECK(n == 5000 && info.nsegs == 3 && memcmp(rbuf, f, 5000) == 0,
		"3 segments");
	t_fill(f, 9238, 1);
	CHECK(avp_emu_inject(x->port, f, 9238, NULL) == 0, "inject max");
	n = avp_tg_rx_wait(&x->g, 4, rbuf, sizeof(rbuf), &info, WAIT_MS);
	CHECK(n == 9238 && info.nsegs == 5 && memcmp(rbuf, f, 9238) == 0,
		"5 segments");
	t_fill(f, 90, 2);
	CHECK(avp_emu_inject(x->port, f, 90, &o) == 0, "inject forced");
	n = avp_tg_rx_wait(&x->g, 4, rbuf, sizeof(rbuf), &info, WAIT_MS);
	CHECK(n == 90 && info.nsegs == 4 && info.queue == 2 &&
		memcmp(rbuf, f, 90) == 0, "forced 4 segments on ring 2");
	o.nsegs = 1;
	o.queue = 0;
	t_fill(f, 5000, 6);
	CHECK(avp_emu_inject(x->port, f, 5000, &o) == 0, "inject 1 seg");
	n = avp_tg_rx_wait(&x->g, 4, rbuf, sizeof(rbuf), &info, WAIT_MS);
	CHECK(n == 5000 && info.nsegs == 3 && memcmp(rbuf, f, 5000) == 0,
		"too few segments asked: as many as needed");
	CHECK(avp_emu_port_set_rx_segs(x->port, 6) == -EINVAL, "6 refused");
	CHECK(avp_emu_port_set_rx_segs(x->port, 3) == 0, "force 3");
	CHECK(avp_emu_inject(x->port, f, 200, NULL) == 0, "inject");
	n = avp_tg_rx_wait(&x->g, 4, rbuf, sizeof(rbuf), &info, WAIT_MS);
	CHECK(n == 200 && info.nsegs == 3 && memcmp(rbuf, f, 200) == 0,
		"port knob: 3 segments");
	CHECK(avp_emu_port_set_rx_segs(x->port, 0) == 0, "default");
	CHECK(avp_emu_inject(x->port, f, 9239, NULL) == 0, "inject too big");
	CHECK(WAIT_STAT(x->port, rx_oversize, 1) == 0, "oversize dropped");
	/* round-robin over the negotiated rings */
	avp_emu_port_stats_reset(x->port);
	for (n = 0; n < 8; n++)
		CHECK(avp_emu_inject(x->port, f, 64, NULL) == 0, "inject");
	CHECK(avp_emu_wait_rx_drained(x->port, 10) == -ETIMEDOUT,
		"not drained while the guest does not receive");
	for (n = 0; n < 8; n++)
		CHECK(avp_tg_rx_wait(&x->g, 4, rbuf, sizeof(rbuf), &info,
			WAIT_MS) == 64, "rx");
	CHECK(avp_emu_wait_rx_drained(x->port, WAIT_MS) == 0, "drained");
	avp_emu_port_stats_get(x->port, &st);
	CHECK(st.rx_frames[0] == 2 && st.rx_frames[1] == 2 &&
		st.rx_frames[2] == 2 && st.rx_frames[3] == 2 &&
		st.rx_frames[4] == 0, "2 per ring");
	CHECK(st.freed_buffers == 8, "freed %" PRIu64, st.freed_buffers);
	CHECK(avp_emu_port_violations(x->port) == 0, "no violations");
	return 0;
}

static int
t_link_gate(struct fx *x)
{
	static uint8_t f[64];
	struct avp_tg_rxinfo info;

	/* frames wait while the port is not configured with link up */
	CHECK(avp_emu_inject(x->port, f, 64, NULL) == 0, "inject");
	CHECK(avp_tg_configure(&x->g, 1, 1, 0, 0) == 0,
		"configured, link down");
	CHECK(avp_tg_rx_wait(&x->g, 1, rbuf, sizeof(rbuf), &info, 50) ==
		-ETIMEDOUT, "nothing delivered while link down");
	CHECK(avp_tg_set_link(&x->g, 1) == 0, "link up");
	CHECK(avp_tg_rx_wait(&x->g, 1, rbuf, sizeof(rbuf), &info, WAIT_MS) ==
		64, "delivered after link up");
	return 0;
}

static int
t_many_ports(struct fx *x)
{
	enum { NP = 16 };
	struct avp_emu_port *p[NP];
	static struct avp_tg g[NP];
	struct avp_tg_rxinfo info;
	static uint8_t f[1000];
	unsigned int i, ok = 0;
	int n;

	memset(p, 0, sizeof(p));
	for (i = 0; i < NP; i++) {
		p[i] = avp_emu_port_create(x->emu, NULL);
		if (p[i] == NULL || avp_tg_open_port(&g[i], p[i]) != 0)
			break;
		avp_emu_port_set_mode(p[i], AVP_EMU_MODE_LOOPBACK, NULL);
		if (t_up(&g[i], 1, 1, 0) != 0)
			break;
		t_fill(f, sizeof(f), (uint8_t)i);
		if (avp_tg_tx(&g[i], 0, f, sizeof(f), 0, 0, 0) != 0)
			break;
		n = avp_tg_rx_wait(&g[i], 1, rbuf, sizeof(rbuf), &info,
			WAIT_MS);
		if (n != (int)sizeof(f) || memcmp(rbuf, f, sizeof(f)) != 0)
			break;
		ok++;
	}
	for (i = 0; i < NP; i++) {
		if (p[i] == NULL)
			continue;
		if (g[i].devinfo != NULL)
			avp_tg_close(&g[i]);
		avp_emu_port_destroy(p[i]);
	}
	CHECK(ok == NP, "%u of %u ports worked", ok, NP);
	return 0;
}

static void
t_prep_tiny_pool(struct avp_emu_port_params *p)
{
	p->buf_count = 32;
	p->ring_slots = 64;
}

static int
t_pool_exhaustion(struct fx *x)
{
	static uint8_t f[300];
	struct avp_emu_port_stats st;
	struct avp_tg_rxinfo info;
	unsigned int i, sent = 0, got = 0;
	uint64_t deadline;
	FILE *null;

	CHECK(avp_emu_port_set_mode(x->port, AVP_EMU_MODE_LOOPBACK, NULL) == 0,
		"mode");
	CHECK(t_up(&x->g, 1, 1, 0) == 0, "configure");
	CHECK(avp_tg_ring_count(x->g.alloc[0]) == 16, "half the pool stocked");
	/* transmit without receiving: rx buffers pile up until none is left
	 * for the alloc ring
	 */
	deadline = avp_tg_now_ms() + WAIT_MS;
	for (;;) {
		avp_emu_port_stats_get(x->port, &st);
		if (st.alloc_dry != 0 && avp_tg_ring_count(x->g.alloc[0]) == 0)
			break;
		CHECK(avp_tg_now_ms() < deadline, "pool never ran dry");
		t_fill(f, sizeof(f), (uint8_t)sent);
		if (avp_tg_tx(&x->g, 0, f, sizeof(f), 0, 0, 0) == 0)
			sent++;
		else
			usleep(100);
	}
	/* the guest catches up: everything comes back */
	while (avp_tg_rx_wait(&x->g, 1, rbuf, sizeof(rbuf), &info, 50) > 0)
		got++;
	/* a consumed tx buffer is what carries the looped frame: no loss */
	CHECK(got == sent && sent == 32, "received %u of %u", got, sent);
	CHECK(avp_emu_wait_rx_drained(x->port, WAIT_MS) == 0, "drained");
	for (i = 0; i < 100; i++) {
		deadline = avp_tg_now_ms() + WAIT_MS;
		t_fill(f, sizeof(f), (uint8_t)i);
		while (avp_tg_tx(&x->g, 0, f, sizeof(f), 0, 0, 0) != 0) {
			CHECK(avp_tg_now_ms() < deadline, "alloc restocked");
			usleep(100);
		}
		CHECK(avp_tg_rx_wait(&x->g, 1, rbuf, sizeof(rbuf), &info,
			WAIT_MS) == (int)sizeof(f) &&
			memcmp(rbuf, f, sizeof(f)) == 0, "recovered %u", i);
	}
	avp_emu_port_stats_get(x->port, &st);
	CHECK(st.tx_frames[0] == sent + 100, "every frame consumed");
	CHECK(st.rx_frames[0] + st.rx_no_buf + st.rx_ring_full == sent + 100,
		"delivered or counted");
	null = fopen("/dev/null", "w");
	CHECK(null != NULL, "/dev/null");
	avp_emu_port_stats_print(x->port, null);
	fclose(null);
	CHECK(avp_emu_port_violations(x->port) == 0, "no violations");
	return 0;
}

static void
t_prep_short_rings(struct avp_emu_port_params *p)
{
	p->ring_slots = 16;
	p->buf_count = 256;
}

static int
t_rx_ring_full(struct fx *x)
{
	static uint8_t f[100];
	struct avp_emu_port_stats st;
	unsigned int i, got = 0;

	CHECK(avp_emu_port_set_mode(x->port, AVP_EMU_MODE_LOOPBACK, NULL) == 0,
		"mode");
	CHECK(t_up(&x->g, 1, 1, 0) == 0, "configure");
	for (i = 0; i < 40; i++) {
		uint64_t deadline = avp_tg_now_ms() + WAIT_MS;

		while (avp_tg_tx(&x->g, 0, f, sizeof(f), 0, 0, 0) != 0) {
			CHECK(avp_tg_now_ms() < deadline, "tx %u", i);
			usleep(100);
		}
	}
	CHECK(WAIT_STAT(x->port, tx_frames[0], 40) == 0, "consumed");
	avp_emu_port_stats_get(x->port, &st);
	CHECK(st.rx_frames[0] == 15 && st.rx_ring_full == 25,
		"15 fit (N - 1), 25 dropped: %" PRIu64 " %" PRIu64,
		st.rx_frames[0], st.rx_ring_full);
	while (avp_tg_rx(&x->g, 0, rbuf, sizeof(rbuf), NULL) > 0)
		got++;
	CHECK(got == 15, "received %u", got);
	CHECK(avp_emu_wait_rx_drained(x->port, WAIT_MS) == 0, "drained");
	CHECK(avp_emu_port_violations(x->port) == 0, "no violations");
	return 0;
}

static int
t_capture_bound(struct fx *x)
{
	static uint8_t f[64];
	struct avp_emu_port_stats st;
	unsigned int i, n = 0;

	CHECK(t_up(&x->g, 1, 1, 0) == 0, "configure");
	for (i = 0; i < 1100; i++) {
		uint64_t deadline = avp_tg_now_ms() + WAIT_MS;

		while (avp_tg_tx(&x->g, 0, f, sizeof(f), 0, 0, 0) != 0) {
			CHECK(avp_tg_now_ms() < deadline, "tx %u", i);
			usleep(100);
		}
	}
	CHECK(WAIT_STAT(x->port, tx_frames[0], 1100) == 0, "consumed");
	avp_emu_port_stats_get(x->port, &st);
	CHECK(st.capture_dropped == 1100 - 1024, "dropped %" PRIu64,
		st.capture_dropped);
	while (avp_emu_capture_pop(x->port, &cf) == 1)
		n++;
	CHECK(n == 1024, "kept %u", n);
	return 0;
}

/* ---- strict checker ---- */

struct bad_case {
	enum avp_tg_bad bad;
	enum avp_emu_violation v;
};

static int
t_checker(struct fx *x)
{
	static const struct bad_case cases[] = {
		{ AVP_TG_BAD_HANDLE, AVP_EMU_V_BAD_HANDLE },
		{ AVP_TG_BAD_NOT_OWNED, AVP_EMU_V_NOT_OWNED },
		{ AVP_TG_BAD_SEG_COUNT, AVP_EMU_V_SEG_COUNT },
		{ AVP_TG_BAD_CHAIN_LONG, AVP_EMU_V_CHAIN_LONG },
		{ AVP_TG_BAD_SEG_LEN, AVP_EMU_V_SEG_LEN },
		{ AVP_TG_BAD_FRAME_LEN, AVP_EMU_V_FRAME_LEN },
		{ AVP_TG_BAD_FRAME_SIZE, AVP_EMU_V_FRAME_SIZE },
		{ AVP_TG_BAD_DATA_VA, AVP_EMU_V_DATA_VA },
		{ AVP_TG_BAD_FLAGS, AVP_EMU_V_FLAGS },
		{ AVP_TG_BAD_CTRL_TOKEN, AVP_EMU_V_CTRL_TOKEN },
		{ AVP_TG_BAD_CTRL_REQUEST, AVP_EMU_V_CTRL_REQUEST },
		{ AVP_TG_BAD_FREE_RING, AVP_EMU_V_FREE_RING },
		{ AVP_TG_BAD_DOUBLE_FREE, AVP_EMU_V_NOT_OWNED },
		{ AVP_TG_BAD_RING_INDEX, AVP_EMU_V_RING_INDEX },
	};
	static uint8_t f[64];
	struct avp_emu_port_stats st;
	uint64_t before[AVP_EMU_V_COUNT];
	unsigned int i, k;
	uint32_t saved = 0;

	CHECK(t_up(&x->g, 2, 2, 0) == 0, "configure");
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct bad_case *c = &cases[i];

		avp_emu_port_stats_get(x->port, &st);
		memcpy(before, st.violations, sizeof(before));
		if (c->bad == AVP_TG_BAD_FREE_RING ||
				c->bad == AVP_TG_BAD_DOUBLE_FREE) {
			CHECK(avp_emu_inject(x->port, f, sizeof(f), NULL) == 0,
				"inject");
			for (k = 0; k < 3000 &&
				avp_tg_ring_count(x->g.rx[0]) == 0 &&
				avp_tg_ring_count(x->g.rx[1]) == 0; k++)
				usleep(1000);	/* bounded wait for delivery */
			k = avp_tg_ring_count(x->g.rx[0]) != 0 ? 0 : 1;
			CHECK(avp_tg_rx_bad(&x->g, k, c->bad) == 0, "rx bad");
		} else if (c->bad == AVP_TG_BAD_RING_INDEX) {
			saved = x->g.tx[1]->prod_idx;
			CHECK(avp_tg_tx_bad(&x->g, 1, c->bad) == 0, "tx bad");
		} else if (c->bad == AVP_TG_BAD_CTRL_REQUEST) {
			CHECK(avp_tg_tx_bad(&x->g, 0, c->bad) == -22,
				"rejected");
		} else {
			CHECK(avp_tg_tx_bad(&x->g, 0, c->bad) == 0, "tx bad %u",
				c->bad);
		}
		CHECK(t_wait_viol(x->port, c->v, before[c->v] + 1) == 0,
			"case %u: violation %s not counted", i,
			avp_emu_violation_name(c->v));
		if (c->bad == AVP_TG_BAD_RING_INDEX)
			x->g.tx[1]->prod_idx = saved;
		/* a good frame still goes through afterwards */
		CHECK(avp_tg_tx(&x->g, 0, f, sizeof(f), 0, 0, 0) == 0,
			"good tx after case %u", i);
		CHECK(avp_emu_wait_captured(x->port, 1, WAIT_MS) == 0,
			"good frame after case %u", i);
		while (avp_emu_capture_pop(x->port, &cf) == 1)
			;
		avp_emu_port_stats_get(x->port, &st);
		for (k = 0; k < AVP_EMU_V_COUNT; k++)
			CHECK(st.violations[k] == before[k] + (k == c->v),
				"case %u: only %s counted (%s %" PRIu64 ")", i,
				avp_emu_violation_name(c->v),
				avp_emu_violation_name(k),
				st.violations[k]);
	}
	/* ring activity after close */
	avp_emu_port_stats_get(x->port, &st);
	memcpy(before, st.violations, sizeof(before));
	CHECK(avp_tg_tx(&x->g, 0, f, sizeof(f), 0, 0, 0) == 0, "tx");
	CHECK(avp_emu_wait_captured(x->port, 1, WAIT_MS) == 0, "captured");
	CHECK(avp_tg_close_port(&x->g) == 0, "close");
	CHECK(avp_tg_tx_bad(&x->g, 0, AVP_TG_BAD_AFTER_CLOSE) == 0, "tx");
	CHECK(t_wait_viol(x->port, AVP_EMU_V_AFTER_CLOSE,
		before[AVP_EMU_V_AFTER_CLOSE] + 1) == 0, "after close");
	return 0;
}

static int
t_ring_put(struct avp_ring *r, uint64_t v)
{
	uint32_t mask = r->nslots - 1;
	uint32_t w = r->prod_idx & mask;

	if (((w + 1) & mask) == r->cons_idx)
		return -ENOSPC;
	r->slots[w] = v;
	__atomic_store_n(&r->prod_idx, (w + 1) & mask, __ATOMIC_RELEASE);
	return 0;
}

/*
 * The emulator turns a handle into a buffer index without a division
 * (emu_buf_index): every handle that is not the exact start of a buffer
 * in the pool is still a bad handle, on tx and on free, and a good
 * frame still goes through after each.
 */
static int
t_handle_index(struct fx *x)
{
	struct avp_tg *g = &x->g;
	uint64_t stride = 0, base = g->buf_va, bad[16];
	struct avp_ring *r;
	unsigned int i, n = 0, k;
	static uint8_t f[64];
	uint64_t v;

	CHECK(t_up(g, 1, 1, 0) == 0, "configure");
	r = g->alloc[0];
	CHECK(avp_tg_ring_count(r) >= 2, "stocked");
	/* two buffers handed out one after the other are one stride apart */
	stride = r->slots[(r->cons_idx + 1) & (r->nslots - 1)] -
		r->slots[r->cons_idx];
	if ((int64_t)stride < 0)
		stride = -stride;
	CHECK(stride >= 128 && stride % 64 == 0, "stride %" PRIu64, stride);
	bad[n++] = base - 4096;
	bad[n++] = base - stride;
	bad[n++] = base + 1;
	bad[n++] = base + 8;
	bad[n++] = base + 64;
	bad[n++] = base + stride / 2;
	bad[n++] = base + stride + 64;
	bad[n++] = base + 7 * stride + 1;
	bad[n++] = base + 3 * stride - 64;
	bad[n++] = base + g->buf_len;
	bad[n++] = base + g->buf_len + stride;
	bad[n++] = base + (1ULL << 63);
	bad[n++] = 0;
	bad[n++] = UINT64_MAX;
	for (i = 0; i < 2 * n; i++) {
		v = t_viol(x->port, AVP_EMU_V_BAD_HANDLE);
		r = i < n ? g->tx[0] : g->free[0];
		CHECK(t_ring_put(r, bad[i % n]) == 0, "put %u", i);
		CHECK(t_wait_viol(x->port, AVP_EMU_V_BAD_HANDLE, v + 1) == 0,
			"handle %u (offset 0x%" PRIx64 ") not flagged", i,
			bad[i % n] - base);
		CHECK(avp_tg_tx(g, 0, f, sizeof(f), 0, 0, 0) == 0, "tx %u", i);
		CHECK(avp_emu_wait_captured(x->port, 1, WAIT_MS) == 0 &&
			avp_emu_capture_pop(x->port, &cf) == 1,
			"good frame after handle %u", i);
	}
	k = (unsigned int)t_viol(x->port, AVP_EMU_V_BAD_HANDLE);
	CHECK(k == 2 * n && avp_emu_port_violations(x->port) == 2 * n,
		"only bad handles counted: %u", k);
	return 0;
}

static int
t_checker_clean(struct fx *x)
{
	static uint8_t f[9000];
	struct avp_tg_rxinfo info;
	unsigned int i;
	int n;

	CHECK(avp_emu_port_set_mode(x->port, AVP_EMU_MODE_LOOPBACK, NULL) == 0,
		"mode");
	CHECK(t_up(&x->g, 3, 3, AVP_FEAT_VLAN_OFFLOAD) == 0, "configure");
	for (i = 0; i < 3000; i++) {
		uint32_t len = 60 + (i * 37) % 8900;
		uint64_t deadline = avp_tg_now_ms() + WAIT_MS;

		t_fill(f, len, (uint8_t)i);
		while (avp_tg_tx(&x->g, i % 3, f, len, 0,
				i % 5 == 0 ? AVP_DESC_F_TX_VLAN : 0,
				(uint16_t)i) != 0) {
			CHECK(avp_tg_now_ms() < deadline, "tx %u", i);
			usleep(50);
		}
		n = avp_tg_rx_wait(&x->g, 3, rbuf, sizeof(rbuf), &info,
			WAIT_MS);
		CHECK(n == (int)len && memcmp(rbuf, f, len) == 0, "rx %u", i);
		CHECK(i % 5 != 0 || (info.flags == AVP_DESC_F_RX_VLAN &&
			info.vlan_tci == (uint16_t)i), "vlan round trip");
	}
	CHECK(avp_emu_wait_rx_drained(x->port, WAIT_MS) == 0, "drained");
	CHECK(avp_emu_port_violations(x->port) == 0, "no violations");
	return 0;
}

/* ---- fault injection ---- */

static int
t_image_fault_case(struct fx *x, enum avp_emu_fault f, uint64_t arg)
{
	struct avp_tg g;
	int ret;

	CHECK(avp_emu_port_fault(x->port, f, arg, 0) == 0, "fault");
	ret = avp_tg_open_port(&g, x->port);
	if (ret == 0)
		avp_tg_close(&g);
	CHECK(ret != 0, "guest refuses %s", avp_emu_fault_name(f));
	CHECK(avp_emu_port_reset(x->port) == 0, "reset");
	CHECK(avp_tg_open_port(&g, x->port) == 0, "clean after reset");
	avp_tg_close(&g);
	return 0;
}

static int
t_fault_image(struct fx *x)
{
	struct avp_tg g;
	static const struct {
		enum avp_emu_fault f;
		uint64_t arg;
	} refused[] = {
		{ AVP_EMU_FAULT_DEVINFO_MAGIC, 0 },
		{ AVP_EMU_FAULT_DEVINFO_VERSION, 0x00010300 },
		{ AVP_EMU_FAULT_MEMMAP_MAGIC, 0 },
		{ AVP_EMU_FAULT_MEMMAP_VERSION, 0 },
		{ AVP_EMU_FAULT_MEMMAP_COUNT, 0 },
		{ AVP_EMU_FAULT_RING_OUTSIDE, 0 },
		{ AVP_EMU_FAULT_BUF_REGION, 0 },
	};
	unsigned int i;

	for (i = 0; i < sizeof(refused) / sizeof(refused[0]); i++)
		CHECK(t_image_fault_case(x, refused[i].f, refused[i].arg) == 0,
			"%s", avp_emu_fault_name(refused[i].f));
	/* the raw guest does not validate these: look at the image */
	CHECK(avp_emu_port_fault(x->port, AVP_EMU_FAULT_MEMMAP_COUNT, 3000,
		0) == 0 && avp_tg_open_port(&g, x->port) != 0, "count 3000");
	CHECK(avp_emu_port_reset(x->port) == 0, "reset");
	CHECK(avp_emu_port_fault(x->port, AVP_EMU_FAULT_RING_NSLOTS, 0, 0) ==
		0 && avp_tg_open_port(&g, x->port) == 0, "open");
	CHECK((g.tx[0]->nslots & (g.tx[0]->nslots - 1)) != 0, "nslots");
	CHECK(avp_emu_port_fault(x->port, AVP_EMU_FAULT_RING_INDEX, 0, 0) ==
		0 && g.rx[0]->prod_idx >= g.rx[0]->nslots, "ring index");
	CHECK(g.rx[0]->slots[0] - g.buf_va >= g.buf_len, "bogus slot");
	CHECK(t_up(&g, 1, 1, 0) == 0, "configure");
	/* a guest masking the index takes the 3 slots and hands them back:
	 * no violation
	 */
	g.rx[0]->cons_idx = 3;
	for (i = 0; i < 3; i++)
		g.free[0]->slots[i] = g.rx[0]->slots[i];
	g.free[0]->prod_idx = 3;
	CHECK(avp_tg_set_link(&g, 0) == 0, "a request after the frees");
	CHECK(g.free[0]->cons_idx == 3, "consumed");
	CHECK(avp_emu_port_violations(x->port) == 0, "returned quietly");
	CHECK(avp_emu_port_fault(x->port, AVP_EMU_FAULT_QUEUES, 0, 0) == 0 &&
		g.devinfo->rx_queues_min > g.devinfo->rx_queues_max, "queues");
	CHECK(avp_emu_port_reset(x->port) == 0, "reset");
	CHECK(g.tx[0]->nslots == 256 && g.rx[0]->prod_idx == 0 &&
		g.devinfo->rx_queues_min == 1, "reset undoes faults: %u %u %u",
		g.tx[0]->nslots, g.rx[0]->prod_idx, g.devinfo->rx_queues_min);
	avp_tg_close(&g);
	return 0;
}

/* Waits for the head of rx[q] without taking it. */
static struct avp_desc *
t_peek_rx(struct avp_tg *g, unsigned int q, uint64_t *handle)
{
	uint64_t deadline = avp_tg_now_ms() + WAIT_MS;
	struct avp_ring *r = g->rx[q];
	uint64_t off;

	while (avp_tg_ring_count(r) == 0) {
		if (avp_tg_now_ms() > deadline)
			return NULL;
		usleep(100);
	}
	*handle = r->slots[r->cons_idx];
	off = *handle - g->buf_va;
	if (off >= g->buf_len)
		return NULL;
	return (struct avp_desc *)(void *)(g->buf_base + off);
}

static struct avp_desc *
t_gdesc(struct avp_tg *g, uint64_t h)
{
	uint64_t off = h - g->buf_va;

	return off < g->buf_len ? (struct avp_desc *)(void *)(g->buf_base +
		off) : NULL;
}

static int
t_inject_fault(struct fx *x, enum avp_emu_fault f, uint32_t len,
		uint64_t *h, struct avp_desc **d)
{
	static uint8_t fr[3000];

	t_fill(fr, len, 1);
	CHECK(avp_emu_port_fault(x->port, f, 0, 1) == 0, "fault");
	CHECK(avp_emu_inject(x->port, fr, len, NULL) == 0, "inject");
	*d = t_peek_rx(&x->g, 0, h);
	return 0;
}

/* Lets the guest take and return the faulty frame. */
static int
t_consume(struct fx *x)
{
	struct avp_tg_rxinfo info;

	avp_tg_rx(&x->g, 0, rbuf, sizeof(rbuf), &info);
	return 0;
}

static int
t_fault_desc(struct fx *x)
{
	struct avp_tg *g = &x->g;
	uint32_t bsz = g->buf_data_size;
	uint32_t max_frame = g->devinfo->max_frame_len;
	struct avp_desc *d, *e;
	uint64_t h;
	unsigned int n;

	CHECK(t_up(g, 1, 1, 0) == 0, "configure");
	t_inject_fault(x, AVP_EMU_FAULT_DESC_HANDLE, 100, &h, &d);
	CHECK(d == NULL && h != 0, "handle outside the pool");
	t_consume(x);
	t_inject_fault(x, AVP_EMU_FAULT_DESC_DATA_VA, 100, &h, &d);
	CHECK(d != NULL && d->data_va - g->buf_va >= g->buf_len, "data_va");
	t_consume(x);
	t_inject_fault(x, AVP_EMU_FAULT_DESC_NEXT_VA, 100, &h, &d);
	CHECK(d != NULL && d->next_va != 0 &&
		d->next_va - g->buf_va >= g->buf_len, "next_va");
	t_consume(x);
	t_inject_fault(x, AVP_EMU_FAULT_DESC_SEG_LEN, 100, &h, &d);
	CHECK(d != NULL && d->seg_len == bsz + 1, "seg_len");
	t_consume(x);
	t_inject_fault(x, AVP_EMU_FAULT_DESC_CHAIN_LONG, 600, &h, &d);
	CHECK(d != NULL && d->seg_count == 6, "seg_count 6");
	for (n = 0, e = d; e != NULL && n < 10; n++)
		e = e->next_va != 0 ? t_gdesc(g, e->next_va) : NULL;
	CHECK(n == 6, "6 segments: %u", n);
	t_consume(x);
	t_inject_fault(x, AVP_EMU_FAULT_DESC_CHAIN_CYCLE, 100, &h, &d);
	CHECK(d != NULL, "cycle head");
	for (e = d, n = 0; e->next_va != 0 && n < 10; n++) {
		uint64_t self = e->next_va;

		e = t_gdesc(g, self);
		CHECK(e != NULL, "segment");
		if (e->next_va == self)
			break;
	}
	CHECK(e->next_va != 0 && t_gdesc(g, e->next_va) == e &&
		e->seg_len == 0, "zero-length self-linked segment");
	t_consume(x);
	t_inject_fault(x, AVP_EMU_FAULT_DESC_FRAME_LEN, 100, &h, &d);
	CHECK(d != NULL && d->frame_len == 101 && d->seg_len == 100,
		"frame_len");
	t_consume(x);
	t_inject_fault(x, AVP_EMU_FAULT_DESC_OVERSIZE, 100, &h, &d);
	CHECK(d != NULL && d->frame_len == max_frame + 1, "oversize");
	t_consume(x);
	/* count 1: the next frame is clean again */
	t_inject_fault(x, AVP_EMU_FAULT_NONE, 100, &h, &d);
	CHECK(d != NULL && d->frame_len == 100 && d->seg_len == 100 &&
		d->next_va == 0 && d->seg_count == 1, "clean again");
	t_consume(x);
	CHECK(avp_emu_wait_rx_drained(x->port, WAIT_MS) == 0, "all returned");
	CHECK(avp_emu_port_violations(x->port) == 0,
		"returning faulty frames is no violation");
	return 0;
}

static int
t_fault_alloc(struct fx *x)
{
	struct avp_tg *g = &x->g;
	struct avp_ring *r = g->alloc[0];
	struct avp_desc *d;
	uint64_t h;

	CHECK(avp_emu_port_fault(x->port, AVP_EMU_FAULT_ALLOC_DIRTY, 0, 1) ==
		0, "dirty");
	CHECK(t_up(g, 1, 1, 0) == 0, "configure");
	CHECK(avp_tg_ring_count(r) > 0, "stocked before CONFIGURE answered");
	h = r->slots[r->cons_idx];
	d = t_gdesc(g, h);
	CHECK(d != NULL && (d->seg_len != 0 || d->next_va != 0 ||
		d->flags != 0), "first buffer dirty");
	d = t_gdesc(g, r->slots[(r->cons_idx + 1) & (r->nslots - 1)]);
	CHECK(d != NULL && d->seg_len == 0 && d->next_va == 0 &&
		d->flags == 0 && d->seg_count == 1 && d->frame_len == 0,
		"second buffer clean");
	CHECK(avp_tg_close_port(g) == 0, "close");
	CHECK(avp_emu_port_fault(x->port, AVP_EMU_FAULT_ALLOC_HANDLE, 0, 1) ==
		0, "alloc handle");
	CHECK(t_up(g, 1, 1, 0) == 0, "configure");
	h = r->slots[r->cons_idx];
	CHECK(h - g->buf_va >= g->buf_len, "alloc handle outside the pool");
	return 0;
}

static int
t_fault_ctrl(struct fx *x)
{
	struct avp_tg *g = &x->g;
	struct avp_ctrl_msg m;
	uint64_t deadline;

	CHECK(avp_emu_port_fault(x->port, AVP_EMU_FAULT_CTRL_NO_REPLY, 0, 1) ==
		0, "no reply");
	memset(&m, 0, sizeof(m));
	m.op = AVP_OP_SET_LINK;
	m.status = AVP_CTRL_STATUS_PRESET;
	CHECK(avp_tg_request(g, &m, 100) == AVP_ERR_CTRL_TIMEOUT, "timeout");
	CHECK(avp_tg_set_link(g, 0) == 0, "next request answered");

	CHECK(avp_emu_port_fault(x->port, AVP_EMU_FAULT_CTRL_LATE_REPLY, 200,
		1) == 0, "late");
	m.op = AVP_OP_SET_LINK;
	m.status = AVP_CTRL_STATUS_PRESET;
	CHECK(avp_tg_request(g, &m, 100) == AVP_ERR_CTRL_TIMEOUT, "late");
	deadline = avp_tg_now_ms() + WAIT_MS;
	while (avp_tg_ring_count(g->resp) == 0) {
		CHECK(avp_tg_now_ms() < deadline, "late reply never came");
		usleep(1000);
	}
	CHECK(g->resp->slots[g->resp->cons_idx] == g->ctrl_va, "late token");
	CHECK(avp_tg_set_link(g, 0) == 0, "next request answered");

	CHECK(avp_emu_port_fault(x->port, AVP_EMU_FAULT_CTRL_BAD_TOKEN, 0, 1)
		== 0, "bad token");
	CHECK(avp_tg_set_link(g, 0) == AVP_ERR_CTRL_BAD_REPLY, "bad token");

	CHECK(avp_emu_port_fault(x->port, AVP_EMU_FAULT_CTRL_STATUS,
		(uint64_t)(int64_t)-5, 2) == 0, "status");
	CHECK(avp_tg_set_link(g, 1) == -5, "status -5");
	CHECK(avp_tg_shutdown(g) == -5, "status -5 again (count 2)");
	CHECK(avp_tg_set_link(g, 0) == 0, "then normal");
	CHECK(avp_emu_port_fault(x->port, AVP_EMU_FAULT_CTRL_STATUS, 0, 0) ==
		0, "status until cleared");
	CHECK(avp_tg_set_link(g, 0) == -22 && avp_tg_set_link(g, 0) == -22,
		"default -22");
	CHECK(avp_emu_port_fault(x->port, AVP_EMU_FAULT_NONE, 0, 0) == 0,
		"clear");
	CHECK(avp_tg_set_link(g, 0) == 0, "cleared");
	CHECK(strcmp(avp_emu_fault_name(AVP_EMU_FAULT_CTRL_STATUS),
		"ctrl_status") == 0, "fault names");
	return 0;
}

/* ---- socket attach ---- */

static char sock_dir[64];
static char sock_path[128];

static int
t_socket(struct fx *x)
{
	struct avp_emu_port_state s;
	struct avp_tg g, g2;
	int32_t status = 0;
	uint64_t deadline;
	int ret;

	CHECK(avp_emu_port_listen(x->port, sock_path) == 0, "listen");
	CHECK(avp_emu_port_unplug(x->port, 100) == -ENOTCONN, "no guest");
	CHECK(avp_tg_raw_hello(sock_path, 0x12345678, AVP_ATTACH_VERSION,
		AVP_ATTACH_MSG_HELLO, &status) == AVP_ATTACH_MSG_REJECT &&
		status == -EPROTO, "bad magic rejected");
	CHECK(avp_tg_raw_hello(sock_path, AVP_ATTACH_MAGIC, 99,
		AVP_ATTACH_MSG_HELLO, &status) == AVP_ATTACH_MSG_REJECT &&
		status == -EPROTO, "bad version rejected");
	CHECK(avp_tg_raw_hello(sock_path, AVP_ATTACH_MAGIC,
		AVP_ATTACH_VERSION, AVP_ATTACH_MSG_UNPLUG, &status) ==
		AVP_ATTACH_MSG_REJECT && status == -EPROTO,
		"bad type rejected");
	CHECK(avp_tg_open_socket(&g, sock_path, "guest") == 0, "attach");
	CHECK(avp_emu_port_attached(x->port) == 1, "attached");
	CHECK(g.memfd >= 0 && g.irq_fd >= 0 && g.bar_len[AVP_BAR_SHMEM] != 0,
		"descriptors and BARs");
	ret = avp_tg_open_socket(&g2, sock_path, "second");
	CHECK(ret == -EBUSY, "second guest refused: %d", ret);
	CHECK(t_up(&g, 1, 1, 0) == 0, "configure over socket mapping");
	static uint8_t f[500];

	t_fill(f, sizeof(f), 3);
	CHECK(avp_tg_tx(&g, 0, f, sizeof(f), 0, 0, 0) == 0, "tx");
	CHECK(avp_emu_wait_captured(x->port, 1, WAIT_MS) == 0 &&
		avp_emu_capture_pop(x->port, &cf) == 1 &&
		memcmp(cf.data, f, sizeof(f)) == 0, "tx bytes");
	/* let go with a frame waiting for delivery */
	CHECK(avp_tg_set_link(&g, 0) == 0, "link down");
	CHECK(avp_emu_inject(x->port, f, 100, NULL) == 0, "inject");
	CHECK(avp_tg_ring_count(g.alloc[0]) > 0, "stocked");
	avp_tg_close(&g);
	deadline = avp_tg_now_ms() + WAIT_MS;
	while (avp_emu_port_attached(x->port)) {
		CHECK(avp_tg_now_ms() < deadline, "close not noticed");
		usleep(500);
	}
	avp_emu_port_state_get(x->port, &s);
	CHECK(!s.configured && !s.link_up && s.irq_mask == 0, "port reset");
	CHECK(avp_tg_open_socket(&g, sock_path, "again") == 0, "re-attach");
	CHECK(g.alloc[0]->prod_idx == 0 && g.tx[0]->prod_idx == 0 &&
		g.req->prod_idx == 0, "clean rings");
	CHECK(t_up(&g, 1, 1, 0) == 0, "configure again");
	CHECK(avp_emu_wait_rx_drained(x->port, WAIT_MS) == 0 &&
		avp_tg_ring_count(g.rx[0]) == 0,
		"nothing left over for the new guest");
	avp_tg_close(&g);
	CHECK(avp_emu_port_violations(x->port) == 0, "no violations");
	return 0;
}

static int t_traffic_ok(struct fx *x, uint32_t len, unsigned int nq);

static int
t_count_fds(void)
{
	char path[64];
	int fd, n = 0;

	for (fd = 0; fd < 1024; fd++) {
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
		if (access(path, F_OK) == 0)
			n++;
	}
	return n;
}

/* The socket file: 0600 by default, the asked mode otherwise, whatever
 * the umask.
 */
static int
t_socket_mode(struct fx *x)
{
	struct avp_emu_sock_opts o;
	struct avp_emu_port *p2;
	struct stat st;
	mode_t old;
	char path2[160];
	int ret;

	CHECK(avp_emu_port_listen(x->port, sock_path) == 0, "listen");
	CHECK(stat(sock_path, &st) == 0 && S_ISSOCK(st.st_mode) &&
		(st.st_mode & 07777) == 0600, "mode %o, need 0600",
		(unsigned int)(st.st_mode & 07777));
	CHECK(st.st_uid == geteuid(), "owner %u", (unsigned int)st.st_uid);

	snprintf(path2, sizeof(path2), "%s/p2.sock", sock_dir);
	p2 = avp_emu_port_create(x->emu, NULL);
	CHECK(p2 != NULL, "second port");
	avp_emu_sock_opts_default(&o);
	o.mode = 0660;
	o.group = getegid();
	old = umask(077);
	ret = avp_emu_port_listen_opts(p2, path2, &o);
	umask(old);
	CHECK(ret == 0, "listen with 0660: %d", ret);
	CHECK(stat(path2, &st) == 0 && (st.st_mode & 07777) == 0660,
		"mode %o, need 0660", (unsigned int)(st.st_mode & 07777));
	avp_emu_port_destroy(p2);
	CHECK(access(path2, F_OK) != 0, "socket removed");
	o.mode = 010000;
	CHECK(avp_emu_sock_bind(-1, path2, &o) == -EINVAL, "mode refused");
	return 0;
}

/* The decision on a peer's credentials (SO_PEERCRED). */
static int
t_peer_policy(struct fx *x)
{
	struct avp_emu_sock_opts o;

	(void)x;
	avp_emu_sock_opts_default(&o);
	CHECK(avp_emu_peer_allowed(&o, 1000, 1000, 1000) == 1, "own uid");
	CHECK(avp_emu_peer_allowed(&o, 1000, 0, 5) == 1, "root");
	CHECK(avp_emu_peer_allowed(&o, 1000, 1001, 1000) == 0,
		"other uid, same gid refused");
	CHECK(avp_emu_peer_allowed(NULL, 1000, 1001, 1001) == 0,
		"no options: other uid refused");
	CHECK(avp_emu_peer_allowed(&o, 0, 65534, 65534) == 0,
		"root's socket: nobody refused");
	o.allow_uid = 1001;
	CHECK(avp_emu_peer_allowed(&o, 1000, 1001, 7) == 1, "allowed uid");
	CHECK(avp_emu_peer_allowed(&o, 1000, 1002, 7) == 0, "other uid");
	o.allow_gid = 50;
	CHECK(avp_emu_peer_allowed(&o, 1000, 1002, 50) == 1, "allowed gid");
	CHECK(avp_emu_peer_allowed(&o, 1000, 1002, 51) == 0, "other gid");
	return 0;
}

/* Sends len bytes of m with nfds copies of fd_to_pass, then reads the
 * answer. Returns its type (status in *status, descriptors received in
 * *nrecv), or a negative errno.
 */
static int
t_raw_exchange(const char *path, const void *m, size_t len, int fd_to_pass,
		unsigned int nfds, int32_t *status, unsigned int *nrecv)
{
	union {
		char buf[CMSG_SPACE(sizeof(int) * 4)];
		struct cmsghdr align;
	} u;
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct avp_attach_msg a;
	struct iovec iov = { (void *)(uintptr_t)m, len };
	struct msghdr mh;
	struct cmsghdr *c;
	struct pollfd pfd;
	int fds[4], fd, i;
	ssize_t n;

	if (strlen(path) >= sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	memcpy(sa.sun_path, path, strlen(path));
	fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
		n = -errno;
		close(fd);
		return (int)n;
	}
	memset(&mh, 0, sizeof(mh));
	memset(&u, 0, sizeof(u));
	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	if (nfds > 0) {
		for (i = 0; i < (int)nfds; i++)
			fds[i] = fd_to_pass;
		mh.msg_control = u.buf;
		mh.msg_controllen = CMSG_SPACE(sizeof(int) * nfds);
		c = CMSG_FIRSTHDR(&mh);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int) * nfds);
		memcpy(CMSG_DATA(c), fds, sizeof(int) * nfds);
	}
	if (sendmsg(fd, &mh, MSG_NOSIGNAL) != (ssize_t)len) {
		close(fd);
		return -EIO;
	}
	pfd.fd = fd;
	pfd.events = POLLIN;
	if (poll(&pfd, 1, WAIT_MS) != 1) {
		close(fd);
		return -ETIMEDOUT;
	}
	iov.iov_base = &a;
	iov.iov_len = sizeof(a);
	memset(&mh, 0, sizeof(mh));
	memset(&u, 0, sizeof(u));
	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	mh.msg_control = u.buf;
	mh.msg_controllen = sizeof(u.buf);
	n = recvmsg(fd, &mh, MSG_CMSG_CLOEXEC);
	*nrecv = 0;
	for (c = CMSG_FIRSTHDR(&mh); n > 0 && c != NULL;
			c = CMSG_NXTHDR(&mh, c)) {
		size_t k = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);

		for (size_t j = 0; j < k; j++) {
			int x;

			memcpy(&x, CMSG_DATA(c) + j * sizeof(int), sizeof(x));
			close(x);
			(*nrecv)++;
		}
	}
	close(fd);
	if (n != (ssize_t)sizeof(a))
		return n < 0 ? -errno : -ECONNRESET;
	*status = a.status;
	return a.type;
}

/* The host refuses a malformed HELLO: one REJECT, no descriptor handed
 * over, none kept of those the guest sent, the port not attached.
 */
static int
t_hello_malformed(struct fx *x)
{
	static const struct {
		const char *what;
		size_t len;
		unsigned int nfds;
		uint32_t magic;
	} bad[] = {
		{ "truncated", sizeof(struct avp_attach_msg) - 1, 0,
			AVP_ATTACH_MAGIC },
		{ "empty", 1, 0, AVP_ATTACH_MAGIC },
		{ "too long", sizeof(struct avp_attach_msg) + 8, 0,
			AVP_ATTACH_MAGIC },
		{ "one descriptor", sizeof(struct avp_attach_msg), 1,
			AVP_ATTACH_MAGIC },
		{ "three descriptors", sizeof(struct avp_attach_msg), 3,
			AVP_ATTACH_MAGIC },
		{ "bad magic", sizeof(struct avp_attach_msg), 0, 0x41565042 },
	};
	uint8_t buf[sizeof(struct avp_attach_msg) + 8];
	struct avp_attach_msg m;
	unsigned int i, nrecv;
	uint64_t deadline;
	int32_t status;
	int efd, before, ret;

	CHECK(avp_emu_port_listen(x->port, sock_path) == 0, "listen");
	efd = eventfd(0, EFD_CLOEXEC);
	CHECK(efd >= 0, "eventfd");
	before = t_count_fds();
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(&m, 0, sizeof(m));
		m.magic = bad[i].magic;
		m.version = AVP_ATTACH_VERSION;
		m.type = AVP_ATTACH_MSG_HELLO;
		memset(buf, 0, sizeof(buf));
		memcpy(buf, &m, sizeof(m));
		status = 0;
		nrecv = 9;
		ret = t_raw_exchange(sock_path, buf, bad[i].len, efd,
			bad[i].nfds, &status, &nrecv);
		CHECK(ret == AVP_ATTACH_MSG_REJECT && status == -EPROTO &&
			nrecv == 0, "%s: answer %d status %d, %u descriptors",
			bad[i].what, ret, status, nrecv);
		CHECK(avp_emu_port_attached(x->port) == 0, "%s: attached",
			bad[i].what);
	}
	/* the host closes its end just after answering */
	deadline = avp_tg_now_ms() + WAIT_MS;
	while (t_count_fds() != before && avp_tg_now_ms() < deadline)
		usleep(500);
	CHECK(t_count_fds() == before, "descriptors kept: %d, were %d",
		t_count_fds(), before);
	close(efd);
	/* a well-formed one still attaches */
	m.magic = AVP_ATTACH_MAGIC;
	ret = t_raw_exchange(sock_path, &m, sizeof(m), -1, 0, &status, &nrecv);
	CHECK(ret == AVP_ATTACH_MSG_DEVICE && nrecv == AVP_ATTACH_FD_COUNT,
		"good HELLO: %d with %u descriptors", ret, nrecv);
	return 0;
}

/* A peer whose uid is not allowed gets REJECT -EACCES and nothing else
 * (needs root to run the peer as nobody, else skipped).
 */
static int
t_peer_refused(struct fx *x)
{
	struct avp_emu_sock_opts o;
	struct avp_attach_msg m;
	unsigned int nrecv = 9;
	int32_t status = 0;
	int wst, ret;
	pid_t pid;

	if (geteuid() != 0) {
		printf("  skipped: needs root to connect as another uid\n");
		return 0;
	}
	avp_emu_sock_opts_default(&o);
	o.mode = 0666;		/* the file lets anyone connect */
	CHECK(avp_emu_port_listen_opts(x->port, sock_path, &o) == 0,
		"listen");
	CHECK(chmod(sock_dir, 0755) == 0, "directory reachable");
	pid = fork();
	CHECK(pid >= 0, "fork");
	if (pid == 0) {
		memset(&m, 0, sizeof(m));
		m.magic = AVP_ATTACH_MAGIC;
		m.version = AVP_ATTACH_VERSION;
		m.type = AVP_ATTACH_MSG_HELLO;
		if (setresgid(65534, 65534, 65534) != 0 ||
				setresuid(65534, 65534, 65534) != 0)
			_exit(10);
		ret = t_raw_exchange(sock_path, &m, sizeof(m), -1, 0, &status,
			&nrecv);
		if (ret == AVP_ATTACH_MSG_REJECT && status == -EACCES &&
				nrecv == 0)
			_exit(0);
		_exit(ret == AVP_ATTACH_MSG_DEVICE ? 11 : 12);
	}
	CHECK(waitpid(pid, &wst, 0) == pid, "wait");
	chmod(sock_dir, 0700);
	CHECK(WIFEXITED(wst) && WEXITSTATUS(wst) == 0,
		"peer as nobody: exit %d (11: served, 12: no REJECT -EACCES)",
		WIFEXITED(wst) ? WEXITSTATUS(wst) : -1);
	CHECK(avp_emu_port_attached(x->port) == 0, "attached");
	return 0;
}

static int
t_socket_cycles(struct fx *x)
{
	struct avp_tg g;
	uint64_t deadline;
	int i, fds;

	CHECK(avp_emu_port_listen(x->port, sock_path) == 0, "listen");
	CHECK(avp_emu_port_set_mode(x->port, AVP_EMU_MODE_LOOPBACK, NULL) == 0,
		"mode");
	fds = t_count_fds();
	for (i = 0; i < 50; i++) {
		CHECK(avp_tg_open_socket(&g, sock_path, NULL) == 0, "attach %d",
			i);
		x->g = g;
		x->guest = 1;
		CHECK(t_up(&g, 1, 1, 0) == 0, "configure %d", i);
		CHECK(t_traffic_ok(x, 100 + (uint32_t)i, 1) == 0,
			"traffic %d", i);
		if (i % 2)
			avp_tg_close_port(&g);
		x->guest = 0;
		avp_tg_close(&g);
		deadline = avp_tg_now_ms() + WAIT_MS;
		while (avp_emu_port_attached(x->port)) {
			CHECK(avp_tg_now_ms() < deadline,
				"close %d not noticed", i);
			usleep(200);
		}
	}
	CHECK(t_count_fds() == fds, "no descriptor leaked: %d -> %d", fds,
		t_count_fds());
	CHECK(avp_emu_port_violations(x->port) == 0, "no violations");
	return 0;
}

struct unplug_arg {
	struct avp_tg *g;
	int respond;
	int done;
};

static void *
t_unplug_guest(void *p)
{
	struct unplug_arg *a = p;
	uint64_t deadline = avp_tg_now_ms() + WAIT_MS;

	while (avp_tg_now_ms() < deadline) {
		int r = avp_tg_unplug_pending(a->g);

		if (r == 1 && a->respond) {
			avp_tg_close_port(a->g);
			avp_tg_close(a->g);
			a->done = 1;
			return NULL;
		}
		if (r != 0)
			break;
		usleep(500);
	}
	return NULL;
}

static int
t_unplug(struct fx *x)
{
	struct unplug_arg a;
	struct avp_emu_port_stats st;
	struct avp_tg g;
	pthread_t t;
	int ret;

	CHECK(avp_emu_port_listen(x->port, sock_path) == 0, "listen");
	CHECK(avp_tg_open_socket(&g, sock_path, NULL) == 0, "attach");
	CHECK(t_up(&g, 1, 1, 0) == 0, "configure");
	a.g = &g;
	a.respond = 1;
	a.done = 0;
	pthread_create(&t, NULL, t_unplug_guest, &a);
	ret = avp_emu_port_unplug(x->port, WAIT_MS);
	pthread_join(t, NULL);
	CHECK(ret == 0 && a.done, "guest released: %d", ret);
	avp_emu_port_stats_get(x->port, &st);
	CHECK(st.requests[AVP_OP_SHUTDOWN] == 1, "SHUTDOWN before release");
	CHECK(avp_emu_port_attached(x->port) == 0, "detached");

	/* a guest that ignores UNPLUG is cut off */
	CHECK(avp_tg_open_socket(&g, sock_path, NULL) == 0, "attach");
	ret = avp_emu_port_unplug(x->port, 50);
	CHECK(ret == -ETIMEDOUT, "forced: %d", ret);
	CHECK(avp_emu_port_attached(x->port) == 0, "detached");
	CHECK(avp_tg_unplug_pending(&g) == 1, "UNPLUG was sent");
	CHECK(avp_tg_unplug_pending(&g) == 2, "then the host closed");
	avp_tg_close(&g);
	return 0;
}

/* ---- migration ---- */

struct mig_thread {
	struct avp_tg *g;
	int stop;
	pthread_t t;
};

static void *
t_mig_loop(void *p)
{
	struct mig_thread *m = p;

	while (!__atomic_load_n(&m->stop, __ATOMIC_ACQUIRE))
		avp_tg_mig_service(m->g, 5);
	return NULL;
}

static void
t_mig_start(struct mig_thread *m, struct avp_tg *g)
{
	m->g = g;
	__atomic_store_n(&m->stop, 0, __ATOMIC_RELEASE);
	pthread_create(&m->t, NULL, t_mig_loop, m);
}

static void
t_mig_stop(struct mig_thread *m)
{
	__atomic_store_n(&m->stop, 1, __ATOMIC_RELEASE);
	pthread_join(m->t, NULL);
}

static int
t_traffic_ok(struct fx *x, uint32_t len, unsigned int nq)
{
	static uint8_t f[9000];
	struct avp_tg_rxinfo info;
	int n;

	t_fill(f, len, 0x33);
	CHECK(avp_tg_tx(&x->g, 0, f, len, 0, 0, 0) == 0, "tx");
	n = avp_tg_rx_wait(&x->g, nq, rbuf, sizeof(rbuf), &info, WAIT_MS);
	CHECK(n == (int)len && memcmp(rbuf, f, len) == 0, "loopback %d", n);
	return 0;
}

static int
t_mig_normal(struct fx *x)
{
	struct avp_emu_migrate_result r;
	struct avp_emu_port_state s;
	struct avp_emu_port_stats st;
	struct mig_thread m;
	struct avp_memmap_entry before[2];
	static uint8_t f[64];
	uint64_t old_id;
	int ret;

	CHECK(avp_emu_port_set_mode(x->port, AVP_EMU_MODE_LOOPBACK, NULL) == 0,
		"mode");
	CHECK(t_up(&x->g, 1, 1, 0) == 0, "configure");
	CHECK(t_traffic_ok(x, 1000, 1) == 0, "traffic before");
	/* one frame left on the rx ring is lost */
	CHECK(avp_emu_inject(x->port, f, 64, NULL) == 0, "inject");
	CHECK(t_peek_rx(&x->g, 0, &old_id) != NULL, "on the ring");
	old_id = x->g.devinfo->instance_id;
	memcpy(before, x->g.memmap->entries, sizeof(before));
	t_mig_start(&m, &x->g);
	ret = avp_emu_port_migrate(x->port, NULL, &r);
	t_mig_stop(&m);
	CHECK(ret == 0, "migrate %d", ret);
	CHECK(r.detach_ack == 1 && r.attach_ack == 2 && r.reconfigured,
		"acks %u %u reconf %d", r.detach_ack, r.attach_ack,
		r.reconfigured);
	CHECK(r.frames_lost == 1, "lost %" PRIu64, r.frames_lost);
	CHECK(r.detach_us > 0 && r.attach_us > 0, "times");
	CHECK(x->g.devinfo->instance_id != old_id, "new instance id");
	CHECK(x->g.memmap->entries[0].host_pa != before[0].host_pa &&
		x->g.memmap->entries[1].host_pa != before[1].host_pa,
		"new HPAs");
	CHECK(x->g.memmap->entries[0].host_va != before[0].host_va,
		"new HVAs");
	{
		unsigned char vec;
		uintptr_t old = (uintptr_t)before[0].host_va & ~(uintptr_t)4095;

		CHECK(mincore((void *)old, 4096, &vec) != 0 && errno == ENOMEM,
			"the old host mapping is gone");
	}
	avp_emu_port_state_get(x->port, &s);
	CHECK(s.configured && s.link_up && s.mig_status == AVP_MIG_ATTACHED &&
		s.cfg.instance_id == s.instance_id &&
		s.last_mig_ack == AVP_MIG_ATTACHED, "state after");
	CHECK((x->g.regs->irq_status & AVP_IRQ_CAUSE_MIGRATION) == 0,
		"cause cleared after the ack");
	CHECK(t_traffic_ok(x, 3000, 1) == 0, "traffic after");
	avp_emu_port_stats_get(x->port, &st);
	CHECK(st.migrations == 1 && st.mig_ack_writes == 2 &&
		st.irqs_raised == 2 && st.requests[AVP_OP_SHUTDOWN] == 1,
		"counters");
	CHECK(avp_emu_port_violations(x->port) == 0, "no violations");
	return 0;
}

struct mig_call {
	struct avp_emu_port *port;
	struct avp_emu_migrate_opts o;
	struct avp_emu_migrate_result r;
	int ret;
};

static void *
t_mig_call(void *p)
{
	struct mig_call *c = p;

	c->ret = avp_emu_port_migrate(c->port, &c->o, &c->r);
	return NULL;
}

static int
t_mig_timeout(struct fx *x)
{
	struct avp_emu_migrate_opts o = { .ack_timeout_ms = 50 };
	struct avp_emu_migrate_result r;
	struct avp_emu_port_state s;
	struct mig_call c;
	pthread_t t;
	uint64_t deadline;

	CHECK(t_up(&x->g, 1, 1, 0) == 0, "configure");
	CHECK(avp_emu_port_migrate(x->port, &o, &r) == -ETIMEDOUT, "timeout");
	CHECK(r.detach_ack == 0, "no ack");
	avp_emu_port_state_get(x->port, &s);
	CHECK(s.configured && s.link_up, "state kept");
	o.rx_queues_min = 8;
	o.rx_queues_max = 4;
	CHECK(avp_emu_port_migrate(x->port, &o, &r) == -EINVAL,
		"impossible geometry");
	/* one migration at a time */
	memset(&c, 0, sizeof(c));
	c.port = x->port;
	c.o.ack_timeout_ms = 2000;
	pthread_create(&t, NULL, t_mig_call, &c);
	deadline = avp_tg_now_ms() + WAIT_MS;
	do {
		avp_emu_port_state_get(x->port, &s);
		if (s.mig_status != AVP_MIG_DETACHED)
			usleep(100);
	} while (s.mig_status != AVP_MIG_DETACHED &&
			avp_tg_now_ms() < deadline);
	memset(&o, 0, sizeof(o));
	CHECK(avp_emu_port_migrate(x->port, &o, &r) == -EBUSY ||
		(pthread_join(t, NULL), 0), "second migration refused");
	x->g.regs->mig_ack = AVP_MIG_ERROR;	/* the guest refuses */
	pthread_join(t, NULL);
	CHECK(c.ret == -ECANCELED, "first one: %d", c.ret);
	return 0;
}

static int
t_mig_error(struct fx *x)
{
	struct avp_emu_migrate_result r;
	struct avp_emu_port_state s;
	struct mig_thread m;
	int ret;

	CHECK(t_up(&x->g, 1, 1, 0) == 0, "configure");
	x->g.mig_force_error = 1;
	t_mig_start(&m, &x->g);
	ret = avp_emu_port_migrate(x->port, NULL, &r);
	t_mig_stop(&m);
	CHECK(ret == -ECANCELED && r.detach_ack == AVP_MIG_ERROR,
		"ERROR ack: %d", ret);
	avp_emu_port_state_get(x->port, &s);
	CHECK(s.configured && s.link_up,
		"SHUTDOWN undone after the aborted detach");
	x->g.mig_force_error = 0;
	x->g.detached = 0;
	CHECK(avp_emu_port_set_mode(x->port, AVP_EMU_MODE_LOOPBACK, NULL) == 0,
		"mode");
	CHECK(t_traffic_ok(x, 500, 1) == 0, "still works");
	return 0;
}

static int
t_mig_geometry(struct fx *x)
{
	struct avp_emu_migrate_opts o = {
		.rx_queues_min = 2, .buf_data_size = 1024,
		.reorder_memmap = 1,
	};
	struct avp_emu_migrate_result r;
	struct avp_emu_port_state s;
	struct mig_thread m;
	struct avp_tg_rxinfo info;
	static uint8_t f[3000];
	uint64_t pool_pa;
	int ret, n;

	CHECK(avp_emu_port_set_mode(x->port, AVP_EMU_MODE_LOOPBACK, NULL) == 0,
		"mode");
	CHECK(t_up(&x->g, 1, 1, 0) == 0, "configure");
	CHECK(x->g.memmap->entries[1].host_pa == x->g.devinfo->buf_region_pa,
		"pool second");
	t_mig_start(&m, &x->g);
	ret = avp_emu_port_migrate(x->port, &o, &r);
	t_mig_stop(&m);
	CHECK(ret == 0, "migrate %d", ret);
	pool_pa = x->g.devinfo->buf_region_pa;
	CHECK(x->g.memmap->entries[0].host_pa == pool_pa, "reordered");
	CHECK(x->g.devinfo->rx_queues_min == 2 &&
		x->g.devinfo->buf_data_size == 1024, "new geometry");
	avp_emu_port_state_get(x->port, &s);
	CHECK(s.configured && s.cfg.rx_queues == 2, "recomputed rx_queues %u",
		s.cfg.rx_queues);
	t_fill(f, sizeof(f), 7);
	x->g.buf_data_size = 1024;
	CHECK(avp_tg_tx(&x->g, 0, f, sizeof(f), 0, 0, 0) == 0, "tx");
	n = avp_tg_rx_wait(&x->g, 2, rbuf, sizeof(rbuf), &info, WAIT_MS);
	CHECK(n == (int)sizeof(f) && info.nsegs == 3 &&
		memcmp(rbuf, f, sizeof(f)) == 0, "3 segments of 1024");
	/* and back, reordering again */
	o.buf_data_size = 2048;
	o.rx_queues_min = 1;
	t_mig_start(&m, &x->g);
	ret = avp_emu_port_migrate(x->port, &o, &r);
	t_mig_stop(&m);
	CHECK(ret == 0 && x->g.memmap->entries[1].host_pa ==
		x->g.devinfo->buf_region_pa, "order restored");
	x->g.buf_data_size = 2048;
	CHECK(t_traffic_ok(x, 3000, 2) == 0, "traffic");
	CHECK(avp_emu_port_violations(x->port) == 0, "no violations");
	return 0;
}

static int
t_mig_unconfigured(struct fx *x)
{
	struct avp_emu_migrate_result r;
	struct avp_emu_port_state s;
	struct mig_thread m;
	int ret;

	t_mig_start(&m, &x->g);
	ret = avp_emu_port_migrate(x->port, NULL, &r);
	t_mig_stop(&m);
	CHECK(ret == 0 && !r.reconfigured, "no CONFIGURE expected");
	avp_emu_port_state_get(x->port, &s);
	CHECK(!s.configured, "unconfigured");
	return 0;
}

struct mig_traffic {
	struct avp_tg *g;
	int stop;
	uint64_t sent, received, bad;
};

/* One guest thread: handles migration events and, while attached, runs
 * loopback traffic, as a driver's interrupt and data threads would.
 */
static void *
t_mig_traffic_loop(void *p)
{
	static uint8_t f[1600], r[AVP_EMU_FRAME_MAX];
	struct mig_traffic *m = p;
	struct avp_tg *g = m->g;
	uint64_t seq;
	int n;

	while (!__atomic_load_n(&m->stop, __ATOMIC_ACQUIRE)) {
		avp_tg_mig_service(g, 0);
		if (g->detached)
			continue;
		avp_emu_frame_build(f, 60 + (uint32_t)(m->sent % 1500),
			m->sent, g->devinfo->mac, g->devinfo->mac);
		if (avp_tg_tx(g, 0, f, 60 + (uint32_t)(m->sent % 1500), 0, 0,
				0) == 0)
			__atomic_add_fetch(&m->sent, 1, __ATOMIC_RELEASE);
		while ((n = avp_tg_rx(g, 0, r, sizeof(r), NULL)) != 0) {
			if (n < 0 || avp_emu_frame_verify(r, (uint32_t)n,
					&seq) != 0)
				m->bad++;
			else
				__atomic_add_fetch(&m->received, 1,
					__ATOMIC_RELEASE);
		}
	}
	return NULL;
}

static int
t_mig_traffic(struct fx *x)
{
	struct avp_emu_migrate_opts o;
	struct avp_emu_migrate_result r;
	struct avp_emu_port_stats st;
	struct mig_traffic m;
	uint64_t lost = 0, deadline;
	pthread_t t;
	unsigned int i;
	int ret = 0;

	CHECK(avp_emu_port_set_mode(x->port, AVP_EMU_MODE_LOOPBACK, NULL) == 0,
		"mode");
	CHECK(t_up(&x->g, 1, 1, 0) == 0, "configure");
	memset(&m, 0, sizeof(m));
	m.g = &x->g;
	pthread_create(&t, NULL, t_mig_traffic_loop, &m);
	for (i = 0; i < 6 && ret == 0; i++) {
		deadline = avp_tg_now_ms() + WAIT_MS;
		while (__atomic_load_n(&m.received, __ATOMIC_ACQUIRE) <
				(i + 1) * 200 && avp_tg_now_ms() < deadline)
			usleep(200);
		memset(&o, 0, sizeof(o));
		o.reorder_memmap = i & 1;
		ret = avp_emu_port_migrate(x->port, &o, &r);
		lost += r.frames_lost;
	}
	deadline = avp_tg_now_ms() + WAIT_MS;
	while (__atomic_load_n(&m.received, __ATOMIC_ACQUIRE) < 7 * 200 &&
			avp_tg_now_ms() < deadline)
		usleep(200);
	__atomic_store_n(&m.stop, 1, __ATOMIC_RELEASE);
	pthread_join(t, NULL);
	CHECK(ret == 0, "migration %u: %d", i, ret);
	CHECK(m.bad == 0 && m.received >= 7 * 200,
		"received %" PRIu64 " bad %" PRIu64, m.received, m.bad);
	CHECK(WAIT_STAT(x->port, tx_frames[0], m.sent) == 0,
		"every transmitted frame consumed");
	deadline = avp_tg_now_ms() + WAIT_MS;
	while (avp_emu_wait_rx_drained(x->port, 1) != 0) {
		int n = avp_tg_rx(&x->g, 0, rbuf, sizeof(rbuf), NULL);

		if (n > 0)
			m.received++;
		CHECK(n >= 0 && avp_tg_now_ms() < deadline, "drain");
	}
	avp_emu_port_stats_get(x->port, &st);
	CHECK(st.tx_frames[0] == m.sent, "consumed %" PRIu64 " of %" PRIu64,
		st.tx_frames[0], m.sent);
	CHECK(m.received + lost + st.rx_not_ready + st.rx_ring_full +
		st.rx_no_buf == m.sent,
		"sent %" PRIu64 " = received %" PRIu64 " + lost %" PRIu64
		" + not ready %" PRIu64 " + full %" PRIu64 " + no buf %" PRIu64,
		m.sent, m.received, lost, st.rx_not_ready, st.rx_ring_full,
		st.rx_no_buf);
	printf("  %" PRIu64 " frames, %" PRIu64 " lost on rings, %" PRIu64
		" dropped while not ready\n", m.sent, lost, st.rx_not_ready);
	CHECK(st.migrations == 6, "migrations");
	CHECK(avp_emu_port_violations(x->port) == 0, "no violations");
	return 0;
}

static int
t_mig_attach_error(struct fx *x)
{
	struct avp_emu_migrate_opts o = { .tx_queues_max = 1 };
	struct avp_emu_migrate_result r;
	struct mig_thread m;
	int ret;

	/* the destination has fewer tx queues: the re-sent CONFIGURE is
	 * refused and the guest acknowledges ATTACHED with ERROR
	 */
	CHECK(t_up(&x->g, 2, 1, 0) == 0, "configure");
	t_mig_start(&m, &x->g);
	ret = avp_emu_port_migrate(x->port, &o, &r);
	t_mig_stop(&m);
	CHECK(ret == -ECANCELED && r.detach_ack == 1 && r.attach_ack == 3,
		"attach refused: %d %u %u", ret, r.detach_ack, r.attach_ack);
	CHECK(x->g.detached, "guest stays detached");
	CHECK(t_viol(x->port, AVP_EMU_V_CTRL_REQUEST) == 1,
		"CONFIGURE refused");
	/* a later migration to a compatible host re-attaches it */
	o.tx_queues_max = 8;
	o.drop_vlan_offload = 1;
	o.change_mac = 1;
	t_mig_start(&m, &x->g);
	ret = avp_emu_port_migrate(x->port, &o, &r);
	t_mig_stop(&m);
	CHECK(ret == 0 && !x->g.detached, "re-attached: %d", ret);
	CHECK(x->g.devinfo->features == 0 && x->g.devinfo->mac[5] == 0x80 &&
		x->g.devinfo->tx_queues_max == 8, "destination identity");
	return 0;
}

static int
t_mig_socket(struct fx *x)
{
	struct avp_emu_migrate_result r;
	struct mig_thread m;
	struct avp_tg g;
	int ret;

	CHECK(avp_emu_port_listen(x->port, sock_path) == 0, "listen");
	CHECK(avp_tg_open_socket(&g, sock_path, NULL) == 0, "attach");
	CHECK(avp_emu_port_set_mode(x->port, AVP_EMU_MODE_LOOPBACK, NULL) == 0,
		"mode");
	CHECK(t_up(&g, 1, 1, 0) == 0, "configure");
	t_mig_start(&m, &g);
	ret = avp_emu_port_migrate(x->port, NULL, &r);
	t_mig_stop(&m);
	CHECK(ret == 0 && r.reconfigured, "migrated over the socket: %d",
		ret);
	x->g = g;
	x->guest = 1;
	CHECK(t_traffic_ok(x, 2000, 1) == 0, "traffic");
	return 0;
}

static int
t_mig_scenarios(struct fx *x)
{
	struct avp_tg g;
	struct pollfd pfd;
	uint64_t v;

	/* DETACHED before probe: probe fails and acknowledges 1 */
	CHECK(avp_emu_port_set_mig_status(x->port, AVP_MIG_DETACHED, 0) == 0,
		"status");
	CHECK(avp_tg_open_port(&g, x->port) == -EBUSY, "probe refused");
	CHECK(avp_emu_port_wait_mig_ack(x->port, AVP_MIG_DETACHED, WAIT_MS) ==
		AVP_MIG_DETACHED, "ack 1");
	CHECK(avp_emu_port_set_mig_status(x->port, AVP_MIG_NONE, 0) == 0,
		"status");
	CHECK(avp_tg_open_port(&g, x->port) == 0, "probe");
	/* unexpected status with the cause: ERROR */
	CHECK(avp_emu_port_set_mig_status(x->port, 7, 1) == 0, "raise 7");
	CHECK(avp_tg_mig_service(&g, WAIT_MS) == 1, "handled");
	CHECK(avp_emu_port_wait_mig_ack(x->port, AVP_MIG_ERROR, WAIT_MS) ==
		AVP_MIG_ERROR, "ack 3");
	/* ATTACHED while attached: acknowledged at once */
	CHECK(avp_emu_port_set_mig_status(x->port, AVP_MIG_ATTACHED, 1) == 0,
		"raise 2");
	CHECK(avp_tg_mig_service(&g, WAIT_MS) == 1, "handled");
	CHECK(avp_emu_port_wait_mig_ack(x->port, AVP_MIG_ATTACHED, WAIT_MS) ==
		AVP_MIG_ATTACHED, "ack 2");
	/* DETACHED twice: the second is acknowledged at once */
	g.configured = 0;
	CHECK(avp_emu_port_set_mig_status(x->port, AVP_MIG_DETACHED, 1) == 0,
		"raise 1");
	CHECK(avp_tg_mig_service(&g, WAIT_MS) == 1 && g.detached, "detached");
	CHECK(avp_emu_port_wait_mig_ack(x->port, AVP_MIG_DETACHED, WAIT_MS) ==
		AVP_MIG_DETACHED, "ack 1");
	CHECK(avp_emu_port_set_mig_status(x->port, AVP_MIG_DETACHED, 1) == 0,
		"raise 1 again");
	CHECK(avp_tg_mig_service(&g, WAIT_MS) == 1, "handled");
	CHECK(avp_emu_port_wait_mig_ack(x->port, AVP_MIG_DETACHED, WAIT_MS) ==
		AVP_MIG_DETACHED, "ack 1 again");
	/* masked: latched, delivered on unmask */
	g.regs->irq_mask = 0;
	CHECK(avp_emu_port_raise_irq(x->port, AVP_IRQ_CAUSE_MIGRATION) == 0,
		"raise");
	pfd.fd = g.irq_fd;
	pfd.events = POLLIN;
	CHECK(poll(&pfd, 1, 50) == 0, "masked: no interrupt");
	CHECK((g.regs->irq_status & AVP_IRQ_CAUSE_MIGRATION) != 0, "latched");
	g.regs->irq_mask = AVP_IRQ_MASK_ALL;
	CHECK(poll(&pfd, 1, WAIT_MS) == 1, "delivered on unmask");
	CHECK(read(g.irq_fd, &v, sizeof(v)) == (ssize_t)sizeof(v), "read");
	avp_tg_close(&g);
	return 0;
}

/* ---- MTU ---- */

/* Transmits len bytes on tx[0] in nsegs segments (0: the fewest); 0 when
 * the capture queue got them intact.
 */
static int
t_tx_captured(struct fx *x, uint8_t *f, uint32_t len, unsigned int nsegs)
{
	t_fill(f, len, (uint8_t)len);
	CHECK(avp_tg_tx(&x->g, 0, f, len, nsegs, 0, 0) == 0, "tx %u", len);
	CHECK(avp_emu_wait_captured(x->port, 1, WAIT_MS) == 0,
		"%u bytes captured", len);
	CHECK(avp_emu_capture_pop(x->port, &cf) == 1 && cf.len == len &&
		memcmp(cf.data, f, len) == 0, "%u bytes intact", len);
	return 0;
}

static uint32_t
t_state_mtu(struct avp_emu_port *port)
{
	struct avp_emu_port_state s;

	avp_emu_port_state_get(port, &s);
	return s.mtu;
}

static int
t_mtu(struct fx *x)
{
	static uint8_t f[9000];
	struct avp_tg *g = &x->g;
	struct avp_emu_port_stats st;
	uint64_t deadline;
	char *text = NULL;
	size_t tlen = 0;
	unsigned int i;
	FILE *mem;

	CHECK(t_up(g, 1, 1, AVP_FEAT_VLAN_OFFLOAD) == 0, "configure");
	/* not told: only the chain limits apply, as before SET_MTU existed */
	CHECK(t_state_mtu(x->port) == 0, "no MTU yet");
	CHECK(t_tx_captured(x, f, 9000, 0) == 0, "9000 bytes without SET_MTU");
	CHECK(avp_tg_set_mtu(g, 1500) == 0, "SET_MTU 1500");
	CHECK(t_state_mtu(x->port) == 1500, "mtu recorded");
	CHECK(t_tx_captured(x, f, 1518, 0) == 0, "1518 bytes, one buffer");
	CHECK(t_tx_captured(x, f, 1518, 3) == 0, "1518 bytes, 3 segments");
	/* the tag the host inserts is not part of the guest's frame */
	t_fill(f, 1518, 5);
	CHECK(avp_tg_tx(g, 0, f, 1518, 0, AVP_DESC_F_TX_VLAN, 7) == 0,
		"tx with a tag to insert");
	CHECK(avp_emu_wait_captured(x->port, 1, WAIT_MS) == 0 &&
		avp_emu_capture_pop(x->port, &cf) == 1 && cf.len == 1522,
		"1518 bytes and the inserted tag");
	/* one byte more: dropped, on the one-buffer and the chained path */
	CHECK(avp_tg_tx(g, 0, f, 1519, 0, 0, 0) == 0, "tx 1519");
	CHECK(t_wait_viol(x->port, AVP_EMU_V_OVER_MTU, 1) == 0, "over_mtu");
	CHECK(avp_tg_tx(g, 0, f, 1519, 2, 0, 0) == 0, "tx 1519 chained");
	CHECK(t_wait_viol(x->port, AVP_EMU_V_OVER_MTU, 2) == 0,
		"over_mtu chained");
	/* the next frame is the one captured: the others were not */
	CHECK(t_tx_captured(x, f, 60, 0) == 0, "60 bytes after the drops");
	CHECK(avp_emu_capture_pop(x->port, &cf) == 0, "nothing else");
	avp_emu_port_stats_get(x->port, &st);
	CHECK(st.tx_over_mtu == 2 && st.violations[AVP_EMU_V_OVER_MTU] == 2,
		"tx_over_mtu %" PRIu64, st.tx_over_mtu);
	CHECK(avp_emu_port_violations(x->port) == 2, "no other violation");
	CHECK(st.tx_frames[0] == 5,
		"tx_frames %" PRIu64 " counts the good ones", st.tx_frames[0]);
	CHECK(strcmp(avp_emu_violation_name(AVP_EMU_V_OVER_MTU),
		"over_mtu") == 0, "violation name");
	mem = open_memstream(&text, &tlen);
	CHECK(mem != NULL, "memstream");
	avp_emu_port_stats_print(x->port, mem);
	fclose(mem);
	i = strstr(text, "tx_over_mtu") != NULL &&
		strstr(text, "violation_over_mtu") != NULL;
	free(text);
	CHECK(i, "stats_print shows the drops");
	/* dropped frames give their buffers back: more than the pool */
	for (i = 0; i < 10000; i++) {
		deadline = avp_tg_now_ms() + WAIT_MS;
		while (avp_tg_tx(g, 0, f, 1519, 1 + i % 2, 0, 0) != 0) {
			CHECK(avp_tg_now_ms() < deadline,
				"alloc restocked (%u)", i);
			usleep(100);
		}
	}
	CHECK(t_wait_viol(x->port, AVP_EMU_V_OVER_MTU, 10002) == 0,
		"every one dropped");
	CHECK(avp_emu_capture_pop(x->port, &cf) == 0, "none captured");
	return 0;
}

static int
t_mtu_gen(struct fx *x)
{
	static const uint16_t one[] = { 9000 };
	static const uint16_t mixed[] = { 64, 1518, 1519, 3000, 9000 };
	struct avp_emu_gen_params gp = { one, 1, 20, 8 };
	struct avp_emu_port_stats st;
	struct avp_tg *g = &x->g;
	uint64_t seq;
	unsigned int i;
	int n;

	CHECK(avp_emu_port_set_mode(x->port, AVP_EMU_MODE_GEN, NULL) == 0,
		"mode");
	CHECK(avp_emu_port_set_gen(x->port, &gp) == 0, "gen 9000");
	CHECK(avp_tg_configure(g, 1, 1, 0, 0) == 0, "configure, link down");
	CHECK(avp_tg_set_mtu(g, 1500) == 0, "SET_MTU 1500");
	CHECK(avp_tg_set_link(g, 1) == 0, "link up");
	for (i = 0; i < 20; i++) {
		n = avp_tg_rx_wait(g, 1, rbuf, sizeof(rbuf), NULL, WAIT_MS);
		CHECK(n == 1518, "frame %u: %d bytes, not MTU + 18", i, n);
		CHECK(avp_emu_frame_verify(rbuf, (uint32_t)n, &seq) == 0 &&
			seq == i, "frame %u verified", i);
	}
	CHECK(avp_emu_wait_rx_drained(x->port, WAIT_MS) == 0, "drained");
	gp.sizes = mixed;
	gp.nsizes = 5;
	gp.count = 10;
	CHECK(avp_emu_port_set_gen(x->port, &gp) == 0, "gen mixed");
	for (i = 0; i < 10; i++) {
		uint32_t want = mixed[i % 5] > 1518 ? 1518 : mixed[i % 5];

		n = avp_tg_rx_wait(g, 1, rbuf, sizeof(rbuf), NULL, WAIT_MS);
		CHECK(n == (int)want, "frame %u: %d bytes, want %u", i, n,
			want);
		CHECK(avp_emu_frame_verify(rbuf, (uint32_t)n, &seq) == 0 &&
			seq == i, "frame %u verified", i);
	}
	CHECK(avp_emu_wait_rx_drained(x->port, WAIT_MS) == 0, "drained");
	avp_emu_port_stats_get(x->port, &st);
	CHECK(st.gen_frames == 30, "gen_frames %" PRIu64, st.gen_frames);
	CHECK(avp_emu_port_violations(x->port) == 0, "no violations");
	return 0;
}

/* Frames the guest put on tx before it asked for a smaller MTU were sent
 * under the old one: none is dropped, whatever the host finds first.
 */
static int
t_mtu_order(struct fx *x)
{
	static uint8_t f[9018];
	struct avp_emu_port_stats st;
	struct avp_tg *g = &x->g;
	struct avp_ctrl_msg m;

	CHECK(t_up(g, 2, 1, 0) == 0, "configure");
	CHECK(avp_tg_set_mtu(g, 9000) == 0, "SET_MTU 9000");
	/* the host sees the frames and the request in one pass */
	avp_emu_stop(x->emu);
	t_fill(f, sizeof(f), 4);
	CHECK(avp_tg_tx(g, 0, f, 9018, 0, 0, 0) == 0, "tx 9018 bytes");
	CHECK(avp_tg_tx(g, 1, f, 2000, 0, 0, 0) == 0, "tx 2000, one buffer");
	CHECK(avp_tg_tx(g, 1, f, 1519, 2, 0, 0) == 0, "tx 1519, chained");
	avp_tg_mtu_msg(&m, 1500);
	CHECK(avp_tg_request_post(g, &m) == 0, "post SET_MTU 1500");
	CHECK(avp_emu_start(x->emu) == 0, "restart");
	CHECK(avp_tg_request_wait(g, &m, WAIT_MS) == 0, "SET_MTU answered");
	CHECK(avp_emu_wait_captured(x->port, 3, WAIT_MS) == 0,
		"the 3 frames sent before it captured");
	avp_emu_port_stats_get(x->port, &st);
	CHECK(st.tx_over_mtu == 0 && avp_emu_port_violations(x->port) == 0,
		"none judged by the new MTU (%" PRIu64 " dropped)",
		st.tx_over_mtu);
	CHECK(t_state_mtu(x->port) == 1500, "then the new MTU");
	CHECK(avp_tg_tx(g, 0, f, 2000, 0, 0, 0) == 0, "tx 2000 again");
	CHECK(t_wait_viol(x->port, AVP_EMU_V_OVER_MTU, 1) == 0,
		"dropped under the new MTU");
	return 0;
}

/* A host that forgets the guest (migration, reset, socket guest gone)
 * forgets its MTU.
 */
static int
t_mtu_forget(struct fx *x)
{
	static uint8_t f[9000];
	struct avp_emu_migrate_result r;
	struct avp_tg *g = &x->g;
	struct mig_thread m;
	struct avp_tg gs;
	uint64_t deadline;
	int ret;

	CHECK(t_up(g, 1, 1, 0) == 0, "configure");
	CHECK(avp_tg_set_mtu(g, 1500) == 0, "SET_MTU 1500");
	t_mig_start(&m, g);
	ret = avp_emu_port_migrate(x->port, NULL, &r);
	t_mig_stop(&m);
	CHECK(ret == 0 && r.reconfigured, "migrate %d", ret);
	CHECK(t_state_mtu(x->port) == 0, "the destination was not told");
	CHECK(t_tx_captured(x, f, 9000, 0) == 0, "9000 bytes accepted");
	CHECK(avp_tg_set_mtu(g, 1500) == 0, "told again");
	CHECK(t_state_mtu(x->port) == 1500, "mtu 1500 again");
	CHECK(avp_emu_port_violations(x->port) == 0, "no violations");
	avp_tg_close(g);
	x->guest = 0;
	CHECK(avp_emu_port_reset(x->port) == 0, "reset");
	CHECK(t_state_mtu(x->port) == 0, "reset forgets it");
	/* over the socket: the guest going away */
	CHECK(avp_emu_port_listen(x->port, sock_path) == 0, "listen");
	CHECK(avp_tg_open_socket(&gs, sock_path, "guest") == 0, "attach");
	CHECK(t_up(&gs, 1, 1, 0) == 0 && avp_tg_set_mtu(&gs, 2000) == 0,
		"configure, SET_MTU 2000");
	CHECK(t_state_mtu(x->port) == 2000, "mtu 2000");
	avp_tg_close(&gs);
	deadline = avp_tg_now_ms() + WAIT_MS;
	while (avp_emu_port_attached(x->port)) {
		CHECK(avp_tg_now_ms() < deadline, "close not noticed");
		usleep(500);
	}
	CHECK(t_state_mtu(x->port) == 0, "the next guest starts untold");
	return 0;
}

/* ---- random rx split ---- */

struct split_seen {
	unsigned long frames;
	unsigned long first1;		/* 1-byte first segment */
	unsigned long first_short;	/* 2..5 bytes */
	unsigned long small_chained;	/* <= H bytes, > 1 segment */
	unsigned long segs[AVP_MAX_SEGS + 1];
};

/* Receives one frame on rx[0] into rbuf and checks its chain: returns its
 * length, or -1.
 */
static int
t_rx_split_one(struct fx *x, struct split_seen *sn, unsigned int *nsegs)
{
	uint32_t bsz = x->g.buf_data_size, sum = 0;
	struct avp_tg_rxinfo info;
	unsigned int i;
	int n;

	/* the test guest refuses a bad chain, seg_count or frame_len */
	n = avp_tg_rx_wait(&x->g, 1, rbuf, sizeof(rbuf), &info, WAIT_MS);
	CHECK(n > 0, "rx %d", n);
	CHECK(info.nsegs >= 1 && info.nsegs <= AVP_MAX_SEGS, "%u segments",
		info.nsegs);
	for (i = 0; i < info.nsegs; i++) {
		CHECK(info.seg_len[i] >= 1 && info.seg_len[i] <= bsz,
			"segment %u of %u: %u bytes", i, info.nsegs,
			info.seg_len[i]);
		sum += info.seg_len[i];
	}
	CHECK(sum == (uint32_t)n, "frame_len %d, segments %u", n, sum);
	sn->frames++;
	sn->segs[info.nsegs]++;
	if (info.seg_len[0] == 1)
		sn->first1++;
	else if (info.seg_len[0] < 6)
		sn->first_short++;
	if ((uint32_t)n <= bsz && info.nsegs > 1)
		sn->small_chained++;
	if (nsegs != NULL)
		*nsegs = info.nsegs;
	return n;
}

/* 60..max bytes, from a test-local LCG. */
static uint32_t
t_split_len(uint64_t *r, uint32_t max)
{
	*r = *r * 6364136223846793005ULL + 1442695040888963407ULL;
	return 60 + (uint32_t)(*r >> 33) % (max - 59);
}

/* Segment lengths of n injected frames, cut with seed, into lens. */
static int
t_split_pattern(struct fx *x, uint32_t seed, uint16_t *lens, unsigned int n)
{
	static uint8_t f[4000];
	struct avp_tg_rxinfo info;
	unsigned int i;

	CHECK(avp_emu_port_set_rx_split(x->port, AVP_EMU_RX_SPLIT_RANDOM,
		seed) == 0, "seed %u", seed);
	t_fill(f, sizeof(f), 1);
	for (i = 0; i < n; i++) {
		CHECK(avp_emu_inject(x->port, f, 100 + 37 * i, NULL) == 0,
			"inject");
		CHECK(avp_tg_rx_wait(&x->g, 1, rbuf, sizeof(rbuf), &info,
			WAIT_MS) == (int)(100 + 37 * i), "rx");
		memcpy(&lens[i * AVP_MAX_SEGS], info.seg_len,
			sizeof(info.seg_len));
		memset(&lens[i * AVP_MAX_SEGS + info.nsegs], 0,
			(AVP_MAX_SEGS - info.nsegs) * sizeof(*lens));
	}
	return 0;
}

static int
t_rx_split(struct fx *x)
{
	static const uint16_t gsizes[] = {
		60, 61, 64, 200, 1000, 1514, 2048, 2049, 4097, 6000, 8193,
		9000,
	};
	struct avp_emu_gen_params gp = { gsizes, 12, 1000, 16 };
	struct avp_emu_inject_opts o = { -1, AVP_EMU_INJ_SEGS, 0, 4 };
	static uint16_t pa[40 * AVP_MAX_SEGS], pb[40 * AVP_MAX_SEGS];
	static uint8_t f[9000];
	struct avp_emu_port_stats st;
	struct split_seen sn;
	unsigned long chained;
	uint32_t sizes[50], len;
	uint64_t seq, r = 1;
	unsigned int i, j, k;
	int n;

	memset(&sn, 0, sizeof(sn));
	CHECK(avp_emu_port_set_rx_split(x->port, 2, 0) == -EINVAL,
		"unknown mode refused");
	CHECK(avp_emu_port_set_rx_split(x->port, AVP_EMU_RX_SPLIT_RANDOM,
		12345) == 0, "random");
	CHECK(t_up(&x->g, 1, 1, 0) == 0, "configure");
	/* injected: 1000 frames of 60..9000 bytes, in batches */
	for (i = 0; i < 1000; i += 50) {
		for (j = 0; j < 50; j++) {
			sizes[j] = t_split_len(&r, 9000);
			t_fill(f, sizes[j], (uint8_t)(i + j));
			CHECK(avp_emu_inject(x->port, f, sizes[j], NULL) == 0,
				"inject");
		}
		for (j = 0; j < 50; j++) {
			n = t_rx_split_one(x, &sn, NULL);
			CHECK(n == (int)sizes[j], "frame %u: %d bytes, sent %u",
				i + j, n, sizes[j]);
			t_fill(f, sizes[j], (uint8_t)(i + j));
			CHECK(memcmp(rbuf, f, sizes[j]) == 0,
				"frame %u: bytes", i + j);
		}
	}
	/* at least the segments asked for */
	for (i = 0; i < 50; i++) {
		len = t_split_len(&r, 8000);
		t_fill(f, len, (uint8_t)i);
		CHECK(avp_emu_inject(x->port, f, len, &o) == 0, "inject");
		n = t_rx_split_one(x, &sn, &k);
		CHECK(n == (int)len && memcmp(rbuf, f, len) == 0 && k >= 4,
			"frame of %u bytes: %d, %u segments", len, n, k);
	}
	/* generated: 1000 frames, sizes in turn; none built in place */
	chained = sn.small_chained;
	CHECK(avp_emu_port_set_gen(x->port, &gp) == 0, "gen params");
	CHECK(avp_emu_port_set_mode(x->port, AVP_EMU_MODE_GEN, NULL) == 0,
		"gen");
	for (i = 0; i < 1000; i++) {
		n = t_rx_split_one(x, &sn, NULL);
		CHECK(n > 0, "generated frame %u", i);
		CHECK(avp_emu_frame_verify(rbuf, (uint32_t)n, &seq) == 0 &&
			seq == i && n == gsizes[i % 12],
			"generated frame %u: %d bytes", i, n);
	}
	CHECK(avp_emu_wait_rx_drained(x->port, WAIT_MS) == 0, "drained");
	CHECK(sn.small_chained > chained, "one-buffer generated frames cut");
	/* looped back: one-buffer frames too are cut, not handed back */
	chained = sn.small_chained;
	CHECK(avp_emu_port_set_mode(x->port, AVP_EMU_MODE_LOOPBACK, NULL) ==
		0, "loopback");
	for (i = 0; i < 300; i++) {
		len = t_split_len(&r, i % 3 == 0 ? 9000 : 2048);
		t_fill(f, len, (uint8_t)(i * 3));
		CHECK(avp_tg_tx(&x->g, 0, f, len, 0, 0, 0) == 0, "tx");
		n = t_rx_split_one(x, &sn, NULL);
		CHECK(n == (int)len && memcmp(rbuf, f, len) == 0,
			"looped frame %u: %d bytes, sent %u", i, n, len);
	}
	CHECK(avp_emu_wait_rx_drained(x->port, WAIT_MS) == 0, "drained");
	CHECK(sn.small_chained > chained, "one-buffer looped frames cut");
	printf("  %lu frames: %lu with a 1-byte first segment, %lu with "
		"2..5 bytes, %lu of one buffer chained; segments 1..5:",
		sn.frames, sn.first1, sn.first_short, sn.small_chained);
	for (k = 1; k <= AVP_MAX_SEGS; k++)
		printf(" %lu", sn.segs[k]);
	printf("\n");
	CHECK(sn.first1 > sn.frames / 8, "1-byte first segments: %lu",
		sn.first1);
	CHECK(sn.first_short > 0, "2..5-byte first segments: %lu",
		sn.first_short);
	for (k = 1; k <= AVP_MAX_SEGS; k++)
		CHECK(sn.segs[k] > 0, "no frame of %u segments", k);
	avp_emu_port_stats_get(x->port, &st);
	CHECK(st.rx_oversize == 0 && st.rx_ring_full == 0 &&
		st.rx_no_buf == 0, "nothing dropped");
	CHECK(avp_emu_port_violations(x->port) == 0, "no violations");

	/* a seed repeats its cuts; another one does not */
	CHECK(avp_emu_port_set_mode(x->port, AVP_EMU_MODE_CAPTURE, NULL) == 0,
		"capture");
	CHECK(t_split_pattern(x, 7, pa, 40) == 0 &&
		t_split_pattern(x, 7, pb, 40) == 0, "seed 7 twice");
	CHECK(memcmp(pa, pb, sizeof(pa)) == 0, "same cuts");
	CHECK(t_split_pattern(x, 8, pb, 40) == 0, "seed 8");
	CHECK(memcmp(pa, pb, sizeof(pa)) != 0, "other cuts");
	CHECK(t_split_pattern(x, 0, pa, 40) == 0 &&
		t_split_pattern(x, 0, pb, 40) == 0, "seed 0 twice");
	CHECK(memcmp(pa, pb, sizeof(pa)) == 0, "0: a fixed default");
	/* off: the usual even split again */
	CHECK(avp_emu_port_set_rx_split(x->port, AVP_EMU_RX_SPLIT_OFF, 0) == 0,
		"off");
	t_fill(f, 3000, 9);
	CHECK(avp_emu_inject(x->port, f, 3000, NULL) == 0, "inject");
	{
		struct avp_tg_rxinfo info;

		CHECK(avp_tg_rx_wait(&x->g, 1, rbuf, sizeof(rbuf), &info,
			WAIT_MS) == 3000 && info.nsegs == 2 &&
			info.seg_len[0] == 1500 && info.seg_len[1] == 1500,
			"3000 bytes in 2 x 1500");
	}
	CHECK(avp_emu_port_violations(x->port) == 0, "no violations");
	return 0;
}

/* ---------------------------------------------------------------- */

static void
t_prep_small(struct avp_emu_port_params *p)
{
	p->buf_count = 1024;
	p->ring_slots = 256;
}

static const struct tcase cases[] = {
	{ "ring", t_ring, NULL, 0 },
	{ "device", t_device, NULL, 1 },
	{ "requests", t_requests, NULL, 1 },
	{ "capture", t_capture, NULL, 1 },
	{ "loopback", t_loopback, NULL, 1 },
	{ "xconnect", t_xconnect, t_prep_small, 1 },
	{ "gen", t_gen, NULL, 1 },
	{ "sink", t_sink, NULL, 1 },
	{ "output", t_output, NULL, 1 },
	{ "vlan", t_vlan, NULL, 1 },
	{ "vlan_not_offered", t_vlan_not_offered, t_prep_novlan, 1 },
	{ "chained_rx", t_chained_rx, NULL, 1 },
	{ "link_gate", t_link_gate, NULL, 1 },
	{ "many_ports", t_many_ports, NULL, 0 },
	{ "pool_exhaustion", t_pool_exhaustion, t_prep_tiny_pool, 1 },
	{ "capture_bound", t_capture_bound, NULL, 1 },
	{ "rx_ring_full", t_rx_ring_full, t_prep_short_rings, 1 },
	{ "checker", t_checker, NULL, 1 },
	{ "checker_clean", t_checker_clean, NULL, 1 },
	{ "handle_index", t_handle_index, NULL, 1 },
	{ "fault_image", t_fault_image, t_prep_small, 0 },
	{ "fault_desc", t_fault_desc, NULL, 1 },
	{ "fault_alloc", t_fault_alloc, NULL, 1 },
	{ "fault_ctrl", t_fault_ctrl, NULL, 1 },
	{ "socket", t_socket, NULL, 0 },
	{ "unplug", t_unplug, NULL, 0 },
	{ "socket_cycles", t_socket_cycles, NULL, 0 },
	{ "socket_mode", t_socket_mode, NULL, 0 },
	{ "peer_policy", t_peer_policy, NULL, 0 },
	{ "hello_malformed", t_hello_malformed, NULL, 0 },
	{ "peer_refused", t_peer_refused, NULL, 0 },
	{ "mig_normal", t_mig_normal, NULL, 1 },
	{ "mig_timeout", t_mig_timeout, NULL, 1 },
	{ "mig_error", t_mig_error, NULL, 1 },
	{ "mig_geometry", t_mig_geometry, NULL, 1 },
	{ "mig_unconfigured", t_mig_unconfigured, NULL, 1 },
	{ "mig_traffic", t_mig_traffic, NULL, 1 },
	{ "mig_attach_error", t_mig_attach_error, NULL, 1 },
	{ "mig_socket", t_mig_socket, NULL, 0 },
	{ "mig_scenarios", t_mig_scenarios, t_prep_small, 0 },
	{ "mtu", t_mtu, NULL, 1 },
	{ "mtu_gen", t_mtu_gen, NULL, 1 },
	{ "mtu_order", t_mtu_order, NULL, 1 },
	{ "mtu_forget", t_mtu_forget, NULL, 1 },
	{ "rx_split", t_rx_split, NULL, 1 },
};

int
main(int argc, char **argv)
{
	unsigned int i, pass = 0, fail = 0;
	struct fx x;

	snprintf(sock_dir, sizeof(sock_dir), "/tmp/avp-emu-test-XXXXXX");
	if (mkdtemp(sock_dir) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	snprintf(sock_path, sizeof(sock_path), "%s/port.sock", sock_dir);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct tcase *c = &cases[i];
		uint64_t t0 = avp_tg_now_ms();
		int ret;

		if (argc > 1 && strcmp(argv[1], c->name) != 0)
			continue;
		ret = fx_up(&x, c->prep, c->open_guest);
		if (ret != 0)
			printf("  FAIL set-up: %d\n", ret);
		else
			ret = c->fn(&x);
		fx_down(&x);
		if (ret == 0)
			pass++;
		else
			fail++;
		printf("%s %s (%" PRIu64 " ms)\n", ret == 0 ? "ok  " : "FAIL",
			c->name, avp_tg_now_ms() - t0);
	}
	unlink(sock_path);
	rmdir(sock_dir);
	printf("%u passed, %u failed\n", pass, fail);
	return fail != 0;
}
