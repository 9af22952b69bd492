#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The AVP PMD authors
#
# README command 2: set up what is missing, then run every test of this
# project (DPDK's own test suites are not run).
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
build=${AVP_BUILD_DIR:-$top/build}
"$top/devtools/avp-setup.sh"
exec meson test -C "$build" --no-rebuild --no-suite dpdk --print-errorlogs "$@"
