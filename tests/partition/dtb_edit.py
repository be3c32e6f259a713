#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Edits a device tree blob in ways dtc cannot produce from a source.

    dtb_edit.py deepen IN.dtb OUT.dtb NODE LEVELS [NAME]

`deepen` hangs a chain of LEVELS nested empty nodes, each named NAME
(default "n"), under
NODE (a path such as /pl031@9010000), after its own properties and
children. dtc itself recurses over a source's nesting, so a tree
200,000 levels deep has to be written as a blob. Used by run_bad.py
("// deepen:" cases) and tests/fuzz/make-corpus. Standard library only.
"""
import struct
import sys

FDT_BEGIN_NODE, FDT_END_NODE, FDT_PROP, FDT_NOP, FDT_END = 1, 2, 3, 4, 9
HEADER = struct.Struct('>10I')


def _align4(n):
    return (n + 3) & ~3


def _node_end(block, path):
    """Offset of the FDT_END_NODE token that closes node `path`."""
    want = [p for p in path.split('/') if p]
    stack = []
    at = 0
    while at < len(block):
        (tag,) = struct.unpack_from('>I', block, at)
        if tag == FDT_BEGIN_NODE:
            end = block.index(b'\0', at + 4)
            stack.append(block[at + 4:end].decode('utf-8', 'replace'))
            at = _align4(end + 1)
        elif tag == FDT_END_NODE:
            if stack[1:] == want:
                return at
            stack.pop()
            at += 4
        elif tag == FDT_PROP:
            (length,) = struct.unpack_from('>I', block, at + 4)
            at = _align4(at + 12 + length)
        elif tag == FDT_NOP:
            at += 4
        else:
            break
    raise ValueError(f'no node {path} in the blob')


def deepen(blob, path, levels, name='n'):
    """The blob with `levels` nested nodes `name` added under `path`."""
    (magic, _total, off_struct, off_strings, off_rsvmap, version,
     last_comp, boot_cpu, size_strings, size_struct) = HEADER.unpack_from(blob)
    block = blob[off_struct:off_struct + size_struct]
    at = _node_end(block, path)
    label = name.encode() + b'\0'
    label += b'\0' * (-len(label) % 4)
    begin = struct.pack('>I', FDT_BEGIN_NODE) + label
    chain = begin * levels + struct.pack('>I', FDT_END_NODE) * levels
    block = block[:at] + chain + block[at:]
    rsvmap = blob[off_rsvmap:off_struct]
    strings = blob[off_strings:off_strings + size_strings]
    off_rsvmap = HEADER.size
    off_struct = off_rsvmap + len(rsvmap)
    off_strings = off_struct + len(block)
    total = off_strings + len(strings)
    header = HEADER.pack(magic, total, off_struct, off_strings, off_rsvmap,
                         version, last_comp, boot_cpu, len(strings),
                         len(block))
    return header + rsvmap + block + strings


def main(argv):
    if len(argv) not in (6, 7) or argv[1] != 'deepen':
        sys.exit(__doc__.split('\n\n')[1])
    with open(argv[2], 'rb') as f:
        blob = f.read()
    with open(argv[3], 'wb') as f:
        f.write(deepen(blob, argv[4], int(argv[5]), *argv[6:]))


if __name__ == '__main__':
    main(sys.argv)
