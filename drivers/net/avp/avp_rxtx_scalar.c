/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The AVP PMD authors
 */

/*
 * The bursts and the long copy with 8-byte words, where the EAL's SIMD
 * limit disables vector paths (--force-max-simd-bitwidth=64).
 */

#include <stdint.h>
#include <string.h>

#include <rte_common.h>

static __rte_always_inline uint64_t
avp_word_load(const void *p)
{
	uint64_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static __rte_always_inline void
avp_word_store(void *p, uint64_t v)
{
	memcpy(p, &v, sizeof(v));
}

#define AVP_VEC_BYTES		8
#define AVP_VEC_LOADU(p)	avp_word_load(p)
#define AVP_VEC_STOREU(p, v)	avp_word_store((p), (v))
#define AVP_VEC_STORE(p, v)	avp_word_store((p), (v))
#define AVP_VEC_SUFFIX		scalar

#include "avp_rxtx_vec.h"
