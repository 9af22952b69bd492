/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The AVP PMD authors
 */

/*
 * avp-hostd: serves emulated AVP ports to guests over UNIX sockets.
 *
 * Options and port specifications are parsed here, the ports created with
 * the emulator library (lib/avp_emu.h), and one event loop (poll) takes
 * signals (signalfd), line commands from stdin and from the optional
 * control socket, and the migrate-every timers. The emulator's service
 * thread does all the data path work; TAP ports add one reader thread
 * each (avp_hostd_tap.c).
 */

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <grp.h>
#include <inttypes.h>
#include <limits.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/timerfd.h>
#include <sys/un.h>

#include "avp_emu_compiler.h"
#include "avp_hostd.h"

#define HOSTD_MAX_PORTS		64
#define HOSTD_MAX_CLIENTS	16
#define HOSTD_LINE_MAX		1024

static const char *const mode_names[] = {
	[HOSTD_MODE_LOOPBACK] = "loopback",
	[HOSTD_MODE_XCONNECT] = "xconnect",
	[HOSTD_MODE_GEN] = "gen",
	[HOSTD_MODE_SINK] = "sink",
	[HOSTD_MODE_TAP] = "tap",
	[HOSTD_MODE_CAPTURE] = "capture",
};
#define MODE_COUNT (sizeof(mode_names) / sizeof(mode_names[0]))
#define MODE_LIST "loopback, xconnect, gen, sink, tap, capture"

const char *
hostd_mode_name(enum hostd_mode mode)
{
	if (mode < 0 || (size_t)mode >= MODE_COUNT)
		return "unset";
	return mode_names[mode];
}

static int
hostd_mode_parse(const char *s, enum hostd_mode *mode)
{
	for (size_t i = 0; i < MODE_COUNT; i++) {
		if (strcmp(s, mode_names[i]) == 0) {
			*mode = (enum hostd_mode)i;
			return 0;
		}
	}
	return -1;
}

static void __emu_format_printf(1, 0)
hostd_vlog_err(const char *fmt, va_list ap)
{
	fprintf(stderr, HOSTD_NAME ": ");
	vfprintf(stderr, fmt, ap);
	fprintf(stderr, "\n");
}

static void __emu_format_printf(1, 2)
hostd_log_err(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	hostd_vlog_err(fmt, ap);
	va_end(ap);
}

static void __emu_noreturn __emu_format_printf(1, 2)
hostd_usage_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	hostd_vlog_err(fmt, ap);
	va_end(ap);
	fprintf(stderr, "Try '" HOSTD_NAME " --help' for more information.\n");
	exit(2);
}

/* Strict unsigned parse: decimal or 0x hex, whole string, in range. */
static int
hostd_parse_u64(const char *s, uint64_t min, uint64_t max, uint64_t *out)
{
	unsigned long long v;
	char *end;

	if (*s == '\0' || *s == '-' || *s == '+' || *s == ' ')
		return -1;
	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno != 0 || *end != '\0' || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

/* A user name or uid; 0, or -1 when there is no such user. */
static int
hostd_parse_user(const char *s, uid_t *uid)
{
	const struct passwd *pw;
	uint64_t v;

	if (hostd_parse_u64(s, 0, UINT32_MAX - 1, &v) == 0) {
		*uid = (uid_t)v;
		return 0;
	}
	pw = *s != '\0' ? getpwnam(s) : NULL;
	if (pw == NULL)
		return -1;
	*uid = pw->pw_uid;
	return 0;
}

/* A group name or gid; 0, or -1 when there is no such group. */
static int
hostd_parse_group(const char *s, gid_t *gid)
{
	const struct group *gr;
	uint64_t v;

	if (hostd_parse_u64(s, 0, UINT32_MAX - 1, &v) == 0) {
		*gid = (gid_t)v;
		return 0;
	}
	gr = *s != '\0' ? getgrnam(s) : NULL;
	if (gr == NULL)
		return -1;
	*gid = gr->gr_gid;
	return 0;
}

/* --socket-owner USER, USER:GROUP or :GROUP. */
static void
hostd_parse_socket_owner(const char *arg, struct avp_emu_sock_opts *o)
{
	char buf[256];
	char *colon;

	if (snprintf(buf, sizeof(buf), "%s", arg) >= (int)sizeof(buf))
		hostd_usage_error("--socket-owner %s: too long", arg);
	colon = strchr(buf, ':');
	if (colon != NULL)
		*colon = '\0';
	if (buf[0] == '\0' && (colon == NULL || colon[1] == '\0'))
		hostd_usage_error("--socket-owner %s: give USER, USER:GROUP or :GROUP",
			arg);
	if (buf[0] != '\0' && hostd_parse_user(buf, &o->owner) < 0)
		hostd_usage_error("--socket-owner %s: no such user '%s'", arg,
			buf);
	if (colon != NULL && hostd_parse_group(colon + 1, &o->group) < 0)
		hostd_usage_error("--socket-owner %s: no such group '%s'", arg,
			colon + 1);
}

/* --socket-mode: octal permission bits, at most 0777. */
static void
hostd_parse_socket_mode(const char *arg, unsigned int *mode)
{
	unsigned long v;
	char *end;

	errno = 0;
	v = strtoul(arg, &end, 8);
	if (*arg < '0' || *arg > '7' || *end != '\0' || errno != 0 ||
			v > 0777)
		hostd_usage_error("--socket-mode %s: must be octal permission bits 0..0777 (e.g. 0600, 0660)",
			arg);
	*mode = (unsigned int)v;
}

int
hostd_rx_split_parse(const char *s, enum avp_emu_rx_split *mode,
		uint32_t *seed)
{
	uint64_t v = 0;

	if (strcmp(s, "off") == 0) {
		*mode = AVP_EMU_RX_SPLIT_OFF;
	} else if (strcmp(s, "random") == 0 ||
			(strncmp(s, "random:", 7) == 0 &&
			hostd_parse_u64(s + 7, 0, UINT32_MAX, &v) == 0)) {
		*mode = AVP_EMU_RX_SPLIT_RANDOM;
	} else {
		return -1;
	}
	*seed = (uint32_t)v;
	return 0;
}

static int
hostd_parse_mac(const char *s, uint8_t mac[AVP_MAC_LEN])
{
	unsigned int b[AVP_MAC_LEN];
	char tail;

	if (strlen(s) != 17)
		return -1;
	if (sscanf(s, "%2x:%2x:%2x:%2x:%2x:%2x%c", &b[0], &b[1], &b[2],
			&b[3], &b[4], &b[5], &tail) != AVP_MAC_LEN)
		return -1;
	for (int i = 0; i < AVP_MAC_LEN; i++) {
		if (s[i * 3] == ' ' || s[i * 3 + 1] == ' ')
			return -1;
		mac[i] = (uint8_t)b[i];
	}
	if (mac[0] & 1)
		return -2;
	return 0;
}

/*
 * The keys of a --port specification, in the order the usage text and
 * the unknown-key message list them. A key with no handler is a number
 * in min..max stored in the field at off (of size bytes); the others
 * parse their value themselves. help: the key's lines in the usage text
 * (NULL: described with the key before it, or in the synopsis).
 */
struct hostd_port_key {
	const char *key;
	uint64_t min;
	uint64_t max;
	size_t off;
	size_t size;
	void (*set)(struct hostd_port *hp, const struct hostd_port_key *pk,
		char *val);
	const char *help;
};

#define HOSTD_PORT_FIELD(f) \
	.off = offsetof(struct hostd_port, f), \
	.size = sizeof(((struct hostd_port *)NULL)->f)

/* The value of a numeric key, in the key's range: exits otherwise. */
static uint64_t
hostd_key_num(const struct hostd_port *hp, const struct hostd_port_key *pk,
		const char *val)
{
	uint64_t v;

	if (hostd_parse_u64(val, pk->min, pk->max, &v) < 0)
		hostd_usage_error("--port %s: %s=%s: must be a number in %"
			PRIu64 "..%" PRIu64, hp->name, pk->key, val, pk->min,
			pk->max);
	return v;
}

/* A numeric key stored in its field, whatever the field's width. */
static void
hostd_key_store(struct hostd_port *hp, const struct hostd_port_key *pk,
		char *val)
{
	uint64_t v = hostd_key_num(hp, pk, val);
	uint8_t *field = (uint8_t *)hp + pk->off;
	uint32_t v32 = (uint32_t)v;
	uint8_t v8 = (uint8_t)v;

	switch (pk->size) {
	case sizeof(v8):
		memcpy(field, &v8, sizeof(v8));
		break;
	case sizeof(v32):
		memcpy(field, &v32, sizeof(v32));
		break;
	default:
		memcpy(field, &v, sizeof(v));
		break;
	}
}

static void
hostd_key_socket(struct hostd_port *hp, const struct hostd_port_key *pk,
		char *val)
{
	(void)pk;
	if (*val == '\0' || strlen(val) >= sizeof(hp->socket_path))
		hostd_usage_error("--port %s: socket=%s: the path must be 1..%zu characters",
			hp->name, val, sizeof(hp->socket_path) - 1);
	snprintf(hp->socket_path, sizeof(hp->socket_path), "%s", val);
}

static void
hostd_key_queues(struct hostd_port *hp, const struct hostd_port_key *pk,
		char *val)
{
	uint64_t v = hostd_key_num(hp, pk, val);

	hp->params.rx_queues_max = (uint8_t)v;
	hp->params.tx_queues_max = (uint8_t)v;
}

static void
hostd_key_mac(struct hostd_port *hp, const struct hostd_port_key *pk,
		char *val)
{
	int rc = hostd_parse_mac(val, hp->params.mac);

	(void)pk;
	if (rc == -2)
		hostd_usage_error("--port %s: mac=%s: must be a unicast address (the low bit of the first byte clear)",
			hp->name, val);
	if (rc < 0)
		hostd_usage_error("--port %s: mac=%s: must be six hex bytes XX:XX:XX:XX:XX:XX",
			hp->name, val);
}

static void
hostd_key_ring(struct hostd_port *hp, const struct hostd_port_key *pk,
		char *val)
{
	uint64_t v = hostd_key_num(hp, pk, val);

	if (v & (v - 1))
		hostd_usage_error("--port %s: ring=%s: must be a power of 2 in 2..65536",
			hp->name, val);
	hp->params.ring_slots = (uint32_t)v;
}

static void
hostd_key_vlan(struct hostd_port *hp, const struct hostd_port_key *pk,
		char *val)
{
	uint64_t v = hostd_key_num(hp, pk, val);

	hp->params.no_vlan_offload = v == 0;
	hp->params.features = v ? AVP_FEAT_VLAN_OFFLOAD : 0;
}

static void
hostd_key_rx_split(struct hostd_port *hp, const struct hostd_port_key *pk,
		char *val)
{
	(void)pk;
	if (hostd_rx_split_parse(val, &hp->rx_split, &hp->rx_split_seed) < 0)
		hostd_usage_error("--port %s: rx_split=%s: must be random, random:SEED (SEED 0..4294967295) or off",
			hp->name, val);
}

static void
hostd_key_mode(struct hostd_port *hp, const struct hostd_port_key *pk,
		char *val)
{
	(void)pk;
	if (hostd_mode_parse(val, &hp->mode) < 0)
		hostd_usage_error("--port %s: mode=%s: unknown mode; allowed: "
			MODE_LIST, hp->name, val);
}

static void
hostd_key_peer(struct hostd_port *hp, const struct hostd_port_key *pk,
		char *val)
{
	(void)pk;
	if (*val == '\0' || strlen(val) >= AVP_IFNAME_LEN)
		hostd_usage_error("--port %s: peer=%s: must be a port name",
			hp->name, val);
	snprintf(hp->peer_name, sizeof(hp->peer_name), "%s", val);
}

static void
hostd_key_tap(struct hostd_port *hp, const struct hostd_port_key *pk,
		char *val)
{
	(void)pk;
	if (*val == '\0' || strlen(val) >= IFNAMSIZ)
		hostd_usage_error("--port %s: tap=%s: an interface name of 1..%d characters is needed",
			hp->name, val, IFNAMSIZ - 1);
	snprintf(hp->tap_name, sizeof(hp->tap_name), "%s", val);
}

static void
hostd_key_size(struct hostd_port *hp, const struct hostd_port_key *pk,
		char *val)
{
	char *s, *save = NULL;
	uint64_t v;

	(void)pk;
	hp->nsizes = 0;
	for (s = strtok_r(val, "/", &save); s != NULL;
			s = strtok_r(NULL, "/", &save)) {
		if (hp->nsizes == HOSTD_MAX_SIZES)
			hostd_usage_error("--port %s: size=: at most %d sizes",
				hp->name, HOSTD_MAX_SIZES);
		if (hostd_parse_u64(s, 60, 65535, &v) < 0)
			hostd_usage_error("--port %s: size=: '%s' must be a frame size in 60..65535 (N or N/N/...)",
				hp->name, s);
		hp->sizes[hp->nsizes++] = (uint16_t)v;
	}
	if (hp->nsizes == 0)
		hostd_usage_error("--port %s: size=: give N or N/N/...",
			hp->name);
}

static const struct hostd_port_key port_keys[] = {
	{ .key = "socket", .set = hostd_key_socket },
	{ .key = "queues", .min = 1, .max = AVP_MAX_QUEUES,
		.set = hostd_key_queues,
		.help = "      queues=N           rx and tx queue maximum, 1..8 (default 8)\n" },
	{ .key = "rxq", .min = 1, .max = AVP_MAX_QUEUES,
		HOSTD_PORT_FIELD(params.rx_queues_max),
		.help = "      rxq=N, txq=N       rx / tx queue maximum, 1..8 (default 8)\n" },
	{ .key = "txq", .min = 1, .max = AVP_MAX_QUEUES,
		HOSTD_PORT_FIELD(params.tx_queues_max) },
	{ .key = "rxq_min", .min = 1, .max = AVP_MAX_QUEUES,
		HOSTD_PORT_FIELD(params.rx_queues_min),
		.help = "      rxq_min=N          rx queues the guest must service, 1..rxq\n"
			"                         (default 1)\n" },
	{ .key = "txq_min", .min = 1, .max = AVP_MAX_QUEUES,
		HOSTD_PORT_FIELD(params.tx_queues_min),
		.help = "      txq_min=N          advertised tx queue minimum, 1..txq (default 1)\n" },
	{ .key = "mac", .set = hostd_key_mac,
		.help = "      mac=XX:XX:XX:XX:XX:XX  port MAC (default 02:41:56:50:00:<index>)\n" },
	{ .key = "buf_size", .min = 64, .max = 4096,
		HOSTD_PORT_FIELD(params.buf_data_size),
		.help = "      buf_size=N         host buffer data size, 64..4096 (default 2048)\n" },
	{ .key = "bufs", .min = 64, .max = 1048576,
		HOSTD_PORT_FIELD(params.buf_count),
		.help = "      bufs=N             host buffers, 64..1048576 (default 8192)\n" },
	{ .key = "ring", .min = 2, .max = 65536, .set = hostd_key_ring,
		.help = "      ring=N             data ring slots, a power of 2, 2..65536\n"
			"                         (default 1024)\n" },
	{ .key = "max_frame", .min = 64, .max = 65535,
		HOSTD_PORT_FIELD(params.max_frame_len),
		.help = "      max_frame=N        largest frame for the guest, 64..min(65535,\n"
			"                         5 x buf_size) (default 9238)\n" },
	{ .key = "vlan", .min = 0, .max = 1, .set = hostd_key_vlan,
		.help = "      vlan=0|1           advertise VLAN offload (default 1)\n" },
	{ .key = "rx_segs", .min = 1, .max = AVP_MAX_SEGS,
		HOSTD_PORT_FIELD(rx_segs),
		.help = "      rx_segs=N          deliver every frame in at least N segments,\n"
			"                         1..5 (default 1; for chained-mode guests)\n" },
	{ .key = "rx_split", .set = hostd_key_rx_split,
		.help = "      rx_split=random[:SEED]|off  cut every frame for the guest at\n"
			"                         random points into 1..5 segments (SEED\n"
			"                         0..4294967295 repeats a run; default off;\n"
			"                         for chained-mode guests)\n" },
	{ .key = "mode", .set = hostd_key_mode,
		.help = "      mode=MODE          traffic mode of this port (default: --mode)\n" },
	{ .key = "peer", .set = hostd_key_peer,
		.help = "      peer=NAME          xconnect: the port to cross-connect with\n" },
	{ .key = "tap", .set = hostd_key_tap,
		.help = "      tap=IFNAME         tap: TAP interface (default: the port name)\n" },
	{ .key = "size", .set = hostd_key_size,
		.help = "      size=N[/N...]      gen: frame sizes used in turn, 60..max_frame,\n"
			"                         up to 16 (default 64)\n" },
	{ .key = "count", .min = 0, .max = UINT64_MAX,
		HOSTD_PORT_FIELD(count),
		.help = "      count=N            gen: frames to generate, 0 = unlimited\n"
			"                         (default 0)\n" },
};

#define PORT_KEY_COUNT (sizeof(port_keys) / sizeof(port_keys[0]))

static const struct hostd_port_key *
hostd_port_key_find(const char *key)
{
	for (size_t i = 0; i < PORT_KEY_COUNT; i++)
		if (strcmp(key, port_keys[i].key) == 0)
			return &port_keys[i];
	return NULL;
}

/* Exits with the list of the keys allowed. */
static void __emu_noreturn
hostd_key_unknown(const struct hostd_port *hp, const char *key)
{
	char list[256];
	size_t len = 0;

	list[0] = '\0';
	for (size_t i = 0; i < PORT_KEY_COUNT; i++)
		len += (size_t)snprintf(list + len, sizeof(list) - len,
			"%s%s", i != 0 ? ", " : "", port_keys[i].key);
	hostd_usage_error("--port %s: unknown key '%s'; allowed: %s",
		hp->name, key, list);
}

/* The first field of a --port argument: the port's name. */
static void
hostd_port_name(struct hostd_port *hp, const char *arg, const char *tok)
{
	static const char * const command_words[] = {
		"all", "full", "reorder", "novlan", "newmac",
	};

	if (strchr(tok, '=') != NULL)
		hostd_usage_error("--port %s: the first field must be the port name (NAME,socket=PATH,...), not '%s'",
			arg, tok);
	if (strlen(tok) >= AVP_IFNAME_LEN)
		hostd_usage_error("--port %s: port name '%s' is too long (at most %d characters)",
			arg, tok, AVP_IFNAME_LEN - 1);
	for (size_t i = 0; i < sizeof(command_words) /
			sizeof(command_words[0]); i++)
		if (strcmp(tok, command_words[i]) == 0)
			hostd_usage_error("--port %s: '%s' is a command word and cannot name a port",
				arg, tok);
	for (const char *c = tok; *c; c++)
		if (*c == ' ' || *c == '/' || *c == ':')
			hostd_usage_error("--port %s: port name '%s' must not contain spaces, '/' or ':'",
				arg, tok);
	snprintf(hp->name, sizeof(hp->name), "%s", tok);
	snprintf(hp->params.name, sizeof(hp->params.name), "%s", tok);
}

/* Parses one --port argument into hp (index n). Exits on error. */
static void
hostd_parse_port(struct hostd_port *hp, const char *arg, unsigned int n)
{
	const struct hostd_port_key *pk;
	char *copy, *tok, *val, *save = NULL;

	memset(hp, 0, sizeof(*hp));
	avp_emu_port_params_default(&hp->params, n);
	hp->mode = HOSTD_MODE_UNSET;
	hp->mig_timer_fd = -1;

	copy = strdup(arg);
	if (copy == NULL)
		hostd_usage_error("out of memory");
	tok = strtok_r(copy, ",", &save);
	if (tok == NULL)
		hostd_usage_error("--port '%s': expected NAME,socket=PATH[,KEY=VALUE...]",
			arg);
	hostd_port_name(hp, arg, tok);
	while ((tok = strtok_r(NULL, ",", &save)) != NULL) {
		val = strchr(tok, '=');
		if (val == NULL)
			hostd_usage_error("--port %s: '%s' is not KEY=VALUE",
				arg, tok);
		*val++ = '\0';
		pk = hostd_port_key_find(tok);
		if (pk == NULL)
			hostd_key_unknown(hp, tok);
		if (pk->set != NULL)
			pk->set(hp, pk, val);
		else
			hostd_key_store(hp, pk, val);
	}
	free(copy);

	if (hp->socket_path[0] == '\0')
		hostd_usage_error("--port %s: socket=PATH is required",
			hp->name);
	/* Cross-field checks. */
	if (hp->params.rx_queues_min > hp->params.rx_queues_max)
		hostd_usage_error("--port %s: rxq_min=%u must not exceed the rx queue maximum %u",
			hp->name, hp->params.rx_queues_min,
			hp->params.rx_queues_max);
	if (hp->params.tx_queues_min > hp->params.tx_queues_max)
		hostd_usage_error("--port %s: txq_min=%u must not exceed the tx queue maximum %u",
			hp->name, hp->params.tx_queues_min,
			hp->params.tx_queues_max);
	if (hp->params.max_frame_len >
			AVP_MAX_SEGS * hp->params.buf_data_size)
		hostd_usage_error("--port %s: max_frame=%u is more than %d segments of buf_size=%u (at most %u)",
			hp->name, hp->params.max_frame_len, AVP_MAX_SEGS,
			hp->params.buf_data_size,
			AVP_MAX_SEGS * hp->params.buf_data_size);
}

static void
hostd_usage(FILE *f)
{
	fprintf(f,
"Usage: " HOSTD_NAME " [OPTIONS] --port NAME,socket=PATH[,KEY=VALUE...] ...\n"
"\n"
"Serves emulated AVP (Wind River Accelerated Virtual Port) devices to\n"
"guests over UNIX sockets (the net_avp emulator transport).\n"
"\n"
"Options:\n"
"  --port SPEC          add a port (repeatable, at least one). SPEC is\n"
"                       NAME,socket=PATH followed by any of:\n");
	for (size_t i = 0; i < PORT_KEY_COUNT; i++)
		if (port_keys[i].help != NULL)
			fputs(port_keys[i].help, f);
	fprintf(f,
"  --mode MODE          default traffic mode (default loopback):\n"
"                         loopback  guest frames come back on the port\n"
"                         xconnect  guest frames go to the peer port\n"
"                                   (peer=, or pairs in order)\n"
"                         gen       the host generates frames, sinks tx\n"
"                         sink      tx frames verified, counted, dropped\n"
"                         tap       bridged to a Linux TAP device\n"
"                         capture   tx frames kept for 'capture PORT'\n"
"  --control PATH       accept commands on a UNIX stream socket at PATH\n"
"  --socket-mode OCTAL  permission bits of every socket file, ports and\n"
"                       --control (default 0600)\n"
"  --socket-owner USER[:GROUP]  owner and group of every socket file\n"
"                       (also :GROUP; default: the daemon's)\n"
"  --allow-user USER    also serve peers running as USER; peers of the\n"
"                       daemon's own uid and root always are\n"
"  --allow-group GROUP  also serve peers whose effective group is GROUP\n"
"  --no-stdin           do not read commands from stdin\n"
"  --pidfile PATH       write the process id to PATH (removed on exit)\n"
"  --ack-timeout MS     migration acknowledgement timeout (default %d)\n"
"  --unplug-timeout MS  time the guest has to release an unplugged port\n"
"                       (default %d)\n"
"  -v, --verbose        more emulator log on stderr (twice: debug)\n"
"  -h, --help           this text\n"
"\n"
"Commands (one per line, on stdin and on the control socket); each\n"
"prints one result line per port:\n"
"  help                          list the commands\n"
"  stats [PORT|all] [full]       counters (full: every non-zero one)\n"
"  stats-reset [PORT|all]        zero the counters\n"
"  state [PORT|all]              guest state (alias: link)\n"
"  migrate [PORT|all] [MIGOPT...]  live migration; MIGOPT changes the\n"
"                                destination: reorder (BAR 2 regions in\n"
"                                a new order), rxq_min=N, rxq=N, txq=N,\n"
"                                buf_size=N, max_frame=N, novlan, newmac\n"
"  migrate-every PORT MS [MIGOPT...]  migrate every MS ms, 0 stops\n"
"  unplug PORT [MS]              ask the guest to release the port\n"
"  capture PORT [N]              show up to N captured frames (capture)\n"
"  rx-segs PORT N                deliver in at least N segments (1..5)\n"
"  rx-split PORT random[:SEED]|off  cut frames at random points\n"
"  fault PORT NAME [ARG] [COUNT] inject a fault (emulator fault names;\n"
"                                COUNT 0: until 'fault PORT none')\n"
"  reset PORT                    rebuild clean BAR images (no guest)\n"
"  quit                          shut down (exit code 0)\n"
"\n"
"Prints '" HOSTD_NAME ": ready: N ports' once every socket listens;\n"
"SIGINT/SIGTERM shut down cleanly; per-port statistics on exit.\n"
"Exit status: 0 after quit or a signal, 1 on a run-time error, 2 on a\n"
"usage error.\n",
		HOSTD_DEF_ACK_MS, HOSTD_DEF_UNPLUG_MS);
}

/* Applies the default mode, checks mode-specific keys, pairs xconnects. */
static void
hostd_resolve_ports(struct hostd *hd)
{
	struct hostd_port *unpaired = NULL;

	for (unsigned int i = 0; i < hd->nports; i++) {
		struct hostd_port *hp = &hd->ports[i];

		if (hp->mode == HOSTD_MODE_UNSET)
			hp->mode = hd->default_mode;
		for (unsigned int j = 0; j < i; j++) {
			const struct hostd_port *o = &hd->ports[j];

			if (strcmp(o->name, hp->name) == 0)
				hostd_usage_error("--port %s: the port name is used twice",
					hp->name);
			/* hostd_parse_port zero-fills: compare every byte. */
			if (memcmp(o->socket_path, hp->socket_path,
					sizeof(o->socket_path)) == 0)
				hostd_usage_error("--port %s: socket=%s is already used by port %s",
					hp->name, hp->socket_path, o->name);
		}
		if (hp->peer_name[0] && hp->mode != HOSTD_MODE_XCONNECT)
			hostd_usage_error("--port %s: peer= is only for mode=xconnect (the port's mode is %s)",
				hp->name, hostd_mode_name(hp->mode));
		if (hp->tap_name[0] && hp->mode != HOSTD_MODE_TAP)
			hostd_usage_error("--port %s: tap= is only for mode=tap (the port's mode is %s)",
				hp->name, hostd_mode_name(hp->mode));
		if ((hp->nsizes || hp->count) && hp->mode != HOSTD_MODE_GEN)
			hostd_usage_error("--port %s: size= and count= are only for mode=gen (the port's mode is %s)",
				hp->name, hostd_mode_name(hp->mode));
		if (hp->mode == HOSTD_MODE_GEN) {
			if (hp->nsizes == 0)
				hp->sizes[hp->nsizes++] = 64;
			for (unsigned int k = 0; k < hp->nsizes; k++)
				if (hp->sizes[k] > hp->params.max_frame_len)
					hostd_usage_error("--port %s: size=%u is larger than max_frame=%u",
						hp->name, hp->sizes[k],
						hp->params.max_frame_len);
		}
		if (hp->mode == HOSTD_MODE_TAP && hp->tap_name[0] == '\0') {
			if (strlen(hp->name) >= IFNAMSIZ)
				hostd_usage_error("--port %s: the port name is too long for a TAP name; give tap=IFNAME",
					hp->name);
			memcpy(hp->tap_name, hp->name, strlen(hp->name) + 1);
		}
	}
	/* Explicit peers first. */
	for (unsigned int i = 0; i < hd->nports; i++) {
		struct hostd_port *hp = &hd->ports[i], *pp;

		if (hp->peer_name[0] == '\0')
			continue;
		pp = hostd_port_find(hd, hp->peer_name);
		if (pp == NULL)
			hostd_usage_error("--port %s: peer=%s: no such port",
				hp->name, hp->peer_name);
		if (pp == hp)
			hostd_usage_error("--port %s: peer=%s: a port cannot be its own peer (use mode=loopback)",
				hp->name, hp->peer_name);
		if (pp->mode != HOSTD_MODE_XCONNECT)
			hostd_usage_error("--port %s: peer=%s: the peer's mode is %s, not xconnect",
				hp->name, pp->name, hostd_mode_name(pp->mode));
		if (pp->peer_name[0] && strcmp(pp->peer_name, hp->name) != 0)
			hostd_usage_error(
				"--port %s: peer=%s, but %s has peer=%s",
				hp->name, pp->name, pp->name, pp->peer_name);
		if (pp->peer != NULL && pp->peer != hp)
			hostd_usage_error("--port %s: peer=%s: %s is already paired with %s",
				hp->name, pp->name, pp->name,
				pp->peer->name);
		hp->peer = pp;
		pp->peer = hp;
	}
	/* Then the remaining xconnect ports, pairwise in order. */
	for (unsigned int i = 0; i < hd->nports; i++) {
		struct hostd_port *hp = &hd->ports[i];

		if (hp->mode != HOSTD_MODE_XCONNECT || hp->peer != NULL)
			continue;
		if (unpaired == NULL) {
			unpaired = hp;
			continue;
		}
		unpaired->peer = hp;
		hp->peer = unpaired;
		unpaired = NULL;
	}
	if (unpaired != NULL)
		hostd_usage_error("--port %s: mode=xconnect needs a peer port (give another xconnect port, or peer=NAME)",
			unpaired->name);
}

struct hostd_port *
hostd_port_find(struct hostd *hd, const char *name)
{
	for (unsigned int i = 0; i < hd->nports; i++)
		if (strcmp(hd->ports[i].name, name) == 0)
			return &hd->ports[i];
	return NULL;
}

/*
 * A socket path left over by a crashed daemon is removed; one that a live
 * process serves, or a file that is not a socket, is an error.
 */
static int
hostd_prepare_socket_path(const char *path, int type, const char *what)
{
	struct sockaddr_un sa;
	struct stat st;
	int fd, rc;

	if (lstat(path, &st) < 0) {
		if (errno == ENOENT)
			return 0;
		hostd_log_err("%s %s: %s", what, path, strerror(errno));
		return -errno;
	}
	if (!S_ISSOCK(st.st_mode)) {
		hostd_log_err("%s %s: the path exists and is not a socket; remove it or choose another path",
			what, path);
		return -EEXIST;
	}
	fd = socket(AF_UNIX, type | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		hostd_log_err("socket(AF_UNIX): %s", strerror(errno));
		return -errno;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	rc = connect(fd, (struct sockaddr *)&sa, sizeof(sa));
	if (rc == 0 || errno != ECONNREFUSED) {
		close(fd);
		hostd_log_err("%s %s: another process is serving this socket",
			what, path);
		return -EADDRINUSE;
	}
	close(fd);
	if (unlink(path) < 0 && errno != ENOENT) {
		hostd_log_err("%s %s: cannot remove the stale socket: %s", what,
			path, strerror(errno));
		return -errno;
	}
	return 0;
}

/* ---- migrate-every ---------------------------------------------------- */

int
hostd_mig_every_set(struct hostd *hd, struct hostd_port *hp, unsigned int ms,
		const struct avp_emu_migrate_opts *opts)
{
	struct itimerspec its;

	(void)hd;
	memset(&its, 0, sizeof(its));
	if (hp->mig_timer_fd < 0) {
		if (ms == 0)
			return 0;
		hp->mig_timer_fd = timerfd_create(CLOCK_MONOTONIC,
				TFD_CLOEXEC | TFD_NONBLOCK);
		if (hp->mig_timer_fd < 0)
			return -errno;
	}
	if (ms != 0) {
		its.it_value.tv_sec = ms / 1000;
		its.it_value.tv_nsec = (long)(ms % 1000) * 1000000L;
		its.it_interval = its.it_value;
		hp->mig_every_ok = 0;
		hp->mig_every_failed = 0;
		hp->mig_every_skipped = 0;
	}
	if (timerfd_settime(hp->mig_timer_fd, 0, &its, NULL) < 0)
		return -errno;
	hp->mig_every_ms = ms;
	if (opts != NULL)
		hp->mig_every_opts = *opts;
	else
		memset(&hp->mig_every_opts, 0, sizeof(hp->mig_every_opts));
	return 0;
}

static void
hostd_mig_every_tick(struct hostd *hd, struct hostd_port *hp)
{
	uint64_t expirations;

	if (read(hp->mig_timer_fd, &expirations, sizeof(expirations)) < 0)
		return;
	if (hp->mig_every_ms == 0)
		return;
	if (!avp_emu_port_attached(hp->port)) {
		hp->mig_every_skipped++;
		return;
	}
	if (hostd_cmd_migrate_port(hd, hp, &hp->mig_every_opts,
			hd->verbose ? stdout : NULL) == 0)
		hp->mig_every_ok++;
	else
		hp->mig_every_failed++;
	fflush(stdout);
}

/* ---- line input (stdin and control clients) --------------------------- */

struct line_in {
	int fd;			/* -1: slot unused */
	int is_stdin;
	size_t len;
	int overlong;		/* discarding until the next newline */
	char buf[HOSTD_LINE_MAX];
};

static void
hostd_out_write(int fd, int is_stdin, const char *s, size_t len)
{
	if (is_stdin) {
		fwrite(s, 1, len, stdout);
		fflush(stdout);
		return;
	}
	while (len > 0) {
		ssize_t n = send(fd, s, len, MSG_NOSIGNAL);

		if (n <= 0)
			return;
		s += n;
		len -= (size_t)n;
	}
}

static void
hostd_run_line(struct hostd *hd, struct line_in *li, char *line)
{
	char *text = NULL;
	size_t size = 0;
	FILE *out;

	out = open_memstream(&text, &size);
	if (out == NULL) {
		hostd_log_err("open_memstream: %s", strerror(errno));
		return;
	}
	hostd_cmd_exec(hd, line, out);
	fclose(out);
	if (text != NULL)
		hostd_out_write(li->fd, li->is_stdin, text, size);
	free(text);
}

/* Reads what is available; returns -1 on EOF or error. */
static int
hostd_line_in_read(struct hostd *hd, struct line_in *li)
{
	ssize_t n;
	size_t start = 0;

	n = read(li->fd, li->buf + li->len, sizeof(li->buf) - li->len);
	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return 0;
	if (n <= 0) {
		/* A last line without newline still counts. */
		if (li->len > 0 && !li->overlong && !hd->quit) {
			li->buf[li->len] = '\0';
			if (li->len < sizeof(li->buf))
				hostd_run_line(hd, li, li->buf);
		}
		li->len = 0;
		return -1;
	}
	li->len += (size_t)n;
	for (size_t i = 0; i < li->len && !hd->quit; i++) {
		if (li->buf[i] != '\n')
			continue;
		li->buf[i] = '\0';
		if (li->overlong)
			li->overlong = 0;
		else
			hostd_run_line(hd, li, li->buf + start);
		start = i + 1;
	}
	if (hd->quit)
		return 0;
	memmove(li->buf, li->buf + start, li->len - start);
	li->len -= start;
	if (li->len == sizeof(li->buf)) {
		static const char msg[] =
			"error: command line too long (at most 1023 characters)\n";

		hostd_out_write(li->fd, li->is_stdin, msg, sizeof(msg) - 1);
		li->overlong = 1;
		li->len = 0;
	}
	return 0;
}

static int
hostd_control_listen(const char *path, const struct avp_emu_sock_opts *opts)
{
	struct sockaddr_un sa;
	int fd, rc;

	if (strlen(path) >= sizeof(sa.sun_path)) {
		hostd_log_err("--control %s: the path is too long (at most %zu characters)",
			path, sizeof(sa.sun_path) - 1);
		return -ENAMETOOLONG;
	}
	if (hostd_prepare_socket_path(path, SOCK_STREAM, "--control") < 0)
		return -EADDRINUSE;
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0) {
		hostd_log_err("socket(AF_UNIX): %s", strerror(errno));
		return -errno;
	}
	rc = avp_emu_sock_bind(fd, path, opts);
	if (rc == 0 && listen(fd, 8) < 0) {
		rc = -errno;
		unlink(path);
	}
	if (rc != 0) {
		hostd_log_err("--control %s: %s", path, strerror(-rc));
		close(fd);
		return -EADDRINUSE;
	}
	return fd;
}

static int
hostd_stdin_usable(void)
{
	struct stat st;

	/* A terminal is only ours while we are in the foreground (a
	 * backgrounded daemon would be stopped by SIGTTIN otherwise).
	 */
	if (isatty(STDIN_FILENO))
		return tcgetpgrp(STDIN_FILENO) == getpgrp();
	if (fstat(STDIN_FILENO, &st) < 0)
		return 0;
	return S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode);
}

/* ---- event loop ------------------------------------------------------- */

/* A control client's credentials against the daemon's options. */
static int
hostd_control_peer_ok(struct hostd *hd, int fd)
{
	struct ucred uc;
	socklen_t len = sizeof(uc);

	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &uc, &len) != 0 ||
			len != sizeof(uc)) {
		hostd_log_err("--control: peer credentials unknown: refused");
		return 0;
	}
	if (!avp_emu_peer_allowed(&hd->sock_opts, geteuid(), uc.uid,
			uc.gid)) {
		hostd_log_err("--control: peer pid %d uid %u gid %u not allowed: refused",
			(int)uc.pid, (unsigned int)uc.uid,
			(unsigned int)uc.gid);
		return 0;
	}
	return 1;
}

static int
hostd_event_loop(struct hostd *hd, int sig_fd, int ctl_fd)
{
	struct line_in *in;
	struct pollfd *pfd;
	struct hostd_port **pfd_port;
	unsigned int nin = HOSTD_MAX_CLIENTS + 1, nfds;
	int rc = 0;

	in = calloc(nin, sizeof(*in));
	pfd = calloc(nin + hd->nports + 2, sizeof(*pfd));
	pfd_port = calloc(nin + hd->nports + 2, sizeof(*pfd_port));
	if (in == NULL || pfd == NULL || pfd_port == NULL) {
		hostd_log_err("out of memory");
		rc = -ENOMEM;
		goto out;
	}
	for (unsigned int i = 0; i < nin; i++)
		in[i].fd = -1;
	if (!hd->no_stdin && hostd_stdin_usable()) {
		in[0].fd = STDIN_FILENO;
		in[0].is_stdin = 1;
	}

	while (!hd->quit) {
		unsigned int first_in, first_timer;

		nfds = 0;
		pfd[nfds].fd = sig_fd;
		pfd[nfds++].events = POLLIN;
		pfd[nfds].fd = ctl_fd;
		pfd[nfds++].events = POLLIN;
		first_in = nfds;
		for (unsigned int i = 0; i < nin; i++) {
			pfd[nfds].fd = in[i].fd;
			pfd[nfds++].events = POLLIN;
		}
		first_timer = nfds;
		for (unsigned int i = 0; i < hd->nports; i++) {
			pfd_port[nfds] = &hd->ports[i];
			pfd[nfds].fd = hd->ports[i].mig_timer_fd;
			pfd[nfds++].events = POLLIN;
		}
		if (poll(pfd, nfds, -1) < 0) {
			if (errno == EINTR)
				continue;
			hostd_log_err("poll: %s", strerror(errno));
			rc = -errno;
			break;
		}
		if (pfd[0].revents & POLLIN) {
			struct signalfd_siginfo si;

			if (read(sig_fd, &si, sizeof(si)) == sizeof(si)) {
				fprintf(stderr, HOSTD_NAME ": %s, shutting down\n",
					strsignal((int)si.ssi_signo));
				hd->quit = 1;
				break;
			}
		}
		if (ctl_fd >= 0 && (pfd[1].revents & POLLIN)) {
			int cfd = accept4(ctl_fd, NULL, NULL, SOCK_CLOEXEC);

			if (cfd >= 0 && !hostd_control_peer_ok(hd, cfd)) {
				close(cfd);
				cfd = -1;
			}
			if (cfd >= 0) {
				unsigned int k;

				for (k = 1; k < nin; k++)
					if (in[k].fd < 0)
						break;
				if (k == nin) {
					static const char busy[] =
						"error: too many control clients\n";

					hostd_out_write(cfd, 0, busy,
						sizeof(busy) - 1);
					close(cfd);
				} else {
					memset(&in[k], 0, sizeof(in[k]));
					in[k].fd = cfd;
				}
			}
		}
		for (unsigned int i = 0; i < nin && !hd->quit; i++) {
			short re = pfd[first_in + i].revents;

			if (in[i].fd < 0 ||
					!(re & (POLLIN | POLLHUP | POLLERR)))
				continue;
			if (hostd_line_in_read(hd, &in[i]) < 0) {
				if (!in[i].is_stdin)
					close(in[i].fd);
				in[i].fd = -1;
			}
		}
		for (unsigned int i = first_timer; i < nfds && !hd->quit; i++)
			if (pfd[i].revents & POLLIN)
				hostd_mig_every_tick(hd, pfd_port[i]);
	}
out:
	if (in != NULL)
		for (unsigned int i = 1; i < nin; i++)
			if (in[i].fd >= 0)
				close(in[i].fd);
	free(in);
	free(pfd);
	free(pfd_port);
	return rc;
}

/* ---- set up and tear down --------------------------------------------- */

static enum avp_emu_mode
hostd_emu_mode(enum hostd_mode m)
{
	switch (m) {
	case HOSTD_MODE_LOOPBACK:
		return AVP_EMU_MODE_LOOPBACK;
	case HOSTD_MODE_XCONNECT:
		return AVP_EMU_MODE_XCONNECT;
	case HOSTD_MODE_GEN:
		return AVP_EMU_MODE_GEN;
	case HOSTD_MODE_SINK:
		return AVP_EMU_MODE_SINK;
	case HOSTD_MODE_TAP:
		return AVP_EMU_MODE_OUTPUT;
	case HOSTD_MODE_CAPTURE:
	default:
		return AVP_EMU_MODE_CAPTURE;
	}
}

static int
hostd_ports_create(struct hostd *hd)
{
	char err[256];
	int rc;

	for (unsigned int i = 0; i < hd->nports; i++) {
		struct hostd_port *hp = &hd->ports[i];

		errno = 0;
		hp->port = avp_emu_port_create(hd->emu, &hp->params);
		if (hp->port == NULL) {
			hostd_log_err("port %s: cannot create the port: %s",
				hp->name, strerror(errno ? errno : EINVAL));
			return -1;
		}
		if (hp->rx_segs > 1) {
			rc = avp_emu_port_set_rx_segs(hp->port, hp->rx_segs);
			if (rc < 0) {
				hostd_log_err("port %s: rx_segs=%u: %s",
					hp->name, hp->rx_segs, strerror(-rc));
				return -1;
			}
		}
		rc = avp_emu_port_set_rx_split(hp->port, hp->rx_split,
			hp->rx_split_seed);
		if (rc < 0) {
			hostd_log_err("port %s: rx_split: %s", hp->name,
				strerror(-rc));
			return -1;
		}
	}
	for (unsigned int i = 0; i < hd->nports; i++) {
		struct hostd_port *hp = &hd->ports[i];

		switch (hp->mode) {
		case HOSTD_MODE_TAP:
			rc = hostd_tap_open(&hp->tap, hp->tap_name, err,
					sizeof(err));
			if (rc < 0) {
				hostd_log_err("port %s: %s", hp->name, err);
				return -1;
			}
			rc = hostd_tap_start(hp->tap, hp->port);
			break;
		case HOSTD_MODE_GEN: {
			struct avp_emu_gen_params gp;

			rc = avp_emu_port_set_mode(hp->port,
					AVP_EMU_MODE_GEN, NULL);
			if (rc < 0)
				break;
			memset(&gp, 0, sizeof(gp));
			gp.sizes = hp->sizes;
			gp.nsizes = hp->nsizes;
			gp.count = hp->count;
			rc = avp_emu_port_set_gen(hp->port, &gp);
			break;
		}
		default:
			rc = avp_emu_port_set_mode(hp->port,
					hostd_emu_mode(hp->mode),
					hp->peer ? hp->peer->port : NULL);
			break;
		}
		if (rc < 0) {
			hostd_log_err("port %s: cannot set mode %s: %s",
				hp->name, hostd_mode_name(hp->mode),
				strerror(-rc));
			return -1;
		}
	}
	for (unsigned int i = 0; i < hd->nports; i++) {
		struct hostd_port *hp = &hd->ports[i];
		char what[AVP_IFNAME_LEN + 16];

		snprintf(what, sizeof(what), "port %s: socket", hp->name);
		if (hostd_prepare_socket_path(hp->socket_path, SOCK_SEQPACKET,
				what) < 0)
			return -1;
		rc = avp_emu_port_listen_opts(hp->port, hp->socket_path,
				&hd->sock_opts);
		if (rc < 0) {
			hostd_log_err("port %s: cannot listen on %s: %s",
				hp->name, hp->socket_path, strerror(-rc));
			return -1;
		}
		hp->listening = 1;
	}
	return 0;
}

static void
hostd_ports_print(struct hostd *hd)
{
	for (unsigned int i = 0; i < hd->nports; i++) {
		struct hostd_port *hp = &hd->ports[i];
		const struct avp_emu_port_params *p = &hp->params;

		printf(HOSTD_NAME ": port %s: socket %s mode %s", hp->name,
			hp->socket_path, hostd_mode_name(hp->mode));
		if (hp->peer != NULL)
			printf(" peer %s", hp->peer->name);
		if (hp->tap != NULL)
			printf(" tap %s", hp->tap_name);
		printf(" mac %02x:%02x:%02x:%02x:%02x:%02x queues rx %u..%u tx %u buf_size %u bufs %u ring %u max_frame %u vlan %d\n",
			p->mac[0], p->mac[1], p->mac[2], p->mac[3], p->mac[4],
			p->mac[5], p->rx_queues_min, p->rx_queues_max,
			p->tx_queues_max, p->buf_data_size, p->buf_count,
			p->ring_slots, p->max_frame_len,
			!p->no_vlan_offload &&
			(p->features & AVP_FEAT_VLAN_OFFLOAD) != 0);
	}
}

static void
hostd_ports_teardown(struct hostd *hd, int print_stats)
{
	if (hd->emu != NULL)
		avp_emu_stop(hd->emu);
	if (print_stats)
		printf(HOSTD_NAME ": statistics\n");
	for (unsigned int i = 0; i < hd->nports; i++) {
		struct hostd_port *hp = &hd->ports[i];

		if (hp->port != NULL && print_stats) {
			avp_emu_port_stats_print(hp->port, stdout);
			printf("stats ");
			hostd_port_summary(hd, hp, stdout);
		}
		if (hp->mig_timer_fd >= 0) {
			close(hp->mig_timer_fd);
			hp->mig_timer_fd = -1;
		}
		/* The TAP reader injects into the port: stop it first. */
		hostd_tap_close(hp->tap);
		hp->tap = NULL;
	}
	for (unsigned int i = 0; i < hd->nports; i++) {
		struct hostd_port *hp = &hd->ports[i];

		if (hp->port != NULL)
			avp_emu_port_destroy(hp->port);
		hp->port = NULL;
		if (hp->listening)
			unlink(hp->socket_path);
		hp->listening = 0;
	}
	if (hd->emu != NULL)
		avp_emu_destroy(hd->emu);
	hd->emu = NULL;
	fflush(stdout);
}

static int
hostd_write_pidfile(const char *path)
{
	FILE *f = fopen(path, "w");

	if (f == NULL) {
		hostd_log_err("--pidfile %s: %s", path, strerror(errno));
		return -1;
	}
	fprintf(f, "%ld\n", (long)getpid());
	if (fclose(f) != 0) {
		hostd_log_err("--pidfile %s: %s", path, strerror(errno));
		unlink(path);
		return -1;
	}
	return 0;
}

enum {
	OPT_PORT = 256,
	OPT_MODE,
	OPT_CONTROL,
	OPT_NO_STDIN,
	OPT_PIDFILE,
	OPT_ACK_TIMEOUT,
	OPT_UNPLUG_TIMEOUT,
	OPT_SOCKET_MODE,
	OPT_SOCKET_OWNER,
	OPT_ALLOW_USER,
	OPT_ALLOW_GROUP,
};

static const struct option long_opts[] = {
	{ "port", required_argument, NULL, OPT_PORT },
	{ "mode", required_argument, NULL, OPT_MODE },
	{ "control", required_argument, NULL, OPT_CONTROL },
	{ "no-stdin", no_argument, NULL, OPT_NO_STDIN },
	{ "pidfile", required_argument, NULL, OPT_PIDFILE },
	{ "ack-timeout", required_argument, NULL, OPT_ACK_TIMEOUT },
	{ "unplug-timeout", required_argument, NULL, OPT_UNPLUG_TIMEOUT },
	{ "socket-mode", required_argument, NULL, OPT_SOCKET_MODE },
	{ "socket-owner", required_argument, NULL, OPT_SOCKET_OWNER },
	{ "allow-user", required_argument, NULL, OPT_ALLOW_USER },
	{ "allow-group", required_argument, NULL, OPT_ALLOW_GROUP },
	{ "verbose", no_argument, NULL, 'v' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

static void
hostd_parse_args(struct hostd *hd, int argc, char **argv)
{
	const char **port_args;
	unsigned int nport_args = 0;
	uint64_t v;
	int opt;

	port_args = calloc((size_t)argc, sizeof(*port_args));
	if (port_args == NULL)
		hostd_usage_error("out of memory");
	opterr = 0;
	while ((opt = getopt_long(argc, argv, ":vh", long_opts, NULL)) != -1) {
		switch (opt) {
		case OPT_PORT:
			if (nport_args == HOSTD_MAX_PORTS)
				hostd_usage_error("--port: at most %d ports",
					HOSTD_MAX_PORTS);
			port_args[nport_args++] = optarg;
			break;
		case OPT_MODE:
			if (hostd_mode_parse(optarg, &hd->default_mode) < 0)
				hostd_usage_error("--mode %s: unknown mode; allowed: "
					MODE_LIST, optarg);
			break;
		case OPT_CONTROL:
			if (*optarg == '\0')
				hostd_usage_error(
					"--control: give a socket path");
			hd->control_path = optarg;
			break;
		case OPT_NO_STDIN:
			hd->no_stdin = 1;
			break;
		case OPT_PIDFILE:
			if (*optarg == '\0')
				hostd_usage_error(
					"--pidfile: give a file path");
			hd->pidfile = optarg;
			break;
		case OPT_ACK_TIMEOUT:
			if (hostd_parse_u64(optarg, 1, 600000, &v) < 0)
				hostd_usage_error("--ack-timeout %s: must be 1..600000 ms",
					optarg);
			hd->ack_timeout_ms = (unsigned int)v;
			break;
		case OPT_UNPLUG_TIMEOUT:
			if (hostd_parse_u64(optarg, 0, 600000, &v) < 0)
				hostd_usage_error("--unplug-timeout %s: must be 0..600000 ms",
					optarg);
			hd->unplug_timeout_ms = (unsigned int)v;
			break;
		case OPT_SOCKET_MODE:
			hostd_parse_socket_mode(optarg, &hd->sock_opts.mode);
			break;
		case OPT_SOCKET_OWNER:
			hostd_parse_socket_owner(optarg, &hd->sock_opts);
			break;
		case OPT_ALLOW_USER:
			if (hostd_parse_user(optarg,
					&hd->sock_opts.allow_uid) < 0)
				hostd_usage_error(
					"--allow-user %s: no such user",
					optarg);
			break;
		case OPT_ALLOW_GROUP:
			if (hostd_parse_group(optarg,
					&hd->sock_opts.allow_gid) < 0)
				hostd_usage_error(
					"--allow-group %s: no such group",
					optarg);
			break;
		case 'v':
			hd->verbose++;
			break;
		case 'h':
			hostd_usage(stdout);
			exit(0);
		case ':':
			hostd_usage_error("option %s needs an argument",
				argv[optind - 1]);
			break;
		default:
			if (optopt != 0)
				hostd_usage_error("unknown option '-%c'",
					optopt);
			hostd_usage_error("unknown option '%s'",
				argv[optind - 1]);
		}
	}
	if (optind < argc)
		hostd_usage_error("unexpected argument '%s' (ports are given with --port NAME,socket=PATH)",
			argv[optind]);
	if (nport_args == 0)
		hostd_usage_error("no port: give at least one --port NAME,socket=PATH");
	hd->ports = calloc(nport_args, sizeof(*hd->ports));
	if (hd->ports == NULL)
		hostd_usage_error("out of memory");
	for (unsigned int i = 0; i < nport_args; i++)
		hostd_parse_port(&hd->ports[i], port_args[i], i);
	hd->nports = nport_args;
	free(port_args);
	hostd_resolve_ports(hd);
}

int
main(int argc, char **argv)
{
	struct hostd hd;
	struct sigaction sa;
	sigset_t mask;
	int sig_fd, ctl_fd = -1, rc, pid_written = 0;

	memset(&hd, 0, sizeof(hd));
	hd.default_mode = HOSTD_MODE_LOOPBACK;
	hd.ack_timeout_ms = HOSTD_DEF_ACK_MS;
	hd.unplug_timeout_ms = HOSTD_DEF_UNPLUG_MS;
	avp_emu_sock_opts_default(&hd.sock_opts);
	hostd_parse_args(&hd, argc, argv);

	/* Signals: blocked everywhere (threads inherit the mask), read
	 * from a signalfd in the event loop.
	 */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
	/* Reading a terminal from the background then fails with EIO,
	 * which ends stdin commands, instead of stopping the daemon.
	 */
	sigaction(SIGTTIN, &sa, NULL);
	sigemptyset(&mask);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGHUP);
	if (sigprocmask(SIG_BLOCK, &mask, NULL) < 0) {
		hostd_log_err("sigprocmask: %s", strerror(errno));
		return 1;
	}
	sig_fd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
	if (sig_fd < 0) {
		hostd_log_err("signalfd: %s", strerror(errno));
		return 1;
	}

	hd.emu = avp_emu_create();
	if (hd.emu == NULL) {
		hostd_log_err("cannot create the emulator: %s",
			strerror(errno));
		return 1;
	}
	avp_emu_set_log(hd.emu, stderr, hd.verbose);
	rc = hostd_ports_create(&hd);
	if (rc == 0 && hd.control_path != NULL) {
		ctl_fd = hostd_control_listen(hd.control_path, &hd.sock_opts);
		if (ctl_fd < 0)
			rc = -1;
	}
	if (rc == 0) {
		rc = avp_emu_start(hd.emu);
		if (rc < 0)
			hostd_log_err("cannot start the emulator: %s",
				strerror(-rc));
	}
	if (rc == 0 && hd.pidfile != NULL) {
		rc = hostd_write_pidfile(hd.pidfile);
		pid_written = rc == 0;
	}
	if (rc == 0) {
		hostd_ports_print(&hd);
		printf(HOSTD_NAME ": ready: %u port%s\n", hd.nports,
			hd.nports == 1 ? "" : "s");
		fflush(stdout);
		rc = hostd_event_loop(&hd, sig_fd, ctl_fd);
	}

	if (ctl_fd >= 0) {
		close(ctl_fd);
		unlink(hd.control_path);
	}
	hostd_ports_teardown(&hd, rc == 0);
	if (pid_written)
		unlink(hd.pidfile);
	close(sig_fd);
	free(hd.ports);
	return rc == 0 ? 0 : 1;
}
