"""What each worker the daemon's server forks costs at its start: multiprocessing runs the parent's main module again in
each one (`python -m gateway.cli` by its name, the `qlvb-gateway` script by its path), and the imports the server had
not made were made again by every worker and every replacement of one (0.3 s of CPU each). The server makes them once
now (gateway/workers.py `_main_modules`)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from world import World

# a module the main module imports: each import of it marked
HEAVY = """
import os
with open(os.environ["QLVB_MARK"], "a") as marks:
    marks.write(f"imported {os.getpid()}\\n")


def main() -> None:
    pass
"""
# the main module, run by its name (-m) as the tests run `gateway.cli`, or by its path as systemd runs the script: a threaded process's pool (the daemon's: forked by the
# worker server) of two workers, both drawing
MAIN = """
import sys, threading
from contextlib import closing
from pathlib import Path

from qlvb_heavy import main  # noqa: F401 (as the qlvb-gateway script takes gateway.cli's)

if __name__ == "__main__":
    from gateway.app import Gateway
    from gateway.config import load_config
    from gateway.model import WorkFailure
    from gateway.workers import Job

    threading.Thread(target=threading.Event().wait, daemon=True).start()  # threaded, as the daemon is
    letter = Path(sys.argv[2]).read_bytes()
    with closing(Gateway.open(load_config(Path(sys.argv[1])))) as gateway, gateway.worker_pool(size=2) as pool:
        pool.start()
        drawn = [job.result() for job in [pool.submit(Job("pages", letter)) for _ in range(4)]]  # both at work
    assert not any(isinstance(d, WorkFailure) for d in drawn), drawn
"""


@pytest.mark.parametrize("started", ["by name", "by path"])
def test_the_workers_of_the_daemons_server_find_its_main_modules_imports_made(world: World, tmp_path: Path,
                                                                            started: str) -> None:
    (tmp_path / "qlvb_heavy.py").write_text(HEAVY)
    (tmp_path / "qlvb_main.py").write_text(MAIN)
    marks, letter = tmp_path / "marks", tmp_path / "letter.pdf"
    letter.write_bytes(world.document(number="42/STP-VP"))
    path = os.pathsep.join([str(tmp_path), *filter(None, [os.environ.get("PYTHONPATH")])])
    main = ["-m", "qlvb_main"] if started == "by name" else [str(tmp_path / "qlvb_main.py")]
    done = subprocess.run([sys.executable, *main, str(world.config_path), str(letter)], cwd=world.root,
                          capture_output=True, text=True, timeout=300,
                          env=dict(os.environ, QLVB_MARK=str(marks), PYTHONPATH=path, PYTHONWARNINGS="ignore"))
    assert done.returncode == 0, done.stderr[-3000:]
    # imported by the process itself and once by the server (it was once by each worker, never by the server)
    assert len(marks.read_text().splitlines()) == 2, marks.read_text()
