"""Putting an answer in the outbox: the one way a row of the outbox is made, rendered once and sent
as stored (gateway/outbox.py sends it). The kinds of answers and the states of a row and of an
outgoing document's recipient are the Literal types of registry/models.py, given here too."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any, Protocol, cast

from sqlalchemy import update
from sqlalchemy.engine import CursorResult
from sqlalchemy.orm import Session

from registry.models import Outbox, OutboxKind, OutboxState, OutgoingRecipient, RecipientState

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
            after: Outbox | None = None, state: OutboxState = "queued") -> Outbox:
    """Queue a rendered mail in the caller's transaction (flushed: the row has its id; with `flush`
    False, written with the transaction's next statement: intake, recording many mails at once); `after` and `state`:
    a recall notice, held (or withdrawn) until the document mail it recalls is settled (gateway/outbox.py)."""
    row = Outbox(mail_id=mail_id, document_id=document_id, kind=kind, recipient=recipient, subject=mail.subject,
                 message_id=mail.message_id, raw=mail.raw, state=state, attempts=0,
                 created_at=now or datetime.now(timezone.utc), after_id=None if after is None else after.id)
    session.add(row)
    if flush:
        session.flush()
    return row


def withdraw(row: Outbox, now: datetime) -> bool:
    """A document mail recalled while still queued is never sent (red team 148): withdrawn. True when it is settled so
    at once: no sender can hold it (never taken, its lease or wait over, or waiting after the server deferred it: a
    sender's claim clears the last error, gateway/outbox.py); False when a sender may be sending it now: settled by
    `settle_withdrawn` when its sender tells what the server said, or when its lease has run out (red team 149)."""
    row.state = "withdrawn"
    if row.next_attempt_at is None or row.next_attempt_at <= now or row.last_error is not None:
        row.next_attempt_at = None
        return True
    return False


def settle_withdrawn(session: Session, row: Outbox, *, sent: bool | None, now: datetime) -> None:
    """A withdrawn document mail settled: `sent` (a sender had it in hand when it was recalled, and the server took it:
    it is sent, and the recall notices made for it go now, even one made after its lease had run out), not sent (the
    server deferred or refused it: the notices held for it are withdrawn, nothing to recall), or None: its sender
    never told (it died, or outlived its lease): the server may have taken it, so the notices go (at worst the
    recipient answers that it knows no such document; red team 149: a letter kept without its recall)."""
    if sent:
        row.state, row.sent_at, row.last_error = "sent", now, None
    row.next_attempt_at = None
    made = Outbox.state.in_(("held", "withdrawn")) if sent else Outbox.state == "held"
    notices = cast(CursorResult[Any], session.execute(
        update(Outbox).where(Outbox.after_id == row.id, made).values(state="withdrawn" if sent is False else "queued")
        .execution_options(synchronize_session=False)))
    if sent is False or notices.rowcount:  # nothing went: nothing recalled from them; or its notice goes now
        session.execute(update(OutgoingRecipient).where(OutgoingRecipient.outbox_id == row.id)
                        .values(recall=None if sent is False else "requested").execution_options(synchronize_session=False))
