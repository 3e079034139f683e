"""Values are made to fit their columns before every flush, never refused with an exception: text
longer than its column is cut (ending in '…') with a note (a warning in the log and a
`value-truncated` entry in the audit log), and what no text column holds is taken out (NUL, lone
surrogates), in JSON values too; an integer out of the column's range is dropped (NULL) or bounded.
PostgreSQL refuses what SQLite takes (a Message-ID of 2,000 characters, an attachment name of 600):
a mail anyone can send must not be what the register refuses."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Literal

from sqlalchemy import JSON, BigInteger, Integer, String, inspect
from sqlalchemy.orm import Mapper, Session

log = logging.getLogger("qlvb.register")

INT32 = (-(2**31), 2**31 - 1)


def clean_text(value: str) -> str:
    """Without NUL and lone surrogates (neither PostgreSQL nor UTF-8 holds them)."""
    if "\x00" in value:
        value = value.replace("\x00", "")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        value = value.encode("utf-8", "replace").decode("utf-8")
    return value


def _clean_json(value: Any) -> Any:
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, list):
        return [_clean_json(v) for v in value]
    if isinstance(value, dict):
        return {clean_text(str(k)): _clean_json(v) for k, v in value.items()}
    return value


@dataclass(frozen=True)
class _Bound:
    """A column whose values may not fit it: text (with its length, if any), JSON, or a 32-bit integer."""

    key: str  # the attribute's name on the mapped class
    table: str
    column: str
    kind: Literal["text", "json", "int32"]
    length: int | None
    nullable: bool


_BOUNDS: dict[type, tuple[_Bound, ...]] = {}


def _bounds(cls: type) -> tuple[_Bound, ...]:
    """The bounded columns of a mapped class, looked up once (a flush looks at every row it writes)."""
    known = _BOUNDS.get(cls)
    if known is None:
        known = _BOUNDS[cls] = _bounds_of(inspect(cls))
    return known


def _bounds_of(mapper: Mapper[Any]) -> tuple[_Bound, ...]:
    bounds = []
    table = str(getattr(mapper.local_table, "name", mapper.local_table))
    for attr in mapper.column_attrs:
        column = attr.columns[0]
        kind = column.type
        found: Literal["text", "json", "int32"] | None = (
            "text" if isinstance(kind, String) else "json" if isinstance(kind, JSON)
            else "int32" if isinstance(kind, Integer) and not isinstance(kind, BigInteger) else None)
        if found is not None:
            length = kind.length if isinstance(kind, String) else None
            bounds.append(_Bound(attr.key, table, column.name, found, length, bool(column.nullable)))
    return tuple(bounds)


def fit_to_columns(session: Session, _context: object, _instances: object) -> None:
    """The `before_flush` hook of the register's sessions. Only the values the session holds are looked
    at (what was never loaded or set came from the database, and fits it)."""
    from registry.models import AuditEntry

    notes: list[dict[str, Any]] = []
    for obj in [*session.new, *session.dirty]:
        if isinstance(obj, AuditEntry):
            obj.details = _clean_json(obj.details)
            continue
        values = obj.__dict__
        for bound in _bounds(type(obj)):
            value = values.get(bound.key)
            if value is None:
                continue
            fitted = value
            if bound.kind == "text" and isinstance(value, str):
                fitted = clean_text(value)
                if bound.length and len(fitted) > bound.length:
                    fitted = fitted[: bound.length - 1] + "…"
                    notes.append({"table": bound.table, "column": bound.column, "length": len(value),
                                  "kept": bound.length, "sha256": values.get("sha256")})
            elif bound.kind == "json":
                fitted = _clean_json(value)
            elif bound.kind == "int32" and isinstance(value, int) and not INT32[0] <= value <= INT32[1]:
                fitted = None if bound.nullable else max(INT32[0], min(INT32[1], value))
                notes.append({"table": bound.table, "column": bound.column, "value": str(value)[:40],
                              "kept": fitted, "sha256": values.get("sha256")})
            if fitted != value:
                setattr(obj, bound.key, fitted)
    for note in notes:
        log.warning("%s.%s: a value out of the column's bounds, cut to fit (%s)", note["table"], note["column"], note)
        session.add(AuditEntry(at=datetime.now(timezone.utc), actor="gateway", action="value-truncated",
                               mail_id=None, document_id=None, details=note))
