"""The daemon neither dawdles nor hoards: mail appended while it works through a backlog is filed at
once, not at the next poll; a mail's whole analysis is bounded (limits.seconds_per_mail); mail is
fetched in batches bounded by bytes (limits.batch_mb). Against a private Dovecot, through the CLI."""

from __future__ import annotations

import hashlib
import mailbox as stdlib_mailbox
import os
import re
import time
from pathlib import Path
from typing import Any

import pymupdf

from servers import Dovecot, dovecot, wait_for
from test_daemon import PASSWORD, append, folder_counts, imap, servers, start_daemon, stop_daemon  # noqa: F401
from world import GATEWAY_EXEC, US, World

MB = 1024 * 1024


def appended_uid(response: bytes) -> int:
    match = re.search(rb"APPENDUID \d+ (\d+)", response)
    assert match, response
    return int(match.group(1))


def in_inbox(server: Dovecot, uids: list[int]) -> set[int]:
    client = imap(server)
    try:
        client.select_folder("INBOX", readonly=True)
        return set(client.search(["UID", ",".join(map(str, uids))]))
    finally:
        client.logout()


def test_mail_arriving_during_a_backlog_is_filed_at_once_not_at_the_next_poll(world: World, servers) -> None:  # type: ignore[no-untyped-def]
    """poll_seconds is 60: a mail the daemon heard of (EXISTS) while fetching or filing others, and then
    forgot, would wait a minute. All of them arrive while the backlog is worked through (no later mail
    wakes the daemon up); each is filed within seconds of its APPEND."""
    imap_server, _ = servers
    world.extra["mailboxes"][0]["poll_seconds"] = 60
    world.write_config()
    backlog = [world.mail(f"b{i}", attachments=[("cv.pdf", world.document(number=f"{100 + i}/STP-VP"))])
               for i in range(100)]  # enough that the late mails arrive while it is worked through, on a busy machine too
    late = [world.mail(f"late{i}", attachments=[("cv.pdf", world.document(number=f"{900 + i}/STP-VP"))])
            for i in range(3)]
    append(imap_server, *backlog)
    daemon = start_daemon(world, command=GATEWAY_EXEC)
    try:
        assert wait_for(lambda: folder_counts(imap_server)["inbox"] < len(backlog), timeout=60)
        appended: list[tuple[int, float, int]] = []  # UID, when, backlog mails still waiting then
        client = imap(imap_server)
        try:
            for path in late:
                appended.append((appended_uid(client.append("INBOX", path.read_bytes())), time.monotonic(),
                                 int(client.folder_status("INBOX", ["MESSAGES"])[b"MESSAGES"]) - len(appended) - 1))
                time.sleep(0.1)
        finally:
            client.logout()
        filed: dict[int, float] = {}
        deadline = time.monotonic() + 60
        while len(filed) < len(late) and time.monotonic() < deadline:
            still = in_inbox(imap_server, [uid for uid, _, _ in appended])
            filed.update({uid: time.monotonic() for uid, _, _ in appended if uid not in still and uid not in filed})
            time.sleep(0.1)
    finally:
        stop_daemon(daemon)
    assert appended[-1][2] > 0, "the backlog was done before the last mail arrived: nothing tested"
    assert len(filed) == len(late), "a mail appended during the backlog was left for the poll"
    for uid, at, _ in appended:
        assert filed[uid] - at < 10, f"UID {uid} filed {filed[uid] - at:.1f} s after its APPEND"
    assert folder_counts(imap_server)["accepted"] == len(backlog) + len(late)


def test_seconds_per_mail_bounds_a_mails_whole_analysis(world: World) -> None:
    """A hundred and twenty signed PDFs, each read well within seconds_per_document, together past
    seconds_per_mail (about 2.5 s of reading against 1 s): the worker is stopped, the mail quarantined as
    processing-failed, and the next mail, one PDF (30 ms, a thirtieth of the bound, so that a loaded
    machine does not quarantine it too: with 0.4 s it once did, beside the suite and a fuzzer), read as usual."""
    signed = world.signed(pdf=world.document(number="700/STP-VP"))
    many = world.mail("many", attachments=[(f"phu-luc-{i}.pdf", signed) for i in range(120)])
    after = world.mail("after", attachments=[("cv.pdf", world.document(number="800/STP-VP"))])
    world.extra["limits"] = {"seconds_per_document": 60, "seconds_per_mail": 1.0, "workers": 1, "max_mail_mb": 100}
    world.write_config()
    slow, fine = world.ingest(many, after)
    assert slow["verdict"] == "quarantined" and slow["reasons"][0]["code"] == "processing-failed", slow["reasons"]
    assert "seconds_per_mail" in slow["reasons"][0]["message"]
    assert fine["verdict"] == "accepted"
    world.extra["limits"] = {"seconds_per_document": 60, "seconds_per_mail": 300, "max_mail_mb": 100}  # time enough
    world.write_config()
    # a mail of its own: `check` tells a mail the register has as `ingest` would, recorded before (stop 50)
    again = world.ingest(world.mail("many-again", attachments=[(f"phu-luc-{i}.pdf", signed) for i in range(120)]),
                         command="check")
    codes = {r["code"] for out in again for r in out["reasons"]}
    assert "processing-failed" not in codes and "mail-too-large" not in codes


def _large_mail(world: World, name: str, megabytes: float) -> Path:
    """A document with a photo of about this size (incompressible) beside it."""
    side = int((megabytes * MB / 3) ** 0.5)
    photo = pymupdf.Pixmap(pymupdf.csRGB, side, side, os.urandom(side * side * 3), False).tobytes("png")
    return world.mail(name, attachments=[("cv.pdf", world.document(number=f"{name}/STP-VP")), ("anh.png", photo)])


def test_mail_is_fetched_in_batches_bounded_by_bytes(world: World) -> None:
    """The batches the daemon fetches, by the sizes Dovecot (and a Maildir) report: at most batch_mb
    each, a larger mail alone, every mail once and in order."""
    from gateway.config import Folders
    from gateway.mailboxes import mail_folders
    from qlvb_mailbox.imap import ImapMailbox
    from qlvb_mailbox.maildir import MaildirMailbox
    from qlvb_mailbox.settings import Server

    sizes = [1.2, 0.1, 1.5, 3.5, 0.1, 0.1, 1.0]  # MB; the 3.5 MB one is above the bound
    paths = [_large_mail(world, f"m{i}", mb) for i, mb in enumerate(sizes)]
    bound = int(2.5 * MB)
    with dovecot((US["mailbox"], PASSWORD)) as server:
        append(server, *paths)
        box = ImapMailbox(Server(host="127.0.0.1", port=server.port, security="none", username=US["mailbox"],
                                 password=PASSWORD), mail_folders(Folders()))
        try:
            box.connect()
            uids = box.pending(0)
            batches = list(box.batches(uids, count=20, max_bytes=bound, alone_above=50 * MB))
            fetched = [box.fetch(b.keys) for b in batches]
        finally:
            box.close()
    assert [uid for b in batches for uid in b.keys] == uids
    for batch, mails in zip(batches, fetched):
        held = sum(len(m.raw) for m in mails)
        assert held == batch.size and (held <= bound or len(mails) == 1), [len(m.raw) for m in mails]
    assert len(batches) >= 4  # 1.2 + 0.1 | 1.5 | 3.5 alone | 0.1 + 0.1 + 1.0

    inbox = stdlib_mailbox.Maildir(str(world.root / "Maildir"), create=True)
    for path in paths:
        inbox.add(path.read_bytes())
    box = MaildirMailbox(world.root / "Maildir", mail_folders(Folders()))
    box.connect()
    keys = box.pending()
    local = list(box.batches(keys, count=3, max_bytes=bound, alone_above=50 * MB))
    assert [k for b in local for k in b.keys] == keys
    assert all(b.size <= bound or len(b.keys) == 1 for b in local) and all(len(b.keys) <= 3 for b in local)


def test_a_backlog_of_large_mails_goes_through_a_small_batch_bound(world: World, servers) -> None:  # type: ignore[no-untyped-def]
    """With batch_mb smaller than some mails, and a mail above max_mail_mb: every mail filed and
    registered in order, the one too large kept and held for the clerk."""
    imap_server, _ = servers
    world.extra["limits"] = {"batch_mb": 2, "max_mail_mb": 4}
    world.write_config()
    paths = [_large_mail(world, f"{i + 1}", mb) for i, mb in enumerate([1.5, 0.4, 3.5, 1.0, 1.8, 0.1])]  # MB of photo; 4.8 MB the mail
    append(imap_server, *paths)
    daemon = start_daemon(world, command=GATEWAY_EXEC)
    try:
        assert wait_for(lambda: folder_counts(imap_server)["inbox"] == 0, timeout=120), folder_counts(imap_server)
    finally:
        stop_daemon(daemon)
    counts = folder_counts(imap_server)
    assert counts["accepted"] == len(paths) - 1 and counts["quarantined"] == 1
    from registry.models import Document, Mail

    register = world.db()
    with register.session() as s:
        notations = [d.notation for d in s.query(Document).order_by(Document.arrival_number)]
        too_large = [m for m in s.query(Mail) if m.verdict == "quarantined"]
    register.close()
    assert notations == ["1/STP-VP", "2/STP-VP", "4/STP-VP", "5/STP-VP", "6/STP-VP"]
    assert len(too_large) == 1 and too_large[0].stored and too_large[0].size > 4 * MB


def _peak_rss_mb(pid: int) -> float:
    """A process's peak resident memory so far (VmHWM), in MB."""
    status = Path(f"/proc/{pid}/status").read_text()
    return int(re.search(r"VmHWM:\s+(\d+) kB", status).group(1)) / 1024  # type: ignore[union-attr]


def _huge_mail(world: World, name: str, megabytes: int, **kw: Any) -> Path:
    """A mail of about this size: a document and a large archive beside it (incompressible)."""
    return world.mail(name, attachments=[("cv.pdf", world.document(number=f"{name}/STP-VP")),
                                         ("ho-so.zip", os.urandom(megabytes * MB * 3 // 4))], **kw)


def _kept_whole(world: World, original: bytes) -> str:
    """The verdict the register gives the mail, once its original, byte for byte, is in the store."""
    from registry.models import Mail

    digest = hashlib.sha256(original).hexdigest()
    register = world.db()
    with register.session() as s:
        row = s.query(Mail).filter(Mail.sha256 == digest).one()
        verdict, size, stored, reasons = row.verdict, row.size, row.stored, str(row.outcome)
    register.close()
    kept = world.root / "store" / "sha256" / digest[:2] / digest
    assert stored and size == len(original) and hashlib.sha256(kept.read_bytes()).hexdigest() == digest
    assert "mail-too-large" in reasons
    return verdict


def test_a_mail_too_large_to_read_is_never_held_whole_over_imap(world: World, servers) -> None:  # type: ignore[no-untyped-def]
    """A 96 MB mail above max_mail_mb (4): the daemon reads it into the store a few MB at a time, keeps
    it, and returns it to its proven sender; its memory grows by far less than the mail (it held the mail,
    and copies of it, whole: over 200 MB more)."""
    imap_server, _ = servers
    world.extra["limits"] = {"max_mail_mb": 4}
    world.write_config()
    small = world.mail("1", attachments=[("cv.pdf", world.document(number="1/STP-VP"))])
    huge = _huge_mail(world, "2", 96, auth="smtp")
    append(imap_server, small)
    daemon = start_daemon(world, command=GATEWAY_EXEC)
    try:
        assert wait_for(lambda: folder_counts(imap_server)["accepted"] == 1, timeout=60)
        before = _peak_rss_mb(daemon.pid)
        append(imap_server, huge)
        assert wait_for(lambda: folder_counts(imap_server)["returned"] == 1, timeout=120), folder_counts(imap_server)
        grown = _peak_rss_mb(daemon.pid) - before
    finally:
        stop_daemon(daemon)
    assert _kept_whole(world, huge.read_bytes()) == "returned"
    assert grown < 40, f"the daemon grew by {grown:.0f} MB"


def test_a_mail_too_large_to_read_is_never_held_whole_in_a_maildir(world: World) -> None:
    """The same in a local Maildir: the file copied into the store a few MB at a time, kept and held
    for the clerk (its DKIM signature cannot be checked without reading it)."""
    inbox = stdlib_mailbox.Maildir(str(world.root / "Maildir"), create=True)
    world.extra["mailboxes"] = [{"name": "vanthu", "maildir": "Maildir", "poll_seconds": 1}]
    world.extra["limits"] = {"max_mail_mb": 4}
    world.write_config()
    inbox.add(world.mail("1", attachments=[("cv.pdf", world.document(number="1/STP-VP"))]).read_bytes())
    huge = _huge_mail(world, "2", 96)
    daemon = start_daemon(world, command=GATEWAY_EXEC)
    try:
        assert wait_for(lambda: not any((world.root / "Maildir" / "new").iterdir()), timeout=60)
        before = _peak_rss_mb(daemon.pid)
        inbox.add(huge.read_bytes())
        assert wait_for(lambda: not any((world.root / "Maildir" / "new").iterdir()), timeout=120)
        grown = _peak_rss_mb(daemon.pid) - before
    finally:
        stop_daemon(daemon)
    assert _kept_whole(world, huge.read_bytes()) == "quarantined"
    assert grown < 40, f"the daemon grew by {grown:.0f} MB"
