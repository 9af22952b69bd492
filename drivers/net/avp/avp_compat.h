/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The AVP PMD authors
 */

/*
 * What differs between the DPDK releases this driver builds on (22.11,
 * 23.11, 24.11, 25.11). The code is written for the newest API; this
 * header gives the older releases the same names, and is the only place
 * that tests RTE_VERSION.
 */

#ifndef AVP_COMPAT_H
#define AVP_COMPAT_H

#include <ethdev_driver.h>
#include <rte_log.h>
#include <rte_thread.h>
#include <rte_version.h>

#define AVP_DPDK_AT_LEAST(y, m) (RTE_VERSION >= RTE_VERSION_NUM(y, m, 0, 0))

/*
 * Atomics: rte_stdatomic.h from 23.11; before it, the same names on the
 * compiler builtins that rte_stdatomic.h itself uses without C11 atomics.
 */
#if AVP_DPDK_AT_LEAST(23, 11)
#include <rte_stdatomic.h>
#else
#define __rte_atomic
#define RTE_ATOMIC(type) type
#define rte_memory_order_relaxed __ATOMIC_RELAXED
#define rte_memory_order_acquire __ATOMIC_ACQUIRE
#define rte_memory_order_release __ATOMIC_RELEASE
#define rte_memory_order_seq_cst __ATOMIC_SEQ_CST
#define rte_atomic_load_explicit(ptr, mo) __atomic_load_n(ptr, mo)
#define rte_atomic_store_explicit(ptr, val, mo) __atomic_store_n(ptr, val, mo)
#define rte_atomic_fetch_or_explicit(ptr, val, mo) \
	__atomic_fetch_or(ptr, val, mo)
#define rte_atomic_fetch_and_explicit(ptr, val, mo) \
	__atomic_fetch_and(ptr, val, mo)
#endif

/* One log line per call, without a hand-written newline: 24.11. */
#ifndef RTE_LOG_LINE
#define RTE_LOG_LINE(level, type, fmt, ...) \
	RTE_LOG(level, type, fmt "\n", ##__VA_ARGS__)
#endif

/*
 * The port's control thread: rte_thread control threads from 23.11
 * (rte_ctrl_thread_create is gone); a pthread one before.
 */
#if AVP_DPDK_AT_LEAST(23, 11)
typedef rte_thread_t avp_thread_t;

static inline int
avp_thread_start(avp_thread_t *t, const char *name, rte_thread_func fn,
		void *arg)
{
	return rte_thread_create_internal_control(t, name, fn, arg);
}

static inline void
avp_thread_join(avp_thread_t t)
{
	rte_thread_join(t, NULL);
}

static inline void
avp_thread_detach(avp_thread_t t)
{
	rte_thread_detach(t);
}

static inline int
avp_thread_is_self(avp_thread_t t)
{
	return rte_thread_equal(rte_thread_self(), t);
}
#else
#include <pthread.h>
#include <stdlib.h>

typedef pthread_t avp_thread_t;

struct avp_thread_call {
	rte_thread_func fn;
	void *arg;
};

static inline void *
avp_thread_run(void *p)
{
	struct avp_thread_call c = *(struct avp_thread_call *)p;

	free(p);
	c.fn(c.arg);
	return NULL;
}

static inline int
avp_thread_start(avp_thread_t *t, const char *name, rte_thread_func fn,
		void *arg)
{
	struct avp_thread_call *c = malloc(sizeof(*c));
	int ret;

	if (c == NULL)
		return ENOMEM;
	c->fn = fn;
	c->arg = arg;
	ret = rte_ctrl_thread_create(t, name, NULL, avp_thread_run, c);
	if (ret != 0)
		free(c);
	return ret;
}

static inline void
avp_thread_join(avp_thread_t t)
{
	pthread_join(t, NULL);
}

static inline void
avp_thread_detach(avp_thread_t t)
{
	pthread_detach(t);
}

static inline int
avp_thread_is_self(avp_thread_t t)
{
	return pthread_equal(pthread_self(), t);
}
#endif

/*
 * stats_get: from 25.11 the per-queue counters come in a separate,
 * optional struct. AVP_STATS_GET_ARGS are the op's parameters and
 * AVP_QSTATS(st) is where the per-queue counters go (NULL: nowhere).
 */
#if AVP_DPDK_AT_LEAST(25, 11)
#define AVP_STATS_GET_ARGS struct rte_eth_dev *dev, \
	struct rte_eth_stats *st, struct eth_queue_stats *qstats
#define AVP_QSTATS(st) (qstats)
#else
#define AVP_STATS_GET_ARGS struct rte_eth_dev *dev, struct rte_eth_stats *st
#define AVP_QSTATS(st) (st)
#endif

/* rx_queue_count returns an int from 25.11, a uint32_t before. */
#if AVP_DPDK_AT_LEAST(25, 11)
typedef int avp_rx_queue_count_t;
#else
typedef uint32_t avp_rx_queue_count_t;
#endif

#endif /* AVP_COMPAT_H */
