#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# Style and static analysis over RumKV's own C sources.
# Usage: lint.sh format|cppcheck SOURCE_ROOT
set -euo pipefail
what=$1
cd "$2"

# Every C file the project owns (tracked by git, or found when the source
# tree is not a git checkout).
sources() {
	if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
		git ls-files -- "$@"
	else
		find "$@" -type f 2>/dev/null | sort
	fi
}

case $what in
format)
	mapfile -t files < <(sources '*.c' '*.h')
	clang-format --dry-run --Werror "${files[@]}"
	echo "clang-format: ${#files[@]} files clean"
	;;
cppcheck)
	# Production code only: the tests' Criterion macros need a
	# configuration cppcheck does not have. Each world with its own
	# port types.
	common=(--enable=warning,style,performance,portability --std=c11
		--error-exitcode=1 --inline-suppr --quiet
		--suppress=missingIncludeSystem -I include)
	mapfile -t core < <(sources 'lib/*.c' 'ports/fake/*.c' 'tools/*.c')
	mapfile -t arm < <(sources 'ports/aarch64/*.c')
	mapfile -t guests < <(sources 'examples/*.c' 'tests/system/*.c' \
		'bench/*.c')
	cppcheck "${common[@]}" -I ports/fake/include -I tools/partition \
		"${core[@]}"
	cppcheck "${common[@]}" -I ports/aarch64/include "${arm[@]}"
	cppcheck "${common[@]}" -I examples/guests/include "${guests[@]}"
	echo "cppcheck: $((${#core[@]} + ${#arm[@]} + ${#guests[@]})) files clean"
	;;
*)
	echo "usage: lint.sh format|cppcheck SOURCE_ROOT" >&2
	exit 2
	;;
esac
