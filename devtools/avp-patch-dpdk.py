#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The AVP PMD authors
"""Register the AVP test suite in DPDK's app/test/meson.build.

Adds every app/test/test_avp*.c of this repository (and the in-process host
emulator they drive) to dpdk-test,
avp_autotest to the fast tests (no-huge and ASan capable) and
avp_perf_autotest to the perf tests. Idempotent: the block is inserted once,
just before dpdk-test is defined, and replaced if it changed.
"""
import sys
from pathlib import Path

BEGIN = "# >>> net/avp (devtools/avp-patch-dpdk.py)\n"
END = "# <<< net/avp\n"
BLOCK = BEGIN + """\
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
ANCHOR = "dpdk_test = executable('dpdk-test',"


def main():
    meson_build = Path(sys.argv[1]) / "app" / "test" / "meson.build"
    repo_tests = Path(__file__).resolve().parent.parent / "app" / "test"
    tests = sorted(p.name for p in repo_tests.glob("test_avp*.c"))
    block = BLOCK.replace("@TEST_FILES@", ", ".join("'%s'" % t for t in tests))
    text = meson_build.read_text()
    if BEGIN in text:
        head, rest = text.split(BEGIN, 1)
        _, tail = rest.split(END, 1)
        text = head + tail
    if ANCHOR not in text:
        sys.exit("avp-patch-dpdk: anchor not found in " + str(meson_build))
    # test_dep_objs is filled from test_deps just above the anchor; the
    # block adds its own objects so it must come after that loop.
    new = text.replace(ANCHOR, block + "\n" + ANCHOR, 1)
    if new != meson_build.read_text():
        meson_build.write_text(new)


if __name__ == "__main__":
    main()
