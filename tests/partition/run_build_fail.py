#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Builds a partition target that must fail, and checks the build says why.

The target runs rumkv-partition on a bad partition, the way an example's
custom_target does. Building it with Ninja must fail, and the build log
must show every "// expect:" message of that partition (the file name in
each message is whatever path the build used).
"""
import argparse
import os
import subprocess
import sys


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--ninja', required=True)
    ap.add_argument('--build-root', required=True)
    ap.add_argument('--target', required=True, help='full path of the output')
    ap.add_argument('--expect', required=True, help='the bad partition')
    opt = ap.parse_args()
    base = os.path.basename(opt.expect)
    expect = []
    with open(opt.expect, encoding='utf-8') as f:
        for line in f:
            if line.startswith('// expect: '):
                text = line[len('// expect: '):].rstrip('\n')
                assert text.startswith(base + ': '), text
                expect.append(text[len(base):])
    target = os.path.relpath(opt.target, opt.build_root)
    proc = subprocess.run([opt.ninja, '-C', opt.build_root, target],
                          capture_output=True, text=True, timeout=300)
    log = (proc.stdout + proc.stderr).splitlines()
    ok = True
    if proc.returncode == 0:
        print(f'building {target} succeeded: it must fail')
        ok = False
    for text in expect:
        if not any(l.endswith(base + text) for l in log):
            print(f'the build log lacks "...{base}{text}"')
            ok = False
    if not ok:
        print('build log:\n' + '\n'.join(log))
        return 1
    print(f'building {target} failed as expected:')
    print('\n'.join(l for l in log if base + ': ' in l))
    return 0


if __name__ == '__main__':
    sys.exit(main())
