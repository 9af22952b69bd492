/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The AVP PMD authors
 */

/*
 * A minimal raw AVP guest for tests: maps the BARs (from an in-process
 * emulator port or over the attach socket), translates the device info,
 * sends control requests, transmits and receives frames, acknowledges
 * migrations and, on request, misbehaves in well-defined ways.
 *
 * Not thread-safe: one thread drives one guest (a migration thread may
 * call avp_tg_mig_service while the owner waits in the emulator).
 */

#ifndef AVP_TEST_GUEST_H
#define AVP_TEST_GUEST_H

#include <stdint.h>

#include "avp_abi.h"
#include "avp_emu.h"

/* Deliberate mistakes, each aimed at one strict-checker violation. */
enum avp_tg_bad {
	AVP_TG_BAD_NONE,
	AVP_TG_BAD_HANDLE,	/* tx a handle the host never issued */
	AVP_TG_BAD_NOT_OWNED,	/* tx a buffer still in the alloc ring */
	AVP_TG_BAD_SEG_COUNT,	/* seg_count != chain length */
	AVP_TG_BAD_CHAIN_LONG,	/* cyclic chain */
	AVP_TG_BAD_SEG_LEN,	/* seg_len > H */
	AVP_TG_BAD_FRAME_LEN,	/* frame_len != sum of seg_len */
	AVP_TG_BAD_FRAME_SIZE,	/* frame_len > 5 * H */
	AVP_TG_BAD_DATA_VA,	/* data_va moved */
	AVP_TG_BAD_FLAGS,	/* undefined flag bit */
	AVP_TG_BAD_RING_INDEX,	/* tx prod_idx >= nslots */
	AVP_TG_BAD_CTRL_TOKEN,	/* request token != ctrl_area_va */
	AVP_TG_BAD_CTRL_REQUEST,	/* CONFIGURE with too many queues */
	AVP_TG_BAD_FREE_RING,	/* rx buffer freed on another free ring */
	AVP_TG_BAD_DOUBLE_FREE,	/* rx buffer freed twice */
	AVP_TG_BAD_AFTER_CLOSE,	/* tx enqueue after close */
	AVP_TG_BAD_COUNT
};

struct avp_tg {
	/* mapping */
	uint8_t *map;
	uint64_t map_len;
	int own_map;			/* map came from the socket */
	struct avp_emu_bars bars;	/* map came from a port */
	int sock;			/* attach socket or -1 */
	int irq_fd;			/* eventfd (owned when own_map) */
	int memfd;
	uint8_t *bar[AVP_BAR_COUNT];
	uint64_t bar_len[AVP_BAR_COUNT];
	/* translated device */
	volatile struct avp_regs *regs;
	struct avp_memmap *memmap;
	struct avp_devinfo *devinfo;
	struct avp_ring *tx[AVP_MAX_QUEUES];
	struct avp_ring *rx[AVP_MAX_QUEUES];
	struct avp_ring *alloc[AVP_MAX_QUEUES];
	struct avp_ring *free[AVP_MAX_QUEUES];
	struct avp_ring *req;
	struct avp_ring *resp;
	struct avp_ctrl_msg *ctrl;
	uint64_t ctrl_va;
	uint8_t *buf_base;		/* T(buf_region_pa) */
	uint64_t buf_va;
	uint64_t buf_len;
	uint32_t buf_data_size;
	uint64_t instance_id;
	/* guest state */
	int configured;
	int started;
	int detached;
	struct avp_cfg cfg;		/* last CONFIGURE sent */
	/* migration knobs */
	int mig_force_error;		/* acknowledge 3 instead */
	int mig_no_reconfigure;		/* skip CONFIGURE on re-attach */
	unsigned int mig_events;	/* events handled */
	/* last request */
	int last_status;
};

/* Received frame information. */
struct avp_tg_rxinfo {
	uint16_t flags;
	uint16_t vlan_tci;
	uint8_t nsegs;
	uint8_t queue;
	uint16_t seg_len[AVP_MAX_SEGS];	/* of each segment, in order */
};

/* Milliseconds of CLOCK_MONOTONIC: the clock of every bounded wait. */
uint64_t avp_tg_now_ms(void);

/* Maps the BARs of an in-process port. */
int avp_tg_open_port(struct avp_tg *g, struct avp_emu_port *port);
/* Attaches through the socket at path (HELLO, DEVICE). Returns the
 * REJECT status (negative) when the host refused.
 */
int avp_tg_open_socket(struct avp_tg *g, const char *path,
		const char *name);
/* Sends a raw HELLO with the given fields; returns the reply type
 * (AVP_ATTACH_MSG_*) and fills *status. The socket is closed afterwards.
 */
int avp_tg_raw_hello(const char *path, uint32_t magic, uint16_t version,
		uint16_t type, int32_t *status);
/* 1 when the host sent UNPLUG on the socket (non-blocking check). */
int avp_tg_unplug_pending(struct avp_tg *g);
void avp_tg_close(struct avp_tg *g);
/* (Re-)reads the device info and translates every address. */
int avp_tg_attach(struct avp_tg *g);

/* Control requests: return the status the host wrote, or
 * AVP_ERR_CTRL_TIMEOUT / AVP_ERR_CTRL_BAD_REPLY / AVP_ERR_CTRL_RING_FULL.
 */
int avp_tg_request(struct avp_tg *g, struct avp_ctrl_msg *msg,
		unsigned int timeout_ms);
/* Its two halves, for a request the host is to find among other work:
 * post enqueues it (0 or AVP_ERR_CTRL_RING_FULL), wait takes the reply.
 */
int avp_tg_request_post(struct avp_tg *g, const struct avp_ctrl_msg *msg);
int avp_tg_request_wait(struct avp_tg *g, struct avp_ctrl_msg *msg,
		unsigned int timeout_ms);
int avp_tg_configure(struct avp_tg *g, uint16_t tx_queues,
		uint16_t rx_queues, uint32_t features, uint8_t link_up);
int avp_tg_set_link(struct avp_tg *g, uint8_t up);
int avp_tg_shutdown(struct avp_tg *g);
int avp_tg_set_mtu(struct avp_tg *g, uint32_t mtu);
/* A SET_MTU message, for avp_tg_request_post. */
void avp_tg_mtu_msg(struct avp_ctrl_msg *m, uint32_t mtu);
int avp_tg_op(struct avp_tg *g, uint32_t op);
/* Close as the reference does: irq_mask = 0, then SHUTDOWN. */
int avp_tg_close_port(struct avp_tg *g);

/* Transmits one frame on tx[q] using nsegs alloc buffers (0: as few as
 * needed). flags/tci go into the head. Returns 0 or -EAGAIN when alloc
 * has too few buffers or tx is full.
 */
int avp_tg_tx(struct avp_tg *g, unsigned int q, const void *frame,
		uint32_t len, unsigned int nsegs, uint16_t flags, uint16_t tci);
/* Transmits a frame with one deliberate mistake (see enum avp_tg_bad). */
int avp_tg_tx_bad(struct avp_tg *g, unsigned int q, enum avp_tg_bad bad);
/* Receives one frame from rx[q] into buf, returns its buffers on free[q].
 * Returns the frame length, 0 when the ring is empty, or -EINVAL for a
 * descriptor the guest refuses (its buffers are still returned).
 */
int avp_tg_rx(struct avp_tg *g, unsigned int q, void *buf, uint32_t size,
		struct avp_tg_rxinfo *info);
/* Receives one frame and returns it wrongly (FREE_RING or DOUBLE_FREE). */
int avp_tg_rx_bad(struct avp_tg *g, unsigned int q, enum avp_tg_bad bad);
/* Waits up to timeout_ms for a frame on any of the first nq rx rings. */
int avp_tg_rx_wait(struct avp_tg *g, unsigned int nq, void *buf,
		uint32_t size, struct avp_tg_rxinfo *info,
		unsigned int timeout_ms);
/* Elements in a ring. */
uint32_t avp_tg_ring_count(const struct avp_ring *r);

/* Handles one pending interrupt (if any): reads irq_status and
 * mig_status, detaches or re-attaches, writes mig_ack. Waits up to
 * timeout_ms for the eventfd. Returns 1 when an event was handled, 0 when
 * none came.
 */
int avp_tg_mig_service(struct avp_tg *g, unsigned int timeout_ms);

#endif /* AVP_TEST_GUEST_H */
