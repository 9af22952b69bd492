/* SPDX-License-Identifier: BSD-3-Clause */
#include "avp_emu.h"
