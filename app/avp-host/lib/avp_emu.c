/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The AVP PMD authors
 */

/* The top of the emulator: the emulator object and its service thread,
 * port life cycle, traffic settings, counters and state.
 */

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "avp_emu_dev.h"
#include "avp_emu_queue.h"
#include "avp_emu_sched.h"
#include "avp_emu_sock.h"

/* Service thread idle nap: keeps request latency well under 1 ms. It
 * naps only once EMU_IDLE_SPINS passes in a row and EMU_IDLE_SPIN_US have
 * gone by without work, so that traffic in bursts (a guest forwarding
 * frames back) never waits for a nap to end.
 */
#define EMU_IDLE_NAP_NS		100000
#define EMU_IDLE_SPINS		64
#define EMU_IDLE_SPIN_US	1000

static void *
emu_service_thread(void *arg)
{
	struct avp_emu *emu = arg;
	struct avp_emu_port *port;
	struct timespec nap = { 0, EMU_IDLE_NAP_NS };
	unsigned int idle = 0;
	uint64_t idle_since = 0;
	int work;

	while (!__atomic_load_n(&emu->stop, __ATOMIC_ACQUIRE)) {
		work = 0;
		pthread_mutex_lock(&emu->lock);
		for (port = emu->ports; port != NULL; port = port->next) {
			int w;

			pthread_mutex_lock(&port->lock);
			w = emu_port_service(port);
			if (w)
				pthread_cond_broadcast(&port->cond);
			pthread_mutex_unlock(&port->lock);
			work |= w;
		}
		pthread_mutex_unlock(&emu->lock);
		if (work) {
			idle = 0;
		} else if (idle < EMU_IDLE_SPINS) {
			if (++idle == EMU_IDLE_SPINS)
				idle_since = emu_now_us();
		} else if (emu_now_us() - idle_since >= EMU_IDLE_SPIN_US) {
			nanosleep(&nap, NULL);
		}
	}
	return NULL;
}

struct avp_emu *
avp_emu_create(void)
{
	struct avp_emu *emu = calloc(1, sizeof(*emu));

	if (emu == NULL)
		return NULL;
	pthread_mutex_init(&emu->lock, NULL);
	pthread_mutex_init(&emu->log_lock, NULL);
	emu->log = stderr;
	emu->log_level = 0;
	return emu;
}

int
avp_emu_start(struct avp_emu *emu)
{
	int ret;

	if (emu == NULL)
		return -EINVAL;
	if (emu->running)
		return 0;
	__atomic_store_n(&emu->stop, 0, __ATOMIC_RELEASE);
	ret = pthread_create(&emu->thread, NULL, emu_service_thread, emu);
	if (ret != 0)
		return -ret;
	emu->running = 1;
	return 0;
}

void
avp_emu_stop(struct avp_emu *emu)
{
	if (emu == NULL || !emu->running)
		return;
	__atomic_store_n(&emu->stop, 1, __ATOMIC_RELEASE);
	pthread_join(emu->thread, NULL);
	emu->running = 0;
}

void
avp_emu_destroy(struct avp_emu *emu)
{
	if (emu == NULL)
		return;
	avp_emu_stop(emu);
	while (emu->ports != NULL)
		avp_emu_port_destroy(emu->ports);
	pthread_mutex_destroy(&emu->lock);
	pthread_mutex_destroy(&emu->log_lock);
	free(emu);
}

void
avp_emu_set_log(struct avp_emu *emu, FILE *f, int level)
{
	if (emu == NULL)
		return;
	pthread_mutex_lock(&emu->log_lock);
	emu->log = f;
	emu->log_level = level;
	pthread_mutex_unlock(&emu->log_lock);
}

void
avp_emu_port_params_default(struct avp_emu_port_params *p, unsigned int n)
{
	memset(p, 0, sizeof(*p));
	snprintf(p->name, sizeof(p->name), "avp%u", n);
	p->mac[0] = 0x02;
	p->mac[1] = 0x41;
	p->mac[2] = 0x56;
	p->mac[3] = 0x50;
	p->mac[4] = (uint8_t)(n >> 8);
	p->mac[5] = (uint8_t)n;
	p->rx_queues_max = AVP_MAX_QUEUES;
	p->tx_queues_max = AVP_MAX_QUEUES;
	p->rx_queues_min = 1;
	p->tx_queues_min = 1;
	p->ring_slots = 1024;
	p->ctrl_ring_slots = 16;
	p->buf_data_size = 2048;
	p->buf_count = 8192;
	p->max_frame_len = AVP_DOCUMENTED_MAX_FRAME_LEN;
	p->features = AVP_FEAT_VLAN_OFFLOAD;
	p->host_version = AVP_HOST_VERSION;
	p->instance_id = emu_random64();
}

static int
emu_is_pow2(uint32_t v)
{
	return v >= 2 && (v & (v - 1)) == 0;
}

/* Fills zero fields with defaults and checks the result. */
static int
emu_params_complete(struct avp_emu_port_params *p, const
		struct avp_emu_port_params *in, unsigned int n)
{
	static const uint8_t zero_mac[AVP_MAC_LEN];
	struct avp_emu_port_params d;

	avp_emu_port_params_default(&d, n);
	*p = in != NULL ? *in : d;
	if (p->name[0] == '\0')
		memcpy(p->name, d.name, sizeof(p->name));
	p->name[AVP_IFNAME_LEN - 1] = '\0';
	if (memcmp(p->mac, zero_mac, AVP_MAC_LEN) == 0)
		memcpy(p->mac, d.mac, AVP_MAC_LEN);
#define DEF(f) do { if (p->f == 0) p->f = d.f; } while (0)
	DEF(rx_queues_max);
	DEF(tx_queues_max);
	DEF(rx_queues_min);
	DEF(tx_queues_min);
	DEF(ring_slots);
	DEF(ctrl_ring_slots);
	DEF(buf_data_size);
	DEF(buf_count);
	DEF(max_frame_len);
	DEF(features);
	DEF(host_version);
	DEF(instance_id);
#undef DEF
	if (p->no_vlan_offload)
		p->features = 0;
	if (p->rx_queues_max > AVP_MAX_QUEUES ||
			p->tx_queues_max > AVP_MAX_QUEUES ||
			p->rx_queues_min > p->rx_queues_max ||
			p->tx_queues_min > p->tx_queues_max ||
			!emu_is_pow2(p->ring_slots) || p->ring_slots > 65536 ||
			!emu_is_pow2(p->ctrl_ring_slots) ||
			p->ctrl_ring_slots > 4096 ||
			p->buf_data_size < 64 || p->buf_data_size > EMU_MAX_BUF_SIZE ||
			p->buf_count < 16 || p->buf_count > (1u << 20) ||
			p->max_frame_len < 64 || p->max_frame_len > 65535)
		return -EINVAL;
	return 0;
}

struct avp_emu_port *
avp_emu_port_create(struct avp_emu *emu, const struct avp_emu_port_params *p)
{
	struct avp_emu_port *port;
	struct avp_emu_port **pp;
	pthread_condattr_t ca;

	if (emu == NULL)
		return NULL;
	port = calloc(1, sizeof(*port));
	if (port == NULL)
		return NULL;
	pthread_mutex_lock(&emu->lock);
	port->idx = emu->nports++;
	pthread_mutex_unlock(&emu->lock);
	if (emu_params_complete(&port->params, p, port->idx) != 0) {
		free(port);
		return NULL;
	}
	port->emu = emu;
	port->sock.lfd = -1;
	port->sock.cfd = -1;
	port->sock.wake_fd = -1;
	pthread_mutex_init(&port->lock, NULL);
	pthread_mutex_init(&port->pend.lock, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&port->cond, &ca);
	pthread_condattr_destroy(&ca);
	port->pend.q = calloc(EMU_PEND_MAX, sizeof(*port->pend.q));
	if (port->pend.q == NULL || emu_dev_create(port) != 0) {
		emu_dev_free(port);
		free(port->pend.q);
		pthread_mutex_destroy(&port->lock);
		pthread_mutex_destroy(&port->pend.lock);
		pthread_cond_destroy(&port->cond);
		free(port);
		return NULL;
	}
	port->mode = AVP_EMU_MODE_CAPTURE;
	port->gen.burst = 32;
	emu_mtu_set(port, 0);
	pthread_mutex_lock(&emu->lock);
	for (pp = &emu->ports; *pp != NULL; pp = &(*pp)->next)
		;
	*pp = port;
	pthread_mutex_unlock(&emu->lock);
	emu_log(port, 2, "created, BAR 2 %" PRIu64 " bytes, %u buffers",
		port->bar2_len, port->nbufs);
	return port;
}

void
avp_emu_port_destroy(struct avp_emu_port *port)
{
	struct avp_emu *emu;
	struct avp_emu_port **pp, *o;

	if (port == NULL)
		return;
	emu = port->emu;
	emu_sock_close(port);
	pthread_mutex_lock(&emu->lock);
	for (pp = &emu->ports; *pp != NULL; pp = &(*pp)->next) {
		if (*pp == port) {
			*pp = port->next;
			break;
		}
	}
	for (o = emu->ports; o != NULL; o = o->next) {
		pthread_mutex_lock(&o->lock);
		if (o->peer == port)
			o->peer = NULL;
		pthread_mutex_unlock(&o->lock);
	}
	pthread_mutex_unlock(&emu->lock);
	emu_pend_clear(port);
	emu_capture_clear(port);
	emu_dev_free(port);
	free(port->pend.q);
	free(port->gen.sizes);
	pthread_mutex_destroy(&port->lock);
	pthread_mutex_destroy(&port->pend.lock);
	pthread_cond_destroy(&port->cond);
	free(port);
}

const char *
avp_emu_port_name(const struct avp_emu_port *port)
{
	return port->params.name;
}

const struct avp_emu_port_params *
avp_emu_port_params_get(const struct avp_emu_port *port)
{
	return &port->params;
}

int
avp_emu_port_set_mode(struct avp_emu_port *port, enum avp_emu_mode mode,
		struct avp_emu_port *peer)
{
	if (port == NULL || (unsigned int)mode > AVP_EMU_MODE_OUTPUT)
		return -EINVAL;
	if (mode == AVP_EMU_MODE_XCONNECT && (peer == NULL || peer == port))
		return -EINVAL;
	pthread_mutex_lock(&port->lock);
	port->mode = mode;
	port->peer = mode == AVP_EMU_MODE_XCONNECT ? peer : NULL;
	memset(port->sink.have, 0, sizeof(port->sink.have));
	pthread_mutex_unlock(&port->lock);
	return 0;
}

void
avp_emu_port_set_output(struct avp_emu_port *port, avp_emu_output_cb cb,
		void *arg)
{
	pthread_mutex_lock(&port->lock);
	port->out_cb = cb;
	port->out_arg = arg;
	pthread_mutex_unlock(&port->lock);
}

void
avp_emu_port_stats_get(struct avp_emu_port *port,
		struct avp_emu_port_stats *st)
{
	pthread_mutex_lock(&port->lock);
	*st = port->st;
	pthread_mutex_lock(&port->pend.lock);
	st->rx_ring_full += port->pend.drops;
	pthread_mutex_unlock(&port->pend.lock);
	pthread_mutex_unlock(&port->lock);
}

void
avp_emu_port_stats_reset(struct avp_emu_port *port)
{
	pthread_mutex_lock(&port->lock);
	memset(&port->st, 0, sizeof(port->st));
	pthread_mutex_lock(&port->pend.lock);
	port->pend.drops = 0;
	pthread_mutex_unlock(&port->pend.lock);
	pthread_mutex_unlock(&port->lock);
}

uint64_t
avp_emu_port_violations(struct avp_emu_port *port)
{
	uint64_t sum = 0;
	unsigned int i;

	pthread_mutex_lock(&port->lock);
	for (i = 0; i < AVP_EMU_V_COUNT; i++)
		sum += port->st.violations[i];
	pthread_mutex_unlock(&port->lock);
	return sum;
}

static void
emu_print_ctr(FILE *f, const char *name, uint64_t v)
{
	if (v != 0)
		fprintf(f, "  %-24s %" PRIu64 "\n", name, v);
}

void
avp_emu_port_stats_print(struct avp_emu_port *port, FILE *f)
{
	static const char * const op_names[AVP_OP_LIMIT + 1] = {
		"req_none", "req_set_mtu", "req_set_link", "req_configure",
		"req_shutdown", "req_unknown",
	};
	struct avp_emu_port_stats st;
	char name[48];
	unsigned int i;

	avp_emu_port_stats_get(port, &st);
	fprintf(f, "port %s:\n", port->params.name);
	for (i = 0; i < AVP_MAX_QUEUES; i++) {
		snprintf(name, sizeof(name), "rx_frames[%u]", i);
		emu_print_ctr(f, name, st.rx_frames[i]);
		snprintf(name, sizeof(name), "rx_bytes[%u]", i);
		emu_print_ctr(f, name, st.rx_bytes[i]);
		snprintf(name, sizeof(name), "tx_frames[%u]", i);
		emu_print_ctr(f, name, st.tx_frames[i]);
		snprintf(name, sizeof(name), "tx_bytes[%u]", i);
		emu_print_ctr(f, name, st.tx_bytes[i]);
	}
	emu_print_ctr(f, "rx_ring_full", st.rx_ring_full);
	emu_print_ctr(f, "rx_no_buf", st.rx_no_buf);
	emu_print_ctr(f, "rx_oversize", st.rx_oversize);
	emu_print_ctr(f, "rx_not_ready", st.rx_not_ready);
	emu_print_ctr(f, "tx_vlan_inserted", st.tx_vlan_inserted);
	emu_print_ctr(f, "tx_over_mtu", st.tx_over_mtu);
	emu_print_ctr(f, "freed_buffers", st.freed_buffers);
	emu_print_ctr(f, "alloc_dry", st.alloc_dry);
	emu_print_ctr(f, "gen_frames", st.gen_frames);
	emu_print_ctr(f, "sink_frames", st.sink_frames);
	emu_print_ctr(f, "sink_bad", st.sink_bad);
	emu_print_ctr(f, "sink_seq_gaps", st.sink_seq_gaps);
	emu_print_ctr(f, "capture_dropped", st.capture_dropped);
	for (i = 0; i <= AVP_OP_LIMIT; i++)
		emu_print_ctr(f, op_names[i], st.requests[i]);
	emu_print_ctr(f, "requests_rejected", st.requests_rejected);
	emu_print_ctr(f, "irq_mask_writes", st.irq_mask_writes);
	emu_print_ctr(f, "mig_ack_writes", st.mig_ack_writes);
	emu_print_ctr(f, "irqs_raised", st.irqs_raised);
	emu_print_ctr(f, "migrations", st.migrations);
	emu_print_ctr(f, "ctrl_replies", st.ctrl_replies);
	emu_print_ctr(f, "ctrl_reply_max_us", st.ctrl_reply_max_us);
	for (i = 0; i < AVP_EMU_V_COUNT; i++) {
		snprintf(name, sizeof(name), "violation_%s",
			avp_emu_violation_name(i));
		emu_print_ctr(f, name, st.violations[i]);
	}
}

void
avp_emu_port_state_get(struct avp_emu_port *port,
		struct avp_emu_port_state *s)
{
	pthread_mutex_lock(&port->lock);
	memset(s, 0, sizeof(*s));
	s->configured = port->configured;
	s->link_up = port->link_up;
	s->cfg = port->cfg;
	s->mtu = port->mtu;
	s->irq_mask = port->regs->irq_mask;
	s->mig_status = port->regs->mig_status;
	s->last_mig_ack = port->mig.last_ack;
	s->instance_id = port->devinfo->instance_id;
	pthread_mutex_unlock(&port->lock);
}

static int
emu_pred_link(struct avp_emu_port *port, const void *arg)
{
	int up = *(const int *)arg;

	if (up)
		return port->configured && port->link_up;
	return !port->link_up;
}

int
avp_emu_wait_link(struct avp_emu_port *port, int up, unsigned int timeout_ms)
{
	int ret;

	up = up != 0;
	pthread_mutex_lock(&port->lock);
	ret = emu_wait(port, emu_pred_link, &up, timeout_ms);
	pthread_mutex_unlock(&port->lock);
	return ret;
}
