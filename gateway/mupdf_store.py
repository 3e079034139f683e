"""MuPDF's store: what MuPDF decodes (a document's pictures, its fonts, colour conversions) it keeps in
a store of up to 256 MB, past the document, for whoever reads it again. A worker never reads a
document again after its job, and grew by every picture it decoded (to 350 MB over a backlog of
letters with a photo, against the 300 MB each process may take). Emptying the store after each job
cost 3.5 ms a mail (the colour conversions made again); dropping a document's own items from it
(pdf_purge_locals_from_store) freed nothing of its pictures. So the store is emptied only once the
worker has grown by STORE_ROOM_MB since its first job: every few hundred letters, every few scans."""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
from collections.abc import Callable
from pathlib import Path

import pymupdf

STORE_ROOM_MB = 32  # what a worker may grow by, its store filling, before the store is emptied


class StoreBound:
    """Kept by a worker process: `after_job` after each job."""

    def __init__(self, room_mb: float = STORE_ROOM_MB) -> None:
        self.room_mb = room_mb
        self.rest_mb: float | None = None  # the worker's size after its first job, or after the store was emptied

    def after_job(self) -> bool:
        """Empty MuPDF's store if the worker has grown by more than its room; whether it was emptied."""
        size = resident_mb()
        if self.rest_mb is None:
            self.rest_mb = size
            return False
        if size <= self.rest_mb + self.room_mb:
            return False
        pymupdf.mupdf.fz_empty_store()
        _give_back_free_memory()
        self.rest_mb = min(resident_mb(), size)
        return True


def resident_mb() -> float:
    """This process's resident size (VmRSS), MB; 0 where /proc does not tell."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def _give_back_free_memory() -> None:
    """The C library's free memory given back to the system (glibc's malloc_trim; elsewhere nothing)."""
    trim = _malloc_trim()
    if trim is not None:
        trim(0)


@functools.cache
def _malloc_trim() -> Callable[[int], int] | None:
    try:
        return ctypes.CDLL(ctypes.util.find_library("c")).malloc_trim
    except (OSError, AttributeError, TypeError):  # not glibc
        return None
