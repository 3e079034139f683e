"""What a viewer reads of a signed file is what pyHanko validated (gateway/intake/viewer_agreement.py), told apart
from what other writers legitimately do after signing. The forgeries themselves go through `ingest` in
tests/test_attacks.py; here the cases the comparison must judge right on its own (red team 6, 2026-12-04)."""

from __future__ import annotations

import re
from io import BytesIO

import pymupdf
import pytest
from pyhanko.pdf_utils.reader import PdfFileReader

from gateway.intake.viewer_agreement import viewer_reads_as_validated
from kit import DocumentSpec, render_document, sign_pdf


@pytest.fixture(scope="module")
def signed(province) -> bytes:  # type: ignore[no-untyped-def]
    pki, signers, _ = province
    return sign_pdf(render_document(DocumentSpec(number="12/STP-VP")), signers["stp"], pki)


def reads_as_validated(data: bytes) -> bool:
    reader = PdfFileReader(BytesIO(data), strict=False)
    return viewer_reads_as_validated(data, reader, min(e.signed_revision for e in reader.embedded_signatures))


def revision(signed: bytes, table: bytes, objects: bytes = b"") -> bytes:
    """A revision appended: `objects` as written, then the cross-reference `table` (its subsections) and a trailer."""
    with pymupdf.open(stream=signed, filetype="pdf") as doc:
        size, root = doc.xref_length(), doc.pdf_catalog()
    prev = int(re.findall(rb"startxref\s+(\d+)", signed)[-1])
    out = signed + objects
    return out + b"xref\n" + table + (f"trailer\n<</Size {size + 1}/Root {root} 0 R/Prev {prev}>>\n"
                                      f"startxref\n{len(out)}\n%%EOF\n").encode()


@pytest.mark.parametrize("string", [b"(line1\rline2)", b"(line1\r\nline2)", b"(\xfe\xff\x00a\x00\r\x00b)", b"(a\\r\\nb)"])
def test_a_string_written_across_lines_after_signing_is_the_same_in_both(signed: bytes, string: bytes) -> None:
    """A literal string's end of line is a line feed however written (ISO 32000 7.3.4.2): MuPDF reads it so, pyHanko
    keeps the carriage return. A later revision another tool wrote (a multi-line reason) was taken for a change."""
    with pymupdf.open(stream=signed, filetype="pdf") as doc:
        number = doc.xref_length()
    body = f"{number} 0 obj\n".encode() + b"<</Reason" + string + b">>\nendobj\n"
    table = f"{number} 1\n{len(signed):010d} 00000 n \n".encode()
    assert reads_as_validated(revision(signed, table, body))


@pytest.fixture(scope="module")
def signed_with_a_line_alone(province) -> bytes:  # type: ignore[no-untyped-def]
    """The letter with one line more written as a content stream of its own (as a tool adding a line writes it), signed."""
    pki, signers, _ = province
    with pymupdf.open(stream=render_document(DocumentSpec(number="12/STP-VP")), filetype="pdf") as doc:
        doc[0].insert_text((300, 790), "KHÔNG CÓ GIÁ TRỊ THANH TOÁN", fontsize=9)
        drawn = doc.tobytes()
    return sign_pdf(drawn, signers["stp"], pki)


@pytest.mark.parametrize("alone", [False, True], ids=["the page's text", "one line alone"])
@pytest.mark.parametrize("next_generation", [0, 2, 65535])
def test_a_page_content_freed_after_signing_is_no_agreement(signed: bytes, signed_with_a_line_alone: bytes,
                                                          next_generation: int, alone: bool) -> None:
    """A later table frees one of page 1's content streams with a next generation pyHanko ignores: MuPDF draws the page
    without it, pyHanko still reads it. The page's text (its issuer gone), or one line of it written as a stream of its
    own, the rest shown as signed (red team 91: the demo's layout writes a page's lines as one stream since stop 42)."""
    original = signed_with_a_line_alone if alone else signed
    with pymupdf.open(stream=original, filetype="pdf") as doc:
        content = [xref for xref in doc[0].get_contents() if b"BT" in doc.xref_stream(xref)][-1 if alone else 0]
    forged = revision(original, f"{content} 1\n0000000000 {next_generation:05d} f \n".encode())
    with pymupdf.open(stream=forged, filetype="pdf") as doc:
        shown = doc[0].get_text()
    if alone:  # what a viewer shows: that line gone, the rest as signed
        assert "KHÔNG CÓ GIÁ TRỊ THANH TOÁN" not in shown and "UBND TỈNH BẮC GIANG" in shown
    else:
        assert "UBND TỈNH BẮC GIANG" not in shown  # the issuer's body gone
    assert not reads_as_validated(forged)


def test_the_signed_file_itself_reads_as_validated(signed: bytes) -> None:
    assert reads_as_validated(signed)
