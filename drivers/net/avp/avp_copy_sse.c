/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The AVP PMD authors
 */

/* The long frame copy with 16-byte SSE moves, the x86-64 baseline. */

#include <rte_vect.h>

typedef __m128i avp_vec_t;
#define AVP_VEC_BYTES		16
#define AVP_VEC_LOADU(p)	_mm_loadu_si128((const __m128i *)(p))
#define AVP_VEC_STOREU(p, v)	_mm_storeu_si128((__m128i *)(p), (v))
#define AVP_VEC_STORE(p, v)	_mm_store_si128((__m128i *)(p), (v))
#define AVP_COPY_NAME		avp_copy_sse

#include "avp_copy_vec.h"
