/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The AVP PMD authors
 */

/*
 * The data paths, one per instruction set: the simple burst functions
 * and the long frame copy, each set compiled in its own file
 * (avp_rxtx_<set>.c, from avp_rxtx_vec.h) as DPDK's vector paths are.
 * A process uses the widest its CPU has and the EAL's SIMD limit
 * (--force-max-simd-bitwidth) allows, chosen whenever a port starts.
 */

#ifndef AVP_VEC_H
#define AVP_VEC_H

#include <stdint.h>

#include <rte_cpuflags.h>
#include <rte_mbuf.h>

#include "avp_copy.h"

typedef uint16_t (*avp_burst_fn)(void *queue, struct rte_mbuf **pkts,
		uint16_t nb_pkts);

struct avp_vec_path {
	const char *name;
	avp_copy_fn copy;		/* frames longer than 64 bytes */
	avp_burst_fn rx_burst;
	avp_burst_fn tx_burst;
	uint16_t bits;			/* vector width it needs */
	enum rte_cpu_flag_t flag;	/* CPU flag it needs */
};

#define AVP_VEC_DECLARE(set) \
	void avp_copy_ ## set(void *dst, const void *src, uint32_t n); \
	uint16_t avp_rx_burst_ ## set(void *queue, struct rte_mbuf **pkts, \
			uint16_t nb_pkts); \
	uint16_t avp_tx_burst_ ## set(void *queue, struct rte_mbuf **pkts, \
			uint16_t nb_pkts)

AVP_VEC_DECLARE(scalar);
AVP_VEC_DECLARE(sse);
AVP_VEC_DECLARE(avx2);
AVP_VEC_DECLARE(avx512);

/*
 * Chooses the path for this process and returns it. Called whenever a
 * port starts, so a limit set after EAL init is honoured.
 */
const struct avp_vec_path *avp_vec_select(void);
/* The path chosen last (the SSE one before any choice). */
const struct avp_vec_path *avp_vec_current(void);
/* The path whose receive or transmit burst is fn, NULL if none. */
const struct avp_vec_path *avp_vec_of(avp_burst_fn fn);
/*
 * The paths of this build, widest first, for the tests: path i (NULL
 * past the last) and whether the CPU has it.
 */
const struct avp_vec_path *avp_vec_path_get(unsigned int i, int *usable);

#endif /* AVP_VEC_H */
