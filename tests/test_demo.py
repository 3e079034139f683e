"""The README's first command: `qlvb-gateway demo` shows the whole product with nothing configured."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path


def test_demo_runs_the_gateway_over_a_maildir_and_prints_the_register_and_replies(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "gateway.cli", "demo", "--dir", str(tmp_path / "demo")],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    out = done.stdout
    assert "Sổ đăng ký văn bản đến:" in out and "Thư trả lời máy chủ SMTP đã nhận:" in out
    assert "    4  " in out and "130/STP-VP" in out  # four documents registered, the urgent one last
    assert out.count("X-QLVB-Status 03") == 5  # four acknowledgements and one for the duplicate
    assert "quarantined [sender-unauthenticated]" in out
    # then one of our own documents: held for an entry the directory does not know, confirmed, signed, sent
    assert "GIỮ LẠI:" in out and '--confirm "UBND huyện Lục Nam=-"' in out
    assert out.count(": sent") == 2 and "(đã ký số)" in out
    assert (tmp_path / "demo" / "45-SNV-VP-da-ky.pdf").read_bytes().startswith((tmp_path / "demo" / "45-SNV-VP.pdf").read_bytes())
    assert "FFTM" not in done.stderr
