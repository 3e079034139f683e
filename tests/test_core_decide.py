"""decide (gateway/decision/decide.py) on facts built by hand, table-driven: the verdict, its basis,
the reasons and who is answered, for each way a mail arrives; and how a mail's PDFs are split
into documents and appendices."""

from __future__ import annotations

from dataclasses import replace

import pytest

from core_facts import CLERK, DIRECTORY, OURS, STC, STP, URGENT, codes, mail, pdf, reading, sender, signature
from gateway.decision.decide import decide, split_documents
from gateway.model import Decision, FieldSource, MailFacts, PdfFacts, Reading, Registered, SenderAuth

E, W = "error", "warning"
CLERK_ALERT = [("alert", a) for a in CLERK]


def _never_seen(pdf: PdfFacts) -> Registered | None:
    return None


def _decide(facts: MailFacts, *, answers_ours: bool = False, seen=_never_seen) -> list[Decision]:  # type: ignore[no-untyped-def]
    return decide(facts, OURS, DIRECTORY, CLERK, URGENT, seen, answers_ours)


def _replies(decision: Decision) -> list[tuple[str, str]]:
    return [(r.kind, r.to) for r in decision.replies]


UNPROVEN = sender(authenticated=False, detail="không có DKIM")
OUTSIDER = sender("vanthu@congty.example")

CASES = [
    # name, mail, verdict, basis, reason codes, replies
    ("signed by the issuer, from its clerk mailbox", mail(pdf()), "accepted", "signature", [],
     [("ack", STP.mailbox)]),
    ("signed by the issuer, from nobody proven: the issuer is answered", mail(pdf(), proof=UNPROVEN),
     "accepted", "signature", [("sender-unauthenticated", W)], [("ack", STP.mailbox)]),
    ("a scan from the issuer's clerk mailbox", mail(pdf(signed=False)), "accepted", "official-mailbox", [],
     [("ack", STP.mailbox)]),
    ("a scan from another agency's mailbox: returned", mail(pdf(signed=False), proof=sender(STC.mailbox)),
     "returned", None, [("sender-not-issuer", E)], [("return", STC.mailbox)]),
    ("a scan from nobody proven: held", mail(pdf(signed=False), proof=UNPROVEN), "quarantined", None,
     [("sender-unauthenticated", E)], CLERK_ALERT),
    ("a scan from a proven outsider: held, never answered", mail(pdf(signed=False), proof=OUTSIDER), "quarantined",
     None, [("sender-not-official", E)], CLERK_ALERT),
    ("a revoked certificate from the clerk mailbox: returned", mail(pdf(signatures=[signature(revoked=True)])),
     "returned", None, [("certificate-revoked", E)], [("return", STP.mailbox)]),
    ("no PDF", mail(), "returned", None, [("no-document", E)], [("return", STP.mailbox)]),
    ("a PDF that does not open", mail(pdf(opened=False, problem="cut", reading=None, signatures=[])), "returned",
     None, [("pdf-unreadable", E), ("issuer-unread", W)], [("return", STP.mailbox)]),
    ("not addressed to us", mail(pdf(read=reading(kinh_gui=("Sở Tài chính",))), to=(STC.mailbox,)), "returned",
     "", [("wrong-recipient", E)], [("return", STP.mailbox)]),
    ("urgent: the clerk and the leaders are told", mail(pdf(read=reading(urgency="Hỏa tốc"))), "accepted",
     "signature", [], [("ack", STP.mailbox), *CLERK_ALERT, *[("alert", a) for a in URGENT]]),
    ("secret: nothing kept, the clerk told", mail(pdf(read=reading(secrecy="MẬT"))), "returned", None,
     [("secret-document", E)], [("return", STP.mailbox), *CLERK_ALERT]),
    ("an automatic answer", mail(auto_submitted="auto-replied"), "ignored", None, [("auto-submitted", W)], []),
    ("a delivery report carrying our mail back", mail(pdf(), auto_submitted="multipart/report", returned_mail=True),
     "ignored", None, [("auto-submitted", W)], []),
    # RFC 3834 forbids the answer, not the document (red team 40: an office system's no-reply sender's signed documents
    # were ignored, nobody told): judged, registered, never answered; its errors held for the clerk, never returned
    ("a document from an automatic sender: registered, unanswered", mail(pdf(), auto_submitted="Auto-Submitted: "
     "auto-generated"), "accepted", "signature", [("auto-submitted", W)], []),
    ("an automatic sender's revoked signature: held, not returned", mail(pdf(signatures=[signature(revoked=True)]),
     auto_submitted="Precedence: bulk"), "quarantined", None, [("auto-submitted", W), ("certificate-revoked", E)],
     CLERK_ALERT),
    ("an automatic sender's urgent document: only the clerk and leaders told", mail(pdf(read=reading(
     urgency="Hỏa tốc")), auto_submitted="mailing list"), "accepted", "signature", [("auto-submitted", W)],
     [*CLERK_ALERT, *[("alert", a) for a in URGENT]]),
    ("a mail the analysis could not finish", mail(pdf(), problem="timeout"), "quarantined", None,
     [("processing-failed", E)], CLERK_ALERT),
    ("too large", mail(unread="mail-too-large", problem="60 MB"), "returned", None, [("mail-too-large", E)],
     [("return", STP.mailbox)]),
    ("too many files", mail(unread="too-many-files", problem="101 tệp"), "returned", None, [("too-many-files", E)],
     [("return", STP.mailbox)]),
    ("too many files, nobody proven", mail(unread="too-many-files", proof=sender(authenticated=False)), "quarantined",
     None, [("too-many-files", E)], CLERK_ALERT),
]


@pytest.mark.parametrize("name,facts,verdict,basis,reasons,replies", CASES, ids=[c[0] for c in CASES])
def test_the_verdict_basis_reasons_and_answers(name: str, facts: MailFacts, verdict: str, basis: str | None,
                                               reasons: list[tuple[str, str]], replies: list[tuple[str, str]]) -> None:
    [decision] = _decide(facts)
    assert decision.verdict == verdict
    assert decision.basis == (basis or None)
    assert codes(decision.reasons) == reasons
    assert _replies(decision) == replies


def test_an_answer_to_our_send_without_a_document_is_ignored() -> None:
    [decision] = _decide(mail(), answers_ours=True)
    assert (decision.verdict, codes(decision.reasons), decision.replies) == ("ignored", [("peer-answer", W)], [])


def test_a_document_already_registered_is_a_duplicate_acknowledged_again() -> None:
    asked: list[tuple[str, str | None, str | None]] = []

    def seen(pdf: PdfFacts) -> Registered | None:
        assert pdf.reading is not None
        asked.append((pdf.attachment.sha256, pdf.reading.particulars.issuer, pdf.reading.particulars.number))
        return Registered(7)

    [decision] = _decide(mail(pdf()), seen=seen)
    assert asked == [("sha-cv.pdf", "SỞ TƯ PHÁP", "45/STP-VP")]
    assert (decision.verdict, decision.duplicate_of, decision.basis) == ("duplicate", 7, "signature")
    assert codes(decision.reasons) == [("duplicate", W)] and _replies(decision) == [("ack", STP.mailbox)]
    [unproven] = _decide(mail(pdf(), proof=UNPROVEN), seen=seen)
    assert unproven.verdict == "duplicate" and unproven.replies == []  # a replay from nobody proven: no answer


def test_a_returned_document_is_never_looked_up_as_a_duplicate() -> None:
    def seen(pdf: PdfFacts) -> Registered | None:
        raise AssertionError("looked up")

    [decision] = _decide(mail(pdf(signed=False), proof=sender(STC.mailbox)), seen=seen)
    assert decision.verdict == "returned" and decision.duplicate_of is None


@pytest.mark.parametrize("proof", [UNPROVEN, OUTSIDER, sender(STC.mailbox), sender("nguyenvanb@sotp.bacgiang.gov.vn")],
                         ids=["unproven", "a-proven-outsider", "another-agency", "a-person-of-the-issuer"])
def test_an_unsigned_annex_from_anyone_but_the_issuer_is_not_registered_with_the_document(proof: SenderAuth) -> None:
    """Only the issuer's signature, or its own official mailbox, vouches for an annex: a proven sender who
    is not the issuer (a red team's gmail address, another agency) once had a made-up annex registered."""
    annex = pdf("phuluc.pdf", signed=False, read=reading(issuer=None, number=None))
    [decision] = _decide(mail(pdf(), annex, proof=proof))
    assert decision.verdict == "accepted" and decision.appendices == []
    assert ("no-legal-value", W) in codes(decision.reasons)
    [from_the_issuer] = _decide(mail(pdf(), annex))  # its official mailbox, proven
    assert [a.attachment.filename for a in from_the_issuer.appendices] == ["phuluc.pdf"]


def test_an_unread_issuer_is_taken_from_the_signature() -> None:
    [decision] = _decide(mail(pdf(read=reading(issuer=None))))
    assert decision.verdict == "accepted" and decision.issuer_from_certificate == STP.name
    assert ("issuer-from-certificate", W) in codes(decision.reasons)


def _scanned(issuer: str, parent: str | None) -> Reading:
    """A scan's reading: its issuer lines read by OCR."""
    read = reading(issuer=issuer)
    return replace(read, particulars=replace(read.particulars, issuer_parent=parent),
                   sources={"issuer": FieldSource(page=1, via="ocr", confidence=0.9)})


def test_a_scanned_issuer_of_another_province_is_not_taken_from_our_agencys_signature() -> None:
    """OCR read the issuer of another province's document well (its place is none of the directory's):
    it is that issuer, not an unread one, and Sở Tư pháp of Bắc Giang's signature does not speak for it.
    It was registered on that signature, its issuer taken from the certificate (red team)."""
    for parent in ("UBND TỈNH LÂM ĐỒNG", "UBND TỈNH HÀ GIANG"):  # the second close to ours, yet another province
        [foreign] = _decide(mail(pdf(read=_scanned("SỞ TƯ PHÁP", parent)), proof=UNPROVEN))
        assert foreign.verdict == "quarantined" and ("signer-not-issuer", E) in codes(foreign.reasons), parent
        assert foreign.issuer_from_certificate is None
    # an OCR slip in our own province's issuer is still unread, the signature naming it
    for issuer, parent in (("SỞ TU PHAF", "UBND TỈNH BẮC GIANG"), ("SỞ TU PHAF", "UBND TỈNH BẮC GIANC")):
        [slip] = _decide(mail(pdf(read=_scanned(issuer, parent)), proof=UNPROVEN))
        assert slip.verdict == "accepted" and ("issuer-from-certificate", W) in codes(slip.reasons), parent


def test_two_documents_of_one_mail_are_decided_each() -> None:
    first = pdf("45.pdf", read=reading(number="45/STP-VP"))
    second = pdf("46.pdf", read=reading(number="46/STP-VP", secrecy=None))
    decisions = _decide(mail(first, second))
    assert [(d.verdict, d.pdf.attachment.filename if d.pdf else None) for d in decisions] == [
        ("accepted", "45.pdf"), ("accepted", "46.pdf")]


@pytest.mark.parametrize("name,files,expected", [
    ("one document", [("a", "45/STP-VP", 1)], [("a", [])]),
    ("a document and an unnumbered annex", [("a", "45/STP-VP", 1), ("b", None, 0)], [("a", ["b"])]),
    ("two numbered documents: the annex goes with the first", [("a", "45/STP-VP", 1), ("b", "46/STP-VP", 1),
                                                               ("c", None, 0)], [("a", ["c"]), ("b", [])]),
    ("the same number twice: one document, the more signed", [("a", "45/STP-VP", 0), ("b", "45/STP-VP", 2)],
     [("b", ["a"])]),
    ("nothing numbered: the first that opens", [("a", None, 0), ("b", None, 0)], [("a", ["b"])]),
    ("a number without its series is no identity", [("a", "/STP-VP", 0), ("b", "/STP-VP", 0)], [("a", ["b"])]),
    ("no PDF", [], [(None, [])]),
])
def test_split_documents(name: str, files: list[tuple[str, str | None, int]],
                         expected: list[tuple[str | None, list[str]]]) -> None:
    pdfs = [pdf(f"{n}.pdf", read=reading(number=number), signatures=[signature()] * signed) for n, number, signed in files]
    found = [(main.attachment.filename[:-4] if main else None, [a.attachment.filename[:-4] for a in annexes])
             for main, annexes in split_documents(pdfs)]
    assert found == expected, name


def test_the_same_issuer_line_and_number_of_another_body_or_year_is_another_document() -> None:
    """NĐ 30/2020 Đ15: every issuer numbers from 01 each year, and every province has a "SỞ TƯ PHÁP": "15/STP-VP" of
    Bắc Giang's Sở in 2026 is not Lâm Đồng's, nor the 2025 one. A copy whose body or year was not read joins the first."""
    def numbered(name: str, **particulars: object) -> PdfFacts:
        return pdf(f"{name}.pdf", read=reading(number="15/STP-VP", **particulars))

    ours, theirs = numbered("ours", date="2026-01-08"), numbered("theirs", date="2026-01-08", issuer_parent="UBND TỈNH LÂM ĐỒNG")
    last_year, undated = numbered("last-year", date="2025-01-09"), numbered("undated")
    found = [(main.attachment.filename if main else None, [a.attachment.filename for a in annexes])
             for main, annexes in split_documents([ours, theirs, last_year, undated])]
    assert found == [("ours.pdf", ["undated.pdf"]), ("theirs.pdf", []), ("last-year.pdf", [])]
    # a file that reads no body and no year first: another province's of another year does not join it and ours (red team 7)
    blank, other = numbered("blank", issuer_parent=None), numbered("other", date="2025-01-09", issuer_parent="UBND TỈNH LÂM ĐỒNG")
    found = [(main.attachment.filename if main else None, [a.attachment.filename for a in annexes])
             for main, annexes in split_documents([blank, ours, other])]
    assert found == [("blank.pdf", ["ours.pdf"]), ("other.pdf", [])]


def test_the_same_file_twice_is_one_document() -> None:
    same = pdf("a.pdf")
    assert split_documents([same, replace(same, attachment=replace(same.attachment, filename="copy.pdf"))]) == [
        (same, [])]
