"""Red team 83: passing a registered document on (Bắc Kạn QĐ 26/2020 Đ9.3.b) and the desk's people and roles,
attacked with the real desk (Starlette's TestClient on make_app), the real command line and the real register. Its
findings, each fixed: a deadline the desk could not read passed the document with none (now refused, as `pass` refuses
it); a recalled document was shown to its unit as a secret one to collect, and stayed on Today's due list for ever (now
said recalled, to destroy, and off the list); a secret document's note was on its unit's page and in `pass list` (now
neither); two reminder runs at once reminded each unit twice on PostgreSQL (now each reminder claimed first); a unit's
new mailbox was passed over for the one it had when the document was passed (now its mailbox in `units:`, if any)."""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
from sqlalchemy import select
from starlette.testclient import TestClient

from desk_kit import UNITS, Clock, add_person, csrf_of, desk_app, log_in
from world import World, make_world

VN = timezone(timedelta(hours=7))
FLASH = re.compile(r'class="flash[^"]*"[^>]*>([^<]*)')
SECRET_NOTE = "Giao đồng chí An trực tiếp bảo vệ mục tiêu K12"
PEER_ID = "000.00.14.H06-2026.83"


@dataclass
class W83:
    world: World
    signed: int  # incoming number of a signed letter from Sở Tư pháp (its gateway's document id on it)
    other: int  # another signed letter
    secret: int  # a secret paper document (register add --secrecy Mật)
    paper: int


@pytest.fixture
def w83(tmp_path, province) -> W83:  # type: ignore[no-untyped-def]
    pki, signers, stranger = province
    world = make_world(tmp_path / "agency", pki, signers, stranger, units=UNITS)
    mails = [world.mail("signed", attachments=[("cv.pdf", world.signed("stp", world.document(number="83/STP-VP")))],
                        headers={"X-QLVB-Document-Id": PEER_ID}),
             world.mail("other", attachments=[("cv.pdf", world.signed("stp", world.document(number="84/STP-VP")))])]
    outcomes = world.ingest(*mails)
    assert [o["verdict"] for o in outcomes] == ["accepted", "accepted"], outcomes
    for args in (("--number", "7/CA-PV01", "--summary", "V/v phương án bảo vệ", "--secrecy", "Mật"),
                 ("--number", "45/BNV-VP", "--summary", "V/v lưu trữ")):
        world.run("register", "add", "--config", str(world.config_path), "--issuer", "Bộ Nội vụ", *args)
    for name, role, unit in (("vanthu", "clerk", None), ("lanhdao", "leader", None), ("phongtc", "unit", "TC"),
                             ("vp1", "unit", "VP")):
        assert add_person(world, name, role, unit).returncode == 0
    return W83(world, outcomes[0]["incoming_number"], outcomes[1]["incoming_number"], 3, 4)


@pytest.fixture
def client(w83: W83) -> Iterator[TestClient]:
    app, gateway = desk_app(w83.world, Clock(time.time()))
    with TestClient(app, follow_redirects=False, base_url="http://localhost") as test_client:
        yield test_client
    gateway.close()


def _doc(w: W83, number: int) -> Any:
    from registry.models import Document

    register = w.world.db()
    try:
        with register.session() as s:
            return s.scalars(select(Document).where(Document.arrival_number == number)).one()
    finally:
        register.close()


def _assignments(w: W83, number: int) -> list[Any]:
    from registry.models import Assignment

    doc = _doc(w, number)
    register = w.world.db()
    try:
        with register.session() as s:
            return list(s.scalars(select(Assignment).where(Assignment.document_id == doc.id)))
    finally:
        register.close()


def _outbox(w83: W83, kind: str, column: str) -> list[Any]:
    """One column of the outbox's mails of a kind, read from the register."""
    from registry.models import Outbox

    register = w83.world.db()
    try:
        with register.session() as s:
            return list(s.scalars(select(getattr(Outbox, column)).where(Outbox.kind == kind)))
    finally:
        register.close()


def _as(client: TestClient, name: str) -> str:
    client.cookies.clear()
    return csrf_of(log_in(client, name))


# ---- F1: a deadline the server cannot read is dropped in silence -------------------------------------------------
@pytest.mark.parametrize("typed", ["2027-02-29", "10/12/2030"])
def test_f1_a_deadline_that_is_no_date_is_refused_as_the_command_line_refuses_it(client: TestClient, w83: W83,
                                                                                typed: str) -> None:
    """The leader asked for a deadline; the document went out with none, "Đã chuyển" said, no reminder ever to come."""
    csrf = _as(client, "lanhdao")
    doc = _doc(w83, w83.signed)
    answer = client.post(f"/documents/{doc.id}/pass", data={"csrf": csrf, "lead": "TC", "deadline": typed})
    flash = FLASH.findall(client.get(f"/documents/{doc.id}/pass").text)
    assert answer.status_code == 303 and _assignments(w83, w83.signed) == []
    assert any("không phải là một ngày" in f for f in flash), flash


def test_f1_a_deadline_typed_with_a_space_after_it_is_the_date(client: TestClient, w83: W83) -> None:
    csrf = _as(client, "lanhdao")
    doc = _doc(w83, w83.signed)
    client.post(f"/documents/{doc.id}/pass", data={"csrf": csrf, "lead": "TC", "deadline": "2030-12-10 "})
    [row] = _assignments(w83, w83.signed)
    assert row.deadline == "2030-12-10"


def test_f1_the_command_line_refuses_the_same_deadline(w83: W83) -> None:
    done = w83.world.run("pass", "--config", str(w83.world.config_path), str(w83.signed), "--lead", "TC",
                         "--deadline", "2027-02-29", check=False)
    assert done.returncode == 2 and _assignments(w83, w83.signed) == []


# ---- F2: a recalled document on the unit's page and on Today ----------------------------------------------------
def _recall(w83: W83) -> None:
    recall = w83.world.mail("recall", subject="Thu hồi văn bản", body="Đề nghị thu hồi.\n", headers={
        "X-QLVB-Status": "13", "X-QLVB-Document-Id": PEER_ID, "X-QLVB-Recall-Reason": "Sai thể thức"})
    assert w83.world.ingest(recall)[0]["verdict"] == "ignored"
    assert _doc(w83, w83.signed).recalled


def test_f2_a_recalled_document_is_shown_to_its_unit_as_a_secret_one_to_collect(client: TestClient, w83: W83) -> None:
    deadline = (datetime.now(VN) + timedelta(days=2)).date().isoformat()
    w83.world.run("pass", "--config", str(w83.world.config_path), str(w83.signed), "--lead", "TC", "--deadline", deadline)
    _recall(w83)
    _as(client, "phongtc")
    page = client.get("/unit").text
    row = page[page.index(f"<td>{w83.signed}/"):].split("</tr>")[0]
    # what the unit reads: "a secret document: collect the paper at the clerk's", with both mark buttons,
    # and nothing that says it was recalled and must be destroyed
    assert "Văn bản mật" not in row and "thu hồi" in row.lower(), row


def test_f2_a_recalled_document_stays_due_on_today_for_ever(client: TestClient, w83: W83) -> None:
    deadline = (datetime.now(VN) + timedelta(days=1)).date().isoformat()
    w83.world.run("pass", "--config", str(w83.world.config_path), str(w83.signed), "--lead", "TC", "--deadline", deadline)
    _recall(w83)
    mark = w83.world.run("pass", "done", "--config", str(w83.world.config_path), str(w83.signed), "--unit", "TC",
                         check=False)
    assert mark.returncode == 2  # nobody can ever mark it done: it is recalled
    _as(client, "vanthu")
    today = client.get("/").text
    due = today[today.index('id="h-due"'):today.index('id="h-registered"')]
    assert "Đến hạn giải quyết (0)" in due, due


# ---- F3: a secret document's note, kept out of the unit's mail, is on the unit's page and in `pass list` -------
def test_f3_a_secret_documents_note_is_shown_on_the_units_page(client: TestClient, w83: W83) -> None:
    csrf = _as(client, "lanhdao")
    doc = _doc(w83, w83.secret)
    assert client.post(f"/documents/{doc.id}/pass",
                       data={"csrf": csrf, "lead": "TC", "note": SECRET_NOTE}).status_code == 303
    [mail] = _outbox(w83, "passed", "raw")
    assert "mục tiêu".encode() not in mail and b"K12" not in mail  # the mail keeps it out (Đ9.3.a)
    listed = [json.loads(line) for line in w83.world.run("pass", "list", "--config", str(w83.world.config_path),
                                                         "--json").stdout.splitlines()]
    _as(client, "phongtc")
    page = client.get("/unit").text
    assert SECRET_NOTE not in page and all(t["note"] in ("", None) for t in listed), (
        SECRET_NOTE in page, [t["note"] for t in listed])


# ---- F4: reminders queued twice on PostgreSQL (the daemon's morning job and `pass remind` at once) --------------
def test_f4_two_reminder_runs_at_once_remind_each_unit_twice_on_postgresql(tmp_path, province) -> None:  # type: ignore[no-untyped-def]
    from gateway import passing
    from gateway.app import Gateway
    from gateway.config import load_config
    from gateway.passing_rules import PassRequest
    from registry.models import Outbox
    from servers import postgres

    pki, signers, stranger = province
    world = make_world(tmp_path / "pg", pki, signers, stranger, units=UNITS)
    with postgres() as url:
        world.extra["database"] = url
        world.write_config()
        [registered] = world.ingest(world.mail("signed", attachments=[
            ("cv.pdf", world.signed("stp", world.document(number="85/STP-VP")))]))
        gateway = Gateway.open(load_config(world.config_path))
        try:
            passing.pass_on(gateway, PassRequest(datetime.now(VN).year, registered["incoming_number"], "TC", "lanhdao",
                                                 ("VP",), datetime.now(VN).date() + timedelta(days=1)))
            barrier, due = threading.Barrier(2, timeout=3), passing.reminder_due

            def due_then_wait(*args):  # type: ignore[no-untyped-def]
                answer = due(*args)  # both runs have read the open rows (the daemon and a clerk's `pass remind`)
                try:
                    barrier.wait()
                except threading.BrokenBarrierError:
                    pass
                return answer
            counts: list[int] = []
            passing.reminder_due = due_then_wait  # type: ignore[assignment]
            try:
                runs = [threading.Thread(target=lambda: counts.append(passing.queue_reminders(gateway))) for _ in "ab"]
                for run in runs:
                    run.start()
                for run in runs:
                    run.join(60)
            finally:
                passing.reminder_due = due  # type: ignore[assignment]
            with gateway.register.session() as s:
                reminders = sorted(s.scalars(select(Outbox.recipient).where(Outbox.kind == "reminder")))
        finally:
            gateway.close()
    assert len(reminders) == 2, (counts, reminders)  # once each unit, as README says


# ---- F5: a unit's mailbox changed (or the unit taken out) in the configuration: reminders go to the old one -----
def test_f5_reminders_go_to_the_mailbox_a_unit_had_when_the_document_was_passed(w83: W83) -> None:
    deadline = (datetime.now(VN) + timedelta(days=1)).date().isoformat()
    config = str(w83.world.config_path)
    w83.world.run("pass", "--config", config, str(w83.signed), "--lead", "TC", "--deadline", deadline)
    moved = [dict(UNITS[0], mailbox="tccb.moi@snv.bacgiang.gov.vn"), UNITS[1]]  # TC's new mailbox; the old one closed
    w83.world.extra["units"] = moved
    w83.world.write_config()
    w83.world.run("pass", "remind", "--config", config)
    [to] = _outbox(w83, "reminder", "recipient")
    assert to == "tccb.moi@snv.bacgiang.gov.vn", to


# ---- what held (kept as tests: they pass) --------------------------------------------------------------------------
def test_held_a_unit_cannot_see_or_act_on_another_units_work(client: TestClient, w83: W83) -> None:
    w83.world.run("pass", "--config", str(w83.world.config_path), str(w83.signed), "--lead", "VP")
    csrf = _as(client, "phongtc")
    year = datetime.now(VN).year
    assert f"<td>{w83.signed}/" not in client.get("/unit").text
    client.post(f"/unit/{year}/{w83.signed}/received", data={"csrf": csrf, "unit": "VP"})
    client.post(f"/unit/{year}/{w83.signed}/done", data={"csrf": csrf})
    assert [(a.unit_code, a.received_at, a.done_at) for a in _assignments(w83, w83.signed)] == [("VP", None, None)]
    doc = _doc(w83, w83.signed)
    for path in (f"/documents/{doc.id}", f"/documents/{doc.id}/pass", "/register", "/review", "/outgoing"):
        assert client.get(path).status_code == 403, path
    assert client.post(f"/documents/{w83.other}/pass", data={"csrf": csrf, "lead": "TC"}).status_code in (403, 404)
    assert client.post(f"/unit/{year}/{w83.signed}/done", data={}).status_code == 403  # no CSRF


def test_held_a_disabled_unit_person_loses_the_open_session_at_once(client: TestClient, w83: W83) -> None:
    w83.world.run("pass", "--config", str(w83.world.config_path), str(w83.signed), "--lead", "TC")
    csrf = _as(client, "phongtc")
    w83.world.run("user", "disable", "--config", str(w83.world.config_path), "phongtc")
    year = datetime.now(VN).year
    assert client.post(f"/unit/{year}/{w83.signed}/done", data={"csrf": csrf}).status_code == 303  # to the login
    assert [a.done_at for a in _assignments(w83, w83.signed)] == [None]


def test_held_html_in_a_note_is_escaped_on_the_units_page(client: TestClient, w83: W83) -> None:
    csrf = _as(client, "lanhdao")
    doc = _doc(w83, w83.signed)
    client.post(f"/documents/{doc.id}/pass", data={"csrf": csrf, "lead": "TC", "with": ["TC", "VP", "VP"],
                                                   "note": "<script>alert(1)</script><img src=x onerror=alert(2)>"})
    assert len(_assignments(w83, w83.signed)) == 0  # VP twice: refused
    client.post(f"/documents/{doc.id}/pass", data={"csrf": csrf, "lead": "TC", "with": ["TC"],
                                                   "note": "<script>alert(1)</script>"})
    assert [a.role for a in _assignments(w83, w83.signed)] == ["lead"]  # TC as its own co-unit dropped
    _as(client, "phongtc")
    page = client.get("/unit").text
    assert "<script>alert" not in page and "&lt;script&gt;" in page



def test_held_a_huge_note_is_refused_unread(client: TestClient, w83: W83) -> None:
    csrf = _as(client, "lanhdao")
    doc = _doc(w83, w83.signed)
    note = "Ý kiến chỉ đạo rất dài. " * 200_000  # ~5 MB
    answer = client.post(f"/documents/{doc.id}/pass", data={"csrf": csrf, "lead": "TC", "with": ["VP"], "note": note})
    assert answer.status_code in (400, 413) and _assignments(w83, w83.signed) == []


# ---- red team 84, at these fixes ------------------------------------------------------------------------------------
def _pass_tomorrow(w83: W83) -> None:
    deadline = (datetime.now(VN) + timedelta(days=1)).date().isoformat()
    w83.world.run("pass", "--config", str(w83.world.config_path), str(w83.signed), "--lead", "TC", "--deadline", deadline)


def _remind_with_units(w83: W83, units: list[dict[str, Any]]) -> str:
    w83.world.extra["units"] = units
    w83.world.write_config()
    w83.world.run("pass", "remind", "--config", str(w83.world.config_path))
    [to] = _outbox(w83, "reminder", "recipient")
    return str(to)


def test_a_code_given_to_another_unit_does_not_take_the_old_units_reminder(w83: W83) -> None:
    """Phòng Tổ chức cán bộ recoded TCCB, "TC" given to a new Phòng Tài chính: the reminder of a document passed to
    Tổ chức, its note with it, went to Tài chính's mailbox."""
    _pass_tomorrow(w83)
    assert _remind_with_units(w83, [dict(UNITS[0], code="TCCB"), UNITS[1], {
        "code": "TC", "name": "Phòng Tài chính", "mailbox": "taichinh@snv.bacgiang.gov.vn"}]) == UNITS[0]["mailbox"]


def test_a_code_written_in_another_case_is_the_same_unit_and_its_new_mailbox_gets_the_reminder(w83: W83) -> None:
    _pass_tomorrow(w83)
    assert _remind_with_units(w83, [dict(UNITS[0], code="tc", mailbox="tccb.moi@snv.bacgiang.gov.vn"), UNITS[1]]) \
        == "tccb.moi@snv.bacgiang.gov.vn"


def test_pass_list_says_a_document_was_recalled_and_a_secret_one_is_secret(w83: W83) -> None:
    _pass_tomorrow(w83)
    _recall(w83)
    config = str(w83.world.config_path)
    w83.world.run("pass", "--config", config, str(w83.secret), "--lead", "VP")
    listed = {t["incoming_number"]: t for t in map(json.loads, w83.world.run("pass", "list", "--config", config,
                                                                            "--json").stdout.splitlines())}
    assert (listed[w83.signed]["recalled"], listed[w83.signed]["secret"]) == (True, False)
    assert (listed[w83.secret]["recalled"], listed[w83.secret]["secret"]) == (False, True)
    text = w83.world.run("pass", "list", "--config", config).stdout
    assert "thu hồi" in text and "văn bản mật" in text, text
