#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Runs rumkv-partition on every bad partition and speaks TAP.

Each tests/partition/bad/*.dts says, in comments at its top:
  // expect: <line>   one per line the tool must print on stderr, all of
                      them, in order (matched exactly)
  // args: <args>     extra arguments (e.g. --werror), optional
  // exit: <status>   expected exit status, default 1
The tool runs in the case's directory, so messages name the file as
"<case>.dts". Standard library only.
"""
import argparse
import os
import subprocess
import sys


def read_case(path):
    expect, args, status = [], [], 1
    with open(path, encoding='utf-8') as f:
        for line in f:
            if line.startswith('// expect: '):
                expect.append(line[len('// expect: '):].rstrip('\n'))
            elif line.startswith('// args: '):
                args = line[len('// args: '):].split()
            elif line.startswith('// exit: '):
                status = int(line[len('// exit: '):])
    return expect, args, status


def run_case(tool, boards, images, path):
    expect, args, status = read_case(path)
    if not expect:
        return ['no "// expect:" lines in ' + path]
    cmd = [tool, '-i', boards, '-L', images] + args + [os.path.basename(path)]
    proc = subprocess.run(cmd, cwd=os.path.dirname(path), capture_output=True,
                          text=True, timeout=60)
    got = proc.stderr.splitlines()
    problems = []
    if proc.returncode != status:
        problems.append(f'exit status {proc.returncode}, expected {status}')
    if got != expect:
        problems.append('stderr differs:')
        problems += ['  expected: ' + l for l in expect]
        problems += ['  got:      ' + l for l in got]
    return problems


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--tool', required=True)
    ap.add_argument('--boards', required=True)
    ap.add_argument('--images', required=True)
    ap.add_argument('cases', nargs='+', help='bad partition .dts files')
    opt = ap.parse_args()
    tool = os.path.abspath(opt.tool)
    boards = os.path.abspath(opt.boards)
    images = os.path.abspath(opt.images)
    print(f'1..{len(opt.cases)}')
    failed = 0
    for i, case in enumerate(opt.cases, 1):
        name = os.path.splitext(os.path.basename(case))[0]
        problems = run_case(tool, boards, images, os.path.abspath(case))
        if problems:
            failed += 1
            print(f'not ok {i} - {name}')
            for p in problems:
                print('# ' + p)
        else:
            print(f'ok {i} - {name}')
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
