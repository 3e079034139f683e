"""Red team 78 found a shared mailbox refused at start: a commune's UBND and HĐND, served by one office ("Văn phòng HĐND
và UBND xã") and so by one official mailbox, stopped every command ("rows 6 and 7 give the same mailbox"); before that
the directory kept the last row for the mailbox, and the first agency's genuine letters from it were returned as
sender-not-issuer. A mailbox may now be several agencies': its proven mail is the official route (002 = Bắc Giang QĐ
133/2015 Đ4.1) for a document of any of them and of no other, and recalls only a document one of them issued. Each test
failed before its fix."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from gateway.exchange.status import RECALL
from world import DIRECTORY_CSV, STP, World, our_identifier

OFFICE = "vanphong@tanson.bacgiang.gov.vn"
UBND_XA = ("000.31.00.H06", "UBND xã Tân Sơn", "ỦY BAN NHÂN DÂN XÃ TÂN SƠN", "12/UBND-VP", "TM. ỦY BAN NHÂN DÂN")
HDND_XA = ("000.32.00.H06", "HĐND xã Tân Sơn", "HỘI ĐỒNG NHÂN DÂN XÃ TÂN SƠN", "5/HĐND-VP", "TM. THƯỜNG TRỰC HĐND")
SHARED = "".join(f"{code},{name},{OFFICE},{printed},\n" for code, name, printed, _, _ in (UBND_XA, HDND_XA))


def _shared(world: World) -> None:
    """The World's directory with the commune's UBND and HĐND, both at the office's one mailbox."""
    (world.root / "directory.csv").write_text(DIRECTORY_CSV + SHARED, encoding="utf-8")


def _scanned_letter(world: World, name: str, issuer: str, number: str, title: str, sender: str = OFFICE,
                    ident: str | None = None) -> Path:
    """An unsigned scan of the agency's letter to Sở Nội vụ, from `sender`'s proven mailbox."""
    pdf = world.document(issuer=issuer, issuer_parent=None, number=number, kinh_gui=["Sở Nội vụ"],
                         signer_title=[title, "CHỦ TỊCH"], recipients=["Nơi nhận:", "- Lưu: VT.", "Bản điện tử:",
                                                                      "- Sở Nội vụ."])
    headers = {"X-QLVB-Document-Id": ident} if ident else {}
    return world.mail(name, sender=sender, auth="smtp", headers=headers, attachments=[(f"{name}.pdf", world.scanned(pdf))])


def _recall(world: World, identifier: str, sender: str) -> Path:
    return world.mail(f"recall-{identifier}-{sender.split('@')[1]}", sender=sender, auth="smtp",
                      subject=f"Thu hồi văn bản {identifier}", body="Đề nghị thu hồi văn bản đã gửi.\n",
                      headers={"X-QLVB-Status": RECALL, "X-QLVB-Document-Id": identifier, "X-QLVB-Recall-Reason": "Sai"})


def _said(verdict: dict[str, Any]) -> tuple[str, str | None]:
    return verdict["verdict"], verdict["basis"]


def test_each_agency_of_a_shared_mailbox_sends_its_scanned_letters_from_it(world: World) -> None:
    """Both the UBND's and the HĐND's unsigned scans from the office's mailbox are registered on the official route, each
    as its own; the first's was returned sender-not-issuer (the last row had the mailbox), then neither was read (exit 2)."""
    _shared(world)
    verdicts = world.ingest(*(_scanned_letter(world, f"xa{n}", printed, number, title)
                              for n, (_, _, printed, number, title) in enumerate((UBND_XA, HDND_XA))))
    assert [_said(v) for v in verdicts] == [("accepted", "official-mailbox")] * 2, verdicts
    assert [v["replies"] for v in verdicts] == [[{"kind": "ack", "to": OFFICE}]] * 2
    assert [d.organ_name for d in world.documents()] == [UBND_XA[2], HDND_XA[2]]


def test_a_third_agencys_letter_from_the_shared_mailbox_is_not_proven_by_it(world: World) -> None:
    """Sở Tư pháp's unsigned scan from the commune office's mailbox: that mailbox is not Sở Tư pháp's, so it proves
    nothing of it (sharing never widens what a mailbox proves); the UBND's letter beside it is registered."""
    _shared(world)
    stp, own = world.ingest(_scanned_letter(world, "stp", "SỞ TƯ PHÁP", "763/STP-VP", "KT. GIÁM ĐỐC"),
                            _scanned_letter(world, "ubnd", UBND_XA[2], UBND_XA[3], UBND_XA[4]))
    assert stp["verdict"] != "accepted" and stp["incoming_number"] is None, stp
    assert "sender-not-issuer" in {r["code"] for r in stp["reasons"]}
    assert _said(own) == ("accepted", "official-mailbox")
    assert [d.organ_name for d in world.documents()] == [UBND_XA[2]]


def test_a_recall_from_the_shared_mailbox_recalls_only_a_document_of_its_agencies(world: World) -> None:
    """The UBND's letter and Sở Tư pháp's, each registered from its own official mailbox. A recall of Sở Tư pháp's from
    the commune office's mailbox, and of the UBND's from Sở Tư pháp's, recall nothing; the office's recall of the UBND's
    (the HĐND's clerk may send it: one mailbox) recalls it."""
    _shared(world)
    world.ingest(_scanned_letter(world, "ubnd", UBND_XA[2], UBND_XA[3], UBND_XA[4], ident="TS-2026.12"),
                 _scanned_letter(world, "stp", "SỞ TƯ PHÁP", "763/STP-VP", "KT. GIÁM ĐỐC", sender=STP,
                                 ident="STP-2026.763"))
    world.ingest(_recall(world, "STP-2026.763", OFFICE), _recall(world, "TS-2026.12", STP))
    assert [(d.organ_name, d.recalled) for d in world.documents()] == [(UBND_XA[2], False), ("SỞ TƯ PHÁP", False)]
    world.ingest(_recall(world, "TS-2026.12", OFFICE))
    assert [(d.organ_name, d.recalled) for d in world.documents()] == [(UBND_XA[2], True), ("SỞ TƯ PHÁP", False)]


OUR_BLOCK = ["Nơi nhận:", "- Lưu: VT.", "Bản điện tử:", "- UBND xã Tân Sơn;", "- HĐND xã Tân Sơn;", "- Sở Tư pháp."]


def _outgoing(world: World) -> tuple[list[Any], list[Any]]:
    """The outgoing register's recipient lines and the outbox's mails, in their order."""
    from sqlalchemy import select

    from registry.models import Outbox, OutgoingRecipient

    register = world.db()
    try:
        with register.session() as s:
            return (list(s.scalars(select(OutgoingRecipient).order_by(OutgoingRecipient.id))),
                    list(s.scalars(select(Outbox).order_by(Outbox.id))))
    finally:
        register.close()


def test_our_document_to_both_agencies_of_a_shared_mailbox_is_one_mail_answered_for_both(world: World) -> None:
    """Our letter to the commune's UBND and HĐND and to Sở Tư pháp: one mail to the office (two mails of one document
    before), a line of the register for each agency; the office's acknowledgement, and our recall, are each one mail for
    both lines."""
    _shared(world)
    path = world.root / "out.pdf"
    path.write_bytes(world.document(issuer="SỞ NỘI VỤ", number="45/SNV-VP", recipients=OUR_BLOCK, kinh_gui=["UBND xã Tân Sơn"]))
    world.run("send", "--config", str(world.config_path), str(path), "--json")
    lines, outbox = _outgoing(world)
    assert [(line.agency_code, line.mailbox) for line in lines] == [(UBND_XA[0], OFFICE), (HDND_XA[0], OFFICE),
                                                                    ("000.00.14.H06", STP)]
    assert [(o.kind, o.recipient) for o in outbox] == [("document", OFFICE), ("document", STP)]
    assert lines[0].message_id == lines[1].message_id == outbox[0].message_id != lines[2].message_id
    ack = world.mail("ack", sender=OFFICE, auth="smtp", headers={
        "In-Reply-To": lines[0].message_id, "Auto-Submitted": "auto-replied", "X-QLVB-Status": "03",
        "X-QLVB-Incoming-Number": "17"})
    world.ingest(ack)
    lines, _ = _outgoing(world)
    assert [(line.state, line.incoming_number) for line in lines] == [("acknowledged", 17)] * 2 + [("queued", None)]
    world.run("recall", "--config", str(world.config_path), our_identifier(1), "--reason", "Sai")
    lines, outbox = _outgoing(world)
    # the office acknowledged it: one recall for both; Sở Tư pháp's letter had not left (no SMTP server here): it never
    # goes, nor a recall (red team 148), its notice kept withdrawn in case a sender's late answer says it went
    assert [(o.kind, o.recipient, o.state) for o in outbox] == [
        ("document", OFFICE, "withdrawn"), ("document", STP, "withdrawn"), ("recall", OFFICE, "queued"),
        ("recall", STP, "withdrawn")]
    assert [(line.state, line.recall) for line in lines] == [("acknowledged", "requested")] * 2 + [("withdrawn", None)]
