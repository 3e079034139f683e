"""Where the recipient block ("Nơi nhận") is: bottom left, beside the signer, often on the last page,
sometimes carried over a page break; not the same words quoted in a regulation's body or appendix."""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass

from gateway.reading.lines import Line
from gateway.reading.pages import PageSource
from vntext import fold

_HEADING = re.compile(r"^NOI\s*NHAN\b")
# a scan's heading OCR garbled after its "Nơi" under a signature's stroke (realpdf 006: "Nơi KiẾ 2"), taken as one only
# where an entry's dash opens the next line on the left
_GARBLED_HEADING = re.compile(r"^NOI\b\W*\w{0,4}\W*\w{0,2}\W*$")
# a scan's "Nơi" OCR read with one letter off ("Nữi nhận:", realpdf 010), taken as the heading only where an entry's
# dash opens the next line on the left
_MISREAD_HEADING = re.compile(r"^N\wI\s*NHAN\b")
_ENTRY = re.compile(r"^\s*[-–—+•~]")
GARBLED_BELOW = 0.7  # a garbled heading's OCR confidence is below this ("Nơi KiẾ 2": 52 %)
_NOT_A_HEADING = {"HOP", "O", "SINH", "DEN", "DI", "CAP", "LAM", "GUI", "CU", "TRU", "DAT", "XAY", "BAN", "KHAC", "NAO"}
PAGES_LOOKED_AT = 20  # pages after the first looked at for another document's head (a long scan costs no more)


@dataclass(frozen=True)
class Block:
    heading: Line
    lines: list[Line]  # the heading first, then the entries' lines in order, over page breaks
    page_index: int  # where the heading and the signer are
    beside_signer: bool
    end: int  # the first page past the document the block closes (the file's page count, or where another begins)


def is_heading(line: Line) -> bool:
    return line.left_half and bool(_HEADING.match(fold(line.text)))


def _headings(lines: list[Line]) -> list[Line]:
    """The block headings among a page's lines; one OCR garbled is given its words back."""
    left = [l for l in lines if l.left_half]
    found: list[Line] = []
    for index, line in enumerate(left):
        below = left[index + 1] if index + 1 < len(left) else None
        if is_heading(line):
            found.append(line)
        elif line.source != "ocr" or below is None or not _ENTRY.match(below.text):
            continue
        elif _MISREAD_HEADING.match(fold(line.text)) or (
                _GARBLED_HEADING.match(fold(line.text)) and (line.confidence or 0) < GARBLED_BELOW
                and not _NOT_A_HEADING & set(re.findall(r"\w+", fold(line.text)))):  # "Nơi họp:" read surely is no heading
            found.append(dataclasses.replace(line, text="Nơi nhận:"))
    return found


def _signer_beside(lines: list[Line], heading: Line) -> bool:
    """Whether the signer's title stands on the right at the heading's height, as NĐ 30/2020 lays it out."""
    return any(
        not l.left_half and abs(l.y0 - heading.y0) < 45 and sum(c.isupper() for c in l.text) >= 3
        for l in lines
    )


def find_block(source: PageSource) -> Block | None:
    """The document's block: the last one of the file, unless another document bound behind the first
    begins on or before its page (a proposal's draft with its own signer and block): then the last one
    before that document."""
    block = _last_block(source, source.count)
    if block is None or block.page_index == 0:
        return block
    behind = next((i for i in range(1, min(block.page_index, PAGES_LOOKED_AT) + 1) if source.opens_a_document(i)), None)
    before = _last_block(source, behind) if behind is not None else None
    # a block beside a signer with an entry's dash under its heading, not a body's "Nơi nhận hồ sơ: …" line
    if before is not None and before.beside_signer and any(_ENTRY.match(l.text) for l in before.lines[1:]):
        return before
    return block


def _last_block(source: PageSource, end: int) -> Block | None:
    """The last heading before page `end` that has the signer beside it (the closing parts of the pages
    from the last one back, then the whole last page); failing that, the last heading found anywhere read."""
    fallback: Block | None = None
    last = end - 1
    searches = [(index, source.closing) for index in range(last, -1, -1)]
    if source.scanned(last):
        searches.append((last, source.whole))  # the closing part was misjudged: read the whole page
    for index, read in searches:
        lines = read(index)
        for heading in reversed(_headings(lines)):
            block = _assemble(source, index, heading, _signer_beside(lines, heading), end)
            if block.beside_signer:
                return block
            fallback = fallback or block
    return fallback


def _assemble(source: PageSource, index: int, heading: Line, beside_signer: bool, end: int) -> Block:
    """The heading and the left-column lines that follow it without a wide gap, carried over to the
    top of the next page when the block reaches the bottom of its page."""
    kept = [heading]
    page_lines = [l for l in source.lines(index, heading.y0) if (l.x0, l.y0) != (heading.x0, heading.y0)]
    _extend(kept, page_lines)
    while kept[-1].page < end and kept[-1].rel_y > 0.75:
        next_index = kept[-1].page
        top = [l for l in source.top(next_index) if l.left_half]
        if not top or top[0].rel_y > 0.3 or top[0].x0 > kept[-1].page_width * 0.3:
            break
        kept.append(top[0])
        _extend(kept, top[1:])
    return Block(heading, kept, index, beside_signer, end)


def _extend(kept: list[Line], following: list[Line]) -> None:
    for line in following:
        if not line.left_half:
            if line.x0 < line.page_width * 0.35:
                return  # a full-width line: the body (or an appendix) starts again
            continue  # the signer's column
        previous = kept[-1]
        height = max(previous.y1 - previous.y0, 8)
        if line.page == previous.page and line.y0 - previous.y1 > 2.6 * height:
            return
        if line.confidence is not None and line.confidence < 0.4 and len(line.text) < 4:
            continue  # a speck read as a letter
        kept.append(line)
