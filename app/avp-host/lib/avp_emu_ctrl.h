/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The AVP PMD authors
 */

/* The control channel, registers and interrupts. */

#ifndef AVP_EMU_CTRL_H
#define AVP_EMU_CTRL_H

#include "avp_emu_dev.h"

int emu_ctrl_service(struct avp_emu_port *port, uint32_t req_prod);
void emu_regs_poll(struct avp_emu_port *port);
void emu_irq_raise(struct avp_emu_port *port, uint32_t cause);
void emu_irq_clear(struct avp_emu_port *port, uint32_t cause);

#endif /* AVP_EMU_CTRL_H */
