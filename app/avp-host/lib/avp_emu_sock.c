/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The AVP PMD authors
 */

/*
 * Host side of the UNIX socket attach handshake (avp_attach_proto.h):
 * one thread per listening port accepts a guest, answers HELLO with
 * DEVICE and the memfd/eventfd pair, and resets the port when the guest
 * closes its end. Only this thread closes the connected socket.
 *
 * The socket file is created with the asked mode (0600 by default) and
 * owner, and a peer is served only when its credentials are allowed.
 */

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include "avp_attach_proto.h"
#include "avp_emu_ctrl.h"
#include "avp_emu_queue.h"
#include "avp_emu_sock.h"

#define HELLO_TIMEOUT_MS	2000
/* Room for a few descriptors, to see (and close) any sent with HELLO. */
#define HELLO_FD_ROOM		4

static void
emu_msg_init(struct avp_attach_msg *m, uint16_t type)
{
	memset(m, 0, sizeof(*m));
	m->magic = AVP_ATTACH_MAGIC;
	m->version = AVP_ATTACH_VERSION;
	m->type = type;
}

static void
emu_send_reject(struct avp_emu_port *port, int fd, int32_t status)
{
	struct avp_attach_msg m;

	emu_msg_init(&m, AVP_ATTACH_MSG_REJECT);
	m.status = status;
	if (send(fd, &m, sizeof(m), MSG_NOSIGNAL) != (ssize_t)sizeof(m))
		emu_log(port, 1, "attach: REJECT not sent");
}

static int
emu_send_device(struct avp_emu_port *port, int fd)
{
	union {
		char buf[CMSG_SPACE(sizeof(int) * AVP_ATTACH_FD_COUNT)];
		struct cmsghdr align;
	} u;
	int fds[AVP_ATTACH_FD_COUNT];
	struct avp_attach_msg m;
	struct iovec iov = { &m, sizeof(m) };
	struct msghdr mh;
	struct cmsghdr *c;

	emu_msg_init(&m, AVP_ATTACH_MSG_DEVICE);
	pthread_mutex_lock(&port->lock);
	m.memfd_size = port->map_len;
	m.bars[AVP_BAR_REGS].offset = EMU_BAR0_OFF;
	m.bars[AVP_BAR_REGS].size = EMU_BAR0_LEN;
	m.bars[AVP_BAR_SHMEM].offset = EMU_BAR2_OFF;
	m.bars[AVP_BAR_SHMEM].size = port->bar2_len;
	m.bars[AVP_BAR_MEMMAP].offset = EMU_BAR4_OFF;
	m.bars[AVP_BAR_MEMMAP].size = EMU_BAR4_LEN;
	m.bars[AVP_BAR_DEVINFO].offset = EMU_BAR5_OFF;
	m.bars[AVP_BAR_DEVINFO].size = EMU_BAR5_LEN;
	memcpy(m.name, port->params.name, sizeof(m.name));
	fds[AVP_ATTACH_FD_MEMFD] = port->memfd;
	fds[AVP_ATTACH_FD_IRQ] = port->irq_fd;
	pthread_mutex_unlock(&port->lock);

	memset(&mh, 0, sizeof(mh));
	memset(&u, 0, sizeof(u));
	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	mh.msg_control = u.buf;
	mh.msg_controllen = sizeof(u.buf);
	c = CMSG_FIRSTHDR(&mh);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(fds));
	memcpy(CMSG_DATA(c), fds, sizeof(fds));
	if (sendmsg(fd, &mh, MSG_NOSIGNAL) != (ssize_t)sizeof(m))
		return -errno;
	return 0;
}

/* The guest let go (or was forced to): back to a clean, unconfigured
 * port so that a new guest can attach.
 */
static void
emu_guest_gone(struct avp_emu_port *port)
{
	pthread_mutex_lock(&port->lock);
	if (port->sock.cfd >= 0)
		close(port->sock.cfd);
	port->sock.cfd = -1;
	port->sock.attached = 0;
	port->sock.force_close = 0;
	/* record what the guest wrote last (an ack of a probe while
	 * detached) before the release clears the registers
	 */
	emu_regs_poll(port);
	if (port->mig.phase == MIG_IDLE)
		emu_port_release(port, 1);
	/* frames queued for that guest are not for the next one */
	emu_pend_clear(port);
	pthread_cond_broadcast(&port->cond);
	pthread_mutex_unlock(&port->lock);
	emu_log(port, 2, "guest detached from socket");
}

void
avp_emu_sock_opts_default(struct avp_emu_sock_opts *o)
{
	o->mode = AVP_EMU_SOCK_MODE;
	o->owner = (uid_t)-1;
	o->group = (gid_t)-1;
	o->allow_uid = (uid_t)-1;
	o->allow_gid = (gid_t)-1;
}

int
avp_emu_peer_allowed(const struct avp_emu_sock_opts *o, uid_t self,
		uid_t uid, gid_t gid)
{
	if (uid == self || uid == 0)
		return 1;
	if (o == NULL)
		return 0;
	return (o->allow_uid != (uid_t)-1 && uid == o->allow_uid) ||
		(o->allow_gid != (gid_t)-1 && gid == o->allow_gid);
}

/* The peer's credentials against the port's options; 0 or -EACCES. */
static int
emu_peer_check(struct avp_emu_port *port, int fd)
{
	struct ucred uc;
	socklen_t len = sizeof(uc);

	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &uc, &len) != 0 ||
			len != sizeof(uc)) {
		emu_log(port, 0, "attach: peer credentials unknown: refused");
		return -EACCES;
	}
	if (!avp_emu_peer_allowed(&port->sock.opts, geteuid(), uc.uid,
			uc.gid)) {
		emu_log(port, 0, "attach: peer pid %d uid %u gid %u not allowed: refused",
			(int)uc.pid, (unsigned int)uc.uid,
			(unsigned int)uc.gid);
		return -EACCES;
	}
	return 0;
}

/*
 * Receives HELLO: exactly one message of its size, right magic, version
 * and type, no descriptor. Any descriptor that came is closed.
 * 0, or -EPROTO after one log line.
 */
static int
emu_hello_recv(struct avp_emu_port *port, int fd)
{
	union {
		struct avp_attach_msg m;
		uint8_t raw[sizeof(struct avp_attach_msg) + 1];
	} in;
	union {
		char buf[CMSG_SPACE(sizeof(int) * HELLO_FD_ROOM)];
		struct cmsghdr align;
	} u;
	struct iovec iov = { &in, sizeof(in) };
	struct msghdr mh;
	struct cmsghdr *c;
	unsigned int nfds = 0, i, n;
	ssize_t len;
	int extra;

	memset(&mh, 0, sizeof(mh));
	memset(&u, 0, sizeof(u));
	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	mh.msg_control = u.buf;
	mh.msg_controllen = sizeof(u.buf);
	len = recvmsg(fd, &mh, MSG_CMSG_CLOEXEC | MSG_DONTWAIT);
	for (c = CMSG_FIRSTHDR(&mh); len >= 0 && c != NULL;
			c = CMSG_NXTHDR(&mh, c)) {
		if (c->cmsg_level != SOL_SOCKET ||
				c->cmsg_type != SCM_RIGHTS ||
				c->cmsg_len < CMSG_LEN(0))
			continue;
		n = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		for (i = 0; i < n; i++) {
			memcpy(&extra, CMSG_DATA(c) + i * sizeof(int),
				sizeof(int));
			close(extra);
			nfds++;
		}
	}
	if (len < 0) {
		emu_log(port, 0, "attach: HELLO not received: %s",
			strerror(errno));
		return -EPROTO;
	}
	if (nfds != 0 || (mh.msg_flags & MSG_CTRUNC)) {
		emu_log(port, 0, "attach: HELLO came with descriptors: refused");
		return -EPROTO;
	}
	if (len != (ssize_t)sizeof(in.m) || (mh.msg_flags & MSG_TRUNC)) {
		emu_log(port, 0, "attach: HELLO of %zd bytes, need %zu: refused",
			len, sizeof(in.m));
		return -EPROTO;
	}
	if (in.m.magic != AVP_ATTACH_MAGIC ||
			in.m.version != AVP_ATTACH_VERSION ||
			in.m.type != AVP_ATTACH_MSG_HELLO) {
		emu_log(port, 0, "attach: bad HELLO (magic %#x version %u type %u): refused",
			in.m.magic, in.m.version, in.m.type);
		return -EPROTO;
	}
	return 0;
}

static void
emu_handshake(struct avp_emu_port *port, int fd)
{
	struct pollfd pfd[2] = {
		{ fd, POLLIN, 0 },
		/* the port destroyed meanwhile */
		{ port->sock.wake_fd, POLLIN, 0 },
	};
	struct avp_attach_msg m;
	int busy;

	if (poll(pfd, 2, HELLO_TIMEOUT_MS) <= 0 || pfd[0].revents == 0) {
		emu_log(port, 1, "attach: no HELLO");
		close(fd);
		return;
	}
	if (emu_peer_check(port, fd) != 0) {
		/* read, unlooked at, so that closing does not reset the
		 * connection before the peer reads why
		 */
		if (recv(fd, &m, sizeof(m), MSG_DONTWAIT) < 0)
			m.magic = 0;
		emu_send_reject(port, fd, -EACCES);
		close(fd);
		return;
	}
	if (emu_hello_recv(port, fd) != 0) {
		emu_send_reject(port, fd, -EPROTO);
		close(fd);
		return;
	}
	/* attached before DEVICE goes out: the guest may act on it at once */
	pthread_mutex_lock(&port->lock);
	busy = port->sock.cfd >= 0;
	if (!busy) {
		port->sock.cfd = fd;
		port->sock.attached = 1;
	}
	pthread_mutex_unlock(&port->lock);
	if (busy) {
		emu_log(port, 1, "attach: a guest is already attached");
		emu_send_reject(port, fd, -EBUSY);
		close(fd);
		return;
	}
	if (emu_send_device(port, fd) != 0) {
		emu_log(port, 1, "attach: DEVICE not sent");
		emu_guest_gone(port);
		return;
	}
	pthread_mutex_lock(&port->lock);
	pthread_cond_broadcast(&port->cond);
	pthread_mutex_unlock(&port->lock);
	emu_log(port, 2, "guest attached");
}

static void *
emu_sock_thread(void *arg)
{
	struct avp_emu_port *port = arg;
	struct pollfd pfd[3];
	uint64_t v;
	int cfd, force;

	for (;;) {
		pthread_mutex_lock(&port->lock);
		cfd = port->sock.cfd;
		pthread_mutex_unlock(&port->lock);
		pfd[0].fd = port->sock.wake_fd;
		pfd[0].events = POLLIN;
		pfd[1].fd = port->sock.lfd;
		pfd[1].events = POLLIN;
		pfd[2].fd = cfd;
		pfd[2].events = POLLIN;
		pfd[0].revents = pfd[1].revents = pfd[2].revents = 0;
		if (poll(pfd, cfd >= 0 ? 3 : 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (pfd[0].revents & POLLIN) {
			if (read(port->sock.wake_fd, &v, sizeof(v)) < 0)
				v = 0;
			pthread_mutex_lock(&port->lock);
			force = port->sock.force_close;
			pthread_mutex_unlock(&port->lock);
			if (__atomic_load_n(&port->sock.stop,
					__ATOMIC_ACQUIRE))
				break;
			if (force) {
				emu_guest_gone(port);
				continue;
			}
		}
		if (cfd >= 0 && pfd[2].revents != 0) {
			struct avp_attach_msg m;
			ssize_t n = recv(cfd, &m, sizeof(m), MSG_DONTWAIT);

			if (n == 0 || (n < 0 && errno != EAGAIN &&
					errno != EINTR)) {
				emu_guest_gone(port);
				continue;
			}
		}
		if (pfd[1].revents & POLLIN) {
			int fd = accept4(port->sock.lfd, NULL, NULL,
				SOCK_CLOEXEC);

			if (fd >= 0)
				emu_handshake(port, fd);
		}
	}
	return NULL;
}

int
avp_emu_sock_bind(int fd, const char *path,
		const struct avp_emu_sock_opts *opts)
{
	struct avp_emu_sock_opts def;
	struct sockaddr_un sa;
	int err;

	if (opts == NULL) {
		avp_emu_sock_opts_default(&def);
		opts = &def;
	}
	if (path == NULL || strlen(path) >= sizeof(sa.sun_path) ||
			(opts->mode & ~07777u) != 0)
		return -EINVAL;
	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	memcpy(sa.sun_path, path, strlen(path));
	/* The file takes the socket's mode (narrowed by the umask): only
	 * the owner's bits until the owner is final, so nobody else can
	 * open it meanwhile; connecting fails until listen() anyway.
	 */
	if (fchmod(fd, opts->mode & S_IRWXU) != 0)
		return -errno;
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0)
		return -errno;
	if ((opts->owner != (uid_t)-1 || opts->group != (gid_t)-1) &&
			lchown(path, opts->owner, opts->group) != 0)
		goto fail;
	if (chmod(path, opts->mode) != 0)
		goto fail;
	return 0;
fail:
	err = errno;
	unlink(path);
	return -err;
}

int
avp_emu_port_listen_opts(struct avp_emu_port *port, const char *path,
		const struct avp_emu_sock_opts *opts)
{
	struct sockaddr_un sa;
	int ret;

	if (port == NULL || path == NULL || strlen(path) >= sizeof(sa.sun_path))
		return -EINVAL;
	if (port->sock.path != NULL)
		return -EBUSY;
	if (opts != NULL)
		port->sock.opts = *opts;
	else
		avp_emu_sock_opts_default(&port->sock.opts);
	port->sock.lfd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (port->sock.lfd < 0)
		return -errno;
	unlink(path);
	ret = avp_emu_sock_bind(port->sock.lfd, path, &port->sock.opts);
	if (ret != 0)
		goto fail;
	if (listen(port->sock.lfd, 4) != 0) {
		ret = -errno;
		unlink(path);
		goto fail;
	}
	port->sock.wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (port->sock.wake_fd < 0) {
		ret = -errno;
		goto fail_path;
	}
	port->sock.path = strdup(path);
	if (port->sock.path == NULL) {
		ret = -ENOMEM;
		goto fail_path;
	}
	__atomic_store_n(&port->sock.stop, 0, __ATOMIC_RELEASE);
	ret = pthread_create(&port->sock.thread, NULL, emu_sock_thread, port);
	if (ret != 0) {
		ret = -ret;
		goto fail_path;
	}
	port->sock.thread_ok = 1;
	return 0;
fail_path:
	unlink(path);
fail:
	free(port->sock.path);
	port->sock.path = NULL;
	if (port->sock.wake_fd >= 0)
		close(port->sock.wake_fd);
	port->sock.wake_fd = -1;
	close(port->sock.lfd);
	port->sock.lfd = -1;
	return ret;
}

int
avp_emu_port_listen(struct avp_emu_port *port, const char *path)
{
	return avp_emu_port_listen_opts(port, path, NULL);
}

static void
emu_wake(struct avp_emu_port *port)
{
	uint64_t one = 1;

	if (write(port->sock.wake_fd, &one, sizeof(one)) !=
			(ssize_t)sizeof(one))
		emu_log(port, 0, "socket thread wake-up failed");
}

void
emu_sock_close(struct avp_emu_port *port)
{
	if (port->sock.thread_ok) {
		__atomic_store_n(&port->sock.stop, 1, __ATOMIC_RELEASE);
		emu_wake(port);
		pthread_join(port->sock.thread, NULL);
		port->sock.thread_ok = 0;
	}
	if (port->sock.cfd >= 0)
		close(port->sock.cfd);
	port->sock.cfd = -1;
	port->sock.attached = 0;
	if (port->sock.lfd >= 0)
		close(port->sock.lfd);
	port->sock.lfd = -1;
	if (port->sock.wake_fd >= 0)
		close(port->sock.wake_fd);
	port->sock.wake_fd = -1;
	if (port->sock.path != NULL) {
		unlink(port->sock.path);
		free(port->sock.path);
		port->sock.path = NULL;
	}
}

static int
emu_pred_detached(struct avp_emu_port *port, const void *arg)
{
	(void)arg;
	return !port->sock.attached;
}

int
avp_emu_port_unplug(struct avp_emu_port *port, unsigned int timeout_ms)
{
	struct avp_attach_msg m;
	int ret;

	if (port == NULL)
		return -EINVAL;
	pthread_mutex_lock(&port->lock);
	if (!port->sock.attached || port->sock.cfd < 0) {
		pthread_mutex_unlock(&port->lock);
		return -ENOTCONN;
	}
	emu_msg_init(&m, AVP_ATTACH_MSG_UNPLUG);
	if (send(port->sock.cfd, &m, sizeof(m), MSG_NOSIGNAL) !=
			(ssize_t)sizeof(m))
		emu_log(port, 1, "UNPLUG not sent");
	ret = emu_wait(port, emu_pred_detached, NULL, timeout_ms);
	if (ret != 0) {
		emu_log(port, 0, "guest did not let go: closing its socket");
		port->sock.force_close = 1;
		emu_wake(port);
		emu_wait(port, emu_pred_detached, NULL, 5000);
		ret = -ETIMEDOUT;
	}
	pthread_mutex_unlock(&port->lock);
	return ret;
}

int
avp_emu_port_attached(struct avp_emu_port *port)
{
	int a;

	pthread_mutex_lock(&port->lock);
	a = port->sock.attached;
	pthread_mutex_unlock(&port->lock);
	return a;
}
