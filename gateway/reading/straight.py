"""A skewed scan levelled: its skew measured on a coarse rendering, and every part of it the reader
looks at levelled by that slope, so that its rows of text lie level.

A scan skewed by 1-2 degrees has rows that rise or fall by a whole line across the page: found on
the page as it is, its rows run together and the body cannot be told from the header, so the whole
page was read. Levelled, the rows stand apart, and Tesseract reads only the parts needed. Levelling
moves each narrow strip of pixel columns up or down (a shear: no pixel is interpolated, x stays
where it is). Lines read from a levelled view are placed in its frame; every part of the page read
again (a stamp, a blank, a row under a title) is asked of the same view.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import pymupdf
from PIL import Image

LEAST_SKEW = 0.5  # degrees: a scan skewed less than this is read as it is
_COARSE = [a / 2 for a in range(-6, 7)]  # degrees tried first: -3 to 3
_FINE = [a / 10 for a in range(-4, 5)]  # then around the best of them
Lift = tuple[float, Sequence[int]]  # from this x (points) on, grey levels mapped through this table
BASE_DPI = 200  # the page is rendered once at this resolution; the parts read at it are cut from it
STRIP = 8  # pixel columns moved together when levelling (at 2 degrees, a third of a pixel apart)


@dataclass(frozen=True)
class PageView:
    """The page as the reader looks at it: a point (x, y) of the page is at (x, y + (x - centre) *
    slope) in the view (slope 0: the page as it is). Rendered once; the parts read cut from that."""

    page: pymupdf.Page
    slope: float = 0.0
    annots: bool = False  # the page's annotations drawn too (a stamp put on as one, as PDF editors put theirs)
    _image: list[Image.Image] = field(default_factory=list, repr=False, compare=False)  # RGB, red

    @property
    def rect(self) -> pymupdf.Rect:
        return self.page.rect

    def render(self, clip: pymupdf.Rect, dpi: int, *, red: bool = False, lift: Lift | None = None) -> Image.Image:
        """The part `clip` (in this view's frame) at `dpi`, RGB or only its red channel (what
        Tesseract reads), white where the page leaves nothing. `lift`: from that x (points) on, the
        grey levels mapped through that table before the part is levelled (a seal faded: its mid
        greys, smoothed by levelling, would no longer tell a seal's ink from a letter's edge)."""
        if not self.slope:
            return _lifted(self._plain(clip, dpi, red), clip, lift)
        drift = [(x - self.rect.width / 2) * self.slope for x in (clip.x0, clip.x1)]
        area = pymupdf.Rect(clip.x0, clip.y0 - max(drift), clip.x1, clip.y1 - min(drift))
        zoom = dpi / 72
        left, top = math.floor(area.x0 * zoom), math.floor(area.y0 * zoom)  # the plain part's first pixel
        plain = _lifted(self._plain(area, dpi, red), area, lift)
        centre = self.rect.width / 2 * zoom
        x0, y0, x1, y1 = _pixels(clip, dpi)
        if red:  # each pixel interpolated: a letter cut by a strip's one-pixel step is read wrong now and then
            affine = (1, 0, x0 - left, -self.slope, 1, y0 - top - (x0 - centre) * self.slope)
            return plain.transform((x1 - x0, y1 - y0), Image.Transform.AFFINE, affine, Image.Resampling.BILINEAR,
                                   fillcolor=255)
        return _cut(_level(plain, left, centre, self.slope), (x0 - left, y0 - top, x1 - left, y1 - top))

    def _plain(self, clip: pymupdf.Rect, dpi: int, red: bool) -> Image.Image:
        """The part of the page as it is: cut from the page rendered once at BASE_DPI, or drawn by
        MuPDF at another resolution (a 300 dpi scan's handwriting keeps its detail)."""
        if dpi == BASE_DPI:
            self._page()
            return _cut(self._image[1 if red else 0], _pixels(clip, dpi))
        pix = self.page.get_pixmap(dpi=dpi, colorspace=pymupdf.csRGB, clip=clip, annots=self.annots, alpha=False)
        image = Image.frombytes("RGB", (pix.width, pix.height), pix.samples)
        x0, y0, x1, y1 = _pixels(clip, dpi)
        if (pix.x, pix.y, pix.width, pix.height) != (x0, y0, x1 - x0, y1 - y0):  # beyond the page: white there
            image = _cut(image, (x0 - pix.x, y0 - pix.y, x1 - pix.x, y1 - pix.y))
        return image.getchannel("R") if red else image

    def _page(self) -> None:
        """The page at BASE_DPI in RGB and its red channel, each made once (only the parts read are
        levelled, each when it is read)."""
        if not self._image:
            pix = self.page.get_pixmap(dpi=BASE_DPI, colorspace=pymupdf.csRGB, annots=self.annots, alpha=False)
            rgb = Image.frombytes("RGB", (pix.width, pix.height), pix.samples)
            self._image.extend([rgb, rgb.getchannel("R")])


def _lifted(image: Image.Image, clip: pymupdf.Rect, lift: Lift | None) -> Image.Image:
    """The image of `clip` with its grey levels from the lift's x on mapped through its table."""
    if lift is None:
        return image
    x, table = lift
    middle = int((x - clip.x0) / clip.width * image.width)
    if middle < image.width:
        box = (max(middle, 0), 0, image.width, image.height)
        image.paste(image.crop(box).point(table), box)
    return image


def _pixels(clip: pymupdf.Rect, dpi: int) -> tuple[int, int, int, int]:
    """The pixels MuPDF draws for a clip at dpi: from the floor of its start to the ceiling of its end."""
    zoom = dpi / 72
    return math.floor(clip.x0 * zoom), math.floor(clip.y0 * zoom), math.ceil(clip.x1 * zoom), math.ceil(clip.y1 * zoom)


def _cut(image: Image.Image, box: tuple[int, int, int, int]) -> Image.Image:
    """The box of the image's pixels, white beyond the image."""
    if box[0] >= 0 and box[1] >= 0 and box[2] <= image.width and box[3] <= image.height:
        return image.crop(box)
    white = 255 if image.mode == "L" else (255, 255, 255)
    part = Image.new(image.mode, (max(box[2] - box[0], 1), max(box[3] - box[1], 1)), white)
    inside = (max(box[0], 0), max(box[1], 0), min(box[2], image.width), min(box[3], image.height))
    if inside[0] < inside[2] and inside[1] < inside[3]:
        part.paste(image.crop(inside), (inside[0] - box[0], inside[1] - box[1]))
    return part


def _level(image: Image.Image, left: int, centre: float, slope: float, *, ink_white: bool = False) -> Image.Image:
    """The image (its first column the page's pixel column `left`) with each strip of the page's
    columns moved down by its distance from the page's `centre` (pixels) times slope; strips are
    the page's, wherever the image starts, so that every part levelled alike matches the whole.
    What the strips leave uncovered is paper: white, or black in an image of ink white on black."""
    white = 255 if image.mode == "L" else (255, 255, 255)
    levelled = Image.new(image.mode, image.size, 0 if ink_white else white)
    start = left - left % STRIP
    for strip in range(start, left + image.width, STRIP):
        x0, x1 = max(strip, left) - left, min(strip + STRIP, left + image.width) - left
        shift = round((strip + STRIP / 2 - centre) * slope)
        levelled.paste(image.crop((x0, 0, x1, image.height)), (x0, shift))
    return levelled


def skew_slope(ink: Image.Image) -> float:
    """The slope that levels the rows of a coarse page whose ink is white on black (PageView's), 0
    when the page is skewed less than LEAST_SKEW: the turn under which the rows' ink changes most
    sharply from row to row."""
    half = ink.resize((max(ink.width // 2, 1), max(ink.height // 2, 1)), Image.Resampling.BOX)
    coarse = max(_COARSE, key=lambda a: _sharpness(half, a))  # half a degree apart: half the pixels tell them
    if not coarse:  # level already: no finer angle reaches LEAST_SKEW
        return 0.0
    angle = max((coarse + a for a in _FINE), key=lambda a: _sharpness(ink, a))
    return -math.tan(math.radians(angle)) if abs(angle) >= LEAST_SKEW else 0.0


def level_ink(ink: Image.Image, slope: float) -> Image.Image:
    """A whole page's ink (white on black) levelled by the slope (PageView's), its pixel columns moved in strips."""
    return _level(ink, 0, ink.width / 2, slope, ink_white=True) if slope else ink


def _sharpness(ink: Image.Image, angle: float) -> int:
    rows = ink.rotate(angle, resample=Image.Resampling.NEAREST).resize((1, ink.height), Image.Resampling.BOX).tobytes()
    return sum((b - a) ** 2 for a, b in itertools.pairwise(rows))
