"""Where the recipient block ("Nơi nhận") is: bottom left, beside the signer, often on the last page,
sometimes carried over a page break; not the same words quoted in a regulation's body or appendix."""

from __future__ import annotations

import re
from dataclasses import dataclass

from gateway.reading.lines import Line
from gateway.reading.pages import PageSource
from vntext import fold

_HEADING = re.compile(r"^NOI\s*NHAN\b")


@dataclass(frozen=True)
class Block:
    heading: Line
    lines: list[Line]  # the heading first, then the entries' lines in order, over page breaks
    page_index: int  # where the heading and the signer are
    beside_signer: bool


def is_heading(line: Line) -> bool:
    return line.left_half and bool(_HEADING.match(fold(line.text)))


def _signer_beside(lines: list[Line], heading: Line) -> bool:
    """Whether the signer's title stands on the right at the heading's height, as NĐ 30/2020 lays it out."""
    return any(
        not l.left_half and abs(l.y0 - heading.y0) < 45 and sum(c.isupper() for c in l.text) >= 3
        for l in lines
    )


def find_block(source: PageSource) -> Block | None:
    """The last heading that has the signer beside it (the closing parts of the pages from the last
    one back, then the whole last page); failing that, the last heading found anywhere read."""
    fallback: Block | None = None
    last = source.count - 1
    searches = [(index, source.closing) for index in range(last, -1, -1)]
    if source.scanned(last):
        searches.append((last, source.lines))  # the closing part was misjudged: read the whole page
    for index, read in searches:
        lines = read(index)
        for heading in reversed([l for l in lines if is_heading(l)]):
            block = _assemble(source, index, heading, _signer_beside(lines, heading))
            if block.beside_signer:
                return block
            fallback = fallback or block
    return fallback


def _assemble(source: PageSource, index: int, heading: Line, beside_signer: bool) -> Block:
    """The heading and the left-column lines that follow it without a wide gap, carried over to the
    top of the next page when the block reaches the bottom of its page."""
    kept = [heading]
    page_lines = [l for l in source.lines(index, heading.y0) if l is not heading]
    _extend(kept, page_lines)
    while kept[-1].page - 1 < source.count - 1 and kept[-1].rel_y > 0.75:
        next_index = kept[-1].page
        top = [l for l in source.top(next_index) if l.left_half]
        if not top or top[0].rel_y > 0.3 or top[0].x0 > kept[-1].page_width * 0.3:
            break
        kept.append(top[0])
        _extend(kept, top[1:])
    return Block(heading, kept, index, beside_signer)


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
