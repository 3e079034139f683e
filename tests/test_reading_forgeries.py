"""What is registered is what the page shows. A red team built PDFs whose text differs from what a
person sees (or whose marks a person sees and the reader did not); each is run here through the real
reader and intake, signed with the test province's PKI and mailed from the issuer's proven mailbox,
and checked as the clerk would: the register holds what the page shows, or the clerk is asked."""

from __future__ import annotations

from io import BytesIO
from pathlib import Path

import pymupdf
import pytest
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import fields

from gateway.reading import read_document
from kit import DocumentSpec, render_document
from world import World, make_world


@pytest.fixture(scope="module")
def w(tmp_path_factory, province) -> World:  # type: ignore[no-untyped-def]
    pki, signers, stranger = province
    return make_world(tmp_path_factory.mktemp("forgeries") / "agency", pki, signers, stranger)


def read(pdf: bytes):  # type: ignore[no-untyped-def]
    with pymupdf.open(stream=pdf, filetype="pdf") as doc:
        return read_document(doc)


def with_empty_signature_field(pdf: bytes, box: tuple[float, float, float, float]) -> bytes:
    """The document with a signature field nobody signed (a template's), as pyHanko adds one."""
    writer = IncrementalPdfFileWriter(BytesIO(pdf), strict=False)
    fields.append_signature_field(writer, fields.SigFieldSpec(sig_field_name="Empty", box=box, on_page=0))
    out = BytesIO()
    writer.write(out)
    return out.getvalue()


def test_an_empty_signature_field_beside_the_issuer_adds_nothing_to_what_is_read(w: World) -> None:
    """MuPDF draws an unsigned signature field with a marker ("SIGN"); read as the page's text, it
    became part of the issuer's parent and a valid document was returned as not its issuer's."""
    pdf = with_empty_signature_field(render_document(DocumentSpec(number="500/STP-VP")), (60, 745, 240, 775))
    assert "SIGN" in pymupdf.open(stream=pdf, filetype="pdf")[0].get_text()  # what MuPDF draws there
    particulars = read(pdf).particulars
    assert (particulars.issuer, particulars.issuer_parent) == ("SỞ TƯ PHÁP", "UBND TỈNH BẮC GIANG")
    [out] = w.ingest(w.mail("empty-field", attachments=[("cv.pdf", w.signed(pdf=pdf, field_name="Signature9"))]))
    assert out["verdict"] == "accepted" and out["document"]["number"] == "500/STP-VP"
