"""Closing a year of the incoming register (000 Đ9.2.a: the register is printed, signed and closed).
A closed year takes no more paper entries; its numbers already end with the year (Đ22.2)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, tzinfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from registry import audit
from registry.models import ClosedYear, Mail
from registry.numbering import hold_incoming_series


class YearClosed(Exception):
    """A paper entry for a year already closed."""

    def __init__(self, closed: Closure) -> None:
        super().__init__(f"the register of {closed.year} was closed on {closed.closed_at:%Y-%m-%d %H:%M} UTC "
                         f"by {closed.closed_by}: no document can be added to it")
        self.closed = closed


@dataclass(frozen=True)
class Closure:
    year: int
    closed_at: datetime
    closed_by: str
    already: bool = False  # closed before this call
    waiting: int = 0  # mails received in the year still held for the clerk: returned or discarded now, never numbered


def closure(session: Session, agency_code: str, year: int) -> Closure | None:
    """When the year was closed, and by whom; None while it is open."""
    row = session.get(ClosedYear, (agency_code, year))
    return Closure(row.year, row.closed_at, row.closed_by) if row is not None else None


def refuse_if_closed(session: Session, agency_code: str, year: int) -> None:
    closed = closure(session, agency_code, year)
    if closed is not None:
        raise YearClosed(closed)


def waiting_after_closing(count: int) -> str:
    """What the clerk is told of the mails of a closed year still held (the desk and `register close` say it alike)."""
    return f"; còn {count} thư nhận trong năm đang chờ xử lý: không vào sổ được nữa, chỉ trả lại hoặc bỏ qua"


def year_over(year: int, today: date) -> bool:
    """A register is closed at its year's end (000 Đ9.2.a): a year may be closed once it is over."""
    return year < today.year


def close_year(session: Session, agency_code: str, year: int, *, actor: str, now: datetime, tz: tzinfo) -> Closure:
    """Mark the year closed, in the caller's transaction; a year closed already stays as it was. The
    year's series is held first, as a paper entry holds it before it asks whether the year is closed:
    one of the two waits for the other, and no entry slips in after the closing. The mails received in the year still
    held for the clerk are counted for the clerk to be told: a release refuses them afterwards (red team 64)."""
    hold_incoming_series(session, agency_code, year)
    waiting = session.scalar(select(func.count()).select_from(Mail).where(
        Mail.review == "waiting", Mail.received_at >= datetime.combine(date(year, 1, 1), time(0), tz),
        Mail.received_at < datetime.combine(date(year + 1, 1, 1), time(0), tz))) or 0
    closed = closure(session, agency_code, year)
    if closed is not None:
        return Closure(closed.year, closed.closed_at, closed.closed_by, already=True, waiting=waiting)
    session.add(ClosedYear(agency_code=agency_code, year=year, closed_at=now, closed_by=actor))
    audit.record(session, "register-closed", actor=actor, year=year, waiting=waiting)
    return Closure(year, now, actor, waiting=waiting)
