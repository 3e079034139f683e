"""Damaged files are said to be damaged (002 Đ10.1: the receiver checks a document's integrity).

A file cut short, a scanned page whose image stream does not decode, a seal image on a born-digital
page that does not: `pdf-unreadable`,
returned to the proven sender asking for the file again, never registered. A file whose
cross-reference table is broken and that MuPDF repairs with every page whole is registered with the
warning `pdf-repaired`. Real mails through `qlvb-gateway ingest` into a real register."""

from __future__ import annotations

import email
import random
import re
from pathlib import Path

import pymupdf
import pytest
from sqlalchemy import select

import made_pdfs
from kit import DocumentSpec, render_document, scan, seal_png
from registry.models import Document, Mail, Outbox
from world import STP, make_world


def corrupt_image(pdf: bytes, page: int = 0) -> bytes:
    """The PDF with the second half of the page's first image stream overwritten with noise."""
    doc = pymupdf.open(stream=pdf, filetype="pdf")
    xref = doc[page].get_images()[0][0]
    raw = bytearray(doc.xref_stream_raw(xref))
    half = len(raw) // 2
    raw[half:] = random.Random(1).randbytes(len(raw) - half)
    doc.update_stream(xref, bytes(raw), compress=False)  # the image's own filter (DCT, Flate) kept
    return doc.tobytes()


def with_seal(pdf: bytes) -> bytes:
    """The born-digital document with the agency's red seal image over the signer's title, as NĐ
    30/2020 Phụ lục I has it (a PNG: its stream deflated)."""
    doc = pymupdf.open(stream=pdf, filetype="pdf")
    title = doc[-1].search_for("PHÓ GIÁM ĐỐC")[0]
    doc[-1].insert_image(pymupdf.Rect(title.x0 - 40, title.y0 - 30, title.x0 + 50, title.y0 + 60), stream=seal_png())
    return doc.tobytes(garbage=3, deflate=True)


def broken_xref(pdf: bytes) -> bytes:
    """The PDF with every offset of its cross-reference table wrong by a few bytes (the objects intact)."""
    start = pdf.rindex(b"\nxref")
    table = re.sub(rb"(\d{10}) (\d{5}) n", lambda m: b"%010d %s n" % (int(m.group(1)) + 7, m.group(2)), pdf[start:])
    return pdf[:start] + table


@pytest.fixture(scope="module")
def run(tmp_path_factory, province):  # type: ignore[no-untyped-def]
    pki, signers, stranger = province
    w = make_world(tmp_path_factory.mktemp("damaged"), pki, signers, stranger)
    letter = w.document(number="401/STP-VP", filler_paragraphs=8)  # two pages
    scanned = scan(render_document(DocumentSpec(number="402/STP-VP")), 200)
    files = {
        "truncated": made_pdfs.truncated(letter, keep=1 / 3),
        "truncated-scan": made_pdfs.truncated(scanned, keep=1 / 3),
        "corrupt-image": corrupt_image(scanned),
        "corrupt-seal": corrupt_image(with_seal(w.document(number="403/STP-VP"))),
        "repaired": broken_xref(w.document(number="404/STP-VP")),
        "whole": w.document(number="405/STP-VP"),
    }
    mails = [w.mail(name, attachments=[("cv.pdf", data)]) for name, data in files.items()]
    outputs = {Path(o["file"]).stem: o for o in w.ingest(*mails)}
    return w, outputs, files


def codes(out: dict) -> dict[str, str]:  # type: ignore[type-arg]
    return {r["code"]: r["severity"] for r in out["reasons"]}


@pytest.mark.parametrize("name", ["truncated", "truncated-scan", "corrupt-image", "corrupt-seal"])
def test_a_damaged_pdf_is_returned_and_never_registered(run, name: str) -> None:  # type: ignore[no-untyped-def]
    w, outputs, files = run
    out = outputs[name]
    assert out["verdict"] == "returned" and out["incoming_number"] is None
    assert codes(out)["pdf-unreadable"] == "error"
    assert "tệp bị hỏng" in next(r["message"] for r in out["reasons"] if r["code"] == "pdf-unreadable")
    assert out["replies"] == [{"kind": "return", "to": STP}]
    register = w.db()
    with register.session() as s:
        mail = s.scalars(select(Mail).where(Mail.message_id == out["message_id"])).one()
        assert not s.scalars(select(Document).where(Document.mail_id == mail.id)).all()
        answer = s.scalars(select(Outbox).where(Outbox.mail_id == mail.id, Outbox.kind == "return")).one()
        body = email.message_from_bytes(answer.raw).get_payload(decode=True).decode("utf-8")
        assert "Không mở được tệp PDF" in body and "tệp bị hỏng" in body  # the sender is asked for the file again
    register.close()
    with pymupdf.open(stream=files[name], filetype="pdf") as doc:  # MuPDF opens it all the same
        assert doc.page_count >= 1


def test_the_truncated_file_is_one_mupdf_repairs_silently(run) -> None:  # type: ignore[no-untyped-def]
    _, _, files = run
    with pymupdf.open(stream=files["truncated"], filetype="pdf") as doc:
        assert doc.is_repaired and doc.page_count == 2 and not doc[0].get_text().strip()


def test_a_repaired_cross_reference_table_with_every_page_whole_passes_with_a_warning(run) -> None:  # type: ignore[no-untyped-def]
    w, outputs, files = run
    with pymupdf.open(stream=files["repaired"], filetype="pdf") as doc:
        assert doc.is_repaired
    out = outputs["repaired"]
    assert out["verdict"] == "accepted" and out["incoming_number"] is not None
    assert codes(out) == {"pdf-repaired": "warning"}
    assert out["document"]["number"] == "404/STP-VP" and out["document"]["date"] == "2026-11-20"
    whole = outputs["whole"]
    assert whole["verdict"] == "accepted" and whole["reasons"] == []
