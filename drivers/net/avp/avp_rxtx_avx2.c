/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The AVP PMD authors
 */

/* The bursts and the long copy with 32-byte AVX2 moves (-mavx2). */

#include <rte_vect.h>

#define AVP_VEC_BYTES		32
#define AVP_VEC_LOADU(p)	_mm256_loadu_si256((const __m256i *)(p))
#define AVP_VEC_STOREU(p, v)	_mm256_storeu_si256((__m256i *)(p), (v))
#define AVP_VEC_STORE(p, v)	_mm256_store_si256((__m256i *)(p), (v))
#define AVP_VEC_SUFFIX		avx2

#include "avp_rxtx_vec.h"
