"""Sending a document (the imperative shell): read it with the one reader, sign it when it carries
no valid signature of ours, plan its recipients, and, when every electronic entry resolved, register
it in the outgoing register with its identifier and queue one mail per recipient agency in the outbox,
all in one transaction. A dry run or a held plan writes nothing.

What sending needs of the opened gateway comes in as `Sending` (gateway.app.Gateway is one), and the
reading in a worker process as `PdfReader` (gateway.workers.WorkerPool is one): both of those import
intake, which outgoing never reaches."""

from __future__ import annotations

import hashlib
import io
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from typing import Any, Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session

from gateway.decision.issuers import signer_agency
from gateway.decision.rules import Us, valid_signature
from gateway.directory import AgencyEntry, Directory
from gateway.exchange.recall import Opened
from gateway.model import PdfFacts, Reading, SignatureFacts, WorkFailure
from gateway.outgoing.plan import Choices, Plan, make_plan
from gateway.reasons import error, warning
from gateway.resolver import Resolver
from registry import audit
from registry.models import OutgoingDocument, OutgoingRecipient
from registry.numbering import next_outgoing_sequence, peek_outgoing_sequence
from registry.outbox import enqueue
from registry.references import hold_files
from vntext import notation_key


class Sending(Opened, Protocol):
    """The opened gateway, as far as sending uses it."""

    @property
    def us(self) -> Us: ...


class PdfReader(Protocol):
    """Reads our document and checks its signatures in a worker process, under the worker's limits."""

    def read_pdf(self, filename: str, data: bytes) -> PdfFacts | WorkFailure: ...


class ChoiceError(ValueError):
    """A --confirm choice that names no entry of the block or no agency of the directory."""


class _SentMeanwhile(Exception):
    """The file was registered by another send while this one read and signed it: this transaction is rolled back."""


class UnreadablePdf(ValueError):
    """A file the reader could not open or read within the worker's time and memory limits."""


@dataclass(frozen=True)
class OutgoingFile:
    source: str  # a file path, or mailbox and UID
    filename: str
    pdf: bytes
    draft: tuple[str, bytes] | None = None


@dataclass(frozen=True)
class SendOutcome:
    plan: Plan
    registered: bool
    already_sent: bool = False
    recipients: tuple[dict[str, Any], ...] = ()

    def as_json(self) -> dict[str, Any]:
        out = self.plan.as_json()
        out["sent"] = self.registered
        if self.already_sent:
            out["already_sent"] = True
        if self.recipients:
            out["recipients"] = list(self.recipients)
        return out


# Seed 004 (Đắk Lắk QĐ 16/2019) Đ11: "YYYY là năm ban hành văn bản", the year the document was issued
def issue_year(issued: str | None, this_year: int) -> int:
    """The year of the document's series: its date's (ISO) when read and not after this year (red team 107: a letter
    dated 31 December and sent on 4 January opened the new year's series), else this year."""
    return int(issued[:4]) if issued and issued[:4].isdigit() and int(issued[:4]) <= this_year else this_year


def identifier(agency_code: str, year: int, sequence: int) -> str:
    """AGENCYCODE-YYYY.N (Đắk Lắk QĐ 16/2019 Đ11)."""
    return f"{agency_code}-{year}.{sequence}"


def signatures_of(signatures: list[SignatureFacts], agency: AgencyEntry, revocation_hard: bool) -> list[SignatureFacts]:
    """The valid signatures of the agency on the document (their certificates name the agency), in the file's order."""
    ours = Directory([agency])
    return sorted((s for s in signatures if valid_signature(s, revocation_hard) and signer_agency(s, ours) is not None),
                  key=lambda s: s.revision)


def signed_by(signatures: list[SignatureFacts], agency: AgencyEntry, revocation_hard: bool) -> bool:
    """Whether a valid signature of the agency, unchanged since, is on the document (its certificate names the agency)."""
    return any(not s.modified_after for s in signatures_of(signatures, agency, revocation_hard))


def parse_choices(values: list[str], directory_lookup: Callable[[str], AgencyEntry | None]) -> Choices:
    """--confirm "ENTRY=CODE[,CODE…]" (the agencies meant) or "ENTRY=-" (not electronically: on paper)."""
    choices: Choices = {}
    for value in values:
        entry, sep, codes = value.rpartition("=")
        if not sep or not entry.strip():
            raise ChoiceError(f"--confirm {value!r}: write ENTRY=CODE[,CODE…] or ENTRY=-")
        if codes.strip() == "-":
            choices[entry.strip()] = None
            continue
        agencies = []
        for code in (c.strip() for c in codes.split(",") if c.strip()):
            agency = directory_lookup(code)
            if agency is None:
                raise ChoiceError(f"--confirm {value!r}: no agency with code {code} in the directory")
            agencies.append(agency)
        choices[entry.strip()] = agencies
    return choices


MEMBERS_LOOKED_AT = 2000  # an Office file's parts: more is no draft
BYTES_LOOKED_AT = 64 * 2**20  # of a draft's parts, uncompressed, at most: more is no draft
_RTF_SPACE = re.compile(rb"\s+")


def carries_a_pdf(data: bytes, depth: int = 0) -> bool:
    """Whether a draft holds a PDF: in its bytes (an OLE file's object), as an RTF object's hex (its lines joined), or as
    a part of an Office file, at any depth (a .docx's word/embeddings, a zip in it; red teams 113, 115: another letter
    of ours went beside ours so, unread). One too large or too deep to read whole is taken to hold one."""
    if b"%PDF-" in data:
        return True
    if data.lstrip()[:5] == b"{\\rtf" and b"255044462d" in _RTF_SPACE.sub(b"", data).lower():
        return True
    if not data.startswith(b"PK"):
        return False
    if depth > 3:
        return True
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
            if len(members) > MEMBERS_LOOKED_AT or sum(m.file_size for m in members) > BYTES_LOOKED_AT:
                return True
            return any(carries_a_pdf(archive.read(m), depth + 1) for m in members)
    except (zipfile.BadZipFile, OSError, RuntimeError, NotImplementedError, EOFError, ValueError):
        return True  # not read whole: not known to carry none


class OutgoingSender:
    def __init__(self, gateway: Sending, pool: PdfReader) -> None:
        self.gw = gateway
        self.pool = pool  # reading and validation run in a worker process, as for intake

    # ---- deciding --------------------------------------------------------------------------
    def _read(self, item: OutgoingFile) -> tuple[Reading, PdfFacts]:
        if item.pdf.find(b"%PDF-", 0, 1024) < 0:  # as `parse` says it (red team 110: a picture was "AssertionError")
            raise UnreadablePdf(f"{item.filename}: not a PDF (no %PDF- header)")
        facts = self.pool.read_pdf(item.filename, item.pdf)
        if isinstance(facts, WorkFailure):
            raise UnreadablePdf(f"{item.filename}: not read ({facts.reason})")
        if not facts.opened or facts.reading is None:
            raise UnreadablePdf(f"{item.filename}: cannot be read as a PDF ({facts.problem})")
        return facts.reading, facts

    def plan(self, item: OutgoingFile, choices: Choices | None = None) -> tuple[Plan, Reading, bool]:
        """(the plan, the reading, whether the gateway must sign it)."""
        reading, facts = self._read(item)
        signatures = facts.signatures
        us = self.gw.us
        ours = signed_by(signatures, us.agency, us.revocation_hard)
        if (mine := signatures_of(signatures, us.agency, us.revocation_hard)) and mine[-1].revision_end > 0 and any(
                s.intact and s.revision > mine[-1].revision for s in signatures):
            # the plan read as we signed it, not with what another's later signature drew (red team 66); held all the same
            reading, _ = self._read(replace(item, pdf=item.pdf[:mine[-1].revision_end]))
        must_sign = not ours and self.gw.config.signing is not None
        year = issue_year(reading.particulars.date, datetime.now(self.gw.config.tz).year)
        with self.gw.register.session() as session:
            next_n = peek_outgoing_sequence(session, us.agency.code, year)
        choices = self._checked(choices or {}, reading)
        bodies = {b for listed in reading.recipients.references.values() for b in listed}
        resolver = Resolver(self.gw.directory, us.agency, reading.recipients.references,
                            chosen={k: v for k, v in choices.items() if k in bodies})
        plan = make_plan(reading, resolver, identifier=identifier(us.agency.code, year, next_n),
                         signed=ours or must_sign, no_subheading=self.gw.config.outgoing.no_subheading,
                         choices=choices, signatures=signatures, us=us, filename=item.filename,
                         active_content=facts.active_content, embedded=facts.embedded, will_sign=must_sign,
                         layers=facts.hidden_layers)
        if item.draft is not None and carries_a_pdf(item.draft[1]):
            # mailed beside our letter unread: a draft carrying a document is a second one (red teams 112, 113: a PDF named
            # "du-thao.docx", another letter of ours, went to every recipient; one inside a .docx's embeddings)
            plan = replace(plan, held=[*plan.held, error("several-documents", f"{item.draft[0]}: dự thảo mang theo văn bản "
                                                                             "PDF")])
        if reading.particulars.number and not reading.particulars.number.startswith("/"):
            with self.gw.register.session() as session:
                sent = sent_of_number(session, us.agency.code, reading.particulars.number, year)
            date = reading.particulars.date
            before = [ident for ident, issued in sent if not date or issued == date]
            other = [f"{ident} ({issued})" for ident, issued in sent if date and issued != date]
            # NĐ 30/2020 Đ15: a year's documents are numbered once each; the same number on another date is another
            # document (red team 148: a second "47/SNV-VP" of 2026 went unsaid)
            plan = replace(plan, warnings=[*plan.warnings, *([warning("sent-before", ", ".join(before))] if before else []),
                                           *([warning("number-used", ", ".join(other))] if other else [])])
        return plan, reading, must_sign

    def _checked(self, choices: Choices, reading: Reading) -> Choices:
        entries = {*reading.recipients.electronic, *reading.recipients.paper,
                   *(b for listed in reading.recipients.references.values() for b in listed)}  # "Như Điều 3"'s bodies too
        unknown = [e for e in choices if e not in entries]
        if unknown:
            raise ChoiceError(f"--confirm: no entry {unknown[0]!r} in the recipient block "
                              f"(entries: {'; '.join(sorted(entries))})")
        return choices

    # ---- sending ---------------------------------------------------------------------------
    def send(self, item: OutgoingFile, *, dry_run: bool = False, choices: Choices | None = None,
             actor: str = "gateway") -> SendOutcome:
        before = self._already_sent(item.pdf)
        if before is not None:
            return before
        plan, reading, must_sign = self.plan(item, choices)
        if dry_run or not plan.sendable:
            return SendOutcome(plan, registered=False)
        pdf = item.pdf
        if must_sign:
            from gateway.outgoing.signing import sign_outgoing

            assert self.gw.config.signing is not None
            pdf = sign_outgoing(item.pdf, self.gw.config.signing, self.gw.us.agency.name, self.gw.config.tz,
                                signer_name=reading.particulars.signer)
        try:
            with self.gw.register.session() as session, session.begin():
                row = self._register(session, item, plan, pdf, actor)
                plan = replace(plan, identifier=row.identifier)
                row.plan = plan.as_json()
        except _SentMeanwhile:  # another send registered the same file meanwhile: its number given back
            found = self._already_sent(item.pdf)
            assert found is not None
            return found
        return SendOutcome(plan, registered=True, recipients=tuple(self.recipients_json(row.id)))

    def _already_sent(self, pdf: bytes) -> SendOutcome | None:
        with self.gw.register.session() as session:
            row = _sent_row(session, self.gw.config.agency.code, pdf)
            if row is None:
                return None
            stored = dict(row.plan)
        plan = _stored_plan(stored)
        return SendOutcome(plan, registered=True, already_sent=True, recipients=tuple(self.recipients_json(row.id)))

    def _register(self, session: Session, item: OutgoingFile, plan: Plan, pdf: bytes, actor: str) -> OutgoingDocument:
        """The register's new line, `_SentMeanwhile` when the same file has one: looked up again once the year's
        outgoing series is held (its row lock; SQLite's write lock from BEGIN IMMEDIATE), so two sends of one file at
        once (the clerk's command and the folder, two clerks) register and mail it once (red team 63: twice, each
        with its own signature, so the unique signed file never clashed)."""
        code = self.gw.config.agency.code
        now = datetime.now(timezone.utc)
        doc = plan.document
        year = issue_year(doc.date, now.astimezone(self.gw.config.tz).year)
        sequence = next_outgoing_sequence(session, code, year)
        if _sent_row(session, code, item.pdf) is not None:
            raise _SentMeanwhile
        ident = identifier(code, year, sequence)
        hold_files(session)  # no recall's destruction between these files' writing and the rows that refer to them
        pdf_sha = self.gw.store.put(pdf)
        original_sha = self.gw.store.put(item.pdf)
        draft_sha = self.gw.store.put(item.draft[1]) if item.draft else None
        row = OutgoingDocument(
            agency_code=code, year=year, sequence=sequence, identifier=ident, notation=doc.number,
            issued_date=doc.date, type_name=doc.type, subject=doc.summary, signer_name=doc.signer,
            signer_position=", ".join(doc.signer_title) or None, filename=item.filename, pdf_sha256=pdf_sha,
            original_sha256=original_sha, draft_sha256=draft_sha, draft_filename=item.draft[0] if item.draft else None,
            signed=pdf_sha != original_sha, source=item.source[:200], plan={}, state="sent", created_at=now,
        )
        session.add(row)
        session.flush()
        attachments = [(item.filename, pdf)] + ([item.draft] if item.draft else [])
        for group in plan.mails():  # one mail a mailbox, each agency its own line of the register (red team 78)
            first = group[0][0]
            named = list(dict.fromkeys(e for _, entries in group for e in entries))
            context = {"doc": doc, "identifier": ident, "recipient": {"name": ", ".join(a.name for a, _ in group)},
                       "entries": named, "filename": item.filename, "draft_filename": item.draft[0] if item.draft else None}
            mail = self.gw.writer.render("document", first.mailbox, context, key=f"{ident}:{first.code}",
                                         in_reply_to=None, headers={"X-QLVB-Document-Id": ident},
                                         attachments=attachments)
            outbox = enqueue(session, "document", first.mailbox, mail, now=now)
            for agency, entries in group:
                session.add(OutgoingRecipient(
                    document_id=row.id, agency_code=agency.code, agency_name=agency.name, mailbox=agency.mailbox,
                    entries=entries, state="queued", outbox_id=outbox.id, message_id=mail.message_id,
                ))
        audit.record(session, "outgoing-registered", actor=actor, identifier=ident, notation=doc.number, source=item.source,
                     recipients=[a.code for a, _ in plan.recipients()], signed=row.signed)
        return row

    def recipients_json_by_identifier(self, ident: str) -> list[dict[str, Any]]:
        with self.gw.register.session() as session:
            row = session.scalars(select(OutgoingDocument).where(OutgoingDocument.identifier == ident)).first()
            document_id = row.id if row else -1
        return self.recipients_json(document_id)

    def recipients_json(self, document_id: int) -> list[dict[str, Any]]:
        with self.gw.register.session() as session:
            rows = session.scalars(select(OutgoingRecipient).where(OutgoingRecipient.document_id == document_id)
                                   .order_by(OutgoingRecipient.id)).all()
            return [recipient_json(r) for r in rows]


# NĐ 30/2020 Phụ lục VI: a document of a number sent before is said before it goes again (red team 63: the same letter
# saved again, its bytes other, was sent a second time without a word); a correction may go, the clerk having seen it
def sent_of_number(session: Session, agency_code: str, number: str, year: int) -> list[tuple[str, str | None]]:
    """The documents sent this year of this số, ký hiệu however written (vntext.notation_key: "05/SNV-VP" is 5/SNV-VP),
    each its identifier and date."""
    head = number.partition("/")[0].strip()
    # as written with up to four leading zeros, in any script's digits ("５/SNV-VP" is 5/SNV-VP: red team 149)
    heads = {head} if not head.isdecimal() else {head, *("0" * zeros + str(int(head)) for zeros in range(5))}
    key = notation_key(number)
    found: dict[int, tuple[str, str | None]] = {}
    for written in sorted(heads):  # each head by the notation's index (an OR of them read the whole table in SQLite)
        rows = session.execute(select(OutgoingDocument.id, OutgoingDocument.identifier, OutgoingDocument.notation,
                                      OutgoingDocument.agency_code, OutgoingDocument.issued_date, OutgoingDocument.year)
                               .where(OutgoingDocument.notation >= f"{written}/",
                                      OutgoingDocument.notation < f"{written}/\uffff"))
        found.update({row_id: (ident, issued) for row_id, ident, notation, agency, issued, of_year in rows
                      if of_year == year and agency == agency_code and notation and notation_key(notation) == key})
    return [found[row_id] for row_id in sorted(found)]


def _sent_row(session: Session, agency_code: str, pdf: bytes) -> OutgoingDocument | None:
    """The register's line of a file sent before: as it was given (the original), or as it went (signed by us)."""
    digest = hashlib.sha256(pdf).hexdigest()
    # each hash by its own index (asked with an OR, SQLite read every document the agency sent)
    for column in (OutgoingDocument.original_sha256, OutgoingDocument.pdf_sha256):
        row = session.scalars(select(OutgoingDocument).where(
            OutgoingDocument.agency_code == agency_code, column == digest)).first()
        if row is not None:
            return row
    return None


def recipient_json(r: OutgoingRecipient) -> dict[str, Any]:
    return {"code": r.agency_code, "name": r.agency_name, "mailbox": r.mailbox, "state": r.state,
            "sent_at": r.sent_at.isoformat() if r.sent_at else None, "incoming_number": r.incoming_number,
            "reasons": r.reasons or [], "recall": r.recall, "processing": r.processing}


def _stored_plan(stored: dict[str, Any]) -> Plan:
    """The plan as registered, for showing again (a second send of the same PDF sends nothing)."""
    from gateway.model import Particulars
    from gateway.reasons import error
    from gateway.resolver import Resolution

    document = Particulars(**{k: v for k, v in stored["document"].items() if k in Particulars.__dataclass_fields__})
    electronic = [Resolution(e["entry"], e["status"], [AgencyEntry(a["code"], a["name"], a["mailbox"]) for a in e["agencies"]],
                             e.get("candidates", [])) for e in stored["electronic"]]
    return Plan(document, stored["identifier"], stored["signed"], electronic, stored["paper"], stored["archive"],
                [error("already-sent", stored["identifier"])])
