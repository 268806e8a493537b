"""The portal's icon, drawn from code: the PNG sizes a phone's home screen needs (units.offline's manifest).

The artwork is static/icons/bluezone.svg (written by hand, the same shapes):
a blue square (the header's blue) with a white dot, a ring around it and two
waves, all inside the central circle a maskable icon must keep clear. The
PNG files are drawn here rather than copied from anywhere, with each edge
pixel shaded by how much of it the shape covers; `manage.py draw_icons`
writes them and tests/units/test_offline.py checks that the committed files
are exactly what this code draws.
"""

from __future__ import annotations

import math
import struct
import zlib

SIZES = (192, 512)
BLUE = (0x0B, 0x5C, 0xAD)
WHITE = (0xFF, 0xFF, 0xFF)
# In units of the icon's side; bluezone.svg uses the same numbers times 512.
DOT = 0.09
RING = 0.20
WAVES = 0.32
STROKE = 0.06
WAVE_HALF_ANGLE = math.radians(45)


def icon_file_name(size: int) -> str:
    return f"bluezone-{size}.png"


def _arc_distance(x: float, y: float, radius: float, start: float, end: float) -> float:
    """Distance from (x, y), relative to the centre, to the arc of `radius` from angle `start` to `end`."""
    angle = math.atan2(y, x)
    if start <= angle <= end or start <= angle + 2 * math.pi <= end:
        return abs(math.hypot(x, y) - radius)
    return min(math.hypot(x - radius * math.cos(a), y - radius * math.sin(a)) for a in (start, end))


def icon_coverage(size: int) -> list[list[float]]:
    """How much of each pixel (0–1) the white marks cover, row by row."""
    half_stroke = STROKE / 2
    rows = []
    for row in range(size):
        y = (row + 0.5) / size - 0.5
        line = []
        for column in range(size):
            x = (column + 0.5) / size - 0.5
            centre = math.hypot(x, y)
            distance = min(
                centre - DOT,
                abs(centre - RING) - half_stroke,
                _arc_distance(x, y, WAVES, -WAVE_HALF_ANGLE, WAVE_HALF_ANGLE) - half_stroke,
                _arc_distance(x, y, WAVES, math.pi - WAVE_HALF_ANGLE, math.pi + WAVE_HALF_ANGLE) - half_stroke,
            )
            line.append(min(1.0, max(0.0, 0.5 - distance * size)))
        rows.append(line)
    return rows


def icon_pixels(size: int) -> bytes:
    """RGB bytes, row after row, of the icon at `size` × `size`."""
    out = bytearray()
    for line in icon_coverage(size):
        for cover in line:
            out.extend(round(b + (w - b) * cover) for b, w in zip(BLUE, WHITE, strict=True))
    return bytes(out)


def icon_png(size: int) -> bytes:
    """The icon as a PNG file (8-bit RGB, no filter)."""
    pixels = icon_pixels(size)
    stride = size * 3
    raw = b"".join(b"\x00" + pixels[row * stride:(row + 1) * stride] for row in range(size))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b"")


def png_pixels(data: bytes) -> tuple[int, int, bytes]:
    """Width, height and RGB bytes of a PNG that icon_png() wrote (8-bit RGB, every row unfiltered)."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    position, idat, width, height = 8, b"", 0, 0
    while position < len(data):
        (length,) = struct.unpack(">I", data[position:position + 4])
        kind = data[position + 4:position + 8]
        body = data[position + 8:position + 8 + length]
        if kind == b"IHDR":
            width, height, depth, colour = struct.unpack(">IIBB", body[:10])
            assert (depth, colour) == (8, 2)
        elif kind == b"IDAT":
            idat += body
        position += 12 + length
    raw = zlib.decompress(idat)
    stride = width * 3 + 1
    rows = [raw[row * stride:(row + 1) * stride] for row in range(height)]
    assert all(line[0] == 0 for line in rows), "a filtered row: not a file icon_png() wrote"
    return width, height, b"".join(line[1:] for line in rows)
