/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The AVP PMD authors
 */

/*
 * AVP host emulator: plays the Wind River virtual switch for AVP ports.
 * Plain C and pthreads, no DPDK dependency. Used in-process by the tests
 * (app/test/test_avp.c) and by the avp-hostd daemon.
 *
 * An emulator (struct avp_emu) owns ports and one service thread that
 * polls every port: it answers control requests, consumes what the guest
 * transmits, reclaims freed buffers, restocks the alloc rings and produces
 * receive traffic according to the port's traffic mode.
 *
 * All functions are thread-safe unless stated otherwise. Functions that
 * wait take a timeout in milliseconds and return -ETIMEDOUT when it
 * expires. Errors are negative errno values.
 */

#ifndef AVP_EMU_H
#define AVP_EMU_H

#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include "avp_abi.h"

#ifdef __cplusplus
extern "C" {
#endif

struct avp_emu;
struct avp_emu_port;

/* Largest frame the emulator moves (5 host buffers of the largest size). */
#define AVP_EMU_FRAME_MAX	(AVP_MAX_SEGS * 4096)

/* Port geometry and identity. Zero fields take the defaults below. */
struct avp_emu_port_params {
	char name[AVP_IFNAME_LEN];	/* host_ifname; default "avpN" */
	uint8_t mac[AVP_MAC_LEN];	/* default 02:41:56:50:00:N */
	uint8_t rx_queues_max;		/* 1..8, default 8 */
	uint8_t tx_queues_max;		/* 1..8, default 8 */
	uint8_t rx_queues_min;		/* 1..rx_queues_max, default 1 */
	uint8_t tx_queues_min;		/* default 1 */
	uint32_t ring_slots;		/* data rings, 2^n, default 1024 */
	uint32_t ctrl_ring_slots;	/* request/response, default 16 */
	uint32_t buf_data_size;		/* H, default 2048 */
	uint32_t buf_count;		/* host buffers, default 8192 */
	uint32_t max_frame_len;		/* M, default 9238 */
	uint32_t features;		/* default AVP_FEAT_VLAN_OFFLOAD */
	int no_vlan_offload;		/* 1: advertise no feature at all */
	uint32_t host_version;		/* default AVP_HOST_VERSION */
	uint64_t instance_id;		/* default: random, non-zero */
};

/* Fills in every default (the port index n picks the name and MAC). */
void avp_emu_port_params_default(struct avp_emu_port_params *p,
		unsigned int n);

/* Traffic modes: what happens to frames the guest transmits and where
 * frames the guest receives come from.
 */
enum avp_emu_mode {
	AVP_EMU_MODE_CAPTURE,	/* tx frames queued for avp_emu_capture_pop */
	AVP_EMU_MODE_LOOPBACK,	/* tx frames come back on the same port */
	AVP_EMU_MODE_XCONNECT,	/* tx frames go to the peer port's rx */
	AVP_EMU_MODE_GEN,	/* generator produces rx; tx frames sunk */
	AVP_EMU_MODE_SINK,	/* tx frames verified, counted, dropped */
	AVP_EMU_MODE_OUTPUT,	/* tx frames handed to an output callback */
};

/* Emulator life cycle. */
struct avp_emu *avp_emu_create(void);
/* Stops the service thread, releases every port. */
void avp_emu_destroy(struct avp_emu *emu);
/* Starts/stops the service thread (ports may be added either way). */
int avp_emu_start(struct avp_emu *emu);
void avp_emu_stop(struct avp_emu *emu);
/* Log destination (default stderr) and verbosity (0 errors .. 2 debug). */
void avp_emu_set_log(struct avp_emu *emu, FILE *f, int level);

/* Port life cycle: builds the BAR images in a fresh memfd. */
struct avp_emu_port *avp_emu_port_create(struct avp_emu *emu,
		const struct avp_emu_port_params *p);
void avp_emu_port_destroy(struct avp_emu_port *port);
const char *avp_emu_port_name(const struct avp_emu_port *port);
const struct avp_emu_port_params *avp_emu_port_params_get(
		const struct avp_emu_port *port);

/* Traffic mode. peer is used by XCONNECT only (both ports name each
 * other). Default mode is CAPTURE.
 */
int avp_emu_port_set_mode(struct avp_emu_port *port, enum avp_emu_mode mode,
		struct avp_emu_port *peer);

/* OUTPUT mode: called from the service thread for each guest frame. The
 * frame is only valid during the call. The port is locked meanwhile: the
 * callback may call avp_emu_inject (on any port) but no other function
 * on its own port.
 */
typedef void (*avp_emu_output_cb)(void *arg, struct avp_emu_port *port,
		unsigned int queue, const uint8_t *frame, uint32_t len);
void avp_emu_port_set_output(struct avp_emu_port *port, avp_emu_output_cb cb,
		void *arg);

/* The guest's view of the BARs. Each call maps the memfd again at a new
 * address (distinct from the host's own mapping), as a guest would;
 * release with avp_emu_bars_unmap. irq_fd is an eventfd the emulator
 * writes when it raises an interrupt (owned by the port: do not close).
 */
struct avp_emu_bars {
	void *addr[AVP_BAR_COUNT];	/* NULL when the BAR is absent */
	uint64_t len[AVP_BAR_COUNT];
	uint64_t offset[AVP_BAR_COUNT];	/* inside the memfd */
	void *map_base;
	uint64_t map_len;
	int memfd;			/* owned by the port: do not close */
	int irq_fd;			/* owned by the port: do not close */
};
int avp_emu_port_bars(struct avp_emu_port *port, struct avp_emu_bars *bars);
void avp_emu_bars_unmap(struct avp_emu_bars *bars);

/* UNIX socket attach (avp_attach_proto.h): serves the port at path until
 * the port is destroyed. One guest at a time; the guest closing the
 * socket resets the port to its unconfigured state (MTU not told).
 */
int avp_emu_port_listen(struct avp_emu_port *port, const char *path);

/* Who may reach a socket: its file's mode and owner, and the peers
 * (SO_PEERCRED) accepted on it. A peer with the emulator's effective uid,
 * or root, is always accepted.
 */
struct avp_emu_sock_opts {
	unsigned int mode;	/* permission bits of the socket file */
	uid_t owner;		/* (uid_t)-1: the emulator's */
	gid_t group;		/* (gid_t)-1: the emulator's */
	uid_t allow_uid;	/* also accepted; (uid_t)-1: nobody else */
	gid_t allow_gid;	/* peers of this gid too; (gid_t)-1: none */
};
#define AVP_EMU_SOCK_MODE	0600
/* The defaults: mode 0600, owned by the emulator, peers of its own uid. */
void avp_emu_sock_opts_default(struct avp_emu_sock_opts *o);
/* avp_emu_port_listen with opts (NULL: the defaults). */
int avp_emu_port_listen_opts(struct avp_emu_port *port, const char *path,
		const struct avp_emu_sock_opts *opts);
/* Binds the UNIX socket fd to path with opts' mode and owner: the file
 * never has wider permissions than asked. 0 or a negative errno.
 */
int avp_emu_sock_bind(int fd, const char *path,
		const struct avp_emu_sock_opts *opts);
/* 1 when a peer of uid/gid may use a socket of an emulator running as
 * self, else 0.
 */
int avp_emu_peer_allowed(const struct avp_emu_sock_opts *opts, uid_t self,
		uid_t uid, gid_t gid);
/* Asks the attached guest to let go (UNPLUG), waits for it to close the
 * socket, then forcibly closes it if it did not.
 * Returns 0 when the guest released it, -ETIMEDOUT when forced, -ENOTCONN
 * when no guest was attached.
 */
int avp_emu_port_unplug(struct avp_emu_port *port, unsigned int timeout_ms);
/* 1 while a guest is attached over the socket. */
int avp_emu_port_attached(struct avp_emu_port *port);

/* Host to guest: queue a frame for delivery on the rx rings. queue < 0
 * spreads over the negotiated rx rings round-robin. vlan: when
 * AVP_EMU_INJ_VLAN is set, the frame is delivered with the TCI in the
 * descriptor (as the host does after stripping a tag). Frames are
 * delivered by the service thread when the port is configured and the
 * link is up; returns -ENOSPC when the pending queue is full.
 */
#define AVP_EMU_INJ_VLAN	0x1	/* deliver with RX_VLAN and tci */
#define AVP_EMU_INJ_SEGS	0x2	/* split into nsegs segments */
struct avp_emu_inject_opts {
	int queue;
	unsigned int flags;
	uint16_t vlan_tci;
	uint8_t nsegs;			/* with AVP_EMU_INJ_SEGS: 1..5 */
};
int avp_emu_inject(struct avp_emu_port *port, const void *frame,
		uint32_t len, const struct avp_emu_inject_opts *opts);
/* Splits every frame delivered to the guest, in any mode, into at least
 * nsegs segments (1..5; 0 or 1 restores the default). Only for a guest in
 * chained mode: a simple-mode guest drops multi-segment frames.
 */
int avp_emu_port_set_rx_segs(struct avp_emu_port *port, unsigned int nsegs);
/* How frames delivered to the guest are split into segments. */
enum avp_emu_rx_split {
	AVP_EMU_RX_SPLIT_OFF,		/* fewest segments, or rx_segs/nsegs */
	AVP_EMU_RX_SPLIT_RANDOM,	/* random points, see below */
};
/* RANDOM: every frame delivered to the guest, in any mode and injected
 * ones too, is cut at random points into 1..5 segments of 1..H bytes
 * each (at least as many as rx_segs or the inject nsegs ask for). About
 * one frame in four has a 1-byte first segment and one in eight a first
 * segment of 2..5 bytes, when the frame is long enough and still fits
 * in 5 segments. A frame that cannot be cut so keeps the usual split.
 * The cut points come from a per-port PRNG seeded with seed (0: a fixed
 * default), so a run can be repeated. Only for a guest in chained mode.
 */
int avp_emu_port_set_rx_split(struct avp_emu_port *port,
		enum avp_emu_rx_split mode, uint32_t seed);
/* Waits until every injected frame has been placed on an rx ring and the
 * guest has consumed it (freed its buffers).
 */
int avp_emu_wait_rx_drained(struct avp_emu_port *port,
		unsigned int timeout_ms);

/* Guest to host (CAPTURE mode): frames the guest transmitted. */
struct avp_emu_frame {
	uint32_t len;
	uint16_t flags;			/* head descriptor flags */
	uint16_t vlan_tci;
	uint8_t queue;			/* tx ring index */
	uint8_t nsegs;
	uint8_t data[AVP_EMU_FRAME_MAX];
};
/* Pops the oldest captured frame: 1 when one was popped, 0 when none. */
int avp_emu_capture_pop(struct avp_emu_port *port, struct avp_emu_frame *f);
/* Waits until at least n frames are waiting in the capture queue. */
int avp_emu_wait_captured(struct avp_emu_port *port, unsigned int n,
		unsigned int timeout_ms);

/* Generator (GEN mode) and sink/verifier. Generated frames are addressed
 * to the port's MAC and carry a sequence number and a checksum that
 * avp_emu_frame_verify checks. Once the guest has set an MTU, a size
 * above MTU + 18 is generated as MTU + 18 bytes.
 */
struct avp_emu_gen_params {
	const uint16_t *sizes;		/* frame sizes, used in turn */
	unsigned int nsizes;
	uint64_t count;			/* 0: unlimited */
	unsigned int burst;		/* per service pass, default 32 */
};
int avp_emu_port_set_gen(struct avp_emu_port *port,
		const struct avp_emu_gen_params *gp);
/* Builds a verifiable frame of len bytes (>= 60) into buf. */
void avp_emu_frame_build(uint8_t *buf, uint32_t len, uint64_t seq,
		const uint8_t dst[AVP_MAC_LEN], const uint8_t src[AVP_MAC_LEN]);
/* 0 when buf holds an intact frame built by avp_emu_frame_build; *seq
 * gets its sequence number. -EINVAL otherwise.
 */
int avp_emu_frame_verify(const uint8_t *buf, uint32_t len, uint64_t *seq);

/* The strict checker: what the guest did wrong, by kind. */
enum avp_emu_violation {
	AVP_EMU_V_BAD_HANDLE,	/* not a buffer handle the host issued */
	AVP_EMU_V_NOT_OWNED,	/* buffer returned twice / not the guest's */
	AVP_EMU_V_SEG_COUNT,	/* seg_count > 5 or not the chain length */
	AVP_EMU_V_CHAIN_LONG,	/* chain longer than 5 or cyclic */
	AVP_EMU_V_SEG_LEN,	/* seg_len > buf_data_size */
	AVP_EMU_V_FRAME_LEN,	/* frame_len != sum of seg_len */
	AVP_EMU_V_FRAME_SIZE,	/* frame longer than the maximum */
	AVP_EMU_V_DATA_VA,	/* data_va changed by the guest */
	AVP_EMU_V_FLAGS,	/* undefined flag bits, or VLAN not offered */
	AVP_EMU_V_RING_INDEX,	/* guest index out of range / over-run */
	AVP_EMU_V_CTRL_TOKEN,	/* request token != ctrl_area_va */
	AVP_EMU_V_CTRL_REQUEST,	/* invalid request (op, queue counts) */
	AVP_EMU_V_FREE_RING,	/* buffer freed on a ring other than its rx */
	AVP_EMU_V_AFTER_CLOSE,	/* ring activity after SHUTDOWN/unplug */
	AVP_EMU_V_OVER_MTU,	/* tx frame_len > MTU + 18 after SET_MTU */
	AVP_EMU_V_COUNT
};
const char *avp_emu_violation_name(enum avp_emu_violation v);

struct avp_emu_port_stats {
	/* host to guest */
	uint64_t rx_frames[AVP_MAX_QUEUES];	/* placed on rx[q] */
	uint64_t rx_bytes[AVP_MAX_QUEUES];
	uint64_t rx_ring_full;		/* dropped: rx ring had no room */
	uint64_t rx_no_buf;		/* dropped: host pool empty */
	uint64_t rx_oversize;		/* dropped: longer than max_frame_len */
	uint64_t rx_not_ready;		/* dropped: port not configured/up */
	/* guest to host */
	uint64_t tx_frames[AVP_MAX_QUEUES];	/* consumed from tx[q] */
	uint64_t tx_bytes[AVP_MAX_QUEUES];
	uint64_t tx_vlan_inserted;
	uint64_t tx_over_mtu;		/* dropped: above MTU + 18 */
	uint64_t freed_buffers;		/* reclaimed from free rings */
	uint64_t alloc_dry;		/* restock found the pool empty */
	/* traffic modes */
	uint64_t gen_frames;
	uint64_t sink_frames;
	uint64_t sink_bad;		/* failed avp_emu_frame_verify */
	uint64_t sink_seq_gaps;		/* frames missing between seqs */
	uint64_t capture_dropped;	/* capture queue full */
	/* control */
	uint64_t requests[AVP_OP_LIMIT + 1];	/* by op; [LIMIT]: unknown */
	uint64_t requests_rejected;	/* answered with a negative status */
	uint64_t irq_mask_writes;	/* changes seen to irq_mask */
	uint64_t mig_ack_writes;	/* acknowledgements seen */
	uint64_t irqs_raised;
	uint64_t migrations;
	/* strict checker */
	uint64_t violations[AVP_EMU_V_COUNT];
	/* control reply timing: from the last service pass that found the
	 * request ring empty to the reply (an upper bound of the latency)
	 */
	uint64_t ctrl_replies;
	uint64_t ctrl_reply_total_us;
	uint64_t ctrl_reply_max_us;
};
/* Snapshot of the counters. */
void avp_emu_port_stats_get(struct avp_emu_port *port,
		struct avp_emu_port_stats *st);
void avp_emu_port_stats_reset(struct avp_emu_port *port);
/* Sum of every strict-checker counter. */
uint64_t avp_emu_port_violations(struct avp_emu_port *port);
/* Prints every non-zero counter. */
void avp_emu_port_stats_print(struct avp_emu_port *port, FILE *f);

/* What the guest has told the host. */
struct avp_emu_port_state {
	int configured;			/* a CONFIGURE succeeded, no SHUTDOWN */
	int link_up;
	struct avp_cfg cfg;		/* the last accepted CONFIGURE */
	/* Last accepted SET_MTU; 0: not told (since the port was created,
	 * reset, left by a socket guest or migrated). While not 0, the host
	 * drops tx frames whose frame_len is above mtu + 18 (tx_over_mtu,
	 * violation over_mtu) and generates none longer; frames already on
	 * the tx rings when SET_MTU comes are judged by the old value.
	 * Injected frames are not limited.
	 */
	uint32_t mtu;
	uint32_t irq_mask;
	uint32_t mig_status;
	uint32_t last_mig_ack;
	uint64_t instance_id;		/* current devinfo value */
};
void avp_emu_port_state_get(struct avp_emu_port *port,
		struct avp_emu_port_state *s);
/* Waits until the port is configured with link up (or down). */
int avp_emu_wait_link(struct avp_emu_port *port, int up,
		unsigned int timeout_ms);

/* Live migration ("Live migration and hot-plug" in avp.rst).
 * Synchronous: detach, relocate to new host addresses, attach. Must not
 * be called from an output callback.
 */
struct avp_emu_migrate_opts {
	unsigned int ack_timeout_ms;	/* each acknowledgement, default 5000 */
	int reorder_memmap;		/* lay BAR 2 regions in a new order */
	/* The destination's geometry; 0 keeps the current value. */
	uint8_t rx_queues_min;
	uint8_t rx_queues_max;
	uint8_t tx_queues_max;
	uint32_t buf_data_size;
	uint32_t max_frame_len;
	int drop_vlan_offload;		/* destination lacks the feature */
	int change_mac;			/* destination advertises another MAC */
};
struct avp_emu_migrate_result {
	uint32_t detach_ack;		/* value the guest acknowledged */
	uint32_t attach_ack;
	uint64_t detach_us;		/* DETACHED raised to ack seen */
	uint64_t attach_us;		/* ATTACHED raised to ack seen */
	uint64_t frames_lost;		/* frames on rings discarded */
	int reconfigured;		/* guest sent CONFIGURE on attach */
};
/* The destination host has not been told the MTU: the port's mtu is 0
 * after a relocation, until the guest sends SET_MTU again.
 * Returns 0 when both acknowledgements came; -ETIMEDOUT when one did
 * not; -ECANCELED when the guest acknowledged ERROR (at detach the port
 * keeps its memory and the state it had; at attach the guest stays
 * detached); -EPROTO for another value; -EBUSY while a migration runs;
 * -EINVAL for an impossible geometry. res is filled in every case.
 */
int avp_emu_port_migrate(struct avp_emu_port *port,
		const struct avp_emu_migrate_opts *opts,
		struct avp_emu_migrate_result *res);
/* Scenario helpers: set mig_status to any value and latch the migration
 * cause (or any cause bits) and signal, without the rest of the protocol.
 */
int avp_emu_port_set_mig_status(struct avp_emu_port *port, uint32_t status,
		int raise);
int avp_emu_port_raise_irq(struct avp_emu_port *port, uint32_t cause);
/* Waits for mig_ack to become value; returns it or -ETIMEDOUT. An ERROR
 * acknowledgement ends the wait early: AVP_MIG_ERROR is returned.
 */
int avp_emu_port_wait_mig_ack(struct avp_emu_port *port, uint32_t value,
		unsigned int timeout_ms);

/* Fault injection. Image faults rewrite the BAR images now (use before
 * the guest probes); descriptor faults apply to the next `count` frames
 * the host delivers (or buffers it stocks); control faults to the next
 * `count` requests. count 0 means until cleared with AVP_EMU_FAULT_NONE.
 */
enum avp_emu_fault {
	AVP_EMU_FAULT_NONE,
	/* BAR images */
	AVP_EMU_FAULT_DEVINFO_MAGIC,
	AVP_EMU_FAULT_DEVINFO_VERSION,	/* arg: version word */
	AVP_EMU_FAULT_MEMMAP_MAGIC,
	AVP_EMU_FAULT_MEMMAP_VERSION,
	AVP_EMU_FAULT_MEMMAP_COUNT,	/* arg: count */
	AVP_EMU_FAULT_RING_NSLOTS,	/* a data ring's nslots: not 2^n */
	AVP_EMU_FAULT_RING_OUTSIDE,	/* a ring PA outside every region */
	AVP_EMU_FAULT_RING_INDEX,	/* a host-written index >= nslots */
	AVP_EMU_FAULT_QUEUES,		/* rx_queues_min > rx_queues_max */
	AVP_EMU_FAULT_BUF_REGION,	/* buf_region_pa outside the map */
	/* descriptors of delivered frames */
	AVP_EMU_FAULT_DESC_HANDLE,	/* rx ring slot outside the pool */
	AVP_EMU_FAULT_DESC_DATA_VA,	/* data_va outside the pool */
	AVP_EMU_FAULT_DESC_NEXT_VA,	/* next_va outside the pool */
	AVP_EMU_FAULT_DESC_SEG_LEN,	/* seg_len > buf_data_size */
	AVP_EMU_FAULT_DESC_CHAIN_LONG,	/* 6 segments */
	AVP_EMU_FAULT_DESC_CHAIN_CYCLE,	/* zero-length self-linked segment */
	AVP_EMU_FAULT_DESC_FRAME_LEN,	/* frame_len != sum of seg_len */
	AVP_EMU_FAULT_DESC_OVERSIZE,	/* frame_len > max_frame_len */
	AVP_EMU_FAULT_ALLOC_DIRTY,	/* alloc buffers with stale fields */
	AVP_EMU_FAULT_ALLOC_HANDLE,	/* alloc ring slot outside the pool */
	/* control channel */
	AVP_EMU_FAULT_CTRL_NO_REPLY,
	AVP_EMU_FAULT_CTRL_LATE_REPLY,	/* arg: delay in ms, default 600 */
	AVP_EMU_FAULT_CTRL_BAD_TOKEN,
	AVP_EMU_FAULT_CTRL_STATUS,	/* arg: status, default -22 */
	AVP_EMU_FAULT_COUNT
};
int avp_emu_port_fault(struct avp_emu_port *port, enum avp_emu_fault fault,
		uint64_t arg, unsigned int count);
const char *avp_emu_fault_name(enum avp_emu_fault f);
/* Rebuilds clean BAR images and rings (undoes image faults) and forgets
 * what the guest told (configuration, MTU). Only while no guest is using
 * the port.
 */
int avp_emu_port_reset(struct avp_emu_port *port);

#ifdef __cplusplus
}
#endif

#endif /* AVP_EMU_H */
