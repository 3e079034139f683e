"""The incoming register laid out for print (NĐ 30/2020 Phụ lục IV): A4 landscape, a cover, then the
ten columns with their headings on every page, in Liberation Serif (Times New Roman's metrics, with
every Vietnamese letter), embedded. Laid out by MuPDF's HTML engine (pymupdf.Story): each page is
the headings and the lines that fit under them; the next page starts at the first line left out."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from html import escape
from io import BytesIO
from pathlib import Path

import pymupdf

from gateway.fonts import liberation_serif
from registry.printed import COLUMNS, TITLE, Cell, Cover, PrintedLine, PrintedRegister

PAGE = pymupdf.paper_rect("a4-l")
BODY = PAGE + (56, 40, -42, -48)  # margins: 20 mm left (the binding), 15 mm right, 14 mm top, 17 mm bottom
FOOT = pymupdf.Rect(BODY.x0, BODY.y1 + 12, BODY.x1, PAGE.y1 - 12)
WIDTHS = (54, 36, 96, 72, 54, 188, 66, 50, 48, 80)  # points, one a column, the body's width in all
CELL_EDGES = 4.6  # a cell's padding and border, within its width
LINES_A_CELL = 30  # a cell's text is cut (ending "…") past as many lines of it: a line always fits on a page
LINES_TRIED = 36  # the lines offered to a page: more than it holds (28 of one text line each)

CSS = """
@font-face {font-family: serif; src: url(LiberationSerif-Regular.ttf);}
@font-face {font-family: serif; src: url(LiberationSerif-Bold.ttf); font-weight: bold;}
@font-face {font-family: serif; src: url(LiberationSerif-Italic.ttf); font-style: italic;}
body {margin: 0; font-family: serif; font-size: 10pt;}
table {border-collapse: collapse;}
th, td {border: 0.6pt solid black; padding: 2pt; vertical-align: top;}
th {font-weight: bold; text-align: center; vertical-align: middle;}
td.n, td.d {text-align: center;}
tr.numbers th {font-weight: normal; font-style: italic; font-size: 9pt;}
p.head {margin: 0 0 5pt 0; font-size: 9pt; font-style: italic;}
p.foot {margin: 0; font-size: 9pt; text-align: center;}
div.cover {text-align: center; font-size: 15pt; padding-top: 60pt;}
div.cover p {margin: 0 0 12pt 0;}
div.cover p.agency {font-weight: bold; margin-bottom: 110pt;}
div.cover p.title {font-weight: bold; font-size: 28pt; margin-bottom: 30pt;}
"""


def font_folder() -> Path:
    """The folder of Liberation Serif 2, whose files the CSS names."""
    return liberation_serif().parent


def render_pdf(register: PrintedRegister) -> bytes:
    """The cover, then the table's pages."""
    archive = pymupdf.Archive(str(font_folder()))
    out = BytesIO()
    writer = pymupdf.DocumentWriter(out)
    _page(writer, archive, _cover_html(register.cover), None)
    rows, first, page = [_line_html(line) for line in register.lines], 0, 1
    while True:
        placed = _page(writer, archive, _table_html(register.cover, rows[first:first + LINES_TRIED]), page)
        if first < len(rows) and not placed:
            raise AssertionError(f"line {register.lines[first].number} taller than a page")  # LINES_A_CELL forbids it
        first, page = first + placed, page + 1
        if first >= len(rows):
            break
    writer.close()
    return _shared_fonts(out.getvalue())


def _shared_fonts(pdf: bytes) -> bytes:
    """Each page's layout embeds the fonts anew: one copy of each, cut to the glyphs used."""
    with pymupdf.open(stream=pdf, filetype="pdf") as doc:
        doc.subset_fonts()
        return doc.tobytes(garbage=4, deflate=True)


def _page(writer: pymupdf.DocumentWriter, archive: pymupdf.Archive, html: str, number: int | None) -> int:
    """One page of `html` (as much of it as fits), its number at the foot: the table's lines placed whole."""
    device = writer.begin_page(PAGE)
    story = pymupdf.Story(html, user_css=CSS, archive=archive)
    story.place(BODY)
    closed: list[str] = []
    story.element_positions(lambda p: closed.append(p.id) if p.id.startswith("line") and p.open_close & 2 else None)
    story.draw(device)
    if number is not None:
        foot = pymupdf.Story(f'<p class="foot">Trang {number}</p>', user_css=CSS, archive=archive)
        foot.place(FOOT)
        foot.draw(device)
    writer.end_page()
    return len(set(closed))


def _cover_html(cover: Cover) -> str:
    rows = [
        f'<p class="agency">{escape(cover.agency.upper())}</p>',
        f'<p class="title">{TITLE}</p>',
        f"<p>Năm: {cover.year}</p>",
        f"<p>Từ ngày {_day(cover.first_day) or '…'} đến ngày {_day(cover.last_day) or '…'}</p>",
        f"<p>Từ số {cover.first_number or '…'} đến số {cover.last_number or '…'}</p>",
        f"<p>Quyển số: {cover.volume}</p>",
    ]
    if cover.closed_at is not None:
        rows.append(f"<p><i>Khóa sổ ngày {_day(cover.closed_at.date())}</i></p>")
    return f'<div class="cover">{"".join(rows)}</div>'


def _table_html(cover: Cover, rows: Sequence[str]) -> str:
    headings = "".join(f'<th style="width: {w - CELL_EDGES}pt">{escape(c)}</th>' for c, w in zip(COLUMNS, WIDTHS, strict=True))
    numbers = "".join(f"<th>({i})</th>" for i in range(1, len(COLUMNS) + 1))
    body = "".join(rows)
    head = f'<p class="head">{TITLE} năm {cover.year} — {escape(cover.agency)}</p>'
    return f'{head}<table><tr>{headings}</tr><tr class="numbers">{numbers}</tr>{body}</table>'


def _line_html(line: PrintedLine) -> str:
    classes = ("d", "n", "", "", "d", "", "", "d", "", "")
    cells = "".join(f'<td class="{k}">{escape(_cut(_text(c), w))}</td>'
                    for c, k, w in zip(line.cells(), classes, WIDTHS, strict=True))
    return f'<tr id="line{line.number}">{cells}</tr>'


def _text(cell: Cell) -> str:
    if isinstance(cell, date):
        return _day(cell)
    return "" if cell is None else str(cell)


def _cut(text: str, width: float) -> str:
    """At most LINES_A_CELL lines of the column's width (a character 5 pt wide on average, at 10 pt)."""
    most = int(width / 5 * LINES_A_CELL)
    return text if len(text) <= most else text[:most - 1] + "…"


def _day(day: date | None) -> str:
    return f"{day:%d/%m/%Y}" if day else ""
