/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The AVP PMD authors
 */

/*
 * Queue start and stop (deferred start included), descriptor status,
 * Tx done clean-up and the power monitor condition.
 *
 * A stopped queue's bursts return 0 without touching the rings: each
 * queue has a stopped word that the burst entry reads next to the port's
 * detached word, and stopping waits the queue's burst out. The host keeps
 * delivering to a stopped receive queue's rings; what waits there when
 * the queue starts again is given back to the host and counted
 * (stopped_drops), never delivered as if fresh. A stopped transmit
 * queue's burst takes nothing; the frames are counted (stopped_packets)
 * and the application keeps them.
 *
 * The status functions read the ring indexes only, with every index the
 * host writes range-checked; they run on the data path's lcore and, like
 * a burst, not while the port is detached.
 */

#include <errno.h>
#include <inttypes.h>

#include <ethdev_driver.h>
#include <rte_cycles.h>

#include "avp_ethdev.h"
#include "avp_logs.h"
#include "avp_rxtx.h"
#include "avp_shm.h"

/* Waits until the queue's burst (if one runs) has ended, bounded. */
static int
avp_queue_wait_out(RTE_ATOMIC(uint32_t) *in_burst, uint16_t port,
		const char *dir, uint16_t qid)
{
	struct avp_wait w;
	int ret;

	avp_wait_ms(&w, AVP_QUIESCE_TIMEOUT_MS);
	ret = avp_burst_wait_out(in_burst, &w);
	if (ret != 0)
		PMD_DRV_LOG(ERR,
			"port %u %sq %u: a burst is still running after %u ms",
			port, dir, qid, AVP_QUIESCE_TIMEOUT_MS);
	return ret;
}

static struct avp_rx_queue *
avp_rxq_get(struct rte_eth_dev *dev, uint16_t qid)
{
	struct avp_rx_queue *q = qid < AVP_MAX_QUEUES ?
		AVP_DEV(dev)->rxq[qid] : NULL;

	if (q == NULL)
		PMD_DRV_LOG(ERR, "port %u rxq %u: not set up",
			dev->data->port_id, qid);
	return q;
}

static struct avp_tx_queue *
avp_txq_get(struct rte_eth_dev *dev, uint16_t qid)
{
	struct avp_tx_queue *q = qid < AVP_MAX_QUEUES ?
		AVP_DEV(dev)->txq[qid] : NULL;

	if (q == NULL)
		PMD_DRV_LOG(ERR, "port %u txq %u: not set up",
			dev->data->port_id, qid);
	return q;
}

/*
 * Gives back what waited on a stopped receive queue's rings and opens the
 * queue to its bursts. The port's rings must be mapped (not detached).
 */
static int
avp_rxq_open(struct rte_eth_dev *dev, struct avp_rx_queue *q)
{
	uint64_t before = q->stats.stopped;
	struct avp_wait w;
	int ret;

	avp_wait_ms(&w, AVP_QUIESCE_TIMEOUT_MS);
	ret = avp_rx_queue_discard(q, &w);
	if (ret != 0) {
		PMD_DRV_LOG(ERR,
			"port %u rxq %u: the host made no room on its free ring in %u ms; queue stays stopped",
			dev->data->port_id, q->queue_id,
			AVP_QUIESCE_TIMEOUT_MS);
		return ret;
	}
	if (q->stats.stopped != before)
		PMD_DRV_LOG(DEBUG, "port %u rxq %u: %" PRIu64 " frames that waited while stopped dropped",
			dev->data->port_id, q->queue_id,
			q->stats.stopped - before);
	rte_atomic_store_explicit(&q->stopped, 0, rte_memory_order_seq_cst);
	return 0;
}

int
avp_rx_queue_start(struct rte_eth_dev *dev, uint16_t qid)
{
	struct avp_dev *avp = AVP_DEV(dev);
	struct avp_rx_queue *q;
	int ret = -EINVAL;

	avp_port_lock(avp);
	q = avp_rxq_get(dev, qid);
	if (q == NULL)
		goto out;
	if (avp->detached & AVP_BLOCK_DETACHED) {
		PMD_DRV_LOG(ERR, "port %u rxq %u: cannot start while detached",
			dev->data->port_id, qid);
		ret = -EBUSY;
		goto out;
	}
	ret = avp_rxq_open(dev, q);
	if (ret == 0)
		dev->data->rx_queue_state[qid] = RTE_ETH_QUEUE_STATE_STARTED;
out:
	avp_port_unlock(avp);
	return ret;
}

/*
 * Stops a queue: its bursts are kept out by its stopped word and a burst
 * under way is waited out, bounded; on time-out the queue runs on.
 */
static int
avp_queue_stop(RTE_ATOMIC(uint32_t) *stopped, RTE_ATOMIC(uint32_t) *in_burst,
		uint8_t *state, uint16_t port, const char *dir, uint16_t qid)
{
	int ret;

	rte_atomic_store_explicit(stopped, 1, rte_memory_order_seq_cst);
	ret = avp_queue_wait_out(in_burst, port, dir, qid);
	if (ret != 0)
		rte_atomic_store_explicit(stopped, 0,
				rte_memory_order_seq_cst);
	else
		*state = RTE_ETH_QUEUE_STATE_STOPPED;
	return ret;
}

int
avp_rx_queue_stop(struct rte_eth_dev *dev, uint16_t qid)
{
	struct avp_dev *avp = AVP_DEV(dev);
	struct avp_rx_queue *q;
	int ret = -EINVAL;

	avp_port_lock(avp);
	q = avp_rxq_get(dev, qid);
	if (q != NULL)
		ret = avp_queue_stop(&q->stopped, &q->in_burst,
				&dev->data->rx_queue_state[qid],
				dev->data->port_id, "rx", qid);
	avp_port_unlock(avp);
	return ret;
}

int
avp_tx_queue_start(struct rte_eth_dev *dev, uint16_t qid)
{
	struct avp_dev *avp = AVP_DEV(dev);
	struct avp_tx_queue *q;
	int ret = -EINVAL;

	avp_port_lock(avp);
	q = avp_txq_get(dev, qid);
	if (q != NULL) {
		rte_atomic_store_explicit(&q->stopped, 0,
				rte_memory_order_seq_cst);
		dev->data->tx_queue_state[qid] = RTE_ETH_QUEUE_STATE_STARTED;
		ret = 0;
	}
	avp_port_unlock(avp);
	return ret;
}

int
avp_tx_queue_stop(struct rte_eth_dev *dev, uint16_t qid)
{
	struct avp_dev *avp = AVP_DEV(dev);
	struct avp_tx_queue *q;
	int ret = -EINVAL;

	avp_port_lock(avp);
	q = avp_txq_get(dev, qid);
	if (q != NULL)
		ret = avp_queue_stop(&q->stopped, &q->in_burst,
				&dev->data->tx_queue_state[qid],
				dev->data->port_id, "tx", qid);
	avp_port_unlock(avp);
	return ret;
}

/*
 * Device start, as rte_eth_dev_start() expects: every queue starts except
 * those set up with deferred start, which stay stopped until
 * rte_eth_dev_*x_queue_start(). A receive queue that was stopped gives
 * back what waited on its rings first. The data path is still blocked.
 */
void
avp_queues_start(struct rte_eth_dev *dev)
{
	struct avp_dev *avp = AVP_DEV(dev);
	unsigned int i;

	for (i = 0; i < dev->data->nb_rx_queues; i++) {
		struct avp_rx_queue *q = i < AVP_MAX_QUEUES ? avp->rxq[i] :
			NULL;
		uint8_t state = RTE_ETH_QUEUE_STATE_STARTED;

		if (q == NULL)
			continue;
		if (q->deferred) {
			rte_atomic_store_explicit(&q->stopped, 1,
					rte_memory_order_seq_cst);
			state = RTE_ETH_QUEUE_STATE_STOPPED;
		} else if (rte_atomic_load_explicit(&q->stopped,
				rte_memory_order_relaxed) != 0 &&
			   avp_rxq_open(dev, q) != 0) {
			PMD_DRV_LOG(WARNING, "port %u rxq %u: left stopped",
				dev->data->port_id, i);
			state = RTE_ETH_QUEUE_STATE_STOPPED;
		}
		dev->data->rx_queue_state[i] = state;
	}
	for (i = 0; i < dev->data->nb_tx_queues; i++) {
		struct avp_tx_queue *q = i < AVP_MAX_QUEUES ? avp->txq[i] :
			NULL;

		if (q == NULL)
			continue;
		rte_atomic_store_explicit(&q->stopped, q->deferred,
				rte_memory_order_seq_cst);
		dev->data->tx_queue_state[i] = q->deferred ?
			RTE_ETH_QUEUE_STATE_STOPPED :
			RTE_ETH_QUEUE_STATE_STARTED;
	}
}

/*
 * Frames ready on the queue's receive rings (*ready), slots of the rings
 * whose indexes are in range (*good) and of all of them (return). A ring
 * whose host index is out of range counts for nothing but the total.
 */
static uint32_t
avp_rxq_look(const struct avp_rx_queue *q, uint32_t *ready, uint32_t *good)
{
	uint32_t total = 0;
	unsigned int ri;

	*ready = 0;
	*good = 0;
	for (ri = q->first; ri < (unsigned int)q->first + q->nrings; ri++) {
		const struct avp_shring *rx = &q->rx[ri];
		uint32_t cons, n;

		total += rx->mask;
		if (avp_ring_cons_open(rx, &cons, &n) != 0)
			continue;
		*good += rx->mask;
		*ready += n;
	}
	return total;
}

static avp_rx_queue_count_t
avp_rx_queue_count(void *queue)
{
	struct avp_rx_queue *q = queue;
	uint32_t ready, good;

	if (avp_burst_enter(&q->in_burst, q->detached, NULL) != 0)
		return 0;
	avp_rxq_look(q, &ready, &good);
	avp_burst_leave(&q->in_burst);
	return ready;
}

/*
 * Offsets count across the queue's rings: frames ready (DONE), then free
 * slots (AVAIL), then the slots of a ring whose host index is out of
 * range, or of every ring while detached (UNAVAIL).
 */
static int
avp_rx_descriptor_status(void *queue, uint16_t offset)
{
	struct avp_rx_queue *q = queue;
	uint32_t ready = 0, good = 0, total = 0;
	unsigned int ri;

	if (avp_burst_enter(&q->in_burst, q->detached, NULL) != 0) {
		for (ri = q->first; ri < (unsigned int)q->first + q->nrings;
		     ri++)
			total += q->rx[ri].mask;
	} else {
		total = avp_rxq_look(q, &ready, &good);
		avp_burst_leave(&q->in_burst);
	}
	if (offset >= total)
		return -EINVAL;
	if (offset < ready)
		return RTE_ETH_RX_DESC_DONE;
	if (offset < good)
		return RTE_ETH_RX_DESC_AVAIL;
	return RTE_ETH_RX_DESC_UNAVAIL;
}

/*
 * Offset 0 is the slot the next frame goes to: the free slots of the
 * host's transmit ring (DONE), then the frames on it that the host has
 * not taken yet (FULL). UNAVAIL while detached or when the host's index
 * is out of range.
 */
static int
avp_tx_descriptor_status(void *queue, uint16_t offset)
{
	struct avp_tx_queue *q = queue;
	uint32_t prod, space;
	int bad;

	if (offset >= q->tx.mask)
		return -EINVAL;
	if (avp_burst_enter(&q->in_burst, q->detached, NULL) != 0)
		return RTE_ETH_TX_DESC_UNAVAIL;
	bad = avp_ring_prod_open(&q->tx, &prod, &space);
	avp_burst_leave(&q->in_burst);
	if (bad)
		return RTE_ETH_TX_DESC_UNAVAIL;
	return offset < space ? RTE_ETH_TX_DESC_DONE : RTE_ETH_TX_DESC_FULL;
}

/*
 * The burst copies every frame into host buffers and frees its mbufs at
 * once: there is never anything left to clean up.
 */
int
avp_tx_done_cleanup(void *queue, uint32_t free_cnt __rte_unused)
{
	if (queue == NULL) {
		PMD_DRV_LOG(ERR, "tx queue not set up");
		return -EINVAL;
	}
	return 0;
}

/* Do not sleep (-1) once the host has moved the producer index. */
static int
avp_monitor_clb(const uint64_t val,
		const uint64_t opaque[RTE_POWER_MONITOR_OPAQUE_SZ])
{
	return (uint32_t)val != (uint32_t)opaque[0] ? -1 : 0;
}

/*
 * The producer index of the queue's receive ring, with the consumer
 * index as it is now: a change means frames are ready. One address only,
 * so a queue serving several host rings is refused (logged once until
 * the next success: the power library asks on every empty poll).
 */
int
avp_get_monitor_addr(void *queue, struct rte_power_monitor_cond *pmc)
{
	struct avp_rx_queue *q = queue;
	const struct avp_shring *rx;

	if (q == NULL) {
		PMD_DRV_LOG(ERR, "rx queue not set up");
		return -EINVAL;
	}
	if (avp_burst_enter(&q->in_burst, q->detached, NULL) != 0) {
		PMD_RX_LOG(DEBUG, "port %u rxq %u: detached", q->port_id,
			q->queue_id);
		return -EBUSY;
	}
	if (q->nrings != 1) {
		avp_burst_leave(&q->in_burst);
		if (!q->mon_refused)
			PMD_DRV_LOG(ERR,
				"port %u rxq %u: serves %u host rings, a power monitor watches one address",
				q->port_id, q->queue_id, q->nrings);
		q->mon_refused = 1;
		return -ENOTSUP;
	}
	rx = &q->rx[q->first];
	pmc->addr = &rx->ring->prod_idx;
	pmc->size = sizeof(uint32_t);
	pmc->fn = avp_monitor_clb;
	pmc->opaque[0] = rx->ring->cons_idx & rx->mask;
	avp_burst_leave(&q->in_burst);
	q->mon_refused = 0;
	return 0;
}

/* The fast-path functions besides the bursts. */
void
avp_queue_fast_ops(struct rte_eth_dev *dev)
{
	/* Written once, as the burst functions (avp_select_paths). */
	if (dev->rx_queue_count != avp_rx_queue_count)
		dev->rx_queue_count = avp_rx_queue_count;
	if (dev->rx_descriptor_status != avp_rx_descriptor_status)
		dev->rx_descriptor_status = avp_rx_descriptor_status;
	if (dev->tx_descriptor_status != avp_tx_descriptor_status)
		dev->tx_descriptor_status = avp_tx_descriptor_status;
}
