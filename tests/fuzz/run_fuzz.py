#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Runs the partition fuzzer for a bounded time, as a Meson test.

First replays every input kept under tests/fuzz/crashes (regressions: each
must now pass), then fuzzes for --seconds from the committed seed corpus
(tests/fuzz/corpus) into a work corpus in the build directory. A new crash
is written to tests/fuzz/crashes/ (commit it with its fix) and fails the
test. Prints executions per second and the total from libFuzzer's final
statistics. Exits 77 (Meson: skipped) when there is no fuzzer or no time.
"""
import argparse
import glob
import os
import re
import subprocess
import sys

SKIP = 77


def stats(text):
    found = {}
    for key in ('number_of_executed_units', 'average_exec_per_sec',
                'new_units_added', 'peak_rss_mb'):
        m = re.search(r'stat::%s:\s*(\d+)' % key, text)
        if m:
            found[key] = int(m.group(1))
    return found


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--fuzzer')
    ap.add_argument('--skip', help='skip the test, saying why')
    ap.add_argument('--seconds', type=int, default=60)
    ap.add_argument('--seeds', required=True)
    ap.add_argument('--crashes', required=True)
    ap.add_argument('--work', required=True)
    ap.add_argument('--dict')
    opt = ap.parse_args()
    if opt.skip:
        print('SKIP: ' + opt.skip)
        return SKIP
    if opt.seconds <= 0:
        print('SKIP: fuzz_seconds is 0')
        return SKIP
    crashes = sorted(f for f in glob.glob(os.path.join(opt.crashes, '*'))
                     if os.path.isfile(f) and not f.endswith('.md'))
    if crashes:
        replay = subprocess.run([opt.fuzzer] + crashes, capture_output=True,
                                text=True)
        if replay.returncode != 0:
            print(replay.stderr[-4000:])
            print('a kept crash input still fails')
            return 1
        print(f'replayed {len(crashes)} kept crash inputs: all pass')
    os.makedirs(opt.work, exist_ok=True)
    cmd = [opt.fuzzer, f'-max_total_time={opt.seconds}',
           '-print_final_stats=1', '-timeout=10', '-rss_limit_mb=2048',
           '-artifact_prefix=' + os.path.join(opt.crashes, ''),
           opt.work, opt.seeds]
    if opt.dict:
        cmd.insert(1, '-dict=' + opt.dict)
    print(' '.join(cmd))
    proc = subprocess.run(cmd, capture_output=True, text=True)
    s = stats(proc.stderr)
    corpus = len(os.listdir(opt.work))
    print(f'executions: {s.get("number_of_executed_units", "?")}, '
          f'exec/s: {s.get("average_exec_per_sec", "?")}, '
          f'new units: {s.get("new_units_added", "?")}, '
          f'work corpus: {corpus} inputs, '
          f'peak RSS: {s.get("peak_rss_mb", "?")} MB')
    if proc.returncode != 0:
        print(proc.stderr[-8000:])
        print('the fuzzer found a problem: see ' + opt.crashes)
        return 1
    return 0


if __name__ == '__main__':
    sys.exit(main())
