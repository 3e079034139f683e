"""Red team 85: the desk's page pictures, too large and with no room to keep them, attacked with `qlvb-gateway web`
served as its own process (tests/test_redteam81.py's way), real held mails taken in through intake. Its findings, each
fixed (gateway/page_images.py, gateway/web/page_cache.py, gateway/web/pages.py):

1. a picture's size had no bound but the worker's memory: a 1.7 MB PDF (a page 800 x 36,000 pt of JPEG noise at
   quality 1) came back as one 80 MB PNG of 800 x 36,000 px, through the pipe, onto disk (kept 30 days) and to the
   clerk's browser; the web process (no memory limit) read it whole for each request: its VmHWM went 231 -> 333 MB
   drawing it and -> 947 MB serving it to 8 requests at once (now a page is drawn HEIGHT_PX tall at most, and a
   picture is sent as it is read from the disk);
2. the pictures' disk full: the held mail's review page, its decisions with it, was a 500 ("Lỗi.") at every look
   (each one drawing the PDF again) (now the page says the pictures are not there yet, nothing is kept, the next look
   draws them again);
3. a PDF whose page tree says 4 pages where there is 1 (a common damage) lost every picture for good, page 1 too
   ("tệp hỏng hoặc quá nặng") (now the pages up to the first that will not load are drawn)."""

from __future__ import annotations

import io
import os
import random
import re
import struct
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from desk_kit import add_person, web_served
from made_pdfs import written_out
from servers import free_port
from test_redteam81 import Desk, _drawn, _pictures, _timed
from world import make_world

PICTURE_MAX_PX = 4000  # a picture's height: an A4 page at 800 px wide is 1,131
PICTURE_MAX_BYTES = 12 * 1024 * 1024
GROWTH_MAX_MB = 250  # what the web process may grow by drawing and serving one mail's pictures


def with_noise_page(document: bytes, height: int = 36000, salt: int = 0) -> bytes:
    """A real letter and one page 800 pt wide, `height` tall, of random 4x4-pixel blocks as a JPEG of quality 1: a
    1.7 MB PDF whose drawing at 800 px wide does not compress."""
    import pymupdf
    from PIL import Image

    rnd = random.Random(salt)
    small = Image.frombytes("RGB", (200, height // 4), rnd.randbytes(200 * (height // 4) * 3))
    jpeg = io.BytesIO()
    small.resize((800, height), Image.NEAREST).save(jpeg, "JPEG", quality=1)
    with pymupdf.open(stream=document, filetype="pdf") as doc:
        page = doc.new_page(width=800, height=height)
        page.insert_image(page.rect, stream=jpeg.getvalue())
        doc.set_metadata({**doc.metadata, "subject": f"rt85-{salt}"})
        return doc.tobytes()


def _status(pid: int, field: str) -> int:
    """A field of /proc/<pid>/status, in MB."""
    return int(re.search(rf"{field}:\s+(\d+)", Path(f"/proc/{pid}/status").read_text()).group(1)) // 1024


def _png_size(png: bytes) -> tuple[int, int]:
    assert png.startswith(b"\x89PNG")
    return struct.unpack(">II", png[16:24])


@pytest.fixture(scope="module")
def desk(tmp_path_factory: pytest.TempPathFactory, province) -> Iterator[Desk]:  # type: ignore[no-untyped-def]
    pki, signers, stranger = province
    port = free_port()
    world = make_world(tmp_path_factory.mktemp("rt85") / "agency", pki, signers, stranger, web={"port": port},
                       limits={"seconds_per_document": 90})
    names = {"noise": with_noise_page(world.document(number="851/STP-VP"), salt=1),
             "plain": world.document(number="852/STP-VP"), "full": world.document(number="853/STP-VP")}
    outcomes = world.ingest(*[world.mail(name, auth=None, attachments=[("cv.pdf", pdf)]) for name, pdf in names.items()])
    assert [o["verdict"] for o in outcomes] == ["quarantined"] * len(names), outcomes
    held = {name: o["review_id"] for name, o in zip(names, outcomes, strict=True)}
    assert add_person(world, "vanthu", "clerk", None).returncode == 0
    with web_served(world, port) as server:
        yield Desk(world, server, f"http://127.0.0.1:{port}", held)


def test_a_page_picture_has_a_bound_and_the_desk_does_not_balloon_serving_it(desk: Desk) -> None:
    a = desk.clerk()
    _pictures(a, desk.held["plain"])  # the desk warmed up
    before = _status(desk.server.pid, "VmHWM")
    pictures = _drawn(a, desk.held["noise"], 2)  # the letter's page and the noise page
    answers: list[bytes] = []
    crowd = [threading.Thread(target=lambda: answers.append(a.get(pictures[1]).content)) for _ in range(8)]
    for t in crowd:  # a browser's parallel fetches of a review page's pictures, two clerks
        t.start()
    for t in crowd:
        t.join()
    grown = _status(desk.server.pid, "VmHWM") - before
    for png in answers:
        width, height = _png_size(png)
        assert height <= PICTURE_MAX_PX and len(png) <= PICTURE_MAX_BYTES, (width, height, len(png))
    assert grown <= GROWTH_MAX_MB, f"the web process grew by {grown} MB"  # before: 716 MB


def test_a_full_pictures_disk_still_shows_the_held_mail_and_draws_once_there_is_room(desk: Desk) -> None:
    assert os.geteuid() == 0  # mounting a small tmpfs
    a = desk.clerk()
    pages = desk.world.root / "store" / "pages"
    pages.mkdir(exist_ok=True)
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(pages)], check=True)
    try:
        filler = pages / "filler"
        with filler.open("wb") as out:  # the disk full
            try:
                while True:
                    out.write(b"\0" * 65536)
                    out.flush()
            except OSError:
                pass
        waited, page = _timed(lambda: a.get(f"/review/{desk.held['full']}", timeout=60))
        assert page.status_code == 200 and "Trả lại" in page.text, (page.status_code, page.text[:200])  # before: 500
        assert waited < 5.0 + 3.0, waited
        assert not any(p.name.startswith(".tmp-") for p in pages.rglob("*"))  # no half-written picture left
        filler.unlink()  # room again
        [picture] = _drawn(a, desk.held["full"], 1)
        assert a.get(picture).content.startswith(b"\x89PNG")
        assert "tệp hỏng hoặc quá nặng" not in a.get(f"/review/{desk.held['full']}").text
    finally:
        subprocess.run(["umount", str(pages)], check=True)


def test_a_pdf_whose_page_tree_overstates_its_pages_still_shows_its_first_page() -> None:
    """/Count 4 over one page: MuPDF says 4 pages, page 2 is 'not in document', and render_pages drew nothing."""
    from gateway.page_images import render_pages

    pdf = written_out([b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 4 >>",
                       b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
                       b"<< /Length 26 >>\nstream\n0 0 1 rg 72 72 451 698 re f\nendstream"])
    images = render_pages(pdf)  # before: ValueError: page not in document, kept as "0 pages" for good
    assert len(images.pngs) >= 1 and images.pngs[0].startswith(b"\x89PNG")
