"""Writing a file whole or not at all: the one atomic write of the gateway (the content store, the
listener's spool, the fetched CRLs). A crash leaves the old file or the new one, never a part."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterable
from pathlib import Path


TEMPORARY = ".tmp-"  # a temporary file's name begins so, then its writer's process id


def remove_orphans(folder: Path) -> int:
    """The temporary files in `folder` whose writer died (a kill -9, a power cut: red team 101, a large mail's stream
    killed twice left 14 MB for good) removed; those of a living process, or of none named, kept. Returns how many."""
    removed = 0
    for path in folder.glob(f"{TEMPORARY}*"):
        pid = path.name[len(TEMPORARY):].split("-", 1)[0]
        if pid.isdecimal() and not _alive(int(pid)):
            path.unlink(missing_ok=True)
            removed += 1
    return removed


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's: alive
        return True
    return True


def write_atomically(target: Path, data: bytes) -> None:
    """Write `data` to a temporary file beside `target`, sync it, rename it over `target`, then sync
    the folder, so that the new name survives a power cut too. The temporary file's name starts with
    a dot and has no suffix: nobody reading the folder by suffix takes it for a finished file."""
    rename_synced(write_temporary(target.parent, [data]), target)


def write_temporary(folder: Path, chunks: Iterable[bytes]) -> Path:
    """The chunks written, as they come, to a temporary file of `folder`, synced: its path. The caller
    renames it (`rename_synced`) or removes it."""
    fd, name = tempfile.mkstemp(dir=folder, prefix=f"{TEMPORARY}{os.getpid()}-")  # whose it is: `remove_orphans`
    temporary = Path(name)
    try:
        with os.fdopen(fd, "wb") as handle:
            for chunk in chunks:
                handle.write(chunk)
            handle.flush()
            os.fsync(handle.fileno())
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return temporary


def rename_synced(temporary: Path, target: Path) -> None:
    """A synced temporary file renamed over `target`, then the folder synced."""
    try:
        os.replace(temporary, target)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    folder = os.open(target.parent, os.O_RDONLY)
    try:
        os.fsync(folder)
    finally:
        os.close(folder)


def disk_usage(path: Path) -> "shutil._ntuple_diskusage":
    """The file system's usage where `path` is, or will be made (its nearest folder that exists)."""
    existing = path.resolve()
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    return shutil.disk_usage(existing)
