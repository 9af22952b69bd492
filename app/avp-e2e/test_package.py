#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The AVP PMD authors
"""The driver as a Debian package, in Debian 12's own DPDK.

devtools/avp-package.sh builds librte-net-avp23 against the packaged DPDK
22.11.11; the test installs it with dpkg and runs Debian's
/usr/bin/dpdk-testpmd, without -d: EAL loads the driver (and the ring
mempool driver) from the PMD directory. avp-hostd port avp0 generates
numbered, checksummed frames, testpmd forwards them (io mode) to avp1,
whose host side verifies every one. At the end the package state from
before the test is restored: Debian's librte-net-avp23 again (libdpdk-dev
depends on it), or none. Root, dpkg and apt needed, else skipped (77).

  test_package.py --hostd PATH
"""

import argparse
import glob
import os
import re
import shutil
import subprocess
import sys
import time

sys.dont_write_bytecode = True     # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from avp_e2e import (Failure, Hostd, Skipped, Testpmd, check_violations,  # noqa
                     log, need_file, run_main, wait_for)

ARGS = None
TOP = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
PKG = 'librte-net-avp23'
DEB_DPDK = '22.11.11-0+deb12u1'
VERSION = DEB_DPDK + '+avp1'
TESTPMD = '/usr/bin/dpdk-testpmd'
MULTIARCH = 'x86_64-linux-gnu'
PMD_LINK = '/usr/lib/%s/dpdk/pmds-23.0/librte_net_avp.so.23' % MULTIARCH
SECONDS = 2


def sh(cmd, what, timeout=900, cwd=None):
    p = subprocess.run(cmd, capture_output=True, text=True, cwd=cwd,
                       timeout=timeout,
                       env=dict(os.environ, DEBIAN_FRONTEND='noninteractive'))
    if p.returncode != 0:
        raise Failure('%s failed (exit %d): %s\n%s%s' % (
            what, p.returncode, ' '.join(cmd), p.stdout[-3000:],
            p.stderr[-3000:]))
    return p.stdout


def pkg_version(name):
    """The installed version of a package, or None."""
    p = subprocess.run(['dpkg-query', '-W', '-f=${Status} ${Version}', name],
                       capture_output=True, text=True)
    m = re.match(r'install ok installed (\S+)$', p.stdout.strip())
    return m.group(1) if m else None


def need_debian_dpdk():
    """Root, dpkg, apt, Debian 12's DPDK 22.11.11; installs libdpdk-dev
    (the build's) and dpdk-dev (/usr/bin/dpdk-testpmd) when missing.
    """
    if os.getuid() != 0:
        raise Skipped('not root: dpkg -i needs root')
    for t in ('dpkg', 'dpkg-query', 'apt-get', 'apt-cache'):
        if not shutil.which(t):
            raise Skipped('no %s on this machine' % t)
    if subprocess.run(['dpkg', '--print-architecture'], capture_output=True,
                      text=True).stdout.strip() != 'amd64':
        raise Skipped('not an amd64 Debian')
    want = [p for p in ('libdpdk-dev', 'dpdk-dev') if pkg_version(p) is None]
    if want:
        pol = subprocess.run(['apt-cache', 'policy', 'libdpdk-dev'],
                             capture_output=True, text=True).stdout
        m = re.search(r'Candidate:\s*(\S+)', pol)
        if not m or m.group(1) != DEB_DPDK:
            raise Skipped('apt offers libdpdk-dev %s, not Debian 12\'s %s' %
                          (m.group(1) if m else 'none', DEB_DPDK))
        log('  installing %s (Debian\'s DPDK and its dpdk-testpmd)' %
            ' '.join(want))
        for cmd in (['apt-get', 'update', '-qq'],
                    ['apt-get', 'install', '-y', '-qq',
                     '--no-install-recommends'] + want):
            p = subprocess.run(cmd, capture_output=True, text=True,
                               env=dict(os.environ,
                                        DEBIAN_FRONTEND='noninteractive'))
            if p.returncode != 0:
                raise Skipped('apt cannot install %s: %s' % (
                    ' '.join(want), (p.stderr or p.stdout)[-500:]))
    if pkg_version('libdpdk-dev') != DEB_DPDK:
        raise Skipped('libdpdk-dev %s installed, not %s' %
                      (pkg_version('libdpdk-dev'), DEB_DPDK))
    if not os.access(TESTPMD, os.X_OK):
        raise Skipped('%s missing although dpdk-dev is installed' % TESTPMD)


def restore(prior, saved):
    """Back to the package state from before the test."""
    now = pkg_version(PKG)
    if prior == now and prior != VERSION:
        return
    if prior == VERSION:
        log('  cleanup: leaving %s %s installed, as it was' % (PKG, VERSION))
        return
    if prior is None:
        sh(['dpkg', '-r', PKG], 'dpkg -r ' + PKG)
    else:
        sh(['dpkg', '-i', saved], 'reinstalling Debian\'s %s %s' % (PKG,
                                                                  prior))
    log('  cleanup: %s back to %s' % (PKG, prior or 'not installed'))
    if pkg_version(PKG) != prior:
        raise Failure('%s is %s, not %s as before the test' % (
            PKG, pkg_version(PKG), prior))


def install(res, cln, wd):
    t = time.monotonic()
    out = sh(['sh', os.path.join(TOP, 'devtools', 'avp-package.sh'),
              os.path.join(wd, 'package')], 'devtools/avp-package.sh')
    deb = out.strip().splitlines()[-1] if out.strip() else ''
    res.check('avp-package.sh built %s in %.0f s' % (
        os.path.basename(deb), time.monotonic() - t),
        deb.endswith('.deb') and os.path.isfile(deb), out[-1000:])
    fields = sh(['dpkg-deb', '-f', deb, 'Package', 'Version', 'Provides'],
                'dpkg-deb -f')
    res.check('the package is %s %s' % (PKG, VERSION),
              'Package: %s\n' % PKG in fields and
              'Version: %s\n' % VERSION in fields, fields)

    # The state to come back to, and Debian's package to come back with
    # (fetched now, so that the clean-up needs no network).
    prior = pkg_version(PKG)
    saved = None
    if prior not in (None, VERSION):
        sh(['apt-get', 'download', '-q', '%s=%s' % (PKG, prior)],
           'saving Debian\'s %s %s' % (PKG, prior), cwd=wd)
        saved = glob.glob(os.path.join(wd, PKG + '_*.deb'))[0]
    log('  %s before the test: %s' % (PKG, prior or 'not installed'))
    cln.push('restore ' + PKG, restore, prior, saved)

    sh(['dpkg', '-i', deb], 'dpkg -i ' + deb)
    res.equal('dpkg -s %s: version' % PKG, pkg_version(PKG), VERSION)
    res.check('the PMD directory has %s' % PMD_LINK,
              os.path.islink(PMD_LINK) and os.path.isfile(PMD_LINK))
    sh(['dpkg', '--verify', PKG], 'dpkg --verify ' + PKG)
    res.check('dpkg --verify: the installed files are the package\'s', True)
    p = subprocess.run(['apt-get', 'check', '-q'], capture_output=True,
                       text=True)
    res.check('apt-get check: libdpdk-dev\'s dependency on %s (= %s) still '
              'holds' % (PKG, DEB_DPDK), p.returncode == 0,
              p.stdout[-1500:] + p.stderr[-1500:])


def forward(res, cln, wd):
    ports = ['avp0,socket=%s/avp0.sock,mode=gen' % wd,
             'avp1,socket=%s/avp1.sock,mode=sink' % wd]
    hostd = Hostd(ARGS.hostd, ports, cln, cpu=0,
                  logfile=os.path.join(wd, 'hostd.log'))
    vdevs = ['net_avp_emu%d,socket=%s/avp%d.sock' % (i, wd, i)
             for i in (0, 1)]
    tp = Testpmd(TESTPMD, 'avp-e2e-package-%d' % os.getpid(), vdevs, cln,
                 app_args=['--forward-mode=io', '--nb-cores=1'],
                 logfile=os.path.join(wd, 'testpmd.log'))
    res.check('Debian\'s dpdk-testpmd started without -d',
              not any(a == '-d' for a in tp.cmdline), ' '.join(tp.cmdline))
    with open('/proc/%d/maps' % tp.proc.pid) as f:
        maps = f.read()
    res.check('testpmd mapped librte_net_avp.so.23.0 from the PMD directory',
              '/dpdk/pmds-23.0/librte_net_avp.so.23.0' in maps)
    for p in (0, 1):
        info = tp.port_info(p)
        m = re.search(r'^Driver name:\s*(\S+)', info, re.M)
        res.equal('show port info %d: driver' % p, m and m.group(1),
                  'net_avp_emu')
    tp.cmd('clear port stats all')
    tp.cmd('start')
    wait_for(lambda: hostd.stats('avp1')['sink_frames'] > 0, 30,
             'the first forwarded frame at avp1')
    time.sleep(SECONDS)     # how long traffic runs, not a synchronisation
    out = tp.cmd('stop')
    st = tp.fwd_stats(out)
    if 0 not in st or 1 not in st:
        raise Failure('stop printed no forward statistics:\n' + out)
    sent = st[1]['TX-packets']
    h = wait_for(lambda: (lambda x: x['tx_frames'] >= sent and x)(
        hostd.stats('avp1')), 30, 'avp1 to take the %d frames testpmd '
        'sent' % sent, 0.1)
    g = hostd.stats('avp0')
    log('  avp0 generated %d; testpmd received %d, sent %d (%d dropped); '
        'avp1 verified %d, %d bad' % (
            g['gen_frames'], st[0]['RX-packets'], sent,
            st[1]['TX-dropped'], h['sink_frames'], h['sink_bad']))
    res.check('frames forwarded in %d s: %d (> 1000)' % (SECONDS, sent),
              sent > 1000)
    res.equal('testpmd: port 0 RX = port 1 TX + TX-dropped',
              st[0]['RX-packets'], sent + st[1]['TX-dropped'])
    res.check('avp0 generated at least what testpmd received',
              g['gen_frames'] >= st[0]['RX-packets'], str(g))
    res.equal('avp1 took exactly what testpmd sent', h['tx_frames'], sent)
    res.equal('avp1 verified every frame it took', h['sink_frames'], sent)
    res.equal('avp1: every frame intact (sink_bad)', h['sink_bad'], 0)
    for p in ('avp0', 'avp1'):
        res.equal('%s: violations' % p, hostd.stats(p)['violations'], 0)
        check_violations(res, hostd, p, 'host checker: no ABI violation on '
                         + p)
    res.equal('testpmd exits with 0 after quit', tp.quit(), 0)
    rc, _ = hostd.quit()
    res.equal('avp-hostd exits with 0 after quit', rc, 0)


def main(res, cln, wd):
    need_file(ARGS.hostd, 'avp-hostd')
    need_debian_dpdk()
    log('== build and install %s %s' % (PKG, VERSION))
    install(res, cln, wd)
    log('== Debian\'s dpdk-testpmd forwards over two AVP ports')
    forward(res, cln, wd)


if __name__ == '__main__':
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--hostd', required=True)
    ARGS = ap.parse_args()
    run_main('package', main)
