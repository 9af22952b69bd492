/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The AVP PMD authors
 */

/*
 * avp-soak: traffic on every queue of an AVP port for a fixed time while
 * the in-process emulator live-migrates the port every 200 ms and
 * hot-unplugs it every few seconds (the application then releases the
 * port and plugs it in again). Frames are built and verified with the
 * emulator's checksummed pattern and looped back by the host.
 *
 * At the end: every mbuf is back in the pool, no file descriptor, heap
 * or rte_malloc memory was leaked (counted in the same state before and
 * after), no frame arrived corrupted, the emulator's strict checker saw
 * nothing. Prints the totals; exit status 0 when all of that holds.
 *
 *   avp-soak [EAL options] -- [-t SECONDS] [-m MIGRATE_MS] [-u UNPLUG_MS]
 *                             [-q QUEUES] [-n (no migrations)]
 */

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <malloc.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <rte_bus_vdev.h>
#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_ethdev.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>

#include "avp_emu.h"
#include "fuzz_common.h"

#define BURST		32
#define NB_MBUF		8191
#define PORT_NAME	"net_avp_emu_soak"

static unsigned int duration_s = 300, mig_ms = 200, unplug_ms = 3000;
static unsigned int nq = 4;
static int no_migration;

static struct avp_emu *emu;
static struct avp_emu_port *ep;
static struct rte_mempool *pool;
static char sock[128], tdir[64];
static uint16_t port;

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static volatile int attached, stop, removed, unplugging;
static volatile uint64_t rmv_at, unplug_at;
static uint64_t release_max_ms, notice_max_ms;

/* Totals. */
static uint64_t sent, received, corrupt, tx_refused, announce;
static uint64_t migrations, mig_failed, unplugs, unplug_forced;
static uint64_t host_lost;		/* frames the host discarded */
static uint64_t seq;
static uint64_t ctl_ops, ctl_failed, ctl_bad;	/* control operations */
static unsigned int ctl_ms = 50;

static size_t
heap_in_use(void)
{
	struct mallinfo2 mi = mallinfo2();

	return mi.uordblks;
}

static int
rmv_cb(uint16_t p, enum rte_eth_event_type type, void *arg, void *ret)
{
	(void)arg;
	(void)ret;
	if (getenv("AVP_SOAK_DEBUG") != NULL && type == RTE_ETH_EVENT_INTR_RMV)
		printf("soak: RMV on port %u, %" PRIu64 " ms after the unplug, removed %d\n",
			p, fz_now_ms() - unplug_at, removed);
	if (type == RTE_ETH_EVENT_INTR_RMV && !removed) {
		rmv_at = fz_now_ms();
		removed = 1;
	}
	return 0;
}

static int
plug(void)
{
	struct rte_eth_conf conf;
	char args[200];
	unsigned int q;
	int ret;

	snprintf(args, sizeof(args), "socket=%s", sock);
	ret = rte_vdev_init(PORT_NAME, args);
	if (ret != 0) {
		fprintf(stderr, "soak: probe: %d\n", ret);
		return ret;
	}
	if (rte_eth_dev_get_port_by_name(PORT_NAME, &port) != 0)
		return -ENODEV;
	memset(&conf, 0, sizeof(conf));
	conf.rxmode.offloads = RTE_ETH_RX_OFFLOAD_SCATTER;
	conf.txmode.offloads = RTE_ETH_TX_OFFLOAD_MULTI_SEGS;
	ret = rte_eth_dev_configure(port, nq, nq, &conf);
	for (q = 0; ret == 0 && q < nq; q++)
		ret = rte_eth_rx_queue_setup(port, q, 0, SOCKET_ID_ANY, NULL,
				pool);
	for (q = 0; ret == 0 && q < nq; q++)
		ret = rte_eth_tx_queue_setup(port, q, 0, SOCKET_ID_ANY, NULL);
	if (ret == 0)
		ret = rte_eth_dev_callback_register(port,
				RTE_ETH_EVENT_INTR_RMV, rmv_cb, NULL);
	if (ret == 0)
		ret = rte_eth_dev_start(port);
	if (ret != 0)
		fprintf(stderr, "soak: port set-up: %d\n", ret);
	return ret;
}

static void
unplug_release(void)
{
	rte_eth_dev_callback_unregister(port, RTE_ETH_EVENT_INTR_RMV, rmv_cb,
		NULL);
	rte_eth_dev_stop(port);
	rte_eth_dev_close(port);
	rte_vdev_uninit(PORT_NAME);
}

/* The host: migrations every mig_ms, an unplug every unplug_ms. */
static void *
host_main(void *arg)
{
	uint64_t next_unplug = fz_now_ms() + unplug_ms;

	(void)arg;
	while (!stop) {
		fz_nap_us(mig_ms * 1000u);
		pthread_mutex_lock(&lock);
		if (attached && !stop && !no_migration) {
			struct avp_emu_migrate_opts o;
			struct avp_emu_migrate_result r;

			memset(&o, 0, sizeof(o));
			o.reorder_memmap = (int)(migrations & 1);
			memset(&r, 0, sizeof(r));
			if (avp_emu_port_migrate(ep, &o, &r) == 0) {
				migrations++;
				host_lost += r.frames_lost;
			} else {
				mig_failed++;
			}
		}
		if (attached && !stop && fz_now_ms() >= next_unplug) {
			int ret;

			attached = 0;
			unplug_at = fz_now_ms();
			unplugging = 1;
			ret = avp_emu_port_unplug(ep, 5000);
			unplugging = 0;
			unplugs++;
			if (ret != 0)
				unplug_forced++;
			next_unplug = fz_now_ms() + unplug_ms;
		}
		pthread_mutex_unlock(&lock);
	}
	return NULL;
}

static struct rte_mbuf *
frame_mbuf(const uint8_t *mac, unsigned int len)
{
	static uint8_t buf[AVP_EMU_FRAME_MAX];
	static const uint8_t src[6] = { 0x02, 0, 0, 0, 0x50, 0x4b };
	struct rte_mbuf *m;

	avp_emu_frame_build(buf, len, seq, mac, src);
	m = rte_pktmbuf_alloc(pool);
	if (m == NULL)
		return NULL;
	if (len > rte_pktmbuf_tailroom(m)) {
		/* two segments */
		struct rte_mbuf *t = rte_pktmbuf_alloc(pool);
		uint16_t first = rte_pktmbuf_tailroom(m);

		if (t == NULL) {
			rte_pktmbuf_free(m);
			return NULL;
		}
		memcpy(rte_pktmbuf_append(m, first), buf, first);
		memcpy(rte_pktmbuf_append(t, len - first), buf + first,
			len - first);
		rte_pktmbuf_chain(m, t);
	} else {
		memcpy(rte_pktmbuf_append(m, len), buf, len);
	}
	seq++;
	return m;
}

static void
traffic(const uint8_t *mac)
{
	static const uint16_t sizes[] = { 60, 64, 128, 512, 1024, 1514, 3000 };
	static uint8_t buf[AVP_EMU_FRAME_MAX];
	struct rte_mbuf *pkts[BURST];
	unsigned int q, i, n, k;
	int idle = 1;

	for (q = 0; q < nq; q++) {
		for (n = 0; n < BURST / 2; n++) {
			pkts[n] = frame_mbuf(mac,
				sizes[(seq + n) % RTE_DIM(sizes)]);
			if (pkts[n] == NULL)
				break;
		}
		k = rte_eth_tx_burst(port, q, pkts, n);
		sent += k;
		tx_refused += n - k;
		for (i = k; i < n; i++)
			rte_pktmbuf_free(pkts[i]);
	}
	for (q = 0; q < nq; q++) {
		n = rte_eth_rx_burst(port, q, pkts, BURST);
		if (n != 0)
			idle = 0;
		for (i = 0; i < n; i++) {
			uint32_t len = rte_pktmbuf_pkt_len(pkts[i]);
			const void *p = rte_pktmbuf_read(pkts[i], 0, len, buf);
			uint64_t s;

			if (p != NULL && len >= 14 &&
			    ((const uint8_t *)p)[12] == 0x80 &&
			    ((const uint8_t *)p)[13] == 0x35) {
				/* RARP the host announces after an attach */
				announce++;
				rte_pktmbuf_free(pkts[i]);
				continue;
			}
			if (p == NULL || avp_emu_frame_verify(p, len, &s) != 0) {
				if (corrupt++ < 5)
					printf("soak: corrupted frame: queue %u, %u bytes in %u segments, after %" PRIu64 " migrations / %" PRIu64 " unplugs\n",
						q, len, pkts[i]->nb_segs,
						migrations, unplugs);
			}
			received++;
			rte_pktmbuf_free(pkts[i]);
		}
	}
	if (idle)
		rte_delay_us_sleep(200);
}

/*
 * One control operation, in turn, as an application makes them while
 * its port carries traffic: every one returns 0 or a negative errno
 * (a refusal, -EBUSY while the host migrates the port, is fine).
 */
static void
control_op(void)
{
	static const uint16_t mtus[] = { 9000, 3000, 5000, 1500 };
	struct rte_ether_addr mc[3];
	struct rte_eth_stats st;
	struct rte_eth_xstat xs[64];
	unsigned int k = (unsigned int)(ctl_ops % 12), q, i;
	int ret;

	q = (unsigned int)(ctl_ops / 12 % nq);
	switch (k) {
	case 0: ret = rte_eth_promiscuous_enable(port); break;
	case 1: ret = rte_eth_promiscuous_disable(port); break;
	case 2: ret = rte_eth_allmulticast_disable(port); break;
	case 3: ret = rte_eth_allmulticast_enable(port); break;
	case 4:
		for (i = 0; i < RTE_DIM(mc); i++) {
			memset(&mc[i], 0, sizeof(mc[i]));
			mc[i].addr_bytes[0] = 0x01;
			mc[i].addr_bytes[5] = (uint8_t)(ctl_ops + i);
		}
		ret = rte_eth_dev_set_mc_addr_list(port, mc,
				(uint32_t)(ctl_ops / 12 % (RTE_DIM(mc) + 1)));
		break;
	case 5: ret = rte_eth_stats_get(port, &st); break;
	case 6: ret = rte_eth_stats_reset(port); break;
	case 7:
		ret = rte_eth_xstats_get(port, xs, RTE_DIM(xs));
		ret = ret < 0 ? ret : rte_eth_xstats_reset(port);
		break;
	case 8:
		/* frames up to 3000 bytes always fit: MTU 1500 is refused */
		ret = rte_eth_dev_set_mtu(port,
				mtus[ctl_ops / 12 % RTE_DIM(mtus)]);
		break;
	case 9:
		ret = rte_eth_dev_set_vlan_offload(port,
				ctl_ops / 12 % 2 ? RTE_ETH_VLAN_STRIP_OFFLOAD :
				0);
		break;
	case 10:
		ret = rte_eth_dev_rx_queue_stop(port, q);
		ret = ret != 0 ? ret : rte_eth_dev_rx_queue_start(port, q);
		break;
	default:
		ret = rte_eth_dev_set_link_down(port);
		ret = ret != 0 ? ret : rte_eth_dev_set_link_up(port);
		break;
	}
	ctl_ops++;
	if (ret > 0) {
		if (ctl_bad++ < 5)
			printf("soak: control operation %u returned %d\n",
				k, ret);
	} else if (ret < 0) {
		ctl_failed++;
	}
}

static int
parse(int argc, char **argv)
{
	int c;

	while ((c = getopt(argc, argv, "t:m:u:q:c:n")) != -1) {
		switch (c) {
		case 't': duration_s = (unsigned int)atoi(optarg); break;
		case 'm': mig_ms = (unsigned int)atoi(optarg); break;
		case 'u': unplug_ms = (unsigned int)atoi(optarg); break;
		case 'q': nq = (unsigned int)atoi(optarg); break;
		case 'c': ctl_ms = (unsigned int)atoi(optarg); break;
		case 'n': no_migration = 1; break;
		default: return -1;
		}
	}
	if (nq < 1 || nq > 8 || mig_ms == 0 || unplug_ms == 0)
		return -1;
	return 0;
}

int
main(int argc, char **argv)
{
	struct avp_emu_port_params pp;
	struct avp_emu_port_stats hst;
	struct rte_ether_addr mac;
	uint64_t end, t0, viol, next_ctl;
	unsigned int fds0, fds1;
	size_t heap0, heap1, rte0, rte1;
	pthread_t host;
	int ret, fail = 0;

	ret = rte_eal_init(argc, argv);
	if (ret < 0)
		return 1;
	if (parse(argc - ret, argv + ret) != 0) {
		fprintf(stderr, "usage: avp-soak [EAL] -- [-t s] [-m ms] [-u ms] [-q n] [-c ms]\n");
		return 2;
	}
	snprintf(tdir, sizeof(tdir), "/tmp/avp_soak.XXXXXX");
	if (mkdtemp(tdir) == NULL)
		return 1;
	snprintf(sock, sizeof(sock), "%s/soak.sock", tdir);
	pool = rte_pktmbuf_pool_create("soak_pool", NB_MBUF, 256, 0,
			RTE_MBUF_DEFAULT_BUF_SIZE, SOCKET_ID_ANY);
	emu = avp_emu_create();
	if (pool == NULL || emu == NULL || avp_emu_start(emu) != 0)
		return 1;
	avp_emu_set_log(emu, stderr, 0);
	avp_emu_port_params_default(&pp, 0);
	pp.rx_queues_max = (uint8_t)nq;
	pp.tx_queues_max = (uint8_t)nq;
	ep = avp_emu_port_create(emu, &pp);
	if (ep == NULL || avp_emu_port_listen(ep, sock) != 0 ||
	    avp_emu_port_set_mode(ep, AVP_EMU_MODE_LOOPBACK, NULL) != 0)
		return 1;
	if (plug() != 0)
		return 1;
	rte_eth_macaddr_get(port, &mac);
	/* warm up, then the baseline, in the state the end is measured in */
	t0 = fz_now_ms();
	while (fz_now_ms() - t0 < 500)
		traffic(mac.addr_bytes);
	fds0 = fz_count_fds();
	heap0 = heap_in_use();
	rte0 = fz_rte_alloc_count();

	printf("soak: %u s, %u queues, migration every %u ms, unplug every %u ms, a control operation every %u ms\n",
		duration_s, nq, mig_ms, unplug_ms, ctl_ms);
	fflush(stdout);
	attached = 1;
	if (pthread_create(&host, NULL, host_main, NULL) != 0)
		return 1;
	end = fz_now_ms() + (uint64_t)duration_s * 1000;
	next_ctl = fz_now_ms() + ctl_ms;
	while (fz_now_ms() < end) {
		if (removed) {
			/* the host asked for the port: release, plug again */
			uint64_t t1 = fz_now_ms();

			if (unplug_at != 0 && rmv_at >= unplug_at)
				notice_max_ms = RTE_MAX(notice_max_ms,
					rmv_at - unplug_at);
			unplug_release();
			release_max_ms = RTE_MAX(release_max_ms, fz_now_ms() - t1);
			/* plug in again once the host has seen the port go
			 * (a guest does not come back in the middle of it)
			 */
			while (unplugging && fz_now_ms() - t1 < 10000)
				rte_delay_us_sleep(1000);
			removed = 0;
			if (plug() != 0) {
				fail = 1;
				break;
			}
			rte_eth_macaddr_get(port, &mac);
			pthread_mutex_lock(&lock);
			attached = 1;
			pthread_mutex_unlock(&lock);
			continue;
		}
		traffic(mac.addr_bytes);
		if (ctl_ms != 0 && fz_now_ms() >= next_ctl) {
			control_op();
			next_ctl = fz_now_ms() + ctl_ms;
		}
	}
	stop = 1;
	pthread_join(host, NULL);
	if (removed) {
		unplug_release();
		removed = 0;
		if (plug() != 0)
			fail = 1;
	}
	/* drain what is still in flight */
	t0 = fz_now_ms();
	while (fz_now_ms() - t0 < 300) {
		struct rte_mbuf *pkts[BURST];
		unsigned int q, i, n;

		for (q = 0; q < nq; q++) {
			n = rte_eth_rx_burst(port, q, pkts, BURST);
			received += n;
			for (i = 0; i < n; i++)
				rte_pktmbuf_free(pkts[i]);
		}
	}
	fds1 = fz_count_fds();
	heap1 = heap_in_use();
	rte1 = fz_rte_alloc_count();
	viol = avp_emu_port_violations(ep);
	if (viol != 0)
		avp_emu_port_stats_print(ep, stdout);	/* which rules */
	avp_emu_port_stats_get(ep, &hst);

	unplug_release();
	printf("soak: frames sent %" PRIu64 ", received %" PRIu64
		", corrupted %" PRIu64 ", refused by tx %" PRIu64
		" (RARP announcements received %" PRIu64 ")\n",
		sent, received, corrupt, tx_refused, announce);
	printf("soak: migrations %" PRIu64 " (%" PRIu64 " failed), unplugs %"
		PRIu64 " (%" PRIu64 " forced)\n", migrations, mig_failed,
		unplugs, unplug_forced);
	printf("soak: control operations %" PRIu64 " (%" PRIu64
		" refused with an errno, %" PRIu64 " bad return values)\n",
		ctl_ops, ctl_failed, ctl_bad);
	printf("soak: unplug to RMV event at most %" PRIu64 " ms, release at most %" PRIu64 " ms\n",
		notice_max_ms, release_max_ms);
	printf("soak: the host answered every control request within %"
		PRIu64 " us\n", hst.ctrl_reply_max_us);
	printf("soak: frames lost %" PRIu64 " (host discarded %" PRIu64
		"), per migration or unplug %.2f\n", sent - RTE_MIN(sent,
		received), host_lost, migrations + unplugs == 0 ? 0.0 :
		(double)(sent - RTE_MIN(sent, received)) /
		(double)(migrations + unplugs));
	printf("soak: fds %u -> %u, heap %zu -> %zu bytes, rte_malloc %zu -> %zu allocations, mbufs in use %u, strict-checker violations %" PRIu64 "\n",
		fds0, fds1, heap0, heap1, rte0, rte1,
		rte_mempool_in_use_count(pool), viol);
	if (corrupt != 0 || fds1 != fds0 || rte1 != rte0 ||
	    heap1 > heap0 + (1u << 20) || !rte_mempool_full(pool) ||
	    viol != 0 || mig_failed != 0 || unplugs == 0 ||
	    unplug_forced != 0 || ctl_bad != 0 ||
	    (migrations == 0 && !no_migration))
		fail = 1;
	if (received == 0)
		fail = 1;
	avp_emu_port_destroy(ep);
	avp_emu_destroy(emu);
	unlink(sock);
	rmdir(tdir);
	printf("soak: %s\n", fail ? "FAILED" : "passed");
	return fail;
}
