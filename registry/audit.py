"""The append-only audit log: who did what, when."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from sqlalchemy.orm import Session

from registry.models import AuditEntry


def record(
    session: Session, action: str, *, actor: str = "gateway", mail_id: int | None = None,
    document_id: int | None = None, **details: Any,
) -> None:
    session.add(AuditEntry(
        at=datetime.now(timezone.utc), actor=actor, action=action, mail_id=mail_id,
        document_id=document_id, details=details,
    ))
