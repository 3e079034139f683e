"""What a newcomer to the clerk's desk found: a signing password not set is said when `web` and `run`
start (and in Vietnamese at the desk, should the variable go missing after); `user add` refuses a unit
that is not in `units:` and a unit for a role without one; the desk's pages in Vietnamese (the review's
reasons, the sizes of files, the trail, the error pages, the roles); a unit person's landing page with
the unit's name; a bad date in the register's search said; the trail in the order things happened;
a favicon."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import delete, func, select
from starlette.testclient import TestClient

from desk_kit import (PEOPLE, UNITS, Clock, DeskWorld, add_person, build_desk_world, csrf_of, desk_client, log_in,
                      plan_form)
from test_desk_outgoing import LUC_NAM
from test_outgoing import our_document
from world import US, World, make_world


@pytest.fixture
def agency(tmp_path: Path, province, monkeypatch: pytest.MonkeyPatch) -> World:  # type: ignore[no-untyped-def]
    pki, signers, stranger = province
    world = make_world(tmp_path / "agency", pki, signers, stranger, units=UNITS)
    (world.root / "keys").mkdir()
    (world.root / "keys" / "agency.p12").write_bytes(b"not read before the password")
    (world.root / "Maildir").mkdir()
    monkeypatch.delenv("QLVB_TEST_P12_PASSWORD", raising=False)
    world.extra["signing"] = {"pkcs12": "keys/agency.p12", "password_env": "QLVB_TEST_P12_PASSWORD"}
    world.extra["mailboxes"] = [{"name": "vanthu", "maildir": "Maildir"}]
    world.write_config()
    return world


@pytest.mark.parametrize("command", ["web", "run"])
def test_a_signing_password_not_set_stops_the_desk_and_the_daemon_at_start(agency: World, command: str) -> None:
    done = agency.run(command, "--config", str(agency.config_path), check=False)
    assert done.returncode == 2
    assert "signing.password_env: QLVB_TEST_P12_PASSWORD" in done.stderr and "not set" in done.stderr


@pytest.mark.parametrize(("role", "unit", "said"), [
    ("unit", "XYZ", "--unit: XYZ is not a unit of the configuration's units: (TC, VP)"),
    ("clerk", "VP", "--unit: only a unit's person (--role unit) has a unit, not a clerk"),
    ("unit", None, "--unit: a unit's person needs the unit"),
])
def test_user_add_refuses_a_unit_not_configured_or_not_fitting_the_role(
        agency: World, role: str, unit: str | None, said: str) -> None:
    done = add_person(agency, "nguoimoi", role, unit)
    assert done.returncode == 2 and said in done.stderr
    listed = agency.run("user", "list", "--config", str(agency.config_path), "--json").stdout
    assert "nguoimoi" not in listed
    assert add_person(agency, "nguoimoi", "unit", "VP").returncode == 0


def test_a_signing_failure_at_the_desk_is_said_in_vietnamese_for_the_clerk(agency: World) -> None:
    for name, (role, unit) in PEOPLE.items():
        assert add_person(agency, name, role, unit).returncode == 0
    with desk_client(agency, Clock()) as client:
        upload_form = log_in(client, "vanthu", "/outgoing/send")
        files = {"scan": ("cv-di.pdf", our_document(), "application/pdf")}
        assert client.post("/outgoing/send", data={"csrf": csrf_of(upload_form)}, files=files).status_code == 303
        plan = client.get("/outgoing/plan").text
        sent = client.post("/outgoing/plan", data={**plan_form(plan), "choice": f"UBND huyện Lục Nam={LUC_NAM}"})
    assert sent.status_code == 400
    assert "Không ký số được: chưa cấu hình mật khẩu khóa ký số; báo quản trị hệ thống." in sent.text
    assert "QLVB_TEST_P12_PASSWORD" not in sent.text and "environment variable" not in sent.text


@pytest.fixture(scope="module")
def desk_world(tmp_path_factory: pytest.TempPathFactory, province) -> DeskWorld:  # type: ignore[no-untyped-def]
    pki, signers, stranger = province
    return build_desk_world(make_world(tmp_path_factory.mktemp("desk-newcomer") / "agency", pki, signers, stranger))


@pytest.fixture
def client(desk_world: DeskWorld) -> Iterator[TestClient]:
    with desk_client(desk_world.world, Clock()) as test_client:
        yield test_client


def test_a_held_mails_page_says_why_and_its_files_in_vietnamese(client: TestClient, desk_world: DeskWorld) -> None:
    page = log_in(client, "vanthu", f"/review/{desk_world.held[0]}")
    assert "không có chữ ký DKIM, kết quả DMARC hay đăng nhập SMTP nào hợp lệ cho địa chỉ From" in page
    assert "no passing" not in page and "covering the mail" not in page
    assert re.search(r"cv\.pdf(?:</bdi>)?</a> \(văn bản, \d+ KB\)", page), "the file's role and size in Vietnamese"
    assert " byte)" not in page and "(document," not in page


def test_a_documents_trail_is_in_the_order_things_happened(client: TestClient, desk_world: DeskWorld) -> None:
    number = desk_world.registered[0]["incoming_number"]
    register = log_in(client, "vanthu", f"/register?number={number}")
    link = re.search(rf'<a href="(/documents/\d+)">{number}/', register)
    assert link, register
    page = client.get(link.group(1)).text
    trail = page.split('<ol class="trail">')[1].split("</ol>")[0]
    steps = ["Máy chủ thư nhận thư của", "Hệ thống tiếp nhận", "Tiếp nhận, vào sổ", "Gửi thư xác nhận đã nhận đến"]
    assert all(s in trail for s in steps), trail
    assert sorted(steps, key=trail.index) == steps
    assert re.search(r"cv\.pdf(?:</bdi>)?</a> \(văn bản, \d+ KB\)", page)


def test_the_error_pages_are_vietnamese_with_the_safety_headers(client: TestClient) -> None:
    log_in(client, "vanthu")
    for answer, status, said in ((client.get("/khong-co-trang-nay"), 404, "Không có trang này."),
                                 (client.get("/static/khong-co.css"), 404, "Không có trang này."),
                                 (client.post("/register"), 405, "Không làm được như vậy ở trang này.")):
        assert answer.status_code == status and said in answer.text
        assert "Not Found" not in answer.text and "Method Not Allowed" not in answer.text
        assert "default-src 'none'" in answer.headers["content-security-policy"]


def test_a_unit_persons_landing_page_names_the_unit(client: TestClient) -> None:
    page = log_in(client, "phongtc")
    assert "<h1>Phòng Tổ chức cán bộ</h1>" in page and "Đơn vị TC" not in page
    assert "phongtc · Đơn vị (Phòng Tổ chức cán bộ)" in page  # the header: the role and the unit, in Vietnamese


def test_a_bad_date_in_the_register_search_is_said(client: TestClient) -> None:
    log_in(client, "vanthu")
    page = client.get("/register", params={"from": "2026-13-45"}).text
    assert 'Ngày không hợp lệ ở ô "Đến từ ngày": 2026-13-45' in page and "0 văn bản" in page
    assert "Ngày không hợp lệ" not in client.get("/register", params={"from": "2026-01-01"}).text


def test_today_before_any_digest_and_the_favicon(client: TestClient) -> None:
    page = log_in(client, "vanthu")
    assert "Chưa có bản tổng hợp nào được gửi: trang này tính từ khi hệ thống bắt đầu hoạt động." in page
    icon = client.get("/favicon.ico")
    assert icon.status_code == 200 and icon.headers["content-type"] == "image/x-icon" and icon.content[:4] == b"\0\0\1\0"
    assert "default-src 'none'" in icon.headers["content-security-policy"]


def test_today_names_an_answer_that_could_not_be_sent_in_vietnamese(client: TestClient, desk_world: DeskWorld) -> None:
    from registry.models import Outbox

    register = desk_world.world.db()
    try:
        with register.session() as s, s.begin():
            ack = s.scalars(select(Outbox).where(Outbox.kind == "ack").order_by(Outbox.id)).first()
            assert ack is not None
            ack.state, ack.last_error, recipient = "failed", "550 mailbox unavailable", ack.recipient
    finally:
        register.close()
    page = log_in(client, "vanthu")
    assert f"Gửi thư xác nhận đã nhận đến {recipient}: 550 mailbox unavailable" in page and "<li>ack " not in page


def test_today_lists_the_newest_documents_when_more_came_since_the_digest(client: TestClient, desk_world: DeskWorld) -> None:
    """With the digest turned off, "since the last digest" is the gateway's first day: the landing page
    lists the newest LANDING_ROWS documents with the count of all, and sends the clerk to the register."""
    from datetime import datetime, timezone

    from registry.desk_reads import LANDING_ROWS
    from registry.models import Document

    register = desk_world.world.db()
    now = datetime.now(timezone.utc)
    try:
        with register.session() as s, s.begin():
            held = s.scalar(select(func.count()).select_from(Document))
            s.add_all(Document(agency_code=US["code"], year=2031, arrival_number=n, arrival_date=now, medium="paper",
                               organ_name="Sở Thử", notation=f"{n}/ST-VP", subject=f"Văn bản thử {n}", created_at=now)
                      for n in range(1, LANDING_ROWS + 31))
        page = log_in(client, "vanthu")
        section = page.split('id="h-registered"')[1].split("</section>")[0]
        assert f"Đã vào sổ ({held + LANDING_ROWS + 30})" in section
        assert f"Trang này hiện {LANDING_ROWS} văn bản vào sổ sau cùng" in section and 'href="/register"' in section
        numbers = re.findall(r'<a href="/documents/\d+">(\d+)/2031</a>', section)
        assert numbers == [str(n) for n in range(31, LANDING_ROWS + 31)]  # the newest, in the register's order
    finally:
        with register.session() as s, s.begin():
            s.execute(delete(Document).where(Document.organ_name == "Sở Thử", Document.year == 2031))
        register.close()
    assert "Trang này hiện" not in client.get("/").text  # all listed again: no note


def test_today_counts_from_the_last_digest_sent_not_one_only_queued(client: TestClient, desk_world: DeskWorld) -> None:
    """A newcomer (stop 43): `qlvb-gateway digest` with no daemon running queued a digest nobody was sent, and the landing
    page said "since the digest sent at …" and dropped the documents it lists. They stay until a digest is sent."""
    from registry.models import Outbox

    world = desk_world.world
    before = log_in(client, "vanthu")
    listed = before.split('id="h-registered"')[1].split("</section>")[0]
    assert "Đã vào sổ (0)" not in listed
    world.run("digest", "--config", str(world.config_path))  # queued: no daemon sends it
    page = client.get("/").text
    assert "Chưa có bản tổng hợp nào được gửi" in page
    assert page.split('id="h-registered"')[1].split("</section>")[0] == listed  # the same documents listed
    register = world.db()
    try:
        with register.session() as s, s.begin():
            for row in s.scalars(select(Outbox).where(Outbox.kind == "digest")):
                row.state = "sent"  # as the daemon's sender marks it
    finally:
        register.close()
    page = client.get("/").text
    assert "Từ bản tổng hợp gửi lúc" in page and "Đã vào sổ (0)" in page
