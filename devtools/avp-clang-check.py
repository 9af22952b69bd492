#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The AVP PMD authors
"""Compile the driver's files with clang, as the build compiles them.

Takes each drivers/net/avp command of a build directory's
compile_commands.json (made for gcc), runs it with clang instead and
fails on any diagnostic: the driver builds without a warning with both
compilers on every DPDK release. DPDK's own headers carry gcc-only
pragmas and version tests when the tree was configured for gcc; the two
flags added for that touch DPDK's headers only (this driver has no
pragmas). Exits 77 when clang is missing.
"""
import json
import shlex
import shutil
import subprocess
import sys

# gcc flags clang does not know, and what DPDK's gcc-configured headers need.
DROP = {'-Wno-packed-not-aligned', '-Wno-format-truncation',
        '-Wno-zero-length-bounds', '-MD'}
ADD = ['-Wno-unknown-warning-option', '-DGCC_VERSION=0']


def main():
    build = sys.argv[1]
    if shutil.which('clang') is None:
        print('clang not found: skipped')
        return 77
    cmds = json.load(open(build + '/compile_commands.json'))
    done = bad = 0
    for c in cmds:
        if 'libtmp_rte_net_avp.a.p/' not in c['command']:
            continue
        args = shlex.split(c['command'])
        while args[0] == 'ccache':
            args.pop(0)
        cmd, i = ['clang'], 1
        while i < len(args):
            if args[i] in ('-MQ', '-MF', '-o'):
                i += 2
                continue
            if args[i] not in DROP:
                cmd.append(args[i])
            i += 1
        r = subprocess.run(cmd + ADD + ['-o', '/dev/null'],
                           cwd=c['directory'], capture_output=True,
                           text=True)
        done += 1
        if r.returncode != 0 or r.stderr.strip():
            bad += 1
            print('%s:\n%s' % (c['file'], r.stderr))
    print('clang: %d driver files, %d with diagnostics' % (done, bad))
    return 1 if bad or not done else 0


if __name__ == '__main__':
    sys.exit(main())
