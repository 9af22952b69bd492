#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The AVP PMD authors
#
# README command 2: set up what is missing, then run every test of this
# project (DPDK's own test suites are not run):
#   1. the whole suite on the chosen DPDK (AVP_DPDK, default 22.11, or
#      AVP_DPDK_SRC; see devtools/avp-dpdk-env.sh), in its build directory;
#   2. the driver and emulator suites again on a build with AddressSanitizer
#      and UndefinedBehaviorSanitizer (<build>-sanitize), where any report
#      fails the test;
#   3. the emulator's suite and avp_autotest again on a build with
#      ThreadSanitizer (devtools/avp-tsan.sh, <build>-tsan), where any
#      report fails the test;
#   4. avp_autotest, avp_input_autotest, avp_copy_autotest, driver-clang
#      (the driver compiled with clang too) and e2e-testpmd on every other
#      release whose tarball is in AVP_DPDK_TARBALLS (../shared/dpdk), each
#      built for the generic x86-64 platform in build-<release>.
# Extra arguments go to `meson test` in stages 1 and 2 (a suite or test
# name, for instance) and skip stages 3 and 4. AVP_SANITIZE=0 skips stage
# 2, AVP_TSAN=0 stage 3; AVP_DPDK_RELEASES lists the releases of stage 4
# (empty: none).
# Prints one line per DPDK, then "avp-test: N passed, N failed, N skipped".
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/devtools/avp-dpdk-env.sh"
build=$AVP_BUILD_DIR
san_build=${AVP_SANITIZE_BUILD_DIR:-$build-sanitize}
tsan_build=${AVP_TSAN_BUILD_DIR:-$build-tsan}
rc=0
logs=
lines=

# "N passed, N failed, N skipped" of meson test logs; exit 1 if none ran.
count() {
	python3 "$top/devtools/avp-testlog.py" "$@"
}

# Runs meson test in a build directory and notes its result line.
run_tests() { # <what> <build dir> <meson test args...>
	what=$1
	dir=$2
	shift 2
	t0=$(date +%s)
	if ! meson test -C "$dir" --no-rebuild --print-errorlogs "$@"; then
		rc=1
		count --failures "$dir/meson-logs/testlog.json"
	fi
	logs="$logs $dir/meson-logs/testlog.json"
	lines="$lines
avp-test: $what: $(count "$dir/meson-logs/testlog.json" || echo 'no test ran') in $(( $(date +%s) - t0 )) s"
}

what="DPDK ${AVP_DPDK_SRC:-$AVP_DPDK}"
"$top/devtools/avp-setup.sh"
run_tests "$what" "$build" --no-suite "$AVP_DPDK_SUBPROJECT" "$@"

if [ "${AVP_SANITIZE:-1}" != 0 ]; then
	echo "avp-test: sanitizer stage (ASan + UBSan)"
	AVP_BUILD_DIR=$san_build \
	AVP_MESON_OPTS="-Db_sanitize=address,undefined -Db_lundef=false" \
		"$top/devtools/avp-setup.sh"
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:halt_on_error=1 \
	UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
		run_tests "$what, ASan + UBSan" "$san_build" \
		--suite avp --suite emu --suite fuzz "$@"
fi

if [ $# -eq 0 ] && [ "${AVP_TSAN:-1}" != 0 ]; then
	echo "avp-test: ThreadSanitizer stage"
	t0=$(date +%s)
	rm -f "$tsan_build/tsan/emu.json"
	AVP_TSAN_BUILD_DIR=$tsan_build "$top/devtools/avp-tsan.sh" || rc=1
	if [ -f "$tsan_build/tsan/emu.json" ]; then
		logs="$logs $tsan_build/tsan/emu.json \
$tsan_build/meson-logs/testlog.json"
		lines="$lines
avp-test: DPDK ${AVP_DPDK_SRC:-$AVP_DPDK}, ThreadSanitizer: $(count "$tsan_build/tsan/emu.json" \
		"$tsan_build/meson-logs/testlog.json") in $(( $(date +%s) - t0 )) s"
	else
		lines="$lines
avp-test: DPDK ${AVP_DPDK_SRC:-$AVP_DPDK}, ThreadSanitizer: build failed"
	fi
fi

if [ $# -eq 0 ] && [ -z "${AVP_DPDK_SRC:-}" ]; then
	for r in ${AVP_DPDK_RELEASES-23.11 24.11 25.11}; do
		[ "$r" = "$AVP_DPDK" ] && continue
		if [ ! -f "$AVP_DPDK_TARBALLS/dpdk-$r.tar.xz" ]; then
			lines="$lines
avp-test: DPDK $r: not tested, no dpdk-$r.tar.xz in $AVP_DPDK_TARBALLS"
			continue
		fi
		echo "avp-test: DPDK $r"
		t0=$(date +%s)
		# As distributions build DPDK: no instruction the users' CPUs
		# may lack.
		if ! AVP_DPDK=$r AVP_BUILD_DIR= \
		    AVP_MESON_OPTS=-Ddpdk_platform=generic \
		    "$top/devtools/avp-setup.sh"; then
			rc=1
			lines="$lines
avp-test: DPDK $r: build failed"
			continue
		fi
		lines="$lines
avp-test: DPDK $r: built in $(( $(date +%s) - t0 )) s"
		# project-qualified: 23.11+ list avp_autotest in DPDK's too
		run_tests "DPDK $r" "$top/build-$r" avp-pmd:avp_autotest \
			avp-pmd:avp_input_autotest avp-pmd:avp_copy_autotest \
			avp-pmd:driver-clang avp-pmd:e2e-testpmd
	done
fi

echo "$lines" | sed '/^$/d'
# One closing line any CI reads: "N passed, N failed, N skipped".
# shellcheck disable=SC2086
echo "avp-test: $(count $logs)" || rc=1
exit $rc
