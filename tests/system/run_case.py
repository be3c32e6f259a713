#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Boots one RumKV image on a fresh QEMU and checks what the cells print.

Usage: run_case.py QEMU FIRMWARE CASE.dts [SCRATCH_DIR]

The case's partition file carries the expectations as comment lines:

  // qemu: ARGS            extra QEMU arguments (repeatable; @SCRATCH@ is
  //                       replaced by a scratch directory for disk images,
  //                       @LINUX@ by the Linux directory, $RUMKV_LINUX_DIR)
  // disk: NAME SIZE       creates @SCRATCH@/NAME of SIZE bytes first
  // expect: REGEX         a console line must match, after the line that
  //                       matched the previous `expect` (order matters)
  // expect-any: REGEX     some console line must match (anywhere)
  // count: N REGEX        exactly N console lines match
  // reject: REGEX         no console line may match
  // exit: N               QEMU's exit status (default 0)
  // timeout: SECONDS      wall-clock limit for the whole run (default 60)
  // input-after: REGEX => TEXT
  //                       once a line matches, types TEXT (\\n for Enter,
  //                       \\xHH for any byte, e.g. \\x1d for Ctrl-])
  // input-when: REGEX ;; REGEX... => TEXT
  //                       types TEXT once a line has matched each REGEX,
  //                       in any order (e.g. two cells both at a shell)
  //                       Inputs are typed in the order given; an
  //                       input-after looks only at lines after the
  //                       previous input was typed, an input-when at every
  //                       line so far
  // gap: MS REGEX         REGEX has a group (?P<t>...) with a time in
  //                       milliseconds (and optionally (?P<s>...) naming a
  //                       series): consecutive matching lines of a series
  //                       are at most MS apart, and there are at least two
  // check: NAME [K=V...]  a named checker over all lines (CHECKERS below;
  //                       hostile_check.py for the hostile guest)

Any other `// word:` comment line is an error (a typo would otherwise
silently drop an expectation), and so is a case without a single positive
expectation (expect, expect-any, count with N >= 1, gap or check): such a
case could not fail. Errors in the case file exit with status 2.

The QEMU machine is always the board the partitions are written for:
virt with EL2 and GICv3, 8 Cortex-A57 cores, 2 GiB. Nothing leaves this
machine: the only network backends cases use are user-mode with
restrict=on. Exit status: 0 pass, 1 fail, 2 bad case file.
"""
import os
import re
import select
import shlex
import signal
import subprocess
import sys
import tempfile
import time

BOARD = ["-M", "virt,virtualization=on,gic-version=3", "-cpu", "cortex-a57",
         "-smp", "8", "-m", "2G", "-nic", "none", "-display", "none",
         "-monitor", "none", "-serial", "stdio", "-no-reboot"]


class CaseError(Exception):
    """A case file RumKV's runner cannot take as written."""


def _keys(text):
    """TEXT of `input-after` as bytes typed: \\n is Enter, \\xHH a byte."""
    text = text.replace("\\n", "\n")
    return re.sub(r"\\x([0-9a-fA-F]{2})",
                  lambda m: chr(int(m.group(1), 16)), text)


def _regex(value, where):
    try:
        return re.compile(value)
    except re.error as e:
        raise CaseError(f"{where}: bad regular expression /{value}/: {e}")


def _parse_gap(value, where):
    try:
        ms, rx = value.split(None, 1)
        ms = float(ms)
    except ValueError:
        raise CaseError(f"{where}: expected `gap: MS REGEX`")
    rx = _regex(rx, where)
    if "t" not in rx.groupindex:
        raise CaseError(f"{where}: gap regex needs a group (?P<t>...)")
    return ms, rx


def _parse_check(value, where):
    words = value.split()
    if not words or words[0] not in CHECKERS:
        raise CaseError(f"{where}: unknown checker {value!r} "
                        f"(known: {', '.join(sorted(CHECKERS))})")
    args = {}
    for w in words[1:]:
        if "=" not in w:
            raise CaseError(f"{where}: checker argument {w!r} is not K=V")
        k, v = w.split("=", 1)
        args[k] = v
    return words[0], args


def parse_case(path):
    """Reads the expectations of a case; raises CaseError on anything it
    does not understand, and on a case without a positive expectation."""
    case = {"qemu": [], "disks": [], "expect": [], "expect_any": [],
            "count": [], "reject": [], "exit": 0, "timeout": 60.0,
            "input": [], "gap": [], "check": []}
    try:
        f = open(path, encoding="utf-8")
    except OSError as e:
        raise CaseError(f"{path}: cannot read: {e}")
    with f:
        for lineno, line in enumerate(f, 1):
            m = re.match(r"\s*//\s*([a-z-]+):\s?(.*)$", line.rstrip("\n"))
            if not m:
                continue
            key, value = m.group(1), m.group(2)
            where = f"{path}:{lineno}"
            try:
                parse_key(case, key, value, where)
            except ValueError as e:
                raise CaseError(f"{where}: bad `{key}:` value {value!r}: {e}")
    positive = (case["expect"] or case["expect_any"] or case["gap"] or
                case["check"] or any(n > 0 for n, _ in case["count"]))
    if not positive:
        raise CaseError(f"{path}: no expectation (expect, expect-any, "
                        "count N >= 1, gap or check): the case cannot fail")
    return case


def parse_key(case, key, value, where):
    if key == "qemu":
        case["qemu"] += shlex.split(value)
    elif key == "disk":
        name, size = value.split()
        case["disks"].append((name, int(size, 0)))
    elif key == "expect":
        case["expect"].append(_regex(value, where))
    elif key == "expect-any":
        case["expect_any"].append(_regex(value, where))
    elif key == "count":
        n, rx = value.split(None, 1)
        case["count"].append((int(n), _regex(rx, where)))
    elif key == "reject":
        case["reject"].append(_regex(value, where))
    elif key == "exit":
        case["exit"] = int(value)
    elif key == "timeout":
        case["timeout"] = float(value)
    elif key in ("input-after", "input-when"):
        if " => " not in value:
            raise CaseError(f"{where}: expected `{key}: REGEX => TEXT`")
        rx, text = value.split(" => ", 1)
        rxs = rx.split(" ;; ") if key == "input-when" else [rx]
        # [regexes, text, fired, regexes not matched yet, input-when]
        case["input"].append([[_regex(r, where) for r in rxs], _keys(text),
                              False, None, key == "input-when"])
    elif key == "gap":
        case["gap"].append(_parse_gap(value, where))
    elif key == "check":
        case["check"].append(_parse_check(value, where))
    else:
        raise CaseError(f"{where}: unknown expectation key `{key}:` "
                        "(see run_case.py's usage)")


def _type_inputs(inputs, lines, stdin):
    """After `lines` gained its last line: types every input now due, in
    order. An input-after looks only at the lines after the previous input
    was typed, an input-when at every line so far."""
    typed = False
    for item in inputs:
        if item[2]:
            continue
        if item[3] is None:
            # The line an input was just typed on is not the next one's.
            seen = lines if item[4] else [] if typed else lines[-1:]
            item[3] = [rx for rx in item[0]
                       if not any(rx.search(l) for l in seen)]
        else:
            item[3] = [rx for rx in item[3] if not rx.search(lines[-1])]
        if item[3]:
            return
        item[2] = True
        typed = True
        stdin.write(item[1].encode("latin-1"))
        stdin.flush()


def run(qemu, firmware, case, scratch):
    for name, size in case["disks"]:
        with open(os.path.join(scratch, name), "wb") as f:
            f.truncate(size)
    linux = os.environ.get("RUMKV_LINUX_DIR", "")
    args = [a.replace("@SCRATCH@", scratch).replace("@LINUX@", linux)
            for a in case["qemu"]]
    cmd = [qemu] + BOARD + ["-kernel", firmware] + args
    print("$ " + " ".join(shlex.quote(c) for c in cmd), flush=True)
    proc = subprocess.Popen(cmd, stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    lines, partial = [], b""
    deadline = time.monotonic() + case["timeout"]
    timed_out = False
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            timed_out = True
            break
        ready, _, _ = select.select([proc.stdout], [], [], min(left, 0.5))
        if not ready:
            if proc.poll() is not None:
                break
            continue
        chunk = os.read(proc.stdout.fileno(), 65536)
        if not chunk:
            break
        partial += chunk
        *complete, partial = partial.split(b"\n")
        for raw in complete:
            line = raw.decode("utf-8", "replace").rstrip("\r")
            lines.append(line)
            print(line, flush=True)
            _type_inputs(case["input"], lines, proc.stdin)
    if partial:
        lines.append(partial.decode("utf-8", "replace"))
        print(lines[-1], flush=True)
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    return lines, proc.returncode, timed_out


def check(case, lines, status, timed_out):
    failures = []
    if timed_out:
        failures.append(f"timed out after {case['timeout']:.0f} s")
    elif status != case["exit"]:
        failures.append(f"QEMU exit status {status}, expected {case['exit']}")
    at = 0
    for rx in case["expect"]:
        while at < len(lines) and not rx.search(lines[at]):
            at += 1
        if at == len(lines):
            failures.append(f"no line matches /{rx.pattern}/ "
                            "(after the previous expectation)")
            break
        at += 1
    for rx in case["expect_any"]:
        if not any(rx.search(line) for line in lines):
            failures.append(f"no line matches /{rx.pattern}/")
    for n, rx in case["count"]:
        got = sum(1 for line in lines if rx.search(line))
        if got != n:
            failures.append(f"{got} lines match /{rx.pattern}/, expected {n}")
    for rx in case["reject"]:
        bad = [line for line in lines if rx.search(line)]
        if bad:
            failures.append(f"line matches rejected /{rx.pattern}/: {bad[0]}")
    for ms, rx in case["gap"]:
        failures += check_gap(lines, ms, rx)
    for name, args in case["check"]:
        failures += [f"{name}: {f}" for f in CHECKERS[name](lines, args)]
    return failures


def check_gap(lines, max_ms, rx):
    """Consecutive lines of each series matching `rx` are at most `max_ms`
    apart (by their own (?P<t>) timestamps, not by when they arrived)."""
    series = {}
    for line in lines:
        m = rx.search(line)
        if m:
            key = m.groupdict().get("s") or ""
            series.setdefault(key, []).append(float(m.group("t")))
    if sum(len(t) for t in series.values()) < 2:
        return [f"fewer than two lines match /{rx.pattern}/"]
    failures = []
    for key, times in sorted(series.items()):
        name = f" (series {key})" if key else ""
        worst = max((b - a for a, b in zip(times, times[1:])), default=0)
        print(f"gap: /{rx.pattern}/{name}: {len(times)} lines, "
              f"largest gap {worst:.0f} ms (limit {max_ms:.0f})")
        for a, b in zip(times, times[1:]):
            if b - a > max_ms:
                failures.append(f"/{rx.pattern}/{name}: {b - a:.0f} ms "
                                f"between t={a:.0f} and t={b:.0f}, "
                                f"more than {max_ms:.0f}")
                break
            if b < a:
                failures.append(f"/{rx.pattern}/{name}: time goes back "
                                f"from {a:.0f} to {b:.0f}")
                break
    return failures


def _load_checkers():
    """Named checkers: NAME -> function(lines, args) -> list of failures."""
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    sys.dont_write_bytecode = True  # no __pycache__ in the source tree
    import hostile_check  # noqa: E402 (next to this file)
    return {"hostile": hostile_check.check}


CHECKERS = _load_checkers()


# RumKV's platform is QEMU 10 (docs/qemu.md): 7.2's SMMUv3 has no stage 2.
QEMU_MINIMUM = (10, 0)


def check_qemu_version(qemu):
    """Exits with a clear message when `qemu` is older than QEMU_MINIMUM."""
    try:
        out = subprocess.run([qemu, "--version"], check=True,
                             capture_output=True, text=True).stdout
    except (OSError, subprocess.CalledProcessError) as e:
        sys.exit(f"run_case: cannot run {qemu} --version: {e}")
    m = re.match(r"QEMU emulator version (\d+)\.(\d+)", out)
    if not m:
        sys.exit(f"run_case: cannot read the version of {qemu}: {out!r}")
    if (int(m.group(1)), int(m.group(2))) < QEMU_MINIMUM:
        sys.exit(f"run_case: {qemu} is QEMU {m.group(1)}.{m.group(2)}; "
                 "RumKV needs QEMU >= 10.0 (scripts/setup-qemu installs it "
                 "from bookworm-backports)")


def main():
    if len(sys.argv) < 4:
        sys.exit(__doc__)
    qemu, firmware, case_file = sys.argv[1:4]
    check_qemu_version(qemu)
    try:
        case = parse_case(case_file)
    except CaseError as e:
        print(f"run_case: {e}", file=sys.stderr)
        sys.exit(2)
    with tempfile.TemporaryDirectory(prefix="rumkv-case-") as scratch:
        lines, status, timed_out = run(qemu, firmware, case, scratch)
    failures = check(case, lines, status, timed_out)
    for failure in failures:
        print(f"FAIL: {os.path.basename(case_file)}: {failure}")
    if not failures:
        print(f"PASS: {os.path.basename(case_file)}")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
