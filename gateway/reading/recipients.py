"""The recipient block ("Nơi nhận"): paper, electronic and archive entries, as written.

Bắc Giang QĐ 133/2015 Đ6: entries above "Bản điện tử" go on paper, entries below it electronically;
Bắc Kạn QĐ 26/2020 Đ10.3 writes "Gửi bản giấy:" / "Gửi bản điện tử:". Without an electronic
sub-heading every entry is listed as paper, as written.
"""

from __future__ import annotations

import re

from gateway.model import Recipients
from gateway.vntext import fold, one_line

_HEADING = re.compile(r"^NOI NHAN\s*:?\s*", re.I)
_ELECTRONIC = re.compile(r"^(GUI\s+)?BAN DIEN TU\s*:?\s*$")
_PAPER = re.compile(r"^(GUI\s+)?BAN GIAY\s*:?\s*$")
_ARCHIVE = re.compile(r"^LUU\b")


def _clean(entry: str) -> str:
    entry = one_line(entry)
    entry = re.sub(r"^[-–•+]\s*", "", entry)
    return entry.rstrip(" ;.,").strip()


def parse_block(lines: list[str]) -> Recipients | None:
    """Parse the lines of a recipient block, starting at the line holding "Nơi nhận"."""
    if not lines or not _HEADING.match(fold(lines[0])):
        return None
    first = lines[0]
    rest = first.split(":", 1)[1] if ":" in first else ""
    raw_lines = ([rest] if rest.strip() else []) + lines[1:]

    sections: dict[str, list[str]] = {"paper": [], "electronic": []}
    current = "paper"
    archive: str | None = None
    entries: list[tuple[str, str]] = []  # (section, raw entry text)
    parent: str | None = None  # an entry ending with ":" whose "+" items follow
    for line in raw_lines:
        text = one_line(line)
        if not text:
            continue
        folded = fold(text)
        if _ELECTRONIC.match(folded):
            current, parent = "electronic", None
            continue
        if _PAPER.match(folded):
            current, parent = "paper", None
            continue
        if text.startswith("+") and parent is not None:
            entries.append((current, f"{parent}: {_clean(text)}"))
            continue
        if text[0] in "-–•+" or not entries:
            cleaned = _clean(text)
            if cleaned.endswith(":"):
                parent = cleaned.rstrip(":").strip()
                entries.append((current, "\0" + parent))  # placeholder, dropped if items follow
            else:
                parent = None
                entries.append((current, cleaned))
            continue
        # a wrapped continuation of the previous entry
        section, previous = entries[-1]
        entries[-1] = (section, _clean(previous.rstrip(";,.") + " " + text))
    kept: list[tuple[str, str]] = []
    for index, (section, entry) in enumerate(entries):
        if entry.startswith("\0"):
            name = entry[1:]
            has_items = index + 1 < len(entries) and entries[index + 1][1].startswith(name + ":")
            if not has_items:
                kept.append((section, name))
            continue
        kept.append((section, entry))
    for section, entry in kept:
        if _ARCHIVE.match(fold(entry)):
            archive = entry
        elif entry:
            sections[section].append(entry)
    return Recipients(paper=sections["paper"], electronic=sections["electronic"], archive=archive)
