#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# Can another firmware project use RumKV, following docs/porting-guide.md
# and nothing else? examples/embedding is that project (the guide shows
# its files; this checks they are the same), copied out of the tree and
# built from clean build directories three ways:
#  1. with RumKV as a Meson subproject;
#  2. with Meson against the installed RumKV (pkg-config, no fallback);
#  3. with a plain cross compiler against the installed RumKV (build.sh).
# Each build is as strict as an integrator's can be: its own cross file
# forcing -fstack-protector-strong (what many toolchains do by default:
# RumKV's flags must win), -Werror, the partition with --werror, and not
# one warning in the build's output. The plan target is built first on
# its own, so a plan that does not depend on the guest images it names
# fails here. Each firmware then boots on QEMU and both cells print.
# The installed rumkv-partition must not need the sanitizers' runtime.
#
# Usage: check.sh SOURCE_ROOT BUILD_DIR QEMU
set -euo pipefail
src=$(cd "$1" && pwd)
build=$(cd "$2" && pwd)
qemu=$3
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
example=$src/examples/embedding
fail() {
	echo "FAIL: $*"
	exit 1
}

# Runs "$@" with its output in $work/$log; shows it and fails if the
# command fails or prints a warning.
quiet() {
	local log=$work/$1
	shift
	"$@" >"$log" 2>&1 || { cat "$log"; fail "$*"; }
	if grep -i 'warning' "$log"; then
		fail "warnings from: $*"
	fi
}

boot() {
	python3 "$src/tests/system/run_case.py" "$qemu" "$1" \
		"$example/partition.dts"
}

echo "== the guide shows the example's files as they are"
python3 - "$src/docs/porting-guide.md" "$example" <<'EOF'
import pathlib, re, sys
guide, example = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
shown = re.findall(r"<!-- file: examples/embedding/(\S+) -->\n```\w*\n(.*?)```",
                   guide.read_text(), re.S)
names = sorted(name for name, _ in shown)
want = ["build.sh", "firmware.c", "meson.build", "partition.dts"]
if names != want:
    sys.exit(f"porting-guide.md shows {names}, not {want}")
for name, text in shown:
    if text != (example / name).read_text():
        sys.exit(f"porting-guide.md: examples/embedding/{name} differs "
                 "from the file")
print("shown verbatim:", ", ".join(names))
EOF

# The integrator's own cross file: their compiler, stack protection on.
cat >"$work/my-board.ini" <<'EOF'
[binaries]
c = 'aarch64-linux-gnu-gcc'
ar = 'aarch64-linux-gnu-ar'
strip = 'aarch64-linux-gnu-strip'
objcopy = 'aarch64-linux-gnu-objcopy'
pkgconfig = ['pkg-config', '--define-prefix']

[host_machine]
system = 'none'
cpu_family = 'aarch64'
cpu = 'cortex-a57'
endian = 'little'

[built-in options]
c_args = ['-fstack-protector-strong']
EOF

echo "== 1. RumKV as a Meson subproject"
cp -r "$example" "$work/sub"
mkdir -p "$work/sub/subprojects"
ln -s "$src" "$work/sub/subprojects/rumkv"
quiet sub-setup.log meson setup "$work/sub/build" "$work/sub" \
	--cross-file "$work/my-board.ini"
quiet sub-plan.log ninja -C "$work/sub/build" plan.c
quiet sub-build.log ninja -C "$work/sub/build"
grep -q -- '-fstack-protector-strong' "$work/sub/build/build.ninja" ||
	fail "the integrator's -fstack-protector-strong is not in the build"
for demo in "$work"/sub/build/subprojects/rumkv/examples/guests/*.bin; do
	[[ -e $demo ]] && fail "examples=false still builds $demo"
done
boot "$work/sub/build/firmware.elf"

echo "== installing RumKV (the cross build, then the host tool)"
root=$work/root
meson install -C "$build" --destdir "$root" --no-rebuild >/dev/null
quiet host-setup.log meson setup "$work/build-host" "$src"
quiet host-build.log ninja -C "$work/build-host" tools/partition/rumkv-partition
meson install -C "$work/build-host" --destdir "$root" --no-rebuild >/dev/null
prefix=$(meson introspect --buildoptions "$build" | python3 -c \
	'import json, sys; print(next(o["value"] for o in json.load(sys.stdin) if o["name"] == "prefix"))')
tool=$root$prefix/bin/rumkv-partition
[[ -x $tool ]] || fail "meson install did not install rumkv-partition"
if readelf -d "$tool" | grep -E 'NEEDED.*lib(a|ub)san'; then
	fail "the installed rumkv-partition needs a sanitizer runtime"
fi
export PATH=$root$prefix/bin:$PATH
pcdir=$root$prefix/lib/pkgconfig
echo "rumkv.pc:"
sed -n 's/^\(Cflags\|Libs\): /  \1: /p' "$pcdir/rumkv.pc"

echo "== 2. Meson against the installed RumKV (pkg-config)"
cp -r "$example" "$work/inst"
quiet inst-setup.log meson setup "$work/inst/build" "$work/inst" \
	--cross-file "$work/my-board.ini" --wrap-mode=nofallback \
	-Dpkg_config_path="$pcdir"
quiet inst-plan.log ninja -C "$work/inst/build" plan.c
quiet inst-build.log ninja -C "$work/inst/build"
boot "$work/inst/build/firmware.elf"

echo "== 3. a plain cross compiler against the installed RumKV (build.sh)"
cp -r "$example" "$work/cc"
quiet cc-build.log env PKG_CONFIG_PATH="$pcdir" PKG_CONFIG="pkg-config --define-prefix" \
	CFLAGS="-fstack-protector-strong -Os -Wall -Wextra -Werror" \
	sh "$work/cc/build.sh" "$work/cc/out"
boot "$work/cc/out/firmware.elf"
