"""The clerk's desk in a browser: `qlvb-gateway web` served as its own process, Debian's chromium
driven by Playwright (nothing downloaded: the browser is /usr/bin/chromium, installed by
scripts/setup). One browser for the module; each person in a context of their own.

Screenshots of each page go to the test's folder, or to $QLVB_DESK_SCREENSHOTS (docs/ holds the ones
the README shows: `QLVB_DESK_SCREENSHOTS=docs pytest tests/test_desk_browser.py`)."""

from __future__ import annotations

import os
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from desk_kit import PASSWORD, UNITS, DeskWorld, build_desk_world, web_served
from world import make_world

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]

# Debian's chromium is installed by scripts/setup (and so in CI): its absence fails these tests, never skips them
pytestmark = pytest.mark.browser


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def desk(tmp_path_factory: pytest.TempPathFactory, province) -> Iterator[tuple[DeskWorld, str]]:  # type: ignore[no-untyped-def]
    pki, signers, stranger = province
    port = _free_port()
    world = make_world(tmp_path_factory.mktemp("desk-browser") / "agency", pki, signers, stranger, web={"port": port},
                       units=UNITS)
    desk_world = build_desk_world(world)
    with web_served(world, port):
        yield desk_world, f"http://127.0.0.1:{port}"


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield launched
        launched.close()


@pytest.fixture(scope="module")
def shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = Path(os.environ.get("QLVB_DESK_SCREENSHOTS") or tmp_path_factory.mktemp("shots"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _page_as(browser, base: str, name: str, shots: Path | None = None):  # type: ignore[no-untyped-def]
    """A fresh browser context logged in as `name`, with the keyboard only."""
    context = browser.new_context(base_url=base, viewport={"width": 1280, "height": 800}, locale="vi-VN")
    page = context.new_page()
    page.goto("/")
    assert page.url.endswith("/login?next=/") or page.url.endswith("/login")
    if shots is not None:
        page.screenshot(path=str(shots / "desk-login.png"))
    page.keyboard.press("Tab")  # the skip link, then the name field (focused already: autofocus)
    page.fill("#name", name)
    page.focus("#password")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{base}/")
    return context, page


def test_each_role_logs_in_and_sees_what_it_may(desk: tuple[DeskWorld, str], browser, shots: Path) -> None:  # type: ignore[no-untyped-def]
    desk_world, base = desk
    reading = {"Hôm nay", "Chờ kiểm tra", "Sổ văn bản đến"}
    for name in ("vanthu", "lanhdao", "xem", "phongtc"):
        context, page = _page_as(browser, base, name, shots if name == "vanthu" else None)
        menu = set(page.locator("nav a").all_inner_texts())
        assert (menu >= reading) if name != "phongtc" else not (menu & reading), (name, menu)  # a unit: its own only
        assert name in page.inner_text("header")
        if name == "vanthu":
            assert "Chờ kiểm tra (5)" in page.inner_text("main")
            page.screenshot(path=str(shots / "desk-today.png"), full_page=True)
        if name == "phongtc":
            assert "Phòng Tổ chức cán bộ" in page.inner_text("h1")  # the unit's name, not its code
        if name in ("xem", "lanhdao"):  # they read a held mail, with nothing to act
            page.goto(f"/review/{desk_world.held[3]}")
            assert "Lý do cần kiểm tra" in page.inner_text("main")
            assert page.locator("button", has_text="Vào sổ").count() == 0
        page.get_by_role("button", name="Đăng xuất").click()
        page.wait_for_url(f"{base}/login")
        assert "Đã đăng xuất" in page.inner_text("main")
        context.close()


def test_the_clerk_releases_and_returns_held_mails(desk: tuple[DeskWorld, str], browser, shots: Path) -> None:  # type: ignore[no-untyped-def]
    desk_world, base = desk
    context, page = _page_as(browser, base, "vanthu")
    page.get_by_role("link", name="Chờ kiểm tra").click()
    page.screenshot(path=str(shots / "desk-review.png"), full_page=True)
    page.get_by_role("link", name=f"Thư {desk_world.held[0]}", exact=True).click()
    assert "Không xác thực được địa chỉ gửi" in page.inner_text("main")
    page.screenshot(path=str(shots / "desk-review-mail.png"), full_page=True)
    page.get_by_role("button", name="Vào sổ (cấp số đến)").click()
    page.wait_for_url(f"{base}/review")
    assert "số đến 3" in page.inner_text("[role=status]")

    page.goto(f"/review/{desk_world.proven_held}")
    assert "Hệ thống không xử lý được tệp" in page.inner_text("main")  # held: its analysis failed
    page.get_by_label("Lý do trả lại").fill("Tệp quá nặng, đề nghị gửi lại")
    page.get_by_role("button", name="Trả lại nơi gửi").click()
    page.wait_for_url(f"{base}/review")
    assert f"Đã trả lại thư số {desk_world.proven_held}" in page.inner_text("[role=status]")
    assert page.get_by_role("link", name=f"Thư {desk_world.proven_held}", exact=True).count() == 0
    context.close()


def test_the_register_is_searched_and_a_document_opened(desk: tuple[DeskWorld, str], browser, shots: Path) -> None:  # type: ignore[no-untyped-def]
    desk_world, base = desk
    context, page = _page_as(browser, base, "xem")
    page.get_by_role("link", name="Sổ văn bản đến").click()
    page.get_by_label("Từ trong trích yếu (có dấu hay không dấu)").fill("hoi nghi tong ket")
    page.keyboard.press("Enter")
    page.wait_for_url("**/register?*")
    rows = page.locator("table.register tbody tr")
    assert rows.count() == 1 and "701/STP-VP" in rows.first.inner_text()
    page.get_by_label("Từ trong trích yếu (có dấu hay không dấu)").fill("")
    page.get_by_role("button", name="Tìm").click()
    page.screenshot(path=str(shots / "desk-register.png"), full_page=True)
    page.get_by_label("Từ trong trích yếu (có dấu hay không dấu)").fill("hội nghị")
    page.keyboard.press("Enter")
    page.wait_for_url("**words=*")
    page.locator("table.register tbody a").first.click()
    assert "Văn bản đến số 1/" in page.inner_text("h1") and "701/STP-VP" in page.inner_text("main")
    with page.expect_download() as download:
        page.get_by_role("link", name="cv.pdf").click()
    assert download.value.suggested_filename == "cv.pdf"
    page.screenshot(path=str(shots / "desk-document.png"), full_page=True)
    context.close()


def test_the_clerk_prints_the_register(desk: tuple[DeskWorld, str], browser, shots: Path) -> None:  # type: ignore[no-untyped-def]
    import pymupdf

    _, base = desk
    context, page = _page_as(browser, base, "vanthu")
    page.get_by_role("link", name="Sổ văn bản đến").click()
    count = int(page.inner_text("p.count").split()[0])
    page.get_by_label("Quyển số").fill("1")
    page.screenshot(path=str(shots / "desk-register-print.png"), full_page=True)
    with page.expect_download() as download:
        page.get_by_role("button", name="Tải sổ in (PDF)").click()
    assert download.value.suggested_filename == f"so-den-{page.input_value('#print-year')}.pdf"
    with pymupdf.open(download.value.path()) as pdf:
        numbers = [int(row[1]) for p in list(pdf)[1:] for row in p.find_tables().tables[0].extract()[2:]]
    assert numbers == list(range(1, count + 1))
    page.get_by_role("button", name="Khóa sổ…").click()
    assert "Xác nhận khóa sổ năm" in page.inner_text("main")  # last year: over, and nothing closed yet
    page.screenshot(path=str(shots / "desk-register-close.png"), full_page=True)
    context.close()
