"""The delivery-path listener takes every mail the gateway reads: up to `limits.max_mail_mb`, advertised
to the MTA as SIZE. aiosmtpd's own bound (32 MiB) refused a 40 MB mail after the MTA had accepted it (the
gateway reads 50 MB by default), and the MTA bounced it to its envelope sender, whom nothing proves.
A real aiosmtpd listener on a socket, a real LMTP client."""

from __future__ import annotations

import select
import smtplib
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from gateway.config import Listener
from gateway.listener import spooled, start_listener
from servers import free_port

MB = 1024 * 1024


def _mail(size: int, first: bytes = b"x") -> bytes:
    """A mail of `size` bytes; `first`: what its lines start with ("." is doubled on the wire)."""
    head = b"From: vanthu@sotp.bacgiang.gov.vn\r\nTo: vanthu@snv.bacgiang.gov.vn\r\nSubject: Ho so quet\r\n\r\n"
    line = first + b"x" * 997 + b"\r\n"
    body = line * ((size - len(head)) // len(line))
    return head + body + b"x" * (size - len(head) - len(body) - 2) + b"\r\n"


@pytest.mark.parametrize(("size", "first"), [(40 * MB, b"x"), (50 * MB, b"x"), (50 * MB, b".")], ids=["40", "50", "50-dots"])
def test_a_mail_the_gateway_reads_is_taken_whatever_aiosmtpds_own_bound(tmp_path: Path, size: int, first: bytes) -> None:
    """Up to the limit itself, lines starting with "." too (doubled on the wire, which aiosmtpd counts: red team 29)."""
    port = free_port()
    controller = start_listener(Listener(protocol="lmtp", host="127.0.0.1", port=port), tmp_path, threading.Event(),
                                max_bytes=50 * MB)
    try:
        with smtplib.LMTP("127.0.0.1", port) as lmtp:
            lmtp.ehlo()
            assert lmtp.has_extn("size") and int(lmtp.esmtp_features["size"]) >= 50 * MB
            mail = _mail(size, first)
            assert len(mail) == size
            assert lmtp.sendmail("vanthu@sotp.bacgiang.gov.vn", ["vanthu@snv.bacgiang.gov.vn"], mail) == {}
    finally:
        controller.stop()
    [kept] = spooled(tmp_path)
    assert kept.stat().st_size == len(mail)


def test_a_mail_above_the_bound_is_refused_at_the_door(tmp_path: Path) -> None:
    """Above `max_mail_mb` the listener says so before the data (SIZE) and refuses it (552): an MTA whose
    own message_size_limit is not above it refuses such mail at its own door (the README says so)."""
    port = free_port()
    controller = start_listener(Listener(protocol="lmtp", host="127.0.0.1", port=port), tmp_path, threading.Event(),
                                max_bytes=2 * MB)
    try:
        with smtplib.LMTP("127.0.0.1", port) as lmtp, pytest.raises(smtplib.SMTPSenderRefused) as refused:
            lmtp.sendmail("vanthu@sotp.bacgiang.gov.vn", ["vanthu@snv.bacgiang.gov.vn"], _mail(3 * MB))
    finally:
        controller.stop()
    assert refused.value.smtp_code == 552 and spooled(tmp_path) == []


def _session(port: int, recipients: int = 1) -> tuple[socket.socket, Any]:
    """An LMTP session up to its DATA command, as an MTA opens it."""
    client = socket.create_connection(("127.0.0.1", port), timeout=10)
    replies = client.makefile("rb")
    assert replies.readline().startswith(b"220")
    client.sendall(b"LHLO mx.bacgiang.gov.vn\r\n")
    while not replies.readline().startswith(b"250 "):
        pass
    rcpts = [b"RCPT TO:<vanthu%d@snv.bacgiang.gov.vn>" % n for n in range(recipients)]
    for command in (b"MAIL FROM:<vanthu@sotp.bacgiang.gov.vn>", *rcpts):
        client.sendall(command + b"\r\n")
        assert replies.readline().startswith(b"250")
    client.sendall(b"DATA\r\n")
    return client, replies


@contextmanager
def _listening(spool: Path) -> Iterator[tuple[int, list[tuple[socket.socket, Any]]]]:
    """The listener on a free port, and the sessions the test opens to it, closed at the end."""
    port = free_port()
    controller = start_listener(Listener(protocol="lmtp", host="127.0.0.1", port=port), spool, threading.Event(),
                                max_bytes=50 * MB)
    sessions: list[tuple[socket.socket, Any]] = []
    try:
        yield port, sessions
    finally:
        for client, replies in sessions:
            replies.close()
            client.close()
        controller.stop()


def test_no_more_than_two_deliveries_are_received_at_once(tmp_path: Path) -> None:
    """Each delivery is held whole while it arrives (red team 29: six of 49 MB at once took the process to
    807 MB; Postfix delivers up to 20 at once). A third MTA session waits for its 354 until one of the two before
    it has its 250, then is taken: all three are kept."""
    with _listening(tmp_path) as (port, sessions):
        sessions.extend(_session(port) for _ in range(3))
        first, second, third = sessions
        assert first[1].readline().startswith(b"354") and second[1].readline().startswith(b"354")
        assert select.select([third[0]], [], [], 1.0)[0] == []  # no 354 yet: two deliveries are being received
        for client, _ in (first, second):
            client.sendall(_mail(MB) + b".\r\n")
        assert first[1].readline().startswith(b"250") and second[1].readline().startswith(b"250")
        assert third[1].readline().startswith(b"354")
        third[0].sendall(_mail(MB) + b".\r\n")
        assert third[1].readline().startswith(b"250")
    assert len(spooled(tmp_path)) == 1  # the three are the same bytes: one file


def test_a_session_that_finds_no_place_is_told_to_try_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Red team 30: two sessions stalled in their DATA (a hung MTA connection) held every other delivery back for
    aiosmtpd's 5 minutes. A session that finds no place within PLACE_WAIT (1 s here, 30 s in use) is told 451:
    the MTA keeps the mail and tries again; once a place is free, the next is taken."""
    from gateway import listener

    monkeypatch.setattr(listener, "PLACE_WAIT", 1.0)
    with _listening(tmp_path) as (port, sessions):
        sessions.extend(_session(port) for _ in range(3))
        stalled, other, late = sessions
        assert stalled[1].readline().startswith(b"354") and other[1].readline().startswith(b"354")
        assert late[1].readline().startswith(b"451 4.3.2")
        # a DATA out of order is answered at once, never made to wait for a place (red team 31)
        early = socket.create_connection(("127.0.0.1", port), timeout=10)
        sessions.append((early, early.makefile("rb")))
        assert sessions[-1][1].readline().startswith(b"220")
        early.sendall(b"LHLO mx.bacgiang.gov.vn\r\nDATA\r\n")
        while (line := sessions[-1][1].readline()).startswith(b"250"):
            pass
        assert line.startswith(b"503")  # not the 451 a wait for a place would end in
        stalled[0].sendall(_mail(MB) + b".\r\n")
        assert stalled[1].readline().startswith(b"250")
        again = _session(port)
        sessions.append(again)
        assert again[1].readline().startswith(b"354")


def test_a_delivery_the_spool_cannot_keep_is_tried_again_for_each_recipient(tmp_path: Path) -> None:
    """Red team 30: the spool unwritable (here a file where its folder was; the disk full alike) was answered by
    aiosmtpd's one permanent 500 for three LMTP recipients: the MTA bounced the mail to an unproven envelope sender
    (or waited for two more answers). Now 451, once for each recipient: the MTA keeps it and tries again."""
    spool = tmp_path / "spool"
    with _listening(spool) as (port, sessions):
        spool.rmdir()
        spool.write_bytes(b"not a folder")
        sessions.append(_session(port, recipients=3))
        client, replies = sessions[0]
        assert replies.readline().startswith(b"354")
        client.sendall(_mail(MB) + b".\r\n")
        answers = [replies.readline() for _ in range(3)]
    assert all(answer.startswith(b"451 4.3.0") for answer in answers), answers
