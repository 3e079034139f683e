"""Pictures of the PDFs' first pages for the desk, made once by a worker process (never in the web
process: gateway/page_images.py under the workers' limits) and kept beside the store, under
storage/pages/<the PDF's SHA-256>/, so that a page shown again costs a file read. Pictures nobody
looked at for KEPT_DAYS are removed when new ones are made (made again if ever asked for): the folder
does not grow with every mail the desk ever showed."""

from __future__ import annotations

import os
import shutil
import threading
import time
from collections.abc import Callable
from pathlib import Path

from gateway.app import Gateway
from gateway.model import WorkFailure
from gateway.page_images import PICTURES
from gateway.workers import WorkerPool
from registry.files import write_atomically

PDF_ROLES = ("document", "appendix")
KEPT_DAYS = 30  # pictures not looked at for a month


class PageCache:
    def __init__(self, gateway: Gateway, workers: Callable[[], WorkerPool]) -> None:
        self.gateway = gateway
        self.workers = workers  # the desk's worker process
        self.folder = Path(gateway.config.storage) / PICTURES
        self._lock = threading.Lock()  # one rendering at a time: the desk's work stays small

    def page_count(self, sha256: str) -> int:
        """How many pictures of the PDF there are (0: it could not be rendered), made if need be."""
        if not (len(sha256) == 64 and all(c in "0123456789abcdef" for c in sha256)):
            return 0
        folder = self.folder / sha256
        done = folder / "count"
        with self._lock:
            if not done.exists():
                if not self.gateway.store.has(sha256):
                    return 0
                result = self.workers().render_pages(self.gateway.store.get(sha256))
                folder.mkdir(mode=0o700, parents=True, exist_ok=True)
                pngs = () if isinstance(result, WorkFailure) else result.pngs
                for number, png in enumerate(pngs, start=1):  # 0600, as the store keeps the PDF (red team 76: 0644)
                    write_atomically(folder / f"{number}.png", png)
                write_atomically(done, str(len(pngs)).encode("ascii"))  # last: a half-written folder is done again
                self._forget_unseen(keep=folder)
            else:
                os.utime(done)  # looked at now
            return int(done.read_text(encoding="ascii"))

    def _forget_unseen(self, keep: Path) -> None:
        """The pictures of the PDFs nobody looked at for KEPT_DAYS, removed (a half-made folder too)."""
        before = time.time() - KEPT_DAYS * 86400
        for folder in self.folder.iterdir():
            if folder == keep or not folder.is_dir():
                continue
            seen = folder / "count"
            try:
                last = (seen if seen.exists() else folder).stat().st_mtime
            except OSError:
                continue
            if last < before:
                shutil.rmtree(folder, ignore_errors=True)

    def png(self, sha256: str, number: int) -> bytes | None:
        if not 1 <= number <= self.page_count(sha256):
            return None
        return (self.folder / sha256 / f"{number}.png").read_bytes()
