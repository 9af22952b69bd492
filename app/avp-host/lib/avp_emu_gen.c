/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The AVP PMD authors
 */

/* GEN mode: the generator of numbered, checksummed frames for the
 * guest's receive side. Runs with port->lock held, like the data path
 * whose receive production it uses.
 */

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "avp_emu_data.h"
#include "avp_emu_gen.h"

static const uint8_t gen_src_mac[AVP_MAC_LEN] = {
	0x02, 0x48, 0x4f, 0x53, 0x54, 0x00
};

#define GEN_CHUNK	32

/*
 * GEN fast path: up to n single-segment frames of len bytes built in
 * place in host buffers and put on rx[q], without the copy through
 * emu_rx_deliver(), as many as the pool has. Returns how many; the caller
 * accounts for them.
 */
static unsigned int
emu_gen_in_place(struct avp_emu_port *port, unsigned int q, unsigned int n,
		uint16_t len, const uint8_t *src)
{
	struct emu_ring *er = &port->rx[q];
	uint64_t rec = emu_buf_word(BUF_RX, q, 1, 1, -1);
	uint32_t idx[GEN_CHUNK], pos, mask = er->mask;
	uint32_t *shadow = er->shadow;
	volatile uint64_t *slots = er->r->slots;
	uint64_t h[GEN_CHUNK];
	uint8_t *bufs[GEN_CHUNK];
	unsigned int done = 0, c, j;

	if (n > port->free_top)
		n = port->free_top;
	while (done < n) {
		c = n - done < GEN_CHUNK ? n - done : GEN_CHUNK;
		for (j = 0; j < c; j++) {
			idx[j] = port->free_stack[--port->free_top];
			h[j] = emu_buf_handle(port, idx[j]);
			bufs[j] = emu_handle_data(h[j]);
			/* read below while the frames are built */
			__builtin_prefetch(emu_handle_desc(h[j]));
		}
		emu_frame_build_burst(bufs, c, len, port->gen.done + done,
			port->params.mac, src);
		pos = er->pos;
		for (j = 0; j < c; j++) {
			emu_buf_rx_single(h[j], idx[j], len);
			memcpy(&port->bufs[idx[j]], &rec, sizeof(rec));
			shadow[pos] = idx[j];
			slots[pos] = h[j];
			pos = (pos + 1) & mask;
		}
		er->pos = pos;
		done += c;
	}
	return done;
}

/* Frames the generator would place now: its early exits, without work. */
int
emu_gen_wanted(const struct avp_emu_port *port)
{
	unsigned int q;

	if (port->mode != AVP_EMU_MODE_GEN || !emu_rx_ready(port) ||
			(port->gen.count != 0 &&
			port->gen.count == port->gen.done))
		return 0;
	for (q = 0; q < port->cfg.rx_queues &&
			q < port->params.rx_queues_max; q++)
		if (emu_rx_room(port, q) != 0)
			return 1;
	return 0;
}

/* A generated frame's length: never above what the guest's MTU allows. */
static inline uint16_t
emu_gen_len(const struct avp_emu_port *port, uint16_t len)
{
	return len > port->mtu_frame_max ? (uint16_t)port->mtu_frame_max :
		len;
}

/* GEN mode: bursts of verifiable frames, flow-controlled by ring room. */
int
emu_generate(struct avp_emu_port *port)
{
	static const uint16_t def_size = 64;
	const uint16_t *sizes = port->gen.sizes;
	unsigned int nsizes = port->gen.nsizes;
	unsigned int q, i, k;
	uint32_t lim;
	uint8_t src[AVP_MAC_LEN];
	int work = 0;

	if (port->mode != AVP_EMU_MODE_GEN || !emu_rx_ready(port))
		return 0;
	if (sizes == NULL) {
		sizes = &def_size;
		nsizes = 1;
	}
	/* frames up to lim bytes go in place, the others through deliver */
	lim = port->buf_size < port->params.max_frame_len ? port->buf_size :
		port->params.max_frame_len;
	if (!emu_rx_in_place_ok(port))
		lim = 0;
	memcpy(src, gen_src_mac, sizeof(src));
	src[5] = (uint8_t)port->idx;
	for (q = 0; q < port->cfg.rx_queues &&
			q < port->params.rx_queues_max; q++) {
		uint64_t left = port->gen.count != 0 ?
			port->gen.count - port->gen.done : UINT64_MAX;

		if (left == 0)
			break;
		k = emu_rx_room(port, q);
		if (k > port->gen.burst)
			k = port->gen.burst;
		if (k > left)
			k = (unsigned int)left;
		if (nsizes == 1 && emu_gen_len(port, sizes[0]) <= lim) {
			uint16_t len = emu_gen_len(port, sizes[0]);

			/* one size, in place: the whole burst at once */
			i = emu_gen_in_place(port, q, k, len, src);
			port->gen.done += i;
			port->st.gen_frames += i;
			if (i != 0) {
				port->rx_dirty |= 1u << q;
				port->rx_outstanding += i;
				port->st.rx_frames[q] += i;
				port->st.rx_bytes[q] += (uint64_t)i * len;
				work = 1;
			}
			continue;
		}
		for (i = 0; i < k; i++) {
			uint16_t len = emu_gen_len(port,
				sizes[port->gen.size_idx]);
			uint64_t seq = port->gen.done;

			if (len <= lim) {
				if (emu_gen_in_place(port, q, 1, len, src) == 0)
					break;
				port->rx_dirty |= 1u << q;
				port->rx_outstanding++;
				port->st.rx_frames[q]++;
				port->st.rx_bytes[q] += len;
			} else {
				avp_emu_frame_build(port->scratch2, len, seq,
					port->params.mac, src);
				if (emu_rx_deliver(port, (int)q, port->scratch2,
						len, 0, 0, 0, 0) == -EAGAIN)
					break;
			}
			port->gen.size_idx = (port->gen.size_idx + 1) % nsizes;
			port->gen.done++;
			port->st.gen_frames++;
			work = 1;
		}
	}
	return work;
}


int
avp_emu_port_set_gen(struct avp_emu_port *port,
		const struct avp_emu_gen_params *gp)
{
	uint16_t *sizes;
	unsigned int i, n;

	if (port == NULL || gp == NULL)
		return -EINVAL;
	n = gp->nsizes != 0 && gp->sizes != NULL ? gp->nsizes : 1;
	sizes = calloc(n, sizeof(*sizes));
	if (sizes == NULL)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		sizes[i] = gp->nsizes != 0 && gp->sizes != NULL ?
			gp->sizes[i] : 64;
		if (sizes[i] < 60 || sizes[i] > AVP_EMU_FRAME_MAX) {
			free(sizes);
			return -EINVAL;
		}
	}
	pthread_mutex_lock(&port->lock);
	free(port->gen.sizes);
	port->gen.sizes = sizes;
	port->gen.nsizes = n;
	port->gen.size_idx = 0;
	port->gen.count = gp->count;
	port->gen.done = 0;
	port->gen.burst = gp->burst != 0 ? gp->burst : 32;
	pthread_mutex_unlock(&port->lock);
	return 0;
}
