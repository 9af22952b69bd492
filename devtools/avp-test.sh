#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The AVP PMD authors
#
# README command 2: set up what is missing, then run every test of this
# project (DPDK's own test suites are not run). Extra arguments go to
# `meson test` (a suite or test name, for instance).
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
build=${AVP_BUILD_DIR:-$top/build}
"$top/devtools/avp-setup.sh"
rc=0
meson test -C "$build" --no-rebuild --no-suite dpdk --print-errorlogs "$@" || rc=$?
# One closing line any CI reads: "N passed, N failed, N skipped".
python3 - "$build/meson-logs/testlog.json" <<'PY' || rc=1
import json, sys
res = [json.loads(l)["result"] for l in open(sys.argv[1]) if l.strip()]
ok = sum(r in ("OK", "EXPECTEDFAIL") for r in res)
skip = sum(r == "SKIP" for r in res)
print("avp-test: %d passed, %d failed, %d skipped" % (ok, len(res) - ok - skip, skip))
sys.exit(0 if res else 1)
PY
exit $rc
