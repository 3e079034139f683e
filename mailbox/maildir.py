"""An official mailbox as a local Maildir, for a gateway beside the mail server (the standard
library's `mailbox`, which this package never shadows: it is installed as `qlvb_mailbox`).

New mail is every message in the inbox (filed ones are moved out, into Maildir++ sub-folders
named as the IMAP server names them: ".QLVB.<modified UTF-7>"), its receive time the file's
delivery time. Flags (\\Seen) move with the message.
"""

from __future__ import annotations

import mailbox
import time
from datetime import datetime, timezone
from pathlib import Path

from imapclient import imap_utf7

from gateway.config import Folders
from qlvb_mailbox.imap import FetchedMail


class MaildirMailbox:
    def __init__(self, path: Path, folders: Folders) -> None:
        self.path = path
        self.folders = folders
        self.inbox: mailbox.Maildir | None = None
        self.uidvalidity: int | None = None  # a Maildir has none: its keys are names

    def connect(self) -> None:
        if not self.path.is_dir():
            raise OSError(f"{self.path}: no Maildir there")
        self.inbox = mailbox.Maildir(str(self.path), factory=None, create=False)
        for key in ("accepted", "returned", "quarantined", "ignored"):
            self._folder(key)

    @property
    def connected(self) -> bool:
        return self.inbox is not None

    def close(self) -> None:
        self.inbox = None

    def _folder(self, key: str) -> mailbox.Maildir:
        assert self.inbox is not None
        name: str = getattr(self.folders, key)
        on_disk = ".".join(imap_utf7.encode(part).decode("ascii") for part in name.split("/") if part)
        try:
            return self.inbox.get_folder(on_disk)
        except mailbox.NoSuchMailboxError:
            return self.inbox.add_folder(on_disk)

    def pending(self, after: int = 0) -> list[str]:
        assert self.inbox is not None
        keys = list(self.inbox.iterkeys())
        return sorted(keys, key=lambda k: (self._delivered(k), k))

    def _delivered(self, key: str) -> float:
        assert self.inbox is not None
        return self.inbox.get_message(key).get_date()

    def fetch(self, keys: list[str]) -> list[FetchedMail]:
        assert self.inbox is not None
        fetched = []
        for key in keys:
            try:
                raw = self.inbox.get_bytes(key)
                when = datetime.fromtimestamp(int(self._delivered(key)), timezone.utc)
            except KeyError:
                continue  # moved meanwhile
            fetched.append(FetchedMail(key, raw, when))
        return fetched

    def file(self, keys: list[str], folder_key: str) -> None:
        assert self.inbox is not None
        folder = self._folder(folder_key)
        for key in keys:
            folder.add(self.inbox.get_message(key))
            self.inbox.discard(key)

    def refile(self, message_id: str, from_key: str, to_key: str) -> bool:
        """Move a filed mail, found by its Message-ID, from one verdict's folder to another's."""
        source = self._folder(from_key)
        for key, message in source.iteritems():
            if (message["Message-ID"] or "").strip() == message_id:
                self._folder(to_key).add(message)
                source.discard(key)
                return True
        return False

    def wait(self, seconds: float, stop) -> None:  # type: ignore[no-untyped-def]
        """Poll the inbox's new/ and cur/ every half second for up to `seconds`."""
        deadline = time.monotonic() + seconds
        before = self._listing()
        while not stop.is_set() and time.monotonic() < deadline:
            time.sleep(0.5)
            if self._listing() != before:
                return

    def _listing(self) -> set[str]:
        return {p.name for sub in ("new", "cur") for p in (self.path / sub).iterdir()}
