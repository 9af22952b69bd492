/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The AVP PMD authors
 */

/*
 * avp-hostd: bridge between an AVP port and a Linux TAP device.
 *
 * guest -> TAP: the port runs in AVP_EMU_MODE_OUTPUT; the output callback
 * (service thread) writes each frame to the TAP file descriptor.
 * TAP -> guest: a reader thread polls the TAP and injects each frame into
 * the port while the guest has the link up (otherwise it is dropped and
 * counted, so that no stale frames pile up while the guest is away).
 */

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <linux/if_tun.h>

#include "avp_hostd.h"

#define TAP_FRAME_MAX	65536
#define ETH_TPID_VLAN	0x8100

struct hostd_tap {
	char ifname[IFNAMSIZ];
	int fd;
	int stop_fd;			/* eventfd: stops the reader */
	struct avp_emu_port *port;
	pthread_t reader;
	int reader_running;
	/* counters, updated with __atomic builtins */
	uint64_t to_tap;		/* guest frames written to the TAP */
	uint64_t to_tap_bytes;
	uint64_t to_tap_dropped;	/* write failed (TAP down, full) */
	uint64_t from_tap;		/* TAP frames injected */
	uint64_t from_tap_bytes;
	uint64_t from_tap_link_down;	/* dropped: guest link down */
	uint64_t from_tap_dropped;	/* dropped: inject failed */
};

static void
hostd_tap_count(uint64_t *c, uint64_t n)
{
	__atomic_fetch_add(c, n, __ATOMIC_RELAXED);
}

static uint64_t
hostd_tap_read_count(const uint64_t *c)
{
	return __atomic_load_n(c, __ATOMIC_RELAXED);
}

int
hostd_tap_open(struct hostd_tap **tp, const char *ifname, char *err,
		size_t errlen)
{
	struct hostd_tap *tap;
	struct ifreq ifr;
	int sock, rc;

	*tp = NULL;
	if (strlen(ifname) == 0 || strlen(ifname) >= IFNAMSIZ) {
		snprintf(err, errlen, "TAP name '%s': must be 1..%d characters",
			ifname, IFNAMSIZ - 1);
		return -EINVAL;
	}
	tap = calloc(1, sizeof(*tap));
	if (tap == NULL) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	tap->stop_fd = -1;
	snprintf(tap->ifname, sizeof(tap->ifname), "%s", ifname);

	tap->fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC | O_NONBLOCK);
	if (tap->fd < 0) {
		rc = -errno;
		if (errno == ENOENT || errno == ENODEV || errno == ENXIO)
			snprintf(err, errlen,
				"/dev/net/tun is missing (%s): this system has no TUN/TAP support, or the device node is not in this container",
				strerror(errno));
		else if (errno == EACCES || errno == EPERM)
			snprintf(err, errlen,
				"cannot open /dev/net/tun: %s (needs root or CAP_NET_ADMIN)",
				strerror(errno));
		else
			snprintf(err, errlen, "cannot open /dev/net/tun: %s",
				strerror(errno));
		free(tap);
		return rc;
	}

	memset(&ifr, 0, sizeof(ifr));
	ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	if (ioctl(tap->fd, TUNSETIFF, &ifr) < 0) {
		rc = -errno;
		snprintf(err, errlen, "cannot create TAP %s (TUNSETIFF): %s%s",
			ifname, strerror(errno),
			(errno == EPERM || errno == EACCES) ?
			" (needs root or CAP_NET_ADMIN)" :
			errno == EBUSY ? " (the name is taken by a non-TAP "
			"interface or another process holds it)" : "");
		close(tap->fd);
		free(tap);
		return rc;
	}
	/* The kernel may have adjusted the name. */
	snprintf(tap->ifname, sizeof(tap->ifname), "%s", ifr.ifr_name);

	/* Bring it up. */
	sock = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (sock < 0) {
		rc = -errno;
		snprintf(err, errlen, "socket(AF_INET): %s", strerror(errno));
		goto fail;
	}
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", tap->ifname);
	if (ioctl(sock, SIOCGIFFLAGS, &ifr) < 0 ||
			(ifr.ifr_flags |= IFF_UP,
			 ioctl(sock, SIOCSIFFLAGS, &ifr) < 0)) {
		rc = -errno;
		snprintf(err, errlen, "cannot bring TAP %s up: %s",
			tap->ifname, strerror(errno));
		close(sock);
		goto fail;
	}
	close(sock);

	tap->stop_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (tap->stop_fd < 0) {
		rc = -errno;
		snprintf(err, errlen, "eventfd: %s", strerror(errno));
		goto fail;
	}
	*tp = tap;
	return 0;
fail:
	close(tap->fd);
	free(tap);
	return rc;
}

/* Service thread: one frame the guest transmitted. */
static void
hostd_tap_output(void *arg, struct avp_emu_port *port, unsigned int queue,
		const uint8_t *frame, uint32_t len)
{
	struct hostd_tap *tap = arg;
	ssize_t n;

	(void)port;
	(void)queue;
	n = write(tap->fd, frame, len);
	if (n == (ssize_t)len) {
		hostd_tap_count(&tap->to_tap, 1);
		hostd_tap_count(&tap->to_tap_bytes, len);
	} else {
		hostd_tap_count(&tap->to_tap_dropped, 1);
	}
}

/* Reader thread: one frame read from the TAP. */
static void
hostd_tap_input(struct hostd_tap *tap, uint8_t *frame, uint32_t len)
{
	struct avp_emu_port_state st;
	struct avp_emu_inject_opts opts;
	int rc;

	avp_emu_port_state_get(tap->port, &st);
	if (!st.configured || !st.link_up) {
		hostd_tap_count(&tap->from_tap_link_down, 1);
		return;
	}
	memset(&opts, 0, sizeof(opts));
	opts.queue = -1;
	/* With VLAN offload negotiated the host strips the tag (E8). */
	if ((st.cfg.features & AVP_FEAT_VLAN_OFFLOAD) && len >= 18 &&
			((frame[12] << 8) | frame[13]) == ETH_TPID_VLAN) {
		opts.flags |= AVP_EMU_INJ_VLAN;
		opts.vlan_tci = (uint16_t)((frame[14] << 8) | frame[15]);
		memmove(frame + 12, frame + 16, len - 16);
		len -= 4;
	}
	rc = avp_emu_inject(tap->port, frame, len, &opts);
	if (rc < 0) {
		hostd_tap_count(&tap->from_tap_dropped, 1);
		return;
	}
	hostd_tap_count(&tap->from_tap, 1);
	hostd_tap_count(&tap->from_tap_bytes, len);
}

static void *
hostd_tap_reader(void *arg)
{
	struct hostd_tap *tap = arg;
	struct pollfd pfd[2];
	uint8_t *frame;
	ssize_t n;

	frame = malloc(TAP_FRAME_MAX);
	if (frame == NULL)
		return NULL;
	pfd[0].fd = tap->fd;
	pfd[0].events = POLLIN;
	pfd[1].fd = tap->stop_fd;
	pfd[1].events = POLLIN;
	for (;;) {
		if (poll(pfd, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (pfd[1].revents)
			break;
		if (pfd[0].revents & (POLLERR | POLLHUP | POLLNVAL))
			break;
		/* Drain what is there, a bounded batch at a time. */
		for (int i = 0; i < 64; i++) {
			n = read(tap->fd, frame, TAP_FRAME_MAX);
			if (n <= 0)
				break;
			hostd_tap_input(tap, frame, (uint32_t)n);
		}
	}
	free(frame);
	return NULL;
}

int
hostd_tap_start(struct hostd_tap *tap, struct avp_emu_port *port)
{
	int rc;

	tap->port = port;
	avp_emu_port_set_output(port, hostd_tap_output, tap);
	rc = avp_emu_port_set_mode(port, AVP_EMU_MODE_OUTPUT, NULL);
	if (rc < 0)
		return rc;
	rc = pthread_create(&tap->reader, NULL, hostd_tap_reader, tap);
	if (rc != 0)
		return -rc;
	tap->reader_running = 1;
	return 0;
}

void
hostd_tap_close(struct hostd_tap *tap)
{
	uint64_t one = 1;

	if (tap == NULL)
		return;
	if (tap->reader_running) {
		if (write(tap->stop_fd, &one, sizeof(one)) < 0)
			perror(HOSTD_NAME ": eventfd write");
		pthread_join(tap->reader, NULL);
		tap->reader_running = 0;
	}
	if (tap->stop_fd >= 0)
		close(tap->stop_fd);
	close(tap->fd);
	free(tap);
}

void
hostd_tap_summary(struct hostd_tap *tap, FILE *out)
{
	fprintf(out, "tap=%s to_tap=%" PRIu64 " to_tap_bytes=%" PRIu64
		" to_tap_dropped=%" PRIu64 " from_tap=%" PRIu64
		" from_tap_bytes=%" PRIu64 " from_tap_link_down=%" PRIu64
		" from_tap_dropped=%" PRIu64,
		tap->ifname, hostd_tap_read_count(&tap->to_tap),
		hostd_tap_read_count(&tap->to_tap_bytes),
		hostd_tap_read_count(&tap->to_tap_dropped),
		hostd_tap_read_count(&tap->from_tap),
		hostd_tap_read_count(&tap->from_tap_bytes),
		hostd_tap_read_count(&tap->from_tap_link_down),
		hostd_tap_read_count(&tap->from_tap_dropped));
}
