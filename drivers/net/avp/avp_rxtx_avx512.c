/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The AVP PMD authors
 */

/*
 * The bursts and the long copy with 64-byte AVX-512 moves (-mavx512f),
 * only where the EAL's SIMD limit allows 512 bits.
 */

#include <rte_vect.h>

#define AVP_VEC_BYTES		64
#define AVP_VEC_LOADU(p)	_mm512_loadu_si512((const void *)(p))
#define AVP_VEC_STOREU(p, v)	_mm512_storeu_si512((void *)(p), (v))
#define AVP_VEC_STORE(p, v)	_mm512_store_si512((void *)(p), (v))
#define AVP_VEC_SUFFIX		avx512

#include "avp_rxtx_vec.h"
