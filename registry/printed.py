"""The printed register of incoming documents (sổ đăng ký văn bản đến, NĐ 30/2020 Phụ lục IV): its
cover and its lines, every document registered in the period by incoming number, paper and
electronic alike (Đ22.2), recalled ones kept with the fact in the notes. Read from `documents`, the
rows `register list` prints; a secret document by mail is never among them (002 Đ16.7: nothing of
it is registered), and a secret paper one (register add --secrecy) is printed as the fact only: its
number, its arrival and SECRET, as the desk shows it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from registry.closed_years import closure
from registry.models import Assignment, Document

# NĐ 30/2020 Phụ lục IV: the ten columns of the incoming register, in their order
COLUMNS = ("Ngày đến", "Số đến", "Tác giả", "Số, ký hiệu", "Ngày tháng", "Tên loại và trích yếu nội dung",
           "Đơn vị hoặc người nhận", "Ngày chuyển", "Ký nhận", "Ghi chú")
TITLE = "SỔ ĐĂNG KÝ VĂN BẢN ĐẾN"
ROLES = {"lead": "chủ trì", "co": "phối hợp"}  # Bắc Kạn QĐ 26/2020 Đ9.3.b
RECALLED = "Đã thu hồi"  # the start of the note a recall writes (gateway/exchange/recall.py)
PAPER = "Văn bản giấy"
SECRET = "Văn bản mật"  # column 6 of a secret paper document, its content kept on paper alone

Cell = date | int | str | None


@dataclass(frozen=True)
class PrintedLine:
    """One line of the register, its ten columns. Columns 7-9 from the document's passing on
    (gateway/passing.py): the units it went to (lead and co-ordinating), the day, and who received it
    in each unit; empty for a document not passed on by the gateway (the clerk writes them by hand)."""

    received_on: date  # (1)
    number: int  # (2)
    issuer: str  # (3)
    notation: str  # (4)
    issued_on: date | None  # (5)
    type_and_summary: str  # (6)
    note: str  # (10)
    recalled: bool = False
    passed_to: str = ""  # (7)
    passed_on: date | None = None  # (8)
    received_by: str = ""  # (9)

    def cells(self) -> tuple[Cell, ...]:
        """The ten columns in the order of COLUMNS."""
        return (self.received_on, self.number, self.issuer, self.notation, self.issued_on, self.type_and_summary,
                self.passed_to, self.passed_on, self.received_by, self.note)


@dataclass(frozen=True)
class Cover:
    """The register's cover (Phụ lục IV): the agency, the year, the dates and numbers it runs over,
    the volume (quyển số), and when the year was closed."""

    agency: str
    year: int
    first_day: date | None
    last_day: date | None
    first_number: int | None
    last_number: int | None
    volume: int
    closed_at: datetime | None


@dataclass(frozen=True)
class PrintedRegister:
    cover: Cover
    lines: tuple[PrintedLine, ...]


@dataclass(frozen=True)
class Period:
    """The register's year and, within it, the days to print (both included; None: from the year's
    first line, to its last)."""

    year: int
    start: date | None = None
    end: date | None = None


def period_of(year: int, start: date | None, end: date | None) -> Period:
    """The period asked for (the CLI's --from/--to, the desk's form): its days within its year, in order;
    else ValueError saying what is wrong."""
    if any(d is not None and d.year != year for d in (start, end)):
        raise ValueError(f"not in {year}")
    if start is not None and end is not None and start > end:
        raise ValueError("the first day after the last")
    return Period(year, start, end)


def printed_register(session: Session, agency_code: str, agency_name: str, period: Period, tz: tzinfo, *,
                     volume: int = 1) -> PrintedRegister:
    query = select(Document).where(Document.agency_code == agency_code, Document.year == period.year)
    if period.start is not None:
        query = query.where(Document.arrival_date >= datetime.combine(period.start, time(), tz))
    if period.end is not None:
        query = query.where(Document.arrival_date < datetime.combine(period.end + timedelta(days=1), time(), tz))
    documents = session.scalars(query.order_by(Document.arrival_number)).all()
    passed: dict[int, list[Assignment]] = {}
    for row in session.scalars(select(Assignment).where(Assignment.document_id.in_(query.with_only_columns(Document.id)))
                               .order_by(Assignment.id)):
        passed.setdefault(row.document_id, []).append(row)
    lines = tuple(_line(d, tz, passed.get(d.id, [])) for d in documents)
    closed = closure(session, agency_code, period.year)
    cover = Cover(
        agency=agency_name, year=period.year,
        first_day=period.start or (lines[0].received_on if lines else None),
        last_day=period.end or (lines[-1].received_on if lines else None),
        first_number=lines[0].number if lines else None, last_number=lines[-1].number if lines else None,
        volume=volume, closed_at=closed.closed_at.astimezone(tz) if closed else None,  # the agency's day (red team 107)
    )
    return PrintedRegister(cover, lines)


def _line(d: Document, tz: tzinfo, passed: list[Assignment]) -> PrintedLine:
    secret = d.secrecy is not None  # a secret paper document (register add --secrecy): its number and arrival only
    return PrintedLine(
        received_on=d.arrival_date.astimezone(tz).date(), number=d.arrival_number,
        issuer=" - ".join(p for p in (d.organ_parent, d.organ_name) if p) if d.organ_name and not secret else "",
        notation=d.notation or "" if not secret else "", issued_on=_day(d.issued_date) if not secret else None,
        type_and_summary=" ".join(p for p in (d.type_name, d.subject) if p) if not secret else SECRET,
        note=_note(d) if not secret else PAPER, recalled=d.recalled,
        passed_to="; ".join(f"{a.unit_name} ({ROLES[a.role]})" for a in passed),
        passed_on=min(a.passed_at for a in passed).astimezone(tz).date() if passed else None,
        received_by="; ".join(f"{a.received_by} ({a.unit_name})" for a in passed if a.received_by),
    )


def _note(d: Document) -> str:
    """Column 10: paper or not, the clerk's or the reader's note, and a recall (NĐ 30/2020 Phụ lục VI:
    the recalled document is destroyed, its line stays)."""
    notes = [PAPER] if d.medium == "paper" else []
    if d.recalled and not (d.description or "").startswith(RECALLED):
        notes.append(RECALLED)
    if d.description:
        notes.append(d.description)
    return "; ".join(notes)


def _day(iso: str | None) -> date | None:
    try:
        return date.fromisoformat(iso) if iso else None
    except ValueError:  # a date the reader could not make whole
        return None
