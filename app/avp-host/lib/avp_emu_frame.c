/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The AVP PMD authors
 */

/*
 * Verifiable test frames:
 *   dst(6) src(6) type 0x88b5 | "AVPF" seq(8) len(4) sum(4) | payload
 * len is the whole frame length and sum a hash of seq and len; payload
 * byte k is (seq + k) & 0xff. A frame that went through
 * VLAN insertion (TPID 0x8100 after the addresses) still verifies.
 */

#include <errno.h>
#include <string.h>

#include "avp_emu_util.h"

#define FRAME_TYPE	0x88b5
#define FRAME_MAGIC	0x46505641	/* "AVPF" little-endian */
#define FRAME_HDR	20
#define FRAME_MIN	60

static void
emu_put32(uint8_t *p, uint32_t v)
{
	memcpy(p, &v, sizeof(v));
}

static uint32_t
emu_get32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

/* The payload is checked byte for byte against the pattern, so the sum
 * only needs to protect the header: it stays cheap for big frames.
 */
static uint32_t
emu_frame_sum(uint64_t seq, uint32_t len)
{
	uint64_t s = seq * 0x9e3779b97f4a7c15ULL ^ len;

	s = (s ^ (s >> 31)) * 0xbf58476d1ce4e5b9ULL;
	return (uint32_t)(s ^ (s >> 32));
}

/*
 * 0..255 repeated: payload byte k is (seq + k) & 0xff, so the payload of
 * any frame up to PAT_RUN bytes is the one run starting at seq & 0xff:
 * one copy to build it, one compare to check it. Longer payloads go in
 * PAT_RUN-byte pieces (PAT_RUN is a multiple of 256).
 */
#define PAT_RUN		9728
static uint8_t pat_bytes[256 + PAT_RUN];

/* Filled once when the program loads: the frame functions run per frame
 * and need no check or call for it.
 */
static void __emu_constructor
emu_pattern_init(void)
{
	unsigned int i;

	for (i = 0; i < sizeof(pat_bytes); i++)
		pat_bytes[i] = (uint8_t)i;
}

static inline const uint8_t *
emu_pattern(void)
{
	return pat_bytes;
}

/*
 * Payloads of small frames (16 to 64 bytes: frames up to 98 bytes) are
 * moved and compared in overlapping 16-byte pieces, inline: a call to
 * memcpy or memcmp costs more than the bytes themselves.
 */
#define SHORT_MIN	16
#define SHORT_MAX	64

static inline void
emu_copy16(uint8_t *d, const uint8_t *s)
{
	memcpy(d, s, 16);
}

static inline uint64_t
emu_diff16(const uint8_t *a, const uint8_t *b)
{
	uint64_t a0, a1, b0, b1;

	memcpy(&a0, a, 8);
	memcpy(&a1, a + 8, 8);
	memcpy(&b0, b, 8);
	memcpy(&b1, b + 8, 8);
	return (a0 ^ b0) | (a1 ^ b1);
}

static inline void
emu_copy_short(uint8_t *d, const uint8_t *s, uint32_t n)
{
	if (n > 32) {
		emu_copy16(d, s);
		emu_copy16(d + 16, s + 16);
		emu_copy16(d + n - 32, s + n - 32);
	} else {
		emu_copy16(d, s);
	}
	emu_copy16(d + n - 16, s + n - 16);
}

static inline int
emu_equal_short(const uint8_t *a, const uint8_t *b, uint32_t n)
{
	uint64_t x = emu_diff16(a, b) | emu_diff16(a + n - 16, b + n - 16);

	if (n > 32)
		x |= emu_diff16(a + 16, b + 16) |
			emu_diff16(a + n - 32, b + n - 32);
	return x == 0;
}

void
avp_emu_frame_build(uint8_t *buf, uint32_t len, uint64_t seq,
		const uint8_t dst[AVP_MAC_LEN], const uint8_t src[AVP_MAC_LEN])
{
	const uint8_t *pat = emu_pattern() + (seq & 0xff);
	uint32_t i, n, chunk;
	uint8_t *pl;

	if (len < FRAME_MIN)
		len = FRAME_MIN;
	memcpy(buf, dst, AVP_MAC_LEN);
	memcpy(buf + 6, src, AVP_MAC_LEN);
	buf[12] = FRAME_TYPE >> 8;
	buf[13] = FRAME_TYPE & 0xff;
	emu_put32(buf + 14, FRAME_MAGIC);
	memcpy(buf + 18, &seq, sizeof(seq));
	emu_put32(buf + 26, len);
	pl = buf + 14 + FRAME_HDR;
	n = len - 14 - FRAME_HDR;
	if (n >= SHORT_MIN && n <= SHORT_MAX) {
		emu_copy_short(pl, pat, n);
	} else {
		for (i = 0; i < n; i += chunk) {
			chunk = n - i < PAT_RUN ? n - i : PAT_RUN;
			memcpy(pl + i, pat, chunk);
		}
	}
	emu_put32(buf + 30, emu_frame_sum(seq, len));
}

/*
 * n frames of len bytes (60 or more), seq, seq + 1, ... into bufs: the
 * generator's burst. The same bytes as avp_emu_frame_build, with the
 * addresses and constants of the header written once and copied.
 */
void
emu_frame_build_burst(uint8_t *const *bufs, unsigned int n, uint32_t len,
		uint64_t seq, const uint8_t dst[AVP_MAC_LEN],
		const uint8_t src[AVP_MAC_LEN])
{
	const uint8_t *pat = emu_pattern();
	uint32_t pn = len - 14 - FRAME_HDR;
	uint8_t hdr[32];
	unsigned int i;

	if (len < FRAME_MIN || pn < SHORT_MIN || pn > SHORT_MAX) {
		for (i = 0; i < n; i++)
			avp_emu_frame_build(bufs[i], len, seq + i, dst, src);
		return;
	}
	memcpy(hdr, dst, AVP_MAC_LEN);
	memcpy(hdr + 6, src, AVP_MAC_LEN);
	hdr[12] = FRAME_TYPE >> 8;
	hdr[13] = FRAME_TYPE & 0xff;
	emu_put32(hdr + 14, FRAME_MAGIC);
	for (i = 0; i < n; i++) {
		uint8_t *buf = bufs[i];
		uint64_t s = seq + i;

		emu_copy16(buf, hdr);
		memcpy(buf + 16, hdr + 16, 2);
		memcpy(buf + 18, &s, sizeof(s));
		emu_put32(buf + 26, len);
		emu_put32(buf + 30, emu_frame_sum(s, len));
		emu_copy_short(buf + 14 + FRAME_HDR, pat + (s & 0xff), pn);
	}
}

/* Not inlined: the short path below then needs no registers saved. */
static __emu_noinline int
emu_frame_verify_any(const uint8_t *buf, uint32_t len, uint64_t *seq)
{
	uint32_t off = 12, flen, i, n, chunk;
	const uint8_t *h, *pl, *pat;
	uint64_t s;

	if (buf == NULL || len < FRAME_MIN)
		return -EINVAL;
	if (buf[12] == 0x81 && buf[13] == 0x00) {
		off = 16;
		len -= 4;
	}
	if (buf[off] != (FRAME_TYPE >> 8) ||
			buf[off + 1] != (FRAME_TYPE & 0xff))
		return -EINVAL;
	h = buf + off + 2;
	if (emu_get32(h) != FRAME_MAGIC)
		return -EINVAL;
	memcpy(&s, h + 4, sizeof(s));
	flen = emu_get32(h + 12);
	if (flen != len)
		return -EINVAL;
	pl = h + FRAME_HDR;
	n = len - 14 - FRAME_HDR;
	if (emu_get32(h + 16) != emu_frame_sum(s, flen))
		return -EINVAL;
	pat = emu_pattern() + (s & 0xff);
	if (n >= SHORT_MIN && n <= SHORT_MAX) {
		if (!emu_equal_short(pl, pat, n))
			return -EINVAL;
	} else {
		for (i = 0; i < n; i += chunk) {
			chunk = n - i < PAT_RUN ? n - i : PAT_RUN;
			if (memcmp(pl + i, pat, chunk) != 0)
				return -EINVAL;
		}
	}
	if (seq != NULL)
		*seq = s;
	return 0;
}

/*
 * The sink checks every frame: an untagged frame of up to 98 bytes is
 * checked here with a few loads, the others in emu_frame_verify_any. Both
 * check the same bytes.
 */
int
avp_emu_frame_verify(const uint8_t *buf, uint32_t len, uint64_t *seq)
{
	uint32_t n = len - 14 - FRAME_HDR;
	uint64_t s;

	if (buf == NULL || len < FRAME_MIN || n > SHORT_MAX ||
			(buf[12] == 0x81 && buf[13] == 0x00))
		return emu_frame_verify_any(buf, len, seq);
	if (buf[12] != (FRAME_TYPE >> 8) || buf[13] != (FRAME_TYPE & 0xff) ||
			emu_get32(buf + 14) != FRAME_MAGIC)
		return -EINVAL;
	memcpy(&s, buf + 18, sizeof(s));
	if (emu_get32(buf + 26) != len ||
			emu_get32(buf + 30) != emu_frame_sum(s, len) ||
			!emu_equal_short(buf + 14 + FRAME_HDR,
			emu_pattern() + (s & 0xff), n))
		return -EINVAL;
	if (seq != NULL)
		*seq = s;
	return 0;
}
