"""The README's first command: `qlvb-gateway demo` shows the whole product with nothing configured."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

from world import GATEWAY


def test_demo_runs_the_gateway_over_a_maildir_and_prints_the_register_and_replies(tmp_path: Path) -> None:
    script = Path(sys.executable).with_name("qlvb-gateway")  # as `make demo` runs it: .venv/bin/qlvb-gateway
    here = script.parent.parent.parent
    command = os.path.relpath(script, here)
    done = subprocess.run([command, "demo", "--dir", str(tmp_path / "demo")], capture_output=True, text=True, timeout=300, cwd=here)
    assert done.returncode == 0, done.stderr[-3000:]
    out = done.stdout
    assert "Sổ đăng ký văn bản đến:" in out and "Thư trả lời máy chủ SMTP đã nhận:" in out
    assert "    4  " in out and "130/STP-VP" in out  # four documents registered, the urgent one last
    assert out.count("X-QLVB-Status 03") == 5  # four acknowledgements and one for the duplicate
    assert "quarantined (cần kiểm tra) [sender-unauthenticated]" in out  # the code, and the clerk's words
    # then one of our own documents: held for an entry the directory does not know, confirmed, signed, sent
    assert "GIỮ LẠI:" in out and '--confirm "UBND huyện Lục Nam=-"' in out
    assert out.count(": sent (đã gửi)") == 2 and "(đã ký số)" in out
    assert (tmp_path / "demo" / "45-SNV-VP-da-ky.pdf").read_bytes().startswith((tmp_path / "demo" / "45-SNV-VP.pdf").read_bytes())
    assert "FFTM" not in done.stderr
    # make demo tells how to open the desk, as it can be typed, on the folder it made
    assert out.rstrip().endswith(f"{command} demo --dir {shlex.quote(str(tmp_path / 'demo'))} --serve")
    hints = re.findall(r"Thử: (.+)", out)  # `sent` and `status` on the demo's register
    assert len(hints) == 2
    for hint in hints:  # run as printed, from where the demo ran (the command is not on PATH)
        tried = subprocess.run(shlex.split(hint), capture_output=True, text=True, timeout=120, cwd=here)
        assert tried.returncode == 0, f"{hint}: {tried.stderr[-2000:]}"


def test_demo_serve_opens_the_desk_on_the_demo_register_until_ctrl_c(tmp_path: Path) -> None:
    """`demo --serve`: after the demo, the desk on its register with a clerk made for it; the printed
    user logs in over HTTP and sees the demo's documents; Ctrl-C ends it with status 0."""
    import re
    import signal
    import socket
    import time

    import httpx2 as httpx

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    log = tmp_path / "demo.log"
    with log.open("wb") as out:
        demo = subprocess.Popen([sys.executable, "-m", "gateway.cli", "demo", "--dir", str(tmp_path / "demo"), "--serve",
                                 "--port", str(port)], stdout=out, stderr=subprocess.STDOUT)
    try:
        deadline, found = time.monotonic() + 300, None
        while found is None:
            assert demo.poll() is None and time.monotonic() < deadline, log.read_text(errors="replace")[-3000:]
            found = re.search(r"(http://127\.0\.0\.1:\d+/) — người dùng: (\S+), mật khẩu: (\S+)", log.read_text())
            time.sleep(0.3)
        base, name, password = found.groups()
        assert base == f"http://127.0.0.1:{port}/"
        with httpx.Client(base_url=base, timeout=10) as client:
            while True:
                try:
                    login = client.get("/login")
                    break
                except httpx.ConnectError:
                    assert time.monotonic() < deadline
                    time.sleep(0.2)
            token = re.search(r'name="csrf" value="([^"]+)"', login.text)
            assert token is not None
            assert client.post("/login", data={"name": name, "password": password, "csrf": token.group(1)}).status_code == 303
            register = client.get("/register").text
            assert "4 văn bản" in register and "130/STP-VP" in register and "77/QĐ-STC" in register  # the demo's
            held = client.get("/review").text  # the forged mail, held: released, its acknowledgement goes by SMTP
            [mail_id] = set(re.findall(r'href="/review/(\d+)"', held))
            csrf = re.search(r'name="csrf" value="([^"]+)"', held)
            assert csrf is not None  # a new token with the login
            released = client.post(f"/review/{mail_id}/release", data={"csrf": csrf.group(1)})
            assert released.status_code == 303 and "số đến 5" in client.get("/review").text
        while "X-QLVB-Status 03" not in log.read_text().split("Ctrl-C để dừng.")[1]:  # the SMTP server got it
            assert time.monotonic() < deadline
            time.sleep(0.3)
        demo.send_signal(signal.SIGINT)
        assert demo.wait(timeout=15) == 0, log.read_text(errors="replace")[-3000:]
    finally:
        if demo.poll() is None:
            demo.kill()
            demo.wait()
    assert "Đã dừng bàn làm việc." in log.read_text()


def test_demo_never_removes_a_folder_it_did_not_make_nor_says_it_serves_on_a_taken_port(tmp_path: Path) -> None:
    # a newcomer (2026-12-05): `demo --dir important` removed the folder and the file in it ("made anew"); `demo --serve`
    # on a port taken printed the desk's address and password after the demo's minute, then ended with status 3
    import socket

    mine = tmp_path / "important"
    mine.mkdir()
    (mine / "precious.txt").write_text("keep")
    refused = subprocess.run([*GATEWAY, "demo", "--dir", str(mine)],
                             capture_output=True, text=True, timeout=120)
    assert refused.returncode == 2 and "holds files an earlier demo did not make" in refused.stderr
    assert (mine / "precious.txt").read_text() == "keep"
    # red team 36: a trial register under the demo's names, beside files of one's own
    for name in ("config.yaml", "qlvb.db", "Maildir", "mails"):
        (mine / name).touch()
    refused = subprocess.run([*GATEWAY, "demo", "--dir", str(mine)],
                             capture_output=True, text=True, timeout=120)
    assert refused.returncode == 2 and (mine / "precious.txt").read_text() == "keep"
    (tmp_path / "link").symlink_to(mine)
    refused = subprocess.run([*GATEWAY, "demo", "--dir", str(tmp_path / "link")],
                             capture_output=True, text=True, timeout=120)
    assert refused.returncode == 2 and "a link or the working folder" in refused.stderr
    with socket.create_server(("127.0.0.1", 0)) as taken:
        port = taken.getsockname()[1]
        busy = subprocess.run([*GATEWAY, "demo", "--dir", str(tmp_path / "d"), "--serve",
                               "--port", str(port)], capture_output=True, text=True, timeout=120)
    assert busy.returncode == 2 and f"cannot listen on 127.0.0.1:{port}" in busy.stderr
    assert busy.stdout == "" and not (tmp_path / "d").exists()
