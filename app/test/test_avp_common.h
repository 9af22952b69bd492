/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The AVP PMD authors
 */

/*
 * Fixtures shared by the avp_autotest suites (test_avp_*.c): the
 * in-process host emulator and its ports, the mempools, port bring-up,
 * frame builders and checkers, bounded waits, the ethdev event counter
 * and the traffic threads.
 *
 * Life cycle: avpt_suite_setup/avpt_suite_teardown hold the emulator and
 * the mempools for the whole run; every case runs between
 * avpt_ut_setup and avpt_ut_teardown (AVPT_CASE), and the teardown
 * releases whatever the case left behind, also when it failed early:
 * traffic threads, event callbacks, ports, mempools made with
 * case_pool_create, and a stopped emulator.
 */

#ifndef TEST_AVP_COMMON_H
#define TEST_AVP_COMMON_H

#include <inttypes.h>
#include <stdint.h>

#include <rte_cycles.h>
#include <rte_ethdev.h>
#include <rte_mbuf.h>

#include "test.h"
#include "avp_emu.h"

/*
 * Every bounded wait. Long: it only ends a test that would hang, it never
 * paces one, and sanitizer builds on a busy machine are slow.
 */
#define WAIT_MS		10000
#define MAX_TPORTS	4
#define BIG_FRAME	AVP_DOCUMENTED_MAX_FRAME_LEN

/* A case run with the common per-case setup and teardown. */
#define AVPT_CASE(f)	TEST_CASE_ST(avpt_ut_setup, avpt_ut_teardown, f)

/* Milliseconds of the EAL timer: the clock of every bounded wait. */
static inline uint64_t
now_ms(void)
{
	return rte_get_timer_cycles() * 1000 / rte_get_timer_hz();
}

/* An emulator port and the ethdev port attached to it. */
struct tport {
	struct avp_emu_port *ep;
	char name[32];
	char sock[256];
	char xargs[32];		/* more devargs, e.g. ",announce=0" */
	uint16_t port;
	int probed;
};

/* How a port is configured: queues, offloads, MTU, receive pool. */
struct pconf {
	uint16_t nrx, ntx;
	uint64_t rxoff, txoff;
	uint16_t mtu;
	struct rte_mempool *mp;	/* NULL: pool */
};

extern struct avp_emu *emu;
extern struct rte_mempool *pool;	/* 2048-byte data room */
extern struct rte_mempool *pool_small;	/* 256-byte data room */
extern const uint8_t peer_mac[RTE_ETHER_ADDR_LEN];
extern const struct pconf conf1;	/* one queue pair */
extern const struct pconf conf_jumbo;	/* scatter, multi-segs, 9238 */

/* ---- fixtures ---- */

int avpt_suite_setup(void);
void avpt_suite_teardown(void);
/*
 * rte_log lines from now on are kept as well; avpt_log_release ends the
 * capture and returns 1 when they hold needle exactly once (and prints
 * them when not).
 */
void avpt_log_capture(void);
int avpt_log_release(const char *needle);
int avpt_ut_setup(void);
void avpt_ut_teardown(void);
/* Ends a case: ports released, no violation, no mbuf leaked. */
int case_end(void);
/* A mempool freed by the case teardown, whatever the case's outcome. */
struct rte_mempool *case_pool_create(const char *name, unsigned int n,
		uint16_t data_room);

/* ---- ports ---- */

void params_default(struct avp_emu_port_params *p);
/* A vdev name nobody used yet (net_avp_emuN). */
void vdev_name_next(char *name, size_t size);
struct tport *tport_new(const struct avp_emu_port_params *pp);
struct tport *tport_create(const struct avp_emu_port_params *pp);
struct tport *tport_up(const struct avp_emu_port_params *pp,
		enum avp_emu_mode m, const struct pconf *c);
int tport_probe(struct tport *t);
void tport_unprobe(struct tport *t);
const uint8_t *tport_mac(const struct tport *t);
int port_configure(uint16_t port, const struct pconf *c);
int port_start(uint16_t port, const struct pconf *c);
int port_start_lsc(uint16_t port, uint16_t nq, uint64_t rxoff);
/* Waits until the emulator has seen the guest's socket close. */
int wait_detached(struct tport *t);

/* ---- frames and mbufs ---- */

void fill_frame(uint8_t *f, uint32_t len, const uint8_t *dst, uint32_t salt);
struct rte_mbuf *mbuf_from(struct rte_mempool *mp, const uint8_t *f,
		uint32_t len, const uint16_t *segs, unsigned int nsegs);
int mbuf_equals(const struct rte_mbuf *m, const uint8_t *f, uint32_t len);
void rarp_build(uint8_t *f, const uint8_t *mac);
int is_rarp(const struct rte_mbuf *m);

/* ---- traffic ---- */

int inject(struct tport *t, const uint8_t *f, uint32_t len,
		const struct avp_emu_inject_opts *o);
int tx_one(uint16_t port, uint16_t q, struct rte_mbuf *m);
unsigned int rx_wait(uint16_t port, uint16_t q, struct rte_mbuf **pkts,
		unsigned int n);
unsigned int rx_drain(uint16_t port, uint16_t nq, unsigned int ms);
int rx_until_drained(struct tport *t, uint16_t nq, unsigned int *frames);
int loop_one(struct tport *t, uint32_t len);
int loop_sizes(struct tport *t, uint32_t lo, uint32_t hi, uint32_t step);
int filter_round(struct tport *t, const uint8_t *const *dst, unsigned int n,
		unsigned int accept, uint64_t filtered);
uint64_t host_placed(struct tport *t, unsigned int r);
int wait_placed(struct tport *t, unsigned int r, uint64_t want);

/* ---- counters ---- */

int xstat(uint16_t port, const char *name, uint64_t *v);

#define ASSERT_XSTAT(port, name, want) do { \
	uint64_t v_ = UINT64_MAX; \
	TEST_ASSERT_SUCCESS(xstat(port, name, &v_), "xstat %s missing", name); \
	TEST_ASSERT_EQUAL(v_, (uint64_t)(want), "xstat %s = %" PRIu64 \
		", expected %" PRIu64, name, v_, (uint64_t)(want)); \
} while (0)

#define ASSERT_NOT_NULL(p, what) TEST_ASSERT_NOT_NULL(p, "%s failed", what)

/* ---- ethdev events (any RTE_ETH_EVENT_*) ---- */

/* Counts type on port from zero; the teardown unregisters it. */
int event_watch(uint16_t port, enum rte_eth_event_type type);
void event_unwatch(uint16_t port, enum rte_eth_event_type type);
void event_reset(enum rte_eth_event_type type);
int event_count(enum rte_eth_event_type type);
/* Waits (bounded) until n events of type were counted. */
int event_wait(enum rte_eth_event_type type, int n);

/* ---- traffic threads: one per queue, a bounded window in flight ---- */

#define MT_QUEUES	4
#define MT_WINDOW	256	/* frames in flight, all queues together */
#define MT_BURST	8	/* each thread may overshoot by one burst */
/* the most a relocation can find on the rx rings: the window, the
 * overshoot and the last announcement looped back
 */
#define MT_BOUND	(MT_WINDOW + MT_QUEUES * MT_BURST + 1)

struct mt_ctl {
	uint16_t port;
	const uint8_t *mac;
	volatile int stop;
	uint64_t sent;		/* atomics */
	uint64_t received;
	uint64_t lost;		/* reported by the emulator at relocation */
	uint64_t announced;	/* migrations done: one RARP each */
	uint64_t bad;
	uint64_t rarp;
	uint64_t tx_refused;
	uint32_t max_len;	/* longest frame sent; 0: 1509 */
};

/* Starts one thread per queue (max_len 0: 1509); NULL on failure. */
struct mt_ctl *mt_start(struct tport *t, unsigned int nq, uint32_t max_len);
/* Stops and joins the threads; nothing when none runs. */
void mt_stop(void);
/* Receives until every frame sent came back or was lost (bounded). */
void mt_settle(struct tport *t, uint64_t announced);

/* ---- the suites of avp_autotest ---- */

extern struct unit_test_suite avp_config_suite;
extern struct unit_test_suite avp_datapath_suite;
extern struct unit_test_suite avp_queue_suite;
extern struct unit_test_suite avp_faults_suite;
extern struct unit_test_suite avp_migration_suite;
extern struct unit_test_suite avp_pci_suite;
extern struct unit_test_suite avp_legacy_suite;

#endif /* TEST_AVP_COMMON_H */
