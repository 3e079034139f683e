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
from gateway.workers import WorkerPool  # noqa: E402


def cpu_seconds() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


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
            # warm the workers (imports, trust store) outside the measurement
            Intake(gateway, pool).process([mails[0]], record=False).__next__()
            cpu0, t0 = cpu_seconds(), time.perf_counter()
            verdicts = [o["verdict"] for outs in Intake(gateway, pool).process(mails, record=True) for o in outs]
            wall, cpu = time.perf_counter() - t0, cpu_seconds() - cpu0
        gateway.close()
    assert verdicts.count("accepted") == args.count, verdicts[:5]
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    print(f"mails: {args.count} born-digital signed, {size / 1024:.0f} KB each, workers: {pool.size}")
    print(f"wall: {wall:.2f} s  -> {args.count / wall:.1f} mails/s, {1000 * wall / args.count:.1f} ms/mail")
    print(f"cpu: {1000 * cpu / args.count:.1f} ms/mail (all processes)")


if __name__ == "__main__":
    main()
