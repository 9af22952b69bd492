/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The AVP PMD authors
 */

/*
 * The emulator's types: the port and the emulator object, whose fields
 * are grouped by the layer that owns them (see struct avp_emu_port).
 * Only types here; the functions of each layer are declared in its own
 * header, and a file includes the headers of the layers below its own:
 *
 *   utilities   avp_emu_util.h: log, time, violations, wait, frames
 *   device      avp_emu_dev.h: memory, buffers; avp_emu_ring.h: rings
 *   paths       avp_emu_fault.h, avp_emu_queue.h, then avp_emu_data.h,
 *               then avp_emu_gen.h and avp_emu_ctrl.h; migration
 *               (avp_emu_mig.c) uses them and has no internal header
 *   scheduler   avp_emu_sched.h: the per-port service pass;
 *               avp_emu_sock.h: socket attach
 *   top         avp_emu.c: the service thread, the port life cycle and
 *               the public API (avp_emu.h), whose other entry points
 *               sit in the file of the layer they serve
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

#ifndef AVP_EMU_PORT_H
#define AVP_EMU_PORT_H

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>

#include "avp_abi.h"
#include "avp_emu.h"
#include "avp_emu_ring.h"

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
#define EMU_MAX_BUF_SIZE		4096
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
	struct avp_emu_sock_opts opts;
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
	uint32_t buf_size;
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

#endif /* AVP_EMU_PORT_H */
