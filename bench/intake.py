"""Benchmark: intake alone on born-digital signed mails (mails per second, CPU per mail).

Generates N mails (each its own signed PDF, DKIM-signed), then runs the real intake pipeline
(worker processes, full pyHanko validation, SQLite register, file store, outbox) over them.
Usage: python bench/intake.py [N] [--workers K]
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from world import build_pki, make_world  # noqa: E402

from gateway.app import Gateway  # noqa: E402
from gateway.config import load_config  # noqa: E402
from gateway.intake.pipeline import IncomingMail, Intake  # noqa: E402
from gateway.workers import Job, WorkerPool, mail_result  # noqa: E402

BATCH = 20  # gateway/sources.py's


def own_seconds() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    return own.ru_utime + own.ru_stime


def pool_cpu(pool: WorkerPool) -> float:
    """CPU seconds the live workers have spent so far (RUSAGE_CHILDREN counts only those that ended)."""
    total = 0.0
    for worker in pool._workers:  # noqa: SLF001  (a benchmark's look inside)
        with open(f"/proc/{worker.process.pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
        total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("count", nargs="?", type=int, default=200)
    parser.add_argument("--workers", type=int, default=0)
    args = parser.parse_args()
    pki, signers, stranger = build_pki()
    with tempfile.TemporaryDirectory() as tmp:
        world = make_world(Path(tmp) / "bench", pki, signers, stranger)
        mails = []
        for i in range(args.count):
            pdf = world.signed(pdf=world.document(number=f"{i + 1}/STP-VP"))
            path = world.mail(f"m{i:05d}", attachments=[("cv.pdf", pdf)])
            mails.append(IncomingMail(source=str(path), raw=path.read_bytes()))
        size = sum(len(m.raw) for m in mails) / len(mails)
        gateway = Gateway.open(load_config(world.config_path))
        with WorkerPool(gateway.analysis_settings(), size=args.workers) as pool:
            intake = Intake(gateway, pool)
            # warm the workers (imports, trust store) outside the measurement
            next(intake.process([mails[0]], record=False))
            cpu0, own0, t0 = own_seconds() + pool_cpu(pool), own_seconds(), time.perf_counter()
            # as the daemon does: every mail to the workers, then recorded twenty to a transaction
            results = [pool.submit(Job("mail", m.raw, store=True)) for m in mails]
            verdicts = []
            for start in range(0, len(mails), BATCH):
                group = [(m, mail_result(f.result())) for m, f in zip(mails[start:start + BATCH], results[start:start + BATCH], strict=True)]
                verdicts += [o.verdict for o in intake.record_many(group)]
            wall, own = time.perf_counter() - t0, own_seconds() - own0
            cpu = own_seconds() + pool_cpu(pool) - cpu0
        gateway.close()
    assert verdicts.count("accepted") == args.count, verdicts[:5]
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    print(f"mails: {args.count} born-digital signed, {size / 1024:.0f} KB each, workers: {pool.size}")
    print(f"wall: {wall:.2f} s  -> {args.count / wall:.1f} mails/s, {1000 * wall / args.count:.1f} ms/mail")
    print(f"cpu: {1000 * cpu / args.count:.1f} ms/mail (all processes), of which the main process "
          f"{1000 * own / args.count:.1f} ms (decision, register, answers)")


if __name__ == "__main__":
    main()
