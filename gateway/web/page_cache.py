"""Pictures of the PDFs' first pages for the desk, made once by a worker process (never in the web
process: gateway/page_images.py under the workers' limits) and kept beside the store, under
storage/pages/<the PDF's SHA-256>/, so that a page shown again costs a file read. Pictures nobody
looked at for KEPT_DAYS are removed when new ones are made (made again if ever asked for): the folder
does not grow with every mail the desk ever showed.

Pictures kept are read without waiting for anything; a PDF's drawing runs in a thread of its own, once however many
ask for it, and those who ask wait for it as long as they choose (red team 81: one lock over every drawing made a
clerk's kept picture, and then the whole desk, wait for another clerk's slow PDF)."""

from __future__ import annotations

import logging
import os
import shutil
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future
from pathlib import Path
from typing import BinaryIO

from gateway.app import Gateway
from gateway.model import WorkFailure
from gateway.page_images import PICTURES, PageImages
from gateway.workers import WorkerPool
from registry.files import write_atomically

log = logging.getLogger("qlvb.web")

PDF_ROLES = ("document", "appendix")
KEPT_DAYS = 30  # pictures not looked at for a month
NOT_THE_PDFS = ("crashed",)  # failures kept for nobody: a worker killed from outside (or the pool's own, below)


class NotDrawnNow(Exception):
    """The pictures could not be made or kept this time (a worker killed, the pool's failure, the disk full), not for
    anything of the PDF's: nothing is kept, the next look draws them again."""


class PageCache:
    def __init__(self, gateway: Gateway, workers: Callable[[], WorkerPool]) -> None:
        self.gateway = gateway
        self.workers = workers  # the desk's worker process
        self.folder = Path(gateway.config.storage) / PICTURES
        self._lock = threading.Lock()  # the drawings under way, and the folder's writes and clean-up
        self._drawing: dict[str, Future[int]] = {}
        # one drawing in the desk's worker at a time: a release or a letter to send waits behind one, never behind every
        # PDF of a page (red team 82: four drawings queued made a release wait 18 s); a PDF is read when its turn comes
        self._one_at_a_time = threading.Lock()

    def pictures(self, sha256: str) -> int | Future[int]:
        """How many pictures of the PDF are kept (0: it could not be drawn), or the drawing that makes them, started
        if need be."""
        kept = self._kept(sha256)  # 0 for what is no SHA-256
        if kept is not None:
            return kept
        if not self.gateway.store.has(sha256):
            return 0
        with self._lock:
            drawing = self._drawing.get(sha256)
            if drawing is None:
                kept = self._kept(sha256)  # drawn since the look above
                if kept is not None:
                    return kept
                drawing = self._drawing[sha256] = Future()
                threading.Thread(target=self._draw, args=(sha256, drawing), name="qlvb-pictures", daemon=True).start()
        return drawing

    def page_count(self, sha256: str, wait: float | None = None) -> int | None:
        """How many pictures of the PDF there are (0: it could not be drawn), made if need be; None if they are still
        being drawn after `wait` seconds (None: as long as it takes), or could not be made this time."""
        found = self.pictures(sha256)
        if isinstance(found, int):
            return found
        try:
            return found.result(timeout=wait)
        except (TimeoutError, NotDrawnNow):
            return None

    def png(self, sha256: str, number: int) -> BinaryIO | None:
        """A kept picture, opened (never drawn here: `pictures` first): sent as it is read, never read whole into the
        web process (red team 85: eight requests for one large picture took it from 231 to 947 MB)."""
        kept = self._kept(sha256)
        if kept is None or not 1 <= number <= kept:
            return None
        try:
            return (self.folder / sha256 / f"{number}.png").open("rb")  # open: a recall removing it meanwhile takes
        except FileNotFoundError:  # removed before (a recall)                 nothing from a picture being sent
            return None

    def _kept(self, sha256: str) -> int | None:
        if not _digest(sha256):
            return 0
        done = self.folder / sha256 / "count"
        try:
            count = int(done.read_text(encoding="ascii"))
            os.utime(done)  # looked at now
        except (FileNotFoundError, ValueError):
            return None
        return count

    def _draw(self, sha256: str, drawing: Future[int]) -> None:
        try:
            drawing.set_result(self._made(sha256))
        except BaseException as exc:  # the waiting requests are told (a 500), the next one draws again
            drawing.set_exception(exc)
        finally:
            with self._lock:
                del self._drawing[sha256]

    def _made(self, sha256: str) -> int:
        try:
            with self._one_at_a_time:
                result = self.workers().render_pages(self.gateway.store.get(sha256))
        except FileNotFoundError:  # recalled before it was read
            return 0
        if isinstance(result, WorkFailure) and (result.infrastructure or result.reason in NOT_THE_PDFS):
            # not drawn this time, drawn again at the next look (red team 81: kept as "0 pages")
            raise NotDrawnNow(result.reason)
        folder = self.folder / sha256
        with self._lock:
            pngs = result.pngs if isinstance(result, PageImages) else ()
            try:
                folder.mkdir(mode=0o700, parents=True, exist_ok=True)
                for number, png in enumerate(pngs, start=1):  # 0600, as the store keeps the PDF (red team 76: 0644)
                    write_atomically(folder / f"{number}.png", png)
                write_atomically(folder / "count", str(len(pngs)).encode("ascii"))  # last: a half-written folder is done again
            except OSError as exc:  # the disk full (red team 85: the review page, its decisions with it, was a 500)
                shutil.rmtree(folder, ignore_errors=True)
                log.warning("pictures of %s not kept: %s", sha256, exc)
                raise NotDrawnNow(str(exc)) from exc
            if not self.gateway.store.has(sha256):
                # recalled while it was drawn: its recall removed the pictures before these were written (red team 81)
                shutil.rmtree(folder, ignore_errors=True)
                return 0
            self._forget_unseen(keep=folder)
        return len(pngs)

    def _forget_unseen(self, keep: Path) -> None:
        """The pictures of the PDFs nobody looked at for KEPT_DAYS, removed (a half-made folder too; with the lock held)."""
        before = time.time() - KEPT_DAYS * 86400
        for folder in self.folder.iterdir():
            if folder == keep or not folder.is_dir() or folder.name in self._drawing:
                continue
            seen = folder / "count"
            try:
                last = (seen if seen.exists() else folder).stat().st_mtime
            except OSError:
                continue
            if last < before:
                shutil.rmtree(folder, ignore_errors=True)


def _digest(sha256: str) -> bool:
    return len(sha256) == 64 and all(c in "0123456789abcdef" for c in sha256)
