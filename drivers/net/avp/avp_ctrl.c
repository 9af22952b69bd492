/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The AVP PMD authors
 */

/*
 * The control channel ("Host/guest interface" in avp.rst): one request at a
 * time under a sleeping mutex, bounded waits, stale replies drained, and an
 * unanswered control area left alone until the host replies or a quiet
 * period has passed.
 */

#include <errno.h>
#include <string.h>

#include <rte_cycles.h>

#include "avp_ethdev.h"
#include "avp_logs.h"
#include "avp_shm.h"

static const char * const avp_op_names[AVP_OP_LIMIT] = {
	[AVP_OP_NONE] = "NONE",
	[AVP_OP_SET_MTU] = "SET_MTU",
	[AVP_OP_SET_LINK] = "SET_LINK",
	[AVP_OP_CONFIGURE] = "CONFIGURE",
	[AVP_OP_SHUTDOWN] = "SHUTDOWN",
};

int
avp_ctrl_init(struct avp_dev *avp)
{
	int ret = pthread_mutex_init(&avp->ctrl_lock, NULL);

	if (ret != 0) {
		PMD_INIT_LOG(ERR, "control mutex: %s", strerror(ret));
		return -ret;
	}
	avp->ctrl_stale = 0;
	return 0;
}

void
avp_ctrl_uninit(struct avp_dev *avp)
{
	pthread_mutex_destroy(&avp->ctrl_lock);
}

/* Takes one token from the response ring; 1 when there was one. */
static int
avp_resp_dequeue(const struct avp_shring *sr, uint64_t *token)
{
	uint32_t cons, ready;

	if (avp_ring_cons_open(sr, &cons, &ready) != 0 || ready == 0)
		return 0;	/* an index out of range is not a reply */
	*token = avp_ring_slot(sr, cons);
	avp_ring_cons_publish(sr, cons + 1);
	return 1;
}

static int
avp_req_enqueue(const struct avp_shring *sr, uint64_t token)
{
	uint32_t prod, room;

	if (avp_ring_prod_open(sr, &prod, &room) != 0 || room == 0)
		return -EBUSY;
	avp_ring_set_slot(sr, prod, token);
	avp_ring_prod_publish(sr, prod + 1);
	return 0;
}

/* Drops every reply already on the response ring. */
static unsigned int
avp_resp_drain(struct avp_dev *avp)
{
	unsigned int n = 0;
	uint64_t token;

	while (n <= avp->resp_ring.mask &&
	       avp_resp_dequeue(&avp->resp_ring, &token))
		n++;
	return n;
}

/* Sleeps while polling the response ring, up to deadline; 1 if a reply. */
static int
avp_resp_wait(struct avp_dev *avp, uint64_t deadline)
{
	unsigned int sleep_us = 20;
	struct avp_wait w;

	avp_wait_until(&w, deadline);
	while (avp_ring_count(&avp->resp_ring) == 0) {
		if (avp_wait_expired(&w))
			return 0;
		rte_delay_us_sleep(sleep_us);
		if (sleep_us < 2000)
			sleep_us *= 2;
	}
	return 1;
}

/*
 * Sends msg and waits for the host. Returns the host status (0 or a
 * negative errno) or -EBUSY (request ring full), -ETIME (no reply in
 * time), -ENODATA (wrong token), -ENXIO (no device).
 */
static int
avp_ctrl_request(struct avp_dev *avp, struct avp_ctrl_msg *msg)
{
	uint64_t hz = rte_get_timer_hz();
	uint64_t token = avp->info.ctrl_area_va;
	uint64_t reply = 0;
	const char *name = avp_op_names[msg->op];
	uint16_t port = avp->eth_dev->data->port_id;
	int ret;

	msg->status = AVP_CTRL_STATUS_PRESET;
	pthread_mutex_lock(&avp->ctrl_lock);

	if (avp->unplugged || avp->ctrl == NULL) {
		ret = -ENXIO;
		PMD_DRV_LOG(ERR, "port %u %s: device is gone", port, name);
		goto out;
	}

	if (avp->ctrl_stale) {
		/*
		 * The host may still be reading the area for a request that
		 * timed out: wait for its late reply or the quiet period.
		 */
		uint64_t quiet = avp->ctrl_sent_tsc +
			hz * AVP_CTRL_QUIET_MS / 1000;

		if (!avp_resp_wait(avp, quiet))
			PMD_DRV_LOG(NOTICE,
				"port %u: previous request never answered; reusing the control area after %u ms",
				port, AVP_CTRL_QUIET_MS);
		avp->ctrl_stale = 0;
	}

	avp->ctrl_stale_replies += avp_resp_drain(avp);

	memcpy(avp->ctrl, msg, sizeof(*msg));
	rte_wmb();
	ret = avp_req_enqueue(&avp->req_ring, token);
	if (ret != 0) {
		PMD_DRV_LOG(ERR, "port %u %s: request ring full", port, name);
		ret = AVP_ERR_CTRL_RING_FULL;
		goto fail;
	}
	avp->ctrl_sent_tsc = rte_get_timer_cycles();

	if (!avp_resp_wait(avp, avp->ctrl_sent_tsc +
			hz * AVP_CTRL_TIMEOUT_MS / 1000)) {
		PMD_DRV_LOG(ERR, "port %u %s: no reply from the host within %u ms",
			port, name, AVP_CTRL_TIMEOUT_MS);
		avp->ctrl_stale = 1;
		ret = AVP_ERR_CTRL_TIMEOUT;
		goto fail;
	}
	if (!avp_resp_dequeue(&avp->resp_ring, &reply) || reply != token) {
		PMD_DRV_LOG(ERR, "port %u %s: reply carries token 0x%" PRIx64
			", expected 0x%" PRIx64, port, name, reply, token);
		avp->ctrl_stale = 1;
		ret = AVP_ERR_CTRL_BAD_REPLY;
		goto fail;
	}
	rte_rmb();
	memcpy(msg, avp->ctrl, sizeof(*msg));
	ret = msg->status;
	if (ret > 0)
		ret = 0;	/* a positive status is a success too */
	else if (ret < 0)
		PMD_DRV_LOG(ERR, "port %u %s: host refused: %d (%s)", port,
			name, ret, strerror(-ret));
	if (ret != 0)
		goto fail;
	goto out;
fail:
	avp->ctrl_errors++;
out:
	pthread_mutex_unlock(&avp->ctrl_lock);
	return ret;
}

int
avp_ctrl_configure(struct avp_dev *avp, uint16_t tx_queues,
		uint16_t rx_queues, uint32_t features, uint8_t link_up)
{
	struct avp_ctrl_msg msg;

	memset(&msg, 0, sizeof(msg));
	msg.op = AVP_OP_CONFIGURE;
	msg.u.cfg.instance_id = avp->info.instance_id;
	msg.u.cfg.drv_kind = AVP_DRV_KIND_DPDK;
	msg.u.cfg.drv_version = AVP_GUEST_VERSION;
	msg.u.cfg.features = features;
	msg.u.cfg.tx_queues = tx_queues;
	msg.u.cfg.rx_queues = rx_queues;
	msg.u.cfg.link_up = link_up;
	return avp_ctrl_request(avp, &msg);
}

int
avp_ctrl_set_link(struct avp_dev *avp, uint8_t up)
{
	struct avp_ctrl_msg msg;

	memset(&msg, 0, sizeof(msg));
	msg.op = AVP_OP_SET_LINK;
	msg.u.link_up = up;
	return avp_ctrl_request(avp, &msg);
}

int
avp_ctrl_set_mtu(struct avp_dev *avp, uint32_t mtu)
{
	struct avp_ctrl_msg msg;

	memset(&msg, 0, sizeof(msg));
	msg.op = AVP_OP_SET_MTU;
	msg.u.mtu = mtu;
	return avp_ctrl_request(avp, &msg);
}

int
avp_ctrl_shutdown(struct avp_dev *avp)
{
	struct avp_ctrl_msg msg;

	memset(&msg, 0, sizeof(msg));
	msg.op = AVP_OP_SHUTDOWN;
	return avp_ctrl_request(avp, &msg);
}
