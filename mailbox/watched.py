"""What the daemon asks of a watched mailbox, over IMAP or in a local Maildir: one interface, with
the mails' keys typed (an IMAP UID is a number, a Maildir key a name)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Generic, Protocol

from qlvb_mailbox.batches import Batch, K


class Stop(Protocol):
    """What a mailbox's wait watches to return early: a threading.Event, or anything set like one."""

    def is_set(self) -> bool: ...


@dataclass(frozen=True)
class FetchedMail(Generic[K]):
    key: K  # the IMAP UID, or a Maildir key
    raw: bytes
    internaldate: datetime | None  # when the mailbox received it
    unreadable: str | None = None  # the server's refusal to give it, asked alone (raw then says so, not the mail)


STREAM_CHUNK = 4 * 1024 * 1024  # bytes of a mail too large to hold read at once (IMAP: one partial FETCH)


@dataclass(frozen=True)
class StreamedMail(Generic[K]):
    """A mail too large to hold in memory, read a chunk at a time (`chunks`, consumed once, at once)."""

    key: K
    size: int  # its bytes, as the mailbox reports them; fewer chunks' bytes than these: it went meanwhile
    internaldate: datetime | None
    chunks: Iterator[bytes]
    unreadable: str | None = None  # the server's refusal to give it (its chunks then none): a FetchedMail's `unreadable`


class WatchedMailbox(Protocol[K]):
    """A mailbox whose new mail the daemon takes in and files by verdict."""

    @property
    def uidvalidity(self) -> int | None: ...  # IMAP's UIDVALIDITY (a Maildir has none)

    @property
    def connected(self) -> bool: ...

    def connect(self) -> None: ...

    def close(self) -> None: ...

    def pending(self, after: int) -> list[K]: ...  # the new mails' keys (IMAP: UIDs above `after`)

    def news(self) -> bool: ...  # new mail announced since the last `pending`

    def batches(self, keys: list[K], *, count: int, max_bytes: int, alone_above: int) -> Iterator[Batch[K]]: ...

    def fetch(self, keys: list[K]) -> list[FetchedMail[K]]: ...

    def stream(self, key: K) -> StreamedMail[K] | None: ...  # None: it went meanwhile

    def file(self, keys: list[K], key: str) -> list[K]: ...  # moved into the folder of that verdict key; those left

    def wait(self, seconds: float, stop: Stop) -> None: ...
