/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The AVP PMD authors
 */

/*
 * avp-hostd: the AVP host emulator as a daemon. Internal declarations
 * shared by avp_hostd.c (options, event loop), avp_hostd_cmd.c (the line
 * commands) and avp_hostd_tap.c (the TAP bridge).
 */

#ifndef AVP_HOSTD_H
#define AVP_HOSTD_H

#include <stdint.h>
#include <stdio.h>
#include <net/if.h>

#include "avp_emu.h"

#define HOSTD_NAME		"avp-hostd"
#define HOSTD_MAX_SIZES		16	/* size=a/b/c... */
#define HOSTD_DEF_ACK_MS	5000	/* migration acknowledgements */
#define HOSTD_DEF_UNPLUG_MS	2000	/* guest releasing the port */

/* What the daemon does with a port's traffic. */
enum hostd_mode {
	HOSTD_MODE_UNSET = -1,
	HOSTD_MODE_LOOPBACK,
	HOSTD_MODE_XCONNECT,
	HOSTD_MODE_GEN,
	HOSTD_MODE_SINK,
	HOSTD_MODE_TAP,
	HOSTD_MODE_CAPTURE,
};

struct hostd_tap;

struct hostd_port {
	/* from --port */
	char name[AVP_IFNAME_LEN];
	char socket_path[108];			/* sun_path */
	struct avp_emu_port_params params;
	enum hostd_mode mode;
	char peer_name[AVP_IFNAME_LEN];
	char tap_name[IFNAMSIZ];
	uint16_t sizes[HOSTD_MAX_SIZES];	/* generator frame sizes */
	unsigned int nsizes;
	uint64_t count;				/* generator frames */
	unsigned int rx_segs;			/* forced rx segments */
	enum avp_emu_rx_split rx_split;		/* rx_split= */
	uint32_t rx_split_seed;
	/* run time */
	struct hostd_port *peer;
	struct avp_emu_port *port;
	int listening;
	struct hostd_tap *tap;
	/* migrate-every */
	int mig_timer_fd;
	unsigned int mig_every_ms;
	struct avp_emu_migrate_opts mig_every_opts;
	uint64_t mig_every_ok;
	uint64_t mig_every_failed;
	uint64_t mig_every_skipped;
};

struct hostd {
	struct hostd_port *ports;
	unsigned int nports;
	enum hostd_mode default_mode;
	const char *control_path;
	const char *pidfile;
	int no_stdin;
	int verbose;
	unsigned int ack_timeout_ms;
	unsigned int unplug_timeout_ms;
	struct avp_emu_sock_opts sock_opts;	/* every socket it serves */
	struct avp_emu *emu;
	int quit;
};

/* avp_hostd.c */
const char *hostd_mode_name(enum hostd_mode mode);
/* Parses off, random or random:SEED (SEED 0..2^32-1). 0, or -1. */
int hostd_rx_split_parse(const char *s, enum avp_emu_rx_split *mode,
		uint32_t *seed);
struct hostd_port *hostd_port_find(struct hostd *hd, const char *name);
int hostd_mig_every_set(struct hostd *hd, struct hostd_port *hp,
		unsigned int ms, const struct avp_emu_migrate_opts *opts);

/* avp_hostd_cmd.c: runs one command line, writes its result to out. */
void hostd_cmd_exec(struct hostd *hd, char *line, FILE *out);
/* One migration of hp (opts: the destination's changes, the ack timeout
 * is the daemon's); prints the one-line result to out (may be NULL, then
 * only a failure is printed, on stdout). Returns 0 or a negative errno.
 */
int hostd_cmd_migrate_port(struct hostd *hd, struct hostd_port *hp,
		const struct avp_emu_migrate_opts *opts, FILE *out);
/* The one-line summary of a port's counters. */
void hostd_port_summary(struct hostd *hd, struct hostd_port *hp, FILE *out);

/* avp_hostd_tap.c */
/* Opens /dev/net/tun as a TAP named ifname and brings it up. On error
 * returns a negative errno and writes the reason to err.
 */
int hostd_tap_open(struct hostd_tap **tp, const char *ifname,
		char *err, size_t errlen);
/* Bridges the TAP to port (OUTPUT mode + a reader thread). */
int hostd_tap_start(struct hostd_tap *tap, struct avp_emu_port *port);
/* Stops the reader thread and closes the TAP. */
void hostd_tap_close(struct hostd_tap *tap);
/* One line of counters. */
void hostd_tap_summary(struct hostd_tap *tap, FILE *out);

#endif /* AVP_HOSTD_H */
