#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The AVP PMD authors
#
# Build librte-net-avp23, this driver as a drop-in replacement for Debian
# 12's package of the old net/avp, against Debian's packaged DPDK 22.11.11
# (libdpdk-dev). Prints the path of the .deb, written to OUTDIR (default
# build-package/). Installs libdpdk-dev, dpkg-dev, gcc and pkg-config if
# they are missing.
#
#   devtools/avp-package.sh [OUTDIR]
set -eu

DEB_DPDK=22.11.11-0+deb12u1
VERSION=$DEB_DPDK+avp1
PKG=librte-net-avp23
top=$(cd "$(dirname "$0")/.." && pwd)
out=$(mkdir -p "${1:-$top/build-package}" && cd "${1:-$top/build-package}" && pwd)
src=$top/subprojects/dpdk
cd "$top"

# libsystemd-dev: libdpdk-dev brings libpcap-dev and with it dbus-1.pc,
# whose static link needs -lsystemd, which Debian 12 leaves out; a DPDK
# configured afterwards (this project's) finds libpcap and would no
# longer link statically through pkg-config without it.
missing=
for p in libdpdk-dev dpkg-dev gcc pkg-config libsystemd-dev; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' ||
		missing="$missing $p"
done
if [ -n "$missing" ]; then
	echo "avp-package: installing:$missing" >&2
	SUDO=; [ "$(id -u)" -eq 0 ] || SUDO=sudo
	export DEBIAN_FRONTEND=noninteractive
	$SUDO apt-get update -qq
	# shellcheck disable=SC2086
	$SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi
have=$(pkg-config --modversion libdpdk)
[ "$have" = 22.11.11 ] || {
	echo "avp-package: libdpdk-dev is DPDK $have, not 22.11.11" >&2; exit 1; }
[ -f "$src/.avp-unpacked" ] || AVP_DPDK=22.11 AVP_DPDK_SRC='' \
	"$top/devtools/avp-fetch-dpdk.sh" >&2

work=$out/work
rm -rf "$work"
mkdir -p "$work/include" "$work/obj"

# The driver-SDK headers libdpdk-dev lacks (ethdev_driver.h,
# bus_pci_driver.h, ...) come from the same DPDK release's source; every
# header the package has comes from the package, so the ABI is the
# packaged libraries' one.
inc=$(pkg-config --variable=includedir libdpdk)/dpdk
for d in lib/ethdev lib/eal/include drivers/bus/pci drivers/bus/vdev; do
	for h in "$src/$d"/*.h; do
		[ -e "$inc/${h##*/}" ] || cp "$h" "$work/include/"
	done
done

# Debian's flags: pkg-config's (-march=corei7, the ISA Debian's DPDK is
# built for: RTE_MACHINE corei7, SSE4.2 at most) and dpkg-buildflags'
# hardening; then DPDK's own for drivers, developer-mode warnings as
# errors.
# shellcheck disable=SC2046
set -- $(pkg-config --cflags libdpdk) -mtune=generic \
	$(dpkg-buildflags --get CPPFLAGS) $(dpkg-buildflags --get CFLAGS) \
	-I"$work/include" -fPIC -O2 -std=gnu11 -D_GNU_SOURCE \
	-D_FILE_OFFSET_BITS=64 -DALLOW_EXPERIMENTAL_API -DALLOW_INTERNAL_API \
	-DRTE_LOG_DEFAULT_LOGTYPE=pmd.net.avp \
	-Wall -Wextra -Wcast-qual -Wdeprecated -Wformat -Wformat-nonliteral \
	-Wformat-security -Wmissing-declarations -Wmissing-prototypes \
	-Wnested-externs -Wold-style-definition -Wpointer-arith \
	-Wsign-compare -Wstrict-prototypes -Wundef -Wwrite-strings \
	-Wno-address-of-packed-member -Wno-packed-not-aligned \
	-Wno-missing-field-initializers -Wno-zero-length-bounds \
	-Wno-format-truncation -Werror -DCC_AVX512_SUPPORT
# The wider frame copies for their instruction sets, as the driver's
# meson.build builds them: chosen at run time from the CPU.
for c in "$top"/drivers/net/avp/*.c; do
	o=$work/obj/$(basename "$c" .c).o
	case $c in
	*_avx2.c) isa="-mavx2 -mno-avx256-split-unaligned-load
		-mno-avx256-split-unaligned-store";;
	*_avx512.c) isa=-mavx512f;;
	*) isa=;;
	esac
	# shellcheck disable=SC2086
	${CC:-gcc} "$@" $isa -c "$c" -o "$o"
done

lib=usr/lib/$(dpkg-architecture -qDEB_HOST_MULTIARCH)
pmds=dpdk/pmds-23.0
root=$work/root
mkdir -p "$root/DEBIAN" "$root/$lib/$pmds" "$root/usr/share/doc/$PKG"
# DPDK 22.11's driver link: SONAME .so.23, version map DPDK_23 with
# everything local, every symbol resolved by the packaged libraries.
# shellcheck disable=SC2046
${CC:-gcc} -shared -o "$root/$lib/$pmds/librte_net_avp.so.23.0" \
	"$work"/obj/*.o -Wl,-soname,librte_net_avp.so.23 \
	-Wl,--version-script="$src/drivers/version.map" -Wl,--no-undefined \
	-Wl,--as-needed $(dpkg-buildflags --get LDFLAGS) -Wl,-z,now \
	-L"$(pkg-config --variable=libdir libdpdk)" -lrte_ethdev -lrte_bus_pci \
	-lrte_bus_vdev -lrte_kvargs -lrte_net -lrte_mbuf -lrte_mempool -lrte_eal \
	-lbsd
strip --strip-unneeded --remove-section=.comment --remove-section=.note \
	"$root/$lib/$pmds/librte_net_avp.so.23.0"
chmod 644 "$root/$lib/$pmds/librte_net_avp.so.23.0"
# Debian's layout (as librte-net-ring23): the library in the PMD
# directory, where EAL loads every driver from without -d, and links to
# it in the library directory.
ln -s librte_net_avp.so.23.0 "$root/$lib/$pmds/librte_net_avp.so.23"
ln -s $pmds/librte_net_avp.so.23 "$root/$lib/librte_net_avp.so.23"
ln -s $pmds/librte_net_avp.so.23.0 "$root/$lib/librte_net_avp.so.23.0"
cp "$top/LICENSE" "$root/usr/share/doc/$PKG/copyright"

# Replaces, Conflicts, Breaks: none. Same package name, higher version:
# dpkg and apt see an upgrade of Debian's librte-net-avp23, whose files
# (the only ones named librte_net_avp.so.23*) this one takes over, so
# there is nothing to replace or conflict with; a package does not
# conflict with itself, and the new driver breaks no application (same
# SONAME, same devargs). But libdpdk-dev, dpdk-dev (through it) and
# librte-meta-{net,allpmds,all} depend on "librte-net-avp23 (=
# 22.11.11-0+deb12u1)", an exact version: a plain upgrade would break
# them, apt would want to remove them. The versioned self-Provides keeps
# those dependencies satisfied, so the package installs next to them, and
# "apt-get install --allow-downgrades librte-net-avp23=22.11.11-0+deb12u1"
# goes back. (libdpdk-dev's static librte_net_avp.a is still the old
# driver: this package is for the shared, PMD-directory use.)
mkdir -p "$work/debian"
echo "Source: $PKG" >"$work/debian/control"
# dpkg-shlibdeps's versions, but at least the DPDK built against: the
# driver uses the internal driver API, stable only within the release.
deps=$(cd "$work" && dpkg-shlibdeps -O "$root/$lib/$pmds/librte_net_avp.so.23.0" \
	2>/dev/null | sed -n 's/^shlibs:Depends=//p' |
	sed 's/\(librte-[a-z0-9-]*\) ([^)]*)/\1 (>= 22.11.11)/g')
case $deps in *librte-ethdev23*) ;; *)
	echo "avp-package: dpkg-shlibdeps found no dependencies" >&2; exit 1;;
esac
cat >"$root/DEBIAN/control" <<EOF
Package: $PKG
Version: $VERSION
Architecture: $(dpkg-architecture -qDEB_HOST_ARCH)
Maintainer: AVP PMD authors <avp@localhost>
Installed-Size: $(du -sk --apparent-size "$root/usr" | cut -f1)
Depends: $deps
Provides: $PKG (= $DEB_DPDK)
Multi-Arch: same
Section: libs
Priority: optional
Description: DPDK poll mode driver for Wind River AVP (librte-net-avp runtime library)
 net_avp, the Wind River Accelerated Virtual Port driver of this
 repository, built for Debian 12's DPDK 22.11.11 and installed in its
 PMD directory: every DPDK application of the distribution loads it
 without -d. Replaces the old net/avp driver of Debian's own package.
EOF
echo "librte_net_avp 23 $PKG (>= 22.11.11)" >"$root/DEBIAN/shlibs"
echo "activate-noawait ldconfig" >"$root/DEBIAN/triggers"
(cd "$root" && find usr -type f -exec md5sum {} + | sort -k2) \
	>"$root/DEBIAN/md5sums"

deb=$out/${PKG}_${VERSION}_$(dpkg-architecture -qDEB_HOST_ARCH).deb
dpkg-deb --root-owner-group --build "$root" "$deb" >/dev/null
echo "$deb"
