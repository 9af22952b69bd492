/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The AVP PMD authors
 */

#ifndef AVP_LOGS_H
#define AVP_LOGS_H

#include <rte_log.h>

#include "avp_compat.h"

extern int avp_logtype_init;
extern int avp_logtype_driver;
extern int avp_logtype_rx;
extern int avp_logtype_tx;
#define RTE_LOGTYPE_AVP_INIT avp_logtype_init
#define RTE_LOGTYPE_AVP_DRIVER avp_logtype_driver
#define RTE_LOGTYPE_AVP_RX avp_logtype_rx
#define RTE_LOGTYPE_AVP_TX avp_logtype_tx

#define AVP_LOG_TYPE(type, level, fmt, ...) \
	RTE_LOG_LINE(level, type, "%s(): " fmt, __func__, ##__VA_ARGS__)

/* Probe, attach and validation. */
#define PMD_INIT_LOG(level, fmt, ...) \
	AVP_LOG_TYPE(AVP_INIT, level, fmt, ##__VA_ARGS__)

/* ethdev operations, control channel, interrupts. */
#define PMD_DRV_LOG(level, fmt, ...) \
	AVP_LOG_TYPE(AVP_DRIVER, level, fmt, ##__VA_ARGS__)

/* Datapath logs exist only in debug builds. */
#ifdef RTE_ETHDEV_DEBUG_RX
#define PMD_RX_LOG(level, fmt, ...) \
	AVP_LOG_TYPE(AVP_RX, level, fmt, ##__VA_ARGS__)
#else
#define PMD_RX_LOG(level, fmt, ...) do { } while (0)
#endif

#ifdef RTE_ETHDEV_DEBUG_TX
#define PMD_TX_LOG(level, fmt, ...) \
	AVP_LOG_TYPE(AVP_TX, level, fmt, ##__VA_ARGS__)
#else
#define PMD_TX_LOG(level, fmt, ...) do { } while (0)
#endif

#endif /* AVP_LOGS_H */
