/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The AVP PMD authors
 */

#ifndef AVP_WAIT_H
#define AVP_WAIT_H

/*
 * The clock of the driver's bounded waits: for a burst to end, for a
 * control reply, for the host to make room. It counts only the time the
 * waiting thread could run. A poll that comes back more than
 * AVP_WAIT_STALL_MS late means the whole guest was stopped (by the
 * hypervisor, a debugger, a sanitizer's stop-the-world), and what the
 * thread waits for was stopped with it: the deadline moves by the stall.
 * Stalls move it by AVP_WAIT_STALL_MAX_MS at most, so that a wait stays
 * bounded on a machine that stalls all the time.
 */

#include <stdint.h>

#include <rte_common.h>
#include <rte_cycles.h>

#define AVP_WAIT_STALL_MS	50
#define AVP_WAIT_STALL_MAX_MS	10000

struct avp_wait {
	uint64_t deadline;	/* timer cycles */
	uint64_t last;		/* when the thread last looked */
	uint64_t credit;	/* stall time the deadline may still move by */
};

/* A wait that ends at deadline (timer cycles), which may have passed. */
static inline void
avp_wait_until(struct avp_wait *w, uint64_t deadline)
{
	w->deadline = deadline;
	w->last = rte_get_timer_cycles();
	w->credit = rte_get_timer_hz() * AVP_WAIT_STALL_MAX_MS / 1000;
}

/* A wait of ms milliseconds from now. */
static inline void
avp_wait_ms(struct avp_wait *w, unsigned int ms)
{
	avp_wait_until(w, rte_get_timer_cycles() +
			rte_get_timer_hz() * ms / 1000);
}

/*
 * Whether the wait is over. The caller looks at what it waits for first,
 * then asks this, then naps: after a stall, what it waits for gets a
 * chance to move before the wait ends.
 */
static inline int
avp_wait_expired(struct avp_wait *w)
{
	uint64_t now = rte_get_timer_cycles();
	uint64_t gap = now - w->last;

	w->last = now;
	if (gap > rte_get_timer_hz() * AVP_WAIT_STALL_MS / 1000) {
		gap = RTE_MIN(gap, w->credit);
		w->credit -= gap;
		w->deadline += gap;
	}
	return now >= w->deadline;
}

#endif /* AVP_WAIT_H */
