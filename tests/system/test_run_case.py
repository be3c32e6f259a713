#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The system-test runner's own checks: a case file it cannot take is an
error (not a silently weaker test), and its checkers fail on what they
must fail on. No QEMU boots here: a fake binary answers --version.

Usage: test_run_case.py
"""
import os
import subprocess
import sys
import tempfile
import textwrap
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.dont_write_bytecode = True
import hostile_check  # noqa: E402
import run_case  # noqa: E402


class Scratch(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory(prefix="rumkv-runner-")
        self.addCleanup(self.tmp.cleanup)

    def case(self, text, name="case.dts"):
        path = os.path.join(self.tmp.name, name)
        with open(path, "w", encoding="utf-8") as f:
            f.write(textwrap.dedent(text))
        return path

    def fake_qemu(self):
        path = os.path.join(self.tmp.name, "qemu")
        with open(path, "w", encoding="utf-8") as f:
            f.write("#!/bin/sh\necho 'QEMU emulator version 10.0.2'\n")
        os.chmod(path, 0o755)
        return path


class ParseCase(Scratch):
    def test_unknown_key_is_an_error(self):
        path = self.case("// expect: ^ok$\n// expcet-any: ^typo$\n")
        with self.assertRaisesRegex(run_case.CaseError,
                                    r"case\.dts:2: unknown expectation key "
                                    r"`expcet-any:`"):
            run_case.parse_case(path)

    def test_no_expectation_is_an_error(self):
        for text in ["// A case without any expectation.\n/dts-v1/;\n",
                     "// reject: fault\n// exit: 0\n",
                     "// count: 0 ^never$\n// timeout: 5\n"]:
            with self.subTest(text=text):
                with self.assertRaisesRegex(run_case.CaseError,
                                            "no expectation"):
                    run_case.parse_case(self.case(text))

    def test_each_positive_key_is_enough(self):
        for text in ["// expect: ^a$\n", "// expect-any: ^a$\n",
                     "// count: 1 ^a$\n", "// gap: 100 t=(?P<t>\\d+)\n",
                     "// check: hostile runs=1\n"]:
            with self.subTest(text=text):
                run_case.parse_case(self.case(text))

    def test_bad_values_are_errors(self):
        for text, msg in [("// expect: (\n", "bad regular expression"),
                          ("// count: x ^a$\n", "bad `count:` value"),
                          ("// gap: 100 ^no-group$\n", r"\(\?P<t>"),
                          ("// check: nosuch\n", "unknown checker"),
                          ("// input-after: ^a$ no arrow\n", "=> TEXT"),
                          ("// input-when: ^a$ ;; ^b$\n", "=> TEXT")]:
            with self.subTest(text=text):
                with self.assertRaisesRegex(run_case.CaseError, msg):
                    run_case.parse_case(self.case(text))

    def test_input_keys(self):
        case = run_case.parse_case(self.case(
            "// expect: ^a$\n"
            "// input-after: ^x$ => ls\\n\\x1d\n"
            "// input-when: ^a$ ;; ^b$ => go\n"))
        self.assertEqual(case["input"][0][1], "ls\n\x1d")
        self.assertEqual([r.pattern for r in case["input"][1][0]],
                         ["^a$", "^b$"])

    def test_inputs_go_in_order(self):
        case = run_case.parse_case(self.case(
            "// expect: ^a$\n"
            "// input-after: ^go$ => 1\n"
            "// input-after: ^go$ => 2\n"
            "// input-when: ^early$ ;; ^late$ => 3\n"
            "// input-after: ^late$ => 4\n"))

        class Sink:
            def __init__(self):
                self.typed = b""

            def write(self, b):
                self.typed += b

            def flush(self):
                pass

        sink, lines = Sink(), []
        for line in ["early", "go", "x", "go", "late", "late"]:
            lines.append(line)
            run_case._type_inputs(case["input"], lines, sink)
            typed = {"early": b"", "go": b"12"[:lines.count("go")],
                     "x": b"1", "late": b"123" if lines.count("late") == 1
                     else b"1234"}[line]
            self.assertEqual(sink.typed, typed, lines)

    def test_every_case_of_the_suite_parses(self):
        cases = os.path.join(HERE, "cases")
        for name in sorted(os.listdir(cases)):
            if name.endswith(".dts"):
                with self.subTest(case=name):
                    run_case.parse_case(os.path.join(cases, name))

    def test_command_line_exits_2_before_booting(self):
        path = self.case("// expect: ^a$\n// wat: b\n")
        r = subprocess.run([sys.executable, os.path.join(HERE, "run_case.py"),
                            self.fake_qemu(), "/nonexistent.elf", path],
                           capture_output=True, text=True, check=False)
        self.assertEqual(r.returncode, 2, r.stdout + r.stderr)
        self.assertIn("unknown expectation key `wat:`", r.stderr)
        self.assertNotIn("$ ", r.stdout)  # QEMU never started


class Gap(unittest.TestCase):
    RX = run_case.re.compile(r"^\[(?P<s>[BC])\] heartbeat \d+ t=(?P<t>\d+)$")

    def test_within_limit(self):
        lines = ["[B] heartbeat 0 t=100", "[C] heartbeat 0 t=105",
                 "[B] heartbeat 1 t=200", "[C] heartbeat 1 t=300"]
        self.assertEqual(run_case.check_gap(lines, 200, self.RX), [])

    def test_a_late_beat_fails(self):
        lines = ["[B] heartbeat 0 t=100", "[B] heartbeat 1 t=200",
                 "[B] heartbeat 2 t=501"]
        failures = run_case.check_gap(lines, 300, self.RX)
        self.assertEqual(len(failures), 1)
        self.assertIn("301 ms between t=200 and t=501", failures[0])

    def test_series_are_separate(self):
        # C's beats are 150 apart, but B's only every 400: B fails alone.
        lines = ["[B] heartbeat 0 t=0", "[C] heartbeat 0 t=150",
                 "[C] heartbeat 1 t=300", "[B] heartbeat 1 t=400"]
        failures = run_case.check_gap(lines, 300, self.RX)
        self.assertEqual(len(failures), 1)
        self.assertIn("series B", failures[0])

    def test_too_few_beats_fail(self):
        self.assertTrue(run_case.check_gap(["[B] heartbeat 0 t=1"], 100,
                                           self.RX))

    def test_time_going_back_fails(self):
        lines = ["[B] heartbeat 0 t=500", "[B] heartbeat 1 t=100"]
        self.assertIn("time goes back",
                      run_case.check_gap(lines, 1000, self.RX)[0])


class Hostile(unittest.TestCase):
    """hostile_check.check against consoles written by hand."""

    ARGS = {"cell": "A", "runs": "2", "modes": "hvc,vuart"}
    RUN0 = ["[A] hostile: run 0 (restarts 0, after reset 0) seed 0x1 rights 0x81",
            "[A] hostile: run 0 mode hvc: 10 ops (1 with an immediate, 0 replaced)",
            "[A] " + "ab" * 60,
            "[A] aab",
            "[B] heartbeat 3 t=300",
            "[A] aabbd",
            "[A] hostile: run 0 mode vuart: 9 ops (sent a=62 b=62 c=0 d=1)",
            "[A] hostile: run 0 ends by touch 0x0,0x40000000,0x58000000,0x5c000000",
            "rumkv: cell A core 2 (hw 0x2): stage-2 fault: read 4 bytes "
            "(translation fault, level 2) at IPA 0x40000000, PC 0x48003800; "
            "restarting (1 of 2)"]
    RUN2 = ["[A] hostile: run 2 (restarts 1, after reset 0) seed 0x2 rights 0x81",
            "[A] hostile: run 2 mode hvc: 10 ops (1 with an immediate, 0 replaced)",
            "[A] hostile: run 2 mode vuart: 1 ops (sent a=0 b=0 c=0 d=0)",
            "[A] hostile: run 2 ends by reset 0x0 (vcore 1; holds 0x81)",
            "rumkv: cell A reset"]
    RUN3 = ["[A] hostile: run 3 (restarts 1, after reset 1) seed 0x3 rights 0x81",
            "[A] hostile: run 3 mode hvc: 10 ops (1 with an immediate, 0 replaced)",
            "[A] hostile: run 3 mode vuart: 1 ops (sent a=0 b=0 c=0 d=0)",
            "[A] hostile: run 3 ends by gic16 0x342 (vcore 0; holds 0x81)",
            "rumkv: cell A core 0 (hw 0x0): access of 2 bytes at GICD+0x342, "
            "PC 0x48000010; restarting (2 of 2)"]
    RUN4 = ["[A] hostile: run 4 (restarts 2, after reset 0) seed 0x4 rights 0x81",
            "[A] hostile: run 4 mode hvc: 10 ops (1 with an immediate, 0 replaced)",
            "[A] hostile: run 4 mode vuart: 1 ops (sent a=0 b=0 c=0 d=0)",
            "[A] hostile: run 4 ends by off 0x0 (vcore 2; holds 0x81)",
            "rumkv: cell A powered off"]

    def console(self):
        return self.RUN0 + self.RUN2 + self.RUN3 + self.RUN4

    def failures(self, lines):
        return hostile_check.check(lines, dict(self.ARGS))

    def bad(self, lines, want):
        failures = self.failures(lines)
        self.assertTrue(any(want in f for f in failures),
                        f"no failure mentions {want!r}: {failures}")

    def test_a_good_console_passes(self):
        self.assertEqual(self.failures(self.console()), [])

    def test_two_reports_of_one_end_fail(self):
        lines = self.console()
        lines.insert(9, lines[8])
        self.bad(lines, "2 reports of its end")

    def test_a_report_naming_another_ipa_fails(self):
        lines = self.console()
        lines[8] = lines[8].replace("0x40000000,", "0x40000004,")
        self.bad(lines, "but the report is")

    def test_a_wrong_gic_report_fails(self):
        lines = self.console()
        i = lines.index(self.RUN3[4])
        lines[i] = lines[i].replace("2 bytes", "4 bytes")
        self.bad(lines, "ended by gic16")

    def test_an_end_before_the_announcement_fails(self):
        lines = self.console()
        lines.insert(1, self.RUN0[8])
        self.bad(lines, "the cell ended before its end")

    def test_a_lost_uart_byte_fails(self):
        lines = self.console()
        lines[5] = "[A] aabb"
        self.bad(lines, "lost or invented bytes")

    def test_a_long_uart_line_fails(self):
        lines = self.console()
        lines[2] = "[A] " + "ab" * 61
        lines[6] = lines[6].replace("a=62 b=62", "a=63 b=63")
        self.bad(lines, "more than 120")

    def test_a_missing_mode_fails(self):
        lines = [l for l in self.console() if "run 2 mode hvc" not in l]
        self.bad(lines, "no operations of mode hvc")

    def test_a_failed_check_and_a_fault_fail(self):
        lines = self.console()
        lines.insert(1, "[A] hostile: run 0 check failed: v1: GICR read: 1 2 3")
        lines.append("rumkv: internal fault: ESR 0x96000021 ELR 0x1 FAR 0x2")
        failures = self.failures(lines)
        self.assertTrue(any("check failed" in f for f in failures))
        self.assertTrue(any("RumKV faulted" in f for f in failures))

    def test_a_wrong_restart_count_fails(self):
        lines = self.console()
        lines[8] = lines[8].replace("(1 of 2)", "(2 of 2)")
        self.bad(lines, "restarting (1 of 2)")

    def test_runs_must_follow_the_status_page(self):
        lines = self.RUN0 + self.RUN3 + self.RUN4  # the reset run missing
        self.bad(lines, "follows the wrong run")

    def test_the_last_run_must_power_off(self):
        self.bad(self.RUN0 + self.RUN2 + self.RUN3, "expected 2 restarts")

    NOTICE = ("rumkv: cell A: over its console budget, dropped 0 bytes and "
              "1 RumKV lines")

    def budget(self, lines):
        return hostile_check.check(lines, dict(self.ARGS, budget="1"))

    def test_a_dropped_report_needs_budget_1(self):
        lines = self.console()
        lines[8] = self.NOTICE
        self.bad(lines, "0 reports of its end")

    def test_a_dropped_report_counted_by_a_notice_passes(self):
        lines = self.console()
        lines[8] = self.NOTICE
        self.assertEqual(self.budget(lines), [])

    def test_a_dropped_report_without_notice_fails(self):
        lines = self.console()
        del lines[8]
        self.assertTrue(any("no console budget notice counts them" in f
                            for f in self.budget(lines)))

    def test_a_notice_counting_too_many_fails(self):
        lines = self.console()
        lines.insert(9, self.NOTICE)
        self.assertTrue(any("more RumKV lines than are missing" in f
                            for f in self.budget(lines)))


if __name__ == "__main__":
    unittest.main(verbosity=2)
