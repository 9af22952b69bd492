#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The AVP PMD authors
"""testpmd checks over AVP ports served by avp-hostd.

dpdk-testpmd runs interactively on a pseudo-terminal; every check asserts
on what testpmd prints and on avp-hostd's counters (the host side sees
every frame: the generator numbers and checksums them, the sink verifies
them). Each case gets its own avp-hostd and testpmd so one failure does
not leak into the next.

  test_testpmd.py --testpmd PATH --hostd PATH --telemetry PATH [CASE...]
"""

import argparse
import json
import os
import re
import subprocess
import sys

sys.dont_write_bytecode = True     # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from avp_e2e import (Cleanup, Failure, Hostd, Testpmd, log,  # noqa: E402
                     run_main, wait_for, need_file, check_violations)

ARGS = None
N = 4000        # frames of a counted generator run


class Session:
    """One avp-hostd with two ports and one testpmd on them."""

    seq = 0

    def __init__(self, res, wd, name, port_opts, app_args=(), mode=None,
                 hostd_args=()):
        Session.seq += 1
        self.res = res
        self.cln = Cleanup()
        self.dir = os.path.join(wd, '%02d-%s' % (Session.seq, name))
        os.mkdir(self.dir)
        specs = []
        vdevs = []
        for i, opts in enumerate(port_opts):
            sock = os.path.join(self.dir, 'avp%d.sock' % i)
            specs.append('avp%d,socket=%s%s' % (i, sock,
                                                (',' + opts) if opts else ''))
            vdevs.append('net_avp_emu%d,socket=%s' % (i, sock))
        try:
            self.hostd = Hostd(ARGS.hostd, specs, self.cln, mode=mode,
                               cpu=0, args=hostd_args,
                               logfile=os.path.join(self.dir, 'hostd.log'))
            self.tp = Testpmd(ARGS.testpmd, 'avp-e2e-%d-%d' %
                              (os.getpid(), Session.seq), vdevs, self.cln,
                              app_args=['--no-flush-rx'] + list(app_args),
                              logfile=os.path.join(self.dir, 'testpmd.log'))
        except BaseException:
            self.cln.run()
            raise

    def __enter__(self):
        return self

    def __exit__(self, etype, _e, _tb):
        try:
            if etype is None:
                self.close()
            else:
                self.show_logs()
        except BaseException:
            self.show_logs()
            raise
        finally:
            self.cln.run()
        return False

    def show_logs(self):
        # What the host saw, for the failure report.
        hostd = getattr(self, 'hostd', None)
        for p in hostd.names if hostd else []:
            try:
                log('   host %s: %s' % (p, hostd.state(p)))
                log('   host %s: %s' % (p, hostd.stats_full(p)))
            except Exception as e:  # the report must not hide the failure
                log('   host %s: no answer (%s)' % (p, str(e)[:200]))
        for f in ('hostd.log', 'testpmd.log'):
            path = os.path.join(self.dir, f)
            if os.path.exists(path):
                with open(path, errors='replace') as fp:
                    lines = fp.read().splitlines()[-25:]
                log('   --- last lines of %s ---' % f)
                for line in lines:
                    log('   | ' + line)

    def close(self):
        """Orderly end: both exit 0, the host saw no rule broken."""
        rc = self.tp.quit()
        self.res.equal('testpmd exits with 0 after quit', rc, 0)
        for p in self.hostd.names:
            check_violations(self.res, self.hostd, p,
                             'host checker: no ABI violation on %s' % p)
        rc, _ = self.hostd.quit()
        self.res.equal('avp-hostd exits with 0 after quit', rc, 0)

    def wait_stats(self, port, pred, what, timeout=30):
        return wait_for(lambda: pred(self.hostd.stats(port)), timeout,
                        what, 0.1)


def fwd_stop(s):
    out = s.tp.cmd('stop')
    st = s.tp.fwd_stats(out)
    if 0 not in st or 1 not in st:
        raise Failure('stop printed no forward statistics:\n' + out)
    return st


# ---- the cases -------------------------------------------------------------

def case_port_info(res, wd):
    """show port info: driver, MAC and queue maxima come from the host."""
    with Session(res, wd, 'port-info',
                 ['mac=02:aa:bb:cc:dd:00,rxq=6,txq=5,max_frame=9000',
                  'mac=02:aa:bb:cc:dd:01,rxq=3,txq=2']) as s:
        info = s.tp.port_info(0)

        def field(name, text=info):
            m = re.search(r'^%s:\s*(.*?)\s*$' % re.escape(name), text, re.M)
            return m.group(1) if m else None
        res.equal('port 0 driver name', field('Driver name'), 'net_avp_emu')
        res.equal('port 0 device name', field('Device name'), 'net_avp_emu0')
        res.equal('port 0 MAC address', field('MAC address'),
                  '02:AA:BB:CC:DD:00')
        res.equal('port 0 max RX queues', field('Max possible RX queues'),
                  '6')
        res.equal('port 0 max TX queues', field('Max possible TX queues'),
                  '5')
        res.equal('port 0 max RX packet length',
                  field('Maximum configurable length of RX packet'), '9000')
        res.equal('port 0 link status', field('Link status'), 'up')
        info1 = s.tp.port_info(1)
        res.equal('port 1 MAC address', field('MAC address', info1),
                  '02:AA:BB:CC:DD:01')
        res.equal('port 1 max RX queues',
                  field('Max possible RX queues', info1), '3')
        res.equal('port 1 max TX queues',
                  field('Max possible TX queues', info1), '2')
        summ = s.tp.cmd('show port summary all')
        res.check('show port summary lists both AVP ports',
                  re.search(r'^0\s+02:AA:BB:CC:DD:00\s+net_avp_emu0\s+net_avp_emu\s+up',
                            summ, re.M) and
                  re.search(r'^1\s+02:AA:BB:CC:DD:01\s+net_avp_emu1\s+net_avp_emu\s+up',
                            summ, re.M), summ)
        st = s.hostd.state('avp0')
        res.check('the host sees port 0 configured with link up',
                  st['configured'] == 1 and st['link'] == 'up', str(st))


def case_counted_forwarding(res, wd):
    """Exactly N generated frames each way, io forwarding, exact counters."""
    with Session(res, wd, 'counted',
                 ['count=%d' % N, 'count=%d' % N], mode='gen') as s:
        s.tp.cmd('clear port stats all')
        s.tp.cmd('start')
        for p in ('avp0', 'avp1'):
            s.wait_stats(p, lambda st: st['gen_frames'] == N,
                         '%s to generate %d frames' % (p, N))
        # Forwarding is over when the guest received all and the host
        # took back (or testpmd dropped) what was sent.
        wait_for(lambda: s.tp.port_stats(0)['RX-packets'] == N and
                 s.tp.port_stats(1)['RX-packets'] == N, 30,
                 'testpmd to receive %d frames on each port' % N, 0.2)
        st = fwd_stop(s)
        for port, other, name in ((0, 1, 'avp1'), (1, 0, 'avp0')):
            res.equal('port %d forward RX-packets' % port,
                      st[port]['RX-packets'], N)
            sent = st[other]['TX-packets']
            res.equal('port %d TX-packets + TX-dropped' % other,
                      sent + st[other]['TX-dropped'], N)
            h = s.wait_stats(name, lambda x: x['tx_frames'] >= sent and x,
                             '%s to consume %d frames' % (name, sent))
            res.equal('%s: the host took exactly what testpmd sent' % name,
                      h['tx_frames'], sent)
            res.equal('%s: every frame arrived intact (sink_bad)' % name,
                      h['sink_bad'], 0)
            res.equal('%s: bytes (64 per frame)' % name, h['tx_bytes'],
                      64 * sent)
        xs, text = s.tp.xstats(0)
        for k in ('rx_good_packets', 'tx_good_packets', 'rx_good_bytes',
                  'rx_q0_packets'):
            res.check('xstats of port 0 has %s' % k, k in xs, text)
        res.equal('xstats rx_good_packets', xs.get('rx_good_packets'), N)
        res.equal('xstats rx_good_bytes', xs.get('rx_good_bytes'), 64 * N)
        res.equal('xstats tx_good_packets = testpmd TX-packets',
                  xs.get('tx_good_packets'), st[0]['TX-packets'])
        nonzero_errs = {k: v for k, v in xs.items()
                        if ('error' in k or 'nombuf' in k) and v}
        res.equal('xstats of port 0: no error counter', nonzero_errs, {})


def case_stop_start(res, wd):
    """port stop takes the link down on the host; start brings traffic back."""
    with Session(res, wd, 'stop-start', ['', ''], mode='gen') as s:
        s.tp.cmd('start')
        s.wait_stats('avp1', lambda st: st['sink_frames'] > 1000,
                     'avp1 to sink 1000 forwarded frames')
        fwd_stop(s)
        out = s.tp.cmd('port stop 0')
        res.check('port stop 0 answers Done', 'Done' in out, out)
        s.wait_stats('avp0', lambda st: st['link'] == 'down',
                     'the host to see port 0 link down')
        res.check('show port info 0: link down after port stop',
                           re.search(r'Link status:\s*down',
                                     s.tp.port_info(0)), '')
        out = s.tp.cmd('port start 0')
        res.check('port start 0 answers Done and no failure',
                  'Done' in out and 'Fail' not in out, out)
        s.wait_stats('avp0', lambda st: st['link'] == 'up' and
                     st['configured'] == 1,
                     'the host to see port 0 configured with link up')
        res.check('show port info 0: link up after port start',
                  re.search(r'Link status:\s*up', s.tp.port_info(0)), '')
        before = {p: s.hostd.stats(p)['sink_frames'] for p in
                  ('avp0', 'avp1')}
        s.tp.cmd('start')
        for p in ('avp0', 'avp1'):
            s.wait_stats(p, lambda st, b=before[p]: st['sink_frames'] >
                         b + 1000, '%s to sink 1000 more frames after '
                         'port start' % p)
        st = fwd_stop(s)
        res.check('traffic flows both ways after port start',
                  st[0]['TX-packets'] > 0 and st[1]['TX-packets'] > 0,
                  str(st))
        for p in ('avp0', 'avp1'):
            res.equal('%s: no bad frame' % p, s.hostd.stats(p)['sink_bad'],
                      0)


def case_queues(res, wd):
    """port config all rxq 4 / txq 4: every queue carries traffic."""
    with Session(res, wd, 'queues', ['count=%d' % N, 'mode=sink'],
                 mode='gen') as s:
        s.tp.cmd('port stop all')
        for c in ('port config all rxq 4', 'port config all txq 4'):
            out = s.tp.cmd(c)
            res.check('%s accepted' % c, 'error' not in out.lower() and
                      'invalid' not in out.lower(), out)
        out = s.tp.cmd('port start all')
        res.check('port start all with 4 queues', 'Fail' not in out, out)
        for p in ('avp0', 'avp1'):
            st = s.hostd.state(p)
            res.check('the host sees %s configured with 4 rx / 4 tx queues'
                      % p, st['rx_queues'] == 4 and st['tx_queues'] == 4,
                      str(st))
        s.tp.cmd('clear port stats all')
        s.tp.cmd('start')
        s.wait_stats('avp0', lambda st: st['gen_frames'] == N,
                     'avp0 to generate %d frames' % N)
        wait_for(lambda: s.tp.port_stats(0)['RX-packets'] == N, 30,
                 'testpmd to receive %d frames on port 0' % N, 0.2)
        st = fwd_stop(s)
        xs0, _ = s.tp.xstats(0)
        xs1, _ = s.tp.xstats(1)
        host0 = s.hostd.stats_full('avp0')
        sent = st[1]['TX-packets']
        wait_for(lambda: s.hostd.stats('avp1')['tx_frames'] >= sent, 10,
                 'avp1 to consume %d frames' % sent)
        host1 = s.hostd.stats_full('avp1')
        for q in range(4):
            rx = xs0.get('rx_q%d_packets' % q, 0)
            res.check('port 0 rx queue %d received frames (%d)' % (q, rx),
                      rx > 0, 'rx_q%d_packets = %d' % (q, rx))
            res.equal('port 0 rx queue %d: guest count = host count' % q,
                      rx, host0.get('rx_frames[%d]' % q, 0))
            tx = xs1.get('tx_q%d_packets' % q, 0)
            res.check('port 1 tx queue %d sent frames (%d)' % (q, tx),
                      tx > 0, 'tx_q%d_packets = %d' % (q, tx))
            res.equal('port 1 tx queue %d: guest count = host count' % q,
                      tx, host1.get('tx_frames[%d]' % q, 0))
        res.equal('sum over the 4 rx queues of port 0',
                  sum(xs0.get('rx_q%d_packets' % q, 0) for q in range(4)), N)
        res.equal('avp1 sink: every frame intact',
                  host1.get('sink_bad', 0), 0)
        res.equal('avp1 sink: frames = testpmd TX-packets',
                  host1.get('sink_frames', 0), sent)


def _verbose_rx(text, port):
    """The per-packet lines ("src=...", then "ol_flags: ...") testpmd's
    verbose mode printed for frames the port received. The prompt, printed
    from another thread, may land in the middle of a line: whatever comes
    before "src=" is ignored.
    """
    pkts, cur = [], None
    lines = text.splitlines()
    for i, line in enumerate(lines):
        m = re.search(r'port (\d+)/queue \d+: (received|sent) \d+ packets',
                      line)
        if m:
            cur = (int(m.group(1)), m.group(2))
        elif cur == (port, 'received') and 'src=' in line:
            nxt = lines[i + 1] if i + 1 < len(lines) else ''
            pkts.append(line[line.index('src='):] + '\n' + nxt)
    return pkts


def _vlan_run(res, wd, strip):
    """Port 0 gets N generated frames; mac forwarding sends them out of
    port 1 with VLAN 100 inserted (tx_vlan set); the host loops them back
    into port 1, stripping the tag when the port asked for it; port 1
    forwards them to port 0, whose sink verifies them.
    """
    n = 64
    name = 'strip on' if strip else 'strip off'
    with Session(res, wd, 'vlan-' + name.replace(' ', '-'),
                 ['mode=gen,count=%d' % n, 'mode=loopback']) as s:
        s.tp.cmd('set fwd mac')
        s.tp.cmd('port stop 1')
        out = s.tp.cmd('tx_vlan set 1 100')
        res.check('[%s] tx_vlan set 1 100 accepted' % name,
                  'rror' not in out and 'not' not in out, out)
        out = s.tp.cmd('vlan set strip %s 1' % ('on' if strip else 'off'))
        res.check('[%s] vlan set strip accepted' % name,
                  'rror' not in out and 'not' not in out, out)
        out = s.tp.cmd('port start 1')
        res.check('[%s] port 1 restarts' % name, 'Fail' not in out, out)
        st = s.hostd.state('avp1')
        res.equal('[%s] host sees the VLAN offload feature negotiated' %
                  name, st['features'] & 1, 1 if strip else 0)
        info = s.tp.port_info(1)
        res.check('[%s] show port info 1 reports strip %s' %
                  (name, 'on' if strip else 'off'),
                  re.search(r'strip %s' % ('on' if strip else 'off'), info),
                  info)
        s.tp.cmd('set verbose 1')
        # Per-packet lines race with the prompt: do not wait for it.
        s.tp.send('start')
        s.wait_stats('avp0', lambda x: x['sink_frames'] >= n,
                     'avp0 to sink %d frames back' % n)
        s.tp.resync()
        out = fwd_stop(s)
        s.tp.cmd('set verbose 0')
        pkts = _verbose_rx(s.tp.log_text(), 1)
        res.equal('[%s] testpmd printed every frame port 1 received' % name,
                  len(pkts), n)
        if strip:
            good = [p for p in pkts if 'VLAN tci=0x64' in p and
                    'RTE_MBUF_F_RX_VLAN_STRIPPED' in p and
                    'length=64 ' in p]
            res.equal('[%s] frames with tci 0x64, RX_VLAN_STRIPPED, '
                      'length 64' % name, len(good), n)
        else:
            good = [p for p in pkts if 'type=0x8100' in p and
                    'length=68 ' in p and 'RX_VLAN' not in p]
            res.equal('[%s] frames still tagged in the data (type 0x8100, '
                      'length 68, no RX_VLAN flag)' % name, len(good), n)
        h1 = s.hostd.stats_full('avp1')
        res.equal('[%s] host inserted the tag into every frame of port 1'
                  % name, h1.get('tx_vlan_inserted', 0), n)
        h0 = s.hostd.stats('avp0')
        res.equal('[%s] avp0 sink: %d frames back' % (name, n),
                  h0['sink_frames'], n)
        res.equal('[%s] avp0 sink: all intact' % name, h0['sink_bad'], 0)
        res.equal('[%s] avp0 received %d-byte frames' %
                  (name, 64 if strip else 68), h0['tx_bytes'],
                  n * (64 if strip else 68))
        del out


def case_vlan(res, wd):
    """vlan set strip on / off with a tagged round trip through the host."""
    _vlan_run(res, wd, True)
    _vlan_run(res, wd, False)


def case_promisc(res, wd):
    """set promisc 1 off: frames to another MAC are dropped by the driver's
    filter and counted; on: they pass."""
    with Session(res, wd, 'promisc', ['mode=gen', 'mode=loopback']) as s:
        s.tp.cmd('set fwd mac')     # port 1 sends to 02:00:00:00:00:01
        out = s.tp.cmd('set promisc 1 off')
        res.check('set promisc 1 off accepted', 'rror' not in out, out)
        res.check('show port info 1: promiscuous mode disabled',
                  re.search(r'Promiscuous mode:\s*disabled',
                            s.tp.port_info(1)), '')
        s.tp.cmd('start')

        def filtered():
            return s.tp.xstats(1)[0].get('rx_filtered_packets', 0)
        wait_for(lambda: filtered() > 1000, 30,
                 'port 1 to filter 1000 frames (xstats rx_filtered_packets)',
                 0.2)
        st = fwd_stop(s)
        res.equal('promisc off: port 1 forwarded nothing to port 0',
                  st[0]['TX-packets'], 0)
        res.equal('promisc off: avp0 sink got nothing',
                  s.hostd.stats('avp0')['sink_frames'], 0)
        f_off = filtered()
        out = s.tp.cmd('set promisc 1 on')
        res.check('show port info 1: promiscuous mode enabled',
                  re.search(r'Promiscuous mode:\s*enabled',
                            s.tp.port_info(1)), '')
        s.tp.cmd('start')
        s.wait_stats('avp0', lambda x: x['sink_frames'] > 1000,
                     'avp0 to sink 1000 frames with promisc on')
        fwd_stop(s)
        res.equal('promisc on: the filter counter does not move',
                  filtered(), f_off)
        res.equal('promisc on: avp0 sink, all intact',
                  s.hostd.stats('avp0')['sink_bad'], 0)


def case_mtu_jumbo(res, wd):
    """port config mtu 0 9000: 9000-byte frames go through, scattered.

    At MTU 1500 the host, told the MTU, generates 1518-byte frames at
    most; at MTU 9000 the port scatters without the SCATTER offload, as
    applications of the old driver expect.
    """
    with Session(res, wd, 'mtu', ['mode=gen,size=9000', 'mode=sink']) as s:
        res.equal('the host was told MTU 1500 at start',
                  s.hostd.state('avp0')['mtu'], 1500)
        s.tp.cmd('start')

        def xs(port, key):
            return s.tp.xstats(port)[0].get(key, 0)
        s.wait_stats('avp1', lambda x: x['sink_frames'] >= 100,
                     'avp1 to sink 100 frames at MTU 1500')
        st = fwd_stop(s)
        h = s.wait_stats('avp1',
                         lambda x: x['tx_frames'] >= st[1]['TX-packets'] and x,
                         'avp1 to consume what port 1 sent')
        res.equal('MTU 1500: the host generates 1518-byte frames',
                  h['tx_bytes'], 1518 * h['tx_frames'])
        res.equal('MTU 1500: avp1 sink, all intact', h['sink_bad'], 0)
        res.equal('MTU 1500: no oversize drop',
                  xs(0, 'rx_oversize_errors'), 0)
        s.tp.cmd('port stop all')
        for p in (0, 1):
            out = s.tp.cmd('port config mtu %d 9000' % p)
            res.check('port config mtu %d 9000 accepted' % p,
                      'rror' not in out and 'nvalid' not in out, out)
        out = s.tp.cmd('port start all')
        res.check('without asking for scatter, port start succeeds',
                  'Fail' not in out, out)
        res.check('show port info 0: MTU 9000',
                  re.search(r'^MTU:\s*9000\s*$', s.tp.port_info(0), re.M), '')
        res.equal('the host was told MTU 9000',
                  s.hostd.state('avp0')['mtu'], 9000)
        over = xs(0, 'rx_oversize_errors')
        s.tp.cmd('clear port stats all')
        base = s.hostd.stats('avp1')
        s.tp.cmd('start')
        s.wait_stats('avp1',
                     lambda x: x['sink_frames'] >= base['sink_frames'] + 2000,
                     'avp1 to sink 2000 jumbo frames')
        st = fwd_stop(s)
        sent = st[1]['TX-packets']
        h = s.wait_stats('avp1', lambda x: x['tx_frames'] >=
                         base['tx_frames'] + sent and x,
                         'avp1 to consume what port 1 sent')
        res.check('jumbo frames forwarded (%d)' % sent, sent >= 2000, '')
        res.equal('avp1: every jumbo frame intact (sink_bad)',
                  h['sink_bad'], 0)
        # Frames generated at MTU 1500 before the restart may still be
        # on the rings: every frame is 1518 or 9000 bytes, most 9000.
        tp1 = s.tp.port_stats(1)
        extra = tp1['TX-bytes'] - 1518 * tp1['TX-packets']
        res.equal('testpmd port 1: every frame 1518 or 9000 bytes',
                  extra % (9000 - 1518), 0)
        res.check('testpmd port 1: 1000 frames of 9000 bytes',
                  extra // (9000 - 1518) >= 1000, str(tp1))
        res.equal('no oversize drop at MTU 9000',
                  xs(0, 'rx_oversize_errors'), over)


def _telemetry(prefix, cmds):
    p = subprocess.run([sys.executable, ARGS.telemetry, '-f', prefix],
                       input=''.join(c + '\n' for c in cmds),
                       capture_output=True, text=True, timeout=30)
    replies = []
    for line in p.stdout.splitlines():
        line = line.strip()
        if line.startswith('{'):
            replies.append(json.loads(line))
    if p.returncode != 0 or len(replies) != len(cmds):
        raise Failure('dpdk-telemetry.py (exit %d) gave %d replies for %d '
                      'commands; stdout:\n%s\nstderr:\n%s' %
                      (p.returncode, len(replies), len(cmds), p.stdout,
                       p.stderr))
    return replies


def case_telemetry(res, wd):
    """dpdk-telemetry.py reads /ethdev/list and /ethdev/stats,0 live."""
    with Session(res, wd, 'telemetry', ['', ''], mode='gen') as s:
        s.tp.cmd('start')
        s.wait_stats('avp1', lambda x: x['sink_frames'] > 1000,
                     'forwarding to start')
        r = _telemetry(s.tp.prefix, ['/ethdev/list', '/ethdev/stats,0'])
        res.equal('/ethdev/list', r[0].get('/ethdev/list'), [0, 1])
        st0 = r[1].get('/ethdev/stats') or {}
        res.check('/ethdev/stats,0 has ipackets/opackets > 0 while '
                  'forwarding', st0.get('ipackets', 0) > 0 and
                  st0.get('opackets', 0) > 0, str(st0))
        first = st0.get('ipackets', 0)
        wait_for(lambda: _telemetry(s.tp.prefix, ['/ethdev/stats,0'])[0]
                 ['/ethdev/stats']['ipackets'] > first + 1000, 30,
                 '/ethdev/stats,0 ipackets to grow by 1000', 0.2)
        res.check('/ethdev/stats,0 ipackets grows while forwarding', True)
        st = fwd_stop(s)
        r = _telemetry(s.tp.prefix, ['/ethdev/stats,0'])[0]['/ethdev/stats']
        tp0 = s.tp.port_stats(0)
        res.equal('stopped: telemetry ipackets = testpmd RX-packets',
                  r['ipackets'], tp0['RX-packets'])
        res.equal('stopped: telemetry opackets = testpmd TX-packets',
                  r['opackets'], tp0['TX-packets'])
        del st


def case_migration(res, wd):
    """avp-hostd migrates both ports while testpmd forwards."""
    with Session(res, wd, 'migration', ['', ''], mode='gen') as s:
        s.tp.cmd('start')
        s.wait_stats('avp1', lambda x: x['sink_frames'] > 1000,
                     'forwarding to start')
        for n, arg in enumerate(('all', 'all reorder')):
            before = {p: s.hostd.stats(p) for p in ('avp0', 'avp1')}
            tp_before = [s.tp.port_stats(p)['RX-packets'] for p in (0, 1)]
            rep = s.hostd.command('migrate ' + arg, nreplies=2, timeout=60)
            for line in rep:
                res.check('%s: ok (command: migrate %s)' %
                          (line.split(':')[0], arg), ': ok ' in line, line)
            for p in ('avp0', 'avp1'):
                s.wait_stats(p, lambda x, b=before[p]: x['sink_frames'] >
                             b['sink_frames'] + 10000 and
                             x['migrations'] == n + 1,
                             '%s: forwarding to resume after migration %d'
                             % (p, n + 1), timeout=30)
                res.check('%s: forwarding resumed after migration %d' %
                          (p, n + 1), True)
            if n == 0:
                for p in (0, 1):
                    ev = 'Port %d: link state change event' % p
                    wait_for(lambda ev=ev: s.tp.log_text().count(ev) >= 2, 10,
                             'testpmd to report link down and up on port %d '
                             '(LSC events)' % p)
                    res.check('testpmd saw port %d go down and up (2 LSC '
                              'events)' % p, True)
            for p in (0, 1):
                wait_for(lambda p=p: s.tp.port_stats(p)['RX-packets'] >
                         tp_before[p] + 10000, 30,
                         'testpmd port %d RX-packets to grow after migration '
                         '%d' % (p, n + 1), 0.2)
                res.check('testpmd port %d receives again after migration %d'
                          % (p, n + 1), True)
        for i, p in enumerate(('avp0', 'avp1')):
            st = s.hostd.state(p)
            res.check('%s: link up and configured after migrations' % p,
                      st['link'] == 'up' and st['configured'] == 1, str(st))
            res.check('show port info %d: link up after migrations' % i,
                      re.search(r'Link status:\s*up', s.tp.port_info(i)), '')
        # Periodic migrations under load.
        out = s.hostd.command('migrate-every avp0 300')
        res.check('migrate-every avp0 300 started', 'ok' in out[0], out[0])
        b = s.hostd.stats('avp0')
        s.wait_stats('avp0', lambda x: x['migrations'] >= b['migrations'] + 5,
                     'five periodic migrations of avp0', timeout=60)
        out = s.hostd.command('migrate-every avp0 0')[0]
        m = re.search(r'\((\d+) ok, (\d+) failed', out)
        res.check('periodic migrations all ok: ' + out,
                  m and int(m.group(1)) >= 5 and m.group(2) == '0', out)
        b = {p: s.hostd.stats(p) for p in ('avp0', 'avp1')}
        for p in ('avp0', 'avp1'):
            s.wait_stats(p, lambda x, bb=b[p]: x['sink_frames'] >
                         bb['sink_frames'] + 10000,
                         '%s: traffic after the periodic migrations' % p)
        st = fwd_stop(s)
        res.check('testpmd counters: both ports forwarded',
                  st[0]['TX-packets'] > 30000 and st[1]['TX-packets'] > 30000,
                  str(st))
        xs, _ = s.tp.xstats(0)
        res.equal('port 0 rx errors', xs.get('rx_errors', 0), 0)
        res.check('the driver counted transmits refused while detached '
                  '(xstats tx_detached_packets %d)' %
                  xs.get('tx_detached_packets', 0),
                  'tx_detached_packets' in xs, '')
        for i, p in enumerate(('avp0', 'avp1')):
            # After each attach the driver may announce the port with a
            # gratuitous RARP (xstat mig_announce_frames): the only frames
            # the host's verifier may reject.
            ann = s.tp.xstats(i)[0].get('mig_announce_frames', 0)
            h = s.hostd.stats(p)
            res.equal('%s: frames intact across migrations (bad = the %d '
                      'announcements of port %d)' % (p, ann, i),
                      h['sink_bad'], ann)


CASES = [
    ('port_info', case_port_info),
    ('counted_forwarding', case_counted_forwarding),
    ('stop_start', case_stop_start),
    ('queues', case_queues),
    ('vlan', case_vlan),
    ('promisc', case_promisc),
    ('mtu_jumbo', case_mtu_jumbo),
    ('telemetry', case_telemetry),
    ('migration', case_migration),
]


def main(res, cln, wd):
    del cln
    names = ARGS.cases or [c[0] for c in CASES]
    for name, fn in CASES:
        if name not in names:
            continue
        log('== %s: %s' % (name, fn.__doc__.strip().splitlines()[0]))
        try:
            fn(res, wd)
        except Failure as e:
            res.fail(name, str(e))
            log('   (logs kept in the failing case are printed above)')


if __name__ == '__main__':
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--testpmd', required=True)
    ap.add_argument('--hostd', required=True)
    ap.add_argument('--telemetry', required=True)
    ap.add_argument('cases', nargs='*',
                    help='cases to run: ' + ', '.join(c[0] for c in CASES))
    ARGS = ap.parse_args()
    need_file(ARGS.testpmd, 'dpdk-testpmd')
    need_file(ARGS.hostd, 'avp-hostd')
    need_file(ARGS.telemetry, 'dpdk-telemetry.py')
    run_main('testpmd', main)
