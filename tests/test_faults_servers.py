"""Faults against the real servers, and afterwards nothing lost, nothing registered twice, nothing
answered twice, numbers without gaps: Dovecot stopped in the middle of a FETCH and of a MOVE and
started again; the SMTP server answering 4xx for ten minutes (the outbox's own clock, stepped), then
5xx for one recipient; the year turning at midnight of 31 December in Vietnam."""

from __future__ import annotations

import email
import json
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select

from born_digital import numbered_document
from imap_relay import ImapRelay
from servers import Dovecot, dovecot, free_port, wait_for
from test_daemon import PASSWORD, SmtpServer, folder_counts, imap, mails_recorded, start_daemon, stop_daemon
from world import STC, STP, US, World

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")


def counts_or_none(server: Dovecot) -> dict[str, int] | None:
    try:
        return folder_counts(server)
    except Exception:  # the server is down at this moment
        return None


def backlog(world: World, count: int, first: int = 1000) -> list[Path]:
    """`count` small mails: born-digital documents from Sở Tư pháp's mailbox (DKIM) with a few forged and automatic ones."""
    paths = []
    for i in range(count):
        if i % 10 == 7:
            paths.append(world.mail(f"forged{i}", auth=None, attachments=[("cv.pdf", numbered_document(first + i))]))
        elif i % 10 == 9:
            paths.append(world.mail(f"auto{i}", headers={"Auto-Submitted": "auto-replied"}))
        else:
            paths.append(world.mail(f"ok{i}", attachments=[("cv.pdf", numbered_document(first + i))]))
    return paths


def append_all(server: Dovecot, paths: list[Path], when: list[datetime] | None = None) -> None:
    client = imap(server)
    try:
        for i, path in enumerate(paths):
            client.append("INBOX", path.read_bytes(), msg_time=when[i] if when else None)
    finally:
        client.logout()


def assert_nothing_lost_or_doubled(world: World, server: Dovecot, smtp: SmtpServer, paths: list[Path]) -> None:
    """Every mail filed once and recorded once, every accepted one registered once with numbers
    1..n, every answer delivered exactly once."""
    from registry.models import Document, Mail, Outbox

    counts = folder_counts(server)
    assert counts["inbox"] == 0 and sum(counts.values()) == len(paths), counts
    ok = sum(1 for p in paths if p.stem.startswith("ok"))
    assert counts["accepted"] == ok
    assert counts["quarantined"] == sum(1 for p in paths if p.stem.startswith("forged"))
    register = world.db()
    try:
        with register.session() as s:
            documents = s.scalars(select(Document).order_by(Document.arrival_number)).all()
            assert s.query(Mail).count() == len(paths)
            outbox = s.scalars(select(Outbox)).all()
    finally:
        register.close()
    assert [d.arrival_number for d in documents] == list(range(1, ok + 1))
    assert len({d.notation for d in documents}) == ok
    assert wait_for(lambda: len(smtp.recorder.messages) >= len(outbox), timeout=60)
    delivered = [m["Message-ID"] for m in smtp.recorder.messages]
    assert sorted(delivered) == sorted(o.message_id for o in outbox)  # each answer once, none twice
    acks = sorted(int(m["X-QLVB-Incoming-Number"]) for m in smtp.recorder.messages if m["X-QLVB-Status"] == "03")
    assert acks == list(range(1, ok + 1))


@pytest.fixture
def behind_a_faulty_link(world: World):  # type: ignore[no-untyped-def]
    """Dovecot, the SMTP server, and the daemon's configuration pointing at a relay that will stop Dovecot."""
    smtp = SmtpServer()
    smtp.start()
    links: list[ImapRelay] = []
    with dovecot((US["mailbox"], PASSWORD)) as server:
        def link(command: bytes, moment: str, nth: int = 1) -> ImapRelay:
            relay = ImapRelay(server)
            relay.fault(command, moment, nth)
            links.append(relay)
            world.extra["mailboxes"] = [{
                "name": "vanthu", "poll_seconds": 5,
                "imap": {"host": "127.0.0.1", "port": relay.port, "security": "none",
                         "username": US["mailbox"], "password_env": "QLVB_IMAP_PASSWORD"},
            }]
            world.extra["smtp"] = {"host": "127.0.0.1", "port": smtp.port, "security": "none"}
            world.write_config()
            return relay

        yield server, smtp, link
        for relay in links:
            relay.close()
    smtp.stop()


@pytest.mark.parametrize("command, moment, nth", [
    (b" UID FETCH ", "during", 2),  # the second batch half sent
    (b" UID MOVE ", "before", 1),  # registered, not yet moved
    (b" UID MOVE ", "after", 1),  # moved, the daemon never told
])
def test_dovecot_stopped_mid_command_and_started_again(world: World, behind_a_faulty_link, command, moment, nth) -> None:  # type: ignore[no-untyped-def]
    server, smtp, link = behind_a_faulty_link
    relay = link(command, moment, nth)
    paths = backlog(world, 30)
    append_all(server, paths)
    daemon = start_daemon(world)
    try:
        assert relay.restarted.wait(timeout=90), "the fault never came"
        if moment == "before":  # registered, nothing moved yet
            assert relay.at_fault["filed"] == 0 and mails_recorded(world) > 0
        elif moment == "after":  # the server moved them and went away before saying so
            assert relay.at_fault["filed"] > 0 and relay.at_fault["inbox"] < len(paths)
        assert wait_for(lambda: (counts_or_none(server) or {}).get("inbox") == 0
                        and sum((counts_or_none(server) or {}).values()) == len(paths), timeout=90), counts_or_none(server)
        assert_nothing_lost_or_doubled(world, server, smtp, paths)
        assert wait_for(lambda: _recovered(world), timeout=30)  # and status says so
    finally:
        stop_daemon(daemon)


def _recovered(world: World) -> bool:
    mailbox = json.loads(world.run("status", "--config", str(world.config_path), "--json").stdout)["mailboxes"][0]
    return bool(mailbox["connected"]) and mailbox["failing_since"] is None and mailbox["error"] is None


# ---- SMTP: 4xx for ten minutes, then 5xx for one recipient ----------------------------------------
class Moody:
    """An SMTP server's handler answering as the test needs: 451 at RCPT, 452 at DATA (after the
    message was sent), or 250 except 550 for one recipient."""

    def __init__(self) -> None:
        self.mode = "rcpt-451"
        self.refused: str | None = None
        self.messages: list[email.message.Message] = []

    async def handle_MAIL(self, server, session, envelope, address, mail_options):  # type: ignore[no-untyped-def]
        if self.mode == "mail-530":  # our account refused (its password changed, the server's policy)
            return "530 5.7.0 Authentication required"
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # type: ignore[no-untyped-def]
        if self.mode == "rcpt-451":
            return "451 4.3.0 Hệ thống bận, thử lại sau"
        if address == self.refused:
            return "550 5.1.1 Hộp thư không tồn tại"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # type: ignore[no-untyped-def]
        if self.mode == "data-452":
            return "452 4.3.1 Hết chỗ lưu, thử lại sau"
        self.messages.append(email.message_from_bytes(envelope.content))
        return "250 OK"


def test_the_mail_server_down_for_three_days_loses_no_answer(world: World) -> None:
    """Red team 63: the submission server unreachable for about six hours failed every queued message for good (each
    refused connection counted as a try of each message, and 12 tries with the backoff were 5.7 hours), and nothing
    could send them again. A message never put to the server is no try: asked again each minute, delivered once the
    server is back, days later, as one the server refused at MAIL FROM for our account (red team 66); one the server
    takes and cannot deliver is given up after 12 tries AND two days."""
    from gateway.config import load_config
    from gateway.outbox import OutboxSender
    from registry.database import Register
    from registry.models import Outbox

    port = free_port()  # nothing listens there yet
    world.extra["smtp"] = {"host": "127.0.0.1", "port": port, "security": "none"}
    world.extra["monitoring"] = {"alert_after_seconds": 1}  # the outage's days are the outbox's clock, not status's
    world.write_config()
    [verdict] = world.ingest(world.mail("stp", attachments=[("cv.pdf", numbered_document(700))]))
    assert verdict["verdict"] == "accepted"
    config = load_config(world.config_path)
    register = Register(config.database)
    sender = OutboxSender(register, config.smtp, config.agency.mailbox)  # type: ignore[arg-type]
    start = datetime.now(timezone.utc)

    def rows() -> list[tuple[str, int]]:  # the answers (the clerk's digests aside)
        with register.session() as s:
            return [(r.state, r.attempts) for r in s.scalars(select(Outbox).where(Outbox.kind != "digest").order_by(Outbox.id))]

    for minutes in range(0, 3 * 24 * 60, 30):  # three days of the daemon's loop, the server down
        sender.send_due(now=start + timedelta(minutes=minutes))
    assert rows() == [("queued", 0)]
    time.sleep(1)
    done = world.run("status", "--config", str(world.config_path), "--json", check=False)
    status = json.loads(done.stdout)
    assert [r["attempts"] for r in status["outbox"]["retrying"]] == [0] and status["outbox"]["retrying"][0]["error"]
    # the operator alerted (exit 4), as for a mailbox failing longer than the threshold (red team 69: exit 0, no alert)
    assert done.returncode == 4 and [a["mailbox"] for a in status["alerts"]] == ["smtp"]
    from gateway.metrics import RegisterCollector  # and Prometheus: how long the oldest answer has waited

    [waiting] = [m for m in RegisterCollector(config.database).collect() if m.name == "qlvb_outbox_untried_seconds"]
    assert waiting.samples[0].value >= 1
    handler = Moody()
    handler.mode = "mail-530"  # back, refusing our account at MAIL FROM (red team 66: failed for good at once)
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        for minutes in range(0, 3 * 24 * 60, 30):
            sender.send_due(now=start + timedelta(days=3, minutes=minutes))
        assert rows() == [("queued", 0)] and handler.messages == []
        handler.mode = "open"  # the operator mends the account
        assert sender.send_due(now=start + timedelta(days=6, minutes=1)) == 1
        assert rows() == [("sent", 1)] and len(handler.messages) == 1
        world.ingest(world.mail("stp2", attachments=[("cv.pdf", numbered_document(701))]))
        handler.mode = "rcpt-451"  # taken, not deliverable yet: 12 tries (5.7 hours) are not yet two days
        queued = datetime.now(timezone.utc)  # the outbox's clock from the second answer's queueing
        world.run("digest", "--config", str(world.config_path))  # the clerk's digest of the day it was queued
        for minutes in range(0, 47 * 60, 30):
            sender.send_due(now=queued + timedelta(minutes=minutes))
        state, attempts = rows()[1]
        assert state == "queued" and attempts >= 12
        sender.send_due(now=queued + timedelta(days=2, hours=5))  # past two days, its next try: given up (status tells)
        assert rows()[1][0] == "failed"
        # and the clerk's next digest lists it, queued before the last digest (red team 69: listed never)
        world.run("digest", "--config", str(world.config_path))
        with register.session() as s:
            last = s.scalars(select(Outbox).where(Outbox.kind == "digest").order_by(Outbox.id.desc())).first()
            assert last is not None and "451" in email.message_from_bytes(last.raw).get_payload(decode=True).decode()
    finally:
        controller.stop()
        register.close()


def test_smtp_4xx_for_ten_minutes_then_5xx_for_one_recipient(world: World) -> None:
    from gateway.config import load_config
    from gateway.outbox import OutboxSender
    from registry.database import Register
    from registry.models import AuditEntry, Outbox

    handler = Moody()
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        world.extra["smtp"] = {"host": "127.0.0.1", "port": port, "security": "none"}
        world.write_config()
        stp = [world.mail(f"stp{i}", attachments=[("cv.pdf", numbered_document(700 + i))]) for i in range(3)]
        stc = [world.mail(f"stc{i}", sender=STC, attachments=[("cv.pdf", world.document(
            issuer="SỞ TÀI CHÍNH", number=f"{80 + i}/STC-VP"))]) for i in range(2)]
        forged = world.mail("forged", auth=None, attachments=[("cv.pdf", numbered_document(799))])
        outputs = world.ingest(*stp, *stc, forged)
        assert [o["verdict"] for o in outputs] == ["accepted"] * 5 + ["quarantined"]
        config = load_config(world.config_path)
        register = Register(config.database)
        sender = OutboxSender(register, config.smtp, config.agency.mailbox)  # type: ignore[arg-type]
        start = datetime.now(timezone.utc)

        def run(first: int, last: int, step: int = 5) -> None:  # the outbox's clock, stepped as the daemon's loop would
            for second in range(first, last + 1, step):
                sender.send_due(now=start + timedelta(seconds=second))

        def rows() -> list[Outbox]:
            with register.session() as s:
                return s.scalars(select(Outbox).order_by(Outbox.id)).all()

        run(0, 299)
        handler.mode = "data-452"  # the second five minutes: refused after the message was sent
        run(300, 599)
        # ten minutes of 4xx: tried at 0, 10, 30, 70, 150 and 310 s (10 s doubling), still waiting, none delivered
        assert handler.messages == []
        assert [(r.state, r.attempts) for r in rows()] == [("queued", 6)] * 6
        assert all("452" in (r.last_error or "") for r in rows())
        # what the operator sees meanwhile (a newcomer saw only "queued: 10", the SMTP server's refusals nowhere)
        status = json.loads(world.run("status", "--config", str(world.config_path), "--json").stdout)
        assert [(r["attempts"], "452" in r["error"]) for r in status["outbox"]["retrying"]] == [(6, True)] * 6
        assert "đang chờ gửi lại" in world.run("status", "--config", str(world.config_path)).stdout
        handler.mode, handler.refused = "open", STC  # the server is back; Sở Tài chính's mailbox refuses
        run(600, 24 * 3600, step=300)  # a day later: everything due was sent, the refused ones not tried again
        final = rows()
        assert sorted((r.recipient, r.state) for r in final) == sorted(
            [(STP, "sent")] * 3 + [(STC, "failed")] * 2 + [(US["mailbox"], "sent")])
        assert all(r.attempts == 7 for r in final)  # once more each after the outage, then never again
        assert all("550" in (r.last_error or "") for r in final if r.state == "failed")
        delivered = [m["Message-ID"] for m in handler.messages]
        assert sorted(delivered) == sorted(r.message_id for r in final if r.state == "sent")  # each once
        with register.session() as s:
            assert s.query(AuditEntry).filter(AuditEntry.action == "outbox-failed").count() == 2
        register.close()
        status = json.loads(world.run("status", "--config", str(world.config_path), "--json").stdout)
        assert status["outbox"]["queued"] == 0 and status["outbox"]["failed"] == 2
        assert {f["to"] for f in status["outbox"]["failures"]} == {STC} and status["outbox"]["retrying"] == []
    finally:
        controller.stop()


# ---- the year turning at midnight of 31 December (Asia/Ho_Chi_Minh) ------------------------------
def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=VIETNAM)


def register_lines(world: World) -> list[tuple[int, int, str]]:
    out = world.run("register", "list", "--config", str(world.config_path), "--json").stdout
    lines = [json.loads(line) for line in out.splitlines() if line.strip()]
    return [(line["year"], line["incoming_number"], line["number"]) for line in lines]


def test_midnight_of_31_december_starts_number_1_of_the_new_year_once(world: World) -> None:
    """Mails delivered (IMAP INTERNALDATE) one second either side of midnight, office hours open round the
    clock on both days: the last of 2025 takes the next number of 2025, the first of 2026 number 1, once,
    across a restart of the daemon."""
    smtp = SmtpServer()
    smtp.start()
    with dovecot((US["mailbox"], PASSWORD)) as server:
        world.use_servers(server.port, smtp.port, poll_seconds=5)
        world.extra["office_hours"] = {"days": ["mon", "tue", "wed", "thu", "fri", "sat", "sun"], "start": "00:00",
                                       "end": "23:59:59.999999", "extra_workdays": ["2025-12-31", "2026-01-01"]}
        world.write_config()
        when = [at("2025-12-31T09:00:00"), at("2025-12-31T23:59:59"), at("2026-01-01T00:00:01"), at("2026-01-01T00:00:02")]
        mails = [world.mail(f"ok{i}", date=w, attachments=[("cv.pdf", numbered_document(500 + i, (30, 12, 2025)))])
                 for i, w in enumerate(when)]
        append_all(server, mails, when)
        daemon = start_daemon(world)
        try:
            assert wait_for(lambda: folder_counts(server)["accepted"] == 4, timeout=90), folder_counts(server)
        finally:
            stop_daemon(daemon)
        later = [at("2026-01-01T00:00:03")]
        late = world.mail("ok4", date=later[0], attachments=[("cv.pdf", numbered_document(504, (30, 12, 2025)))])
        append_all(server, [late], later)  # after a restart, the series of 2026 goes on
        daemon = start_daemon(world)
        try:
            assert wait_for(lambda: folder_counts(server)["accepted"] == 5, timeout=90), folder_counts(server)
            assert wait_for(lambda: len(smtp.recorder.messages) == 5, timeout=60)
        finally:
            stop_daemon(daemon)
        smtp.stop()
    assert register_lines(world) == [(2025, 1, "500/STP-VP"), (2025, 2, "501/STP-VP"), (2026, 1, "502/STP-VP"),
                                     (2026, 2, "503/STP-VP"), (2026, 3, "504/STP-VP")]
    acks = sorted(m["X-QLVB-Incoming-Number"] for m in smtp.recorder.messages)
    assert acks == ["1", "1", "2", "2", "3"]  # each number answered once


def test_office_hours_carry_late_mail_of_31_december_into_the_new_year_without_a_second_number_1(world: World) -> None:
    """Mails read from files whose Received date is the delivery time, with office hours 07:30-17:00 on
    working days: after 17:00 on 31 December 2025 (a Wednesday) and on 1 January (a holiday) the receive
    time moves to 07:30 on Friday 2 January 2026, and those mails open the series of 2026."""
    when = [at("2025-12-31T10:00:00"), at("2025-12-31T16:59:59"), at("2025-12-31T17:00:01"),
            at("2026-01-01T00:00:01"), at("2026-01-02T08:00:00")]
    mails = [world.mail(f"ok{i}", date=w, received_at=w, attachments=[("cv.pdf", numbered_document(600 + i, (30, 12, 2025)))])
             for i, w in enumerate(when)]
    first = world.ingest(*mails[:3])
    second = world.ingest(*mails[3:])  # another run: the series is read from the register, not remembered
    outputs = first + second
    received = [datetime.fromisoformat(o["received_at"]) for o in outputs]
    assert [(r.year, o["incoming_number"]) for r, o in zip(received, outputs)] == [
        (2025, 1), (2025, 2), (2026, 1), (2026, 2), (2026, 3)]
    assert received[2] == received[3] == at("2026-01-02T07:30:00")
    assert register_lines(world) == [(2025, 1, "600/STP-VP"), (2025, 2, "601/STP-VP"), (2026, 1, "602/STP-VP"),
                                     (2026, 2, "603/STP-VP"), (2026, 3, "604/STP-VP")]
