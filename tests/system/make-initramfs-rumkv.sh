#!/bin/bash
# SPDX-License-Identifier: MIT
#
# make-initramfs-rumkv.sh LINUX_DIR OUT: the example's initramfs
# (scripts/fetch-linux) with linux/rumkv's module appended as a second
# cpio archive (the kernel unpacks both; later entries win), and an
# /etc/rc that loads it and prints what it shows, for linux-channel.dts.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
linux_dir=$1
out=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# Built in a copy (kbuild writes next to the sources), which finds
# <rumkv/abi.h> at ../../include as in the tree.
mod=$work/linux/rumkv
mkdir -p "$work/linux" "$work/include"
cp -r "$here/../../linux/rumkv" "$mod"
cp -r "$here/../../include/rumkv" "$work/include/"
abi=$(sed -n 's/^linux-image-\(.*\)-arm64$/\1/p' "$linux_dir/VERSION")
"$mod/build.sh" "$abi" >"$work/build.log" 2>&1 || {
	cat "$work/build.log" >&2
	exit 1
}
mkdir -p "$work/root/lib/modules" "$work/root/etc"
cp "$mod/rumkv.ko" "$work/root/lib/modules/"
cat >"$work/root/etc/rc" <<'RC'
#!/bin/busybox sh
/bin/busybox --install -s /bin
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
insmod /lib/modules/rumkv.ko || echo "rc: cannot load rumkv"
echo "RUMKV-VERSION: $(cat /sys/kernel/rumkv/version)"
sed 's/^/RUMKV-STATUS: /' /sys/kernel/rumkv/status
echo "RUMKV-RIGHTS: $(cat /sys/kernel/rumkv/rights)"
ls /dev/rumkv-* | sed 's/^/RUMKV-DEV: /'
echo "RUMKV-LINUX-SHELL: $(uname -r), $(grep -c ^processor /proc/cpuinfo) cpus"
RC
chmod +x "$work/root/etc/rc"
(cd "$work/root" && find lib etc | LC_ALL=C sort |
	cpio -o -H newc --quiet | gzip -9n) >"$work/extra.cpio.gz"
cat "$linux_dir/initramfs.cpio.gz" "$work/extra.cpio.gz" >"$out"
