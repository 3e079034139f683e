"""What a mail says of its document (the subject "Gửi Công văn số 707/STP-VP", the file name
"707-STP-VP.pdf") against what the document says, end to end through `qlvb-gateway ingest`: where
they agree nothing is said, where they differ the clerk is told (number-mismatch) and the
document's own number is registered, never the mail's."""

from __future__ import annotations

from pathlib import Path

import pymupdf
import pytest
from sqlalchemy import select

from kit import DocumentSpec, box_between, render_document, scan, sign_with_stamp
from registry.models import Document
from world import make_world



def _stamped(w, number: str) -> bytes:  # type: ignore[no-untyped-def]
    """A letter of Sở Tư pháp issued electronically: its number and date stamped by its signatures."""
    pdf = render_document(DocumentSpec(number="              /STP-VP", date=None))
    for field, text, (left, right) in (("Signature1", number, ("Số:", "/STP-VP")), ("Signature2", "25", ("ngày", "tháng")),
                                       ("Signature3", "11", ("tháng", "năm"))):
        pdf = sign_with_stamp(pdf, w.signers["stp"], w.pki, text=text, box=box_between(pdf, left, right), field_name=field)
    return pdf


def _scribbled() -> bytes:
    """A scan whose number was written by a hand no reader can read: a scribble in blue."""
    pdf = render_document(DocumentSpec(number="              /STP-VP"))
    doc = pymupdf.open(stream=pdf, filetype="pdf")
    page = doc[0]
    words = page.get_text("words")
    so = next(x for x in words if x[4] == "Số:")
    points = [pymupdf.Point(so[2] + 6 + 4 * k, so[3] - (10 if k % 2 else 2)) for k in range(8)]
    page.draw_polyline(points, color=(0.1, 0.2, 0.75), width=1.3)
    return scan(doc.tobytes(), dpi=200, grey=False)


@pytest.fixture(scope="module")
def run(tmp_path_factory, province):  # type: ignore[no-untyped-def]
    pki, signers, stranger = province
    w = make_world(tmp_path_factory.mktemp("mismatch"), pki, signers, stranger)
    cases = {
        "agree": w.mail("agree", subject="Gửi Công văn số 707/STP-VP ngày 25/11/2026 về công tác văn thư",
                        attachments=[("707-STP-VP.pdf", _stamped(w, "707"))]),
        "file-name-differs": w.mail("file-name-differs", subject="Gửi công văn",  # as realpdf 020 was published
                                    attachments=[("1360-STP-VP.pdf", _stamped(w, "1364"))]),
        "subject-differs": w.mail("subject-differs", subject="Gửi Công văn số 808/STP-VP ngày 24/11/2026",
                                  attachments=[("cong-van.pdf", _stamped(w, "880"))]),
        "unread": w.mail("unread", auth="smtp", subject="Gửi Công văn số 709/STP-VP",
                         attachments=[("709-STP-VP.pdf", _scribbled())]),
    }
    outputs = {name: w.ingest(path)[0] for name, path in cases.items()}
    return w, outputs


def _mismatch(out: dict) -> str | None:
    return next((r["message"] for r in out["reasons"] if r["code"] == "number-mismatch"), None)


def test_a_mail_that_names_its_document_as_it_is_says_nothing_more(run) -> None:  # type: ignore[no-untyped-def]
    _, outputs = run
    out = outputs["agree"]
    assert out["verdict"] == "accepted" and out["basis"] == "signature"
    assert out["document"]["number"] == "707/STP-VP" and out["document"]["date"] == "2026-11-25"
    assert _mismatch(out) is None


def test_a_file_name_with_another_number_is_told_and_the_document_wins(run) -> None:  # type: ignore[no-untyped-def]
    w, outputs = run
    out = outputs["file-name-differs"]
    assert out["verdict"] == "accepted"
    assert out["document"]["number"] == "1364/STP-VP"
    message = _mismatch(out)
    assert message is not None and "1364/STP-VP" in message and "tên tệp ghi số 1360/STP-VP" in message
    register = w.db()
    with register.session() as s:
        doc = s.scalars(select(Document).where(Document.arrival_number == out["incoming_number"])).one()
        assert doc.code_number == "1364" and doc.code_notation == "STP-VP" and doc.issued_date == "2026-11-25"
    register.close()


def test_a_subject_with_another_number_and_date_is_told(run) -> None:  # type: ignore[no-untyped-def]
    _, outputs = run
    out = outputs["subject-differs"]
    assert out["document"]["number"] == "880/STP-VP"
    message = _mismatch(out)
    assert message is not None
    assert "tiêu đề thư ghi số 808/STP-VP" in message and "tiêu đề thư ghi ngày 2026-11-24" in message


def test_a_number_left_out_is_not_taken_from_the_mail(run) -> None:  # type: ignore[no-untyped-def]
    w, outputs = run
    out = outputs["unread"]
    assert out["document"]["number"] == "/STP-VP"  # the notation alone: the digits were not read with confidence
    message = _mismatch(out)
    assert message is not None and "709/STP-VP" in message and "không dùng" in message
    if out["incoming_number"] is not None:
        register = w.db()
        with register.session() as s:
            doc = s.scalars(select(Document).where(Document.arrival_number == out["incoming_number"])).one()
            assert doc.code_number != "709"
        register.close()


def test_realpdf_020_its_file_name_says_1360_its_stamp_1364(realpdf: Path, world) -> None:  # type: ignore[no-untyped-def]
    """As published: the file is named 'CV SỐ 1360'; the organisation's stamp reads 1364."""
    path = world.mail("020", subject="Gửi văn bản", attachments=[("CV SỐ 1360 Ý KIẾN.pdf", (realpdf / "020.pdf").read_bytes())])
    out = world.ingest(path)[0]
    assert out["document"]["number"] == "1364/SNV-TCBC"
    message = _mismatch(out)
    assert message is not None and "1364/SNV-TCBC" in message and "tên tệp ghi số 1360" in message
