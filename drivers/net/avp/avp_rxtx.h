/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The AVP PMD authors
 */

/*
 * What the burst functions share: entering and leaving a burst, opening
 * and publishing the host rings of a queue, and the general loops
 * (avp_rxtx.c) that the tight loops of every instruction set
 * (avp_rxtx_vec.h) leave the rest of a burst to.
 */

#ifndef AVP_RXTX_H
#define AVP_RXTX_H

#include <stdint.h>
#include <string.h>

#include <rte_common.h>
#include <rte_mbuf.h>

#include "avp_ethdev.h"
#include "avp_logs.h"
#include "avp_shm.h"

/*
 * Enters a burst unless the port is detached or the queue stopped (Dekker
 * pairing with the control side). stopped sits on the cache line of
 * in_burst: one more load. The descriptor status functions pass NULL: a
 * stopped queue may be looked at, only a detached port keeps them out of
 * shared memory (they run on the queue's lcore, never inside its burst).
 */
static __rte_always_inline int
avp_burst_enter(RTE_ATOMIC(uint32_t) *in_burst,
		const RTE_ATOMIC(uint32_t) *detached,
		const RTE_ATOMIC(uint32_t) *stopped)
{
	rte_atomic_store_explicit(in_burst, avp_burst_owner,
			rte_memory_order_seq_cst);
	if (unlikely((rte_atomic_load_explicit(detached,
					rte_memory_order_seq_cst) |
		      (stopped == NULL ? 0 :
		       rte_atomic_load_explicit(stopped,
					rte_memory_order_seq_cst))) != 0)) {
		rte_atomic_store_explicit(in_burst, 0,
				rte_memory_order_release);
		return -1;
	}
	return 0;
}

static __rte_always_inline void
avp_burst_leave(RTE_ATOMIC(uint32_t) *in_burst)
{
	rte_atomic_store_explicit(in_burst, 0, rte_memory_order_release);
}

/*
 * Frames ready on rx[ri] that can also be given back on free[ri], with
 * both positions. A host index out of range means the ring cannot be
 * trusted: it is left alone (and counted) until the host repairs it.
 */
static __rte_always_inline uint32_t
avp_rx_open(struct avp_rx_queue *rxq, const struct avp_shring *rx,
		const struct avp_shring *fr, uint32_t *cons, uint32_t *fprod)
{
	uint32_t ready, room;

	if (unlikely((avp_ring_cons_open(rx, cons, &ready) |
		      avp_ring_prod_open(fr, fprod, &room)) != 0)) {
		PMD_RX_LOG(DEBUG, "host ring index out of range");
		rxq->stats.invalid++;
		return 0;
	}
	avp_host_acquire();
	return RTE_MIN(ready, room);
}

/* Gives the consumed rx slots and the returned handles to the host. */
static __rte_always_inline void
avp_rx_publish(const struct avp_shring *rx, uint32_t cons,
		const struct avp_shring *fr, uint32_t fprod)
{
	avp_host_release();
	/* rx first: a handle seen on free was taken off rx */
	avp_ring_cons_publish(rx, cons);
	avp_ring_prod_publish(fr, fprod);
}

/* Room on the transmit side: host buffers on alloc, slots on tx. */
struct avp_tx_ctx {
	uint32_t acons;		/* next handle on alloc */
	uint32_t aend;		/* alloc's producer index */
	uint32_t tprod;		/* next slot on tx */
	uint32_t tend;		/* the last free slot on tx, plus one */
};

/* The room on both rings; none when a host index is bad (counted). */
static __rte_always_inline void
avp_tx_open(struct avp_tx_queue *txq, struct avp_tx_ctx *c)
{
	uint32_t avail, room;

	if (unlikely((avp_ring_cons_open(&txq->alloc, &c->acons, &avail) |
		      avp_ring_prod_open(&txq->tx, &c->tprod, &room)) != 0)) {
		PMD_TX_LOG(DEBUG, "host ring index out of range");
		txq->stats.invalid++;
		avail = 0;
		room = 0;
	}
	avp_host_acquire();
	c->aend = c->acons + avail;
	c->tend = c->tprod + room;
}

/* Consumed alloc handles and placed tx slots, to the host. */
static __rte_always_inline void
avp_tx_publish(const struct avp_tx_queue *txq, uint32_t acons, uint32_t tprod)
{
	avp_host_release();
	avp_ring_cons_publish(&txq->alloc, acons);
	avp_ring_prod_publish(&txq->tx, tprod);
}

/* The port's MAC in the low 48 bits, as a little-endian load sees it. */
static __rte_always_inline uint64_t
avp_mac64(const uint8_t *mac)
{
	uint64_t v = 0;

	RTE_BUILD_BUG_ON(RTE_BYTE_ORDER != RTE_LITTLE_ENDIAN);
	memcpy(&v, mac, RTE_ETHER_ADDR_LEN);
	return v;
}

/*
 * The longest frame the tight receive loop takes: it copies whole
 * 64-byte blocks (see avp.rst), and both the mbuf (data_room bytes) and
 * the host buffer (buf_size) must hold the last one. Both hold 64.
 */
static __rte_always_inline uint32_t
avp_rx_run_max(const struct avp_rx_queue *rxq)
{
	return RTE_MIN(rxq->max_len, RTE_ALIGN_FLOOR(RTE_MIN(
		(uint32_t)rxq->data_room, rxq->buf_size), 64u));
}

/*
 * The general loops: up to nb frames from rx ring ri (or to the host),
 * whatever they are; the tight loops leave them what they do not take.
 */
uint16_t avp_rx_general(struct avp_rx_queue *rxq, unsigned int ri,
		struct rte_mbuf **pkts, uint32_t nb);
uint16_t avp_tx_general(struct avp_tx_queue *txq, struct rte_mbuf **pkts,
		uint16_t nb);

#endif /* AVP_RXTX_H */
