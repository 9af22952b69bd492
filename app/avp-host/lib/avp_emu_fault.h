/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The AVP PMD authors
 */

/* Fault state, consulted by the control and data paths. */

#ifndef AVP_EMU_FAULT_H
#define AVP_EMU_FAULT_H

#include "avp_emu_dev.h"

/* Whether fault f is set (it may not apply to every event). */
static inline int
emu_fault_active(const struct avp_emu_port *port, enum avp_emu_fault f)
{
	return port->fault.kind[f].active;
}

int emu_fault_take(struct avp_emu_port *port, enum avp_emu_fault f,
		uint64_t *arg);
void emu_fault_refresh(struct avp_emu_port *port);
uint64_t emu_bogus_make(struct avp_emu_port *port);
int emu_bogus_is(const struct avp_emu_port *port, uint64_t h);

#endif /* AVP_EMU_FAULT_H */
