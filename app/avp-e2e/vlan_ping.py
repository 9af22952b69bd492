#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The AVP PMD authors
"""VLAN-tagged ICMP echo over a raw packet socket.

For kernels without 802.1Q interfaces (no `ip link add ... type vlan`):
sends COUNT echo requests tagged with VLAN ID on IFNAME to DST_MAC and
checks every reply: ICMP echo reply with the same id, sequence and
payload, valid IPv4 and ICMP checksums, and the same VLAN ID (inline, or
in the packet auxdata when the kernel moved the tag out of the frame).
Prints one JSON line: {"sent", "good", "bad", "rtt_ms": [min, avg, max],
"errors": [...]}.

  vlan_ping.py IFNAME DST_MAC SRC_IP DST_IP VLAN COUNT
"""

import json
import os
import select
import socket
import struct
import sys
import time

ETH_P_ALL = 0x0003
SOL_PACKET = 263
PACKET_AUXDATA = 8
TP_STATUS_VLAN_VALID = 0x10
PACKET_OUTGOING = 4


def csum(data):
    if len(data) % 2:
        data += b'\0'
    s = sum(struct.unpack('!%dH' % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff


def request(src_mac, dst_mac, src_ip, dst_ip, vlan, ident, seq, payload):
    icmp = struct.pack('!BBHHH', 8, 0, 0, ident, seq) + payload
    icmp = icmp[:2] + struct.pack('!H', csum(icmp)) + icmp[4:]
    ip = struct.pack('!BBHHHBBH4s4s', 0x45, 0, 20 + len(icmp), seq, 0x4000,
                     64, 1, 0, socket.inet_aton(src_ip),
                     socket.inet_aton(dst_ip))
    ip = ip[:10] + struct.pack('!H', csum(ip)) + ip[12:]
    return dst_mac + src_mac + struct.pack('!HHH', 0x8100, vlan, 0x0800) + \
        ip + icmp


def parse_reply(frame, aux, ident):
    """Returns (seq, vlan, payload) of an ICMP echo reply, or a string
    saying what is wrong, or None for frames that are not ours.
    """
    vlan = None
    etype = struct.unpack('!H', frame[12:14])[0]
    off = 14
    if etype == 0x8100:
        vlan = struct.unpack('!H', frame[14:16])[0] & 0x0fff
        etype = struct.unpack('!H', frame[16:18])[0]
        off = 18
    elif aux is not None and aux[0] & TP_STATUS_VLAN_VALID:
        vlan = aux[5] & 0x0fff          # tp_vlan_tci
    if etype != 0x0800:
        return None
    ip = frame[off:off + 20]
    if len(ip) < 20 or ip[9] != 1:
        return None
    ihl = (ip[0] & 0x0f) * 4
    tot = struct.unpack('!H', ip[2:4])[0]
    icmp = frame[off + ihl:off + tot]
    if len(icmp) < 8 or icmp[0] != 0:
        return None
    rid, seq = struct.unpack('!HH', icmp[4:8])
    if rid != ident:
        return None
    if csum(frame[off:off + ihl]) != 0:
        return 'seq %d: bad IPv4 header checksum' % seq
    if csum(icmp) != 0:
        return 'seq %d: bad ICMP checksum' % seq
    return seq, vlan, icmp[8:]


def main():
    ifname, dst, src_ip, dst_ip, vlan, count = sys.argv[1:7]
    vlan, count = int(vlan), int(count)
    dst_mac = bytes.fromhex(dst.replace(':', ''))
    with open('/sys/class/net/%s/address' % ifname) as f:
        src_mac = bytes.fromhex(f.read().strip().replace(':', ''))
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW,
                      socket.htons(ETH_P_ALL))
    s.bind((ifname, 0))
    s.setsockopt(SOL_PACKET, PACKET_AUXDATA, 1)
    ident = os.getpid() & 0xffff
    res = {'sent': 0, 'good': 0, 'bad': 0, 'errors': []}
    rtts = []
    for seq in range(1, count + 1):
        payload = bytes((seq + i) & 0xff for i in range(56))
        s.send(request(src_mac, dst_mac, src_ip, dst_ip, vlan, ident, seq,
                       payload))
        t0 = time.monotonic()
        res['sent'] += 1
        while True:
            left = t0 + 2.0 - time.monotonic()
            if left <= 0 or not select.select([s], [], [], left)[0]:
                res['bad'] += 1
                res['errors'].append('seq %d: no reply within 2 s' % seq)
                break
            data, anc, _flags, addr = s.recvmsg(65536,
                                                socket.CMSG_SPACE(20))
            if addr[2] == PACKET_OUTGOING:
                continue
            aux = None
            for level, typ, cdata in anc:
                if level == SOL_PACKET and typ == PACKET_AUXDATA:
                    aux = struct.unpack('IIIHHHH', cdata[:20])
            r = parse_reply(data, aux, ident)
            if r is None:
                continue
            if isinstance(r, str):
                res['bad'] += 1
                res['errors'].append(r)
                break
            rseq, rvlan, rpay = r
            if rseq != seq:
                continue
            if rvlan != vlan:
                res['bad'] += 1
                res['errors'].append('seq %d: reply VLAN %s, want %d' %
                                     (seq, rvlan, vlan))
            elif rpay != payload:
                res['bad'] += 1
                res['errors'].append('seq %d: payload differs' % seq)
            else:
                res['good'] += 1
                rtts.append((time.monotonic() - t0) * 1000)
            break
    if rtts:
        res['rtt_ms'] = [min(rtts), sum(rtts) / len(rtts), max(rtts)]
    res['errors'] = res['errors'][:10]
    print(json.dumps(res))
    return 0 if res['good'] == count else 1


if __name__ == '__main__':
    sys.exit(main())
