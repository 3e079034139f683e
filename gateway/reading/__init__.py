"""The one reader of documents: particulars and recipient block, used by intake, `parse` and outgoing.

Born-digital pages are read from their text layer. Scanned pages are read by OCR, and only where
the fields are: the header of page 1 and the closing part of the page holding the recipient block;
the body only when references ("Như Điều 3") must be resolved and `body` is asked for.
"""

from __future__ import annotations

import dataclasses
import functools
import re
from collections import Counter
from typing import Any

import pymupdf
from PIL import Image

from gateway.model import FieldSource, Particulars, Reading, ReadingWarning, Recipients
from gateway.reading.block import PAGES_LOOKED_AT, Block, find_block
from gateway.reading.bounds import bounded
from gateway.reading.copies import read_copy
from gateway.reading.handwriting import read_blanks
from gateway.reading.lines import Line
from gateway.reading.ocr import OcrUnavailable, check_tesseract, ocr_band, ocr_region, page_image
from gateway.reading.pages import PageSource
from gateway.reading.red_ink import red_rows
from gateway.reading.straight import PageView
from gateway.reading.visibility import HIDDEN_WHY
from gateway.reading.particulars import (
    KINH_GUI,
    Found,
    date_left_blank,
    foreign_notation,
    garbled_notation,
    is_motto,
    is_upper,
    mark_of,
    marks_of,
    read_issuer,
    read_marks,
    read_number,
    read_place_date,
    read_signer,
    read_type_and_summary,
    read_vv_summary,
    title_line,
    written_like_a_name,
    type_mismatch,
)
from gateway.reading.recipients import ocr_archive, parse_block
from gateway.reading.spelling import restore_marks, restore_place
from gateway.reading.references import article_number, article_text, is_above, responsible_bodies
from gateway.reasons import MESSAGES
from vntext import fold, foreign_letters, one_line, printed_letters

# MuPDF's messages (a damaged file's "format error: …") are kept for the damage check (TOOLS.mupdf_warnings), never
# printed: PyMuPDF prints them on stdout, where `parse --json` writes its JSON (a newcomer's jq read 276 lines of them)
pymupdf.TOOLS.mupdf_display_errors(False)
pymupdf.TOOLS.mupdf_display_warnings(False)

HEADER_BAND = 0.40  # the header's share of the first page's height
LATER_MARK_BAND = 0.40  # where on a later page a secrecy mark heads another document
LOW_CONFIDENCE = 0.75  # OCR below this is reported as unsure


class _Notes:
    """Warnings and field sources gathered while reading."""

    def __init__(self) -> None:
        self.warnings: list[ReadingWarning] = []
        self.sources: dict[str, FieldSource] = {}

    def warn(self, code: str, message: str) -> None:
        self.warnings.append(ReadingWarning(code, message))

    def found(self, name: str, found: Found | None, lines: tuple[Line, ...] | None = None) -> str | None:
        if found is None:
            return None
        self.source(name, lines or found.lines)
        return found.value

    def source(self, name: str, lines: tuple[Line, ...] | list[Line]) -> None:
        if not lines:
            return
        confidences = [l.confidence for l in lines if l.confidence is not None]
        confidence = min(confidences) if confidences else None
        self.sources[name] = FieldSource(page=lines[0].page, via=lines[0].source, confidence=confidence)
        if confidence is not None and confidence < LOW_CONFIDENCE:
            self.warn("low-confidence", f"trường {name} (trang {lines[0].page}) đọc bằng OCR, độ tin cậy {confidence:.0%}")


@functools.cache
def _ocr_problem() -> str | None:
    try:
        check_tesseract()
    except OcrUnavailable as exc:
        return str(exc)
    return None


def read_document(doc: pymupdf.Document, *, body: bool = False, dpi: int | None = None) -> Reading:
    """Read the particulars and the recipient block. With `body`, also read a scan's body to resolve
    "Như Điều N" (a born-digital body costs nothing and is always read). Text no one sees is left out;
    where it would have changed a particular or the block, the reading says so (`hidden`: intake
    returns the document); a faint watermark that changes nothing is only a warning."""
    reading = _read(doc, body, dpi, keep_hidden=False)
    if reading.hidden and not _changes_anything(reading, _read(doc, body, dpi, keep_hidden=True)):
        reading = dataclasses.replace(reading, hidden=())
    return bounded(reading)


def _changes_anything(seen: Reading, layer: Reading) -> bool:
    """Whether what the text layer alone says differs from what the page shows, where it counts."""
    fields = ("issuer", "issuer_parent", "number", "date", "type", "summary", "urgency", "secrecy")
    return (any(getattr(seen.particulars, f) != getattr(layer.particulars, f) for f in fields)
            or (seen.recipients.paper, seen.recipients.electronic, seen.recipients.kinh_gui)
            != (layer.recipients.paper, layer.recipients.electronic, layer.recipients.kinh_gui))


def _read(doc: pymupdf.Document, body: bool, dpi: int | None, *, keep_hidden: bool) -> Reading:
    source = PageSource(doc, dpi, keep_hidden=keep_hidden)
    notes = _Notes()
    scanned = [source.scanned(i) for i in range(doc.page_count)]
    hidden = tuple(f"trang {index + 1}: '{one_line(h.text)[:40]}' ({HIDDEN_WHY[h.why]})"
                   for index, spans in sorted(source.hidden.items()) for h in spans)
    if hidden:  # left out of what is read: the register holds what the page shows
        notes.warn("hidden-text", f"{len(hidden)} đoạn chữ không hiện trên trang, không đọc: " + "; ".join(hidden[:3]))
    if any(scanned) and (problem := _ocr_problem()) is not None:
        notes.warn("ocr-unavailable", f"văn bản quét không đọc được: {problem}")
        return Reading(doc.page_count, False, Particulars(), Recipients(), notes.warnings, hidden=hidden)

    coarse = sorted({round(d) for i in range(doc.page_count) if scanned[i] and (d := source.native_dpi(i)) and d < 190})
    if coarse:  # NĐ 30/2020 Phụ lục I: digitised documents are scanned at 200 dpi or finer
        notes.warn("scan-resolution-low", f"văn bản quét ở {coarse[0]} dpi, dưới 200 dpi: chữ nhỏ có thể đọc sai")
    header = source.header()
    if not header:
        notes.warn("no-text", "trang 1 không có chữ đọc được (lớp chữ hay OCR)")
        return Reading(doc.page_count, source.ocr_used, Particulars(), Recipients(), notes.warnings, hidden=hidden)
    particulars = _particulars(header, notes, source.view(0))
    kinh_gui = _kinh_gui(header)
    if source.scanned(0):
        kinh_gui = [restore_marks(k, bodies=False) for k in kinh_gui]

    block = find_block(source)
    recipients = Recipients(kinh_gui=kinh_gui)
    signer = titles = None
    if block is None:
        notes.warn("no-recipient-block", "không tìm thấy khối 'Nơi nhận'; không liệt kê nơi nhận nào")
        signer, titles = _signer_alone(source)
    else:
        parsed = parse_block([l.text for l in block.lines])
        if parsed is not None and block.heading.source == "ocr":
            parsed = dataclasses.replace(parsed, archive=ocr_archive(parsed.archive), paper=_ocr_entries(parsed.paper),
                                         electronic=_ocr_entries(parsed.electronic))
        if parsed is not None:
            notes.source("recipients", block.lines)
            references = _references(source, block, parsed, kinh_gui, notes, body)
            recipients = Recipients(parsed.paper, parsed.electronic, parsed.archive, references, kinh_gui,
                                    parsed.electronic_heading)
        if not block.beside_signer:
            notes.warn("recipient-block-unsure", f"khối 'Nơi nhận' ở trang {block.heading.page} không đứng cạnh chữ ký")
        signer, titles = _signer(source, block)
    particulars = dataclasses.replace(
        particulars, signer=notes.found("signer", signer), signer_title=titles.value.split("\n") if titles else []
    )
    if titles:
        notes.source("signer_title", titles.lines)
        if signer is None and titles.lines[-1].source == "ocr":  # what is under the title was no name, or nothing
            notes.warn("low-confidence", "trường signer: không đọc được tên người ký dưới chức vụ, để trống")
    elif signer:
        notes.warn("signer-title-unread", "không đọc được chức vụ người ký (dấu đóng trùm lên?)")
    if particulars.secrecy is None and (later := _later_secrecy(source, scanned)) is not None:
        particulars = dataclasses.replace(particulars, secrecy=notes.found("secrecy", later))
    copy = next((mark for i in reversed(range(doc.page_count)) if not scanned[i]
                 and (mark := read_copy(source.lines(i))) is not None), None)
    return Reading(doc.page_count, source.ocr_used, particulars, recipients, notes.warnings, notes.sources, copy, hidden)


def _particulars(header: list[Line], notes: _Notes, page: PageView) -> Particulars:
    band = [l for l in header if l.rel_y < HEADER_BAND]
    left = [l for l in band if l.left_half and not is_motto(l)]
    right = [l for l in band if not l.left_half]
    issuer, parent = read_issuer(left)
    place, issued = read_place_date(right)
    blanks = read_blanks(page, read_number(left), place, issued, left, right)  # a scan's handwritten number and date
    centred = [l for l in header if (not l.left_half or l.rel_y >= 0.15) and abs(l.cx - l.page_width / 2) < l.page_width * 0.2]
    doc_type, summary = read_type_and_summary(centred)
    title = title_line(centred, left, doc_type)
    urgency, secrecy = read_marks(left, above=title.y1 if title else None)  # a stamp beside the title is one
    if doc_type is None:
        vv = read_vv_summary(left)
        if vv is not None:
            doc_type, summary = Found("Công văn", vv.lines), vv  # a letter with "V/v" and no type heading
    issuer, parent = _respelled(issuer), _respelled(parent)
    for printed in (issuer, parent):
        # in a text layer, a letter no Vietnamese name is written with, of those fold does not take as the letter they are
        # drawn as (the look-alikes it knows, what is drawn as nothing): the text may say another name than the page shows
        # (red team 109: "SỞ ⲦƯ PHÁP", a Coptic Ⲧ fold did not know then, let a recalled letter's copy in)
        if (printed is not None and printed.lines[0].source not in ("ocr", "handwriting")
                and foreign_letters(printed_letters(printed.value))):
            notes.warn("name-lookalike", printed.value)
    place = blanks.place
    if place is not None and place.lines[0].source == "ocr":
        place = dataclasses.replace(place, value=restore_place(place.value, [f.value for f in (issuer, parent) if f]))
    number = blanks.number
    if number is not None and number.lines[0].source in ("ocr", "handwriting") and garbled_notation(number.value):
        # never registered as garbage (issue 12): left out, what OCR made of it shown to the clerk
        notes.warn("low-confidence", f"trường number: OCR đọc thành \"{number.value}\", không phải số, ký hiệu; để trống")
        number = None
    elif number is not None and foreign_notation(number.value):
        # in a text layer, a letter of another script drawn as a Latin one ("QƉ" for "QĐ": red team 68, a recalled
        # number so written let a forged copy in) is no number either
        notes.warn("number-lookalike", number.value)
        number = None
    if number is not None and number.value.startswith("/") and _under_a_signature(page.page, number, header):
        notes.warn("low-confidence", "trường number: ô chữ ký số đè lên chỗ trống của số mà không đọc được chữ số; để trống")
        number = None  # a stamp the reader cannot read (drawn as a picture): the blank is not known to be one
    undated = blanks.date is None and place is not None and _under_a_signature(page.page, place, header)
    particulars = Particulars(
        issuer=notes.found("issuer", issuer), issuer_parent=notes.found("issuer_parent", parent),
        number=notes.found("number", number), place=notes.found("place", place),
        date=notes.found("date", blanks.date), type=notes.found("type", doc_type),
        summary=notes.found("summary", _respelled(summary, bodies=False)),
        urgency=notes.found("urgency", urgency), secrecy=notes.found("secrecy", secrecy),
    )
    for name in blanks.left_out:
        notes.warn("low-confidence", f"trường {name}: chữ số viết tay không đọc được chắc chắn, để trống")
    if undated:
        notes.warn("low-confidence", "trường date: ô chữ ký số đè lên chỗ trống của ngày mà không đọc được chữ số; để trống")
    elif particulars.date is None and place is not None and "date" not in blanks.left_out:
        if date_left_blank(place.lines[0].text):
            notes.warn("date-blank", "ngày ban hành để trống trên văn bản")
        else:  # "ngày 31 tháng 02": typed, and no calendar has it (red team 43: taken for a blank, the letter not-issued)
            notes.warn("date-impossible", f"ngày ban hành ghi trên văn bản không có thật: {one_line(place.lines[0].text)[:60]}")
    if particulars.number is not None and particulars.number.startswith("/"):
        notes.warn("number-incomplete", f"số văn bản để trống phần số: {particulars.number}")
    if (mismatch := type_mismatch(particulars.type, particulars.number)) is not None:
        notes.warn("type-mismatch", f"{MESSAGES['type-mismatch']} ({particulars.number}: {mismatch.abbreviation} là "
                                    f"{mismatch.names}, tên loại là {particulars.type})")
    for name in ("issuer", "number", "date"):
        if getattr(particulars, name) is None and not (name == "date" and particulars.place is not None):
            notes.warn(f"{name}-unread", f"không đọc được trường {name}")
    return particulars


def _under_a_signature(page: pymupdf.Page, found: Found, read: list[Line]) -> bool:
    """Whether a field read from the text layer has a signature's box over its line (an office's stamp of its number or
    date that drew nothing the reader reads): its blank is then not known to be one (not-issued is for blanks)."""
    lines = [l for l in found.lines if l.source in ("text", "stamp") and l.page == page.number + 1]
    if not lines:
        return False
    # a field laid out for the office's stamp and not signed yet is no stamp (red team 43: a draft cut before the
    # stamps carried them)
    boxes = [box for w in page.widgets(types=[pymupdf.mupdf.PDF_WIDGET_TYPE_SIGNATURE]) if w.is_signed
             and any((box := w.rect).intersects(pymupdf.Rect(l.x0, l.y0, l.x1, l.y1)) for l in lines)]
    if not boxes:
        return False
    own = pymupdf.TextPage(page.get_displaylist(annots=False).get_textpage()).extractWORDS()
    seen = page.get_text("words")  # with the boxes' appearances

    def inside(words: list[Any], box: pymupdf.Rect) -> Counter[str]:
        return Counter(w[4] for w in words if box.contains(pymupdf.Point((w[0] + w[2]) / 2, (w[1] + w[3]) / 2)))

    placed = {word for l in read if l.source == "stamp" for word in l.text.split()}  # figures stamps filled blanks with
    for box in boxes:
        drawn = list((inside(seen, box) - inside(own, box)).elements())
        if any(re.search(r"[^\W\d_]", word) for word in drawn):
            continue  # words of letters: a signature's own box ("Nguyễn Văn A 25/11/2026"), no stamp (red team 47)
        if not any(word in placed for word in drawn):
            return True  # a stamp drawn as a picture or unreadably, or its figures placed nowhere: the blank is unknown
    return False  # every stamp over the line was read (the day stamped, the month still blank: blank)


def _ocr_entries(entries: list[str]) -> list[str]:
    """A scanned block's entries, a province's marks put back; a speck OCR read as an entry of its own
    (realpdf 001 "„", 005 "F": no entry names anything in fewer than two letters) left out."""
    return [restore_marks(e, bodies=False) for e in entries if sum(c.isalpha() for c in e) >= 2]


def _respelled(found: Found | None, *, bodies: bool = True) -> Found | None:
    """An OCR'd field with the marks OCR changed in agencies' names put back (spelling.restore_marks)."""
    if found is None or all(l.source != "ocr" for l in found.lines):
        return found
    return dataclasses.replace(found, value=restore_marks(found.value, bodies=bodies))


def _later_secrecy(source: PageSource, scanned: list[bool]) -> Found | None:
    """A secrecy mark at the head of a later page (another document bound behind the first: 002 Đ16.7,
    secret anywhere is secret). A born-digital page's text layer costs nothing more; of a scan, the head of
    a page that opens another document (PageSource.opens_a_document; the first PAGES_LOOKED_AT) is read by OCR."""
    for index in range(1, source.count):
        if scanned[index]:
            continue
        lines = source.lines(index)
        marked = [(line, mark[1]) for line in lines if line.left_half and line.rel_y < LATER_MARK_BAND
                  and (mark := mark_of(line.text, exact=True)) is not None and mark[0] == "secrecy"]
        # a stamp stands alone on its row, the only one of its page; a table's column of the degrees is none (red team
        # 50: a report on keeping state secrets, its annex counting documents by degree, was returned as secret)
        if len(marked) == 1 and not any(other is not marked[0][0] and other.left_half and other.y0 < marked[0][0].y1
                                        and other.y1 > marked[0][0].y0 for other in lines):
            return Found(marked[0][1], (marked[0][0],))
        if index <= PAGES_LOOKED_AT and source.opens_a_document(index):  # its stamp a picture, as page 1's may be
            for line in source.drawn_head_marks(index):
                for kind, value in marks_of(line.text):  # "KHẨN MẬT" side by side too
                    if kind == "secrecy":
                        return Found(value, (line,))
    for index in range(1, min(source.count, PAGES_LOOKED_AT + 1)):
        if not scanned[index]:
            continue
        if source.opens_a_document(index):  # kept from when the block was looked for, if it was
            boxed, read = source.head_marks(index)
        else:  # an annex page: only a stamp alone in its frame at its head
            boxed, read = source.stamps_at_head(index), []
        # a stamp found in its frame is read as OCR garbles it; a line around it only spelt right, tone marks and all
        # (a report's table under its head has "MẮT", eyes, in capitals: read loosely, a secret file)
        marks = [(l, mark_of(l.text)) for l in boxed] + [(l, mark_of(l.text, exact=True)) for l in read if l.left_half]
        for line, mark in marks:
            if mark is not None and mark[0] == "secrecy":
                return Found(mark[1], (line,))
    return None


def _signer(source: PageSource, block: Block) -> tuple[Found | None, Found | None]:
    """The signer beside the block; when the signer's part breaks over the page, its rest is at the
    top of the next page. On a scan, the signer's column was read with the block's (the closing
    part): the body rows above it are not read for it."""
    near = source.without_signature_boxes(block.page_index, source.lines_read(block.page_index, block.heading.y0 - 20))
    signer, titles = read_signer(near)
    if signer is None and block.page_index + 1 < block.end:
        following = [l for l in source.without_signature_boxes(block.page_index + 1, source.top(block.page_index + 1))
                     if l.rel_y < 0.35]
        signer, titles = read_signer(near + following)
    if signer is None and titles is not None and titles.lines[-1].source == "ocr":
        signer = read_signer(list(titles.lines) + _rows_below(source, titles.lines[-1]))[0]
        if signer is None:
            signer = _red_name(source, titles.lines[-1])
    return signer, titles


def _signer_alone(source: PageSource) -> tuple[Found | None, Found | None]:
    """The signer of a document with no "Nơi nhận" (a Nội quy published alone, realpdf 004): a title over a
    name in the right column of the last page's closing part, both or neither."""
    name, titles = read_signer(source.without_signature_boxes(source.count - 1, source.closing(source.count - 1)))
    return (name, titles) if name is not None and titles is not None else (None, None)


def _under_title(page: PageView, title: Line) -> pymupdf.Rect:
    """Where a scan's signer's name stands: the right half of the page, below the title, 200 points deep."""
    return pymupdf.Rect(page.rect.width / 2, title.y1 + 2, page.rect.width, min(title.y1 + 200, page.rect.height))


RED_NAME_SURE = 0.8  # a name stamped in red is taken only when OCR reads it this surely (a script's strokes are not)


def _red_name(source: PageSource, title: Line) -> Found | None:
    """The signer's name stamped in red under the title (offices stamp the name as they stamp the seal):
    the red channel that fades the seal fades it too, so its rows of red ink are read in the green one."""
    page = source.view(title.page - 1)
    area = _under_title(page, title)
    if area.is_empty:
        return None
    for x0, y0, x1, y1 in red_rows(page.render(area, 72)):  # one pixel a point
        if not 6 <= y1 - y0 <= 30:  # a line of letters, not the seal
            continue
        line = ocr_band(page, title.page, pymupdf.Rect(area.x0 + x0, area.y0 + y0, area.x0 + x1, area.y0 + y1),
                        source.read_dpi, red_ink=True)
        if line is not None and (line.confidence or 0) >= RED_NAME_SURE and written_like_a_name(line.text) \
                and len(line.text) < 60:
            return Found(line.text.rstrip(".,;"), (line,))
    return None


def _rows_below(source: PageSource, title: Line) -> list[Line]:
    """The rows of ink below the signer's title on the right of a scan, each read on its own: read
    with the signature's scribble and the seal beside them, Tesseract takes a name for a picture."""
    page = source.view(title.page - 1)
    area = _under_title(page, title)
    if area.is_empty:
        return []
    image = page_image(page, area, 72, seal=True)  # one pixel a point: where the rows are, not what they say
    ink = image.point(lambda v: 255 if v < 110 else 0).resize((1, image.height), Image.Resampling.BOX).tobytes()
    dark = [value * image.width / 255 for value in ink]  # dark pixels in each row
    lines: list[Line] = []
    top: int | None = None
    for y, count in enumerate(dark + [0]):
        if count > 1 and top is None:
            top = y
        elif count <= 1 and top is not None:
            if 6 <= y - top <= 30:  # a line of text, not the scribble
                clip = pymupdf.Rect(area.x0, area.y0 + top - 3, area.x1, area.y0 + y + 3)
                lines.extend(ocr_region(page, title.page, clip, source.read_dpi))
            top = None
    return lines


# a Công điện's "VĂN PHÒNG CHÍNH PHỦ điện:" (NĐ 30/2020 Phụ lục III): its sender in capitals, then its "Kính gửi"
_TELEGRAM = re.compile(r"^(?P<sender>\S+(?:\s+\S+)+)\s+(?:điện|ĐIỆN)\s*:\s*$")
_OCR_SPECK = re.compile(r"^[^\w\s]{1,2}\s*")  # a speck OCR read before a line's first word (", Kính gửi:")
RIGHT_MARGIN = 0.85  # a line reaching this far across the page was wrapped there (NĐ 30: right margin 15–20 mm)


def _kinh_gui(lines: list[Line]) -> list[str]:
    """The "Kính gửi:" list of a letter: the text after the colon and the "- " lines below it; a line
    without a dash continues the entry above when that one is not closed by ";" or "." (a wrapped name)."""
    for index, line in enumerate(lines):
        folded = fold(line.text)
        telegram = (match := _TELEGRAM.search(line.text)) is not None and is_upper(match["sender"])
        if telegram or folded.startswith(KINH_GUI) or (line.source == "ocr" and _OCR_SPECK.sub("", folded).startswith(KINH_GUI)):
            names: list[str] = []
            after = line.text.split(":", 1)[1].strip() if ":" in line.text else ""
            names.append(after)
            previous = entry = line
            for follow in lines[index + 1:]:
                text = follow.text.strip()
                # a telegram's addressees stand left of its "… điện:", and their lines go on under the first
                left = min(line.x0, entry.x0) if telegram else line.x0
                if text.startswith(("-", "–")):
                    names.append(text)
                    entry = follow
                elif names[-1] and fold(text).startswith("DIA CHI") and _just_below(previous, follow):
                    names[-1] = names[-1].rstrip(" ,;.") + ", " + text  # a citizen's address on its own line
                elif names[-1] and not names[-1].endswith((";", ".")) and _next_line(previous, follow) \
                        and (follow.x0 >= left - 0.03 * line.page_width  # the body's paragraphs start further left,
                             or _wrapped_rest(previous, follow)):  # but an entry wrapped at the margin ends there
                    # a notation broken at its hyphen ("2764/QĐ-" and "TTg") is joined without a space
                    names[-1] += ("" if re.search(r"\S-$", names[-1]) else " ") + text
                else:
                    break
                previous = follow
            # a ";" OCR read ":" ends an entry too (realpdf 013, 014: "Văn phòng Tỉnh ủy:")
            return [n for name in names if (n := name.lstrip("-– ").rstrip(";.,:").strip())]
    return []


def _wrapped_rest(previous: Line, line: Line) -> bool:
    """Whether line, starting at the left margin, is the last of an entry wrapped at the right one: the
    line before it reaches the margin, it does not (a justified body's lines all do), and it closes the
    entry with its full stop or semicolon."""
    width = line.page_width
    return previous.x1 >= RIGHT_MARGIN * width > line.x1 and line.text.rstrip().endswith((".", ";"))


def _just_below(previous: Line, line: Line) -> bool:
    """_next_line, or a line OCR boxed taller than it is whose middle is below previous's foot (realpdf 002: a
    citizen's "Địa chỉ: …" boxed from 8 points above the name's foot, the seal's ink or a mark's with it)."""
    height = max(previous.y1 - previous.y0, 8)
    return _next_line(previous, line) or (line.page == previous.page and line.y0 > previous.y0
                                          and (line.y0 + line.y1) / 2 > previous.y1 and line.y0 - previous.y1 <= 0.5 * height)


def _next_line(previous: Line, line: Line) -> bool:
    """Whether line is the printed line just below previous, in the same paragraph (OCR's boxes
    overlap; a new paragraph stands further apart)."""
    height = max(previous.y1 - previous.y0, 8)
    if line.page != previous.page:
        return False
    if -0.45 * height <= line.y0 - previous.y1 <= 0.5 * height:
        return True
    # a row of small letters only ("ương."): OCR's box starts at their tops, lower; its foot is a row below
    return line.y0 > previous.y1 and line.y1 - previous.y1 <= 1.5 * height


def _references(source: PageSource, block: Block, parsed: Recipients, kinh_gui: list[str], notes: _Notes,
                body: bool) -> dict[str, list[str]]:
    resolved: dict[str, list[str]] = {}
    for entry in parsed.paper + parsed.electronic:
        if is_above(entry):
            if kinh_gui:
                resolved[entry] = kinh_gui
            else:
                notes.warn("reference-unresolved", f"'{entry}': văn bản không có danh sách 'Kính gửi'")
            continue
        number = article_number(entry)
        if number is None:
            continue
        if not body and any(source.scanned(i) for i in range(block.page_index + 1)):
            notes.warn("reference-unresolved",
                       f"'{entry}': thân văn bản quét chưa được đọc (việc nhận không cần; parse đọc, trừ khi có --no-body)")
            continue
        bodies = responsible_bodies(_article(source, block, number) or "")
        if bodies:
            resolved[entry] = bodies
        else:
            notes.warn("reference-unresolved", f"'{entry}': không tìm thấy các cơ quan có trách nhiệm tại Điều {number}")
    return resolved


def _article(source: PageSource, block: Block, number: int) -> str | None:
    """The article's text, looked for from the block's page back: in a decision it stands just above."""
    lines: list[Line] = []
    for index in range(block.page_index, -1, -1):
        bottom = block.heading.y0 if index == block.page_index else None
        lines = source.lines(index, 0, bottom) + lines
        text = article_text(lines, number)
        if text is not None:
            return text
    return None


def read_pdf_bytes(data: bytes, *, body: bool = False) -> Reading:
    with pymupdf.open(stream=data, filetype="pdf") as doc:
        return read_document(doc, body=body)
