"""The clerk's digest (133/2015 Đ10: the mailbox is checked at the end of the morning and of the
afternoon): what was registered, returned and quarantined since the last digest, what still waits
for review (with, per sender, the quarantined mails whose alert was held back: `intake/alerts.py`), and
answers that could not be sent. Queued in the outbox like any answer.

The daemon runs it with APScheduler at the times of `schedule.digest`, its jobs kept in the
register's database (a digest missed while the gateway was down is sent once when it is back).
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

from sqlalchemy import or_, select

from gateway.app import Gateway
from gateway.intake import alerts
from gateway.model import MailOutcome
from registry import audit, locks, queries
from registry.models import AuditEntry, Document, Mail, Outbox
from registry.outbox import enqueue


# The mails waiting for the clerk are listed oldest first as far as this, the rest counted (red team 22: 10,000 held
# mails of long subjects made a digest of 42 MB, past what a mail server takes, twice a day)
LISTED = 50
DIGEST_LOCK_WAIT_MS = 10_000
RELISTED = timedelta(days=7)
SUBJECT_SHOWN = 200


def queue_digest(gateway: Gateway, now: datetime | None = None, *, unless_made_since: datetime | None = None) -> int:
    """Queue one digest to each clerk address; returns the outbox ids' count. `unless_made_since`: none if one was made
    since then (a scheduled run tried again, red team 91: the clerk's by hand meanwhile, or its own first try whose
    commit was done but not answered, and the clerks got two)."""
    now = now or datetime.now(timezone.utc)
    tz = gateway.config.tz
    with gateway.register.session() as session, session.begin():
        # two at once (PostgreSQL) would each see no digest since; one held up (a `digest` stopped by Ctrl-Z) is waited
        # for a moment, then the scheduled run tries again later and the daemon's stop is not held (red team 93)
        locks.hold(session, locks.DIGEST, wait_ms=DIGEST_LOCK_WAIT_MS)
        made = session.scalars(select(AuditEntry.at).where(AuditEntry.action == "digest").order_by(AuditEntry.id.desc())).first()
        if unless_made_since is not None and made is not None and made >= unless_made_since:
            return 0
        # since the last digest the clerks were sent, as the desk's landing page counts: what one refused or still queued
        # lists is listed again (red teams 94 and 95: one refused, even after the next was made, left what it listed in
        # no digest the clerks got and off the page); never from further back than RELISTED before the last one made
        # (the submission server down for weeks: no digest without end)
        last = max(filter(None, (queries.last_digest_sent(session), made - RELISTED if made else None)), default=None)
        since = last or datetime.fromtimestamp(0, timezone.utc)
        registered = session.scalars(select(Document).where(Document.created_at > since, Document.created_at <= now)
                                     .order_by(Document.year, Document.arrival_number)).all()
        returned = session.scalars(select(Mail).where(Mail.verdict == "returned", Mail.created_at > since,
                                                      Mail.created_at <= now).order_by(Mail.id)).all()
        waiting = queries.waiting_mails(session, limit=LISTED)
        waiting_count = queries.waiting_count(session)
        # failed since, however long before each was queued: given up after two days of tries (red team 69: never listed)
        given_up = [d.get("outbox_id") for d in session.scalars(select(AuditEntry.details).where(
            AuditEntry.action == "outbox-failed", AuditEntry.at > since, AuditEntry.at <= now))]
        failed = session.scalars(select(Outbox).where(Outbox.state == "failed", or_(
            Outbox.created_at > since, Outbox.id.in_([i for i in given_up if isinstance(i, int)]))).order_by(Outbox.id)).all()
        held = alerts.held_without_alert(session, since, now)
        context: dict[str, Any] = {
            "since_text": since.astimezone(tz).strftime("%H:%M %d/%m/%Y") if last else "khi bắt đầu",
            "until_text": now.astimezone(tz).strftime("%H:%M %d/%m/%Y"),
            # each number with its year (red team 107: two "Số đến 1" in the digest after New Year)
            "registered": [{"number": f"{d.arrival_number}/{d.year}", "issuer": d.organ_name, "notation": d.notation,
                            "priority": d.priority, "summary": d.subject} for d in registered],
            "returned": [_mail(m) for m in returned],
            "waiting": [_mail(m) for m in waiting], "waiting_count": waiting_count,
            "failed": [{"kind": f.kind, "to": f.recipient, "error": f.last_error} for f in failed],
            "held": [{"sender": sender, "count": count}
                     for sender, count in sorted(held.items(), key=lambda item: (-item[1], item[0]))],
        }
        for clerk in gateway.config.clerk_addresses:
            answer = gateway.writer.render("digest", clerk, context, key=f"digest:{now.isoformat()}", in_reply_to=None)
            enqueue(session, "digest", clerk, answer, now=now)
        audit.record(session, "digest", registered=len(registered), returned=len(returned), waiting=waiting_count,
                     held_alerts=sum(held.values()))
    return len(gateway.config.clerk_addresses)


def _mail(m: Mail) -> dict[str, Any]:
    reasons = sorted({r.code for o in MailOutcome.from_json(m.outcome).documents for r in o.reasons
                      if r.severity == "error"})
    return {"id": m.id, "sender": m.from_address, "subject": (m.subject or "")[:SUBJECT_SHOWN], "reasons": reasons}
