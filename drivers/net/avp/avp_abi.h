/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The AVP PMD authors
 */

/*
 * Wind River Accelerated Virtual Port (AVP): the host/guest binary
 * interface. Shared, unchanged, by the guest driver and the host emulator,
 * so it is freestanding C: only <stdint.h> and <stddef.h>.
 *
 * x86-64, little-endian. Every pointer stored in shared memory is a host
 * virtual address (HVA) and is never dereferenced as it is.
 */

#ifndef AVP_ABI_H
#define AVP_ABI_H

#include <stddef.h>
#include <stdint.h>

/*
 * Layout attributes: DPDK's macros where the driver has rte_common.h,
 * the compiler's own in the emulator, which builds without DPDK.
 */
#ifdef _RTE_COMMON_H_
#define AVP_ABI_ALIGNED(a)	__rte_aligned(a)
#ifdef __rte_packed_begin
#define AVP_ABI_PACKED_BEGIN	__rte_packed_begin
#define AVP_ABI_PACKED_END	__rte_packed_end
#else
#define AVP_ABI_PACKED_BEGIN
#define AVP_ABI_PACKED_END	__rte_packed
#endif
#else
#define AVP_ABI_ALIGNED(a)	__attribute__((aligned(a)))
#define AVP_ABI_PACKED_BEGIN
#define AVP_ABI_PACKED_END	__attribute__((packed))
#endif

/* PCI identity: all four must match. */
#define AVP_PCI_VENDOR_ID		0x1af4
#define AVP_PCI_DEVICE_ID		0x1110
#define AVP_PCI_SUBSYS_VENDOR_ID	0x1af4
#define AVP_PCI_SUBSYS_DEVICE_ID	0x1104

/* BAR indexes. */
#define AVP_BAR_REGS			0
#define AVP_BAR_MSIX			1
#define AVP_BAR_SHMEM			2
#define AVP_BAR_MEMMAP			4
#define AVP_BAR_DEVINFO			5
#define AVP_BAR_COUNT			6

/* Smallest BAR sizes a guest can work with. */
#define AVP_BAR_REGS_MIN_SIZE		16
#define AVP_BAR_MEMMAP_MIN_SIZE		16	/* header; plus count entries */
#define AVP_BAR_DEVINFO_MIN_SIZE	376

/* BAR 0 registers, 32 bits each. */
#define AVP_REG_IRQ_MASK		0x00
#define AVP_REG_IRQ_STATUS		0x04	/* reading clears it */
#define AVP_REG_MIG_STATUS		0x08
#define AVP_REG_MIG_ACK			0x0c

#define AVP_IRQ_CAUSE_MIGRATION		0x00000002
#define AVP_IRQ_MASK_ALL		0xffffffff
#define AVP_IRQ_MASK_NONE		0x00000000
#define AVP_MSIX_VECTOR_MIGRATION	0
#define AVP_MSIX_VECTOR_COUNT		1

/* mig_status (host to guest) and mig_ack (guest to host). */
#define AVP_MIG_NONE			0
#define AVP_MIG_DETACHED		1
#define AVP_MIG_ATTACHED		2
#define AVP_MIG_ERROR			3

/* Memory map (BAR 4). */
#define AVP_MEMMAP_MAGIC		0x20131969
#define AVP_MEMMAP_VERSION		1
#define AVP_MEMMAP_MAX_ENTRIES		2048

/* Device info (BAR 5) and versions: release.major.minor = 16.8.8 bits. */
#define AVP_DEVINFO_MAGIC		0x20131975
#define AVP_GUEST_VERSION		0x0001020d	/* 1.2.13 */
#define AVP_HOST_VERSION		0x00010001	/* 1.0.1 */
#define AVP_VERSION_RELEASE_SHIFT	16
#define AVP_VERSION_MAJOR_SHIFT		8
#define AVP_VERSION_COMPARE_SHIFT	8
#define AVP_VERSION_RELEASE(v)		((uint32_t)(v) >> AVP_VERSION_RELEASE_SHIFT)
#define AVP_VERSION_MAJOR(v)		(((uint32_t)(v) >> AVP_VERSION_MAJOR_SHIFT) & 0xff)
#define AVP_VERSION_MINOR(v)		((uint32_t)(v) & 0xff)

#define AVP_MAX_POOLS			8
#define AVP_MAX_QUEUES			8
#define AVP_MAX_SEGS			5
#define AVP_IFNAME_LEN			32
#define AVP_MAC_LEN			6
#define AVP_RING_SLOT_BYTES		8

/* Control requests. */
#define AVP_OP_NONE			0
#define AVP_OP_SET_MTU			1
#define AVP_OP_SET_LINK			2
#define AVP_OP_CONFIGURE		3
#define AVP_OP_SHUTDOWN			4
#define AVP_OP_LIMIT			5

#define AVP_DRV_KIND_UNKNOWN		0
#define AVP_DRV_KIND_DPDK		1
#define AVP_DRV_KIND_KERNEL		2
#define AVP_DRV_KIND_QEMU		3

#define AVP_MODE_HOST			0
#define AVP_MODE_GUEST			1
#define AVP_MODE_TRACE			2

#define AVP_FEAT_VLAN_OFFLOAD		0x00000001

/* Descriptor flags (head descriptor only). */
#define AVP_DESC_F_TX_VLAN		0x0001	/* guest to host: insert tag */
#define AVP_DESC_F_RX_VLAN		0x0800	/* host to guest: tag stripped */

/* Control channel status values (negative errno, Linux numbering). */
#define AVP_CTRL_STATUS_PRESET		(-95)	/* -ENOTSUP */
#define AVP_ERR_CTRL_RING_FULL		(-16)	/* -EBUSY */
#define AVP_ERR_CTRL_TIMEOUT		(-62)	/* -ETIME */
#define AVP_ERR_CTRL_BAD_REPLY		(-61)	/* -ENODATA */

/* Platform facts the guest reports or relies on. */
#define AVP_FRAME_OVERHEAD		18	/* Ethernet header + FCS */
#define AVP_DOCUMENTED_MAX_FRAME_LEN	9238
#define AVP_LINK_SPEED_MBPS		10000

/* BAR 0 */
struct avp_regs {
	volatile uint32_t irq_mask;
	volatile uint32_t irq_status;
	volatile uint32_t mig_status;
	volatile uint32_t mig_ack;
};

/* BAR 4: the regions that make up BAR 2, laid back to back in order. */
struct avp_memmap_entry {
	uint64_t host_va;	/* not used by the guest */
	uint64_t host_pa;
	uint64_t length;
};

struct avp_memmap {
	uint32_t magic;
	uint32_t version;
	uint32_t count;
	uint32_t _pad12;
	struct avp_memmap_entry entries[AVP_MEMMAP_MAX_ENTRIES];
};

struct avp_pool_entry {
	uint64_t host_va;
	uint64_t host_pa;
	uint64_t length;
};

/* BAR 5 */
struct avp_devinfo {
	uint32_t magic;
	uint32_t version;
	char host_ifname[AVP_IFNAME_LEN];
	uint64_t tx_ring_pa;		/* tx[q] at tx_ring_pa + q * stride */
	uint64_t rx_ring_pa;
	uint64_t alloc_ring_pa;
	uint64_t free_ring_pa;
	uint32_t features;
	uint8_t rx_queues_min;
	uint8_t rx_queues_hint;
	uint8_t rx_queues_max;
	uint8_t tx_queues_min;
	uint8_t tx_queues_hint;
	uint8_t tx_queues_max;
	uint8_t _pad82[2];
	uint32_t tx_ring_stride;
	uint32_t rx_ring_stride;
	uint32_t alloc_ring_stride;
	uint32_t free_ring_stride;
	uint32_t _pad100;
	uint64_t req_ring_pa;
	uint64_t resp_ring_pa;
	uint64_t ctrl_area_pa;
	uint64_t ctrl_area_va;		/* token on the request/response rings */
	uint64_t buf_region_va;
	uint64_t buf_region_pa;
	struct avp_pool_entry pools[AVP_MAX_POOLS];
	uint8_t mac[AVP_MAC_LEN];
	uint8_t mode;
	uint8_t _pad351;
	uint32_t buf_data_size;		/* bytes of one host buffer */
	uint32_t _pad356;
	uint64_t instance_id;
	uint32_t max_frame_len;		/* longest frame, at most 9238 */
	uint32_t _pad372;
};

/*
 * Single-producer/single-consumer ring of HVAs. Indexes are slot
 * positions in [0, nslots - 1]; one slot always stays empty.
 */
struct avp_ring {
	volatile uint32_t prod_idx;	/* written by the producer only */
	volatile uint32_t cons_idx;	/* written by the consumer only */
	uint32_t nslots;		/* power of two, >= 2 */
	uint32_t slot_bytes;		/* 8, informational */
	volatile uint64_t slots[];
};

#define AVP_RING_BYTES(nslots) \
	(sizeof(struct avp_ring) + (size_t)(nslots) * AVP_RING_SLOT_BYTES)

/* The 64-byte header of every host packet buffer; its HVA is the handle. */
struct AVP_ABI_ALIGNED(64) avp_desc {
	uint8_t _rsvd0[8];
	uint64_t host_ref;
	uint8_t _rsvd1[14];
	uint16_t flags;
	uint64_t next_va;		/* HVA of the next segment, 0 ends */
	uint64_t data_va;		/* HVA of this segment's bytes */
	uint16_t seg_len;
	uint8_t seg_count;		/* head only */
	uint8_t _rsvd2;
	uint16_t frame_len;		/* head only: sum of seg_len */
	uint8_t _rsvd3[4];
	uint16_t vlan_tci;		/* head only, CPU order */
	uint8_t _rsvd4[4];
};

/* CONFIGURE payload. */
struct AVP_ABI_PACKED_BEGIN avp_cfg {
	uint64_t instance_id;
	uint32_t drv_kind;
	uint32_t drv_version;
	uint32_t features;
	uint16_t tx_queues;
	uint16_t rx_queues;
	uint8_t link_up;
} AVP_ABI_PACKED_END;

/*
 * The control message area. The outer structure is packed but its union
 * is not, so the union is 28 bytes and status sits at offset 32.
 */
struct AVP_ABI_PACKED_BEGIN avp_ctrl_msg {
	uint32_t op;
	union {
		uint32_t mtu;
		uint8_t link_up;
		struct avp_cfg cfg;
	} u;
	int32_t status;
} AVP_ABI_PACKED_END;

/* Compile-time checks of the layout; a test also holds them to the TSV. */
#define AVP_ABI_CHECK(t, f, off, size) \
	_Static_assert(offsetof(struct t, f) == (off) && \
		sizeof(((struct t *)0)->f) == (size), #t "." #f " layout")
#define AVP_ABI_CHECK_SIZE(t, size) \
	_Static_assert(sizeof(struct t) == (size), #t " size")

AVP_ABI_CHECK(avp_regs, irq_mask, 0, 4);
AVP_ABI_CHECK(avp_regs, irq_status, 4, 4);
AVP_ABI_CHECK(avp_regs, mig_status, 8, 4);
AVP_ABI_CHECK(avp_regs, mig_ack, 12, 4);
AVP_ABI_CHECK_SIZE(avp_regs, 16);

AVP_ABI_CHECK(avp_memmap_entry, host_va, 0, 8);
AVP_ABI_CHECK(avp_memmap_entry, host_pa, 8, 8);
AVP_ABI_CHECK(avp_memmap_entry, length, 16, 8);
AVP_ABI_CHECK_SIZE(avp_memmap_entry, 24);

AVP_ABI_CHECK(avp_memmap, magic, 0, 4);
AVP_ABI_CHECK(avp_memmap, version, 4, 4);
AVP_ABI_CHECK(avp_memmap, count, 8, 4);
AVP_ABI_CHECK(avp_memmap, entries, 16, 49152);
AVP_ABI_CHECK_SIZE(avp_memmap, 49168);

AVP_ABI_CHECK_SIZE(avp_pool_entry, 24);

AVP_ABI_CHECK(avp_devinfo, magic, 0, 4);
AVP_ABI_CHECK(avp_devinfo, version, 4, 4);
AVP_ABI_CHECK(avp_devinfo, host_ifname, 8, 32);
AVP_ABI_CHECK(avp_devinfo, tx_ring_pa, 40, 8);
AVP_ABI_CHECK(avp_devinfo, rx_ring_pa, 48, 8);
AVP_ABI_CHECK(avp_devinfo, alloc_ring_pa, 56, 8);
AVP_ABI_CHECK(avp_devinfo, free_ring_pa, 64, 8);
AVP_ABI_CHECK(avp_devinfo, features, 72, 4);
AVP_ABI_CHECK(avp_devinfo, rx_queues_min, 76, 1);
AVP_ABI_CHECK(avp_devinfo, tx_queues_max, 81, 1);
AVP_ABI_CHECK(avp_devinfo, tx_ring_stride, 84, 4);
AVP_ABI_CHECK(avp_devinfo, free_ring_stride, 96, 4);
AVP_ABI_CHECK(avp_devinfo, req_ring_pa, 104, 8);
AVP_ABI_CHECK(avp_devinfo, ctrl_area_va, 128, 8);
AVP_ABI_CHECK(avp_devinfo, buf_region_pa, 144, 8);
AVP_ABI_CHECK(avp_devinfo, pools, 152, 192);
AVP_ABI_CHECK(avp_devinfo, mac, 344, 6);
AVP_ABI_CHECK(avp_devinfo, mode, 350, 1);
AVP_ABI_CHECK(avp_devinfo, buf_data_size, 352, 4);
AVP_ABI_CHECK(avp_devinfo, instance_id, 360, 8);
AVP_ABI_CHECK(avp_devinfo, max_frame_len, 368, 4);
AVP_ABI_CHECK_SIZE(avp_devinfo, 376);

AVP_ABI_CHECK(avp_ring, prod_idx, 0, 4);
AVP_ABI_CHECK(avp_ring, cons_idx, 4, 4);
AVP_ABI_CHECK(avp_ring, nslots, 8, 4);
AVP_ABI_CHECK(avp_ring, slot_bytes, 12, 4);
_Static_assert(offsetof(struct avp_ring, slots) == 16, "avp_ring.slots");
AVP_ABI_CHECK_SIZE(avp_ring, 16);

AVP_ABI_CHECK(avp_desc, host_ref, 8, 8);
AVP_ABI_CHECK(avp_desc, flags, 30, 2);
AVP_ABI_CHECK(avp_desc, next_va, 32, 8);
AVP_ABI_CHECK(avp_desc, data_va, 40, 8);
AVP_ABI_CHECK(avp_desc, seg_len, 48, 2);
AVP_ABI_CHECK(avp_desc, seg_count, 50, 1);
AVP_ABI_CHECK(avp_desc, frame_len, 52, 2);
AVP_ABI_CHECK(avp_desc, vlan_tci, 58, 2);
AVP_ABI_CHECK_SIZE(avp_desc, 64);

AVP_ABI_CHECK(avp_cfg, instance_id, 0, 8);
AVP_ABI_CHECK(avp_cfg, drv_kind, 8, 4);
AVP_ABI_CHECK(avp_cfg, drv_version, 12, 4);
AVP_ABI_CHECK(avp_cfg, features, 16, 4);
AVP_ABI_CHECK(avp_cfg, tx_queues, 20, 2);
AVP_ABI_CHECK(avp_cfg, rx_queues, 22, 2);
AVP_ABI_CHECK(avp_cfg, link_up, 24, 1);
AVP_ABI_CHECK_SIZE(avp_cfg, 25);

AVP_ABI_CHECK(avp_ctrl_msg, op, 0, 4);
AVP_ABI_CHECK(avp_ctrl_msg, u.mtu, 4, 4);
AVP_ABI_CHECK(avp_ctrl_msg, u.link_up, 4, 1);
AVP_ABI_CHECK(avp_ctrl_msg, u.cfg, 4, 25);
AVP_ABI_CHECK(avp_ctrl_msg, status, 32, 4);
AVP_ABI_CHECK_SIZE(avp_ctrl_msg, 36);

#endif /* AVP_ABI_H */
