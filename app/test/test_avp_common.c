/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The AVP PMD authors
 */

/* Fixtures of the avp_autotest suites: see test_avp_common.h. */

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_bus_vdev.h>
#include <rte_ethdev.h>
#include <rte_log.h>
#include <rte_mbuf.h>

#include "test_avp_common.h"

#define NB_MBUF		8191
#define MAX_CASE_POOLS	4
#define MAX_WATCHES	8

struct avp_emu *emu;
struct rte_mempool *pool;
struct rte_mempool *pool_small;
const uint8_t peer_mac[RTE_ETHER_ADDR_LEN] = {
	0x02, 0x00, 0x00, 0x00, 0x00, 0x99 };
const struct pconf conf1 = { .nrx = 1, .ntx = 1 };
const struct pconf conf_jumbo = {
	.nrx = 1, .ntx = 1, .mtu = BIG_FRAME - 18,
	.rxoff = RTE_ETH_RX_OFFLOAD_SCATTER,
	.txoff = RTE_ETH_TX_OFFLOAD_MULTI_SEGS,
};

static char tdir[64];
static struct tport tports[MAX_TPORTS];
static unsigned int ntports;
static unsigned int seq;		/* numbers ports, vdevs and MACs */
static struct rte_mempool *case_pools[MAX_CASE_POOLS];
/* Scratch room of the helpers here; each suite file has its own. */
static uint8_t cbuf[AVP_EMU_FRAME_MAX];
static uint8_t rbuf[AVP_EMU_FRAME_MAX];

/* ---- rte_log lines, captured while a check runs ---- */

/*
 * The driver's threads log at any time, so the log stream is set once,
 * before any port exists, and never swapped under them: a tee that
 * passes every line on to the stream in effect before and, while a
 * capture runs, also writes it to a memory stream (under log_mtx).
 */
static pthread_mutex_t log_mtx = PTHREAD_MUTEX_INITIALIZER;
static FILE *log_tee, *log_prev, *cap_f;
static char *cap_buf;
static size_t cap_len;

static ssize_t
log_tee_write(void *cookie, const char *buf, size_t size)
{
	RTE_SET_USED(cookie);
	fwrite(buf, 1, size, log_prev);
	fflush(log_prev);
	pthread_mutex_lock(&log_mtx);
	if (cap_f != NULL)
		fwrite(buf, 1, size, cap_f);
	pthread_mutex_unlock(&log_mtx);
	return size;
}

static int
log_tee_open(void)
{
	cookie_io_functions_t io = { .write = log_tee_write };

	log_prev = rte_log_get_stream();
	log_tee = fopencookie(NULL, "w", io);
	if (log_tee == NULL)
		return -1;
	rte_openlog_stream(log_tee);
	return 0;
}

static void
log_tee_close(void)
{
	if (log_tee == NULL)
		return;
	rte_openlog_stream(log_prev);
	fclose(log_tee);
	log_tee = NULL;
}

void
avpt_log_capture(void)
{
	pthread_mutex_lock(&log_mtx);
	if (cap_f == NULL)
		cap_f = open_memstream(&cap_buf, &cap_len);
	pthread_mutex_unlock(&log_mtx);
}

int
avpt_log_release(const char *needle)
{
	const char *p;
	FILE *f;
	int n = 0;

	pthread_mutex_lock(&log_mtx);
	f = cap_f;
	cap_f = NULL;
	pthread_mutex_unlock(&log_mtx);
	if (f == NULL)
		return 0;
	fclose(f);
	for (p = cap_buf; needle != NULL && (p = strstr(p, needle)) != NULL;
	     p++)
		n++;
	if (needle != NULL && n != 1)
		printf("log (%d x \"%s\"):\n%s\n", n, needle, cap_buf);
	free(cap_buf);
	cap_buf = NULL;
	return n == 1;
}

/* ---- ports ---- */

void
params_default(struct avp_emu_port_params *p)
{
	avp_emu_port_params_default(p, seq);
}

void
vdev_name_next(char *name, size_t size)
{
	snprintf(name, size, "net_avp_emu%u", seq++);
}

int
tport_probe(struct tport *t)
{
	char args[300];
	int ret;

	snprintf(args, sizeof(args), "socket=%s%s", t->sock, t->xargs);
	ret = rte_vdev_init(t->name, args);
	if (ret != 0)
		return ret;
	t->probed = 1;
	return rte_eth_dev_get_port_by_name(t->name, &t->port);
}

/* A new emulator port, listening, not yet probed. */
struct tport *
tport_new(const struct avp_emu_port_params *pp)
{
	struct avp_emu_port_params p;
	struct tport *t;

	if (ntports == MAX_TPORTS)
		return NULL;
	if (pp == NULL) {
		params_default(&p);
		pp = &p;
	}
	t = &tports[ntports];
	memset(t, 0, sizeof(*t));
	t->ep = avp_emu_port_create(emu, pp);
	if (t->ep == NULL)
		return NULL;
	ntports++;
	snprintf(t->sock, sizeof(t->sock), "%s/p%u.sock", tdir, seq);
	snprintf(t->name, sizeof(t->name), "net_avp_emu%u", seq);
	seq++;
	if (avp_emu_port_listen(t->ep, t->sock) != 0)
		return NULL;
	return t;
}

/* A new emulator port attached through the vdev. */
struct tport *
tport_create(const struct avp_emu_port_params *pp)
{
	struct tport *t = tport_new(pp);

	if (t == NULL || tport_probe(t) != 0)
		return NULL;
	return t;
}

void
tport_unprobe(struct tport *t)
{
	if (t->probed)
		rte_vdev_uninit(t->name);
	t->probed = 0;
}

/* Releases every port; fails when the strict checker saw something. */
static int
tports_release(void)
{
	uint64_t bad = 0;
	unsigned int i;

	for (i = 0; i < ntports; i++) {
		struct tport *t = &tports[i];
		uint64_t v;

		tport_unprobe(t);
		v = avp_emu_port_violations(t->ep);
		if (v != 0) {
			printf("port %s: %" PRIu64 " strict-checker violations\n",
				t->name, v);
			avp_emu_port_stats_print(t->ep, stdout);
		}
		bad += v;
		avp_emu_port_destroy(t->ep);
	}
	ntports = 0;
	return bad == 0 ? TEST_SUCCESS : TEST_FAILED;
}

int
port_configure(uint16_t port, const struct pconf *c)
{
	struct rte_eth_conf conf;
	uint16_t q;
	int ret;

	memset(&conf, 0, sizeof(conf));
	conf.rxmode.offloads = c->rxoff;
	conf.rxmode.mtu = c->mtu;
	conf.txmode.offloads = c->txoff;
	ret = rte_eth_dev_configure(port, c->nrx, c->ntx, &conf);
	if (ret != 0)
		return ret;
	for (q = 0; q < c->nrx; q++) {
		ret = rte_eth_rx_queue_setup(port, q, 0, SOCKET_ID_ANY, NULL,
				c->mp != NULL ? c->mp : pool);
		if (ret != 0)
			return ret;
	}
	for (q = 0; q < c->ntx; q++) {
		ret = rte_eth_tx_queue_setup(port, q, 0, SOCKET_ID_ANY, NULL);
		if (ret != 0)
			return ret;
	}
	return 0;
}

int
port_start(uint16_t port, const struct pconf *c)
{
	int ret = port_configure(port, c);

	return ret != 0 ? ret : rte_eth_dev_start(port);
}

/* Configures with LSC interrupts on and starts. */
int
port_start_lsc(uint16_t port, uint16_t nq, uint64_t rxoff)
{
	struct rte_eth_conf conf;
	uint16_t q;
	int ret;

	memset(&conf, 0, sizeof(conf));
	conf.intr_conf.lsc = 1;
	conf.rxmode.offloads = rxoff;
	ret = rte_eth_dev_configure(port, nq, nq, &conf);
	for (q = 0; ret == 0 && q < nq; q++)
		ret = rte_eth_rx_queue_setup(port, q, 0, SOCKET_ID_ANY, NULL,
				pool);
	for (q = 0; ret == 0 && q < nq; q++)
		ret = rte_eth_tx_queue_setup(port, q, 0, SOCKET_ID_ANY, NULL);
	return ret != 0 ? ret : rte_eth_dev_start(port);
}

/* An emulator port in mode m, attached and started with c. */
struct tport *
tport_up(const struct avp_emu_port_params *pp, enum avp_emu_mode m,
		const struct pconf *c)
{
	struct tport *t = tport_create(pp);

	if (t == NULL)
		return NULL;
	if (avp_emu_port_set_mode(t->ep, m, NULL) != 0)
		return NULL;
	if (port_start(t->port, c) != 0)
		return NULL;
	if (avp_emu_wait_link(t->ep, 1, WAIT_MS) != 0)
		return NULL;
	return t;
}

const uint8_t *
tport_mac(const struct tport *t)
{
	return avp_emu_port_params_get(t->ep)->mac;
}

int
wait_detached(struct tport *t)
{
	uint64_t end = now_ms() + WAIT_MS;

	while (avp_emu_port_attached(t->ep) && now_ms() < end)
		rte_delay_us_sleep(100);
	if (avp_emu_port_attached(t->ep)) {
		printf("%s: the guest is still attached after %u ms\n",
			t->name, WAIT_MS);
		return -ETIMEDOUT;
	}
	return 0;
}

/* ---- frames and mbufs ---- */

void
fill_frame(uint8_t *f, uint32_t len, const uint8_t *dst, uint32_t salt)
{
	uint32_t i;

	memcpy(f, dst, RTE_ETHER_ADDR_LEN);
	memcpy(f + 6, peer_mac, RTE_ETHER_ADDR_LEN);
	f[12] = 0x08;
	f[13] = 0x00;
	for (i = 14; i < len; i++)
		f[i] = (uint8_t)(i * 7 + salt + (i >> 8));
}

/* An mbuf chain holding f, split at the given segment lengths. */
struct rte_mbuf *
mbuf_from(struct rte_mempool *mp, const uint8_t *f, uint32_t len,
		const uint16_t *segs, unsigned int nsegs)
{
	struct rte_mbuf *head = NULL, *m;
	uint32_t off = 0;
	unsigned int s = 0;

	while (off < len || head == NULL) {
		uint32_t n = len - off;
		char *p;

		if (nsegs != 0 && s < nsegs - 1 && segs[s] < n)
			n = segs[s];
		m = rte_pktmbuf_alloc(mp);
		if (m == NULL)
			goto fail;
		if (n > rte_pktmbuf_tailroom(m))
			n = rte_pktmbuf_tailroom(m);
		p = rte_pktmbuf_append(m, n);
		memcpy(p, f + off, n);
		off += n;
		s++;
		if (head == NULL)
			head = m;
		else if (rte_pktmbuf_chain(head, m) != 0)
			goto fail;
	}
	return head;
fail:
	rte_pktmbuf_free(head);
	return NULL;
}

int
mbuf_equals(const struct rte_mbuf *m, const uint8_t *f, uint32_t len)
{
	const void *p;

	if (m->pkt_len != len)
		return 0;
	p = rte_pktmbuf_read(m, 0, len, rbuf);
	return p != NULL && memcmp(p, f, len) == 0;
}

/* The gratuitous RARP a port sends after a migration (64 bytes). */
void
rarp_build(uint8_t *f, const uint8_t *mac)
{
	memset(f, 0, 64);
	memset(f, 0xff, 6);
	memcpy(f + 6, mac, 6);
	f[12] = 0x80;		/* EtherType 0x8035 */
	f[13] = 0x35;
	f[15] = 1;		/* Ethernet */
	f[16] = 0x08;		/* IPv4 */
	f[18] = 6;
	f[19] = 4;
	f[21] = 3;		/* reverse request */
	memcpy(f + 22, mac, 6);
	memcpy(f + 32, mac, 6);
}

int
is_rarp(const struct rte_mbuf *m)
{
	const uint8_t *p = rte_pktmbuf_mtod(m, const uint8_t *);

	return m->data_len >= 14 && p[12] == 0x80 && p[13] == 0x35;
}

/* ---- traffic ---- */

/* Injects a frame at the host (o NULL: any ring). */
int
inject(struct tport *t, const uint8_t *f, uint32_t len,
		const struct avp_emu_inject_opts *o)
{
	struct avp_emu_inject_opts d = { .queue = -1 };

	return avp_emu_inject(t->ep, f, len, o != NULL ? o : &d);
}

/* Sends one frame through tx, returns 0 when it was accepted. */
int
tx_one(uint16_t port, uint16_t q, struct rte_mbuf *m)
{
	if (rte_eth_tx_burst(port, q, &m, 1) != 1) {
		rte_pktmbuf_free(m);
		return -1;
	}
	return 0;
}

/* Receives until n frames are in or the bounded wait ends. */
unsigned int
rx_wait(uint16_t port, uint16_t q, struct rte_mbuf **pkts, unsigned int n)
{
	uint64_t end = now_ms() + WAIT_MS;
	unsigned int got = 0;

	while (got < n && now_ms() < end) {
		uint16_t want = RTE_MIN(n - got, 512u);
		uint16_t k = rte_eth_rx_burst(port, q, pkts + got, want);

		got += k;
		if (k == 0)
			rte_delay_us_sleep(50);
	}
	return got;
}

/* Polls every queue until the bounded wait ends, frees what comes in. */
unsigned int
rx_drain(uint16_t port, uint16_t nq, unsigned int ms)
{
	struct rte_mbuf *pkts[64];
	uint64_t end = now_ms() + ms;
	unsigned int got = 0;
	uint16_t q, k;

	while (now_ms() < end) {
		for (q = 0; q < nq; q++) {
			k = rte_eth_rx_burst(port, q, pkts, 64);
			rte_pktmbuf_free_bulk(pkts, k);
			got += k;
		}
		rte_delay_us_sleep(100);
	}
	return got;
}

/*
 * Receives (and frees) on every queue until the emulator has nothing
 * pending for the port and every buffer came back; returns the frames.
 */
int
rx_until_drained(struct tport *t, uint16_t nq, unsigned int *frames)
{
	struct rte_mbuf *pkts[64];
	uint64_t end = now_ms() + WAIT_MS;
	unsigned int got = 0;
	uint16_t q, k;

	for (;;) {
		for (q = 0; q < nq; q++) {
			k = rte_eth_rx_burst(t->port, q, pkts, 64);
			rte_pktmbuf_free_bulk(pkts, k);
			got += k;
		}
		if (avp_emu_wait_rx_drained(t->ep, 1) == 0)
			break;
		if (now_ms() > end)
			return -ETIMEDOUT;
	}
	*frames = got;
	return 0;
}

/* One frame of len bytes out and back (skipping announcements). */
int
loop_one(struct tport *t, uint32_t len)
{
	struct rte_mbuf *m;

	fill_frame(cbuf, len, tport_mac(t), len);
	m = mbuf_from(pool, cbuf, len, NULL, 0);
	ASSERT_NOT_NULL(m, "mbuf");
	TEST_ASSERT_SUCCESS(tx_one(t->port, 0, m), "tx");
	for (;;) {
		TEST_ASSERT_EQUAL(rx_wait(t->port, 0, &m, 1), 1u,
			"%u bytes not looped back", len);
		if (!is_rarp(m))
			break;
		rte_pktmbuf_free(m);	/* an announcement after a migration */
	}
	if (!mbuf_equals(m, cbuf, len)) {
		rte_pktmbuf_free(m);
		TEST_ASSERT(0, "%u bytes looped back differ", len);
	}
	rte_pktmbuf_free(m);
	return 0;
}

/*
 * An mbuf holding frame f of len bytes, its data len % 64 bytes past the
 * headroom so that the copies meet every source alignment; a chain when
 * one mbuf cannot hold it.
 */
static struct rte_mbuf *
mbuf_shifted(const uint8_t *f, uint32_t len)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(pool);

	if (m == NULL)
		return NULL;
	m->data_off += len % 64;
	if (len > rte_pktmbuf_tailroom(m)) {
		rte_pktmbuf_free(m);
		return mbuf_from(pool, f, len, NULL, 0);
	}
	memcpy(rte_pktmbuf_append(m, len), f, len);
	return m;
}

/*
 * Loopback of every size in [lo, hi], in bursts, bytes compared; frames
 * leave from every offset within a cache line (mbuf_shifted).
 */
int
loop_sizes(struct tport *t, uint32_t lo, uint32_t hi, uint32_t step)
{
	struct rte_mbuf *tx[32], *rx[32];
	uint32_t len, first;
	unsigned int i, n, got;

	for (first = lo; first <= hi; first += 32 * step) {
		n = 0;
		for (len = first; len <= hi && n < 32; len += step, n++) {
			fill_frame(cbuf, len, tport_mac(t), len);
			tx[n] = mbuf_shifted(cbuf, len);
			ASSERT_NOT_NULL(tx[n], "mbuf");
		}
		TEST_ASSERT_EQUAL(rte_eth_tx_burst(t->port, 0, tx, n), n,
			"tx burst at %u", first);
		got = rx_wait(t->port, 0, rx, n);
		if (got != n)
			rte_pktmbuf_free_bulk(rx, got);
		TEST_ASSERT_EQUAL(got, n, "frames from %u not looped back",
			first);
		for (i = 0; i < n; i++) {
			len = first + i * step;
			fill_frame(cbuf, len, tport_mac(t), len);
			if (mbuf_equals(rx[i], cbuf, len))
				continue;
			len = rx[i]->pkt_len;
			rte_pktmbuf_free_bulk(rx, n);
			TEST_ASSERT(0, "frame of %u bytes differs (got %u bytes)",
				first + i * step, len);
		}
		rte_pktmbuf_free_bulk(rx, n);
	}
	return 0;
}

/*
 * One round of the receive filter test: inject n frames (one to each
 * dst), expect exactly those whose bit is set in accept, byte for byte
 * and in order, and the filtered counter at filtered afterwards.
 */
int
filter_round(struct tport *t, const uint8_t *const *dst, unsigned int n,
		unsigned int accept, uint64_t filtered)
{
	unsigned int i, k, want = 0, got;
	struct rte_mbuf *m[16];

	for (i = 0; i < n; i++) {
		fill_frame(cbuf, 64, dst[i], i);
		TEST_ASSERT_SUCCESS(inject(t, cbuf, 64, NULL), "inject");
		want += (accept >> i) & 1;
	}
	got = rx_wait(t->port, 0, m, want);
	if (got != want)
		rte_pktmbuf_free_bulk(m, got);
	TEST_ASSERT_EQUAL(got, want, "accept 0x%x: %u frames, got %u",
		accept, want, got);
	for (i = 0, k = 0; i < n; i++) {
		if (!(accept & (1u << i)))
			continue;
		fill_frame(cbuf, 64, dst[i], i);
		if (!mbuf_equals(m[k], cbuf, 64)) {
			rte_pktmbuf_free_bulk(m, got);
			TEST_ASSERT(0, "accept 0x%x: frame %u", accept, i);
		}
		k++;
	}
	rte_pktmbuf_free_bulk(m, got);
	TEST_ASSERT_SUCCESS(rx_until_drained(t, 1, &k), "drained");
	TEST_ASSERT_EQUAL(k, 0u, "accept 0x%x: %u frames too many", accept, k);
	ASSERT_XSTAT(t->port, "rx_filtered_packets", filtered);
	return 0;
}

/* Frames the host has placed on rx ring r since the port was created. */
uint64_t
host_placed(struct tport *t, unsigned int r)
{
	struct avp_emu_port_stats st;

	avp_emu_port_stats_get(t->ep, &st);
	return st.rx_frames[r];
}

/* Waits until the host has placed want frames on rx ring r in all. */
int
wait_placed(struct tport *t, unsigned int r, uint64_t want)
{
	uint64_t end = now_ms() + WAIT_MS;
	uint64_t placed;

	while (host_placed(t, r) < want && now_ms() < end)
		rte_delay_us_sleep(100);
	placed = host_placed(t, r);
	if (placed != want) {
		printf("%s: ring %u holds %" PRIu64 " frames in all, expected %"
			PRIu64 "\n", t->name, r, placed, want);
		return -ETIMEDOUT;
	}
	return 0;
}

int
xstat(uint16_t port, const char *name, uint64_t *v)
{
	uint64_t id;
	int ret = rte_eth_xstats_get_id_by_name(port, name, &id);

	if (ret != 0)
		return ret;
	return rte_eth_xstats_get_by_id(port, &id, v, 1) == 1 ? 0 : -EIO;
}

/* ---- ethdev events ---- */

static int event_counts[RTE_ETH_EVENT_MAX];
static struct {
	uint16_t port;
	enum rte_eth_event_type type;
	int on;
} watches[MAX_WATCHES];

static int
event_cb(uint16_t port __rte_unused, enum rte_eth_event_type type,
		void *arg __rte_unused, void *ret_param __rte_unused)
{
	if ((unsigned int)type < RTE_ETH_EVENT_MAX)
		__atomic_fetch_add(&event_counts[type], 1, __ATOMIC_SEQ_CST);
	return 0;
}

int
event_watch(uint16_t port, enum rte_eth_event_type type)
{
	unsigned int i;
	int ret;

	for (i = 0; i < MAX_WATCHES && watches[i].on; i++)
		;
	if (i == MAX_WATCHES)
		return -ENOSPC;
	event_reset(type);
	ret = rte_eth_dev_callback_register(port, type, event_cb, NULL);
	if (ret != 0)
		return ret;
	watches[i].port = port;
	watches[i].type = type;
	watches[i].on = 1;
	return 0;
}

void
event_unwatch(uint16_t port, enum rte_eth_event_type type)
{
	unsigned int i;

	for (i = 0; i < MAX_WATCHES; i++) {
		if (!watches[i].on || watches[i].port != port ||
		    watches[i].type != type)
			continue;
		rte_eth_dev_callback_unregister(port, type, event_cb, NULL);
		watches[i].on = 0;
	}
}

static void
event_unwatch_all(void)
{
	unsigned int i;

	for (i = 0; i < MAX_WATCHES; i++)
		if (watches[i].on)
			event_unwatch(watches[i].port, watches[i].type);
}

void
event_reset(enum rte_eth_event_type type)
{
	__atomic_store_n(&event_counts[type], 0, __ATOMIC_SEQ_CST);
}

int
event_count(enum rte_eth_event_type type)
{
	return __atomic_load_n(&event_counts[type], __ATOMIC_SEQ_CST);
}

int
event_wait(enum rte_eth_event_type type, int n)
{
	uint64_t end = now_ms() + WAIT_MS;

	while (event_count(type) < n && now_ms() < end)
		rte_delay_us_sleep(200);
	if (event_count(type) < n) {
		printf("%d of %d events of type %d after %u ms\n",
			event_count(type), n, type, WAIT_MS);
		return -ETIMEDOUT;
	}
	return 0;
}

/* ---- traffic threads ---- */

struct mt_worker {
	struct mt_ctl *c;
	uint16_t q;
	uint32_t n;
};

static struct {
	struct mt_ctl c;
	struct mt_worker w[MT_QUEUES];
	pthread_t th[MT_QUEUES];
	unsigned int nq;	/* queues in use */
	unsigned int nth;	/* threads running */
} mt;

/* Whether a received frame (any chain) is intact; buf: scratch room. */
static int
mt_frame_ok(const struct rte_mbuf *m, uint8_t *buf)
{
	const uint8_t *p = rte_pktmbuf_read(m, 0, m->pkt_len, buf);
	uint64_t sq;

	return p != NULL && avp_emu_frame_verify(p, m->pkt_len, &sq) == 0;
}

static void *
mt_main(void *arg)
{
	struct mt_worker *w = arg;
	struct mt_ctl *c = w->c;
	uint32_t span = c->max_len != 0 ? c->max_len - 59 : 1450;
	struct rte_mbuf *m[32];
	uint8_t f[AVP_EMU_FRAME_MAX];
	uint16_t moved;

	while (!__atomic_load_n(&c->stop, __ATOMIC_ACQUIRE)) {
		/* announcements are in flight too (and may be lost) */
		int64_t inflight = (int64_t)(__atomic_load_n(&c->sent,
				__ATOMIC_ACQUIRE) +
			__atomic_load_n(&c->announced, __ATOMIC_ACQUIRE) -
			__atomic_load_n(&c->received, __ATOMIC_ACQUIRE) -
			__atomic_load_n(&c->rarp, __ATOMIC_ACQUIRE) -
			__atomic_load_n(&c->lost, __ATOMIC_ACQUIRE));
		unsigned int i, k = 0;
		uint16_t r;

		while (k < MT_BURST && inflight + (int64_t)k < MT_WINDOW) {
			uint32_t len = 60 + ((w->n + k) * 29) % span;

			avp_emu_frame_build(f, len, (uint64_t)w->q << 32 |
				(w->n + k), c->mac, peer_mac);
			m[k] = mbuf_from(pool, f, len, NULL, 0);
			if (m[k] == NULL)
				break;
			k++;
		}
		r = rte_eth_tx_burst(c->port, w->q, m, k);
		moved = r;
		/* what was not taken stays ours: free it (not lost) */
		rte_pktmbuf_free_bulk(m + r, k - r);
		if (r < k)
			__atomic_fetch_add(&c->tx_refused, k - r,
				__ATOMIC_RELAXED);
		w->n += r;
		__atomic_fetch_add(&c->sent, r, __ATOMIC_RELEASE);
		r = rte_eth_rx_burst(c->port, w->q, m, 32);
		for (i = 0; i < r; i++) {
			if (is_rarp(m[i])) {
				__atomic_fetch_add(&c->rarp, 1,
					__ATOMIC_RELAXED);
				continue;
			}
			if (!mt_frame_ok(m[i], f))
				__atomic_fetch_add(&c->bad, 1,
					__ATOMIC_RELAXED);
			__atomic_fetch_add(&c->received, 1, __ATOMIC_RELEASE);
		}
		rte_pktmbuf_free_bulk(m, r);
		if (r == 0 && moved == 0)
			rte_delay_us_sleep(50);	/* idle or detached */
	}
	return NULL;
}

struct mt_ctl *
mt_start(struct tport *t, unsigned int nq, uint32_t max_len)
{
	unsigned int i;

	if (mt.nth != 0 || nq > MT_QUEUES)
		return NULL;
	memset(&mt.c, 0, sizeof(mt.c));
	mt.c.max_len = max_len;
	mt.c.port = t->port;
	mt.c.mac = tport_mac(t);
	mt.nq = nq;
	for (i = 0; i < nq; i++) {
		mt.w[i].c = &mt.c;
		mt.w[i].q = i;
		mt.w[i].n = 0;
		if (pthread_create(&mt.th[i], NULL, mt_main, &mt.w[i]) != 0) {
			mt_stop();
			return NULL;
		}
		mt.nth++;
	}
	return &mt.c;
}

void
mt_stop(void)
{
	unsigned int i;

	__atomic_store_n(&mt.c.stop, 1, __ATOMIC_RELEASE);
	for (i = 0; i < mt.nth; i++)
		pthread_join(mt.th[i], NULL);
	mt.nth = 0;
}

/*
 * Waits until everything sent (and the announcements) came back or was
 * lost, or the wait ends.
 */
void
mt_settle(struct tport *t, uint64_t announced)
{
	struct mt_ctl *c = &mt.c;
	struct rte_mbuf *m[32];
	uint64_t end = now_ms() + WAIT_MS;
	unsigned int q, i, nq = mt.nq;
	uint16_t r;

	while (c->sent + announced > c->received + c->rarp + c->lost &&
	       now_ms() < end) {
		for (q = 0; q < nq; q++) {
			r = rte_eth_rx_burst(t->port, q, m, 32);
			for (i = 0; i < r; i++) {
				if (is_rarp(m[i])) {
					c->rarp++;
					continue;
				}
				if (!mt_frame_ok(m[i], rbuf))
					c->bad++;
				c->received++;
			}
			rte_pktmbuf_free_bulk(m, r);
		}
		rte_delay_us_sleep(100);
	}
}

/* ---- fixtures ---- */

struct rte_mempool *
case_pool_create(const char *name, unsigned int n, uint16_t data_room)
{
	unsigned int i;

	for (i = 0; i < MAX_CASE_POOLS && case_pools[i] != NULL; i++)
		;
	if (i == MAX_CASE_POOLS)
		return NULL;
	case_pools[i] = rte_pktmbuf_pool_create(name, n, 0, 0, data_room,
			SOCKET_ID_ANY);
	return case_pools[i];
}

int
avpt_suite_setup(void)
{
	snprintf(tdir, sizeof(tdir), "/tmp/avp_autotest.XXXXXX");
	if (mkdtemp(tdir) == NULL) {
		printf("mkdtemp: %s\n", strerror(errno));
		return TEST_FAILED;
	}
	emu = avp_emu_create();
	if (emu == NULL || avp_emu_start(emu) != 0) {
		printf("cannot start the emulator\n");
		return TEST_FAILED;
	}
	avp_emu_set_log(emu, stderr, 0);
	if (log_tee_open() != 0) {
		printf("cannot open the log tee\n");
		return TEST_FAILED;
	}
	pool = rte_pktmbuf_pool_create("avp_test_pool", NB_MBUF, 256, 0,
			RTE_MBUF_DEFAULT_BUF_SIZE, SOCKET_ID_ANY);
	pool_small = rte_pktmbuf_pool_create("avp_test_small", 4095, 0, 0,
			RTE_PKTMBUF_HEADROOM + 256, SOCKET_ID_ANY);
	if (pool == NULL || pool_small == NULL) {
		printf("cannot create mempools\n");
		return TEST_FAILED;
	}
	return TEST_SUCCESS;
}

void
avpt_suite_teardown(void)
{
	tports_release();
	avp_emu_destroy(emu);
	emu = NULL;
	rte_mempool_free(pool);
	rte_mempool_free(pool_small);
	pool = NULL;
	pool_small = NULL;
	avpt_log_release(NULL);
	log_tee_close();
	rmdir(tdir);
}

int
avpt_ut_setup(void)
{
	return TEST_SUCCESS;
}

/*
 * Whatever a case left behind, in the order it depends on: threads
 * before the ports they use, callbacks before their ports, ports before
 * the pools their queues hold; a stopped emulator runs again.
 */
void
avpt_ut_teardown(void)
{
	unsigned int i;

	mt_stop();
	event_unwatch_all();
	avp_emu_start(emu);
	tports_release();
	for (i = 0; i < MAX_CASE_POOLS; i++) {
		rte_mempool_free(case_pools[i]);
		case_pools[i] = NULL;
	}
	if (rte_mempool_full(pool) == 0 || rte_mempool_full(pool_small) == 0)
		printf("warning: mbufs not back in their pools (%u / %u in use)\n",
			rte_mempool_in_use_count(pool),
			rte_mempool_in_use_count(pool_small));
}

int
case_end(void)
{
	TEST_ASSERT_SUCCESS(tports_release(),
		"the emulator's strict checker saw violations");
	TEST_ASSERT_EQUAL(rte_mempool_in_use_count(pool), 0u,
		"%u mbufs leaked", rte_mempool_in_use_count(pool));
	TEST_ASSERT_EQUAL(rte_mempool_in_use_count(pool_small), 0u,
		"%u small mbufs leaked", rte_mempool_in_use_count(pool_small));
	return TEST_SUCCESS;
}
