"""Recall (thu hồi; Đắk Lắk QĐ 16/2019 Đ8.2, Đ9.3; NĐ 30/2020 Phụ lục VI), both ways.

Ours: `qlvb-gateway recall ID --reason …` sends every recipient a recall notice (edXML status 13)
and marks the document recalled; their answers (15 agreed, 16 unknown) are followed per recipient.
Theirs: a recall notice from the issuer of a document we registered marks it recalled, destroys
its files and its content (the register keeps the line: number, date, issuer, notation, and the
fact of the recall), tells the clerk and answers 15; a recall of a document we never received is
answered 16. The issuer is proven by its official mailbox, authenticated: the From of the notice
must be the directory's mailbox of the agency that issued the document (not whoever forwarded it
to us), and the notice addressed to us. A recall not so proven changes nothing and is not answered. A file is
destroyed only when no other row of the register still refers to it (the same PDF registered from another agency).

What a recall needs of the opened gateway comes in as `Opened` (gateway.app.Gateway is one), and the
answers go out through the intake's `QueueReply`, passed in: the exchange imports neither."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Protocol

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from gateway.config import Config
from gateway.directory import AgencyEntry, Directory
from gateway.exchange.answers import AnswerWriter
from gateway.exchange.status import RECALL, RECALL_AGREED, RECALL_UNKNOWN
from gateway.model import MailFacts
from registry import audit
from registry.database import Register
from registry.models import Assignment, Document, DocumentFile, Mail, OutgoingDocument, OutgoingRecipient, Outbox
from registry.outbox import OutboxKind, OutboxState, enqueue, withdraw
from registry.queries import RECALLED_INSIDE, WAITING
from registry.register_line import copies_of, locked_lines
from registry.references import destroy_after_commit
from registry.store import ContentStore
from vntext import blank


class Opened(Protocol):
    """The opened gateway, as far as a recall uses it."""

    config: Config
    register: Register
    store: ContentStore
    writer: AnswerWriter
    directory: Directory


class QueueReply(Protocol):
    """Render an answer to a mail and put it in the outbox, in the caller's transaction."""

    def __call__(self, session: Session, mail: Mail, kind: OutboxKind, to: str, context: dict[str, Any], *, key: str,
                 headers: dict[str, str] | None = None) -> None: ...


class RecallError(ValueError):
    """The document to recall is not in the outgoing register, or was recalled already."""


@dataclass(frozen=True)
class RecallSent:
    identifier: str
    recipients: list[str]  # the mailboxes a notice is queued for
    withheld: list[str]  # the mailboxes the document never left for: withdrawn from the outbox, or failed for good
    waiting: list[str]  # the mailboxes whose letter a sender had in hand: the notice goes once the server took it


def recall_outgoing(gateway: Opened, key: str, reason: str, actor: str) -> RecallSent:
    """Queue a recall notice to every recipient of a sent document (by identifier or register id)."""
    if blank(reason):  # Phụ lục VI: a recall says why; it cannot be undone (red team 110: a blank one went out)
        raise RecallError("--reason: a recall says why the document is recalled")
    now = datetime.now(timezone.utc)
    with gateway.register.session() as session, session.begin():
        # the row locked (PostgreSQL; SQLite has one writer at a time): a second recall at the same
        # moment waits, then finds it recalled and sends nothing (Message-IDs are random: no unique
        # Message-ID stops a second notice any more)
        query = (select(OutgoingDocument).where(OutgoingDocument.agency_code == gateway.config.agency.code)
                 .with_for_update())
        row = session.scalars(query.where(OutgoingDocument.identifier == key)).first()
        if row is None and key.isdigit() and int(key) < 2**63:  # a register's id (red team 110: 20 digits, a traceback)
            row = session.scalars(query.where(OutgoingDocument.id == int(key))).first()
        if row is None:
            raise RecallError(f"{key}: no such document in the outgoing register")
        if row.state == "recalled":
            raise RecallError(f"{row.identifier}: recalled already, on {row.recalled_at:%Y-%m-%d %H:%M}")
        row.state, row.recall_reason, row.recalled_at = "recalled", reason, now
        recipients = session.scalars(select(OutgoingRecipient).where(OutgoingRecipient.document_id == row.id)
                                     .order_by(OutgoingRecipient.id)).all()
        doc = {"number": row.notation, "date": row.issued_date, "summary": row.subject}
        notified: list[str] = []
        withheld: list[str] = []
        waiting: list[str] = []
        for group in _by_mail(recipients):  # one recall a mail of the document (a shared mailbox's: red team 78)
            first = group[0]
            # locked: a sender's claim of it waits for this recall, or this for its claim (red team 149, PostgreSQL)
            mail_row = (session.get(Outbox, first.outbox_id, with_for_update=True)
                        if first.outbox_id is not None else None)
            arrived = any(r.state in ("sent", "acknowledged", "returned") or r.answered_at for r in group)
            if mail_row is not None and mail_row.state == "failed" and not arrived:
                withheld.append(first.mailbox)
                continue  # it never reached them: nothing to recall (they would answer 16)
            after: Outbox | None = None
            state: OutboxState = "queued"
            if mail_row is not None and mail_row.state == "queued":  # not gone yet: it never goes (red team 148)
                if withdraw(mail_row, now) and not arrived:  # the notice kept, withdrawn: a late "taken" sends it
                    after, state = mail_row, "withdrawn"
                    for recipient in group:
                        recipient.state = "withdrawn"
                    withheld.append(first.mailbox)
                elif not arrived:  # a sender may have it in hand: the notice waits for what the server says
                    after, state = mail_row, "held"
                    waiting.append(first.mailbox)
            context = {"doc": doc, "identifier": row.identifier, "reason": reason,
                       "recipient": {"name": ", ".join(r.agency_name for r in group)}}
            mail = gateway.writer.render(
                "recall", first.mailbox, context, key=f"{row.identifier}:recall:{first.agency_code}",
                in_reply_to=first.message_id,
                headers={"X-QLVB-Status": RECALL, "X-QLVB-Document-Id": row.identifier, "X-QLVB-Recall-Reason": reason},
            )
            enqueue(session, "recall", first.mailbox, mail, now=now, after=after, state=state)
            if state == "queued":
                notified.append(first.mailbox)
            if state != "withdrawn":
                for recipient in group:
                    recipient.recall = "requested"
        audit.record(session, "outgoing-recalled", actor=actor, identifier=row.identifier, reason=reason,
                     recipients=[r.agency_code for r in recipients], withheld=withheld)
        return RecallSent(row.identifier, list(dict.fromkeys(notified)), list(dict.fromkeys(withheld)),
                          list(dict.fromkeys(waiting)))


def _by_mail(recipients: Sequence[OutgoingRecipient]) -> list[list[OutgoingRecipient]]:
    """The recipients' lines by the mail of the document each got, in their order."""
    found: dict[str, list[OutgoingRecipient]] = {}
    for recipient in recipients:
        found.setdefault(recipient.message_id, []).append(recipient)
    return list(found.values())


def receive_recall(gateway: Opened, queue_reply: QueueReply, session: Session, facts: MailFacts, mail: Mail) -> None:
    """A recall notice (status 13) arrived: destroy the document it names, answer 15, or answer 16."""
    ident = facts.peer.get("x-qlvb-document-id", "")
    directory = gateway.directory
    senders = directory.of_mailbox(facts.from_address) if facts.sender.authenticated else ()
    named = session.scalars(
        select(Document).where(Document.agency_code == gateway.config.agency.code, Document.peer_document_id == ident)
        .order_by(Document.id)
    ).all() if ident else []
    document = next((d for d in named if issuer_mailbox(directory, d, _origin(session, d)) == facts.from_address.lower()),
                    None)
    # an identifier is its issuer's (AGENCYCODE-YYYY.N, Đắk Lắk QĐ 16/2019 Đ11): one naming another agency's gets the
    # silence a held one of another's gets (red team 158: "16" for one we lack, silence for one we hold, told a prober)
    theirs = ident.rpartition("-")[0].upper() in {a.code.upper() for a in senders}
    if not senders or (named and document is None) or (document is None and not theirs):
        audit.record(session, "recall-unproven", mail_id=mail.id, sender=facts.from_address, identifier=ident,
                     authenticated=facts.sender.authenticated, documents=[d.id for d in named])
        return  # never answer a sender nothing proves, nor tell one that is not the issuer anything
    if str(gateway.config.agency.mailbox).lower() not in {a.lower() for a in (*facts.to, *facts.cc)}:
        # the issuer's genuine recall to another agency, replayed to us (its To signed with it): ours stays
        audit.record(session, "recall-not-ours", mail_id=mail.id, sender=facts.from_address, identifier=ident,
                     to=list(facts.to))
        return
    reason = facts.peer.get("x-qlvb-recall-reason", "")
    context: dict[str, Any] = {"identifier": ident or "(không ghi)", "sender_name": _recaller(directory, senders, document),
                               "sender": facts.from_address, "reason": reason, "agreed": document is not None,
                               "incoming_number": document.arrival_number if document else None,
                               "year": document.year if document else None, "notation": document.notation if document else None}
    # a copy of what its issuer recalled is void too (red team 54); the issuer's own excerpt recalled is not its
    # original (red team 58: every copy of the number went)
    void = [] if document is None else [document, *(copies_of(session, document) if document.copier is None else ())]
    locked_lines(session, (line.id for line in void))
    void = [line for line in void if line is document or not line.recalled]
    if document is not None and not document.recalled:
        for line in void:
            _destroy(gateway, session, line, reason, facts.from_address)
        queue_reply(session, mail, "recalled", gateway.config.clerk_addresses[0], context, key=f"{facts.sha256}:recalled")
        for line in void:
            for unit in session.scalars(select(Assignment).where(Assignment.document_id == line.id)):
                # passed on (Bắc Kạn QĐ 26/2020 Đ9.3.b): each unit destroys the copy it was mailed too, a certified copy's
                # unit as well (red team 86: told of the original's only)
                own = {"incoming_number": line.arrival_number, "year": line.year} if line is not document else {}
                queue_reply(session, mail, "recalled",
                            gateway.config.unit_mailbox(unit.unit_code, unit.unit_name, unit.mailbox),
                            {**context, **own, "unit_name": unit.unit_name},
                            key=f"{facts.sha256}:recalled:{unit.unit_code}" + (f":{line.id}" if own else ""))
    status = RECALL_AGREED if document is not None else RECALL_UNKNOWN
    queue_reply(session, mail, "recall-answer", facts.from_address, context, key=f"{facts.sha256}:recall-answer",
                headers={"X-QLVB-Status": status, "X-QLVB-Document-Id": ident})
    audit.record(session, "recall-received", mail_id=mail.id, document_id=document.id if document else None,
                 identifier=ident, sender=facts.from_address, answer=status, reason=reason)


def _out_of_held_mails(session: Session, document: Document, origin: Mail | None) -> list[str]:
    """The recalled PDF's very file taken out of the other mails still held for the clerk (a duplicate of it sent
    again beside a document of their own, by anyone: red team 88, kept and shown at the desk for good), their other
    files left for the clerk; each such mail's bytes go once the clerk has decided on it (`carries_recalled`)."""
    if document.pdf_sha256 is None:
        return []
    held = session.scalars(select(Mail).where(Mail.review == WAITING, Mail.id != (origin.id if origin else None),
                                              Mail.id.in_(select(DocumentFile.mail_id).where(
                                                  DocumentFile.sha256 == document.pdf_sha256)))
                           .order_by(Mail.id).with_for_update(key_share=True)).all()
    for mail in held:
        rows = session.scalars(select(DocumentFile).where(DocumentFile.mail_id == mail.id,
                                                          DocumentFile.sha256 == document.pdf_sha256)).all()
        for row in rows:
            session.delete(row)
        mail.outcome = [dict(o, document=None) if _of(o, document) else o for o in mail.outcome or []]
        audit.record(session, RECALLED_INSIDE, mail_id=mail.id, document_id=document.id)
    return [document.pdf_sha256] if held else []


def _out_of_the_units_mails(session: Session, document: Document) -> None:
    """The mails passing it on to units carried its files (Bắc Kạn QĐ 26/2020 Đ9.3.b): one not sent yet is not sent,
    and none keeps them in the outbox (red team 90: queued ahead of the recall notice, the unit got the recalled
    document after its recall; a sent one kept it in the register's database for good)."""
    for row in session.scalars(select(Outbox).where(Outbox.document_id == document.id, Outbox.kind == "passed")):
        if row.state == "queued":
            row.state, row.last_error = "failed", "không gửi: văn bản đã bị cơ quan ban hành thu hồi"
        row.raw = b""


def _of(outcome: dict[str, Any], document: Document) -> bool:
    """Whether a mail's outcome is of this line, in a mail that carried its file: a duplicate of it (its year told since
    stop 40), or read with its number (held for another fault of the mail: red team 89)."""
    duplicate = (outcome.get("verdict") == "duplicate" and outcome.get("duplicate_of") == document.arrival_number
                 and outcome.get("duplicate_year") in (None, document.year))
    return duplicate or (bool(document.notation) and (outcome.get("document") or {}).get("number") == document.notation)


def _recaller(directory: Directory, senders: tuple[AgencyEntry, ...], document: Document | None) -> str:
    """Who recalls, by name: of a mailbox several agencies share (red team 78), the one that issued the document, else
    all of them."""
    issuer = directory.by_issuer(document.organ_name, document.organ_parent) if document and document.organ_name else None
    return issuer.name if issuer is not None and issuer.code in {a.code for a in senders} else ", ".join(a.name for a in senders)


# NĐ 30/2020 Phụ lục VI: the issuing agency recalls its document, through its official mailbox.
def issuer_mailbox(directory: Directory, document: Document, origin: Mail | None) -> str | None:
    """The mailbox that may recall a registered document: the directory's mailbox of its issuer (on
    the signature route the mail may have come from someone else, who may not recall it); for one
    registered on the official-mailbox route whose issuer the directory cannot name (unread), the
    official mailbox it came from. None: nobody may recall it by mail (the clerk does it by hand)."""
    issuer = directory.by_issuer(document.organ_name, document.organ_parent) if document.organ_name else None
    if issuer is not None:
        return issuer.mailbox.lower()
    if document.basis == "official-mailbox" and origin is not None:
        return origin.from_address.lower()
    return None


def _origin(session: Session, document: Document) -> Mail | None:
    return session.get(Mail, document.mail_id) if document.mail_id else None


def _issuers_copies(session: Session, document: Document, origin: Mail, issuer: str) -> list[Mail]:
    """The mails the issuer's mailbox sent, registering nothing, each of whose documents is this one: its own
    copies, which go with it (red team 27: the PDF and whole mail stayed, readable at the desk), sent before or
    after the registered one. A document of such a mail is this one when it was read with this one's number, date
    and summary (sent again, signed again, returned or held: red teams 28 and 29; a number and date alone took
    another document the issuer numbered the same, red team 30), or is held a duplicate of its number and carries
    its very file (its number alone is the year's: a copy of last year's document of that number went, red team
    29). Read the same is proof only from the issuer's proven mailbox: a held forgery reading the same stays for
    the clerk (red team 31); `review release` will not register a recalled document again. A mail also carrying
    another document is left whole (red team 28: a returned letter's record went with it), and so is a copy
    another agency sent, its own mail."""
    if document.arrival_number is None:
        return []
    unregistered = select(DocumentFile.mail_id).where(DocumentFile.role == "document", DocumentFile.document_id.is_(None))
    candidates = session.scalars(select(Mail).where(  # a copy held before the document came too (red team 30)
        Mail.id != origin.id, Mail.stored.is_(True), func.lower(Mail.from_address) == issuer.lower(),
        Mail.id.in_(unregistered))).all()
    same_pdf = set(session.scalars(select(DocumentFile.mail_id).where(
        DocumentFile.sha256 == document.pdf_sha256, DocumentFile.mail_id.in_([m.id for m in candidates])))
    ) if document.pdf_sha256 and candidates else set()

    read_as_this = (document.notation, document.issued_date, document.subject)

    def this_one(mail: Mail, outcome: dict[str, Any]) -> bool:
        read = outcome.get("document") or {}
        # reading the same counts from the proven mailbox only: a forger's mail is the clerk's to see (red team 31)
        proven = bool((outcome.get("sender") or {}).get("authenticated"))
        if proven and document.notation and (read.get("number"), read.get("date"), read.get("summary")) == read_as_this:
            return True
        return (outcome.get("verdict") == "duplicate" and outcome.get("duplicate_of") == document.arrival_number
                and mail.id in same_pdf)

    return [mail for mail in candidates if mail.outcome and all(this_one(mail, o) for o in mail.outcome)]


def _destroy(gateway: Opened, session: Session, document: Document, reason: str, issuer: str) -> None:
    """NĐ 30/2020 Phụ lục VI: the document and what came with it are destroyed; the line stays. What
    belongs to another document of the same mail stays, and so does any file another row refers to."""
    others = set(session.scalars(select(Document.id).where(
        Document.mail_id == document.mail_id, Document.id != document.id, Document.recalled.is_(False))).all()
    ) if document.mail_id else set()
    # locked after the lines (FOR NO KEY UPDATE: rows referring to it, as the reminders' answers do, wait for nothing),
    # read again: a clerk's decision on it waits, or is seen (red team 88)
    origin = session.get(Mail, document.mail_id, with_for_update={"key_share": True},
                         populate_existing=True) if document.mail_id else None
    # a mail held for the clerk's decision on its other documents stays whole but for this one's files: the release
    # reads it again (red team 87: the held document's PDF and the mail went, and it could never be released)
    held = origin is not None and origin.review == WAITING
    digests: list[str] = []
    for row in session.scalars(select(DocumentFile).where(DocumentFile.mail_id == document.mail_id)).all():
        if row.document_id in others or (held and row.document_id != document.id):
            continue
        digests.append(row.sha256)
        session.delete(row)
    if origin is not None:
        if not held:
            digests.append(origin.sha256)  # the original mail's bytes hold the document too
            origin.stored, origin.subject = False, None
        origin.outcome = [dict(o, document=None) if (not others and not held)
                          or o.get("incoming_number") == document.arrival_number else o for o in origin.outcome or []]
        for copy in _issuers_copies(session, document, origin, issuer):  # the issuer's own copies go with it
            for row in session.scalars(select(DocumentFile).where(DocumentFile.mail_id == copy.id)).all():
                digests.append(row.sha256)
                session.delete(row)
            digests.append(copy.sha256)
            copy.stored, copy.subject = False, None
            copy.outcome = [dict(o, document=None) for o in copy.outcome or []]
            if copy.review == "waiting":  # a held copy leaves the clerk's list: nothing of it is left to decide on
                copy.review = "discarded"
                audit.record(session, "review-discard", mail_id=copy.id, note="thu hồi theo thông báo của cơ quan ban hành")
    digests.extend(_out_of_held_mails(session, document, origin))
    _out_of_the_units_mails(session, document)
    document.recalled = True
    document.subject = document.signer_name = document.signer_position = None
    document.to_places = None
    # an unsigned document's own bytes, sent again, are the recalled document (red team 60): its hash kept as its signed one
    document.signed_sha256 = document.signed_sha256 or document.pdf_sha256
    document.pdf_sha256 = None
    when = datetime.now(gateway.config.tz).strftime("%Y-%m-%d %H:%M")
    document.description = f"Đã thu hồi theo thông báo của cơ quan ban hành ngày {when}" + (f": {reason}" if reason else "")
    destroy_after_commit(session, document.id, digests)  # never before the commit: a rollback keeps the document whole
