"""Official documents laid out as NĐ 30/2020 Phụ lục I prescribes, born-digital or scanned.

Used by the tests and the demo to make realistic documents: the two-column header (issuer left,
motto right), number, marks, type and summary, body, recipient block bottom left beside the signer.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pymupdf

FONT_DIRS = [Path("/usr/share/fonts/truetype/dejavu")]


def _font(bold: bool) -> Path:
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
    kinh_gui: list[str] = field(default_factory=list)
    body: list[str] = field(default_factory=lambda: [
        "Thực hiện Quyết định số 133/2015/QĐ-UBND của UBND tỉnh về gửi,",
        "nhận văn bản điện tử, đề nghị các cơ quan, đơn vị triển khai",
        "các nội dung sau đây.",
    ])
    recipients: list[str] = field(default_factory=lambda: [
        "Nơi nhận:", "- Như trên;", "- Lưu: VT, VP.", "Bản điện tử:", "- Sở Nội vụ;", "- UBND các huyện, thành phố.",
    ])
    signer_title: list[str] = field(default_factory=lambda: ["KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC"])
    signer: str = "Nguyễn Văn An"
    body_pages: int = 1  # pages of body text before the closing page


class _Writer:
    def __init__(self) -> None:
        self.doc = pymupdf.open()
        self.page: pymupdf.Page | None = None
        self.y = 0.0

    def new_page(self) -> None:
        self.page = self.doc.new_page(width=595, height=842)  # A4
        self.page.insert_font(fontname="vn", fontfile=str(_font(False)))
        self.page.insert_font(fontname="vnb", fontfile=str(_font(True)))
        self.y = 60.0

    def text(self, x: float, y: float, text: str, *, bold: bool = False, size: float = 12, center: float | None = None) -> None:
        assert self.page is not None
        fontname = "vnb" if bold else "vn"
        if center is not None:
            width = pymupdf.Font(fontfile=str(_font(bold))).text_length(text, fontsize=size)
            x = center - width / 2
        self.page.insert_text((x, y), text, fontname=fontname, fontsize=size)


def _wrap(text: str, width: int) -> list[str]:
    """Split a heading into lines of at most `width` characters, at spaces."""
    lines: list[str] = []
    for word in text.split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines or [text]


def render_document(spec: DocumentSpec) -> bytes:
    """A born-digital PDF of the document."""
    w = _Writer()
    w.new_page()
    left_c, right_c = 150.0, 420.0
    y = 60.0
    if spec.issuer_parent:
        w.text(0, y, spec.issuer_parent, center=left_c, size=12)
        y += 16
    for part in _wrap(spec.issuer, 26):
        w.text(0, y, part, bold=True, center=left_c)
        y += 16
    y -= 16
    w.text(0, 60, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", bold=True, center=right_c, size=11)
    w.text(0, 76, "Độc lập - Tự do - Hạnh phúc", bold=True, center=right_c)
    y += 26
    w.text(0, y, f"Số: {spec.number}", center=left_c)
    if spec.date:
        day, month, year = spec.date
        date_text = f"{spec.place}, ngày {day:02d} tháng {month:02d} năm {year}"
    else:
        date_text = f"{spec.place}, ngày      tháng      năm 2026"
    w.text(0, y, date_text, center=right_c)
    y += 16
    if spec.type is None:
        w.text(0, y, spec.summary, center=left_c, size=11)
        y += 16
    for mark in (spec.urgency, spec.secrecy):
        if mark:
            y += 6
            w.text(0, y, mark.upper(), bold=True, center=left_c, size=13)
            y += 16
    y = max(y, 150) + 20
    if spec.type is not None:
        w.text(0, y, spec.type.upper(), bold=True, center=297, size=13)
        y += 18
        w.text(0, y, spec.summary, bold=True, center=297)
        y += 30
    if spec.kinh_gui:
        w.text(0, y, "Kính gửi:" + ("" if len(spec.kinh_gui) > 1 else " " + spec.kinh_gui[0]), center=297)
        y += 18
        if len(spec.kinh_gui) > 1:
            for name in spec.kinh_gui:
                w.text(220, y, f"- {name};")
                y += 16
        y += 10
    for page_index in range(spec.body_pages):
        if page_index:
            w.new_page()
            y = 60
        for line in spec.body:
            w.text(70, y, line)
            y += 18
    if y > 520:
        w.new_page()
        y = 60
    y += 20
    block_top = y
    for line in spec.recipients:
        bold = line.rstrip().endswith(":") and not line.startswith(("-", "+"))
        w.text(60, y, line, bold=bold and line.startswith("Nơi nhận"), size=10 if not bold else 11)
        y += 14
        if y > 800:
            w.new_page()
            y = 60
    y = block_top
    assert w.page is not None
    page = w.doc[-1] if y < 800 else w.page
    w.page = page
    for title in spec.signer_title:
        w.text(0, y, title, bold=True, center=420)
        y += 16
    w.text(0, y + 60, spec.signer, bold=True, center=420)
    data = w.doc.tobytes(garbage=3, deflate=True)
    w.doc.close()
    return data


def scan(pdf: bytes, dpi: int = 200, *, grey: bool = True) -> bytes:
    """The same pages as a scanner gives them: image-only, no text layer."""
    src = pymupdf.open(stream=pdf, filetype="pdf")
    out = pymupdf.open()
    for page in src:
        pix = page.get_pixmap(dpi=dpi, colorspace=pymupdf.csGRAY if grey else pymupdf.csRGB)
        target = out.new_page(width=page.rect.width, height=page.rect.height)
        target.insert_image(target.rect, stream=pix.tobytes("png"))
    data = out.tobytes(garbage=3, deflate=True)
    out.close()
    src.close()
    return data
