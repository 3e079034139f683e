"""The gateway's commands started for the tests as forks of one process that has imported their modules already.

A test starts `qlvb-gateway` hundreds of times (the daemon, `ingest` beside a test's servers, the desk): each start
imported the command's modules again, about 1.2 s of CPU, a fifth of the suite's. Here one process a test process
(this program, started by conftest) imports them once and forks a child for each start asked by `zygote_client.py`
(world.GATEWAY): the child takes the client's standard streams, working folder, environment and arguments, and runs
`gateway.cli.entry` as `python -m gateway.cli` would, to its end (atexit, interpreter finalisation); its exit status
goes back to the client, which ends with it. What the fork cannot copy, the real start does (world.GATEWAY_EXEC, and
the client itself whenever the environment asks for another interpreter): a test that looks at the process by its
id (/proc, its children, its command line), kills it with SIGKILL or signals its whole group, or measures its start.
A test's own program around the commands (`-c PROGRAM ARGS`, world.PYTHON_C: a defect put into the decision) is run so
too, as `python -c` runs it.

Protocol (a Unix socket, one connection a start): the client sends one JSON line (executable, argv, cwd, environ)
with its descriptors 0, 1 and 2; the zygote answers `pid N` (or `exec`: start for real), then `exit N` (N as
Popen's returncode: minus the signal that ended it). A client gone (killed) has its child killed."""

from __future__ import annotations

import gc
import importlib
import io
import json
import os
import selectors
import signal
import socket
import sys
import types
import warnings
from dataclasses import dataclass

# What an interpreter reads from its environment at its start: a start asking for other values than the zygote's
# is made for real.
_AT_START = ("LANG", "LANGUAGE", "LC_ALL", "LC_CTYPE", "TZ")
_PYTHON_HANDLED = ("PYTHONWARNINGS", "PYTHONSAFEPATH", "PYTHONDONTWRITEBYTECODE")


@dataclass(frozen=True)
class Start:
    argv: list[str]
    cwd: str
    environ: dict[str, str]
    fds: list[int]


def _at_start(environ: dict[str, str]) -> dict[str, str]:
    return {k: v for k, v in environ.items()
            if k in _AT_START or (k.startswith(("PYTHON", "LC_")) and k not in _PYTHON_HANDLED)}


def _forkable(executable: str, environ: dict[str, str]) -> bool:
    return executable == sys.executable and _at_start(environ) == _at_start(dict(os.environ))


def _receive(connection: socket.socket) -> tuple[dict, list[int]]:  # type: ignore[type-arg]
    data, fds, _, _ = socket.recv_fds(connection, 1 << 20, 3)
    while not data.endswith(b"\n"):
        more = connection.recv(1 << 20)
        if not more:
            raise ConnectionError("the client went before its request was whole")
        data += more
    return json.loads(data), fds


def serve(address: str) -> Start | None:
    """Accept starts until the test process that started this one ends (its end of our stdin closes); in a child
    forked for a start, return what it was asked to run."""
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(address)
    listener.listen(64)
    _import_the_commands()
    woken_r, woken_w = os.pipe()
    os.set_blocking(woken_w, False)
    signal.set_wakeup_fd(woken_w)
    signal.signal(signal.SIGCHLD, lambda *_: None)
    waiting = selectors.DefaultSelector()
    waiting.register(listener, selectors.EVENT_READ)
    waiting.register(woken_r, selectors.EVENT_READ)
    waiting.register(sys.stdin.fileno(), selectors.EVENT_READ)
    children: dict[int, socket.socket] = {}
    while True:
        for key, _ in waiting.select():
            if key.fileobj is listener:
                connection, _ = listener.accept()
                try:
                    request, fds = _receive(connection)
                except (OSError, ValueError):
                    connection.close()
                    continue
                if not _forkable(request["executable"], request["environ"]) or len(fds) != 3:
                    for fd in fds:
                        os.close(fd)
                    connection.sendall(b"exec\n")
                    connection.close()
                    continue
                pid = os.fork()
                if pid == 0:
                    signal.set_wakeup_fd(-1)
                    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
                    waiting.close()
                    for fd in (woken_r, woken_w):
                        os.close(fd)
                    for other in (listener, connection, *children.values()):
                        other.close()
                    return Start(request["argv"], request["cwd"], request["environ"], fds)
                for fd in fds:
                    os.close(fd)
                children[pid] = connection
                try:
                    connection.sendall(f"pid {pid}\n".encode())
                except OSError:  # the client is gone already: so is its command (reported when it ends)
                    _kill(pid)
                    continue
                waiting.register(connection, selectors.EVENT_READ, pid)
            elif key.fileobj == woken_r:
                os.read(woken_r, 4096)
                _report_ended(children, waiting)
            elif key.fileobj == sys.stdin.fileno():
                if not os.read(sys.stdin.fileno(), 4096):  # the test process has ended
                    for pid in children:
                        _kill(pid)
                    os.unlink(address)
                    return None
            else:  # a client's connection: it has gone (killed), its child goes too
                try:
                    gone = not key.fileobj.recv(4096)  # type: ignore[union-attr]
                except OSError:
                    gone = True
                if gone:
                    _kill(key.data)
                    waiting.unregister(key.fileobj)


def _kill(pid: int) -> None:
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def _report_ended(children: dict[int, socket.socket], waiting: selectors.BaseSelector) -> None:
    while True:
        try:
            pid, status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return
        connection = children.pop(pid, None)
        if connection is None:
            continue
        try:
            waiting.unregister(connection)
        except KeyError:
            pass
        try:
            connection.sendall(f"exit {os.waitstatus_to_exitcode(status)}\n".encode())
        except OSError:
            pass
        connection.close()


_FRESH_FILTERS: list = []  # type: ignore[type-arg]


def _import_the_commands() -> None:
    """Every command's modules (gateway.cli.MODULES_OF), the cyclic collector off, then frozen, as `entry` does."""
    _FRESH_FILTERS[:] = warnings.filters
    gc.disable()
    from gateway import cli

    cli._unsaid_deprecations()
    for modules in cli.MODULES_OF.values():
        for module in modules:
            importlib.import_module(module)
    gc.freeze()
    gc.enable()


def _streams() -> None:
    """The standard streams made anew over descriptors 0, 1 and 2, as the interpreter makes them at its start."""
    for name, fd, mode in (("stdin", 0, "rb"), ("stdout", 1, "wb"), ("stderr", 2, "wb")):
        old = getattr(sys, name)
        binary = io.open(fd, mode, buffering=-1, closefd=False)
        stream = io.TextIOWrapper(binary, encoding=old.encoding, errors=old.errors,  # type: ignore[arg-type]
                                  line_buffering=fd == 2 or (fd == 1 and os.isatty(fd)), write_through=fd == 2)
        setattr(sys, name, stream)
        setattr(sys, f"__{name}__", stream)


def run(start: Start) -> int:
    """In the forked child: become `python -m gateway.cli ARGV` started from CWD with ENVIRON."""
    for target, fd in enumerate(start.fds):
        os.dup2(fd, target)
    for fd in start.fds:
        if fd > 2:
            os.close(fd)
    _streams()
    os.chdir(start.cwd)
    os.environ.clear()
    os.environ.update(start.environ)
    sys.dont_write_bytecode = bool(start.environ.get("PYTHONDONTWRITEBYTECODE"))
    warnings.filters[:] = _FRESH_FILTERS
    for option in filter(None, start.environ.get("PYTHONWARNINGS", "").split(",")):
        warnings._setoption(option)  # type: ignore[attr-defined]
    from gateway import cli

    program = start.argv[1] if start.argv[:1] == ["-c"] and len(start.argv) > 1 else None
    if not start.environ.get("PYTHONSAFEPATH"):  # `-m` puts the working folder first, `-c` "" (the zygote runs with -P)
        sys.path.insert(0, start.cwd if program is None else "")
    if program is None:
        sys.argv = [cli.__file__, *start.argv]
        sys.modules["__main__"] = cli
        return cli.entry()
    sys.argv = ["-c", *start.argv[2:]]
    main = types.ModuleType("__main__")
    sys.modules["__main__"] = main
    exec(compile(program, "<string>", "exec"), vars(main))  # noqa: S102 (a test's own program, as `python -c` runs it)
    return 0


if __name__ == "__main__":
    asked = serve(sys.argv[1])
    if asked is not None:
        sys.exit(run(asked))
