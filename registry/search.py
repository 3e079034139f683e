"""Searching the incoming register (sổ đăng ký văn bản đến) by number, issuer, type, date range and
words of the summary, a page at a time, the last number first.

The words of the issuer, the type and the summary are found by the full-text index of migration
0012 (registry/search_index.py): SQLite's FTS5, PostgreSQL's tsvector; both without tones or case,
so "hoi nghi" finds "Hội nghị" and "Hội nghị" finds "HỘI NGHỊ". A word is matched whole ("nghi" does
not find "nghiệp"), and the last word of each field as a prefix too, as one types it."""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, Select, and_, func, or_, select, text
from sqlalchemy.orm import Session

from registry.models import Document
from registry.search_index import POSTGRES_VECTOR, SQLITE_FTS_TABLE
from vntext import fold, notation_key

_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class RegisterQuery:
    number: str = ""  # the incoming number (số đến), the number of its số, ký hiệu, or a part of that
    issuer: str = ""
    type_name: str = ""
    words: str = ""  # words of the summary (trích yếu), each to be found
    start: date | None = None  # arrival dates, in the agency's time zone, both included
    end: date | None = None


@dataclass(frozen=True)
class RegisterPage:
    documents: tuple[Document, ...]
    total: int  # documents found in all
    page: int  # from 1
    pages: int


def _words(value: str) -> list[str]:
    """The words as the index keeps them: folded, lower case ('Đồng' -> 'dong')."""
    return [w for w in _WORD.findall(fold(value).lower()) if w][:12]


def _sqlite_word(word: str, last: bool) -> str:
    """An FTS5 query for one folded word: FTS5 drops the tones but keeps đ, a letter of its own, so a
    'd' is asked as either ('dong' finds 'Đồng'); quoted, so nothing typed is FTS5 syntax."""
    spots = [i for i, ch in enumerate(word) if ch == "d"][:3]
    forms = []
    for choice in itertools.product("dđ", repeat=len(spots)):
        letters = list(word)
        for spot, letter in zip(spots, choice, strict=True):
            letters[spot] = letter
        forms.append('"' + "".join(letters) + '"' + ("*" if last else ""))
    return forms[0] if len(forms) == 1 else "(" + " OR ".join(forms) + ")"


def _sqlite_match(fields: list[tuple[str, list[str]]]) -> str:
    parts = []
    for columns, words in fields:
        asked = " AND ".join(_sqlite_word(w, i == len(words) - 1) for i, w in enumerate(words))
        parts.append(f"{{{columns}}} : ({asked})")
    return " AND ".join(parts)


def _postgres_query(fields: list[tuple[str, list[str]]]) -> str:
    return " & ".join(f"{w}:{'*' if i == len(words) - 1 else ''}{weight}"
                      for weight, words in fields for i, w in enumerate(words))


def where_words(select_: Select[Document], session: Session, query: RegisterQuery) -> Select[Document]:
    issuer, type_name, words = _words(query.issuer), _words(query.type_name), _words(query.words)
    if not (issuer or type_name or words):
        return select_
    select_ = select_.where(Document.secrecy.is_(None))  # a secret document is found by its number only
    if session.get_bind().dialect.name == "sqlite":
        fields = [(c, w) for c, w in (("organ_name organ_parent", issuer), ("type_name", type_name), ("subject", words)) if w]
        found = text(f"SELECT rowid FROM {SQLITE_FTS_TABLE} WHERE {SQLITE_FTS_TABLE} MATCH :match")
        return select_.where(Document.id.in_(found.bindparams(match=_sqlite_match(fields))))
    fields = [(weight, w) for weight, w in (("A", issuer), ("B", type_name), ("C", words)) if w]
    matched = text(f"({POSTGRES_VECTOR}) @@ to_tsquery('simple', :tsquery)").bindparams(tsquery=_postgres_query(fields))
    return select_.where(matched)


def search_register(session: Session, query: RegisterQuery, tz: ZoneInfo, *, page: int = 1,
                    per_page: int = 50, agency_code: str | None = None) -> RegisterPage:
    """The documents the query finds, the last number first; `agency_code`: in that agency's register only (the desk's:
    red team 155 found another agency's of one database listed)."""
    select_ = select(Document) if agency_code is None else select(Document).where(Document.agency_code == agency_code)
    number = query.number.strip()
    if number:
        # a secret document is found by its incoming number only: a hit on its số, ký hiệu would tell it
        notation = Document.secrecy.is_(None)
        # the incoming number, or the number of the số, ký hiệu ("501" finds 501/STP-VP)
        # both on its key, however either is written (case, "đ", leading zeros: red team 65), % and _ as typed; typed
        # without "Đ" (a keyboard without Vietnamese), its "D"s find "Đ"s too (red team 69)
        typed = notation_key(number).replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        key = Document.notation_key if "Đ" in typed else func.replace(Document.notation_key, "Đ", "D")
        if number.isascii() and number.isdigit():
            condition: ColumnElement[bool] = and_(notation, Document.notation_key.like(f"{typed}/%", escape="\\"))
            if len(number) <= 9:  # an incoming number the register's integers hold
                condition = or_(Document.arrival_number == int(number), condition)
        else:
            condition = and_(notation, key.like(f"%{typed}%", escape="\\"))
        select_ = select_.where(condition)
    # the calendar's first and last days bound nothing (and would leave it when turned into instants)
    if query.start is not None and query.start > date.min:
        select_ = select_.where(Document.arrival_date >= datetime.combine(query.start, time(0), tz))
    if query.end is not None and query.end < date.max:
        select_ = select_.where(Document.arrival_date < datetime.combine(query.end + timedelta(days=1), time(0), tz))
    select_ = where_words(select_, session, query)
    total = session.scalar(select(func.count()).select_from(select_.subquery())) or 0
    pages = max(1, -(-total // per_page))
    page = min(max(1, page), pages)
    ordered = select_.order_by(Document.year.desc(), Document.arrival_number.desc())
    return RegisterPage(tuple(session.scalars(ordered.offset((page - 1) * per_page).limit(per_page))), total, page, pages)
