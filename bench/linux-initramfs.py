#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Makes the bench's Linux initramfs from the fetched one.

Usage: linux-initramfs.py INITRAMFS.cpio.gz STAMP OUTPUT.cpio.gz

Appends a second archive (Linux unpacks concatenated archives in order;
a later file replaces an earlier one) holding /bin/rumkv-stamp and an
/etc/inittab whose only start-up action is that program: init prints the
counter and starts the shell. The original start-up script is left out
on purpose: it loads modules and mounts a disk, and QEMU completes disk
I/O at moments the host decides, so the time to the shell would differ
between runs. Everything else of the original inittab stays.
"""
import gzip
import sys

NEWC = b"070701"


def entries(archive):
    """(name, body) of each entry of a newc cpio archive."""
    at = 0
    while archive[at:at + 6] == NEWC:
        fields = [int(archive[at + 6 + 8 * i:at + 14 + 8 * i], 16)
                  for i in range(13)]
        size, name_size = fields[6], fields[11]
        name = archive[at + 110:at + 110 + name_size - 1].decode()
        body_at = (at + 110 + name_size + 3) & ~3
        at = (body_at + size + 3) & ~3
        if name == "TRAILER!!!":
            return
        yield name, archive[body_at:body_at + size]


def entry(ino, name, mode, body):
    """One newc entry: header, name, body, each padded to 4 bytes."""
    raw_name = name.encode() + b"\0"
    head = NEWC + b"".join(b"%08X" % v for v in (
        ino, mode, 0, 0, 1, 0, len(body), 0, 0, 0, 0, len(raw_name), 0))
    out = head + raw_name
    out += b"\0" * (-len(out) % 4) + body
    return out + b"\0" * (-len(out) % 4)


def main():
    source, stamp, output = sys.argv[1:4]
    with open(source, "rb") as f:
        original = f.read()
    files = dict(entries(gzip.decompress(original)))
    inittab = [line for line in files["etc/inittab"].decode().splitlines()
               if ":sysinit:" not in line]
    inittab.insert(0, "::sysinit:/bin/rumkv-stamp")
    with open(stamp, "rb") as f:
        program = f.read()
    extra = (entry(1, "bin/rumkv-stamp", 0o100755, program) +
             entry(2, "etc/inittab", 0o100644,
                   ("\n".join(inittab) + "\n").encode()) +
             entry(0, "TRAILER!!!", 0, b""))
    extra += b"\0" * (-len(extra) % 512)
    with open(output, "wb") as f:
        f.write(original + gzip.compress(extra, mtime=0))


if __name__ == "__main__":
    main()
