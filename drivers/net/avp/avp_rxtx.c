/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The AVP PMD authors
 */

/*
 * Receive and transmit bursts. Two paths each, chosen when the port
 * starts: simple (every frame fits one mbuf and, on transmit, one host
 * buffer) and scattered (chains of mbufs). Either takes host chains of
 * up to 5 buffers on receive, split anywhere, and mbuf chains on
 * transmit.
 *
 * Every handle, address and length read from shared memory is checked
 * against the buffer region before use; ring indexes are masked with the
 * sizes snapshotted at attach. A bad frame is dropped and counted.
 */

#include <errno.h>
#include <string.h>

#include <rte_common.h>
#include <rte_cycles.h>
#include <rte_memcpy.h>
#include <rte_mbuf.h>
#include <rte_prefetch.h>

#include "avp_ethdev.h"
#include "avp_logs.h"

#define AVP_READ_ONCE(x) (*(const volatile __typeof__(x) *)&(x))

/*
 * Frame copy: 256-byte blocks, then 64-byte ones, then one 64-byte move
 * ending at the last byte (overlapping what is already copied); 32 to 64
 * bytes in two overlapping 32-byte moves. Fewer
 * instructions than rte_memcpy's aligned loop for frames of 64 bytes and
 * more; never touches a byte outside [0, n) of either buffer.
 */
static __rte_always_inline void
avp_copy(void *dst, const void *src, uint32_t n)
{
#ifdef RTE_ARCH_X86
	uint8_t *d = dst;
	const uint8_t *s = src;

	if (n <= 64) {
		if (likely(n >= 32)) {	/* two moves, overlapping */
			rte_mov32(d, s);
			rte_mov32(d - 32 + n, s - 32 + n);
		} else {
			rte_memcpy(d, s, n);
		}
		return;
	}
	for (; n > 256; n -= 256, d += 256, s += 256)
		rte_mov256(d, s);
	for (; n > 64; n -= 64, d += 64, s += 64)
		rte_mov64(d, s);
	rte_mov64(d - 64 + n, s - 64 + n);
#else
	rte_memcpy(dst, src, n);
#endif
}

/* 64 bytes, for a copy that may run past the frame (see avp_rx_run). */
static __rte_always_inline void
avp_copy64(void *dst, const void *src)
{
#ifdef RTE_ARCH_X86
	rte_mov64(dst, src);
#else
	memcpy(dst, src, 64);
#endif
}

/*
 * The one check every host-supplied address goes through: [h, h + len)
 * inside BAR 2's buffer region, translated by one subtraction. *p is set
 * either way; the result says whether it may be used. len must not
 * exceed b->len. Written as a test to branch on, so that a loop can leave
 * on failure without testing a NULL afterwards.
 */
static __rte_always_inline int
avp_data_ok(const struct avp_bufview *b, uint64_t h, uint32_t len,
		uint8_t **p)
{
	uint64_t off = h - b->va;

	*p = (uint8_t *)((uintptr_t)b->base + off);
	return off <= b->len - len;
}

static __rte_always_inline uint8_t *
avp_data_get(const struct avp_bufview *b, uint64_t h, uint32_t len)
{
	uint8_t *p;

	return likely(avp_data_ok(b, h, len, &p)) ? p : NULL;
}

/*
 * A descriptor handle to its 64 bytes in BAR 2. The descriptor must also
 * sit at its natural 64-byte alignment: a host that hands out a
 * misaligned handle would otherwise make every field access undefined.
 */
static __rte_always_inline int
avp_desc_ok(const struct avp_bufview *b, uint64_t h, struct avp_desc **d)
{
	uint64_t off = h - b->va;
	uintptr_t p = (uintptr_t)b->base + off;

	*d = (struct avp_desc *)p;
	return off <= b->len - sizeof(struct avp_desc) &&
		(p & (_Alignof(struct avp_desc) - 1)) == 0;
}

static __rte_always_inline struct avp_desc *
avp_desc_get(const struct avp_bufview *b, uint64_t h)
{
	struct avp_desc *d;

	return likely(avp_desc_ok(b, h, &d)) ? d : NULL;
}

/*
 * Where a handle's descriptor would be, for a prefetch only: a prefetch
 * never faults, so the handle is not checked, and the sum is formed on
 * integers because a stale slot may point anywhere.
 */
static __rte_always_inline const void *
avp_desc_prefetch_addr(const struct avp_bufview *b, uint64_t h)
{
	return (const void *)((uintptr_t)b->base + (h - b->va));
}

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
	if (unlikely((rte_atomic_load_explicit(detached, rte_memory_order_seq_cst) |
		      rte_atomic_load_explicit(stopped, rte_memory_order_seq_cst)) != 0)) {
		rte_atomic_store_explicit(in_burst, 0, rte_memory_order_release);
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
static __rte_noinline int
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
 * The software MAC filter, the one decision of every receive path (the
 * fast passes only take frames to our own address without asking it):
 * one compare (two loads) for frames to our own address; broadcast, the
 * all-multicast mode and the multicast list for group addresses.
 */
static __rte_always_inline int
avp_mac_accept(const struct avp_rx_queue *rxq, const uint8_t *dst)
{
	uint32_t d0, m0;
	uint16_t d1, m1;

	memcpy(&d0, dst, sizeof(d0));
	memcpy(&d1, dst + 4, sizeof(d1));
	memcpy(&m0, rxq->mac, sizeof(m0));
	memcpy(&m1, rxq->mac + 4, sizeof(m1));
	if (likely(((d0 ^ m0) | (uint32_t)(d1 ^ m1)) == 0))
		return 1;
	if (dst[0] & 0x01) {
		if (rxq->filter == AVP_FILTER_MULTICAST)
			return 1;
		if (d0 == UINT32_MAX && d1 == UINT16_MAX)	/* broadcast */
			return 1;
		return avp_mc_listed(rxq->avp, dst);
	}
	return 0;
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
 * seg_len, seg_count and frame_len of a descriptor as one little-endian
 * 64-bit word (bytes 48..55); the mask drops the host-private bytes.
 */
#define AVP_DESC_W_MASK	UINT64_C(0x0000ffff00ffffff)

/* That word of a descriptor, read once; frame_len is w >> 32. */
static __rte_always_inline uint64_t
avp_desc_word(const struct avp_desc *d)
{
	return *(const volatile uint64_t *)(uintptr_t)((uintptr_t)d +
			offsetof(struct avp_desc, seg_len)) & AVP_DESC_W_MASK;
}

/* Whether that word is one buffer holding the whole frame. */
static __rte_always_inline int
avp_desc_word_single(uint64_t w)
{
	/* seg_len == frame_len and seg_count 1 */
	return w == (w >> 32) * UINT64_C(0x100000001) + (1u << 16);
}

static __rte_always_inline void
avp_rx_offload(struct rte_mbuf *m, uint16_t flags, uint16_t tci)
{
	if (flags & AVP_DESC_F_RX_VLAN) {
		m->ol_flags = RTE_MBUF_F_RX_VLAN | RTE_MBUF_F_RX_VLAN_STRIPPED;
		m->vlan_tci = tci;
	}
}

/*
 * Gives the nret buffer handles back on the free ring of the same index
 * and releases the n rx slots they came from. Handles that are not inside
 * the buffer region are not buffers: they are dropped, not returned.
 */
static __rte_always_inline void
avp_rx_return(struct avp_shring *rx, uint32_t cons, uint32_t n,
		struct avp_shring *fr, uint32_t fprod, const uint64_t *h,
		uint32_t nret)
{
	struct avp_ring *fring = fr->ring;
	uint32_t i;

	/*
	 * Consumption of rx first: a host that sees a handle on free must
	 * also see that it was taken off rx.
	 */
	rte_atomic_store_explicit(&rx->ring->cons_idx, (cons + n) & rx->mask,
			rte_memory_order_release);
	for (i = 0; i < nret; i++)
		fring->slots[(fprod + i) & fr->mask] = h[i];
	rte_atomic_store_explicit(&fring->prod_idx, (fprod + nret) & fr->mask,
			rte_memory_order_release);
}

/* avp_rx_return for a caller that already wrote the nret free slots. */
static __rte_always_inline void
avp_rx_publish(struct avp_shring *rx, uint32_t cons, uint32_t n,
		struct avp_shring *fr, uint32_t fprod, uint32_t nret)
{
	rte_atomic_store_explicit(&rx->ring->cons_idx, (cons + n) & rx->mask,
			rte_memory_order_release);
	rte_atomic_store_explicit(&fr->ring->prod_idx, (fprod + nret) & fr->mask,
			rte_memory_order_release);
}

/*
 * Frames ready on rx[ri] that can also be given back on free[ri]. An
 * index the host wrote out of range means the ring cannot be trusted:
 * it is left alone (and counted) until the host repairs it.
 */
static __rte_always_inline uint32_t
avp_rx_ready(struct avp_rx_queue *rxq, struct avp_shring *rx,
		struct avp_shring *fr, uint32_t *cons, uint32_t *fprod)
{
	uint32_t prod, fcons, avail, space;

	prod = rte_atomic_load_explicit(&rx->ring->prod_idx,
			rte_memory_order_acquire);
	fcons = rte_atomic_load_explicit(&fr->ring->cons_idx,
			rte_memory_order_acquire);
	if (unlikely(((prod & ~rx->mask) | (fcons & ~fr->mask)) != 0)) {
		PMD_RX_LOG(DEBUG, "host ring index out of range");
		rxq->stats.invalid++;
		return 0;
	}
	*cons = rx->ring->cons_idx & rx->mask;
	avail = (prod - *cons) & rx->mask;
	*fprod = fr->ring->prod_idx & fr->mask;
	space = (fcons - *fprod - 1) & fr->mask;
	return RTE_MIN(avail, space);
}

/* A validated host chain. */
struct avp_rx_chain {
	const uint8_t *src[AVP_MAX_SEGS];
	uint16_t len[AVP_MAX_SEGS];
	uint16_t nseg;
	uint16_t need;		/* mbufs */
	uint16_t flen;
	uint16_t flags;
	uint16_t tci;
};

/*
 * The destination address of a checked frame of at least 6 bytes: in
 * place when the first segment holds it, else gathered into buf (the
 * host may split a frame anywhere, 1-byte segments included).
 */
static __rte_always_inline const uint8_t *
avp_rx_chain_dst(const struct avp_rx_chain *c, uint8_t *buf)
{
	unsigned int s, got = 0;

	if (likely(c->len[0] >= RTE_ETHER_ADDR_LEN))
		return c->src[0];
	for (s = 0; got < RTE_ETHER_ADDR_LEN; s++) {
		unsigned int n = RTE_MIN((unsigned int)c->len[s],
				RTE_ETHER_ADDR_LEN - got);

		memcpy(buf + got, c->src[s], n);
		got += n;
	}
	return buf;
}

/*
 * Walks and checks the chain headed by d: at most 5 segments, each
 * inside the buffer region and at most H bytes, the lengths adding up to
 * frame_len, seg_count right. A cycle cannot pass: it would need a sixth
 * segment. Returns 0, or which counter the frame belongs to.
 */
enum { AVP_RX_OK, AVP_RX_INVALID, AVP_RX_OVERSIZE, AVP_RX_FILTERED };

static __rte_always_inline int
avp_rx_chain_check(const struct avp_rx_queue *rxq, struct avp_desc *d,
		struct avp_rx_chain *c)
{
	const struct avp_bufview *b = &rxq->buf;
	uint8_t dst[RTE_ETHER_ADDR_LEN];
	uint32_t total = 0, flen;
	unsigned int s, nsc;
	uint64_t next;

	flen = AVP_READ_ONCE(d->frame_len);
	c->flags = AVP_READ_ONCE(d->flags);
	c->tci = AVP_READ_ONCE(d->vlan_tci);
	if (unlikely(flen > rxq->max_len))
		return AVP_RX_OVERSIZE;
	nsc = AVP_READ_ONCE(d->seg_count);
	for (s = 0; ; s++) {
		uint32_t sl = AVP_READ_ONCE(d->seg_len);
		uint8_t *data;

		if (unlikely(sl > rxq->buf_size))
			return AVP_RX_INVALID;
		data = avp_data_get(b, AVP_READ_ONCE(d->data_va), sl);
		if (unlikely(data == NULL))
			return AVP_RX_INVALID;
		c->src[s] = data;
		c->len[s] = sl;
		total += sl;
		next = AVP_READ_ONCE(d->next_va);
		if (next == 0)
			break;
		if (unlikely(s + 1 == AVP_MAX_SEGS))
			return AVP_RX_INVALID;	/* too long, or a cycle */
		d = avp_desc_get(b, next);
		if (unlikely(d == NULL))
			return AVP_RX_INVALID;
	}
	c->nseg = s + 1;
	if (unlikely(total != flen || flen == 0 ||
		     c->nseg != nsc))
		return AVP_RX_INVALID;
	c->flen = flen;
	if (likely(flen <= rxq->data_room)) {
		c->need = 1;
	} else {
		if (unlikely(!rxq->scatter))
			return AVP_RX_OVERSIZE;
		c->need = rte_reciprocal_divide(flen + rxq->data_room - 1,
				rxq->recip);
	}
	if (rxq->filter != AVP_FILTER_NONE && (flen < RTE_ETHER_ADDR_LEN ||
	    !avp_mac_accept(rxq, avp_rx_chain_dst(c, dst))))
		return AVP_RX_FILTERED;
	return AVP_RX_OK;
}

/* Copies a validated chain into need mbufs and links them. */
static __rte_always_inline void
avp_rx_chain_copy(const struct avp_rx_queue *rxq, const struct avp_rx_chain *c,
		struct rte_mbuf **mb)
{
	struct rte_mbuf *head = mb[0], *cur = head;
	uint32_t room = rxq->data_room, k = 0;
	uint8_t *dst = rte_pktmbuf_mtod(cur, uint8_t *);
	unsigned int s;

	for (s = 0; s < c->nseg; s++) {
		const uint8_t *src = c->src[s];
		uint32_t left = c->len[s];

		while (left != 0) {
			uint32_t n;

			if (room == 0) {
				struct rte_mbuf *m = mb[++k];

				cur->next = m;
				cur = m;
				dst = rte_pktmbuf_mtod(cur, uint8_t *);
				room = rxq->data_room;
			}
			n = RTE_MIN(left, room);
			rte_memcpy(dst, src, n);
			dst += n;
			src += n;
			left -= n;
			room -= n;
			cur->data_len += n;
		}
	}
	head->nb_segs = c->need;
	head->pkt_len = c->flen;
	head->port = rxq->port_id;
	avp_rx_offload(head, c->flags, c->tci);
}

/*
 * Receive from one host ring, the careful way, when the pool cannot give
 * a whole burst at once: every frame through the chain check, mbufs
 * taken only for the frames that passed, whole frames in order while
 * the pool lasts.
 */
static __rte_noinline uint16_t
avp_rx_ring_short(struct avp_rx_queue *rxq, unsigned int ri,
		struct rte_mbuf **pkts, uint32_t nb)
{
	struct avp_shring *rx = &rxq->rx[ri], *fr = &rxq->free[ri];
	struct avp_rx_chain chain[AVP_BURST_MAX];
	struct rte_mbuf *mb[AVP_RX_MBUF_MAX];
	uint64_t h[AVP_BURST_MAX];
	uint32_t cons, fprod, n, i, good = 0, total = 0, k, nret = 0;
	uint64_t bytes = 0;

	n = RTE_MIN(avp_rx_ready(rxq, rx, fr, &cons, &fprod), nb);
	if (n == 0)
		return 0;

	for (i = 0; i < n; i++) {
		struct avp_desc *d;
		uint64_t hv;
		int st;

		hv = rx->ring->slots[(cons + i) & rx->mask];
		d = avp_desc_get(&rxq->buf, hv);
		if (unlikely(d == NULL)) {
			rxq->stats.invalid++;
			continue;
		}
		st = avp_rx_chain_check(rxq, d, &chain[good]);
		if (st == AVP_RX_OK &&
		    total + chain[good].need > AVP_RX_MBUF_MAX) {
			n = i;	/* the rest waits for the next round */
			break;
		}
		h[nret++] = hv;
		if (likely(st == AVP_RX_OK)) {
			total += chain[good].need;
			good++;
		} else if (st == AVP_RX_INVALID) {
			rxq->stats.invalid++;
		} else if (st == AVP_RX_OVERSIZE) {
			rxq->stats.oversize++;
		} else {
			rxq->stats.filtered++;
		}
	}

	if (total != 0 &&
	    unlikely(rte_pktmbuf_alloc_bulk(rxq->pool, mb, total) != 0)) {
		/* Short of mbufs: whole frames in order while they last. */
		for (i = 0, k = 0; i < good; k += chain[i].need, i++)
			if (rte_pktmbuf_alloc_bulk(rxq->pool, &mb[k],
					chain[i].need) != 0)
				break;
		rxq->stats.nombuf += good - i;
		good = i;
	}
	for (i = 0, k = 0; i < good; i++) {
		avp_rx_chain_copy(rxq, &chain[i], &mb[k]);
		pkts[i] = mb[k];
		k += chain[i].need;
		bytes += chain[i].flen;
	}

	avp_rx_return(rx, cons, n, fr, fprod, h, nret);
	rxq->stats.packets += good;
	rxq->stats.bytes += bytes;
	return good;
}

/*
 * A frame the general pass does not take (a host chain, which may be
 * split anywhere, a frame of fewer than 8 bytes or one too long): checks
 * the whole chain and copies it into head (an mbuf fresh from the pool)
 * and, on a scattered queue, as many more mbufs as it needs. 1 when the
 * frame is delivered, 0 when it is dropped (and counted).
 */
static __rte_noinline int
avp_rx_chain_one(struct avp_rx_queue *rxq, struct avp_desc *d,
		struct rte_mbuf *head)
{
	struct rte_mbuf *mb[AVP_MAX_SEGS * 32];
	struct avp_rx_chain c;
	int st;

	st = avp_rx_chain_check(rxq, d, &c);
	if (unlikely(st != AVP_RX_OK)) {
		if (st == AVP_RX_INVALID)
			rxq->stats.invalid++;
		else if (st == AVP_RX_OVERSIZE)
			rxq->stats.oversize++;
		else
			rxq->stats.filtered++;
		return 0;
	}
	if (unlikely(c.need > RTE_DIM(mb))) {
		rxq->stats.oversize++;
		return 0;
	}
	mb[0] = head;
	if (c.need > 1 &&
	    unlikely(rte_pktmbuf_alloc_bulk(rxq->pool, &mb[1],
					    c.need - 1) != 0)) {
		rxq->stats.nombuf++;
		return 0;
	}
	rte_pktmbuf_reset(head);
	avp_rx_chain_copy(rxq, &c, mb);
	return 1;
}

/* rearm_data of a fresh single-segment mbuf of this port. */
static __rte_always_inline uint64_t
avp_rx_rearm(uint16_t port)
{
	struct rte_mbuf mb;
	uintptr_t p = (uintptr_t)&mb.rearm_data;

	RTE_BUILD_BUG_ON(offsetof(struct avp_desc, seg_count) !=
			offsetof(struct avp_desc, seg_len) + 2);
	RTE_BUILD_BUG_ON(offsetof(struct avp_desc, frame_len) !=
			offsetof(struct avp_desc, seg_len) + 4);
	RTE_BUILD_BUG_ON(offsetof(struct avp_desc, seg_len) % 8 != 0);
	RTE_BUILD_BUG_ON(offsetof(struct rte_mbuf, refcnt) !=
			offsetof(struct rte_mbuf, data_off) + 2);
	RTE_BUILD_BUG_ON(offsetof(struct rte_mbuf, nb_segs) !=
			offsetof(struct rte_mbuf, data_off) + 4);
	RTE_BUILD_BUG_ON(offsetof(struct rte_mbuf, port) !=
			offsetof(struct rte_mbuf, data_off) + 6);
	RTE_BUILD_BUG_ON(offsetof(struct rte_mbuf, packet_type) % 8 != 0);
	RTE_BUILD_BUG_ON(offsetof(struct rte_mbuf, pkt_len) !=
			offsetof(struct rte_mbuf, packet_type) + 4);
	mb.data_off = RTE_PKTMBUF_HEADROOM;
	mb.refcnt = 1;
	mb.nb_segs = 1;
	mb.port = port;
	return *(uint64_t *)p;
}

/*
 * The largest frame the fast passes copy into one mbuf: on a scattered
 * queue, longer ones need a chain.
 */
static __rte_always_inline uint32_t
avp_rx_fast_lim(const struct avp_rx_queue *rxq, int scattered)
{
	return scattered ? RTE_MIN(RTE_MIN(rxq->max_len,
			(uint32_t)rxq->data_room), rxq->buf_size) :
		rxq->max_len;
}

/*
 * Receive from one host ring, general pass: one bulk get of raw mbufs for
 * the whole burst, then one pass that checks each descriptor, copies the
 * frame and writes the mbuf fields it needs (a raw mbuf from the pool
 * already has next == NULL), dropping and counting bad frames as it
 * goes. Anything but a single buffer of 8 to lim bytes takes
 * avp_rx_chain_one. Unused mbufs go back in one put.
 */
static __rte_noinline uint16_t
avp_rx_ring_general(struct avp_rx_queue *rxq, unsigned int ri,
		struct rte_mbuf **pkts, uint32_t nb, int scattered)
{
	struct avp_shring *rx = &rxq->rx[ri], *fr = &rxq->free[ri];
	const struct avp_bufview bv = rxq->buf;
	struct rte_mempool *mp = rxq->pool;
	const volatile uint64_t *slots = rx->ring->slots;
	const uint32_t lim = avp_rx_fast_lim(rxq, scattered);
	/* flen in [8, lim] is flen - 8 < lim8 (lim is at least 64) */
	const uint32_t lim8 = lim - 7;
	const uint64_t rearm = avp_rx_rearm(rxq->port_id);
	/* The filter flag folded into the MAC compare: no bits, no filter. */
	const uint64_t fmask = rxq->filter != AVP_FILTER_NONE ?
		UINT64_C(0x0000ffffffffffff) : 0;
	const uint64_t mac = avp_mac64(rxq->mac);
	volatile uint64_t *fslots = fr->ring->slots;
	uint32_t rmask = rx->mask, fmask_r = fr->mask;
	uint32_t cons, fprod, n, ci, stop, fd;
	struct rte_mbuf **out = pkts;
	uint64_t bytes = 0, next;
	uint32_t good;

	n = RTE_MIN(avp_rx_ready(rxq, rx, fr, &cons, &fprod), nb);
	if (n == 0)
		return 0;
	if (unlikely((rte_pktmbuf_priv_flags(mp) &
		      RTE_PKTMBUF_POOL_F_PINNED_EXT_BUF) != 0 ||
		     rte_mempool_get_bulk(mp, (void **)pkts, n) != 0))
		return avp_rx_ring_short(rxq, ri, pkts, nb);

	/*
	 * Running positions: ci on rx (one ahead of the frame at hand) and
	 * out over the mbufs; the frame's slot on free is ci + fd, and fd
	 * only changes when a handle is dropped. The handle of the next
	 * slot is carried from one pass to the next.
	 */
	fd = fprod - cons - 1;
	stop = cons + n;
	next = slots[cons & rmask];
	rte_prefetch0(avp_desc_prefetch_addr(&bv, next));
	for (ci = cons; ci != stop; ) {
		uint64_t hv = next;
		struct avp_desc *d = avp_desc_get(&bv, hv);
		struct rte_mbuf *m = *out;
		uint64_t w, dst;
		uint32_t flen;
		uint16_t fl;
		uint8_t *data;

		/* The slot after the last one may hold no handle yet. */
		next = slots[++ci & rmask];
		rte_prefetch0(avp_desc_prefetch_addr(&bv, next));
		if (unlikely(d == NULL)) {
			PMD_RX_LOG(DEBUG, "bad handle 0x%" PRIx64, hv);
			rxq->stats.invalid++;
			fd--;
			continue;
		}
		/* Back on free[ri]; published with the indexes below. */
		fslots[(ci + fd) & fmask_r] = hv;
		/*
		 * seg_len, seg_count and frame_len in one load: a single
		 * buffer holds the whole frame (host-private bytes masked).
		 * Frames of fewer than 8 bytes (no 8-byte MAC load) take
		 * the careful path too.
		 */
		w = avp_desc_word(d);
		flen = (uint32_t)(w >> 32);
		if (unlikely(flen - sizeof(dst) >= lim8 ||
			     !avp_desc_word_single(w) ||
			     AVP_READ_ONCE(d->next_va) != 0)) {
			/* A chain, or short or long: the full check. */
			if (avp_rx_chain_one(rxq, d, m)) {
				bytes += m->pkt_len;
				out++;
			}
			continue;
		}
		data = avp_data_get(&bv, AVP_READ_ONCE(d->data_va), flen);
		if (unlikely(data == NULL)) {
			rxq->stats.invalid++;
			continue;
		}
		memcpy(&dst, data, sizeof(dst));
		if (unlikely(((dst ^ mac) & fmask) != 0) &&
		    !avp_mac_accept(rxq, data)) {
			rxq->stats.filtered++;
			continue;
		}
		avp_copy((uint8_t *)m->buf_addr + RTE_PKTMBUF_HEADROOM, data,
				flen);
		*(uint64_t *)(uintptr_t)&m->rearm_data = rearm;
		fl = AVP_READ_ONCE(d->flags);
		if (unlikely(fl & AVP_DESC_F_RX_VLAN)) {
			m->ol_flags = RTE_MBUF_F_RX_VLAN |
				RTE_MBUF_F_RX_VLAN_STRIPPED;
			m->vlan_tci = AVP_READ_ONCE(d->vlan_tci);
		} else {
			m->ol_flags = 0;
			m->vlan_tci = 0;
		}
		/* packet_type 0 and pkt_len in one store */
		*(uint64_t *)((uintptr_t)m +
			offsetof(struct rte_mbuf, packet_type)) =
			(uint64_t)flen << 32;
		m->data_len = (uint16_t)flen;
		bytes += flen;
		out++;
	}
	good = out - pkts;
	if (unlikely(good != n))
		rte_mempool_put_bulk(mp, (void **)&pkts[good], n - good);

	avp_rx_publish(rx, cons, n, fr, fprod, stop + fd + 1 - fprod);
	rxq->stats.packets += good;
	rxq->stats.bytes += bytes;
	return good;
}

/*
 * The common case in one tight pass: n frames from the rx slots hp[],
 * each a good single buffer (seg_count 1, seg_len == frame_len, no next)
 * of 8 to lim bytes whose data area holds the H bytes the ABI promises,
 * for our address or with the filter off. Their handles go to fp[] (free
 * ring, not yet published) and the frames into the raw mbufs pkts[].
 * Stops at the first frame that is anything else and leaves it, and the
 * rest, to the general pass. Returns the frames done.
 *
 * Because lim <= H and the data area is known to hold H >= 64 bytes, and
 * an mbuf holds at least 64, a short frame is copied as one 64-byte block.
 */
static __rte_always_inline uint32_t
avp_rx_run(const struct avp_rx_queue *rxq, const volatile uint64_t *hp,
		volatile uint64_t *fp, struct rte_mbuf **pkts, uint32_t n,
		uint32_t lim, uint64_t *bytesp)
{
	const struct avp_bufview bv = rxq->buf;
	const uint64_t hlim = bv.len - rxq->buf_size;
	const uint64_t rearm = avp_rx_rearm(rxq->port_id);
	/* The filter flag folded into the MAC compare: no bits, no filter. */
	const uint64_t fmask = rxq->filter != AVP_FILTER_NONE ?
		UINT64_C(0x0000ffffffffffff) : 0;
	const uint64_t mac = avp_mac64(rxq->mac);
	/* flen in [8, lim] is flen - 8 < lim8 (lim is at least 64) */
	const uint32_t lim8 = lim - 7;
	uint64_t bytes = 0;
	uint32_t i;

	RTE_BUILD_BUG_ON(offsetof(struct rte_mbuf, vlan_tci) !=
			offsetof(struct rte_mbuf, data_len) + 2);
	RTE_BUILD_BUG_ON(AVP_MIN_BUF_SIZE < 64);
	for (i = 0; i < n; i++)
		rte_prefetch0(avp_desc_prefetch_addr(&bv, hp[i]));
	for (i = 0; i < n; i++) {
		struct rte_mbuf *m = pkts[i];
		uint64_t hv = hp[i], w, dst, ol = 0;
		uint8_t *data, *to;
		struct avp_desc *d;
		uint32_t flen, dl;

		if (unlikely(!avp_desc_ok(&bv, hv, &d)))
			break;
		w = avp_desc_word(d);
		flen = (uint32_t)(w >> 32);
		if (unlikely(flen - sizeof(dst) >= lim8 ||
			     !avp_desc_word_single(w) || d->next_va != 0))
			break;
		/* H bytes from data: enough for any frame up to lim */
		if (unlikely(!avp_data_ok(&bv, AVP_READ_ONCE(d->data_va),
					  bv.len - hlim, &data)))
			break;
		memcpy(&dst, data, sizeof(dst));
		if (unlikely(((dst ^ mac) & fmask) != 0))
			break;
		fp[i] = hv;
		to = (uint8_t *)m->buf_addr + RTE_PKTMBUF_HEADROOM;
		if (likely(flen <= 64))
			avp_copy64(to, data);
		else
			avp_copy(to, data, flen);
		dl = flen;
		if (unlikely(AVP_READ_ONCE(d->flags) & AVP_DESC_F_RX_VLAN)) {
			ol = RTE_MBUF_F_RX_VLAN | RTE_MBUF_F_RX_VLAN_STRIPPED;
			dl |= (uint32_t)AVP_READ_ONCE(d->vlan_tci) << 16;
		}
		*(uint64_t *)(uintptr_t)&m->rearm_data = rearm;
		m->ol_flags = ol;
		/* packet_type 0 and pkt_len in one store */
		*(uint64_t *)((uintptr_t)m +
			offsetof(struct rte_mbuf, packet_type)) =
			(uint64_t)flen << 32;
		/* data_len and vlan_tci in one store */
		*(uint32_t *)((uintptr_t)m +
			offsetof(struct rte_mbuf, data_len)) = dl;
		bytes += flen;
	}
	*bytesp = bytes;
	return i;
}

/*
 * Receive from one host ring: the run above over as many ready frames as
 * it takes without wrapping either ring, then the general pass for what
 * it left (a frame that is not the common case, or a wrap).
 */
static __rte_always_inline uint16_t
avp_rx_ring(struct avp_rx_queue *rxq, unsigned int ri, struct rte_mbuf **pkts,
		uint32_t nb, int scattered)
{
	struct avp_shring *rx = &rxq->rx[ri], *fr = &rxq->free[ri];
	struct rte_mempool *mp = rxq->pool;
	uint32_t cons, fprod, n, done;
	uint64_t bytes;

	n = RTE_MIN(avp_rx_ready(rxq, rx, fr, &cons, &fprod), nb);
	if (n == 0)
		return 0;
	/* a run that wraps neither ring (cons and fprod are masked: n >= 1) */
	n = RTE_MIN(n, RTE_MIN(rx->mask + 1 - cons, fr->mask + 1 - fprod));
	if (unlikely((rte_pktmbuf_priv_flags(mp) &
		      RTE_PKTMBUF_POOL_F_PINNED_EXT_BUF) != 0 ||
		     rte_mempool_get_bulk(mp, (void **)pkts, n) != 0))
		return avp_rx_ring_general(rxq, ri, pkts, nb, scattered);
	done = avp_rx_run(rxq, &rx->ring->slots[cons], &fr->ring->slots[fprod],
			pkts, n, avp_rx_fast_lim(rxq, scattered), &bytes);
	avp_rx_publish(rx, cons, done, fr, fprod, done);
	rxq->stats.packets += done;
	rxq->stats.bytes += bytes;
	if (likely(done == n))
		return done;
	rte_mempool_put_bulk(mp, (void **)&pkts[done], n - done);
	return done + avp_rx_ring_general(rxq, ri, pkts + done, nb - done,
			scattered);
}

/*
 * Serves every host ring mapped to the queue, starting with a different
 * one each call, until nb_pkts frames are out or all rings are empty.
 */
static __rte_always_inline uint16_t
avp_rx_burst(void *queue, struct rte_mbuf **pkts, uint16_t nb_pkts,
		int scattered)
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
			got = avp_rx_ring(rxq, ri, pkts + nb_rx, want,
					scattered);
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
		struct avp_shring *rx = &rxq->rx[ri], *fr = &rxq->free[ri];
		uint32_t prod, left;

		prod = rte_atomic_load_explicit(&rx->ring->prod_idx,
				rte_memory_order_acquire);
		if (prod & ~rx->mask) {
			rxq->stats.invalid++;
			continue;
		}
		left = (prod - rx->ring->cons_idx) & rx->mask;
		while (left != 0) {
			uint64_t h[AVP_BURST_MAX];
			uint32_t cons, fcons, fprod, n, i, nret = 0;
			struct avp_desc *d;

			fcons = rte_atomic_load_explicit(&fr->ring->cons_idx,
					rte_memory_order_acquire);
			if (fcons & ~fr->mask) {
				rxq->stats.invalid++;
				break;
			}
			cons = rx->ring->cons_idx & rx->mask;
			fprod = fr->ring->prod_idx & fr->mask;
			n = RTE_MIN((fcons - fprod - 1) & fr->mask, left);
			n = RTE_MIN(n, (uint32_t)AVP_BURST_MAX);
			if (n == 0) {
				if (rte_get_timer_cycles() > deadline)
					return -ETIMEDOUT;
				rte_delay_us_sleep(10);
				continue;
			}
			for (i = 0; i < n; i++) {
				uint64_t hv = rx->ring->slots[(cons + i) &
						rx->mask];

				if (avp_desc_ok(&rxq->buf, hv, &d)) {
					h[nret++] = hv;
					rxq->stats.stopped++;
				} else {
					rxq->stats.invalid++;
				}
			}
			avp_rx_return(rx, cons, n, fr, fprod, h, nret);
			left -= n;
		}
	}
	return 0;
}

uint16_t
avp_rx_burst_simple(void *queue, struct rte_mbuf **pkts, uint16_t nb_pkts)
{
	return avp_rx_burst(queue, pkts, nb_pkts, 0);
}

uint16_t
avp_rx_burst_scattered(void *queue, struct rte_mbuf **pkts, uint16_t nb_pkts)
{
	return avp_rx_burst(queue, pkts, nb_pkts, 1);
}

/* Room on the transmit side: host buffers on alloc, slots on tx. */
struct avp_tx_ctx {
	uint32_t acons, avail, aused;
	uint32_t tprod, space, placed;
};

static __rte_always_inline void
avp_tx_ctx_init(struct avp_tx_queue *txq, struct avp_tx_ctx *c)
{
	struct avp_ring *ar = txq->alloc.ring, *tr = txq->tx.ring;
	uint32_t aprod, tcons;

	aprod = rte_atomic_load_explicit(&ar->prod_idx, rte_memory_order_acquire);
	tcons = rte_atomic_load_explicit(&tr->cons_idx, rte_memory_order_acquire);
	c->acons = ar->cons_idx & txq->alloc.mask;
	c->avail = (aprod - c->acons) & txq->alloc.mask;
	c->aused = 0;
	c->tprod = tr->prod_idx & txq->tx.mask;
	c->space = (tcons - c->tprod - 1) & txq->tx.mask;
	c->placed = 0;
	/* Host indexes out of range: do not use the rings at all. */
	if (unlikely(((aprod & ~txq->alloc.mask) |
		      (tcons & ~txq->tx.mask)) != 0)) {
		PMD_TX_LOG(DEBUG, "host ring index out of range");
		txq->stats.invalid++;
		c->avail = 0;
		c->space = 0;
	}
}

static __rte_always_inline void
avp_tx_ctx_publish(struct avp_tx_queue *txq, const struct avp_tx_ctx *c)
{
	rte_atomic_store_explicit(&txq->alloc.ring->cons_idx,
			(c->acons + c->aused) & txq->alloc.mask,
			rte_memory_order_release);
	rte_atomic_store_explicit(&txq->tx.ring->prod_idx,
			(c->tprod + c->placed) & txq->tx.mask,
			rte_memory_order_release);
}

/*
 * Takes need usable host buffers from alloc, skipping (and counting)
 * bad ones. Returns 0, or -1 when alloc runs dry first; then only the
 * bad handles in front are consumed.
 */
static __rte_always_inline int
avp_tx_take(struct avp_tx_queue *txq, struct avp_tx_ctx *c, unsigned int need,
		uint64_t *h, struct avp_desc **d, uint8_t **data)
{
	const struct avp_ring *ar = txq->alloc.ring;
	uint32_t k = c->aused, bad = 0;
	unsigned int got = 0;

	while (got < need) {
		uint64_t hv;
		struct avp_desc *dv;
		uint8_t *dp = NULL;

		if (k == c->avail)
			return -1;
		hv = ar->slots[(c->acons + k) & txq->alloc.mask];
		k++;
		dv = avp_desc_get(&txq->buf, hv);
		if (likely(dv != NULL))
			dp = avp_data_get(&txq->buf,
					AVP_READ_ONCE(dv->data_va),
					txq->buf_size);
		if (unlikely(dp == NULL)) {
			PMD_TX_LOG(DEBUG, "bad alloc handle 0x%" PRIx64, hv);
			if (got == 0) {
				txq->stats.invalid++;
				c->aused = k;
			} else {
				bad++;
			}
			continue;
		}
		h[got] = hv;
		d[got] = dv;
		data[got] = dp;
		got++;
	}
	txq->stats.invalid += bad;
	c->aused = k;
	return 0;
}

static __rte_always_inline void
avp_tx_head(const struct avp_tx_queue *txq, struct avp_desc *d,
		const struct rte_mbuf *m, uint8_t nseg, uint16_t len)
{
	d->seg_count = nseg;
	d->frame_len = len;
	if (txq->vlan_insert && (m->ol_flags & RTE_MBUF_F_TX_VLAN)) {
		d->flags = AVP_DESC_F_TX_VLAN;
		d->vlan_tci = m->vlan_tci;
	} else {
		d->flags = 0;
		d->vlan_tci = 0;
	}
}

/* Copies an mbuf chain (at most len bytes) into one host buffer. */
static uint32_t
avp_tx_gather(uint8_t *dst, const struct rte_mbuf *m, uint32_t len)
{
	uint32_t done = 0;

	for (; m != NULL && done < len; m = m->next) {
		uint32_t n = RTE_MIN((uint32_t)m->data_len, len - done);

		rte_memcpy(dst + done, rte_pktmbuf_mtod(m, const void *), n);
		done += n;
	}
	return done;
}

/* The fast path met a bad alloc handle: skip it (and count it). */
static __rte_noinline int
avp_tx_take_slow(struct avp_tx_queue *txq, struct avp_tx_ctx *c,
		uint64_t *h, struct avp_desc **d, uint8_t **data)
{
	return avp_tx_take(txq, c, 1, h, d, data);
}

/*
 * A packet the fast path does not take: an mbuf chain, or longer than
 * one host buffer. Returns 0 with *h and *len set when it is placed in
 * host buffers, 1 when it is dropped as oversize, -1 when the host has
 * no room for it now.
 */
static __rte_noinline int
avp_tx_one_slow(struct avp_tx_queue *txq, struct avp_tx_ctx *c,
		struct rte_mbuf *m, int scattered, uint64_t *hp, uint32_t *lenp)
{
	uint32_t len = m->pkt_len, need, left, room, b = 0;
	uint64_t h[AVP_MAX_SEGS];
	struct avp_desc *d[AVP_MAX_SEGS];
	uint8_t *data[AVP_MAX_SEGS] = { NULL };
	uint16_t slen[AVP_MAX_SEGS] = { 0 };
	struct rte_mbuf *seg;
	uint8_t *dst;

	if (unlikely(len > txq->max_len)) {
		txq->stats.oversize++;
		return 1;
	}
	need = !scattered || len <= txq->buf_size ? 1 :
		rte_reciprocal_divide(len + txq->buf_size - 1, txq->recip);
	if (unlikely(c->placed == c->space) ||
	    unlikely(avp_tx_take(txq, c, need, h, d, data) != 0))
		return -1;
	if (!scattered) {
		len = avp_tx_gather(data[0], m, len);
		d[0]->seg_len = len;
		d[0]->next_va = 0;
		avp_tx_head(txq, d[0], m, 1, len);
		*hp = h[0];
		*lenp = len;
		return 0;
	}

	/* Fill each host buffer up to H bytes, in order. */
	dst = data[0];
	room = txq->buf_size;
	left = len;
	for (seg = m; seg != NULL && left != 0; seg = seg->next) {
		const uint8_t *src = rte_pktmbuf_mtod(seg, const uint8_t *);
		uint32_t sl = RTE_MIN((uint32_t)seg->data_len, left);

		left -= sl;
		while (sl != 0) {
			uint32_t n;

			if (room == 0) {
				dst = data[++b];
				room = txq->buf_size;
			}
			n = RTE_MIN(sl, room);
			rte_memcpy(dst, src, n);
			dst += n;
			src += n;
			sl -= n;
			room -= n;
			slen[b] += n;
		}
	}
	len -= left;	/* short mbuf chain: send what is there */
	for (b = 0; b < need; b++) {
		d[b]->seg_len = slen[b];
		d[b]->next_va = b + 1 < need ? h[b + 1] : 0;
	}
	avp_tx_head(txq, d[0], m, need, len);
	*hp = h[0];
	*lenp = len;
	return 0;
}

/*
 * Up to AVP_BURST_MAX packets, general pass: any mbuf, bad alloc handles
 * skipped and counted. A single-segment mbuf that fits one host buffer
 * takes one alloc slot, one checked translation of the descriptor and of
 * its data area, one copy; anything else avp_tx_one_slow. The mbufs go
 * back to their pool in one put when they all come from the same pool
 * and nothing else holds them; otherwise rte_pktmbuf_free_bulk.
 */
static __rte_noinline uint16_t
avp_tx_general(struct avp_tx_queue *txq, struct rte_mbuf **pkts, uint16_t nb,
		int scattered)
{
	const struct avp_bufview bv = txq->buf;
	const uint32_t H = txq->buf_size;
	const uint32_t lim = RTE_MIN(H, txq->max_len);
	const uint64_t vmask = txq->vlan_insert ? RTE_MBUF_F_TX_VLAN : 0;
	volatile uint64_t *aslots = txq->alloc.ring->slots;
	volatile uint64_t *tslots = txq->tx.ring->slots;
	const uint32_t amask = txq->alloc.mask, tmask = txq->tx.mask;
	struct rte_mempool *mp = pkts[0]->pool;
	uint32_t aidx, tidx, room;
	struct avp_tx_ctx c;
	uint64_t bytes = 0;
	uintptr_t slow_free = 0;
	uint16_t i;

	/*
	 * The loop keeps running ring positions in registers and the room
	 * left on both rings as one count; c is for the slow paths.
	 */
	avp_tx_ctx_init(txq, &c);
	aidx = c.acons;
	tidx = c.tprod;
	room = RTE_MIN(c.avail, c.space);
	for (i = 0; i < nb; i++) {
		struct rte_mbuf *m = pkts[i];
		uint32_t len = m->pkt_len;
		uint64_t ol = m->ol_flags;
		struct avp_desc *d;
		uint8_t *data;
		uint64_t hv;

		/*
		 * Anything but direct, unshared (refcnt 1), single-segment
		 * (nb_segs 1), from mp: refcnt and nb_segs from one load of
		 * the rearm word (avp_rx_rearm checks the layout).
		 */
		uint64_t rw = *(const uint64_t *)(uintptr_t)&m->rearm_data;

		slow_free |= ((uintptr_t)m->pool ^ (uintptr_t)mp) |
			(((rw >> 16) & UINT32_MAX) ^ UINT32_C(0x10001)) |
			(ol & (RTE_MBUF_F_INDIRECT | RTE_MBUF_F_EXTERNAL));
		if (likely((uint16_t)(rw >> 32) == 1 && len <= lim)) {
			if (unlikely(room == 0))
				break;
			hv = aslots[aidx & amask];
			d = avp_desc_get(&bv, hv);
			data = likely(d != NULL) ? avp_data_get(&bv,
					AVP_READ_ONCE(d->data_va), H) : NULL;
			if (likely(data != NULL)) {
				aidx++;
				room--;
			} else {
				/* not &hv, &d, &data: they stay in registers */
				struct avp_desc *sd;
				uint8_t *sdata;
				uint64_t sh;
				int ret;

				c.aused = aidx - c.acons;
				c.placed = tidx - c.tprod;
				ret = avp_tx_take_slow(txq, &c, &sh, &sd, &sdata);
				hv = sh;
				d = sd;
				data = sdata;
				aidx = c.acons + c.aused;
				if (ret != 0)
					break;	/* only bad handles were left */
				/* less the tx slot this packet takes below */
				room = RTE_MIN(c.avail - c.aused,
						c.space - c.placed - 1);
			}
			avp_copy(data, rte_pktmbuf_mtod(m, const void *), len);
			d->seg_len = (uint16_t)len;
			d->next_va = 0;
			d->seg_count = 1;
			d->frame_len = (uint16_t)len;
			if (ol & vmask) {
				d->flags = AVP_DESC_F_TX_VLAN;
				d->vlan_tci = m->vlan_tci;
			} else {
				d->flags = 0;
				d->vlan_tci = 0;
			}
		} else {
			uint32_t slen;
			uint64_t sh;
			int ret;

			c.aused = aidx - c.acons;
			c.placed = tidx - c.tprod;
			ret = avp_tx_one_slow(txq, &c, m, scattered, &sh, &slen);
			hv = sh;
			len = slen;
			aidx = c.acons + c.aused;
			if (ret < 0)
				break;
			if (ret > 0)
				continue;	/* dropped, freed below */
			/* less the tx slot this packet takes below */
			room = RTE_MIN(c.avail - c.aused,
					c.space - c.placed - 1);
		}
		tslots[tidx & tmask] = hv;
		tidx++;
		bytes += len;
	}
	c.aused = aidx - c.acons;
	c.placed = tidx - c.tprod;
	avp_tx_ctx_publish(txq, &c);
	if (likely(slow_free == 0))
		rte_mempool_put_bulk(mp, (void **)pkts, i);
	else
		rte_pktmbuf_free_bulk(pkts, i);
	txq->stats.packets += c.placed;
	txq->stats.bytes += bytes;
	return i;
}

/*
 * The common case in one tight pass: n mbufs, each direct, unshared
 * (refcnt 1), single-segment, from mp and no longer than one host buffer,
 * into the buffers whose handles are ap[] (alloc ring), handles then on
 * tp[] (tx ring, not yet published). Stops at the first mbuf or alloc
 * handle that is anything else and leaves it, and the rest, to the
 * general pass. Returns the packets done.
 */
static __rte_always_inline uint32_t
avp_tx_run(const struct avp_tx_queue *txq, struct rte_mbuf **pkts,
		struct rte_mempool *mp, const volatile uint64_t *ap,
		volatile uint64_t *tp, uint32_t n, uint64_t *bytesp)
{
	const struct avp_bufview bv = txq->buf;
	const uint32_t H = txq->buf_size;
	const uint32_t lim = RTE_MIN(H, txq->max_len);
	const uint64_t vmask = txq->vlan_insert ? RTE_MBUF_F_TX_VLAN : 0;
	/* refcnt 1 and nb_segs 1, as one 32-bit load sees them */
	const uint32_t one_one = 1 | 1u << 16;
	uint64_t bytes = 0;
	uint32_t i;

	RTE_BUILD_BUG_ON(offsetof(struct rte_mbuf, nb_segs) !=
			offsetof(struct rte_mbuf, refcnt) + 2);
	for (i = 0; i < n; i++) {
		struct rte_mbuf *m = pkts[i];
		uint32_t len = m->pkt_len, rn;
		uint64_t ol = m->ol_flags, hv;
		struct avp_desc *d;
		uint8_t *data;

		memcpy(&rn, (uint8_t *)m + offsetof(struct rte_mbuf, refcnt),
				sizeof(rn));
		if (unlikely(rn != one_one || m->pool != mp || len > lim ||
			     (ol & (RTE_MBUF_F_INDIRECT |
				    RTE_MBUF_F_EXTERNAL)) != 0))
			break;
		hv = ap[i];
		if (unlikely(!avp_desc_ok(&bv, hv, &d) ||
			     !avp_data_ok(&bv, AVP_READ_ONCE(d->data_va), H,
					  &data)))
			break;
		avp_copy(data, rte_pktmbuf_mtod(m, const void *), len);
		d->seg_len = (uint16_t)len;
		d->next_va = 0;
		d->seg_count = 1;
		d->frame_len = (uint16_t)len;
		if (unlikely(ol & vmask)) {
			d->flags = AVP_DESC_F_TX_VLAN;
			d->vlan_tci = m->vlan_tci;
		} else {
			d->flags = 0;
		}
		tp[i] = hv;
		bytes += len;
	}
	*bytesp = bytes;
	return i;
}

/*
 * Up to AVP_BURST_MAX packets: the run above over as many as both rings
 * take without wrapping, their mbufs back to the pool in one put, then
 * the general pass for what it left.
 */
static __rte_always_inline uint16_t
avp_tx_sub(struct avp_tx_queue *txq, struct rte_mbuf **pkts, uint16_t nb,
		int scattered)
{
	struct rte_mempool *mp = pkts[0]->pool;
	struct avp_tx_ctx c;
	uint32_t n, done;
	uint64_t bytes;

	avp_tx_ctx_init(txq, &c);
	n = RTE_MIN((uint32_t)nb, RTE_MIN(c.avail, c.space));
	n = RTE_MIN(n, RTE_MIN(txq->alloc.mask + 1 - c.acons,
			txq->tx.mask + 1 - c.tprod));
	done = avp_tx_run(txq, pkts, mp, &txq->alloc.ring->slots[c.acons],
			&txq->tx.ring->slots[c.tprod], n, &bytes);
	if (likely(done != 0)) {
		c.aused = done;
		c.placed = done;
		avp_tx_ctx_publish(txq, &c);
		rte_mempool_put_bulk(mp, (void **)pkts, done);
		txq->stats.packets += done;
		txq->stats.bytes += bytes;
	}
	if (likely(done == nb))
		return done;
	return done + avp_tx_general(txq, pkts + done, nb - done, scattered);
}

static __rte_always_inline uint16_t
avp_tx_burst(void *queue, struct rte_mbuf **pkts, uint16_t nb_pkts,
		int scattered)
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
		uint16_t done = avp_tx_sub(txq, pkts + sent, want,
				scattered);

		sent += done;
		if (done < want) {
			txq->stats.ring_full += nb_pkts - sent;
			break;
		}
	}
	avp_burst_leave(&txq->in_burst);
	return sent;
}

uint16_t
avp_tx_burst_simple(void *queue, struct rte_mbuf **pkts, uint16_t nb_pkts)
{
	return avp_tx_burst(queue, pkts, nb_pkts, 0);
}

uint16_t
avp_tx_burst_scattered(void *queue, struct rte_mbuf **pkts, uint16_t nb_pkts)
{
	return avp_tx_burst(queue, pkts, nb_pkts, 1);
}

int
avp_rx_burst_mode_get(struct rte_eth_dev *dev, uint16_t queue_id __rte_unused,
		struct rte_eth_burst_mode *mode)
{
	const struct avp_dev *avp = AVP_DEV(dev);

	/* From the port's state: a secondary has its own burst functions. */
	if (avp->rx_scattered)
		snprintf(mode->info, sizeof(mode->info),
			"Scattered%s: host chains of up to %u buffers into mbuf chains",
			avp->rx_scatter_implicit ?
			" (enabled for the MTU, without the SCATTER offload)" :
			"", AVP_MAX_SEGS);
	else
		snprintf(mode->info, sizeof(mode->info),
			"Simple: one host buffer or chain into one mbuf");
	return 0;
}

int
avp_tx_burst_mode_get(struct rte_eth_dev *dev, uint16_t queue_id __rte_unused,
		struct rte_eth_burst_mode *mode)
{
	if (AVP_DEV(dev)->tx_scattered)
		snprintf(mode->info, sizeof(mode->info),
			"Scattered: mbuf chains into up to %u host buffers",
			AVP_MAX_SEGS);
	else
		snprintf(mode->info, sizeof(mode->info),
			"Simple: one mbuf into one host buffer");
	return 0;
}
