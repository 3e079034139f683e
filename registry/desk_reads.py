"""What the clerk's desk reads from the register: the landing page's lists (since the last digest)
and a document's particulars, files and trail. Rows are the models, readable after the session."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from datetime import date, datetime, timedelta, timezone

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from registry import queries
from registry.models import Assignment, AuditEntry, Document, DocumentFile, Mail, Outbox

DUE_WITHIN_DAYS = 3  # Today shows the documents whose lead unit's deadline is this close, or past
# Today lists at most this many documents registered, and mails returned, since the last digest (the newest;
# the register's search holds them all): with the digest turned off, "since" is the gateway's first day
LANDING_ROWS = 100


@dataclass(frozen=True)
class DueDocument:
    """A document passed on whose lead unit has not marked it done, and its deadline."""

    document: Document
    unit_name: str
    deadline: str  # ISO date


@dataclass(frozen=True)
class Today:
    since: datetime | None  # the last digest; None: none was ever sent
    registered: tuple[Document, ...]  # since then, by number: the newest LANDING_ROWS
    returned: tuple[Mail, ...]  # returned since then: the newest LANDING_ROWS
    waiting: tuple[Mail, ...]  # held for review, whenever they came: the oldest LANDING_ROWS
    failed: tuple[Outbox, ...]  # answers that could not be sent, newest first
    due: tuple[DueDocument, ...]  # passed on, not done, the deadline within DUE_WITHIN_DAYS or past; soonest first
    registered_count: int = 0  # all registered since then (more than listed when over LANDING_ROWS)
    returned_count: int = 0
    waiting_count: int = 0  # all held for review (a flood of held mail listed whole made a page of 31 MB)
    unsent: Outbox | None = None  # the oldest answer the submission server has taken nothing of (it is down: red team 69)
    unsent_count: int = 0


@dataclass(frozen=True)
class DocumentView:
    document: Document
    mail: Mail | None  # None for a paper document
    files: tuple[DocumentFile, ...]
    answers: tuple[Outbox, ...]  # the answers to its mail (acknowledgement, return), oldest first
    history: tuple[AuditEntry, ...]  # the audit log about it or its mail, oldest first

    @property
    def secret(self) -> bool:
        """A secret document: a paper one with its mark (its content stays on paper), or one by mail of
        which nothing was kept (002 Đ16.7); the desk shows only the fact. A recalled one's mail keeps nothing either, and is
        no secret one (red team 100: its page said "Văn bản mật" and hid the recall)."""
        return self.document.secrecy is not None or (
            self.mail is not None and not self.mail.stored and self.mail.subject is None and not self.document.recalled)


def due_documents(session: Session, today: date, agency_code: str | None = None) -> tuple[DueDocument, ...]:
    """The documents whose lead unit's deadline is within DUE_WITHIN_DAYS (of `agency_code`'s register, if given)."""
    soon = (today + timedelta(days=DUE_WITHIN_DAYS)).isoformat()
    ours = () if agency_code is None else (Document.agency_code == agency_code,)
    rows = session.execute(select(Assignment, Document).join(Document, Document.id == Assignment.document_id).where(
        Assignment.role == "lead", Assignment.done_at.is_(None), Assignment.deadline.is_not(None),
        Assignment.deadline <= soon, Document.recalled.is_(False), *ours,  # recalled: nobody can mark it done (red team 83)
    ).order_by(Assignment.deadline, Document.arrival_number))
    return tuple(DueDocument(document, assignment.unit_name, assignment.deadline or "") for assignment, document in rows)


def today(session: Session, day: date, *, failures: int = 20, agency_code: str | None = None) -> Today:
    """The desk's first page; its documents `agency_code`'s only, if given (red team 156: another agency's of one
    database listed)."""
    since = queries.last_digest_sent(session)
    after = since or datetime.fromtimestamp(0, timezone.utc)
    new_documents = and_(Document.created_at > after, *(() if agency_code is None else (Document.agency_code == agency_code,)))
    returned_mails = (Mail.verdict == "returned", Mail.created_at > after)
    registered = session.scalars(select(Document).where(new_documents).order_by(
        Document.year.desc(), Document.arrival_number.desc()).limit(LANDING_ROWS)).all()
    returned = session.scalars(select(Mail).where(*returned_mails).order_by(Mail.id.desc()).limit(LANDING_ROWS)).all()
    failed = session.scalars(select(Outbox).where(Outbox.state == "failed").order_by(Outbox.id.desc()).limit(failures))
    waiting = queries.waiting_mails(session, limit=LANDING_ROWS)
    untried = (Outbox.state == "queued", Outbox.attempts == 0, Outbox.last_error.is_not(None))
    unsent = session.scalars(select(Outbox).where(*untried).order_by(Outbox.id).limit(1)).first()
    return Today(since, tuple(reversed(registered)), tuple(reversed(returned)), tuple(waiting),
                 tuple(failed), due_documents(session, day, agency_code),
                 registered_count=_count(session, Document, new_documents, listed=len(registered)),
                 returned_count=_count(session, Mail, *returned_mails, listed=len(returned)),
                 waiting_count=_count(session, Mail, Mail.review == queries.WAITING, listed=len(waiting)),
                 unsent=unsent, unsent_count=(session.scalar(select(func.count()).select_from(Outbox).where(*untried)) or 0)
                 if unsent is not None else 0)


def _count(session: Session, model: type[Document] | type[Mail], *where: Any, listed: int) -> int:
    """How many rows match: counted only when the list is full (a page of LANDING_ROWS may hide more)."""
    if listed < LANDING_ROWS:
        return listed
    return session.scalar(select(func.count()).select_from(model).where(*where)) or 0


def document_view(session: Session, document_id: int, agency_code: str | None = None) -> DocumentView | None:
    """The document's page; None if the register has no such document (of `agency_code`'s register, if given)."""
    document = session.get(Document, document_id)
    if document is None or agency_code is not None and document.agency_code != agency_code:
        return None
    mail = session.get(Mail, document.mail_id) if document.mail_id is not None else None
    files: tuple[DocumentFile, ...] = ()
    answers: tuple[Outbox, ...] = ()
    about = AuditEntry.document_id == document.id
    if mail is not None:
        files = tuple(queries.mail_files(session, mail.id))
        answers = tuple(session.scalars(select(Outbox).where(Outbox.mail_id == mail.id).order_by(Outbox.id)))
        about = or_(about, AuditEntry.mail_id == mail.id)
    history = tuple(session.scalars(select(AuditEntry).where(about).order_by(AuditEntry.id)))
    return DocumentView(document, mail, files, answers, history)


def mail_file(session: Session, mail_id: int, sha256: str) -> DocumentFile | None:
    """A file of the mail, by its SHA-256."""
    return session.scalars(select(DocumentFile).where(DocumentFile.mail_id == mail_id, DocumentFile.sha256 == sha256)).first()
