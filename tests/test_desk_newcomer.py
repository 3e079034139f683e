"""What a newcomer to the clerk's desk found: a signing password not set is said when `web` and `run`
start (and in Vietnamese at the desk, should the variable go missing after); `user add` refuses a unit
that is not in `units:` and a unit for a role without one; the desk's pages in Vietnamese (the review's
reasons, the sizes of files, the trail, the error pages, the roles); a unit person's landing page with
the unit's name; a bad date in the register's search said; the trail in the order things happened;
a favicon."""

from __future__ import annotations

from pathlib import Path

import pytest
from starlette.testclient import TestClient

from desk_kit import PEOPLE, UNITS, Clock, add_person, csrf_of, desk_app, log_in
from test_desk_outgoing import LUC_NAM
from test_outgoing import our_document
from world import World, make_world


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
    app, gateway = desk_app(agency, Clock())
    try:
        with TestClient(app, follow_redirects=False, base_url="http://localhost") as client:
            upload_form = log_in(client, "vanthu", "/outgoing/send")
            files = {"scan": ("cv-di.pdf", our_document(), "application/pdf")}
            assert client.post("/outgoing/send", data={"csrf": csrf_of(upload_form)}, files=files).status_code == 303
            plan = client.get("/outgoing/plan").text
            sent = client.post("/outgoing/plan", data={"csrf": csrf_of(plan), "choice": f"UBND huyện Lục Nam={LUC_NAM}"})
    finally:
        gateway.close()
    assert sent.status_code == 400
    assert "Không ký số được: chưa cấu hình mật khẩu khóa ký số; báo quản trị hệ thống." in sent.text
    assert "QLVB_TEST_P12_PASSWORD" not in sent.text and "environment variable" not in sent.text
