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
import logging
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Literal
from zoneinfo import ZoneInfo

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from gateway.app import Gateway
from gateway.decision import rules
from gateway.decision.issuers import may_be_one_issuer
from gateway.intake.analysis import Analysis
from gateway.intake.pipeline import IncomingMail, Intake, destroy_recalled, peer_document_id
from gateway.mail_budget import MailTookTooLong, budget
from gateway.model import Decision, MailFacts, MailOutcome, Particulars, Reply, WorkFailure
from gateway.reasons import error
from registry import audit, queries
from registry.closed_years import YearClosed, refuse_if_closed
from registry.numbering import hold_numbers_first
from registry.references import destroy_after_commit, hold_files
from registry.models import AuditEntry, Document, DocumentFile, Mail
from registry.queries import WAITING
from vntext import blank, fold, notation_key

log = logging.getLogger("qlvb.review")


# why a decision could not be made, for a page to say in its own words (the CLI prints the message)
ReviewProblem = Literal["no-such-mail", "not-waiting", "unanalysable", "nothing-to-register", "sender-unproven",
                        "sender-not-agency", "recalled", "registered", "secret", "year-closed", "unavailable", "no-reason"]


class ReviewError(Exception):
    """The mail is not there, not waiting for review, or the decision cannot be made on it."""

    def __init__(self, message: str, problem: ReviewProblem) -> None:
        super().__init__(message)
        self.problem = problem


@dataclass(frozen=True)
class HeldMail:
    """A mail as `review list` shows it: who sent it, when, and the codes of the reasons it is held."""

    id: int
    received_at: datetime  # in the agency's time zone
    sender: str  # its From, as written
    subject: str | None  # None for a secret document
    verdict: str
    review: str | None  # waiting, released, returned, discarded; None if it was never held
    reasons: tuple[str, ...]  # every document's reason codes, sorted, each once


@dataclass(frozen=True)
class MailFile:
    filename: str
    role: str  # document, appendix, draft, extra, refused
    sha256: str
    size: int


@dataclass(frozen=True)
class HistoryEntry:
    """One line of the audit log about the mail."""

    at: datetime  # in the agency's time zone
    actor: str
    action: str


@dataclass(frozen=True)
class HeldMailDetail:
    """A mail as `review show` shows it: the summary, what intake did with it, its files and history."""

    mail: HeldMail
    message_id: str
    sha256: str
    source: str
    outcome: MailOutcome
    files: tuple[MailFile, ...]
    history: tuple[HistoryEntry, ...]
    recalled: bool = False  # its document recalled by its issuer: its subject and original gone, not a secret one's


@dataclass(frozen=True)
class Released:
    """A document of a released mail, registered on the clerk's word."""

    mail_id: int
    incoming_number: int
    document: Particulars
    acknowledged_to: str | None  # nobody when nothing proves where an answer should go


def waiting(gateway: Gateway, limit: int | None = None) -> list[HeldMail]:
    """The mails held for the clerk, oldest first (the first `limit`)."""
    with gateway.register.session() as session:
        return [_held(m, gateway.config.tz) for m in queries.waiting_mails(session, limit=limit)]


def waiting_count(gateway: Gateway) -> int:
    with gateway.register.session() as session:
        return queries.waiting_count(session)


def show(gateway: Gateway, mail_id: int) -> HeldMailDetail:
    tz = gateway.config.tz
    with gateway.register.session() as session:
        mail = session.get(Mail, mail_id)
        if mail is None:
            raise ReviewError(f"{mail_id}: no such mail", "no-such-mail")
        return HeldMailDetail(
            _held(mail, tz), mail.message_id, mail.sha256, mail.source, MailOutcome.from_json(mail.outcome),
            tuple(_file(f) for f in queries.mail_files(session, mail_id)),
            tuple(_history(h, tz) for h in queries.mail_history(session, mail_id)),
            recalled=session.scalar(select(Document.id).where(Document.mail_id == mail_id, Document.recalled).limit(1))
            is not None)


def _held(mail: Mail, tz: ZoneInfo) -> HeldMail:
    reasons = sorted({r.code for o in MailOutcome.from_json(mail.outcome).documents for r in o.reasons})
    return HeldMail(mail.id, mail.received_at.astimezone(tz), mail.from_address, mail.subject, mail.verdict, mail.review,
                    tuple(reasons))


def _file(f: DocumentFile) -> MailFile:
    return MailFile(f.filename, f.role, f.sha256, f.size)


def _history(h: AuditEntry, tz: ZoneInfo) -> HistoryEntry:
    return HistoryEntry(h.at.astimezone(tz), h.actor, h.action)


def _waiting_mail(session: Session, mail_id: int) -> Mail:
    # locked (PostgreSQL; SQLite has one writer at a time): two clerks deciding at once, the second
    # waits and finds it decided (random Message-IDs no longer stop a second answer by themselves)
    mail = session.get(Mail, mail_id, with_for_update=True, populate_existing=True)
    if mail is None:
        raise ReviewError(f"{mail_id}: no such mail", "no-such-mail")
    if mail.review != WAITING:
        raise ReviewError(f"{mail_id}: not waiting for review (it is {mail.review or mail.verdict})", "not-waiting")
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
    return proven if proven and gateway.directory.of_mailbox(proven) else None


def _original(gateway: Gateway, mail: Mail) -> bytes | None:
    """The held mail's bytes, None if the content store has them not (a file lost to the disk or a hand):
    the clerk is told so, never shown a traceback (red team 28)."""
    try:
        return gateway.store.get(mail.sha256)
    except FileNotFoundError:
        return None


def _lost(gateway: Gateway, mail: Mail) -> ReviewError:
    return ReviewError(f"{mail.id}: its original is not in the content store ({gateway.store.path(mail.sha256)}); "
                       "return or discard it", "unanalysable")


# NĐ 30/2020 Phụ lục VI: a recalled document is not registered again from a copy the clerk held (red team 30).
def _recalled(session: Session, read: Particulars) -> Document | None:
    """The recalled document of the register this reading names: its number and date, its issuer if both are read.
    A document the issuer sends again corrected comes as a new mail, and is taken in as such."""
    if not read.number or read.number.startswith("/") or not read.date:
        return None
    for document in session.scalars(select(Document).where(
            Document.recalled.is_(True), Document.notation_key == notation_key(read.number),
            Document.issued_date == read.date)):
        # the issuer with its parent body: one province's "SỞ TƯ PHÁP" is not another's (red team 62)
        if not (read.issuer and document.organ_name) or (fold(read.issuer) == fold(document.organ_name) and may_be_one_issuer(
                read.issuer, read.issuer_parent, document.organ_name, document.organ_parent)):
            return document
    return None


def release(gateway: Gateway, intake: Intake, mail_id: int, actor: str) -> list[Released]:
    """Register the held mail's documents and acknowledge them where `acknowledgement_to` says."""
    with gateway.register.session() as session:
        mail = _waiting_mail(session, mail_id)
        raw = _original(gateway, mail)
    if raw is None:
        raise _lost(gateway, mail)
    # its files written to the store by the worker (not a secret one's): a mail held unread at intake has none there yet
    result = next(iter(intake.pool.map([raw], store=True)))
    _said_if_unavailable(mail_id, result)
    if isinstance(result, WorkFailure):
        raise ReviewError(f"{mail_id}: the mail cannot be analysed ({result.reason}); return or discard it", "unanalysable")
    facts = result.facts
    if rules.secret_mail(facts):  # held unread (its analysis failed at intake), read now: red team 48
        _forget_secret(gateway, intake, mail_id, actor, facts)
        raise ReviewError(f"{mail_id}: a document of it is marked secret: it is not registered from an e-mail, and its "
                          "files are destroyed (002 Đ16.7); return it to ask for it on paper, or discard it", "secret")
    try:
        with budget(gateway.config.limits.daemon_seconds_per_mail):
            _decided_first(gateway, intake, facts, mail.received_at.astimezone(gateway.config.tz), mail.delivered_at)
        with budget(gateway.config.limits.daemon_seconds_per_mail):  # each decision its own, as intake's one
            return _release(gateway, intake, mail_id, actor, result)
    except MailTookTooLong:
        raise ReviewError(f"{mail_id}: deciding on it took more than {gateway.config.limits.daemon_seconds_per_mail} s "
                          "(limits.daemon_seconds_per_mail); return or discard it", "unanalysable") from None
    finally:
        # what the worker wrote that no row refers to once the release is over, refused or not: a recalled document's
        # PDF or appendix it wrote again (red team 88: kept for good); the next release writes what it needs again
        _forget_unreferenced(gateway, intake, result.stored)


def _said_if_unavailable(mail_id: int, result: Analysis | WorkFailure) -> None:
    """The workers could not judge any mail (the store's disk full, the trust store unreadable, no worker started): the
    machine's failure, to try again later, never the mail's "return or discard it" (red team 93)."""
    if isinstance(result, WorkFailure) and result.infrastructure:
        raise ReviewError(f"{mail_id}: the gateway cannot analyse mail now ({result.reason}); try again later", "unavailable")


SECRET_FORGOTTEN = "review-secret-forgotten"


# 002 Đ16.7: nothing of a secret document is kept, whatever became of its mail.
def _forget_secret(gateway: Gateway, intake: Intake, mail_id: int, actor: str, facts: MailFacts) -> None:
    """A held mail found secret when read again: its original, its files and its subject gone from the register and
    the store (the desk's pictures of them too); the mail stays held for the clerk's return or discard."""
    with gateway.register.session() as session, session.begin():
        hold_files(session)
        mail = _waiting_mail(session, mail_id)
        files = list(session.scalars(select(DocumentFile.sha256).where(DocumentFile.mail_id == mail.id)))
        session.execute(delete(DocumentFile).where(DocumentFile.mail_id == mail.id))
        mail.stored, mail.subject = False, None
        destroy_after_commit(session, None, [mail.sha256, *files, *(a.sha256 for a in facts.attachments)])
        proven = facts.sender.address if facts.sender.authenticated else None  # for the clerk's return (red team 49)
        audit.record(session, SECRET_FORGOTTEN, actor=actor, mail_id=mail.id, proven_sender=proven)
    intake.destroy_recalled()


# NĐ 30/2020 Phụ lục VI: a recalled document is destroyed, in a held mail's bytes too once the clerk has decided on it.
def _forget_recalled(session: Session, mail: Mail, carries: bool = False) -> None:
    """A mail carrying a document its issuer recalled (`carries`: the caller found one in it), decided on: its bytes and
    subject go once the transaction commits, as a recall's do of a mail whose other documents are registered (red team
    88: a held mail discarded after its recall kept the recalled document for good, downloadable at the desk)."""
    if mail.stored and (carries or queries.carries_recalled(session, mail.id)):
        destroy_after_commit(session, None, [mail.sha256])
        mail.stored, mail.subject = False, None


def _forget_unreferenced(gateway: Gateway, intake: Intake, written: frozenset[str]) -> None:
    """Never the release's concern: what fails here is logged, the files left to the next release, recall or start."""
    if not written:
        return
    try:
        with gateway.register.session() as session, session.begin():
            destroy_after_commit(session, None, written)  # each only if no row refers to it then
    except Exception as exc:  # noqa: BLE001 - the release's own outcome (done, or its error) is what the clerk sees
        log.warning("the files a release read are not looked at for destruction (%s: %s)", type(exc).__name__, exc)
        return
    intake.destroy_recalled()


def _decided_first(gateway: Gateway, intake: Intake, facts: MailFacts, received: datetime,
                   delivered: datetime | None) -> None:
    """The decision made once before the register's writer lock is taken: a held mail may be one that held the
    daemon's main thread past its bound (quarantined for it), and the clerk's release, in the desk's thread or a
    command, is bounded only where a command runs it; deciding under the lock would have stopped every mailbox."""
    with gateway.register.reading() as session:
        intake.decide_on(session, facts, received, delivered)


def _release(gateway: Gateway, intake: Intake, mail_id: int, actor: str, analysis: Analysis) -> list[Released]:
    facts = analysis.facts
    now = datetime.now(timezone.utc)
    released: list[Released] = []
    with gateway.register.session() as session, session.begin():
        hold_files(session)
        seen = session.get(Mail, mail_id)
        if seen is None:
            raise ReviewError(f"{mail_id}: no such mail", "no-such-mail")
        received = seen.received_at.astimezone(gateway.config.tz)
        # the year's series held before the mail, as intake holds it before writing any mail (red team 87: a recall taken
        # in, holding the series, wrote the mail this release held and waited for the series: PostgreSQL killed one)
        hold_numbers_first(session, gateway.config.agency.code, [received.year])  # another clerk's release waited for
        mail = _waiting_mail(session, mail_id)
        _refuse_if_closed(session, gateway, mail_id, received.year)  # asked with the series held: see close_year
        decisions = intake.decide_on(session, facts, received, seen.delivered_at)
        files = _files_of(session, gateway, intake, mail, analysis, decisions)
        registered: list[Document] = []
        gone: list[Document] = []  # recalled by their issuers: never registered again
        for index, decision in enumerate(decisions):
            if decision.pdf is None:
                continue  # nothing to register in it
            earlier = intake.registered_as(session, decision.pdf, received)
            # its number and date, its very signed revision, or a copy of it (red team 54)
            recalled = _recalled(session, decision.particulars) or (earlier if earlier and earlier.recalled else None)
            if recalled is not None:  # the mail's other, new documents are released (red team 87), as beside a duplicate
                gone.append(recalled)
                continue
            if earlier is not None:  # NĐ 30/2020 Đ22: one document, one number (a newcomer: a second held copy got two);
                registered.append(earlier)  # the mail's other, new documents are released (red team 36)
                continue
            ack_to = acknowledgement_to(gateway, facts, decision.particulars)
            decision = dataclasses.replace(decision, verdict="accepted", basis="clerk",
                                           replies=[Reply("ack", ack_to)] if ack_to else [])
            document = intake.register_document(session, mail, decision, received, now, peer_document_id(facts), files)
            number, document_id = document.arrival_number, document.id
            intake.queue_answers(session, mail, facts, decision, number, 100 + index, document,
                                 mail.delivered_at, received)
            audit.record(session, "review-release", actor=actor, mail_id=mail.id, document_id=document_id,
                         incoming_number=number, acknowledged_to=ack_to)
            released.append(Released(mail.id, number, decision.particulars, ack_to))
        if not released and gone:
            raise ReviewError(f"{mail_id}: its document {gone[0].notation} of {gone[0].issued_date} was recalled by its "
                              f"issuer (incoming {gone[0].arrival_number}/{gone[0].year}); return or discard it", "recalled")
        if not released and registered:
            raise ReviewError(f"{mail_id}: its document {registered[0].notation or ''} is registered already (incoming "
                              f"{registered[0].arrival_number}/{registered[0].year}); discard it", "registered")
        if not released:
            raise ReviewError(f"{mail_id}: no document in it to register; return or discard it", "nothing-to-register")
        if registered:
            audit.record(session, "review-release-duplicates", actor=actor, mail_id=mail.id,
                         registered_as=[f"{d.arrival_number}/{d.year}" for d in registered])
        # as a recall does to a mail whose other documents are registered: they keep their files, its bytes go (red team
        # 89: a recall that took an appendix out of it, or a mail held unread, whose copy nothing had marked, kept them)
        _forget_recalled(session, mail, bool(intake.recalled_files(session, analysis.facts, decisions)))
        if gone:
            audit.record(session, "review-release-recalled", actor=actor, mail_id=mail.id,
                         recalled=[f"{d.arrival_number}/{d.year}" for d in gone])
        mail.review, mail.verdict = "released", "accepted"
    return released


# 000 Đ9.2.a: a closed year's register is printed, signed and closed; no number is added to it (red team 64).
def _refuse_if_closed(session: Session, gateway: Gateway, mail_id: int, year: int) -> None:
    try:
        refuse_if_closed(session, gateway.config.agency.code, year)
    except YearClosed as exc:
        raise ReviewError(f"{mail_id}: it was received in {year}, and {exc}; return or discard it", "year-closed") from None


def _files_of(session: Session, gateway: Gateway, intake: Intake, mail: Mail, analysis: Analysis,
              decisions: list[Decision]) -> list[DocumentFile]:
    """The mail's file rows; a mail held unread at intake (`processing-failed`: only its headers read) had none, and its
    files were in no store: they are checked there now, under `hold_files`, and recorded in the release's transaction as
    intake would have (red team 64: released, it was registered without its PDF, and passed on without it)."""
    files = list(session.scalars(select(DocumentFile).where(DocumentFile.mail_id == mail.id)))
    if files or not analysis.facts.attachments:
        return files
    raw = _original(gateway, mail)
    if raw is None:
        raise _lost(gateway, mail)
    # what the worker wrote, and what a recall destroyed since written again
    intake.store_files(IncomingMail(mail.source, raw), analysis.facts, analysis.stored)
    gone = intake.recalled_files(session, analysis.facts, decisions)  # what its issuer recalled: recorded nowhere
    return intake.record_files(session, mail.id, analysis.facts, decisions, gone)


def proven_sender(gateway: Gateway, intake: Intake, mail: Mail) -> str | None:
    """The mail's sender if something proved it: at intake (its stored outcome) or now, analysed
    again (a mail whose analysis failed at intake was never looked at for DKIM or SMTP AUTH)."""
    for outcome in MailOutcome.from_json(mail.outcome).documents:
        if outcome.sender.authenticated and outcome.sender.address:
            return outcome.sender.address
    raw = _original(gateway, mail) if mail.stored else None
    if raw is None:  # a secret mail's original destroyed at its release: what its proof said then
        with gateway.register.session() as session:
            forgotten = session.scalars(select(AuditEntry).where(
                AuditEntry.action == SECRET_FORGOTTEN, AuditEntry.mail_id == mail.id)).first()
        return forgotten.details.get("proven_sender") if forgotten is not None else None
    result = next(iter(intake.pool.map([raw])))
    _said_if_unavailable(mail.id, result)
    if isinstance(result, WorkFailure) or not result.facts.sender.authenticated:
        return None
    return result.facts.sender.address or None


def return_to_sender(gateway: Gateway, intake: Intake, mail_id: int, reason: str, actor: str) -> None:
    """Send the clerk's reason back to the sender, if proven and an agency of the directory; else
    refuse (ReviewError): the From of an unproven mail is whoever a forger names."""
    if blank(reason):  # the sender is told why (red team 110: a blank reason went out)
        raise ReviewError(f"{mail_id}: not returned: --reason says the sender why", "no-reason")
    with gateway.register.session() as session:
        held = _waiting_mail(session, mail_id)
    proven = proven_sender(gateway, intake, held)  # outside any transaction: the analysis takes a while
    to = _proven_agency(gateway, proven)
    if to is None:
        why = (f"nothing proves the sender {held.from_address or '(no From)'} (no DKIM, DMARC or SMTP AUTH for it)"
               if proven is None
               else f"the sender {proven} is not an agency mailbox in the directory")
        raise ReviewError(f"{mail_id}: not returned: {why}, so an answer could reach someone who never wrote; "
                          f"discard it instead (qlvb-gateway review discard {mail_id} --note ...)",
                          "sender-unproven" if proven is None else "sender-not-agency")
    with gateway.register.session() as session, session.begin():
        mail = _waiting_mail(session, mail_id)
        context = {"doc": Particulars(), "subject": mail.subject or "", "sender": mail.from_address, "issuer_name": None,
                   "incoming_number": None, "duplicate_of": None,
                   "year": mail.received_at.astimezone(gateway.config.tz).year,
                   "received_at": mail.received_at.astimezone(gateway.config.tz).isoformat(),
                   "delivered_at": mail.delivered_at.astimezone(gateway.config.tz).isoformat(), "basis_text": "",
                   "errors": [error("returned-by-clerk", reason)], "warnings": [], "verdict": "returned",
                   "secret": False, "secrecy": None, "mail_sha256": mail.sha256, "review_id": mail.id}
        intake.queue_reply(session, mail, "return", to, context, key=f"{mail.sha256}:review-return")
        mail.review, mail.verdict = "returned", "returned"
        audit.record(session, "review-return", actor=actor, mail_id=mail.id, reason=reason, returned_to=to)
        _forget_recalled(session, mail)
    intake.destroy_recalled()


def refile(gateway: Gateway, mail_id: int, to_key: str) -> bool:
    """Move the reviewed mail from the quarantine folder to its new verdict's folder, in whichever
    watched mailbox holds it (the daemon filed it there). A mailbox out of reach is left as it is:
    the register is what counts, the folder is the clerk's convenience."""
    from gateway.mailboxes import open_mailbox
    from qlvb_mailbox.imap import NETWORK_ERRORS

    with gateway.register.reading() as session:  # never the writer's lock: the decision is made (red team 89: a 500)
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
        _forget_recalled(session, mail)
    destroy_recalled(gateway)
