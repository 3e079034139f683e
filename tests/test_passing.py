"""Passing registered documents on to the agency's units (Bắc Kạn QĐ 26/2020 Đ9.3.b), as the clerk and
the units see it: `qlvb-gateway pass` and its marks on the command line, the mails the units' mailboxes
get (an SMTP server receiving them), the status the sender hears (04, 05, 06), the reminders of
deadlines, a secret paper document passed on without its content, and columns 7-9 of the printed
register read back from its PDF."""

from __future__ import annotations

import email.message
import email.policy
import json
import threading
from collections.abc import Iterator
from datetime import date, datetime, timedelta, timezone

import pymupdf
import pytest
from sqlalchemy import select

from servers import wait_for
from test_daemon import SmtpServer
from test_printed_register import _table_rows
from world import STP, World, daemon_jobs, register_locked

VN = timezone(timedelta(hours=7))
VP, TCBC, PGD = "vanphong@snv.bacgiang.gov.vn", "tcbc@snv.bacgiang.gov.vn", "an.nv@snv.bacgiang.gov.vn"
UNITS = [{"code": "VP", "name": "Văn phòng Sở", "mailbox": VP},
         {"code": "TCBC", "name": "Phòng Tổ chức, biên chế", "mailbox": TCBC},
         {"code": "pgd.an", "name": "Phó Giám đốc Nguyễn Văn An", "mailbox": PGD, "person": True}]
SUMMARY = "V/v rà soát biên chế công chức năm 2027"
PAPER_SUMMARY = "V/v hướng dẫn lưu trữ hồ sơ điện tử"
SECRET_SUMMARY = "V/v phương án bảo vệ mục tiêu quan trọng"


@pytest.fixture
def desk(world: World) -> Iterator[tuple[World, SmtpServer, bytes]]:
    """Our agency with three units and an SMTP server: Sở Tư pháp's signed document registered (its
    gateway's X-QLVB-Document-Id on the mail: it runs this gateway), then a paper one and a secret paper one."""
    pdf = world.signed(pdf=world.document(number="55/STP-TCCB", summary=SUMMARY))
    mail = world.mail("cv", attachments=[("55-STP-TCCB.pdf", pdf)], headers={"X-QLVB-Document-Id": "000.00.14.H06-2026.7"})
    assert world.ingest(mail)[0]["incoming_number"] == 1
    for args in (("--number", "45/BNV-VP", "--summary", PAPER_SUMMARY),
                 ("--number", "7/CA-PV01", "--summary", SECRET_SUMMARY, "--secrecy", "Mật")):
        world.run("register", "add", "--config", str(world.config_path), "--issuer", "Bộ Nội vụ", *args)
    smtp = SmtpServer()
    smtp.start()
    world.extra["units"] = UNITS
    world.extra["smtp"] = {"host": "127.0.0.1", "port": smtp.port, "security": "none"}
    world.write_config()
    try:
        yield world, smtp, pdf
    finally:
        smtp.stop()


def _pass(world: World, *args: str, check: bool = True) -> dict[str, object]:
    """`pass --config C ARGS` (passing on), or `pass received|done --config C ARGS` (a unit's mark)."""
    step = [args[0]] if args[0] in ("received", "done") else []
    done = world.run("pass", *step, "--config", str(world.config_path), *args[len(step):], "--json", check=check)
    return json.loads(done.stdout) if done.returncode == 0 else {"exit": done.returncode, "error": done.stderr}


def _to(smtp: SmtpServer, address: str) -> list[email.message.Message]:
    with smtp.recorder.lock:
        return [m for m in smtp.recorder.messages if m["To"] == address]


def _body(message: email.message.Message) -> str:
    parsed = email.message_from_bytes(message.as_bytes(), policy=email.policy.default)
    return parsed.get_body(("plain",)).get_content()  # type: ignore[union-attr]


def _subject(message: email.message.Message) -> str:
    return str(email.message_from_bytes(message.as_bytes(), policy=email.policy.default)["Subject"])


def _attachments(message: email.message.Message) -> list[tuple[str | None, bytes]]:
    return [(part.get_filename(), part.get_payload(decode=True)) for part in message.walk() if part.get_filename()]


def _statuses(smtp: SmtpServer) -> list[str]:
    return [m["X-QLVB-Status"] for m in _to(smtp, STP)]


def _today() -> date:
    return datetime.now(VN).date()


def test_the_units_get_the_document_the_sender_hears_04_05_06_and_the_register_says_who(desk) -> None:  # type: ignore[no-untyped-def]
    world, smtp, pdf = desk
    deadline = _today() + timedelta(days=7)
    passed = _pass(world, "1", "--lead", "VP", "--with", "TCBC", "--deadline", deadline.isoformat(),
                   "--note", "Văn phòng chủ trì tổng hợp, báo cáo trước hạn", "--actor", "Trần Thị Lãnh")
    assert passed["mailed_to"] == [VP, TCBC] and passed["told_sender"] == STP
    assert wait_for(lambda: len(_to(smtp, VP)) == 1 and len(_to(smtp, TCBC)) == 1 and len(_statuses(smtp)) == 3)
    [lead], [co] = _to(smtp, VP), _to(smtp, TCBC)
    assert _attachments(lead) == [("55-STP-TCCB.pdf", pdf)] == _attachments(co)  # the signed PDF as received
    text = _body(lead)
    for words in ("Số đến: 1", SUMMARY, "55/STP-TCCB", "Vai trò: chủ trì", f"Thời hạn giải quyết: {deadline:%d/%m/%Y}",
                  "Ý kiến chỉ đạo: Văn phòng chủ trì tổng hợp, báo cáo trước hạn", "Trần Thị Lãnh chuyển đến"):
        assert words in text, text
    assert "Vai trò: phối hợp" in _body(co)
    assert _statuses(smtp) == ["03", "04", "05"]  # acknowledged, waited to be passed on, being worked on
    assert {m["X-QLVB-Document-Id"] for m in _to(smtp, STP)[1:]} == {"000.00.14.H06-2026.7"}

    assert _pass(world, "received", "1", "--unit", "VP", "--actor", "Lê Văn Bình")["step"] == "received"
    assert _pass(world, "done", "1", "--unit", "TCBC", "--actor", "Phạm Thu Hà")["told_sender"] is None  # not the lead
    assert _pass(world, "done", "1", "--unit", "VP", "--actor", "Lê Văn Bình")["told_sender"] == STP
    assert wait_for(lambda: _statuses(smtp) == ["03", "04", "05", "06"])
    refused = _pass(world, "done", "1", "--unit", "VP", "--actor", "Lê Văn Bình", check=False)
    assert refused["exit"] == 2 and "đã xử lý xong" in str(refused["error"])

    output = world.root / "so-den.pdf"
    world.run("register", "print", "--config", str(world.config_path), "--year", str(_today().year), "-o", str(output))
    rows, _ = _table_rows(pymupdf.open(output))
    assert rows[0][6:9] == ["Văn phòng Sở (chủ trì); Phòng Tổ chức, biên chế (phối hợp)", f"{_today():%d/%m/%Y}",
                            "Lê Văn Bình (Văn phòng Sở); Phạm Thu Hà (Phòng Tổ chức, biên chế)"]
    assert rows[1][6:9] == ["", "", ""]  # not passed on: the clerk's pen

    register = world.db()
    try:
        from registry.models import AuditEntry, Document

        with register.session() as s:
            trail = [(a.action, a.actor) for a in s.scalars(select(AuditEntry).where(AuditEntry.action.like("passed-%")))]
            assert s.scalars(select(Document.due_date).where(Document.arrival_number == 1)).one() == deadline.isoformat()
    finally:
        register.close()
    assert trail == [("passed-on", "Trần Thị Lãnh"), ("passed-received", "Lê Văn Bình"), ("passed-done", "Phạm Thu Hà"),
                     ("passed-done", "Lê Văn Bình")]


def test_a_secret_paper_document_is_passed_on_without_its_content(desk) -> None:  # type: ignore[no-untyped-def]
    world, smtp, _ = desk
    _pass(world, "3", "--lead", "pgd.an", "--note", "Giao đồng chí An trực tiếp xử lý mục tiêu")
    _pass(world, "2", "--lead", "VP")
    assert wait_for(lambda: len(_to(smtp, PGD)) == 1 and len(_to(smtp, VP)) == 1)
    [secret], [paper] = _to(smtp, PGD), _to(smtp, VP)
    whole = _subject(secret) + _body(secret)
    for hidden in (SECRET_SUMMARY, "7/CA-PV01", "Bộ Nội vụ", "mục tiêu"):
        assert hidden not in whole
    assert "nhận bản giấy tại Văn thư" in _body(secret) and _attachments(secret) == []
    assert PAPER_SUMMARY in _body(paper) and _attachments(paper) == []  # on paper: no file to attach
    assert "05" not in _statuses(smtp)  # paper documents: no sender to tell (03 and 04 are document 1's)
    listed = [json.loads(line) for line in world.run("pass", "list", "--config", str(world.config_path), "--json").stdout.splitlines()]
    assert [(t["incoming_number"], t["unit"], t["summary"]) for t in listed] == [(3, "pgd.an", None), (2, "VP", PAPER_SUMMARY)]


def test_what_cannot_be_passed_on_is_refused_with_the_reason(desk) -> None:  # type: ignore[no-untyped-def]
    world, smtp, _ = desk
    for args, words in ((("1", "--lead", "KT"), "không có đơn vị KT"),
                        (("9", "--lead", "VP"), "số đến 9/"),
                        (("1", "--lead", "VP", "--with", "vp"), "chỉ được giao một lần"),
                        (("1", "--lead", "VP", "--deadline", (_today() - timedelta(days=1)).isoformat()), "đã qua")):
        refused = _pass(world, *args, check=False)
        assert refused["exit"] == 2 and words in str(refused["error"]), refused
    _pass(world, "1", "--lead", "VP")
    again = _pass(world, "1", "--lead", "TCBC", check=False)
    assert again["exit"] == 2 and "đã chuyển cho VP" in str(again["error"])
    not_given = _pass(world, "received", "1", "--unit", "TCBC", check=False)
    assert not_given["exit"] == 2 and "không được chuyển cho đơn vị TCBC" in str(not_given["error"])
    assert wait_for(lambda: len(_to(smtp, VP)) == 1) and _to(smtp, TCBC) == []


def test_units_not_done_are_reminded_once_before_the_deadline(desk) -> None:  # type: ignore[no-untyped-def]
    world, smtp, _ = desk
    _pass(world, "1", "--lead", "VP", "--with", "TCBC", "--deadline", (_today() + timedelta(days=1)).isoformat())
    _pass(world, "2", "--lead", "VP", "--deadline", (_today() + timedelta(days=5)).isoformat())  # not yet
    _pass(world, "done", "1", "--unit", "TCBC", "--actor", "Phạm Thu Hà")
    remind = ["pass", "remind", "--config", str(world.config_path)]
    assert "Đã gửi 1 thư nhắc" in world.run(*remind).stdout  # VP, not TCBC (done), not document 2 (far off)
    assert "Đã gửi 0 thư nhắc" in world.run(*remind).stdout  # once
    assert wait_for(lambda: len(_to(smtp, VP)) == 3)
    reminder = _to(smtp, VP)[-1]
    assert "Sắp đến hạn giải quyết văn bản số đến 1/" in _subject(reminder)
    assert reminder["Auto-Submitted"] == "auto-generated" and SUMMARY in _body(reminder)
    assert [m for m in _to(smtp, TCBC) if m["Auto-Submitted"]] == []


def test_the_mornings_reminders_are_tried_again_while_the_register_is_locked(desk, monkeypatch, caplog) -> None:  # type: ignore[no-untyped-def]
    """Red team 86 left it: the morning's run, the register locked (or down) at that minute, failed, and nobody was
    reminded before the next morning. The daemon's scheduled job tries again until it is done (every RETRY_SECONDS,
    shortened here), on the real register locked by another process."""
    world, smtp, _ = desk
    _pass(world, "1", "--lead", "VP", "--deadline", (_today() + timedelta(days=1)).isoformat())
    assert wait_for(lambda: len(_to(smtp, VP)) == 1)  # passed on
    with daemon_jobs(world, monkeypatch, retry_seconds=0.3) as daemon, register_locked(world) as let_go:
        job = threading.Thread(target=daemon.scheduled_reminders)  # as the scheduler runs it, in a thread
        job.start()
        assert wait_for(lambda: "try 2 of" in caplog.text, timeout=20)
        let_go()
        job.join(timeout=30)
        assert not job.is_alive()
    assert "Đã gửi 0 thư nhắc" in world.run("pass", "remind", "--config", str(world.config_path)).stdout  # done by it
    assert wait_for(lambda: len(_to(smtp, VP)) == 2)
    assert "Sắp đến hạn giải quyết văn bản số đến 1/" in _subject(_to(smtp, VP)[-1])


def test_a_stopping_daemon_ends_the_tries_at_once(desk, monkeypatch, caplog) -> None:  # type: ignore[no-untyped-def]
    """The tries wait RETRY_SECONDS (five minutes) between them: a daemon told to stop meanwhile is not held (systemd
    kills it after 90 s), and says the run is not done."""
    world, _, _ = desk
    with daemon_jobs(world, monkeypatch, retry_seconds=300) as daemon, register_locked(world):
        job = threading.Thread(target=daemon.scheduled_reminders)
        job.start()
        assert wait_for(lambda: "try 1 of" in caplog.text, timeout=20)
        daemon._RUNNING.stop.set()  # SIGTERM
        job.join(timeout=5)
    assert not job.is_alive()
    assert "not done: the gateway stopped" in caplog.text


def test_the_units_are_told_to_destroy_their_copy_when_the_issuer_recalls_it(desk) -> None:  # type: ignore[no-untyped-def]
    world, smtp, _ = desk
    _pass(world, "1", "--lead", "VP", "--with", "TCBC")
    recall = world.mail("recall", subject="Thu hồi văn bản", body="Đề nghị thu hồi.\n", headers={
        "X-QLVB-Status": "13", "X-QLVB-Document-Id": "000.00.14.H06-2026.7", "X-QLVB-Recall-Reason": "Sai thể thức"})
    assert world.ingest(recall)[0]["verdict"] == "ignored"
    world.run("pass", "remind", "--config", str(world.config_path))  # hands what is queued to the server
    assert wait_for(lambda: len(_to(smtp, VP)) == 2 and len(_to(smtp, TCBC)) == 2)
    for address, name in ((VP, "Văn phòng Sở"), (TCBC, "Phòng Tổ chức, biên chế")):
        told = _to(smtp, address)[-1]
        assert _subject(told).startswith("[Thu hồi] Văn bản số đến 1/")
        assert f"Kính gửi {name}," in _body(told) and "đề nghị hủy bản đã nhận qua thư điện tử" in _body(told)
    refused = _pass(world, "done", "1", "--unit", "VP", check=False)
    assert refused["exit"] == 2 and "văn bản đã bị thu hồi" in str(refused["error"])


def test_a_gateways_mail_held_and_released_by_the_clerk_tells_its_sender_04_too(world: World) -> None:
    """A sender running this gateway hears 04 after the acknowledgement of a document the clerk released."""
    from registry.models import Outbox

    mail = world.mail("held", attachments=[("cv.pdf", world.signed(pdf=world.document(number="603/STP-VP")))],
                      headers={"X-QLVB-Document-Id": "000.00.14.H06-2026.9"})
    world.extra["limits"] = {"seconds_per_document": 0.001, "workers": 1}  # its analysis fails: held
    world.write_config()
    [held] = world.ingest(mail)
    assert held["verdict"] == "quarantined"
    del world.extra["limits"]
    world.write_config()
    world.run("review", "release", str(held["review_id"]), "--config", str(world.config_path), "--actor", "văn thư")
    register = world.db()
    try:
        with register.session() as s:
            told = [email.message_from_bytes(o.raw) for o in s.scalars(select(Outbox).where(Outbox.recipient == STP)
                                                                       .order_by(Outbox.id))]
    finally:
        register.close()
    assert [(m["X-QLVB-Status"], m["X-QLVB-Document-Id"]) for m in told] == [("03", None), ("04", "000.00.14.H06-2026.9")]
