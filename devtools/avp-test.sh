#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The AVP PMD authors
#
# README command 2: set up what is missing, then run every test of this
# project (DPDK's own test suites are not run):
#   1. the whole suite on the release build (build/);
#   2. the driver and emulator suites again on a build with AddressSanitizer
#      and UndefinedBehaviorSanitizer (build-sanitize/), where any report
#      fails the test.
# Extra arguments go to `meson test` (a suite or test name, for instance);
# AVP_SANITIZE=0 skips stage 2.
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
build=${AVP_BUILD_DIR:-$top/build}
san_build=${AVP_SANITIZE_BUILD_DIR:-$build-sanitize}
rc=0

"$top/devtools/avp-setup.sh"
meson test -C "$build" --no-rebuild --no-suite dpdk --print-errorlogs "$@" ||
	rc=$?
logs="$build/meson-logs/testlog.json"

if [ "${AVP_SANITIZE:-1}" != 0 ]; then
	echo "avp-test: sanitizer stage (ASan + UBSan)"
	AVP_BUILD_DIR=$san_build \
	AVP_MESON_OPTS="-Db_sanitize=address,undefined -Db_lundef=false" \
		"$top/devtools/avp-setup.sh"
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:halt_on_error=1 \
	UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
	meson test -C "$san_build" --no-rebuild --no-suite dpdk \
		--suite avp --suite emu --suite fuzz --print-errorlogs "$@" || rc=$?
	logs="$logs $san_build/meson-logs/testlog.json"
fi

# One closing line any CI reads: "N passed, N failed, N skipped".
# shellcheck disable=SC2086
python3 - $logs <<'PY' || rc=1
import json, sys
res = [json.loads(l)["result"] for f in sys.argv[1:] for l in open(f) if l.strip()]
ok = sum(r in ("OK", "EXPECTEDFAIL") for r in res)
skip = sum(r == "SKIP" for r in res)
print("avp-test: %d passed, %d failed, %d skipped" % (ok, len(res) - ok - skip, skip))
sys.exit(0 if res else 1)
PY
exit $rc
