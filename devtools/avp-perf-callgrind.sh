#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The AVP PMD authors
#
# Guest instructions per packet of the AVP receive and transmit bursts,
# counted by callgrind: avp_perf_autotest in its fixed-count mode (full
# bursts of 32 against the in-process emulator, rx-only then tx-only, one
# queue) runs under valgrind --tool=callgrind, and the inclusive
# instruction count of avp_rx_burst_* and avp_tx_burst_* (everything they
# call: mbuf allocation and freeing, copies) is divided by the number of
# frames. Instruction counts do not depend on the machine's load, so this
# is the figure to compare from change to change.
#
#   devtools/avp-perf-callgrind.sh [FRAMES]       (default 20000 per case)
#
# Environment: AVP_CALLGRIND_BUILD_DIR (default build-callgrind): a build
# made for valgrind, whose CPU does not know AVX-512 (DPDK's
# cpu_instruction_set=haswell; set up here when missing);
# AVP_PERF_SIZES (default "64 512 1518"); AVP_PERF_PATHS (default
# "simple scattered"); AVP_SKIP_SETUP=1 skips the build step.
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
build=${AVP_CALLGRIND_BUILD_DIR:-$top/build-callgrind}
count=${1:-20000}
sizes=${AVP_PERF_SIZES:-64 512 1518}
paths=${AVP_PERF_PATHS:-simple scattered}
case $count in ''|*[!0-9]*|0)
	echo "usage: $0 [FRAMES]   (FRAMES > 0)" >&2; exit 2;;
esac

me=avp-perf-callgrind
. "$top/devtools/avp-callgrind-prepare.sh"
avp_callgrind_prepare

tmp=$(mktemp -d /tmp/avp-perf-callgrind.XXXXXX)
trap 'rm -rf "$tmp"' EXIT INT TERM

# Inclusive Ir of the first function matching $2 in callgrind output $1.
incl() {
	callgrind_annotate --inclusive=yes --threshold=100 "$1" 2>/dev/null |
		awk -v re="$2" '$0 ~ re { gsub(",", "", $1); print $1; exit }'
}

printf 'avp-perf-callgrind: %s frames per case, bursts of 32, 1 queue, %s\n' \
	"$count" "$(basename "$build")"
printf '%-10s %6s %12s %12s\n' path size rx-instr/pkt tx-instr/pkt
rc=0
for path in $paths; do
	case $path in
	simple) scatter=0;;
	scattered) scatter=1;;
	*) echo "avp-perf-callgrind: unknown path $path" >&2; exit 2;;
	esac
	for size in $sizes; do
		out=$tmp/cg.$path.$size
		if ! AVP_PERF_COUNT=$count AVP_PERF_SIZES=$size \
		     AVP_PERF_QUEUES=1 AVP_PERF_MODES=rx,tx \
		     AVP_PERF_SCATTER=$scatter DPDK_TEST=avp_perf_autotest \
		     valgrind --tool=callgrind --callgrind-out-file="$out" \
			"$test_exe" --no-huge -m 1024 --no-shconf --no-pci \
			--file-prefix=avp_perf_cg$$ \
			>"$tmp/log" 2>&1 ||
		   ! grep -q '^Test OK' "$tmp/log"; then
			tail -30 "$tmp/log" >&2
			echo "avp-perf-callgrind: $path $size failed" >&2
			rc=1
			continue
		fi
		rx=$(incl "$out" "avp_rx_burst_$path( |\$)")
		tx=$(incl "$out" "avp_tx_burst_$path( |\$)")
		printf '%-10s %6s %12s %12s\n' "$path" "$size" \
			"$(echo "${rx:-0} $count" | awk '{printf "%.1f", $1 / $2}')" \
			"$(echo "${tx:-0} $count" | awk '{printf "%.1f", $1 / $2}')"
	done
done
exit $rc
