"""The number and date a signature's visible stamp writes into the blanks the page's text leaves.

A document issued electronically gets its number and date from the system as the office signs it
(NĐ 30/2020 Đ15.2): the page's text has blanks ("Số:      /STC-VP", "ngày     tháng 01 năm 2026")
and the office's signature widgets draw the figures over them. MuPDF reads those appearances after
the whole page's own text, as lines of their own; here each figure is put back into the blank it
fills, by its place on the page.
"""

from __future__ import annotations

import dataclasses
import re
from collections import Counter
from dataclasses import dataclass
from typing import Any

import pymupdf

from gateway.reading.lines import Line
from gateway.reading.particulars import BLANK_RUN
from vntext import one_line

_LETTERS = re.compile(r"[^\W\d_]")
_FIGURES = re.compile(r"\d{1,6}")  # a number, a day or a month: what a stamp writes into a blank
REACH = 1.5  # how far beside a line (in line heights) a stamp still fills its blank
OVERLAP = 0.3  # a stamp over more of a printed word's width than this fills no blank


@dataclass(frozen=True)
class Word:
    text: str
    x0: float
    y0: float
    x1: float
    y1: float

    @property
    def cx(self) -> float:
        return (self.x0 + self.x1) / 2

    @property
    def cy(self) -> float:
        return (self.y0 + self.y1) / 2


def fill_blanks(lines: list[Line], words: list[Word], stamps: list[Word]) -> list[Line]:
    """The page's lines with each stamped figure written into the blank it fills.

    `lines`: the page's lines as the text layer gives them, each stamp among them as a line of its
    own; `words`: the page's own words (without the stamps); `stamps`: the words its signatures'
    appearances draw. A figure fills a blank when it stands on a line of the page's own text, in a
    gap between its words or just beside it; the line (two, when the figure stands between them)
    then reads its words and the figures from left to right. Other stamps are left as they are."""
    stamp_lines = {i for i, line in enumerate(lines) if _drawn_by(line, stamps)}
    groups: list[tuple[set[int], list[Word]]] = []  # host lines and the figures written into them
    for stamp in stamps:
        if not _FIGURES.fullmatch(stamp.text):
            continue
        hosts = {i for i, line in enumerate(lines) if i not in stamp_lines and _hosts(line, stamp)}
        if not hosts or _covers_words(stamp, [w for w in words if any(_inside(w, lines[i]) for i in hosts)]):
            continue
        joined = [g for g in groups if g[0] & hosts]
        for group in joined:
            groups.remove(group)
            hosts |= group[0]
        groups.append((hosts, [s for g in joined for s in g[1]] + [stamp]))
    if not groups:
        return lines
    placed = [s for _, figures in groups for s in figures]
    completed = {min(hosts): _complete([lines[i] for i in sorted(hosts)], words, figures) for hosts, figures in groups}
    replaced = {i for hosts, _ in groups for i in hosts} | {i for i in stamp_lines if _drawn_by(lines[i], placed)}
    return [completed[i] if i in completed else line for i, line in enumerate(lines)
            if i in completed or i not in replaced]


def _complete(hosts: list[Line], words: list[Word], figures: list[Word]) -> Line:
    own = [w for w in words if any(_inside(w, h) for h in hosts)]
    text = one_line(" ".join(w.text for w in sorted(own + figures, key=lambda w: w.x0)))
    first = hosts[0]
    boxes: list[Line | Word] = [*hosts, *figures]
    return dataclasses.replace(
        first, x0=min(b.x0 for b in boxes), y0=min(b.y0 for b in boxes),
        x1=max(b.x1 for b in boxes), y1=max(b.y1 for b in boxes),
        text=text, bold=all(h.bold for h in hosts), source="stamp",
    )


def _hosts(line: Line, stamp: Word) -> bool:
    """Whether the stamp stands on the line: on its row, within it or close beside it."""
    height = line.y1 - line.y0
    overlap = min(line.y1, stamp.y1) - max(line.y0, stamp.y0)
    if overlap < 0.5 * min(height, stamp.y1 - stamp.y0):
        return False
    return line.x0 - REACH * height <= stamp.cx <= line.x1 + REACH * height


def _covers_words(stamp: Word, words: list[Word]) -> bool:
    """Whether the stamp lies over printed words rather than in a blank."""
    width = max(stamp.x1 - stamp.x0, 1.0)
    return any(min(stamp.x1, w.x1) - max(stamp.x0, w.x0) > OVERLAP * width for w in words)


def _inside(word: Word, line: Line) -> bool:
    return line.x0 - 1 <= word.cx <= line.x1 + 1 and line.y0 - 1 <= word.cy <= line.y1 + 1


def _drawn_by(line: Line, stamps: list[Word]) -> bool:
    """Whether the line is made only of the stamps' words (a stamp's own line in the text layer)."""
    tokens = line.text.split()
    here = Counter(s.text for s in stamps if _inside(s, line))
    return bool(tokens) and not Counter(tokens) - here


def page_stamps(page: pymupdf.Page, flags: int, rects: list[pymupdf.Rect]) -> tuple[list[Word], list[Word]]:
    """(the page's own words, the words the signature widgets in `rects` draw). The page's text with
    its appearances and without them differ by just those words."""
    own = [w[:5] for w in pymupdf.TextPage(page.get_displaylist(annots=False).get_textpage(flags)).extractWORDS()]
    drawn = Counter(w[:5] for w in page.get_text("words", flags=flags)) - Counter(own)
    stamps = [_word(w) for w in drawn.elements() if any(r.contains(_centre(w)) for r in rects)]
    # a box drawing words of letters is a signature's own ("Nguyễn Văn A 25 11 2026"), no office's stamp: its figures
    # fill no blank (red team 47: a leader's box over the blank read as the number "25112026/STP-VP")
    named = [r for r in rects if any(_LETTERS.search(s.text) and r.contains(pymupdf.Point(s.cx, s.cy)) for s in stamps)]
    stamps = [s for s in stamps if not any(r.contains(pymupdf.Point(s.cx, s.cy)) for r in named)]
    rows = [(s.y0, s.y1) for s in stamps]  # only the words on the stamps' rows are needed
    near = [part for w in own if any(w[1] < y1 and w[3] > y0 for y0, y1 in rows) for part in _without_dots(_word(w))]
    return near, sorted(stamps, key=lambda w: (w.y0, w.x0))


def _without_dots(word: Word) -> list[Word]:
    """A word without the dots, dashes or line a blank is written with ("………/STP-VP" → "/STP-VP", "ngày……tháng" →
    "ngày", "tháng", "·····" → nothing): a stamp over them fills the blank (red teams 45, 46: "25" over "……" filled
    none, and a revision cut before the month's stamp was registered undated). Each piece's place is taken as its
    share of the word's characters."""
    runs = [m.span() for m in re.finditer(BLANK_RUN, word.text)]
    if not runs:
        return [word]
    edges = [0, *(i for span in runs for i in span), len(word.text)]
    pieces = [(start, word.text[start:end]) for start, end in zip(edges[::2], edges[1::2], strict=True) if end > start]
    share = (word.x1 - word.x0) / max(len(word.text), 1)
    return [Word(text, word.x0 + share * start, word.y0, word.x0 + share * (start + len(text)), word.y1)
            for start, text in pieces]


def _centre(raw: tuple[Any, ...]) -> pymupdf.Point:
    return pymupdf.Point((raw[0] + raw[2]) / 2, (raw[1] + raw[3]) / 2)


def _word(raw: tuple[Any, ...]) -> Word:
    x0, y0, x1, y1, text = raw[:5]
    return Word(text, x0, y0, x1, y1)


def without_signature_boxes(page: pymupdf.Page, lines: list[Line], flags: int) -> list[Line]:
    """The lines but those a signed signature's box draws alone (its holder, its time of signing: NĐ 30/2020 has an
    agency's signature show them): no field of the page's own (red team 55: the box under the leader's name was read as
    the signer, "Sở Tư pháp tỉnh Bắc")."""
    rects = [w.rect for w in page.widgets(types=[pymupdf.mupdf.PDF_WIDGET_TYPE_SIGNATURE]) if w.is_signed]
    boxed = [l for l in lines if any(r.contains(pymupdf.Point(l.cx, (l.y0 + l.y1) / 2)) for r in rects)]
    if not boxed:
        return lines
    # a line is the box's when none of its words is one of the page's own under it: the box's own words are not
    # looked for (pyHanko's default box, UTF-16 read byte by byte, makes a word of each letter), and a box over the
    # name's line holds the name's words under its first line (red team 57)
    own = [_word(w) for w in pymupdf.TextPage(page.get_displaylist(annots=False).get_textpage(flags)).extractWORDS()]
    drawn = {id(l) for l in boxed if not any(_inside(w, l) and w.text in l.text.split() for w in own)}
    return [line for line in lines if id(line) not in drawn]


def with_stamps(page: pymupdf.Page, lines: list[Line], flags: int) -> list[Line]:
    """The page's lines with the figures its signatures stamp into blanks (as they are without). The
    page's text is read again only where a signature widget holds a line with a figure."""
    rects = [w.rect for w in page.widgets(types=[pymupdf.mupdf.PDF_WIDGET_TYPE_SIGNATURE])]
    if not any(r.contains(pymupdf.Point(l.cx, (l.y0 + l.y1) / 2)) and any(_FIGURES.fullmatch(t) for t in l.text.split())
               for l in lines for r in rects):
        return lines
    words, stamps = page_stamps(page, flags, rects)
    return fill_blanks(lines, words, stamps) if stamps else lines
