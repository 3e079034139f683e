"""Red team 158: a forger and a hostile peer against the exchange, end to end through the real commands: what comes
back about a letter we sent (delivery reports, acknowledgements, returns, processing statuses, a person's reply) and
the recalls both ways (ours, and an issuer's recall of a document we received).

Sở Nội vụ tỉnh Bắc Giang (our world, tests/world.py) sends its letter with `qlvb-gateway send` to Sở Tư pháp and Sở Tài
chính; its outbox is handed to a real SMTP server (aiosmtpd) by gateway/outbox.py's OutboxSender, which may refuse a
recipient with 550; what comes back is a real mail through `qlvb-gateway ingest`. For the two-gateway loops a second
world is Sở Tư pháp's own gateway, and each side's outbox mail is delivered to the other as the province's server would
(DKIM-signed by the sender's domain), whole or with its Auto-Submitted line taken out on the way.

What a clerk requires, asserted throughout: nothing in our registers changed by an unproven party (nor by a proven one
about another agency's line), no document destroyed by anyone but its proven issuer, no answer to an unproven sender,
no loop. Each test's docstring says who did what and what was expected; a FAULT's says what happens instead."""

from __future__ import annotations

import email
import email.policy
import json
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select

import dkim

from attacks_kit import EVIL, OUTSIDER
from kit import signed_header_names
from kit import DocumentSpec, render_document
from servers import free_port
from world import STC, STP, UBND, US, World, _dkim_key, make_world

STP_AGENCY = {"code": "000.00.14.H06", "name": "Sở Tư pháp tỉnh Bắc Giang", "mailbox": STP}
STP_CODE, STC_CODE = "000.00.14.H06", "000.00.16.H06"
BLOCK = ["Nơi nhận:", "- Như trên;", "- Lưu: VT, VP.", "Bản điện tử:", "- Sở Tư pháp;", "- Sở Tài chính."]


# ================================================================================================== helpers

def _letter(number: str = "45/SNV-VP", **changes: Any) -> bytes:
    spec: dict[str, Any] = dict(issuer="SỞ NỘI VỤ", number=number, recipients=BLOCK, kinh_gui=["Sở Tư pháp"],
                                summary="V/v rà soát hộp thư điện tử công vụ")
    return render_document(DocumentSpec(**{**spec, **changes}))


def _send(world: World, pdf: bytes | None = None, name: str = "out.pdf") -> str:
    """Our letter sent with `qlvb-gateway send` (queued in the outbox): its identifier."""
    path = world.root / name
    path.write_bytes(pdf or _letter())
    done = world.run("send", "--config", str(world.config_path), str(path), "--json", check=False)
    assert done.returncode == 0, done.stderr[-3000:] + done.stdout[-2000:]
    return json.loads(done.stdout)["identifier"]


def _rows(world: World, model: Any, *where: Any) -> list[Any]:
    register = world.db()
    try:
        with register.session() as s:
            return list(s.scalars(select(model).where(*where).order_by(*model.__mapper__.primary_key)).all())
    finally:
        register.close()


def _lines(world: World) -> dict[str, Any]:
    from registry.models import OutgoingRecipient

    return {r.mailbox.lower(): r for r in _rows(world, OutgoingRecipient)}


def _copies(world: World) -> dict[str, Any]:
    """Our letter's outbox row for each recipient mailbox (the document mail, kind 'document')."""
    from registry.models import OutgoingRecipient, Outbox

    ids = {r.outbox_id: r.mailbox.lower() for r in _rows(world, OutgoingRecipient)}
    return {ids[o.id]: o for o in _rows(world, Outbox) if o.id in ids}


def _outbox(world: World) -> list[Any]:
    from registry.models import Outbox

    return _rows(world, Outbox)


def _actions(world: World) -> list[str]:
    from registry.models import AuditEntry

    return [a.action for a in _rows(world, AuditEntry)]


def _documents(world: World) -> list[Any]:
    from registry.models import Document

    return _rows(world, Document)


class _Server:
    """The province's SMTP server: takes every mail, refuses with 550 the recipients in `refused`."""

    def __init__(self, refused: set[str] = frozenset()) -> None:  # type: ignore[assignment]
        self.refused = {r.lower() for r in refused}
        self.messages: list[bytes] = []

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # type: ignore[no-untyped-def]
        if address.lower() in self.refused:
            return "550 5.1.1 <%s>: Recipient address rejected: mailbox unknown" % address
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # type: ignore[no-untyped-def]
        self.messages.append(envelope.content)
        return "250 OK"


def _hand_to_server(world: World, refused: set[str] = frozenset()) -> None:  # type: ignore[assignment]
    """gateway/outbox.py's OutboxSender hands the outbox to a real SMTP server (refusing `refused` with 550)."""
    from gateway.config import MailServer
    from gateway.outbox import OutboxSender

    handler = _Server(refused)
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        register = world.db()
        try:
            OutboxSender(register, MailServer(host="127.0.0.1", port=controller.port, security="none"),
                         US["mailbox"]).send_due()
        finally:
            register.close()
    finally:
        controller.stop()


def _header_block(raw: bytes) -> str:
    return raw.replace(b"\r\n", b"\n").split(b"\n\n", 1)[0].decode("utf-8", "replace") + "\n"


def _dsn(world: World, name: str, returned: str, *, action: str = "failed", final: str = STP,
         status: str = "5.1.1", extra: dict[str, str] | None = None, whole: bool = False) -> Path:
    """A delivery report (RFC 3464) as a mail server writes it: `returned` the header block it gives back."""
    report = EmailMessage()
    report["From"] = "MAILER-DAEMON@mx.bacgiang.gov.vn"
    report["To"] = US["mailbox"]
    report["Subject"] = "Delivery Status Notification"
    report["Message-ID"] = f"<{name}@mx.bacgiang.gov.vn>"
    for key, value in (extra or {}).items():
        report[key] = value
    report.set_content("Báo cáo chuyển thư.")
    report.make_mixed()
    report.replace_header("Content-Type", 'multipart/report; report-type=delivery-status; boundary="b1"')
    report.set_boundary("b1")
    report.attach(email.message_from_string(
        "Content-Type: message/delivery-status\n\nReporting-MTA: dns; mx.bacgiang.gov.vn\n\n"
        f"Final-Recipient: rfc822; {final}\nAction: {action}\nStatus: {status}\n"
        f"Diagnostic-Code: smtp; {'550 5.1.1 mailbox unknown' if action == 'failed' else '250 2.0.0 OK'}\n"))
    part = EmailMessage()
    if whole:
        part.set_content(email.message_from_string(returned))
    else:
        part.set_content(returned)
        part.replace_header("Content-Type", "text/rfc822-headers")
    report.attach(part)
    path = world.root / "mails" / f"{name}.eml"
    path.parent.mkdir(exist_ok=True)
    path.write_bytes(report.as_bytes())
    return path


def _answer(world: World, name: str, *, sender: str = STP, status: str | None = None, reply_to: str | None = None,
            ident: str | None = None, auth: str | None = "dkim", extra: dict[str, str] | None = None,
            **kw: Any) -> Path:
    headers: dict[str, str] = {"Auto-Submitted": "auto-replied"} if status else {}
    if status:
        headers["X-QLVB-Status"] = status
    if reply_to:
        headers["In-Reply-To"] = reply_to
        headers["References"] = reply_to
    if ident:
        headers["X-QLVB-Document-Id"] = ident
    headers.update(extra or {})
    return world.mail(name, sender=sender, auth=auth, headers=headers, **kw)


def _recall(world: World, name: str, sender: str, ident: str, *, auth: str | None = "dkim",
            to: list[str] | None = None) -> Path:
    return world.mail(name, sender=sender, to=to, auth=auth, subject=f"Thu hồi văn bản {ident}",
                      body="Đề nghị thu hồi văn bản đã gửi.\n",
                      headers={"X-QLVB-Status": "13", "X-QLVB-Document-Id": ident, "X-QLVB-Recall-Reason": "Sai thể thức"})


@pytest.fixture
def sent(world: World) -> tuple[World, str, dict[str, Any]]:
    """Our letter 45/SNV-VP sent to Sở Tư pháp and Sở Tài chính, both taken by the server: (world, identifier, copies)."""
    ident = _send(world)
    _hand_to_server(world)
    lines = _lines(world)
    assert {m: lines[m].state for m in (STP, STC)} == {STP: "sent", STC: "sent"}
    return world, ident, _copies(world)


# ================================================================================================== forged answers

def test_attack_unproven_processing_statuses_change_nothing(sent: tuple[World, str, dict[str, Any]]) -> None:
    """ATTACK. Someone writes "06 đã xử lý xong" under Sở Tư pháp's From, unauthenticated, in reply to its copy and
    naming our identifier; then 03 with an incoming number. Expected: our line unchanged (state sent, no processing,
    no number), nothing answered."""
    world, ident, copies = sent
    outs = world.ingest(_answer(world, "p06", status="06", reply_to=copies[STP].message_id, ident=ident, auth=None),
                        _answer(world, "a03", status="03", reply_to=copies[STP].message_id, ident=ident, auth=None,
                                extra={"X-QLVB-Incoming-Number": "12"}))
    assert all(o["replies"] == [] for o in outs)
    line = _lines(world)[STP]
    assert (line.state, line.processing, line.incoming_number) == ("sent", None, None)


def test_attack_another_recipient_cannot_acknowledge_or_finish_sotp_copy(sent: tuple[World, str, dict[str, Any]]) -> None:
    """ATTACK. Sở Tài chính (proven, itself a recipient of the letter) sends 03 and 06 in reply to Sở Tư pháp's copy.
    Expected: Sở Tư pháp's line unchanged; Sở Tài chính's own line unchanged too (it answered another's copy)."""
    world, ident, copies = sent
    world.ingest(_answer(world, "stc-03", sender=STC, status="03", reply_to=copies[STP].message_id,
                         extra={"X-QLVB-Incoming-Number": "7"}),
                 _answer(world, "stc-06", sender=STC, status="06", reply_to=copies[STP].message_id))
    lines = _lines(world)
    assert (lines[STP].state, lines[STP].processing, lines[STP].incoming_number) == ("sent", None, None)
    assert "answer-unproven" in _actions(world)


def test_attack_an_agency_we_never_sent_to_names_our_identifier(sent: tuple[World, str, dict[str, Any]]) -> None:
    """ATTACK. UBND tỉnh (proven, in the directory, but not a recipient) sends 03, 02 and 15 naming our letter's
    X-QLVB-Document-Id, no In-Reply-To. Expected: no line of ours changes, and it is not answered."""
    world, ident, _ = sent
    outs = world.ingest(_answer(world, "u03", sender=UBND, status="03", ident=ident, extra={"X-QLVB-Incoming-Number": "5"}),
                        _answer(world, "u02", sender=UBND, status="02", ident=ident, extra={"X-QLVB-Reasons": "x"}),
                        _answer(world, "u15", sender=UBND, status="15", ident=ident))
    assert all(o["replies"] == [] for o in outs)
    lines = _lines(world)
    assert {m: (lines[m].state, lines[m].recall, lines[m].incoming_number) for m in (STP, STC)} == {
        STP: ("sent", None, None), STC: ("sent", None, None)}


def test_attack_a_report_style_answer_pointing_at_the_other_agencys_copy(sent: tuple[World, str, dict[str, Any]]) -> None:
    """ATTACK. Sở Tư pháp (proven) returns (02) "its" copy, but its In-Reply-To/References name Sở Tài chính's copy
    (the Message-ID leaked, e.g. in a forwarded mail). Expected: Sở Tài chính's line not returned."""
    world, _, copies = sent
    world.ingest(_answer(world, "stp-02-on-stc", status="02", reply_to=copies[STC].message_id,
                         extra={"X-QLVB-Reasons": "not-addressed-to-us"}))
    assert _lines(world)[STC].state == "sent"


def test_attack_an_acknowledgement_number_python_reads_as_a_digit_but_not_a_number(
        sent: tuple[World, str, dict[str, Any]]) -> None:
    """ATTACK/SLIP. Sở Tư pháp's gateway (proven) acknowledges with X-QLVB-Incoming-Number "²" (str.isdigit() is True
    for a superscript two, int() refuses it). Expected: the acknowledgement recorded (the number left empty at worst),
    the mail not failing in processing.
    FAULT: tracking._record trusts str.isdigit() and calls int(): ValueError, the whole mail's
    recording fails and the genuine acknowledgement is lost."""
    world, _, copies = sent
    [out] = world.ingest(_answer(world, "ack-sup", status="03", reply_to=copies[STP].message_id,
                                 extra={"X-QLVB-Incoming-Number": "\u00b2"}))
    assert "processing-failed" not in [r["code"] for r in out["reasons"]], out
    assert _lines(world)[STP].state == "acknowledged"


def test_attack_an_acknowledgement_number_too_big_for_the_register(sent: tuple[World, str, dict[str, Any]]) -> None:
    """ATTACK. A proven recipient acknowledges with X-QLVB-Incoming-Number of 30 digits. Expected: recorded
    (acknowledged; the number refused or kept), never a failure of the mail's recording.
    A fault would be: tracking._record writes int(number) unbounded into an INTEGER column: SQLite's OverflowError
    fails the transaction."""
    world, _, copies = sent
    [out] = world.ingest(_answer(world, "ack-big", status="03", reply_to=copies[STP].message_id,
                                 extra={"X-QLVB-Incoming-Number": "9" * 30}))
    assert "processing-failed" not in [r["code"] for r in out["reasons"]], out
    assert _lines(world)[STP].state == "acknowledged"


def test_guard_processing_never_goes_back_and_a_genuine_ack_counts(sent: tuple[World, str, dict[str, Any]]) -> None:
    """GUARD. Sở Tư pháp (proven) acknowledges (03, number 17), says 05 then 04 (mail order). Expected: acknowledged 17,
    processing 05."""
    world, _, copies = sent
    world.ingest(_answer(world, "ack", status="03", reply_to=copies[STP].message_id, extra={"X-QLVB-Incoming-Number": "17"}),
                 _answer(world, "p05", status="05", reply_to=copies[STP].message_id),
                 _answer(world, "p04", status="04", reply_to=copies[STP].message_id))
    line = _lines(world)[STP]
    assert (line.state, line.incoming_number, line.processing) == ("acknowledged", 17, "05")


# ================================================================================================== delivery reports

def test_attack_a_forged_bounce_without_our_token_leaves_our_letter_sent(sent: tuple[World, str, dict[str, Any]]) -> None:
    """ATTACK. A forger who knows (or guessed) the Message-ID of our copy to Sở Tư pháp sends a bounce, Action: failed,
    returning headers with no token, then with Sở Tài chính's copy's token. Expected: Sở Tư pháp's line stays sent."""
    world, _, copies = sent
    bare = f"From: {US['mailbox']}\nTo: {STP}\nMessage-ID: {copies[STP].message_id}\n"
    stc_token = email.message_from_bytes(copies[STC].raw)["X-QLVB-Token"]
    swapped = bare + f"X-QLVB-Token: {stc_token}\n"
    outs = world.ingest(_dsn(world, "no-token", bare), _dsn(world, "other-token", swapped))
    assert all(o["replies"] == [] for o in outs)  # a report is never answered
    assert _lines(world)[STP].state == "sent"
    assert _actions(world).count("delivery-report-unproven") == 2


def test_attack_a_token_taken_from_our_acknowledgement_replayed_on_our_letter(world: World) -> None:
    """ATTACK. Sở Tư pháp received our acknowledgement of its letter (its X-QLVB-Token in hand). It bounces our later
    letter to it with that token and the letter's Message-ID. Expected: unproven, the line stays sent."""
    pdf = world.signed("stp", world.document(number="801/STP-VP"))
    assert world.ingest(world.mail("in", attachments=[("cv.pdf", pdf)]))[0]["verdict"] == "accepted"
    from registry.models import Outbox

    [ack] = _rows(world, Outbox, Outbox.kind == "ack")
    _send(world)
    _hand_to_server(world)
    copies = _copies(world)
    token = email.message_from_bytes(ack.raw)["X-QLVB-Token"]
    forged = f"From: {US['mailbox']}\nTo: {STP}\nMessage-ID: {copies[STP].message_id}\nX-QLVB-Token: {token}\n"
    world.ingest(_dsn(world, "replayed-token", forged))
    assert _lines(world)[STP].state == "sent"


def test_attack_a_bounce_for_another_address_marks_the_recipient_failed(sent: tuple[World, str, dict[str, Any]]) -> None:
    """ATTACK. Our letter reached Sở Tư pháp's server (250) and its clerk; its server also forwarded it (an alias
    expanding to a person's private mailbox, or a clerk forwarding the .eml whole to a friend: our headers and token
    in it). A bounce comes back from that other hop: Final-Recipient nguoi-ngoai@gmail.example, Action failed, our
    headers returned whole with the token. Expected: Sở Tư pháp's line stays sent: the report is about another address,
    not about the agency we mailed.
    FAULT: tracking.follow_report believes the token alone and never compares the report's
    Final-Recipient with the outbox row's recipient: the line says "failed" for a letter Sở Tư pháp got."""
    world, _, copies = sent
    world.ingest(_dsn(world, "alias-bounce", _header_block(copies[STP].raw), final="nguoi-ngoai@gmail.example"))
    assert _lines(world)[STP].state == "sent", _lines(world)[STP].detail


def test_attack_a_bounce_after_the_recipient_acknowledged_changes_nothing(sent: tuple[World, str, dict[str, Any]]) -> None:
    """ATTACK. Sở Tư pháp acknowledged our letter (03, number 17); then a bounce with its copy's token says failed.
    Expected: its line stays acknowledged with number 17."""
    world, _, copies = sent
    world.ingest(_answer(world, "ack", status="03", reply_to=copies[STP].message_id, extra={"X-QLVB-Incoming-Number": "17"}))
    world.ingest(_dsn(world, "late-bounce", _header_block(copies[STP].raw)))
    line = _lines(world)[STP]
    assert (line.state, line.incoming_number) == ("acknowledged", 17)


def test_attack_a_forged_delivered_report_for_a_recipient_our_server_refused(world: World) -> None:
    """ATTACK. Our server refused Sở Tài chính's copy with 550 (the line failed). A report comes back, Action:
    delivered, Status 2.0.0, our headers and token returned (someone who saw the copy Sở Tư pháp got has the format;
    here the very token of Sở Tài chính's copy, the strongest forger). Expected: Sở Tài chính's line stays failed."""
    _send(world)
    _hand_to_server(world, refused={STC})
    lines = _lines(world)
    assert (lines[STP].state, lines[STC].state) == ("sent", "failed")
    copies = _copies(world)
    world.ingest(_dsn(world, "delivered", _header_block(copies[STC].raw), action="delivered", final=STC, status="2.0.0"))
    assert _lines(world)[STC].state == "failed"
    assert [o.state for o in _outbox(world) if o.id == copies[STC].id] == ["failed"]


def test_attack_a_report_naming_the_other_copy_in_original_message_id(sent: tuple[World, str, dict[str, Any]]) -> None:
    """ATTACK. A bounce returning Sở Tư pháp's copy's headers (its token) but whose Original-Message-ID and
    References name Sở Tài chính's copy, Final-Recipient Sở Tài chính. Expected: Sở Tài chính's line stays sent (no
    token of its copy was returned)."""
    world, _, copies = sent
    world.ingest(_dsn(world, "swap", _header_block(copies[STP].raw), final=STC,
                      extra={"Original-Message-ID": copies[STC].message_id, "References": copies[STC].message_id}))
    assert _lines(world)[STC].state == "sent"


# ================================================================================================== a person's replies

def test_slip_a_persons_reply_carrying_our_own_letter_back_is_not_registered_as_incoming(
        sent: tuple[World, str, dict[str, Any]]) -> None:
    """SLIP. A person at Sở Tư pháp answers "Re: …" from its mailbox (proven), the mail client keeping our letter's PDF
    attached (reply with attachments). Expected: our own letter is not registered in our incoming register as a
    document received (nor acknowledged to them as one); the reply is seen on our line."""
    world, _, copies = sent
    attached = world.root / "out.pdf"
    [out] = world.ingest(world.mail("re-with-ours", subject="Re: Gửi văn bản 45/SNV-VP", attachments=[
        ("45-SNV-VP.pdf", attached.read_bytes())], headers={"In-Reply-To": copies[STP].message_id,
                                                           "References": copies[STP].message_id}))
    assert out["verdict"] != "accepted", out
    assert _documents(world) == []


def test_guard_a_persons_reply_with_its_own_signed_letter_is_a_new_document(sent: tuple[World, str, dict[str, Any]]) -> None:
    """GUARD. Sở Tư pháp's clerk answers our letter "Re: …" with its own signed letter (the answer our letter asked
    for). Expected: registered as a new incoming document (accepted), never swallowed as a mere answer."""
    world, _, copies = sent
    pdf = world.signed("stp", world.document(number="90/STP-VP"))
    [out] = world.ingest(world.mail("re-with-theirs", subject="Re: Gửi văn bản 45/SNV-VP", attachments=[("90.pdf", pdf)],
                                    headers={"In-Reply-To": copies[STP].message_id, "References": copies[STP].message_id}))
    assert out["verdict"] == "accepted", out


def test_slip_a_persons_reply_with_a_spreadsheet_is_not_dropped_in_silence(sent: tuple[World, str, dict[str, Any]]) -> None:
    """SLIP. Our letter asked Sở Tư pháp to report figures; a person there answers "Re: …" (proven) with the
    spreadsheet (bao-cao.xlsx, no PDF). Expected: the clerk sees it: held for review, or the file kept and the reply
    on the line; never "ignored" with the file kept nowhere the clerk looks.
    FAULT: rules.peer_answer makes any reply to our letter without a PDF a "peer-answer" (ignored):
    the line says "trả lời: Re: …" and the report itself is nowhere on the desk."""
    world, _, copies = sent
    xlsx = b"PK\x03\x04" + b"\x00" * 26 + b"[Content_Types].xml" + b"\x00" * 200
    [out] = world.ingest(world.mail("re-xlsx", subject="Re: Gửi văn bản 45/SNV-VP", attachments=[("bao-cao.xlsx", xlsx)],
                                    headers={"In-Reply-To": copies[STP].message_id, "References": copies[STP].message_id}))
    assert out["verdict"] != "ignored", (out["verdict"], [r["code"] for r in out["reasons"]], _lines(world)[STP].detail)


def test_guard_an_unproven_persons_reply_is_not_answered_nor_recorded(sent: tuple[World, str, dict[str, Any]]) -> None:
    """GUARD. A "Re: …" under Sở Tư pháp's From, unauthenticated, in reply to its copy. Expected: not answered, the
    line's detail untouched."""
    world, _, copies = sent
    [out] = world.ingest(world.mail("re-forged", auth=None, subject="Re: đồng ý",
                                    headers={"In-Reply-To": copies[STP].message_id}))
    assert out["replies"] == []
    assert _lines(world)[STP].detail is None


# ================================================================================================== recalls we receive

def _registered(world: World, number: str, ident: str, sender: str = STP, who: str = "stp", **doc: Any) -> bytes:
    pdf = world.signed(who, world.document(number=number, **doc))
    [out] = world.ingest(world.mail(f"in-{ident}", sender=sender, attachments=[("cv.pdf", pdf)],
                                    headers={"X-QLVB-Document-Id": ident}))
    assert out["verdict"] == "accepted", out
    return pdf


def test_attack_a_recall_by_a_co_recipient_destroys_nothing_and_is_not_answered(world: World) -> None:
    """ATTACK. Sở Tư pháp's letter (its name X) is registered. Sở Tài chính (proven) recalls X. Expected: nothing
    destroyed, no answer to Sở Tài chính (it is told nothing about a document it did not issue)."""
    _registered(world, "55/STP-VP", "000.00.14.H06-2026.55")
    before = {o.id for o in _outbox(world)}
    world.ingest(_recall(world, "by-stc", STC, "000.00.14.H06-2026.55"))
    assert [d.recalled for d in _documents(world)] == [False]
    assert [o.recipient for o in _outbox(world) if o.id not in before] == []


def test_attack_an_unproven_recall_under_the_issuers_from_is_not_answered(world: World) -> None:
    """ATTACK. A recall under Sở Tư pháp's From, unauthenticated, naming a real name and one nobody bears. Expected:
    nothing destroyed, nothing answered (an unproven sender learns nothing, not even "16")."""
    _registered(world, "56/STP-VP", "000.00.14.H06-2026.56")
    before = {o.id for o in _outbox(world)}
    world.ingest(_recall(world, "forged-1", STP, "000.00.14.H06-2026.56", auth=None),
                 _recall(world, "forged-2", STP, "000.00.14.H06-2026.999", auth=None))
    assert [d.recalled for d in _documents(world)] == [False]
    assert [o.recipient for o in _outbox(world) if o.id not in before] == []


def test_attack_a_firms_proven_mailbox_recalling_is_not_answered(world: World) -> None:
    """ATTACK. A firm's mailbox (DKIM-proven, no agency) sends a recall naming a name nobody bears. Expected: no
    answer (it is nobody the directory knows)."""
    before = {o.id for o in _outbox(world)}
    world.ingest(_recall(world, "firm", OUTSIDER, "000.00.14.H06-2026.77"), _recall(world, "evil", EVIL, "x", auth=None))
    assert [o.recipient for o in _outbox(world) if o.id not in before] == []


def test_attack_the_issuers_mailbox_recalls_another_issuers_document(world: World) -> None:
    """ATTACK. Sở Tài chính's own letter is registered under its name Y (from its mailbox). Sở Tư pháp (proven) sends a
    recall naming Y. Expected: Sở Tài chính's letter stays whole; Sở Tư pháp not answered."""
    _registered(world, "12/STC-NS", "000.00.16.H06-2026.12", sender=STC, who="stc", issuer="SỞ TÀI CHÍNH")
    before = {o.id for o in _outbox(world)}
    world.ingest(_recall(world, "stp-recalls-stc", STP, "000.00.16.H06-2026.12"))
    assert [d.recalled for d in _documents(world)] == [False]
    assert [o.recipient for o in _outbox(world) if o.id not in before] == []


def test_attack_a_name_given_by_a_forwarder_is_not_the_issuers(world: World) -> None:
    """ATTACK. Sở Tài chính (proven) forwards Sở Tư pháp's signed letter naming it with Sở Tư pháp's own identifier
    form X (its name at the issuer, guessed: names are consecutive). Sở Tài chính then recalls X. Expected: nothing
    destroyed (the forwarder is not the issuer, and its X was never kept)."""
    ident = "000.00.14.H06-2026.57"
    _registered(world, "57/STP-VP", ident, sender=STC)
    world.ingest(_recall(world, "fwd-recall", STC, ident))
    [document] = _documents(world)
    assert not document.recalled and document.peer_document_id is None


@pytest.mark.xfail(strict=True, reason="left: README Limits, red team 158: a recall that arrives before its letter is "
                   "answered 16 and not kept; the late letter is registered as any other")
def test_attack_a_recall_that_came_before_its_letter_leaves_no_live_recalled_letter(world: World) -> None:
    """ATTACK/SLIP. Sở Tư pháp's gateway sent letter X then, minutes later, its recall; the letter (large, greylisted)
    arrives after the recall. Expected: the recall, from the proven issuer, addressed to us, still counts when the
    letter comes: the letter is not left live in our register (recalled, or held for the clerk), and the issuer is not
    told "never received" (16) for a letter we then register and acknowledge (03) as live.
    FAULT: recall.receive_recall answers 16 and forgets the recall; pipeline.register_document registers
    the late letter as any other: a document its issuer recalled is live in our register, acknowledged, passed on."""
    ident = "000.00.14.H06-2026.58"
    [early] = world.ingest(_recall(world, "early-recall", STP, ident))
    assert early["verdict"] == "ignored"
    pdf = world.signed("stp", world.document(number="58/STP-VP"))
    [late] = world.ingest(world.mail("late-letter", attachments=[("cv.pdf", pdf)], headers={"X-QLVB-Document-Id": ident}))
    documents = _documents(world)
    assert late["verdict"] != "accepted" or all(d.recalled for d in documents), (late["verdict"], documents)


def test_attack_the_recall_replayed_after_the_letter_was_sent_again_destroys_nothing_new(world: World) -> None:
    """ATTACK. Sở Tư pháp recalled X; it sent the corrected letter again under a new name X2 (registered anew). A
    forger replays the genuine recall of X (DKIM still valid, a Received line added on top so it is a new mail to
    us). Expected: the corrected letter stays whole."""
    _registered(world, "59/STP-VP", "000.00.14.H06-2026.59")
    genuine = _recall(world, "recall", STP, "000.00.14.H06-2026.59")
    world.ingest(genuine)
    corrected = world.signed("stp", world.document(number="59/STP-VP", summary="V/v triển khai (đã sửa)"))
    world.ingest(world.mail("again", attachments=[("cv.pdf", corrected)],
                            headers={"X-QLVB-Document-Id": "000.00.14.H06-2026.60"}))
    replay = world.root / "mails" / "replay.eml"
    replay.write_bytes(b"Received: from relay.evil.example by mx.bacgiang.gov.vn; Mon, 7 Dec 2026 10:00:00 +0000\r\n"
                       + genuine.read_bytes())
    world.ingest(replay)
    assert [d.recalled for d in _documents(world)] == [True, False]


def test_attack_the_issuers_recall_replayed_with_the_same_name_after_resend_destroys_only_the_first(world: World) -> None:
    """ATTACK. Sở Tư pháp recalled X, then (a gateway restarted with its series reset) sent the corrected letter under
    the same name X again, registered anew. The genuine recall is replayed (a Received line added). Expected: the
    corrected letter stays whole: the recall was about the first."""
    ident = "000.00.14.H06-2026.61"
    _registered(world, "61/STP-VP", ident)
    genuine = _recall(world, "recall", STP, ident)
    world.ingest(genuine)
    corrected = world.signed("stp", world.document(number="61/STP-VP", summary="V/v triển khai (đã sửa lại)"))
    world.ingest(world.mail("again", attachments=[("cv.pdf", corrected)], headers={"X-QLVB-Document-Id": ident}))
    replay = world.root / "mails" / "replay.eml"
    replay.write_bytes(b"Received: from relay.evil.example by mx.bacgiang.gov.vn; Mon, 7 Dec 2026 10:00:00 +0000\r\n"
                       + genuine.read_bytes())
    world.ingest(replay)
    assert [d.recalled for d in _documents(world)] == [True, False]


# ================================================================================================== our recalls' answers

def test_attack_a_recall_answer_from_a_recipient_we_never_recalled_from(sent: tuple[World, str, dict[str, Any]]) -> None:
    """ATTACK. We never recalled 45/SNV-VP. Sở Tư pháp (proven) sends 15 "agreed, destroyed" for it. Expected: its
    line says no recall (the recall column is ours to begin: a recipient cannot write "destroyed at our request" on a
    letter we never recalled); no reply goes out.
    FAULT: tracking._record takes 15/16 on any line, recalled or not: the line says recall "agreed", and `sent` shows
    a recall that never was (the clerk's record of recalls, NĐ 30/2020 Phụ lục VI, written by the recipient)."""
    world, ident, copies = sent
    [out] = world.ingest(_answer(world, "15", status="15", reply_to=copies[STP].message_id, ident=ident))
    assert out["replies"] == []
    assert _lines(world)[STP].recall is None, _lines(world)[STP].recall


# ================================================================================================== loops

def _gateway_pair(tmp_path: Path, province: Any) -> tuple[World, World]:
    pki, signers, stranger = province
    ours = make_world(tmp_path / "snv", pki, signers, stranger)
    theirs = make_world(tmp_path / "stp", pki, signers, stranger, agency=STP_AGENCY, notify={"clerk": [STP], "urgent": []})
    for world in (ours, theirs):
        for domain in ("snv.bacgiang.gov.vn", "sotp.bacgiang.gov.vn", "stc.bacgiang.gov.vn"):
            world.dkim[domain] = _dkim_key(domain)
        world.write_config()
    return ours, theirs


def _deliver(rows: list[Any], to: World, mailbox: str, name: str, *, strip_auto: bool) -> list[dict[str, Any]]:
    """The outbox rows addressed to `mailbox`, delivered to `to` as the province's server does (DKIM-signed by the
    sender's domain); Auto-Submitted taken out on the way when `strip_auto`."""
    paths = []
    for row in rows:
        if row.recipient.lower() != mailbox.lower() or not row.raw:
            continue
        head, _, body = row.raw.replace(b"\r\n", b"\n").partition(b"\n\n")
        if strip_auto:
            head = b"\n".join(line for line in head.split(b"\n") if not line.lower().startswith(b"auto-submitted:"))
        raw = (head + b"\n\n" + body).replace(b"\n", b"\r\n")
        sender = email.message_from_bytes(raw)["From"]
        domain = email.utils.parseaddr(sender)[1].rsplit("@", 1)[1]
        path = to.root / "mails" / f"{name}-{row.id}.eml"
        path.parent.mkdir(exist_ok=True)
        key = _dkim_key(domain)  # as the province's server signs (its X-QLVB-* and In-Reply-To too)
        path.write_bytes(dkim.sign(raw, key.selector.encode(), key.domain.encode(), key.private_pem,
                                   include_headers=signed_header_names(raw)) + raw)
        paths.append(path)
    return to.ingest(*paths) if paths else []


@pytest.mark.parametrize("strip_auto", [False, True], ids=["whole", "auto-submitted-stripped"])
def test_attack_two_gateways_answering_each_others_answers_stop(tmp_path: Path, province: Any, strip_auto: bool) -> None:
    """ATTACK. Our letter to Sở Tư pháp's gateway, which registers it and answers (03, 04); its answers back to us;
    whatever we queue back to it; and so on, with every mail's Auto-Submitted taken out on the way (a relay that
    rewrites headers). Expected: quiet after the first round: we never answer their answers, they never answer ours."""
    ours, theirs = _gateway_pair(tmp_path, province)
    _send(ours, _letter(recipients=BLOCK[:4] + ["- Sở Tư pháp."]))
    seen_ours: set[int] = set()
    seen_theirs: set[int] = set()
    rounds = 0
    for rounds in range(1, 7):
        new_ours = [o for o in _outbox(ours) if o.id not in seen_ours]
        seen_ours |= {o.id for o in new_ours}
        _deliver(new_ours, theirs, STP, f"to-stp-{rounds}", strip_auto=strip_auto)
        new_theirs = [o for o in _outbox(theirs) if o.id not in seen_theirs]
        seen_theirs |= {o.id for o in new_theirs}
        _deliver(new_theirs, ours, US["mailbox"], f"to-snv-{rounds}", strip_auto=strip_auto)
        if not [o for o in _outbox(ours) if o.id not in seen_ours and o.recipient.lower() == STP]:
            break
    assert rounds == 1, [(o.kind, o.recipient) for o in _outbox(ours)]
    assert _lines(ours)[STP].state == "acknowledged"
    assert len(_documents(theirs)) == 1


def test_attack_a_return_carrying_our_letter_back_is_recorded_and_not_answered(sent: tuple[World, str, dict[str, Any]]) -> None:
    """ATTACK/SLIP. Sở Tư pháp (proven) returns our letter (02, reasons) in reply to its copy, and, as some systems
    and people do, attaches the refused PDF; no Auto-Submitted. Expected: the line says returned; nothing goes back to
    Sở Tư pháp (a return of a return is the start of a loop); our own letter not registered as incoming.
    FAULT: a mail with a PDF is judged as a document (rules.peer_answer), so pipeline._follow never sees
    the return: the line stays "sent" and the mail is answered as a letter of theirs."""
    world, _, copies = sent
    ours = (world.root / "out.pdf").read_bytes()
    [out] = world.ingest(world.mail("return-with-pdf", subject="Trả lại văn bản 45/SNV-VP", attachments=[("45.pdf", ours)],
                                    headers={"In-Reply-To": copies[STP].message_id, "References": copies[STP].message_id,
                                             "X-QLVB-Status": "02", "X-QLVB-Reasons": "signature-missing"}))
    assert out["replies"] == [], (out["verdict"], [r["code"] for r in out["reasons"]], _lines(world)[STP].state)
    assert _documents(world) == []
    assert _lines(world)[STP].state == "returned"


def test_guard_our_own_answer_coming_back_without_auto_submitted_is_not_answered(world: World) -> None:
    """GUARD. Our acknowledgement to Sở Tư pháp comes back to us from its mailbox (an office rule "reply" with the
    header taken out, no file). Expected: not answered."""
    pdf = world.signed("stp", world.document(number="802/STP-VP"))
    world.ingest(world.mail("in", attachments=[("cv.pdf", pdf)]))
    from registry.models import Outbox

    [ack] = _rows(world, Outbox, Outbox.kind == "ack")
    [out] = world.ingest(world.mail("bounce-back", subject="Re: Xác nhận", headers={"In-Reply-To": ack.message_id,
                                                                                  "References": ack.message_id}))
    assert out["replies"] == []


@pytest.mark.parametrize("strip_auto", [False, True], ids=["whole", "auto-submitted-stripped"])
def test_guard_two_gateways_a_returned_letter_is_recorded_and_nobody_answers(tmp_path: Path, province: Any,
                                                                             strip_auto: bool) -> None:
    """GUARD. Our letter carries a revoked certificate's signature; Sở Tư pháp's gateway returns it (02). Its return
    to us, whatever we queue back, and so on (Auto-Submitted kept, or taken out on the way). Expected: our line
    returned with the reason, and nothing goes back to Sở Tư pháp."""
    from kit import sign_pdf

    ours, theirs = _gateway_pair(tmp_path, province)
    revoked = sign_pdf(_letter("12/SNV-VP", recipients=BLOCK[:4] + ["- Sở Tư pháp."]), ours.signers["revoked"], ours.pki)
    _send(ours, revoked)
    _deliver(_outbox(ours), theirs, STP, "letter", strip_auto=strip_auto)
    assert [o.kind for o in _outbox(theirs)] == ["return"], [o.kind for o in _outbox(theirs)]
    before = {o.id for o in _outbox(ours)}
    _deliver(_outbox(theirs), ours, US["mailbox"], "return", strip_auto=strip_auto)
    assert [o.kind for o in _outbox(ours) if o.id not in before] == []
    assert _lines(ours)[STP].state == "returned"


# ================================================================================================== more forgeries

def test_attack_a_recall_probe_by_a_non_issuer_learns_nothing_of_our_register(world: World) -> None:
    """ATTACK. UBND tỉnh's mailbox (proven, an agency, not the issuer) probes our register: a recall naming Sở Tư
    pháp's letter X (registered here) and one naming X+1 (never received). Expected: both treated alike (neither
    answered, the code says "never tell one that is not the issuer anything"): what we registered from another agency
    is not told to a third by the silence or the answer.
    FAULT: recall.receive_recall stays silent when the name is registered (another's document) but
    answers 16 "never received" when it is not: the silence tells the prober we hold X."""
    _registered(world, "62/STP-VP", "000.00.14.H06-2026.62")
    before = {o.id for o in _outbox(world)}
    world.ingest(_recall(world, "probe-held", UBND, "000.00.14.H06-2026.62"))
    after_held = [o.recipient for o in _outbox(world) if o.id not in before]
    before = {o.id for o in _outbox(world)}
    world.ingest(_recall(world, "probe-absent", UBND, "000.00.14.H06-2026.63"))
    after_absent = [o.recipient for o in _outbox(world) if o.id not in before]
    assert after_held == after_absent, (after_held, after_absent)


def test_attack_a_recipient_recalling_our_own_letter_changes_nothing(sent: tuple[World, str, dict[str, Any]]) -> None:
    """ATTACK. Sở Tư pháp (proven, a recipient) sends a recall notice (13) naming OUR letter's identifier, with and
    without In-Reply-To. Expected: our outgoing register unchanged (not recalled, no recall column), nothing of our
    incoming register touched."""
    world, ident, copies = sent
    world.ingest(_recall(world, "recall-ours-1", STP, ident))
    reply = world.mail("recall-ours-2", subject=f"Thu hồi văn bản {ident}", headers={
        "X-QLVB-Status": "13", "X-QLVB-Document-Id": ident, "In-Reply-To": copies[STP].message_id})
    world.ingest(reply)
    from registry.models import OutgoingDocument

    [document] = _rows(world, OutgoingDocument)
    assert document.state != "recalled"
    assert {m: _lines(world)[m].recall for m in (STP, STC)} == {STP: None, STC: None}


def test_attack_an_ack_under_sotp_from_signed_by_the_forgers_own_domain(sent: tuple[World, str, dict[str, Any]]) -> None:
    """ATTACK. The forger signs with DKIM of its own domain (evil.example, a valid signature our configuration can
    check) a 03 under Sở Tư pháp's From, in reply to its copy. Expected: not Sở Tư pháp's: the line stays sent."""
    world, _, copies = sent
    path = world.mail("evil-dkim", auth=None, headers={"X-QLVB-Status": "03", "X-QLVB-Incoming-Number": "3",
                                                      "In-Reply-To": copies[STP].message_id,
                                                      "Auto-Submitted": "auto-replied"})
    key = world.dkim["evil.example"] = _dkim_key("evil.example")
    world.write_config()
    raw = path.read_bytes()
    path.write_bytes(dkim.sign(raw, key.selector.encode(), key.domain.encode(), key.private_pem,
                               include_headers=signed_header_names(raw)) + raw)
    [out] = world.ingest(path)
    assert not out["sender"]["authenticated"], out["sender"]
    assert _lines(world)[STP].state == "sent"


def test_attack_a_peer_that_sends_its_letter_again_in_answer_to_each_of_our_answers(world: World) -> None:
    """ATTACK (loop). Sở Tư pháp's system (proven) is an automatic one: it answers every mail it gets by sending its
    letter again, in reply to our answer, marked Auto-Submitted: auto-replied. We acknowledge the first; each later
    one is a duplicate in reply to our last answer. Expected: no ping-pong: an automatic mail is never answered
    (RFC 3834; rules.ignored, decide's "an automatic mail: never answered"), so at most nothing goes back.
    A fault would be: each automatic re-send, carrying a PDF, is judged a duplicate and answered again: two
    automatic systems answer each other for ever."""
    pdf = world.signed("stp", world.document(number="63/STP-VP"))
    [first] = world.ingest(world.mail("round-0", attachments=[("cv.pdf", pdf)]))
    assert first["verdict"] == "accepted"
    answered = []
    for round_ in range(1, 5):
        last = [o for o in _outbox(world) if o.recipient.lower() == STP][-1]
        [out] = world.ingest(world.mail(f"round-{round_}", attachments=[("cv.pdf", pdf)], subject="Re: " + str(round_),
                                        headers={"In-Reply-To": last.message_id, "References": last.message_id,
                                                 "Auto-Submitted": "auto-replied"}))
        answered.append([(r["kind"], out["verdict"]) for r in out["replies"]])
    assert not any(answered), answered


def test_attack_another_mailbox_of_the_issuers_domain_neither_answers_nor_recalls(world: World) -> None:
    """ATTACK. Mailboxes of Sở Tư pháp's own domain that are not its official mailbox (giamdoc@, vanphong@: DKIM-proven
    by the domain's server) send a return (02) of our letter's copy to Sở Tư pháp, and a recall of Sở Tư pháp's
    letter registered here. Expected: neither counts: the line stays sent, the letter stays whole, nothing answered."""
    ident = _send(world)
    _hand_to_server(world)
    copies = _copies(world)
    _registered(world, "64/STP-VP", "000.00.14.H06-2026.64")
    before = {o.id for o in _outbox(world)}
    world.ingest(_answer(world, "unit-02", sender="vanphong@sotp.bacgiang.gov.vn", status="02",
                         reply_to=copies[STP].message_id, ident=ident, extra={"X-QLVB-Reasons": "x"}),
                 _recall(world, "director-recall", "giamdoc@sotp.bacgiang.gov.vn", "000.00.14.H06-2026.64"))
    assert _lines(world)[STP].state == "sent"
    assert [d.recalled for d in _documents(world)] == [False]
    assert [o.recipient for o in _outbox(world) if o.id not in before] == []


def test_attack_a_bounce_after_the_recipient_told_us_it_is_processing_it(sent: tuple[World, str, dict[str, Any]]) -> None:
    """ATTACK. Sở Tư pháp's gateway told us 04 ("chờ phân công": registered, waiting) about our letter, and a person
    there replied; then a bounce with its copy's headers and token (a forwarded copy's, Final-Recipient Sở Tư pháp)
    says failed. Expected: the line is not "failed": the recipient's own proven answers prove the letter arrived
    (tracking._record: "an answer proves the server took it").
    FAULT: tracking.follow_outbox turns any "sent" line failed on a proven-token report, whatever the recipient
    answered (04/05/06 and a person's reply leave the state "sent"): the clerk sees the letter undelivered, with
    processing 04 beside it."""
    world, _, copies = sent
    world.ingest(_answer(world, "p04", status="04", reply_to=copies[STP].message_id),
                 world.mail("re", subject="Re: đã nhận", headers={"In-Reply-To": copies[STP].message_id}))
    assert _lines(world)[STP].processing == "04"
    world.ingest(_dsn(world, "late-bounce", _header_block(copies[STP].raw), final=STP))
    line = _lines(world)[STP]
    assert line.state != "failed", (line.state, line.processing, line.detail)


def test_guard_after_our_recall_only_the_recipients_proven_answer_counts(sent: tuple[World, str, dict[str, Any]]) -> None:
    """GUARD. We recall 45/SNV-VP with the real `recall` command; an unproven 15 under Sở Tư pháp's From and a proven 15
    from Sở Tài chính in reply to Sở Tư pháp's notice arrive, then Sở Tư pháp's own proven 15. Expected: Sở Tư pháp's
    recall stays "requested" until its own answer, then "agreed"."""
    world, ident, copies = sent
    world.run("recall", "--config", str(world.config_path), ident, "--reason", "Sai thể thức")
    from registry.models import Outbox

    notice = next(o for o in _rows(world, Outbox, Outbox.kind == "recall") if o.recipient.lower() == STP)
    world.ingest(_answer(world, "forged-15", status="15", reply_to=notice.message_id, ident=ident, auth=None),
                 _answer(world, "stc-15", sender=STC, status="15", reply_to=copies[STP].message_id, ident=ident))
    assert _lines(world)[STP].recall == "requested"
    world.ingest(_answer(world, "stp-15", status="15", reply_to=notice.message_id, ident=ident))
    assert _lines(world)[STP].recall == "agreed"
