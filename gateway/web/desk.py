"""The desk's shared machinery for its pages: who is logged in (a signed session cookie holding a session's
token, whose session the register must have, not ended, on every request), the CSRF check of every form, the role check, rendering
with Jinja2 (autoescaped), downloads, and work for the register run off the event loop.

A page module (gateway/web/pages.py, and others beside it) gives routes whose handlers call
`desk.reader(request, action)` or `await desk.acting(request, action)` first."""

from __future__ import annotations

import threading
import time
import urllib.parse
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any, ParamSpec, TypeVar

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.templating import Jinja2Templates

from gateway.app import Gateway
from gateway.compiled_templates import COMPILED
from gateway.config import Web
from gateway.reasons import MESSAGES
from gateway.workers import WorkerPool
from gateway.web.security import Action, LoginThrottle, client_address, csrf_ok, may, new_csrf_token, new_session_token
from registry import people
from registry.people import Role
from vntext import visible

FORM_BYTES = 1024 * 1024  # a form of fields alone (a login, a release, a plan's choices): far more than any needs
MAX_FILES = 2  # the upload's: the signed scan and its draft
P = ParamSpec("P")
T = TypeVar("T")

ROLE_NAMES: dict[Role, str] = {"clerk": "Văn thư", "leader": "Lãnh đạo", "unit": "Đơn vị", "viewer": "Người xem"}

# the audit log's actions as a page tells them (an action without a name here is shown as it is)
ACTION_NAMES = {
    "intake-accepted": "Tiếp nhận, vào sổ", "intake-quarantined": "Giữ lại chờ Văn thư kiểm tra",
    "intake-returned": "Trả lại nơi gửi", "intake-ignored": "Không xử lý (thư tự động)",
    "review-release": "Văn thư cho vào sổ", "review-return": "Văn thư trả lại nơi gửi",
    "review-release-duplicates": "Văn bản đã có trong sổ, không vào sổ lại",
    "review-discard": "Văn thư bỏ qua, không trả lời", "register-paper": "Vào sổ văn bản giấy",
    "recall-received": "Nơi gửi thu hồi văn bản", "answer-recorded": "Nhận thư trả lời của nơi nhận",
    "outbox-failed": "Thư trả lời không gửi được",
    "passed-on": "Chuyển xử lý", "passed-received": "Đơn vị đã nhận", "passed-done": "Đơn vị đã xử lý xong",
    "passed-reminded": "Nhắc hạn giải quyết", "processing-told": "Báo trạng thái xử lý cho nơi gửi",
}

# an answer in the outbox (registry/models.OutboxKind), as a page names it
ANSWER_NAMES = {"ack": "thư xác nhận đã nhận", "return": "thư trả lại", "alert": "thư báo Văn thư kiểm tra",
                "digest": "bản tổng hợp", "document": "văn bản đi", "outgoing-held": "thư báo văn bản đi chờ Văn thư",
                "recall": "thư thu hồi văn bản", "recalled": "thư báo văn bản đã bị thu hồi",
                "recall-answer": "thư trả lời việc thu hồi", "passed": "thư chuyển xử lý",
                "reminder": "thư nhắc hạn giải quyết", "processing": "thư báo trạng thái xử lý"}

# a file of a mail, as the register keeps its role (registry/models.DocumentFile.role)
FILE_ROLES = {"document": "văn bản", "appendix": "phụ lục", "draft": "dự thảo", "extra": "tệp kèm theo",
              "refused": "tệp bị từ chối"}


def file_size(size: int) -> str:
    """A file's size as a Vietnamese page writes it: 512 byte, 448 KB, 1,5 MB (a decimal comma)."""
    if size < 1024:
        return f"{size} byte"
    if size < 1024 * 1024:
        return f"{round(size / 1024)} KB"
    return f"{size / (1024 * 1024):.1f} MB".replace(".", ",")


def day(iso: str | None) -> str:
    """An ISO date as Vietnamese pages write it: 2026-11-20 -> 20/11/2026 (anything else as it is)."""
    parts = (iso or "").split("-")
    return "/".join(reversed(parts)) if len(parts) == 3 and all(p.isdigit() for p in parts) else iso or ""


@dataclass(frozen=True)
class Visitor:
    """The person logged in on this request."""

    name: str
    role: Role
    unit: str | None
    csrf: str

    def may(self, action: Action) -> bool:
        return may(self.role, action)


@dataclass(frozen=True)
class NavItem:
    path: str
    label: str
    action: Action  # shown to those who may


def shown(value: object) -> object:
    """Every value a page prints (Jinja's finalize), its control and format characters shown as U+FFFD: a mail's
    subject, sender, file names, a certificate's name are written by anyone, and a bidi override in them drew the
    desk's own words after them mirrored (red team 64)."""
    if isinstance(value, Markup):  # a macro's output: its values shown already
        return Markup(visible(str(value)))
    return visible(value) if isinstance(value, str) else value


class LoginRequired(Exception):
    """No valid session: the handler of this exception sends the browser to the login page."""


class Desk:
    def __init__(self, gateway: Gateway, settings: Web, *, clock: Callable[[], float] = time.time) -> None:
        self.gateway = gateway
        self.settings = settings
        self.clock = clock
        self.throttle = LoginThrottle(clock)
        self.proxies = tuple(settings.proxies) if settings.behind_proxy else None
        self.nav: list[NavItem] = []
        env = Environment(loader=PackageLoader("gateway.web", "templates"), autoescape=select_autoescape(default=True),
                          finalize=shown, bytecode_cache=COMPILED)
        env.filters["when"] = self.when
        env.filters["day"] = day
        env.filters["local_day"] = lambda value: value.astimezone(self.gateway.config.tz).date().isoformat()
        env.filters["action"] = lambda code: ACTION_NAMES.get(code, code)
        env.filters["reason"] = lambda code: MESSAGES.get(code, code)
        env.filters["answer"] = lambda kind: ANSWER_NAMES.get(kind, kind)
        env.filters["file_role"] = lambda role: FILE_ROLES.get(role, role)
        env.filters["size"] = file_size
        env.globals["role_names"] = ROLE_NAMES
        env.globals["unit_names"] = {u.code: u.name for u in gateway.config.units}
        env.globals["agency"] = gateway.config.agency.name
        self.templates = Jinja2Templates(env=env)
        self._workers: WorkerPool | None = None
        self._workers_closing: weakref.finalize[[], Desk] | None = None  # closes the pool once
        self._workers_lock = threading.Lock()

    # ---- the worker process ----------------------------------------------------------------
    def workers(self) -> WorkerPool:
        """The desk's one worker process for PDFs (reading a letter to send, page pictures, a release),
        started at its first use and kept until the desk stops: started for each page, it cost the clerk
        about a second a page. Shared by the requests' threads (the pool started)."""
        with self._workers_lock:
            if self._workers is None:
                self._workers = self.gateway.worker_pool(size=1).start()
                # at the desk's shutdown, or when a desk dropped without one is collected
                self._workers_closing = weakref.finalize(self, self._workers.close)
            return self._workers

    def close(self) -> None:
        """The desk stops (the application's shutdown): its worker process too."""
        with self._workers_lock:
            closing, self._workers, self._workers_closing = self._workers_closing, None, None
        if closing is not None:
            closing()

    # ---- time ------------------------------------------------------------------------------
    def when(self, value: datetime | None) -> str:
        return value.astimezone(self.gateway.config.tz).strftime("%H:%M %d/%m/%Y") if value is not None else ""

    # ---- sessions --------------------------------------------------------------------------
    def csrf(self, request: Request) -> str:
        """The session's CSRF token (made for a visitor not yet logged in too: the login form has one)."""
        token = request.session.get("csrf")
        if not isinstance(token, str):
            token = request.session["csrf"] = new_csrf_token()
        return token

    def client(self, request: Request) -> str:
        lines = request.headers.getlist("x-forwarded-for")  # all its lines: the proxy's may be the last line
        return client_address(request.client.host if request.client else None,
                              ", ".join(lines) if lines else None, self.proxies)

    def moment(self) -> datetime:
        return datetime.fromtimestamp(self.clock(), timezone.utc)

    def log_in(self, request: Request, name: str) -> None:
        """A session begun: recorded in the register by its token's hash (registry/people.py), the token in the cookie."""
        now, token = self.clock(), new_session_token()
        self.log_out(request)  # a session this browser had (another person's, maybe) ends with it
        with self.gateway.register.session() as db, db.begin():
            people.start_session(db, name, token, self.moment(), lasting=timedelta(hours=self.settings.session_hours))
        request.session.update({"name": name, "csrf": new_csrf_token(), "login_at": now, "seen_at": now, "id": token})

    def log_out(self, request: Request) -> None:
        """End the session: cleared in the browser, and ended in the register (a copy of the cookie replayed is refused)."""
        token = request.session.get("id")
        if isinstance(token, str):
            with self.gateway.register.session() as db, db.begin():
                people.end_session(db, token, self.moment())
        request.session.clear()

    def visitor(self, request: Request) -> Visitor | None:
        """The person of this session: a session the register has and has not ended (the cookie's signature alone is no
        login: its key is in the register, which others may read), within its hours and not idle too long, the person
        still there and not disabled. Who it is and since when are the register's, never the cookie's."""
        session = request.session
        token, seen_at = session.get("id"), session.get("seen_at")
        if not isinstance(token, str) or not isinstance(seen_at, (int, float)):
            if "name" in session or "id" in session:  # a session's leftovers (kept: a visitor's token for the login form)
                session.clear()
            return None
        with self.gateway.register.session() as db:
            live = people.live_session(db, token)
            found = people.person(db, live.person) if live is not None else None
        now = self.clock()
        if live is None or found is None or not self._within_hours(live.started_at.timestamp(), seen_at, now):
            session.clear()
            return None
        session["seen_at"] = now
        return Visitor(found.name, found.role, found.unit, self.csrf(request))

    def _within_hours(self, login_at: float, seen_at: float, now: float) -> bool:
        return now - login_at <= self.settings.session_hours * 3600 and now - seen_at <= self.settings.idle_minutes * 60

    def reader(self, request: Request, action: Action = "read") -> Visitor:
        """The visitor, allowed `action`: else to the login page, or 403."""
        visitor = self.visitor(request)
        if visitor is None:
            raise LoginRequired()
        if not visitor.may(action):
            raise HTTPException(403, "Tài khoản này không được làm việc này.")
        return visitor

    async def acting(self, request: Request, action: Action, *, files: bool = False) -> tuple[Visitor, FormData]:
        """A form sent to act: a logged-in visitor allowed `action`, and the form with its CSRF token. `files`: the form
        may carry files (the upload's; its route bounds its size first)."""
        visitor = self.visitor(request)
        if visitor is None:
            raise LoginRequired()
        if not visitor.may(action):
            raise HTTPException(403, "Tài khoản này không được làm việc này.")
        return visitor, await self.checked_form(request, files=files)

    async def checked_form(self, request: Request, *, files: bool = False) -> FormData:
        """The form with its CSRF token. A form of fields alone is read only within FORM_BYTES, never a file of it (red
        team 100: a 20 MB file posted to /login with no session was spooled to disk, then refused)."""
        if not files:
            size = request.headers.get("content-length", "")
            if not size.isdecimal():
                raise HTTPException(411, "Biểu mẫu không cho biết dung lượng: hãy gửi lại từ trình duyệt.")
            if int(size) > FORM_BYTES:
                raise HTTPException(413, "Biểu mẫu quá lớn.")
        form = await request.form(max_files=MAX_FILES if files else 0)
        if not csrf_ok(request.session.get("csrf"), form.get("csrf")):
            raise HTTPException(403, "Biểu mẫu thiếu mã bảo vệ (CSRF) hoặc đã hết hạn: tải lại trang rồi làm lại.")
        return form

    def flash(self, request: Request, message: str, kind: str = "ok") -> None:
        request.session["flash"] = [kind, message]

    # ---- answers ---------------------------------------------------------------------------
    def page(self, request: Request, template: str, visitor: Visitor | None, status: int = 200,
             **context: Any) -> Response:
        flash = request.session.pop("flash", None)
        nav = [item for item in self.nav if visitor is not None and visitor.may(item.action)]
        return self.templates.TemplateResponse(request, template, {
            "visitor": visitor, "csrf": self.csrf(request), "flash": flash, "nav": nav, "path": request.url.path,
            **context}, status_code=status)

    @staticmethod
    def redirect(path: str) -> RedirectResponse:
        return RedirectResponse(path, status_code=303)

    @staticmethod
    def download(data: bytes, filename: str) -> Response:
        """A file to save, never shown by the browser in the desk's origin."""
        fallback = "".join(ch if ch.isascii() and (ch.isalnum() or ch in "._-") else "_" for ch in filename) or "tep"
        disposition = f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{urllib.parse.quote(filename, safe='')}"
        return Response(data, media_type="application/octet-stream", headers={"Content-Disposition": disposition})

    async def run(self, work: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
        """The register's work (and the worker processes') in a thread: the event loop serves others."""
        return await run_in_threadpool(work, *args, **kwargs)
