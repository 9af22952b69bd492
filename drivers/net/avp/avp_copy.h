/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The AVP PMD authors
 */

/*
 * Frame copies between mbufs and host buffers for the general loops:
 * frames of up to 64 bytes inline with the baseline instruction set,
 * longer ones by the long copy of the data path chosen at run time
 * (avp_vec.h), which aligns its stores on the destination.
 */

#ifndef AVP_COPY_H
#define AVP_COPY_H

#include <stdint.h>
#include <string.h>

#include <rte_branch_prediction.h>
#include <rte_common.h>
#include <rte_vect.h>

#include "avp_compat.h"

/* dst and src do not overlap; n > 64 (shorter copies are inline). */
typedef void (*avp_copy_fn)(void *dst, const void *src, uint32_t n);

/*
 * The long copy of this process's data path (avp_vec_select), for the
 * general loops; not in shared memory. A port starting on one lcore may
 * change it while others' bursts read it.
 */
extern RTE_ATOMIC(avp_copy_fn) avp_copy_long;

static __rte_always_inline void
avp_copy_long_call(void *dst, const void *src, uint32_t n)
{
	avp_copy_fn fn = rte_atomic_load_explicit(&avp_copy_long,
			rte_memory_order_relaxed);

	fn(dst, src, n);
}

/* Up to 64 bytes, exactly [0, n) of both buffers, baseline SSE. */
static __rte_always_inline void
avp_copy_short(uint8_t *d, const uint8_t *s, uint32_t n)
{
	if (likely(n >= 16)) {
		__m128i a = _mm_loadu_si128((const __m128i *)s);
		__m128i b = _mm_loadu_si128((const __m128i *)(s + n - 16));

		if (n > 32) {
			__m128i c = _mm_loadu_si128((const __m128i *)(s + 16));
			__m128i e = _mm_loadu_si128((const __m128i *)
					(s + n - 32));

			_mm_storeu_si128((__m128i *)(d + 16), c);
			_mm_storeu_si128((__m128i *)(d + n - 32), e);
		}
		_mm_storeu_si128((__m128i *)d, a);
		_mm_storeu_si128((__m128i *)(d + n - 16), b);
	} else if (n >= 8) {
		uint64_t a, b;

		memcpy(&a, s, 8);
		memcpy(&b, s + n - 8, 8);
		memcpy(d, &a, 8);
		memcpy(d + n - 8, &b, 8);
	} else if (n >= 4) {
		uint32_t a, b;

		memcpy(&a, s, 4);
		memcpy(&b, s + n - 4, 4);
		memcpy(d, &a, 4);
		memcpy(d + n - 4, &b, 4);
	} else {
		while (n-- != 0)
			*d++ = *s++;
	}
}

/* Any length: the frame copy of the general loops. */
static __rte_always_inline void
avp_copy(void *dst, const void *src, uint32_t n)
{
	if (likely(n <= 64))
		avp_copy_short(dst, src, n);
	else
		avp_copy_long_call(dst, src, n);
}

#endif /* AVP_COPY_H */
