"""One process works a mailbox at a time (gateway/mailbox_lease.py): two daemons on one configuration, the second leaves
the mailbox to the first and takes it when the first dies, even by kill -9 (red team 101's table: both MOVEd one mail
and Dovecot left it twice in its folder)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from born_digital import numbered_document
from gateway.mailbox_lease import MailboxLease, lease_path
from servers import wait_for
from test_daemon import append, folder_counts, servers, start_daemon, stop_daemon  # noqa: F401
from test_redteam101 import _numbers
from world import GATEWAY_EXEC, World


def test_a_mailbox_held_by_one_lease_is_refused_to_another_until_released(tmp_path: Path) -> None:
    path = lease_path(tmp_path, "văn thư/1")
    first, second = MailboxLease(path), MailboxLease(path)
    assert first.take() and first.held
    assert not second.take() and not second.held
    assert second.holder() == str(os.getpid())
    first.release()
    assert second.take()
    assert lease_path(tmp_path, "a/b") != lease_path(tmp_path, "a_b")  # names alike in a file name are two mailboxes


def test_a_lease_held_by_a_process_killed_by_signal_9_is_free_again(tmp_path: Path) -> None:
    path = lease_path(tmp_path, "vanthu")
    holder = subprocess.Popen([sys.executable, "-c", (
        "import sys, time; from pathlib import Path; from gateway.mailbox_lease import MailboxLease; "
        f"assert MailboxLease(Path({str(path)!r})).take(); print('held', flush=True); time.sleep(60)")],
        stdout=subprocess.PIPE, text=True, env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])})
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        assert not MailboxLease(path).take()
    finally:
        holder.send_signal(signal.SIGKILL)
        holder.wait()
    assert MailboxLease(path).take()


@pytest.mark.long
def test_a_second_daemon_leaves_the_mailbox_to_the_first_and_takes_it_when_the_first_is_killed(
        world: World, servers) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    imap_server, _ = servers
    first_mails = [world.mail(f"a{i}", attachments=[("cv.pdf", numbered_document(3000 + i))]) for i in range(8)]
    later_mails = [world.mail(f"b{i}", attachments=[("cv.pdf", numbered_document(3100 + i))]) for i in range(4)]
    first = start_daemon(world, command=GATEWAY_EXEC)
    second = start_daemon(world, command=GATEWAY_EXEC, ready=False)
    try:
        said = second.log  # type: ignore[attr-defined]
        assert wait_for(lambda: "worked by another gateway process" in said.read_text(errors="replace"), timeout=60), \
            said.read_text(errors="replace")[-2000:]
        append(imap_server, *first_mails)
        assert wait_for(lambda: folder_counts(imap_server)["accepted"] == len(first_mails), timeout=90), \
            folder_counts(imap_server)
        first.send_signal(signal.SIGKILL)  # no chance to let go: the operating system releases its lock
        first.wait(timeout=30)
        append(imap_server, *later_mails)
        started = time.monotonic()
        assert wait_for(lambda: folder_counts(imap_server)["accepted"] == len(first_mails) + len(later_mails),
                        timeout=90), folder_counts(imap_server)
        took = time.monotonic() - started
    finally:
        if first.poll() is None:
            first.kill()
        log = stop_daemon(second)
    assert "this one works it now" in log
    counts = folder_counts(imap_server)
    assert counts == {"inbox": 0, "accepted": 12, "returned": 0, "quarantined": 0, "ignored": 0}, counts
    assert _numbers(world) == list(range(1, 13))  # each mail registered once, numbered without a gap
    assert took < 60, took
