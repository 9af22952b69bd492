/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The AVP PMD authors
 */

/*
 * The device interrupt (MSI-X vector 0, or the emulator's eventfd): reads
 * and clears irq_status, handles the migration cause (section 16 of the
 * ABI, detach and re-attach in place) and ignores any other cause after
 * logging it once. Also what happens when the host removes the port.
 */

#include <errno.h>
#include <poll.h>
#include <string.h>
#include <unistd.h>

#include <ethdev_driver.h>
#include <rte_cycles.h>
#include <rte_interrupts.h>

#include "avp_ethdev.h"
#include "avp_logs.h"

/* Link changes nobody asked for (migration) are reported as LSC events. */
static void
avp_link_event(struct avp_dev *avp, int up)
{
	struct rte_eth_dev *dev = avp->eth_dev;

	avp_set_link(avp, up);
	if (dev->data->dev_conf.intr_conf.lsc)
		rte_eth_dev_callback_process(dev, RTE_ETH_EVENT_INTR_LSC,
				NULL);
}

/* Migration (section 16), minimal: detach and re-attach in place. */
static uint32_t
avp_migrate_detach(struct avp_dev *avp)
{
	int ret;

	if (avp->detached & AVP_BLOCK_MIGRATION)
		return AVP_MIG_DETACHED;
	ret = avp_dp_block(avp, AVP_BLOCK_MIGRATION);
	if (ret == 0)
		ret = avp_ctrl_shutdown(avp);
	if (ret != 0) {
		avp_dp_unblock(avp, AVP_BLOCK_MIGRATION);
		PMD_DRV_LOG(ERR, "port %u: detach failed (%d)",
			avp->eth_dev->data->port_id, ret);
		return AVP_MIG_ERROR;
	}
	if (avp->started)
		avp_link_event(avp, 0);
	return AVP_MIG_DETACHED;
}

static uint32_t
avp_migrate_attach(struct avp_dev *avp)
{
	struct rte_eth_dev *dev = avp->eth_dev;
	uint32_t h = avp->buf_size, feat = avp->host_features;
	uint32_t max_frame = avp->max_frame;
	struct rte_ether_addr mac = avp->mac;
	uint8_t rxmax = avp->max_rx_queues, txmax = avp->max_tx_queues;
	int ret;

	if (!(avp->detached & AVP_BLOCK_MIGRATION))
		return AVP_MIG_ATTACHED;
	ret = avp_dev_attach(avp);
	if (ret != 0)
		return AVP_MIG_ERROR;
	if (avp->buf_size != h || !rte_is_same_ether_addr(&mac, &avp->mac) ||
	    avp->max_rx_queues < rxmax || avp->max_tx_queues < txmax ||
	    (avp->neg_features & ~avp->host_features)) {
		PMD_DRV_LOG(ERR,
			"port %u: destination cannot carry the port (buffer size %u, was %u; queues %u/%u, were %u/%u; features 0x%x, need 0x%x; MAC %s): staying detached",
			dev->data->port_id, avp->buf_size, h,
			avp->max_rx_queues, avp->max_tx_queues, rxmax, txmax,
			avp->host_features, avp->neg_features,
			rte_is_same_ether_addr(&mac, &avp->mac) ?
				"same" : "changed");
		/* What the port was set up with stays the reference. */
		avp->buf_size = h;
		avp->mac = mac;
		avp->max_rx_queues = rxmax;
		avp->max_tx_queues = txmax;
		avp->host_features = feat;
		avp->max_frame = max_frame;
		return AVP_MIG_ERROR;
	}
	if (avp->configured) {
		unsigned int rings = RTE_MAX((unsigned int)avp->min_rx_queues,
				(unsigned int)dev->data->nb_rx_queues);

		avp->nb_rx_rings = RTE_MIN(rings,
				(unsigned int)avp->max_rx_queues);
		ret = avp_ctrl_configure(avp, dev->data->nb_tx_queues,
				avp->nb_rx_rings, avp->neg_features,
				avp->started);
		if (ret != 0)
			return AVP_MIG_ERROR;
		avp_select_paths(dev, 0);
		avp_queues_refresh(dev);
	}
	avp_dp_unblock(avp, AVP_BLOCK_MIGRATION);
	if (avp->started)
		avp_link_event(avp, 1);
	return AVP_MIG_ATTACHED;
}

void
avp_intr_handler(void *arg)
{
	struct rte_eth_dev *dev = arg;
	struct avp_dev *avp = AVP_DEV(dev);
	uint32_t status, mig, ack;

	if (rte_intr_type_get(avp->intr_handle) == RTE_INTR_HANDLE_VDEV) {
		/* EAL leaves the eventfd to us: drain it without blocking. */
		struct pollfd pfd = {
			.fd = rte_intr_fd_get(avp->intr_handle),
			.events = POLLIN,
		};
		uint64_t cnt;

		if (poll(&pfd, 1, 0) == 1 && (pfd.revents & POLLIN) &&
		    read(pfd.fd, &cnt, sizeof(cnt)) < 0)
			PMD_DRV_LOG(DEBUG, "eventfd read: %s", strerror(errno));
	}
	if (avp->regs == NULL || avp->closed)
		return;

	status = avp->regs->irq_status;	/* reading clears it */
	if (status & AVP_IRQ_CAUSE_MIGRATION) {
		mig = avp->regs->mig_status;
		switch (mig) {
		case AVP_MIG_DETACHED:
			ack = avp_migrate_detach(avp);
			break;
		case AVP_MIG_ATTACHED:
			ack = avp_migrate_attach(avp);
			break;
		default:
			PMD_DRV_LOG(ERR, "port %u: unexpected mig_status %u",
				dev->data->port_id, mig);
			ack = AVP_MIG_ERROR;
			break;
		}
		avp->regs->mig_ack = ack;
		PMD_DRV_LOG(INFO, "port %u: migration status %u, acknowledged %u",
			dev->data->port_id, mig, ack);
	}
	if ((status & ~AVP_IRQ_CAUSE_MIGRATION) &&
	    !(avp->unexpected_irq_logged & status & ~AVP_IRQ_CAUSE_MIGRATION)) {
		PMD_DRV_LOG(WARNING, "port %u: unexpected interrupt cause 0x%08x ignored",
			dev->data->port_id, status & ~AVP_IRQ_CAUSE_MIGRATION);
		avp->unexpected_irq_logged |= status;
	}
	if (rte_intr_type_get(avp->intr_handle) != RTE_INTR_HANDLE_VDEV)
		rte_intr_ack(avp->intr_handle);
}

/* The host removed the port: stop the data path and tell the application. */
void
avp_ethdev_notify_removal(struct avp_dev *avp)
{
	__atomic_fetch_or(&avp->detached, AVP_BLOCK_UNPLUGGED,
			__ATOMIC_SEQ_CST);
	avp->unplugged = 1;
	avp_set_link(avp, 0);
	rte_eth_dev_callback_process(avp->eth_dev, RTE_ETH_EVENT_INTR_RMV,
			NULL);
}

void
avp_intr_unregister(struct avp_dev *avp)
{
	int ret, tries;

	if (!avp->intr_registered)
		return;
	avp->intr_registered = 0;
	if (rte_thread_is_intr()) {
		rte_intr_callback_unregister_pending(avp->intr_handle,
				avp_intr_handler, avp->eth_dev, NULL);
		return;
	}
	for (tries = 0; tries < 1000; tries++) {
		ret = rte_intr_callback_unregister(avp->intr_handle,
				avp_intr_handler, avp->eth_dev);
		if (ret != -EAGAIN)
			return;
		rte_delay_us_sleep(1000);
	}
	PMD_DRV_LOG(ERR, "port %u: interrupt callback still active",
		avp->eth_dev->data->port_id);
}
