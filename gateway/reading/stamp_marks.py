"""Urgency and secrecy marks the page's flow does not give (NĐ 30/2020 Đ8 and Phụ lục I; TT 24/2020/TT-BCA
for the secrecy stamp; 002 Đ16.7: a secret document is never exchanged by mail, so a mark missed is a
secret document registered). Each finder reads only what it finds and keeps what reads as a mark:

- stamped in red ink on a colour scan: the page is read in its red channel, where the seal fades from
  the signer's title and a red rubber stamp fades too (found by colour, `red_ink.py`, read in green);
- put on crooked: a rubber stamp turned a few degrees has no upright frame to be found by, and read in
  the header's flow it is a few stray letters (read turned back);
- drawn, not written, on a born-digital page: a stamp pasted in as a picture, letters as outlines, are
  not in the text layer (read by OCR where drawing stands beside no text).
"""

from __future__ import annotations

import pymupdf

from gateway.reading.lines import Line
from gateway.reading.ocr import BAND_RETRY_BELOW, OcrUnavailable, ocr_band, ocr_turned
from gateway.reading.particulars import mark_of, number_line_index
from gateway.reading.red_ink import red_rows
from gateway.reading.straight import PageView
from gateway.reading.visibility import DrawingLog
from gateway.reading.zones import TEXT_ROW, PageLayout

RED_LOOK_DPI = 50  # a page's header looked at for red ink (a stamp's letters are 9 pixels high)
DRAWN_DPI = 300  # a born-digital page's drawing read for a mark
MARKS_BELOW = 120.0  # points under the number line where a born-digital page's drawn marks are looked for
STAMP_LOW = 18.0  # points: a band lower than this is a row of text, not a stamp in its frame
STAMP_HEIGHT = 45.0  # points: the tallest band still taken for a stamp (a seal is twice that)


def red_marks(view: PageView, end: float, dpi: int) -> list[Line]:
    """The marks page 1's header (down to `end`) carries in red ink: each row of red ink no taller than a
    stamp, read alone in the green channel."""
    header = pymupdf.Rect(0, 0, view.rect.width, end)
    scale = 72 / RED_LOOK_DPI
    marks = []
    for x0, y0, x1, y1 in red_rows(view.render(header, RED_LOOK_DPI)):
        box = pymupdf.Rect(x0 * scale - 2, y0 * scale - 2, x1 * scale + 2, y1 * scale + 2)
        if box.height > STAMP_HEIGHT or box.height < TEXT_ROW:
            continue
        line = ocr_band(view, 1, box, dpi, red_ink=True)
        if line is not None and mark_of(line.text) is not None:
            marks.append(line)
    return marks


def crooked_marks(view: PageView, layout: PageLayout, lines: list[Line], end: float, dpi: int) -> list[Line]:
    """Stamps put on crooked on a scan's page 1: a band of the left column below the number (in `lines`,
    what OCR read), taller than a row of text and no taller than a stamp, not read as a mark already,
    read turned back by a few degrees."""
    left = [l for l in lines if l.left_half]
    number = number_line_index(left)
    if number is None:
        return []
    below = left[number].y1
    marks: list[Line] = []
    for band in layout.bands:
        box = pymupdf.Rect(band.x0, band.y0, band.x1, band.y1)
        if (band.framed or band.y0 < below or band.y1 > end or not STAMP_LOW <= box.height <= STAMP_HEIGHT
                or box.x1 > 0.55 * view.rect.width
                or any(mark_of(l.text) and l.y0 < box.y1 and l.y1 > box.y0 for l in left)):
            continue
        found: list[Line] = []
        for line in ocr_turned(view, 1, box, dpi):
            if mark_of(line.text):
                found.append(line)
                if (line.confidence or 0) >= BAND_RETRY_BELOW:  # sure enough: the other turns are not read
                    break
        if found:
            marks.append(max(found, key=lambda l: l.confidence or 0))
    return marks


def drawn_marks(page: pymupdf.Page, lines: list[Line], drawing: DrawingLog) -> list[Line]:
    """Marks a born-digital page 1 draws (its text layer `lines`, what it draws `drawing`): where the left
    column under the number holds drawing beside no text, each row of it read by OCR as a stamp is."""
    left = [l for l in lines if l.left_half]
    number = number_line_index(left)
    if number is None:
        return []
    area = pymupdf.Rect(0, left[number].y1, page.rect.width * 0.55, left[number].y1 + MARKS_BELOW) & page.rect
    text = [pymupdf.Rect(l.x0, l.y0, l.x1, l.y1) for l in lines]
    drawn = [r for d in drawing if d.kind not in ("fill-text", "ignore-text", "fill-shade")
             and (r := pymupdf.Rect(d.box) & area).height >= TEXT_ROW and not any(r.intersects(t) for t in text)]
    rows: list[pymupdf.Rect] = []
    for box in sorted(drawn, key=lambda r: r.y0):
        if rows and box.y0 < rows[-1].y1:
            rows[-1] |= box
        else:
            rows.append(pymupdf.Rect(box))
    view, marks = PageView(page), []
    try:
        for row in rows:
            line = ocr_band(view, 1, row, DRAWN_DPI)
            if line is not None and mark_of(line.text) is not None:
                marks.append(line)
    except OcrUnavailable:
        return []
    return marks
