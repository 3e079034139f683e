"""Lines of text with their place on the page, from PyMuPDF's text layer."""

from __future__ import annotations

import dataclasses
import re
from itertools import pairwise
from typing import Any

import pymupdf

from gateway.reading.lines import Line
from gateway.reading.stamps import with_stamps
from gateway.reading.visibility import DrawingLog, HiddenText, hidden_text
from vntext import fold, nfc, one_line
from vntext.legacy import legacy_font, to_unicode


TEXT_FLAGS = pymupdf.TEXTFLAGS_TEXT & ~pymupdf.TEXT_PRESERVE_IMAGES  # the page's text, its pictures aside


def page_lines(page: pymupdf.Page, page_number: int, log: DrawingLog, *,
               keep_hidden: bool = False) -> tuple[list[Line], list[HiddenText]]:
    """The page's lines, top to bottom then left to right; spans on one baseline are one line
    only when they are close together (the two header columns stay apart). And the page's text no
    one sees (visibility.hidden_text; `log`: what the page draws), left out of the lines."""
    width, height = page.rect.width, page.rect.height
    lines: list[Line] = []
    flags = TEXT_FLAGS
    data = page.get_text("dict", flags=flags)
    marked = _drawn_for_empty_fields(page, flags)
    # what the page shows: not text drawn invisibly (render mode 3, a scanner's own OCR under its image),
    # nor what MuPDF draws for an empty signature field
    shown = [[s for s in line.get("spans", []) if s.get("text", "").strip() and s.get("alpha", 255) > 0
              and not _marker(s, marked)] for block in data.get("blocks", []) for line in block.get("lines", [])]
    hidden = hidden_text(page, [s for line in shown for s in line], log)
    unseen = set() if keep_hidden else {(h.origin, h.text) for h in hidden}  # kept: what the text layer alone says
    for line_spans in shown:
        spans = [s for s in line_spans if (tuple(s["origin"]), s["text"]) not in unseen]
        if not spans:
            continue
        if page.rotation:  # MuPDF gives the page's own frame: placed as a viewer shows the page turned
            spans = [_turned(s, page.rotation_matrix) for s in spans]
        # split a PDF line where a wide gap separates two columns
        groups: list[list[dict[str, Any]]] = [[spans[0]]]
        for span in spans[1:]:
            gap = span["bbox"][0] - groups[-1][-1]["bbox"][2]
            if gap > 1.5 * max(span.get("size", 10), 6):
                groups.append([span])
            else:
                groups[-1].append(span)
        for group in groups:
            text = one_line(_shown_text(group))
            if not text:
                continue
            bold = all((s.get("flags", 0) & 16) or "bold" in s.get("font", "").lower() for s in group)
            lines.append(
                Line(
                    page=page_number,
                    x0=min(s["bbox"][0] for s in group),
                    y0=min(s["bbox"][1] for s in group),
                    x1=max(s["bbox"][2] for s in group),
                    y1=max(s["bbox"][3] for s in group),
                    text=nfc(text),
                    bold=bool(bold),
                    page_width=width,
                    page_height=height,
                )
            )
    lines = with_stamps(page, lines, flags)  # the number and date a signature writes into the blanks
    lines.sort(key=lambda l: (round(l.y0 / 3), l.x0))
    return [part for line in _join_words(lines) for part in split_motto(line)], hidden


_MOTTO_START = re.compile(r"(?<=\S) (CONG HOA XA HOI|DOC LAP - TU DO)")


def _shown_text(group: list[dict[str, Any]]) -> str:
    """The spans' text as the page shows it: a Vietnamese font of before Unicode's put back in Unicode
    (vntext.legacy); spans of one such encoding converted together, for VNI writes a letter's marks after
    it, which a span of their own may hold (red team 28: "MA" + "ÄT" hid a "MẬT")."""
    fonts = {s.get("font", "") for s in group}
    if len({legacy_font(f) for f in fonts}) == 1 and (font := next(iter(fonts))) and legacy_font(font):
        return to_unicode(_span_text(group), font)
    return _span_text([{**s, "text": to_unicode(s["text"], s.get("font", ""))} for s in group])


def _turned(span: dict[str, Any], matrix: pymupdf.Matrix) -> dict[str, Any]:
    """The span placed on the page as its /Rotate turns it for the reader."""
    return {**span, "bbox": tuple(pymupdf.Rect(span["bbox"]) * matrix), "origin": tuple(pymupdf.Point(span["origin"]) * matrix)}


def _drawn_for_empty_fields(page: pymupdf.Page, flags: int) -> list[tuple[pymupdf.Rect, list[tuple[Any, ...]]]]:
    """The boxes of the page's signature fields nobody has signed, each with the page's own words near it. MuPDF
    draws such a field with a marker of its own ("SIGN"), which is not the document's text (read as the issuer's
    parent once, the document was returned as not its issuer's)."""
    empty = [w.rect for w in page.widgets(types=[pymupdf.mupdf.PDF_WIDGET_TYPE_SIGNATURE]) if not w.is_signed]
    if not empty:
        return []
    own = pymupdf.TextPage(page.get_displaylist(annots=False).get_textpage(flags)).extractWORDS()
    return [(rect, [w for w in own if abs((w[1] + w[3]) / 2 - (rect.y0 + rect.y1) / 2) < rect.height]) for rect in empty]


def _marker(span: dict[str, Any], marked: list[tuple[pymupdf.Rect, list[tuple[Any, ...]]]]) -> bool:
    """Whether the span is what MuPDF draws for an empty signature field, not the page's own words: the words of a span
    across the field (a field laid out over a blank, "Số:  [ ]  /STP-VP") are the page's own (red team 43: the
    number's line was dropped, and a draft cut before its stamps registered with no number)."""
    centre = pymupdf.Point((span["bbox"][0] + span["bbox"][2]) / 2, (span["bbox"][1] + span["bbox"][3]) / 2)
    box = pymupdf.Rect(span["bbox"])
    return any((rect + (-1, -1, 1, 1)).contains(centre)
               and not set(span["text"].split()) <= {w[4] for w in own if box.intersects(pymupdf.Rect(w[:4]))}
               for rect, own in marked)


def split_motto(line: Line) -> list[Line]:
    """A header line that runs the issuer into the national motto ("SỞ TƯ PHÁP Độc lập - Tự do…"),
    split where the motto starts (its x estimated from the share of characters)."""
    match = _MOTTO_START.search(fold(line.text))
    if match is None:
        return [line]
    cut = match.start(1)
    x = line.x0 + (line.x1 - line.x0) * cut / len(line.text)
    left = dataclasses.replace(line, x1=x - 2, text=line.text[:cut].rstrip())
    right = dataclasses.replace(line, x0=x, text=line.text[cut:])
    return [left, right]


def _join_words(lines: list[Line]) -> list[Line]:
    """Join pieces of one printed line that the PDF wrote apart (justified text is often written word
    by word): same baseline, a word's gap apart. Columns stay apart (their gap is wider)."""
    joined: list[Line] = []
    for line in lines:
        if joined:
            last = joined[-1]
            height = max(last.y1 - last.y0, 6)
            if abs(line.y1 - last.y1) < 0.3 * height and 0 <= line.x0 - last.x1 < 1.2 * height:
                joined[-1] = Line(
                    page=last.page, x0=last.x0, y0=min(last.y0, line.y0), x1=line.x1, y1=max(last.y1, line.y1),
                    text=last.text + " " + line.text, bold=last.bold and line.bold,
                    page_width=last.page_width, page_height=last.page_height,
                    source="stamp" if "stamp" in (last.source, line.source) else last.source,
                )
                continue
        joined.append(line)
    return joined


def _span_text(spans: list[dict[str, Any]]) -> str:
    """The spans' text, with a space where the PDF leaves a gap instead of writing one (a
    justified line written word by word)."""
    text = spans[0]["text"]
    for previous, span in pairwise(spans):
        gap = span["bbox"][0] - previous["bbox"][2]
        spaced = text.endswith(" ") or span["text"].startswith(" ")
        text += ("" if spaced or gap < 0.15 * max(span.get("size", 10), 1) else " ") + span["text"]
    return text


def has_text(lines: list[Line]) -> bool:
    return sum(len(l.text) for l in lines) >= 20
