"""Tables of the register. Field names of documents follow NĐ 30/2020 Phụ lục VI (incoming input
fields) where one exists; the printed register (Phụ lục IV) is a view of `documents`."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any, Literal

from sqlalchemy import (BigInteger, JSON, Boolean, DateTime, TypeDecorator, ForeignKey, Index, Integer, LargeBinary, String,
                        Text, UniqueConstraint)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class UtcDateTime(TypeDecorator[datetime]):
    """Aware datetimes stored as UTC on every database (SQLite keeps no offset of its own)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the register")
        value = value.astimezone(timezone.utc)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value.astimezone(timezone.utc)


class Base(DeclarativeBase):
    type_annotation_map = {datetime: UtcDateTime}


class Agency(Base):
    """The directory of agencies, those withdrawn from it too."""

    __tablename__ = "agencies"
    code: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str] = mapped_column(String(300))
    mailbox: Mapped[str] = mapped_column(String(320), index=True)
    aliases: Mapped[list[Any]] = mapped_column(JSON, default=list)
    groups: Mapped[list[Any]] = mapped_column(JSON, default=list)
    certificates: Mapped[list[Any] | None] = mapped_column(JSON, default=list)
    former: Mapped[list[Any] | None] = mapped_column(JSON, default=list)  # names before 2025
    parent: Mapped[list[Any] | None] = mapped_column(JSON, default=list)  # the body above, as certificates name it
    source: Mapped[str | None] = mapped_column(String(1000))  # the directory file it was read from last
    # no longer in that file: not trusted, not a recipient; the row kept for the documents it sent (red team 76)
    withdrawn_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class Mail(Base):
    """Every mail seen, whatever its verdict, keyed by Message-ID and the SHA-256 of its bytes."""

    __tablename__ = "mails"
    __table_args__ = (UniqueConstraint("message_id", "sha256", name="uq_mails_message"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    message_id: Mapped[str] = mapped_column(String(998))
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    size: Mapped[int] = mapped_column(Integer)
    from_address: Mapped[str] = mapped_column(String(320))
    subject: Mapped[str | None] = mapped_column(Text)  # None for a secret document
    delivered_at: Mapped[datetime] = mapped_column(UtcDateTime())
    received_at: Mapped[datetime] = mapped_column(UtcDateTime())
    verdict: Mapped[str] = mapped_column(String(16), index=True)  # of its first document
    stored: Mapped[bool] = mapped_column(Boolean)  # original bytes kept in the store
    source: Mapped[str] = mapped_column(String(200))
    outcome: Mapped[list[Any]] = mapped_column(JSON)  # the JSON objects printed
    review: Mapped[str | None] = mapped_column(String(16), index=True)  # waiting, released, returned, discarded
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


class _YearlySeries:
    """The last number given in a series, per agency and year."""

    agency_code: Mapped[str] = mapped_column(String(32), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    last: Mapped[int] = mapped_column(Integer)


class NumberSeries(_YearlySeries, Base):
    """Incoming numbers (000 Đ9.2: one series a year)."""

    __tablename__ = "number_series"


AssignmentRole = Literal["lead", "co"]  # chủ trì, phối hợp


class Document(Base):
    """A registered incoming document (sổ đăng ký văn bản đến), electronic or on paper."""

    __tablename__ = "documents"
    __table_args__ = (UniqueConstraint("agency_code", "year", "arrival_number", name="uq_documents_number"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    mail_id: Mapped[int | None] = mapped_column(ForeignKey("mails.id"), index=True)
    agency_code: Mapped[str] = mapped_column(String(32))
    year: Mapped[int] = mapped_column(Integer)
    arrival_number: Mapped[int] = mapped_column(Integer)  # ArrivalNumber: số đến
    arrival_date: Mapped[datetime] = mapped_column(UtcDateTime())  # ArrivalDate: received_at
    medium: Mapped[str] = mapped_column(String(16))  # electronic | paper
    organ_name: Mapped[str | None] = mapped_column(String(500))  # OrganName: the issuer
    organ_parent: Mapped[str | None] = mapped_column(String(500))
    notation: Mapped[str | None] = mapped_column(String(200), index=True)  # số, ký hiệu as printed
    notation_key: Mapped[str | None] = mapped_column(String(200), index=True)  # however written, for duplicates (vntext)
    code_number: Mapped[str | None] = mapped_column(String(50))  # CodeNumber
    code_notation: Mapped[str | None] = mapped_column(String(150))  # CodeNotation
    issued_date: Mapped[str | None] = mapped_column(String(10))  # IssuedDate (ISO)
    type_name: Mapped[str | None] = mapped_column(String(100))  # TypeName
    subject: Mapped[str | None] = mapped_column(Text)  # Subject: trích yếu
    signer_name: Mapped[str | None] = mapped_column(String(200))  # SignerInfo.FullName
    signer_position: Mapped[str | None] = mapped_column(String(300))  # SignerInfo.Position
    priority: Mapped[str | None] = mapped_column(String(20))  # Priority: urgency
    to_places: Mapped[dict[str, Any] | None] = mapped_column(JSON)  # ToPlaces
    page_amount: Mapped[int | None] = mapped_column(Integer)  # PageAmount
    language: Mapped[str] = mapped_column(String(8), default="vi")  # Language
    description: Mapped[str | None] = mapped_column(Text)  # Description: notes
    due_date: Mapped[str | None] = mapped_column(String(10))  # DueDate
    basis: Mapped[str | None] = mapped_column(String(20))  # signature | official-mailbox | paper
    pdf_sha256: Mapped[str | None] = mapped_column(String(64), index=True)
    issuer_key: Mapped[str | None] = mapped_column(String(500), index=True)  # folded issuer, for duplicates
    agency_key: Mapped[str | None] = mapped_column(String(500), index=True)  # the directory's agency, folded: its printings
    signed_sha256: Mapped[str | None] = mapped_column(String(64), index=True)  # what its signature covers, for duplicates
    recalled: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)  # the desk: registered since the digest
    peer_document_id: Mapped[str | None] = mapped_column(String(64), index=True)  # the sender's X-QLVB-Document-Id
    secrecy: Mapped[str | None] = mapped_column(String(20))  # a paper document's mark (Mật…): passed on without content
    copier: Mapped[str | None] = mapped_column(String(500))  # a certified copy's copier (NĐ 30/2020 Đ25); None: the issuer's own


class Assignment(Base):
    """A registered document passed on to a unit or person of the agency (Bắc Kạn QĐ 26/2020 Đ9.3.b): the
    lead (chủ trì) or a co-ordinating one (phối hợp), the deadline and the note, who passed it and when,
    and the unit's marks: received (worked on, by whom: the register's column 9) and done."""

    __tablename__ = "assignments"
    __table_args__ = (UniqueConstraint("document_id", "unit_code", name="uq_assignments_unit"),
                      Index("ix_assignments_open_deadline", "done_at", "deadline"))  # not done, due soon: the desk, reminders
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"), index=True)
    unit_code: Mapped[str] = mapped_column(String(32))
    unit_name: Mapped[str] = mapped_column(String(300))  # as configured when passed (column 7)
    mailbox: Mapped[str] = mapped_column(String(320))
    role: Mapped[AssignmentRole] = mapped_column(String(8))
    deadline: Mapped[str | None] = mapped_column(String(10))  # ISO date
    note: Mapped[str | None] = mapped_column(Text)  # the leader's instruction (ý kiến chỉ đạo)
    passed_at: Mapped[datetime] = mapped_column(UtcDateTime())
    passed_by: Mapped[str] = mapped_column(String(200))
    outbox_id: Mapped[int | None] = mapped_column(ForeignKey("outbox.id"))
    received_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    received_by: Mapped[str | None] = mapped_column(String(200))
    done_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    done_by: Mapped[str | None] = mapped_column(String(200))
    reminded_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class ClosedYear(Base):
    """A year of the incoming register printed and closed (000 Đ9.2.a: printed, signed, closed): no paper
    entry is added to it afterwards."""

    __tablename__ = "closed_years"
    agency_code: Mapped[str] = mapped_column(String(32), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    closed_at: Mapped[datetime] = mapped_column(UtcDateTime())
    closed_by: Mapped[str] = mapped_column(String(200))


class Person(Base):
    """A person who uses the desk, with a role (clerk, leader, unit, viewer), a unit for a unit's
    people, and an Argon2 hash of the password; disabled people cannot log in."""

    __tablename__ = "people"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    role: Mapped[str] = mapped_column(String(16))
    unit: Mapped[str | None] = mapped_column(String(100))
    password_hash: Mapped[str] = mapped_column(String(200))
    disabled: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    last_login_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class DeskSession(Base):
    """A session of the desk, by the SHA-256 of the token its cookie holds (never the token: reading the register, or a
    backup of it, gives no session): made at login, ended at logout; the desk takes a cookie only with a session here
    not ended (red team 76: the cookie's key is in the register too)."""

    __tablename__ = "desk_sessions"
    token_sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    person: Mapped[str] = mapped_column(String(100), index=True)
    started_at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)
    ended_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class DocumentFile(Base):
    """A file of a mail (document, appendix, draft, extra), by SHA-256 in the content store."""

    __tablename__ = "document_files"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    mail_id: Mapped[int] = mapped_column(ForeignKey("mails.id"), index=True)
    document_id: Mapped[int | None] = mapped_column(ForeignKey("documents.id"), index=True)
    sha256: Mapped[str] = mapped_column(String(64), index=True)  # who else refers to a file (a recall destroys it)
    filename: Mapped[str] = mapped_column(String(500))
    content_type: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(16))  # document, appendix, draft, extra, refused
    size: Mapped[int] = mapped_column(Integer)


# the answers (one template each in templates/): to a mail received, to the clerk, to a recipient agency
OutboxKind = Literal["ack", "return", "alert", "digest", "document", "outgoing-held", "recall", "recalled",
                     "recall-answer", "passed", "reminder", "processing"]
# withdrawn: a document mail recalled before it went, never sent; held: a recall notice waiting for the document mail it
# recalls to be settled (sent: the notice goes; withdrawn or failed: it is withdrawn too)
OutboxState = Literal["queued", "sent", "failed", "withdrawn", "held"]
RecipientState = Literal["queued", "sent", "acknowledged", "returned", "failed", "withdrawn"]  # an outgoing document's recipient


class Outbox(Base):
    """Answers waiting to be sent (acknowledgements, returns, alerts), rendered once, sent as stored
    (registry/outbox.py's enqueue makes every row)."""

    __tablename__ = "outbox"
    # the alerts to a clerk, looked up for each quarantined mail (issue 10's floods): not by reading every answer
    __table_args__ = (Index("ix_outbox_kind_recipient", "kind", "recipient"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    mail_id: Mapped[int | None] = mapped_column(ForeignKey("mails.id"), index=True)
    document_id: Mapped[int | None] = mapped_column(ForeignKey("documents.id"), index=True)  # a peer told of its document
    kind: Mapped[OutboxKind] = mapped_column(String(16))
    recipient: Mapped[str] = mapped_column(String(320))
    subject: Mapped[str] = mapped_column(Text)
    message_id: Mapped[str] = mapped_column(String(998), unique=True)
    raw: Mapped[bytes] = mapped_column(LargeBinary)
    state: Mapped[OutboxState] = mapped_column(String(16), index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    next_attempt_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), index=True)  # retry after
    after_id: Mapped[int | None] = mapped_column(Integer, index=True)  # a held notice: the document mail it waits for


class OutgoingSeries(_YearlySeries, Base):
    """Outgoing sequence numbers (the N of AGENCYCODE-YYYY.N, Đắk Lắk QĐ 16/2019 Đ11)."""

    __tablename__ = "outgoing_series"


class OutgoingDocument(Base):
    """A document sent (sổ văn bản đi): its particulars, its identifier AGENCYCODE-YYYY.N (Đắk Lắk
    QĐ 16/2019 Đ11) and, in outgoing_recipients, where it went and what each recipient answered."""

    __tablename__ = "outgoing_documents"
    __table_args__ = (UniqueConstraint("agency_code", "year", "sequence", name="uq_outgoing_sequence"),
                      UniqueConstraint("agency_code", "pdf_sha256", name="uq_outgoing_pdf"))
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    agency_code: Mapped[str] = mapped_column(String(32))
    year: Mapped[int] = mapped_column(Integer)
    sequence: Mapped[int] = mapped_column(Integer)
    identifier: Mapped[str] = mapped_column(String(64), unique=True)
    notation: Mapped[str | None] = mapped_column(String(200), index=True)  # số, ký hiệu as printed
    issued_date: Mapped[str | None] = mapped_column(String(10))
    type_name: Mapped[str | None] = mapped_column(String(100))
    subject: Mapped[str | None] = mapped_column(Text)
    signer_name: Mapped[str | None] = mapped_column(String(200))
    signer_position: Mapped[str | None] = mapped_column(String(300))
    filename: Mapped[str] = mapped_column(String(500))
    pdf_sha256: Mapped[str] = mapped_column(String(64), index=True)  # the PDF sent (signed by us)
    original_sha256: Mapped[str] = mapped_column(String(64), index=True)  # the PDF as the clerk gave it
    draft_sha256: Mapped[str | None] = mapped_column(String(64), index=True)
    draft_filename: Mapped[str | None] = mapped_column(String(500))
    signed: Mapped[bool] = mapped_column(Boolean)  # signed by the gateway (False: already signed by us)
    source: Mapped[str] = mapped_column(String(200))  # a file path, or mailbox and UID
    plan: Mapped[dict[str, Any]] = mapped_column(JSON)  # the plan sent: entries, paper, archive
    state: Mapped[str] = mapped_column(String(16))  # sent, recalled
    recall_reason: Mapped[str | None] = mapped_column(Text)
    recalled_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


class OutgoingRecipient(Base):
    """One recipient agency of a sent document and its state: queued, sent (the SMTP server's
    acceptance: Bắc Kạn QĐ 26/2020 Đ11.1), acknowledged (with its incoming number), returned (with
    its reasons), failed."""

    __tablename__ = "outgoing_recipients"
    __table_args__ = (UniqueConstraint("document_id", "agency_code", name="uq_outgoing_recipient"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("outgoing_documents.id"), index=True)
    agency_code: Mapped[str] = mapped_column(String(32))
    agency_name: Mapped[str] = mapped_column(String(300))
    mailbox: Mapped[str] = mapped_column(String(320))
    entries: Mapped[list[Any]] = mapped_column(JSON)  # the block's entries naming it
    state: Mapped[RecipientState] = mapped_column(String(16), index=True)
    outbox_id: Mapped[int | None] = mapped_column(ForeignKey("outbox.id"), index=True)
    message_id: Mapped[str] = mapped_column(String(998), index=True)
    sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    answered_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    incoming_number: Mapped[int | None] = mapped_column(Integer)  # the recipient's số đến
    reasons: Mapped[list[Any] | None] = mapped_column(JSON)  # a return's reasons
    detail: Mapped[str | None] = mapped_column(Text)  # the last error, or a person's answer's subject
    recall: Mapped[str | None] = mapped_column(String(16))  # requested, agreed (15), unknown (16)
    processing: Mapped[str | None] = mapped_column(String(2))  # its edXML processing status: 04, 05, 06


class MailboxState(Base):
    """Where the daemon stands in each watched mailbox: the folder's UIDVALIDITY and the last UID
    taken in, and what `status` shows (connected, last mail, last error)."""

    __tablename__ = "mailbox_state"
    name: Mapped[str] = mapped_column(String(100), primary_key=True)
    uidvalidity: Mapped[int | None] = mapped_column(BigInteger)
    last_uid: Mapped[int] = mapped_column(BigInteger, default=0)
    connected: Mapped[bool] = mapped_column(Boolean, default=False)
    backlog: Mapped[int] = mapped_column(Integer, default=0)
    last_mail_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    last_error: Mapped[str | None] = mapped_column(Text)
    failing_since: Mapped[datetime | None] = mapped_column(UtcDateTime())  # the first failure of the current run of them
    updated_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class MailAttempt(Base):
    """A mail the gateway has begun and not yet finished, by the SHA-256 of its bytes: counted in a
    transaction of its own before the mail's steps, cleared when they are done (gateway/guard.py)."""

    __tablename__ = "mail_attempts"
    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    attempts: Mapped[int] = mapped_column(Integer)
    last_error: Mapped[str | None] = mapped_column(String(200))  # the class of the mail's last error
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())


class RegisterKey(Base):
    """A secret kept beside the register (the key of the tokens our mails carry), made by the first
    gateway that needs it, so that every gateway on one register shares it. Never logged or printed."""

    __tablename__ = "register_keys"
    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    secret: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())

    def __repr__(self) -> str:
        return f"RegisterKey(name={self.name!r})"


class AuditEntry(Base):
    """Append-only: the database refuses UPDATE and DELETE on this table (triggers)."""

    __tablename__ = "audit_log"
    # an action's entries since a time (alerts held back, the digest, logouts); a mail's and a document's history (the desk)
    __table_args__ = (Index("ix_audit_log_action_at", "action", "at"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime())
    actor: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(50))
    mail_id: Mapped[int | None] = mapped_column(Integer, index=True)
    document_id: Mapped[int | None] = mapped_column(Integer, index=True)
    details: Mapped[dict[str, Any]] = mapped_column(JSON)
