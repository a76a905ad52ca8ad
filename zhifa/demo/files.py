"""Tiny synthetic evidence files for the demo, the same bytes for the same arguments (no clock, no randomness
of their own): a grey "photo" with its date and time stamped in the corner as a camera does, and a one-page
PDF standing for a scanned record. Both are what the evidence upload check accepts (PNG, PDF) and are plainly
the demo's: the PDF says so on its page; the Chinese label rides in the document's title (UTF-16)."""

from __future__ import annotations

import struct
import zlib

# A 3×5 pixel font for a camera's date stamp.
GLYPHS = {
    "0": ("111", "101", "101", "101", "111"),
    "1": ("010", "110", "010", "010", "111"),
    "2": ("111", "001", "111", "100", "111"),
    "3": ("111", "001", "111", "001", "111"),
    "4": ("101", "101", "111", "001", "001"),
    "5": ("111", "100", "111", "001", "111"),
    "6": ("111", "100", "111", "101", "111"),
    "7": ("111", "001", "001", "001", "001"),
    "8": ("111", "101", "111", "101", "111"),
    "9": ("111", "101", "111", "001", "111"),
    "-": ("000", "000", "111", "000", "000"),
    ":": ("000", "010", "000", "010", "000"),
    " ": ("000", "000", "000", "000", "000"),
}
WIDTH, HEIGHT, SCALE = 160, 60, 2
# The gradient's rows, one per phase: a photo's row is a copy of one of them.
RAMP = [bytes((k + x // 3) % 96 + 80 for x in range(WIDTH)) for k in range(96)]


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def stamped_photo(stamp: str, *, shade: int, note: str) -> bytes:
    """A WIDTH×HEIGHT greyscale PNG: a soft gradient (its tone from `shade`) with `stamp` ("2026-05-03 10:12")
    burnt in at the bottom right, and `note` (UTF-8) as its description."""
    pixels = [bytearray(RAMP[(shade * 7 + y * 2) % 96]) for y in range(HEIGHT)]
    text = [c for c in stamp if c in GLYPHS]
    left = WIDTH - len(text) * 4 * SCALE - 4
    top = HEIGHT - 5 * SCALE - 4
    for n, ch in enumerate(text):
        for row, bits in enumerate(GLYPHS[ch]):
            for col, bit in enumerate(bits):
                if bit == "1":
                    for dy in range(SCALE):
                        for dx in range(SCALE):
                            pixels[top + row * SCALE + dy][left + (n * 4 + col) * SCALE + dx] = 250
    raw = b"".join(b"\x00" + bytes(r) for r in pixels)
    header = struct.pack(">IIBBBBB", WIDTH, HEIGHT, 8, 0, 0, 0, 0)
    itxt = b"Description\x00\x00\x00\x00\x00" + note.encode()
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"iTXt", itxt)
        + _chunk(b"IDAT", zlib.compress(raw, 9))
        + _chunk(b"IEND", b"")
    )


def _pdf_text(s: str) -> str:
    ascii_only = s.encode("ascii", "replace").decode()
    return ascii_only.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def one_page_pdf(title: str, lines: list[str]) -> bytes:
    """A one-page A4 PDF: `lines` (ASCII) on the page, `title` (any text) as the document's title."""
    body = ["BT /F1 11 Tf 60 780 Td 14 TL"] + [f"({_pdf_text(line)}) '" for line in lines] + ["ET"]
    stream = "\n".join(body).encode()
    title_hex = ("FEFF" + title.encode("utf-16-be").hex().upper()).encode()
    objects = [
        b"<</Type/Catalog/Pages 2 0 R>>",
        b"<</Type/Pages/Kids[3 0 R]/Count 1>>",
        b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]/Resources<</Font<</F1 4 0 R>>>>/Contents 5 0 R>>",
        b"<</Type/Font/Subtype/Type1/BaseFont/Helvetica>>",
        b"<</Length %d>>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<</Title <" + title_hex + b">/Producer (zhifa demo)>>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for n, obj in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % n + obj + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<</Size %d/Root 1 0 R/Info 6 0 R>>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)
