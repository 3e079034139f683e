"""Red team 92 (2026-12-06): the faults red teams 80-82 named as not tried. The daemon end to end while its worker
server (multiprocessing's forkserver) is killed, alone or with workers mid-mail, with a backlog over a Maildir and
over Dovecot; the desk drawing pictures while the store's disk fills, and a PDF whose picture would be huge; the disk
full while a worker writes a mail's files and while the register's SQLite file grows."""

from __future__ import annotations

import json
import os
import signal
import time
from pathlib import Path

import pytest

from servers import wait_for
from test_daemon import mails_recorded, start_daemon, stop_daemon
from test_faults_infrastructure import (_alive, _cmdline, _descendants, _filed, _good, _inbox, _maildir, _parent,
                                        _register, _status_error)
from world import GATEWAY_EXEC, World
from test_faults_infrastructure import small_disk  # noqa: F401  (the fixture)


def _server(daemon_pid: int) -> int:
    [server] = [p for p in _descendants(daemon_pid) if "forkserver" in _cmdline(p) and _parent(p) == daemon_pid]
    return server


def _busy_workers(server: int) -> list[int]:
    """The workers forked from the server that are on the CPU now (state R), i.e. mid-mail."""
    busy = []
    for pid in _descendants(server):
        try:
            if Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] == "R":
                busy.append(pid)
        except OSError:
            pass
    return busy


def test_the_worker_server_killed_with_its_workers_mid_mail_quarantines_no_mail(world: World) -> None:
    """The worker server and the workers forked from it killed (SIGKILL: the OOM killer's choice, an operator's `kill`
    of the wrong tree, a cgroup's) while they analyse a Maildir backlog: the mails they had in hand are the gateway's
    loss, not the mails' fault. Expected: every mail registered once, 1..n, none quarantined, the daemon running."""
    inbox = _maildir(world)
    numbers = list(range(201, 241))
    for raw in _good(world, *numbers):
        inbox.add(raw)
    daemon = start_daemon(world, command=GATEWAY_EXEC, ready=False)
    try:
        assert wait_for(lambda: mails_recorded(world) >= 1, timeout=120, step=0.02)
        server = _server(daemon.pid)
        assert wait_for(lambda: bool(_busy_workers(server)), timeout=30, step=0.01)
        victims = _descendants(server)
        os.kill(server, signal.SIGKILL)
        for pid in victims:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        assert wait_for(lambda: _inbox(world) == 0, timeout=180)
        assert daemon.poll() is None
    finally:
        log = stop_daemon(daemon)
    documents, mails, held = _register(f"sqlite:///{world.root / 'qlvb.db'}")
    said = [line for line in log.splitlines() if "quarantined" in line]
    assert (mails, held) == (len(numbers), 0), said
    assert documents == [(i + 1, f"{n}/STP-VP") for i, n in enumerate(numbers)]
    assert [n for n in _filed(world).values() if n] == [len(numbers)], _filed(world)  # all in "Đã tiếp nhận"


def _leave_free(folder: Path, filler: Path, room: int) -> None:
    """The filled disk given back `room` bytes (in whole pages), measured by statvfs."""
    import os as _os
    size = filler.stat().st_size
    with filler.open("r+b") as out:
        out.truncate(max(0, size - room))
        _os.fsync(out.fileno())
    stat = _os.statvfs(folder)
    print("free now", stat.f_bavail * stat.f_frsize)


def test_the_disk_with_room_for_the_original_but_not_its_pdf_quarantines_no_mail(world: World, small_disk: Path) -> None:
    """The store's disk with room for a mail's original but not for its PDF too: the worker writes the original, fails
    on the PDF (ENOSPC), and sends back a failure that reads as the mail's ("OSError: …"); the main process finds the
    original stored, has no file left to write (a failed analysis lists none), and records the mail quarantined
    `processing-failed`. Expected (README *Faults*, "the store's disk full"): the mail left in the inbox, nothing
    recorded, `status` saying "No space left on device"; registered once there is room."""
    from test_faults_infrastructure import _fill

    inbox = _maildir(world)
    pdf = world.signed("stp", world.document(number="301/STP-VP"))
    raw = world.mail("m301", attachments=[("cv.pdf", pdf)]).read_bytes()
    daemon = start_daemon(world, command=GATEWAY_EXEC)
    try:
        filler = _fill(small_disk)
        _leave_free(small_disk, filler, len(raw) + 8192 + len(pdf) // 2)
        inbox.add(raw)
        time.sleep(8)
        print("status:", _status_error(world))
        said = [line for line in daemon.log.read_text(errors="replace").splitlines() if "quarantined" in line]
        assert (_inbox(world), mails_recorded(world)) == (1, 0), (_filed(world), said)  # left untouched
        filler.unlink()  # room again
        assert wait_for(lambda: _inbox(world) == 0, timeout=90)
    finally:
        log = stop_daemon(daemon)
    documents, mails, held = _register(f"sqlite:///{world.root / 'qlvb.db'}")
    assert (documents, mails, held) == ([(1, "301/STP-VP")], 1, 0), log[-3000:]


@pytest.fixture
def small_register_disk(world: World):  # type: ignore[no-untyped-def]
    """The register's SQLite file on a tmpfs of 16 MB of its own (the store elsewhere)."""
    import subprocess
    folder = world.root / "regdisk"
    folder.mkdir(exist_ok=True)
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=16m", "tmpfs", str(folder)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], capture_output=True)


def test_the_registers_disk_full_while_the_sqlite_file_grows_loses_and_quarantines_nothing(
        world: World, small_register_disk: Path) -> None:
    """The disk of the register's SQLite file full while mails come (it grows with each one, its journal too). Expected
    as for the store's disk: nothing half-recorded, none quarantined, the mails left in the inbox, `status` saying why,
    the daemon running; once there is room, numbers 1..n, each mail once. Found (F4): `status` said nothing (exit 0, no
    error), the daemon unable to write its state into the full register; now its disk's room is shown and alerted."""
    from test_faults_infrastructure import _fill

    url = f"sqlite:///{small_register_disk / 'qlvb.db'}"
    inbox = _maildir(world, database=url)
    first, *rest = _good(world, 401, 402, 403, 404)
    inbox.add(first)
    daemon = start_daemon(world, command=GATEWAY_EXEC, ready=False)
    try:
        assert wait_for(lambda: _inbox(world) == 0, timeout=90)
        filler = _fill(small_register_disk)
        for raw in rest:
            inbox.add(raw)
        time.sleep(10)
        status = world.run("status", "--config", str(world.config_path), "--json", check=False)
        assert _inbox(world) == 3 and daemon.poll() is None
        # status says why, though the daemon cannot write its error into a register whose disk is full: an alert (exit
        # 4) naming the register's disk, with the room it has left
        said = json.loads(status.stdout)
        assert status.returncode == 4 and said["register"]["path"] == str(small_register_disk / "qlvb.db"), said
        [alert] = [a for a in said["alerts"] if a["mailbox"] == "disk"]
        assert "sổ đăng ký" in alert["message"] and str(small_register_disk) in alert["message"], alert
        filler.unlink()
        assert wait_for(lambda: _inbox(world) == 0, timeout=120)
        assert daemon.poll() is None
    finally:
        log = stop_daemon(daemon)
    documents, mails, held = _register(url)
    assert (mails, held) == (4, 0), (documents, [l for l in log.splitlines() if "WARNING" in l or "ERROR" in l][-20:])
    assert documents == [(1, "401/STP-VP"), (2, "402/STP-VP"), (3, "403/STP-VP"), (4, "404/STP-VP")]
    assert sum(_filed(world).values()) == 4


def test_a_worker_past_its_time_is_killed_though_its_server_was_killed(world: World) -> None:
    """The worker server killed alone (SIGKILL) while a worker reads a PDF that takes minutes (a decompression bomb):
    once the server is gone, multiprocessing reads the worker's sentinel as ended (exit code 255) and `is_alive()` is
    False, so `_Worker.kill` past `limits.seconds_per_document` sends no signal. Expected: the worker killed at its
    time limit, as any other; observed: it runs on, orphaned, a core taken, for as long as the PDF takes."""
    import made_pdfs

    inbox = _maildir(world, limits={"seconds_per_document": 3})
    inbox.add(_good(world, 501)[0])
    daemon = start_daemon(world, command=GATEWAY_EXEC, ready=False)
    try:
        assert wait_for(lambda: _inbox(world) == 0, timeout=90)
        bomb = made_pdfs.decompression_bomb(world.document(number="502/STP-VP"), gigabytes=8)
        inbox.add(world.mail("bomb", attachments=[("cv.pdf", bomb)]).read_bytes())
        server = _server(daemon.pid)
        assert wait_for(lambda: bool(_busy_workers(server)), timeout=30, step=0.05)
        time.sleep(0.5)
        [worker] = _busy_workers(server)
        os.kill(server, signal.SIGKILL)  # the server alone: the worker reads on
        assert wait_for(lambda: _inbox(world) == 0, timeout=60)  # the bomb held past its time, pdf-unreadable or failed
        assert daemon.poll() is None
        gone = wait_for(lambda: not _alive(worker), timeout=10)
        if not gone:
            parent = _parent(worker)
            os.kill(worker, signal.SIGKILL)
        assert gone, f"worker {worker} past its time still running, its parent now {parent}"
    finally:
        stop_daemon(daemon)


@pytest.mark.long  # 60 s of waiting on the daemon: started first (it ended the suite's last process at stop 57)
def test_over_imap_the_worker_server_stopped_and_its_workers_killed_mid_mail_loses_nothing(world: World) -> None:
    """End to end over Dovecot with answers going out: a backlog of 24 signed mails; while the workers analyse it the
    worker server is stopped (SIGSTOP, a frozen cgroup) and the workers it forked are killed mid-mail (the OOM killer).
    Expected: `status --json` says why while it waits, the daemon runs on, and once the server goes on (SIGCONT) every
    mail is filed once into "Đã tiếp nhận", registered once 1..24, acknowledged once; none quarantined."""
    from test_daemon import SmtpServer, append, folder_counts
    from servers import dovecot
    from world import US
    from test_daemon import PASSWORD

    numbers = list(range(601, 625))
    # the mails made before Dovecot starts: made while it ran idle (a minute and more on a loaded machine), its auth
    # process was ended as idle and the test's own login refused for 30 s ("Temporary authentication failure")
    paths = [world.mail(f"m{n}", attachments=[("cv.pdf", world.signed("stp", world.document(number=f"{n}/STP-VP")))])
             for n in numbers]
    smtp = SmtpServer()
    smtp.start()
    try:
        with dovecot((US["mailbox"], PASSWORD)) as imap_server:
            world.extra["mailboxes"] = [{"name": "vanthu", "poll_seconds": 5, "imap": {
                "host": "127.0.0.1", "port": imap_server.port, "security": "none", "username": US["mailbox"],
                "password_env": "QLVB_IMAP_PASSWORD"}}]
            world.extra["smtp"] = {"host": "127.0.0.1", "port": smtp.port, "security": "none"}
            world.write_config()
            append(imap_server, *paths)
            daemon = start_daemon(world, command=GATEWAY_EXEC, ready=False)
            try:
                assert wait_for(lambda: mails_recorded(world) >= 1, timeout=120, step=0.02)
                server = _server(daemon.pid)
                assert wait_for(lambda: bool(_busy_workers(server)), timeout=30, step=0.01)
                os.kill(server, signal.SIGSTOP)
                try:
                    for pid in _descendants(server):
                        os.kill(pid, signal.SIGKILL)

                    def said() -> bool:
                        return "worker" in _status_error(world)
                    assert wait_for(said, timeout=120, step=2.0), _status_error(world)
                    assert daemon.poll() is None
                finally:
                    os.kill(server, signal.SIGCONT)
                assert wait_for(lambda: folder_counts(imap_server)["inbox"] == 0, timeout=180)
                def all_sent() -> bool:
                    done = world.run("status", "--config", str(world.config_path), "--json", check=False)
                    return '"queued": 0' in done.stdout
                assert wait_for(all_sent, timeout=90, step=2.0)
                time.sleep(3)
                counts = folder_counts(imap_server)
            finally:
                log = stop_daemon(daemon)
    finally:
        smtp.stop()
    documents, mails, held = _register(f"sqlite:///{world.root / 'qlvb.db'}")
    said = [line for line in log.splitlines() if "WARNING" in line or "ERROR" in line]
    assert (counts["accepted"], counts["quarantined"], mails, held) == (len(numbers), 0, len(numbers), 0), (counts, said)
    assert documents == [(i + 1, f"{n}/STP-VP") for i, n in enumerate(numbers)]
    acks = [m for m in smtp.recorder.messages if m["X-QLVB-Status"] == "03"]
    assert len(acks) == len({m["Message-ID"] for m in acks}) == len(numbers)


@pytest.mark.long
def test_a_job_whose_worker_dies_twice_is_the_jobs_doing(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    """F1's fix, its other side: a worker that dies in a job hands the job once more to another worker (a worker killed
    from outside); one whose second worker dies too is the job's doing (a PDF that kills MuPDF): `crashed`, never handed
    on for ever."""
    from gateway import workers
    from gateway.model import WorkFailure
    from test_redteam82 import _pool_of_two

    with _pool_of_two(world, monkeypatch, startup=30.0, number=881) as (pool, _, heavy):
        future = pool.submit(workers.Job("pages", heavy))

        def drawing() -> list[int]:
            """The worker that has told the pool it began the job: one killed while it still started up, before the
            job reached it, is no death in the job (CI, stop 46: a replacement killed mid-import read as the job's)."""
            return [w.process.pid for w in list(pool._workers)
                    if w.job is not None and w.started_at is not None and w.process.pid is not None]

        killed: list[int] = []
        for _ in range(2):  # whichever worker draws it, each time
            assert wait_for(lambda: [p for p in drawing() if p not in killed], timeout=30)
            [busy] = [p for p in drawing() if p not in killed]
            os.kill(busy, signal.SIGKILL)
            killed.append(busy)
        result = future.result(timeout=60)
    assert isinstance(result, WorkFailure) and result.reason == "crashed", result
