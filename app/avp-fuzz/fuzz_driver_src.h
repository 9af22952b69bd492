/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The AVP PMD authors
 */

/*
 * Test-only: compiles the driver's avp_dev.c and avp_rxtx.c into a fuzz
 * target so that it can call their static helpers (translation, chain
 * validation) directly. Their external symbols are renamed so they do
 * not clash with the net_avp library that is linked in as well.
 */

#ifndef AVP_FUZZ_DRIVER_SRC_H
#define AVP_FUZZ_DRIVER_SRC_H

#define avp_dev_check_bars	fz_avp_dev_check_bars
#define avp_dev_attach		fz_avp_dev_attach
#define avp_dev_queue_map	fz_avp_dev_queue_map
#define avp_dev_ring_capacity	fz_avp_dev_ring_capacity
#define avp_rx_burst_simple	fz_avp_rx_burst_simple
#define avp_rx_burst_scattered	fz_avp_rx_burst_scattered
#define avp_tx_burst_simple	fz_avp_tx_burst_simple
#define avp_tx_burst_scattered	fz_avp_tx_burst_scattered
#define avp_rx_burst_mode_get	fz_avp_rx_burst_mode_get
#define avp_tx_burst_mode_get	fz_avp_tx_burst_mode_get
#define avp_rx_queue_discard	fz_avp_rx_queue_discard

#include "avp_dev.c"
#include "avp_rxtx.c"

#endif /* AVP_FUZZ_DRIVER_SRC_H */
