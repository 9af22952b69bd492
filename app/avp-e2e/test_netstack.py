#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The AVP PMD authors
"""The Linux network stack as a real client of AVP ports.

avp-hostd bridges each AVP port to a TAP device (mode tap); the test moves
the TAP into a network namespace it creates, so that the kernel's ping,
tcpdump and iperf3 talk to dpdk-testpmd through the driver:

  ping       testpmd answers ARP and ICMP echo (icmpecho mode) on one AVP
             port: 1000 pings without loss, then 8000-byte pings after
             'port config mtu 0 9000' (TAP MTU 9000), then pings over a
             VLAN 100 interface; tcpdump on the TAP checks every frame.
  iperf3     two namespaces, each bridged to one AVP port, testpmd io
             forwarding between the ports: TCP for a few seconds.

Needs root, /dev/net/tun, `ip netns`, ping, tcpdump and iperf3; without
one of them the script exits 77 and says which. Namespaces, TAPs and
processes are removed on every exit path.

  test_netstack.py --testpmd PATH --hostd PATH [ping] [iperf3]
"""

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import time

sys.dont_write_bytecode = True     # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from avp_e2e import (Cleanup, Failure, Hostd, Skipped, Testpmd,  # noqa: E402
                     check_violations, log, run_main, stop_process,
                     wait_for, need_file)

ARGS = None
PING_COUNT = 1000


def run(cmd, what, timeout=60, check=True):
    try:
        p = subprocess.run(cmd, capture_output=True, text=True,
                           timeout=timeout)
    except subprocess.TimeoutExpired:
        raise Failure('%s: no answer within %d s (%s)' %
                      (what, timeout, ' '.join(cmd)))
    if check and p.returncode != 0:
        raise Failure('%s failed (exit %d): %s\n%s%s' % (
            what, p.returncode, ' '.join(cmd), p.stdout[-2000:],
            p.stderr[-2000:]))
    return p


def nsexec(ns, cmd):
    return ['ip', 'netns', 'exec', ns] + cmd


def check_capabilities():
    if os.geteuid() != 0:
        raise Skipped('needs root (network namespaces, TAP devices)')
    if not os.path.exists('/dev/net/tun'):
        raise Skipped('/dev/net/tun is missing: no TUN/TAP support here')
    for tool in ('ip', 'ping', 'tcpdump', 'iperf3'):
        if not shutil.which(tool):
            raise Skipped('%s is not installed (devtools/avp-deps.sh '
                          'installs it)' % tool)
    probe = 'avpe2e-probe-%d' % os.getpid()
    p = subprocess.run(['ip', 'netns', 'add', probe], capture_output=True,
                       text=True)
    if p.returncode != 0:
        raise Skipped('cannot create a network namespace: %s' %
                      p.stderr.strip())
    subprocess.run(['ip', 'netns', 'del', probe], capture_output=True)


class Net:
    """Namespaces and the TAPs avp-hostd made, undone by cleanup."""

    def __init__(self, cln):
        self.cln = cln
        self.n = 0

    def netns(self, tag):
        name = 'avpe2e-%d-%s' % (os.getpid(), tag)
        run(['ip', 'netns', 'add', name], 'ip netns add')
        self.cln.push('delete netns ' + name, self.del_ns, name)
        run(nsexec(name, ['ip', 'link', 'set', 'lo', 'up']), 'lo up')
        return name

    @staticmethod
    def del_ns(name):
        subprocess.run(['ip', 'netns', 'del', name], capture_output=True)

    def tap_name(self, tag):
        # IFNAMSIZ: at most 15 characters.
        return ('avpt%d%s' % (os.getpid() % 100000, tag))[:15]

    def move_tap(self, tap, ns, addr, mtu=None):
        run(['ip', 'link', 'set', tap, 'netns', ns], 'move %s into %s' %
            (tap, ns))
        if mtu:
            run(nsexec(ns, ['ip', 'link', 'set', tap, 'mtu', str(mtu)]),
                'set MTU')
        run(nsexec(ns, ['ip', 'addr', 'add', addr, 'dev', tap]), 'ip addr')
        run(nsexec(ns, ['ip', 'link', 'set', tap, 'up']), 'ip link up')


def tap_gone(tap):
    """A TAP left in the root namespace (hostd killed hard) is deleted."""
    if subprocess.run(['ip', 'link', 'show', tap],
                      capture_output=True).returncode == 0:
        subprocess.run(['ip', 'link', 'del', tap], capture_output=True)


class Tcpdump:
    def __init__(self, ns, dev, path, cln):
        self.path = path
        self.err = open(path + '.err', 'w+')
        self.proc = subprocess.Popen(
            nsexec(ns, ['tcpdump', '-i', dev, '-nn', '-U', '--immediate-mode',
                        '-B', '32768',
                        '-s', '0',
                        '-w', path]),
            stdout=subprocess.DEVNULL, stderr=self.err)
        cln.push('stop tcpdump', stop_process, self.proc, 'tcpdump')

        def ready():
            if self.proc.poll() is not None:
                raise Failure('tcpdump exited: ' + self.errtext())
            return 'listening on' in self.errtext()
        wait_for(ready, 20, 'tcpdump to listen on ' + dev)

    def errtext(self):
        self.err.seek(0)
        return self.err.read()

    def stop(self):
        """Stops the capture; returns the decoded frames, one per line."""
        last = {}

        def settled():
            size = os.path.getsize(self.path) if os.path.exists(
                self.path) else -1
            ok = last.get('s') == size
            last['s'] = size
            return ok
        wait_for(settled, 20, 'the capture file to stop growing', 0.3)
        self.proc.send_signal(2)
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            raise Failure('tcpdump did not stop on SIGINT')
        m = re.search(r'(\d+) packets? dropped by kernel', self.errtext())
        if m and int(m.group(1)):
            raise Failure('tcpdump: %s packets dropped by the kernel: the '
                          'capture is incomplete' % m.group(1))
        p = run(['tcpdump', '-r', self.path, '-nn', '-e', '-v'],
                'tcpdump -r')
        log('  tcpdump: ' + ' '.join(self.errtext().split('\n')[-4:]))
        # -v prints an IP packet on two lines; join continuation lines.
        frames = []
        for line in p.stdout.splitlines():
            if line.startswith((' ', '\t')) and frames:
                frames[-1] += ' ' + line.strip()
            else:
                frames.append(line)
        return frames


def ping(ns, dst, count, interval, size=56, extra=()):
    # -c without -w: exactly count requests, each waited for 2 s at most
    # (with -w, ping would keep sending until count replies came back).
    cmd = nsexec(ns, ['ping', '-n', '-q', '-c', str(count), '-i',
                      str(interval), '-s', str(size), '-W', '2'] +
                 list(extra) + [dst])
    p = run(cmd, 'ping', timeout=count * interval * 4 + 60, check=False)
    m = re.search(r'(\d+) packets transmitted, (\d+) received', p.stdout)
    rtt = re.search(r'= ([\d.]+)/([\d.]+)/([\d.]+)/([\d.]+) ms', p.stdout)
    if not m:
        raise Failure('ping printed no summary (exit %d):\n%s%s' %
                      (p.returncode, p.stdout, p.stderr))
    return int(m.group(1)), int(m.group(2)), \
        tuple(float(x) for x in rtt.groups()) if rtt else None, p.stdout


def diag(hostd, tp, ports):
    """After a loss: every non-zero counter on both sides, to say where."""
    for i, p in enumerate(ports):
        log('  diag %s host: %s' % (p, hostd.stats_full(p)))
        log('  diag %s: %s' % (p, ' '.join(
            l.split(':', 1)[1].strip() for l in hostd.command('stats ' + p))))
        xs, _ = tp.xstats(i)
        log('  diag port %d xstats: %s' % (i, {k: v for k, v in xs.items()
                                               if v}))
        # Frames the driver placed on tx that the host has not taken yet?
        sent = xs.get('tx_good_packets', 0)
        took = hostd.stats(p)['tx_frames']
        if took < sent:
            t0 = time.monotonic()
            try:
                wait_for(lambda: hostd.stats(p)['tx_frames'] >= sent, 5,
                         'x', 0.05)
                log('  diag %s: the host took the last %d of the %d frames '
                    'the driver sent only %.2f s later' %
                    (p, sent - took, sent, time.monotonic() - t0))
            except Failure:
                log('  diag %s: %d of the %d frames the driver sent never '
                    'reached the host (5 s)' % (p, sent - took, sent))


def check_frames(res, what, frames, n, vlan, avp_mac):
    req = [f for f in frames if 'ICMP echo request' in f]
    rep = [f for f in frames if 'ICMP echo reply' in f]
    res.equal('%s: tcpdump saw every echo request' % what, len(req), n)
    res.equal('%s: tcpdump saw every echo reply' % what, len(rep), n)
    bad = [f for f in frames if re.search(r'bad cksum|truncated|\[\|',
                                          f, re.I)]
    res.equal('%s: no malformed frame (bad checksum, truncated)' % what,
              bad, [])
    src_ok = [f for f in rep if f.split()[1].lower() == avp_mac]
    res.equal('%s: replies come from the AVP port MAC %s' %
              (what, avp_mac), len(src_ok), n)
    if vlan is not None:
        tagged = [f for f in req + rep if 'ethertype 802.1Q' in f and
                  'vlan %d,' % vlan in f]
        res.equal('%s: requests and replies carry VLAN %d' % (what, vlan),
                  len(tagged), 2 * n)
    else:
        res.check('%s: frames untagged' % what,
                  not any('802.1Q' in f for f in req + rep), '')


def case_ping(res, wd):
    """ping, jumbo ping and VLAN ping answered by testpmd icmpecho."""
    cln = Cleanup()
    try:
        net = Net(cln)
        ns = net.netns('ping')
        tap = net.tap_name('p')
        cln.push('tap ' + tap, tap_gone, tap)
        sock = os.path.join(wd, 'ping.sock')
        hostd = Hostd(ARGS.hostd, ['avp0,socket=%s,mode=tap,tap=%s' %
                                   (sock, tap)], cln, cpu=0,
                      logfile=os.path.join(wd, 'hostd-ping.log'))
        net.move_tap(tap, ns, '10.231.0.1/24')
        tp = Testpmd(ARGS.testpmd, 'avp-e2e-ping-%d' % os.getpid(),
                     ['net_avp_emu0,socket=' + sock], cln,
                     app_args=['--port-topology=loop',
                               '--forward-mode=icmpecho'],
                     logfile=os.path.join(wd, 'testpmd-ping.log'))
        mac = re.search(r'MAC address: (\S+)', tp.port_info(0)).group(1)
        mac = mac.lower()
        tp.cmd('start')

        # 1000 pings, 2 ms apart, tcpdump watching.
        dump = Tcpdump(ns, tap, os.path.join(wd, 'ping.pcap'), cln)
        sent, got, rtt, out = ping(ns, '10.231.0.2', PING_COUNT, 0.002)
        frames = dump.stop()
        res.equal('ping: %d echo requests sent' % PING_COUNT, sent,
                  PING_COUNT)
        if not res.equal('ping: no loss', got, sent):
            diag(hostd, tp, ['avp0'])
        if rtt:
            log('  RTT min/avg/max/mdev = %.3f/%.3f/%.3f/%.3f ms '
                '(%d pings, 64 bytes)' % (rtt + (PING_COUNT,)))
        check_frames(res, 'ping', frames, PING_COUNT, None, mac)
        h = hostd.stats('avp0')
        res.check('host TAP bridge: frames both ways (to_tap %d, from_tap '
                  '%d, dropped %d)' % (h['to_tap'], h['from_tap'],
                                       h['to_tap_dropped'] +
                                       h['from_tap_dropped']),
                  h['to_tap'] >= PING_COUNT and
                  h['from_tap'] >= PING_COUNT and
                  h['to_tap_dropped'] == 0 and h['from_tap_dropped'] == 0,
                  str(h))

        # Jumbo: MTU 9000 on the TAP and on the AVP port.
        tp.cmd('stop')
        tp.cmd('port stop 0')
        for c in ('port config mtu 0 9000', 'port config 0 rx_offload '
                  'scatter on', 'port config 0 tx_offload multi_segs on'):
            out = tp.cmd(c)
            res.check('%s accepted' % c, 'rror' not in out and
                      'nvalid' not in out, out)
        out = tp.cmd('port start 0')
        res.check('port start 0 with MTU 9000', 'Fail' not in out, out)
        run(nsexec(ns, ['ip', 'link', 'set', tap, 'mtu', '9000']),
            'TAP MTU 9000')
        tp.cmd('start')
        wait_for(lambda: hostd.state('avp0')['link'] == 'up', 20,
                 'the AVP link to come back up')
        dump = Tcpdump(ns, tap, os.path.join(wd, 'jumbo.pcap'), cln)
        sent, got, rtt, out = ping(ns, '10.231.0.2', 100, 0.01, size=8000,
                                   extra=['-M', 'do'])
        frames = dump.stop()
        if not res.equal('8000-byte pings (no fragmentation): no loss',
                         (sent, got), (100, 100)):
            diag(hostd, tp, ['avp0'])
        if rtt:
            log('  RTT min/avg/max/mdev = %.3f/%.3f/%.3f/%.3f ms '
                '(100 pings, 8000 bytes)' % rtt)
        check_frames(res, 'jumbo', frames, 100, None, mac)
        lens = [int(m.group(1)) for f in frames if 'ICMP echo reply' in f
                for m in [re.search(r'length (\d+):', f)] if m]
        res.check('jumbo: every reply frame is 8042 bytes on the wire',
                  lens and all(x == 8042 for x in lens), str(set(lens)))

        # VLAN 100: tagged echo requests on the TAP (through an 802.1Q
        # interface, or a raw socket where the kernel has no 802.1Q
        # support); the tag rides in the frame through the host and the
        # driver, and testpmd answers inside it.
        dump = Tcpdump(ns, tap, os.path.join(wd, 'vlan.pcap'), cln)
        vdev = tap[:10] + '.100'
        p = run(nsexec(ns, ['ip', 'link', 'add', 'link', tap, 'name', vdev,
                            'type', 'vlan', 'id', '100']), 'add VLAN 100',
                check=False)
        if p.returncode == 0:
            run(nsexec(ns, ['ip', 'addr', 'add', '10.231.1.1/24', 'dev',
                            vdev]), 'VLAN address')
            run(nsexec(ns, ['ip', 'link', 'set', vdev, 'up']), 'VLAN up')
            sent, got, rtt, out = ping(ns, '10.231.1.2', 100, 0.005)
            how = '802.1Q interface'
        else:
            log('  (no 802.1Q interfaces here: %s; tagged frames from a raw '
                'socket instead)' % p.stderr.strip())
            p = run(nsexec(ns, [sys.executable, os.path.join(
                os.path.dirname(os.path.abspath(__file__)), 'vlan_ping.py'),
                tap, mac, '10.231.1.1', '10.231.1.2', '100', '100']),
                'vlan_ping.py', timeout=300, check=False)
            try:
                r = json.loads(p.stdout.strip().splitlines()[-1])
            except (ValueError, IndexError):
                raise Failure('vlan_ping.py: %s %s' % (p.stdout, p.stderr))
            sent, got, rtt = r['sent'], r['good'], r.get('rtt_ms')
            if r['errors']:
                log('  vlan_ping errors: %s' % r['errors'])
            how = 'raw socket, replies checked byte for byte'
        frames = dump.stop()
        if not res.equal('VLAN 100 echo (%s): no loss' % how, (sent, got),
                         (100, 100)):
            diag(hostd, tp, ['avp0'])
        check_frames(res, 'vlan', frames, 100, 100, mac)
        st = tp.fwd_stats(tp.cmd('stop'))
        res.check('testpmd answered on port 0 (TX-packets %d)' %
                  st[0]['TX-packets'], st[0]['TX-packets'] >= 200, str(st))
        rc = tp.quit()
        res.equal('testpmd exits with 0', rc, 0)
        check_violations(res, hostd, 'avp0', 'host checker: no ABI violation')
        rc, _ = hostd.quit()
        res.equal('avp-hostd exits with 0', rc, 0)
    finally:
        cln.run()


def case_iperf3(res, wd):
    """iperf3 TCP between two namespaces through testpmd io forwarding."""
    cln = Cleanup()
    try:
        net = Net(cln)
        nsa, nsb = net.netns('a'), net.netns('b')
        taps = [net.tap_name('a'), net.tap_name('b')]
        for t in taps:
            cln.push('tap ' + t, tap_gone, t)
        socks = [os.path.join(wd, 'ip%d.sock' % i) for i in (0, 1)]
        hostd = Hostd(ARGS.hostd, ['avp%d,socket=%s,mode=tap,tap=%s' %
                                   (i, socks[i], taps[i]) for i in (0, 1)],
                      cln, cpu=0, logfile=os.path.join(wd,
                                                       'hostd-iperf.log'))
        net.move_tap(taps[0], nsa, '10.231.2.1/24')
        net.move_tap(taps[1], nsb, '10.231.2.2/24')
        tp = Testpmd(ARGS.testpmd, 'avp-e2e-iperf-%d' % os.getpid(),
                     ['net_avp_emu%d,socket=%s' % (i, socks[i])
                      for i in (0, 1)], cln,
                     app_args=['--forward-mode=io'],
                     logfile=os.path.join(wd, 'testpmd-iperf.log'))
        tp.cmd('start')
        sent, got, rtt, out = ping(nsa, '10.231.2.2', 20, 0.01)
        if not res.equal('namespace a pings namespace b across testpmd',
                         (sent, got), (20, 20)):
            diag(hostd, tp, ['avp0', 'avp1'])
        srv = subprocess.Popen(nsexec(nsb, ['iperf3', '-s', '-1', '-B',
                                            '10.231.2.2']),
                               stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True)
        cln.push('stop iperf3 server', stop_process, srv, 'iperf3 -s')
        # The server is ready once its port accepts connections.
        wait_for(lambda: run(nsexec(nsb, ['ss', '-ltn', 'sport', '= :5201']),
                             'ss').stdout.count('LISTEN') > 0, 20,
                 'iperf3 server to listen')
        secs = ARGS.iperf_seconds
        p = run(nsexec(nsa, ['iperf3', '-c', '10.231.2.2', '-t', str(secs),
                             '-J', '--connect-timeout', '5000']),
                'iperf3 client', timeout=secs + 60, check=False)
        try:
            j = json.loads(p.stdout)
        except ValueError:
            raise Failure('iperf3 printed no JSON (exit %d): %s %s' %
                          (p.returncode, p.stdout[-1000:], p.stderr))
        res.check('iperf3 ran without error', p.returncode == 0 and
                  'error' not in j, j.get('error', ''))
        end = j.get('end', {})
        rx = end.get('sum_received', {})
        tx = end.get('sum_sent', {})
        gbps = rx.get('bits_per_second', 0) / 1e9
        log('  iperf3 TCP a -> b for %d s: %.2f Gbit/s received, %d bytes, '
            '%d retransmits' % (secs, gbps, rx.get('bytes', 0),
                                tx.get('retransmits', -1)))
        res.check('iperf3 moved data for %d s (%.2f Gbit/s)' % (secs, gbps),
                  rx.get('bytes', 0) > 0 and rx.get('seconds', 0) >= secs - 1,
                  str(rx))
        srv.wait(20)
        res.equal('iperf3 server exits with 0', srv.returncode, 0)
        st = tp.fwd_stats(tp.cmd('stop'))
        res.check('testpmd forwarded both ways', st[0]['TX-packets'] > 0 and
                  st[1]['TX-packets'] > 0, str(st))
        h = [hostd.stats(p) for p in ('avp0', 'avp1')]
        log('  where TCP segments were dropped: testpmd TX-dropped %d/%d, '
            'TAP write %d/%d, TAP to port %d/%d, host rx %d/%d' % (
                st[0]['TX-dropped'], st[1]['TX-dropped'],
                h[0]['to_tap_dropped'], h[1]['to_tap_dropped'],
                h[0]['from_tap_dropped'], h[1]['from_tap_dropped'],
                h[0]['rx_dropped'], h[1]['rx_dropped']))
        rc = tp.quit()
        res.equal('testpmd exits with 0', rc, 0)
        for p in ('avp0', 'avp1'):
            check_violations(res, hostd, p,
                             'host checker: no ABI violation on %s' % p)
        rc, _ = hostd.quit()
        res.equal('avp-hostd exits with 0', rc, 0)
    finally:
        cln.run()


CASES = [('ping', case_ping), ('iperf3', case_iperf3)]


def main(res, cln, wd):
    del cln
    check_capabilities()
    for name, fn in CASES:
        if ARGS.cases and name not in ARGS.cases:
            continue
        log('== %s: %s' % (name, fn.__doc__.strip().splitlines()[0]))
        try:
            fn(res, wd)
        except Failure as e:
            res.fail(name, str(e))


if __name__ == '__main__':
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--testpmd', required=True)
    ap.add_argument('--hostd', required=True)
    ap.add_argument('--iperf-seconds', type=int, default=5)
    ap.add_argument('cases', nargs='*', help='ping, iperf3')
    ARGS = ap.parse_args()
    need_file(ARGS.testpmd, 'dpdk-testpmd')
    need_file(ARGS.hostd, 'avp-hostd')
    run_main('netstack', main)
