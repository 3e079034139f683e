"""Worker processes for PDF work, with a time and a memory limit, so that a crash or a hang of a
PDF library costs one mail its analysis (it goes to quarantine), or one outgoing file its send,
and never the gateway itself."""

from __future__ import annotations

import logging
import multiprocessing
import os
import resource
import threading
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait

from gateway.intake.analysis import Analyser, Analysis, AnalysisSettings
from gateway.model import PdfFacts

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class WorkFailure:
    reason: str  # "timeout", "crashed", "memory" or the exception


# a job: ("mail", raw message) is analysed for intake; ("pdf", (file name, bytes)) is our own document to send
Job = tuple[str, object]
Result = Analysis | PdfFacts | WorkFailure


def _do(analyser: Analyser, kind: str, payload, tick) -> Analysis | PdfFacts:  # type: ignore[no-untyped-def]
    if kind == "pdf":
        filename, data = payload
        tick()  # the worker is up: the time limit runs from here
        return analyser.read_outgoing(filename, data)
    return analyser.analyse(payload, tick=tick)


def _worker_main(conn: Connection, settings: AnalysisSettings, memory_mb: int) -> None:
    limit = memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    logging.disable(logging.CRITICAL)  # pyHanko logs every failed validation with a traceback
    analyser = Analyser(settings)
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        if job is None:
            return
        job_id, kind, payload = job
        try:
            result: Result = _do(analyser, kind, payload, lambda: conn.send(("tick", job_id)))
        except MemoryError:
            result = WorkFailure("memory")
        except RecursionError:
            result = WorkFailure("recursion")
        except Exception as exc:  # whatever a hostile file provokes, reported as the mail's failure
            result = WorkFailure(f"{type(exc).__name__}: {exc}"[:300])
        try:
            conn.send(("done", job_id, result))
        except (MemoryError, OSError, ValueError):
            conn.send(("done", job_id, WorkFailure("result too large")))


def _start_method() -> str:
    """Fork a single-threaded process (a command: the worker starts at once, with the modules
    already loaded); start a fresh interpreter from a threaded one (the daemon: forking it could
    copy a lock another thread holds)."""
    return "fork" if threading.active_count() == 1 else "spawn"


class _Worker:
    def __init__(self, ctx, settings: AnalysisSettings, memory_mb: int) -> None:  # type: ignore[no-untyped-def]
        self.conn, child = ctx.Pipe()
        self.process = ctx.Process(target=_worker_main, args=(child, settings, memory_mb), daemon=True)
        self.process.start()
        child.close()
        self.job: int | None = None
        self.deadline = 0.0

    def kill(self) -> None:
        if self.process.is_alive():
            self.process.kill()
        self.process.join(timeout=5)
        self.conn.close()


class WorkerPool:
    """A few long-lived workers; results come back in the order the mails went in."""

    def __init__(self, settings: AnalysisSettings, *, size: int = 0, seconds: float = 60, memory_mb: int = 1536) -> None:
        self.settings = settings
        self.size = size or max(1, os.cpu_count() or 1)
        self.seconds = seconds
        self.memory_mb = memory_mb
        self._workers: list[_Worker] = []

    def _spawn(self) -> _Worker:
        return _Worker(multiprocessing.get_context(_start_method()), self.settings, self.memory_mb)

    def __enter__(self) -> "WorkerPool":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        for worker in self._workers:
            try:
                worker.conn.send(None)
            except (OSError, ValueError):
                pass
        for worker in self._workers:
            worker.process.join(timeout=2)
            worker.kill()
        self._workers = []

    def map(self, raws: Iterable[bytes]) -> Iterator[Analysis | WorkFailure]:
        """Mails analysed for intake."""
        return self._run(("mail", raw) for raw in raws)  # type: ignore[return-value]

    def read_pdf(self, filename: str, data: bytes) -> PdfFacts | WorkFailure:
        """One document of ours, read and its signatures checked, under the same limits."""
        return next(iter(self._run([("pdf", (filename, data))])))  # type: ignore[return-value]

    def _run(self, jobs: Iterable[Job]) -> Iterator[Result]:
        pending = iter(enumerate(jobs))
        results: dict[int, Result] = {}
        next_out = 0
        exhausted = False
        while True:
            # keep every worker busy
            while not exhausted and len([w for w in self._workers if w.job is not None]) < self.size:
                idle = next((w for w in self._workers if w.job is None), None)
                if idle is None:
                    if len(self._workers) >= self.size:
                        break
                    idle = self._spawn()
                    self._workers.append(idle)
                item = next(pending, None)
                if item is None:
                    exhausted = True
                    break
                job_id, (kind, payload) = item
                idle.job, idle.deadline = job_id, time.monotonic() + self.seconds + 30  # + start-up
                idle.conn.send((job_id, kind, payload))
            while next_out in results:
                yield results.pop(next_out)
                next_out += 1
            busy = [w for w in self._workers if w.job is not None]
            if not busy:
                if exhausted:
                    return
                continue
            timeout = max(0.0, min(w.deadline for w in busy) - time.monotonic())
            ready = wait([w.conn for w in busy], timeout=timeout)
            for worker in busy:
                if worker.conn in ready:
                    try:
                        message = worker.conn.recv()
                    except (EOFError, OSError):
                        self._replace(worker, results, WorkFailure("crashed"))
                        continue
                    if message[0] == "tick":
                        worker.deadline = time.monotonic() + self.seconds
                    else:
                        results[message[1]] = message[2]
                        worker.job = None
                elif time.monotonic() >= worker.deadline:
                    self._replace(worker, results, WorkFailure("timeout"))

    def _replace(self, worker: _Worker, results: dict, failure: WorkFailure) -> None:  # type: ignore[type-arg]
        log.warning("worker %s: %s on job %s", worker.process.pid, failure.reason, worker.job)
        results[worker.job] = failure
        worker.kill()
        self._workers.remove(worker)
