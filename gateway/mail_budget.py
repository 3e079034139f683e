"""How much of the daemon process one mail may take. The workers that read a mail are killed past their limits;
what the main thread does with it (deciding, recording) had none: six red teams each found a mail that held it for
minutes or years, the register's write transaction open and every mailbox stopped, each fixed where it was found.
This bounds what is not found yet.

A mail's steps run under `budget(seconds)`, counted in CPU time (waiting for a locked database, the network or the
disk costs none, and is the infrastructure's):
- past `seconds` of the main thread's own, a watchdog thread interrupts it: `MailTookTooLong` is raised where it
  is, the mail's fault, so the guard quarantines it and the loop goes on;
- code that does not let go (a regular expression runs on in C without looking up, holding the interpreter, so
  no thread of ours can run) is stopped by the system: past twice `seconds` of the process's CPU (RLIMIT_CPU), the
  process is killed by SIGXCPU, the Python stack of every thread written to stderr first (faulthandler). Its
  transaction never committed, systemd starts it again (`Restart=on-failure`), and the attempts table
  (gateway/guard.py) quarantines the mail begun too often without reading it again.
Only the main thread is bounded (the daemon's loop and the commands record there); elsewhere, and where the
system gives no thread a clock of its own, `budget` bounds nothing. A process forked under a budget (a worker)
calls `unbounded_here` first.
"""

from __future__ import annotations

import _thread
import faulthandler
import math
import resource
import signal
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

SIGNAL = signal.SIGUSR2  # never sent: interrupt_main calls its handler in the main thread as if it had come
LOOK_EVERY = 0.2  # seconds of wall time between the watchdog's looks at the main thread's clock


class MailTookTooLong(Exception):
    """One mail took the daemon process's main thread past its budget of CPU time."""


@dataclass
class _Armed:
    token: int
    clock: int  # the main thread's CPU clock (time.pthread_getcpuclockid)
    start: float
    seconds: float
    limit: tuple[int, int]  # RLIMIT_CPU before: given back when the budget ends
    interrupted: bool = False


class _Watchdog:
    """One thread looking at the main thread's CPU clock while a budget is armed."""

    def __init__(self) -> None:
        self.armed: _Armed | None = None
        self._tokens = 0
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    def arm(self, seconds: float) -> int | None:
        if threading.current_thread() is not threading.main_thread() or self.armed is not None:
            return None  # bounded only in the main thread; an inner budget adds nothing to the outer one
        try:
            clock = time.pthread_getcpuclockid(threading.main_thread().ident or 0)
            start = time.clock_gettime(clock)
        except (AttributeError, OSError):  # no clock of the thread's own here
            return None
        if signal.getsignal(SIGNAL) is not _interrupted:
            signal.signal(SIGNAL, _interrupted)
            stderr = sys.__stderr__  # the process's own (a test's captured one has no file behind it)
            try:
                if stderr is not None:
                    faulthandler.register(signal.SIGXCPU, file=stderr, all_threads=True, chain=True)
            except (OSError, ValueError):  # io.UnsupportedOperation is both: killed all the same, without the stacks
                pass
        limit = soft, hard = resource.getrlimit(resource.RLIMIT_CPU)
        stop_at = math.ceil(time.process_time() + 2 * seconds)
        if hard != resource.RLIM_INFINITY:
            stop_at = min(stop_at, hard)
        if soft == resource.RLIM_INFINITY or stop_at < soft:
            resource.setrlimit(resource.RLIMIT_CPU, (stop_at, hard))
        with self._lock:
            self._tokens += 1
            self.armed = _Armed(self._tokens, clock, start, seconds, limit)
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._watch, name="mail-budget", daemon=True)
                self._thread.start()
            return self._tokens

    def disarm(self, token: int | None, limit: tuple[int, int] | None) -> None:
        if token is None:
            return
        with self._lock:
            if self.armed is not None and self.armed.token == token:
                self.armed = None
        if limit is not None:
            resource.setrlimit(resource.RLIMIT_CPU, limit)

    def _watch(self) -> None:
        while True:
            time.sleep(LOOK_EVERY)
            with self._lock:
                armed = self.armed
                if armed is not None and not armed.interrupted and time.clock_gettime(armed.clock) - armed.start >= armed.seconds:
                    armed.interrupted = True
                    _thread.interrupt_main(SIGNAL)


_WATCHDOG = _Watchdog()


def _interrupted(signum: int, frame: object) -> None:
    """In the main thread, between two steps of whatever it was doing (it takes no lock: it may come while the
    main thread holds one)."""
    armed = _WATCHDOG.armed
    if armed is not None and armed.interrupted:  # not a late call for a budget already left
        _WATCHDOG.armed = None  # let go here: what the exception's handlers do next is not this mail's
        raise MailTookTooLong(f"over {armed.seconds:g} s of the daemon process's CPU")


@contextmanager
def budget(seconds: float) -> Iterator[None]:
    """Bound the main thread's CPU time in the block (see the module's text)."""
    token = _WATCHDOG.arm(seconds)
    armed = _WATCHDOG.armed
    limit = armed.limit if token is not None and armed is not None else None
    try:
        yield
    finally:
        _WATCHDOG.disarm(token, limit)


def unbounded_here() -> None:
    """In a process forked while a budget was armed: none of it applies here (its CPU limit was the parent's)."""
    _WATCHDOG.armed = None
    soft, hard = resource.getrlimit(resource.RLIMIT_CPU)
    if soft != hard:
        resource.setrlimit(resource.RLIMIT_CPU, (hard, hard))
