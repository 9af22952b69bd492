/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The AVP PMD authors
 */

/*
 * The port's state, below both the ethdev operations (avp_ethdev.c,
 * avp_queue.c) and migration (avp_intr.c): the lock that serialises
 * them, blocking the data path, the link, the choice of receive and
 * transmit paths, the queues' view of the host, and what a removal
 * does. Nothing here calls up into those files.
 */

#include <errno.h>
#include <string.h>

#include <ethdev_driver.h>
#include <rte_arp.h>
#include <rte_cycles.h>
#include <rte_eal.h>

#include "avp_vec.h"
#include "avp_ethdev.h"
#include "avp_logs.h"
#include "avp_shm.h"

/*
 * The lock of every control operation and of the migration worker;
 * then, if needed, the control channel's own lock. Plain: an operation
 * that needs another's work calls its _locked variant.
 */
int
avp_port_lock_init(struct avp_dev *avp)
{
	int ret = pthread_mutex_init(&avp->dev_lock, NULL);

	if (ret != 0)
		PMD_INIT_LOG(ERR, "%s: port lock: %s",
			avp->eth_dev->data->name, strerror(ret));
	return -ret;
}

void
avp_port_lock_fini(struct avp_dev *avp)
{
	pthread_mutex_destroy(&avp->dev_lock);
}

/*
 * The lock is the primary's own (not process-shared): a secondary's
 * read-only operations (information, link, statistics) go without it.
 */
void
avp_port_lock(struct avp_dev *avp)
{
	if (rte_eal_process_type() == RTE_PROC_PRIMARY)
		pthread_mutex_lock(&avp->dev_lock);
}

void
avp_port_unlock(struct avp_dev *avp)
{
	if (rte_eal_process_type() == RTE_PROC_PRIMARY)
		pthread_mutex_unlock(&avp->dev_lock);
}

/*
 * Waits until the burst under way on a queue, if any, has ended; -ETIMEDOUT
 * once the wait is over. The queue has to be seen idle once only: a burst
 * that enters after its queue or port was blocked backs off without
 * touching shared memory, so threads that keep calling the blocked queue
 * do not hold the wait up.
 */
int
avp_burst_wait_out(RTE_ATOMIC(uint32_t) *in_burst, struct avp_wait *w)
{
	while (avp_burst_running(in_burst)) {
		if (avp_wait_expired(w))
			return -ETIMEDOUT;
		rte_delay_us_sleep(10);
	}
	return 0;
}

/* Blocks the data path for reason and waits until no burst is running. */
int
avp_dp_block(struct avp_dev *avp, uint32_t reason)
{
	struct avp_wait w;
	unsigned int i;
	int ret = 0;

	avp_wait_ms(&w, AVP_QUIESCE_TIMEOUT_MS);
	rte_atomic_fetch_or_explicit(&avp->detached, reason,
			rte_memory_order_seq_cst);
	for (i = 0; i < AVP_MAX_QUEUES && ret == 0; i++) {
		if (avp->rxq[i] != NULL)
			ret = avp_burst_wait_out(&avp->rxq[i]->in_burst, &w);
		if (ret == 0 && avp->txq[i] != NULL)
			ret = avp_burst_wait_out(&avp->txq[i]->in_burst, &w);
	}
	if (ret != 0)
		PMD_DRV_LOG(ERR, "port %u: a burst is still running after %u ms",
			avp->eth_dev->data->port_id, AVP_QUIESCE_TIMEOUT_MS);
	return ret;
}

void
avp_dp_unblock(struct avp_dev *avp, uint32_t reason)
{
	rte_atomic_fetch_and_explicit(&avp->detached, ~reason,
			rte_memory_order_seq_cst);
}

/*
 * The link as the application sees it, the one rule: up while the port
 * is started, the host's link is up and the data path is not blocked.
 * 0 when the status changed, -1 when not (rte_eth_linkstatus_set()).
 */
int
avp_link_publish(struct avp_dev *avp)
{
	int up = avp->started && avp->link_up &&
		rte_atomic_load_explicit(&avp->detached,
				rte_memory_order_relaxed) == 0;
	struct rte_eth_link link = {
		.link_speed = up ? RTE_ETH_SPEED_NUM_10G :
			RTE_ETH_SPEED_NUM_NONE,
		.link_duplex = RTE_ETH_LINK_FULL_DUPLEX,
		.link_autoneg = RTE_ETH_LINK_FIXED,
		.link_status = up ? RTE_ETH_LINK_UP : RTE_ETH_LINK_DOWN,
	};

	return rte_eth_linkstatus_set(avp->eth_dev, &link);
}

/* The host's link, as the control channel or a migration set it. */
void
avp_set_link(struct avp_dev *avp, int up)
{
	avp->link_up = up;
	avp_link_publish(avp);
}

/* The filter every receive queue applies, from the port's modes. */
void
avp_filter_update(struct rte_eth_dev *dev, int promisc, int allmulti)
{
	struct avp_dev *avp = AVP_DEV(dev);
	unsigned int i;

	avp->filter = promisc ? AVP_FILTER_NONE :
		allmulti ? AVP_FILTER_MULTICAST : AVP_FILTER_UNICAST;
	for (i = 0; i < avp->nb_rxq; i++) {
		struct avp_rx_queue *q = avp->rxq[i];

		if (q != NULL)
			q->filter = avp->filter;
	}
}

/* Largest frame the application wants: MTU + 18 and room for a tag. */
uint32_t
avp_frame_size(const struct avp_dev *avp, uint16_t mtu)
{
	return RTE_MIN((uint32_t)mtu + AVP_FRAME_OVERHEAD + AVP_VLAN_TAG_LEN,
			avp->max_frame);
}

/* Longest frame a port with this MTU may transmit (the host enforces it). */
static uint32_t
avp_tx_frame_max(const struct avp_dev *avp, uint16_t mtu)
{
	return RTE_MIN((uint32_t)mtu + AVP_FRAME_OVERHEAD, avp->max_frame);
}

/* Sets every transmit queue's length limit for a path and an MTU. */
void
avp_tx_limits(struct avp_dev *avp, uint16_t mtu)
{
	uint32_t path_max = avp->tx_scattered ? avp->max_frame :
		RTE_MIN(avp->buf_size, avp->max_frame);
	unsigned int i;

	for (i = 0; i < avp->nb_txq; i++) {
		struct avp_tx_queue *q = avp->txq[i];

		if (q != NULL)
			q->max_len = RTE_MIN(path_max,
					avp_tx_frame_max(avp, mtu));
	}
}

/*
 * Chooses the burst functions and each queue's limits. Needs every queue
 * set up; configure calls it to report the likely path early, start to
 * fix it. When the frames of the MTU do not fit the mbufs, receive
 * scatters whether or not RTE_ETH_RX_OFFLOAD_SCATTER was asked for, as
 * applications of the old driver expect (see avp.rst).
 */
int
avp_select_paths(struct rte_eth_dev *dev, int strict)
{
	struct avp_dev *avp = AVP_DEV(dev);
	struct rte_eth_dev_data *data = dev->data;
	int scatter = !!(avp->rx_offloads & RTE_ETH_RX_OFFLOAD_SCATTER);
	uint32_t want = scatter ? avp->max_frame :
		avp_frame_size(avp, avp->mtu);
	uint32_t gmin = UINT16_MAX, i;
	int rx_scattered, tx_scattered;

	for (i = 0; i < avp->nb_rxq; i++) {
		struct avp_rx_queue *q = avp->rxq[i];

		if (q == NULL) {
			if (!strict)
				continue;
			PMD_DRV_LOG(ERR, "port %u: rx queue %u not set up",
				data->port_id, i);
			return -EINVAL;
		}
		gmin = RTE_MIN(gmin, (uint32_t)q->data_room);
	}
	for (i = 0; strict && i < avp->nb_txq; i++) {
		if (avp->txq[i] == NULL) {
			PMD_DRV_LOG(ERR, "port %u: tx queue %u not set up",
				data->port_id, i);
			return -EINVAL;
		}
	}

	rx_scattered = want > RTE_MIN(gmin, avp->buf_size);
	avp->rx_scatter_implicit = rx_scattered && !scatter && want > gmin;
	if (strict && avp->rx_scatter_implicit)
		PMD_DRV_LOG(INFO,
			"port %u: MTU %u needs %u-byte frames but mbufs hold %u: scattered receive enabled without RTE_ETH_RX_OFFLOAD_SCATTER",
			data->port_id, avp->mtu, want, gmin);
	tx_scattered = (avp->tx_offloads & RTE_ETH_TX_OFFLOAD_MULTI_SEGS) ||
		avp_frame_size(avp, avp->mtu) > avp->buf_size;

	avp->rx_scattered = rx_scattered;
	avp->tx_scattered = tx_scattered;
	/*
	 * ethdev's scattered_rx is a bit of the byte that also holds
	 * dev_started and promiscuous, which the application's thread
	 * writes: only dev_start, on that thread, sets it. After a
	 * migration, rxq_info_get and burst_mode_get tell the path in use.
	 */
	if (strict)
		data->scattered_rx = rx_scattered;
	/*
	 * One burst function each way: the queues carry the path's limits.
	 * Start chooses the instruction set's; otherwise written only when
	 * none of ours is set: a migration selects again while ethdev may
	 * be copying them (rte_eth_dev_start() does, without our lock).
	 */
	if (strict || avp_vec_of(dev->rx_pkt_burst) == NULL ||
	    avp_vec_of(dev->tx_pkt_burst) == NULL) {
		const struct avp_vec_path *p = strict ? avp_vec_select() :
			avp_vec_current();

		if (dev->rx_pkt_burst != p->rx_burst)
			dev->rx_pkt_burst = p->rx_burst;
		if (dev->tx_pkt_burst != p->tx_burst)
			dev->tx_pkt_burst = p->tx_burst;
	}
	avp_queue_fast_ops(dev);

	for (i = 0; i < avp->nb_rxq; i++) {
		struct avp_rx_queue *q = avp->rxq[i];

		if (q == NULL)
			continue;
		q->scatter = rx_scattered;
		q->max_len = rx_scattered ? avp->max_frame :
			RTE_MIN(RTE_MIN((uint32_t)q->data_room, avp->buf_size),
				avp->max_frame);
	}
	avp_tx_limits(avp, avp->mtu);
	return 0;
}

/*
 * Tells the host the MTU in effect, so that it sizes and checks frames
 * by it. The platform's answer to SET_MTU is not documented: a refusal
 * is logged and the port goes on with the frames it had.
 */
int
avp_mtu_tell_host(struct avp_dev *avp, const char *when)
{
	struct rte_eth_dev_data *data = avp->eth_dev->data;
	/*
	 * A migration destination may carry shorter frames than the port
	 * was set up with: transmit is already held to its maximum
	 * (avp_tx_frame_max), and that is the MTU the host can take.
	 */
	uint32_t mtu = RTE_MIN((uint32_t)avp->mtu,
			avp->max_frame - AVP_FRAME_OVERHEAD);
	int ret;

	ret = avp_ctrl_set_mtu(avp, mtu);
	if (ret != 0)
		PMD_DRV_LOG(WARNING, "port %u: %s: the host did not take MTU %u (%d)",
			data->port_id, when, mtu, ret);
	return ret;
}

/* Gives every queue its host rings and the current buffer view. */
void
avp_queues_refresh(struct rte_eth_dev *dev)
{
	struct avp_dev *avp = AVP_DEV(dev);
	unsigned int i;

	for (i = 0; i < avp->nb_rxq; i++) {
		struct avp_rx_queue *q = avp->rxq[i];

		if (q == NULL)
			continue;
		avp_dev_queue_map(avp->nb_rx_rings, avp->nb_rxq, i,
				&q->first, &q->nrings);
		q->cur = q->first;
		memcpy(q->rx, avp->rx_ring, sizeof(q->rx));
		memcpy(q->free, avp->free_ring, sizeof(q->free));
		q->buf = avp->buf;
		q->buf_size = avp->buf_size;
		q->filter = avp->filter;
		memcpy(q->mac, avp->mac.addr_bytes, RTE_ETHER_ADDR_LEN);
	}
	for (i = 0; i < avp->nb_txq; i++) {
		struct avp_tx_queue *q = avp->txq[i];

		if (q == NULL)
			continue;
		q->tx = avp->tx_ring[i];
		q->alloc = avp->alloc_ring[i];
		q->buf = avp->buf;
		q->buf_size = avp->buf_size;
		q->recip = rte_reciprocal_value(avp->buf_size);
		q->vlan_insert = !!(avp->tx_offloads &
				RTE_ETH_TX_OFFLOAD_VLAN_INSERT);
	}
}

/*
 * The host removed the port (reason AVP_BLOCK_UNPLUGGED) or asks for it
 * back (AVP_BLOCK_RELEASING): no new burst touches its memory, the link
 * goes down and the application hears RTE_ETH_EVENT_INTR_RMV.
 */
void
avp_port_removed(struct avp_dev *avp, uint32_t reason)
{
	rte_atomic_fetch_or_explicit(&avp->detached, reason,
			rte_memory_order_seq_cst);
	if (reason & AVP_BLOCK_UNPLUGGED)
		avp->unplugged = 1;
	avp_set_link(avp, 0);
	rte_eth_dev_callback_process(avp->eth_dev, RTE_ETH_EVENT_INTR_RMV,
			NULL);
}

/*
 * Puts a gratuitous RARP from the port's MAC on tx ring 0, built by
 * rte_net_make_rarp_packet() in an mbuf of receive queue 0's pool (as
 * vhost announces a migrated guest). Called with the data path blocked,
 * so the control thread is the ring's only producer and alloc ring 0's
 * only consumer.
 */
int
avp_send_announce(struct avp_dev *avp)
{
	const struct avp_shring *ar = &avp->alloc_ring[0];
	const struct avp_shring *tr = &avp->tx_ring[0];
	const uint32_t hdr = RTE_ETHER_HDR_LEN + sizeof(struct rte_arp_hdr);
	uint32_t acons, avail, tprod, room, len;
	struct rte_mbuf *m;
	struct avp_desc *d;
	uint8_t *f;
	uint64_t h;
	int ret = 0;

	if (ar->ring == NULL || tr->ring == NULL)
		return -ENODEV;
	if (avp->nb_rxq == 0 || avp->rxq[0] == NULL)
		return -ENOENT;	/* no pool to build the frame in */
	m = rte_net_make_rarp_packet(avp->rxq[0]->pool, &avp->mac);
	if (m == NULL)
		return -ENOMEM;
	len = RTE_MAX(rte_pktmbuf_data_len(m), hdr);
	if ((avp_ring_cons_open(ar, &acons, &avail) |
	     avp_ring_prod_open(tr, &tprod, &room)) != 0) {
		ret = -EIO;
	} else if (avail == 0 || room == 0) {
		ret = -ENOBUFS;
	} else {
		avp_host_acquire();
		h = avp_ring_slot(ar, acons);
		if (avp->buf_size < len || !avp_desc_ok(&avp->buf, h, &d) ||
		    !avp_data_ok(&avp->buf, AVP_READ_ONCE(d->data_va), len,
				 &f)) {
			ret = -EIO;
		} else {
			/* the frame, its padding zeroed, not the mbuf's */
			memcpy(f, rte_pktmbuf_mtod(m, const void *), hdr);
			memset(f + hdr, 0, len - hdr);
			avp_desc_tx_write(d, len, 0, 1, len, 0, 0);
			avp_host_release();
			avp_ring_cons_publish(ar, acons + 1);
			avp_ring_set_slot(tr, tprod, h);
			avp_ring_prod_publish(tr, tprod + 1);
		}
	}
	rte_pktmbuf_free(m);
	return ret;
}
