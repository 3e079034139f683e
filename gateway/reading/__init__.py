"""The one reader of documents: particulars and recipient block, used by intake, `parse` and outgoing.

For now it reads the text layer only; a page without usable text is reported in `warnings`
(OCR for scans comes with the reading issue).
"""

from __future__ import annotations

import pymupdf

from gateway.model import Particulars, Reading, Recipients
from gateway.reading.layout import Line, has_text, page_lines
from gateway.reading.particulars import (
    is_motto,
    read_issuer,
    read_marks,
    read_number,
    read_place_date,
    read_signer,
    read_type_and_summary,
    read_vv_summary,
)
from gateway.reading.recipients import parse_block
from gateway.vntext import fold

HEADER_BAND = 0.40  # the header's share of the first page's height


def _block_lines(lines: list[Line]) -> tuple[list[str], float, int] | None:
    """The left-column lines of the recipient block, across page breaks, and where it starts."""
    for index, line in enumerate(lines):
        if fold(line.text).startswith("NOI NHAN") and line.left_half:
            block = [l.text for l in lines[index:] if l.left_half and (l.page > line.page or l.y0 >= line.y0 - 2)]
            return block, line.y0, line.page
    return None


def read_document(doc: pymupdf.Document) -> Reading:
    warnings: list[str] = []
    pages = [page_lines(doc[i], i + 1) for i in range(doc.page_count)]
    if not pages or not has_text(pages[0]):
        warnings.append("no-text-layer: trang 1 không có lớp chữ (văn bản quét); chưa nhận dạng ký tự (OCR)")
        return Reading(pages=doc.page_count, ocr=False, particulars=Particulars(), recipients=Recipients(), warnings=warnings)

    first = pages[0]
    band = [l for l in first if l.rel_y < HEADER_BAND]
    left = [l for l in band if l.left_half and not is_motto(l)]
    right = [l for l in band if not l.left_half]
    issuer, parent = read_issuer(left)
    number = read_number(left)
    place, issued = read_place_date(right)
    urgency, secrecy = read_marks(left)
    below_header = [l for l in first if not l.left_half or l.rel_y >= 0.15]
    doc_type, summary = read_type_and_summary(
        [l for l in below_header if abs(l.cx - l.page_width / 2) < l.page_width * 0.2]
    )
    vv = read_vv_summary(left)
    if doc_type is None and vv:
        doc_type, summary = "Công văn", vv

    all_lines = [l for page in pages for l in page]
    block = _block_lines(all_lines)
    recipients = Recipients()
    signer, titles = None, []
    if block is not None:
        texts, top, page_no = block
        recipients = parse_block(texts) or Recipients()
        signer, titles = read_signer(pages[page_no - 1], top - 2)
    else:
        warnings.append("no-recipient-block: không tìm thấy khối 'Nơi nhận'")
    kinh_gui = _kinh_gui(first)
    if kinh_gui:
        recipients = Recipients(
            paper=recipients.paper, electronic=recipients.electronic, archive=recipients.archive,
            references=recipients.references, kinh_gui=kinh_gui,
        )
    for name, value in (("issuer", issuer), ("number", number), ("date", issued)):
        if value is None:
            warnings.append(f"{name}-unread: không đọc được trường {name}")
    particulars = Particulars(
        issuer=issuer, issuer_parent=parent, number=number, place=place, date=issued, type=doc_type,
        summary=summary, urgency=urgency, secrecy=secrecy, signer=signer, signer_title=titles,
    )
    return Reading(pages=doc.page_count, ocr=False, particulars=particulars, recipients=recipients, warnings=warnings)


def _kinh_gui(lines: list[Line]) -> list[str]:
    """The "Kính gửi:" list of a letter: the text after the colon and the "- " lines below it."""
    for index, line in enumerate(lines):
        if fold(line.text).startswith("KINH GUI"):
            names: list[str] = []
            after = line.text.split(":", 1)[1].strip() if ":" in line.text else ""
            if after:
                names.append(after.lstrip("- ").rstrip(";.,"))
            for follow in lines[index + 1:]:
                if not follow.text.lstrip().startswith(("-", "–")):
                    break
                names.append(follow.text.lstrip("-– ").rstrip(";.,"))
            return [n for n in names if n]
    return []


def read_pdf_bytes(data: bytes) -> Reading:
    with pymupdf.open(stream=data, filetype="pdf") as doc:
        return read_document(doc)
