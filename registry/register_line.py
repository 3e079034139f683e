"""A line of the register of incoming documents (sổ đăng ký văn bản đến, NĐ 30/2020 Phụ lục IV), the
one way it is written, for a document that came by mail or on paper (the same series: Đ22.2)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import Any, Literal

from sqlalchemy import ColumnElement, exists, func, select
from sqlalchemy.orm import Session

from registry.models import Document
from registry.numbering import next_incoming_number
from vntext import fold, notation_key, plain_dashes


@dataclass(frozen=True)
class Notation:
    """Số, ký hiệu as printed, in its two parts: '123/UBND-VP' -> 123 and UBND-VP;
    '26/2020/QĐ-UBND' -> 26 and 2020/QĐ-UBND; without a slash, all of it is the number."""

    number: str | None
    code: str | None

    @classmethod
    def parse(cls, notation: str | None) -> Notation:
        head, _, tail = (notation or "").partition("/")
        return cls(head or None, tail or None)


def issuer_key(issuer: str | None, parent: str | None = None) -> str | None:
    """The issuer under the body above it, folded (case and diacritics), to find a document registered twice: one
    province's "SỞ TƯ PHÁP" is not another's. Its dashes are hyphens (red team 109: "LAO ĐỘNG – THƯƠNG BINH" printed
    again with a hyphen, as OCR reads it, was another issuer's, and the same letter numbered twice)."""
    if not issuer:
        return None
    return plain_dashes(f"{fold(issuer)} / {fold(parent)}" if parent else fold(issuer))


@dataclass(frozen=True)
class Issue:
    """Which of an issuer's documents a number names: NĐ 30/2020 Đ15 numbers each issuer's documents from 01 on
    1 January, so "15/STP-VP" of one year is not the next year's, nor another province's Sở's."""

    issuer: str
    parent: str | None
    notation: str
    year: int  # the year it was issued (its date's; the register's when its date is unread)
    agency: str | None = None  # the directory's name of the issuer, when it names one: however the issuer is printed
    date: str | None = None  # ISO, when read


def earliest_same(session: Session, agency_code: str, pdf_sha256: str, issue: Issue | None = None, *,
                  signed_sha256: str | None = None, copier: str | None = None,
                  same_issuer: Callable[[Document], bool] = lambda document: True) -> Document | None:
    """The earliest document of the agency's register, not recalled, that this one repeats: the same
    file, the same signed revision (a replay with bytes appended: a document whose number is left blank for the
    signature's stamp has no other way to be known), or (its issue known) the same issuer's same number of the
    same year. A certified copy (`copier` names who copied it) says what its copier pleases under the issuer's number:
    the issuer's own document never repeats one, nor does another copier's copy (red teams 53 and 54: a "copy" signed by
    anyone, registered first, made the issuer's letter and another agency's genuine copy its duplicates). Else, the
    recalled document it repeats (`recalled` set: a replay of what the issuer withdrew, or a copy of it, was registered
    again, its issuer thanked: red team 54): by its signed revision or its issue (the decision lets the issuer's own
    letter of a recalled number, sent from its own mailbox, be its correction: red team 58 cut the recalled file to its
    first signature, another signed revision). A document found by its issue only is passed over where `same_issuer`
    says its issuer is another, as the directory tells agencies apart that the register's key folds alike ("UBND xã Tân
    Thanh" and "UBND xã Tân Thạnh", each writing "15/UBND": red team 67).
    Each way is looked up by its
    own index: asked together (an OR), SQLite read the agency's whole register for every mail (22 ms a
    mail at 50,000 documents, 62 at 200,000)."""
    if _never_seen(session, agency_code, issue.notation if issue else None, files=(pdf_sha256,),
                   signed=tuple(h for h in (signed_sha256, pdf_sha256) if h)):
        return None
    alive = (Document.agency_code == agency_code, Document.recalled.is_(False))
    ways = [Document.pdf_sha256 == pdf_sha256]
    if signed_sha256 is not None:
        ways.append(Document.signed_sha256 == signed_sha256)
    if issue is not None:
        ways += [way & (Document.copier.is_(None) | (Document.copier == copier) if copier is not None
                        else Document.copier.is_(None)) for way in _issue_ways(issue)]
    gone = (Document.agency_code == agency_code, Document.recalled.is_(True))  # a recall keeps these, nulls the file's
    # (an unsigned document recalled keeps its file's hash as its signed one: red team 60)
    recalled_ways: list[ColumnElement[bool]] = [Document.signed_sha256.in_([h for h in (signed_sha256, pdf_sha256) if h])]
    if issue is not None:
        # of any date of its year: the decision lets only the issuer's own letter by its own mailbox take the number again
        recalled_ways += _issue_ways(issue, any_date_of_the_year=True)
    passed: list[int] = []
    while True:
        besides = (Document.id.not_in(passed),) if passed else ()
        # one statement, each way a subquery of its own (its own index): one round trip where there were three
        earliest = session.execute(select(
            *(select(func.min(Document.id)).where(way, *alive, *besides).scalar_subquery() for way in ways),
            *(select(func.min(Document.id)).where(way, *gone, *besides).scalar_subquery() for way in recalled_ways))).one()
        found = [i for i in earliest[:len(ways)] if i is not None] or [i for i in earliest[len(ways):] if i is not None]
        document = session.get(Document, min(found)) if found else None
        if (document is None or issue is None or same_issuer(document) or document.pdf_sha256 == pdf_sha256
                or (signed_sha256 is not None and document.signed_sha256 == signed_sha256)):
            return document
        passed.append(document.id)


def _never_seen(session: Session, agency_code: str, notation: str | None, *, files: tuple[str, ...] = (),
                signed: tuple[str, ...] = ()) -> bool:
    """Whether no line of the agency's register, recalled or not, has this number however written, nor one of `files` as
    its file, nor one of `signed` as its signed revision: every way the lookups below find a line by starts with one of
    these, and most mails' documents are new. One look by an index each (0.1-0.3 ms a mail, where the ways asked one by
    one cost 2 ms: the daemon's bench)."""
    ours = Document.agency_code == agency_code
    looks = [exists().where(Document.notation_key == notation_key(notation), ours)] if notation else []
    looks += [exists().where(Document.pdf_sha256 == h, ours) for h in files]  # each by its index (an IN chose the agency's)
    looks += [exists().where(Document.signed_sha256 == h, ours) for h in signed]
    return not looks or not any(session.execute(select(*looks)).one())


def _issue_ways(issue: Issue, *, any_date_of_the_year: bool = False) -> list[ColumnElement[bool]]:
    """The ways to the issuer's document of this number of the year, each by an index of its own: its issuer printed the
    same, or, printed otherwise, the same agency of the directory and the same date (red team 58: a copy printing "SỞ TƯ
    PHÁP TỈNH BẮC GIANG" escaped the recall of "SỞ TƯ PHÁP"'s letter; red team 60: two issuers one agency's aliases
    name, a former province's and the merged one's, each number their own documents). A dated one is its date's only:
    the same number and printed year with another printed date is another document (`of_another_date`), but where
    `any_date_of_the_year`: a recalled number is the issuer's of the whole year (red team 77: a "copy" of a recalled
    710/STP-VP dated a day later was registered)."""
    dated = Document.issued_date.like(f"{issue.year:04d}-%") if any_date_of_the_year else _same_date(issue)
    same_year = dated | (Document.issued_date.is_(None) & (Document.year == issue.year))
    number = Document.notation_key == notation_key(issue.notation)  # however written (red team 65)
    ways: list[ColumnElement[bool]] = [(Document.issuer_key == issuer_key(issue.issuer, issue.parent)) & number & same_year]
    if issue.agency and issue.date:
        ways.append((Document.agency_key == issuer_key(issue.agency)) & (Document.issued_date == issue.date) & number)
    return ways


# NĐ 30/2020 Phụ lục VI: a duplicate is one document (number and symbol, issuer); two printed dates are two documents
# (red team 74: "3/STP-VP, ngày 05/01/2026" typed by habit in January 2027 was taken for 2026's 3/STP-VP, never registered).
def _same_date(issue: Issue) -> ColumnElement[bool]:
    """The lines dated as this issue: its very date when read, else any date of its year."""
    return Document.issued_date == issue.date if issue.date else Document.issued_date.like(f"{issue.year:04d}-%")


def of_another_date(session: Session, agency_code: str, issue: Issue) -> Document | None:
    """The issuer's earliest line of this number and printed year with another printed date, not recalled: another
    document (the issuer numbered two alike, or typed last year's year by habit), the clerk compares them."""
    if issue.date is None or _never_seen(session, agency_code, issue.notation):
        return None
    other = ((Document.notation_key == notation_key(issue.notation)) & Document.issued_date.like(f"{issue.year:04d}-%")
             & (Document.issued_date != issue.date))
    ways: list[ColumnElement[bool]] = [(Document.issuer_key == issuer_key(issue.issuer, issue.parent)) & other]
    if issue.agency:
        ways.append((Document.agency_key == issuer_key(issue.agency)) & other)
    found = _rows(session, ways, Document.agency_code == agency_code, Document.recalled.is_(False))
    return found[0] if found else None


def across_the_new_year(session: Session, agency_code: str, issue: Issue, zone: tzinfo) -> Document | None:
    """The issuer's document of this number that may be this one across the turn of the year, its date or this one's
    unread: an undated line's year is only its registration's, so a letter dated in December and its scan received in
    January, the day and month handwritten, were two lines nobody compared (red team 65). Never one document: every
    issuer numbers from 01 each year (NĐ 30/2020 Đ15), and this January's 01/STP-VP is not December's; the clerk compares.
    An undated one received in January: the number's line of the year before, dated in December or undated and
    registered then; a dated one of December: an undated line of the number registered in the January after."""
    same = ((Document.issuer_key == issuer_key(issue.issuer, issue.parent))
            & (Document.notation_key == notation_key(issue.notation)))
    if issue.date is None:
        way, month = same & (Document.issued_date.like(f"{issue.year - 1:04d}-12-%")
                             | (Document.issued_date.is_(None) & (Document.year == issue.year - 1))), 12
    elif issue.date[5:7] == "12":
        way, month = same & Document.issued_date.is_(None) & (Document.year == issue.year + 1), 1
    else:
        return None
    found = [d for d in _rows(session, [way], Document.agency_code == agency_code, Document.recalled.is_(False))
             if d.issued_date or d.arrival_date.astimezone(zone).month in (month, month % 12 + 1)]  # undated: registered
    # at the turn, of the agency's calendar (red team 107: registered at 03:00 on 1 January, 31 December in UTC)
    return found[0] if found else None


def recalled_of_number(session: Session, agency_code: str, notation: str, date: str | None) -> list[Document]:
    """The recalled documents of the register with this number, of this date's year if it is known (of any year if not:
    a copy printing another day of the year is still of the recalled number, red team 77)."""
    return list(session.scalars(select(Document).where(
        Document.notation_key == notation_key(notation), Document.agency_code == agency_code, Document.recalled.is_(True),
        *([Document.issued_date.like(f"{date[:4]}-%")
           # an undated line registered that year, or the next for a December letter (received in January): red team 79,
           # a copy of 2025's 15/STP-VP was returned as 2026's recalled one
           | (Document.issued_date.is_(None) & Document.year.in_(_registered_in(date)))] if date else [])
    ).order_by(Document.id)))


def _registered_in(date: str) -> tuple[int, ...]:
    """The years a document of this date (ISO) is registered in: its own, and the next for one of December."""
    year = int(date[:4])
    return (year, year + 1) if date[5:7] == "12" else (year,)


def _rows(session: Session, ways: list[ColumnElement[bool]], *where: ColumnElement[bool]) -> list[Document]:
    """The documents any of the ways finds, a query each (an OR of them SQLite reads the whole register for), by id."""
    found = {d.id: d for way in ways for d in session.scalars(select(Document).where(way, *where))}
    return [found[i] for i in sorted(found)]


def earliest_copy(session: Session, agency_code: str, issue: Issue, *, besides: str | None = None) -> Document | None:
    """The earliest certified copy of the issuer's document of this number in the agency's register, not recalled, by
    another copier than `besides`: the clerk compares it with the issuer's own, or another copy, when that comes."""
    if _never_seen(session, agency_code, issue.notation):
        return None
    copies = Document.copier.is_not(None) if besides is None else (Document.copier.is_not(None) & (Document.copier != besides))
    found = _rows(session, _issue_ways(issue), copies, Document.agency_code == agency_code, Document.recalled.is_(False))
    return found[0] if found else None


def copies_of(session: Session, document: Document) -> list[Document]:
    """The certified copies of this document the agency's register holds, not recalled (its issuer's recall voids them)."""
    if not (document.organ_name and document.notation):
        return []
    year = int(document.issued_date[:4]) if document.issued_date else document.year
    ways = _issue_ways(Issue(document.organ_name, document.organ_parent, document.notation, year,
                             date=document.issued_date))
    if document.agency_key and document.issued_date:  # its printings the directory knows, of its date
        ways.append((Document.agency_key == document.agency_key) & (Document.issued_date == document.issued_date)
                    & (Document.notation_key == notation_key(document.notation)))
    return _rows(session, ways, Document.copier.is_not(None), Document.id != document.id,
                 Document.agency_code == document.agency_code, Document.recalled.is_(False))


def locked_lines(session: Session, ids: Iterable[int]) -> dict[int, Document]:
    """The lines by id, locked until the transaction ends in the order of their ids, as every transaction that locks
    several does (red team 86: the reminders and a recall locking an original and its copy in opposite orders
    deadlocked on PostgreSQL; SQLite has one writer), read again once locked: what passing on, marking or a recall
    committed meanwhile is seen."""
    wanted = sorted(set(ids))
    if not wanted:
        return {}
    return {line.id: line for line in session.scalars(select(Document).where(Document.id.in_(wanted)).order_by(Document.id)
                                                      .with_for_update().execution_options(populate_existing=True))}


@dataclass(frozen=True)
class RegisterLine:
    medium: Literal["electronic", "paper"]
    basis: str | None  # signature | official-mailbox | paper
    received_at: datetime  # local time: its year is the series
    issuer: str | None
    notation: str | None
    subject: str | None
    issued_date: str | None = None
    type_name: str | None = None
    signer_name: str | None = None
    signer_position: str | None = None
    issuer_parent: str | None = None
    priority: str | None = None
    to_places: dict[str, Any] | None = None
    page_amount: int | None = None
    description: str | None = None
    pdf_sha256: str | None = None
    mail_id: int | None = None
    signed_sha256: str | None = None  # of what its last intact signature covers
    secrecy: str | None = None  # a paper document's mark (an electronic one that is secret is never registered)
    copier: str | None = None  # a certified copy's copying agency; None: the issuer's own document
    agency: str | None = None  # the directory's name of the issuer: its key, however the issuer is printed (red team 58)


def register_incoming(session: Session, agency_code: str, line: RegisterLine, now: datetime) -> Document:
    """Give the document the next incoming number of its year and write its line, in the caller's
    transaction (flushed: the row has its id)."""
    year = line.received_at.year
    notation = Notation.parse(line.notation)
    row = Document(
        mail_id=line.mail_id, agency_code=agency_code, year=year,
        arrival_number=next_incoming_number(session, agency_code, year), arrival_date=line.received_at,
        medium=line.medium, organ_name=line.issuer, organ_parent=line.issuer_parent, notation=line.notation,
        notation_key=notation_key(line.notation) if line.notation else None,
        code_number=notation.number, code_notation=notation.code, issued_date=line.issued_date,
        type_name=line.type_name, subject=line.subject, signer_name=line.signer_name,
        signer_position=line.signer_position, priority=line.priority, to_places=line.to_places,
        page_amount=line.page_amount, language="vi", description=line.description, due_date=None,
        basis=line.basis, pdf_sha256=line.pdf_sha256, signed_sha256=line.signed_sha256,
        issuer_key=issuer_key(line.issuer, line.issuer_parent), agency_key=issuer_key(line.agency), recalled=False,
        created_at=now, secrecy=line.secrecy, copier=line.copier,
    )
    session.add(row)
    session.flush()
    return row
