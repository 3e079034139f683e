"""Official documents laid out as NĐ 30/2020 Phụ lục I prescribes, born-digital or scanned.

Used by the demo, and by the tests and the benchmarks through tests/kit, to make realistic
documents: the two-column header (issuer left, motto right, rules under both), number, boxed marks,
type and summary, full justified body pages, the recipient block bottom left beside the signer (with
a seal over the title), and scans of those pages as a scanner gives them (greyscale, slightly
skewed, JPEG-compressed).
"""

from __future__ import annotations

from collections.abc import Callable

import functools
import hashlib
import io
import random
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pymupdf

FONT_DIRS = [Path("/usr/share/fonts/truetype/dejavu")]
PAGE_W, PAGE_H = 595.0, 842.0  # A4
LEFT, RIGHT, TOP, BOTTOM = 80.0, 545.0, 56.0, 800.0  # text area (NĐ 30/2020: 30-35 mm left, 15-20 mm right)
LEFT_COL, RIGHT_COL = 150.0, 410.0
BLOCK_WIDTH = 215.0  # the recipient block's cell, left of the signer's  # centres of the two header columns

FILLER = (
    "Để triển khai có hiệu quả công tác văn thư, lưu trữ trên địa bàn tỉnh, các cơ quan, đơn vị "
    "quán triệt đầy đủ các quy định về tiếp nhận, xử lý, phát hành và quản lý văn bản điện tử; "
    "bố trí công chức làm công tác văn thư kiểm tra hộp thư điện tử công vụ ít nhất hai lần trong "
    "ngày làm việc, cập nhật kịp thời vào sổ đăng ký văn bản đến và báo cáo lãnh đạo đơn vị những "
    "văn bản có dấu chỉ mức độ khẩn để chỉ đạo giải quyết đúng thời hạn quy định."
)


VIETNAMESE_LIMIT = 0x1F00  # past ỹ (U+1EF9), the last Vietnamese letter


def font_file(bold: bool) -> Path:
    name = "DejaVuSerif-Bold.ttf" if bold else "DejaVuSerif.ttf"
    for directory in FONT_DIRS:
        if (directory / name).is_file():
            return directory / name
    raise FileNotFoundError(f"{name}: install fonts-dejavu-core (scripts/setup does)")


@dataclass
class DocumentSpec:
    issuer: str = "SỞ TƯ PHÁP"
    issuer_parent: str | None = "UBND TỈNH BẮC GIANG"
    number: str = "123/STP-VP"
    place: str = "Bắc Giang"
    date: tuple[int, int, int] | None = (20, 11, 2026)  # day, month, year; None: left blank
    type: str | None = None  # None: a letter (Công văn) with its "V/v" summary in the header
    summary: str = "V/v triển khai công tác văn thư năm 2027"
    urgency: str | None = None
    secrecy: str | None = None
    marks_colour: tuple[float, float, float] = (0.0, 0.0, 0.0)  # of the urgency and secrecy stamps (rubber stamps: red)
    marks_framed: bool = True  # a stamp's frame round the mark (some stamps have none)
    kinh_gui: list[str] = field(default_factory=list)
    body: list[str] = field(default_factory=lambda: [
        "Thực hiện Quyết định số 133/2015/QĐ-UBND của UBND tỉnh về gửi, nhận văn bản điện tử, "
        "đề nghị các cơ quan, đơn vị triển khai các nội dung sau đây.",
    ])
    filler_paragraphs: int = 0  # paragraphs of ordinary text before the body, to fill pages as real ones do
    recipients: list[str] = field(default_factory=lambda: [
        "Nơi nhận:", "- Như trên;", "- Lưu: VT, VP.", "Bản điện tử:", "- Sở Nội vụ;", "- UBND các huyện, thành phố.",
    ])
    block_at: float | None = None  # y where the recipient block starts (near the bottom: it splits over a page)
    signer_title: list[str] = field(default_factory=lambda: ["KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC"])
    signer: str = "Nguyễn Văn An"
    seal: bool = True  # the red seal over the left part of the signer's title
    appendix: list[str] = field(default_factory=list)  # paragraphs of a regulation issued with it, after the signature


_WIDTHS: dict[bool, dict[str, Any]] = {}  # a font's info as pymupdf keeps it


def _known_widths(doc: pymupdf.Document, xref: int, bold: bool) -> None:
    """The font's glyph widths up to Vietnamese's last letter, measured once per process: PyMuPDF
    would measure the whole font again in every document, each time a higher code point appears."""
    known = [info for info in doc.FontInfos if info[0] == xref]  # insert_font measured the first 256
    if known and len(known[0][1]["glyphs"] or []) >= VIETNAMESE_LIMIT:
        return  # the font of an earlier page
    if bold in _WIDTHS:
        doc.FontInfos[:] = [info for info in doc.FontInfos if info[0] != xref] + [[xref, dict(_WIDTHS[bold])]]
        return
    doc.get_char_widths(xref, limit=VIETNAMESE_LIMIT)
    _WIDTHS[bold] = dict(next(info[1] for info in doc.FontInfos if info[0] == xref))


@functools.cache
def _font(bold: bool) -> pymupdf.Font:
    return pymupdf.Font(fontfile=str(font_file(bold)))


@functools.lru_cache(maxsize=1 << 16)
def _text_width(text: str, size: float, bold: bool) -> float:  # the same words in every document: measured once
    return _font(bold).text_length(text, fontsize=size)


_PACKED: dict[bytes, bytes] = {}  # an embedded font file's bytes, by their SHA-256, deflated


def packed_fonts(doc: pymupdf.Document) -> None:
    """The embedded font files (Liberation Serif, 350 KB each) deflated once a process and set in place: MuPDF deflated
    them again at every document's save, 35 of the 55 ms a laid-out document took (the same file, the same bytes)."""
    for xref in range(1, doc.xref_length()):
        if (doc.xref_is_stream(xref) and doc.xref_get_key(xref, "Length1")[0] == "int"
                and doc.xref_get_key(xref, "Filter")[0] == "null"):
            raw = doc.xref_stream_raw(xref)
            key = hashlib.sha256(raw).digest()
            packed = _PACKED.get(key)
            if packed is None:
                packed = _PACKED[key] = zlib.compress(raw)
            doc.update_stream(xref, packed, compress=0)
            doc.xref_set_key(xref, "Filter", "/FlateDecode")


class _Writer:
    def __init__(self) -> None:
        self.doc = pymupdf.open()
        self._shapes: dict[int, pymupdf.Shape] = {}
        self.page: pymupdf.Page = self.new_page()

    def _shape(self, page: pymupdf.Page) -> pymupdf.Shape:
        """The page's lines so far, written into it together (`Page.insert_text` wrote each line with a shape of its
        own, counting the page's whole content again each time: a document's layout was quadratic in its lines)."""
        if page.number not in self._shapes:
            self._shapes[page.number] = page.new_shape()
        return self._shapes[page.number]

    def flush(self, page: pymupdf.Page) -> None:
        """The page's lines so far written into it: what is drawn next goes over them."""
        if page.number in self._shapes:
            self._shapes.pop(page.number).commit()

    def _write_all(self) -> None:
        for number in sorted(self._shapes):
            self.flush(self.doc[number])

    def pdf(self) -> bytes:
        self._write_all()
        packed_fonts(self.doc)
        data = self.doc.tobytes(garbage=3, deflate=True)
        self.doc.close()
        return data

    def new_page(self) -> pymupdf.Page:
        self._write_all()  # a new page ends the Page objects (and shapes) of the pages before it
        self.page = self.doc.new_page(width=PAGE_W, height=PAGE_H)
        for name, bold in (("vn", False), ("vnb", True)):
            xref = self.page.insert_font(fontname=name, fontfile=str(font_file(bold)))
            _known_widths(self.doc, xref, bold)
        return self.page

    def width(self, text: str, size: float, bold: bool = False) -> float:
        return _text_width(text, size, bold)

    def text(self, x: float, y: float, text: str, *, bold: bool = False, size: float = 13,
             center: float | None = None, page: pymupdf.Page | None = None,
             colour: tuple[float, float, float] = (0.0, 0.0, 0.0)) -> tuple[float, float]:
        """Write one line at baseline y; returns its left and right x."""
        if center is not None:
            x = center - self.width(text, size, bold) / 2
        self._shape(page or self.page).insert_text((x, y), text, fontname="vnb" if bold else "vn", fontsize=size,
                                                   color=colour)
        return x, x + self.width(text, size, bold)

    def paragraph(self, y: float, text: str, size: float = 13, indent: float = 28) -> float:
        """A justified paragraph from y, breaking pages as it goes; returns the next baseline."""
        words = text.split()
        lines: list[list[str]] = []
        current: list[str] = []
        limit = RIGHT - LEFT
        for word in words:
            trial = " ".join(current + [word])
            first = not lines
            if current and self.width(trial, size) > limit - (indent if first else 0):
                lines.append(current)
                current = [word]
            else:
                current.append(word)
        lines.append(current)
        for index, line_words in enumerate(lines):
            if y > BOTTOM:
                self.new_page()
                y = TOP + 14
            x0 = LEFT + (indent if index == 0 else 0)
            last = index == len(lines) - 1
            if last or len(line_words) == 1:
                self.text(x0, y, " ".join(line_words), size=size)
            else:
                natural = sum(self.width(w, size) for w in line_words)
                gap = (RIGHT - x0 - natural) / (len(line_words) - 1)
                x = x0
                for number, word in enumerate(line_words):  # each word with its space, as word processors write
                    self.text(x, y, word if number == len(line_words) - 1 else word + " ", size=size)
                    x += self.width(word, size) + gap
            y += size * 1.45
        return y + 4


def wrap_words(text: str, fits: Callable[[str, int], bool]) -> list[str]:
    """Words filled into lines as a word processor breaks them: a word joins the last line while
    `fits(the line with it, that line's index)` says so, else it begins the next."""
    lines: list[str] = []
    for word in text.split():
        if lines and fits(lines[-1] + " " + word, len(lines) - 1):
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines


def _wrap(text: str, width: int) -> list[str]:
    """Split a heading into lines of at most `width` characters, at spaces."""
    return wrap_words(text, lambda line, _: len(line) <= width) or [text]


def _wrap_to(w: _Writer, text: str, width: float, size: float, bold: bool) -> list[str]:
    """Split a line to fit a width, as a word processor wraps an entry in its table cell."""
    return wrap_words(text, lambda line, _: w.width(line, size, bold) <= width) or [text]


def _header(w: _Writer, spec: DocumentSpec) -> float:
    """The two header columns, number, date, marks, and the summary of a letter; returns the next y."""
    y = TOP + 12
    if spec.issuer_parent:
        w.text(0, y, spec.issuer_parent, size=12, center=LEFT_COL)
        y += 17
    rule_y = y
    for part in _wrap(spec.issuer, 24):
        w.text(0, y, part, bold=True, size=12, center=LEFT_COL)
        rule_y = y
        y += 17
    w.page.draw_line((LEFT_COL - 30, rule_y + 5), (LEFT_COL + 30, rule_y + 5), width=0.6)
    w.text(0, TOP + 12, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", bold=True, size=12, center=RIGHT_COL)
    x0, x1 = w.text(0, TOP + 29, "Độc lập - Tự do - Hạnh phúc", bold=True, size=13, center=RIGHT_COL)
    w.page.draw_line((x0, TOP + 34), (x1, TOP + 34), width=0.6)
    y = max(y, TOP + 46) + 12
    w.text(0, y, f"Số: {spec.number}", size=12, center=LEFT_COL)
    if spec.date:
        day, month, year = spec.date
        date_text = f"{spec.place}, ngày {day:02d} tháng {month:02d} năm {year}"
    else:
        date_text = f"{spec.place}, ngày      tháng      năm 2026"
    w.text(0, y, date_text, size=12, center=RIGHT_COL + 5)
    y += 17
    if spec.type is None:
        for part in _wrap(spec.summary, 40):
            w.text(0, y, part, size=12, center=LEFT_COL)
            y += 15
    for mark in (spec.urgency, spec.secrecy):
        if mark:
            y += 10
            x0, x1 = w.text(0, y, mark.upper(), bold=True, size=13, center=LEFT_COL, colour=spec.marks_colour)
            if spec.marks_framed:
                w.page.draw_rect(pymupdf.Rect(x0 - 6, y - 14, x1 + 6, y + 5), width=1.2, color=spec.marks_colour)
            y += 22
    return max(y, TOP + 100) + 22


def render_document(spec: DocumentSpec) -> bytes:
    """A born-digital PDF of the document."""
    w = _Writer()
    y = _header(w, spec)
    if spec.type is not None:
        w.text(0, y, spec.type.upper(), bold=True, size=14, center=PAGE_W / 2)
        y += 19
        for part in _wrap(spec.summary, 60):
            w.text(0, y, part, bold=True, size=13, center=PAGE_W / 2)
            y += 17
        y += 16
    if spec.kinh_gui:
        single = len(spec.kinh_gui) == 1
        w.text(0, y, "Kính gửi:" + (" " + spec.kinh_gui[0] if single else ""), size=13, center=PAGE_W / 2)
        y += 19
        if not single:
            for name in spec.kinh_gui:
                w.text(PAGE_W / 2 - 60, y, f"- {name};", size=13)
                y += 18
        y += 8
    for _ in range(spec.filler_paragraphs):
        y = w.paragraph(y, FILLER)
    for paragraph in spec.body:
        y = w.paragraph(y, paragraph)
    _closing(w, spec, y + 8)
    if spec.appendix:
        w.new_page()  # the appendix starts on a page of its own
        y = TOP + 14
        for paragraph in spec.appendix:
            y = w.paragraph(y, paragraph, indent=0 if len(paragraph) < 40 else 28)
    return w.pdf()


def _closing(w: _Writer, spec: DocumentSpec, y: float) -> None:
    """The recipient block bottom left and the signer bottom right, both starting at the same line."""
    if spec.block_at is not None:
        y = spec.block_at if spec.block_at >= y else y
    if spec.block_at is None and y + 14 * min(len(spec.recipients), 6) > BOTTOM:
        w.new_page()
        y = TOP + 14
    signer_page_number, signer_y = w.page.number, y
    for line in spec.recipients:
        heading = line.startswith("Nơi nhận")
        sub_heading = heading or (line.rstrip().endswith(":") and not line.startswith(("-", "+")))
        size = 12 if heading else 11
        for part in _wrap_to(w, line, BLOCK_WIDTH, size, sub_heading):
            if y > BOTTOM:
                w.new_page()
                y = TOP + 14
            w.text(LEFT - 8, y, part, bold=sub_heading, size=size)
            y += 14
    y = signer_y
    signer_page = w.doc[signer_page_number]
    if spec.seal:  # stamped over the title: drawn first, the black ink stays black where they cross
        centre = pymupdf.Point(RIGHT_COL - 20, y + 17 * len(spec.signer_title) + 18)
        w.flush(signer_page)
        shape = signer_page.new_shape()
        shape.draw_circle(centre, 40)
        shape.draw_circle(centre, 32)
        shape.finish(color=(0.85, 0.1, 0.1), width=2.2)
        shape.commit()
    for title in spec.signer_title:
        w.text(0, y, title, bold=True, size=13, center=RIGHT_COL + 20, page=signer_page)
        y += 17
    if y + 70 > BOTTOM + 20:  # the signer's cell breaks over the page, as the block's does
        signer_page, y = w.doc[signer_page_number + 1] if signer_page_number + 1 < len(w.doc) else w.new_page(), TOP - 20
    w.text(0, y + 70, spec.signer, bold=True, size=13, center=RIGHT_COL + 20, page=signer_page)


def scan(pdf: bytes, dpi: int = 200, *, grey: bool = True, noise: bool = True, seed: int = 1) -> bytes:
    """The same pages as a scanner gives them: image-only, no text layer; with `noise`, each page is
    turned by a fraction of a degree, speckled and JPEG-compressed, as office scanners deliver."""
    from PIL import Image, ImageFilter

    rng = random.Random(seed)
    src = pymupdf.open(stream=pdf, filetype="pdf")
    out = pymupdf.open()
    for page in src.pages():
        pix = page.get_pixmap(dpi=dpi, colorspace=pymupdf.csGRAY if grey else pymupdf.csRGB)
        if noise:
            image = Image.frombytes("L" if grey else "RGB", (pix.width, pix.height), pix.samples)  # no PNG between
            image = image.rotate(rng.uniform(-0.6, 0.6), resample=Image.Resampling.BILINEAR,
                                  fillcolor=255 if grey else (255, 255, 255))
            image = image.filter(ImageFilter.GaussianBlur(0.4))
            buffer = io.BytesIO()
            image.save(buffer, format="JPEG", quality=75)
            stream = buffer.getvalue()
        else:
            stream = pix.tobytes("png")
        target = out.new_page(width=page.rect.width, height=page.rect.height)
        target.insert_image(target.rect, stream=stream)
    data = out.tobytes(garbage=3, deflate=True)
    out.close()
    src.close()
    return data
