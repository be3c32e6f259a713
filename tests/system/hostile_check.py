# SPDX-License-Identifier: MIT
"""Checks the console of a hostile-guest case (tests/system/hostile.c).

`// check: hostile cell=A runs=N modes=a,b` in a case: the cell runs the
hostile guest with restart limit N (runs=N in its bootargs too) and the
modes listed. What must hold:

- RumKV never faults ("internal fault");
- no check of the guest failed ("check failed");
- runs follow each other as the status page numbers them: run
  2*restarts + after_reset, a violation adding one restart, a reset
  none; the last has N restarts and powers off;
- every run prints a summary with ops for each mode, and then its end;
- every end has exactly one report line of the cell, after the end was
  announced and of the kind announced (the IPA, size or offset it
  names); violations say "restarting (k of N)" with k = restarts + 1;
- what the vcores wrote to the emulated UART arrives, byte for byte
  (letters a-d, one per vcore), in lines of at most 120 characters
  (partial lines RumKV shows live and draws again are counted once).

check() returns the failures; it prints the operations per mode.
"""
import re

LINE_MAX = 120  # RUMKV_CONSOLE_LINE_MAX
VIOLATIONS = {"touch", "gic16", "gic64", "gic8", "gicmis", "gicpair",
              "gicr16", "gicr-beyond", "widen", "console"}
GIC_SIZE = {"gic16": 2, "gic64": 8, "gic8": 1, "gicmis": 4}


def _report_ok(kind, detail, report, cell):
    """Whether `report` is the report an end of `kind` must produce."""
    if kind == "off":
        return report == f"rumkv: cell {cell} powered off"
    if kind == "reset":
        return report == f"rumkv: cell {cell} reset"
    if kind == "touch":
        m = re.search(r"stage-2 fault: read 4 bytes \((translation|address "
                      r"size) fault, level \d\) at IPA 0x([0-9a-f]+),", report)
        announced = {int(a, 16) for a in detail.split(",")}
        return bool(m) and int(m.group(2), 16) in announced
    off = int(detail.split()[0], 16)
    if kind in GIC_SIZE:
        return re.search(rf"access of {GIC_SIZE[kind]} bytes? at "
                         rf"GICD\+0x{off:x}\b", report) is not None
    if kind == "gicr16":
        m = re.search(r"access of 2 bytes? at GICR(.*)", report)
        return bool(m) and any(f"0x{o:x}" in m.group(1)
                               for o in (off, off % 0x20000, off % 0x10000))
    if kind == "gicpair":
        return re.search(r"interrupt controller access of unknown size "
                         r"\(a pair or writeback", report) is not None
    if kind == "gicr-beyond":
        return re.search(rf"stage-2 fault: read 4 bytes .* at IPA "
                         rf"0x{off:x},", report) is not None
    if kind == "widen":
        held = int(re.search(r"holds (0x[0-9a-f]+)", detail).group(1), 16)
        return (f"pledge asked for rights 0x{off:x}, holds 0x{held:x}"
                in report)
    if kind == "console":
        return "console write after pledging the console away" in report
    return False


def _split_runs(lines, cell):
    """[(run number, restarts, after_reset, [lines of the run])], and the
    lines before the first run."""
    start = re.compile(rf"^\[{cell}\] hostile: run (\d+) \(restarts (\d+), "
                       r"after reset (\d)\) seed 0x[0-9a-f]+")
    runs, before = [], []
    for line in lines:
        m = start.match(line)
        if m:
            runs.append((int(m.group(1)), int(m.group(2)), int(m.group(3)),
                         []))
        elif runs:
            runs[-1][3].append(line)
        else:
            before.append(line)
    return runs, before


def _budget_notices(body, cell):
    """RumKV lines about the cell that its console budget dropped, as the
    budget's notices in `body` announce them."""
    rx = re.compile(rf"^rumkv: cell {cell}: over its console budget, dropped "
                    r"\d+ bytes and (\d+) RumKV lines$")
    return sum(int(m.group(1)) for m in map(rx.match, body) if m)


def _check_run(n, restarts, body, cell, limit, modes, totals, budget):
    failures = []
    tag = f"[{cell}] hostile: run {n} "
    report_rx = re.compile(rf"^rumkv: cell {cell} (core |reset$|powered off$)")
    end_at = next((i for i, l in enumerate(body)
                   if l.startswith(tag + "ends by ")), None)
    missing = []
    for mode in modes:
        m = next((re.match(rf"mode {mode}: (\d+) ops", l[len(tag):])
                  for l in body[:end_at] if l.startswith(tag + f"mode {mode}:")),
                 None)
        if m is None or int(m.group(1)) == 0:
            missing.append(f"run {n}: no operations of mode {mode}")
        else:
            totals[mode] = totals.get(mode, 0) + int(m.group(1))
    if end_at is None:
        reports = [l for l in body if report_rx.match(l)]
        return [f"run {n}: never announced its end"
                + (f"; the cell ended: {reports[0]}" if reports else "")]
    failures += missing
    early = [l for l in body[:end_at] if report_rx.match(l)]
    if early:
        failures.append(f"run {n}: the cell ended before its end: {early[0]}")
    kind, _, detail = body[end_at][len(tag + "ends by "):].partition(" ")
    reports = [l for l in body[end_at:] if report_rx.match(l)]
    # A cell that ends more often than once a second is over its console
    # budget: the report of an end may be dropped, but only if a budget
    # notice (here or in a later run) counts it (docs/architecture.md,
    # "Console budget").
    budget["owed"] += len(reports) == 0
    budget["owed"] -= _budget_notices(body, cell)
    if budget["owed"] < 0:
        failures.append(f"run {n}: the console budget says it dropped "
                        f"{-budget['owed']} more RumKV lines than are missing")
        budget["owed"] = 0
    if len(reports) > 1 or (len(reports) == 0 and
                            not budget.get("dropping", False)):
        failures.append(f"run {n}: {len(reports)} reports of its end "
                        f"({kind}), not 1: {reports[:3]}")
    if reports and not _report_ok(kind, detail, reports[0], cell):
        failures.append(f"run {n}: ended by {kind} {detail}, but the report "
                        f"is: {reports[0]}")
    if reports and kind in VIOLATIONS:
        want = f"; restarting ({restarts + 1} of {limit})"
        if not reports[0].endswith(want):
            failures.append(f"run {n}: report does not end with {want!r}: "
                            f"{reports[0]}")
    if "vuart" in modes:
        failures += _check_vuart(n, body[:end_at], cell, tag)
    return failures


def _check_vuart(n, body, cell, tag):
    summary = next((l for l in body if l.startswith(tag + "mode vuart:")),
                   None)
    if summary is None:
        return []
    m = re.search(r"sent a=(\d+) b=(\d+) c=(\d+) d=(\d+)", summary)
    sent = [int(x) for x in m.groups()] if m else [0, 0, 0, 0]
    shown = [l[len(f"[{cell}] "):] for l in body[:body.index(summary)]
             if re.match(rf"^\[{cell}\] [a-d]+$", l)]
    # The cell has the input focus, so RumKV shows its partial line live:
    # other output breaks it and draws it again below. A line shorter
    # than a full one that the next one starts with was such a partial
    # one (a complete line has 120 bytes, or is the last).
    payload = [p for p, q in zip(shown, shown[1:] + [None])
               if not (len(p) < LINE_MAX and q is not None and
                       q.startswith(p))]
    failures = []
    got = [sum(p.count(ch) for p in payload) for ch in "abcd"]
    if got != sent:
        failures.append(f"run {n}: the emulated UART lost or invented bytes: "
                        f"sent a-d {sent}, the console shows {got}")
    longest = max((len(p) for p in payload), default=0)
    if longest > LINE_MAX:
        failures.append(f"run {n}: a UART line of {longest} characters, more "
                        f"than {LINE_MAX}")
    return failures


def check(lines, args):
    cell = args.get("cell", "A")
    limit = int(args.get("runs", "0"))
    modes = [m for m in args.get("modes", "").split(",") if m]
    failures = [f"RumKV faulted: {l}" for l in lines if "internal fault" in l]
    failures += [l for l in lines if " check failed: " in l][:8]
    runs, before = _split_runs(lines, cell)
    early = [l for l in before if re.match(rf"^rumkv: cell {cell} (core|reset"
                                           r"|powered off)", l)]
    if early:
        failures.append(f"the cell ended before its first run: {early[0]}")
    if not runs:
        return failures + ["no run of the hostile guest started"]
    totals = {}
    # Reports may be dropped by the console budget only where the case
    # says the cell ends often enough to exceed it (budget=1).
    budget = {"owed": 0, "dropping": args.get("budget", "0") == "1"}
    expect_restarts, expect_reset = 0, 0
    for n, restarts, after_reset, body in runs:
        if (restarts, after_reset) != (expect_restarts, expect_reset) or \
                n != 2 * restarts + after_reset:
            failures.append(f"run {n} (restarts {restarts}, after reset "
                            f"{after_reset}) follows the wrong run: expected "
                            f"restarts {expect_restarts}, after reset "
                            f"{expect_reset}")
        failures += _check_run(n, restarts, body, cell, limit, modes, totals,
                               budget)
        kind = next((l.split(" ends by ")[1].split()[0] for l in body
                     if " hostile: run " in l and " ends by " in l), "")
        if kind == "reset":
            expect_restarts, expect_reset = restarts, 1
        else:
            expect_restarts, expect_reset = restarts + 1, 0
    last_kind = next((l.split(" ends by ")[1].split()[0] for l in runs[-1][3]
                      if " ends by " in l), "")
    if runs[-1][1] != limit or last_kind != "off":
        failures.append(f"the last run has {runs[-1][1]} restarts and ends by "
                        f"{last_kind or 'nothing'}; expected {limit} restarts "
                        "and off")
    if budget["owed"] != 0:
        failures.append(f"{budget['owed']} reports of ends are missing and no "
                        "console budget notice counts them")
    dropped = sum(_budget_notices(r[3], cell) for r in runs)
    if dropped:
        print(f"hostile: {dropped} reports dropped by the console budget, "
              "each counted by a notice")
    print(f"hostile: {len(runs)} runs; operations per mode: " +
          ", ".join(f"{m} {totals.get(m, 0)}" for m in modes))
    return failures
