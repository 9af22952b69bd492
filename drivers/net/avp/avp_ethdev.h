/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The AVP PMD authors
 */

/*
 * Private structures of the AVP poll mode driver. Everything above the
 * transport (PCI or emulator socket) works on struct avp_dev once the BARs
 * have been located.
 */

#ifndef AVP_ETHDEV_H
#define AVP_ETHDEV_H

#include <pthread.h>
#include <stdint.h>

#include <ethdev_driver.h>
#include <rte_ether.h>
#include <rte_reciprocal.h>

#include "avp_abi.h"
#include "avp_compat.h"
#include "avp_wait.h"

/* Packets handled per internal sub-burst (any application burst works). */
#define AVP_BURST_MAX		64
/* mbufs allocated at once by a scattered receive sub-burst. */
#define AVP_RX_MBUF_MAX		512
/* Smallest mbuf data room (after headroom) and host buffer accepted. */
#define AVP_MIN_BUF_SIZE	64
/* Extra bytes allowed on top of MTU + 18 when sizing the receive path. */
#define AVP_VLAN_TAG_LEN	4

/* Control channel timing. */
#define AVP_CTRL_TIMEOUT_MS	500	/* one request, send to reply */
#define AVP_CTRL_QUIET_MS	1000	/* unanswered area not reused before */
/* Bounded wait for data path threads to leave their bursts. */
#define AVP_QUIESCE_TIMEOUT_MS	1000

/* Reasons the data path is kept out of shared memory (avp->detached). */
#define AVP_BLOCK_MIGRATION	0x1	/* host asked us to detach */
#define AVP_BLOCK_RECONFIG	0x2	/* CONFIGURE while started */
#define AVP_BLOCK_STOPPED	0x4	/* port stopped or closed */
#define AVP_BLOCK_UNPLUGGED	0x8	/* host removed the port */
#define AVP_BLOCK_RELEASING	0x10	/* host asked to release the port */
#define AVP_BLOCK_DETACHED	(AVP_BLOCK_MIGRATION | AVP_BLOCK_UNPLUGGED)

/* Software receive filter (what a frame needs to be accepted). */
#define AVP_FILTER_NONE		0	/* promiscuous: everything */
#define AVP_FILTER_UNICAST	1	/* own MAC, broadcast, listed groups */
#define AVP_FILTER_MULTICAST	2	/* own MAC and every group address */

/* Multicast groups set_mc_addr_list takes (see avp.rst). */
#define AVP_MC_ADDRS_MAX	64

/* A ring in shared memory, with its size snapshotted at attach. */
struct avp_shring {
	struct avp_ring *ring;
	uint32_t mask;		/* nslots - 1 */
};

/*
 * Host buffer addresses (HVAs) to guest addresses, with bounds: an HVA h
 * is valid for an object of n bytes when h - va <= len - n (unsigned).
 */
struct avp_bufview {
	uint64_t va;		/* buf_region_va */
	uint8_t *base;		/* buf_region_pa, translated */
	uint64_t len;		/* bytes of the region reachable */
};

struct avp_rxq_stats {
	uint64_t packets;
	uint64_t bytes;
	uint64_t filtered;	/* dropped by the software MAC filter */
	uint64_t invalid;	/* dropped: bad host descriptor or chain */
	uint64_t nombuf;	/* dropped: mbuf allocation failed */
	uint64_t oversize;	/* dropped: frame too large for this queue */
	uint64_t stopped;	/* dropped: waited while the queue was stopped */
};

struct avp_txq_stats {
	uint64_t packets;
	uint64_t bytes;
	uint64_t ring_full;	/* not accepted: no host buffer or tx slot */
	uint64_t oversize;	/* dropped: frame too large */
	uint64_t invalid;	/* bad host buffers skipped from alloc */
	uint64_t detached;	/* not accepted: device detached */
	uint64_t stopped;	/* not accepted: queue stopped */
};

/* Migration events, reported as xstats. */
struct avp_mig_stats {
	uint64_t detaches;		/* DETACHED acknowledged */
	uint64_t attaches;		/* ATTACHED acknowledged */
	uint64_t errors;		/* ERROR acknowledged */
	uint64_t announces;		/* RARP frames sent after attach */
};

struct avp_dev;

struct __rte_cache_aligned avp_rx_queue {
	/* Hot: touched by every burst. */
	RTE_ATOMIC(uint32_t) in_burst;	/* 1 while inside a burst */
	RTE_ATOMIC(uint32_t) stopped;	/* queue stopped: bursts return 0 */
	uint8_t filter;			/* AVP_FILTER_* */
	uint8_t scatter;		/* frames may take mbuf chains */
	uint8_t first;			/* first host ring serviced */
	uint8_t nrings;			/* host rings serviced */
	uint8_t cur;			/* ring to start the next burst at */
	uint16_t port_id;
	uint16_t data_room;		/* mbuf bytes after headroom */
	uint32_t max_len;		/* longer frames are oversize */
	uint32_t buf_size;		/* host buffer data size */
	const RTE_ATOMIC(uint32_t) *detached;
	struct rte_mempool *pool;
	struct avp_bufview buf;
	struct rte_reciprocal recip;	/* divides by data_room */
	uint8_t mac[RTE_ETHER_ADDR_LEN];
	struct avp_rxq_stats stats;
	/* Host rings by ring index (only [first, first + nrings)). */
	struct avp_shring rx[AVP_MAX_QUEUES];
	struct avp_shring free[AVP_MAX_QUEUES];
	/* Cold. */
	struct avp_dev *avp;
	struct avp_rxq_stats base;	/* values at the last reset */
	uint16_t queue_id;
	uint16_t nb_desc;
	uint64_t offloads;
	uint8_t deferred;		/* rx_deferred_start */
	uint8_t mon_refused;		/* get_monitor_addr refused last time */
};

struct __rte_cache_aligned avp_tx_queue {
	RTE_ATOMIC(uint32_t) in_burst;
	RTE_ATOMIC(uint32_t) stopped;	/* queue stopped: bursts return 0 */
	uint8_t vlan_insert;		/* VLAN_INSERT offload enabled */
	uint16_t port_id;
	uint32_t buf_size;		/* host buffer data size */
	uint32_t max_len;		/* longer frames are oversize */
	const RTE_ATOMIC(uint32_t) *detached;
	struct avp_bufview buf;
	struct rte_reciprocal recip;	/* divides by buf_size */
	struct avp_shring tx;
	struct avp_shring alloc;
	struct avp_txq_stats stats;
	/* Cold. */
	struct avp_dev *avp;
	struct avp_txq_stats base;
	uint16_t queue_id;
	uint16_t nb_desc;
	uint64_t offloads;
	uint8_t deferred;		/* tx_deferred_start */
};

/* A BAR as located by the transport. */
struct avp_bar {
	void *addr;
	uint64_t len;
};

struct avp_dev {
	struct rte_eth_dev *eth_dev;
	struct avp_bar bar[AVP_BAR_COUNT];
	struct avp_regs *regs;

	/* Validated copy of BAR 5 and what was derived from it. */
	struct avp_devinfo info;
	struct avp_shring tx_ring[AVP_MAX_QUEUES];
	struct avp_shring alloc_ring[AVP_MAX_QUEUES];
	struct avp_shring rx_ring[AVP_MAX_QUEUES];
	struct avp_shring free_ring[AVP_MAX_QUEUES];
	struct avp_shring req_ring;
	struct avp_shring resp_ring;
	struct avp_ctrl_msg *ctrl;
	struct avp_bufview buf;
	uint32_t buf_size;		/* host buffer data size */
	uint32_t max_frame;		/* the host's longest frame, <= 9238 */
	uint8_t max_rx_queues;
	uint8_t max_tx_queues;
	uint8_t min_rx_queues;
	uint8_t nb_rx_rings;		/* receive rings of the last CONFIGURE */
	uint32_t host_features;
	uint32_t neg_features;		/* sent in CONFIGURE */
	struct rte_ether_addr mac;
	/*
	 * What the port was last configured with, copied under the port lock
	 * by configure, mtu_set and vlan_offload_set. The port's thread
	 * (migration) reads these, never dev->data->dev_conf or mtu, which
	 * ethdev writes before the operation takes the lock.
	 */
	uint64_t rx_offloads;
	uint64_t tx_offloads;
	uint16_t mtu;
	uint8_t lsc_intr;		/* intr_conf.lsc */

	/* State. */
	RTE_ATOMIC(uint32_t) detached;	/* data path must not touch rings */
	uint8_t configured;
	uint8_t started;
	uint8_t link_up;
	uint8_t closed;
	uint8_t rx_scattered;		/* chosen at start */
	uint8_t rx_scatter_implicit;	/* without the SCATTER offload */
	uint8_t tx_scattered;
	uint8_t filter;			/* AVP_FILTER_* */
	/*
	 * Multicast groups accepted with AVP_FILTER_UNICAST; changed only
	 * while no receive burst runs.
	 */
	uint32_t nb_mc_addrs;
	struct rte_ether_addr mc_addrs[AVP_MC_ADDRS_MAX];
	uint8_t unplugged;		/* the host removed the port */

	/* Control channel. */
	pthread_mutex_t ctrl_lock;
	int ctrl_stale;			/* a request went unanswered */
	uint64_t ctrl_sent_tsc;		/* when it was sent */
	uint64_t ctrl_stale_replies;
	uint64_t ctrl_errors;
	uint64_t ctrl_stale_base;	/* values at the last stats reset */
	uint64_t ctrl_errors_base;

	/* Interrupts. */
	struct rte_intr_handle *intr_handle;
	int intr_registered;
	uint32_t unexpected_irq_logged;

	/* Transport: releases what the transport set up. */
	void (*transport_release)(struct avp_dev *avp);
	void *transport_priv;

	/*
	 * dev_lock (avp_port.c) serialises every control operation with the
	 * migration worker (avp_intr.c), from probe to close; lock order is
	 * dev_lock, then ctrl_lock. The interrupt callback only counts the
	 * event under mig_mtx and wakes the worker.
	 */
	pthread_mutex_t dev_lock;
	pthread_mutex_t mig_mtx;
	pthread_cond_t mig_cond;
	avp_thread_t mig_thread;
	uint32_t mig_pending;		/* migration interrupts not handled */
	uint8_t mig_stop;		/* worker must exit */
	uint8_t mig_thread_ok;
	uint8_t announce;		/* devarg announce: RARP after attach */
	struct avp_mig_stats mig;
	struct avp_mig_stats mig_base;	/* values at the last reset */
	/*
	 * The queues as this driver set them up, changed under dev_lock
	 * only (ethdev may free or resize its own arrays while a failed
	 * configure rolls back, without any driver lock).
	 */
	struct avp_rx_queue *rxq[AVP_MAX_QUEUES];
	struct avp_tx_queue *txq[AVP_MAX_QUEUES];
	uint16_t nb_rxq;		/* at the last successful configure */
	uint16_t nb_txq;
};

#define AVP_DEV(eth_dev) ((struct avp_dev *)(eth_dev)->data->dev_private)

/* avp_dev.c: BAR view, validation, translation, queue mapping. */
int avp_dev_check_bars(const struct avp_bar bar[AVP_BAR_COUNT]);
int avp_dev_attach(struct avp_dev *avp);
void avp_dev_queue_map(unsigned int nb_rings, unsigned int nb_queues,
		unsigned int queue, uint8_t *first, uint8_t *count);
/* A private copy of BAR 4, taken once per attach (free e when done). */
struct avp_map {
	uint32_t count;
	const struct avp_memmap_entry *e;	/* copy, count entries */
	uint64_t *start;			/* each region's start inside BAR 2 */
	uint8_t *shmem;
};
int avp_map_load(struct avp_dev *avp, struct avp_map *map);
void *avp_map_translate(const struct avp_map *map, uint64_t pa,
		uint64_t size);
uint32_t avp_dev_ring_capacity(const struct avp_shring *r, unsigned int n);

/* avp_ctrl.c: control channel. */
int avp_ctrl_init(struct avp_dev *avp);
void avp_ctrl_uninit(struct avp_dev *avp);
int avp_ctrl_configure(struct avp_dev *avp, uint16_t tx_queues,
		uint16_t rx_queues, uint32_t features, uint8_t link_up);
int avp_ctrl_set_link(struct avp_dev *avp, uint8_t up);
int avp_ctrl_set_mtu(struct avp_dev *avp, uint32_t mtu);
int avp_ctrl_shutdown(struct avp_dev *avp);

/* avp_ethdev.c: common probe/remove used by both transports. */
int avp_ethdev_init(struct rte_eth_dev *eth_dev,
		const struct avp_bar bar[AVP_BAR_COUNT],
		struct rte_intr_handle *intr_handle);
int avp_ethdev_uninit(struct rte_eth_dev *eth_dev);
/* Devarg announce=0|1, for both transports (rte_kvargs_process()). */
#define AVP_DEVARG_ANNOUNCE	"announce"
int avp_devarg_announce(const char *key, const char *value, void *announce);

/* avp_port.c: port state, under the ethdev operations and migration. */
int avp_port_lock_init(struct avp_dev *avp);
void avp_port_lock_fini(struct avp_dev *avp);
void avp_port_lock(struct avp_dev *avp);
void avp_port_unlock(struct avp_dev *avp);
int avp_burst_wait_out(RTE_ATOMIC(uint32_t) *in_burst, struct avp_wait *w);
int avp_dp_block(struct avp_dev *avp, uint32_t reason);
void avp_dp_unblock(struct avp_dev *avp, uint32_t reason);
int avp_link_publish(struct avp_dev *avp);
void avp_set_link(struct avp_dev *avp, int up);
void avp_filter_update(struct rte_eth_dev *dev, int promisc, int allmulti);
uint32_t avp_frame_size(const struct avp_dev *avp, uint16_t mtu);
void avp_tx_limits(struct avp_dev *avp, uint16_t mtu);
int avp_select_paths(struct rte_eth_dev *dev, int strict);
void avp_queues_refresh(struct rte_eth_dev *dev);
int avp_mtu_tell_host(struct avp_dev *avp, const char *when);
void avp_port_removed(struct avp_dev *avp, uint32_t reason);
int avp_send_announce(struct avp_dev *avp);

/* avp_intr.c: device interrupt and live migration. */
void avp_intr_handler(void *arg);
void avp_intr_callback_remove(struct rte_intr_handle *handle,
		rte_intr_callback_fn cb, void *arg);
void avp_intr_unregister(struct avp_dev *avp);
int avp_mig_init(struct avp_dev *avp);
void avp_mig_uninit(struct avp_dev *avp);


/* avp_ethdev.c: the operations, for the secondary's copy. */
extern const struct eth_dev_ops avp_eth_dev_ops;

/* avp_mp.c: secondary processes. */
struct avp_mp_local {
	void *map;		/* this process's mapping of the memfd */
	size_t len;
};
/* Who is inside a burst (in_burst): this process's id. */
extern uint32_t avp_burst_owner;
void avp_burst_owner_init(void);
int avp_burst_running(RTE_ATOMIC(uint32_t) *in_burst);
int avp_mp_primary_init(void);
int avp_mp_map_memfd(const char *name, void **map, size_t *len);
int avp_mp_secondary_init(struct rte_eth_dev *eth_dev);
void avp_mp_secondary_release(struct rte_eth_dev *eth_dev);
/* avp_vdev.c: the memfd of an emulator-attached port, -1 for others. */
int avp_vdev_memfd(const struct avp_dev *avp, uint64_t *va, uint64_t *len);

/* avp_stats.c: basic and extended statistics. */
int avp_stats_get(AVP_STATS_GET_ARGS);
int avp_stats_reset(struct rte_eth_dev *dev);
int avp_xstats_get_names(struct rte_eth_dev *dev,
		struct rte_eth_xstat_name *names, unsigned int size);
int avp_xstats_get(struct rte_eth_dev *dev, struct rte_eth_xstat *xs,
		unsigned int size);

/* avp_rxtx.c: burst modes, receive queue discard (bursts: avp_vec.h). */
int avp_rx_burst_mode_get(struct rte_eth_dev *dev, uint16_t queue_id,
		struct rte_eth_burst_mode *mode);
int avp_tx_burst_mode_get(struct rte_eth_dev *dev, uint16_t queue_id,
		struct rte_eth_burst_mode *mode);
int avp_rx_queue_discard(struct avp_rx_queue *rxq, struct avp_wait *w);

/* avp_queue.c: queue start and stop, descriptor status, power monitor. */
int avp_rx_queue_start(struct rte_eth_dev *dev, uint16_t qid);
int avp_rx_queue_stop(struct rte_eth_dev *dev, uint16_t qid);
int avp_tx_queue_start(struct rte_eth_dev *dev, uint16_t qid);
int avp_tx_queue_stop(struct rte_eth_dev *dev, uint16_t qid);
void avp_queues_start(struct rte_eth_dev *dev);
void avp_queue_fast_ops(struct rte_eth_dev *dev);
int avp_tx_done_cleanup(void *txq, uint32_t free_cnt);
int avp_get_monitor_addr(void *rxq, struct rte_power_monitor_cond *pmc);

#endif /* AVP_ETHDEV_H */
