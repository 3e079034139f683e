"""Following what was sent: the outbox's outcome for each recipient (sent: the SMTP server's
acceptance, Bắc Kạn QĐ 26/2020 Đ11.1; failed), the delivery reports about our mails, and the answers that come back from recipient
agencies, matched by In-Reply-To/References or by X-QLVB-Document-Id, and believed only from the
recipient's own mailbox, authenticated: acknowledged with its incoming number (edXML 03), returned
with its reasons (02), a recall agreed (15) or unknown to them (16), how far they processed it (04
waiting to be passed on, 05 being worked on, 06 done: `processing`, beside the state), or a person's reply."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone

from sqlalchemy import select
from sqlalchemy.orm import Session

from gateway.exchange.answers import AnswerWriter
from gateway.exchange.reports import DeliveryReport
from gateway.exchange.status import (ACKNOWLEDGED, PROCESSING_STATES, RECALL, RECALL_AGREED, RECALL_UNKNOWN,
                                     RETURNED)
from gateway.model import MailFacts
from registry import audit
from registry.models import OutgoingDocument, OutgoingRecipient, Outbox
from registry.outbox import RecipientState


@dataclass(frozen=True)
class Followed:
    """What an answer did to a recipient's line (for the audit log and the JSON of intake)."""

    identifier: str
    agency_code: str
    state: RecipientState


def follow_outbox(session: Session, row: Outbox) -> None:
    """The outbox settled a document mail: its recipient is sent, or failed (a later answer wins)."""
    # each agency the one mail went to (a mailbox two agencies share: red team 78)
    for recipient in session.scalars(select(OutgoingRecipient).where(OutgoingRecipient.outbox_id == row.id)):
        if row.state == "sent" and recipient.sent_at is None:
            recipient.sent_at = row.sent_at
            if recipient.state in ("queued", "withdrawn"):  # withdrawn: recalled in a sender's hand, and it went
                recipient.state = "sent"
        elif row.state == "failed" and recipient.state in ("queued", "sent") and recipient.answered_at is None:
            # a recipient that answered has it (red team 158: a bounce after its 04 marked the letter failed)
            recipient.state, recipient.detail = "failed", row.last_error
        elif row.state == "withdrawn" and row.next_attempt_at is None and recipient.state == "queued":
            recipient.state = "withdrawn"  # recalled before it went: never sent (red team 148)


def answered_recipient(session: Session, facts: MailFacts) -> OutgoingRecipient | None:
    """The recipient line a mail answers, if it answers one of our documents."""
    ids = [i for i in (facts.in_reply_to, *facts.references) if i]
    if ids:
        found = session.scalars(select(OutgoingRecipient).where(OutgoingRecipient.message_id.in_(ids))).first()
        if found is not None:
            return found
    ident = facts.peer.get("x-qlvb-document-id")
    if ident and facts.peer.get("x-qlvb-status") != RECALL:
        return session.scalars(
            select(OutgoingRecipient).join(OutgoingDocument, OutgoingDocument.id == OutgoingRecipient.document_id)
            .where(OutgoingDocument.identifier == ident, OutgoingRecipient.mailbox == facts.from_address.lower())
        ).first()
    return None


def sent_by_us(session: Session, agency_code: str, hashes: set[str]) -> bool:
    """Whether each of these files is a letter we sent, as sent or as the clerk gave it."""
    found = set(session.scalars(select(OutgoingDocument.pdf_sha256).where(
        OutgoingDocument.agency_code == agency_code, OutgoingDocument.pdf_sha256.in_(hashes))))
    found |= set(session.scalars(select(OutgoingDocument.original_sha256).where(
        OutgoingDocument.agency_code == agency_code, OutgoingDocument.original_sha256.in_(hashes))))
    return bool(hashes) and hashes <= found


def answers_an_answer(session: Session, facts: MailFacts) -> bool:
    """Whether the mail answers one of our own answers (an acknowledgement, a return, an alert): RFC 3834 §2, an
    automatic answer is never answered again (red team 97: an office's autoresponder, which writes no Auto-Submitted,
    answered our return of a covering letter, was returned again, and so on without end)."""
    ids = [i for i in (facts.in_reply_to, *facts.references) if i]
    return bool(ids) and session.scalar(select(Outbox.id).where(Outbox.message_id.in_(ids)).limit(1)) is not None


def follow_answer(session: Session, facts: MailFacts, recipient: OutgoingRecipient, mail_id: int) -> Followed | None:
    """Record an answer on its recipient's line; None when it is not proven to come from that recipient."""
    document = session.get(OutgoingDocument, recipient.document_id)
    assert document is not None
    if not facts.sender.authenticated or facts.from_address.lower() != recipient.mailbox.lower():
        audit.record(session, "answer-unproven", mail_id=mail_id, identifier=document.identifier,
                     sender=facts.from_address, expected=recipient.mailbox)
        return None
    status = facts.peer.get("x-qlvb-status")
    now = datetime.now(timezone.utc)
    for line in _one_mail(session, recipient):
        _record(line, facts, status, now)
        audit.record(session, "answer-recorded", mail_id=mail_id, identifier=document.identifier,
                     agency=line.agency_code, status=status, state=line.state,
                     incoming_number=line.incoming_number, recall=line.recall, processing=line.processing)
    return Followed(document.identifier, recipient.agency_code, recipient.state)


def _one_mail(session: Session, recipient: OutgoingRecipient) -> list[OutgoingRecipient]:
    """The recipient's line and those of the other agencies its one mail went to (a mailbox several agencies share, one
    mail of the document: red team 78); their mailbox's answer is each one's."""
    others = session.scalars(select(OutgoingRecipient).where(
        OutgoingRecipient.document_id == recipient.document_id, OutgoingRecipient.message_id == recipient.message_id,
        OutgoingRecipient.id != recipient.id).order_by(OutgoingRecipient.id)).all()
    return [recipient, *others]


def _record(recipient: OutgoingRecipient, facts: MailFacts, status: str | None, now: datetime) -> None:
    """An answer on one recipient's line."""
    if status == ACKNOWLEDGED:
        number = facts.peer.get("x-qlvb-incoming-number", "")
        recipient.state, recipient.answered_at = "acknowledged", now
        # ASCII digits a register's number can be (red team 158: "²" is a digit int() refuses, the answer lost)
        recipient.incoming_number = int(number) if number.isascii() and number.isdigit() and len(number) <= 9 else None
    elif status == RETURNED:
        recipient.state, recipient.answered_at = "returned", now
        recipient.reasons = facts.peer.get("x-qlvb-reasons", "").split() or ["unspecified"]
        recipient.detail = facts.subject[:500]
    elif status in (RECALL_AGREED, RECALL_UNKNOWN):
        if recipient.recall is not None:  # only to a recall we sent (red team 158: "agreed" to none)
            recipient.recall = "agreed" if status == RECALL_AGREED else "unknown"
    elif status in PROCESSING_STATES:  # 04, 05, 06: beside the state, never back to an earlier one
        recipient.processing = max(recipient.processing or status, status)
        recipient.answered_at = recipient.answered_at or now  # it arrived: no later bounce makes it failed
    else:  # a person's reply: kept for the clerk, the state stays
        recipient.detail = f"trả lời: {facts.subject}"[:500]
        recipient.answered_at = recipient.answered_at or now
    if recipient.sent_at is None:  # an answer proves the server took it
        recipient.sent_at = now


def follow_report(session: Session, report: DeliveryReport, writer: AnswerWriter, mail_id: int) -> None:
    """A delivery report about a mail we sent, believed only when the headers it returns carry the
    X-QLVB-Token we gave that Message-ID: a failure marks that mail failed (the clerk sees it in
    `status` and the digest); any report is kept in the audit log, an unproven one changing nothing."""
    sent = session.scalars(select(Outbox).where(Outbox.message_id == report.message_id)).first()
    if sent is None or not writer.issued(report.message_id, report.token):
        why = "not-ours" if sent is None else ("wrong-token" if report.token else "no-token")
        audit.record(session, "delivery-report-unproven", mail_id=mail_id, outbox_id=sent.id if sent else None,
                     message_id=report.message_id, reported=report.action, why=why)
        return
    if report.failed and not _about(report, sent):  # another address's failure (an alias, a copy forwarded: red team 158)
        audit.record(session, "delivery-report-other-recipient", mail_id=mail_id, outbox_id=sent.id,
                     recipient=sent.recipient, reported=list(report.failed_for), detail=report.detail)
        return
    if report.failed:
        sent.state, sent.last_error, sent.next_attempt_at = "failed", f"báo lỗi chuyển thư: {report.detail}", None
        follow_outbox(session, sent)
    audit.record(session, f"delivery-report-{report.action}", mail_id=mail_id, outbox_id=sent.id,
                 recipient=sent.recipient, detail=report.detail)


def _about(report: DeliveryReport, sent: Outbox) -> bool:
    """Whether a failure report names the recipient the mail was sent to (each of a mail's recipients has its row), or
    an address of its domain, where the recipient's own server expanded an alias (red team 159)."""
    recipient = sent.recipient.lower()
    if recipient in report.failed_for:
        return True
    if recipient in report.delivered_for:  # delivered, another address of its domain failing (red team 160: a copy)
        return False
    return any(named.rpartition("@")[2] == recipient.rpartition("@")[2] for named in report.failed_for)
