/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The AVP PMD authors
 */

/*
 * How an emulator-attached AVP port finds its BARs: the handshake on the
 * emulator's UNIX socket (SOCK_SEQPACKET). This is this project's own
 * protocol, not part of the Wind River platform ABI; the platform ABI is
 * in avp_abi.h.
 *
 *   guest -> host  HELLO   (no descriptors)
 *   host -> guest  DEVICE  + SCM_RIGHTS { memfd, eventfd }
 *                  or REJECT with a negative errno in status
 *   host -> guest  UNPLUG  the host asks the guest to release the port
 *
 * DEVICE gives, for each BAR, its offset and size inside the memfd (size 0
 * means the BAR is absent; BAR 1, MSI-X, always is). The eventfd is the
 * interrupt line: the host writes it when it latches a cause in
 * irq_status. The guest closing the socket means it has let go of the
 * port; the host closing it means the port is gone (surprise removal).
 *
 * Each side refuses anything else: a message of another length, another
 * magic or version, descriptors with HELLO or REJECT, DEVICE without
 * exactly its two descriptors, or BARs that are not page aligned, leave
 * the memfd_size bytes the guest maps, or overlap.
 *
 * Freestanding C, like avp_abi.h.
 */

#ifndef AVP_ATTACH_PROTO_H
#define AVP_ATTACH_PROTO_H

#include <stddef.h>
#include <stdint.h>

#include "avp_abi.h"

#define AVP_ATTACH_MAGIC	0x41565041	/* "AVPA" */
#define AVP_ATTACH_VERSION	1

#define AVP_ATTACH_MSG_HELLO	1
#define AVP_ATTACH_MSG_DEVICE	2
#define AVP_ATTACH_MSG_REJECT	3
#define AVP_ATTACH_MSG_UNPLUG	4

/* BAR offsets inside the memfd are multiples of this. */
#define AVP_ATTACH_BAR_ALIGN	4096

/* Descriptors passed with DEVICE, in this order. */
#define AVP_ATTACH_FD_MEMFD	0
#define AVP_ATTACH_FD_IRQ	1
#define AVP_ATTACH_FD_COUNT	2

struct avp_attach_bar {
	uint64_t offset;	/* inside the memfd, page aligned */
	uint64_t size;		/* 0: BAR absent */
};

struct avp_attach_msg {
	uint32_t magic;
	uint16_t version;
	uint16_t type;
	int32_t status;		/* REJECT: negative errno */
	uint32_t _pad;
	uint64_t memfd_size;
	struct avp_attach_bar bars[AVP_BAR_COUNT];
	char name[AVP_IFNAME_LEN];	/* HELLO: guest's port name */
};

_Static_assert(sizeof(struct avp_attach_msg) == 152, "avp_attach_msg size");

/*
 * Driver side (avp_vdev.c): checks the host's answer to HELLO, len bytes
 * received with nfds descriptors, the first of which holds memfd_len
 * bytes. 0 for a well-formed DEVICE or REJECT, else -EINVAL with one log
 * line naming the port (name).
 */
int avp_attach_msg_check(const char *name, const void *buf, size_t len,
		unsigned int nfds, uint64_t memfd_len);

#endif /* AVP_ATTACH_PROTO_H */
