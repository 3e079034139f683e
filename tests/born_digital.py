"""Many small born-digital documents, fast: one document laid out by the test kit (about 0.1 s and
440 KB with its whole fonts), its fonts cut down to the glyphs it uses (60 KB), then one copy a
number with only the number redrawn (8 ms each). What the reader finds on each is the
kit's document with that number; the fault tests need hundreds of distinct registrable documents."""

from __future__ import annotations

from functools import lru_cache

import pymupdf

from kit import DocumentSpec, render_document

PLACEHOLDER = "999999"


@lru_cache(maxsize=8)
def _template(date: tuple[int, int, int] | None) -> tuple[bytes, pymupdf.Rect]:
    """The document with the placeholder number, its fonts cut down, and where the number stands."""
    doc = pymupdf.open(stream=render_document(DocumentSpec(number=f"{PLACEHOLDER}/STP-VP", date=date)), filetype="pdf")
    doc.subset_fonts()
    pdf = doc.tobytes(garbage=3, deflate=True)
    where = pymupdf.open(stream=pdf, filetype="pdf")[0].search_for(f"{PLACEHOLDER}/STP-VP")[0]
    return pdf, where


def numbered_document(number: int, date: tuple[int, int, int] | None = (20, 11, 2026)) -> bytes:
    """The document numbered `number`/STP-VP (Sở Tư pháp to us), dated `date` (day, month, year)."""
    pdf, where = _template(date)
    doc = pymupdf.open(stream=pdf, filetype="pdf")
    page = doc[0]
    page.add_redact_annot(where)
    page.apply_redactions(images=pymupdf.PDF_REDACT_IMAGE_NONE)
    page.insert_text((where.x0, where.y1 - 2.5), f"{number}/STP-VP", fontname="tiro", fontsize=13)
    return doc.tobytes(garbage=1, deflate=True)
