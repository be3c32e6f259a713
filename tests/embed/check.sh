#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# Can another firmware project use RumKV?
#  1. examples/embedding, built on its own with RumKV as a Meson
#     subproject, boots on QEMU and its two cells run;
#  2. the installed library works without RumKV's source: headers, the
#     pkg-config file and both libraries link a firmware image.
#
# Usage: check.sh SOURCE_ROOT BUILD_DIR QEMU
set -euo pipefail
src=$1
build=$2
qemu=$3
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

echo "== examples/embedding with RumKV as a subproject"
cp -r "$src/examples/embedding" "$work/fw"
mkdir -p "$work/fw/subprojects"
ln -s "$src" "$work/fw/subprojects/rumkv"
meson setup "$work/fw/build" "$work/fw" \
	--cross-file "$src/cross/aarch64-none.ini" >"$work/setup.log" 2>&1 ||
	{ cat "$work/setup.log"; exit 1; }
ninja -C "$work/fw/build" firmware.elf >"$work/build.log" 2>&1 ||
	{ cat "$work/build.log"; exit 1; }
python3 "$src/tests/system/run_case.py" "$qemu" \
	"$work/fw/build/firmware.elf" "$src/examples/embedding/partition.dts"

echo "== the installed library, through pkg-config"
meson install -C "$build" --destdir "$work/root" --no-rebuild >/dev/null
prefix=$(meson introspect --buildoptions "$build" | python3 -c \
	'import json, sys; print(next(o["value"] for o in json.load(sys.stdin) if o["name"] == "prefix"))')
export PKG_CONFIG_PATH=$work/root$prefix/lib/pkgconfig
pc() {
	pkg-config --define-variable=prefix="$work/root$prefix" "$@" rumkv
}
cflags=$(pc --cflags)
libs=$(pc --libs)
script=$(pc --variable=linker_script)
echo "cflags: $cflags"
echo "libs:   $libs"
# A plan from the installed board tree, then a firmware from installed
# files only (the guest image comes from RumKV's build).
"$build/tools/partition/rumkv-partition" \
	-i "$(pc --variable=boards)" \
	-L "$build/examples/guests" --plan-name my_board_plan \
	-o "$work/plan.c" --images "$work/images.S" --ld "$work/layout.ld" \
	--dtb-dir "$work" "$src/examples/embedding/partition.dts"
cc=aarch64-linux-gnu-gcc
flags=(-ffreestanding -fno-builtin -mgeneral-regs-only -mstrict-align
	-mno-outline-atomics -fno-pie -Os -Wall -Wextra -Werror)
# shellcheck disable=SC2086
$cc "${flags[@]}" $cflags -c "$src/examples/embedding/firmware.c" -o "$work/firmware.o"
# shellcheck disable=SC2086
$cc "${flags[@]}" $cflags -c "$work/plan.c" -o "$work/plan.o"
$cc -c "$work/images.S" -o "$work/images.o"
# shellcheck disable=SC2086
$cc -nostdlib -static -Wl,--gc-sections -Wl,--build-id=none \
	-Wl,--no-warn-rwx-segments -Wl,-T,"$work/layout.ld" -Wl,-T,"$script" \
	"$work/firmware.o" "$work/plan.o" "$work/images.o" $libs \
	-o "$work/installed.elf"
python3 "$src/tests/system/run_case.py" "$qemu" "$work/installed.elf" \
	"$src/examples/embedding/partition.dts"
