/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The AVP PMD authors
 */

/*
 * The body of the long frame copy, once for every vector width: the file
 * that includes it defines the vector type, its width and its loads and
 * stores, and the name of the function, and is compiled with the
 * instruction set they need (see meson.build).
 *
 * One unaligned vector at the start, then stores aligned on the
 * destination (a store split across two cache lines costs more, most of
 * all on lines another core reads next), eight vectors a step, then
 * four, two and one, and one unaligned vector ending at the last byte.
 * Touches no byte outside [0, n) of either buffer.
 */

#ifndef AVP_COPY_VEC_H
#define AVP_COPY_VEC_H

#include <stddef.h>
#include <stdint.h>

#include <rte_common.h>

/* As avp_copy.h declares it, which this file does not include. */
void AVP_COPY_NAME(void *dst, const void *src, uint32_t n);

#define AVP_VEC_STEP(d, s, i) AVP_VEC_STORE((d) + (i), AVP_VEC_LOADU((s) + (i)))

void
AVP_COPY_NAME(void *dst, const void *src, uint32_t n)
{
	uint8_t *d = dst;
	const uint8_t *s = src;
	size_t i, k;	/* 64 bits: offsets fold into the addressing */

	RTE_BUILD_BUG_ON(AVP_VEC_BYTES > 64);	/* n > 64: one vector fits */
	AVP_VEC_STOREU(d, AVP_VEC_LOADU(s));
	i = AVP_VEC_BYTES - ((uintptr_t)d & (AVP_VEC_BYTES - 1));
	if (n - i >= 8 * AVP_VEC_BYTES) {
		const size_t last = n - 8 * AVP_VEC_BYTES;

		for (; i <= last; i += 8 * AVP_VEC_BYTES)
			for (k = 0; k < 8; k++)
				AVP_VEC_STEP(d, s, i + k * AVP_VEC_BYTES);
	}
	if (n - i >= 4 * AVP_VEC_BYTES) {
		for (k = 0; k < 4; k++)
			AVP_VEC_STEP(d, s, i + k * AVP_VEC_BYTES);
		i += 4 * AVP_VEC_BYTES;
	}
	if (n - i >= 2 * AVP_VEC_BYTES) {
		AVP_VEC_STEP(d, s, i);
		AVP_VEC_STEP(d, s, i + AVP_VEC_BYTES);
		i += 2 * AVP_VEC_BYTES;
	}
	if (n - i >= AVP_VEC_BYTES) {
		AVP_VEC_STEP(d, s, i);
		i += AVP_VEC_BYTES;
	}
	if (i != n)
		AVP_VEC_STOREU(d + n - AVP_VEC_BYTES,
				AVP_VEC_LOADU(s + n - AVP_VEC_BYTES));
}

#endif /* AVP_COPY_VEC_H */
