"""Incoming numbers (000 Đ9.2, NĐ 30/2020 Đ22.2): consecutive through the year in order of
registration, one series for paper and electronic documents, no gap and no repeat.

The number is taken inside the transaction that registers the document: the row lock on the series
(PostgreSQL) or the database write lock (SQLite, BEGIN IMMEDIATE) holds until commit, so two
gateways writing at once wait for each other, and a crash before commit gives the number back.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import text
from sqlalchemy.orm import Session


def next_incoming_number(session: Session, agency_code: str, year: int) -> int:
    return _next_in(session, "number_series", agency_code, year)


def next_outgoing_sequence(session: Session, agency_code: str, year: int) -> int:
    """The N of an outgoing identifier AGENCYCODE-YYYY.N (Đắk Lắk QĐ 16/2019 Đ11): consecutive in the year."""
    return _next_in(session, "outgoing_series", agency_code, year)


def peek_outgoing_sequence(session: Session, agency_code: str, year: int) -> int:
    """The N the next outgoing document would get (a dry run takes none)."""
    last = session.execute(text("SELECT last FROM outgoing_series WHERE agency_code = :a AND year = :y"),
                           {"a": agency_code, "y": year}).scalar()
    return int(last or 0) + 1


def hold_incoming_series(session: Session, agency_code: str, year: int) -> None:
    """Hold the year's incoming series until the transaction ends, as taking a number does: whoever
    is taking one (its first of the year too) is waited for, and waits."""
    _series_row(session, "number_series", agency_code, year)
    session.execute(text("UPDATE number_series SET last = last WHERE agency_code = :a AND year = :y"),
                    {"a": agency_code, "y": year})


def hold_numbers_first(session: Session, agency_code: str, years: Iterable[int]) -> None:
    """On PostgreSQL, hold these years' incoming series from the start of a transaction that looks for a document in
    the register before it numbers it: another one numbering the same document meanwhile is waited for, and then seen
    (READ COMMITTED sees what committed before each statement). SQLite's BEGIN IMMEDIATE holds the whole register
    already. Red team 36: two clerks releasing two copies of one letter at once gave it two numbers."""
    if session.get_bind().dialect.name == "postgresql":
        for year in sorted(set(years)):  # always in one order: two transactions never wait for each other in a circle
            hold_incoming_series(session, agency_code, year)


def _series_row(session: Session, table: str, agency_code: str, year: int) -> None:
    session.execute(
        text(f"INSERT INTO {table} (agency_code, year, last) VALUES (:a, :y, 0) ON CONFLICT (agency_code, year) DO NOTHING"),
        {"a": agency_code, "y": year},
    )


def _next_in(session: Session, table: str, agency_code: str, year: int) -> int:
    """The series' next number: one statement when the year's series is there (every number but the
    year's first), made first when it is not."""
    take = text(f"UPDATE {table} SET last = last + 1 WHERE agency_code = :a AND year = :y RETURNING last")
    number = session.execute(take, {"a": agency_code, "y": year}).scalar_one_or_none()
    if number is None:  # the year's first: its series made (or waited for, another gateway making it)
        _series_row(session, table, agency_code, year)
        number = session.execute(take, {"a": agency_code, "y": year}).scalar_one()
    return int(number)
