#!/bin/bash
# SPDX-License-Identifier: MIT
#
# Builds rumkv.ko out of tree against Debian's arm64 kernel headers with
# the cross compiler, without installing anything (see
# ../shared/docs/PLATFORM-NOTES.md): downloads linux-headers-<abi>-arm64,
# its -common and linux-kbuild into a cache, unpacks them, points the
# arm64 Makefile's include at the unpacked common tree and runs kbuild.
#
#   linux/rumkv/build.sh [ABI]    e.g. 6.1.0-57 (default: the kernel that
#                                 scripts/fetch-linux put in ~/.cache/rumkv)
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
cache=${RUMKV_CACHE:-$HOME/.cache/rumkv}
abi=${1:-}
if [[ -z $abi ]]; then
	deb=$(ls "$cache"/linux-image-*-arm64_*_arm64.deb | head -n 1)
	abi=$(basename "$deb" | sed -n 's/^linux-image-\(.*\)-arm64_.*/\1/p')
fi
hdr=$cache/headers-$abi
if [[ ! -d $hdr/usr/src/linux-headers-$abi-arm64 ]]; then
	mkdir -p "$hdr"
	(cd "$hdr" && apt-get download "linux-headers-$abi-arm64:arm64" \
		"linux-headers-$abi-common" linux-kbuild-6.1 2>&1 |
		grep -v "^W: Download is performed unsandboxed" || true)
	for f in "$hdr"/*.deb; do dpkg-deb -x "$f" "$hdr"; done
	sed -i "1s|.*|include $hdr/usr/src/linux-headers-$abi-common/Makefile|" \
		"$hdr/usr/src/linux-headers-$abi-arm64/Makefile"
fi
make -C "$hdr/usr/src/linux-headers-$abi-arm64" ARCH=arm64 \
	CROSS_COMPILE=aarch64-linux-gnu- M="$here" modules
