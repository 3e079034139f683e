"""Urgency and secrecy marks the page's flow does not give (NĐ 30/2020 Đ8 and Phụ lục I; TT 24/2020/TT-BCA
for the secrecy stamp; 002 Đ16.7: a secret document is never exchanged by mail, so a mark missed is a
secret document registered). Each finder reads only what it finds and keeps what reads as a mark:

- stamped in red ink on a colour scan: the page is read in its red channel, where the seal fades from
  the signer's title and a red rubber stamp fades too (found by colour, `red_ink.py`, read in green);
- put on touching a row's words (beside the summary, in the margin): its frame is no band's ends, and read
  in the header's flow its letters join that row's ("M ÂT ` /v chính sách …"): found by its frame's four
  sides, read alone and kept out of the flow;
- put on crooked: a rubber stamp turned a few degrees has no upright frame to be found by, and read in
  the header's flow it is a few stray letters (read turned back);
- drawn, not written, on a born-digital page: a stamp pasted in as a picture, letters as outlines, or put on
  as a PDF Stamp annotation, are not in the text layer (read by OCR where drawing stands beside no text,
  under the number or in the top margin; a Stamp annotation over a scan is drawn into its page's view).
"""

from __future__ import annotations

import dataclasses
import re

import pymupdf
from PIL import Image, ImageChops

from gateway.reading.lines import Line
from gateway.reading.ocr import BAND_RETRY_BELOW, OcrUnavailable, ocr_band, ocr_turned
from gateway.reading.particulars import is_whole_mark, marks_of, number_line_index
from gateway.reading.red_ink import red_rows
from gateway.reading.straight import BASE_DPI, PageView
from gateway.reading.visibility import DrawingLog
from gateway.reading.zones import TEXT_ROW, PageLayout

RED_LOOK_DPI = 50  # a page's header looked at for red ink (a stamp's letters are 9 pixels high)
DRAWN_DPI = 300  # a born-digital page's drawing read for a mark
MARKS_BELOW = 120.0  # points under the number line where a born-digital page's drawn marks are looked for
STAMP_LOW = 18.0  # points: a band lower than this is a row of text, not a stamp in its frame
STAMP_HEIGHT = 45.0  # points: the tallest band still taken for a stamp (a seal is twice that)
MARKS_COLUMN = 0.55  # of the page's width: the header's left column, where the number and the marks under it stand
NOT_SHOWN = 2 | 32  # an annotation's flags Hidden and NoView (ISO 32000-1 12.5.3): no viewer shows it
# ISO 32000-1 12.5.6.12 (MuPDF's PDF_ANNOT_STAMP): a PDF editor's stamp; a sticky note's icon beside one is none, and read
# with it the stamp was letters of nothing (red team 52)
STAMP_ANNOTATION = 13


def red_marks(view: PageView, end: float, dpi: int, *, page_number: int = 1) -> list[Line]:
    """The marks a page's header (down to `end`) carries in red ink: each row of red ink no taller than a
    stamp, read alone in the green channel."""
    header = pymupdf.Rect(0, 0, view.rect.width, end)
    scale = 72 / RED_LOOK_DPI
    marks = []
    for x0, y0, x1, y1 in red_rows(view.render(header, RED_LOOK_DPI)):
        box = pymupdf.Rect(x0 * scale - 2, y0 * scale - 2, x1 * scale + 2, y1 * scale + 2)
        if box.height > STAMP_HEIGHT or box.height < TEXT_ROW:
            continue
        line = ocr_band(view, page_number, box, dpi, red_ink=True)
        if line is not None and marks_of(line.text):
            marks.append(line)
    return marks


FRAME_SIDE = 0.8  # of a frame's width: how much of its top and its bottom line ink must cover
FRAME_WIDEST = 200.0  # points: the widest frame taken for a stamp ("KHẨN" to "TỐI MẬT", at 13-14 pt bold)
FRAME_LOW = 14.0  # points: the lowest frame's sides (a small stamp; a capital with its tone mark is 12-13 pt)
FRAME_NARROWEST = 24.0  # points: narrower is a letter's stems
# points: a frame's inside, clear of its line (1-1.5 pt) and its turn; closer to its letters, then further in
FRAME_INSIDE = [(3, 1.5, -3, -1.5), (4, 3, -4, -3)]
# pixels at 100 dpi: an upright run of the frame's height this far inside its sides is another frame's side (a
# letter is lower; a frame's own line, 1-1.5 pt and widened a pixel each way, is at most four columns)
FRAME_INSIDE_SIDE = 5
# pixels at 50 dpi: a frame's top and bottom lines running on this far past both its corners are a table's row (a cell
# between two others), or running on past one corner further than any stamp beside it is wide (a row's first cell)
RUNS_ON = 4
MOST_SIDES = 400  # upright runs of a stamp's height in a header: more are a picture's, and no frame is looked for


def boxed_marks(view: PageView, end: float, dpi: int, *, skip: list[pymupdf.Rect], page_number: int = 1) -> list[Line]:
    """The marks stamped in a frame in the left part of a page's header (down to `end`), the header's
    stamps read already (`skip`: bands whose ends are a frame's sides) left out: each frame found by two
    upright sides of a stamp's height whose tops and bottoms a line joins, read alone; those that read as
    a mark kept."""
    marks = []
    for frame in _frames(view, pymupdf.Rect(0, 0, view.rect.width * MARKS_COLUMN, end)):
        if any(frame.intersects(other) for other in skip):
            continue
        for inside in FRAME_INSIDE:  # inside its frame (a side turned is no "|"), in green, where red, blue and black stand out
            line = ocr_band(view, page_number, frame + inside, dpi, red_ink=True)
            if line is not None and marks_of(line.text):
                marks.append(dataclasses.replace(line, x0=frame.x0, y0=frame.y0, x1=frame.x1, y1=frame.y1))
                break
    return marks


def _frames(view: PageView, area: pymupdf.Rect) -> list[pymupdf.Rect]:
    """Rectangles drawn in the area, in points: upright sides of FRAME_LOW to STAMP_HEIGHT, at the same
    height, FRAME_NARROWEST to FRAME_WIDEST apart, with ink along most of the top and the bottom between."""
    if area.is_empty:
        return []
    scale = 72 / BASE_DPI * 2  # the page as rendered, halved: a frame's line of 1 pt is a pixel and a half
    ink = view.render(area, BASE_DPI).convert("L").reduce(2).point(lambda v: 255 if v < 170 else 0)  # red ink is dark too
    ink = ImageChops.lighter(ink, ImageChops.lighter(ImageChops.offset(ink, 1, 0), ImageChops.offset(ink, -1, 0)))
    # (widened a pixel each way: a side turned by a skewed sheet runs on in the next column)
    low, high = round(FRAME_LOW / scale), round(STAMP_HEIGHT / scale)
    columns = ink.transpose(Image.Transpose.TRANSPOSE).tobytes()
    sides: list[tuple[int, int, int]] = []  # x, y0, y1 in pixels
    run = re.compile(rb"(?<![^\x00])[^\x00]{%d,%d}(?![^\x00])" % (low, high))  # a whole run of ink, of a stamp's height
    for x in range(ink.width):
        sides.extend((x, m.start(), m.end()) for m in run.finditer(columns[x * ink.height: (x + 1) * ink.height]))
        if len(sides) > MOST_SIDES:
            return []  # a picture's edges, not stamps
    rows = ink.tobytes()
    frames: list[pymupdf.Rect] = []
    rightmost_first = sorted(sides, key=lambda side: -side[0])
    for left, y0, y1 in sides:  # each with the farthest side that closes a frame with it (a letter's stem inside closes one too)
        for right, top, bottom in rightmost_first:
            if not (FRAME_NARROWEST / scale <= right - left <= FRAME_WIDEST / scale
                    and abs(top - y0) <= 4 and abs(bottom - y1) <= 4):
                continue
            # two frames side by side ("KHẨN" "MẬT", a point or two apart) are no frame: a side of theirs inside
            if any(left + FRAME_INSIDE_SIDE < x < right - FRAME_INSIDE_SIDE and abs(t - y0) <= 4 and abs(b - y1) <= 4
                   for x, t, b in sides):
                continue
            lines = (max(y0, top), min(y1, bottom) - 1)
            if all(_inked(rows, ink.width, y, left, right) for y in lines) and not _a_cell(rows, ink.width, lines, left, right):
                box = pymupdf.Rect(area.x0 + (left + 1) * scale, area.y0 + y0 * scale,  # the pixel it was widened by
                                   area.x0 + right * scale, area.y0 + y1 * scale)  # taken back on each side
                if not any(box.intersects(f) for f in frames):
                    frames.append(box)
                break
    return frames


def _a_cell(rows: bytes, width: int, lines: tuple[int, int], left: int, right: int) -> bool:
    """Whether a frame's top and bottom lines run on past its corners as a ruled table's row runs on past a cell: past
    both corners, or past one further than a stamp beside it could be wide (two stamps side by side run on one way
    only, over the other's width)."""
    past_left = min(_run(rows, width, y, left - 2, -1) for y in lines)
    past_right = min(_run(rows, width, y, right + 2, 1) for y in lines)
    return min(past_left, past_right) >= RUNS_ON or max(past_left, past_right) * 72 / BASE_DPI * 2 > FRAME_WIDEST


def _run(rows: bytes, width: int, y: int, x: int, step: int) -> int:
    """How many columns from x (going by `step`) a line along row y runs on (one of the two rows beside it, for a
    tilted one; a pixel's gap of noise bridged)."""
    height, length, gap = len(rows) // width, 0, 0
    while 0 <= x < width and gap <= 1:
        inked = any(rows[r * width + x] for r in (y - 1, y, y + 1) if 0 <= r < height)
        gap = 0 if inked else gap + 1
        length += 1
        x += step
    return max(0, length - gap)


def _inked(rows: bytes, width: int, y: int, x0: int, x1: int) -> bool:
    """Whether a line runs along row y from x0 to x1 (one of the two rows beside it, for a tilted one)."""
    return any(sum(1 for v in rows[r * width + x0: r * width + x1] if v) >= FRAME_SIDE * (x1 - x0)
               for r in (y - 1, y, y + 1) if 0 <= r < len(rows) // width)


def _red(view: PageView, box: pymupdf.Rect) -> bool:
    """Whether the part holds red ink (a stamp in red fades where OCR reads a page, in its red channel)."""
    if box.x1 <= box.x0 or box.y1 <= box.y0:  # a row of drawing wider than the column it is cut to: none of it there
        return False
    return bool(red_rows(view.render(box, RED_LOOK_DPI * 2)))


def crooked_marks(view: PageView, layout: PageLayout, lines: list[Line], end: float, dpi: int, *,
                  page_number: int = 1) -> list[Line]:
    """Stamps put on crooked on a scan's page 1 (or a later page opening another document): a band of the left
    column below the number (in `lines`, what OCR read), taller than a row of text and no taller than a
    stamp, not read as a mark already, read turned back by a few degrees."""
    left = [l for l in lines if l.left_half]
    number = number_line_index(left)
    if number is None:
        return []
    below, top = left[number].y1, min(l.y0 for l in left)
    marks: list[Line] = []
    # under the number, and in the top margin over the issuer's name (red team 51: the stamp put on 4° off there)
    column = [b for b in layout.bands
              if (below <= b.y0 and b.y1 <= end or b.y1 <= top) and b.x1 <= MARKS_COLUMN * view.rect.width]
    upright = [pymupdf.Rect(b.x0, b.y0, b.x1, b.y1) for b in column if not b.framed]
    # framed ones too: a stamp put on 3° off is found by its frame, and read upright in the flow it reads as nothing;
    # those and the pieces joined read as a mark's words letter for letter (a framed summary read turned is letters of
    # nothing, and loosely one of them spelt "KHẨN": red team 51)
    whole = [pymupdf.Rect(b.x0, b.y0, b.x1, b.y1) for b in column if b.framed] + _pieces_joined(upright, left)
    for box, strict in [(box, False) for box in upright] + [(box, True) for box in whole]:
        if (not STAMP_LOW <= box.height <= STAMP_HEIGHT
                or any(marks_of(l.text) and l.y0 < box.y1 and l.y1 > box.y0 for l in left)):
            continue
        found: list[Line] = []
        for line in ocr_turned(view, page_number, box, dpi, red_ink=_red(view, box)):  # in red: read in green (red team 50)
            if is_whole_mark(line.text) if strict else marks_of(line.text):
                found.append(line)
                if (line.confidence or 0) >= BAND_RETRY_BELOW:  # sure enough: the other turns are not read
                    break
        if found:
            marks.append(max(found, key=lambda l: l.confidence or 0))
    return marks


PIECES_APART = 4.0  # points: the most between the pieces a crooked stamp's frame and letters break into
WORDS_READ = 10  # letters: a row OCR read with this many is a row of words (the summary's), no stamp's piece


def _pieces_joined(bands: list[pymupdf.Rect], lines: list[Line]) -> list[pymupdf.Rect]:
    """Bands lower than a stamp lying over one another a few points apart, where OCR read no row of words, joined:
    a stamp turned 7° breaks into them (its frame's tilted top, its letters, its bottom), none a stamp's height."""
    worded = [pymupdf.Rect(l.x0, l.y0, l.x1, l.y1) for l in lines if sum(c.isalpha() for c in l.text) >= WORDS_READ]
    pieces = sorted((b for b in bands if b.height < STAMP_LOW and not any(b.intersects(w) for w in worded)),
                    key=lambda b: b.y0)
    joined: list[list[pymupdf.Rect]] = []
    for piece in pieces:
        group = joined[-1] if joined else None
        if (group is not None and piece.y0 - group[-1].y1 <= PIECES_APART
                and min(piece.x1, group[-1].x1) - max(piece.x0, group[-1].x0) > min(piece.width, group[-1].width) / 2):
            group.append(piece)
        else:
            joined.append([piece])
    boxes = []
    for group in joined:
        if len(group) > 1:
            box = pymupdf.Rect(group[0])
            for piece in group[1:]:
                box |= piece
            boxes.append(box)
    return boxes


def stamp_annotations(page: pymupdf.Page) -> list[pymupdf.Rect]:
    """Where the page's Stamp annotations a viewer shows stand: a PDF editor's stamp, on a born-digital page or a scan."""
    return [annot.rect for annot in page.annots() if annot.type[0] == STAMP_ANNOTATION and not annot.flags & NOT_SHOWN]


def drawn_marks(page: pymupdf.Page, lines: list[Line], drawing: DrawingLog, *, page_number: int = 1) -> list[Line]:
    """Marks a born-digital page 1 (or a later page opening another document) draws (its text layer `lines`,
    what it draws `drawing`): where the left column under the number, or above the issuer's name, holds
    drawing beside no text, each row of it read by OCR as a stamp is (turned back, if of a stamp's height)."""
    left = [l for l in lines if l.left_half]
    number = number_line_index(left)
    if number is None:
        return []
    width = page.rect.width * MARKS_COLUMN
    areas = [pymupdf.Rect(0, left[number].y1, width, left[number].y1 + MARKS_BELOW) & page.rect,
             pymupdf.Rect(0, 0, width, min(l.y0 for l in left))]  # stamped in the top margin (red team 50)
    text = [pymupdf.Rect(l.x0, l.y0, l.x1, l.y1) for l in lines]
    drawn = [r for d in drawing if d.kind not in ("fill-text", "ignore-text", "fill-shade") for area in areas
             if (r := pymupdf.Rect(d.box) & area).height >= TEXT_ROW and not any(r.intersects(t) for t in text)]
    # a stamp put on as an annotation (a PDF editor's Stamp, a picture of the rubber stamp): every viewer shows it, and
    # the page's own drawing has none of it (red team 51)
    shown = [r for stamp in stamp_annotations(page) for area in areas
             if (r := stamp & area).height >= TEXT_ROW and not any(r.intersects(t) for t in text)]
    drawn += shown
    rows: list[pymupdf.Rect] = []
    for box in sorted(drawn, key=lambda r: r.y0):
        if rows and box.y0 < rows[-1].y1:
            rows[-1] |= box
        else:
            rows.append(pymupdf.Rect(box))
    view, marks = PageView(page, annots=bool(shown)), []
    try:
        for row in rows:  # a red stamp's picture read in green, where its red is ink (red team 50)
            red = _red(view, row)
            line = ocr_band(view, page_number, row, DRAWN_DPI, red_ink=red)
            if line is not None and marks_of(line.text):
                marks.append(line)
            elif STAMP_LOW <= row.height <= STAMP_HEIGHT:  # a stamp's picture pasted in crooked (a rubber stamp scanned)
                turned = next((l for l in ocr_turned(view, page_number, row, DRAWN_DPI, red_ink=red) if marks_of(l.text)), None)
                if turned is not None:
                    marks.append(turned)
    except OcrUnavailable:
        return []
    return marks
