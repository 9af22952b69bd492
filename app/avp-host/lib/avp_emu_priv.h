/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The AVP PMD authors
 */

/*
 * Internals of the AVP host emulator, shared by its source files.
 *
 * Threads and locks:
 *  - one service thread per emulator; for each pass it holds emu->lock
 *    (the port list) and, port by port, port->lock, which guards all
 *    device, ring, pool, checker and counter state of that port;
 *  - API calls take port->lock; the waiting ones (migrate, unplug, the
 *    wait_* helpers) wait on port->cond, which releases it, so the
 *    service thread keeps answering the guest meanwhile;
 *  - port->pend.lock guards the pending rx queue only; it is taken after
 *    port->lock (or alone, by inject and by a peer's cross-connect), never
 *    the other way round;
 *  - one socket thread per listening port; only it closes the guest's
 *    socket.
 */

#ifndef AVP_EMU_PRIV_H
#define AVP_EMU_PRIV_H

#include <inttypes.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "avp_abi.h"
#include "avp_emu.h"
#include "avp_emu_ring.h"
#include "avp_emu_util.h"

/* memfd layout: BAR 0, BAR 4, BAR 5, then BAR 2. */
#define EMU_BAR0_OFF		0
#define EMU_BAR0_LEN		4096
#define EMU_BAR4_OFF		4096
#define EMU_BAR4_LEN		65536
#define EMU_BAR5_OFF		(EMU_BAR4_OFF + EMU_BAR4_LEN)
#define EMU_BAR5_LEN		4096
#define EMU_BAR2_OFF		(EMU_BAR5_OFF + EMU_BAR5_LEN)

#define EMU_DESC_SIZE		64
#define EMU_HEADROOM		64	/* between descriptor and data */
/* Largest H: AVP_EMU_FRAME_MAX / AVP_MAX_SEGS */
#define EMU_MAX_H		4096
#define EMU_CAPTURE_MAX		1024
#define EMU_PEND_MAX		4096
#define EMU_BOGUS_MAX		64
#define EMU_MIN_MTU		68

/* Where a host buffer is. */
enum emu_buf_state {
	BUF_HOST,		/* in the host's free pool */
	BUF_ALLOC,		/* in alloc[ring], not yet taken */
	BUF_GUEST_TX,		/* taken from alloc by the guest */
	BUF_RX,			/* in rx[ring] (part of a chain) */
	BUF_GUEST_RX,		/* taken from rx by the guest */
};

struct emu_buf {
	uint8_t state;
	uint8_t ring;
	uint8_t head;		/* head of an rx chain */
	uint8_t nsegs;		/* rx chain length (head only) */
	int32_t next;		/* rx chain, host record; -1 ends */
};

_Static_assert(sizeof(struct emu_buf) == sizeof(uint64_t),
	"emu_buf is read and written as one word");

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

/* A frame waiting to be delivered to the guest. */
struct emu_pend {
	uint8_t *data;
	uint32_t len;
	int queue;
	unsigned int flags;
	uint16_t tci;
	uint8_t nsegs;
	uint8_t droppable;	/* drop when it cannot go now */
};

struct emu_cap {
	uint32_t len;
	uint16_t flags;
	uint16_t vlan_tci;
	uint8_t queue;
	uint8_t nsegs;
	uint8_t data[];
};

struct emu_fault {
	int active;
	unsigned int count;	/* 0: until cleared */
	uint64_t arg;
};

enum emu_mig_phase {
	MIG_IDLE,
	MIG_DETACHING,		/* DETACHED raised, ack 1 not seen */
	MIG_RELOCATING,
	MIG_ATTACHING,		/* ATTACHED raised, ack 2 not seen */
};

/*
 * State kept apart by the layer that owns it. The device layer
 * (avp_emu_dev.c) owns the flat fields of struct avp_emu_port: the
 * memory, the rings and the buffer pool, which every layer above reads.
 */

/* Fault injection (avp_emu_fault.c). */
struct emu_fault_state {
	struct emu_fault kind[AVP_EMU_FAULT_COUNT];
	int desc_on;			/* a descriptor fault is active */
	int image;			/* rx[0] index broken on purpose */
	uint64_t bogus[EMU_BOGUS_MAX];	/* handles faults made up */
	unsigned int nbogus;
};

/* Interrupt registers as last polled (avp_emu_ctrl.c). */
struct emu_irq_state {
	uint32_t mask_seen;
	uint32_t latched;
	uint32_t undelivered;
};

/* Migration (avp_emu_mig.c; the ack register polled by avp_emu_ctrl.c). */
struct emu_mig_state {
	enum emu_mig_phase phase;
	int shutdown_seen;
	unsigned int configures;
	uint32_t ack_seen;
	uint32_t last_ack;
};

/* Control faults: one reply held back (avp_emu_ctrl.c). */
struct emu_late_reply {
	int pending;
	uint64_t due_us;
	uint64_t token;
};

/* The service pass's own bookkeeping (avp_emu_sched.c). */
struct emu_sched_state {
	uint64_t req_idle_us;		/* last pass without a request */
	uint32_t req_idle_passes;	/* passes since req_idle_us was read */
	uint32_t scan_passes;		/* every 8th reads all rings */
};

/* GEN mode (avp_emu_gen.c). */
struct emu_gen_state {
	uint16_t *sizes;
	unsigned int nsizes;
	unsigned int size_idx;
	uint64_t count;
	uint64_t done;
	unsigned int burst;
};

/* The sequence checker of SINK and GEN modes (avp_emu_data.c). */
struct emu_sink_state {
	uint64_t next[AVP_MAX_QUEUES];
	uint8_t have[AVP_MAX_QUEUES];
};

/* Pending rx frames: own lock, taken after port->lock (avp_emu_queue.c). */
struct emu_pend_queue {
	pthread_mutex_t lock;
	struct emu_pend *q;
	unsigned int head;
	unsigned int count;
	uint64_t drops;
};

/* Captured tx frames, under port->lock (avp_emu_queue.c). */
struct emu_cap_queue {
	struct emu_cap *q[EMU_CAPTURE_MAX];
	unsigned int head;
	unsigned int count;
};

/* Socket attach (avp_emu_sock.c). */
struct emu_sock_state {
	char *path;
	int lfd;
	int cfd;
	int wake_fd;
	int thread_ok;
	pthread_t thread;
	int stop;
	int force_close;
	int attached;
};

struct avp_emu_port {
	struct avp_emu *emu;
	struct avp_emu_port *next;
	unsigned int idx;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	struct avp_emu_port_params params;	/* current geometry */

	/* memory */
	int memfd;
	int irq_fd;
	uint8_t *map;			/* host mapping of the memfd */
	uint64_t map_len;
	uint64_t bar2_len;
	volatile struct avp_regs *regs;
	struct avp_memmap *memmap;
	struct avp_devinfo *devinfo;
	uint8_t *bar2;
	uint64_t relocs;		/* relocation count */
	int swapped;			/* pool region first in BAR 2 */
	uint64_t rr_len;		/* ring region length */
	uint64_t rr_off;		/* offset in BAR 2 */
	uint64_t rr_pa;
	uint64_t pool_off;
	uint64_t pool_len;		/* bytes of buffers */
	uint64_t pool_region_len;	/* memmap length (page rounded) */
	uint64_t pool_pa;
	uint64_t buf_va;
	uint32_t buf_stride;
	uint64_t stride_inv;		/* emu_buf_index: see there */
	unsigned int stride_shift;
	uint32_t H;
	uint32_t nbufs;
	uint32_t ring_stride;
	uint32_t ctrl_ring_bytes;
	uint64_t ctrl_va;
	struct avp_ctrl_msg *ctrl;

	/* rings and buffer pool */
	struct emu_ring tx[AVP_MAX_QUEUES];
	struct emu_ring rx[AVP_MAX_QUEUES];
	struct emu_ring alloc[AVP_MAX_QUEUES];
	struct emu_ring fr[AVP_MAX_QUEUES];
	struct emu_ring req;
	struct emu_ring resp;
	uint32_t *shadow;		/* alloc and rx slot records */
	struct emu_buf *bufs;
	uint32_t *free_stack;
	uint32_t free_top;
	uint32_t rx_outstanding;	/* buffers in rx rings or the guest */
	uint32_t rx_dirty;		/* rx rings to publish */
	int alloc_dry;

	/* what the guest told us (avp_emu_ctrl.c) */
	int configured;
	int link_up;
	struct avp_cfg cfg;
	uint32_t mtu;			/* 0: not told */
	uint32_t mtu_frame_max;		/* mtu + 18, UINT32_MAX if not told */
	unsigned int stock_txq;		/* alloc rings kept stocked */
	unsigned int rx_rr;
	int after_close;		/* SHUTDOWN from close or unplugged */

	/* traffic, as the API set it */
	enum avp_emu_mode mode;
	struct avp_emu_port *peer;
	avp_emu_output_cb out_cb;
	void *out_arg;
	unsigned int rx_force_segs;	/* avp_emu_port_set_rx_segs */
	enum avp_emu_rx_split rx_split;	/* avp_emu_port_set_rx_split */
	uint64_t rx_split_rng;		/* its PRNG state */

	struct emu_fault_state fault;
	struct emu_irq_state irq;
	struct emu_mig_state mig;
	struct emu_late_reply late;
	struct emu_sched_state sched;
	struct emu_gen_state gen;
	struct emu_sink_state sink;
	struct emu_pend_queue pend;
	struct emu_cap_queue cap;
	struct emu_sock_state sock;
	struct avp_emu_port_stats st;

	uint8_t scratch[AVP_EMU_FRAME_MAX + 64];
	uint8_t scratch2[AVP_EMU_FRAME_MAX + 64];
};

struct avp_emu {
	pthread_mutex_t lock;		/* port list, held for a pass */
	struct avp_emu_port *ports;
	unsigned int nports;
	pthread_t thread;
	int running;
	int stop;
	pthread_mutex_t log_lock;
	FILE *log;
	int log_level;
};

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
 * Section 9.3: every buffer handed out is clean. Only the fields the
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

/* avp_emu_dev.c */
int emu_dev_create(struct avp_emu_port *port);
void emu_dev_free(struct avp_emu_port *port);
int emu_dev_layout(struct avp_emu_port *port);
void emu_dev_write_images(struct avp_emu_port *port);
void emu_dev_init_data_rings(struct avp_emu_port *port);
void emu_dev_init_ctrl_rings(struct avp_emu_port *port);
void emu_dev_reset_pool(struct avp_emu_port *port);
int emu_dev_remap(struct avp_emu_port *port);
void emu_port_release(struct avp_emu_port *port, int ctrl_rings);

/* avp_emu_ctrl.c */
int emu_ctrl_service(struct avp_emu_port *port, uint32_t req_prod);
void emu_regs_poll(struct avp_emu_port *port);
void emu_irq_raise(struct avp_emu_port *port, uint32_t cause);
void emu_irq_clear(struct avp_emu_port *port, uint32_t cause);

/* avp_emu_queue.c */
void emu_capture_push(struct avp_emu_port *port, unsigned int q,
		const uint8_t *f, uint32_t len, uint16_t flags, uint16_t tci,
		uint8_t nsegs);
void emu_capture_clear(struct avp_emu_port *port);
int emu_pend_push(struct avp_emu_port *port, const void *frame, uint32_t len,
		int queue, unsigned int flags, uint16_t tci, uint8_t nsegs,
		int droppable);
void emu_pend_clear(struct avp_emu_port *port);

/*
 * pend_count changes under pend_lock only; the service pass peeks at it
 * without the lock (emu_pend_waiting) and takes the lock only when frames
 * wait. A frame queued just after the peek goes in the next pass.
 */
static inline void
emu_pend_count_set(struct avp_emu_port *port, unsigned int n)
{
	__atomic_store_n(&port->pend.count, n, __ATOMIC_RELAXED);
}

static inline int
emu_pend_waiting(struct avp_emu_port *port)
{
	return __atomic_load_n(&port->pend.count, __ATOMIC_RELAXED) != 0;
}


/* The oldest pending frame, NULL when none (pend_lock held). */
static inline const struct emu_pend *
emu_pend_head(const struct avp_emu_port *port)
{
	return port->pend.count != 0 ? &port->pend.q[port->pend.head] : NULL;
}

/* Drops the oldest pending frame (pend_lock held). */
static inline void
emu_pend_pop(struct avp_emu_port *port)
{
	free(port->pend.q[port->pend.head].data);
	port->pend.head = (port->pend.head + 1) % EMU_PEND_MAX;
	emu_pend_count_set(port, port->pend.count - 1);
}

/* avp_emu_data.c */
#define SNAP_BAD	UINT32_MAX
#define DELIVER_OK	0
#define DELIVER_DROP	1

void emu_ring_bad_index(struct avp_emu_port *port, struct emu_ring *er,
		uint32_t v);
void emu_data_sync(struct avp_emu_port *port);
int emu_consume_tx(struct avp_emu_port *port);
void emu_consume_tx_now(struct avp_emu_port *port);
int emu_consume_free(struct avp_emu_port *port);
int emu_rx_ready(const struct avp_emu_port *port);
int emu_rx_deliver(struct avp_emu_port *port, int q, const uint8_t *f,
		uint32_t len, unsigned int iflags, uint16_t tci,
		unsigned int force_segs, int droppable);
int emu_deliver_pending(struct avp_emu_port *port);
void emu_rx_publish(struct avp_emu_port *port);
void emu_restock(struct avp_emu_port *port);
int emu_restock_wanted(const struct avp_emu_port *port);
uint32_t emu_rx_ring_frames(struct avp_emu_port *port);

/* Room on rx[q], counted from the consumer index last accounted for
 * (emu_data_sync), not the live one: the host never has more than N - 1
 * entries beyond what it has seen the guest take, so the shadow records
 * and the ownership of every slot stay unambiguous.
 */
static inline uint32_t
emu_rx_room(const struct avp_emu_port *port, unsigned int q)
{
	return emu_ring_room(&port->rx[q], port->rx[q].seen);
}

/* Whether emu_rx_deliver() would place a frame that fits one buffer as
 * it is, in one buffer: then the in-place paths (GEN, LOOPBACK) may do
 * its work.
 */
static inline int
emu_rx_in_place_ok(const struct avp_emu_port *port)
{
	return !port->fault.desc_on && port->rx_force_segs <= 1 &&
		port->rx_split == AVP_EMU_RX_SPLIT_OFF;
}

/* What a pass read of the guest's indexes, before doing any work. */
struct emu_snap {
	uint32_t req_prod;
	uint32_t txp[AVP_MAX_QUEUES];	/* producer indexes, or SNAP_BAD */
	uint32_t frp[AVP_MAX_QUEUES];
	uint32_t allocc[AVP_MAX_QUEUES];	/* consumer indexes */
	uint32_t rxc[AVP_MAX_QUEUES];
	uint32_t ready;		/* q: tx[q] not empty, 8 + q: free[q] */
	uint32_t moved;		/* q: alloc[q] taken, 8 + q: rx[q] */
};

/* A producer index of a guest-produced ring: SNAP_BAD when out of range
 * (counted), else whether entries wait (1) or not (0).
 */
static inline int
emu_snap_prod(struct avp_emu_port *port, struct emu_ring *er, uint32_t *v)
{
	if (emu_ring_peer_idx(&er->r->prod_idx, er->mask, v) != 0) {
		emu_ring_bad_index(port, er, *v);
		*v = SNAP_BAD;
		return 0;
	}
	return *v != er->pos;
}

/*
 * Reads the indexes the guest writes on the rings of queues 0 to nq - 1:
 * every producer index first, so that whatever the guest enqueued before
 * them is visible once the consumer indexes are read after. Nonzero when
 * something moved.
 */
static inline uint32_t
emu_snap_rings(struct avp_emu_port *port, struct emu_snap *s, unsigned int nq)
{
	unsigned int q;

	s->ready = 0;
	s->moved = 0;
	for (q = 0; q < nq; q++) {
		if (emu_snap_prod(port, &port->tx[q], &s->txp[q]))
			s->ready |= 1u << q;
		if (emu_snap_prod(port, &port->fr[q], &s->frp[q]))
			s->ready |= 1u << (AVP_MAX_QUEUES + q);
	}
	/* checked by sync_ring(), when they moved */
	for (q = 0; q < nq; q++) {
		s->allocc[q] = __atomic_load_n(&port->alloc[q].r->cons_idx,
			__ATOMIC_ACQUIRE);
		s->rxc[q] = __atomic_load_n(&port->rx[q].r->cons_idx,
			__ATOMIC_ACQUIRE);
		if (s->allocc[q] != port->alloc[q].seen)
			s->moved |= 1u << q;
		if (s->rxc[q] != port->rx[q].seen)
			s->moved |= 1u << (AVP_MAX_QUEUES + q);
	}
	return s->ready | s->moved;
}


int emu_guest_work(struct avp_emu_port *port, const struct emu_snap *s);

/* avp_emu_gen.c */
int emu_gen_wanted(const struct avp_emu_port *port);
int emu_generate(struct avp_emu_port *port);

/* avp_emu_sched.c */
int emu_port_service(struct avp_emu_port *port);

/* avp_emu_fault.c */
int emu_fault_take(struct avp_emu_port *port, enum avp_emu_fault f,
		uint64_t *arg);
int emu_fault_active(const struct avp_emu_port *port,
		enum avp_emu_fault f);
void emu_fault_refresh(struct avp_emu_port *port);
uint64_t emu_bogus_make(struct avp_emu_port *port);
int emu_bogus_is(const struct avp_emu_port *port, uint64_t h);

/* avp_emu_frame.c */
void emu_frame_build_burst(uint8_t *const *bufs, unsigned int n,
		uint32_t len, uint64_t seq, const uint8_t dst[AVP_MAC_LEN],
		const uint8_t src[AVP_MAC_LEN]);

/* avp_emu_sock.c */
void emu_sock_close(struct avp_emu_port *port);

#endif /* AVP_EMU_PRIV_H */
