#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Reports a RumKV image's sizes and checks its boot/resident split.

Usage: elf-report.py OBJDUMP NM IMAGE.elf [--json FILE]

Resident code is [__rumkv_text_start, __rumkv_text_end); boot-only code is
[__rumkv_start, __rumkv_boot_text_end) and is unmapped before any cell
runs, so no resident instruction may branch into it: that would fault only
after boot, on whatever rare path took the branch. Exit status 1 if one
does.
"""
import json
import re
import subprocess
import sys


def symbols(nm, elf):
    out = subprocess.run([nm, elf], check=True, capture_output=True,
                         text=True).stdout
    syms = {}
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 3:
            syms[parts[2]] = int(parts[0], 16)
    return syms


def sections(objdump, elf):
    out = subprocess.run([objdump, "-h", elf], check=True,
                         capture_output=True, text=True).stdout
    sizes = {}
    for line in out.splitlines():
        parts = line.split()
        if len(parts) >= 7 and parts[0].isdigit():
            sizes[parts[1]] = int(parts[2], 16)
    return sizes


def boot_calls(objdump, elf, text, boot):
    """Branches from resident code into boot-only code."""
    out = subprocess.run([objdump, "-d", "--no-show-raw-insn", elf],
                         check=True, capture_output=True, text=True).stdout
    bad = []
    for line in out.splitlines():
        m = re.match(r"^\s*([0-9a-f]+):\s+(bl|b|b\.\w+|cbz|cbnz|tbz|tbnz)"
                     r"\s+(?:\w+,\s*)*(?:#\w+,\s*)?([0-9a-f]+)\s+<(.+)>",
                     line)
        if not m:
            continue
        at, target = int(m.group(1), 16), int(m.group(3), 16)
        if text[0] <= at < text[1] and boot[0] <= target < boot[1]:
            bad.append(f"0x{at:x}: {m.group(2)} {m.group(4)}")
    return bad


def main():
    objdump, nm, elf = sys.argv[1:4]
    syms = symbols(nm, elf)
    secs = sections(objdump, elf)
    text = (syms["__rumkv_text_start"], syms["__rumkv_text_end"])
    boot = (syms["__rumkv_start"], syms["__rumkv_boot_text_end"])
    report = {
        "resident_text_bytes": text[1] - text[0],
        "boot_text_bytes": boot[1] - boot[0],
        "rodata_bytes": secs.get(".rodata", 0),
        "data_bytes": secs.get(".data", 0),
        "bss_bytes": secs.get(".bss", 0),
        "images_bytes": secs.get(".images", 0),
        "image_bytes": syms["__rumkv_end"] - syms["__rumkv_start"],
    }
    print(f"{elf}: resident EL2 text {report['resident_text_bytes']} B, "
          f"boot-only text {report['boot_text_bytes']} B, rodata "
          f"{report['rodata_bytes']} B, data {report['data_bytes']} B, "
          f"bss {report['bss_bytes']} B, guest images "
          f"{report['images_bytes']} B, whole image {report['image_bytes']} B")
    if "--json" in sys.argv:
        with open(sys.argv[sys.argv.index("--json") + 1], "w") as f:
            json.dump(report, f, indent=1)
    bad = boot_calls(objdump, elf, text, boot)
    for b in bad:
        print(f"{elf}: resident code branches into boot-only code: {b}")
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
