"""Writing a file whole or not at all: the one atomic write of the gateway (the content store, the
listener's spool, the fetched CRLs). A crash leaves the old file or the new one, never a part."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def write_atomically(target: Path, data: bytes) -> None:
    """Write `data` to a temporary file beside `target`, sync it, rename it over `target`, then sync
    the folder, so that the new name survives a power cut too. The temporary file's name starts with
    a dot and has no suffix: nobody reading the folder by suffix takes it for a finished file."""
    fd, temporary = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    folder = os.open(target.parent, os.O_RDONLY)
    try:
        os.fsync(folder)
    finally:
        os.close(folder)
