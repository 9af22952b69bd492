/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The AVP PMD authors
 */

/* GEN mode's generator, run by the service pass. */

#ifndef AVP_EMU_GEN_H
#define AVP_EMU_GEN_H

#include "avp_emu_dev.h"

int emu_gen_wanted(const struct avp_emu_port *port);
int emu_generate(struct avp_emu_port *port);

#endif /* AVP_EMU_GEN_H */
