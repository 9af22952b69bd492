/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The AVP PMD authors
 */

/*
 * Emulator transport: a virtual device that attaches to an AVP host
 * emulator over its UNIX socket (avp_attach_proto.h), receives the memfd
 * holding the BAR images and the interrupt eventfd, and from then on runs
 * the same code as a PCI port. The socket stays open while the port
 * exists: the host closing it, or asking with UNPLUG, raises
 * RTE_ETH_EVENT_INTR_RMV.
 */

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <bus_vdev_driver.h>
#include <ethdev_vdev.h>
#include <rte_interrupts.h>
#include <rte_kvargs.h>
#include <rte_malloc.h>
#include <rte_string_fns.h>

#include "avp_attach_proto.h"
#include "avp_ethdev.h"
#include "avp_logs.h"

#define AVP_VDEV_ARG_SOCKET	"socket"
#define AVP_VDEV_ATTACH_TIMEOUT_MS	2000

static const char * const avp_vdev_valid_args[] = {
	AVP_VDEV_ARG_SOCKET,
	AVP_DEVARG_ANNOUNCE,
	NULL
};

struct avp_vdev {
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	int sock;
	int memfd;
	int irqfd;
	void *map;
	size_t map_len;
	struct rte_intr_handle *irq_intr;	/* eventfd, type VDEV */
	struct rte_intr_handle *sock_intr;	/* socket, type EXT */
	int sock_cb;				/* callback registered */
	uint8_t announce;			/* devarg announce */
};

static int
avp_vdev_arg_socket(const char *key, const char *value, void *opaque)
{
	struct avp_vdev *v = opaque;

	if (value == NULL || value[0] == '\0' ||
	    strlen(value) >= sizeof(v->path)) {
		PMD_INIT_LOG(ERR,
			"devarg %s=%s invalid: need a UNIX socket path of 1..%zu characters",
			key, value == NULL ? "" : value, sizeof(v->path) - 1);
		return -EINVAL;
	}
	strlcpy(v->path, value, sizeof(v->path));
	return 0;
}

static int
avp_vdev_parse(struct rte_vdev_device *vdev, struct avp_vdev *v)
{
	const char *args = rte_vdev_device_args(vdev);
	struct rte_kvargs *kvlist;
	int ret;

	if (args == NULL || args[0] == '\0') {
		PMD_INIT_LOG(ERR, "%s: devarg %s=PATH is required",
			rte_vdev_device_name(vdev), AVP_VDEV_ARG_SOCKET);
		return -EINVAL;
	}
	kvlist = rte_kvargs_parse(args, avp_vdev_valid_args);
	if (kvlist == NULL) {
		PMD_INIT_LOG(ERR, "%s: devargs \"%s\" invalid: allowed keys: %s=PATH, %s=0|1",
			rte_vdev_device_name(vdev), args, AVP_VDEV_ARG_SOCKET,
			AVP_DEVARG_ANNOUNCE);
		return -EINVAL;
	}
	if (rte_kvargs_count(kvlist, AVP_VDEV_ARG_SOCKET) != 1) {
		PMD_INIT_LOG(ERR, "%s: devarg %s=PATH must be given exactly once",
			rte_vdev_device_name(vdev), AVP_VDEV_ARG_SOCKET);
		ret = -EINVAL;
		goto out;
	}
	ret = rte_kvargs_process(kvlist, AVP_VDEV_ARG_SOCKET,
			avp_vdev_arg_socket, v);
	if (ret != 0)
		ret = -EINVAL;
	if (ret == 0)
		ret = avp_kvargs_announce(kvlist, rte_vdev_device_name(vdev),
				&v->announce);
out:
	rte_kvargs_free(kvlist);
	return ret;
}

/* HELLO, then DEVICE with the memfd and the eventfd (or REJECT). */
static int
avp_vdev_handshake(struct avp_vdev *v, const char *name,
		struct avp_attach_msg *dev_msg)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct avp_attach_msg msg;
	char cbuf[CMSG_SPACE(sizeof(int) * AVP_ATTACH_FD_COUNT)];
	struct iovec iov = { .iov_base = dev_msg, .iov_len = sizeof(*dev_msg) };
	struct msghdr mh = {
		.msg_iov = &iov,
		.msg_iovlen = 1,
		.msg_control = cbuf,
		.msg_controllen = sizeof(cbuf),
	};
	struct pollfd pfd;
	struct cmsghdr *cm;
	ssize_t n;
	int nfds = 0, err;

	v->sock = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (v->sock < 0) {
		err = errno;
		PMD_INIT_LOG(ERR, "%s: socket: %s", name, strerror(err));
		return -err;
	}
	strlcpy(sa.sun_path, v->path, sizeof(sa.sun_path));
	if (connect(v->sock, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		err = errno;
		PMD_INIT_LOG(ERR, "%s: connect to %s: %s", name, v->path,
			strerror(err));
		return -err;
	}

	memset(&msg, 0, sizeof(msg));
	msg.magic = AVP_ATTACH_MAGIC;
	msg.version = AVP_ATTACH_VERSION;
	msg.type = AVP_ATTACH_MSG_HELLO;
	strlcpy(msg.name, name, sizeof(msg.name));
	if (send(v->sock, &msg, sizeof(msg), MSG_NOSIGNAL) != sizeof(msg)) {
		PMD_INIT_LOG(ERR, "%s: sending HELLO to %s: %s", name, v->path,
			strerror(errno));
		return -EIO;
	}

	pfd.fd = v->sock;
	pfd.events = POLLIN;
	if (poll(&pfd, 1, AVP_VDEV_ATTACH_TIMEOUT_MS) != 1) {
		PMD_INIT_LOG(ERR, "%s: no answer from %s within %u ms", name,
			v->path, AVP_VDEV_ATTACH_TIMEOUT_MS);
		return -ETIMEDOUT;
	}
	n = recvmsg(v->sock, &mh, MSG_CMSG_CLOEXEC);
	for (cm = CMSG_FIRSTHDR(&mh); cm != NULL; cm = CMSG_NXTHDR(&mh, cm)) {
		if (cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SCM_RIGHTS) {
			int fds[AVP_ATTACH_FD_COUNT] = { -1, -1 };
			size_t len = cm->cmsg_len - CMSG_LEN(0);

			nfds = RTE_MIN(len / sizeof(int),
					(size_t)AVP_ATTACH_FD_COUNT);
			memcpy(fds, CMSG_DATA(cm), nfds * sizeof(int));
			v->memfd = fds[AVP_ATTACH_FD_MEMFD];
			v->irqfd = fds[AVP_ATTACH_FD_IRQ];
		}
	}
	if (n != (ssize_t)sizeof(*dev_msg) ||
	    dev_msg->magic != AVP_ATTACH_MAGIC ||
	    dev_msg->version != AVP_ATTACH_VERSION) {
		PMD_INIT_LOG(ERR, "%s: malformed answer from %s (%zd bytes)",
			name, v->path, n);
		return -EPROTO;
	}
	if (dev_msg->type == AVP_ATTACH_MSG_REJECT) {
		PMD_INIT_LOG(ERR, "%s: host at %s refused the attach: %d",
			name, v->path, dev_msg->status);
		return dev_msg->status < 0 ? dev_msg->status : -ECONNREFUSED;
	}
	if (dev_msg->type != AVP_ATTACH_MSG_DEVICE ||
	    nfds != AVP_ATTACH_FD_COUNT || (mh.msg_flags & MSG_CTRUNC)) {
		PMD_INIT_LOG(ERR, "%s: expected DEVICE with 2 descriptors from %s, got type %u with %d",
			name, v->path, dev_msg->type, nfds);
		return -EPROTO;
	}
	return 0;
}

/* Maps the memfd and locates each BAR inside it. */
static int
avp_vdev_map(struct avp_vdev *v, const char *name,
		const struct avp_attach_msg *m, struct avp_bar bar[AVP_BAR_COUNT])
{
	uint64_t size = m->memfd_size;
	struct stat st = { .st_size = 0 };
	unsigned int i;
	int err;

	if (fstat(v->memfd, &st) < 0 || (uint64_t)st.st_size < size ||
	    size == 0 || size > SIZE_MAX) {
		PMD_INIT_LOG(ERR, "%s: memfd_size %" PRIu64 " invalid: the memfd holds %jd bytes",
			name, size, (intmax_t)st.st_size);
		return -EINVAL;
	}
	for (i = 0; i < AVP_BAR_COUNT; i++) {
		const struct avp_attach_bar *b = &m->bars[i];

		if (b->size == 0)
			continue;
		if (b->offset > size || b->size > size - b->offset) {
			PMD_INIT_LOG(ERR, "%s: BAR %u (offset %" PRIu64 ", size %" PRIu64 ") outside the %" PRIu64 "-byte memfd",
				name, i, b->offset, b->size, size);
			return -EINVAL;
		}
	}
	v->map = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED,
			v->memfd, 0);
	if (v->map == MAP_FAILED) {
		err = errno;
		v->map = NULL;
		PMD_INIT_LOG(ERR, "%s: mmap of %" PRIu64 " bytes: %s", name,
			size, strerror(err));
		return -err;
	}
	v->map_len = size;
	for (i = 0; i < AVP_BAR_COUNT; i++) {
		bar[i].addr = m->bars[i].size ?
			(uint8_t *)v->map + m->bars[i].offset : NULL;
		bar[i].len = m->bars[i].size;
	}
	return 0;
}

/* The socket became readable: UNPLUG, or the host went away. */
static void
avp_vdev_sock_handler(void *arg)
{
	struct avp_dev *avp = arg;
	struct avp_vdev *v = avp->transport_priv;
	struct avp_attach_msg msg;
	ssize_t n;

	n = recv(v->sock, &msg, sizeof(msg), MSG_DONTWAIT);
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n == (ssize_t)sizeof(msg) && msg.magic == AVP_ATTACH_MAGIC &&
	    msg.type == AVP_ATTACH_MSG_UNPLUG) {
		PMD_DRV_LOG(NOTICE, "port %u: host asks to release the port",
			avp->eth_dev->data->port_id);
		/*
		 * The host may take the memory back at any time now: no new
		 * burst touches it (and bursts under way end in microseconds,
		 * long before a host gives up waiting). Close still sends
		 * SHUTDOWN, as the host expects of a guest that lets go.
		 */
		rte_atomic_fetch_or_explicit(&avp->detached, AVP_BLOCK_RELEASING,
				rte_memory_order_seq_cst);
		avp_set_link(avp, 0);
		rte_eth_dev_callback_process(avp->eth_dev,
				RTE_ETH_EVENT_INTR_RMV, NULL);
		return;
	}
	if (n > 0) {
		PMD_DRV_LOG(WARNING, "port %u: unexpected %zd-byte message on the socket ignored",
			avp->eth_dev->data->port_id, n);
		return;
	}
	/* End of file or error: the port is gone. Stop watching. */
	PMD_DRV_LOG(NOTICE, "port %u: host closed the socket: device removed",
		avp->eth_dev->data->port_id);
	v->sock_cb = 0;
	rte_intr_callback_unregister_pending(v->sock_intr,
			avp_vdev_sock_handler, avp, NULL);
	avp_ethdev_notify_removal(avp);
}

static void
avp_vdev_free(struct avp_vdev *v, struct avp_dev *avp)
{
	int tries;

	if (v->sock_cb) {
		v->sock_cb = 0;
		if (rte_thread_is_intr()) {
			rte_intr_callback_unregister_pending(v->sock_intr,
					avp_vdev_sock_handler, avp, NULL);
		} else {
			for (tries = 0; tries < 1000; tries++) {
				if (rte_intr_callback_unregister(v->sock_intr,
						avp_vdev_sock_handler, avp) !=
				    -EAGAIN)
					break;
				rte_delay_us_sleep(1000);
			}
		}
	}
	rte_intr_instance_free(v->sock_intr);
	rte_intr_instance_free(v->irq_intr);
	if (v->sock >= 0)
		close(v->sock);
	if (v->map != NULL)
		munmap(v->map, v->map_len);
	if (v->memfd >= 0)
		close(v->memfd);
	if (v->irqfd >= 0)
		close(v->irqfd);
	rte_free(v);
}

static void
avp_vdev_release(struct avp_dev *avp)
{
	struct avp_vdev *v = avp->transport_priv;

	avp->transport_priv = NULL;
	avp->regs = NULL;
	avp->ctrl = NULL;
	if (v != NULL)
		avp_vdev_free(v, avp);
}

static struct rte_intr_handle *
avp_vdev_intr(int fd, enum rte_intr_handle_type type)
{
	struct rte_intr_handle *h;

	h = rte_intr_instance_alloc(RTE_INTR_INSTANCE_F_PRIVATE);
	if (h == NULL)
		return NULL;
	if (rte_intr_type_set(h, type) != 0 || rte_intr_fd_set(h, fd) != 0) {
		rte_intr_instance_free(h);
		return NULL;
	}
	return h;
}

int
avp_vdev_memfd(const struct avp_dev *avp, uint64_t *va, uint64_t *len)
{
	const struct avp_vdev *v = avp->transport_priv;

	if (avp->transport_release != avp_vdev_release || v == NULL)
		return -1;	/* not an emulator-attached port */
	*va = (uintptr_t)v->map;
	*len = v->map_len;
	return v->memfd;
}

/* A secondary process: the primary's port, mapped where it maps it. */
static int
avp_vdev_probe_secondary(struct rte_vdev_device *vdev)
{
	const char *name = rte_vdev_device_name(vdev);
	struct rte_eth_dev *eth_dev;
	struct avp_mp_local *l;
	int ret;

	eth_dev = rte_eth_dev_attach_secondary(name);
	if (eth_dev == NULL) {
		PMD_INIT_LOG(ERR, "%s: the primary process has no such port",
			name);
		return -ENODEV;
	}
	l = malloc(sizeof(*l));
	ret = l == NULL ? -ENOMEM : avp_mp_map_memfd(name, &l->map, &l->len);
	if (ret != 0) {
		free(l);
		rte_eth_dev_release_port(eth_dev);
		return ret;
	}
	eth_dev->process_private = l;
	eth_dev->device = &vdev->device;
	avp_mp_secondary_init(eth_dev);
	rte_eth_dev_probing_finish(eth_dev);
	return 0;
}

static int
avp_vdev_probe(struct rte_vdev_device *vdev)
{
	const char *name = rte_vdev_device_name(vdev);
	struct avp_bar bar[AVP_BAR_COUNT];
	struct avp_attach_msg dev_msg;
	struct rte_eth_dev *eth_dev;
	struct avp_dev *avp;
	struct avp_vdev *v;
	int ret;

	if (rte_eal_process_type() != RTE_PROC_PRIMARY)
		return avp_vdev_probe_secondary(vdev);
	ret = avp_mp_primary_init();
	if (ret != 0)
		return ret;
	v = rte_zmalloc("avp_vdev", sizeof(*v), 0);
	if (v == NULL) {
		PMD_INIT_LOG(ERR, "%s: no memory", name);
		return -ENOMEM;
	}
	v->sock = -1;
	v->memfd = -1;
	v->irqfd = -1;

	ret = avp_vdev_parse(vdev, v);
	if (ret == 0)
		ret = avp_vdev_handshake(v, name, &dev_msg);
	if (ret == 0)
		ret = avp_vdev_map(v, name, &dev_msg, bar);
	if (ret != 0) {
		avp_vdev_free(v, NULL);
		return ret;
	}
	v->irq_intr = avp_vdev_intr(v->irqfd, RTE_INTR_HANDLE_VDEV);
	v->sock_intr = avp_vdev_intr(v->sock, RTE_INTR_HANDLE_EXT);
	if (v->irq_intr == NULL || v->sock_intr == NULL) {
		PMD_INIT_LOG(ERR, "%s: no memory for interrupt handles", name);
		avp_vdev_free(v, NULL);
		return -ENOMEM;
	}

	eth_dev = rte_eth_vdev_allocate(vdev, sizeof(struct avp_dev));
	if (eth_dev == NULL) {
		PMD_INIT_LOG(ERR, "%s: cannot allocate an ethdev", name);
		avp_vdev_free(v, NULL);
		return -ENOMEM;
	}
	avp = AVP_DEV(eth_dev);
	/* Before the migration thread starts: it announces after attach. */
	avp->announce = v->announce;
	ret = avp_ethdev_init(eth_dev, bar, v->irq_intr);
	if (ret != 0) {
		avp_vdev_free(v, avp);
		rte_eth_dev_release_port(eth_dev);
		return ret;
	}
	avp->transport_priv = v;
	avp->transport_release = avp_vdev_release;

	ret = rte_intr_callback_register(v->sock_intr, avp_vdev_sock_handler,
			avp);
	if (ret != 0) {
		PMD_INIT_LOG(ERR, "%s: watching the socket: %d", name, ret);
		rte_eth_dev_close(eth_dev->data->port_id);
		return ret;
	}
	v->sock_cb = 1;
	rte_eth_dev_probing_finish(eth_dev);
	return 0;
}

static int
avp_vdev_remove(struct rte_vdev_device *vdev)
{
	struct rte_eth_dev *eth_dev;
	uint16_t port;

	eth_dev = rte_eth_dev_allocated(rte_vdev_device_name(vdev));
	if (eth_dev == NULL)
		return 0;	/* closed already: nothing left */
	if (rte_eal_process_type() != RTE_PROC_PRIMARY) {
		avp_mp_secondary_release(eth_dev);
		return rte_eth_dev_release_port(eth_dev);
	}
	port = eth_dev->data->port_id;
	if (eth_dev->data->dev_started)
		rte_eth_dev_stop(port);
	return rte_eth_dev_close(port);
}

static struct rte_vdev_driver avp_vdev_driver = {
	.probe = avp_vdev_probe,
	.remove = avp_vdev_remove,
};

RTE_PMD_REGISTER_VDEV(net_avp_emu, avp_vdev_driver);
RTE_PMD_REGISTER_PARAM_STRING(net_avp_emu, AVP_VDEV_ARG_SOCKET "=<path> "
		AVP_DEVARG_ANNOUNCE "=0|1");
