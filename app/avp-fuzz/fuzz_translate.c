/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The AVP PMD authors
 */

/*
 * Address translation: the driver's function T (host physical address to
 * BAR 2, through the memory map) and function B (buffer handle to BAR 2,
 * with bounds), called directly and compared with a plain reference
 * implementation of sections 5.2 and 5.3 of the ABI.
 *
 * Input: u32 BAR 2 length, u16 BAR 4 length, BAR 4 bytes, then queries
 * { u8 kind, u64 address, u32 size }; kind selects T or B (for B, a
 * buffer view is carved out of BAR 2 by the first query).
 */

#include <string.h>

#include "fuzz_common.h"
#include "avp_ethdev.h"
#include "avp_shm.h"

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fz_eal_init("avp_fuzz_translate");
	return 0;
}

/* The rule as avp.rst states it: first entry holding pa, S_i the sum before. */
static int
ref_translate(const struct avp_memmap *mm, uint64_t pa, uint64_t size,
		uint64_t *off)
{
	uint64_t s = 0;
	uint32_t i;

	for (i = 0; i < mm->count; i++) {
		const struct avp_memmap_entry *e = &mm->entries[i];

		if (pa >= e->host_pa && pa - e->host_pa < e->length) {
			/* the whole object inside the entry */
			if (size > e->length - (pa - e->host_pa))
				return -1;
			*off = s + (pa - e->host_pa);
			return 0;
		}
		s += e->length;
	}
	return -1;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct avp_dev avp;
	struct fz_in in;
	struct avp_map map = { 0 };
	struct avp_bufview bv = { 0 };
	uint8_t *bar2, *bar4;
	uint32_t bar2_len, bar4_len, n;
	int ret;

	fz_in_init(&in, data, size);
	bar2_len = 1 + fz_u32(&in) % (1u << 20);
	bar4_len = fz_u16(&in);
	if (bar4_len > in.left)
		bar4_len = (uint32_t)in.left;
	bar2 = malloc(bar2_len);
	bar4 = malloc(bar4_len + 1);
	FZ_CHECK(bar2 != NULL && bar4 != NULL, "malloc");
	fz_take(&in, bar4, bar4_len);
	memset(&avp, 0, sizeof(avp));
	avp.bar[AVP_BAR_SHMEM].addr = bar2;
	avp.bar[AVP_BAR_SHMEM].len = bar2_len;
	avp.bar[AVP_BAR_MEMMAP].addr = bar4;
	avp.bar[AVP_BAR_MEMMAP].len = bar4_len;
	if (bar4_len < AVP_BAR_MEMMAP_MIN_SIZE)
		goto out;	/* the BAR check rejects it before */

	ret = avp_map_load(&avp, &map);
	if (ret == 0) {
		const struct avp_memmap *mm = (const void *)bar4;
		uint64_t sum = 0;
		uint32_t i;

		FZ_CHECK(mm->count >= 1 && mm->count <= 2048 &&
			16 + 24ull * mm->count <= bar4_len,
			"count %u accepted", mm->count);
		for (i = 0; i < mm->count; i++)
			sum += mm->entries[i].length;
		FZ_CHECK(sum <= bar2_len, "regions of %" PRIu64
			" bytes accepted in a BAR 2 of %u", sum, bar2_len);
	}

	for (n = 0; n < 64 && in.left > 0; n++) {
		uint8_t kind = fz_u8(&in);
		uint64_t a = fz_u64(&in);
		uint32_t sz = fz_u32(&in);

		if ((kind & 1) == 0) {
			uint64_t off = 0;
			uint8_t *p;
			int rr;

			if (ret != 0)
				continue;
			sz %= 1u << 21;
			p = avp_map_translate(&map, a, sz);
			rr = ref_translate((const void *)bar4, a, sz, &off);
			FZ_CHECK((p == NULL) == (rr != 0) &&
				(p == NULL || p == bar2 + off),
				"T(0x%" PRIx64 ", %u): driver %p, reference %s"
				" +0x%" PRIx64, a, sz, (void *)p,
				rr ? "none" : "bar2", off);
			if (p != NULL) {
				FZ_CHECK(p >= bar2 && (uint64_t)(p - bar2) +
					sz <= bar2_len, "T result outside BAR 2");
				if (sz != 0)
					FZ_CHECK(((volatile uint8_t *)p)[sz - 1] ==
						((volatile uint8_t *)p)[sz - 1], "-");
			}
		} else if (bv.base == NULL) {
			/* view: [a % len, + sz) of BAR 2, handles from va */
			uint32_t off = (uint32_t)(a % bar2_len);

			bv.base = bar2 + off;
			bv.len = (uint64_t)bar2_len - off;
			if (sz < bv.len)
				bv.len = sz;
			if (bv.len < sizeof(struct avp_desc))
				bv.len = sizeof(struct avp_desc);
			if (bv.len > (uint64_t)bar2_len - off)
				bv.base = NULL;	/* BAR 2 too small */
			bv.va = fz_u64(&in);
		} else {
			/* B: a descriptor, then data of a size <= len */
			struct avp_desc *d = avp_desc_get(&bv, a);
			uint32_t dl = sz % (uint32_t)(bv.len + 1);
			uint8_t *p = avp_data_get(&bv, a, dl);
			uint64_t o = a - bv.va;

			/* a descriptor that is not 64-byte aligned may be
			 * refused (it cannot be accessed as one)
			 */
			int aligned = (((uintptr_t)bv.base + o) & 63) == 0;

			FZ_CHECK((d == NULL || (o <= bv.len - 64 &&
				 (uint8_t *)d == bv.base + o)) &&
				(d != NULL || !aligned || o > bv.len - 64),
				"B(0x%" PRIx64 ") descriptor", a);
			FZ_CHECK((p != NULL) == (o <= bv.len - dl) &&
				(p == NULL || (p == bv.base + o &&
				 o + dl <= bv.len)),
				"B(0x%" PRIx64 ", %u) data", a, dl);
			if (d != NULL)
				FZ_CHECK(((volatile uint8_t *)d)[63] ==
					((volatile uint8_t *)d)[63], "-");
			if (p != NULL && dl != 0)
				FZ_CHECK(((volatile uint8_t *)p)[dl - 1] ==
					((volatile uint8_t *)p)[dl - 1], "-");
		}
	}
	free((void *)(uintptr_t)map.e);
out:
	free(bar2);
	free(bar4);
	return 0;
}
