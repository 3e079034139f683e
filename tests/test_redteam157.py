"""Red team 157 (2026-12-07): faults and an unkind operator against the real daemon (`qlvb-gateway run`) with the real
servers the tests start (tests/servers.py: a private Dovecot; aiosmtpd as the SMTP peer; SQLite registers).

Attacked: the same mail (one Message-ID, the same bytes) in the inbox twice in one batch and a third time while the
daemon works; a mail expunged by a clerk's client between the daemon's FETCH and its MOVE (a relay runs the clerk's
expunge as the MOVE goes by); the verdicts' folders renamed and deleted by a clerk's client while the daemon runs; the
holder frozen (SIGSTOP) mid-batch while a second daemon is started on the same mailbox, then thawed; Dovecot stopped
(its sessions cut) while the daemon waits in IDLE, mail appended as it comes back; SIGTERM while the SMTP peer is in
the DATA of an acknowledgement; the SMTP peer taking the message and dropping the connection before its final reply;
the register's folder made unwritable (chattr +i: root's tests, the service user's chmod 555) under the running daemon
and at its start; the mail server's clock stepped back an hour across midnight of 31 December (INTERNALDATE going
backwards).

After each: nothing lost, nothing registered twice, nothing answered twice, numbers without gaps, the daemon running or
restartable with the mail processed. Each test's docstring says who did what and what was expected; a FAULT's says
what happens instead.

Found (2 failing): Dovecot restarted under the daemon's IDLE leaves it deaf, spinning a CPU, until `poll_seconds` runs
out (imapclient's `idle_check` swallows the EOF; mailbox/imap.py `ImapMailbox.wait` never learns the connection is
gone); the disk full as the outbox writes down an answer the server took drops what the server said
(gateway/outbox.py `OutboxSender.send_due`), the answer left `queued` to go again when its lease runs out. Sound: the
rest (the SMTP peer dropping before its 250 sends the answer twice, with one Message-ID, as RFC 5321 allows and the
README says of a crash: no third time)."""

from __future__ import annotations

import asyncio
import email
import os
import signal
import sqlite3
import subprocess
import threading
import time
from contextlib import closing
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from aiosmtpd.controller import Controller

from born_digital import numbered_document
from servers import Dovecot, dovecot, free_port, wait_for
from test_daemon import (FOLDERS, PASSWORD, SmtpServer, append, folder_counts, imap, mails_recorded,  # noqa: F401
                         servers, start_daemon, stop_daemon)
from test_faults_infrastructure import _fill, small_disk  # noqa: F401
from world import GATEWAY_EXEC, US, World

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")


# ---- helpers ---------------------------------------------------------------------------------------------------
def _ok(world: World, name: str, number: int) -> Path:
    return world.mail(name, attachments=[("cv.pdf", numbered_document(number))])


def _forged(world: World, name: str, number: int) -> Path:
    return world.mail(name, auth=None, attachments=[("cv.pdf", numbered_document(number))])


def _register(db: Path) -> tuple[list[tuple[int, int, str]], int, list[tuple[str, str, str]]]:
    """(year, number, notation) of each document; how many mails; (kind, state, message_id) of each outbox row."""
    with closing(sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=10)) as c:
        docs = [tuple(r) for r in c.execute(
            "SELECT year, arrival_number, notation FROM documents ORDER BY year, arrival_number")]
        mails = c.execute("SELECT count(*) FROM mails").fetchone()[0]
        outbox = [tuple(r) for r in c.execute("SELECT kind, state, message_id FROM outbox ORDER BY id")]
    return docs, int(mails), outbox  # type: ignore[return-value]


def _numbers(db: Path) -> list[int]:
    with closing(sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=10)) as c:
        return [r[0] for r in c.execute("SELECT arrival_number FROM documents ORDER BY arrival_number")]


def _counts(server: Dovecot) -> dict[str, int] | None:
    try:
        return folder_counts(server)
    except Exception:
        return None


def _log(process: subprocess.Popen[str]) -> str:
    return process.log.read_text(errors="replace")  # type: ignore[attr-defined]


def _kill(*processes: subprocess.Popen[str]) -> None:
    for process in processes:
        if process.poll() is None:
            try:
                os.killpg(process.pid, signal.SIGCONT)
            except (ProcessLookupError, PermissionError):
                pass
            try:
                os.killpg(process.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                process.kill()
            process.wait(timeout=30)


def _acks(messages: list[email.message.Message]) -> list[str]:
    return sorted(m["X-QLVB-Incoming-Number"] for m in messages if m["X-QLVB-Status"] == "03")


def _each_once(messages: list[email.message.Message]) -> list[str]:
    """The Message-IDs delivered more than once."""
    ids = [m["Message-ID"] for m in messages]
    return sorted({i for i in ids if ids.count(i) > 1})


class HookRelay:
    """A TCP relay between the daemon and Dovecot that runs `hook` (once) as the daemon's first command line holding
    `trigger` goes by, before the server hears it: the clerk's mail client acting at that very moment."""

    def __init__(self, server: Dovecot, trigger: bytes, hook) -> None:  # type: ignore[no-untyped-def]
        import socket

        self.server, self.trigger, self.hook = server, trigger.upper(), hook
        self.fired = threading.Event()
        self.line = b""
        self.socks: list[socket.socket] = []
        self.listener = socket.create_server(("127.0.0.1", free_port()))
        self.port = self.listener.getsockname()[1]
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        import socket

        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            try:
                upstream = socket.create_connection(("127.0.0.1", self.server.port), timeout=5)
            except OSError:
                client.close()
                continue
            upstream.settimeout(None)
            self.socks += [client, upstream]
            threading.Thread(target=self._pipe, args=(client, upstream, True), daemon=True).start()
            threading.Thread(target=self._pipe, args=(upstream, client, False), daemon=True).start()

    def _pipe(self, source, sink, from_daemon: bool) -> None:  # type: ignore[no-untyped-def]
        while True:
            try:
                data = source.recv(65536)
            except OSError:
                data = b""
            if not data:
                break
            if from_daemon and not self.fired.is_set() and self.trigger in data.upper():
                self.line = data.split(b"\r\n", 1)[0]
                try:
                    self.hook(self.line)
                finally:
                    self.fired.set()
            try:
                sink.sendall(data)
            except OSError:
                break
        for s in (source, sink):
            try:
                s.close()
            except OSError:
                pass

    def close(self) -> None:
        import socket

        try:
            self.listener.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self.listener.close()
        for s in self.socks:
            try:
                s.close()
            except OSError:
                pass


def _watch_through(world: World, port: int, smtp_port: int, poll_seconds: float = 5) -> None:
    world.use_servers(port, smtp_port, poll_seconds=poll_seconds)
    world.write_config()


# ================================================================================================== the same mail twice
def test_the_same_mail_twice_in_one_batch_and_again_later_is_registered_and_answered_once(world: World, servers) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    """Fault injected: the issuer's server delivered one mail twice (a retry after a lost 250: the same bytes, the same
    Message-ID) and both copies wait in the inbox beside another letter when the daemon starts (one batch); while the
    daemon runs, a clerk's client copies the mail back into the inbox a third time.
    Expected: the letter registered once (numbers 1 and 2 for the two letters), acknowledged once, each copy filed (none
    left in the inbox, none quarantined), the daemon running."""
    imap_server, smtp = servers
    twice, other = _ok(world, "twice", 5701), _ok(world, "other", 5702)
    append(imap_server, twice, twice, other)
    daemon = start_daemon(world)
    try:
        assert wait_for(lambda: (_counts(imap_server) or {}).get("inbox") == 0, timeout=60), _counts(imap_server)
        append(imap_server, twice)  # the clerk's copy back into the inbox
        assert wait_for(lambda: (_counts(imap_server) or {}).get("inbox") == 0, timeout=60), _counts(imap_server)
        assert wait_for(lambda: len(_acks(smtp.recorder.messages)) >= 2, timeout=30)
        time.sleep(3)  # any further answer would be out by now
        assert daemon.poll() is None
    finally:
        stop_daemon(daemon)
    counts = folder_counts(imap_server)
    docs, _mails, _outbox = _register(world.root / "qlvb.db")
    assert sorted(n for _, n, _ in docs) == [1, 2] and sorted(t for *_, t in docs) == ["5701/STP-VP", "5702/STP-VP"], docs
    assert counts["quarantined"] == 0 and counts["accepted"] == 4, counts
    assert _acks(smtp.recorder.messages) == ["1", "2"], _acks(smtp.recorder.messages)
    assert _each_once(smtp.recorder.messages) == []


def test_the_same_mail_delivered_again_while_its_batch_is_fetched_is_registered_and_answered_once(world: World) -> None:
    """Fault injected: the issuer's server delivers a letter, then delivers it again (the same bytes and Message-ID: a
    retry after a lost 250) at the very moment the daemon's first FETCH of the batch holding the first copy goes to the
    server (a relay appends the copy as the FETCH goes by), so the copy arrives while the first is analysed and not yet
    recorded.
    Expected: the letter registered once (1, the other letter 2), acknowledged once, both copies filed, none
    quarantined, nothing left in the inbox; the daemon running."""
    smtp = SmtpServer()
    smtp.start()
    with dovecot((US["mailbox"], PASSWORD)) as server:
        twice = _ok(world, "twice", 5705)

        def delivered_again(line: bytes) -> None:
            append(server, twice)

        relay = HookRelay(server, b"BODY.PEEK[]", delivered_again)
        _watch_through(world, relay.port, smtp.port)
        append(server, twice, _ok(world, "other", 5706))
        daemon = start_daemon(world)
        try:
            assert relay.fired.wait(timeout=60), "no FETCH came"
            assert wait_for(lambda: (_counts(server) or {}).get("inbox") == 0
                            and sum((_counts(server) or {}).values()) == 3, timeout=60), _counts(server)
            assert wait_for(lambda: len(_acks(smtp.recorder.messages)) >= 2, timeout=30)
            time.sleep(3)
            assert daemon.poll() is None
        finally:
            stop_daemon(daemon)
            relay.close()
            smtp.stop()
        counts = folder_counts(server)
    assert counts["accepted"] == 3 and counts["quarantined"] == 0, counts
    assert _numbers(world.root / "qlvb.db") == [1, 2]
    assert _acks(smtp.recorder.messages) == ["1", "2"] and _each_once(smtp.recorder.messages) == []


# ================================================================================================== expunged under the MOVE
def test_a_mail_expunged_by_the_clerk_between_fetch_and_move_is_registered_once_and_the_rest_filed(world: World) -> None:
    """Fault injected: three letters and a forged mail wait; as the daemon's first UID MOVE goes to the server, the
    clerk's mail client (another session) deletes and expunges the first letter from the inbox (the clerk cleaning up
    what looked like spam), so the server moves a set one of whose UIDs is gone.
    Expected: the letters registered 1..3 once (the expunged one too: it was taken in), each answered once, the others
    filed in their folders, the inbox empty, a letter appended afterwards registered 4; the daemon running."""
    smtp = SmtpServer()
    smtp.start()
    with dovecot((US["mailbox"], PASSWORD)) as server:
        def clerk_expunges(line: bytes) -> None:
            client = imap(server)
            try:
                client.select_folder("INBOX")
                uids = client.search(["ALL"])
                if uids:
                    client.delete_messages(uids[:1])
                    client.expunge()
            finally:
                client.logout()

        relay = HookRelay(server, b" UID MOVE ", clerk_expunges)
        _watch_through(world, relay.port, smtp.port)
        paths = [_ok(world, f"ok{i}", 5710 + i) for i in range(3)] + [_forged(world, "forged", 5719)]
        append(server, *paths)
        daemon = start_daemon(world)
        try:
            assert relay.fired.wait(timeout=60), "no MOVE came"
            assert wait_for(lambda: (_counts(server) or {}).get("inbox") == 0, timeout=60), _counts(server)
            append(server, _ok(world, "late", 5718))
            assert wait_for(lambda: (_counts(server) or {}).get("accepted") == 3, timeout=60), _counts(server)
            assert wait_for(lambda: len(_acks(smtp.recorder.messages)) >= 4, timeout=30)
            time.sleep(2)
            assert daemon.poll() is None, _log(daemon)[-2000:]
        finally:
            stop_daemon(daemon)
            relay.close()
            smtp.stop()
        counts = folder_counts(server)
    assert counts["inbox"] == 0 and counts["accepted"] + counts["quarantined"] == 4, counts  # one of five expunged
    assert _numbers(world.root / "qlvb.db") == [1, 2, 3, 4]
    assert _acks(smtp.recorder.messages) == ["1", "2", "3", "4"] and _each_once(smtp.recorder.messages) == []


# ================================================================================================== folders renamed, deleted
def test_the_verdict_folders_renamed_and_deleted_by_a_clerk_while_the_daemon_runs(world: World, servers) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    """Fault injected: after the daemon filed a first letter and a forged mail, the clerk's mail client renames
    "QLVB/Đã tiếp nhận" to "Lưu 2026" (tidying the year's mail) and deletes "QLVB/Cần kiểm tra" with its mail (the
    forged one, already held in the register), then two letters and a forged mail arrive.
    Expected: the folders made again, the new mails filed there (none left in the inbox), letters registered 1..3 and
    acknowledged once each, the forged mails quarantined in the register; the daemon running."""
    imap_server, smtp = servers
    append(imap_server, _ok(world, "ok0", 5720), _forged(world, "forged0", 5729))
    daemon = start_daemon(world)
    try:
        assert wait_for(lambda: (_counts(imap_server) or {}).get("inbox") == 0, timeout=60), _counts(imap_server)
        client = imap(imap_server)
        try:
            client.rename_folder(FOLDERS["accepted"], "Lưu 2026")
            client.delete_folder(FOLDERS["quarantined"])
        finally:
            client.logout()
        append(imap_server, _ok(world, "ok1", 5721), _forged(world, "forged1", 5728), _ok(world, "ok2", 5722))
        assert wait_for(lambda: (_counts(imap_server) or {}).get("inbox") == 0, timeout=60), _counts(imap_server)
        assert wait_for(lambda: len(_acks(smtp.recorder.messages)) >= 3, timeout=30)
        assert daemon.poll() is None
    finally:
        stop_daemon(daemon)
    counts = folder_counts(imap_server)
    assert counts["accepted"] == 2 and counts["quarantined"] == 1, counts
    docs, mails, _ = _register(world.root / "qlvb.db")
    assert sorted(n for _, n, _ in docs) == [1, 2, 3] and mails == 5
    assert _acks(smtp.recorder.messages) == ["1", "2", "3"] and _each_once(smtp.recorder.messages) == []


# ================================================================================================== a frozen holder
@pytest.mark.long
def test_the_holder_frozen_mid_batch_while_a_second_daemon_starts_then_thawed(world: World, servers) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    """Fault injected: the systemd daemon works through a backlog of 16 letters and 2 forged mails; mid-batch (a
    letter recorded, mail still in the inbox) the operator's Ctrl-Z in a terminal... here SIGSTOP of the daemon and its
    workers (a frozen VM, a debugger); meanwhile a second `run` on the same configuration is started; after 10 s the
    first is thawed (SIGCONT).
    Expected: while the first is frozen the second takes nothing (it waits: on SQLite it cannot open the register while
    the frozen holder is inside its transaction, and says nothing meanwhile); once thawed, the second says the mailbox
    is another process's, every mail filed once, the letters registered 1..16 once and acknowledged once each, none
    quarantined for the pause, both daemons alive."""
    imap_server, smtp = servers
    paths = [(_forged if i % 9 == 4 else _ok)(world, f"m{i}", 5730 + i) for i in range(18)]
    append(imap_server, *paths)
    first = start_daemon(world, session=True, command=GATEWAY_EXEC)  # the daemon itself, its workers in its group
    second = None
    try:
        assert wait_for(lambda: mails_recorded(world) >= 1, timeout=60)
        os.killpg(first.pid, signal.SIGSTOP)
        time.sleep(0.5)
        state = Path(f"/proc/{first.pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        assert state == "T", state
        second = start_daemon(world, ready=False, session=True, command=GATEWAY_EXEC)
        time.sleep(10)  # the second cannot even open the register while the holder is frozen inside its transaction
        # what the second did meanwhile, by its log (the register's count may show a commit the holder made just as it
        # was stopped: its WAL frame written, the index not yet)
        taken_meanwhile = _log(second).count(": accepted ") + _log(second).count(": quarantined ")
        connected_meanwhile = "connected" in _log(second)
        os.killpg(first.pid, signal.SIGCONT)
        assert wait_for(lambda: "worked by another gateway process" in _log(second), timeout=60), _log(second)[-2000:]
        assert wait_for(lambda: (_counts(imap_server) or {}).get("inbox") == 0, timeout=90), _counts(imap_server)
        assert wait_for(lambda: len(_acks(smtp.recorder.messages)) >= 16, timeout=60), _acks(smtp.recorder.messages)
        time.sleep(3)
        assert first.poll() is None and second.poll() is None, (_log(first)[-1500:], _log(second)[-1500:])
    finally:
        _kill(first)
        if second is not None:
            _kill(second)
    assert taken_meanwhile == 0 and not connected_meanwhile, f"{taken_meanwhile} mails taken while the holder was frozen"
    counts = folder_counts(imap_server)
    assert counts == {"inbox": 0, "accepted": 16, "returned": 0, "quarantined": 2, "ignored": 0}, counts
    docs, mails, _ = _register(world.root / "qlvb.db")
    assert sorted(n for _, n, _ in docs) == list(range(1, 17)) and mails == 18
    assert _acks(smtp.recorder.messages) == sorted(str(n) for n in range(1, 17))
    assert _each_once(smtp.recorder.messages) == []


# ================================================================================================== Dovecot restarted under IDLE
def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@pytest.mark.long  # tens of seconds of waiting on the real servers: started first
def test_dovecot_stopped_under_idle_and_mail_appended_as_it_comes_back(world: World) -> None:
    """Fault injected: the daemon waits in IDLE (`poll_seconds` at its default, 60); Dovecot is stopped as its operator
    stops it (`systemctl restart dovecot`: every session ended), started 3 s later, and two letters are appended at
    once (the MTA's queue flushed).
    Expected: the daemon sees its connection gone, reconnects within its backoff (1 s doubling: README "Network or
    server failures close the connection and retry with backoff") and registers them 2 and 3 within 30 s, each
    acknowledged once, without spinning meanwhile.
    Observed (FAULT): the daemon never notices: imapclient's `idle_check` swallows the EOF ("if 'EOF' in err.args[0]:
    break") and returns no responses at once, so mailbox/imap.py `ImapMailbox.wait` loops on it, a CPU spinning, until
    its deadline (`poll_seconds`); its sockets sit in CLOSE-WAIT, the letters wait in the inbox up to a minute (as long
    as `poll_seconds` is: an operator who set 600 to spare a slow server waits ten), and `status` says connected."""
    from imap_relay import ImapRelay

    smtp = SmtpServer()
    smtp.start()
    with dovecot((US["mailbox"], PASSWORD)) as server:
        relay = ImapRelay(server)
        _watch_through(world, relay.port, smtp.port, poll_seconds=60)
        append(server, _ok(world, "ok0", 5750))
        daemon = start_daemon(world, command=GATEWAY_EXEC)  # its own pid: its CPU is read
        try:
            assert wait_for(lambda: (_counts(server) or {}).get("accepted") == 1, timeout=60)
            assert wait_for(lambda: len(_acks(smtp.recorder.messages)) >= 1, timeout=30)
            time.sleep(2)  # in IDLE now
            relay.stop_server()
            time.sleep(3)
            server.start()
            append(server, _ok(world, "ok1", 5751), _ok(world, "ok2", 5752))
            began, cpu = time.monotonic(), _cpu_seconds(daemon.pid)
            taken = wait_for(lambda: (_counts(server) or {}).get("accepted") == 3, timeout=30)
            took, spun = time.monotonic() - began, _cpu_seconds(daemon.pid) - cpu
            assert wait_for(lambda: (_counts(server) or {}).get("accepted") == 3, timeout=60), _counts(server)
            assert wait_for(lambda: len(_acks(smtp.recorder.messages)) >= 3, timeout=30)
            assert daemon.poll() is None
        finally:
            stop_daemon(daemon)
            relay.close()
            smtp.stop()
    assert _numbers(world.root / "qlvb.db") == [1, 2, 3]
    assert _acks(smtp.recorder.messages) == ["1", "2", "3"] and _each_once(smtp.recorder.messages) == []
    assert taken and took < 30, (f"the letters waited {took:.0f} s in the inbox after the server came back, the daemon "
                                 f"spinning {spun:.1f} s of CPU meanwhile")
    assert spun < 0.5 * took, f"the daemon spun {spun:.1f} s of CPU in {took:.0f} s while its connection was gone"


# ================================================================================================== SMTP faults
class SlowData:
    """An SMTP peer whose DATA takes `delay` seconds before its 250 (a content filter scanning); `in_data` set as the
    first DATA begins."""

    def __init__(self, delay: float) -> None:
        self.delay = delay
        self.in_data = threading.Event()
        self.messages: list[email.message.Message] = []

    async def handle_DATA(self, server, session, envelope):  # type: ignore[no-untyped-def]
        self.in_data.set()
        await asyncio.sleep(self.delay)
        self.messages.append(email.message_from_bytes(envelope.content))
        return "250 OK queued"


def test_sigterm_while_the_smtp_peer_is_in_the_data_of_an_acknowledgement(world: World) -> None:
    """Fault injected: the daemon has registered two letters and is sending their acknowledgements; the submission
    server takes 5 s over each DATA (a content filter); in the first DATA the operator stops the service (SIGTERM,
    `systemctl restart`); the service is started again.
    Expected: the stop waits for the answer in flight (README: 60 s), records it sent, gives the other back; the new
    daemon sends what is left; each acknowledgement delivered once, the outbox's rows all `sent`."""
    handler = SlowData(5)
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    with dovecot((US["mailbox"], PASSWORD)) as server:
        _watch_through(world, server.port, port)
        append(server, _ok(world, "ok0", 5760), _ok(world, "ok1", 5761))
        daemon = start_daemon(world)
        again = None
        try:
            assert handler.in_data.wait(timeout=60), "no DATA came"
            daemon.send_signal(signal.SIGTERM)
            daemon.wait(timeout=90)
            assert daemon.returncode == 0, _log(daemon)[-2000:]
            _, _, outbox_after_stop = _register(world.root / "qlvb.db")
            again = start_daemon(world)
            assert wait_for(lambda: len(_acks(handler.messages)) >= 2, timeout=60), _acks(handler.messages)
            time.sleep(3)
        finally:
            if again is not None:
                stop_daemon(again)
            controller.stop()
    answered_first = [m for m in outbox_after_stop if m[0] != "digest"]
    assert answered_first and answered_first[0][1] == "sent", outbox_after_stop  # the one in flight recorded
    assert _acks(handler.messages) == ["1", "2"] and _each_once(handler.messages) == []
    _, _, outbox = _register(world.root / "qlvb.db")
    assert all(state == "sent" for kind, state, _ in outbox if kind != "digest"), outbox


class DropsBeforeReply:
    """An SMTP peer that takes the first message whole and drops the connection before its final reply to DATA (a
    server crashing between its queue's fsync and its 250; a NAT timing out), then works."""

    def __init__(self) -> None:
        self.messages: list[email.message.Message] = []
        self.dropped = 0

    async def handle_DATA(self, server, session, envelope):  # type: ignore[no-untyped-def]
        self.messages.append(email.message_from_bytes(envelope.content))  # queued for delivery: it goes out
        if not self.dropped:
            self.dropped += 1
            server.transport.abort()
        return "250 OK"


@pytest.mark.long  # tens of seconds of waiting on the real servers: started first
def test_the_smtp_peer_drops_the_connection_before_its_reply_to_data(world: World) -> None:
    """Fault injected: the submission server takes an acknowledgement whole into its queue and the connection breaks
    before its 250 (RFC 1047's duplicate). The daemon cannot know the message went.
    Expected (what the README promises after a crash: at most twice, with one Message-ID, so the recipient's gateway
    finds the copy): the acknowledgement delivered at most twice, both copies one Message-ID, then marked sent and never
    sent a third time; the other letter's acknowledgement once; the daemon running."""
    handler = DropsBeforeReply()
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    with dovecot((US["mailbox"], PASSWORD)) as server:
        _watch_through(world, server.port, port, poll_seconds=2)
        append(server, _ok(world, "ok0", 5770), _ok(world, "ok1", 5771))
        daemon = start_daemon(world)
        try:
            assert wait_for(lambda: len(handler.messages) >= 3, timeout=50), len(handler.messages)
            time.sleep(12)  # past the 10 s backoff once more: a third copy would be out
            assert daemon.poll() is None
        finally:
            stop_daemon(daemon)
            controller.stop()
    ids = [m["Message-ID"] for m in handler.messages]
    assert len(ids) == 3 and len(set(ids)) == 2, ids  # one duplicate, of one Message-ID
    assert _acks(handler.messages) == ["1", "1", "2"] or _acks(handler.messages) == ["1", "2", "2"]
    _, _, outbox = _register(world.root / "qlvb.db")
    assert all(state == "sent" for kind, state, _ in outbox if kind != "digest"), outbox


# ================================================================================================== the register's folder
def _chattr(flag: str, path: Path) -> None:
    done = subprocess.run(["chattr", flag, str(path)], capture_output=True, text=True)
    assert done.returncode == 0, f"chattr {flag} {path}: {done.stderr.strip()} (needs root and ext4, as CI has)"


@pytest.mark.long  # tens of seconds of waiting on the real servers: started first
def test_the_registers_folder_made_unwritable_stops_nothing_and_loses_nothing(world: World, servers) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    """Fault injected: the register is `reg/qlvb.db`; the operator, "hardening" the host, makes its folder read-only for
    the service (chmod 555 by a script, here `chattr +i`: the test runs as root) while the daemon runs, then restarts
    the service (a package upgrade), and letters arrive; an hour later the folder is made writable again.
    Expected: no letter lost or quarantined for the disk's fault: the daemon running and backing off with `status`
    naming why, or `run` refusing at its start with one line naming the register (exit 1 or 2, systemd starting it
    again); once writable, every letter registered 1..n once and acknowledged once, with the daemon running or a
    restart."""
    imap_server, smtp = servers
    reg = world.root / "reg"
    reg.mkdir()
    if (world.root / "qlvb.db").exists():
        (reg / "qlvb.db").write_bytes((world.root / "qlvb.db").read_bytes())
    world.extra["database"] = "sqlite:///reg/qlvb.db"
    world.write_config()
    append(imap_server, _ok(world, "ok0", 5780))
    daemon = start_daemon(world, ready=False, command=GATEWAY_EXEC)
    again = None
    try:
        assert wait_for(lambda: len(_acks(smtp.recorder.messages)) >= 1, timeout=60), _log(daemon)[-2000:]
        _chattr("+i", reg)
        append(imap_server, _ok(world, "ok1", 5781))
        assert wait_for(lambda: len(_acks(smtp.recorder.messages)) >= 2, timeout=30), _log(daemon)[-2000:]
        stop_daemon(daemon)  # the restart: the old process ends (its -wal cannot be removed)...
        _chattr("-i", reg)
        for leftover in ("qlvb.db-wal", "qlvb.db-shm"):  # ...and the service restarted on a fresh boot: no WAL left
            (reg / leftover).unlink(missing_ok=True)
        _chattr("+i", reg)
        append(imap_server, _ok(world, "ok2", 5782), _forged(world, "forged3", 5789), _ok(world, "ok4", 5784))
        again = start_daemon(world, ready=False, command=GATEWAY_EXEC)
        time.sleep(10)
        exited = again.poll()
        counts_meanwhile = folder_counts(imap_server)
        first_words = _log(again)[-3000:]
        _chattr("-i", reg)
        if exited is not None:  # refused at its start: systemd starts it again
            again = start_daemon(world, ready=False, command=GATEWAY_EXEC)
        assert wait_for(lambda: (_counts(imap_server) or {}).get("inbox") == 0, timeout=60), (_counts(imap_server),
                                                                                              _log(again)[-2000:])
        assert wait_for(lambda: len(_acks(smtp.recorder.messages)) >= 4, timeout=30), _acks(smtp.recorder.messages)
        time.sleep(2)
        assert again.poll() is None
    finally:
        subprocess.run(["chattr", "-i", str(reg)], capture_output=True)
        if again is not None:
            _kill(again)
        _kill(daemon)
    assert counts_meanwhile["quarantined"] == 0 and counts_meanwhile["inbox"] == 3, counts_meanwhile
    if exited is not None:
        assert exited in (1, 2) and "Traceback" not in first_words and "reg" in first_words, (exited, first_words)
    docs, mails, _ = _register(reg / "qlvb.db")
    assert sorted(n for _, n, _ in docs) == [1, 2, 3, 4] and mails == 5, (docs, mails)
    assert folder_counts(imap_server)["quarantined"] == 1
    assert _acks(smtp.recorder.messages) == ["1", "2", "3", "4"] and _each_once(smtp.recorder.messages) == []


# ================================================================================================== the clock stepped back
def test_the_mail_servers_clock_stepped_back_an_hour_across_new_year_numbers_each_year_without_gaps(world: World) -> None:
    """Fault injected: on the night of 31 December the mail server's clock is stepped back an hour by NTP (it ran fast):
    its INTERNALDATEs go 22:00 (2025), 00:20 (2026), then, after the step, 23:25 and 23:59:30 (2025) again, then 00:05
    (2026). All five wait in one batch; office hours round the clock on both days.
    Expected: each mail registered once in the year of its receive time, each year's numbers 1..n without a gap or a
    second number 1 (2025: 1, 2, 3; 2026: 1, 2), each acknowledged once."""
    from test_faults_servers import append_all

    smtp = SmtpServer()
    smtp.start()
    with dovecot((US["mailbox"], PASSWORD)) as server:
        _watch_through(world, server.port, smtp.port)
        world.extra["office_hours"] = {"days": ["mon", "tue", "wed", "thu", "fri", "sat", "sun"], "start": "00:00",
                                       "end": "23:59:59.999999", "extra_workdays": ["2025-12-31", "2026-01-01"]}
        world.write_config()
        times = ["2025-12-31T22:00:00", "2026-01-01T00:20:00", "2025-12-31T23:25:00", "2025-12-31T23:59:30",
                 "2026-01-01T00:05:00"]
        when = [datetime.fromisoformat(t).replace(tzinfo=VIETNAM) for t in times]
        mails = [world.mail(f"ok{i}", date=w, attachments=[("cv.pdf", numbered_document(5790 + i, (30, 12, 2025)))])
                 for i, w in enumerate(when)]
        append_all(server, mails, when)
        daemon = start_daemon(world)
        try:
            assert wait_for(lambda: (_counts(server) or {}).get("accepted") == 5, timeout=60), _counts(server)
            assert wait_for(lambda: len(_acks(smtp.recorder.messages)) >= 5, timeout=30)
            time.sleep(2)
        finally:
            stop_daemon(daemon)
            smtp.stop()
    docs, _, _ = _register(world.root / "qlvb.db")
    by_year = {y: sorted(n for yy, n, _ in docs if yy == y) for y in (2025, 2026)}
    assert by_year == {2025: [1, 2, 3], 2026: [1, 2]}, docs
    assert {t: y for y, _, t in docs} == {"5790/STP-VP": 2025, "5791/STP-VP": 2026, "5792/STP-VP": 2025,
                                          "5793/STP-VP": 2025, "5794/STP-VP": 2026}, docs
    assert sorted(_acks(smtp.recorder.messages)) == ["1", "1", "2", "2", "3"] and _each_once(smtp.recorder.messages) == []


# ================================================================================================== the disk full, outbox
@pytest.mark.long  # tens of seconds of waiting on the real servers: started first
def test_the_disk_full_as_the_outbox_writes_down_an_acknowledgement_the_server_took(
        world: World, small_disk: Path) -> None:  # noqa: F811
    """Fault injected: the register and the store on one disk (/var/lib/qlvb-gateway, as *Installing for real* lays
    them out; here a 16 MB tmpfs); a letter registered, its acknowledgement in the submission server's DATA (a content
    filter: 4 s) when the disk fills up (the desk's pictures, a log); the server takes it (250); the disk is freed
    10 s later.
    Expected: the acknowledgement delivered once and, once there is room, written down `sent` (the daemon knows the
    server took it: README "whatever stops a batch, what the server took is written down first"), never left `queued`
    to go again when its 2-minute lease runs out; the daemon running, the next letter registered 2 and answered once.
    Observed (FAULT): the daemon logs "outbox: OperationalError: database or disk is full" and drops what the server
    said: gateway/outbox.py `OutboxSender.send_due` writes the heard results once more in its `finally` (`record()`),
    which raises again, and nothing keeps them; the row stays `queued`, leased, attempts 0, after the disk is freed,
    so the acknowledgement the recipient already has goes a second time (a new delivery, not a crash's) once the lease
    runs out two minutes later."""
    handler = SlowData(4)
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    db = small_disk / "reg.db"
    if (world.root / "qlvb.db").exists():
        db.write_bytes((world.root / "qlvb.db").read_bytes())
    with dovecot((US["mailbox"], PASSWORD)) as server:
        _watch_through(world, server.port, port)
        world.extra["database"] = "sqlite:///store/reg.db"
        world.write_config()
        append(server, _ok(world, "ok0", 5800))
        daemon = start_daemon(world, ready=False, command=GATEWAY_EXEC)
        try:
            assert handler.in_data.wait(timeout=60), _log(daemon)[-2000:]
            filler = _fill(small_disk)
            assert wait_for(lambda: len(handler.messages) >= 1, timeout=20)
            time.sleep(10)
            filler.unlink()
            assert wait_for(lambda: [s for k, s, _ in _register(db)[2] if k != "digest"] == ["sent"], timeout=30), (
                _register(db)[2], _log(daemon)[-1500:])
            append(server, _ok(world, "ok1", 5801))
            assert wait_for(lambda: len(_acks(handler.messages)) >= 2, timeout=60), _acks(handler.messages)
            time.sleep(2)
            assert daemon.poll() is None
        finally:
            _kill(daemon)
            controller.stop()
    assert sorted(n for _, n, _ in _register(db)[0]) == [1, 2]
    assert _acks(handler.messages) == ["1", "2"] and _each_once(handler.messages) == []
