"""Whether a PDF decodes whole: a damaged file is said to be damaged, never registered blank.

002 Đ10.1 has the receiver check a document's integrity. MuPDF opens almost anything: a file cut
short or with a broken cross-reference table is repaired silently, and a stream that fails to
decode is drawn as far as it goes (an image padded out, a page's content left empty). So the
document is opened with the messages of opening it set aside (a repaired table is no damage in
itself: `doc.is_repaired` tells of it), read, and then judged on what MuPDF reported while it was
read (the reader interprets every page's content to find its text layer), on its page images
decoded whole, and, when it had to be repaired, on every page drawing what its content says.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Literal

import pymupdf
from pymupdf import mupdf

# What MuPDF reports when a stream does not decode whole (it goes on with what it has): a filter
# failing mid-stream (zlib, LZW, ASCII85, JPEG, JBIG2…), image data ending early, a page's content
# stream or an image it draws missing from the file. Messages it begins with "ignoring" are not damage.
DECODE_FAILURES = ("read error", "padding truncated image", "zlib error", "cannot load content stream",
                   "content stream is not a stream", "no XObject subtype specified")
PAGE_IMAGE = 1_000_000  # pixels: an image this large is a scan, decoded by drawing its page small
SMALL_DPI = 8  # a JPEG is decoded at an eighth of its size for it, every byte of it read all the same


ENTRY_KINDS: dict[str, Literal["offset", "in-stream", "free"]] = {"n": "offset", "o": "in-stream", "f": "free"}  # MuPDF's


def open_pdf(data: bytes) -> pymupdf.Document:
    """The document opened, with what MuPDF reported while opening it (a repair) set aside."""
    doc = pymupdf.open(stream=data, filetype="pdf")
    pymupdf.TOOLS.reset_mupdf_warnings()
    return doc


def rebuilt(data: bytes) -> bool:
    """Whether MuPDF opens the file only by rebuilding its cross-reference table from the objects it finds (the last
    written winning), found when it is opened or as late as when a page's objects are looked up."""
    try:
        with open_pdf(data) as doc:
            for page in doc:
                page.get_contents()
            return bool(doc.is_repaired)
    except Exception:  # MuPDF raises a generic error on broken files
        return True


@dataclass(frozen=True)
class ObjectPlace:
    """Where MuPDF reads an object: at a byte offset (generation as written), in an object stream (`at` the stream's
    number, `generation` the object's index in it, as MuPDF keeps them), or nowhere (a free entry: MuPDF reads null)."""

    number: int
    kind: Literal["offset", "in-stream", "free"]
    at: int
    generation: int


@dataclass(frozen=True)
class ObjectSource:
    """An object as MuPDF read it, written back by MuPDF, and its stream's bytes (as stored, decrypted) hashed."""

    text: str
    stream_sha256: str | None


@dataclass(frozen=True)
class MupdfReading:
    """How MuPDF reads a file's structure: each object's place, some objects' values, and which object is the catalog."""

    places: list[ObjectPlace]  # every entry its cross-reference sections give (the newest section's for each number,
    # and, within one section, the first it meets)
    sources: dict[int, ObjectSource]  # the objects asked for
    catalog: int  # the number of the object the trailer's /Root names (0: none)
    encrypted: bool  # the trailer names an /Encrypt dictionary


def mupdf_objects(data: bytes, numbers: list[int]) -> MupdfReading:
    """The file's structure as MuPDF reads it, with the objects `numbers`."""
    with open_pdf(data) as doc:
        pdf = mupdf.pdf_document_from_fz_document(doc.this)
        places, length = [], doc.xref_length()
        for number in range(1, length):
            entry = mupdf.ll_pdf_get_xref_entry_no_change(pdf.m_internal, number)
            if entry is not None and entry.type in ENTRY_KINDS:
                places.append(ObjectPlace(number, ENTRY_KINDS[entry.type], entry.ofs, entry.gen))
        sources = {}
        for number in numbers:
            if 0 < number < length:
                stream = hashlib.sha256(doc.xref_stream_raw(number)).hexdigest() if doc.xref_is_stream(number) else None
                sources[number] = ObjectSource(doc.xref_object(number, compressed=True), stream)
        return MupdfReading(places, sources, max(doc.pdf_catalog(), 0), doc.xref_get_key(-1, "Encrypt")[0] != "null")


def damage(doc: pymupdf.Document) -> str | None:
    """Why the document, opened with open_pdf and read, does not decode whole (in Vietnamese);
    None when every page does."""
    failure = _failure(pymupdf.TOOLS.mupdf_warnings())
    if failure is not None:
        return f"tệp bị hỏng, trang không giải mã được trọn vẹn ({failure})"
    decoded: set[int] = set()
    for page in doc.pages():
        failure = _images_failure(doc, page, decoded)
        if failure is not None:
            return f"tệp bị hỏng, ảnh ở trang {page.number + 1} không giải mã được trọn vẹn ({failure})"
        if doc.is_repaired and _drawn_empty(page):
            return f"tệp bị hỏng, trang {page.number + 1} trống dù tệp ghi là có nội dung"
    return None


def _failure(messages: str) -> str | None:
    """The first of MuPDF's messages that tells of a stream not decoded whole."""
    for message in messages.splitlines():
        if not message.startswith("ignoring") and any(f in message for f in DECODE_FAILURES):
            return message
    return None


def _images_failure(doc: pymupdf.Document, page: pymupdf.Page, decoded: set[int]) -> str | None:
    """Decode the page's images (each once in the document): a scan's by drawing the page small,
    a logo's or a seal's whole."""
    images = [info for info in page.get_images(full=True) if info[0] not in decoded]
    if not images:
        return None
    decoded.update(info[0] for info in images)
    try:
        if any(info[2] * info[3] >= PAGE_IMAGE for info in images):
            page.get_pixmap(dpi=SMALL_DPI, colorspace=pymupdf.csGRAY, annots=False)
        for info in images:
            if info[2] * info[3] < PAGE_IMAGE:
                pymupdf.Pixmap(doc, info[0])
    except Exception as exc:  # MuPDF raises a generic error for an image it cannot decode at all
        return f"{type(exc).__name__}: {exc}"
    return _failure(pymupdf.TOOLS.mupdf_warnings())


def _drawn_empty(page: pymupdf.Page) -> bool:
    """Whether the page draws nothing (its annotations aside) while its content says it draws."""
    try:
        content = page.read_contents()
    except Exception:  # the content stream the page names is not in the file
        return True
    if not content.strip():
        return False  # a blank page, as the file says
    annotations = [annot.rect for annot in page.annots()] + [widget.rect for widget in page.widgets()]
    return not any(not any(pymupdf.Rect(box) in rect for rect in annotations) for _, box in page.get_bboxlog())
