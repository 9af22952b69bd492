/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The AVP PMD authors
 */

/*
 * avp_autotest: the AVP PMD against the in-process host emulator
 * (app/avp-host/lib). Ports attach through the emulator transport
 * (net_avp_emu vdev on a UNIX socket in a private directory) and, in one
 * case, through the PCI driver with a synthesized PCI function whose BARs
 * are the emulator's. Every case checks that the emulator's strict
 * checker saw no violation.
 */

#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bus_driver.h>
#include <bus_pci_driver.h>
#include <rte_bus_vdev.h>
#include <rte_dev.h>
#include <rte_devargs.h>
#include <rte_cycles.h>
#include <rte_ethdev.h>
#include <rte_interrupts.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>
#include <rte_version.h>

#include "test.h"
#include "avp_emu.h"

#define WAIT_MS		3000	/* every bounded wait */
#define NB_MBUF		8191
#define MAX_TPORTS	4
#define BIG_FRAME	AVP_DOCUMENTED_MAX_FRAME_LEN

struct tport {
	struct avp_emu_port *ep;
	char name[32];
	char sock[256];
	char xargs[32];		/* more devargs, e.g. ",announce=0" */
	uint16_t port;
	int probed;
};

static struct avp_emu *emu;
static char tdir[64];
static struct rte_mempool *pool;	/* 2048-byte data room */
static struct rte_mempool *pool_small;	/* 256-byte data room */
static struct tport tports[MAX_TPORTS];
static unsigned int ntports;
static unsigned int seq;
/* Emulator frame buffers are large: keep them out of the stack. */
static struct avp_emu_frame cap;
static uint8_t fbuf[AVP_EMU_FRAME_MAX];
static uint8_t rbuf[AVP_EMU_FRAME_MAX];

static const uint8_t peer_mac[RTE_ETHER_ADDR_LEN] = {
	0x02, 0x00, 0x00, 0x00, 0x00, 0x99 };

static int is_rarp(const struct rte_mbuf *m);

static uint64_t
now_ms(void)
{
	return rte_get_timer_cycles() * 1000 / rte_get_timer_hz();
}

/* ---- ports ---- */

static void
params_default(struct avp_emu_port_params *p)
{
	avp_emu_port_params_default(p, seq);
}

static int
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
static struct tport *
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
static struct tport *
tport_create(const struct avp_emu_port_params *pp)
{
	struct tport *t = tport_new(pp);

	if (t == NULL || tport_probe(t) != 0)
		return NULL;
	return t;
}

static void
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

struct pconf {
	uint16_t nrx, ntx;
	uint64_t rxoff, txoff;
	uint16_t mtu;
	struct rte_mempool *mp;
};

static int
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

static int
port_start(uint16_t port, const struct pconf *c)
{
	int ret = port_configure(port, c);

	return ret != 0 ? ret : rte_eth_dev_start(port);
}

static const struct pconf conf1 = { .nrx = 1, .ntx = 1 };
static const struct pconf conf_jumbo = {
	.nrx = 1, .ntx = 1, .mtu = BIG_FRAME - 18,
	.rxoff = RTE_ETH_RX_OFFLOAD_SCATTER,
	.txoff = RTE_ETH_TX_OFFLOAD_MULTI_SEGS,
};

/* An emulator port in mode m, attached and started with c. */
static struct tport *
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

static const uint8_t *
tport_mac(const struct tport *t)
{
	return avp_emu_port_params_get(t->ep)->mac;
}

/* ---- frames and mbufs ---- */

static void
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
static struct rte_mbuf *
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

static int
mbuf_equals(const struct rte_mbuf *m, const uint8_t *f, uint32_t len)
{
	const void *p;

	if (m->pkt_len != len)
		return 0;
	p = rte_pktmbuf_read(m, 0, len, rbuf);
	return p != NULL && memcmp(p, f, len) == 0;
}

/* Receives until n frames are in or the bounded wait ends. */
static unsigned int
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
static unsigned int
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
static int
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

static int
xstat(uint16_t port, const char *name, uint64_t *v)
{
	uint64_t id;
	int ret = rte_eth_xstats_get_id_by_name(port, name, &id);

	if (ret != 0)
		return ret;
	return rte_eth_xstats_get_by_id(port, &id, v, 1) == 1 ? 0 : -EIO;
}

#define ASSERT_XSTAT(port, name, want) do { \
	uint64_t v_ = UINT64_MAX; \
	TEST_ASSERT_SUCCESS(xstat(port, name, &v_), "xstat %s missing", name); \
	TEST_ASSERT_EQUAL(v_, (uint64_t)(want), "xstat %s = %" PRIu64 \
		", expected %" PRIu64, name, v_, (uint64_t)(want)); \
} while (0)

#define ASSERT_NOT_NULL(p, what) TEST_ASSERT_NOT_NULL(p, "%s failed", what)

/* Injects frames (each to dst) and waits until the port has them. */
static int
inject(struct tport *t, const uint8_t *f, uint32_t len,
		const struct avp_emu_inject_opts *o)
{
	struct avp_emu_inject_opts d = { .queue = -1 };

	return avp_emu_inject(t->ep, f, len, o != NULL ? o : &d);
}

/* Sends one frame through tx, returns 0 when it was accepted. */
static int
tx_one(uint16_t port, uint16_t q, struct rte_mbuf *m)
{
	if (rte_eth_tx_burst(port, q, &m, 1) != 1) {
		rte_pktmbuf_free(m);
		return -1;
	}
	return 0;
}

/* The gratuitous RARP a port sends after a migration (60 bytes). */
static void
rarp_build(uint8_t *f, const uint8_t *mac)
{
	memset(f, 0, 60);
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

static int
is_rarp(const struct rte_mbuf *m)
{
	const uint8_t *p = rte_pktmbuf_mtod(m, const uint8_t *);

	return m->data_len >= 14 && p[12] == 0x80 && p[13] == 0x35;
}

/* ---- suite setup ---- */

static int
avp_suite_setup(void)
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

static void
avp_suite_teardown(void)
{
	tports_release();
	avp_emu_destroy(emu);
	emu = NULL;
	rte_mempool_free(pool);
	rte_mempool_free(pool_small);
	pool = NULL;
	pool_small = NULL;
	rmdir(tdir);
}

static int
ut_setup(void)
{
	return TEST_SUCCESS;
}

/* Whatever a failed case left behind; every mbuf must be back. */
static void
ut_teardown(void)
{
	tports_release();
	if (rte_mempool_full(pool) == 0 || rte_mempool_full(pool_small) == 0)
		printf("warning: mbufs not back in their pools (%u / %u in use)\n",
			rte_mempool_in_use_count(pool),
			rte_mempool_in_use_count(pool_small));
}

/* Ends a case: ports released, no violation, no mbuf leaked. */
static int
test_end(void)
{
	TEST_ASSERT_SUCCESS(tports_release(),
		"the emulator's strict checker saw violations");
	TEST_ASSERT_EQUAL(rte_mempool_in_use_count(pool), 0u,
		"%u mbufs leaked", rte_mempool_in_use_count(pool));
	TEST_ASSERT_EQUAL(rte_mempool_in_use_count(pool_small), 0u,
		"%u small mbufs leaked", rte_mempool_in_use_count(pool_small));
	return TEST_SUCCESS;
}

/* ---- cases ---- */

static int
test_infos(void)
{
	struct avp_emu_port_params p;
	struct rte_eth_dev_info info;
	struct rte_ether_addr mac;
	struct tport *t, *nv;
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

	/* A host without VLAN offload: nothing VLAN is advertised. */
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
	return test_end();
}

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

/* Traffic on every queue: a frame injected per host ring comes out. */
static int
check_all_rings(struct tport *t, uint16_t nrx, uint16_t rings)
{
	struct avp_emu_port_stats st0;
	struct rte_mbuf *pkts[64];
	uint64_t base;
	unsigned int got = 0, q, r;

	TEST_ASSERT_SUCCESS(rte_eth_dev_start(t->port), "restart");
	TEST_ASSERT_SUCCESS(avp_emu_wait_link(t->ep, 1, WAIT_MS), "link");
	avp_emu_port_stats_get(t->ep, &st0);
	for (base = 0, r = 0; r < AVP_MAX_QUEUES; r++)
		base += st0.rx_frames[r];
	fill_frame(fbuf, 100, tport_mac(t), 1);
	for (r = 0; r < rings; r++) {
		struct avp_emu_inject_opts o = { .queue = (int)r };

		TEST_ASSERT_SUCCESS(inject(t, fbuf, 100, &o), "inject");
	}
	{
		/* every frame on its ring before anyone polls */
		struct avp_emu_port_stats st;
		uint64_t end = now_ms() + WAIT_MS, placed;

		do {
			avp_emu_port_stats_get(t->ep, &st);
			for (placed = 0, r = 0; r < AVP_MAX_QUEUES; r++)
				placed += st.rx_frames[r];
		} while (placed < base + rings && now_ms() < end);
		TEST_ASSERT_EQUAL(placed, base + rings, "frames placed");
	}
	for (q = 0; q < nrx; q++) {
		/* section 11 mapping: queue q serves its ring range, all of
		 * it in a single burst
		 */
		unsigned int b = rings / nrx, rem = rings % nrx;
		unsigned int want = q < rem ? b + 1 : b;
		unsigned int k = rte_eth_rx_burst(t->port, q, pkts, 64);

		TEST_ASSERT_EQUAL(k, want, "queue %u got %u frames, want %u",
			q, k, want);
		rte_pktmbuf_free_bulk(pkts, k);
		got += k;
	}
	TEST_ASSERT_EQUAL(got, rings, "frames");
	TEST_ASSERT_SUCCESS(rte_eth_dev_stop(t->port), "stop");
	return 0;
}

static int
test_configure_queues(void)
{
	struct avp_emu_port_params p;
	struct tport *t, *m;

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

	/* rx_queues_min 5: 2 queues serve rings 0-2 and 3-4. */
	params_default(&p);
	p.rx_queues_min = 5;
	m = tport_create(&p);
	ASSERT_NOT_NULL(m, "probe min 5");
	TEST_ASSERT_SUCCESS(check_configure(m, 2, 1, 5), "R = min");
	TEST_ASSERT_SUCCESS(check_all_rings(m, 2, 5), "R = min traffic");
	return test_end();
}

static int
test_too_many_queues(void)
{
	struct avp_emu_port_params p;
	struct rte_eth_conf conf;
	struct tport *t;

	memset(&conf, 0, sizeof(conf));
	t = tport_create(NULL);
	ASSERT_NOT_NULL(t, "probe");
	TEST_ASSERT_EQUAL(rte_eth_dev_configure(t->port, 9, 1, &conf), -EINVAL,
		"9 rx queues");
	TEST_ASSERT_EQUAL(rte_eth_dev_configure(t->port, 1, 9, &conf), -EINVAL,
		"9 tx queues");

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
	return test_end();
}

/* Loopback of every size in [lo, hi], in bursts, bytes compared. */
static int
loop_sizes(struct tport *t, uint32_t lo, uint32_t hi, uint32_t step,
		const uint16_t *segs, unsigned int nsegs)
{
	struct rte_mbuf *tx[32], *rx[32];
	uint32_t len, first;
	unsigned int i, n;

	for (first = lo; first <= hi; first += 32 * step) {
		n = 0;
		for (len = first; len <= hi && n < 32; len += step, n++) {
			fill_frame(fbuf, len, tport_mac(t), len);
			tx[n] = mbuf_from(pool, fbuf, len, segs, nsegs);
			ASSERT_NOT_NULL(tx[n], "mbuf");
		}
		TEST_ASSERT_EQUAL(rte_eth_tx_burst(t->port, 0, tx, n), n,
			"tx burst at %u", first);
		TEST_ASSERT_EQUAL(rx_wait(t->port, 0, rx, n), n,
			"frames from %u not looped back", first);
		for (i = 0; i < n; i++) {
			len = first + i * step;
			fill_frame(fbuf, len, tport_mac(t), len);
			TEST_ASSERT(mbuf_equals(rx[i], fbuf, len),
				"frame of %u bytes differs (got %u bytes)",
				len, rx[i]->pkt_len);
		}
		rte_pktmbuf_free_bulk(rx, n);
	}
	return 0;
}

static int
test_loopback_sizes(void)
{
	struct rte_eth_burst_mode mode;
	struct tport *t;

	t = tport_up(NULL, AVP_EMU_MODE_LOOPBACK, &conf1);
	ASSERT_NOT_NULL(t, "port");
	TEST_ASSERT_SUCCESS(rte_eth_rx_burst_mode_get(t->port, 0, &mode),
		"rx mode");
	TEST_ASSERT(strncmp(mode.info, "Simple", 6) == 0, "rx path %s",
		mode.info);
	TEST_ASSERT_SUCCESS(rte_eth_tx_burst_mode_get(t->port, 0, &mode),
		"tx mode");
	TEST_ASSERT(strncmp(mode.info, "Simple", 6) == 0, "tx path %s",
		mode.info);
	TEST_ASSERT_SUCCESS(loop_sizes(t, 60, 1518, 1, NULL, 0), "60..1518");
	TEST_ASSERT_SUCCESS(rte_eth_dev_stop(t->port), "stop");
	ASSERT_XSTAT(t->port, "rx_q0_packets", 1459);
	ASSERT_XSTAT(t->port, "tx_q0_packets", 1459);
	return test_end();
}

static int
test_loopback_jumbo(void)
{
	struct rte_eth_burst_mode mode;
	struct rte_mbuf *m;
	struct tport *t;
	unsigned int s;

	t = tport_up(NULL, AVP_EMU_MODE_LOOPBACK, &conf_jumbo);
	ASSERT_NOT_NULL(t, "port");
	TEST_ASSERT_SUCCESS(rte_eth_rx_burst_mode_get(t->port, 0, &mode),
		"rx mode");
	TEST_ASSERT(strncmp(mode.info, "Scattered", 9) == 0, "rx path %s",
		mode.info);
	TEST_ASSERT_SUCCESS(rte_eth_tx_burst_mode_get(t->port, 0, &mode),
		"tx mode");
	TEST_ASSERT(strncmp(mode.info, "Scattered", 9) == 0, "tx path %s",
		mode.info);
	fill_frame(fbuf, BIG_FRAME, tport_mac(t), 5);
	m = mbuf_from(pool, fbuf, BIG_FRAME, NULL, 0);
	ASSERT_NOT_NULL(m, "mbuf");
	TEST_ASSERT_EQUAL(m->nb_segs, 5, "tx chain of %u", m->nb_segs);
	TEST_ASSERT_SUCCESS(tx_one(t->port, 0, m), "tx 9238");
	TEST_ASSERT_EQUAL(rx_wait(t->port, 0, &m, 1), 1u, "9238 not back");
	TEST_ASSERT(mbuf_equals(m, fbuf, BIG_FRAME), "9238 bytes differ");
	TEST_ASSERT_EQUAL(m->nb_segs, 5, "rx chain of %u", m->nb_segs);
	rte_pktmbuf_free(m);
	/* and a sweep of sizes through the scattered paths */
	TEST_ASSERT_SUCCESS(loop_sizes(t, 60, BIG_FRAME, 97, NULL, 0),
		"jumbo sweep");
	/* the host splitting every frame into 2..5 segments */
	for (s = 2; s <= AVP_MAX_SEGS; s++) {
		TEST_ASSERT_SUCCESS(avp_emu_port_set_rx_segs(t->ep, s), "segs");
		TEST_ASSERT_SUCCESS(loop_sizes(t, 60, BIG_FRAME, 331 + s,
			NULL, 0), "sweep with %u host segments", s);
	}
	TEST_ASSERT_SUCCESS(avp_emu_port_set_rx_segs(t->ep, 0), "segs");
	ASSERT_XSTAT(t->port, "rx_invalid_desc_errors", 0);
	return test_end();
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
	unsigned int i, s;

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
			TEST_ASSERT(mbuf_equals(m, fbuf, len),
				"%u bytes in %u segments differ", len, s);
			TEST_ASSERT_EQUAL(m->nb_segs, (len + 255) / 256,
				"%u bytes: %u mbufs", len, m->nb_segs);
			rte_pktmbuf_free(m);
		}
	}
	ASSERT_XSTAT(t->port, "rx_invalid_desc_errors", 0);
	return test_end();
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
	return test_end();
}

static int
test_tx_oversize(void)
{
	struct rte_eth_stats st;
	struct rte_mbuf *m[3];
	struct tport *t, *s;

	/* Scattered path: 9239 bytes is more than the host takes. */
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

	/*
	 * Simple path, MTU 1500: the host was told the MTU, so 1519 bytes
	 * is more than it takes (its checker would see it), 1518 fits.
	 */
	s = tport_up(NULL, AVP_EMU_MODE_CAPTURE, &conf1);
	ASSERT_NOT_NULL(s, "simple port");
	m[0] = mbuf_from(pool, fbuf, 1519, NULL, 0);
	ASSERT_NOT_NULL(m[0], "mbuf");
	TEST_ASSERT_EQUAL(rte_eth_tx_burst(s->port, 0, m, 1), 1, "consumed");
	ASSERT_XSTAT(s->port, "tx_oversize_errors", 1);
	m[0] = mbuf_from(pool, fbuf, 1518, NULL, 0);
	TEST_ASSERT_SUCCESS(tx_one(s->port, 0, m[0]), "1518 fits");
	TEST_ASSERT_SUCCESS(avp_emu_wait_captured(s->ep, 1, WAIT_MS), "1518");
	TEST_ASSERT_EQUAL(avp_emu_capture_pop(s->ep, &cap), 1, "pop");
	TEST_ASSERT_EQUAL(cap.len, 1518u, "1518");
	return test_end();
}

static int
test_rx_oversize(void)
{
	struct rte_eth_burst_mode bm;
	struct rte_eth_stats st;
	struct rte_mbuf *m;
	struct tport *t;

	/* Simple path, 2048-byte mbufs: a 3000-byte frame cannot fit. */
	t = tport_up(NULL, AVP_EMU_MODE_CAPTURE, &conf1);
	ASSERT_NOT_NULL(t, "port");
	fill_frame(fbuf, 3000, tport_mac(t), 3);
	TEST_ASSERT_SUCCESS(inject(t, fbuf, 3000, NULL), "inject big");
	TEST_ASSERT_SUCCESS(inject(t, fbuf, 1500, NULL), "inject good");
	TEST_ASSERT_EQUAL(rx_wait(t->port, 0, &m, 1), 1u, "good frame");
	TEST_ASSERT(mbuf_equals(m, fbuf, 1500), "good frame bytes");
	rte_pktmbuf_free(m);
	TEST_ASSERT_SUCCESS(avp_emu_wait_rx_drained(t->ep, WAIT_MS), "drained");
	TEST_ASSERT_SUCCESS(rte_eth_stats_get(t->port, &st), "stats");
	TEST_ASSERT_EQUAL(st.ipackets, 1u, "ipackets");
	TEST_ASSERT_EQUAL(st.ierrors, 1u, "ierrors");
	ASSERT_XSTAT(t->port, "rx_oversize_errors", 1);

	/* Scatter off, 256-byte mbufs, MTU small: 300 bytes is oversize. */
	t = tport_up(NULL, AVP_EMU_MODE_CAPTURE, &(struct pconf){ .nrx = 1,
		.ntx = 1, .mtu = 200, .mp = pool_small });
	ASSERT_NOT_NULL(t, "small port");
	fill_frame(fbuf, 300, tport_mac(t), 3);
	TEST_ASSERT_SUCCESS(inject(t, fbuf, 300, NULL), "inject 300");
	TEST_ASSERT_SUCCESS(inject(t, fbuf, 200, NULL), "inject 200");
	TEST_ASSERT_EQUAL(rx_wait(t->port, 0, &m, 1), 1u, "200 frame");
	TEST_ASSERT_EQUAL(m->pkt_len, 200u, "200");
	rte_pktmbuf_free(m);
	ASSERT_XSTAT(t->port, "rx_oversize_errors", 1);
	/*
	 * MTU 1500 with 256-byte mbufs and no SCATTER: receive scatters
	 * anyway, says so, and a 1500-byte frame comes as a chain.
	 */
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
	TEST_ASSERT(m->nb_segs == 6 && mbuf_equals(m, fbuf, 1500),
		"1500 bytes in 6 mbufs: %u", m->nb_segs);
	rte_pktmbuf_free(m);
	return test_end();
}

static int
test_vlan_strip(void)
{
	struct avp_emu_inject_opts o = { .queue = -1, .flags = AVP_EMU_INJ_VLAN,
		.vlan_tci = 0x5123 };
	struct avp_emu_port_state s;
	struct rte_mbuf *m;
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
	TEST_ASSERT_EQUAL(rx_wait(t->port, 0, &m, 1), 1u, "frame");
	TEST_ASSERT_EQUAL((m->ol_flags & (RTE_MBUF_F_RX_VLAN |
		RTE_MBUF_F_RX_VLAN_STRIPPED)),
		(RTE_MBUF_F_RX_VLAN | RTE_MBUF_F_RX_VLAN_STRIPPED), "flags");
	TEST_ASSERT_EQUAL(m->vlan_tci, 0x5123, "tci 0x%x", m->vlan_tci);
	TEST_ASSERT(mbuf_equals(m, fbuf, 200), "bytes");
	rte_pktmbuf_free(m);
	/* a tagged frame on the wire, stripped by the host */
	fill_frame(fbuf, 204, tport_mac(t), 9);
	fbuf[12] = 0x81;
	fbuf[13] = 0x00;
	fbuf[14] = 0x20;
	fbuf[15] = 0x07;
	TEST_ASSERT_SUCCESS(inject(t, fbuf, 204, NULL), "inject tagged");
	TEST_ASSERT_EQUAL(rx_wait(t->port, 0, &m, 1), 1u, "frame");
	TEST_ASSERT(m->ol_flags & RTE_MBUF_F_RX_VLAN_STRIPPED, "stripped");
	TEST_ASSERT_EQUAL(m->vlan_tci, 0x2007, "tci 0x%x", m->vlan_tci);
	TEST_ASSERT_EQUAL(m->pkt_len, 200u, "tag removed");
	memmove(fbuf + 12, fbuf + 16, 204 - 16);
	TEST_ASSERT(mbuf_equals(m, fbuf, 200), "bytes");
	rte_pktmbuf_free(m);
	/* untagged frames carry no VLAN flag */
	fill_frame(fbuf, 100, tport_mac(t), 2);
	TEST_ASSERT_SUCCESS(inject(t, fbuf, 100, NULL), "inject plain");
	TEST_ASSERT_EQUAL(rx_wait(t->port, 0, &m, 1), 1u, "frame");
	TEST_ASSERT_EQUAL((m->ol_flags & RTE_MBUF_F_RX_VLAN), 0u,
		"no VLAN flag");
	rte_pktmbuf_free(m);
	return test_end();
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

	/* a host without VLAN offload never sees the flag */
	{
		struct avp_emu_port_params p;
		struct tport *nv;

		params_default(&p);
		p.no_vlan_offload = 1;
		nv = tport_up(&p, AVP_EMU_MODE_CAPTURE, &conf1);
		ASSERT_NOT_NULL(nv, "port without VLAN");
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
	}
	return test_end();
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
	TEST_ASSERT_EQUAL(rx_wait(t->port, 0, &m, 1), 1u, "looped");
	TEST_ASSERT(m->ol_flags & RTE_MBUF_F_RX_VLAN_STRIPPED, "stripped");
	TEST_ASSERT_EQUAL(m->vlan_tci, 0x2a, "tci");
	TEST_ASSERT_EQUAL(m->pkt_len, 200u, "len");
	rte_pktmbuf_free(m);
	TEST_ASSERT_SUCCESS(rte_eth_dev_set_vlan_offload(t->port, 0),
		"strip off");
	avp_emu_port_state_get(t->ep, &s);
	TEST_ASSERT_EQUAL(s.cfg.features, 0u, "VLAN off again");
	return test_end();
}

/*
 * One round of the receive filter test: inject n frames (one to each
 * dst), expect exactly those whose bit is set in accept, byte for byte
 * and in order, and the filtered counter at filtered afterwards.
 */
static int
filter_round(struct tport *t, const uint8_t *const *dst, unsigned int n,
		unsigned int accept, uint64_t filtered)
{
	unsigned int i, k, want = 0, got;
	struct rte_mbuf *m[16];

	for (i = 0; i < n; i++) {
		fill_frame(fbuf, 64, dst[i], i);
		TEST_ASSERT_SUCCESS(inject(t, fbuf, 64, NULL), "inject");
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
		fill_frame(fbuf, 64, dst[i], i);
		TEST_ASSERT(mbuf_equals(m[k], fbuf, 64),
			"accept 0x%x: frame %u", accept, i);
		k++;
	}
	rte_pktmbuf_free_bulk(m, got);
	TEST_ASSERT_SUCCESS(rx_until_drained(t, 1, &k), "drained");
	TEST_ASSERT_EQUAL(k, 0u, "accept 0x%x: %u frames too many", accept, k);
	ASSERT_XSTAT(t->port, "rx_filtered_packets", filtered);
	return 0;
}

static int
test_promisc_allmulti(void)
{
	static const uint8_t other[6] = { 0x02, 0x11, 0x22, 0x33, 0x44, 0x55 };
	static const uint8_t mcast[6] = { 0x01, 0x00, 0x5e, 0x00, 0x00, 0x01 };
	static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
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
	return test_end();
}

static int
test_mtu(void)
{
	struct avp_emu_port_state s;
	struct rte_ether_addr mac;
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
	/* the host refusing it is the answer */
	TEST_ASSERT_SUCCESS(avp_emu_port_fault(t->ep, AVP_EMU_FAULT_CTRL_STATUS,
		(uint64_t)-EPERM, 1), "fault");
	TEST_ASSERT_EQUAL(rte_eth_dev_set_mtu(t->port, 1500), -EPERM,
		"host status");
	TEST_ASSERT_SUCCESS(rte_eth_dev_get_mtu(t->port, &mtu), "get");
	TEST_ASSERT_EQUAL(mtu, 9220, "MTU unchanged after host refusal");
	/* a host that refuses SET_MTU at start does not stop the port */
	TEST_ASSERT_SUCCESS(avp_emu_port_fault(t->ep, AVP_EMU_FAULT_CTRL_STATUS,
		(uint64_t)-EINVAL, 1), "fault");
	TEST_ASSERT_SUCCESS(rte_eth_dev_start(t->port), "start, SET_MTU refused");
	TEST_ASSERT_SUCCESS(avp_emu_wait_link(t->ep, 1, WAIT_MS), "link");
	/* MAC: only the host's own */
	TEST_ASSERT_SUCCESS(rte_eth_macaddr_get(t->port, &mac), "mac");
	TEST_ASSERT_SUCCESS(rte_eth_dev_default_mac_addr_set(t->port, &mac),
		"same MAC");
	mac.addr_bytes[5] ^= 1;
	TEST_ASSERT_EQUAL(rte_eth_dev_default_mac_addr_set(t->port, &mac),
		-ENOTSUP, "another MAC");
	return test_end();
}

static int
test_stats_xstats(void)
{
	struct rte_eth_xstat_name *names;
	struct rte_eth_xstat *xs;
	struct rte_eth_stats st;
	struct rte_mbuf *m[64];
	struct tport *t;
	uint64_t bytes = 0;
	unsigned int i, q, r1;
	int n, k;

	t = tport_up(NULL, AVP_EMU_MODE_LOOPBACK, &(struct pconf){ .nrx = 2,
		.ntx = 2 });
	ASSERT_NOT_NULL(t, "port");
	for (q = 0; q < 2; q++) {
		for (i = 0; i < 10 + q * 5; i++) {
			uint32_t len = 60 + i * 10 + q;

			fill_frame(fbuf, len, tport_mac(t), i);
			m[i] = mbuf_from(pool, fbuf, len, NULL, 0);
			ASSERT_NOT_NULL(m[i], "mbuf");
			bytes += len;
		}
		TEST_ASSERT_EQUAL(rte_eth_tx_burst(t->port, q, m, i), i, "tx");
	}
	/* loopback spreads over both rx rings */
	k = 0;
	{
		uint64_t end = now_ms() + WAIT_MS;

		while (k < 25 && now_ms() < end) {
			for (q = 0; q < 2; q++) {
				unsigned int r = rte_eth_rx_burst(t->port, q,
						m, 64);

				rte_pktmbuf_free_bulk(m, r);
				k += r;
			}
		}
	}
	k += rx_drain(t->port, 2, 20);
	TEST_ASSERT_EQUAL(k, 25, "received %d of 25", k);
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

	n = rte_eth_xstats_get_names(t->port, NULL, 0);
	TEST_ASSERT(n > 0, "xstats count");
	names = calloc(n, sizeof(*names));
	xs = calloc(n, sizeof(*xs));
	TEST_ASSERT(names != NULL && xs != NULL, "alloc");
	TEST_ASSERT_EQUAL(rte_eth_xstats_get_names(t->port, names, n), n,
		"names");
	TEST_ASSERT_EQUAL(rte_eth_xstats_get(t->port, xs, n), n, "values");
	for (i = 0; i < (unsigned int)n; i++)
		if (strcmp(names[i].name, "tx_q1_bytes") == 0)
			break;
	TEST_ASSERT(i < (unsigned int)n, "tx_q1_bytes listed");
	free(names);
	free(xs);
	ASSERT_XSTAT(t->port, "tx_q0_packets", 10);
	ASSERT_XSTAT(t->port, "tx_q1_packets", 15);
	ASSERT_XSTAT(t->port, "rx_good_packets", 25);
	ASSERT_XSTAT(t->port, "rx_filtered_packets", 0);
	ASSERT_XSTAT(t->port, "rx_invalid_desc_errors", 0);
	ASSERT_XSTAT(t->port, "rx_no_mbuf_errors", 0);
	ASSERT_XSTAT(t->port, "rx_oversize_errors", 0);
	ASSERT_XSTAT(t->port, "tx_ring_full_packets", 0);
	ASSERT_XSTAT(t->port, "tx_detached_packets", 0);

	TEST_ASSERT_SUCCESS(rte_eth_stats_reset(t->port), "reset");
	TEST_ASSERT_SUCCESS(rte_eth_stats_get(t->port, &st), "stats");
	TEST_ASSERT_EQUAL(st.opackets + st.ipackets + st.obytes + st.ibytes,
		0u, "after reset");
	ASSERT_XSTAT(t->port, "rx_q0_packets", 0);
	ASSERT_XSTAT(t->port, "tx_q1_packets", 0);
	/* counting resumes from zero */
	fill_frame(fbuf, 77, tport_mac(t), 1);
	m[0] = mbuf_from(pool, fbuf, 77, NULL, 0);
	TEST_ASSERT_SUCCESS(tx_one(t->port, 1, m[0]), "tx");
	{
		uint64_t end = now_ms() + WAIT_MS;

		r1 = 0;
		while (r1 == 0 && now_ms() < end)
			for (q = 0; q < 2; q++) {
				uint16_t got = rte_eth_rx_burst(t->port, q,
						m, 64);

				rte_pktmbuf_free_bulk(m, got);
				r1 += got;
			}
	}
	TEST_ASSERT_EQUAL(r1, 1u, "one back, got %u", r1);
	TEST_ASSERT_SUCCESS(rte_eth_stats_get(t->port, &st), "stats");
	TEST_ASSERT_EQUAL(st.opackets, 1u, "opackets");
	TEST_ASSERT_EQUAL(st.obytes, 77u, "obytes");
	TEST_ASSERT_EQUAL(st.ipackets, 1u, "ipackets");
	TEST_ASSERT_SUCCESS(rte_eth_xstats_reset(t->port), "xstats reset");
	ASSERT_XSTAT(t->port, "tx_q1_bytes", 0);
	return test_end();
}

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

static int
loop_one(struct tport *t, uint32_t len)
{
	struct rte_mbuf *m;

	fill_frame(fbuf, len, tport_mac(t), len);
	m = mbuf_from(pool, fbuf, len, NULL, 0);
	ASSERT_NOT_NULL(m, "mbuf");
	TEST_ASSERT_SUCCESS(tx_one(t->port, 0, m), "tx");
	for (;;) {
		TEST_ASSERT_EQUAL(rx_wait(t->port, 0, &m, 1), 1u, "loop");
		if (!is_rarp(m))
			break;
		rte_pktmbuf_free(m);	/* an announcement after a migration */
	}
	if (!mbuf_equals(m, fbuf, len)) {
		rte_pktmbuf_free(m);
		TEST_ASSERT(0, "bytes");
	}
	rte_pktmbuf_free(m);
	return 0;
}

static int
test_lifecycle(void)
{
	struct avp_emu_port_stats est;
	struct avp_emu_port_state s;
	struct rte_eth_rxq_info ri;
	struct rte_eth_link link;
	struct tport *t;
	uint16_t old;
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
	/* set_link_down/up go to the host */
	TEST_ASSERT_SUCCESS(rte_eth_dev_set_link_down(t->port), "link down");
	TEST_ASSERT_SUCCESS(avp_emu_wait_link(t->ep, 0, WAIT_MS), "host down");
	TEST_ASSERT_SUCCESS(rte_eth_link_get_nowait(t->port, &link), "link");
	TEST_ASSERT_EQUAL(link.link_status, RTE_ETH_LINK_DOWN, "down");
	TEST_ASSERT_SUCCESS(rte_eth_dev_set_link_up(t->port), "link up");
	TEST_ASSERT_SUCCESS(avp_emu_wait_link(t->ep, 1, WAIT_MS), "host up");

	/* close: the host sees irq_mask 0 and SHUTDOWN */
	TEST_ASSERT_SUCCESS(rte_eth_dev_stop(t->port), "stop");
	avp_emu_port_stats_get(t->ep, &est);
	old = t->port;
	TEST_ASSERT_SUCCESS(rte_eth_dev_close(t->port), "close");
	TEST_ASSERT(!rte_eth_dev_is_valid_port(old), "port released");
	avp_emu_port_state_get(t->ep, &s);
	TEST_ASSERT_EQUAL(s.irq_mask, 0u, "irq_mask cleared");
	TEST_ASSERT(!s.configured, "host unconfigured after SHUTDOWN");
	{
		struct avp_emu_port_stats est2;

		avp_emu_port_stats_get(t->ep, &est2);
		TEST_ASSERT_EQUAL(est2.requests[AVP_OP_SHUTDOWN],
			est.requests[AVP_OP_SHUTDOWN] + 1, "one SHUTDOWN");
	}
	/* the vdev goes and comes back: probe again, traffic again */
	tport_unprobe(t);
	TEST_ASSERT_SUCCESS(tport_probe(t), "re-probe");
	TEST_ASSERT_SUCCESS(avp_emu_port_set_mode(t->ep, AVP_EMU_MODE_LOOPBACK,
		NULL), "mode");
	TEST_ASSERT_SUCCESS(port_start(t->port, &conf1), "start again");
	TEST_ASSERT_SUCCESS(loop_one(t, 300), "traffic after re-probe");
	/* uninit of a started port stops and closes it */
	tport_unprobe(t);
	TEST_ASSERT(!rte_eth_dev_is_valid_port(t->port), "released");
	return test_end();
}

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
	/* SET_MTU (only logged when refused), then SET_LINK, refused */
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
	/* a refused CONFIGURE is reported */
	TEST_ASSERT_SUCCESS(rte_eth_dev_stop(t->port), "stop");
	TEST_ASSERT_SUCCESS(avp_emu_port_fault(t->ep, AVP_EMU_FAULT_CTRL_STATUS,
		(uint64_t)-EINVAL, 1), "fault");
	TEST_ASSERT_EQUAL(port_configure(t->port, &conf1), -EINVAL,
		"configure refused by the host");
	return test_end();
}

static int
test_bursts(void)
{
	static const unsigned int sizes[] = { 1, 32, 64, 256, 500 };
	struct rte_mbuf *tx[512], *rx[512];
	struct tport *t;
	unsigned int s, i, n;

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
		TEST_ASSERT_EQUAL(rx_wait(t->port, 0, rx, n), n,
			"rx of %u", n);
		for (i = 0; i < n; i++) {
			fill_frame(fbuf, 64 + (i % 100), tport_mac(t), i + n);
			TEST_ASSERT(mbuf_equals(rx[i], fbuf, 64 + (i % 100)),
				"burst %u frame %u", n, i);
		}
		rte_pktmbuf_free_bulk(rx, n);
	}
	/* one rx burst larger than the internal maximum takes all */
	for (i = 0; i < 300; i++) {
		fill_frame(fbuf, 64, tport_mac(t), i);
		TEST_ASSERT_SUCCESS(inject(t, fbuf, 64, NULL), "inject");
	}
	{
		struct avp_emu_port_stats st;
		uint64_t end = now_ms() + WAIT_MS;

		do {
			avp_emu_port_stats_get(t->ep, &st);
		} while (st.rx_frames[0] < 300 + 1 + 32 + 64 + 256 + 500 &&
			 now_ms() < end);
		TEST_ASSERT_EQUAL(st.rx_frames[0],
			300u + 1 + 32 + 64 + 256 + 500, "host placed frames");
	}
	n = rte_eth_rx_burst(t->port, 0, rx, 512);
	TEST_ASSERT_EQUAL(n, 300u, "one burst of 512 got %u of 300", n);
	rte_pktmbuf_free_bulk(rx, n);
	return test_end();
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
		unsigned int seq, uint64_t placed)
{
	struct avp_emu_inject_opts o = { .queue = 0 };
	struct avp_emu_port_stats st;
	uint64_t end = now_ms() + WAIT_MS;

	if (x->tci != 0) {
		o.flags = AVP_EMU_INJ_VLAN;
		o.vlan_tci = x->tci;
	}
	if (x->fault_on)
		TEST_ASSERT_SUCCESS(avp_emu_port_fault(t->ep, x->fault, 0, 1),
			"fault");
	fill_frame(fbuf, x->len, dst, seq);
	TEST_ASSERT_SUCCESS(avp_emu_inject(t->ep, fbuf, x->len, &o),
		"inject");
	do {
		avp_emu_port_stats_get(t->ep, &st);
	} while (st.rx_frames[0] < placed && now_ms() < end);
	TEST_ASSERT_EQUAL(st.rx_frames[0], placed, "frame %u placed", seq);
	return 0;
}

static int
test_mixed_bursts(void)
{
	static const uint8_t other[6] = { 0x02, 0x11, 0x22, 0x33, 0x44, 0x55 };
	static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
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
	/* tx: 0 plain, 1 chain, 2 shared, 3 other pool, 4 clone, 5 plain */
	static const uint16_t tx_len[] = { 64, 300, 100, 90, 80, 64 };
	static const uint16_t split[] = { 100 };
	const uint8_t *dsts[3];
	struct rte_mbuf *m[32], *orig;
	unsigned int i, k, n, want = 0;
	struct tport *t;
	uint64_t placed = 0;

	t = tport_up(NULL, AVP_EMU_MODE_CAPTURE, &conf1);
	ASSERT_NOT_NULL(t, "port");
	dsts[0] = tport_mac(t);
	dsts[1] = bcast;
	dsts[2] = other;

	/* receive: every frame on the ring before the first poll */
	for (i = 0; i < RTE_DIM(rx); i++) {
		TEST_ASSERT_SUCCESS(mixed_place(t, &rx[i], dsts[rx[i].dst],
			i, ++placed), "rx frame %u", i);
		want += rx[i].accepted;
	}
	n = rx_wait(t->port, 0, m, want);
	TEST_ASSERT_EQUAL(n, want, "%u frames, got %u", want, n);
	for (i = 0, k = 0; i < RTE_DIM(rx); i++) {
		if (!rx[i].accepted)
			continue;
		fill_frame(fbuf, rx[i].len, dsts[rx[i].dst], i);
		TEST_ASSERT(mbuf_equals(m[k], fbuf, rx[i].len),
			"rx frame %u bytes", i);
		TEST_ASSERT_EQUAL(m[k]->nb_segs, 1, "rx frame %u segments", i);
		if (rx[i].tci != 0) {
			TEST_ASSERT(m[k]->ol_flags & RTE_MBUF_F_RX_VLAN_STRIPPED,
				"rx frame %u stripped", i);
			TEST_ASSERT_EQUAL(m[k]->vlan_tci, rx[i].tci,
				"rx frame %u tci", i);
		} else {
			TEST_ASSERT_EQUAL(m[k]->ol_flags, 0,
				"rx frame %u flags", i);
		}
		k++;
	}
	rte_pktmbuf_free_bulk(m, n);
	TEST_ASSERT_SUCCESS(rx_until_drained(t, 1, &k), "drained");
	TEST_ASSERT_EQUAL(k, 0u, "%u frames too many", k);
	ASSERT_XSTAT(t->port, "rx_invalid_desc_errors", 2);
	ASSERT_XSTAT(t->port, "rx_filtered_packets", 1);
	ASSERT_XSTAT(t->port, "rx_good_packets", want);

	/* transmit: one burst of every kind of mbuf */
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
	TEST_ASSERT_EQUAL(n, RTE_DIM(tx_len), "tx burst took %u", n);
	TEST_ASSERT_SUCCESS(avp_emu_wait_captured(t->ep, n, WAIT_MS),
		"captured");
	for (i = 0; i < n; i++) {
		TEST_ASSERT_EQUAL(avp_emu_capture_pop(t->ep, &cap), 1, "pop");
		fill_frame(fbuf, tx_len[i], peer_mac, 100 + i);
		TEST_ASSERT_EQUAL(cap.len, tx_len[i], "tx frame %u length %u",
			i, cap.len);
		TEST_ASSERT_EQUAL(memcmp(cap.data, fbuf, tx_len[i]), 0,
			"tx frame %u bytes", i);
	}
	TEST_ASSERT_EQUAL(avp_emu_capture_pop(t->ep, &cap), 0, "nothing else");
	TEST_ASSERT_EQUAL(rte_mbuf_refcnt_read(m[2]), 1,
		"shared mbuf: our reference is left");
	TEST_ASSERT_EQUAL(rte_mbuf_refcnt_read(orig), 1,
		"cloned mbuf: the clone's reference is gone");
	rte_pktmbuf_free(m[2]);
	rte_pktmbuf_free(orig);
	ASSERT_XSTAT(t->port, "tx_good_packets", RTE_DIM(tx_len));
	return test_end();
}

static int
test_tx_ring_full(void)
{
	struct avp_emu_port_params p;
	struct rte_mbuf *m[64];
	struct tport *t;
	unsigned int i, n;

	params_default(&p);
	p.ring_slots = 16;
	t = tport_up(&p, AVP_EMU_MODE_CAPTURE, &conf1);
	ASSERT_NOT_NULL(t, "port");
	avp_emu_stop(emu);	/* nobody consumes tx or restocks alloc */
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
	{
		struct rte_eth_stats st;

		TEST_ASSERT_SUCCESS(rte_eth_stats_get(t->port, &st), "stats");
		TEST_ASSERT_EQUAL(st.oerrors, 0u,
			"frames handed back are not errors");
	}
	TEST_ASSERT_SUCCESS(avp_emu_start(emu), "restart the emulator");
	TEST_ASSERT_SUCCESS(avp_emu_wait_captured(t->ep, 15, WAIT_MS),
		"captured");
	/* the application's frames are still its own: send them now */
	for (i = n; i < 64; ) {
		uint16_t k = rte_eth_tx_burst(t->port, 0, m + i, 64 - i);

		i += k;
		if (k == 0)
			rte_delay_us_sleep(100);
	}
	TEST_ASSERT_SUCCESS(avp_emu_wait_captured(t->ep, 64, WAIT_MS), "all");
	for (i = 0; i < 64; i++) {
		TEST_ASSERT_EQUAL(avp_emu_capture_pop(t->ep, &cap), 1, "pop");
		fill_frame(fbuf, 64, peer_mac, i);
		TEST_ASSERT_EQUAL(memcmp(cap.data, fbuf, 64), 0, "frame %u", i);
	}
	return test_end();
}

/*
 * Injects n numbered frames of len bytes and waits until the host has put
 * them all on rx ring 0, so that one burst sees every one of them.
 */
static int
inject_on_ring0(struct tport *t, unsigned int n, uint32_t len)
{
	struct avp_emu_port_stats est;
	uint64_t end = now_ms() + WAIT_MS;
	unsigned int i;

	for (i = 0; i < n; i++) {
		fill_frame(fbuf, len, tport_mac(t), i);
		TEST_ASSERT_SUCCESS(inject(t, fbuf, len, NULL), "inject");
	}
	do {
		avp_emu_port_stats_get(t->ep, &est);
	} while (est.rx_frames[0] < n && now_ms() < end);
	TEST_ASSERT_EQUAL(est.rx_frames[0], n, "%u frames on the ring", n);
	return 0;
}

static int
test_rx_nombuf(void)
{
	struct rte_mempool *tiny;
	struct rte_eth_stats st;
	struct rte_mbuf *m[64];
	struct tport *t;
	unsigned int i, n;

	tiny = rte_pktmbuf_pool_create("avp_test_tiny", 40, 0, 0,
			RTE_MBUF_DEFAULT_BUF_SIZE, SOCKET_ID_ANY);
	ASSERT_NOT_NULL(tiny, "tiny pool");
	t = tport_up(NULL, AVP_EMU_MODE_CAPTURE, &(struct pconf){ .nrx = 1,
		.ntx = 1, .mp = tiny });
	if (t == NULL) {
		rte_mempool_free(tiny);
		return TEST_FAILED;
	}
	TEST_ASSERT_SUCCESS(inject_on_ring0(t, 64, 64), "64 frames");
	n = rte_eth_rx_burst(t->port, 0, m, 64);
	TEST_ASSERT_EQUAL(n, 40u, "64 frames, 40 mbufs: %u delivered", n);
	for (i = 0; i < n; i++) {
		fill_frame(fbuf, 64, tport_mac(t), i);
		TEST_ASSERT(mbuf_equals(m[i], fbuf, 64), "frame %u", i);
	}
	rte_pktmbuf_free_bulk(m, n);
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
	TEST_ASSERT_EQUAL(n, 16u, "16 frames");
	rte_pktmbuf_free_bulk(m, n);
	TEST_ASSERT_SUCCESS(test_end(), "end");
	rte_mempool_free(tiny);

	/* scattered: 10 mbufs of 256 bytes, frames of 1000 take 4 each */
	tiny = rte_pktmbuf_pool_create("avp_test_tiny2", 10, 0, 0,
			RTE_PKTMBUF_HEADROOM + 256, SOCKET_ID_ANY);
	ASSERT_NOT_NULL(tiny, "tiny pool");
	{
		struct pconf c = conf_jumbo;

		c.mp = tiny;
		t = tport_up(NULL, AVP_EMU_MODE_CAPTURE, &c);
	}
	if (t == NULL) {
		rte_mempool_free(tiny);
		return TEST_FAILED;
	}
	TEST_ASSERT_SUCCESS(inject_on_ring0(t, 4, 1000), "4 frames");
	n = rte_eth_rx_burst(t->port, 0, m, 64);
	TEST_ASSERT_EQUAL(n, 2u, "two chains of 4 fit in 10 mbufs, got %u", n);
	for (i = 0; i < n; i++) {
		fill_frame(fbuf, 1000, tport_mac(t), i);
		TEST_ASSERT(mbuf_equals(m[i], fbuf, 1000), "frame %u", i);
		TEST_ASSERT_EQUAL(m[i]->nb_segs, 4, "segments");
	}
	rte_pktmbuf_free_bulk(m, n);
	ASSERT_XSTAT(t->port, "rx_no_mbuf_errors", 2);
	TEST_ASSERT_SUCCESS(test_end(), "end");
	rte_mempool_free(tiny);
	return TEST_SUCCESS;
}

/* Two threads, each on its own queue pair, at the same time. */
struct worker {
	uint16_t port, q;
	unsigned int n, sent, received, bad;
	const uint8_t *mac;
};

/* Both rx rings hold 1023 frames: never more in flight, nothing drops. */
#define WORKERS_IN_FLIGHT 512
static unsigned int workers_sent;	/* both threads, atomically */
static unsigned int workers_received;
static unsigned int workers_expected;

static void *
worker_main(void *arg)
{
	struct worker *w = arg;
	struct rte_mbuf *m[32];
	uint8_t f[1600];
	uint64_t end = now_ms() + 10000;

	while ((w->sent < w->n || __atomic_load_n(&workers_received,
			__ATOMIC_RELAXED) < workers_expected) && now_ms() < end) {
		unsigned int i, k = 0;
		uint16_t r;

		while (w->sent + k < w->n && k < 32 &&
		       __atomic_load_n(&workers_sent, __ATOMIC_RELAXED) + k -
		       __atomic_load_n(&workers_received, __ATOMIC_RELAXED) <
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
		__atomic_fetch_add(&workers_sent, r, __ATOMIC_RELAXED);
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
		__atomic_fetch_add(&workers_received, r, __ATOMIC_RELAXED);
	}
	return NULL;
}

static int
test_two_threads(void)
{
	struct worker w[2];
	pthread_t th[2];
	struct tport *t;
	unsigned int i;

	t = tport_up(NULL, AVP_EMU_MODE_LOOPBACK, &(struct pconf){ .nrx = 2,
		.ntx = 2 });
	ASSERT_NOT_NULL(t, "port");
	workers_received = 0;
	workers_sent = 0;
	workers_expected = 10000;
	for (i = 0; i < 2; i++) {
		memset(&w[i], 0, sizeof(w[i]));
		w[i].port = t->port;
		w[i].q = i;
		w[i].n = 5000;
		w[i].mac = tport_mac(t);
		TEST_ASSERT_SUCCESS(pthread_create(&th[i], NULL, worker_main,
			&w[i]), "thread");
	}
	for (i = 0; i < 2; i++)
		pthread_join(th[i], NULL);
	/* loopback spreads frames over both rings: the totals must add up */
	i = rx_drain(t->port, 2, 50);
	TEST_ASSERT_EQUAL(w[0].sent + w[1].sent, 10000u, "sent %u + %u",
		w[0].sent, w[1].sent);
	TEST_ASSERT_EQUAL(w[0].received + w[1].received + i, 10000u,
		"received %u + %u + %u", w[0].received, w[1].received, i);
	TEST_ASSERT_EQUAL(w[0].bad + w[1].bad, 0u, "corrupted frames");
	return test_end();
}

/* ---- PCI transport: the emulator's BARs as a synthesized PCI function */

struct test_pci_bus {	/* drivers/bus/pci/private.h */
	struct rte_bus bus;
	RTE_TAILQ_HEAD(, rte_pci_device) device_list;
	RTE_TAILQ_HEAD(, rte_pci_driver) driver_list;
};

static struct rte_pci_driver *
avp_pci_driver(void)
{
	struct rte_bus *bus = rte_bus_find_by_name("pci");
	struct test_pci_bus *pb;
	struct rte_pci_driver *drv;

	if (bus == NULL)
		return NULL;
	pb = container_of(bus, struct test_pci_bus, bus);
	RTE_TAILQ_FOREACH(drv, &pb->driver_list, next)
		if (strcmp(drv->driver.name, "net_avp") == 0)
			return drv;
	return NULL;
}

static int
test_pci_path(void)
{
	struct rte_pci_driver *drv = avp_pci_driver();
	struct rte_pci_device *pdev;
	struct avp_emu_port_state s;
	struct avp_emu_bars bars;
	struct rte_eth_dev_info info;
	struct avp_emu_port *ep;
	struct rte_devargs *da;
	struct tport *t;
	uint16_t port;
	unsigned int i;
	int ret;

	TEST_ASSERT_NOT_NULL(drv, "net_avp PCI driver not registered");
	TEST_ASSERT(drv->drv_flags & RTE_PCI_DRV_NEED_MAPPING, "flags");
	TEST_ASSERT(drv->drv_flags & RTE_PCI_DRV_INTR_RMV, "flags");
	/* the port exists on the emulator but is attached as PCI */
	t = tport_new(NULL);
	ASSERT_NOT_NULL(t, "emulator port");
	ep = t->ep;
	TEST_ASSERT_SUCCESS(avp_emu_port_bars(ep, &bars), "bars");
	pdev = calloc(1, sizeof(*pdev));
	ASSERT_NOT_NULL(pdev, "alloc");
	pdev->addr.bus = 0x7f;
	pdev->addr.devid = 0x11;
	rte_pci_device_name(&pdev->addr, pdev->name, sizeof(pdev->name));
	pdev->device.name = pdev->name;
	pdev->device.numa_node = SOCKET_ID_ANY;
	pdev->id.vendor_id = AVP_PCI_VENDOR_ID;
	pdev->id.device_id = AVP_PCI_DEVICE_ID;
	pdev->id.subsystem_vendor_id = AVP_PCI_SUBSYS_VENDOR_ID;
	pdev->id.subsystem_device_id = AVP_PCI_SUBSYS_DEVICE_ID;
	pdev->id.class_id = 0x020000;
	for (i = 0; i < AVP_BAR_COUNT; i++) {
		pdev->mem_resource[i].addr = bars.addr[i];
		pdev->mem_resource[i].len = bars.addr[i] ? bars.len[i] : 0;
		pdev->mem_resource[i].phys_addr = bars.addr[i] ?
			0xf0000000ULL + (i << 24) : 0;
	}
	pdev->intr_handle = rte_intr_instance_alloc(RTE_INTR_INSTANCE_F_PRIVATE);
	ASSERT_NOT_NULL(pdev->intr_handle, "intr");
	rte_intr_type_set(pdev->intr_handle, RTE_INTR_HANDLE_VDEV);
	rte_intr_fd_set(pdev->intr_handle, bars.irq_fd);
	pdev->driver = drv;
	pdev->device.driver = &drv->driver;
	/* -a 7f:11.0,announce=0: no announcement after the migration below */
	da = calloc(1, sizeof(*da));
	ASSERT_NOT_NULL(da, "alloc");
	da->args = "announce=0";
	pdev->device.devargs = da;

	/* probing while the host has the device detached: ack 1, -EBUSY */
	TEST_ASSERT_SUCCESS(avp_emu_port_set_mig_status(ep, AVP_MIG_DETACHED,
		0), "mig_status");
	TEST_ASSERT_EQUAL(drv->probe(drv, pdev), -EBUSY, "probe while detached");
	TEST_ASSERT_EQUAL(((struct avp_regs *)bars.addr[AVP_BAR_REGS])->mig_ack,
		(uint32_t)AVP_MIG_DETACHED, "mig_ack");
	TEST_ASSERT_SUCCESS(avp_emu_port_set_mig_status(ep, AVP_MIG_NONE, 0),
		"mig_status");

	/* a missing BAR fails the probe */
	pdev->mem_resource[AVP_BAR_MEMMAP].addr = NULL;
	TEST_ASSERT(drv->probe(drv, pdev) < 0, "probe without BAR 4");
	pdev->mem_resource[AVP_BAR_MEMMAP].addr = bars.addr[AVP_BAR_MEMMAP];
	pdev->mem_resource[AVP_BAR_DEVINFO].len = 100;
	TEST_ASSERT(drv->probe(drv, pdev) < 0, "probe with a short BAR 5");
	pdev->mem_resource[AVP_BAR_DEVINFO].len = bars.len[AVP_BAR_DEVINFO];

	ret = drv->probe(drv, pdev);
	TEST_ASSERT_SUCCESS(ret, "PCI probe: %d", ret);
	TEST_ASSERT_SUCCESS(rte_eth_dev_get_port_by_name(pdev->name, &port),
		"port");
	TEST_ASSERT_SUCCESS(rte_eth_dev_info_get(port, &info), "info");
	TEST_ASSERT_EQUAL(strcmp(info.driver_name, "net_avp"), 0, "driver %s",
		info.driver_name);
	avp_emu_port_state_get(ep, &s);
	TEST_ASSERT_EQUAL(s.irq_mask, AVP_IRQ_MASK_ALL, "irq_mask at probe");
	TEST_ASSERT_SUCCESS(avp_emu_port_set_mode(ep, AVP_EMU_MODE_LOOPBACK,
		NULL), "mode");
	TEST_ASSERT_SUCCESS(port_start(port, &conf1), "start");
	t->port = port;
	TEST_ASSERT_SUCCESS(loop_sizes(t, 60, 1518, 7, NULL, 0),
		"loopback over PCI");
	/* the interrupt works: a spurious cause is read and ignored */
	TEST_ASSERT_SUCCESS(avp_emu_port_raise_irq(ep, 0x4), "irq");
	TEST_ASSERT_SUCCESS(loop_one(t, 99), "traffic after an interrupt");
	/* and the migration cause through the PCI interrupt handle */
	{
		struct avp_emu_migrate_result r;

		memset(&r, 0, sizeof(r));
		TEST_ASSERT_SUCCESS(avp_emu_port_migrate(ep, NULL, &r),
			"migrate over PCI");
		TEST_ASSERT_EQUAL(r.attach_ack, AVP_MIG_ATTACHED, "attach ack");
		ASSERT_XSTAT(port, "mig_announce_frames", 0);
		TEST_ASSERT_SUCCESS(loop_one(t, 1514), "traffic after migration");
	}
	/* a devarg the PCI port does not know fails the probe */
	TEST_ASSERT_SUCCESS(rte_eth_dev_stop(port), "stop");
	TEST_ASSERT_SUCCESS(drv->remove(pdev), "remove");
	da->args = "announce=yes";
	TEST_ASSERT_EQUAL(drv->probe(drv, pdev), -EINVAL, "announce=yes");
	da->args = "socket=/x";
	TEST_ASSERT(drv->probe(drv, pdev) < 0, "socket= on PCI");
	da->args = "announce=0";
	TEST_ASSERT_SUCCESS(drv->probe(drv, pdev), "probe");
	TEST_ASSERT_SUCCESS(rte_eth_dev_get_port_by_name(pdev->name, &port),
		"port");
	TEST_ASSERT_SUCCESS(port_start(port, &conf1), "start");
	TEST_ASSERT_SUCCESS(rte_eth_dev_stop(port), "stop");
	TEST_ASSERT_SUCCESS(drv->remove(pdev), "remove");
	TEST_ASSERT(!rte_eth_dev_is_valid_port(port), "released");
	avp_emu_port_state_get(ep, &s);
	TEST_ASSERT_EQUAL(s.irq_mask, 0u, "irq_mask at remove");
	TEST_ASSERT(!s.configured, "SHUTDOWN at remove");
	/* and again: the same function probes a second time */
	TEST_ASSERT_SUCCESS(drv->probe(drv, pdev), "second probe");
	TEST_ASSERT_SUCCESS(rte_eth_dev_get_port_by_name(pdev->name, &port),
		"port");
	TEST_ASSERT_SUCCESS(drv->remove(pdev), "second remove");
	rte_intr_instance_free(pdev->intr_handle);
	free(da);
	free(pdev);
	avp_emu_bars_unmap(&bars);
	return test_end();
}

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
	struct tport *t;
	unsigned int i;

	for (i = 0; i < RTE_DIM(bad); i++) {
		snprintf(name, sizeof(name), "net_avp_emu%u", seq++);
		TEST_ASSERT(rte_vdev_init(name, bad[i]) < 0,
			"devargs \"%s\" accepted", bad[i]);
	}
	/* a path longer than a UNIX socket path */
	memset(args, 'a', sizeof(args) - 1);
	args[sizeof(args) - 1] = '\0';
	memcpy(args, "socket=/", 8);
	snprintf(name, sizeof(name), "net_avp_emu%u", seq++);
	TEST_ASSERT(rte_vdev_init(name, args) < 0, "long path accepted");
	/* the good ones */
	t = tport_create(NULL);
	ASSERT_NOT_NULL(t, "probe with socket=PATH");
	t = tport_new(NULL);
	ASSERT_NOT_NULL(t, "port");
	snprintf(t->xargs, sizeof(t->xargs), ",announce=1");
	TEST_ASSERT_SUCCESS(tport_probe(t), "probe with announce=1");
	return test_end();
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

		TEST_ASSERT_SUCCESS(rte_eth_rx_queue_info_get(t->port, q, &ri),
			"info");
		TEST_ASSERT_EQUAL(ri.mp, want, "rxq %u pool", q);
		fill_frame(fbuf, 150, tport_mac(t), q);
		TEST_ASSERT_SUCCESS(inject(t, fbuf, 150, &o), "inject");
		n = rx_wait(t->port, q, m, 1);
		TEST_ASSERT_EQUAL(n, 1u, "rxq %u frame", q);
		TEST_ASSERT_EQUAL(m[0]->pool, want, "rxq %u mbuf pool", q);
		TEST_ASSERT(mbuf_equals(m[0], fbuf, 150), "bytes");
		rte_pktmbuf_free(m[0]);
	}
	/* a pool whose mbufs hold less than 64 bytes is refused */
	{
		struct rte_mempool *mini = rte_pktmbuf_pool_create(
			"avp_test_mini", 63, 0, 0, RTE_PKTMBUF_HEADROOM + 32,
			SOCKET_ID_ANY);

		ASSERT_NOT_NULL(mini, "mini pool");
		TEST_ASSERT_SUCCESS(rte_eth_dev_stop(t->port), "stop");
		TEST_ASSERT(rte_eth_rx_queue_setup(t->port, 1, 0, SOCKET_ID_ANY,
			NULL, mini) < 0, "32-byte mbufs accepted");
		rte_mempool_free(mini);
	}
	return test_end();
}

/* ---- faults ---- */

/* Waits until the emulator has seen the guest's socket close. */
static int
wait_detached(struct tport *t)
{
	uint64_t end = now_ms() + WAIT_MS;

	while (avp_emu_port_attached(t->ep) && now_ms() < end)
		rte_delay_us_sleep(200);
	return avp_emu_port_attached(t->ep) ? -ETIMEDOUT : 0;
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
		TEST_ASSERT_SUCCESS(wait_detached(t), "guest still attached");
		TEST_ASSERT_SUCCESS(avp_emu_port_reset(t->ep), "reset");
		TEST_ASSERT_SUCCESS(avp_emu_port_fault(t->ep, bad[i].f,
			bad[i].arg, 0), "fault");
		ret = tport_probe(t);
		TEST_ASSERT(ret < 0, "probe accepted %s (0x%" PRIx64 ")",
			avp_emu_fault_name(bad[i].f), bad[i].arg);
		t->probed = 0;
	}
	/* a newer minor and an older major are fine */
	TEST_ASSERT_SUCCESS(wait_detached(t), "guest still attached");
	TEST_ASSERT_SUCCESS(avp_emu_port_reset(t->ep), "reset");
	TEST_ASSERT_SUCCESS(avp_emu_port_fault(t->ep,
		AVP_EMU_FAULT_DEVINFO_VERSION, 0x000102ff, 0), "fault");
	TEST_ASSERT_SUCCESS(tport_probe(t), "1.2.255 accepted");
	tport_unprobe(t);
	TEST_ASSERT_SUCCESS(wait_detached(t), "guest still attached");
	TEST_ASSERT_SUCCESS(avp_emu_port_reset(t->ep), "reset");
	TEST_ASSERT_SUCCESS(tport_probe(t), "clean image accepted");
	return test_end();
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

	t = tport_new(NULL);
	ASSERT_NOT_NULL(t, "port");
	for (k = 0; k < IMG_COUNT; k++) {
		TEST_ASSERT_SUCCESS(wait_detached(t), "guest still attached");
		TEST_ASSERT_SUCCESS(avp_emu_port_reset(t->ep), "reset");
		TEST_ASSERT_SUCCESS(avp_emu_port_bars(t->ep, &b), "bars");
		img_mutate(&b, k);
		avp_emu_bars_unmap(&b);
		TEST_ASSERT(tport_probe(t) < 0, "image mutation %u accepted", k);
		t->probed = 0;
	}
	/* a probe during a migration detach: acknowledged, refused */
	TEST_ASSERT_SUCCESS(wait_detached(t), "guest still attached");
	TEST_ASSERT_SUCCESS(avp_emu_port_reset(t->ep), "reset");
	TEST_ASSERT_SUCCESS(avp_emu_port_set_mig_status(t->ep, AVP_MIG_DETACHED,
		0), "mig_status");
	TEST_ASSERT_SUCCESS(avp_emu_port_bars(t->ep, &b), "bars");
	TEST_ASSERT_EQUAL(tport_probe(t), -EBUSY, "probe while detached");
	t->probed = 0;
	/* (the acknowledgement itself is checked on the PCI path: the
	 * emulator clears mig_ack as soon as a socket guest leaves)
	 */
	avp_emu_bars_unmap(&b);
	TEST_ASSERT_SUCCESS(wait_detached(t), "guest still attached");
	TEST_ASSERT_SUCCESS(avp_emu_port_reset(t->ep), "reset");
	TEST_ASSERT_SUCCESS(tport_probe(t), "clean image");
	return test_end();
}

static int
test_fault_ring_index(void)
{
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
	{
		struct avp_emu_port_state st;

		avp_emu_port_state_get(t->ep, &st);
		TEST_ASSERT(st.configured, "the port still works otherwise");
	}
	return test_end();
}

/* Each descriptor fault on the next delivered frame: dropped, counted. */
static int
check_desc_fault(struct tport *t, enum avp_emu_fault f, const char *xs,
		uint32_t len, uint8_t nsegs)
{
	struct avp_emu_inject_opts o = { .queue = -1 };
	struct rte_mbuf *m;
	uint64_t before = 0, after = 0;

	if (nsegs > 1) {
		o.flags = AVP_EMU_INJ_SEGS;
		o.nsegs = nsegs;
	}
	TEST_ASSERT_SUCCESS(xstat(t->port, xs, &before), "xstat");
	TEST_ASSERT_SUCCESS(avp_emu_port_fault(t->ep, f, 0, 1), "fault");
	fill_frame(fbuf, len, tport_mac(t), f);
	TEST_ASSERT_SUCCESS(inject(t, fbuf, len, &o), "inject bad");
	fill_frame(fbuf, 100, tport_mac(t), f + 1);
	TEST_ASSERT_SUCCESS(inject(t, fbuf, 100, NULL), "inject good");
	TEST_ASSERT_EQUAL(rx_wait(t->port, 0, &m, 1), 1u,
		"%s: the good frame", avp_emu_fault_name(f));
	TEST_ASSERT(mbuf_equals(m, fbuf, 100), "%s: good frame bytes",
		avp_emu_fault_name(f));
	rte_pktmbuf_free(m);
	TEST_ASSERT_SUCCESS(avp_emu_wait_rx_drained(t->ep, WAIT_MS),
		"%s: buffers back", avp_emu_fault_name(f));
	TEST_ASSERT_EQUAL(rte_eth_rx_burst(t->port, 0, &m, 1), 0,
		"%s: nothing else", avp_emu_fault_name(f));
	TEST_ASSERT_SUCCESS(xstat(t->port, xs, &after), "xstat");
	TEST_ASSERT_EQUAL(after, before + 1, "%s: %s %" PRIu64 " -> %" PRIu64,
		avp_emu_fault_name(f), xs, before, after);
	return 0;
}

static int
test_fault_descriptors(void)
{
	static const struct {
		enum avp_emu_fault f;
		const char *xs;
		uint32_t len;
		uint8_t nsegs;
	} cases[] = {
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
	struct tport *t, *s;
	unsigned int i;

	/* scattered path */
	t = tport_up(NULL, AVP_EMU_MODE_CAPTURE, &conf_jumbo);
	ASSERT_NOT_NULL(t, "port");
	for (i = 0; i < RTE_DIM(cases); i++)
		TEST_ASSERT_SUCCESS(check_desc_fault(t, cases[i].f,
			cases[i].xs, cases[i].len, cases[i].nsegs),
			"scattered case %u", i);
	/* simple path: every fault that fits one buffer */
	s = tport_up(NULL, AVP_EMU_MODE_CAPTURE, &conf1);
	ASSERT_NOT_NULL(s, "simple port");
	for (i = 0; i < RTE_DIM(cases); i++) {
		if (cases[i].len > 2048)
			continue;
		TEST_ASSERT_SUCCESS(check_desc_fault(s, cases[i].f,
			cases[i].xs, cases[i].len, cases[i].nsegs),
			"simple case %u", i);
	}
	return test_end();
}

static int
test_fault_alloc(void)
{
	struct avp_emu_port_params p;
	struct rte_mbuf *m;
	struct tport *t;
	uint64_t inv = 0;
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

		fill_frame(fbuf, len, peer_mac, i);
		m = mbuf_from(pool, fbuf, len, NULL, 0);
		ASSERT_NOT_NULL(m, "mbuf");
		while (rte_eth_tx_burst(t->port, 0, &m, 1) != 1)
			rte_delay_us_sleep(20);
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
	return test_end();
}

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
	TEST_ASSERT(ms >= 450 && ms < 1500, "timeout after %" PRIu64 " ms", ms);

	TEST_ASSERT_SUCCESS(avp_emu_port_fault(t->ep,
		AVP_EMU_FAULT_CTRL_LATE_REPLY, 700, 1), "fault");
	ret = rte_eth_dev_configure(t->port, 1, 1, &conf);
	TEST_ASSERT_EQUAL(ret, -ETIME, "late reply: %d", ret);
	/* the next request waits out the late reply, then succeeds */
	t0 = now_ms();
	TEST_ASSERT_SUCCESS(rte_eth_dev_configure(t->port, 1, 1, &conf),
		"after a late reply");
	ms = now_ms() - t0;
	TEST_ASSERT(ms < 1500, "bounded: %" PRIu64 " ms", ms);

	TEST_ASSERT_SUCCESS(avp_emu_port_fault(t->ep,
		AVP_EMU_FAULT_CTRL_BAD_TOKEN, 0, 1), "fault");
	ret = rte_eth_dev_configure(t->port, 1, 1, &conf);
	TEST_ASSERT_EQUAL(ret, -ENODATA, "bad token: %d", ret);

	TEST_ASSERT_SUCCESS(avp_emu_port_fault(t->ep, AVP_EMU_FAULT_CTRL_STATUS,
		(uint64_t)-EOPNOTSUPP, 1), "fault");
	ret = rte_eth_dev_configure(t->port, 1, 1, &conf);
	TEST_ASSERT_EQUAL(ret, -EOPNOTSUPP, "host status: %d", ret);
	/* no reply, late reply, bad token, refused */
	ASSERT_XSTAT(t->port, "ctrl_request_errors", 4);
	ASSERT_XSTAT(t->port, "ctrl_stale_replies", 1);

	/* and then everything works */
	TEST_ASSERT_SUCCESS(port_start(t->port, &conf1), "start");
	TEST_ASSERT_SUCCESS(avp_emu_port_set_mode(t->ep, AVP_EMU_MODE_LOOPBACK,
		NULL), "mode");
	TEST_ASSERT_SUCCESS(loop_one(t, 128), "traffic");
	return test_end();
}

/* ---- interrupts, migration, removal ---- */

static volatile int rmv_events;

static int
rmv_cb(uint16_t port __rte_unused, enum rte_eth_event_type type,
		void *arg __rte_unused, void *ret_param __rte_unused)
{
	if (type == RTE_ETH_EVENT_INTR_RMV)
		__atomic_fetch_add(&rmv_events, 1, __ATOMIC_SEQ_CST);
	return 0;
}

static int
wait_rmv(int n)
{
	uint64_t end = now_ms() + WAIT_MS;

	while (__atomic_load_n(&rmv_events, __ATOMIC_SEQ_CST) < n &&
	       now_ms() < end)
		rte_delay_us_sleep(1000);
	return __atomic_load_n(&rmv_events, __ATOMIC_SEQ_CST) >= n ? 0 : -1;
}

struct unplug_arg {
	struct avp_emu_port *ep;
	int ret;
};

static void *
unplug_main(void *arg)
{
	struct unplug_arg *u = arg;

	u->ret = avp_emu_port_unplug(u->ep, WAIT_MS);
	return NULL;
}

static int
test_unplug(void)
{
	struct unplug_arg u;
	struct avp_emu_port_state s;
	pthread_t th;
	struct tport *t;

	rmv_events = 0;
	t = tport_up(NULL, AVP_EMU_MODE_LOOPBACK, &conf1);
	ASSERT_NOT_NULL(t, "port");
	TEST_ASSERT_SUCCESS(rte_eth_dev_callback_register(t->port,
		RTE_ETH_EVENT_INTR_RMV, rmv_cb, NULL), "callback");
	/* 1. the host asks politely: the application releases the port */
	u.ep = t->ep;
	u.ret = 1;
	TEST_ASSERT_SUCCESS(pthread_create(&th, NULL, unplug_main, &u), "thr");
	TEST_ASSERT_SUCCESS(wait_rmv(1), "no RMV event after UNPLUG");
	rte_eth_dev_callback_unregister(t->port, RTE_ETH_EVENT_INTR_RMV,
		rmv_cb, NULL);
	tport_unprobe(t);
	pthread_join(th, NULL);
	TEST_ASSERT_EQUAL(u.ret, 0, "the guest released the port: %d", u.ret);
	avp_emu_port_state_get(t->ep, &s);
	TEST_ASSERT_EQUAL(s.irq_mask, 0u, "irq_mask 0 before release");

	/* 2. surprise removal: the host closes the socket */
	TEST_ASSERT_SUCCESS(tport_probe(t), "probe again");
	TEST_ASSERT_SUCCESS(avp_emu_port_set_mode(t->ep, AVP_EMU_MODE_LOOPBACK,
		NULL), "mode");
	TEST_ASSERT_SUCCESS(port_start(t->port, &conf1), "start");
	TEST_ASSERT_SUCCESS(rte_eth_dev_callback_register(t->port,
		RTE_ETH_EVENT_INTR_RMV, rmv_cb, NULL), "callback");
	TEST_ASSERT_SUCCESS(loop_one(t, 64), "traffic");
	rmv_events = 0;
	u.ret = 1;
	TEST_ASSERT_SUCCESS(pthread_create(&th, NULL, unplug_main, &u), "thr");
	pthread_join(th, NULL);	/* nobody answers: forced close */
	TEST_ASSERT_EQUAL(u.ret, -ETIMEDOUT, "forced: %d", u.ret);
	/* one event for UNPLUG, one for the closed socket */
	TEST_ASSERT_SUCCESS(wait_rmv(2), "no RMV event after close");
	{
		struct rte_mbuf *m = NULL;
		struct rte_eth_link link;

		TEST_ASSERT_EQUAL(rte_eth_rx_burst(t->port, 0, &m, 1), 0,
			"rx after removal");
		fill_frame(fbuf, 64, tport_mac(t), 1);
		m = mbuf_from(pool, fbuf, 64, NULL, 0);
		TEST_ASSERT_EQUAL(rte_eth_tx_burst(t->port, 0, &m, 1), 0,
			"tx after removal");
		rte_pktmbuf_free(m);
		ASSERT_XSTAT(t->port, "tx_detached_packets", 1);
		TEST_ASSERT_SUCCESS(rte_eth_link_get_nowait(t->port, &link),
			"link");
		TEST_ASSERT_EQUAL(link.link_status, RTE_ETH_LINK_DOWN,
			"link down after removal");
	}
	rte_eth_dev_callback_unregister(t->port, RTE_ETH_EVENT_INTR_RMV,
		rmv_cb, NULL);
	tport_unprobe(t);
	return test_end();
}

static int
test_interrupts(void)
{
	struct avp_emu_migrate_result r;
	struct avp_emu_port_stats st;
	struct tport *t;
	int i;

	t = tport_up(NULL, AVP_EMU_MODE_LOOPBACK, &conf1);
	ASSERT_NOT_NULL(t, "port");
	/* causes other than migration are logged once and ignored */
	for (i = 0; i < 5; i++)
		TEST_ASSERT_SUCCESS(avp_emu_port_raise_irq(t->ep, 0x5), "irq");
	TEST_ASSERT_SUCCESS(loop_one(t, 64), "traffic");
	avp_emu_port_stats_get(t->ep, &st);
	TEST_ASSERT_EQUAL(st.mig_ack_writes, 0u, "no acknowledgement");
	/* an unexpected migration status is acknowledged with ERROR */
	TEST_ASSERT_SUCCESS(avp_emu_port_set_mig_status(t->ep, 0, 1), "status");
	TEST_ASSERT_EQUAL(avp_emu_port_wait_mig_ack(t->ep, AVP_MIG_ERROR,
		WAIT_MS), AVP_MIG_ERROR, "ERROR acknowledged");
	/* a migration with the port started and idle */
	memset(&r, 0, sizeof(r));
	TEST_ASSERT_SUCCESS(avp_emu_port_migrate(t->ep, NULL, &r), "migrate");
	TEST_ASSERT_EQUAL(r.detach_ack, AVP_MIG_DETACHED, "detach ack %u",
		r.detach_ack);
	TEST_ASSERT_EQUAL(r.attach_ack, AVP_MIG_ATTACHED, "attach ack %u",
		r.attach_ack);
	TEST_ASSERT(r.reconfigured, "CONFIGURE sent on attach");
	TEST_ASSERT_SUCCESS(avp_emu_wait_link(t->ep, 1, WAIT_MS), "link");
	/* the announcement loops back first: a broadcast RARP */
	{
		struct rte_mbuf *m;

		TEST_ASSERT_EQUAL(rx_wait(t->port, 0, &m, 1), 1u,
			"announcement looped back");
		rarp_build(fbuf, tport_mac(t));
		TEST_ASSERT(mbuf_equals(m, fbuf, 60), "RARP bytes");
		rte_pktmbuf_free(m);
		ASSERT_XSTAT(t->port, "mig_announce_frames", 1);
	}
	for (i = 0; i < 20; i++)
		TEST_ASSERT_SUCCESS(loop_one(t, 64 + i * 50),
			"traffic after migration");
	printf("migration: detach %" PRIu64 " us, attach %" PRIu64 " us\n",
		r.detach_us, r.attach_us);
	return test_end();
}

static volatile int lsc_events;

static int
lsc_cb(uint16_t port __rte_unused, enum rte_eth_event_type type,
		void *arg __rte_unused, void *ret_param __rte_unused)
{
	if (type == RTE_ETH_EVENT_INTR_LSC)
		__atomic_fetch_add(&lsc_events, 1, __ATOMIC_SEQ_CST);
	return 0;
}

/* Migration to a destination with more rings, and to an incompatible one. */
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

	lsc_events = 0;
	t = tport_create(NULL);
	ASSERT_NOT_NULL(t, "probe");
	TEST_ASSERT_SUCCESS(rte_eth_dev_callback_register(t->port,
		RTE_ETH_EVENT_INTR_LSC, lsc_cb, NULL), "callback");
	TEST_ASSERT_SUCCESS(port_start(t->port, &(struct pconf){ .nrx = 2,
		.ntx = 2 }), "start");
	{
		struct rte_eth_conf conf;

		/* LSC events need intr_conf.lsc: configure again with it */
		memset(&conf, 0, sizeof(conf));
		conf.intr_conf.lsc = 1;
		TEST_ASSERT_SUCCESS(rte_eth_dev_stop(t->port), "stop");
		TEST_ASSERT_SUCCESS(rte_eth_dev_configure(t->port, 2, 2, &conf),
			"configure with lsc");
		TEST_ASSERT_SUCCESS(rte_eth_dev_start(t->port), "start");
	}
	TEST_ASSERT_SUCCESS(avp_emu_wait_link(t->ep, 1, WAIT_MS), "link");

	/* the destination asks for 5 rings: two queues serve 3 + 2 */
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
	TEST_ASSERT_EQUAL(__atomic_load_n(&lsc_events, __ATOMIC_SEQ_CST), 2,
		"LSC down and up");
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
		TEST_ASSERT_EQUAL(got, want, "queue %u: %u of %u", q, got, want);
		for (ring = 0; ring < got; ring++)
			TEST_ASSERT(mbuf_equals(m[ring], fbuf, 300), "bytes");
		rte_pktmbuf_free_bulk(m, got);
	}

	/* a destination with smaller host buffers: ERROR, port stays down */
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
	TEST_ASSERT_EQUAL(rte_eth_tx_burst(t->port, 0, m, 1), 0,
		"tx refused while detached");
	rte_pktmbuf_free(m[0]);
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
	inject(t, fbuf, 300, NULL);
	got = rx_wait(t->port, 0, m, 1);
	if (got == 0)
		got = rx_wait(t->port, 1, m, 1);
	TEST_ASSERT_EQUAL(got, 1u, "traffic after recovering");
	TEST_ASSERT(mbuf_equals(m[0], fbuf, 300), "bytes");
	rte_pktmbuf_free(m[0]);
	rte_eth_dev_callback_unregister(t->port, RTE_ETH_EVENT_INTR_LSC,
		lsc_cb, NULL);
	return test_end();
}

/* ---- live migration and hot-plug (issue 5) ---- */

/* Configures with LSC interrupts on and starts. */
static int
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

/* Traffic on every queue, one thread per queue, with a bounded window. */
#define MT_QUEUES	4
#define MT_WINDOW	256	/* frames in flight, all queues together */
#define MT_BURST	8	/* each thread may overshoot by one burst */
/* the most a relocation can find on the rx rings: the window, the
 * overshoot and the last announcement looped back
 */
#define MT_BOUND	(MT_WINDOW + MT_QUEUES * MT_BURST + 1)
struct mt_ctl {
	uint16_t port;
	const uint8_t *mac;
	volatile int stop;
	uint64_t sent;		/* atomics */
	uint64_t received;
	uint64_t lost;		/* reported by the emulator at relocation */
	uint64_t announced;	/* migrations done: one RARP each */
	uint64_t bad;
	uint64_t rarp;
	uint64_t tx_refused;
	uint32_t max_len;	/* longest frame sent; 0: 1509 */
};
struct mt_worker {
	struct mt_ctl *c;
	uint16_t q;
	uint32_t n;
};

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

static int
mt_start(struct mt_ctl *c, struct mt_worker *w, pthread_t *th,
		struct tport *t, unsigned int nq)
{
	uint32_t max_len = c->max_len;
	unsigned int i;

	memset(c, 0, sizeof(*c));
	c->max_len = max_len;
	c->port = t->port;
	c->mac = tport_mac(t);
	for (i = 0; i < nq; i++) {
		w[i].c = c;
		w[i].q = i;
		w[i].n = 0;
		if (pthread_create(&th[i], NULL, mt_main, &w[i]) != 0)
			return -1;
	}
	return 0;
}

static void
mt_stop(struct mt_ctl *c, pthread_t *th, unsigned int nq)
{
	unsigned int i;

	__atomic_store_n(&c->stop, 1, __ATOMIC_RELEASE);
	for (i = 0; i < nq; i++)
		pthread_join(th[i], NULL);
}

/*
 * Waits until everything sent (and the announcements) came back or was
 * lost, or the wait ends.
 */
static void
mt_settle(struct mt_ctl *c, struct tport *t, unsigned int nq,
		uint64_t announced)
{
	struct rte_mbuf *m[32];
	uint64_t end = now_ms() + WAIT_MS;
	unsigned int q, i;
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
	struct mt_worker w[MT_QUEUES];
	pthread_t th[MT_QUEUES];
	struct mt_ctl c = { .max_len = 0 };
	struct tport *t;
	uint64_t t0, det = 0, att = 0, det_max = 0, att_max = 0, lost_max = 0;
	uint64_t sent_before, end, infl = 0;
	uint64_t drops, drops_seen = 0, mig_lost, ring_lost = 0;
	struct avp_emu_port_params pp;
	uint64_t mig_us = 0, m0;
	unsigned int i;
	int ret;

	lsc_events = 0;
	/* smaller rings and pool than the default: quicker relocations */
	params_default(&pp);
	pp.ring_slots = 512;
	pp.buf_count = 4096;
	t = tport_create(&pp);
	ASSERT_NOT_NULL(t, "port");
	TEST_ASSERT_SUCCESS(avp_emu_port_set_mode(t->ep, AVP_EMU_MODE_LOOPBACK,
		NULL), "mode");
	TEST_ASSERT_SUCCESS(rte_eth_dev_callback_register(t->port,
		RTE_ETH_EVENT_INTR_LSC, lsc_cb, NULL), "callback");
	TEST_ASSERT_SUCCESS(port_start_lsc(t->port, MT_QUEUES, 0), "start");
	TEST_ASSERT_SUCCESS(avp_emu_wait_link(t->ep, 1, WAIT_MS), "link");
	TEST_ASSERT_SUCCESS(mt_start(&c, w, th, t, MT_QUEUES), "threads");
	t0 = now_ms();
	for (i = 0; i < 100; i++) {
		/* let traffic build up between migrations */
		sent_before = __atomic_load_n(&c.sent, __ATOMIC_ACQUIRE);
		end = now_ms() + 20;
		while (__atomic_load_n(&c.sent, __ATOMIC_ACQUIRE) <
		       sent_before + 100 && now_ms() < end)
			rte_delay_us_sleep(200);
		memset(&o, 0, sizeof(o));
		o.reorder_memmap = i & 1;	/* new bases, new layout */
		memset(&r, 0, sizeof(r));
		infl += __atomic_load_n(&c.sent, __ATOMIC_ACQUIRE) + c.announced -
			__atomic_load_n(&c.received, __ATOMIC_ACQUIRE) -
			__atomic_load_n(&c.rarp, __ATOMIC_ACQUIRE) - c.lost;
		m0 = rte_get_timer_cycles();
		ret = avp_emu_port_migrate(t->ep, &o, &r);
		mig_us += (rte_get_timer_cycles() - m0) * 1000000 /
			rte_get_timer_hz();
		if (ret != 0) {
			mt_stop(&c, th, MT_QUEUES);
			TEST_ASSERT_SUCCESS(ret, "migration %u: %d (acks %u/%u)",
				i, ret, r.detach_ack, r.attach_ack);
		}
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
		__atomic_fetch_add(&c.lost, mig_lost, __ATOMIC_RELEASE);
		__atomic_fetch_add(&c.announced, 1, __ATOMIC_RELEASE);
		det += r.detach_us;
		att += r.attach_us;
		det_max = RTE_MAX(det_max, r.detach_us);
		att_max = RTE_MAX(att_max, r.attach_us);
		lost_max = RTE_MAX(lost_max, mig_lost);
		/* never more than can be in flight */
		if (mig_lost > MT_BOUND) {
			mt_stop(&c, th, MT_QUEUES);
			TEST_ASSERT(0, "migration %u lost %" PRIu64
				" frames, more than the %u in flight", i,
				mig_lost, MT_BOUND);
		}
	}
	t0 = now_ms() - t0;
	mt_stop(&c, th, MT_QUEUES);
	mt_settle(&c, t, MT_QUEUES, 100);
	avp_emu_port_stats_get(t->ep, &st);
	printf("100 migrations with traffic on %u queues: %" PRIu64 " ms; %"
		PRIu64 " frames sent, %" PRIu64 " received, %" PRIu64
		" lost (%.2f per migration, max %" PRIu64 ", bound %u; %"
		PRIu64 " on the rx rings at relocation, the rest dropped by"
		" the host while shut down), %" PRIu64
		" refused while detached, %" PRIu64 " announcements back\n",
		MT_QUEUES, t0, c.sent, c.received, c.lost, c.lost / 100.0,
		lost_max, MT_BOUND, ring_lost, c.tx_refused, c.rarp);
	printf("in flight when a migration began: %.2f frames on average; a whole migration (detach, relocation, attach) took %.1f ms on average\n",
		infl / 100.0, mig_us / 100000.0);
	printf("detach-to-ack %.0f us average, %" PRIu64
		" max; attach-to-ack %.0f us average, %" PRIu64 " max\n",
		det / 100.0, det_max, att / 100.0, att_max);
	TEST_ASSERT_EQUAL(c.bad, 0u, "%" PRIu64 " corrupted frames", c.bad);
	/* 100 announcements went out too; some may be lost */
	drops = st.rx_ring_full + st.rx_no_buf + st.rx_not_ready;
	TEST_ASSERT_EQUAL(c.sent + 100, c.received + c.rarp + c.lost +
		drops - drops_seen,
		"sent %" PRIu64 " + 100 != received %" PRIu64 " + %" PRIu64
		" + lost %" PRIu64 " + host drops after the last migration %"
		PRIu64, c.sent, c.received, c.rarp, c.lost,
		drops - drops_seen);
	ASSERT_XSTAT(t->port, "mig_detach_acks", 100);
	ASSERT_XSTAT(t->port, "mig_attach_acks", 100);
	ASSERT_XSTAT(t->port, "mig_error_acks", 0);
	ASSERT_XSTAT(t->port, "mig_announce_frames", 100);
	TEST_ASSERT_EQUAL(__atomic_load_n(&lsc_events, __ATOMIC_SEQ_CST), 200,
		"LSC events %d, expected down and up 100 times", lsc_events);
	rte_eth_dev_callback_unregister(t->port, RTE_ETH_EVENT_INTR_LSC,
		lsc_cb, NULL);
	TEST_ASSERT_SUCCESS(rte_eth_dev_stop(t->port), "stop");
	return test_end();
}

/* rte_log lines go to a memory stream while a check runs. */
static char *logbuf;
static size_t loglen;
static FILE *logf;

static void
log_capture(void)
{
	logf = open_memstream(&logbuf, &loglen);
	if (logf != NULL)
		rte_openlog_stream(logf);
}

/* Ends the capture; 1 when the log holds needle exactly once. */
static int
log_release(const char *needle)
{
	const char *p;
	int n = 0;

	rte_openlog_stream(stderr);
	if (logf == NULL)
		return 0;
	fclose(logf);
	logf = NULL;
	for (p = logbuf; (p = strstr(p, needle)) != NULL; p++)
		n++;
	if (n != 1)
		printf("log (%d x \"%s\"):\n%s\n", n, needle, logbuf);
	free(logbuf);
	logbuf = NULL;
	return n == 1;
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
	struct avp_emu_bars b;

	t = tport_create(NULL);
	ASSERT_NOT_NULL(t, "port");
	TEST_ASSERT_SUCCESS(avp_emu_port_set_mode(t->ep, AVP_EMU_MODE_LOOPBACK,
		NULL), "mode");
	TEST_ASSERT_SUCCESS(port_start_lsc(t->port, 2,
		RTE_ETH_RX_OFFLOAD_VLAN_STRIP), "start");
	TEST_ASSERT_SUCCESS(avp_emu_wait_link(t->ep, 1, WAIT_MS), "link");
	TEST_ASSERT_SUCCESS(avp_emu_port_bars(t->ep, &b), "bars");
	va0 = ((struct avp_devinfo *)b.addr[AVP_BAR_DEVINFO])->buf_region_va;
	for (i = 0; i < RTE_DIM(bad); i++) {
		memset(&r, 0, sizeof(r));
		log_capture();
		avp_emu_port_migrate(t->ep, &bad[i].o, &r);
		TEST_ASSERT(log_release(bad[i].why), "case %u: log line \"%s\"",
			i, bad[i].why);
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
	va1 = ((struct avp_devinfo *)b.addr[AVP_BAR_DEVINFO])->buf_region_va;
	TEST_ASSERT(va0 != va1, "buf_region_va unchanged");
	avp_emu_bars_unmap(&b);
	ASSERT_XSTAT(t->port, "mig_error_acks", RTE_DIM(bad));
	/* closing a port left detached works too */
	return test_end();
}

/*
 * Migration of a port that is probed only, configured but stopped, and
 * repeated or spurious events: each acknowledged as the ABI says.
 */
static int
test_mig_states(void)
{
	struct avp_emu_migrate_result r;
	struct avp_emu_port_state s;
	struct avp_emu_port_stats st0, st1;
	struct rte_eth_link link;
	struct tport *t;

	t = tport_create(NULL);
	ASSERT_NOT_NULL(t, "port");
	/* probed while the host has it detached: -EBUSY and ack 1 */
	tport_unprobe(t);
	TEST_ASSERT_SUCCESS(wait_detached(t), "guest still attached");
	TEST_ASSERT_SUCCESS(avp_emu_port_set_mig_status(t->ep,
		AVP_MIG_DETACHED, 0), "status");
	TEST_ASSERT_EQUAL(tport_probe(t), -EBUSY, "probe while detached");
	t->probed = 0;
	TEST_ASSERT_SUCCESS(wait_detached(t), "guest still attached");
	avp_emu_port_state_get(t->ep, &s);
	TEST_ASSERT_EQUAL(s.last_mig_ack, (uint32_t)AVP_MIG_DETACHED,
		"ack of the probe seen over the socket: %u", s.last_mig_ack);
	TEST_ASSERT_SUCCESS(avp_emu_port_set_mig_status(t->ep, AVP_MIG_NONE,
		0), "status");
	TEST_ASSERT_SUCCESS(tport_probe(t), "probe");
	/* probed, never configured: no CONFIGURE, no announcement */
	memset(&r, 0, sizeof(r));
	TEST_ASSERT_SUCCESS(avp_emu_port_migrate(t->ep, NULL, &r), "migrate");
	TEST_ASSERT(!r.reconfigured, "CONFIGURE without configuration");
	TEST_ASSERT_SUCCESS(avp_emu_port_set_mode(t->ep, AVP_EMU_MODE_CAPTURE,
		NULL), "mode");
	/* configured and stopped: CONFIGURE with link_up 0 */
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

	/* a second ATTACHED while attached: acknowledged at once, nothing sent */
	avp_emu_port_stats_get(t->ep, &st0);
	TEST_ASSERT_SUCCESS(avp_emu_port_set_mig_status(t->ep,
		AVP_MIG_ATTACHED, 1), "status");
	TEST_ASSERT_EQUAL(avp_emu_port_wait_mig_ack(t->ep, AVP_MIG_ATTACHED,
		WAIT_MS), AVP_MIG_ATTACHED, "ATTACHED acknowledged");
	avp_emu_port_stats_get(t->ep, &st1);
	TEST_ASSERT_EQUAL(st1.requests[AVP_OP_CONFIGURE],
		st0.requests[AVP_OP_CONFIGURE], "no CONFIGURE");
	/* ERROR as a status, and a cause nobody defined: ERROR / ignored */
	TEST_ASSERT_SUCCESS(avp_emu_port_set_mig_status(t->ep, AVP_MIG_ERROR,
		1), "status");
	TEST_ASSERT_EQUAL(avp_emu_port_wait_mig_ack(t->ep, AVP_MIG_ERROR,
		WAIT_MS), AVP_MIG_ERROR, "ERROR acknowledged");
	TEST_ASSERT_SUCCESS(avp_emu_port_set_mig_status(t->ep, AVP_MIG_NONE,
		0), "status");
	avp_emu_port_stats_get(t->ep, &st0);
	TEST_ASSERT_SUCCESS(avp_emu_port_raise_irq(t->ep, 0x10), "irq");
	rte_delay_us_sleep(20000);
	avp_emu_port_stats_get(t->ep, &st1);
	TEST_ASSERT_EQUAL(st1.mig_ack_writes, st0.mig_ack_writes,
		"a spurious cause was acknowledged");
	TEST_ASSERT_SUCCESS(rte_eth_link_get_nowait(t->port, &link), "link");
	TEST_ASSERT_EQUAL(link.link_status, RTE_ETH_LINK_UP, "still up");
	/* a second DETACHED while detached: acknowledged at once */
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
	/* drop the two announcements from the capture queue */
	while (avp_emu_capture_pop(t->ep, &cap) == 1)
		;
	TEST_ASSERT_SUCCESS(avp_emu_port_set_mode(t->ep, AVP_EMU_MODE_LOOPBACK,
		NULL), "mode");
	TEST_ASSERT_SUCCESS(loop_one(t, 321), "traffic");
	TEST_ASSERT_SUCCESS(rte_eth_dev_stop(t->port), "stop");
	return test_end();
}

/* The announcement: its bytes at the host, and announce=0. */
static int
test_mig_announce(void)
{
	struct avp_emu_migrate_result r;
	struct tport *t, *t2;
	uint8_t want[60];

	t = tport_up(NULL, AVP_EMU_MODE_CAPTURE, &conf1);
	ASSERT_NOT_NULL(t, "port");
	memset(&r, 0, sizeof(r));
	TEST_ASSERT_SUCCESS(avp_emu_port_migrate(t->ep, NULL, &r), "migrate");
	TEST_ASSERT_SUCCESS(avp_emu_wait_captured(t->ep, 1, WAIT_MS),
		"no announcement at the host");
	TEST_ASSERT_EQUAL(avp_emu_capture_pop(t->ep, &cap), 1, "pop");
	rarp_build(want, tport_mac(t));
	TEST_ASSERT_EQUAL(cap.len, 60u, "announcement of %u bytes", cap.len);
	TEST_ASSERT_EQUAL(memcmp(cap.data, want, 60), 0, "announcement bytes");
	TEST_ASSERT_EQUAL(cap.queue, 0, "on tx ring 0");
	TEST_ASSERT_EQUAL(cap.flags, 0, "no flags");
	TEST_ASSERT_EQUAL(avp_emu_capture_pop(t->ep, &cap), 0, "only one");
	ASSERT_XSTAT(t->port, "mig_announce_frames", 1);

	/* announce=0: nothing */
	t2 = tport_new(NULL);
	ASSERT_NOT_NULL(t2, "port");
	snprintf(t2->xargs, sizeof(t2->xargs), ",announce=0");
	TEST_ASSERT_SUCCESS(tport_probe(t2), "probe announce=0");
	TEST_ASSERT_SUCCESS(port_start(t2->port, &conf1), "start");
	TEST_ASSERT_SUCCESS(avp_emu_wait_link(t2->ep, 1, WAIT_MS), "link");
	TEST_ASSERT_SUCCESS(avp_emu_port_migrate(t2->ep, NULL, &r), "migrate");
	TEST_ASSERT(avp_emu_wait_captured(t2->ep, 1, 100) != 0,
		"announced with announce=0");
	ASSERT_XSTAT(t2->port, "mig_announce_frames", 0);
	TEST_ASSERT_SUCCESS(rte_eth_dev_stop(t->port), "stop");
	TEST_ASSERT_SUCCESS(rte_eth_dev_stop(t2->port), "stop");
	return test_end();
}

/* Reconfiguration racing migrations: each op succeeds or says -EBUSY. */
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
	/* announcements may be waiting in loopback: skip them */
	{
		struct rte_mbuf *m;
		uint64_t end = now_ms() + 50;

		while (now_ms() < end)
			if (rte_eth_rx_burst(t->port, 0, &m, 1) == 1)
				rte_pktmbuf_free(m);
	}
	TEST_ASSERT_SUCCESS(loop_one(t, 777), "traffic");
	TEST_ASSERT_SUCCESS(rte_eth_dev_stop(t->port), "stop");
	return test_end();
}

/* ---- hot-plug ---- */

static int
count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	int n = 0;

	if (d == NULL)
		return -1;
	while ((e = readdir(d)) != NULL)
		if (e->d_name[0] != '.')
			n++;
	closedir(d);
	return n - 1;	/* the directory's own descriptor */
}

static uint64_t
heap_bytes(void)
{
	struct rte_malloc_socket_stats ms;
	uint64_t sum = 0;
	unsigned int i;

	for (i = 0; i < rte_socket_count(); i++)
		if (rte_malloc_get_socket_stats(rte_socket_id_by_idx(i),
				&ms) == 0)
			sum += ms.heap_allocsz_bytes;
	return sum;
}

/* One insert/traffic/remove cycle through rte_dev_probe/rte_dev_remove. */
static int
hotplug_vdev_cycle(struct tport *t, unsigned int len, int traffic)
{
	struct rte_eth_dev_info info;
	char devstr[400];
	uint16_t port;
	int ret;

	snprintf(devstr, sizeof(devstr), "%s,socket=%s", t->name, t->sock);
	ret = rte_dev_probe(devstr);
	if (ret != 0)
		return ret;
	if (rte_eth_dev_get_port_by_name(t->name, &port) != 0)
		return -ENODEV;
	t->port = port;
	if (traffic) {
		ret = port_start(port, &conf1);
		if (ret == 0)
			ret = avp_emu_wait_link(t->ep, 1, WAIT_MS);
		if (ret == 0)
			ret = loop_one(t, len);
		if (ret != 0)
			return ret;
	}
	ret = rte_eth_dev_info_get(port, &info);
	if (ret == 0)
		ret = rte_dev_remove(info.device);	/* started: stops, closes */
	if (ret == 0 && rte_eth_dev_is_valid_port(port))
		ret = -EEXIST;
	return ret;
}

static int
test_hotplug_vdev(void)
{
	struct tport *t;
	uint64_t heap0, heap1, t0;
	int fd0, fd1;
	unsigned int i;

	t = tport_new(NULL);
	ASSERT_NOT_NULL(t, "port");
	TEST_ASSERT_SUCCESS(avp_emu_port_set_mode(t->ep, AVP_EMU_MODE_LOOPBACK,
		NULL), "mode");
	/* one cycle first: what EAL allocates once is not a leak */
	TEST_ASSERT_SUCCESS(hotplug_vdev_cycle(t, 64, 1), "first cycle");
	while (avp_emu_port_attached(t->ep))
		rte_delay_us_sleep(100);
	fd0 = count_fds();
	heap0 = heap_bytes();
	t0 = now_ms();
	for (i = 0; i < 100; i++) {
		int ret = hotplug_vdev_cycle(t, 60 + i * 13, 1);

		TEST_ASSERT_SUCCESS(ret, "cycle %u: %d", i, ret);
		/* the host sees the guest go before the next one comes */
		while (avp_emu_port_attached(t->ep))
			rte_delay_us_sleep(100);
	}
	t0 = now_ms() - t0;
	fd1 = count_fds();
	heap1 = heap_bytes();
	printf("100 vdev remove/insert cycles with traffic: %" PRIu64
		" ms; fds %d -> %d, heap %" PRIu64 " -> %" PRIu64 " bytes\n",
		t0, fd0, fd1, heap0, heap1);
	TEST_ASSERT_EQUAL(fd0, fd1, "file descriptors leaked");
	TEST_ASSERT_EQUAL(heap0, heap1, "DPDK heap memory leaked");
	TEST_ASSERT(rte_mempool_full(pool), "mbufs leaked");
	return test_end();
}

/* The synthesized PCI function of test_pci_path, for the emulator port. */
static struct rte_pci_device *
pci_fake(struct rte_pci_driver *drv, const struct avp_emu_bars *bars)
{
	struct rte_pci_device *pdev = calloc(1, sizeof(*pdev));
	unsigned int i;

	if (pdev == NULL)
		return NULL;
	pdev->addr.bus = 0x7e;
	pdev->addr.devid = 0x12;
	rte_pci_device_name(&pdev->addr, pdev->name, sizeof(pdev->name));
	pdev->device.name = pdev->name;
	pdev->device.numa_node = SOCKET_ID_ANY;
	pdev->id.vendor_id = AVP_PCI_VENDOR_ID;
	pdev->id.device_id = AVP_PCI_DEVICE_ID;
	pdev->id.subsystem_vendor_id = AVP_PCI_SUBSYS_VENDOR_ID;
	pdev->id.subsystem_device_id = AVP_PCI_SUBSYS_DEVICE_ID;
	pdev->id.class_id = 0x020000;
	for (i = 0; i < AVP_BAR_COUNT; i++) {
		pdev->mem_resource[i].addr = bars->addr[i];
		pdev->mem_resource[i].len = bars->addr[i] ? bars->len[i] : 0;
	}
	pdev->intr_handle = rte_intr_instance_alloc(RTE_INTR_INSTANCE_F_PRIVATE);
	if (pdev->intr_handle == NULL) {
		free(pdev);
		return NULL;
	}
	rte_intr_type_set(pdev->intr_handle, RTE_INTR_HANDLE_VDEV);
	rte_intr_fd_set(pdev->intr_handle, bars->irq_fd);
	pdev->driver = drv;
	pdev->device.driver = &drv->driver;
	return pdev;
}

/*
 * PCI hot-plug, 100 times with traffic and a migration between: each
 * time a new function on the PCI bus's device list, probed as the bus
 * probes it once mapped (the driver's probe), removed with
 * rte_dev_remove (the bus's unplug: driver remove, unmap, interrupt
 * handle and device freed).
 */
static int
test_hotplug_pci(void)
{
	struct rte_pci_driver *drv = avp_pci_driver();
	struct rte_pci_device *pdev;
	struct test_pci_bus *pb;
	struct avp_emu_migrate_result r;
	struct avp_emu_bars bars;
	struct tport *t;
	uint64_t heap0 = 0, heap1, t0 = 0;
	int fd0 = 0, fd1;
	unsigned int i;
	uint16_t port;

	TEST_ASSERT_NOT_NULL(drv, "net_avp PCI driver");
	t = tport_new(NULL);
	ASSERT_NOT_NULL(t, "emulator port");
	TEST_ASSERT_SUCCESS(avp_emu_port_set_mode(t->ep, AVP_EMU_MODE_LOOPBACK,
		NULL), "mode");
	TEST_ASSERT_SUCCESS(avp_emu_port_bars(t->ep, &bars), "bars");
	pb = container_of(rte_bus_find_by_name("pci"), struct test_pci_bus,
			bus);
	for (i = 0; i < 101; i++) {
		if (i == 1) {	/* after one warm-up cycle */
			fd0 = count_fds();
			heap0 = heap_bytes();
			t0 = now_ms();
		}
		pdev = pci_fake(drv, &bars);
		ASSERT_NOT_NULL(pdev, "pci device");
		pdev->device.bus = &pb->bus;
		TAILQ_INSERT_TAIL(&pb->device_list, pdev, next);
		TEST_ASSERT_SUCCESS(drv->probe(drv, pdev), "probe %u", i);
		TEST_ASSERT_SUCCESS(rte_eth_dev_get_port_by_name(pdev->name,
			&port), "port");
		t->port = port;
		TEST_ASSERT_SUCCESS(port_start(port, &conf1), "start");
		if (i == 50) {
			struct rte_mbuf *m;

			TEST_ASSERT_SUCCESS(avp_emu_port_migrate(t->ep, NULL,
				&r), "migrate");
			TEST_ASSERT_EQUAL(rx_wait(port, 0, &m, 1), 1u,
				"announcement");
			TEST_ASSERT(is_rarp(m), "RARP");
			rte_pktmbuf_free(m);
		}
		TEST_ASSERT_SUCCESS(loop_one(t, 64 + i), "traffic %u", i);
		if (i == 100) {
			/* EAL's removal notice: RMV, nothing moves */
			struct rte_mbuf *m;

			rmv_events = 0;
			TEST_ASSERT_SUCCESS(rte_eth_dev_callback_register(port,
				RTE_ETH_EVENT_INTR_RMV, rmv_cb, NULL), "cb");
			rte_dev_event_callback_process(pdev->name,
				RTE_DEV_EVENT_REMOVE);
			TEST_ASSERT_EQUAL(rmv_events, 1, "RMV events %d",
				rmv_events);
			fill_frame(fbuf, 64, tport_mac(t), 9);
			m = mbuf_from(pool, fbuf, 64, NULL, 0);
			TEST_ASSERT_EQUAL(rte_eth_tx_burst(port, 0, &m, 1), 0,
				"tx after removal");
			rte_pktmbuf_free(m);
			rte_eth_dev_callback_unregister(port,
				RTE_ETH_EVENT_INTR_RMV, rmv_cb, NULL);
		}
		/* removal of a started port: close stops it */
		TEST_ASSERT_SUCCESS(rte_dev_remove(&pdev->device), "remove %u",
			i);
		TEST_ASSERT(!rte_eth_dev_is_valid_port(port), "released");
	}
	t0 = now_ms() - t0;
	fd1 = count_fds();
	heap1 = heap_bytes();
	printf("100 PCI remove/insert cycles with traffic: %" PRIu64
		" ms; fds %d -> %d, heap %" PRIu64 " -> %" PRIu64 " bytes\n",
		t0, fd0, fd1, heap0, heap1);
	avp_emu_bars_unmap(&bars);
	TEST_ASSERT_EQUAL(fd0, fd1, "file descriptors leaked");
	TEST_ASSERT_EQUAL(heap0, heap1, "DPDK heap memory leaked");
	return test_end();
}

/* The host removes the port while every queue carries traffic. */
static int
test_remove_traffic(void)
{
	struct mt_worker w[MT_QUEUES];
	pthread_t th[MT_QUEUES];
	struct mt_ctl c = { .max_len = 0 };
	struct rte_eth_dev_info info;
	struct rte_eth_link link;
	struct tport *t;
	uint64_t sent;
	int ret, fd0, fd1;

	t = tport_new(NULL);
	ASSERT_NOT_NULL(t, "port");
	fd0 = count_fds();
	TEST_ASSERT_SUCCESS(tport_probe(t), "probe");
	TEST_ASSERT_SUCCESS(avp_emu_port_set_mode(t->ep, AVP_EMU_MODE_LOOPBACK,
		NULL), "mode");
	rmv_events = 0;
	TEST_ASSERT_SUCCESS(rte_eth_dev_callback_register(t->port,
		RTE_ETH_EVENT_INTR_RMV, rmv_cb, NULL), "callback");
	TEST_ASSERT_SUCCESS(port_start_lsc(t->port, MT_QUEUES, 0), "start");
	TEST_ASSERT_SUCCESS(avp_emu_wait_link(t->ep, 1, WAIT_MS), "link");
	TEST_ASSERT_SUCCESS(mt_start(&c, w, th, t, MT_QUEUES), "threads");
	while (__atomic_load_n(&c.sent, __ATOMIC_ACQUIRE) < 2000)
		rte_delay_us_sleep(500);
	/* surprise removal: the host closes the socket, nobody answers */
	/* the host asks, nobody releases the port in time: forced close */
	ret = avp_emu_port_unplug(t->ep, 200);
	TEST_ASSERT(ret == -ETIMEDOUT, "unplug %d", ret);
	ret = wait_rmv(2);
	if (ret != 0)
		mt_stop(&c, th, MT_QUEUES);
	TEST_ASSERT_SUCCESS(ret, "no RMV event");
	/* the threads keep polling a removed port: nothing moves */
	rte_delay_us_sleep(20000);
	sent = __atomic_load_n(&c.sent, __ATOMIC_ACQUIRE);
	rte_delay_us_sleep(20000);
	TEST_ASSERT_EQUAL(__atomic_load_n(&c.sent, __ATOMIC_ACQUIRE), sent,
		"transmit after removal");
	TEST_ASSERT_SUCCESS(rte_eth_link_get_nowait(t->port, &link), "link");
	TEST_ASSERT_EQUAL(link.link_status, RTE_ETH_LINK_DOWN, "link down");
	/* the application stops its lcores, then removes the device */
	mt_stop(&c, th, MT_QUEUES);
	TEST_ASSERT_EQUAL(c.bad, 0u, "corrupted frames");
	rte_eth_dev_callback_unregister(t->port, RTE_ETH_EVENT_INTR_RMV,
		rmv_cb, NULL);
	TEST_ASSERT_SUCCESS(rte_eth_dev_info_get(t->port, &info), "info");
	TEST_ASSERT_SUCCESS(rte_dev_remove(info.device), "remove");
	t->probed = 0;
	TEST_ASSERT(!rte_eth_dev_is_valid_port(t->port), "released");
	fd1 = count_fds();
	TEST_ASSERT_EQUAL(fd0, fd1, "fds %d -> %d", fd0, fd1);
	printf("removal under traffic: %" PRIu64 " frames sent before, %"
		PRIu64 " received\n", c.sent, c.received);
	/* and the host takes a new guest */
	TEST_ASSERT_SUCCESS(tport_probe(t), "probe after removal");
	TEST_ASSERT_SUCCESS(port_start(t->port, &conf1), "start");
	TEST_ASSERT_SUCCESS(avp_emu_wait_link(t->ep, 1, WAIT_MS), "link");
	TEST_ASSERT_SUCCESS(loop_one(t, 99), "traffic");
	return test_end();
}

/* ---- the multicast list ---- */

#define MC_LIST_MAX	64	/* documented in avp.rst */

/*
 * All-multicast off: only the listed groups, broadcast and the port's
 * own address pass, and the filtered counter is exact; a bad list is
 * refused and leaves the old one; all-multicast and promiscuous
 * override the list.
 */
static int
test_mc_list(void)
{
	static const uint8_t other[6] = { 0x02, 0x11, 0x22, 0x33, 0x44, 0x55 };
	static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	static const uint8_t unlisted[6] = { 0x01, 0x00, 0x5e, 0x00, 0x00, 0x05 };
	static struct rte_ether_addr list[MC_LIST_MAX + 1];
	/* Frames by bit: 0 own, 1 bcast, 2 other, 3-4 listed, 5 unlisted. */
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
	unsigned int r, i;

	for (i = 0; i < RTE_DIM(list); i++) {
		list[i].addr_bytes[0] = 0x01;
		list[i].addr_bytes[1] = 0x00;
		list[i].addr_bytes[2] = 0x5e;
		list[i].addr_bytes[5] = (uint8_t)(0xfb - i);
	}
	list[1] = (struct rte_ether_addr){ { 0x33, 0x33, 0, 0, 0, 1 } };
	t = tport_up(NULL, AVP_EMU_MODE_CAPTURE, &conf1);
	ASSERT_NOT_NULL(t, "port");
	dst[0] = tport_mac(t);
	dst[1] = bcast;
	dst[2] = other;
	dst[3] = list[0].addr_bytes;
	dst[4] = list[1].addr_bytes;
	dst[5] = unlisted;
	for (r = 0; r < RTE_DIM(rounds); r++) {
		TEST_ASSERT_SUCCESS(rte_eth_dev_set_mc_addr_list(t->port,
			rounds[r].nlist != 0 ? list : NULL, rounds[r].nlist),
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
	/* refused: one too many, or a unicast address; the list stays */
	TEST_ASSERT_EQUAL(rte_eth_dev_set_mc_addr_list(t->port, list,
		MC_LIST_MAX + 1), -EINVAL, "%u addresses", MC_LIST_MAX + 1);
	list[2] = (struct rte_ether_addr){ { 0x02, 0, 0, 0, 0, 7 } };
	TEST_ASSERT_EQUAL(rte_eth_dev_set_mc_addr_list(t->port, list, 3),
		-EINVAL, "a unicast address");
	TEST_ASSERT_SUCCESS(filter_round(t, dst, RTE_DIM(dst), 0x1b, 11),
		"the list before the refusals");
	TEST_ASSERT_SUCCESS(rte_eth_dev_set_mc_addr_list(t->port, &list[3],
		MC_LIST_MAX - 3), "%u addresses", MC_LIST_MAX - 3);
	return test_end();
}

/* ---- applications written for the old driver ---- */

/*
 * Configured as an application of the old net/avp configures: no
 * offloads asked for, MTU 9220 on 2048-byte mbufs, promiscuous off,
 * all-multicast left alone.
 */
#define LEGACY_MTU	9220
#define LEGACY_FRAME	(LEGACY_MTU + 14)	/* untagged, no FCS */
static const struct pconf conf_legacy = {
	.nrx = 1, .ntx = 1, .mtu = LEGACY_MTU,
};

/* Receives n frames and compares each with what build(i) makes. */
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
	return test_end();
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
	unsigned int i;

	t = tport_up(NULL, AVP_EMU_MODE_CAPTURE, &conf_legacy);
	ASSERT_NOT_NULL(t, "port");
	for (i = 0; i < RTE_DIM(cases); i++) {
		fill_frame(fbuf, cases[i].len, peer_mac, i);
		m = mbuf_from(pool, fbuf, cases[i].len, cases[i].segs,
				cases[i].nsegs);
		ASSERT_NOT_NULL(m, "mbuf");
		TEST_ASSERT_EQUAL(m->nb_segs, cases[i].nsegs, "chain %u", i);
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
	return test_end();
}

/*
 * All-multicast on after probe and after a re-probe; multicast (mDNS,
 * IPv6 all-nodes, OSPF), broadcast and own unicast pass, another
 * unicast is filtered and counted.
 */
static int
test_legacy_filter(void)
{
	static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	static const uint8_t other[6] = { 0x02, 0x11, 0x22, 0x33, 0x44, 0x55 };
	static const uint8_t mdns[6] = { 0x01, 0x00, 0x5e, 0x00, 0x00, 0xfb };
	static const uint8_t nd[6] = { 0x33, 0x33, 0x00, 0x00, 0x00, 0x01 };
	static const uint8_t ospf[6] = { 0x01, 0x00, 0x5e, 0x00, 0x00, 0x05 };
	const uint8_t *dst[6];
	struct tport *t;
	unsigned int probe;

	t = tport_create(NULL);
	ASSERT_NOT_NULL(t, "port");
	for (probe = 0; probe < 2; probe++) {
		if (probe == 1) {
			tport_unprobe(t);
			TEST_ASSERT_SUCCESS(tport_probe(t), "re-probe");
		}
		TEST_ASSERT_EQUAL(rte_eth_allmulticast_get(t->port), 1,
			"all-multicast on after probe %u", probe);
		TEST_ASSERT_SUCCESS(port_start(t->port, &conf_legacy),
			"start");
		TEST_ASSERT_SUCCESS(avp_emu_wait_link(t->ep, 1, WAIT_MS),
			"link");
		TEST_ASSERT_EQUAL(rte_eth_promiscuous_get(t->port), 0,
			"promiscuous off");
		dst[0] = tport_mac(t);
		dst[1] = bcast;
		dst[2] = other;
		dst[3] = mdns;
		dst[4] = nd;
		dst[5] = ospf;
		TEST_ASSERT_SUCCESS(filter_round(t, dst, RTE_DIM(dst), 0x3b, 1),
			"probe %u", probe);
	}
	return test_end();
}

/* Host frames split at random points, to the port and to groups. */
#define SPLIT_FRAMES	600

static uint32_t
split_frame(uint8_t *f, unsigned int i, const uint8_t *mac)
{
	static const uint8_t mdns[6] = { 0x01, 0x00, 0x5e, 0x00, 0x00, 0xfb };
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
	return test_end();
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
	struct mt_worker w[MT_QUEUES];
	struct mt_ctl c = { .max_len = LEGACY_FRAME };
	uint64_t drops, drops_seen = 0;
	pthread_t th[MT_QUEUES];
	uint64_t before, end;
	struct tport *t;
	unsigned int i;
	int ret = 0;

	t = tport_up(NULL, AVP_EMU_MODE_LOOPBACK, &conf4);
	ASSERT_NOT_NULL(t, "port");
	TEST_ASSERT_SUCCESS(avp_emu_port_set_rx_split(t->ep,
		AVP_EMU_RX_SPLIT_RANDOM, 777), "random split");
	TEST_ASSERT_SUCCESS(mt_start(&c, w, th, t, MT_QUEUES), "threads");
	for (i = 0; i < 10 && ret == 0; i++) {
		before = __atomic_load_n(&c.received, __ATOMIC_ACQUIRE);
		end = now_ms() + WAIT_MS;
		while (__atomic_load_n(&c.received, __ATOMIC_ACQUIRE) <
		       before + 200 && now_ms() < end)
			rte_delay_us_sleep(200);
		memset(&o, 0, sizeof(o));
		o.reorder_memmap = i & 1;
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
		__atomic_fetch_add(&c.lost, r.frames_lost + drops - drops_seen,
				__ATOMIC_RELEASE);
		__atomic_fetch_add(&c.announced, 1, __ATOMIC_RELEASE);
		drops_seen = drops;
	}
	/* traffic goes on after the last migration */
	before = __atomic_load_n(&c.received, __ATOMIC_ACQUIRE);
	end = now_ms() + WAIT_MS;
	while (ret == 0 && __atomic_load_n(&c.received, __ATOMIC_ACQUIRE) <
	       before + 200 && now_ms() < end)
		rte_delay_us_sleep(200);
	mt_stop(&c, th, MT_QUEUES);
	mt_settle(&c, t, MT_QUEUES, i);
	printf("legacy migration: %u migrations, %" PRIu64 " frames sent, %"
		PRIu64 " received, %" PRIu64 " corrupt\n", i, c.sent,
		c.received, c.bad);
	TEST_ASSERT_SUCCESS(ret, "migration %u: %d (MTU at the host %u)",
		i, ret, s.mtu);
	TEST_ASSERT(c.received >= before + 200, "traffic after migrating");
	TEST_ASSERT_EQUAL(c.bad, 0u, "corrupt frames");
	return test_end();
}

/* ---- queue start and stop, descriptor status, power monitor ---- */

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

/* Frames the host has placed on rx ring r since the port was created. */
static uint64_t
host_placed(struct tport *t, unsigned int r)
{
	struct avp_emu_port_stats st;

	avp_emu_port_stats_get(t->ep, &st);
	return st.rx_frames[r];
}

/* Waits until the host has placed want frames on rx ring r in all. */
static int
wait_placed(struct tport *t, unsigned int r, uint64_t want)
{
	uint64_t end = now_ms() + WAIT_MS;

	while (host_placed(t, r) < want && now_ms() < end)
		rte_delay_us_sleep(100);
	return host_placed(t, r) == want ? 0 : -ETIMEDOUT;
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

/*
 * Deferred start: the queues stay stopped after rte_eth_dev_start; what
 * the host delivered meanwhile is dropped and counted when the receive
 * queue starts; fresh frames then pass both ways.
 */
static int
test_queue_deferred(void)
{
	struct rte_eth_rxconf rxc;
	struct rte_eth_txconf txc;
	struct rte_eth_rxq_info rqi;
	struct rte_eth_txq_info tqi;
	struct rte_eth_conf conf;
	struct rte_mbuf *m[8];
	struct tport *t;
	unsigned int i, k;

	t = tport_create(NULL);
	ASSERT_NOT_NULL(t, "probe");
	memset(&conf, 0, sizeof(conf));
	memset(&rxc, 0, sizeof(rxc));
	memset(&txc, 0, sizeof(txc));
	rxc.rx_deferred_start = 1;
	txc.tx_deferred_start = 1;
	TEST_ASSERT_SUCCESS(rte_eth_dev_configure(t->port, 1, 1, &conf),
		"configure");
	TEST_ASSERT_SUCCESS(rte_eth_rx_queue_setup(t->port, 0, 0,
		SOCKET_ID_ANY, &rxc, pool), "deferred rx queue");
	TEST_ASSERT_SUCCESS(rte_eth_tx_queue_setup(t->port, 0, 0,
		SOCKET_ID_ANY, &txc), "deferred tx queue");
	TEST_ASSERT_SUCCESS(rte_eth_dev_start(t->port), "start");
	TEST_ASSERT_SUCCESS(avp_emu_wait_link(t->ep, 1, WAIT_MS), "link");
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
	k = rte_eth_rx_burst(t->port, 0, m, 8);
	rte_pktmbuf_free_bulk(m, k);
	TEST_ASSERT_EQUAL(k, 0u, "a stopped queue received");
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
	k = rte_eth_rx_burst(t->port, 0, m, 8);
	rte_pktmbuf_free_bulk(m, k);
	TEST_ASSERT_EQUAL(k, 0u, "old frames delivered");
	TEST_ASSERT_SUCCESS(fresh_frame(t, 0, 77), "fresh rx");
	ASSERT_XSTAT(t->port, "rx_q0_packets", 1);
	TEST_ASSERT_EQUAL(avp_emu_capture_pop(t->ep, &cap), 0,
		"the host got a frame from a stopped queue");
	TEST_ASSERT_SUCCESS(rte_eth_dev_tx_queue_start(t->port, 0),
		"tx queue start");
	TEST_ASSERT_EQUAL(txq_state(t->port, 0), RTE_ETH_QUEUE_STATE_STARTED,
		"tx queue state");
	TEST_ASSERT_SUCCESS(tx_fresh(t, 0, 5), "fresh tx");

	/* as rte_eth_dev_start expects: deferred queues stay stopped */
	TEST_ASSERT_SUCCESS(rte_eth_dev_stop(t->port), "stop");
	TEST_ASSERT_SUCCESS(rte_eth_dev_start(t->port), "start again");
	TEST_ASSERT_EQUAL(rxq_state(t->port, 0), RTE_ETH_QUEUE_STATE_STOPPED,
		"deferred rx queue after restart");
	TEST_ASSERT_EQUAL(txq_state(t->port, 0), RTE_ETH_QUEUE_STATE_STOPPED,
		"deferred tx queue after restart");
	TEST_ASSERT_SUCCESS(rte_eth_dev_stop(t->port), "stop");
	return test_end();
}

/*
 * A receive queue stopped while the host keeps delivering, on 64-slot
 * rings: the ring fills (63), the rest waits at the host. At start the
 * 63 are dropped and counted, exactly; the host's backlog then arrives
 * as fresh frames. Stopped queues survive a port restart and a
 * migration.
 */
static int
test_queue_rx_stop(void)
{
	struct avp_emu_port_params p;
	struct avp_emu_migrate_opts o;
	struct avp_emu_migrate_result r;
	struct rte_mbuf *m[128];
	struct tport *t;
	unsigned int got;

	params_default(&p);
	p.ring_slots = 64;
	t = tport_up(&p, AVP_EMU_MODE_CAPTURE, &conf1);
	ASSERT_NOT_NULL(t, "port");
	TEST_ASSERT_SUCCESS(fresh_frame(t, 0, 1), "before the stop");
	TEST_ASSERT_SUCCESS(avp_emu_wait_rx_drained(t->ep, WAIT_MS), "drained");

	TEST_ASSERT_SUCCESS(rte_eth_dev_rx_queue_stop(t->port, 0), "stop");
	TEST_ASSERT_EQUAL(rxq_state(t->port, 0), RTE_ETH_QUEUE_STATE_STOPPED,
		"state");
	TEST_ASSERT_SUCCESS(inject_n(t, 0, 100, 100), "inject");
	TEST_ASSERT_SUCCESS(wait_placed(t, 0, 1 + 63), "ring full");
	rte_delay_ms(20);
	TEST_ASSERT_EQUAL(host_placed(t, 0), 1u + 63, "ring over-filled");
	got = rte_eth_rx_burst(t->port, 0, m, 128);
	rte_pktmbuf_free_bulk(m, got);
	TEST_ASSERT_EQUAL(got, 0u, "a stopped queue received");
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

	/* stopped across a port restart: dev_start starts it, drops 4 */
	TEST_ASSERT_SUCCESS(rte_eth_dev_rx_queue_stop(t->port, 0), "stop");
	TEST_ASSERT_SUCCESS(inject_n(t, 0, 4, 300), "inject");
	TEST_ASSERT_SUCCESS(wait_placed(t, 0, 1 + 100 + 4), "placed");
	TEST_ASSERT_SUCCESS(rte_eth_dev_stop(t->port), "port stop");
	TEST_ASSERT_SUCCESS(rte_eth_dev_start(t->port), "port start");
	TEST_ASSERT_EQUAL(rxq_state(t->port, 0), RTE_ETH_QUEUE_STATE_STARTED,
		"state after port start");
	ASSERT_XSTAT(t->port, "rx_q0_stopped_drops", 63 + 4);
	TEST_ASSERT_SUCCESS(fresh_frame(t, 0, 2), "after the port restart");

	/* stopped across a migration: still stopped, new frames dropped */
	TEST_ASSERT_SUCCESS(rte_eth_dev_rx_queue_stop(t->port, 0), "stop");
	memset(&o, 0, sizeof(o));
	memset(&r, 0, sizeof(r));
	TEST_ASSERT_SUCCESS(avp_emu_port_migrate(t->ep, &o, &r), "migrate");
	TEST_ASSERT_EQUAL(rxq_state(t->port, 0), RTE_ETH_QUEUE_STATE_STOPPED,
		"state after migration");
	TEST_ASSERT_SUCCESS(inject_n(t, 0, 5, 400), "inject");
	TEST_ASSERT_SUCCESS(wait_placed(t, 0, 1 + 100 + 4 + 1 + 5), "placed");
	got = rte_eth_rx_burst(t->port, 0, m, 128);
	rte_pktmbuf_free_bulk(m, got);
	TEST_ASSERT_EQUAL(got, 0u, "a stopped queue received after migration");
	TEST_ASSERT_SUCCESS(rte_eth_dev_rx_queue_start(t->port, 0), "start");
	ASSERT_XSTAT(t->port, "rx_q0_stopped_drops", 63 + 4 + 5);
	TEST_ASSERT_SUCCESS(fresh_frame(t, 0, 3), "after the migration");
	TEST_ASSERT_SUCCESS(avp_emu_wait_rx_drained(t->ep, WAIT_MS), "drained");
	TEST_ASSERT_SUCCESS(rte_eth_dev_stop(t->port), "stop");
	return test_end();
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
	return test_end();
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

/* Descriptor status and counts against known ring states (64 slots). */
static int
test_queue_desc_status(void)
{
	struct avp_emu_port_params p;
	struct rte_mbuf *m[8];
	struct tport *t;
	unsigned int sent = 0, k;
	int ret;

	params_default(&p);
	p.ring_slots = 64;
	t = tport_up(&p, AVP_EMU_MODE_CAPTURE, &conf1);
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

	avp_emu_stop(emu);
	ret = check_tx_status_frozen(t, &sent);
	avp_emu_start(emu);
	TEST_ASSERT_SUCCESS(ret, "transmit status");
	TEST_ASSERT_SUCCESS(avp_emu_wait_captured(t->ep, sent, WAIT_MS),
		"captured");
	TEST_ASSERT_EQUAL(rte_eth_tx_descriptor_status(t->port, 0, 62),
		RTE_ETH_TX_DESC_DONE, "consumed");
	TEST_ASSERT_SUCCESS(rte_eth_dev_stop(t->port), "stop");
	return test_end();
}

/*
 * The power monitor condition, called as the power library does (the
 * machines lack UMWAIT): 0 (sleep) on an empty ring, -1 once a frame
 * is there, 0 again after it is received and the condition re-fetched.
 */
static int
test_queue_monitor(void)
{
	struct avp_emu_port_params p;
	struct rte_power_monitor_cond pmc;
	struct rte_mbuf *m;
	struct tport *t, *t2;
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

	/* a queue serving two host rings: one address cannot cover it */
	params_default(&p);
	p.rx_queues_min = 2;
	t2 = tport_up(&p, AVP_EMU_MODE_CAPTURE, &conf1);
	ASSERT_NOT_NULL(t2, "port with 2 rings");
	TEST_ASSERT_EQUAL(rte_eth_get_monitor_addr(t2->port, 0, &pmc),
		-ENOTSUP, "monitor of two rings");
	TEST_ASSERT_SUCCESS(rte_eth_dev_stop(t->port), "stop");
	TEST_ASSERT_SUCCESS(rte_eth_dev_stop(t2->port), "stop");
	return test_end();
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
	return test_end();
}

static struct unit_test_suite avp_legacy_suite = {
	.suite_name = "applications of the old net/avp",
	.unit_test_cases = {
		TEST_CASE_ST(ut_setup, ut_teardown, test_legacy_jumbo),
		TEST_CASE_ST(ut_setup, ut_teardown, test_legacy_tx_multiseg),
		TEST_CASE_ST(ut_setup, ut_teardown, test_legacy_filter),
		TEST_CASE_ST(ut_setup, ut_teardown, test_legacy_split),
		TEST_CASE_ST(ut_setup, ut_teardown, test_legacy_migration),
		TEST_CASES_END()
	}
};

static struct unit_test_suite *avp_sub_suites[] = {
	&avp_legacy_suite,
	NULL
};

static struct unit_test_suite avp_suite = {
	.suite_name = "AVP PMD unit test suite",
	.setup = avp_suite_setup,
	.teardown = avp_suite_teardown,
	.unit_test_suites = avp_sub_suites,
	.unit_test_cases = {
		TEST_CASE_ST(ut_setup, ut_teardown, test_infos),
		TEST_CASE_ST(ut_setup, ut_teardown, test_configure_queues),
		TEST_CASE_ST(ut_setup, ut_teardown, test_too_many_queues),
		TEST_CASE_ST(ut_setup, ut_teardown, test_loopback_sizes),
		TEST_CASE_ST(ut_setup, ut_teardown, test_loopback_jumbo),
		TEST_CASE_ST(ut_setup, ut_teardown, test_rx_scattered),
		TEST_CASE_ST(ut_setup, ut_teardown, test_tx_multiseg),
		TEST_CASE_ST(ut_setup, ut_teardown, test_tx_oversize),
		TEST_CASE_ST(ut_setup, ut_teardown, test_rx_oversize),
		TEST_CASE_ST(ut_setup, ut_teardown, test_vlan_strip),
		TEST_CASE_ST(ut_setup, ut_teardown, test_vlan_insert),
		TEST_CASE_ST(ut_setup, ut_teardown, test_vlan_runtime),
		TEST_CASE_ST(ut_setup, ut_teardown, test_promisc_allmulti),
		TEST_CASE_ST(ut_setup, ut_teardown, test_mtu),
		TEST_CASE_ST(ut_setup, ut_teardown, test_mc_list),
		TEST_CASE_ST(ut_setup, ut_teardown, test_stats_xstats),
		TEST_CASE_ST(ut_setup, ut_teardown, test_lifecycle),
		TEST_CASE_ST(ut_setup, ut_teardown, test_start_refused),
		TEST_CASE_ST(ut_setup, ut_teardown, test_bursts),
		TEST_CASE_ST(ut_setup, ut_teardown, test_mixed_bursts),
		TEST_CASE_ST(ut_setup, ut_teardown, test_tx_ring_full),
		TEST_CASE_ST(ut_setup, ut_teardown, test_rx_nombuf),
		TEST_CASE_ST(ut_setup, ut_teardown, test_two_threads),
		TEST_CASE_ST(ut_setup, ut_teardown, test_pci_path),
		TEST_CASE_ST(ut_setup, ut_teardown, test_devargs),
		TEST_CASE_ST(ut_setup, ut_teardown, test_queue_pools),
		TEST_CASE_ST(ut_setup, ut_teardown, test_fault_images),
		TEST_CASE_ST(ut_setup, ut_teardown, test_validation),
		TEST_CASE_ST(ut_setup, ut_teardown, test_fault_ring_index),
		TEST_CASE_ST(ut_setup, ut_teardown, test_queue_deferred),
		TEST_CASE_ST(ut_setup, ut_teardown, test_queue_rx_stop),
		TEST_CASE_ST(ut_setup, ut_teardown, test_queue_tx_stop),
		TEST_CASE_ST(ut_setup, ut_teardown, test_queue_desc_status),
		TEST_CASE_ST(ut_setup, ut_teardown, test_queue_monitor),
		TEST_CASE_ST(ut_setup, ut_teardown, test_queue_ring_index),
		TEST_CASE_ST(ut_setup, ut_teardown, test_fault_descriptors),
		TEST_CASE_ST(ut_setup, ut_teardown, test_fault_alloc),
		TEST_CASE_ST(ut_setup, ut_teardown, test_fault_control),
		TEST_CASE_ST(ut_setup, ut_teardown, test_unplug),
		TEST_CASE_ST(ut_setup, ut_teardown, test_interrupts),
		TEST_CASE_ST(ut_setup, ut_teardown, test_migration),
		TEST_CASE_ST(ut_setup, ut_teardown, test_mig_traffic),
		TEST_CASE_ST(ut_setup, ut_teardown, test_mig_incompatible),
		TEST_CASE_ST(ut_setup, ut_teardown, test_mig_states),
		TEST_CASE_ST(ut_setup, ut_teardown, test_mig_announce),
		TEST_CASE_ST(ut_setup, ut_teardown, test_mig_race_configure),
		TEST_CASE_ST(ut_setup, ut_teardown, test_hotplug_vdev),
		TEST_CASE_ST(ut_setup, ut_teardown, test_hotplug_pci),
		TEST_CASE_ST(ut_setup, ut_teardown, test_remove_traffic),
		TEST_CASES_END()
	}
};

static int
test_avp(void)
{
	return unit_test_suite_runner(&avp_suite);
}

REGISTER_TEST_COMMAND(avp_autotest, test_avp);
