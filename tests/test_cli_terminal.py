"""The command line at a terminal: a progress bar on stderr while `check` works through several mails,
and stdout the same JSON as in a pipe."""

import os
import pty
import subprocess
import threading

from world import GATEWAY, World


def _run_with_terminal_stderr(world: World, *args: str) -> tuple[int, str, str]:
    """`qlvb-gateway ARGS` with stdout a pipe and stderr a pseudo-terminal: exit status, stdout, what the
    terminal showed."""
    master, slave = pty.openpty()
    shown = bytearray()

    def read_terminal() -> None:
        while True:
            try:
                chunk = os.read(master, 4096)
            except OSError:  # the other end closed
                return
            if not chunk:
                return
            shown.extend(chunk)

    reader = threading.Thread(target=read_terminal, daemon=True)
    reader.start()
    env = dict(os.environ, PYTHONWARNINGS="ignore", TERM="xterm-256color")
    try:
        done = subprocess.run([*GATEWAY, *args], stdout=subprocess.PIPE, stderr=slave, text=True, cwd=world.root,
                              env=env, timeout=600)
    finally:
        os.close(slave)
    reader.join(timeout=10)
    os.close(master)
    return done.returncode, done.stdout, shown.decode("utf-8", "replace")


def test_check_of_several_mails_shows_progress_on_the_terminal_and_the_same_json(world: World) -> None:
    mails = [str(world.mail(f"m{i}", attachments=[(f"a{i}.pdf", world.signed(pdf=world.document(number=f"{i + 1}/STP-VP")))]))
             for i in range(3)]
    piped = world.run("check", "--config", str(world.config_path), "--json", *mails, process=True)
    code, stdout, terminal = _run_with_terminal_stderr(world, "check", "--config", str(world.config_path), "--json", *mails)
    assert code == 0 and stdout == piped.stdout and len(stdout.splitlines()) == 3
    assert "kiểm tra" in terminal and "3/3" in terminal, terminal[-2000:]
    assert "kiểm tra" not in piped.stderr  # in a pipe, no bar
