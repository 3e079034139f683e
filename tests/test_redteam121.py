"""Red team 121 (2026-12-06, stop 48): the worker server started as a fork of the daemon's own process
(gateway.workers.start_server_by_fork). What the forked server and the workers forked from it inherit from the command's
process, and how the whole lot behaves on the signals an operator or systemd sends, and when the daemon fails after the
fork. Fifteen attacks were run; one found a fault (`pgrep -f "qlvb-gateway run"` found the daemon, its server and each
worker, all under the daemon's command line: the server is now named SERVER_TITLE). The eleven that start a daemon of
their own for one more property each are folded here into four, for the suite's time: what was kept out (the desk and
`run` started together, the standard streams closed, PostgreSQL's connections, a worker flushing the daemon's output,
SIGHUP and SIGINT to the group) passed, and each is covered in kind by these."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import time
from pathlib import Path

import pytest

from servers import wait_for
from test_daemon import PASSWORD, mails_recorded, start_daemon
from test_faults_infrastructure import _alive, _cmdline, _descendants, _good, _inbox, _maildir, _parent
from gateway.workers import SERVER_TITLE
from world import GATEWAY_EXEC, World

SECRET = "Zq7-redteam121-smtp-secret-Xv9"


def _start(world: World) -> subprocess.Popen[str]:
    return start_daemon(world, command=GATEWAY_EXEC, ready=False, session=True)


def _server(daemon: int) -> int:
    found = [p for p in _descendants(daemon) if _parent(p) == daemon and SERVER_TITLE in _cmdline(p)]
    assert len(found) == 1, {p: _cmdline(p) for p in _descendants(daemon)}
    return found[0]


def _status(pid: int) -> dict[str, str]:
    return dict(line.split(":\t", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines() if ":\t" in line)


def _mask_has(mask: str, signum: int) -> bool:
    return bool(int(mask, 16) >> (signum - 1) & 1)


def _limit(pid: int, name: str) -> str:
    for line in Path(f"/proc/{pid}/limits").read_text().splitlines():
        if line.startswith(name):
            return " ".join(line[len(name):].split()[:2])
    return ""


def _with_smtp_secret(world: World) -> None:
    (world.root / "smtp-password").write_text(SECRET + "\n")
    world.extra["smtp"] = {"host": "127.0.0.1", "port": 9, "security": "none", "username": "gw",
                           "password_file": "smtp-password"}
    world.write_config()


def _memory_holds(pid: int, needle: bytes) -> bool:
    """Whether the process's readable private memory holds `needle` (we are its ancestor: ptrace allows the read)."""
    found = False
    with open(f"/proc/{pid}/maps") as maps, open(f"/proc/{pid}/mem", "rb", 0) as mem:
        for line in maps:
            fields = line.split()
            start, end = (int(x, 16) for x in fields[0].split("-"))
            path = fields[5] if len(fields) > 5 else ""
            if "r" not in fields[1] or path.startswith("/") or path in ("[vvar]", "[vsyscall]", "[vdso]"):
                continue
            try:
                mem.seek(start)
                if needle in mem.read(end - start):
                    found = True
                    break
            except (OSError, ValueError, OverflowError):
                continue
    return found


def test_the_forked_server_and_its_workers_inherit_no_handler_limit_file_or_secret_and_are_named_apart(
        world: World) -> None:
    """The server (and each worker it forks) ends on SIGTERM and SIGHUP as a fresh interpreter would, blocks no signal,
    has no CPU limit of the daemon's, and holds no file of the agency's folder (register, store, mailbox, log
    aside from the standard streams), nor any TCP/UDP socket; the SMTP password, read from its file by `run`'s checks
    before the fork, is in none of their memory; `pgrep -f` on the daemon's command line finds the daemon alone (it
    found the server and every worker too, all under the daemon's command line)."""
    inbox = _maildir(world)
    _with_smtp_secret(world)
    for raw in _good(world, 11):
        inbox.add(raw)
    daemon = _start(world)
    try:
        assert wait_for(lambda: _inbox(world) == 0, timeout=90), daemon.log.read_text()[-2000:]  # type: ignore[attr-defined]
        server = _server(daemon.pid)
        workers = [p for p in _descendants(daemon.pid) if _parent(p) == server]
        assert workers, "no worker forked from the server"
        for pid in (server, *workers):
            status = _status(pid)
            caught, ignored, blocked = status["SigCgt"], status["SigIgn"], status["SigBlk"]
            for signum in (signal.SIGTERM, signal.SIGHUP):
                assert not _mask_has(caught, signum) and not _mask_has(ignored, signum), (pid, status)
            assert int(blocked, 16) == 0, (pid, blocked)
            assert _limit(pid, "Max cpu time") == "unlimited unlimited", _limit(pid, "Max cpu time")
            held = {}
            for fd in Path(f"/proc/{pid}/fd").iterdir():
                try:
                    held[int(fd.name)] = os.readlink(fd)
                except OSError:
                    pass
            beyond = {fd: target for fd, target in held.items() if fd > 2}
            assert not [t for t in beyond.values() if str(world.root) in t], (pid, beyond)
            assert Path(f"/proc/{pid}/cwd").resolve() == world.root.resolve()
            inet = set()
            for table in ("tcp", "tcp6", "udp", "udp6"):
                for line in Path(f"/proc/{pid}/net/{table}").read_text().splitlines()[1:]:
                    inet.add(line.split()[9])
            sockets = {t for t in beyond.values() if t.startswith("socket:[")}
            assert not {s[8:-1] for s in sockets} & inet, (pid, sockets)
        assert _memory_holds(server, SERVER_TITLE.encode())  # the scan reads the memory (its argv)
        holding = [pid for pid in (server, *workers) if _memory_holds(pid, SECRET.encode())]
        assert not holding, f"the SMTP password is in the memory of {holding} (server {server}, workers {workers})"
        pattern = re.escape(f"gateway.cli run --config {world.config_path}")
        found = subprocess.run(["pgrep", "-f", pattern], capture_output=True, text=True).stdout.split()
        assert [int(p) for p in found] == [daemon.pid], {p: _cmdline(int(p)) for p in found}
    finally:
        daemon.send_signal(signal.SIGTERM)
        daemon.wait(timeout=60)
    assert daemon.returncode == 0


@pytest.mark.parametrize("signum", [signal.SIGTERM])  # SIGHUP and SIGINT passed too, once
def test_a_signal_to_the_whole_process_group_stops_everything_cleanly(world: World, signum: int) -> None:
    """systemd's KillMode=control-group (SIGTERM to every process), a terminal closing (SIGHUP) or Ctrl-C (SIGINT): the
    daemon stops cleanly (exit 0, no traceback), no process is left, and every mail is registered once."""
    inbox = _maildir(world)
    for raw in _good(world, 31, 32):
        inbox.add(raw)
    daemon = _start(world)
    try:
        assert wait_for(lambda: _inbox(world) == 0, timeout=90), daemon.log.read_text()[-2000:]  # type: ignore[attr-defined]
        under = _descendants(daemon.pid)
        assert under
        os.killpg(daemon.pid, signum)
        daemon.wait(timeout=60)
    finally:
        if daemon.poll() is None:
            daemon.kill()
            daemon.wait()
    log = daemon.log.read_text()  # type: ignore[attr-defined]
    assert daemon.returncode == 0, log[-3000:]
    assert "Traceback" not in log, log[-3000:]
    assert wait_for(lambda: not any(_alive(p) for p in under), timeout=15), [(p, _cmdline(p)) for p in under if _alive(p)]
    assert mails_recorded(world) == 2


def test_a_daemon_failing_after_the_fork_closes_its_output_at_once(world: World) -> None:
    """`run` fails after the server is forked (the register a PostgreSQL server nobody listens at): the caller reading
    its output to the end (a shell's $(...), systemd's journal pipe, subprocess.run with capture_output) gets it at
    once, with the error; no process is left holding the pipe."""
    _maildir(world, database="postgresql+psycopg://qlvb:x@127.0.0.1:9/qlvb")
    env = dict(os.environ, QLVB_IMAP_PASSWORD=PASSWORD, PYTHONWARNINGS="ignore")
    process = subprocess.Popen([*GATEWAY_EXEC, "run", "--config", str(world.config_path)], cwd=world.root, env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
    started = time.monotonic()
    try:
        out, err = process.communicate(timeout=40)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        out, err = process.communicate()
        running = process.returncode is None
        raise AssertionError(f"no end of output in 40 s (daemon still running: {running}): {err[-2000:]}")
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
    took = time.monotonic() - started
    # what the daemon does with an unreachable register is its own business (fail, or back off): here it ended
    assert process.returncode != 0, (out, err)
    assert took < 30, took
    def left() -> list[str]:
        found = subprocess.run(["pgrep", "-s", str(process.pid)], capture_output=True, text=True).stdout.split()
        return [p for p in found if _alive(int(p))]
    assert wait_for(lambda: not left(), timeout=5), [(p, _cmdline(int(p))) for p in left()]


def test_a_server_replaced_after_the_forked_one_was_killed_runs_no_code_planted_in_the_working_directory(world: World) -> None:
    """Started by its console script from a folder others may write, a `click.py` planted there: the forked server is
    killed (OOM killer), and multiprocessing starts the next one from a fresh `python -c` interpreter (sys.path '' first,
    unless PYTHONSAFEPATH holds): it must not run the planted module either; the mails go on being registered."""
    import sys

    from test_redteam91 import PLANTED

    inbox = _maildir(world)
    (world.root / "click.py").write_text(PLANTED)
    for raw in _good(world, 101):
        inbox.add(raw)
    daemon = start_daemon(world, ready=False, command=[str(Path(sys.executable).with_name("qlvb-gateway"))],
                          session=True)
    log = daemon.log  # type: ignore[attr-defined]
    try:
        assert wait_for(lambda: _inbox(world) == 0, timeout=90), log.read_text()[-2000:]
        server = _server(daemon.pid)
        for pid in (server, *_descendants(server)):
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        for raw in _good(world, 102):
            inbox.add(raw)
        assert wait_for(lambda: _inbox(world) == 0, timeout=90), log.read_text()[-2000:]
        fresh = [p for p in _descendants(daemon.pid) if "forkserver import" in _cmdline(p)]
        assert fresh, {p: _cmdline(p) for p in _descendants(daemon.pid)}  # the replacement is a fresh interpreter
    finally:
        daemon.send_signal(signal.SIGTERM)
        daemon.wait(timeout=60)
    assert daemon.returncode == 0, log.read_text()[-3000:]
    assert mails_recorded(world) == 2
    planted = world.root / "PLANTED"
    assert not planted.exists(), planted.read_text()

