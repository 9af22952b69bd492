/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The AVP PMD authors
 */

/*
 * Stateful fuzz target over the ethdev API: an input is a program of
 * operations on an AVP port attached to the in-process emulator (the
 * vdev over a UNIX socket), run on three threads at once:
 *
 *   - the main thread plays the application's control plane: configure
 *     with random queue counts, MTU and offloads, queue set-up, start and
 *     stop, queue start and stop, promiscuous, all-multicast and the
 *     multicast list, MTU and VLAN offload, statistics and extended
 *     statistics, link up and down, close and probe again;
 *   - a data path thread loops over a burst program from the input:
 *     transmit bursts of checksummed frames (the host loops them back)
 *     and receive bursts, on the queues set up;
 *   - a host thread plays host events the main thread posts: live
 *     migration with a random destination geometry, unplug and plug
 *     in again, a link flap (a migration in place), frames injected
 *     from the host, the emulator's descriptor and control channel
 *     faults, spurious interrupt causes.
 *
 * As an application must, the main thread holds the data path thread
 * out of its bursts while it changes the queues or the port's fast-path
 * ops (configure, queue set-up, start, stop, close, release after an
 * unplug); every other operation races the bursts, as the driver allows
 * (see avp.rst). Device image faults are
 * tried before a probe only (the emulator rewrites the images then).
 *
 * Input (little endian): struct fz_hdr, then up to FZ_STEPS_MAX burst
 * steps (struct fz_step), then operations of FZ_OP_LEN bytes each (op
 * code, then arguments) to the end of the input, at most FZ_OPS_MAX.
 *
 * Checked: every ethdev call returns 0 or a negative errno; every frame
 * received is one the host sent, intact (avp_emu_frame_verify) or the
 * RARP announcement of a migrated port; after each close every mbuf is
 * back in its pool; at the end the emulator's strict checker saw no
 * violation and no file descriptor or rte_malloc memory is left. Any
 * wait is bounded and fails the run with a message when it runs out.
 */

#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <rte_bus_vdev.h>
#include <rte_ethdev.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>

#include "avp_emu.h"
#include "fuzz_common.h"

#define FZ_PORT_NAME	"net_avp_emu_fz"
#define FZ_NB_MBUF	4095
#define FZ_STEPS_MAX	8
#define FZ_OPS_MAX	48
#define FZ_OP_LEN	8
#define FZ_BURST	32
#define FZ_WAIT_MS	10000	/* any wait: beyond it the run fails */
#define FZ_DP_STEPS_MAX	20000	/* data path steps per input */

/* Port geometry and run flags. 8 bytes. */
struct fz_hdr {
	uint8_t rxmax;		/* 1 + v % 8 */
	uint8_t txmax;		/* 1 + v % 8 */
	uint8_t rxmin;		/* 1 + v % rxmax */
	uint8_t geom;		/* FZ_G_* */
	uint8_t slots;		/* ring slots 32 << (v % 4) */
	uint8_t nsteps;		/* burst steps: 1 + v % FZ_STEPS_MAX */
	uint16_t seed;		/* random receive split seed */
};

#define FZ_G_BUF_MASK	0x03	/* H: 2048, 1024, 4096, 512 */
#define FZ_G_NO_VLAN	0x04	/* host offers no VLAN offload */
#define FZ_G_SPLIT	0x08	/* host cuts frames at random points */
#define FZ_G_MAXF_MASK	0x30	/* max frame: 9238, 1518, 4000, 2100 */
#define FZ_G_NO_ANN	0x40	/* devarg announce=0 */

/* One data path step. 4 bytes. */
struct fz_step {
	uint8_t what;		/* bit 0: rx (else tx); bits 1-3: queue */
	uint8_t count;		/* frames: 1 + v % FZ_BURST */
	uint16_t len;		/* tx: 60 + v % 9200; bit 15 of v: VLAN */
};

enum fz_op {
	FZ_OP_CONFIGURE,
	FZ_OP_RXQ_SETUP,
	FZ_OP_TXQ_SETUP,
	FZ_OP_START,
	FZ_OP_STOP,
	FZ_OP_QUEUE_STATE,
	FZ_OP_PROMISC,
	FZ_OP_ALLMULTI,
	FZ_OP_MC_LIST,
	FZ_OP_MTU,
	FZ_OP_VLAN,
	FZ_OP_STATS,
	FZ_OP_XSTATS,
	FZ_OP_LINK,
	FZ_OP_INFO,
	FZ_OP_REPROBE,
	FZ_OP_H_MIGRATE,
	FZ_OP_H_UNPLUG,
	FZ_OP_H_FLAP,
	FZ_OP_H_INJECT,
	FZ_OP_H_FAULT,
	FZ_OP_H_IRQ,
	FZ_OP_H_WAIT,
	FZ_OP_COUNT
};

/* Host events (run on the host thread). */
enum fz_hev {
	FZ_H_NONE,
	FZ_H_MIGRATE,
	FZ_H_UNPLUG,
	FZ_H_INJECT,
	FZ_H_FAULT,
	FZ_H_IRQ,
};

static struct rte_mempool *pool, *pool_small;
static struct avp_emu *emu;
static char tdir[64];
static unsigned int run_no;

/* The current input's world. */
static struct avp_emu_port *ep;
static char sock[128];
static uint16_t port;
static int probed;
static int announce;
static uint8_t mac[RTE_ETHER_ADDR_LEN];
static struct fz_step steps[FZ_STEPS_MAX];
static unsigned int nsteps;

/* Shared with the data path thread; changed while it is held. */
static volatile uint32_t rxq_ok, txq_ok;	/* queues set up (bits) */
static volatile int dp_live;			/* a port to burst on */
static volatile int dp_vlan;			/* VLAN insert configured */
static int dp_stop, dp_hold, dp_held;		/* __atomic */
static unsigned int dp_done;			/* __atomic: steps run */
static uint64_t dp_seq;
static uint64_t dp_rx, dp_tx;			/* frames, this input */

/* Events from the driver (interrupt and control threads). */
static int removed;				/* __atomic */
static int lsc_events;				/* __atomic */

/* The host thread's mailbox. */
static pthread_mutex_t h_mtx = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t h_cond = PTHREAD_COND_INITIALIZER;
static enum fz_hev h_ev;
static uint8_t h_arg[FZ_OP_LEN];
static int h_busy, h_quit;
static int h_unplugging;			/* __atomic */

/*
 * Waits for the descriptor count to come back to n: the emulator's
 * service thread and EAL's interrupt thread close theirs a moment after
 * the calls that let them go returned. A leak stays; it fails the run.
 */
static void
fds_wait(unsigned int n)
{
	uint64_t end = fz_now_ms() + 1000;
	unsigned int k;

	while ((k = fz_count_fds()) != n) {
		FZ_CHECK(fz_now_ms() < end, "file descriptors %u before, %u after 1000 ms",
			n, k);
		fz_nap_us(200);
	}
}

/* Every ethdev call: 0, a count where one is expected, or -errno. */
#define FZ_RET(ret, what) FZ_CHECK((ret) <= 0 && (ret) > -4096, \
		"%s returned %d", what, (int)(ret))

/* ---- data path thread ---- */

static struct rte_mbuf *
dp_frame(uint32_t len, int vlan, int nsegs_hint)
{
	static uint8_t buf[AVP_EMU_FRAME_MAX];
	static const uint8_t src[6] = { 0x02, 0, 0, 0, 0x46, 0x5a };
	struct rte_mbuf *head = NULL, *m;
	uint32_t off = 0;

	avp_emu_frame_build(buf, len, dp_seq++, mac, src);
	while (off < len) {
		uint32_t n = len - off;

		m = rte_pktmbuf_alloc(pool);
		if (m == NULL)
			goto fail;
		if (nsegs_hint > 1 && n > len / (uint32_t)nsegs_hint + 1)
			n = len / (uint32_t)nsegs_hint + 1;
		if (n > rte_pktmbuf_tailroom(m))
			n = rte_pktmbuf_tailroom(m);
		memcpy(rte_pktmbuf_append(m, (uint16_t)n), buf + off, n);
		off += n;
		if (head == NULL) {
			head = m;
		} else if (rte_pktmbuf_chain(head, m) != 0) {
			rte_pktmbuf_free(m);
			goto fail;
		}
	}
	if (vlan) {
		head->ol_flags |= RTE_MBUF_F_TX_VLAN;
		head->vlan_tci = (uint16_t)(len & 0xfff);
	}
	return head;
fail:
	rte_pktmbuf_free(head);
	return NULL;
}

/* A received frame: one the host sent, intact, or an announcement. */
static void
dp_check(const struct rte_mbuf *m)
{
	static uint8_t buf[AVP_EMU_FRAME_MAX + 4];

	uint32_t len = rte_pktmbuf_pkt_len(m);
	const uint8_t *p;
	uint64_t seq;

	FZ_CHECK(len >= 14 && len <= AVP_EMU_FRAME_MAX + 4,
		"received a %u-byte frame", len);
	p = rte_pktmbuf_read(m, 0, len, buf);
	FZ_CHECK(p != NULL, "frame of %u bytes in %u segments unreadable",
		len, m->nb_segs);
	if (p[12] == 0x80 && p[13] == 0x35) {
		FZ_CHECK(len == 64 && memcmp(p + 6, p + 22, 6) == 0,
			"malformed RARP announcement of %u bytes", len);
		return;
	}
	/* a tag the host put in the frame is skipped by the verifier */
	FZ_CHECK(avp_emu_frame_verify(p, len, &seq) == 0,
		"corrupted frame: %u bytes in %u segments, ol_flags 0x%" PRIx64,
		len, m->nb_segs, m->ol_flags);
}

static void
dp_step(const struct fz_step *s)
{
	struct rte_mbuf *pkts[FZ_BURST];
	uint16_t q = (s->what >> 1) & 7;
	unsigned int n = 1 + s->count % FZ_BURST, i, k;

	if (s->what & 1) {
		if (!(rxq_ok & (1u << q)))
			return;
		k = rte_eth_rx_burst(port, q, pkts, (uint16_t)n);
		FZ_CHECK(k <= n, "rx burst returned %u of %u", k, n);
		for (i = 0; i < k; i++) {
			dp_check(pkts[i]);
			rte_pktmbuf_free(pkts[i]);
		}
		dp_rx += k;
		return;
	}
	if (!(txq_ok & (1u << q)))
		return;
	for (i = 0; i < n; i++) {
		uint32_t len = 60 + (uint32_t)(s->len & 0x7fff) % 9200 +
			i * 7 % 64;

		pkts[i] = dp_frame(len, dp_vlan && (s->len & 0x8000),
				(int)(i % 3));
		if (pkts[i] == NULL)
			break;
	}
	k = rte_eth_tx_burst(port, q, pkts, (uint16_t)i);
	FZ_CHECK(k <= i, "tx burst took %u of %u", k, i);
	dp_tx += k;
	for (; k < i; k++)
		rte_pktmbuf_free(pkts[k]);
}

static void *
dp_main(void *arg)
{
	unsigned int i = 0, done = 0;

	(void)arg;
	__atomic_store_n(&dp_done, 0, __ATOMIC_RELEASE);
	while (!__atomic_load_n(&dp_stop, __ATOMIC_ACQUIRE)) {
		if (__atomic_load_n(&dp_hold, __ATOMIC_ACQUIRE)) {
			__atomic_store_n(&dp_held, 1, __ATOMIC_RELEASE);
			while (__atomic_load_n(&dp_hold, __ATOMIC_ACQUIRE) &&
			       !__atomic_load_n(&dp_stop, __ATOMIC_ACQUIRE))
				sched_yield();
			__atomic_store_n(&dp_held, 0, __ATOMIC_RELEASE);
			continue;
		}
		if (!dp_live || done >= FZ_DP_STEPS_MAX) {
			fz_nap_us(50);
			continue;
		}
		dp_step(&steps[i]);
		i = (i + 1) % nsteps;
		done++;
		__atomic_store_n(&dp_done, done, __ATOMIC_RELEASE);
		if ((done & 7) == 0)
			sched_yield();
	}
	return NULL;
}

/* Lets the data path thread run rounds of its program (bounded). */
static void
dp_run(unsigned int rounds)
{
	unsigned int until = __atomic_load_n(&dp_done, __ATOMIC_ACQUIRE) +
		rounds * nsteps;
	uint64_t end = fz_now_ms() + FZ_WAIT_MS;

	if (!dp_live || (rxq_ok | txq_ok) == 0)
		return;
	if (until > FZ_DP_STEPS_MAX)
		until = FZ_DP_STEPS_MAX;
	while (__atomic_load_n(&dp_done, __ATOMIC_ACQUIRE) < until) {
		FZ_CHECK(fz_now_ms() < end, "data path thread: %u of %u steps after %u ms",
			__atomic_load_n(&dp_done, __ATOMIC_ACQUIRE), until,
			FZ_WAIT_MS);
		sched_yield();
	}
}

/* Holds the data path thread out of its bursts (bounded). */
static void
dp_pause(void)
{
	uint64_t end = fz_now_ms() + FZ_WAIT_MS;

	__atomic_store_n(&dp_hold, 1, __ATOMIC_RELEASE);
	while (!__atomic_load_n(&dp_held, __ATOMIC_ACQUIRE)) {
		FZ_CHECK(fz_now_ms() < end, "data path thread not out of its burst after %u ms",
			FZ_WAIT_MS);
		sched_yield();
	}
}

static void
dp_resume(void)
{
	__atomic_store_n(&dp_hold, 0, __ATOMIC_RELEASE);
}

/* ---- port life cycle (main thread) ---- */

/* The queues ethdev has set up (after a configure or a set-up, which
 * may have released some); the data path must be held.
 */
static void
queues_refresh(void)
{
	struct rte_eth_rxq_info rqi;
	struct rte_eth_txq_info tqi;
	uint32_t rx = 0, tx = 0;
	uint16_t q;

	for (q = 0; q < AVP_MAX_QUEUES; q++) {
		if (rte_eth_rx_queue_info_get(port, q, &rqi) == 0)
			rx |= 1u << q;
		if (rte_eth_tx_queue_info_get(port, q, &tqi) == 0)
			tx |= 1u << q;
	}
	rxq_ok = rx;
	txq_ok = tx;
}

static int
ev_cb(uint16_t p, enum rte_eth_event_type type, void *cb_arg, void *ret)
{
	(void)p;
	(void)cb_arg;
	(void)ret;
	if (type == RTE_ETH_EVENT_INTR_RMV)
		__atomic_store_n(&removed, 1, __ATOMIC_RELEASE);
	else if (type == RTE_ETH_EVENT_INTR_LSC)
		__atomic_fetch_add(&lsc_events, 1, __ATOMIC_RELAXED);
	return 0;
}

static int
port_probe(void)
{
	char args[200];
	struct rte_ether_addr a;
	int ret;

	snprintf(args, sizeof(args), "socket=%s,announce=%d", sock, announce);
	ret = rte_vdev_init(FZ_PORT_NAME, args);
	FZ_RET(ret, "rte_vdev_init");
	if (ret != 0)
		return ret;
	FZ_CHECK(rte_eth_dev_get_port_by_name(FZ_PORT_NAME, &port) == 0,
		"probed port not found");
	FZ_CHECK(rte_eth_dev_callback_register(port, RTE_ETH_EVENT_INTR_RMV,
		ev_cb, NULL) == 0, "RMV callback");
	FZ_CHECK(rte_eth_dev_callback_register(port, RTE_ETH_EVENT_INTR_LSC,
		ev_cb, NULL) == 0, "LSC callback");
	FZ_CHECK(rte_eth_macaddr_get(port, &a) == 0, "MAC address");
	memcpy(mac, a.addr_bytes, sizeof(mac));
	probed = 1;
	__atomic_store_n(&removed, 0, __ATOMIC_RELEASE);
	return 0;
}

/* Waits until the emulator has seen the guest go. */
static void
wait_detached(void)
{
	uint64_t end = fz_now_ms() + FZ_WAIT_MS;

	while (avp_emu_port_attached(ep)) {
		FZ_CHECK(fz_now_ms() < end, "the host still sees the guest %u ms after the close",
			FZ_WAIT_MS);
		fz_nap_us(100);
	}
}

/* Stops, closes and removes the port; the data path must be held. */
static void
port_release(int how)
{
	int ret;

	if (!probed)
		return;
	dp_live = 0;
	rxq_ok = 0;
	txq_ok = 0;
	rte_eth_dev_callback_unregister(port, RTE_ETH_EVENT_INTR_RMV, ev_cb,
		NULL);
	rte_eth_dev_callback_unregister(port, RTE_ETH_EVENT_INTR_LSC, ev_cb,
		NULL);
	if (how & 1) {
		/* as an application does: stop, close, then the device */
		ret = rte_eth_dev_stop(port);
		FZ_RET(ret, "rte_eth_dev_stop");
		ret = rte_eth_dev_close(port);
		FZ_RET(ret, "rte_eth_dev_close");
	}
	ret = rte_vdev_uninit(FZ_PORT_NAME);
	FZ_RET(ret, "rte_vdev_uninit");
	probed = 0;
	FZ_CHECK(rte_mempool_full(pool) && rte_mempool_full(pool_small),
		"mbufs not back in their pools after the close: %u + %u in use",
		rte_mempool_in_use_count(pool),
		rte_mempool_in_use_count(pool_small));
}

/* The host asked for the port (unplug): release it, as asked. */
static void
handle_removal(void)
{
	uint64_t end;
	int ret;

	if (!probed || !__atomic_load_n(&removed, __ATOMIC_ACQUIRE))
		return;
	dp_pause();
	port_release(1);
	__atomic_store_n(&removed, 0, __ATOMIC_RELEASE);
	/* plugged in again once the host has seen the port go */
	end = fz_now_ms() + FZ_WAIT_MS;
	while (__atomic_load_n(&h_unplugging, __ATOMIC_ACQUIRE)) {
		FZ_CHECK(fz_now_ms() < end, "the host's unplug not over after %u ms",
			FZ_WAIT_MS);
		fz_nap_us(100);
	}
	wait_detached();
	ret = port_probe();
	FZ_CHECK(ret == 0, "probe after the unplug: %d", ret);
	dp_resume();
}

/* ---- host thread ---- */

static void
h_migrate(const uint8_t *a, int flap)
{
	struct avp_emu_migrate_opts o;
	struct avp_emu_migrate_result r;

	memset(&o, 0, sizeof(o));
	o.ack_timeout_ms = 2000;
	if (!flap) {
		o.reorder_memmap = a[1] & 1;
		o.drop_vlan_offload = (a[1] & 0x06) == 0x06;
		o.change_mac = (a[1] & 0x38) == 0x38;
		if (a[2] & 0x80) {
			o.rx_queues_max = (uint8_t)(1 + a[2] % 8);
			o.rx_queues_min = (uint8_t)(1 + a[3] % o.rx_queues_max);
		}
		if (a[4] & 0x80)
			o.tx_queues_max = (uint8_t)(1 + a[4] % 8);
		if ((a[5] & 0xc0) == 0xc0)
			o.buf_data_size = 512u << (a[5] % 4);
		if (a[6] & 0x80)
			o.max_frame_len = 1518 + (uint32_t)a[7] * 31;
	}
	memset(&r, 0, sizeof(r));
	/* Any outcome is the host's; the guest's side is checked. */
	(void)avp_emu_port_migrate(ep, &o, &r);
}

static void
h_inject(const uint8_t *a)
{
	static uint8_t f[AVP_EMU_FRAME_MAX];
	static const uint8_t src[6] = { 0x02, 0, 0, 0, 0x48, 0x53 };
	static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	static const uint8_t mcast[6] = { 0x01, 0, 0x5e, 0, 0, 1 };
	static const uint8_t other[6] = { 0x02, 0, 0, 0, 0, 0x77 };
	static uint64_t seq = 1ull << 40;
	struct avp_emu_inject_opts o;
	unsigned int n = 1 + a[1] % 16, i;
	uint32_t base = 60 + (uint32_t)(a[2] | (a[3] << 8)) % 9200;

	for (i = 0; i < n; i++) {
		const uint8_t *dst = (a[4] & 3) == 0 ? mac :
			(a[4] & 3) == 1 ? bcast : (a[4] & 3) == 2 ? mcast :
			other;
		uint32_t len = base + i * 13 % 128;

		if (len > AVP_EMU_FRAME_MAX)
			len = AVP_EMU_FRAME_MAX;
		avp_emu_frame_build(f, len, seq++, dst, src);
		memset(&o, 0, sizeof(o));
		o.queue = (a[5] & 0x80) ? -1 : a[5] % 8;
		if (a[6] & 1) {
			o.flags |= AVP_EMU_INJ_VLAN;
			o.vlan_tci = (uint16_t)(a[7] | 1);
		}
		if (a[6] & 2) {
			o.flags |= AVP_EMU_INJ_SEGS;
			o.nsegs = (uint8_t)(1 + (a[6] >> 2) % 5);
		}
		/* -ENOSPC (queue full) or a refused queue: the host's */
		(void)avp_emu_inject(ep, f, len, &o);
	}
}

static void
h_fault(const uint8_t *a)
{
	static const enum avp_emu_fault faults[] = {
		AVP_EMU_FAULT_DESC_HANDLE, AVP_EMU_FAULT_DESC_DATA_VA,
		AVP_EMU_FAULT_DESC_NEXT_VA, AVP_EMU_FAULT_DESC_SEG_LEN,
		AVP_EMU_FAULT_DESC_CHAIN_LONG, AVP_EMU_FAULT_DESC_CHAIN_CYCLE,
		AVP_EMU_FAULT_DESC_FRAME_LEN, AVP_EMU_FAULT_DESC_OVERSIZE,
		AVP_EMU_FAULT_ALLOC_DIRTY, AVP_EMU_FAULT_ALLOC_HANDLE,
		AVP_EMU_FAULT_CTRL_STATUS, AVP_EMU_FAULT_CTRL_BAD_TOKEN,
		AVP_EMU_FAULT_CTRL_LATE_REPLY, AVP_EMU_FAULT_CTRL_NO_REPLY,
	};
	enum avp_emu_fault f = faults[a[1] % RTE_DIM(faults)];
	unsigned int count = 1 + a[2] % 8;
	uint64_t arg = 0;

	switch (f) {
	case AVP_EMU_FAULT_CTRL_STATUS:
		arg = (uint64_t)(int64_t)-(int)(1 + a[3] % 130);
		break;
	case AVP_EMU_FAULT_CTRL_LATE_REPLY:
		/* mostly in time, now and then past the driver's timeout */
		arg = (a[3] & 0xf0) == 0xf0 ? 520 + a[4] % 200 : a[4] % 40;
		count = arg > 100 ? 1 : count;
		break;
	case AVP_EMU_FAULT_CTRL_NO_REPLY:
		count = 1;	/* each costs the driver's 500 ms timeout */
		break;
	default:
		break;
	}
	(void)avp_emu_port_fault(ep, f, arg, count);
}

static void *
h_main(void *unused)
{
	uint8_t a[FZ_OP_LEN];
	enum fz_hev ev;

	(void)unused;
	pthread_mutex_lock(&h_mtx);
	for (;;) {
		while (h_ev == FZ_H_NONE && !h_quit)
			pthread_cond_wait(&h_cond, &h_mtx);
		if (h_quit)
			break;
		ev = h_ev;
		memcpy(a, h_arg, sizeof(a));
		pthread_mutex_unlock(&h_mtx);
		switch (ev) {
		case FZ_H_MIGRATE:
			h_migrate(a, a[0] & 0x20);
			break;
		case FZ_H_UNPLUG:
			/*
			 * The guest is given time to let go: a host that
			 * closes the socket at once sees the bursts under
			 * way touch the rings after it, which its checker
			 * rightly counts, and no guest can avoid.
			 */
			__atomic_store_n(&h_unplugging, 1, __ATOMIC_RELEASE);
			(void)avp_emu_port_unplug(ep, 2000);
			__atomic_store_n(&h_unplugging, 0, __ATOMIC_RELEASE);
			break;
		case FZ_H_INJECT:
			h_inject(a);
			break;
		case FZ_H_FAULT:
			h_fault(a);
			break;
		case FZ_H_IRQ:
			(void)avp_emu_port_raise_irq(ep,
				(uint32_t)(a[1] | (a[2] << 8)) & ~AVP_IRQ_CAUSE_MIGRATION);
			break;
		default:
			break;
		}
		pthread_mutex_lock(&h_mtx);
		h_ev = FZ_H_NONE;
		h_busy = 0;
		pthread_cond_broadcast(&h_cond);
	}
	pthread_mutex_unlock(&h_mtx);
	return NULL;
}

/* Waits for the host's event to end, releasing the port if it asks. */
static void
host_wait(void)
{
	uint64_t end = fz_now_ms() + FZ_WAIT_MS;
	int busy;

	for (;;) {
		pthread_mutex_lock(&h_mtx);
		busy = h_busy;
		pthread_mutex_unlock(&h_mtx);
		if (!busy)
			break;
		handle_removal();
		FZ_CHECK(fz_now_ms() < end, "host event %d still running after %u ms",
			(int)h_ev, FZ_WAIT_MS);
		fz_nap_us(100);
	}
	handle_removal();
}

static void
host_post(enum fz_hev ev, const uint8_t *a)
{
	host_wait();
	pthread_mutex_lock(&h_mtx);
	h_ev = ev;
	memcpy(h_arg, a, sizeof(h_arg));
	h_busy = 1;
	pthread_cond_broadcast(&h_cond);
	pthread_mutex_unlock(&h_mtx);
}

/* ---- operations (main thread) ---- */

static void
op_configure(const uint8_t *a)
{
	struct rte_eth_dev_info info;
	struct rte_eth_conf conf;
	uint16_t nrx = a[1] % 9, ntx = a[2] % 9, q;
	int ret;

	memset(&conf, 0, sizeof(conf));
	if (a[3] & 0x01)
		conf.rxmode.offloads |= RTE_ETH_RX_OFFLOAD_SCATTER;
	if (a[3] & 0x02)
		conf.rxmode.offloads |= RTE_ETH_RX_OFFLOAD_VLAN_STRIP;
	if (a[3] & 0x04)
		conf.txmode.offloads |= RTE_ETH_TX_OFFLOAD_MULTI_SEGS;
	if (a[3] & 0x08)
		conf.txmode.offloads |= RTE_ETH_TX_OFFLOAD_VLAN_INSERT;
	if (a[3] & 0x10)
		conf.intr_conf.lsc = 1;
	if (a[3] & 0x20)
		conf.rxmode.mq_mode = RTE_ETH_MQ_RX_RSS;
	if ((a[3] & 0xc0) == 0xc0)
		conf.rxmode.offloads |= RTE_ETH_RX_OFFLOAD_VLAN_FILTER;
	/* 0: the default; else anything around the host's limits */
	conf.rxmode.mtu = (a[6] & 8) ? 0 :
		(uint32_t)(a[4] | (a[5] << 8)) % 9400;
	if (rte_eth_dev_info_get(port, &info) == 0) {
		if (a[6] & 1) {	/* within what the port offers */
			conf.rxmode.offloads &= info.rx_offload_capa;
			conf.txmode.offloads &= info.tx_offload_capa;
			nrx = nrx > info.max_rx_queues ? info.max_rx_queues :
				nrx;
			ntx = ntx > info.max_tx_queues ? info.max_tx_queues :
				ntx;
		}
	}
	dp_pause();
	ret = rte_eth_dev_configure(port, nrx, ntx, &conf);
	FZ_RET(ret, "rte_eth_dev_configure");
	if (ret == 0 && (a[6] & 2) == 0) {
		/* and every queue, as most applications go on */
		for (q = 0; q < nrx; q++) {
			ret = rte_eth_rx_queue_setup(port, q, a[7],
				SOCKET_ID_ANY, NULL,
				(a[6] & 4) && (q & 1) ? pool_small : pool);
			FZ_RET(ret, "rte_eth_rx_queue_setup");
		}
		for (q = 0; q < ntx; q++) {
			ret = rte_eth_tx_queue_setup(port, q, a[7],
				SOCKET_ID_ANY, NULL);
			FZ_RET(ret, "rte_eth_tx_queue_setup");
		}
	}
	queues_refresh();
	dp_vlan = !!(conf.txmode.offloads & RTE_ETH_TX_OFFLOAD_VLAN_INSERT);
	dp_live = 1;
	dp_resume();
}

static void
op_queue_setup(const uint8_t *a, int rx)
{
	struct rte_eth_rxconf rc;
	struct rte_eth_txconf tc;
	uint16_t q = a[1] % 9;
	int ret;

	memset(&rc, 0, sizeof(rc));
	memset(&tc, 0, sizeof(tc));
	rc.rx_deferred_start = a[2] & 1;
	tc.tx_deferred_start = a[2] & 1;
	dp_pause();
	if (rx) {
		ret = rte_eth_rx_queue_setup(port, q, a[3], SOCKET_ID_ANY,
			&rc, (a[2] & 2) ? pool_small : pool);
		FZ_RET(ret, "rte_eth_rx_queue_setup");
	} else {
		ret = rte_eth_tx_queue_setup(port, q, a[3], SOCKET_ID_ANY,
			&tc);
		FZ_RET(ret, "rte_eth_tx_queue_setup");
	}
	queues_refresh();
	dp_resume();
}

static void
op_mc_list(const uint8_t *a)
{
	struct rte_ether_addr list[70];
	uint32_t n = a[1] % 70, i;
	int ret;

	for (i = 0; i < n; i++) {
		list[i].addr_bytes[0] = (a[2] & 1) && i == n - 1 ? 0x02 : 0x01;
		list[i].addr_bytes[1] = 0;
		list[i].addr_bytes[2] = 0x5e;
		list[i].addr_bytes[3] = a[3];
		list[i].addr_bytes[4] = (uint8_t)i;
		list[i].addr_bytes[5] = a[4];
	}
	ret = rte_eth_dev_set_mc_addr_list(port, (a[2] & 2) ? NULL : list,
		(a[2] & 2) ? 0 : n);
	FZ_RET(ret, "rte_eth_dev_set_mc_addr_list");
}

static void
op_stats(const uint8_t *a)
{
	struct rte_eth_stats st;
	int ret;

	ret = rte_eth_stats_get(port, &st);
	FZ_RET(ret, "rte_eth_stats_get");
	if (a[1] & 1) {
		ret = rte_eth_stats_reset(port);
		FZ_RET(ret, "rte_eth_stats_reset");
	}
}

static void
op_xstats(const uint8_t *a)
{
	struct rte_eth_xstat_name *names;
	struct rte_eth_xstat *xs;
	int n, k, ret;

	n = rte_eth_xstats_get_names(port, NULL, 0);
	FZ_CHECK(n >= 0 || n > -4096, "xstats count %d", n);
	if (n > 0) {
		names = calloc((size_t)n, sizeof(*names));
		xs = calloc((size_t)n, sizeof(*xs));
		FZ_CHECK(names != NULL && xs != NULL, "no memory");
		/* a[2]: the size the application passes, maybe too small */
		k = (a[2] & 0x80) ? n : n * (a[2] & 0x7f) / 127;
		ret = rte_eth_xstats_get_names(port, names, (unsigned int)k);
		FZ_CHECK(ret > -4096 && ret <= n, "xstats names %d of %d",
			ret, n);
		ret = rte_eth_xstats_get(port, xs, (unsigned int)k);
		FZ_CHECK(ret > -4096 && ret <= n, "xstats %d of %d", ret, n);
		free(names);
		free(xs);
	}
	if (a[1] & 1) {
		ret = rte_eth_xstats_reset(port);
		FZ_RET(ret, "rte_eth_xstats_reset");
	}
}

/* With AVP_FUZZ_LOG=1: the port's non-zero counters at the end. */
static void
xstats_print(void)
{
	struct rte_eth_xstat_name names[256];
	struct rte_eth_xstat xs[256];
	uint16_t mtu = 0;
	int n, i;

	rte_eth_dev_get_mtu(port, &mtu);
	fprintf(stderr, "avp-fuzz: port %u, MTU %u\n", port, mtu);

	n = rte_eth_xstats_get_names(port, names, RTE_DIM(names));
	if (n <= 0 || n > (int)RTE_DIM(names) ||
	    rte_eth_xstats_get(port, xs, (unsigned int)n) != n)
		return;
	for (i = 0; i < n; i++)
		if (xs[i].value != 0)
			fprintf(stderr, "  %-28s %" PRIu64 "\n",
				names[xs[i].id].name, xs[i].value);
}

static void
op_info(const uint8_t *a)
{
	struct rte_eth_dev_info info;
	struct rte_eth_rxq_info rqi;
	struct rte_eth_txq_info tqi;
	struct rte_eth_burst_mode bm;
	struct rte_eth_link link;
	char fw[64];
	uint16_t q = a[1] % 8;
	int ret;

	ret = rte_eth_dev_info_get(port, &info);
	FZ_RET(ret, "rte_eth_dev_info_get");
	ret = rte_eth_link_get_nowait(port, &link);
	FZ_RET(ret, "rte_eth_link_get_nowait");
	ret = rte_eth_dev_fw_version_get(port, fw, (size_t)(a[2] % 64));
	FZ_CHECK(ret >= -4095 && ret <= 64, "fw_version_get %d", ret);
	if (rxq_ok & (1u << q)) {
		ret = rte_eth_rx_queue_info_get(port, q, &rqi);
		FZ_RET(ret, "rte_eth_rx_queue_info_get");
		ret = rte_eth_rx_burst_mode_get(port, q, &bm);
		FZ_RET(ret, "rte_eth_rx_burst_mode_get");
	}
	if (txq_ok & (1u << q)) {
		ret = rte_eth_tx_queue_info_get(port, q, &tqi);
		FZ_RET(ret, "rte_eth_tx_queue_info_get");
		ret = rte_eth_tx_burst_mode_get(port, q, &bm);
		FZ_RET(ret, "rte_eth_tx_burst_mode_get");
	}
}

static void
op_reprobe(const uint8_t *a)
{
	static const enum avp_emu_fault image[] = {
		AVP_EMU_FAULT_DEVINFO_MAGIC, AVP_EMU_FAULT_DEVINFO_VERSION,
		AVP_EMU_FAULT_MEMMAP_MAGIC, AVP_EMU_FAULT_MEMMAP_VERSION,
		AVP_EMU_FAULT_MEMMAP_COUNT, AVP_EMU_FAULT_RING_NSLOTS,
		AVP_EMU_FAULT_RING_OUTSIDE, AVP_EMU_FAULT_RING_INDEX,
		AVP_EMU_FAULT_QUEUES, AVP_EMU_FAULT_BUF_REGION,
	};
	int ret;

	host_wait();
	dp_pause();
	port_release(a[1] & 1 ? 0 : 1);
	wait_detached();
	if (a[2] & 1) {
		/* a broken device image: the probe fails, cleanly */
		ret = avp_emu_port_fault(ep, image[a[3] % RTE_DIM(image)],
			a[4], 0);
		FZ_CHECK(ret == 0, "image fault: %d", ret);
		(void)port_probe();
		if (probed) {
			dp_resume();
			return;	/* a fault the driver may live with */
		}
		ret = avp_emu_port_reset(ep);
		FZ_CHECK(ret == 0, "emulator port reset: %d", ret);
	}
	ret = port_probe();
	FZ_CHECK(ret == 0, "probe again: %d", ret);
	dp_resume();
}

static void
run_op(const uint8_t *a)
{
	uint16_t q;
	int ret;

	handle_removal();
	if (!probed && a[0] % FZ_OP_COUNT != FZ_OP_REPROBE)
		return;
	switch ((enum fz_op)(a[0] % FZ_OP_COUNT)) {
	case FZ_OP_CONFIGURE:
		op_configure(a);
		break;
	case FZ_OP_RXQ_SETUP:
		op_queue_setup(a, 1);
		break;
	case FZ_OP_TXQ_SETUP:
		op_queue_setup(a, 0);
		break;
	/*
	 * ethdev resets the port's fast-path ops at stop and sets them
	 * one field at a time at start: a burst racing either may call
	 * the driver with a dummy queue. Applications hold the data path.
	 */
	case FZ_OP_START:
		dp_pause();
		ret = rte_eth_dev_start(port);
		dp_resume();
		FZ_RET(ret, "rte_eth_dev_start");
		break;
	case FZ_OP_STOP:
		dp_pause();
		ret = rte_eth_dev_stop(port);
		dp_resume();
		FZ_RET(ret, "rte_eth_dev_stop");
		break;
	case FZ_OP_QUEUE_STATE:
		q = a[1] % 9;
		if (a[2] & 1)
			ret = (a[2] & 2) ? rte_eth_dev_rx_queue_start(port, q) :
				rte_eth_dev_rx_queue_stop(port, q);
		else
			ret = (a[2] & 2) ? rte_eth_dev_tx_queue_start(port, q) :
				rte_eth_dev_tx_queue_stop(port, q);
		FZ_RET(ret, "queue start/stop");
		break;
	case FZ_OP_PROMISC:
		ret = (a[1] & 1) ? rte_eth_promiscuous_enable(port) :
			rte_eth_promiscuous_disable(port);
		FZ_RET(ret, "promiscuous");
		break;
	case FZ_OP_ALLMULTI:
		ret = (a[1] & 1) ? rte_eth_allmulticast_enable(port) :
			rte_eth_allmulticast_disable(port);
		FZ_RET(ret, "allmulticast");
		break;
	case FZ_OP_MC_LIST:
		op_mc_list(a);
		break;
	case FZ_OP_MTU:
		ret = rte_eth_dev_set_mtu(port,
			(uint16_t)((a[1] | (a[2] << 8)) % 9500));
		FZ_RET(ret, "rte_eth_dev_set_mtu");
		break;
	case FZ_OP_VLAN:
		ret = rte_eth_dev_set_vlan_offload(port, a[1] & 0x0f);
		FZ_RET(ret, "rte_eth_dev_set_vlan_offload");
		break;
	case FZ_OP_STATS:
		op_stats(a);
		break;
	case FZ_OP_XSTATS:
		op_xstats(a);
		break;
	case FZ_OP_LINK:
		ret = (a[1] & 1) ? rte_eth_dev_set_link_up(port) :
			rte_eth_dev_set_link_down(port);
		FZ_RET(ret, "set link");
		break;
	case FZ_OP_INFO:
		op_info(a);
		break;
	case FZ_OP_REPROBE:
		op_reprobe(a);
		break;
	case FZ_OP_H_MIGRATE:
		host_post(FZ_H_MIGRATE, a);
		break;
	case FZ_OP_H_UNPLUG:
		host_post(FZ_H_UNPLUG, a);
		break;
	case FZ_OP_H_FLAP: {
		uint8_t b[FZ_OP_LEN];

		memcpy(b, a, sizeof(b));
		b[0] |= 0x20;
		host_post(FZ_H_MIGRATE, b);
		break;
	}
	case FZ_OP_H_INJECT:
		host_post(FZ_H_INJECT, a);
		break;
	case FZ_OP_H_FAULT:
		host_post(FZ_H_FAULT, a);
		break;
	case FZ_OP_H_IRQ:
		host_post(FZ_H_IRQ, a);
		break;
	case FZ_OP_H_WAIT:
		host_wait();
		/* and let the data path run its program a few times */
		dp_run(1 + a[1] % 16);
		break;
	case FZ_OP_COUNT:
		break;
	}
}

/* ---- one input ---- */

static void run_input(const uint8_t *data, size_t size, int check);

static void
fz_init(void)
{
	/* A port through configure, start and close: what ethdev and EAL
	 * set up once for good is there before the first input is checked.
	 */
	static const uint8_t warm_up[] = {
		0, 0, 0, 0, 0, 0, 0, 0,			/* header */
		0, 0, 0, 0,				/* tx step */
		FZ_OP_CONFIGURE, 1, 1, 0, 0, 0, 8, 0,
		FZ_OP_START, 0, 0, 0, 0, 0, 0, 0,
		FZ_OP_XSTATS, 1, 0x80, 0, 0, 0, 0, 0,
		FZ_OP_STOP, 0, 0, 0, 0, 0, 0, 0,
	};
	static FILE *emu_log;
	static int done;
	pthread_t h;

	if (done)
		return;
	done = 1;
	fz_eal_init("ethdev");
	pool = rte_pktmbuf_pool_create("fz_ethdev", FZ_NB_MBUF, 0, 0,
		RTE_MBUF_DEFAULT_BUF_SIZE, SOCKET_ID_ANY);
	pool_small = rte_pktmbuf_pool_create("fz_ethdev_small", 1023, 0, 0,
		RTE_PKTMBUF_HEADROOM + 200, SOCKET_ID_ANY);
	emu = avp_emu_create();
	snprintf(tdir, sizeof(tdir), "/tmp/avp_fuzz_ethdev.XXXXXX");
	FZ_CHECK(pool != NULL && pool_small != NULL && emu != NULL &&
		mkdtemp(tdir) != NULL && avp_emu_start(emu) == 0,
		"set-up failed");
	if (getenv("AVP_FUZZ_LOG") == NULL || getenv("AVP_FUZZ_LOG")[0] != '1')
		emu_log = fopen("/dev/null", "w");
	avp_emu_set_log(emu, emu_log != NULL ? emu_log : stderr, 0);
	FZ_CHECK(pthread_create(&h, NULL, h_main, NULL) == 0, "host thread");
	pthread_detach(h);
	run_input(warm_up, sizeof(warm_up), 0);
}

static void
run_input(const uint8_t *data, size_t size, int check)
{
	static const uint32_t bufs[4] = { 2048, 1024, 4096, 512 };
	static const uint32_t maxf[4] = { 9238, 1518, 4000, 2100 };
	struct avp_emu_port_params pp;
	struct fz_hdr hdr;
	struct fz_in in;
	uint8_t a[FZ_OP_LEN];
	unsigned int fds0, i;
	size_t rte0;
	pthread_t dp;
	uint64_t viol;
	int ret;

	fz_in_init(&in, data, size);
	fz_take(&in, &hdr, sizeof(hdr));
	nsteps = 1 + hdr.nsteps % FZ_STEPS_MAX;
	for (i = 0; i < nsteps; i++)
		fz_take(&in, &steps[i], sizeof(steps[i]));

	fds0 = fz_count_fds();
	rte0 = fz_rte_alloc_count();

	avp_emu_port_params_default(&pp, 0);
	pp.rx_queues_max = (uint8_t)(1 + hdr.rxmax % 8);
	pp.tx_queues_max = (uint8_t)(1 + hdr.txmax % 8);
	pp.rx_queues_min = (uint8_t)(1 + hdr.rxmin % pp.rx_queues_max);
	pp.ring_slots = 32u << (hdr.slots % 4);
	pp.buf_data_size = bufs[hdr.geom & FZ_G_BUF_MASK];
	pp.buf_count = 2048;
	pp.max_frame_len = maxf[(hdr.geom & FZ_G_MAXF_MASK) >> 4];
	pp.no_vlan_offload = !!(hdr.geom & FZ_G_NO_VLAN);
	if (pp.no_vlan_offload)
		pp.features = 0;
	announce = !(hdr.geom & FZ_G_NO_ANN);
	ep = avp_emu_port_create(emu, &pp);
	FZ_CHECK(ep != NULL, "emulator port");
	snprintf(sock, sizeof(sock), "%s/p%u.sock", tdir, run_no++);
	FZ_CHECK(avp_emu_port_listen(ep, sock) == 0, "listen on %s", sock);
	FZ_CHECK(avp_emu_port_set_mode(ep, AVP_EMU_MODE_LOOPBACK, NULL) == 0,
		"loopback");
	if (hdr.geom & FZ_G_SPLIT)
		FZ_CHECK(avp_emu_port_set_rx_split(ep, AVP_EMU_RX_SPLIT_RANDOM,
			hdr.seed) == 0, "random split");

	rxq_ok = 0;
	txq_ok = 0;
	dp_live = 0;
	dp_vlan = 0;
	dp_rx = 0;
	dp_tx = 0;
	__atomic_store_n(&dp_stop, 0, __ATOMIC_RELEASE);
	__atomic_store_n(&dp_hold, 0, __ATOMIC_RELEASE);
	__atomic_store_n(&lsc_events, 0, __ATOMIC_RELAXED);
	ret = port_probe();
	FZ_CHECK(ret == 0, "first probe: %d", ret);
	FZ_CHECK(pthread_create(&dp, NULL, dp_main, NULL) == 0, "data path");

	for (i = 0; i < FZ_OPS_MAX && in.left > 0; i++) {
		fz_take(&in, a, sizeof(a));
		run_op(a);
	}

	host_wait();
	__atomic_store_n(&dp_stop, 1, __ATOMIC_RELEASE);
	pthread_join(dp, NULL);
	if (check && probed && getenv("AVP_FUZZ_LOG") != NULL)
		xstats_print();
	port_release(1);
	wait_detached();
	viol = avp_emu_port_violations(ep);
	if (check && getenv("AVP_FUZZ_LOG") != NULL)
		fprintf(stderr, "avp-fuzz: %" PRIu64 " frames sent, %" PRIu64 " received and verified, %d LSC events\n",
			dp_tx, dp_rx, __atomic_load_n(&lsc_events, __ATOMIC_RELAXED));
	if (viol != 0 || (check && getenv("AVP_FUZZ_LOG") != NULL))
		avp_emu_port_stats_print(ep, stderr);
	FZ_CHECK(viol == 0, "the host's strict checker saw %" PRIu64 " violations",
		viol);
	avp_emu_port_destroy(ep);
	ep = NULL;
	unlink(sock);
	FZ_CHECK(!check || fz_rte_alloc_count() == rte0,
		"rte_malloc allocations %zu before, %zu after", rte0,
		fz_rte_alloc_count());
	if (check)
		fds_wait(fds0);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fz_init();
	run_input(data, size, 1);
	return 0;
}
