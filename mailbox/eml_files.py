"""Mail files as a source: .eml files (or a Maildir's files) read as the bytes that arrived.

This folder is installed as `qlvb_mailbox`, never as `mailbox`: the standard library's `mailbox`
module (which aiosmtpd imports) must stay reachable however Python is started.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path


def iter_mail_files(paths: list[Path]) -> Iterator[tuple[Path, bytes]]:
    """Each file's path and bytes; a directory yields its regular files in name order."""
    for path in paths:
        if path.is_dir():
            for child in sorted(p for p in path.rglob("*") if p.is_file() and not p.name.startswith(".")):
                yield child, child.read_bytes()
        else:
            yield path, path.read_bytes()
