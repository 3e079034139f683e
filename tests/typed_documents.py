"""The first page of a document set as NĐ 30/2020 Phụ lục I sets it, for the type and summary tests:
the issuer (its parent regular, itself bold) and "Số:" on the left, the motto and the italic place and
date on the right, then either the type line (capitals, bold, centred) with the summary under it
(bold, centred, as many lines as given; set at 13 or 12 pt, or wrapped again, where a line is wider
than the text area) and a short rule, or, for a letter, "V/v …" under the number; then the body's
first lines. Times New Roman's metric twin Liberation Serif 2 when installed (the 1.x fonts in
/usr/share/fonts/truetype/liberation have no Vietnamese letters but the basic ones), else the DejaVu
Serif of the demo's documents; 12–14 pt."""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from pathlib import Path

import pymupdf

from gateway.demo.documents import wrap_words
from gateway.fonts import FontMissing, liberation_serif

PAGE_W, PAGE_H = 595.0, 842.0  # A4
LEFT, RIGHT, TOP = 85.0, 538.0, 60.0  # margins 30 mm left, 20 mm right, 20 mm top
LEFT_COL, RIGHT_COL = 175.0, 395.0  # centres of the two header columns
LETTER_COLUMN = 210.0  # the widest line of a letter's "V/v …" under its number
DEJAVU = {"regular": "DejaVuSerif.ttf", "bold": "DejaVuSerif-Bold.ttf", "italic": "DejaVuSerif-Italic.ttf"}


@functools.cache
def font(style: str) -> pymupdf.Font:
    return pymupdf.Font(fontfile=str(font_file(style)))


@functools.cache
def _advance(style: str, char: str) -> float:
    return font(style).glyph_advance(ord(char))  # PyMuPDF's text_length encodes every character each time


@functools.cache
def font_file(style: str) -> Path:
    """Liberation Serif 2 when installed, else DejaVu Serif (both write every Vietnamese letter)."""
    try:
        return liberation_serif(style)
    except FontMissing:
        path = Path("/usr/share/fonts/truetype/dejavu") / DEJAVU[style]
        if path.is_file():
            return path
        if style == "italic":  # fonts-dejavu-core has no italic
            return font_file("regular")
        raise FileNotFoundError(f"{path}: install fonts-liberation2 (or fonts-dejavu-core)") from None


@dataclass(frozen=True)
class Heading:
    issuer: str
    number: str
    summary: list[str]  # the summary's lines as printed
    type: str | None = None  # the type line as printed (set in capitals); None: a letter, "V/v …" under its number
    issuer_parent: str | None = None
    number_label: str = "Số"  # "Luật số" (a Luật, Pháp lệnh, Nghị quyết of the Quốc hội: NĐ 34/2016 Phụ lục I)
    place: str = "Hà Nội"
    date: tuple[int, int, int] | None = (20, 11, 2026)  # day, month, year; None: no date line (a Luật)
    authority: str | None = None  # the line of the issuing authority under the summary ("CHÍNH PHỦ")
    body: list[str] = field(default_factory=lambda: [
        "Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015;",
        "Căn cứ Nghị định số 30/2020/NĐ-CP ngày 05 tháng 3 năm 2020 của Chính phủ về công tác văn thư;",
    ])
    size: float = 14  # the type line's and the body's size; the summary's is the same
    rule: bool = True  # the short rule and the space under the summary (False: the next line right under it)


class _Page:
    def __init__(self) -> None:
        self.doc = pymupdf.open()
        self.page = self.doc.new_page(width=PAGE_W, height=PAGE_H)
        self.fonts = {style: font(style) for style in DEJAVU}  # the styles used: regular, bold, italic
        self.writer = pymupdf.TextWriter(self.page.rect)  # embeds each font once, whole, as Unicode

    def width(self, text: str, size: float, style: str) -> float:
        return size * sum(_advance(style, c) for c in text)

    def text(self, text: str, y: float, size: float, style: str = "regular", *, center: float | None = None,
             x: float = LEFT) -> tuple[float, float]:
        if center is not None:
            x = center - self.width(text, size, style) / 2
        self.writer.append((x, y), text, font=self.fonts[style], fontsize=size)
        return x, x + self.width(text, size, style)

    def rule(self, x0: float, x1: float, y: float) -> None:
        self.page.draw_line((x0, y), (x1, y), width=0.6)

    def wrap(self, text: str, width: float, size: float, style: str = "regular") -> list[str]:
        return wrap_words(text, lambda line, _: self.width(line, size, style) <= width)


def _fit(p: _Page, lines: list[str], sizes: list[float], width: float, style: str) -> tuple[float, list[str]]:
    """The lines at the largest of the sizes they fit the width at; failing that, wrapped again at the
    smallest, as a word processor would."""
    for size in sizes:
        if all(p.width(line, size, style) <= width for line in lines):
            return size, lines
    return sizes[-1], p.wrap(" ".join(lines), width, sizes[-1], style)


def render_heading(heading: Heading) -> bytes:
    """A born-digital one-page PDF of the heading and the body's first lines."""
    p = _Page()
    size = heading.size
    y = TOP + 13
    if heading.issuer_parent:
        for part in p.wrap(heading.issuer_parent, 200, 13):
            p.text(part, y, 13, center=LEFT_COL)
            y += 15
    issuer_end = y
    for part in p.wrap(heading.issuer, 200, 13, "bold"):
        p.text(part, y, 13, "bold", center=LEFT_COL)
        issuer_end = y
        y += 15
    p.rule(LEFT_COL - 30, LEFT_COL + 30, issuer_end + 5)
    p.text("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", TOP + 13, 12, "bold", center=RIGHT_COL)
    x0, x1 = p.text("Độc lập - Tự do - Hạnh phúc", TOP + 28, 13, "bold", center=RIGHT_COL)
    p.rule(x0, x1, TOP + 32)
    y = max(y, TOP + 45) + 12
    p.text(f"{heading.number_label}: {heading.number}", y, 13, center=LEFT_COL)
    if heading.date is not None:
        day, month, year = heading.date
        p.text(f"{heading.place}, ngày {day:02d} tháng {month:02d} năm {year}", y, 14, "italic", center=RIGHT_COL)
    y += 17
    if heading.type is None:
        for line in _fit(p, heading.summary, [12], LETTER_COLUMN, "regular")[1]:
            p.text(line, y, 12, center=LEFT_COL)
            y += 14
        y += 18
    else:
        y += 22
        p.text(heading.type.upper(), y, size, "bold", center=PAGE_W / 2)
        y += size * 1.2
        widest = 0.0
        summary_size, lines = _fit(p, heading.summary, [size, 13, 12], RIGHT - LEFT, "bold")
        for line in lines:
            x0, x1 = p.text(line, y, summary_size, "bold", center=PAGE_W / 2)
            widest = max(widest, x1 - x0)
            y += size * 1.2
        if heading.rule:
            rule = min(widest, 180) / 2
            p.rule(PAGE_W / 2 - rule / 2, PAGE_W / 2 + rule / 2, y - size * 1.2 + 5)
            y += size * 1.2
    if heading.authority:
        p.text(heading.authority, y, size, "bold", center=PAGE_W / 2)
        y += size * 2
    for paragraph in heading.body:
        for number, line in enumerate(p.wrap(paragraph, RIGHT - LEFT - 28, size)):
            p.text(line, y, size, x=LEFT + (28 if number == 0 else 0))
            y += size * 1.3
            if y > PAGE_H - 70:
                break
        y += 6
        if y > PAGE_H - 70:
            break
    p.writer.write_text(p.page)
    p.doc.subset_fonts()
    data = p.doc.tobytes(garbage=3, deflate=True)
    p.doc.close()
    return data
