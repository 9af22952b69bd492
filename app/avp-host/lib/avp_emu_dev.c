/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The AVP PMD authors
 */

/*
 * The device model: one memfd holds BAR 0, BAR 4, BAR 5 and BAR 2. BAR 2
 * is two memmap regions: the ring region (control area, request and
 * response rings, 8 rings of each data kind) and the buffer pool. They
 * get invented, non-adjacent host physical addresses; their host virtual
 * addresses are where the emulator really mapped them.
 */

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/eventfd.h>
#include <sys/mman.h>

#include "avp_emu_dev.h"

#define ALIGN_UP(x, a)	(((x) + (a) - 1) & ~((uint64_t)(a) - 1))

/* Invented host physical addresses: a new window per relocation. */
#define EMU_PA_BASE		0x0000000100000000ULL
#define EMU_PA_GEN_STEP		0x0000001000000000ULL
#define EMU_PA_POOL_GAP		0x0000000400000000ULL

static uint64_t
emu_next_pow2(uint64_t v)
{
	uint64_t p = 1;

	while (p < v)
		p <<= 1;
	return p;
}

/* stride = s0 << k, s0 odd: k and the inverse of s0 modulo 2^64 */
static void
emu_stride_inverse(struct avp_emu_port *port)
{
	uint64_t s0 = port->buf_stride, inv;
	unsigned int k = 0, i;

	while ((s0 & 1) == 0) {
		s0 >>= 1;
		k++;
	}
	/* Newton: each step doubles the correct low bits (3, 6, ... 96) */
	inv = s0;
	for (i = 0; i < 5; i++)
		inv *= 2 - s0 * inv;
	port->stride_inv = inv;
	port->stride_shift = k;
}

static uint32_t
emu_buf_stride_for(uint32_t h)
{
	return (uint32_t)ALIGN_UP(EMU_DESC_SIZE + EMU_HEADROOM + h, 64);
}

/* Every buffer back to the host, lowest index handed out first. */
void
emu_dev_reset_pool(struct avp_emu_port *port)
{
	uint32_t i;

	for (i = 0; i < port->nbufs; i++) {
		port->bufs[i].state = BUF_HOST;
		port->bufs[i].head = 0;
		port->bufs[i].next = -1;
		port->free_stack[i] = port->nbufs - 1 - i;
	}
	port->free_top = port->nbufs;
	port->rx_outstanding = 0;
	port->alloc_dry = 0;
	port->fault.nbogus = 0;
}

static struct avp_ring *
emu_ring_at(struct avp_emu_port *port, uint64_t off)
{
	return (struct avp_ring *)(void *)(port->bar2 + port->rr_off + off);
}

/* Offsets inside the ring region. */
#define RR_CTRL_OFF	0
#define RR_REQ_OFF	64

static uint64_t
emu_rr_data_off(const struct avp_emu_port *port)
{
	return ALIGN_UP(RR_REQ_OFF + 2 * (uint64_t)port->ctrl_ring_bytes, 64);
}

/* kind: 0 tx, 1 rx, 2 alloc, 3 free */
static uint64_t
emu_rr_ring_off(const struct avp_emu_port *port, unsigned int kind,
		unsigned int q)
{
	return emu_rr_data_off(port) + ((uint64_t)kind * AVP_MAX_QUEUES + q) *
		port->ring_stride;
}

void
emu_dev_init_data_rings(struct avp_emu_port *port)
{
	uint32_t n = port->params.ring_slots;
	unsigned int q;

	for (q = 0; q < AVP_MAX_QUEUES; q++) {
		emu_ring_init(&port->tx[q], emu_ring_at(port,
			emu_rr_ring_off(port, 0, q)), n, NULL);
		emu_ring_init(&port->rx[q], emu_ring_at(port,
			emu_rr_ring_off(port, 1, q)), n,
			port->shadow + (size_t)q * n);
		emu_ring_init(&port->alloc[q], emu_ring_at(port,
			emu_rr_ring_off(port, 2, q)), n,
			port->shadow + (size_t)(AVP_MAX_QUEUES + q) * n);
		emu_ring_init(&port->fr[q], emu_ring_at(port,
			emu_rr_ring_off(port, 3, q)), n, NULL);
	}
	emu_dev_reset_pool(port);
	port->rx_dirty = 0;
	port->stock_txq = 0;
	port->fault.image = 0;
}

void
emu_dev_init_ctrl_rings(struct avp_emu_port *port)
{
	port->ctrl = (struct avp_ctrl_msg *)(void *)(port->bar2 +
		port->rr_off + RR_CTRL_OFF);
	memset(port->ctrl, 0, sizeof(*port->ctrl));
	emu_ring_init(&port->req, emu_ring_at(port, RR_REQ_OFF),
		port->params.ctrl_ring_slots, NULL);
	emu_ring_init(&port->resp, emu_ring_at(port, RR_REQ_OFF +
		port->ctrl_ring_bytes), port->params.ctrl_ring_slots, NULL);
	port->late.pending = 0;
	port->sched.req_idle_us = emu_now_us();
}

/*
 * Computes the layout from the current params: ring region, pool region
 * (sized for the current H), their order in BAR 2 and their addresses.
 */
int
emu_dev_layout(struct avp_emu_port *port)
{
	const struct avp_emu_port_params *p = &port->params;
	uint64_t pool_max;

	port->ctrl_ring_bytes = (uint32_t)ALIGN_UP(
		AVP_RING_BYTES(p->ctrl_ring_slots), 64);
	port->ring_stride = (uint32_t)ALIGN_UP(AVP_RING_BYTES(p->ring_slots),
		64);
	port->rr_len = ALIGN_UP(emu_rr_data_off(port) + 4ULL * AVP_MAX_QUEUES *
		port->ring_stride, 4096);
	port->buf_size = p->buf_data_size;
	port->nbufs = p->buf_count;
	port->buf_stride = emu_buf_stride_for(port->buf_size);
	emu_stride_inverse(port);
	port->pool_len = (uint64_t)port->nbufs * port->buf_stride;
	port->pool_region_len = ALIGN_UP(port->pool_len, 4096);
	pool_max = ALIGN_UP((uint64_t)port->nbufs * emu_buf_stride_for(
		port->buf_size > EMU_MAX_BUF_SIZE ? port->buf_size : EMU_MAX_BUF_SIZE), 4096);
	if (port->bar2_len == 0)
		port->bar2_len = emu_next_pow2(port->rr_len + pool_max);
	if (port->rr_len + port->pool_region_len > port->bar2_len)
		return -ENOSPC;
	if (port->swapped) {
		port->pool_off = 0;
		port->rr_off = port->pool_region_len;
	} else {
		port->rr_off = 0;
		port->pool_off = port->rr_len;
	}
	port->rr_pa = EMU_PA_BASE + port->relocs * EMU_PA_GEN_STEP +
		(uint64_t)port->idx * 0x10000000ULL;
	port->pool_pa = port->rr_pa + EMU_PA_POOL_GAP;
	port->buf_va = (uint64_t)(uintptr_t)(port->bar2 + port->pool_off);
	port->ctrl_va = (uint64_t)(uintptr_t)(port->bar2 + port->rr_off +
		RR_CTRL_OFF);
	return 0;
}

/* Writes BAR 4 and BAR 5 from the layout. */
void
emu_dev_write_images(struct avp_emu_port *port)
{
	const struct avp_emu_port_params *p = &port->params;
	struct avp_memmap *mm = port->memmap;
	struct avp_devinfo *di = port->devinfo;
	struct avp_memmap_entry rr, pool;

	memset(mm, 0, EMU_BAR4_LEN);
	rr.host_va = (uint64_t)(uintptr_t)(port->bar2 + port->rr_off);
	rr.host_pa = port->rr_pa;
	rr.length = port->rr_len;
	pool.host_va = port->buf_va;
	pool.host_pa = port->pool_pa;
	pool.length = port->pool_region_len;
	mm->magic = AVP_MEMMAP_MAGIC;
	mm->version = AVP_MEMMAP_VERSION;
	mm->count = 2;
	mm->entries[port->swapped ? 1 : 0] = rr;
	mm->entries[port->swapped ? 0 : 1] = pool;

	memset(di, 0, EMU_BAR5_LEN);
	di->magic = AVP_DEVINFO_MAGIC;
	di->version = p->host_version;
	memcpy(di->host_ifname, p->name, sizeof(di->host_ifname));
	di->host_ifname[AVP_IFNAME_LEN - 1] = '\0';
	di->tx_ring_pa = port->rr_pa + emu_rr_ring_off(port, 0, 0);
	di->rx_ring_pa = port->rr_pa + emu_rr_ring_off(port, 1, 0);
	di->alloc_ring_pa = port->rr_pa + emu_rr_ring_off(port, 2, 0);
	di->free_ring_pa = port->rr_pa + emu_rr_ring_off(port, 3, 0);
	di->tx_ring_stride = port->ring_stride;
	di->rx_ring_stride = port->ring_stride;
	di->alloc_ring_stride = port->ring_stride;
	di->free_ring_stride = port->ring_stride;
	di->features = p->features;
	di->rx_queues_min = p->rx_queues_min;
	di->rx_queues_hint = p->rx_queues_max;
	di->rx_queues_max = p->rx_queues_max;
	di->tx_queues_min = p->tx_queues_min;
	di->tx_queues_hint = p->tx_queues_max;
	di->tx_queues_max = p->tx_queues_max;
	di->req_ring_pa = port->rr_pa + RR_REQ_OFF;
	di->resp_ring_pa = port->rr_pa + RR_REQ_OFF + port->ctrl_ring_bytes;
	di->ctrl_area_pa = port->rr_pa + RR_CTRL_OFF;
	di->ctrl_area_va = port->ctrl_va;
	di->buf_region_va = port->buf_va;
	di->buf_region_pa = port->pool_pa;
	di->pools[0].host_va = port->buf_va;
	di->pools[0].host_pa = port->pool_pa;
	di->pools[0].length = port->pool_len;
	memcpy(di->mac, p->mac, AVP_MAC_LEN);
	di->mode = AVP_MODE_GUEST;
	di->buf_data_size = port->buf_size;
	di->instance_id = p->instance_id;
	di->max_frame_len = p->max_frame_len;
}

static void
emu_set_pointers(struct avp_emu_port *port)
{
	port->regs = (volatile struct avp_regs *)(void *)(port->map +
		EMU_BAR0_OFF);
	port->memmap = (struct avp_memmap *)(void *)(port->map +
		EMU_BAR4_OFF);
	port->devinfo = (struct avp_devinfo *)(void *)(port->map +
		EMU_BAR5_OFF);
	port->bar2 = port->map + EMU_BAR2_OFF;
}

/* Maps the memfd at a new host address and drops the old mapping, so a
 * stale host pointer faults instead of silently working.
 */
int
emu_dev_remap(struct avp_emu_port *port)
{
	void *p;

	p = mmap(NULL, port->map_len, PROT_READ | PROT_WRITE, MAP_SHARED,
		port->memfd, 0);
	if (p == MAP_FAILED)
		return -errno;
	if (port->map != NULL)
		munmap(port->map, port->map_len);
	port->map = p;
	emu_set_pointers(port);
	return 0;
}

int
emu_dev_create(struct avp_emu_port *port)
{
	const struct avp_emu_port_params *p = &port->params;
	uint32_t n = p->ring_slots;
	int ret;

	port->memfd = -1;
	port->irq_fd = -1;
	port->shadow = calloc((size_t)2 * AVP_MAX_QUEUES * n,
		sizeof(*port->shadow));
	port->bufs = calloc(p->buf_count, sizeof(*port->bufs));
	port->free_stack = calloc(p->buf_count, sizeof(*port->free_stack));
	if (port->shadow == NULL || port->bufs == NULL ||
			port->free_stack == NULL)
		return -ENOMEM;
	port->memfd = memfd_create("avp-emu", MFD_CLOEXEC);
	if (port->memfd < 0)
		return -errno;
	port->irq_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (port->irq_fd < 0)
		return -errno;
	/* BAR 2 size depends only on the geometry, not on addresses */
	port->bar2 = NULL;
	ret = emu_dev_layout(port);
	if (ret != 0)
		return ret;
	port->map_len = EMU_BAR2_OFF + port->bar2_len;
	if (ftruncate(port->memfd, (off_t)port->map_len) != 0)
		return -errno;
	ret = emu_dev_remap(port);
	if (ret != 0)
		return ret;
	ret = emu_dev_layout(port);
	if (ret != 0)
		return ret;
	memset((void *)(uintptr_t)port->regs, 0, EMU_BAR0_LEN);
	emu_dev_write_images(port);
	emu_dev_init_ctrl_rings(port);
	emu_dev_init_data_rings(port);
	return 0;
}

void
emu_dev_free(struct avp_emu_port *port)
{
	if (port->map != NULL)
		munmap(port->map, port->map_len);
	port->map = NULL;
	if (port->memfd >= 0)
		close(port->memfd);
	if (port->irq_fd >= 0)
		close(port->irq_fd);
	port->memfd = -1;
	port->irq_fd = -1;
	free(port->shadow);
	free(port->bufs);
	free(port->free_stack);
	port->shadow = NULL;
	port->bufs = NULL;
	port->free_stack = NULL;
}

/* Back to unconfigured with clean data rings (guest let go, or closed).
 * ctrl_rings: also reset the request/response rings and the registers,
 * and forget the MTU (the guest is gone, the next one tells its own).
 */
void
emu_port_release(struct avp_emu_port *port, int ctrl_rings)
{
	port->configured = 0;
	port->link_up = 0;
	port->rx_rr = 0;
	emu_dev_init_data_rings(port);
	if (ctrl_rings) {
		emu_dev_init_ctrl_rings(port);
		port->regs->irq_mask = 0;
		port->regs->irq_status = 0;
		port->regs->mig_ack = 0;
		port->irq.mask_seen = 0;
		port->irq.latched = 0;
		port->irq.undelivered = 0;
		port->mig.ack_seen = 0;
		emu_mtu_set(port, 0);
	}
}

int
avp_emu_port_bars(struct avp_emu_port *port, struct avp_emu_bars *bars)
{
	uint8_t *p;

	if (port == NULL || bars == NULL)
		return -EINVAL;
	memset(bars, 0, sizeof(*bars));
	pthread_mutex_lock(&port->lock);
	p = mmap(NULL, port->map_len, PROT_READ | PROT_WRITE, MAP_SHARED,
		port->memfd, 0);
	if (p == MAP_FAILED) {
		pthread_mutex_unlock(&port->lock);
		return -errno;
	}
	bars->map_base = p;
	bars->map_len = port->map_len;
	bars->offset[AVP_BAR_REGS] = EMU_BAR0_OFF;
	bars->len[AVP_BAR_REGS] = EMU_BAR0_LEN;
	bars->offset[AVP_BAR_SHMEM] = EMU_BAR2_OFF;
	bars->len[AVP_BAR_SHMEM] = port->bar2_len;
	bars->offset[AVP_BAR_MEMMAP] = EMU_BAR4_OFF;
	bars->len[AVP_BAR_MEMMAP] = EMU_BAR4_LEN;
	bars->offset[AVP_BAR_DEVINFO] = EMU_BAR5_OFF;
	bars->len[AVP_BAR_DEVINFO] = EMU_BAR5_LEN;
	bars->addr[AVP_BAR_REGS] = p + EMU_BAR0_OFF;
	bars->addr[AVP_BAR_SHMEM] = p + EMU_BAR2_OFF;
	bars->addr[AVP_BAR_MEMMAP] = p + EMU_BAR4_OFF;
	bars->addr[AVP_BAR_DEVINFO] = p + EMU_BAR5_OFF;
	bars->memfd = port->memfd;
	bars->irq_fd = port->irq_fd;
	pthread_mutex_unlock(&port->lock);
	return 0;
}

void
avp_emu_bars_unmap(struct avp_emu_bars *bars)
{
	if (bars == NULL)
		return;
	if (bars->map_base != NULL)
		munmap(bars->map_base, bars->map_len);
	memset(bars, 0, sizeof(*bars));
	bars->memfd = -1;
	bars->irq_fd = -1;
}
