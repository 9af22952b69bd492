/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The AVP PMD authors
 */

/*
 * Live migration. avp_emu_port_migrate runs in the
 * caller's thread; it holds the port lock only while it changes state, so
 * the service thread keeps answering requests (the guest sends SHUTDOWN
 * before it acknowledges DETACHED, and CONFIGURE before ATTACHED).
 */

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include <errno.h>
#include <string.h>

#include "avp_emu_ctrl.h"
#include "avp_emu_data.h"

#define EMU_ACK_TIMEOUT_MS	5000

static int
emu_pred_ack(struct avp_emu_port *port, const void *arg)
{
	(void)arg;
	return port->regs->mig_ack != 0;
}

/* Sets the status, clearing any old ack: an acknowledgement not yet
 * polled still ends its event.
 */
static void
emu_mig_status_set(struct avp_emu_port *port, uint32_t status)
{
	emu_regs_poll(port);
	port->regs->mig_ack = 0;
	port->mig.ack_seen = 0;
	port->regs->mig_status = status;
}

/* Raises a migration event: clear any old ack, set status, latch, signal. */
static void
emu_mig_raise(struct avp_emu_port *port, uint32_t status)
{
	emu_mig_status_set(port, status);
	emu_irq_raise(port, AVP_IRQ_CAUSE_MIGRATION);
}

/*
 * One phase of a migration (lock held): raises status, waits for the
 * guest's acknowledgement and takes it in. The ack and the time it took
 * go to *ack and *us. Returns 0 when the guest acknowledged status,
 * -ECANCELED when it answered ERROR, -EPROTO for any other value and
 * -ETIMEDOUT when it did not answer.
 */
static int
emu_mig_phase_run(struct avp_emu_port *port, uint32_t status,
		unsigned int timeout_ms, uint32_t *ack, uint64_t *us)
{
	uint64_t t0 = emu_now_us();
	int ret;

	emu_mig_raise(port, status);
	ret = emu_wait(port, emu_pred_ack, NULL, timeout_ms);
	*ack = port->regs->mig_ack;
	*us = emu_now_us() - t0;
	emu_regs_poll(port);
	if (ret != 0)
		return -ETIMEDOUT;
	if (*ack == status)
		return 0;
	if (*ack == AVP_MIG_ERROR)
		return -ECANCELED;
	return -EPROTO;
}

static int
emu_geometry(const struct avp_emu_port *port,
		const struct avp_emu_migrate_opts *o,
		struct avp_emu_port_params *np)
{
	*np = port->params;
	if (o->rx_queues_max != 0)
		np->rx_queues_max = o->rx_queues_max;
	if (o->tx_queues_max != 0)
		np->tx_queues_max = o->tx_queues_max;
	if (o->rx_queues_min != 0)
		np->rx_queues_min = o->rx_queues_min;
	if (o->buf_data_size != 0)
		np->buf_data_size = o->buf_data_size;
	if (o->max_frame_len != 0)
		np->max_frame_len = o->max_frame_len;
	if (o->drop_vlan_offload)
		np->features &= ~(uint32_t)AVP_FEAT_VLAN_OFFLOAD;
	if (o->change_mac)
		np->mac[5] ^= 0x80;
	if (np->rx_queues_max < 1 || np->rx_queues_max > AVP_MAX_QUEUES ||
			np->tx_queues_max < 1 ||
			np->tx_queues_max > AVP_MAX_QUEUES ||
			np->rx_queues_min < 1 ||
			np->rx_queues_min > np->rx_queues_max ||
			np->tx_queues_min > np->tx_queues_max ||
			np->buf_data_size < 64 ||
			np->buf_data_size > EMU_MAX_BUF_SIZE ||
			np->max_frame_len < 64 || np->max_frame_len > 65535)
		return -EINVAL;
	return 0;
}

/* Steps 4 to 7: the destination host's fresh memory. Lock held. */
static int
emu_relocate(struct avp_emu_port *port, const struct avp_emu_migrate_opts *o,
		const struct avp_emu_port_params *np, uint64_t *lost)
{
	uint64_t old_id = port->devinfo->instance_id;
	unsigned int stock = port->stock_txq;
	int ret;

	/* transmitted frames are not lost: consume them first */
	emu_data_sync(port);
	emu_consume_tx(port);
	emu_consume_free(port);
	emu_data_sync(port);
	*lost = emu_rx_ring_frames(port);
	/* those frames were judged by the old MTU; this host was not told */
	emu_mtu_set(port, 0);

	port->params = *np;
	do {
		port->params.instance_id = emu_random64();
	} while (port->params.instance_id == old_id);
	port->relocs++;
	if (o->reorder_memmap)
		port->swapped = !port->swapped;
	ret = emu_dev_remap(port);
	if (ret == 0)
		ret = emu_dev_layout(port);
	if (ret != 0)
		return ret;
	emu_dev_write_images(port);
	emu_dev_init_ctrl_rings(port);
	emu_dev_init_data_rings(port);
	port->configured = 0;
	port->link_up = 0;
	port->rx_rr = 0;
	if (stock > port->params.tx_queues_max)
		stock = port->params.tx_queues_max;
	port->stock_txq = stock;
	emu_restock(port);
	emu_log(port, 1, "relocated: generation %" PRIu64 ", %" PRIu64
		" frames lost", port->relocs, *lost);
	return 0;
}

int
avp_emu_port_migrate(struct avp_emu_port *port,
		const struct avp_emu_migrate_opts *opts,
		struct avp_emu_migrate_result *res)
{
	struct avp_emu_migrate_opts o;
	struct avp_emu_migrate_result r;
	struct avp_emu_port_params np;
	struct avp_cfg saved_cfg;
	int saved_conf, saved_link, ret;
	unsigned int timeout, saved_stock;

	if (port == NULL)
		return -EINVAL;
	memset(&o, 0, sizeof(o));
	if (opts != NULL)
		o = *opts;
	memset(&r, 0, sizeof(r));
	timeout = o.ack_timeout_ms != 0 ? o.ack_timeout_ms :
		EMU_ACK_TIMEOUT_MS;
	pthread_mutex_lock(&port->lock);
	ret = emu_geometry(port, &o, &np);
	if (ret == 0 && port->mig.phase != MIG_IDLE)
		ret = -EBUSY;
	if (ret != 0) {
		pthread_mutex_unlock(&port->lock);
		if (res != NULL)
			*res = r;
		return ret;
	}
	saved_conf = port->configured;
	saved_link = port->link_up;
	saved_cfg = port->cfg;
	saved_stock = port->stock_txq;

	/* steps 1 to 3: detach */
	port->mig.phase = MIG_DETACHING;
	port->mig.shutdown_seen = 0;
	ret = emu_mig_phase_run(port, AVP_MIG_DETACHED, timeout, &r.detach_ack,
		&r.detach_us);
	if (ret != 0) {
		/* aborted: the guest still uses this memory and keeps the
		 * state it had, without re-sending CONFIGURE or SET_LINK
		 */
		emu_log(port, 0, "migration detach failed (ack %u)",
			r.detach_ack);
		if (port->mig.shutdown_seen) {
			port->configured = saved_conf;
			port->link_up = saved_link;
			port->cfg = saved_cfg;
			port->stock_txq = saved_stock;
		}
		emu_irq_clear(port, AVP_IRQ_CAUSE_MIGRATION);
		port->regs->mig_status = AVP_MIG_ERROR;
		port->mig.phase = MIG_IDLE;
		goto out;
	}

	/* steps 4 to 8: relocate and attach */
	port->mig.phase = MIG_RELOCATING;
	ret = emu_relocate(port, &o, &np, &r.frames_lost);
	if (ret != 0) {
		port->regs->mig_status = AVP_MIG_ERROR;
		port->mig.phase = MIG_IDLE;
		goto out;
	}
	port->mig.configures = 0;
	port->mig.phase = MIG_ATTACHING;
	ret = emu_mig_phase_run(port, AVP_MIG_ATTACHED, timeout, &r.attach_ack,
		&r.attach_us);
	r.reconfigured = port->mig.configures != 0;
	emu_irq_clear(port, AVP_IRQ_CAUSE_MIGRATION);
	port->mig.phase = MIG_IDLE;
	port->st.migrations++;
	if (ret != 0)
		emu_log(port, 0, "migration attach failed (ack %u)",
			r.attach_ack);
out:
	pthread_cond_broadcast(&port->cond);
	pthread_mutex_unlock(&port->lock);
	if (res != NULL)
		*res = r;
	return ret;
}

int
avp_emu_port_set_mig_status(struct avp_emu_port *port, uint32_t status,
		int raise)
{
	if (port == NULL)
		return -EINVAL;
	pthread_mutex_lock(&port->lock);
	if (raise)
		emu_mig_raise(port, status);
	else
		emu_mig_status_set(port, status);
	pthread_mutex_unlock(&port->lock);
	return 0;
}

int
avp_emu_port_raise_irq(struct avp_emu_port *port, uint32_t cause)
{
	if (port == NULL)
		return -EINVAL;
	pthread_mutex_lock(&port->lock);
	emu_irq_raise(port, cause);
	pthread_mutex_unlock(&port->lock);
	return 0;
}

static int
emu_pred_ack_value(struct avp_emu_port *port, const void *arg)
{
	uint32_t want = *(const uint32_t *)arg;
	uint32_t v = port->regs->mig_ack;

	return v == want || (v == AVP_MIG_ERROR && want != 0);
}

int
avp_emu_port_wait_mig_ack(struct avp_emu_port *port, uint32_t value,
		unsigned int timeout_ms)
{
	int ret;

	if (port == NULL)
		return -EINVAL;
	pthread_mutex_lock(&port->lock);
	ret = emu_wait(port, emu_pred_ack_value, &value, timeout_ms);
	if (ret == 0)
		ret = (int)port->regs->mig_ack;
	pthread_mutex_unlock(&port->lock);
	return ret;
}
