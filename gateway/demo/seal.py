"""A red seal image for the demo and the tests (two rings and a star, transparent around)."""

from __future__ import annotations

import math
from io import BytesIO


def seal_png(size: int = 240) -> bytes:
    from PIL import Image, ImageDraw

    image = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    red = (214, 20, 30, 255)
    draw.ellipse((4, 4, size - 4, size - 4), outline=red, width=max(3, size // 30))
    draw.ellipse((size // 5, size // 5, size - size // 5, size - size // 5), outline=red, width=max(2, size // 60))
    c, r = size / 2, size / 8
    star = [(c + r * (1 if i % 2 == 0 else 0.45) * math.cos(math.pi * (0.5 + i / 5)),
             c - r * (1 if i % 2 == 0 else 0.45) * math.sin(math.pi * (0.5 + i / 5))) for i in range(10)]
    draw.polygon(star, fill=red)
    out = BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()
