/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The AVP PMD authors
 */

/*
 * avp_copy_autotest: the AVP PMD's long frame copies, one per data path
 * (scalar, SSE, AVX2, AVX-512; those the CPU has), and the choice of the
 * path, and the room the receive copy's last block needs. (avp_autotest
 * runs each path's bursts.)
 *
 * Each routine copies every length from 65 to 2 x 9238 bytes at every
 * destination and source offset within a 64-byte line (lengths above
 * 1100 every 37 bytes), between guard bytes: the copy must equal the
 * source byte for byte and leave every byte outside [0, n) untouched.
 * The inline copies of up to 64 bytes get the same treatment. The
 * choice follows the EAL's SIMD limit and the CPU flags.
 */

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <rte_common.h>
#include <rte_cpuflags.h>
#include <rte_malloc.h>
#include <rte_vect.h>

#include "test.h"
#include "avp_rxtx.h"
#include "avp_vec.h"

#define COPY_MAX	(2 * 9238)
#define COPY_GUARD	128
#define COPY_AREA	(COPY_MAX + 2 * COPY_GUARD + 64)

static uint8_t *src_area, *dst_area;

/* The source pattern: no two neighbouring bytes alike, no byte 0xa5. */
static uint8_t
copy_pattern(size_t i)
{
	uint8_t b = (uint8_t)(i * 7 + (i >> 8) + 1);

	return b == 0xa5 ? 0x5a : b;
}

/* One copy of n bytes at offsets doff, soff; 0 when exact and bounded. */
static int
copy_check(avp_copy_fn fn, const char *name, uint32_t n, unsigned int doff,
		unsigned int soff)
{
	uint8_t *d = dst_area + COPY_GUARD + doff;
	const uint8_t *s = src_area + COPY_GUARD + soff;
	uint8_t *lo = d - COPY_GUARD, *hi = d + n + COPY_GUARD;
	const uint8_t *p;

	memset(lo, 0xa5, hi - lo);
	if (fn != NULL)
		fn(d, s, n);
	else
		avp_copy_short(d, s, n);
	for (p = lo; p < hi; p++) {
		int inside = p >= d && p < d + n;
		uint8_t want = inside ? s[p - d] : 0xa5;

		if (*p != want) {
			printf("%s copy of %u bytes (dst +%u, src +%u): byte %zd %s the copy is 0x%02x, expected 0x%02x\n",
				name, n, doff, soff, p - d,
				inside ? "inside" : "outside", *p, want);
			return -1;
		}
	}
	return 0;
}

static int
copy_sweep(avp_copy_fn fn, const char *name, uint32_t from, uint32_t to)
{
	unsigned int doff, soff;
	uint32_t n;

	for (n = from; n <= to; n += n < 1100 ? 1 : 37)
		for (doff = 0; doff < 64; doff += n < 300 ? 1 : 13)
			for (soff = 0; soff < 64; soff += 21)
				if (copy_check(fn, name, n, doff, soff) != 0)
					return -1;
	return 0;
}

static int
test_copy_routines(void)
{
	const struct avp_vec_path *p;
	unsigned int i, tested = 0;
	int usable;

	TEST_ASSERT_SUCCESS(copy_sweep(NULL, "inline", 1, 64),
		"inline copy of up to 64 bytes is wrong");
	for (i = 0; (p = avp_vec_path_get(i, &usable)) != NULL; i++) {
		if (!usable) {
			printf("%s: not on this CPU, not tested\n", p->name);
			continue;
		}
		TEST_ASSERT_SUCCESS(copy_sweep(p->copy, p->name, 65, COPY_MAX),
			"%s copy is wrong", p->name);
		printf("%s: checked\n", p->name);
		tested++;
	}
	TEST_ASSERT(tested >= 2, "only %u copy routines checked", tested);
	return TEST_SUCCESS;
}

/* Whether the path chosen now is named want, its copy in use. */
static int
select_is(uint16_t limit, const char *want)
{
	const struct avp_vec_path *got = avp_vec_select();

	if (strcmp(got->name, want) != 0 || avp_vec_current() != got ||
	    rte_atomic_load_explicit(&avp_copy_long,
			rte_memory_order_relaxed) != got->copy ||
	    avp_vec_of(got->rx_burst) != got ||
	    avp_vec_of(got->tx_burst) != got) {
		printf("SIMD limit %u: %s chosen, expected %s\n", limit,
			got->name, want);
		return -1;
	}
	return 0;
}

/* The choice for each SIMD limit, and the limit put back. */
static int
test_copy_select(void)
{
	uint16_t saved = rte_vect_get_max_simd_bitwidth();
	int avx2 = rte_cpu_get_flag_enabled(RTE_CPUFLAG_AVX2) > 0;
	int avx512 = 0, usable;
	const struct avp_vec_path *p;
	unsigned int i;
	int ret = TEST_FAILED;

	for (i = 0; (p = avp_vec_path_get(i, &usable)) != NULL; i++)
		if (strcmp(p->name, "AVX-512") == 0)
			avx512 = usable;

	if (rte_vect_set_max_simd_bitwidth(RTE_VECT_SIMD_DISABLED) != 0) {
		printf("the SIMD limit is fixed on the command line: skipped\n");
		return TEST_SKIPPED;
	}
	if (select_is(RTE_VECT_SIMD_DISABLED, "scalar") != 0)
		goto out;
	rte_vect_set_max_simd_bitwidth(RTE_VECT_SIMD_128);
	if (select_is(RTE_VECT_SIMD_128, "SSE") != 0)
		goto out;
	rte_vect_set_max_simd_bitwidth(RTE_VECT_SIMD_256);
	if (select_is(RTE_VECT_SIMD_256, avx2 ? "AVX2" : "SSE") != 0)
		goto out;
	rte_vect_set_max_simd_bitwidth(RTE_VECT_SIMD_512);
	if (select_is(RTE_VECT_SIMD_512,
		      avx512 ? "AVX-512" : avx2 ? "AVX2" : "SSE") != 0)
		goto out;
	ret = TEST_SUCCESS;
out:
	rte_vect_set_max_simd_bitwidth(saved);
	avp_vec_select();
	return ret;
}

/*
 * The tight receive loop copies whole 64-byte blocks: the longest frame
 * it takes must leave room for its last block in both the mbuf and the
 * host buffer, whatever their sizes, and be as long as that allows.
 */
static int
test_rx_copy_room(void)
{
	static const uint32_t rooms[] = { 64, 100, 127, 128, 1000, 1500,
		2048, 2049, 9216 };
	static const uint32_t lens[] = { 60, 1518, 9238 };
	struct avp_rx_queue q;
	unsigned int a, b, c;

	memset(&q, 0, sizeof(q));
	for (a = 0; a < RTE_DIM(rooms); a++)
		for (b = 0; b < RTE_DIM(rooms); b++)
			for (c = 0; c < RTE_DIM(lens); c++) {
				uint32_t room = RTE_MIN(rooms[a], rooms[b]);
				uint32_t got, want;

				q.data_room = (uint16_t)rooms[a];
				q.buf_size = rooms[b];
				q.max_len = lens[c];
				got = avp_rx_run_max(&q);
				want = RTE_MIN(lens[c], room - room % 64);
				TEST_ASSERT_EQUAL(got, want,
					"room %u, host buffer %u, limit %u: %u",
					rooms[a], rooms[b], lens[c], got);
				TEST_ASSERT(RTE_ALIGN_CEIL(got, 64u) <= room,
					"%u bytes leave no room for the last block in %u",
					got, room);
			}
	return TEST_SUCCESS;
}

static int
copy_setup(void)
{
	size_t i;

	src_area = rte_malloc("avp_copy_src", COPY_AREA, 64);
	dst_area = rte_malloc("avp_copy_dst", COPY_AREA, 64);
	if (src_area == NULL || dst_area == NULL)
		return TEST_FAILED;
	for (i = 0; i < COPY_AREA; i++)
		src_area[i] = copy_pattern(i);
	return TEST_SUCCESS;
}

static void
copy_teardown(void)
{
	rte_free(src_area);
	rte_free(dst_area);
	src_area = NULL;
	dst_area = NULL;
}

static struct unit_test_suite avp_copy_suite = {
	.suite_name = "AVP PMD frame copies",
	.setup = copy_setup,
	.teardown = copy_teardown,
	.unit_test_cases = {
		TEST_CASE(test_copy_routines),
		TEST_CASE(test_copy_select),
		TEST_CASE(test_rx_copy_room),
		TEST_CASES_END()
	},
};

static int
test_avp_copy(void)
{
	return unit_test_suite_runner(&avp_copy_suite);
}

REGISTER_TEST_COMMAND(avp_copy_autotest, test_avp_copy);
