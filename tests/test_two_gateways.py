"""Two agencies, each with its own gateway, Dovecot mailbox and register, and the province's mail
server between them (an aiosmtpd relay that DKIM-signs what each agency submits, as a real
outgoing server does, and delivers it into the recipient's Dovecot over IMAP). Sở Nội vụ sends;
Sở Tư pháp's gateway registers and acknowledges, returns what it must, and honours a recall."""

from __future__ import annotations

import email
import email.policy
import os
import threading
from pathlib import Path

import dkim
import pytest
from aiosmtpd.controller import Controller
from imapclient import IMAPClient
from sqlalchemy import select

from kit import DkimKey, DocumentSpec, make_mail, render_document, seal_png, sign_pdf, signed_header_names
from made_pdfs import encrypted
import poison
from servers import Dovecot, dovecot, free_port, wait_for
from test_daemon import PASSWORD, start_daemon, stop_daemon
from world import STC, STP, US, World, make_world, our_identifier

STP_AGENCY = {"code": "000.00.14.H06", "name": "Sở Tư pháp tỉnh Bắc Giang", "mailbox": STP}
STP_UNIT = "vanphong@sotp.bacgiang.gov.vn"  # Sở Tư pháp's Văn phòng, a mailbox on the province's server
SENT = "QLVB.Gửi đi"


class Relay:
    """The province's mail server: signs each submitted mail with its sender domain's DKIM key and
    delivers it into the Dovecot mailbox of each recipient it serves; the rest is kept in `elsewhere`."""

    def __init__(self, keys: dict[str, DkimKey], boxes: dict[str, Dovecot]) -> None:
        self.keys, self.boxes = keys, boxes
        self.elsewhere: list[tuple[str, email.message.Message]] = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):  # type: ignore[no-untyped-def]
        raw = envelope.content
        key = self.keys[envelope.mail_from.rsplit("@", 1)[1]]
        signed = dkim.sign(raw, key.selector.encode(), key.domain.encode(), key.private_pem,
                           include_headers=signed_header_names(raw)) + raw
        for rcpt in envelope.rcpt_tos:
            box = self.boxes.get(rcpt.lower())
            if box is None:
                with self.lock:
                    self.elsewhere.append((rcpt, email.message_from_bytes(signed)))
                continue
            client = IMAPClient("127.0.0.1", port=box.port, ssl=False)
            client.login(rcpt.lower(), PASSWORD)
            client.append("INBOX", signed)
            client.logout()
        return "250 OK"


def _configure(world: World, box: Dovecot, mailbox: str, relay_port: int, keys: dict[str, DkimKey]) -> None:
    world.dkim.update(keys)
    world.extra["mailboxes"] = [{"name": "vanthu", "poll_seconds": 2, "imap": {
        "host": "127.0.0.1", "port": box.port, "security": "none", "username": mailbox,
        "password_env": "QLVB_IMAP_PASSWORD"}}]
    world.extra["smtp"] = {"host": "127.0.0.1", "port": relay_port, "security": "none"}
    world.write_config()


@pytest.fixture
def province_pair(tmp_path: Path, province, monkeypatch):  # type: ignore[no-untyped-def]
    pki, signers, stranger = province
    keys = {d: DkimKey.generate(d) for d in ("snv.bacgiang.gov.vn", "sotp.bacgiang.gov.vn", "stc.bacgiang.gov.vn")}
    with dovecot((US["mailbox"], PASSWORD)) as box_a, dovecot((STP, PASSWORD)) as box_b:
        relay = Relay(keys, {US["mailbox"]: box_a, STP: box_b})
        port = free_port()
        controller = Controller(relay, hostname="127.0.0.1", port=port)
        controller.start()
        try:
            ours = make_world(tmp_path / "snv", pki, signers, stranger)
            theirs = make_world(tmp_path / "stp", pki, signers, stranger, agency=STP_AGENCY,
                                notify={"clerk": [STP], "urgent": []},
                                units=[{"code": "VP", "name": "Văn phòng Sở", "mailbox": STP_UNIT}])
            _configure(ours, box_a, US["mailbox"], port, keys)
            _configure(theirs, box_b, STP, port, keys)
            identity = pki.signers.get(US["name"]) or pki.signer(US["name"], US["name"])
            (ours.root / "keys").mkdir()
            (ours.root / "keys" / "agency.p12").write_bytes(pki.pkcs12(identity, b"p12-secret"))
            (ours.root / "keys" / "seal.png").write_bytes(seal_png())
            ours.extra["signing"] = {"pkcs12": "keys/agency.p12", "password_env": "QLVB_P12_PASSWORD",
                                     "appearance": {"seal_image": "keys/seal.png"}}
            ours.write_config()
            monkeypatch.setenv("QLVB_P12_PASSWORD", "p12-secret")
            monkeypatch.setenv("QLVB_IMAP_PASSWORD", PASSWORD)
            yield ours, theirs, box_a, box_b, relay
        finally:
            controller.stop()


def _recipients(world: World) -> dict[str, object]:
    from registry.models import OutgoingRecipient

    register = world.db()
    try:
        with register.session() as s:
            return {r.agency_code: r for r in s.scalars(select(OutgoingRecipient).order_by(OutgoingRecipient.id))}
    finally:
        register.close()


def _count(box: Dovecot, user: str, folder: str) -> int:
    client = IMAPClient("127.0.0.1", port=box.port, ssl=False)
    try:
        client.login(user, PASSWORD)
        return client.folder_status(folder, ["MESSAGES"])[b"MESSAGES"] if client.folder_exists(folder) else 0
    finally:
        client.logout()


def _their_documents(world: World):  # type: ignore[no-untyped-def]
    from registry.models import Document

    register = world.db()
    try:
        with register.session() as s:
            return s.scalars(select(Document).order_by(Document.arrival_number)).all()
    finally:
        register.close()


@pytest.mark.long
def test_sent_registered_acknowledged_returned_and_recalled_between_two_gateways(province_pair) -> None:  # type: ignore[no-untyped-def]
    ours, theirs, box_a, box_b, relay = province_pair
    block = ["Nơi nhận:", "- Như trên;", "- Lưu: VT, VP.", "Bản điện tử:", "- Sở Tư pháp;", "- Sở Tài chính."]
    scan = render_document(DocumentSpec(issuer="SỞ NỘI VỤ", number="45/SNV-VP", recipients=block, kinh_gui=["Sở Tư pháp"],
                                        summary="V/v rà soát hộp thư điện tử công vụ"))
    # the clerk drops a mail to itself with the scan into "QLVB/Gửi đi"
    # (through the province's server, which wrote that the clerk logged in: the gateway takes only the clerk's own mail)
    own = [f"mx.bacgiang.gov.vn; auth=pass smtp.auth={US['mailbox']}"]
    dropped = make_mail(sender=US["mailbox"], to=[US["mailbox"]], subject="Gửi 45/SNV-VP", attachments=[("45-SNV-VP.pdf", scan)],
                        auth_results=own)
    broken = make_mail(sender=US["mailbox"], to=[US["mailbox"]], subject="Gửi tệp có mật khẩu", auth_results=own,
                       attachments=[("matkhau.pdf", encrypted(render_document(DocumentSpec(issuer="SỞ NỘI VỤ", number="46/SNV-VP"))))])
    daemon_a, daemon_b = start_daemon(ours), start_daemon(theirs)
    try:
        assert wait_for(lambda: _exists(box_a, US["mailbox"], SENT), timeout=60)
        client = IMAPClient("127.0.0.1", port=box_a.port, ssl=False)
        client.login(US["mailbox"], PASSWORD)
        client.append(SENT, dropped)
        client.append(SENT, broken)
        client.append(SENT, poison.nested_multiparts())  # a MIME bomb the clerk forwarded there: held, never retried for ever
        client.logout()

        # Sở Tư pháp registers it (on our signature) and acknowledges; we record its incoming number
        assert wait_for(lambda: _count(box_b, STP, "QLVB.Đã tiếp nhận") == 1, timeout=120)
        assert wait_for(lambda: _recipients(ours).get(STP_AGENCY["code"]) is not None
                        and _recipients(ours)[STP_AGENCY["code"]].state == "acknowledged", timeout=120), _recipients(ours)
        recipients = _recipients(ours)
        assert recipients[STP_AGENCY["code"]].incoming_number == 1
        assert recipients["000.00.16.H06"].state == "sent" and recipients["000.00.16.H06"].sent_at is not None
        assert [r for r, _ in relay.elsewhere] == [STC]  # Sở Tài chính's copy left for its own server
        # (the three mails appended after it may still be on their way out of the folder on a loaded machine)
        assert wait_for(lambda: _count(box_a, US["mailbox"], SENT + ".Đã gửi") == 1
                        and _count(box_a, US["mailbox"], SENT) == 0, timeout=60)
        # the file that cannot be read (encrypted) and the mail that cannot be parsed wait for the clerk, who is told why
        assert wait_for(lambda: _count(box_a, US["mailbox"], SENT + ".Chờ xác nhận") == 2, timeout=60)
        notes = _clerk_notes(ours)  # one note each, naming what could not be read
        assert len(notes) == 2 and any("Không đọc được tệp PDF, không gửi: matkhau.pdf" in n for n in notes)
        assert any("Không đọc được thư (RecursionError)" in n for n in notes)
        [registered] = _their_documents(theirs)
        assert registered.notation == "45/SNV-VP" and registered.basis == "signature"
        identifier = recipients[STP_AGENCY["code"]].message_id and registered.peer_document_id
        assert identifier == our_identifier(1)

        # Sở Tư pháp tells how far it has got (edXML): 04 waiting to be passed on, 05 once its leader passed it
        # to its Văn phòng (whose mailbox gets the document), 06 when the Văn phòng is done with it
        code = STP_AGENCY["code"]
        assert wait_for(lambda: _recipients(ours)[code].processing == "04", timeout=120)
        theirs.run("pass", "--config", str(theirs.config_path), "1", "--lead", "VP", "--note", "Rà soát, báo cáo",
                   "--actor", "Giám đốc Sở Tư pháp")
        assert wait_for(lambda: _recipients(ours)[code].processing == "05", timeout=120)
        [(_, passed)] = [(r, m) for r, m in relay.elsewhere if r == STP_UNIT]
        assert [p.get_filename() for p in passed.walk() if p.get_filename()] == ["45-SNV-VP.pdf"]
        theirs.run("pass", "done", "--config", str(theirs.config_path), "1", "--unit", "VP", "--actor", "Chánh Văn phòng")
        assert wait_for(lambda: _recipients(ours)[code].processing == "06", timeout=120)
        assert _recipients(ours)[code].state == "acknowledged"  # the state as it was

        # a document of another agency sent by mistake is held here, never signed nor sent (red team 63: it was signed
        # as ours); our letter carrying a revoked certificate's signature, sent unsigned by us: Sở Tư pháp returns it
        ours.extra.pop("signing")
        ours.write_config()
        wrong = render_document(DocumentSpec(issuer="SỞ TÀI CHÍNH", number="12/STC-NS", recipients=block[:4] + ["- Sở Tư pháp."]))
        path = ours.root / "12-STC-NS.pdf"
        path.write_bytes(wrong)
        held = ours.run("send", "--config", str(ours.config_path), str(path), "--json", check=False)
        assert held.returncode == 3 and '"not-our-document"' in held.stdout
        revoked = sign_pdf(render_document(DocumentSpec(issuer="SỞ NỘI VỤ", number="12/SNV-VP", recipients=block[:4] + [
            "- Sở Tư pháp."])), ours.signers["revoked"], ours.pki)
        path = ours.root / "12-SNV-VP.pdf"
        path.write_bytes(revoked)
        ours.run("send", "--config", str(ours.config_path), str(path), "--json")
        assert wait_for(lambda: _state_of(ours, 2, STP_AGENCY["code"]) == "returned", timeout=120)
        returned = _line(ours, 2, STP_AGENCY["code"])
        assert "certificate-revoked" in returned.reasons and returned.incoming_number is None, returned.reasons

        # the first is recalled: Sở Tư pháp destroys it, keeps the line, answers 15; the second it never had: 16
        ours.run("recall", "--config", str(ours.config_path), identifier, "--reason", "Sai thể thức", process=True)
        ours.run("recall", "--config", str(ours.config_path), our_identifier(2), "--reason", "Gửi nhầm")
        assert wait_for(lambda: _line(ours, 1, STP_AGENCY["code"]).recall == "agreed", timeout=120)
        assert wait_for(lambda: _line(ours, 2, STP_AGENCY["code"]).recall == "unknown", timeout=120)
        [line] = _their_documents(theirs)
        assert line.recalled and line.arrival_number == 1 and line.notation == "45/SNV-VP"  # the line stays
        assert line.subject is None and line.pdf_sha256 is None  # the content is gone
        from registry.store import ContentStore

        assert not ContentStore(theirs.root / "store").has(registered.pdf_sha256)
        assert [m["X-QLVB-Status"] for r, m in relay.elsewhere if r == STC] == [None, "13"]  # the recall went to all
        import json

        register = [json.loads(l) for l in ours.run("sent", "--config", str(ours.config_path), "--json", process=True).stdout.splitlines()]
        assert [(d["identifier"], d["state"]) for d in register] == [(identifier, "recalled"), (our_identifier(2), "recalled")]
        assert {(r["mailbox"], r["state"], r["incoming_number"], r["recall"]) for r in register[0]["recipients"]} == {
            (STP, "acknowledged", 1, "agreed"), (STC, "sent", None, "requested")}
        assert {(r["mailbox"], r["processing"]) for r in register[0]["recipients"]} == {(STP, "06"), (STC, None)}
    finally:
        stop_daemon(daemon_a)
        stop_daemon(daemon_b)


def _clerk_notes(world: World) -> list[str]:
    """The texts of the notes the clerk got about the outgoing folder."""
    from registry.models import Outbox

    register = world.db()
    try:
        with register.session() as s:
            notes = s.scalars(select(Outbox).where(Outbox.kind == "outgoing-held")).all()
            return [email.message_from_bytes(n.raw, policy=email.policy.default).get_body(("plain",)).get_content()
                    for n in notes]
    finally:
        register.close()


def _exists(box: Dovecot, user: str, folder: str) -> bool:
    client = IMAPClient("127.0.0.1", port=box.port, ssl=False)
    try:
        client.login(user, PASSWORD)
        return client.folder_exists(folder)
    finally:
        client.logout()


def _line(world: World, sequence: int, code: str):  # type: ignore[no-untyped-def]
    from registry.models import OutgoingDocument, OutgoingRecipient

    register = world.db()
    try:
        with register.session() as s:
            return s.scalars(select(OutgoingRecipient).join(OutgoingDocument, OutgoingDocument.id == OutgoingRecipient.document_id)
                             .where(OutgoingDocument.sequence == sequence, OutgoingRecipient.agency_code == code)).first()
    finally:
        register.close()


def _state_of(world: World, sequence: int, code: str) -> str | None:
    line = _line(world, sequence, code)
    return line.state if line is not None else None
