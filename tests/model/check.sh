#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# Checks the cell lifecycle model (tests/model/lifecycle.pml) with Spin:
#  1. the model as written: an exhaustive safety search (assertions,
#     invalid end states) and an exhaustive liveness search (ltl live,
#     weak fairness) must both find 0 errors and must be complete;
#  2. every deliberate bug (-DBUG_...) must be caught: the search finds
#     at least one error, of the kind expected.
# A missing spin or C compiler is a failure, not a skip: the model is
# part of the suite.
#
# Usage: check.sh MODEL.pml
# Environment: RUMKV_MODEL_OPS (default 3) bounds the traps the cell's
# cores take in all (see the model); 4 or 5 search deeper and slower.
set -euo pipefail
model=$(realpath "$1")
ops=${RUMKV_MODEL_OPS:-3}
cc=${CC:-cc}

for tool in spin "$cc"; do
	if ! command -v "$tool" >/dev/null; then
		echo "model: '$tool' not found: install Debian's spin and gcc" \
			"(scripts/setup does)" >&2
		exit 1
	fi
done

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failed=0

# pan NAME DEFINES PAN_CFLAGS PAN_ARGS: generates and compiles a verifier
# for the model with DEFINES in $work/NAME, runs it, leaves its output in
# $work/NAME/out.
pan() {
	local dir=$work/$1
	mkdir -p "$dir"
	cp "$model" "$dir/model.pml"
	# shellcheck disable=SC2086 # the flag lists are split on purpose
	(cd "$dir" && spin -DOPS="$ops" $2 -a model.pml >spin.log 2>&1 &&
		"$cc" -O0 -w -DMEMLIM=2048 $3 -o pan pan.c &&
		env -u MALLOC_PERTURB_ ./pan -m100000 -w22 $4 >out 2>&1) || {
		echo "model: $1: spin, $cc or pan failed:" >&2
		cat "$dir/spin.log" "$dir/out" 2>/dev/null >&2 || true
		exit 1
	}
}

errors() {
	sed -n 's/.*errors: \([0-9]*\).*/\1/p' "$work/$1/out"
}

summary() {
	local out=$work/$1/out
	printf '%s: %s errors, %s states, %s s\n' "$1" "$(errors "$1")" \
		"$(sed -n 's/^ *\([0-9.e+]*\) states, stored.*/\1/p' "$out")" \
		"$(sed -n 's/^pan: elapsed time \([0-9.e+]*\).*/\1/p' "$out")"
}

# expect_pass NAME DEFINES PAN_CFLAGS PAN_ARGS
expect_pass() {
	pan "$@"
	summary "$1"
	if [[ $(errors "$1") != 0 ]] ||
		grep -Eq 'max search depth too small|out of memory|search not completed' \
			"$work/$1/out"; then
		echo "model: $1: FAIL, expected a complete search with 0 errors:" >&2
		cat "$work/$1/out" >&2
		failed=1
	fi
}

# expect_fail NAME DEFINES PAN_CFLAGS PAN_ARGS PATTERN: the search must
# report an error matching PATTERN (what that bug must break).
expect_fail() {
	pan "$1" "$2" "$3" "$4"
	local first
	first=$(grep -m1 '^pan:1:' "$work/$1/out" || true)
	if [[ $(errors "$1") == 0 ]] || ! grep -Eq "$5" <<<"$first"; then
		echo "model: $1: FAIL, the bug was not caught as expected ($5):" >&2
		cat "$work/$1/out" >&2
		failed=1
	else
		echo "$1: caught: ${first#pan:1: }"
	fi
}

safety='-DSAFETY -DNOCLAIM'
expect_pass correct-safety '' "$safety" ''
expect_pass correct-liveness '' '' '-a -f'

# Each bug and what must catch it: (a) a use of a revoked right, (b) a
# scrub under a running core or a right held again, (c) a hang, (d) the
# neighbour touched, (e) a second report or an end by a core not running.
expect_fail bug-no-ack-wait -DBUG_NO_ACK_WAIT "$safety" '' \
	'assertion violated'
expect_fail bug-ack-before-work -DBUG_ACK_BEFORE_WORK "$safety" '' \
	'invalid end state|assertion violated'
expect_fail bug-vgic-unlocked -DBUG_VGIC_UNLOCKED "$safety" '' \
	'assertion violated \(\(\(gone&1\)'
expect_fail bug-no-console-close -DBUG_NO_CONSOLE_CLOSE "$safety" '' \
	'assertion violated \(\(\(gone&2\)'
expect_fail bug-report-unlocked -DBUG_REPORT_UNLOCKED "$safety" '' \
	'assertion violated +!\(reports\)'
expect_fail bug-lock-forgets-park -DBUG_LOCK_FORGETS_PARK "$safety" '' \
	'assertion violated'
expect_fail bug-kick-all -DBUG_KICK_ALL "$safety" '' \
	'assertion violated \(+cstate\[1\]==0'
expect_fail bug-no-ratchet -DBUG_NO_RATCHET "$safety" '' \
	'assertion violated \(\(rights\[0\]&gone\)'
expect_fail bug-rights-late -DBUG_RIGHTS_LATE "$safety" '' \
	'assertion violated \(\(rights\[0\]&gone\)'
expect_fail bug-no-serve-waiting -DBUG_NO_SERVE_WAITING '' '-a -f' \
	'acceptance cycle|invalid end state'

exit "$failed"
