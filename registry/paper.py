"""Registering paper documents by hand (the same series as electronic ones: NĐ 30/2020 Đ22.2),
and reading the register back in the order of Phụ lục IV."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone, tzinfo
from typing import Any

from sqlalchemy import select

from registry import audit
from registry.closed_years import refuse_if_closed
from registry.database import Register
from registry.models import Document
from registry.register_line import Issue, RegisterLine, earliest_same, register_incoming


@dataclass(frozen=True)
class PaperDocument:
    issuer: str
    number: str
    subject: str
    received_at: datetime
    issued_date: str | None = None
    type_name: str | None = None
    signer: str | None = None
    note: str | None = None
    secrecy: str | None = None  # Mật, Tối mật, Tuyệt mật: passed on by hand, never its content by mail
    agency: str | None = None  # the directory's name of the issuer, when it names one (an electronic twin's key)


class AlreadyRegistered(Exception):
    """NĐ 30/2020 Phụ lục VI: the register holds this document already (its electronic copy, or the same paper)."""

    def __init__(self, earlier: Document) -> None:
        super().__init__(f"the register holds this document already: incoming number {earlier.arrival_number} of "
                         f"{earlier.year} ({earlier.medium}, {earlier.organ_name} {earlier.notation}"
                         f"{', recalled' if earlier.recalled else ''})")
        self.earlier = earlier


def register_paper(register: Register, agency_code: str, doc: PaperDocument, *, actor: str,
                   again: bool = False) -> tuple[int, int]:
    """The next incoming number for a paper document; refused (AlreadyRegistered) when the register holds it by its
    issuer, number and year (or its directory agency, number and date), unless `again` (red team 65: the paper original
    of a document registered from mail got a second number, and its electronic twin after it was new)."""
    year = doc.received_at.year
    with register.session() as session, session.begin():
        if not again:
            issue = Issue(doc.issuer, None, doc.number, int(doc.issued_date[:4]) if doc.issued_date else year,
                          agency=doc.agency, date=doc.issued_date)
            earlier = earliest_same(session, agency_code, "", issue)
            if earlier is not None:
                raise AlreadyRegistered(earlier)
        row = register_incoming(session, agency_code, RegisterLine(
            medium="paper", basis="paper", received_at=doc.received_at, issuer=doc.issuer, notation=doc.number,
            subject=doc.subject, issued_date=doc.issued_date, type_name=doc.type_name, signer_name=doc.signer,
            description=doc.note, secrecy=doc.secrecy, agency=doc.agency,
        ), datetime.now(timezone.utc))
        refuse_if_closed(session, agency_code, year)  # asked with the series held: see close_year
        number = row.arrival_number
        audit.record(session, "register-paper", actor=actor, document_id=row.id, incoming_number=number, year=year)
    return number, year


def list_register(register: Register, agency_code: str, year: int | None, tz: tzinfo) -> list[dict[str, Any]]:
    """The register's lines, by year and incoming number (NĐ 30/2020 Phụ lục IV columns)."""
    with register.session() as session:
        query = select(Document).where(Document.agency_code == agency_code)
        if year is not None:
            query = query.where(Document.year == year)
        rows = session.scalars(query.order_by(Document.year, Document.arrival_number)).all()
        return [
            {
                "year": d.year, "incoming_number": d.arrival_number, "received_at": d.arrival_date.astimezone(tz).isoformat(),
                "issuer": d.organ_name, "number": d.notation, "date": d.issued_date, "type": d.type_name,
                "summary": d.subject, "medium": d.medium, "basis": d.basis, "recalled": d.recalled,
                "mail_id": d.mail_id,
            }
            for d in rows
        ]
