"""Worker processes for PDF work, with a time and a memory limit, so that a crash or a hang of a
PDF library costs one mail its analysis (it goes to quarantine), or one outgoing file its send,
and never the gateway itself.

Jobs are submitted and their results come back as futures, so that the daemon fetches and records
while the workers validate: a dispatcher thread hands each job to an idle worker, reads the results
and kills a worker past its time. A command that only waits for its results (`map`, `read_pdf`)
does the same from its own thread, so that it forks its workers while it is the only thread. A
mail's bytes go to the worker as they are (no pickling of the payload), and only facts come back:
the worker writes the mail's files into the content store itself when asked to (intake that records).
The pool is used from one thread; once `start`ed (its dispatcher thread running), from several at once
(the desk's requests share one pool)."""

from __future__ import annotations

import logging
import multiprocessing
import os
import resource
import signal
import socket
import sys
import threading
import time
from collections import deque
from functools import partial
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from multiprocessing.connection import Connection, wait
from multiprocessing.context import ForkContext, ForkServerContext
from types import ModuleType
from typing import Any, Literal

import setproctitle

from gateway.intake.analysis import Analyser, Analysis, AnalysisSettings, StoreUnavailable, TrustStoreUnavailable
from gateway.mail_budget import unbounded_here
from gateway.model import PdfFacts, Whole, WorkFailure
from gateway.mupdf_store import StoreBound
from gateway.page_images import PageImages, render_pages

log = logging.getLogger(__name__)

LOOK_AGAIN_SECONDS = 1.0  # a worker the server has not forked in STARTUP_SECONDS: waited for this long at each later job
STARTUP_SECONDS = 30.0  # a worker started from a fresh interpreter may take this long to take its first job
ORPHANED_AFTER = 1.0  # seconds an idle worker waits for a job before it looks whether its parent is still there
# How long a thread may hold the GIL while another waits for it (Python's default: 5 ms). The dispatcher
# thread makes a few system calls a job (sending the mail, reading "start" and "done"), each giving the
# GIL up; with the main thread busy recording, each cost it up to 5 ms to get it back, and the workers
# waited idle for their next mail (a pool with a busy caller took 10 mails/s where 24 were possible).
SWITCH_SECONDS = 0.0005
# what the server forked by start_server_by_fork and the workers it forks are called in `ps` and /proc/PID/cmdline
SERVER_TITLE = "qlvb-gateway: PDF worker server (multiprocessing forkserver)"
MAX_CRASHES = 1  # a job whose worker died is handed to another this many times; then it is the job's doing


@dataclass(frozen=True)
class Job:
    """A mail to analyse for intake, our own document (a PDF) to read before sending it, or a PDF whose
    first pages the desk shows as pictures."""

    kind: Literal["mail", "pdf", "pages"]
    data: bytes
    filename: str = ""  # a PDF's file name
    store: bool = False  # a mail: write its original and files into the content store (not when secret)
    whole: Whole | None = None  # a mail: `data` is only the beginning of this one, stored already (too large)
    delivered: datetime | None = None  # a mail: when our server received it (INTERNALDATE, the spool's time), if known
    crashes: int = 0  # how many workers died in it (the pool's own count)
    spent: float = 0.0  # seconds of its limit the workers that died in it took (red team 93: each had a whole one)


Result = Analysis | PdfFacts | PageImages | WorkFailure
# what goes down the pipe before a job's bytes: its id, kind, file name, store, whole and delivery time
_Header = tuple[int, str, str, bool, Whole | None, datetime | None]


def _in_utc(when: datetime | None) -> datetime | None:
    """The time in UTC, a zone every process unpickles (imapclient's INTERNALDATE zone, FixedOffset, does not unpickle:
    every worker died on the first mail of the daemon); a time with no zone is none we know."""
    return None if when is None or when.tzinfo is None else when.astimezone(timezone.utc)


def _do(analyser: Analyser | None, header: _Header, data: bytes, tick: Callable[[], None]) -> Analysis | PdfFacts | PageImages:
    _, kind, filename, store, whole, delivered = header
    if kind == "pages":
        return render_pages(data)
    assert analyser is not None
    if kind == "pdf":
        return analyser.read_outgoing(filename, data)
    return analyser.analyse(data, tick=tick, store=store, whole=whole, delivered=delivered)


def _address_space() -> int:
    """The bytes of address space this process holds (Linux; 0 where /proc does not say)."""
    try:
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[0]) * resource.getpagesize()
    except (OSError, ValueError, IndexError):
        return 0


def _new_analyser(settings: AnalysisSettings) -> Analyser | WorkFailure:
    """The worker's analyser, or, when its trust store cannot be built, the failure every mail's job gives: the
    gateway's, never the mail's (red team 76)."""
    try:
        return Analyser(settings)
    except TrustStoreUnavailable as exc:
        return WorkFailure(str(exc), infrastructure=True)


def _worker_main(conn: Connection, settings: AnalysisSettings, memory_mb: int) -> None:
    unbounded_here()  # forked while the main thread recorded a mail: its CPU limit is not the worker's (the pool's is)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is its parent's, which ends it (red team 80: tracebacks in the log)
    # what a worker may take beyond what it starts with (a forked one holds its parent's pages): a 965-byte PDF drawing
    # one form 500 times, 50 million characters to read out, took a worker to the whole of a fixed 1.5 GB
    start = _address_space()
    limit = start + memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    logging.disable(logging.CRITICAL)  # pyHanko logs every failed validation with a traceback
    analyser = _new_analyser(settings)
    kept = StoreBound()  # what MuPDF keeps of the documents read
    parent = os.getppid()
    while True:
        try:
            while not conn.poll(ORPHANED_AFTER):
                if os.getppid() != parent:  # the daemon killed (kill -9, SIGXCPU): a forked sibling may hold its end of
                    return  # the pipe open, so no end of file would ever come; orphans are not left waiting for ever
            header: _Header | None = conn.recv()
            if header is None:
                return
            job_id, kind = header[0], header[1]
            data = conn.recv_bytes()
        except (EOFError, OSError):
            return
        conn.send(("start", job_id))  # the time limits run from here
        if isinstance(analyser, WorkFailure) and kind != "pages":
            analyser = _new_analyser(settings)  # tried again at each job: the operator may have put the file right
        try:
            result: Result = (analyser if isinstance(analyser, WorkFailure) and kind != "pages" else
                              _do(analyser if isinstance(analyser, Analyser) else None, header, data,
                                  partial(conn.send, ("tick", job_id))))
        except (TrustStoreUnavailable, StoreUnavailable) as exc:  # fetched CRLs read again and failing; the store's disk
            result = WorkFailure(str(exc), infrastructure=True)
        except MemoryError:
            result = WorkFailure("memory")
        except RecursionError:
            result = WorkFailure("recursion")
        except Exception as exc:  # whatever a hostile file provokes, reported as the mail's failure
            result = WorkFailure(f"{type(exc).__name__}: {exc}"[:300])
        del data
        kept.after_job()  # emptied once the worker has grown by its room
        # a worker still holding half its room after a job (the allocator's and MuPDF's pages not given back) ends
        # and is replaced: kept, it failed every later mail with "memory" (red team 80: a bomb's good mails after it)
        spent = (isinstance(result, WorkFailure) and result.reason == "memory") or _address_space() > start + (limit - start) // 2
        try:
            conn.send(("done", job_id, result, spent))
        except (MemoryError, OSError, ValueError):
            conn.send(("done", job_id, WorkFailure("result too large"), True))
            return
        if spent:
            return


def _context() -> ForkContext | ForkServerContext:
    """Fork a single-threaded process (a command: the worker starts at once, with the modules already loaded); from a
    threaded one (the daemon: forking it could copy a lock another thread holds), fork a server process started once
    from a fresh interpreter with this module loaded (`gateway.worker_server`: about a second of CPU once, where a fresh
    interpreter for each worker, and for each replacement of one killed past its limits, took that second every time)."""
    if threading.active_count() == 1:
        return multiprocessing.get_context("fork")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload([*_main_modules(), "gateway.worker_server"])
    return context


def start_server_by_fork() -> bool:
    """Start multiprocessing's fork server (what a threaded command forks its workers from, `_context`) as a fork of
    this process, while it is still single-threaded and has loaded what workers need (this module), but not yet the
    command's own (the daemon's register, the desk's web server): where multiprocessing starts it, on first use, from a
    fresh interpreter that loads these modules again, about a second of CPU at every start of the daemon or the desk
    (1.1 s measured; the suite's 170 starts of it took a tenth of its CPU). The server it starts is multiprocessing's
    own (`forkserver.main`); only how it begins differs. Should the server die, multiprocessing starts the next one as
    it always has. False, and nothing done, where this cannot be done safely: another thread running, a server
    already started, a Python whose fork server is not the one this knows (3.11 to 3.13)."""
    from multiprocessing import connection, forkserver, resource_tracker, util

    server: Any = forkserver._forkserver  # its state is private (typeshed knows none of it): checked for below
    known = sys.version_info[:2] in ((3, 11), (3, 12), (3, 13)) and all(
        hasattr(server, name) for name in ("_lock", "_forkserver_pid", "_forkserver_address", "_forkserver_alive_fd"))
    if not known or threading.active_count() != 1 or sys.platform != "linux":
        return False
    with server._lock:
        if server._forkserver_pid is not None:
            return False
        resource_tracker.ensure_running()  # shared by the server's workers, as when multiprocessing starts it
        with socket.socket(socket.AF_UNIX) as listener:
            address = connection.arbitrary_address("AF_UNIX")  # type: ignore[attr-defined]
            listener.bind(address)
            if not util.is_abstract_socket_namespace(address):
                os.chmod(address, 0o600)
            listener.listen()
            alive_r, alive_w = os.pipe()  # the server ends when every process holding alive_w has
            try:
                pid = os.fork()
            except OSError as exc:  # the system's process limit: multiprocessing starts its own when a worker is due
                os.close(alive_r)
                os.close(alive_w)
                log.warning("the worker server could not be forked now (%s): started when a worker is due", exc)
                return False
            if pid == 0:  # the server: the command's signal handlers are not its own; it never returns into the command
                status = 1
                try:
                    os.close(alive_w)
                    # its own name (and its workers'): with the command's, `pgrep -f "qlvb-gateway run"` and process
                    # checks found the daemon three times and more (red team 121)
                    setproctitle.setproctitle(SERVER_TITLE)
                    for signum in (signal.SIGTERM, signal.SIGHUP):
                        signal.signal(signum, signal.SIG_DFL)
                    unbounded_here()
                    forkserver.main(listener.fileno(), alive_r, [])
                except SystemExit:  # what forkserver.main ends with once its last client is gone
                    status = 0
                finally:
                    os._exit(status)
            os.close(alive_r)
        server._forkserver_address, server._forkserver_alive_fd, server._forkserver_pid = address, alive_w, pid
    return True


def _main_modules() -> list[str]:
    """What multiprocessing runs again in each worker the server forks, for the server to load once: this process's
    main module when run by its name (`python -m gateway.cli`, as the tests and the benchmarks run it), else what a
    script run by its path imports (the `qlvb-gateway` entry point's `main`, gateway.cli's, which gateway.worker_server
    does not load). Its imports were made again by every worker and every replacement of one (0.3 s of CPU each), now
    found made (4 ms). A package's __main__ is neither run again by multiprocessing nor loaded here (loading it could
    start its program), nor is a `python -c` program."""
    main = sys.modules["__main__"]
    name = getattr(getattr(main, "__spec__", None), "name", None)
    if name is not None:
        return [name] if name != "__main__" and not name.endswith(".__main__") else []
    if getattr(main, "__file__", None) is None:
        return []
    imported = {value.__name__ if isinstance(value, ModuleType) else getattr(value, "__module__", None)
                for value in vars(main).values()}
    return sorted(module for module in imported if isinstance(module, str) and module in sys.modules
                  and module not in ("__main__", "builtins"))


class _Start:
    """A worker being forked by the server, asked in a thread of its own: a server that does not answer (stopped by a
    signal or a frozen cgroup) holds the asking thread for as long as it is stopped, and no job's limit runs before a
    worker has the job (red team 81: the desk hung with it, the daemon would have). One at a time: the pool waits for it
    STARTUP_SECONDS once, then only looks whether it has come (red team 82: each job of a live worker waited the bound
    again, and each try left a thread and its pipes behind)."""

    def __init__(self, context: ForkServerContext, settings: AnalysisSettings, memory_mb: int) -> None:
        self._lock = threading.Lock()
        self._done = threading.Event()
        self._result: _Worker | BaseException | None = None
        self._abandoned = False
        threading.Thread(target=self._run, args=(context, settings, memory_mb), name="qlvb-worker-start",
                         daemon=True).start()

    def _run(self, context: ForkServerContext, settings: AnalysisSettings, memory_mb: int) -> None:
        try:
            result: _Worker | BaseException = _Worker(context, settings, memory_mb)
        except BaseException as exc:  # handed to the dispatcher as it is
            result = exc
        with self._lock:
            if not self._abandoned:
                self._result = result
                self._done.set()
                return
        if isinstance(result, _Worker):  # came after the pool closed
            result.kill()

    def wait(self, seconds: float) -> _Worker | BaseException | None:
        """The worker (or why it could not be started) once it has come; None if it has not within `seconds`."""
        return self._result if self._done.wait(seconds) else None

    def abandon(self) -> None:
        """The pool closes: the worker, come or to come, is ended."""
        with self._lock:
            self._abandoned = True
            come = self._result
        if isinstance(come, _Worker):
            come.kill()


class _Worker:
    def __init__(self, ctx: ForkContext | ForkServerContext, settings: AnalysisSettings, memory_mb: int) -> None:
        self.conn, child = ctx.Pipe()
        self.process = ctx.Process(target=_worker_main, args=(child, settings, memory_mb), daemon=True)
        self.process.start()
        child.close()
        self._pidfd = _pidfd(self.process.pid)
        self.job: tuple[Job, Future[Result]] | None = None
        self.deadline = 0.0  # the nearer of the two limits below
        self.mail_deadline = 0.0  # the whole job's (limits.seconds_per_mail for a mail)
        self.started_at: float | None = None  # when the worker began the job it has

    def kill(self) -> None:
        """Killed by its own handle on the process (a pidfd): with its server gone, multiprocessing takes a forked worker
        for ended whatever it does, and a worker past its time read on, a core of its own, for good (red team 92)."""
        if self._pidfd is not None:
            try:
                signal.pidfd_send_signal(self._pidfd, signal.SIGKILL)
            except ProcessLookupError:  # ended already
                pass
        elif self.process.is_alive():
            self.process.kill()
        self.process.join(timeout=5)
        self.conn.close()
        if self._pidfd is not None:
            os.close(self._pidfd)
            self._pidfd = None


def _pidfd(pid: int | None) -> int | None:
    """A handle on the process itself, whoever its parent is now (Linux 5.3); None where there is none."""
    try:
        return os.pidfd_open(pid) if pid is not None else None
    except (AttributeError, OSError):  # another system, or the process gone already
        return None


class WorkerPool:
    """A few long-lived workers. `submit` returns a future (the dispatcher thread feeds the workers from
    then on); `map` yields results in the order the mails went in, a few mails ahead."""

    def __init__(self, settings: AnalysisSettings, *, size: int = 0, seconds: float = 60,
                 seconds_per_mail: float = 300, memory_mb: int = 1536) -> None:
        self.settings = settings
        self.size = size or max(1, os.cpu_count() or 1)
        self.seconds = seconds  # limits.seconds_per_document: each PDF
        self.seconds_per_mail = seconds_per_mail  # limits.seconds_per_mail: the whole mail, all its PDFs
        self.memory_mb = memory_mb
        self._workers: list[_Worker] = []
        self._queue: deque[tuple[Job, Future[Result]]] = deque()
        self._lock = threading.Lock()
        self._wake_reader, self._wake_writer = multiprocessing.Pipe(duplex=False)
        self._thread: threading.Thread | None = None
        self._closing = False
        self._starting: _Start | None = None  # a worker the server has not forked yet

    def _spawn(self) -> _Worker | None:
        """A new worker; None when none can be started now (the system's process limit, no memory left, the server
        gone in the midst of a fork, or stopped): the gateway's fault, never the mail's (red team 80: it closed the pool
        for good)."""
        try:
            context = _context()
            if isinstance(context, ForkServerContext):
                return self._from_server(context)
            return _Worker(context, self.settings, self.memory_mb)
        except (OSError, EOFError, ValueError, RuntimeError) as exc:  # RuntimeError: no thread to ask the server in
            log.warning("a worker could not be started: %s", exc)
            return None

    def _from_server(self, context: ForkServerContext) -> _Worker | None:
        """The worker the server forks (`_Start`): waited for STARTUP_SECONDS when first asked, then LOOK_AGAIN_SECONDS
        each time a job needs it (a server going on again forks it in milliseconds)."""
        fresh = self._starting is None
        if fresh:
            self._starting = _Start(context, self.settings, self.memory_mb)
        assert self._starting is not None
        come = self._starting.wait(STARTUP_SECONDS if fresh else LOOK_AGAIN_SECONDS)
        if come is None:
            if fresh:
                log.warning("the worker server did not fork a worker in %g s (stopped?): jobs wait for it", STARTUP_SECONDS)
            return None
        self._starting = None
        if isinstance(come, BaseException):
            raise come
        return come

    def __enter__(self) -> "WorkerPool":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ---- what callers use ------------------------------------------------------------------
    def start(self) -> "WorkerPool":
        """The dispatcher thread started (if it is not yet): from now on callers only wait for their
        futures, so that several threads may use the pool at once."""
        with self._lock:
            if self._thread is None:
                self._thread = threading.Thread(target=self._dispatch, name="qlvb-workers", daemon=True)
                self._thread.start()
        return self

    def submit(self, job: Job) -> Future[Result]:
        """The job's result to come, while the caller goes on: the dispatcher thread runs from now on."""
        future = self._enqueue(job)
        self.start()
        return future

    def map(self, raws: Iterable[bytes], *, store: bool = False) -> Iterator[Analysis | WorkFailure]:
        """Mails analysed for intake (with `store`, their files written into the content store)."""
        return self.map_delivered(((raw, None, None) for raw in raws), store=store)

    def map_delivered(self, mails: Iterable[tuple[bytes, datetime | None, Whole | None]], *,
                      store: bool = False) -> Iterator[Analysis | WorkFailure]:
        """Mails with the time our server received each (None: unknown), analysed for intake as `map` does; with a
        `Whole`, the bytes are only the beginning of a mail too large to hold (mail-too-large)."""
        ahead: deque[Future[Result]] = deque()
        for raw, delivered, whole in mails:
            ahead.append(self._enqueue(Job("mail", raw, store=store, delivered=delivered, whole=whole)))
            if len(ahead) > 2 * self.size:
                yield mail_result(self._result(ahead.popleft()))
        while ahead:
            yield mail_result(self._result(ahead.popleft()))

    def read_pdf(self, filename: str, data: bytes) -> PdfFacts | WorkFailure:
        """One document of ours, read and its signatures checked, under the same limits."""
        return pdf_result(self._result(self._enqueue(Job("pdf", data, filename=filename))))

    def render_pages(self, data: bytes) -> PageImages | WorkFailure:
        """Pictures of a PDF's first pages (the desk's review), under the same limits."""
        result = self._result(self._enqueue(Job("pages", data)))
        assert not isinstance(result, (Analysis, PdfFacts))
        return result

    def _enqueue(self, job: Job) -> Future[Result]:
        future: Future[Result] = Future()
        with self._lock:
            if self._closing:
                raise RuntimeError("the worker pool is closed")
            self._queue.append((job, future))
        self._wake_writer.send_bytes(b"")
        return future

    def _result(self, future: Future[Result]) -> Result:
        """The job's result: waited for, or, without the dispatcher thread, the workers driven from here."""
        while self._thread is None and not future.done():
            self._dispatch_once()
        return future.result()

    def close(self) -> None:
        with self._lock:
            self._closing = True
            thread = self._thread
        if thread is not None:
            self._wake_writer.send_bytes(b"")
            thread.join()
        else:
            self._dispatch_once()  # what waits is cancelled, what runs stopped
        for worker in self._workers:
            try:
                worker.conn.send(None)
            except (OSError, ValueError):
                pass
        for worker in self._workers:
            worker.process.join(timeout=2)
            worker.kill()
        self._workers = []
        if self._starting is not None:
            self._starting.abandon()
            self._starting = None

    # ---- the dispatcher thread -------------------------------------------------------------
    def _dispatch(self) -> None:
        sys.setswitchinterval(min(sys.getswitchinterval(), SWITCH_SECONDS))  # the workers fed without delay
        try:
            while self._dispatch_once():
                pass
        except BaseException as exc:  # a bug here must not leave callers waiting for ever
            log.exception("worker dispatcher failed")
            self._fail_all(WorkFailure(f"dispatcher: {type(exc).__name__}: {exc}"[:300]))

    def _dispatch_once(self) -> bool:
        with self._lock:
            closing = self._closing
            cancelled = list(self._queue) if closing else []
            if closing:
                self._queue.clear()
        if closing:
            for _, future in cancelled:
                if not future.cancel():  # handed again after its worker died (_died): running
                    future.set_result(WorkFailure("closed"))
            for worker in [w for w in self._workers if w.job is not None]:
                self._end(worker, WorkFailure("closed"))
            return False
        self._assign()
        busy = [w for w in self._workers if w.job is not None]
        timeout = max(0.0, min(w.deadline for w in busy) - time.monotonic()) if busy else None
        ready = wait([self._wake_reader, *(w.conn for w in busy)], timeout=timeout)
        if self._wake_reader in ready:
            while self._wake_reader.poll():
                self._wake_reader.recv_bytes()
        for worker in busy:
            if worker.conn in ready:
                self._receive(worker)
            # past its time even while its messages keep coming: a PDF begun ("tick") after the mail's limit is not let
            # run on (a mail of 120 PDFs, their ticks read one a turn on a loaded machine, was read to its end and
            # returned past a limit of 1 s)
            if worker.job is not None and time.monotonic() >= worker.deadline:
                job = worker.job[0]
                per_mail = job.kind == "mail" and worker.deadline >= worker.mail_deadline
                self._end(worker, WorkFailure(f"mail timeout (limits.seconds_per_mail, {self.seconds_per_mail:g} s)"
                                              if per_mail else "timeout"))
        return True

    def _assign(self) -> None:
        """Keep every worker busy while jobs wait."""
        while True:
            idle = next((w for w in self._workers if w.job is None), None)
            # one worker kept ready; more, or a replacement for one killed, when jobs wait for it (red team 82: asked of
            # a stopped server after every job)
            if idle is None and len(self._workers) < self.size and (not self._workers or self._waiting()):
                idle = self._spawn()
                if idle is None and not self._workers:  # no worker at all: what waits is tried again later
                    self._fail_waiting(WorkFailure("no worker could be started", infrastructure=True))
                if idle is not None:
                    self._workers.append(idle)
            if idle is None:
                return
            with self._lock:
                if not self._queue:
                    return
                job, future = self._queue.popleft()
            if not future.running() and not future.set_running_or_notify_cancel():  # running: handed again (_died)
                continue
            spawned = False
            while not self._hand(idle, job, future):  # a worker found dead while idle (killed from outside)
                idle.kill()
                self._workers.remove(idle)
                if spawned:  # the one started for it died too, taking the job's bytes (red team 94: a mail larger than a
                    self._hand_again(job, future)  # worker's memory): a death in the job, never the machine's failure
                    break
                idle = next((w for w in self._workers if w.job is None), None)  # another idle one (red team 82)
                if idle is None:
                    spawned, idle = True, self._spawn()
                    if idle is None:
                        future.set_result(WorkFailure("no worker could be started", infrastructure=True))
                        break
                    self._workers.append(idle)

    def _waiting(self) -> bool:
        with self._lock:
            return bool(self._queue)

    def _hand(self, worker: _Worker, job: Job, future: Future[Result]) -> bool:
        limit = self.seconds_per_mail if job.kind == "mail" else self.seconds
        try:
            header: _Header = (id(future), job.kind, job.filename, job.store, job.whole, _in_utc(job.delivered))
            worker.conn.send(header)
            worker.conn.send_bytes(job.data)
        except (OSError, ValueError):
            return False
        worker.job = (job, future)
        worker.started_at = None
        worker.deadline = worker.mail_deadline = time.monotonic() + STARTUP_SECONDS + max(0.0, limit - job.spent)
        return True

    def _receive(self, worker: _Worker) -> None:
        assert worker.job is not None
        job, future = worker.job
        try:
            message = worker.conn.recv()
        except (EOFError, OSError):
            self._died(worker)
            return
        now = time.monotonic()
        if message[0] == "start":  # the whole job's limit runs from here, less what workers that died in it took
            worker.started_at = now
            worker.mail_deadline = now + max(0.0, (self.seconds_per_mail if job.kind == "mail" else self.seconds) - job.spent)
            worker.deadline = worker.mail_deadline
        elif message[0] == "tick":  # a PDF begins: its own limit, within the mail's
            worker.deadline = min(now + self.seconds, worker.mail_deadline)
        else:
            worker.job = None
            future.set_result(message[2])
            if message[3]:  # spent: it ends now, and a new one is started when a job waits for it
                worker.kill()
                self._workers.remove(worker)

    def _died(self, worker: _Worker) -> None:
        """A worker that died in a job: killed from outside (the kernel's OOM killer, an operator, its server killed with
        it: red team 92, the mail was quarantined `crashed`) or by the job itself."""
        assert worker.job is not None
        job, future = worker.job
        took = time.monotonic() - worker.started_at if worker.started_at is not None else 0.0
        log.warning("worker %s died in a job", worker.process.pid)
        worker.job = None
        worker.kill()
        self._workers.remove(worker)
        self._hand_again(job, future, took)

    def _hand_again(self, job: Job, future: Future[Result], took: float = 0.0) -> None:
        """A job a worker died in is handed once more to another, first, with what was left of its time limit (red team
        93: a whole one more); a death past MAX_CRASHES is the job's doing (a PDF that kills MuPDF): `crashed`."""
        if job.crashes >= MAX_CRASHES:
            future.set_result(WorkFailure("crashed"))
            return
        with self._lock:
            self._queue.appendleft((replace(job, crashes=job.crashes + 1, spent=job.spent + took), future))

    def _end(self, worker: _Worker, failure: WorkFailure) -> None:
        """A worker past its time, crashed or stopped: its job fails, the worker is killed (replaced when needed)."""
        assert worker.job is not None
        _, future = worker.job
        log.warning("worker %s: %s", worker.process.pid, failure.reason)
        worker.job = None
        worker.kill()
        self._workers.remove(worker)
        future.set_result(failure)

    def _fail_waiting(self, failure: WorkFailure) -> None:
        """Every job not yet handed to a worker fails so (the pool stays open)."""
        with self._lock:
            waiting, self._queue = list(self._queue), deque()
        for _, future in waiting:
            if future.running() or future.set_running_or_notify_cancel():
                future.set_result(failure)

    def _fail_all(self, failure: WorkFailure) -> None:
        with self._lock:
            self._closing = True
            waiting, self._queue = list(self._queue), deque()
        for _, future in waiting + [w.job for w in self._workers if w.job is not None]:
            if not future.done():
                future.set_result(failure)


def mail_result(result: Result) -> Analysis | WorkFailure:
    """A mail's job gives its analysis (or a failure), never a PDF's facts."""
    assert not isinstance(result, (PdfFacts, PageImages))
    return result


def pdf_result(result: Result) -> PdfFacts | WorkFailure:
    """A PDF's job gives its facts (or a failure), never a mail's analysis."""
    assert not isinstance(result, (Analysis, PageImages))
    return result
