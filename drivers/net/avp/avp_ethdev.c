/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The AVP PMD authors
 */

#include <errno.h>

#include <bus_pci_driver.h>
#include <ethdev_driver.h>
#include <ethdev_pci.h>
#include <rte_log.h>

#include "avp_abi.h"

RTE_LOG_REGISTER_SUFFIX(avp_logtype_init, init, NOTICE);

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

static int
avp_pci_probe(struct rte_pci_driver *pci_drv __rte_unused,
	      struct rte_pci_device *pci_dev __rte_unused)
{
	return -ENOTSUP;
}

static int
avp_pci_remove(struct rte_pci_device *pci_dev __rte_unused)
{
	return 0;
}

static struct rte_pci_driver avp_pci_driver = {
	.id_table = avp_pci_id_map,
	.drv_flags = RTE_PCI_DRV_NEED_MAPPING | RTE_PCI_DRV_INTR_RMV,
	.probe = avp_pci_probe,
	.remove = avp_pci_remove,
};

RTE_PMD_REGISTER_PCI(net_avp, avp_pci_driver);
RTE_PMD_REGISTER_PCI_TABLE(net_avp, avp_pci_id_map);
RTE_PMD_REGISTER_KMOD_DEP(net_avp, "* igb_uio | uio_pci_generic | vfio-pci");
