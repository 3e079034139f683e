"""The clerk's decisions on mails held for review (quarantined): release, return or discard.

A release registers the mail's documents with the next incoming numbers and acknowledges them, as if
intake had accepted them, on the clerk's word (basis `clerk`); a return sends the clerk's reason to
the sender; a discard only closes the case. Answers go only where something proves them right: an
acknowledgement to the issuer's directory mailbox (or to a proven sender that is an agency of the
directory), a return to a proven sender that is an agency of the directory, never to an unproven
From, which a forger writes as he likes. Each action is in the audit log with
who did it and when. The mail's original bytes come from the store, read again by the worker.
"""

from __future__ import annotations

import dataclasses
from datetime import datetime, timezone
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from gateway.app import Gateway
from gateway.intake.pipeline import Intake
from gateway.model import MailFacts, MailOutcome, Particulars, Reply
from gateway.reasons import error
from gateway.workers import WorkFailure
from registry import audit
from registry.models import AuditEntry, DocumentFile, Mail

WAITING = "waiting"


class ReviewError(Exception):
    """The mail is not there, or not waiting for review."""


def waiting(gateway: Gateway) -> list[dict[str, Any]]:
    with gateway.register.session() as session:
        rows = session.scalars(select(Mail).where(Mail.review == WAITING).order_by(Mail.id)).all()
        return [_summary(m, gateway) for m in rows]


def show(gateway: Gateway, mail_id: int) -> dict[str, Any]:
    with gateway.register.session() as session:
        mail = session.get(Mail, mail_id)
        if mail is None:
            raise ReviewError(f"{mail_id}: no such mail")
        files = session.scalars(select(DocumentFile).where(DocumentFile.mail_id == mail_id)).all()
        history = session.scalars(select(AuditEntry).where(AuditEntry.mail_id == mail_id).order_by(AuditEntry.id)).all()
        return {
            **_summary(mail, gateway), "message_id": mail.message_id, "sha256": mail.sha256, "source": mail.source,
            "outcome": mail.outcome,
            "files": [{"filename": f.filename, "role": f.role, "sha256": f.sha256, "size": f.size} for f in files],
            "history": [{"at": h.at.astimezone(gateway.config.tz).isoformat(), "actor": h.actor, "action": h.action}
                        for h in history],
        }


def _summary(mail: Mail, gateway: Gateway) -> dict[str, Any]:
    reasons = sorted({r.code for o in MailOutcome.from_json(mail.outcome).documents for r in o.reasons})
    return {"id": mail.id, "received_at": mail.received_at.astimezone(gateway.config.tz).isoformat(),
            "from": mail.from_address, "subject": mail.subject, "verdict": mail.verdict, "review": mail.review,
            "reasons": reasons}


def _waiting_mail(session: Session, mail_id: int) -> Mail:
    # locked (PostgreSQL; SQLite has one writer at a time): two clerks deciding at once, the second
    # waits and finds it decided (random Message-IDs no longer stop a second answer by themselves)
    mail = session.get(Mail, mail_id, with_for_update=True)
    if mail is None:
        raise ReviewError(f"{mail_id}: no such mail")
    if mail.review != WAITING:
        raise ReviewError(f"{mail_id}: not waiting for review (it is {mail.review or mail.verdict})")
    return mail


def acknowledgement_to(gateway: Gateway, facts: MailFacts, particulars: Particulars) -> str | None:
    """Who a released document's acknowledgement goes to: its issuer's directory mailbox; if the issuer
    is not known, the sender if proven and an agency of the directory; else nobody."""
    issuer = gateway.directory.by_issuer(particulars.issuer, particulars.issuer_parent) if particulars.issuer else None
    if issuer is not None:
        return issuer.mailbox
    return _proven_agency(gateway, facts.sender.address if facts.sender.authenticated else None)


def _proven_agency(gateway: Gateway, proven: str | None) -> str | None:
    """The proven sender's address if it is an agency's mailbox in the directory."""
    return proven if proven and gateway.directory.by_mailbox(proven) is not None else None


def release(gateway: Gateway, intake: Intake, mail_id: int, actor: str) -> list[dict[str, Any]]:
    """Register the held mail's documents and acknowledge them where `acknowledgement_to` says."""
    with gateway.register.session() as session:
        mail = _waiting_mail(session, mail_id)
        raw = gateway.store.get(mail.sha256)
    result = next(iter(intake.pool.map([raw])))
    if isinstance(result, WorkFailure):
        raise ReviewError(f"{mail_id}: the mail cannot be analysed ({result.reason}); return or discard it")
    facts = result.facts
    now = datetime.now(timezone.utc)
    released: list[dict[str, Any]] = []
    with gateway.register.session() as session, session.begin():
        mail = _waiting_mail(session, mail_id)
        received = mail.received_at.astimezone(gateway.config.tz)
        for index, decision in enumerate(intake.decide_on(session, facts)):
            if decision.pdf is None:
                continue  # nothing to register in it
            ack_to = acknowledgement_to(gateway, facts, decision.particulars)
            decision = dataclasses.replace(decision, verdict="accepted", basis="clerk",
                                           replies=[Reply("ack", ack_to)] if ack_to else [])
            number, document_id = intake.register_document(session, mail, decision, received, now)
            intake.queue_answers(session, mail, facts, decision, number, 100 + index, document_id,
                                 mail.delivered_at, received)
            audit.record(session, "review-release", actor=actor, mail_id=mail.id, document_id=document_id,
                         incoming_number=number, acknowledged_to=ack_to)
            released.append({"id": mail.id, "incoming_number": number, "document": decision.particulars.as_json(),
                             "acknowledged_to": ack_to})
        if not released:
            raise ReviewError(f"{mail_id}: no document in it to register; return or discard it")
        mail.review, mail.verdict = "released", "accepted"
    return released


def proven_sender(gateway: Gateway, intake: Intake, mail: Mail) -> str | None:
    """The mail's sender if something proved it: at intake (its stored outcome) or now, analysed
    again (a mail whose analysis failed at intake was never looked at for DKIM or SMTP AUTH)."""
    for outcome in MailOutcome.from_json(mail.outcome).documents:
        if outcome.sender.authenticated and outcome.sender.address:
            return outcome.sender.address
    if not mail.stored:
        return None
    result = next(iter(intake.pool.map([gateway.store.get(mail.sha256)])))
    if isinstance(result, WorkFailure) or not result.facts.sender.authenticated:
        return None
    return result.facts.sender.address or None


def return_to_sender(gateway: Gateway, intake: Intake, mail_id: int, reason: str, actor: str) -> None:
    """Send the clerk's reason back to the sender, if proven and an agency of the directory; else
    refuse (ReviewError): the From of an unproven mail is whoever a forger names."""
    with gateway.register.session() as session:
        held = _waiting_mail(session, mail_id)
    proven = proven_sender(gateway, intake, held)  # outside any transaction: the analysis takes a while
    to = _proven_agency(gateway, proven)
    if to is None:
        why = (f"nothing proves the sender {held.from_address or '(no From)'} (no DKIM, DMARC or SMTP AUTH for it)"
               if proven is None
               else f"the sender {proven} is not an agency mailbox in the directory")
        raise ReviewError(f"{mail_id}: not returned: {why}, so an answer could reach someone who never wrote; "
                          f"discard it instead (qlvb-gateway review discard {mail_id} --note ...)")
    with gateway.register.session() as session, session.begin():
        mail = _waiting_mail(session, mail_id)
        context = {"doc": Particulars(), "subject": mail.subject or "", "sender": mail.from_address, "issuer_name": None,
                   "incoming_number": None, "duplicate_of": None, "year": mail.received_at.year,
                   "received_at": mail.received_at.astimezone(gateway.config.tz).isoformat(),
                   "delivered_at": mail.delivered_at.astimezone(gateway.config.tz).isoformat(), "basis_text": "",
                   "errors": [error("returned-by-clerk", reason)], "warnings": [], "verdict": "returned",
                   "secret": False, "secrecy": None, "mail_sha256": mail.sha256, "review_id": mail.id}
        intake.queue_reply(session, mail, "return", to, context, key=f"{mail.sha256}:review-return")
        mail.review, mail.verdict = "returned", "returned"
        audit.record(session, "review-return", actor=actor, mail_id=mail.id, reason=reason, returned_to=to)


def refile(gateway: Gateway, mail_id: int, to_key: str) -> bool:
    """Move the reviewed mail from the quarantine folder to its new verdict's folder, in whichever
    watched mailbox holds it (the daemon filed it there). A mailbox out of reach is left as it is:
    the register is what counts, the folder is the clerk's convenience."""
    from gateway.mailboxes import open_mailbox
    from qlvb_mailbox.imap import NETWORK_ERRORS

    with gateway.register.session() as session:
        message_id = session.get_one(Mail, mail_id).message_id
    for source in gateway.config.mailboxes:
        mailbox = open_mailbox(source)
        try:
            mailbox.connect()
            if mailbox.refile(message_id, "quarantined", to_key):
                return True
        except NETWORK_ERRORS:
            continue
        finally:
            mailbox.close()
    return False


def discard(gateway: Gateway, mail_id: int, actor: str, note: str = "") -> None:
    """Close the case without an answer (a forgery, spam)."""
    with gateway.register.session() as session, session.begin():
        mail = _waiting_mail(session, mail_id)
        mail.review = "discarded"
        audit.record(session, "review-discard", actor=actor, mail_id=mail.id, note=note)
