#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Runs rumkv-partition the way a build does, and speaks TAP.

What the bad partitions (run_bad.py) cannot show: exit statuses for the
build machine's failures (a missing input, a dtc that cannot be run, that
fails silently or crashes), outputs written all or none, image lookup
through several directories and symbolic links, and the nesting limit at
its edge. Each case runs in a fresh temporary directory and checks the
exit status, every line on stderr, and the files left behind. Standard
library only.
"""
import argparse
import os
import stat
import subprocess
import sys
import tempfile

import dtb_edit

# A good partition: one cell with the PL031, which the deep cases deepen.
PARTITION = '''/dts-v1/;
/include/ "qemu-virt-aarch64.dts"

/ {
	rumkv {
		compatible = "rumkv,partition-v1";
		#address-cells = <1>;
		#size-cells = <0>;
		reg = <0x0 0x40000000 0x0 0x04000000>;
		console = <&{/pl011@9000000}>;

		cell@0 {
			reg = <0>;
			cell-name = "A";
			cpus = <&{/cpus/cpu@0} &{/cpus/cpu@1} &{/cpus/cpu@2}
				&{/cpus/cpu@3} &{/cpus/cpu@4} &{/cpus/cpu@5}
				&{/cpus/cpu@6} &{/cpus/cpu@7}>;
			memory = <0x0 0x48000000 0x0 0x10000000>;
			kernel = "%s";
			devices = <&{/pl031@9010000}>;
			device-rights = "rtc";
		};
	};
};
'''

OUTPUTS = ['plan.c', 'images.S', 'layout.ld', 'plan.d', 'dtbs/A.dtb']


class Case:
    """One run of the tool in a temporary directory `dir`."""

    def __init__(self, opt, tmp):
        self.opt = opt
        self.dir = tmp
        self.problems = []

    def path(self, name):
        return os.path.join(self.dir, name)

    def write(self, name, text, mode=None):
        os.makedirs(os.path.dirname(self.path(name)), exist_ok=True)
        with open(self.path(name), 'w', encoding='utf-8') as f:
            f.write(text)
        if mode is not None:
            os.chmod(self.path(name), mode)

    def partition(self, kernel='hello.bin', name='part.dts'):
        self.write(name, PARTITION % kernel)
        return name

    def blob(self, deepen, name='part.dtb'):
        """The partition compiled, and deepened by (node, levels, name)."""
        subprocess.run(['dtc', '-q', '-I', 'dts', '-O', 'dtb',
                        '-i', self.opt.boards, '-o', self.path(name),
                        self.path(self.partition())], check=True)
        with open(self.path(name), 'rb') as f:
            blob = dtb_edit.deepen(f.read(), *deepen)
        with open(self.path(name), 'wb') as f:
            f.write(blob)
        return name

    def run(self, args, status, expect, images=True):
        """Runs the tool; checks its exit status and stderr lines."""
        cmd = [self.opt.tool, '-i', self.opt.boards]
        if images:
            cmd += ['-L', self.opt.images]
        proc = subprocess.run(cmd + args, cwd=self.dir, capture_output=True,
                              text=True, timeout=120)
        got = proc.stderr.splitlines()
        if proc.returncode != status:
            self.problems.append(
                f'exit status {proc.returncode}, expected {status}')
        if got != expect:
            self.problems.append('stderr differs:')
            self.problems += ['  expected: ' + l for l in expect]
            self.problems += ['  got:      ' + l for l in got]
        return proc

    def files(self):
        """Every file under the directory, as relative paths."""
        found = set()
        for root, _dirs, names in os.walk(self.dir):
            for n in names:
                found.add(os.path.relpath(os.path.join(root, n), self.dir))
        return found

    def check(self, ok, what):
        if not ok:
            self.problems.append(what)


def output_args(plan='plan.c'):
    return ['-o', plan, '--images', 'images.S', '--ld', 'layout.ld',
            '--dtb-dir', 'dtbs', '--depfile', 'plan.d']


# ---- Exit statuses ---------------------------------------------------------

def missing_input_dts(c):
    c.run(['no-such.dts'], 2,
          ['rumkv-partition: cannot read no-such.dts: '
           'No such file or directory'])


def missing_input_dtb(c):
    c.run(['no-such.dtb'], 2,
          ['rumkv-partition: cannot read no-such.dtb: '
           'No such file or directory'])


def input_is_a_directory(c):
    os.mkdir(c.path('dir.dts'))
    c.run(['dir.dts'], 2,
          ['rumkv-partition: cannot read dir.dts: Is a directory'])


def dtc_missing(c):
    c.run(['--dtc', './no-such-dtc', c.partition()], 2,
          ["rumkv-partition: cannot run dtc './no-such-dtc': "
           'No such file or directory'])


def dtc_fails_silently(c):
    c.run(['--dtc', '/bin/false', c.partition()], 1,
          ["rumkv-partition: dtc '/bin/false' failed on part.dts with exit "
           'status 1, and printed nothing'])


def dtc_fails_with_a_message(c):
    c.write('fake-dtc', '#!/bin/sh\necho "fake-dtc: no good" >&2\nexit 3\n',
            0o755)
    c.run(['--dtc', './fake-dtc', c.partition()], 1,
          ['fake-dtc: no good',
           "rumkv-partition: dtc './fake-dtc' failed on part.dts with exit "
           'status 3'])


def dtc_killed(c):
    c.write('fake-dtc', '#!/bin/sh\nkill -SEGV $$\n', 0o755)
    c.run(['--dtc', './fake-dtc', c.partition()], 2,
          ["rumkv-partition: dtc './fake-dtc' was killed by signal 11 "
           '(Segmentation fault) on part.dts'])


# ---- Outputs, all or none --------------------------------------------------

def outputs_written(c):
    """The control for outputs_none_after_a_failed_write."""
    old = os.umask(0o022)
    try:
        c.run(output_args() + [c.partition()], 0, [])
    finally:
        os.umask(old)
    left = c.files() - {'part.dts'}
    c.check(left == set(OUTPUTS), f'files left: {sorted(left)}')
    for name in left & set(OUTPUTS):
        mode = stat.S_IMODE(os.stat(c.path(name)).st_mode)
        c.check(mode == 0o644, f'{name} has mode {oct(mode)}, not 0o644')


def outputs_none_after_a_failed_write(c):
    # A stale output of an earlier run must go too: it would not match.
    c.write('layout.ld', 'stale\n')
    c.run(output_args('no-dir/plan.c') + [c.partition()], 2,
          ['rumkv-partition: cannot write no-dir/plan.c: '
           'No such file or directory'])
    left = c.files() - {'part.dts'}
    c.check(not left, f'files left after the failed write: {sorted(left)}')


# ---- Image lookup ----------------------------------------------------------

def image_dirs_listed(c):
    os.mkdir(c.path('a'))
    os.mkdir(c.path('b'))
    c.run(['-L', 'a', '-L', 'b', c.partition('ctl.bin')], 1,
          ["part.dts: /rumkv/cell@0: kernel: 'ctl.bin' not found in the "
           'image directories (searched: a, b)'], images=False)


def image_dir_default(c):
    c.run([c.partition('ctl.bin')], 1,
          ["part.dts: /rumkv/cell@0: kernel: 'ctl.bin' not found in the "
           'image directories (searched: .)'], images=False)


def image_found_in_second_dir(c):
    os.mkdir(c.path('a'))
    c.run(['-L', 'a', '-L', c.opt.images, c.partition()], 0, [],
          images=False)


def image_link_outside(c):
    c.write('outside/k.bin', 'x' * 4096)
    os.mkdir(c.path('img'))
    os.symlink('../outside/k.bin', c.path('img/k.bin'))
    real = os.path.realpath(c.path('outside/k.bin'))
    c.run(['-L', 'img', c.partition('k.bin')], 1,
          [f"part.dts: /rumkv/cell@0: kernel: 'k.bin' in img resolves to "
           f'{real}, outside that image directory'], images=False)


def image_dir_link_outside(c):
    """A directory link on the way out counts as much as a file link."""
    c.write('outside/k.bin', 'x' * 4096)
    os.mkdir(c.path('img'))
    os.symlink('../outside', c.path('img/sub'))
    real = os.path.realpath(c.path('outside/k.bin'))
    c.run(['-L', 'img', c.partition('sub/k.bin')], 1,
          [f"part.dts: /rumkv/cell@0: kernel: 'sub/k.bin' in img resolves "
           f'to {real}, outside that image directory'], images=False)


def image_link_inside(c):
    c.write('img/real.bin', 'x' * 4096)
    os.symlink('real.bin', c.path('img/k.bin'))
    c.run(['-L', 'img', c.partition('k.bin')], 0, [], images=False)


def image_unreadable(c):
    os.mkdir(c.path('img'))
    os.symlink('loop.bin', c.path('img/loop.bin'))
    c.run(['-L', 'img', c.partition('loop.bin')], 2,
          ['part.dts: /rumkv/cell@0: kernel: cannot read img/loop.bin: '
           'Too many levels of symbolic links'], images=False)


# ---- Nesting at the limit --------------------------------------------------

def nesting_at_the_limit(c):
    """32 levels pass, and the guest DTB keeps all of them."""
    c.run(['--dtb-dir', 'dtbs', c.blob(('/pl031@9010000', 31))], 0, [])
    if not os.path.exists(c.path('dtbs/A.dtb')):
        c.problems.append('no guest DTB written')
        return
    dts = subprocess.run(['dtc', '-q', '-I', 'dtb', '-O', 'dts',
                          c.path('dtbs/A.dtb')], capture_output=True,
                         text=True, check=True).stdout
    levels = sum(1 for l in dts.splitlines() if l.strip() == 'n {')
    c.check(levels == 31, f'the guest DTB has {levels} of the 31 levels')


def nesting_long_path(c):
    """The node is named in full even when its path is long."""
    name = 'x' * 40
    c.run([c.blob(('/pl031@9010000', 40, name))], 1,
          ['part.dtb: /pl031@9010000' + ('/' + name) * 32 +
           ': nested 33 levels below the root: at most 32 are supported'])


CASES = [
    missing_input_dts, missing_input_dtb, input_is_a_directory, dtc_missing,
    dtc_fails_silently, dtc_fails_with_a_message, dtc_killed,
    outputs_written, outputs_none_after_a_failed_write,
    image_dirs_listed, image_dir_default, image_found_in_second_dir,
    image_link_outside, image_dir_link_outside, image_link_inside,
    image_unreadable, nesting_at_the_limit, nesting_long_path,
]


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--tool', required=True)
    ap.add_argument('--boards', required=True)
    ap.add_argument('--images', required=True)
    opt = ap.parse_args()
    opt.tool = os.path.abspath(opt.tool)
    opt.boards = os.path.abspath(opt.boards)
    opt.images = os.path.abspath(opt.images)
    print(f'1..{len(CASES)}')
    failed = 0
    for i, fn in enumerate(CASES, 1):
        with tempfile.TemporaryDirectory() as tmp:
            case = Case(opt, tmp)
            fn(case)
        if case.problems:
            failed += 1
            print(f'not ok {i} - {fn.__name__}')
            for p in case.problems:
                print('# ' + p)
        else:
            print(f'ok {i} - {fn.__name__}')
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
