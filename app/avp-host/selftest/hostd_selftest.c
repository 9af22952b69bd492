/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The AVP PMD authors
 */

/*
 * Guest-less self-test of avp-hostd: runs the daemon as a child process
 * and plays raw guests (app/avp-host/test/avp_test_guest.h) on its
 * sockets.
 *
 *   hostd_selftest AVP_HOSTD SCENARIO
 *
 * Scenarios:
 *   xconnect  two cross-connected ports: frames of many sizes (chained
 *             ones too) both ways, byte and order checks, statistics on
 *             stdin and on the control socket, quit, exit code, no
 *             socket left behind.
 *   migrate   migrations by command (plain, reordered, periodic, refused
 *             by the guest), unplug (released and forced), re-attach,
 *             SIGTERM shutdown with a pid file.
 *   modes     gen (sizes in turn, count), sink (the --mode default)
 *             and capture ports: generated frames verified, sink and
 *             capture counters, the capture and stats-reset commands.
 *   tap       a TAP port in a private network namespace: the guest's ARP
 *             request and ICMP echo request are answered by the kernel.
 *             Exits 77 (skipped) when TAP or namespaces are unavailable.
 *
 * Every wait is bounded and says what it waited for when it fails.
 */

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <net/if.h>
#include <arpa/inet.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <sched.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>

#include "avp_emu.h"
#include "avp_emu_compiler.h"
#include "avp_test_guest.h"

#define SKIP_EXIT	77
#define READY_MS	10000
#define CMD_MS		15000
#define EXIT_MS		10000

static unsigned int n_pass, n_fail;
static char tmp_dir[64];
static char netns[64];
static pid_t daemon_pid = -1;

#define CHECK(cond, ...) st_check_report(!!(cond), __VA_ARGS__)

static void __emu_format_printf(2, 3)
st_check_report(int ok, const char *fmt, ...)
{
	va_list ap;

	printf("%s: ", ok ? "ok" : "FAIL");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	if (ok)
		n_pass++;
	else
		n_fail++;
}

/* exec takes char *const argv[]; string literals are const. */
static char *
st_str(const char *s)
{
	return (char *)(uintptr_t)s;
}

static int
st_rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	remove(path);
	return 0;
}

/* Runs argv, waits for it; returns its exit status or -1. */
static int
st_run_cmd(char *const argv[], int quiet)
{
	pid_t pid;
	int st;

	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		if (quiet) {
			int fd = open("/dev/null", O_WRONLY);

			if (fd >= 0) {
				dup2(fd, STDOUT_FILENO);
				dup2(fd, STDERR_FILENO);
			}
		}
		execvp(argv[0], argv);
		_exit(127);
	}
	if (waitpid(pid, &st, 0) < 0)
		return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void
st_cleanup(void)
{
	if (daemon_pid > 0) {
		kill(daemon_pid, SIGKILL);
		waitpid(daemon_pid, NULL, 0);
		daemon_pid = -1;
	}
	if (netns[0] != '\0') {
		char *argv[] = { st_str("ip"), st_str("netns"), st_str("del"),
			netns, NULL };

		st_run_cmd(argv, 1);
		netns[0] = '\0';
	}
	if (tmp_dir[0] != '\0') {
		nftw(tmp_dir, st_rm_entry, 8, FTW_DEPTH | FTW_PHYS);
		tmp_dir[0] = '\0';
	}
}

/*
 * Killed (a meson timeout, ^C): only async-signal-safe calls here, but
 * leave no daemon, namespace or temporary directory behind.
 */
static void
st_on_signal(int sig)
{
	char *const ns_argv[] = { st_str("ip"), st_str("netns"), st_str("del"),
		netns, NULL };
	char *const rm_argv[] = { st_str("rm"), st_str("-rf"), tmp_dir, NULL };
	pid_t pid;

	if (daemon_pid > 0) {
		kill(daemon_pid, SIGKILL);
		waitpid(daemon_pid, NULL, 0);
	}
	if (netns[0] != '\0') {
		pid = fork();
		if (pid == 0)
			execvp(ns_argv[0], ns_argv);
		if (pid > 0)
			waitpid(pid, NULL, 0);
	}
	if (tmp_dir[0] != '\0') {
		pid = fork();
		if (pid == 0)
			execvp(rm_argv[0], rm_argv);
		if (pid > 0)
			waitpid(pid, NULL, 0);
	}
	_exit(128 + sig);
}

static int
st_finish(void)
{
	st_cleanup();
	printf("%u passed, %u failed\n", n_pass, n_fail);
	return n_fail == 0 ? 0 : 1;
}

static void __emu_noreturn __emu_format_printf(1, 2)
st_fatal(const char *fmt, ...)
{
	va_list ap;

	printf("FAIL: ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf(" (giving up)\n");
	n_fail++;
	exit(st_finish());
}

/* ---- the daemon as a child ------------------------------------------- */

struct daemon {
	pid_t pid;
	int in_fd;		/* its stdin */
	int out_fd;		/* its stdout */
	char *log;		/* everything it printed */
	size_t len;
	size_t cap;
	size_t scan;		/* start of the first unmatched line */
	int eof;
	int status;		/* wait status once exited */
};

static void
st_daemon_spawn(struct daemon *d, char *const argv[])
{
	int in[2], out[2];

	memset(d, 0, sizeof(*d));
	if (pipe2(in, O_CLOEXEC) < 0 || pipe2(out, O_CLOEXEC) < 0)
		st_fatal("pipe: %s", strerror(errno));
	printf("# running:");
	for (int i = 0; argv[i] != NULL; i++)
		printf(" %s", argv[i]);
	printf("\n");
	fflush(stdout);
	d->pid = fork();
	if (d->pid < 0)
		st_fatal("fork: %s", strerror(errno));
	if (d->pid == 0) {
		/* The daemon must not outlive the test. */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		dup2(in[0], STDIN_FILENO);
		dup2(out[1], STDOUT_FILENO);
		execvp(argv[0], argv);
		fprintf(stderr, "exec %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	daemon_pid = d->pid;
	close(in[0]);
	close(out[1]);
	d->in_fd = in[1];
	d->out_fd = out[0];
	d->cap = 65536;
	d->log = malloc(d->cap);
	if (d->log == NULL)
		st_fatal("out of memory");
	d->log[0] = '\0';
}

/* Reads what the daemon printed, waiting up to timeout_ms. */
static void
st_daemon_read(struct daemon *d, int timeout_ms)
{
	struct pollfd pfd = { d->out_fd, POLLIN, 0 };
	ssize_t n;

	if (d->eof || poll(&pfd, 1, timeout_ms) <= 0)
		return;
	if (d->len + 4096 + 1 > d->cap) {
		d->cap *= 2;
		d->log = realloc(d->log, d->cap);
		if (d->log == NULL)
			st_fatal("out of memory");
	}
	n = read(d->out_fd, d->log + d->len, 4096);
	if (n <= 0) {
		d->eof = 1;
		return;
	}
	fwrite(d->log + d->len, 1, (size_t)n, stdout);
	fflush(stdout);
	d->len += (size_t)n;
	d->log[d->len] = '\0';
}

/* Something the test does while it waits for the daemon. */
typedef void (*service_fn)(void *arg);

/*
 * Waits for a line starting with prefix; returns a copy (to free).
 * Lines before it are passed over (they stay in d->log).
 */
static char *
st_daemon_expect(struct daemon *d, const char *prefix, unsigned int timeout_ms,
		service_fn service, void *arg)
{
	uint64_t deadline = avp_tg_now_ms() + timeout_ms;
	size_t plen = strlen(prefix);

	for (;;) {
		char *nl;

		while ((nl = memchr(d->log + d->scan, '\n',
				d->len - d->scan)) != NULL) {
			char *line = d->log + d->scan;
			size_t llen = (size_t)(nl - line);

			d->scan += llen + 1;
			if (llen >= plen && memcmp(line, prefix, plen) == 0)
				return strndup(line, llen);
		}
		if (d->eof)
			break;
		if (avp_tg_now_ms() > deadline)
			break;
		if (service != NULL) {
			service(arg);
			st_daemon_read(d, 0);
		} else {
			st_daemon_read(d, 50);
		}
	}
	printf("FAIL: %s waiting for a line starting with '%s' from avp-hostd\n",
		d->eof ? "avp-hostd closed its output" : "timed out",
		prefix);
	n_fail++;
	return NULL;
}

static void
st_daemon_cmd(struct daemon *d, const char *cmd)
{
	size_t len = strlen(cmd);

	printf("# command: %s", cmd);
	fflush(stdout);
	if (write(d->in_fd, cmd, len) != (ssize_t)len)
		st_fatal("writing '%s' to avp-hostd: %s", cmd, strerror(errno));
}

/* Sends one command line and checks the line that answers it. */
static void
st_daemon_cmd_check(struct daemon *d, const char *cmd, const char *want)
{
	char buf[256];
	char *line;

	snprintf(buf, sizeof(buf), "%s\n", cmd);
	st_daemon_cmd(d, buf);
	line = st_daemon_expect(d, want, CMD_MS, NULL, NULL);
	CHECK(line != NULL, "%s: %s", cmd, want);
	free(line);
}

/* Waits for the daemon to exit; returns its exit code or -1. */
static int
st_daemon_wait_exit(struct daemon *d, unsigned int timeout_ms)
{
	uint64_t deadline = avp_tg_now_ms() + timeout_ms;
	pid_t r;

	while (!d->eof && avp_tg_now_ms() <= deadline)
		st_daemon_read(d, 50);
	for (;;) {
		r = waitpid(d->pid, &d->status, WNOHANG);
		if (r == d->pid)
			break;
		if (avp_tg_now_ms() > deadline) {
			printf("FAIL: avp-hostd did not exit within %u ms\n",
				timeout_ms);
			n_fail++;
			return -1;
		}
		/* Output closed: the process is on its way out. */
		poll(NULL, 0, 10);
	}
	daemon_pid = -1;
	close(d->in_fd);
	close(d->out_fd);
	if (WIFEXITED(d->status))
		return WEXITSTATUS(d->status);
	printf("# avp-hostd died of signal %d\n", WTERMSIG(d->status));
	return -1;
}

/* Value of "key=" in a line, or UINT64_MAX. */
static uint64_t
st_kv(const char *line, const char *key)
{
	const char *p = line;
	size_t klen = strlen(key);

	while (line != NULL && (p = strstr(p, key)) != NULL) {
		if ((p == line || p[-1] == ' ' || p[-1] == '(') &&
				p[klen] == '=')
			return strtoull(p + klen + 1, NULL, 10);
		p += klen;
	}
	return UINT64_MAX;
}

static int
st_path_gone(const char *path)
{
	struct stat st;

	return lstat(path, &st) < 0 && errno == ENOENT;
}

/* ---- raw guests -------------------------------------------------------- */

static int
st_guest_up(struct avp_tg *g, const char *path, const char *name)
{
	int rc;

	rc = avp_tg_open_socket(g, path, name);
	if (rc < 0) {
		printf("# %s: attach to %s: %s\n", name, path, strerror(-rc));
		return rc;
	}
	rc = avp_tg_configure(g, 1, 1, 0, 0);
	if (rc < 0) {
		printf("# %s: CONFIGURE: %d\n", name, rc);
		return rc;
	}
	rc = avp_tg_set_link(g, 1);
	if (rc < 0)
		printf("# %s: SET_LINK 1: %d\n", name, rc);
	return rc;
}

static const uint16_t frame_sizes[] = {
	60, 64, 65, 128, 511, 512, 1024, 1514, 1518, 2047, 2048, 2049,
	4000, 6000, 9000, 9238,
};
#define NSIZES (sizeof(frame_sizes) / sizeof(frame_sizes[0]))
#define BATCH 16

static uint8_t tx_buf[AVP_EMU_FRAME_MAX];
static uint8_t rx_buf[AVP_EMU_FRAME_MAX];

/*
 * Sends n frames from src, in batches, and receives them on dst: length,
 * content (avp_emu_frame_verify), sequence order and segment count are
 * checked. Transmit chains use 1..5 segments. Returns the number of
 * frames that arrived intact and in order.
 */
static unsigned int
st_transfer(struct avp_tg *src, struct avp_tg *dst, unsigned int n,
		uint64_t seq0, const char *what)
{
	unsigned int good = 0, bad_reported = 0;
	uint32_t h = src->buf_data_size;

	for (unsigned int base = 0; base < n; base += BATCH) {
		unsigned int cnt = n - base < BATCH ? n - base : BATCH;

		for (unsigned int i = base; i < base + cnt; i++) {
			uint32_t len = frame_sizes[i % NSIZES];
			unsigned int need = (len + h - 1) / h;
			unsigned int nsegs = 1 + i % AVP_MAX_SEGS;
			uint64_t deadline = avp_tg_now_ms() + 3000;
			int rc;

			if (nsegs < need)
				nsegs = need;
			avp_emu_frame_build(tx_buf, len, seq0 + i,
				dst->devinfo->mac, src->devinfo->mac);
			while ((rc = avp_tg_tx(src, 0, tx_buf, len, nsegs, 0,
					0)) == -EAGAIN &&
			       avp_tg_now_ms() < deadline)
				poll(NULL, 0, 1);
			if (rc != 0) {
				printf("# %s: tx of frame %u (%u bytes, %u segments): %d\n",
					what, i, len, nsegs, rc);
				return good;
			}
		}
		for (unsigned int i = base; i < base + cnt; i++) {
			struct avp_tg_rxinfo info;
			uint32_t len = frame_sizes[i % NSIZES];
			uint64_t seq = UINT64_MAX;
			int rc;

			memset(&info, 0, sizeof(info));
			rc = avp_tg_rx_wait(dst, 1, rx_buf, sizeof(rx_buf),
					&info, 3000);
			if (rc < 0) {
				printf("# %s: frame %u (%u bytes) not received: %d\n",
					what, i, len, rc);
				return good;
			}
			if ((uint32_t)rc != len ||
					avp_emu_frame_verify(rx_buf, len,
						&seq) != 0 ||
					seq != seq0 + i ||
					info.nsegs != (len + h - 1) / h) {
				if (bad_reported++ < 5)
					printf("# %s: frame %u: got %d bytes seq %" PRIu64 " in %u segments, expected %u bytes seq %" PRIu64 " in %u\n",
						what, i, rc, seq, info.nsegs,
						len, seq0 + i,
						(len + h - 1) / h);
				continue;
			}
			good++;
		}
	}
	return good;
}

/* ---- scenario: xconnect ---------------------------------------------- */

static char *
st_control_query(const char *path, const char *cmd, unsigned int timeout_ms)
{
	struct sockaddr_un sa;
	uint64_t deadline = avp_tg_now_ms() + timeout_ms;
	char *buf;
	size_t len = 0, cap = 4096;
	int fd;

	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return NULL;
	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
			write(fd, cmd, strlen(cmd)) != (ssize_t)strlen(cmd)) {
		printf("# control socket %s: %s\n", path, strerror(errno));
		close(fd);
		return NULL;
	}
	shutdown(fd, SHUT_WR);
	buf = calloc(1, cap);
	while (buf != NULL && len < cap - 1 && avp_tg_now_ms() < deadline) {
		struct pollfd pfd = { fd, POLLIN, 0 };
		ssize_t n;

		if (poll(&pfd, 1, 100) <= 0)
			continue;
		n = read(fd, buf + len, cap - 1 - len);
		if (n <= 0)
			break;
		len += (size_t)n;
	}
	close(fd);
	return buf;
}

/* A socket file nobody listens on any more. */
static int
st_make_stale_socket(const char *path)
{
	struct sockaddr_un sa;
	int fd, rc;

	fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	rc = bind(fd, (struct sockaddr *)&sa, sizeof(sa));
	close(fd);
	return rc;
}

static int
st_scenario_xconnect(const char *hostd)
{
	char sa[96], sb[96], ctl[96], pa[160], pb[160], *line;
	struct avp_tg ga, gb;
	struct daemon d;
	const unsigned int n = 10 * NSIZES;
	unsigned int good;
	int code;

	snprintf(sa, sizeof(sa), "%s/a.sock", tmp_dir);
	snprintf(sb, sizeof(sb), "%s/b.sock", tmp_dir);
	snprintf(ctl, sizeof(ctl), "%s/ctl.sock", tmp_dir);
	snprintf(pa, sizeof(pa), "a,socket=%s", sa);
	snprintf(pb, sizeof(pb), "b,socket=%s,mac=02:00:00:00:00:0b", sb);
	CHECK(st_make_stale_socket(sa) == 0,
		"a stale socket file is left at %s (as after a crash)", sa);
	{
		char *argv[] = { st_str(hostd), st_str("--mode"),
			st_str("xconnect"), st_str("--port"), pa,
			st_str("--port"), pb,
			st_str("--control"), ctl, NULL };

		st_daemon_spawn(&d, argv);
	}
	line = st_daemon_expect(&d, "avp-hostd: ready: 2 ports", READY_MS,
			NULL, NULL);
	if (line == NULL)
		st_fatal("avp-hostd did not become ready");
	free(line);

	{
		char *argv[] = { st_str(hostd), st_str("--no-stdin"),
			st_str("--port"), pa, NULL };

		CHECK(st_run_cmd(argv, 0) == 1,
			"a second avp-hostd on the same socket fails with exit code 1");
	}

	CHECK(st_guest_up(&ga, sa, "guest-a") == 0,
		"guest A attaches, CONFIGURE and SET_LINK 1 accepted");
	CHECK(st_guest_up(&gb, sb, "guest-b") == 0,
		"guest B attaches, CONFIGURE and SET_LINK 1 accepted");
	if (n_fail != 0)
		st_fatal("the guests could not attach");
	CHECK(gb.devinfo->mac[5] == 0x0b && gb.devinfo->mac[0] == 0x02,
		"port b advertises mac=02:00:00:00:00:0b");

	good = st_transfer(&ga, &gb, n, 0, "a->b");
	CHECK(good == n, "a->b: %u of %u frames (60..9238 bytes, 1..5 segments) intact and in order",
		good, n);
	good = st_transfer(&gb, &ga, n, 100000, "b->a");
	CHECK(good == n, "b->a: %u of %u frames intact and in order", good,
		n);

	st_daemon_cmd(&d, "stats a\n");
	line = st_daemon_expect(&d, "stats a: ", CMD_MS, NULL, NULL);
	CHECK(st_kv(line, "tx_frames") == n && st_kv(line, "rx_frames") == n &&
		st_kv(line, "violations") == 0 && st_kv(line, "attached") == 1,
		"stats a (stdin): tx_frames=%u rx_frames=%u violations=0 attached=1",
		n, n);
	free(line);

	line = st_control_query(ctl, "stats b\nstate b\n", CMD_MS);
	CHECK(line != NULL && strstr(line, "stats b: ") != NULL &&
		st_kv(strstr(line, "stats b: "), "rx_frames") == n &&
		st_kv(strstr(line, "stats b: "), "tx_frames") == n,
		"stats b (control socket): rx_frames=%u tx_frames=%u", n, n);
	CHECK(line != NULL && strstr(line, "state b: ") != NULL &&
		strstr(strstr(line, "state b: "), "link=up") != NULL &&
		st_kv(strstr(line, "state b: "), "configured") == 1,
		"state b (control socket): configured=1 link=up");
	if (line != NULL)
		printf("# control socket answered:\n%s", line);
	free(line);

	st_daemon_cmd(&d, "bogus\n");
	line = st_daemon_expect(&d, "error: unknown command 'bogus'", CMD_MS,
			NULL, NULL);
	CHECK(line != NULL, "an unknown command is answered with an error");
	free(line);
	st_daemon_cmd(&d, "stats nosuch\n");
	line = st_daemon_expect(&d, "error: stats: no port 'nosuch'", CMD_MS,
			NULL, NULL);
	CHECK(line != NULL, "an unknown port is answered with an error");
	free(line);

	CHECK(avp_tg_close_port(&ga) == 0, "guest A: SHUTDOWN accepted");
	CHECK(avp_tg_close_port(&gb) == 0, "guest B: SHUTDOWN accepted");
	avp_tg_close(&ga);
	avp_tg_close(&gb);

	st_daemon_cmd(&d, "quit\n");
	line = st_daemon_expect(&d, "quit: ok", CMD_MS, NULL, NULL);
	CHECK(line != NULL, "quit is acknowledged");
	free(line);
	code = st_daemon_wait_exit(&d, EXIT_MS);
	CHECK(code == 0, "avp-hostd exits with code 0 after quit (got %d)",
		code);
	CHECK(strstr(d.log, "avp-hostd: statistics") != NULL,
		"exit statistics are printed");
	line = strstr(d.log, "\nstats a: ");
	CHECK(line != NULL && st_kv(line, "tx_frames") == n &&
		st_kv(line, "rx_frames") == n && st_kv(line, "violations") == 0,
		"exit statistics of a: tx_frames=%u rx_frames=%u violations=0",
		n, n);
	line = strstr(d.log, "\nstats b: ");
	CHECK(line != NULL && st_kv(line, "tx_frames") == n &&
		st_kv(line, "rx_frames") == n && st_kv(line, "violations") == 0,
		"exit statistics of b: tx_frames=%u rx_frames=%u violations=0",
		n, n);
	CHECK(st_path_gone(sa) && st_path_gone(sb),
		"no port socket file remains");
	CHECK(st_path_gone(ctl), "no control socket file remains");
	free(d.log);
	return st_finish();
}

/* ---- scenario: migrate and unplug ------------------------------------- */

static void
st_serve_migration(void *arg)
{
	avp_tg_mig_service(arg, 10);
}

struct unplug_ctx {
	struct avp_tg *g;
	int seen;
	int closed;
};

static void
st_serve_unplug(void *arg)
{
	struct unplug_ctx *u = arg;

	if (u->closed) {
		poll(NULL, 0, 10);
		return;
	}
	if (avp_tg_unplug_pending(u->g) == 1) {
		u->seen = 1;
		avp_tg_close_port(u->g);
		avp_tg_close(u->g);
		u->closed = 1;
	} else {
		poll(NULL, 0, 5);
	}
}

static int
st_scenario_migrate(const char *hostd)
{
	char sock[96], pidfile[96], spec[200], *line, buf[32];
	struct avp_tg g;
	struct unplug_ctx u;
	struct daemon d;
	unsigned int ev, good;
	uint64_t seq = 0, deadline, ok;
	int code, fd;
	ssize_t n;

	snprintf(sock, sizeof(sock), "%s/m.sock", tmp_dir);
	snprintf(pidfile, sizeof(pidfile), "%s/hostd.pid", tmp_dir);
	snprintf(spec, sizeof(spec), "m,socket=%s,mode=loopback,queues=2",
		sock);
	{
		char *argv[] = { st_str(hostd), st_str("--port"), spec,
			st_str("--pidfile"), pidfile,
			st_str("--ack-timeout"), st_str("2000"), NULL };

		st_daemon_spawn(&d, argv);
	}
	line = st_daemon_expect(&d, "avp-hostd: ready: 1 port", READY_MS, NULL,
			NULL);
	if (line == NULL)
		st_fatal("avp-hostd did not become ready");
	free(line);
	fd = open(pidfile, O_RDONLY);
	n = fd >= 0 ? read(fd, buf, sizeof(buf) - 1) : -1;
	if (fd >= 0)
		close(fd);
	buf[n > 0 ? n : 0] = '\0';
	CHECK(atol(buf) == (long)d.pid, "pid file holds the daemon's pid");

	if (st_guest_up(&g, sock, "guest-m") != 0)
		st_fatal("the guest could not attach");
	good = st_transfer(&g, &g, 32, seq, "loopback");
	CHECK(good == 32, "loopback before migration: %u of 32 frames",
		good);
	seq += 1000;

	/* Plain migration. */
	ev = g.mig_events;
	st_daemon_cmd(&d, "migrate m\n");
	line = st_daemon_expect(&d, "migrate m: ", CMD_MS, st_serve_migration,
			&g);
	CHECK(line != NULL && strncmp(line, "migrate m: ok", 13) == 0 &&
		st_kv(line, "detach_us") != UINT64_MAX &&
		st_kv(line, "attach_us") != UINT64_MAX &&
		st_kv(line, "frames_lost") != UINT64_MAX &&
		st_kv(line, "reconfigured") == 1,
		"migrate m: ok with detach_us, attach_us, frames_lost, reconfigured=1");
	CHECK(g.mig_events - ev == 2 && !g.detached,
		"the guest handled DETACHED and ATTACHED (%u events)",
		g.mig_events - ev);
	free(line);
	good = st_transfer(&g, &g, 32, seq, "loopback after migrate");
	CHECK(good == 32, "loopback after migration: %u of 32 frames", good);
	seq += 1000;

	/* Reordered memory map. */
	st_daemon_cmd(&d, "migrate m reorder\n");
	line = st_daemon_expect(&d, "migrate m: ", CMD_MS, st_serve_migration,
			&g);
	CHECK(line != NULL && strncmp(line, "migrate m: ok", 13) == 0 &&
		strstr(line, "reordered") != NULL,
		"migrate m reorder: ok");
	free(line);
	good = st_transfer(&g, &g, 32, seq, "loopback after reorder");
	CHECK(good == 32, "loopback after a reordered migration: %u of 32",
		good);
	seq += 1000;

	/* A destination with another rx queue minimum, and back. */
	st_daemon_cmd(&d, "migrate m rxq_min=2\n");
	line = st_daemon_expect(&d, "migrate m: ", CMD_MS, st_serve_migration,
			&g);
	CHECK(line != NULL && strncmp(line, "migrate m: ok", 13) == 0 &&
		strstr(line, " rxq_min=2") != NULL,
		"migrate m rxq_min=2: ok");
	free(line);
	st_daemon_cmd(&d, "state m\n");
	line = st_daemon_expect(&d, "state m: ", CMD_MS, st_serve_migration,
			&g);
	CHECK(st_kv(line, "rx_queues") == 2,
		"the guest re-configured 2 rx queues on the new host");
	free(line);
	st_daemon_cmd(&d, "migrate m rxq_min=1\n");
	line = st_daemon_expect(&d, "migrate m: ", CMD_MS, st_serve_migration,
			&g);
	CHECK(line != NULL && strncmp(line, "migrate m: ok", 13) == 0,
		"migrate m rxq_min=1: ok");
	free(line);
	CHECK(avp_tg_configure(&g, 1, 1, 0, 1) == 0,
		"the guest goes back to 1 rx queue");
	st_daemon_cmd(&d, "migrate m colour=blue\n");
	line = st_daemon_expect(&d, "error: migrate: unknown option 'colour'",
			CMD_MS, st_serve_migration, &g);
	CHECK(line != NULL, "an unknown migrate option is an error");
	free(line);
	st_daemon_cmd(&d, "migrate m rxq_min=9\n");
	line = st_daemon_expect(&d, "error: migrate: rxq_min=9: must be a number in 1..8",
			CMD_MS, st_serve_migration, &g);
	CHECK(line != NULL, "an out-of-range migrate option is an error");
	free(line);

	/* Periodic migrations. */
	ev = g.mig_events;
	st_daemon_cmd(&d, "migrate-every m 30\n");
	line = st_daemon_expect(&d, "migrate-every m: ", CMD_MS,
			st_serve_migration, &g);
	CHECK(line != NULL && strstr(line, ": ok, every 30 ms") != NULL,
		"migrate-every m 30 is accepted");
	free(line);
	deadline = avp_tg_now_ms() + 15000;
	while (g.mig_events - ev < 6 && avp_tg_now_ms() < deadline) {
		avp_tg_mig_service(&g, 10);
		st_daemon_read(&d, 0);
	}
	CHECK(g.mig_events - ev >= 6,
		"three periodic migrations reach the guest (%u events)",
		g.mig_events - ev);
	st_daemon_cmd(&d, "migrate-every m 0\n");
	line = st_daemon_expect(&d, "migrate-every m: stopped", CMD_MS,
			st_serve_migration, &g);
	ok = line != NULL && strstr(line, "(") != NULL ?
		strtoull(strstr(line, "(") + 1, NULL, 10) : 0;
	CHECK(line != NULL && ok >= 3 && strstr(line, " 0 failed") != NULL,
		"migrate-every m 0 stops it: %" PRIu64 " ok, 0 failed", ok);
	free(line);
	/* A migration that was under way when it stopped has completed:
	 * the guest must not be left detached.
	 */
	while (g.detached && avp_tg_mig_service(&g, 500) == 1)
		;
	good = st_transfer(&g, &g, 32, seq, "loopback after migrate-every");
	CHECK(good == 32, "loopback after periodic migrations: %u of 32",
		good);
	seq += 1000;

	/* The guest refuses (acknowledges ERROR). */
	g.mig_force_error = 1;
	st_daemon_cmd(&d, "migrate m\n");
	line = st_daemon_expect(&d, "migrate m: ", CMD_MS, st_serve_migration,
			&g);
	CHECK(line != NULL && strncmp(line, "migrate m: failed", 17) == 0,
		"migrate m: failed when the guest acknowledges ERROR");
	free(line);
	g.mig_force_error = 0;
	st_daemon_cmd(&d, "state m\n");
	line = st_daemon_expect(&d, "state m: ", CMD_MS, st_serve_migration,
			&g);
	CHECK(line != NULL && st_kv(line, "configured") == 1 &&
		strstr(line, "link=up") != NULL,
		"after the refused migration the host keeps configured=1 link=up");
	free(line);
	st_daemon_cmd(&d, "migrate nosuch\n");
	line = st_daemon_expect(&d, "error: migrate: no port 'nosuch'", CMD_MS,
			st_serve_migration, &g);
	CHECK(line != NULL, "migrate of an unknown port is an error");
	free(line);

	/* Unplug: the guest sees UNPLUG and lets go. */
	memset(&u, 0, sizeof(u));
	u.g = &g;
	st_daemon_cmd(&d, "unplug m\n");
	line = st_daemon_expect(&d, "unplug m: ", CMD_MS, st_serve_unplug, &u);
	CHECK(u.seen, "the guest received UNPLUG");
	CHECK(line != NULL && strncmp(line, "unplug m: ok", 12) == 0,
		"unplug m: ok, the guest released the port");
	free(line);
	if (!u.closed)
		avp_tg_close(&g);

	/* Hot-plug again: a new guest attaches to the same socket. */
	CHECK(st_guest_up(&g, sock, "guest-m2") == 0,
		"a new guest attaches after the unplug");
	good = st_transfer(&g, &g, 32, seq, "loopback after re-attach");
	CHECK(good == 32, "loopback after re-attach: %u of 32", good);
	st_daemon_cmd(&d, "migrate\n");
	line = st_daemon_expect(&d, "migrate m: ", CMD_MS, st_serve_migration,
			&g);
	CHECK(line != NULL && strncmp(line, "migrate m: ok", 13) == 0,
		"migrate (no port name, one port) after re-attach: ok");
	free(line);

	/* Unplug that the guest ignores: forced. */
	st_daemon_cmd(&d, "unplug m 300\n");
	line = st_daemon_expect(&d, "unplug m: ", CMD_MS, NULL, NULL);
	CHECK(line != NULL && strncmp(line, "unplug m: forced", 16) == 0,
		"unplug m 300 is forced when the guest does not react");
	free(line);
	code = avp_tg_unplug_pending(&g);
	CHECK(code == 1 || code == 2,
		"the ignoring guest sees UNPLUG or a closed socket");
	avp_tg_close(&g);
	st_daemon_cmd(&d, "stats m\n");
	line = st_daemon_expect(&d, "stats m: ", CMD_MS, NULL, NULL);
	CHECK(line != NULL && st_kv(line, "attached") == 0 &&
		st_kv(line, "migrations") >= 6,
		"stats m: attached=0 and at least 6 migrations");
	free(line);

	/* SIGTERM: clean shutdown. */
	kill(d.pid, SIGTERM);
	code = st_daemon_wait_exit(&d, EXIT_MS);
	CHECK(code == 0, "avp-hostd exits with code 0 on SIGTERM (got %d)",
		code);
	CHECK(strstr(d.log, "avp-hostd: statistics") != NULL &&
		strstr(d.log, "\nstats m: ") != NULL,
		"statistics are printed on SIGTERM");
	CHECK(st_path_gone(sock), "no socket file remains");
	CHECK(st_path_gone(pidfile), "no pid file remains");
	free(d.log);
	return st_finish();
}

/* ---- scenario: gen, sink, capture -------------------------------------- */

/* Repeats "stats PORT" until key reaches want; returns the last value. */
static uint64_t
st_stats_until(struct daemon *d, const char *port, const char *key,
		uint64_t want, unsigned int timeout_ms)
{
	uint64_t deadline = avp_tg_now_ms() + timeout_ms, v = UINT64_MAX;
	char cmd[64], prefix[64];

	snprintf(cmd, sizeof(cmd), "stats %s\n", port);
	snprintf(prefix, sizeof(prefix), "stats %s: ", port);
	do {
		char *line;

		st_daemon_cmd(d, cmd);
		line = st_daemon_expect(d, prefix, CMD_MS, NULL, NULL);
		v = st_kv(line, key);
		free(line);
		if (v == want)
			break;
		poll(NULL, 0, 20);
	} while (avp_tg_now_ms() < deadline);
	return v;
}

static int
st_scenario_modes(const char *hostd)
{
	static const uint16_t gen_sizes[] = { 64, 512, 1518 };
	char sg[96], ss[96], sc[96], pg[160], ps[160], pc[160], *line;
	struct avp_tg gg, gs, gc;
	struct daemon d;
	unsigned int good = 0, i;
	uint64_t v;

	snprintf(sg, sizeof(sg), "%s/g.sock", tmp_dir);
	snprintf(ss, sizeof(ss), "%s/s.sock", tmp_dir);
	snprintf(sc, sizeof(sc), "%s/c.sock", tmp_dir);
	snprintf(pg, sizeof(pg),
		"g,socket=%s,mode=gen,size=64/512/1518,count=90,rx_segs=3",
		sg);
	snprintf(ps, sizeof(ps), "s,socket=%s", ss);
	snprintf(pc, sizeof(pc),
		"c,socket=%s,mode=capture,max_frame=1522,rx_split=random:3",
		sc);
	{
		char *argv[] = { st_str(hostd), st_str("--mode"),
			st_str("sink"), st_str("--port"), pg,
			st_str("--port"), ps, st_str("--port"), pc, NULL };

		st_daemon_spawn(&d, argv);
	}
	line = st_daemon_expect(&d, "avp-hostd: ready: 3 ports", READY_MS,
			NULL, NULL);
	if (line == NULL)
		st_fatal("avp-hostd did not become ready");
	free(line);
	if (st_guest_up(&gg, sg, "guest-g") != 0 ||
			st_guest_up(&gs, ss, "guest-s") != 0 ||
			st_guest_up(&gc, sc, "guest-c") != 0)
		st_fatal("the guests could not attach");
	CHECK(gc.devinfo->max_frame_len == 1522,
		"port c advertises max_frame=1522");

	/* gen: 90 frames of 64/512/1518 bytes in turn, then nothing. */
	for (i = 0; i < 90; i++) {
		struct avp_tg_rxinfo info;
		uint64_t seq = UINT64_MAX;
		int rc = avp_tg_rx_wait(&gg, 1, rx_buf, sizeof(rx_buf), &info,
				3000);

		if (rc < 0) {
			printf("# gen: frame %u not received: %d\n", i, rc);
			break;
		}
		if ((uint32_t)rc == gen_sizes[i % 3] && info.nsegs == 3 &&
				avp_emu_frame_verify(rx_buf, (uint32_t)rc,
					&seq) == 0 && seq == i &&
				memcmp(rx_buf, gg.devinfo->mac, 6) == 0)
			good++;
		else if (good + 5 > i)
			printf("# gen: frame %u: %d bytes seq %" PRIu64 "\n",
				i, rc, seq);
	}
	CHECK(good == 90,
		"gen: %u of 90 generated frames (64/512/1518 in turn, to the port MAC, rx_segs=3: 3 segments each) verified in order",
		good);
	st_daemon_cmd_check(&d, "rx-segs g 1", "rx-segs g: ok");
	st_daemon_cmd_check(&d, "rx-split g random:7",
		"rx-split g: ok, random, seed 7");
	st_daemon_cmd_check(&d, "rx-split g sometimes",
		"error: rx-split: usage: rx-split PORT");
	st_daemon_cmd_check(&d, "rx-split g off", "rx-split g: ok, off");
	CHECK(avp_tg_rx_wait(&gg, 1, rx_buf, sizeof(rx_buf), NULL, 200) ==
		-ETIMEDOUT, "gen: count=90 stops the generator");
	v = st_stats_until(&d, "g", "gen_frames", 90, 5000);
	CHECK(v == 90, "stats g: gen_frames=90 (got %" PRIu64 ")", v);

	/* sink (the --mode default): 40 frames verified and counted. */
	for (i = 0; i < 40; i++) {
		uint32_t len = frame_sizes[i % NSIZES];

		avp_emu_frame_build(tx_buf, len, i, gs.devinfo->mac,
			gs.devinfo->mac);
		if (avp_tg_tx(&gs, 0, tx_buf, len, 0, 0, 0) != 0) {
			printf("# sink: tx of frame %u failed\n", i);
			break;
		}
	}
	v = st_stats_until(&d, "s", "sink_frames", 40, 5000);
	CHECK(v == 40, "stats s: sink_frames=40 (got %" PRIu64 ")", v);
	st_daemon_cmd(&d, "stats s\n");
	line = st_daemon_expect(&d, "stats s: ", CMD_MS, NULL, NULL);
	CHECK(line != NULL && strstr(line, "mode=sink") != NULL &&
		st_kv(line, "sink_bad") == 0 &&
		st_kv(line, "sink_seq_gaps") == 0,
		"stats s: mode=sink sink_bad=0 sink_seq_gaps=0");
	free(line);
	st_daemon_cmd(&d, "stats-reset s\n");
	line = st_daemon_expect(&d, "stats-reset s: ok", CMD_MS, NULL, NULL);
	CHECK(line != NULL, "stats-reset s: ok");
	free(line);
	v = st_stats_until(&d, "s", "sink_frames", 0, 1000);
	CHECK(v == 0, "stats s after the reset: sink_frames=0");

	/* Fault injection by command. */
	st_daemon_cmd(&d, "fault s ctrl_status -5 1\n");
	line = st_daemon_expect(&d, "fault s: ", CMD_MS, NULL, NULL);
	CHECK(line != NULL && strstr(line, "ok, ctrl_status armed for the next 1 event") != NULL,
		"fault s ctrl_status -5 1: armed");
	free(line);
	v = (uint64_t)(int64_t)avp_tg_set_link(&gs, 1);
	CHECK((int64_t)v == -5, "the next request is answered with -5 (got %d)",
		(int)(int64_t)v);
	CHECK(avp_tg_set_link(&gs, 1) == 0, "the one after it succeeds");
	st_daemon_cmd(&d, "fault s ctrl_status 0 0\n");
	line = st_daemon_expect(&d, "fault s: ", CMD_MS, NULL, NULL);
	CHECK(line != NULL && strstr(line, "armed until cleared") != NULL,
		"fault s ctrl_status 0 0: armed until cleared");
	free(line);
	CHECK(avp_tg_set_link(&gs, 1) == -22 && avp_tg_set_link(&gs, 1) == -22,
		"requests are answered with -22 until cleared");
	st_daemon_cmd(&d, "fault s none\n");
	line = st_daemon_expect(&d, "fault s: ok, every fault cleared", CMD_MS,
			NULL, NULL);
	CHECK(line != NULL && avp_tg_set_link(&gs, 1) == 0,
		"fault s none clears it");
	free(line);
	st_daemon_cmd(&d, "fault s meltdown\n");
	line = st_daemon_expect(&d, "error: fault: unknown fault 'meltdown'; allowed: none",
			CMD_MS, NULL, NULL);
	CHECK(line != NULL, "an unknown fault name is an error listing the names");
	free(line);
	st_daemon_cmd(&d, "reset s\n");
	line = st_daemon_expect(&d, "reset s: ", CMD_MS, NULL, NULL);
	CHECK(line != NULL && strstr(line, "failed: a guest is attached") != NULL,
		"reset is refused while a guest is attached");
	free(line);

	/* capture: three frames, shown by the capture command. */
	for (i = 0; i < 3; i++) {
		uint32_t len = i == 1 ? 1500 : 60 + i;

		avp_emu_frame_build(tx_buf, len, 7 + i, gc.devinfo->mac,
			gc.devinfo->mac);
		CHECK(avp_tg_tx(&gc, 0, tx_buf, len, i == 1 ? 3 : 0, 0, 0) ==
			0, "capture: guest transmits frame %u (%u bytes)", i,
			len);
	}
	v = st_stats_until(&d, "c", "tx_frames", 3, 5000);
	CHECK(v == 3, "stats c: tx_frames=3");
	st_daemon_cmd(&d, "capture c 10\n");
	line = st_daemon_expect(&d, "capture c: ", CMD_MS, NULL, NULL);
	CHECK(line != NULL && strcmp(line, "capture c: ok, 3 frames") == 0,
		"capture c 10: ok, 3 frames");
	free(line);
	CHECK(strstr(d.log, "len=60 queue=0 segs=1") != NULL &&
		strstr(d.log, "len=1500 queue=0 segs=3") != NULL &&
		strstr(d.log, "seq=7 ") != NULL &&
		strstr(d.log, "seq=8 ") != NULL &&
		strstr(d.log, "seq=9 ") != NULL,
		"capture lists the frames with length, segments and seq");
	st_daemon_cmd(&d, "capture s\n");
	line = st_daemon_expect(&d, "capture s: ", CMD_MS, NULL, NULL);
	CHECK(line != NULL && strstr(line, "failed: the port's mode is sink") !=
		NULL, "capture on a sink port is refused");
	free(line);

	avp_tg_close_port(&gg);
	avp_tg_close_port(&gs);
	avp_tg_close_port(&gc);
	avp_tg_close(&gg);
	avp_tg_close(&gs);
	avp_tg_close(&gc);
	/* Once the guest has gone, the port can be reset. */
	v = st_stats_until(&d, "s", "attached", 0, 5000);
	CHECK(v == 0, "stats s: attached=0 once the guest has closed");
	st_daemon_cmd(&d, "reset s\n");
	line = st_daemon_expect(&d, "reset s: ", CMD_MS, NULL, NULL);
	CHECK(line != NULL && strstr(line, "ok, clean BAR images") != NULL,
		"reset s: ok without a guest");
	free(line);
	st_daemon_cmd(&d, "quit\n");
	i = (unsigned int)st_daemon_wait_exit(&d, EXIT_MS);
	CHECK(i == 0, "avp-hostd exits with code 0");
	CHECK(st_path_gone(sg) && st_path_gone(ss) && st_path_gone(sc),
		"no socket file remains");
	free(d.log);
	return st_finish();
}

/* ---- scenario: tap ----------------------------------------------------- */

#define TAP_IF		"avpst0"
#define HOST_IP		0x0a4d0001	/* 10.77.0.1, the kernel */
#define GUEST_IP	0x0a4d0002	/* 10.77.0.2, the raw guest */

static void
st_put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void
st_put32(uint8_t *p, uint32_t v)
{
	st_put16(p, (uint16_t)(v >> 16));
	st_put16(p + 2, (uint16_t)v);
}

static uint16_t
st_get16(const uint8_t *p)
{
	return (uint16_t)((p[0] << 8) | p[1]);
}

static uint32_t
st_get32(const uint8_t *p)
{
	return ((uint32_t)st_get16(p) << 16) | st_get16(p + 2);
}

static uint16_t
st_csum(const uint8_t *p, size_t len)
{
	uint32_t s = 0;

	for (size_t i = 0; i + 1 < len; i += 2)
		s += st_get16(p + i);
	if (len & 1)
		s += (uint32_t)p[len - 1] << 8;
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

static uint32_t
st_build_arp_request(uint8_t *f, const uint8_t mac[6], uint32_t host_ip,
		uint32_t guest_ip)
{
	memset(f, 0, 60);
	memset(f, 0xff, 6);
	memcpy(f + 6, mac, 6);
	st_put16(f + 12, 0x0806);
	st_put16(f + 14, 1);		/* Ethernet */
	st_put16(f + 16, 0x0800);		/* IPv4 */
	f[18] = 6;
	f[19] = 4;
	st_put16(f + 20, 1);		/* request */
	memcpy(f + 22, mac, 6);
	st_put32(f + 28, guest_ip);
	st_put32(f + 38, host_ip);
	return 60;
}

static uint32_t
st_build_icmp_echo(uint8_t *f, const uint8_t mac[6], const uint8_t dst[6])
{
	uint8_t *ip = f + 14, *icmp = f + 34;
	uint32_t payload = 32;

	memset(f, 0, 14 + 20 + 8 + payload);
	memcpy(f, dst, 6);
	memcpy(f + 6, mac, 6);
	st_put16(f + 12, 0x0800);
	ip[0] = 0x45;
	st_put16(ip + 2, (uint16_t)(20 + 8 + payload));
	st_put16(ip + 4, 0x4156);
	ip[8] = 64;
	ip[9] = 1;			/* ICMP */
	st_put32(ip + 12, GUEST_IP);
	st_put32(ip + 16, HOST_IP);
	st_put16(ip + 10, st_csum(ip, 20));
	icmp[0] = 8;			/* echo request */
	st_put16(icmp + 4, 0x1234);
	st_put16(icmp + 6, 1);
	for (uint32_t i = 0; i < payload; i++)
		icmp[8 + i] = (uint8_t)i;
	st_put16(icmp + 2, st_csum(icmp, 8 + payload));
	return 14 + 20 + 8 + payload;
}

/* Waits for a frame that match() accepts, skipping others (IPv6 noise). */
static int
st_tap_wait(struct avp_tg *g, int (*match)(const uint8_t *, int, void *),
		void *arg, unsigned int timeout_ms, unsigned int *skipped,
		struct avp_tg_rxinfo *info)
{
	uint64_t deadline = avp_tg_now_ms() + timeout_ms;

	while (avp_tg_now_ms() < deadline) {
		int rc = avp_tg_rx_wait(g, 1, rx_buf, sizeof(rx_buf), info,
				(unsigned int)(deadline - avp_tg_now_ms()) + 1);

		if (rc <= 0)
			return -1;
		if (match(rx_buf, rc, arg))
			return rc;
		(*skipped)++;
	}
	return -1;
}

struct arp_want {
	const uint8_t *mac;
	uint32_t host_ip;
	uint32_t guest_ip;
};

static int
st_match_arp_reply(const uint8_t *f, int len, void *arg)
{
	const struct arp_want *w = arg;

	return len >= 42 && st_get16(f + 12) == 0x0806 &&
		st_get16(f + 20) == 2 &&
		st_get32(f + 28) == w->host_ip && memcmp(f, w->mac, 6) == 0 &&
		memcmp(f + 32, w->mac, 6) == 0 &&
		st_get32(f + 38) == w->guest_ip;
}

static int
st_match_echo_reply(const uint8_t *f, int len, void *arg)
{
	const uint8_t *mac = arg;

	return len >= 14 + 20 + 8 + 32 && st_get16(f + 12) == 0x0800 &&
		memcmp(f, mac, 6) == 0 && f[14 + 9] == 1 &&
		st_get32(f + 14 + 12) == HOST_IP &&
		st_get32(f + 14 + 16) == GUEST_IP &&
		f[34] == 0 && st_get16(f + 38) == 0x1234 &&
		st_get16(f + 40) == 1 &&
		f[42 + 31] == 31;
}

#define TAP_VLAN	5

/* Moves this process into the test namespace (for the packet socket). */
static int
st_netns_enter(void)
{
	char path[128];
	int fd, rc;

	snprintf(path, sizeof(path), "/var/run/netns/%s", netns);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	rc = setns(fd, CLONE_NEWNET);
	close(fd);
	return rc;
}

/* A packet socket on TAP_IF: plays the kernel side of the bridge. */
static int
st_pkt_open(void)
{
	struct sockaddr_ll sll;
	int fd, one = 1;

	fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, htons(ETH_P_ALL));
	if (fd < 0)
		return -1;
	memset(&sll, 0, sizeof(sll));
	sll.sll_family = AF_PACKET;
	sll.sll_protocol = htons(ETH_P_ALL);
	sll.sll_ifindex = (int)if_nametoindex(TAP_IF);
	if (sll.sll_ifindex == 0 ||
			bind(fd, (struct sockaddr *)&sll, sizeof(sll)) < 0 ||
			setsockopt(fd, SOL_PACKET, PACKET_AUXDATA, &one,
				sizeof(one)) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

/*
 * Waits for the frame with sequence seq on the packet socket; returns its
 * length (tag removed) and the VLAN TCI in *tci (-1: untagged), or -1.
 */
static int
st_pkt_wait(int fd, uint64_t seq, int *tci, unsigned int timeout_ms)
{
	uint64_t deadline = avp_tg_now_ms() + timeout_ms;

	while (avp_tg_now_ms() < deadline) {
		struct pollfd pfd = { fd, POLLIN, 0 };
		union {
			struct cmsghdr h;
			char buf[CMSG_SPACE(sizeof(struct tpacket_auxdata))];
		} cbuf;
		struct iovec iov = { rx_buf, sizeof(rx_buf) };
		struct msghdr mh;
		struct cmsghdr *c;
		uint64_t got;
		ssize_t n;

		if (poll(&pfd, 1, 50) <= 0)
			continue;
		memset(&mh, 0, sizeof(mh));
		mh.msg_iov = &iov;
		mh.msg_iovlen = 1;
		mh.msg_control = cbuf.buf;
		mh.msg_controllen = sizeof(cbuf.buf);
		n = recvmsg(fd, &mh, 0);
		if (n < 14)
			continue;
		*tci = -1;
		for (c = CMSG_FIRSTHDR(&mh); c != NULL;
				c = CMSG_NXTHDR(&mh, c)) {
			struct tpacket_auxdata aux;

			if (c->cmsg_level != SOL_PACKET ||
					c->cmsg_type != PACKET_AUXDATA)
				continue;
			memcpy(&aux, CMSG_DATA(c), sizeof(aux));
			if (aux.tp_status & TP_STATUS_VLAN_VALID)
				*tci = aux.tp_vlan_tci;
		}
		/* A tag the kernel left in the data. */
		if (n >= 18 && st_get16(rx_buf + 12) == 0x8100) {
			*tci = st_get16(rx_buf + 14);
			memmove(rx_buf + 12, rx_buf + 16, (size_t)n - 16);
			n -= 4;
		}
		if (avp_emu_frame_verify(rx_buf, (uint32_t)n, &got) == 0 &&
				got == seq)
			return (int)n;
	}
	return -1;
}

/* VLAN offload through the bridge, with a packet socket on the TAP. */
static void
st_tap_vlan(struct avp_tg *g)
{
	struct avp_tg_rxinfo info;
	uint64_t seq = UINT64_MAX;
	uint8_t tagged[256];
	int fd, tci, rc;

	if (st_netns_enter() != 0 || (fd = st_pkt_open()) < 0) {
		printf("# no packet socket on " TAP_IF " (%s): VLAN part skipped\n",
			strerror(errno));
		return;
	}
	CHECK(avp_tg_configure(g, 1, 1, AVP_FEAT_VLAN_OFFLOAD, 1) == 0,
		"guest re-configures with VLAN offload negotiated");

	/* guest -> TAP: the host inserts the tag. */
	avp_emu_frame_build(tx_buf, 100, 500, g->devinfo->mac,
		g->devinfo->mac);
	CHECK(avp_tg_tx(g, 0, tx_buf, 100, 0, AVP_DESC_F_TX_VLAN, TAP_VLAN) ==
		0, "guest transmits a frame with TX_VLAN, tci %d", TAP_VLAN);
	tci = -1;
	rc = st_pkt_wait(fd, 500, &tci, 5000);
	CHECK(rc == 100 && tci == TAP_VLAN,
		"the TAP gets it intact with 802.1Q tag %d (got %d bytes, tci %d)",
		TAP_VLAN, rc, tci);

	/* TAP -> guest: the host strips the tag into the descriptor. */
	avp_emu_frame_build(tx_buf, 100, 600, g->devinfo->mac,
		g->devinfo->mac);
	memcpy(tagged, tx_buf, 12);
	st_put16(tagged + 12, 0x8100);
	st_put16(tagged + 14, TAP_VLAN);
	memcpy(tagged + 16, tx_buf + 12, 100 - 12);
	CHECK(send(fd, tagged, 104, 0) == 104,
		"a tagged frame is sent into the TAP");
	memset(&info, 0, sizeof(info));
	rc = avp_tg_rx_wait(g, 1, rx_buf, sizeof(rx_buf), &info, 5000);
	while (rc > 0 && (avp_emu_frame_verify(rx_buf, (uint32_t)rc,
			&seq) != 0 || seq != 600))
		rc = avp_tg_rx_wait(g, 1, rx_buf, sizeof(rx_buf), &info,
				5000);
	CHECK(rc == 100 && (info.flags & AVP_DESC_F_RX_VLAN) &&
		info.vlan_tci == TAP_VLAN,
		"guest receives it untagged with RX_VLAN, tci %d (got %d bytes, flags 0x%04x, tci %u)",
		TAP_VLAN, rc, info.flags, info.vlan_tci);
	close(fd);
}

static int
st_scenario_tap(const char *hostd)
{
	char sock[96], spec[200], *line;
	uint8_t host_mac[6], frame[128];
	unsigned int skipped = 0;
	struct avp_tg_rxinfo info;
	struct arp_want want;
	struct avp_tg g;
	struct daemon d;
	uint32_t len;
	int fd, code;

	fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		printf("SKIP: /dev/net/tun is not usable here: %s\n",
			strerror(errno));
		st_cleanup();
		return SKIP_EXIT;
	}
	close(fd);
	snprintf(netns, sizeof(netns), "avp-hostd-test-%ld", (long)getpid());
	{
		char *argv[] = { st_str("ip"), st_str("netns"), st_str("add"),
			netns, NULL };

		if (st_run_cmd(argv, 0) != 0) {
			printf("SKIP: cannot create a network namespace ('ip netns add' failed or 'ip' is missing)\n");
			netns[0] = '\0';
			st_cleanup();
			return SKIP_EXIT;
		}
	}
	snprintf(sock, sizeof(sock), "%s/t.sock", tmp_dir);
	snprintf(spec, sizeof(spec), "t,socket=%s,mode=tap,tap=" TAP_IF
		",mac=02:00:00:00:77:02", sock);
	{
		char *argv[] = { st_str("ip"), st_str("netns"), st_str("exec"),
			netns, st_str(hostd), st_str("--port"), spec, NULL };

		st_daemon_spawn(&d, argv);
	}
	line = st_daemon_expect(&d, "avp-hostd: ready: 1 port", READY_MS, NULL,
			NULL);
	if (line == NULL)
		st_fatal("avp-hostd did not become ready");
	free(line);
	{
		char *argv[] = { st_str("ip"), st_str("-n"), netns,
			st_str("addr"), st_str("add"), st_str("10.77.0.1/24"),
			st_str("dev"), st_str(TAP_IF), NULL };

		CHECK(st_run_cmd(argv, 0) == 0,
			"10.77.0.1/24 assigned to " TAP_IF
			" inside the namespace");
	}
	{
		char *argv[] = { st_str("ip"), st_str("-n"), netns,
			st_str("link"), st_str("show"), st_str(TAP_IF), NULL };

		CHECK(st_run_cmd(argv, 0) == 0, TAP_IF " exists and is listed");
	}

	if (st_guest_up(&g, sock, "guest-t") != 0)
		st_fatal("the guest could not attach");

	/* guest -> TAP -> kernel -> TAP -> guest: ARP. */
	len = st_build_arp_request(frame, g.devinfo->mac, HOST_IP, GUEST_IP);
	CHECK(avp_tg_tx(&g, 0, frame, len, 0, 0, 0) == 0,
		"guest transmits an ARP request for 10.77.0.1");
	want.mac = g.devinfo->mac;
	want.host_ip = HOST_IP;
	want.guest_ip = GUEST_IP;
	code = st_tap_wait(&g, st_match_arp_reply, &want, 5000, &skipped,
			&info);
	CHECK(code > 0, "guest receives the kernel's ARP reply");
	if (code > 0)
		memcpy(host_mac, rx_buf + 22, 6);
	else
		memset(host_mac, 0xff, 6);

	/* ICMP echo. */
	len = st_build_icmp_echo(frame, g.devinfo->mac, host_mac);
	CHECK(avp_tg_tx(&g, 0, frame, len, 0, 0, 0) == 0,
		"guest transmits an ICMP echo request to 10.77.0.1");
	code = st_tap_wait(&g, st_match_echo_reply, g.devinfo->mac, 5000,
			&skipped, &info);
	CHECK(code > 0, "guest receives the kernel's ICMP echo reply");

	/* VLAN offload both ways. */
	st_tap_vlan(&g);
	printf("# %u unrelated frames from the kernel skipped\n", skipped);

	st_daemon_cmd(&d, "stats t\n");
	line = st_daemon_expect(&d, "stats t: ", CMD_MS, NULL, NULL);
	CHECK(line != NULL && st_kv(line, "to_tap") >= 2 &&
		st_kv(line, "from_tap") >= 2 && st_kv(line, "violations") == 0,
		"stats t: to_tap>=2 from_tap>=2 violations=0");
	free(line);

	avp_tg_close_port(&g);
	avp_tg_close(&g);
	st_daemon_cmd(&d, "quit\n");
	code = st_daemon_wait_exit(&d, EXIT_MS);
	CHECK(code == 0, "avp-hostd exits with code 0 (got %d)", code);
	CHECK(st_path_gone(sock), "no socket file remains");
	{
		char *argv[] = { st_str("ip"), st_str("-n"), netns,
			st_str("link"), st_str("show"), st_str(TAP_IF), NULL };

		CHECK(st_run_cmd(argv, 1) != 0, TAP_IF " is gone after exit");
	}
	free(d.log);
	return st_finish();
}

int
main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	signal(SIGPIPE, SIG_IGN);
	signal(SIGTERM, st_on_signal);
	signal(SIGINT, st_on_signal);
	if (argc != 3) {
		fprintf(stderr, "usage: %s AVP_HOSTD xconnect|migrate|modes|tap\n",
			argv[0]);
		return 2;
	}
	snprintf(tmp_dir, sizeof(tmp_dir), "/tmp/avp-hostd-test.XXXXXX");
	if (mkdtemp(tmp_dir) == NULL) {
		fprintf(stderr, "mkdtemp: %s\n", strerror(errno));
		return 1;
	}
	if (strcmp(argv[2], "xconnect") == 0)
		return st_scenario_xconnect(argv[1]);
	if (strcmp(argv[2], "migrate") == 0)
		return st_scenario_migrate(argv[1]);
	if (strcmp(argv[2], "modes") == 0)
		return st_scenario_modes(argv[1]);
	if (strcmp(argv[2], "tap") == 0)
		return st_scenario_tap(argv[1]);
	fprintf(stderr, "unknown scenario '%s': xconnect, migrate, modes or tap\n",
		argv[2]);
	st_cleanup();
	return 2;
}
