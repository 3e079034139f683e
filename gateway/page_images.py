"""Pictures of a PDF's first pages, for the desk to show beside a held mail. Made in the worker
processes (gateway/workers.py, under their time and memory limits), never in the web process: the
PDF is whatever a sender put in the mail."""

from __future__ import annotations

import shutil
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pymupdf

PICTURES = "pages"  # the desk keeps them under the storage folder: storage/pages/<the PDF's SHA-256>/
FIRST_PAGES = 4  # what the review shows: the first page, the signer's, the recipient block
WIDTH_PX = 800
HEIGHT_PX = 2400  # a page over twice an A4's height is drawn narrower (red team 85: a page 800 x 36,000 pt of noise
# came back as an 80 MB picture, kept, and sent whole to every browser that asked)


@dataclass(frozen=True)
class PageImages:
    pngs: tuple[bytes, ...]  # the first pages, PNG
    page_count: int  # the document's pages in all


def render_pages(data: bytes, *, first: int = FIRST_PAGES, width_px: int = WIDTH_PX) -> PageImages:
    """The first pages' pictures, width_px wide (narrower for a page taller than HEIGHT_PX would draw); the pages up to
    the first that will not load or draw (red team 85: a page tree saying 4 pages over 1, a common damage, lost page 1
    too)."""
    with pymupdf.open(stream=data, filetype="pdf") as document:
        pngs: list[bytes] = []
        for number in range(min(first, document.page_count)):
            try:
                pngs.append(_picture(document.load_page(number), width_px))
            except (ValueError, RuntimeError, pymupdf.mupdf.FzErrorBase):
                # "page not in document" (the count lied); a page 0 px tall at that width (red team 87: 1,000,000 x 1 pt)
                if not pngs:
                    raise
                break
        return PageImages(tuple(pngs), document.page_count)


def _picture(page: pymupdf.Page, width_px: int) -> bytes:
    zoom = min(width_px / max(page.rect.width, 1), HEIGHT_PX / max(page.rect.height, 1))
    return page.get_pixmap(matrix=pymupdf.Matrix(zoom, zoom), alpha=False).tobytes("png")


def pictures_folder(storage: str | Path, sha256: str) -> Path:
    """Where the desk keeps the pictures of a PDF of the content store (gateway/web/page_cache.py)."""
    return Path(storage) / PICTURES / sha256


def forget_pictures(storage: str | Path, digests: Iterable[str]) -> None:
    """The pictures of these PDFs removed: a recall destroys what they show (red team 29: they stayed on disk)."""
    for digest in digests:
        shutil.rmtree(pictures_folder(storage, digest), ignore_errors=True)
