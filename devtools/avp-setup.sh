#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The AVP PMD authors
#
# Everything the two README commands need, done once: Debian packages,
# the DPDK source with this driver in place, and an incremental build.
# AVP_DPDK or AVP_DPDK_SRC choose the DPDK, and with it the default build
# directory (devtools/avp-dpdk-env.sh); AVP_BUILD_DIR overrides it and
# AVP_MESON_OPTS adds options to a new build. Prints how long it took.
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/devtools/avp-dpdk-env.sh"
build=$AVP_BUILD_DIR
start=$(date +%s)

"$top/devtools/avp-deps.sh"
"$top/devtools/avp-fetch-dpdk.sh"
if [ ! -f "$build/build.ninja" ]; then
	# shellcheck disable=SC2086
	meson setup "$build" "$top" -Ddpdk_subproject="$AVP_DPDK_SUBPROJECT" \
		${AVP_MESON_OPTS:-} >"$top/.avp-setup.log" 2>&1 || {
		tail -40 "$top/.avp-setup.log" >&2
		echo "avp-setup: meson setup failed (full log: .avp-setup.log)" >&2
		exit 1
	}
fi
# Ninja rebuilds only what changed; with nothing changed it does nothing.
if ! ninja -C "$build" >"$build/avp-build.log" 2>&1; then
	grep -E 'error|Error|FAILED' "$build/avp-build.log" | head -40 >&2
	echo "avp-setup: build failed (full log: $build/avp-build.log)" >&2
	exit 1
fi
if grep -q 'ninja: no work to do' "$build/avp-build.log"; then
	what="nothing to rebuild"
else
	what="$(grep -c '^\[' "$build/avp-build.log") build steps"
fi
echo "avp-setup: ready in $(( $(date +%s) - start )) s ($what), build dir $build"
