/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The AVP PMD authors
 */

/*
 * avp-hostd: the line commands (stdin and the control socket). Every
 * command writes one result line per port it acts on, of the form
 * "<command> <port>: <result>", or one "error: ..." line.
 */

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "avp_hostd.h"

#define CMD_MAX_ARGS	8

static uint64_t
hostd_sum_q(const uint64_t *v)
{
	uint64_t s = 0;

	for (int i = 0; i < AVP_MAX_QUEUES; i++)
		s += v[i];
	return s;
}

void
hostd_port_summary(struct hostd *hd, struct hostd_port *hp, FILE *out)
{
	struct avp_emu_port_stats st;
	struct avp_emu_port_state s;

	(void)hd;
	avp_emu_port_stats_get(hp->port, &st);
	avp_emu_port_state_get(hp->port, &s);
	fprintf(out, "%s: mode=%s attached=%d configured=%d link=%s"
		" rx_frames=%" PRIu64 " rx_bytes=%" PRIu64
		" rx_dropped=%" PRIu64
		" tx_frames=%" PRIu64 " tx_bytes=%" PRIu64,
		hp->name, hostd_mode_name(hp->mode),
		avp_emu_port_attached(hp->port), s.configured,
		s.link_up ? "up" : "down",
		hostd_sum_q(st.rx_frames), hostd_sum_q(st.rx_bytes),
		st.rx_ring_full + st.rx_no_buf + st.rx_oversize +
		st.rx_not_ready,
		hostd_sum_q(st.tx_frames), hostd_sum_q(st.tx_bytes));
	if (hp->mode == HOSTD_MODE_GEN)
		fprintf(out, " gen_frames=%" PRIu64, st.gen_frames);
	if (hp->mode == HOSTD_MODE_SINK || hp->mode == HOSTD_MODE_GEN)
		fprintf(out, " sink_frames=%" PRIu64 " sink_bad=%" PRIu64
			" sink_seq_gaps=%" PRIu64, st.sink_frames,
			st.sink_bad, st.sink_seq_gaps);
	if (hp->mode == HOSTD_MODE_CAPTURE)
		fprintf(out, " capture_dropped=%" PRIu64,
			st.capture_dropped);
	fprintf(out, " ctrl_replies=%" PRIu64 " ctrl_reply_max_us=%" PRIu64
		" migrations=%" PRIu64 " violations=%" PRIu64,
		st.ctrl_replies, st.ctrl_reply_max_us, st.migrations,
		avp_emu_port_violations(hp->port));
	if (hp->tap != NULL) {
		fprintf(out, " ");
		hostd_tap_summary(hp->tap, out);
	}
	fprintf(out, "\n");
}

/* The destination changes, as given on the command line. */
static void
hostd_print_mig_opts(FILE *out, const struct avp_emu_migrate_opts *o)
{
	if (o->reorder_memmap)
		fprintf(out, " reordered");
	if (o->rx_queues_min != 0)
		fprintf(out, " rxq_min=%u", o->rx_queues_min);
	if (o->rx_queues_max != 0)
		fprintf(out, " rxq=%u", o->rx_queues_max);
	if (o->tx_queues_max != 0)
		fprintf(out, " txq=%u", o->tx_queues_max);
	if (o->buf_data_size != 0)
		fprintf(out, " buf_size=%" PRIu32, o->buf_data_size);
	if (o->max_frame_len != 0)
		fprintf(out, " max_frame=%" PRIu32, o->max_frame_len);
	if (o->drop_vlan_offload)
		fprintf(out, " novlan");
	if (o->change_mac)
		fprintf(out, " newmac");
}

int
hostd_cmd_migrate_port(struct hostd *hd, struct hostd_port *hp,
		const struct avp_emu_migrate_opts *o, FILE *out)
{
	struct avp_emu_migrate_opts opts;
	struct avp_emu_migrate_result res;
	int rc;

	if (!avp_emu_port_attached(hp->port)) {
		if (out != NULL)
			fprintf(out, "migrate %s: failed: no guest attached\n",
				hp->name);
		return -ENOTCONN;
	}
	opts = *o;
	opts.ack_timeout_ms = hd->ack_timeout_ms;
	memset(&res, 0, sizeof(res));
	rc = avp_emu_port_migrate(hp->port, &opts, &res);
	if (rc < 0) {
		FILE *f = out != NULL ? out : stdout;

		fprintf(f, "migrate %s: failed: %s (detach_ack=%" PRIu32
			" attach_ack=%" PRIu32 " detach_us=%" PRIu64
			" attach_us=%" PRIu64 " frames_lost=%" PRIu64 ")",
			hp->name, strerror(-rc), res.detach_ack,
			res.attach_ack, res.detach_us, res.attach_us,
			res.frames_lost);
		hostd_print_mig_opts(f, &opts);
		fprintf(f, "\n");
		return rc;
	}
	if (out != NULL) {
		fprintf(out, "migrate %s: ok detach_us=%" PRIu64
			" attach_us=%" PRIu64 " frames_lost=%" PRIu64
			" detach_ack=%" PRIu32 " attach_ack=%" PRIu32
			" reconfigured=%d",
			hp->name, res.detach_us, res.attach_us,
			res.frames_lost, res.detach_ack, res.attach_ack,
			res.reconfigured);
		hostd_print_mig_opts(out, &opts);
		fprintf(out, "\n");
	}
	return 0;
}

/*
 * Resolves an optional port argument: NULL or "all" selects every port
 * (returns the count), a name selects one. Returns -1 after printing an
 * error.
 */
static int
hostd_select_ports(struct hostd *hd, const char *cmd, const char *arg,
		struct hostd_port **sel, int all_ok)
{
	struct hostd_port *hp;

	if (arg == NULL || strcmp(arg, "all") == 0) {
		if (!all_ok && hd->nports != 1) {
			sel[0] = NULL;
			return -1;
		}
		for (unsigned int i = 0; i < hd->nports; i++)
			sel[i] = &hd->ports[i];
		return (int)hd->nports;
	}
	hp = hostd_port_find(hd, arg);
	if (hp == NULL)
		return -1;
	(void)cmd;
	sel[0] = hp;
	return 1;
}

static void
hostd_no_such_port(struct hostd *hd, const char *cmd, const char *arg,
		FILE *out)
{
	fprintf(out, "error: %s: ", cmd);
	if (arg == NULL)
		fprintf(out, "give a port name;");
	else
		fprintf(out, "no port '%s';", arg);
	fprintf(out, " ports:");
	for (unsigned int i = 0; i < hd->nports; i++)
		fprintf(out, " %s", hd->ports[i].name);
	fprintf(out, "\n");
}

/*
 * The ports a command applies to: every port for NULL or "all", else the
 * one named. Returns a calloc'd array of *n entries, or NULL after
 * printing why on out.
 */
static struct hostd_port **
hostd_select_all_or_one(struct hostd *hd, const char *cmd, const char *arg,
		int *n, FILE *out)
{
	struct hostd_port **sel = calloc(hd->nports, sizeof(*sel));

	if (sel == NULL) {
		fprintf(out, "error: out of memory\n");
		return NULL;
	}
	*n = hostd_select_ports(hd, cmd, arg, sel, 1);
	if (*n < 0) {
		hostd_no_such_port(hd, cmd, arg, out);
		free(sel);
		return NULL;
	}
	return sel;
}

static int
hostd_parse_uint(const char *s, unsigned long max, unsigned long *v)
{
	char *end;

	if (s == NULL || *s < '0' || *s > '9')
		return -1;
	errno = 0;
	*v = strtoul(s, &end, 10);
	if (errno != 0 || *end != '\0' || *v > max)
		return -1;
	return 0;
}

static void
hostd_print_indented(FILE *out, const char *text, size_t len)
{
	size_t start = 0;

	for (size_t i = 0; i < len; i++) {
		if (text[i] != '\n')
			continue;
		fprintf(out, "  %.*s\n", (int)(i - start), text + start);
		start = i + 1;
	}
	if (start < len)
		fprintf(out, "  %.*s\n", (int)(len - start), text + start);
}

static void
hostd_cmd_stats(struct hostd *hd, int argc, char **argv, FILE *out, int reset)
{
	struct hostd_port **sel;
	const char *port_arg = NULL;
	int full = 0, n;

	for (int i = 1; i < argc; i++) {
		if (!reset && strcmp(argv[i], "full") == 0)
			full = 1;
		else if (port_arg == NULL)
			port_arg = argv[i];
		else {
			fprintf(out, "error: %s: unexpected '%s'; usage: %s\n",
				argv[0], argv[i], reset ?
				"stats-reset [PORT|all]" :
				"stats [PORT|all] [full]");
			return;
		}
	}
	sel = hostd_select_all_or_one(hd, argv[0], port_arg, &n, out);
	if (sel == NULL)
		return;
	for (int i = 0; i < n; i++) {
		if (reset) {
			avp_emu_port_stats_reset(sel[i]->port);
			fprintf(out, "stats-reset %s: ok\n", sel[i]->name);
			continue;
		}
		if (full) {
			char *text = NULL;
			size_t size = 0;
			FILE *mem = open_memstream(&text, &size);

			if (mem != NULL) {
				avp_emu_port_stats_print(sel[i]->port, mem);
				fclose(mem);
				hostd_print_indented(out, text, size);
				free(text);
			}
		}
		fprintf(out, "stats ");
		hostd_port_summary(hd, sel[i], out);
	}
	free(sel);
}

static void
hostd_cmd_state(struct hostd *hd, int argc, char **argv, FILE *out)
{
	struct hostd_port **sel;
	int n;

	if (argc > 2) {
		fprintf(out, "error: %s: usage: %s [PORT|all]\n", argv[0],
			argv[0]);
		return;
	}
	sel = hostd_select_all_or_one(hd, argv[0], argc > 1 ? argv[1] : NULL,
		&n, out);
	if (sel == NULL)
		return;
	for (int i = 0; i < n; i++) {
		struct avp_emu_port_state s;

		avp_emu_port_state_get(sel[i]->port, &s);
		fprintf(out, "%s %s: attached=%d configured=%d link=%s"
			" rx_queues=%u tx_queues=%u features=0x%" PRIx32
			" mtu=%" PRIu32 " irq_mask=0x%08" PRIx32
			" mig_status=%" PRIu32 " mig_ack=%" PRIu32
			" instance_id=0x%016" PRIx64 "\n",
			argv[0], sel[i]->name,
			avp_emu_port_attached(sel[i]->port), s.configured,
			s.link_up ? "up" : "down",
			s.configured ? s.cfg.rx_queues : 0,
			s.configured ? s.cfg.tx_queues : 0,
			s.configured ? s.cfg.features : 0, s.mtu,
			s.irq_mask, s.mig_status, s.last_mig_ack,
			s.instance_id);
	}
	free(sel);
}

#define MIGOPT_USAGE "[reorder] [rxq_min=N] [rxq=N] [txq=N] [buf_size=N] " \
	"[max_frame=N] [novlan] [newmac]"

/*
 * Parses migration options; anything else is returned in *other (at most
 * one such word). Returns -1 after printing an error.
 */
static int
hostd_parse_mig_opts(const char *cmd, int argc, char **argv,
		struct avp_emu_migrate_opts *o, const char **other, FILE *out)
{
	memset(o, 0, sizeof(*o));
	*other = NULL;
	for (int i = 0; i < argc; i++) {
		char *val = strchr(argv[i], '=');
		unsigned long v, lo = 1, hi = AVP_MAX_QUEUES;

		if (strcmp(argv[i], "reorder") == 0) {
			o->reorder_memmap = 1;
			continue;
		}
		if (strcmp(argv[i], "novlan") == 0) {
			o->drop_vlan_offload = 1;
			continue;
		}
		if (strcmp(argv[i], "newmac") == 0) {
			o->change_mac = 1;
			continue;
		}
		if (val == NULL) {
			if (*other != NULL) {
				fprintf(out, "error: %s: unexpected '%s'; usage: %s " MIGOPT_USAGE "\n",
					cmd, argv[i], cmd);
				return -1;
			}
			*other = argv[i];
			continue;
		}
		*val++ = '\0';
		if (strcmp(argv[i], "buf_size") == 0) {
			lo = 64;
			hi = 4096;
		} else if (strcmp(argv[i], "max_frame") == 0) {
			lo = 64;
			hi = 65535;
		} else if (strcmp(argv[i], "rxq_min") != 0 &&
				strcmp(argv[i], "rxq") != 0 &&
				strcmp(argv[i], "txq") != 0) {
			fprintf(out, "error: %s: unknown option '%s'; allowed: reorder, rxq_min=N, rxq=N, txq=N, buf_size=N, max_frame=N, novlan, newmac\n",
				cmd, argv[i]);
			return -1;
		}
		if (hostd_parse_uint(val, hi, &v) < 0 || v < lo) {
			fprintf(out, "error: %s: %s=%s: must be a number in %lu..%lu\n",
				cmd, argv[i], val, lo, hi);
			return -1;
		}
		if (strcmp(argv[i], "buf_size") == 0)
			o->buf_data_size = (uint32_t)v;
		else if (strcmp(argv[i], "max_frame") == 0)
			o->max_frame_len = (uint32_t)v;
		else if (strcmp(argv[i], "rxq_min") == 0)
			o->rx_queues_min = (uint8_t)v;
		else if (strcmp(argv[i], "rxq") == 0)
			o->rx_queues_max = (uint8_t)v;
		else
			o->tx_queues_max = (uint8_t)v;
	}
	return 0;
}

static void
hostd_cmd_migrate(struct hostd *hd, int argc, char **argv, FILE *out)
{
	struct avp_emu_migrate_opts opts;
	struct hostd_port **sel;
	const char *port_arg;
	int n;

	if (hostd_parse_mig_opts(argv[0], argc - 1, argv + 1, &opts, &port_arg,
			out) < 0)
		return;
	sel = hostd_select_all_or_one(hd, argv[0], port_arg, &n, out);
	if (sel == NULL)
		return;
	for (int i = 0; i < n; i++)
		hostd_cmd_migrate_port(hd, sel[i], &opts, out);
	free(sel);
}

static void
hostd_cmd_migrate_every(struct hostd *hd, int argc, char **argv, FILE *out)
{
	struct avp_emu_migrate_opts opts;
	struct hostd_port *hp;
	const char *other;
	unsigned long ms;
	int rc;

	if (argc < 3) {
		fprintf(out, "error: migrate-every: usage: migrate-every PORT MS " MIGOPT_USAGE " (MS 0 stops)\n");
		return;
	}
	hp = hostd_port_find(hd, argv[1]);
	if (hp == NULL) {
		hostd_no_such_port(hd, argv[0], argv[1], out);
		return;
	}
	if (hostd_parse_uint(argv[2], 3600000, &ms) < 0) {
		fprintf(out, "error: migrate-every %s: '%s' must be a period in ms, 0..3600000 (0 stops)\n",
			hp->name, argv[2]);
		return;
	}
	if (hostd_parse_mig_opts(argv[0], argc - 3, argv + 3, &opts, &other,
			out) < 0)
		return;
	if (other != NULL) {
		fprintf(out, "error: migrate-every: unexpected '%s'; usage: migrate-every PORT MS " MIGOPT_USAGE "\n",
			other);
		return;
	}
	if (ms == 0) {
		unsigned int was = hp->mig_every_ms;

		rc = hostd_mig_every_set(hd, hp, 0, NULL);
		if (was == 0)
			fprintf(out, "migrate-every %s: ok, was not running\n",
				hp->name);
		else
			fprintf(out, "migrate-every %s: stopped after %" PRIu64
				" migrations (%" PRIu64 " ok, %" PRIu64
				" failed, %" PRIu64 " skipped: no guest)\n",
				hp->name, hp->mig_every_ok +
				hp->mig_every_failed, hp->mig_every_ok,
				hp->mig_every_failed, hp->mig_every_skipped);
		return;
	}
	rc = hostd_mig_every_set(hd, hp, (unsigned int)ms, &opts);
	if (rc < 0) {
		fprintf(out, "migrate-every %s: failed: %s\n", hp->name,
			strerror(-rc));
		return;
	}
	fprintf(out, "migrate-every %s: ok, every %lu ms", hp->name, ms);
	hostd_print_mig_opts(out, &opts);
	fprintf(out, "\n");
}

static void
hostd_cmd_unplug(struct hostd *hd, int argc, char **argv, FILE *out)
{
	struct hostd_port *sel[1];
	unsigned long ms = hd->unplug_timeout_ms;
	int rc;

	if (argc > 3 || (argc == 3 &&
			hostd_parse_uint(argv[2], 600000, &ms) < 0)) {
		fprintf(out, "error: unplug: usage: unplug PORT [TIMEOUT_MS] (timeout 0..600000)\n");
		return;
	}
	if (hostd_select_ports(hd, argv[0], argc > 1 ? argv[1] : NULL, sel,
			0) < 0) {
		hostd_no_such_port(hd, argv[0], argc > 1 ? argv[1] : NULL, out);
		return;
	}
	rc = avp_emu_port_unplug(sel[0]->port, (unsigned int)ms);
	if (rc == 0)
		fprintf(out, "unplug %s: ok, the guest released the port\n",
			sel[0]->name);
	else if (rc == -ETIMEDOUT)
		fprintf(out, "unplug %s: forced: the guest did not release the port within %lu ms\n",
			sel[0]->name, ms);
	else if (rc == -ENOTCONN)
		fprintf(out, "unplug %s: failed: no guest attached\n",
			sel[0]->name);
	else
		fprintf(out, "unplug %s: failed: %s\n", sel[0]->name,
			strerror(-rc));
}

static void
hostd_cmd_capture(struct hostd *hd, int argc, char **argv, FILE *out)
{
	struct avp_emu_frame *f;
	struct hostd_port *hp;
	unsigned long max = 16, n = 0;

	if (argc < 2 || argc > 3 || (argc == 3 &&
			hostd_parse_uint(argv[2], 1000000, &max) < 0)) {
		fprintf(out, "error: capture: usage: capture PORT [N]\n");
		return;
	}
	hp = hostd_port_find(hd, argv[1]);
	if (hp == NULL) {
		hostd_no_such_port(hd, argv[0], argv[1], out);
		return;
	}
	if (hp->mode != HOSTD_MODE_CAPTURE) {
		fprintf(out, "capture %s: failed: the port's mode is %s, not capture\n",
			hp->name, hostd_mode_name(hp->mode));
		return;
	}
	f = malloc(sizeof(*f));
	if (f == NULL) {
		fprintf(out, "error: out of memory\n");
		return;
	}
	while (n < max && avp_emu_capture_pop(hp->port, f) == 1) {
		uint64_t seq;
		uint32_t show = f->len < 32 ? f->len : 32;

		fprintf(out, "  frame %lu: len=%" PRIu32 " queue=%u segs=%u flags=0x%04x vlan=%u",
			n, f->len, f->queue, f->nsegs, f->flags, f->vlan_tci);
		if (avp_emu_frame_verify(f->data, f->len, &seq) == 0)
			fprintf(out, " seq=%" PRIu64, seq);
		fprintf(out, " data=");
		for (uint32_t i = 0; i < show; i++)
			fprintf(out, "%02x", f->data[i]);
		fprintf(out, "%s\n", show < f->len ? "..." : "");
		n++;
	}
	free(f);
	fprintf(out, "capture %s: ok, %lu frame%s\n", hp->name, n,
		n == 1 ? "" : "s");
}

static void
hostd_cmd_rx_segs(struct hostd *hd, int argc, char **argv, FILE *out)
{
	struct hostd_port *hp;
	unsigned long n;
	int rc;

	if (argc != 3 || hostd_parse_uint(argv[2], AVP_MAX_SEGS, &n) < 0 ||
			n < 1) {
		fprintf(out, "error: rx-segs: usage: rx-segs PORT N (N 1..%d, 1 restores the default)\n",
			AVP_MAX_SEGS);
		return;
	}
	hp = hostd_port_find(hd, argv[1]);
	if (hp == NULL) {
		hostd_no_such_port(hd, argv[0], argv[1], out);
		return;
	}
	rc = avp_emu_port_set_rx_segs(hp->port, (unsigned int)n);
	if (rc < 0)
		fprintf(out, "rx-segs %s: failed: %s\n", hp->name,
			strerror(-rc));
	else
		fprintf(out, "rx-segs %s: ok, at least %lu segment%s per frame\n",
			hp->name, n, n == 1 ? "" : "s");
}

static void
hostd_cmd_rx_split(struct hostd *hd, int argc, char **argv, FILE *out)
{
	enum avp_emu_rx_split mode;
	struct hostd_port *hp;
	uint32_t seed;
	int rc;

	if (argc != 3 || hostd_rx_split_parse(argv[2], &mode, &seed) < 0) {
		fprintf(out, "error: rx-split: usage: rx-split PORT random[:SEED]|off (SEED 0..4294967295)\n");
		return;
	}
	hp = hostd_port_find(hd, argv[1]);
	if (hp == NULL) {
		hostd_no_such_port(hd, argv[0], argv[1], out);
		return;
	}
	rc = avp_emu_port_set_rx_split(hp->port, mode, seed);
	if (rc < 0)
		fprintf(out, "rx-split %s: failed: %s\n", hp->name,
			strerror(-rc));
	else if (mode == AVP_EMU_RX_SPLIT_OFF)
		fprintf(out, "rx-split %s: ok, off\n", hp->name);
	else
		fprintf(out, "rx-split %s: ok, random, seed %" PRIu32 "\n",
			hp->name, seed);
}

/* gen PORT COUNT [SIZE]: the port generates COUNT frames from seq 0. */
static void
hostd_cmd_gen(struct hostd *hd, int argc, char **argv, FILE *out)
{
	struct avp_emu_gen_params gp = { .nsizes = 1 };
	unsigned long long count = 0, size = 64;
	struct hostd_port *hp;
	uint16_t len;
	char *end = NULL;
	int rc;

	if (argc >= 3)
		count = strtoull(argv[2], &end, 10);
	if (argc == 4 && end != NULL && *end == '\0')
		size = strtoull(argv[3], &end, 10);
	if (argc < 3 || argc > 4 || end == NULL || *end != '\0' ||
	    count == 0 || size < 60 || size > AVP_EMU_FRAME_MAX) {
		fprintf(out, "error: gen: usage: gen PORT COUNT [SIZE] (COUNT >= 1, SIZE 60..%u, default 64)\n",
			AVP_EMU_FRAME_MAX);
		return;
	}
	hp = hostd_port_find(hd, argv[1]);
	if (hp == NULL) {
		hostd_no_such_port(hd, argv[0], argv[1], out);
		return;
	}
	len = (uint16_t)size;
	gp.sizes = &len;
	gp.count = count;
	rc = avp_emu_port_set_gen(hp->port, &gp);
	if (rc == 0)
		rc = avp_emu_port_set_mode(hp->port, AVP_EMU_MODE_GEN, NULL);
	if (rc < 0)
		fprintf(out, "gen %s: failed: %s\n", hp->name, strerror(-rc));
	else
		fprintf(out, "gen %s: ok, %llu frames of %llu bytes\n",
			hp->name, count, size);
}

static void
hostd_cmd_fault(struct hostd *hd, int argc, char **argv, FILE *out)
{
	struct hostd_port *hp;
	unsigned long long arg = 0;
	unsigned long count = 1;
	unsigned int f;
	char *end;
	int rc;

	if (argc < 3 || argc > 5) {
		fprintf(out, "error: fault: usage: fault PORT NAME [ARG] [COUNT] (NAME none clears; COUNT 0: until cleared)\n");
		return;
	}
	hp = hostd_port_find(hd, argv[1]);
	if (hp == NULL) {
		hostd_no_such_port(hd, argv[0], argv[1], out);
		return;
	}
	for (f = 0; f < AVP_EMU_FAULT_COUNT; f++)
		if (strcmp(argv[2], avp_emu_fault_name(f)) == 0)
			break;
	if (f == AVP_EMU_FAULT_COUNT) {
		fprintf(out, "error: fault: unknown fault '%s'; allowed:",
			argv[2]);
		for (f = 0; f < AVP_EMU_FAULT_COUNT; f++)
			fprintf(out, " %s", avp_emu_fault_name(f));
		fprintf(out, "\n");
		return;
	}
	if (argc > 3) {
		errno = 0;
		arg = strtoull(argv[3], &end, 0);
		if (errno != 0 || *end != '\0' || end == argv[3]) {
			fprintf(out, "error: fault: ARG '%s' must be a number (negative values are taken as 32-bit two's complement)\n",
				argv[3]);
			return;
		}
	}
	if (argc > 4 && hostd_parse_uint(argv[4], 1000000000, &count) < 0) {
		fprintf(out, "error: fault: COUNT '%s' must be a number, 0 meaning until cleared\n",
			argv[4]);
		return;
	}
	rc = avp_emu_port_fault(hp->port, f, (uint64_t)arg,
			(unsigned int)count);
	if (rc < 0)
		fprintf(out, "fault %s: failed: %s\n", hp->name,
			strerror(-rc));
	else if (f == AVP_EMU_FAULT_NONE)
		fprintf(out, "fault %s: ok, every fault cleared\n", hp->name);
	else if (f <= AVP_EMU_FAULT_BUF_REGION)
		fprintf(out, "fault %s: ok, %s written into the BAR images ('reset %s' undoes it)\n",
			hp->name, argv[2], hp->name);
	else if (count == 0)
		fprintf(out, "fault %s: ok, %s armed until cleared\n",
			hp->name, argv[2]);
	else
		fprintf(out, "fault %s: ok, %s armed for the next %lu event%s\n",
			hp->name, argv[2], count, count == 1 ? "" : "s");
}

static void
hostd_cmd_reset(struct hostd *hd, int argc, char **argv, FILE *out)
{
	struct hostd_port *hp;
	int rc;

	if (argc != 2) {
		fprintf(out, "error: reset: usage: reset PORT\n");
		return;
	}
	hp = hostd_port_find(hd, argv[1]);
	if (hp == NULL) {
		hostd_no_such_port(hd, argv[0], argv[1], out);
		return;
	}
	if (avp_emu_port_attached(hp->port)) {
		fprintf(out, "reset %s: failed: a guest is attached (unplug it first)\n",
			hp->name);
		return;
	}
	rc = avp_emu_port_reset(hp->port);
	if (rc < 0)
		fprintf(out, "reset %s: failed: %s\n", hp->name,
			strerror(-rc));
	else
		fprintf(out, "reset %s: ok, clean BAR images\n", hp->name);
}

static void
hostd_cmd_help(FILE *out)
{
	fprintf(out,
		"  stats [PORT|all] [full]          counters\n"
		"  stats-reset [PORT|all]           zero the counters\n"
		"  state [PORT|all]                 guest state (alias: link)\n"
		"  migrate [PORT|all] [MIGOPT...]   live migration; MIGOPT: reorder,\n"
		"                                   rxq_min=N, rxq=N, txq=N, buf_size=N,\n"
		"                                   max_frame=N, novlan, newmac\n"
		"  migrate-every PORT MS [MIGOPT...]  periodic migration, 0 stops\n"
		"  unplug PORT [MS]                 ask the guest to release the port\n"
		"  capture PORT [N]                 show captured frames\n"
		"  rx-segs PORT N                   deliver in at least N segments\n"
		"  rx-split PORT random[:SEED]|off  cut frames at random points\n"
		"  gen PORT COUNT [SIZE]            generate COUNT frames from seq 0\n"
		"  fault PORT NAME [ARG] [COUNT]    inject a fault (none clears)\n"
		"  reset PORT                       rebuild clean BAR images\n"
		"  quit                             shut down\n"
		"help: ok\n");
}

void
hostd_cmd_exec(struct hostd *hd, char *line, FILE *out)
{
	char *argv[CMD_MAX_ARGS + 1];
	char *save = NULL, *tok;
	int argc = 0;

	/* Comments and blank lines are ignored silently. */
	for (tok = strtok_r(line, " \t\r", &save); tok != NULL;
			tok = strtok_r(NULL, " \t\r", &save)) {
		if (tok[0] == '#')
			break;
		if (argc == CMD_MAX_ARGS) {
			fprintf(out, "error: too many arguments\n");
			return;
		}
		argv[argc++] = tok;
	}
	argv[argc] = NULL;
	if (argc == 0)
		return;

	if (strcmp(argv[0], "help") == 0 || strcmp(argv[0], "?") == 0)
		hostd_cmd_help(out);
	else if (strcmp(argv[0], "stats") == 0)
		hostd_cmd_stats(hd, argc, argv, out, 0);
	else if (strcmp(argv[0], "stats-reset") == 0)
		hostd_cmd_stats(hd, argc, argv, out, 1);
	else if (strcmp(argv[0], "state") == 0 ||
			strcmp(argv[0], "link") == 0)
		hostd_cmd_state(hd, argc, argv, out);
	else if (strcmp(argv[0], "migrate") == 0)
		hostd_cmd_migrate(hd, argc, argv, out);
	else if (strcmp(argv[0], "migrate-every") == 0)
		hostd_cmd_migrate_every(hd, argc, argv, out);
	else if (strcmp(argv[0], "unplug") == 0)
		hostd_cmd_unplug(hd, argc, argv, out);
	else if (strcmp(argv[0], "capture") == 0)
		hostd_cmd_capture(hd, argc, argv, out);
	else if (strcmp(argv[0], "rx-segs") == 0)
		hostd_cmd_rx_segs(hd, argc, argv, out);
	else if (strcmp(argv[0], "rx-split") == 0)
		hostd_cmd_rx_split(hd, argc, argv, out);
	else if (strcmp(argv[0], "gen") == 0)
		hostd_cmd_gen(hd, argc, argv, out);
	else if (strcmp(argv[0], "fault") == 0)
		hostd_cmd_fault(hd, argc, argv, out);
	else if (strcmp(argv[0], "reset") == 0)
		hostd_cmd_reset(hd, argc, argv, out);
	else if (strcmp(argv[0], "quit") == 0 ||
			strcmp(argv[0], "exit") == 0) {
		if (argc != 1) {
			fprintf(out, "error: quit takes no argument\n");
			return;
		}
		fprintf(out, "quit: ok, shutting down\n");
		hd->quit = 1;
	} else {
		fprintf(out, "error: unknown command '%s'; commands: help, stats, stats-reset, state, migrate, migrate-every, unplug, capture, rx-segs, rx-split, gen, fault, reset, quit\n",
			argv[0]);
	}
}
