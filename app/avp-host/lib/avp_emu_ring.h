/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The AVP PMD authors
 */

/*
 * The AVP rings (avp-abi.md, rings). The host never trusts the shared
 * header for nslots or its own index: it keeps private copies and only
 * reads the peer's index from shared memory, checking its range. The
 * guest side at the end serves the test guests, which play the driver;
 * both sides count entries and room with the same two functions.
 */

#ifndef AVP_EMU_RING_H
#define AVP_EMU_RING_H

#include <errno.h>
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

/* Entries between the consumer index cons and the producer index prod. */
static inline uint32_t
emu_ring_count(uint32_t prod, uint32_t cons, uint32_t mask)
{
	return (prod - cons) & mask;
}

/* Free slots for the producer: one slot always stays empty. */
static inline uint32_t
emu_ring_space(uint32_t prod, uint32_t cons, uint32_t mask)
{
	return (cons - prod - 1) & mask;
}

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
	return emu_ring_space(er->pos, cons, er->mask);
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
	return emu_ring_count(prod, er->pos, er->mask);
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

/*
 * The guest's side, as a test guest plays it: its own index lives in
 * shared memory too. A slot is written before the producer index that
 * publishes it, and read after that index is seen.
 */
static inline uint32_t
emu_ring_guest_count(const struct avp_ring *r)
{
	return emu_ring_count(r->prod_idx, r->cons_idx, r->nslots - 1);
}

static inline uint32_t
emu_ring_guest_space(const struct avp_ring *r)
{
	return emu_ring_space(r->prod_idx, r->cons_idx, r->nslots - 1);
}

static inline int
emu_ring_guest_put(struct avp_ring *r, uint64_t v)
{
	uint32_t mask = r->nslots - 1;
	uint32_t prod = r->prod_idx & mask;
	uint32_t cons = __atomic_load_n(&r->cons_idx, __ATOMIC_ACQUIRE);

	if (emu_ring_space(prod, cons, mask) == 0)
		return -ENOSPC;
	r->slots[prod] = v;
	__atomic_store_n(&r->prod_idx, (prod + 1) & mask, __ATOMIC_RELEASE);
	return 0;
}

static inline int
emu_ring_guest_get(struct avp_ring *r, uint64_t *v)
{
	uint32_t mask = r->nslots - 1;
	uint32_t cons = r->cons_idx & mask;
	uint32_t prod = __atomic_load_n(&r->prod_idx, __ATOMIC_ACQUIRE);

	if (emu_ring_count(prod, cons, mask) == 0)
		return -ENOENT;
	*v = r->slots[cons];
	__atomic_store_n(&r->cons_idx, (cons + 1) & mask, __ATOMIC_RELEASE);
	return 0;
}

#endif /* AVP_EMU_RING_H */
