/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The AVP PMD authors
 */

/*
 * Device info and memory map validation: the driver's attach
 * (avp_dev_attach) over a fuzzed image of BARs 0, 2, 4 and 5 (the image
 * format of fuzz_common.h, each BAR in its own allocation). When it
 * accepts the device, everything it derived must lie inside BAR 2 and
 * respect the limits of the ABI; AddressSanitizer checks every read.
 */

#include <string.h>

#include "fuzz_common.h"
#include "avp_ethdev.h"
#include "avp_shm.h"

static struct avp_dev avp;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fz_eal_init("avp_fuzz_devinfo");
	return 0;
}

/* [p, p + n) inside BAR 2; touches it so ASan checks it too. */
static void
in_bar2(const struct fz_image *img, const void *p, uint64_t n,
		const char *what, unsigned int q)
{
	const uint8_t *b = img->addr[AVP_BAR_SHMEM];
	const uint8_t *x = p;
	static uint8_t scratch[65536];
	uint64_t done;

	FZ_CHECK(x >= b && (uint64_t)(x - b) <= img->len[AVP_BAR_SHMEM] &&
		n <= img->len[AVP_BAR_SHMEM] - (uint64_t)(x - b),
		"%s %u: %" PRIu64 " bytes at offset %td outside BAR 2 (%" PRIu64
		" bytes)", what, q, n, x - b, img->len[AVP_BAR_SHMEM]);
	for (done = 0; done < n; done += sizeof(scratch))
		memcpy(scratch, x + done, RTE_MIN(n - done,
			(uint64_t)sizeof(scratch)));
}

static void
check_rings(const struct fz_image *img, const struct avp_shring *r,
		unsigned int n, const char *what)
{
	unsigned int q;

	for (q = 0; q < n; q++) {
		FZ_CHECK(r[q].mask >= 1 && rte_is_power_of_2(r[q].mask + 1),
			"%s ring %u mask 0x%x", what, q, r[q].mask);
		in_bar2(img, r[q].ring, AVP_RING_BYTES(r[q].mask + 1), what, q);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz_in in;
	struct fz_image img;
	unsigned int i;
	int ret;

	fz_in_init(&in, data, size);
	fz_image_read(&in, &img);
	memset(&avp, 0, sizeof(avp));
	for (i = 0; i < AVP_BAR_COUNT; i++) {
		avp.bar[i].addr = img.addr[i];
		avp.bar[i].len = img.len[i];
	}
	ret = avp_dev_attach(&avp);
	if (ret == 0) {
		const struct avp_devinfo *di = &avp.info;

		FZ_CHECK(avp.max_rx_queues >= 1 && avp.max_rx_queues <= 8 &&
			avp.max_tx_queues >= 1 && avp.max_tx_queues <= 8 &&
			avp.min_rx_queues >= 1 &&
			avp.min_rx_queues <= avp.max_rx_queues,
			"queues %u..%u rx, %u tx", avp.min_rx_queues,
			avp.max_rx_queues, avp.max_tx_queues);
		FZ_CHECK(avp.buf_size >= 64 && avp.buf_size <= UINT16_MAX,
			"buf_size %u", avp.buf_size);
		FZ_CHECK(avp.max_frame >= 60 && avp.max_frame <= 9238 &&
			avp.max_frame <= 5 * avp.buf_size,
			"max_frame %u (H %u)", avp.max_frame, avp.buf_size);
		FZ_CHECK(memcmp(di, img.addr[AVP_BAR_DEVINFO],
			sizeof(*di)) == 0, "devinfo copy differs");
		check_rings(&img, avp.tx_ring, avp.max_tx_queues, "tx");
		check_rings(&img, avp.alloc_ring, avp.max_tx_queues, "alloc");
		check_rings(&img, avp.rx_ring, avp.max_rx_queues, "rx");
		check_rings(&img, avp.free_ring, avp.max_rx_queues, "free");
		check_rings(&img, &avp.req_ring, 1, "request");
		check_rings(&img, &avp.resp_ring, 1, "response");
		in_bar2(&img, avp.ctrl, sizeof(*avp.ctrl), "control area", 0);
		FZ_CHECK(avp.buf.len >= sizeof(struct avp_desc) +
			avp.buf_size, "buffer region of %" PRIu64 " bytes",
			avp.buf.len);
		in_bar2(&img, avp.buf.base, avp.buf.len, "buffer region", 0);
		FZ_CHECK(avp.buf.va + avp.buf.len >= avp.buf.va,
			"buffer region wraps");
	} else {
		FZ_CHECK(ret < 0, "attach returned %d", ret);
		FZ_CHECK(avp.ctrl == NULL && avp.regs == NULL,
			"a rejected device changed the driver state");
	}
	fz_image_free(&img);
	return 0;
}
