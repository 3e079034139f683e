"""Red team 93 (2026-12-06): this session's changes attacked (workers handing a job again, the store the worker cannot
write, status' disk alert, drafts going with their document). Its five findings, each fixed (each test says what was
observed before): a release told to return or discard a good mail for the gateway's full disk; no `disk` alert while a
mail under max_mail_mb could not be kept (its decoded files count too: twice the room now); a job handed again got a
whole new time limit; `ingest` with the store's disk full was an internal failure and a traceback; a draft named after
the second of two documents went with neither (the README said such a draft stays: it goes with the first recall, as the
mail's original does)."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest

from servers import wait_for
from test_daemon import mails_recorded, start_daemon, stop_daemon
from test_faults_infrastructure import _fill, _filed, _good, _inbox, _maildir, _register, _status_error
from test_faults_infrastructure import small_disk  # noqa: F401  (the fixture)
from test_redteam92 import _leave_free
from world import World


def _waiting(world: World) -> list[dict]:
    done = world.run("review", "list", "--config", str(world.config_path), "--json")
    return json.loads(done.stdout)


def test_a_release_while_the_stores_disk_is_full_tells_the_clerk_to_return_or_discard_a_good_mail(
        world: World, small_disk: Path) -> None:
    """A mail held unread at intake (here: its analysis past limits.seconds_per_mail, its original alone stored) is
    released by the clerk (the limit raised meanwhile), while the store's disk is full. The release's worker cannot write
    the mail's files: StoreUnavailable, a failure the worker marks as the infrastructure's. Expected: the clerk told the
    gateway's disk is full and to try again (the mail is good); observed: `review release` exits 2 with "the mail
    cannot be analysed (…); return or discard it" (the desk: "Hệ thống không phân tích lại được thư này: hãy trả lại
    hoặc bỏ qua"), the code `unanalysable`, as for a mail the workers cannot read."""
    world.extra["limits"] = {"seconds_per_mail": 0.001}  # ended before its files are written, whatever the machine
    world.write_config()
    pdf = world.signed("stp", world.document(number="931/STP-VP"))
    [out] = world.ingest(world.mail("m931", attachments=[("cv.pdf", pdf), ("phuluc.txt", b"phu luc " * 40000)]))

    [held] = _waiting(world)
    world.extra["limits"] = {"seconds_per_mail": 300}
    world.write_config()
    filler = _fill(small_disk)
    try:
        done = world.run("review", "release", str(held["id"]), "--config", str(world.config_path), check=False)
    finally:
        filler.unlink()
    said = done.stdout + done.stderr

    assert "No space left on device" in said, said
    assert "return or discard" not in said, f"the clerk told to return or discard a good mail for a full disk: {said}"
    assert done.returncode != 2, "a usage error (exit 2) for the gateway's own disk"
    # once there is room, the same release registers it
    again = world.run("review", "release", str(held["id"]), "--config", str(world.config_path), check=False)
    assert again.returncode == 0, again.stdout + again.stderr


def test_status_says_no_disk_alert_while_one_mail_under_max_mail_mb_cannot_be_kept_and_stops_the_mailbox(
        world: World, small_disk: Path) -> None:
    """`status` alerts `disk` when the store's disk has less room than limits.max_mail_mb (README *Monitoring*: "less
    room than the largest mail the gateway takes": "the next mail may not be kept"). But the worker writes a mail's
    original AND each of its decoded files: a mail of max_mail_mb writes up to about twice that. Here max_mail_mb is 4
    and the disk has 5 MB free: `status` exits 0, no alert; then a sender's mail of 3.9 MB (an attachment of 2.4 MB,
    base64, and its signed PDF) needs 6.8 MB, fails with ENOSPC (StoreUnavailable: the infrastructure's, its attempt
    given back), is left for later for ever, and the good mails behind it wait with it. Expected: `status` exits 4 with
    a `disk` alert before such a mail comes (the threshold the room a mail of max_mail_mb takes in the store, about twice
    max_mail_mb); observed: exit 0, no alert, until the failed mail's original left on the disk brings it under 4 MB."""
    inbox = _maildir(world, limits={"max_mail_mb": 4})
    big = world.mail("big", attachments=[("cv.pdf", world.signed("stp", world.document(number="932/STP-VP"))),
                                         ("anh.jpg", os.urandom(2_400_000))]).read_bytes()
    assert len(big) < 4 * 2**20
    daemon = start_daemon(world)
    try:
        filler = _fill(small_disk)
        _leave_free(small_disk, filler, 5 * 2**20)
        before = world.run("status", "--config", str(world.config_path), "--json", check=False)
        inbox.add(big)
        time.sleep(2)
        for raw in _good(world, 933, 934):
            inbox.add(raw)
        # the worker's try to keep it, then the mailbox's error (seconds; more on a machine loaded by the suite)
        wait_for(lambda: "No space left on device" in _status_error(world), timeout=45)
        print("before:", before.returncode, json.loads(before.stdout)["store"], json.loads(before.stdout)["alerts"])
        print("inbox:", _inbox(world), "recorded:", mails_recorded(world), "error:", _status_error(world))
        assert daemon.poll() is None
        assert "No space left on device" in _status_error(world)  # the worker could not keep the mail under max_mail_mb
        assert _inbox(world) == 3 and mails_recorded(world) == 0  # it and the two behind it wait
        said = json.loads(before.stdout)
        assert before.returncode == 4 and [a for a in said["alerts"] if a["mailbox"] == "disk"], \
            f"status exit {before.returncode}, no disk alert, with room on the disk for no mail of max_mail_mb: {said['store']}"
    finally:
        stop_daemon(daemon)


def _drawn_with_a_kill(world: World, kill_at: float | None) -> tuple[float, object]:
    """A PDF whose first page takes minutes to draw (a decompression bomb), drawn by a one-worker pool as the desk's
    (limits.seconds_per_document 5); its worker killed from outside (the OOM killer) `kill_at` seconds after it began."""
    import signal

    import made_pdfs
    from gateway import workers
    from test_redteam82 import _opened

    bomb = made_pdfs.decompression_bomb(world.document(number="935/STP-VP"), gigabytes=8)
    with _opened(world) as gateway:
        pool = workers.WorkerPool(gateway.analysis_settings(), size=1, seconds=5, seconds_per_mail=5,
                                  memory_mb=gateway.config.limits.worker_memory_mb)
        with pool:
            pool.start()
            began = time.monotonic()
            future = pool.submit(workers.Job("pages", bomb))
            if kill_at is not None:
                assert wait_for(lambda: bool(pool._workers) and pool._workers[0].job is not None, timeout=30, step=0.01)
                time.sleep(max(0.0, kill_at - (time.monotonic() - began)))
                os.kill(pool._workers[0].process.pid, signal.SIGKILL)
            result = future.result(timeout=120)
            return time.monotonic() - began, result


def test_a_job_handed_again_after_its_worker_died_gets_a_whole_new_time_limit(
        world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    """F?: _died hands the job to another worker with a fresh deadline (STARTUP_SECONDS + the limit again): the job's
    limit (limits.seconds_per_document here, limits.seconds_per_mail for a mail, README: "the whole mail, all its PDFs")
    is given twice. A job whose worker dies near its end (the OOM killer here; a hostile PDF that kills MuPDF after a
    long parse would do it alone) holds a worker for twice its limit: the desk's one worker, or a daemon's, for 2 x 300 s
    a mail. Expected: the handed-again job gets what was left of its limit, its failure `timeout` at about 5 s;
    observed: about 9.5 s."""
    monkeypatch.chdir(world.root)
    alone, result = _drawn_with_a_kill(world, None)
    print("alone:", round(alone, 1), result)
    assert alone < 15 and getattr(result, "reason", None) == "timeout", (alone, result)
    killed, result = _drawn_with_a_kill(world, 4.5)
    print("killed at 4.5 s:", round(killed, 1), result)
    # measured against the job alone in the same run (a loaded machine starts workers slowly: 8.4 s alone once, where
    # 8 s was the bound): given twice, the limit would end it 4.5 s after the job alone ends
    assert killed < alone + 3, f"the job's limit of 5 s given twice: {killed:.1f} s against {alone:.1f} s alone ({result})"


def test_ingest_while_the_stores_disk_is_full_says_it_in_one_line_not_an_internal_failure(
        world: World, small_disk: Path) -> None:
    """`ingest` of a good mail while the store's disk is full. The worker's StoreUnavailable (new: the infrastructure's)
    becomes WorkersUnavailable in the pipeline, which `main` does not know: "ERROR qlvb-gateway: internal failure: the
    content store: [Errno 28] No space left on device" and a 30-line traceback, exit 1, as for a bug of the gateway.
    Expected (as for the register out of reach, red team 76, and the database's newer revision): one line saying the
    store cannot be written, the mail not taken in, a non-zero exit."""
    path = world.mail("m936", attachments=[("cv.pdf", world.signed("stp", world.document(number="936/STP-VP")))])
    filler = _fill(small_disk)
    try:
        done = world.run("ingest", "--config", str(world.config_path), "--json", str(path), check=False)
    finally:
        filler.unlink()
    print("exit", done.returncode, "stdout", done.stdout[-1500:], "stderr", done.stderr[-3000:])
    assert done.returncode != 0 and "No space left on device" in done.stderr
    assert "Traceback" not in done.stderr and "internal failure" not in done.stderr, done.stderr[-3000:]


def test_a_draft_named_after_the_second_document_goes_with_the_recall_of_the_first(world: World) -> None:
    """A mail of two documents from Sở Tư pháp: "CV 55.pdf" (55/STP-VP) and "CV 55 bổ sung.pdf" (56/STP-VP, the
    supplement), with the supplement's draft "CV 55 bổ sung - dự thảo.docx" and a draft named after neither,
    "du-thao.docx". draft_owner finds the supplement's draft "going on" from BOTH names (the first's words are a prefix of
    the second's), so it goes with neither and stays the mail's; then 55/STP-VP is recalled (its X-QLVB-Document-Id).
    README (Limits, red teams 85–90): "a draft named after none of a mail's several documents stays the mail's (no
    recall takes it)". Expected: the recall of 55 takes 55's files alone; the draft named after 56 (the longest name it
    goes on from) goes with 56 and stays, and the draft named after none stays too. Observed: recall._destroy destroys
    every file of the mail not linked to another live document: both drafts are destroyed, 56 still registered."""
    from test_trust_exchange import _docx, _recall, _rows, _stored, STP
    import hashlib
    from registry.models import Document, DocumentFile

    pdfs = {n: world.signed("stp", world.document(number=f"{n}/STP-VP")) for n in (55, 56)}
    supplement_draft, loose = _docx("Dự thảo văn bản bổ sung"), _docx("Dự thảo chung")
    mail = world.mail("two", attachments=[("CV 55.pdf", pdfs[55]), ("CV 55 bổ sung.pdf", pdfs[56]),
                                          ("CV 55 bổ sung - dự thảo.docx", supplement_draft), ("du-thao.docx", loose)],
                      headers={"X-QLVB-Document-Id": "STP-2027.55"})
    assert [o["verdict"] for o in world.ingest(mail)] == ["accepted", "accepted"]
    numbers = {d.id: d.notation for d in _rows(world, Document)}
    linked = {f.filename: numbers.get(f.document_id) for f in _rows(world, DocumentFile)}
    world.ingest(_recall(world, "recall", STP, "STP-2027.55"))
    documents = {d.notation: d.recalled for d in _rows(world, Document)}
    kept = {name: _stored(world, hashlib.sha256(data).hexdigest()).exists()
            for name, data in (("56 pdf", pdfs[56]), ("56's draft", supplement_draft), ("loose draft", loose))}
    assert documents == {"55/STP-VP": True, "56/STP-VP": False}
    # the draft named after neither is the mail's, and goes with the first recall as the mail's original does (the README
    # said it stayed: corrected; kept, a recalled document's draft could stay for good)
    assert kept == {"56 pdf": True, "56's draft": True, "loose draft": False}, (kept, linked)
    assert linked["CV 55 bổ sung - dự thảo.docx"] == "56/STP-VP", linked

