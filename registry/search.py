"""Searching the incoming register (sổ đăng ký văn bản đến) by number, issuer, type, date range and
words of the summary, a page at a time.

The number and the dates are selected by the database; the words are matched here, folded by
vntext (no case, no tone: "quyet dinh" finds "Quyết định"), on the rows the database gave. That is
exact and simple, and reads every row of the selected dates: a register of tens of thousands of
documents a year wants a full-text index (SQLite FTS5, PostgreSQL tsvector) instead, not built yet."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, or_, select
from sqlalchemy.orm import Session

from registry.models import Document
from vntext import fold


@dataclass(frozen=True)
class RegisterQuery:
    number: str = ""  # the incoming number (số đến), the number of its số, ký hiệu, or a part of that
    issuer: str = ""
    type_name: str = ""
    words: str = ""  # words of the summary (trích yếu), each to be found
    start: date | None = None  # arrival dates, in the agency's time zone, both included
    end: date | None = None

    @property
    def empty(self) -> bool:
        return not (self.number or self.issuer or self.type_name or self.words or self.start or self.end)


@dataclass(frozen=True)
class RegisterPage:
    documents: tuple[Document, ...]
    total: int  # documents found in all
    page: int  # from 1
    pages: int


def _matches(document: Document, query: RegisterQuery) -> bool:
    if query.issuer and fold(query.issuer) not in fold(f"{document.organ_name or ''} {document.organ_parent or ''}"):
        return False
    if query.type_name and fold(query.type_name) not in fold(document.type_name or ""):
        return False
    summary = fold(document.subject or "")
    return all(word in summary for word in fold(query.words).split())


def search_register(session: Session, query: RegisterQuery, tz: ZoneInfo, *, page: int = 1,
                    per_page: int = 50) -> RegisterPage:
    """The documents the query finds, the last number first."""
    select_ = select(Document).order_by(Document.year.desc(), Document.arrival_number.desc())
    number = query.number.strip()
    if number:
        if number.isdigit():  # the incoming number, or the number of the số, ký hiệu ("501" finds 501/STP-VP)
            condition: ColumnElement[bool] = or_(Document.arrival_number == int(number), Document.notation.like(f"{number}/%"))
        else:
            condition = Document.notation.ilike(f"%{number}%")
        select_ = select_.where(condition)
    if query.start is not None:
        select_ = select_.where(Document.arrival_date >= datetime.combine(query.start, time(0), tz))
    if query.end is not None:
        select_ = select_.where(Document.arrival_date < datetime.combine(query.end + timedelta(days=1), time(0), tz))
    found = [d for d in session.scalars(select_) if _matches(d, query)]
    pages = max(1, -(-len(found) // per_page))
    page = min(max(1, page), pages)
    return RegisterPage(tuple(found[(page - 1) * per_page:page * per_page]), len(found), page, pages)
