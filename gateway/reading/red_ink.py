"""Where a colour scan has rows of red ink: the urgency and secrecy marks are rubber stamps in red
(NĐ 30/2020 Phụ lục I; TT 24/2020/TT-BCA for the secrecy stamp), and OCR reads a scan in its red
channel, where the seal's red fades from the signer's title and those stamps fade as well. Found by
colour alone, without OCR; reading them is the caller's."""

from __future__ import annotations

from PIL import Image, ImageChops

REDDER = 60  # how much more red than green and than blue a pixel of red ink has (paper and black ink: none)
GAP = 2  # pixel rows without red ink that still join two rows of one stamp (its frame above its letters)


def red_rows(image: Image.Image) -> list[tuple[int, int, int, int]]:
    """The boxes (x0, y0, x1, y1 in pixels) of the rows of red ink in an RGB image, top to bottom."""
    red, green, blue = image.split()
    redder = ImageChops.multiply(ImageChops.subtract(red, green).point(lambda v: 255 if v > REDDER else 0),
                                 ImageChops.subtract(red, blue).point(lambda v: 255 if v > REDDER else 0))
    rows = redder.resize((1, redder.height), Image.Resampling.BOX).tobytes()
    boxes: list[tuple[int, int, int, int]] = []
    start: int | None = None
    last = -GAP - 1
    for y, value in enumerate(list(rows) + [0] * (GAP + 1)):
        if value:
            start = y if start is None else start
            last = y
        elif start is not None and y - last > GAP:
            inked = redder.crop((0, start, redder.width, last + 1)).getbbox()
            if inked is not None:
                boxes.append((inked[0], start, inked[2], last + 1))
            start = None
    return boxes
