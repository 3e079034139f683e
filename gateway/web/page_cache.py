"""Pictures of the PDFs' first pages for the desk, made once by a worker process (never in the web
process: gateway/page_images.py under the workers' limits) and kept beside the store, under
storage/pages/<the PDF's SHA-256>/, so that a page shown again costs a file read."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

from gateway.app import Gateway
from gateway.model import WorkFailure
from gateway.workers import WorkerPool

PDF_ROLES = ("document", "appendix")


class PageCache:
    def __init__(self, gateway: Gateway, workers: Callable[[], WorkerPool]) -> None:
        self.gateway = gateway
        self.workers = workers  # the desk's worker process
        self.folder = Path(gateway.config.storage) / "pages"
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
                folder.mkdir(parents=True, exist_ok=True)
                pngs = () if isinstance(result, WorkFailure) else result.pngs
                for number, png in enumerate(pngs, start=1):
                    (folder / f"{number}.png").write_bytes(png)
                done.write_text(str(len(pngs)), encoding="ascii")  # last: a half-written folder is done again
            return int(done.read_text(encoding="ascii"))

    def png(self, sha256: str, number: int) -> bytes | None:
        if not 1 <= number <= self.page_count(sha256):
            return None
        return (self.folder / sha256 / f"{number}.png").read_bytes()
