#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The interference benchmark: the probe guest measures in cell A of the
seed's 8-core layout while the neighbour cells B (cores 4-5) and C
(cores 6-7) run a load, and the same probe measures natively on the same
QEMU, without RumKV, with the same load on CPUs 4-7 (where such a load
exists without a hypervisor). See docs/temporal-isolation.md.

Usage: bench/interference.py run BUILD_DIR [--timeout SECONDS] [--only NAME]
       bench/interference.py phases BUILD_DIR LOAD [--steps N] [--step TICKS]
       bench/interference.py dts NAME OUTPUT     (the build: a partition)
       bench/interference.py list                (the build: load names)

`run` writes BUILD_DIR/bench/interference.json (the figures of every run
and every ratio), interference.md (the tables), interference.png (a plot,
with gnuplot) and the consoles interference-<load>-{cell,native}.log, and
prints the tables. bench/run --interference calls it and puts its two
keys, interference_worst_ratio and interference_worst_ratio_native, in
results.json.
"""
import argparse
import json
import math
import os
import re
import select
import shutil
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
QEMU = "qemu-system-aarch64"
COMMON = ["-cpu", "cortex-a57", "-nic", "none", "-display", "none",
          "-monitor", "none", "-serial", "stdio", "-no-reboot",
          "-icount", "shift=0,align=off,sleep=off"]
CELL = ["-M", "virt,virtualization=on,gic-version=3", "-smp", "8", "-m", "2G"]
# Natively: the same 8 CPUs, without EL2; the probe runs on CPU 0 and
# starts the loads on CPUs 4-7 itself (PSCI through QEMU).
NATIVE = ["-M", "virt,gic-version=3", "-smp", "8", "-m", "256M"]
# Shorter than bench/run's (the loads make QEMU slow in real time: an
# emulated access or a trap costs far more host time than an
# instruction): 250 interrupts every 100 us in each timer test, 500,000
# compute iterations, 5 ms for the neighbours to start.
PROBE_ARGS = "bench=all interference=1 samples=250 work=500000 settle=5"
DONE = re.compile(r"^(\[A\] )?bench done$")

# name: (what, load of B (cores 4-5), load of C (cores 6-7), extra
# properties of C, whether the load exists natively). None: no such cell
# (its cores stay off).
LOADS = [
    ("alone", "A alone: no cells B and C, cores 4-7 off", None, None, "",
     True),
    ("idle", "B and C idle (WFI)", "idle", "idle", "", True),
    ("heartbeat", "B prints a line every 1 ms", "heartbeat", "idle", "",
     True),
    ("primes", "B: the demo's heartbeat, primes below 2000 counted and a "
     "line printed every 1 ms", "primes", "idle", "", True),
    ("spin", "C spins on both cores, no traps", "idle", "spin", "", True),
    ("hvc", "C: null hypercalls on both cores (natively: PSCI_VERSION)",
     "idle", "hvc", "", True),
    ("gicd", "C: GICD_TYPER reads on both cores (trapped, emulated)",
     "idle", "gicd", "", True),
    ("flood", "C: console lines by hypercall, both cores, back to back "
     "(natively: on the PL011)", "idle", "flood", "", True),
    ("vuart", "C: console lines on its emulated PL011, both cores "
     "(natively: the PL011)", "idle", "vuart", 'console = "vuart";', True),
    ("ipi", "C: SGIs between its two cores, taken and ended", "idle", "ipi",
     "", True),
    ("restart", "C: a violation at once, restarted by its policy, in a "
     "loop (no native equivalent)", "idle", "restart",
     'violation-policy = "restart"; restart-limit = <1000000>;', False),
]
# The probe's figures, each in ns of virtual time (cycle counter): the
# series give mean, p99 and max, the loops one value.
SERIES = [("hvc", "hvc_ticks", "null hypercall round trip"),
          ("irq_poll", "irq_ticks", "timer IRQ latency, computing"),
          ("irq_wfi", "irq_wfi_ticks", "timer IRQ latency, in WFI"),
          ("console", "console_ticks", "one console line")]
# Every figure is read from the virtual counter, in ticks of 16 ns, shown
# in ns. Not the cycle counter: under -icount it counts instructions and
# stands still while every core sleeps (QEMU moves virtual time on to the
# next deadline at once). Latencies count as at least one tick (the
# resolution) in the ratios: natively they are 0.
TICK_NS = 16
LOOPS = [("compute", "compute_ticks", "compute loop"),
         ("memory", "memory_ticks", "memory-bound loop")]


class BenchError(Exception):
    pass


# ---- the partitions (at build time) ------------------------------------

CELL_TEMPLATE = """
		cell@{reg} {{
			reg = <{reg}>;
			cell-name = "{name}";
			cpus = <{cpus}>;
			memory = <0x0 {base} 0x0 0x04000000>;
			kernel = "probe.bin";
			bootargs = "bench=load load={load}";
			{extra}
		}};
"""


def dts(name):
    """The partition of one load: bench.dts's cell A, and B and C."""
    _, _, load_b, load_c, extra_c, _ = next(c for c in LOADS if c[0] == name)
    cells = ""
    for reg, cell, load, base, cores, extra in (
            (1, "B", load_b, "0x58000000", (4, 5), ""),
            (2, "C", load_c, "0x5c000000", (6, 7), extra_c)):
        if load is None:
            continue
        cpus = " ".join(f"&{{/cpus/cpu@{c}}}" for c in cores)
        cells += CELL_TEMPLATE.format(reg=reg, name=cell, cpus=cpus,
                                      base=base, load=load, extra=extra)
    return f"""// Generated by bench/interference.py: load "{name}".
/dts-v1/;
/include/ "qemu-virt-aarch64.dts"

/ {{
	rumkv {{
		compatible = "rumkv,partition-v1";
		#address-cells = <1>;
		#size-cells = <0>;
		reg = <0x0 0x40000000 0x0 0x04000000>;
		console = <&{{/pl011@9000000}}>;

		cell@0 {{
			reg = <0>;
			cell-name = "A";
			cpus = <&{{/cpus/cpu@0}} &{{/cpus/cpu@1}} &{{/cpus/cpu@2}}
				&{{/cpus/cpu@3}}>;
			memory = <0x0 0x48000000 0x0 0x10000000>;
			kernel = "probe.bin";
			bootargs = "{PROBE_ARGS}";
		}};
{cells}	}};
}};
"""


# ---- QEMU runs -----------------------------------------------------------

def run_qemu(args, log, timeout):
    """One QEMU run under `timeout`; QEMU is stopped (by its PID, through
    `timeout`) as soon as the probe is done, whatever the neighbours do.
    Returns the probe's lines; a console flood is kept out of memory and
    the log but counted."""
    cmd = ["timeout", "--kill-after=5", str(timeout), QEMU] + args
    proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    start = time.monotonic()
    deadline = start + timeout + 15
    kept = []
    other = 0
    partial = b""
    done = False
    while time.monotonic() < deadline and not done:
        if not select.select([proc.stdout], [], [], 0.5)[0]:
            continue
        chunk = os.read(proc.stdout.fileno(), 1 << 20)
        if not chunk:
            break
        lines = (partial + chunk).split(b"\n")
        partial = lines.pop()
        for raw in lines:
            # The PL011 and RumKV end lines with CR LF.
            line = raw.decode("utf-8", "replace").rstrip("\r")
            if re.search(r"\bbench |rumkv:|^\[\w\] (?!flood|vuart|heart)",
                         line) or len(kept) < 40:
                kept.append(line)
            else:
                other += 1
            done = done or bool(DONE.search(line))
    proc.terminate()  # `timeout` passes it on to QEMU
    try:
        proc.communicate(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.communicate()
    with open(log, "w", encoding="utf-8") as out:
        out.write("$ " + " ".join(cmd) + "\n" + "\n".join(kept) + "\n")
        out.write(f"({other} other console lines not kept; "
                  f"{time.monotonic() - start:.1f} s)\n")
    if not done:
        tail = "\n".join(kept[-15:])
        raise BenchError(f"QEMU run did not finish (see {log}):\n{tail}")
    return kept, other


def parse_probe(lines, cell):
    """The measuring probe's lines (of cell A, or native) -> {key: int,
    'hist': {name: {value: count}}}."""
    out = {"hist": {}}
    rx = re.compile(r"^" + (r"\[A\] " if cell else "") + r"bench (\S+) ?(.*)$")
    for line in lines:
        m = rx.match(line)
        if not m:
            continue
        key, rest = m.group(1), m.group(2).split()
        if key == "sum":
            n, total, p99, top = (int(x) for x in rest[1:5])
            out["hist"][rest[0]] = {"n": n, "mean": round(total / n, 3),
                                    "p99": p99, "max": top}
        elif key == "hist":
            series = out["hist"].setdefault(rest[0], {})
            series[int(rest[1])] = series.get(int(rest[1]), 0) + int(rest[2])
        elif rest:
            try:
                out[key] = int(rest[0])
            except ValueError:
                pass
    return out


def stats(hist):
    if "n" in hist and "mean" in hist:  # a summary line already
        return hist
    n = sum(hist.values())
    values = sorted(hist)
    mean = sum(v * c for v, c in hist.items()) / n
    rank = math.ceil(0.99 * n)
    seen = 0
    p99 = values[-1]
    for v in values:
        seen += hist[v]
        if seen >= rank:
            p99 = v
            break
    return {"n": n, "mean": round(mean, 3), "p99": p99, "max": values[-1]}


def figures(probe, cell):
    """Flat figures of one run, in ns: <series>_{mean,p99,max}, <loop>."""
    fig = {}
    for key, series, _ in SERIES:
        if series not in probe["hist"]:
            if key == "hvc" and not cell:
                continue
            raise BenchError(f"the probe reported no {series}")
        s = stats(probe["hist"][series])
        if series.endswith("_ticks"):
            s = {k: (v * TICK_NS if k != "n" else v) for k, v in s.items()}
        if key == "hvc":
            # Minus the two counter reads without the call.
            null = stats(probe["hist"]["null_ticks"])["mean"] * TICK_NS
            s = {k: (round(v - null, 3) if k != "n" else v)
                 for k, v in s.items()}
        for stat in ("mean", "p99", "max"):
            fig[f"{key}_{stat}"] = s[stat]
        fig[f"{key}_samples"] = s["n"]
    for key, value, _ in LOOPS:
        fig[key] = probe[value] * TICK_NS
    fig["compute_checksum"] = probe["compute_checksum"]
    fig["memory_checksum"] = probe["memory_checksum"]
    return fig


# Where the probe finds a phase shift (probe.c, phase_shift()).
PHASE_AT = 0x4f000000
PHASE_MAGIC = 0x5048415345


def phase_args(ticks):
    if not ticks:
        return []
    return ["-device", f"loader,addr={PHASE_AT:#x},data={PHASE_MAGIC:#x},"
            "data-len=8",
            "-device", f"loader,addr={PHASE_AT + 8:#x},data={ticks},"
            "data-len=8"]


def measure(build, name, native_too, timeout, phase=0, sides=("cell",
                                                               "native")):
    bench = os.path.join(build, "bench")
    tag = f"-phase{phase}" if phase else ""
    elf = os.path.join(bench, f"rumkv-interference-{name}.elf")
    if not os.path.exists(elf):
        raise BenchError(f"{elf} is missing: build first")
    out = {}
    if "cell" in sides:
        lines, other = run_qemu(
            CELL + COMMON + ["-kernel", elf] + phase_args(phase),
            os.path.join(bench, f"interference-{name}{tag}-cell.log"),
            timeout)
        out["cell"] = figures(parse_probe(lines, True), True)
    if native_too and "native" in sides:
        _, _, load_b, load_c, _, _ = next(c for c in LOADS if c[0] == name)
        args = PROBE_ARGS
        if load_b:
            args += f" lb={load_b}"
        if load_c:
            args += f" lc={load_c}"
        lines, other = run_qemu(
            NATIVE + COMMON + ["-kernel", os.path.join(bench, "probe.bin"),
                               "-append", args] + phase_args(phase),
            os.path.join(bench, f"interference-{name}{tag}-native.log"),
            timeout)
        out["native"] = figures(parse_probe(lines, False), False)
    return out


# ---- ratios and report -------------------------------------------------

def ratio(a, b, key=""):
    if key.startswith("irq_"):
        a, b = max(a, TICK_NS), max(b, TICK_NS)
    return round(a / b, 6) if b else (1.0 if a == b else float("inf"))


def ratios(runs, sweep=()):
    """Every figure of every load over the same side's alone run, and the
    cell's over native with the same load; the two worst, over the loads
    and the phase sweep's runs."""
    alone = runs["alone"]
    worst = {"cell": (1.0, "", ""), "native": (1.0, "", "")}
    everything = list(runs.items()) + [
        (f"{SWEEP_LOAD} shifted {i * SWEEP_STEP:,} ticks", r)
        for i, r in enumerate(sweep)]
    for name, run in everything:
        run["ratio_to_alone"] = {}
        run["ratio_to_native"] = {}
        for side in ("cell", "native"):
            if side not in run:
                continue
            r = {k: ratio(v, alone[side][k], k)
                 for k, v in run[side].items()
                 if not k.endswith(("_samples", "_checksum"))}
            run["ratio_to_alone"][side] = r
            for k, v in r.items():
                if v > worst[side][0]:
                    worst[side] = (v, name, k)
        if "native" in run:
            run["ratio_to_native"] = {
                k: ratio(v, run["native"][k], k)
                for k, v in run["cell"].items()
                if k in run["native"]
                and not k.endswith(("_samples", "_checksum"))}
    return worst


def fmt(v):
    if isinstance(v, float) and not v.is_integer():
        return f"{v:,.3f}".rstrip("0").rstrip(".")
    return f"{int(v):,}"


def fmt_ratio(v):
    return "∞" if v == float("inf") else f"{v:,.3f}"


def table(runs, worst, single, env):
    heads = [("irq_wfi", "timer IRQ in WFI, ns mean / p99 / max"),
             ("irq_poll", "timer IRQ computing, ns mean / p99 / max"),
             ("hvc", "null hypercall, ns mean / p99 / max"),
             ("console", "console line, ns mean / p99 / max"),
             ("compute", "compute loop, ns"),
             ("memory", "memory-bound loop, ns")]
    out = ["| neighbour load | side | " +
           " | ".join(h for _, h in heads) + " | worst ratio to alone |",
           "|---|---|" + "---:|" * (len(heads) + 1)]
    for name, what, *_ in LOADS:
        run = runs[name]
        for side in ("cell", "native"):
            if side not in run:
                out.append(f"| {name} | native | " +
                           " | ".join("" for _ in heads) +
                           " | no native equivalent |")
                continue
            f = run[side]
            cols = []
            for key, _ in heads:
                if key in ("compute", "memory"):
                    cols.append(fmt(f[key]))
                elif f"{key}_mean" in f:
                    cols.append(f"{fmt(f[key + '_mean'])} / "
                                f"{fmt(f[key + '_p99'])} / "
                                f"{fmt(f[key + '_max'])}")
                else:
                    cols.append("")
            r = run["ratio_to_alone"][side]
            worst_key = max(r, key=r.get)
            out.append(f"| {name} | {'RumKV' if side == 'cell' else side} | "
                       + " | ".join(cols) +
                       f" | {fmt_ratio(r[worst_key])} ({worst_key}) |")
    out.append("")
    out.append("| neighbour load | what | worst ratio cell / native "
               "(same load) |")
    out.append("|---|---|---:|")
    for name, what, *_ in LOADS:
        r = runs[name]["ratio_to_native"]
        if r:
            k = max(r, key=r.get)
            out.append(f"| {name} | {what} | {fmt_ratio(r[k])} ({k}) |")
        else:
            out.append(f"| {name} | {what} | |")
    if env:
        out.append("")
        out.append(f"Load `{SWEEP_LOAD}` with the probe's start shifted by "
                   f"0 to {(SWEEP_STEPS - 1) * SWEEP_STEP:,} ticks in "
                   f"{SWEEP_STEPS} steps (across QEMU's 100 ms round-robin "
                   "kick period): each figure's range, ns")
        out.append("")
        out.append("| figure | RumKV min | RumKV max | native min | "
                   "native max |")
        out.append("|---|---:|---:|---:|---:|")
        for k, (lo, hi) in env["cell"].items():
            nat = env["native"].get(k)
            out.append(f"| {k} | {fmt(lo)} | {fmt(hi)} | " +
                       (f"{fmt(nat[0])} | {fmt(nat[1])} |" if nat
                        else " | |"))
    out.append("")
    for side, label in (("cell", "interference_worst_ratio"),
                        ("native", "interference_worst_ratio_native")):
        v, name, key = worst[side]
        v1, name1, key1 = single[side]
        out.append(f"`{label}` = {fmt_ratio(v)}"
                   + (f" ({name}, {key})" if name else "") +
                   f"; without the phase sweep {fmt_ratio(v1)}"
                   + (f" ({name1}, {key1})" if name1 else "") + "  ")
    return "\n".join(out) + "\n"


def plot(bench, runs):
    """interference.png: timer IRQ latency (in WFI, max) per load, RumKV
    and native, on a log scale."""
    if shutil.which("gnuplot") is None:
        print("interference: gnuplot not found: no plot", file=sys.stderr)
        return
    with open(os.path.join(bench, "interference.dat"), "w",
              encoding="utf-8") as f:
        for i, (name, *_) in enumerate(LOADS):
            run = runs[name]
            vals = []
            for side in ("cell", "native"):
                for key in ("irq_wfi_mean", "irq_wfi_max"):
                    vals.append(str(run[side][key]) if side in run else "NaN")
            f.write(f"{i} {name} " + " ".join(vals) + "\n")
    script = """
set terminal pngcairo size 1000,520 font "sans,10"
set output "interference.png"
set title "Cell A's timer interrupt latency in WFI, by neighbour load\\n\
QEMU virt, 8 cores, -icount shift=0 (1 instruction = 1 ns)"
set ylabel "latency, ns (log)"
set logscale y
set yrange [1:*]
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.8 noborder
set xtics rotate by -30
set grid ytics
set key top left
plot "interference.dat" using 3:xtic(2) title "RumKV mean" lc rgb "#e8a09a", \\
     "" using 4 title "RumKV max" lc rgb "#c0392b", \\
     "" using 5 title "native mean" lc rgb "#9ccfa4", \\
     "" using 6 title "native max" lc rgb "#3a7d44"
"""
    with open(os.path.join(bench, "interference.gp"), "w",
              encoding="utf-8") as f:
        f.write(script)
    subprocess.run(["gnuplot", "interference.gp"], cwd=bench, check=True)


# The phase sweep bench/run --interference includes: the spin load (the
# cheapest of the loads that keep C's cores busy, which all give the same
# figures) with the probe's start shifted across QEMU's 100 ms
# round-robin kick period, on both sides.
SWEEP_LOAD = "spin"
SWEEP_STEPS = 8
SWEEP_STEP = 781250  # 12.5 ms


def envelope(sweep):
    """Per side and figure: (min, max) over the sweep's runs."""
    out = {}
    for side in ("cell", "native"):
        runs = [r[side] for r in sweep if side in r]
        if runs:
            out[side] = {k: (min(r[k] for r in runs), max(r[k] for r in runs))
                         for k in runs[0]
                         if not k.endswith(("_samples", "_checksum"))}
    return out


def run(build, timeout, only, sweep_too=True):
    bench = os.path.join(build, "bench")
    runs = {}
    for name, _, _, _, _, native_too in LOADS:
        if only and name not in only and name != "alone":
            continue
        start = time.monotonic()
        runs[name] = measure(build, name, native_too, timeout)
        print(f"interference: {name}: {time.monotonic() - start:.1f} s",
              file=sys.stderr)
    for name, run_ in runs.items():
        for side in ("cell", "native"):
            if side in run_ and (run_[side]["compute_checksum"] !=
                                 runs["alone"]["cell"]["compute_checksum"]):
                raise BenchError(f"{name} {side}: the compute loop gave "
                                 "another result")
    if only:
        return runs, None
    sweep = []
    if sweep_too:
        start = time.monotonic()
        for i in range(SWEEP_STEPS):
            sweep.append(measure(build, SWEEP_LOAD, True, timeout,
                                 i * SWEEP_STEP))
        print(f"interference: {SWEEP_LOAD}, {SWEEP_STEPS} phases: "
              f"{time.monotonic() - start:.1f} s", file=sys.stderr)
    worst = ratios(runs, sweep)
    single = ratios(runs)
    result = {
        "interference_worst_ratio": worst["cell"][0],
        "interference_worst_ratio_native": worst["native"][0],
        "worst": {side: {"ratio": v, "load": n, "figure": k}
                  for side, (v, n, k) in worst.items()},
        "worst_without_sweep": {side: {"ratio": v, "load": n, "figure": k}
                                for side, (v, n, k) in single.items()},
        "loads": {name: what for name, what, *_ in LOADS},
        "runs": runs,
        "sweep": {"load": SWEEP_LOAD, "step_ticks": SWEEP_STEP,
                  "runs": sweep},
    }
    md = table(runs, worst, single, envelope(sweep) if sweep else None)
    with open(os.path.join(bench, "interference.json"), "w",
              encoding="utf-8") as f:
        json.dump(result, f, indent=2, sort_keys=True)
        f.write("\n")
    with open(os.path.join(bench, "interference.md"), "w",
              encoding="utf-8") as f:
        f.write(md)
    plot(bench, runs)
    return result, md


def phases(build, name, steps, step, timeout):
    """The same load measured with the probe's start shifted by 0, step,
    2 step, ... ticks, on both sides: how much each figure depends on
    where it falls in QEMU's round-robin. Prints a table per figure:
    the range over the shifts for RumKV and natively."""
    native_too = next(c for c in LOADS if c[0] == name)[5]
    per = []
    for i in range(steps):
        per.append(measure(build, name, native_too, timeout, i * step))
        print(f"interference: {name}, shift {i * step} ticks", file=sys.stderr)
    keys = [k for k in per[0]["cell"]
            if not k.endswith(("_samples", "_checksum"))]
    out = [f"Load `{name}`, probe start shifted by 0 to "
           f"{(steps - 1) * step:,} ticks in steps of {step:,} "
           f"({steps} runs a side):", "",
           "| figure, ns | RumKV min | RumKV max | native min | native max |",
           "|---|---:|---:|---:|---:|"]
    for k in keys:
        cell = [p["cell"][k] for p in per]
        nat = [p["native"][k] for p in per if k in p.get("native", {})]
        out.append(f"| {k} | {fmt(min(cell))} | {fmt(max(cell))} | " +
                   (f"{fmt(min(nat))} | {fmt(max(nat))} |" if nat
                    else " | |"))
    md = "\n".join(out) + "\n"
    bench = os.path.join(build, "bench")
    with open(os.path.join(bench, f"interference-phases-{name}.json"), "w",
              encoding="utf-8") as f:
        json.dump({"step_ticks": step, "runs": per}, f, indent=1)
    with open(os.path.join(bench, f"interference-phases-{name}.md"), "w",
              encoding="utf-8") as f:
        f.write(md)
    return md


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    r = sub.add_parser("run")
    r.add_argument("build")
    r.add_argument("--timeout", type=int, default=120)
    r.add_argument("--only", action="append")
    r.add_argument("--no-sweep", action="store_true")
    d = sub.add_parser("dts")
    d.add_argument("name")
    d.add_argument("output")
    sub.add_parser("list")
    ph = sub.add_parser("phases")
    ph.add_argument("build")
    ph.add_argument("load")
    ph.add_argument("--steps", type=int, default=8)
    ph.add_argument("--step", type=int, default=62500)
    ph.add_argument("--timeout", type=int, default=120)
    args = ap.parse_args()
    if args.cmd == "list":
        print(" ".join(c[0] for c in LOADS))
    elif args.cmd == "phases":
        print(phases(args.build, args.load, args.steps, args.step,
                     args.timeout), end="")
    elif args.cmd == "dts":
        with open(args.output, "w", encoding="utf-8") as f:
            f.write(dts(args.name))
    else:
        result, md = run(args.build, args.timeout, args.only,
                         not args.no_sweep)
        if md is None:
            print(json.dumps(result, indent=1, sort_keys=True))
        else:
            print(md, end="")


if __name__ == "__main__":
    try:
        main()
    except BenchError as e:
        sys.exit(f"interference: {e}")
