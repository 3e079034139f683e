"""Values are made to fit their columns before every flush, never refused with an exception: text
longer than its column is cut (ending in '…') with a note (a warning in the log and a
`value-truncated` entry in the audit log), and what no text column holds is taken out (NUL, lone
surrogates), in JSON values too; an integer out of the column's range is dropped (NULL) or bounded.
PostgreSQL refuses what SQLite takes (a Message-ID of 2,000 characters, an attachment name of 600):
a mail anyone can send must not be what the register refuses."""

from __future__ import annotations

import logging
from datetime import datetime, timezone
from typing import Any

from sqlalchemy import JSON, BigInteger, Integer, String, inspect
from sqlalchemy.orm import Session

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


def fit_to_columns(session: Session, _context: object, _instances: object) -> None:
    """The `before_flush` hook of the register's sessions."""
    from registry.models import AuditEntry

    notes: list[dict[str, Any]] = []
    for obj in [*session.new, *session.dirty]:
        if isinstance(obj, AuditEntry):
            obj.details = _clean_json(obj.details)
            continue
        mapper = inspect(obj).mapper
        for attr in mapper.column_attrs:
            column = attr.columns[0]
            value = getattr(obj, attr.key)
            if value is None:
                continue
            kind = column.type
            fitted = value
            if isinstance(kind, String) and isinstance(value, str):
                fitted = clean_text(value)
                if kind.length and len(fitted) > kind.length:
                    fitted = fitted[: kind.length - 1] + "…"
                    notes.append({"table": mapper.local_table.name, "column": column.name, "length": len(value),
                                  "kept": kind.length, "sha256": getattr(obj, "sha256", None)})
            elif isinstance(kind, JSON):
                fitted = _clean_json(value)
            elif isinstance(kind, Integer) and not isinstance(kind, BigInteger) and isinstance(value, int):
                if not INT32[0] <= value <= INT32[1]:
                    fitted = None if column.nullable else max(INT32[0], min(INT32[1], value))
                    notes.append({"table": mapper.local_table.name, "column": column.name, "value": str(value)[:40],
                                  "kept": fitted, "sha256": getattr(obj, "sha256", None)})
            if fitted != value:
                setattr(obj, attr.key, fitted)
    for note in notes:
        log.warning("%s.%s: a value out of the column's bounds, cut to fit (%s)", note["table"], note["column"], note)
        session.add(AuditEntry(at=datetime.now(timezone.utc), actor="gateway", action="value-truncated",
                               mail_id=None, document_id=None, details=note))
