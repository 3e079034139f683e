"""Red team 76 (the operator's life) found, among others:

- the register held the desk's session-signing key and was written world-readable (0644, its WAL too; the desk's page
  pictures too): anyone who read the register or a backup of it signed a session cookie naming the clerk and was the
  clerk. Now the cookie holds a session's token whose session the register must have (by the token's SHA-256 only) and
  not have ended, and the gateway's processes write their files for their user alone (the SQLite file 0600);
- an agency removed from the directory file stayed trusted (its mailbox still registered documents): now it is
  withdrawn (kept in the register for the documents it sent, out of the directory the decisions use), said at start
  and by `directory import`;
- `status` with the register unreachable gave a traceback and exit 1, made a new empty register at a mistyped SQLite
  path and exited 0, and migrated a live register: now one line and the alert's exit 4, nothing made, nothing migrated.
"""

from __future__ import annotations

import base64
import json
import sqlite3
from pathlib import Path

import pytest
from itsdangerous import TimestampSigner
from starlette.testclient import TestClient

from desk_kit import Clock, DeskWorld, add_person, csrf_of, desk_app, log_in
from world import World


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def desk(world: World) -> DeskWorld:
    world.run("ingest", "--config", str(world.config_path), "--json", str(world.mail("m", auth=None, attachments=[
        ("cv.pdf", world.document(number="501/STP-VP"))])))
    assert add_person(world, "vanthu", "clerk", None).returncode == 0
    return DeskWorld(world, held=[], proven_held=0)


def _register_key(world: World, name: str) -> bytes:
    """What a reader of the register file (or of a copy of it) finds there: the key that signs the desk's cookies."""
    with sqlite3.connect(world.root / "qlvb.db") as db:
        return bytes(db.execute("SELECT secret FROM register_keys WHERE name = ?", (name,)).fetchone()[0])


def _forged_cookie(key: bytes, session: dict[str, object]) -> str:
    """A Starlette session cookie as the desk's own are made (itsdangerous, the key's hex as the secret)."""
    return TimestampSigner(key.hex()).sign(base64.b64encode(json.dumps(session).encode())).decode()


def test_a_cookie_signed_with_the_key_read_from_the_register_is_no_login(desk: DeskWorld, clock: Clock) -> None:
    app, gateway = desk_app(desk.world, clock)
    try:
        with TestClient(app, follow_redirects=False, base_url="http://localhost") as client:
            assert client.get("/register").headers.get("location", "").startswith("/login")
            key = _register_key(desk.world, "desk-sessions")
            for session in ({"name": "vanthu", "login_at": clock.now, "seen_at": clock.now, "id": "forged", "csrf": "t"},
                            {"name": "vanthu", "login_at": clock.now, "seen_at": clock.now, "csrf": "t"}):
                client.cookies.clear()
                client.cookies.set("qlvb_desk", _forged_cookie(key, session))
                answer = client.get("/register")
                assert answer.status_code == 303 and answer.headers["location"].startswith("/login"), session
            client.cookies.clear()
            log_in(client, "vanthu")  # the clerk's own login still works
            assert client.get("/register").status_code == 200
    finally:
        gateway.close()


def test_a_cookie_re_signed_with_a_real_sessions_token_and_another_name_is_that_sessions_person(
        desk: DeskWorld, clock: Clock) -> None:
    """A viewer who reads the register signs its own session's cookie again naming the clerk: still the viewer."""
    assert add_person(desk.world, "xem", "viewer", None).returncode == 0
    app, gateway = desk_app(desk.world, clock)
    try:
        with TestClient(app, follow_redirects=False, base_url="http://localhost") as client:
            log_in(client, "xem")
            signer = TimestampSigner(_register_key(desk.world, "desk-sessions").hex())
            payload = signer.unsign(client.cookies["qlvb_desk"]).decode()
            session = json.loads(base64.b64decode(payload))
            client.cookies.clear()
            client.cookies.set("qlvb_desk", _forged_cookie(_register_key(desk.world, "desk-sessions"),
                                                           {**session, "name": "vanthu"}))
            page = client.get("/")
            assert page.status_code == 200 and "xem · Người xem" in page.text and "vanthu · " not in page.text
            assert client.post("/review/1/release", data={"csrf": csrf_of(page.text)}).status_code == 403
    finally:
        gateway.close()


def test_a_new_register_and_the_desks_page_pictures_are_for_the_gateways_user_alone(desk: DeskWorld, clock: Clock) -> None:
    world = desk.world
    world.extra["database"] = "sqlite:///fresh/qlvb.db"  # a register made by the first command, as `user add` makes it
    world.write_config()
    assert add_person(world, "lan", "clerk", None).returncode == 0
    made = [p for p in (world.root / "fresh").iterdir()]
    assert made and all(p.stat().st_mode & 0o077 == 0 for p in made), {p.name: oct(p.stat().st_mode) for p in made}
    assert (world.root / "fresh").stat().st_mode & 0o007 == 0
    del world.extra["database"]
    world.write_config()
    app, gateway = desk_app(world, clock)
    try:
        with TestClient(app, follow_redirects=False, base_url="http://localhost") as client:
            log_in(client, "vanthu")
            assert client.get("/review/1").status_code == 200
    finally:
        gateway.close()
    pictures = list((world.root / "store" / "pages").rglob("*"))
    assert any(p.suffix == ".png" for p in pictures)
    assert all(p.stat().st_mode & 0o077 == 0 for p in pictures if p.is_file()), [oct(p.stat().st_mode) for p in pictures]
