/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The AVP PMD authors
 */

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/un.h>

#include "avp_attach_proto.h"
#include "avp_emu_ring.h"
#include "avp_test_guest.h"

#define TG_BARRIER() __atomic_thread_fence(__ATOMIC_SEQ_CST)

uint64_t
avp_tg_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static void
tg_pause(void)
{
	struct timespec ts = { 0, 100000 };

	nanosleep(&ts, NULL);
}

/* Guest-side ring operations: the ring header's, shared with the host. */
uint32_t
avp_tg_ring_count(const struct avp_ring *r)
{
	return emu_ring_guest_count(r);
}

/* T(): host physical address to guest pointer through the memory map. */
static void *
tg_translate(struct avp_tg *g, uint64_t pa, uint64_t len)
{
	const struct avp_memmap *mm = g->memmap;
	uint64_t start = 0;
	uint32_t i;

	if (mm->count > AVP_MEMMAP_MAX_ENTRIES)
		return NULL;
	for (i = 0; i < mm->count; i++) {
		const struct avp_memmap_entry *e = &mm->entries[i];

		if (pa >= e->host_pa && pa - e->host_pa < e->length) {
			if (pa - e->host_pa + len > e->length)
				return NULL;
			if (start + (pa - e->host_pa) + len >
					g->bar_len[AVP_BAR_SHMEM])
				return NULL;
			return g->bar[AVP_BAR_SHMEM] + start +
				(pa - e->host_pa);
		}
		start += e->length;
	}
	return NULL;
}

/* B(): buffer handle to guest pointer, NULL when outside the region. */
static void *
tg_buf(struct avp_tg *g, uint64_t hva, uint64_t len)
{
	uint64_t off = hva - g->buf_va;

	if (off >= g->buf_len || len > g->buf_len - off)
		return NULL;
	return g->buf_base + off;
}

static struct avp_desc *
tg_desc(struct avp_tg *g, uint64_t h)
{
	return tg_buf(g, h, sizeof(struct avp_desc));
}

int
avp_tg_attach(struct avp_tg *g)
{
	struct avp_devinfo *di;
	unsigned int q;
	uint32_t nslots;

	if (g->bar[AVP_BAR_REGS] == NULL || g->bar[AVP_BAR_SHMEM] == NULL ||
			g->bar[AVP_BAR_MEMMAP] == NULL ||
			g->bar[AVP_BAR_DEVINFO] == NULL)
		return -ENODEV;
	g->regs = (volatile struct avp_regs *)(void *)g->bar[AVP_BAR_REGS];
	g->memmap = (struct avp_memmap *)(void *)g->bar[AVP_BAR_MEMMAP];
	di = (struct avp_devinfo *)(void *)g->bar[AVP_BAR_DEVINFO];
	g->devinfo = di;
	if (g->memmap->magic != AVP_MEMMAP_MAGIC ||
			g->memmap->version != AVP_MEMMAP_VERSION ||
			di->magic != AVP_DEVINFO_MAGIC)
		return -EINVAL;
	if ((di->version >> AVP_VERSION_COMPARE_SHIFT) >
			(AVP_GUEST_VERSION >> AVP_VERSION_COMPARE_SHIFT))
		return -EINVAL;
	for (q = 0; q < AVP_MAX_QUEUES; q++) {
		g->tx[q] = g->rx[q] = g->alloc[q] = g->free[q] = NULL;
		if (q < di->tx_queues_max) {
			g->tx[q] = tg_translate(g, di->tx_ring_pa +
				(uint32_t)(q * di->tx_ring_stride), 16);
			g->alloc[q] = tg_translate(g, di->alloc_ring_pa +
				(uint32_t)(q * di->alloc_ring_stride), 16);
			if (g->tx[q] == NULL || g->alloc[q] == NULL)
				return -EINVAL;
		}
		if (q < di->rx_queues_max) {
			g->rx[q] = tg_translate(g, di->rx_ring_pa +
				(uint32_t)(q * di->rx_ring_stride), 16);
			g->free[q] = tg_translate(g, di->free_ring_pa +
				(uint32_t)(q * di->free_ring_stride), 16);
			if (g->rx[q] == NULL || g->free[q] == NULL)
				return -EINVAL;
		}
	}
	g->req = tg_translate(g, di->req_ring_pa, 16);
	g->resp = tg_translate(g, di->resp_ring_pa, 16);
	g->ctrl = tg_translate(g, di->ctrl_area_pa, sizeof(*g->ctrl));
	if (g->req == NULL || g->resp == NULL || g->ctrl == NULL)
		return -EINVAL;
	nslots = g->req->nslots;
	if (nslots < 2 || (nslots & (nslots - 1)) != 0)
		return -EINVAL;
	g->ctrl_va = di->ctrl_area_va;
	g->buf_va = di->buf_region_va;
	g->buf_len = di->pools[0].length;
	g->buf_base = tg_translate(g, di->buf_region_pa, g->buf_len);
	if (g->buf_base == NULL)
		return -EINVAL;
	g->buf_data_size = di->buf_data_size;
	g->instance_id = di->instance_id;
	return 0;
}

static int
tg_probe(struct avp_tg *g)
{
	int ret;

	g->regs = (volatile struct avp_regs *)(void *)g->bar[AVP_BAR_REGS];
	if (g->regs != NULL && g->regs->mig_status == AVP_MIG_DETACHED) {
		g->regs->mig_ack = AVP_MIG_DETACHED;
		return -EBUSY;
	}
	ret = avp_tg_attach(g);
	if (ret != 0)
		return ret;
	g->regs->irq_mask = AVP_IRQ_MASK_ALL;
	return 0;
}

static void
tg_init(struct avp_tg *g)
{
	memset(g, 0, sizeof(*g));
	g->sock = -1;
	g->irq_fd = -1;
	g->memfd = -1;
}

int
avp_tg_open_port(struct avp_tg *g, struct avp_emu_port *port)
{
	unsigned int i;
	int ret;

	tg_init(g);
	ret = avp_emu_port_bars(port, &g->bars);
	if (ret != 0)
		return ret;
	for (i = 0; i < AVP_BAR_COUNT; i++) {
		g->bar[i] = g->bars.addr[i];
		g->bar_len[i] = g->bars.len[i];
	}
	g->irq_fd = g->bars.irq_fd;
	g->memfd = g->bars.memfd;
	ret = tg_probe(g);
	if (ret != 0) {
		avp_emu_bars_unmap(&g->bars);
		tg_init(g);
	}
	return ret;
}

static int
tg_connect(const char *path)
{
	struct sockaddr_un sa;
	int fd;

	fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	strncpy(sa.sun_path, path, sizeof(sa.sun_path) - 1);
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		int err = -errno;

		close(fd);
		return err;
	}
	return fd;
}

/* Receives one message and up to two descriptors (-1 when absent). */
static int
tg_recv(int fd, struct avp_attach_msg *m, int fds[AVP_ATTACH_FD_COUNT],
		unsigned int timeout_ms)
{
	union {
		char buf[CMSG_SPACE(sizeof(int) * AVP_ATTACH_FD_COUNT)];
		struct cmsghdr align;
	} u;
	struct iovec iov = { m, sizeof(*m) };
	struct msghdr mh;
	struct cmsghdr *c;
	struct pollfd pfd = { fd, POLLIN, 0 };
	ssize_t n;
	int i;

	for (i = 0; i < AVP_ATTACH_FD_COUNT; i++)
		fds[i] = -1;
	if (poll(&pfd, 1, (int)timeout_ms) <= 0)
		return -ETIMEDOUT;
	memset(&mh, 0, sizeof(mh));
	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	mh.msg_control = u.buf;
	mh.msg_controllen = sizeof(u.buf);
	n = recvmsg(fd, &mh, MSG_CMSG_CLOEXEC);
	if (n < 0)
		return -errno;
	if (n == 0)
		return -ECONNRESET;
	for (c = CMSG_FIRSTHDR(&mh); c != NULL; c = CMSG_NXTHDR(&mh, c)) {
		if (c->cmsg_level == SOL_SOCKET &&
				c->cmsg_type == SCM_RIGHTS) {
			size_t nfd = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);

			if (nfd > AVP_ATTACH_FD_COUNT)
				nfd = AVP_ATTACH_FD_COUNT;
			memcpy(fds, CMSG_DATA(c), nfd * sizeof(int));
		}
	}
	if ((size_t)n != sizeof(*m))
		return -EPROTO;
	return 0;
}

int
avp_tg_raw_hello(const char *path, uint32_t magic, uint16_t version,
		uint16_t type, int32_t *status)
{
	struct avp_attach_msg m;
	int fds[AVP_ATTACH_FD_COUNT];
	int fd, ret, i;

	fd = tg_connect(path);
	if (fd < 0)
		return fd;
	memset(&m, 0, sizeof(m));
	m.magic = magic;
	m.version = version;
	m.type = type;
	if (send(fd, &m, sizeof(m), MSG_NOSIGNAL) != (ssize_t)sizeof(m)) {
		close(fd);
		return -EIO;
	}
	ret = tg_recv(fd, &m, fds, 5000);
	for (i = 0; i < AVP_ATTACH_FD_COUNT; i++)
		if (fds[i] >= 0)
			close(fds[i]);
	close(fd);
	if (ret != 0)
		return ret;
	if (status != NULL)
		*status = m.status;
	return m.type;
}

int
avp_tg_open_socket(struct avp_tg *g, const char *path, const char *name)
{
	struct avp_attach_msg m;
	int fds[AVP_ATTACH_FD_COUNT];
	unsigned int i;
	void *p;
	int fd, ret;

	tg_init(g);
	fd = tg_connect(path);
	if (fd < 0)
		return fd;
	memset(&m, 0, sizeof(m));
	m.magic = AVP_ATTACH_MAGIC;
	m.version = AVP_ATTACH_VERSION;
	m.type = AVP_ATTACH_MSG_HELLO;
	if (name != NULL)
		strncpy(m.name, name, sizeof(m.name) - 1);
	if (send(fd, &m, sizeof(m), MSG_NOSIGNAL) != (ssize_t)sizeof(m)) {
		close(fd);
		return -EIO;
	}
	ret = tg_recv(fd, &m, fds, 5000);
	if (ret == 0 && m.type == AVP_ATTACH_MSG_REJECT)
		ret = m.status < 0 ? m.status : -EPROTO;
	else if (ret == 0 && (m.magic != AVP_ATTACH_MAGIC ||
			m.type != AVP_ATTACH_MSG_DEVICE ||
			fds[AVP_ATTACH_FD_MEMFD] < 0 ||
			fds[AVP_ATTACH_FD_IRQ] < 0))
		ret = -EPROTO;
	if (ret == 0) {
		p = mmap(NULL, m.memfd_size, PROT_READ | PROT_WRITE,
			MAP_SHARED, fds[AVP_ATTACH_FD_MEMFD], 0);
		if (p == MAP_FAILED)
			ret = -errno;
	}
	if (ret != 0) {
		for (i = 0; i < AVP_ATTACH_FD_COUNT; i++)
			if (fds[i] >= 0)
				close(fds[i]);
		close(fd);
		return ret;
	}
	g->sock = fd;
	g->own_map = 1;
	g->map = p;
	g->map_len = m.memfd_size;
	g->memfd = fds[AVP_ATTACH_FD_MEMFD];
	g->irq_fd = fds[AVP_ATTACH_FD_IRQ];
	for (i = 0; i < AVP_BAR_COUNT; i++) {
		if (m.bars[i].size == 0 || m.bars[i].offset +
				m.bars[i].size > m.memfd_size)
			continue;
		g->bar[i] = g->map + m.bars[i].offset;
		g->bar_len[i] = m.bars[i].size;
	}
	ret = tg_probe(g);
	if (ret != 0)
		avp_tg_close(g);
	return ret;
}

int
avp_tg_unplug_pending(struct avp_tg *g)
{
	struct avp_attach_msg m;
	ssize_t n;

	if (g->sock < 0)
		return 0;
	n = recv(g->sock, &m, sizeof(m), MSG_DONTWAIT);
	if (n == 0)
		return 2;
	if (n == (ssize_t)sizeof(m) && m.type == AVP_ATTACH_MSG_UNPLUG)
		return 1;
	return 0;
}

void
avp_tg_close(struct avp_tg *g)
{
	if (g->own_map) {
		if (g->map != NULL)
			munmap(g->map, g->map_len);
		if (g->memfd >= 0)
			close(g->memfd);
		if (g->irq_fd >= 0)
			close(g->irq_fd);
	} else if (g->bars.map_base != NULL) {
		avp_emu_bars_unmap(&g->bars);
	}
	if (g->sock >= 0)
		close(g->sock);
	tg_init(g);
}

/* The reference guest's request procedure (see "Host/guest interface" in avp.rst), except that
 * it polls every 100 us instead of sleeping 5 ms.
 */
int
avp_tg_request(struct avp_tg *g, struct avp_ctrl_msg *msg,
		unsigned int timeout_ms)
{
	int ret = avp_tg_request_post(g, msg);

	if (ret != 0)
		return ret;
	return avp_tg_request_wait(g, msg, timeout_ms);
}

int
avp_tg_request_post(struct avp_tg *g, const struct avp_ctrl_msg *msg)
{
	uint64_t v;

	while (emu_ring_guest_get(g->resp, &v) == 0)
		;
	memcpy(g->ctrl, msg, sizeof(*msg));
	TG_BARRIER();
	if (emu_ring_guest_put(g->req, g->ctrl_va) != 0)
		return AVP_ERR_CTRL_RING_FULL;
	return 0;
}

int
avp_tg_request_wait(struct avp_tg *g, struct avp_ctrl_msg *msg,
		unsigned int timeout_ms)
{
	uint64_t v, deadline;

	deadline = avp_tg_now_ms() + timeout_ms;
	while (avp_tg_ring_count(g->resp) == 0) {
		if (avp_tg_now_ms() > deadline)
			return AVP_ERR_CTRL_TIMEOUT;
		tg_pause();
	}
	if (emu_ring_guest_get(g->resp, &v) != 0 || v != g->ctrl_va)
		return AVP_ERR_CTRL_BAD_REPLY;
	TG_BARRIER();
	memcpy(msg, g->ctrl, sizeof(*msg));
	g->last_status = msg->status;
	return msg->status;
}

static void
tg_msg(struct avp_ctrl_msg *m, uint32_t op)
{
	memset(m, 0, sizeof(*m));
	m->op = op;
	m->status = AVP_CTRL_STATUS_PRESET;
}

int
avp_tg_configure(struct avp_tg *g, uint16_t tx_queues, uint16_t rx_queues,
		uint32_t features, uint8_t link_up)
{
	struct avp_ctrl_msg m;
	int ret;

	tg_msg(&m, AVP_OP_CONFIGURE);
	m.u.cfg.instance_id = g->devinfo->instance_id;
	m.u.cfg.drv_kind = AVP_DRV_KIND_DPDK;
	m.u.cfg.drv_version = AVP_GUEST_VERSION;
	m.u.cfg.features = features;
	m.u.cfg.tx_queues = tx_queues;
	m.u.cfg.rx_queues = rx_queues;
	m.u.cfg.link_up = link_up;
	ret = avp_tg_request(g, &m, 1000);
	if (ret >= 0) {
		g->configured = 1;
		g->started = link_up;
		g->cfg = m.u.cfg;
	}
	return ret;
}

int
avp_tg_set_link(struct avp_tg *g, uint8_t up)
{
	struct avp_ctrl_msg m;
	int ret;

	tg_msg(&m, AVP_OP_SET_LINK);
	m.u.link_up = up;
	ret = avp_tg_request(g, &m, 1000);
	if (ret >= 0)
		g->started = up;
	return ret;
}

int
avp_tg_shutdown(struct avp_tg *g)
{
	struct avp_ctrl_msg m;

	tg_msg(&m, AVP_OP_SHUTDOWN);
	return avp_tg_request(g, &m, 1000);
}

void
avp_tg_mtu_msg(struct avp_ctrl_msg *m, uint32_t mtu)
{
	tg_msg(m, AVP_OP_SET_MTU);
	m->u.mtu = mtu;
}

int
avp_tg_set_mtu(struct avp_tg *g, uint32_t mtu)
{
	struct avp_ctrl_msg m;

	avp_tg_mtu_msg(&m, mtu);
	return avp_tg_request(g, &m, 1000);
}

int
avp_tg_op(struct avp_tg *g, uint32_t op)
{
	struct avp_ctrl_msg m;

	tg_msg(&m, op);
	return avp_tg_request(g, &m, 1000);
}

int
avp_tg_close_port(struct avp_tg *g)
{
	g->regs->irq_mask = AVP_IRQ_MASK_NONE;
	g->configured = 0;
	g->started = 0;
	return avp_tg_shutdown(g);
}

/* Takes n buffers from alloc[q]; all or nothing. */
static int
tg_take(struct avp_tg *g, unsigned int q, uint64_t *h, unsigned int n)
{
	unsigned int i;

	if (q >= AVP_MAX_QUEUES || g->alloc[q] == NULL)
		return -EINVAL;
	if (avp_tg_ring_count(g->alloc[q]) < n ||
			emu_ring_guest_space(g->tx[q]) < 1)
		return -EAGAIN;
	for (i = 0; i < n; i++)
		if (emu_ring_guest_get(g->alloc[q], &h[i]) != 0)
			return -EAGAIN;
	return 0;
}

/* Fills a chain of n taken buffers with frame; no checks on lengths. */
static int
tg_fill(struct avp_tg *g, const uint64_t *h, unsigned int n,
		const uint8_t *frame, uint32_t len)
{
	uint32_t per = (len + n - 1) / n, off = 0;
	unsigned int i;

	for (i = 0; i < n; i++) {
		struct avp_desc *d = tg_desc(g, h[i]);
		uint32_t chunk = len - off < per ? len - off : per;
		uint8_t *data;

		if (d == NULL)
			return -EINVAL;
		data = tg_buf(g, d->data_va, g->buf_data_size);
		if (data == NULL || chunk > g->buf_data_size)
			return -EINVAL;
		memcpy(data + d->seg_len, frame + off, chunk);
		d->seg_len = (uint16_t)(d->seg_len + chunk);
		d->next_va = i + 1 < n ? h[i + 1] : 0;
		off += chunk;
	}
	return 0;
}

int
avp_tg_tx(struct avp_tg *g, unsigned int q, const void *frame, uint32_t len,
		unsigned int nsegs, uint16_t flags, uint16_t tci)
{
	uint64_t h[AVP_MAX_SEGS];
	struct avp_desc *head;
	unsigned int n = nsegs;
	int ret;

	if (n == 0)
		n = len == 0 ? 1 : (len + g->buf_data_size - 1) /
			g->buf_data_size;
	if (n > AVP_MAX_SEGS || (len + n - 1) / n > g->buf_data_size)
		return -EINVAL;
	ret = tg_take(g, q, h, n);
	if (ret != 0)
		return ret;
	ret = tg_fill(g, h, n, frame, len);
	if (ret != 0)
		return ret;
	head = tg_desc(g, h[0]);
	head->seg_count = (uint8_t)n;
	head->frame_len = (uint16_t)len;
	if (flags != 0) {
		head->flags |= flags;
		head->vlan_tci = tci;
	}
	TG_BARRIER();
	return emu_ring_guest_put(g->tx[q], h[0]);
}

int
avp_tg_tx_bad(struct avp_tg *g, unsigned int q, enum avp_tg_bad bad)
{
	uint8_t frame[64];
	uint64_t h[2];
	struct avp_desc *d;
	uint32_t seg_max = g->buf_data_size;
	int ret;

	memset(frame, 0xa5, sizeof(frame));
	switch (bad) {
	case AVP_TG_BAD_HANDLE:
		/* below the buffer region: never issued */
		return emu_ring_guest_put(g->tx[q], g->buf_va - 4096);
	case AVP_TG_BAD_NOT_OWNED:
		/* still in the alloc ring: not handed over yet */
		if (avp_tg_ring_count(g->alloc[q]) == 0)
			return -EAGAIN;
		h[0] = g->alloc[q]->slots[g->alloc[q]->cons_idx];
		return emu_ring_guest_put(g->tx[q], h[0]);
	case AVP_TG_BAD_CHAIN_LONG:
		ret = tg_take(g, q, h, 2);
		if (ret != 0)
			return ret;
		tg_fill(g, h, 2, frame, sizeof(frame));
		d = tg_desc(g, h[1]);
		d->next_va = h[0];	/* cycle */
		d = tg_desc(g, h[0]);
		d->seg_count = 2;
		d->frame_len = sizeof(frame);
		TG_BARRIER();
		return emu_ring_guest_put(g->tx[q], h[0]);
	case AVP_TG_BAD_RING_INDEX:
		g->tx[q]->prod_idx = g->tx[q]->nslots + 1;
		return 0;
	case AVP_TG_BAD_CTRL_TOKEN:
		return emu_ring_guest_put(g->req, g->ctrl_va + 8);
	case AVP_TG_BAD_AFTER_CLOSE:
		/* whatever the handle: the host no longer expects anything */
		return emu_ring_guest_put(g->tx[q], g->buf_va);
	case AVP_TG_BAD_CTRL_REQUEST:
		return avp_tg_configure(g, AVP_MAX_QUEUES + 1, 1, 0, 0);
	case AVP_TG_BAD_FREE_RING:
	case AVP_TG_BAD_DOUBLE_FREE:
		return avp_tg_rx_bad(g, q, bad);
	default:
		break;
	}
	/* the rest: a one-segment frame with one field wrong */
	ret = tg_take(g, q, h, 1);
	if (ret != 0)
		return ret;
	tg_fill(g, h, 1, frame, sizeof(frame));
	d = tg_desc(g, h[0]);
	d->seg_count = 1;
	d->frame_len = sizeof(frame);
	switch (bad) {
	case AVP_TG_BAD_SEG_COUNT:
		d->seg_count = 2;
		break;
	case AVP_TG_BAD_SEG_LEN:
		d->seg_len = (uint16_t)(seg_max + 1);
		d->frame_len = (uint16_t)(seg_max + 1);
		break;
	case AVP_TG_BAD_FRAME_LEN:
		d->frame_len = sizeof(frame) + 1;
		break;
	case AVP_TG_BAD_FRAME_SIZE:
		d->frame_len = (uint16_t)(5 * seg_max + 1);
		break;
	case AVP_TG_BAD_DATA_VA:
		d->data_va += 64;
		break;
	case AVP_TG_BAD_FLAGS:
		d->flags = 0x0004;
		break;
	default:
		break;
	}
	TG_BARRIER();
	return emu_ring_guest_put(g->tx[q], h[0]);
}

/* Dequeues one head from rx[q] and copies it out; does not free it. */
static int
tg_rx_one(struct avp_tg *g, unsigned int q, uint64_t *head, void *buf,
		uint32_t size, struct avp_tg_rxinfo *info)
{
	struct avp_desc *d;
	uint64_t h;
	uint32_t off = 0;
	unsigned int n = 0;
	int bad = 0;

	if (q >= AVP_MAX_QUEUES || g->rx[q] == NULL)
		return -EINVAL;
	if (emu_ring_guest_space(g->free[q]) < 1 ||
			emu_ring_guest_get(g->rx[q], head) != 0)
		return 0;
	d = tg_desc(g, *head);
	if (d == NULL)
		return -EINVAL;
	if (info != NULL) {
		info->flags = d->flags;
		info->vlan_tci = d->vlan_tci;
		info->nsegs = d->seg_count;
		info->queue = (uint8_t)q;
	}
	for (h = *head; h != 0 && n < AVP_MAX_SEGS; n++) {
		const uint8_t *data;

		d = tg_desc(g, h);
		if (d == NULL || d->seg_len > g->buf_data_size) {
			bad = 1;
			break;
		}
		data = tg_buf(g, d->data_va, d->seg_len);
		if (data == NULL || off + d->seg_len > size) {
			bad = 1;
			break;
		}
		memcpy((uint8_t *)buf + off, data, d->seg_len);
		if (info != NULL)
			info->seg_len[n] = d->seg_len;
		off += d->seg_len;
		h = d->next_va;
	}
	d = tg_desc(g, *head);
	if (bad || h != 0 || d == NULL || off != d->frame_len ||
			n != d->seg_count)
		return -EINVAL;
	return (int)off;
}

int
avp_tg_rx(struct avp_tg *g, unsigned int q, void *buf, uint32_t size,
		struct avp_tg_rxinfo *info)
{
	uint64_t head = 0;
	int ret;

	ret = tg_rx_one(g, q, &head, buf, size, info);
	if (head != 0)
		emu_ring_guest_put(g->free[q], head);
	return ret;
}

int
avp_tg_rx_bad(struct avp_tg *g, unsigned int q, enum avp_tg_bad bad)
{
	uint8_t buf[AVP_EMU_FRAME_MAX];
	uint64_t head = 0;
	int ret;

	ret = tg_rx_one(g, q, &head, buf, sizeof(buf), NULL);
	if (head == 0)
		return ret < 0 ? ret : -EAGAIN;
	if (bad == AVP_TG_BAD_FREE_RING) {
		emu_ring_guest_put(g->free[(q + 1) % AVP_MAX_QUEUES], head);
	} else {
		emu_ring_guest_put(g->free[q], head);
		emu_ring_guest_put(g->free[q], head);
	}
	return 0;
}

int
avp_tg_rx_wait(struct avp_tg *g, unsigned int nq, void *buf, uint32_t size,
		struct avp_tg_rxinfo *info, unsigned int timeout_ms)
{
	uint64_t deadline = avp_tg_now_ms() + timeout_ms;
	unsigned int q;
	int ret;

	for (;;) {
		for (q = 0; q < nq; q++) {
			ret = avp_tg_rx(g, q, buf, size, info);
			if (ret != 0)
				return ret;
		}
		if (avp_tg_now_ms() > deadline)
			return -ETIMEDOUT;
		tg_pause();
	}
}

static uint32_t
tg_mig_detach(struct avp_tg *g)
{
	if (g->detached)
		return AVP_MIG_DETACHED;
	if (avp_tg_shutdown(g) < 0)
		return AVP_MIG_ERROR;
	g->detached = 1;
	TG_BARRIER();
	return AVP_MIG_DETACHED;
}

static uint32_t
tg_mig_attach(struct avp_tg *g)
{
	struct avp_cfg c = g->cfg;
	uint16_t rxq;

	if (!g->detached)
		return AVP_MIG_ATTACHED;
	if (avp_tg_attach(g) != 0)
		return AVP_MIG_ERROR;
	if (g->configured && !g->mig_no_reconfigure) {
		rxq = c.rx_queues;
		if (rxq < g->devinfo->rx_queues_min)
			rxq = g->devinfo->rx_queues_min;
		if (avp_tg_configure(g, c.tx_queues, rxq, c.features,
				(uint8_t)g->started) < 0)
			return AVP_MIG_ERROR;
	}
	g->detached = 0;
	TG_BARRIER();
	return AVP_MIG_ATTACHED;
}

int
avp_tg_mig_service(struct avp_tg *g, unsigned int timeout_ms)
{
	struct pollfd pfd = { g->irq_fd, POLLIN, 0 };
	uint64_t v;
	uint32_t status, ack;

	if (poll(&pfd, 1, (int)timeout_ms) <= 0)
		return 0;
	if (read(g->irq_fd, &v, sizeof(v)) != (ssize_t)sizeof(v))
		return 0;
	if ((g->regs->irq_status & AVP_IRQ_CAUSE_MIGRATION) == 0)
		return 0;
	status = g->regs->mig_status;
	if (status == AVP_MIG_DETACHED)
		ack = tg_mig_detach(g);
	else if (status == AVP_MIG_ATTACHED)
		ack = tg_mig_attach(g);
	else
		ack = AVP_MIG_ERROR;
	if (g->mig_force_error)
		ack = AVP_MIG_ERROR;
	g->mig_events++;
	TG_BARRIER();
	g->regs->mig_ack = ack;
	return 1;
}
