"""Red team 40 (issue 11: no mail stops the gateway, nothing is lost, numbers without gaps, never answer the
unproven). Each test failed before its fix (the Maildir's file read, the automatic sender's document judged, the
receive time never in the future). Real mails, real signed
PDFs, the real command line (`ingest`) and daemon (`run` on a Maildir), as tests/test_poison_mail.py does."""

from __future__ import annotations

import json
import mailbox as stdlib_mailbox
import sqlite3
import time
from datetime import datetime, timezone

import pytest

from servers import wait_for
from test_daemon import mails_recorded, start_daemon, stop_daemon
from world import World


def _signed_mail(world: World, name: str, number: int, **kw) -> bytes:  # type: ignore[no-untyped-def]
    pdf = world.signed("stp", world.document(number=f"{number}/STP-VP"))
    return world.mail(name, attachments=[("cv.pdf", pdf)], **kw).read_bytes()


def _notations(world: World) -> list[str]:
    with sqlite3.connect(world.root / "qlvb.db") as db:
        return [n for (n,) in db.execute("SELECT notation FROM documents ORDER BY arrival_number")]


def test_two_maildir_files_with_one_key_are_both_registered_or_left(world: World) -> None:
    """Maildir: new/K and cur/K:2,S (one base name twice: a restored backup, a copy made by hand, a
    second delivery agent). The daemon reads the mail by the standard library's table of contents (the
    new/ one) but files the path of its own listing (the cur/ one): the cur/ mail is moved into
    'QLVB/Đã tiếp nhận' without ever being read, and the new/ one, read again next pass, is a duplicate.
    A genuine signed document ends filed as received, absent from the register, nobody told."""
    world.extra["mailboxes"] = [{"name": "vanthu", "maildir": "Maildir", "poll_seconds": 1}]
    world.write_config()
    stdlib_mailbox.Maildir(str(world.root / "Maildir"), create=True)
    new, cur = world.root / "Maildir" / "new", world.root / "Maildir" / "cur"
    (new / "1000.a.host").write_bytes(_signed_mail(world, "m1", 1))
    (new / "1004.dup.host").write_bytes(_signed_mail(world, "m3", 3))
    (cur / "1004.dup.host:2,S").write_bytes(_signed_mail(world, "m4", 4))
    (new / "1005.b.host").write_bytes(_signed_mail(world, "m5", 5))
    daemon = start_daemon(world)
    try:
        wait_for(lambda: mails_recorded(world) >= 4 and not any((new).iterdir()) and not any(cur.iterdir()), timeout=90)
        time.sleep(3)
    finally:
        stop_daemon(daemon)
    left = [p.name for sub in (new, cur) for p in sub.iterdir()]
    # every mail is either registered or still in the inbox; none filed away unread
    assert sorted(_notations(world)) == sorted(["1/STP-VP", "3/STP-VP", "4/STP-VP", "5/STP-VP"]) or left, \
        (_notations(world), left)


@pytest.mark.parametrize("header", [{"Auto-Submitted": "auto-generated"}, {"Precedence": "bulk"},
                                    {"List-Id": "<sobannganh.bacgiang.gov.vn>"}])
def test_a_signed_document_marked_automatic_is_not_silently_ignored(world: World, header: dict[str, str]) -> None:
    """A genuine document, signed by its issuer and sent from the issuer's proven mailbox, whose mail says
    it is automatic (an e-office system's no-reply sender writes Auto-Submitted; a province's group
    address run as a list adds List-Id / Precedence). RFC 3834 forbids only the automatic *answer*; the
    gateway 'ignores' the whole mail: no number, not on `review list`, no alert to the clerk. The
    document ends in none of register, return, quarantine. It should be registered (no acknowledgement
    sent) or at least held for the clerk with its reason."""
    path = world.mail("auto", attachments=[("cv.pdf", world.signed("stp", world.document(number="77/STP-VP")))],
                      headers=header)
    out = world.ingest(path)[0]
    held = json.loads(world.run("review", "list", "--config", str(world.config_path), "--json").stdout)
    assert out["verdict"] in ("accepted", "quarantined") and (out["incoming_number"] == 1 or held), out
    assert not [r for r in out["replies"] if r["kind"] in ("ack", "return")]  # RFC 3834 still holds


def test_a_date_in_the_far_future_does_not_open_a_future_years_register(world: World) -> None:
    """`ingest FILE` of a mail with no Received line (saved from a client, brought on a stick) and
    `Date: ... 2999`: the date is 'plausible' (1970-2999), so the mail is taken as received in 2999:
    number 1 of the register of year 2999, and an acknowledgement telling the issuer it was received in
    2999. `register add --received-at` refuses a time in the future; a mail should not get one
    (the time of processing instead, with a note)."""
    raw = _signed_mail(world, "future", 204, date=datetime(2999, 6, 1, tzinfo=timezone.utc))
    assert raw.startswith(b"Received:")
    path = world.root / "mails" / "future-noreceived.eml"
    path.write_bytes(raw.split(b"\r\n", 1)[1])  # the mail without the server's Received line
    out = world.ingest(path)[0]
    assert out["verdict"] == "accepted"
    received = datetime.fromisoformat(out["received_at"])
    assert received.year <= datetime.now(timezone.utc).year + 1, out["received_at"]
    with sqlite3.connect(world.root / "qlvb.db") as db:
        years = [y for (y,) in db.execute("SELECT year FROM documents")]
    assert max(years) <= datetime.now(timezone.utc).year + 1, years
