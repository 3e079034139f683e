"""The gateway running by itself: watch the official mailboxes, take each new mail through intake,
file it by verdict once the register has committed, send the outbox; reconnect after failures.

One loop, in one thread: a mailbox is read, its new mails analysed by the worker processes (both
cores) and registered, then filed; the outbox is sent; then the loop waits on IMAP IDLE (or polls)
until new mail or the next retry is due. Crash safety comes from the order of things: a mail is
filed only after its registration committed, and its UID is recorded only after it is filed; a
mail seen again after a crash is recognised by intake (Message-ID and SHA-256) and only filed.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from collections.abc import Callable
from concurrent import futures
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

from gateway.app import Gateway
from gateway.config import MailboxSource
from gateway.guard import blame, fault_name
from gateway.intake.pipeline import IncomingMail, Intake
from gateway.mailboxes import mail_server, open_mailbox
from gateway.metrics import DaemonMetrics
from gateway.model import Verdict
from gateway.outbox import OutboxSender
from gateway.outgoing.folder import FOLDER_OF, outgoing_folders, take_dropped
from gateway.outgoing.send import OutgoingSender
from gateway.workers import Job, Result, mail_result
from qlvb_mailbox.imap import NETWORK_ERRORS, FetchedMail, ImapMailbox
from qlvb_mailbox.maildir import MaildirMailbox
from registry.models import MailboxState

if TYPE_CHECKING:
    from aiosmtpd.controller import Controller

log = logging.getLogger("qlvb.daemon")

_RUNNING: "Daemon | None" = None  # the daemon whose jobs the scheduler runs


def scheduled_digest() -> None:
    """The digest job (referred to by name in the job store)."""
    from gateway.digest import queue_digest

    if _RUNNING is not None:
        queue_digest(_RUNNING.gateway)  # sent by the loop within one wait (poll_seconds)


def scheduled_crl_refresh() -> None:
    """The CRL job: fetch trust.crl_urls into the folder the workers read."""
    from gateway.crls import refresh_crls

    if _RUNNING is None:
        return
    gateway = _RUNNING.gateway
    for result in refresh_crls(gateway.config.trust.crl_urls, gateway.fetched_crls):
        (log.info if result.ok else log.warning)("CRL %s: %s", result.url, result.detail)


# The folder each verdict files a mail into (duplicates are filed with the accepted ones).
VERDICT_FOLDER: dict[Verdict, str] = {"accepted": "accepted", "duplicate": "accepted", "returned": "returned",
                  "quarantined": "quarantined", "ignored": "ignored"}
BATCH = 20  # mails fetched at once, and recorded at most in one transaction
MB = 1024 * 1024
MAX_PASSES = 4  # passes over a mailbox in one turn, while mail keeps arriving
MAX_BACKOFF = 60.0


@dataclass(frozen=True)
class Connected:
    """A turn in a mailbox began: the folder as the daemon found it, and what waits in it."""

    uidvalidity: int | None
    last_uid: int
    backlog: int

    def apply(self, state: MailboxState, now: datetime) -> None:
        state.connected, state.uidvalidity, state.last_uid = True, self.uidvalidity, self.last_uid
        state.backlog, state.last_error = self.backlog, None


@dataclass(frozen=True)
class Filed:
    """Mails taken in and filed: when, what is left (None: not counted) and the last UID (None: none had one)."""

    at: datetime
    backlog: int | None = None
    last_uid: int | None = None

    def apply(self, state: MailboxState, now: datetime) -> None:
        state.last_mail_at = self.at
        if self.backlog is not None:
            state.backlog = self.backlog
        if self.last_uid is not None:
            state.last_uid = self.last_uid


@dataclass(frozen=True)
class Disconnected:
    """The connection closed: on stopping (no error), or by a failure, which starts a run of them."""

    error: str | None = None

    def apply(self, state: MailboxState, now: datetime) -> None:
        state.connected = False
        if self.error is not None:
            state.last_error = self.error
            if state.failing_since is None:
                state.failing_since = now  # until a step succeeds (Recovered)


@dataclass(frozen=True)
class Recovered:
    """A step succeeded after failures (perhaps from before a restart): the run of them ends."""

    def apply(self, state: MailboxState, now: datetime) -> None:
        state.failing_since = None


StateChange = Connected | Filed | Disconnected | Recovered  # what the daemon writes of a mailbox's state


class _Either:
    """Set when either event is: what a wait returns early for."""

    def __init__(self, *events: threading.Event) -> None:
        self.events = events

    def is_set(self) -> bool:
        return any(e.is_set() for e in self.events)


@dataclass(frozen=True)
class _Taken:
    """A mail fetched and handed to the workers."""

    mail: FetchedMail
    result: futures.Future[Result]

    @property
    def size(self) -> int:
        return len(self.mail.raw)


@dataclass
class Watcher:
    """One mailbox: its IMAP connection (or Maildir) and when to try again after a failure."""

    source: MailboxSource
    mailbox: ImapMailbox | MaildirMailbox
    failures: int = 0
    retry_at: float = 0.0
    error: str | None = None
    outgoing: ImapMailbox | None = None  # the clerk's outgoing folder, over its own connection
    failing: bool = True  # until a step succeeds (failing_since may be left in the database by a run before)
    more: bool = False  # mail may be waiting still (its turn ended): no wait before the next

    @property
    def name(self) -> str:
        return self.source.name


@dataclass
class Daemon:
    gateway: Gateway
    intake: Intake
    sender: OutboxSender | None
    stop: threading.Event = field(default_factory=threading.Event)
    watchers: list[Watcher] = field(default_factory=list)
    wake: threading.Event = field(default_factory=threading.Event)  # the listener has a new mail
    metrics: DaemonMetrics = field(init=False)

    def __post_init__(self) -> None:
        self.metrics = DaemonMetrics(self.gateway.config.database)
        for source in self.gateway.config.mailboxes:
            mailbox = open_mailbox(source)
            outgoing = (ImapMailbox(mail_server(source.imap), outgoing_folders(self.gateway.config.outgoing.folder))
                        if source.imap is not None else None)
            self.watchers.append(Watcher(source, mailbox, outgoing=outgoing))

    def run(self) -> None:
        log.info("gateway started: %s", ", ".join(w.name for w in self.watchers))
        if self.gateway.config.metrics is not None:
            self.metrics.serve(self.gateway.config.metrics)  # first: a port taken stops the start, nothing left running
        scheduler = self._schedule()
        listener = self._listen()
        try:
            while not self.stop.is_set():
                for watcher in self.watchers:
                    self._step(watcher)
                self._survive(self._take_spool)
                self._send()
                self._survive(self._wait)
        finally:
            if listener is not None:
                listener.stop()
            scheduler.shutdown(wait=False)
            self.metrics.stop()
            for watcher in self.watchers:
                watcher.mailbox.close()
                if watcher.outgoing is not None:
                    watcher.outgoing.close()
                self._save_state(watcher.name, Disconnected())
            log.info("gateway stopped")

    def _schedule(self) -> Any:  # an APScheduler BackgroundScheduler (APScheduler 3 has no types)
        """The timed work (APScheduler 3, jobs kept in the register's database so that they survive a
        restart; a digest missed while the gateway was down is sent once, late)."""
        from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
        from apscheduler.schedulers.background import BackgroundScheduler

        global _RUNNING
        _RUNNING = self
        config = self.gateway.config
        scheduler = BackgroundScheduler(
            jobstores={"default": SQLAlchemyJobStore(engine=self.gateway.register.engine)}, timezone=config.tz,
            job_defaults={"coalesce": True, "misfire_grace_time": 6 * 3600, "max_instances": 1},
        )
        scheduler.start(paused=True)
        wanted = {f"digest-{t.strftime('%H:%M')}": t for t in config.schedule.digest}
        for job in scheduler.get_jobs():
            if job.id.startswith("digest-") and job.id not in wanted:
                job.remove()
        for job_id, at in wanted.items():
            scheduler.add_job("gateway.daemon:scheduled_digest", "cron", hour=at.hour, minute=at.minute, id=job_id,
                              replace_existing=True)
        if config.trust.crl_urls:  # fetching allowed: now, then every crl_refresh_hours
            scheduler.add_job("gateway.daemon:scheduled_crl_refresh", "interval", hours=config.trust.crl_refresh_hours,
                              id="crl-refresh", replace_existing=True, next_run_time=datetime.now(timezone.utc))
        elif scheduler.get_job("crl-refresh") is not None:
            scheduler.remove_job("crl-refresh")
        scheduler.resume()
        return scheduler

    # ---- one mailbox ---------------------------------------------------------------------
    def _step(self, watcher: Watcher) -> None:
        if self.stop.is_set() or time.monotonic() < watcher.retry_at:
            return
        try:
            if not watcher.mailbox.connected:
                watcher.mailbox.connect()
                log.info("%s: connected", watcher.name)
            self._take_in(watcher)
            self._take_outgoing(watcher)
            watcher.failures, watcher.error = 0, None
            if watcher.failing:  # a run of failures (perhaps from before a restart) ends
                watcher.failing = False
                self._save_state(watcher.name, Recovered())
        except Exception as exc:  # the network, the database or the disk (a mail's own errors quarantine it)
            if blame(exc) != "infrastructure":  # outside any one mail's steps: a fault of ours, backed off too
                log.exception("%s: %s", watcher.name, type(exc).__name__)
            watcher.mailbox.close()
            if watcher.outgoing is not None:
                watcher.outgoing.close()
            watcher.failures += 1
            watcher.failing = True
            watcher.error = f"{type(exc).__name__}: {exc}"[:500]
            delay = min(2.0 ** (watcher.failures - 1), MAX_BACKOFF)
            watcher.retry_at = time.monotonic() + delay
            log.warning("%s: %s; again in %.0f s", watcher.name, watcher.error, delay)
            self._survive(lambda: self._save_state(watcher.name, Disconnected(watcher.error)), pause=0)

    def _survive(self, step: Callable[[], object], pause: float = 1.0) -> None:
        """A step outside any one mail's (the spool, the wait, the state): the database down under it
        costs a pause, never the daemon."""
        try:
            step()
        except Exception as exc:
            (log.warning if blame(exc) == "infrastructure" else log.exception)("%s: %s", type(exc).__name__, exc)
            self.stop.wait(pause)

    def _take_in(self, watcher: Watcher) -> None:
        """New mail until none is left: after each pass the inbox is looked at again, so that mail that
        came while the daemon was busy is taken at once, not at the next poll. After MAX_PASSES the
        other work gets its turn, and the daemon does not wait before the next."""
        mailbox = watcher.mailbox
        state = self._state(watcher.name)
        last_uid = state.last_uid if state.uidvalidity == mailbox.uidvalidity else 0  # a new folder: start over
        taken: set[int | str] = set()  # a mail is taken once a call, even one that could not be filed
        watcher.more = False
        for passes in range(MAX_PASSES):
            if self.stop.is_set():
                return
            keys = [k for k in mailbox.pending(last_uid) if k not in taken]
            if passes == 0:
                self._save_state(watcher.name, Connected(mailbox.uidvalidity, last_uid, backlog=len(keys)))
            if not keys:
                return
            taken.update(keys)
            last_uid = self._work_through(watcher, keys, last_uid)
        watcher.more = True

    def _work_through(self, watcher: Watcher, keys: list, last_uid: int) -> int:  # type: ignore[type-arg]
        """Fetch, analyse, record and file these mails, overlapping: batches are fetched while the workers
        analyse the ones before, as long as the mail held stays within limits.batch_mb (a larger mail
        alone); what is analysed is recorded, several to a transaction, then filed. Returns the last UID filed."""
        limits = self.gateway.config.limits
        max_bytes = int(limits.batch_mb * MB)
        # a quarter of the bound a fetch: the workers are fed while the ones before are recorded
        batches = watcher.mailbox.batches(keys, count=BATCH, max_bytes=max_bytes // 4,
                                          alone_above=int(limits.max_mail_mb * MB))
        waiting: deque[_Taken] = deque()  # fetched, in the workers' hands or analysed, not yet recorded
        left = len(keys)
        try:
            for batch in batches:
                while (waiting and not self.stop.is_set() and (sum(t.size for t in waiting) + batch.size > max_bytes
                                                               or len(waiting) + len(batch.keys) > 4 * BATCH)):
                    # room first: half of what waits recorded at once (up to half a batch), the rest in the workers
                    at_least = max(1, min(BATCH // 2, len(waiting) // 2))
                    left, last_uid = self._record_ready(watcher, waiting, left, last_uid, at_least=at_least)
                if self.stop.is_set():
                    return last_uid
                for mail in watcher.mailbox.fetch(batch.keys):  # type: ignore[arg-type]
                    waiting.append(_Taken(mail, self.intake.pool.submit(Job("mail", mail.raw, store=True))))
            while waiting and not self.stop.is_set():  # the last ones as they come
                left, last_uid = self._record_ready(watcher, waiting, left, last_uid, at_least=1)
        finally:
            for taken in waiting:  # not recorded (stopping, or the connection lost): taken again later
                taken.result.cancel()
        return last_uid

    def _record_ready(self, watcher: Watcher, waiting: deque[_Taken], left: int, last_uid: int, *,
                      at_least: int) -> tuple[int, int]:
        """Once the first `at_least` mails of `waiting` are analysed, record the analysed ones at its head
        in one transaction, then file them and remember the last UID. Returns the backlog left and that UID."""
        head = [waiting[i].result for i in range(min(at_least, len(waiting)))]
        while not self.stop.is_set() and not all(f.done() for f in head):
            futures.wait(head, timeout=0.5)
        group: list[_Taken] = []
        while waiting and len(group) < BATCH and waiting[0].result.done():
            group.append(waiting.popleft())
        if not group:
            return left, last_uid
        items = [(IncomingMail(f"{watcher.name}:{t.mail.key}", t.mail.raw, t.mail.internaldate),
                  mail_result(t.result.result())) for t in group]
        folders: dict[str, list] = {}  # type: ignore[type-arg]
        for taken, outcome in zip(group, self.intake.record_many(items), strict=True):  # committed here, together
            folders.setdefault(VERDICT_FOLDER[outcome.verdict], []).append(taken.mail.key)
            self.metrics.taken(outcome)
        for folder, filed in folders.items():  # after the commit: one MOVE a folder
            watcher.mailbox.file(filed, folder)
        self.metrics.filed(t.mail.internaldate for t in group)
        uids = [t.mail.key for t in group if isinstance(t.mail.key, int)]
        last_uid = max([last_uid, *uids])
        left -= len(group)
        self._save_state(watcher.name, Filed(datetime.now(timezone.utc), backlog=max(0, left),
                                             last_uid=last_uid if uids else None))
        self._send()  # acknowledgements leave as soon as their mails are registered
        return left, last_uid

    def _take_outgoing(self, watcher: Watcher) -> None:
        """What the clerk dropped into the outgoing folder: sent (or held, with a note to the clerk), then filed."""
        box = watcher.outgoing
        if box is None or self.stop.is_set():
            return
        if not box.connected:
            box.connect()
        sender = OutgoingSender(self.gateway, self.intake.pool)
        for mail in box.fetch(box.pending(0)):
            source = f"{watcher.name}:out:{box.uidvalidity}:{mail.key}"
            try:
                taken = take_dropped(sender, source, mail.raw)
            except Exception as exc:  # the mail's own (a MIME bomb the clerk forwarded): held, not retried for ever
                if blame(exc) == "infrastructure":
                    raise
                log.warning("%s: %s; held", source, fault_name(exc), exc_info=True)
                taken = "held"
            box.file([mail.key], FOLDER_OF[taken])  # type: ignore[list-item]
            self._send()

    # ---- the delivery-path listener --------------------------------------------------------
    @property
    def _spool(self) -> Path:
        return Path(self.gateway.config.storage) / "spool"

    def _listen(self) -> Controller | None:
        listener = self.gateway.config.listener
        if listener is None:
            return None
        from gateway.listener import start_listener

        controller = start_listener(listener, self._spool, self.wake)
        log.info("listening for %s on %s:%s", listener.protocol.upper(), listener.host, listener.port)
        return controller

    def _spool_target(self) -> Watcher | None:
        listener = self.gateway.config.listener
        if listener is None:
            return None
        for watcher in self.watchers:
            if listener.mailbox in (None, watcher.name) and isinstance(watcher.mailbox, ImapMailbox):
                return watcher
        return None

    def _take_spool(self) -> None:
        """Delivered mails: through intake, then APPENDed into the clerk mailbox in their folder, then
        out of the spool (a crash before that takes them again: intake knows them, nothing is numbered twice)."""
        from gateway.listener import spooled

        self.wake.clear()
        target = self._spool_target()
        files = spooled(self._spool)
        if not files or target is None or not target.mailbox.connected:
            return
        for path in files:
            raw = path.read_bytes()
            when = datetime.fromtimestamp(int(path.stat().st_mtime), timezone.utc)
            outcome = next(iter(self.intake.process([IncomingMail(f"{target.name}:lmtp:{path.stem[:16]}", raw, when)],
                                                    record=True)))
            self.metrics.taken(outcome)
            try:
                target.mailbox.append(VERDICT_FOLDER[outcome.verdict], raw, when)  # type: ignore[union-attr]
            except NETWORK_ERRORS as exc:
                target.mailbox.close()
                log.warning("%s: APPEND failed (%s); the mail stays in the spool", target.name, exc)
                return
            path.unlink()
            self.metrics.filed([when])  # from its delivery to the listener
            self._save_state(target.name, Filed(datetime.now(timezone.utc)))
        self._send()

    # ---- outbox and waiting --------------------------------------------------------------
    def _send(self) -> None:
        if self.sender is None:
            return
        try:
            self.sender.send_due()
        except Exception as exc:  # the database or the SMTP library failing must not stop the intake
            log.error("outbox: %s: %s", type(exc).__name__, exc)

    def _wait(self) -> None:
        if any(w.more and w.mailbox.connected for w in self.watchers):  # a turn ended with mail left
            return
        seconds = min((w.source.poll_seconds for w in self.watchers), default=60.0)
        if self.sender is not None and (due := self.sender.next_due()) is not None:
            seconds = max(0.2, min(seconds, (due - datetime.now(timezone.utc)).total_seconds()))
        live = [w for w in self.watchers if w.mailbox.connected]
        if len(live) == 1 and len(self.watchers) == 1:
            try:
                live[0].mailbox.wait(seconds, _Either(self.stop, self.wake))
                return
            except NETWORK_ERRORS as exc:
                live[0].mailbox.close()
                log.warning("%s: %s while waiting", live[0].name, exc)
                return
        if any(w.mailbox.news() for w in live):  # announced while the daemon was busy: no wait
            return
        deadline = time.monotonic() + min(seconds, 5.0)
        while not (self.stop.is_set() or self.wake.is_set()) and time.monotonic() < deadline:
            time.sleep(0.1)

    # ---- state kept in the database ------------------------------------------------------
    def _state(self, name: str) -> MailboxState:
        with self.gateway.register.session() as session:
            state = session.get(MailboxState, name)
            if state is None:
                state = MailboxState(name=name, last_uid=0, connected=False, backlog=0)
                session.add(state)
                session.commit()
            session.expunge(state)
            return state

    def _save_state(self, name: str, change: StateChange) -> None:
        with self.gateway.register.session() as session:
            state = session.get(MailboxState, name) or MailboxState(name=name, last_uid=0, connected=False, backlog=0)
            now = datetime.now(timezone.utc)
            change.apply(state, now)
            state.updated_at = now
            session.add(state)
            session.commit()
