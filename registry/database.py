"""Opening the register: engine, schema migrations (Alembic), sessions."""

from __future__ import annotations

import functools
import os
import sqlite3
import time
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote

from sqlalchemy import Connection, Engine, Table, create_engine, event, inspect, make_url, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker

from registry import locks
from registry.bounded import fit_to_columns
from registry.errors import RegisterUnavailable

if TYPE_CHECKING:
    from alembic.config import Config as AlembicConfig
    from alembic.script import ScriptDirectory

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


def sqlite_path(url: str) -> str | None:
    """The file of a SQLite URL (None for another database, an in-memory one or a `file:` URI)."""
    if not url.startswith("sqlite"):
        return None
    path = url.split("sqlite:///", 1)[-1].split("?", 1)[0]
    return path if path and path != ":memory:" and not path.startswith("file:") and not path.startswith("sqlite:") else None


def make_engine(url: str, *, create: bool = True) -> Engine:
    """The register's engine. `create`: a SQLite file not there yet is made (0600, its folder too); without it, a file
    not there is RegisterUnavailable and a connection never makes one (`mode=rw`)."""
    url = normalise_url(url)
    if not url.startswith("sqlite"):
        return create_engine(url, pool_pre_ping=True)
    path = sqlite_path(url)
    # how long to wait for another writer's lock (`?timeout=SECONDS` in the URL, default 60 s), then
    # "database is locked": the daemon backs off and tries again (gateway/guard.py)
    timeout = make_url(url).query.get("timeout", "60")  # a tuple where the URL repeats it: the last
    wait = float(timeout if isinstance(timeout, str) else timeout[-1])
    if path is not None and create:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        create_private(Path(path))
    if path is not None and not create:
        if not Path(path).is_file():
            raise RegisterUnavailable(f"no register at {Path(path).resolve()} (a wrong path? it is made by the first "
                                      f"command to open it other than status: run, user add, register list…)")
        engine = create_engine(url, creator=lambda: sqlite3.connect(f"file:{quote(path)}?mode=rw", uri=True, timeout=wait))
    else:
        engine = create_engine(url, connect_args={"timeout": wait})
    _sqlite_events(engine, wait)
    return engine


def _write_ahead_log(cursor: sqlite3.Cursor, wait: float) -> None:
    """The register in WAL mode, which the file keeps once set. Setting it on a new register while another process opens
    it too can be refused at once ("database is locked": SQLite calls no busy handler for it, CI's stop 48 run, `run`
    and `web` started together by systemd): asked again until the lock's wait is over."""
    deadline = time.monotonic() + wait
    while True:
        try:
            if cursor.execute("PRAGMA journal_mode").fetchone()[0].lower() != "wal":
                cursor.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.01)


def _sqlite_events(engine: Engine, wait: float) -> None:
    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection: sqlite3.Connection, _record: object) -> None:
        dbapi_connection.isolation_level = None  # we issue BEGIN ourselves
        cursor = dbapi_connection.cursor()
        _write_ahead_log(cursor, wait)
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={int(wait * 1000)}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(connection: Connection) -> None:
        # one writer at a time, taken at the start: numbers are given in commit order; a reader (Register.reading)
        # takes a snapshot and holds no writer up (WAL)
        connection.exec_driver_sql("BEGIN" if connection.get_execution_options().get(READER) else "BEGIN IMMEDIATE")


def _alembic() -> AlembicConfig:
    from alembic.config import Config as AlembicConfig  # loaded only to migrate (see CODE_REVISION)

    config = AlembicConfig()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


@functools.cache
def _scripts() -> ScriptDirectory:
    """The migration scripts, read once a process: Alembic's `command.upgrade` read them all again (compiled them, where
    no compiled file is written) at each opening of the register, by each command and each desk request that opens one."""
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(_alembic())


def _code_revision() -> str:
    """The newest migration's revision, from the scripts' names (`NNNN_what.py` holds revision "NNNN", one after another:
    tests/test_migrations.py holds Alembic to it). A register at it is opened without loading Alembic, 0.2 s of CPU of
    each command's start (Alembic, Mako and Pygments under it), which only an upgrade needs."""
    return max(path.name[:4] for path in (MIGRATIONS / "versions").glob("[0-9][0-9][0-9][0-9]_*.py"))


CODE_REVISION = _code_revision()


def _revisions(connection: Connection) -> set[str]:
    """The revisions the register says it is at (none for a database never migrated), as Alembic reads them."""
    if not inspect(connection).has_table("alembic_version"):
        return set()
    return set(connection.execute(text("SELECT version_num FROM alembic_version")).scalars())


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest revision (idempotent). RegisterUnavailable for a register of a revision this code
    does not know (a newer gateway's), the register left as it is."""
    with engine.begin() as connection:
        locks.hold(connection, locks.MIGRATION)  # one process migrates at a time
        current = _revisions(connection)
        if current == {CODE_REVISION}:
            return  # at the code's revision already: nothing to run (looked at in the transaction the upgrade would take)
        from alembic.runtime.environment import EnvironmentContext

        scripts = _scripts()
        unknown = current - {s.revision for s in scripts.walk_revisions()}
        if unknown:  # red team 91: Alembic's traceback of 60 lines
            raise RegisterUnavailable(_unknown_revision(", ".join(sorted(unknown))))
        config = _alembic()
        config.attributes["connection"] = connection
        # what `alembic.command.upgrade(config, "head")` does, on the scripts read once
        with EnvironmentContext(config, scripts, fn=lambda revision, _: scripts._upgrade_revs("head", revision),
                                destination_rev="head"):
            scripts.run_env()


def create_once(engine: Engine, table: Table) -> None:
    """A table a library keeps in the register (APScheduler's jobs), created by one process at a time (CI, stop 46: two
    daemons started together on one PostgreSQL both found it missing, and the second died creating it)."""
    with engine.begin() as connection:
        locks.hold(connection, locks.MIGRATION)
        table.create(connection, checkfirst=True)


def check_revision(engine: Engine) -> None:
    """The register reached, and at the code's revision: else RegisterUnavailable saying why (an upgrade due, say)."""
    try:
        with engine.execution_options(**{READER: True}).connect() as connection:
            current = _revisions(connection)
    except DBAPIError as exc:
        raise RegisterUnavailable(f"cannot connect: {_first_line(exc)}") from None
    if not current:
        raise RegisterUnavailable("not a register (no schema revision in it): a wrong database?")
    if current == {CODE_REVISION}:
        return
    revision = ", ".join(sorted(current))
    known = current <= {s.revision for s in _scripts().walk_revisions()}
    due = (f"the register is at revision {revision}, the code at {CODE_REVISION}: an upgrade is due (the next `qlvb-gateway "
           "run` or `web` makes it at its start)")
    raise RegisterUnavailable(due if known else _unknown_revision(revision))


def _unknown_revision(current: str) -> str:
    return f"the register is at revision {current}, which this code does not know (a newer gateway's?)"


def _first_line(exc: DBAPIError) -> str:
    """The driver's own words, their first line (SQLAlchemy's add the statement and its parameters)."""
    words = str(exc.orig) if exc.orig is not None else str(exc)
    return next((line.strip() for line in words.splitlines() if line.strip()), type(exc).__name__)


def _identity(path: str | None) -> tuple[int, int] | None:
    """The SQLite file's device and inode (None: no such file, or no SQLite file)."""
    if path is None:
        return None
    try:
        found = os.stat(path)
    except OSError:
        return None
    return found.st_dev, found.st_ino


def _never_anew_beside(engine: Engine, store: Path | None) -> None:
    """A register never made (no schema revision in it) is not made beside a store that holds a register's files: its
    register was removed or lost, and a new one would give the year's numbers again (red team 101: the daemon restarted
    on a deleted register acknowledged a second number 1)."""
    if store is None or not _holds_files(store / "sha256"):
        return
    with engine.connect() as connection:
        if inspect(connection).has_table("alembic_version"):
            return
    raise RegisterUnavailable(f"no register at {engine.url.render_as_string(hide_password=True)}, but the store "
                              f"{store.resolve()} holds the files of one: restore the register from its backup (to begin "
                              "a new register, move the store aside first)")


def _holds_files(folder: Path) -> bool:
    """Whether the content store's folder holds a file (half-written ones aside), looked for no further than the first."""
    try:
        with os.scandir(folder) as parts:
            for part in parts:
                if part.is_dir():
                    with os.scandir(part.path) as files:
                        if any(f.is_file() and not f.name.startswith(".tmp-") for f in files):
                            return True
    except OSError:
        return False
    return False


class Register:
    """The opened register: an engine with its schema up to date, and a session factory."""

    def __init__(self, url: str, *, existing: bool = False, store: Path | None = None) -> None:
        """`existing`: the register as it is, for reading (`status`): never made, never migrated (RegisterUnavailable
        when it is not there, not reached or not at the code's revision); else made if need be and migrated, but never
        made anew beside a content store that holds a register's files (`store`: its folder)."""
        file = sqlite_path(normalise_url(url))
        made = file is not None and not existing and not Path(file).exists()
        self.engine = make_engine(url, create=not existing)
        try:
            if existing:
                check_revision(self.engine)
            else:
                try:
                    _never_anew_beside(self.engine, store)
                except RegisterUnavailable:
                    if made:  # the empty file this opening made goes too: left, `status` took it for a register of
                        self.engine.dispose()  # no revision, not for one missing (a newcomer, stop 50)
                        for part in ("", "-wal", "-shm", "-journal"):
                            Path(f"{file}{part}").unlink(missing_ok=True)
                    raise
                migrate(self.engine)
        except BaseException:
            self.engine.dispose()
            raise
        self._file = sqlite_path(normalise_url(url))
        self._identity = _identity(self._file)
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)
        event.listen(self.sessions, "before_flush", fit_to_columns)  # a value too long is cut, never refused

    def session(self) -> Session:
        self._still_its_file()
        return self.sessions()

    def reading(self) -> Session:
        """A session for reading only: on SQLite it does not take the writer's lock, so another process records
        meanwhile (a write in it would take the lock late, after others' numbers: never write in it)."""
        self._still_its_file()
        return self.sessions(bind=self.engine.execution_options(**{READER: True}))

    def _still_its_file(self) -> None:
        """A SQLite register's file still the one opened: removed or replaced under a running gateway, its connections
        would go on numbering into the file gone (red team 101: numbers 2 and 3 acknowledged, in no register)."""
        if self._identity is not None and _identity(self._file) != self._identity:
            raise RegisterUnavailable(f"the register's file {Path(self._file or '').resolve()} was removed or replaced "
                                      "while the gateway ran: put it back (or restore it from its backup), then restart")

    def close(self) -> None:
        self.engine.dispose()
