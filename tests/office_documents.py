"""Documents as offices make them, for the tests and bench/reading.py: laid out as NĐ 30/2020 Phụ lục I
sets them, then printed, signed in ink, stamped and scanned, or signed digitally on the scan.

- `OfficeDocument`: what a document says (particulars, "Kính gửi", body, "Nơi nhận" block), which is
  also what a reader must read from it; `corpus_document` makes one from the shared corpus's
  NNN.json and NNN.txt (corpus/documents under QLVB_SHARED, README there).
- `lay_out`: the born-digital PDF, in Times New Roman's metrics (Liberation Serif, Debian's
  fonts-liberation2; the 1.07 fonts-liberation has no Vietnamese): header in two columns (issuer left,
  motto right), number left and place and date right, type line and summary centred, 13-14 pt body,
  the block at 11 pt beside the signer, going on to the next page when it is long; pages numbered from 2.
  With `ink`, the paper after signing: a blue handwritten signature between the title and the name
  and the red seal over its left third and the title.
- `scan`: the pages as an office scanner gives them: 200 or 300 dpi, colour or greyscale, turned by
  1-2 degrees, speckled, slightly blurred, JPEG.
- `sign_scan`: a scan signed with a visible signature box at the bottom left of page 1, as Bắc Giang
  QĐ 133/2015 Đ15 asks (pyHanko, the test PKI).
"""

from __future__ import annotations

import functools
import io
import json
import math
import random
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from statistics import NormalDist
from zoneinfo import ZoneInfo

import pymupdf

from gateway.demo.documents import wrap_words
from gateway.fonts import FontMissing, liberation_serif

from gateway.model import Particulars, Recipients
from kit import DemoPki, Identity, seal_png
from vntext import fold

FONT_STYLES = {"": "regular", "b": "bold", "i": "italic", "bi": "bold-italic"}
STAMP_FONTS = [Path("/usr/share/fonts/truetype/freefont/FreeSans.ttf"), Path("/usr/share/fonts/opentype/freefont/FreeSans.otf")]

# NĐ 30/2020 Phụ lục I: A4; margins top and bottom 20-25 mm, left 30-35 mm, right 15-20 mm.
PAGE_W, PAGE_H = 595.28, 841.89
MM = 72 / 25.4
LEFT, RIGHT, TOP, BOTTOM = 30 * MM, PAGE_W - 20 * MM, 20 * MM, PAGE_H - 20 * MM
LEFT_COLUMN = (LEFT - 28, LEFT + 184)  # the header's left cell (issuer, number, "V/v"), 75 mm
RIGHT_COLUMN = (LEFT + 184, RIGHT + 6)  # the header's right cell (motto, place and date); also the signer's
BLOCK_WIDTH = 205.0  # the "Nơi nhận" cell
INDENT = 1.27 / 2.54 * 72  # a paragraph's first line: 1.27 cm


def _font_path(style: str) -> Path:
    return liberation_serif(FONT_STYLES[style])


_FONTS: dict[str, pymupdf.Font] = {}


def _font(style: str) -> pymupdf.Font:
    if style not in _FONTS:
        _FONTS[style] = pymupdf.Font(fontfile=str(_font_path(style)))
    return _FONTS[style]


@functools.lru_cache(maxsize=None)
def _advance(style: str, char: str) -> float:
    """A glyph's advance at 1 pt (Font.text_length measures a character at a time in Python)."""
    return _font(style).text_length(char, fontsize=1)


@dataclass(frozen=True)
class OfficeDocument:
    """A document as data: what is printed on it, so also what a reader must read back."""

    name: str
    issuer: str
    issuer_parent: str | None
    number: str | None  # "123/UBND-VP"; None: the line is left out
    place: str
    date: date | None  # None: "ngày    tháng    năm" left blank
    type: str  # "Công văn" for a letter (its summary under the number, starting "V/v")
    summary: str
    signer: str | None
    signer_title: tuple[str, ...]
    paper: tuple[str, ...]
    electronic: tuple[str, ...] = ()
    archive: str | None = "Lưu: VT"
    kinh_gui: tuple[str, ...] = ()
    body: tuple[str, ...] = ()
    urgency: str | None = None
    secrecy: str | None = None

    @property
    def letter(self) -> bool:
        return self.type == "Công văn"

    def particulars(self) -> Particulars:
        return Particulars(
            issuer=self.issuer, issuer_parent=self.issuer_parent, number=self.number, place=self.place,
            date=self.date.isoformat() if self.date else None, type=self.type, summary=self.summary,
            urgency=self.urgency, secrecy=self.secrecy, signer=self.signer, signer_title=list(self.signer_title),
        )

    def recipients(self) -> Recipients:
        return Recipients(paper=list(self.paper), electronic=list(self.electronic), archive=self.archive,
                          kinh_gui=list(self.kinh_gui))


# ---- the corpus -----------------------------------------------------------------------------------

# OCR's forms of "V/v" the corpus's texts keep (its README: "Viv", "VW", "W⁄%"): the paper has "V/v"
_GARBLED_VV = re.compile(r"^(?:V/v|V/V|Viv|VW|VAv|W⁄%)(?=[\s:])")
_NOT_BODY = re.compile(r"^(---|\[|!|\||#)|THƯ VIỆN PHÁP LUẬT|ThuVienPhapLuat|www\.|https?://", re.I)


def _printed(text: str) -> str:
    """A value as the paper printed it: "Ƣ" is the corpus's PDF font-mapping slip for "Ư" (README, 031)."""
    return unicodedata.normalize("NFC", text.replace("Ƣ", "Ư").replace("ƣ", "ư"))


def _body_of(text: str, record: dict, budget: int) -> tuple[str, ...]:
    """The body's paragraphs from the document's text, between the header and "Nơi nhận", up to
    `budget` characters: the text's lines (broken where its PDF broke them) joined into paragraphs
    ending in ".", ";" or ":", its page markers, watermarks and tables left out."""
    lines = [_printed(l.strip()) for l in text.splitlines()]
    end = next((i for i, l in enumerate(lines) if fold(l).startswith("NOI NHAN")), len(lines))
    head = fold(record["summary"])[:25]
    start = max([i + 1 for i, l in enumerate(lines[:end])
                 if (head and head in fold(l)) or fold(l).startswith("KINH GUI")] + [0])
    printed = [fold(v) for v in [record["summary"], *record["kinh_gui"]]]
    closing = {fold(v) for v in [*record["signer_title"], record["signer"] or ""] if v}

    def elsewhere(line: str) -> bool:
        """A line the header or the signature prints (a wrapped summary, an addressee, a title the
        text's OCR put among the body's lines)."""
        folded = fold(line).strip(" -;.")
        return folded in closing or (len(folded) >= 8 and any(folded in value for value in printed))

    paragraphs: list[str] = []
    current: list[str] = []

    def close() -> None:
        paragraph = re.sub(r"\s+", " ", " ".join(current)).strip()
        current.clear()
        heading = len(paragraph) < 60 and paragraph.upper() == paragraph and any(c.isalpha() for c in paragraph)
        if len(paragraph) >= 40 or heading:
            paragraphs.append(paragraph)

    for line in lines[start:end]:
        if _NOT_BODY.search(line) or "\t" in line or (line and elsewhere(line)):
            continue
        if line:
            current.append(line)
        if not line or line.endswith((".", ";", ":")):
            close()
        if sum(len(p) for p in paragraphs) >= budget:
            break
    if current and sum(len(p) for p in paragraphs) < budget:
        close()
    return tuple(paragraphs)


def corpus_document(json_path: Path, *, body_chars: int = 2200) -> OfficeDocument:
    """The corpus document NNN.json (with its NNN.txt's prose as the body, up to `body_chars`)."""
    record = json.loads(json_path.read_text(encoding="utf-8"))
    summary = _printed(record["summary"])
    if record["type"] == "Công văn":
        summary = _GARBLED_VV.sub("V/v", summary)
    text_path = json_path.with_suffix(".txt")
    body = _body_of(text_path.read_text(encoding="utf-8"), record, body_chars) if text_path.is_file() else ()
    optional = lambda value: _printed(value) if value is not None else None  # noqa: E731
    return OfficeDocument(
        name=json_path.stem, issuer=_printed(record["issuer"]), issuer_parent=optional(record["issuer_parent"]),
        number=optional(record["number"]), place=_printed(record["place"]),
        date=date.fromisoformat(record["date"]) if record["date"] else None, type=record["type"], summary=summary,
        signer=optional(record["signer"]), signer_title=tuple(_printed(t) for t in record["signer_title"]),
        paper=tuple(_printed(e) for e in record["recipients"]["paper"]),
        electronic=tuple(_printed(e) for e in record["recipients"]["electronic"]),
        archive=optional(record["recipients"]["archive"]), kinh_gui=tuple(_printed(e) for e in record["kinh_gui"]),
        body=body, urgency=record["urgency"], secrecy=record["secrecy"],
    )


def corpus_documents(folder: Path, *, body_chars: int = 2200) -> list[OfficeDocument]:
    return [corpus_document(path, body_chars=body_chars) for path in sorted(folder.glob("[0-9][0-9][0-9].json"))]


# ---- laying out -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Signature:
    """Where the signer's block is on the paper (for the ink)."""

    page: int
    centre: float
    title_bottom: float  # the last title line's baseline
    name_top: float  # the name's baseline less its height


class _Pages:
    """Lines written onto the pages, each page's text by one TextWriter per colour."""

    def __init__(self) -> None:
        self.doc = pymupdf.open()
        self.writers: list[pymupdf.TextWriter] = []
        self.new_page()

    def new_page(self) -> int:
        page = self.doc.new_page(width=PAGE_W, height=PAGE_H)
        self.writers.append(pymupdf.TextWriter(page.rect))
        number = page.number
        if number >= 1:  # NĐ 30/2020: pages numbered from the second, centred in the top margin
            self.write(number, 0, TOP - 16, str(number + 1), size=13, centre=PAGE_W / 2)
        return number

    def page_after(self, number: int) -> int:
        return number + 1 if number + 1 < len(self.doc) else self.new_page()

    @staticmethod
    def width(text: str, size: float, style: str = "") -> float:
        return sum(_advance(style, c) for c in text) * size

    def write(self, page: int, x: float, y: float, text: str, *, size: float, style: str = "",
              centre: float | None = None) -> tuple[float, float]:
        """One line at baseline y (centred on `centre` if given); returns its left and right x."""
        width = self.width(text, size, style)
        if centre is not None:
            x = centre - width / 2
        self.writers[page].append((x, y), text, font=_font(style), fontsize=size)
        return x, x + width

    def rule(self, page: int, x0: float, x1: float, y: float) -> None:
        self.doc[page].draw_line((x0, y), (x1, y), width=0.6)

    def finish(self) -> bytes:
        for page, writer in zip(self.doc, self.writers):
            writer.write_text(page)
        self.doc.subset_fonts()
        data = self.doc.tobytes(garbage=3, deflate=True)
        self.doc.close()
        return data


def _wrap(text: str, width: float, size: float, style: str = "", first_width: float | None = None) -> list[str]:
    """Words into lines no wider than `width` (the first line `first_width`), as a word processor breaks them."""
    def fits(line: str, index: int) -> bool:
        limit = first_width if (first_width is not None and index == 0) else width
        return _Pages.width(line, size, style) <= limit

    return wrap_words(text, fits) or [""]


def _date_line(place: str, issued: date | None) -> str:
    """NĐ 30/2020 Phụ lục I: days below 10 and months 1 and 2 written with a leading zero."""
    if issued is None:
        return f"{place}, ngày      tháng      năm {date.today().year}"
    day = f"{issued.day:02d}"
    month = f"{issued.month:02d}" if issued.month < 3 else str(issued.month)
    return f"{place}, ngày {day} tháng {month} năm {issued.year}"


def _header(out: _Pages, doc: OfficeDocument) -> float:
    """Issuer and motto, number and date, the marks and a letter's summary; returns the next baseline."""
    left_centre, right_centre = sum(LEFT_COLUMN) / 2, sum(RIGHT_COLUMN) / 2
    left_width = LEFT_COLUMN[1] - LEFT_COLUMN[0]
    y = TOP + 14
    if doc.issuer_parent:
        for part in _wrap(doc.issuer_parent, left_width - 6, 12.5):
            out.write(0, 0, y, part, size=12.5, centre=left_centre)
            y += 15
    last = (0.0, 0.0)
    for part in _wrap(doc.issuer, left_width - 6, 13, "b"):
        last = out.write(0, 0, y, part, size=13, style="b", centre=left_centre)
        y += 15
    third = (last[1] - last[0]) / 3
    out.rule(0, left_centre - third / 2 - 8, left_centre + third / 2 + 8, y - 8)
    out.write(0, 0, TOP + 14, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", size=12.5, style="b", centre=right_centre)
    x0, x1 = out.write(0, 0, TOP + 30, "Độc lập - Tự do - Hạnh phúc", size=13.5, style="b", centre=right_centre)
    out.rule(0, x0, x1, TOP + 34)
    y = max(y, TOP + 45) + 14
    if doc.number is not None:
        out.write(0, 0, y, f"Số: {doc.number}", size=13, centre=left_centre)
    out.write(0, 0, y, _date_line(doc.place, doc.date), size=13.5, style="i", centre=right_centre + 4)
    y += 17
    if doc.letter:
        for part in _wrap(doc.summary, left_width - 10, 12.5):
            out.write(0, 0, y, part, size=12.5, centre=left_centre)
            y += 14.5
    for mark in (doc.urgency, doc.secrecy):
        if mark:
            y += 8
            x0, x1 = out.write(0, 0, y, mark.upper(), size=13, style="b", centre=left_centre)
            out.doc[0].draw_rect(pymupdf.Rect(x0 - 6, y - 14, x1 + 6, y + 5), width=1.0)
            y += 20
    return y + 22


def _heading(out: _Pages, doc: OfficeDocument, y: float) -> float:
    """The type line and the summary under it, centred, a short rule below (not for a letter)."""
    if doc.letter:
        return y
    centre = (LEFT + RIGHT) / 2
    out.write(0, 0, y, doc.type.upper(), size=14, style="b", centre=centre)
    y += 18
    widest = 0.0
    for part in _wrap(doc.summary, RIGHT - LEFT - 70, 14, "b"):
        x0, x1 = out.write(0, 0, y, part, size=14, style="b", centre=centre)
        widest = max(widest, x1 - x0)
        y += 17
    out.rule(0, centre - widest / 6, centre + widest / 6, y - 12)
    return y + 18


def _kinh_gui(out: _Pages, doc: OfficeDocument, y: float, size: float) -> float:
    if not doc.kinh_gui:
        return y
    if len(doc.kinh_gui) == 1:
        for part in _wrap(f"Kính gửi: {doc.kinh_gui[0]}.", RIGHT - LEFT - 60, size):
            out.write(0, 0, y, part, size=size, centre=(LEFT + RIGHT) / 2)
            y += size * 1.3
        return y + 8
    # NĐ 30/2020 Phụ lục I: to several, each on its own line below, the dashes under the colon
    label = "Kính gửi:"
    x0 = LEFT + 80
    out.write(0, x0, y, label, size=size)
    x = x0 + out.width("Kính gửi", size)
    y += size * 1.3
    for number, entry in enumerate(doc.kinh_gui):
        end = "." if number == len(doc.kinh_gui) - 1 else ";"
        for index, part in enumerate(_wrap(f"- {entry}{end}", RIGHT - x - 10, size)):
            out.write(0, x if index == 0 else x + out.width("- ", size), y, part, size=size)
            y += size * 1.3
    return y + 8


def _paragraph(out: _Pages, page: int, y: float, text: str, size: float) -> tuple[int, float]:
    """A justified paragraph with its first line indented; returns the page and baseline after it."""
    leading = size * 1.25
    if len(text) < 60 and text.upper() == text and any(c.isalpha() for c in text):  # "QUYẾT ĐỊNH:", the authority
        if y > BOTTOM:
            page, y = out.page_after(page), TOP + size
        out.write(page, 0, y, text, size=size, style="b", centre=(LEFT + RIGHT) / 2)
        return page, y + leading + 6
    lines = _wrap(text, RIGHT - LEFT, size, first_width=RIGHT - LEFT - INDENT)
    for index, line in enumerate(lines):
        if y > BOTTOM:
            page, y = out.page_after(page), TOP + size
        x0 = LEFT + (INDENT if index == 0 else 0)
        words = line.split()
        if index == len(lines) - 1 or len(words) == 1:
            out.write(page, x0, y, line, size=size)
        else:
            gap = (RIGHT - x0 - sum(out.width(w, size) for w in words)) / (len(words) - 1)
            x = x0
            for word in words:
                out.write(page, x, y, word, size=size)
                x += out.width(word, size) + gap
        y += leading
    return page, y + 6


def _block_lines(doc: OfficeDocument) -> list[tuple[str, float, str]]:
    """The "Nơi nhận" block's lines as (text, size, style): entries at 11 pt, headings bold italic; none for a
    document with no entry and no archive line (a Nội quy published alone)."""
    if not doc.paper and not doc.electronic and doc.archive is None:
        return []
    lines: list[tuple[str, float, str]] = [("Nơi nhận:", 12, "bi")]
    entries = [(e, False) for e in doc.paper]
    if doc.electronic:
        entries += [("Gửi bản điện tử:", True)] + [(e, False) for e in doc.electronic]
    count = sum(1 for _, heading in entries if not heading)
    seen = 0
    for text, heading in entries:
        if heading:
            lines.append((text, 11, "bi"))
            continue
        seen += 1
        last = seen == count and doc.archive is None
        lines.append((f"- {text}{'.' if last else ';'}", 11, ""))
    if doc.archive is not None:
        lines.append((f"- {doc.archive}.", 11, ""))
    return lines


def _closing(out: _Pages, doc: OfficeDocument, page: int, y: float, size: float) -> Signature:
    """The block bottom left and the signer bottom right, from the same line; the block goes on to
    the next page when it is longer than the room left, the signer stays where it starts."""
    signer_height = 18 * (len(doc.signer_title) + 1) + 80
    if y + max(signer_height, 60) > BOTTOM:
        page, y = out.page_after(page), TOP + 20
    start_page, start = page, y
    for text, line_size, style in _block_lines(doc):
        for part in _wrap(text, BLOCK_WIDTH, line_size, style):
            if y > BOTTOM:
                page, y = out.page_after(page), TOP + 20
            out.write(page, LEFT - 6, y, part, size=line_size, style=style)
            y += line_size + 2.5
    centre = sum(RIGHT_COLUMN) / 2 + 10
    y = start
    for title in doc.signer_title:  # a title longer than the column wraps in it
        for part in _wrap(title, RIGHT_COLUMN[1] - RIGHT_COLUMN[0] - 10, size, "b"):
            out.write(start_page, 0, y, part, size=size, style="b", centre=centre)
            y += size + 4
    title_bottom = y - size - 4 if doc.signer_title else start - 10
    name_y = max(y, start + 10) + 72
    if doc.signer:
        out.write(start_page, 0, name_y, doc.signer, size=size, style="b", centre=centre)
    return Signature(start_page, centre, title_bottom, name_y - size)


def _signature_png(width: int, height: int, seed: int) -> bytes:
    """A signature as a hand writes it in blue ink: a tall first stroke, a run of cursive loops
    (a trochoid whose loop size wanders) and a flourish under it."""
    from PIL import Image, ImageDraw

    rng = random.Random(seed)
    image = Image.new("RGBA", (width, height), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    ink = (28, 48, 165, 230)
    pen = max(2, height // 30)
    x0, base = width * rng.uniform(0.08, 0.15), height * rng.uniform(0.55, 0.65)
    draw.line([(x0 + height * 0.15 * math.sin(t / 10 * math.pi), base - height * 0.45 * t / 10) for t in range(11)]
              + [(x0 + height * 0.12, base - height * 0.2)], fill=ink, width=pen, joint="curve")
    points: list[tuple[float, float]] = []
    speed, turn = width * 0.0065, 0.6
    radius = height * 0.12
    for step in range(int(rng.uniform(80, 100))):
        if step % 12 == 0:
            radius = height * rng.uniform(0.06, 0.2)
        t = step * turn
        points.append((x0 + height * 0.1 + speed * step - radius * 0.8 * math.sin(t),
                       base - radius * (1 - math.cos(t)) + height * 0.04 * math.sin(step / 17)))
    draw.line(points, fill=ink, width=pen, joint="curve")
    tail = points[-1]
    flourish = [(tail[0] - (tail[0] - x0) * u, tail[1] + height * 0.25 * math.sin(u * math.pi) + height * 0.1 * u)
                for u in [i / 24 for i in range(25)]]
    draw.line(flourish, fill=ink, width=max(2, pen - 1), joint="curve")
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def _ink(out: _Pages, where: Signature, seed: int) -> None:
    """The paper once signed and stamped: the signature between title and name, the seal over its
    left third and the title (NĐ 30/2020 Phụ lục I), under the printed text as ink on toner looks."""
    page = out.doc[where.page]
    top, bottom = where.title_bottom - 6, where.name_top - 2
    signature = pymupdf.Rect(where.centre - 70, top, where.centre + 75, bottom)
    page.insert_image(signature, stream=_signature_png(600, int(600 * signature.height / signature.width), seed))
    middle = (where.title_bottom + where.name_top) / 2
    radius = 50
    seal = pymupdf.Rect(where.centre - 70 - radius * 0.6, middle - radius - 8, where.centre - 70 + radius * 1.4, middle + radius - 8)
    page.insert_image(seal, stream=seal_png(400))


def lay_out(doc: OfficeDocument, *, body_size: float = 13.0, ink: bool = False, seed: int = 0) -> bytes:
    """The document as a PDF with a text layer; with `ink`, signed and stamped (for scanning)."""
    out = _Pages()
    y = _header(out, doc)
    y = _heading(out, doc, y)
    y = _kinh_gui(out, doc, y, 14)
    page = 0
    for paragraph in doc.body:
        page, y = _paragraph(out, page, y, paragraph, body_size)
    where = _closing(out, doc, page, y + 10, body_size)
    if ink:
        _ink(out, where, seed)
    return out.finish()


# ---- scanning and signing -------------------------------------------------------------------------


@dataclass(frozen=True)
class ScanSettings:
    dpi: int = 200  # NĐ 30/2020 Phụ lục I: 200 dpi or finer
    colour: bool = True
    skew: tuple[float, float] = (1.0, 2.0)  # degrees, either way
    noise: float = 7.0  # the speckle's standard deviation, in grey levels
    quality: int = 75  # JPEG
    seed: int = 0


@functools.lru_cache(maxsize=4)
def _speckle(size: tuple[int, int], sigma: float, colour: bool, seed: int):  # type: ignore[no-untyped-def]
    """Grey noise centred on 128, the same for the same seed whatever was scanned before in the process
    (PIL's effect_noise draws from C's rand(), which nothing seeds): uniform bytes from a seeded
    generator, each turned into its Gaussian quantile."""
    from PIL import Image

    uniform = Image.frombytes("L", size, random.Random(f"speckle {seed}").randbytes(size[0] * size[1]))
    normal = NormalDist(128, sigma)
    speckle = uniform.point([max(0, min(255, round(normal.inv_cdf((u + 0.5) / 256)))) for u in range(256)])
    return Image.merge("RGB", (speckle, speckle, speckle)) if colour else speckle


def scan(pdf: bytes, settings: ScanSettings = ScanSettings()) -> bytes:
    """The pages as images only (no text layer), as a scanner gives them: each page seen turned by
    the skew (MuPDF renders it turned, as the scanner's optics see the paper), on slightly tinted
    paper, speckled, softened and JPEG-compressed."""
    from PIL import Image, ImageChops, ImageFilter

    rng = random.Random(settings.seed)
    mode = "RGB" if settings.colour else "L"
    paper = (250, 248, 240) if settings.colour else 246
    zoom = settings.dpi / 72
    out = pymupdf.open()
    with pymupdf.open(stream=pdf, filetype="pdf") as src:
        for page in src:
            angle = rng.uniform(*settings.skew) * rng.choice((-1, 1))
            pix = page.get_pixmap(matrix=pymupdf.Matrix(zoom, zoom).prerotate(angle), alpha=False,
                                  colorspace=pymupdf.csRGB if settings.colour else pymupdf.csGRAY)
            turned = Image.frombytes(mode, (pix.width, pix.height), pix.samples)
            width, height = round(page.rect.width * zoom), round(page.rect.height * zoom)
            left, top = (turned.width - width) // 2, (turned.height - height) // 2
            image = turned.crop((left, top, left + width, top + height))
            image = ImageChops.multiply(image, Image.new(mode, image.size, paper))
            if settings.noise:
                image = ImageChops.add(image, _speckle(image.size, settings.noise, settings.colour, settings.seed), offset=-128)
            image = image.filter(ImageFilter.GaussianBlur(0.45))  # the optics; a box blur of 0.6 px is harsher than real scans
            buffer = io.BytesIO()
            image.save(buffer, format="JPEG", quality=settings.quality, dpi=(settings.dpi, settings.dpi))
            target = out.new_page(width=page.rect.width, height=page.rect.height)
            target.insert_image(target.rect, stream=buffer.getvalue())
    data = out.tobytes(garbage=3, deflate=True)
    out.close()
    return data


def sign_scan(pdf: bytes, identity: Identity, pki: DemoPki, *, agency: str,
              at: datetime | None = None) -> bytes:
    """The PDF signed by `identity` with a visible box at the bottom left of page 1 (Bắc Giang QĐ
    133/2015 Đ15), inside the bottom margin: the agency, its e-mail and the time of signing."""
    import logging

    from pyhanko import stamp
    from pyhanko.pdf_utils import text
    from pyhanko.pdf_utils.font.opentype import GlyphAccumulatorFactory
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    from gateway.demo.signing import pdf_signer

    logging.getLogger("fontTools.subset").setLevel(logging.ERROR)
    font = next((p for p in STAMP_FONTS if p.is_file()), None)
    if font is None:
        raise FontMissing("FreeSans: install fonts-freefont-ttf (scripts/setup does)")
    signer = pdf_signer(identity, pki)
    moment = (at or datetime(2026, 11, 20, 9, 30, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))).isoformat()
    style = stamp.TextStampStyle(
        stamp_text="Ký bởi: %(agency)s\nThời gian ký: %(at)s",
        text_box_style=text.TextBoxStyle(font=GlyphAccumulatorFactory(str(font), font_size=7), font_size=7),
        border_width=1,
    )
    box = (LEFT - 40, 8, LEFT + 170, 8 + 46)  # PDF points from the bottom left
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
    out = io.BytesIO()
    signers.PdfSigner(
        signers.PdfSignatureMetadata(field_name="Signature1", subfilter=fields.SigSeedSubFilter.PADES),
        signer=signer, stamp_style=style,
        new_field_spec=fields.SigFieldSpec(sig_field_name="Signature1", on_page=0, box=box),
    ).sign_pdf(writer, appearance_text_params={"agency": agency, "at": moment}, output=out)
    return out.getvalue()


def office_scan(doc: OfficeDocument, settings: ScanSettings = ScanSettings(), *, body_size: float = 13.0) -> bytes:
    """The document printed, signed in ink, stamped and scanned."""
    return scan(lay_out(doc, body_size=body_size, ink=True, seed=settings.seed), settings)
