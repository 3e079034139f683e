"""Putting an answer in the outbox: the one way a row of the outbox is made, rendered once and sent
as stored (gateway/outbox.py sends it). The kinds of answers and the states of a row and of an
outgoing document's recipient are the Literal types of registry/models.py, given here too."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Protocol

from sqlalchemy import update
from sqlalchemy.orm import Session

from registry.models import Outbox, OutboxKind, OutboxState, RecipientState

__all__ = ["OutboxKind", "OutboxState", "RecipientState", "Rendered", "enqueue", "settle_withdrawn", "withdraw"]


class Rendered(Protocol):
    """A mail as it will be sent (gateway.exchange.answers.RenderedAnswer)."""

    @property
    def subject(self) -> str: ...
    @property
    def message_id(self) -> str: ...
    @property
    def raw(self) -> bytes: ...


def enqueue(session: Session, kind: OutboxKind, recipient: str, mail: Rendered, *, mail_id: int | None = None,
            document_id: int | None = None, now: datetime | None = None, flush: bool = True,
            after: Outbox | None = None) -> Outbox:
    """Queue a rendered mail in the caller's transaction (flushed: the row has its id; with `flush`
    False, written with the transaction's next statement: intake, recording many mails at once); `after`: held until
    that mail is settled (a recall notice and the document mail it recalls, gateway/outbox.py)."""
    row = Outbox(mail_id=mail_id, document_id=document_id, kind=kind, recipient=recipient, subject=mail.subject,
                 message_id=mail.message_id, raw=mail.raw, state="queued" if after is None else "held", attempts=0,
                 created_at=now or datetime.now(timezone.utc), after_id=None if after is None else after.id)
    session.add(row)
    if flush:
        session.flush()
    return row


def withdraw(row: Outbox, now: datetime) -> bool:
    """A document mail recalled while still queued is never sent (red team 148): withdrawn. True when it is settled so
    at once (no sender can hold it: never taken, or its lease or wait over); False when a sender may be sending it
    now (leased) or it waits to be tried again: `settle_withdrawn` settles it when its sender tells what the server
    said, or when that time has passed (gateway/outbox.py)."""
    row.state = "withdrawn"
    if row.next_attempt_at is None or row.next_attempt_at <= now:
        row.next_attempt_at = None
        return True
    return False


def settle_withdrawn(session: Session, row: Outbox, *, sent: bool, now: datetime) -> None:
    """A withdrawn document mail settled: sent after all (a sender had it in hand when it was recalled: it is sent, and
    the recall notices held for it go now), or never (the notices held for it are withdrawn too: nothing to recall)."""
    if sent:
        row.state, row.sent_at, row.last_error = "sent", now, None
    row.next_attempt_at = None
    held = Outbox.state.in_(("held", "withdrawn")) if sent else Outbox.state == "held"  # sent past its lease: told late
    session.execute(update(Outbox).where(Outbox.after_id == row.id, held)
                    .values(state="queued" if sent else "withdrawn").execution_options(synchronize_session=False))
