#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The AVP PMD authors
#
# The soak, on demand:
#   devtools/avp-soak.sh [SECONDS] [avp-soak options]
# Traffic on every queue of an AVP port (4 queues) for SECONDS (default
# 300) while the in-process emulator migrates the port every 200 ms
# (-m MS) and hot-unplugs it every 3 s (-u MS); the application releases
# and re-plugs it each time, and makes a control operation every 50 ms
# (-c MS, 0: none): promiscuous and all-multicast on and off, the
# multicast list, stats and xstats get and reset, MTU changes, VLAN strip,
# a receive queue stopped and started, the link down and up. Prints frames, migrations, unplugs, frames
# lost per migration, and the leak checks (mempool full, file
# descriptors, heap and rte_malloc allocations before and after, no
# corrupted frame). Exit status 0 when every check holds.
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
build=${AVP_BUILD_DIR:-$top/build}
secs=300
case ${1:-} in
'' | *[!0-9]*) ;;
*) secs=$1; shift ;;
esac

"$top/devtools/avp-setup.sh"
ninja -C "$build" app/avp-fuzz/avp-soak >/dev/null
exec "$build/app/avp-fuzz/avp-soak" --no-huge -m 1024 --no-shconf \
	--no-pci --file-prefix="avp_soak_$$" --log-level=pmd.net.avp.*:notice \
	-- -t "$secs" "$@"
