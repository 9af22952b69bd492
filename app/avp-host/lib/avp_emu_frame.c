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
#include <pthread.h>
#include <string.h>

#include "avp_emu_priv.h"

#define FRAME_TYPE	0x88b5
#define FRAME_MAGIC	0x46505641	/* "AVPF" little-endian */
#define FRAME_HDR	20
#define FRAME_MIN	60

static void
put32(uint8_t *p, uint32_t v)
{
	memcpy(p, &v, sizeof(v));
}

static uint32_t
get32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

/* The payload is checked byte for byte against the pattern, so the sum
 * only needs to protect the header: it stays cheap for big frames.
 */
static uint32_t
frame_sum(uint64_t seq, uint32_t len)
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
static pthread_once_t pat_once = PTHREAD_ONCE_INIT;

static void
pattern_init(void)
{
	unsigned int i;

	for (i = 0; i < sizeof(pat_bytes); i++)
		pat_bytes[i] = (uint8_t)i;
}

static const uint8_t *
pattern(void)
{
	pthread_once(&pat_once, pattern_init);
	return pat_bytes;
}

void
avp_emu_frame_build(uint8_t *buf, uint32_t len, uint64_t seq,
		const uint8_t dst[AVP_MAC_LEN], const uint8_t src[AVP_MAC_LEN])
{
	const uint8_t *pat = pattern() + (seq & 0xff);
	uint32_t i, n, chunk;
	uint8_t *pl;

	if (len < FRAME_MIN)
		len = FRAME_MIN;
	memcpy(buf, dst, AVP_MAC_LEN);
	memcpy(buf + 6, src, AVP_MAC_LEN);
	buf[12] = FRAME_TYPE >> 8;
	buf[13] = FRAME_TYPE & 0xff;
	put32(buf + 14, FRAME_MAGIC);
	memcpy(buf + 18, &seq, sizeof(seq));
	put32(buf + 26, len);
	pl = buf + 14 + FRAME_HDR;
	n = len - 14 - FRAME_HDR;
	for (i = 0; i < n; i += chunk) {
		chunk = n - i < PAT_RUN ? n - i : PAT_RUN;
		memcpy(pl + i, pat, chunk);
	}
	put32(buf + 30, frame_sum(seq, len));
}

int
avp_emu_frame_verify(const uint8_t *buf, uint32_t len, uint64_t *seq)
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
	if (get32(h) != FRAME_MAGIC)
		return -EINVAL;
	memcpy(&s, h + 4, sizeof(s));
	flen = get32(h + 12);
	if (flen != len)
		return -EINVAL;
	pl = h + FRAME_HDR;
	n = len - 14 - FRAME_HDR;
	if (get32(h + 16) != frame_sum(s, flen))
		return -EINVAL;
	pat = pattern() + (s & 0xff);
	for (i = 0; i < n; i += chunk) {
		chunk = n - i < PAT_RUN ? n - i : PAT_RUN;
		if (memcmp(pl + i, pat, chunk) != 0)
			return -EINVAL;
	}
	if (seq != NULL)
		*seq = s;
	return 0;
}
