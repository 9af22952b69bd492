/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The AVP PMD authors
 */

/* The bursts and the long copy with 16-byte SSE moves, the baseline. */

#include <rte_vect.h>

#define AVP_VEC_BYTES		16
#define AVP_VEC_LOADU(p)	_mm_loadu_si128((const __m128i *)(p))
#define AVP_VEC_STOREU(p, v)	_mm_storeu_si128((__m128i *)(p), (v))
#define AVP_VEC_STORE(p, v)	_mm_store_si128((__m128i *)(p), (v))
#define AVP_VEC_SUFFIX		sse

#include "avp_rxtx_vec.h"
