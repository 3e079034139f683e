"""Red team 45: attacks on the fixes of red teams 43 and 44 (a signed box over a blank, returned mail and secrets, a
commune's resolver). Each failed before its fix but the one marked left: a dotted revision cut before the month's
stamp registered undated and acknowledged; a bounce sent as multipart/mixed registering our own letter; another
commune's school under its parent, a merged commune's former name, a region in Roman figures."""
from __future__ import annotations

import pytest

import hashlib
import os
from datetime import datetime, timezone
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime, make_msgid
from pathlib import Path

import pymupdf

from gateway.decision.issuers import Issuer, foreign
from gateway.demo.mails import make_mail
from gateway.directory import Directory
from kit import DocumentSpec, render_document, sign_pdf, sign_with_stamp
from test_redteam43 import _Typed
from test_resolver_communes import DIRECTORY, TAND_KV1, XA, XA_TA, named
from test_unissued_revisions import _revisions, _send
from world import MX, STP, US, World

EVIL = "attacker@evil.example"


def _over(pdf: bytes, word: str, index: int = 0, part: float = 1.0) -> tuple[float, float, float, float]:
    """A signature box over the `index`-th occurrence of a word (its first `part`), PDF points from the bottom left."""
    page = pymupdf.open(stream=pdf, filetype="pdf")[0]
    w = [w for w in page.get_text("words") if w[4] == word or w[4].endswith(word)][index]
    h = page.rect.height
    return w[0], h - w[3] - 8, w[0] + (w[2] - w[0]) * part, h - w[1] + 8


def test_a_dotted_revision_cut_before_the_months_stamp_is_not_registered(world: World) -> None:
    """F1. A template with dotted blanks ("Số: ………/STP-VP", "ngày …… tháng …… năm 2026"), issued by the leader's
    signature then the office's stamps 707, 25, 11 drawn over the dots. Its revision cut after the day's stamp (the
    month's dots still unstamped) has a signed box on the date's line that drew "25" (placed nowhere): the whole
    line is taken for unknown, the date left out `low-confidence`, never `not-issued`; mailed by a forger it is
    registered and acknowledged to Sở Tư pháp. A box over the day says nothing of the month's blank."""
    doc = render_document(DocumentSpec(number="………/STP-VP", date=(_Typed("……"), _Typed("……"), _Typed("2026"))))
    pdf = sign_pdf(doc, world.signers["stp"], world.pki, field_name="LanhDao")
    for field, text, box in (("Signature2", "707", _over(doc, "/STP-VP", 0, 0.4)), ("Signature3", "25", _over(doc, "……", 0)),
                             ("Signature4", "11", _over(doc, "……", 1))):
        pdf = sign_with_stamp(pdf, world.signers["stp"], world.pki, text=text, box=box, field_name=field)
    out = _send(world, "day-only", _revisions(pdf)["Signature3"], sender=EVIL, auth=None)
    assert out["verdict"] != "accepted" and out["incoming_number"] is None, (out["verdict"], out["reasons"])
    assert not [r for r in out["replies"] if r["kind"] == "ack"]


def _ours(world: World, secrecy: str | None = None) -> bytes:
    me = world.pki.signer("Sở Nội vụ tỉnh Bắc Giang", "Sở Nội vụ tỉnh Bắc Giang")
    return sign_pdf(render_document(DocumentSpec(issuer="SỞ NỘI VỤ", number="55/SNV-VP", secrecy=secrecy,
                                                 kinh_gui=["Sở Tư pháp tỉnh Bắc Giang"])), me, world.pki)


_DSN = (b"Content-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.bacgiang.gov.vn\r\n\r\n"
        b"Final-Recipient: rfc822; vanthu@sotp.bacgiang.gov.vn\r\nAction: failed\r\nStatus: 5.2.2\r\n\r\n")


def _bounce(world: World, name: str, pdf: bytes, *, content_type: str, direct: bool) -> Path:
    """Our mail to Sở Tư pháp bounced by the MTA (Auto-Submitted, a delivery-status part): the original carried back
    as message/rfc822, or (direct) its PDF attached beside the delivery-status part."""
    msg = EmailMessage(policy=SMTP)
    msg["From"] = "MAILER-DAEMON@mx.bacgiang.gov.vn"
    msg["To"] = US["mailbox"]
    msg["Subject"] = "Undelivered Mail Returned to Sender"
    msg["Date"] = format_datetime(datetime.now(timezone.utc))
    msg["Message-ID"] = make_msgid(domain="mx.bacgiang.gov.vn")
    msg["Auto-Submitted"] = "auto-replied"
    msg.set_content("This is the mail system. Your message could not be delivered.")
    if direct:
        msg.add_attachment(pdf, maintype="application", subtype="pdf", filename="55.pdf")
    else:
        original = make_mail(sender=US["mailbox"], to=[STP], subject="Gửi văn bản 55/SNV-VP", attachments=[("55.pdf", pdf)])
        msg.add_attachment(message_from_bytes(original, policy=SMTP))
    raw = msg.as_bytes()
    boundary = b"--" + msg.get_boundary().encode()
    second = raw.index(boundary, raw.index(boundary) + 1)
    raw = raw[:second] + boundary + b"\r\n" + _DSN + raw[second:]
    raw = raw.replace(b"multipart/mixed", content_type.encode(), 1)
    raw = f"Received: from x by {MX}; {format_datetime(datetime.now(timezone.utc))}\r\n".encode() + raw
    path = world.root / "mails" / f"{name}.eml"
    path.parent.mkdir(exist_ok=True)
    path.write_bytes(raw)
    return path


def test_a_bounce_as_multipart_mixed_does_not_register_our_own_document(world: World) -> None:
    """F2. A bounce some MTAs and filtering gateways send as multipart/mixed (Auto-Submitted: auto-replied, a
    message/delivery-status part) with our own document attached directly: `returned_mail` looks only at a
    multipart/report, so our letter 55/SNV-VP is judged and registered as an incoming document from MAILER-DAEMON."""
    out = world.ingest(_bounce(world, "bounce-mixed", _ours(world), content_type="multipart/mixed", direct=True))[0]
    assert out["incoming_number"] is None, (out["verdict"], out["reasons"])
    assert world.documents() == []


def test_a_secret_document_carried_back_in_a_bounce_is_written_nowhere(world: World) -> None:
    """F3. 002 Đ16.7. The standard bounce (multipart/report, delivery-status, our mail as message/rfc822) of a letter
    marked MẬT: the PDF inside the carried-back mail was not among the mail's PDFs, so `rules.secret` saw nothing; the
    mail was `ignored`, the raw mail and the secret PDF itself written to the store (a file named by its digest),
    and nobody told. Now: held for the clerk, who is told, nothing of it written, no answer to the reporting server."""
    pdf = _ours(world, secrecy="MẬT")
    [out] = world.ingest(_bounce(world, "secret-bounce", pdf, content_type="multipart/report; report-type=delivery-status",
                                 direct=False))
    digest = hashlib.sha256(pdf).hexdigest()
    written = [f for _, _, files in os.walk(world.root / "store") for f in files if digest in f]
    assert written == [], written
    assert not (world.root / "store").exists() or not any((world.root / "store").rglob("*.eml"))
    assert out["verdict"] == "quarantined" and "secret-document" in [r["code"] for r in out["reasons"]]
    assert [(r["kind"], r["to"]) for r in out["replies"]] == [("alert", US["mailbox"])]
    assert world.documents() == []


def test_a_secret_document_forwarded_as_an_attached_mail_is_written_nowhere_and_sent_back(world: World) -> None:
    """A clerk of Sở Tư pháp forwards, as an attachment (Outlook's "Forward as Attachment"), a mail carrying a document
    marked MẬT: it is no document of the mail, but nothing of it is written; the proven sender is told it may not
    come so (002 Đ16.7), the clerk too."""
    inner = make_mail(sender="nguoi.khac@example.vn", to=[STP], subject="Văn bản mật",
                      attachments=[("mat.pdf", world.signed("stp", world.document(number="12/STP-VP", secrecy="MẬT")))])
    path = world.mail("forwarded-secret", attachments=[("thu-chuyen-tiep.eml", inner)])
    [out] = world.ingest(path)
    assert out["verdict"] == "returned" and "secret-document" in [r["code"] for r in out["reasons"]]
    assert sorted(r["kind"] for r in out["replies"]) == ["alert", "return"]
    assert world.stored_files() == []
    assert world.documents() == []


def test_another_communes_body_under_its_parent_is_foreign_to_a_commune() -> None:
    """F4. `foreign(..., us)` reads the commune from the issuer's own name only: Nam Dương's school, printed under its
    commune ("UBND XÃ NAM DƯƠNG / TRƯỜNG MẦM NON NAM DƯƠNG"), is not foreign to Lục Ngạn, so its "Kính gửi: UBND xã"
    (its own commune) is taken for ours (`named(..., foreign=False)` is True): red team 44's bug through the parent."""
    school = Issuer(name="Trường Mầm non Nam Dương", parent="UBND xã Nam Dương", agency=None)
    assert named(DIRECTORY, XA, "UBND xã", False)  # what intake concludes when it is not foreign
    assert foreign((school,), Directory(DIRECTORY), XA)


def test_a_body_of_a_merged_communes_former_name_is_not_foreign_to_it() -> None:
    """F5. Xã Tân An was formed of Tân Lập and An Lạc (its former names in the directory). A body still named after the
    former commune ("Trường Tiểu học xã Tân Lập", unknown to the directory) is taken for another commune's: foreign,
    so its letter to "UBND xã" (its own commune, us) is not taken for ours."""
    school = Issuer(name="Trường Tiểu học xã Tân Lập", parent=None, agency=None)
    assert not foreign((school,), Directory(DIRECTORY), XA_TA)


def test_a_region_written_in_roman_figures_names_its_court() -> None:
    """F6 (low). `_REGION` accepts "khu vực I" yet nothing maps it to the directory's "khu vực 1": a document to
    "TAND, VKSND khu vực I" is not taken for Tòa án nhân dân khu vực 1's own (named False), as "khu vực 1" is."""
    assert named(DIRECTORY, TAND_KV1, "TAND, VKSND khu vực 1", False)
    assert named(DIRECTORY, TAND_KV1, "TAND, VKSND khu vực I", False)
