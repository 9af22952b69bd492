#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The AVP PMD authors
"""The main job (README command 1), called by devtools/avp-testpmd.sh.

avp-hostd serves two AVP ports that generate numbered, checksummed frames
towards the guest and verify every frame the guest sends back; dpdk-testpmd
forwards between the two ports (io mode) for a fixed time. Then: link
state, per-port statistics, and the forwarding rate in Mpps. Exit 0 only
when frames were forwarded and every one arrived intact.

  avp_mainjob.py --build DIR [--seconds N] [--size BYTES]
"""

import argparse
import os
import re
import sys
import time

sys.dont_write_bytecode = True     # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from avp_e2e import (Cleanup, Failure, Hostd, Testpmd,  # noqa: E402
                     need_file)
import tempfile  # noqa: E402
import shutil  # noqa: E402
import signal  # noqa: E402


def say(msg):
    print('avp-testpmd: ' + msg, flush=True)


def field(text, name):
    m = re.search(r'^%s:\s*(.*?)\s*$' % re.escape(name), text, re.M)
    return m.group(1) if m else '?'


def run(args, cln):
    hostd_exe = os.path.join(args.build, 'app/avp-host/avp-hostd')
    testpmd_exe = args.testpmd or os.path.join(
        args.build, 'subprojects/dpdk/app/dpdk-testpmd')
    need_file(hostd_exe, 'avp-hostd')
    need_file(testpmd_exe, 'dpdk-testpmd')
    run_dir = tempfile.mkdtemp(prefix='avp-testpmd.')
    cln.push('remove ' + run_dir, shutil.rmtree, run_dir, True)
    ports = ['avp%d,socket=%s/avp%d.sock,size=%d' % (i, run_dir, i, args.size)
             for i in (0, 1)]
    # The emulator's service thread on core 0, testpmd's forwarding lcore
    # on core 1 (its main lcore only waits for commands).
    hostd = Hostd(hostd_exe, ports, cln, mode='gen', cpu=0,
                  logfile=os.path.join(run_dir, 'hostd.log'))
    say('avp-hostd serves 2 AVP ports (generator + verifier, %d-byte '
        'frames)' % args.size)
    app = ['--forward-mode=io', '--nb-cores=1']
    if args.size > 1518:
        app += ['--max-pkt-len=%d' % max(args.size, 1518),
                '--enable-scatter', '--tx-offloads=0x8000']
    tp = Testpmd(testpmd_exe, 'avp-testpmd-%d' % os.getpid(),
                 ['net_avp_emu%d,socket=%s/avp%d.sock' % (i, run_dir, i)
                  for i in (0, 1)], cln, app_args=app,
                 logfile=os.path.join(run_dir, 'testpmd.log'))
    for p in (0, 1):
        info = tp.port_info(p)
        say('port %d: %s, driver %s, MAC %s, link %s, %s, %s' % (
            p, field(info, 'Device name'), field(info, 'Driver name'),
            field(info, 'MAC address'), field(info, 'Link status'),
            field(info, 'Link speed'), field(info, 'Link duplex')))
        if field(info, 'Link status') != 'up':
            raise Failure('port %d link is not up' % p)
    tp.cmd('clear port stats all')
    tp.cmd('start')
    t0 = time.monotonic()
    tty = sys.stdout.isatty()
    prev_t, prev_n = t0, 0
    samples = []
    while True:
        left = args.seconds - (time.monotonic() - t0)
        if left <= 0:
            break
        time.sleep(min(1.0, left))
        st = [tp.port_stats(p) for p in (0, 1)]
        now = time.monotonic()
        n = st[0]['TX-packets'] + st[1]['TX-packets']
        line = 'forwarding %2.0f/%d s: %.3f Mpps now, %d frames so far' % (
            min(now - t0, args.seconds), args.seconds,
            (n - prev_n) / (now - prev_t) / 1e6, n)
        prev_t, prev_n = now, n
        samples.append((now, n))
        if tty:
            sys.stdout.write('\ravp-testpmd: ' + line + '   ')
            sys.stdout.flush()
        else:
            say(line)
    out = tp.cmd('stop')
    elapsed = time.monotonic() - t0
    if tty:
        sys.stdout.write('\n')
    fwd = tp.fwd_stats(out)
    nic = [tp.port_stats(p) for p in (0, 1)]
    for p in (0, 1):
        info = tp.port_info(p)
        say('port %d link %s (%s)' % (p, field(info, 'Link status'),
                                      field(info, 'Link speed')))
    print()
    print('  %-6s %14s %14s %12s %14s %14s %10s' % (
        'port', 'RX-packets', 'TX-packets', 'TX-dropped', 'RX-bytes',
        'TX-bytes', 'RX-errors'))
    for p in (0, 1):
        print('  %-6d %14d %14d %12d %14d %14d %10d' % (
            p, nic[p]['RX-packets'], nic[p]['TX-packets'],
            fwd.get(p, {}).get('TX-dropped', 0), nic[p]['RX-bytes'],
            nic[p]['TX-bytes'], nic[p]['RX-errors']))
    print()
    rc = tp.quit()
    if rc != 0:
        raise Failure('dpdk-testpmd exited with %d' % rc)
    host = {n: hostd.stats(n) for n in ('avp0', 'avp1')}
    kinds = {}
    for n in host:
        for k, v in hostd.stats_full(n).items():
            if k.startswith('violation_'):
                kinds[k] = kinds.get(k, 0) + v
    for n in ('avp0', 'avp1'):
        h = host[n]
        say('host %s: generated %d, verified %d frames back (%d bad), '
            'ABI violations %d' % (n, h['gen_frames'], h['sink_frames'],
                                   h['sink_bad'], h['violations']))
    rc, _ = hostd.quit()
    if rc != 0:
        raise Failure('avp-hostd exited with %d' % rc)
    total = nic[0]['TX-packets'] + nic[1]['TX-packets']
    if total == 0:
        raise Failure('no frame was forwarded')
    bad = sum(host[n]['sink_bad'] for n in host)
    if bad:
        raise Failure('%d forwarded frames arrived corrupted at the host' %
                      bad)
    if kinds:
        raise Failure('the host counted ABI violations by the driver: %s' %
                      kinds)
    # The rate between the first and the last one-second sample of
    # testpmd's counters: start-up and the 'stop' command's latency (long
    # on a busy machine) stay out of it.
    if len(samples) >= 2 and samples[-1][0] > samples[0][0]:
        rate = (samples[-1][1] - samples[0][1]) / \
            (samples[-1][0] - samples[0][0])
    else:
        rate = total / elapsed
    say('forwarded %d %d-byte frames in %.1f s; rate %.3f Mpps (%.2f '
        'Gbit/s of frames), both directions together' % (
            total, args.size, elapsed, rate / 1e6,
            rate * args.size * 8 / 1e9))


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--build', required=True)
    ap.add_argument('--testpmd', help='dpdk-testpmd to run (default: the'
                    ' 22.11 build in --build)')
    ap.add_argument('--seconds', type=int, default=10)
    ap.add_argument('--size', type=int, default=64)
    args = ap.parse_args()
    if args.seconds < 1 or not 60 <= args.size <= 9000:
        ap.error('SECONDS must be >= 1 and FRAME_SIZE 60..9000')

    def on_signal(signum, _frame):
        raise KeyboardInterrupt('signal %d' % signum)
    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGHUP, on_signal)
    cln = Cleanup()
    rc = 0
    try:
        run(args, cln)
    except Failure as e:
        print(file=sys.stderr)
        print('avp-testpmd: FAILED: %s' % e, file=sys.stderr)
        rc = 1
    except KeyboardInterrupt:
        print('\navp-testpmd: interrupted, cleaning up', file=sys.stderr)
        rc = 130
    finally:
        cln.run()
    sys.exit(rc)


if __name__ == '__main__':
    main()
