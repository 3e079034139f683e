"""Hostile and broken PDFs of each kind, made here with PyMuPDF (no file from outside the repository):
encrypted, truncated, a decompression bomb, a file without pages."""

from __future__ import annotations

import struct
import zlib

import pymupdf


def encrypted(pdf: bytes, user: str = "test", owner: str = "master") -> bytes:
    """The PDF locked with AES-256: it opens only with the user password."""
    with pymupdf.open(stream=pdf, filetype="pdf") as doc:
        return doc.tobytes(encryption=pymupdf.PDF_ENCRYPT_AES_256, user_pw=user, owner_pw=owner)


def truncated(pdf: bytes, keep: float = 0.4) -> bytes:
    """The first part of the file only, as a mail client that gave up half-way leaves it."""
    return pdf[: int(len(pdf) * keep)]


def not_a_pdf() -> bytes:
    """A file that says it is a PDF and is not one."""
    return b"%PDF-1.7\n" + bytes(range(256)) * 64


def _deflated_zeros(size: int) -> bytes:
    """A zlib stream of `size` zero bytes, made without ever holding them: after a full flush every
    megabyte of zeros deflates to the same bytes, so the block is repeated and the Adler-32 of n zeros
    ((n mod 65521) << 16 | 1) written after an empty final block."""
    chunk = bytes(1 << 20)
    deflate = zlib.compressobj(9)
    head = deflate.compress(chunk) + deflate.flush(zlib.Z_FULL_FLUSH)
    block = deflate.compress(chunk) + deflate.flush(zlib.Z_FULL_FLUSH)
    count = size // len(chunk)
    return head + block * (count - 1) + b"\x03\x00" + struct.pack(">I", ((count * len(chunk)) % 65521) << 16 | 1)


def decompression_bomb(pdf: bytes | None = None, gigabytes: int = 1) -> bytes:
    """The PDF (or a page of its own) with an image of 1 MB compressed on page 1 that decodes to
    `gigabytes` GB."""
    side = int((8 * gigabytes << 30) ** 0.5) // 1024 * 1024  # one bit a pixel
    doc = pymupdf.open(stream=pdf, filetype="pdf") if pdf else pymupdf.open()
    page = doc[0] if pdf else doc.new_page()
    if not pdf:
        page.insert_text((50, 80), "DECOMPRESSION BOMB", fontsize=20)
    image = doc.get_new_xref()
    doc.update_object(image, f"<< /Type /XObject /Subtype /Image /Width {side} /Height {side} "
                             "/ColorSpace /DeviceGray /BitsPerComponent 1 >>")
    doc.update_stream(image, _deflated_zeros(side * side // 8), compress=False)
    doc.xref_set_key(image, "Filter", "/FlateDecode")
    kind, value = doc.xref_get_key(page.xref, "Resources")  # PyMuPDF writes the text's resources apart
    holder, path = (int(value.split()[0]), "XObject/Bomb") if kind == "xref" else (page.xref, "Resources/XObject/Bomb")
    doc.xref_set_key(holder, path, f"{image} 0 R")
    contents = doc.get_new_xref()
    doc.update_object(contents, "<< >>")
    doc.update_stream(contents, b"q 500 0 0 500 50 150 cm /Bomb Do Q")
    kept = " ".join(f"{xref} 0 R" for xref in page.get_contents())  # the page's own, all of them (its whole text)
    doc.xref_set_key(page.xref, "Contents", f"[{kept} {contents} 0 R]")
    return doc.tobytes()


def written_out(objects: list[bytes]) -> bytes:
    """A PDF of these objects, numbered from 1 (the catalog first), with a cross-reference table: for files
    PyMuPDF will not write as they are."""
    out = bytearray(b"%PDF-1.7\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def pageless() -> bytes:
    """A well-formed PDF whose page tree is empty (PyMuPDF will not save one)."""
    return written_out([b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [] /Count 0 >>"])


def characters_bomb(characters: int = 50_000_000, per_form: int = 100_000) -> bytes:
    """A page drawing one form of `per_form` characters again and again, `characters` in all, in under 2 KB."""
    form = zlib.compress(b"BT /F1 1 Tf 10 10 Td (" + b"A" * per_form + b") Tj ET", 9)
    page = zlib.compress(b"q " + b"/Fm0 Do " * (characters // per_form) + b"Q", 9)
    return written_out([
        b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> /XObject << /Fm0 6 0 R >> >> >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(page) + page + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Type /XObject /Subtype /Form /BBox [0 0 595 842] /Resources << /Font << /F1 5 0 R >> >>"
        b" /Length %d /Filter /FlateDecode >>\nstream\n" % len(form) + form + b"\nendstream"])
