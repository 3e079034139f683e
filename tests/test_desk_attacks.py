"""The clerk's desk attacked from outside and from inside: an outsider with no account, a viewer, a
unit's person reaching for another unit's work, a leader reaching for the clerk's, a forger of cookies
and forms. Each test is one attack and proves the desk holds (in-process, Starlette's TestClient, on a
real SQLite register filled through intake; the register's search on PostgreSQL too)."""

from __future__ import annotations

import asyncio
import base64
import email
import json
import re
import time
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone
from pathlib import Path
from urllib.parse import urlsplit

import httpx2 as httpx
import pytest
from itsdangerous import TimestampSigner
from sqlalchemy import select
from starlette.routing import Route
from starlette.testclient import TestClient

from desk_kit import PASSWORD, UNITS, Clock, DeskWorld, add_person, build_desk_world, csrf_of, desk_app, plan_form
from registry.database import Register
from test_outgoing import our_document
from test_register_search import postgresql_register, register  # noqa: F401  # its registers on SQLite and PostgreSQL, fixtures
from world import make_world

VN = timezone(timedelta(hours=7))
HOSTILE_SUBJECT = '<script>alert("subject")</script> Gửi văn bản'
HOSTILE_SENDER = '"<img src=x onerror=alert(1)>" <vanthu@stp.bacgiang.gov.vn>'
HOSTILE_FILE = '"><script>alert(2)</script>.pdf'
HOSTILE_SUMMARY = "V/v <script>alert(3)</script> thử nghiệm"
SECRET_SUMMARY = "Kế hoạch bảo vệ bí mật nhà nước"
SECRET_NOTATION = "88/CAT-PA"


@pytest.fixture(scope="module")
def desk_world(tmp_path_factory: pytest.TempPathFactory, province) -> DeskWorld:  # type: ignore[no-untyped-def]
    pki, signers, stranger = province
    world = make_world(tmp_path_factory.mktemp("desk-attacks") / "agency", pki, signers, stranger, units=UNITS)
    built = build_desk_world(world)
    assert add_person(world, "phongvp", "unit", "VP").returncode == 0
    hostile = world.mail("hostile", auth=None, subject=HOSTILE_SUBJECT, sender=HOSTILE_SENDER,
                         attachments=[(HOSTILE_FILE, world.document(number="901/STP-VP"))])
    signed = world.mail("hostile-signed", attachments=[("cv.pdf", world.signed("stp", world.document(
        number="902/STP-VP", summary=HOSTILE_SUMMARY)))])
    held, registered = world.ingest(hostile, signed)
    assert held["verdict"] == "quarantined" and registered["verdict"] == "accepted", (held, registered)
    done = world.run("register", "add", "--config", str(world.config_path), "--issuer", "Công an tỉnh Bắc Giang",
                     "--number", SECRET_NOTATION, "--summary", SECRET_SUMMARY, "--secrecy", "Mật", "--json")
    secret_number = json.loads(done.stdout)["incoming_number"]
    kept = world.db()
    from registry.models import Document
    with kept.session() as s:
        ids = {d.arrival_number: d.id for d in s.scalars(select(Document))}
    kept.close()
    attacked = built  # the kit's world, with the attacks' own mails beside
    attacked.hostile_held = held["review_id"]  # type: ignore[attr-defined]
    attacked.hostile_registered = ids[registered["incoming_number"]]  # type: ignore[attr-defined]
    attacked.secret = ids[secret_number]  # type: ignore[attr-defined]
    attacked.secret_number = secret_number  # type: ignore[attr-defined]
    return attacked


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def app_and_client(desk_world: DeskWorld, clock: Clock) -> Iterator[tuple[object, TestClient]]:
    app, gateway = desk_app(desk_world.world, clock)
    with TestClient(app, follow_redirects=False, base_url="http://localhost") as test_client:
        yield app, test_client
    gateway.close()


@pytest.fixture
def client(app_and_client: tuple[object, TestClient]) -> TestClient:
    return app_and_client[1]


def log_in(client: TestClient, name: str, password: str = PASSWORD) -> str:
    """Log in; the session's CSRF token."""
    token = csrf_of(client.get("/login").text)
    answer = client.post("/login", data={"name": name, "password": password, "csrf": token, "next": "/"})
    assert answer.status_code == 303, answer.text
    return csrf_of(client.get("/").text)


@contextmanager
def desk_with(desk_world: DeskWorld, clock: Clock, web: dict[str, object]) -> Iterator[TestClient]:
    """A desk of its own on the world's register with these `web:` settings (over https)."""
    world = desk_world.world
    world.extra["web"] = web
    world.write_config()
    try:
        app, gateway = desk_app(world, clock)
        with TestClient(app, follow_redirects=False, base_url="https://localhost") as client:
            yield client
        gateway.close()
    finally:
        del world.extra["web"]
        world.write_config()


def attempt(client: TestClient, name: str, password: str, forwarded: list[str] = []) -> httpx.Response:  # noqa: B006
    """A login from a browser of its own, with these X-Forwarded-For lines."""
    client.cookies.clear()
    token = csrf_of(client.get("/login").text)
    return client.post("/login", headers=[("X-Forwarded-For", f) for f in forwarded],
                       data={"name": name, "password": password, "csrf": token})


def audit_count(desk_world: DeskWorld) -> int:
    from registry.models import AuditEntry

    kept = desk_world.world.db()
    try:
        with kept.session() as s:
            return s.query(AuditEntry).count()
    finally:
        kept.close()


def post_routes(client: TestClient) -> list[str]:
    """Every POST of the desk, its parameters filled."""
    paths = [r.path for r in client.app.routes  # type: ignore[attr-defined]
             if isinstance(r, Route) and "POST" in (r.methods or ()) and r.path not in ("/login", "/logout")]
    return [re.sub(r"\{year\}", "2026", re.sub(r"\{what\}|\{step\}", "done", re.sub(r"\{\w+_id\}|\{number\}", "1", p)))
            for p in paths]


def secret_kept(text: str) -> bool:
    return SECRET_SUMMARY not in text and SECRET_NOTATION not in text and "Công an tỉnh" not in text


# ---- CSRF -------------------------------------------------------------------------------------------

def test_csrf_every_form_without_its_token_is_refused_to_the_clerk(client: TestClient, desk_world: DeskWorld) -> None:
    log_in(client, "vanthu")
    before = audit_count(desk_world)
    for path in post_routes(client):
        answer = client.post(path, data={"reason": "x", "note": "x", "lead": "TC"})
        assert answer.status_code == 403, (path, answer.status_code)
    assert audit_count(desk_world) == before


def test_csrf_another_sessions_token_is_refused(app_and_client: tuple[object, TestClient], desk_world: DeskWorld) -> None:
    app, client = app_and_client
    with TestClient(app, follow_redirects=False, base_url="http://localhost") as attacker:  # type: ignore[arg-type]
        attackers_token = log_in(attacker, "xem")
    log_in(client, "vanthu")
    answer = client.post(f"/review/{desk_world.held[3]}/discard", data={"csrf": attackers_token, "note": "x"})
    assert answer.status_code == 403 and "CSRF" in answer.text


def test_csrf_the_token_before_login_is_not_the_token_after(client: TestClient, desk_world: DeskWorld) -> None:
    """A token seen before logging in (planted by an attacker who set up the session) does not act."""
    before_login = csrf_of(client.get("/login").text)
    after_login = log_in(client, "vanthu")
    assert before_login != after_login
    answer = client.post(f"/review/{desk_world.held[3]}/discard", data={"csrf": before_login, "note": "x"})
    assert answer.status_code == 403


def test_csrf_actions_sent_by_get_or_head_do_nothing(client: TestClient, desk_world: DeskWorld) -> None:
    token = log_in(client, "vanthu")
    before = audit_count(desk_world)
    mail = desk_world.held[3]
    for method, path in (("GET", f"/review/{mail}/discard?csrf={token}"), ("HEAD", f"/review/{mail}/release"),
                         ("GET", f"/logout?csrf={token}"), ("HEAD", "/logout"), ("GET", "/unit/2026/1/done"),
                         ("PUT", f"/review/{mail}/release"), ("DELETE", f"/review/{mail}")):
        answer = client.request(method, path)
        assert answer.status_code in (404, 405), (method, path, answer.status_code)
    assert audit_count(desk_world) == before
    assert client.get("/").status_code == 200  # still logged in: the GET did not log out


def test_login_csrf_a_login_form_from_another_site_is_refused(client: TestClient) -> None:
    """Login CSRF: a page elsewhere posts the attacker's name and password into the victim's browser,
    which has no desk session yet (or a token of another session)."""
    answer = client.post("/login", data={"name": "xem", "password": PASSWORD, "csrf": "x" * 43})
    assert answer.status_code == 403 and client.get("/").headers.get("location") == "/login"
    with TestClient(client.app, follow_redirects=False, base_url="http://localhost") as elsewhere:
        token = csrf_of(elsewhere.get("/login").text)
    client.cookies.clear()
    answer = client.post("/login", data={"name": "xem", "password": PASSWORD, "csrf": token})
    assert answer.status_code == 403
    assert client.get("/").headers["location"] == "/login"


# ---- session cookies --------------------------------------------------------------------------------

def _cookie(client: TestClient) -> str:
    value = client.cookies.get("qlvb_desk")
    assert value
    return value


def test_cookie_an_altered_signature_or_payload_is_no_session(client: TestClient) -> None:
    log_in(client, "xem")
    good = _cookie(client)
    payload, stamp, signature = good.rsplit(".", 2)
    flipped = signature[:-2] + ("A" if signature[-2] != "A" else "B") + signature[-1]
    session = json.loads(base64.b64decode(payload + "=" * (-len(payload) % 4)))
    session["name"] = "vanthu"  # the viewer makes itself the clerk
    forged_payload = base64.b64encode(json.dumps(session).encode()).decode()
    for forged in (f"{payload}.{stamp}.{flipped}", f"{forged_payload}.{stamp}.{signature}", payload, ""):
        client.cookies.clear()
        client.cookies.set("qlvb_desk", forged)
        assert client.get("/").headers.get("location") == "/login", forged


def test_cookie_signed_by_another_gateways_secret_is_no_session(client: TestClient, clock: Clock) -> None:
    session = {"name": "vanthu", "csrf": "t", "login_at": clock.now, "seen_at": clock.now}
    other = TimestampSigner(b"another gateway's secret".hex())
    cookie = other.sign(base64.b64encode(json.dumps(session).encode())).decode()
    client.cookies.set("qlvb_desk", cookie)
    assert client.get("/").headers.get("location") == "/login"


def test_cookie_replayed_after_logout_is_no_session(client: TestClient) -> None:
    token = log_in(client, "vanthu")
    stolen = _cookie(client)
    assert client.post("/logout", data={"csrf": token}).status_code == 303
    client.cookies.clear()
    client.cookies.set("qlvb_desk", stolen)
    assert client.get("/").headers.get("location") == "/login"


def test_cookie_replayed_after_logout_and_a_restart_is_no_session(desk_world: DeskWorld, clock: Clock) -> None:
    app, gateway = desk_app(desk_world.world, clock)
    with TestClient(app, follow_redirects=False, base_url="http://localhost") as client:
        token = log_in(client, "vanthu")
        stolen = _cookie(client)
        client.post("/logout", data={"csrf": token})
    gateway.close()
    app, gateway = desk_app(desk_world.world, clock)  # the desk restarted
    try:
        with TestClient(app, follow_redirects=False, base_url="http://localhost", cookies={"qlvb_desk": stolen}) as client:
            assert client.get("/").headers.get("location") == "/login"
    finally:
        gateway.close()


def test_cookie_of_a_session_replaced_by_another_login_is_no_session(client: TestClient) -> None:
    """The clerk leaves without logging out; a viewer logs in on the same browser: the clerk's
    session, kept elsewhere, ends."""
    token = log_in(client, "vanthu")
    stolen = _cookie(client)
    assert client.post("/login", data={"name": "xem", "password": PASSWORD, "csrf": token}).status_code == 303
    client.cookies.clear()
    client.cookies.set("qlvb_desk", stolen)
    assert client.get("/").headers.get("location") == "/login"


def test_cookie_of_a_disabled_person_is_no_session_and_their_token_acts_no_more(
        client: TestClient, desk_world: DeskWorld) -> None:
    world = desk_world.world
    assert add_person(world, "roiviec", "clerk", None).returncode == 0
    token = log_in(client, "roiviec")
    world.run("user", "disable", "--config", str(world.config_path), "roiviec", "--actor", "admin")
    answer = client.post(f"/review/{desk_world.held[3]}/discard", data={"csrf": token, "note": "x"})
    assert answer.status_code == 303 and answer.headers["location"] == "/login"
    assert client.get("/").headers["location"] == "/login"


def test_cookie_expired_by_age_is_no_session_even_if_kept(client: TestClient, clock: Clock) -> None:
    log_in(client, "vanthu")
    kept = _cookie(client)
    clock.now += 9 * 3600
    client.cookies.clear()
    client.cookies.set("qlvb_desk", kept)
    assert client.get("/").headers.get("location") == "/login"


def test_cookie_flags_httponly_samesite_path_and_secure_under_tls(desk_world: DeskWorld, clock: Clock) -> None:
    for web, secure in (({}, False), ({"behind_proxy": True, "hosts": ["localhost"]}, True)):
        with desk_with(desk_world, clock, web) as client:
            cookie = attempt(client, "xem", PASSWORD).headers["set-cookie"].lower()
        assert "httponly" in cookie and "samesite=lax" in cookie and "path=/" in cookie and "domain=" not in cookie
        assert ("; secure" in cookie) == secure
        # under https the __Host- prefix (a sibling subdomain cannot plant it); plain loopback http keeps its name
        assert cookie.startswith("__host-qlvb_desk=" if secure else "qlvb_desk=")
        assert re.search(r"max-age=(\d+)", cookie) and int(re.search(r"max-age=(\d+)", cookie).group(1)) <= 8 * 3600  # type: ignore[union-attr]


def test_cookie_planted_without_the_host_prefix_is_no_session_under_https(desk_world: DeskWorld, clock: Clock) -> None:
    """A sibling subdomain sets `qlvb_desk` for the parent domain (a session of its own choosing, here a
    valid one): behind the proxy the desk reads only `__Host-qlvb_desk`, which no other host can set."""
    with desk_with(desk_world, clock, {"behind_proxy": True, "hosts": ["localhost"]}) as client:
        log_in(client, "vanthu")
        valid = client.cookies.get("__Host-qlvb_desk")
        assert valid and client.get("/").status_code == 200
        client.cookies.clear()
        client.cookies.set("qlvb_desk", valid, domain=".localhost")
        assert client.get("/").headers.get("location") == "/login"


# ---- the Host header (DNS rebinding) ----------------------------------------------------------------

def _headers_kept(answer: httpx.Response) -> None:
    assert "default-src 'none'" in answer.headers.get("content-security-policy", "")
    assert answer.headers.get("x-content-type-options") == "nosniff"


def test_host_a_rebound_name_reaches_nothing_of_a_loopback_desk(client: TestClient, desk_world: DeskWorld) -> None:
    """A page of evil.example whose name now points at 127.0.0.1 sends Host: evil.example: refused
    before any page, login or form; the loopback names are served."""
    for method, path in (("GET", "/login"), ("GET", "/"), ("GET", "/static/desk.css"), ("POST", "/login")):
        answer = client.request(method, path, headers={"Host": "evil.example"})
        assert answer.status_code == 400, (method, path)
        assert "set-cookie" not in answer.headers
        _headers_kept(answer)
    for host in ("localhost", "127.0.0.1:8080", "[::1]:8080", "LOCALHOST"):
        assert client.get("/login", headers={"Host": host}).status_code == 200, host
    for host in ("", "localhost.evil.example", "127.0.0.1.nip.io", "[::2]"):
        assert client.get("/login", headers={"Host": host}).status_code == 400, host
    token = log_in(client, "vanthu")
    before = audit_count(desk_world)
    refused = client.post(f"/review/{desk_world.held[3]}/discard", data={"csrf": token, "note": "x"},
                          headers={"Host": "evil.example:8080"})
    assert refused.status_code == 400 and audit_count(desk_world) == before


def test_host_behind_the_proxy_only_the_names_configured(desk_world: DeskWorld, clock: Clock) -> None:
    """Behind nginx the operator lists the public name (web.hosts): it alone is served, the loopback
    names no more (nginx passes the name the browser asked: deploy/nginx-qlvb-desk.conf)."""
    web = {"behind_proxy": True, "hosts": ["vanthu.snv.bacgiang.gov.vn"]}
    with desk_with(desk_world, clock, web) as client:
        assert client.get("/login", headers={"Host": "vanthu.snv.bacgiang.gov.vn"}).status_code == 200
        for host in ("localhost", "evil.example", "snv.bacgiang.gov.vn"):
            refused = client.get("/login", headers={"Host": host})
            assert refused.status_code == 400, host
            _headers_kept(refused)
    nginx = (Path(__file__).parents[1] / "deploy" / "nginx-qlvb-desk.conf").read_text()
    assert re.search(r"^\s*proxy_set_header Host \$host;", nginx, re.M)


def test_host_the_default_names_follow_web_host() -> None:
    from pydantic import ValidationError

    from gateway.config import Web

    assert set(Web().allowed_hosts()) == {"127.0.0.1", "localhost", "[::1]"}
    assert set(Web(host="::1").allowed_hosts()) == {"127.0.0.1", "localhost", "[::1]"}
    assert Web(host="desk.snv.bacgiang.gov.vn", behind_proxy=True,
               hosts=["desk.snv.bacgiang.gov.vn"]).allowed_hosts() == ["desk.snv.bacgiang.gov.vn"]
    with pytest.raises(ValidationError, match="behind_proxy needs hosts"):  # else the proxy's every request is a 400
        Web(behind_proxy=True)
    with pytest.raises(ValidationError, match="wildcard"):
        Web(hosts=["a*b.example"])
    assert Web(hosts=["vanthu.snv.bacgiang.gov.vn", "fd00::5"]).allowed_hosts() == ["vanthu.snv.bacgiang.gov.vn",
                                                                                    "[fd00::5]"]


# ---- roles ------------------------------------------------------------------------------------------

def test_role_a_viewer_posting_each_action_changes_nothing(client: TestClient, desk_world: DeskWorld) -> None:
    token = log_in(client, "xem")
    before = audit_count(desk_world)
    for path in post_routes(client):
        answer = client.post(path, data={"csrf": token, "reason": "x", "note": "x", "lead": "TC", "with": "VP",
                                         "deadline": "2030-01-01"})
        assert answer.status_code == 403, path
    assert audit_count(desk_world) == before


def test_role_a_leader_cannot_do_the_clerks_review(client: TestClient, desk_world: DeskWorld) -> None:
    token = log_in(client, "lanhdao")
    before = audit_count(desk_world)
    for what in ("release", "return", "discard"):
        assert client.post(f"/review/{desk_world.held[3]}/{what}", data={"csrf": token, "reason": "x"}).status_code == 403
    assert audit_count(desk_world) == before


@pytest.mark.parametrize("name, allowed", [("lanhdao", ("/documents/",)), ("phongtc", ("/unit/",))])
def test_role_a_leader_or_a_unit_is_refused_every_other_action(client: TestClient, desk_world: DeskWorld,
                                                               name: str, allowed: tuple[str, ...]) -> None:
    """Every POST of the desk (the pages to come included) but the role's own: 403, nothing done."""
    token = log_in(client, name)
    before = audit_count(desk_world)
    others = [p for p in post_routes(client) if not p.startswith(allowed)]
    assert others
    for path in others:
        answer = client.post(path, data={"csrf": token, "reason": "x", "note": "x", "year": "2025", "choice": "1=-"},
                             files={"scan": ("a.pdf", b"%PDF-1.4")} if path.startswith("/outgoing") else None)
        assert answer.status_code == 403, (path, answer.status_code)
    assert audit_count(desk_world) == before


def _pass_to_vp(desk_world: DeskWorld, client: TestClient) -> tuple[int, int]:
    """The leader passes the second registered document to VP only; its (year, number)."""
    from registry.models import Document

    number = desk_world.registered[1]["incoming_number"]
    kept = desk_world.world.db()
    with kept.session() as s:
        document = s.scalars(select(Document).where(Document.arrival_number == number)).one()
        document_id, year = document.id, document.year
    kept.close()
    token = log_in(client, "lanhdao")
    client.post(f"/documents/{document_id}/pass", data={"csrf": token, "lead": "VP", "note": "Chỉ VP"})
    client.post("/logout", data={"csrf": token})
    return year, number


def test_role_a_unit_person_neither_sees_nor_marks_another_units_document(client: TestClient, desk_world: DeskWorld) -> None:
    from registry.models import Assignment

    year, number = _pass_to_vp(desk_world, client)
    token = log_in(client, "phongtc")  # of TC: the document went to VP
    assert "Chỉ VP" not in client.get("/unit").text
    for step in ("received", "done"):
        client.post(f"/unit/{year}/{number}/{step}", data={"csrf": token})
    kept = desk_world.world.db()
    with kept.session() as s:
        rows = list(s.scalars(select(Assignment).where(Assignment.unit_code == "VP")))
        assert rows and all(r.received_by is None and r.done_by is None for r in rows)
        assert not list(s.scalars(select(Assignment).where(Assignment.unit_code == "TC", Assignment.received_by == "phongtc",
                                                           Assignment.note == "Chỉ VP")))
    kept.close()


def test_role_a_unit_person_reads_nothing_of_the_register_by_url(client: TestClient, desk_world: DeskWorld) -> None:
    log_in(client, "phongtc")
    document = desk_world.hostile_registered  # type: ignore[attr-defined]
    page = client.get(f"/review/{desk_world.held[0]}").text
    link = re.search(r"/mails/\d+/files/[0-9a-f]{64}", page)
    for path in ("/review", f"/review/{desk_world.held[0]}", "/register", f"/documents/{document}",
                 f"/documents/{document}/pass", f"/mails/{desk_world.held[0]}/original",
                 *([link.group(0), link.group(0) + "/pages/1"] if link else [])):
        assert client.get(path).status_code == 403, path


def test_double_a_release_sent_twice_at_once_registers_the_mail_once(app_and_client: tuple[object, TestClient],
                                                                    desk_world: DeskWorld) -> None:
    """Two clerks (or one double click) release the same held mail at the same moment: one number."""
    from registry.models import Document

    app, client = app_and_client
    mail_id = desk_world.held[2]

    async def release_twice() -> list[int]:
        transport = httpx.ASGITransport(app=app)  # type: ignore[arg-type]
        clerks = [httpx.AsyncClient(transport=transport, base_url="http://localhost") for _ in range(2)]
        tokens = []
        for clerk in clerks:
            token = csrf_of((await clerk.get("/login")).text)
            await clerk.post("/login", data={"name": "vanthu", "password": PASSWORD, "csrf": token})
            tokens.append(csrf_of((await clerk.get("/")).text))
        answers = await asyncio.gather(*(c.post(f"/review/{mail_id}/release", data={"csrf": t})
                                         for c, t in zip(clerks, tokens, strict=True)))
        for clerk in clerks:
            await clerk.aclose()
        return [a.status_code for a in answers]

    assert asyncio.run(release_twice()) == [303, 303]
    kept = desk_world.world.db()
    with kept.session() as s:
        assert len(list(s.scalars(select(Document).where(Document.mail_id == mail_id)))) == 1
    kept.close()


@pytest.mark.parametrize("deadline", ["9999-12-31", "0001-01-01", "2026-13-01", "x" * 1000])
def test_pass_on_odd_deadlines_do_not_fail(client: TestClient, desk_world: DeskWorld, deadline: str) -> None:
    token = log_in(client, "lanhdao")
    document = desk_world.hostile_registered  # type: ignore[attr-defined]
    answer = client.post(f"/documents/{document}/pass", data={"csrf": token, "lead": "VP", "deadline": deadline})
    assert answer.status_code == 303
    assert client.get(f"/documents/{document}/pass").status_code == 200


def test_pass_on_an_unknown_or_huge_unit_is_refused_in_words(client: TestClient, desk_world: DeskWorld) -> None:
    token = log_in(client, "lanhdao")
    document = desk_world.hostile_registered  # type: ignore[attr-defined]
    for lead in ("ZZ", "<b>x</b>", "T" * 100_000, ""):
        answer = client.post(f"/documents/{document}/pass", data={"csrf": token, "lead": lead, "with": ["ZZ", "VP"]})
        assert answer.status_code == 303, lead[:10]
        assert len(answer.headers.get("set-cookie", "")) < 4096  # the flash kept in the cookie stays a cookie
        page = client.get(f"/documents/{document}/pass")
        assert page.status_code == 200 and "<b>x</b>" not in page.text


# ---- the login throttle -----------------------------------------------------------------------------

def test_throttle_x_forwarded_for_is_ignored_when_not_behind_the_proxy(client: TestClient) -> None:
    """An outsider rotating X-Forwarded-For to look like many addresses is one address still."""
    for n in range(4):
        attempt(client, f"khong-co-{n}", "sai-mat-khau", [f"10.0.0.{n}"])
    assert attempt(client, "vanthu", PASSWORD, ["10.9.9.9"]).status_code == 429


def test_throttle_x_forwarded_for_from_a_peer_that_is_not_the_proxy_is_ignored(desk_world: DeskWorld, clock: Clock) -> None:
    with desk_with(desk_world, clock, {"behind_proxy": True, "proxies": ["10.20.30.40"], "hosts": ["localhost"]}) as client:  # not the test client
        for n in range(4):
            attempt(client, f"khong-co-{n}", "sai-mat-khau", [f"10.0.0.{n}"])
        assert attempt(client, "vanthu", PASSWORD, ["10.9.9.9"]).status_code == 429


def test_throttle_the_proxys_address_is_the_last_even_in_a_second_header_line(desk_world: DeskWorld, clock: Clock) -> None:
    """Behind the proxy, a client's own X-Forwarded-For line comes first and the proxy's last: the
    client's lines do not make one attacker many addresses."""
    with desk_with(desk_world, clock, {"behind_proxy": True, "proxies": ["testclient"], "hosts": ["localhost"]}) as client:
        for n in range(4):
            attempt(client, f"khong-co-{n}", "sai-mat-khau", [f"6.6.6.{n}", "10.0.0.1"])
        assert attempt(client, "vanthu", PASSWORD, ["7.7.7.7", "10.0.0.1"]).status_code == 429


def test_throttle_an_ipv6_site_is_one_address_and_the_memory_is_bounded() -> None:
    """One attacker's /64 gives it more addresses than it could use: they count as one. And names or
    addresses sprayed once each do not grow the throttle without end."""
    from gateway.web.security import LoginThrottle

    clock = Clock()
    throttle = LoginThrottle(clock, kept=1000)
    for n in range(4):
        throttle.failed(f"khong-co-{n}", f"2001:db8:1:2::{n + 1:x}")
    assert throttle.wait("vanthu", "2001:db8:1:2:ffff::9") > 0
    assert throttle.wait("vanthu", "2001:db8:1:3::1") == 0  # another site
    for n in range(20_000):
        throttle.failed(f"ten-{n}", f"10.{n // 65536}.{n // 256 % 256}.{n % 256}")
    assert len(throttle._by_key) <= 1000 + 2
    assert throttle.wait("vanthu", "2001:db8:1:2::1") > 0  # what blocks is kept


def test_throttle_holds_against_many_guesses_sent_at_once(app_and_client: tuple[object, TestClient]) -> None:
    """Twelve wrong passwords sent together (the password check runs in threads): only the free ones
    are checked, the rest are told to wait."""
    app = app_and_client[0]

    async def attack() -> list[int]:
        transport = httpx.ASGITransport(app=app)  # type: ignore[arg-type]
        clients = [httpx.AsyncClient(transport=transport, base_url="http://localhost") for _ in range(12)]
        tokens = [csrf_of((await c.get("/login")).text) for c in clients]
        answers = await asyncio.gather(*(c.post("/login", data={"name": "lanhdao", "password": f"sai-{n}", "csrf": t})
                                         for n, (c, t) in enumerate(zip(clients, tokens, strict=True))))
        for c in clients:
            await c.aclose()
        return [a.status_code for a in answers]

    statuses = asyncio.run(attack())
    assert statuses.count(401) <= 4 and statuses.count(429) >= 8, statuses


def test_throttle_a_huge_name_is_not_kept_whole(app_and_client: tuple[object, TestClient]) -> None:
    app, client = app_and_client
    token = csrf_of(client.get("/login").text)
    answer = client.post("/login", data={"name": "a" * 900_000, "password": "x", "csrf": token})
    assert answer.status_code in (400, 401, 413)
    kept = app.state.desk.throttle._by_key  # type: ignore[attr-defined]
    assert max(map(len, kept), default=0) < 1000


def test_enumeration_an_unknown_name_answers_as_a_wrong_password_does(client: TestClient, desk_world: DeskWorld,
                                                                        clock: Clock, monkeypatch: pytest.MonkeyPatch) -> None:
    world = desk_world.world
    assert add_person(world, "nghihuu", "viewer", None).returncode == 0
    world.run("user", "disable", "--config", str(world.config_path), "nghihuu", "--actor", "admin")

    def attempt(name: str) -> tuple[int, str, float]:
        clock.now += 4000  # past the throttle's memory: each attempt is checked
        client.cookies.clear()
        token = csrf_of(client.get("/login").text)
        started = time.perf_counter()
        answer = client.post("/login", data={"name": name, "password": "sai-mat-khau-1", "csrf": token})
        took = time.perf_counter() - started
        message = re.search(r'class="flash error"[^>]*>([^<]*)<', answer.text)
        assert message, answer.text
        return answer.status_code, message.group(1), took

    known, unknown, disabled = attempt("vanthu"), attempt("khong-ai-ca"), attempt("nghihuu")
    assert known[:2] == unknown[:2] == disabled[:2]
    # timed at the product's cost (the test processes hash cheaply, 1 ms, below a request's own noise: two samples
    # under six test processes once gave 3 ms against 100 ms): a person added by the command (hashed as the product
    # does) against unknown names checked against the product's dummy hash; the fastest of three each
    from argon2 import PasswordHasher

    from registry import people
    product = PasswordHasher()
    monkeypatch.setattr(people, "_HASHER", product)
    monkeypatch.setattr(people, "_DUMMY_HASH", product.hash("no one has this password"))
    assert add_person(world, "thamdinh", "viewer", None).returncode == 0
    known_times = [attempt("thamdinh")[2] for _ in range(3)]
    unknown_times = [attempt(f"khong-ai-{n}")[2] for n in range(3)]
    # skipped, the hashing would leave a few ms against about 100 (the product's argon2id): a fifth is far from both
    assert min(unknown_times) > 0.2 * min(known_times), (unknown_times, known_times)  # the same hashing


# ---- XSS and the headers ----------------------------------------------------------------------------

def _no_markup_from_the_sender(text: str) -> None:
    assert "<script" not in text.lower() and "<img src=x" not in text.lower(), text[:2000]


def test_xss_a_mails_subject_sender_and_file_name_are_escaped(client: TestClient, desk_world: DeskWorld) -> None:
    log_in(client, "vanthu")
    held = desk_world.hostile_held  # type: ignore[attr-defined]
    for path in ("/", "/review", f"/review/{held}"):
        page = client.get(path)
        assert page.status_code == 200
        _no_markup_from_the_sender(page.text)
    page = client.get(f"/review/{held}").text
    assert "&lt;script&gt;alert(" in page  # shown, as text


def test_xss_a_documents_summary_is_escaped_everywhere(client: TestClient, desk_world: DeskWorld) -> None:
    log_in(client, "vanthu")
    document = desk_world.hostile_registered  # type: ignore[attr-defined]
    for path in ("/", "/register", f"/documents/{document}", f"/documents/{document}/pass",
                 "/register?words=thu+nghiem"):
        page = client.get(path)
        assert page.status_code == 200, path
        _no_markup_from_the_sender(page.text)


def test_xss_a_reason_or_note_is_escaped(client: TestClient, desk_world: DeskWorld) -> None:
    from registry.models import Document

    kept = desk_world.world.db()
    with kept.session() as s:  # a document of its own: the others' are passed on by other tests
        document = s.scalars(select(Document.id).where(
            Document.arrival_number == desk_world.registered[0]["incoming_number"])).one()
    kept.close()
    token = log_in(client, "lanhdao")
    client.post(f"/documents/{document}/pass", data={"csrf": token, "lead": "TC", "note": "<script>alert(4)</script>"})
    _no_markup_from_the_sender(client.get(f"/documents/{document}/pass").text)
    client.post("/logout", data={"csrf": token})
    log_in(client, "phongtc")
    page = client.get("/unit").text
    _no_markup_from_the_sender(page)
    assert "&lt;script&gt;alert(4)" in page


def test_xss_the_search_query_reflected_is_escaped(client: TestClient) -> None:
    log_in(client, "xem")
    hostile = '"><script>alert(5)</script>'
    page = client.get("/register", params={"number": hostile, "issuer": hostile, "type": hostile, "words": hostile,
                                           "from": hostile, "to": hostile}).text
    assert "<script>alert(5)" not in page and '"><script' not in page
    assert 'value="&#34;&gt;&lt;script&gt;alert(5)&lt;/script&gt;"' in page  # shown back, as text


def test_headers_csp_and_nosniff_on_every_answer_errors_included(client: TestClient, desk_world: DeskWorld) -> None:
    def check(answer: httpx.Response, what: str) -> None:
        csp = answer.headers.get("content-security-policy", "")
        assert "default-src 'none'" in csp and "script-src" not in csp and "unsafe" not in csp, (what, answer.status_code)
        assert answer.headers.get("x-content-type-options") == "nosniff", what
        assert "frame-ancestors 'none'" in csp

    check(client.get("/login"), "login")
    check(client.get("/nowhere"), "404 logged out")
    check(client.get("/static/desk.css"), "static")
    check(client.get("/static/../app.py"), "static traversal")
    check(client.post("/login", data={}), "403 login")
    token = log_in(client, "xem")
    check(client.get("/nowhere"), "404")
    check(client.get("/documents/abc"), "404 id")
    check(client.post("/review/1/release", data={"csrf": token}), "403")
    check(client.get("/review/1/release"), "405")
    for n in range(5):
        client.cookies.clear()
        t = csrf_of(client.get("/login").text)
        last = client.post("/login", data={"name": "xem", "password": f"sai-{n}", "csrf": t})
    check(last, "429")
    assert last.status_code == 429


def test_headers_an_error_inside_a_page_answers_500_with_the_csp(app_and_client: tuple[object, TestClient],
                                                                 desk_world: DeskWorld) -> None:
    """A page that fails (its picture on disk damaged: a folder where the file was) answers 500 with the same headers.
    (A damaged count is drawn again, since red team 81.)"""
    app, _ = app_and_client
    log_in(_, "xem")
    page = _.get(f"/review/{desk_world.held[1]}").text
    [(path, sha256)] = set(re.findall(r'<img src="(/mails/\d+/files/([0-9a-f]{64})/pages/1)"', page))
    picture = Path(desk_world.world.root / "store" / "pages" / sha256 / "1.png")
    kept = picture.read_bytes()
    picture.unlink()
    picture.mkdir()
    try:
        with TestClient(app, follow_redirects=False, base_url="http://localhost", raise_server_exceptions=False,
                        cookies=_.cookies) as client:  # type: ignore[arg-type]
            answer = client.get(path)
    finally:
        picture.rmdir()
        picture.write_bytes(kept)
    assert answer.status_code >= 400
    assert "default-src 'none'" in answer.headers.get("content-security-policy", "")
    assert answer.headers.get("x-content-type-options") == "nosniff"


# ---- downloads and page images ----------------------------------------------------------------------

def _files_of(client: TestClient, mail_id: int) -> list[str]:
    return re.findall(rf'href="/mails/{mail_id}/files/([0-9a-f]{{64}})"', client.get(f"/review/{mail_id}").text)


def test_download_another_mails_file_by_its_id_is_refused(client: TestClient, desk_world: DeskWorld) -> None:
    log_in(client, "xem")
    first, other = desk_world.held[0], desk_world.hostile_held  # type: ignore[attr-defined]
    [sha_other] = _files_of(client, other)
    assert client.get(f"/mails/{first}/files/{sha_other}").status_code == 404
    assert client.get(f"/mails/{first}/files/{sha_other}/pages/1").status_code == 404


@pytest.mark.parametrize("path", [
    "/mails/1/files/..%2F..%2Fqlvb.db", "/mails/1/files/%2e%2e%2f%2e%2e%2fconfig.yaml", "/mails/1/files/" + "A" * 64,
    "/mails/-1/original", "/mails/1e3/original", "/mails/99999999999999999999999/original",
    "/mails/1/files/..%2F..%2Fpages/pages/1", "/mails/1/files/" + "g" * 64 + "/pages/1",
    "/mails/1/files/" + "0" * 64 + "/pages/-1", "/mails/1/files/../../qlvb.db"])
def test_download_path_traversal_and_odd_ids_find_nothing(client: TestClient, path: str) -> None:
    log_in(client, "xem")
    answer = client.get(path)
    assert answer.status_code in (404, 405), (path, answer.status_code)
    assert b"SQLite format" not in answer.content and b"agency:" not in answer.content


def test_download_a_hostile_file_name_makes_a_safe_content_disposition(client: TestClient, desk_world: DeskWorld) -> None:
    log_in(client, "xem")
    mail = desk_world.hostile_held  # type: ignore[attr-defined]
    [sha256] = _files_of(client, mail)
    answer = client.get(f"/mails/{mail}/files/{sha256}")
    disposition = answer.headers["content-disposition"]
    assert disposition.startswith('attachment; filename="') and disposition.count('"') == 2
    assert "<" not in disposition and "\r" not in disposition and "\n" not in disposition
    assert answer.headers["content-type"] == "application/octet-stream" and answer.headers["x-content-type-options"] == "nosniff"
    from gateway.web.desk import Desk

    for name in ('a"; filename="evil.html', "x\r\nSet-Cookie: qlvb_desk=1.pdf", "Công văn số 1.pdf", "\\..\\..\\boot.ini", ""):
        header = Desk.download(b"%PDF", name).headers["content-disposition"]
        assert header.startswith("attachment;") and header.count('"') == 2 and "\r" not in header and "\n" not in header
        assert re.fullmatch(r'attachment; filename="[A-Za-z0-9._-]+"; filename\*=UTF-8\'\'[A-Za-z0-9%._~-]*', header), header


def test_download_a_pdf_is_never_served_inline(client: TestClient, desk_world: DeskWorld) -> None:
    log_in(client, "xem")
    mail = desk_world.held[0]
    for sha256 in _files_of(client, mail):
        answer = client.get(f"/mails/{mail}/files/{sha256}")
        assert answer.headers["content-disposition"].startswith("attachment;")
        assert "pdf" not in answer.headers["content-type"]
    original = client.get(f"/mails/{mail}/original")
    assert original.headers["content-disposition"].startswith("attachment;") and "message" not in original.headers["content-type"]


# ---- a secret document ------------------------------------------------------------------------------

def test_secret_nothing_but_the_fact_on_any_page(client: TestClient, desk_world: DeskWorld) -> None:
    secret, number = desk_world.secret, desk_world.secret_number  # type: ignore[attr-defined]
    token = log_in(client, "vanthu")
    for path in ("/", "/register", f"/documents/{secret}", f"/documents/{secret}/pass", f"/register?number={number}"):
        page = client.get(path)
        assert page.status_code == 200 and secret_kept(page.text), path
    client.post(f"/documents/{secret}/pass", data={"csrf": token, "lead": "TC"})
    client.post("/logout", data={"csrf": token})
    log_in(client, "phongtc")
    page = client.get("/unit").text
    assert f"{number}/" in page and secret_kept(page)


def test_secret_a_mail_marked_secret_shows_nothing_of_itself(client: TestClient, desk_world: DeskWorld) -> None:
    """A proven agency's mail whose PDF is marked secret (002 Đ16.7: nothing of it is kept): its review
    page and its downloads show nothing of it."""
    from registry.models import Mail

    world = desk_world.world
    secret = world.mail("secret-mail", subject="Kế hoạch mật số 5", attachments=[("mat.pdf", world.signed("stp", world.document(
        number="77/STP-VP", summary="V/v phương án bảo vệ mục tiêu quan trọng", secrecy="MẬT")))])
    world.ingest(secret)
    kept = world.db()
    with kept.session() as s:
        mail_id = s.scalars(select(Mail.id).order_by(Mail.id.desc())).first()
    kept.close()
    log_in(client, "vanthu")
    for path in ("/", "/review", f"/review/{mail_id}", "/register"):
        page = client.get(path).text
        assert "bảo vệ mục tiêu" not in page and "77/STP-VP" not in page and "Kế hoạch mật số 5" not in page, path
    assert client.get(f"/mails/{mail_id}/original").status_code == 404
    assert not re.search(rf"/mails/{mail_id}/files/", client.get(f"/review/{mail_id}").text)


def test_secret_the_printed_register_downloaded_holds_only_its_fact(client: TestClient, desk_world: DeskWorld) -> None:
    """The register printed from the desk (PDF and spreadsheet), downloaded by a viewer: the secret
    paper document's line has its number and arrival, nothing of its content."""
    import io

    import openpyxl
    import pymupdf

    number = desk_world.secret_number  # type: ignore[attr-defined]
    log_in(client, "xem")
    year = str(datetime.now(VN).year)
    pdf = client.get("/register/printed", params={"year": year, "format": "pdf"})
    assert pdf.status_code == 200 and pdf.headers["content-disposition"].startswith("attachment;")
    with pymupdf.open(stream=pdf.content, filetype="pdf") as document:
        text = " ".join(" ".join(page.get_text().split()) for page in document)
    sheet = client.get("/register/printed", params={"year": year, "format": "xlsx"})
    book = openpyxl.load_workbook(io.BytesIO(sheet.content))
    cells = " ".join(str(c) for ws in book.worksheets for row in ws.iter_rows(values_only=True) for c in row if c)
    for got in (text, cells):
        assert re.search(rf"\b{number}\b", got) and secret_kept(got), got[:3000]


@pytest.mark.parametrize("asked", [
    {"number": SECRET_NOTATION}, {"number": "88/CAT"}, {"number": "CAT-PA"}, {"number": "88"},
    {"issuer": "cong an"}, {"words": "bi mat"}, {"type": "cong van"}])
def test_secret_search_tells_nothing_of_its_particulars(client: TestClient, desk_world: DeskWorld,
                                                        asked: dict[str, str]) -> None:
    """Searching by the secret document's notation, issuer or words finds nothing: a hit would tell
    what the page hides (its number and symbol guessed a letter at a time)."""
    number = desk_world.secret_number  # type: ignore[attr-defined]
    log_in(client, "xem")
    page = client.get("/register", params=asked).text
    assert not re.search(rf'<a href="/documents/\d+">{number}/\d+</a>', page), asked


# ---- redirects --------------------------------------------------------------------------------------

def test_redirect_target_reflected_in_the_login_form_is_escaped(client: TestClient) -> None:
    page = client.get("/login", params={"next": '/"><script>alert(6)</script>'}).text
    assert "<script>alert(6)" not in page and '"><script' not in page


@pytest.mark.parametrize("target", ["https://evil.example", "//evil.example", "/\\evil.example", "\\\\evil.example",
                                    "/\t/evil.example", "/\r\n/evil.example", " //evil.example", "http:/evil.example",
                                    "javascript:alert(1)", "/%2F/evil.example", "\u3002/evil.example"])
def test_redirect_after_login_stays_on_the_desk(client: TestClient, target: str) -> None:
    token = csrf_of(client.get("/login", params={"next": target}).text)
    answer = client.post("/login", data={"name": "xem", "password": PASSWORD, "csrf": token, "next": target})
    location = answer.headers["location"]
    as_browser = re.sub(r"[\t\r\n]", "", location).replace("\\", "/")  # what a browser makes of it
    parts = urlsplit(as_browser)
    assert not parts.scheme and not parts.netloc and as_browser.startswith("/") and not as_browser.startswith("//"), location


# ---- the search -------------------------------------------------------------------------------------

@pytest.mark.parametrize("words", ['"', "*", "NEAR(a b)", "a OR b", "a AND NOT b", "^x", "col:x", "a:* & !b | c",
                                   "x'y", "(", ")", "{subject}: x", "_", "a_b", "²", "½ đ", "ǅ", "\x00", "é" * 50])
def test_search_fts_and_tsquery_syntax_is_only_words(client: TestClient, words: str) -> None:
    log_in(client, "xem")
    for field in ("words", "issuer", "type", "number"):
        answer = client.get("/register", params={field: words})
        assert answer.status_code == 200, (field, words, answer.status_code)


def test_search_a_very_long_query_answers_quickly(client: TestClient) -> None:
    log_in(client, "xem")
    started = time.perf_counter()
    for params in ({"words": "hội nghị " * 1500}, {"number": "9" * 5000}, {"number": "9" * 30},
                   {"issuer": "đ" * 5000}, {"page": "9" * 5000}, {"page": "-3"}):
        answer = client.get("/register", params=params)
        assert answer.status_code in (200, 404), (list(params), answer.status_code)
    assert time.perf_counter() - started < 20


@pytest.mark.parametrize("dates", [{"to": "9999-12-31"}, {"from": "0001-01-01"}, {"from": "9999-12-31", "to": "0001-01-01"},
                                   {"from": "2026-02-30"}, {"to": "+2026-01-01"}, {"from": "２０２６-01-01"}])
def test_search_dates_at_the_ends_of_the_calendar_do_not_fail(client: TestClient, dates: dict[str, str]) -> None:
    log_in(client, "xem")
    assert client.get("/register", params=dates).status_code == 200


def test_static_files_do_not_leave_their_folder(client: TestClient) -> None:
    for path in ("/static/%2e%2e/app.py", "/static/..%2fapp.py", "/static/%2e%2e%2f%2e%2e%2fconfig.py", "/static/"):
        answer = client.get(path)
        assert answer.status_code in (404, 400), path
        assert b"def make_app" not in answer.content and b"class Web" not in answer.content


@pytest.mark.parametrize("asked", [
    {"words": "a:* & !b | c"}, {"words": "x'y"}, {"words": "a_b"}, {"issuer": "a_b c_d"}, {"words": "² ½"},
    {"words": "(("}, {"words": "\\"}, {"words": "ǅ ﬁ"}, {"number": "²"}, {"number": "9" * 30}, {"number": "9" * 5000},
    {"number": "%"}, {"number": "_"}])
def test_search_hostile_words_neither_fail_nor_leak_on_sqlite_and_postgresql(register: Register,  # noqa: F811
                                                                              asked: dict[str, str]) -> None:
    """The register's search itself (test_register_search's registers, SQLite and PostgreSQL, a
    secret paper document added): hostile words and numbers answer, and never with the secret one."""
    from registry.paper import PaperDocument, register_paper
    from registry.search import RegisterQuery, search_register

    register_paper(register, "000.00.15.H06", PaperDocument("Công an tỉnh", SECRET_NOTATION, SECRET_SUMMARY,
                                                            datetime(2026, 11, 2, 9, tzinfo=VN), secrecy="Mật"), actor="t")
    with register.session() as session:
        found = search_register(session, RegisterQuery(**asked), VN)  # type: ignore[arg-type]
        everything = search_register(session, RegisterQuery(), VN).total
    assert all(d.secrecy is None for d in found.documents) or found.total == everything  # no word asked: all listed


# ---- huge inputs and the configuration --------------------------------------------------------------

def test_huge_a_ten_megabyte_form_is_refused_without_harm(client: TestClient, desk_world: DeskWorld) -> None:
    token = log_in(client, "vanthu")
    before = audit_count(desk_world)
    answer = client.post(f"/review/{desk_world.held[3]}/return", data={"csrf": token, "reason": "x" * 10_000_000})
    assert answer.status_code in (400, 413)
    assert "default-src 'none'" in answer.headers.get("content-security-policy", "")
    assert audit_count(desk_world) == before
    many = client.post("/login", content="&".join(f"f{n}=1" for n in range(50_000)),
                       headers={"content-type": "application/x-www-form-urlencoded"})
    assert many.status_code in (400, 403, 413)


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "192.168.1.10", "10.0.0.1", "desk.snv.bacgiang.gov.vn", "127.0.0.1 ",
                                  "0", "[::]", "*"])
def test_config_a_host_off_loopback_needs_tls_or_a_proxy(host: str) -> None:
    from pydantic import ValidationError

    from gateway.config import Web

    with pytest.raises(ValidationError, match="tls"):
        Web(host=host)
    assert Web(host=host, behind_proxy=True, hosts=["vanthu.snv.bacgiang.gov.vn"]).behind_proxy


# ---- the outgoing upload (gateway/web/outgoing_pages.py) --------------------------------------------

LUC_NAM = "000.00.00.H06"  # the agency of the directory chosen for "UBND huyện Lục Nam" (tests/test_desk_outgoing.py)


def _upload(client: TestClient, pdf: bytes, name: str) -> httpx.Response:
    token = csrf_of(client.get("/outgoing/send").text)
    return client.post("/outgoing/send", data={"csrf": token}, files={"scan": (name, pdf, "application/pdf")})


def _planned_name(client: TestClient) -> str:
    """The file name the plan page shows (the name the register and the mails will carry)."""
    import html

    heading = re.search(r"<h1>Kế hoạch gửi (.*?)</h1>", client.get("/outgoing/plan").text, re.S)
    assert heading
    return html.unescape(heading.group(1))


def _outgoing(desk_world: DeskWorld) -> list[tuple[str, str]]:
    from registry.models import OutgoingDocument

    kept = desk_world.world.db()
    try:
        with kept.session() as s:
            return [(d.identifier, d.filename) for d in s.scalars(select(OutgoingDocument))]
    finally:
        kept.close()


@pytest.mark.parametrize("name", [
    '<script>alert(7)</script>.pdf', 'a"; filename="evil.html', "cv\r\nBcc: evil@example.com\r\n.pdf",
    "../../x.pdf", "..\\..\\..\\boot.ini", "C:x.pdf", "A" * 600 + ".pdf", "..", "Công văn\u202egnp.html",
    "Cong\u0301 va\u0306n.pdf"])
def test_outgoing_a_hostile_file_name_is_shown_as_text_and_kept_clean(client: TestClient, name: str) -> None:
    log_in(client, "vanthu")
    assert _upload(client, our_document(number="61/SNV-VP"), name).status_code == 303
    plan = client.get("/outgoing/plan").text
    assert "<script>alert(7)" not in plan and 'filename="evil' not in plan
    kept = _planned_name(client)
    assert kept.endswith(".pdf") and 5 <= len(kept) <= 200  # the recipients' mail programs take the type from it
    assert not any(ch in kept for ch in "/\\\r\n\u202e") and kept == unicodedata.normalize("NFC", kept)
    assert kept not in (".pdf", "..pdf")


def test_outgoing_the_desk_reads_with_one_worker_of_its_own_stopped_with_it(desk_world: DeskWorld, clock: Clock) -> None:
    """Three letters planned at the desk are read by one worker process, the desk's, started at the first
    and stopped with the desk: not a process started for each page (a second each for the clerk), and
    none left running after it."""
    import multiprocessing

    before = set(multiprocessing.active_children())
    app, gateway = desk_app(desk_world.world, clock)
    try:
        with TestClient(app, follow_redirects=False, base_url="http://localhost") as client:
            log_in(client, "vanthu")
            for number in (64, 65, 66):
                assert _upload(client, our_document(number=f"{number}/SNV-VP"), "cv.pdf").status_code == 303
                assert f"{number}/SNV-VP" in client.get("/outgoing/plan").text
            assert len(set(multiprocessing.active_children()) - before) == 1
        assert not set(multiprocessing.active_children()) - before
    finally:
        gateway.close()


def test_outgoing_an_html_file_or_a_polyglot_is_sent_as_a_pdf_only(client: TestClient, desk_world: DeskWorld) -> None:
    """HTML before the PDF header is refused; an HTML file starting as a PDF is not read; a PDF with HTML
    in it, named .html, goes as a .pdf (application/pdf) and the desk never shows it in its origin."""
    log_in(client, "vanthu")
    before = {ident for ident, _ in _outgoing(desk_world)}
    html_first = b"<html><script>alert(8)</script>" + our_document(number="62/SNV-VP")
    refused = _upload(client, html_first, "thu.pdf")
    assert refused.status_code == 400 and "Tệp văn bản phải là tệp PDF" in refused.text
    assert _upload(client, b"%PDF-1.7\n<html><script>alert(9)</script></html>", "trang.pdf").status_code == 303
    unread = client.get("/outgoing/plan")
    assert unread.status_code == 400 and "Không đọc được tệp PDF này" in unread.text and "alert(9)" not in unread.text
    polyglot = our_document(number="63/SNV-VP") + b"\n<html><script>alert(10)</script></html>\n"
    assert _upload(client, polyglot, "trang.html").status_code == 303
    form = plan_form(client.get("/outgoing/plan").text)
    done = client.post("/outgoing/plan", data={**form, "choice": f"UBND huyện Lục Nam={LUC_NAM}"})
    assert done.status_code == 303, done.text
    [(ident, filename)] = [(i, f) for i, f in _outgoing(desk_world) if i not in before]
    assert filename == "trang.html.pdf"
    from registry.models import Outbox

    kept = desk_world.world.db()
    with kept.session() as s:
        raws = [o.raw for o in s.scalars(select(Outbox)) if ident.encode() in o.raw]
    kept.close()
    assert raws
    for raw in raws:
        parts = [p for p in email.message_from_bytes(raw).walk() if p.get_filename()]
        assert [(p.get_filename(), p.get_content_type()) for p in parts] == [("trang.html.pdf", "application/pdf")]


def _session_of(client: TestClient) -> dict[str, object]:
    payload = _cookie(client).rsplit(".", 2)[0]
    return json.loads(base64.b64decode(payload + "=" * (-len(payload) % 4)))  # type: ignore[no-any-return]


def _set_session(client: TestClient, app: object, session: dict[str, object]) -> None:
    """The session as someone holding the desk's signing key would write it."""
    from gateway.web.app import SESSION_KEY
    from registry.keys import register_key

    key = register_key(app.state.desk.gateway.register, SESSION_KEY).hex()  # type: ignore[attr-defined]
    client.cookies.clear()
    client.cookies.set("qlvb_desk", TimestampSigner(key).sign(base64.b64encode(json.dumps(session).encode())).decode())


def test_outgoing_the_sessions_upload_swapped_sends_nothing(app_and_client: tuple[object, TestClient],
                                                            desk_world: DeskWorld) -> None:
    """Even with the signing key: the session's upload made another clerk's, a store hash of a received
    mail's file (not an upload), or a path: no plan, no send, no file read."""
    app, client = app_and_client
    assert add_person(desk_world.world, "vanthu2", "clerk", None).returncode == 0
    log_in(client, "vanthu2")
    assert _upload(client, our_document(number="64/SNV-VP"), "cua-nguoi-khac.pdf").status_code == 303
    others = _session_of(client)["outgoing-upload"]
    client.cookies.clear()
    token = log_in(client, "vanthu")
    own = _session_of(client)
    received = _files_of(client, desk_world.held[0])[0]  # a received mail's PDF, in the same store
    before = _outgoing(desk_world)
    for swapped in (others, received, {"pdf": received, "filename": "x.pdf"}, "../../../config.yaml",
                    {"pdf": "../../../config.yaml", "filename": "x.pdf"}, ["x"], None):
        _set_session(client, app, {**own, "outgoing-upload": swapped})
        plan = client.get("/outgoing/plan")
        assert plan.status_code == 303 and plan.headers["location"] == "/outgoing/send", swapped
        sent = client.post("/outgoing/plan", data={"csrf": token, "choice": f"UBND huyện Lục Nam={LUC_NAM}"})
        assert sent.status_code == 303 and sent.headers["location"] == "/outgoing/send", swapped
    assert _outgoing(desk_world) == before


def test_outgoing_choices_naming_agencies_not_in_the_directory_are_refused(client: TestClient,
                                                                           desk_world: DeskWorld) -> None:
    log_in(client, "vanthu")
    assert _upload(client, our_document(number="65/SNV-VP"), "cv.pdf").status_code == 303
    form = plan_form(client.get("/outgoing/plan").text)
    before = _outgoing(desk_world)
    for choice in ("UBND huyện Lục Nam=000.00.00.X99", "UBND huyện Lục Nam=<script>alert(11)</script>",
                   f"UBND huyện Lục Nam={LUC_NAM},{'9' * 10_000}", f"Nơi không có trên văn bản={LUC_NAM}",
                   f"<b>nowhere</b>={LUC_NAM}"):
        answer = client.post("/outgoing/plan", data={**form, "choice": ["UBND huyện Lục Nam=-", choice]})
        assert answer.status_code == 400, choice
        assert "hoặc trong danh bạ: tải lại trang" in answer.text
        assert "<script>alert(11)" not in answer.text and "<b>nowhere" not in answer.text
    assert _outgoing(desk_world) == before


def test_outgoing_a_send_submitted_twice_at_once_sends_once(app_and_client: tuple[object, TestClient],
                                                            desk_world: DeskWorld) -> None:
    """A double click on *Ký số và gửi*: one document registered, one mail a recipient."""
    from registry.models import Outbox

    app, client = app_and_client
    log_in(client, "vanthu")
    pdf = our_document(number="66/SNV-VP")
    assert _upload(client, pdf, "hai-lan.pdf").status_code == 303
    form = plan_form(client.get("/outgoing/plan").text)
    before = {ident for ident, _ in _outgoing(desk_world)}

    async def send_twice() -> list[int]:
        transport = httpx.ASGITransport(app=app)  # type: ignore[arg-type]
        async with httpx.AsyncClient(transport=transport, base_url="http://localhost",
                                     cookies={"qlvb_desk": _cookie(client)}) as browser:
            answers = await asyncio.gather(*(browser.post("/outgoing/plan", data={
                **form, "choice": f"UBND huyện Lục Nam={LUC_NAM}"}) for _ in range(2)))
        return [a.status_code for a in answers]

    assert asyncio.run(send_twice()) == [303, 303]
    [ident] = [i for i, _ in _outgoing(desk_world) if i not in before]
    kept = desk_world.world.db()
    with kept.session() as s:
        mails = [o.recipient for o in s.scalars(select(Outbox)) if ident.encode() in o.raw]
    kept.close()
    assert len(mails) == len(set(mails)) == 3
