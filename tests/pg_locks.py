"""What a test of two transactions at once on PostgreSQL asks the server: who waits for a lock, and how long the
server lets a wait go before it looks for a deadlock (the one that began waiting last finds the circle)."""

from __future__ import annotations

from sqlalchemy import create_engine, text


def sessions_waiting(url: str, rows_only: bool = False) -> int:
    """How many sessions of the database wait for a lock another transaction holds; `rows_only`: for a row (not, say,
    the advisory lock a start's destruction of recalled files asks for, which `ingest` waits on at its start)."""
    rows = " AND wait_event IN ('transactionid', 'tuple')" if rows_only else ""
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return int(connection.scalar(text("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
                                              f"{rows} AND datname = current_database()")) or 0)
    finally:
        engine.dispose()


def deadlock_timeout(url: str) -> float:
    """The server's deadlock_timeout, in seconds."""
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return float(connection.scalar(text("SELECT setting::float / 1000 FROM pg_settings"
                                                " WHERE name = 'deadlock_timeout'")))
    finally:
        engine.dispose()
