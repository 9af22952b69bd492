#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The AVP PMD authors
"""DPDK's examples/skeleton (basicfwd) built the way users build theirs.

The build is installed into a staging directory (meson install --destdir),
then basicfwd.c is compiled outside the DPDK tree with the installed
`pkg-config libdpdk`: once linked statically (--static: every driver,
net_avp included, is in the binary) and once against the shared libraries
(net_avp and the ring mempool driver loaded with EAL's -d). Each binary
forwards between two AVP ports whose host side generates numbered,
checksummed frames of several sizes and verifies what comes back.

  test_basicfwd.py --build DIR --hostd PATH --source FILE
"""

import argparse
import glob
import os
import re
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import time

sys.dont_write_bytecode = True     # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from avp_e2e import (Cleanup, Failure, Hostd, log, remove_runtime_dir,  # noqa
                     run_main, stop_process, wait_for, need_file,
                     check_violations)

ARGS = None
N = 20000                       # frames each port generates
SIZES = '64/1000/1514/60/777'   # used in turn


def sh(cmd, what, env=None, cwd=None, timeout=600):
    p = subprocess.run(cmd, capture_output=True, text=True, env=env,
                       cwd=cwd, timeout=timeout)
    if p.returncode != 0:
        raise Failure('%s failed (exit %d): %s\n%s%s' % (
            what, p.returncode, ' '.join(cmd), p.stdout[-3000:],
            p.stderr[-3000:]))
    return p.stdout


def world_writable_ancestor(path):
    """The first directory on the way to path that anyone may write."""
    path = os.path.realpath(path)
    while True:
        if os.path.exists(path) and os.stat(path).st_mode & stat.S_IWOTH:
            return path
        up = os.path.dirname(path)
        if up == path:
            return None
        path = up


def stage_parent():
    # EAL refuses to load a driver (-d) from below a world-writable
    # directory such as /tmp: stage in the build directory, or else in
    # the user's cache directory.
    cands = [os.path.join(os.path.abspath(ARGS.build), 'app', 'avp-e2e'),
             os.path.join(os.environ.get('XDG_CACHE_HOME') or
                          os.path.expanduser('~/.cache'), 'avp-e2e')]
    for c in cands:
        if world_writable_ancestor(c) is None:
            return c
    raise Failure('no staging directory without a world-writable parent '
                  '(EAL -d refuses those): tried %s' % ', '.join(
                      '%s (%s is world-writable)' %
                      (c, world_writable_ancestor(c)) for c in cands))


def stage_install(cln):
    parent = stage_parent()
    if not os.path.isdir(parent):
        os.makedirs(parent)
        cln.push('remove ' + parent, os.rmdir, parent)
    stage = tempfile.mkdtemp(prefix='basicfwd-stage.', dir=parent)
    cln.push('remove ' + stage, shutil.rmtree, stage, True)
    sh(['meson', 'install', '-C', ARGS.build, '--no-rebuild', '--quiet',
        '--destdir', stage], 'meson install --destdir', timeout=900)
    pcs = glob.glob(os.path.join(stage, '**', 'pkgconfig', 'libdpdk.pc'),
                    recursive=True)
    if len(pcs) != 1:
        raise Failure('expected one installed libdpdk.pc under %s, found %s'
                      % (stage, pcs))
    pcdir = os.path.dirname(pcs[0])
    libdir = os.path.dirname(pcdir)
    # The .pc files name the real prefix: point the staged ones at the
    # staged tree. PKG_CONFIG_PATH puts them before the system's, which
    # still provide what libdpdk.pc requires from the system (libbsd,
    # libelf, ... when DPDK found them at configure time) and whose own
    # libdpdk.pc (Debian's libdpdk-dev, if installed) they shadow.
    for pc in glob.glob(os.path.join(pcdir, '*.pc')):
        with open(pc) as f:
            text = f.read()
        with open(pc, 'w') as f:
            f.write(re.sub(r'^prefix=', 'prefix=' + stage, text, 1, re.M))
    env = dict(os.environ, PKG_CONFIG_PATH=pcdir)
    for v in ('PKG_CONFIG_LIBDIR', 'PKG_CONFIG_SYSROOT_DIR'):
        env.pop(v, None)
    prefix = sh(['pkg-config', '--variable=prefix', 'libdpdk'],
                'pkg-config --variable=prefix', env).strip()
    if not prefix.startswith(stage):
        raise Failure('pkg-config finds libdpdk in %s, not the staged %s' %
                      (prefix, stage))
    return stage, libdir, env


def build(wd, env, static):
    kind = 'static' if static else 'shared'
    cflags = sh(['pkg-config', '--cflags', 'libdpdk'], 'pkg-config --cflags',
                env).split()
    libs_cmd = ['pkg-config', '--libs'] + (['--static'] if static else []) + \
        ['libdpdk']
    libs = sh(libs_cmd, ' '.join(libs_cmd), env).split()
    exe = os.path.join(wd, 'basicfwd-' + kind)
    cc = os.environ.get('CC', 'cc')
    cmd = [cc, '-O2', ARGS.source, '-o', exe] + cflags + libs
    log('  %s build: %s' % (kind, ' '.join(cmd)))
    sh(cmd, 'compiling basicfwd (%s)' % kind, env)
    return exe


def run_basicfwd(res, wd, exe, kind, extra_eal, env):
    cln = Cleanup()
    try:
        d = os.path.join(wd, 'run-' + kind)
        os.mkdir(d)
        ports = ['avp%d,socket=%s/avp%d.sock,size=%s,count=%d' %
                 (i, d, i, SIZES, N) for i in (0, 1)]
        hostd = Hostd(ARGS.hostd, ports, cln, mode='gen', cpu=0,
                      logfile=os.path.join(d, 'hostd.log'))
        prefix = 'avp-e2e-basicfwd-%s-%d' % (kind, os.getpid())
        # basicfwd never exits on its own nor flushes stdout: line-buffer it.
        cmd = ['stdbuf', '-oL', '-eL', exe, '-l', '1', '--no-huge', '-m', '1024', '--no-shconf',
               '--no-pci', '--file-prefix=' + prefix] + extra_eal + \
            ['--vdev', 'net_avp_emu0,socket=%s/avp0.sock' % d,
             '--vdev', 'net_avp_emu1,socket=%s/avp1.sock' % d]
        log('  run: ' + ' '.join(cmd))
        out = open(os.path.join(d, 'basicfwd.log'), 'w')
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT,
                                env=env)
        cln.push('stop basicfwd', lambda: (stop_process(proc, 'basicfwd'),
                                           remove_runtime_dir(prefix)))

        def logtext():
            with open(os.path.join(d, 'basicfwd.log'), errors='replace') as f:
                return f.read()

        def started():
            if proc.poll() is not None:
                raise Failure('basicfwd (%s) exited with %s:\n%s' %
                              (kind, proc.returncode, logtext()[-3000:]))
            return 'forwarding packets' in logtext() and all(
                hostd.state(p)['configured'] == 1 and
                hostd.state(p)['link'] == 'up' for p in ('avp0', 'avp1'))
        wait_for(started, 60, 'basicfwd (%s) to start forwarding and the '
                 'host to see both ports configured, link up' % kind)
        res.check('[%s] basicfwd found both AVP ports and forwards' % kind,
                  logtext().count('MAC:') == 2, logtext()[-2000:])
        for p in ('avp0', 'avp1'):
            wait_for(lambda p=p: hostd.stats(p)['gen_frames'] == N, 60,
                     '%s to generate %d frames' % (p, N))
        # Quiescent: what the sinks count no longer changes.
        last = {}

        def settled():
            now = tuple(hostd.stats(p)['sink_frames'] for p in ('avp0',
                                                                 'avp1'))
            ok = last.get('v') == now and now[0] > 0 and now[1] > 0
            last['v'] = now
            return ok
        wait_for(settled, 60, 'the host sinks to settle', 0.5)
        for p, other in (('avp0', 'avp1'), ('avp1', 'avp0')):
            h = hostd.stats(p)
            log('  [%s] %s: generated %d, %s verified %d forwarded frames, '
                '%d bad' % (kind, other, N, p, h['sink_frames'],
                            h['sink_bad']))
            res.check('[%s] %s got most of the %d frames of %s (%d)' %
                      (kind, p, N, other, h['sink_frames']),
                      h['sink_frames'] >= N * 9 // 10,
                      'only %d arrived' % h['sink_frames'])
            res.check('[%s] %s: no more frames than were generated' %
                      (kind, p), h['sink_frames'] <= N, str(h))
            res.equal('[%s] %s: every frame intact (sink_bad)' % (kind, p),
                      h['sink_bad'], 0)
            check_violations(res, hostd, p,
                             '[%s] %s: no ABI violation' % (kind, p))
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            res.fail('[%s] basicfwd stops on SIGINT' % kind, 'it did not')
        rc, _ = hostd.quit()
        res.equal('[%s] avp-hostd exits with 0' % kind, rc, 0)
    finally:
        cln.run()


def main(res, cln, wd):
    need_file(ARGS.hostd, 'avp-hostd')
    if not os.path.exists(ARGS.source):
        raise Failure('basicfwd.c not found at ' + ARGS.source)
    t = time.monotonic()
    stage, libdir, env = stage_install(cln)
    log('  installed into %s in %.0f s (libdir %s)' %
        (stage, time.monotonic() - t, os.path.relpath(libdir, stage)))
    res.check('pkg-config finds the installed libdpdk %s' %
              sh(['pkg-config', '--modversion', 'libdpdk'], 'pkg-config',
                 env).strip(), True)

    exe = build(wd, env, static=True)
    needed = sh(['readelf', '-d', exe], 'readelf').count('librte_')
    res.equal('static binary needs no librte_*.so', needed, 0)
    run_basicfwd(res, wd, exe, 'static', [], None)

    exe = build(wd, env, static=False)
    res.check('shared binary links librte_ethdev.so',
              'librte_ethdev.so' in sh(['readelf', '-d', exe], 'readelf'))
    pmds = glob.glob(os.path.join(libdir, 'dpdk', 'pmds-*'))
    if len(pmds) != 1:
        raise Failure('no installed driver directory under %s' % libdir)
    avp = os.path.join(pmds[0], 'librte_net_avp.so')
    ring = os.path.join(pmds[0], 'librte_mempool_ring.so')
    for f in (avp, ring):
        if not os.path.exists(f):
            raise Failure('%s was not installed' % f)
    run_env = dict(os.environ, LD_LIBRARY_PATH=libdir + ':' + pmds[0])
    run_basicfwd(res, wd, exe, 'shared', ['-d', ring, '-d', avp], run_env)


if __name__ == '__main__':
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--build', required=True)
    ap.add_argument('--hostd', required=True)
    ap.add_argument('--source', required=True)
    ARGS = ap.parse_args()
    run_main('basicfwd', main)
