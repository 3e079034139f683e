"""Closing a year of the incoming register (000 Đ9.2.a: the register is printed, signed and closed).
A closed year takes no more paper entries; its numbers already end with the year (Đ22.2)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy.orm import Session

from registry import audit
from registry.models import ClosedYear
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


def closure(session: Session, agency_code: str, year: int) -> Closure | None:
    """When the year was closed, and by whom; None while it is open."""
    row = session.get(ClosedYear, (agency_code, year))
    return Closure(row.year, row.closed_at, row.closed_by) if row is not None else None


def refuse_if_closed(session: Session, agency_code: str, year: int) -> None:
    closed = closure(session, agency_code, year)
    if closed is not None:
        raise YearClosed(closed)


def year_over(year: int, today: date) -> bool:
    """A register is closed at its year's end (000 Đ9.2.a): a year may be closed once it is over."""
    return year < today.year


def close_year(session: Session, agency_code: str, year: int, *, actor: str, now: datetime) -> Closure:
    """Mark the year closed, in the caller's transaction; a year closed already stays as it was. The
    year's series is held first, as a paper entry holds it before it asks whether the year is closed:
    one of the two waits for the other, and no entry slips in after the closing."""
    hold_incoming_series(session, agency_code, year)
    closed = closure(session, agency_code, year)
    if closed is not None:
        return Closure(closed.year, closed.closed_at, closed.closed_by, already=True)
    session.add(ClosedYear(agency_code=agency_code, year=year, closed_at=now, closed_by=actor))
    audit.record(session, "register-closed", actor=actor, year=year)
    return Closure(year, now, actor)
