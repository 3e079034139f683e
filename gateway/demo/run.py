"""`qlvb-gateway demo`: the whole intake, and a send, on generated documents, with nothing configured.

Makes a demo PKI and a directory of a small province, writes realistic signed, scanned, forged,
secret and urgent documents as mails into a local Maildir, runs the gateway's daemon over it with
an embedded SMTP server (aiosmtpd) catching the answers, and prints what was done with each mail,
the register and the answers the SMTP server received. Then it sends one of our own documents: the
plan (an entry the directory does not know holds it), the clerk's choice, our signature (a demo
PKCS#12 key, the seal drawn on page 1), the outgoing register and what the SMTP server received.

With `--serve` it then keeps the SMTP server and serves the clerk's desk (gateway/web) on the demo's
register until Ctrl-C, with a clerk made for it, so that a newcomer clicks through what the demo did;
the answers the desk's actions queue are sent to the SMTP server, which prints them as they arrive.
"""

from __future__ import annotations

import email
import email.header
import logging
import os
import shlex
import shutil
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path
from collections.abc import Callable
from typing import Any

import yaml
from sqlalchemy import select

from gateway.app import Gateway
from gateway.cli_format import plan_text
from gateway.config import load_config
from gateway.demo.documents import DocumentSpec, render_document, scan
from gateway.demo.mails import DkimKey, make_mail
from gateway.demo.pki import DemoPki
from gateway.demo.seal import seal_png
from gateway.demo.signing import sign_pdf
from gateway.intake.pipeline import Intake
from gateway.model import MailOutcome
from gateway.reasons import VERDICT_WORDS, worded
from gateway.workers import WorkerPool
from registry.paper import list_register

US = ("000.00.15.H06", "Sở Nội vụ tỉnh Bắc Giang", "vanthu@snv.bacgiang.gov.vn")
STP = "vanthu@sotp.bacgiang.gov.vn"
STC = "vanthu@stc.bacgiang.gov.vn"
MX = "mx.bacgiang.gov.vn"
DEMO_P12_PASSWORD = "demo"  # the demo's own throw-away key
DeskFactory = Callable[[Gateway], Any]  # the desk's ASGI app made on the opened gateway (gateway.web.app.make_app)
DESK_CLERK = "vanthu"  # the desk's person made by `demo --serve` (its password made at random, printed)
UNITS = [{"code": "VP", "name": "Văn phòng Sở", "mailbox": "vanphong@snv.bacgiang.gov.vn"},
         {"code": "TCCB", "name": "Phòng Tổ chức cán bộ", "mailbox": "tccb@snv.bacgiang.gov.vn"}]  # to pass documents on
OUR_LETTER = DocumentSpec(
    issuer="SỞ NỘI VỤ", number="45/SNV-VP", summary="V/v rà soát hộp thư điện tử công vụ", kinh_gui=["Sở Tư pháp"],
    recipients=["Nơi nhận:", "- Như trên;", "- Lưu: VT, VP.", "Bản điện tử:", "- Các Sở, ban, ngành;",
                "- UBND huyện Lục Nam."],
)


def _setup(base: Path) -> tuple[Path, list[tuple[str, bytes]]]:
    pki = DemoPki.create()
    files = pki.write(base / "pki")
    stp = pki.signer("Sở Tư pháp tỉnh Bắc Giang", "Sở Tư pháp tỉnh Bắc Giang")
    stc = pki.signer("Sở Tài chính tỉnh Bắc Giang", "Sở Tài chính tỉnh Bắc Giang", kind="ecdsa")
    (base / "directory.csv").write_text(
        "code,name,mailbox,aliases,groups\n"
        f"000.00.14.H06,Sở Tư pháp tỉnh Bắc Giang,{STP},Sở Tư pháp,\"Sở, ban, ngành\"\n"
        f"{US[0]},{US[1]},{US[2]},Sở Nội vụ,\"Sở, ban, ngành\"\n"
        f"000.00.16.H06,Sở Tài chính tỉnh Bắc Giang,{STC},Sở Tài chính,\"Sở, ban, ngành\"\n",
        encoding="utf-8",
    )
    ours = pki.signer(US[1], US[1])
    (base / "keys").mkdir()
    (base / "keys" / "agency.p12").write_bytes(pki.pkcs12(ours, DEMO_P12_PASSWORD.encode()))
    (base / "keys" / "seal.png").write_bytes(seal_png())
    key = DkimKey.generate("sotp.bacgiang.gov.vn")
    config = {
        "agency": {"code": US[0], "name": US[1], "mailbox": US[2]},
        "database": "sqlite:///qlvb.db", "storage": "store", "directory": "directory.csv",
        "trust": {"state_roots": [str(files["root"].relative_to(base))],  # the demo CA plays Ban Cơ yếu Chính phủ
                  "crls": [str(files["crl"].relative_to(base)), str(files["root_crl"].relative_to(base))]},
        "authentication": {"trusted_authserv_ids": [MX], "dkim_keys": {key.dns_name: key.txt_record}, "dns": False},
        "notify": {"clerk": [US[2]], "urgent": ["lanhdao@snv.bacgiang.gov.vn"]}, "units": UNITS,
        "signing": {"pkcs12": "keys/agency.p12", "password_env": "QLVB_DEMO_P12_PASSWORD",
                    "appearance": {"seal_image": "keys/seal.png"}},
    }
    config_path = base / "config.yaml"
    config_path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")

    now = datetime.now(timezone.utc)
    letter = render_document(DocumentSpec())
    decision = render_document(DocumentSpec(
        type="Quyết định", issuer="SỞ TÀI CHÍNH", number="77/QĐ-STC", summary="Về việc phân bổ kinh phí năm 2027",
        recipients=["Nơi nhận:", "- Như Điều 3;", "- Lưu: VT, NS.", "Bản điện tử:", "- Các Sở, ban, ngành;"],
        signer_title=["GIÁM ĐỐC"], signer="Trần Thị Bình",
    ))
    urgent = render_document(DocumentSpec(number="130/STP-VP", urgency="Hỏa tốc", summary="V/v họp khẩn về phòng chống lụt bão"))
    secret = render_document(DocumentSpec(number="131/STP-VP", secrecy="Mật"))
    mails = [
        ("1-cong-van-ky-so.eml", make_mail(sender=STP, to=[US[2]], subject="Gửi Công văn 123/STP-VP",
                                           attachments=[("123-STP-VP.pdf", sign_pdf(letter, stp, pki))], dkim_key=key)),
        ("2-ban-quet-tu-hop-thu-van-thu.eml", make_mail(
            sender=STP, to=[US[2]], subject="Gửi bản quét Công văn 124/STP-VP",
            attachments=[("124-STP-VP.pdf", scan(render_document(DocumentSpec(number="124/STP-VP"))))],
            auth_results=[f"{MX}; auth=pass smtp.auth={STP}"])),
        ("3-quyet-dinh-ky-so-ecdsa.eml", make_mail(sender=STC, to=["vanthu@stc.bacgiang.gov.vn"], cc=[US[2]],
                                                   subject="Quyết định 77/QĐ-STC",
                                                   attachments=[("77-QD-STC.pdf", sign_pdf(decision, stc, pki))],
                                                   auth_results=[f"{MX}; spf=pass smtp.mailfrom={STC};"
                                                                 " dmarc=pass header.from=stc.bacgiang.gov.vn"])),
        ("4-gia-mao-nguoi-gui.eml", make_mail(sender=STP, to=[US[2]], subject="Gửi văn bản (giả mạo)",
                                             attachments=[("125-STP-VP.pdf", render_document(DocumentSpec(number="125/STP-VP")))],
                                             received_at=now)),
        ("5-van-ban-hoa-toc.eml", make_mail(sender=STP, to=[US[2]], subject="HỎA TỐC: họp khẩn",
                                            attachments=[("130-STP-VP.pdf", sign_pdf(urgent, stp, pki))], dkim_key=key)),
        ("6-van-ban-mat.eml", make_mail(sender=STP, to=[US[2]], subject="Văn bản mật",
                                        attachments=[("131-STP-VP.pdf", secret)], dkim_key=key)),
        ("7-gui-lai-lan-hai.eml", make_mail(sender=STP, to=[US[2]], subject="Gửi lại Công văn 123/STP-VP",
                                            attachments=[("123-STP-VP.pdf", sign_pdf(letter, stp, pki))], dkim_key=key,
                                            date=now + timedelta(minutes=5))),
        ("8-tra-loi-tu-dong.eml", make_mail(sender=STP, to=[US[2]], subject="Trả lời tự động: vắng mặt",
                                            headers={"Auto-Submitted": "auto-replied"}, dkim_key=key)),
        ("9-tep-chay-duoc.eml", make_mail(sender=STP, to=[US[2]], subject="Cài đặt phần mềm",
                                          attachments=[("setup.exe", b"MZ" + b"\0" * 200)], dkim_key=key)),
    ]
    return config_path, mails


MARK = ".qlvb-demo"  # in a folder the demo made: the next run may remove it


# What a demo writes in its folder (an earlier one's, made before MARK, holds these and nothing else)
MADE = {MARK, "config.yaml", "directory.csv", "qlvb.db", "qlvb.db-wal", "qlvb.db-shm", "Maildir", "mails", "store",
        "pki", "keys", "spool", "45-SNV-VP.pdf", "45-SNV-VP-da-ky.pdf", "45-SNV-VP-trang-1.png"}


def not_a_demo_folder(base: Path) -> str | None:
    """Why the demo must not make `base` anew (it removes what is there): a file, a link, the working folder, or a
    folder holding anything but what an earlier run made (a newcomer's `demo --dir` removed a folder of his own; red
    team 36, one holding a trial register beside the demo's names)."""
    if base.is_symlink() or (base.exists() and base.resolve() == Path.cwd().resolve()):
        return f"{base}: a link or the working folder; give a new or empty folder for the demo"
    if not base.exists() or (base.is_dir() and {entry.name for entry in base.iterdir()} <= MADE):
        return None
    return (f"{base}: holds files an earlier demo did not make; the demo makes its folder anew, removing what is "
            "there: give a new or empty folder")


def run_demo(base: Path, serve_port: int | None = None, desk: DeskFactory | None = None) -> int:
    """The demo in `base` (made anew); with `serve_port` and `desk` (the desk's app, handed down by the CLI:
    the desk stands on a floor above the demo), the desk served on it afterwards until Ctrl-C."""
    import mailbox
    import socket
    import threading
    import time

    from aiosmtpd.controller import Controller
    from aiosmtpd.smtp import Envelope

    from gateway.daemon import Daemon
    from gateway.outbox import OutboxSender
    from registry.models import Mail

    logging.getLogger("pyhanko").setLevel(logging.CRITICAL)
    if (problem := not_a_demo_folder(base)) is not None:
        raise ValueError(problem)
    if base.exists():
        shutil.rmtree(base)
    base.mkdir(parents=True)
    (base / MARK).write_text("qlvb-gateway demo: this folder is made anew by each run\n", encoding="utf-8")
    print(f"Tạo PKI thử nghiệm, danh bạ và thư mẫu trong {base}/ …")
    config_path, mails = _setup(base)
    inbox = mailbox.Maildir(str(base / "Maildir"), create=True)
    (base / "mails").mkdir()
    for name, raw in mails:
        (base / "mails" / name).write_bytes(raw)
        inbox.add(raw)
    received: list[email.message.Message] = []
    serving = threading.Event()

    class Catcher:  # the province's mail server, as far as the answers go
        async def handle_DATA(self, server: object, session: object, envelope: Envelope) -> str:
            received.append(email.message_from_bytes(envelope.original_content or b""))
            if serving.is_set():  # the desk's actions: told as they arrive
                _print_mails(received[-1:], flush=True)
            return "250 OK"

    with socket.socket() as probe:  # a free port on loopback
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    smtp = Controller(Catcher(), hostname="127.0.0.1", port=port)
    smtp.start()
    raw_config = yaml.safe_load(config_path.read_text(encoding="utf-8"))
    raw_config["mailboxes"] = [{"name": "vanthu", "maildir": "Maildir", "poll_seconds": 1}]
    raw_config["smtp"] = {"host": "127.0.0.1", "port": port, "security": "none"}
    config_path.write_text(yaml.safe_dump(raw_config, allow_unicode=True), encoding="utf-8")
    config = load_config(config_path)
    gateway = Gateway.open(config)
    print(f"\nChạy cổng (qlvb-gateway run) trên hộp thư Maildir {base}/Maildir, gửi trả lời qua máy chủ SMTP thử nghiệm …")
    try:
        with WorkerPool(gateway.analysis_settings()) as pool:
            assert config.smtp is not None  # the demo's configuration names its SMTP server
            sender = OutboxSender(gateway.register, config.smtp, config.agency.mailbox)
            daemon = Daemon(gateway, Intake(gateway, pool), sender)
            thread = threading.Thread(target=daemon.run, daemon=True)
            thread.start()
            deadline = time.monotonic() + 300
            while time.monotonic() < deadline and (len(inbox) or sender.next_due() is not None):
                time.sleep(0.3)
            daemon.stop.set()
            thread.join(timeout=30)
        with gateway.register.session() as session:
            print("\nThư đã xử lý:")
            for row in session.scalars(select(Mail).order_by(Mail.id)):
                reasons = sorted({r.code for o in MailOutcome.from_json(row.outcome).documents for r in o.reasons}) or ["-"]
                print(f"  {(row.subject or '(văn bản mật)')[:44]:<44} {worded(row.verdict, VERDICT_WORDS):<26} "
                      f"[{', '.join(reasons)}]")
        print("\nSổ đăng ký văn bản đến:")
        for line in list_register(gateway.register, config.agency.code, None, config.tz):
            print(f"  {line['incoming_number']:>3}  {line['received_at'][:16]}  {line['issuer'] or '(chưa đọc được)':<28} "
                  f"{line['number'] or '-':<14} {line['summary'] or ''}")
        print("\nThư trả lời máy chủ SMTP đã nhận:")
        _print_mails(received)
        received.clear()
        _demo_send(gateway, base)
        print("\nThư máy chủ SMTP đã nhận:")
        _print_mails(received)
        print(f"\nVăn bản đi: {base}/45-SNV-VP.pdf (bản chưa ký), {base}/45-SNV-VP-da-ky.pdf (đã ký số), "
              f"{base}/45-SNV-VP-trang-1.png (hình trang 1). Thử: {command_as_run()} sent --config {base}/config.yaml")
        print(f"\nCấu hình, sổ (qlvb.db), hộp thư (Maildir/, thư đã xếp vào các thư mục .QLVB.*), thư gốc và tệp (store/) "
              f"nằm trong {base}/. Thử: {command_as_run()} status --config {base}/config.yaml")
        if serve_port is None or desk is None:
            print(f"\nXem lại tất cả trên bàn làm việc của Văn thư (trình duyệt): {command_as_run()} demo "
                  f"--dir {shlex.quote(str(base))} --serve")
        else:
            serving.set()
            _serve_desk(gateway, serve_port, desk)
    finally:
        gateway.close()
        smtp.stop()
    return 0


def _serve_desk(gateway: Gateway, port: int, desk: DeskFactory) -> None:
    """The desk on the demo's register until Ctrl-C, a clerk made for it; what its actions queue (the
    answers of a release or a return, a unit's mail) sent to the demo's SMTP server each second."""
    import secrets
    import threading

    import uvicorn

    from gateway.outbox import OutboxSender
    from registry.people import add_person

    password = secrets.token_urlsafe(9)
    with gateway.register.session() as session, session.begin():
        add_person(session, DESK_CLERK, "clerk", None, password, actor="demo")
    assert gateway.config.smtp is not None  # the demo's configuration names its SMTP server
    sender = OutboxSender(gateway.register, gateway.config.smtp, gateway.config.agency.mailbox)
    stop = threading.Event()

    def send_queued() -> None:
        while not stop.wait(1.0):
            sender.send_due()
    thread = threading.Thread(target=send_queued, daemon=True)
    thread.start()
    print(f"\nBàn làm việc của Văn thư: http://127.0.0.1:{port}/ — người dùng: {DESK_CLERK}, mật khẩu: {password}")
    print("Thư các việc làm trên trang gửi đến máy chủ SMTP thử nghiệm và được in ra dưới đây. Ctrl-C để dừng.", flush=True)
    try:
        uvicorn.run(desk(gateway), host="127.0.0.1", port=port, log_level="warning", server_header=False)
    except KeyboardInterrupt:  # uvicorn stops on Ctrl-C, then raises the signal again for its caller
        pass
    finally:
        stop.set()
        thread.join(timeout=10)
    print("\nĐã dừng bàn làm việc.")


def command_as_run() -> str:
    """The command as it can be typed again from here: the running qlvb-gateway's path (`.venv/bin/qlvb-gateway`
    in a fresh clone, where it is not on PATH), or this Python's `-m gateway.cli`; relative when under here."""
    program = sys.argv[0]
    if Path(program).name != "qlvb-gateway":  # python -m gateway.cli
        return f"{shlex.quote(_from_here(sys.executable))} -m gateway.cli"
    return shlex.quote(program if os.sep not in program else _from_here(program))  # a bare name: found on PATH


def _from_here(path: str) -> str:
    """`path` relative to the working directory when under it (with a folder, so the shell does not look in PATH)."""
    absolute = Path(os.path.abspath(path))  # not resolve(): a virtualenv's python is a link to the system's
    if absolute.is_relative_to(Path.cwd()):
        relative = str(absolute.relative_to(Path.cwd()))
        return relative if os.sep in relative else f".{os.sep}{relative}"
    return str(absolute)


def _print_mails(received: list[email.message.Message], flush: bool = False) -> None:
    for msg in received:
        status = msg["X-QLVB-Status"] or "  "
        subject = str(email.header.make_header(email.header.decode_header(msg["Subject"])))
        print(f"  → {msg['To']:<30} X-QLVB-Status {status}  {subject}", flush=flush)


def _demo_send(gateway: Gateway, base: Path) -> None:
    """Our own letter, as `qlvb-gateway send` does it: held, confirmed by the clerk, signed, sent."""
    import os

    import pymupdf

    from gateway.outbox import OutboxSender
    from gateway.outgoing.send import OutgoingFile, OutgoingSender, parse_choices
    from registry.store import ContentStore

    os.environ.setdefault("QLVB_DEMO_P12_PASSWORD", DEMO_P12_PASSWORD)
    pdf = render_document(OUR_LETTER)
    (base / "45-SNV-VP.pdf").write_bytes(pdf)
    item = OutgoingFile(str(base / "45-SNV-VP.pdf"), "45-SNV-VP.pdf", pdf)
    print("\nGửi văn bản đi (qlvb-gateway send 45-SNV-VP.pdf):")
    with gateway.worker_pool(size=1) as pool:
        sender = OutgoingSender(gateway, pool)
        held = sender.send(item)
        _print_plan(held.as_json())
        choice = "UBND huyện Lục Nam=-"
        print(f"\nVăn thư chọn: --confirm \"{choice}\" (gửi bản giấy), gửi lại:")
        sent = sender.send(item, choices=parse_choices([choice], gateway.directory.by_code))
    assert gateway.config.smtp is not None
    OutboxSender(gateway.register, gateway.config.smtp, gateway.config.agency.mailbox).send_due()
    out = sent.as_json()
    out["recipients"] = sender.recipients_json_by_identifier(sent.plan.identifier)
    _print_plan(out)
    signed = ContentStore(Path(gateway.config.storage)).get(_sent_pdf_sha(gateway, sent.plan.identifier))
    (base / "45-SNV-VP-da-ky.pdf").write_bytes(signed)
    with pymupdf.open(stream=signed, filetype="pdf") as doc:
        doc[0].get_pixmap(dpi=80).save(str(base / "45-SNV-VP-trang-1.png"))


def _sent_pdf_sha(gateway: Gateway, identifier: str) -> str:
    from registry.models import OutgoingDocument

    with gateway.register.session() as session:
        return session.scalars(select(OutgoingDocument.pdf_sha256).where(OutgoingDocument.identifier == identifier)).one()


def _print_plan(out: dict[str, Any]) -> None:
    print("\n".join("  " + line for line in plan_text(out).splitlines()))
