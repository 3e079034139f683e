"""How much of the daemon process one mail may take. The workers that read a mail are killed past their limits;
what the main thread does with it (deciding, recording) had none: six red teams each found a mail that held it for
minutes or years, the register's write transaction open and every mailbox stopped, each fixed where it was found.
This bounds what is not found yet.

A mail's steps run under `budget(seconds)`, counted in CPU time (waiting for a locked database, the network or the
disk costs none, and is the infrastructure's):
- past `seconds` of the main thread's own, a watchdog thread interrupts it: `MailTookTooLong` is raised where it
  is, the mail's fault, so the guard quarantines it and the loop goes on;
- code that does not let go (a regular expression runs on in C without looking up, holding the interpreter, so
  no thread of ours can run) is stopped by the system: past twice `seconds` of the main thread's CPU (RLIMIT_CPU,
  which counts the whole process's, moved on by what other threads take while the main thread waits), the process
  is killed by SIGXCPU, the Python stack of every thread written to stderr first (faulthandler). Its
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
import os
import resource
import signal
import sys
import threading
import time
from contextlib import AbstractContextManager
from dataclasses import dataclass
from types import FrameType

SIGNAL = signal.SIGUSR2  # never sent: interrupt_main calls its handler in the main thread as if it had come
# Where the main thread is never interrupted: this module's own steps (arming, disarming), the database's driver and
# the layers of SQLAlchemy that talk to it (red team 24: interrupted in psycopg's wait for the server's answer, the
# connection was left with a command in flight, the rollback failed, the failure was taken for the database's and
# the mail tried for ever; the ORM above them is interrupted as any error of a flush interrupts it), and logging (it
# catches every exception a handler raises, and goes on)
_NOT_HERE = (__file__, *(os.sep + os.path.join(*place) for place in (
    ("sqlalchemy", "engine", ""), ("sqlalchemy", "pool", ""), ("sqlalchemy", "dialects", ""), ("psycopg",),
    ("sqlite3", ""), ("logging", ""))))
LOOK_EVERY = 0.2  # seconds of wall time between the watchdog's looks at the main thread's clock
ASK_EVERY = 0.01  # and between its asks once past the budget (each declined where the main thread may not stop)
AGAIN = 0.1  # of the budget, the main thread's CPU after an interruption before it is interrupted again (swallowed)


class MailTookTooLong(Exception):
    """One mail took the daemon process's main thread past its budget of CPU time."""


@dataclass
class _Armed:
    token: int
    clock: int  # the main thread's CPU clock (time.pthread_getcpuclockid)
    start: float
    seconds: float
    owner: FrameType | None  # the frame whose `with` armed it: never interrupted itself (below)
    interrupted: bool = False  # past the budget: the watchdog asks the main thread to stop
    raised_at: float | None = None  # the main thread's CPU in the budget when MailTookTooLong was raised in it

    def used(self) -> float:
        return time.clock_gettime(self.clock) - self.start


class _Watchdog:
    """One thread looking at the main thread's CPU clock while a budget is armed. RLIMIT_CPU counts every thread of
    the process, the budget the main thread's alone: while the main thread waits and others work (the listener
    taking a flood of deliveries, a scheduled job), the watchdog moves the process's limit on by what they took
    (red team 23: a good mail quarantined after the daemon was killed twice waiting on a lock). It cannot run
    while the main thread holds the interpreter in C code, and then the limit stands."""

    def __init__(self) -> None:
        self.armed: _Armed | None = None
        self._tokens = 0
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self._wake = threading.Condition(self._lock)  # the watchdog's wait between looks, cut short by `rest`
        self._resting = False  # asked to end once nothing is armed
        self.original: tuple[int, int] | None = None  # RLIMIT_CPU before any budget: the process's own

    def arm(self, seconds: float, owner: FrameType | None) -> int | None:
        if threading.current_thread() is not threading.main_thread():
            return None  # bounded only in the main thread
        if self.armed is not None:  # an inner budget adds nothing to the outer one, and never replaces it (red team
            return None  # 26: an inner one armed after the outer had interrupted left the rest of the outer unbounded)
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
        with self._lock:
            if self.original is None:
                self.original = resource.getrlimit(resource.RLIMIT_CPU)
            self._tokens += 1
            self.armed = _Armed(self._tokens, clock, start, seconds, owner)
            self._limit(self.armed)
            if self._thread is None or not self._thread.is_alive():
                self._resting = False
                self._thread = threading.Thread(target=self._watch, name="mail-budget", daemon=True)
                self._thread.start()
            return self._tokens

    def _limit(self, armed: _Armed) -> None:
        """RLIMIT_CPU where the process stops should the main thread take twice the budget from now on (with the
        lock held)."""
        assert self.original is not None
        soft, hard = self.original
        stop_at = math.ceil(time.process_time() + 2 * armed.seconds - armed.used())
        if hard != resource.RLIM_INFINITY:
            stop_at = min(stop_at, hard)
        if soft == resource.RLIM_INFINITY or stop_at < soft:
            resource.setrlimit(resource.RLIMIT_CPU, (stop_at, hard))

    def disarm(self, token: int | None) -> None:
        if token is None:
            return
        with self._lock:
            if self.armed is not None and self.armed.token == token:
                self.armed = None
            self._give_back()

    def _give_back(self) -> None:
        """The process's own limit again (with the lock held; should an interruption skip it in `disarm`, the
        watchdog's next look does it)."""
        if self.original is not None and resource.getrlimit(resource.RLIMIT_CPU) != self.original:
            resource.setrlimit(resource.RLIMIT_CPU, self.original)

    def _watch(self) -> None:
        with self._lock:  # let go while it waits
            while not (self._resting and self.armed is None):
                armed = self.armed
                self._wake.wait(ASK_EVERY if armed is not None and armed.interrupted else LOOK_EVERY)
                armed = self.armed
                if armed is None:
                    self._give_back()
                    continue
                self._limit(armed)  # moved on by what the other threads took meanwhile
                used = armed.used()
                # asked again at every look, declined or swallowed somewhere; once raised, only after the main thread
                # has gone on a while (not into the rollback the exception set off: red team 25)
                if used >= armed.seconds and (armed.raised_at is None or used >= armed.raised_at + AGAIN * armed.seconds):
                    armed.interrupted = True
                    _thread.interrupt_main(SIGNAL)
            self._give_back()
            self._thread = None

    def rest(self) -> None:
        """The watchdog ended if nothing is armed (the next budget starts it again)."""
        with self._lock:
            thread = self._thread
            if thread is None or self.armed is not None:
                return
            self._resting = True
            self._wake.notify_all()
        if thread is not threading.current_thread():
            thread.join(timeout=5)


_WATCHDOG = _Watchdog()


def _interrupted(signum: int, frame: FrameType | None) -> None:
    """In the main thread, between two steps of whatever it was doing (it takes no lock: it may come while the
    main thread holds one). Not where an exception would do harm (`_NOT_HERE`): the watchdog asks again
    (ASK_EVERY), and a main thread that never comes back out of those places in time (a loop of queries waits in the
    driver most of the time) is stopped with the process at twice the budget."""
    armed = _WATCHDOG.armed
    if armed is None or not armed.interrupted:  # a late call for a budget already left
        return
    if frame is armed.owner:  # between the end of its block and its disarming, an exception would leave it armed
        return
    while frame is not None:
        if any(place in frame.f_code.co_filename for place in _NOT_HERE):
            return
        frame = frame.f_back
    armed.raised_at = armed.used()
    raise MailTookTooLong(f"over {armed.seconds:g} s of the daemon process's CPU")


class _Budget(AbstractContextManager[None]):
    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.token: int | None = None

    def __enter__(self) -> None:
        self.token = _WATCHDOG.arm(self.seconds, sys._getframe(1))

    def __exit__(self, *exc: object) -> None:
        _WATCHDOG.disarm(self.token)


def budget(seconds: float) -> _Budget:
    """Bound the main thread's CPU time in a `with` block (see the module's text)."""
    return _Budget(seconds)


def rest() -> None:
    """At a command's end: no thread of ours left behind, so that a process that goes on (a test's, a script's)
    forks its next workers as the single thread it was (gateway/workers.py), not as a threaded one."""
    _WATCHDOG.rest()


def unbounded_here() -> None:
    """In a process started while a budget was armed: none of it applies here (its CPU limit was the parent's).
    Forked, the parent's own limit is known; started afresh, the hard limit stands for it."""
    _WATCHDOG.armed = None
    soft, hard = resource.getrlimit(resource.RLIMIT_CPU)
    own = _WATCHDOG.original or (hard, hard)
    if (soft, hard) != own:
        resource.setrlimit(resource.RLIMIT_CPU, own)
