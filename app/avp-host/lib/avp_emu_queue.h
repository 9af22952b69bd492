/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The AVP PMD authors
 */

/* Frames held outside the rings: captured and pending. */

#ifndef AVP_EMU_QUEUE_H
#define AVP_EMU_QUEUE_H

#include <stdlib.h>

#include "avp_emu_dev.h"

void emu_capture_push(struct avp_emu_port *port, unsigned int q,
		const uint8_t *f, uint32_t len, uint16_t flags, uint16_t tci,
		uint8_t nsegs);
void emu_capture_clear(struct avp_emu_port *port);
int emu_pend_push(struct avp_emu_port *port, const void *frame, uint32_t len,
		int queue, unsigned int flags, uint16_t tci, uint8_t nsegs,
		int droppable);
void emu_pend_clear(struct avp_emu_port *port);

/*
 * pend_count changes under pend_lock only; the service pass peeks at it
 * without the lock (emu_pend_waiting) and takes the lock only when frames
 * wait. A frame queued just after the peek goes in the next pass.
 */
static inline void
emu_pend_count_set(struct avp_emu_port *port, unsigned int n)
{
	__atomic_store_n(&port->pend.count, n, __ATOMIC_RELAXED);
}

static inline int
emu_pend_waiting(struct avp_emu_port *port)
{
	return __atomic_load_n(&port->pend.count, __ATOMIC_RELAXED) != 0;
}


/* The oldest pending frame, NULL when none (pend_lock held). */
static inline const struct emu_pend *
emu_pend_head(const struct avp_emu_port *port)
{
	return port->pend.count != 0 ? &port->pend.q[port->pend.head] : NULL;
}

/* Drops the oldest pending frame (pend_lock held). */
static inline void
emu_pend_pop(struct avp_emu_port *port)
{
	free(port->pend.q[port->pend.head].data);
	port->pend.head = (port->pend.head + 1) % EMU_PEND_MAX;
	emu_pend_count_set(port, port->pend.count - 1);
}

#endif /* AVP_EMU_QUEUE_H */
