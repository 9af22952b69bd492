#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The AVP PMD authors
#
# README command 1, the main job: the host emulator (avp-hostd) serves two
# AVP ports that generate numbered, checksummed frames towards the guest
# and verify every frame that comes back; dpdk-testpmd forwards between
# the two ports for a fixed time; then link state, per-port statistics and
# the forwarding rate in Mpps are printed. A progress line while it runs.
# Everything it starts is stopped and every file it made is removed, also
# on failure or Ctrl-C; it exits non-zero with a message when anything
# fails (no frame forwarded, a corrupted frame, a process error).
#
#   devtools/avp-testpmd.sh [SECONDS] [FRAME_SIZE]     (10 s, 64 bytes)
#
# Environment: AVP_DPDK or AVP_DPDK_SRC (which DPDK, see
# devtools/avp-dpdk-env.sh), AVP_BUILD_DIR (its build directory),
# AVP_TESTPMD (the dpdk-testpmd to run); AVP_SKIP_SETUP=1 skips the
# set-up/build step (used by the e2e test suite, which runs on a build).
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/devtools/avp-dpdk-env.sh"
build=$AVP_BUILD_DIR
testpmd=${AVP_TESTPMD:-$build/subprojects/$AVP_DPDK_SUBPROJECT/app/dpdk-testpmd}
duration=${1:-10}
size=${2:-64}
usage() {
	echo "usage: $0 [SECONDS] [FRAME_SIZE]   (SECONDS >= 1, FRAME_SIZE 60..9000)" >&2
	exit 2
}
case $duration in ''|*[!0-9]*) usage;; esac
case $size in ''|*[!0-9]*) usage;; esac
[ "$duration" -ge 1 ] && [ "$size" -ge 60 ] && [ "$size" -le 9000 ] || usage

if [ "${AVP_SKIP_SETUP:-0}" != 1 ]; then
	"$top/devtools/avp-setup.sh"
fi
exec python3 "$top/app/avp-e2e/avp_mainjob.py" --build "$build" \
	--testpmd "$testpmd" --seconds "$duration" --size "$size"
