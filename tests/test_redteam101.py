"""Red team 101 (2026-12-06): chaos against the running daemon, with faults the README's table does not list. Each test
runs the real daemon against Dovecot and aiosmtpd (and PostgreSQL) and then counts: every mail in exactly one place,
numbers 1..n, each answer once, `status` truthful.

Faults found, each fixed at stop 44: a verdict's folder deleted by the clerk while the daemon runs (its mail left in the inbox,
forgotten until a reconnection); letters the mail server could not read for a moment (the same: held as notes, never
taken in while the connection lasts); a deleted folder of the clerk's outgoing folder (a note to the clerk at every
poll, for ever); `kill -9` while a mail above max_mail_mb is streamed into the store (its part left on disk for good);
the SQLite register deleted under the running daemon (numbered into the unlinked file, then number 1 again); one page
of the SQLite register damaged (every mail filed into quarantine with no row in the register).
Passing (locked in): two daemons on one configuration and PostgreSQL register; PostgreSQL turned read-only under the
daemon. Survived without a test kept: `kill -9` in the middle of `migrate` (one transaction: killed at 3..102 of its
102 statements, the register was whole each time); the store's file system turned read-only (EROFS, as ENOSPC); the same
mail twice in one batch (recorded once, answered once)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from pathlib import Path

import pytest

from sqlalchemy import select

from born_digital import numbered_document
from servers import wait_for
from test_daemon import (FOLDERS, PASSWORD, append, folder_counts, imap, mails_recorded, servers,  # noqa: F401
                         start_daemon, stop_daemon)
from world import GATEWAY_EXEC, World

pytestmark = pytest.mark.long  # each runs a daemon against real servers for tens of seconds: started first


def _ok(world: World, name: str, number: int) -> Path:
    return world.mail(name, attachments=[("cv.pdf", numbered_document(number))])


def _forged(world: World, name: str, number: int) -> Path:
    return world.mail(name, auth=None, attachments=[("cv.pdf", numbered_document(number))])


def _status(world: World) -> tuple[int, dict]:
    done = world.run("status", "--config", str(world.config_path), "--json", check=False, process=True)
    return done.returncode, json.loads(done.stdout)


def _numbers(world: World) -> list[int]:
    from registry.models import Document

    register = world.db()
    try:
        with register.session() as s:
            return [d.arrival_number for d in s.scalars(select(Document).order_by(Document.arrival_number))]
    finally:
        register.close()


# ---- a verdict's folder deleted by the clerk while the daemon runs -----------------------------------------------
def test_a_verdict_folder_deleted_while_the_daemon_runs_leaves_its_mail_in_the_inbox_for_ever(world: World, servers) -> None:  # type: ignore[no-untyped-def]
    """Fault injected: the daemon running (IDLE) with its four folders made; the clerk deletes the empty folder
    "QLVB/Cần kiểm tra" from her mail client (Thunderbird's "Delete Folder", or a tidy-up), then a forged mail and a
    good one arrive.
    Expected: the forged mail quarantined AND filed into "QLVB/Cần kiểm tra" (the folder made again, as at connect()),
    the inbox empty, or at the least `status` saying a mail is left unfiled.
    Observed: the MOVE is answered NO [TRYCREATE]; `ImapMailbox.file` takes it for a refusal of that one mail, logs
    "the server keeps mail UID n in the inbox" and goes on; the UID is past `last_uid` so it is never taken again on
    this connection. The mail stays in the inbox for as long as the daemon keeps its connection (IDLE: days, weeks),
    recorded as quarantined but never filed; every later quarantined mail the same; `status` says connected, backlog 0,
    no error, exit 0. Folders are only made in `connect()`.
    Severity: medium (no mail lost from the register, but the clerk's folder of mail to check stays empty and the
    inbox holds mail the gateway says it has done; nobody is told). Fault: mailbox/imap.py `file`/`_move` (no TRYCREATE
    handling) and gateway/sources.py (a mail left unfiled is forgotten until the next connection)."""
    imap_server, smtp = servers
    append(imap_server, _ok(world, "ok1", 1001))
    daemon = start_daemon(world)
    try:
        assert wait_for(lambda: folder_counts(imap_server)["accepted"] == 1, timeout=90), folder_counts(imap_server)
        client = imap(imap_server)
        try:
            client.delete_folder(FOLDERS["quarantined"])  # the clerk tidies her folders
        finally:
            client.logout()
        append(imap_server, _forged(world, "forged2", 1002), _ok(world, "ok3", 1003))
        assert wait_for(lambda: folder_counts(imap_server)["accepted"] == 2, timeout=90), folder_counts(imap_server)
        assert wait_for(lambda: mails_recorded(world) == 3, timeout=30)
        wait_for(lambda: folder_counts(imap_server)["quarantined"] == 1, timeout=12)  # within two polls (poll_seconds 5)
        counts = folder_counts(imap_server)
        code, status = _status(world)
        mailbox = status["mailboxes"][0]
        assert counts["inbox"] == 0 and counts["quarantined"] == 1, (
            f"folders {counts}; status exit {code}: connected {mailbox['connected']}, backlog {mailbox.get('backlog')}, "
            f"error {mailbox['error']}")
    finally:
        stop_daemon(daemon)


# ---- two daemons started on one configuration ------------------------------------------------------------------
def _two_daemons(world: World, imap_server, smtp, url: str) -> None:  # type: ignore[no-untyped-def]
    from sqlalchemy import create_engine, text

    paths = []  # made first: the sender domain's DKIM key goes into the configuration
    for i in range(40):
        paths.append(_forged(world, f"forged{i}", 2000 + i) if i % 5 == 4 else _ok(world, f"ok{i}", 2000 + i))
    append(imap_server, *paths)  # waiting for both, started at once: both take the inbox from its first mail
    first = start_daemon(world, ready=False)
    second = start_daemon(world, ready=False)
    engine = create_engine(url)

    def scalar(sql: str) -> int:
        try:
            with engine.connect() as c:
                return int(c.execute(text(sql)).scalar() or 0)
        except Exception:
            return 0

    try:
        assert wait_for(lambda: folder_counts(imap_server)["inbox"] == 0
                        and sum(folder_counts(imap_server).values()) == len(paths), timeout=120), folder_counts(imap_server)
        assert first.poll() is None and second.poll() is None
        assert wait_for(lambda: len(smtp.recorder.messages) >= scalar("SELECT count(*) FROM outbox"), timeout=60)
        time.sleep(3)
    finally:
        log = stop_daemon(second) + stop_daemon(first)
    ok = sum(1 for p in paths if p.stem.startswith("ok"))
    counts = folder_counts(imap_server)
    with engine.connect() as c:
        numbers = [r[0] for r in c.execute(text("SELECT arrival_number FROM documents ORDER BY 1"))]
        mails = c.execute(text("SELECT count(*) FROM mails")).scalar()
        failed = c.execute(text("SELECT count(*) FROM mails WHERE verdict = 'quarantined'")).scalar()
        outbox = [r[0] for r in c.execute(text("SELECT message_id FROM outbox"))]
    engine.dispose()
    said = [line for line in log.splitlines() if "Error" in line or "processing-failed" in line][:5]
    assert counts["accepted"] == ok and counts["quarantined"] == len(paths) - ok, (counts, said)
    assert (mails, failed) == (len(paths), len(paths) - ok), (mails, failed, said)
    assert numbers == list(range(1, ok + 1)), numbers
    delivered = [m["Message-ID"] for m in smtp.recorder.messages]
    assert sorted(delivered) == sorted(outbox), "an answer sent twice or not at all"


def test_two_daemons_on_one_postgresql_register_register_and_answer_each_mail_once(world: World, servers) -> None:  # type: ignore[no-untyped-def]
    """Fault injected: `qlvb-gateway run` started twice at once on one configuration, its register on PostgreSQL
    (systemd's unit and an operator's terminal; a restart whose old process is still finishing its outbox), 40 mails
    waiting in the inbox for both.
    Expected: each mail recorded once, numbers 1..n, each filed once, each answer delivered once.
    Observed: as expected (a passing test, locking it in: the table never ran two daemons on one mailbox; the second's
    MOVE of mails the first filed is answered [EXPUNGEISSUED], backed off, and what it took again is known; passes on
    SQLite too, BEGIN IMMEDIATE serialising the two)."""
    from servers import postgres

    imap_server, smtp = servers
    with postgres() as url:
        world.extra["database"] = url
        world.write_config()
        _two_daemons(world, imap_server, smtp, url)


# ---- kill -9 while a mail above max_mail_mb is streamed into the store -------------------------------------------
def _big_mail(world: World, name: str, megabytes: int) -> Path:
    pdf = world.signed("stp", world.document(number=f"{name}/STP-VP"))
    path = world.mail(name, auth=None, attachments=[("cv.pdf", pdf)])
    head, _, rest = path.read_bytes().partition(b"\r\n\r\n")
    line = b"X" * 998 + b"\r\n"
    with path.open("wb") as f:
        f.write(head + b"\r\n\r\n")
        for _ in range(megabytes):
            f.write(line * 1024)
        f.write(rest)
    return path


def _temporaries(world: World) -> list[Path]:
    return sorted((world.root / "store").rglob(".tmp-*"))


def test_kill_9_while_a_large_mail_is_streamed_into_the_store_leaves_its_part_on_disk_for_good(world: World, servers) -> None:  # type: ignore[no-untyped-def]
    """Fault injected: limits.max_mail_mb 1; a 60 MB mail in the inbox, streamed into the store 4 MB at a time; the
    daemon and its workers killed (SIGKILL: the OOM killer, a power cut, systemd's stop timeout) while the store's
    temporary file is being written; the daemon started again (as systemd does), twice.
    Expected: the mail held once (mail-too-large), stored once; the half-written temporary of the dead process removed
    (at the next start, or the next store of that mail): the store holds the mail's file and nothing else of it.
    Observed: each killed stream leaves `store/sha256/.tmp-XXXX` (tens of MB: up to the mail's size, which is
    unbounded above max_mail_mb) on the store's disk for good; nothing ever removes `.tmp-*` (registry/files.py
    `write_temporary` cleans only on an exception of its own process). A daemon that dies repeatedly on a large mail
    (a machine short of memory, restarts by systemd) fills the store's disk, until ENOSPC stops intake; `status`'s disk
    figures shrink with no file in the register to account for them.
    Severity: low-medium (disk leak after crashes; eventually the disk-full fault, nothing told). Fault:
    registry/files.py / registry/store.py (no sweep of `.tmp-*` left by a dead process)."""
    imap_server, smtp = servers
    world.extra["limits"] = {"max_mail_mb": 1}
    world.write_config()
    append(imap_server, _big_mail(world, "big", 60))
    env = dict(os.environ, QLVB_IMAP_PASSWORD=PASSWORD, PYTHONWARNINGS="ignore")
    command = [*GATEWAY_EXEC, "run", "--config", str(world.config_path)]
    left: list[Path] = []

    def streaming() -> bool:  # the new process's own temporary holds more than 4 MB of the mail
        return any(p.stat().st_size > 4 * 1024 * 1024 for p in _temporaries(world) if p not in left)

    for _ in range(2):
        process = subprocess.Popen(command, cwd=world.root, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                   start_new_session=True)
        try:
            assert wait_for(streaming, timeout=60, step=0.02), "the stream never began"
        finally:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        left = _temporaries(world)
    daemon = start_daemon(world)
    try:
        assert wait_for(lambda: mails_recorded(world) == 1 and folder_counts(imap_server)["inbox"] == 0, timeout=120)
    finally:
        stop_daemon(daemon)
    assert folder_counts(imap_server)["quarantined"] == 1
    leaked = _temporaries(world)
    assert leaked == [], (f"{len(leaked)} temporaries of killed streams left in the store, "
                          f"{sum(p.stat().st_size for p in leaked) // (1024 * 1024)} MB: {[p.name for p in leaked]}")


# ---- the SQLite register deleted under the running daemon --------------------------------------------------------
def test_the_sqlite_register_deleted_under_the_running_daemon_goes_on_numbering_into_a_ghost(world: World, servers) -> None:  # type: ignore[no-untyped-def]
    """Fault injected: the daemon running with letter 1 registered; the register's file (qlvb.db, its -wal and -shm)
    removed (an operator's `rm` in the wrong folder, a clean-up script, a restore that moves the file aside first),
    then two more letters arrive; later the daemon is restarted (systemd, a reboot) and a fourth letter comes.
    Expected: the daemon registers nothing it cannot keep: it sees its register gone (the file it opened unlinked:
    fstat's st_nlink 0, or the path's inode changed) and stops taking mail, the letters left in the inbox, saying why;
    it never makes a new empty register under a running service, so no number is given twice.
    Observed: the daemon's pooled SQLite connections keep the unlinked inode: letters 2 and 3 are registered into it,
    moved into "Đã tiếp nhận" and acknowledged with numbers 2 and 3 ("accepted 2/2026" in the log); a connection
    opened afterwards (APScheduler's, the state's) makes an empty file at the path and logs only "no such table"
    warnings; at the restart `run` migrates that file into a new empty register (make_engine(create=True)), and letter
    4 is acknowledged as number 1 of the year: the year's number 1 given twice, letters 1-3 filed as registered but in
    no register (their answers sent). `status` alone was right while it ran (exit 4, "no register at …").
    Severity: high in consequence (numbers repeated to issuers, three registered documents gone), needing an operator's
    mistake; the README's limit covers a restore "while the mailboxes went on", not a register removed under the running
    daemon. Fault: registry/database.py (the register opened once and never checked to be the file at its path;
    `run` creates a missing register on every start)."""
    imap_server, smtp = servers
    mails = [_ok(world, f"ok{i}", 4000 + i) for i in range(4)]
    append(imap_server, mails[0])
    daemon = start_daemon(world)
    try:
        assert wait_for(lambda: folder_counts(imap_server)["accepted"] == 1, timeout=90)
        # letter 1's acknowledgement sent before the file goes (stop 47: removed while it waited in the register's
        # outbox, it went with the register)
        assert wait_for(lambda: any(m["X-QLVB-Status"] == "03" for m in smtp.recorder.messages), timeout=60)
        for suffix in ("", "-wal", "-shm"):
            (world.root / f"qlvb.db{suffix}").unlink(missing_ok=True)
        append(imap_server, *mails[1:3])
        time.sleep(10)
    finally:
        stop_daemon(daemon)
    daemon = start_daemon(world, ready=False)  # restarted: it refuses to begin a new register, in one line
    assert daemon.wait(timeout=60) == 1
    said = daemon.log.read_text()  # type: ignore[attr-defined]
    append(imap_server, mails[3])
    acks = [m["X-QLVB-Incoming-Number"] for m in smtp.recorder.messages if m["X-QLVB-Status"] == "03"]
    # (fixed at stop 44: the running daemon sees its file gone and backs off; restarted, it makes no new register beside
    # the store's files: the letters wait in the inbox until the register is put back)
    assert acks == ["1"], f"acknowledged {acks}; folders {folder_counts(imap_server)}"
    assert folder_counts(imap_server)["inbox"] == 3
    assert "restore the register from its backup" in said, said[-2000:]


def test_letters_the_mail_server_could_not_read_for_a_moment_wait_unregistered_until_a_reconnection(  # type: ignore[no-untyped-def]
        world: World, servers) -> None:
    """Fault injected: the mail server's storage failing for a moment under three good letters in the inbox (their
    files unreadable to Dovecot's mail user: an NFS or SAN hiccup, a restore running as root; the red team 56 fault,
    but passing and on every mail); the daemon takes them in; ten seconds later the files are readable again.
    Expected: once the server gives them, the letters are taken in, registered 1..3 and acknowledged, with the daemon
    running as it was (a transient refusal of every mail of a batch is the server's, not three mails' faults).
    Observed: each letter is held as a note ("máy chủ thư không trả thư này", the clerk alerted three times), the server
    will not MOVE them, so they stay in the inbox, past `last_uid`: never taken again while the connection lasts (IDLE:
    days), `status` saying backlog 0, no error. Only a reconnection (a failure, a restart) takes them in.
    Severity: medium (good letters unregistered and unanswered for an unbounded time after a passing fault of the mail
    server; the clerk sees three notes and the letters in her inbox). Fault: the same as the test above: gateway/sources.py
    `Inbox.take` forgets a mail left in the inbox until the next connection; mailbox/imap.py `_each_of` blames each mail
    for a refusal of every mail."""
    from test_redteam56 import _registered

    imap_server, smtp = servers
    maildir = imap_server.workdir / "mail" / "vanthu@snv.bacgiang.gov.vn"
    mails = [_ok(world, f"ok{i}", 8000 + i) for i in range(3)]
    append(imap_server, *mails)
    files = [f for f in [*(maildir / "new").iterdir(), *(maildir / "cur").iterdir()]]
    assert len(files) == 3
    owner = os.stat(maildir)
    for f in files:  # unreadable to the server's mail user for a moment
        os.chown(f, 0, 0)
        os.chmod(f, 0o600)
    daemon = start_daemon(world)
    try:
        assert wait_for(lambda: mails_recorded(world) >= 3, timeout=60)
        for f in [*(maildir / "new").iterdir(), *(maildir / "cur").iterdir()]:  # the storage back
            os.chown(f, owner.st_uid, owner.st_gid)
        wait_for(lambda: len(_registered(world)) == 3, timeout=16)  # within three polls (poll_seconds 5)
        registered = _registered(world)
        counts = folder_counts(imap_server)
        code, status = _status(world)
    finally:
        stop_daemon(daemon)
    mailbox = status["mailboxes"][0]
    assert len(registered) == 3, (f"registered {registered}; folders {counts}; status exit {code}, backlog "
                                  f"{mailbox.get('backlog')}, error {mailbox['error']}")


# ---- a folder of the clerk's outgoing folder deleted while the daemon runs -----------------------------------------
def test_a_deleted_outgoing_subfolder_makes_the_clerk_a_note_at_every_poll_for_ever(world: World, servers) -> None:  # type: ignore[no-untyped-def]
    """Fault injected: the daemon running (it made "QLVB/Gửi đi" and its folders "Đã gửi", "Chờ xác nhận", "Khác" at
    its connection); the clerk deletes the empty "QLVB/Gửi đi/Khác" from her mail client, then drops into
    "QLVB/Gửi đi" a mail with no PDF (a draft forgotten its scan).
    Expected: one note to the clerk ("no PDF: not sent"), the mail filed into "Khác" (made again) or at least taken once.
    Observed: the MOVE to the missing folder is answered NO [TRYCREATE]; `ImapMailbox.file` logs that the server keeps
    the mail and returns; `OutgoingFolder.take` reads the whole folder (`pending(0)`) at every turn, so the same mail is
    taken again at every poll and a new note queued each time (its key holds the time: never the same), one to the
    clerk every `poll_seconds` (60 s by default: 1,440 a day) for as long as the daemon keeps its connection. A mail
    held for two PDFs does the same with "Chờ xác nhận" gone.
    Severity: medium (an unending flood into the clerk's own mailbox, the outbox growing; nothing lost). Fault:
    gateway/sources.py `OutgoingFolder.take` (a dropped mail it could not file is taken again each turn) with
    mailbox/imap.py `file` (no TRYCREATE: the folder not made again)."""
    from email.header import decode_header, make_header

    imap_server, smtp = servers
    daemon = start_daemon(world)
    try:
        client = imap(imap_server)
        try:
            assert wait_for(lambda: client.folder_exists("QLVB.Gửi đi.Khác"), timeout=30)
            client.delete_folder("QLVB.Gửi đi.Khác")  # the clerk tidies her folders
            draft = world.mail("draft", sender="vanthu@snv.bacgiang.gov.vn", to=["vanthu@snv.bacgiang.gov.vn"],
                               attachments=[("du-thao.txt", "Dự thảo công văn".encode())])
            client.append("QLVB.Gửi đi", draft.read_bytes())
        finally:
            client.logout()
        assert wait_for(lambda: len(smtp.recorder.messages) >= 1, timeout=60)
        time.sleep(11)  # two polls (poll_seconds 5)
        notes = [str(make_header(decode_header(m["Subject"]))) for m in smtp.recorder.messages]
    finally:
        stop_daemon(daemon)
    assert len(notes) == 1, f"{len(notes)} notes to the clerk for one dropped mail in 11 s: {notes[:2]}"


# ---- PostgreSQL turned read-only under the daemon (a failover onto a standby) -------------------------------------
def test_postgresql_read_only_under_the_daemon_is_the_infrastructures_not_the_mails(world: World) -> None:
    """Fault injected: the register on PostgreSQL; under the running daemon the database is made read-only and the
    daemon's sessions cut (what a failover onto a hot standby, or an operator's `default_transaction_read_only`, or a
    managed PostgreSQL put read-only at its storage quota does); three good letters and a forged one arrive; then the
    database writable again.
    Expected: "cannot execute … in a read-only transaction" is the database's failure: the daemon backs off, the mails
    left in the inbox, `status` saying why; once writable, registered 1..3 and the forged one held, each with its row.
    Observed: as expected (a passing test, locking it in: psycopg's ReadOnlySqlTransaction is an InternalError, which
    `guard.blame` would call the mail's, but the turn's first write, the mailbox's state, fails first, outside any mail's
    guard, and the turn backs off)."""
    import mailbox as stdlib_mailbox

    from sqlalchemy import create_engine, text

    from servers import postgres
    from test_faults_infrastructure import _filed, _inbox, _register

    with postgres() as url:
        world.extra["mailboxes"] = [{"name": "vanthu", "maildir": "Maildir", "poll_seconds": 1}]
        world.extra["database"] = url
        world.write_config()
        inbox = stdlib_mailbox.Maildir(str(world.root / "Maildir"), create=True)
        good = [_ok(world, f"ok{i}", 6000 + i).read_bytes() for i in range(3)]
        forged = _forged(world, "forged", 6009).read_bytes()
        name = url.rsplit("/", 1)[1]
        admin = create_engine(url.rsplit("/", 1)[0] + "/postgres", isolation_level="AUTOCOMMIT")
        daemon = start_daemon(world, ready=False)
        try:
            register = create_engine(url)

            def started() -> bool:  # its register made and its mailbox watched (a fixed 4 s was too short once, on a
                try:  # loaded machine: the database made read-only under its migration, the daemon stopped)
                    with register.connect() as c:
                        return bool(c.execute(text("SELECT count(*) FROM mailbox_state WHERE connected")).scalar())
                except Exception:
                    return False
            assert wait_for(started, timeout=60)
            register.dispose()
            with admin.connect() as c:
                c.execute(text(f"ALTER DATABASE {name} SET default_transaction_read_only = on"))
                c.execute(text(f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}' "
                               "AND pid <> pg_backend_pid()"))
            for raw in (good[0], forged, good[1], good[2]):
                inbox.add(raw)
            time.sleep(10)
            during = (_inbox(world), dict(_filed(world)))
            with admin.connect() as c:
                c.execute(text(f"ALTER DATABASE {name} SET default_transaction_read_only = off"))
                c.execute(text(f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}' "
                               "AND pid <> pg_backend_pid()"))
            wait_for(lambda: _inbox(world) == 0, timeout=60)
            time.sleep(3)
            assert daemon.poll() is None
        finally:
            log = stop_daemon(daemon)
            admin.dispose()
        documents, mails, held = _register(url)
    said = [line[:220] for line in log.splitlines() if "read-only" in line or "quarantined" in line][:6]
    assert during[0] == 4, f"while read-only: inbox {during[0]}, filed {during[1]}; log: {said}"
    assert [d[0] for d in documents] == [1, 2, 3] and (mails, held) == (4, 1), (documents, mails, held, said)


# ---- one page of the SQLite register damaged ----------------------------------------------------------------------
def _damage_index(db: Path, index: str) -> None:
    """The b-tree root page of `index` overwritten with zeros, as a bad sector or a torn copy leaves it."""
    import sqlite3

    with sqlite3.connect(db) as c:
        c.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        page_size = c.execute("PRAGMA page_size").fetchone()[0]
        [(root,)] = c.execute("SELECT rootpage FROM sqlite_master WHERE name = ?", (index,)).fetchall()
    with db.open("r+b") as f:
        f.seek((root - 1) * page_size)
        f.write(b"\0" * page_size)


def test_a_damaged_page_of_the_sqlite_register_files_every_mail_into_quarantine_unrecorded(world: World, servers) -> None:  # type: ignore[no-untyped-def]
    """Fault injected: a register with one letter in it; the daemon stopped; one page of the register's file damaged
    (the root page of the mails' unique index `uq_mails_message`, sqlite_autoindex_mails_1, zeroed: a bad sector, a
    backup copied while written, a torn write on power loss); the daemon started again (systemd), and two good letters arrive.
    Expected: "database disk image is malformed" (sqlite3.DatabaseError) is the register's failure, not the mails':
    the daemon backs off, the letters left in the inbox, `status` alerting; nothing filed that the register does not
    hold.
    Observed: `guard.blame` knows only OperationalError/InterfaceError/… as the database's, so the DatabaseError is the
    mail's: each letter is quarantined `processing-failed`, its quarantine's own recording fails the same way
    ("quarantining it failed too"), and `unrecorded_quarantine` moves it into "QLVB/Cần kiểm tra" with no row in the
    register: not on the clerk's list of held mail, never answered, never taken again once the register is repaired;
    every later mail the same, while `status` shows the mailbox connected and well.
    Severity: high (every mail for as long as the damage lasts leaves the register's process: the promise "every mail
    ends registered, returned, or quarantined with its reason" broken with the reason in the log only). Fault:
    gateway/guard.py `blame` (sqlalchemy.exc.DatabaseError of SQLITE_CORRUPT/NOTADB, PostgreSQL's XX001/XX002 data or
    index corrupted, are the infrastructure's) with gateway/guard.py `unrecorded_quarantine` filing mail the register
    could not take."""
    imap_server, smtp = servers
    mails = [_ok(world, f"ok{i}", 7000 + i) for i in range(3)]
    append(imap_server, mails[0])
    daemon = start_daemon(world)
    try:
        assert wait_for(lambda: folder_counts(imap_server)["accepted"] == 1, timeout=90)
    finally:
        stop_daemon(daemon)
    _damage_index(world.root / "qlvb.db", "sqlite_autoindex_mails_1")  # UNIQUE (message_id, sha256)
    daemon = start_daemon(world, ready=False)
    try:
        time.sleep(4)
        append(imap_server, *mails[1:])
        time.sleep(12)
        counts = folder_counts(imap_server)
        done = world.run("status", "--config", str(world.config_path), "--json", check=False, process=True)
    finally:
        log = stop_daemon(daemon)
    said = [line[:200] for line in log.splitlines() if "quarantin" in line and "qlvb." in line][:6]
    import sqlite3

    with sqlite3.connect(world.root / "qlvb.db") as c:
        rows = c.execute("SELECT count(*) FROM mails").fetchone()[0]
    assert counts["inbox"] == 2 and counts["quarantined"] == 0, (
        f"folders {counts}; mails in the register: {rows}; status exit {done.returncode}; log: {said}")
