"""Recall (thu hồi; Đắk Lắk QĐ 16/2019 Đ8.2, Đ9.3; NĐ 30/2020 Phụ lục VI), both ways.

Ours: `qlvb-gateway recall ID --reason …` sends every recipient a recall notice (edXML status 13)
and marks the document recalled; their answers (15 agreed, 16 unknown) are followed per recipient.
Theirs: a recall notice from the issuer of a document we registered marks it recalled, destroys
its files and its content (the register keeps the line: number, date, issuer, notation, and the
fact of the recall), tells the clerk and answers 15; a recall of a document we never received is
answered 16. A recall whose sender is not proven changes nothing and is not answered."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from gateway.model import MailFacts
from gateway.outgoing.tracking import RECALL, RECALL_AGREED, RECALL_UNKNOWN
from registry import audit
from registry.models import Document, DocumentFile, Mail, OutgoingDocument, OutgoingRecipient, Outbox

if TYPE_CHECKING:
    from gateway.app import Gateway
    from gateway.intake.pipeline import Intake


class RecallError(ValueError):
    """The document to recall is not in the outgoing register, or was recalled already."""


@dataclass(frozen=True)
class RecallSent:
    identifier: str
    recipients: list[str]


def recall_outgoing(gateway: "Gateway", key: str, reason: str, actor: str) -> RecallSent:
    """Queue a recall notice to every recipient of a sent document (by identifier or register id)."""
    now = datetime.now(timezone.utc)
    with gateway.register.session() as session, session.begin():
        query = select(OutgoingDocument).where(OutgoingDocument.agency_code == gateway.config.agency.code)
        row = session.scalars(query.where(OutgoingDocument.identifier == key)).first()
        if row is None and key.isdigit():
            row = session.scalars(query.where(OutgoingDocument.id == int(key))).first()
        if row is None:
            raise RecallError(f"{key}: no such document in the outgoing register")
        if row.state == "recalled":
            raise RecallError(f"{row.identifier}: recalled already, on {row.recalled_at:%Y-%m-%d %H:%M}")
        row.state, row.recall_reason, row.recalled_at = "recalled", reason, now
        recipients = session.scalars(select(OutgoingRecipient).where(OutgoingRecipient.document_id == row.id)
                                     .order_by(OutgoingRecipient.id)).all()
        doc = {"number": row.notation, "date": row.issued_date, "summary": row.subject}
        for recipient in recipients:
            context = {"doc": doc, "identifier": row.identifier, "recipient": {"name": recipient.agency_name},
                       "reason": reason}
            mail = gateway.writer.render(
                "recall", recipient.mailbox, context, key=f"{row.identifier}:recall:{recipient.agency_code}",
                in_reply_to=recipient.message_id,
                headers={"X-QLVB-Status": RECALL, "X-QLVB-Document-Id": row.identifier, "X-QLVB-Recall-Reason": reason},
            )
            session.add(Outbox(mail_id=None, document_id=None, kind="recall", recipient=recipient.mailbox,
                               subject=mail.subject, message_id=mail.message_id, raw=mail.raw, state="queued",
                               attempts=0, created_at=now))
            recipient.recall = "requested"
        audit.record(session, "outgoing-recalled", actor=actor, identifier=row.identifier, reason=reason,
                     recipients=[r.agency_code for r in recipients])
        return RecallSent(row.identifier, [r.mailbox for r in recipients])


def receive_recall(intake: "Intake", session: Session, facts: MailFacts, mail: Mail) -> None:
    """A recall notice (status 13) arrived: destroy the document it names, answer 15, or answer 16."""
    ident = facts.peer.get("x-qlvb-document-id", "")
    if not facts.sender.authenticated or intake.gw.directory.by_mailbox(facts.from_address) is None:
        audit.record(session, "recall-unproven", mail_id=mail.id, sender=facts.from_address, identifier=ident)
        return  # never answer a sender nothing proves
    sender = intake.gw.directory.by_mailbox(facts.from_address)
    assert sender is not None
    document = session.scalars(
        select(Document).join(Mail, Mail.id == Document.mail_id)
        .where(Document.agency_code == intake.gw.config.agency.code, Document.peer_document_id == ident,
               Mail.from_address == facts.from_address)
        .order_by(Document.id)
    ).first() if ident else None
    reason = facts.peer.get("x-qlvb-recall-reason", "")
    context: dict[str, Any] = {"identifier": ident or "(không ghi)", "sender_name": sender.name, "sender": facts.from_address,
                               "reason": reason, "agreed": document is not None,
                               "incoming_number": document.arrival_number if document else None,
                               "year": document.year if document else None, "notation": document.notation if document else None}
    if document is not None and not document.recalled:
        _destroy(intake, session, document, reason)
        intake.queue_reply(session, mail, "recalled", intake.gw.config.clerk_addresses[0], context,
                           key=f"{facts.sha256}:recalled")
    status = RECALL_AGREED if document is not None else RECALL_UNKNOWN
    intake.queue_reply(session, mail, "recall-answer", facts.from_address, context, key=f"{facts.sha256}:recall-answer",
                       headers={"X-QLVB-Status": status, "X-QLVB-Document-Id": ident})
    audit.record(session, "recall-received", mail_id=mail.id, document_id=document.id if document else None,
                 identifier=ident, sender=facts.from_address, answer=status, reason=reason)


def _destroy(intake: "Intake", session: Session, document: Document, reason: str) -> None:
    """NĐ 30/2020 Phụ lục VI: the document and what came with it are destroyed; the line stays."""
    store = intake.gw.store
    for row in session.scalars(select(DocumentFile).where(DocumentFile.mail_id == document.mail_id)).all():
        store.destroy(row.sha256)
        session.delete(row)
    origin = session.get(Mail, document.mail_id) if document.mail_id else None
    if origin is not None:
        store.destroy(origin.sha256)  # the original mail's bytes hold the document too
        origin.stored, origin.subject = False, None
        origin.outcome = [dict(o, document=None) for o in origin.outcome or []]
    document.recalled = True
    document.subject = document.signer_name = document.signer_position = None
    document.to_places = None
    document.pdf_sha256 = None
    when = datetime.now(intake.gw.config.tz).strftime("%Y-%m-%d %H:%M")
    document.description = f"Đã thu hồi theo thông báo của cơ quan ban hành ngày {when}" + (f": {reason}" if reason else "")
