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


def pictures_folder(storage: str | Path, sha256: str) -> Path:
    """Where the desk keeps the pictures of a PDF of the content store (gateway/web/page_cache.py)."""
    return Path(storage) / PICTURES / sha256


def forget_pictures(storage: str | Path, digests: Iterable[str]) -> None:
    """The pictures of these PDFs removed: a recall destroys what they show (red team 29: they stayed on disk)."""
    for digest in digests:
        shutil.rmtree(pictures_folder(storage, digest), ignore_errors=True)
