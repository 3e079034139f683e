"""A line of a page as the reader sees it: where it stands, its text, and where the text came from."""

from __future__ import annotations

from dataclasses import dataclass


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
    # "text": the PDF's text layer; "ocr": read from the page image; "stamp": completed by a signature's stamp
    source: str = "text"
    confidence: float | None = None  # OCR's confidence, 0..1 (None for the text layer)
    ink: float | None = None  # OCR: share of dark pixels in the line's box (bold text has more)

    @property
    def cx(self) -> float:
        return (self.x0 + self.x1) / 2

    @property
    def left_half(self) -> bool:
        return self.cx < self.page_width * 0.5

    @property
    def rel_y(self) -> float:
        return self.y0 / self.page_height
