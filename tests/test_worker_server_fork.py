"""The server a threaded gateway forks its PDF workers from, started as a fork of the command's process
(gateway/workers.py: start_server_by_fork) while that process is single-threaded: where multiprocessing started it from
a fresh interpreter that loaded the gateway's modules again (about a second of CPU at each start of the daemon and the
desk). Each case runs in a process of its own, as the daemon does: the test process's own server is not touched."""

from __future__ import annotations

import subprocess
import sys

from world import World

SERVED = """
import os, sys, threading
import multiprocessing.forkserver as forkserver
from gateway import workers
from gateway.config import load_config
from gateway.app import Gateway

assert workers.start_server_by_fork() is True
assert workers.start_server_by_fork() is False  # started once
server = forkserver._forkserver._forkserver_pid
cmdline = lambda pid: open(f"/proc/{pid}/cmdline", "rb").read()
named = lambda: workers.SERVER_TITLE.encode() in cmdline(server)  # named by the server itself, just after the fork
import time
deadline = time.monotonic() + 30
while not named() and time.monotonic() < deadline:
    time.sleep(0.01)
assert named()  # a fork of this process, named; not a fresh interpreter
assert b"forkserver import" not in cmdline(server)
os.chdir(sys.argv[2])
pdf = open(sys.argv[3], "rb").read()
from contextlib import closing
from pathlib import Path
with closing(Gateway.open(load_config(Path(sys.argv[1])))) as gateway, gateway.worker_pool(size=1) as pool:
    pool.start()  # threaded from now on: the worker comes from the server
    facts = pool.read_pdf("letter.pdf", pdf)
    def parent_of(pid):  # None for a process gone between the listing and the look (stop 50: another test's, in CI)
        try:
            return open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()[1]
        except FileNotFoundError:
            return None
    children = [int(p) for p in os.listdir("/proc") if p.isdigit() and parent_of(p) == str(server)]
    print(facts.reading.particulars.number, len(children))
"""

THREADED = """
import threading
from gateway import workers
threading.Thread(target=threading.Event().wait, daemon=True).start()
print(workers.start_server_by_fork())
"""


def test_a_worker_forked_from_the_forked_server_reads_the_document(world: World) -> None:
    pdf = world.root / "letter.pdf"
    pdf.write_bytes(world.document(number="52/STP-VP"))
    done = subprocess.run([sys.executable, "-c", SERVED, str(world.config_path), str(world.root), str(pdf)],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-3000:]
    number, workers = done.stdout.split()
    assert number == "52/STP-VP" and int(workers) == 1  # read by a worker the forked server forked


def test_no_server_is_forked_from_a_process_with_another_thread() -> None:
    # forking a threaded process could copy a lock another thread holds: multiprocessing starts its own then, as before
    done = subprocess.run([sys.executable, "-c", THREADED], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and done.stdout.split() == ["False"], done.stderr[-3000:]
