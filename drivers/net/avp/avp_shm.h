/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The AVP PMD authors
 */

/*
 * The checked primitives over the host's shared memory, the one place
 * where the driver reads what an untrusted host wrote: ring indexes,
 * buffer handles, descriptors. The bursts, the control channel, the
 * migration announce and the fuzz targets all go through them.
 *
 * Rings: the peer's index is range-checked on every load; our own index
 * is masked (the host can scribble it too). Handles and addresses: one
 * subtraction and one compare against the buffer region (see avp.rst,
 * "Host memory").
 */

#ifndef AVP_SHM_H
#define AVP_SHM_H

#include <stdint.h>
#include <string.h>

#include <rte_common.h>
#include <rte_mbuf.h>
#include <rte_reciprocal.h>

#include "avp_ethdev.h"

#define AVP_READ_ONCE(x) (*(const volatile __typeof__(x) *)&(x))

/*
 * ThreadSanitizer cannot see the host: a frame handed over on one queue
 * may come back on another, through memory it watches under two
 * addresses (the guest's mapping and the host's). Under ThreadSanitizer
 * the data path releases one object standing for the host's buffers
 * before it publishes to a data ring, and acquires it after reading the
 * host's indexes. The control channel needs none: ctrl_lock orders every
 * guest access to its area.
 */
#if defined(__SANITIZE_THREAD__)
#define AVP_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define AVP_TSAN 1
#endif
#endif

#ifdef AVP_TSAN
#include <sanitizer/tsan_interface.h>
extern char avp_tsan_host;

static inline void
avp_host_acquire(void)
{
	__tsan_acquire(&avp_tsan_host);
}

static inline void
avp_host_release(void)
{
	__tsan_release(&avp_tsan_host);
}
#else
static __rte_always_inline void
avp_host_acquire(void)
{
}

static __rte_always_inline void
avp_host_release(void)
{
}
#endif

/* Rings */

/*
 * The consumer side of a ring: *cons is our index, the result the
 * entries ready; -1 when the producer's index is out of range, and the
 * ring is left alone until the host repairs it.
 */
static __rte_always_inline int
avp_ring_cons_open(const struct avp_shring *sr, uint32_t *cons,
		uint32_t *ready)
{
	uint32_t prod = rte_atomic_load_explicit(&sr->ring->prod_idx,
			rte_memory_order_acquire);

	/* ours, but the control side reads it while a burst writes it */
	*cons = rte_atomic_load_explicit(&sr->ring->cons_idx,
			rte_memory_order_relaxed) & sr->mask;
	*ready = (prod - *cons) & sr->mask;
	return likely((prod & ~sr->mask) == 0) ? 0 : -1;
}

/* The producer side: *prod is our index, the result the free slots. */
static __rte_always_inline int
avp_ring_prod_open(const struct avp_shring *sr, uint32_t *prod,
		uint32_t *room)
{
	uint32_t cons = rte_atomic_load_explicit(&sr->ring->cons_idx,
			rte_memory_order_acquire);

	*prod = rte_atomic_load_explicit(&sr->ring->prod_idx,
			rte_memory_order_relaxed) & sr->mask;
	*room = (cons - *prod - 1) & sr->mask;
	return likely((cons & ~sr->mask) == 0) ? 0 : -1;
}

/* Entries ready to consume, 0 when the producer's index is bad. */
static __rte_always_inline uint32_t
avp_ring_count(const struct avp_shring *sr)
{
	uint32_t cons, ready;

	return avp_ring_cons_open(sr, &cons, &ready) == 0 ? ready : 0;
}

/* Slots from index i (masked) to the end of the ring: a run, no wrap. */
static __rte_always_inline uint32_t
avp_ring_contig(const struct avp_shring *sr, uint32_t i)
{
	return sr->mask + 1 - (i & sr->mask);
}

static __rte_always_inline uint64_t
avp_ring_slot(const struct avp_shring *sr, uint32_t i)
{
	return sr->ring->slots[i & sr->mask];
}

static __rte_always_inline void
avp_ring_set_slot(const struct avp_shring *sr, uint32_t i, uint64_t v)
{
	sr->ring->slots[i & sr->mask] = v;
}

/* Slot i onwards, for a run of at most avp_ring_contig(sr, i). */
static __rte_always_inline volatile uint64_t *
avp_ring_run(const struct avp_shring *sr, uint32_t i)
{
	return &sr->ring->slots[i & sr->mask];
}

/* Publishes what was consumed up to index cons. */
static __rte_always_inline void
avp_ring_cons_publish(const struct avp_shring *sr, uint32_t cons)
{
	rte_atomic_store_explicit(&sr->ring->cons_idx, cons & sr->mask,
			rte_memory_order_release);
}

/* Publishes what was produced up to index prod. */
static __rte_always_inline void
avp_ring_prod_publish(const struct avp_shring *sr, uint32_t prod)
{
	rte_atomic_store_explicit(&sr->ring->prod_idx, prod & sr->mask,
			rte_memory_order_release);
}

/* Buffers and descriptors */

/*
 * Where handle h puts len bytes: *p is set either way, the result says
 * whether [h, h + len) lies inside the buffer region. len must not
 * exceed b->len. A test to branch on, so that a loop can leave on
 * failure without testing a NULL afterwards.
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
 * A descriptor handle to its 64 bytes. The descriptor must also sit at
 * its natural alignment: with a misaligned handle every field access
 * would be undefined.
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
 * Receive classification, fast half: whether d is one buffer holding a
 * whole frame of 8 to lim bytes (flen - 8 < lim8, lim8 = lim - 7) whose
 * data area holds span bytes, the frame's length in *flen and its bytes
 * at *data. Anything else goes to avp_desc_chain, which says why. Each
 * field is read once.
 */
static __rte_always_inline int
avp_desc_single(const struct avp_bufview *b, const struct avp_desc *d,
		uint32_t lim8, uint32_t span, uint8_t **data, uint32_t *flen)
{
	/* seg_len and seg_count, the host-private byte after them masked */
	uint32_t lo = *(const volatile uint32_t *)(uintptr_t)((uintptr_t)d +
			offsetof(struct avp_desc, seg_len)) & 0x00ffffff;

	RTE_BUILD_BUG_ON(offsetof(struct avp_desc, seg_count) !=
			offsetof(struct avp_desc, seg_len) + 2);
	*flen = AVP_READ_ONCE(d->frame_len);
	/* seg_len == frame_len, seg_count 1, no next segment */
	if (unlikely(*flen - 8 >= lim8 || lo != *flen + (1u << 16) ||
		     AVP_READ_ONCE(d->next_va) != 0))
		return 0;
	return avp_data_ok(b, AVP_READ_ONCE(d->data_va), span, data);
}

/* A host chain that passed avp_desc_chain. */
struct avp_rx_chain {
	const uint8_t *src[AVP_MAX_SEGS];
	uint16_t len[AVP_MAX_SEGS];
	uint16_t nseg;
	uint16_t need;		/* mbufs */
	uint16_t flen;
	uint16_t flags;
	uint16_t tci;
};

/* What avp_desc_chain found: good, or the counter a drop goes to. */
enum avp_rx_class {
	AVP_RX_OK,
	AVP_RX_INVALID,
	AVP_RX_OVERSIZE,
	AVP_RX_FILTERED,
};

/* The software MAC filter (avp_rxtx.c). */
int avp_rx_mac_accept(const struct avp_rx_queue *rxq, const uint8_t *dst);

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
 * Receive classification, full: walks and checks the chain headed by d
 * (a single buffer is a chain of one) for rxq. At most 5 segments, each
 * inside the buffer region and at most buf_size bytes, the lengths adding up
 * to frame_len, seg_count right; a cycle cannot pass, it would need a
 * sixth segment. Then the queue's limits and its MAC filter.
 */
static __rte_always_inline enum avp_rx_class
avp_desc_chain(const struct avp_rx_queue *rxq, const struct avp_desc *d,
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

		if (unlikely(sl > rxq->buf_size ||
			     !avp_data_ok(b, AVP_READ_ONCE(d->data_va), sl,
					  &data)))
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
	if (unlikely(total != flen || flen == 0 || c->nseg != nsc))
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
	    !avp_rx_mac_accept(rxq, avp_rx_chain_dst(c, dst))))
		return AVP_RX_FILTERED;
	return AVP_RX_OK;
}

/* Filling mbufs */

/* rearm_data of a fresh single-segment mbuf of port. */
static __rte_always_inline uint64_t
avp_mbuf_rearm(uint16_t port)
{
	RTE_BUILD_BUG_ON(RTE_BYTE_ORDER != RTE_LITTLE_ENDIAN);
	RTE_BUILD_BUG_ON(offsetof(struct rte_mbuf, refcnt) !=
			offsetof(struct rte_mbuf, data_off) + 2);
	RTE_BUILD_BUG_ON(offsetof(struct rte_mbuf, nb_segs) !=
			offsetof(struct rte_mbuf, data_off) + 4);
	RTE_BUILD_BUG_ON(offsetof(struct rte_mbuf, port) !=
			offsetof(struct rte_mbuf, data_off) + 6);
	/* data_off, refcnt 1, nb_segs 1, port */
	return RTE_PKTMBUF_HEADROOM | (uint64_t)1 << 16 | (uint64_t)1 << 32 |
		(uint64_t)port << 48;
}

/*
 * Every field of a raw mbuf (fresh from the pool, next already NULL)
 * that a one-segment frame of flen bytes needs, with the VLAN flag and
 * tag of its descriptor d.
 */
static __rte_always_inline void
avp_mbuf_fill(struct rte_mbuf *m, uint64_t rearm, uint32_t flen,
		const struct avp_desc *d)
{
	uint64_t ol = 0;
	uint32_t dl = flen;

	RTE_BUILD_BUG_ON(offsetof(struct rte_mbuf, vlan_tci) !=
			offsetof(struct rte_mbuf, data_len) + 2);
	if (unlikely(AVP_READ_ONCE(d->flags) & AVP_DESC_F_RX_VLAN)) {
		ol = RTE_MBUF_F_RX_VLAN | RTE_MBUF_F_RX_VLAN_STRIPPED;
		dl |= (uint32_t)AVP_READ_ONCE(d->vlan_tci) << 16;
	}
	*(uint64_t *)(uintptr_t)&m->rearm_data = rearm;
	m->ol_flags = ol;
	m->packet_type = 0;
	m->pkt_len = flen;
	/* data_len and vlan_tci in one store */
	*(uint32_t *)((uintptr_t)m + offsetof(struct rte_mbuf, data_len)) = dl;
}

/* Transmit descriptors */

/*
 * Every guest-written field of a transmit descriptor: one segment of
 * seg_len bytes followed by next (0 ends the chain); the head's
 * seg_count, frame_len, flags and VLAN tag (0 on the other segments).
 */
static __rte_always_inline void
avp_desc_tx_write(struct avp_desc *d, uint16_t seg_len, uint64_t next,
		uint8_t seg_count, uint16_t frame_len, uint16_t flags,
		uint16_t tci)
{
	d->seg_len = seg_len;
	d->next_va = next;
	d->seg_count = seg_count;
	d->frame_len = frame_len;
	d->flags = flags;
	d->vlan_tci = tci;
}

/* AVP_DESC_F_TX_VLAN when m asks for a tag and the queue inserts them. */
static __rte_always_inline uint16_t
avp_tx_vlan_flags(const struct rte_mbuf *m, uint64_t vmask)
{
	RTE_BUILD_BUG_ON(AVP_DESC_F_TX_VLAN != 1);
	return (uint16_t)((m->ol_flags & vmask) >>
			rte_bsf64(RTE_MBUF_F_TX_VLAN));
}

#endif /* AVP_SHM_H */
