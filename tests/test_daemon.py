"""The daemon against real servers: a private Dovecot over IMAP and an aiosmtpd server that records
what the gateway sends. Mails appended while it runs are registered, filed and answered; it rides
out an IMAP server restart and an SMTP server down for a while, and stops cleanly on SIGTERM."""

from __future__ import annotations

import email
import json
import os
import re
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from contextlib import closing
from datetime import datetime, timezone
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from imapclient import IMAPClient
from imapclient.exceptions import LoginError
from sqlalchemy import select

from servers import Dovecot, dovecot, free_port, wait_for
from world import GATEWAY, US, World

PASSWORD = "mat-khau-van-thu"
FOLDERS = {"accepted": "QLVB.Đã tiếp nhận", "returned": "QLVB.Đã trả lại", "quarantined": "QLVB.Cần kiểm tra",
           "ignored": "QLVB.Khác"}


class Recorder:
    """An SMTP server's handler that keeps every message it accepts."""

    def __init__(self) -> None:
        self.messages: list[email.message.Message] = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):  # type: ignore[no-untyped-def]
        with self.lock:
            self.messages.append(email.message_from_bytes(envelope.content))
        return "250 OK"


class SmtpServer:
    def __init__(self) -> None:
        self.port = free_port()
        self.recorder = Recorder()
        self.controller: Controller | None = None

    def start(self) -> None:
        self.controller = Controller(self.recorder, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


def imap(server: Dovecot) -> IMAPClient:
    """The test's own session on the mailbox."""
    client = IMAPClient("127.0.0.1", port=server.port, ssl=False)
    try:
        client.login(US["mailbox"], PASSWORD)
    except LoginError as exc:
        client.shutdown()
        raise AssertionError(f"{exc}; Dovecot's log: {(server.workdir / 'dovecot.log').read_text(errors='replace')[-1500:]}")
    return client


def folder_counts(server: Dovecot) -> dict[str, int]:
    client = imap(server)
    try:
        counts = {"inbox": client.folder_status("INBOX", ["MESSAGES"])[b"MESSAGES"]}
        for key, name in FOLDERS.items():
            counts[key] = client.folder_status(name, ["MESSAGES"])[b"MESSAGES"] if client.folder_exists(name) else 0
        return counts
    finally:
        client.logout()


def mails_recorded(world: World) -> int:
    """How many mails the register holds, read without taking any lock the daemon needs."""
    path = world.root / "qlvb.db"
    if not path.exists():
        return 0
    with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=10)) as db:
        try:
            return int(db.execute("SELECT count(*) FROM mails").fetchone()[0])
        except sqlite3.OperationalError:  # the schema is not there yet
            return 0


def append(server: Dovecot, *paths: Path) -> None:
    client = imap(server)
    try:
        for path in paths:
            client.append("INBOX", path.read_bytes())
    finally:
        client.logout()


def start_daemon(world: World, *, ready: bool = True, command: Sequence[str] = GATEWAY,
                 warnings: bool = False, session: bool = False) -> subprocess.Popen[str]:
    """The daemon as `qlvb-gateway run` (`command`: how the command line is started); with `ready`, once it has
    connected to its mailbox; with `warnings`, Python's warnings as a user's terminal shows them (else ignored); with
    `session`, in a process group of its own (for a signal to the whole group, as systemd sends it)."""
    env = dict(os.environ, QLVB_IMAP_PASSWORD=PASSWORD, PYTHONWARNINGS="ignore")
    if warnings:
        del env["PYTHONWARNINGS"]
    started = datetime.now(timezone.utc)
    log = world.root / f"daemon-{started.strftime('%H%M%S%f')}.log"  # a file, not a pipe nobody reads while it runs
    with log.open("w") as output:
        process = subprocess.Popen([*command, "run", "--config", str(world.config_path)],
                                   cwd=world.root, env=env, stdout=output, stderr=subprocess.STDOUT, text=True,
                                   start_new_session=session)
    process.log = log  # type: ignore[attr-defined]
    if ready:
        assert wait_for(lambda: connected_since(world, started), timeout=60), "the daemon did not connect"
    return process


def connected_since(world: World, since: datetime) -> bool:
    """Whether the daemon has recorded its mailbox connected after `since` (read straight from SQLite)."""
    import sqlite3

    try:
        with sqlite3.connect(f"file:{world.root / 'qlvb.db'}?mode=ro", uri=True, timeout=1) as db:
            rows = db.execute("SELECT connected, updated_at FROM mailbox_state").fetchall()
    except sqlite3.Error:
        return False
    return any(c and u and datetime.fromisoformat(u).replace(tzinfo=timezone.utc) >= since for c, u in rows)


def stop_daemon(process: subprocess.Popen[str]) -> str:
    process.send_signal(signal.SIGTERM)
    process.wait(timeout=60)
    err = process.log.read_text(errors="replace")  # type: ignore[attr-defined]
    assert process.returncode == 0, err[-3000:]
    return err


@pytest.fixture
def servers(world: World):  # type: ignore[no-untyped-def]
    smtp = SmtpServer()
    smtp.start()
    with dovecot((US["mailbox"], PASSWORD)) as imap_server:
        world.extra["mailboxes"] = [{
            "name": "vanthu",
            "imap": {"host": "127.0.0.1", "port": imap_server.port, "security": "none",
                     "username": US["mailbox"], "password_env": "QLVB_IMAP_PASSWORD"},
            "poll_seconds": 5,
        }]
        world.extra["smtp"] = {"host": "127.0.0.1", "port": smtp.port, "security": "none"}
        world.write_config()
        yield imap_server, smtp
    smtp.stop()


def test_mails_appended_while_it_runs_are_registered_filed_and_answered(world: World, servers) -> None:  # type: ignore[no-untyped-def]
    imap_server, smtp = servers
    signed = world.mail("signed", attachments=[("cv.pdf", world.signed("stp", world.document(number="301/STP-VP")))])
    forged = world.mail("forged", auth=None, attachments=[("cv.pdf", world.document(number="302/STP-VP"))])
    auto = world.mail("auto", headers={"Auto-Submitted": "auto-replied"})
    append(imap_server, signed)  # waiting before the gateway starts
    daemon = start_daemon(world)
    try:
        assert wait_for(lambda: folder_counts(imap_server)["accepted"] == 1, timeout=90), folder_counts(imap_server)
        append(imap_server, forged, auto)  # arriving while it runs (IDLE)
        assert wait_for(lambda: folder_counts(imap_server) == {"inbox": 0, "accepted": 1, "returned": 0,
                                                              "quarantined": 1, "ignored": 1}, timeout=90)
        # the acknowledgement to the issuer and the clerk's alert about the forged mail were sent
        assert wait_for(lambda: len(smtp.recorder.messages) >= 2, timeout=30)
    finally:
        stop_daemon(daemon)
    client = imap(imap_server)  # the clerk still sees the mails as new: \Seen was left as it was
    try:
        for name in (FOLDERS["accepted"], FOLDERS["quarantined"]):
            client.select_folder(name, readonly=True)
            assert client.search(["SEEN"]) == [] and len(client.search(["UNSEEN"])) == 1
    finally:
        client.logout()
    kinds = sorted(m["X-QLVB-Status"] or "alert" for m in smtp.recorder.messages)
    assert kinds == ["03", "alert"]
    ack = next(m for m in smtp.recorder.messages if m["X-QLVB-Status"] == "03")
    assert ack["To"] == "vanthu@sotp.bacgiang.gov.vn" and ack["Auto-Submitted"] == "auto-replied"
    from registry.models import Document

    register = world.db()
    with register.session() as s:
        assert [d.notation for d in s.scalars(select(Document)).all()] == ["301/STP-VP"]
    register.close()
    status = world.run("status", "--config", str(world.config_path), "--json").stdout
    assert '"last_uid": 3' in status and '"queued": 0' in status
    register = world.db()  # the digest jobs (and the deadline reminders') are kept in the register's database
    with register.engine.connect() as connection:
        jobs = {row[0] for row in connection.exec_driver_sql("SELECT id FROM apscheduler_jobs")}
    register.close()
    assert jobs == {"digest-11:30", "digest-16:30", "passing-reminders"}
    # the clerk releases the held mail: registered, and moved from "Cần kiểm tra" to "Đã tiếp nhận"
    os.environ["QLVB_IMAP_PASSWORD"] = PASSWORD
    try:
        held = json.loads(world.run("review", "list", "--config", str(world.config_path), "--json").stdout)
        world.run("review", "release", str(held[0]["id"]), "--config", str(world.config_path))
    finally:
        del os.environ["QLVB_IMAP_PASSWORD"]
    assert folder_counts(imap_server) == {"inbox": 0, "accepted": 2, "returned": 0, "quarantined": 0, "ignored": 1}


@pytest.mark.long
def test_it_rides_out_an_imap_restart_and_an_smtp_outage(world: World, servers) -> None:  # type: ignore[no-untyped-def]
    imap_server, smtp = servers
    mails = [world.mail(f"m{i}", attachments=[("cv.pdf", world.signed("stp", world.document(number=f"{400 + i}/STP-VP")))])
             for i in range(4)]
    daemon = start_daemon(world)
    try:
        append(imap_server, mails[0])
        assert wait_for(lambda: len(smtp.recorder.messages) == 1, timeout=90)
        imap_server.stop()  # the IMAP server goes away under the daemon, and comes back
        imap_server.start()
        append(imap_server, mails[1])
        assert wait_for(lambda: len(smtp.recorder.messages) == 2, timeout=90)
        smtp.stop()  # the SMTP server is down: answers wait in the outbox
        append(imap_server, *mails[2:])
        assert wait_for(lambda: folder_counts(imap_server)["accepted"] == 4, timeout=90)
        smtp.start()
        assert wait_for(lambda: len(smtp.recorder.messages) == 4, timeout=120)
    finally:
        stop_daemon(daemon)
    numbers = sorted(m["X-QLVB-Incoming-Number"] for m in smtp.recorder.messages)
    assert numbers == ["1", "2", "3", "4"]  # every answer once, none twice
    assert len({m["Message-ID"] for m in smtp.recorder.messages}) == 4


def test_a_local_maildir_is_watched_like_an_imap_mailbox(world: World) -> None:
    import mailbox as stdlib_mailbox

    from imapclient import imap_utf7

    smtp = SmtpServer()
    smtp.start()
    maildir_path = world.root / "Maildir"
    inbox = stdlib_mailbox.Maildir(str(maildir_path), create=True)
    world.extra["mailboxes"] = [{"name": "vanthu", "maildir": "Maildir", "poll_seconds": 2}]
    world.extra["smtp"] = {"host": "127.0.0.1", "port": smtp.port, "security": "none"}
    world.write_config()
    signed = world.mail("signed", attachments=[("cv.pdf", world.signed("stp", world.document(number="601/STP-VP")))])
    inbox.add(signed.read_bytes())
    daemon = start_daemon(world)
    try:
        accepted = inbox.get_folder(".".join(imap_utf7.encode(p).decode() for p in ("QLVB", "Đã tiếp nhận"))) \
            if wait_for(lambda: (maildir_path / (".QLVB." + imap_utf7.encode("Đã tiếp nhận").decode())).is_dir(), 60) else None
        assert accepted is not None
        assert wait_for(lambda: len(accepted) == 1 and len(inbox) == 0, timeout=60)
        inbox.add(world.mail("forged", auth=None, attachments=[("cv.pdf", world.document(number="602/STP-VP"))]).read_bytes())
        quarantined = maildir_path / (".QLVB." + imap_utf7.encode("Cần kiểm tra").decode())
        assert wait_for(lambda: len(stdlib_mailbox.Maildir(str(quarantined), create=False)) == 1, timeout=60)
        assert wait_for(lambda: len(smtp.recorder.messages) == 2, timeout=30)  # the ack and the clerk's alert
    finally:
        stop_daemon(daemon)
        smtp.stop()


@pytest.mark.long
def test_kill_9_at_random_moments_loses_nothing_and_doubles_nothing(world: World, servers) -> None:  # type: ignore[no-untyped-def]
    """The daemon (with its workers) is killed with SIGKILL at random moments while it works through
    a 400-mail backlog with answers going out, and started again: every mail ends filed once, every
    accepted one registered once, numbers without gap or repeat, every answer delivered (twice at most,
    then with one Message-ID)."""
    import random
    from datetime import timedelta

    from born_digital import numbered_document
    from gateway.config import load_config
    from gateway.outbox import LEASE, OutboxSender
    from registry.models import Document, Mail, Outbox

    imap_server, smtp = servers
    rng = random.Random(5)
    paths = []
    # small born-digital mails (60 KB), each its own document: enough for five kills (a daemon starts in about 2 s, then
    # is killed within 0.8 s of its next record) with mails left (1,000 until stop 39, the suite's longest test: 100 s)
    for i in range(400):
        kind = rng.random()
        if kind < 0.8:  # proven by the province's server (auth=pass): making DKIM signatures cost 12 ms each
            paths.append(world.mail(f"ok{i}", auth="smtp", attachments=[("cv.pdf", numbered_document(1000 + i))]))
        elif kind < 0.9:
            paths.append(world.mail(f"forged{i}", auth=None, attachments=[("cv.pdf", numbered_document(1000 + i))]))
        else:
            paths.append(world.mail(f"auto{i}", headers={"Auto-Submitted": "auto-replied"}))
    append(imap_server, *paths)
    env = dict(os.environ, QLVB_IMAP_PASSWORD=PASSWORD, PYTHONWARNINGS="ignore")
    command = [sys.executable, "-m", "gateway.cli", "run", "--config", str(world.config_path)]
    kills, recorded, midst = 0, 0, 0
    while folder_counts(imap_server)["inbox"] > 0 and kills < 5:
        process = subprocess.Popen(command, cwd=world.root, env=env, stdout=subprocess.DEVNULL,
                                   stderr=subprocess.DEVNULL, start_new_session=True)
        # a random moment of its work: once it has recorded one mail more, a random while later
        wait_for(lambda: mails_recorded(world) > recorded, timeout=60)
        wait_for(lambda: False, timeout=rng.uniform(0.0, 0.8))
        os.killpg(process.pid, signal.SIGKILL)  # the daemon and its workers, as a power cut would
        process.wait()
        recorded = mails_recorded(world)
        kills += 1
        midst += recorded < len(paths)  # killed with mails still to record
    register = world.db()

    def unsent() -> list[tuple[object, ...]]:  # a session a look: an open one would hold SQLite's write lock
        with register.session() as s:
            return [(o.id, o.state, o.attempts, o.next_attempt_at, o.last_error)
                    for o in s.query(Outbox).filter(Outbox.state != "sent")]

    def only_leased_by_the_dead() -> bool:  # what is left was taken by a killed daemon, its lease running
        return all(row[3] is not None and row[3] > datetime.now(timezone.utc) + LEASE / 4 for row in unsent())

    daemon = start_daemon(world)  # the last run finishes the work and sends what waits
    try:
        assert wait_for(lambda: folder_counts(imap_server)["inbox"] == 0, timeout=300)
        assert wait_for(only_leased_by_the_dead, timeout=120), (unsent(), daemon.log.read_text(errors="replace")[-3000:])  # type: ignore[attr-defined]
    finally:
        stop_daemon(daemon)
    # A message a killed daemon had taken goes again once its lease (2 minutes) has run out: the
    # outbox's own clock is moved past it here, where the daemon would wait those two minutes.
    config = load_config(world.config_path)
    sender = OutboxSender(register, config.smtp, config.agency.mailbox)  # type: ignore[arg-type]
    while sender.send_due(now=datetime.now(timezone.utc) + LEASE + timedelta(seconds=1)):
        pass
    assert not unsent(), unsent()
    with register.session() as s:
        documents = s.scalars(select(Document).order_by(Document.arrival_number)).all()
        mails = s.scalars(select(Mail)).all()
        outbox = s.scalars(select(Outbox)).all()
    register.close()
    counts = folder_counts(imap_server)
    assert midst >= 3, (kills, recorded)  # killed in the midst of the work
    assert sum(v for k, v in counts.items() if k != "inbox") == len(paths)  # every mail filed, once
    assert len(mails) == len(paths)  # every mail recorded once
    expected_ok = sum(1 for p in paths if p.stem.startswith("ok"))
    assert counts["accepted"] == expected_ok == len(documents)
    assert [d.arrival_number for d in documents] == list(range(1, expected_ok + 1))  # no gap, no repeat
    assert len({d.notation for d in documents}) == expected_ok  # each document once
    delivered = [m["Message-ID"] for m in smtp.recorder.messages]
    assert set(delivered) == {o.message_id for o in outbox}  # every answer delivered
    assert all(delivered.count(m) <= 2 for m in delivered)  # at worst twice, with one Message-ID


def test_an_lmtp_delivery_is_kept_before_250_then_registered_and_filed(world: World, servers) -> None:  # type: ignore[no-untyped-def]
    import smtplib

    imap_server, smtp = servers
    port = free_port()
    world.extra["listener"] = {"protocol": "lmtp", "host": "127.0.0.1", "port": port}
    world.write_config()
    signed = world.mail("lmtp", attachments=[("cv.pdf", world.signed("stp", world.document(number="901/STP-VP")))])
    daemon = start_daemon(world)
    try:
        assert wait_for(lambda: _accepts(port), timeout=60)
        with smtplib.LMTP("127.0.0.1", port) as lmtp:
            refused = lmtp.sendmail("vanthu@sotp.bacgiang.gov.vn", [US["mailbox"]], signed.read_bytes())
        assert refused == {}
        assert wait_for(lambda: folder_counts(imap_server)["accepted"] == 1, timeout=60)
        assert wait_for(lambda: len(smtp.recorder.messages) == 1, timeout=30)
    finally:
        stop_daemon(daemon)
    assert smtp.recorder.messages[0]["X-QLVB-Status"] == "03"
    assert list((world.root / "store" / "spool").glob("*.eml")) == []  # out of the spool once filed


@pytest.mark.parametrize("message_id", [True, False])
def test_an_lmtp_delivery_left_in_the_spool_by_a_crash_after_its_append_is_not_filed_twice(  # type: ignore[no-untyped-def]
        world: World, servers, message_id: bool) -> None:
    """A crash after the APPEND and before the spool file's removal left the delivery to be taken again at the next
    start: it was registered once but filed twice. Now a mail the register had is APPENDed only if its folder lacks it
    (looked for by its bytes: a mail without a Message-ID was filed twice when it was looked for by that)."""
    import smtplib

    imap_server, smtp = servers
    port = free_port()
    world.extra["listener"] = {"protocol": "lmtp", "host": "127.0.0.1", "port": port}
    world.write_config()
    signed = world.mail("lmtp", attachments=[("cv.pdf", world.signed("stp", world.document(number="902/STP-VP")))])
    if not message_id:  # (its DKIM signature no longer holds: taken on the document's signature)
        signed.write_bytes(re.sub(rb"(?m)^Message-ID: [^\r\n]*\r\n", b"", signed.read_bytes(), count=1))
        assert b"Message-ID" not in signed.read_bytes().split(b"\r\n\r\n", 1)[0]
    spool = world.root / "store" / "spool"
    daemon = start_daemon(world)
    try:
        assert wait_for(lambda: _accepts(port), timeout=60)
        with smtplib.LMTP("127.0.0.1", port) as lmtp:
            assert lmtp.sendmail("vanthu@sotp.bacgiang.gov.vn", [US["mailbox"]], signed.read_bytes()) == {}
        assert wait_for(lambda: folder_counts(imap_server)["accepted"] == 1 and not list(spool.glob("*.eml")), timeout=60)
    finally:
        stop_daemon(daemon)
    (spool / "left-by-a-crash.eml").write_bytes(signed.read_bytes())  # as the crash left it: APPENDed, not removed
    daemon = start_daemon(world)
    try:
        assert wait_for(lambda: not list(spool.glob("*.eml")), timeout=60)
    finally:
        stop_daemon(daemon)
    assert folder_counts(imap_server)["accepted"] == 1
    assert len(smtp.recorder.messages) == 1  # acknowledged once
    assert sum(folder_counts(imap_server).values()) == 1


def _accepts(port: int) -> bool:
    import socket

    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


def test_a_server_without_idle_or_move_is_polled_and_filed_by_copy(world: World) -> None:
    """An older IMAP server: no IDLE (the daemon polls every poll_seconds), no MOVE (COPY, \\Deleted, UID EXPUNGE)."""
    with dovecot((US["mailbox"], PASSWORD), capability="IMAP4rev1 LITERAL+ SASL-IR ID ENABLE UIDPLUS NAMESPACE") as server:
        world.extra["mailboxes"] = [{"name": "vanthu", "poll_seconds": 1, "imap": {
            "host": "127.0.0.1", "port": server.port, "security": "none", "username": US["mailbox"],
            "password_env": "QLVB_IMAP_PASSWORD"}}]
        world.write_config()
        client = imap(server)
        assert not client.has_capability("IDLE") and not client.has_capability("MOVE")
        client.logout()
        late = world.mail("late", attachments=[("cv.pdf", world.document(number="960/STP-VP"))])  # (its DKIM key in the config)
        daemon = start_daemon(world)
        try:
            append(server, late)
            assert wait_for(lambda: folder_counts(server) == {"inbox": 0, "accepted": 1, "returned": 0,
                                                             "quarantined": 0, "ignored": 0}, timeout=60)
        finally:
            stop_daemon(daemon)
