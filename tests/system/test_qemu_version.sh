#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# The QEMU version gate (issue 12): scripts/qemu-version --check and the
# system-test runner refuse a QEMU older than 10.0 with a clear message
# and accept 10.0 and later. Fake QEMU binaries print the version lines.
#
# Usage: test_qemu_version.sh SOURCE_ROOT
set -euo pipefail
root=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0

fake() { # fake NAME "VERSION LINE"
	printf '#!/bin/sh\necho "%s"\necho "Copyright (c) 2003-2025 Fabrice Bellard"\n' "$2" >"$tmp/$1"
	chmod +x "$tmp/$1"
}
fake old 'QEMU emulator version 7.2.22 (Debian 1:7.2+dfsg-7+deb12u18+b3)'
fake new 'QEMU emulator version 10.0.2 (Debian 1:10.0.2+ds-2+deb13u1~bpo12+1)'
fake newer 'QEMU emulator version 11.1.0'

expect() { # expect WANT(ok|refused) WHAT COMMAND...
	local want=$1 what=$2 out rc=0
	shift 2
	out=$("$@" 2>&1) || rc=$?
	if [[ $want == ok && $rc -ne 0 ]]; then
		echo "FAIL: $what: refused: $out"
		fails=$((fails + 1))
	elif [[ $want == refused && ($rc -eq 0 || $out != *"needs QEMU >= 10.0"*) ]]; then
		echo "FAIL: $what: not refused with the message (rc $rc): $out"
		fails=$((fails + 1))
	else
		echo "ok: $what"
	fi
}

expect refused "qemu-version 7.2" "$root/scripts/qemu-version" --check "$tmp/old"
expect ok "qemu-version 10.0" "$root/scripts/qemu-version" --check "$tmp/new"
expect ok "qemu-version 11.1" "$root/scripts/qemu-version" --check "$tmp/newer"
expect refused "qemu-version missing" "$root/scripts/qemu-version" --check "$tmp/none"
[[ $("$root/scripts/qemu-version" "$tmp/new") == 10.0.2 ]] &&
	echo "ok: qemu-version prints 10.0.2" ||
	{ echo "FAIL: qemu-version does not print 10.0.2"; fails=$((fails + 1)); }
# The runner stops before booting anything: no firmware or case is read.
expect refused "run_case.py 7.2" python3 "$root/tests/system/run_case.py" \
	"$tmp/old" /nonexistent.elf /nonexistent.dts
echo "$((6 - fails)) passed, $fails failed"
((fails == 0))
