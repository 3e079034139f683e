"""What the commands read from the register (`status`, `sent`, `review`): the selects, returning typed rows.

The rows are the models themselves, loaded whole in a session that does not expire them on commit,
so they can be read after the session closes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import exists, func, select
from sqlalchemy.orm import Session

from registry.models import AuditEntry, Document, DocumentFile, Mail, MailboxState, Outbox, OutgoingDocument, OutgoingRecipient

WAITING = "waiting"  # Mail.review of a mail held for the clerk, until released, returned or discarded


@dataclass(frozen=True)
class OutboxCounts:
    """The outbox by state, and the last sends that failed (newest first)."""

    queued: int
    sent: int
    failed: int
    failures: tuple[Outbox, ...]
    retrying: tuple[Outbox, ...] = ()  # queued, tried and failed for now (the SMTP server down): oldest first


@dataclass(frozen=True)
class SentDocument:
    """A document of the outgoing register and its recipients, in the order they were planned."""

    document: OutgoingDocument
    recipients: tuple[OutgoingRecipient, ...]


def mailbox_states(session: Session) -> list[MailboxState]:
    """Each mailbox the daemon has written its state for, by name."""
    return list(session.scalars(select(MailboxState).order_by(MailboxState.name)))


def outbox_counts(session: Session, *, failures: int = 10) -> OutboxCounts:
    counts = {state: count for state, count in session.execute(select(Outbox.state, func.count()).group_by(Outbox.state))}
    failed = session.scalars(select(Outbox).where(Outbox.state == "failed").order_by(Outbox.id.desc()).limit(failures))
    # failed for now, tried or not (the server down: no try of the message's own, red team 63)
    retrying = session.scalars(select(Outbox).where(Outbox.state == "queued", Outbox.last_error.is_not(None))
                               .order_by(Outbox.id).limit(failures))
    return OutboxCounts(counts.get("queued", 0), counts.get("sent", 0), counts.get("failed", 0), tuple(failed),
                        tuple(retrying))


def sent_documents(session: Session, year: int | None = None, *, newest_first: bool = False, offset: int = 0,
                   limit: int | None = None) -> list[SentDocument]:
    """The outgoing register by year and sequence, of one year or of all (a page of it: offset, limit)."""
    order = (OutgoingDocument.year.desc(), OutgoingDocument.sequence.desc()) if newest_first else (
        OutgoingDocument.year, OutgoingDocument.sequence)
    query = select(OutgoingDocument).order_by(*order).offset(offset).limit(limit)
    if year:
        query = query.where(OutgoingDocument.year == year)
    return [SentDocument(doc, tuple(session.scalars(
        select(OutgoingRecipient).where(OutgoingRecipient.document_id == doc.id).order_by(OutgoingRecipient.id))))
        for doc in session.scalars(query).all()]


def sent_count(session: Session, year: int | None = None) -> int:
    """How many documents the outgoing register holds, of one year or of all."""
    query = select(func.count()).select_from(OutgoingDocument)
    return session.scalar(query.where(OutgoingDocument.year == year) if year else query) or 0


def waiting_mails(session: Session, limit: int | None = None) -> list[Mail]:
    """The mails held for the clerk's review, oldest first (the first `limit` of them)."""
    return list(session.scalars(select(Mail).where(Mail.review == WAITING).order_by(Mail.id).limit(limit)))


def waiting_count(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(Mail).where(Mail.review == WAITING)) or 0


RECALLED_INSIDE = "recalled-in-held-mail"  # the audit's note on a held mail that a recall took a file out of


def carries_recalled(session: Session, mail_id: int) -> bool:
    """Whether the mail's bytes carry a document its issuer recalled (NĐ 30/2020 Phụ lục VI: destroyed), kept only
    while the mail is held for the clerk's decision on its other documents: a document registered from it, or one a
    recall took out of it while it was held."""
    registered = exists().where(Document.mail_id == mail_id, Document.recalled.is_(True))
    taken_out = exists().where(AuditEntry.action == RECALLED_INSIDE, AuditEntry.mail_id == mail_id)
    return bool(session.scalar(select(registered | taken_out)))


def mail_files(session: Session, mail_id: int) -> list[DocumentFile]:
    """A mail's files (documents, appendices, drafts, the rest), in the order intake kept them."""
    return list(session.scalars(select(DocumentFile).where(DocumentFile.mail_id == mail_id).order_by(DocumentFile.id)))


def mail_history(session: Session, mail_id: int) -> list[AuditEntry]:
    """What the audit log says of a mail, oldest first."""
    return list(session.scalars(select(AuditEntry).where(AuditEntry.mail_id == mail_id).order_by(AuditEntry.id)))


def last_digest_sent(session: Session) -> datetime | None:
    """When the last digest a clerk was sent was made, what the desk's landing page and the next digest count from: one
    queued and not sent (no daemon running, the SMTP server down) or refused is none, and what it lists stays on the page
    and goes into the next digest (a newcomer and red teams 94 and 95, stop 43: the documents it listed were lost)."""
    return session.scalar(select(func.max(Outbox.created_at)).where(Outbox.kind == "digest", Outbox.state == "sent"))
