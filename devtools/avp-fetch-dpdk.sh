#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The AVP PMD authors
#
# Fetch DPDK 22.11.11 from Debian's source archive (checksums verified by
# apt), unpack it into subprojects/dpdk (ignored by git), remove the old
# upstream net/avp driver and put this repository's files in its place.
# Idempotent: a second run only re-checks the links and the patch.
set -eu

DPDK_DEB_VERSION=22.11.11-0+deb12u1
DPDK_DIR_NAME=dpdk-stable-22.11.11
top=$(cd "$(dirname "$0")/.." && pwd)
cache=${AVP_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/avp-dpdk}
dest=$top/subprojects/dpdk
tarball=$cache/dpdk_22.11.11.orig.tar.xz

enable_deb_src() {
	# A deb-src copy of the machine's own sources: no host name is
	# written anywhere but this machine's apt configuration.
	src=/etc/apt/sources.list.d/avp-deb-src.sources
	[ -f "$src" ] && return 0
	if [ -f /etc/apt/sources.list.d/debian.sources ]; then
		sed 's/^Types: deb$/Types: deb-src/' \
			/etc/apt/sources.list.d/debian.sources > "$src"
	elif [ -f /etc/apt/sources.list ]; then
		grep '^deb ' /etc/apt/sources.list | sed 's/^deb /deb-src /' \
			> /etc/apt/sources.list.d/avp-deb-src.list
	else
		echo "avp-fetch-dpdk: no apt sources to derive deb-src from" >&2
		exit 1
	fi
	apt-get update -qq
}

if [ ! -f "$tarball" ]; then
	enable_deb_src
	mkdir -p "$cache"
	(cd "$cache" && apt-get source --download-only -qq \
		"dpdk=$DPDK_DEB_VERSION" >/dev/null)
	[ -f "$tarball" ] || { echo "avp-fetch-dpdk: $tarball missing" >&2; exit 1; }
fi

if [ ! -f "$dest/.avp-unpacked" ]; then
	echo "avp-fetch-dpdk: unpacking DPDK 22.11.11 into subprojects/dpdk"
	rm -rf "$dest" "$top/subprojects/$DPDK_DIR_NAME"
	mkdir -p "$top/subprojects"
	tar -xJf "$tarball" -C "$top/subprojects"
	mv "$top/subprojects/$DPDK_DIR_NAME" "$dest"
	# Clean room: the old upstream driver never stays on disk.
	rm -rf "$dest/drivers/net/avp" "$dest/doc/guides/nics/avp.rst" \
		"$dest/doc/guides/nics/features/avp.ini"
	touch "$dest/.avp-unpacked"
fi

# This repository's files, linked so that edits here are built in place.
link() {
	rm -rf "$dest/$1"
	ln -s "$2" "$dest/$1"
}
link drivers/net/avp ../../../../drivers/net/avp
for t in "$top"/app/test/test_avp*.c; do
	t=${t##*/}
	link "app/test/$t" "../../../../app/test/$t"
done
link doc/guides/nics/avp.rst ../../../../../doc/guides/nics/avp.rst
link app/test/avp-host-lib ../../../../app/avp-host/lib
link doc/guides/nics/features/avp.ini \
	../../../../../../doc/guides/nics/features/avp.ini

"$top/devtools/avp-patch-dpdk.py" "$dest"
