"""Red team 137 (2026-12-07): the mailbox lease (gateway/mailbox_lease.py, gateway/daemon.py `_turn`/`_leased`): one
process works a mailbox at a time, a second `run` on the same configuration waits and takes over within 5 s of the
holder's end.

Attacked: the lease's file removed while both daemons run (an operator clearing "stale" lock files, a restore of the
storage), the lease file left by a `run` started as root for a service user, a second `run` of a configuration that
has `metrics:` (its port is the first's), two configurations sharing one storage with a mailbox of the same name, a
frozen holder (SIGSTOP) and what `status` says, a lease file left by a dead process, a second daemon stopped while it
waits (must not write "stopped" of the first's mailbox), and two daemons on one Maildir configuration.

Each daemon test runs the real `qlvb-gateway run` against a Maildir (no Dovecot needed: the lease is the same for
both kinds of mailbox) and counts what an operator would: each mail registered once, filed once, the log and
`status` truthful.

Found and fixed at stop 52: the lease's file removed under its holder gave a second process a lock of its own (the
holder now checks at each turn that the file it locked is the one at the path); the service user could not take a lock
file a root run left (the folder and file made readable by all, a lock taken on a file opened read-only); a holder
that cannot log in kept the mailbox for ever (let go after three failed turns in a row); a second run with `metrics:`
or `listener:` stopped at once on the port (the metrics, the listener and the schedule are now one process's too, the
other taking them over). Left (README Limits, strict xfail): two configurations sharing one storage and naming a
mailbox alike share its lease."""

from __future__ import annotations

import json
import mailbox as stdlib_mailbox
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from gateway.mailbox_lease import MailboxLease, lease_path
from servers import free_port, wait_for
from test_daemon import mails_recorded, servers, start_daemon, stop_daemon  # noqa: F401
from test_faults_infrastructure import small_disk  # noqa: F401
from world import GATEWAY_EXEC, World

REPO = Path(__file__).resolve().parents[1]


# ---- helpers ---------------------------------------------------------------------------------------------------
def _maildir(world: World, folder: str = "Maildir", **extra: object) -> stdlib_mailbox.Maildir:
    world.extra["mailboxes"] = [{"name": "vanthu", "maildir": folder, "poll_seconds": 1}]
    world.extra.update(extra)
    world.write_config()
    return stdlib_mailbox.Maildir(str(world.root / folder), create=True)


def _deliver(world: World, box: stdlib_mailbox.Maildir, first: int, count: int) -> None:
    for n in range(first, first + count):
        pdf = world.signed("stp", world.document(number=f"{n}/STP-VP"))  # accepted and numbered (a bare one is held)
        box.add(world.mail(f"m{n}", attachments=[("cv.pdf", pdf)]).read_bytes())


def _inbox(root: Path) -> int:
    return sum(1 for sub in ("new", "cur") for _ in (root / sub).iterdir())


def _filed(root: Path) -> int:
    return sum(1 for folder in root.iterdir() if folder.name.startswith(".QLVB.")
               for sub in ("new", "cur") for _ in (folder / sub).iterdir())


def _log(process: subprocess.Popen[str]) -> str:
    return process.log.read_text(errors="replace")  # type: ignore[attr-defined]


def _kill(*processes: subprocess.Popen[str]) -> None:
    for process in processes:
        if process.poll() is None:
            if process.returncode is None:
                try:
                    os.kill(process.pid, signal.SIGCONT)
                except ProcessLookupError:
                    pass
            process.kill()
            process.wait(timeout=30)


def _waiting(process: subprocess.Popen[str]) -> bool:
    return "worked by another gateway process" in _log(process)


def _status(world: World, config: Path | None = None) -> tuple[int, dict]:
    done = world.run("status", "--config", str(config or world.config_path), "--json", check=False, process=True)
    return done.returncode, json.loads(done.stdout)


# ---- unit level ------------------------------------------------------------------------------------------------
def test_a_lease_whose_file_is_removed_while_held_is_given_to_a_second_process_too(tmp_path: Path) -> None:
    """Fault injected: a process holds the lease of mailbox "vanthu"; its file `store/leases/vanthu-….lock` is removed
    (an operator clearing what look like stale lock files: they stay after every run and name dead pids; `rm -rf
    store/leases`; a restore of the storage from a backup; a tmpfiles clean-up), then a second process takes the lease.
    Expected: at most one of the two holds the mailbox: the second refused, or the first told it lost its hold.
    Observed: the second opens a new file (a new inode) and its flock succeeds, while the first still says `held` (its
    lock is on the unlinked inode): two holders. gateway/mailbox_lease.py `take` never checks that the file it locked
    is still the one at the path, and `held` never looks again."""
    path = lease_path(tmp_path, "vanthu")
    first, second = MailboxLease(path), MailboxLease(path)
    assert first.take()
    shutil.rmtree(path.parent)  # the operator's `rm -rf store/leases`
    second_took = second.take()
    still_first = first.take() and first.held  # what the daemon asks at each turn
    try:
        assert not (second_took and still_first), "both processes hold the lease of one mailbox"
    finally:
        first.release()
        second.release()


def test_a_lease_file_left_by_a_dead_process_is_taken_and_names_the_new_holder(tmp_path: Path) -> None:
    """PASSES. Fault injected: the lease's file left by a process long gone, naming its pid (and garbage after it).
    Expected: taken at once (no lock is held: a file alone is no hold), the file naming this process only.
    Observed: as expected."""
    path = lease_path(tmp_path, "vanthu")
    path.parent.mkdir(parents=True)
    path.write_text("999999\nsome garbage left behind by an editor\n")
    lease = MailboxLease(path)
    try:
        assert lease.take()
        assert path.read_text() == f"{os.getpid()}\n"
        assert MailboxLease(path).holder() == str(os.getpid())
    finally:
        lease.release()


def test_a_lease_file_left_by_a_run_as_root_stops_the_service_user_for_ever() -> None:
    """Fault injected: the operator ran `sudo qlvb-gateway run --config /etc/qlvb-gateway/config.yaml` once from a
    terminal (to see the log), then stopped it (Ctrl-C) and started the service (User=qlvb, deploy/qlvb-gateway.service;
    its storage /var/lib/qlvb-gateway owned by qlvb). The root run made `store/leases/` and its lock file, owned by root
    (umask 027: the folder 0750, the file 0640).
    Expected: nobody holds the lock: the service's process takes the mailbox (a flock needs no write access), or
    `run` says at its start, as `_check_storage` does for the store, that it cannot use `store/leases`.
    Observed: `MailboxLease.take` raises PermissionError (the folder cannot be entered, the file not opened O_RDWR);
    `_turn` takes it for the infrastructure's failure and backs off for ever: the mailbox is never worked by the
    service, though no process holds it (gateway/mailbox_lease.py `take`: os.open(O_RDWR|O_CREAT) of a file another
    user made; the folder made with the process's umask and owner)."""
    storage = Path(tempfile.mkdtemp(prefix="rt137-storage-"))
    try:
        os.chmod(storage, 0o755)
        os.chown(storage, 65534, 65534)  # the service user's storage
        path = lease_path(storage, "vanthu")
        previous = os.umask(0o027)  # the gateway's own umask (gateway/cli.py PRIVATE_UMASK)
        try:
            root_run = MailboxLease(path)  # the root run: took the mailbox, then ended
            assert root_run.take()
            root_run.release()
        finally:
            os.umask(previous)
        service = subprocess.run(
            ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", sys.executable, "-c",
             "import sys; from pathlib import Path; from gateway.mailbox_lease import MailboxLease\n"
             "try:\n    print('took' if MailboxLease(Path(sys.argv[1])).take() else 'refused')\n"
             "except OSError as exc:\n    print(f'{type(exc).__name__}: {exc}')", str(path)],
            capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(REPO)}, cwd="/", timeout=60)
        assert service.stdout.strip() == "took", (service.stdout + service.stderr)[-1500:]
    finally:
        shutil.rmtree(storage, ignore_errors=True)


# ---- daemons ---------------------------------------------------------------------------------------------------
@pytest.mark.long
def test_two_daemons_work_one_mailbox_once_its_leases_folder_is_removed(world: World) -> None:
    """Fault injected: two `run` on one Maildir configuration, the second waiting ("worked by another gateway process");
    the operator removes `store/leases/` (lock files that never go away, naming pids of processes long dead, look
    stale), then mails arrive.
    Expected: the second keeps waiting while the first runs (one process works a mailbox at a time: the README's
    section on `qlvb-gateway run`), or the first stops working the mailbox.
    Observed: within LEASE_RETRY_SECONDS the second logs "the other gateway process left the mailbox; this one works it
    now" while the first is alive and still working it: both fetch and file the same mails again (red team 101's
    duplicates in the verdict's folder on IMAP); `status` says nothing. The first's lock is on the removed inode and
    it never checks it (gateway/mailbox_lease.py `take`/`held`, gateway/daemon.py `_leased`)."""
    box = _maildir(world)
    first = start_daemon(world, command=GATEWAY_EXEC)
    second = start_daemon(world, command=GATEWAY_EXEC, ready=False)
    try:
        assert wait_for(lambda: _waiting(second), timeout=60), _log(second)[-2000:]
        shutil.rmtree(world.root / "store" / "leases")  # the operator's clean-up
        _deliver(world, box, 4100, 6)
        took_over = wait_for(lambda: "this one works it now" in _log(second), timeout=15)
        assert wait_for(lambda: mails_recorded(world) == 6 and _inbox(world.root / "Maildir") == 0, timeout=60)
        first_alive = first.poll() is None
        filed = _filed(world.root / "Maildir")
        assert not (took_over and first_alive), (
            f"the second daemon took the mailbox while the first still worked it (first alive: {first_alive}); "
            f"mails recorded {mails_recorded(world)}, filed {filed}")
    finally:
        _kill(first, second)


@pytest.mark.long
def test_a_second_run_of_a_configuration_with_metrics_exits_instead_of_waiting(world: World) -> None:
    """Fault injected: the configuration has `metrics:` (Prometheus, as any monitored install); systemd's daemon runs;
    the operator starts `qlvb-gateway run` on the same configuration in a terminal (or a restart begins while the
    old process is still finishing, sending its outbox for up to 60 s).
    Expected: the second `run` waits, saying another process works the mailbox, and takes over when the first ends
    (README: "a second `run` on the same configuration ... takes it over within 5 s of that process ending").
    Observed: the second exits at once, 2, "metrics: cannot listen on 127.0.0.1:PORT: Address already in use": the
    port is the first's. The mailbox lease is never reached; under systemd (Restart=on-failure, RestartSec=5) the
    restart of a unit whose old process lingers fails and is retried, the operator told of a port, not of another
    gateway process (gateway/daemon.py `run` serves the metrics first, gateway/metrics.py `serve` raises ConfigError).
    The same holds of `listener:` (its port)."""
    box = _maildir(world, metrics={"host": "127.0.0.1", "port": free_port()})
    first = start_daemon(world, command=GATEWAY_EXEC)
    second = start_daemon(world, command=GATEWAY_EXEC, ready=False)
    try:
        wait_for(lambda: second.poll() is not None or _waiting(second), timeout=60)
        exited = second.poll()
        assert exited is None and _waiting(second), f"second run exited {exited}: {_log(second)[-800:]}"
        stop_daemon(first)
        _deliver(world, box, 4200, 2)
        assert wait_for(lambda: mails_recorded(world) == 2, timeout=40), _log(second)[-2000:]
    finally:
        _kill(first, second)


@pytest.mark.long
@pytest.mark.xfail(strict=True, reason="left: README Limits: two configurations sharing one `storage` and naming a "
                   "mailbox alike share its lease")
def test_a_configuration_sharing_the_storage_leaves_its_own_mailbox_unworked(world: World) -> None:
    """Fault injected: two configurations (two agencies' gateways on one host, or a test copy of the production
    configuration) with the same `storage:` and each a mailbox named "vanthu", but different Maildirs and different
    registers. Both run.
    Expected: each works its own mailbox (they are two mailboxes), or the second's `run` refuses at its start.
    Observed: the second leaves its own mailbox alone for as long as the first runs, logging that "another gateway
    process on this configuration" works it; its mail waits for ever and its register stays empty. The lease is keyed
    on the mailbox's configured name alone (gateway/mailbox_lease.py `lease_path`), not on what the mailbox is (the
    Maildir's path, the IMAP server and user)."""
    _maildir(world)
    other_config = world.root / "other.yaml"
    config = world.config_dict()
    config["database"] = "sqlite:///other.db"
    config["mailboxes"] = [{"name": "vanthu", "maildir": "OtherMaildir", "poll_seconds": 1}]
    import yaml

    other_config.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    shutil.copyfile(world.root / "qlvb.db", world.root / "other.db")
    other_box = stdlib_mailbox.Maildir(str(world.root / "OtherMaildir"), create=True)
    first = start_daemon(world, command=GATEWAY_EXEC)
    second = subprocess.Popen([*GATEWAY_EXEC, "run", "--config", str(other_config)], cwd=world.root,
                              env=dict(os.environ, PYTHONWARNINGS="ignore"),
                              stdout=(world.root / "other.log").open("w"), stderr=subprocess.STDOUT, text=True)
    second.log = world.root / "other.log"  # type: ignore[attr-defined]
    try:
        _deliver(world, other_box, 4300, 2)
        done = wait_for(lambda: _inbox(world.root / "OtherMaildir") == 0, timeout=20)
        assert done, (f"the other configuration's mailbox still holds {_inbox(world.root / 'OtherMaildir')} mails; "
                      f"its log: {_log(second)[-600:]}")
    finally:
        _kill(first, second)


@pytest.mark.long
def test_a_frozen_holder_stops_the_mailbox_and_status_says_so(world: World) -> None:
    """PASSES (in part). Fault injected: the holder frozen (SIGSTOP: a debugger, a hung NFS store, a `kill -STOP` by
    mistake) while a second `run` waits; mails arrive.
    Expected: the mail waits (the frozen process still holds the lock: nothing can tell it from a slow one), and
    `status` alerts (exit 4) within poll + seconds_per_mail + alert_after_seconds that the mailbox is not watched.
    Observed: as expected: status exits 4, "không được theo dõi"; the waiting daemon stays silent (it writes no
    state: status cannot tell an operator that a second process is waiting on a frozen one)."""
    box = _maildir(world, monitoring={"alert_after_seconds": 3}, limits={"max_mail_mb": 50, "seconds_per_document": 5,
                                                                         "seconds_per_mail": 5})
    first = start_daemon(world, command=GATEWAY_EXEC)
    second = start_daemon(world, command=GATEWAY_EXEC, ready=False)
    try:
        assert wait_for(lambda: _waiting(second), timeout=60)
        first.send_signal(signal.SIGSTOP)
        _deliver(world, box, 4400, 1)
        assert wait_for(lambda: _status(world)[0] == 4, timeout=30, step=1)
        code, status = _status(world)
        assert code == 4 and status["alerts"], status
        assert mails_recorded(world) == 0  # still held by the frozen process
        first.send_signal(signal.SIGCONT)
        assert wait_for(lambda: mails_recorded(world) == 1, timeout=30)
    finally:
        _kill(first, second)


@pytest.mark.long
def test_a_waiting_daemon_stopped_leaves_the_first_ones_state_and_takes_over_after_sigterm(world: World) -> None:
    """PASSES. Fault injected: two `run` on one Maildir configuration; the waiting one stopped by SIGTERM (systemd's
    stop), started again, then the holder stopped by SIGTERM (a restart) while mails keep coming.
    Expected: the waiting one's stop writes nothing of the mailbox (`status` still says connected, no "stopped"); the
    holder's stop lets the other take over within LEASE_RETRY_SECONDS; each mail recorded once and filed once, numbers
    1..n.
    Observed: as expected."""
    box = _maildir(world)
    first = start_daemon(world, command=GATEWAY_EXEC)
    second = start_daemon(world, command=GATEWAY_EXEC, ready=False)
    third = None
    try:
        assert wait_for(lambda: _waiting(second), timeout=60)
        log = stop_daemon(second)
        assert "gateway stopped" in log
        code, status = _status(world)
        mailbox = status["mailboxes"][0]
        assert code == 0 and mailbox["connected"], status
        third = start_daemon(world, command=GATEWAY_EXEC, ready=False)
        assert wait_for(lambda: _waiting(third), timeout=60)
        _deliver(world, box, 4500, 3)
        assert wait_for(lambda: mails_recorded(world) == 3, timeout=60)
        stop_daemon(first)
        _deliver(world, box, 4510, 3)
        started = time.monotonic()
        assert wait_for(lambda: mails_recorded(world) == 6 and _inbox(world.root / "Maildir") == 0, timeout=60)
        assert time.monotonic() - started < 30
        assert _filed(world.root / "Maildir") == 6
        from test_redteam101 import _numbers

        assert _numbers(world) == list(range(1, 7))
        code, status = _status(world)
        assert code == 0 and status["mailboxes"][0]["connected"], status
    finally:
        _kill(first, second, *(p for p in [third] if p is not None))


@pytest.mark.long
def test_the_store_disk_full_before_the_start_still_gives_one_holder_and_recovers(world: World, small_disk: Path) -> None:  # noqa: F811
    """PASSES. Fault injected: the storage's disk (a 16 MB tmpfs) full before either `run` starts; two `run` on one
    Maildir configuration; mail arrives; then room is made.
    Expected: the lock is still taken (an empty file needs no block) by one process only, the other waiting; the mail
    held while there is no room and recorded once room is made; each mail recorded and filed once (since this red
    team's fix, the first lets the mailbox go after three failed turns, and the other may take it).
    Observed: as expected."""
    from test_faults_infrastructure import _fill

    box = _maildir(world)
    filler = _fill(small_disk)
    first = start_daemon(world, command=GATEWAY_EXEC)
    second = start_daemon(world, command=GATEWAY_EXEC, ready=False)
    try:
        assert wait_for(lambda: _waiting(second), timeout=60), _log(second)[-1500:]
        _deliver(world, box, 4600, 2)
        time.sleep(4)
        filler.unlink()
        assert wait_for(lambda: mails_recorded(world) == 2 and _inbox(world.root / "Maildir") == 0, timeout=60), \
            _log(first)[-1500:]
        assert _filed(world.root / "Maildir") == 2  # (the mailbox may pass to the other after three failed turns)
    finally:
        _kill(first, second)


@pytest.mark.long
def test_a_holder_that_cannot_log_in_keeps_the_mailbox_from_one_that_can(world: World, servers) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    """Fault injected: the operator starts `qlvb-gateway run` in a terminal first, with an old QLVB_IMAP_PASSWORD in
    the shell (the password was changed in /etc/qlvb-gateway/env only); then systemd's daemon starts with the right one.
    Mails arrive.
    Expected: the mail is taken in (by the process that can log in), or at the least `status` says that another
    process, which can work the mailbox, is kept waiting.
    Observed: the terminal's process took the lease at its first turn and keeps it while it fails to log in (backing
    off up to 60 s, for ever); the service waits ("worked by another gateway process"), nothing is registered. `status`
    shows only the holder's LoginError, so the operator fixes the env file that is right. gateway/daemon.py `_turn`
    keeps the lease of a mailbox it cannot work (`_leased` before the sources, no release on failure)."""
    imap_server, _ = servers
    log = world.root / "terminal.log"
    terminal = subprocess.Popen([*GATEWAY_EXEC, "run", "--config", str(world.config_path)], cwd=world.root,
                                env=dict(os.environ, QLVB_IMAP_PASSWORD="old-password", PYTHONWARNINGS="ignore"),
                                stdout=log.open("w"), stderr=subprocess.STDOUT, text=True)
    terminal.log = log  # type: ignore[attr-defined]
    service = None
    try:
        assert wait_for(lambda: "again in" in _log(terminal), timeout=60), _log(terminal)[-1500:]
        service = start_daemon(world, command=GATEWAY_EXEC, ready=False)
        assert wait_for(lambda: _waiting(service), timeout=60), _log(service)[-1500:]
        from test_daemon import append

        pdf = world.signed("stp", world.document(number="4700/STP-VP"))
        append(imap_server, world.mail("m4700", attachments=[("cv.pdf", pdf)]))
        recorded = wait_for(lambda: mails_recorded(world) == 1, timeout=25)
        code, status = _status(world)
        assert recorded, (f"mail not taken in; status exit {code}, error: {status['mailboxes'][0].get('error')}; "
                          f"service log: {_log(service)[-300:]}")
    finally:
        _kill(terminal, *(p for p in [service] if p is not None))
