/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The AVP PMD authors
 */

/*
 * Compiler attributes for the emulator and its programs, which build
 * without DPDK's headers: the names follow rte_common.h's with an emu
 * prefix, so that code that also includes DPDK sees no clash.
 */

#ifndef AVP_EMU_COMPILER_H
#define AVP_EMU_COMPILER_H

#define __emu_format_printf(fmt_pos, args_pos) \
	__attribute__((format(printf, fmt_pos, args_pos)))
#define __emu_noreturn		__attribute__((noreturn))
#define __emu_noinline		__attribute__((noinline))
#define __emu_constructor	__attribute__((constructor))
#define __emu_aligned(a)	__attribute__((aligned(a)))

#endif /* AVP_EMU_COMPILER_H */
