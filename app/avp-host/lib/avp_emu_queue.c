/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The AVP PMD authors
 */

/*
 * The frames the host holds outside the rings: those captured from the
 * guest's transmit (CAPTURE mode; port->lock), and those waiting to be
 * delivered to the guest (inject, a cross-connected peer; pend_lock).
 */

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "avp_emu_queue.h"

/* ---- capture queue ---- */

void
emu_capture_push(struct avp_emu_port *port, unsigned int q, const uint8_t *f,
		uint32_t len, uint16_t flags, uint16_t tci, uint8_t nsegs)
{
	struct emu_cap *c;

	if (port->cap.count == EMU_CAPTURE_MAX) {
		port->st.capture_dropped++;
		return;
	}
	c = malloc(sizeof(*c) + len);
	if (c == NULL) {
		port->st.capture_dropped++;
		return;
	}
	c->len = len;
	c->flags = flags;
	c->vlan_tci = tci;
	c->queue = (uint8_t)q;
	c->nsegs = nsegs;
	memcpy(c->data, f, len);
	port->cap.q[(port->cap.head + port->cap.count) % EMU_CAPTURE_MAX] = c;
	port->cap.count++;
}

void
emu_capture_clear(struct avp_emu_port *port)
{
	while (port->cap.count != 0) {
		free(port->cap.q[port->cap.head]);
		port->cap.head = (port->cap.head + 1) % EMU_CAPTURE_MAX;
		port->cap.count--;
	}
}

int
avp_emu_capture_pop(struct avp_emu_port *port, struct avp_emu_frame *f)
{
	struct emu_cap *c;

	pthread_mutex_lock(&port->lock);
	if (port->cap.count == 0) {
		pthread_mutex_unlock(&port->lock);
		return 0;
	}
	c = port->cap.q[port->cap.head];
	port->cap.head = (port->cap.head + 1) % EMU_CAPTURE_MAX;
	port->cap.count--;
	pthread_mutex_unlock(&port->lock);
	f->len = c->len;
	f->flags = c->flags;
	f->vlan_tci = c->vlan_tci;
	f->queue = c->queue;
	f->nsegs = c->nsegs;
	memcpy(f->data, c->data, c->len);
	free(c);
	return 1;
}

static int
emu_pred_captured(struct avp_emu_port *port, const void *arg)
{
	return port->cap.count >= *(const unsigned int *)arg;
}

int
avp_emu_wait_captured(struct avp_emu_port *port, unsigned int n,
		unsigned int timeout_ms)
{
	int ret;

	pthread_mutex_lock(&port->lock);
	ret = emu_wait(port, emu_pred_captured, &n, timeout_ms);
	pthread_mutex_unlock(&port->lock);
	return ret;
}

/* ---- pending rx frames ---- */

int
emu_pend_push(struct avp_emu_port *port, const void *frame, uint32_t len,
		int queue, unsigned int flags, uint16_t tci, uint8_t nsegs,
		int droppable)
{
	struct emu_pend *e;
	uint8_t *data;

	data = malloc(len != 0 ? len : 1);
	if (data == NULL)
		return -ENOMEM;
	memcpy(data, frame, len);
	pthread_mutex_lock(&port->pend.lock);
	if (port->pend.count == EMU_PEND_MAX) {
		if (droppable)
			port->pend.drops++;
		pthread_mutex_unlock(&port->pend.lock);
		free(data);
		return -ENOSPC;
	}
	e = &port->pend.q[(port->pend.head + port->pend.count) % EMU_PEND_MAX];
	e->data = data;
	e->len = len;
	e->queue = queue;
	e->flags = flags;
	e->tci = tci;
	e->nsegs = nsegs;
	e->droppable = (uint8_t)droppable;
	emu_pend_count_set(port, port->pend.count + 1);
	pthread_mutex_unlock(&port->pend.lock);
	return 0;
}

void
emu_pend_clear(struct avp_emu_port *port)
{
	pthread_mutex_lock(&port->pend.lock);
	while (port->pend.count != 0) {
		free(port->pend.q[port->pend.head].data);
		port->pend.head = (port->pend.head + 1) % EMU_PEND_MAX;
		emu_pend_count_set(port, port->pend.count - 1);
	}
	pthread_mutex_unlock(&port->pend.lock);
}

int
avp_emu_inject(struct avp_emu_port *port, const void *frame, uint32_t len,
		const struct avp_emu_inject_opts *opts)
{
	struct avp_emu_inject_opts o = { -1, 0, 0, 0 };

	if (port == NULL || (frame == NULL && len != 0) ||
			len > AVP_EMU_FRAME_MAX)
		return -EINVAL;
	if (opts != NULL)
		o = *opts;
	if ((o.flags & AVP_EMU_INJ_SEGS) &&
			(o.nsegs < 1 || o.nsegs > AVP_MAX_SEGS))
		return -EINVAL;
	if (o.queue >= AVP_MAX_QUEUES)
		return -EINVAL;
	return emu_pend_push(port, frame, len, o.queue, o.flags, o.vlan_tci,
		(o.flags & AVP_EMU_INJ_SEGS) ? o.nsegs : 0, 0);
}

static int
emu_pred_drained(struct avp_emu_port *port, const void *arg)
{
	unsigned int n;

	(void)arg;
	pthread_mutex_lock(&port->pend.lock);
	n = port->pend.count;
	pthread_mutex_unlock(&port->pend.lock);
	return n == 0 && port->rx_outstanding == 0;
}

int
avp_emu_wait_rx_drained(struct avp_emu_port *port, unsigned int timeout_ms)
{
	int ret;

	pthread_mutex_lock(&port->lock);
	ret = emu_wait(port, emu_pred_drained, NULL, timeout_ms);
	pthread_mutex_unlock(&port->lock);
	return ret;
}
