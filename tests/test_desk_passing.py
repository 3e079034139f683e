"""Passing a document on from the desk (Bắc Kạn QĐ 26/2020 Đ9.3.b): the leader's form on a document's
page, a unit's people marking it received and done on their page, and who may not (refused by the
server, not only by a hidden button)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select
from starlette.testclient import TestClient

from desk_kit import UNITS, Clock, DeskWorld, build_desk_world, csrf_of, desk_client, log_in
from world import make_world

VN = timezone(timedelta(hours=7))
TC = UNITS[0]["mailbox"]


@pytest.fixture(scope="module")
def desk_world(tmp_path_factory: pytest.TempPathFactory, province) -> DeskWorld:  # type: ignore[no-untyped-def]
    pki, signers, stranger = province
    world = make_world(tmp_path_factory.mktemp("desk-passing") / "agency", pki, signers, stranger, units=UNITS)
    return build_desk_world(world)


@pytest.fixture
def client(desk_world: DeskWorld) -> Iterator[TestClient]:
    with desk_client(desk_world.world, Clock()) as test_client:
        yield test_client


def _log_in(client: TestClient, name: str) -> str:
    """Log in; the session's CSRF token (every page's logout form carries it)."""
    return csrf_of(log_in(client, name))


def _document_id(desk_world: DeskWorld, number: int) -> int:
    from registry.models import Document

    register = desk_world.world.db()
    try:
        with register.session() as s:
            return s.scalars(select(Document.id).where(Document.arrival_number == number)).one()
    finally:
        register.close()


def _queued_to(desk_world: DeskWorld, address: str) -> list[str]:
    from registry.models import Outbox

    register = desk_world.world.db()
    try:
        with register.session() as s:
            return list(s.scalars(select(Outbox.kind).where(Outbox.recipient == address)))
    finally:
        register.close()


def test_the_leader_passes_a_document_on_and_the_unit_marks_it(client: TestClient, desk_world: DeskWorld) -> None:
    number = desk_world.registered[0]["incoming_number"]
    document = _document_id(desk_world, number)
    csrf = _log_in(client, "lanhdao")
    assert "Chuyển xử lý" in client.get(f"/documents/{document}").text
    form = client.get(f"/documents/{document}/pass")
    assert form.status_code == 200 and 'name="lead"' in form.text and "Phòng Tổ chức cán bộ" in form.text
    deadline = (datetime.now(VN) + timedelta(days=5)).date()
    done = client.post(f"/documents/{document}/pass", data={
        "csrf": csrf, "lead": "TC", "with": ["VP"], "deadline": deadline.isoformat(), "note": "Tham mưu trả lời"})
    assert done.status_code == 303
    page = client.get(f"/documents/{document}/pass").text
    assert "Đã chuyển số đến" in page and "Phòng Tổ chức cán bộ" in page and "Chủ trì" in page and "lanhdao" in page
    assert _queued_to(desk_world, TC) == ["passed"]
    assert "Chuyển xử lý (lanhdao)" in client.get(f"/documents/{document}").text  # the document's trail
    client.post("/logout", data={"csrf": csrf})

    csrf = _log_in(client, "phongtc")  # a person of Phòng Tổ chức cán bộ
    mine = client.get("/unit").text
    assert f"{number}/" in mine and "Tham mưu trả lời" in mine and "Chưa nhận" in mine
    year = datetime.now(VN).year
    assert client.post(f"/unit/{year}/{number}/received", data={"csrf": csrf}).status_code == 303
    assert "Đang xử lý (phongtc)" in client.get("/unit").text
    assert client.post(f"/unit/{year}/{number}/done", data={"csrf": csrf}).status_code == 303
    assert "Đã xử lý xong (phongtc)" in client.get("/unit").text
    assert client.get(f"/documents/{document}/pass").status_code == 403  # a unit's people do not pass on


@pytest.mark.parametrize("name", ["xem", "phongtc"])
def test_who_may_not_pass_on_is_refused_by_the_server(client: TestClient, desk_world: DeskWorld, name: str) -> None:
    document = _document_id(desk_world, desk_world.registered[1]["incoming_number"])
    csrf = _log_in(client, name)
    assert client.post(f"/documents/{document}/pass", data={"csrf": csrf, "lead": "VP"}).status_code == 403
    if name == "xem":
        assert "Chuyển xử lý" not in client.get(f"/documents/{document}").text
        assert client.post("/unit/2026/1/done", data={"csrf": csrf}).status_code == 403  # nor mark a unit's work


def test_a_pass_on_form_without_its_csrf_token_is_refused(client: TestClient, desk_world: DeskWorld) -> None:
    document = _document_id(desk_world, desk_world.registered[1]["incoming_number"])
    _log_in(client, "vanthu")
    assert client.post(f"/documents/{document}/pass", data={"lead": "VP"}).status_code == 403
    assert "Đã chuyển" not in client.get(f"/documents/{document}/pass").text
