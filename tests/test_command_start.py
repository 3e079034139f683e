"""How the `qlvb-gateway` program starts (gateway.cli.entry): the command's modules imported with the cyclic garbage
collector off, then frozen, and the collector on again for the command's work. Each a real process."""

from __future__ import annotations

import subprocess
import sys

from gateway.cli import MODULES_OF, cli

PROBE = """
import gc, sys
from gateway import cli
sys.argv = ["qlvb-gateway", *sys.argv[1:]]
done = cli.main
def main():  # what the command sees when it starts its work
    print(gc.isenabled(), gc.get_freeze_count(), "gateway.app" in sys.modules, "gateway.daemon" in sys.modules)
    return done(["--version"])
cli.main = main
sys.exit(cli.entry())
"""


def _start(*args: str) -> list[str]:
    done = subprocess.run([sys.executable, "-c", PROBE, *args], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout.splitlines()[0].split()


def test_the_daemon_starts_with_its_modules_frozen_and_the_collector_on() -> None:
    enabled, frozen, app, daemon = _start("run", "--config", "config.yaml")
    assert enabled == "True" and app == daemon == "True"
    assert int(frozen) > 50_000  # the objects its imports made: never gone through by a collection again


def test_a_command_named_nowhere_loads_nothing_more_and_still_collects() -> None:
    enabled, _, app, daemon = _start("status", "--config", "config.yaml")
    assert enabled == "True" and app == daemon == "False"  # `status` (Nagios, each minute) stays light


def test_every_command_named_is_one_and_its_modules_exist() -> None:
    assert set(MODULES_OF) <= set(cli.commands), set(MODULES_OF) - set(cli.commands)
    modules = sorted({module for named in MODULES_OF.values() for module in named})
    done = subprocess.run([sys.executable, "-c", "import importlib, sys; [importlib.import_module(m) for m in sys.argv[1:]]",
                           *modules], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr


def test_the_program_says_no_deprecation_at_its_start() -> None:
    done = subprocess.run([sys.executable, "-m", "gateway.cli", "run", "--help"], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0 and "qlvb-gateway run" in done.stdout and not done.stderr, done.stderr
