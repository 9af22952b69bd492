# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The AVP PMD authors
#
# Sourced by the devtools scripts: which DPDK to build against, and where.
#   AVP_DPDK            release: 22.11 (default), 23.11, 24.11 or 25.11
#   AVP_DPDK_SRC        a DPDK tree of your own instead of a release
#   AVP_DPDK_TARBALLS   where the 23.11+ tarballs are (../shared/dpdk)
# Sets AVP_DPDK_SUBPROJECT (the tree under subprojects/) and
# AVP_BUILD_DIR (build, build-<release> or build-src, unless set).

: "${top:?}"
# DPDK's build runs python3 and needs pyelftools (25.11 refuses to
# configure without it): the system's python3, not a version manager's.
PATH=/usr/bin:$PATH
export PATH
AVP_DPDK=${AVP_DPDK:-22.11}
AVP_DPDK_TARBALLS=${AVP_DPDK_TARBALLS:-$top/../shared/dpdk}
if [ -n "${AVP_DPDK_SRC:-}" ]; then
	AVP_DPDK_SUBPROJECT=dpdk-src
	AVP_BUILD_DIR=${AVP_BUILD_DIR:-$top/build-src}
else
	case $AVP_DPDK in
	22.11)
		AVP_DPDK_SUBPROJECT=dpdk
		AVP_BUILD_DIR=${AVP_BUILD_DIR:-$top/build}
		;;
	23.11|24.11|25.11)
		AVP_DPDK_SUBPROJECT=dpdk-$AVP_DPDK
		AVP_BUILD_DIR=${AVP_BUILD_DIR:-$top/build-$AVP_DPDK}
		;;
	*)
		echo "AVP_DPDK=$AVP_DPDK: one of 22.11, 23.11, 24.11, 25.11" >&2
		exit 1
		;;
	esac
fi
export AVP_DPDK AVP_DPDK_TARBALLS AVP_DPDK_SUBPROJECT AVP_BUILD_DIR
