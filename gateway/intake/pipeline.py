"""Intake, the imperative shell: analyse mails in workers, decide, and record each mail in one
transaction (register numbers, files, answers in the outbox, audit), or several mails in one
(`record_many`, the daemon's way: as if one after the other). Idempotent per mail: the same mail
(Message-ID and bytes) seen again changes nothing and sends nothing again. The files go into the
content store before the transaction (the worker writes them), never inside it."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, replace
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, object_session

from gateway.app import Gateway
from gateway.decision import rules
from gateway.decision.decide import DuplicateLookup, decide, held_for_closed_year
from gateway.decision.issuers import may_be_one_issuer
from gateway.exchange.processing import tell_sender
from gateway.exchange.recall import issuer_mailbox, receive_recall
from gateway.exchange.status import RECALL, WAITING
from gateway.exchange.tracking import (answered_recipient, answers_an_answer, follow_answer, follow_report,
                                       sent_by_us)
from gateway.guard import MAX_ATTEMPTS, Attempts, bare_facts, blame, fault_name, unrecorded_quarantine
from gateway.intake import alerts, mime
from gateway.intake.analysis import Analysis, headers_only
from gateway.intake.attachments import draft_owner
from gateway.mail_budget import budget
from gateway.mail_lock import one_process_at_a_time
from gateway.page_images import forget_pictures
from gateway.model import (
    Decision, DocumentOutcome, MailFacts, MailOutcome, Particulars, PdfFacts, Reading, Registered, Reply, SenderAuth,
    Whole, WorkersUnavailable,
)
from gateway.workers import WorkerPool, WorkFailure
from registry import audit
from registry.closed_years import closure
from registry.models import Document, DocumentFile, Mail
from registry.outbox import OutboxKind, enqueue
from registry.queries import RECALLED_INSIDE, WAITING as HELD
from registry.numbering import hold_numbers_first
from registry.references import destroy_after_commit, destroy_pending, destruction_due, hold_files
from registry.register_line import (
    Issue, RegisterLine, across_the_new_year, earliest_copy, earliest_same, issuer_key, of_another_date, recalled_of_number,
    register_incoming,
)

log = logging.getLogger("qlvb.intake")

BASIS_TEXT = {
    "signature": "chữ ký số hợp lệ (Điều 4 khoản 2 Quyết định 133/2015/QĐ-UBND)",
    "official-mailbox": "gửi từ hộp thư Văn thư của cơ quan ban hành (Điều 4 khoản 1 Quyết định 133/2015/QĐ-UBND)",
    "clerk": "Văn thư đã kiểm tra và tiếp nhận",
}


@dataclass(frozen=True)
class IncomingMail:
    source: str  # a file path, or mailbox and UID
    raw: bytes  # the mail, or only its beginning when `whole` says so
    delivered_at: datetime | None = None  # IMAP INTERNALDATE when known
    whole: Whole | None = None  # a mail too large to hold: already in the content store

    @property
    def sha256(self) -> str:
        return self.whole.sha256 if self.whole else mime.sha256(self.raw)


UNREAD_COPIER = "cơ quan sao (không đọc được)"


def _copy_note(reading: Reading) -> str:
    """A certified copy is registered as one, the copying agency named (NĐ 30/2020 Đ25)."""
    mark = reading.copy
    assert mark is not None
    number = f" số {mark.number}" if mark.number else ""
    return f"Bản {mark.form.lower()}{number} của {mark.copier or UNREAD_COPIER}"


# a mail ready to record: the mail, its facts, what the worker stored, delivered and received (local time)
_Prepared = tuple[IncomingMail, MailFacts, frozenset[str], datetime, datetime]


def destroy_recalled(gw: Gateway) -> None:
    """The files of the recalls committed, this process's or those of one that died before destroying
    them, destroyed (registry/references.py): after each recall's transaction, and at the start. Never
    the mail's concern nor the start's: what fails here is logged and tried again the next time."""
    try:
        with gw.register.session() as session, session.begin():
            done = destroy_pending(session, gw.store)
    except Exception as exc:
        log.warning("the files of recalled documents are not destroyed yet (%s: %s); tried again at the next "
                    "recall or start", type(exc).__name__, exc)
        return
    forget_pictures(gw.config.storage, done.destroyed)  # the desk's pictures of them too
    if done.destroyed:
        log.info("destroyed %d files of recalled documents", len(done.destroyed))
    for digest, why in done.failed:
        log.warning("a recalled document's file %s could not be destroyed (%s); tried again at the next recall or "
                    "start", gw.store.path(digest), why)


# NĐ 30/2020 Phụ lục VI: a recalled document is destroyed, its very file or signed revision arriving after its recall
# too; another letter read with its number, a certified copy among them (a forgery's evidence, perhaps), stays for the
# clerk (red team 31).
def _recalled_not_kept(session: Session, mail: Mail, gone: set[str]) -> None:
    """A mail carrying a document its issuer recalled (anyone may send the file again: red team 89, it was back in the
    store for good): its files destroyed once the transaction commits, the mail's bytes and subject with them, or, the
    mail held for the clerk's decision on its other documents, once the clerk has decided (`carries_recalled`)."""
    files = list(gone)
    if mail.review == HELD:
        audit.record(session, RECALLED_INSIDE, mail_id=mail.id)
    else:
        files.append(mail.sha256)
        mail.stored, mail.subject = False, None
    destroy_after_commit(session, None, files)  # each only if no row refers to it then


def _runs_ending_at_recalls(mails: list[_Prepared]) -> Iterator[list[_Prepared]]:
    """The mails in runs, each ending at a recall notice: a recall may destroy a file that a later mail
    carries too, which is then written again before that mail's transaction."""
    run: list[_Prepared] = []
    for mail in mails:
        run.append(mail)
        if _recall(mail[1]):
            yield run
            run = []
    if run:
        yield run


def _recall(facts: MailFacts) -> bool:
    """Whether the mail says it is a recall notice (whether it is one the recording decides)."""
    return facts.peer.get("x-qlvb-status") == RECALL


def peer_document_id(facts: MailFacts) -> str | None:
    """The document's name at a peer gateway, as a proven sender gives it (register_document decides
    whether that sender may name it)."""
    return facts.peer.get("x-qlvb-document-id") if facts.sender.authenticated else None


# NĐ 30/2020 Đ22.2: one series a year; a duplicate's answer names the earlier line's number with that line's year
# (red team 74: "số đến 1/2027" for a letter registered as 1/2026, another document's number).
def _year_of(decision: Decision, registered: Document | None, received: datetime) -> int:
    """The year of the incoming number an answer names: the new line's, or the earlier line's a duplicate repeats."""
    if registered is not None:
        return registered.year
    if decision.duplicate_of is not None and decision.duplicate_year is not None:
        return decision.duplicate_year
    return received.year


def _dated_after_receipt(decision: Decision, received_on: date) -> Decision:
    """The decision with `date-after-receipt` said where its document is dated after the day it reached us."""
    late = rules.dated_after_receipt(decision.pdf.reading if decision.pdf is not None else None, received_on)
    return replace(decision, reasons=[*decision.reasons, *late]) if late else decision


class Intake:
    def __init__(self, gateway: Gateway, pool: WorkerPool) -> None:
        self.gw = gateway
        self.pool = pool
        self.attempts = Attempts(gateway.register)

    # ---- reading the register -------------------------------------------------------------
    def _duplicate_lookup(self, session: Session, received: datetime) -> DuplicateLookup:

        def lookup(pdf: PdfFacts) -> Registered | None:
            row = self.registered_as(session, pdf, received)
            if row is None:
                return None
            same = row.signed_sha256 is not None and row.signed_sha256 in (pdf.signed_sha256, pdf.attachment.sha256)
            return Registered(row.arrival_number, row.recalled, same_file=same or row.pdf_sha256 == pdf.attachment.sha256,
                              year=row.year)

        return lookup

    def registered_as(self, session: Session, pdf: PdfFacts, received: datetime) -> Document | None:
        """The document of the register this one repeats (registry.register_line.earliest_same: the same file, signed
        revision, or issuer's number of the year; a recalled one if no other); also asked by a clerk's release, which
        must not number it twice. `received`: the mail's receive time (an undated document's year is its receipt's)."""
        issue = self._issue(pdf, received)
        found = earliest_same(session, self.gw.config.agency.code, pdf.attachment.sha256, issue,
                              signed_sha256=pdf.signed_sha256, copier=self._copier(pdf.reading),
                              same_issuer=self._same_agency(issue))
        if found is None and issue is not None and pdf.reading is not None and pdf.reading.copy is not None:
            # a copy of a recalled number (and date, when read), its issuer printed however it pleases, that may be the
            # recalled one's (red teams 60 and 62: printed off by a letter, or its date made unreadable)
            found = next((d for d in recalled_of_number(session, self.gw.config.agency.code, issue.notation, issue.date)
                          if d.organ_name and may_be_one_issuer(issue.issuer, issue.parent, d.organ_name, d.organ_parent)),
                         None)
        return found

    def _same_agency(self, issue: Issue | None) -> Callable[[Document], bool]:
        """Whether a registered document's issuer may be this issue's: not where the directory names two agencies apart
        (two communes' names folded alike: red team 67)."""
        def same(document: Document) -> bool:  # asked only of a line found by its issue (most mails find none)
            agency = self.gw.directory.by_issuer(issue.issuer, issue.parent) if issue is not None else None
            if agency is None:
                return True
            other = self.gw.directory.by_issuer(document.organ_name, document.organ_parent) if document.organ_name else None
            if other is None and document.basis == "official-mailbox" and document.mail_id is not None:
                # its issuer unread (printed or read without its marks): the agency whose mailbox sent it (red team 68)
                session = object_session(document)
                mail = session.get(Mail, document.mail_id) if session is not None else None
                senders = self.gw.directory.of_mailbox(mail.from_address or "") if mail is not None else ()
                return not senders or agency.code in {s.code for s in senders}  # shared: any of its agencies (red team 78)
            return other is None or other.code == agency.code
        return same

    def _copier(self, reading: Reading | None) -> str | None:
        """Who copied a certified copy (NĐ 30/2020 Đ25) as the register tells copiers apart, None for the issuer's own
        document: the directory's agency however its name is printed (its signature must be that agency's), else the
        name printed under the body above it, folded (red team 58: one province's "SỞ TÀI CHÍNH" was another's)."""
        if reading is None or reading.copy is None:
            return None
        mark = reading.copy
        agency = self.gw.directory.by_issuer(mark.copier, mark.copier_parent) if mark.copier else None
        return issuer_key(agency.name) if agency else issuer_key(mark.copier or UNREAD_COPIER, mark.copier_parent)

    def _issue(self, pdf: PdfFacts, received: datetime) -> Issue | None:
        """Which of its issuer's documents it is, None when its issuer or number is unread ("/UBND-VP")."""
        p = pdf.reading.particulars if pdf.reading else Particulars()
        if not (p.issuer and p.number and not p.number.startswith("/")):
            return None
        agency = self.gw.directory.by_issuer(p.issuer, p.issuer_parent)
        return Issue(p.issuer, p.issuer_parent, p.number, int(p.date[:4]) if p.date else self._receipt_year(received),
                     agency=agency.name if agency else None, date=p.date)

    # 000 Đ11.2, 002 Đ7.1.b: a document is received when it enters our system; an undated one's year is its receipt's,
    # never the processing clock's (red team 74: read after New Year, a December scan was another year's, numbered again)
    def _receipt_year(self, received: datetime) -> int:
        return received.astimezone(self.gw.config.tz).year

    def _copy_before(self, session: Session, issue: Issue | None, copier: str | None) -> str | None:
        """The issuer's own document, or another copier's copy, registered after a certified copy of its number: the
        clerk compares them."""
        earlier = earliest_copy(session, self.gw.config.agency.code, issue, besides=copier) if issue is not None else None
        return f"Đã nhận trước bản sao của văn bản này (số đến {earlier.arrival_number}): đối chiếu nội dung" if earlier else None

    def _across_the_year(self, session: Session, issue: Issue | None, received: datetime) -> str | None:
        """The issuer's line of this number across the turn of the year when a date is unread (an undated one received in
        January, or one dated in December): the clerk compares them (red team 65)."""
        local = received.astimezone(self.gw.config.tz)
        if issue is None or (local.month != 1 if issue.date is None
                             else issue.date[5:7] != "12" or local.year <= int(issue.date[:4])):
            return None  # nothing to ask the register (a December letter received in December: no January after it yet)
        other = across_the_new_year(session, self.gw.config.agency.code, issue, self.gw.config.tz)
        return (f"Cùng cơ quan ban hành, số, ký hiệu với văn bản số đến {other.arrival_number}/{other.year}, ngày của một "
                "trong hai chưa đọc được: đối chiếu, có thể là một văn bản") if other else None

    # NĐ 30/2020 Phụ lục VI: a number and issuer registered before is told to the clerk, even where the dates make two
    # documents of them (red team 74).
    def _another_date(self, session: Session, issue: Issue | None) -> str | None:
        """The issuer's line of this number and printed year dated otherwise: the clerk compares them."""
        other = of_another_date(session, self.gw.config.agency.code, issue) if issue is not None else None
        if other is None or other.issued_date is None:
            return None
        return (f"Cùng cơ quan ban hành, số, ký hiệu với văn bản số đến {other.arrival_number}/{other.year} (ngày "
                f"{date.fromisoformat(other.issued_date):%d/%m/%Y}), khác ngày ban hành: đối chiếu, có thể ghi nhầm năm")

    def _name_the_earlier(self, session: Session, mail: Mail, decision: Decision, facts: MailFacts,
                          received: datetime) -> None:
        """A duplicate from the mailbox that may recall the document gives the earlier registration the name its
        issuer's gateway knows it by, if it has none: a copy that came first from someone else (a co-recipient
        forwarding the signed file) left it nameless, and the issuer's own recall was answered "never received"
        (red team 12)."""
        name = peer_document_id(facts)
        earlier = self.registered_as(session, decision.pdf, received) if name and decision.pdf else None
        if earlier is None or earlier.peer_document_id or earlier.recalled:
            return
        origin = session.get(Mail, earlier.mail_id) if earlier.mail_id else None
        if issuer_mailbox(self.gw.directory, earlier, origin) == (mail.from_address or "").lower():
            earlier.peer_document_id = name

    # ---- the pipeline ---------------------------------------------------------------------
    def process(self, mails: Iterable[IncomingMail], *, record: bool) -> Iterator[MailOutcome]:
        """One outcome per mail, in the order the mails came."""
        items = list(mails) if not isinstance(mails, list) else mails
        analysed = self.pool.map_delivered(((m.raw, m.delivered_at, m.whole) for m in items), store=record)
        for item, result in zip(items, analysed, strict=True):
            yield self.handle(item, result, record=record)

    def handle(self, item: IncomingMail, result: Analysis | WorkFailure, *, record: bool) -> MailOutcome:
        """Every step of one mail in the main process, under the guard (gateway/guard.py): an error of
        the mail's own quarantines it (`processing-failed`, the exception's class); the
        infrastructure's goes up to the caller, the mail untouched and its attempt not counted."""
        if not record:
            try:
                return self._handle(item, result, record=False)
            except Exception as exc:
                if blame(exc) == "infrastructure":
                    raise
                log.warning("%s: %s; quarantined", item.source, fault_name(exc), exc_info=True)
                return self.quarantine(item, fault_name(exc), record=False)
        with one_process_at_a_time(Path(self.gw.config.storage), item.sha256):  # another's live steps no crash's
            return self._counted(item, result)

    def _counted(self, item: IncomingMail, result: Analysis | WorkFailure) -> MailOutcome:
        digest = item.sha256
        count = self.attempts.begin([digest])[digest]  # committed before the mail's steps
        if count > MAX_ATTEMPTS:
            last = self.attempts.last_error(digest) or "tiến trình dừng giữa chừng"
            log.error("%s: begun %d times without being finished (%s); quarantined", item.source, count - 1, last)
            outcome = self.quarantine(item, f"{count - 1} lần xử lý không xong: {last}", record=True, read=False)
        else:
            try:
                outcome = self._handle(item, result, record=True)
            except Exception as exc:
                if blame(exc) == "infrastructure":
                    self.attempts.give_back([digest])
                    raise
                self.attempts.failed(digest, fault_name(exc))
                log.warning("%s: %s; quarantined", item.source, fault_name(exc), exc_info=True)
                outcome = self.quarantine(item, fault_name(exc), record=True)
        self.attempts.clear([digest])
        return outcome

    def quarantine(self, item: IncomingMail, problem: str, *, record: bool, read: bool = True) -> MailOutcome:
        """The mail held for the clerk as `processing-failed`, from what its headers say (never an
        automatic mail or an answer here: those steps may be what failed), else from its bytes alone;
        the original kept, the clerk alerted. Should even that fail, it is only filed into quarantine.
        `read`: False when the process died on the mail: nothing of it is read, its headers may be what stopped it
        (red team 24: a stall they led to killed the process at every start, the attempts table's quarantine too)."""
        bare = bare_facts(item.raw, problem, whole=item.whole)

        def from_headers() -> MailFacts:
            return replace(headers_only(item.raw, problem, whole=item.whole), auto_submitted=None, peer={},
                           in_reply_to=None, references=[])

        for known_facts in ((from_headers, lambda: bare) if read else (lambda: bare,)):
            try:
                delivered = (item.delivered_at or datetime.now(timezone.utc)).astimezone(self.gw.config.tz)
                received = self.gw.calendar.received_at(delivered)
                with self._budget():
                    known = known_facts()
                if record:
                    return self._record(item, known, frozenset(), delivered, received)
                with self.gw.register.session() as session, self._budget():
                    decisions = self.decide_on(session, known, received, delivered)
                return MailOutcome(tuple(self._outcome(item, known, d, None, None, delivered, received) for d in decisions))
            except Exception as exc:
                if blame(exc) == "infrastructure":
                    raise
                log.error("%s: quarantining it failed too (%s)", item.source, fault_name(exc), exc_info=True)
        now = datetime.now(timezone.utc).astimezone(self.gw.config.tz)
        return MailOutcome((self._outcome(item, bare, unrecorded_quarantine(problem), None, None, now, now),))

    def _budget(self) -> AbstractContextManager[None]:
        """What one mail may take of this process's main thread (gateway/mail_budget.py)."""
        return budget(self.gw.config.limits.daemon_seconds_per_mail)

    def _facts(self, item: IncomingMail, result: Analysis | WorkFailure) -> tuple[MailFacts, frozenset[str]]:
        """What the worker found; of a mail whose analysis failed, what its headers say, read here in the main
        process under the mail's budget (red team 25: a stall there held the process for ever)."""
        if isinstance(result, Analysis):
            return result.facts, result.stored
        if result.infrastructure:  # the workers cannot judge any mail: this one is left untouched, tried again later
            raise WorkersUnavailable(result.reason)
        with self._budget():
            return headers_only(item.raw, f"{result.reason}", whole=item.whole), frozenset()

    def _handle(self, item: IncomingMail, result: Analysis | WorkFailure, *, record: bool) -> MailOutcome:
        facts, stored = self._facts(item, result)
        delivered = self._delivered(item, facts)
        received = self.gw.calendar.received_at(delivered)
        if not record:
            with self.gw.register.session() as session, self._budget():
                if (seen := self._seen(session, facts, item.source)) is not None:
                    return seen  # what `ingest` would say of it: recorded before, nothing done again (a newcomer, stop 50)
                decisions = self.decide_on(session, facts, received, delivered)
            return MailOutcome(tuple(self._outcome(item, facts, d, None, None, delivered, received) for d in decisions))
        try:
            return self._record(item, facts, stored, delivered, received)
        except IntegrityError:
            # another gateway recorded the same mail at the same moment
            with self.gw.register.session() as session:
                seen = self._seen(session, facts, item.source)
            if seen is None:
                raise
            return seen

    def decide_on(self, session: Session, facts: MailFacts, received: datetime | None = None,
                  delivered: datetime | None = None) -> list[Decision]:
        """The decisions on a mail's documents, against the register as the session sees it; `received`: the mail's
        receive time (None: a mail looked at now), `delivered`: when it reached us (None: `received`), moved to office
        hours for the first, never for the second."""
        received = received or datetime.now(timezone.utc).astimezone(self.gw.config.tz)
        # an answer to one of our answers carrying no file at all: an autoresponder's (red team 97); a person's reply with
        # a file, even no PDF, is judged (red team 99: a .docx sent back vanished, nobody told)
        answers_ours = answered_recipient(session, facts) is not None or (
            not facts.attachments and answers_an_answer(session, facts))
        decisions = decide(
            facts, self.gw.us, self.gw.directory, self.gw.config.clerk_addresses,
            self.gw.config.notify.urgent, self._duplicate_lookup(session, received), answers_ours=answers_ours,
            # looked up only for what may be an answer (most mails are none: two queries a mail saved)
            sent_back=bool(facts.pdfs) and (answers_ours or "x-qlvb-status" in facts.peer) and sent_by_us(
                session, self.gw.config.agency.code, {p.attachment.sha256 for p in facts.pdfs}),
        )
        # the day it reached us, not the office hours it is moved to (red team 109: dated 2 January, delivered on the
        # evening of 31 December, it was "received" on 2 January and said nothing)
        reached = (delivered or received).astimezone(self.gw.config.tz).date()
        decisions = [_dated_after_receipt(d, reached) for d in decisions]
        return self._held_if_closed(session, decisions, self._receipt_year(received))

    # 000 Đ9.2.a: a closed year's register takes no more numbers (asked with its series held: see close_year).
    def _held_if_closed(self, session: Session, decisions: list[Decision], year: int) -> list[Decision]:
        """The decisions, those that would number a document in a closed year held for the clerk (`year-closed`)."""
        if not any(d.verdict == "accepted" for d in decisions) or closure(session, self.gw.config.agency.code, year) is None:
            return decisions
        return [held_for_closed_year(d, year, self.gw.config.clerk_addresses) for d in decisions]

    def _seen(self, session: Session, facts: MailFacts, source: str) -> MailOutcome | None:
        """What became of this mail when the register first had it, told of `source`, the file or mailbox it came from now."""
        row = session.scalars(
            select(Mail).where(Mail.message_id == facts.message_id, Mail.sha256 == facts.sha256)
        ).first()
        if row is None:
            return None
        return MailOutcome(tuple(replace(d, file=source, replies=(), already_processed=True)
                                 for d in MailOutcome.from_json(row.outcome).documents))

    def _unstored_again(self, session: Session, facts: MailFacts) -> None:
        """A mail seen before whose files the register no longer keeps (its document recalled): what its
        analysis wrote to the store again is destroyed once this transaction commits (red team 27: read
        again from its folder, a recalled document came back into the store for good)."""
        stored = session.scalar(select(Mail.stored).where(Mail.message_id == facts.message_id, Mail.sha256 == facts.sha256))
        if stored is not False:
            return
        written = [d for d in (facts.sha256, *(a.sha256 for a in facts.attachments)) if self.gw.store.has(d)]
        if written:  # a secret mail's analysis writes nothing: no entry for it
            destroy_after_commit(session, None, written)

    def _present(self, session: Session, run: Sequence[MailFacts]) -> set[tuple[str, str]]:
        """Which of these mails the register holds already (Message-ID and hash), asked once for a run."""
        ids = list({facts.message_id for facts in run})
        if not ids:
            return set()
        rows = session.execute(select(Mail.message_id, Mail.sha256).where(Mail.message_id.in_(ids)))
        return {(message_id, sha256) for message_id, sha256 in rows}

    def record_many(self, mails: list[tuple[IncomingMail, Analysis | WorkFailure]]) -> list[MailOutcome]:
        """Several analysed mails recorded in one transaction, in their order: numbers, duplicates and
        answers as if recorded one after the other, one commit for all. Their files are stored first.
        Should the transaction fail (another gateway recording one of them, a value the database
        refuses), nothing of it stays and each mail is recorded on its own, as `handle` does."""
        digests = [result.facts.sha256 if isinstance(result, Analysis) else item.sha256  # the worker's hash
                   for item, result in mails]
        if self.attempts.begin_batch(digests):  # begun before, never finished: each on its own, counted
            return [self.handle(item, result, record=True) for item, result in mails]
        outputs: list[MailOutcome] = []
        try:
            prepared = [self._prepared(item, result) for item, result in mails]
            for run in _runs_ending_at_recalls(prepared):
                for item, facts, stored, _, _ in run:
                    if not rules.secret_mail(facts):
                        self.store_files(item, facts, stored)  # before the transaction (as _record does)
                now = datetime.now(timezone.utc)
                with self.gw.register.session() as session, session.begin():
                    hold_files(session)
                    hold_numbers_first(session, self.gw.config.agency.code, [received.year for *_, received in run])
                    present = self._present(session, [facts for _, facts, _, _, _ in run])
                    recorded = [self._record_in_budget(session, item, facts, stored, delivered, received, now, present)
                                for item, facts, stored, delivered, received in run]
                outputs.extend(recorded)
                if destruction_due(session):
                    self.destroy_recalled()
        except Exception as exc:  # rolled back: one at a time, each under handle's own care
            log.warning("%d mails in one transaction failed (%s: %s); recording them one by one",
                        len(mails) - len(outputs), type(exc).__name__, str(exc)[:200])
            outputs.extend(self.handle(item, result, record=True) for item, result in mails[len(outputs):])
        self.attempts.clear(digests)
        return outputs

    def _prepared(self, item: IncomingMail, result: Analysis | WorkFailure) -> _Prepared:
        if isinstance(result, WorkFailure):  # the operator reads why (the clerk reads it in the quarantine)
            log.warning("%s: analysis failed (%s); %s", item.source, result.reason,
                        "left for later" if result.infrastructure else "quarantined")
        facts, stored = self._facts(item, result)
        delivered = self._delivered(item, facts)
        return item, facts, stored, delivered, self.gw.calendar.received_at(delivered)

    def _delivered(self, item: IncomingMail, facts: MailFacts) -> datetime:
        """When the mail reached us: the server's word (INTERNALDATE, the file's time), else its topmost Received, else
        now; never later than now (red team 40: a file's "Date: 2999" opened the register of 2999, acknowledged). The
        sender's Date is the sender's word only, never the receipt (red team 107: a file's "Date: 2020" given to `ingest`
        was numbered 1 of a register of 2020, which may be closed; red team 109: one of 2 January this year was registered
        as received then, numbered after every letter received since)."""
        now = datetime.now(timezone.utc)
        return min(item.delivered_at or facts.received_top or now, now).astimezone(self.gw.config.tz)

    def store_files(self, item: IncomingMail, facts: MailFacts, stored: frozenset[str]) -> None:
        """The original and its files in the content store. The worker wrote them; what it did not (a
        failed analysis, a file a recall destroyed since) is written here, files taken from the original again."""
        store = self.gw.store
        if item.whole is None and (facts.sha256 not in stored or not store.has(facts.sha256)):  # a whole one: stored already
            store.put(item.raw, facts.sha256)
        missing = {a.sha256 for a in facts.attachments if a.sha256 not in stored or not store.has(a.sha256)}
        if missing:
            with self._budget():  # the whole mail parsed again, here
                parts = mime.parts(mime.parse_message(item.raw))
            for part in parts:
                digest = mime.sha256(part.data)
                if digest in missing:
                    store.put(part.data, digest)
                    missing.discard(digest)

    def _record(
        self, item: IncomingMail, facts: MailFacts, stored: frozenset[str], delivered: datetime, received: datetime,
    ) -> MailOutcome:
        if not rules.secret_mail(facts):  # 002 Đ16.7: nothing of a secret document is written anywhere
            self.store_files(item, facts, stored)  # before the transaction, never inside it
        with self.gw.register.session() as session, session.begin():
            hold_files(session)
            hold_numbers_first(session, self.gw.config.agency.code, [received.year])
            outcome = self._record_in_budget(session, item, facts, stored, delivered, received, datetime.now(timezone.utc))
        if destruction_due(session):
            self.destroy_recalled()
        return outcome

    def destroy_recalled(self) -> None:
        destroy_recalled(self.gw)

    def _record_in_budget(
        self, session: Session, item: IncomingMail, facts: MailFacts, stored: frozenset[str], delivered: datetime,
        received: datetime, now: datetime, present: set[tuple[str, str]] | None = None,
    ) -> MailOutcome:
        """`_record_in` bounded: a mail may take the daemon process so much CPU (gateway/mail_budget.py)."""
        with self._budget():
            return self._record_in(session, item, facts, stored, delivered, received, now, present)

    def _record_in(
        self, session: Session, item: IncomingMail, facts: MailFacts, stored: frozenset[str], delivered: datetime,
        received: datetime, now: datetime, present: set[tuple[str, str]] | None = None,
    ) -> MailOutcome:
        """One mail recorded in the caller's transaction. `present`: the mails of the caller's run the
        register held when it began (`_present`), this one added once recorded (a copy later in the run
        is looked for as it would be alone); None: looked for here."""
        outcomes: list[DocumentOutcome] = []
        # decided inside the write transaction: duplicates and numbers see one state of the register
        key = (facts.message_id, facts.sha256)
        if present is None or key in present:
            seen = self._seen(session, facts, item.source)
            if seen is not None:
                self._unstored_again(session, facts)
                return seen
        if present is not None:
            present.add(key)
        decisions = self.decide_on(session, facts, received, delivered)
        secret = any(d.secret for d in decisions) or rules.secret_mail(facts)  # judged or not (a report's)
        if not secret:  # stored before the transaction
            self.store_files(item, facts, stored)  # and another process's recall may have destroyed a file since
        mail = Mail(
            message_id=facts.message_id, sha256=facts.sha256, size=facts.size,
            from_address=facts.from_address, subject=None if secret else facts.subject,
            delivered_at=delivered, received_at=received, verdict=decisions[0].verdict,
            stored=not secret and (item.whole is None or item.whole.kept), source=item.source, outcome=[],
            review="waiting" if any(d.verdict == "quarantined" for d in decisions) and not secret else None,
            created_at=now,
        )
        session.add(mail)
        session.flush()
        gone = self.recalled_files(session, facts, decisions)
        files = self.record_files(session, mail.id, facts, decisions, gone) if not secret else []
        if gone:
            _recalled_not_kept(session, mail, gone)
        recalled = [d.pdf is not None and d.pdf.attachment.sha256 in gone for d in decisions]
        for index, decision in enumerate(decisions):
            document = (self.register_document(session, mail, decision, received, now, peer_document_id(facts), files=files)
                        if decision.verdict == "accepted" else None)
            if decision.verdict == "duplicate":
                self._name_the_earlier(session, mail, decision, facts, received)
            number, document_id = (document.arrival_number, document.id) if document else (None, None)
            queued = self.queue_answers(session, mail, facts, decision, number, index, document, delivered, received)
            outcome = replace(self._outcome(item, facts, decision, number, mail.id, delivered, received), replies=queued)
            audit.record(
                session, f"intake-{decision.verdict}", mail_id=mail.id, document_id=document_id,
                message_id=facts.message_id, sha256=facts.sha256, sender=facts.from_address,
                incoming_number=number, reasons=[r.code for r in decision.reasons],
            )
            outcomes.append(outcome)
        # a recalled document's particulars kept nowhere, as its recall took them out of its line (red team 89)
        mail.outcome = [dict(o, document=None) if r else o for o, r in zip(MailOutcome(tuple(outcomes)).as_json(), recalled,
                                                                              strict=True)]
        if decisions[0].verdict == "ignored":
            self._match_delivery_report(session, facts, mail)
        if decisions[0].verdict == "ignored" or any(r.code == "answer-with-files" for r in decisions[0].reasons):
            self._follow(session, facts, mail)  # an answer held for its files followed all the same
        return MailOutcome(tuple(outcomes))

    def _follow(self, session: Session, facts: MailFacts, mail: Mail) -> None:
        """An answer about a document we sent, or a recall of one we received."""
        recipient = answered_recipient(session, facts)
        if recipient is not None:
            follow_answer(session, facts, recipient, mail.id)
        elif _recall(facts):
            receive_recall(self.gw, self.queue_reply, session, facts, mail)

    def _match_delivery_report(self, session: Session, facts: MailFacts, mail: Mail) -> None:
        """A delivery report about a mail we sent (gateway/exchange/tracking.py believes it or not), as
        the worker read it: the mail is never parsed again here, in the recording transaction (a report
        of four million parts held the register locked for two minutes and took 1.5 GB)."""
        if facts.report is not None:
            follow_report(session, facts.report, self.gw.writer, mail.id)

    def recalled_files(self, session: Session, facts: MailFacts, decisions: list[Decision]) -> set[str]:
        """The mail's files that are a document its issuer recalled, its very file or signed revision, whatever else was
        found wrong with the mail and whatever part it plays in it (red team 90: an error beside it, or read as another
        document's appendix, let it back in), or inside it, wrapped in a later signature (red team 105): kept nowhere. A
        letter only read with a recalled number, a certified copy among them, stays whole for the clerk (red team 31)."""
        pdfs = [p for d in decisions for p in ((d.pdf,) if d.pdf else ()) + tuple(d.appendices)]
        ways = {a.sha256: {a.sha256} for a in facts.attachments}
        for pdf in pdfs:
            ways.setdefault(pdf.attachment.sha256, set()).update(
                {*pdf.signed_revisions, *((pdf.signed_sha256,) if pdf.signed_sha256 else ())})  # each signed revision
        wanted = set().union(*ways.values()) if ways else set()
        if not wanted:
            return set()
        recalled = set(session.scalars(select(Document.signed_sha256).where(
            Document.agency_code == self.gw.config.agency.code, Document.recalled.is_(True),
            Document.signed_sha256.in_(wanted))))
        return {sha for sha, hashes in ways.items() if hashes & recalled}

    def record_files(self, session: Session, mail_id: int, facts: MailFacts, decisions: list[Decision],
                     gone: set[str] | frozenset[str] = frozenset()) -> list[DocumentFile]:
        """The mail's files as rows of the register, each with its role (the caller has them in the store), but those
        `gone` (`recalled_files`)."""
        roles: dict[str, str] = {}
        for d in decisions:
            if d.pdf is not None:
                roles[d.pdf.attachment.sha256] = "document"
            for appendix in d.appendices:
                roles.setdefault(appendix.attachment.sha256, "appendix")
        files = [DocumentFile(mail_id=mail_id, document_id=None, sha256=a.sha256, filename=a.filename or "",
                              content_type=a.content_type, size=a.size,
                              role=roles.get(a.sha256) or {"draft": "draft", "refused": "refused"}.get(a.kind, "extra"))
                 for a in facts.attachments if a.sha256 not in gone]  # a recalled document's file is kept nowhere
        session.add_all(files)
        return files

    def register_document(self, session: Session, mail: Mail, decision: Decision, received: datetime,
                          now: datetime, peer_document_id: str | None = None,
                          files: Sequence[DocumentFile] | None = None) -> Document:
        """Give the document the next incoming number and write its register line: its row (the caller holds
        it: the session keeps a row only while someone does, and reading it back cost a query).
        `peer_document_id`: what a peer gateway calls it (its X-QLVB-Document-Id), for its recall and for
        the processing status it is told: kept only when the mail came from the mailbox that may recall
        the document (recall.issuer_mailbox; a replay under the issuer's next name, names being
        consecutive, made the issuer's recall destroy the wrong document). `files`: the mail's files,
        when the caller has just written them (else read from the register)."""
        p = decision.particulars
        reading = decision.pdf.reading if decision.pdf else None
        issue, copier = (self._issue(decision.pdf, received) if decision.pdf else None), self._copier(reading)  # asked once
        document = register_incoming(session, self.gw.config.agency.code, RegisterLine(
            medium="electronic", basis=decision.basis, received_at=received,
            issuer=p.issuer or decision.issuer_from_certificate, notation=p.number, subject=p.summary,
            issued_date=p.date, type_name=p.type, signer_name=p.signer,
            signer_position=", ".join(p.signer_title) or None, issuer_parent=p.issuer_parent, priority=p.urgency,
            to_places=reading.recipients.as_json() if reading else None, page_amount=reading.pages if reading else None,
            description="; ".join(n for n in (_copy_note(reading) if reading and reading.copy else None,
                                               self._copy_before(session, issue, copier),
                                               self._across_the_year(session, issue, received),
                                               self._another_date(session, issue)) if n) or None,
            copier=copier,
            pdf_sha256=decision.pdf.attachment.sha256 if decision.pdf else None, mail_id=mail.id,
            signed_sha256=decision.pdf.signed_sha256 if decision.pdf else None,
            agency=issue.agency if issue else None,
        ), now)
        if peer_document_id and issuer_mailbox(self.gw.directory, document, mail) == (mail.from_address or "").lower():
            document.peer_document_id = peer_document_id
        linked = {decision.pdf.attachment.sha256} if decision.pdf else set()
        linked |= {a.attachment.sha256 for a in decision.appendices}
        if files is None:
            files = list(session.scalars(select(DocumentFile).where(DocumentFile.mail_id == mail.id)))
        documents = [row for row in files if row.role == "document"]
        this = next((i for i, row in enumerate(documents) if decision.pdf and row.sha256 == decision.pdf.attachment.sha256),
                    None)
        for row in files:
            if row.sha256 in linked or (row.role == "draft" and this is not None
                                        and draft_owner(row.filename, [d.filename for d in documents]) == this):
                row.document_id = document.id
        return document

    def queue_answers(
        self, session: Session, mail: Mail, facts: MailFacts, decision: Decision, incoming_number: int | None,
        index: int, registered: Document | None, delivered: datetime, received: datetime,
    ) -> tuple[Reply, ...]:
        """Queue the decision's answers (acknowledgement, return, alerts) in the outbox: those queued
        (an alert held back is not one)."""
        p = decision.particulars
        issuer = self.gw.directory.by_issuer(p.issuer, p.issuer_parent) if p.issuer else None
        number = incoming_number or decision.duplicate_of
        context: dict[str, Any] = {
            "doc": p if not decision.secret else Particulars(secrecy=p.secrecy),
            "subject": facts.subject if not decision.secret else "",
            "sender": facts.from_address,
            "issuer_name": issuer.name if issuer else None,
            "incoming_number": number,
            "duplicate_of": decision.duplicate_of,
            "year": _year_of(decision, registered, received),
            "received_at": received.isoformat(),
            "delivered_at": delivered.isoformat(),
            "basis_text": BASIS_TEXT.get(decision.basis or "", ""),
            "errors": [r for r in decision.reasons if r.severity == "error"],
            "warnings": [r for r in decision.reasons if r.severity == "warning"],
            "verdict": decision.verdict,
            "secret": decision.secret,
            "secrecy": p.secrecy,
            "mail_sha256": facts.sha256,
            "review_id": mail.id,
        }
        queued: list[Reply] = []
        for reply in decision.replies:
            held_before = alerts.admit(session, mail, decision, reply.to) if reply.kind == "alert" else 0
            if held_before is None:
                continue  # an alert about this sender went less than an hour ago: counted in the next one
            headers = {"X-QLVB-Reasons": " ".join(r.code for r in context["errors"])} if reply.kind == "return" else None
            self.queue_reply(session, mail, reply.kind, reply.to, {**context, "held_before": held_before},
                             key=f"{facts.sha256}:{facts.message_id}:{index}",
                             incoming_number=number, document_id=registered.id if registered else None,
                             headers=headers)
            queued.append(reply)
        if registered is not None and any(r.kind == "ack" for r in queued):  # then 04 to a sender running us
            tell_sender(session, self.gw.writer, registered, WAITING)
        return tuple(queued)

    def queue_reply(
        self, session: Session, mail: Mail, kind: OutboxKind, to: str, context: dict[str, Any], *, key: str,
        incoming_number: int | None = None, document_id: int | None = None, headers: dict[str, str] | None = None,
    ) -> None:
        """Render an answer and put it in the outbox, in the caller's transaction."""
        answer = self.gw.writer.render(kind, to, context, key=key, in_reply_to=mail.message_id,
                                       incoming_number=incoming_number, headers=headers)
        enqueue(session, kind, to, answer, mail_id=mail.id, document_id=document_id, flush=False)

    def _outcome(
        self, item: IncomingMail, facts: MailFacts, decision: Decision, number: int | None, mail_id: int | None,
        delivered: datetime, received: datetime,
    ) -> DocumentOutcome:
        pdf = decision.pdf
        return DocumentOutcome(
            file=item.source, message_id=facts.message_id, verdict=decision.verdict, basis=decision.basis,
            reasons=tuple(decision.reasons), incoming_number=number, duplicate_of=decision.duplicate_of,
            duplicate_year=decision.duplicate_year, delivered_at=delivered, received_at=received,
            document=decision.particulars, secret=decision.secret,
            signatures=() if decision.secret or pdf is None else tuple(
                s.check(modified=s.field in decision.modified_signatures) for s in pdf.signatures),
            replies=tuple(decision.replies),
            sender=SenderAuth(facts.from_address, facts.sender.authenticated, facts.sender.method),
            review_id=mail_id if decision.verdict == "quarantined" else None,
        )
