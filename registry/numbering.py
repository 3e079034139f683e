"""Incoming numbers (000 Đ9.2, NĐ 30/2020 Đ22.2): consecutive through the year in order of
registration, one series for paper and electronic documents, no gap and no repeat.

The number is taken inside the transaction that registers the document: the row lock on the series
(PostgreSQL) or the database write lock (SQLite, BEGIN IMMEDIATE) holds until commit, so two
gateways writing at once wait for each other, and a crash before commit gives the number back.
"""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.orm import Session


def next_incoming_number(session: Session, agency_code: str, year: int) -> int:
    session.execute(
        text(
            "INSERT INTO number_series (agency_code, year, last) VALUES (:a, :y, 0) "
            "ON CONFLICT (agency_code, year) DO NOTHING"
        ),
        {"a": agency_code, "y": year},
    )
    number = session.execute(
        text("UPDATE number_series SET last = last + 1 WHERE agency_code = :a AND year = :y RETURNING last"),
        {"a": agency_code, "y": year},
    ).scalar_one()
    return int(number)
