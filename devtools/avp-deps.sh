#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The AVP PMD authors
#
# Install the Debian 12 packages the build and the tests need, once.
# Quiet and quick when everything is already there.
set -eu

pkgs="meson ninja-build python3-pyelftools pkg-config libnuma-dev gcc \
	ccache xz-utils dpkg-dev iproute2 iputils-ping tcpdump iperf3 \
	clang libclang-rt-14-dev libpcap-dev"

missing=
for p in $pkgs; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' ||
		missing="$missing $p"
done
[ -z "$missing" ] && exit 0

echo "avp-deps: installing:$missing"
if [ "$(id -u)" -ne 0 ]; then
	SUDO=sudo
else
	SUDO=
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
