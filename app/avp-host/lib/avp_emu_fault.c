/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The AVP PMD authors
 */

/* Fault injection: broken BAR images, descriptors and control replies. */

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include <errno.h>
#include <string.h>

#include "avp_emu_fault.h"

static const char * const fault_names[AVP_EMU_FAULT_COUNT] = {
	[AVP_EMU_FAULT_NONE] = "none",
	[AVP_EMU_FAULT_DEVINFO_MAGIC] = "devinfo_magic",
	[AVP_EMU_FAULT_DEVINFO_VERSION] = "devinfo_version",
	[AVP_EMU_FAULT_MEMMAP_MAGIC] = "memmap_magic",
	[AVP_EMU_FAULT_MEMMAP_VERSION] = "memmap_version",
	[AVP_EMU_FAULT_MEMMAP_COUNT] = "memmap_count",
	[AVP_EMU_FAULT_RING_NSLOTS] = "ring_nslots",
	[AVP_EMU_FAULT_RING_OUTSIDE] = "ring_outside",
	[AVP_EMU_FAULT_RING_INDEX] = "ring_index",
	[AVP_EMU_FAULT_QUEUES] = "queues",
	[AVP_EMU_FAULT_BUF_REGION] = "buf_region",
	[AVP_EMU_FAULT_DESC_HANDLE] = "desc_handle",
	[AVP_EMU_FAULT_DESC_DATA_VA] = "desc_data_va",
	[AVP_EMU_FAULT_DESC_NEXT_VA] = "desc_next_va",
	[AVP_EMU_FAULT_DESC_SEG_LEN] = "desc_seg_len",
	[AVP_EMU_FAULT_DESC_CHAIN_LONG] = "desc_chain_long",
	[AVP_EMU_FAULT_DESC_CHAIN_CYCLE] = "desc_chain_cycle",
	[AVP_EMU_FAULT_DESC_FRAME_LEN] = "desc_frame_len",
	[AVP_EMU_FAULT_DESC_OVERSIZE] = "desc_oversize",
	[AVP_EMU_FAULT_ALLOC_DIRTY] = "alloc_dirty",
	[AVP_EMU_FAULT_ALLOC_HANDLE] = "alloc_handle",
	[AVP_EMU_FAULT_CTRL_NO_REPLY] = "ctrl_no_reply",
	[AVP_EMU_FAULT_CTRL_LATE_REPLY] = "ctrl_late_reply",
	[AVP_EMU_FAULT_CTRL_BAD_TOKEN] = "ctrl_bad_token",
	[AVP_EMU_FAULT_CTRL_STATUS] = "ctrl_status",
};

const char *
avp_emu_fault_name(enum avp_emu_fault f)
{
	if ((unsigned int)f >= AVP_EMU_FAULT_COUNT)
		return "unknown";
	return fault_names[f];
}

/* 1 when fault f applies to this event; consumes one of its count. */
int
emu_fault_take(struct avp_emu_port *port, enum avp_emu_fault f,
		uint64_t *arg)
{
	struct emu_fault *ft = &port->fault.kind[f];

	if (!ft->active)
		return 0;
	*arg = ft->arg;
	if (ft->count != 0 && --ft->count == 0) {
		ft->active = 0;
		emu_fault_refresh(port);
	}
	emu_log(port, 1, "fault injected: %s", avp_emu_fault_name(f));
	return 1;
}

/* Lets the receive path skip every descriptor fault check at once. */
void
emu_fault_refresh(struct avp_emu_port *port)
{
	unsigned int f;

	port->fault.desc_on = 0;
	for (f = AVP_EMU_FAULT_DESC_HANDLE; f <= AVP_EMU_FAULT_DESC_OVERSIZE;
			f++)
		port->fault.desc_on |= port->fault.kind[f].active;
}

/* A made-up handle outside the pool, remembered: the guest may hand
 * it back without a violation.
 */
uint64_t
emu_bogus_make(struct avp_emu_port *port)
{
	uint64_t h = port->buf_va + port->pool_len +
		64 * (1 + port->fault.nbogus);

	port->fault.bogus[port->fault.nbogus % EMU_BOGUS_MAX] = h;
	port->fault.nbogus++;
	return h;
}

int
emu_bogus_is(const struct avp_emu_port *port, uint64_t h)
{
	const struct emu_fault_state *fs = &port->fault;
	unsigned int i, n = fs->nbogus < EMU_BOGUS_MAX ? fs->nbogus :
		EMU_BOGUS_MAX;

	for (i = 0; i < n; i++)
		if (fs->bogus[i] == h)
			return 1;
	return 0;
}

/* An HPA that no memmap entry covers. */
static uint64_t
emu_pa_outside(const struct avp_emu_port *port)
{
	return port->pool_pa + 0x100000000ULL;
}

static void
emu_image_fault(struct avp_emu_port *port, enum avp_emu_fault f, uint64_t arg)
{
	struct avp_devinfo *di = port->devinfo;
	struct avp_memmap *mm = port->memmap;
	unsigned int i;

	switch (f) {
	case AVP_EMU_FAULT_DEVINFO_MAGIC:
		di->magic = ~(uint32_t)AVP_DEVINFO_MAGIC;
		break;
	case AVP_EMU_FAULT_DEVINFO_VERSION:
		di->version = (uint32_t)arg;
		break;
	case AVP_EMU_FAULT_MEMMAP_MAGIC:
		mm->magic = ~(uint32_t)AVP_MEMMAP_MAGIC;
		break;
	case AVP_EMU_FAULT_MEMMAP_VERSION:
		mm->version = AVP_MEMMAP_VERSION + 1;
		break;
	case AVP_EMU_FAULT_MEMMAP_COUNT:
		mm->count = (uint32_t)arg;
		break;
	case AVP_EMU_FAULT_RING_NSLOTS:
		port->tx[0].r->nslots = port->params.ring_slots - 1;
		break;
	case AVP_EMU_FAULT_RING_OUTSIDE:
		di->rx_ring_pa = emu_pa_outside(port);
		break;
	case AVP_EMU_FAULT_RING_INDEX:
		/* The host stops producing so the bad index stays. A guest
		 * that masks it reads slots 0..2: they hold handles outside
		 * the pool, which it may hand back without a violation.
		 */
		port->fault.image = 1;
		for (i = 0; i < 3; i++) {
			uint64_t h = emu_bogus_make(port);

			port->rx[0].r->slots[i] = h;
			port->rx[0].shadow[i] = EMU_SHADOW_BOGUS;
		}
		/* as if the host had produced those 3: the guest may take
		 * them
		 */
		port->rx[0].pos = 3;
		port->rx[0].r->prod_idx = port->params.ring_slots + 3;
		break;
	case AVP_EMU_FAULT_QUEUES:
		di->rx_queues_min = (uint8_t)(di->rx_queues_max + 1);
		break;
	case AVP_EMU_FAULT_BUF_REGION:
		di->buf_region_pa = emu_pa_outside(port);
		break;
	default:
		break;
	}
}

int
avp_emu_port_fault(struct avp_emu_port *port, enum avp_emu_fault fault,
		uint64_t arg, unsigned int count)
{
	if (port == NULL || (unsigned int)fault >= AVP_EMU_FAULT_COUNT)
		return -EINVAL;
	pthread_mutex_lock(&port->lock);
	if (fault == AVP_EMU_FAULT_NONE) {
		memset(port->fault.kind, 0, sizeof(port->fault.kind));
	} else if (fault <= AVP_EMU_FAULT_BUF_REGION) {
		emu_image_fault(port, fault, arg);
	} else {
		port->fault.kind[fault].active = 1;
		port->fault.kind[fault].count = count;
		port->fault.kind[fault].arg = arg;
	}
	emu_fault_refresh(port);
	pthread_mutex_unlock(&port->lock);
	return 0;
}

int
avp_emu_port_reset(struct avp_emu_port *port)
{
	int ret;

	if (port == NULL)
		return -EINVAL;
	pthread_mutex_lock(&port->lock);
	memset(port->fault.kind, 0, sizeof(port->fault.kind));
	emu_fault_refresh(port);
	ret = emu_dev_layout(port);
	if (ret == 0) {
		emu_dev_write_images(port);
		emu_port_release(port, 1);
		port->regs->mig_status = AVP_MIG_NONE;
		port->after_close = 0;
		memset(&port->cfg, 0, sizeof(port->cfg));
	}
	pthread_mutex_unlock(&port->lock);
	return ret;
}
