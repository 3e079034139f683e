"""An official mailbox over IMAP (imapclient): new mail by UID, filing by MOVE, waiting by IDLE.

Installed as `qlvb_mailbox.imap`. Certificates are verified (the system's roots, or `ca_file`);
plain text only to loopback, which the configuration enforces. Mail is fetched with BODY.PEEK[] so
its \\Seen flag stays as it was: the clerk still sees what is new, in batches bounded by count and
bytes (RFC822.SIZE first). New mail the server announces (EXISTS) in the responses to other commands
is not lost: `news` tells the daemon to look again rather than wait.
"""

from __future__ import annotations

import imaplib
import logging
import re
import socket
import ssl
import time
from collections.abc import Iterator
from datetime import datetime, timezone
from typing import Any

from imapclient import IMAPClient
from imapclient.exceptions import IMAPClientError

from qlvb_mailbox.batches import Batch, bounded
from qlvb_mailbox.settings import Folders, Server
from qlvb_mailbox.watched import STREAM_CHUNK, FetchedMail, Stop, StreamedMail

FETCH_BATCH = 20
log = logging.getLogger(__name__)
SIZES_CHUNK = 500  # UIDs asked for their size in one command (a command line stays short)
NETWORK_ERRORS = (OSError, socket.timeout, ssl.SSLError, IMAPClientError, EOFError)


# A server refusing mail for a while, not for good (RFC 5530): the mailbox's trouble, tried again later
_PASSING = re.compile(r"\[(UNAVAILABLE|INUSE|LIMIT|OVERQUOTA|EXPUNGEISSUED)\]", re.IGNORECASE)
_FAILED = re.compile(r"\b(FETCH|MOVE|COPY|UID) failed\b", re.IGNORECASE)  # the server's own words on the command it dropped


def _refused(exc: IMAPClientError) -> bool:
    """Whether the server refused what was asked (NO or BAD, or its BYE naming the command: "FETCH failed"), not a
    connection lost of itself nor a passing state."""
    if _PASSING.search(str(exc)):
        return False
    return not isinstance(exc, imaplib.IMAP4.abort) or _FAILED.search(str(exc)) is not None


def _crlf(raw: bytes) -> bytes:
    """A mail with its lines ended by CRLF, as an IMAP server counts and returns it."""
    return re.sub(rb"\r?\n", b"\r\n", raw)


def _internaldate(item: dict[bytes, object]) -> datetime | None:
    when = item.get(b"INTERNALDATE")
    if not isinstance(when, datetime):
        return None
    return when.replace(tzinfo=timezone.utc) if when.tzinfo is None else when


class ImapMailbox:
    def __init__(self, server: Server, folders: Folders, *, timeout: float = 60.0) -> None:
        self.server = server
        self.folders = folders
        self.timeout = timeout
        self.client: IMAPClient | None = None
        self.uidvalidity: int | None = None
        self._separator = "/"
        self._prefix = ""
        self._refusals: dict[int, str] = {}  # why the server would not give a mail asked for alone

    # ---- connection ------------------------------------------------------------------------
    def connect(self) -> None:
        server = self.server
        context = ssl.create_default_context(cafile=str(server.ca_file) if server.ca_file else None)
        port = server.port or (993 if server.security == "tls" else 143)
        client = IMAPClient(server.host, port=port, ssl=server.security == "tls", ssl_context=context,
                            timeout=self.timeout)
        if server.security == "starttls":
            client.starttls(context)
        client.normalise_times = False  # INTERNALDATE with its offset, not turned into local time
        # imapclient turns imaplib's debugging on to log through its own logger: imaplib then makes text of
        # every response, a mail's whole body included, for a log line nobody reads (a third of the daemon's
        # CPU for a fetch, and two copies more of a mail in memory)
        client._imap.debug = 0
        client.login(server.username or "", server.password or "")
        self.client = client
        personal = client.namespace().personal
        if personal:
            self._prefix, separator = personal[0]
            self._separator = separator or "/"
        for key in ("inbox", "accepted", "returned", "quarantined", "ignored"):
            folder = self.folder(key)
            if folder.upper() != "INBOX" and not client.folder_exists(folder):
                client.create_folder(folder)
                client.subscribe_folder(folder)
        selected = client.select_folder(self.folder("inbox"))
        self.uidvalidity = int(selected[b"UIDVALIDITY"])

    @property
    def connected(self) -> bool:
        return self.client is not None

    def close(self) -> None:
        client, self.client = self.client, None
        if client is None:
            return
        try:
            client.logout()
        except NETWORK_ERRORS:
            pass

    def folder(self, key: str) -> str:
        """A configured folder name ("QLVB/Đã tiếp nhận") in the server's own hierarchy."""
        name: str = getattr(self.folders, key)
        if name.upper() == "INBOX":
            return name
        parts = [p for p in name.split("/") if p]
        path = self._separator.join(parts)
        return path if path.startswith(self._prefix) else self._prefix + path

    # ---- mail ----------------------------------------------------------------------------
    def pending(self, after: int) -> list[int]:
        """The UIDs in the inbox above `after` (the last one taken in)."""
        assert self.client is not None
        self.news()  # what the server announced before this search, the search finds
        uids = self.client.search(["UID", f"{after + 1}:*"]) if after else self.client.search(["ALL"])
        return sorted(int(u) for u in uids if int(u) > after)  # "N:*" also matches the last UID below N

    def news(self) -> bool:
        """Whether the server announced new mail (EXISTS) since the last `pending`, in the responses to
        the commands since (SEARCH, FETCH, MOVE): then there may be mail that search did not see."""
        assert self.client is not None
        # imaplib keeps the untagged responses imapclient did not ask for (its public API has no reader)
        return self.client._imap.untagged_responses.pop("EXISTS", None) is not None

    def batches(self, uids: list[int], *, count: int, max_bytes: int, alone_above: int) -> Iterator[Batch[int]]:
        """The UIDs in batches of at most `count` mails and `max_bytes` (a mail above `alone_above` alone),
        by the sizes the server reports, asked for a chunk at a time as the batches are taken."""
        return bounded(self._sizes(uids), count=count, max_bytes=max_bytes, alone_above=alone_above)

    def _sizes(self, uids: list[int]) -> Iterator[tuple[int, int]]:
        assert self.client is not None
        for start in range(0, len(uids), SIZES_CHUNK):
            chunk = uids[start:start + SIZES_CHUNK]
            for uid, item in self._each_of(chunk, ["RFC822.SIZE"]):
                yield uid, int(item[b"RFC822.SIZE"]) if item is not None else 0  # one refused: fetched alone, refused

    def fetch(self, uids: list[int]) -> list[FetchedMail[int]]:
        """The mails, in order; one the server refuses when asked for alone (a file its mail user cannot read, a damaged
        one: NO [SERVERBUG]) comes back `unreadable`, its raw bytes saying so (red team 56: the batch's NO was taken for
        the network's, and the mailbox tried the same FETCH for ever, nothing taken in)."""
        assert self.client is not None
        fetched: list[FetchedMail[int]] = []
        for start in range(0, len(uids), FETCH_BATCH):
            for uid, item in self._each_of(uids[start:start + FETCH_BATCH], ["BODY.PEEK[]", "INTERNALDATE"]):
                if item is None:
                    why = self._refusals.pop(uid)
                    note = (f"Máy chủ thư {self.server.host}:{self.server.port} không trả thư UID {uid} (UIDVALIDITY "
                            f"{self.uidvalidity}) của {self.server.username}")  # one per mail and server (red team 61)
                    fetched.append(FetchedMail(uid, note.encode(), None, unreadable=why))
                else:
                    fetched.append(FetchedMail(uid, bytes(item[b"BODY[]"]), _internaldate(item)))
        return fetched

    def _each_of(self, uids: list[int], items: list[str], *, again: bool = True) -> Iterator[tuple[int, dict[bytes, Any] | None]]:
        """(uid, what the server gave) for each mail still there, in order; None for one it will not give when asked
        for alone (why in `_refusals`). A batch the server refuses (NO, or BYE: Dovecot drops the connection on a mail
        file it cannot read) is asked again mail by mail, on a new connection if need be; a mail alone is refused by a
        NO, or by a second BYE on a connection made anew. A connection that cannot be made again, a server busy for a
        while (RFC 5530: UNAVAILABLE, INUSE…) or a mailbox made anew meanwhile is the mailbox's trouble and raises."""
        assert self.client is not None
        try:
            data = self.client.fetch(uids, items)
        except IMAPClientError as exc:
            if not _refused(exc):
                raise
            dropped = isinstance(exc, imaplib.IMAP4.abort)
            if dropped:
                self._connect_again()
            if len(uids) > 1:
                for uid in uids:
                    yield from self._each_of([uid], items)
            elif dropped and again:
                yield from self._each_of(uids, items, again=False)
            else:
                self._refusals[uids[0]] = str(exc)[:300]
                yield uids[0], None
            return
        for uid in uids:
            if uid in data:  # else expunged meanwhile (the clerk moved it)
                yield uid, data[uid]

    def _connect_again(self) -> None:
        """A new connection after the server dropped one in the middle of the work; the same mailbox or an error."""
        uidvalidity = self.uidvalidity
        self.close()
        self.connect()
        if self.uidvalidity != uidvalidity:
            raise IMAPClientError(f"the inbox was made anew (UIDVALIDITY {uidvalidity} -> {self.uidvalidity})")

    def stream(self, uid: int) -> StreamedMail[int] | None:
        """A mail read STREAM_CHUNK bytes at a time (BODY.PEEK[]<offset.length>), never whole in memory."""
        assert self.client is not None
        item = self.client.fetch([uid], ["RFC822.SIZE", "INTERNALDATE"]).get(uid)
        if item is None:
            return None  # expunged meanwhile
        try:  # its first chunk asked for now: a file the server cannot read is refused here, as `fetch` finds it (red
            first = self.client.fetch([uid], [f"BODY.PEEK[]<0.{STREAM_CHUNK}>"]).get(uid)  # team 108: refused in the
        except IMAPClientError as exc:  # middle of the store's writing, it ended the turn and every mail of it, for ever)
            if not _refused(exc):
                raise
            if isinstance(exc, imaplib.IMAP4.abort):
                self._connect_again()
            return StreamedMail(uid, 0, None, iter(()), unreadable=str(exc)[:300])
        chunk = bytes(first.get(b"BODY[]<0>") or b"") if first is not None else b""
        return StreamedMail(uid, int(item[b"RFC822.SIZE"]), _internaldate(item), self._chunks(uid, chunk))

    def _chunks(self, uid: int, first: bytes) -> Iterator[bytes]:
        assert self.client is not None
        if not first:
            return  # empty, or expunged meanwhile
        yield first
        offset = len(first)
        while True:
            item = self.client.fetch([uid], [f"BODY.PEEK[]<{offset}.{STREAM_CHUNK}>"]).get(uid)
            chunk = bytes(item.get(f"BODY[]<{offset}>".encode()) or b"") if item is not None else b""
            if not chunk:
                return  # the end, or expunged meanwhile
            yield chunk
            offset += len(chunk)

    def file(self, uids: list[int], key: str) -> list[int]:
        """Move mails into the folder for their verdict, in one command (IMAP MOVE, or COPY and expunge); if the
        server refuses it, each alone, one it refuses then left in the inbox (its verdict recorded), the refusal in
        the log. Returns the UIDs left."""
        try:
            self._move(uids, key)
        except IMAPClientError as exc:
            if not _refused(exc):
                raise
            if isinstance(exc, imaplib.IMAP4.abort):
                self._connect_again()
            elif self._made_again(key):  # the folder deleted by a person since the daemon connected (red team 101)
                return self.file(uids, key)
            if len(uids) == 1:
                log.warning("the server keeps mail UID %d in the inbox: %s", uids[0], exc)
                return uids
            return [left for uid in uids for left in self.file([uid], key)]
        return []

    def _made_again(self, key: str) -> bool:
        """The verdict's folder made again if it is gone (a person deleted it, the server answered the move NO
        [TRYCREATE]: every mail of that verdict was left in the inbox, unseen until a reconnection); False if it is there."""
        assert self.client is not None
        folder = self.folder(key)
        if self.client.folder_exists(folder):
            return False
        log.warning("the folder %s was gone: made again", folder)
        self.client.create_folder(folder)
        self.client.subscribe_folder(folder)
        return True

    def _move(self, uids: list[int], key: str) -> None:
        assert self.client is not None
        if not uids:
            return
        folder = self.folder(key)
        if self.client.has_capability("MOVE"):
            self.client.move(uids, folder)
            return
        self.client.copy(uids, folder)
        self.client.delete_messages(uids)
        if self.client.has_capability("UIDPLUS"):
            self.client.uid_expunge(uids)
        else:
            self.client.expunge()

    def refile(self, message_id: str, from_key: str, to_key: str) -> bool:
        """Move a filed mail, found by its Message-ID, from one verdict's folder to another's (after
        the clerk's review); the inbox stays selected. Returns whether it was found."""
        assert self.client is not None
        self.client.select_folder(self.folder(from_key))
        try:
            uids = self.client.search(["HEADER", "Message-ID", message_id])
            if uids:
                self.client.move(uids, self.folder(to_key)) if self.client.has_capability("MOVE") else (
                    self.client.copy(uids, self.folder(to_key)), self.client.delete_messages(uids), self.client.expunge())
            return bool(uids)
        finally:
            self.client.select_folder(self.folder("inbox"))

    def holds(self, key: str, raw: bytes) -> bool:
        """Whether a verdict's folder has this very mail already (a delivery APPENDed before a crash took its spool
        file's removal): the mails of its size there, compared byte for byte (with or without a Message-ID);
        the inbox stays selected."""
        assert self.client is not None
        mail = _crlf(raw)  # as the server counts and returns it
        self.client.select_folder(self.folder(key), readonly=True)
        try:
            uids = self.client.search(["LARGER", str(len(mail) - 1), "SMALLER", str(len(mail) + 1)])
            for start in range(0, len(uids), FETCH_BATCH):
                found = self.client.fetch(uids[start:start + FETCH_BATCH], ["BODY.PEEK[]"])
                if any(_crlf(bytes(item[b"BODY[]"])) == mail for item in found.values()):
                    return True
            return False
        finally:
            self.client.select_folder(self.folder("inbox"))

    def append(self, key: str, raw: bytes, when: datetime | None = None) -> None:
        assert self.client is not None
        self.client.append(self.folder(key), raw, msg_time=when)

    def wait(self, seconds: float, stop: Stop) -> None:
        """Wait for new mail up to `seconds`: IDLE where the server has it (the server tells at
        once), else sleep (polling). Returns at once when the server announced new mail since the
        last `pending`, and early when `stop` is set."""
        assert self.client is not None
        if self.news():
            return
        deadline = time.monotonic() + seconds
        if not self.client.has_capability("IDLE"):
            while not stop.is_set() and time.monotonic() < deadline:
                time.sleep(min(0.5, max(0.0, deadline - time.monotonic())))
            return
        self.client.idle()
        try:
            while not stop.is_set() and time.monotonic() < deadline:
                timeout = min(1.0, max(0.05, deadline - time.monotonic()))
                began = time.monotonic()
                responses = self.client.idle_check(timeout=timeout)
                if any(r[1] in (b"EXISTS", b"RECENT") for r in responses if len(r) > 1):
                    break
                if not responses and time.monotonic() - began < timeout / 2:
                    # the socket was ready and gave nothing: imapclient hides the server's EOF so (red team 157: a
                    # Dovecot restarted under IDLE spun the daemon for `poll_seconds`); leaving IDLE asks the server,
                    # and a connection gone raises there, for the daemon to connect again
                    break
        finally:
            self.client.idle_done()
