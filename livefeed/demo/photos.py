"""The demo's pictures, drawn here rather than fetched: a first look works offline, and no
outside picture host sees who opened the demo.

Each is an abstract scene (a sky, a horizon, a few lights) coloured from its name, credited as
drawn so that no reader takes it for the scene its caption describes. The story names a picture
with :func:`photo`; seeding uploads each through the media library and puts its address there.
"""

from __future__ import annotations

import hashlib
import io

from PIL import Image, ImageDraw

PLACEHOLDER_CREDIT = "Drawn for the Livefeed demo (not a photograph)"
PREFIX = "demo-picture:"
SIZE = (1200, 800)


def photo(name: str) -> str:
    """Where the story wants the picture ``name``: replaced by its uploaded address."""
    return PREFIX + name


def picture(name: str) -> bytes:
    """A JPEG of the scene called ``name``; the same name draws the same scene."""
    seed = hashlib.sha256(name.encode()).digest()
    width, height = SIZE
    sky = (seed[0] // 3, seed[1] // 3 + 20, seed[2] // 2 + 60)
    dusk = (seed[3] // 2 + 120, seed[4] // 3 + 60, seed[5] // 4 + 40)
    image = Image.new("RGB", SIZE)
    draw = ImageDraw.Draw(image)
    horizon = height * (55 + seed[6] % 20) // 100
    for y in range(horizon):
        t = y / horizon
        colour = tuple(round(a + (b - a) * t) for a, b in zip(sky, dusk, strict=True))
        draw.line([(0, y), (width, y)], fill=colour)
    ground = (seed[7] // 6 + 10, seed[8] // 6 + 15, seed[9] // 6 + 20)
    draw.rectangle([0, horizon, width, height], fill=ground)
    for i in range(6):
        x = (seed[10 + i] * width) // 256
        w = 60 + seed[16 + i] % 160
        h = 40 + seed[22 + i] % (horizon // 2)
        shade = tuple(max(0, c - 12) for c in ground)
        draw.rectangle([x, horizon - h, x + w, horizon], fill=shade)
    for i in range(12):
        x = (seed[i] * 37 + i * 97) % width
        y = horizon - 10 - (seed[31 - i] * 3) % (horizon // 2)
        draw.ellipse([x - 5, y - 5, x + 5, y + 5], fill=(255, 226, 150))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=80)
    return out.getvalue()
