/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The AVP PMD authors
 */

/* The emulator's bottom layer: utilities every other file may use. */

#ifndef AVP_EMU_UTIL_H
#define AVP_EMU_UTIL_H

#include <inttypes.h>
#include <stdint.h>

#include "avp_emu.h"
#include "avp_emu_compiler.h"

/* The splitmix64 finaliser: a well-mixed 64-bit value from a counter. */
static inline uint64_t
emu_mix64(uint64_t z)
{
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

void emu_log(struct avp_emu_port *port, int level, const char *fmt, ...)
	__emu_format_printf(3, 4);
uint64_t emu_now_us(void);
uint64_t emu_random64(void);
void emu_violation(struct avp_emu_port *port, enum avp_emu_violation v);
int emu_wait(struct avp_emu_port *port,
		int (*pred)(struct avp_emu_port *, const void *),
		const void *arg, unsigned int timeout_ms);

void emu_frame_build_burst(uint8_t *const *bufs, unsigned int n,
		uint32_t len, uint64_t seq, const uint8_t dst[AVP_MAC_LEN],
		const uint8_t src[AVP_MAC_LEN]);

#endif /* AVP_EMU_UTIL_H */
