"""Faults of the infrastructure under the running daemon, which are not the mail's: the disk full
while storing (a small tmpfs), the SQLite file locked by another process, PostgreSQL restarted in
the middle of the daemon's transaction. Each time the daemon backs off and goes on, the mail left
untouched meanwhile; afterwards nothing lost, nothing registered twice, numbers without gaps, and
no mail quarantined for what was not its fault."""

from __future__ import annotations

import errno
import json
import mailbox as stdlib_mailbox
import os
import sqlite3
import subprocess
import time
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from gateway.workers import SERVER_TITLE
from servers import postgres, restart_postgres, wait_for
from test_daemon import mails_recorded, start_daemon, stop_daemon
from world import GATEWAY_EXEC, World


def _maildir(world: World, **extra: object) -> stdlib_mailbox.Maildir:
    world.extra["mailboxes"] = [{"name": "vanthu", "maildir": "Maildir", "poll_seconds": 1}]
    world.extra.update(extra)
    world.write_config()
    return stdlib_mailbox.Maildir(str(world.root / "Maildir"), create=True)


def _good(world: World, *numbers: int) -> list[bytes]:
    return [world.mail(f"m{n}", attachments=[("cv.pdf", world.signed("stp", world.document(number=f"{n}/STP-VP")))]).read_bytes()
            for n in numbers]


def _inbox(world: World) -> int:
    return sum(1 for sub in ("new", "cur") for _ in (world.root / "Maildir" / sub).iterdir())


def _filed(world: World) -> dict[str, int]:
    """How many mails each verdict's folder holds."""
    counts = {}
    for folder in (world.root / "Maildir").iterdir():
        if folder.name.startswith(".QLVB."):
            counts[folder.name] = sum(1 for sub in ("new", "cur") for _ in (folder / sub).iterdir())
    return counts


def _register(url: str) -> tuple[list[tuple[int, str]], int, int]:
    """The register as it stands: (number, notation) of each document, the mails and the quarantined ones."""
    engine = create_engine(url)
    try:
        with engine.connect() as c:
            documents = [tuple(r) for r in c.execute(text("SELECT arrival_number, notation FROM documents ORDER BY 1"))]
            mails = c.execute(text("SELECT count(*) FROM mails")).scalar()
            held = c.execute(text("SELECT count(*) FROM mails WHERE verdict = 'quarantined'")).scalar()
    finally:
        engine.dispose()
    return documents, int(mails or 0), int(held or 0)  # type: ignore[return-value]


def _status_error(world: World) -> str:
    done = world.run("status", "--config", str(world.config_path), "--json", check=False)
    try:
        return " ".join(str(m.get("error") or "") for m in json.loads(done.stdout)["mailboxes"])
    except (ValueError, KeyError):
        return ""


@pytest.fixture
def small_disk(world: World):  # type: ignore[no-untyped-def]
    """The store on a tmpfs of 16 MB, mounted here (CI runs as root)."""
    assert os.geteuid() == 0, "mounting a tmpfs for the store needs root (as CI and make test run)"
    store = world.root / "store"
    store.mkdir(exist_ok=True)
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=16m", "tmpfs", str(store)], capture_output=True, text=True)
    assert done.returncode == 0, f"no tmpfs could be mounted: {done.stderr.strip()}"
    try:
        yield store
    finally:
        subprocess.run(["umount", "-l", str(store)], capture_output=True)


def _fill(folder: Path) -> Path:
    """Write into the folder until the disk says it is full."""
    filler = folder / "filler"
    with filler.open("wb", buffering=0) as out:  # unbuffered: a short write at the end leaves nothing for close to flush
        try:
            while True:
                out.write(b"\0" * 65536)
                os.fsync(out.fileno())
        except OSError as exc:
            assert exc.errno == errno.ENOSPC
    return filler


def test_the_disk_full_while_storing_holds_the_mail_until_there_is_room(world: World, small_disk: Path) -> None:
    inbox = _maildir(world)
    daemon = start_daemon(world, command=GATEWAY_EXEC)
    try:
        filler = _fill(small_disk)
        for raw in _good(world, 81, 82, 83):
            inbox.add(raw)
        assert wait_for(lambda: "No space left on device" in _status_error(world), timeout=60)  # status says why
        time.sleep(2)
        assert _inbox(world) == 3 and mails_recorded(world) == 0  # the mail untouched, nothing half-recorded
        assert daemon.poll() is None
        filler.unlink()  # room again
        assert wait_for(lambda: _inbox(world) == 0, timeout=90)
    finally:
        log = stop_daemon(daemon)
    documents, mails, held = _register(f"sqlite:///{world.root / 'qlvb.db'}")
    assert documents == [(1, "81/STP-VP"), (2, "82/STP-VP"), (3, "83/STP-VP")] and (mails, held) == (3, 0)
    assert sum(_filed(world).values()) == 3
    assert "No space left on device" in log


@pytest.mark.long
def test_the_sqlite_file_locked_by_another_process_for_a_while(world: World) -> None:
    inbox = _maildir(world, database="sqlite:///qlvb.db?timeout=0.5")  # short waits for the lock, then back off
    daemon = start_daemon(world, command=GATEWAY_EXEC)
    try:
        lock = sqlite3.connect(world.root / "qlvb.db", isolation_level=None)
        lock.execute("BEGIN EXCLUSIVE")  # another process holds the write lock
        try:
            for raw in _good(world, 91, 92, 93):
                inbox.add(raw)
            time.sleep(6)  # a while: the daemon tries, is told the database is locked, waits and tries again
            assert _inbox(world) == 3 and mails_recorded(world) == 0
            assert daemon.poll() is None
        finally:
            lock.rollback()
            lock.close()
        assert wait_for(lambda: _inbox(world) == 0, timeout=90)
    finally:
        log = stop_daemon(daemon)
    documents, mails, held = _register(f"sqlite:///{world.root / 'qlvb.db'}")
    assert documents == [(1, "91/STP-VP"), (2, "92/STP-VP"), (3, "93/STP-VP")] and (mails, held) == (3, 0)
    assert sum(_filed(world).values()) == 3
    assert "database is locked" in log


def test_postgresql_restarted_in_the_middle_of_the_daemons_transaction(world: World) -> None:
    with postgres() as url:
        inbox = _maildir(world, database=url)
        first, *rest = _good(world, 101, 102, 103, 104)
        inbox.add(first)
        daemon = start_daemon(world, command=GATEWAY_EXEC, ready=False)
        try:
            assert wait_for(lambda: _inbox(world) == 0, timeout=90)
            engine = create_engine(url)
            holder = engine.connect()
            holder.execute(text("SELECT last FROM number_series FOR UPDATE"))  # the series held by another
            for raw in rest:
                inbox.add(raw)

            def waiting_on_the_series() -> bool:  # the daemon's transaction has begun, and waits
                with engine.connect() as look:
                    return bool(look.execute(text("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'")).scalar())

            assert wait_for(waiting_on_the_series, timeout=60)
            restart_postgres(url)  # in the middle of it: rolled back, every connection cut
            holder.invalidate()
            engine.dispose()
            assert wait_for(lambda: _inbox(world) == 0, timeout=90)
            assert daemon.poll() is None
        finally:
            log = stop_daemon(daemon)
        documents, mails, held = _register(url)
    assert documents == [(1, "101/STP-VP"), (2, "102/STP-VP"), (3, "103/STP-VP"), (4, "104/STP-VP")]
    assert (mails, held) == (4, 0)  # each mail once, none quarantined for the database's fault
    assert sum(_filed(world).values()) == 4
    assert "OperationalError" in log


def _descendants(pid: int) -> set[int]:
    """The processes under `pid` (Linux /proc): the daemon's forkserver and the workers forked from it."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    found, todo = set(), [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.add(child)
            todo.append(child)
    return found


def _alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def test_a_daemon_killed_alone_leaves_neither_its_workers_nor_their_server(world: World) -> None:
    """The daemon killed by SIGKILL alone, as the kernel's OOM killer does (not its process group): the server it forks
    its workers from (multiprocessing's forkserver, since stop 39) and the workers end of themselves, within seconds;
    started again, it takes in the mails left."""
    inbox = _maildir(world)
    for raw in _good(world, 61, 62):
        inbox.add(raw)
    daemon = start_daemon(world, command=GATEWAY_EXEC, ready=False)
    try:
        assert wait_for(lambda: _inbox(world) == 0, timeout=90)
        under = _descendants(daemon.pid)
        assert len(under) >= 2, under  # the server and at least one worker forked from it
        # the server is a fork of the daemon (gateway.workers.start_server_by_fork, named SERVER_TITLE), not a fresh
        # interpreter loading the gateway again (`python -c "from multiprocessing.forkserver import main; …"`)
        servers = [p for p in under if _parent(p) == daemon.pid and SERVER_TITLE in _cmdline(p)]
        assert len(servers) == 1 and not [p for p in under if "forkserver import" in _cmdline(p)], \
            {p: _cmdline(p) for p in under}
        # forked before the register was opened: beside the standard streams (the daemon's log here), it holds no file
        # of the register's, the store's or the mailbox's
        held = [os.readlink(fd) for fd in Path(f"/proc/{servers[0]}/fd").iterdir() if int(fd.name) > 2]
        assert not [path for path in held if str(world.root) in path], held
    finally:
        daemon.kill()
        daemon.wait()
    assert wait_for(lambda: not any(_alive(pid) for pid in under), timeout=15), [p for p in under if _alive(p)]
    for raw in _good(world, 63):
        inbox.add(raw)
    daemon = start_daemon(world, command=GATEWAY_EXEC, ready=False)
    try:
        assert wait_for(lambda: _inbox(world) == 0, timeout=90)
    finally:
        stop_daemon(daemon)
    assert mails_recorded(world) == 3


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


def _parent(pid: int) -> int:
    try:
        return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
    except OSError:
        return 0


@pytest.mark.long
def test_a_worker_server_stopped_longer_than_a_worker_start_loses_nothing(world: World) -> None:
    """The daemon's worker server stopped (SIGSTOP, as a frozen cgroup stops it) for longer than the pool waits for a
    worker (30 s), its workers gone: the mails that came meanwhile are the gateway's failure, not theirs (left in the
    inbox, none quarantined, the daemon running); the server going on, each is registered once, in order (red teams 81
    and 82 at the pool)."""
    import signal

    inbox = _maildir(world)
    inbox.add(_good(world, 71)[0])
    daemon = start_daemon(world, command=GATEWAY_EXEC, ready=False)
    try:
        assert wait_for(lambda: _inbox(world) == 0, timeout=90)
        [server] = [p for p in _descendants(daemon.pid) if "forkserver" in _cmdline(p) and _parent(p) == daemon.pid]
        os.kill(server, signal.SIGSTOP)
        try:
            for pid in _descendants(server):
                os.kill(pid, signal.SIGKILL)
            for raw in _good(world, 72, 73):
                inbox.add(raw)

            def said() -> bool:  # by `status`, not hung silently: after the dead workers' and the start's bounds
                done = world.run("status", "--config", str(world.config_path), "--json", check=False)
                return "worker" in (json.loads(done.stdout)["mailboxes"][0]["error"] or "")
            assert wait_for(said, timeout=120, step=2.0)
            assert (_inbox(world), mails_recorded(world), daemon.poll()) == (2, 1, None)  # waiting, untouched
        finally:
            os.kill(server, signal.SIGCONT)
        assert wait_for(lambda: _inbox(world) == 0, timeout=90)
    finally:
        stop_daemon(daemon)
    assert [n for n in _filed(world).values() if n] == [3], _filed(world)  # all three in one folder ("Đã tiếp nhận")
    assert [(d.arrival_number, d.notation) for d in world.documents()] == [(1, "71/STP-VP"), (2, "72/STP-VP"),
                                                                         (3, "73/STP-VP")]
