#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Runs rumkv-partition on every bad partition and speaks TAP.

Each tests/partition/bad/*.dts says, in comments at its top:
  // expect: <line>   one per line the tool must print on stderr, all of
                      them, in order (matched exactly)
  // args: <args>     extra arguments (e.g. --werror), optional
  // exit: <status>   expected exit status, default 1
  // deepen: <node> <levels>
                      the tool gets a blob instead: the case compiled by
                      dtc, with <levels> nested nodes added under <node>
                      (dtb_edit.py), written as "<case>.dtb"
The tool runs in the case's directory (a temporary one for a blob), so
messages name the file as "<case>.dts" (or "<case>.dtb"). In expected
lines, @IMAGES@ stands for the image directory given to the tool.
Standard library only.
"""
import argparse
import os
import subprocess
import sys
import tempfile

import dtb_edit


def read_case(path):
    case = {'expect': [], 'args': [], 'status': 1, 'deepen': None}
    with open(path, encoding='utf-8') as f:
        for line in f:
            if line.startswith('// expect: '):
                case['expect'].append(line[len('// expect: '):].rstrip('\n'))
            elif line.startswith('// args: '):
                case['args'] = line[len('// args: '):].split()
            elif line.startswith('// exit: '):
                case['status'] = int(line[len('// exit: '):])
            elif line.startswith('// deepen: '):
                node, levels = line[len('// deepen: '):].split()
                case['deepen'] = (node, int(levels))
    return case


def as_blob(boards, path, deepen, workdir):
    """Compiles the case and deepens it; returns the blob's file name."""
    name = os.path.splitext(os.path.basename(path))[0] + '.dtb'
    out = os.path.join(workdir, name)
    subprocess.run(['dtc', '-q', '-I', 'dts', '-O', 'dtb', '-i', boards,
                    '-o', out, path], check=True, timeout=60)
    with open(out, 'rb') as f:
        blob = dtb_edit.deepen(f.read(), deepen[0], deepen[1])
    with open(out, 'wb') as f:
        f.write(blob)
    return name


def run_case(tool, boards, images, path):
    case = read_case(path)
    expect = [l.replace('@IMAGES@', images) for l in case['expect']]
    status = case['status']
    if not expect:
        return ['no "// expect:" lines in ' + path]
    with tempfile.TemporaryDirectory() as tmp:
        cwd, name = os.path.dirname(path), os.path.basename(path)
        if case['deepen'] is not None:
            cwd, name = tmp, as_blob(boards, path, case['deepen'], tmp)
        cmd = [tool, '-i', boards, '-L', images] + case['args'] + [name]
        proc = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True,
                              timeout=60)
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
