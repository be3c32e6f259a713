#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Host checks of bench/run's size budget: the GNU ld link-map parser and
the per-feature budget, on a tiny hand-written map. No build, no QEMU.

Usage: test_sizes.py
"""
import importlib.machinery
import importlib.util
import os
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.dont_write_bytecode = True


def load_run():
    loader = importlib.machinery.SourceFileLoader(
        "bench_run", os.path.join(HERE, "run"))
    spec = importlib.util.spec_from_loader("bench_run", loader)
    module = importlib.util.module_from_spec(spec)
    loader.exec_module(module)
    return module


run = load_run()

# The shapes GNU ld writes: a short input section on one line, a long one
# wrapped onto the next, symbols (no size) in between, the output section
# padded to a page, and discarded sections that must not count.
MAP = """\
Discarded input sections

 .text.unused   0x0000000000000000       0x40 lib.a(.._.._lib_cell.c.o)

Memory Configuration

Linker script and memory map

.text           0x0000000040007000     0x1000
                0x0000000040007000                __rumkv_text_start = .
 *(.text.vectors)
 .text.vectors  0x0000000040007000       0x80 a.a(vectors.S.o)
                0x0000000040007000                rumkv_vectors
 *(.text .text.*)
 .text.rumkv_cell_terminate
                0x0000000040007080       0x40 lib.a(.._.._lib_cell.c.o)
                0x0000000040007080                rumkv_cell_terminate
 .text.rumkv_cell_load_images
                0x00000000400070c0       0x1c lib.a(.._.._lib_cell.c.o)
 .text.put      0x00000000400070e0       0x10 lib.a(.._.._lib_format.c.o)
                0x00000000400070f0                __rumkv_text_end = .
                0x0000000040008000                . = ALIGN (0x1000)

.rodata         0x0000000040008000     0x1000
 .rodata.x      0x0000000040008000        0x8 lib.a(.._.._lib_cell.c.o)
"""


class SizeBudget(unittest.TestCase):
    def setUp(self):
        tmp = tempfile.TemporaryDirectory(prefix="rumkv-sizes-")
        self.addCleanup(tmp.cleanup)
        path = os.path.join(tmp.name, "test.map")
        with open(path, "w", encoding="utf-8") as f:
            f.write(MAP)
        self.map = run.read_map(path)
        self.rules = run.feature_rules("aarch64")

    def test_parser_reads_one_line_and_wrapped_sections(self):
        text = [(s, a, n, run.object_name(o)) for s, a, n, o in
                self.map[".text"]]
        self.assertEqual(text, [
            (".text.vectors", 0x40007000, 0x80, "vectors.S"),
            (".text.rumkv_cell_terminate", 0x40007080, 0x40, "lib/cell.c"),
            (".text.rumkv_cell_load_images", 0x400070c0, 0x1c,
             "lib/cell.c"),
            (".text.put", 0x400070e0, 0x10, "lib/format.c"),
        ])
        self.assertEqual(len(self.map[".rodata"]), 1)

    def test_budget_adds_up_with_padding(self):
        # 4 bytes of alignment before .text.put count with it.
        budget = run.feature_budget(self.map, self.rules, 0x40007000, 0xf0,
                                    "test")
        self.assertEqual(budget["traps"], 0x80)
        self.assertEqual(budget["lifecycle"], 0x40)
        self.assertEqual(budget["restart"], 0x1c)
        self.assertEqual(budget["console"], 0x14)
        self.assertEqual(sum(budget.values()), 0xf0)
        self.assertEqual(set(budget), {name for name, _ in run.FEATURES})

    def test_inlined_bytes_move_to_their_feature(self):
        budget = run.feature_budget(self.map, self.rules, 0x40007000, 0xf0,
                                    "test", {0x40007080: {"restart": 0x10}})
        self.assertEqual(budget["lifecycle"], 0x30)
        self.assertEqual(budget["restart"], 0x2c)
        self.assertEqual(sum(budget.values()), 0xf0)

    def test_inlined_function_in_its_own_section_keeps_its_feature(self):
        self.assertEqual(run.feature_of(self.rules, "lib/cell.c",
                                        ".text.cell_reset"), "restart")
        self.assertEqual(run.feature_of(self.rules, "lib/cell.c",
                                        ".text.cell_reset.part.0"),
                         "restart")

    def test_budget_that_misses_the_text_fails(self):
        with self.assertRaisesRegex(run.BenchError, "add up to 240"):
            run.feature_budget(self.map, self.rules, 0x40007000, 0x100,
                               "test")

    def test_section_in_no_feature_fails(self):
        self.map[".text"].append((".text.new_thing", 0x400070f0, 0x10,
                                  "lib.a(.._.._lib_new.c.o)"))
        with self.assertRaisesRegex(run.BenchError,
                                    r"lib/new\.c \.text\.new_thing"):
            run.feature_budget(self.map, self.rules, 0x40007000, 0x100,
                               "test")

    def test_every_rule_names_a_feature(self):
        names = {name for name, _ in run.FEATURES}
        for port in run.PORT_FEATURE_RULES:
            for obj, section, feature in run.feature_rules(port):
                self.assertIn(feature, names, f"{port}: {obj} {section}")


if __name__ == "__main__":
    unittest.main(verbosity=2)
