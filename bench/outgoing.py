"""Benchmark: sending a document, in process, on SQLite, against a directory of a province.

For N documents (born-digital and 200 dpi scans of a letter naming six electronic entries: names,
a title, a group of 20 agencies, a list), times each step of `qlvb-gateway send`: the plan (reading,
our signature looked for, entries resolved), our PAdES signature (PKCS#12, with its appearance),
and registering with one mail a recipient queued (each carrying the PDF). No SMTP: what the outbox
then costs is the daemon's benchmark.
Usage: python bench/outgoing.py [N]
"""

from __future__ import annotations

import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from gateway.app import Gateway  # noqa: E402
from gateway.config import load_config  # noqa: E402
from gateway.outgoing.send import OutgoingFile, OutgoingSender  # noqa: E402
from gateway.outgoing.signing import sign_outgoing  # noqa: E402
from kit import DocumentSpec, render_document, scan, seal_png  # noqa: E402
from world import US, build_pki, make_world  # noqa: E402

GROUP = "Sở, ban, ngành"
BLOCK = ["Nơi nhận:", "- Như trên;", "- Lưu: VT, VP.", "Bản điện tử:", "- Sở Tư pháp;", "- Giám đốc Sở Tài chính;",
         "- Các Sở, ban, ngành;", "- UBND các huyện: Lục Ngạn, Sơn Động;", "- UBND tỉnh (để báo cáo);", "- Sở Nội vụ."]


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 20
    root = Path(tempfile.mkdtemp(prefix="qlvb-bench-out-"))
    pki, signers, stranger = build_pki()
    world = make_world(root, pki, signers, stranger)
    with (root / "directory.csv").open("a", encoding="utf-8") as f:
        for i in range(20):
            f.write(f"000.01.{i:02d}.H06,Sở Số {i} tỉnh Bắc Giang,vanthu@so{i}.bacgiang.gov.vn,Sở Số {i},\"{GROUP}\"\n")
        f.write("000.04.22.H06,UBND huyện Lục Ngạn,vanthu@lucngan.bacgiang.gov.vn,,\n")
        f.write("000.05.22.H06,UBND huyện Sơn Động,vanthu@sondong.bacgiang.gov.vn,,\n")
    identity = pki.signer(US["name"], US["name"])
    (root / "agency.p12").write_bytes(pki.pkcs12(identity, b"bench"))
    (root / "seal.png").write_bytes(seal_png())
    os.environ["QLVB_P12_PASSWORD"] = "bench"
    world.extra["signing"] = {"pkcs12": "agency.p12", "password_env": "QLVB_P12_PASSWORD",
                              "appearance": {"seal_image": "seal.png"}}
    world.write_config()
    gateway = Gateway.open(load_config(world.config_path))
    pool = gateway.worker_pool(size=1)  # reading runs in a worker process, as in `send` and the daemon
    sender = OutgoingSender(gateway, pool)
    sender.plan(OutgoingFile("warm-up", "0.pdf", render_document(DocumentSpec(issuer="SỞ NỘI VỤ", recipients=BLOCK))))
    times: dict[str, dict[str, list[float]]] = {}
    for kind in ("born-digital", "scan 200 dpi"):
        steps = times.setdefault(kind, {"plan": [], "sign": [], "register": [], "recipients": []})
        for i in range(n):
            pdf = render_document(DocumentSpec(issuer="SỞ NỘI VỤ", number=f"{i + 1}/SNV-VP", recipients=BLOCK,
                                               kinh_gui=["Sở Tư pháp"]))
            if kind != "born-digital":
                pdf = scan(pdf, dpi=200)
            item = OutgoingFile(f"bench-{kind}-{i}", f"{i}.pdf", pdf)
            t0 = time.perf_counter()
            plan, reading, _ = sender.plan(item)
            t1 = time.perf_counter()
            signed = sign_outgoing(pdf, gateway.config.signing, US["name"], gateway.config.tz, reading.particulars.signer)  # type: ignore[arg-type]
            t2 = time.perf_counter()
            outcome = sender.send(item)  # plans and signs again, then registers and queues
            t3 = time.perf_counter()
            assert outcome.registered and signed, outcome.plan.held
            steps["plan"].append(t1 - t0)
            steps["sign"].append(t2 - t1)
            steps["register"].append((t3 - t2) - (t1 - t0) - (t2 - t1))
            steps["recipients"].append(len(outcome.recipients))
    pool.close()
    gateway.close()
    print(f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, {n} documents each")
    for kind, steps in times.items():
        line = ", ".join(f"{k} median {statistics.median(v) * 1000:.0f} ms (max {max(v) * 1000:.0f})"
                         for k, v in steps.items() if k != "recipients")
        print(f"{kind}: {line}; {statistics.mean(steps['recipients']):.0f} recipients each")


if __name__ == "__main__":
    main()
