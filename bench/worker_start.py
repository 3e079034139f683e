"""How long a threaded process (the daemon) takes to start a PDF worker, as the gateway starts them (a server process
forking them, `gateway.workers._context`) and as it did before stop 39 (a fresh interpreter each): the wall time until
the worker, its modules loaded, answers, and the CPU it took. Then the server's own start, once a start of the daemon or
the desk, both ways: as multiprocessing starts it (a fresh interpreter loading the workers' modules) and as `run` and
`web` start it since stop 48 (a fork of the process, `gateway.workers.start_server_by_fork`), each in a process of its
own: the wall time from the start to the first worker's answer, and the CPU the server took.

    .venv/bin/python bench/worker_start.py [--times N]
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import resource
import subprocess
import sys
import threading
import time
from multiprocessing.connection import Connection
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def answer(conn: Connection) -> None:
    """A worker's start: the workers' modules loaded (already, when forked from the server), then one message back."""
    import gateway.workers  # noqa: F401

    conn.send(conn.recv())


def children_cpu() -> float:
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def one_start(context: multiprocessing.context.BaseContext) -> tuple[float, float]:
    start, cpu = time.monotonic(), children_cpu()
    conn, child = context.Pipe()  # type: ignore[attr-defined]
    process = context.Process(target=answer, args=(child,), daemon=True)  # type: ignore[attr-defined]
    process.start()
    child.close()
    conn.send(1)
    conn.recv()
    process.join()
    return time.monotonic() - start, children_cpu() - cpu


def _cpu_of(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def server_once(forked: bool) -> None:
    """In a process of its own: the workers' modules loaded, the server started (forked, or by multiprocessing on first
    use), a thread started (as the daemon's), then one worker; prints the seconds to its answer and the server's CPU."""
    import multiprocessing.forkserver

    from gateway.workers import _context, start_server_by_fork

    start = time.monotonic()
    if forked:
        assert start_server_by_fork()
    threading.Thread(target=time.sleep, args=(3600,), daemon=True).start()
    one_start(_context())
    server = multiprocessing.forkserver._forkserver._forkserver_pid  # type: ignore[attr-defined]
    print(f"{time.monotonic() - start:.3f} {_cpu_of(server):.3f}")


def server_starts(times: int) -> None:
    for name, how in (("started by multiprocessing (a fresh interpreter)", "fresh"),
                      ("forked by run and web (start_server_by_fork)", "fork")):
        runs = []
        for _ in range(times):
            done = subprocess.run([sys.executable, __file__, "--server-once", how], capture_output=True, text=True,
                                  check=True)
            wall, cpu = map(float, done.stdout.split())
            runs.append((wall, cpu))
        walls, cpus = sorted(r[0] for r in runs), sorted(r[1] for r in runs)
        print(f"the server {name}: to the first worker's answer {walls[len(walls) // 2] * 1000:.0f} ms (median of "
              f"{times}), the server's CPU {cpus[len(cpus) // 2]:.2f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--times", type=int, default=5)
    parser.add_argument("--server-once", choices=("fresh", "fork"), help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.server_once:
        server_once(arguments.server_once == "fork")
        return
    times = arguments.times
    from gateway.workers import _context

    threading.Thread(target=time.sleep, args=(3600,), daemon=True).start()  # threaded, as the daemon is
    for name, context in (("fresh interpreter (spawn)", multiprocessing.get_context("spawn")),
                          ("the gateway's (forkserver)", _context())):
        runs = [one_start(context) for _ in range(times)]
        first, rest = runs[0], runs[1:]
        cpu = sum(r[1] for r in rest) / len(rest)  # a forked worker is the server's child: its CPU is not counted here
        print(f"{name}: first {first[0] * 1000:.0f} ms; then {min(r[0] for r in rest) * 1000:.0f}–"
              f"{max(r[0] for r in rest) * 1000:.0f} ms a worker" + (f", {cpu:.2f} s CPU each" if cpu else ""))
    server_starts(times)


if __name__ == "__main__":
    main()
