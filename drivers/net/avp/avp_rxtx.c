/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The AVP PMD authors
 */

/*
 * Receive and transmit bursts. Each direction has two loops: a tight one
 * for the common case (one host buffer per frame, one mbuf per frame,
 * nothing to drop) and a general one for everything else (host chains
 * split anywhere, mbuf chains, bad descriptors, filtered frames, a pool
 * or a host running short). The tight loop stops at the first frame it
 * does not take and leaves it, and the rest, to the general one.
 *
 * Every index, handle, address and length read from shared memory goes
 * through the checked primitives of avp_shm.h. A bad frame is dropped
 * and counted. The burst functions (simple or scattered) are chosen
 * when the port starts, and the long frame copy with them (avp_copy.h).
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
#include "avp_shm.h"

#ifdef AVP_TSAN
char avp_tsan_host;	/* stands for the host's buffers: see avp_shm.h */
#endif

/*
 * Enters a burst unless the port is detached or the queue stopped (Dekker
 * pairing with the control side). stopped sits on the cache line of
 * in_burst: one more load.
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
		      rte_atomic_load_explicit(stopped,
					rte_memory_order_seq_cst)) != 0)) {
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
static __rte_noinline uint16_t
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
 * The tight receive loop: n frames from the rx slots hp[], each a good
 * single buffer of 8 to lim bytes (lim8 = lim - 7) for our address (or
 * any, with the filter off), their handles to fp[] (free ring, published
 * by the caller) and the frames into the raw mbufs pkts[]. Stops at the
 * first frame that is anything else. Returns the frames done.
 *
 * Descriptor and data area are checked against one bound, as if each
 * were followed by a whole host buffer (a good host's are: a descriptor
 * heads its buffer); the general loop takes one that is not. So every
 * data area holds buf_size >= 64 bytes, an mbuf at least 64: a short
 * frame is copied as one 64-byte block.
 */
static __rte_always_inline uint32_t
avp_rx_run(const struct avp_rx_queue *rxq, const volatile uint64_t *hp,
		volatile uint64_t *fp, struct rte_mbuf **pkts, uint32_t n,
		uint32_t lim8, uint64_t *bytes, const int filter)
{
	const struct avp_bufview bv = {
		.va = rxq->buf.va,
		.base = rxq->buf.base,
		.len = rxq->buf.len - rxq->buf_size + 64,
	};
	const uint64_t rearm = avp_mbuf_rearm(rxq->port_id);
	const uint64_t mac = avp_mac64(rxq->mac);
	uint64_t sum = 0;
	uint32_t i;

	RTE_BUILD_BUG_ON(AVP_MIN_BUF_SIZE < 64);
	/* the descriptors of the run, two a step */
	for (i = 0; i + 1 < n; i += 2) {
		rte_prefetch0(avp_desc_prefetch_addr(&bv, hp[i]));
		rte_prefetch0(avp_desc_prefetch_addr(&bv, hp[i + 1]));
	}
	if (i < n)
		rte_prefetch0(avp_desc_prefetch_addr(&bv, hp[i]));
	for (i = 0; i < n; i++) {
		struct rte_mbuf *m = pkts[i];
		uint64_t hv = hp[i], dst;
		struct avp_desc *d;
		uint8_t *data, *to;
		uint32_t flen;

		if (unlikely(!avp_desc_ok(&bv, hv, &d) ||
			     !avp_desc_single(&bv, d, lim8, 64, &data,
					      &flen)))
			break;
		/* the destination, in the low 48 bits */
		memcpy(&dst, data, sizeof(dst));
		if (filter && unlikely(((dst ^ mac) << 16) != 0))
			break;
		fp[i] = hv;
		to = (uint8_t *)m->buf_addr + RTE_PKTMBUF_HEADROOM;
		if (likely(flen <= 64))
			avp_copy_64(to, data);
		else
			avp_copy_long_call(to, data, flen);
		avp_mbuf_fill(m, rearm, flen, d);
		sum += flen;
	}
	*bytes += sum;
	return i;
}

/* The tight loop with the MAC filter on, and with it off. */
static __rte_noinline uint32_t
avp_rx_run_filtered(const struct avp_rx_queue *rxq,
		const volatile uint64_t *hp, volatile uint64_t *fp,
		struct rte_mbuf **pkts, uint32_t n, uint32_t lim8,
		uint64_t *bytes)
{
	return avp_rx_run(rxq, hp, fp, pkts, n, lim8, bytes, 1);
}

static __rte_noinline uint32_t
avp_rx_run_all(const struct avp_rx_queue *rxq, const volatile uint64_t *hp,
		volatile uint64_t *fp, struct rte_mbuf **pkts, uint32_t n,
		uint32_t lim8, uint64_t *bytes)
{
	return avp_rx_run(rxq, hp, fp, pkts, n, lim8, bytes, 0);
}

/*
 * Receive from one host ring: raw mbufs for the whole burst in one get,
 * the tight loop over runs that wrap neither ring, the general loop for
 * what it left.
 */
static __rte_always_inline uint16_t
avp_rx_ring(struct avp_rx_queue *rxq, unsigned int ri, struct rte_mbuf **pkts,
		uint32_t nb)
{
	const struct avp_shring *rx = &rxq->rx[ri], *fr = &rxq->free[ri];
	struct rte_mempool *mp = rxq->pool;
	/* flen in [8, lim] is flen - 8 < lim8 */
	const uint32_t lim8 = RTE_MIN(RTE_MIN(rxq->max_len,
			(uint32_t)rxq->data_room), rxq->buf_size) - 7;
	uint32_t cons, fprod, n, run, k, done = 0;
	uint64_t bytes = 0;

	n = RTE_MIN(avp_rx_open(rxq, rx, fr, &cons, &fprod), nb);
	if (n == 0)
		return 0;
	if (unlikely((rte_pktmbuf_priv_flags(mp) &
		      RTE_PKTMBUF_POOL_F_PINNED_EXT_BUF) != 0 ||
		     rte_mempool_get_bulk(mp, (void **)pkts, n) != 0))
		return avp_rx_general(rxq, ri, pkts, nb);
	do {
		run = RTE_MIN(n - done,
			      RTE_MIN(avp_ring_contig(rx, cons + done),
				      avp_ring_contig(fr, fprod + done)));
		k = (rxq->filter != AVP_FILTER_NONE ? avp_rx_run_filtered :
		     avp_rx_run_all)(rxq, avp_ring_run(rx, cons + done),
				avp_ring_run(fr, fprod + done), pkts + done,
				run, lim8, &bytes);
		done += k;
	} while (k == run && done != n);
	avp_rx_publish(rx, cons + done, fr, fprod + done);
	rxq->stats.packets += done;
	rxq->stats.bytes += bytes;
	if (likely(done == n))
		return done;
	rte_mempool_put_bulk(mp, (void **)&pkts[done], n - done);
	return done + avp_rx_general(rxq, ri, pkts + done, nb - done);
}

/*
 * Serves every host ring mapped to the queue, starting with a different
 * one each call, until nb_pkts frames are out or all rings are empty.
 */
uint16_t
avp_rx_burst(void *queue, struct rte_mbuf **pkts, uint16_t nb_pkts)
{
	struct avp_rx_queue *rxq = queue;
	unsigned int ri, left, end;
	uint16_t nb_rx = 0;

	if (unlikely(avp_burst_enter(&rxq->in_burst, rxq->detached,
				     &rxq->stopped) != 0))
		return 0;

	ri = rxq->cur;
	end = rxq->first + rxq->nrings;
	for (left = rxq->nrings; left != 0; left--) {
		for (;;) {
			uint32_t want = RTE_MIN(nb_pkts - nb_rx,
					AVP_BURST_MAX);
			uint16_t got;

			if (want == 0)
				goto out;
			got = avp_rx_ring(rxq, ri, pkts + nb_rx, want);
			nb_rx += got;
			if (got == 0)
				break;
		}
		if (++ri == end)
			ri = rxq->first;
	}
out:
	if (++rxq->cur == end)
		rxq->cur = rxq->first;
	avp_burst_leave(&rxq->in_burst);
	return nb_rx;
}

/*
 * Receive queue start (control path; the queue's bursts are kept out by
 * its stopped word): every frame that waited on the queue's host rings
 * up to the producer indexes seen on entry goes back on the free ring of
 * the same index, as the data path gives it back, and is counted in
 * stopped; a bad handle is dropped and counted in invalid. A ring whose
 * host index is out of range is left alone and counted once. Waits for
 * room on a free ring until deadline (timer cycles): -ETIMEDOUT then.
 */
int
avp_rx_queue_discard(struct avp_rx_queue *rxq, uint64_t deadline)
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
				if (rte_get_timer_cycles() > deadline)
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
static __rte_noinline uint16_t
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

/*
 * The tight transmit loop: n mbufs, each direct, unshared (refcnt 1),
 * single-segment, from mp and at most lim bytes, into the host buffers
 * whose handles are ap[] (alloc ring), those handles then on tp[] (tx
 * ring; both published by the caller). Descriptor and data area are
 * checked against one bound, as on receive. Stops at the first mbuf or
 * alloc handle that is anything else. Returns the packets done.
 */
static __rte_noinline uint32_t
avp_tx_run(const struct avp_tx_queue *txq, struct rte_mbuf **pkts,
		struct rte_mempool *mp, const volatile uint64_t *ap,
		volatile uint64_t *tp, uint32_t n, uint64_t *bytes)
{
	const struct avp_bufview bv = {
		.va = txq->buf.va,
		.base = txq->buf.base,
		.len = txq->buf.len - txq->buf_size + 64,
	};
	const uint32_t lim = RTE_MIN(txq->buf_size, txq->max_len);
	const uint64_t vmask = txq->vlan_insert ? RTE_MBUF_F_TX_VLAN : 0;
	/* refcnt 1 and nb_segs 1, as one 32-bit load sees them */
	const uint32_t one_one = 1 | 1u << 16;
	uint64_t sum = 0;
	uint32_t i;

	RTE_BUILD_BUG_ON(offsetof(struct rte_mbuf, nb_segs) !=
			offsetof(struct rte_mbuf, refcnt) + 2);
	for (i = 0; i < n; i++) {
		struct rte_mbuf *m = pkts[i];
		uint32_t len = m->pkt_len, rn;
		uint64_t hv = ap[i], ol = m->ol_flags;
		struct avp_desc *d;
		uint8_t *data;

		memcpy(&rn, (uint8_t *)m + offsetof(struct rte_mbuf, refcnt),
				sizeof(rn));
		if (unlikely(rn != one_one || m->pool != mp || len > lim ||
			     (ol & (RTE_MBUF_F_INDIRECT |
				    RTE_MBUF_F_EXTERNAL)) != 0))
			break;
		if (unlikely(!avp_desc_ok(&bv, hv, &d) ||
			     !avp_data_ok(&bv, AVP_READ_ONCE(d->data_va), 64,
					  &data)))
			break;
		avp_copy(data, rte_pktmbuf_mtod(m, const void *), len);
		if (unlikely(ol & vmask))
			avp_desc_tx_write(d, len, 0, 1, len,
					AVP_DESC_F_TX_VLAN, m->vlan_tci);
		else
			avp_desc_tx_write(d, len, 0, 1, len, 0, 0);
		tp[i] = hv;
		sum += len;
	}
	*bytes += sum;
	return i;
}

/*
 * Up to AVP_BURST_MAX packets: the tight loop over runs that wrap
 * neither ring, their mbufs back to the pool in one put, then the
 * general loop for what it left.
 */
static __rte_always_inline uint16_t
avp_tx_sub(struct avp_tx_queue *txq, struct rte_mbuf **pkts, uint16_t nb)
{
	struct rte_mempool *mp = pkts[0]->pool;
	uint32_t n, run, k, done = 0;
	struct avp_tx_ctx c;
	uint64_t bytes = 0;

	avp_tx_open(txq, &c);
	n = RTE_MIN((uint32_t)nb, RTE_MIN(c.aend - c.acons, c.tend - c.tprod));
	if (unlikely(n == 0))
		goto general;
	do {
		run = RTE_MIN(n - done,
			      RTE_MIN(avp_ring_contig(&txq->alloc,
						      c.acons + done),
				      avp_ring_contig(&txq->tx,
						      c.tprod + done)));
		k = avp_tx_run(txq, pkts + done, mp,
				avp_ring_run(&txq->alloc, c.acons + done),
				avp_ring_run(&txq->tx, c.tprod + done), run,
				&bytes);
		done += k;
	} while (k == run && done != n);
	if (likely(done != 0)) {
		avp_tx_publish(txq, c.acons + done, c.tprod + done);
		rte_mempool_put_bulk(mp, (void **)pkts, done);
		txq->stats.packets += done;
		txq->stats.bytes += bytes;
	}
	if (likely(done == nb))
		return done;
general:
	return done + avp_tx_general(txq, pkts + done, nb - done);
}

uint16_t
avp_tx_burst(void *queue, struct rte_mbuf **pkts, uint16_t nb_pkts)
{
	struct avp_tx_queue *txq = queue;
	uint16_t sent = 0;

	if (unlikely(avp_burst_enter(&txq->in_burst, txq->detached,
				     &txq->stopped) != 0)) {
		if (rte_atomic_load_explicit(&txq->stopped,
				rte_memory_order_relaxed) != 0)
			txq->stats.stopped += nb_pkts;
		else
			txq->stats.detached += nb_pkts;
		return 0;
	}
	while (sent < nb_pkts) {
		uint16_t want = RTE_MIN(nb_pkts - sent, AVP_BURST_MAX);
		uint16_t done = avp_tx_sub(txq, pkts + sent, want);

		sent += done;
		if (done < want) {
			txq->stats.ring_full += nb_pkts - sent;
			break;
		}
	}
	avp_burst_leave(&txq->in_burst);
	return sent;
}

int
avp_rx_burst_mode_get(struct rte_eth_dev *dev, uint16_t queue_id __rte_unused,
		struct rte_eth_burst_mode *mode)
{
	const struct avp_dev *avp = AVP_DEV(dev);

	/* From the port's state: a secondary has its own burst functions. */
	if (avp->rx_scattered)
		snprintf(mode->info, sizeof(mode->info),
			"Scattered%s: host chains of up to %u buffers into mbuf chains, %s copy",
			avp->rx_scatter_implicit ?
			" (enabled for the MTU, without the SCATTER offload)" :
			"", AVP_MAX_SEGS, avp_copy_name());
	else
		snprintf(mode->info, sizeof(mode->info),
			"Simple: one host buffer or chain into one mbuf, %s copy",
			avp_copy_name());
	return 0;
}

int
avp_tx_burst_mode_get(struct rte_eth_dev *dev, uint16_t queue_id __rte_unused,
		struct rte_eth_burst_mode *mode)
{
	if (AVP_DEV(dev)->tx_scattered)
		snprintf(mode->info, sizeof(mode->info),
			"Scattered: mbuf chains into up to %u host buffers, %s copy",
			AVP_MAX_SEGS, avp_copy_name());
	else
		snprintf(mode->info, sizeof(mode->info),
			"Simple: one mbuf into one host buffer, %s copy",
			avp_copy_name());
	return 0;
}
