/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The AVP PMD authors
 */

/*
 * The per-port scheduler: one service pass polls what the guest writes
 * and, only when something moved or the host has work, runs the
 * control, data and generator work in a fixed order. port->lock held.
 */

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include "avp_emu_ctrl.h"
#include "avp_emu_data.h"
#include "avp_emu_gen.h"
#include "avp_emu_queue.h"
#include "avp_emu_sched.h"

/*
 * The work of a pass, once emu_port_service() saw something to do, in
 * the order the pass always had: account for what the guest took, take
 * what it sent and gave back, answer requests, restock, deliver. Not
 * inlined so that a profile tells the work from the polling
 * (devtools/avp-perf-emu-callgrind.sh).
 */
static __emu_noinline int
emu_port_work(struct avp_emu_port *port, const struct emu_snap *s)
{
	int work = emu_guest_work(port, s);

	work |= emu_ctrl_service(port, s->req_prod);
	emu_restock(port);
	if (emu_pend_waiting(port))
		work |= emu_deliver_pending(port);
	work |= emu_generate(port);
	emu_rx_publish(port);
	return work;
}

/* Queues whose rings the guest was told it may use. */
static unsigned int
emu_hot_queues(const struct avp_emu_port *port)
{
	unsigned int n = port->cfg.tx_queues;

	if (n < port->cfg.rx_queues)
		n = port->cfg.rx_queues;
	if (n < port->stock_txq)
		n = port->stock_txq;
	return n < AVP_MAX_QUEUES ? n : AVP_MAX_QUEUES;
}

/*
 * One service pass over a port (port->lock held).
 *
 * It polls the registers and the indexes the guest writes on the rings
 * of the queues in use. Every 8th pass, and whenever there is anything
 * to do, it reads the indexes of all rings: a bad index or a ring used
 * where it should not be is seen whatever the guest configured, within
 * a few passes when the guest does nothing else, and before anything
 * the guest did after it is handled (a request, a frame on a ring in
 * use). Only then, when something moved or the host itself has work (a
 * request, a late reply, frames pending or to generate, alloc rings to
 * restock), does it call emu_port_work(). An idle pass costs a few
 * loads per ring in use.
 */
int
emu_port_service(struct avp_emu_port *port)
{
	struct emu_snap s;
	uint32_t ack = port->mig.ack_seen;
	uint32_t mask = port->irq.mask_seen;
	unsigned int hot;
	int work = 0, scan_all, busy;

	if (port->mig.phase == MIG_RELOCATING)
		return 0;
	if (port->regs->irq_mask != mask || port->regs->mig_ack != ack) {
		emu_regs_poll(port);
		if (ack != port->mig.ack_seen || mask != port->irq.mask_seen)
			work = 1;
	}
	if (emu_ring_peer_idx(&port->req.r->prod_idx, port->req.mask,
			&s.req_prod) != 0) {
		emu_ring_bad_index(port, &port->req, s.req_prod);
		s.req_prod = port->req.pos;
	}
	/* The clock every 8th idle pass only: a busy data path makes many
	 * short passes, and the reply time stays an upper bound.
	 */
	if (s.req_prod == port->req.pos &&
			(port->sched.req_idle_passes++ & 7) == 0)
		port->sched.req_idle_us = emu_now_us();
	hot = emu_hot_queues(port);
	scan_all = (port->sched.scan_passes++ & 7) == 0;
	busy = emu_snap_rings(port, &s, hot) != 0 ||
		s.req_prod != port->req.pos || port->late.pending ||
		port->rx_dirty != 0 || emu_pend_waiting(port) ||
		emu_gen_wanted(port);
	if (!busy && scan_all)	/* only API calls make restocking due unseen */
		busy = emu_restock_wanted(port);
	if (!busy && !scan_all)
		return work;
	if (hot < AVP_MAX_QUEUES &&
			emu_snap_rings(port, &s, AVP_MAX_QUEUES) != 0)
		busy = 1;
	if (busy)
		work |= emu_port_work(port, &s);
	return work;
}
