"""Each rule of gateway/decision/rules.py on facts built by hand, table-driven: the findings it
raises (code and severity) for the cases its article names, and nothing where it holds."""

from __future__ import annotations

from dataclasses import replace

import pytest

from core_facts import (
    DIRECTORY, OURS, STC, STP, US, attachment, codes, mail, pdf, reading, sender, signature,
)
from gateway.decision import rules
from gateway.decision.issuers import DocumentIssuers, Issuer
from gateway.model import CertSubject
from gateway.reasons import error, warning

E, W = "error", "warning"


@pytest.mark.parametrize("auto,expected", [(None, []), ("auto-replied", [("auto-submitted", W)])])
def test_automatic_mail_is_never_answered(auto: str | None, expected: list[tuple[str, str]]) -> None:
    assert codes(rules.automatic_mail(mail(pdf(), auto_submitted=auto))) == expected


@pytest.mark.parametrize("name,with_pdf,answers_ours,peer,expected", [
    ("a document", True, False, {}, []),
    ("a document answering ours is still a document", True, True, {"x-qlvb-status": "03"}, []),
    ("an answer to our send", False, True, {}, [("peer-answer", W)]),
    ("a peer's status notice", False, False, {"x-qlvb-status": "13"}, [("peer-answer", W)]),
    ("a mail without a document from nobody we wrote to", False, False, {}, []),
])
def test_peer_answer(name: str, with_pdf: bool, answers_ours: bool, peer: dict[str, str],
                     expected: list[tuple[str, str]]) -> None:
    facts = mail(*([pdf()] if with_pdf else []), peer=peer)
    assert codes(rules.peer_answer(facts, answers_ours)) == expected, name


def test_refused_attachments_and_active_content() -> None:
    exe = attachment("setup.exe", kind="refused", note="setup.exe: tệp chạy được")
    assert codes(rules.refused_attachments(mail(pdf()))) == []
    found = rules.refused_attachments(replace(mail(pdf()), attachments=[exe]))
    assert codes(found) == [("unsupported-attachment", E)] and "setup.exe" in found[0].detail
    active = rules.refused_attachments(mail(pdf(active_content=("JavaScript", "Launch"))))
    assert codes(active) == [("unsupported-attachment", E)] and active[0].detail == "cv.pdf: JavaScript; Launch"


@pytest.mark.parametrize("pdfs,expected", [([pdf()], []), ([], [("no-document", E)])])
def test_has_document(pdfs: list, expected: list[tuple[str, str]]) -> None:  # type: ignore[type-arg]
    assert codes(rules.has_document(mail(*pdfs))) == expected


def test_readable_and_repaired() -> None:
    broken = pdf("hong.pdf", opened=False, problem="cut short", reading=None, signatures=[])
    mended = pdf("sua.pdf", repaired=True)
    assert rules.readable([pdf(), broken]) == [error("pdf-unreadable", "hong.pdf: cut short")]
    assert rules.repaired([pdf(), mended, replace(broken, repaired=True)]) == [warning("pdf-repaired", "sua.pdf")]


@pytest.mark.parametrize("marks,expected", [
    ((None, None), []),
    (("MẬT", None), [error("secret-document", "MẬT")]),
    ((None, "TỐI MẬT"), [error("secret-document", "TỐI MẬT")]),  # an annex's mark makes the mail secret
    (("MẬT", "TỐI MẬT"), [error("secret-document", "MẬT")]),  # one finding, the first's
])
def test_secret_on_any_pdf(marks: tuple[str | None, str | None], expected: list) -> None:  # type: ignore[type-arg]
    pdfs = [pdf(f"{i}.pdf", read=reading(secrecy=mark)) for i, mark in enumerate(marks)]
    assert rules.secret(pdfs) == expected
    assert rules.secret_mark(None) == []


def test_forged_authentication() -> None:
    assert rules.forged_authentication(mail(pdf())) == []
    forged = mail(pdf(), proof=sender(authenticated=False, forged_results="mx.bacgiang.gov.vn"))
    assert rules.forged_authentication(forged) == [warning("forged-authentication-results", "mx.bacgiang.gov.vn")]


@pytest.mark.parametrize("name,changes,hard,valid,expected", [
    ("valid", {}, False, True, []),
    ("broken", {"intact": False}, False, False, [("signature-invalid", E)]),
    ("broken, with why", {"intact": False, "problem": "hash"}, False, False, [("signature-invalid", E)]),
    ("revoked", {"revoked": True}, False, False, [("certificate-revoked", E)]),
    ("revoked and untrusted: revoked wins", {"revoked": True, "trusted": False}, False, False,
     [("certificate-revoked", E)]),
    ("revoked after a timestamp proves it signed", {"revoked_on": "2026-11-24T00:00:00+00:00"}, True, True,
     [("certificate-revoked-after-signing", W)]),
    ("untrusted", {"trusted": False}, False, False, [("signature-untrusted", W)]),
    ("expired", {"expired": True}, False, False, [("certificate-expired", W)]),
    ("revocation unknown, soft", {"revocation_known": False}, False, True, [("revocation-unknown", W)]),
    ("revocation unknown, hard", {"revocation_known": False}, True, False, [("revocation-unknown", E)]),
])
def test_signature_findings_and_validity(name: str, changes: dict, hard: bool, valid: bool,  # type: ignore[type-arg]
                                         expected: list[tuple[str, str]]) -> None:
    sig = signature(**changes)
    assert codes(rules.signature_findings([sig], hard)) == expected, name
    assert rules.valid_signature(sig, hard) is valid, name


def test_a_broken_signature_says_its_problem() -> None:
    [found] = rules.signature_findings([signature(intact=False, problem="hash differs")], False)
    assert found.detail == "SỞ TƯ PHÁP: hash differs"


def _issuers(*agencies) -> DocumentIssuers:  # type: ignore[no-untyped-def]
    return DocumentIssuers(tuple(Issuer(a.name, None, a) for a in agencies))


@pytest.mark.parametrize("name,proof,issuers,holds,expected", [
    ("the issuer's clerk mailbox, proven", sender(), _issuers(STP), True, []),
    ("unproven", sender(authenticated=False, detail="dkim=fail"), _issuers(STP), False,
     [error("sender-unauthenticated", "dkim=fail")]),
    ("proven, not in the directory", sender("a@gmail.com"), _issuers(STP), False,
     [error("sender-not-official", "a@gmail.com")]),
    ("another agency's mailbox", sender(STC.mailbox), _issuers(STP), False,
     [error("sender-not-issuer", f"{STP.name} ≠ {STC.name}")]),
    ("one of a joint document's issuers", sender(STC.mailbox), _issuers(STP, STC), True, []),
    ("the issuer unread", sender(), DocumentIssuers(()), True, [warning("issuer-unread")]),
])
def test_official_route(name: str, proof, issuers: DocumentIssuers, holds: bool, expected: list) -> None:  # type: ignore[no-untyped-def,type-arg]
    assert rules.official_route(mail(pdf(), proof=proof), issuers, DIRECTORY) == (holds, expected), name


@pytest.mark.parametrize("name,to,kinh_gui,electronic,ours", [
    ("our mailbox among the addressees", (US.mailbox,), (), (), True),
    ("named in Kính gửi", (STC.mailbox,), ("Sở Nội vụ",), (), True),
    ("named by a group of the directory", (STC.mailbox,), ("Các Sở, ban, ngành",), (), True),
    ("named in the block", (STC.mailbox,), (), ("Sở Nội vụ tỉnh Bắc Giang;",), True),
    ("another agency only", (STC.mailbox,), ("Sở Tài chính",), ("UBND tỉnh;",), False),
    ("nothing read, not our mailbox", (STC.mailbox,), (), (), False),
])
def test_addressed_to_us(name: str, to: tuple[str, ...], kinh_gui: tuple[str, ...], electronic: tuple[str, ...],
                         ours: bool) -> None:
    facts = mail(pdf(read=reading(kinh_gui=kinh_gui, electronic=electronic)), to=to)
    expected = [] if ours else [("wrong-recipient", E)]
    assert codes(rules.addressed_to_us(facts, facts.pdfs[0].reading, OURS, DIRECTORY)) == expected, name
    assert codes(rules.addressed_to_us(facts, None, OURS, DIRECTORY)) == ([] if US.mailbox in to else [("wrong-recipient", E)])


def test_soften_keeps_code_and_detail() -> None:
    assert rules.soften([error("sender-not-official", "a@b"), warning("issuer-unread")]) == [
        warning("sender-not-official", "a@b"), warning("issuer-unread")]


def test_an_unread_issuer_is_the_one_valid_signers_agency() -> None:
    judged = rules.issuer_signatures([signature()], DocumentIssuers(()), DIRECTORY, revocation_hard=False)
    assert judged.basis and codes(judged.findings) == [("issuer-from-certificate", W)]
    assert judged.issuers.issuers[0].agency == STP
    ubnd = CertSubject("ỦY BAN NHÂN DÂN TỈNH BẮC GIANG", "ỦY BAN NHÂN DÂN TỈNH BẮC GIANG", "", "Bắc Giang")
    two = rules.issuer_signatures([signature(), signature(ubnd, field="Signature2", revision=1)], DocumentIssuers(()),
                                  DIRECTORY, revocation_hard=False)
    assert not two.basis and two.findings == []  # two agencies: none is taken
