#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The AVP PMD authors
"""Operators' tools and secondary processes on AVP ports.

dpdk-testpmd runs as the primary process, forwarding (io mode) between
two avp-hostd ports: avp0 generates numbered, checksummed frames, avp1
verifies every one. Against it, as secondary processes:

  tools     dpdk-proc-info --stats and --xstats agree with testpmd's
            counters; dpdk-dumpcap captures exactly N frames to pcapng,
            tcpdump reads them, and each one's bytes equal the frame the
            host generated for that sequence number
  pdump     the same capture with dpdk-pdump (pcap)
  secondary a second testpmd (--proc-type=secondary, --num-procs=2)
            forwards on queues of its own while the primary forwards on
            the others; a migration quiesces both; the secondary is killed
            (SIGKILL) and the primary stops, restarts and forwards again

Multi-process DPDK needs hugepages: the test reserves 2 MB pages through
/proc/sys/vm/nr_hugepages, mounts hugetlbfs if none is mounted, and gives
both back. Without root it is skipped (77) with the reason.

  test_multiprocess.py --testpmd PATH --hostd PATH --apps DIR [CASE...]
"""

import argparse
import os
import re
import signal
import struct
import subprocess
import sys
import time

sys.dont_write_bytecode = True     # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from avp_e2e import (Failure, Hostd, Skipped, Testpmd, check_violations,  # noqa
                     log, need_file, remove_runtime_dir, run_main, stop_process,
                     wait_for)

ARGS = None
PAGES = 512                 # 2 MB each: 1 GB for three processes
FRAMES = 300                # frames each capture must hold exactly
SIZE = 200
HUGE_SYSCTL = '/proc/sys/vm/nr_hugepages'


def hugepages(cln, workdir):
    """Reserves PAGES more 2 MB pages and finds (or mounts) hugetlbfs;
    returns the mount point. Both are given back by the cleanup."""
    if os.getuid() != 0:
        raise Skipped('needs root to reserve hugepages')
    with open(HUGE_SYSCTL) as f:
        before = int(f.read())
    with open(HUGE_SYSCTL, 'w') as f:
        f.write(str(before + PAGES))

    def give_back():
        with open(HUGE_SYSCTL, 'w') as f:
            f.write(str(before))
    cln.push('give back %d hugepages' % PAGES, give_back)
    with open('/sys/kernel/mm/hugepages/hugepages-2048kB/free_hugepages') \
            as f:
        free = int(f.read())
    if free < PAGES:
        raise Skipped('only %d free 2 MB hugepages after reserving %d'
                      % (free, PAGES))
    with open('/proc/mounts') as f:
        for line in f:
            fields = line.split()
            if fields[2] == 'hugetlbfs' and 'pagesize=1G' not in fields[3]:
                return fields[1]
    mnt = os.path.join(workdir, 'huge')
    os.mkdir(mnt)
    subprocess.run(['mount', '-t', 'hugetlbfs', '-o', 'pagesize=2M',
                    'nodev', mnt], check=True)
    cln.push('unmount ' + mnt, subprocess.run, ['umount', mnt])
    return mnt


def eal_memory(huge):
    return ('--huge-dir', huge, '-m', '256')


def frame(seq, length, dst, src):
    """The frame avp_emu_frame_build makes (app/avp-host/lib)."""
    def sum32(seq, length):
        m = (1 << 64) - 1
        s = ((seq * 0x9e3779b97f4a7c15) & m) ^ length
        s = ((s ^ (s >> 31)) * 0xbf58476d1ce4e5b9) & m
        return (s ^ (s >> 32)) & 0xffffffff
    head = dst + src + b'\x88\xb5' + struct.pack(
        '<IQII', 0x46505641, seq, length, sum32(seq, length))
    start = seq & 0xff
    return head + bytes((start + i) & 0xff for i in range(length - 34))


def read_pcapng(path):
    """The packets of an Enhanced Packet Block capture, in order."""
    data = open(path, 'rb').read()
    pkts, off = [], 0
    while off + 12 <= len(data):
        btype, blen = struct.unpack_from('<II', data, off)
        if blen < 12 or off + blen > len(data):
            raise Failure('%s: bad block at %d' % (path, off))
        if btype == 6:          # Enhanced Packet Block
            caplen = struct.unpack_from('<I', data, off + 20)[0]
            pkts.append(data[off + 28:off + 28 + caplen])
        off += blen
    return pkts


def read_pcap(path):
    """The packets of a classic pcap capture, in order."""
    data = open(path, 'rb').read()
    if len(data) < 24:
        raise Failure('%s: %d bytes, no pcap header' % (path, len(data)))
    pkts, off = [], 24
    while off + 16 <= len(data):
        caplen = struct.unpack_from('<I', data, off + 8)[0]
        pkts.append(data[off + 16:off + 16 + caplen])
        off += 16 + caplen
    return pkts


def check_capture(res, what, pkts, dst):
    """Exactly FRAMES frames, each the host's frame for seq 0, 1, ..."""
    res.equal('%s: frames captured' % what, len(pkts), FRAMES)
    bad = []
    for i, p in enumerate(pkts):
        want = frame(i, SIZE, dst, p[6:12]) if len(p) >= 34 else b''
        if p != want:
            bad.append(i)
    res.check('%s: every frame byte for byte the host\'s' % what, not bad,
              'frames %s differ' % bad[:10])


def tcpdump_count(res, what, path):
    p = subprocess.run(['tcpdump', '-nn', '-r', path], capture_output=True,
                       text=True, timeout=60)
    # one line per frame starts with its time stamp (hex dump follows)
    lines = re.findall(r'^\d\d:\d\d:\d\d\.\d+ ', p.stdout, re.M)
    res.check('%s: tcpdump -r reads %d frames' % (what, FRAMES),
              p.returncode == 0 and len(lines) == FRAMES,
              'exit %d, %d lines; %s' % (p.returncode, len(lines),
                                         p.stderr[-500:]))


AVP0_MAC = '02:41:56:50:00:a0'
AVP0_DST = bytes(int(x, 16) for x in AVP0_MAC.split(':'))


class Session:
    """avp-hostd avp0 (gen) and avp1 (sink), testpmd as primary."""

    def __init__(self, res, cln, wd, tag, huge, gen='mode=sink',
                 app_args=()):
        self.prefix = 'avpmp%d%s' % (os.getpid(), tag)
        socks = [os.path.join(wd, '%s%d.sock' % (tag, i)) for i in (0, 1)]
        self.hostd = Hostd(ARGS.hostd, [
            'avp0,socket=%s,mac=%s,%s' % (socks[0], AVP0_MAC, gen),
            'avp1,socket=%s,mode=sink' % socks[1]], cln,
            logfile=os.path.join(wd, tag + '-hostd.log'))
        cln.push('remove runtime dir', remove_runtime_dir, self.prefix)
        self.tp = Testpmd(ARGS.testpmd, self.prefix, [
            'net_avp_emu0,socket=' + socks[0],
            'net_avp_emu1,socket=' + socks[1]], cln,
            app_args=['--forward-mode=io', '--no-flush-rx'] +
            list(app_args),
            memory=eal_memory(huge),
            logfile=os.path.join(wd, tag + '-testpmd.log'))
        self.res = res
        self.huge = huge

    def secondary_eal(self):
        return ['--proc-type=secondary', '--file-prefix=' + self.prefix,
                '--huge-dir', self.huge, '--no-pci']


def app(name):
    exe = os.path.join(ARGS.apps, 'dpdk-' + name)
    need_file(exe, 'dpdk-' + name)
    return exe


def run_app(exe, args, timeout, what):
    p = subprocess.run([exe] + args, capture_output=True, text=True,
                       timeout=timeout)
    if p.returncode != 0:
        raise Failure('%s: exit %d\n%s' % (what, p.returncode,
                                          (p.stdout + p.stderr)[-2000:]))
    return p.stdout


def proc_info_stats(out):
    """Per-port basic statistics from dpdk-proc-info --stats."""
    ports, cur = {}, None
    for line in out.splitlines():
        m = re.search(r'NIC statistics for port (\d+)', line)
        if m:
            cur = ports.setdefault(int(m.group(1)), {})
            continue
        m = re.match(r'\s*(RX|TX)-packets:\s*(\d+)', line)
        if m and cur is not None:
            cur[m.group(1) + '-packets'] = int(m.group(2))
    return ports


def proc_info_xstats(out):
    """Per-port extended statistics from dpdk-proc-info --xstats."""
    ports, cur = {}, None
    for line in out.splitlines():
        m = re.search(r'NIC extended statistics for port (\d+)', line)
        if m:
            cur = ports.setdefault(int(m.group(1)), {})
            continue
        m = re.match(r'(\w+): (\d+)$', line.strip())
        if m and cur is not None:
            cur[m.group(1)] = int(m.group(2))
    return ports


def case_tools(res, cln, wd, huge):
    s = Session(res, cln, wd, 't', huge)
    dst = AVP0_DST
    pcapng = os.path.join(wd, 'dumpcap.pcapng')
    dlog = os.path.join(wd, 'dumpcap.log')
    # line-buffered: "Capturing on" comes once the capture is enabled
    dumpcap = subprocess.Popen(
        ['stdbuf', '-oL', app('dumpcap'), '--file-prefix=' + s.prefix,
         '-i', 'net_avp_emu0', '-c', str(FRAMES), '-w', pcapng],
        stdout=open(dlog, 'w'), stderr=subprocess.STDOUT)
    cln.push('stop dpdk-dumpcap', stop_process, dumpcap, 'dpdk-dumpcap')
    wait_for(lambda: dumpcap.poll() is not None or
             'Capturing on' in open(dlog).read(), 30,
             'dpdk-dumpcap to enable its capture')
    if dumpcap.poll() is not None:
        raise Failure('dpdk-dumpcap ended with %s' % dumpcap.poll())
    s.tp.cmd('start')
    s.hostd.command('gen avp0 %d %d' % (FRAMES, SIZE))
    wait_for(lambda: s.hostd.stats('avp1')['sink_frames'] >=
             FRAMES or None, 30, 'avp1 to verify %d frames' % FRAMES)
    try:
        rc = dumpcap.wait(30)
    except subprocess.TimeoutExpired:
        raise Failure('dpdk-dumpcap did not end after %d frames' % FRAMES)
    res.equal('dpdk-dumpcap -c %d exit status' % FRAMES, rc, 0)
    s.tp.cmd('stop')
    check_capture(res, 'dumpcap', read_pcapng(pcapng), dst)
    tcpdump_count(res, 'dumpcap', pcapng)

    # proc-info reads the same counters as testpmd.
    eal = s.secondary_eal()
    out = run_app(app('proc-info'), eal + ['--', '--stats'], 60,
                  'dpdk-proc-info --stats')
    log('dpdk-proc-info --stats:\n' + out)
    pi = proc_info_stats(out)
    for p in (0, 1):
        tp = s.tp.port_stats(p)
        log('testpmd port %d: %s' % (p, tp))
        for k in ('RX-packets', 'TX-packets'):
            res.equal('port %d %s: proc-info = testpmd' % (p, k),
                      pi.get(p, {}).get(k), tp[k])
    res.equal('port 0 received every frame', pi.get(0, {}).get('RX-packets'),
              FRAMES)
    out = run_app(app('proc-info'), eal + ['--', '--xstats'], 60,
                  'dpdk-proc-info --xstats')
    xs = proc_info_xstats(out).get(0, {})
    res.equal('proc-info xstats port 0 rx_good_packets',
              xs.get('rx_good_packets'), FRAMES)
    tpx = s.tp.xstats(0)[0]
    for k in ('rx_good_packets', 'rx_good_bytes', 'rx_filtered_packets'):
        res.equal('port 0 xstat %s: proc-info = testpmd' % k,
                  xs.get(k), tpx.get(k))
    # a control operation from a secondary is refused, the port goes on
    h = s.hostd.stats('avp1')
    res.equal('avp1 sink: all intact', h['sink_bad'], 0)
    check_violations(res, s.hostd, 'avp0', 'tools')
    check_violations(res, s.hostd, 'avp1', 'tools')


def case_pdump(res, cln, wd, huge):
    s = Session(res, cln, wd, 'p', huge)
    dst = AVP0_DST
    # forwarding runs before dpdk-pdump comes: testpmd starts no port
    # that pdump adds (its pcap vdev), and refuses to start otherwise
    s.tp.cmd('start')
    pcap = os.path.join(wd, 'pdump.pcap')
    plog = os.path.join(wd, 'pdump.log')
    # line-buffered: "capture for (1) tuples" comes once it is enabled
    pdump = subprocess.Popen(
        ['stdbuf', '-oL', app('pdump')] + s.secondary_eal() +
        ['--', '--pdump', 'port=0,queue=*,rx-dev=%s' % pcap],
        stdout=open(plog, 'w'), stderr=subprocess.STDOUT)
    cln.push('stop dpdk-pdump', stop_process, pdump, 'dpdk-pdump')
    try:
        wait_for(lambda: pdump.poll() is not None or
                 'capture for (1) tuples' in open(plog).read(), 30,
                 'dpdk-pdump to enable its capture')
    finally:
        log('dpdk-pdump output:\n' + open(plog).read())
    if pdump.poll() is not None:
        raise Failure('dpdk-pdump ended with %s' % pdump.poll())
    s.hostd.command('gen avp0 %d %d' % (FRAMES, SIZE))
    wait_for(lambda: s.hostd.stats('avp1')['sink_frames'] >= FRAMES, 30,
             'avp1 to verify %d frames' % FRAMES, 0.1)
    s.tp.cmd('stop')
    # pdump has dequeued every frame from its ring once its debug counter
    # says so; it writes the file out when it ends on SIGINT
    pdump.send_signal(signal.SIGINT)
    try:
        rc = pdump.wait(30)
    except subprocess.TimeoutExpired:
        raise Failure('dpdk-pdump did not end on SIGINT')
    res.equal('dpdk-pdump exit status', rc, 0)
    check_capture(res, 'pdump', read_pcap(pcap), dst)
    tcpdump_count(res, 'pdump', pcap)
    check_violations(res, s.hostd, 'avp1', 'pdump')


def fwd_packets(tp):
    out = tp.cmd('show fwd stats all')
    return sum(int(x) for x in re.findall(r'RX-packets:\s*(\d+)', out))


def case_secondary(res, cln, wd, huge):
    qargs = ['--rxq=2', '--txq=2', '--num-procs=2']
    s = Session(res, cln, wd, 's', huge, 'mode=gen,size=%d' % SIZE,
                app_args=qargs + ['--proc-id=0'])
    sec = Testpmd(ARGS.testpmd, s.prefix, [], cln,
                  app_args=['--forward-mode=io'] + qargs + ['--proc-id=1'],
                  eal_args=['--proc-type=secondary'], lcores='0,1',
                  memory=('--huge-dir', huge),
                  logfile=os.path.join(wd, 's-secondary.log'))
    s.tp.cmd('start')
    sec.cmd('start')
    base = s.hostd.stats('avp1')['sink_frames']
    wait_for(lambda: s.hostd.stats('avp1')['sink_frames'] >= base + 20000,
             60, 'avp1 to verify 20000 frames from both processes', 0.1)
    # a migration waits out both processes' bursts
    out = s.hostd.command('migrate avp0', timeout=60)[0]
    res.check('migration with two processes forwarding', 'ok' in out, out)
    base = s.hostd.stats('avp1')['sink_frames']
    wait_for(lambda: s.hostd.stats('avp1')['sink_frames'] >=
             base + 5000, 60,
             'forwarding to go on after the migration', 0.1)
    sec.cmd('stop')
    n2 = fwd_packets(sec)
    s.tp.cmd('stop')
    n1 = fwd_packets(s.tp)
    res.check('the secondary forwarded on its queues (%d)' % n2, n2 > 0, '')
    res.check('the primary forwarded on its queues (%d)' % n1, n1 > 0, '')
    # read-only operations work in the secondary, control ones are refused
    res.check('secondary: show port xstats 0',
              'rx_good_packets' in sec.cmd('show port xstats 0'), '')
    out = sec.cmd('set promisc 0 off')
    res.check('secondary: promiscuous off refused with one log line',
              'belong to the primary process' in out, out)
    res.check('primary: still promiscuous',
              re.search(r'Promiscuous mode: enabled', s.tp.port_info(0)),
              s.tp.port_info(0))
    # the secondary dies in the middle of forwarding
    sec.cmd('start')
    os.killpg(sec.proc.pid, signal.SIGKILL)
    sec.proc.wait(30)
    # its bursts are not waited for: a migration goes through
    out = s.hostd.command('migrate avp0', timeout=60)[0]
    res.check('migration after the secondary died', 'ok' in out, out)
    out = s.tp.cmd('port stop all', timeout=60)
    res.check('primary stops its ports after the secondary died',
              'Fail' not in out and 'rror' not in out, out)
    out = s.tp.cmd('port start all', timeout=60)
    res.check('and starts them again', 'Fail' not in out, out)
    base = s.hostd.stats('avp1')['sink_frames']
    s.tp.cmd('start')
    wait_for(lambda: s.hostd.stats('avp1')['sink_frames'] >=
             base + 5000, 60,
             'the primary to forward alone again', 0.1)
    s.tp.cmd('stop')
    h = s.hostd.stats('avp1')
    res.equal('avp1 sink: all intact', h['sink_bad'], 0)
    check_violations(res, s.hostd, 'avp0', 'secondary')
    check_violations(res, s.hostd, 'avp1', 'secondary')


CASES = [('tools', case_tools), ('pdump', case_pdump),
         ('secondary', case_secondary)]


def body(res, cln, wd):
    need_file(ARGS.testpmd, 'dpdk-testpmd')
    need_file(ARGS.hostd, 'avp-hostd')
    huge = hugepages(cln, wd)
    for name, fn in CASES:
        if ARGS.cases and name not in ARGS.cases:
            continue
        log('case %s' % name)
        sub = __import__('avp_e2e').Cleanup()
        try:
            fn(res, sub, wd, huge)
        except Failure as e:
            res.fail(name, str(e))
            for f in sorted(os.listdir(wd)):
                if f.endswith('.log'):
                    log('--- %s (end) ---\n%s' % (
                        f, open(os.path.join(wd, f)).read()[-1500:]))
        finally:
            sub.run()


def main():
    global ARGS
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--testpmd', required=True)
    ap.add_argument('--hostd', required=True)
    ap.add_argument('--apps', required=True,
                    help='the directory of dpdk-dumpcap, -pdump, -proc-info')
    ap.add_argument('cases', nargs='*')
    ARGS = ap.parse_args()
    run_main('multiprocess', body)


if __name__ == '__main__':
    main()
