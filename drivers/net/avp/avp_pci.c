/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The AVP PMD authors
 */

/*
 * PCI transport: the BARs come from the PCI device's mapped resources and
 * the interrupt from its MSI-X vector 0 (or INTx), through EAL.
 */

#include <bus_pci_driver.h>
#include <ethdev_pci.h>
#include <rte_dev.h>
#include <rte_devargs.h>
#include <rte_kvargs.h>

#include "avp_ethdev.h"
#include "avp_logs.h"

static const char * const avp_pci_valid_args[] = {
	AVP_DEVARG_ANNOUNCE,
	NULL
};

/* Devargs of a PCI port (-a BDF,announce=0): the same keys as the vdev's. */
static int
avp_pci_parse(struct rte_pci_device *pci_dev, uint8_t *announce)
{
	const struct rte_devargs *da = pci_dev->device.devargs;
	struct rte_kvargs *kvlist;
	int ret;

	*announce = 1;
	if (da == NULL || da->args == NULL || da->args[0] == '\0')
		return 0;
	kvlist = rte_kvargs_parse(da->args, avp_pci_valid_args);
	if (kvlist == NULL) {
		PMD_INIT_LOG(ERR, "%s: devargs \"%s\" invalid: allowed keys: %s=0|1",
			pci_dev->name, da->args, AVP_DEVARG_ANNOUNCE);
		return -EINVAL;
	}
	if (rte_kvargs_count(kvlist, AVP_DEVARG_ANNOUNCE) > 1) {
		PMD_INIT_LOG(ERR, "%s: devarg %s allowed once",
			pci_dev->name, AVP_DEVARG_ANNOUNCE);
		ret = -EINVAL;
	} else {
		ret = rte_kvargs_process(kvlist, AVP_DEVARG_ANNOUNCE,
				avp_devarg_announce, announce);
	}
	rte_kvargs_free(kvlist);
	return ret != 0 ? -EINVAL : 0;
}

static const struct rte_pci_id avp_pci_id_map[] = {
	{
		.class_id = RTE_CLASS_ANY_ID,
		.vendor_id = AVP_PCI_VENDOR_ID,
		.device_id = AVP_PCI_DEVICE_ID,
		.subsystem_vendor_id = AVP_PCI_SUBSYS_VENDOR_ID,
		.subsystem_device_id = AVP_PCI_SUBSYS_DEVICE_ID,
	},
	{ .vendor_id = 0, /* sentinel */ },
};

static struct rte_pci_driver avp_pci_driver;

/*
 * EAL's removal notice for a PCI function (VFIO request, hot-unplug
 * uevent): the port stops touching the device and the application gets
 * RTE_ETH_EVENT_INTR_RMV. The port is looked up by name, so a notice
 * for a port already closed finds nothing.
 */
static void
avp_pci_dev_event(const char *name, enum rte_dev_event_type type,
		void *arg __rte_unused)
{
	struct rte_eth_dev *eth_dev;

	if (type != RTE_DEV_EVENT_REMOVE || name == NULL)
		return;
	eth_dev = rte_eth_dev_allocated(name);
	if (eth_dev == NULL || eth_dev->device == NULL ||
	    eth_dev->device->driver != &avp_pci_driver.driver ||
	    AVP_DEV(eth_dev)->closed)
		return;
	PMD_DRV_LOG(NOTICE, "port %u: PCI device %s removed",
		eth_dev->data->port_id, name);
	avp_port_removed(AVP_DEV(eth_dev), AVP_BLOCK_UNPLUGGED);
}

static void
avp_pci_release(struct avp_dev *avp)
{
	/* -EAGAIN when closed from inside the notice: harmless then */
	rte_dev_event_callback_unregister(avp->eth_dev->device->name,
			avp_pci_dev_event, NULL);
}

static int
avp_pci_dev_init(struct rte_eth_dev *eth_dev)
{
	struct rte_pci_device *pci_dev = container_of(eth_dev->device,
			struct rte_pci_device, device);
	struct avp_bar bar[AVP_BAR_COUNT];
	uint8_t announce;
	unsigned int i;
	int ret;

	/* EAL maps the BARs at the primary's addresses in a secondary. */
	if (rte_eal_process_type() != RTE_PROC_PRIMARY)
		return avp_mp_secondary_init(eth_dev);
	ret = avp_pci_parse(pci_dev, &announce);
	if (ret != 0)
		return ret;
	/* BARs 0, 2, 4 and 5 and their sizes are checked by the common code. */
	for (i = 0; i < AVP_BAR_COUNT; i++) {
		bar[i].addr = pci_dev->mem_resource[i].addr;
		bar[i].len = pci_dev->mem_resource[i].len;
	}
	/* Before the migration thread starts: it announces after attach. */
	AVP_DEV(eth_dev)->announce = announce;
	ret = avp_ethdev_init(eth_dev, bar, pci_dev->intr_handle);
	if (ret != 0)
		return ret;
	ret = rte_dev_event_callback_register(pci_dev->device.name,
			avp_pci_dev_event, NULL);
	if (ret == 0 || ret == -EEXIST)
		AVP_DEV(eth_dev)->transport_release = avp_pci_release;
	else
		PMD_INIT_LOG(WARNING, "%s: no removal notices from EAL (%d)",
			pci_dev->name, ret);
	return 0;
}

static int
avp_pci_probe(struct rte_pci_driver *pci_drv __rte_unused,
	      struct rte_pci_device *pci_dev)
{
	return rte_eth_dev_pci_generic_probe(pci_dev, sizeof(struct avp_dev),
			avp_pci_dev_init);
}

static int
avp_pci_remove(struct rte_pci_device *pci_dev)
{
	return rte_eth_dev_pci_generic_remove(pci_dev, avp_ethdev_uninit);
}

static struct rte_pci_driver avp_pci_driver = {
	.id_table = avp_pci_id_map,
	.drv_flags = RTE_PCI_DRV_NEED_MAPPING | RTE_PCI_DRV_INTR_RMV,
	.probe = avp_pci_probe,
	.remove = avp_pci_remove,
};

RTE_PMD_REGISTER_PCI(net_avp, avp_pci_driver);
RTE_PMD_REGISTER_PCI_TABLE(net_avp, avp_pci_id_map);
RTE_PMD_REGISTER_PARAM_STRING(net_avp, AVP_DEVARG_ANNOUNCE "=0|1");
RTE_PMD_REGISTER_KMOD_DEP(net_avp, "* igb_uio | uio_pci_generic | vfio-pci");
