"""The recipient block ("Nơi nhận"): paper, electronic and archive entries, as written.

Bắc Giang QĐ 133/2015 Đ6: entries above "Bản điện tử" go on paper, entries below it electronically;
Bắc Kạn QĐ 26/2020 Đ10.3 writes "Gửi bản giấy:" / "Gửi bản điện tử:". Without an electronic
sub-heading every entry is listed as paper, as written.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from gateway.model import Recipients
from vntext import fold, one_line

_HEADING = re.compile(r"^NOI NHAN\s*:?\s*", re.I)
# with where it goes in brackets ("Bản điện tử (qua Hệ thống QLVB):"), "Bản ĐT:" with its colon (red team 148)
_ELECTRONIC = re.compile(r"^(GUI\s+)?BAN (DIEN TU\s*(\([^()]*\))?\s*:?|DT\s*(\([^()]*\))?\s*:)\s*$")
_PAPER = re.compile(r"^(GUI\s+)?BAN GIAY\s*(\([^()]*\))?\s*:?\s*$")
# "Lưu: VT, …" (NĐ 30/2020 Phụ lục I), its first letter bent by OCR before ": VT" ("bưu: VT": a 300 dpi colour scan
# of the corpus's 012 made an entry "bưu: VTI:TCT(VT,GS5)"; "Bưu điện tỉnh" is an entry, with no colon and VT after it)
_ARCHIVE = re.compile(r"^(LUU\b|[BI1|]UU\s*[:;]\s*V)")
_DASH = "-–•+~*"  # an entry's dash, and OCR's "~" or "*" for it
_LEADING_DASH = re.compile(r"^[-–•+~*]+\s*")  # "- ", and OCR's "~ ", "~-" or "* " for it


def _clean(entry: str) -> str:
    """An entry as written, without its leading "- " and its trailing ";" or "."."""
    entry = one_line(entry)
    entry = _LEADING_DASH.sub("", entry)
    return entry.rstrip(" ;.,").strip()


@dataclass
class _Entry:
    section: str  # "paper" or "electronic"
    text: str  # as written, over its wrapped lines, without the leading "- "
    parent: str | None = None  # for a "+" item: the entry it belongs to ("Văn phòng UBND tỉnh")
    has_items: bool = False  # an entry ending with ":" whose "+" items follow

    def value(self) -> str:
        text = _clean(self.text)
        if self.parent is None or _ARCHIVE.match(fold(text)):
            return text  # "+ Lưu: VT, VX2" under its parent is still the archive entry, as written
        return f"{self.parent}: {text}"


def parse_block(lines: list[str]) -> Recipients | None:
    """Parse the lines of a recipient block, starting at the line holding "Nơi nhận"."""
    if not lines or not _HEADING.match(fold(lines[0])):
        return None
    first = lines[0]
    rest = first.split(":", 1)[1] if ":" in first else ""
    section = "paper"
    heading = False
    entries: list[_Entry] = []
    parent: _Entry | None = None  # the last entry ending with ":", whose "+" items may follow
    for line in ([rest] if rest.strip() else []) + lines[1:]:
        text = one_line(line)
        if not text:
            continue
        folded = fold(text)
        if _ELECTRONIC.match(folded) or _PAPER.match(folded):
            section, parent = ("electronic" if _ELECTRONIC.match(folded) else "paper"), None
            heading = heading or section == "electronic"
            continue
        if text.startswith("+") and parent is not None:
            parent.has_items = True
            entries.append(_Entry(section, text[1:].strip(), parent=_clean(parent.text).rstrip(":").strip()))
            continue
        previous = entries[-1] if entries else None
        # a line without a dash continues the entry above, unless that one was closed by ";" or "."
        if previous is not None and text[0] not in _DASH and not previous.text.rstrip().endswith((";", ".")):
            previous.text += " " + text
            continue
        entry = _Entry(section, _LEADING_DASH.sub("", text))
        entries.append(entry)
        parent = entry if entry.text.rstrip().endswith(":") else None
    paper: list[str] = []
    electronic: list[str] = []
    archive: str | None = None
    for entry in entries:
        if entry.has_items:
            continue  # its "+" items stand for it
        value = entry.value().rstrip(":").strip()
        if not value:
            continue
        if _ARCHIVE.match(fold(value)):
            archive = value
        else:
            (electronic if entry.section == "electronic" else paper).append(value)
    return Recipients(paper=paper, electronic=electronic, archive=archive, electronic_heading=heading)


def ocr_archive(archive: str | None) -> str | None:
    """The archive entry read by OCR, with its first item put right when OCR bent it: NĐ 30/2020
    Phụ lục I writes "Lưu: VT, <the drafting unit>", and "VT" comes out as "VI", "VF" or "V1", its colon as ";"."""
    if archive is None:
        return None
    archive = re.sub(r"^[bBI1|]ưu(?=\s*[:;]\s*V)", "Lưu", archive)
    archive = re.sub(r"^Lưu\s*;", "Lưu:", archive)
    return re.sub(r"^(Lưu\s*:\s*)V[IlF1f|T]\b", r"\1VT", archive)
