/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The AVP PMD authors
 */

/*
 * Writes the seed corpus of the AVP fuzz targets from the host emulator:
 * each seed is a real device image (BARs 0, 2, 4 and 5 as the emulator
 * laid them out) taken after a CONFIGURE with link up and the delivery
 * of frames onto every receive ring, so the fuzzer starts from the real
 * protocol: rings with frames on them, stocked alloc rings, chains.
 *
 *   avp-fuzz-seeds OUTDIR
 * writes OUTDIR/{device,devinfo,translate,chain}/seed-*, and
 * OUTDIR/attach/: the DEVICE message the emulator would send for a port,
 * a REJECT, and each kind of malformed answer.
 */

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "avp_attach_proto.h"
#include "avp_emu.h"

/* Same as struct fz_knobs in fuzz_device.c. */
struct knobs {
	uint8_t nb_rxq, nb_txq, flags, mtu, rx_rounds, tx_count, tx_segs;
	uint8_t mig_status;
	uint16_t tx_len[4];
	uint32_t replies;
	uint32_t irq_extra;
	uint8_t nb_desc, flags2, rsvd[6];
};
_Static_assert(sizeof(struct knobs) == 32, "knobs");

struct seed {
	const char *name;
	struct avp_emu_port_params p;	/* zero: defaults below */
	struct knobs k;
	unsigned int frames;		/* per rx ring */
	unsigned int segs;		/* avp_emu_port_set_rx_segs */
	int vlan;
	int devinfo;			/* also a devinfo target seed */
};

static void
msleep(unsigned int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000 };

	nanosleep(&ts, NULL);
}

/* T over the image the emulator wrote (trusted here). */
static void *
tr(const struct avp_memmap *mm, uint8_t *bar2, uint64_t pa)
{
	uint64_t s = 0;
	uint32_t i;

	for (i = 0; i < mm->count; i++) {
		const struct avp_memmap_entry *e = &mm->entries[i];

		if (pa >= e->host_pa && pa - e->host_pa < e->length)
			return bar2 + s + (pa - e->host_pa);
		s += e->length;
	}
	return NULL;
}

/* Plays the guest's CONFIGURE over the BARs, as the driver does. */
static int
configure(struct avp_emu_bars *b, unsigned int txq, unsigned int rxq)
{
	const struct avp_memmap *mm = b->addr[AVP_BAR_MEMMAP];
	const struct avp_devinfo *di = b->addr[AVP_BAR_DEVINFO];
	uint8_t *bar2 = b->addr[AVP_BAR_SHMEM];
	struct avp_ctrl_msg *msg = tr(mm, bar2, di->ctrl_area_pa);
	struct avp_ring *req = tr(mm, bar2, di->req_ring_pa);
	struct avp_ring *resp = tr(mm, bar2, di->resp_ring_pa);
	unsigned int i;

	if (msg == NULL || req == NULL || resp == NULL)
		return -EINVAL;
	memset(msg, 0, sizeof(*msg));
	msg->op = AVP_OP_CONFIGURE;
	msg->u.cfg.instance_id = di->instance_id;
	msg->u.cfg.drv_kind = AVP_DRV_KIND_DPDK;
	msg->u.cfg.drv_version = AVP_GUEST_VERSION;
	msg->u.cfg.features = di->features;
	msg->u.cfg.tx_queues = (uint16_t)txq;
	msg->u.cfg.rx_queues = (uint16_t)rxq;
	msg->u.cfg.link_up = 1;
	msg->status = AVP_CTRL_STATUS_PRESET;
	req->slots[req->prod_idx] = di->ctrl_area_va;
	__atomic_store_n(&req->prod_idx, (req->prod_idx + 1) &
		(req->nslots - 1), __ATOMIC_RELEASE);
	for (i = 0; i < 2000; i++) {
		if (__atomic_load_n(&resp->prod_idx, __ATOMIC_ACQUIRE) !=
		    resp->cons_idx) {
			resp->cons_idx = (resp->cons_idx + 1) &
				(resp->nslots - 1);
			return msg->status;
		}
		msleep(1);
	}
	return -ETIMEDOUT;
}

static int
write_all(FILE *f, const void *p, size_t n)
{
	return fwrite(p, 1, n, f) == n ? 0 : -EIO;
}

/* knobs, then BAR 0, 2, 4, 5 as (u32 length, bytes). */
static int
write_seed(const char *path, const struct knobs *k, struct avp_emu_bars *b)
{
	const struct avp_memmap *mm = b->addr[AVP_BAR_MEMMAP];
	uint64_t bar2_used = 0;
	uint32_t len;
	unsigned int i;
	FILE *f = fopen(path, "wb");
	int ret = 0;

	if (f == NULL)
		return -errno;
	for (i = 0; i < mm->count; i++)
		bar2_used += mm->entries[i].length;
	if (k != NULL)
		ret |= write_all(f, k, sizeof(*k));
	len = sizeof(struct avp_regs);
	ret |= write_all(f, &len, 4);
	ret |= write_all(f, b->addr[AVP_BAR_REGS], len);
	len = (uint32_t)bar2_used;
	ret |= write_all(f, &len, 4);
	ret |= write_all(f, b->addr[AVP_BAR_SHMEM], len);
	len = (uint32_t)(offsetof(struct avp_memmap, entries) +
		mm->count * sizeof(struct avp_memmap_entry));
	ret |= write_all(f, &len, 4);
	ret |= write_all(f, mm, len);
	len = sizeof(struct avp_devinfo);
	ret |= write_all(f, &len, 4);
	ret |= write_all(f, b->addr[AVP_BAR_DEVINFO], len);
	if (fclose(f) != 0)
		ret = -EIO;
	return ret;
}

static int
make_seed(struct avp_emu *emu, const char *dir, const struct seed *s)
{
	struct avp_emu_port_params p;
	struct avp_emu_port_stats st;
	struct avp_emu_port *port;
	struct avp_emu_bars b;
	struct avp_emu_inject_opts o;
	uint8_t frame[AVP_EMU_FRAME_MAX];
	uint64_t want, got = 0;
	unsigned int q, i, rxq, txq, tries;
	char path[512];
	int ret;

	avp_emu_port_params_default(&p, 0);
	if (s->p.rx_queues_max != 0)
		p.rx_queues_max = s->p.rx_queues_max;
	if (s->p.tx_queues_max != 0)
		p.tx_queues_max = s->p.tx_queues_max;
	if (s->p.rx_queues_min != 0)
		p.rx_queues_min = s->p.rx_queues_min;
	p.ring_slots = s->p.ring_slots;
	p.buf_count = s->p.buf_count;
	p.buf_data_size = s->p.buf_data_size;
	p.max_frame_len = s->p.max_frame_len;
	if (s->p.ring_slots == 0)
		p.ring_slots = 16;
	if (s->p.buf_count == 0)
		p.buf_count = 48;
	if (s->p.buf_data_size == 0)
		p.buf_data_size = 256;
	if (s->p.max_frame_len == 0)
		p.max_frame_len = 5 * p.buf_data_size;
	p.ctrl_ring_slots = 4;
	p.instance_id = 0x1234;
	port = avp_emu_port_create(emu, &p);
	if (port == NULL)
		return -EINVAL;
	ret = avp_emu_port_bars(port, &b);
	if (ret != 0)
		goto out;
	rxq = p.rx_queues_max;
	txq = p.tx_queues_max;
	ret = configure(&b, txq, rxq);
	if (ret != 0) {
		fprintf(stderr, "%s: CONFIGURE: %d\n", s->name, ret);
		goto unmap;
	}
	if (s->segs > 1)
		avp_emu_port_set_rx_segs(port, s->segs);
	for (q = 0; q < rxq; q++)
		for (i = 0; i < s->frames; i++) {
			uint32_t len = 60 + (i * 97 + q * 13) %
				(p.max_frame_len - 60 - 4);
			static const uint8_t src[6] = { 2, 0, 0, 0, 0, 9 };

			avp_emu_frame_build(frame, len, i, i % 3 == 2 ?
				(const uint8_t *)"\xff\xff\xff\xff\xff\xff" :
				p.mac, src);
			memset(&o, 0, sizeof(o));
			o.queue = (int)q;
			if (s->vlan && (i & 1)) {
				o.flags |= AVP_EMU_INJ_VLAN;
				o.vlan_tci = (uint16_t)(100 + i);
			}
			avp_emu_inject(port, frame, len, &o);
		}
	want = (uint64_t)rxq * s->frames;
	for (tries = 0; tries < 3000 && got < want; tries++) {
		avp_emu_port_stats_get(port, &st);
		for (q = 0, got = 0; q < AVP_MAX_QUEUES; q++)
			got += st.rx_frames[q];
		got += st.rx_ring_full + st.rx_no_buf + st.rx_oversize;
		if (got < want)
			msleep(1);
	}
	/* The service thread may be inside a pass: let it settle. */
	msleep(20);
	snprintf(path, sizeof(path), "%s/device/seed-%s", dir, s->name);
	ret = write_seed(path, &s->k, &b);
	if (ret == 0 && s->devinfo) {
		snprintf(path, sizeof(path), "%s/devinfo/seed-%s", dir,
			s->name);
		ret = write_seed(path, NULL, &b);
	}
	printf("%s: %" PRIu64 " of %" PRIu64 " frames on the rings: %s\n",
		s->name, got, want, ret == 0 ? "written" : strerror(-ret));
unmap:
	avp_emu_bars_unmap(&b);
out:
	avp_emu_port_destroy(port);
	return ret;
}

static const struct seed seeds[] = {
	{ .name = "basic", .frames = 6, .devinfo = 1,
	  .p = { .rx_queues_max = 1, .tx_queues_max = 1 },
	  .k = { .nb_rxq = 0, .nb_txq = 1, .rx_rounds = 1, .tx_count = 4,
		 .tx_segs = 0, .tx_len = { 60, 128, 1000, 64 },
		 .nb_desc = 0 } },
	{ .name = "multiq-migrate", .frames = 4,
	  .p = { .rx_queues_max = 4, .tx_queues_max = 4 },
	  .k = { .nb_rxq = 3, .nb_txq = 4, .flags = 0x40 | 0x10,
		 .rx_rounds = 2, .tx_count = 8, .tx_len = { 60, 300, 1200, 99 },
		 .nb_desc = 15 } },
	{ .name = "chained", .frames = 5, .segs = 3, .devinfo = 1,
	  .p = { .rx_queues_max = 2, .tx_queues_max = 2,
		 .buf_data_size = 128, .buf_count = 64 },
	  .k = { .nb_rxq = 1, .nb_txq = 2, .flags = 0x01 | 0x08 | 0x20,
		 .rx_rounds = 1, .tx_count = 6, .tx_segs = 2,
		 .tx_len = { 400, 600, 60, 639 }, .nb_desc = 8 } },
	{ .name = "vlan", .frames = 6, .vlan = 1,
	  .p = { .rx_queues_max = 2, .tx_queues_max = 1,
		 .rx_queues_min = 2 },
	  .k = { .nb_rxq = 0, .nb_txq = 1, .flags = 0x02 | 0x04 | 0x80,
		 .rx_rounds = 3, .tx_count = 10, .tx_len = { 64, 70, 80, 90 },
		 .flags2 = 0x04 | 0x08, .nb_desc = 16 } },
	{ .name = "big-migrate-remove", .frames = 3,
	  .p = { .rx_queues_max = 8, .tx_queues_max = 8,
		 .buf_data_size = 2048, .buf_count = 24, .ring_slots = 8 },
	  .k = { .nb_rxq = 7, .nb_txq = 8, .flags = 0x40 | 0x01 | 0x08,
		 .rx_rounds = 1, .tx_count = 3, .tx_segs = 1,
		 .tx_len = { 9000, 1514, 60, 3000 }, .mig_status = 0,
		 .replies = 0x8, .flags2 = 0x01, .nb_desc = 0 } },
};

/* ---- chain target seeds (layout: struct chain_hdr of fuzz_chain.c) ---- */

struct chain_hdr {
	uint8_t flags, lg;
	uint16_t h, m, extra;
	uint32_t va;
	uint32_t rx_prod, rx_cons, fr_prod, fr_cons;
	uint32_t al_prod, al_cons, tx_prod, tx_cons;
	uint8_t ntx, txsegs;
	uint16_t txlen[4];
	uint8_t mac[6];
	uint8_t filter;
	uint8_t rsvd[3];
};

#define CH_H		256u
#define CH_STRIDE	(64u + CH_H)
#define CH_NBUF		12u
#define CH_VA		(0x7f0000000000ull + (0x1000ull << 6))

static void
ch_seg(uint8_t *region, unsigned int b, unsigned int next, uint16_t len,
		const uint8_t *mac)
{
	struct avp_desc *d = (void *)(region + b * CH_STRIDE);
	uint8_t *data = region + b * CH_STRIDE + 64;
	unsigned int i;

	memset(d, 0, sizeof(*d));
	d->data_va = CH_VA + b * CH_STRIDE + 64;
	d->next_va = next ? CH_VA + next * CH_STRIDE : 0;
	d->seg_len = len;
	d->seg_count = 1;
	for (i = 0; i < len; i++)
		data[i] = (uint8_t)(b * 31 + i);
	if (mac != NULL && len >= 6)
		memcpy(data, mac, 6);
}

static void
ch_head(uint8_t *region, unsigned int b, uint8_t nseg, uint16_t flen,
		uint16_t flags)
{
	struct avp_desc *d = (void *)(region + b * CH_STRIDE);

	d->seg_count = nseg;
	d->frame_len = flen;
	d->flags = flags;
	d->vlan_tci = flags ? 42 : 0;
}

static int
write_chain_seed(const char *dir, const char *name, uint8_t flags)
{
	static const uint8_t mac[6] = { 2, 0x41, 0x56, 0x50, 0, 1 };
	static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	uint8_t region[CH_NBUF * CH_STRIDE] __attribute__((aligned(64)));
	uint32_t rx[8] = { 0 }, al[8] = { 0 };
	struct chain_hdr c;
	char path[512];
	unsigned int i;
	FILE *f;
	int ret = 0;

	memset(&c, 0, sizeof(c));
	memset(region, 0, sizeof(region));
	c.flags = flags;
	c.lg = 2;				/* 8 slots */
	c.h = CH_H - 64;
	c.m = 5 * CH_H - 60;			/* M = 1280 */
	c.extra = sizeof(region) - 64 - CH_H;
	c.va = 0x1000;
	memcpy(c.mac, mac, 6);
	c.filter = 1;
	/* five frames: one segment, two, one broadcast, three, VLAN */
	ch_seg(region, 0, 0, 100, mac);
	ch_head(region, 0, 1, 100, 0);
	ch_seg(region, 1, 2, 200, mac);
	ch_seg(region, 2, 0, 150, NULL);
	ch_head(region, 1, 2, 350, 0);
	ch_seg(region, 3, 0, 60, bcast);
	ch_head(region, 3, 1, 60, 0);
	ch_seg(region, 4, 5, CH_H, mac);
	ch_seg(region, 5, 6, CH_H, NULL);
	ch_seg(region, 6, 0, 10, NULL);
	ch_head(region, 4, 3, 2 * CH_H + 10, 0);
	ch_seg(region, 7, 0, 90, mac);
	ch_head(region, 7, 1, 90, AVP_DESC_F_RX_VLAN);
	rx[0] = 0;
	rx[1] = 1 * CH_STRIDE;
	rx[2] = 3 * CH_STRIDE;
	rx[3] = 4 * CH_STRIDE;
	rx[4] = 7 * CH_STRIDE;
	c.rx_prod = 5;
	/* four clean buffers on alloc for transmit */
	for (i = 0; i < 4; i++) {
		ch_seg(region, 8 + i, 0, 0, NULL);
		al[i] = (8 + i) * CH_STRIDE;
	}
	c.al_prod = 4;
	c.ntx = 3;
	c.txsegs = 1;
	c.txlen[0] = 60;
	c.txlen[1] = 300;
	c.txlen[2] = 700;
	c.txlen[3] = 1000;
	snprintf(path, sizeof(path), "%s/chain/seed-%s", dir, name);
	f = fopen(path, "wb");
	if (f == NULL)
		return -errno;
	ret |= write_all(f, &c, sizeof(c));
	ret |= write_all(f, rx, sizeof(rx));
	ret |= write_all(f, al, sizeof(al));
	ret |= write_all(f, region, sizeof(region));
	if (fclose(f) != 0)
		ret = -EIO;
	printf("chain %s: %s\n", name, ret == 0 ? "written" : "error");
	return ret;
}

/* ---- translate target seeds ---- */

static int
write_translate_seed(const char *dir)
{
	struct {
		uint32_t bar2_len;
		uint16_t bar4_len;
		uint32_t magic, version, count, pad;
		struct avp_memmap_entry e[2];
	} __attribute__((packed)) h = {
		.bar2_len = 0x3000 - 1,
		.bar4_len = 16 + 2 * 24,
		.magic = AVP_MEMMAP_MAGIC, .version = AVP_MEMMAP_VERSION,
		.count = 2,
		.e = { { 0x7f0000000000ull, 0x100000000ull, 0x1000 },
		       { 0x7f0040000000ull, 0x240000000ull, 0x2000 } },
	};
	struct q {
		uint8_t kind;
		uint64_t a;
		uint32_t size;
	} __attribute__((packed)) qs[] = {
		{ 0, 0x100000010ull, 16 },
		{ 0, 0x240000100ull, 64 },
		{ 0, 0x240001fffull, 2 },
		{ 0, 0x0ffffffffull, 1 },
		{ 1, 0x1000, 0x2000 },		/* B view, va follows */
	}, qb[] = {
		{ 1, 0x7f0040000040ull, 100 },
		{ 1, 0x7f0040001fc0ull, 64 },
		{ 1, 0x7f003fffffffull, 1 },
	};
	uint64_t va = 0x7f0040000000ull;
	char path[512];
	FILE *f;
	int ret = 0;

	snprintf(path, sizeof(path), "%s/translate/seed-basic", dir);
	f = fopen(path, "wb");
	if (f == NULL)
		return -errno;
	ret |= write_all(f, &h, sizeof(h));
	ret |= write_all(f, qs, sizeof(qs));
	ret |= write_all(f, &va, sizeof(va));
	ret |= write_all(f, qb, sizeof(qb));
	if (fclose(f) != 0)
		ret = -EIO;
	printf("translate: %s\n", ret == 0 ? "written" : "error");
	return ret;
}

/* Same as struct attach_hdr in fuzz_attach.c. */
struct attach_hdr {
	uint8_t nfds;
	uint8_t rsvd[7];
	uint64_t memfd_len;
};

static int
write_attach(const char *dir, const char *name, unsigned int nfds,
		uint64_t memfd_len, const struct avp_attach_msg *m, size_t len)
{
	struct attach_hdr h;
	uint8_t buf[sizeof(*m) + 8];
	char path[512];
	FILE *f;
	int ret;

	memset(&h, 0, sizeof(h));
	h.nfds = (uint8_t)nfds;
	h.memfd_len = memfd_len;
	memset(buf, 0, sizeof(buf));
	memcpy(buf, m, sizeof(*m));
	snprintf(path, sizeof(path), "%s/attach/%s", dir, name);
	f = fopen(path, "wb");
	if (f == NULL)
		return -errno;
	ret = write_all(f, &h, sizeof(h)) | write_all(f, buf, len);
	if (fclose(f) != 0)
		ret = -EIO;
	return ret;
}

/* The DEVICE message of an emulator port, then one seed per defect. */
static int
write_attach_seeds(struct avp_emu *emu, const char *dir)
{
	const size_t len = sizeof(struct avp_attach_msg);
	struct avp_attach_msg dev, m;
	struct avp_emu_port *port;
	struct avp_emu_bars b;
	uint64_t flen;
	unsigned int i;
	int ret = 0;

	port = avp_emu_port_create(emu, NULL);
	if (port == NULL || avp_emu_port_bars(port, &b) != 0)
		return -EIO;
	memset(&dev, 0, sizeof(dev));
	dev.magic = AVP_ATTACH_MAGIC;
	dev.version = AVP_ATTACH_VERSION;
	dev.type = AVP_ATTACH_MSG_DEVICE;
	dev.memfd_size = b.map_len;
	for (i = 0; i < AVP_BAR_COUNT; i++) {
		if (b.addr[i] == NULL)
			continue;
		dev.bars[i].offset = b.offset[i];
		dev.bars[i].size = b.len[i];
	}
	avp_emu_bars_unmap(&b);
	avp_emu_port_destroy(port);
	flen = dev.memfd_size;

	ret |= write_attach(dir, "ok-device", 2, flen, &dev, len);
	m = dev;
	m.type = AVP_ATTACH_MSG_REJECT;
	m.status = -EBUSY;
	memset(m.bars, 0, sizeof(m.bars));
	m.memfd_size = 0;
	ret |= write_attach(dir, "ok-reject", 0, 0, &m, len);
	ret |= write_attach(dir, "bad-reject-with-fds", 2, flen, &m, len);
	m = dev;
	m.magic ^= 1;
	ret |= write_attach(dir, "bad-magic", 2, flen, &m, len);
	m = dev;
	m.version++;
	ret |= write_attach(dir, "bad-version", 2, flen, &m, len);
	m = dev;
	m.type = AVP_ATTACH_MSG_HELLO;
	ret |= write_attach(dir, "bad-type", 2, flen, &m, len);
	ret |= write_attach(dir, "bad-truncated", 2, flen, &dev, len - 1);
	ret |= write_attach(dir, "bad-too-long", 2, flen, &dev, len + 8);
	ret |= write_attach(dir, "bad-no-fds", 0, flen, &dev, len);
	ret |= write_attach(dir, "bad-one-fd", 1, flen, &dev, len);
	ret |= write_attach(dir, "bad-three-fds", 3, flen, &dev, len);
	ret |= write_attach(dir, "bad-memfd-short", 2, flen - 4096, &dev, len);
	m = dev;
	m.memfd_size = 0;
	ret |= write_attach(dir, "bad-memfd-size-zero", 2, flen, &m, len);
	m = dev;
	m.bars[AVP_BAR_SHMEM].size += 4096;
	ret |= write_attach(dir, "bad-bar-outside", 2, flen, &m, len);
	m = dev;
	m.bars[AVP_BAR_DEVINFO].offset = UINT64_MAX - 4095;
	m.bars[AVP_BAR_DEVINFO].size = 8192;
	ret |= write_attach(dir, "bad-bar-wraps", 2, flen, &m, len);
	m = dev;
	m.bars[AVP_BAR_MEMMAP].offset += 8;
	ret |= write_attach(dir, "bad-bar-unaligned", 2, flen, &m, len);
	m = dev;
	m.bars[AVP_BAR_DEVINFO].offset = m.bars[AVP_BAR_MEMMAP].offset;
	ret |= write_attach(dir, "bad-bars-overlap", 2, flen, &m, len);
	printf("attach: %s\n", ret == 0 ? "written" : "error");
	return ret;
}

int
main(int argc, char **argv)
{
	struct avp_emu *emu;
	char path[512];
	unsigned int i;
	int ret = 0;
	static const char * const sub[] = {
		"device", "devinfo", "chain", "translate", "attach" };

	if (argc != 2) {
		fprintf(stderr, "usage: %s OUTDIR\n", argv[0]);
		return 2;
	}
	for (i = 0; i < sizeof(sub) / sizeof(sub[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", argv[1], sub[i]);
		mkdir(argv[1], 0755);
		mkdir(path, 0755);
	}
	emu = avp_emu_create();
	if (emu == NULL || avp_emu_start(emu) != 0)
		return 1;
	avp_emu_set_log(emu, stderr, 0);
	for (i = 0; i < sizeof(seeds) / sizeof(seeds[0]); i++)
		if (make_seed(emu, argv[1], &seeds[i]) != 0)
			ret = 1;
	ret |= write_attach_seeds(emu, argv[1]) != 0;
	avp_emu_destroy(emu);
	/* chain: scattered both ways; simple (chains dropped); small mbufs */
	ret |= write_chain_seed(argv[1], "scattered", 0x01 | 0x02 | 0x08) != 0;
	ret |= write_chain_seed(argv[1], "simple", 0x10) != 0;
	ret |= write_chain_seed(argv[1], "small-mbufs",
		0x01 | 0x02 | 0x04 | 0x08 | 0x10) != 0;
	ret |= write_translate_seed(argv[1]) != 0;
	return ret;
}
