"""A worker does not keep what it read: what MuPDF keeps of the documents is bounded.

MuPDF keeps the pictures and fonts it decoded in a store of up to 256 MB, past the document they came
from; a worker reading letter after letter with a photo grew by every photo (350 MB and more in
bench/daemon.py's backlog, against the issue's 300 MB). Now the store is emptied once the worker has
grown by STORE_ROOM_MB (gateway/mupdf_store.py). Measured on the worker process itself."""

from __future__ import annotations

import random
from pathlib import Path

import pymupdf

from gateway.app import Gateway
from gateway.config import load_config
from gateway.model import PdfFacts
from gateway.mupdf_store import STORE_ROOM_MB
from world import World

SIDE = 600  # a photo of 600 × 600 pixels: 1.1 MB decoded


def with_photo(document: bytes, seed: int) -> bytes:
    """The letter with a photo of its own (no two alike: MuPDF's store keys them by document)."""
    pixels = random.Random(seed).randbytes(SIDE * SIDE * 3)
    doc = pymupdf.open(stream=document, filetype="pdf")
    photo = pymupdf.Pixmap(pymupdf.csRGB, SIDE, SIDE, pixels, False).tobytes("png")
    doc[0].insert_image(pymupdf.Rect(200, 330, 400, 530), stream=photo, overlay=False)
    return doc.tobytes(garbage=3, deflate=True)


def resident_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise AssertionError("no VmRSS")


def test_a_worker_reading_letters_with_photos_does_not_keep_them(world: World) -> None:
    letter = world.document(number="12/STP-VP")
    pdfs = [with_photo(letter, seed) for seed in range(45)]
    gateway = Gateway.open(load_config(world.config_path))
    try:
        with gateway.worker_pool(size=1) as pool:
            for pdf in pdfs[:5]:  # warmed: its modules and the reader's first allocations
                assert isinstance(pool.read_pdf("cv.pdf", pdf), PdfFacts)
            worker = pool._workers[0].process.pid  # noqa: SLF001  (the process the test weighs)
            before = resident_kb(worker)
            for pdf in pdfs[5:]:
                facts = pool.read_pdf("cv.pdf", pdf)
                assert isinstance(facts, PdfFacts) and facts.opened
            grown_mb = (resident_kb(worker) - before) / 1024
    finally:
        gateway.close()
    # forty photos of 1.1 MB decoded each: all kept, the worker grew by 92 MB
    assert grown_mb < STORE_ROOM_MB + 12, f"the worker grew by {grown_mb:.0f} MB over 40 letters"


def test_a_worker_that_cannot_be_started_leaves_the_mail_for_later_and_the_pool_open(world: World, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    # red team 80: a worker that could not be started (fork refused at the system's process limit, the server gone in
    # the midst of a fork) failed the dispatcher: every mail waiting was the mail's failure, the pool closed for good
    import errno
    import os

    from gateway import workers
    from gateway.intake.analysis import Analysis
    from gateway.model import WorkFailure

    def refused() -> object:
        raise OSError(errno.EAGAIN, "Resource temporarily unavailable")  # what os.fork raises at the process limit

    os.chdir(world.root)
    good = world.mail("good", attachments=[("cv.pdf", world.signed("stp", world.document(number="64/STP-VP")))]).read_bytes()
    gateway = Gateway.open(load_config(Path(world.config_path)))
    with gateway.worker_pool(size=1) as pool:
        real = workers._context
        monkeypatch.setattr(workers, "_context", refused)
        [failed] = list(pool.map([good]))
        assert isinstance(failed, WorkFailure) and failed.infrastructure, failed  # the gateway's fault: tried again later
        monkeypatch.setattr(workers, "_context", real)
        [read] = list(pool.map([good]))
        assert isinstance(read, Analysis)  # the pool still works once workers start again
    gateway.close()
