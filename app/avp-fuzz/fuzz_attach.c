/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The AVP PMD authors
 */

/*
 * The attach message, driver side: avp_attach_msg_check over a fuzzed
 * answer to HELLO, descriptor count and memfd length. Its verdict must be
 * a reference model's (written apart, in 128-bit arithmetic); a message
 * it accepts is then laid out as the driver would map it, each BAR filled
 * in a buffer of exactly memfd_size bytes, where AddressSanitizer sees any
 * BAR outside it and a BAR overwritten by another shows an overlap. The
 * message is read from the input as it is, so a read past its length is
 * reported too.
 *
 * Input: struct attach_hdr, then the message bytes (any length).
 *
 * AVP_FUZZ_ATTACH_EXPECT=accept|reject also asserts the verdict, for the
 * replay of the named seeds (check_attach_seeds.sh).
 */

#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include "fuzz_common.h"
#include "avp_attach_proto.h"

/* Largest memfd laid out in a buffer; larger ones are only checked. */
#define ATTACH_LAYOUT_MAX	(8u << 20)

struct attach_hdr {
	uint8_t nfds;		/* descriptors that came with the message */
	uint8_t rsvd[7];
	uint64_t memfd_len;	/* bytes the first descriptor holds */
};

/* 0: no expectation, 1: accepted, -1: refused. */
static int expect;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *e = getenv("AVP_FUZZ_ATTACH_EXPECT");

	(void)argc;
	(void)argv;
	if (e != NULL)
		expect = strcmp(e, "accept") == 0 ? 1 : -1;
	fz_eal_init("avp_fuzz_attach");
	return 0;
}

/* The protocol's rules, one by one. 0 or -EINVAL. */
static int
ref_check(const uint8_t *buf, size_t len, unsigned int nfds,
		uint64_t memfd_len)
{
	struct avp_attach_msg m;
	unsigned __int128 end[AVP_BAR_COUNT];
	unsigned int i, j;

	if (len != sizeof(m))
		return -EINVAL;
	memcpy(&m, buf, sizeof(m));
	if (m.magic != AVP_ATTACH_MAGIC || m.version != AVP_ATTACH_VERSION)
		return -EINVAL;
	if (m.type == AVP_ATTACH_MSG_REJECT)
		return nfds == 0 ? 0 : -EINVAL;
	if (m.type != AVP_ATTACH_MSG_DEVICE || nfds != 2)
		return -EINVAL;
	if (m.memfd_size < 1 || m.memfd_size > memfd_len)
		return -EINVAL;
	for (i = 0; i < AVP_BAR_COUNT; i++) {
		end[i] = (unsigned __int128)m.bars[i].offset + m.bars[i].size;
		if (m.bars[i].size == 0)
			continue;
		if ((m.bars[i].offset & 4095) != 0 || end[i] > m.memfd_size)
			return -EINVAL;
	}
	for (i = 0; i < AVP_BAR_COUNT; i++)
		for (j = i + 1; j < AVP_BAR_COUNT; j++)
			if (m.bars[i].size != 0 && m.bars[j].size != 0 &&
			    m.bars[i].offset < end[j] &&
			    m.bars[j].offset < end[i])
				return -EINVAL;
	return 0;
}

/* Each BAR filled with its own byte inside exactly memfd_size bytes. */
static void
layout(const struct avp_attach_msg *m)
{
	uint8_t *mem;
	unsigned int i;
	uint64_t k;

	if (m->memfd_size > ATTACH_LAYOUT_MAX)
		return;
	mem = malloc(m->memfd_size);
	FZ_CHECK(mem != NULL, "no memory for %" PRIu64 " bytes",
		m->memfd_size);
	for (i = 0; i < AVP_BAR_COUNT; i++)
		if (m->bars[i].size != 0)
			memset(mem + m->bars[i].offset, 0xa0 + i,
				m->bars[i].size);
	for (i = 0; i < AVP_BAR_COUNT; i++)
		for (k = 0; k < m->bars[i].size; k += 64)
			FZ_CHECK(mem[m->bars[i].offset + k] == 0xa0 + i,
				"BAR %u overwritten at +%" PRIu64, i, k);
	free(mem);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct attach_hdr h;
	struct avp_attach_msg m;
	uint8_t *msg;
	size_t len;
	int got, want;

	if (size < sizeof(h))
		return 0;
	memcpy(&h, data, sizeof(h));
	len = size - sizeof(h);
	/* the message in its own allocation, exactly len bytes */
	msg = len != 0 ? malloc(len) : NULL;
	if (len != 0) {
		FZ_CHECK(msg != NULL, "no memory");
		memcpy(msg, data + sizeof(h), len);
	}
	got = avp_attach_msg_check("fuzz", msg, len, h.nfds, h.memfd_len);
	want = ref_check(msg, len, h.nfds, h.memfd_len);
	FZ_CHECK(got == want, "avp_attach_msg_check says %d, the protocol %d",
		got, want);
	FZ_CHECK(expect == 0 || (expect > 0) == (got == 0),
		"avp_attach_msg_check says %d, the seed expects %s", got,
		expect > 0 ? "accept" : "reject");
	if (got == 0) {
		memcpy(&m, msg, sizeof(m));
		if (m.type == AVP_ATTACH_MSG_DEVICE)
			layout(&m);
	}
	free(msg);
	return 0;
}
