"""Two senders on one outbox (the daemon, and `send` or `recall` run by the clerk at the same time;
or two gateways on one PostgreSQL register): every queued message reaches the SMTP server once."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import select

from gateway.config import MailServer
from gateway.outbox import LEASE, OutboxSender
from registry.database import Register
from registry.models import Outbox
from servers import postgres
from test_daemon import Recorder, SmtpServer
from world import US

MESSAGES = 60


class SlowRecorder(Recorder):
    """A server that takes its time over each message, as a real one does: the senders overlap."""

    async def handle_DATA(self, server, session, envelope):  # type: ignore[no-untyped-def]
        await asyncio.sleep(0.02)
        return await super().handle_DATA(server, session, envelope)


@pytest.fixture(params=["sqlite", "postgresql"])
def register_url(request, tmp_path) -> Iterator[str]:  # type: ignore[no-untyped-def]
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'qlvb.db'}"
    else:
        with postgres() as url:
            yield url


def _queue(url: str) -> None:
    register = Register(url)
    now = datetime.now(timezone.utc)
    with register.session() as session, session.begin():
        for i in range(MESSAGES):
            message_id = f"<alert-{i}@qlvb.test>"
            raw = (f"From: {US['mailbox']}\r\nTo: vanthu@stp.test\r\nSubject: {i}\r\n"
                   f"Message-ID: {message_id}\r\n\r\nThông báo {i}\r\n").encode()
            session.add(Outbox(mail_id=None, document_id=None, kind="alert", recipient="vanthu@stp.test",
                               subject=str(i), message_id=message_id, raw=raw, state="queued", attempts=0,
                               created_at=now))
    register.close()


def test_two_senders_at_once_send_each_message_once(register_url: str) -> None:
    smtp = SmtpServer()
    smtp.recorder = SlowRecorder()
    smtp.start()
    try:
        _queue(register_url)
        server = MailServer(host="127.0.0.1", port=smtp.port, security="none")
        start = threading.Barrier(2)
        failures: list[BaseException] = []

        # one register each, opened one after the other (Alembic's migration context is process-wide)
        registers = [Register(register_url) for _ in range(2)]

        def sender(register: Register) -> None:
            try:
                start.wait(timeout=60)
                outbox = OutboxSender(register, server, US["mailbox"])
                while outbox.send_due() > 0:  # until nothing is left for this sender
                    continue
                register.close()
            except BaseException as exc:  # noqa: BLE001 (reported by the test below)
                failures.append(exc)
                start.abort()

        threads = [threading.Thread(target=sender, args=(r,)) for r in registers]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
    finally:
        smtp.stop()
    assert not failures, failures
    received = [m["Message-ID"] for m in smtp.recorder.messages]
    assert sorted(received) == sorted(f"<alert-{i}@qlvb.test>" for i in range(MESSAGES))  # each once
    register = Register(register_url)
    with register.session() as session:
        assert set(session.scalars(select(Outbox.state))) == {"sent"}
    register.close()


def test_when_the_next_message_is_due(register_url: str) -> None:
    """The loop asks at every turn when to send next: nothing queued, none; a message to retry later, its
    time (a sent one's is no concern); one never tried, now."""
    from datetime import timedelta

    register = Register(register_url)
    sender = OutboxSender(register, MailServer(host="127.0.0.1", port=1, security="none"), "test")
    assert sender.next_due() is None
    later, now = datetime.now(timezone.utc) + timedelta(minutes=5), datetime.now(timezone.utc)

    def queue(name: str, state: str, at: datetime | None) -> None:
        with register.session() as session, session.begin():
            session.add(Outbox(mail_id=None, document_id=None, kind="alert", recipient="vanthu@stp.test", subject=name,
                               message_id=f"<{name}@qlvb.test>", raw=b"x", state=state, attempts=1, created_at=now,
                               next_attempt_at=at))

    queue("sent", "sent", now - timedelta(hours=1))
    queue("retry", "queued", later)
    queue("retry-later", "queued", later + timedelta(minutes=5))
    assert sender.next_due() == later
    queue("new", "queued", None)
    due = sender.next_due()
    assert due is not None and abs((due - datetime.now(timezone.utc)).total_seconds()) < 5
    register.close()


def test_an_address_no_smtp_can_carry_fails_alone_and_the_others_go_once(tmp_path: Path) -> None:
    """Red team 70: an acknowledgement to a proven sender's non-ASCII address ("tét@evil.example", which the server
    cannot be given without SMTPUTF8) raised out of the sending: the answers before it, sent, were never recorded and
    went again at each lease, the ones after it never. Now that one fails alone (its reason kept), the others go once."""
    url = f"sqlite:///{tmp_path / 'qlvb.db'}"
    register = Register(url)
    now = datetime.now(timezone.utc)
    with register.session() as session, session.begin():
        for i, to in enumerate(["vanthu@stp.test", "t\u00e9t@evil.example", "vanthu@stc.test"]):
            raw = f"From: {US['mailbox']}\r\nTo: x@y.test\r\nSubject: {i}\r\nMessage-ID: <u{i}@qlvb.test>\r\n\r\n{i}\r\n".encode()
            session.add(Outbox(mail_id=None, document_id=None, kind="ack", recipient=to, subject=str(i),
                               message_id=f"<u{i}@qlvb.test>", raw=raw, state="queued", attempts=0, created_at=now))
    smtp = SmtpServer()
    smtp.start()
    try:
        sender = OutboxSender(register, MailServer(host="127.0.0.1", port=smtp.port, security="none"), US["mailbox"])
        for turn in range(3):  # three turns, each past the last one's lease
            sender.send_due(now=now + turn * (LEASE + timedelta(seconds=1)))
        with register.session() as session:
            states = [(o.recipient, o.state) for o in session.scalars(select(Outbox).order_by(Outbox.id))]
        assert states == [("vanthu@stp.test", "sent"), ("t\u00e9t@evil.example", "failed"), ("vanthu@stc.test", "sent")]
        assert sorted(m["Subject"] for m in smtp.recorder.messages) == ["0", "2"]  # each once
    finally:
        smtp.stop()
        register.close()
