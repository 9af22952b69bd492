# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The AVP PMD authors
#
# Sourced by the callgrind benchmarks (avp-perf-callgrind.sh and
# avp-perf-emu-callgrind.sh), which set $top and $me first.
#
#   avp_callgrind_prepare BUILD_DIR [MESON_OPTION...]
#
# installs valgrind when it is missing, sets up BUILD_DIR once with the
# options given (with debug information for callgrind_annotate) and
# builds dpdk-test there (both skipped with AVP_SKIP_SETUP=1), then sets
# $test_exe. valgrind 3.19 does not decode AVX-512: a native build must
# name a CPU it can (the callers use cpu_instruction_set=haswell).

avp_callgrind_prepare() {
	_build=$1
	shift
	if ! command -v valgrind >/dev/null 2>&1 ||
	   ! command -v callgrind_annotate >/dev/null 2>&1; then
		sudo=""
		[ "$(id -u)" = 0 ] || sudo=sudo
		echo "$me: installing valgrind" >&2
		$sudo apt-get install -y valgrind >/dev/null
	fi
	if [ "${AVP_SKIP_SETUP:-0}" != 1 ]; then
		"$top/devtools/avp-deps.sh"
		"$top/devtools/avp-fetch-dpdk.sh"
		if [ ! -f "$_build/build.ninja" ]; then
			meson setup "$_build" "$top" -Ddebug=true "$@" \
				>/dev/null
		fi
		ninja -C "$_build" subprojects/dpdk/app/test/dpdk-test >/dev/null
	fi
	test_exe=$_build/subprojects/dpdk/app/test/dpdk-test
	[ -x "$test_exe" ] || { echo "$me: no $test_exe" >&2; exit 1; }
}
