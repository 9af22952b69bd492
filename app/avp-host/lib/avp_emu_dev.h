/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The AVP PMD authors
 */

/* The device layer: the port's memory (BARs and pool), its buffers and
 * rings. Used by every layer above.
 */

#ifndef AVP_EMU_DEV_H
#define AVP_EMU_DEV_H

#include <string.h>

#include "avp_emu_port.h"
#include "avp_emu_util.h"

/* The data path reads and rewrites a whole record per frame, in one
 * load or store: as a word.
 */
static inline uint64_t
emu_buf_word(uint8_t state, unsigned int ring, uint8_t head, uint8_t nsegs,
		int32_t next)
{
	struct emu_buf b = {
		.state = state,
		.ring = (uint8_t)ring,
		.head = head,
		.nsegs = nsegs,
		.next = next,
	};
	uint64_t w;

	memcpy(&w, &b, sizeof(w));
	return w;
}

static inline uint64_t
emu_buf_get(const struct emu_buf *b)
{
	uint64_t w;

	memcpy(&w, b, sizeof(w));
	return w;
}

static inline void
emu_buf_set(struct emu_buf *b, uint8_t state, unsigned int ring,
		uint8_t head, uint8_t nsegs, int32_t next)
{
	uint64_t w = emu_buf_word(state, ring, head, nsegs, next);

	memcpy(b, &w, sizeof(w));
}

/* Host buffers: handle = buf_va + idx * stride, data after headroom. */
static inline uint64_t
emu_buf_handle(const struct avp_emu_port *port, uint32_t idx)
{
	return port->buf_va + (uint64_t)idx * port->buf_stride;
}

/*
 * Handle to index without a division: the stride is s0 << k with s0 odd
 * and inv the inverse of s0 modulo 2^64. For off = h - buf_va,
 * (off * inv) rotated right by k is off / stride when off is a multiple
 * of the stride, and at least 2^64 / stride (> nbufs) otherwise: one
 * compare checks the range and the alignment. See emu_dev_layout.
 */
static inline int
emu_buf_index(const struct avp_emu_port *port, uint64_t h, uint32_t *idx)
{
	uint64_t x = (h - port->buf_va) * port->stride_inv;
	unsigned int k = port->stride_shift;

	x = (x >> k) | (x << ((64 - k) & 63));
	if (x >= port->nbufs)
		return -1;
	*idx = (uint32_t)x;
	return 0;
}

/*
 * The host virtual addresses in shared memory are where the emulator
 * itself mapped BAR 2 (buf_va is bar2 + pool_off): a handle, once
 * checked, is the host's pointer to the descriptor, and data_va to the
 * bytes.
 */
static inline struct avp_desc *
emu_handle_desc(uint64_t h)
{
	return (struct avp_desc *)(uintptr_t)h;
}

static inline uint64_t
emu_handle_data_va(uint64_t h)
{
	return h + EMU_DESC_SIZE + EMU_HEADROOM;
}

static inline uint8_t *
emu_handle_data(uint64_t h)
{
	return (uint8_t *)(uintptr_t)emu_handle_data_va(h);
}

static inline struct avp_desc *
emu_buf_desc(const struct avp_emu_port *port, uint32_t idx)
{
	return emu_handle_desc(emu_buf_handle(port, idx));
}

static inline uint8_t *
emu_buf_data(const struct avp_emu_port *port, uint32_t idx)
{
	return emu_handle_data(emu_buf_handle(port, idx));
}

static inline uint64_t
emu_buf_data_va(const struct avp_emu_port *port, uint32_t idx)
{
	return emu_handle_data_va(emu_buf_handle(port, idx));
}

/*
 * Every buffer handed out is clean. Only the fields the
 * guest reads are reset: the reserved bytes are host-private (ABI 9),
 * neither side reads them, so a memset of the whole descriptor would
 * only cost time.
 */
static inline void
emu_buf_clean_h(uint64_t h, uint32_t idx)
{
	struct avp_desc *d = emu_handle_desc(h);

	d->host_ref = idx;
	d->flags = 0;
	d->next_va = 0;
	d->data_va = emu_handle_data_va(h);
	d->seg_len = 0;
	d->seg_count = 1;
	d->_rsvd2 = 0;
	d->frame_len = 0;
	d->vlan_tci = 0;
}

static inline void
emu_buf_clean(struct avp_emu_port *port, uint32_t idx)
{
	emu_buf_clean_h(emu_buf_handle(port, idx), idx);
}

/* A single-segment receive frame of len bytes in buffer idx at handle
 * h: every field the guest reads, whatever the descriptor held before.
 * A buffer that comes back for a frame of the same length usually holds
 * these values already: then nothing is written, so the cache line the
 * guest last read stays shared instead of moving to this core and back.
 */
static inline void
emu_buf_rx_single(uint64_t h, uint32_t idx, uint16_t len)
{
	struct avp_desc *d = emu_handle_desc(h);

	if (d->host_ref == idx && d->flags == 0 && d->next_va == 0 &&
			d->data_va == emu_handle_data_va(h) &&
			d->seg_len == len && d->seg_count == 1 &&
			d->_rsvd2 == 0 && d->frame_len == len &&
			d->vlan_tci == 0)
		return;
	d->host_ref = idx;
	d->flags = 0;
	d->next_va = 0;
	d->data_va = emu_handle_data_va(h);
	d->seg_len = len;
	d->seg_count = 1;
	d->_rsvd2 = 0;
	d->frame_len = len;
	d->vlan_tci = 0;
}

/* Sets what the guest told with SET_MTU (0: forgets it). */
static inline void
emu_mtu_set(struct avp_emu_port *port, uint32_t mtu)
{
	port->mtu = mtu;
	port->mtu_frame_max = mtu != 0 ? mtu + AVP_FRAME_OVERHEAD :
		UINT32_MAX;
}

static inline int
emu_buf_pop(struct avp_emu_port *port, uint32_t *idx)
{
	if (port->free_top == 0)
		return -1;
	*idx = port->free_stack[--port->free_top];
	return 0;
}

static inline void
emu_buf_push(struct avp_emu_port *port, uint32_t idx)
{
	struct emu_buf *b = &port->bufs[idx];

	if (b->state == BUF_HOST)
		return;
	b->state = BUF_HOST;
	b->head = 0;
	b->next = -1;
	port->free_stack[port->free_top++] = idx;
}

int emu_dev_create(struct avp_emu_port *port);
void emu_dev_free(struct avp_emu_port *port);
int emu_dev_layout(struct avp_emu_port *port);
void emu_dev_write_images(struct avp_emu_port *port);
void emu_dev_init_data_rings(struct avp_emu_port *port);
void emu_dev_init_ctrl_rings(struct avp_emu_port *port);
void emu_dev_reset_pool(struct avp_emu_port *port);
int emu_dev_remap(struct avp_emu_port *port);
void emu_port_release(struct avp_emu_port *port, int ctrl_rings);

#endif /* AVP_EMU_DEV_H */
