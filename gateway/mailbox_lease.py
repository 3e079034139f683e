"""Which process works a mailbox: one at a time, by a lock on a file in the gateway's storage.

Two daemons started on one configuration (systemd's and an operator's terminal, or a restart whose old process is still
finishing) both fetched and filed the same mails: the register held each once, but Dovecot moves a mail by a copy then
an expunge, and both MOVEs of one mail ran together, leaving it twice in its verdict's folder (red team 101's table).
The second daemon now leaves a mailbox to the process that holds its lock and takes it when that process ends, however
it ends: the operating system releases a lock with the last file descriptor on it (kill -9 included)."""

from __future__ import annotations

import fcntl
import hashlib
import os
import re
from pathlib import Path

from gateway.mail_lock import open_lock_file, still_at


def lease_path(storage: Path, mailbox: str) -> Path:
    """The lock file of the configured mailbox `mailbox` (its name as a file name, with a hash: any name is one file)."""
    readable = re.sub(r"[^A-Za-z0-9_.-]+", "_", mailbox)[:40]
    return storage / "leases" / f"{readable}-{hashlib.sha256(mailbox.encode()).hexdigest()[:12]}.lock"


def services_lease_path(storage: Path) -> Path:
    """The lock file of what one process of a configuration serves: the metrics' port, the listener's, the schedule (a
    mailbox's file always holds a dash and a hash: never this one)."""
    return storage / "leases" / "services.lock"


class MailboxLease:
    """This process's hold on one mailbox: taken or not, kept until released or the process ends."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._fd: int | None = None

    @property
    def held(self) -> bool:
        return self._fd is not None

    def take(self) -> bool:
        """Whether this process holds the mailbox now: taken here, or before and still its own (the file it locked is
        still the one at the path: red team 137 removed `leases/` under a holder, and a second process locked a new
        file). OSError: the storage cannot hold the lock file (the infrastructure's)."""
        if self._fd is not None:
            if still_at(self._fd, self.path):
                return True
            self.release()  # its file gone or replaced: held again below, if nobody holds the new one
        fd = open_lock_file(self.path)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            if not still_at(fd, self.path):  # removed between the open and the lock
                os.close(fd)
                return False
        except BlockingIOError:
            os.close(fd)
            return False
        except BaseException:
            os.close(fd)
            raise
        try:  # who holds it, for the other process's log: never a condition (a full disk holds the lock all the same)
            os.ftruncate(fd, 0)
            os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        except OSError:
            pass
        self._fd = fd
        return True

    def holder(self) -> str:
        """The process id the holder wrote, as text ("?" when it cannot be read)."""
        try:
            return self.path.read_text(encoding="ascii").strip() or "?"
        except (OSError, UnicodeDecodeError):
            return "?"

    def release(self) -> None:
        if self._fd is not None:
            os.close(self._fd)  # the lock goes with it
            self._fd = None
