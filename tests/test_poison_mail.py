"""No mail can stop the gateway (issue 11). The mails that did, each through the real command line
beside good mail: the good ones registered in order, the bad ones quarantined (`processing-failed`
and the exception's class, the original kept, the clerk alerted) or taken as they are (a date out
of range ignored, a value too long for its column cut to fit, on PostgreSQL); a mail begun twice
by a process that died under it is quarantined at the next start, without its steps."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import time

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from sqlalchemy import select, text

import poison
from gateway.directory import AgencyEntry, Directory
from servers import postgres, wait_for
from world import STP, World


def write(w: World, name: str, raw: bytes):  # type: ignore[no-untyped-def]
    path = w.root / "mails" / f"{name}.eml"
    path.parent.mkdir(exist_ok=True)
    path.write_bytes(raw)
    return path


def reasons(output: dict) -> list[tuple[str, str]]:  # type: ignore[type-arg]
    return [(r["code"], r.get("detail", "")) for r in output["reasons"]]


def test_a_parent_line_with_tinh_in_lower_case_names_the_agency() -> None:
    stp = AgencyEntry("000.00.14.H06", "Sở Tư pháp tỉnh Bắc Giang", STP, (), ())
    directory = Directory([stp])
    assert directory.by_issuer("SỞ TƯ PHÁP", "ỦY BAN NHÂN DÂN Tỉnh BẮC GIANG") == stp
    assert directory.by_issuer("SỞ TƯ PHÁP", "ỦY BAN NHÂN DÂN tỉnh Bắc Giang") == stp
    assert directory.by_issuer("SỞ TƯ PHÁP", "BỘ TƯ PHÁP") is None


@pytest.mark.parametrize("command", ["check", "ingest"])
def test_the_crashers_among_good_mail_each_get_a_verdict(world: World, command: str) -> None:
    good = [world.mail(f"good{i}", attachments=[("cv.pdf", world.signed("stp", world.document(number=f"{50 + i}/STP-VP")))])
            for i in range(2)]
    nested = write(world, "nested", poison.nested_multiparts())
    y9999 = write(world, "y9999", poison.dated_9999())
    tinh = write(world, "tinh", poison.lowercase_tinh_parent(world))
    outputs = world.ingest(good[0], nested, y9999, tinh, good[1], command=command)
    by_file = {o["file"].rsplit("/", 1)[1]: o for o in outputs}
    assert list(by_file) == ["good0.eml", "nested.eml", "y9999.eml", "tinh.eml", "good1.eml"]  # nothing aborted the batch
    # the worker cannot read it (too deep): held for the clerk whatever it says of itself (Auto-Submitted);
    # the main process never parses it again (it did, as a delivery report: a RecursionError there stopped the daemon)
    nested_out = by_file["nested.eml"]
    assert nested_out["verdict"] == "quarantined"
    assert reasons(nested_out)[0][0] == "processing-failed" and "recursion" in str(nested_out)
    if command == "ingest":
        assert nested_out["replies"] == [{"kind": "alert", "to": world.config_dict()["notify"]["clerk"][0]}]
    assert by_file["y9999.eml"]["verdict"] == "quarantined" and not by_file["y9999.eml"]["delivered_at"].startswith("9999")
    assert "processing-failed" not in [c for c, _ in reasons(by_file["y9999.eml"])]  # judged as any mail: no document
    assert by_file["tinh.eml"]["verdict"] == "accepted"
    if command == "ingest":
        assert [by_file[n]["incoming_number"] for n in ("good0.eml", "tinh.eml", "good1.eml")] == [1, 2, 3]
        from registry.models import Mail
        from registry.store import ContentStore

        register = world.db()
        with register.session() as s:
            held = s.scalars(select(Mail).where(Mail.verdict == "quarantined")).all()
            attempts = s.execute(text("SELECT count(*) FROM mail_attempts")).scalar()
        register.close()
        nested_row = next(m for m in held if m.message_id == "<nested@sotp.bacgiang.gov.vn>")
        assert nested_row.review == "waiting"  # on the clerk's list
        assert ContentStore(world.root / "store").get(nested_row.sha256) == nested.read_bytes()  # its bytes kept
        assert attempts == 0  # every mail finished


def test_values_too_long_for_postgresql_are_cut_with_a_note(world: World) -> None:
    long_id = write(world, "long-id", poison.long_message_id(world))
    long_name = write(world, "long-name", poison.long_attachment_name(world))
    nul = write(world, "nul", poison.nul_in_subject())
    with postgres() as url:
        world.extra["database"] = url
        world.write_config()
        outputs = world.ingest(long_id, long_name, nul)
        again = world.ingest(long_id, long_name, nul)  # the same mails once more: recognised, nothing twice
        from registry.database import Register
        from registry.models import AuditEntry, DocumentFile, Document, Mail

        register = Register(url)
        with register.session() as s:
            mails = {m.subject: m for m in s.scalars(select(Mail)).all()}
            files = s.scalars(select(DocumentFile)).all()
            numbers = s.scalars(select(Document.arrival_number).order_by(Document.arrival_number)).all()
            notes = [e.details for e in s.scalars(select(AuditEntry).where(AuditEntry.action == "value-truncated"))]
        register.close()
    assert [o["verdict"] for o in outputs] == ["accepted", "accepted", "quarantined"]
    assert [o.get("already_processed") for o in again] == [True, True, True]
    assert numbers == [1, 2]
    assert mails["long-id"].message_id.endswith("@no-message-id.qlvb>")  # no line holds it: one made from its bytes
    name = next(f.filename for f in files if f.mail_id == mails["long-name"].id)
    assert len(name) == 500 and name.startswith("công văn công văn")
    assert "\x00" not in next(k for k in mails if k and "nul" in k)
    assert [(n["table"], n["column"], n["kept"]) for n in notes] == [("document_files", "filename", 500)]
    assert notes[0]["length"] > 500 and notes[0]["sha256"]  # the whole length, and the file it was


def test_a_mail_begun_twice_by_a_process_that_died_is_quarantined_at_the_third(world: World) -> None:
    """The process dies (SIGKILL, as the OOM killer or a power cut would) twice while it records
    the mail; the third start quarantines it at once, without its steps, and goes on with the next."""
    first = world.mail("first", attachments=[("cv.pdf", world.signed("stp", world.document(number="61/STP-VP")))])
    stuck = world.mail("stuck", attachments=[("cv.pdf", world.signed("stp", world.document(number="62/STP-VP")))])
    after = world.mail("after", attachments=[("cv.pdf", world.signed("stp", world.document(number="63/STP-VP")))])
    with postgres() as url:
        world.extra["database"] = url
        world.write_config()
        assert world.ingest(first)[0]["incoming_number"] == 1
        from sqlalchemy import create_engine

        engine = create_engine(url.replace("postgresql+psycopg", "postgresql+psycopg"))
        command = [sys.executable, "-m", "gateway.cli", "ingest", "--config", str(world.config_path), "--json",
                   str(stuck), str(after)]
        for attempt in (1, 2):
            with engine.connect() as holder:  # the number series held: the mail's transaction waits on it
                holder.execute(text("SELECT last FROM number_series FOR UPDATE"))
                process = subprocess.Popen(command, cwd=world.root, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                           start_new_session=True, env=dict(os.environ, PYTHONWARNINGS="ignore"))

                def begun() -> bool:
                    with engine.connect() as look:
                        return look.execute(text("SELECT attempts FROM mail_attempts")).scalar() == attempt

                assert wait_for(begun, timeout=60)
                time.sleep(0.3)
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
                holder.rollback()
        done = world.run(*command[3:], check=False)  # the third start, in process
        with engine.connect() as look:
            left = look.execute(text("SELECT count(*) FROM mail_attempts")).scalar()
            numbers = look.execute(text("SELECT arrival_number, notation FROM documents ORDER BY 1")).all()
        engine.dispose()
    outputs = [json.loads(line) for line in done.stdout.splitlines()]
    assert done.returncode == 0, done.stderr[-2000:]
    assert [o["verdict"] for o in outputs] == ["quarantined", "accepted"]
    assert reasons(outputs[0])[0][0] == "processing-failed" and "2 lần xử lý không xong" in str(outputs[0])
    assert [tuple(n) for n in numbers] == [(1, "61/STP-VP"), (2, "63/STP-VP")]  # no gap: the stuck one took none
    assert left == 0


# ---- the daemon over a backlog of poison ---------------------------------------------------------
def _backlog(w: World, hostile: list[bytes]) -> tuple[list[tuple[str, bytes]], list[str]]:
    """Good mail mixed with every crasher and the hostile MIME drawn: (name, bytes) in delivery order,
    and the good documents' numbers in that order."""
    def good(i: int) -> tuple[str, bytes]:
        return f"good{i}", w.mail(f"good{i}", attachments=[("cv.pdf", w.signed("stp", w.document(number=f"{70 + i}/STP-VP")))]).read_bytes()

    mails = [good(0), ("nested", poison.nested_multiparts()), good(1), ("y9999", poison.dated_9999()),
             ("long-id", poison.long_message_id(w)), ("long-name", poison.long_attachment_name(w)), good(2),
             ("nul", poison.nul_in_subject()), ("tinh", poison.lowercase_tinh_parent(w))]
    for i, raw in enumerate(hostile):  # after From and To, a Message-ID to know it by, then the drawn rest
        head, rest = raw.split(b"MIME-Version: 1.0\r\n", 1)
        mails.append((f"hostile{i}", head + f"Message-ID: <hostile-{i}@evil.example>\r\n".encode() + rest))
    mails.append(good(3))
    documents = ["70/STP-VP", "71/STP-VP", "901/STP-VP", "902/STP-VP", "72/STP-VP", "903/STP-VP", "73/STP-VP"]
    return mails, documents


def _registered(w: World) -> list[str]:
    from registry.models import Document

    register = w.db()
    with register.session() as s:
        rows = s.scalars(select(Document).order_by(Document.arrival_number)).all()
    register.close()
    assert [d.arrival_number for d in rows] == list(range(1, len(rows) + 1))
    return [d.notation for d in rows]


SETTINGS = settings(max_examples=1, derandomize=True, phases=[Phase.generate], deadline=None,
                    suppress_health_check=list(HealthCheck))


@SETTINGS
@given(hostile=st.lists(poison.hostile_mime(), min_size=5, max_size=5))
def test_the_daemon_over_imap_files_every_poison_mail_and_registers_the_good_in_order(world: World, hostile) -> None:  # type: ignore[no-untyped-def]
    from test_daemon import SmtpServer, append, folder_counts, imap, start_daemon, stop_daemon
    from servers import dovecot
    from test_daemon import PASSWORD
    from world import US

    mails, documents = _backlog(world, [h.replace(b"\x00", b"") for h in hostile])  # IMAP carries no NUL
    smtp = SmtpServer()
    smtp.start()
    with dovecot((US["mailbox"], PASSWORD)) as server:
        world.use_servers(server.port, smtp.port, poll_seconds=2)
        world.write_config()
        client = imap(server)
        for _, raw in mails:
            client.append("INBOX", raw)
        client.logout()
        daemon = start_daemon(world)
        try:
            assert wait_for(lambda: folder_counts(server)["inbox"] == 0, timeout=120), folder_counts(server)
            assert daemon.poll() is None  # still running
            late = world.mail("late", attachments=[("cv.pdf", world.signed("stp", world.document(number="74/STP-VP")))])
            append(server, late)  # and still taking mail in
            assert wait_for(lambda: folder_counts(server)["accepted"] >= len(documents) + 1, timeout=60)
            counts = folder_counts(server)
        finally:
            log = stop_daemon(daemon)
    smtp.stop()
    assert sum(v for k, v in counts.items() if k != "inbox") == len(mails) + 1  # every mail filed, once
    assert _registered(world) == [*documents, "74/STP-VP"]  # the good ones, in their order
    assert "analysis failed (recursion); quarantined" in log  # the operator reads why


@SETTINGS
@given(hostile=st.lists(poison.hostile_mime(), min_size=5, max_size=5))
def test_the_daemon_over_a_maildir_files_every_poison_mail_and_skips_what_is_not_mail(world: World, hostile) -> None:  # type: ignore[no-untyped-def]
    import mailbox as stdlib_mailbox

    from test_daemon import start_daemon, stop_daemon

    mails, documents = _backlog(world, hostile)
    inbox = stdlib_mailbox.Maildir(str(world.root / "Maildir"), create=True)
    world.extra["mailboxes"] = [{"name": "vanthu", "maildir": "Maildir", "poll_seconds": 1}]
    world.write_config()
    start = time.time() - 3600
    for i, (_, raw) in enumerate(mails):  # delivered a second apart, in this order
        key = inbox.add(raw)
        os.utime(world.root / "Maildir" / "new" / key, (start + i, start + i))
    (world.root / "Maildir" / "new" / "1700000000.notmail.host").write_bytes(poison.not_a_mail())
    (world.root / "Maildir" / "new" / "1700000001.empty.host").write_bytes(b"")
    daemon = start_daemon(world)
    try:
        assert wait_for(lambda: len(list((world.root / "Maildir" / "new").iterdir())) == 2
                        and not list((world.root / "Maildir" / "cur").iterdir()), timeout=120)
        late = world.mail("late", attachments=[("cv.pdf", world.signed("stp", world.document(number="74/STP-VP")))])
        inbox.add(late.read_bytes())
        assert wait_for(lambda: len(list((world.root / "Maildir" / "new").iterdir())) == 2 and "74/STP-VP" in _registered(world),
                        timeout=60)
        assert daemon.poll() is None
    finally:
        log = stop_daemon(daemon)
    filed = sum(len(list((world.root / "Maildir" / d / sub).iterdir())) for d in os.listdir(world.root / "Maildir")
                if d.startswith(".QLVB.") for sub in ("new", "cur"))
    assert filed == len(mails) + 1  # every mail filed, once; the two files that are no mail left where they were
    assert _registered(world) == [*documents, "74/STP-VP"]
    assert log.count("is not a mail") == 2  # one warning each, not one a poll


# ---- every hostile mail recorded, in process, on PostgreSQL ----------------------------------------
@pytest.fixture(scope="module")
def on_postgresql(tmp_path_factory, province):  # type: ignore[no-untyped-def]
    """A gateway on PostgreSQL opened in this process (the worker's analysis run here, as the worker
    would, its exception a WorkFailure), and the mails recorded so far."""
    from gateway.app import Gateway
    from gateway.config import load_config
    from gateway.intake.analysis import Analyser
    from gateway.intake.pipeline import Intake
    from world import make_world

    pki, signers, stranger = province
    w = make_world(tmp_path_factory.mktemp("hostile"), pki, signers, stranger)
    with postgres() as url:
        w.extra["database"] = url
        w.write_config()
        gateway = Gateway.open(load_config(w.config_path))
        pool = gateway.worker_pool(size=1)  # never started: the analysis runs here
        try:
            yield Intake(gateway, pool), Analyser(gateway.analysis_settings())
        finally:
            pool.close()
            gateway.close()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(raw=poison.hostile_mime(), number=st.integers(0, 10**9))
def test_every_hostile_mail_is_recorded_with_a_verdict_on_postgresql(on_postgresql, raw: bytes, number: int) -> None:  # type: ignore[no-untyped-def]
    from gateway.intake.pipeline import IncomingMail
    from gateway.workers import WorkFailure
    from registry.models import Mail

    intake, analyser = on_postgresql
    head, rest = raw.split(b"MIME-Version: 1.0\r\n", 1)
    raw = head + f"Message-ID: <hostile-{number}@evil.example>\r\n".encode() + rest
    try:
        result = analyser.analyse(raw)
    except (Exception, RecursionError) as exc:
        result = WorkFailure(type(exc).__name__)
    outcome = intake.handle(IncomingMail(f"hostile:{number}", raw), result, record=True)  # never raises
    assert outcome.documents and outcome.verdict in {"accepted", "returned", "quarantined", "duplicate", "ignored"}
    with intake.gw.register.session() as s:  # recorded: on the register, and the clerk's if held
        assert s.scalars(select(Mail).where(Mail.sha256 == hashlib.sha256(raw).hexdigest())).first() is not None
