"""The tests' start of `qlvb-gateway` as a fork of a process that has imported its modules (tests/zygote.py,
world.GATEWAY) gives what the real start gives (world.GATEWAY_EXEC): the same output and exit status, signals reaching
the command, no process left when the start is killed, and a real start whenever the environment asks for another
interpreter."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from servers import wait_for
from test_daemon import start_daemon, stop_daemon
from test_faults_infrastructure import _maildir
from world import GATEWAY, GATEWAY_EXEC, PYTHON_C, World
from zygote import _forkable

COMMANDS = [
    ["--version"],
    ["status", "--config", "missing.yaml"],
    ["register", "list", "--json"],
    ["ingest", "--no-such-option"],
    ["nonsense"],
]


@pytest.mark.parametrize("args", COMMANDS, ids=[" ".join(a) for a in COMMANDS])
def test_a_forked_start_says_what_a_real_one_says(world: World, args: list[str]) -> None:
    args = [*args, "--config", str(world.config_path)] if args[0] == "register" else args
    env = dict(os.environ, PYTHONWARNINGS="ignore")
    forked, real = (subprocess.run([*command, *args], capture_output=True, text=True, cwd=world.root, env=env, timeout=120)
                    for command in (GATEWAY, GATEWAY_EXEC))
    assert (forked.returncode, forked.stdout, forked.stderr) == (real.returncode, real.stdout, real.stderr)
    assert "QLVB_TEST_ZYGOTE" in os.environ  # forked indeed: the suite runs with its zygote


PROGRAM = """
import os, signal, sys
from gateway.cli import main
print(__name__, sys.argv, sys.path[0] == "", flush=True)
if sys.argv[1] == "kill":
    os.kill(os.getpid(), signal.SIGKILL)
sys.argv[0] = "qlvb-gateway"
sys.exit(main())
"""


@pytest.mark.parametrize("args", [["run", "--version"], ["run", "nonsense"], ["kill"]], ids=" ".join)
def test_a_tests_program_forked_runs_as_python_c_runs_it(world: World, args: list[str]) -> None:
    """A test's own program around a command (world.PYTHON_C: test_mail_budget's defects) forked as `python -c`
    runs it: its name, its arguments, the working folder first on the path; its output, exit status or signal."""
    env = dict(os.environ, PYTHONWARNINGS="ignore")
    forked, real = (subprocess.run([*command, PROGRAM, *args], capture_output=True, text=True, cwd=world.root, env=env,
                                   timeout=120) for command in (PYTHON_C, [sys.executable, "-c"]))
    assert (forked.returncode, forked.stdout, forked.stderr) == (real.returncode, real.stdout, real.stderr)
    assert forked.stdout.startswith(f"__main__ ['-c', '{args[0]}'") and (args[0] != "kill" or forked.returncode == -9)


def _forked_by_the_zygote() -> list[int]:
    """The processes this test process's zygote has forked and not yet seen end (its children, by /proc)."""
    address = os.environ["QLVB_TEST_ZYGOTE"]
    [zygote] = [pid for pid in _children(os.getpid()) if _read(Path(f"/proc/{pid}/cmdline")).endswith(f" {address}")]
    return _children(zygote)


def _children(parent: int) -> list[int]:
    return [int(p.parent.name) for p in Path("/proc").glob("[0-9]*/stat")
            if _read(p).rsplit(")", 1)[-1].split()[1:2] == [str(parent)]]


def _read(path: Path) -> str:
    try:
        return path.read_bytes().replace(b"\0", b" ").decode(errors="replace").strip()
    except OSError:
        return ""


def test_the_daemon_started_so_stops_on_a_signal_to_its_start_and_ends_with_it_when_it_is_killed(world: World) -> None:
    _maildir(world)
    assert not _forked_by_the_zygote()
    daemon = start_daemon(world, ready=False)
    assert wait_for(lambda: len(_forked_by_the_zygote()) == 1, timeout=30)
    time.sleep(2)  # at work
    stop_daemon(daemon)  # SIGTERM passed on: the daemon stops as asked, status 0
    assert wait_for(lambda: not _forked_by_the_zygote(), timeout=30)
    killed = start_daemon(world, ready=False)
    assert wait_for(lambda: len(_forked_by_the_zygote()) == 1, timeout=30)
    killed.kill()  # SIGKILL: the start cannot pass it on, so the zygote ends what it forked for it
    assert killed.wait(timeout=30) == -signal.SIGKILL
    assert wait_for(lambda: not _forked_by_the_zygote(), timeout=30), "the daemon outlived its start"


def test_a_start_asking_for_another_interpreter_is_made_for_real() -> None:
    same = dict(os.environ)
    assert _forkable(sys.executable, same)
    assert not _forkable("/usr/bin/python3", same)
    for asked in ({"PYTHONHASHSEED": "7"}, {"PYTHONPATH": "/elsewhere"}, {"LC_ALL": "C"}, {"PYTHONUTF8": "0"}):
        assert not _forkable(sys.executable, {**same, **asked}), asked
    for handled in ({"PYTHONWARNINGS": "ignore"}, {"PYTHONSAFEPATH": "1"}, {"QLVB_IMAP_PASSWORD": "x"}):
        assert _forkable(sys.executable, {**same, **handled}), handled
