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
	v->announce = 1;
	if (ret == 0 && rte_kvargs_count(kvlist, AVP_DEVARG_ANNOUNCE) > 1) {
		PMD_INIT_LOG(ERR, "%s: devarg %s allowed once",
			rte_vdev_device_name(vdev), AVP_DEVARG_ANNOUNCE);
		ret = -EINVAL;
	}
	if (ret == 0 && rte_kvargs_process(kvlist, AVP_DEVARG_ANNOUNCE,
			avp_devarg_announce, &v->announce) != 0)
		ret = -EINVAL;
out:
	rte_kvargs_free(kvlist);
	return ret;
}

/* Room for more descriptors than DEVICE carries, to see extra ones. */
#define AVP_VDEV_FD_ROOM	(AVP_ATTACH_FD_COUNT + 4)

static int
avp_attach_bar_check(const char *name, const struct avp_attach_msg *m)
{
	const struct avp_attach_bar *a, *b;
	unsigned int i, j;

	for (i = 0; i < AVP_BAR_COUNT; i++) {
		a = &m->bars[i];
		if (a->size == 0)
			continue;
		if (a->offset % AVP_ATTACH_BAR_ALIGN != 0 ||
		    a->offset >= m->memfd_size ||
		    a->size > m->memfd_size - a->offset) {
			PMD_INIT_LOG(ERR, "%s: BAR %u (offset %" PRIu64 ", size %" PRIu64 ") invalid: must lie inside the %" PRIu64 "-byte memfd at a multiple of %u",
				name, i, a->offset, a->size, m->memfd_size,
				AVP_ATTACH_BAR_ALIGN);
			return -EINVAL;
		}
		for (j = 0; j < i; j++) {
			b = &m->bars[j];
			if (b->size != 0 && a->offset < b->offset + b->size &&
			    b->offset < a->offset + a->size) {
				PMD_INIT_LOG(ERR, "%s: BARs %u and %u overlap in the memfd",
					name, j, i);
				return -EINVAL;
			}
		}
	}
	return 0;
}

int
avp_attach_msg_check(const char *name, const void *buf, size_t len,
		unsigned int nfds, uint64_t memfd_len)
{
	struct avp_attach_msg m;

	if (len != sizeof(m)) {
		PMD_INIT_LOG(ERR, "%s: host answer of %zu bytes, need %zu",
			name, len, sizeof(m));
		return -EINVAL;
	}
	memcpy(&m, buf, sizeof(m));
	if (m.magic != AVP_ATTACH_MAGIC || m.version != AVP_ATTACH_VERSION) {
		PMD_INIT_LOG(ERR, "%s: host answer with magic %#x version %u, need %#x version %u",
			name, m.magic, m.version, AVP_ATTACH_MAGIC,
			AVP_ATTACH_VERSION);
		return -EINVAL;
	}
	if (m.type == AVP_ATTACH_MSG_REJECT) {
		if (nfds != 0) {
			PMD_INIT_LOG(ERR, "%s: REJECT came with %u descriptors, need none",
				name, nfds);
			return -EINVAL;
		}
		return 0;
	}
	if (m.type != AVP_ATTACH_MSG_DEVICE) {
		PMD_INIT_LOG(ERR, "%s: host answer of type %u, need DEVICE (%u) or REJECT (%u)",
			name, m.type, AVP_ATTACH_MSG_DEVICE,
			AVP_ATTACH_MSG_REJECT);
		return -EINVAL;
	}
	if (nfds != AVP_ATTACH_FD_COUNT) {
		PMD_INIT_LOG(ERR, "%s: DEVICE came with %u descriptors, need %u",
			name, nfds, AVP_ATTACH_FD_COUNT);
		return -EINVAL;
	}
	if (m.memfd_size == 0 || m.memfd_size > memfd_len ||
	    m.memfd_size > SIZE_MAX) {
		PMD_INIT_LOG(ERR, "%s: memfd_size %" PRIu64 " invalid: the memfd holds %" PRIu64 " bytes",
			name, m.memfd_size, memfd_len);
		return -EINVAL;
	}
	return avp_attach_bar_check(name, &m);
}

/*
 * Takes every descriptor that came with the message; more than fit, or
 * than DEVICE carries, count as extra (and are closed by the caller).
 */
static unsigned int
avp_vdev_take_fds(struct msghdr *mh, int fds[AVP_VDEV_FD_ROOM])
{
	struct cmsghdr *cm;
	unsigned int nfds = 0, i, n;

	for (cm = CMSG_FIRSTHDR(mh); cm != NULL; cm = CMSG_NXTHDR(mh, cm)) {
		if (cm->cmsg_level != SOL_SOCKET ||
		    cm->cmsg_type != SCM_RIGHTS || cm->cmsg_len < CMSG_LEN(0))
			continue;
		n = (cm->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		for (i = 0; i < n && nfds < AVP_VDEV_FD_ROOM; i++)
			memcpy(&fds[nfds++], CMSG_DATA(cm) + i * sizeof(int),
				sizeof(int));
	}
	if (mh->msg_flags & MSG_CTRUNC)
		nfds = AVP_VDEV_FD_ROOM;	/* some were dropped */
	return nfds;
}

/* HELLO, then DEVICE with the memfd and the eventfd (or REJECT). */
static int
avp_vdev_handshake(struct avp_vdev *v, const char *name,
		struct avp_attach_msg *dev_msg)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct avp_attach_msg msg;
	union {
		struct avp_attach_msg m;
		uint8_t raw[sizeof(struct avp_attach_msg) + 1];
	} in;
	union {
		char buf[CMSG_SPACE(sizeof(int) * AVP_VDEV_FD_ROOM)];
		struct cmsghdr align;
	} cbuf;
	struct iovec iov = { .iov_base = &in, .iov_len = sizeof(in) };
	struct msghdr mh = {
		.msg_iov = &iov,
		.msg_iovlen = 1,
		.msg_control = cbuf.buf,
		.msg_controllen = sizeof(cbuf.buf),
	};
	int fds[AVP_VDEV_FD_ROOM];
	struct stat st = { .st_size = 0 };
	struct pollfd pfd;
	unsigned int nfds, i;
	ssize_t n;
	int err;

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
	memset(&cbuf, 0, sizeof(cbuf));
	for (i = 0; i < AVP_VDEV_FD_ROOM; i++)
		fds[i] = -1;
	n = recvmsg(v->sock, &mh, MSG_CMSG_CLOEXEC);
	if (n < 0) {
		err = errno;
		PMD_INIT_LOG(ERR, "%s: receiving from %s: %s", name, v->path,
			strerror(err));
		return -err;
	}
	nfds = avp_vdev_take_fds(&mh, fds);
	if (mh.msg_flags & MSG_TRUNC)
		n = sizeof(in);		/* longer still: refused as too long */
	if (nfds == AVP_ATTACH_FD_COUNT &&
	    fstat(fds[AVP_ATTACH_FD_MEMFD], &st) < 0)
		st.st_size = 0;
	if (avp_attach_msg_check(name, &in, (size_t)n, nfds,
			(uint64_t)st.st_size) != 0) {
		for (i = 0; i < AVP_VDEV_FD_ROOM; i++)
			if (fds[i] >= 0)
				close(fds[i]);
		return -EPROTO;
	}
	*dev_msg = in.m;
	if (dev_msg->type == AVP_ATTACH_MSG_REJECT) {
		PMD_INIT_LOG(ERR, "%s: host at %s refused the attach: %d",
			name, v->path, dev_msg->status);
		return dev_msg->status < 0 && dev_msg->status >= -4095 ?
			dev_msg->status : -ECONNREFUSED;
	}
	v->memfd = fds[AVP_ATTACH_FD_MEMFD];
	v->irqfd = fds[AVP_ATTACH_FD_IRQ];
	return 0;
}

/* Maps the memfd (checked by avp_attach_msg_check) and finds the BARs. */
static int
avp_vdev_map(struct avp_vdev *v, const char *name,
		const struct avp_attach_msg *m, struct avp_bar bar[AVP_BAR_COUNT])
{
	unsigned int i;
	int err;

	v->map = mmap(NULL, m->memfd_size, PROT_READ | PROT_WRITE, MAP_SHARED,
			v->memfd, 0);
	if (v->map == MAP_FAILED) {
		err = errno;
		v->map = NULL;
		PMD_INIT_LOG(ERR, "%s: mmap of %" PRIu64 " bytes: %s", name,
			m->memfd_size, strerror(err));
		return -err;
	}
	v->map_len = m->memfd_size;
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
		avp_port_removed(avp, AVP_BLOCK_RELEASING);
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
	avp_port_removed(avp, AVP_BLOCK_UNPLUGGED);
}

static void
avp_vdev_free(struct avp_vdev *v, struct avp_dev *avp)
{
	if (v->sock_cb) {
		v->sock_cb = 0;
		avp_intr_callback_remove(v->sock_intr, avp_vdev_sock_handler,
				avp);
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
	struct avp_attach_msg dev_msg = { .memfd_size = 0 };
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
