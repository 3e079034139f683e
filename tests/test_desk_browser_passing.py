"""Passing a document on in a browser (Debian's chromium driven by Playwright, the desk served as its
own process: tests/test_desk_browser.py's fixtures): the leader fills the "Chuyển xử lý" form of a
document with the keyboard and the mouse, the unit's person marks it received and done on their page.
Screenshots: docs/desk-pass-on.png and docs/desk-unit.png (`QLVB_DESK_SCREENSHOTS=docs`)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

from desk_kit import DeskWorld
from test_desk_browser import _page_as, browser, desk, pytestmark, shots  # noqa: F401 (fixtures, the skip)
from test_desk_passing import _document_id

VN = timezone(timedelta(hours=7))


def test_the_leader_passes_a_document_on_and_the_unit_marks_it_done(desk: tuple[DeskWorld, str], browser,  # noqa: F811
                                                                     shots: Path) -> None:  # noqa: F811
    desk_world, base = desk
    number = desk_world.registered[0]["incoming_number"]
    deadline = (datetime.now(VN) + timedelta(days=7)).date()
    context, page = _page_as(browser, base, "lanhdao")
    page.goto(f"/documents/{_document_id(desk_world, number)}")
    page.get_by_role("link", name="Chuyển xử lý (đơn vị chủ trì, phối hợp, thời hạn)").click()
    page.get_by_label("Đơn vị chủ trì").select_option(label="Phòng Tổ chức cán bộ")
    page.get_by_label("Văn phòng Sở").check()
    page.get_by_label("Thời hạn giải quyết").fill(deadline.isoformat())
    page.get_by_label("Ý kiến chỉ đạo").fill("Phòng Tổ chức cán bộ tham mưu trả lời, Văn phòng phối hợp")
    page.screenshot(path=str(shots / "desk-pass-on.png"), full_page=True)
    page.get_by_role("button", name="Chuyển").click()
    assert "Phòng Tổ chức cán bộ chủ trì, Văn phòng Sở phối hợp" in page.inner_text("[role=status]")
    given = page.locator("table tbody tr").all_inner_texts()
    assert len(given) == 2 and "Phòng Tổ chức cán bộ\tChủ trì\t" + f"{deadline:%d/%m/%Y}" in given[0]
    assert "Văn phòng Sở\tPhối hợp" in given[1]
    page.screenshot(path=str(shots / "desk-passed.png"), full_page=True)
    context.close()

    context, page = _page_as(browser, base, "phongtc")
    page.get_by_role("navigation").get_by_role("link", name="Văn bản được giao").click()
    row = page.locator("table tbody tr").first
    assert f"{number}/" in row.inner_text() and f"{deadline:%d/%m/%Y}" in row.inner_text() and "Chưa nhận" in row.inner_text()
    page.get_by_role("button", name="Đã nhận").click()
    assert "đã nhận" in page.inner_text("[role=status]") and "Đang xử lý (phongtc)" in page.inner_text("main")
    page.screenshot(path=str(shots / "desk-unit.png"), full_page=True)
    page.get_by_role("button", name="Đã xử lý xong").click()
    assert "Đã xử lý xong (phongtc)" in page.inner_text("main")
    context.close()
