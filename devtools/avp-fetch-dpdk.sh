#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The AVP PMD authors
#
# Lay the DPDK tree the build uses under subprojects/, with this
# repository's driver, tests and documentation linked in place of DPDK's
# old net/avp. Which tree (see devtools/avp-dpdk-env.sh):
#   AVP_DPDK=22.11 (default)  22.11.11 from Debian's source archive
#                             (checksums verified by apt), subprojects/dpdk
#   AVP_DPDK=23.11|24.11|25.11  the release tarball from $AVP_DPDK_TARBALLS
#                             (default ../shared/dpdk, checked against its
#                             SHA256SUMS), subprojects/dpdk-<release>
#   AVP_DPDK_SRC=/path        a DPDK tree of your own, used in place (the
#                             links are made inside it), subprojects/dpdk-src
# Idempotent: a second run only re-checks the links and the patch.
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/devtools/avp-dpdk-env.sh"
cache=${AVP_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/avp-dpdk}
dest=$top/subprojects/$AVP_DPDK_SUBPROJECT

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

# Prints the tarball of the release, fetched or checked as needed.
tarball() {
	case $AVP_DPDK in
	22.11)
		t=$cache/dpdk_22.11.11.orig.tar.xz
		if [ ! -f "$t" ]; then
			enable_deb_src
			mkdir -p "$cache"
			(cd "$cache" && apt-get source --download-only -qq \
				"dpdk=22.11.11-0+deb12u1" >/dev/null)
		fi
		;;
	*)
		t=$AVP_DPDK_TARBALLS/dpdk-$AVP_DPDK.tar.xz
		[ -f "$t" ] || {
			echo "avp-fetch-dpdk: $t missing (set AVP_DPDK_TARBALLS)" >&2
			exit 1
		}
		(cd "$AVP_DPDK_TARBALLS" &&
			grep " dpdk-$AVP_DPDK.tar.xz\$" SHA256SUMS |
			sha256sum -c --quiet -) >&2 || {
			echo "avp-fetch-dpdk: $t does not match SHA256SUMS" >&2
			exit 1
		}
		;;
	esac
	[ -f "$t" ] || { echo "avp-fetch-dpdk: $t missing" >&2; exit 1; }
	echo "$t"
}

if [ -n "${AVP_DPDK_SRC:-}" ]; then
	[ -f "$AVP_DPDK_SRC/VERSION" ] || {
		echo "avp-fetch-dpdk: $AVP_DPDK_SRC is not a DPDK tree" >&2
		exit 1
	}
	mkdir -p "$top/subprojects"
	rm -f "$dest"
	ln -s "$(cd "$AVP_DPDK_SRC" && pwd)" "$dest"
elif [ ! -f "$dest/.avp-unpacked" ]; then
	t=$(tarball)
	echo "avp-fetch-dpdk: unpacking DPDK $AVP_DPDK into subprojects/$AVP_DPDK_SUBPROJECT"
	tmp=$top/subprojects/.unpack-$AVP_DPDK
	rm -rf "$dest" "$tmp"
	mkdir -p "$tmp"
	tar -xJf "$t" -C "$tmp"
	mv "$tmp"/dpdk* "$dest"
	rmdir "$tmp"
	touch "$dest/.avp-unpacked"
fi
# Clean room: the old upstream driver never stays on disk.
rm -rf "$dest/drivers/net/avp" "$dest/doc/guides/nics/avp.rst" \
	"$dest/doc/guides/nics/features/avp.ini"

# This repository's files, linked so that edits here are built in place.
link() {
	rm -rf "$dest/$1"
	ln -s "$2" "$dest/$1"
}
link drivers/net/avp "$top/drivers/net/avp"
# (test files this repository no longer has go too)
for t in "$dest"/app/test/test_avp*; do
	if [ -L "$t" ]; then
		rm -f "$t"
	fi
done
for t in "$top"/app/test/test_avp*.[ch]; do
	link "app/test/${t##*/}" "$t"
done
link app/test/avp-host-lib "$top/app/avp-host/lib"
link doc/guides/nics/avp.rst "$top/doc/guides/nics/avp.rst"
link doc/guides/nics/features/avp.ini "$top/doc/guides/nics/features/avp.ini"

"$top/devtools/avp-patch-dpdk.py" "$dest"
