"""One process at a time takes one mail's steps in the register, by a lock on a file in the gateway's storage.

The attempts table counts each start of a mail's steps not yet finished, and a mail begun too often is held as its
process's crash (gateway/guard.py). Several `ingest`s of one mail at once (a cron job, a script and an operator's
terminal over one exported file) counted one another's live starts as crashes: one held a second record of the mail
`processing-failed` and alerted the clerk (red team 151). A mail's steps now wait for another process's steps of the
same mail to end; the operating system releases the lock with its process however it ends (kill -9 included), so a
crash is still counted as one. Mails share 256 lock files by their hash's first byte: two mails of one byte wait for
each other a moment, no more."""

from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

WAIT_SECONDS = 120.0  # then the steps are taken all the same, as before the lock (a holder frozen, SIGSTOP)
LOOK_EVERY = 0.05


def mail_lock_path(storage: Path, digest: str) -> Path:
    return storage / "leases" / f"mail-{digest[:2]}.lock"


def open_lock_file(path: Path) -> int:
    """A lock file, made if missing, readable by the service's user whatever the umask of a root run that made it;
    read only where another user made it (a lock needs no write access: red teams 137, 153)."""
    if not path.parent.is_dir():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.parent.chmod(0o755)  # whatever the umask: another user's process may look (red team 137)
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
    except PermissionError:
        return os.open(path, os.O_RDONLY | os.O_CLOEXEC)
    try:
        os.fchmod(fd, 0o644)
    except OSError:
        pass
    return fd


def still_at(fd: int, path: Path) -> bool:
    """Whether the file open at `fd` is still the one at the path (red team 137 removed `leases/` under a holder, and
    a second process locked a new file)."""
    try:
        held, there = os.fstat(fd), os.stat(path)
    except OSError:
        return False
    return (held.st_dev, held.st_ino) == (there.st_dev, there.st_ino)


@contextmanager
def one_process_at_a_time(storage: Path, digest: str, wait: float = WAIT_SECONDS) -> Iterator[None]:
    """The block run holding the mail's lock; without it where its file cannot be made (the storage's fault, said
    where the mail's files are written) or another holds it past `wait`. A lock on a file no longer at the path (its
    folder removed under it) is taken again on the file there (red team 153)."""
    path = mail_lock_path(storage, digest)
    deadline = time.monotonic() + wait
    fd: int | None = None
    held = False
    try:
        while True:
            try:
                fd = open_lock_file(path)
            except OSError:
                break
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                if still_at(fd, path):
                    held = True
                    break
            except BlockingIOError:
                pass
            os.close(fd)
            fd = None
            if time.monotonic() >= deadline:
                break
            time.sleep(LOOK_EVERY)
        yield
    finally:
        if fd is not None:
            if held:
                fcntl.flock(fd, fcntl.LOCK_UN)  # the open file a worker forked meanwhile shares is let go too
            os.close(fd)
