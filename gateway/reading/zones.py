"""Where the text is on a scanned page, from a coarse rendering, before any OCR.

OCR costs about a second a page; the gateway needs only the header of page 1 and the closing part
(recipient block and signer) of the last page. A page rendered at low resolution shows its text rows
as bands of ink: body text is justified across the whole width, the header and the closing part are
two columns with a gap between them. This module finds those bands; it reads no characters. A skewed
scan is measured and its bands found with the page levelled (straight.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import pairwise

import pymupdf
from PIL import Image

from gateway.reading.straight import level_ink, skew_slope

LAYOUT_DPI = 60
_INK = 150  # grey level below which a pixel is ink
_COLUMNS = 240  # horizontal resolution of a band's ink profile
ROW_RUN = 45.0  # points: the tallest band still taken for body rows (two rows of 13-14 pt run together)
TEXT_ROW = 6.0  # points: a band of ink lower than this is a speck or a rule, not a row of text
SPECK = 4.0  # points: a band lower than this is a speck or a rule, not a row
# NĐ 30/2020 Phụ lục I: margins of 20-25 mm top and bottom, 30-35 left, 15-20 right. Ink in the page's outer strip
# with none just inside it is the scanner's (the shadow of the sheet's edge, turned with a skewed sheet), not the
# document's: a row's letters reach into that strip only on a scan cut to its text, and then run on inside it
EDGE_SIDE = 0.06  # of the width: the outer strip on the left and on the right (a 2-degree skew drifts 15 pt)
EDGE_END = 0.03  # of the height: the outer strip at the top and at the foot
EDGE_CLEAR = 0.02  # of the width or height: the blank just inside a strip that tells its ink from the document's


@dataclass(frozen=True)
class Band:
    """A horizontal band of ink (one text row, or a few run together), in PDF points."""

    y0: float
    y1: float
    x0: float
    x1: float
    widest_gap: float  # the widest stretch without ink between x0 and x1
    framed: bool = False  # ink down both its sides: a stamp in a box ("KHẨN", "MẬT")


@dataclass(frozen=True)
class PageLayout:
    width: float
    height: float
    bands: list[Band]
    ink: Image.Image = field(repr=False, compare=False)  # the coarse page, ink white on black
    slope: float = 0.0  # the page levelled by this slope (PageView's): its bands are in that frame

    def column_gap(self, top: float, bottom: float) -> float | None:
        """The x of the widest inkless vertical strip between 30 % and 70 % of the width, in the
        rows from top to bottom: where the recipient block's column ends and the signer's begins."""
        scale = self.width / self.ink.width
        y0, y1 = max(int(top / scale), 0), min(int(bottom / scale) + 1, self.ink.height)
        if y1 - y0 < 2:
            return None
        profile = self.ink.crop((0, y0, self.ink.width, y1)).resize((self.ink.width, 1), Image.Resampling.BOX).tobytes()
        low, high = int(0.3 * self.ink.width), int(0.7 * self.ink.width)
        best: tuple[int, int] | None = None
        start: int | None = None
        for x in range(low, high + 1):
            empty = x < high and profile[x] == 0
            if empty and start is None:
                start = x
            elif not empty and start is not None:
                if best is None or x - start > best[1] - best[0]:
                    best = (start, x)
                start = None
        if best is None or (best[1] - best[0]) * scale < 0.02 * self.width:
            return None
        return (best[0] + best[1]) / 2 * scale

    @property
    def margins(self) -> tuple[float, float]:
        """The body's left and right margins: justified rows all end at the same x (the median of
        the wide rows' right ends); the left is where the first quarter of the rows ending there start
        (first lines are indented; a received stamp or a signature in the margin beside a row or two
        starts further left)."""
        wide = [b for b in self.bands if b.x1 - b.x0 >= 0.6 * self.width]
        if not wide:
            return 0.0, self.width
        ends = sorted(b.x1 for b in wide)
        right = ends[len(ends) // 2]
        starts = sorted(b.x0 for b in wide if b.x1 >= right - 0.025 * self.width)
        return starts[(len(starts) - 1) // 4], right

    def is_body(self, band: Band) -> bool:
        """Justified body text: from margin to margin, with no column gap, a row or two high (the
        closing part run together with a signature's strokes is as wide, but far taller). A centred
        heading as wide as the body still stops short of the right margin."""
        left, right = self.margins
        return (
            band.y1 - band.y0 <= ROW_RUN
            and band.x1 - band.x0 >= 0.6 * self.width
            and band.x1 >= right - 0.025 * self.width
            and band.x0 <= left + 0.08 * self.width
            and band.widest_gap < 0.06 * self.width
        )

    def is_paragraph_end(self, band: Band) -> bool:
        """A paragraph's last row: it starts at the body's left margin and stops short (not centred)."""
        return band.x0 <= self.margins[0] + 0.08 * self.width

    def is_short_paragraph(self, band: Band) -> bool:
        """A row of a paragraph that is not justified ("Căn cứ …;" on one line, a paragraph's last
        row): one column, from the margin or the first line's indent to short of the right margin,
        its middle clearly left of the page's (a header's lines are centred, or narrow in a column)."""
        return (
            band.y1 - band.y0 <= ROW_RUN
            and band.widest_gap < 0.06 * self.width
            and band.x1 - band.x0 >= 0.4 * self.width
            and self.is_paragraph_end(band)
            and (band.x0 + band.x1) / 2 < self.width * 0.47
        )

    def header_end(self) -> float:
        """Where the body starts below the header: the first body row, below the top fifth, followed
        by another, or by a paragraph's last row and another (a body of short paragraphs); or two
        rows of short paragraphs in a row (a decision's "Căn cứ …" lines)."""
        bands = [b for b in self.bands if b.y1 - b.y0 >= SPECK]
        for index, first in enumerate(bands):
            if first.y0 <= 0.2 * self.height:
                continue
            following = bands[index + 1: index + 3]
            if self.is_short_paragraph(first) and following and \
                    (self.is_short_paragraph(following[0]) or self.is_body(following[0])):
                return first.y0
            if not self.is_body(first):
                continue
            if following and self.is_body(following[0]):
                return first.y0
            if len(following) == 2 and self.is_paragraph_end(following[0]) and self.is_body(following[1]):
                return first.y0
        return 0.45 * self.height

    def closing_start(self) -> float:
        """Where the closing part starts: just below the page's last body row (0 if it has none)."""
        body = [b for b in self.bands if self.is_body(b)]
        return body[-1].y1 if body else 0.0


def page_layout(page: pymupdf.Page) -> PageLayout:
    pix = page.get_pixmap(dpi=LAYOUT_DPI, colorspace=pymupdf.csGRAY, annots=False)
    image = Image.frombytes("L", (pix.width, pix.height), pix.samples)
    ink = _without_edges(image.point(lambda v: 255 if v < _INK else 0))
    slope = skew_slope(ink)
    ink = level_ink(ink, slope)
    scale = page.rect.width / pix.width
    rows = ink.resize((1, pix.height), Image.Resampling.BOX).tobytes()
    bands: list[Band | None] = []
    start: int | None = None
    for y, value in enumerate(list(rows) + [0]):
        if value > 0 and start is None:
            start = y
        elif value == 0 and start is not None:
            bands.append(_band(ink, start, y, scale))
            start = None
    return PageLayout(page.rect.width, page.rect.height, [b for b in bands if b is not None], ink, slope)


def _without_edges(ink: Image.Image) -> Image.Image:
    """The coarse page without the ink at its edges that a blank parts from the rest: a sheet's shadowed edge
    down the side joined every row it ran beside into one band from the page's edge, so that no row looked like
    body text and the header was read down to the middle of the page (realpdf 009)."""
    sides = _cleared_ends(ink, EDGE_SIDE, EDGE_CLEAR)
    return _cleared_ends(sides.transpose(Image.Transpose.TRANSPOSE), EDGE_END, EDGE_CLEAR).transpose(Image.Transpose.TRANSPOSE)


def _cleared_ends(ink: Image.Image, outer: float, clear: float) -> Image.Image:
    """Each row with the ink that starts in its outer part at either end cleared, where a blank of `clear` (of
    the row's length) follows it inside that part."""
    width = ink.width
    reach, gap = max(round(width * outer), 1), b"\0" * max(round(width * clear), 1)
    data = bytearray(ink.tobytes())
    for start in range(0, len(data), width):
        row = bytes(data[start: start + width])
        for end, line in ((0, row), (1, row[::-1])):
            first = len(line) - len(line.lstrip(b"\0"))
            if first >= reach:
                continue
            blank = line.find(gap, first, reach + len(gap))
            if blank == -1 or blank > reach:
                continue
            if end == 0:
                data[start: start + blank] = bytes(blank)
            else:
                data[start + width - blank: start + width] = bytes(blank)
    return Image.frombytes("L", ink.size, bytes(data))


def _band(ink: Image.Image, y0: int, y1: int, scale: float) -> Band | None:
    strip = ink.crop((0, y0, ink.width, y1)).resize((_COLUMNS, 1), Image.Resampling.BOX).tobytes()
    inked = [x for x, v in enumerate(strip) if v > 0]
    if not inked:
        return None
    column = ink.width / _COLUMNS * scale
    gap = max((b - a - 1 for a, b in pairwise(inked)), default=0)
    return Band(y0=y0 * scale, y1=y1 * scale, x0=inked[0] * column, x1=(inked[-1] + 1) * column,
                widest_gap=gap * column, framed=_framed(ink.crop((0, y0, ink.width, y1)), (y1 - y0) * scale))


def _framed(strip: Image.Image, height: float) -> bool:
    """Whether the band's leftmost and rightmost ink runs down its whole height (a box's sides)."""
    if height < 10:
        return False
    profile = strip.resize((strip.width, 1), Image.Resampling.BOX).tobytes()
    inked = [x for x, v in enumerate(profile) if v > 0]
    if len(inked) < 4:
        return False
    left = max(profile[inked[0]: inked[0] + 2])
    right = max(profile[inked[-1] - 1: inked[-1] + 1])
    return left > 170 and right > 170
