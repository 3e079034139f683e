"""`qlvb-gateway ARGS` for the tests, started as a fork of the zygote (tests/zygote.py) named by QLVB_TEST_ZYGOTE,
or for real (`python -m gateway.cli`) when there is none or it says so. Run with `python -I -S`: it imports nothing but
the standard library's smallest parts. It passes on its standard streams, folder, environment and arguments, forwards
the signals a test or a terminal sends it to the child, and ends as the child ended (its status, or its signal)."""

import json
import os
import signal
import socket
import sys

FORWARDED = (signal.SIGTERM, signal.SIGINT, signal.SIGHUP, signal.SIGQUIT, signal.SIGUSR1, signal.SIGUSR2)


def _for_real() -> None:
    """`python -m gateway.cli ARGS`; `python -c PROGRAM ARGS` for a test's own program around the commands."""
    args = sys.argv[1:]
    os.execv(sys.executable, [sys.executable, *(args if args[:1] == ["-c"] else ["-m", "gateway.cli", *args])])


def main() -> None:
    address = os.environ.get("QLVB_TEST_ZYGOTE")
    if not address:
        _for_real()
    zygote = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        zygote.connect(address)
    except OSError:
        _for_real()
    request = {"executable": sys.executable, "argv": sys.argv[1:], "cwd": os.getcwd(), "environ": dict(os.environ)}
    socket.send_fds(zygote, [json.dumps(request).encode() + b"\n"], [0, 1, 2])
    answers = zygote.makefile("rb")
    first = answers.readline().split()
    if len(first) != 2 or first[0] != b"pid":
        _for_real()
    child = int(first[1])

    def forward(number: int, _frame: object) -> None:
        try:
            os.kill(child, number)
        except ProcessLookupError:
            pass

    for number in FORWARDED:
        signal.signal(number, forward)
    last = answers.readline().split()
    status = int(last[1]) if len(last) == 2 and last[0] == b"exit" else 1
    if status < 0:
        if -status != signal.SIGKILL:  # its handler, ours, set back (SIGKILL has none)
            signal.signal(-status, signal.SIG_DFL)
        os.kill(os.getpid(), -status)
    os._exit(status)


main()
