"""Real servers for the tests, started privately (own data directory, loopback, a free port)."""

from __future__ import annotations

import atexit
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _pg_bin() -> Path:
    for version in ("17", "16", "15", "14"):
        path = Path(f"/usr/lib/postgresql/{version}/bin")
        if (path / "initdb").exists():
            return path
    raise RuntimeError("PostgreSQL server binaries not found: scripts/setup installs the postgresql package")


class PostgresCluster:
    """A throw-away PostgreSQL cluster on 127.0.0.1, one for the test session (one per xdist worker):
    each test gets a database of its own in it. Its folder is outside pytest's (root-only) temporary
    folders, for the postgres user to reach."""

    def __init__(self) -> None:
        bin_dir = _pg_bin()
        self.workdir = Path(tempfile.mkdtemp(prefix="qlvb-pg-"))
        data = self.workdir / "pgdata"
        data.mkdir(parents=True)
        as_user: list[str] = []
        if os.geteuid() == 0:  # initdb refuses to run as root
            user = pwd.getpwnam("postgres")
            for path in (self.workdir, data):
                os.chown(path, user.pw_uid, user.pw_gid)
            self.workdir.chmod(0o755)
            as_user = ["runuser", "-u", "postgres", "--"]
        self.port = free_port()
        subprocess.run([*as_user, str(bin_dir / "initdb"), "-D", str(data), "-U", "qlvb", "-A", "trust", "-E", "UTF8",
                        "--no-sync"], check=True, capture_output=True)
        pg_ctl = [*as_user, str(bin_dir / "pg_ctl"), "-D", str(data), "-l", str(self.workdir / "pg.log"), "-w"]
        options = f"-h 127.0.0.1 -p {self.port} -k {self.workdir} -c fsync=off -c max_connections=50"
        subprocess.run([*pg_ctl, "-o", options, "start"], check=True, capture_output=True)
        self._restart = [*pg_ctl, "-m", "fast", "restart"]
        self._stop = [*pg_ctl, "-m", "immediate", "stop"]
        self._made = 0

    def url(self, database: str) -> str:
        return f"postgresql+psycopg://qlvb@127.0.0.1:{self.port}/{database}"

    def _admin(self, sql: str) -> None:
        import psycopg

        with psycopg.connect(host="127.0.0.1", port=self.port, user="qlvb", dbname="postgres", autocommit=True) as conn:
            conn.execute(sql)  # type: ignore[arg-type]

    def create_database(self) -> str:
        self._made += 1
        name = f"qlvb_{self._made}"
        self._admin(f"CREATE DATABASE {name}")
        return name

    def drop_database(self, name: str) -> None:
        self._admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")

    def restart(self) -> None:
        subprocess.run(self._restart, check=True, capture_output=True)

    def stop(self) -> None:
        subprocess.run(self._stop, capture_output=True)
        shutil.rmtree(self.workdir, ignore_errors=True)


_CLUSTER: list[PostgresCluster] = []  # the session's cluster, started by the first test that needs it


def _cluster() -> PostgresCluster:
    if not _CLUSTER:
        _CLUSTER.append(PostgresCluster())
        atexit.register(_CLUSTER[0].stop)
    return _CLUSTER[0]


@contextmanager
def postgres() -> Iterator[str]:
    """A database of its own in the session's PostgreSQL cluster; yields its SQLAlchemy URL."""
    cluster = _cluster()
    name = cluster.create_database()
    try:
        yield cluster.url(name)
    finally:
        cluster.drop_database(name)


def restart_postgres(url: str) -> None:
    """Restart the cluster holding `url` (fast: open transactions are rolled back, connections cut).
    Tests of one worker run one at a time, so no other test's database is in use meanwhile."""
    _cluster().restart()


def wait_for(predicate, timeout: float = 30.0, step: float = 0.1) -> bool:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(step)
    return False


class Dovecot:
    """A private Dovecot IMAP server on 127.0.0.1 (plain text on loopback), its mail in Maildirs of
    its own; users are added with `add_user`. `stop()` and `start()` keep its port and its mail."""

    def __init__(self, tls: tuple[Path, Path] | None = None, capability: str | None = None) -> None:
        self.workdir = Path(tempfile.mkdtemp(prefix="qlvb-dovecot-"))
        self.workdir.chmod(0o755)
        self.port = free_port()
        self.tls = tls  # (certificate chain, key) PEM files: IMAPS on tls_port, STARTTLS on port
        self.tls_port = free_port()
        self.capability = capability  # what the server advertises, to play an older server (no IDLE, no MOVE)
        self.users: dict[str, str] = {}
        self.mail_owner = pwd.getpwnam("nobody")
        (self.workdir / "mail").mkdir()
        os.chown(self.workdir / "mail", self.mail_owner.pw_uid, self.mail_owner.pw_gid)
        self.config = self.workdir / "dovecot.conf"
        self._write_config()
        self.process: subprocess.Popen[bytes] | None = None

    def _write_config(self) -> None:
        w, owner = self.workdir, self.mail_owner
        ssl_lines = "ssl = no" if self.tls is None else f"ssl = yes\nssl_cert = <{self.tls[0]}\nssl_key = <{self.tls[1]}"
        imaps_port = self.tls_port if self.tls is not None else 0
        self.config.write_text(f"""
base_dir = {w}/run
state_dir = {w}/state
log_path = {w}/dovecot.log
protocols = imap
listen = 127.0.0.1
{ssl_lines}
disable_plaintext_auth = no
auth_mechanisms = plain login
mail_location = maildir:{w}/mail/%u
first_valid_uid = 1
default_internal_user = dovecot
default_login_user = dovenull
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {w}/users
}}
userdb {{
  driver = static
  args = uid={owner.pw_uid} gid={owner.pw_gid} home={w}/mail/%u
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {self.port}
  }}
  inet_listener imaps {{
    address = 127.0.0.1
    port = {imaps_port}
  }}
}}
protocol imap {{
  mail_max_userip_connections = 50
  {f"imap_capability = {self.capability}" if self.capability else ""}
}}
""", encoding="utf-8")
        (w / "users").write_text("".join(f"{u}:{{PLAIN}}{p}\n" for u, p in self.users.items()), encoding="utf-8")
        (w / "users").chmod(0o644)  # read by the auth process as user dovecot, whatever the test process's umask

    def add_user(self, user: str, password: str) -> None:
        self.users[user] = password
        self._write_config()

    def start(self) -> None:
        self.process = subprocess.Popen(["dovecot", "-F", "-c", str(self.config)],
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        if not wait_for(self._accepts, timeout=20):
            raise RuntimeError(f"Dovecot did not start: {(self.workdir / 'dovecot.log').read_text(errors='replace')[-2000:]}")

    def _accepts(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as s:
                return s.recv(100).startswith(b"* OK")
        except OSError:
            return False

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=20)
            self.process = None

    def close(self) -> None:
        self.stop()
        shutil.rmtree(self.workdir, ignore_errors=True)


@contextmanager
def dovecot(*users: tuple[str, str], tls: tuple[Path, Path] | None = None,
            capability: str | None = None) -> Iterator[Dovecot]:
    server = Dovecot(tls, capability)
    for user, password in users:
        server.add_user(user, password)
    server.start()
    try:
        yield server
    finally:
        server.close()
