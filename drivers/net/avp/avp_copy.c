/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The AVP PMD authors
 */

/* Which long frame copy this process uses (see avp_copy.h). */

#include <rte_cpuflags.h>
#include <rte_vect.h>

#include "avp_copy.h"
#include "avp_logs.h"

/* With vector paths disabled (--force-max-simd-bitwidth=64). */
void
avp_copy_scalar(void *dst, const void *src, uint32_t n)
{
	memcpy(dst, src, n);
}

static const struct {
	avp_copy_fn fn;
	const char *name;
	uint16_t bits;
	enum rte_cpu_flag_t flag;
} avp_copies[] = {
#ifdef CC_AVX512_SUPPORT
	{ avp_copy_avx512, "AVX-512", RTE_VECT_SIMD_512, RTE_CPUFLAG_AVX512F },
#endif
	{ avp_copy_avx2, "AVX2", RTE_VECT_SIMD_256, RTE_CPUFLAG_AVX2 },
	{ avp_copy_sse, "SSE", RTE_VECT_SIMD_128, RTE_CPUFLAG_SSE2 },
	{ avp_copy_scalar, "scalar", 0, RTE_CPUFLAG_SSE2 },
};

RTE_ATOMIC(avp_copy_fn) avp_copy_long = avp_copy_sse;

static unsigned int avp_copy_chosen = RTE_DIM(avp_copies) - 2;

const char *
avp_copy_select(void)
{
	uint16_t limit = rte_vect_get_max_simd_bitwidth();
	unsigned int i;

	for (i = 0; i < RTE_DIM(avp_copies) - 1; i++)
		if (avp_copies[i].bits <= limit &&
		    rte_cpu_get_flag_enabled(avp_copies[i].flag) > 0)
			break;
	if (i != avp_copy_chosen)
		PMD_DRV_LOG(INFO, "frame copy: %s (SIMD limit %u bits)",
			avp_copies[i].name, limit);
	avp_copy_chosen = i;
	rte_atomic_store_explicit(&avp_copy_long, avp_copies[i].fn,
			rte_memory_order_relaxed);
	return avp_copies[i].name;
}

const char *
avp_copy_name(void)
{
	return avp_copies[avp_copy_chosen].name;
}

const char *
avp_copy_routine(unsigned int i, avp_copy_fn *fn, int *usable)
{
	if (i >= RTE_DIM(avp_copies))
		return NULL;
	*fn = avp_copies[i].fn;
	*usable = rte_cpu_get_flag_enabled(avp_copies[i].flag) > 0;
	return avp_copies[i].name;
}
