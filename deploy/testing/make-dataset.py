#!/usr/bin/env python3
"""Writes a small ImageFolder dataset of real PNG files for the deployment tests (no third-party modules):
one folder per class, each class its own colour with a white square that moves, 48x48 pixels.

    make-dataset.py DIR CLASSES PER_CLASS
"""
import struct
import sys
import zlib
from pathlib import Path


def png(width, height, rows):
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    raw = b"".join(b"\x00" + bytes(row) for row in rows)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))


def image(cls, i, size=48):
    colour = ((cls * 97 + 40) % 256, (cls * 53 + 120) % 256, (cls * 181 + 10) % 256)
    x0, y0 = (i * 7) % (size - 12), (i * 5) % (size - 12)
    rows = []
    for y in range(size):
        row = []
        for x in range(size):
            inside = x0 <= x < x0 + 12 and y0 <= y < y0 + 12
            shade = (x * 3 + y * 5 + i * 11) % 24
            row.extend((255, 255, 255) if inside else tuple(min(255, c + shade) for c in colour))
        rows.append(row)
    return png(size, size, rows)


def main():
    root, classes, per_class = Path(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
    for c in range(classes):
        folder = root / f"class{c}"
        folder.mkdir(parents=True, exist_ok=True)
        for i in range(per_class):
            (folder / f"img{i:03d}.png").write_bytes(image(c, i))
    print(f"{classes} classes x {per_class} images in {root}")


if __name__ == "__main__":
    main()
