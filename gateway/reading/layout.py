"""Lines of text with their place on the page, from PyMuPDF's text layer."""

from __future__ import annotations

from dataclasses import dataclass

import pymupdf

from gateway.vntext import nfc, one_line


@dataclass(frozen=True)
class Line:
    page: int  # 1-based
    x0: float
    y0: float
    x1: float
    y1: float
    text: str
    bold: bool
    page_width: float
    page_height: float
    source: str = "text"  # "text": the PDF's text layer; "ocr": read from the page image
    confidence: float | None = None  # OCR's confidence, 0..1 (None for the text layer)

    @property
    def cx(self) -> float:
        return (self.x0 + self.x1) / 2

    @property
    def left_half(self) -> bool:
        return self.cx < self.page_width * 0.5

    @property
    def rel_y(self) -> float:
        return self.y0 / self.page_height


def page_lines(page: pymupdf.Page, page_number: int) -> list[Line]:
    """The page's lines, top to bottom then left to right; spans on one baseline are one line
    only when they are close together (the two header columns stay apart)."""
    width, height = page.rect.width, page.rect.height
    lines: list[Line] = []
    data = page.get_text("dict", flags=pymupdf.TEXTFLAGS_TEXT & ~pymupdf.TEXT_PRESERVE_IMAGES)
    for block in data.get("blocks", []):
        for raw_line in block.get("lines", []):
            spans = [s for s in raw_line.get("spans", []) if s.get("text", "").strip()]
            if not spans:
                continue
            # split a PDF line where a wide gap separates two columns
            groups: list[list[dict]] = [[spans[0]]]
            for span in spans[1:]:
                gap = span["bbox"][0] - groups[-1][-1]["bbox"][2]
                if gap > 1.5 * max(span.get("size", 10), 6):
                    groups.append([span])
                else:
                    groups[-1].append(span)
            for group in groups:
                text = one_line("".join(s["text"] for s in group))
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
    lines.sort(key=lambda l: (round(l.y0 / 3), l.x0))
    return lines


def has_text(lines: list[Line]) -> bool:
    return sum(len(l.text) for l in lines) >= 20
