"""What runs one transaction at a time across processes, by PostgreSQL's advisory locks, their keys in one place.
SQLite's write transactions are one at a time already (BEGIN IMMEDIATE, registry/database.py)."""

from __future__ import annotations

from sqlalchemy import Connection, text
from sqlalchemy.orm import Session

FILES = 0x514C5642  # the transactions that refer to files (shared) and the destruction of files (alone): red team 27
MIGRATION = 0x716C7662  # the migration of the register: red team 91, three processes opening a new register at once
DIGEST = 0x716C7664  # the clerk's digest, by hand or scheduled: red team 91, one digest made twice


def hold(on: Session | Connection, key: int, *, shared: bool = False, wait_ms: int | None = None) -> None:
    """Until the caller's transaction ends, no other transaction holds `key` (`shared`: but other shared holders).
    `wait_ms`: how long to wait for another holder, then the database's LockNotAvailable (None: as long as it holds it)."""
    dialect = on.get_bind().dialect if isinstance(on, Session) else on.dialect
    if dialect.name == "postgresql":
        if wait_ms is not None:
            on.execute(text(f"SET LOCAL lock_timeout = '{int(wait_ms)}ms'"))
        on.execute(text(f"SELECT pg_advisory_xact_lock{'_shared' if shared else ''}(:key)"), {"key": key})
