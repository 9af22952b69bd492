/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The AVP PMD authors
 */

/* Control channel, registers and interrupts. */

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "avp_emu_ctrl.h"
#include "avp_emu_data.h"
#include "avp_emu_fault.h"

#define EMU_LATE_REPLY_MS	600

static void
emu_irq_signal(struct avp_emu_port *port)
{
	uint64_t one = 1;

	if (write(port->irq_fd, &one, sizeof(one)) != (ssize_t)sizeof(one))
		emu_log(port, 1, "interrupt eventfd write failed");
	port->st.irqs_raised++;
}

/* Latches cause bits; delivers them now if unmasked, else on unmask. */
void
emu_irq_raise(struct avp_emu_port *port, uint32_t cause)
{
	uint32_t mask;

	/* account for acknowledgements written before this event */
	emu_regs_poll(port);
	port->irq.latched |= cause;
	__atomic_or_fetch(&port->regs->irq_status, cause, __ATOMIC_SEQ_CST);
	mask = port->regs->irq_mask;
	if (cause & mask)
		emu_irq_signal(port);
	port->irq.undelivered |= cause & ~mask;
}

/* BAR 0 is plain memory: a guest read cannot clear irq_status, so the
 * emulator clears the cause itself once the guest acknowledged.
 */
void
emu_irq_clear(struct avp_emu_port *port, uint32_t cause)
{
	port->irq.latched &= ~cause;
	port->irq.undelivered &= ~cause;
	__atomic_and_fetch(&port->regs->irq_status, ~cause, __ATOMIC_SEQ_CST);
}

/* The guest's register writes can only be polled. */
void
emu_regs_poll(struct avp_emu_port *port)
{
	uint32_t m = port->regs->irq_mask;
	uint32_t a = port->regs->mig_ack;

	if (m != port->irq.mask_seen) {
		port->st.irq_mask_writes++;
		port->irq.mask_seen = m;
		emu_log(port, 2, "irq_mask = 0x%08x", m);
		if (port->irq.undelivered & m) {
			port->irq.undelivered &= ~m;
			emu_irq_signal(port);
		}
	}
	if (a != port->mig.ack_seen) {
		port->mig.ack_seen = a;
		if (a != 0) {
			port->st.mig_ack_writes++;
			port->mig.last_ack = a;
			emu_log(port, 2, "mig_ack = %u", a);
			if (port->irq.latched & AVP_IRQ_CAUSE_MIGRATION)
				emu_irq_clear(port, AVP_IRQ_CAUSE_MIGRATION);
			/* resume at once; migrate() notices it later */
			if (port->mig.phase == MIG_ATTACHING &&
					a == AVP_MIG_ATTACHED)
				port->mig.phase = MIG_IDLE;
		}
	}
}

static void
emu_reply(struct avp_emu_port *port, uint64_t token)
{
	uint64_t us = emu_now_us() - port->sched.req_idle_us;
	uint32_t cons;

	/* upper bound of the time since the guest enqueued the request */
	port->st.ctrl_replies++;
	port->st.ctrl_reply_total_us += us;
	if (us > port->st.ctrl_reply_max_us)
		port->st.ctrl_reply_max_us = us;

	if (emu_ring_peer_idx(&port->resp.r->cons_idx, port->resp.mask,
			&cons) != 0) {
		emu_violation(port, AVP_EMU_V_RING_INDEX);
		return;
	}
	if (emu_ring_room(&port->resp, cons) == 0) {
		emu_log(port, 0, "response ring full, reply dropped");
		return;
	}
	emu_ring_put(&port->resp, token);
	emu_ring_publish_prod(&port->resp);
}

static int
emu_reject(struct avp_emu_port *port, const char *why)
{
	emu_log(port, 1, "request rejected: %s", why);
	emu_violation(port, AVP_EMU_V_CTRL_REQUEST);
	return -EINVAL;
}

static int32_t
emu_do_configure(struct avp_emu_port *port, const struct avp_ctrl_msg *msg)
{
	const struct avp_emu_port_params *p = &port->params;
	struct avp_cfg cfg;

	memcpy(&cfg, &msg->u.cfg, sizeof(cfg));
	if (cfg.tx_queues > p->tx_queues_max)
		return emu_reject(port, "tx_queues above tx_queues_max");
	if (cfg.rx_queues < p->rx_queues_min)
		return emu_reject(port, "rx_queues below rx_queues_min");
	if (cfg.rx_queues > p->rx_queues_max)
		return emu_reject(port, "rx_queues above rx_queues_max");
	if (cfg.instance_id != port->devinfo->instance_id)
		emu_log(port, 1, "CONFIGURE with stale instance_id");
	if (cfg.features & ~p->features)
		emu_log(port, 1, "CONFIGURE: features 0x%x not offered",
			cfg.features & ~p->features);
	if (port->mig.phase == MIG_ATTACHING)
		port->mig.configures++;
	port->cfg = cfg;
	port->configured = 1;
	port->link_up = cfg.link_up != 0;
	port->stock_txq = cfg.tx_queues;
	port->rx_rr = 0;
	port->after_close = 0;
	/* alloc is stocked before the answer: the guest may transmit at once */
	emu_restock(port);
	emu_log(port, 2, "CONFIGURE tx %u rx %u features 0x%x link %u",
		cfg.tx_queues, cfg.rx_queues, cfg.features, cfg.link_up);
	return 0;
}

static int32_t
emu_do_request(struct avp_emu_port *port, const struct avp_ctrl_msg *msg,
		int *close_after)
{
	uint32_t op = msg->op;
	uint32_t mtu;

	port->st.requests[op < AVP_OP_LIMIT ? op : AVP_OP_LIMIT]++;
	switch (op) {
	case AVP_OP_CONFIGURE:
		return emu_do_configure(port, msg);
	case AVP_OP_SET_LINK:
		port->link_up = msg->u.link_up != 0;
		emu_log(port, 2, "SET_LINK %u", port->link_up);
		return 0;
	case AVP_OP_SHUTDOWN:
		emu_log(port, 2, "SHUTDOWN");
		port->configured = 0;
		port->link_up = 0;
		if (port->mig.phase == MIG_DETACHING)
			port->mig.shutdown_seen = 1;
		else
			*close_after = 1;
		return 0;
	case AVP_OP_SET_MTU:
		memcpy(&mtu, &msg->u.mtu, sizeof(mtu));
		if (mtu < EMU_MIN_MTU || mtu + AVP_FRAME_OVERHEAD >
				port->params.max_frame_len)
			return emu_reject(port, "MTU out of range");
		/* The guest put those frames on tx before it wrote this
		 * request: they are judged by the MTU they were sent under.
		 */
		emu_consume_tx_now(port);
		emu_mtu_set(port, mtu);
		emu_log(port, 2, "SET_MTU %u", mtu);
		return 0;
	default:
		return emu_reject(port, "unknown op");
	}
}

static void
emu_handle_request(struct avp_emu_port *port)
{
	struct avp_ctrl_msg msg;
	uint64_t arg, token = port->ctrl_va;
	int close_after = 0;
	int32_t status;

	__atomic_thread_fence(__ATOMIC_ACQUIRE);
	memcpy(&msg, port->ctrl, sizeof(msg));
	if (emu_fault_take(port, AVP_EMU_FAULT_CTRL_NO_REPLY, &arg)) {
		port->st.requests[msg.op < AVP_OP_LIMIT ? msg.op :
			AVP_OP_LIMIT]++;
		emu_log(port, 1, "fault: request %u not answered", msg.op);
		return;
	}
	if (emu_fault_take(port, AVP_EMU_FAULT_CTRL_STATUS, &arg)) {
		port->st.requests[msg.op < AVP_OP_LIMIT ? msg.op :
			AVP_OP_LIMIT]++;
		status = arg != 0 ? (int32_t)arg : -EINVAL;
	} else {
		status = emu_do_request(port, &msg, &close_after);
	}
	if (status < 0)
		port->st.requests_rejected++;
	port->ctrl->status = status;
	__atomic_thread_fence(__ATOMIC_RELEASE);
	if (emu_fault_take(port, AVP_EMU_FAULT_CTRL_BAD_TOKEN, &arg))
		token ^= 0x40;
	if (emu_fault_take(port, AVP_EMU_FAULT_CTRL_LATE_REPLY, &arg)) {
		port->late.pending = 1;
		port->late.token = token;
		port->late.due_us = emu_now_us() + 1000 *
			(arg != 0 ? arg : EMU_LATE_REPLY_MS);
	} else {
		emu_reply(port, token);
	}
	/* Data rings may be reset after answering a SHUTDOWN
	 * sent from close (never during a migration detach).
	 */
	if (close_after) {
		emu_port_release(port, 0);
		port->after_close = 1;
	}
}

/* Serves requests enqueued before req_prod was read. */
int
emu_ctrl_service(struct avp_emu_port *port, uint32_t req_prod)
{
	int work = 0;

	if (port->late.pending && emu_now_us() >= port->late.due_us) {
		port->late.pending = 0;
		emu_reply(port, port->late.token);
		work = 1;
	}
	while (port->req.pos != req_prod) {
		uint64_t token = emu_ring_get(&port->req);

		emu_ring_publish_cons(&port->req);
		work = 1;
		if (token != port->ctrl_va) {
			emu_violation(port, AVP_EMU_V_CTRL_TOKEN);
			continue;
		}
		emu_handle_request(port);
	}
	return work;
}
