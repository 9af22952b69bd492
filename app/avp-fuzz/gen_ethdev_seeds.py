#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The AVP PMD authors
#
# Writes the seed corpus of the ethdev fuzz target (fuzz_ethdev.c), one
# file per scenario, into the directory given (default: corpus/ethdev
# next to this script). The format is the target's: a header, the burst
# steps, then 8-byte operations.

import os
import struct
import sys

(CONFIGURE, RXQ_SETUP, TXQ_SETUP, START, STOP, QUEUE_STATE, PROMISC,
 ALLMULTI, MC_LIST, MTU, VLAN, STATS, XSTATS, LINK, INFO, REPROBE,
 H_MIGRATE, H_UNPLUG, H_FLAP, H_INJECT, H_FAULT, H_IRQ, H_WAIT) = range(23)

# configure flags (a[3])
SCATTER, STRIP, MSEGS, INSERT, LSC, RSS = 1, 2, 4, 8, 16, 32


def hdr(rxmax=8, txmax=8, rxmin=1, geom=0, slots=2, nsteps=None, seed=7,
        steps=None):
    steps = steps or [(0, 7, 100), (1, 31, 0)]
    n = len(steps)
    out = struct.pack('<BBBBBBH', rxmax - 1, txmax - 1, rxmin - 1, geom,
                      slots, n - 1, seed)
    for what, count, length in steps:
        out += struct.pack('<BBH', what, count, length)
    return out


def op(code, *args):
    b = bytes([code] + list(args))
    return b + bytes(8 - len(b))


def conf(nrx, ntx, flags=0, mtu=None, extra=0, desc=0):
    lo, hi = (0, 0) if mtu is None else (mtu & 0xff, mtu >> 8)
    return op(CONFIGURE, nrx, ntx, flags, lo, hi,
              extra | (8 if mtu is None else 0), desc)


def tx(q, count, length, vlan=False):
    return ((q << 1), count - 1, length - 60 | (0x8000 if vlan else 0))


def rx(q, count=32):
    return ((q << 1) | 1, count - 1, 0)


WAIT = op(H_WAIT, 10)
UP = [conf(1, 1), op(START), WAIT]

seeds = {
    'basic': hdr() + b''.join(UP + [op(STATS, 1), op(XSTATS, 1, 0x80),
                                    op(STOP)]),
    'multiq-migrate': hdr(steps=[tx(q, 8, 200 + q) for q in range(4)] +
                          [rx(q) for q in range(4)]) +
    b''.join([conf(4, 4, RSS), op(START), WAIT, op(H_MIGRATE), WAIT,
              op(H_MIGRATE, 1), WAIT, op(XSTATS, 0x80)]),
    'jumbo': hdr(steps=[tx(0, 4, 9000), tx(0, 4, 3000), rx(0)]) +
    b''.join([conf(1, 1, SCATTER | MSEGS, 9000), op(START), WAIT,
              op(H_INJECT, 8, 0x28, 0x23, 0, 0, 2 | (4 << 2)), WAIT]),
    'jumbo-implicit-scatter': hdr(steps=[tx(0, 2, 8000), rx(0)]) +
    b''.join([conf(1, 1, 0, 9000), op(START), WAIT, op(H_INJECT, 4,
              0x40, 0x1f), WAIT]),
    'unplug': hdr() + b''.join(UP + [op(H_UNPLUG, 0), WAIT] + UP),
    'unplug-racing-configure': hdr() + b''.join(
        UP + [op(H_UNPLUG, 0), conf(2, 2), op(START), op(MTU, 0xdc, 0x05),
              WAIT]),
    'flap': hdr() + b''.join([conf(2, 2, LSC), op(START), WAIT,
                              op(H_FLAP), WAIT, op(H_FLAP), op(LINK, 0),
                              op(LINK, 1), WAIT]),
    'vlan': hdr(steps=[tx(0, 8, 100, True), rx(0)]) +
    b''.join([conf(1, 1, STRIP | INSERT), op(START), WAIT, op(VLAN, 0),
              WAIT, op(VLAN, 1), op(H_INJECT, 4, 10, 0, 0, 0, 1, 5),
              WAIT]),
    'vlan-no-host-offload': hdr(geom=0x04) + b''.join(
        [conf(1, 1, STRIP | INSERT), conf(1, 1, STRIP, extra=1),
         op(START), op(VLAN, 1), WAIT]),
    'filters': hdr() + b''.join(UP + [
        op(PROMISC, 0), op(ALLMULTI, 0), op(MC_LIST, 3, 0, 1, 2),
        op(H_INJECT, 8, 0, 0, 1), op(H_INJECT, 8, 0, 0, 2),
        op(H_INJECT, 8, 0, 0, 3), WAIT, op(MC_LIST, 65),
        op(MC_LIST, 4, 1), op(MC_LIST, 0, 2), op(PROMISC, 1),
        op(H_INJECT, 8, 0, 0, 3), op(ALLMULTI, 1), WAIT]),
    'mtu-started': hdr(steps=[tx(0, 16, 1400), rx(0)]) + b''.join(
        UP + [op(MTU, 0x40, 0x06), op(MTU, 0x00, 0x02), WAIT,
              op(MTU, 0x28, 0x23), op(MTU, 10), op(STOP),
              op(MTU, 0x28, 0x23), op(START), WAIT]),
    'queue-state': hdr(steps=[tx(0, 8, 64), tx(1, 8, 64), rx(0), rx(1)]) +
    b''.join([conf(2, 2), op(START), WAIT, op(QUEUE_STATE, 0, 1),
              op(QUEUE_STATE, 1, 0), WAIT, op(QUEUE_STATE, 0, 3),
              op(QUEUE_STATE, 1, 2), op(H_MIGRATE), WAIT,
              op(QUEUE_STATE, 7, 3)]),
    'deferred-queues': hdr() + b''.join(
        [conf(2, 2, extra=2), op(RXQ_SETUP, 0, 1), op(RXQ_SETUP, 1, 0),
         op(TXQ_SETUP, 0, 0), op(START), op(TXQ_SETUP, 1, 1), op(START),
         WAIT, op(QUEUE_STATE, 0, 3), op(QUEUE_STATE, 0, 2), WAIT]),
    'link': hdr() + b''.join(UP + [op(LINK, 0), WAIT, op(LINK, 1), WAIT,
                                   op(STOP), op(LINK, 1), op(INFO, 0, 63)]),
    'reprobe': hdr() + b''.join(UP + [op(REPROBE), op(INFO, 10)] + UP +
                                [op(REPROBE, 1)] + UP),
    'geometry-fewer-queues': hdr(steps=[tx(3, 8, 300), rx(3)]) + b''.join(
        [conf(4, 4), op(START), WAIT,
         op(H_MIGRATE, 0, 0x81, 0, 0x81), WAIT, op(INFO, 3),
         op(H_MIGRATE, 0, 0x87, 0, 0x87), WAIT]),
    'geometry-buffers': hdr() + b''.join(
        UP + [op(H_MIGRATE, 0, 0, 0, 0, 0xc1), WAIT, op(START),
              op(STOP), op(H_MIGRATE, 0, 0, 0, 0, 0xc2), WAIT,
              op(START)]),
    'geometry-mac-vlan': hdr() + b''.join(
        [conf(1, 1, STRIP | INSERT), op(START), WAIT,
         op(H_MIGRATE, 0x38), WAIT, op(H_MIGRATE, 0x06), WAIT,
         op(H_FLAP), WAIT]),
    'geometry-max-frame-REGRESSION': hdr(steps=[tx(0, 4, 5000), rx(0)]) + b''.join(
        [conf(1, 1, SCATTER | MSEGS, 8000), op(START), WAIT,
         op(H_MIGRATE, 1, 0, 0, 0, 0, 0x80, 2), WAIT, op(MTU, 0x40, 0x1f),
         WAIT]),
    'small-pool': hdr(steps=[tx(0, 8, 1000), tx(1, 8, 200), rx(0), rx(1)],
                      geom=0x08) +
    b''.join([conf(2, 2, SCATTER, extra=4), op(START), WAIT,
              op(H_INJECT, 15, 0x84, 3, 0, 0x80, 2 | (3 << 2)), WAIT]),
    'random-split': hdr(geom=0x08, seed=1234, steps=[tx(0, 16, 2500),
                                                     rx(0)]) +
    b''.join([conf(1, 1, SCATTER | MSEGS, 3000), op(START), WAIT, WAIT]),
    'small-buffers': hdr(geom=0x03, steps=[tx(0, 8, 1400), rx(0)]) +
    b''.join([conf(1, 1, MSEGS), op(START), WAIT, op(MTU, 0x00, 0x08),
              op(STOP), op(MTU, 0x00, 0x08), op(START), WAIT]),
    'slow-migration-race': hdr(steps=[tx(0, 32, 60), rx(0)]) + b''.join(
        [conf(1, 1), op(START), op(H_MIGRATE), conf(1, 1), op(START),
         op(H_FLAP), op(STOP), op(MTU, 0xdc, 0x05), op(START),
         op(H_MIGRATE, 1), op(MC_LIST, 2), op(VLAN, 1), WAIT]),
    'stats-race': hdr(steps=[tx(0, 32, 60), rx(0)]) + b''.join(
        UP + [op(STATS, 1), op(XSTATS, 1, 0x80), op(STATS, 0),
              op(XSTATS, 10), op(H_MIGRATE), op(XSTATS, 1, 0x80),
              WAIT, op(STATS, 1)]),
    'irq': hdr() + b''.join(UP + [op(H_IRQ, 0xfd, 0xff), WAIT,
                                  op(H_IRQ, 1), WAIT]),
    'bad-config': hdr(rxmax=2, txmax=2) + b''.join(
        [conf(3, 1), conf(1, 3), conf(0, 0), conf(1, 1, mtu=9300),
         conf(1, 1, 0xc0), op(START), conf(1, 1, extra=1, desc=255),
         op(START), conf(2, 2), op(RXQ_SETUP, 5), WAIT]),
}

for f in range(10):
    seeds['image-fault-%d' % f] = hdr() + b''.join(
        UP + [op(REPROBE, 1, f, 2)] + UP)
for f in range(10):
    seeds['desc-fault-%d' % f] = hdr(steps=[tx(0, 4, 600), rx(0)]) + \
        b''.join([conf(1, 1, SCATTER | MSEGS), op(START), WAIT,
                  op(H_FAULT, f, 1), op(H_INJECT, 4, 0x80, 4, 0, 0,
                                              2 | (2 << 2)), WAIT])
seeds['ctrl-status'] = hdr() + b''.join(
    [op(H_FAULT, 10, 2, 21), conf(1, 1), conf(1, 1), op(START),
     op(H_FAULT, 10, 0, 94), op(H_MIGRATE), WAIT, op(H_FLAP), WAIT])
seeds['ctrl-bad-token'] = hdr() + b''.join(
    [op(H_FAULT, 11, 0), conf(1, 1), op(START), WAIT])
seeds['ctrl-late'] = hdr() + b''.join(
    [op(H_FAULT, 12, 3, 0, 30), conf(1, 1), op(START), op(STOP), WAIT])
seeds['ctrl-timeout'] = hdr() + b''.join(
    [op(H_FAULT, 13, 0), conf(1, 1), conf(1, 1), op(START), WAIT])

out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
    os.path.dirname(os.path.abspath(__file__)), 'corpus', 'ethdev')
os.makedirs(out, exist_ok=True)
# Inputs that found a bug live in crashes/ethdev instead (see there).
n = 0
for name, data in sorted(seeds.items()):
    if name.endswith('-REGRESSION'):
        continue
    with open(os.path.join(out, 'seed-' + name), 'wb') as f:
        f.write(data)
    n += 1
print('%d seeds in %s' % (n, out))
