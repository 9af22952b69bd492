/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The AVP PMD authors
 */

/*
 * The main AVP fuzz target: a fuzzer-controlled device image is presented
 * as the BARs of a synthesized PCI function (each BAR in its own
 * allocation) and the registered net_avp PCI driver goes through probe,
 * configure, queue set-up, start, receive and transmit bursts, a live
 * migration (DETACHED then ATTACHED through the interrupt callback, with
 * the image rewritten in between), stop and close or hot removal.
 *
 * The harness plays the host without a thread: the driver's control
 * channel sleeps (rte_delay_us_sleep) while it waits for a reply, and the
 * wrapped sleep answers the request the driver just queued, with the
 * status the input chooses (success, an error, a wrong token). Interrupt
 * registration is wrapped too, so the migration interrupt is delivered by
 * calling the driver's callback directly.
 *
 * Input: struct fz_knobs, the image (fuzz_common.h), then patches applied
 * while the device is detached: { u8 bar, u32 offset, u8 len, bytes }.
 *
 * Checked after every input: no crash or sanitizer report, no port left
 * behind, every mbuf back in its pool, no rte_malloc memory leaked.
 */

#include <errno.h>
#include <string.h>
#include <time.h>

#include <bus_pci_driver.h>
#include <ethdev_driver.h>
#include <rte_ethdev.h>
#include <rte_interrupts.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>

#include "avp_ethdev.h"
#include "fuzz_common.h"

static inline uint32_t
umin(uint32_t a, uint32_t b)
{
	return a < b ? a : b;
}

/* What the input decides besides the image. 32 bytes. */
struct fz_knobs {
	uint8_t nb_rxq;		/* 1 + v % 8, capped by the device */
	uint8_t nb_txq;		/* v % 9 (0 tests a port without tx) */
	uint8_t flags;		/* FZ_F_* */
	uint8_t mtu;		/* 0: default, else 46 + v * 37 */
	uint8_t rx_rounds;	/* receive rounds per phase, 1 + v % 4 */
	uint8_t tx_count;	/* frames per transmit burst, v % 48 */
	uint8_t tx_segs;	/* mbufs per frame, 1 + v % 6 */
	uint8_t mig_status;	/* value for the attach phase (FZ_MIG_*) */
	uint16_t tx_len[4];	/* frame lengths, used in turn */
	uint32_t replies;	/* 2 bits per request: FZ_REPLY_* */
	uint32_t irq_extra;	/* extra cause bits with the migration */
	uint8_t nb_desc;	/* ring size asked for at queue set-up */
	uint8_t flags2;		/* FZ_F2_* */
	uint8_t _rsvd[6];
};

#define FZ_F_SCATTER	0x01
#define FZ_F_VLAN_STRIP	0x02
#define FZ_F_VLAN_INS	0x04
#define FZ_F_MSEG	0x08
#define FZ_F_PROMISC	0x10
#define FZ_F_SMALL_POOL	0x20
#define FZ_F_MIGRATE	0x40
#define FZ_F_ALLMULTI	0x80

#define FZ_F2_REMOVE	0x01	/* hot removal instead of stop + close */
#define FZ_F2_NO_START	0x02
#define FZ_F2_LINK	0x04	/* link down/up while started */
#define FZ_F2_RESTART	0x08	/* stop and start again */

#define FZ_REPLY_OK	0
#define FZ_REPLY_OK2	1
#define FZ_REPLY_ERROR	2
#define FZ_REPLY_TOKEN	3

#define NB_MBUF		2047
#define BURST		32

static struct rte_pci_driver *avp_drv;
static struct rte_mempool *pool, *pool_small;
static struct rte_intr_handle *intr;
static struct rte_pci_device pdev;

/* The host's state for the current input. */
static struct {
	struct avp_dev *avp;	/* the driver's view: validated rings */
	uint32_t replies;
	unsigned int nreq;
	unsigned int idle;	/* waits without a new request */
	rte_intr_callback_fn cb;
	void *cb_arg;
} host;

/* ---- wrapped EAL functions ---- */

void __wrap_rte_delay_us_sleep(unsigned int us);
void __wrap_rte_pci_register(struct rte_pci_driver *drv);
int __wrap_rte_intr_callback_register(const struct rte_intr_handle *h,
		rte_intr_callback_fn cb, void *arg);
int __wrap_rte_intr_callback_unregister(const struct rte_intr_handle *h,
		rte_intr_callback_fn cb, void *arg);
int __wrap_rte_intr_enable(const struct rte_intr_handle *h);
int __wrap_rte_intr_disable(const struct rte_intr_handle *h);

void
__wrap_rte_pci_register(struct rte_pci_driver *drv)
{
	if (strcmp(drv->driver.name, "net_avp") == 0)
		avp_drv = drv;
	/* Not registered with the bus: nothing but this harness probes it. */
}

int
__wrap_rte_intr_callback_register(const struct rte_intr_handle *h,
		rte_intr_callback_fn cb, void *arg)
{
	(void)h;
	FZ_CHECK(host.cb == NULL, "interrupt callback registered twice");
	host.cb = cb;
	host.cb_arg = arg;
	return 0;
}

int
__wrap_rte_intr_callback_unregister(const struct rte_intr_handle *h,
		rte_intr_callback_fn cb, void *arg)
{
	(void)h;
	if (host.cb != cb || host.cb_arg != arg)
		return -ENOENT;
	host.cb = NULL;
	host.cb_arg = NULL;
	return 1;
}

int
__wrap_rte_intr_enable(const struct rte_intr_handle *h)
{
	(void)h;
	return 0;
}

int
__wrap_rte_intr_disable(const struct rte_intr_handle *h)
{
	(void)h;
	return 0;
}

/* The host's side of the response ring: one token. */
static void
host_reply(struct avp_dev *avp, uint64_t token)
{
	struct avp_ring *r = avp->resp_ring.ring;
	uint32_t m = avp->resp_ring.mask;
	uint32_t prod = r->prod_idx & m;

	r->slots[prod] = token;
	__atomic_store_n(&r->prod_idx, (prod + 1) & m, __ATOMIC_RELEASE);
}

/*
 * The control channel waits for the host in rte_delay_us_sleep: serve
 * every request on the ring, the way the input says. With nothing new
 * to serve (a request that went to a ring aliasing another, a stale
 * wait), reply anyway on the second idle wait so no wait lasts long.
 */
void
__wrap_rte_delay_us_sleep(unsigned int us)
{
	struct avp_dev *avp = host.avp;
	struct avp_ring *r;
	uint32_t m, prod, cons;
	int served = 0;

	(void)us;
	if (avp == NULL || avp->ctrl == NULL || avp->req_ring.ring == NULL)
		return;
	r = avp->req_ring.ring;
	m = avp->req_ring.mask;
	prod = __atomic_load_n(&r->prod_idx, __ATOMIC_ACQUIRE) & m;
	cons = r->cons_idx & m;
	while (cons != prod) {
		uint64_t token = r->slots[cons];
		unsigned int mode = host.nreq < 16 ?
			(host.replies >> (2 * host.nreq)) & 3 : FZ_REPLY_OK;

		host.nreq++;
		cons = (cons + 1) & m;
		__atomic_store_n(&r->cons_idx, cons, __ATOMIC_RELEASE);
		avp->ctrl->status = mode == FZ_REPLY_ERROR ? -EINVAL : 0;
		host_reply(avp, mode == FZ_REPLY_TOKEN ? token ^ 0x40 : token);
		served = 1;
	}
	if (served) {
		host.idle = 0;
	} else if (++host.idle >= 2) {
		host_reply(avp, avp->info.ctrl_area_va);
		host.idle = 0;
	}
}

/* ---- set-up ---- */

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fz_eal_init("avp_fuzz_device");
	FZ_CHECK(avp_drv != NULL, "net_avp PCI driver not registered");
	pool = rte_pktmbuf_pool_create("fz_pool", NB_MBUF, 0, 0,
			RTE_MBUF_DEFAULT_BUF_SIZE, SOCKET_ID_ANY);
	pool_small = rte_pktmbuf_pool_create("fz_pool_small", NB_MBUF, 0, 0,
			RTE_PKTMBUF_HEADROOM + 64, SOCKET_ID_ANY);
	FZ_CHECK(pool != NULL && pool_small != NULL, "mempools");
	intr = rte_intr_instance_alloc(RTE_INTR_INSTANCE_F_PRIVATE);
	FZ_CHECK(intr != NULL, "interrupt instance");
	rte_intr_type_set(intr, RTE_INTR_HANDLE_VDEV);
	rte_intr_fd_set(intr, -1);
	return 0;
}

static void
pdev_setup(const struct fz_image *img)
{
	unsigned int i;

	memset(&pdev, 0, sizeof(pdev));
	pdev.addr.bus = 0x7e;
	pdev.addr.devid = 0x11;
	rte_pci_device_name(&pdev.addr, pdev.name, sizeof(pdev.name));
	pdev.device.name = pdev.name;
	pdev.device.numa_node = SOCKET_ID_ANY;
	pdev.id.vendor_id = AVP_PCI_VENDOR_ID;
	pdev.id.device_id = AVP_PCI_DEVICE_ID;
	pdev.id.subsystem_vendor_id = AVP_PCI_SUBSYS_VENDOR_ID;
	pdev.id.subsystem_device_id = AVP_PCI_SUBSYS_DEVICE_ID;
	pdev.id.class_id = 0x020000;
	for (i = 0; i < AVP_BAR_COUNT; i++) {
		pdev.mem_resource[i].addr = img->addr[i];
		pdev.mem_resource[i].len = img->len[i];
		pdev.mem_resource[i].phys_addr = img->addr[i] != NULL ?
			0xf0000000ULL + ((uint64_t)i << 24) : 0;
	}
	pdev.intr_handle = intr;
	pdev.driver = avp_drv;
	pdev.device.driver = &avp_drv->driver;
}

/* ---- traffic ---- */

static void
rx_phase(uint16_t port, uint16_t nb_rxq, unsigned int rounds)
{
	struct rte_mbuf *pkts[BURST];
	unsigned int r, q, i, n;

	for (r = 0; r < rounds; r++)
		for (q = 0; q < nb_rxq; q++) {
			n = rte_eth_rx_burst(port, q, pkts, BURST);
			FZ_CHECK(n <= BURST, "rx burst returned %u", n);
			for (i = 0; i < n; i++) {
				FZ_CHECK(pkts[i]->port == port,
					"received mbuf port %u", pkts[i]->port);
				FZ_CHECK(rte_mbuf_check(pkts[i], 1, NULL) == 0,
					"received mbuf chain is inconsistent");
				rte_pktmbuf_free(pkts[i]);
			}
		}
}

static struct rte_mbuf *
tx_frame(struct rte_mempool *mp, uint32_t len, unsigned int segs,
		uint64_t ol_flags, uint16_t tci)
{
	struct rte_mbuf *head = NULL, *m;
	uint32_t per = (len + segs - 1) / segs;
	unsigned int s;

	for (s = 0; s < segs; s++) {
		uint32_t take;

		m = rte_pktmbuf_alloc(mp);
		if (m == NULL)
			break;
		take = umin(umin(per, (uint32_t)rte_pktmbuf_tailroom(m)), len);
		memset(rte_pktmbuf_mtod(m, void *), 0x40 + s, take);
		m->data_len = (uint16_t)take;
		m->pkt_len = take;
		len -= take;
		if (head == NULL) {
			head = m;
		} else if (rte_pktmbuf_chain(head, m) != 0) {
			rte_pktmbuf_free(m);
			break;
		}
		if (len == 0)
			break;
	}
	if (head != NULL) {
		head->ol_flags |= ol_flags;
		head->vlan_tci = tci;
	}
	return head;
}

static void
tx_phase(uint16_t port, uint16_t nb_txq, const struct fz_knobs *k,
		int vlan_ins)
{
	struct rte_mbuf *pkts[48];
	unsigned int q, i, n, sent;

	for (q = 0; q < nb_txq; q++) {
		n = k->tx_count % 48;
		for (i = 0; i < n; i++) {
			uint32_t len = k->tx_len[(i + q) % 4] % 9300;

			pkts[i] = tx_frame(pool, len, 1 + k->tx_segs % 6,
				vlan_ins && (i & 1) ? RTE_MBUF_F_TX_VLAN : 0,
				(uint16_t)(i * 7 + q));
			if (pkts[i] == NULL)
				break;
		}
		n = i;
		sent = rte_eth_tx_burst(port, q, pkts, n);
		FZ_CHECK(sent <= n, "tx burst returned %u of %u", sent, n);
		for (i = sent; i < n; i++)
			rte_pktmbuf_free(pkts[i]);
	}
}

/* Reads and applies the detach-time patches (bounded by each BAR). */
static void
apply_patches(struct fz_in *in, struct fz_image *img)
{
	static const unsigned int bars[4] = {
		AVP_BAR_REGS, AVP_BAR_SHMEM, AVP_BAR_MEMMAP, AVP_BAR_DEVINFO,
	};
	unsigned int n = 0;

	while (in->left > 0 && n++ < 64) {
		unsigned int b = bars[fz_u8(in) & 3];
		uint32_t off = fz_u32(in);
		uint8_t len = fz_u8(in);
		uint8_t buf[256];

		fz_take(in, buf, len);
		if (img->len[b] == 0)
			continue;
		off %= img->len[b];
		if (len > img->len[b] - off)
			len = (uint8_t)(img->len[b] - off);
		memcpy(img->addr[b] + off, buf, len);
	}
}

#define ACK_NONE	0xa5a5a5a5u

/*
 * Raises an interrupt and, for a migration event, waits (up to 3 s) for
 * the acknowledgement: the driver may handle the event in the callback
 * or hand it to a thread of its own.
 */
static void
interrupt(struct avp_regs *regs, uint32_t cause, uint32_t mig)
{
	struct timespec ts = { 0, 200000 };
	unsigned int i;

	regs->mig_ack = ACK_NONE;
	regs->irq_status = cause;
	regs->mig_status = mig;
	if (host.cb == NULL)
		return;
	host.cb(host.cb_arg);
	if (!(cause & AVP_IRQ_CAUSE_MIGRATION))
		return;
	for (i = 0; i < 15000 && regs->mig_ack == ACK_NONE; i++)
		nanosleep(&ts, NULL);
	FZ_CHECK(regs->mig_ack != ACK_NONE,
		"migration event (mig_status %u) not acknowledged in 3 s", mig);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static unsigned int runs;
	struct fz_in in;
	struct fz_knobs k;
	struct fz_image img;
	struct rte_eth_dev_info info;
	struct rte_eth_conf conf;
	struct rte_eth_stats st;
	struct rte_eth_xstat xs[256];
	struct rte_mempool *mp;
	struct avp_regs *regs;
	uint16_t port, nb_rxq, nb_txq, q;
	size_t allocs;
	int ret, started = 0;

	fz_in_init(&in, data, size);
	fz_take(&in, &k, sizeof(k));
	fz_image_read(&in, &img);
	memset(&host, 0, sizeof(host));
	host.replies = k.replies;
	allocs = fz_rte_alloc_count();

	pdev_setup(&img);
	ret = avp_drv->probe(avp_drv, &pdev);
	if (ret != 0) {
		FZ_CHECK(rte_eth_dev_count_total() == 0,
			"failed probe left a port behind");
		FZ_CHECK(host.cb == NULL,
			"failed probe left the interrupt callback registered");
		goto out;
	}
	FZ_CHECK(rte_eth_dev_get_port_by_name(pdev.name, &port) == 0,
		"probed port has no ethdev");
	host.avp = rte_eth_devices[port].data->dev_private;
	regs = (void *)img.addr[AVP_BAR_REGS];

	FZ_CHECK(rte_eth_dev_info_get(port, &info) == 0, "dev_info_get");
	FZ_CHECK(info.max_rx_queues >= 1 && info.max_rx_queues <= 8 &&
		info.max_tx_queues >= 1 && info.max_tx_queues <= 8,
		"queue maxima %u/%u", info.max_rx_queues, info.max_tx_queues);
	nb_rxq = RTE_MIN(1 + k.nb_rxq % 8, info.max_rx_queues);
	nb_txq = RTE_MIN(k.nb_txq % 9, info.max_tx_queues);
	memset(&conf, 0, sizeof(conf));
	if (k.flags & FZ_F_SCATTER)
		conf.rxmode.offloads |= RTE_ETH_RX_OFFLOAD_SCATTER;
	if (k.flags & FZ_F_VLAN_STRIP)
		conf.rxmode.offloads |= RTE_ETH_RX_OFFLOAD_VLAN_STRIP;
	if (k.flags & FZ_F_VLAN_INS)
		conf.txmode.offloads |= RTE_ETH_TX_OFFLOAD_VLAN_INSERT;
	if (k.flags & FZ_F_MSEG)
		conf.txmode.offloads |= RTE_ETH_TX_OFFLOAD_MULTI_SEGS;
	conf.rxmode.offloads &= info.rx_offload_capa;
	conf.txmode.offloads &= info.tx_offload_capa;
	if (k.mtu != 0)
		conf.rxmode.mtu = 46 + k.mtu * 37;
	if (rte_eth_dev_configure(port, nb_rxq, nb_txq, &conf) != 0)
		goto close;
	mp = k.flags & FZ_F_SMALL_POOL ? pool_small : pool;
	for (q = 0; q < nb_rxq; q++)
		if (rte_eth_rx_queue_setup(port, q, k.nb_desc, SOCKET_ID_ANY,
				NULL, mp) != 0)
			goto close;
	for (q = 0; q < nb_txq; q++)
		if (rte_eth_tx_queue_setup(port, q, k.nb_desc, SOCKET_ID_ANY,
				NULL) != 0)
			goto close;
	if (k.flags & FZ_F_PROMISC)
		rte_eth_promiscuous_enable(port);
	if (k.flags & FZ_F_ALLMULTI)
		rte_eth_allmulticast_enable(port);
	if (k.flags2 & FZ_F2_NO_START)
		goto close;
	if (rte_eth_dev_start(port) != 0)
		goto close;
	started = 1;

	rx_phase(port, nb_rxq, 1 + k.rx_rounds % 4);
	tx_phase(port, nb_txq, &k, !!(conf.txmode.offloads &
		RTE_ETH_TX_OFFLOAD_VLAN_INSERT));
	if (k.flags2 & FZ_F2_LINK) {
		rte_eth_dev_set_link_down(port);
		rx_phase(port, nb_rxq, 1);
		rte_eth_dev_set_link_up(port);
	}
	if (k.flags2 & FZ_F2_RESTART) {
		rte_eth_dev_stop(port);
		started = rte_eth_dev_start(port) == 0;
	}

	if (k.flags & FZ_F_MIGRATE) {
		uint32_t mig = k.mig_status < 192 ? AVP_MIG_ATTACHED :
			k.mig_status & 3;

		interrupt(regs, AVP_IRQ_CAUSE_MIGRATION | k.irq_extra,
			AVP_MIG_DETACHED);
		/* detached: the data path must not touch the rings */
		rx_phase(port, nb_rxq, 1);
		tx_phase(port, nb_txq, &k, 0);
		apply_patches(&in, &img);
		interrupt(regs, AVP_IRQ_CAUSE_MIGRATION, mig);
		rx_phase(port, nb_rxq, 1 + k.rx_rounds % 4);
		tx_phase(port, nb_txq, &k, !!(conf.txmode.offloads &
			RTE_ETH_TX_OFFLOAD_VLAN_INSERT));
		/* a repeated event is acknowledged again */
		interrupt(regs, AVP_IRQ_CAUSE_MIGRATION, mig);
	} else if (k.irq_extra != 0) {
		interrupt(regs, k.irq_extra & ~AVP_IRQ_CAUSE_MIGRATION, 0);
	}

	rte_eth_stats_get(port, &st);
	if (getenv("AVP_FUZZ_LOG") != NULL)
		printf("avp-fuzz: rx %" PRIu64 " (%" PRIu64 " errors), tx %"
			PRIu64 " (%" PRIu64 " errors), %u requests\n",
			st.ipackets, st.ierrors, st.opackets, st.oerrors,
			host.nreq);
	ret = rte_eth_xstats_get(port, xs, RTE_DIM(xs));
	FZ_CHECK(ret >= 0 && ret <= (int)RTE_DIM(xs), "xstats %d", ret);
	rte_eth_stats_reset(port);
	if (started && !(k.flags2 & FZ_F2_REMOVE))
		rte_eth_dev_stop(port);
close:
	if (k.flags2 & FZ_F2_REMOVE) {
		FZ_CHECK(avp_drv->remove(&pdev) == 0, "remove");
	} else {
		rte_eth_dev_close(port);
		FZ_CHECK(avp_drv->remove(&pdev) == 0, "remove after close");
	}
	host.avp = NULL;
	FZ_CHECK(rte_eth_dev_count_total() == 0, "port left behind");
	FZ_CHECK(host.cb == NULL, "interrupt callback left registered");
out:
	FZ_CHECK(rte_mempool_full(pool) && rte_mempool_full(pool_small),
		"mbufs leaked: %u + %u of %u in the pools",
		rte_mempool_avail_count(pool),
		rte_mempool_avail_count(pool_small), NB_MBUF);
	/* The first input also sets up what ethdev keeps for good. */
	if (runs++ > 0)
		FZ_CHECK(fz_rte_alloc_count() <= allocs,
			"rte_malloc memory leaked: %zu allocations, %zu before",
			fz_rte_alloc_count(), allocs);
	fz_image_free(&img);
	return 0;
}
