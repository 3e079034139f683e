"""Benchmark: the daemon against a real Dovecot on this machine, beside its ceiling, in one run.

1. The ceiling, set by the two things no gateway can skip: a bare imapclient fetch of the backlog
   (its rate, and the CPU it costs the client and Dovecot a mail) and a bare pyHanko validation of
   each mail's signature (CPU a mail), spread over every core:
   ceiling = min(bare fetch rate, cores / (fetch CPU + validation CPU a mail)).
2. The gateway from INBOX to registered and filed (mails per second, and the ratio to the ceiling),
   with the CPU it spends a mail (the daemon, its workers, Dovecot).
3. Mail appended while the daemon works through the backlog: the time until each is filed, from
   its APPEND and from the moment the backlog cleared.
4. Latency: with the gateway idle on IDLE, one mail APPENDed at a time; the time until it is filed,
   and until its acknowledgement reaches the SMTP server (median and 95th percentile).
5. Peak memory (RSS) of the daemon process and of its largest worker.
The backlog is the issue's: letters with a photo (--photo KB, default 180) and fonts embedded as subsets,
signed with ECDSA, about 355 KB a mail.
Usage: python bench/daemon.py [N] [--latency K] [--late K] [--scans K] [--workers K] [--photo KB]
       (runs as root: Dovecot runs privately on loopback)
       python bench/daemon.py --memory N   (a backlog of N small mails and one with a 25 MB attachment: peak memory)
"""

from __future__ import annotations

import argparse
import email
import os
import platform
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from contextlib import contextmanager
from io import BytesIO
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from aiosmtpd.controller import Controller  # noqa: E402
from imapclient import IMAPClient  # noqa: E402
from servers import dovecot, free_port, wait_for  # noqa: E402
from world import STC, US, build_pki, make_world  # noqa: E402

PASSWORD = "bench"
TICK = os.sysconf("SC_CLK_TCK")


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


def appended_uid(response: bytes) -> int:
    """The UID Dovecot gave an APPENDed mail (UIDPLUS: [APPENDUID validity uid])."""
    match = re.search(rb"APPENDUID \d+ (\d+)", response)
    assert match, response
    return int(match.group(1))


def present(watch: IMAPClient, uids: str) -> list[int]:
    """Which of these UIDs are still in the INBOX (NOOP first: the server tells of expunges only then)."""
    watch.noop()
    return watch.search(["UID", uids])


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

    return max([hwm(pid)] + ([hwm(k) for k in descendants(pid)] if children else []))


def descendants(pid: int) -> list[int]:
    """The processes a process started, and theirs (started by any of its threads)."""
    found: list[int] = []
    for listing in Path(f"/proc/{pid}/task").glob("*/children"):
        try:
            kids = [int(c) for c in listing.read_text().split()]
        except OSError:
            continue
        for kid in kids:
            found += [kid, *descendants(kid)]
    return found


def tree_cpu(pid: int) -> float:
    """CPU seconds spent by a process and all it started, those ended included (user and system)."""
    total = 0
    for p in [pid, *descendants(pid)]:
        try:
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += sum(int(v) for v in fields[11:15])  # utime, stime, cutime, cstime
    return total / TICK


def own_cpu(pid: int) -> float:
    """CPU seconds spent by the process itself, all its threads (user and system), not what it started."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return sum(int(v) for v in fields[11:13]) / TICK


def pdf_of(raw: bytes) -> bytes:
    msg = email.message_from_bytes(raw)
    return next(p.get_payload(decode=True) for p in msg.walk() if p.get_content_type() == "application/pdf")


def bare_validation_cpu(pdfs: list[bytes], root: Path) -> float:
    """CPU seconds a mail for pyHanko alone validating each signature (one shared validation context,
    offline, the test PKI's CRLs), as a gateway at its leanest would."""
    from asn1crypto import crl as asn1_crl
    from asn1crypto import pem, x509
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    def der(path: Path) -> bytes:
        data = path.read_bytes()
        return pem.unarmor(data)[2] if pem.detect(data) else data

    context = ValidationContext(trust_roots=[x509.Certificate.load(der(root / "pki/root.pem"))],
                                crls=[asn1_crl.CertificateList.load(der(root / f"pki/{n}.crl")) for n in ("intermediate", "root")],
                                allow_fetching=False)

    def validate(pdf: bytes) -> None:
        for signature in PdfFileReader(BytesIO(pdf)).embedded_signatures:
            assert validate_pdf_signature(signature, context).bottom_line
    validate(pdfs[0])  # warm
    t0 = time.process_time()
    for pdf in pdfs:
        validate(pdf)
    return (time.process_time() - t0) / len(pdfs)


@contextmanager
def gateway(world, log) -> Iterator[subprocess.Popen[bytes]]:  # type: ignore[no-untyped-def]
    """`qlvb-gateway run` for the world's configuration, stopped (SIGTERM) on leaving, killed if it lingers."""
    env = dict(os.environ, QLVB_IMAP_PASSWORD=PASSWORD, PYTHONWARNINGS="ignore")
    daemon = subprocess.Popen([sys.executable, "-m", "gateway.cli", "run", "--config", str(world.config_path)],
                              cwd=world.root, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        yield daemon
    finally:
        daemon.send_signal(signal.SIGTERM)
        try:
            daemon.wait(timeout=120)
        except subprocess.TimeoutExpired:
            daemon.kill()
            daemon.wait()


def pct(values: list[float], p: float) -> float:
    return sorted(values)[min(len(values) - 1, int(round(p * (len(values) - 1))))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("count", nargs="?", type=int, default=200)
    parser.add_argument("--latency", type=int, default=20)
    parser.add_argument("--late", type=int, default=5, help="mails appended while the daemon works through the backlog")
    parser.add_argument("--scans", type=int, default=5, help="scanned mails (2 pages, 200 dpi) timed one at a time too")
    parser.add_argument("--workers", type=int, default=0, help="limits.workers (0, the default: one per core)")
    parser.add_argument("--photo", type=int, default=180, metavar="KB", help="a photo of this size in each letter (0: none)")
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
        world.extra["mailboxes"] = [{"name": "vanthu", "poll_seconds": 60, "imap": {
            "host": "127.0.0.1", "port": server.port, "security": "none", "username": US["mailbox"],
            "password_env": "QLVB_IMAP_PASSWORD"}}]
        world.extra["smtp"] = {"host": "127.0.0.1", "port": smtp_port, "security": "none"}
        world.extra["limits"] = {"workers": args.workers}
        world.write_config()
        # as the issue measured: letters with a photo and an ECDSA signature (Sở Tài chính's), about 355 KB a mail
        raws = [world.mail(f"m{i:05d}", sender=STC, attachments=[("cv.pdf", world.signed("stc", pdf=with_photo(
            world.document(issuer="SỞ TÀI CHÍNH", number=f"{i + 1}/STC-VP"), args.photo, seed=i)))]).read_bytes()
                for i in range(args.count + args.late + args.latency)]
        from kit import DocumentSpec, render_document, scan

        scans = [world.mail(f"scan{i}", auth="smtp", attachments=[("quet.pdf", scan(render_document(
            DocumentSpec(number=f"{5000 + i}/STP-VP", filler_paragraphs=8)), 200, seed=i))]).read_bytes()
                 for i in range(args.scans)]
        backlog, late, singles = raws[:args.count], raws[args.count:args.count + args.late], raws[args.count + args.late:] + scans

        # ---- the ceiling -------------------------------------------------------------------
        c = client(server.port)
        backlog_uids = [appended_uid(c.append("INBOX", raw)) for raw in backlog]
        c.select_folder("INBOX", readonly=True)
        c._imap.debug = 0  # as lean as the daemon's fetch (imapclient's imaplib debugging formats every body)
        uids = c.search(["ALL"])
        cpu0, t0 = time.process_time() + tree_cpu(server.process.pid), time.perf_counter()  # type: ignore[union-attr]
        for start in range(0, len(uids), 20):
            c.fetch(uids[start:start + 20], ["BODY.PEEK[]", "INTERNALDATE"])
        bare = time.perf_counter() - t0
        fetch_cpu = (time.process_time() + tree_cpu(server.process.pid) - cpu0) / len(uids)  # type: ignore[union-attr]
        c.logout()
        fetch_rate = len(backlog) / bare
        validation_cpu = bare_validation_cpu([pdf_of(raw) for raw in backlog], world.root)
        cores = os.cpu_count() or 1
        ceiling = min(fetch_rate, cores / (fetch_cpu + validation_cpu))

        # ---- the gateway through the backlog, mail arriving meanwhile ------------------------
        started = time.perf_counter()
        dovecot_cpu0 = tree_cpu(server.process.pid)  # type: ignore[union-attr]
        log = open(Path(tmp) / "daemon.log", "w")
        with gateway(world, log) as daemon:
            measured = run_through(server, daemon, counter, backlog, backlog_uids, late, singles, ceiling,
                                   dovecot_cpu0, Path(tmp) / "daemon.log")
    smtp.stop()
    first, through, gateway_cpu, dovecot_cpu = measured.first, measured.through, measured.gateway_cpu, measured.dovecot_cpu
    late_latency, after_clear, filed, answered, peak = (measured.late_latency, measured.after_clear, measured.filed,
                                                        measured.answered, measured.peak)
    size = sum(map(len, backlog)) / len(backlog) / 1024
    ms = 1000.0
    print(f"machine: {platform.machine()}, {cores} cores, Python {platform.python_version()}, Dovecot on loopback")
    print(f"backlog: {len(backlog)} born-digital signed mails of {size:.0f} KB")
    print(f"bare imapclient fetch: {fetch_rate:.0f} mails/s, {ms * fetch_cpu:.1f} ms CPU a mail (client and Dovecot)")
    print(f"bare pyHanko validation: {ms * validation_cpu:.1f} ms CPU a mail")
    print(f"ceiling: min({fetch_rate:.0f}, {cores} / ({ms * fetch_cpu:.1f} + {ms * validation_cpu:.1f}) ms) "
          f"= {ceiling:.1f} mails/s")
    print(f"gateway, INBOX to registered and filed: {through:.1f} mails/s = {100 * through / ceiling:.0f} % of the ceiling; "
          f"start-up {first - started:.1f} s")
    print(f"  CPU a mail: gateway (daemon and workers) {ms * gateway_cpu / (len(backlog) - 1):.1f} ms "
          f"(the daemon process {ms * measured.daemon_cpu / (len(backlog) - 1):.1f}, its workers "
          f"{ms * (gateway_cpu - measured.daemon_cpu) / (len(backlog) - 1):.1f}), "
          f"Dovecot {ms * dovecot_cpu / len(backlog):.1f} ms")
    # the machine may be shared: what the gateway got of it (a loaded machine leaves it less than its cores)
    print(f"  cores the gateway used through the backlog: {gateway_cpu * through / (len(backlog) - 1):.2f} of {cores}; "
          f"load average afterwards {os.getloadavg()[0]:.1f}")
    if late:
        print(f"mails appended during the backlog ({len(late)}): filed {ms * max(late_latency):.0f} ms at most after "
              f"their APPEND, {ms * max(after_clear):.0f} ms at most after the backlog cleared")
    digital, scanned = slice(0, args.latency), slice(args.latency, None)
    if args.latency:
        print(f"APPEND to filed ({args.latency} born-digital mails, one at a time): median "
              f"{ms * statistics.median(filed[digital]):.0f} ms, 95th percentile {ms * pct(filed[digital], 0.95):.0f} ms")
        print(f"APPEND to acknowledgement received by SMTP: median {ms * statistics.median(answered[digital]):.0f} ms, "
              f"95th percentile {ms * pct(answered[digital], 0.95):.0f} ms")
    if args.scans:
        print(f"scans (2 pages, 200 dpi, {args.scans}), APPEND to acknowledgement: median "
              f"{ms * statistics.median(answered[scanned]):.0f} ms, max {ms * max(answered[scanned]):.0f} ms")
    print(f"peak RSS: daemon {peak[0] / 1024:.0f} MB, its largest worker {peak[1] / 1024:.0f} MB")


@dataclass
class Measured:
    first: float  # when the first mail was filed
    through: float  # mails/s through the backlog
    gateway_cpu: float  # CPU seconds of the daemon and its workers over the backlog
    daemon_cpu: float  # of it, the daemon process's own (fetching, recording, answering, filing)
    dovecot_cpu: float
    late_latency: list[float]  # APPEND to filed, mails appended during the backlog
    after_clear: list[float]  # the backlog cleared to filed, the same mails
    filed: list[float]  # APPEND to filed, one at a time
    answered: list[float]  # APPEND to acknowledgement received
    peak: tuple[int, int]  # peak RSS, kB: the daemon's, its largest worker's


def run_through(server, daemon, counter, backlog, backlog_uids, late, singles, ceiling,  # type: ignore[no-untyped-def]
                dovecot_cpu0, log: Path) -> Measured:
    """The backlog worked through with mail arriving meanwhile, then mails one at a time."""
    watch = client(server.port)
    watch.select_folder("INBOX", readonly=True)
    span = f"{backlog_uids[0]}:{backlog_uids[-1]}"
    assert wait_for(lambda: len(present(watch, span)) < len(backlog), timeout=120, step=0.05), \
        log.read_text()[-3000:]
    first = time.perf_counter()  # the first mail is filed: the daemon is up
    gateway_cpu0, daemon_cpu0 = tree_cpu(daemon.pid), own_cpu(daemon.pid)
    appended: list[tuple[int, float]] = []

    def append_late() -> None:  # spread over the first half of the backlog's expected time
        a = client(server.port)
        for raw in late:
            time.sleep(max(0.2, 0.5 * len(backlog) / ceiling / max(1, len(late))))
            appended.append((appended_uid(a.append("INBOX", raw)), time.perf_counter()))
        a.logout()

    appender = threading.Thread(target=append_late)
    appender.start()
    cleared: float | None = None
    filed_late: dict[int, float] = {}
    deadline = time.perf_counter() + 1800
    while time.perf_counter() < deadline and (cleared is None or len(filed_late) < len(late)):
        now = time.perf_counter()
        if cleared is None and not present(watch, span):
            cleared = now
            gateway_cpu, daemon_cpu = tree_cpu(daemon.pid) - gateway_cpu0, own_cpu(daemon.pid) - daemon_cpu0
            dovecot_cpu = tree_cpu(server.process.pid) - dovecot_cpu0  # type: ignore[union-attr]
        waiting = [uid for uid, _ in appended if uid not in filed_late]
        if waiting:
            still = set(present(watch, ",".join(map(str, waiting))))
            filed_late.update({uid: now for uid in waiting if uid not in still})
        time.sleep(0.05)
    appender.join()
    assert cleared is not None and len(filed_late) == len(late), "the backlog was not worked through"
    wait_for(lambda: len(counter.times) >= len(backlog), timeout=120)
    through = (len(backlog) - 1) / (cleared - first)
    late_latency = [filed_late[uid] - at for uid, at in appended]
    after_clear = [filed_late[uid] - cleared for uid, _ in appended]

    # ---- one at a time, the gateway idle on IDLE ------------------------------------------
    filed: list[float] = []
    answered: list[float] = []
    c = client(server.port)
    for raw in singles:
        time.sleep(0.3)
        sent_before = len(counter.times)
        t = time.perf_counter()
        uid = appended_uid(c.append("INBOX", raw))
        wait_for(lambda: not present(watch, str(uid)), timeout=60, step=0.01)
        filed.append(time.perf_counter() - t)
        wait_for(lambda: len(counter.times) > sent_before, timeout=60, step=0.01)
        answered.append(counter.times[sent_before] - t)
    c.logout()
    watch.logout()
    peak = (rss_kb(daemon.pid, children=False), max([0] + [rss_kb(k, children=False) for k in descendants(daemon.pid)]))
    return Measured(first, through, gateway_cpu, daemon_cpu, dovecot_cpu, late_latency, after_clear, filed, answered, peak)


def with_photo(document: bytes, kilobytes: int, *, seed: int = 0, area: tuple[float, float, float, float] | None = None) -> bytes:
    """The document as an office suite exports it (its fonts embedded as subsets, not whole), with an
    incompressible photo of about the given size laid on its first page under its text (in `area`, by
    default the body's width between the header and the block; a born-digital document, read from its
    text layer: no OCR)."""
    import random

    import pymupdf

    doc = pymupdf.open(stream=document, filetype="pdf")
    doc.subset_fonts()
    if kilobytes > 0:
        side = int((kilobytes * 1024 / 3) ** 0.5)
        pix = pymupdf.Pixmap(pymupdf.csRGB, side, side, random.Random(seed).randbytes(side * side * 3), False)
        doc[0].insert_image(pymupdf.Rect(area or (200, 330, 400, 530)), stream=pix.tobytes("png"), overlay=False)
    return doc.tobytes(garbage=3, deflate=True)


def memory(count: int) -> None:
    pki, signers, stranger = build_pki()
    with tempfile.TemporaryDirectory() as tmp, dovecot((US["mailbox"], PASSWORD)) as server:
        world = make_world(Path(tmp) / "bench", pki, signers, stranger)
        world.extra["mailboxes"] = [{"name": "vanthu", "poll_seconds": 30, "imap": {
            "host": "127.0.0.1", "port": server.port, "security": "none", "username": US["mailbox"],
            "password_env": "QLVB_IMAP_PASSWORD"}}]
        world.write_config()
        c = client(server.port)
        photo = with_photo(world.document(number="2/STP-VP"), 25 * 1024, area=(0, 0, 595, 842))  # under the whole page
        big = world.mail("big", attachments=[("lon.pdf", world.signed(pdf=photo))]).read_bytes()
        letter = world.document(number="1/STP-VP")
        small = [world.mail(f"s{i}", attachments=[("cv.pdf", letter)], subject=f"Công văn {i}").read_bytes()
                 for i in range(count)]
        for raw in small[:count // 2] + [big] + small[count // 2:]:  # the large one in the midst of the backlog
            c.append("INBOX", raw)
        c.logout()
        t0 = time.perf_counter()
        peak_daemon = peak_worker = 0
        with gateway(world, subprocess.DEVNULL) as daemon:
            while inbox_count(server.port) > 0 and time.perf_counter() - t0 < 7200:
                time.sleep(1)
                peak_daemon = max(peak_daemon, rss_kb(daemon.pid, children=False))
                peak_worker = max([peak_worker] + [rss_kb(k, children=False) for k in descendants(daemon.pid)])
            elapsed = time.perf_counter() - t0
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, Dovecot on loopback")
    print(f"backlog: {count} small mails and one of {len(big) / 1024 / 1024:.0f} MB, done in {elapsed:.0f} s "
          f"({(count + 1) / elapsed:.1f} mails/s)")
    print(f"peak RSS: daemon {peak_daemon / 1024:.0f} MB, largest worker {peak_worker / 1024:.0f} MB")


if __name__ == "__main__":
    main()
