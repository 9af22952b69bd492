#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The AVP PMD authors
#
# Runs the AVP libFuzzer targets (app/avp-fuzz) for a given time each:
#   devtools/avp-fuzz.sh [SECONDS] [TARGET...]
# SECONDS defaults to 600 per target; TARGET is among device, chain,
# translate, devinfo, attach, ethdev (default: all, one after the other).
# Builds them
# first with clang, AddressSanitizer and libFuzzer in $AVP_FUZZ_BUILD_DIR
# (default build-fuzz). Each target starts from the seed corpus in
# app/avp-fuzz/corpus/<target> and grows a working corpus in
# $AVP_FUZZ_BUILD_DIR/fuzz-corpus/<target>. Prints executions per second
# and total executions; a crash input is saved in
# app/avp-fuzz/crashes-open/<target>/ (not replayed by the tests until it
# is fixed and moved to app/avp-fuzz/crashes/<target>/).
#   devtools/avp-fuzz.sh --seeds    rewrites the seed corpus from the
#                                   emulator (avp-fuzz-seeds)
# Exit status 1 when a target crashed.
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
build=${AVP_FUZZ_BUILD_DIR:-$top/build-fuzz}
all="device chain translate devinfo attach ethdev"
seeds=0
secs=600

if [ "${1:-}" = "--seeds" ]; then
	seeds=1
	shift
elif [ $# -gt 0 ]; then
	case $1 in
	*[!0-9]*) ;;
	*) secs=$1; shift ;;
	esac
fi
targets=${*:-$all}
for t in $targets; do
	case " $all " in
	*" $t "*) ;;
	*) echo "avp-fuzz: unknown target $t (have: $all)" >&2; exit 2 ;;
	esac
done

"$top/devtools/avp-deps.sh"
"$top/devtools/avp-fetch-dpdk.sh"
if [ ! -f "$build/build.ninja" ]; then
	CC=clang meson setup "$build" "$top" -Db_sanitize=address \
		-Db_lundef=false -Dfuzz=true \
		-Dc_args=-fsanitize=fuzzer-no-link \
		>"$build.setup.log" 2>&1 || {
		tail -30 "$build.setup.log" >&2
		echo "avp-fuzz: meson setup failed" >&2
		exit 1
	}
fi
ninja_targets=app/avp-fuzz/avp-fuzz-seeds
for t in $targets; do
	ninja_targets="$ninja_targets app/avp-fuzz/avp-fuzz-$t"
done
# shellcheck disable=SC2086
if ! ninja -C "$build" $ninja_targets >"$build/avp-fuzz-build.log" 2>&1; then
	grep -E 'error|FAILED' "$build/avp-fuzz-build.log" | head -30 >&2
	echo "avp-fuzz: build failed (log: $build/avp-fuzz-build.log)" >&2
	exit 1
fi

if [ $seeds = 1 ]; then
	ASAN_OPTIONS=detect_leaks=0 "$build/app/avp-fuzz/avp-fuzz-seeds" \
		"$top/app/avp-fuzz/corpus"
	exit $?
fi

rc=0
for t in $targets; do
	work=$build/fuzz-corpus/$t
	crashes=$top/app/avp-fuzz/crashes-open/$t
	log=$build/fuzz-$t.log
	mkdir -p "$work" "$crashes"
	echo "avp-fuzz: $t for $secs s (log: $log)"
	t0=$(date +%s)
	set +e
	ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1} \
	"$build/app/avp-fuzz/avp-fuzz-$t" -max_total_time="$secs" \
		-print_final_stats=1 -timeout=20 -rss_limit_mb=4096 \
		-artifact_prefix="$crashes/" \
		"$work" "$top/app/avp-fuzz/corpus/$t" >"$log" 2>&1
	status=$?
	set -e
	took=$(( $(date +%s) - t0 ))
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
	rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log")
	cov=$(grep -E '^#[0-9]+' "$log" | tail -1 | sed -n 's/.*cov: \([0-9]*\).*/\1/p')
	corpus=$(find "$work" -type f | wc -l)
	if [ "$status" -ne 0 ]; then
		rc=1
		new=$(grep -o "Test unit written to .*" "$log" | sed 's/Test unit written to //')
		echo "avp-fuzz: $t CRASHED after ${execs:-?} executions: ${new:-see $log}"
		grep -E 'ERROR: AddressSanitizer|check failed|SUMMARY|deadly signal|timeout' \
			"$log" | head -5
	fi
	echo "avp-fuzz: $t: ${execs:-?} executions in $took s, ${rate:-?} exec/s, coverage ${cov:-?}, corpus $corpus"
done
exit $rc
