/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The AVP PMD authors
 */

/*
 * Descriptor chains: the driver's receive bursts (simple and scattered,
 * with their chain validation) and transmit bursts, of the data path the
 * input names (one the CPU has, else the widest), run over a fuzzed
 * buffer region and fuzzed rings, each in its own allocation. Checked:
 * no access outside them (AddressSanitizer), every received mbuf is
 * consistent and within the queue's limit, every handle given back on
 * the free ring is a buffer, and every frame placed on the tx ring is a
 * well-formed chain (at most 5 segments of at most H bytes adding up to
 * frame_len), as a strict host would require.
 *
 * Input: struct chain_hdr, rx slots and alloc slots (u32 offsets from
 * the region's handle base), then the buffer region.
 */

#include <string.h>

#include <rte_mbuf.h>

#include "fuzz_common.h"

static inline uint32_t
umin(uint32_t a, uint32_t b)
{
	return a < b ? a : b;
}
#include "avp_ethdev.h"
#include "avp_shm.h"
#include "avp_vec.h"

struct chain_hdr {
	uint8_t flags;		/* CH_F_* */
	uint8_t lg;		/* ring slots: 2 << (lg % 6) */
	uint16_t h;		/* H = 64 + h % 2048 */
	uint16_t m;		/* M = 60 + m % (5H - 59), at most 9238 */
	uint16_t extra;		/* region = 64 + H + extra % 32768 */
	uint32_t va;		/* handle base (see va_of) */
	uint32_t rx_prod, rx_cons, fr_prod, fr_cons;
	uint32_t al_prod, al_cons, tx_prod, tx_cons;
	uint8_t ntx, txsegs;
	uint16_t txlen[4];
	uint8_t mac[6];
	uint8_t filter;
	uint8_t path;		/* data path: avp_vec_path_get(path % n) */
	uint8_t rsvd[2];
};

#define CH_F_RX_SCATTERED	0x01
#define CH_F_SCATTER		0x02
#define CH_F_SMALL_POOL		0x04
#define CH_F_TX_SCATTERED	0x08
#define CH_F_VLAN_INSERT	0x10
#define CH_F_REGION_ALIGNED	0x20	/* region on a 64-byte boundary */
#define CH_F_VA_HIGH		0x80	/* region near the top of the space */

static struct rte_mempool *pool, *pool_small;
static struct avp_rx_queue rxq;
static struct avp_tx_queue txq;
static uint32_t detached;
static struct avp_dev port;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fz_eal_init("avp_fuzz_chain");
	pool = rte_pktmbuf_pool_create("fz_pool", 1023, 0, 0,
			RTE_MBUF_DEFAULT_BUF_SIZE, SOCKET_ID_ANY);
	pool_small = rte_pktmbuf_pool_create("fz_pool_small", 2047, 0, 0,
			RTE_PKTMBUF_HEADROOM + 64, SOCKET_ID_ANY);
	FZ_CHECK(pool != NULL && pool_small != NULL, "mempools");
	return 0;
}

static uint64_t
va_of(const struct chain_hdr *c)
{
	return c->flags & CH_F_VA_HIGH ? UINT64_MAX - 0xffff + (c->va & 0xffff) :
		0x7f0000000000ull + ((uint64_t)c->va << 6);
}

static struct avp_ring *
ring_new(uint32_t n, uint32_t prod, uint32_t cons)
{
	struct avp_ring *r = calloc(1, AVP_RING_BYTES(n));

	FZ_CHECK(r != NULL, "calloc");
	r->nslots = n;
	r->prod_idx = prod;
	r->cons_idx = cons;
	return r;
}

/* A copy of the descriptor at p (any alignment: the host chooses). */
static struct avp_desc
desc_read(const void *p)
{
	struct avp_desc d;

	memcpy(&d, p, sizeof(d));
	return d;
}

/* A tx ring entry must be a chain a strict host accepts. */
static void
check_tx_frame(uint64_t h, uint32_t hsize, uint32_t max_len)
{
	const void *p = avp_desc_get(&txq.buf, h);
	struct avp_desc d;
	uint32_t total = 0, s, flen, nseg;

	FZ_CHECK(p != NULL, "tx handle 0x%" PRIx64 " is not a buffer", h);
	d = desc_read(p);
	flen = d.frame_len;
	nseg = d.seg_count;
	/* the head's flags and tag: both written, the tag only with the flag */
	FZ_CHECK((d.flags & ~AVP_DESC_F_TX_VLAN) == 0 &&
		((d.flags & AVP_DESC_F_TX_VLAN) != 0 || d.vlan_tci == 0),
		"tx flags 0x%x, vlan_tci 0x%x: stale host bytes", d.flags,
		d.vlan_tci);
	for (s = 0; ; s++) {
		FZ_CHECK(s < AVP_MAX_SEGS, "tx chain longer than 5");
		FZ_CHECK(d.seg_len <= hsize, "tx seg_len %u > H %u",
			d.seg_len, hsize);
		FZ_CHECK(avp_data_get(&txq.buf, d.data_va, d.seg_len) != NULL,
			"tx data_va 0x%" PRIx64 " (seg_len %u) outside the region",
			d.data_va, d.seg_len);
		total += d.seg_len;
		if (d.next_va == 0)
			break;
		p = avp_desc_get(&txq.buf, d.next_va);
		FZ_CHECK(p != NULL, "tx next_va 0x%" PRIx64 " (segment %u of"
			" frame 0x%" PRIx64 ") is not a buffer", d.next_va, s, h);
		d = desc_read(p);
	}
	FZ_CHECK(total == flen && s + 1 == nseg && flen <= max_len,
		"tx frame_len %u, segments add to %u, seg_count %u of %u",
		flen, total, nseg, s + 1);
}

/*
 * The host lent buffers [acons, acons + n) of alloc: a frame can only be
 * judged if they do not overlap (a host that lends one buffer twice, or
 * buffers whose bytes overlap, gets what it asked for).
 */
static int
alloc_disjoint(const struct avp_ring *al, uint32_t mask, uint32_t from,
		uint32_t to, uint32_t hsize)
{
	uint8_t *lo[2 * 64], *hi[2 * 64];
	uint32_t i, j, n = 0;

	for (i = from; i != to && n + 2 <= 2 * 64; i = (i + 1) & mask) {
		uint8_t *d = (uint8_t *)avp_desc_get(&txq.buf, al->slots[i]);
		uint8_t *p;

		if (d == NULL)
			continue;
		/* every descriptor: a write to one may validate another */
		lo[n] = d;
		hi[n++] = d + sizeof(struct avp_desc);
		p = avp_data_get(&txq.buf, desc_read(d).data_va, hsize);
		if (p == NULL)
			continue;
		lo[n] = p;
		hi[n++] = p + hsize;
	}
	for (i = 0; i < n; i++)
		for (j = i + 1; j < n; j++)
			if (lo[i] < hi[j] && lo[j] < hi[i])
				return 0;
	return 1;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct avp_vec_path *path;
	struct chain_hdr c;
	struct fz_in in;
	struct avp_ring *rx, *fr, *al, *tx;
	struct rte_mbuf *pkts[64];
	uint32_t n, i, hsize, mframe, region_len, room, got, k;
	uint32_t fprod0, tprod0, acons0;
	int disjoint, usable;
	uint8_t *region;
	uint64_t va;

	fz_in_init(&in, data, size);
	fz_take(&in, &c, sizeof(c));
	n = 2u << (c.lg % 6);
	hsize = 64 + c.h % 2048;
	mframe = RTE_MIN(60 + c.m % (5 * hsize - 59), 9238u);
	region_len = 64 + hsize + c.extra % 32768;
	va = va_of(&c);
	rx = ring_new(n, c.rx_prod, c.rx_cons);
	fr = ring_new(n, c.fr_prod, c.fr_cons);
	al = ring_new(n, c.al_prod, c.al_cons);
	tx = ring_new(n, c.tx_prod, c.tx_cons);
	for (i = 0; i < n; i++)
		rx->slots[i] = va + fz_u32(&in);
	for (i = 0; i < n; i++)
		al->slots[i] = va + fz_u32(&in);
	/* malloc's 16-byte alignment, or the descriptors' own */
	if (c.flags & CH_F_REGION_ALIGNED)
		region = aligned_alloc(64, RTE_ALIGN_CEIL(region_len, 64));
	else
		region = malloc(region_len);
	FZ_CHECK(region != NULL, "malloc");
	fz_take(&in, region, region_len);

	/* The queues as avp_select_paths and avp_queues_refresh set them. */
	memset(&rxq, 0, sizeof(rxq));
	rxq.pool = c.flags & CH_F_SMALL_POOL ? pool_small : pool;
	room = rte_pktmbuf_data_room_size(rxq.pool) - RTE_PKTMBUF_HEADROOM;
	rxq.data_room = (uint16_t)room;
	rxq.recip = rte_reciprocal_value(room);
	rxq.scatter = !!(c.flags & CH_F_SCATTER);
	rxq.max_len = c.flags & CH_F_RX_SCATTERED ? mframe :
		umin(umin(room, hsize), mframe);
	rxq.buf_size = hsize;
	rxq.filter = c.filter % 3;
	rxq.detached = &detached;
	rxq.avp = &port;	/* its multicast list, empty */
	rxq.buf.va = va;
	rxq.buf.base = region;
	rxq.buf.len = region_len;
	rxq.first = 0;
	rxq.nrings = 1;
	rxq.rx[0].ring = rx;
	rxq.rx[0].mask = n - 1;
	rxq.free[0].ring = fr;
	rxq.free[0].mask = n - 1;
	memcpy(rxq.mac, c.mac, sizeof(rxq.mac));

	memset(&txq, 0, sizeof(txq));
	txq.detached = &detached;
	txq.buf = rxq.buf;
	txq.buf_size = hsize;
	txq.recip = rte_reciprocal_value(hsize);
	txq.max_len = c.flags & CH_F_TX_SCATTERED ? mframe :
		RTE_MIN(hsize, mframe);
	txq.vlan_insert = !!(c.flags & CH_F_VLAN_INSERT);
	txq.tx.ring = tx;
	txq.tx.mask = n - 1;
	txq.alloc.ring = al;
	txq.alloc.mask = n - 1;

	/* the data path */
	for (i = 0; avp_vec_path_get(i, &usable) != NULL; i++)
		;
	path = avp_vec_path_get(c.path % i, &usable);
	for (i = 0; !usable; i++)	/* else the widest the CPU has */
		path = avp_vec_path_get(i, &usable);

	/* receive */
	fprod0 = fr->prod_idx;
	for (k = 0; k < 2; k++) {
		got = path->rx_burst(&rxq, pkts, 64);
		FZ_CHECK(got <= 64, "rx burst %u", got);
		for (i = 0; i < got; i++) {
			FZ_CHECK(rte_mbuf_check(pkts[i], 1, NULL) == 0,
				"received mbuf inconsistent");
			FZ_CHECK(pkts[i]->pkt_len <= rxq.max_len &&
				pkts[i]->pkt_len != 0,
				"received %u bytes, limit %u",
				pkts[i]->pkt_len, rxq.max_len);
			rte_pktmbuf_free(pkts[i]);
		}
	}
	FZ_CHECK(rx->cons_idx <= n - 1 || rx->cons_idx == c.rx_cons,
		"rx cons_idx %u out of range", rx->cons_idx);
	if (fr->prod_idx != fprod0)
		for (i = fprod0 & (n - 1); i != fr->prod_idx;
		     i = (i + 1) & (n - 1))
			FZ_CHECK(avp_desc_get(&rxq.buf, fr->slots[i]) != NULL,
				"free ring got 0x%" PRIx64 ", not a buffer",
				fr->slots[i]);

	/* transmit */
	tprod0 = tx->prod_idx;
	acons0 = al->cons_idx & txq.alloc.mask;
	/* judged before the burst: the driver's writes may clobber them */
	disjoint = alloc_disjoint(al, txq.alloc.mask, acons0,
		al->prod_idx & txq.alloc.mask, hsize);
	n = c.ntx % 65u;
	if (n > 64)
		n = 64;
	for (i = 0; i < n; i++) {
		uint32_t len = c.txlen[i % 4] % 9400;
		unsigned int segs = 1 + c.txsegs % 5, s;
		struct rte_mbuf *m = NULL, *t;

		for (s = 0; s < segs; s++) {
			uint32_t take;

			t = rte_pktmbuf_alloc(pool);
			if (t == NULL)
				break;
			take = RTE_MIN(len - len / segs * (segs - s - 1) -
				(m ? m->pkt_len : 0), 2048u);
			take = RTE_MIN(take, len - (m ? m->pkt_len : 0));
			memset(rte_pktmbuf_mtod(t, void *), s, take);
			t->data_len = (uint16_t)take;
			t->pkt_len = take;
			if (m == NULL)
				m = t;
			else if (rte_pktmbuf_chain(m, t) != 0)
				rte_pktmbuf_free(t);
		}
		FZ_CHECK(m != NULL, "mbuf");
		m->ol_flags = i & 1 ? RTE_MBUF_F_TX_VLAN : 0;
		m->vlan_tci = (uint16_t)i;
		pkts[i] = m;
	}
	if (getenv("AVP_FUZZ_LOG") != NULL) {
		fprintf(stderr, "tx: %u frames, alloc prod %u cons %u, tx prod %u cons %u, n %u, %s\n",
			n, al->prod_idx, al->cons_idx, tx->prod_idx,
			tx->cons_idx, txq.alloc.mask + 1,
			c.flags & CH_F_TX_SCATTERED ? "scattered" : "simple");
		for (i = 0; i <= txq.alloc.mask; i++) {
			const void *d = avp_desc_get(&txq.buf, al->slots[i]);

			fprintf(stderr, "  alloc[%u] 0x%" PRIx64 " data_va 0x%" PRIx64 "\n",
				i, al->slots[i], d ? desc_read(d).data_va : 0);
		}
	}
	got = path->tx_burst(&txq, pkts, (uint16_t)n);
	FZ_CHECK(got <= n, "tx burst %u of %u", got, n);
	for (i = got; i < n; i++)
		rte_pktmbuf_free(pkts[i]);
	if (getenv("AVP_FUZZ_LOG") != NULL)
		fprintf(stderr, "tx: sent %u, alloc cons %u, tx prod %u, disjoint %d, va 0x%" PRIx64 " len %" PRIu64 "\n", got,
			al->cons_idx, tx->prod_idx, disjoint, txq.buf.va, txq.buf.len);
	if (getenv("AVP_FUZZ_LOG") != NULL)
		for (i = tprod0 & txq.tx.mask; i != tx->prod_idx; i = (i + 1) & txq.tx.mask)
			fprintf(stderr, "  tx[%u] 0x%" PRIx64 "\n", i, tx->slots[i]);
	if (tx->prod_idx != tprod0 && disjoint)
		for (i = tprod0 & txq.tx.mask; i != tx->prod_idx;
		     i = (i + 1) & txq.tx.mask)
			check_tx_frame(tx->slots[i], hsize, txq.max_len);

	FZ_CHECK(rte_mempool_full(pool) && rte_mempool_full(pool_small),
		"mbufs leaked");
	free(region);
	free(rx);
	free(fr);
	free(al);
	free(tx);
	return 0;
}
