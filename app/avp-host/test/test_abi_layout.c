/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The AVP PMD authors
 */

/*
 * Holds avp_abi.h to the layout file: every row of avp-abi-layout.tsv
 * must match an entry built here with offsetof/sizeof/the macros, and
 * every entry must be matched by a row. Padding rows are checked as gaps
 * between the fields. Usage: test_abi_layout TSV [SHARED_TSV]
 */

#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "avp_abi.h"

/*
 * Guest-side constants the layout file also lists. They are not part of
 * avp_abi.h (the driver defines them); the values are those of the ABI
 * document, so a driver header that disagrees is caught here when it is
 * on the include path.
 */
#ifndef MBUF_F_RX_VLAN
#define MBUF_F_RX_VLAN			0x0000000000000001ULL
#endif
#ifndef MBUF_F_RX_VLAN_STRIPPED
#define MBUF_F_RX_VLAN_STRIPPED		0x0000000000000040ULL
#endif
#ifndef MBUF_F_TX_VLAN
#define MBUF_F_TX_VLAN			0x0200000000000000ULL
#endif
#ifndef MBUF_HEADROOM
#define MBUF_HEADROOM			128
#endif
#ifndef AVP_RX_BURST_MAX
#define AVP_RX_BURST_MAX		64
#endif
#ifndef AVP_TX_BURST_MAX
#define AVP_TX_BURST_MAX		64
#endif
#ifndef AVP_TX_SEG_BURST_MAX
#define AVP_TX_SEG_BURST_MAX		320
#endif
#ifndef AVP_MAX_MAC_ADDRS
#define AVP_MAX_MAC_ADDRS		1
#endif
#ifndef AVP_MIN_RX_BUFSIZE
#define AVP_MIN_RX_BUFSIZE		64
#endif
#ifndef AVP_CTRL_POLL_INTERVAL_US
#define AVP_CTRL_POLL_INTERVAL_US	5000
#endif
#ifndef AVP_CTRL_POLL_TRIES
#define AVP_CTRL_POLL_TRIES		100
#endif
#ifndef AVP_DETACH_SETTLE_MS
#define AVP_DETACH_SETTLE_MS		1
#endif
#ifndef AVP_ETHDEV_MIN_MTU
#define AVP_ETHDEV_MIN_MTU		46
#endif

enum kind { K_FIELD, K_PAD, K_SIZE, K_CONST };

struct entry {
	const char *sname;
	const char *name;
	enum kind kind;
	long long a;		/* offset, or constant value */
	long long b;		/* size */
	int matched;
};

#define FLD(s, f, n) { #s, n, K_FIELD, (long long)offsetof(struct s, f), \
	(long long)sizeof(((struct s *)0)->f), 0 }
#define PAD(s, n) { #s, n, K_PAD, 0, 0, 0 }
#define SZ(s) { #s, "__sizeof__", K_SIZE, 0, (long long)sizeof(struct s), 0 }
#define CST(c) { "const", #c, K_CONST, (long long)(c), 0, 0 }

static struct entry table[] = {
	FLD(avp_regs, irq_mask, "irq_mask"),
	FLD(avp_regs, irq_status, "irq_status"),
	FLD(avp_regs, mig_status, "mig_status"),
	FLD(avp_regs, mig_ack, "mig_ack"),
	SZ(avp_regs),
	FLD(avp_memmap_entry, host_va, "host_va"),
	FLD(avp_memmap_entry, host_pa, "host_pa"),
	FLD(avp_memmap_entry, length, "length"),
	SZ(avp_memmap_entry),
	FLD(avp_memmap, magic, "magic"),
	FLD(avp_memmap, version, "version"),
	FLD(avp_memmap, count, "count"),
	PAD(avp_memmap, "_pad12"),
	FLD(avp_memmap, entries, "entries[2048]"),
	SZ(avp_memmap),
	FLD(avp_pool_entry, host_va, "host_va"),
	FLD(avp_pool_entry, host_pa, "host_pa"),
	FLD(avp_pool_entry, length, "length"),
	SZ(avp_pool_entry),
	FLD(avp_devinfo, magic, "magic"),
	FLD(avp_devinfo, version, "version"),
	FLD(avp_devinfo, host_ifname, "host_ifname[32]"),
	FLD(avp_devinfo, tx_ring_pa, "tx_ring_pa"),
	FLD(avp_devinfo, rx_ring_pa, "rx_ring_pa"),
	FLD(avp_devinfo, alloc_ring_pa, "alloc_ring_pa"),
	FLD(avp_devinfo, free_ring_pa, "free_ring_pa"),
	FLD(avp_devinfo, features, "features"),
	FLD(avp_devinfo, rx_queues_min, "rx_queues_min"),
	FLD(avp_devinfo, rx_queues_hint, "rx_queues_hint"),
	FLD(avp_devinfo, rx_queues_max, "rx_queues_max"),
	FLD(avp_devinfo, tx_queues_min, "tx_queues_min"),
	FLD(avp_devinfo, tx_queues_hint, "tx_queues_hint"),
	FLD(avp_devinfo, tx_queues_max, "tx_queues_max"),
	PAD(avp_devinfo, "_pad82"),
	FLD(avp_devinfo, tx_ring_stride, "tx_ring_stride"),
	FLD(avp_devinfo, rx_ring_stride, "rx_ring_stride"),
	FLD(avp_devinfo, alloc_ring_stride, "alloc_ring_stride"),
	FLD(avp_devinfo, free_ring_stride, "free_ring_stride"),
	PAD(avp_devinfo, "_pad100"),
	FLD(avp_devinfo, req_ring_pa, "req_ring_pa"),
	FLD(avp_devinfo, resp_ring_pa, "resp_ring_pa"),
	FLD(avp_devinfo, ctrl_area_pa, "ctrl_area_pa"),
	FLD(avp_devinfo, ctrl_area_va, "ctrl_area_va"),
	FLD(avp_devinfo, buf_region_va, "buf_region_va"),
	FLD(avp_devinfo, buf_region_pa, "buf_region_pa"),
	FLD(avp_devinfo, pools, "pools[8]"),
	FLD(avp_devinfo, mac, "mac[6]"),
	FLD(avp_devinfo, mode, "mode"),
	PAD(avp_devinfo, "_pad351"),
	FLD(avp_devinfo, buf_data_size, "buf_data_size"),
	PAD(avp_devinfo, "_pad356"),
	FLD(avp_devinfo, instance_id, "instance_id"),
	FLD(avp_devinfo, max_frame_len, "max_frame_len"),
	PAD(avp_devinfo, "_pad372"),
	SZ(avp_devinfo),
	FLD(avp_ring, prod_idx, "prod_idx"),
	FLD(avp_ring, cons_idx, "cons_idx"),
	FLD(avp_ring, nslots, "nslots"),
	FLD(avp_ring, slot_bytes, "slot_bytes"),
	{ "avp_ring", "slots[]", K_FIELD,
		(long long)offsetof(struct avp_ring, slots), 0, 0 },
	SZ(avp_ring),
	FLD(avp_desc, _rsvd0, "_rsvd0"),
	FLD(avp_desc, host_ref, "host_ref"),
	FLD(avp_desc, _rsvd1, "_rsvd1"),
	FLD(avp_desc, flags, "flags"),
	FLD(avp_desc, next_va, "next_va"),
	FLD(avp_desc, data_va, "data_va"),
	FLD(avp_desc, seg_len, "seg_len"),
	FLD(avp_desc, seg_count, "seg_count"),
	FLD(avp_desc, _rsvd2, "_rsvd2"),
	FLD(avp_desc, frame_len, "frame_len"),
	FLD(avp_desc, _rsvd3, "_rsvd3"),
	FLD(avp_desc, vlan_tci, "vlan_tci"),
	FLD(avp_desc, _rsvd4, "_rsvd4"),
	SZ(avp_desc),
	FLD(avp_cfg, instance_id, "instance_id"),
	FLD(avp_cfg, drv_kind, "drv_kind"),
	FLD(avp_cfg, drv_version, "drv_version"),
	FLD(avp_cfg, features, "features"),
	FLD(avp_cfg, tx_queues, "tx_queues"),
	FLD(avp_cfg, rx_queues, "rx_queues"),
	FLD(avp_cfg, link_up, "link_up"),
	SZ(avp_cfg),
	FLD(avp_ctrl_msg, op, "op"),
	FLD(avp_ctrl_msg, u.mtu, "mtu"),
	FLD(avp_ctrl_msg, u.link_up, "link_up"),
	FLD(avp_ctrl_msg, u.cfg, "cfg"),
	FLD(avp_ctrl_msg, u.cfg.instance_id, "cfg.instance_id"),
	FLD(avp_ctrl_msg, u.cfg.drv_kind, "cfg.drv_kind"),
	FLD(avp_ctrl_msg, u.cfg.drv_version, "cfg.drv_version"),
	FLD(avp_ctrl_msg, u.cfg.features, "cfg.features"),
	FLD(avp_ctrl_msg, u.cfg.tx_queues, "cfg.tx_queues"),
	FLD(avp_ctrl_msg, u.cfg.rx_queues, "cfg.rx_queues"),
	FLD(avp_ctrl_msg, u.cfg.link_up, "cfg.link_up"),
	PAD(avp_ctrl_msg, "_pad29"),
	FLD(avp_ctrl_msg, status, "status"),
	SZ(avp_ctrl_msg),
	CST(AVP_PCI_VENDOR_ID),
	CST(AVP_PCI_DEVICE_ID),
	CST(AVP_PCI_SUBSYS_VENDOR_ID),
	CST(AVP_PCI_SUBSYS_DEVICE_ID),
	CST(AVP_BAR_REGS),
	CST(AVP_BAR_MSIX),
	CST(AVP_BAR_SHMEM),
	CST(AVP_BAR_MEMMAP),
	CST(AVP_BAR_DEVINFO),
	CST(AVP_BAR_COUNT),
	CST(AVP_REG_IRQ_MASK),
	CST(AVP_REG_IRQ_STATUS),
	CST(AVP_REG_MIG_STATUS),
	CST(AVP_REG_MIG_ACK),
	CST(AVP_IRQ_CAUSE_MIGRATION),
	CST(AVP_IRQ_MASK_ALL),
	CST(AVP_IRQ_MASK_NONE),
	CST(AVP_MSIX_VECTOR_MIGRATION),
	CST(AVP_MSIX_VECTOR_COUNT),
	CST(AVP_MIG_NONE),
	CST(AVP_MIG_DETACHED),
	CST(AVP_MIG_ATTACHED),
	CST(AVP_MIG_ERROR),
	CST(AVP_MEMMAP_MAGIC),
	CST(AVP_MEMMAP_VERSION),
	CST(AVP_MEMMAP_MAX_ENTRIES),
	CST(AVP_DEVINFO_MAGIC),
	CST(AVP_GUEST_VERSION),
	CST(AVP_HOST_VERSION),
	CST(AVP_VERSION_RELEASE_SHIFT),
	CST(AVP_VERSION_MAJOR_SHIFT),
	CST(AVP_VERSION_COMPARE_SHIFT),
	CST(AVP_MAX_POOLS),
	CST(AVP_MAX_QUEUES),
	CST(AVP_MAX_SEGS),
	CST(AVP_IFNAME_LEN),
	CST(AVP_MAC_LEN),
	CST(AVP_RING_SLOT_BYTES),
	CST(AVP_OP_NONE),
	CST(AVP_OP_SET_MTU),
	CST(AVP_OP_SET_LINK),
	CST(AVP_OP_CONFIGURE),
	CST(AVP_OP_SHUTDOWN),
	CST(AVP_OP_LIMIT),
	CST(AVP_DRV_KIND_UNKNOWN),
	CST(AVP_DRV_KIND_DPDK),
	CST(AVP_DRV_KIND_KERNEL),
	CST(AVP_DRV_KIND_QEMU),
	CST(AVP_MODE_HOST),
	CST(AVP_MODE_GUEST),
	CST(AVP_MODE_TRACE),
	CST(AVP_FEAT_VLAN_OFFLOAD),
	CST(AVP_DESC_F_TX_VLAN),
	CST(AVP_DESC_F_RX_VLAN),
	CST(AVP_CTRL_STATUS_PRESET),
	CST(AVP_ERR_CTRL_RING_FULL),
	CST(AVP_ERR_CTRL_TIMEOUT),
	CST(AVP_ERR_CTRL_BAD_REPLY),
	CST(MBUF_F_RX_VLAN),
	CST(MBUF_F_RX_VLAN_STRIPPED),
	CST(MBUF_F_TX_VLAN),
	CST(MBUF_HEADROOM),
	CST(AVP_RX_BURST_MAX),
	CST(AVP_TX_BURST_MAX),
	CST(AVP_TX_SEG_BURST_MAX),
	CST(AVP_MAX_MAC_ADDRS),
	CST(AVP_MIN_RX_BUFSIZE),
	CST(AVP_CTRL_POLL_INTERVAL_US),
	CST(AVP_CTRL_POLL_TRIES),
	CST(AVP_DETACH_SETTLE_MS),
	CST(AVP_LINK_SPEED_MBPS),
	CST(AVP_FRAME_OVERHEAD),
	CST(AVP_ETHDEV_MIN_MTU),
	CST(AVP_DOCUMENTED_MAX_FRAME_LEN),
};

#define NENTRIES (sizeof(table) / sizeof(table[0]))

static unsigned int n_pass, n_fail;

static void
layout_result(int ok, const char *what, const char *s, const char *f)
{
	if (ok) {
		n_pass++;
	} else {
		n_fail++;
		printf("FAIL %s: %s %s\n", what, s, f);
	}
}

static struct entry *
layout_lookup(const char *s, const char *f)
{
	size_t i;

	for (i = 0; i < NENTRIES; i++)
		if (strcmp(table[i].sname, s) == 0 &&
				strcmp(table[i].name, f) == 0)
			return &table[i];
	return NULL;
}

static long long
layout_struct_size(const char *s)
{
	struct entry *e = layout_lookup(s, "__sizeof__");

	return e != NULL ? e->b : -1;
}

/* A padding row must lie inside the struct and overlap no field. */
static int
layout_is_gap(const char *s, long long off, long long size)
{
	size_t i;

	if (size <= 0 || off < 0 || off + size > layout_struct_size(s))
		return 0;
	for (i = 0; i < NENTRIES; i++) {
		const struct entry *e = &table[i];

		if (e->kind != K_FIELD || strcmp(e->sname, s) != 0)
			continue;
		if (off < e->a + e->b && e->a < off + size)
			return 0;
	}
	return 1;
}

static long long
layout_parse_value(const char *v)
{
	if (v[0] == '-')
		return strtoll(v, NULL, 0);
	return (long long)strtoull(v, NULL, 0);
}

static int
layout_check_row(char *line)
{
	char *cols[4], *save = NULL, *tok;
	struct entry *e;
	int n = 0, ok;
	long long off, size;

	for (tok = strtok_r(line, "\t\n", &save); tok != NULL && n < 4;
			tok = strtok_r(NULL, "\t\n", &save))
		cols[n++] = tok;
	if (n != 4) {
		layout_result(0, "malformed row", line, "");
		return -1;
	}
	e = layout_lookup(cols[0], cols[1]);
	if (e == NULL) {
		layout_result(0, "unknown row", cols[0], cols[1]);
		return -1;
	}
	if (e->matched) {
		layout_result(0, "duplicate row", cols[0], cols[1]);
		return -1;
	}
	e->matched = 1;
	switch (e->kind) {
	case K_CONST:
		ok = layout_parse_value(cols[2]) == e->a &&
			strcmp(cols[3], "-") == 0;
		if (!ok)
			printf("  %s: file %s, macro 0x%llx\n", cols[1],
				cols[2], (unsigned long long)e->a);
		break;
	case K_PAD:
		off = strtoll(cols[2], NULL, 10);
		size = strtoll(cols[3], NULL, 10);
		ok = layout_is_gap(cols[0], off, size);
		break;
	case K_SIZE:
	case K_FIELD:
	default:
		off = strtoll(cols[2], NULL, 10);
		size = strtoll(cols[3], NULL, 10);
		ok = off == e->a && size == e->b;
		if (!ok)
			printf("  %s.%s: file %lld/%lld, header %lld/%lld\n",
				cols[0], cols[1], off, size, e->a, e->b);
		break;
	}
	layout_result(ok, "mismatch", cols[0], cols[1]);
	return ok ? 0 : -1;
}

/* Every byte of a struct is covered by a field or a padding row. */
static void
layout_check_coverage(const char *s, FILE *f)
{
	char line[256], *cols[4], *save, *tok;
	long long size = layout_struct_size(s), off, len, i;
	unsigned char *cov;
	int n;

	cov = calloc((size_t)size + 1, 1);
	if (cov == NULL)
		return;
	rewind(f);
	while (fgets(line, sizeof(line), f) != NULL) {
		n = 0;
		save = NULL;
		for (tok = strtok_r(line, "\t\n", &save); tok != NULL && n < 4;
				tok = strtok_r(NULL, "\t\n", &save))
			cols[n++] = tok;
		if (n != 4 || strcmp(cols[0], s) != 0 ||
				strcmp(cols[1], "__sizeof__") == 0)
			continue;
		off = strtoll(cols[2], NULL, 10);
		len = strtoll(cols[3], NULL, 10);
		for (i = off; i < off + len && i < size; i++)
			cov[i] = 1;
	}
	for (i = 0; i < size && cov[i]; i++)
		;
	layout_result(i == size, "bytes not covered by fields/padding in", s,
		"");
	free(cov);
}

static int
layout_same_file(const char *a, const char *b)
{
	FILE *fa = fopen(a, "rb"), *fb = fopen(b, "rb");
	int ca, cb, same = 1;

	if (fa == NULL || fb == NULL) {
		same = 0;
	} else {
		do {
			ca = fgetc(fa);
			cb = fgetc(fb);
			if (ca != cb)
				same = 0;
		} while (same && ca != EOF);
	}
	if (fa != NULL)
		fclose(fa);
	if (fb != NULL)
		fclose(fb);
	return same;
}

int
main(int argc, char **argv)
{
	static const char * const structs[] = {
		"avp_regs", "avp_memmap_entry", "avp_memmap",
		"avp_pool_entry", "avp_devinfo", "avp_desc", "avp_cfg",
		"avp_ctrl_msg",
	};
	char line[256];
	FILE *f, *shared;
	size_t i;

	if (argc < 2) {
		fprintf(stderr, "usage: %s LAYOUT_TSV [SHARED_TSV]\n", argv[0]);
		return 2;
	}
	f = fopen(argv[1], "r");
	if (f == NULL) {
		fprintf(stderr, "%s: %s\n", argv[1], strerror(errno));
		return 2;
	}
	if (fgets(line, sizeof(line), f) == NULL ||
			strcmp(line, "struct\tfield\toffset\tsize\n") != 0)
		layout_result(0, "bad header line in", argv[1], "");
	while (fgets(line, sizeof(line), f) != NULL) {
		if (line[0] == '\n' || line[0] == '\0')
			continue;
		layout_check_row(line);
	}
	for (i = 0; i < NENTRIES; i++)
		layout_result(table[i].matched, "no row in the layout file for",
			table[i].sname, table[i].name);
	for (i = 0; i < sizeof(structs) / sizeof(structs[0]); i++)
		layout_check_coverage(structs[i], f);
	fclose(f);
	if (argc > 2) {
		shared = fopen(argv[2], "r");
		if (shared != NULL) {
			fclose(shared);
			layout_result(layout_same_file(argv[1], argv[2]),
				"repository copy differs from", argv[2], "");
		} else {
			printf("note: %s not found, copy not compared\n",
				argv[2]);
		}
	}
	printf("%u passed, %u failed\n", n_pass, n_fail);
	return n_fail != 0;
}
