#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Turns a linked bare-metal guest ELF into a flat arm64 Image.

Usage: mkimage.py OBJCOPY NM ELF IMAGE

The Image header's image_size field (offset 16) must cover .bss, which a
position-independent link cannot write into the header itself; it is
filled in here from the ELF's __bss_end symbol (the image is linked at 0).
"""
import struct
import subprocess
import sys


def main():
    objcopy, nm, elf, image = sys.argv[1:5]
    subprocess.run([objcopy, "-O", "binary", elf, image], check=True)
    symbols = subprocess.run([nm, elf], check=True, capture_output=True,
                             text=True).stdout.split("\n")
    bss_end = next(int(line.split()[0], 16) for line in symbols
                   if line.endswith(" __bss_end"))
    with open(image, "r+b") as f:
        head = f.read(64)
        if head[56:60] != b"ARM\x64":
            sys.exit(f"{elf}: no arm64 Image header at _start")
        f.seek(16)
        f.write(struct.pack("<Q", (bss_end + 4095) & ~4095))


if __name__ == "__main__":
    main()
