#!/bin/sh
# SPDX-License-Identifier: MIT
#
# My board's firmware from an installed RumKV, without Meson: every flag
# RumKV needs comes from pkg-config (rumkv.pc for the firmware,
# rumkv-guest.pc for the guests), after the project's own CFLAGS.
#
# Usage: build.sh [OUT_DIR]       (default: out)
#   CC, OBJCOPY, PKG_CONFIG, CFLAGS: the cross tools and the project's
#   own flags (defaults: aarch64-linux-gnu-*, pkg-config, -Os and every
#   warning an error). rumkv-partition must be on PATH.
set -eu
src=$(dirname "$0")
out=${1:-out}
cc=${CC:-aarch64-linux-gnu-gcc}
objcopy=${OBJCOPY:-aarch64-linux-gnu-objcopy}
pc=${PKG_CONFIG:-pkg-config}
cflags=${CFLAGS:--Os -Wall -Wextra -Werror}
mkdir -p "$out"

# The guests: one flat image per cell, linked where each cell sees its
# RAM: the board's RAM base, 0x40000000.
guest_cflags=$($pc --cflags rumkv-guest)
guest_libs=$($pc --libs rumkv-guest)
for cell in left:0x40000000 right:0x40000000; do
	name=${cell%%:*}
	base=${cell#*:}
	# shellcheck disable=SC2086 # flag lists split on purpose
	{
		$cc $cflags $guest_cflags -c "$src/guest/start.S" -o "$out/start.o"
		$cc $cflags $guest_cflags -c "$src/guest/hello.c" -o "$out/hello.o"
		$cc "$out/start.o" "$out/hello.o" $guest_libs \
			-Wl,-T,"$src/guest/guest.ld" \
			-Wl,--defsym=CELL_RAM_BASE="$base" -o "$out/hello-$name.elf"
	}
	$objcopy -O binary "$out/hello-$name.elf" "$out/hello-$name.bin"
done

# The plan: the partition checked and compiled, warnings are errors.
rumkv-partition --werror -i "$($pc --variable=boards rumkv)" -L "$out" \
	--plan-name my_board_plan -o "$out/plan.c" --images "$out/images.S" \
	--ld "$out/layout.ld" --dtb-dir "$out" "$src/partition.dts"

# The firmware: where RumKV lives (layout.ld) first, then the port's
# linker script, then the libraries and RumKV's link flags.
fw_cflags=$($pc --cflags rumkv)
fw_libs=$($pc --libs rumkv)
# shellcheck disable=SC2086 # flag lists split on purpose
{
	$cc $cflags $fw_cflags -c "$src/firmware.c" -o "$out/firmware.o"
	$cc $cflags $fw_cflags -c "$out/plan.c" -o "$out/plan.o"
	$cc $cflags $fw_cflags -c "$out/images.S" -o "$out/images.o"
	$cc -Wl,-T,"$out/layout.ld" -Wl,-T,"$($pc --variable=linker_script rumkv)" \
		"$out/firmware.o" "$out/plan.o" "$out/images.o" \
		$fw_libs -o "$out/firmware.elf"
}
