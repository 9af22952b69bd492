/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The AVP PMD authors
 */

/*
 * Data plane: alloc stocking, transmit consumption with the
 * strict checker and the hand-off of good frames by traffic mode,
 * receive production and free reclaim. Everything here runs with
 * port->lock held.
 */

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "avp_emu_data.h"
#include "avp_emu_fault.h"
#include "avp_emu_queue.h"

/* RANDOM rx split with seed 0 */
#define SPLIT_SEED_DEFAULT	0x41565053u

int
emu_rx_ready(const struct avp_emu_port *port)
{
	/* until its SHUTDOWN, a guest asked to detach is still attached */
	return port->configured && port->link_up &&
		(port->mig.phase == MIG_IDLE ||
		port->mig.phase == MIG_DETACHING) && !port->fault.image &&
		port->cfg.rx_queues != 0;
}

void
emu_ring_bad_index(struct avp_emu_port *port, struct emu_ring *er, uint32_t v)
{
	if (er->bad_idx == v)
		return;
	er->bad_idx = v;
	emu_log(port, 1, "ring at BAR 2 offset 0x%" PRIx64
		": index %u out of range",
		(uint64_t)((uint8_t *)er->r - port->bar2), v);
	emu_violation(port, AVP_EMU_V_RING_INDEX);
}

/*
 * cons, the guest's consumer index on a host-produced ring, validated;
 * the buffers between the last seen index and it now belong to the
 * guest. Called only for rings whose index moved, so the work is per
 * buffer taken, not per ring and pass.
 */
static int
emu_sync_ring(struct avp_emu_port *port, struct emu_ring *er, uint32_t cons,
		uint8_t to_state)
{
	const uint32_t *shadow = er->shadow;
	struct emu_buf *bufs = port->bufs;
	uint32_t mask = er->mask, seen = er->seen, nbufs = port->nbufs;

	/* out of range, or more than the host put there */
	if (cons > mask || ((cons - seen) & mask) > ((er->pos - seen) & mask)) {
		emu_ring_bad_index(port, er, cons);
		return -1;
	}
	/* EMU_SHADOW_BOGUS is above any index: the range check skips it */
	if (to_state == BUF_GUEST_TX) {
		for (; seen != cons; seen = (seen + 1) & mask) {
			uint32_t idx = shadow[seen];

			if (idx < nbufs && bufs[idx].state == BUF_ALLOC)
				bufs[idx].state = BUF_GUEST_TX;
		}
	} else {
		for (; seen != cons; seen = (seen + 1) & mask) {
			uint32_t idx = shadow[seen];
			int32_t i;

			if (idx >= nbufs)
				continue;
			for (i = (int32_t)idx; i >= 0; i = bufs[i].next)
				if (bufs[i].state == BUF_RX)
					bufs[i].state = BUF_GUEST_RX;
		}
	}
	er->seen = cons;
	return 0;
}

static void
emu_sync_guest_cons(struct avp_emu_port *port, struct emu_ring *er,
		uint8_t to_state)
{
	uint32_t cons = __atomic_load_n(&er->r->cons_idx, __ATOMIC_ACQUIRE);

	if (cons != er->seen)
		emu_sync_ring(port, er, cons, to_state);
}

void
emu_data_sync(struct avp_emu_port *port)
{
	unsigned int q;

	for (q = 0; q < AVP_MAX_QUEUES; q++) {
		emu_sync_guest_cons(port, &port->alloc[q], BUF_GUEST_TX);
		emu_sync_guest_cons(port, &port->rx[q], BUF_GUEST_RX);
	}
}

/* Frames on the rx rings that the guest has not taken yet. */
uint32_t
emu_rx_ring_frames(struct avp_emu_port *port)
{
	uint32_t n = 0;
	unsigned int q;

	for (q = 0; q < AVP_MAX_QUEUES; q++)
		n += (port->rx[q].pos - port->rx[q].seen) & port->rx[q].mask;
	return n;
}

int
avp_emu_port_set_rx_segs(struct avp_emu_port *port, unsigned int nsegs)
{
	if (port == NULL || nsegs > AVP_MAX_SEGS)
		return -EINVAL;
	pthread_mutex_lock(&port->lock);
	port->rx_force_segs = nsegs;
	pthread_mutex_unlock(&port->lock);
	return 0;
}

int
avp_emu_port_set_rx_split(struct avp_emu_port *port,
		enum avp_emu_rx_split mode, uint32_t seed)
{
	if (port == NULL || (unsigned int)mode > AVP_EMU_RX_SPLIT_RANDOM)
		return -EINVAL;
	pthread_mutex_lock(&port->lock);
	port->rx_split = mode;
	port->rx_split_rng = seed != 0 ? seed : SPLIT_SEED_DEFAULT;
	pthread_mutex_unlock(&port->lock);
	return 0;
}

/* ---- receive production ---- */

/* Makes every rx ring filled in this pass visible to the guest. */
void
emu_rx_publish(struct avp_emu_port *port)
{
	unsigned int q;

	for (q = 0; port->rx_dirty != 0 && q < AVP_MAX_QUEUES; q++) {
		if (port->rx_dirty & (1u << q))
			emu_ring_publish_prod(&port->rx[q]);
	}
	port->rx_dirty = 0;
}

/* The next value of the port's rx split PRNG (splitmix64). */
static uint64_t
emu_split_rand(struct avp_emu_port *port)
{
	port->rx_split_rng += 0x9e3779b97f4a7c15ULL;
	return emu_mix64(port->rx_split_rng);
}

/* A random value in lo..hi. */
static uint32_t
emu_split_between(struct avp_emu_port *port, uint32_t lo, uint32_t hi)
{
	return lo + (uint32_t)(emu_split_rand(port) % (hi - lo + 1));
}

/*
 * RANDOM rx split: cuts len bytes at random points into nmin..5
 * segments of 1..seg_max bytes each, their lengths into seg. nmin is at
 * least the fewest segments len needs. One frame in four gets a 1-byte
 * first segment and one in eight a 2..5-byte one (the destination
 * address then straddles segments), when the rest still fits. Returns the
 * segment count, or 0 when len cannot be cut so (fewer bytes than
 * segments): the usual split applies.
 */
static unsigned int
emu_split_random(struct avp_emu_port *port, uint32_t len, unsigned int nmin,
		uint32_t *seg)
{
	uint32_t seg_max = port->buf_size, first = 0, lo, hi, r;
	unsigned int n, nmax, i, k;

	nmax = len < AVP_MAX_SEGS ? len : AVP_MAX_SEGS;
	if (nmin > nmax)
		return 0;
	n = emu_split_between(port, nmin, nmax);
	r = (uint32_t)(emu_split_rand(port) % 8);
	if (r < 2)
		first = 1;
	else if (r == 2)
		first = emu_split_between(port, 2, 5);
	if (first != 0) {
		/* segments needed with such a first one */
		k = first < len ?
			1 + (len - first + seg_max - 1) / seg_max : nmax + 1;
		if (k > nmax)
			first = 0;
		else if (n < k)
			n = k;
	}
	/* each cut leaves k segments of 1..seg_max bytes for the rest */
	for (i = 0; i < n; i++) {
		k = n - i - 1;
		lo = len > k * seg_max ? len - k * seg_max : 1;
		hi = len - k < seg_max ? len - k : seg_max;
		if (i == 0 && first >= lo && first <= hi)
			seg[i] = first;
		else
			seg[i] = emu_split_between(port, lo, hi);
		len -= seg[i];
	}
	return n;
}

/*
 * Places one frame on rx[q] (q < 0: round-robin). Returns DELIVER_OK,
 * DELIVER_DROP (counted) or -EAGAIN when a frame that must not be dropped
 * cannot go now.
 */
int
emu_rx_deliver(struct avp_emu_port *port, int q, const uint8_t *f, uint32_t len,
		unsigned int iflags, uint16_t tci, unsigned int force_segs,
		int droppable)
{
	uint32_t idx[AVP_MAX_SEGS + 2], seg[AVP_MAX_SEGS];
	uint32_t seg_max = port->buf_size, frame_max = port->params.max_frame_len;
	uint64_t rng = port->rx_split_rng;
	unsigned int nseg, total, i, rr = 0, split = 0;
	uint16_t flags = 0, vtci = 0;
	struct avp_desc *head, *d;
	struct emu_ring *er;
	uint64_t slot, arg;
	uint32_t per, off;
	int faults, oversize, chain_long, cycle;

	if (!emu_rx_ready(port)) {
		if (!droppable)
			return -EAGAIN;
		port->st.rx_not_ready++;
		return DELIVER_DROP;
	}
	if (q < 0) {
		if (port->rx_rr >= port->cfg.rx_queues)
			port->rx_rr = 0;
		q = (int)port->rx_rr;
		rr = 1;
	}
	if ((unsigned int)q >= port->params.rx_queues_max) {
		port->st.rx_not_ready++;
		return DELIVER_DROP;
	}
	if (iflags & AVP_EMU_INJ_VLAN) {
		flags = AVP_DESC_F_RX_VLAN;
		vtci = tci;
	} else if ((port->cfg.features & AVP_FEAT_VLAN_OFFLOAD) &&
			len >= 18 && f[12] == 0x81 && f[13] == 0x00) {
		uint8_t *tmp = f == port->scratch ? port->scratch2 :
			port->scratch;

		flags = AVP_DESC_F_RX_VLAN;
		vtci = (uint16_t)(f[14] << 8 | f[15]);
		memcpy(tmp, f, 12);
		memcpy(tmp + 12, f + 16, len - 16);
		f = tmp;
		len -= 4;
	}
	faults = port->fault.desc_on;
	oversize = faults &&
		emu_fault_active(port, AVP_EMU_FAULT_DESC_OVERSIZE);
	if (len > frame_max && !oversize) {
		port->st.rx_oversize++;
		return DELIVER_DROP;
	}
	nseg = len <= seg_max ? 1 : (len + seg_max - 1) / seg_max;
	if (port->rx_force_segs > force_segs)
		force_segs = port->rx_force_segs;
	if (force_segs > nseg)
		nseg = force_segs;
	if (nseg > AVP_MAX_SEGS) {
		port->st.rx_oversize++;
		return DELIVER_DROP;
	}
	er = &port->rx[q];
	if (emu_rx_room(port, (unsigned int)q) == 0) {
		if (!droppable)
			return -EAGAIN;
		port->st.rx_ring_full++;
		return DELIVER_DROP;
	}
	/* 6 segments, each still within seg_max */
	chain_long = faults &&
		emu_fault_active(port, AVP_EMU_FAULT_DESC_CHAIN_LONG) &&
		(len + AVP_MAX_SEGS) / (AVP_MAX_SEGS + 1) <= seg_max;
	cycle = faults &&
		emu_fault_active(port, AVP_EMU_FAULT_DESC_CHAIN_CYCLE);
	if (chain_long)
		nseg = AVP_MAX_SEGS + 1;
	else if (port->rx_split == AVP_EMU_RX_SPLIT_RANDOM)
		split = emu_split_random(port, len, nseg, seg);
	if (split != 0)
		nseg = split;
	total = nseg + (cycle ? 1 : 0);
	if (port->free_top < total) {
		if (!droppable) {
			/* the same cuts when it goes: a seed repeats a run */
			port->rx_split_rng = rng;
			return -EAGAIN;
		}
		port->st.rx_no_buf++;
		return DELIVER_DROP;
	}
	for (i = 0; i < total; i++)
		emu_buf_pop(port, &idx[i]);
	per = nseg == 1 ? len : (len + nseg - 1) / nseg;
	off = 0;
	for (i = 0; i < total; i++) {
		uint32_t chunk = 0;
		struct emu_buf *b = &port->bufs[idx[i]];

		emu_buf_clean(port, idx[i]);
		d = emu_buf_desc(port, idx[i]);
		if (i < nseg) {
			if (split != 0)
				chunk = seg[i];
			else
				chunk = len - off < per ? len - off : per;
			memmove(emu_buf_data(port, idx[i]), f + off, chunk);
			off += chunk;
		}
		d->seg_len = (uint16_t)chunk;
		d->next_va = i + 1 < total ? emu_buf_handle(port, idx[i + 1]) :
			0;
		b->state = BUF_RX;
		b->ring = (uint8_t)q;
		b->head = i == 0;
		b->next = i + 1 < total ? (int32_t)idx[i + 1] : -1;
	}
	if (cycle) {
		/* a zero-length last segment linked to itself */
		d = emu_buf_desc(port, idx[total - 1]);
		d->next_va = emu_buf_handle(port, idx[total - 1]);
		emu_fault_take(port, AVP_EMU_FAULT_DESC_CHAIN_CYCLE, &arg);
	}
	if (chain_long)
		emu_fault_take(port, AVP_EMU_FAULT_DESC_CHAIN_LONG, &arg);
	port->bufs[idx[0]].nsegs = (uint8_t)total;
	head = emu_buf_desc(port, idx[0]);
	head->seg_count = (uint8_t)total;
	head->frame_len = (uint16_t)len;
	head->flags = flags;
	head->vlan_tci = vtci;
	if (faults) {
		d = emu_buf_desc(port, idx[total - 1]);
		if (emu_fault_take(port, AVP_EMU_FAULT_DESC_DATA_VA, &arg))
			head->data_va = port->buf_va - 0x10000;
		if (emu_fault_take(port, AVP_EMU_FAULT_DESC_NEXT_VA, &arg))
			d->next_va = port->buf_va + port->pool_len + 0x1000;
		if (emu_fault_take(port, AVP_EMU_FAULT_DESC_SEG_LEN, &arg))
			head->seg_len = (uint16_t)(seg_max + 1);
		if (emu_fault_take(port, AVP_EMU_FAULT_DESC_FRAME_LEN, &arg))
			head->frame_len = (uint16_t)(len + 1);
		if (oversize && emu_fault_take(port,
				AVP_EMU_FAULT_DESC_OVERSIZE, &arg) &&
				len <= frame_max)
			head->frame_len = (uint16_t)(frame_max + 1);
	}
	slot = emu_buf_handle(port, idx[0]);
	er->shadow[er->pos] = idx[0];
	if (faults && emu_fault_take(port, AVP_EMU_FAULT_DESC_HANDLE, &arg)) {
		slot = emu_bogus_make(port);
		er->shadow[er->pos] = EMU_SHADOW_BOGUS;
		for (i = 0; i < total; i++)
			emu_buf_push(port, idx[i]);
	} else {
		port->rx_outstanding += total;
	}
	emu_ring_put(er, slot);
	port->rx_dirty |= 1u << q;
	port->st.rx_frames[q]++;
	port->st.rx_bytes[q] += len;
	if (rr)
		port->rx_rr++;	/* wrapped on next use */
	return DELIVER_OK;
}


/* Delivers the pending frames in order, until one cannot go now. */
int
emu_deliver_pending(struct avp_emu_port *port)
{
	const struct emu_pend *e;
	int work = 0;

	pthread_mutex_lock(&port->pend.lock);
	while ((e = emu_pend_head(port)) != NULL) {
		if (emu_rx_deliver(port, e->queue, e->data, e->len, e->flags,
				e->tci, e->nsegs, e->droppable) == -EAGAIN)
			break;
		emu_pend_pop(port);
		work = 1;
	}
	pthread_mutex_unlock(&port->pend.lock);
	return work;
}

/* ---- transmit consumption ---- */

static inline void
emu_sink(struct avp_emu_port *port, unsigned int q, const uint8_t *f,
		uint32_t len)
{
	uint64_t seq;

	port->st.sink_frames++;
	if (avp_emu_frame_verify(f, len, &seq) != 0) {
		port->st.sink_bad++;
		return;
	}
	if (port->sink.have[q] && seq > port->sink.next[q])
		port->st.sink_seq_gaps += seq - port->sink.next[q];
	port->sink.next[q] = seq + 1;
	port->sink.have[q] = 1;
}

static void
emu_dispatch(struct avp_emu_port *port, unsigned int q, const uint8_t *f,
		uint32_t len, uint16_t flags, uint16_t tci, uint8_t nsegs)
{
	switch (port->mode) {
	case AVP_EMU_MODE_CAPTURE:
		emu_capture_push(port, q, f, len, flags, tci, nsegs);
		break;
	case AVP_EMU_MODE_LOOPBACK:
		emu_rx_deliver(port, -1, f, len, 0, 0, 0, 1);
		break;
	case AVP_EMU_MODE_XCONNECT:
		if (port->peer != NULL)
			emu_pend_push(port->peer, f, len, -1, 0, 0, 0, 1);
		break;
	case AVP_EMU_MODE_GEN:
	case AVP_EMU_MODE_SINK:
		emu_sink(port, q, f, len);
		break;
	case AVP_EMU_MODE_OUTPUT:
		if (port->out_cb != NULL)
			port->out_cb(port->out_arg, port, q, f, len);
		break;
	}
}

static int
emu_seen_before(const uint32_t *v, unsigned int n, uint32_t x)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (v[i] == x)
			return 1;
	return 0;
}

/* Validates one transmitted chain, recycles what it safely can and hands
 * a good frame on.
 */
static void
emu_tx_frame(struct avp_emu_port *port, unsigned int q, uint64_t h)
{
	uint32_t seg[AVP_MAX_SEGS] = { 0 };
	uint32_t seg_max = port->buf_size, sum = 0, idx;
	unsigned int n = 0, i;
	uint8_t *f = port->scratch;
	struct avp_desc *hd;
	uint16_t flags, tci, frame_len;
	uint8_t seg_count;
	uint64_t cur = h;
	int ok = 1;

	if (emu_buf_index(port, h, &idx) != 0) {
		if (!emu_bogus_is(port, h))
			emu_violation(port, AVP_EMU_V_BAD_HANDLE);
		return;
	}
	if (port->bufs[idx].state != BUF_GUEST_TX) {
		emu_violation(port, AVP_EMU_V_NOT_OWNED);
		return;
	}
	while (cur != 0) {
		struct avp_desc *d;
		uint16_t seg_len;
		uint64_t next;

		if (emu_buf_index(port, cur, &idx) != 0) {
			emu_violation(port, emu_bogus_is(port, cur) ?
				AVP_EMU_V_NOT_OWNED : AVP_EMU_V_BAD_HANDLE);
			ok = 0;
			break;
		}
		if (emu_seen_before(seg, n, idx) || n == AVP_MAX_SEGS) {
			emu_violation(port, AVP_EMU_V_CHAIN_LONG);
			ok = 0;
			break;
		}
		if (port->bufs[idx].state != BUF_GUEST_TX) {
			emu_violation(port, AVP_EMU_V_NOT_OWNED);
			ok = 0;
			break;
		}
		seg[n++] = idx;
		d = emu_buf_desc(port, idx);
		seg_len = d->seg_len;
		next = *(volatile uint64_t *)&d->next_va;	/* read once */
		if (seg_len > seg_max) {
			emu_violation(port, AVP_EMU_V_SEG_LEN);
			ok = 0;
		} else if (d->data_va != emu_buf_data_va(port, idx)) {
			emu_violation(port, AVP_EMU_V_DATA_VA);
			ok = 0;
		} else if (ok && n == 1 && next == 0) {
			/* one buffer: hand its bytes on without a copy. It is
			 * back in the pool before dispatch, so a loopback
			 * may deliver into this very buffer: deliver moves
			 * with memmove.
			 */
			f = emu_buf_data(port, idx);
		} else if (ok) {
			memcpy(f + sum, emu_buf_data(port, idx), seg_len);
		}
		sum += seg_len;
		cur = next;
	}
	if (n == 0)
		return;
	hd = emu_buf_desc(port, seg[0]);
	flags = hd->flags;
	tci = hd->vlan_tci;
	frame_len = hd->frame_len;
	seg_count = hd->seg_count;
	if (ok) {
		if (seg_count > AVP_MAX_SEGS || seg_count != n) {
			emu_violation(port, AVP_EMU_V_SEG_COUNT);
			ok = 0;
		}
		if (frame_len > AVP_MAX_SEGS * seg_max) {
			emu_violation(port, AVP_EMU_V_FRAME_SIZE);
			ok = 0;
		} else if (frame_len != sum) {
			emu_violation(port, AVP_EMU_V_FRAME_LEN);
			ok = 0;
		}
		if ((flags & ~AVP_DESC_F_TX_VLAN) != 0 ||
				((flags & AVP_DESC_F_TX_VLAN) &&
				!(port->devinfo->features &
				AVP_FEAT_VLAN_OFFLOAD))) {
			emu_violation(port, AVP_EMU_V_FLAGS);
			ok = 0;
		}
		/* frame_len, without a tag the host inserts */
		if (ok && sum > port->mtu_frame_max) {
			emu_violation(port, AVP_EMU_V_OVER_MTU);
			port->st.tx_over_mtu++;
			ok = 0;
		}
	}
	for (i = 0; i < n; i++)
		emu_buf_push(port, seg[i]);
	if (!ok)
		return;
	port->st.tx_frames[q]++;
	port->st.tx_bytes[q] += sum;
	if ((flags & AVP_DESC_F_TX_VLAN) && sum >= 12) {
		uint8_t *t = port->scratch2;

		memcpy(t, f, 12);
		t[12] = 0x81;
		t[13] = 0x00;
		t[14] = (uint8_t)(tci >> 8);
		t[15] = (uint8_t)tci;
		memcpy(t + 16, f + 12, sum - 12);
		f = t;
		sum += 4;
		port->st.tx_vlan_inserted++;
	}
	emu_dispatch(port, q, f, sum, flags, tci, (uint8_t)n);
}

/*
 * LOOPBACK of a checked single-buffer frame (emu_tx_fast): the buffer itself
 * goes onto rx, GUEST_TX to RX, where emu_rx_deliver() would put the
 * same bytes into a fresh buffer. Only when emu_rx_deliver() would do
 * nothing else: no descriptor fault, no forced or random chain, no tag
 * to strip, room on the ring round-robin picks. 0: take the general
 * path.
 */
static inline int
emu_loop_in_place(struct avp_emu_port *port, uint64_t h, uint32_t idx,
		uint16_t len)
{
	unsigned int q = port->rx_rr;
	const uint8_t *f;
	struct emu_ring *er;

	if (!emu_rx_ready(port) || !emu_rx_in_place_ok(port) ||
			len > port->params.max_frame_len)
		return 0;
	if (q >= port->cfg.rx_queues)
		q = 0;
	if (q >= port->params.rx_queues_max || emu_rx_room(port, q) == 0)
		return 0;
	if (port->cfg.features & AVP_FEAT_VLAN_OFFLOAD) {
		f = emu_handle_data(h);
		if (len >= 18 && f[12] == 0x81 && f[13] == 0x00)
			return 0;
	}
	emu_buf_rx_single(h, idx, len);
	emu_buf_set(&port->bufs[idx], BUF_RX, q, 1, 1, -1);
	er = &port->rx[q];
	er->shadow[er->pos] = idx;
	emu_ring_put(er, h);
	port->rx_dirty |= 1u << q;
	port->rx_outstanding++;
	port->st.rx_frames[q]++;
	port->st.rx_bytes[q] += len;
	port->rx_rr = q + 1;	/* wrapped on next use */
	return 1;
}

/*
 * The common transmit frame: one buffer the guest owns, with a
 * descriptor emu_tx_frame() would accept as it is (no tag to insert). Each
 * field is read once and what is checked is what is used. 0: nothing
 * done, emu_tx_frame() checks it again and counts what is wrong.
 */
static inline int
emu_tx_fast(struct avp_emu_port *port, unsigned int q, uint64_t h,
		uint64_t *bytes)
{
	struct avp_desc *d;
	struct emu_buf *b;
	uint16_t len, tci;
	uint32_t idx;

	if (emu_buf_index(port, h, &idx) != 0)
		return 0;
	b = &port->bufs[idx];
	if (b->state != BUF_GUEST_TX)
		return 0;
	d = emu_handle_desc(h);
	if (*(volatile uint64_t *)&d->next_va != 0)
		return 0;
	len = d->seg_len;
	if (len > port->buf_size || len > port->mtu_frame_max ||
			d->frame_len != len || d->seg_count != 1 ||
			d->flags != 0 || d->data_va != emu_handle_data_va(h))
		return 0;
	tci = d->vlan_tci;
	*bytes += len;
	if (port->mode == AVP_EMU_MODE_LOOPBACK &&
			emu_loop_in_place(port, h, idx, len))
		return 1;
	/* emu_buf_push(), the state known */
	b->state = BUF_HOST;
	b->head = 0;
	b->next = -1;
	port->free_stack[port->free_top++] = idx;
	if (port->mode == AVP_EMU_MODE_SINK || port->mode == AVP_EMU_MODE_GEN)
		emu_sink(port, q, emu_handle_data(h), len);
	else
		emu_dispatch(port, q, emu_handle_data(h), len, 0, tci, 1);
	return 1;
}

#define GUEST_PRODUCED_SKIPPED	UINT32_MAX

/*
 * Entries the guest has put on er (a tx or free ring) up to the snapshot
 * prod, to consume now. A guest producing after it closed the port
 * breaks the ABI: its entries are skipped, and GUEST_PRODUCED_SKIPPED
 * says so.
 */
static uint32_t
emu_guest_produced(struct avp_emu_port *port, struct emu_ring *er,
		uint32_t prod)
{
	uint32_t n;

	if (prod == SNAP_BAD)
		return 0;
	n = emu_ring_avail(er, prod);
	if (n != 0 && !port->configured && port->mig.phase == MIG_IDLE) {
		emu_violation(port, AVP_EMU_V_AFTER_CLOSE);
		er->pos = prod;
		emu_ring_publish_cons(er);
		return GUEST_PRODUCED_SKIPPED;
	}
	return n;
}

static int
emu_consume_tx_ring(struct avp_emu_port *port, unsigned int q, uint32_t prod)
{
	uint64_t fast = 0, bytes = 0;
	struct emu_ring *er = &port->tx[q];
	uint32_t n;

	/* A re-attaching guest may transmit (its announcement) before it
	 * acknowledges ATTACHED; the host resumes only after the ack, so
	 * those frames wait on the ring (the guest drains them after
	 * re-attaching) instead of meeting a receive side that is not ready
	 * yet.
	 */
	if (port->mig.phase == MIG_ATTACHING)
		return 0;
	n = emu_guest_produced(port, er, prod);
	if (n == GUEST_PRODUCED_SKIPPED)
		return 1;
	if (n == 0)
		return 0;
	while (n-- != 0) {
		uint64_t h = emu_ring_get(er);

		if (emu_tx_fast(port, q, h, &bytes))
			fast++;
		else
			emu_tx_frame(port, q, h);
	}
	/* emu_tx_frame() counts its own frames, the fast ones are counted
	 * here
	 */
	port->st.tx_frames[q] += fast;
	port->st.tx_bytes[q] += bytes;
	emu_ring_publish_cons(er);
	return 1;
}

/* ---- free reclaim ---- */

static void
emu_free_frame(struct avp_emu_port *port, unsigned int q, uint64_t h)
{
	uint32_t idx, cnt = 0;
	struct emu_buf *b;
	int32_t i;

	if (emu_buf_index(port, h, &idx) != 0) {
		if (!emu_bogus_is(port, h))
			emu_violation(port, AVP_EMU_V_BAD_HANDLE);
		return;
	}
	b = &port->bufs[idx];
	if (b->state != BUF_GUEST_RX || !b->head) {
		emu_violation(port, AVP_EMU_V_NOT_OWNED);
		return;
	}
	if (b->ring != q)
		emu_violation(port, AVP_EMU_V_FREE_RING);
	for (i = (int32_t)idx; i >= 0 && cnt <= AVP_MAX_SEGS + 1; cnt++) {
		int32_t nx = port->bufs[i].next;

		emu_buf_push(port, (uint32_t)i);
		i = nx;
	}
	port->st.freed_buffers += cnt;
	port->rx_outstanding -= cnt < port->rx_outstanding ? cnt :
		port->rx_outstanding;
}

static int
emu_consume_free_ring(struct avp_emu_port *port, unsigned int q, uint32_t prod)
{
	struct emu_ring *er = &port->fr[q];
	uint32_t n, freed = 0;
	uint64_t taken, back;

	n = emu_guest_produced(port, er, prod);
	if (n == GUEST_PRODUCED_SKIPPED)
		return 1;
	if (n == 0)
		return 0;
	/* the common case: a single-buffer frame from this ring's rx, in
	 * the guest's hands, one record compare; the rest goes to
	 * emu_free_frame()
	 */
	taken = emu_buf_word(BUF_GUEST_RX, q, 1, 1, -1);
	back = emu_buf_word(BUF_HOST, q, 0, 0, -1);
	while (n-- != 0) {
		uint64_t h = emu_ring_get(er);
		struct emu_buf *b;
		uint32_t idx;

		if (emu_buf_index(port, h, &idx) == 0) {
			b = &port->bufs[idx];
			if (emu_buf_get(b) == taken) {
				memcpy(b, &back, sizeof(back));
				port->free_stack[port->free_top++] = idx;
				freed++;
				continue;
			}
		}
		emu_free_frame(port, q, h);
	}
	/* as emu_free_frame() does, for the fast ones at once */
	port->st.freed_buffers += freed;
	port->rx_outstanding -= freed < port->rx_outstanding ? freed :
		port->rx_outstanding;
	emu_ring_publish_cons(er);
	return 1;
}

/* ---- alloc stocking ---- */

/* Alloc rings kept stocked, and the most buffers each may hold. */
static unsigned int
emu_stock_cap(const struct avp_emu_port *port, uint32_t *cap)
{
	unsigned int nq = port->stock_txq;

	if (nq == 0)
		return 0;
	if (nq > port->params.tx_queues_max)
		nq = port->params.tx_queues_max;
	/* keep half the pool for receive traffic */
	*cap = port->nbufs / 2 / nq;
	return nq;
}

/* The fill alloc ring er is kept at. */
static inline uint32_t
emu_stock_want(const struct emu_ring *er, uint32_t cap)
{
	return cap < er->mask ? cap : er->mask;
}

/* Whether emu_restock() would do anything now: a ring below its fill,
 * and a buffer for it, or a dry pool not counted yet, or a made-up
 * handle to put.
 */
int
emu_restock_wanted(const struct avp_emu_port *port)
{
	unsigned int nq, q;
	uint32_t cap = 0;

	nq = emu_stock_cap(port, &cap);
	for (q = 0; q < nq; q++) {
		const struct emu_ring *er = &port->alloc[q];

		if (((er->pos - er->seen) & er->mask) < emu_stock_want(er, cap))
			return port->free_top != 0 || !port->alloc_dry ||
				emu_fault_active(port,
					AVP_EMU_FAULT_ALLOC_HANDLE);
	}
	return 0;
}

/* n clean buffers onto alloc[q], as many as the pool has. */
static void
emu_restock_burst(struct avp_emu_port *port, unsigned int q, uint32_t n)
{
	struct emu_ring *er = &port->alloc[q];
	uint32_t i, k = n < port->free_top ? n : port->free_top;
	uint64_t rec = emu_buf_word(BUF_ALLOC, q, 0, 0, -1);
	/* in locals: the stores below could alias the port's fields */
	uint32_t pos = er->pos, mask = er->mask, top = port->free_top;
	const uint32_t *stack = port->free_stack;
	uint32_t *shadow = er->shadow;
	volatile uint64_t *slots = er->r->slots;
	struct emu_buf *bufs = port->bufs;

	for (i = 0; i < k; i++) {
		uint32_t idx = stack[--top];
		uint64_t h = emu_buf_handle(port, idx);

		emu_buf_clean_h(h, idx);
		memcpy(&bufs[idx], &rec, sizeof(rec));
		shadow[pos] = idx;
		slots[pos] = h;
		pos = (pos + 1) & mask;
	}
	er->pos = pos;
	port->free_top = top;
	if (k != 0) {
		port->alloc_dry = 0;
		emu_ring_publish_prod(er);
	}
	if (k < n) {
		if (!port->alloc_dry)
			port->st.alloc_dry++;
		port->alloc_dry = 1;
	}
}

void
emu_restock(struct avp_emu_port *port)
{
	unsigned int nq, q;
	uint32_t cap = 0;
	uint64_t arg;
	int faults;

	nq = emu_stock_cap(port, &cap);
	faults = emu_fault_active(port, AVP_EMU_FAULT_ALLOC_HANDLE) ||
		emu_fault_active(port, AVP_EMU_FAULT_ALLOC_DIRTY);
	for (q = 0; q < nq; q++) {
		struct emu_ring *er = &port->alloc[q];
		uint32_t fill = (er->pos - er->seen) & er->mask;
		uint32_t want = emu_stock_want(er, cap);
		int put = 0;

		if (fill >= want)
			continue;
		if (!faults) {
			emu_restock_burst(port, q, want - fill);
			continue;
		}
		/* a fault may apply to any buffer: one at a time */
		while (fill < want) {
			uint32_t idx;

			if (emu_fault_take(port, AVP_EMU_FAULT_ALLOC_HANDLE,
					&arg)) {
				uint64_t bogus = emu_bogus_make(port);

				er->shadow[er->pos] = EMU_SHADOW_BOGUS;
				emu_ring_put(er, bogus);
				fill++;
				put = 1;
				continue;
			}
			if (emu_buf_pop(port, &idx) != 0) {
				if (!port->alloc_dry)
					port->st.alloc_dry++;
				port->alloc_dry = 1;
				break;
			}
			port->alloc_dry = 0;
			emu_buf_clean(port, idx);
			if (emu_fault_take(port, AVP_EMU_FAULT_ALLOC_DIRTY,
					&arg)) {
				struct avp_desc *d = emu_buf_desc(port, idx);

				d->seg_len = 16;
				d->next_va = port->buf_va;
				d->flags = AVP_DESC_F_RX_VLAN;
				d->frame_len = 99;
				d->seg_count = 3;
				d->vlan_tci = 7;
			}
			port->bufs[idx].state = BUF_ALLOC;
			port->bufs[idx].ring = (uint8_t)q;
			er->shadow[er->pos] = idx;
			emu_ring_put(er, emu_buf_handle(port, idx));
			fill++;
			put = 1;
		}
		if (put)
			emu_ring_publish_prod(er);
	}
}

/* Consumes every ring of one guest-produced kind (tx or free). */
static int
emu_consume_rings(struct avp_emu_port *port, struct emu_ring *rings,
		int (*consume)(struct avp_emu_port *, unsigned int, uint32_t))
{
	unsigned int q;
	int work = 0;

	for (q = 0; q < AVP_MAX_QUEUES; q++) {
		uint32_t prod;

		if (emu_ring_peer_idx(&rings[q].r->prod_idx, rings[q].mask,
				&prod) != 0) {
			emu_ring_bad_index(port, &rings[q], prod);
			continue;
		}
		work |= consume(port, q, prod);
	}
	return work;
}

int
emu_consume_tx(struct avp_emu_port *port)
{
	return emu_consume_rings(port, port->tx, emu_consume_tx_ring);
}

int
emu_consume_free(struct avp_emu_port *port)
{
	return emu_consume_rings(port, port->fr, emu_consume_free_ring);
}

/* Accounts for what the guest took from alloc and rx, then consumes
 * what it put on tx and free, as far as the snapshot s saw.
 */
int
emu_guest_work(struct avp_emu_port *port, const struct emu_snap *s)
{
	unsigned int q;
	int work = 0;

	for (q = 0; s->moved != 0 && q < AVP_MAX_QUEUES; q++) {
		if (s->moved & (1u << q))
			emu_sync_ring(port, &port->alloc[q], s->allocc[q],
				BUF_GUEST_TX);
		if (s->moved & (1u << (AVP_MAX_QUEUES + q)))
			emu_sync_ring(port, &port->rx[q], s->rxc[q],
				BUF_GUEST_RX);
	}
	for (q = 0; s->ready != 0 && q < AVP_MAX_QUEUES; q++) {
		if (s->ready & (1u << q))
			work |= emu_consume_tx_ring(port, q, s->txp[q]);
		if (s->ready & (1u << (AVP_MAX_QUEUES + q)))
			work |= emu_consume_free_ring(port, q, s->frp[q]);
	}
	return work;
}

/*
 * Consumes what the guest has put on its tx (and free) rings until now,
 * outside the order of a pass: the producer indexes are read first, so
 * every buffer of those frames is seen taken from alloc after.
 */
void
emu_consume_tx_now(struct avp_emu_port *port)
{
	struct emu_snap s;

	if (emu_snap_rings(port, &s, AVP_MAX_QUEUES) != 0)
		emu_guest_work(port, &s);
}

