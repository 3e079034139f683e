"""No mail can stop the gateway. Every step of a mail in the main process runs under one guard
(`Intake.handle`), which sorts what goes wrong into two kinds:

- the mail's fault (it cannot be parsed or decoded, the database refuses a value of it, a bug it
  provokes): the mail is quarantined with `processing-failed` and the exception's class, its bytes
  kept, the clerk told, and the loop goes on;
- the infrastructure's (the database unreachable or locked, the disk full, the network): not the
  mail's, which is left untouched; the error goes up to the daemon, which backs off and retries,
  `status` showing why.

Attempts are counted in the register, in a transaction of their own, before a mail's steps and
cleared once they are done: a mail begun twice on its own without being finished (it failed, or the
whole process died under it) is quarantined at the third, without its steps, and never retried in a
loop. Mails recorded together in one transaction are written down as begun, uncounted: should the
process die under them, each is taken on its own next time, and counted then.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import datetime, timezone
from typing import Literal

from sqlalchemy import delete, select
from sqlalchemy.exc import DatabaseError, DisconnectionError, IntegrityError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.orm.exc import StaleDataError

from gateway.intake import mime
from gateway.model import Decision, MailFacts, SenderAuth, Whole
from gateway.reasons import error
from qlvb_mailbox.imap import NETWORK_ERRORS
from registry.database import Register
from registry.errors import RegisterUnavailable
from registry.models import MailAttempt

log = logging.getLogger("qlvb.guard")

Blame = Literal["mail", "infrastructure"]

MAX_ATTEMPTS = 2  # a mail begun this many times without being finished is quarantined at the next

# The database unreachable, restarting, locked ("database is locked" is SQLite's OperationalError) or
# out of connections. A value it refuses (DataError, IntegrityError) is the mail's.
DATABASE_DOWN = (OperationalError, InterfaceError, DisconnectionError, PoolTimeout)
# … but a statement too large for SQLite is no outage: only a mail makes one (red team 19: 260,000 References in one
# query, tried again for ever, stopped the mailbox)
STATEMENT_TOO_LARGE = ("too many SQL variables", "string or blob too big", "Expression tree is too large",
                       "too many terms in compound SELECT")


# … and the register damaged is no mail's doing either (red team 101: a page of SQLite's zeroed, "database disk image is
# malformed" quarantined every good letter with no row, as the mail's fault): SQLite's words, PostgreSQL's class XX
# (internal error, data or index corrupted)
REGISTER_DAMAGED = ("malformed", "file is not a database", "disk I/O error")


def _damaged(exc: DatabaseError) -> bool:
    return any(words in str(exc.orig) for words in REGISTER_DAMAGED) or str(
        getattr(exc.orig, "sqlstate", "") or "").startswith("XX")


def blame(exc: BaseException) -> Blame:
    """Whose fault an exception is. The file system and the network (every OSError: the disk full, a
    quota, a connection lost; the IMAP library's errors) are the infrastructure's: no mail's bytes
    ever name a path. So is the database down or locked, itself or as the cause of what was raised."""
    seen: set[int] = set()
    link: BaseException | None = exc
    while link is not None and id(link) not in seen:
        if isinstance(link, OperationalError) and any(words in str(link.orig) for words in STATEMENT_TOO_LARGE):
            return "mail"
        if isinstance(link, (*DATABASE_DOWN, *NETWORK_ERRORS, RegisterUnavailable)) or \
                isinstance(link, DatabaseError) and _damaged(link):
            return "infrastructure"
        seen.add(id(link))
        link = link.__cause__
    return "mail"


def fault_name(exc: BaseException) -> str:
    """The exception's class, as the clerk and the attempts table see it (never its message, which
    may quote the mail)."""
    return type(exc).__name__


def bare_facts(raw: bytes, problem: str, *, whole: Whole | None = None) -> MailFacts:
    """What is known of a mail without reading a byte of it: its SHA-256 and size (the last way to
    quarantine a mail whose very headers fail; `whole`: those of the mail `raw` begins)."""
    digest = whole.sha256 if whole else mime.sha256(raw)
    return MailFacts(
        message_id=f"<sha256-{digest[:32]}@no-message-id.qlvb>", sha256=digest, size=whole.size if whole else len(raw),
        from_address="", from_name="", to=[], cc=[], subject="", date=None, received_top=None, auto_submitted=None,
        sender=SenderAuth("", False, detail=problem), attachments=[], pdfs=[], problem=problem,
    )


def unrecorded_quarantine(problem: str) -> Decision:
    """The decision on a mail that could not even be quarantined in the register: filed into
    quarantine all the same (the error in the log), never retried in a loop."""
    return Decision("quarantined", None, [error("processing-failed", problem)], None, [], [])


class Attempts:
    """The attempts table (`mail_attempts`), each change committed at once."""

    def __init__(self, register: Register) -> None:
        self.register = register
        self._not_given_back: set[str] = set()  # begun, then an infrastructure failure we could not write down

    def begin(self, digests: Iterable[str]) -> dict[str, int]:
        """Count one more attempt of each mail (one transaction for all); how many there have been."""
        counts: dict[str, int] = {}
        wanted = list(dict.fromkeys(digests))
        now = datetime.now(timezone.utc)
        for _ in range(2):  # another gateway may insert or clear the same row at the same moment: once more
            try:
                with self.register.session() as session, session.begin():
                    rows = {r.sha256: r for r in session.scalars(select(MailAttempt).where(MailAttempt.sha256.in_(wanted)))}
                    for digest in wanted:
                        row = rows.get(digest)
                        if row is None:
                            row = MailAttempt(sha256=digest, attempts=0, last_error=None, updated_at=now)
                            session.add(row)
                        if digest in self._not_given_back:
                            row.attempts = max(row.attempts - 1, 0)
                        row.attempts += 1
                        row.updated_at = now
                        counts[digest] = row.attempts
                self._not_given_back -= set(wanted)
                return counts
            except (IntegrityError, StaleDataError):  # inserted, or cleared (its mail done), by another gateway
                counts.clear()
        raise RuntimeError("mail_attempts: a row inserted or cleared by another gateway at once, twice")

    def begin_batch(self, digests: Iterable[str]) -> set[str]:
        """Mails about to be recorded together: each written down as begun (a crash of the process
        under a batch blames none of its mails in particular); which of them had been begun before
        and never finished, and are to be taken one by one, counted."""
        wanted = list(dict.fromkeys(digests))
        now = datetime.now(timezone.utc)
        for _ in range(2):
            try:
                with self.register.session() as session, session.begin():
                    before = set(session.scalars(select(MailAttempt.sha256).where(MailAttempt.sha256.in_(wanted))))
                    session.add_all(MailAttempt(sha256=d, attempts=0, last_error=None, updated_at=now)
                                    for d in wanted if d not in before)
                return before
            except IntegrityError:
                continue
        raise RuntimeError("mail_attempts: a row inserted twice at once, twice")

    def last_error(self, digest: str) -> str | None:
        with self.register.session() as session:
            row = session.get(MailAttempt, digest)
            return row.last_error if row else None

    def failed(self, digest: str, error: str) -> None:
        """The mail's own error, kept with its count (the attempt stays counted)."""
        try:
            with self.register.session() as session, session.begin():
                row = session.get(MailAttempt, digest)
                if row is not None:
                    row.last_error, row.updated_at = error[:200], datetime.now(timezone.utc)
        except StaleDataError:  # another gateway finished the mail meanwhile: nothing is counted against it
            pass

    def give_back(self, digests: Iterable[str]) -> None:
        """The infrastructure failed, not the mail: its attempt does not count. With the database
        itself down, remembered and given back at the mail's next `begin`."""
        wanted = list(dict.fromkeys(digests))
        try:
            with self.register.session() as session, session.begin():
                for row in session.scalars(select(MailAttempt).where(MailAttempt.sha256.in_(wanted))):
                    row.attempts = max(row.attempts - 1, 0)
        except StaleDataError:  # another gateway finished one of them meanwhile: the others' attempts stay
            pass  # counted (once too often at worst: a mail is quarantined after its second, never lost)
        except Exception as exc:  # the database is what failed: the next begin gives it back
            if blame(exc) != "infrastructure":
                raise
            self._not_given_back |= set(wanted)

    def clear(self, digests: Iterable[str]) -> None:
        """The mails' steps are done (recorded, or quarantined): nothing is counted against them any more."""
        wanted = list(dict.fromkeys(digests))
        with self.register.session() as session, session.begin():
            session.execute(delete(MailAttempt).where(MailAttempt.sha256.in_(wanted)))
