"""An official mailbox as a local Maildir, for a gateway beside the mail server (the standard
library's `mailbox`, which this package never shadows: it is installed as `qlvb_mailbox`).

New mail is every message in the inbox (filed ones are moved out, into Maildir++ sub-folders
named as the IMAP server names them: ".QLVB.<modified UTF-7>"), its receive time the file's
delivery time. Flags (\\Seen) move with the message.
"""

from __future__ import annotations

import logging
import mailbox
import os
import re
import time
from collections.abc import Iterator
from datetime import datetime, timezone
from email.parser import BytesHeaderParser
from email.policy import compat32
from pathlib import Path
from typing import BinaryIO

from imapclient import imap_utf7

from qlvb_mailbox.batches import Batch, bounded
from qlvb_mailbox.dates import plausible
from qlvb_mailbox.watched import STREAM_CHUNK, FetchedMail, Stop, StreamedMail
from qlvb_mailbox.settings import Folders

log = logging.getLogger("qlvb.maildir")

HEADER_FIELD = re.compile(rb"(From |[!-9;-~]+[ \t]*:)")  # a header field's name and colon (or an mbox From line)


class MaildirMailbox:
    def __init__(self, path: Path, folders: Folders) -> None:
        self.path = path
        self.folders = folders
        self.inbox: mailbox.Maildir | None = None
        self.uidvalidity: int | None = None  # a Maildir has none: its keys are names
        self._seen: set[str] = set()  # the inbox's files at the last `pending`
        self._paths: dict[str, Path] = {}  # the inbox's files by key, at the last `pending`
        self._not_mail: set[str] = set()  # files skipped (and warned about once)

    def connect(self) -> None:
        if not all((self.path / part).is_dir() for part in ("cur", "new", "tmp")):  # made by the first delivery
            raise OSError(f"{self.path}: no Maildir there (its cur, new and tmp folders)")
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
        self._seen = self._listing()
        self._paths = self._files()
        keys = [k for k in self._paths if self._is_mail(k)]
        return sorted(keys, key=lambda k: (self._delivered(k), k))

    def _files(self) -> dict[str, Path]:
        """The inbox's files by key (the name before the flags), as `mailbox.Maildir` names them."""
        found: dict[str, Path] = {}
        for sub in ("new", "cur"):
            for path in (self.path / sub).iterdir():
                if not path.name.startswith("."):
                    found[path.name.split(":")[0]] = path
        return found

    def _path(self, key: str) -> Path:
        if key not in self._paths or not self._paths[key].exists():
            self._paths = self._files()
        if key not in self._paths:
            raise KeyError(key)
        return self._paths[key]

    def _is_mail(self, key: str) -> bool:
        """A regular file that starts with a header field: anything else in the inbox is skipped, with
        one warning (read by the daemon, it would be registered as a mail or stop the mailbox)."""
        why = None
        try:
            path = self._paths[key]
            if not path.is_file():
                why = "not a regular file"
            else:
                with path.open("rb") as file:
                    head = file.read(1000)
                why = None if HEADER_FIELD.match(head) else ("empty" if not head else "no header at its start")
        except OSError as exc:  # unreadable (its permissions), or gone
            why = f"cannot be read ({exc.strerror or type(exc).__name__})"
        if why is not None and key not in self._not_mail:
            log.warning("%s: %s is not a mail (%s); left where it is", self.path, key, why)
            self._not_mail.add(key)
        return why is None

    def _delivered(self, key: str) -> float:
        """When the mail was delivered: its file's time, as `mailbox.MaildirMessage` gives it (read
        without parsing the mail: a hostile one may not parse at all)."""
        try:
            return self._path(key).stat().st_mtime
        except (KeyError, OSError):  # moved meanwhile
            return 0.0

    def batches(self, keys: list[str], *, count: int, max_bytes: int, alone_above: int) -> Iterator[Batch[str]]:
        """The keys in batches of at most `count` mails and `max_bytes` (a mail above `alone_above` alone)."""
        return bounded(((k, size) for k in keys if (size := self._size(k)) >= 0), count=count, max_bytes=max_bytes,
                       alone_above=alone_above)

    def _size(self, key: str) -> int:
        try:
            return self._path(key).stat().st_size
        except (KeyError, OSError):  # moved meanwhile
            return -1

    def news(self) -> bool:
        """Whether a mail was delivered since the last `pending`."""
        return bool(self._listing() - self._seen)

    def fetch(self, keys: list[str]) -> list[FetchedMail[str]]:
        assert self.inbox is not None
        fetched: list[FetchedMail[str]] = []
        for key in keys:
            try:  # the file `file` moves: one key twice (new/K and cur/K:2,S) had the other read (red team 40)
                raw = self._path(key).read_bytes()
            except (KeyError, FileNotFoundError):
                continue  # moved meanwhile
            fetched.append(FetchedMail(key, raw, self._delivered_at(key)))
        return fetched

    def stream(self, key: str) -> StreamedMail[str] | None:
        """A mail read STREAM_CHUNK bytes at a time, never whole in memory."""
        try:
            file = self._path(key).open("rb")
        except (KeyError, FileNotFoundError):
            return None  # moved meanwhile
        return StreamedMail(key, os.fstat(file.fileno()).st_size, self._delivered_at(key), _chunks(file))

    def _delivered_at(self, key: str) -> datetime | None:
        try:
            return plausible(datetime.fromtimestamp(int(self._delivered(key)), timezone.utc))
        except (OverflowError, ValueError, OSError):  # a file time no date holds: as if unknown
            return None

    def file(self, keys: list[str], folder_key: str) -> list[str]:
        assert self.inbox is not None
        target = self._folder_path(folder_key)
        for key in keys:  # moved as a file, name and flags kept: never parsed (a hostile mail may not parse)
            source = self._path(key)
            os.rename(source, target / source.parent.name / source.name)
            self._paths.pop(key, None)
        return []  # none is left: a file that cannot be moved raises (the disk's, the infrastructure's)

    def _folder_path(self, key: str) -> Path:
        """The verdict's folder on disk (Maildir++: the inbox's folder named '.' and its name)."""
        self._folder(key)  # made if missing
        name: str = getattr(self.folders, key)
        return self.path / ("." + ".".join(imap_utf7.encode(part).decode("ascii") for part in name.split("/") if part))

    def refile(self, message_id: str, from_key: str, to_key: str) -> bool:
        """Move a filed mail, found by its Message-ID, from one verdict's folder to another's."""
        source, target = self._folder_path(from_key), self._folder_path(to_key)
        for sub in ("cur", "new"):
            for path in (source / sub).iterdir():
                with path.open("rb") as file:  # the headers only: a hostile body may not parse
                    headers = BytesHeaderParser(policy=compat32).parse(file)
                if str(headers.get("Message-ID", "") or "").strip() == message_id:
                    os.rename(path, target / sub / path.name)
                    return True
        return False

    def wait(self, seconds: float, stop: Stop) -> None:
        """Poll the inbox's new/ and cur/ every half second for up to `seconds`, for a mail delivered
        since the last `pending` (one delivered while the daemon was busy: no wait at all)."""
        deadline = time.monotonic() + seconds
        while not stop.is_set() and time.monotonic() < deadline and not self.news():
            time.sleep(min(0.5, max(0.0, deadline - time.monotonic())))

    def _listing(self) -> set[str]:
        return {p.name for sub in ("new", "cur") for p in (self.path / sub).iterdir()}


def _chunks(file: BinaryIO) -> Iterator[bytes]:
    with file:
        while chunk := file.read(STREAM_CHUNK):
            yield chunk
