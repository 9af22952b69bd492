#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The AVP PMD authors
#
# Host emulator instructions per frame, counted by callgrind: the
# emulator's side of devtools/avp-perf-callgrind.sh. avp_perf_autotest
# runs in its fixed-count mode (one queue) under valgrind --tool=callgrind
# with the emulator in GEN (rx-only case), SINK (tx-only case: every
# frame verified) and LOOPBACK (loop case), and the inclusive instruction
# count of the service pass, emu_port_service, is divided by the frames.
#
# A pass first polls the guest's indexes and registers; only when
# something moved does it call emu_port_work, which does the data and
# control work. Under valgrind the threads take turns, so the service
# thread polls for a whole time slice whenever the guest is not running:
# the idle polling is reported apart, per frame and per pass. Its share
# says more about valgrind's scheduler than about the emulator. The work
# includes the case's set-up and close (CONFIGURE, taking the whole pool
# back at SHUTDOWN): about 20 instructions per frame at 20000 frames.
#
#   devtools/avp-perf-emu-callgrind.sh [FRAMES]   (default 20000 per case)
#
# Columns: passes (all / with work), instructions per frame all in, in
# emu_port_work, and spent polling (emu_port_service minus emu_port_work)
# and per pass (every pass polls, busy or not). A loopback frame is one
# transmit taken, one receive delivered and one buffer freed; frames
# still in flight when the case ends (512 or more) are work not counted
# as frames, and how many passes the case takes varies from run to run
# with valgrind's scheduling, so loopback figures vary more. Environment:
# AVP_CALLGRIND_BUILD_DIR (default build-callgrind, the build of
# avp-perf-callgrind.sh; set up here with cpu_instruction_set=haswell
# when missing: valgrind does not decode AVX-512); AVP_EMU_MODES (default "gen sink loopback"); AVP_PERF_SIZES
# (default "64 1518"); AVP_SKIP_SETUP=1 skips the build step.
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
build=${AVP_CALLGRIND_BUILD_DIR:-$top/build-callgrind}
count=${1:-20000}
modes=${AVP_EMU_MODES:-gen sink loopback}
sizes=${AVP_PERF_SIZES:-64 1518}
case $count in ''|*[!0-9]*|0)
	echo "usage: $0 [FRAMES]   (FRAMES > 0)" >&2; exit 2;;
esac

me=avp-perf-emu-callgrind
. "$top/devtools/avp-callgrind-prepare.sh"
avp_callgrind_prepare "$build" -Ddpdk:cpu_instruction_set=haswell

tmp=$(mktemp -d /tmp/avp-perf-emu-callgrind.XXXXXX)
trap 'rm -rf "$tmp"' EXIT INT TERM

# "Ir calls" of every call to function $2 in callgrind output $1, summed
# over its callers.
calls() {
	callgrind_annotate --tree=calling --inclusive=yes --threshold=100 \
		--auto=no "$1" 2>/dev/null |
		awk -v fn="$2" '
		$0 ~ "^ *[0-9,]+ .*  >   .*:" fn " \\([0-9,]+x\\)" {
			ir = $1; gsub(",", "", ir)
			match($0, "\\([0-9,]+x\\)")
			n = substr($0, RSTART + 1, RLENGTH - 3)
			gsub(",", "", n)
			tir += ir; tn += n
		}
		END { printf "%d %d\n", tir, tn }'
}

printf 'avp-perf-emu-callgrind: %s frames per case, 1 queue, %s\n' \
	"$count" "$(basename "$build")"
printf '%-9s %5s %8s %8s %10s %10s %10s %10s\n' mode size passes \
	busy instr/frm work/frm poll/frm poll/pass
rc=0
for mode in $modes; do
	case $mode in
	gen) pmode=rx;;
	sink) pmode=tx;;
	loopback) pmode=loop;;
	*) echo "avp-perf-emu-callgrind: unknown mode $mode" >&2; exit 2;;
	esac
	for size in $sizes; do
		out=$tmp/cg.$mode.$size
		if ! AVP_PERF_COUNT=$count AVP_PERF_SIZES=$size \
		     AVP_PERF_QUEUES=1 AVP_PERF_MODES=$pmode \
		     DPDK_TEST=avp_perf_autotest \
		     valgrind --tool=callgrind --callgrind-out-file="$out" \
			"$test_exe" --no-huge -m 1024 --no-shconf --no-pci \
			--file-prefix=avp_emu_cg$$ >"$tmp/log" 2>&1 ||
		   ! grep -q '^Test OK' "$tmp/log"; then
			tail -30 "$tmp/log" >&2
			echo "avp-perf-emu-callgrind: $mode $size failed" >&2
			rc=1
			continue
		fi
		set -- $(calls "$out" emu_port_service) \
			$(calls "$out" emu_port_work)
		echo "$1 $2 $3 $4 $count" | awk -v m="$mode" -v s="$size" '{
			printf "%-9s %5s %8d %8d %10.1f %10.1f %10.1f %10.1f\n",
				m, s, $2, $4, $1 / $5, $3 / $5,
				($1 - $3) / $5,
				($2 > 0 ? ($1 - $3) / $2 : 0)
		}'
	done
done
exit $rc
