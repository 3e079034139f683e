"""The printed register from the desk (Starlette's TestClient, in-process, on a real SQLite register
filled by intake and paper entries): the register page's form downloads the Phụ lục IV PDF (read back
with PyMuPDF: every number once, in order) and the spreadsheet (openpyxl), as attachments; a viewer
downloads but cannot close a year; the clerk closes a year that is over after a confirming page, the
current year is refused as `register close` refuses it, a form without its CSRF token is refused."""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import datetime
from zoneinfo import ZoneInfo

import openpyxl
import pymupdf
import pytest
from starlette.testclient import TestClient

from desk_kit import Clock, DeskWorld, build_desk_world, csrf_of, desk_app, log_in
from registry.paper import PaperDocument, register_paper
from test_printed_register import _table_rows
from world import US, make_world

VN = ZoneInfo("Asia/Ho_Chi_Minh")
PAPER_COUNT = 30  # with the two mails, more lines than a page holds


@pytest.fixture(scope="module")
def desk_world(tmp_path_factory: pytest.TempPathFactory, province) -> DeskWorld:  # type: ignore[no-untyped-def]
    pki, signers, stranger = province
    built = build_desk_world(make_world(tmp_path_factory.mktemp("desk-printed") / "agency", pki, signers, stranger))
    register = built.world.db()
    try:
        for n in range(PAPER_COUNT):
            register_paper(register, US["code"], PaperDocument(
                issuer="UBND huyện Lục Ngạn", number=f"{100 + n}/UBND-NV", received_at=datetime.now(VN),
                subject=f"V/v đề nghị thẩm định hồ sơ số {n + 1}", type_name="Tờ trình"), actor="văn thư")
    finally:
        register.close()
    return built


@pytest.fixture
def year() -> int:
    return datetime.now(VN).year  # the register's year


@pytest.fixture
def client(desk_world: DeskWorld, year: int) -> Iterator[TestClient]:
    app, gateway = desk_app(desk_world.world, Clock(datetime(year + 1, 1, 15, 9, tzinfo=VN).timestamp()))  # next year
    with TestClient(app, follow_redirects=False, base_url="http://localhost") as test_client:
        yield test_client
    gateway.close()


def test_the_register_page_prints_the_year_as_a_pdf_and_a_spreadsheet(client: TestClient, year: int) -> None:
    page = log_in(client, "xem", "/register")  # a viewer reads: the printed register is read
    assert 'action="/register/printed"' in page and "Tải sổ in (PDF)" in page
    assert 'action="/register/close"' not in page  # nothing to close for a viewer

    answer = client.get("/register/printed", params={"year": year, "format": "pdf", "volume": "2"})
    assert answer.status_code == 200
    assert answer.headers["content-disposition"].startswith(f'attachment; filename="so-den-{year}.pdf"')
    assert answer.headers["x-content-type-options"] == "nosniff"
    with pymupdf.open(stream=answer.content, filetype="pdf") as pdf:
        cover = pdf[0].get_text()
        rows, _ = _table_rows(pdf)
    count = PAPER_COUNT + 2
    assert "SỔ ĐĂNG KÝ VĂN BẢN ĐẾN" in cover and f"Năm: {year}" in cover and "Quyển số: 2" in cover
    assert f"Từ số 1 đến số {count}" in cover
    assert [int(r[1]) for r in rows] == list(range(1, count + 1))  # every number once, in order, over pages
    assert "701/STP-VP" in rows[0][3] and "100/UBND-NV" in rows[2][3]

    sheet = client.get("/register/printed", params={"year": year, "format": "xlsx"})
    assert sheet.headers["content-disposition"].startswith(f'attachment; filename="so-den-{year}.xlsx"')
    book = openpyxl.load_workbook(io.BytesIO(sheet.content))
    numbers = [row[1] for row in book.active.iter_rows(min_row=7, values_only=True)]  # type: ignore[union-attr]
    assert numbers == list(range(1, count + 1))


def test_a_period_prints_its_days_only_and_a_wrong_one_is_told(client: TestClient, year: int) -> None:
    log_in(client, "vanthu", "/register")
    today = datetime.now(VN).date()
    answer = client.get("/register/printed", params={"year": year, "from": today.isoformat(), "to": today.isoformat()})
    assert f'filename="so-den-{year}-{today:%d%m}-{today:%d%m}.pdf"' in answer.headers["content-disposition"]
    with pymupdf.open(stream=answer.content, filetype="pdf") as pdf:
        assert f"Từ ngày {today:%d/%m/%Y} đến ngày {today:%d/%m/%Y}" in pdf[0].get_text()
    for wrong in ({"year": year, "from": f"{year - 1}-12-31"}, {"year": year, "from": f"{year}-03-02", "to": f"{year}-03-01"},
                  {"year": "năm nay"}, {"year": year, "format": "html"}):
        refused = client.get("/register/printed", params=wrong)
        assert refused.status_code == 303 and refused.headers["location"] == "/register", wrong
        assert "Năm hoặc khoảng ngày không đúng" in client.get("/register").text


def test_a_viewer_cannot_close_a_year(client: TestClient, year: int) -> None:
    page = log_in(client, "xem", "/register")
    assert client.get("/register/close", params={"year": year}).status_code == 403
    assert client.post("/register/close", data={"year": year, "csrf": csrf_of(page)}).status_code == 403
    assert client.post("/register/close", data={"year": year}).status_code == 403


def test_the_clerk_closes_a_year_that_is_over_after_confirming(client: TestClient, desk_world: DeskWorld,
                                                               year: int) -> None:
    page = log_in(client, "vanthu", "/register")
    assert 'action="/register/close"' in page
    current = client.get("/register/close", params={"year": year + 1})  # the desk's clock is in the next year
    assert "chưa hết" in current.text and "Xác nhận khóa sổ" not in current.text
    refused = client.post("/register/close", data={"year": year + 1, "csrf": csrf_of(page)})
    assert refused.status_code == 303 and "năm chưa hết" in client.get(refused.headers["location"]).text

    confirm = client.get("/register/close", params={"year": year})
    assert f"Xác nhận khóa sổ năm {year}" in confirm.text and "không làm lại được" in confirm.text
    assert client.post("/register/close", data={"year": year}).status_code == 403  # no CSRF token
    closed = client.post("/register/close", data={"year": year, "csrf": csrf_of(confirm.text)})
    assert closed.status_code == 303
    after = client.get(closed.headers["location"]).text
    assert f"Sổ năm {year} đã khóa" in after and "vanthu" in after
    with pymupdf.open(stream=client.get("/register/printed", params={"year": year}).content, filetype="pdf") as pdf:
        assert "Khóa sổ ngày" in pdf[0].get_text()
    world = desk_world.world
    refused_paper = world.run("register", "add", "--config", str(world.config_path), "--issuer", "Bộ Nội vụ",
                              "--number", "9/BNV", "--summary", "V/v muộn", "--type", "Công văn", check=False)
    assert refused_paper.returncode != 0 and "closed" in refused_paper.stderr  # as after `register close`
