"""Red team 56 (nothing lost, nothing twice: what the mailbox and the operator's world do, against a real Dovecot and the
real daemon): the mail server's store restored from a snapshot with its UIDVALIDITY gives again UIDs the daemon took
in, and the mails delivered after it stayed in the inbox for ever; one mail file the server cannot read made it
refuse the batch's FETCH, taken for the network's fault: the mailbox tried the same FETCH for ever and took nothing in;
a slow mail server held up the intake, which sent the answers itself. Each failed before its fix."""

from __future__ import annotations

import email
import json
import os
import shutil
import asyncio
import sqlite3
import subprocess
import time
from contextlib import closing
from pathlib import Path

from born_digital import numbered_document
from servers import wait_for
from test_daemon import Recorder, SmtpServer, append, folder_counts, servers, start_daemon, stop_daemon  # noqa: F401
from world import US, World


def _registered(world: World) -> list[str]:
    with closing(sqlite3.connect(f"file:{world.root / 'qlvb.db'}?mode=ro", uri=True, timeout=10)) as db:
        try:
            return [n for (n,) in db.execute("SELECT notation FROM documents ORDER BY arrival_number")]
        except sqlite3.OperationalError:
            return []


def _held(world: World) -> list[str]:
    with closing(sqlite3.connect(f"file:{world.root / 'qlvb.db'}?mode=ro", uri=True, timeout=10)) as db:
        return [json.dumps(json.loads(o), ensure_ascii=False) for (o,) in
                db.execute("SELECT outcome FROM mails WHERE verdict = 'quarantined'")]


def _stored_file(maildir: Path, mail: Path) -> Path:
    message_id = email.message_from_bytes(mail.read_bytes())["Message-ID"].encode()
    [stored] = [f for f in [*(maildir / "new").iterdir(), *(maildir / "cur").iterdir()] if message_id in f.read_bytes()]
    return stored


def test_mail_after_the_server_is_restored_from_a_snapshot_is_taken_in(world: World, servers) -> None:  # type: ignore[no-untyped-def]
    imap_server, _ = servers
    maildir = imap_server.workdir / "mail" / US["mailbox"]
    world.mail("warm-up")  # Sở Tư pháp's DKIM key in the configuration before the daemon reads it
    daemon = start_daemon(world)
    try:
        append(imap_server, world.mail("a", attachments=[("cv.pdf", numbered_document(101))]))
        assert wait_for(lambda: folder_counts(imap_server)["accepted"] == 1, timeout=120)
        imap_server.stop()  # last night's snapshot of the server's disk
        subprocess.run(["cp", "-a", str(maildir), str(imap_server.workdir / "snapshot")], check=True)
        imap_server.start()
        append(imap_server, *(world.mail(f"b{n}", attachments=[("cv.pdf", numbered_document(n))]) for n in (102, 103)))
        assert wait_for(lambda: folder_counts(imap_server)["accepted"] == 3, timeout=120)
    finally:
        stop_daemon(daemon)
    imap_server.stop()  # the disk fails: the store comes back from the snapshot, its UIDVALIDITY kept
    shutil.rmtree(maildir)
    subprocess.run(["cp", "-a", str(imap_server.workdir / "snapshot"), str(maildir)], check=True)
    imap_server.start()
    # mail the server queued meanwhile is delivered before the daemon connects again (red team 59): the next UID is
    # then above the last taken in, and only a look at the whole inbox finds the mails under it
    append(imap_server, *(world.mail(f"c{n}", attachments=[("cv.pdf", numbered_document(n))]) for n in (201, 202, 203)))
    daemon = start_daemon(world)
    try:
        append(imap_server, world.mail("c204", attachments=[("cv.pdf", numbered_document(204))]))
        assert wait_for(lambda: {f"{n}/STP-VP" for n in range(201, 205)} <= set(_registered(world)), timeout=60), \
            (_registered(world), folder_counts(imap_server))
        assert folder_counts(imap_server)["inbox"] == 0
    finally:
        stop_daemon(daemon)


def test_a_mail_the_server_cannot_read_is_held_and_the_others_are_taken_in(world: World, servers) -> None:  # type: ignore[no-untyped-def]
    imap_server, _ = servers
    maildir = imap_server.workdir / "mail" / US["mailbox"]
    world.mail("warm-up")
    mails = {n: world.mail(f"m{n}", attachments=[("cv.pdf", numbered_document(n))]) for n in (301, 302, 303)}
    append(imap_server, *mails.values())
    unreadable = _stored_file(maildir, mails[302])  # by its Message-ID: the server's file names do not sort by arrival
    os.chown(unreadable, 0, 0)  # 302's file restored by root, unreadable to the server's mail user
    os.chmod(unreadable, 0o600)
    daemon = start_daemon(world)
    try:
        append(imap_server, world.mail("m304", attachments=[("cv.pdf", numbered_document(304))]))
        assert wait_for(lambda: set(_registered(world)) == {"301/STP-VP", "303/STP-VP", "304/STP-VP"}, timeout=90), \
            (_registered(world), folder_counts(imap_server))
        assert wait_for(lambda: any("máy chủ thư không trả thư" in o for o in _held(world)), timeout=30)
        assert daemon.poll() is None
    finally:
        stop_daemon(daemon)
    # the file given back to the server's mail user (a restore put right): the mail itself is taken in at the next
    # connection, the note it was held as not taken again (red team 59: it stayed a note for ever)
    owner = os.stat(maildir)
    for left in [*(maildir / "new").iterdir(), *(maildir / "cur").iterdir()]:  # where the server keeps it now
        os.chown(left, owner.st_uid, owner.st_gid)
    daemon = start_daemon(world)
    try:
        assert wait_for(lambda: "302/STP-VP" in _registered(world), timeout=60), _registered(world)
        assert len(_held(world)) == 1
    finally:
        stop_daemon(daemon)


class SlowRecorder(Recorder):
    """A mail server that takes its time over every message (a relay scanning content): accepted, a few seconds late."""

    async def handle_DATA(self, server, session, envelope):  # type: ignore[no-untyped-def]
        await asyncio.sleep(3)
        return await super().handle_DATA(server, session, envelope)


def _slow(world: World, servers):  # type: ignore[no-untyped-def]
    """The servers, the mail server made slow; Sở Tư pháp's DKIM key written before the daemon reads the configuration."""
    imap_server, smtp = servers
    smtp.stop()
    smtp.recorder = SlowRecorder()
    smtp.start()
    world.mail("warm-up")
    return imap_server, smtp


def test_a_slow_mail_server_does_not_hold_up_the_intake(world: World, servers) -> None:  # type: ignore[no-untyped-def]
    """Four mails' answers take the mail server 12 s; a mail arriving meanwhile is registered within seconds (it waited
    behind the answers, sent by the intake's own thread)."""
    imap_server, smtp = _slow(world, servers)
    daemon = start_daemon(world)
    try:
        append(imap_server, *(world.mail(f"s{n}", attachments=[("cv.pdf", numbered_document(n))]) for n in range(401, 405)))
        assert wait_for(lambda: len(_registered(world)) == 4, timeout=60)
        appended = time.monotonic()
        append(imap_server, world.mail("s405", attachments=[("cv.pdf", numbered_document(405))]))
        assert wait_for(lambda: "405/STP-VP" in _registered(world), timeout=30)
        assert time.monotonic() - appended < 6 and len(smtp.recorder.messages) < 4  # the answers still going out
        assert wait_for(lambda: len(smtp.recorder.messages) == 5, timeout=60)
    finally:
        stop_daemon(daemon)


def test_a_stop_while_answers_go_out_records_what_the_server_took(world: World, servers) -> None:  # type: ignore[no-untyped-def]
    """SIGTERM while the outbox's thread sends to a slow server: the thread was cut short after 10 s, the answers the
    server had taken still queued, and sent again after their lease (red team 59: 11 messages for 8 answers)."""
    imap_server, smtp = _slow(world, servers)
    daemon = start_daemon(world)
    try:
        append(imap_server, *(world.mail(f"t{n}", attachments=[("cv.pdf", numbered_document(n))]) for n in range(501, 509)))
        assert wait_for(lambda: len(smtp.recorder.messages) >= 1, timeout=60)
    finally:
        stop_daemon(daemon)
    taken = {m["Message-ID"] for m in smtp.recorder.messages}
    with closing(sqlite3.connect(f"file:{world.root / 'qlvb.db'}?mode=ro", uri=True, timeout=10)) as db:
        states = dict(db.execute("SELECT message_id, state FROM outbox").fetchall())
    assert taken and all(states[m] == "sent" for m in taken), (taken, states)


def test_a_batch_slower_than_its_lease_is_never_sent_twice(world: World, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """A slow mail server and a batch of answers taking longer than their lease: recorded only at the batch's end, the
    answers were claimed again by another sender once the lease of the first ran out (the daemon and a `send`, `recall`
    or `pass` at the command line, two gateways on one register) and every one went twice (red team 61). Each is now
    recorded as the server takes it, and none is begun past half its lease: what is left is given back at once."""
    import threading
    from datetime import timedelta

    from aiosmtpd.controller import Controller

    from gateway import outbox
    from gateway.config import load_config
    from registry.database import Register
    from servers import free_port

    monkeypatch.setattr(outbox, "LEASE", timedelta(seconds=8))
    world.ingest(*(world.mail(f"u{n}", attachments=[("cv.pdf", numbered_document(n))]) for n in range(601, 607)))
    handler, port = SlowRecorder(), free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        world.extra["smtp"] = {"host": "127.0.0.1", "port": port, "security": "none"}
        world.write_config()
        config = load_config(world.config_path)
        register = Register(config.database)
        senders = [outbox.OutboxSender(register, config.smtp, config.agency.mailbox) for _ in range(2)]  # type: ignore[arg-type]
        first = threading.Thread(target=senders[0].send_due)
        first.start()
        time.sleep(9)  # the first's lease run out in the middle of its batch (3 s a message)
        while senders[1].send_due() or first.is_alive():
            time.sleep(0.5)
        first.join()
        register.close()
    finally:
        controller.stop()
    ids = [m["Message-ID"] for m in handler.messages]
    assert len(ids) == 6 and len(set(ids)) == 6, ids


def test_a_mail_server_that_cannot_be_reached_is_recorded_for_each_answer(world: World) -> None:
    """No server listening: each answer's failed attempt is written down (its error, its next try a minute later), not
    left under its 2-minute lease (this stop's first per-message recording forgot the connection's refusal: the answers
    waited the lease out once the server was back)."""
    from gateway.config import load_config
    from gateway.outbox import OutboxSender
    from registry.database import Register
    from registry.models import Outbox
    from servers import free_port
    from sqlalchemy import select

    world.ingest(*(world.mail(f"v{n}", attachments=[("cv.pdf", numbered_document(n))]) for n in (701, 702)))
    world.extra["smtp"] = {"host": "127.0.0.1", "port": free_port(), "security": "none"}
    world.write_config()
    config = load_config(world.config_path)
    register = Register(config.database)
    try:
        from datetime import datetime, timedelta, timezone

        now = datetime.now(timezone.utc)
        OutboxSender(register, config.smtp, config.agency.mailbox).send_due(now=now)  # type: ignore[arg-type]
        with register.session() as s:
            rows = s.scalars(select(Outbox)).all()
            # no try of the answer's own (red team 63), asked again within the minute, not after the lease
            assert rows and all(r.attempts == 0 and r.last_error and r.next_attempt_at <= now + timedelta(minutes=1)
                                for r in rows), [(r.attempts, r.last_error, r.next_attempt_at) for r in rows]
    finally:
        register.close()
