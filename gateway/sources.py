"""The places mail comes from, as the daemon takes them in turns, behind one small interface (`Source`):
an official mailbox's inbox (IMAP or a local Maildir), the clerk's outgoing folder, and the spool of
mails the delivery-path listener received.

Crash safety comes from the order of things: a mail is filed only after its registration committed,
and its UID is recorded only after it is filed; a mail seen again after a crash is recognised by
intake (Message-ID and SHA-256) and only filed.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable
from concurrent import futures
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Generic, Protocol

from gateway.app import Gateway
from gateway.guard import blame, fault_name
from gateway.intake.analysis import HEADER_BYTES
from gateway.intake.pipeline import IncomingMail, Intake
from gateway.mailbox_state import Connected, Filed, MailboxStates
from gateway.metrics import DaemonMetrics
from gateway.model import DocumentOutcome, MailOutcome, Verdict, Whole, WorkFailure
from gateway.dropped_mail import take_dropped
from gateway.outgoing.folder import FOLDER_OF
from gateway.outgoing.send import OutgoingSender
from gateway.workers import Job, Result, mail_result
from qlvb_mailbox.batches import K
from qlvb_mailbox.imap import NETWORK_ERRORS, ImapMailbox
from qlvb_mailbox.watched import FetchedMail, WatchedMailbox
from registry.store import Measured

log = logging.getLogger("qlvb.daemon")

# The folder each verdict files a mail into (duplicates are filed with the accepted ones).
VERDICT_FOLDER: dict[Verdict, str] = {"accepted": "accepted", "duplicate": "accepted", "returned": "returned",
                                      "quarantined": "quarantined", "ignored": "ignored"}
BATCH = 20  # mails fetched at once, and recorded at most in one transaction
MB = 1024 * 1024
MAX_PASSES = 4  # passes over a mailbox in one turn, while mail keeps arriving
RETAKE_FIRST, RETAKE_MOST = 60.0, 1800.0  # seconds: mail left in the inbox is taken again at the next turn, then after these


class Source(Protocol):
    """A place mail comes from, taken in turns by the daemon."""

    @property
    def more(self) -> bool: ...  # mail was left when its turn ended: the daemon does not wait before the next

    def take(self) -> None: ...  # connects if it must; a failure of the network, database or disk raises

    def close(self) -> None: ...


@dataclass
class Desk:
    """What the sources share of the running daemon."""

    gateway: Gateway
    intake: Intake  # and its worker processes
    metrics: DaemonMetrics
    states: MailboxStates
    stop: threading.Event
    send: Callable[[], None]  # the outbox sent: answers leave as soon as their mails are registered


@dataclass(frozen=True)
class _Taken(Generic[K]):
    """A mail fetched and handed to the workers."""

    mail: FetchedMail[K]  # a mail too large to hold: its beginning
    result: futures.Future[Result]
    whole: Whole | None = None  # a mail too large to hold: in the content store

    @property
    def size(self) -> int:
        return len(self.mail.raw)


@dataclass
class Inbox(Generic[K]):
    """An official mailbox's inbox: new mail analysed by the workers, registered, then filed by verdict."""

    name: str
    mailbox: WatchedMailbox[K]
    desk: Desk
    more: bool = False
    # mail the server would not give or move was left in the inbox: taken again from the first, on a new connection, at
    # the next turn, then less and less often while some is still left (red team 101: letters its storage failed under
    # for a moment waited until a restart; red team 103: a move refused for good read the inbox again every poll)
    left_behind: bool = False
    retake_at: float = 0.0
    retake_wait: float = 0.0

    def take(self) -> None:
        """New mail until none is left: after each pass the inbox is looked at again, so that mail that
        came while the daemon was busy is taken at once, not at the next poll. After MAX_PASSES the
        other work gets its turn, and the daemon does not wait before the next."""
        mailbox = self.mailbox
        if self.left_behind and mailbox.connected and time.monotonic() >= self.retake_at:
            log.info("%s: mail was left in the inbox: taken again on a new connection", self.name)
            mailbox.close()
        connected_now = not mailbox.connected
        if connected_now:
            self.left_behind = False  # the whole inbox is taken again: what is left again is said again
            mailbox.connect()
            log.info("%s: connected", self.name)
        try:
            self._passes(connected_now)
        finally:
            if not self.left_behind:
                self.retake_wait = 0.0

    def _passes(self, connected_now: bool) -> None:
        mailbox, desk = self.mailbox, self.desk
        state = desk.states.get(self.name)
        last_uid = state.last_uid if state.uidvalidity == mailbox.uidvalidity else 0  # a new folder: start over
        if connected_now:
            # what the inbox holds is what is not filed: at each connection it is taken from its first mail. The server
            # may give again UIDs we took in (its store restored from a snapshot, UIDVALIDITY kept: red teams 56 and 59,
            # the mails delivered after it stayed in the inbox for ever), or give now a mail it would not give before;
            # a mail taken in already is known by its bytes and not answered again
            last_uid = 0
        taken: set[K] = set()  # a mail is taken once a turn, even one that could not be filed
        self.more = False
        for passes in range(MAX_PASSES):
            if desk.stop.is_set():
                return
            keys = [k for k in mailbox.pending(last_uid) if k not in taken]
            if passes == 0:
                desk.states.save(self.name, Connected(mailbox.uidvalidity, last_uid, backlog=len(keys)))
            if not keys:
                return
            taken.update(keys)
            last_uid = self._work_through(keys, last_uid)
        self.more = True

    def close(self) -> None:
        self.mailbox.close()

    def _left(self) -> None:
        """Mail left in the inbox this turn: taken again after RETAKE_FIRST, then twice as long each time, at most
        RETAKE_MOST; a turn that leaves none starts that over."""
        if not self.left_behind:
            self.left_behind = True
            self.retake_at = time.monotonic() + self.retake_wait
            self.retake_wait = min(max(RETAKE_FIRST, 2 * self.retake_wait), RETAKE_MOST)

    def _work_through(self, keys: list[K], last_uid: int) -> int:
        """Fetch, analyse, record and file these mails, overlapping: batches are fetched while the workers
        analyse the ones before, as long as the mail held stays within limits.batch_mb (a larger mail
        alone); what is analysed is recorded, several to a transaction, then filed. Returns the last UID filed."""
        desk = self.desk
        limits = desk.gateway.config.limits
        max_bytes = int(limits.batch_mb * MB)
        # a quarter of the bound a fetch: the workers are fed while the ones before are recorded
        too_large = int(limits.max_mail_mb * MB)
        batches = self.mailbox.batches(keys, count=BATCH, max_bytes=max_bytes // 4, alone_above=too_large)
        waiting: deque[_Taken[K]] = deque()  # fetched, in the workers' hands or analysed, not yet recorded
        left = len(keys)
        try:
            for batch in batches:
                while (waiting and not desk.stop.is_set() and (sum(t.size for t in waiting) + batch.size > max_bytes
                                                               or len(waiting) + len(batch.keys) > 4 * BATCH)):
                    # room first: half of what waits recorded at once (up to half a batch), the rest in the workers
                    at_least = max(1, min(BATCH // 2, len(waiting) // 2))
                    left, last_uid = self._record_ready(waiting, left, last_uid, at_least=at_least)
                if desk.stop.is_set():
                    return last_uid
                if len(batch.keys) == 1 and batch.size > too_large:  # alone in its batch: never held whole, nor read
                    waiting.extend(self._streamed(batch.keys[0]))
                    continue
                for mail in self.mailbox.fetch(batch.keys):
                    job = Job("mail", mail.raw, store=True, delivered=mail.internaldate)
                    if mail.unreadable is not None:
                        self._left()
                    waiting.append(_Taken(mail, _unread(mail.unreadable) if mail.unreadable is not None
                                          else desk.intake.pool.submit(job)))
            while waiting and not desk.stop.is_set():  # the last ones as they come
                left, last_uid = self._record_ready(waiting, left, last_uid, at_least=1)
        finally:
            for taken in waiting:  # not recorded (stopping, or the connection lost): taken again later
                taken.result.cancel()
        return last_uid

    def _streamed(self, key: K) -> list[_Taken[K]]:
        """A mail too large to hold, streamed into the content store as it is read; the workers get its
        headers (its first HEADER_BYTES) and its size and hash (mail-too-large). Nothing if it went meanwhile.
        One the store's disk has no room for (beside limits.room_needed) is only hashed: the mail server keeps it."""
        streamed = self.mailbox.stream(key)
        if streamed is None:
            return []
        if streamed.unreadable is not None:  # as a mail `fetch` could not have: recorded, left in the inbox, taken again
            self._left()
            # one per mail and inbox, as fetch's note (red team 109: an inbox made anew gives a UID again)
            note = f"Hộp thư {self.name}: máy chủ thư không trả thư {key} (UIDVALIDITY {self.mailbox.uidvalidity}, thư lớn)"
            return [_Taken(FetchedMail(key, note.encode(), None, unreadable=streamed.unreadable),
                           _unread(streamed.unreadable))]
        store = self.desk.gateway.store
        kept = store.free_bytes() >= streamed.size + self.desk.gateway.config.limits.room_needed
        measured = Measured(streamed.chunks, head=HEADER_BYTES)
        digest, size = store.put_chunks(measured) if kept else (measured.through().digest, measured.size)
        if size < streamed.size:
            return []  # it went while being read: the part stored is nobody's mail, and harmless
        if not kept:
            log.warning("%s:%s: a mail of %d MB is not kept in the content store, whose disk has %d MB free: the "
                        "mail server keeps it, in the folder of its verdict", self.name, key, size // MB,
                        store.free_bytes() // MB)
        whole = Whole(size, digest, kept)
        mail = FetchedMail(key, measured.head, streamed.internaldate)
        job = Job("mail", mail.raw, whole=whole, delivered=mail.internaldate)
        return [_Taken(mail, self.desk.intake.pool.submit(job), whole)]

    def _record_ready(self, waiting: deque[_Taken[K]], left: int, last_uid: int, *, at_least: int) -> tuple[int, int]:
        """Once the first `at_least` mails of `waiting` are analysed, record the analysed ones at its head
        in one transaction, then file them and remember the last UID. Returns the backlog left and that UID."""
        desk = self.desk
        head = [waiting[i].result for i in range(min(at_least, len(waiting)))]
        while not desk.stop.is_set() and not all(f.done() for f in head):
            futures.wait(head, timeout=0.5)
        group: list[_Taken[K]] = []
        while waiting and len(group) < BATCH and waiting[0].result.done():
            group.append(waiting.popleft())
        if not group:
            return left, last_uid
        items = [(IncomingMail(f"{self.name}:{t.mail.key}", t.mail.raw, t.mail.internaldate, t.whole),
                  mail_result(t.result.result())) for t in group]
        folders: dict[str, list[K]] = {}
        for (item, _), taken, outcome in zip(items, group, desk.intake.record_many(items), strict=True):  # committed together
            if taken.mail.unreadable is not None:  # the server's failure, not the mail's: left in the inbox, never filed,
                self._left()  # taken again (a storage back between the FETCH and the MOVE filed good letters into
                # quarantine unread: red team 101's test, once, on a loaded machine)
            else:
                folders.setdefault(VERDICT_FOLDER[outcome.verdict], []).append(taken.mail.key)
            desk.metrics.taken(outcome)
            log.info("%s: %s", item.source, said(outcome))  # what the operator's journal shows of each mail
        for folder, filed in folders.items():  # after the commit: one MOVE a folder
            if self.mailbox.file(filed, folder):
                self._left()
        desk.metrics.filed(t.mail.internaldate for t in group)
        uids: list[int] = _uids(t.mail.key for t in group)
        last_uid = max([last_uid, *uids])
        left -= len(group)
        desk.states.save(self.name, Filed(datetime.now(timezone.utc), backlog=max(0, left),
                                          last_uid=last_uid if uids else None))
        desk.send()
        return left, last_uid


def _unread(refusal: str) -> futures.Future[Result]:
    """The analysis of a mail the server will not give: it failed, why (quarantined `processing-failed`, the clerk told)."""
    done: futures.Future[Result] = futures.Future()
    done.set_result(WorkFailure(f"máy chủ thư không trả thư này: {refusal}"[:300]))
    return done


def _uids(keys: Iterable[object]) -> list[int]:
    """The IMAP UIDs among these keys (a Maildir's keys are names: none)."""
    return [key for key in keys if isinstance(key, int)]


@dataclass
class OutgoingFolder:
    """The clerk's outgoing folder, over its own IMAP connection: what the clerk dropped there is sent
    (or held, with a note to the clerk), then filed."""

    name: str
    box: ImapMailbox
    desk: Desk
    more: bool = False  # each turn takes all that is there

    def take(self) -> None:
        desk, box = self.desk, self.box
        if desk.stop.is_set():
            return
        if not box.connected:
            box.connect()
        sender = OutgoingSender(desk.gateway, desk.intake.pool)
        for mail in box.fetch(box.pending(0)):
            source = f"{self.name}:out:{box.uidvalidity}:{mail.key}"
            try:
                taken = take_dropped(sender, source, mail.raw)
            except Exception as exc:  # the mail's own (a MIME bomb the clerk forwarded): held, not retried for ever
                if blame(exc) == "infrastructure":
                    raise
                log.warning("%s: %s; held", source, fault_name(exc), exc_info=True)
                taken = "held"
            box.file([mail.key], FOLDER_OF[taken])
            desk.send()

    def close(self) -> None:
        self.box.close()


@dataclass
class ListenerSpool:
    """Mails the delivery-path listener received: through intake, then APPENDed into the clerk's IMAP
    inbox in their verdict's folder, then out of the spool (a crash before that takes them again:
    intake knows them, nothing is numbered twice)."""

    name: str  # the mailbox it files into
    spool: Path
    target: ImapMailbox
    desk: Desk
    more: bool = field(default=False, init=False)  # the listener wakes the daemon for each new one

    def take(self) -> None:
        from gateway.listener import spooled

        desk = self.desk
        files = spooled(self.spool)
        if not files or not self.target.connected:
            return
        for path in files:
            raw = path.read_bytes()
            when = datetime.fromtimestamp(int(path.stat().st_mtime), timezone.utc)
            outcome = next(iter(desk.intake.process([IncomingMail(f"{self.name}:lmtp:{path.stem[:16]}", raw, when)],
                                                    record=True)))
            desk.metrics.taken(outcome)
            folder = VERDICT_FOLDER[outcome.verdict]
            try:
                # the register had it: a crash after its APPEND may have left it in the spool
                if not (outcome.already_processed and self.target.holds(folder, raw)):
                    self.target.append(folder, raw, when)
            except NETWORK_ERRORS as exc:
                log.warning("%s: APPEND failed (%s); the mail stays in the spool", self.name, exc)
                raise
            path.unlink()
            desk.metrics.filed([when])  # from its delivery to the listener
            desk.states.save(self.name, Filed(datetime.now(timezone.utc)))
        desk.send()

    def close(self) -> None:
        pass  # the listener's spool is a folder; the inbox it files into is closed as the inbox


def said(outcome: MailOutcome) -> str:
    """A mail's outcome in one line of the log: each document's verdict, incoming number (or the number it duplicates)
    and errors' codes, each once (never a subject, a name or a secret document's particulars); a mail recorded before
    says so (red team 94: it read as numbered again)."""
    def one(d: DocumentOutcome) -> str:
        number = (f" {d.incoming_number}/{d.received_at.year}" if d.incoming_number else
                  f" of {d.duplicate_of}/{d.duplicate_year or d.received_at.year}" if d.duplicate_of else "")
        errors = list(dict.fromkeys(r.code for r in d.reasons if r.severity == "error"))
        return d.verdict + number + (f" ({', '.join(errors)})" if errors else "")
    line = "; ".join(one(d) for d in outcome.documents) or outcome.verdict
    return f"{line} (recorded before: nothing done again)" if outcome.already_processed else line
