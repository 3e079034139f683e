"""Benchmark: whether recording a mail costs more as the register grows (years of mail).

The register is filled with N earlier mails and documents (written straight in SQL: a year of a busy
agency is about 10,000), then the same analysed mails are recorded as the daemon records them
(`Intake.record_many`, 20 mails a transaction): the main process's CPU a mail, at each size. Flat is
the goal: nothing a mail does may read the whole register. `--agencies N` adds N communes to the
directory (a province has about a thousand agencies, its communes and schools among them).
Usage: python bench/register_growth.py [--sizes 0,10000,50000,200000] [--mails N] [--agencies N]
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from sqlalchemy import text  # noqa: E402
from world import STC, build_pki, make_world  # noqa: E402

from gateway.app import Gateway  # noqa: E402
from gateway.config import load_config  # noqa: E402
from gateway.intake.analysis import Analyser  # noqa: E402
from gateway.intake.pipeline import IncomingMail, Intake  # noqa: E402

BATCH = 20  # gateway/sources.py's
OLD_MAIL = text(
    "INSERT INTO mails (message_id, sha256, size, from_address, subject, delivered_at, received_at, verdict, stored,"
    " source, outcome, created_at) VALUES ('<old' || :i || '@bench>', printf('%064d', :i), 1000, 'vanthu@x.gov.vn',"
    " 'Công văn', '2025-01-01', '2025-01-01', 'accepted', 1, 'bench', '[]', '2025-01-01')")
OLD_DOCUMENT = text(
    "INSERT INTO documents (mail_id, agency_code, year, arrival_number, arrival_date, medium, organ_name, notation,"
    " language, basis, pdf_sha256, issuer_key, recalled, created_at) VALUES (NULL, :code, 2000 + :i / 100000,"
    " 1000000 + :i, '2025-01-01', 'electronic', 'Sở X', :i || '/SX-VP', 'vi', 'signature', printf('%064x', :i),"
    " 'so x', 0, '2025-01-01')")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="0,10000,50000,200000", help="documents in the register, comma-separated")
    parser.add_argument("--mails", type=int, default=60)
    parser.add_argument("--agencies", type=int, default=0, help="communes added to the directory")
    args = parser.parse_args()
    pki, signers, stranger = build_pki()
    with tempfile.TemporaryDirectory() as tmp:
        world = make_world(Path(tmp) / "bench", pki, signers, stranger)
        world.write_config()
        with open(world.root / "directory.csv", "a", encoding="utf-8") as directory:
            directory.writelines(f"999.{i // 1000:02d}.{i % 1000:03d}.H06,UBND xã Số {i} huyện Lục Nam,"
                                 f"vanthu.xa{i}@bacgiang.gov.vn,,Xã\n" for i in range(args.agencies))
        sizes = [int(s) for s in args.sizes.split(",")]
        raws = {size: [world.mail(f"m{size}-{i}", sender=STC, attachments=[("cv.pdf", world.signed("stc", pdf=world.document(
            issuer="SỞ TÀI CHÍNH", number=f"{round * args.mails + i + 1}/STC-VP")))]).read_bytes() for i in range(args.mails)]
                for round, size in enumerate(sizes)}  # each mail new to the register: accepted, its number given
        os.chdir(world.root)
        gateway = Gateway.open(load_config(world.config_path))
        analyser = Analyser(gateway.analysis_settings())
        intake = Intake(gateway, None)  # type: ignore[arg-type]  # recording only: no worker is asked
        code = gateway.config.agency.code
        print(f"machine: {platform.machine()}, Python {platform.python_version()}, SQLite register, "
              f"{len(gateway.directory.agencies)} agencies in the directory; "
              f"{args.mails} born-digital signed mails recorded {BATCH} a transaction at each size")
        held = 0
        for size in sizes:
            with gateway.register.session() as session, session.begin():
                for start in range(held, size, 1000):
                    rows = [{"i": i, "code": code} for i in range(start, min(start + 1000, size))]
                    session.execute(OLD_MAIL, rows)
                    session.execute(OLD_DOCUMENT, rows)
            held = size
            batch = [(IncomingMail(f"{size}-{j}", raw), analyser.analyse(raw, store=True)) for j, raw in enumerate(raws[size])]
            t0 = time.process_time()
            outcomes = [o for start in range(0, len(batch), BATCH) for o in intake.record_many(batch[start:start + BATCH])]
            cpu = (time.process_time() - t0) / len(batch)
            assert all(o.documents[0].incoming_number for o in outcomes), "every mail registered"
            print(f"register holding {size:>9,} documents: {1000 * cpu:5.1f} ms of CPU a mail to record")


if __name__ == "__main__":
    main()
