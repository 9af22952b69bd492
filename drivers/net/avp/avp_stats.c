/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The AVP PMD authors
 */

/*
 * Basic and extended statistics. Counters live in each queue (written by
 * the data path only); a reset records a base instead of writing them.
 */

#include <stdio.h>

#include <ethdev_driver.h>

#include "avp_ethdev.h"

int
avp_stats_get(AVP_STATS_GET_ARGS)
{
	unsigned int i;
	uint64_t nombuf = 0;

	for (i = 0; i < dev->data->nb_rx_queues; i++) {
		const struct avp_rx_queue *q = dev->data->rx_queues[i];
		uint64_t p, b, e;

		if (q == NULL)
			continue;
		p = q->stats.packets - q->base.packets;
		b = q->stats.bytes - q->base.bytes;
		e = q->stats.invalid - q->base.invalid +
			q->stats.oversize - q->base.oversize;
		st->ipackets += p;
		st->ibytes += b;
		st->ierrors += e;
		nombuf += q->stats.nombuf - q->base.nombuf;
		if (AVP_QSTATS(st) != NULL && i < RTE_ETHDEV_QUEUE_STAT_CNTRS) {
			AVP_QSTATS(st)->q_ipackets[i] = p;
			AVP_QSTATS(st)->q_ibytes[i] = b;
			AVP_QSTATS(st)->q_errors[i] = e;
		}
	}
	st->rx_nombuf = nombuf;
	for (i = 0; i < dev->data->nb_tx_queues; i++) {
		const struct avp_tx_queue *q = dev->data->tx_queues[i];
		uint64_t p, b;

		if (q == NULL)
			continue;
		p = q->stats.packets - q->base.packets;
		b = q->stats.bytes - q->base.bytes;
		st->opackets += p;
		st->obytes += b;
		st->oerrors += q->stats.oversize - q->base.oversize;
		if (AVP_QSTATS(st) != NULL && i < RTE_ETHDEV_QUEUE_STAT_CNTRS) {
			AVP_QSTATS(st)->q_opackets[i] = p;
			AVP_QSTATS(st)->q_obytes[i] = b;
		}
	}
	return 0;
}

static void
avp_stats_reset_locked(struct rte_eth_dev *dev)
{
	struct avp_dev *avp = AVP_DEV(dev);
	unsigned int i;

	avp->ctrl_errors_base = avp->ctrl_errors;
	avp->ctrl_stale_base = avp->ctrl_stale_replies;
	avp->mig_base = avp->mig;
	for (i = 0; i < dev->data->nb_rx_queues; i++) {
		struct avp_rx_queue *q = dev->data->rx_queues[i];

		if (q != NULL)
			q->base = q->stats;
	}
	for (i = 0; i < dev->data->nb_tx_queues; i++) {
		struct avp_tx_queue *q = dev->data->tx_queues[i];

		if (q != NULL)
			q->base = q->stats;
	}
}

/* The control side (requests, migration) counts under the device lock. */
int
avp_stats_reset(struct rte_eth_dev *dev)
{
	struct avp_dev *avp = AVP_DEV(dev);

	avp_port_lock(avp);
	avp_stats_reset_locked(dev);
	avp_port_unlock(avp);
	return 0;
}

/* Extended statistics: one counter per drop cause, per queue and summed. */
struct avp_xstat {
	const char *name;
	size_t off;
};

static const struct avp_xstat avp_rx_xstats[] = {
	{ "packets", offsetof(struct avp_rxq_stats, packets) },
	{ "bytes", offsetof(struct avp_rxq_stats, bytes) },
	{ "filtered_packets", offsetof(struct avp_rxq_stats, filtered) },
	{ "invalid_desc_errors", offsetof(struct avp_rxq_stats, invalid) },
	{ "no_mbuf_errors", offsetof(struct avp_rxq_stats, nombuf) },
	{ "oversize_errors", offsetof(struct avp_rxq_stats, oversize) },
	{ "stopped_drops", offsetof(struct avp_rxq_stats, stopped) },
};

static const struct avp_xstat avp_tx_xstats[] = {
	{ "packets", offsetof(struct avp_txq_stats, packets) },
	{ "bytes", offsetof(struct avp_txq_stats, bytes) },
	{ "ring_full_packets", offsetof(struct avp_txq_stats, ring_full) },
	{ "oversize_errors", offsetof(struct avp_txq_stats, oversize) },
	{ "invalid_desc_errors", offsetof(struct avp_txq_stats, invalid) },
	{ "detached_packets", offsetof(struct avp_txq_stats, detached) },
	{ "stopped_packets", offsetof(struct avp_txq_stats, stopped) },
};

#define AVP_NB_RX_XSTATS RTE_DIM(avp_rx_xstats)
#define AVP_NB_TX_XSTATS RTE_DIM(avp_tx_xstats)
/* Port totals of the drop causes (the first two of each are basic). */
#define AVP_NB_TOTAL_XSTATS (AVP_NB_RX_XSTATS - 2 + AVP_NB_TX_XSTATS - 2)
/* Control channel: failed requests, stale replies drained. */
#define AVP_NB_CTRL_XSTATS 2

/* Migration events. */
static const struct avp_xstat avp_mig_xstats[] = {
	{ "mig_detach_acks", offsetof(struct avp_mig_stats, detaches) },
	{ "mig_attach_acks", offsetof(struct avp_mig_stats, attaches) },
	{ "mig_error_acks", offsetof(struct avp_mig_stats, errors) },
	{ "mig_announce_frames", offsetof(struct avp_mig_stats, announces) },
};
#define AVP_NB_MIG_XSTATS RTE_DIM(avp_mig_xstats)

static unsigned int
avp_xstats_count(const struct rte_eth_dev *dev)
{
	return AVP_NB_TOTAL_XSTATS + AVP_NB_CTRL_XSTATS + AVP_NB_MIG_XSTATS +
		dev->data->nb_rx_queues * AVP_NB_RX_XSTATS +
		dev->data->nb_tx_queues * AVP_NB_TX_XSTATS;
}

static uint64_t
avp_stat(const void *stats, const void *base, size_t off)
{
	return *(const uint64_t *)((const uint8_t *)stats + off) -
		*(const uint64_t *)((const uint8_t *)base + off);
}

int
avp_xstats_get_names(struct rte_eth_dev *dev,
		struct rte_eth_xstat_name *names, unsigned int size)
{
	unsigned int count = avp_xstats_count(dev), n = 0, q, i;

	if (names == NULL || size < count)
		return count;
	for (i = 2; i < AVP_NB_RX_XSTATS; i++)
		snprintf(names[n++].name, sizeof(names[0].name), "rx_%s",
			avp_rx_xstats[i].name);
	for (i = 2; i < AVP_NB_TX_XSTATS; i++)
		snprintf(names[n++].name, sizeof(names[0].name), "tx_%s",
			avp_tx_xstats[i].name);
	snprintf(names[n++].name, sizeof(names[0].name),
		"ctrl_request_errors");
	snprintf(names[n++].name, sizeof(names[0].name),
		"ctrl_stale_replies");
	for (i = 0; i < AVP_NB_MIG_XSTATS; i++)
		snprintf(names[n++].name, sizeof(names[0].name), "%s",
			avp_mig_xstats[i].name);
	for (q = 0; q < dev->data->nb_rx_queues; q++)
		for (i = 0; i < AVP_NB_RX_XSTATS; i++)
			snprintf(names[n++].name, sizeof(names[0].name),
				"rx_q%u_%s", q, avp_rx_xstats[i].name);
	for (q = 0; q < dev->data->nb_tx_queues; q++)
		for (i = 0; i < AVP_NB_TX_XSTATS; i++)
			snprintf(names[n++].name, sizeof(names[0].name),
				"tx_q%u_%s", q, avp_tx_xstats[i].name);
	return count;
}

static int
avp_xstats_get_locked(struct rte_eth_dev *dev, struct rte_eth_xstat *xs,
		unsigned int size)
{
	const struct avp_dev *avp = AVP_DEV(dev);
	unsigned int count = avp_xstats_count(dev), n, q, i;
	unsigned int nrx = dev->data->nb_rx_queues;
	unsigned int ntx = dev->data->nb_tx_queues;

	if (xs == NULL || size < count)
		return count;
	for (n = 0; n < count; n++) {
		xs[n].id = n;
		xs[n].value = 0;
	}
	n = AVP_NB_TOTAL_XSTATS;
	xs[n++].value = avp->ctrl_errors - avp->ctrl_errors_base;
	xs[n++].value = avp->ctrl_stale_replies - avp->ctrl_stale_base;
	for (i = 0; i < AVP_NB_MIG_XSTATS; i++)
		xs[n++].value = avp_stat(&avp->mig, &avp->mig_base,
				avp_mig_xstats[i].off);
	for (q = 0; q < nrx; q++) {
		const struct avp_rx_queue *rq = dev->data->rx_queues[q];

		for (i = 0; i < AVP_NB_RX_XSTATS; i++, n++) {
			uint64_t v;

			if (rq == NULL)
				continue;
			v = avp_stat(&rq->stats, &rq->base, avp_rx_xstats[i].off);
			xs[n].value = v;
			if (i >= 2)
				xs[i - 2].value += v;
		}
	}
	for (q = 0; q < ntx; q++) {
		const struct avp_tx_queue *tq = dev->data->tx_queues[q];

		for (i = 0; i < AVP_NB_TX_XSTATS; i++, n++) {
			uint64_t v;

			if (tq == NULL)
				continue;
			v = avp_stat(&tq->stats, &tq->base, avp_tx_xstats[i].off);
			xs[n].value = v;
			if (i >= 2)
				xs[AVP_NB_RX_XSTATS - 2 + i - 2].value += v;
		}
	}
	return count;
}

int
avp_xstats_get(struct rte_eth_dev *dev, struct rte_eth_xstat *xs,
		unsigned int size)
{
	struct avp_dev *avp = AVP_DEV(dev);
	int ret;

	avp_port_lock(avp);
	ret = avp_xstats_get_locked(dev, xs, size);
	avp_port_unlock(avp);
	return ret;
}
