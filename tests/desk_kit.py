"""A desk to test: an agency whose register holds mails taken in through intake (held ones, a
registered one, a held one from a proven sender), people of each role added by the command line, and
the desk's application on it with a clock the test moves."""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from world import GATEWAY_EXEC, World, run_in_process

PASSWORD = "mật-khẩu-thử-1"
PEOPLE = {"vanthu": ("clerk", None), "lanhdao": ("leader", None), "xem": ("viewer", None),
          "phongtc": ("unit", "TC")}
# the agency's units (config units:), to which documents are passed on; phongtc is of TC
UNITS = [{"code": "TC", "name": "Phòng Tổ chức cán bộ", "mailbox": "tochuc@snv.bacgiang.gov.vn"},
         {"code": "VP", "name": "Văn phòng Sở", "mailbox": "vanphong@snv.bacgiang.gov.vn"}]


@dataclass
class Clock:
    now: float = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


@dataclass
class DeskWorld:
    world: World
    held: list[int]  # unauthenticated mails held for review
    proven_held: int  # held (its analysis failed) from a proven agency mailbox: it can be returned
    registered: list[dict[str, Any]] = field(default_factory=list)  # intake's outcomes of the accepted


def add_person(world: World, name: str, role: str, unit: str | None,
               password: str = PASSWORD) -> subprocess.CompletedProcess[str]:
    """`qlvb-gateway user add`, the password on stdin (not a terminal), as an operator pipes it; the
    command line run in this process (a process each cost 1-2 s; the prompt at a terminal is tested
    in a process of its own, tests/test_desk.py)."""
    args = ["user", "add", "--config", str(world.config_path), name, "--role", role,
            *(["--unit", unit] if unit else []), "--json", "--actor", "admin"]
    before, sys.stdin = sys.stdin, io.StringIO(password + "\n")
    try:
        return run_in_process(args, world.root)
    finally:
        sys.stdin = before



def held_unread(world: World) -> dict:  # type: ignore[type-arg]
    """A proven agency's genuine signed letter whose analysis failed at intake (past its time): held unread."""
    slow = world.mail("slow", attachments=[("cv.pdf", world.signed(pdf=world.document(number="603/STP-VP")))])
    world.extra["limits"] = {"seconds_per_document": 0.001, "workers": 1}
    world.write_config()
    [failed] = world.ingest(slow)
    del world.extra["limits"]
    world.write_config()
    assert failed["verdict"] == "quarantined", failed
    return failed

def build_desk_world(world: World) -> DeskWorld:
    world.extra.setdefault("units", UNITS)  # the units its people are of (user add refuses another)
    world.write_config()
    held_mails = [world.mail(f"held-{n}", auth=None, attachments=[("cv.pdf", world.document(number=f"{n}/STP-VP"))])
                  for n in (501, 502, 503, 504)]
    signed = [world.mail(f"signed-{n}", attachments=[("cv.pdf", world.signed("stp", world.document(
        number=f"{n}/STP-VP", summary=summary)))]) for n, summary in (
        (701, "V/v tổ chức hội nghị tổng kết công tác cải cách hành chính năm 2026"),
        (702, "V/v báo cáo tình hình thực hiện dự toán ngân sách"))]
    outcomes = world.ingest(*held_mails, *signed)
    held = [o["review_id"] for o in outcomes if o["verdict"] == "quarantined"]
    registered = [o for o in outcomes if o["verdict"] == "accepted"]
    assert len(held) == 4 and len(registered) == 2, [o["verdict"] for o in outcomes]
    failed = held_unread(world)  # a proven agency's mail whose analysis failed: held; the clerk may return it
    for name, (role, unit) in PEOPLE.items():
        done = add_person(world, name, role, unit)
        assert done.returncode == 0, done.stderr
    return DeskWorld(world, held, failed["review_id"], registered)


CSRF = re.compile(r'name="csrf" value="([^"]+)"')


def csrf_of(html: str) -> str:
    found = CSRF.search(html)
    assert found, "the page has no form with a CSRF token"
    return found.group(1)


UPLOAD = re.compile(r'name="upload" value="([^"]+)"')


def plan_form(html: str) -> dict[str, str]:
    """The hidden fields of an outgoing plan's form, as a browser sends them: the CSRF token and the upload the plan
    is of."""
    found = UPLOAD.search(html)
    return {"csrf": csrf_of(html), **({"upload": found.group(1)} if found else {})}


def desk_app(world: World, clock: Clock):  # type: ignore[no-untyped-def]
    """The desk's application on the world's register, and its gateway (to close)."""
    from gateway.app import Gateway
    from gateway.config import load_config
    from gateway.web.app import make_app

    gateway = Gateway.open(load_config(Path(world.config_path)))
    return make_app(gateway, clock=clock), gateway


@contextmanager
def desk_client(world: World, clock: Clock) -> Iterator[Any]:
    """A TestClient on the desk of the world's register (reached as http://localhost, redirects not
    followed); the gateway closed afterwards."""
    from starlette.testclient import TestClient

    app, gateway = desk_app(world, clock)
    try:
        with TestClient(app, follow_redirects=False, base_url="http://localhost") as client:
            yield client
    finally:
        gateway.close()


def log_in(client: Any, name: str, page: str = "/") -> str:
    """Log in with a TestClient as `name` (PASSWORD); the HTML of `page` afterwards (its forms carry the
    session's CSRF token)."""
    token = csrf_of(client.get("/login").text)
    assert client.post("/login", data={"name": name, "password": PASSWORD, "csrf": token, "next": "/"}).status_code == 303
    return str(client.get(page).text)


@contextmanager
def web_served(world: World, port: int) -> Iterator[subprocess.Popen[bytes]]:
    """`qlvb-gateway web` as deployed, its own process on the world's configuration (`web.port` = port), once it
    answers; stopped on leaving."""
    log = (world.root / "web.log").open("wb")
    server = subprocess.Popen([*GATEWAY_EXEC, "web", "--config", str(world.config_path)], cwd=world.root, stdout=log,
                              stderr=subprocess.STDOUT, env=dict(os.environ, PYTHONWARNINGS="ignore"))
    deadline = time.monotonic() + 60
    try:
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/login", timeout=2).close()
                break
            except (urllib.error.URLError, ConnectionError):
                if server.poll() is not None or time.monotonic() > deadline:
                    raise AssertionError((world.root / "web.log").read_text(errors="replace")) from None
                time.sleep(0.2)
        yield server
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()
