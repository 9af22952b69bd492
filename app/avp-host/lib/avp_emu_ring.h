/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The AVP PMD authors
 */

/*
 * Host side of the AVP rings (ABI section 8). The host never trusts the
 * shared header for nslots or its own index: it keeps private copies and
 * only reads the peer's index from shared memory, checking its range.
 */

#ifndef AVP_EMU_RING_H
#define AVP_EMU_RING_H

#include <stdint.h>

#include "avp_abi.h"

struct emu_ring {
	struct avp_ring *r;	/* host mapping of the header */
	uint32_t mask;		/* nslots - 1 */
	uint32_t pos;		/* the host's own index */
	uint32_t seen;		/* guest index last accounted for */
	uint32_t bad_idx;	/* last out-of-range index counted */
	uint32_t *shadow;	/* buffer per slot, host rings only */
};

#define EMU_SHADOW_BOGUS	UINT32_MAX

static inline void
emu_ring_init(struct emu_ring *er, struct avp_ring *r, uint32_t nslots,
		uint32_t *shadow)
{
	er->r = r;
	er->mask = nslots - 1;
	er->pos = 0;
	er->seen = 0;
	er->bad_idx = UINT32_MAX;
	er->shadow = shadow;
	r->prod_idx = 0;
	r->cons_idx = 0;
	r->nslots = nslots;
	r->slot_bytes = AVP_RING_SLOT_BYTES;
}

/* Reads the guest's index; returns -1 when it is out of range. */
static inline int
emu_ring_peer_idx(const volatile uint32_t *idx, uint32_t mask, uint32_t *v)
{
	uint32_t x = __atomic_load_n(idx, __ATOMIC_ACQUIRE);

	*v = x;
	return x > mask ? -1 : 0;
}

/* Host as producer: free slots given the guest's consumer index. */
static inline uint32_t
emu_ring_room(const struct emu_ring *er, uint32_t cons)
{
	return (cons - er->pos - 1) & er->mask;
}

static inline void
emu_ring_put(struct emu_ring *er, uint64_t v)
{
	er->r->slots[er->pos] = v;
	er->pos = (er->pos + 1) & er->mask;
}

static inline void
emu_ring_publish_prod(struct emu_ring *er)
{
	__atomic_store_n(&er->r->prod_idx, er->pos, __ATOMIC_RELEASE);
}

/* Host as consumer: elements given the guest's producer index. */
static inline uint32_t
emu_ring_avail(const struct emu_ring *er, uint32_t prod)
{
	return (prod - er->pos) & er->mask;
}

static inline uint64_t
emu_ring_get(struct emu_ring *er)
{
	uint64_t v = er->r->slots[er->pos];

	er->pos = (er->pos + 1) & er->mask;
	return v;
}

static inline void
emu_ring_publish_cons(struct emu_ring *er)
{
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	__atomic_store_n(&er->r->cons_idx, er->pos, __ATOMIC_RELEASE);
}

#endif /* AVP_EMU_RING_H */
