"""Sending a letter from the desk in a browser (Debian's chromium driven by Playwright, the desk served
as its own process: tests/test_desk_browser.py's fixtures): the clerk uploads the signed scan, sees
the plan with its held entry, chooses the agency from the directory, sends, and finds the letter in
the outgoing register with its recipients waiting to be sent. Screenshots: docs/desk-outgoing-plan.png
and docs/desk-outgoing.png (`QLVB_DESK_SCREENSHOTS=docs`)."""

from __future__ import annotations

from pathlib import Path

from desk_kit import DeskWorld
from test_desk_browser import _page_as, browser, desk, pytestmark, shots  # noqa: F401 (fixtures, the skip)
from test_outgoing import our_document
from world import our_identifier


def test_the_clerk_sends_a_letter_with_a_held_entry(desk: tuple[DeskWorld, str], browser,  # noqa: F811
                                                    shots: Path) -> None:  # noqa: F811
    desk_world, base = desk
    scan = desk_world.world.root / "cv-di.pdf"
    scan.write_bytes(our_document())
    context, page = _page_as(browser, base, "vanthu")
    page.get_by_role("navigation").get_by_role("link", name="Sổ văn bản đi").click()
    page.get_by_role("link", name="Gửi văn bản (tải bản quét đã ký lên)").click()
    page.get_by_label("Văn bản (PDF)").set_input_files(str(scan))
    page.get_by_role("button", name="Xem kế hoạch gửi").click()
    page.wait_for_url(f"{base}/outgoing/plan")
    main = page.inner_text("main")
    assert "45/SNV-VP" in main and "Sở Tư pháp tỉnh Bắc Giang" in main and "Chưa gửi được" in main
    held = page.get_by_label('Chọn cơ quan nhận "UBND huyện Lục Nam"')
    held.select_option(label="UBND tỉnh Bắc Giang")
    page.screenshot(path=str(shots / "desk-outgoing-plan.png"), full_page=True)
    page.get_by_role("button", name="Ký số và gửi").click()
    page.wait_for_url(f"{base}/outgoing")
    assert f"Đã vào sổ văn bản đi {our_identifier(1)}" in page.inner_text("[role=status]")
    row = page.locator("table.outgoing tbody tr").first.inner_text()
    assert our_identifier(1) in row and "UBND tỉnh Bắc Giang: Chờ gửi" in row and "Như trên: bản giấy" in row
    page.screenshot(path=str(shots / "desk-outgoing.png"), full_page=True)
    context.close()
