/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The AVP PMD authors
 */

/*
 * The PCI transport, with a synthesized PCI function whose BARs are the
 * emulator's; hot-plug of vdev and PCI ports, and removal by the host,
 * polite, forced and under traffic.
 */

#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bus_driver.h>
#include <bus_pci_driver.h>
#include <rte_dev.h>
#include <rte_devargs.h>
#include <rte_ethdev.h>
#include <rte_interrupts.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>

#include "test_avp_common.h"

static uint8_t fbuf[AVP_EMU_FRAME_MAX];

struct test_pci_bus {	/* drivers/bus/pci/private.h */
	struct rte_bus bus;
	RTE_TAILQ_HEAD(, rte_pci_device) device_list;
	RTE_TAILQ_HEAD(, rte_pci_driver) driver_list;
};

/*
 * The synthesized PCI function of a case and what it holds, released by
 * the teardown whatever the case's outcome.
 */
static struct {
	struct rte_pci_driver *drv;
	struct rte_pci_device *pdev;
	struct rte_devargs *da;
	struct avp_emu_bars bars;
	int mapped;	/* bars */
	int probed;	/* pdev probed by drv, not removed */
	int on_bus;	/* pdev on the bus's list: removal frees it */
} pfx;

static struct rte_pci_driver *
avp_pci_driver(void)
{
	struct rte_bus *bus = rte_bus_find_by_name("pci");
	struct test_pci_bus *pb;
	struct rte_pci_driver *drv;

	if (bus == NULL)
		return NULL;
	pb = container_of(bus, struct test_pci_bus, bus);
	RTE_TAILQ_FOREACH(drv, &pb->driver_list, next)
		if (strcmp(drv->driver.name, "net_avp") == 0)
			return drv;
	return NULL;
}

static struct test_pci_bus *
pci_bus(void)
{
	return container_of(rte_bus_find_by_name("pci"), struct test_pci_bus,
			bus);
}

static void
pci_dev_free(struct rte_pci_device *pdev)
{
	rte_intr_instance_free(pdev->intr_handle);
	free(pdev);
}

/* A PCI function at 00:bus:devid.0 whose BARs are pfx.bars. */
static struct rte_pci_device *
pci_fake(uint8_t bus, uint8_t devid, int with_phys)
{
	struct rte_pci_device *pdev = calloc(1, sizeof(*pdev));
	unsigned int i;

	if (pdev == NULL)
		return NULL;
	pdev->addr.bus = bus;
	pdev->addr.devid = devid;
	rte_pci_device_name(&pdev->addr, pdev->name, sizeof(pdev->name));
	pdev->device.name = pdev->name;
	pdev->device.numa_node = SOCKET_ID_ANY;
	pdev->id.vendor_id = AVP_PCI_VENDOR_ID;
	pdev->id.device_id = AVP_PCI_DEVICE_ID;
	pdev->id.subsystem_vendor_id = AVP_PCI_SUBSYS_VENDOR_ID;
	pdev->id.subsystem_device_id = AVP_PCI_SUBSYS_DEVICE_ID;
	pdev->id.class_id = 0x020000;
	for (i = 0; i < AVP_BAR_COUNT; i++) {
		void *addr = pfx.bars.addr[i];

		pdev->mem_resource[i].addr = addr;
		pdev->mem_resource[i].len = addr ? pfx.bars.len[i] : 0;
		if (with_phys)
			pdev->mem_resource[i].phys_addr = addr ?
				0xf0000000ULL + (i << 24) : 0;
	}
	pdev->intr_handle = rte_intr_instance_alloc(RTE_INTR_INSTANCE_F_PRIVATE);
	if (pdev->intr_handle == NULL) {
		free(pdev);
		return NULL;
	}
	rte_intr_type_set(pdev->intr_handle, RTE_INTR_HANDLE_VDEV);
	rte_intr_fd_set(pdev->intr_handle, pfx.bars.irq_fd);
	pdev->driver = pfx.drv;
	pdev->device.driver = &pfx.drv->driver;
	return pdev;
}

/* The emulator port of a PCI case, in loopback, with its BARs mapped. */
static struct tport *
pci_port(void)
{
	struct tport *t;

	pfx.drv = avp_pci_driver();
	if (pfx.drv == NULL)
		return NULL;
	t = tport_new(NULL);
	if (t == NULL ||
	    avp_emu_port_set_mode(t->ep, AVP_EMU_MODE_LOOPBACK, NULL) != 0 ||
	    avp_emu_port_bars(t->ep, &pfx.bars) != 0)
		return NULL;
	pfx.mapped = 1;
	return t;
}

/*
 * The function of test_pci_path, not on the bus (the case calls the
 * driver's probe and remove), with devargs announce=0 (-a 7f:11.0,
 * announce=0: no announcement after a migration).
 */
static struct tport *
pci_port_direct(void)
{
	struct tport *t = pci_port();

	if (t == NULL)
		return NULL;
	pfx.pdev = pci_fake(0x7f, 0x11, 1);
	pfx.da = calloc(1, sizeof(*pfx.da));
	if (pfx.pdev == NULL || pfx.da == NULL)
		return NULL;
	pfx.da->args = "announce=0";
	pfx.pdev->device.devargs = pfx.da;
	return t;
}

static int
pci_probe(void)
{
	int ret = pfx.drv->probe(pfx.drv, pfx.pdev);

	if (ret == 0)
		pfx.probed = 1;
	return ret;
}

static int
pci_remove(void)
{
	int ret = pfx.drv->remove(pfx.pdev);

	if (ret == 0)
		pfx.probed = 0;
	return ret;
}

/* A new function on the PCI bus's device list, probed as the bus does. */
static int
pci_plug(uint16_t *port)
{
	pfx.pdev = pci_fake(0x7e, 0x12, 0);
	if (pfx.pdev == NULL)
		return -ENOMEM;
	pfx.pdev->device.bus = &pci_bus()->bus;
	TAILQ_INSERT_TAIL(&pci_bus()->device_list, pfx.pdev, next);
	pfx.on_bus = 1;
	if (pci_probe() != 0)
		return -EIO;
	return rte_eth_dev_get_port_by_name(pfx.pdev->name, port);
}

/* rte_dev_remove: the bus's unplug (driver remove, unmap, free). */
static int
pci_unplug(void)
{
	int ret = rte_dev_remove(&pfx.pdev->device);

	if (ret == 0) {
		pfx.pdev = NULL;
		pfx.probed = 0;
		pfx.on_bus = 0;
	}
	return ret;
}

static void
pci_ut_teardown(void)
{
	if (pfx.pdev != NULL && pfx.on_bus && pfx.probed)
		pci_unplug();
	if (pfx.pdev != NULL && pfx.probed)
		pci_remove();
	if (pfx.pdev != NULL) {
		if (pfx.on_bus)
			TAILQ_REMOVE(&pci_bus()->device_list, pfx.pdev, next);
		pci_dev_free(pfx.pdev);
	}
	free(pfx.da);
	if (pfx.mapped)
		avp_emu_bars_unmap(&pfx.bars);
	memset(&pfx, 0, sizeof(pfx));
	avpt_ut_teardown();
}

#define PCI_CASE(f)	TEST_CASE_ST(avpt_ut_setup, pci_ut_teardown, f)

/* ---- the PCI transport ---- */

/* Probe, traffic, an interrupt, a migration, remove. */
static int
test_pci_path(void)
{
	struct avp_emu_migrate_result r;
	struct avp_emu_port_state s;
	struct rte_eth_dev_info info;
	struct tport *t;
	uint16_t port;
	int ret;

	TEST_ASSERT_NOT_NULL(avp_pci_driver(), "net_avp PCI driver not registered");
	TEST_ASSERT(avp_pci_driver()->drv_flags & RTE_PCI_DRV_NEED_MAPPING,
		"flags");
	TEST_ASSERT(avp_pci_driver()->drv_flags & RTE_PCI_DRV_INTR_RMV,
		"flags");
	t = pci_port_direct();
	ASSERT_NOT_NULL(t, "emulator port and PCI function");
	ret = pci_probe();
	TEST_ASSERT_SUCCESS(ret, "PCI probe: %d", ret);
	TEST_ASSERT_SUCCESS(rte_eth_dev_get_port_by_name(pfx.pdev->name,
		&port), "port");
	TEST_ASSERT_SUCCESS(rte_eth_dev_info_get(port, &info), "info");
	TEST_ASSERT_EQUAL(strcmp(info.driver_name, "net_avp"), 0, "driver %s",
		info.driver_name);
	avp_emu_port_state_get(t->ep, &s);
	TEST_ASSERT_EQUAL(s.irq_mask, AVP_IRQ_MASK_ALL, "irq_mask at probe");
	TEST_ASSERT_SUCCESS(port_start(port, &conf1), "start");
	t->port = port;
	TEST_ASSERT_SUCCESS(loop_sizes(t, 60, 1518, 7), "loopback over PCI");
	/* the interrupt works: a spurious cause is read and ignored */
	TEST_ASSERT_SUCCESS(avp_emu_port_raise_irq(t->ep, 0x4), "irq");
	TEST_ASSERT_SUCCESS(loop_one(t, 99), "traffic after an interrupt");
	/* and the migration cause through the PCI interrupt handle */
	memset(&r, 0, sizeof(r));
	TEST_ASSERT_SUCCESS(avp_emu_port_migrate(t->ep, NULL, &r),
		"migrate over PCI");
	TEST_ASSERT_EQUAL(r.attach_ack, AVP_MIG_ATTACHED, "attach ack");
	ASSERT_XSTAT(port, "mig_announce_frames", 0);
	TEST_ASSERT_SUCCESS(loop_one(t, 1514), "traffic after migration");
	TEST_ASSERT_SUCCESS(rte_eth_dev_stop(port), "stop");
	TEST_ASSERT_SUCCESS(pci_remove(), "remove");
	TEST_ASSERT(!rte_eth_dev_is_valid_port(port), "released");
	avp_emu_port_state_get(t->ep, &s);
	TEST_ASSERT_EQUAL(s.irq_mask, 0u, "irq_mask at remove");
	TEST_ASSERT(!s.configured, "SHUTDOWN at remove");
	return case_end();
}

/* Probing while the host has the device detached: ack 1, -EBUSY. */
static int
test_pci_probe_detached(void)
{
	struct tport *t;

	t = pci_port_direct();
	ASSERT_NOT_NULL(t, "emulator port and PCI function");
	TEST_ASSERT_SUCCESS(avp_emu_port_set_mig_status(t->ep, AVP_MIG_DETACHED,
		0), "mig_status");
	TEST_ASSERT_EQUAL(pci_probe(), -EBUSY, "probe while detached");
	TEST_ASSERT_EQUAL(((struct avp_regs *)
		pfx.bars.addr[AVP_BAR_REGS])->mig_ack,
		(uint32_t)AVP_MIG_DETACHED, "mig_ack");
	TEST_ASSERT_SUCCESS(avp_emu_port_set_mig_status(t->ep, AVP_MIG_NONE, 0),
		"mig_status");
	TEST_ASSERT_SUCCESS(pci_probe(), "probe once attached");
	TEST_ASSERT_SUCCESS(pci_remove(), "remove");
	return case_end();
}

/* A missing BAR or a short one fails the probe. */
static int
test_pci_bad_bars(void)
{
	struct rte_pci_device *pdev;
	struct tport *t;

	t = pci_port_direct();
	ASSERT_NOT_NULL(t, "emulator port and PCI function");
	pdev = pfx.pdev;
	pdev->mem_resource[AVP_BAR_MEMMAP].addr = NULL;
	TEST_ASSERT(pci_probe() < 0, "probe without BAR 4");
	pdev->mem_resource[AVP_BAR_MEMMAP].addr = pfx.bars.addr[AVP_BAR_MEMMAP];
	pdev->mem_resource[AVP_BAR_DEVINFO].len = 100;
	TEST_ASSERT(pci_probe() < 0, "probe with a short BAR 5");
	pdev->mem_resource[AVP_BAR_DEVINFO].len = pfx.bars.len[AVP_BAR_DEVINFO];
	TEST_ASSERT_SUCCESS(pci_probe(), "probe with every BAR");
	TEST_ASSERT_SUCCESS(pci_remove(), "remove");
	return case_end();
}

/* A devarg the PCI port does not know fails the probe. */
static int
test_pci_devargs(void)
{
	uint16_t port;
	struct tport *t;

	t = pci_port_direct();
	ASSERT_NOT_NULL(t, "emulator port and PCI function");
	pfx.da->args = "announce=yes";
	TEST_ASSERT_EQUAL(pci_probe(), -EINVAL, "announce=yes");
	pfx.da->args = "socket=/x";
	TEST_ASSERT(pci_probe() < 0, "socket= on PCI");
	pfx.da->args = "announce=0";
	TEST_ASSERT_SUCCESS(pci_probe(), "probe");
	TEST_ASSERT_SUCCESS(rte_eth_dev_get_port_by_name(pfx.pdev->name,
		&port), "port");
	TEST_ASSERT_SUCCESS(port_start(port, &conf1), "start");
	TEST_ASSERT_SUCCESS(rte_eth_dev_stop(port), "stop");
	TEST_ASSERT_SUCCESS(pci_remove(), "remove");
	TEST_ASSERT(!rte_eth_dev_is_valid_port(port), "released");
	return case_end();
}

/* The same function probes a second time. */
static int
test_pci_reprobe(void)
{
	uint16_t port;
	struct tport *t;

	t = pci_port_direct();
	ASSERT_NOT_NULL(t, "emulator port and PCI function");
	TEST_ASSERT_SUCCESS(pci_probe(), "first probe");
	TEST_ASSERT_SUCCESS(pci_remove(), "first remove");
	TEST_ASSERT_SUCCESS(pci_probe(), "second probe");
	TEST_ASSERT_SUCCESS(rte_eth_dev_get_port_by_name(pfx.pdev->name,
		&port), "port");
	TEST_ASSERT_SUCCESS(pci_remove(), "second remove");
	return case_end();
}

/* ---- hot-plug ---- */

static int
count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	int n = 0;

	if (d == NULL)
		return -1;
	while ((e = readdir(d)) != NULL)
		if (e->d_name[0] != '.')
			n++;
	closedir(d);
	return n - 1;	/* the directory's own descriptor */
}

static uint64_t
heap_bytes(void)
{
	struct rte_malloc_socket_stats ms;
	uint64_t sum = 0;
	unsigned int i;

	for (i = 0; i < rte_socket_count(); i++)
		if (rte_malloc_get_socket_stats(rte_socket_id_by_idx(i),
				&ms) == 0)
			sum += ms.heap_allocsz_bytes;
	return sum;
}

/*
 * One insert/traffic/remove cycle through rte_dev_probe/rte_dev_remove;
 * then the host sees the guest go.
 */
static int
hotplug_vdev_cycle(struct tport *t, unsigned int len)
{
	struct rte_eth_dev_info info;
	char devstr[400];
	uint16_t port;
	int ret;

	snprintf(devstr, sizeof(devstr), "%s,socket=%s", t->name, t->sock);
	ret = rte_dev_probe(devstr);
	if (ret != 0)
		return ret;
	t->probed = 1;
	if (rte_eth_dev_get_port_by_name(t->name, &port) != 0)
		return -ENODEV;
	t->port = port;
	ret = port_start(port, &conf1);
	if (ret == 0)
		ret = avp_emu_wait_link(t->ep, 1, WAIT_MS);
	if (ret == 0)
		ret = loop_one(t, len);
	if (ret != 0)
		return ret;
	ret = rte_eth_dev_info_get(port, &info);
	if (ret == 0)
		ret = rte_dev_remove(info.device);	/* started: stops, closes */
	if (ret != 0)
		return ret;
	t->probed = 0;
	if (rte_eth_dev_is_valid_port(port))
		return -EEXIST;
	return wait_detached(t);
}

static int
test_hotplug_vdev(void)
{
	struct tport *t;
	uint64_t heap0, heap1, t0;
	int fd0, fd1;
	unsigned int i;

	t = tport_new(NULL);
	ASSERT_NOT_NULL(t, "port");
	TEST_ASSERT_SUCCESS(avp_emu_port_set_mode(t->ep, AVP_EMU_MODE_LOOPBACK,
		NULL), "mode");
	/* one cycle first: what EAL allocates once is not a leak */
	TEST_ASSERT_SUCCESS(hotplug_vdev_cycle(t, 64), "first cycle");
	fd0 = count_fds();
	heap0 = heap_bytes();
	t0 = now_ms();
	for (i = 0; i < 100; i++) {
		int ret = hotplug_vdev_cycle(t, 60 + i * 13);

		TEST_ASSERT_SUCCESS(ret, "cycle %u: %d", i, ret);
	}
	t0 = now_ms() - t0;
	fd1 = count_fds();
	heap1 = heap_bytes();
	printf("100 vdev remove/insert cycles with traffic: %" PRIu64
		" ms; fds %d -> %d, heap %" PRIu64 " -> %" PRIu64 " bytes\n",
		t0, fd0, fd1, heap0, heap1);
	TEST_ASSERT_EQUAL(fd0, fd1, "file descriptors leaked");
	TEST_ASSERT_EQUAL(heap0, heap1, "DPDK heap memory leaked");
	TEST_ASSERT(rte_mempool_full(pool), "mbufs leaked");
	return case_end();
}

/*
 * PCI hot-plug, 100 times with traffic and a migration between: each
 * time a new function on the PCI bus's device list, probed as the bus
 * probes it once mapped (the driver's probe), removed with
 * rte_dev_remove (the bus's unplug: driver remove, unmap, interrupt
 * handle and device freed).
 */
static int
test_hotplug_pci(void)
{
	struct avp_emu_migrate_result r;
	struct tport *t;
	uint64_t heap0 = 0, heap1, t0 = 0;
	int fd0 = 0, fd1, rarp;
	unsigned int i;
	uint16_t port;

	t = pci_port();
	ASSERT_NOT_NULL(t, "net_avp PCI driver and emulator port");
	for (i = 0; i < 101; i++) {
		if (i == 1) {	/* after one warm-up cycle */
			fd0 = count_fds();
			heap0 = heap_bytes();
			t0 = now_ms();
		}
		TEST_ASSERT_SUCCESS(pci_plug(&port), "probe %u", i);
		t->port = port;
		TEST_ASSERT_SUCCESS(port_start(port, &conf1), "start");
		if (i == 50) {
			struct rte_mbuf *m;

			TEST_ASSERT_SUCCESS(avp_emu_port_migrate(t->ep, NULL,
				&r), "migrate");
			TEST_ASSERT_EQUAL(rx_wait(port, 0, &m, 1), 1u,
				"announcement");
			rarp = is_rarp(m);
			rte_pktmbuf_free(m);
			TEST_ASSERT(rarp, "RARP");
		}
		TEST_ASSERT_SUCCESS(loop_one(t, 64 + i), "traffic %u", i);
		/* removal of a started port: close stops it */
		TEST_ASSERT_SUCCESS(pci_unplug(), "remove %u", i);
		TEST_ASSERT(!rte_eth_dev_is_valid_port(port), "released");
	}
	t0 = now_ms() - t0;
	fd1 = count_fds();
	heap1 = heap_bytes();
	printf("100 PCI remove/insert cycles with traffic: %" PRIu64
		" ms; fds %d -> %d, heap %" PRIu64 " -> %" PRIu64 " bytes\n",
		t0, fd0, fd1, heap0, heap1);
	TEST_ASSERT_EQUAL(fd0, fd1, "file descriptors leaked");
	TEST_ASSERT_EQUAL(heap0, heap1, "DPDK heap memory leaked");
	return case_end();
}

/* EAL's removal notice on a PCI port: RMV, nothing moves. */
static int
test_pci_removal_event(void)
{
	struct rte_mbuf *m;
	struct tport *t;
	uint16_t port, sent;

	t = pci_port();
	ASSERT_NOT_NULL(t, "net_avp PCI driver and emulator port");
	TEST_ASSERT_SUCCESS(pci_plug(&port), "probe");
	t->port = port;
	TEST_ASSERT_SUCCESS(port_start(port, &conf1), "start");
	TEST_ASSERT_SUCCESS(loop_one(t, 64), "traffic");
	TEST_ASSERT_SUCCESS(event_watch(port, RTE_ETH_EVENT_INTR_RMV), "cb");
	rte_dev_event_callback_process(pfx.pdev->name, RTE_DEV_EVENT_REMOVE);
	TEST_ASSERT_EQUAL(event_count(RTE_ETH_EVENT_INTR_RMV), 1,
		"RMV events %d", event_count(RTE_ETH_EVENT_INTR_RMV));
	fill_frame(fbuf, 64, tport_mac(t), 9);
	m = mbuf_from(pool, fbuf, 64, NULL, 0);
	ASSERT_NOT_NULL(m, "mbuf");
	sent = rte_eth_tx_burst(port, 0, &m, 1);
	if (sent == 0)
		rte_pktmbuf_free(m);
	TEST_ASSERT_EQUAL(sent, 0, "tx after removal");
	event_unwatch(port, RTE_ETH_EVENT_INTR_RMV);
	TEST_ASSERT_SUCCESS(pci_unplug(), "remove");
	TEST_ASSERT(!rte_eth_dev_is_valid_port(port), "released");
	return case_end();
}

/* ---- removal by the host ---- */

struct unplug_arg {
	struct avp_emu_port *ep;
	int ret;
};

static void *
unplug_main(void *arg)
{
	struct unplug_arg *u = arg;

	u->ret = avp_emu_port_unplug(u->ep, WAIT_MS);
	return NULL;
}

/* The host asks politely: the application releases the port. */
static int
test_unplug(void)
{
	struct avp_emu_port_state s;
	struct unplug_arg u;
	struct tport *t;
	pthread_t th;
	int ret;

	t = tport_up(NULL, AVP_EMU_MODE_LOOPBACK, &conf1);
	ASSERT_NOT_NULL(t, "port");
	TEST_ASSERT_SUCCESS(event_watch(t->port, RTE_ETH_EVENT_INTR_RMV),
		"callback");
	u.ep = t->ep;
	u.ret = 1;
	TEST_ASSERT_SUCCESS(pthread_create(&th, NULL, unplug_main, &u), "thr");
	ret = event_wait(RTE_ETH_EVENT_INTR_RMV, 1);
	/* released, event or not: the host's wait ends either way */
	event_unwatch(t->port, RTE_ETH_EVENT_INTR_RMV);
	tport_unprobe(t);
	pthread_join(th, NULL);
	TEST_ASSERT_SUCCESS(ret, "no RMV event after UNPLUG");
	TEST_ASSERT_EQUAL(u.ret, 0, "the guest released the port: %d", u.ret);
	avp_emu_port_state_get(t->ep, &s);
	TEST_ASSERT_EQUAL(s.irq_mask, 0u, "irq_mask 0 before release");
	return case_end();
}

/* Nobody answers: the host closes the socket; nothing moves after. */
static int
test_unplug_forced(void)
{
	struct rte_eth_link link;
	struct rte_mbuf *m = NULL;
	struct tport *t;
	uint16_t sent;
	int ret;

	t = tport_up(NULL, AVP_EMU_MODE_LOOPBACK, &conf1);
	ASSERT_NOT_NULL(t, "port");
	TEST_ASSERT_SUCCESS(event_watch(t->port, RTE_ETH_EVENT_INTR_RMV),
		"callback");
	TEST_ASSERT_SUCCESS(loop_one(t, 64), "traffic");
	/* the host waits 200 ms for a release that never comes */
	ret = avp_emu_port_unplug(t->ep, 200);
	TEST_ASSERT_EQUAL(ret, -ETIMEDOUT, "forced: %d", ret);
	/* one event for UNPLUG, one for the closed socket */
	TEST_ASSERT_SUCCESS(event_wait(RTE_ETH_EVENT_INTR_RMV, 2),
		"no RMV event after close");
	TEST_ASSERT_EQUAL(rte_eth_rx_burst(t->port, 0, &m, 1), 0,
		"rx after removal");
	fill_frame(fbuf, 64, tport_mac(t), 1);
	m = mbuf_from(pool, fbuf, 64, NULL, 0);
	ASSERT_NOT_NULL(m, "mbuf");
	sent = rte_eth_tx_burst(t->port, 0, &m, 1);
	if (sent == 0)
		rte_pktmbuf_free(m);
	TEST_ASSERT_EQUAL(sent, 0, "tx after removal");
	ASSERT_XSTAT(t->port, "tx_detached_packets", 1);
	TEST_ASSERT_SUCCESS(rte_eth_link_get_nowait(t->port, &link), "link");
	TEST_ASSERT_EQUAL(link.link_status, RTE_ETH_LINK_DOWN,
		"link down after removal");
	event_unwatch(t->port, RTE_ETH_EVENT_INTR_RMV);
	tport_unprobe(t);
	return case_end();
}

/* The host removes the port while every queue carries traffic. */
static int
test_remove_traffic(void)
{
	struct rte_eth_dev_info info;
	struct rte_eth_link link;
	struct mt_ctl *c;
	struct tport *t;
	uint64_t sent, end;
	int ret, fd0, fd1;

	t = tport_new(NULL);
	ASSERT_NOT_NULL(t, "port");
	fd0 = count_fds();
	TEST_ASSERT_SUCCESS(tport_probe(t), "probe");
	TEST_ASSERT_SUCCESS(avp_emu_port_set_mode(t->ep, AVP_EMU_MODE_LOOPBACK,
		NULL), "mode");
	TEST_ASSERT_SUCCESS(event_watch(t->port, RTE_ETH_EVENT_INTR_RMV),
		"callback");
	TEST_ASSERT_SUCCESS(port_start_lsc(t->port, MT_QUEUES, 0), "start");
	TEST_ASSERT_SUCCESS(avp_emu_wait_link(t->ep, 1, WAIT_MS), "link");
	c = mt_start(t, MT_QUEUES, 0);
	ASSERT_NOT_NULL(c, "threads");
	end = now_ms() + WAIT_MS;
	while (__atomic_load_n(&c->sent, __ATOMIC_ACQUIRE) < 2000 &&
	       now_ms() < end)
		rte_delay_us_sleep(500);
	TEST_ASSERT(__atomic_load_n(&c->sent, __ATOMIC_ACQUIRE) >= 2000,
		"%" PRIu64 " frames sent in %u ms", c->sent, WAIT_MS);
	/* the host asks, nobody releases the port in time: forced close */
	ret = avp_emu_port_unplug(t->ep, 200);
	TEST_ASSERT(ret == -ETIMEDOUT, "unplug %d", ret);
	TEST_ASSERT_SUCCESS(event_wait(RTE_ETH_EVENT_INTR_RMV, 2),
		"no RMV event");
	/* the threads keep polling a removed port: nothing moves (the
	 * windows give a transmit, were there one, time to show)
	 */
	rte_delay_us_sleep(20000);
	sent = __atomic_load_n(&c->sent, __ATOMIC_ACQUIRE);
	rte_delay_us_sleep(20000);
	TEST_ASSERT_EQUAL(__atomic_load_n(&c->sent, __ATOMIC_ACQUIRE), sent,
		"transmit after removal");
	TEST_ASSERT_SUCCESS(rte_eth_link_get_nowait(t->port, &link), "link");
	TEST_ASSERT_EQUAL(link.link_status, RTE_ETH_LINK_DOWN, "link down");
	/* the application stops its lcores, then removes the device */
	mt_stop();
	TEST_ASSERT_EQUAL(c->bad, 0u, "corrupted frames");
	event_unwatch(t->port, RTE_ETH_EVENT_INTR_RMV);
	TEST_ASSERT_SUCCESS(rte_eth_dev_info_get(t->port, &info), "info");
	TEST_ASSERT_SUCCESS(rte_dev_remove(info.device), "remove");
	t->probed = 0;
	TEST_ASSERT(!rte_eth_dev_is_valid_port(t->port), "released");
	fd1 = count_fds();
	TEST_ASSERT_EQUAL(fd0, fd1, "fds %d -> %d", fd0, fd1);
	printf("removal under traffic: %" PRIu64 " frames sent before, %"
		PRIu64 " received\n", c->sent, c->received);
	/* and the host takes a new guest */
	TEST_ASSERT_SUCCESS(tport_probe(t), "probe after removal");
	TEST_ASSERT_SUCCESS(port_start(t->port, &conf1), "start");
	TEST_ASSERT_SUCCESS(avp_emu_wait_link(t->ep, 1, WAIT_MS), "link");
	TEST_ASSERT_SUCCESS(loop_one(t, 99), "traffic");
	return case_end();
}

struct unit_test_suite avp_pci_suite = {
	.suite_name = "PCI transport, hot-plug and removal",
	.unit_test_cases = {
		PCI_CASE(test_pci_path),
		PCI_CASE(test_pci_probe_detached),
		PCI_CASE(test_pci_bad_bars),
		PCI_CASE(test_pci_devargs),
		PCI_CASE(test_pci_reprobe),
		PCI_CASE(test_hotplug_vdev),
		PCI_CASE(test_hotplug_pci),
		PCI_CASE(test_pci_removal_event),
		PCI_CASE(test_unplug),
		PCI_CASE(test_unplug_forced),
		PCI_CASE(test_remove_traffic),
		TEST_CASES_END()
	}
};
