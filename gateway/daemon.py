"""The gateway running by itself: watch the official mailboxes, take each new mail through intake,
file it by verdict once the register has committed, send the outbox; reconnect after failures.

One loop, in one thread: each configured mailbox takes its turn, its sources (gateway/sources.py:
the inbox, the clerk's outgoing folder, the listener's spool) one after the other, the new mails
analysed by the worker processes (both cores), registered, then filed; the outbox is sent; then the
loop waits on IMAP IDLE (or polls) until new mail or the next retry is due. A failure of any source
of a mailbox closes them all and backs off (up to MAX_BACKOFF), recorded in the mailbox's state row.
"""

from __future__ import annotations

import functools
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

from gateway.app import Gateway
from gateway.config import ConfigError, MailboxSource
from gateway.guard import blame
from gateway.intake.pipeline import Intake
from gateway.mailbox_lease import MailboxLease, lease_path, services_lease_path
from gateway.mailbox_state import Disconnected, MailboxStates, Recovered, Stopped
from gateway.mailboxes import mail_server, open_mailbox
from gateway.metrics import DaemonMetrics
from gateway.outbox import OutboxSender
from gateway.outgoing.folder import outgoing_folders
from gateway.sources import MB, Desk, Inbox, ListenerSpool, OutgoingFolder, Source
from registry.database import create_once
from qlvb_mailbox.imap import NETWORK_ERRORS, ImapMailbox

if TYPE_CHECKING:
    from aiosmtpd.controller import Controller

log = logging.getLogger("qlvb.daemon")

_RUNNING: "Daemon | None" = None  # the daemon whose jobs the scheduler runs


RETRY_SECONDS = 300.0  # a scheduled run the infrastructure failed is tried again so often
RETRIES = 24  # for two hours


def until_done(job: Callable[[], object], what: str, stop: threading.Event) -> bool:
    """A scheduled run tried again while the infrastructure fails it (the register down or locked at that minute), every
    RETRY_SECONDS up to RETRIES times or until the daemon stops: APScheduler would run it next at its next time, the
    next morning (red team 86). Each job is one transaction, so a failed try left nothing. Whether it was done."""
    for attempt in range(1, RETRIES + 1):
        try:
            job()
            return True
        except Exception as exc:
            if blame(exc) != "infrastructure":
                raise  # a fault of ours: APScheduler logs it, and trying again would fail the same way
            log.warning("%s failed (%s: %s), try %d of %d", what, type(exc).__name__, str(exc)[:200], attempt, RETRIES)
        if attempt < RETRIES and stop.wait(RETRY_SECONDS):
            log.warning("%s not done: the gateway stopped before it could be (run it by hand)", what)
            return False
    log.error("%s not done: the infrastructure failed every try (run it by hand)", what)
    return False


def scheduled_digest() -> None:
    """The digest job (referred to by name in the job store)."""
    from gateway.digest import queue_digest

    daemon = _RUNNING
    if daemon is not None:  # sent by the loop within one wait (poll_seconds); a try again makes none if one was made since
        due = datetime.now(timezone.utc)
        until_done(lambda: queue_digest(daemon.gateway, unless_made_since=due), "the clerk's digest", daemon.stop)


def scheduled_reminders() -> None:
    """The reminders of deadlines of documents passed on (gateway/passing.py), sent by the loop."""
    from gateway.passing import queue_reminders

    daemon = _RUNNING
    if daemon is not None:
        until_done(lambda: queue_reminders(daemon.gateway), "the reminders of deadlines (pass remind)", daemon.stop)


def scheduled_crl_refresh() -> None:
    """The CRL job: fetch trust.crl_urls into the folder the workers read."""
    from gateway.crls import refresh_crls

    if _RUNNING is None:
        return
    gateway = _RUNNING.gateway
    for result in refresh_crls(gateway.config.trust.crl_urls, gateway.fetched_crls):
        (log.info if result.ok else log.warning)("CRL %s: %s", result.url, result.detail)


MAX_BACKOFF = 60.0
LEASE_RETRY_SECONDS = 5.0  # a mailbox another process works: looked at again so often (taken over once it ends)
LET_GO_AFTER = 3  # failed turns in a row after which a mailbox is let go for another process that may work it


class _Either:
    """Set when either event is: what a wait returns early for."""

    def __init__(self, *events: threading.Event) -> None:
        self.events = events

    def is_set(self) -> bool:
        return any(e.is_set() for e in self.events)


@dataclass
class Watcher:
    """One configured mailbox: its sources (the inbox, then the clerk's outgoing folder and the listener's
    spool where there are), taken in turn, and when to try again after a failure of any of them."""

    config: MailboxSource
    inbox: Inbox[int] | Inbox[str]
    sources: list[Source]
    lease: MailboxLease
    failures: int = 0
    retry_at: float = 0.0
    error: str | None = None
    failing: bool = True  # until a turn succeeds (failing_since may be left in the database by a run before)
    elsewhere: bool = False  # another process holds the mailbox's lease (said once in the log)

    @property
    def name(self) -> str:
        return self.config.name

    @property
    def more(self) -> bool:
        return any(source.more for source in self.sources)

    def close(self) -> None:
        for source in self.sources:
            source.close()


def _taken(lease: MailboxLease) -> bool:
    """The lease taken, if nobody holds it and its file can be written."""
    try:
        return lease.take()
    except OSError:
        return False


@dataclass
class Daemon:
    gateway: Gateway
    intake: Intake
    sender: OutboxSender | None
    stop: threading.Event = field(default_factory=threading.Event)
    watchers: list[Watcher] = field(default_factory=list)
    wake: threading.Event = field(default_factory=threading.Event)  # the listener has a new mail
    outbox_due: threading.Event = field(default_factory=threading.Event)  # answers were queued: the sender looks now
    metrics: DaemonMetrics = field(init=False)
    states: MailboxStates = field(init=False)

    def __post_init__(self) -> None:
        config = self.gateway.config
        self.metrics = DaemonMetrics(config.database)
        self.states = MailboxStates(self.gateway.register)
        desk = Desk(self.gateway, self.intake, self.metrics, self.states, self.stop, self._send)
        for mailbox_config in config.mailboxes:
            mailbox = open_mailbox(mailbox_config)
            inbox: Inbox[int] | Inbox[str] = (Inbox(mailbox_config.name, mailbox, desk) if isinstance(mailbox, ImapMailbox)
                                              else Inbox(mailbox_config.name, mailbox, desk))
            sources: list[Source] = [inbox]
            if mailbox_config.imap is not None:
                outgoing = ImapMailbox(mail_server(mailbox_config.imap), outgoing_folders(config.outgoing.folder))
                sources.append(OutgoingFolder(mailbox_config.name, outgoing, desk))
            lease = MailboxLease(lease_path(Path(config.storage), mailbox_config.name))
            self.watchers.append(Watcher(mailbox_config, inbox, sources, lease))
        if config.listener is not None:  # the spool is filed into the first IMAP inbox it may go to
            target = next((w for w in self.watchers if config.listener.mailbox in (None, w.name)
                           and isinstance(w.inbox.mailbox, ImapMailbox)), None)
            if target is None:
                log.warning("the listener's mail has no IMAP mailbox to be filed into: it waits in %s", self._spool)
            else:
                assert isinstance(target.inbox.mailbox, ImapMailbox)
                target.sources.append(ListenerSpool(target.name, self._spool, target.inbox.mailbox, desk))

    def run(self) -> None:
        log.info("gateway started: %s", ", ".join(w.name for w in self.watchers))
        if self.gateway.config.smtp is None:  # 000 Đ9.1.c: the sender is told automatically (red team 151: said nowhere)
            log.warning("smtp: no submission server configured: acknowledgements, returns and letters wait in the "
                        "outbox and are never sent until the `smtp:` section is given")
        services = MailboxLease(services_lease_path(Path(self.gateway.config.storage)))
        scheduler: Any = None
        listener: Controller | None = None
        if self._may_serve(services):  # first: a port taken stops the start, nothing left running
            scheduler, listener = self._serve(first=True)
        else:  # another process of this configuration serves them (red team 137: a second run stopped on the port)
            log.warning("the metrics, the listener and the schedule are another gateway process's on this configuration "
                        "(pid %s); this one takes them when that one ends", services.holder())
        self.intake.destroy_recalled()  # what a process that died left of a recall (never raises: tried again later)
        self._remove_orphans()
        # the outbox is sent by a thread of its own: a slow mail server never holds up the intake (red team 56: at 8 s a
        # command, a mail waited 142 s behind the answers to the mails before it)
        sending = threading.Thread(target=self._sending, name="outbox", daemon=True)
        sending.start()
        try:
            while not self.stop.is_set():
                if scheduler is None and self._may_serve(services):
                    log.info("the other gateway process left the metrics, the listener and the schedule; this one "
                             "serves them now")
                    scheduler, listener = self._serve(first=False)
                self.wake.clear()  # what the listener spools from now on wakes the wait below
                for watcher in self.watchers:
                    self._turn(watcher)
                self._send()
                self._survive(self._wait)
        finally:
            self.outbox_due.set()
            # the message in the middle of its SMTP dialogue is finished and recorded, no other begun (red teams 59 and
            # 61: a batch cut short went again after its lease); within systemd's 90 s (deploy/qlvb-gateway.service)
            sending.join(timeout=60)
            if listener is not None:
                listener.stop()
            if scheduler is not None:
                scheduler.shutdown(wait=False)
            self.metrics.stop()
            services.release()
            for watcher in self.watchers:
                watcher.close()
                # a mailbox another process works is that process's to say stopped; one this process let go after its
                # failures and nobody took is this one's (red team 151: it read as watched for 20 minutes)
                if watcher.lease.held or (watcher.failing and _taken(watcher.lease)):
                    self._survive(functools.partial(self.states.save, watcher.name, Stopped()), pause=0)
                    watcher.lease.release()
            log.info("gateway stopped")

    @staticmethod
    def _may_serve(services: MailboxLease) -> bool:
        """Whether this process serves the metrics, the listener and the schedule: one process of a configuration at a
        time; a storage that cannot hold the lock file leaves it to the ports, as before the lease."""
        try:
            return services.take()
        except OSError as exc:
            log.warning("the services' lease cannot be taken (%s): served without it", exc)
            return True

    def _serve(self, *, first: bool) -> tuple[Any, Controller | None]:
        """The metrics' endpoint, the schedule and the listener. At the start a port taken stops the daemon (exit 2);
        taken over later from another process, it is said in the log and the rest goes on."""
        metrics = self.gateway.config.metrics
        if metrics is not None:
            try:
                self.metrics.serve(metrics)
            except ConfigError as exc:
                if first:
                    raise
                log.error("%s", exc)
        scheduler = self._schedule()
        try:
            listener = self._listen()
        except Exception as exc:
            if first:
                raise
            log.error("the listener: %s: %s", type(exc).__name__, exc)
            listener = None
        return scheduler, listener

    def _remove_orphans(self) -> None:
        """What a process that died left half-written in the store (a large mail's stream killed: red team 101)."""
        try:
            if removed := self.gateway.store.remove_orphans():
                log.info("removed %d files a process that died left half-written in the store", removed)
        except OSError as exc:
            log.warning("the store's half-written files are not removed (%s); tried again at the next start", exc)

    def _schedule(self) -> Any:  # an APScheduler BackgroundScheduler (APScheduler 3 has no types)
        """The timed work (APScheduler 3, jobs kept in the register's database so that they survive a
        restart; a digest missed while the gateway was down is sent once, late)."""
        from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
        from apscheduler.schedulers.background import BackgroundScheduler

        global _RUNNING
        _RUNNING = self
        config = self.gateway.config
        jobs = SQLAlchemyJobStore(engine=self.gateway.register.engine)
        create_once(self.gateway.register.engine, jobs.jobs_t)  # its `start` creates it unlocked: two daemons raced
        scheduler = BackgroundScheduler(
            jobstores={"default": jobs}, timezone=config.tz,
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
        start = config.office_hours.start  # deadlines of documents passed on: reminded each morning
        scheduler.add_job("gateway.daemon:scheduled_reminders", "cron", hour=start.hour, minute=start.minute,
                          id="passing-reminders", replace_existing=True)
        if config.trust.crl_urls:  # fetching allowed: now, then every crl_refresh_hours
            scheduler.add_job("gateway.daemon:scheduled_crl_refresh", "interval", hours=config.trust.crl_refresh_hours,
                              id="crl-refresh", replace_existing=True, next_run_time=datetime.now(timezone.utc))
        elif scheduler.get_job("crl-refresh") is not None:
            scheduler.remove_job("crl-refresh")
        scheduler.resume()
        return scheduler

    # ---- one mailbox's turn ----------------------------------------------------------------
    def _turn(self, watcher: Watcher) -> None:
        """Each of the mailbox's sources takes what waits; a failure of any closes them all and backs off."""
        if self.stop.is_set() or time.monotonic() < watcher.retry_at:
            return
        try:
            if not self._leased(watcher):
                return
            for source in watcher.sources:
                source.take()
            watcher.failures, watcher.error = 0, None
            if watcher.failing:  # a run of failures (perhaps from before a restart) ends
                watcher.failing = False
                self.states.save(watcher.name, Recovered())
        except Exception as exc:  # the network, the database or the disk (a mail's own errors quarantine it)
            if blame(exc) != "infrastructure":  # outside any one mail's steps: a fault of ours, backed off too
                log.exception("%s: %s", watcher.name, type(exc).__name__)
            watcher.close()
            watcher.failures += 1
            watcher.failing = True
            error = watcher.error = f"{type(exc).__name__}: {exc}"[:500]
            if watcher.failures >= LET_GO_AFTER:  # another process, with another password or network, may (red team 137)
                watcher.lease.release()
            delay = min(2.0 ** (watcher.failures - 1), MAX_BACKOFF)
            watcher.retry_at = time.monotonic() + delay
            log.warning("%s: %s; again in %.0f s", watcher.name, error, delay)
            self._survive(lambda: self.states.save(watcher.name, Disconnected(error)), pause=0)

    def _leased(self, watcher: Watcher) -> bool:
        """Whether this process works the mailbox: one process at a time (gateway/mailbox_lease.py); another's is left
        alone, and looked at again in LEASE_RETRY_SECONDS."""
        if watcher.lease.take():
            if watcher.elsewhere:
                log.info("%s: the other gateway process left the mailbox; this one works it now", watcher.name)
                watcher.elsewhere = False
            return True
        if not watcher.elsewhere:
            log.warning("%s: worked by another gateway process on this configuration (pid %s); this one leaves it alone "
                        "and takes it when that one ends", watcher.name, watcher.lease.holder())
            watcher.elsewhere = True
        watcher.retry_at = time.monotonic() + LEASE_RETRY_SECONDS
        return False

    def _survive(self, step: Callable[[], object], pause: float = 1.0) -> None:
        """A step outside any one mailbox's turn (the wait, the state): the database down under it costs a
        pause, never the daemon."""
        try:
            step()
        except Exception as exc:
            (log.warning if blame(exc) == "infrastructure" else log.exception)("%s: %s", type(exc).__name__, exc)
            self.stop.wait(pause)

    # ---- the delivery-path listener --------------------------------------------------------
    @property
    def _spool(self) -> Path:
        return self.gateway.config.spool

    def _listen(self) -> Controller | None:
        listener = self.gateway.config.listener
        if listener is None:
            return None
        from gateway.listener import start_listener

        controller = start_listener(listener, self._spool, self.wake, int(self.gateway.config.limits.max_mail_mb * MB))
        log.info("listening for %s on %s:%s", listener.protocol.upper(), listener.host, listener.port)
        return controller

    # ---- outbox and waiting --------------------------------------------------------------
    def _send(self) -> None:
        """Answers were queued: the outbox's thread sends them now."""
        self.outbox_due.set()

    def _sending(self) -> None:
        """The outbox's thread: what is due, whenever answers are queued, and at the earliest message's time."""
        if self.sender is None:
            return
        while not self.stop.is_set():
            self.outbox_due.clear()
            try:
                self.sender.send_due(go_on=lambda: not self.stop.is_set())
                due = self.sender.next_due()
            except Exception as exc:  # the database or the SMTP library failing must not stop the sending
                log.error("outbox: %s: %s", type(exc).__name__, exc)
                due = None
            seconds = 5.0 if due is None else max(0.2, min(60.0, (due - datetime.now(timezone.utc)).total_seconds()))
            self.outbox_due.wait(seconds)

    def _wait(self) -> None:
        if any(w.more and w.inbox.mailbox.connected for w in self.watchers):  # a turn ended with mail left
            return
        seconds = min((w.config.poll_seconds for w in self.watchers), default=60.0)
        live = [w for w in self.watchers if w.inbox.mailbox.connected]
        if len(live) == 1 and len(self.watchers) == 1:
            try:
                live[0].inbox.mailbox.wait(seconds, _Either(self.stop, self.wake))
                return
            except NETWORK_ERRORS as exc:
                live[0].close()
                log.warning("%s: %s while waiting", live[0].name, exc)
                return
        if any(w.inbox.mailbox.news() for w in live):  # announced while the daemon was busy: no wait
            return
        deadline = time.monotonic() + min(seconds, 5.0)
        while not (self.stop.is_set() or self.wake.is_set()) and time.monotonic() < deadline:
            time.sleep(0.1)
