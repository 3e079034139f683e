"""Opening the register: engine, schema migrations (Alembic), sessions."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from alembic import command
from alembic.config import Config as AlembicConfig
from sqlalchemy import Connection, Engine, create_engine, event, make_url
from sqlalchemy.orm import Session, sessionmaker

from registry.bounded import fit_to_columns

MIGRATIONS = Path(__file__).parent / "migrations"
READER = "qlvb_reader"  # the execution option of Register.reading's sessions


def normalise_url(url: str) -> str:
    """postgresql:// means psycopg 3 here (the only driver installed)."""
    if url.startswith("postgresql://") or url.startswith("postgres://"):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


def create_private(path: Path) -> None:
    """A new SQLite register made readable by its owner only (0600, whatever the umask; SQLite gives its -wal and -shm
    files the database file's mode): an empty file is an empty database. One there already is left as it is. Red team
    76: made 0644, the register (the desk's cookie key, every document's particulars) was anyone's to read."""
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except FileExistsError:
        pass


def make_engine(url: str) -> Engine:
    url = normalise_url(url)
    if url.startswith("sqlite"):
        path = url.split("sqlite:///", 1)[-1].split("?", 1)[0]
        if path and path != ":memory:" and not path.startswith("file:"):
            Path(path).parent.mkdir(parents=True, exist_ok=True)
            create_private(Path(path))
        # how long to wait for another writer's lock (`?timeout=SECONDS` in the URL, default 60 s), then
        # "database is locked": the daemon backs off and tries again (gateway/guard.py)
        timeout = make_url(url).query.get("timeout", "60")  # a tuple where the URL repeats it: the last
        wait = float(timeout if isinstance(timeout, str) else timeout[-1])
        engine = create_engine(url, connect_args={"timeout": wait})

        @event.listens_for(engine, "connect")
        def _connect(dbapi_connection: sqlite3.Connection, _record: object) -> None:
            dbapi_connection.isolation_level = None  # we issue BEGIN ourselves
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute(f"PRAGMA busy_timeout={int(wait * 1000)}")
            cursor.close()

        @event.listens_for(engine, "begin")
        def _begin(connection: Connection) -> None:
            # one writer at a time, taken at the start: numbers are given in commit order; a reader (Register.reading)
            # takes a snapshot and holds no writer up (WAL)
            connection.exec_driver_sql("BEGIN" if connection.get_execution_options().get(READER) else "BEGIN IMMEDIATE")

        return engine
    return create_engine(url, pool_pre_ping=True)


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest revision (idempotent)."""
    config = AlembicConfig()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


class Register:
    """The opened register: an engine with its schema up to date, and a session factory."""

    def __init__(self, url: str) -> None:
        self.engine = make_engine(url)
        migrate(self.engine)
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)
        event.listen(self.sessions, "before_flush", fit_to_columns)  # a value too long is cut, never refused

    def session(self) -> Session:
        return self.sessions()

    def reading(self) -> Session:
        """A session for reading only: on SQLite it does not take the writer's lock, so another process records
        meanwhile (a write in it would take the lock late, after others' numbers: never write in it)."""
        return self.sessions(bind=self.engine.execution_options(**{READER: True}))

    def close(self) -> None:
        self.engine.dispose()
