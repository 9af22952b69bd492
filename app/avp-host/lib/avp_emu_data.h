/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The AVP PMD authors
 */

/* The data path: the guest's data rings, for the layers above it
 * (control, migration, generator, scheduler).
 */

#ifndef AVP_EMU_DATA_H
#define AVP_EMU_DATA_H

#include "avp_emu_dev.h"

#define SNAP_BAD	UINT32_MAX
#define DELIVER_OK	0
#define DELIVER_DROP	1

void emu_ring_bad_index(struct avp_emu_port *port, struct emu_ring *er,
		uint32_t v);
void emu_data_sync(struct avp_emu_port *port);
int emu_consume_tx(struct avp_emu_port *port);
void emu_consume_tx_now(struct avp_emu_port *port);
int emu_consume_free(struct avp_emu_port *port);
int emu_rx_ready(const struct avp_emu_port *port);
int emu_rx_deliver(struct avp_emu_port *port, int q, const uint8_t *f,
		uint32_t len, unsigned int iflags, uint16_t tci,
		unsigned int force_segs, int droppable);
int emu_deliver_pending(struct avp_emu_port *port);
void emu_rx_publish(struct avp_emu_port *port);
void emu_restock(struct avp_emu_port *port);
int emu_restock_wanted(const struct avp_emu_port *port);
uint32_t emu_rx_ring_frames(struct avp_emu_port *port);

/* Room on rx[q], counted from the consumer index last accounted for
 * (emu_data_sync), not the live one: the host never has more than N - 1
 * entries beyond what it has seen the guest take, so the shadow records
 * and the ownership of every slot stay unambiguous.
 */
static inline uint32_t
emu_rx_room(const struct avp_emu_port *port, unsigned int q)
{
	return emu_ring_room(&port->rx[q], port->rx[q].seen);
}

/* Whether emu_rx_deliver() would place a frame that fits one buffer as
 * it is, in one buffer: then the in-place paths (GEN, LOOPBACK) may do
 * its work.
 */
static inline int
emu_rx_in_place_ok(const struct avp_emu_port *port)
{
	return !port->fault.desc_on && port->rx_force_segs <= 1 &&
		port->rx_split == AVP_EMU_RX_SPLIT_OFF;
}

/* What a pass read of the guest's indexes, before doing any work. */
struct emu_snap {
	uint32_t req_prod;
	uint32_t txp[AVP_MAX_QUEUES];	/* producer indexes, or SNAP_BAD */
	uint32_t frp[AVP_MAX_QUEUES];
	uint32_t allocc[AVP_MAX_QUEUES];	/* consumer indexes */
	uint32_t rxc[AVP_MAX_QUEUES];
	uint32_t ready;		/* q: tx[q] not empty, 8 + q: free[q] */
	uint32_t moved;		/* q: alloc[q] taken, 8 + q: rx[q] */
};

/* A producer index of a guest-produced ring: SNAP_BAD when out of range
 * (counted), else whether entries wait (1) or not (0).
 */
static inline int
emu_snap_prod(struct avp_emu_port *port, struct emu_ring *er, uint32_t *v)
{
	if (emu_ring_peer_idx(&er->r->prod_idx, er->mask, v) != 0) {
		emu_ring_bad_index(port, er, *v);
		*v = SNAP_BAD;
		return 0;
	}
	return *v != er->pos;
}

/*
 * Reads the indexes the guest writes on the rings of queues 0 to nq - 1:
 * every producer index first, so that whatever the guest enqueued before
 * them is visible once the consumer indexes are read after. Nonzero when
 * something moved.
 */
static inline uint32_t
emu_snap_rings(struct avp_emu_port *port, struct emu_snap *s, unsigned int nq)
{
	unsigned int q;

	s->ready = 0;
	s->moved = 0;
	for (q = 0; q < nq; q++) {
		if (emu_snap_prod(port, &port->tx[q], &s->txp[q]))
			s->ready |= 1u << q;
		if (emu_snap_prod(port, &port->fr[q], &s->frp[q]))
			s->ready |= 1u << (AVP_MAX_QUEUES + q);
	}
	/* checked by emu_sync_ring(), when they moved */
	for (q = 0; q < nq; q++) {
		s->allocc[q] = __atomic_load_n(&port->alloc[q].r->cons_idx,
			__ATOMIC_ACQUIRE);
		s->rxc[q] = __atomic_load_n(&port->rx[q].r->cons_idx,
			__ATOMIC_ACQUIRE);
		if (s->allocc[q] != port->alloc[q].seen)
			s->moved |= 1u << q;
		if (s->rxc[q] != port->rx[q].seen)
			s->moved |= 1u << (AVP_MAX_QUEUES + q);
	}
	return s->ready | s->moved;
}


int emu_guest_work(struct avp_emu_port *port, const struct emu_snap *s);

#endif /* AVP_EMU_DATA_H */
