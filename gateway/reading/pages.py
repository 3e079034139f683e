"""The lines of a document's pages, from the text layer where it covers what the page shows, else
from OCR of only the parts the reader asks for (each part read once, at most, however often it is asked).

A scan signed with a visible box has a text layer too: the box's few words over an image of the whole
page. Such a page is read by OCR (the box is not drawn for it: it hides nothing), its text layer left
aside. Text drawn invisibly (a scanner's own OCR) is not read at all (layout.page_lines)."""

from __future__ import annotations

from dataclasses import dataclass, field

import pymupdf

from gateway.reading.layout import TEXT_FLAGS, has_text, page_lines
from gateway.reading.lines import Line
from gateway.reading.ocr import ocr_band, ocr_region
from gateway.reading.particulars import is_motto_head, is_whole_mark, number_line_index
from gateway.reading.stamp_marks import (
    FRAME_LOW,
    FRAME_WIDEST,
    MARKS_COLUMN,
    STAMP_HEIGHT,
    boxed_marks,
    crooked_marks,
    drawn_marks,
    red_marks,
    stamp_annotations,
)
from gateway.reading.stamps import without_signature_boxes
from gateway.reading.straight import PageView
from gateway.reading.visibility import DrawingLog, HiddenText, drawing_log
from gateway.reading.zones import TEXT_ROW, Band, PageLayout, page_layout

# The resolution pages are read at, whatever they were scanned at: measured on bench/reading.py,
# scans of 150 and 300 dpi are read best at 200 too (finer costs more and reads no better).
OCR_DPI = 200
# a scan's issuer and its parent (bold capitals above "Số:") read again finer: at 200 dpi OCR drops their tone
# marks ("THUẾ" read "THUE"); the header's other lines (the number and date, handwritten on real scans) stay at 200
ISSUER_DPI = 300
IMAGE_PAGE = 0.5  # images over half the page: a scan (a logo or a seal is far smaller)
VIEWS_KEPT = 3  # pages whose rendering is kept: page 1, the last page and the one before it
FEW_WORDS = 0.03  # visible text over less of the image than this: a box, a stamp, a page number, not the page's text
HEAD_MARKS_BAND = 0.4  # of a later page's height: where another document's marks stand under its number, above any table
MOTTO_BAND = 0.16  # the head of a page where a document's motto stands (the top-right of page 1)
LARGEST_PAGE = 1700  # points: over A3's long side (1,191) by far; a larger page is no page of a document


@dataclass
class PageSource:
    doc: pymupdf.Document
    dpi: int | None = None  # None: OCR_DPI
    keep_hidden: bool = False  # read the text no one sees too (what the text layer alone says)
    _text: dict[int, list[Line]] = field(default_factory=dict)
    _drawing: dict[int, DrawingLog] = field(default_factory=dict)  # what each page draws, in order
    _scanned: dict[int, bool] = field(default_factory=dict)
    _layout: dict[int, PageLayout] = field(default_factory=dict)
    _read: dict[int, list[tuple[float, float]]] = field(default_factory=dict)  # y ranges already OCR'd
    _ocr: dict[int, list[Line]] = field(default_factory=dict)
    _blank: dict[int, list[pymupdf.Rect]] = field(default_factory=dict)  # parts of a page OCR must not see
    _stamps_read: set[int] = field(default_factory=set)
    _opening: dict[int, bool] = field(default_factory=dict)  # later pages looked at: whether another document begins
    _views: dict[int, PageView] = field(default_factory=dict)
    hidden: dict[int, list[HiddenText]] = field(default_factory=dict)  # text no one sees, by page (left out)
    ocr_used: bool = False

    @property
    def count(self) -> int:
        return self.doc.page_count

    def scanned(self, index: int) -> bool:
        """Whether the page is read by OCR: its visible text layer does not cover what it shows."""
        if index not in self._scanned:
            page = self.doc[index]
            self._drawing[index] = drawing_log(page)
            self._text[index], self.hidden[index] = page_lines(page, index + 1, self._drawing[index],
                                                               keep_hidden=self.keep_hidden)
            self._scanned[index] = not has_text(self._text[index]) or mostly_image(page, self._text[index],
                                                                                   self._drawing[index])
        return self._scanned[index]

    def native_dpi(self, index: int) -> float | None:
        """The resolution the page was scanned at (its largest image's), None without one."""
        page = self.doc[index]
        native = [
            info["width"] / ((info["bbox"][2] - info["bbox"][0]) / 72)
            for info in page.get_image_info()
            if info["bbox"][2] - info["bbox"][0] > 0.5 * page.rect.width
        ]
        return max(native) if native else None

    @property
    def read_dpi(self) -> int:
        return self.dpi or OCR_DPI

    def layout(self, index: int) -> PageLayout:
        if index not in self._layout:
            self._layout[index] = page_layout(self.doc[index])
        return self._layout[index]

    def view(self, index: int) -> PageView:
        """The page as OCR reads it: a skewed scan levelled (its lines are placed in that frame),
        rendered once. The last few pages' images are kept (a long scan's pages are not all held)."""
        if index not in self._views:
            while len(self._views) >= VIEWS_KEPT:
                del self._views[next(iter(self._views))]
            scanned = self.scanned(index)  # a scan stamped in a PDF editor: the stamp drawn on it (red team 52)
            self._views[index] = PageView(self.doc[index], self.layout(index).slope if scanned else 0.0,
                                          annots=scanned and bool(stamp_annotations(self.doc[index])))
        return self._views[index]

    def lines(self, index: int, top: float = 0.0, bottom: float | None = None) -> list[Line]:
        """The page's lines whose top lies between top and bottom (PDF points)."""
        page = self.doc[index]
        bottom = page.rect.height if bottom is None else bottom
        if not self.scanned(index):
            return [l for l in self._text[index] if top - 2 <= l.y0 < bottom]
        self._ocr_range(index, *_snap(self.layout(index).bands, top, bottom))  # whole bands read, the lines asked for kept
        return [l for l in self._ocr[index] if top - 2 <= l.y0 < bottom]

    def lines_read(self, index: int, top: float = 0.0) -> list[Line]:
        """The page's lines whose top lies below top, of those already read: no OCR more."""
        if not self.scanned(index):
            return [l for l in self._text[index] if top - 2 <= l.y0]
        return [l for l in self._ocr.get(index, []) if top - 2 <= l.y0]

    def without_signature_boxes(self, index: int, lines: list[Line]) -> list[Line]:
        """The lines but those a signed signature's box draws alone on a born-digital page (stamps.without_signature_boxes)."""
        return lines if self.scanned(index) else without_signature_boxes(self.doc[index], lines, TEXT_FLAGS)

    def header(self) -> list[Line]:
        """Page 1 down to where its body starts."""
        if not self.scanned(0):
            if 0 not in self._stamps_read:
                self._stamps_read.add(0)
                marks = drawn_marks(self.doc[0], self._text[0], self._drawing[0])
                self._text[0] = sorted(self._text[0] + marks, key=lambda l: (round(l.y0 / 3), l.x0))
            return self.lines(0)
        layout = self.layout(0)
        end = layout.header_end()
        if 0 in self._stamps_read:
            return self.lines(0, 0, end)
        view = self.view(0)
        stamps = [pymupdf.Rect(b.x0, b.y0, b.x1, b.y1) for b in layout.bands if b.framed and b.y0 < end]
        boxed = boxed_marks(view, end, self.read_dpi, skip=stamps)
        # read apart: in the page's flow, a frame turns into stray letters
        self._blank[0] = stamps + [pymupdf.Rect(l.x0, l.y0, l.x1, l.y1) for l in boxed]
        self.lines(0, 0, end)
        self._stamps_read.add(0)
        self._ocr[0].extend(boxed)
        for stamp in stamps:
            line = ocr_band(view, 1, stamp, self.read_dpi)
            if line is not None:
                self._ocr[0].append(line)
        self._ocr[0].extend(red_marks(view, end, self.read_dpi))
        self._ocr[0].extend(crooked_marks(view, layout, self._ocr[0], end, self.read_dpi))
        self._ocr[0].sort(key=lambda l: (round(l.y0 / 4), l.x0))
        self._issuer_again()
        return self.lines(0, 0, end)

    def _issuer_again(self) -> None:
        """Page 1's issuer lines (the left column above "Số:") read again at ISSUER_DPI, alone (not a letter
        of the right column), each line's surer reading kept; all kept as they were when the lines come out
        otherwise (more, fewer, or beyond the middle)."""
        lines = self._ocr.get(0, [])
        left = [l for l in lines if l.left_half and l.rel_y < 0.3]
        stop = number_line_index(left)
        above = [l for l in left[:stop] if sum(c.isalpha() for c in l.text) >= 2  # not a speck read ":",
                 and not is_whole_mark(l.text)] if stop else []  # nor a stamp beside the number
        if not above:
            return
        view = self.view(0)
        area = pymupdf.Rect(min(l.x0 for l in above) - 12, min(l.y0 for l in above) - 6,
                            max(l.x1 for l in above) + 12, max(l.y1 for l in above) + 6)
        beside = [l.x0 for l in lines if not l.left_half and l.y0 < area.y1 and l.y1 > area.y0]
        area.x1 = min([area.x1, *(x - 2 for x in beside)])  # not a letter of the motto's column
        again = ocr_region(view, 1, area, ISSUER_DPI, seal=False)
        if len(again) != len(above) or not all(l.left_half for l in again):
            return
        kept = [new if (new.confidence or 0) >= (old.confidence or 0) else old for old, new in zip(above, again, strict=True)]
        replaced = {id(l) for l in above}
        self._ocr[0] = sorted([l for l in lines if id(l) not in replaced] + kept, key=lambda l: (round(l.y0 / 4), l.x0))

    def closing(self, index: int) -> list[Line]:
        """The page below its last body row: where the recipient block and signer stand, two columns
        read apart (Tesseract run over both at once merges lines of one with the other's seal)."""
        if not self.scanned(index):
            return self.lines(index)
        start = self.layout(index).closing_start()
        self._ocr_range(index, start, self.doc[index].rect.height, columns=True)
        return self.lines(index, start)

    def whole(self, index: int) -> list[Line]:
        """The whole page, when its closing part was misjudged: what is not read yet read as a closing part
        is, in two columns where it has them (read across, a block's lines and the signer's came out as
        letters of nothing: realpdf 009)."""
        if not self.scanned(index):
            return self.lines(index)
        height = self.doc[index].rect.height
        layout = self.layout(index)
        for start, end in _uncovered(self._read.get(index, []), 0, height):
            stop = _columns_ending(layout, start, end)
            first, split, gap = _two_columns(layout, start, stop)
            if gap is None:
                self._ocr_range(index, start, end)
                continue
            # the body's rows above the columns are left unread, and not marked read: "Như Điều 3" may want them
            if split > first:
                self._ocr_piece(index, first, split, None)
            self._ocr_piece(index, split, stop, gap)
            if stop < end:
                self._ocr_range(index, stop, end)
        self._ocr.setdefault(index, []).sort(key=lambda l: (round(l.y0 / 4), l.x0))
        return self.lines_read(index)

    def top(self, index: int) -> list[Line]:
        """The page above its first body row: where a recipient block carried over continues."""
        if not self.scanned(index):
            return self.lines(index)
        layout = self.layout(index)
        first_body = next((b.y0 for b in layout.bands if layout.is_body(b)), layout.height)
        self._ocr_range(index, 0, first_body, columns=True)
        return self.lines(index, 0, first_body)

    # NĐ 30/2020 Phụ lục I: the motto (Quốc hiệu và Tiêu ngữ) heads the first page of a document, and only that
    def opens_a_document(self, index: int) -> bool:
        """Whether the page is the first of another document bound behind the first (a proposal's draft, a
        report's annex issued on its own): both lines of the motto at its head, the Quốc hiệu over "Độc lập -
        Tự do - Hạnh phúc" (a body's line starting "Độc lập" is none), or a Party body's "ĐẢNG CỘNG SẢN VIỆT NAM"
        (is_motto_head). On a scan, only a head that does not start with body text has its right part read: a
        page of body text costs no OCR."""
        if index not in self._opening:
            self._opening[index] = self._opens_a_document(index)
        return self._opening[index]

    def head_marks(self, index: int) -> tuple[list[Line], list[Line]]:
        """The left column of a scanned page's head (where another document bound behind the first has its issuer,
        number and marks, no lower than HEAD_MARKS_BAND of the page): (the stamps found in their frames or in red
        ink and read apart, read as marks; the lines read around them, where red ink fades as page 1's does)."""
        view = self.view(index)
        end = min(self.layout(index).header_end(), view.rect.height * HEAD_MARKS_BAND)
        boxed = boxed_marks(view, end, self.read_dpi, skip=[], page_number=index + 1)
        boxed += red_marks(view, end, self.read_dpi, page_number=index + 1)
        left = pymupdf.Rect(0, 0, view.rect.width * MARKS_COLUMN, end)
        blank = [pymupdf.Rect(l.x0, l.y0, l.x1, l.y1) for l in boxed]
        self.ocr_used = True
        read = ocr_region(view, index + 1, left, self.read_dpi, seal=False, blank=blank)
        # a stamp put on crooked there, as on page 1 (red team 50: 6° off, the second document's secret registered)
        boxed += crooked_marks(view, self.layout(index), read + boxed, end, self.read_dpi, page_number=index + 1)
        return boxed, read

    def drawn_head_marks(self, index: int) -> list[Line]:
        """The marks a born-digital later page opening another document draws (a stamp's picture) under its number
        or above its issuer, read as page 1's are."""
        self.scanned(index)
        return drawn_marks(self.doc[index], self._text[index], self._drawing[index], page_number=index + 1)

    def stamps_at_head(self, index: int) -> list[Line]:
        """A scanned later page's stamps standing alone in their frames in the left part of its head (a band whose
        ends are a frame's sides, of a stamp's size; its rows are known already), each read alone in the green
        channel: a "MẬT" stamped on an annex page that opens no document; and its head's rows of red ink (a stamp
        with no frame), read so."""
        layout = self.layout(index)
        bands = [pymupdf.Rect(b.x0, b.y0, b.x1, b.y1) for b in layout.bands
                 if b.framed and b.y1 < layout.height * HEAD_MARKS_BAND and b.x1 < layout.width * MARKS_COLUMN
                 and FRAME_LOW <= b.y1 - b.y0 <= STAMP_HEIGHT and b.x1 - b.x0 <= FRAME_WIDEST]
        view = self.view(index)
        red = red_marks(view, layout.height * HEAD_MARKS_BAND, self.read_dpi, page_number=index + 1)
        self.ocr_used = self.ocr_used or bool(bands or red)
        framed = [ocr_band(view, index + 1, band, self.read_dpi, red_ink=True) for band in bands]
        return red + [line for line in framed if line is not None]

    def _opens_a_document(self, index: int) -> bool:
        page = self.doc[index]
        if page.rect.width > LARGEST_PAGE or page.rect.height > LARGEST_PAGE:
            return False  # no document's page (never rendered for what is read of the file)
        band = page.rect.height * MOTTO_BAND
        if not self.scanned(index):
            return is_motto_head(self.lines(index, 0, band))
        top = [b for b in self.layout(index).bands if b.y0 < band]
        if not top or sum(self.layout(index).is_body(b) for b in top[:3]) >= 2:
            return False  # a page that starts with body text (a header's first row, issuer and motto, can pass for one)
        head = pymupdf.Rect(page.rect.width * 0.4, 0, page.rect.width, band)
        self.ocr_used = True
        return is_motto_head(ocr_region(self.view(index), index + 1, head, self.read_dpi))

    def _ocr_range(self, index: int, top: float, bottom: float, *, columns: bool = False) -> None:
        """OCR what of the range has not been read; with `columns`, the two sides of the widest
        gap near the middle each on its own."""
        layout = self.layout(index)
        top, bottom = _snap(layout.bands, top, bottom)
        done = self._read.setdefault(index, [])
        lines = self._ocr.setdefault(index, [])
        for start, end in _uncovered(done, top, bottom):
            pieces: list[tuple[float, float, float | None]] = [(start, end, None)]
            if columns:
                first, split, gap = _two_columns(layout, start, end)
                if gap is not None:  # the body's last lines above: not needed here, nor read later
                    done.append((start, first))
                    pieces = ([(first, split, None)] if split > first else []) + [(split, end, gap)]
            for piece_start, piece_end, piece_gap in pieces:
                self._ocr_piece(index, piece_start, piece_end, piece_gap)
        lines.sort(key=lambda l: (round(l.y0 / 4), l.x0))

    def _ocr_piece(self, index: int, start: float, end: float, gap: float | None) -> None:
        """OCR rows start to end of a page: whole, or the two sides of `gap` each on its own."""
        layout = self.layout(index)
        self._read.setdefault(index, []).append((start, end))
        if not any(start <= b.y0 < end and b.y1 - b.y0 >= 4 for b in layout.bands):
            return  # blank, or a speck
        page = self.view(index)
        self.ocr_used = True
        in_header = index == 0 and start < layout.header_end()  # the date's column: no seal there
        if gap is None:
            clips = [pymupdf.Rect(0, start, page.rect.width, end)]
        else:
            clips = [pymupdf.Rect(0, start, gap, end), pymupdf.Rect(gap, start, page.rect.width, end)]
        for clip in clips:
            self._ocr.setdefault(index, []).extend(ocr_region(page, index + 1, clip, self.read_dpi, seal=not in_header,
                                                              blank=self._blank.get(index, [])))


def mostly_image(page: pymupdf.Page, lines: list[Line], log: DrawingLog) -> bool:
    """Whether images cover most of the page and its text layer only a few words of them. The images'
    places are those the drawing log holds (pictures and stencil masks, a seal's included: the same
    boxes as PyMuPDF's image information on every page of the corpus, without drawing the page again
    and decoding its pictures for it)."""
    images = [rect for d in log if d.kind in ("fill-image", "fill-imgmask")
              if not (rect := pymupdf.Rect(d.box) & page.rect).is_empty]
    if not images:
        return False
    image_area = min(sum(r.get_area() for r in images), page.rect.get_area())
    if image_area < IMAGE_PAGE * page.rect.get_area():
        return False
    text_area = sum((pymupdf.Rect(l.x0, l.y0, l.x1, l.y1) & r).get_area() for l in lines for r in images)
    return text_area < FEW_WORDS * image_area


def _two_columns(layout: PageLayout, start: float, end: float) -> tuple[float, float, float | None]:
    """Where in the range two columns may begin (the first row with a gap near the middle: the lines
    above it cross the middle, the body's), where they do begin, and the x of the gap between them;
    (end, end, None) when they never do. A row with a gap that no column below keeps (a paragraph's
    short last row above the closing part, corpus 025) is not where they begin: the rows below are
    looked at, and the rows between are read whole."""
    first: float | None = None
    for band in layout.bands:
        if band.y1 <= start or band.y0 >= end or (first is not None and band.y1 - band.y0 < TEXT_ROW):
            continue  # below the first, only rows of text (a scan's specks at the foot are no columns)
        if layout.column_gap(band.y0, band.y1) is not None:
            split = max(start, band.y0 - 1)
            first = split if first is None else first
            gap = layout.column_gap(split, end)
            if gap is not None:
                return first, split, gap
    return end, end, None


def _columns_ending(layout: PageLayout, start: float, end: float) -> float:
    """Where two columns that begin in the range stop keeping their gap (the foot of a page whose closing
    part was misjudged: a name or specks across the middle below it); end when they keep it, or never begin."""
    _, split, gap = _two_columns(layout, start, end)
    if gap is not None:
        return end
    for band in sorted((b for b in layout.bands if start < b.y1 <= end), key=lambda b: -b.y1):
        if band.y1 - band.y0 >= TEXT_ROW and _two_columns(layout, start, band.y1)[2] is not None:
            return band.y1 + 1
    return end


def _snap(bands: list[Band], top: float, bottom: float) -> tuple[float, float]:
    """Widen a range so that it does not cut a band of ink in two."""
    for band in bands:
        if band.y0 < top < band.y1:
            top = band.y0 - 1
        if band.y0 < bottom < band.y1:
            bottom = band.y1 + 1
    return max(top, 0.0), bottom


def _uncovered(done: list[tuple[float, float]], top: float, bottom: float) -> list[tuple[float, float]]:
    parts = [(top, bottom)]
    for start, end in done:
        next_parts = []
        for a, b in parts:
            if end <= a or start >= b:
                next_parts.append((a, b))
                continue
            if a < start:
                next_parts.append((a, start))
            if end < b:
                next_parts.append((end, b))
        parts = next_parts
    return [(a, b) for a, b in parts if b - a > 3]
