"""Putting an answer in the outbox: the one way a row of the outbox is made, rendered once and sent
as stored (gateway/outbox.py sends it). The kinds of answers and the states of a row and of an
outgoing document's recipient are the Literal types of registry/models.py, given here too."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Protocol

from sqlalchemy.orm import Session

from registry.models import Outbox, OutboxKind, OutboxState, RecipientState

__all__ = ["OutboxKind", "OutboxState", "RecipientState", "Rendered", "enqueue"]


class Rendered(Protocol):
    """A mail as it will be sent (gateway.exchange.answers.RenderedAnswer)."""

    @property
    def subject(self) -> str: ...
    @property
    def message_id(self) -> str: ...
    @property
    def raw(self) -> bytes: ...


def enqueue(session: Session, kind: OutboxKind, recipient: str, mail: Rendered, *, mail_id: int | None = None,
            document_id: int | None = None, now: datetime | None = None, flush: bool = True) -> Outbox:
    """Queue a rendered mail in the caller's transaction (flushed: the row has its id; with `flush`
    False, written with the transaction's next statement: intake, recording many mails at once)."""
    row = Outbox(mail_id=mail_id, document_id=document_id, kind=kind, recipient=recipient, subject=mail.subject,
                 message_id=mail.message_id, raw=mail.raw, state="queued", attempts=0,
                 created_at=now or datetime.now(timezone.utc))
    session.add(row)
    if flush:
        session.flush()
    return row
