"""Benchmark: the daemon against a real Dovecot on this machine.

1. A backlog of N born-digital signed mails in INBOX: a bare imapclient fetch of all of them (the
   transport's limit), then the gateway from INBOX to registered and filed (mails per second).
2. Latency: with the gateway idle on IDLE, one mail APPENDed at a time; the time until it is
   filed, and until its acknowledgement reaches the SMTP server (median and 95th percentile).
3. Peak memory (RSS) of the daemon process and of its largest worker.
Usage: python bench/daemon.py [N] [--latency K]   (runs as root: Dovecot runs privately on loopback)
       python bench/daemon.py --memory N   (a backlog of N small mails and one 25 MB one: peak memory)
"""

from __future__ import annotations

import argparse
import os
import platform
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from aiosmtpd.controller import Controller  # noqa: E402
from imapclient import IMAPClient  # noqa: E402
from servers import dovecot, free_port, wait_for  # noqa: E402
from world import US, build_pki, make_world  # noqa: E402

PASSWORD = "bench"


class Counter:
    def __init__(self) -> None:
        self.times: list[float] = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):  # type: ignore[no-untyped-def]
        with self.lock:
            self.times.append(time.perf_counter())
        return "250 OK"


def client(port: int) -> IMAPClient:
    c = IMAPClient("127.0.0.1", port=port, ssl=False)
    c.login(US["mailbox"], PASSWORD)
    return c


def inbox_count(port: int) -> int:
    c = client(port)
    try:
        return int(c.folder_status("INBOX", ["MESSAGES"])[b"MESSAGES"])
    finally:
        c.logout()


def rss_kb(pid: int, *, children: bool = True) -> int:
    """The process's peak resident set (VmHWM), or the largest of it and its children's."""
    def hwm(p: int) -> int:
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
        except OSError:
            pass
        return 0

    listing = Path(f"/proc/{pid}/task/{pid}/children")
    kids = [int(c) for c in listing.read_text().split()] if children and listing.exists() else []
    return max([hwm(pid)] + [hwm(k) for k in kids])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("count", nargs="?", type=int, default=200)
    parser.add_argument("--latency", type=int, default=20)
    parser.add_argument("--scans", type=int, default=5, help="scanned mails (2 pages, 200 dpi) timed one at a time too")
    parser.add_argument("--memory", type=int, metavar="N", default=0,
                        help="instead: a backlog of N small mails and one with a 25 MB attachment; peak memory")
    args = parser.parse_args()
    if args.memory:
        return memory(args.memory)
    pki, signers, stranger = build_pki()
    counter = Counter()
    smtp_port = free_port()
    smtp = Controller(counter, hostname="127.0.0.1", port=smtp_port)
    smtp.start()
    with tempfile.TemporaryDirectory() as tmp, dovecot((US["mailbox"], PASSWORD)) as server:
        world = make_world(Path(tmp) / "bench", pki, signers, stranger)
        world.extra["mailboxes"] = [{"name": "vanthu", "poll_seconds": 30, "imap": {
            "host": "127.0.0.1", "port": server.port, "security": "none", "username": US["mailbox"],
            "password_env": "QLVB_IMAP_PASSWORD"}}]
        world.extra["smtp"] = {"host": "127.0.0.1", "port": smtp_port, "security": "none"}
        world.write_config()
        raws = [world.mail(f"m{i:05d}", attachments=[("cv.pdf", world.signed(pdf=world.document(number=f"{i + 1}/STP-VP")))])
                .read_bytes() for i in range(args.count + args.latency)]
        from gateway.testkit.documents import DocumentSpec, render_document, scan

        scans = [world.mail(f"scan{i}", auth="smtp", attachments=[("quet.pdf", scan(render_document(
            DocumentSpec(number=f"{5000 + i}/STP-VP", filler_paragraphs=8)), 200, seed=i))]).read_bytes()
                 for i in range(args.scans)]
        backlog, singles = raws[:args.count], raws[args.count:] + scans
        c = client(server.port)
        for raw in backlog:
            c.append("INBOX", raw)
        c.select_folder("INBOX", readonly=True)
        uids = c.search(["ALL"])
        t0 = time.perf_counter()
        for start in range(0, len(uids), 20):
            c.fetch(uids[start:start + 20], ["BODY.PEEK[]", "INTERNALDATE"])
        bare = time.perf_counter() - t0
        c.logout()

        env = dict(os.environ, QLVB_IMAP_PASSWORD=PASSWORD, PYTHONWARNINGS="ignore")
        started = time.perf_counter()
        daemon = subprocess.Popen([sys.executable, "-m", "gateway.cli", "run", "--config", str(world.config_path)],
                                  cwd=world.root, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        assert wait_for(lambda: inbox_count(server.port) < len(backlog), timeout=120, step=0.05)
        first = time.perf_counter()  # the first mail is filed: the daemon is up
        assert wait_for(lambda: inbox_count(server.port) == 0, timeout=1800, step=0.2)
        done = time.perf_counter()
        wait_for(lambda: len(counter.times) >= len(backlog), timeout=120)
        # one at a time, the gateway idle on IDLE
        filed: list[float] = []
        answered: list[float] = []
        c = client(server.port)
        for raw in singles:
            sent_before = len(counter.times)
            t = time.perf_counter()
            c.append("INBOX", raw)
            wait_for(lambda: inbox_count(server.port) == 0, timeout=60, step=0.01)
            filed.append(time.perf_counter() - t)
            wait_for(lambda: len(counter.times) > sent_before, timeout=60, step=0.01)
            answered.append(counter.times[sent_before] - t)
            time.sleep(0.3)
        c.logout()
        peak = rss_kb(daemon.pid)
        daemon.send_signal(signal.SIGTERM)
        daemon.wait(timeout=60)
    smtp.stop()
    size = sum(map(len, backlog)) / len(backlog) / 1024
    through = (len(backlog) - 1) / (done - first)

    def pct(values: list[float], p: float) -> float:
        return sorted(values)[min(len(values) - 1, int(round(p * (len(values) - 1))))]

    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, Dovecot on loopback")
    print(f"backlog: {len(backlog)} born-digital signed mails of {size:.0f} KB")
    print(f"bare imapclient fetch: {len(backlog) / bare:.0f} mails/s")
    print(f"gateway, INBOX to registered and filed: {through:.1f} mails/s "
          f"({100 * through / (len(backlog) / bare):.0f} % of the bare fetch); start-up {first - started:.1f} s")
    digital, scanned = slice(0, args.latency), slice(args.latency, None)
    print(f"APPEND to filed ({args.latency} born-digital mails, one at a time): median {1000 * statistics.median(filed[digital]):.0f} ms, "
          f"95th percentile {1000 * pct(filed[digital], 0.95):.0f} ms")
    print(f"APPEND to acknowledgement received by SMTP: median {1000 * statistics.median(answered[digital]):.0f} ms, "
          f"95th percentile {1000 * pct(answered[digital], 0.95):.0f} ms")
    if args.scans:
        print(f"scans (2 pages, 200 dpi, {args.scans}), APPEND to acknowledgement: median "
              f"{1000 * statistics.median(answered[scanned]):.0f} ms, max {1000 * max(answered[scanned]):.0f} ms")
    print(f"peak RSS, daemon or its largest worker: {peak / 1024:.0f} MB")


def big_pdf(megabytes: int) -> bytes:
    """A one-page PDF carrying an incompressible image of about the given size."""
    import pymupdf

    side = int((megabytes * 1024 * 1024 / 3) ** 0.5)
    pix = pymupdf.Pixmap(pymupdf.csRGB, side, side, os.urandom(side * side * 3), False)
    doc = pymupdf.open()
    page = doc.new_page()
    page.insert_image(page.rect, stream=pix.tobytes("png"))
    return doc.tobytes()


def memory(count: int) -> None:
    pki, signers, stranger = build_pki()
    with tempfile.TemporaryDirectory() as tmp, dovecot((US["mailbox"], PASSWORD)) as server:
        world = make_world(Path(tmp) / "bench", pki, signers, stranger)
        world.extra["mailboxes"] = [{"name": "vanthu", "poll_seconds": 30, "imap": {
            "host": "127.0.0.1", "port": server.port, "security": "none", "username": US["mailbox"],
            "password_env": "QLVB_IMAP_PASSWORD"}}]
        world.write_config()
        c = client(server.port)
        big = world.mail("big", attachments=[("lon.pdf", big_pdf(25))]).read_bytes()
        c.append("INBOX", big)
        letter = world.document(number="1/STP-VP")
        for i in range(count):
            c.append("INBOX", world.mail(f"s{i}", attachments=[("cv.pdf", letter)], subject=f"Công văn {i}").read_bytes())
        c.logout()
        env = dict(os.environ, QLVB_IMAP_PASSWORD=PASSWORD, PYTHONWARNINGS="ignore")
        t0 = time.perf_counter()
        daemon = subprocess.Popen([sys.executable, "-m", "gateway.cli", "run", "--config", str(world.config_path)],
                                  cwd=world.root, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        peak_daemon = peak_worker = 0
        while inbox_count(server.port) > 0 and time.perf_counter() - t0 < 7200:
            time.sleep(2)
            peak_daemon = max(peak_daemon, rss_kb(daemon.pid, children=False))
            peak_worker = max(peak_worker, rss_kb(daemon.pid))
        elapsed = time.perf_counter() - t0
        daemon.send_signal(signal.SIGTERM)
        daemon.wait(timeout=120)
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, Dovecot on loopback")
    print(f"backlog: {count} small mails and one of {len(big) / 1024 / 1024:.0f} MB, done in {elapsed:.0f} s "
          f"({(count + 1) / elapsed:.1f} mails/s)")
    print(f"peak RSS: daemon {peak_daemon / 1024:.0f} MB, daemon or largest worker {peak_worker / 1024:.0f} MB")


if __name__ == "__main__":
    main()
