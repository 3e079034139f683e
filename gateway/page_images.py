"""Pictures of a PDF's first pages, for the desk to show beside a held mail. Made in the worker
processes (gateway/workers.py, under their time and memory limits), never in the web process: the
PDF is whatever a sender put in the mail."""

from __future__ import annotations

from dataclasses import dataclass

import pymupdf

FIRST_PAGES = 4  # what the review shows: the first page, the signer's, the recipient block
WIDTH_PX = 800


@dataclass(frozen=True)
class PageImages:
    pngs: tuple[bytes, ...]  # the first pages, PNG
    page_count: int  # the document's pages in all


def render_pages(data: bytes, *, first: int = FIRST_PAGES, width_px: int = WIDTH_PX) -> PageImages:
    with pymupdf.open(stream=data, filetype="pdf") as document:
        pngs = []
        for page in document.pages(0, min(first, document.page_count)):
            zoom = width_px / max(page.rect.width, 1)
            pngs.append(page.get_pixmap(matrix=pymupdf.Matrix(zoom, zoom), alpha=False).tobytes("png"))
        return PageImages(tuple(pngs), document.page_count)
