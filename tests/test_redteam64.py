"""Red team 64 (the clerk's desk): the desk driven by its real application (Starlette's TestClient, logged in as the
clerk) on a register filled through the real `ingest`, with the tests' signed letters. The attacks:
- a genuine signed letter held unread at intake (its analysis ran past its time), released by the clerk, was
  registered without its PDF: not in the store, no file rows, no link on its page, passed on to a unit without it;
- a mail of last year held for review, released after the clerk closed last year's register, took a number in the
  closed, printed and signed register (on the desk and by `review release`);
- the clerk, in two tabs, opened letter A's plan (to Sở Tư pháp), uploaded letter B (to Sở Tài chính) in the other,
  and pressed "Ký số và gửi" on A's plan: B was registered and sent to recipients nobody had confirmed;
- a mail with an empty Subject was shown on Review, its page and Today as "(văn bản mật)", a secret document;
- a forger's From, an RFC 2047 word decoding to "vanthu\u202e@nv.vog.gnaigcab.ptos" (a right-to-left override, then
  his domain backwards), and a file named with an isolate never closed: the page drew the desk's own warning "chưa
  được xác thực" mirrored after the address, which read as one of sotp.bacgiang.gov.vn;
- on PostgreSQL, the clerk passing a document on to TC and a leader passing it to VP at the same moment (each having
  read its assignments before the other wrote): both succeeded, and the document had two lead units.
Each test failed before its fix."""

from __future__ import annotations

import base64
import email
import re
import sqlite3
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
from starlette.testclient import TestClient

from desk_kit import UNITS, Clock, add_person, csrf_of, desk_app, held_unread, log_in, plan_form
from test_outgoing import our_document
from world import STC, STP, World, make_world

VN = timezone(timedelta(hours=7))
BIDI = re.compile("[\u200e\u200f\u061c\u202a-\u202e\u2066-\u2069]")  # what reorders the text around it
FLASH = re.compile(r'class="flash[^"]*"[^>]*>([^<]*)')
LAST_YEAR = datetime.now(VN).year - 1


@dataclass
class Desk64:
    world: World
    unread: int  # a proven agency's signed letter held unread (processing-failed)
    held_last_year: list[int]  # unproven mails received on 30/12 of last year, held
    no_subject: int  # an unproven mail with an empty Subject, held
    bidi: int  # an unproven mail whose From and file name carry bidi controls, held
    gateway: Any = None  # the desk's gateway (its store), set by the client fixture


@pytest.fixture(scope="module")
def desk(tmp_path_factory: pytest.TempPathFactory, province) -> Desk64:  # type: ignore[no-untyped-def]
    pki, signers, stranger = province
    world = make_world(tmp_path_factory.mktemp("redteam64") / "agency", pki, signers, stranger, units=UNITS)
    for name, role in (("vanthu", "clerk"), ("lanhdao", "leader")):
        assert add_person(world, name, role, None).returncode == 0
    dec30 = datetime(LAST_YEAR, 12, 30, 10, 0, tzinfo=VN)
    registered = world.mail("accepted-last-year", date=dec30, received_at=dec30, attachments=[
        ("cv.pdf", world.signed("stp", world.document(number="80/STP-VP")))])
    late = [world.mail(f"held-last-year-{n}", auth=None, date=dec30, received_at=dec30 + timedelta(hours=1),
                       attachments=[("cv.pdf", world.document(number=f"{n}/STP-VP"))]) for n in (88, 89)]
    no_subject = world.mail("no-subject", auth=None, subject="", attachments=[
        ("cv.pdf", world.document(number="90/STP-VP"))])
    rlo = "=?utf-8?b?" + base64.b64encode("vanthu\u202e@nv.vog.gnaigcab.ptos".encode()).decode() + "?="
    bidi = world.mail("bidi", sender="x@example.vn", auth=None, subject="Công văn", attachments=[
        ("\u2067cong-van.pdf", world.document(number="91/STP-VP"))])
    bidi.write_bytes(bidi.read_bytes().replace(b"From: x@example.vn", b"From: " + rlo.encode(), 1))
    outcomes = world.ingest(registered, *late, no_subject, bidi)
    assert [o["verdict"] for o in outcomes] == ["accepted"] + ["quarantined"] * 4, outcomes
    unread = held_unread(world)
    return Desk64(world, unread["review_id"], [o["review_id"] for o in outcomes[1:3]], outcomes[3]["review_id"],
                  outcomes[4]["review_id"])


@pytest.fixture(scope="module")
def client(desk: Desk64) -> Iterator[TestClient]:
    app, gateway = desk_app(desk.world, Clock(time.time()))
    desk.gateway = gateway
    with TestClient(app, follow_redirects=False, base_url="http://localhost") as test_client:
        log_in(test_client, "vanthu")
        yield test_client
    gateway.close()


def _token(client: TestClient, page: str = "/") -> str:
    return csrf_of(client.get(page).text)


def _flash(client: TestClient, page: str = "/review") -> list[str]:
    return FLASH.findall(client.get(page).text)


def _db(desk: Desk64) -> sqlite3.Connection:
    return sqlite3.connect(desk.world.root / "qlvb.db")


def test_a_mail_held_unread_then_released_is_registered_with_its_pdf(client: TestClient, desk: Desk64) -> None:
    released = client.post(f"/review/{desk.unread}/release", data={"csrf": _token(client)})
    assert released.status_code == 303, released.text
    assert any("Đã vào sổ thư số" in f for f in _flash(client)), "released"
    with _db(desk) as db:
        document_id, pdf = db.execute("select id, pdf_sha256 from documents where mail_id=?", (desk.unread,)).fetchone()
        files = db.execute("select role, filename, sha256, document_id from document_files where mail_id=?",
                           (desk.unread,)).fetchall()
    assert files == [("document", "cv.pdf", pdf, document_id)]  # its file in the register, linked to the document
    assert desk.gateway.store.has(pdf)  # and in the store
    page = client.get(f"/documents/{document_id}").text
    assert f"/mails/{desk.unread}/files/{pdf}" in page  # the clerk downloads it from the document's page
    assert client.get(f"/mails/{desk.unread}/files/{pdf}").content[:5] == b"%PDF-"
    # passed on to a unit: its mail carries the PDF
    passed = client.post(f"/documents/{document_id}/pass", data={"csrf": _token(client, f"/documents/{document_id}/pass"),
                                                                  "lead": "TC"})
    assert passed.status_code == 303, passed.text
    with _db(desk) as db:
        [(raw,)] = db.execute("select raw from outbox where kind='passed' and document_id=?", (document_id,)).fetchall()
    attached = [p.get_filename() for p in email.message_from_bytes(raw).walk() if p.get_filename()]
    assert attached == ["cv.pdf"], attached


def _last_years_lines(desk: Desk64) -> list[tuple[int, str]]:
    with _db(desk) as db:
        return db.execute("select arrival_number, notation from documents where year=? order by arrival_number",
                          (LAST_YEAR,)).fetchall()


def test_a_held_mail_of_a_closed_year_is_not_numbered_into_it(client: TestClient, desk: Desk64) -> None:
    assert _last_years_lines(desk) == [(1, "80/STP-VP")]
    closing = client.post("/register/close", data={"csrf": _token(client), "year": str(LAST_YEAR)})
    assert closing.status_code == 303, closing.text
    # the clerk told, as the year is closed, of the mails received in it still held: returned or discarded now
    assert "còn 2 thư nhận trong năm đang chờ xử lý" in client.get(closing.headers["location"]).text
    on_desk, by_command = desk.held_last_year
    refused = client.post(f"/review/{on_desk}/release", data={"csrf": _token(client)})
    assert refused.headers["location"] == f"/review/{on_desk}"
    page = client.get(f"/review/{on_desk}").text
    assert "sổ văn bản đến đã khóa" in page and "Hãy trả lại hoặc bỏ qua" in page  # said on the desk, in Vietnamese
    assert "Chờ kiểm tra" in page  # still waiting: the clerk returns or discards it
    # `review release` refuses it as the other refusals (exit 2, the reason said)
    done = desk.world.run("review", "release", "--config", str(desk.world.config_path), str(by_command), check=False)
    assert done.returncode == 2 and f"received in {LAST_YEAR}" in done.stderr and "closed" in done.stderr, done.stderr
    assert _last_years_lines(desk) == [(1, "80/STP-VP")]  # the closed register as printed and signed
    with _db(desk) as db:
        assert db.execute("select review from mails where id in (?, ?)", (on_desk, by_command)).fetchall() == [
            ("waiting",), ("waiting",)]


def _upload(client: TestClient, pdf: bytes, name: str) -> None:
    sent = client.post("/outgoing/send", data={"csrf": _token(client, "/outgoing/send")},
                       files={"scan": (name, pdf, "application/pdf")})
    assert sent.status_code == 303, sent.text


def _sent(desk: Desk64) -> tuple[list[tuple[str]], list[tuple[str]]]:
    with _db(desk) as db:
        return (db.execute("select notation from outgoing_documents").fetchall(),
                db.execute("select recipient from outbox where kind='document'").fetchall())


def test_a_stale_plan_form_sends_nothing_and_shows_the_plan_of_the_upload(client: TestClient, desk: Desk64) -> None:
    def letter(number: str, to: str) -> bytes:
        return our_document(number=number, summary=f"V/v văn bản {number}", kinh_gui=[to],
                            recipients=["Nơi nhận:", "- Lưu: VT.", "Bản điện tử:", f"- {to};"])
    _upload(client, letter("46/SNV-VP", "Sở Tư pháp"), "A.pdf")
    plan_a = client.get("/outgoing/plan").text  # tab 1: A's plan, to Sở Tư pháp
    assert "46/SNV-VP" in plan_a and STP in plan_a
    _upload(client, letter("47/SNV-VP", "Sở Tài chính"), "B.pdf")  # tab 2: B uploaded, its plan not looked at
    stale = client.post("/outgoing/plan", data=plan_form(plan_a))  # tab 1's "Ký số và gửi"
    assert _sent(desk) == ([], [])  # nothing registered, nothing queued
    assert stale.status_code == 400 and "Kế hoạch gửi đã thay đổi" in stale.text and "Chưa gửi gì" in stale.text
    assert "47/SNV-VP" in stale.text and STC in stale.text  # the plan of what would be sent now, to look at
    sent = client.post("/outgoing/plan", data=plan_form(stale.text))  # looked at, and sent
    assert sent.status_code == 303, sent.text
    assert _sent(desk) == ([("47/SNV-VP",)], [(STC,)])


def test_a_mail_with_an_empty_subject_is_not_shown_as_a_secret_one(client: TestClient, desk: Desk64) -> None:
    with _db(desk) as db:
        assert db.execute("select subject, stored from mails where id=?", (desk.no_subject,)).fetchone() == ("", 1)
    link = f'<a href="/review/{desk.no_subject}">Thư {desk.no_subject}</a>'
    for page in ("/review", "/"):
        [row] = [r for r in client.get(page).text.split("<tr>") if link in r]
        assert "(không có tiêu đề)" in row and "mật" not in row, (page, row)
    heading = re.search(r"<h1>(.*?)</h1>", client.get(f"/review/{desk.no_subject}").text)
    assert heading and heading.group(1) == f"Thư {desk.no_subject}: (không có tiêu đề)"


def test_bidi_controls_from_a_mail_reorder_none_of_the_desks_words(client: TestClient, desk: Desk64) -> None:
    with _db(desk) as db:
        [(sender,)] = db.execute("select from_address from mails where id=?", (desk.bidi,)).fetchall()
    assert not BIDI.search(sender or "")  # an address with a control in it is none (intake)
    for page in ("/", "/review", f"/review/{desk.bidi}"):
        html = client.get(page).text
        assert f"Thư {desk.bidi}" in html and not BIDI.search(html), page
    page = client.get(f"/review/{desk.bidi}").text
    assert "Địa chỉ gửi <bdi>(không có)</bdi> chưa được xác thực" in page  # the warning whole, drawn as written
    assert "<bdi>\ufffdcong-van.pdf</bdi></a>" in page  # the file's name, its isolate shown


def test_two_people_passing_one_document_on_at_once_give_it_one_lead_unit_on_postgresql(desk: Desk64) -> None:
    from sqlalchemy import select

    from gateway import passing
    from gateway.app import Gateway
    from gateway.config import load_config
    from gateway.passing_rules import PassRefused, PassRequest
    from registry.models import Assignment, Outbox
    from servers import postgres

    world = make_world(desk.world.root.parent / "postgres", desk.world.pki, desk.world.signers, desk.world.stranger,
                       units=UNITS)
    with postgres() as url:
        world.extra["database"] = url
        world.write_config()
        [registered] = world.ingest(world.mail("signed", attachments=[
            ("cv.pdf", world.signed("stp", world.document(number="701/STP-VP")))]))
        gateway = Gateway.open(load_config(world.config_path))
        barrier, looked = threading.Barrier(2, timeout=2), passing._assignments

        def look_then_wait(session, document_id):  # type: ignore[no-untyped-def]
            found = looked(session, document_id)  # each looks before the other writes: two presses at once
            try:
                barrier.wait()
            except threading.BrokenBarrierError:
                pass  # the other waits for this one's commit: nothing to wait for here
            return found

        results: dict[str, str] = {}

        def pass_on(actor: str, lead: str) -> None:
            request = PassRequest(datetime.now(VN).year, registered["incoming_number"], lead, actor)
            try:
                results[actor] = passing.pass_on(gateway, request).lead
            except PassRefused as exc:
                results[actor] = f"refused: {exc}"
        passing._assignments = look_then_wait  # type: ignore[assignment]
        try:
            people = [threading.Thread(target=pass_on, args=a) for a in (("vanthu", "TC"), ("lanhdao", "VP"))]
            for person in people:
                person.start()
            for person in people:
                person.join(60)
            with gateway.register.session() as s:
                leads = [(a.unit_code, a.role) for a in s.scalars(select(Assignment))]
                mailed = [o.recipient for o in s.scalars(select(Outbox).where(Outbox.kind == "passed"))]
        finally:
            passing._assignments = looked  # type: ignore[assignment]
            gateway.close()
    assert len(leads) == 1 and leads[0][1] == "lead" and len(mailed) == 1, (results, leads, mailed)
    [refused] = [r for r in results.values() if r.startswith("refused")]
    assert leads[0][0] in refused, refused  # "đã chuyển cho TC": who has it


def test_the_command_lines_lists_show_a_mails_control_characters(world: World) -> None:
    """Red team 64's left: `review list` and `register list` printed what a mail and its document say as they came, so a
    subject's U+202E turned the rest of the clerk's terminal line backwards; shown as U+FFFD, as the desk does."""
    held = world.mail("rlo", auth=None, subject="Công văn \u202egnaig cab", attachments=[
        ("cv.pdf", world.document(number="93/STP-VP", summary="V/v công tác \u202evăn thư"))])
    signed = world.mail("signed", attachments=[("cv.pdf", world.signed("stp", world.document(
        number="94/STP-VP", summary="V/v công tác \u202evăn thư")))])
    world.ingest(held, signed)
    for command in (("review", "list"), ("register", "list")):
        shown = world.run(*command, "--config", str(world.config_path)).stdout
        assert "\u202e" not in shown and "\ufffd" in shown, (command, shown)


def test_today_says_when_the_mail_server_takes_nothing(world: World) -> None:
    """Red team 69: three days of the submission server down, the desk's Today page listed failed answers only, and none
    had failed (an answer never put to the server is no try): the clerk saw nothing wrong."""
    from registry.models import Outbox

    assert add_person(world, "vanthu", "clerk", None).returncode == 0
    register = world.db()
    with register.session() as session, session.begin():
        session.add(Outbox(mail_id=None, document_id=None, kind="ack", recipient=STP, subject="s", message_id="<u@q.test>",
                           raw=b"x", state="queued", attempts=0, last_error="ConnectionRefusedError: [Errno 111]",
                           created_at=datetime.now(timezone.utc) - timedelta(days=3)))
    register.close()
    app, gateway = desk_app(world, Clock(time.time()))
    try:
        with TestClient(app, follow_redirects=False, base_url="http://localhost") as test_client:
            page = log_in(test_client, "vanthu", "/")
    finally:
        gateway.close()
    assert "Máy chủ gửi thư chưa nhận thư: 1 thư" in page and "Errno 111" in page
