/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The AVP PMD authors
 */

/*
 * The simple burst functions and the long frame copy, once for every
 * instruction set: the file that includes this one defines the vector
 * type, its width, its loads and stores and the suffix of the names,
 * and is compiled for that instruction set (see meson.build); avp_vec.c
 * chooses one set per process at run time.
 *
 * Each direction is a tight loop for the common case (one host buffer
 * per frame, one mbuf per frame, nothing to drop) that stops at the
 * first frame it does not take and leaves it, and the rest, to the
 * general loop of avp_rxtx.c. Every index, handle, address and length
 * read from shared memory goes through the checked primitives of
 * avp_shm.h.
 */

#ifndef AVP_RXTX_VEC_H
#define AVP_RXTX_VEC_H

#include <stddef.h>
#include <stdint.h>

#include <rte_common.h>
#include <rte_mbuf.h>
#include <rte_prefetch.h>

#include "avp_copy.h"
#include "avp_rxtx.h"
#include "avp_vec.h"

#define AVP_VEC_CAT2(a, b)	a ## _ ## b
#define AVP_VEC_CAT(a, b)	AVP_VEC_CAT2(a, b)
#define AVP_VEC_FN(name)	AVP_VEC_CAT(name, AVP_VEC_SUFFIX)

/* 64 bytes from s to d, stores unaligned. */
static __rte_always_inline void
avp_vec_block(uint8_t *d, const uint8_t *s)
{
	unsigned int k;

	for (k = 0; k < 64 / AVP_VEC_BYTES; k++)
		AVP_VEC_STOREU(d + k * AVP_VEC_BYTES,
				AVP_VEC_LOADU(s + k * AVP_VEC_BYTES));
}

/* 64 bytes at offset o of both, d + o on a 64-byte boundary. */
static __rte_always_inline void
avp_vec_line_at(uint8_t *d, const uint8_t *s, size_t o)
{
	unsigned int k;

	for (k = 0; k < 64 / AVP_VEC_BYTES; k++)
		AVP_VEC_STORE(d + o + k * AVP_VEC_BYTES,
				AVP_VEC_LOADU(s + o + k * AVP_VEC_BYTES));
}

/* The same from p + from to p. */
static __rte_always_inline void
avp_vec_line(uint8_t *p, uintptr_t from)
{
	avp_vec_line_at(p, (const uint8_t *)((uintptr_t)p + from), 0);
}

/*
 * The long copy, n > 64: one unaligned 64-byte block at the start, then
 * blocks stored on the destination's cache lines (a store split across
 * two lines costs more, most of all on lines another core reads next),
 * eight a step, then four, two and one, and one unaligned block ending
 * at the last byte. Touches no byte outside [0, n) of either buffer.
 */
static __rte_always_inline void
avp_vec_copy_long(uint8_t *d, const uint8_t *s, uint32_t n)
{
	/* the loop addresses the source from the destination pointer */
	const uintptr_t from = (uintptr_t)s - (uintptr_t)d;
	uint8_t *p = RTE_PTR_ALIGN_CEIL(d + 1, 64);
	size_t o, left;
	unsigned int k;

	avp_vec_block(d, s);
	for (; (size_t)(d + n - p) >= 512; p += 512)
		for (k = 0; k < 8; k++)
			avp_vec_line(p + 64 * k, from);
	o = p - d;
	left = n - o;
	if ((left & 256) != 0) {
		for (k = 0; k < 4; k++)
			avp_vec_line_at(d, s, o + 64 * k);
		o += 256;
	}
	if ((left & 128) != 0) {
		avp_vec_line_at(d, s, o);
		avp_vec_line_at(d, s, o + 64);
		o += 128;
	}
	if ((left & 64) != 0)
		avp_vec_line_at(d, s, o);
	avp_vec_block(d + n - 64, s + n - 64);
}

/*
 * A received frame of n bytes, 64 < n <= avp_rx_run_max(), into an
 * mbuf: whole 64-byte blocks, the last one past the frame (both buffers
 * hold it), eight a step, then four, two and one. The mbuf's data is
 * cache-line aligned in DPDK's pools, so the stores are.
 */
static __rte_always_inline void
avp_vec_rx_copy_long(uint8_t *d, const uint8_t *s, uint32_t n)
{
	const size_t end = RTE_ALIGN_CEIL(n, 64u);
	size_t o;
	unsigned int k;

	for (o = 0; end - o >= 512; o += 512)
		for (k = 0; k < 8; k++)
			avp_vec_block(d + o + 64 * k, s + o + 64 * k);
	if (((end - o) & 256) != 0) {
		for (k = 0; k < 4; k++)
			avp_vec_block(d + o + 64 * k, s + o + 64 * k);
		o += 256;
	}
	if (((end - o) & 128) != 0) {
		avp_vec_block(d + o, s + o);
		avp_vec_block(d + o + 64, s + o + 64);
		o += 128;
	}
	if (((end - o) & 64) != 0)
		avp_vec_block(d + o, s + o);
}

/* The long copies out of the tight loops, which need their registers. */
static __rte_noinline void
avp_vec_rx_copy_long_call(uint8_t *d, const uint8_t *s, uint32_t n)
{
	avp_vec_rx_copy_long(d, s, n);
}

static __rte_noinline void
avp_vec_copy_long_call(uint8_t *d, const uint8_t *s, uint32_t n)
{
	avp_vec_copy_long(d, s, n);
}

/* For the general loops and the tests (avp_copy_fn). */
void
AVP_VEC_FN(avp_copy)(void *dst, const void *src, uint32_t n)
{
	avp_vec_copy_long(dst, src, n);
}

/* Exactly [0, n) of both buffers, any n. */
static __rte_always_inline void
avp_vec_copy(uint8_t *d, const uint8_t *s, uint32_t n)
{
#if AVP_VEC_BYTES >= 32
	if (likely(n >= 32 && n <= 64)) {
		__m256i a = _mm256_loadu_si256((const __m256i *)s);
		__m256i b = _mm256_loadu_si256((const __m256i *)(s + n - 32));

		_mm256_storeu_si256((__m256i *)d, a);
		_mm256_storeu_si256((__m256i *)(d + n - 32), b);
		return;
	}
#endif
	if (likely(n <= 64))
		avp_copy_short(d, s, n);
	else
		avp_vec_copy_long_call(d, s, n);
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
 * data area holds buf_size >= 64 bytes, and lim leaves room in both
 * buffers for the copy's last 64-byte block past the frame.
 */
static __rte_always_inline uint32_t
avp_vec_rx_run(const struct avp_rx_queue *rxq, const volatile uint64_t *hp,
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
	/*
	 * The three arrays are walked together: one pointer and the
	 * distances to the other two keep the loop to one induction
	 * variable.
	 */
	const uintptr_t to_h = (uintptr_t)hp - (uintptr_t)pkts;
	const uintptr_t to_f = (uintptr_t)fp - (uintptr_t)pkts;
	struct rte_mbuf **p = pkts, **const end = pkts + n;
	uint64_t sum = 0;
	uint32_t i;

	RTE_BUILD_BUG_ON(AVP_MIN_BUF_SIZE < 64);
	/*
	 * The first descriptors of the run: once the loop runs, its own
	 * out-of-order window reaches the frames after them (each frame's
	 * address is on the ring, nothing in the loop waits for another).
	 */
	for (i = 0; i < RTE_MIN(n, 4u); i++)
		rte_prefetch0(avp_desc_prefetch_addr(&bv, hp[i]));
	for (; p != end; p++) {
		const uintptr_t at = (uintptr_t)p;
		uint64_t hv = *(const volatile uint64_t *)(at + to_h), dst;
		struct rte_mbuf *m = *p;
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
		*(volatile uint64_t *)(at + to_f) = hv;
		to = (uint8_t *)m->buf_addr + RTE_PKTMBUF_HEADROOM;
		if (likely(flen <= 64))
			avp_vec_block(to, data);
		else
			avp_vec_rx_copy_long_call(to, data, flen);
		avp_mbuf_fill(m, rearm, flen, d);
		sum += flen;
	}
	*bytes += sum;
	return p - pkts;
}

/* The tight loop with the MAC filter on, and with it off. */
static __rte_noinline uint32_t
avp_vec_rx_run_filtered(const struct avp_rx_queue *rxq,
		const volatile uint64_t *hp, volatile uint64_t *fp,
		struct rte_mbuf **pkts, uint32_t n, uint32_t lim8,
		uint64_t *bytes)
{
	return avp_vec_rx_run(rxq, hp, fp, pkts, n, lim8, bytes, 1);
}

static __rte_noinline uint32_t
avp_vec_rx_run_all(const struct avp_rx_queue *rxq,
		const volatile uint64_t *hp, volatile uint64_t *fp,
		struct rte_mbuf **pkts, uint32_t n, uint32_t lim8,
		uint64_t *bytes)
{
	return avp_vec_rx_run(rxq, hp, fp, pkts, n, lim8, bytes, 0);
}

/*
 * Receive from one host ring: raw mbufs for the whole burst in one get,
 * the tight loop over runs that wrap neither ring, the general loop for
 * what it left.
 */
static __rte_always_inline uint16_t
avp_vec_rx_ring(struct avp_rx_queue *rxq, unsigned int ri,
		struct rte_mbuf **pkts, uint32_t nb)
{
	const struct avp_shring *rx = &rxq->rx[ri], *fr = &rxq->free[ri];
	struct rte_mempool *mp = rxq->pool;
	/* flen in [8, lim] is flen - 8 < lim8 */
	const uint32_t lim8 = avp_rx_run_max(rxq) - 7;
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
		k = (rxq->filter != AVP_FILTER_NONE ?
		     avp_vec_rx_run_filtered : avp_vec_rx_run_all)(rxq,
				avp_ring_run(rx, cons + done),
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
AVP_VEC_FN(avp_rx_burst)(void *queue, struct rte_mbuf **pkts,
		uint16_t nb_pkts)
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
			got = avp_vec_rx_ring(rxq, ri, pkts + nb_rx, want);
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
 * The tight transmit loop: n mbufs, each direct, unshared (refcnt 1),
 * single-segment, from mp and at most lim bytes, into the host buffers
 * whose handles are ap[] (alloc ring), those handles then on tp[] (tx
 * ring; both published by the caller). Descriptor and data area are
 * checked against one bound, as on receive. Stops at the first mbuf or
 * alloc handle that is anything else. Returns the packets done.
 */
static __rte_noinline uint32_t
avp_vec_tx_run(const struct avp_tx_queue *txq, struct rte_mbuf **pkts,
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
	/* one induction variable, as on receive */
	const uintptr_t to_a = (uintptr_t)ap - (uintptr_t)pkts;
	const uintptr_t to_t = (uintptr_t)tp - (uintptr_t)pkts;
	struct rte_mbuf **p = pkts, **const end = pkts + n;
	uint64_t sum = 0;

	RTE_BUILD_BUG_ON(offsetof(struct rte_mbuf, nb_segs) !=
			offsetof(struct rte_mbuf, refcnt) + 2);
	for (; p != end; p++) {
		const uintptr_t at = (uintptr_t)p;
		struct rte_mbuf *m = *p;
		uint32_t len = m->pkt_len, rn;
		uint64_t hv = *(const volatile uint64_t *)(at + to_a);
		uint64_t ol = m->ol_flags;
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
		avp_vec_copy(data, rte_pktmbuf_mtod(m, const uint8_t *), len);
		avp_desc_tx_write(d, len, 0, 1, len, 0, 0);
		if (unlikely(ol & vmask)) {
			d->flags = AVP_DESC_F_TX_VLAN;
			d->vlan_tci = m->vlan_tci;
		}
		*(volatile uint64_t *)(at + to_t) = hv;
		sum += len;
	}
	*bytes += sum;
	return p - pkts;
}

/*
 * Up to AVP_BURST_MAX packets: the tight loop over runs that wrap
 * neither ring, their mbufs back to the pool in one put, then the
 * general loop for what it left.
 */
static __rte_always_inline uint16_t
avp_vec_tx_sub(struct avp_tx_queue *txq, struct rte_mbuf **pkts, uint16_t nb)
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
		k = avp_vec_tx_run(txq, pkts + done, mp,
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
AVP_VEC_FN(avp_tx_burst)(void *queue, struct rte_mbuf **pkts,
		uint16_t nb_pkts)
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
		uint16_t done = avp_vec_tx_sub(txq, pkts + sent, want);

		sent += done;
		if (done < want) {
			txq->stats.ring_full += nb_pkts - sent;
			break;
		}
	}
	avp_burst_leave(&txq->in_burst);
	return sent;
}

#endif /* AVP_RXTX_VEC_H */
