#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The AVP PMD authors
#
# ThreadSanitizer stage: builds what the emulator's tests (suite emu) and
# avp_autotest need (its migration, hot-plug, control-thread and data
# path suites) with -fsanitize=thread in $AVP_TSAN_BUILD_DIR (default
# build-tsan), runs them, and fails on any ThreadSanitizer report:
#   devtools/avp-tsan.sh [meson test options]
# Extra arguments replace the default selection (for instance
# `devtools/avp-tsan.sh --suite emu`). Suppressions, each with its reason:
# devtools/avp-tsan.supp. Reports are kept in $build/tsan/. Prints
# "avp-tsan: N passed, N failed, N skipped; R reports" last.
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/devtools/avp-dpdk-env.sh"
build=${AVP_TSAN_BUILD_DIR:-$top/build-tsan}
start=$(date +%s)

"$top/devtools/avp-deps.sh"
"$top/devtools/avp-fetch-dpdk.sh"
# DPDK as ThreadSanitizer can follow it: rte_ring (every mempool) with
# the C11 atomics rather than x86 barriers and plain stores, and
# rte_spinlock and rte_atomic as compiler intrinsics rather than inline
# assembly. Both are DPDK's own alternatives, used on other CPUs.
tsan_cargs="-DRTE_USE_C11_MEM_MODEL -DRTE_FORCE_INTRINSICS"
if [ ! -f "$build/build.ninja" ]; then
	meson setup "$build" "$top" -Ddpdk_subproject="$AVP_DPDK_SUBPROJECT" \
		-Db_sanitize=thread -Db_lundef=false -Dc_args="$tsan_cargs" \
		>"$build.setup.log" 2>&1 || {
		tail -30 "$build.setup.log" >&2
		echo "avp-tsan: meson setup failed (log: $build.setup.log)" >&2
		exit 1
	}
else
	meson configure "$build" -Dc_args="$tsan_cargs" >/dev/null
fi
# Only what the selected tests run: DPDK's other apps stay unbuilt.
if ! ninja -C "$build" app/avp-host/test/test_emu \
    app/avp-host/test/test_abi_layout app/avp-host/avp-hostd \
    app/avp-host/selftest/hostd_selftest \
    "subprojects/$AVP_DPDK_SUBPROJECT/app/test/dpdk-test" \
    >"$build/avp-tsan-build.log" 2>&1; then
	grep -E 'error|FAILED' "$build/avp-tsan-build.log" | head -30 >&2
	echo "avp-tsan: build failed (log: $build/avp-tsan-build.log)" >&2
	exit 1
fi
echo "avp-tsan: built in $(( $(date +%s) - start )) s"

rm -rf "$build/tsan"
mkdir -p "$build/tsan"
# exitcode: a report fails the test even when the program passed;
# log_path: every report kept, one file per process.
TSAN_OPTIONS="suppressions=$top/devtools/avp-tsan.supp exitcode=66 \
halt_on_error=0 second_deadlock_stack=1 history_size=7 \
log_path=$build/tsan/report ${TSAN_OPTIONS:-}"
export TSAN_OPTIONS
t0=$(date +%s)
rc=0
if [ $# -gt 0 ]; then
	meson test -C "$build" --no-rebuild --print-errorlogs \
		--timeout-multiplier 4 "$@" || rc=1
	logs=$build/meson-logs/testlog.json
else
	meson test -C "$build" --no-rebuild --print-errorlogs \
		--timeout-multiplier 4 --suite emu || rc=1
	cp "$build/meson-logs/testlog.json" "$build/tsan/emu.json"
	meson test -C "$build" --no-rebuild --print-errorlogs \
		--timeout-multiplier 4 avp-pmd:avp_autotest || rc=1
	logs="$build/tsan/emu.json $build/meson-logs/testlog.json"
fi
reports=$(cat "$build"/tsan/report.* 2>/dev/null |
	grep -c '^WARNING: ThreadSanitizer' || true)
if [ "$reports" -ne 0 ]; then
	rc=1
	grep -h -A12 '^WARNING: ThreadSanitizer' "$build"/tsan/report.* |
		head -80
fi
# shellcheck disable=SC2086
[ $rc -eq 0 ] || python3 "$top/devtools/avp-testlog.py" --failures $logs
# shellcheck disable=SC2086
result=$(python3 "$top/devtools/avp-testlog.py" $logs)
echo "avp-tsan: $result; $reports reports (in $build/tsan) in $(( $(date +%s) - t0 )) s"
exit $rc
