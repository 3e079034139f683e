"""Red team 94 (2026-12-06): the latest commits attacked (the daemon's verdict log line, `main`'s one-line OSError, the
release or return said `unavailable`, the pool's handed-again jobs, the desk's digest, the disk alert, drafts).

Fixed (each test says what was observed before): a mail larger than a worker's memory given to `ingest` or held and
released was said to be the machine's failure (the worker died taking its bytes: now a death in the job; `ingest` and
`check` take a file above max_mail_mb as the daemon takes one, kept whole and read from its headers, mail-too-large);
the daemon's log line of a mail recorded before and of a duplicate; a digest waiting for another's lock said as a
register that cannot be opened; a digest the server refused left what it listed in no digest sent. Left (marked as
expected to fail): a mail above max_mail_mb, kept whole, waits for room on the store's disk, and the mail behind it."""

from __future__ import annotations

import json
import time
from pathlib import Path

from world import World


def _big_mail(world: World, name: str, megabytes: int) -> Path:
    """A sender's mail, unproven (no DKIM), of `megabytes` MB: a signed PDF and a long text attachment (base64)."""
    pdf = world.signed("stp", world.document(number=f"{name}/STP-VP"))
    path = world.mail(name, auth=None, attachments=[("cv.pdf", pdf)])
    raw = path.read_bytes()
    head, _, rest = raw.partition(b"\r\n\r\n")
    # a body padded with a comment line repeated: what a mail of scanned annexes weighs, without building it in memory
    line = b"X" * 998 + b"\r\n"
    with path.open("wb") as f:
        f.write(head + b"\r\n\r\n")
        chunk = line * 1024
        for _ in range(megabytes):
            f.write(chunk)
        f.write(rest)
    return path


def test_ingest_of_a_mail_larger_than_a_workers_memory_says_the_machine_failed_not_the_mail(world: World) -> None:
    """limits.max_mail_mb 1, worker_memory_mb 256 (its floor). `ingest` of a sender's 400 MB mail: the gateway should
    keep it unread and hold it (`mail-too-large`, as the daemon does one it streams). The CLI sends the whole mail to a
    worker; the worker cannot take 400 MB into its 256 MB room and dies receiving it; the pool takes the broken pipe for
    a worker that could not be started, twice: WorkFailure("no worker could be started", infrastructure=True), so
    WorkersUnavailable (an OSError), which `main` (new: except OSError) prints as one line, exit 1: the machine's
    failure, for a mail's size; nothing recorded, and every ingest of it the same."""
    world.extra["limits"] = {"max_mail_mb": 1, "worker_memory_mb": 256}
    world.write_config()
    path = _big_mail(world, "m940", 400)
    done = world.run("ingest", "--config", str(world.config_path), "--json", str(path), check=False, process=True)
    assert done.returncode == 0, f"exit {done.returncode}: {done.stderr[-500:]}"
    [out] = [json.loads(line) for line in done.stdout.splitlines()]
    assert out["verdict"] == "quarantined" and "mail-too-large" in [r["code"] for r in out["reasons"]]


def test_check_and_ingest_of_a_file_above_max_mail_mb_take_it_as_the_daemon_does(world: World) -> None:
    """F1's fix: `check` reads the file above limits.max_mail_mb from its headers and writes nothing; `ingest` keeps it
    whole in the store, byte for byte, under its SHA-256 (the clerk's review reads it from there)."""
    import hashlib

    world.extra["limits"] = {"max_mail_mb": 1}
    world.write_config()
    path = _big_mail(world, "m946", 3)
    store = world.root / "store"
    before = world.stored_files()
    [checked] = world.ingest(path, command="check")
    assert checked["verdict"] == "quarantined" and "mail-too-large" in [r["code"] for r in checked["reasons"]]
    assert world.stored_files() == before  # nothing written
    [ingested] = world.ingest(path)
    assert ingested["verdict"] == "quarantined" and "mail-too-large" in [r["code"] for r in ingested["reasons"]]
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    assert (store / "sha256" / digest[:2] / digest).read_bytes() == path.read_bytes()


def _daemon_took(world: World, inbox, raws: list[bytes], count: int) -> str:  # type: ignore[no-untyped-def]
    """The raws put in the Maildir, the daemon run until `count` mails are recorded: its log."""
    from servers import wait_for
    from test_daemon import mails_recorded, start_daemon, stop_daemon

    daemon = start_daemon(world)
    try:
        for raw in raws:
            inbox.add(raw)
        assert wait_for(lambda: mails_recorded(world) >= count, timeout=180), "the daemon did not record them"
        time.sleep(1)
    finally:
        log = stop_daemon(daemon)
    return log


def test_a_held_mail_too_large_cannot_be_released_or_returned_only_try_again_later(world: World) -> None:
    """A sender's 400 MB mail (nothing proves its sender) comes into the Maildir; limits.max_mail_mb 1, worker_memory_mb
    256. The daemon streams it into the store unread and holds it (`mail-too-large`). The clerk asks to release it, then
    to return it. Both send the WHOLE original to a worker (review.release, review.proven_sender: pool.map([raw])): the
    worker dies receiving it (MemoryError in recv_bytes), the pool reads the broken pipe as "no worker could be
    started" (infrastructure=True), and `_said_if_unavailable` (new) says the machine failed: exit 1, "the gateway cannot
    analyse mail now (no worker could be started); try again later", the desk "Hệ thống tạm thời không phân tích được
    thư … hãy thử lại sau và báo người quản trị" — every time, for ever, for a mail a forger sized. Expected: the mail's
    own answers, as before this change: release refused for the mail (`unanalysable`/mail-too-large: return or discard,
    exit 2); return refused as its sender is unproven (`sender-unproven`: discard it, exit 2)."""
    from test_faults_infrastructure import _maildir

    inbox = _maildir(world, limits={"max_mail_mb": 1, "worker_memory_mb": 256})
    raw = _big_mail(world, "m941", 400).read_bytes()
    _daemon_took(world, inbox, [raw], 1)
    del raw
    [held] = json.loads(world.run("review", "list", "--config", str(world.config_path), "--json").stdout)
    release = world.run("review", "release", str(held["id"]), "--config", str(world.config_path), check=False,
                        process=True)
    ret = world.run("review", "return", str(held["id"]), "--reason", "quá lớn", "--config", str(world.config_path),
                    check=False, process=True)
    assert "try again later" not in release.stderr and release.returncode == 2, \
        f"release of a mail too large: exit {release.returncode}, {release.stderr[-300:]}"
    assert "try again later" not in ret.stderr and ret.returncode == 2, \
        f"return of an unproven mail: exit {ret.returncode}, {ret.stderr[-300:]}"


def test_the_daemons_log_line_says_a_mail_recorded_before_was_numbered_again_and_a_duplicate_of_nothing(
        world: World) -> None:
    """The daemon's journal line of each mail (sources.said, new): "each document's verdict, incoming number and errors'
    codes". Mail A is registered by `ingest` (số đến 1); then A itself (a copy the server delivered again, or the daemon
    killed between its commit and its MOVE) and B, another mail carrying the same signed document, come into the Maildir.
    Nothing is numbered: A is the register's already (already_processed), B is a duplicate of 1. Observed: the journal
    says "…: accepted 1/2026" for A, word for word what it says of a document just registered (an operator counting the
    day's registrations from it counts one too many; `ingest` says "(đã xử lý trước đây: không làm gì thêm)"), and
    "…: duplicate" for B, without the line it duplicates (`ingest` says "trùng số đến 1/2026"). Expected: A's line says
    it was recorded before (nothing done), B's names the number and year it duplicates."""
    from test_faults_infrastructure import _maildir

    inbox = _maildir(world)
    pdf = world.signed("stp", world.document(number="942/STP-VP"))
    a = world.mail("a", attachments=[("cv.pdf", pdf)])
    b = world.mail("b", attachments=[("cv-gui-lai.pdf", pdf)], subject="Gửi lại văn bản 942")
    [first] = world.ingest(a)
    assert first["verdict"] == "accepted" and first["incoming_number"] == 1
    year = first["received_at"][:4]
    log = _daemon_took(world, inbox, [a.read_bytes(), b.read_bytes()], 2)
    lines = [line for line in log.splitlines() if "vanthu:" in line and ("accepted" in line or "duplicate" in line)]
    assert len(lines) == 2, log[-3000:]
    again, duplicate = lines
    assert f"1/{year}" in duplicate, f"a duplicate's line names no number: {duplicate!r}"
    assert again != again.split(": accepted")[0] + f": accepted 1/{year}", \
        f"a mail recorded before logged as a registration: {again!r}"


def test_a_digest_by_hand_while_another_holds_it_says_the_register_cannot_be_opened(world: World) -> None:
    """PostgreSQL. A digest is being made (the daemon's scheduled one, or a `digest` stopped by Ctrl-Z: here its lock
    held by another session as queue_digest takes it). The clerk runs `qlvb-gateway digest`: after 10 s (new:
    locks.hold(wait_ms=10_000)) PostgreSQL cancels the wait (LockNotAvailable, an OperationalError) and `main` prints
    "database: cannot open the register: canceling statement due to lock timeout", exit 1: the register is there and
    open, another digest is being made. Expected: one line saying another digest is being made now (try again / it
    will come), not that the register cannot be opened."""
    import psycopg

    from registry import locks
    from servers import postgres

    with postgres() as url:
        world.extra["database"] = url
        world.write_config()
        world.run("register", "list", "--config", str(world.config_path))  # the register made and migrated
        conninfo = url.replace("postgresql+psycopg://", "postgresql://")
        with psycopg.connect(conninfo) as holder:
            holder.execute("SELECT pg_advisory_xact_lock(%s)", (locks.DIGEST,))  # its transaction left open
            began = time.monotonic()
            done = world.run("digest", "--config", str(world.config_path), check=False)
            took = time.monotonic() - began
            holder.rollback()
    assert done.returncode == 1 and took < 20
    assert "cannot open the register" not in done.stderr, done.stderr[-500:]


def _refusing_smtp(refuse_first: int):  # type: ignore[no-untyped-def]
    """An SMTP server that refuses for good (552) the first `refuse_first` mails, then takes every one."""
    from aiosmtpd.controller import Controller
    from servers import free_port

    class Handler:
        seen = 0
        bodies: list[bytes] = []

        async def handle_DATA(self, server, session, envelope):  # type: ignore[no-untyped-def]
            Handler.seen += 1
            if Handler.seen <= refuse_first:
                return "552 5.2.2 mailbox full"
            Handler.bodies.append(envelope.content)
            return "250 OK"

    port = free_port()
    controller = Controller(Handler(), hostname="127.0.0.1", port=port)
    controller.start()
    return controller, port, Handler


def _send(world: World) -> None:
    from gateway.app import Gateway
    from gateway.config import load_config
    from gateway.outbox import OutboxSender

    config = load_config(world.config_path)
    gateway = Gateway.open(config)
    try:
        OutboxSender(gateway.register, config.smtp, config.agency.mailbox).send_due()
    finally:
        gateway.close()


def _texts(bodies: list[bytes]) -> str:
    import email
    sent = [email.message_from_bytes(b) for b in bodies]
    return " ".join(p.get_payload(decode=True).decode("utf-8", "replace") for m in sent for p in m.walk()
                    if not p.is_multipart())


def test_documents_of_a_digest_that_failed_are_in_no_digest_sent_and_off_the_desks_landing_page(world: World) -> None:
    """The landing page counts from the last digest SENT (queries.last_digest_sent, new); the digest itself lists what
    came since the last digest MADE (digest.queue_digest: the last `digest` audit entry). Paper document P1 registered;
    the morning digest D1 made (it lists P1); the clerks' mail server refuses it for good (550, mailbox full: the outbox
    marks it failed); P2 registered; the afternoon digest D2 made, sent. D2 lists P2 alone (since D1 was made); the
    landing page counts from D2: P1 is in no digest a clerk received, and off the landing page. Expected: what a digest
    that was never sent listed is either in the next digest (counted from the last digest sent, as the page now is)
    or stays on the landing page."""
    from datetime import date
    from sqlalchemy import select

    from registry.desk_reads import today
    from registry.models import Outbox

    controller, port, handler = _refusing_smtp(refuse_first=1)
    try:
        world.extra["smtp"] = {"host": "127.0.0.1", "port": port, "security": "none"}
        world.write_config()
        add = ("register", "add", "--config", str(world.config_path), "--issuer", "Sở Tư pháp tỉnh Bắc Giang")
        world.run(*add, "--number", "1/STP-VP", "--summary", "V/v văn bản P1 trong bản tổng hợp hỏng")
        time.sleep(1.1)
        world.run("digest", "--config", str(world.config_path))
        _send(world)  # refused for good
        time.sleep(1.1)
        world.run(*add, "--number", "2/STP-VP", "--summary", "V/v văn bản P2")
        time.sleep(1.1)
        world.run("digest", "--config", str(world.config_path))
        _send(world)  # taken
        register = world.db()
        try:
            with register.session() as s:
                states = [r.state for r in s.scalars(select(Outbox).where(Outbox.kind == "digest").order_by(Outbox.id))]
                landing = today(s, date.today())
                on_page = [d.notation for d in landing.registered]
        finally:
            register.close()
    finally:
        controller.stop()
    text = _texts(handler.bodies)
    assert states[0] == "failed" and states[-1] == "sent"
    assert "P1" in text or "1/STP-VP" in on_page, \
        "P1: listed only by a digest that was never sent, and off the landing page"


from test_faults_infrastructure import small_disk  # noqa: E402,F401  (the fixture)


def test_a_mail_above_max_mail_mb_the_store_has_no_room_for_is_hashed_not_kept_and_the_mailbox_goes_on(
        world: World, small_disk: Path) -> None:
    """`status` alerts `disk` below twice limits.max_mail_mb ("the largest mail the gateway takes needs"). But a mail
    above max_mail_mb is taken too, kept whole in the store, unread (`mail-too-large`), however large the mail server let
    it be. max_mail_mb 2 (alert below 4 MB), the store's disk with 7 MB free: `status` exits 0, no alert. A sender's
    mail of 9 MB comes, then a good mail: the streamed copy failed (ENOSPC, the infrastructure's), the mail was left for
    later for ever and the good mail behind it waited with it. Now a mail the store's disk has no room for (beside what
    the mails after it need) is only hashed, held for the clerk with `mail-too-large`, not stored (the mail server keeps
    it, in its quarantine folder), and the good mail after it is registered."""
    import sqlite3
    from contextlib import closing

    from servers import wait_for
    from test_daemon import mails_recorded, start_daemon, stop_daemon
    from test_faults_infrastructure import _fill, _good, _maildir
    from test_redteam92 import _leave_free

    inbox = _maildir(world, limits={"max_mail_mb": 2})
    big = _big_mail(world, "m944", 9).read_bytes()
    [good] = _good(world, 945)
    daemon = start_daemon(world)
    try:
        filler = _fill(small_disk)
        _leave_free(small_disk, filler, 7 * 2**20)
        inbox.add(big)
        time.sleep(1)
        inbox.add(good)
        wait_for(lambda: mails_recorded(world) >= 2, timeout=20)  # the poll is 1 s
        assert daemon.poll() is None
    finally:
        stop_daemon(daemon)
    with closing(sqlite3.connect(world.root / "qlvb.db")) as db:
        rows = db.execute("SELECT message_id, verdict, stored, size FROM mails ORDER BY id").fetchall()
    (_, big_verdict, big_stored, big_size), (_, good_verdict, good_stored, _) = rows
    assert (big_verdict, big_stored, big_size) == ("quarantined", 0, len(big))
    assert (good_verdict, good_stored) == ("accepted", 1)
    assert not list(small_disk.rglob(".tmp-*")), "a part of the big mail left on the full disk"
    kept = [p.parent.parent.name for p in (world.root / "Maildir").rglob("*") if p.is_file() and p.stat().st_size == len(big)]
    assert kept == [".QLVB.C&Hqc-n ki&HsM-m tra"], "the mail server keeps it, in the folder of mail to check"
