"""Red team 95 (2026-12-06): the last commits attacked (ingest/check of a file above max_mail_mb, `_assign`'s death
in a job, the digest counted from the last digest not refused, `unreachable`'s busy, `said`). Its two findings, fixed:
a digest still queued when the next was made, then refused, left what it listed in no digest sent and off the desk's
page (a digest now counts from the last one sent, as the page does); `ingest` of a large file read its headers from a
second open of the path (now from the one pass that keeps and hashes it)."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path


from test_redteam94 import _refusing_smtp, _send, _texts
from world import World


def test_a_digest_still_queued_when_the_next_is_made_then_refused_loses_what_it_listed(world: World) -> None:
    """P1 registered; the morning digest D1 made and still queued (the daemon not sending yet, the server slow); P2
    registered; the afternoon digest D2 made: it counts from D1 (queued is not `failed`) and lists P2 alone. The outbox
    then sends: the server refuses D1 for good (552; or D1 given up after two days of 4xx while D2 still waits), takes
    D2. P1 was listed only by D1, which no clerk got; the landing page counts from D2 (the last sent): P1 is in no
    digest received and off the page, the fault red team 94 fixed for a digest refused before the next was made.
    Expected: P1 in a digest a clerk got, or on the landing page."""
    from datetime import date
    from sqlalchemy import select

    from registry.desk_reads import today
    from registry.models import Outbox

    controller, port, handler = _refusing_smtp(refuse_first=1)
    try:
        world.extra["smtp"] = {"host": "127.0.0.1", "port": port, "security": "none"}
        world.write_config()
        add = ("register", "add", "--config", str(world.config_path), "--issuer", "Sở Tư pháp tỉnh Bắc Giang")
        world.run(*add, "--number", "1/STP-VP", "--summary", "V/v văn bản P1 trong bản tổng hợp còn chờ")
        time.sleep(1.1)
        world.run("digest", "--config", str(world.config_path))  # D1: queued, not sent yet
        time.sleep(1.1)
        world.run(*add, "--number", "2/STP-VP", "--summary", "V/v văn bản P2")
        time.sleep(1.1)
        world.run("digest", "--config", str(world.config_path))  # D2
        _send(world)  # D1 refused for good, D2 taken
        register = world.db()
        try:
            with register.session() as s:
                states = [r.state for r in s.scalars(select(Outbox).where(Outbox.kind == "digest").order_by(Outbox.id))]
                on_page = [d.notation for d in today(s, date.today()).registered]
        finally:
            register.close()
    finally:
        controller.stop()
    text = _texts(handler.bodies)
    assert states == ["failed", "sent"], states
    assert "P1" in text or "1/STP-VP" in on_page, \
        f"P1 listed only by a digest never received, and off the landing page ({on_page}); sent: {text[:300]!r}"


def _store_files(world: World) -> set[str]:
    return set(world.stored_files())


def test_ingest_and_check_of_a_file_above_max_mail_mb_as_the_daemons(world: World) -> None:
    """max_mail_mb 1; a sender's unproven mail of 3 MB. `check`: quarantined mail-too-large, nothing in the store.
    `ingest`: held mail-too-large, kept whole (its digest the file's); `ingest` again: recorded before, nothing new;
    review release: refused for the mail (exit 2); return: sender unproven (exit 2); discard: done."""
    import hashlib

    from test_redteam94 import _big_mail

    world.extra["limits"] = {"max_mail_mb": 1}
    world.write_config()
    path = _big_mail(world, "m950", 3)
    before = _store_files(world)
    checked = world.run("check", "--config", str(world.config_path), "--json", str(path), check=False, process=True)
    assert checked.returncode == 0, checked.stderr[-500:]
    [out] = [json.loads(line) for line in checked.stdout.splitlines()]
    assert "mail-too-large" in [r["code"] for r in out["reasons"]], out
    assert _store_files(world) == before, "check wrote into the store"
    [first] = world.ingest(path, process=True)
    assert first["verdict"] == "quarantined" and "mail-too-large" in [r["code"] for r in first["reasons"]], first
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    assert any(digest in f for f in _store_files(world)), "the whole mail not kept"
    again = world.run("ingest", "--config", str(world.config_path), "--json", str(path), check=False, process=True)
    assert again.returncode == 0, again.stderr[-500:]
    [second] = [json.loads(line) for line in again.stdout.splitlines()]
    assert second.get("already_processed"), second
    [held] = json.loads(world.run("review", "list", "--config", str(world.config_path), "--json").stdout)
    release = world.run("review", "release", str(held["id"]), "--config", str(world.config_path), check=False,
                        process=True)
    ret = world.run("review", "return", str(held["id"]), "--reason", "quá lớn", "--config", str(world.config_path),
                    check=False, process=True)
    assert release.returncode == 2 and ret.returncode == 2, (release.returncode, release.stderr[-300:],
                                                             ret.returncode, ret.stderr[-300:])
    discard = world.run("review", "discard", str(held["id"]), "--config", str(world.config_path), check=False,
                        process=True)
    assert discard.returncode == 0, discard.stderr[-300:]


from test_faults_infrastructure import small_disk  # noqa: E402,F401  (the fixture)


def test_ingest_of_a_mail_above_max_mail_mb_with_the_stores_disk_full(world: World, small_disk: Path) -> None:
    """The store's disk with 2 MB free; `ingest` of a 5 MB mail (max_mail_mb 1). At stop 43: one line naming the disk,
    exit 1, nothing recorded. Since stop 44 (red team 99), as the daemon takes such a mail: hashed, not stored (the file
    stays where the operator has it), held `mail-too-large`; no temporary file left in the store."""
    from test_faults_infrastructure import _fill
    from test_redteam92 import _leave_free
    from test_redteam94 import _big_mail

    world.extra["limits"] = {"max_mail_mb": 1}
    world.write_config()
    path = _big_mail(world, "m951", 5)
    filler = _fill(small_disk)
    _leave_free(small_disk, filler, 2 * 2**20)
    done = world.run("ingest", "--config", str(world.config_path), "--json", str(path), check=False, process=True)
    left = [f for f in _store_files(world) if ".tmp" in f]
    assert done.returncode == 0 and "Traceback" not in done.stderr, (done.returncode, done.stderr[-800:])
    [out] = [json.loads(line) for line in done.stdout.splitlines()]
    assert (out["verdict"], [r["code"] for r in out["reasons"]]) == ("quarantined", ["mail-too-large"]), out
    assert not left, left
    assert not [f for f in _store_files(world) if ".tmp" not in f and f != "filler"], "stored, where the disk had no room"


def test_ingest_of_a_large_file_replaced_while_read_registers_one_mails_headers_over_anothers_original(
        world: World) -> None:
    """`_read_mails` streams a file above max_mail_mb into the store (its digest and size), then opens the PATH again
    for the headers the worker judges. The file is replaced (renamed over: a mail client saving, a sync tool) while it
    streams: the register then holds mail A's original under mail B's From, Subject and Message-ID (and B's DKIM
    verdict). The daemon reads the head from the stored copy (`store.head(digest)`). Expected: the held mail's
    particulars are those of the original kept."""
    import subprocess
    import email

    from world import GATEWAY
    from test_redteam94 import _big_mail

    world.extra["limits"] = {"max_mail_mb": 1}
    world.write_config()
    a = _big_mail(world, "m952a", 600)
    b = _big_mail(world, "m952b", 2)
    target = world.root / "incoming.eml"
    os.replace(a, target)
    env = dict(os.environ, PYTHONWARNINGS="ignore")
    proc = subprocess.Popen([*GATEWAY, "ingest", "--config", str(world.config_path), "--json", str(target)],
                            cwd=world.root, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    folder = world.root / "store" / "sha256"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not (folder.exists() and any(p.name.startswith(".tmp") for p in folder.iterdir())):
        time.sleep(0.01)
    os.replace(b, target)  # the path now names mail B; the open file is still A
    out, err = proc.communicate(timeout=600)
    assert proc.returncode == 0, err[-500:]
    [held] = [json.loads(line) for line in out.splitlines() if line.strip()]
    [case] = json.loads(world.run("review", "list", "--config", str(world.config_path), "--json").stdout)
    register = world.db()
    try:
        from sqlalchemy import select
        from registry.models import Mail
        with register.session() as s:
            [mail] = s.scalars(select(Mail)).all()
            kept, subject, message_id = mail.sha256, mail.subject, mail.message_id
    finally:
        register.close()
    stored = next(p for p in (world.root / "store").rglob(kept) if p.is_file())
    with stored.open("rb") as f:
        original = email.message_from_bytes(f.read(65536).split(b"\r\n\r\n", 1)[0] + b"\r\n\r\n")
    assert message_id == original["Message-ID"].strip("<> ") or original["Message-ID"] in message_id or \
        message_id in original["Message-ID"], \
        f"register: Message-ID {message_id!r}, subject {subject!r}; the kept original's: {original['Message-ID']!r}, " \
        f"{original['Subject']!r}"


def test_on_postgresql_a_refused_digests_list_is_given_again_and_two_clerks_one_refusing(world: World) -> None:
    """PostgreSQL; two clerk addresses. P1 registered; D1 made: the server refuses it for good to both (552); P2
    registered; D2 made and sent: it lists P1 again (red team 94's fix, here on PostgreSQL's timestamptz). Sound check."""
    from servers import postgres

    controller, port, handler = _refusing_smtp(refuse_first=2)
    try:
        with postgres() as url:
            world.extra["database"] = url
            world.extra["smtp"] = {"host": "127.0.0.1", "port": port, "security": "none"}
            world.extra["notify"] = {"clerk": ["vanthu1@snv.bacgiang.gov.vn", "vanthu2@snv.bacgiang.gov.vn"],
                                   "urgent": ["lanhdao@snv.bacgiang.gov.vn"]}
            world.write_config()
            add = ("register", "add", "--config", str(world.config_path), "--issuer", "Sở Tư pháp tỉnh Bắc Giang")
            world.run(*add, "--number", "1/STP-VP", "--summary", "V/v văn bản P1 trong bản tổng hợp hỏng")
            time.sleep(1.1)
            world.run("digest", "--config", str(world.config_path))
            _send(world)
            time.sleep(1.1)
            world.run(*add, "--number", "2/STP-VP", "--summary", "V/v văn bản P2")
            time.sleep(1.1)
            world.run("digest", "--config", str(world.config_path))
            _send(world)
    finally:
        controller.stop()
    text = _texts(handler.bodies)
    assert len(handler.bodies) == 2 and text.count("P1") == 2, text[:600]
