"""Real servers for the tests, started privately (own data directory, loopback, a free port)."""

from __future__ import annotations

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


@contextmanager
def postgres() -> Iterator[str]:
    """A throw-away PostgreSQL cluster on 127.0.0.1; yields its SQLAlchemy URL. Its folder is
    outside pytest's (root-only) temporary folders, for the postgres user to reach."""
    bin_dir = _pg_bin()
    workdir = Path(tempfile.mkdtemp(prefix="qlvb-pg-"))
    data = workdir / "pgdata"
    data.mkdir(parents=True)
    as_user: list[str] = []
    if os.geteuid() == 0:  # initdb refuses to run as root
        user = pwd.getpwnam("postgres")
        for path in (workdir, data):
            os.chown(path, user.pw_uid, user.pw_gid)
        workdir.chmod(0o755)
        as_user = ["runuser", "-u", "postgres", "--"]
    port = free_port()
    subprocess.run([*as_user, str(bin_dir / "initdb"), "-D", str(data), "-U", "qlvb", "-A", "trust", "-E", "UTF8",
                    "--no-sync"], check=True, capture_output=True)
    log = workdir / "pg.log"
    subprocess.run([*as_user, str(bin_dir / "pg_ctl"), "-D", str(data), "-l", str(log), "-w", "-o",
                    f"-h 127.0.0.1 -p {port} -k {workdir} -c fsync=off -c max_connections=50", "start"],
                   check=True, capture_output=True)
    try:
        subprocess.run([*as_user, str(bin_dir / "createdb"), "-h", "127.0.0.1", "-p", str(port), "-U", "qlvb", "qlvb"],
                       check=True, capture_output=True)
        yield f"postgresql+psycopg://qlvb@127.0.0.1:{port}/qlvb"
    finally:
        subprocess.run([*as_user, str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"],
                       capture_output=True)
        shutil.rmtree(workdir, ignore_errors=True)


def wait_for(predicate, timeout: float = 30.0, step: float = 0.1) -> bool:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(step)
    return False
