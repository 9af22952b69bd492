#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The AVP PMD authors
"""Register the AVP test suites in DPDK's app/test/meson.build.

Adds every app/test/test_avp*.c of this repository (and the in-process host
emulator they drive) to dpdk-test. Two layouts:

- DPDK 22.11 defines dpdk-test in app/test/meson.build itself: the block
  goes just before it, and registers avp_autotest as a fast test (no-huge
  and ASan capable) and avp_perf_autotest as a perf test.
- DPDK 23.11 and later build app/test from app/meson.build with the
  sources, deps and includes app/test/meson.build sets: the block goes at
  the end and adds to those. This project's meson.build registers the
  tests it runs.

DPDK 25.11 compiles BPF programs for test_bpf into headers whose arrays
xxd names after the input's path, which carries subprojects/dpdk-25.11/
when DPDK is a subproject: that subdir is left out (test_bpf then runs
without its ELF cases; nothing of this project needs them).

Idempotent: the block is inserted once and replaced if it changed.
"""
import sys
from pathlib import Path

BEGIN = "# >>> net/avp (devtools/avp-patch-dpdk.py)\n"
END = "# <<< net/avp\n"
BLOCK_22 = BEGIN + """\
if dpdk_conf.has('RTE_NET_AVP')
    subdir('avp-host-lib')
    test_sources += files(@TEST_FILES@) + avp_emu_sources
    fast_tests += [['avp_autotest', true, true]]
    perf_test_names += 'avp_perf_autotest'
    test_dep_objs += get_variable(get_option('default_library') +
            '_rte_net_avp')
    test_dep_objs += declare_dependency(
            include_directories: avp_emu_includes,
            dependencies: dependency('threads'))
endif
""" + END
BLOCK_23 = BEGIN + """\
if dpdk_conf.has('RTE_NET_AVP')
    subdir('avp-host-lib')
    sources += files(@TEST_FILES@) + avp_emu_sources
    deps += 'net_avp'
    ext_deps += declare_dependency(
            include_directories: avp_emu_includes,
            dependencies: dependency('threads'))
endif
""" + END
BPF_OFF = "# subdir('bpf'): left out by devtools/avp-patch-dpdk.py"
# DPDK 22.11: test_dep_objs is filled from test_deps just above this line,
# so the block must come after that loop.
ANCHOR_22 = "dpdk_test = executable('dpdk-test',"


def main():
    meson_build = Path(sys.argv[1]) / "app" / "test" / "meson.build"
    repo_tests = Path(__file__).resolve().parent.parent / "app" / "test"
    tests = sorted(p.name for p in repo_tests.glob("test_avp*.c"))
    files = ", ".join("'%s'" % t for t in tests)
    old = meson_build.read_text()
    text = old
    if BEGIN in text:
        head, rest = text.split(BEGIN, 1)
        _, tail = rest.split(END, 1)
        text = head + tail
    if ANCHOR_22 in text:
        block = BLOCK_22.replace("@TEST_FILES@", files)
        text = text.replace(ANCHOR_22, block + "\n" + ANCHOR_22, 1)
    elif "source_file_deps" in text:
        text = text.rstrip("\n") + "\n\n" + \
            BLOCK_23.replace("@TEST_FILES@", files)
    else:
        sys.exit("avp-patch-dpdk: unknown layout of " + str(meson_build))
    text = text.replace("\nsubdir('bpf')\n", "\n" + BPF_OFF + "\n")
    if text != old:
        meson_build.write_text(text)


if __name__ == "__main__":
    main()
