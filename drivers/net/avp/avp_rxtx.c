/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The AVP PMD authors
 */

/*
 * The general receive and transmit loops (host chains split anywhere,
 * mbuf chains, bad descriptors, filtered frames, a pool or a host
 * running short), which the tight loops of avp_rxtx_vec.h leave the rest
 * of a burst to; the receive queue discard and the burst modes. A bad
 * frame is dropped and counted.
 */

#include <errno.h>
#include <string.h>

#include <rte_common.h>
#include <rte_cycles.h>
#include <rte_mbuf.h>
#include <rte_prefetch.h>

#include "avp_copy.h"
#include "avp_ethdev.h"
#include "avp_logs.h"
#include "avp_rxtx.h"
#include "avp_shm.h"
#include "avp_vec.h"

#ifdef AVP_TSAN
char avp_tsan_host;	/* stands for the host's buffers: see avp_shm.h */
#endif

/* Whether a group address is on the port's multicast list. */
static int
avp_mc_listed(const struct avp_dev *avp, const uint8_t *dst)
{
	uint32_t i;

	for (i = 0; i < avp->nb_mc_addrs; i++)
		if (memcmp(avp->mc_addrs[i].addr_bytes, dst,
			   RTE_ETHER_ADDR_LEN) == 0)
			return 1;
	return 0;
}

/*
 * The software MAC filter: our own address; broadcast, the
 * all-multicast mode and the multicast list for group addresses. (The
 * tight loop takes frames to our own address without asking.)
 */
int
avp_rx_mac_accept(const struct avp_rx_queue *rxq, const uint8_t *dst)
{
	if (memcmp(dst, rxq->mac, RTE_ETHER_ADDR_LEN) == 0)
		return 1;
	if ((dst[0] & 0x01) == 0)
		return 0;
	if (rxq->filter == AVP_FILTER_MULTICAST ||
	    rte_is_broadcast_ether_addr((const struct rte_ether_addr *)dst))
		return 1;
	return avp_mc_listed(rxq->avp, dst);
}

static __rte_always_inline void
avp_rx_count(struct avp_rx_queue *rxq, enum avp_rx_class st)
{
	if (st == AVP_RX_INVALID)
		rxq->stats.invalid++;
	else if (st == AVP_RX_OVERSIZE)
		rxq->stats.oversize++;
	else
		rxq->stats.filtered++;
}

/*
 * A checked chain into c->need mbufs from the pool, linked, head in
 * *head: 1, or 0 when the frame is dropped (counted as oversize or
 * nombuf).
 */
static int
avp_rx_chain_fill(struct avp_rx_queue *rxq, const struct avp_rx_chain *c,
		struct rte_mbuf **head)
{
	struct rte_mbuf *mb[AVP_MAX_SEGS * 32], *cur;
	uint32_t room = rxq->data_room, k = 0;
	unsigned int s;
	uint8_t *dst;

	if (unlikely(c->need > RTE_DIM(mb))) {
		rxq->stats.oversize++;
		return 0;
	}
	if (unlikely(rte_pktmbuf_alloc_bulk(rxq->pool, mb, c->need) != 0)) {
		rxq->stats.nombuf++;
		return 0;
	}
	cur = mb[0];
	dst = rte_pktmbuf_mtod(cur, uint8_t *);
	for (s = 0; s < c->nseg; s++) {
		const uint8_t *src = c->src[s];
		uint32_t left = c->len[s];

		while (left != 0) {
			uint32_t n;

			if (room == 0) {
				cur->next = mb[++k];
				cur = cur->next;
				dst = rte_pktmbuf_mtod(cur, uint8_t *);
				room = rxq->data_room;
			}
			n = RTE_MIN(left, room);
			avp_copy(dst, src, n);
			dst += n;
			src += n;
			left -= n;
			room -= n;
			cur->data_len += n;
		}
	}
	cur = mb[0];
	cur->nb_segs = c->need;
	cur->pkt_len = c->flen;
	cur->port = rxq->port_id;
	if (c->flags & AVP_DESC_F_RX_VLAN) {
		cur->ol_flags |= RTE_MBUF_F_RX_VLAN |
			RTE_MBUF_F_RX_VLAN_STRIPPED;
		cur->vlan_tci = c->tci;
	}
	*head = cur;
	return 1;
}

/*
 * The general receive loop: up to nb frames from rx[ri], each through
 * the full classification, its mbufs from the pool one frame at a time
 * (so a short pool delivers whole frames in order while it lasts).
 * Every handle that is a buffer goes back on free[ri]; one that is not
 * is dropped.
 */
uint16_t
avp_rx_general(struct avp_rx_queue *rxq, unsigned int ri,
		struct rte_mbuf **pkts, uint32_t nb)
{
	const struct avp_shring *rx = &rxq->rx[ri], *fr = &rxq->free[ri];
	uint32_t cons, fprod, n, i, good = 0, nret = 0;
	uint64_t bytes = 0;

	n = RTE_MIN(avp_rx_open(rxq, rx, fr, &cons, &fprod), nb);
	for (i = 0; i < n; i++) {
		uint64_t hv = avp_ring_slot(rx, cons + i);
		const struct avp_desc *d = avp_desc_get(&rxq->buf, hv);
		struct avp_rx_chain c;
		enum avp_rx_class st;

		if (unlikely(d == NULL)) {
			PMD_RX_LOG(DEBUG, "bad handle 0x%" PRIx64, hv);
			rxq->stats.invalid++;
			continue;
		}
		avp_ring_set_slot(fr, fprod + nret++, hv);
		st = avp_desc_chain(rxq, d, &c);
		if (unlikely(st != AVP_RX_OK)) {
			avp_rx_count(rxq, st);
			continue;
		}
		if (avp_rx_chain_fill(rxq, &c, &pkts[good])) {
			bytes += c.flen;
			good++;
		}
	}
	if (n != 0)
		avp_rx_publish(rx, cons + n, fr, fprod + nret);
	rxq->stats.packets += good;
	rxq->stats.bytes += bytes;
	return good;
}

/*
 * Receive queue start (control path; the queue's bursts are kept out by
 * its stopped word): every frame that waited on the queue's host rings
 * up to the producer indexes seen on entry goes back on the free ring of
 * the same index, as the data path gives it back, and is counted in
 * stopped; a bad handle is dropped and counted in invalid. A ring whose
 * host index is out of range is left alone and counted once. Waits for
 * room on a free ring until the wait w is over: -ETIMEDOUT then.
 */
int
avp_rx_queue_discard(struct avp_rx_queue *rxq, struct avp_wait *w)
{
	unsigned int ri;

	for (ri = rxq->first; ri < (unsigned int)rxq->first + rxq->nrings;
	     ri++) {
		const struct avp_shring *rx = &rxq->rx[ri];
		const struct avp_shring *fr = &rxq->free[ri];
		uint32_t cons, left;

		if (avp_ring_cons_open(rx, &cons, &left) != 0) {
			rxq->stats.invalid++;
			continue;
		}
		while (left != 0) {
			uint32_t ready, fprod, room, n, i, nret = 0;

			if ((avp_ring_cons_open(rx, &cons, &ready) |
			     avp_ring_prod_open(fr, &fprod, &room)) != 0) {
				rxq->stats.invalid++;
				break;
			}
			avp_host_acquire();
			n = RTE_MIN(RTE_MIN(room, ready), left);
			if (n == 0) {
				if (avp_wait_expired(w))
					return -ETIMEDOUT;
				rte_delay_us_sleep(10);
				continue;
			}
			for (i = 0; i < n; i++) {
				uint64_t hv = avp_ring_slot(rx, cons + i);

				if (avp_desc_get(&rxq->buf, hv) != NULL) {
					avp_ring_set_slot(fr, fprod + nret++,
							hv);
					rxq->stats.stopped++;
				} else {
					rxq->stats.invalid++;
				}
			}
			avp_rx_publish(rx, cons + n, fr, fprod + nret);
			left -= n;
		}
	}
	return 0;
}

/*
 * The next usable host buffer on alloc, skipping (and counting) bad
 * handles; -1 when alloc runs dry first.
 */
static int
avp_tx_take(struct avp_tx_queue *txq, struct avp_tx_ctx *c, uint64_t *h,
		struct avp_desc **d, uint8_t **data)
{
	while (c->acons != c->aend) {
		uint64_t hv = avp_ring_slot(&txq->alloc, c->acons++);

		if (likely(avp_desc_ok(&txq->buf, hv, d) &&
			   avp_data_ok(&txq->buf, AVP_READ_ONCE((*d)->data_va),
				       txq->buf_size, data))) {
			*h = hv;
			return 0;
		}
		PMD_TX_LOG(DEBUG, "bad alloc handle 0x%" PRIx64, hv);
		txq->stats.invalid++;
	}
	return -1;
}

/*
 * One packet of the general loop: into as many host buffers as it needs
 * (one unless the queue scatters), filled up to buf_size bytes each, in
 * order.
 * 1 when placed on tx, 0 when dropped (oversize), -1 when the host has
 * no room for it now; then the alloc handles it took are not consumed.
 */
static int
avp_tx_one(struct avp_tx_queue *txq, struct avp_tx_ctx *c,
		const struct rte_mbuf *pkt, uint32_t *lenp)
{
	const uint32_t hsz = txq->buf_size;
	uint32_t len = pkt->pkt_len, need, left, room, b;
	uint64_t h[AVP_MAX_SEGS], invalid = 0;
	struct avp_desc *d[AVP_MAX_SEGS];
	uint8_t *data[AVP_MAX_SEGS] = { NULL }, *dst;
	uint16_t slen[AVP_MAX_SEGS] = { 0 };
	const struct rte_mbuf *m;
	uint32_t first = 0;
	uint16_t vflags;

	if (unlikely(len > txq->max_len)) {
		txq->stats.oversize++;
		return 0;
	}
	need = len <= hsz ? 1 :
		rte_reciprocal_divide(len + hsz - 1, txq->recip);
	if (c->tprod == c->tend)
		return -1;
	for (b = 0; b < need; b++) {
		if (avp_tx_take(txq, c, &h[b], &d[b], &data[b]) != 0) {
			/*
			 * Bad handles in front of the first good one stay
			 * consumed; the packet's good ones wait for it.
			 */
			if (b != 0) {
				c->acons = first;
				txq->stats.invalid = invalid;
			}
			return -1;
		}
		if (b == 0) {
			first = c->acons - 1;
			invalid = txq->stats.invalid;
		}
	}

	dst = data[0];
	room = hsz;
	left = len;
	b = 0;
	for (m = pkt; m != NULL && left != 0; m = m->next) {
		const uint8_t *src = rte_pktmbuf_mtod(m, const uint8_t *);
		uint32_t sl = RTE_MIN((uint32_t)m->data_len, left);

		left -= sl;
		while (sl != 0) {
			uint32_t n;

			if (room == 0) {
				dst = data[++b];
				room = hsz;
			}
			n = RTE_MIN(sl, room);
			avp_copy(dst, src, n);
			dst += n;
			src += n;
			sl -= n;
			room -= n;
			slen[b] += n;
		}
	}
	len -= left;	/* short mbuf chain: send what is there */
	vflags = avp_tx_vlan_flags(pkt, txq->vlan_insert ?
			RTE_MBUF_F_TX_VLAN : 0);
	for (b = 1; b < need; b++)
		avp_desc_tx_write(d[b], slen[b], b + 1 < need ? h[b + 1] : 0,
				0, 0, 0, 0);
	avp_desc_tx_write(d[0], slen[0], need > 1 ? h[1] : 0, need, len,
			vflags, vflags ? pkt->vlan_tci : 0);
	avp_ring_set_slot(&txq->tx, c->tprod++, h[0]);
	*lenp = len;
	return 1;
}

/*
 * The general transmit loop: any mbuf, one at a time. The mbufs taken
 * (placed or dropped) are freed in one call.
 */
uint16_t
avp_tx_general(struct avp_tx_queue *txq, struct rte_mbuf **pkts, uint16_t nb)
{
	struct avp_tx_ctx c;
	uint64_t bytes = 0;
	uint32_t placed = 0, len;
	uint16_t i;
	int ret = 0;

	avp_tx_open(txq, &c);
	for (i = 0; i < nb; i++) {
		ret = avp_tx_one(txq, &c, pkts[i], &len);
		if (ret < 0)
			break;
		if (ret > 0) {
			placed++;
			bytes += len;
		}
	}
	avp_tx_publish(txq, c.acons, c.tprod);
	rte_pktmbuf_free_bulk(pkts, i);
	txq->stats.packets += placed;
	txq->stats.bytes += bytes;
	return i;
}

/* The path of the burst function in use in this process. */
static const char *
avp_path_name(const struct avp_vec_path *p)
{
	return p != NULL ? p->name : avp_vec_current()->name;
}

int
avp_rx_burst_mode_get(struct rte_eth_dev *dev, uint16_t queue_id __rte_unused,
		struct rte_eth_burst_mode *mode)
{
	const struct avp_dev *avp = AVP_DEV(dev);
	const char *set = avp_path_name(avp_vec_of(dev->rx_pkt_burst));

	/* From the port's state: a secondary has its own burst functions. */
	if (avp->rx_scattered)
		snprintf(mode->info, sizeof(mode->info),
			"Scattered%s: host chains of up to %u buffers into mbuf chains, %s",
			avp->rx_scatter_implicit ?
			" (enabled for the MTU, without the SCATTER offload)" :
			"", AVP_MAX_SEGS, set);
	else
		snprintf(mode->info, sizeof(mode->info),
			"Simple: one host buffer or chain into one mbuf, %s",
			set);
	return 0;
}

int
avp_tx_burst_mode_get(struct rte_eth_dev *dev, uint16_t queue_id __rte_unused,
		struct rte_eth_burst_mode *mode)
{
	const char *set = avp_path_name(avp_vec_of(dev->tx_pkt_burst));

	if (AVP_DEV(dev)->tx_scattered)
		snprintf(mode->info, sizeof(mode->info),
			"Scattered: mbuf chains into up to %u host buffers, %s",
			AVP_MAX_SEGS, set);
	else
		snprintf(mode->info, sizeof(mode->info),
			"Simple: one mbuf into one host buffer, %s", set);
	return 0;
}
