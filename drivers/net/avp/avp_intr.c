/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The AVP PMD authors
 */

/*
 * The device interrupt (MSI-X vector 0, or the emulator's eventfd) and live
 * migration (see "Live migration and hot-plug" in avp.rst). The interrupt
 * callback runs on EAL's interrupt thread: it only reads and clears
 * irq_status, logs any cause other than migration once, and hands a
 * migration event to the port's own control thread ("avp-mig-N"). That
 * thread takes the device lock, so a migration is serialised with
 * configure, start, stop, close and the other control operations, and runs
 * the blocking requests of detach and attach without holding up other
 * devices' interrupts. The port state it changes is avp_port.c's.
 */

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <ethdev_driver.h>
#include <rte_cycles.h>
#include <rte_interrupts.h>
#include <rte_lcore.h>

#include "avp_ethdev.h"
#include "avp_logs.h"
#include "avp_shm.h"

/* CONFIGURE at attach: tries before the attach is given up. */
#define AVP_ATTACH_TRIES	3
/* Detach: longest wait for the application to empty the rx rings. */
#define AVP_DRAIN_MS		10

/* Link changes nobody asked for (migration) are reported as LSC events. */
static void
avp_lsc_event(struct avp_dev *avp)
{
	struct rte_eth_dev *dev = avp->eth_dev;

	if (avp->lsc_intr)
		rte_eth_dev_callback_process(dev, RTE_ETH_EVENT_INTR_LSC,
				NULL);
}

/* Frames waiting on the receive rings the port uses. */
static uint32_t
avp_rx_pending(const struct avp_dev *avp)
{
	uint32_t n = 0;
	unsigned int r;

	for (r = 0; r < avp->nb_rx_rings && r < AVP_MAX_QUEUES; r++)
		if (avp->rx_ring[r].ring != NULL)
			n += avp_ring_count(&avp->rx_ring[r]);
	return n;
}

/*
 * Detach: stop using the source's memory. Device lock held. SHUTDOWN goes
 * first, as in the reference: the host stops producing into the rx rings
 * but keeps them, so the application may still receive what is on them; the
 * data path is blocked once they are empty (or after AVP_DRAIN_MS), and
 * every queue is waited out of its burst before DETACHED is acknowledged.
 */
static uint32_t
avp_migrate_detach(struct avp_dev *avp, int *lsc)
{
	uint16_t port = avp->eth_dev->data->port_id;
	uint64_t end;
	int ret;

	if (avp->detached & AVP_BLOCK_MIGRATION)
		return AVP_MIG_DETACHED;
	ret = avp_ctrl_shutdown(avp);
	if (ret != 0) {
		PMD_DRV_LOG(ERR, "port %u: migration detach failed: SHUTDOWN %d; staying attached",
			port, ret);
		return AVP_MIG_ERROR;
	}
	if (avp->started) {
		end = rte_get_timer_cycles() +
			rte_get_timer_hz() * AVP_DRAIN_MS / 1000;
		while (avp_rx_pending(avp) != 0 &&
		       rte_get_timer_cycles() < end)
			rte_delay_us_sleep(100);
	}
	ret = avp_dp_block(avp, AVP_BLOCK_MIGRATION);
	if (ret != 0) {
		avp_dp_unblock(avp, AVP_BLOCK_MIGRATION);
		PMD_DRV_LOG(ERR, "port %u: migration detach failed: data path busy (%d); staying attached",
			port, ret);
		return AVP_MIG_ERROR;
	}
	if (avp->link_up) {
		avp_set_link(avp, 0);
		*lsc = 1;
	}
	return AVP_MIG_DETACHED;
}

/*
 * What the destination must offer to carry the port as configured. Returns
 * 0, or -ENOTSUP after one log line that says what is missing.
 */
static int
avp_attach_compatible(struct avp_dev *avp, uint32_t old_h,
		const struct rte_ether_addr *old_mac, uint8_t old_rxmax,
		uint8_t old_txmax, uint32_t old_feat)
{
	struct rte_eth_dev_data *data = avp->eth_dev->data;
	char why[160];

	why[0] = '\0';
	if (!rte_is_same_ether_addr(old_mac, &avp->mac))
		snprintf(why, sizeof(why), "MAC changed to " RTE_ETHER_ADDR_PRT_FMT
			", the port has " RTE_ETHER_ADDR_PRT_FMT,
			RTE_ETHER_ADDR_BYTES(&avp->mac),
			RTE_ETHER_ADDR_BYTES(old_mac));
	else if (avp->buf_size != old_h)
		snprintf(why, sizeof(why),
			"host buffers of %u bytes, the port uses %u",
			avp->buf_size, old_h);
	else if (avp->configured && (avp->nb_rxq > avp->max_rx_queues ||
				     avp->nb_txq > avp->max_tx_queues))
		snprintf(why, sizeof(why),
			"%u rx / %u tx queues, the port has %u / %u configured",
			avp->max_rx_queues, avp->max_tx_queues,
			avp->nb_rxq, avp->nb_txq);
	else if (avp->neg_features & ~avp->host_features)
		snprintf(why, sizeof(why),
			"features 0x%x lack 0x%x in use (VLAN offload)",
			avp->host_features,
			avp->neg_features & ~avp->host_features);
	else if (avp->max_rx_queues < old_rxmax || avp->max_tx_queues < old_txmax)
		snprintf(why, sizeof(why),
			"%u rx / %u tx queues at most, the port reported %u / %u",
			avp->max_rx_queues, avp->max_tx_queues,
			old_rxmax, old_txmax);
	else if ((old_feat & AVP_FEAT_VLAN_OFFLOAD) &&
		 !(avp->host_features & AVP_FEAT_VLAN_OFFLOAD) &&
		 (avp->tx_offloads & RTE_ETH_TX_OFFLOAD_VLAN_INSERT))
		snprintf(why, sizeof(why),
			"no VLAN offload, the port inserts VLAN tags");
	if (why[0] == '\0')
		return 0;
	PMD_DRV_LOG(ERR, "port %u: migration destination refused: %s; staying detached",
		data->port_id, why);
	return -ENOTSUP;
}

/*
 * Attach to the destination, with everything re-read and re-validated.
 * Device lock held. As in the reference, the data path is back before
 * ATTACHED is acknowledged, so the port is fully up (link, announcement
 * queued) when the host sees the acknowledgement.
 */
static uint32_t
avp_migrate_attach(struct avp_dev *avp, int *lsc)
{
	struct rte_eth_dev *dev = avp->eth_dev;
	uint16_t port = dev->data->port_id;
	uint32_t h = avp->buf_size, feat = avp->host_features;
	uint32_t max_frame = avp->max_frame;
	struct rte_ether_addr mac = avp->mac;
	uint8_t rxmax = avp->max_rx_queues, txmax = avp->max_tx_queues;
	int ret, tries;

	if (!(avp->detached & AVP_BLOCK_MIGRATION))
		return AVP_MIG_ATTACHED;
	ret = avp_dev_attach(avp);	/* re-validates, re-translates */
	if (ret != 0)
		PMD_DRV_LOG(ERR, "port %u: migration destination refused: device info or memory map invalid (%d); staying detached",
			port, ret);
	if (ret != 0 ||
	    avp_attach_compatible(avp, h, &mac, rxmax, txmax, feat) != 0) {
		/* What the port was set up with stays the reference. */
		avp->buf_size = h;
		avp->mac = mac;
		avp->max_rx_queues = rxmax;
		avp->max_tx_queues = txmax;
		avp->host_features = feat;
		avp->max_frame = max_frame;
		return AVP_MIG_ERROR;
	}
	/* Limits the application was given at probe stay what they were. */
	avp->buf_size = h;
	avp->max_rx_queues = rxmax;
	avp->max_tx_queues = txmax;
	avp->host_features = feat;
	if (avp->max_frame < max_frame)
		PMD_DRV_LOG(WARNING, "port %u: destination carries frames of %u bytes at most (was %u)",
			port, avp->max_frame, max_frame);
	if (avp->configured) {
		unsigned int rings = RTE_MAX((unsigned int)avp->min_rx_queues,
				(unsigned int)avp->nb_rxq);

		avp->nb_rx_rings = RTE_MIN(rings,
				(unsigned int)avp->max_rx_queues);
		for (tries = 0; tries < AVP_ATTACH_TRIES; tries++) {
			ret = avp_ctrl_configure(avp, avp->nb_txq,
					avp->nb_rx_rings, avp->neg_features,
					avp->started);
			if (ret == 0 || ret == -ENXIO)
				break;
			PMD_DRV_LOG(WARNING, "port %u: CONFIGURE at attach failed (%d), try %d of %d",
				port, ret, tries + 1, AVP_ATTACH_TRIES);
		}
		if (ret != 0) {
			PMD_DRV_LOG(ERR, "port %u: migration destination refused: CONFIGURE failed (%d); staying detached",
				port, ret);
			return AVP_MIG_ERROR;
		}
		avp_select_paths(dev, 0);
		avp_queues_refresh(dev);
		/* The destination host has not been told the MTU. */
		avp_mtu_tell_host(avp, "migration attach");
	}
	/* Announce while the data path is still out: ring 0 is ours. */
	if (avp->started && avp->announce && avp->nb_txq > 0) {
		ret = avp_send_announce(avp);
		if (ret == 0)
			avp->mig.announces++;
		else
			PMD_DRV_LOG(WARNING, "port %u: MAC announcement not sent (%d)",
				port, ret);
	}
	avp_dp_unblock(avp, AVP_BLOCK_MIGRATION);
	if (avp->started && !avp->link_up) {
		avp_set_link(avp, 1);
		*lsc = 1;
	}
	return AVP_MIG_ATTACHED;
}

/* One migration event, on the port's control thread. */
static void
avp_migration_event(struct avp_dev *avp)
{
	uint16_t port = avp->eth_dev->data->port_id;
	uint32_t mig, ack = AVP_MIG_ERROR;
	int lsc = 0;

	avp_port_lock(avp);
	if (avp->closed || avp->unplugged || avp->regs == NULL) {
		avp_port_unlock(avp);
		return;
	}
	mig = avp->regs->mig_status;
	switch (mig) {
	case AVP_MIG_DETACHED:
		ack = avp_migrate_detach(avp, &lsc);
		break;
	case AVP_MIG_ATTACHED:
		ack = avp_migrate_attach(avp, &lsc);
		break;
	default:
		PMD_DRV_LOG(ERR, "port %u: migration interrupt with mig_status %u: acknowledging ERROR",
			port, mig);
		break;
	}
	if (ack == AVP_MIG_DETACHED)
		avp->mig.detaches++;
	else if (ack == AVP_MIG_ATTACHED)
		avp->mig.attaches++;
	else
		avp->mig.errors++;
	avp_port_unlock(avp);
	/* The application hears of the link before the host of the ack. */
	if (lsc)
		avp_lsc_event(avp);
	avp->regs->mig_ack = ack;
	PMD_DRV_LOG(INFO, "port %u: migration status %u, acknowledged %u",
		port, mig, ack);
}

static uint32_t
avp_mig_thread(void *arg)
{
	struct avp_dev *avp = arg;

	pthread_mutex_lock(&avp->mig_mtx);
	for (;;) {
		while (avp->mig_pending == 0 && !avp->mig_stop)
			pthread_cond_wait(&avp->mig_cond, &avp->mig_mtx);
		if (avp->mig_stop)
			break;
		avp->mig_pending = 0;
		pthread_mutex_unlock(&avp->mig_mtx);
		avp_migration_event(avp);
		pthread_mutex_lock(&avp->mig_mtx);
	}
	pthread_mutex_unlock(&avp->mig_mtx);
	return 0;
}

int
avp_mig_init(struct avp_dev *avp)
{
	char name[RTE_MAX_THREAD_NAME_LEN];
	int ret;

	ret = pthread_mutex_init(&avp->mig_mtx, NULL);
	if (ret == 0) {
		ret = pthread_cond_init(&avp->mig_cond, NULL);
		if (ret != 0)
			pthread_mutex_destroy(&avp->mig_mtx);
	}
	if (ret != 0) {
		PMD_INIT_LOG(ERR, "%s: migration worker: %s",
			avp->eth_dev->data->name, strerror(ret));
		return -ret;
	}
	avp->mig_pending = 0;
	avp->mig_stop = 0;
	snprintf(name, sizeof(name), "avp-mig-%u", avp->eth_dev->data->port_id);
	/* Set before the thread runs: it reads the fields next to it. */
	avp->mig_thread_ok = 1;
	ret = avp_thread_start(&avp->mig_thread, name, avp_mig_thread, avp);
	if (ret != 0) {
		avp->mig_thread_ok = 0;
		PMD_INIT_LOG(ERR, "%s: migration thread: %s",
			avp->eth_dev->data->name, strerror(ret));
		pthread_cond_destroy(&avp->mig_cond);
		pthread_mutex_destroy(&avp->mig_mtx);
		return -ret;
	}
	return 0;
}

/* Stops the worker (after the event it handles, if any). */
void
avp_mig_uninit(struct avp_dev *avp)
{
	if (!avp->mig_thread_ok)
		return;
	pthread_mutex_lock(&avp->mig_mtx);
	avp->mig_stop = 1;
	avp->mig_thread_ok = 0;	/* shares a word the worker reads */
	pthread_cond_signal(&avp->mig_cond);
	pthread_mutex_unlock(&avp->mig_mtx);
	if (avp_thread_is_self(avp->mig_thread)) {
		/* closed from a callback: the thread still uses its lock */
		avp_thread_detach(avp->mig_thread);
		return;
	}
	avp_thread_join(avp->mig_thread);
	pthread_cond_destroy(&avp->mig_cond);
	pthread_mutex_destroy(&avp->mig_mtx);
}

void
avp_intr_handler(void *arg)
{
	struct rte_eth_dev *dev = arg;
	struct avp_dev *avp = AVP_DEV(dev);
	struct avp_regs *regs;
	uint32_t status, other;

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
	regs = avp->regs;
	if (regs == NULL || avp->closed)
		return;

	status = regs->irq_status;	/* reading clears it */
	if ((status & AVP_IRQ_CAUSE_MIGRATION) && avp->mig_thread_ok) {
		/* The work is done on the port's control thread. */
		pthread_mutex_lock(&avp->mig_mtx);
		avp->mig_pending++;
		pthread_cond_signal(&avp->mig_cond);
		pthread_mutex_unlock(&avp->mig_mtx);
	}
	other = status & ~AVP_IRQ_CAUSE_MIGRATION;
	if (other && !(avp->unexpected_irq_logged & other)) {
		PMD_DRV_LOG(WARNING, "port %u: unexpected interrupt cause 0x%08x ignored",
			dev->data->port_id, other);
		avp->unexpected_irq_logged |= other;
	}
	if (rte_intr_type_get(avp->intr_handle) != RTE_INTR_HANDLE_VDEV)
		rte_intr_ack(avp->intr_handle);
}

/*
 * Removes an interrupt callback: at once from the interrupt thread
 * itself, else retried while the callback runs (bounded).
 */
void
avp_intr_callback_remove(struct rte_intr_handle *handle,
		rte_intr_callback_fn cb, void *arg)
{
	int tries;

	if (rte_thread_is_intr()) {
		rte_intr_callback_unregister_pending(handle, cb, arg, NULL);
		return;
	}
	for (tries = 0; tries < 1000; tries++) {
		if (rte_intr_callback_unregister(handle, cb, arg) != -EAGAIN)
			return;
		rte_delay_us_sleep(1000);
	}
	PMD_DRV_LOG(ERR, "interrupt callback still active after 1 s");
}

void
avp_intr_unregister(struct avp_dev *avp)
{
	if (!avp->intr_registered)
		return;
	avp->intr_registered = 0;
	avp_intr_callback_remove(avp->intr_handle, avp_intr_handler,
			avp->eth_dev);
}
