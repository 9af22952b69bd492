/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The AVP PMD authors
 */

/*
 * Shared by the AVP fuzz targets: EAL set-up, a byte reader over the fuzz
 * input, BAR images in their own allocations, and the seed file format.
 */

#ifndef AVP_FUZZ_COMMON_H
#define AVP_FUZZ_COMMON_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "avp_abi.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Starts EAL once (no hugepages, no PCI scan, private file prefix);
 * driver logs go to /dev/null unless AVP_FUZZ_LOG=1. Exits on failure.
 */
void fz_eal_init(const char *name);

/* Live rte_malloc allocations on every socket (leak checks). */
size_t fz_rte_alloc_count(void);
/*
 * Open file descriptors, without epoll instances: EAL's interrupt thread
 * closes and creates its own whenever a callback comes or goes, and does
 * so after the call that changed them returned.
 */
unsigned int fz_count_fds(void);
/* CLOCK_MONOTONIC in milliseconds, and a sleep of us microseconds. */
uint64_t fz_now_ms(void);
void fz_nap_us(unsigned int us);

/* Fails the run: prints why and aborts (the fuzzer records the input). */
#define FZ_CHECK(cond, ...) do { \
	if (!(cond)) { \
		fprintf(stderr, "avp-fuzz: check failed: %s: ", #cond); \
		fprintf(stderr, __VA_ARGS__); \
		fputc('\n', stderr); \
		abort(); \
	} \
} while (0)

/* Reads the fuzz input front to back; past the end everything is 0. */
struct fz_in {
	const uint8_t *p;
	size_t left;
};

static inline void
fz_in_init(struct fz_in *in, const uint8_t *data, size_t size)
{
	in->p = data;
	in->left = size;
}

/* Copies n bytes (zero-filled past the end) into dst. */
void fz_take(struct fz_in *in, void *dst, size_t n);
uint8_t fz_u8(struct fz_in *in);
uint16_t fz_u16(struct fz_in *in);
uint32_t fz_u32(struct fz_in *in);
uint64_t fz_u64(struct fz_in *in);

/*
 * The device image part of an input: for BARs 0, 2, 4 and 5 in that
 * order, a 32-bit length then that many bytes (fewer if the input ends
 * first). Each BAR lands in its own allocation of exactly that length
 * (page aligned, like a real BAR mapping), so AddressSanitizer reports
 * any access outside it. A zero length is an absent BAR.
 */
#define FZ_BAR_MAX	(4u << 20)
struct fz_image {
	uint8_t *addr[AVP_BAR_COUNT];
	uint64_t len[AVP_BAR_COUNT];
};
extern const unsigned int fz_bar_order[4];
void fz_image_read(struct fz_in *in, struct fz_image *img);
void fz_image_free(struct fz_image *img);

#endif /* AVP_FUZZ_COMMON_H */
