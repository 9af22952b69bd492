/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The AVP PMD authors
 */

/* Utilities of the emulator: logging, time, randomness, the count of a
 * guest's ABI violations and the wait on a port's condition.
 */

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include <errno.h>
#include <stdarg.h>
#include <time.h>
#include <unistd.h>

#include "avp_emu_port.h"
#include "avp_emu_util.h"

uint64_t
emu_now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

uint64_t
emu_random64(void)
{
	static uint64_t state;
	uint64_t z;

	z = __atomic_add_fetch(&state, 0x9e3779b97f4a7c15ULL,
		__ATOMIC_RELAXED);
	z ^= emu_now_us() * 0xbf58476d1ce4e5b9ULL ^ (uint64_t)getpid();
	z = emu_mix64(z);
	return z != 0 ? z : 1;
}

void
emu_log(struct avp_emu_port *port, int level, const char *fmt, ...)
{
	struct avp_emu *emu = port->emu;
	va_list ap;

	if (emu == NULL || level > emu->log_level || emu->log == NULL)
		return;
	pthread_mutex_lock(&emu->log_lock);
	fprintf(emu->log, "avp-emu %s: ", port->params.name);
	va_start(ap, fmt);
	vfprintf(emu->log, fmt, ap);
	va_end(ap);
	fputc('\n', emu->log);
	fflush(emu->log);
	pthread_mutex_unlock(&emu->log_lock);
}

static const char * const violation_names[AVP_EMU_V_COUNT] = {
	[AVP_EMU_V_BAD_HANDLE] = "bad_handle",
	[AVP_EMU_V_NOT_OWNED] = "not_owned",
	[AVP_EMU_V_SEG_COUNT] = "seg_count",
	[AVP_EMU_V_CHAIN_LONG] = "chain_long",
	[AVP_EMU_V_SEG_LEN] = "seg_len",
	[AVP_EMU_V_FRAME_LEN] = "frame_len",
	[AVP_EMU_V_FRAME_SIZE] = "frame_size",
	[AVP_EMU_V_DATA_VA] = "data_va",
	[AVP_EMU_V_FLAGS] = "flags",
	[AVP_EMU_V_RING_INDEX] = "ring_index",
	[AVP_EMU_V_CTRL_TOKEN] = "ctrl_token",
	[AVP_EMU_V_CTRL_REQUEST] = "ctrl_request",
	[AVP_EMU_V_FREE_RING] = "free_ring",
	[AVP_EMU_V_AFTER_CLOSE] = "after_close",
	[AVP_EMU_V_OVER_MTU] = "over_mtu",
};

const char *
avp_emu_violation_name(enum avp_emu_violation v)
{
	if ((unsigned int)v >= AVP_EMU_V_COUNT)
		return "unknown";
	return violation_names[v];
}

void
emu_violation(struct avp_emu_port *port, enum avp_emu_violation v)
{
	port->st.violations[v]++;
	emu_log(port, 1, "guest violation: %s", avp_emu_violation_name(v));
}

/* Waits (port->lock held) for pred, re-checking at least every ms. */
int
emu_wait(struct avp_emu_port *port,
		int (*pred)(struct avp_emu_port *, const void *),
		const void *arg, unsigned int timeout_ms)
{
	uint64_t deadline = emu_now_us() + (uint64_t)timeout_ms * 1000;
	struct timespec ts;

	for (;;) {
		if (pred(port, arg))
			return 0;
		if (emu_now_us() >= deadline)
			return -ETIMEDOUT;
		clock_gettime(CLOCK_MONOTONIC, &ts);
		ts.tv_nsec += 1000000;
		if (ts.tv_nsec >= 1000000000) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000;
		}
		pthread_cond_timedwait(&port->cond, &port->lock, &ts);
	}
}
