/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The AVP PMD authors
 */

/*
 * ethdev operations of the AVP PMD and the probe both transports share:
 * once the transport has located the BARs, everything runs from here.
 */

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <ethdev_driver.h>
#include <rte_cycles.h>
#include <rte_interrupts.h>
#include <rte_malloc.h>

#include "avp_ethdev.h"
#include "avp_logs.h"

RTE_LOG_REGISTER_SUFFIX(avp_logtype_init, init, NOTICE);
RTE_LOG_REGISTER_SUFFIX(avp_logtype_driver, driver, NOTICE);
RTE_LOG_REGISTER_SUFFIX(avp_logtype_rx, rx, NOTICE);
RTE_LOG_REGISTER_SUFFIX(avp_logtype_tx, tx, NOTICE);

static uint32_t
avp_features(const struct avp_dev *avp, uint64_t rx_offloads)
{
	if ((avp->host_features & AVP_FEAT_VLAN_OFFLOAD) &&
	    (rx_offloads & RTE_ETH_RX_OFFLOAD_VLAN_STRIP))
		return AVP_FEAT_VLAN_OFFLOAD;
	return 0;
}

static int
avp_dev_configure_locked(struct rte_eth_dev *dev)
{
	struct avp_dev *avp = AVP_DEV(dev);
	struct rte_eth_conf *conf = &dev->data->dev_conf;
	uint16_t nb_rx = dev->data->nb_rx_queues;
	uint16_t nb_tx = dev->data->nb_tx_queues;
	uint32_t features;
	unsigned int rings;
	int ret;

	if (avp->detached & AVP_BLOCK_DETACHED) {
		PMD_DRV_LOG(ERR, "port %u: cannot configure while detached",
			dev->data->port_id);
		return -EBUSY;
	}
	if (nb_rx > avp->max_rx_queues || nb_tx > avp->max_tx_queues) {
		PMD_DRV_LOG(ERR,
			"port %u: %u rx / %u tx queues requested, host allows %u / %u",
			dev->data->port_id, nb_rx, nb_tx,
			avp->max_rx_queues, avp->max_tx_queues);
		return -EINVAL;
	}
	if (conf->rxmode.mq_mode & (RTE_ETH_MQ_RX_DCB_FLAG |
				    RTE_ETH_MQ_RX_VMDQ_FLAG)) {
		PMD_DRV_LOG(ERR, "port %u: rx mq_mode %d not supported, allowed: none or RSS (host spreads)",
			dev->data->port_id, conf->rxmode.mq_mode);
		return -ENOTSUP;
	}
	if (conf->txmode.mq_mode != RTE_ETH_MQ_TX_NONE) {
		PMD_DRV_LOG(ERR, "port %u: tx mq_mode %d not supported, allowed: none",
			dev->data->port_id, conf->txmode.mq_mode);
		return -ENOTSUP;
	}
	if ((uint32_t)dev->data->mtu + AVP_FRAME_OVERHEAD > avp->max_frame) {
		PMD_DRV_LOG(ERR,
			"port %u: MTU %u too large: frames of MTU + 18 must fit %u bytes (max MTU %u)",
			dev->data->port_id, dev->data->mtu, avp->max_frame,
			avp->max_frame - AVP_FRAME_OVERHEAD);
		return -EINVAL;
	}
	if ((conf->txmode.offloads & RTE_ETH_TX_OFFLOAD_VLAN_INSERT) &&
	    !(avp->host_features & AVP_FEAT_VLAN_OFFLOAD)) {
		PMD_DRV_LOG(ERR, "port %u: VLAN insert requested but the host does not offer VLAN offload",
			dev->data->port_id);
		return -ENOTSUP;
	}

	rings = RTE_MAX((unsigned int)avp->min_rx_queues, nb_rx);
	rings = RTE_MIN(rings, (unsigned int)avp->max_rx_queues);
	features = avp_features(avp, conf->rxmode.offloads);
	ret = avp_ctrl_configure(avp, nb_tx, rings, features, 0);
	if (ret != 0)
		return ret;	/* the control channel said why */
	avp->nb_rx_rings = rings;
	avp->neg_features = features;
	avp->configured = 1;
	avp->nb_rxq = nb_rx;
	avp->nb_txq = nb_tx;
	avp->rx_offloads = conf->rxmode.offloads;
	avp->tx_offloads = conf->txmode.offloads;
	avp->mtu = dev->data->mtu;
	avp->lsc_intr = conf->intr_conf.lsc;
	avp_select_paths(dev, 0);
	return 0;
}

/* A control operation without arguments, under the port's lock. */
static int
avp_locked(struct rte_eth_dev *dev, int (*op)(struct rte_eth_dev *dev))
{
	struct avp_dev *avp = AVP_DEV(dev);
	int ret;

	avp_port_lock(avp);
	ret = op(dev);
	avp_port_unlock(avp);
	return ret;
}

static int
avp_dev_configure(struct rte_eth_dev *dev)
{
	return avp_locked(dev, avp_dev_configure_locked);
}

static int
avp_dev_infos_get_locked(struct rte_eth_dev *dev,
		struct rte_eth_dev_info *info)
{
	struct avp_dev *avp = AVP_DEV(dev);
	int vlan = !!(avp->host_features & AVP_FEAT_VLAN_OFFLOAD);
	uint32_t rx_cap = avp_dev_ring_capacity(avp->rx_ring,
			avp->max_rx_queues);
	uint32_t tx_cap = avp_dev_ring_capacity(avp->tx_ring,
			avp->max_tx_queues);

	info->max_rx_queues = avp->max_rx_queues;
	info->max_tx_queues = avp->max_tx_queues;
	info->min_rx_bufsize = AVP_MIN_BUF_SIZE;
	info->max_rx_pktlen = avp->max_frame;
	info->max_mac_addrs = 1;
	info->min_mtu = RTE_ETHER_MIN_MTU;
	info->max_mtu = avp->max_frame - AVP_FRAME_OVERHEAD;
	info->rx_offload_capa = RTE_ETH_RX_OFFLOAD_SCATTER |
		(vlan ? RTE_ETH_RX_OFFLOAD_VLAN_STRIP : 0);
	info->tx_offload_capa = RTE_ETH_TX_OFFLOAD_MULTI_SEGS |
		(vlan ? RTE_ETH_TX_OFFLOAD_VLAN_INSERT : 0);
	info->rx_queue_offload_capa = 0;
	info->tx_queue_offload_capa = 0;
	info->speed_capa = RTE_ETH_LINK_SPEED_10G | RTE_ETH_LINK_SPEED_FIXED;
	/* Host rings hold what is in flight; counts up to their size. */
	info->rx_desc_lim.nb_max = RTE_MIN(rx_cap + 1, (uint32_t)UINT16_MAX);
	info->rx_desc_lim.nb_min = 1;
	info->rx_desc_lim.nb_align = 1;
	info->tx_desc_lim.nb_max = RTE_MIN(tx_cap + 1, (uint32_t)UINT16_MAX);
	info->tx_desc_lim.nb_min = 1;
	info->tx_desc_lim.nb_align = 1;
	info->default_rxportconf.ring_size = info->rx_desc_lim.nb_max;
	info->default_txportconf.ring_size = info->tx_desc_lim.nb_max;
	info->default_rxportconf.burst_size = 32;
	info->default_txportconf.burst_size = 32;
	info->default_rxportconf.nb_queues = 1;
	info->default_txportconf.nb_queues = 1;
	return 0;
}

/* A migration attach rewrites what this reports: read it under the lock. */
static int
avp_dev_infos_get(struct rte_eth_dev *dev, struct rte_eth_dev_info *info)
{
	struct avp_dev *avp = AVP_DEV(dev);
	int ret;

	avp_port_lock(avp);
	ret = avp_dev_infos_get_locked(dev, info);
	avp_port_unlock(avp);
	return ret;
}

static int
avp_rx_queue_setup(struct rte_eth_dev *dev, uint16_t qid, uint16_t nb_desc,
		unsigned int socket_id, const struct rte_eth_rxconf *conf,
		struct rte_mempool *mp)
{
	struct avp_dev *avp = AVP_DEV(dev);
	struct avp_rx_queue *q;
	uint32_t room;

	if (rte_pktmbuf_data_room_size(mp) < RTE_PKTMBUF_HEADROOM +
	    AVP_MIN_BUF_SIZE) {
		PMD_DRV_LOG(ERR,
			"port %u rxq %u: mempool %s data room %u too small, need at least %u",
			dev->data->port_id, qid, mp->name,
			rte_pktmbuf_data_room_size(mp),
			RTE_PKTMBUF_HEADROOM + AVP_MIN_BUF_SIZE);
		return -EINVAL;
	}
	room = rte_pktmbuf_data_room_size(mp) - RTE_PKTMBUF_HEADROOM;

	q = rte_zmalloc_socket("avp_rxq", sizeof(*q), RTE_CACHE_LINE_SIZE,
			socket_id);
	if (q == NULL) {
		PMD_DRV_LOG(ERR, "port %u rxq %u: no memory",
			dev->data->port_id, qid);
		return -ENOMEM;
	}
	q->avp = avp;
	q->pool = mp;
	q->port_id = dev->data->port_id;
	q->queue_id = qid;
	q->nb_desc = nb_desc;
	q->offloads = conf->offloads | dev->data->dev_conf.rxmode.offloads;
	q->deferred = conf->rx_deferred_start;
	q->data_room = RTE_MIN(room, (uint32_t)UINT16_MAX);
	q->recip = rte_reciprocal_value(q->data_room);
	q->detached = &avp->detached;
	q->filter = avp->filter;
	avp_port_lock(avp);
	dev->data->rx_queues[qid] = q;
	avp->rxq[qid] = q;	/* qid < max_rx_queues <= AVP_MAX_QUEUES */
	avp_port_unlock(avp);
	return 0;
}

static int
avp_tx_queue_setup(struct rte_eth_dev *dev, uint16_t qid, uint16_t nb_desc,
		unsigned int socket_id, const struct rte_eth_txconf *conf)
{
	struct avp_dev *avp = AVP_DEV(dev);
	struct avp_tx_queue *q;

	q = rte_zmalloc_socket("avp_txq", sizeof(*q), RTE_CACHE_LINE_SIZE,
			socket_id);
	if (q == NULL) {
		PMD_DRV_LOG(ERR, "port %u txq %u: no memory",
			dev->data->port_id, qid);
		return -ENOMEM;
	}
	q->avp = avp;
	q->port_id = dev->data->port_id;
	q->queue_id = qid;
	q->nb_desc = nb_desc;
	q->offloads = conf->offloads | dev->data->dev_conf.txmode.offloads;
	q->deferred = conf->tx_deferred_start;
	q->detached = &avp->detached;
	avp_port_lock(avp);
	dev->data->tx_queues[qid] = q;
	avp->txq[qid] = q;	/* qid < max_tx_queues <= AVP_MAX_QUEUES */
	avp_port_unlock(avp);
	return 0;
}

static void
avp_rx_queue_release_locked(struct rte_eth_dev *dev, uint16_t qid)
{
	AVP_DEV(dev)->rxq[qid] = NULL;
	rte_free(dev->data->rx_queues[qid]);
	dev->data->rx_queues[qid] = NULL;
}

static void
avp_tx_queue_release_locked(struct rte_eth_dev *dev, uint16_t qid)
{
	AVP_DEV(dev)->txq[qid] = NULL;
	rte_free(dev->data->tx_queues[qid]);
	dev->data->tx_queues[qid] = NULL;
}

/* Under the lock: a migration may be refreshing the queues. */
static void
avp_rx_queue_release(struct rte_eth_dev *dev, uint16_t qid)
{
	struct avp_dev *avp = AVP_DEV(dev);

	avp_port_lock(avp);
	avp_rx_queue_release_locked(dev, qid);
	avp_port_unlock(avp);
}

static void
avp_tx_queue_release(struct rte_eth_dev *dev, uint16_t qid)
{
	struct avp_dev *avp = AVP_DEV(dev);

	avp_port_lock(avp);
	avp_tx_queue_release_locked(dev, qid);
	avp_port_unlock(avp);
}

static void
avp_queue_states(struct rte_eth_dev *dev, uint8_t state)
{
	unsigned int i;

	for (i = 0; i < dev->data->nb_rx_queues; i++)
		dev->data->rx_queue_state[i] = state;
	for (i = 0; i < dev->data->nb_tx_queues; i++)
		dev->data->tx_queue_state[i] = state;
}

static int
avp_dev_start_locked(struct rte_eth_dev *dev)
{
	struct avp_dev *avp = AVP_DEV(dev);
	int ret;

	if (avp->detached & AVP_BLOCK_DETACHED) {
		PMD_DRV_LOG(ERR, "port %u: cannot start while detached",
			dev->data->port_id);
		return -EBUSY;
	}
	if (!avp->configured) {
		PMD_DRV_LOG(ERR, "port %u: not configured", dev->data->port_id);
		return -EINVAL;
	}
	ret = avp_select_paths(dev, 1);
	if (ret != 0)
		return ret;
	avp_queues_refresh(dev);
	avp_mtu_tell_host(avp, "start");

	ret = avp_ctrl_set_link(avp, 1);
	if (ret != 0)
		return ret;	/* the control channel said why */
	avp->started = 1;
	avp_queues_start(dev);
	avp_dp_unblock(avp, AVP_BLOCK_STOPPED);
	avp_set_link(avp, 1);
	return 0;
}

static int
avp_dev_start(struct rte_eth_dev *dev)
{
	return avp_locked(dev, avp_dev_start_locked);
}

static int
avp_dev_stop_locked(struct rte_eth_dev *dev)
{
	struct avp_dev *avp = AVP_DEV(dev);
	int ret;

	avp_dp_block(avp, AVP_BLOCK_STOPPED);
	avp->started = 0;
	avp_set_link(avp, 0);
	avp_queue_states(dev, RTE_ETH_QUEUE_STATE_STOPPED);
	if (avp->detached & AVP_BLOCK_DETACHED)
		return 0;	/* the host holds no link state for us */
	ret = avp_ctrl_set_link(avp, 0);
	if (ret != 0)
		PMD_DRV_LOG(WARNING,
			"port %u: stopped, but the host did not take link down (%d)",
			dev->data->port_id, ret);
	return 0;
}

static int
avp_dev_stop(struct rte_eth_dev *dev)
{
	return avp_locked(dev, avp_dev_stop_locked);
}

static int
avp_dev_set_link_locked(struct rte_eth_dev *dev, int up)
{
	struct avp_dev *avp = AVP_DEV(dev);
	int ret;

	if (!avp->started) {
		PMD_DRV_LOG(ERR, "port %u: link %s needs a started port",
			dev->data->port_id, up ? "up" : "down");
		return -EINVAL;
	}
	if (avp->detached & AVP_BLOCK_DETACHED) {
		PMD_DRV_LOG(ERR, "port %u: detached", dev->data->port_id);
		return -EBUSY;
	}
	ret = avp_ctrl_set_link(avp, up);
	if (ret != 0)
		return ret;
	avp_set_link(avp, up);
	return 0;
}

static int
avp_dev_set_link(struct rte_eth_dev *dev, int up)
{
	struct avp_dev *avp = AVP_DEV(dev);
	int ret;

	avp_port_lock(avp);
	ret = avp_dev_set_link_locked(dev, up);
	avp_port_unlock(avp);
	return ret;
}

static int
avp_dev_set_link_up(struct rte_eth_dev *dev)
{
	return avp_dev_set_link(dev, 1);
}

static int
avp_dev_set_link_down(struct rte_eth_dev *dev)
{
	return avp_dev_set_link(dev, 0);
}

static int
avp_dev_close(struct rte_eth_dev *dev)
{
	struct avp_dev *avp = AVP_DEV(dev);
	unsigned int i;
	int ret;

	if (rte_eal_process_type() != RTE_PROC_PRIMARY || avp->closed)
		return 0;
	avp_port_lock(avp);
	if (avp->started)
		avp_dev_stop_locked(dev);
	avp_dp_block(avp, AVP_BLOCK_STOPPED);

	/* No interrupt, and then no migration event, after this. */
	if (avp->regs != NULL)
		avp->regs->irq_mask = AVP_IRQ_MASK_NONE;
	if (avp->intr_handle != NULL) {
		rte_intr_disable(avp->intr_handle);
		avp_intr_unregister(avp);
	}
	if (!(avp->detached & AVP_BLOCK_DETACHED)) {
		ret = avp_ctrl_shutdown(avp);
		if (ret != 0)
			PMD_DRV_LOG(WARNING, "port %u: SHUTDOWN failed (%d)",
				dev->data->port_id, ret);
	}
	for (i = 0; i < dev->data->nb_rx_queues; i++)
		avp_rx_queue_release_locked(dev, i);
	for (i = 0; i < dev->data->nb_tx_queues; i++)
		avp_tx_queue_release_locked(dev, i);
	avp->configured = 0;
	avp->closed = 1;
	avp_port_unlock(avp);
	/* The worker sees closed and ends after the event it handles. */
	avp_mig_uninit(avp);
	/* No operation and no migration event reach the port after this. */
	avp_port_lock_fini(avp);
	if (avp->transport_release != NULL)
		avp->transport_release(avp);
	avp->transport_release = NULL;
	avp_ctrl_uninit(avp);
	return 0;
}

static int
avp_link_update(struct rte_eth_dev *dev, int wait_to_complete __rte_unused)
{
	struct avp_dev *avp = AVP_DEV(dev);
	int ret;

	/* The migration thread changes the link under the lock. */
	avp_port_lock(avp);
	ret = avp_link_publish(avp);
	avp_port_unlock(avp);
	return ret;
}

/* Promiscuous and all-multicast: the filter of every receive queue. */
static int
avp_rx_modes_set(struct rte_eth_dev *dev, int promisc, int allmulti)
{
	struct avp_dev *avp = AVP_DEV(dev);

	avp_port_lock(avp);
	avp_filter_update(dev, promisc, allmulti);
	avp_port_unlock(avp);
	return 0;
}

static int
avp_promiscuous_enable(struct rte_eth_dev *dev)
{
	return avp_rx_modes_set(dev, 1, dev->data->all_multicast);
}

static int
avp_promiscuous_disable(struct rte_eth_dev *dev)
{
	return avp_rx_modes_set(dev, 0, dev->data->all_multicast);
}

static int
avp_allmulticast_enable(struct rte_eth_dev *dev)
{
	return avp_rx_modes_set(dev, dev->data->promiscuous, 1);
}

static int
avp_allmulticast_disable(struct rte_eth_dev *dev)
{
	return avp_rx_modes_set(dev, dev->data->promiscuous, 0);
}

static int
avp_set_mc_addr_list_locked(struct rte_eth_dev *dev,
		struct rte_ether_addr *mc, uint32_t nb)
{
	struct avp_dev *avp = AVP_DEV(dev);
	uint32_t i;
	int ret;

	if (nb > AVP_MC_ADDRS_MAX) {
		PMD_DRV_LOG(ERR, "port %u: %u multicast addresses, at most %u",
			dev->data->port_id, nb, AVP_MC_ADDRS_MAX);
		return -EINVAL;
	}
	for (i = 0; i < nb; i++) {
		if (!rte_is_multicast_ether_addr(&mc[i])) {
			PMD_DRV_LOG(ERR, "port %u: " RTE_ETHER_ADDR_PRT_FMT " is not a multicast address",
				dev->data->port_id,
				RTE_ETHER_ADDR_BYTES(&mc[i]));
			return -EINVAL;
		}
	}
	/* Receive bursts read the list: none runs while it changes. */
	ret = avp_dp_block(avp, AVP_BLOCK_RECONFIG);
	if (ret == 0) {
		if (nb != 0)
			memcpy(avp->mc_addrs, mc, nb * sizeof(*mc));
		avp->nb_mc_addrs = nb;
	}
	avp_dp_unblock(avp, AVP_BLOCK_RECONFIG);
	return ret;
}

static int
avp_set_mc_addr_list(struct rte_eth_dev *dev, struct rte_ether_addr *mc,
		uint32_t nb)
{
	struct avp_dev *avp = AVP_DEV(dev);
	int ret;

	avp_port_lock(avp);
	ret = avp_set_mc_addr_list_locked(dev, mc, nb);
	avp_port_unlock(avp);
	return ret;
}

static int
avp_mac_addr_set(struct rte_eth_dev *dev, struct rte_ether_addr *addr)
{
	struct avp_dev *avp = AVP_DEV(dev);

	if (rte_is_same_ether_addr(addr, &avp->mac))
		return 0;
	PMD_DRV_LOG(ERR,
		"port %u: the MAC address is the host's " RTE_ETHER_ADDR_PRT_FMT " and cannot change",
		dev->data->port_id, RTE_ETHER_ADDR_BYTES(&avp->mac));
	return -ENOTSUP;
}

static int
avp_mtu_set_locked(struct rte_eth_dev *dev, uint16_t mtu)
{
	struct avp_dev *avp = AVP_DEV(dev);
	uint32_t max_mtu = avp->max_frame - AVP_FRAME_OVERHEAD;
	uint32_t frame = avp_frame_size(avp, mtu);
	unsigned int i;
	int ret;

	if (mtu < RTE_ETHER_MIN_MTU || mtu > max_mtu) {
		PMD_DRV_LOG(ERR, "port %u: MTU %u out of range %u..%u",
			dev->data->port_id, mtu, RTE_ETHER_MIN_MTU, max_mtu);
		return -EINVAL;
	}
	if (avp->detached & AVP_BLOCK_DETACHED) {
		PMD_DRV_LOG(ERR, "port %u: cannot set MTU while detached",
			dev->data->port_id);
		return -EBUSY;
	}
	if (!avp->started) {
		ret = avp_ctrl_set_mtu(avp, mtu);	/* and again at start */
		if (ret == 0)
			avp->mtu = mtu;
		return ret;
	}

	for (i = 0; i < avp->nb_rxq; i++) {
		struct avp_rx_queue *q = avp->rxq[i];

		if (q != NULL && (frame > q->max_len ||
				  (!q->scatter && frame > q->data_room))) {
			PMD_DRV_LOG(ERR,
				"port %u: MTU %u needs %u-byte frames; rxq %u takes %u now: stop the port first",
				dev->data->port_id, mtu, frame, i,
				RTE_MIN(q->max_len, (uint32_t)q->data_room));
			return -EBUSY;
		}
	}
	/*
	 * No frame of the old MTU may reach the host after it takes the
	 * new one: transmit is held while the limits and the host change.
	 */
	ret = avp_dp_block(avp, AVP_BLOCK_RECONFIG);
	if (ret == 0) {
		avp_tx_limits(avp, mtu);
		ret = avp_ctrl_set_mtu(avp, mtu);
		if (ret == 0)
			avp->mtu = mtu;
		else
			avp_tx_limits(avp, avp->mtu);
	}
	avp_dp_unblock(avp, AVP_BLOCK_RECONFIG);
	return ret;
}

static int
avp_mtu_set(struct rte_eth_dev *dev, uint16_t mtu)
{
	struct avp_dev *avp = AVP_DEV(dev);
	int ret;

	avp_port_lock(avp);
	ret = avp_mtu_set_locked(dev, mtu);
	avp_port_unlock(avp);
	return ret;
}

static int
avp_vlan_offload_set_locked(struct rte_eth_dev *dev, int mask)
{
	struct avp_dev *avp = AVP_DEV(dev);
	uint64_t off = dev->data->dev_conf.rxmode.offloads;
	uint32_t features;
	int ret, blocked = 0;

	if (off & (RTE_ETH_RX_OFFLOAD_VLAN_FILTER |
		   RTE_ETH_RX_OFFLOAD_VLAN_EXTEND)) {
		PMD_DRV_LOG(ERR, "port %u: only VLAN strip can be changed",
			dev->data->port_id);
		return -ENOTSUP;
	}
	if (!(mask & RTE_ETH_VLAN_STRIP_MASK))
		return 0;
	if ((off & RTE_ETH_RX_OFFLOAD_VLAN_STRIP) &&
	    !(avp->host_features & AVP_FEAT_VLAN_OFFLOAD)) {
		PMD_DRV_LOG(ERR, "port %u: the host offers no VLAN offload",
			dev->data->port_id);
		return -ENOTSUP;
	}
	features = avp_features(avp, off);
	if (!avp->configured || features == avp->neg_features) {
		avp->neg_features = features;
		avp->rx_offloads = off;
		return 0;
	}
	if (avp->detached & AVP_BLOCK_DETACHED) {
		PMD_DRV_LOG(ERR, "port %u: cannot change VLAN offload while detached",
			dev->data->port_id);
		return -EBUSY;
	}
	/* The host may reset the data rings on CONFIGURE: no burst inside. */
	if (avp->started) {
		ret = avp_dp_block(avp, AVP_BLOCK_RECONFIG);
		if (ret != 0) {
			avp_dp_unblock(avp, AVP_BLOCK_RECONFIG);
			return ret;
		}
		blocked = 1;
	}
	ret = avp_ctrl_configure(avp, dev->data->nb_tx_queues,
			avp->nb_rx_rings, features, avp->started);
	if (blocked)
		avp_dp_unblock(avp, AVP_BLOCK_RECONFIG);
	if (ret != 0)
		return ret;	/* the control channel said why */
	avp->neg_features = features;
	avp->rx_offloads = off;
	return 0;
}

static int
avp_vlan_offload_set(struct rte_eth_dev *dev, int mask)
{
	struct avp_dev *avp = AVP_DEV(dev);
	int ret;

	avp_port_lock(avp);
	ret = avp_vlan_offload_set_locked(dev, mask);
	avp_port_unlock(avp);
	return ret;
}

static void
avp_rxq_info_get(struct rte_eth_dev *dev, uint16_t qid,
		struct rte_eth_rxq_info *qinfo)
{
	const struct avp_rx_queue *q = dev->data->rx_queues[qid];
	struct avp_dev *avp = AVP_DEV(dev);

	qinfo->mp = q->pool;
	qinfo->nb_desc = q->nb_desc;
	qinfo->rx_buf_size = q->data_room;
	qinfo->conf.offloads = q->offloads;
	qinfo->conf.rx_drop_en = 1;
	qinfo->conf.rx_deferred_start = q->deferred;
	/* a migration may choose the path and restart queues meanwhile */
	avp_port_lock(avp);
	qinfo->scattered_rx = avp->rx_scattered;
	qinfo->queue_state = dev->data->rx_queue_state[qid];
	avp_port_unlock(avp);
}

static void
avp_txq_info_get(struct rte_eth_dev *dev, uint16_t qid,
		struct rte_eth_txq_info *qinfo)
{
	const struct avp_tx_queue *q = dev->data->tx_queues[qid];
	struct avp_dev *avp = AVP_DEV(dev);

	qinfo->nb_desc = q->nb_desc;
	qinfo->conf.offloads = q->offloads;
	qinfo->conf.tx_deferred_start = q->deferred;
	avp_port_lock(avp);
	qinfo->queue_state = dev->data->tx_queue_state[qid];
	avp_port_unlock(avp);
}

static int
avp_fw_version_get(struct rte_eth_dev *dev, char *fw, size_t fw_size)
{
	uint32_t v = AVP_DEV(dev)->info.version;
	int ret;

	ret = snprintf(fw, fw_size, "AVP host ABI %u.%u.%u",
		AVP_VERSION_RELEASE(v), AVP_VERSION_MAJOR(v),
		AVP_VERSION_MINOR(v));
	if (ret < 0)
		return -EINVAL;
	ret += 1;	/* with the terminating NUL */
	if (fw_size < (size_t)ret)
		return ret;
	return 0;
}

const struct eth_dev_ops avp_eth_dev_ops = {
	.dev_configure = avp_dev_configure,
	.dev_infos_get = avp_dev_infos_get,
	.dev_start = avp_dev_start,
	.dev_stop = avp_dev_stop,
	.dev_set_link_up = avp_dev_set_link_up,
	.dev_set_link_down = avp_dev_set_link_down,
	.dev_close = avp_dev_close,
	.link_update = avp_link_update,
	.promiscuous_enable = avp_promiscuous_enable,
	.promiscuous_disable = avp_promiscuous_disable,
	.allmulticast_enable = avp_allmulticast_enable,
	.allmulticast_disable = avp_allmulticast_disable,
	.mac_addr_set = avp_mac_addr_set,
	.set_mc_addr_list = avp_set_mc_addr_list,
	.mtu_set = avp_mtu_set,
	.vlan_offload_set = avp_vlan_offload_set,
	.stats_get = avp_stats_get,
	.stats_reset = avp_stats_reset,
	.xstats_get = avp_xstats_get,
	.xstats_get_names = avp_xstats_get_names,
	.xstats_reset = avp_stats_reset,
	.rx_queue_setup = avp_rx_queue_setup,
	.rx_queue_release = avp_rx_queue_release,
	.tx_queue_setup = avp_tx_queue_setup,
	.tx_queue_release = avp_tx_queue_release,
	.rxq_info_get = avp_rxq_info_get,
	.txq_info_get = avp_txq_info_get,
	.rx_queue_start = avp_rx_queue_start,
	.rx_queue_stop = avp_rx_queue_stop,
	.tx_queue_start = avp_tx_queue_start,
	.tx_queue_stop = avp_tx_queue_stop,
	.tx_done_cleanup = avp_tx_done_cleanup,
	.get_monitor_addr = avp_get_monitor_addr,
	.rx_burst_mode_get = avp_rx_burst_mode_get,
	.tx_burst_mode_get = avp_tx_burst_mode_get,
	.fw_version_get = avp_fw_version_get,
};

/*
 * rte_kvargs_process() handler of the devarg announce=0|1, for both
 * transports: whether the port announces itself after a migration.
 */
int
avp_devarg_announce(const char *key, const char *value, void *announce)
{
	if (value == NULL || (strcmp(value, "0") != 0 &&
			      strcmp(value, "1") != 0)) {
		PMD_INIT_LOG(ERR, "devarg %s=%s invalid: 0 or 1", key,
			value == NULL ? "" : value);
		return -EINVAL;
	}
	*(uint8_t *)announce = value[0] == '1';
	return 0;
}

/*
 * Common probe: bar[] located by the transport, intr_handle the device's
 * interrupt source. Returns 0 or a negative errno after one log line; on
 * failure nothing is left registered.
 */
int
avp_ethdev_init(struct rte_eth_dev *eth_dev,
		const struct avp_bar bar[AVP_BAR_COUNT],
		struct rte_intr_handle *intr_handle)
{
	struct avp_dev *avp = AVP_DEV(eth_dev);
	struct avp_regs *regs;
	int ret;

	if (rte_eal_process_type() != RTE_PROC_PRIMARY)
		return avp_mp_secondary_init(eth_dev);
	avp_burst_owner_init();
	avp->eth_dev = eth_dev;
	memcpy(avp->bar, bar, sizeof(avp->bar));
	ret = avp_dev_check_bars(avp->bar);
	if (ret != 0)
		return ret;

	regs = bar[AVP_BAR_REGS].addr;
	if (regs->mig_status == AVP_MIG_DETACHED) {
		regs->mig_ack = AVP_MIG_DETACHED;
		PMD_INIT_LOG(ERR, "%s: mig_status 1: device is detached for a migration",
			eth_dev->data->name);
		return -EBUSY;
	}
	ret = avp_dev_attach(avp);
	if (ret != 0)
		return ret;
	ret = avp_port_lock_init(avp);
	if (ret != 0)
		return ret;
	ret = avp_ctrl_init(avp);
	if (ret != 0) {
		avp_port_lock_fini(avp);
		return ret;
	}
	ret = avp_mig_init(avp);
	if (ret != 0) {
		avp_ctrl_uninit(avp);
		avp_port_lock_fini(avp);
		return ret;
	}

	eth_dev->data->mac_addrs = rte_zmalloc("avp_mac", RTE_ETHER_ADDR_LEN,
			0);
	if (eth_dev->data->mac_addrs == NULL) {
		PMD_INIT_LOG(ERR, "%s: no memory for the MAC address",
			eth_dev->data->name);
		ret = -ENOMEM;
		goto fail;
	}
	rte_ether_addr_copy(&avp->mac, eth_dev->data->mac_addrs);
	eth_dev->dev_ops = &avp_eth_dev_ops;
	eth_dev->data->dev_flags |= RTE_ETH_DEV_INTR_RMV | RTE_ETH_DEV_INTR_LSC;
	eth_dev->data->mtu = RTE_MIN((uint32_t)RTE_ETHER_MTU,
			avp->max_frame - AVP_FRAME_OVERHEAD);
	avp->mtu = eth_dev->data->mtu;
	/* All-multicast on, as applications of the old driver expect. */
	eth_dev->data->all_multicast = 1;
	avp->filter = AVP_FILTER_MULTICAST;
	avp->detached = AVP_BLOCK_STOPPED;

	avp->intr_handle = intr_handle;
	if (intr_handle != NULL) {
		ret = rte_intr_callback_register(intr_handle, avp_intr_handler,
				eth_dev);
		if (ret != 0) {
			PMD_INIT_LOG(ERR, "%s: interrupt callback: %d",
				eth_dev->data->name, ret);
			goto fail;
		}
		avp->intr_registered = 1;
		ret = rte_intr_enable(intr_handle);
		if (ret != 0) {
			PMD_INIT_LOG(ERR, "%s: enabling interrupts: %d",
				eth_dev->data->name, ret);
			avp_intr_unregister(avp);
			goto fail;
		}
	}
	regs->irq_mask = AVP_IRQ_MASK_ALL;
	eth_dev->intr_handle = intr_handle;

	PMD_INIT_LOG(INFO, "%s: port %u, MAC " RTE_ETHER_ADDR_PRT_FMT ", host ABI 0x%08x, %u rx / %u tx queues",
		eth_dev->data->name, eth_dev->data->port_id,
		RTE_ETHER_ADDR_BYTES(&avp->mac), avp->info.version,
		avp->max_rx_queues, avp->max_tx_queues);
	return 0;
fail:
	avp_mig_uninit(avp);
	avp_ctrl_uninit(avp);
	avp_port_lock_fini(avp);
	return ret;
}

int
avp_ethdev_uninit(struct rte_eth_dev *eth_dev)
{
	if (rte_eal_process_type() != RTE_PROC_PRIMARY)
		return 0;
	return avp_dev_close(eth_dev);
}
