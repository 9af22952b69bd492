#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The AVP PMD authors
#
# Guest instructions per packet of the AVP receive and transmit bursts,
# counted by callgrind: avp_perf_autotest in its fixed-count mode (full
# bursts of 32 against the in-process emulator, rx-only then tx-only, one
# queue) runs under valgrind --tool=callgrind, and the inclusive
# instruction count of the data path's avp_rx_burst_<set> and
# avp_tx_burst_<set> (everything they call: mbuf allocation and freeing,
# copies) is divided by the number of frames. Instruction counts do not
# depend on the machine's load, so this is the figure to compare from
# change to change.
#
# Two builds, two columns each: the headline is DPDK built with
# -Dplatform=generic, as distributions ship it (the driver picks its
# data path for the CPU at run time); then a native build
# (cpu_instruction_set=haswell, the widest CPU valgrind 3.19 decodes).
#
#   devtools/avp-perf-callgrind.sh [FRAMES]       (default 20000 per case)
#
# Environment: AVP_CALLGRIND_GENERIC_DIR (default build-callgrind-generic)
# and AVP_CALLGRIND_BUILD_DIR (default build-callgrind), set up here when
# missing; AVP_PERF_SIZES (default "64 512 1518"); AVP_PERF_PATHS
# (default "simple scattered"); AVP_CALLGRIND_BUILDS (default "generic
# native"); AVP_SKIP_SETUP=1 skips the build step.
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
generic=${AVP_CALLGRIND_GENERIC_DIR:-$top/build-callgrind-generic}
native=${AVP_CALLGRIND_BUILD_DIR:-$top/build-callgrind}
count=${1:-20000}
sizes=${AVP_PERF_SIZES:-64 512 1518}
paths=${AVP_PERF_PATHS:-simple scattered}
builds=${AVP_CALLGRIND_BUILDS:-generic native}
case $count in ''|*[!0-9]*|0)
	echo "usage: $0 [FRAMES]   (FRAMES > 0)" >&2; exit 2;;
esac

me=avp-perf-callgrind
. "$top/devtools/avp-callgrind-prepare.sh"

tmp=$(mktemp -d /tmp/avp-perf-callgrind.XXXXXX)
trap 'rm -rf "$tmp"' EXIT INT TERM

# Inclusive Ir of the first function matching $2 in callgrind output $1.
incl() {
	callgrind_annotate --inclusive=yes --threshold=100 "$1" 2>/dev/null |
		awk -v re="$2" '$0 ~ re { gsub(",", "", $1); print $1; exit }'
}

per_pkt() {
	echo "${1:-0} $count" | awk '{printf "%.1f", $1 / $2}'
}

# Instructions per packet, "rx tx", of build $1 for path $2, size $3.
measure() {
	out=$tmp/cg.$1.$2.$3
	case $2 in simple) scatter=0;; *) scatter=1;; esac
	if ! AVP_PERF_COUNT=$count AVP_PERF_SIZES=$3 \
	     AVP_PERF_QUEUES=1 AVP_PERF_MODES=rx,tx \
	     AVP_PERF_SCATTER=$scatter DPDK_TEST=avp_perf_autotest \
	     valgrind --tool=callgrind --callgrind-out-file="$out" \
		"$4" --no-huge -m 1024 --no-shconf --no-pci \
		--file-prefix=avp_perf_cg$$ >"$tmp/log" 2>&1 ||
	   ! grep -q '^Test OK' "$tmp/log"; then
		tail -30 "$tmp/log" >&2
		echo "$me: $1 $2 $3 failed" >&2
		echo "failed failed"
		return 1
	fi
	echo "$(per_pkt "$(incl "$out" "avp_rx_burst(_[a-z0-9]+)?( |$)")")" \
		"$(per_pkt "$(incl "$out" "avp_tx_burst(_[a-z0-9]+)?( |$)")")"
}

exe_generic=
exe_native=
for b in $builds; do
	case $b in
	generic)
		avp_callgrind_prepare "$generic" -Ddpdk_platform=generic
		exe_generic=$test_exe;;
	native)
		avp_callgrind_prepare "$native" \
			-Ddpdk:cpu_instruction_set=haswell
		exe_native=$test_exe;;
	*) echo "$me: unknown build $b" >&2; exit 2;;
	esac
done
for path in $paths; do
	case $path in simple|scattered) ;;
	*) echo "$me: unknown path $path" >&2; exit 2;;
	esac
done

printf '%s: %s frames per case, bursts of 32, 1 queue\n' "$me" "$count"
printf '%-10s %5s %12s %12s %12s %12s\n' "" "" generic generic native native
printf '%-10s %5s %12s %12s %12s %12s\n' path size rx-instr/pkt tx-instr/pkt \
	rx-instr/pkt tx-instr/pkt
rc=0
for path in $paths; do
	for size in $sizes; do
		g="- -"
		n="- -"
		if [ -n "$exe_generic" ]; then
			g=$(measure generic "$path" "$size" "$exe_generic") ||
				rc=1
		fi
		if [ -n "$exe_native" ]; then
			n=$(measure native "$path" "$size" "$exe_native") ||
				rc=1
		fi
		# shellcheck disable=SC2086
		printf '%-10s %5s %12s %12s %12s %12s\n' "$path" "$size" $g $n
	done
done
exit $rc
