"""The printed incoming register (NĐ 30/2020 Phụ lục IV) as a clerk checks it: `register print` and
`register export` of a year of mails registered by intake and paper entries, read back from the PDF
(PyMuPDF's table finder) and the spreadsheet (openpyxl); `register close` of a past year, after which
no paper entry is taken for it."""

from __future__ import annotations

import subprocess
import time
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

import openpyxl
import pymupdf
import pytest

from gateway.config import load_config
from gateway.intake.office_hours import OfficeCalendar
from registry.database import Register
from registry.paper import PaperDocument, register_paper
from registry.register_line import RegisterLine, register_incoming
from servers import postgres
from world import GATEWAY, US, World

VN = timezone(timedelta(hours=7))
HEADINGS = ["Ngày đến", "Số đến", "Tác giả", "Số, ký hiệu", "Ngày tháng", "Tên loại và trích yếu nội dung",
            "Đơn vị hoặc người nhận", "Ngày chuyển", "Ký nhận", "Ghi chú"]
SECRET_SUMMARY = "V/v phương án bảo vệ mục tiêu quan trọng"
PAPER_COUNT = 40  # with the mails, more lines than a page holds


def _one_line(text: str | None) -> str:
    return " ".join((text or "").split())


def _add_paper(world: World, *args: str) -> str:
    done = world.run("register", "add", "--config", str(world.config_path), *args, check=False)
    return f"{done.returncode}:{done.stderr}"


@pytest.fixture
def year_of_mail(world: World) -> int:
    """A year's register: two mails from Sở Tư pháp registered by intake, the first recalled by it
    afterwards; a secret one, returned, never registered; paper entries between and after them."""
    year = datetime.now(VN).year
    first = world.mail("first", attachments=[("cv.pdf", world.signed(pdf=world.document(
        number="55/STP-VP", summary="V/v triển khai công tác văn thư năm 2027")))], headers={"X-QLVB-Document-Id": "STP-1.55"})
    assert world.ingest(first)[0]["verdict"] == "accepted"
    assert _add_paper(world, "--issuer", "Bộ Nội vụ", "--number", "45/BNV-VP", "--summary", "V/v hướng dẫn lưu trữ hồ sơ",
                      "--type", "Công văn", "--date", f"{year}-01-02", "--note", "Bản gốc lưu tại Văn phòng") == "0:"
    secret = world.mail("secret", attachments=[("mat.pdf", world.signed(pdf=world.document(
        number="7/STP-VP", secrecy="MẬT", summary=SECRET_SUMMARY)))])
    second = world.mail("second", attachments=[("qd.pdf", world.signed(pdf=world.document(
        number="12/QĐ-STP", type="QUYẾT ĐỊNH", summary="Về việc kiện toàn Tổ công tác cải cách hành chính")))])
    assert [o["verdict"] for o in world.ingest(secret, second)] == ["returned", "accepted"]  # never registered
    recall = world.mail("recall", subject="Thu hồi văn bản", body="Đề nghị thu hồi.\n",
                        headers={"X-QLVB-Status": "13", "X-QLVB-Document-Id": "STP-1.55", "X-QLVB-Recall-Reason": "Sai thể thức"})
    assert world.ingest(recall)[0]["verdict"] == "ignored"
    register = world.db()
    try:
        received = datetime.now(VN)
        for n in range(PAPER_COUNT):
            register_paper(register, US["code"], PaperDocument(
                issuer="UBND huyện Lục Ngạn", number=f"{100 + n}/UBND-NV", received_at=received,
                subject=f"V/v đề nghị thẩm định hồ sơ số {n + 1} của Ủy ban nhân dân xã Quý Sơn",
                type_name="Tờ trình"), actor="văn thư")
    finally:
        register.close()
    return year


def _table_rows(pdf: pymupdf.Document) -> tuple[list[list[str]], list[str]]:
    """Every line of the table pages as the table finder reads it, and each page's headings."""
    rows: list[list[str]] = []
    headings: list[str] = []
    for page in list(pdf)[1:]:
        [table] = page.find_tables().tables
        cells = [[_one_line(c) for c in row] for row in table.extract()]
        headings.append(" | ".join(cells[0]))
        assert cells[1] == [f"({i})" for i in range(1, 11)]
        rows.extend(cells[2:])
    return rows, headings


def test_the_printed_register_has_every_number_once_in_order_with_the_ten_columns(world: World, year_of_mail: int) -> None:
    year, total = year_of_mail, PAPER_COUNT + 3
    output = world.root / "so-den.pdf"
    done = world.run("register", "print", "--config", str(world.config_path), "--year", str(year), "-o", str(output))
    assert f"{total} văn bản, số 1 đến {total}" in done.stdout

    pdf = pymupdf.open(output)
    assert pdf[0].rect.width > pdf[0].rect.height  # A4 landscape
    assert (round(pdf[0].rect.width), round(pdf[0].rect.height)) == (842, 595)
    cover = _one_line(pdf[0].get_text())
    for text in ("SỞ NỘI VỤ TỈNH BẮC GIANG", "SỔ ĐĂNG KÝ VĂN BẢN ĐẾN", f"Năm: {year}", f"Từ số 1 đến số {total}",
                 "Quyển số: 1"):
        assert text in cover, cover
    rows, headings = _table_rows(pdf)
    assert pdf.page_count > 2 and set(headings) == {" | ".join(HEADINGS)}  # the headings on every page
    assert [row[1] for row in rows] == [str(n) for n in range(1, total + 1)]
    assert all(len(row) == 10 and row[6:9] == ["", "", ""] for row in rows)  # nobody passed anything on yet
    recalled, paper, decision = rows[0], rows[1], rows[2]
    assert recalled[3] == "55/STP-VP" and recalled[9].startswith("Đã thu hồi theo thông báo của cơ quan ban hành")
    assert "triển khai công tác văn thư" not in recalled[5]  # destroyed with the document (Phụ lục VI)
    taken_in = OfficeCalendar(load_config(world.config_path)).received_at(datetime.now(VN))  # after hours: the next opening
    assert paper == [f"{taken_in:%d/%m/%Y}", "2", "Bộ Nội vụ", "45/BNV-VP", f"02/01/{year}",
                     "Công văn V/v hướng dẫn lưu trữ hồ sơ", "", "", "", "Văn bản giấy; Bản gốc lưu tại Văn phòng"]
    assert decision[3] == "12/QĐ-STP" and "Về việc kiện toàn Tổ công tác cải cách hành chính" in decision[5]
    assert decision[2] == recalled[2] == "UBND TỈNH BẮC GIANG - SỞ TƯ PHÁP"  # the issuer under its parent, as read
    assert rows[-1][2] == "UBND huyện Lục Ngạn" and rows[-1][5].endswith("của Ủy ban nhân dân xã Quý Sơn")
    everything = " ".join(_one_line(page.get_text()) for page in pdf)
    assert SECRET_SUMMARY not in everything and "7/STP-VP" not in everything
    fonts = {(f[0], f[1], f[3]) for page in pdf for f in page.get_fonts()}  # xref, "ttf" when embedded, name
    assert len(fonts) == 3 and all(ext == "ttf" and "Liberation Serif" in name for _, ext, name in fonts), fonts


def test_the_exported_sheet_has_the_same_lines(world: World, year_of_mail: int) -> None:
    year, total = year_of_mail, PAPER_COUNT + 3
    output = world.root / "so-den.xlsx"
    world.run("register", "export", "--config", str(world.config_path), "--year", str(year), "--format", "xlsx",
              "-o", str(output))
    sheet = openpyxl.load_workbook(output).active
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    header = next(i for i, r in enumerate(rows) if r[0] == "Ngày đến")
    assert rows[0][0] == "Sở Nội vụ tỉnh Bắc Giang" and f"từ số 1 đến số {total}" in rows[2][0]
    assert rows[header] == HEADINGS and rows[header + 1][9] == "(10)"
    lines = rows[header + 2:]
    assert [r[1] for r in lines] == list(range(1, total + 1))
    assert lines[1][2:6] == ["Bộ Nội vụ", "45/BNV-VP", datetime(year, 1, 2), "Công văn V/v hướng dẫn lưu trữ hồ sơ"]
    assert lines[0][9].startswith("Đã thu hồi") and lines[1][9].startswith("Văn bản giấy")
    assert not any(SECRET_SUMMARY in str(v) for r in rows for v in r)


def test_a_period_prints_only_its_days(world: World, year_of_mail: int) -> None:
    """--from/--to: the lines of those days; the cover says them. A day outside the year is refused."""
    year, today = year_of_mail, datetime.now(VN).date()
    output = world.root / "hom-qua.pdf"
    done = world.run("register", "print", "--config", str(world.config_path), "--year", str(year),
                     "--to", (today - timedelta(days=1)).isoformat(), "-o", str(output), check=False)
    if today.timetuple().tm_yday > 1:  # yesterday is in the year: nothing registered then
        assert done.returncode == 0 and "0 văn bản" in done.stdout
        assert "Từ số … đến số …" in _one_line(pymupdf.open(output)[0].get_text())
    bad = world.run("register", "print", "--config", str(world.config_path), "--year", str(year),
                    "--from", f"{year - 1}-12-31", "-o", str(output), check=False)
    assert bad.returncode == 2 and f"not in {year}" in bad.stderr


@pytest.fixture(params=["sqlite", "postgresql"])
def any_database(request: pytest.FixtureRequest, world: World) -> Iterator[World]:
    if request.param == "sqlite":
        yield world
        return
    with postgres() as url:
        world.extra["database"] = url
        world.write_config()
        yield world


def test_a_closed_year_takes_no_paper_entry(any_database: World) -> None:
    world, past = any_database, datetime.now(VN).year - 1
    config = str(world.config_path)
    for n, day in ((1, "12-01"), (2, "12-30")):
        assert _add_paper(world, "--issuer", "Bộ Tài chính", "--number", f"{n}/BTC-VP", "--summary", f"V/v quyết toán {n}",
                          "--received-at", f"{past}-{day}T09:00:00+07:00") == "0:"
    now = datetime.now(VN).year
    assert world.run("register", "close", "--config", config, "--year", str(now), check=False).returncode == 2  # not over

    output = world.root / "quyen-cuoi.pdf"
    closed = world.run("register", "close", "--config", config, "--year", str(past), "-o", str(output), "--actor", "Lê Thị Hoa")
    assert f"Sổ năm {past} đã khóa: " in closed.stdout and "2 văn bản, số 1 đến 2" in closed.stdout
    cover = _one_line(pymupdf.open(output)[0].get_text())
    assert f"Từ ngày 01/12/{past} đến ngày 30/12/{past}" in cover and "Từ số 1 đến số 2" in cover and "Khóa sổ ngày" in cover

    refused = _add_paper(world, "--issuer", "Bộ Tài chính", "--number", "3/BTC-VP", "--summary", "V/v muộn",
                         "--received-at", f"{past}-12-31T15:00:00+07:00")
    assert refused.startswith("2:") and f"the register of {past} was closed" in refused and "Lê Thị Hoa" in refused
    again = world.run("register", "close", "--config", config, "--year", str(past), "-o", str(output))
    assert f"Sổ năm {past} đã khóa từ trước: " in again.stdout  # harmless, and the volume printed again, unchanged
    assert [r[1] for r in _table_rows(pymupdf.open(output))[0]] == ["1", "2"]
    assert _add_paper(world, "--issuer", "Bộ Tài chính", "--number", "4/BTC-VP", "--summary", "V/v năm nay") == "0:"


def test_an_empty_year_prints_its_cover_and_headings(world: World, tmp_path: Path) -> None:
    output = tmp_path / "trong.pdf"
    world.run("register", "print", "--config", str(world.config_path), "--year", "2020", "-o", str(output))
    pdf = pymupdf.open(output)
    assert pdf.page_count == 2 and _table_rows(pdf) == ([], [" | ".join(HEADINGS)])


def test_a_paper_entry_being_written_is_in_the_volume_its_closing_prints(world: World) -> None:
    """PostgreSQL: a clerk's paper entry holds the year's series until it commits; `register close`
    started meanwhile waits for it, then closes with it in the volume. (The other way round, an
    entry waiting for a closing finds the year closed: the test above.)"""
    past = datetime.now(VN).year - 1
    with postgres() as url:
        world.extra["database"] = url
        world.write_config()
        register = Register(url)
        try:
            with register.session() as session, session.begin():
                register_incoming(session, US["code"], RegisterLine(
                    medium="paper", basis="paper", received_at=datetime(past, 12, 31, 16, tzinfo=VN), issuer="Bộ Công an",
                    notation="9/BCA-VP", subject="V/v cuối năm"), datetime.now(timezone.utc))
                closing = subprocess.Popen([*GATEWAY, "register", "close", "--config", str(world.config_path), "--year", str(past),
                                            "-o", "quyen.pdf"], cwd=world.root, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                time.sleep(3)
                assert closing.poll() is None  # waiting for the entry's transaction
            out, err = closing.communicate(timeout=120)
        finally:
            register.close()
        assert closing.returncode == 0, err
        assert "1 văn bản, số 1 đến 1" in out
        assert [r[3] for r in _table_rows(pymupdf.open(world.root / "quyen.pdf"))[0]] == ["9/BCA-VP"]
