"""Every verdict, basis and reason of intake, end to end: real mails with real signed PDFs go through
`qlvb-gateway ingest` into a real SQLite register; we check what a clerk would check."""

from __future__ import annotations

import email
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pymupdf
import pytest
from sqlalchemy import select

from registry.models import AuditEntry, Document, DocumentFile, Mail, Outbox
from world import STC, STP, US, make_world

OTHER = "vanthu@skhdt.bacgiang.gov.vn"  # an agency not in the directory


def codes(out: dict) -> dict[str, str]:
    return {r["code"]: r["severity"] for r in out["reasons"]}


def _modified_after_signing(signed: bytes, work: Path) -> bytes:
    """An incremental update that changes the page content after the signature."""
    path = work / "to-modify.pdf"
    path.write_bytes(signed)
    doc = pymupdf.open(path)
    doc[0].insert_text((72, 780), "Noi dung them sau khi ky", fontname="helv")
    doc.save(path, incremental=True, encryption=pymupdf.PDF_ENCRYPT_KEEP)
    doc.close()
    return path.read_bytes()


@pytest.fixture(scope="module")
def run(tmp_path_factory, province):
    pki, signers, stranger = province
    w = make_world(tmp_path_factory.mktemp("verdicts"), pki, signers, stranger)
    now = datetime.now(timezone.utc)
    signed = w.signed()
    cases: dict[str, Path] = {}

    def case(name: str, **kw) -> None:  # type: ignore[no-untyped-def]
        cases[name] = w.mail(name, **kw)

    case("signed", attachments=[("cong-van.pdf", signed), ("du-thao.docx", _docx())])
    case("scan-auth-pass", auth="smtp", attachments=[("scan.pdf", w.scanned(w.document(number="200/STP-VP")))])
    case("unsigned-dkim", attachments=[("cv.pdf", w.document(number="201/STP-VP"))])
    case("unsigned-dmarc", auth="dmarc", attachments=[("cv.pdf", w.document(number="202/STP-VP"))])
    case("signed-forged-from", sender=STC, auth=None,
         attachments=[("cv.pdf", w.signed("stc", w.document(issuer="SỞ TÀI CHÍNH", number="77/STC-NS")))])
    case("unsigned-forged", auth=None, attachments=[("cv.pdf", w.document(number="203/STP-VP"))])
    case("not-issuer", sender=STC, attachments=[("cv.pdf", w.document(number="204/STP-VP"))])
    case("not-official", sender=OTHER, attachments=[("cv.pdf", w.document(number="205/STP-VP"))])
    # one byte of the signed revision changed (its Producer string), the file otherwise intact
    tampered = w.signed(pdf=w.document(number="206/STP-VP")).replace(b"(MuPDF ", b"(MuPDX ", 1)
    case("tampered", attachments=[("cv.pdf", tampered)])
    case("modified", attachments=[("cv.pdf", _modified_after_signing(w.signed(pdf=w.document(number="207/STP-VP")), w.root))])
    case("revoked", attachments=[("cv.pdf", w.signed("revoked", w.document(number="208/STP-VP")))])
    case("untrusted-official", attachments=[("cv.pdf", w.signed("stranger", w.document(number="209/STP-VP")))])
    case("expired-official", attachments=[("cv.pdf", w.signed("expired", w.document(number="210/STP-VP")))])
    case("expired-timestamped", sender=OTHER, auth=None,
         attachments=[("cv.pdf", w.signed("expired", w.document(number="211/STP-VP"), timestamp_at=now - timedelta(days=30)))])
    # revoked ten days ago; a trusted timestamp proves it signed thirty days ago, or two days ago (after the revocation)
    for who, days in (("reorganised", 30), ("compromised", 30), ("reorganised", 2), ("revoked", 30), ("backdated", 30)):
        signed_on = now - timedelta(days=days)  # and dated that day (a later date is pointed out: date-after-signing)
        case(f"{who}-timestamped-{days}", attachments=[("cv.pdf", w.signed(
            who, w.document(number=f"{227 + len(cases)}/STP-VP", date=(signed_on.day, signed_on.month, signed_on.year)),
            timestamp_at=signed_on))])
    case("wrong-recipient", to=[STC], attachments=[("cv.pdf", w.document(
        number="212/STP-VP", recipients=["Nơi nhận:", "- Sở Tài chính;", "- Lưu: VT."]))])
    case("to-us-by-group", to=["vanthu@undisclosed.example"], attachments=[("cv.pdf", w.document(
        number="213/STP-VP", recipients=["Nơi nhận:", "- Lưu: VT.", "Bản điện tử:", "- Các Sở, ban, ngành;"]))])
    case("no-document", attachments=[("ghi-chu.txt", "Xin gửi".encode())])
    case("executable", attachments=[("cv.pdf", w.document(number="214/STP-VP")), ("setup.exe", b"MZ\x90\x00" + b"\0" * 64)])
    case("archive", attachments=[("ho-so.zip", _zip())])
    case("macro", attachments=[("cv.pdf", w.document(number="215/STP-VP")), ("bang.xlsm", _zip())])
    case("unreadable", attachments=[("cv.pdf", b"%PDF-1.7\n garbage that is not a PDF")])
    case("password", attachments=[("cv.pdf", _encrypted(w.document(number="216/STP-VP")))])
    case("owner-password-only", attachments=[("cv.pdf", _encrypted(w.document(number="217/STP-VP"), user=""))])
    case("secret", attachments=[("mat.pdf", w.document(number="218/STP-VP", secrecy="Mật"))])
    case("secret-forged", auth=None, attachments=[("mat.pdf", w.document(number="219/STP-VP", secrecy="Tối mật"))])
    case("urgent", attachments=[("khan.pdf", w.signed(pdf=w.document(number="220/STP-VP", urgency="Hỏa tốc")))])
    case("duplicate-bytes", attachments=[("lai.pdf", signed)])
    case("duplicate-number", auth="smtp", attachments=[("lai.pdf", w.document(number="123/STP-VP"))])
    case("two-documents", attachments=[("a.pdf", w.document(number="221/STP-VP")), ("b.pdf", w.document(number="222/STP-VP"))])
    case("document-and-appendix", attachments=[("a.pdf", w.document(number="223/STP-VP")), ("phu-luc.pdf", _plain_pdf())])
    case("auto-replied", headers={"Auto-Submitted": "auto-replied"}, attachments=[("cv.pdf", w.document(number="224/STP-VP"))])
    case("bulk", headers={"Precedence": "bulk"})
    case("octet-stream-pdf", declared_type="application/octet-stream",
         attachments=[("=?utf-8?b?Q8O0bmcgdsSDbi5wZGY=?=", w.document(number="225/STP-VP"))])
    # winmail.dat: the TNEF signature and key, an empty one (it is opened: 4 bytes could not be)
    case("extras-ignored", attachments=[("cv.pdf", w.document(number="226/STP-VP")), ("smime.p7s", b"0\x82"),
                                        ("winmail.dat", b"\x78\x9f\x3e\x22\x01\x00"), ("logo.png", b"\x89PNG\r\n\x1a\n")])
    order = list(cases)
    outputs = w.ingest(*cases.values())
    by_name: dict[str, list[dict]] = {}
    for out in outputs:
        by_name.setdefault(Path(out["file"]).stem, []).append(out)
    assert set(by_name) == set(order), "every mail gets a verdict"
    second = w.ingest(cases["signed"])
    return w, by_name, second


def _docx() -> bytes:
    import io
    import zipfile

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<w:document/>")
    return buf.getvalue()


def _zip() -> bytes:
    import io
    import zipfile

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("vbaProject.bin", b"\0")
        z.writestr("a.txt", "x")
    return buf.getvalue()


def _encrypted(pdf: bytes, user: str = "view") -> bytes:
    doc = pymupdf.open(stream=pdf, filetype="pdf")
    return doc.tobytes(encryption=pymupdf.PDF_ENCRYPT_AES_256, user_pw=user, owner_pw="master")


def _plain_pdf() -> bytes:
    doc = pymupdf.open()
    doc.new_page().insert_text((72, 72), "Phụ lục kèm theo", fontname="helv")
    return doc.tobytes()


def one(run, name: str) -> dict:  # type: ignore[no-untyped-def]
    outs = run[1][name]
    assert len(outs) == 1, outs
    return outs[0]


def test_signed_document_is_registered_and_acknowledged(run) -> None:
    w, _, _ = run
    out = one(run, "signed")
    assert out["verdict"] == "accepted" and out["basis"] == "signature"
    assert out["incoming_number"] == 1
    assert out["document"]["number"] == "123/STP-VP" and out["document"]["issuer"] == "SỞ TƯ PHÁP"
    assert out["signatures"][0]["trusted"] and out["signatures"][0]["intact"]
    assert out["replies"] == [{"kind": "ack", "to": STP}]
    register = w.db()
    with register.session() as s:
        ack = s.scalars(select(Outbox).where(Outbox.kind == "ack", Outbox.recipient == STP)).first()
        msg = email.message_from_bytes(ack.raw)
        assert msg["X-QLVB-Status"] == "03" and msg["X-QLVB-Incoming-Number"] == "1"
        assert msg["Auto-Submitted"] == "auto-replied" and msg["In-Reply-To"] == out["message_id"]
        body = msg.get_payload(decode=True).decode("utf-8")
        assert "Số đến: 1" in body and "123/STP-VP" in body
        doc = s.scalars(select(Document).where(Document.arrival_number == 1)).one()
        assert doc.organ_name == "SỞ TƯ PHÁP" and doc.code_number == "123" and doc.code_notation == "STP-VP"
        files = s.scalars(select(DocumentFile).where(DocumentFile.document_id == doc.id)).all()
        assert {f.role for f in files} == {"document", "draft"}
        mail = s.get(Mail, doc.mail_id)
        assert (w.root / "store" / "sha256" / mail.sha256[:2] / mail.sha256).read_bytes() == (w.root / "mails/signed.eml").read_bytes()
    register.close()


def test_official_route_without_dkim_on_a_scan(run) -> None:
    out = one(run, "scan-auth-pass")
    assert out["verdict"] == "accepted" and out["basis"] == "official-mailbox"
    assert out["reasons"] == []
    document = out["document"]  # read by OCR: the register gets the scan's particulars
    assert (document["issuer"], document["number"], document["date"]) == ("SỞ TƯ PHÁP", "200/STP-VP", "2026-11-20")
    assert out["sender"]["method"] == "smtp-auth"


@pytest.mark.parametrize("name,method", [("unsigned-dkim", "dkim"), ("unsigned-dmarc", "dmarc")])
def test_official_route_by_dkim_or_dmarc(run, name: str, method: str) -> None:
    out = one(run, name)
    assert (out["verdict"], out["basis"], out["sender"]["method"]) == ("accepted", "official-mailbox", method)
    assert out["reasons"] == []


def test_signed_document_from_unauthenticated_sender_is_acknowledged_to_the_issuer(run) -> None:
    out = one(run, "signed-forged-from")
    assert out["verdict"] == "accepted" and out["basis"] == "signature"
    assert codes(out)["sender-unauthenticated"] == "warning"
    assert out["replies"] == [{"kind": "ack", "to": STC}]  # the issuer's directory mailbox


def test_forged_unsigned_mail_is_quarantined_without_backscatter(run) -> None:
    out = one(run, "unsigned-forged")
    assert out["verdict"] == "quarantined" and out["incoming_number"] is None
    assert codes(out) == {"sender-unauthenticated": "error"}
    assert out["replies"] == [{"kind": "alert", "to": US["mailbox"]}]
    assert out["review_id"] is not None


@pytest.mark.parametrize("name,code", [
    ("not-issuer", "sender-not-issuer"),
    ("tampered", "signature-invalid"), ("modified", "signature-modified"), ("revoked", "certificate-revoked"),
    ("wrong-recipient", "wrong-recipient"), ("no-document", "no-document"), ("executable", "unsupported-attachment"),
    ("archive", "unsupported-attachment"), ("macro", "unsupported-attachment"), ("unreadable", "pdf-unreadable"),
    ("password", "pdf-unreadable"), ("secret", "secret-document"),
])
def test_returned_to_an_authenticated_sender_with_its_reason(run, name: str, code: str) -> None:
    out = one(run, name)
    assert out["verdict"] == "returned", out["reasons"]
    assert codes(out).get(code) == "error"
    assert out["incoming_number"] is None
    assert {"kind": "return", "to": out["sender"]["address"]} in out["replies"]


def test_a_proven_outsider_is_held_for_the_clerk_not_answered(run) -> None:
    """Returns go to proven senders the directory knows; a domain outside it is not answered."""
    out = one(run, "not-official")
    assert out["verdict"] == "quarantined" and codes(out).get("sender-not-official") == "error"
    assert out["replies"] == [{"kind": "alert", "to": US["mailbox"]}]


def test_return_mail_lists_reasons_in_vietnamese(run) -> None:
    w, _, _ = run
    out = one(run, "revoked")
    register = w.db()
    with register.session() as s:
        row = s.scalars(select(Outbox).where(Outbox.kind == "return", Outbox.mail_id == Mail.id,
                                             Mail.message_id == out["message_id"])).first()
        msg = email.message_from_bytes(row.raw)
        assert msg["X-QLVB-Status"] == "02" and "X-QLVB-Incoming-Number" not in msg
        assert "đã bị thu hồi" in msg.get_payload(decode=True).decode("utf-8")
    register.close()


@pytest.mark.parametrize("name,code", [("untrusted-official", "signature-untrusted"), ("expired-official", "certificate-expired")])
def test_weak_signature_still_accepted_by_official_route(run, name: str, code: str) -> None:
    out = one(run, name)
    assert out["verdict"] == "accepted" and out["basis"] == "official-mailbox"
    assert codes(out)[code] == "warning"


def test_expired_certificate_valid_at_timestamp_time(run) -> None:
    out = one(run, "expired-timestamped")
    assert out["verdict"] == "accepted" and out["basis"] == "signature"
    assert out["signatures"][0]["expired"] is False and out["signatures"][0]["trusted"] is True


def test_a_certificate_revoked_after_a_timestamp_proves_it_signed_still_signs(run) -> None:
    """NĐ 130/2018 Đ9.1: a signature made while its certificate was in force. The agency renamed in a reorganisation
    (its certificate revoked ten days ago, "affiliation changed"), the document timestamped thirty days ago: it stands,
    and the clerk is told of the revocation."""
    out = one(run, "reorganised-timestamped-30")
    assert (out["verdict"], out["basis"]) == ("accepted", "signature"), out["reasons"]
    assert codes(out) == {"certificate-revoked-after-signing": "warning"}, out["reasons"]
    assert (out["signatures"][0]["revoked"], out["signatures"][0]["trusted"]) == (False, True)


@pytest.mark.parametrize("name", [
    "compromised-timestamped-30",  # the key stolen: signed before the revocation by anybody who held it
    "reorganised-timestamped-2",  # signed after the revocation
    "revoked-timestamped-30",  # no reason given: the key may have been anybody's
    "backdated-timestamped-30",  # not to be trusted from forty days ago, before it signed
])
def test_a_revocation_for_a_stolen_key_or_after_signing_or_for_no_reason_or_backdated_stands(run, name: str) -> None:
    out = one(run, name)
    assert (out["verdict"], codes(out).get("certificate-revoked")) == ("returned", "error"), out["reasons"]
    assert out["signatures"][0]["revoked"] is True


def test_addressed_through_the_document_recipient_block(run) -> None:
    assert one(run, "to-us-by-group")["verdict"] == "accepted"


def test_owner_password_only_opens(run) -> None:
    assert one(run, "owner-password-only")["verdict"] == "accepted"


def test_secret_document_leaves_no_content_behind(run) -> None:
    w, _, _ = run
    out = one(run, "secret")
    assert out["document"]["secrecy"] == "Mật" and out["document"]["number"] is None
    assert {r["kind"] for r in out["replies"]} == {"return", "alert"}
    raw = (w.root / "mails/secret.eml").read_bytes()
    import hashlib

    digest = hashlib.sha256(raw).hexdigest()
    assert not (w.root / "store/sha256" / digest[:2] / digest).exists()
    register = w.db()
    with register.session() as s:
        mail = s.scalars(select(Mail).where(Mail.sha256 == digest)).one()
        assert mail.subject is None and mail.stored is False
        assert not s.scalars(select(DocumentFile).where(DocumentFile.mail_id == mail.id)).all()
        for row in s.scalars(select(Outbox).where(Outbox.mail_id == mail.id)):
            assert b"218/STP-VP" not in row.raw and b"V/v" not in row.raw
    register.close()
    forged = one(run, "secret-forged")
    # a forger's "MẬT" mark is grouped with its other held mail (one alert an hour per sender)
    assert forged["verdict"] == "quarantined" and forged["replies"] in ([], [{"kind": "alert", "to": US["mailbox"]}])


def test_urgent_document_alerts_the_clerk_and_the_leaders(run) -> None:
    out = one(run, "urgent")
    assert out["verdict"] == "accepted" and out["document"]["urgency"] == "Hỏa tốc"
    kinds = {(r["kind"], r["to"]) for r in out["replies"]}
    assert ("alert", US["mailbox"]) in kinds and ("alert", "lanhdao@snv.bacgiang.gov.vn") in kinds


@pytest.mark.parametrize("name", ["duplicate-bytes", "duplicate-number"])
def test_duplicates_repeat_the_original_number(run, name: str) -> None:
    out = one(run, name)
    assert out["verdict"] == "duplicate" and out["duplicate_of"] == 1 and out["incoming_number"] is None
    assert [r["kind"] for r in out["replies"]] == ["ack"]
    w = run[0]
    year = w.documents()[0].year  # each year's numbers start at 1: the earlier line is named with its year
    assert out["duplicate_year"] == year
    # the clerk's terminal says it too (a `check` changes nothing)
    line = w.run("check", "--config", str(w.config_path), str(w.root / "mails" / f"{name}.eml")).stdout
    assert f"trùng số đến 1/{year}" in line, line


def test_same_mail_twice_changes_nothing(run) -> None:
    w, _, second = run
    assert second[0]["incoming_number"] == 1 and second[0]["already_processed"] is True
    assert second[0]["replies"] == []
    # the same mail under another name says which file it is now (a newcomer could not match lines to files)
    copy = w.root / "mails" / "signed-copy.eml"
    copy.write_bytes((w.root / "mails" / "signed.eml").read_bytes())
    [again] = w.ingest(copy)
    assert (again["file"], again["already_processed"], again["incoming_number"]) == (str(copy), True, 1)
    register = w.db()
    with register.session() as s:
        assert len(s.scalars(select(Outbox).where(Outbox.recipient == STP, Outbox.kind == "ack",
                                                  Outbox.mail_id == 1)).all()) == 1
    register.close()


def test_several_complete_documents_are_registered_each(run) -> None:
    outs = run[1]["two-documents"]
    assert [o["document"]["number"] for o in outs] == ["221/STP-VP", "222/STP-VP"]
    assert all(o["verdict"] == "accepted" for o in outs)
    assert outs[1]["incoming_number"] == outs[0]["incoming_number"] + 1


def test_appendix_stays_with_its_document(run) -> None:
    assert len(run[1]["document-and-appendix"]) == 1
    assert one(run, "document-and-appendix")["verdict"] == "accepted"


def test_automatic_mail_is_ignored_and_never_answered(run) -> None:
    out = one(run, "bulk")
    assert out["verdict"] == "ignored" and out["replies"] == [] and codes(out) == {"auto-submitted": "warning"}


def test_a_document_an_automatic_sender_mails_is_registered_and_never_answered(run) -> None:
    """RFC 3834 forbids the answer, not the document (red team 40: it was ignored, in no register and on no list)."""
    out = one(run, "auto-replied")
    assert out["verdict"] == "accepted" and out["incoming_number"] is not None and out["replies"] == []
    assert codes(out) == {"auto-submitted": "warning"}


def test_pdf_recognised_by_bytes_with_encoded_name(run) -> None:
    assert one(run, "octet-stream-pdf")["verdict"] == "accepted"


def test_harmless_extras_are_kept_and_ignored(run) -> None:
    assert one(run, "extras-ignored")["verdict"] == "accepted"


def test_numbers_are_consecutive_and_audited(run) -> None:
    w, _, _ = run
    register = w.db()
    with register.session() as s:
        numbers = [d.arrival_number for d in s.scalars(select(Document).order_by(Document.arrival_number))]
        assert numbers == list(range(1, len(numbers) + 1))
        assert len(s.scalars(select(AuditEntry)).all()) >= len(numbers)
    register.close()


def test_check_decides_without_touching_the_register(tmp_path, province) -> None:
    pki, signers, stranger = province
    w = make_world(tmp_path / "check", pki, signers, stranger)
    mail = w.mail("signed", attachments=[("cv.pdf", w.signed())])
    out = w.ingest(mail, command="check")
    assert out[0]["verdict"] == "accepted" and out[0]["incoming_number"] is None
    assert w.ingest(mail, command="check")[0]["verdict"] == "accepted"
    assert w.ingest(mail)[0]["incoming_number"] == 1


def test_audit_log_is_append_only(run) -> None:
    from sqlalchemy import text
    from sqlalchemy.exc import DatabaseError

    w, _, _ = run
    register = w.db()
    for statement in ("UPDATE audit_log SET actor = 'someone'", "DELETE FROM audit_log"):
        with pytest.raises(DatabaseError, match="append-only"):
            with register.session() as s, s.begin():
                s.execute(text(statement))
    register.close()
