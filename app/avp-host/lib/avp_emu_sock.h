/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The AVP PMD authors
 */

/* Socket attach: the port's listening socket and its thread. */

#ifndef AVP_EMU_SOCK_H
#define AVP_EMU_SOCK_H

#include "avp_emu_port.h"

void emu_sock_close(struct avp_emu_port *port);

#endif /* AVP_EMU_SOCK_H */
