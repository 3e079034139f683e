"""How long a threaded process (the daemon) takes to start a PDF worker, as the gateway starts them (a server process
forking them, `gateway.workers._context`) and as it did before stop 39 (a fresh interpreter each): the wall time until
the worker, its modules loaded, answers, and the CPU it took.

    .venv/bin/python bench/worker_start.py [--times N]
"""

from __future__ import annotations

import argparse
import multiprocessing
import resource
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--times", type=int, default=5)
    times = parser.parse_args().times
    from gateway.workers import _context

    threading.Thread(target=time.sleep, args=(3600,), daemon=True).start()  # threaded, as the daemon is
    for name, context in (("fresh interpreter (spawn)", multiprocessing.get_context("spawn")),
                          ("the gateway's (forkserver)", _context())):
        runs = [one_start(context) for _ in range(times)]
        first, rest = runs[0], runs[1:]
        cpu = sum(r[1] for r in rest) / len(rest)  # a forked worker is the server's child: its CPU is not counted here
        print(f"{name}: first {first[0] * 1000:.0f} ms; then {min(r[0] for r in rest) * 1000:.0f}–"
              f"{max(r[0] for r in rest) * 1000:.0f} ms a worker" + (f", {cpu:.2f} s CPU each" if cpu else ""))


if __name__ == "__main__":
    main()
