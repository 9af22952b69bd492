/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The AVP PMD authors
 */

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <rte_common.h>
#include <rte_eal.h>
#include <rte_log.h>
#include <rte_malloc.h>

#include "fuzz_common.h"

const unsigned int fz_bar_order[4] = {
	AVP_BAR_REGS, AVP_BAR_SHMEM, AVP_BAR_MEMMAP, AVP_BAR_DEVINFO,
};

void
fz_eal_init(const char *name)
{
	static int done;
	char prefix[64], log[64];
	char *argv[] = {
		(char *)(uintptr_t)name, (char *)(uintptr_t)"--no-huge",
		(char *)(uintptr_t)"-m", (char *)(uintptr_t)"512",
		(char *)(uintptr_t)"--no-shconf", (char *)(uintptr_t)"--no-pci",
		(char *)(uintptr_t)"-l", (char *)(uintptr_t)"0",
		prefix, log, NULL,
	};
	const char *dbg = getenv("AVP_FUZZ_LOG");

	if (done)
		return;
	done = 1;
	snprintf(prefix, sizeof(prefix), "--file-prefix=avp_fuzz_%s_%d", name,
		(int)getpid());
	/* Driver lines are formatted (every format string sees fuzzed
	 * values) but go to /dev/null unless AVP_FUZZ_LOG=1.
	 */
	snprintf(log, sizeof(log), "--log-level=%s",
		dbg != NULL && dbg[0] == '1' ? "8" : "pmd.net.avp.*:8");
	if (rte_eal_init(RTE_DIM(argv) - 1, argv) < 0) {
		fprintf(stderr, "avp-fuzz: EAL initialisation failed\n");
		exit(1);
	}
	if (dbg == NULL || dbg[0] != '1') {
		FILE *devnull = fopen("/dev/null", "w");

		if (devnull != NULL)
			rte_openlog_stream(devnull);
	}
}

void
fz_take(struct fz_in *in, void *dst, size_t n)
{
	size_t k = n < in->left ? n : in->left;

	memcpy(dst, in->p, k);
	memset((uint8_t *)dst + k, 0, n - k);
	in->p += k;
	in->left -= k;
}

uint8_t
fz_u8(struct fz_in *in)
{
	uint8_t v;

	fz_take(in, &v, sizeof(v));
	return v;
}

uint16_t
fz_u16(struct fz_in *in)
{
	uint16_t v;

	fz_take(in, &v, sizeof(v));
	return v;
}

uint32_t
fz_u32(struct fz_in *in)
{
	uint32_t v;

	fz_take(in, &v, sizeof(v));
	return v;
}

uint64_t
fz_u64(struct fz_in *in)
{
	uint64_t v;

	fz_take(in, &v, sizeof(v));
	return v;
}

void
fz_image_read(struct fz_in *in, struct fz_image *img)
{
	unsigned int i;

	memset(img, 0, sizeof(*img));
	for (i = 0; i < RTE_DIM(fz_bar_order); i++) {
		unsigned int b = fz_bar_order[i];
		uint32_t len = fz_u32(in);

		if (len > FZ_BAR_MAX)
			len = FZ_BAR_MAX;
		if (len > in->left)
			len = (uint32_t)in->left;
		if (len == 0)
			continue;
		if (posix_memalign((void **)&img->addr[b], 4096, len) != 0)
			abort();
		fz_take(in, img->addr[b], len);
		img->len[b] = len;
	}
}

void
fz_image_free(struct fz_image *img)
{
	unsigned int i;

	for (i = 0; i < AVP_BAR_COUNT; i++)
		free(img->addr[i]);
	memset(img, 0, sizeof(*img));
}

size_t
fz_rte_alloc_count(void)
{
	struct rte_malloc_socket_stats st;
	size_t n = 0;
	int s;

	for (s = 0; s < RTE_MAX_NUMA_NODES; s++)
		if (rte_malloc_get_socket_stats(s, &st) == 0)
			n += st.alloc_count;
	return n;
}

unsigned int
fz_count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *de;
	char path[300], link[64];
	unsigned int n = 0;
	ssize_t k;

	if (d == NULL)
		return 0;
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/proc/self/fd/%s", de->d_name);
		k = readlink(path, link, sizeof(link) - 1);
		if (k > 0) {
			link[k] = '\0';
			if (strcmp(link, "anon_inode:[eventpoll]") == 0)
				continue;
		}
		n++;
	}
	closedir(d);
	return n - 1;	/* the directory itself */
}

uint64_t
fz_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

void
fz_nap_us(unsigned int us)
{
	struct timespec ts = { us / 1000000, (long)(us % 1000000) * 1000 };

	nanosleep(&ts, NULL);
}
