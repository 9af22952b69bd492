/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The AVP PMD authors
 */

/* The per-port service pass, run by the service thread. */

#ifndef AVP_EMU_SCHED_H
#define AVP_EMU_SCHED_H

#include "avp_emu_port.h"

int emu_port_service(struct avp_emu_port *port);

#endif /* AVP_EMU_SCHED_H */
