/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The AVP PMD authors
 */

/*
 * The device as the BARs describe it: validation of everything the host
 * wrote (the host is not trusted), translation of host physical addresses
 * (function T) and of buffer handles (function B), and the mapping of
 * host receive rings onto application queues.
 */

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <rte_common.h>

#include "avp_ethdev.h"
#include "avp_logs.h"

int
avp_dev_check_bars(const struct avp_bar bar[AVP_BAR_COUNT])
{
	static const struct {
		unsigned int idx;
		uint64_t min;
		const char *what;
	} need[] = {
		{ AVP_BAR_REGS, AVP_BAR_REGS_MIN_SIZE, "registers" },
		{ AVP_BAR_SHMEM, 1, "shared memory" },
		{ AVP_BAR_MEMMAP, AVP_BAR_MEMMAP_MIN_SIZE, "memory map" },
		{ AVP_BAR_DEVINFO, AVP_BAR_DEVINFO_MIN_SIZE, "device info" },
	};
	unsigned int i;

	for (i = 0; i < RTE_DIM(need); i++) {
		const struct avp_bar *b = &bar[need[i].idx];

		if (b->addr == NULL || b->len < need[i].min) {
			PMD_INIT_LOG(ERR,
				"BAR %u (%s) %s: length %" PRIu64 ", need at least %" PRIu64,
				need[i].idx, need[i].what,
				b->addr == NULL ? "not mapped" : "too small",
				b->len, need[i].min);
			return -ENODEV;
		}
	}
	return 0;
}

/* T: host physical range [pa, pa + size) to a guest address, or NULL. */
void *
avp_map_translate(const struct avp_map *map, uint64_t pa, uint64_t size)
{
	uint32_t i;

	for (i = 0; i < map->count; i++) {
		uint64_t base = map->e[i].host_pa;
		uint64_t len = map->e[i].length;

		if (pa >= base && pa - base < len) {
			if (size > len - (pa - base))
				return NULL;	/* straddles the region end */
			return map->shmem + map->start[i] + (pa - base);
		}
	}
	return NULL;
}

/* Index of the region holding pa (first match), or -1. */
static int
avp_map_find(const struct avp_map *map, uint64_t pa)
{
	uint32_t i;

	for (i = 0; i < map->count; i++)
		if (pa >= map->e[i].host_pa &&
		    pa - map->e[i].host_pa < map->e[i].length)
			return (int)i;
	return -1;
}

int
avp_map_load(struct avp_dev *avp, struct avp_map *map)
{
	const struct avp_memmap *mm = avp->bar[AVP_BAR_MEMMAP].addr;
	uint64_t bar4_len = avp->bar[AVP_BAR_MEMMAP].len;
	uint64_t bar2_len = avp->bar[AVP_BAR_SHMEM].len;
	struct avp_memmap_entry *e;
	uint32_t magic, version, count, i;
	uint64_t sum = 0;

	magic = mm->magic;
	version = mm->version;
	count = mm->count;
	if (magic != AVP_MEMMAP_MAGIC) {
		PMD_INIT_LOG(ERR, "memmap.magic 0x%08x invalid, expected 0x%08x",
			magic, AVP_MEMMAP_MAGIC);
		return -EINVAL;
	}
	if (version != AVP_MEMMAP_VERSION) {
		PMD_INIT_LOG(ERR, "memmap.version %u unsupported, expected %u",
			version, AVP_MEMMAP_VERSION);
		return -EINVAL;
	}
	if (count == 0 || count > AVP_MEMMAP_MAX_ENTRIES ||
	    offsetof(struct avp_memmap, entries) +
	    (uint64_t)count * sizeof(struct avp_memmap_entry) > bar4_len) {
		PMD_INIT_LOG(ERR,
			"memmap.count %u invalid: allowed 1..%u and within BAR 4 (%" PRIu64 " bytes)",
			count, AVP_MEMMAP_MAX_ENTRIES, bar4_len);
		return -EINVAL;
	}

	e = malloc(count * (sizeof(*e) + sizeof(uint64_t)));
	if (e == NULL) {
		PMD_INIT_LOG(ERR, "no memory for a copy of %u memmap entries",
			count);
		return -ENOMEM;
	}
	memcpy(e, mm->entries, count * sizeof(*e));
	map->e = e;
	map->start = (uint64_t *)(e + count);
	map->count = count;
	map->shmem = avp->bar[AVP_BAR_SHMEM].addr;

	for (i = 0; i < count; i++) {
		uint64_t len = e[i].length;

		if (len > bar2_len - sum || e[i].host_pa + len < e[i].host_pa) {
			PMD_INIT_LOG(ERR,
				"memmap.entries[%u].length 0x%" PRIx64 " invalid: regions exceed BAR 2 (%" PRIu64 " bytes) or wrap",
				i, len, bar2_len);
			free(e);
			map->e = NULL;
			return -EINVAL;
		}
		map->start[i] = sum;
		sum += len;
	}
	return 0;
}

/* Translates and checks the ring at pa; 0 or -EINVAL with one log. */
static int
avp_ring_attach(const struct avp_map *map, struct avp_shring *sr,
		const char *name, unsigned int q, uint64_t pa, uint32_t stride)
{
	struct avp_ring *r;
	uint32_t n;

	r = avp_map_translate(map, pa, sizeof(*r));
	if (r == NULL) {
		PMD_INIT_LOG(ERR,
			"%s ring %u at PA 0x%" PRIx64 " is outside every memmap region",
			name, q, pa);
		return -EINVAL;
	}
	if (((uintptr_t)r & (sizeof(uint64_t) - 1)) != 0) {
		PMD_INIT_LOG(ERR,
			"%s ring %u at PA 0x%" PRIx64 " is not 8-byte aligned",
			name, q, pa);
		return -EINVAL;
	}
	n = r->nslots;	/* read once: this snapshot is all we ever use */
	if (n < 2 || !rte_is_power_of_2(n) || n > (1u << 24)) {
		PMD_INIT_LOG(ERR,
			"%s ring %u nslots %u invalid: need a power of two in 2..2^24",
			name, q, n);
		return -EINVAL;
	}
	if (stride != 0 && AVP_RING_BYTES(n) > stride) {
		PMD_INIT_LOG(ERR,
			"%s ring %u nslots %u does not fit its stride %u (16 + 8 * nslots bytes)",
			name, q, n, stride);
		return -EINVAL;
	}
	if (avp_map_translate(map, pa, AVP_RING_BYTES(n)) != r) {
		PMD_INIT_LOG(ERR,
			"%s ring %u (PA 0x%" PRIx64 ", %u slots) straddles the end of its memmap region",
			name, q, pa, n);
		return -EINVAL;
	}
	sr->ring = r;
	sr->mask = n - 1;
	return 0;
}

static int
avp_rings_attach(const struct avp_map *map, struct avp_shring *sr,
		const char *name, uint64_t base, uint32_t stride,
		unsigned int count)
{
	unsigned int q;
	int ret;

	if (stride < AVP_RING_BYTES(2) ||
	    (uint64_t)(count - 1) * stride > UINT32_MAX) {
		PMD_INIT_LOG(ERR,
			"devinfo.%s_ring_stride %u invalid for %u rings",
			name, stride, count);
		return -EINVAL;
	}
	for (q = 0; q < count; q++) {
		ret = avp_ring_attach(map, &sr[q], name, q,
				base + (uint64_t)q * stride, stride);
		if (ret != 0)
			return ret;
	}
	return 0;
}

static int
avp_devinfo_check(const struct avp_devinfo *info)
{
	uint32_t v = info->version;

	if (info->magic != AVP_DEVINFO_MAGIC) {
		PMD_INIT_LOG(ERR, "devinfo.magic 0x%08x invalid, expected 0x%08x",
			info->magic, AVP_DEVINFO_MAGIC);
		return -EINVAL;
	}
	if (AVP_VERSION_RELEASE(v) != AVP_VERSION_RELEASE(AVP_GUEST_VERSION) ||
	    (v >> AVP_VERSION_COMPARE_SHIFT) >
	    (AVP_GUEST_VERSION >> AVP_VERSION_COMPARE_SHIFT)) {
		PMD_INIT_LOG(ERR,
			"devinfo.version 0x%08x (%u.%u.%u) unsupported: need release 1, major <= %u",
			v, AVP_VERSION_RELEASE(v), AVP_VERSION_MAJOR(v),
			AVP_VERSION_MINOR(v),
			AVP_VERSION_MAJOR(AVP_GUEST_VERSION));
		return -EINVAL;
	}
	if (info->rx_queues_max < 1 || info->rx_queues_max > AVP_MAX_QUEUES ||
	    info->rx_queues_min < 1 ||
	    info->rx_queues_min > info->rx_queues_max) {
		PMD_INIT_LOG(ERR,
			"devinfo.rx_queues_min %u / rx_queues_max %u invalid: need 1 <= min <= max <= %u",
			info->rx_queues_min, info->rx_queues_max,
			AVP_MAX_QUEUES);
		return -EINVAL;
	}
	if (info->tx_queues_max < 1 || info->tx_queues_max > AVP_MAX_QUEUES ||
	    info->tx_queues_min > info->tx_queues_max) {
		PMD_INIT_LOG(ERR,
			"devinfo.tx_queues_min %u / tx_queues_max %u invalid: need min <= max, max in 1..%u",
			info->tx_queues_min, info->tx_queues_max,
			AVP_MAX_QUEUES);
		return -EINVAL;
	}
	if (info->buf_data_size < AVP_MIN_BUF_SIZE ||
	    info->buf_data_size > UINT16_MAX) {
		PMD_INIT_LOG(ERR,
			"devinfo.buf_data_size %u invalid: allowed %u..%u",
			info->buf_data_size, AVP_MIN_BUF_SIZE, UINT16_MAX);
		return -EINVAL;
	}
	if (info->max_frame_len < RTE_ETHER_MIN_LEN) {
		PMD_INIT_LOG(ERR,
			"devinfo.max_frame_len %u invalid: at least %u needed",
			info->max_frame_len, RTE_ETHER_MIN_LEN);
		return -EINVAL;
	}
	if (!rte_is_valid_assigned_ether_addr(
			(const struct rte_ether_addr *)info->mac)) {
		PMD_INIT_LOG(ERR,
			"devinfo.mac " RTE_ETHER_ADDR_PRT_FMT " is not a unicast address",
			RTE_ETHER_ADDR_BYTES(
				(const struct rte_ether_addr *)info->mac));
		return -EINVAL;
	}
	return 0;
}

/*
 * Reads, validates and translates everything the device describes. On
 * success avp holds the rings, the control area, the buffer view and the
 * limits; on failure nothing in avp has changed and one line says why.
 */
int
avp_dev_attach(struct avp_dev *avp)
{
	struct avp_devinfo info;
	struct avp_map map = { 0 };
	struct avp_shring tx[AVP_MAX_QUEUES], alloc[AVP_MAX_QUEUES];
	struct avp_shring rx[AVP_MAX_QUEUES], fr[AVP_MAX_QUEUES];
	struct avp_shring req, resp;
	struct avp_ctrl_msg *ctrl;
	struct avp_bufview buf;
	uint64_t region_len;
	uint8_t *base;
	int idx, ret;

	ret = avp_dev_check_bars(avp->bar);
	if (ret != 0)
		return ret;

	/* One copy of the device info; only the copy is looked at. */
	memcpy(&info, avp->bar[AVP_BAR_DEVINFO].addr, sizeof(info));
	ret = avp_devinfo_check(&info);
	if (ret != 0)
		return ret;

	ret = avp_map_load(avp, &map);
	if (ret != 0)
		return ret;

	ret = avp_rings_attach(&map, tx, "tx", info.tx_ring_pa,
			info.tx_ring_stride, info.tx_queues_max);
	if (ret == 0)
		ret = avp_rings_attach(&map, alloc, "alloc", info.alloc_ring_pa,
				info.alloc_ring_stride, info.tx_queues_max);
	if (ret == 0)
		ret = avp_rings_attach(&map, rx, "rx", info.rx_ring_pa,
				info.rx_ring_stride, info.rx_queues_max);
	if (ret == 0)
		ret = avp_rings_attach(&map, fr, "free", info.free_ring_pa,
				info.free_ring_stride, info.rx_queues_max);
	if (ret == 0)
		ret = avp_ring_attach(&map, &req, "request", 0,
				info.req_ring_pa, 0);
	if (ret == 0)
		ret = avp_ring_attach(&map, &resp, "response", 0,
				info.resp_ring_pa, 0);
	if (ret != 0)
		goto out;

	ctrl = avp_map_translate(&map, info.ctrl_area_pa, sizeof(*ctrl));
	if (ctrl == NULL) {
		PMD_INIT_LOG(ERR,
			"devinfo.ctrl_area_pa 0x%" PRIx64 " invalid: 36 bytes not inside one memmap region",
			info.ctrl_area_pa);
		ret = -EINVAL;
		goto out;
	}

	/* Buffer region: from buf_region_pa to the end of its region. */
	idx = avp_map_find(&map, info.buf_region_pa);
	if (idx < 0) {
		PMD_INIT_LOG(ERR,
			"devinfo.buf_region_pa 0x%" PRIx64 " is outside every memmap region",
			info.buf_region_pa);
		ret = -EINVAL;
		goto out;
	}
	region_len = map.e[idx].length -
		(info.buf_region_pa - map.e[idx].host_pa);
	base = map.shmem + map.start[idx] +
		(info.buf_region_pa - map.e[idx].host_pa);
	/* The host may narrow it with pools[0] (same start, a length). */
	if (info.pools[0].length != 0 &&
	    info.pools[0].host_va == info.buf_region_va &&
	    info.pools[0].length < region_len)
		region_len = info.pools[0].length;
	if (region_len < sizeof(struct avp_desc) + info.buf_data_size ||
	    info.buf_region_va + region_len < info.buf_region_va) {
		PMD_INIT_LOG(ERR,
			"devinfo.buf_region_va 0x%" PRIx64 ": region of %" PRIu64 " bytes cannot hold a buffer of %u bytes or wraps",
			info.buf_region_va, region_len, info.buf_data_size);
		ret = -EINVAL;
		goto out;
	}
	buf.va = info.buf_region_va;
	buf.base = base;
	buf.len = region_len;

	/* Everything checked: publish. */
	avp->info = info;
	memcpy(avp->tx_ring, tx, sizeof(tx[0]) * info.tx_queues_max);
	memcpy(avp->alloc_ring, alloc, sizeof(alloc[0]) * info.tx_queues_max);
	memcpy(avp->rx_ring, rx, sizeof(rx[0]) * info.rx_queues_max);
	memcpy(avp->free_ring, fr, sizeof(fr[0]) * info.rx_queues_max);
	avp->req_ring = req;
	avp->resp_ring = resp;
	avp->ctrl = ctrl;
	avp->buf = buf;
	/*
	 * The same at every attach: written once, as the interrupt handler
	 * reads it without the port lock.
	 */
	if (avp->regs != avp->bar[AVP_BAR_REGS].addr)
		avp->regs = avp->bar[AVP_BAR_REGS].addr;
	avp->buf_size = info.buf_data_size;
	/* No frame is longer than 5 host buffers, whatever max_frame_len says. */
	avp->max_frame = RTE_MIN(info.max_frame_len,
			(uint32_t)AVP_DOCUMENTED_MAX_FRAME_LEN);
	if (avp->max_frame > AVP_MAX_SEGS * info.buf_data_size) {
		avp->max_frame = AVP_MAX_SEGS * info.buf_data_size;
		PMD_INIT_LOG(NOTICE,
			"devinfo.max_frame_len %u is more than 5 host buffers of %u bytes: using %u",
			info.max_frame_len, info.buf_data_size,
			avp->max_frame);
	}
	avp->max_rx_queues = info.rx_queues_max;
	avp->max_tx_queues = info.tx_queues_max;
	avp->min_rx_queues = info.rx_queues_min;
	avp->host_features = info.features;
	memcpy(avp->mac.addr_bytes, info.mac, RTE_ETHER_ADDR_LEN);

	PMD_INIT_LOG(DEBUG,
		"attached: host ABI 0x%08x, %u/%u queues, H %u, M %u, %u regions",
		info.version, info.rx_queues_max, info.tx_queues_max,
		info.buf_data_size, info.max_frame_len, map.count);
out:
	free((void *)(uintptr_t)map.e);
	return ret;
}

/*
 * nb_rings host rings over nb_queues receive queues in contiguous ranges,
 * the first (nb_rings mod nb_queues) queues one ring more (see
 * "Host/guest interface" in avp.rst). Control path only.
 */
void
avp_dev_queue_map(unsigned int nb_rings, unsigned int nb_queues,
		unsigned int queue, uint8_t *first, uint8_t *count)
{
	unsigned int b = nb_rings / nb_queues;
	unsigned int r = nb_rings % nb_queues;

	if (queue < r) {
		*first = queue * (b + 1);
		*count = b + 1;
	} else {
		*first = r * (b + 1) + (queue - r) * b;
		*count = b;
	}
}

/* Smallest capacity (nslots - 1) among the first n rings. */
uint32_t
avp_dev_ring_capacity(const struct avp_shring *r, unsigned int n)
{
	uint32_t cap = UINT32_MAX;
	unsigned int i;

	for (i = 0; i < n; i++)
		cap = RTE_MIN(cap, r[i].mask);
	return cap;
}
