"""Alerts about quarantined mail, grouped by sender, so that ten thousand forged mails are not ten
thousand alerts: the clerk hears about one sender at most once an hour. Each mail whose alert is held
back is written in the audit log (`alert-held`), counted in the next alert about that sender and in
the digest. The mail itself is registered and waits for review as before: only the alert is held.
Alerts about urgent documents, and a proven sender's secret ones, are never held (the law wants them at
once); a forger writing a new From each time meets a cap on such alerts in all.

The register of it is the outbox (the alerts queued) and the audit log (the alerts held); both are
read and written in the intake's recording transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from gateway.model import Decision
from registry import audit
from registry.models import AuditEntry, Mail, Outbox

WINDOW = timedelta(hours=1)
ALL_SENDERS_PER_HOUR = 10  # a forger writes a new From each time: at most this many such alerts an hour in all
HELD = "alert-held"  # the audit action of an alert held back


@dataclass(frozen=True)
class AlertTurn:
    """Whether an alert about a quarantined mail goes now and, if it does, how many mails of the same
    sender were held back without an alert of their own since the previous alert to that clerk."""

    send: bool
    held_before: int = 0


def sender_key(address: str | None) -> str:
    """Who a quarantined mail is from, for grouping: its From in lower case ('' for a mail without one)."""
    return (address or "").lower()


def grouped(decision: Decision) -> bool:
    """Only alerts about quarantined mail are grouped (a forger's "MẬT" mark among them); an urgent
    document's alert and a proven sender's secret document's go at once."""
    return decision.verdict == "quarantined"


def due(previous: datetime | None, now: datetime) -> bool:
    # issue 10 (floods): at most one alert per sender an hour
    return previous is None or now - previous >= WINDOW


def admit(session: Session, mail: Mail, decision: Decision, clerk: str, now: datetime | None = None) -> int | None:
    """For an alert to `clerk` about `decision` on `mail`: None when it is held back (recorded as
    held in the audit log), else the count of mails held since the previous alert, for its text."""
    if not grouped(decision):
        return 0
    sender = sender_key(mail.from_address)
    turn = alert_turn(session, sender, clerk, now or datetime.now(timezone.utc))
    if not turn.send:
        audit.record(session, HELD, mail_id=mail.id, sender=sender, to=clerk)
        return None
    return turn.held_before


def alert_turn(session: Session, sender: str, clerk: str, now: datetime) -> AlertTurn:
    """Queue now, or hold back and count: against the last alert to `clerk` about `sender`'s quarantined mail."""
    previous = session.scalars(_quarantine_alerts(sender, clerk).order_by(Outbox.id.desc()).limit(1)).first()
    if not due(previous.created_at if previous else None, now):
        return AlertTurn(send=False)
    recent = session.scalar(select(func.count()).select_from(
        _quarantine_alerts(None, clerk).where(Outbox.created_at > now - WINDOW).subquery()))
    if (recent or 0) >= ALL_SENDERS_PER_HOUR:  # the rest are counted in the digest
        return AlertTurn(send=False)
    if previous is None:
        return AlertTurn(send=True)
    held = held_without_alert(session, previous.created_at, now, clerk=clerk).get(sender, 0)
    return AlertTurn(send=True, held_before=held)


def held_without_alert(
    session: Session, since: datetime, until: datetime, *, clerk: str | None = None,
) -> dict[str, int]:
    """Per sender: the mails whose alert was held back between `since` and `until` (to `clerk`, or
    to anyone) and that have no alert of their own (a mail of several documents has one alert)."""
    query = select(AuditEntry.mail_id, AuditEntry.details).where(
        AuditEntry.action == HELD, AuditEntry.at > since, AuditEntry.at <= until)
    by_sender: dict[str, set[int]] = {}
    for mail_id, details in session.execute(query):
        if mail_id is not None and (clerk is None or details.get("to") == clerk):
            by_sender.setdefault(str(details.get("sender", "")), set()).add(mail_id)
    held = set().union(*by_sender.values())
    alerted_query = select(Outbox.mail_id).where(Outbox.kind == "alert", Outbox.mail_id.in_(held))
    if clerk is not None:
        alerted_query = alerted_query.where(Outbox.recipient == clerk)
    alerted = set(session.scalars(alerted_query)) if held else set()
    return {sender: len(ids - alerted) for sender, ids in by_sender.items() if ids - alerted}


def _quarantine_alerts(sender: str | None, clerk: str) -> Select[Outbox]:
    """The outbox's alerts to `clerk` about quarantined mail from `sender` (None: from anyone): a
    mail held for review or a quarantined secret one, and no registered document (an urgent
    document's alert has one)."""
    query = (select(Outbox).join(Mail, Outbox.mail_id == Mail.id)
             .where(Outbox.kind == "alert", Outbox.recipient == clerk, Outbox.document_id.is_(None),
                    Mail.review.is_not(None) | (Mail.verdict == "quarantined")))
    return query if sender is None else query.where(func.lower(Mail.from_address) == sender)
