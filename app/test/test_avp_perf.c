/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The AVP PMD authors
 */

/*
 * avp_perf_autotest: how fast the AVP PMD moves frames, measured the way
 * DPDK users do. One guest lcore (the main lcore) runs bursts of 32
 * against the in-process host emulator, whose service thread is pinned
 * to another core. It prints figures and asserts nothing about speed;
 * it fails only when a frame went wrong or the emulator's strict checker
 * saw the driver break an ABI rule.
 *
 * Cases: rx-only (the emulator generates), tx-only (the emulator sinks
 * and verifies) and loopback (the guest sends back what it receives),
 * frame sizes 64, 512, 1518 and 9000 (9000 with SCATTER / MULTI_SEGS),
 * 1 and 2 queues. Environment:
 *   AVP_PERF_SECONDS  seconds per case (default 1)
 *   AVP_PERF_COUNT    fixed count mode: each case moves exactly this many
 *                     frames, in full bursts, whatever it takes (for
 *                     callgrind: devtools/avp-perf-callgrind.sh)
 *   AVP_PERF_MODES    subset of "rx,tx,loop"
 *   AVP_PERF_SIZES    subset of frame sizes, e.g. "64,1518"
 *   AVP_PERF_QUEUES   subset of "1,2"
 *   AVP_PERF_SCATTER  1: scattered paths at every size; 0: never (9000
 *                     skipped); default: only at 9000
 *   AVP_PERF_EMU_CPU  CPU for the emulator's service thread (default:
 *                     the first one the guest lcore does not use)
 *
 * Every one-queue transmit case is followed by its copy floor, a second
 * phase with the host still sinking: before each burst, the same frames
 * are copied by rte_memcpy into the host buffers that burst will take,
 * timed, then the burst sends them. "burst" is the cycles per frame spent
 * inside the transmit bursts of the first phase that sent (the host's
 * pace apart), "floor" the copy's, "x floor" the one over the other.
 * Both meet host buffers the host has just read, so both pay for the
 * cache lines coming back from its core.
 */

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_bus_vdev.h>
#include <rte_cycles.h>
#include <rte_ethdev.h>
#include <rte_lcore.h>
#include <rte_mbuf.h>
#include <rte_memcpy.h>

#include "test.h"
#include "avp_emu.h"
/* The copy floor reads the host buffers from the driver's tx queue. */
#include "avp_ethdev.h"
#include "avp_shm.h"

#define PERF_BURST	32
#define PERF_NB_MBUF	16383
#define PERF_NB_BIG	2047
#define PERF_BIG_ROOM	(RTE_PKTMBUF_HEADROOM + 9216)
#define PERF_LOOP_FILL	512	/* frames in flight per queue, loopback */
#define PERF_MAX_Q	2
#define PERF_WAIT_MS	5000
#define PERF_GEN_BURST	512	/* frames the generator places per pass */

enum perf_mode { PERF_RX, PERF_TX, PERF_LOOP, PERF_NB_MODES };
static const char *const mode_name[PERF_NB_MODES] = { "rx", "tx", "loop" };
static const uint16_t all_sizes[] = { 64, 512, 1518, 9000 };

static struct avp_emu *emu;
static char tdir[64];
static struct rte_mempool *pool;	/* 2048-byte data room */
static struct rte_mempool *pool_big;	/* single-segment 9000-byte frames */
static unsigned int nport;
static int emu_cpu = -1;

struct perf_port {
	struct avp_emu_port *ep;
	char name[32];
	char sock[128];
	uint16_t port;
	int probed;
};

struct perf_result {
	uint64_t pkts, bytes, cycles;
	uint64_t burst_cycles;		/* transmit: inside bursts that sent */
	uint64_t floor_cycles;		/* transmit: the copy floor's */
	uint64_t polls, empty;		/* guest bursts, and how many idle */
	struct avp_emu_port_stats st;
};

static uint64_t
env_u64(const char *name, uint64_t def)
{
	const char *v = getenv(name);

	return v != NULL && *v != '\0' ? strtoull(v, NULL, 0) : def;
}

/* Whether word is in the comma-separated env list (absent: everything). */
static int
env_has(const char *name, const char *word)
{
	const char *v = getenv(name), *p;
	size_t n = strlen(word);

	if (v == NULL || *v == '\0')
		return 1;
	for (p = v; p != NULL; p = strchr(p, ',')) {
		if (*p == ',')
			p++;
		if (strncmp(p, word, n) == 0 && (p[n] == ',' || p[n] == '\0'))
			return 1;
	}
	return 0;
}

/* ---- set-up ---- */

/*
 * The emulator's threads inherit the affinity of the thread that creates
 * them: create them with the main lcore's thread moved to the emulator's
 * CPU for a moment.
 */
static int
emu_start_pinned(void)
{
	cpu_set_t mine, other;
	int cpu, ret;

	if (pthread_getaffinity_np(pthread_self(), sizeof(mine), &mine) != 0)
		CPU_ZERO(&mine);
	emu_cpu = (int)env_u64("AVP_PERF_EMU_CPU", (uint64_t)-1);
	if (emu_cpu < 0) {
		for (cpu = 0; cpu < CPU_SETSIZE; cpu++) {
			if (CPU_ISSET(cpu, &mine))
				continue;
			CPU_ZERO(&other);
			CPU_SET(cpu, &other);
			if (sched_setaffinity(0, sizeof(other), &other) == 0) {
				emu_cpu = cpu;
				break;
			}
		}
	}
	if (emu_cpu >= 0) {
		CPU_ZERO(&other);
		CPU_SET(emu_cpu, &other);
		if (pthread_setaffinity_np(pthread_self(), sizeof(other),
				&other) != 0)
			emu_cpu = -1;
	}
	emu = avp_emu_create();
	ret = emu != NULL ? avp_emu_start(emu) : -ENOMEM;
	if (CPU_COUNT(&mine) != 0)
		pthread_setaffinity_np(pthread_self(), sizeof(mine), &mine);
	return ret;
}

/* A port whose threads (the socket thread too) live on the emu CPU. */
static int
perf_port_open(struct perf_port *pp, unsigned int nq)
{
	struct avp_emu_port_params p;
	cpu_set_t mine, other;
	char args[160];
	int pinned = 0, ret;

	memset(pp, 0, sizeof(*pp));
	avp_emu_port_params_default(&p, nport);
	p.rx_queues_min = 1;
	p.rx_queues_max = RTE_MAX(nq, 1u);
	p.tx_queues_max = RTE_MAX(nq, 1u);
	snprintf(pp->sock, sizeof(pp->sock), "%s/p%u.sock", tdir, nport);
	snprintf(pp->name, sizeof(pp->name), "net_avp_emu%u", 100 + nport);
	nport++;
	if (emu_cpu >= 0 && pthread_getaffinity_np(pthread_self(),
			sizeof(mine), &mine) == 0) {
		CPU_ZERO(&other);
		CPU_SET(emu_cpu, &other);
		pinned = pthread_setaffinity_np(pthread_self(), sizeof(other),
				&other) == 0;
	}
	pp->ep = avp_emu_port_create(emu, &p);
	ret = pp->ep != NULL ? avp_emu_port_listen(pp->ep, pp->sock) : -ENOMEM;
	if (pinned)
		pthread_setaffinity_np(pthread_self(), sizeof(mine), &mine);
	if (ret != 0)
		return ret;
	snprintf(args, sizeof(args), "socket=%s", pp->sock);
	ret = rte_vdev_init(pp->name, args);
	if (ret != 0)
		return ret;
	pp->probed = 1;
	return rte_eth_dev_get_port_by_name(pp->name, &pp->port);
}

/* Releases the port; the number of strict-checker violations. */
static uint64_t
perf_port_close(struct perf_port *pp)
{
	uint64_t v = 0;

	if (pp->probed) {
		rte_eth_dev_stop(pp->port);
		rte_eth_dev_close(pp->port);
		rte_vdev_uninit(pp->name);
	}
	if (pp->ep != NULL) {
		v = avp_emu_port_violations(pp->ep);
		if (v != 0)
			avp_emu_port_stats_print(pp->ep, stdout);
		avp_emu_port_destroy(pp->ep);
	}
	unlink(pp->sock);
	memset(pp, 0, sizeof(*pp));
	return v;
}

static int
perf_port_start(struct perf_port *pp, unsigned int nq, uint16_t size,
		int scatter)
{
	struct rte_eth_conf conf;
	uint16_t q;
	int ret;

	memset(&conf, 0, sizeof(conf));
	conf.rxmode.mtu = RTE_MAX(size, (uint16_t)RTE_ETHER_MAX_LEN) -
		RTE_ETHER_HDR_LEN - RTE_ETHER_CRC_LEN;
	if (scatter) {
		conf.rxmode.offloads = RTE_ETH_RX_OFFLOAD_SCATTER;
		conf.txmode.offloads = RTE_ETH_TX_OFFLOAD_MULTI_SEGS;
	}
	ret = rte_eth_dev_configure(pp->port, nq, nq, &conf);
	for (q = 0; ret == 0 && q < nq; q++)
		ret = rte_eth_rx_queue_setup(pp->port, q, 1024, SOCKET_ID_ANY,
				NULL, pool);
	for (q = 0; ret == 0 && q < nq; q++)
		ret = rte_eth_tx_queue_setup(pp->port, q, 1024, SOCKET_ID_ANY,
				NULL);
	if (ret == 0)
		ret = rte_eth_dev_start(pp->port);
	if (ret == 0)
		ret = avp_emu_wait_link(pp->ep, 1, PERF_WAIT_MS);
	return ret;
}

/*
 * Writes a verifiable frame of size bytes into every mbuf of mp. The
 * transmit loops then only set lengths: an mbuf keeps its bytes through
 * free and alloc, so the sink can check every frame.
 */
static int
pool_fill(struct rte_mempool *mp, uint16_t size, const uint8_t *dst)
{
	static const uint8_t src[RTE_ETHER_ADDR_LEN] = {
		0x02, 0x00, 0x00, 0x00, 0x00, 0x77 };
	struct rte_mbuf **all;
	unsigned int n = 0, cap = mp->size, i;

	all = calloc(cap, sizeof(*all));
	if (all == NULL)
		return -ENOMEM;
	while (n < cap && (all[n] = rte_pktmbuf_alloc(mp)) != NULL)
		n++;
	for (i = 0; i < n; i++)
		avp_emu_frame_build(rte_pktmbuf_mtod(all[i], uint8_t *),
				size, i, dst, src);
	for (i = 0; i < n; i++)
		rte_pktmbuf_free(all[i]);
	free(all);
	return 0;
}

/* ---- the loops ---- */

static inline int
tx_alloc(struct rte_mempool *mp, struct rte_mbuf **m, unsigned int n,
		uint16_t size)
{
	unsigned int i;

	if (rte_pktmbuf_alloc_bulk(mp, m, n) != 0)
		return -1;
	for (i = 0; i < n; i++) {
		m[i]->data_len = size;
		m[i]->pkt_len = size;
	}
	return 0;
}

static uint64_t
emu_rx_frames(struct avp_emu_port *ep, unsigned int q)
{
	struct avp_emu_port_stats st;

	avp_emu_port_stats_get(ep, &st);
	return st.rx_frames[q];
}

static uint64_t
emu_rx_frames_all(struct avp_emu_port *ep, unsigned int nq)
{
	struct avp_emu_port_stats st;
	uint64_t n = 0;
	unsigned int q;

	avp_emu_port_stats_get(ep, &st);
	for (q = 0; q < nq; q++)
		n += st.rx_frames[q];
	return n;
}

static uint64_t
emu_tx_frames(struct avp_emu_port *ep)
{
	struct avp_emu_port_stats st;
	uint64_t n = 0;
	unsigned int q;

	avp_emu_port_stats_get(ep, &st);
	for (q = 0; q < AVP_MAX_QUEUES; q++)
		n += st.tx_frames[q];
	return n;
}

/*
 * Runs one case until `count` frames (count != 0) or until `end` TSC.
 * In count mode every burst is a full one: the loop waits for the
 * emulator before calling the driver, so the driver's instruction count
 * is not diluted by empty polls.
 */
static int
perf_run(struct perf_port *pp, enum perf_mode mode, unsigned int nq,
		uint16_t size, uint64_t count, uint64_t cycles,
		struct perf_result *r)
{
	struct rte_mempool *txp = size > 2048 ? pool_big : pool;
	struct rte_mbuf *m[PERF_BURST];
	uint64_t got_q[PERF_MAX_Q] = { 0 };
	uint64_t start, end, last_rx;
	uint16_t port = pp->port;
	unsigned int q = 0, i;
	uint16_t n, k;

	memset(r, 0, sizeof(*r));
	if (mode == PERF_LOOP) {
		/* Put frames in flight on every queue. */
		for (i = 0; i < nq; i++) {
			for (k = 0; k < PERF_LOOP_FILL; k += n) {
				if (tx_alloc(txp, m, PERF_BURST, size) != 0)
					return -ENOMEM;
				n = rte_eth_tx_burst(port, i, m, PERF_BURST);
				if (n < PERF_BURST)
					rte_pktmbuf_free_bulk(m + n,
							PERF_BURST - n);
				if (n == 0)
					break;
			}
		}
	}
	/* Count mode keeps the host's totals: the waits below use them. */
	if (count == 0)
		avp_emu_port_stats_reset(pp->ep);
	start = rte_rdtsc();
	end = start + cycles;
	last_rx = start;
	for (;;) {
		uint64_t now;

		if (count != 0) {
			if (r->pkts >= count)
				break;
		} else if ((r->polls & 63) == 0 && rte_rdtsc() >= end) {
			break;
		}
		r->polls++;
		switch (mode) {
		case PERF_RX:
			k = PERF_BURST;
			if (count != 0) {
				uint64_t left = count - r->pkts;
				uint64_t t0 = rte_rdtsc();

				uint64_t ready;

				k = RTE_MIN(left, (uint64_t)PERF_BURST);
				while ((ready = emu_rx_frames(pp->ep, q) -
						got_q[q]) < k &&
				       emu_rx_frames_all(pp->ep, nq) -
						r->pkts < left) {
					if (rte_rdtsc() - t0 >
					    rte_get_tsc_hz() * 10)
						return -ETIMEDOUT;
					sched_yield();
				}
				k = RTE_MIN(k, ready);
				if (k == 0)
					break;
			}
			n = rte_eth_rx_burst(port, q, m, k);
			if (n == 0)
				r->empty++;
			for (i = 0; i < n; i++)
				r->bytes += m[i]->pkt_len;
			rte_pktmbuf_free_bulk(m, n);
			r->pkts += n;
			got_q[q] += n;
			break;
		case PERF_TX:
			k = PERF_BURST;
			if (count != 0) {
				uint64_t left = count - r->pkts;
				uint64_t t0 = rte_rdtsc();

				k = RTE_MIN(left, (uint64_t)PERF_BURST);
				/* Keep host buffers on alloc for the burst. */
				while (r->pkts - emu_tx_frames(pp->ep) > 256) {
					if (rte_rdtsc() - t0 >
					    rte_get_tsc_hz() * 10)
						return -ETIMEDOUT;
					sched_yield();
				}
			}
			if (tx_alloc(txp, m, k, size) != 0)
				return -ENOMEM;
			now = rte_rdtsc();
			n = rte_eth_tx_burst(port, q, m, k);
			if (n != 0)
				r->burst_cycles += rte_rdtsc() - now;
			if (n < k) {
				rte_pktmbuf_free_bulk(m + n, k - n);
				r->empty++;
			}
			r->pkts += n;
			r->bytes += (uint64_t)n * size;
			break;
		default:
			n = rte_eth_rx_burst(port, q, m, PERF_BURST);
			now = rte_rdtsc();
			if (n == 0) {
				r->empty++;
				/* Frames lost on the way: put some back. */
				if (now - last_rx < rte_get_tsc_hz() / 100 ||
				    tx_alloc(txp, m, PERF_BURST, size) != 0)
					break;
				n = PERF_BURST;
			} else {
				for (i = 0; i < n; i++)
					r->bytes += m[i]->pkt_len;
				r->pkts += n;
			}
			last_rx = now;
			k = rte_eth_tx_burst(port, q, m, n);
			if (k < n)
				rte_pktmbuf_free_bulk(m + k, n - k);
			break;
		}
		if (++q == nq)
			q = 0;
	}
	r->cycles = rte_rdtsc() - start;
	if (count != 0 && mode == PERF_TX) {
		uint64_t t0 = rte_rdtsc();

		while (emu_tx_frames(pp->ep) < r->pkts &&
		       rte_rdtsc() - t0 < rte_get_tsc_hz() * 10)
			sched_yield();
	}
	avp_emu_port_stats_get(pp->ep, &r->st);
	if (mode == PERF_LOOP) {
		/* Drain what is still in flight. */
		uint64_t t0 = rte_rdtsc();

		while (rte_rdtsc() - t0 < rte_get_tsc_hz() / 20)
			for (i = 0; i < nq; i++) {
				n = rte_eth_rx_burst(port, i, m, PERF_BURST);
				rte_pktmbuf_free_bulk(m, n);
			}
	}
	return 0;
}

/*
 * The copy floor of a transmit case, a second phase of it with the host
 * still sinking and verifying: as many frames as the driver sent,
 * allocated as the transmit loop does, each copied with rte_memcpy into
 * the host buffer the next burst will take from the alloc ring of queue
 * 0; the burst then sends them, untimed. So the floor's stores meet the
 * host buffers as the driver's do, just after the host has read them.
 * The cycles of the copies, scaled to the frames the driver sent; 0 when
 * the host gave no buffer.
 */
static uint64_t
perf_floor(const struct perf_port *pp, uint16_t size, uint64_t frames)
{
	const struct avp_tx_queue *txq =
		rte_eth_devices[pp->port].data->tx_queues[0];
	struct rte_mempool *txp = size > 2048 ? pool_big : pool;
	uint64_t copied = 0, polls = 0, t0, cycles = 0;
	uint64_t end = rte_rdtsc() + rte_get_tsc_hz() * 10;
	struct rte_mbuf *m[PERF_BURST];
	uint8_t *buf[PERF_BURST];
	uint32_t cons, ready, i, n;
	uint16_t sent;

	if (txq == NULL || size > txq->buf_size)
		return 0;
	while (copied < frames && ((++polls & 63) != 0 || rte_rdtsc() < end)) {
		if (avp_ring_cons_open(&txq->alloc, &cons, &ready) != 0)
			return 0;
		n = RTE_MIN(ready, (uint32_t)PERF_BURST);
		for (i = 0; i < n; i++) {
			struct avp_desc *d = avp_desc_get(&txq->buf,
					avp_ring_slot(&txq->alloc, cons + i));

			buf[i] = d == NULL ? NULL : avp_data_get(&txq->buf,
					d->data_va, txq->buf_size);
			if (buf[i] == NULL)
				return 0;
		}
		if (n == 0 || tx_alloc(txp, m, n, size) != 0)
			continue;
		t0 = rte_rdtsc();
		for (i = 0; i < n; i++)
			rte_memcpy(buf[i], rte_pktmbuf_mtod(m[i], void *),
					size);
		cycles += rte_rdtsc() - t0;
		copied += n;
		sent = rte_eth_tx_burst(pp->port, 0, m, n);
		if (sent < n)
			rte_pktmbuf_free_bulk(m + sent, n - sent);
	}
	return copied == 0 ? 0 : cycles * frames / copied;
}

static void
perf_print(enum perf_mode mode, unsigned int nq, uint16_t size, int scatter,
		const struct perf_result *r)
{
	double hz = (double)rte_get_tsc_hz();
	double secs = (double)r->cycles / hz;
	double mpps = secs > 0 ? (double)r->pkts / secs / 1e6 : 0;
	double gbps = secs > 0 ? (double)r->bytes * 8 / secs / 1e9 : 0;
	double cpp = r->pkts != 0 ? (double)r->cycles / (double)r->pkts : 0;
	double idle = r->polls != 0 ? 100.0 * (double)r->empty /
		(double)r->polls : 0;
	char floor[40] = "      -       -      -";

	/* cycles a frame inside the bursts, against the floor's */
	if (r->floor_cycles != 0 && r->pkts != 0)
		snprintf(floor, sizeof(floor), "%7.1f %7.1f %5.2fx",
			(double)r->burst_cycles / (double)r->pkts,
			(double)r->floor_cycles / (double)r->pkts,
			(double)r->burst_cycles / (double)r->floor_cycles);

	printf("%-4s %5u %-9s %2u %11" PRIu64 " %8.3f %8.3f %9.1f %s %6.1f%% "
		"%10" PRIu64 " %10" PRIu64 " %8" PRIu64 "\n",
		mode_name[mode], size, scatter ? "scattered" : "simple", nq,
		r->pkts, mpps, gbps, cpp, floor, idle,
		r->st.alloc_dry, r->st.rx_ring_full + r->st.rx_no_buf,
		r->st.sink_bad);
	fflush(stdout);
}

static int
perf_case(enum perf_mode mode, unsigned int nq, uint16_t size, int scatter,
		uint64_t count, uint64_t cycles)
{
	struct avp_emu_gen_params gp;
	struct perf_port pp;
	struct perf_result r;
	uint64_t viol;
	int ret;

	ret = perf_port_open(&pp, nq);
	if (ret == 0)
		ret = avp_emu_port_set_mode(pp.ep, mode == PERF_RX ?
			AVP_EMU_MODE_GEN : mode == PERF_TX ?
			AVP_EMU_MODE_SINK : AVP_EMU_MODE_LOOPBACK, NULL);
	if (ret == 0 && mode == PERF_RX) {
		memset(&gp, 0, sizeof(gp));
		gp.sizes = &size;
		gp.nsizes = 1;
		gp.count = count;
		gp.burst = PERF_GEN_BURST;
		ret = avp_emu_port_set_gen(pp.ep, &gp);
	}
	if (ret == 0 && mode != PERF_RX) {
		struct rte_ether_addr mac;

		ret = rte_eth_macaddr_get(pp.port, &mac);
		if (ret == 0)
			ret = pool_fill(size > 2048 ? pool_big : pool, size,
					mac.addr_bytes);
	}
	if (ret == 0)
		ret = perf_port_start(&pp, nq, size, scatter);
	if (ret == 0 && count == 0)
		rte_delay_ms(50);	/* warm up */
	if (ret == 0)
		ret = perf_run(&pp, mode, nq, size, count, cycles, &r);
	if (ret == 0 && mode == PERF_TX && nq == 1 && count == 0)
		r.floor_cycles = perf_floor(&pp, size, r.pkts);
	if (ret == 0)
		perf_print(mode, nq, size, scatter, &r);
	else
		printf("%-4s %5u %2u: set-up failed: %s\n", mode_name[mode],
			size, nq, strerror(-ret));
	viol = perf_port_close(&pp);
	if (viol != 0) {
		printf("%" PRIu64 " strict-checker violations\n", viol);
		return TEST_FAILED;
	}
	if (ret == 0 && r.st.sink_bad != 0) {
		printf("%" PRIu64 " frames arrived corrupted\n",
			r.st.sink_bad);
		return TEST_FAILED;
	}
	return ret == 0 ? TEST_SUCCESS : TEST_FAILED;
}

static int
test_avp_perf(void)
{
	uint64_t count = env_u64("AVP_PERF_COUNT", 0);
	uint64_t msecs = (uint64_t)(atof(getenv("AVP_PERF_SECONDS") != NULL ?
		getenv("AVP_PERF_SECONDS") : "1") * 1000);
	const char *sc = getenv("AVP_PERF_SCATTER");
	int force = sc == NULL || *sc == '\0' ? -1 : atoi(sc);
	unsigned int nq, si, mode, failed = 0;

	snprintf(tdir, sizeof(tdir), "/tmp/avp_perf.XXXXXX");
	if (mkdtemp(tdir) == NULL) {
		printf("mkdtemp: %s\n", strerror(errno));
		return TEST_FAILED;
	}
	if (emu_start_pinned() != 0) {
		printf("cannot start the emulator\n");
		rmdir(tdir);
		return TEST_FAILED;
	}
	avp_emu_set_log(emu, stderr, 0);
	pool = rte_pktmbuf_pool_create("avp_perf_pool", PERF_NB_MBUF, 256, 0,
			RTE_MBUF_DEFAULT_BUF_SIZE, SOCKET_ID_ANY);
	pool_big = rte_pktmbuf_pool_create("avp_perf_big", PERF_NB_BIG, 64, 0,
			PERF_BIG_ROOM, SOCKET_ID_ANY);
	if (pool == NULL || pool_big == NULL) {
		printf("cannot create mempools\n");
		failed++;
		goto out;
	}

	printf("avp_perf: guest lcore %u on cpu %d, emulator on cpu %d, "
		"burst %u, %s\n", rte_lcore_id(), sched_getcpu(), emu_cpu,
		PERF_BURST, "TSC cycles/packet = elapsed TSC / frames");
	if (count != 0)
		printf("avp_perf: fixed count: %" PRIu64 " frames per case\n",
			count);
	else
		printf("avp_perf: %.3f s per case\n", (double)msecs / 1000);
	printf("mode  size path      q      frames     Mpps   Gbit/s  cyc/pkt"
		"   burst   floor x floor   idle  emu-dry   emu-full  bad\n");
	for (mode = 0; mode < PERF_NB_MODES; mode++) {
		if (!env_has("AVP_PERF_MODES", mode_name[mode]))
			continue;
		for (si = 0; si < RTE_DIM(all_sizes); si++) {
			uint16_t size = all_sizes[si];
			char word[8];
			int scatter = force >= 0 ? force : size > 1518;

			snprintf(word, sizeof(word), "%u", size);
			if (!env_has("AVP_PERF_SIZES", word) ||
			    (size > 2048 && !scatter))
				continue;
			for (nq = 1; nq <= PERF_MAX_Q; nq++) {
				snprintf(word, sizeof(word), "%u", nq);
				if (!env_has("AVP_PERF_QUEUES", word))
					continue;
				if (perf_case(mode, nq, size, scatter, count,
						rte_get_tsc_hz() * msecs /
						1000) != TEST_SUCCESS)
					failed++;
			}
		}
	}
	printf("transmit, one queue: burst: cycles per frame inside the "
		"bursts that sent; floor: cycles per frame of rte_memcpy of "
		"the same frames into the host buffers the next burst takes, "
		"with the host running; x floor: burst over floor\n");
	printf("idle: bursts that moved nothing (rx: ring empty; tx: no host "
		"buffer or slot). emu-dry: alloc restocks that found the host "
		"pool empty; emu-full: frames the host dropped for want of rx "
		"ring room or buffers\n");
out:
	avp_emu_destroy(emu);
	emu = NULL;
	rte_mempool_free(pool);
	rte_mempool_free(pool_big);
	pool = NULL;
	pool_big = NULL;
	rmdir(tdir);
	return failed == 0 ? TEST_SUCCESS : TEST_FAILED;
}

REGISTER_TEST_COMMAND(avp_perf_autotest, test_avp_perf);
