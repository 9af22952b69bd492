/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The AVP PMD authors
 */

/*
 * Secondary processes (dpdk-proc-info, dpdk-dumpcap, dpdk-pdump, an
 * application's own). The port's state, struct avp_dev and its queues,
 * is in DPDK's shared memory, and every pointer in it holds in a process
 * that maps the BARs at the primary's addresses: EAL does so for a PCI
 * function; for an emulator-attached port the primary hands the memfd
 * over with rte_mp, as memif does, and the secondary maps it at the
 * primary's address. A secondary runs the data path on the queues it is
 * given and the operations that only read; control operations are the
 * primary's, and are refused with one log line. A secondary takes no
 * lock, and the primary waits out a burst only while the process that
 * entered it is alive (see avp.rst).
 */

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <ethdev_driver.h>
#include <rte_eal.h>
#include <rte_string_fns.h>

#include "avp_vec.h"
#include "avp_ethdev.h"
#include "avp_logs.h"

#define AVP_MP_MEMFD	"net_avp_memfd"
#define AVP_MP_TIMEOUT_S	5

/* What the primary answers in the reply's param. */
struct avp_mp_reply {
	int32_t status;			/* 0 or a negative errno */
	uint64_t map_va;		/* where the primary mapped the memfd */
	uint64_t map_len;
};

/* Primary: the memfd of the emulator-attached port named in the request. */
static int
avp_mp_memfd_action(const struct rte_mp_msg *req, const void *peer)
{
	struct rte_mp_msg reply;
	struct avp_mp_reply r = { .status = -ENODEV };
	struct rte_eth_dev *eth_dev;
	char name[RTE_ETH_NAME_MAX_LEN];
	int fd = -1;

	memset(&reply, 0, sizeof(reply));
	strlcpy(name, (const char *)req->param,
		RTE_MIN(sizeof(name), (size_t)req->len_param + 1));
	eth_dev = rte_eth_dev_allocated(name);
	if (eth_dev != NULL && eth_dev->data->dev_private != NULL) {
		struct avp_dev *avp = AVP_DEV(eth_dev);

		fd = avp->closed ? -1 : avp_vdev_memfd(avp, &r.map_va,
				&r.map_len);
		if (fd >= 0)
			r.status = 0;
	}
	strlcpy(reply.name, req->name, sizeof(reply.name));
	memcpy(reply.param, &r, sizeof(r));
	reply.len_param = sizeof(r);
	if (fd >= 0) {
		reply.fds[0] = fd;
		reply.num_fds = 1;
	}
	return rte_mp_reply(&reply, peer);
}

int
avp_mp_primary_init(void)
{
	int ret = rte_mp_action_register(AVP_MP_MEMFD, avp_mp_memfd_action);

	if (ret == 0 || rte_errno == EEXIST)
		return 0;
	if (rte_errno == ENOTSUP)
		return 0;	/* --in-memory / --no-shconf: no secondary */
	PMD_INIT_LOG(ERR, "cannot serve secondary processes: %s",
		rte_strerror(rte_errno));
	return -rte_errno;
}

/*
 * Secondary: maps the memfd of the primary's port name at the address
 * the primary uses. Returns 0 with *map and *len set, or a negative
 * errno after one log line.
 */
int
avp_mp_map_memfd(const char *name, void **map, size_t *len)
{
	struct rte_mp_msg req, *reply;
	struct rte_mp_reply replies = { .nb_received = 0 };
	struct timespec ts = { .tv_sec = AVP_MP_TIMEOUT_S };
	struct avp_mp_reply r;
	void *want, *got;
	int fd, ret;

	memset(&req, 0, sizeof(req));
	strlcpy(req.name, AVP_MP_MEMFD, sizeof(req.name));
	strlcpy((char *)req.param, name, sizeof(req.param));
	req.len_param = strlen(name);
	if (rte_mp_request_sync(&req, &replies, &ts) != 0 ||
	    replies.nb_received != 1) {
		PMD_INIT_LOG(ERR, "%s: the primary process did not answer: %s",
			name, rte_strerror(rte_errno));
		free(replies.msgs);
		return -EIO;
	}
	reply = &replies.msgs[0];
	memcpy(&r, reply->param, sizeof(r));
	fd = reply->num_fds == 1 ? reply->fds[0] : -1;
	if (reply->len_param != sizeof(r) && r.status == 0)
		r.status = -EPROTO;
	free(replies.msgs);
	if (r.status != 0 || fd < 0) {
		PMD_INIT_LOG(ERR, "%s: the primary process has no such port (%d)",
			name, r.status);
		if (fd >= 0)
			close(fd);
		return r.status != 0 ? r.status : -EPROTO;
	}
	want = (void *)(uintptr_t)r.map_va;
	got = mmap(want, r.map_len, PROT_READ | PROT_WRITE,
			MAP_SHARED | MAP_FIXED_NOREPLACE, fd, 0);
	ret = errno;
	close(fd);
	if (got != want) {
		if (got != MAP_FAILED)
			munmap(got, r.map_len);
		PMD_INIT_LOG(ERR, "%s: cannot map the port at the primary's address %p: %s",
			name, want, got == MAP_FAILED ? strerror(ret) :
			"address taken");
		return got == MAP_FAILED ? -ret : -EADDRINUSE;
	}
	*map = got;
	*len = r.map_len;
	return 0;
}

uint32_t avp_burst_owner = 1;

/* Bursts of this process mark their queue with its process id. */
void
avp_burst_owner_init(void)
{
	avp_burst_owner = (uint32_t)getpid();
}

/*
 * Whether a burst is under way on a queue: by this process, or by
 * another that is still alive. A secondary that ended inside a burst
 * leaves the queue free again, so that the primary can stop, close or
 * migrate the port.
 */
int
avp_burst_running(RTE_ATOMIC(uint32_t) *in_burst)
{
	uint32_t owner = rte_atomic_load_explicit(in_burst,
			rte_memory_order_seq_cst);

	if (owner == 0 || owner == avp_burst_owner)
		return owner != 0;
	if (kill((pid_t)owner, 0) == 0 || errno != ESRCH)
		return 1;
	rte_atomic_store_explicit(in_burst, 0, rte_memory_order_release);
	PMD_DRV_LOG(NOTICE, "process %u ended inside a burst: its queue is free again",
		owner);
	return 0;
}

/* Control operations, refused in a secondary, one per signature. */
static int
avp_mp_refuse(struct rte_eth_dev *dev)
{
	PMD_DRV_LOG(ERR, "port %u: control operations belong to the primary process",
		dev->data->port_id);
	return -EPERM;
}

static int
avp_mp_refuse_u16(struct rte_eth_dev *dev, uint16_t arg __rte_unused)
{
	return avp_mp_refuse(dev);
}

static int
avp_mp_refuse_int(struct rte_eth_dev *dev, int arg __rte_unused)
{
	return avp_mp_refuse(dev);
}

static int
avp_mp_refuse_mac(struct rte_eth_dev *dev,
		struct rte_ether_addr *addr __rte_unused)
{
	return avp_mp_refuse(dev);
}

static int
avp_mp_refuse_mc(struct rte_eth_dev *dev,
		struct rte_ether_addr *addrs __rte_unused, uint32_t n __rte_unused)
{
	return avp_mp_refuse(dev);
}

static int
avp_mp_refuse_rxq(struct rte_eth_dev *dev, uint16_t qid __rte_unused,
		uint16_t nb_desc __rte_unused, unsigned int socket __rte_unused,
		const struct rte_eth_rxconf *conf __rte_unused,
		struct rte_mempool *mp __rte_unused)
{
	return avp_mp_refuse(dev);
}

static int
avp_mp_refuse_txq(struct rte_eth_dev *dev, uint16_t qid __rte_unused,
		uint16_t nb_desc __rte_unused, unsigned int socket __rte_unused,
		const struct rte_eth_txconf *conf __rte_unused)
{
	return avp_mp_refuse(dev);
}

/* Close in a secondary: only what this process holds. */
static int
avp_mp_close(struct rte_eth_dev *dev)
{
	avp_mp_secondary_release(dev);
	return 0;
}

static struct eth_dev_ops avp_mp_ops;

/*
 * A port in a secondary process, once the BARs are mapped at the
 * primary's addresses: the primary's read-only operations, the control
 * ones refused, and the data path.
 */
int
avp_mp_secondary_init(struct rte_eth_dev *eth_dev)
{
	const struct avp_vec_path *path;
	struct eth_dev_ops *o = &avp_mp_ops;

	if (avp_mp_ops.dev_infos_get == NULL) {
		*o = avp_eth_dev_ops;
		o->dev_configure = avp_mp_refuse;
		o->dev_start = avp_mp_refuse;
		o->dev_stop = avp_mp_refuse;
		o->dev_set_link_up = avp_mp_refuse;
		o->dev_set_link_down = avp_mp_refuse;
		o->dev_close = avp_mp_close;
		o->promiscuous_enable = avp_mp_refuse;
		o->promiscuous_disable = avp_mp_refuse;
		o->allmulticast_enable = avp_mp_refuse;
		o->allmulticast_disable = avp_mp_refuse;
		o->stats_reset = avp_mp_refuse;
		o->xstats_reset = avp_mp_refuse;
		o->mtu_set = avp_mp_refuse_u16;
		o->vlan_offload_set = avp_mp_refuse_int;
		o->mac_addr_set = avp_mp_refuse_mac;
		o->set_mc_addr_list = avp_mp_refuse_mc;
		o->rx_queue_setup = avp_mp_refuse_rxq;
		o->tx_queue_setup = avp_mp_refuse_txq;
		o->rx_queue_release = NULL;
		o->tx_queue_release = NULL;
		o->rx_queue_start = o->rx_queue_start ? avp_mp_refuse_u16 : NULL;
		o->rx_queue_stop = o->rx_queue_stop ? avp_mp_refuse_u16 : NULL;
		o->tx_queue_start = o->tx_queue_start ? avp_mp_refuse_u16 : NULL;
		o->tx_queue_stop = o->tx_queue_stop ? avp_mp_refuse_u16 : NULL;
	}
	avp_burst_owner_init();
	eth_dev->dev_ops = &avp_mp_ops;
	/* The primary's kind of path, the instruction set of this CPU. */
	path = avp_vec_select();
	eth_dev->rx_pkt_burst = path->rx_burst;
	eth_dev->tx_pkt_burst = path->tx_burst;
	avp_queue_fast_ops(eth_dev);
	return 0;
}

/* What a secondary holds for a port: its own mapping of the memfd. */
void
avp_mp_secondary_release(struct rte_eth_dev *eth_dev)
{
	struct avp_mp_local *l = eth_dev->process_private;

	eth_dev->process_private = NULL;
	if (l == NULL)
		return;
	munmap(l->map, l->len);
	free(l);
}
