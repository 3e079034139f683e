"""The particulars of a document, read by their place on the page (NĐ 30/2020 Phụ lục I layout):
issuer and number on the left of the header, place and date on the right, marks below the number,
type and summary centred below the header, signer bottom right of the last page."""

from __future__ import annotations

import re
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
_SIGNER_TITLE = re.compile(r"^(TM|KT|Q|TL|TUQ)\s*\.")
_PARENT_HINT = re.compile(r"^(UBND|UY BAN NHAN DAN|HDND|BO |TINH UY|HUYEN UY|THANH UY)")
_AGENCY_START = re.compile(
    r"^(SO |PHONG |BAN |VAN PHONG|TRUNG TAM|CHI CUC|THANH TRA|CUC |VU |TRUONG |BENH VIEN|BAO |DAI |KHO BAC|BAN QUAN LY)"
)


def _is_motto(line: Line) -> bool:
    return any(fold(line.text).startswith(m) for m in _MOTTO)


def _is_upper(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return bool(letters) and sum(c.isupper() for c in letters) >= 0.8 * len(letters)


def number_line_index(left: list[Line]) -> int | None:
    for index, line in enumerate(left):
        if _NUMBER.match(fold(line.text)):
            return index
    return None


def read_issuer(left: list[Line]) -> tuple[str | None, str | None]:
    """(issuer, parent) from the left header lines above "Số:"."""
    stop = number_line_index(left)
    block = [l for l in (left[:stop] if stop is not None else left[:3]) if _is_upper(l.text)]
    if not block:
        return None, None
    texts = [l.text for l in block]
    if len(block) >= 2:
        first_bold, rest_bold = block[0].bold, all(l.bold for l in block[1:])
        if (rest_bold and not first_bold) or (
            _PARENT_HINT.match(fold(texts[0])) and _AGENCY_START.match(fold(texts[1]))
        ):
            return one_line(" ".join(texts[1:])), texts[0]
    return one_line(" ".join(texts)), None


def read_number(left: list[Line]) -> str | None:
    index = number_line_index(left)
    if index is None:
        return None
    text = left[index].text
    value = text.split(":", 1)[1] if ":" in text else re.sub(r"^\S+", "", text)
    value = re.sub(r"\s+", "", value)
    return value or None


def read_place_date(right: list[Line]) -> tuple[str | None, str | None]:
    for line in right:
        match = _DATE.match(fold(line.text))
        if not match:
            continue
        place = one_line(line.text[: line.text.index(",")]) or None
        try:
            value = date(int(match["y"]), int(match["m"]), int(match["d"])).isoformat()
        except ValueError:
            value = None  # a date left blank to be filled in by hand
        return place, value
    return None, None


def read_marks(left: list[Line]) -> tuple[str | None, str | None]:
    """Urgency and secrecy stamps: whole lines below the number on the left of the header."""
    start = number_line_index(left)
    urgency = secrecy = None
    for line in left[(start + 1) if start is not None else 0:]:
        folded = fold(line.text).strip(" .:")
        if folded in URGENCY and urgency is None:
            urgency = URGENCY[folded]
        elif folded in SECRECY and secrecy is None:
            secrecy = SECRECY[folded]
    return urgency, secrecy


def read_vv_summary(left: list[Line]) -> str | None:
    start = number_line_index(left)
    if start is None:
        return None
    summary: list[Line] = []
    for line in left[start + 1:]:
        folded = fold(line.text)
        if not summary:
            if folded.startswith("V/V"):
                summary.append(line)
            continue
        if folded.strip(" .:") in URGENCY or folded.strip(" .:") in SECRECY or _is_upper(line.text):
            break
        if not _follows(summary[-1], line):
            break
        summary.append(line)
    return one_line(" ".join(l.text for l in summary)) if summary else None


def _follows(previous: Line, line: Line) -> bool:
    """Whether line continues the paragraph of previous (no more than a line's spacing apart)."""
    height = max(previous.y1 - previous.y0, 8)
    return 0 <= line.y0 - previous.y1 <= 0.9 * height


def read_type_and_summary(body: list[Line]) -> tuple[str | None, str | None]:
    """The centred type heading below the header and the summary lines after it."""
    for index, line in enumerate(body):
        folded = fold(line.text)
        if folded in _TYPES and _is_upper(line.text):
            summary: list[Line] = []
            for follow in body[index + 1:]:
                f = fold(follow.text)
                if f.startswith(("CAN CU", "KINH GUI", "DIEU ", "CHUONG ")) or set(follow.text) <= set("-_ "):
                    break
                if summary and not _follows(summary[-1], follow):
                    break
                summary.append(follow)
            return _TYPES[folded], (one_line(" ".join(l.text for l in summary)) or None)
    return None, None


def read_signer(lines: list[Line], top: float) -> tuple[str | None, list[str]]:
    """Signer's title lines and name from the right half of the last page, below `top`."""
    right = [l for l in lines if not l.left_half and l.y0 >= top]
    titles: list[str] = []
    name: str | None = None
    for line in right:
        folded = fold(line.text)
        if _SIGNER_TITLE.match(folded) or (_is_upper(line.text) and not titles and len(line.text) < 60):
            if name is None:
                titles.append(line.text)
            continue
        if titles and _is_upper(line.text) and name is None:
            titles.append(line.text)
            continue
        if titles and not line.text.startswith("(") and len(line.text) < 60:
            name = line.text  # the last plain line of the block is the name
    return name, titles


def is_motto(line: Line) -> bool:
    return _is_motto(line)
