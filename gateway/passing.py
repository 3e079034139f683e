"""Passing a registered document on (Bắc Kạn QĐ 26/2020 Đ9.3.b), recorded: the clerk or a leader passes
it to a lead unit and co-ordinating units of `units:` with a deadline and a note; each unit's mailbox
gets it (the signed PDF attached, unless it is secret); the units mark it received and done; reminders
go out before the deadline (the daemon's job); the sender, where it runs this gateway, hears 05 and
06 (gateway/exchange/processing.py). Everything in the audit log with the person. The checks are
the pure gateway/passing_rules.py; the printed register's columns 7-9 read the rows made here."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timezone
from typing import Any

from sqlalchemy import false, func, or_, select, update
from sqlalchemy.orm import Session

from gateway.app import Gateway
from gateway.config import Unit
from gateway.exchange.processing import tell_sender
from gateway.exchange.status import DONE, PROCESSING
from gateway.passing_rules import (LineState, PassRefused, PassRequest, Step, UnitTask, check_mark, check_pass,
                                   content_may_be_mailed, finishes, reminder_due)
from registry import audit
from registry.models import Assignment, AssignmentRole, Document, DocumentFile
from registry.outbox import enqueue
from registry.register_line import locked_lines

__all__ = ["Marked", "PassRefused", "PassRequest", "Passed", "Task", "mark", "pass_on", "queue_reminders", "tasks"]

ROLE_TEXT: dict[AssignmentRole, str] = {"lead": "chủ trì", "co": "phối hợp"}


@dataclass(frozen=True)
class Passed:
    year: int
    number: int
    lead: str
    co: tuple[str, ...]
    deadline: date | None
    mailed_to: tuple[str, ...]  # the units' mailboxes
    told_sender: str | None  # where 05 went, when the sender runs this gateway


@dataclass(frozen=True)
class Marked:
    year: int
    number: int
    unit: str
    step: Step
    told_sender: str | None  # where 06 went


@dataclass(frozen=True)
class Task:
    """A document passed to a unit, as the unit sees it (nothing of a secret one's content)."""

    year: int
    number: int
    unit: str
    unit_name: str
    role: AssignmentRole
    deadline: date | None
    note: str
    passed_at: datetime
    passed_by: str
    received_by: str | None
    done_by: str | None
    notation: str | None
    summary: str | None
    secret: bool = False  # only its number and arrival are told (and no note: Đ9.3.a)
    recalled: bool = False  # its issuer recalled it: the unit destroys its copy (NĐ 30/2020 Phụ lục VI)


def _day(iso: str | None) -> date | None:
    return date.fromisoformat(iso) if iso else None


def _vn(day: date | None) -> str:
    return f"{day:%d/%m/%Y}" if day else ""


def _document(session: Session, agency_code: str, year: int, number: int) -> Document | None:
    """The register's line, locked until the caller's transaction ends (PostgreSQL; SQLite's BEGIN IMMEDIATE holds the
    whole register): two people passing it on, or marking it, at once, the second waits and then reads the first's
    assignments (red team 64: under READ COMMITTED both read none, and the document got two lead units)."""
    return session.scalars(select(Document).where(Document.agency_code == agency_code, Document.year == year,
                                                  Document.arrival_number == number).with_for_update()).first()


def _assignments(session: Session, document_id: int) -> list[Assignment]:
    return list(session.scalars(select(Assignment).where(Assignment.document_id == document_id).order_by(Assignment.id)))


def _files(gateway: Gateway, session: Session, document: Document) -> list[tuple[str, bytes]]:
    """The document's PDF as received (signed) and its appendices, from the store."""
    rows = session.scalars(select(DocumentFile).where(DocumentFile.document_id == document.id,
                                                      DocumentFile.role.in_(("document", "appendix")))
                           .order_by(DocumentFile.role.desc(), DocumentFile.id)).all()
    seen: set[str] = set()
    files = []
    for row in rows:
        if row.sha256 not in seen and gateway.store.has(row.sha256):
            seen.add(row.sha256)
            files.append((row.filename or f"so-den-{document.arrival_number}-{document.year}.pdf", gateway.store.get(row.sha256)))
    return files


def _context(gateway: Gateway, document: Document, unit: Unit | Assignment, role: AssignmentRole,
             deadline: date | None, note: str, actor: str) -> dict[str, Any]:
    secret = not content_may_be_mailed(document.secrecy)
    tz = gateway.config.tz
    return {
        "unit_name": unit.name if isinstance(unit, Unit) else unit.unit_name, "role_text": ROLE_TEXT[role],
        "incoming_number": document.arrival_number, "year": document.year,
        "received_on": _vn(document.arrival_date.astimezone(tz).date()), "secret": secret,
        "paper": document.medium == "paper", "issuer": None if secret else document.organ_name,
        "notation": None if secret else document.notation, "type_name": None if secret else document.type_name,
        "summary": None if secret else document.subject, "deadline": _vn(deadline),
        "note": "" if secret else note, "actor": actor,
    }


def pass_on(gateway: Gateway, request: PassRequest, now: datetime | None = None) -> Passed:
    """Record the passing and queue each unit's mail and the sender's 05, in one transaction."""
    now = now or datetime.now(timezone.utc)
    config = gateway.config
    with gateway.register.session() as session, session.begin():
        document = _document(session, config.agency.code, request.year, request.number)
        line = None if document is None else LineState(
            document.recalled, tuple(a.unit_code for a in _assignments(session, document.id)))
        units = check_pass(request, config.units, line, now.astimezone(config.tz).date())
        assert document is not None  # check_pass refused a missing line
        secret = not content_may_be_mailed(document.secrecy)
        files = [] if secret else _files(gateway, session, document)
        given: list[tuple[AssignmentRole, Unit]] = [("lead", units.lead), *(("co", u) for u in units.co)]
        for role, unit in given:
            context = _context(gateway, document, unit, role, request.deadline, request.note, request.actor)
            mail = gateway.writer.render("passed", unit.mailbox, context, key=f"passed:{document.id}:{unit.code}",
                                         in_reply_to=None, attachments=files)
            row = enqueue(session, "passed", unit.mailbox, mail, mail_id=document.mail_id, document_id=document.id,
                          now=now)
            session.add(Assignment(
                document_id=document.id, unit_code=unit.code, unit_name=unit.name, mailbox=unit.mailbox, role=role,
                deadline=request.deadline.isoformat() if request.deadline else None, note=request.note or None,
                passed_at=now, passed_by=request.actor, outbox_id=row.id))
        document.due_date = request.deadline.isoformat() if request.deadline else None  # Phụ lục VI: DueDate
        audit.record(session, "passed-on", actor=request.actor, mail_id=document.mail_id, document_id=document.id,
                     incoming_number=document.arrival_number, year=document.year, lead=units.lead.code,
                     co=[u.code for u in units.co], deadline=document.due_date, secret=secret)
        told = tell_sender(session, gateway.writer, document, PROCESSING, now)
    return Passed(request.year, request.number, units.lead.code, tuple(u.code for u in units.co), request.deadline,
                  tuple(u.mailbox for u in (units.lead, *units.co)), told)


@dataclass(frozen=True)
class UnitNow:
    """A unit as the configuration has it now, under its code. What was passed to that code is its when it was passed
    under its name, or to its mailbox where no other unit shares it: a code given to a new unit (another name, another
    mailbox or one all units share) is not the old one's (red teams 100, 103), a unit renamed keeps what was passed to it
    (red team 102)."""

    name: str
    mailbox: str
    own_mailbox: bool = True  # no other unit of the configuration has it (a mailbox shared by units names none of them)

    def owns(self, name: str, mailbox: str) -> bool:
        return name == self.name or self.own_mailbox and mailbox.lower() == self.mailbox.lower()


def mark(gateway: Gateway, year: int, number: int, unit: str, step: Step, actor: str,
         now: datetime | None = None, unit_now: UnitNow | None = None) -> Marked:
    """A unit marks a document passed to it received (worked on: the register's column 9 names who)
    or done; the lead unit's "done" tells the sender 06. `unit_now`: the unit of that code now, for a unit's person."""
    now = now or datetime.now(timezone.utc)
    where = f"số đến {number}/{year}"
    with gateway.register.session() as session, session.begin():
        document = _document(session, gateway.config.agency.code, year, number)
        row = None if document is None else next(
            (a for a in _assignments(session, document.id)
             if a.unit_code.lower() == unit.lower() and (unit_now is None or unit_now.owns(a.unit_name, a.mailbox))), None)
        check_mark(None if row is None or document is None else UnitTask(
            row.role, row.received_at is not None, row.done_at is not None, document.recalled), step, unit, where)
        assert document is not None and row is not None
        if row.received_at is None:  # done without "received" first: received then too
            row.received_at, row.received_by = now, actor
        if step == "done":
            row.done_at, row.done_by = now, actor
        audit.record(session, f"passed-{step}", actor=actor, mail_id=document.mail_id, document_id=document.id,
                     incoming_number=number, year=year, unit=row.unit_code, role=row.role)
        told = tell_sender(session, gateway.writer, document, DONE, now) if finishes(row.role, step) else None
        return Marked(year, number, row.unit_code, step, told)


def queue_reminders(gateway: Gateway, now: datetime | None = None) -> int:
    """Remind each unit not done of a deadline near or reached (once); how many reminders were queued."""
    now = now or datetime.now(timezone.utc)
    today = now.astimezone(gateway.config.tz).date()
    queued = 0
    with gateway.register.session() as session, session.begin():
        open_rows = session.scalars(select(Assignment).where(Assignment.done_at.is_(None), Assignment.reminded_at.is_(None),
                                                             Assignment.deadline.is_not(None)).order_by(Assignment.id))
        due = [row for row in open_rows
               if reminder_due(_day(row.deadline), today, row.done_at is not None, row.reminded_at is not None,
                               gateway.calendar.is_workday)]
        # their lines locked as passing on locks one (in the order of their ids, as a recall locks a line and its
        # copies): a recall taken in meanwhile waits for these reminders, or comes first and nobody is reminded of a
        # document its unit was told to destroy (PostgreSQL; SQLite has one writer)
        lines = locked_lines(session, (row.document_id for row in due))
        for row in due:
            deadline = _day(row.deadline)
            document = lines.get(row.document_id)
            if document is None or document.recalled:
                continue
            # claimed first: of two runs at once (the morning's job, a clerk's `pass remind`) one reminds (red team 83:
            # on PostgreSQL each unit was reminded twice)
            claimed = session.execute(update(Assignment).where(Assignment.id == row.id, Assignment.reminded_at.is_(None),
                                                               Assignment.done_at.is_(None))  # done meanwhile
                                      .values(reminded_at=now).returning(Assignment.id)
                                      .execution_options(synchronize_session=False)).first()
            if claimed is None:
                continue
            context = _context(gateway, document, row, row.role, deadline, row.note or "", row.passed_by)
            context["overdue"] = deadline is not None and today > deadline
            to = gateway.config.unit_mailbox(row.unit_code, row.unit_name, row.mailbox)
            mail = gateway.writer.render("reminder", to, context, key=f"reminder:{row.id}", in_reply_to=None)
            enqueue(session, "reminder", to, mail, mail_id=document.mail_id, document_id=document.id, now=now)
            audit.record(session, "passed-reminded", document_id=document.id, incoming_number=document.arrival_number,
                         year=document.year, unit=row.unit_code, deadline=row.deadline)
            queued += 1
    return queued


def tasks(gateway: Gateway, unit: str | None = None, year: int | None = None, unit_now: UnitNow | None = None) -> list[Task]:
    """The documents passed on (to one unit; `unit_now`: the one of that code now), newest first."""
    with gateway.register.session() as session:
        query = (select(Assignment, Document).join(Document, Document.id == Assignment.document_id)
                 .where(Document.agency_code == gateway.config.agency.code))
        if unit is not None:  # a unit's code in any case, as everywhere (red team 110: "vp" listed nothing of VP's)
            query = query.where(func.lower(Assignment.unit_code) == unit.lower())
        if unit_now is not None:  # as UnitNow.owns has it (red teams 100, 102, 103)
            query = query.where(or_(Assignment.unit_name == unit_now.name,
                                    func.lower(Assignment.mailbox) == unit_now.mailbox.lower() if unit_now.own_mailbox
                                    else false()))
        if year is not None:
            query = query.where(Document.year == year)
        rows = session.execute(query.order_by(Document.year.desc(), Document.arrival_number.desc(), Assignment.id)).all()
        return [_task(a, d) for a, d in rows]


def _task(a: Assignment, d: Document) -> Task:
    """What a unit is told of a document passed to it: nothing of a secret one's content, its note included (red team
    83: the leader's note on a secret document was on the unit's page and in `pass list`)."""
    secret = not content_may_be_mailed(d.secrecy)
    return Task(d.year, d.arrival_number, a.unit_code, a.unit_name, a.role, _day(a.deadline), "" if secret else a.note or "",
                a.passed_at, a.passed_by, a.received_by, a.done_by, None if secret else d.notation,
                None if secret else d.subject, secret=secret, recalled=d.recalled)
