"""The particulars of a document, read by their place on the page (NĐ 30/2020 Phụ lục I layout):
issuer and number on the left of the header, place and date on the right, marks below the number,
type and summary centred below the header, signer bottom right beside the recipient block.

Each reader returns what it found with the lines it found it on (for the field's source)."""

from __future__ import annotations

import dataclasses
import difflib
import re
from dataclasses import dataclass
from datetime import date

from gateway.reading.layout import Line
from gateway.vntext import SECRECY, URGENCY, fold, one_line

DOCUMENT_TYPES = [
    "Nghị quyết", "Quyết định", "Chỉ thị", "Quy chế", "Quy định", "Thông cáo", "Thông báo",
    "Hướng dẫn", "Chương trình", "Kế hoạch", "Phương án", "Đề án", "Dự án", "Báo cáo",
    "Biên bản", "Tờ trình", "Hợp đồng", "Công điện", "Bản ghi nhớ", "Bản thỏa thuận",
    "Giấy ủy quyền", "Giấy mời", "Giấy giới thiệu", "Giấy nghỉ phép", "Phiếu gửi",
    "Phiếu chuyển", "Phiếu báo", "Thư công", "Công văn",
]
_TYPES = {fold(t): t for t in DOCUMENT_TYPES}
_MOTTO = ("CONG HOA XA HOI CHU NGHIA VIET NAM", "DOC LAP - TU DO - HANH PHUC", "DOC LAP")
_NUMBER = re.compile(r"^SO\s*(:|\d)\s*(.*)$")
_DATE = re.compile(r"^(?P<place>[^,]*?)\s*,\s*NGAY\s*(?P<d>\d{0,2})\s*THANG\s*(?P<m>\d{0,2})\s*NAM\s*(?P<y>\d{0,4})")
_VV = re.compile(r"^V\s*[/\\|]\s*[VW]\b\s*", re.I)  # "V/v", and Tesseract's "V/w"
_SIGNER_TITLE = re.compile(r"^(TM|KT|Q|TL|TUQ)\s*\.")
_PARENT_HINT = re.compile(r"^(UBND|UY BAN NHAN DAN|HDND|BO |TINH UY|HUYEN UY|THANH UY)")
_AGENCY_START = re.compile(
    r"^(SO |PHONG |BAN |VAN PHONG|TRUNG TAM|CHI CUC|THANH TRA|CUC |TONG CUC|VU |TRUONG |BENH VIEN|BAO |DAI |KHO BAC|"
    r"THUONG TRUC|HOI DONG|DOAN |CONG AN|VIEN |HOC VIEN|QUY |BAO HIEM|DANG UY|BO CHI HUY|CHI NHANH|CONG TY)"
)


@dataclass(frozen=True)
class Found:
    value: str
    lines: tuple[Line, ...]


def is_motto(line: Line) -> bool:
    return any(fold(line.text).startswith(m) for m in _MOTTO)


def is_upper(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return bool(letters) and sum(c.isupper() for c in letters) >= 0.8 * len(letters)


def number_line_index(left: list[Line]) -> int | None:
    for index, line in enumerate(left):
        if _NUMBER.match(fold(line.text)):
            return index
    return None


def read_issuer(left: list[Line]) -> tuple[Found | None, Found | None]:
    """(issuer, parent) from the left header lines above "Số:"."""
    stop = number_line_index(left)
    block = [l for l in (left[:stop] if stop is not None else left[:3]) if is_upper(l.text)]
    if not block:
        return None, None
    texts = [l.text for l in block]
    if len(block) >= 2 and _under_parent(block):
            return Found(one_line(" ".join(texts[1:])), tuple(block[1:])), Found(texts[0], (block[0],))
    return Found(one_line(" ".join(texts)), tuple(block)), None


def _under_parent(block: list[Line]) -> bool:
    """Whether the first issuer line is the parent agency's (NĐ 30/2020 PL I: the parent line is
    regular, the issuing agency's bold). The text layer says which lines are bold; for OCR the ink
    density stands in for the font, and only where the next line opens an agency's name (a wrapped
    "ỦY BAN NHÂN DÂN TỈNH BẮC / KẠN" has a short last line whose ink density varies)."""
    first, rest = block[0], block[1:]
    opens_agency = bool(_AGENCY_START.match(fold(rest[0].text)))
    if _PARENT_HINT.match(fold(first.text)) and opens_agency:
        return True
    if first.ink is not None and all(l.ink is not None for l in rest):
        return opens_agency and all(l.ink > 1.2 * first.ink for l in rest if l.ink is not None)
    return all(l.bold for l in rest) and not first.bold


def read_number(left: list[Line]) -> Found | None:
    index = number_line_index(left)
    if index is None:
        return None
    text = left[index].text
    value = text.split(":", 1)[1] if ":" in text else re.sub(r"^\S+", "", text)
    value = re.sub(r"\s+", "", value)
    return Found(value, (left[index],)) if value else None


def read_place_date(right: list[Line]) -> tuple[Found | None, Found | None]:
    """(place, ISO date); a date left blank to be filled in by hand is None."""
    for line in _rows(right):
        match = _DATE.match(fold(line.text))
        if not match:
            continue
        place = one_line(line.text[: line.text.index(",")])
        try:
            value: str | None = date(int(match["y"]), int(match["m"]), int(match["d"])).isoformat()
        except ValueError:
            value = None
        return (Found(place, (line,)) if place else None), (Found(value, (line,)) if value else None)
    return None, None


def _rows(lines: list[Line]) -> list[Line]:
    """Pieces of one printed row joined left to right (OCR cuts a date line at its blanks)."""
    rows: list[Line] = []
    for line in sorted(lines, key=lambda l: (l.page, l.y0)):
        last = rows[-1] if rows else None
        if last is not None and last.page == line.page and min(last.y1, line.y1) - max(last.y0, line.y0) > 0.5 * min(
            last.y1 - last.y0, line.y1 - line.y0
        ):
            first, second = (last, line) if last.x0 <= line.x0 else (line, last)
            rows[-1] = dataclasses.replace(
                first, x1=max(first.x1, second.x1), y0=min(first.y0, second.y0), y1=max(first.y1, second.y1),
                text=first.text + " " + second.text,
                confidence=None if first.confidence is None else min(first.confidence, second.confidence or 0),
            )
            continue
        rows.append(line)
    return rows


def _mark(text: str) -> tuple[str, str] | None:
    """("urgency"|"secrecy", the mark as written in NĐ 30) for a stamp's text; OCR of a framed stamp
    may garble a letter ("MẠẬT"), so a near spelling of these six words counts, and the field's
    confidence (the OCR's) says how sure it is."""
    folded = fold(text).strip(" .:|[]()")
    for kind, marks in (("urgency", URGENCY), ("secrecy", SECRECY)):
        if folded in marks:
            return kind, marks[folded]
    squashed = folded.replace(" ", "")
    for kind, marks in (("urgency", URGENCY), ("secrecy", SECRECY)):
        for key, value in marks.items():
            if len(squashed) <= len(key) + 2 and difflib.SequenceMatcher(None, squashed, key.replace(" ", "")).ratio() >= 0.85:
                return kind, value
    return None


def read_marks(left: list[Line]) -> tuple[Found | None, Found | None]:
    """Urgency and secrecy stamps: whole lines below the number on the left of the header (the same
    words in ordinary text are not marks)."""
    start = number_line_index(left)
    urgency = secrecy = None
    for line in left[(start + 1) if start is not None else 0:]:
        mark = _mark(line.text)
        if mark is None:
            continue
        kind, value = mark
        if kind == "urgency" and urgency is None:
            urgency = Found(value, (line,))
        elif kind == "secrecy" and secrecy is None:
            secrecy = Found(value, (line,))
    return urgency, secrecy


def read_vv_summary(left: list[Line]) -> Found | None:
    """The summary of a letter: "V/v …" under its number, over one or more lines."""
    start = number_line_index(left)
    if start is None:
        return None
    summary: list[Line] = []
    for line in left[start + 1:]:
        folded = fold(line.text)
        if not summary:
            if _VV.match(line.text):
                summary.append(line)
            continue
        if folded.strip(" .:") in URGENCY or folded.strip(" .:") in SECRECY or is_upper(line.text):
            break
        if not _follows(summary[-1], line):
            break
        summary.append(line)
    if not summary:
        return None
    text = one_line(" ".join(l.text for l in summary))
    return Found(_VV.sub("V/v ", text, count=1), tuple(summary))


def _follows(previous: Line, line: Line) -> bool:
    """Whether line continues the paragraph of previous (no more than a line's spacing apart)."""
    height = max(previous.y1 - previous.y0, 8)
    return -2 <= line.y0 - previous.y1 <= 0.9 * height


def _same_weight(a: Line, b: Line) -> bool:
    if a.ink is not None and b.ink is not None:
        return max(a.ink, b.ink) <= 1.25 * min(a.ink, b.ink)
    return a.bold == b.bold


def read_type_and_summary(body: list[Line]) -> tuple[Found | None, Found | None]:
    """The centred type heading below the header and the summary lines after it."""
    for index, line in enumerate(body):
        folded = fold(line.text).rstrip(" :")
        if folded in _TYPES and is_upper(line.text):
            summary: list[Line] = []
            for follow in body[index + 1:]:
                f = fold(follow.text)
                if f.startswith(("CAN CU", "KINH GUI", "DIEU ", "CHUONG ")) or set(follow.text) <= set("-_— "):
                    break
                if summary and not (_follows(summary[-1], follow) and _same_weight(summary[-1], follow)):
                    break  # the summary is bold (NĐ 30/2020); the body below it is not
                summary.append(follow)
            text = one_line(" ".join(l.text for l in summary))
            return Found(_TYPES[folded], (line,)), (Found(text, tuple(summary)) if text else None)
    return None, None


def _looks_like_name(text: str) -> bool:
    """A person's name as signed: two to six capitalised words ("Hoàng Đức Thắng")."""
    words = text.split()
    return 2 <= len(words) <= 6 and all(w[0].isupper() and w.isalpha() for w in words) and not is_upper(text)


def read_signer(lines: list[Line]) -> tuple[Found | None, Found | None]:
    """(name, title lines joined by newlines) from the right half of the signer's part, in order."""
    right = [dataclasses.replace(l, text=l.text.lstrip("-—–=_~.,'‘’\"| ")) for l in lines if not l.left_half]
    titles: list[Line] = []
    name: Line | None = None
    for line in right:
        folded = fold(line.text)
        if len(line.text) < 3 or (line.confidence is not None and line.confidence < 0.5):
            continue  # a seal's or a signature's scribble read as letters
        if name is None and (_SIGNER_TITLE.match(folded) or (is_upper(line.text) and len(line.text) < 60)):
            titles.append(line)
            continue
        if (titles or _looks_like_name(line.text)) and not line.text.startswith("(") and len(line.text) < 60 and not is_upper(line.text):
            name = line  # the last plain line of the block is the name (a seal may hide the title)
    name_found = Found(name.text, (name,)) if name else None
    titles_found = Found("\n".join(l.text for l in titles), tuple(titles)) if titles else None
    return name_found, titles_found
