"""`status`: each mailbox's state, the outbox, the store's free space and the listener's spool, and the alerts a
Nagios-style check reads (a mailbox failing for longer than monitoring.alert_after_seconds, or one
the daemon has stopped looking at, a delivery waiting in the spool that long). `report` is pure; `store_space` and
`spool_state` ask the file system."""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from registry.files import disk_usage
from registry.models import MailboxState
from registry.queries import OutboxCounts

NOT_STARTED = "chưa chạy"  # a configured mailbox the daemon has never written a state for
DEFAULT_POLL_SECONDS = 60  # for a mailbox in the register that the configuration no longer names


@dataclass(frozen=True)
class MailboxReport:
    name: str
    connected: bool
    last_uid: int
    backlog: int | None
    last_mail_at: datetime | None
    error: str | None
    failing_since: datetime | None
    failing_seconds: int
    updated_at: datetime | None
    watched: bool  # the daemon looks at it: it wrote of it within the quiet time and did not stop cleanly since
    silent: bool = False  # nothing written of it for longer than the quiet time: the daemon is not running


@dataclass(frozen=True)
class Alert:
    mailbox: str
    failing_since: datetime | None
    error: str | None
    message: str


@dataclass(frozen=True)
class StoreSpace:
    path: str
    free_bytes: int
    total_bytes: int


@dataclass(frozen=True)
class SpoolState:
    """The listener's deliveries not yet filed into its IMAP inbox."""

    path: str
    waiting: int | None  # None: the spool could not be read
    oldest_at: datetime | None  # when the oldest of them was kept
    error: str | None = None  # why it could not be read


@dataclass(frozen=True)
class StatusReport:
    mailboxes: tuple[MailboxReport, ...]
    outbox: OutboxCounts
    store: StoreSpace
    alerts: tuple[Alert, ...]
    spool: SpoolState | None = None  # None: no listener configured
    register: StoreSpace | None = None  # a SQLite register's disk (None: a database server's)


@dataclass(frozen=True)
class Watch:
    """What the configuration says of watching: each mailbox's poll, a mail's analysis, the threshold."""

    polls: Mapping[str, float]
    seconds_per_mail: float
    alert_after_seconds: float


def report(states: Iterable[MailboxState], outbox: OutboxCounts, store: StoreSpace, watch: Watch,
           now: datetime, spool: SpoolState | None = None, register: StoreSpace | None = None,
           room_needed: int = 0) -> StatusReport:
    """`room_needed`: the free bytes the store's and the register's disks must have (the largest mail taken)."""
    recorded = [_mailbox(s.name, s.connected, s.last_uid, s.backlog, s.last_mail_at, s.last_error, s.failing_since,
                         s.updated_at, watch=watch, now=now) for s in states]
    mailboxes = (*recorded, *(_mailbox(name, False, 0, None, None, NOT_STARTED, None, None, watch=watch, now=now)
                              for name in sorted(set(watch.polls) - {m.name for m in recorded})))
    limit = watch.alert_after_seconds
    failing = [Alert(m.name, m.failing_since, m.error,
                     f"hộp thư {m.name} lỗi liên tục {m.failing_seconds} giây (ngưỡng {limit:g} giây)")
               for m in mailboxes if m.failing_seconds > limit]
    # a daemon that stopped writes nothing: a mailbox it watched and has not looked at for a poll, a
    # mail's analysis and the alert threshold is not watched (it looks at least once a poll, idle or
    # not; a failing one more often until it has failed for longer than the threshold)
    unwatched = [Alert(m.name, m.failing_since, m.error,
                       f"hộp thư {m.name} không được theo dõi từ {m.updated_at.isoformat()}: "
                       f"tiến trình chạy nền (qlvb-gateway run) đã dừng?")
                 for m in mailboxes if m.updated_at is not None and m.silent and m.name in watch.polls
                 and m.failing_seconds <= limit]
    return StatusReport(mailboxes, outbox, store, tuple(failing + unwatched + _unsent(outbox, limit, now)
                                                        + _unfiled(spool, limit, now)
                                                        + _short_of_room(store, register, room_needed)), spool, register)


DISK = "disk"  # the alert's name for a disk short of room


def _short_of_room(store: StoreSpace, register: StoreSpace | None, needed: int) -> list[Alert]:
    """The store's or the register's disk with less room than the largest mail the gateway takes needs (its original and
    its decoded files, the caller says): the next mail may not be kept, and the daemon, its register full, cannot even
    write down why (red team 92: `status` said nothing)."""
    return [Alert(DISK, None, f"{space.free_bytes} bytes free",
                  f"ổ đĩa của {what} ({space.path}) còn {space.free_bytes // 2**20} MB, dưới {needed // 2**20} MB "
                  f"(thư lớn nhất được nhận, limits.max_mail_mb, và các tệp của nó): thư mới có thể không lưu được")
            for what, space in (("kho lưu trữ", store), ("sổ đăng ký", register))
            if space is not None and space.free_bytes < needed]


LISTENER = "listener"  # the alert's name for the listener's spool


def _unfiled(spool: SpoolState | None, limit: float, now: datetime) -> list[Alert]:
    """A delivery the listener took (the MTA told 250, so nobody else holds it) not filed into the IMAP inbox for longer
    than the threshold: the inbox refuses its APPEND (a quota, a full disk) or the daemon is not running."""
    if spool is not None and spool.error is not None:  # an all-clear read from nothing is none (red team 82)
        return [Alert(LISTENER, None, spool.error, f"không đọc được hàng đợi của bộ nhận thư ({spool.path})")]
    if spool is None or spool.oldest_at is None or (now - spool.oldest_at).total_seconds() <= limit:
        return []
    return [Alert(LISTENER, spool.oldest_at, None,
                  f"{spool.waiting} thư nhận qua bộ nhận thư chưa vào hộp thư, cũ nhất từ {spool.oldest_at.isoformat()} "
                  f"({spool.path})")]


SUBMISSION = "smtp"  # the alert's name for the submission server (the outbox's way out)


def _unsent(outbox: OutboxCounts, limit: float, now: datetime) -> list[Alert]:
    """The submission server unreachable, or refusing our account, for longer than the threshold: the oldest answer never
    put to it waits (red team 69: three days of the server down, `status` exited 0 with no alert, nothing logged)."""
    untried = [r for r in outbox.retrying if r.attempts == 0 and r.last_error]
    if not untried or (now - untried[0].created_at).total_seconds() <= limit:
        return []
    oldest = untried[0]
    return [Alert(SUBMISSION, oldest.created_at, oldest.last_error,
                  f"máy chủ gửi thư không nhận thư từ {oldest.created_at.isoformat()}: thư trả lời và văn bản đi đang chờ")]


def _mailbox(name: str, connected: bool, last_uid: int, backlog: int | None, last_mail_at: datetime | None,
             error: str | None, failing_since: datetime | None, updated_at: datetime | None, *, watch: Watch,
             now: datetime) -> MailboxReport:
    quiet = watch.polls.get(name, DEFAULT_POLL_SECONDS) + watch.seconds_per_mail + watch.alert_after_seconds
    silent = updated_at is not None and (now - updated_at).total_seconds() > quiet
    # a daemon stopped cleanly wrote "disconnected, no error" last: not watched from then on (a newcomer read "watched"
    # for the quarter of an hour after `systemctl stop`), alerted as a daemon that died is, once silent
    watched = updated_at is not None and not silent and (connected or error is not None)
    failing_seconds = round((now - failing_since).total_seconds()) if failing_since else 0
    return MailboxReport(name, connected, last_uid, backlog, last_mail_at, error, failing_since, failing_seconds,
                         updated_at, watched, silent)


def store_space(path: Path) -> StoreSpace:
    """Free space on the file system of the content store (or of the folder it will be made in)."""
    usage = disk_usage(path)
    return StoreSpace(str(path), usage.free, usage.total)


def spool_state(path: Path) -> SpoolState:
    """The listener's spool as the daemon takes it (gateway.listener.spooled: its `.eml` files, oldest first). A spool
    not made yet holds nothing; one `status` may not read (another user's, 0700) is said, not taken for empty."""
    times = []
    try:
        with os.scandir(path) as entries:
            for entry in entries:
                if entry.name.endswith(".eml"):
                    try:
                        times.append(entry.stat().st_mtime)
                    except FileNotFoundError:  # filed and removed meanwhile by the daemon
                        continue
    except FileNotFoundError:
        pass
    except OSError as exc:
        return SpoolState(str(path), None, None, f"{type(exc).__name__}: {exc.strerror or exc}")
    oldest = datetime.fromtimestamp(min(times), timezone.utc) if times else None
    return SpoolState(str(path), len(times), oldest)
