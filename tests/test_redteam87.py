"""Red team 87: what still locked rows in another order than its neighbour on PostgreSQL, what a recall destroyed of a
mail besides the document it recalls, and the desk's pictures after red team 85's fixes. Its findings, each fixed:

F1. a clerk's release locked the held mail, then the year's numbering; a recall taken in holds the numbering from its
    start, then writes the recalled document's original mail: when that mail was the one being released (it also
    carries a document held for the clerk), each waited for the other and PostgreSQL killed one (the desk: a 500 page)
    (now the release holds the numbering first, as intake does);
F2. the recall destroyed the held, never-recalled document of that mail and the mail's original with it; the mail
    stayed on the clerk's list and could never be released (now a held mail stays whole but for the recalled
    document's files; its release registers the others, never the recalled one, then destroys the mail's bytes and
    the recalled PDF the release's worker wrote again, as a recall does to a mail whose other documents are registered);
F3. a page that loads but cannot be drawn (1,000,000 x 1 pt: 0 px tall) lost the pictures of the pages before it;
F4. a picture whose client went away stayed open in the web process (file descriptors, a recalled picture's blocks)
    (now closed however the sending ends)."""

from __future__ import annotations

import os
import socket
import struct
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, select, text

from pg_locks import deadlock_timeout, sessions_waiting
from servers import postgres, wait_for
from test_trust_exchange import STP, _recall, _stored
from world import World, make_world

IDENT = "STP-2027.95"


def _mixed_mail(world: World) -> int:
    """A mail nothing proves (Sở Tư pháp's DKIM lost on the way) with Sở Tư pháp's signed 95/STP-VP, registered on its
    signature, and an unsigned 96/STP-VP, held for the clerk; then Sở Tư pháp's own mail of 95 names it for its recall.
    The held mail's id."""
    a = world.signed("stp", world.document(number="95/STP-VP"))
    b = world.document(number="96/STP-VP", summary="V/v báo cáo kết quả công tác tư pháp năm 2026")
    outs = world.ingest(world.mail("mixed", auth=None, attachments=[("a.pdf", a), ("b.pdf", b)]),
                        world.mail("own", attachments=[("a.pdf", a)], headers={"X-QLVB-Document-Id": IDENT}))
    assert [o["verdict"] for o in outs] == ["accepted", "quarantined", "duplicate"], outs
    return int(outs[1]["review_id"])


def _released_meanwhile(world: World, held: int, meanwhile: Callable[[], list[threading.Thread]]) -> tuple[Any, list[Any]]:
    """The clerk's release of the held mail, `meanwhile` run once it holds the mail and before it asks for the year's
    numbers (where it did before the fix): what the release gave (its list, or the exception it raised) and the register's
    lines (notation, recalled) after the threads `meanwhile` started ended."""
    from gateway import review
    from gateway.app import Gateway
    from gateway.config import load_config
    from gateway.intake.pipeline import Intake
    from registry.models import Document

    hold, asked, started = review.hold_numbers_first, threading.Event(), []

    def first_meanwhile(*args: Any, **kwargs: Any) -> Any:
        if not asked.is_set():
            asked.set()
            started.extend(meanwhile())
        return hold(*args, **kwargs)

    before = Path.cwd()
    os.chdir(world.root)
    try:
        with closing(Gateway.open(load_config(world.config_path))) as gateway, gateway.worker_pool() as pool:
            review.hold_numbers_first = first_meanwhile  # type: ignore[assignment]
            try:
                try:
                    result: Any = review.release(gateway, Intake(gateway, pool), held, "vanthu")
                except Exception as exc:  # noqa: BLE001 - a ReviewError the desk words for the clerk; else its 500 page
                    result = exc
            finally:
                review.hold_numbers_first = hold  # type: ignore[assignment]
                for thread in started:
                    thread.join(180)
            with gateway.register.session() as s:
                lines = [(d.notation, d.recalled) for d in s.scalars(select(Document).order_by(Document.id))]
    finally:
        os.chdir(before)
    return result, lines


def _recall_started(world: World, outcomes: list[Any]) -> threading.Thread:
    """Sở Tư pháp's recall of 95, taken in by `ingest` in a process of its own (as the daemon's), started."""
    mail = _recall(world, "recall", STP, IDENT)

    def take() -> None:
        try:
            outcomes.extend(world.ingest(mail, process=True))
        except BaseException as exc:  # noqa: BLE001 - its failure is what the test looks at
            outcomes.append(exc)
    taking = threading.Thread(target=take)
    taking.start()
    return taking


# ---- F1: a clerk's release and a recall taken in lock the held mail and the numbering in opposite orders -----------
@pytest.fixture
def on_postgresql(tmp_path, province) -> Iterator[tuple[World, str, int]]:  # type: ignore[no-untyped-def]
    """The agency's register on PostgreSQL, the mixed mail held in it: (world, the database's URL, the held mail)."""
    pki, signers, stranger = province
    world = make_world(tmp_path / "pg", pki, signers, stranger)
    with postgres() as url:
        world.extra["database"] = url
        world.write_config()
        yield world, url, _mixed_mail(world)


def test_f1_a_release_and_a_recall_taken_in_at_once_do_not_deadlock(on_postgresql: tuple[World, str, int]) -> None:
    """The release held the mail (FOR UPDATE) and asked for the year's numbering; the recall, holding the numbering
    since it began, writes the recalled document's original mail, the same mail. The release began waiting last: it was
    PostgreSQL's victim, and what the desk showed the clerk was a 500 page ("Lỗi."), not a refusal it can read."""
    from gateway import review

    world, url, held = on_postgresql
    outcomes: list[Any] = []
    pause = deadlock_timeout(url) + 0.5

    def recall_meanwhile() -> list[threading.Thread]:  # the held mail locked by the release (before the fix)
        taking = _recall_started(world, outcomes)
        assert wait_for(lambda: not taking.is_alive() or sessions_waiting(url, rows_only=True) >= 1, timeout=120,
                        step=0.2)
        time.sleep(pause)  # the recall's own check for a circle made (none yet): the release's finds it
        return [taking]
    result, _ = _released_meanwhile(world, held, recall_meanwhile)
    assert outcomes and isinstance(outcomes[0], dict) and outcomes[0]["verdict"] == "ignored", outcomes
    assert isinstance(result, (list, review.ReviewError)), repr(result)[:600]


def test_f1b_when_the_recall_is_the_victim_it_is_taken_in_all_the_same(on_postgresql: tuple[World, str, int]) -> None:
    """The other victim: a third transaction (a clerk passing 95 on) holds the line a moment, so the recall, holding the
    numbering, waits for it; the release, holding the mail, waits for the numbering; the line let go, the recall writes
    the mail and is the one that finds the circle."""
    from gateway import review

    world, url, held = on_postgresql
    outcomes: list[Any] = []
    pause = deadlock_timeout(url) + 0.5
    engine = create_engine(url)
    third = engine.connect()
    third.begin()
    third.execute(text("SELECT id FROM documents WHERE peer_document_id = :i FOR UPDATE"), {"i": IDENT})

    def let_go() -> None:
        assert wait_for(lambda: sessions_waiting(url, rows_only=True) >= 2, timeout=120, step=0.2)  # the release too
        time.sleep(pause)  # the release's check for a circle made (none: the recall waits for the third)
        third.rollback()

    def recall_meanwhile() -> list[threading.Thread]:
        taking = _recall_started(world, outcomes)
        assert wait_for(lambda: not taking.is_alive() or sessions_waiting(url, rows_only=True) >= 1, timeout=120,
                        step=0.2)
        letting = threading.Thread(target=let_go)
        letting.start()
        return [taking, letting]
    try:
        result, lines = _released_meanwhile(world, held, recall_meanwhile)
    finally:
        third.close()
        engine.dispose()
    assert isinstance(result, (list, review.ReviewError)), repr(result)[:600]
    assert outcomes and isinstance(outcomes[0], dict) and outcomes[0]["verdict"] == "ignored", repr(outcomes)[:1500]
    assert ("95/STP-VP", True) in lines, lines


# ---- F2: the issuer's recall destroys another document of the mail, held for the clerk and never recalled ------------
def test_f2_a_recall_keeps_the_held_document_that_came_in_the_same_mail(tmp_path, province) -> None:  # type: ignore[no-untyped-def]
    """95/STP-VP was registered from a mail that also carried 96/STP-VP, held for the clerk. Sở Tư pháp recalls 95: the
    recall deleted every file row of the mail but those of registered documents, so 96's PDF went from the store too,
    never recalled, while the mail stayed on the clerk's list ("its original is not in the content store")."""
    from registry.models import DocumentFile, Mail

    pki, signers, stranger = province
    world = make_world(tmp_path / "agency", pki, signers, stranger)
    held = _mixed_mail(world)
    register = world.db()
    try:
        with register.session() as s:
            [recalled_pdf] = s.scalars(select(DocumentFile.sha256).where(DocumentFile.mail_id == held,
                                                                         DocumentFile.filename == "a.pdf"))
    finally:
        register.close()
    world.ingest(_recall(world, "recall", STP, IDENT))
    assert [d.recalled for d in world.documents()] == [True]
    assert not _stored(world, recalled_pdf).exists()
    register = world.db()
    try:
        with register.session() as s:
            mail = s.get(Mail, held)
            assert mail is not None and mail.review == "waiting"
            names = set(s.scalars(select(DocumentFile.filename).where(DocumentFile.mail_id == held)))
            kept = [f.sha256 for f in s.scalars(select(DocumentFile).where(DocumentFile.mail_id == held,
                                                                           DocumentFile.filename == "b.pdf"))]
    finally:
        register.close()
    assert "b.pdf" in names, names  # 96/STP-VP, the clerk's to decide on
    assert kept and _stored(world, kept[0]).exists()
    released = world.run("review", "release", str(held), "--config", str(world.config_path))
    assert released.returncode == 0, released.stderr
    assert [(d.notation, d.recalled) for d in world.documents()] == [("95/STP-VP", True), ("96/STP-VP", False)]
    assert _stored(world, kept[0]).exists()  # 96's PDF, registered
    register = world.db()
    try:
        with register.session() as s:
            mail = s.get(Mail, held)
            assert mail is not None and not mail.stored and not _stored(world, mail.sha256).exists()  # 95 was in it
    finally:
        register.close()
    assert not _stored(world, recalled_pdf).exists()  # the release's worker wrote it again: destroyed after its commit


# ---- F3: one page that cannot be drawn loses the pages before it ------------------------------------------------------
def test_f3_a_page_too_flat_to_draw_keeps_the_pages_before_it() -> None:
    """Page 2 has a MediaBox of 1,000,000 x 1 pt: drawn 800 px wide it is 0 px tall, and MuPDF refuses to write it
    ("Invalid bandwriter header dimensions"); render_pages catches a page that will not load, not one that will not
    draw, so page 1 is lost with it and the PDF is kept as "tệp hỏng hoặc quá nặng"."""
    from gateway.page_images import render_pages
    from made_pdfs import written_out

    pdf = written_out([b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R 5 0 R] /Count 2 >>",
                       b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
                       b"<< /Length 26 >>\nstream\n0 0 1 rg 72 72 451 698 re f\nendstream",
                       b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 1000000 1] /Contents 4 0 R >>"])
    images = render_pages(pdf)  # today: FzErrorArgument, page 1 with it
    assert images.pngs and images.pngs[0].startswith(b"\x89PNG")


# ---- F4: a picture's file stays open in the web process after its client went away --------------------------------
@pytest.fixture(scope="module")
def desk(tmp_path_factory: pytest.TempPathFactory, province) -> Iterator[Any]:  # type: ignore[no-untyped-def]
    from desk_kit import add_person, web_served
    from servers import free_port
    from test_redteam81 import Desk
    from test_redteam85 import with_noise_page

    pki, signers, stranger = province
    port = free_port()
    world = make_world(tmp_path_factory.mktemp("rt87") / "agency", pki, signers, stranger, web={"port": port},
                       limits={"seconds_per_document": 90})
    noise = with_noise_page(world.document(number="871/STP-VP"), height=2400, salt=87)  # a 5 MB picture
    [out] = world.ingest(world.mail("noise", auth=None, attachments=[("cv.pdf", noise)]))
    assert add_person(world, "vanthu", "clerk", None).returncode == 0
    with web_served(world, port) as server:
        yield Desk(world, server, f"http://127.0.0.1:{port}", {"noise": out["review_id"]})


def _open_pictures(pid: int) -> list[str]:
    found = []
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            target = os.readlink(fd)
        except OSError:
            continue
        if f"{os.sep}pages{os.sep}" in target:
            found.append(target)
    return found


def test_f4_a_picture_whose_client_went_away_is_not_left_open(desk: Any) -> None:
    """40 browsers (a clerk leaving the page, a flaky line) ask for a large picture, read 4 KB and reset: the web
    process keeps every picture open after the connection is gone (the generator reading it never closed: uvicorn's
    h11 is ASGI 2.3, so Starlette cancels the stream when the client goes, and the file waits for a full garbage
    collection). Without nginx's buffering (the desk serves TLS itself, web.tls) each abandoned picture is a file
    descriptor of the web process's 1,024 (systemd's default soft limit, deploy/qlvb-gateway-web.service sets none),
    and a recalled document's picture stays on the disk, unlinked, as long."""
    from test_redteam81 import _drawn

    a = desk.clerk()
    picture = _drawn(a, desk.held["noise"], 2)[1]
    cookie = "; ".join(f"{c.name}={c.value}" for c in a.jar)
    port = int(desk.base.rsplit(":", 1)[1])
    readers = []
    for _ in range(40):
        s = socket.create_connection(("127.0.0.1", port))
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        s.sendall(f"GET {picture} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nCookie: {cookie}\r\n\r\n".encode())
        assert s.recv(4096).startswith(b"HTTP/1.1 200")
        readers.append(s)
    assert wait_for(lambda: len(_open_pictures(desk.server.pid)) >= 40, timeout=30)  # each being sent
    for s in readers:  # gone: a reset, as a browser's closed tab
        s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        s.close()
    assert wait_for(lambda: not _open_pictures(desk.server.pid), timeout=10, step=0.5), \
        f"{len(_open_pictures(desk.server.pid))} pictures still open"  # today: 40, still after a minute
