#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The AVP PMD authors
#
# README command 1, the main job: the host emulator serves two AVP ports
# that generate traffic towards the guest and verify what comes back;
# dpdk-testpmd forwards between the two ports for a fixed time; then link
# state, per-port statistics and the forwarding rate are printed.
#
#   devtools/avp-testpmd.sh [SECONDS] [FRAME_SIZE]
#
# Environment: AVP_BUILD_DIR (default build).
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
build=${AVP_BUILD_DIR:-$top/build}
duration=${1:-10}
size=${2:-64}
case $duration in ''|*[!0-9]*) echo "usage: $0 [SECONDS] [FRAME_SIZE]" >&2; exit 2;; esac
case $size in ''|*[!0-9]*) echo "usage: $0 [SECONDS] [FRAME_SIZE]" >&2; exit 2;; esac

"$top/devtools/avp-setup.sh"

hostd=$build/app/avp-host/avp-hostd
testpmd=$build/subprojects/dpdk/app/dpdk-testpmd
run=$(mktemp -d /tmp/avp-testpmd.XXXXXX)
hostd_pid=
testpmd_pid=

cleanup() {
	rc=$?
	[ -n "$testpmd_pid" ] && kill "$testpmd_pid" 2>/dev/null && wait "$testpmd_pid" 2>/dev/null
	if [ -n "$hostd_pid" ] && kill -0 "$hostd_pid" 2>/dev/null; then
		kill -TERM "$hostd_pid" 2>/dev/null
		wait "$hostd_pid" 2>/dev/null || true
	fi
	rm -rf "$run"
	exit $rc
}
trap cleanup EXIT INT TERM

fail() {
	echo "avp-testpmd: $*" >&2
	exit 1
}

# Emulator: both ports generate frames towards the guest and verify the
# frames the guest sends back (mode gen), pinned to core 0.
mkfifo "$run/hostd.in"
taskset -c 0 "$hostd" --mode gen \
	--port "avp0,socket=$run/avp0.sock,size=$size" \
	--port "avp1,socket=$run/avp1.sock,size=$size" \
	<"$run/hostd.in" >"$run/hostd.out" 2>&1 &
hostd_pid=$!
exec 3>"$run/hostd.in"

for _ in $(seq 100); do
	grep -q 'ready' "$run/hostd.out" 2>/dev/null && break
	kill -0 "$hostd_pid" 2>/dev/null || { cat "$run/hostd.out" >&2; fail "avp-hostd exited"; }
	read -r -t 0.1 <&3 2>/dev/null || true
done
grep -q 'ready' "$run/hostd.out" || fail "avp-hostd not ready after 10 s"

# testpmd: forwarding lcore on core 1, io forwarding between the ports.
"$testpmd" -l 0,1 --lcores '0@0,1@1' --no-huge -m 1024 --no-shconf \
	--no-pci --file-prefix="avp-testpmd-$$" \
	--vdev "net_avp_emu0,socket=$run/avp0.sock" \
	--vdev "net_avp_emu1,socket=$run/avp1.sock" \
	-- --forward-mode=io --auto-start --stats-period="$duration" \
	--total-num-mbufs=16384 --nb-cores=1 \
	>"$run/testpmd.out" 2>&1 &
testpmd_pid=$!

echo "avp-testpmd: forwarding ${size}-byte frames between two AVP ports for ${duration} s"
elapsed=0
while [ "$elapsed" -lt "$duration" ]; do
	kill -0 "$testpmd_pid" 2>/dev/null || { tail -30 "$run/testpmd.out" >&2; fail "dpdk-testpmd exited early"; }
	read -r -t 1 <&3 2>/dev/null || true
	elapsed=$((elapsed + 1))
	printf '\ravp-testpmd: %d/%d s' "$elapsed" "$duration"
done
echo
kill -INT "$testpmd_pid"
wait "$testpmd_pid" || fail "dpdk-testpmd failed (log below)$(echo; tail -30 "$run/testpmd.out")"
testpmd_pid=

echo quit >&3
wait "$hostd_pid" || fail "avp-hostd exited with an error"
hostd_pid=

grep -E 'Link status|Port [0-9] Link' "$run/testpmd.out" | sort -u || true
awk '/Forward statistics for port/,/----------------------------------------------------------------------------$/' \
	"$run/testpmd.out" | tail -40
awk '/Accumulated forward statistics/,/\+\+\+\+\+\+\+\+\+\+\+\+\+\+\+\+\+\+\+\+\+\+\+\+\+\+\+\+\+\+\+\+\+/' \
	"$run/testpmd.out" | tail -12
sed -n '/avp-hostd: statistics/,$p' "$run/hostd.out"
fwd=$(awk '/Accumulated forward statistics/{acc=1}
	acc && /TX-packets:/ { for (i = 1; i < NF; i++) if ($i == "TX-packets:") { print $(i + 1); exit } }' \
	"$run/testpmd.out")
[ -n "$fwd" ] || fail "no forwarding statistics from testpmd"
awk -v n="$fwd" -v t="$duration" 'BEGIN { printf "avp-testpmd: forwarded %d frames in %d s: %.3f Mpps\n", n, t, n / t / 1e6 }'
