/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The AVP PMD authors
 */

/* Which data path this process uses (see avp_vec.h). */

#include <rte_common.h>
#include <rte_cpuflags.h>
#include <rte_vect.h>

#include "avp_logs.h"
#include "avp_vec.h"

#define AVP_VEC_PATH(set, label, width, cpuflag) { \
	.name = label, \
	.copy = avp_copy_ ## set, \
	.rx_burst = avp_rx_burst_ ## set, \
	.tx_burst = avp_tx_burst_ ## set, \
	.bits = width, \
	.flag = cpuflag, \
}

static const struct avp_vec_path avp_paths[] = {
#ifdef CC_AVX512_SUPPORT
	AVP_VEC_PATH(avx512, "AVX-512", RTE_VECT_SIMD_512,
			RTE_CPUFLAG_AVX512F),
#endif
	AVP_VEC_PATH(avx2, "AVX2", RTE_VECT_SIMD_256, RTE_CPUFLAG_AVX2),
	AVP_VEC_PATH(sse, "SSE", RTE_VECT_SIMD_128, RTE_CPUFLAG_SSE2),
	/* with vector paths disabled (--force-max-simd-bitwidth=64) */
	AVP_VEC_PATH(scalar, "scalar", 0, RTE_CPUFLAG_SSE2),
};

RTE_ATOMIC(avp_copy_fn) avp_copy_long = avp_copy_sse;

static RTE_ATOMIC(unsigned int) avp_vec_chosen = RTE_DIM(avp_paths) - 2;

const struct avp_vec_path *
avp_vec_select(void)
{
	uint16_t limit = rte_vect_get_max_simd_bitwidth();
	unsigned int i;

	for (i = 0; i < RTE_DIM(avp_paths) - 1; i++)
		if (avp_paths[i].bits <= limit &&
		    rte_cpu_get_flag_enabled(avp_paths[i].flag) > 0)
			break;
	if (i != rte_atomic_load_explicit(&avp_vec_chosen,
			rte_memory_order_relaxed))
		PMD_DRV_LOG(INFO, "data path: %s (SIMD limit %u bits)",
			avp_paths[i].name, limit);
	rte_atomic_store_explicit(&avp_vec_chosen, i,
			rte_memory_order_relaxed);
	rte_atomic_store_explicit(&avp_copy_long, avp_paths[i].copy,
			rte_memory_order_relaxed);
	return &avp_paths[i];
}

const struct avp_vec_path *
avp_vec_current(void)
{
	return &avp_paths[rte_atomic_load_explicit(&avp_vec_chosen,
			rte_memory_order_relaxed)];
}

const struct avp_vec_path *
avp_vec_of(avp_burst_fn fn)
{
	unsigned int i;

	for (i = 0; i < RTE_DIM(avp_paths); i++)
		if (avp_paths[i].rx_burst == fn || avp_paths[i].tx_burst == fn)
			return &avp_paths[i];
	return NULL;
}

const struct avp_vec_path *
avp_vec_path_get(unsigned int i, int *usable)
{
	if (i >= RTE_DIM(avp_paths))
		return NULL;
	*usable = rte_cpu_get_flag_enabled(avp_paths[i].flag) > 0;
	return &avp_paths[i];
}
