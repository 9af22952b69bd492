#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The AVP PMD authors
#
# testpmd io forwarding over AVP, memif and net_ring, in one go on this
# machine, at 64 and 1518 bytes; prints a table of Mpps and writes it into
# doc/guides/nics/avp.rst between the avp-perf-table markers.
#
#   AVP     avp-hostd (loopback mode, service thread on core 0) serves two
#           ports; one testpmd forwards between them on core 1.
#   memif   two testpmd processes, one per core, one memif port each
#           (server and client), both --tx-first: frames bounce.
#   ring    one testpmd, two net_ring ports, on core 1: no copy at all,
#           the ceiling.
# Every testpmd starts its forwarding with 'start tx_first 16' (512 frames
# in flight per port), and the figure is the frames per second that the
# measured testpmd sent out over all its ports (Tx-pps, after a second of
# warm-up).
#
#   devtools/avp-perf-compare.sh [SECONDS]        (default 5 per run)
#
# Environment: AVP_BUILD_DIR (default build); AVP_SKIP_SETUP=1 skips the
# build step; AVP_PERF_NO_DOC=1 leaves avp.rst alone.
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
build=${AVP_BUILD_DIR:-$top/build}
secs=${1:-5}
case $secs in ''|*[!0-9]*|0)
	echo "usage: $0 [SECONDS]   (SECONDS >= 1)" >&2; exit 2;;
esac
if [ "${AVP_SKIP_SETUP:-0}" != 1 ]; then
	"$top/devtools/avp-setup.sh" >&2
fi

exec python3 - "$top" "$build" "$secs" <<'EOF'
import datetime, os, re, shutil, signal, subprocess, sys, tempfile, time

top, build, secs = sys.argv[1], sys.argv[2], int(sys.argv[3])
testpmd = os.path.join(build, 'subprojects/dpdk/app/dpdk-testpmd')
hostd = os.path.join(build, 'app/avp-host/avp-hostd')
for exe in (testpmd, hostd):
    if not os.access(exe, os.X_OK):
        sys.exit('avp-perf-compare: %s is missing' % exe)
run = tempfile.mkdtemp(prefix='avp-perf-compare.')
procs = []


def cleanup():
    for p in procs:
        if p.poll() is None:
            p.kill()
            p.wait()
    shutil.rmtree(run, True)


def say(msg):
    print('avp-perf-compare: ' + msg, file=sys.stderr, flush=True)


class Testpmd:
    def __init__(self, name, lcores, vdevs, size, nports):
        self.log = os.path.join(run, name + '.log')
        self.nports = nports
        cmd = [testpmd, '--lcores', lcores, '--no-huge', '-m', '1024',
               '--no-shconf', '--no-pci', '--file-prefix', name,
               '--log-level', 'pmd.net.memif:error']
        for v in vdevs:
            cmd += ['--vdev', v]
        cmd += ['--', '-i', '--forward-mode=io', '--nb-cores=1',
                '--burst=32', '--txpkts=%d' % size,
                '--max-pkt-len=%d' % max(size, 1518)]
        self.out = open(self.log, 'w')
        self.p = subprocess.Popen(cmd, stdin=subprocess.PIPE,
                                  stdout=self.out, stderr=subprocess.STDOUT,
                                  text=True)
        procs.append(self.p)

    def text(self):
        with open(self.log, errors='replace') as f:
            return f.read()

    def wait_ready(self, timeout=60):
        t0 = time.monotonic()
        while time.monotonic() - t0 < timeout:
            if 'testpmd> ' in self.text():
                return
            if self.p.poll() is not None:
                break
            time.sleep(0.2)
        raise RuntimeError('testpmd did not start: ' + self.text()[-2000:])

    def cmd(self, c):
        self.p.stdin.write(c + '\n')
        self.p.stdin.flush()

    def quit(self):
        try:
            self.cmd('stop')
            self.cmd('quit')
            self.p.stdin.close()
        except OSError:
            pass
        try:
            self.p.wait(30)
        except subprocess.TimeoutExpired:
            self.p.kill()
            self.p.wait()

    def tx_pps(self):
        """Sum of the last Tx-pps figure of every port."""
        v = [int(x) for x in re.findall(r'Tx-pps:\s+(\d+)', self.text())]
        if len(v) < 2 * self.nports:
            raise RuntimeError('no rate in testpmd output: ' +
                               self.text()[-2000:])
        return sum(v[-self.nports:])


def measure(pmds, tested):
    for t in pmds:
        t.wait_ready()
    time.sleep(1)                       # links up (memif connects)
    for t in pmds:
        t.cmd('start tx_first 16')
    time.sleep(1)
    tested.cmd('show port stats all')
    time.sleep(secs)
    tested.cmd('show port stats all')
    time.sleep(0.5)
    for t in pmds:
        t.quit()
    return tested.tx_pps() / 1e6


def run_avp(size):
    socks = [os.path.join(run, 'avp%d.sock' % i) for i in (0, 1)]
    cmd = ['taskset', '-c', '0', hostd, '--mode', 'loopback', '--no-stdin']
    for i, s in enumerate(socks):
        cmd += ['--port', 'avp%d,socket=%s,queues=1' % (i, s)]
    log = open(os.path.join(run, 'hostd.log'), 'w')
    h = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT)
    procs.append(h)
    t0 = time.monotonic()
    while not all(os.path.exists(s) for s in socks):
        if h.poll() is not None or time.monotonic() - t0 > 10:
            raise RuntimeError('avp-hostd did not start')
        time.sleep(0.1)
    t = Testpmd('avp_cmp_avp', '0@0,1@1',
                ['net_avp_emu%d,socket=%s' % (i, s)
                 for i, s in enumerate(socks)], size, 2)
    r = measure([t], t)
    h.send_signal(signal.SIGTERM)
    h.wait(10)
    return r


def run_memif(size):
    sock = os.path.join(run, 'memif.sock')
    a = Testpmd('avp_cmp_memif_a', '0@1,1@1',
                ['net_memif0,role=server,id=0,socket-abstract=no,socket=' +
                 sock], size, 1)
    time.sleep(1)
    b = Testpmd('avp_cmp_memif_b', '0@0,1@0',
                ['net_memif0,role=client,id=0,socket-abstract=no,socket=' +
                 sock], size, 1)
    return measure([a, b], a)


def run_ring(size):
    t = Testpmd('avp_cmp_ring', '0@0,1@1', ['net_ring0', 'net_ring1'],
                size, 2)
    return measure([t], t)


sizes = (64, 1518)
kinds = (('AVP (avp-hostd)', run_avp), ('memif (2 testpmd)', run_memif),
         ('net_ring', run_ring))
res = {}
try:
    for name, fn in kinds:
        for s in sizes:
            say('%s, %d bytes, %d s' % (name, s, secs))
            try:
                res[(name, s)] = '%.3f' % fn(s)
            except Exception as e:  # keep the other columns
                say('%s %d failed: %s' % (name, s, str(e)[-500:]))
                res[(name, s)] = 'failed'
            for p in procs:
                if p.poll() is None:
                    p.kill()
                    p.wait()
            procs.clear()
finally:
    cleanup()

cpu = '?'
with open('/proc/cpuinfo') as f:
    for line in f:
        if line.startswith('model name'):
            cpu = line.split(':', 1)[1].strip()
            break
nproc = os.cpu_count()
date = datetime.datetime.utcnow().strftime('%Y-%m-%d')
w0 = max(len(k[0]) for k in kinds)
hdr = ['Ports', '64 B (Mpps)', '1518 B (Mpps)']
rows = [[name] + [res[(name, s)] for s in sizes] for name, _ in kinds]
w = [max(len(r[i]) for r in rows + [hdr]) for i in range(3)]
sep = '  '.join('=' * x for x in w)
table = [sep, '  '.join(h.ljust(w[i]) for i, h in enumerate(hdr)), sep]
table += ['  '.join(r[i].ljust(w[i]) for i in range(3)) for r in rows]
table += [sep]
table = [t.rstrip() for t in table]
text = ['testpmd io forwarding, one forwarding core, bursts of 32, '
        'measured by', '``devtools/avp-perf-compare.sh`` on %s' % date,
        '(%s, %d CPUs, no hugepages):' % (cpu, nproc), ''] + table + [
        '', 'AVP: avp-hostd in loopback mode on the other core; memif: the',
        'second testpmd on the other core. On a machine shared with other',
        'work the figures vary from run to run; compare within one run.']
print('\n'.join(text))

if os.environ.get('AVP_PERF_NO_DOC') != '1':
    rst = os.path.join(top, 'doc/guides/nics/avp.rst')
    with open(rst) as f:
        doc = f.read()
    b, e = '.. avp-perf-table-begin\n', '.. avp-perf-table-end\n'
    i, j = doc.find(b), doc.find(e)
    if i < 0 or j < i:
        sys.exit('avp-perf-compare: markers not found in ' + rst)
    doc = doc[:i + len(b)] + '\n' + '\n'.join(text) + '\n\n' + doc[j:]
    with open(rst, 'w') as f:
        f.write(doc)
    say('table written into doc/guides/nics/avp.rst')
EOF
