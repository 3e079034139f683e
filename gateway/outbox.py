"""Sending the outbox: answers are persisted before they are sent (intake queues them in the same
transaction that registers the mail), sent as stored, marked sent once the server accepts them,
retried with backoff on temporary failures and marked failed on permanent ones (000 Đ9.1.c: the
sender is told automatically). Each sender leases what it takes, so two senders never send one
message. A crash between the server's acceptance and the mark sends that message again, at worst,
with the same Message-ID, once its lease has run out."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

from sqlalchemy import case, func, or_, select, update
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from gateway.config import MailServer
from gateway.exchange.tracking import follow_outbox
from gateway.mailboxes import mail_server
from qlvb_mailbox.smtp import Envelope, Result, send_all
from registry import audit
from registry.database import Register
from registry.models import Outbox, OutgoingRecipient
from registry.outbox import settle_withdrawn

log = logging.getLogger("qlvb.outbox")

BATCH = 50
# 000 Đ9.1.c: a message the server takes and cannot deliver yet (4xx) is given up after these tries AND this long, whatever
# came first (12 tries alone were 5.7 hours with the backoff below, where two days were meant: red team 63)
MAX_ATTEMPTS = 12
GIVE_UP_AFTER = timedelta(days=2)
FIRST_RETRY = timedelta(seconds=10)
LONGEST_WAIT = timedelta(hours=4)
# A message never put to the server (it was down, refused our login, or the connection broke on another) is no try of
# its own and never given up: asked again after a tenth of its wait so far, 10 s to a minute, for as long as the outage
# lasts (red team 63: a night of the mail server down failed every queued document for good)
UNTRIED_WAIT = timedelta(minutes=1)


def untried_wait(waited: timedelta) -> timedelta:
    return min(max(FIRST_RETRY, waited / 10), UNTRIED_WAIT)
RECORD_EVERY = 5.0  # seconds: how long the server's answers wait to be written down during a batch
RECORD_AGAIN = 2.0  # seconds between tries to write them down when the register cannot take them (a full disk)
STOPPING_PATIENCE = 6.0  # seconds of those tries when the daemon is stopping
LEASE = timedelta(minutes=2)  # a message taken by a sender that died (a crash) is due again after this


def backoff(attempts: int) -> timedelta:
    """10 s, 20 s, 40 s, … up to 4 h between tries."""
    return min(FIRST_RETRY * (2 ** max(attempts - 1, 0)), LONGEST_WAIT)


@dataclass
class OutboxSender:
    register: Register
    server: MailServer
    sender: str  # the envelope sender: our agency's mailbox, where delivery reports come back
    _down: bool = field(default=False, init=False)  # the last batch was put to the server not at all

    def send_due(self, now: datetime | None = None, *, go_on: Callable[[], bool] = lambda: True) -> int:
        """Send what is queued and due; returns how many the server accepted. Each message is recorded within seconds of the
        server answering for it, and no message is begun past half its lease (red team 61: a batch recorded at its end
        outlived its lease to a slow server, and another sender sent it all again); the messages not begun (past that,
        or `go_on` False: the daemon stopping) are given back at once."""
        now = now or datetime.now(timezone.utc)
        envelopes, letters = self._claim(now)
        if not envelopes:
            return 0
        begun = recorded = time.monotonic()
        sent = 0
        heard: list[Result] = []

        def record() -> None:
            nonlocal sent, recorded
            sent += self._record(heard, now)
            heard.clear()
            recorded = time.monotonic()

        answered: set[int] = set()

        def told(result: Result) -> None:  # written down every few seconds, well within the lease (a commit a message
            answered.add(result.key)  # cost the daemon process 3 ms a mail)
            heard.append(result)
            if time.monotonic() - recorded >= min(RECORD_EVERY, LEASE.total_seconds() / 4):
                try:
                    record()
                except (OperationalError, OSError) as exc:  # kept, written down at the batch's end (below)
                    log.warning("outbox: the server's answers not written down yet (%s: %s)", type(exc).__name__, exc)

        results: list[Result] = []
        try:
            results = send_all(mail_server(self.server), envelopes, told=told,
                               go_on=lambda: go_on() and time.monotonic() - begun < LEASE.total_seconds() / 2,
                               wanted=lambda envelope: envelope.key not in letters or self._still_queued(envelope.key))
        finally:  # whatever stopped the batch, what the server said is written down and the rest given back (red team 70:
            try:  # an error the sending raised left the answers it had sent unrecorded, sent again at each lease)
                if heard:  # within the lease (after it another sender may take them: red team 159), briefly if stopping
                    within = begun + LEASE.total_seconds() * 0.9 - time.monotonic()
                    _patiently(record, within if go_on() else min(within, STOPPING_PATIENCE))
            finally:
                if unanswered := [e.key for e in envelopes if e.key not in answered]:
                    self._give_back(unanswered)
        down = bool(results) and not any(r.tried for r in results)
        if down != self._down:  # said once as the server goes away and once as it comes back (red team 69: never)
            (log.warning if down else log.info)("the submission server %s: %s", "takes no mail" if down else "takes mail again",
                                                results[0].detail if down else f"{sent} sent")
            self._down = down
        return sent

    def _record(self, results: list[Result], now: datetime) -> int:
        """The server's answers written down; how many it accepted."""
        sent = 0
        keys = [r.key for r in results]
        with self.register.session() as session, session.no_autoflush:  # each row's change flushed once, at commit
            rows = {r.id: r for r in session.scalars(select(Outbox).where(Outbox.id.in_(keys)))}
            followed = set(session.scalars(select(OutgoingRecipient.outbox_id).where(OutgoingRecipient.outbox_id.in_(keys))))
            for result in results:
                row = rows.get(result.key)
                if row is not None and row.state == "withdrawn":  # recalled while this sender had it in hand
                    settle_withdrawn(session, row, sent=result.tried and result.outcome == "sent", now=now)
                    if row.id in followed:
                        follow_outbox(session, row)
                    sent += row.state == "sent"
                    continue
                if row is None or row.state != "queued":
                    continue
                if not result.tried:
                    row.last_error, row.next_attempt_at = result.detail, now + untried_wait(now - row.created_at)
                    continue
                row.attempts += 1
                if result.outcome == "sent":
                    row.state, row.sent_at, row.last_error, row.next_attempt_at = "sent", datetime.now(timezone.utc), None, None
                    sent += 1
                elif result.outcome == "permanent" or (row.attempts >= MAX_ATTEMPTS and now - row.created_at >= GIVE_UP_AFTER):
                    row.state, row.last_error, row.next_attempt_at = "failed", result.detail, None
                    audit.record(session, "outbox-failed", mail_id=row.mail_id, outbox_id=row.id,
                                 recipient=row.recipient, error=result.detail)
                else:
                    row.last_error, row.next_attempt_at = result.detail, now + backoff(row.attempts)
                if row.id in followed:  # a document we sent: its recipient's line follows (an answer has none)
                    follow_outbox(session, row)
            session.commit()
        return sent

    def _give_back(self, keys: list[int]) -> None:
        """Messages claimed and not begun: due again now, for any sender."""
        with self.register.session() as session:
            session.execute(update(Outbox).where(Outbox.id.in_(keys), Outbox.state == "queued")
                            .values(next_attempt_at=None).execution_options(synchronize_session=False))
            session.commit()

    def _still_queued(self, key: int) -> bool:
        """Whether a letter of ours this sender holds is still to go (not recalled since it was taken: red team 149)."""
        with self.register.session() as session:
            return session.scalar(select(Outbox.state).where(Outbox.id == key)) == "queued"

    def _claim(self, now: datetime) -> tuple[list[Envelope], set[int]]:
        """Take the due messages for this sender alone: each is leased (its next attempt moved past
        LEASE) in one transaction, so that the daemon and a `send` or `recall` at the command line,
        or two gateways on one register, never send one message twice; and which of them are our letters."""
        due = (Outbox.state == "queued", or_(Outbox.next_attempt_at.is_(None), Outbox.next_attempt_at <= now))
        with self.register.session() as session:
            self._settle_withdrawn(session, now)
            ids = session.scalars(select(Outbox.id).where(*due).order_by(Outbox.id).limit(BATCH)).all()
            taken = list(session.scalars(  # in one statement; a row another sender took meanwhile no longer matches
                # a letter's last error cleared: one recalled now is one a sender may have in hand (registry.outbox.withdraw;
                # an answer's is kept, which `status` tells while the server refuses us)
                update(Outbox).where(Outbox.id.in_(ids), *due).values(
                    next_attempt_at=now + LEASE, last_error=case((Outbox.kind == "document", None), else_=Outbox.last_error))
                .returning(Outbox.id).execution_options(synchronize_session=False)))
            session.commit()
            rows = session.scalars(select(Outbox).where(Outbox.id.in_(taken)).order_by(Outbox.id)).all()
            return [Envelope(r.id, self.sender, r.recipient, r.raw) for r in rows], {r.id for r in rows if r.kind == "document"}

    @staticmethod
    def _settle_withdrawn(session: Session, now: datetime) -> None:
        """Document mails recalled while a sender had them in hand, whose lease is over and whose sender never told
        what the server said (it died, or outlived its lease): they are not sent again, and their recall notices go."""
        for row in session.scalars(select(Outbox).where(Outbox.state == "withdrawn", Outbox.next_attempt_at <= now)):
            settle_withdrawn(session, row, sent=None, now=now)  # its sender never told: the notices go
            follow_outbox(session, row)

    def next_due(self) -> datetime | None:
        """When the earliest queued message is due (None: nothing queued)."""
        queued = Outbox.state == "queued"
        with self.register.session() as session:  # asked at every turn: two answers, not every queued row
            if session.scalar(select(Outbox.id).where(queued, Outbox.next_attempt_at.is_(None)).limit(1)) is not None:
                return datetime.now(timezone.utc)
            waiting = or_(queued, Outbox.state == "withdrawn")  # a withdrawn mail's wait over: settled (_claim)
            return session.scalar(select(func.min(Outbox.next_attempt_at)).where(waiting))


def _patiently(write: Callable[[], None], seconds: float) -> None:
    """`write` tried again while the register cannot take it (a full disk, a lock held), within `seconds`: what the
    server took, forgotten, goes again once its lease runs out (red team 157: the disk full as an acknowledgement went,
    freed ten seconds later, and the acknowledgement was due to go twice)."""
    deadline, said = time.monotonic() + seconds, False
    while True:
        try:
            write()
            return
        except (OperationalError, OSError) as exc:
            if time.monotonic() + RECORD_AGAIN > deadline:
                raise
            if not said:  # once a batch
                log.warning("outbox: the server's answers not written down (%s: %s); trying again every %g s",
                            type(exc).__name__, exc, RECORD_AGAIN)
                said = True
            time.sleep(RECORD_AGAIN)
