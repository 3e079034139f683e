"""What the daemon keeps of each watched mailbox in the register (`status` and the monitoring read it):
a typed change applied to the mailbox's row, never keyword arguments checked by name."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone

from registry.database import Register
from registry.models import MailboxState


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
    """The connection closed: by a failure (which starts a run of them), or on its own (no error)."""

    error: str | None = None

    def apply(self, state: MailboxState, now: datetime) -> None:
        state.connected = False
        if self.error is not None:
            state.last_error = self.error
            if state.failing_since is None:
                state.failing_since = now  # until a step succeeds (Recovered)


@dataclass(frozen=True)
class Stopped:
    """The daemon stopped cleanly: nothing watches the mailbox from now on (red team 110: a mailbox failing at the stop
    was said "watched" for the quarter of an hour after it, by its last error); a run of failures goes on from when it
    began once the daemon starts again and still fails."""

    def apply(self, state: MailboxState, now: datetime) -> None:
        state.connected, state.last_error = False, None


@dataclass(frozen=True)
class Recovered:
    """A step succeeded after failures (perhaps from before a restart): the run of them ends."""

    def apply(self, state: MailboxState, now: datetime) -> None:
        state.failing_since = None


StateChange = Connected | Filed | Disconnected | Stopped | Recovered  # what the daemon writes of a mailbox's state


@dataclass(frozen=True)
class MailboxStates:
    """The mailboxes' rows in the register."""

    register: Register

    def get(self, name: str) -> MailboxState:
        """The mailbox's row as last saved (made on first use), detached from its session."""
        with self.register.session() as session:
            state = session.get(MailboxState, name)
            if state is None:
                state = MailboxState(name=name, last_uid=0, connected=False, backlog=0)
                session.add(state)
                session.commit()
            session.expunge(state)
            return state

    def save(self, name: str, change: StateChange) -> None:
        with self.register.session() as session:
            state = session.get(MailboxState, name) or MailboxState(name=name, last_uid=0, connected=False, backlog=0)
            now = datetime.now(timezone.utc)
            change.apply(state, now)
            state.updated_at = now
            session.add(state)
            session.commit()
