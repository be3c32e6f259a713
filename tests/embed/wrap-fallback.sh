#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# RumKV's fallbacks for missing host packages (subprojects/*.wrap), as
# far as they can be tested offline: a copy of the source tree gets
# stand-ins for the dtc and Criterion subprojects (they only hand on the
# system's libraries: the real ones would be downloaded), a native
# configure forces both fallbacks without downloading, and the partition
# tool built against the stand-in libfdt compiles a partition. What this
# proves is RumKV's side (the fallback names, the dependency variables,
# native configures only); dtc's and Criterion's own Meson builds are not
# tested here (docs/porting-guide.md, "Host packages").
#
# Usage: wrap-fallback.sh SOURCE_ROOT
set -euo pipefail
src=$(cd "$1" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() {
	echo "FAIL: $*"
	exit 1
}

if git -C "$src" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
	mkdir "$work/rumkv"
	git -C "$src" ls-files -z --cached --others --exclude-standard | (cd "$src" && xargs -0 cp --parents -t "$work/rumkv")
else
	cp -r "$src" "$work/rumkv"
	rm -rf "$work/rumkv/build"
fi
for wrap in dtc criterion; do
	[[ -f $work/rumkv/subprojects/$wrap.wrap ]] || fail "no subprojects/$wrap.wrap"
done
mkdir -p "$work/rumkv/subprojects/dtc" "$work/rumkv/subprojects/criterion"
cat >"$work/rumkv/subprojects/dtc/meson.build" <<'MESON'
project('dtc', 'c')
libfdt_dep = declare_dependency(
  dependencies: meson.get_compiler('c').find_library('fdt'))
meson.override_dependency('libfdt', libfdt_dep)
MESON
# The options RumKV sets, as the real projects declare them.
cat >"$work/rumkv/subprojects/dtc/meson_options.txt" <<'MESON'
option('tools', type: 'boolean', value: true)
option('yaml', type: 'feature', value: 'auto')
option('valgrind', type: 'feature', value: 'auto')
option('python', type: 'feature', value: 'auto')
option('tests', type: 'boolean', value: true)
MESON
cat >"$work/rumkv/subprojects/criterion/meson_options.txt" <<'MESON'
option('tests', type: 'boolean', value: true)
option('samples', type: 'boolean', value: true)
MESON
cat >"$work/rumkv/subprojects/criterion/meson.build" <<'MESON'
project('criterion', 'c')
criterion = declare_dependency(
  dependencies: meson.get_compiler('c').find_library('criterion'))
MESON

meson setup "$work/build" "$work/rumkv" --wrap-mode=nodownload \
	-Dforce_fallback_for=libfdt,criterion >"$work/setup.log" 2>&1 ||
	{ cat "$work/setup.log"; fail "meson setup"; }
for pair in libfdt:dtc criterion:criterion; do
	dep=${pair%%:*}
	sub=${pair#*:}
	if ! grep -q "Executing subproject $sub" "$work/setup.log" ||
		! grep -E "Dependency $dep (from subproject \S+ )?found: YES" \
			"$work/setup.log"; then
		cat "$work/setup.log"
		fail "$dep: not from subprojects/$sub"
	fi
done
ninja -C "$work/build" tools/partition/rumkv-partition >"$work/build.log" 2>&1 ||
	{ cat "$work/build.log"; fail "ninja"; }
"$work/build/tools/partition/rumkv-partition" --werror \
	-i "$src/boards" -L "$src/tests/partition/images" \
	"$src/tests/partition/good/parked-cores.dts"
echo "PASS: libfdt and Criterion from subprojects/ (stand-ins), the tool works"
