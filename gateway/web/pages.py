"""The desk's pages for the clerk: logging in and out, Today (the landing page), Review (held mails:
release, return, discard through gateway/review.py) and the incoming register (search, a document's
page, its files as downloads)."""

from __future__ import annotations

import asyncio
from concurrent.futures import Future
from datetime import date, datetime, timezone
from typing import BinaryIO

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse
from starlette.routing import BaseRoute, Route
from starlette.types import Receive, Scope, Send

from gateway import review
from gateway.intake.pipeline import Intake
from gateway.web.desk import Desk, NavItem
from gateway.web.page_cache import PDF_ROLES, NotDrawnNow, PageCache
from gateway.web.trail import document_trail
from registry import desk_reads, people, queries
from registry.models import DocumentFile, Mail
from registry.search import RegisterPage, RegisterQuery, search_register

# a decision that could not be made, told on the page (the CLI says it in its own words)
REFUSED: dict[review.ReviewProblem, str] = {
    "no-such-mail": "Không có thư này.",
    "not-waiting": "Thư này đã được quyết định rồi (có thể bởi người khác cùng lúc).",
    "unanalysable": "Hệ thống không phân tích lại được thư này: hãy trả lại hoặc bỏ qua.",
    "nothing-to-register": "Thư không có văn bản nào để vào sổ: hãy trả lại hoặc bỏ qua.",
    "sender-unproven": "Không trả lại: không có gì chứng minh địa chỉ gửi (không có DKIM, DMARC hay đăng nhập máy chủ "
                       "thư của tỉnh), thư trả lời có thể đến người không hề gửi. Hãy bỏ qua thư này.",
    "sender-not-agency": "Không trả lại: địa chỉ gửi không phải hộp thư của cơ quan nào trong danh bạ. Hãy bỏ qua thư này.",
    "recalled": "Văn bản trong thư này đã bị cơ quan ban hành thu hồi: không vào sổ lại. Hãy trả lại hoặc bỏ qua.",
    "registered": "Văn bản trong thư này đã vào sổ văn bản đến trước đó (một văn bản chỉ một số đến). Hãy bỏ qua thư này.",
    "secret": "Văn bản trong thư này có dấu chỉ độ mật: không vào sổ từ thư điện tử, các tệp của thư đã được hủy. Hãy trả "
              "lại (đề nghị gửi văn bản giấy) hoặc bỏ qua thư này.",
    "year-closed": "Thư này đến trong một năm mà sổ văn bản đến đã khóa (đã in, ký và đóng sổ): không cấp thêm số đến vào "
                   "sổ đó. Hãy trả lại hoặc bỏ qua thư này.",
    "unavailable": "Hệ thống tạm thời không phân tích được thư (ổ đĩa đầy, hoặc các tiến trình đọc văn bản không chạy): "
                   "thư vẫn chờ, hãy thử lại sau và báo người quản trị.",
    "no-reason": "Hãy ghi lý do trả lại: nơi gửi cần biết vì sao.",
}

NAV = [NavItem("/", "Hôm nay", "read"), NavItem("/review", "Chờ kiểm tra", "read"),
       NavItem("/register", "Sổ văn bản đến", "read")]


def _next_path(value: object) -> str:
    """Where to go after logging in: a path of the desk only (never another site)."""
    if isinstance(value, str) and value.startswith("/") and not value.startswith("//") and "\\" not in value:
        return value
    return "/"


def _int(value: str) -> int:
    """A number of the address (an id, a page): one the register's integers can hold, else 404."""
    try:
        number = int(value)
    except ValueError:
        raise HTTPException(404) from None
    if abs(number) >= 2**31:
        raise HTTPException(404)
    return number


PICTURES_WAIT_SECONDS = 5.0  # a page waits this long for its PDFs' pictures being drawn, then says they are on the way
HELD_ROWS = 200  # the held mails a page lists, the oldest (a flood of 10,000 listed whole: 31 MB a page, red team 22)
DATE_FIELDS = (("from", "Đến từ ngày"), ("to", "đến ngày"))  # the register search's dates, as its form labels them


def _date(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def routes(desk: Desk) -> list[BaseRoute]:
    gateway = desk.gateway
    pictures = PageCache(gateway, desk.workers)
    desk.nav.extend(NAV)

    async def login_form(request: Request) -> Response:
        if desk.visitor(request) is not None:
            return desk.redirect("/")
        return desk.page(request, "login.html", None, next=_next_path(request.query_params.get("next")))

    async def login(request: Request) -> Response:
        form = await desk.checked_form(request)
        # a name is 100 characters at most (registry/people.py): a longer one is kept short, never whole
        name, password = str(form.get("name") or "").strip()[:101], str(form.get("password") or "")
        next_path = _next_path(form.get("next"))
        address = desk.client(request)
        wait = desk.throttle.wait(name, address)
        if wait > 0:
            return desk.page(request, "login.html", None, status=429, next=next_path, name=name,
                             error=f"Đăng nhập sai nhiều lần: hãy thử lại sau {int(wait) + 1} giây.")

        def check() -> people.PersonRow | None:
            with gateway.register.session() as db, db.begin():
                return people.check_password(db, name, password, datetime.fromtimestamp(desk.clock(), timezone.utc))
        desk.throttle.failed(name, address)  # counted before the slow check: guesses sent at once are slowed too
        found = await desk.run(check)
        if found is None:
            return desk.page(request, "login.html", None, status=401, next=next_path, name=name,
                             error="Tên đăng nhập hoặc mật khẩu không đúng.")
        desk.throttle.succeeded(name, address)
        desk.log_in(request, found.name)
        return desk.redirect(next_path)

    async def logout(request: Request) -> Response:
        await desk.checked_form(request)
        desk.log_out(request)
        desk.flash(request, "Đã đăng xuất.")
        return desk.redirect("/login")

    async def today(request: Request) -> Response:
        visitor = desk.visitor(request)
        if visitor is None:
            return desk.redirect("/login")
        if not visitor.may("read"):  # a unit's people: their own page
            return desk.page(request, "unit_home.html", visitor)

        def read() -> desk_reads.Today:
            with gateway.register.session() as db:
                return desk_reads.today(db, datetime.fromtimestamp(desk.clock(), gateway.config.tz).date(),
                                         agency_code=gateway.config.agency.code)
        return desk.page(request, "today.html", visitor, today=await desk.run(read))

    async def held_list(request: Request) -> Response:
        visitor = desk.reader(request)
        held = await desk.run(review.waiting, gateway, HELD_ROWS)
        count = await desk.run(review.waiting_count, gateway) if len(held) == HELD_ROWS else len(held)
        return desk.page(request, "review_list.html", visitor, held=held, held_count=count)

    async def held_mail(request: Request) -> Response:
        visitor = desk.reader(request)
        mail_id = _int(request.path_params["mail_id"])
        try:
            detail = await desk.run(review.show, gateway, mail_id)
        except review.ReviewError:
            raise HTTPException(404, "Không có thư này.") from None
        pdfs = [f for f in detail.files if f.role in PDF_ROLES and f.filename.lower().endswith(".pdf")]
        counts = await _drawn([await desk.run(pictures.pictures, f.sha256) for f in pdfs])
        return desk.page(request, "review_mail.html", visitor, detail=detail, pictures=list(zip(pdfs, counts, strict=True)))

    async def decide(request: Request) -> Response:
        visitor, form = await desk.acting(request, "review")
        mail_id = _int(request.path_params["mail_id"])
        what = request.path_params["what"]
        reason = str(form.get("reason") or "").strip()
        note = str(form.get("note") or "").strip()
        if what == "return" and not reason:
            desk.flash(request, "Cần ghi lý do trả lại.", "error")
            return desk.redirect(f"/review/{mail_id}")

        def act() -> str:
            if what == "release":
                released = review.release(gateway, Intake(gateway, desk.workers()), mail_id, visitor.name)
                review.refile(gateway, mail_id, "accepted")
                numbers = ", ".join(str(r.incoming_number) for r in released)
                return f"Đã vào sổ thư số {mail_id}: số đến {numbers}."
            if what == "return":
                review.return_to_sender(gateway, Intake(gateway, desk.workers()), mail_id, reason, visitor.name)
                review.refile(gateway, mail_id, "returned")
                return f"Đã trả lại thư số {mail_id} cho nơi gửi."
            review.discard(gateway, mail_id, visitor.name, note)
            return f"Đã bỏ qua thư số {mail_id} (không trả lời)."
        if what not in ("release", "return", "discard"):
            raise HTTPException(404)
        try:
            desk.flash(request, await desk.run(act))
        except review.ReviewError as exc:
            desk.flash(request, REFUSED[exc.problem], "error")
            return desk.redirect(f"/review/{mail_id}")
        return desk.redirect("/review")

    async def register_page(request: Request) -> Response:
        visitor = desk.reader(request)
        params = request.query_params
        query = RegisterQuery(number=params.get("number", ""), issuer=params.get("issuer", ""),
                              type_name=params.get("type", ""), words=params.get("words", ""),
                              start=_date(params.get("from")), end=_date(params.get("to")))
        page = _int(params.get("page", "1") or "1")
        # a date that is not one: said, and nothing searched (rather than everything shown unfiltered)
        bad_dates = [(label, params[key]) for key, label in DATE_FIELDS if params.get(key) and _date(params[key]) is None]

        def find() -> RegisterPage:
            with gateway.register.session() as db:
                return search_register(db, query, gateway.config.tz, page=page, agency_code=gateway.config.agency.code)
        found = RegisterPage((), 0, 1, 1) if bad_dates else await desk.run(find)
        keep = [(k, v) for k, v in params.multi_items() if k != "page" and v]
        return desk.page(request, "register.html", visitor, query=query, found=found, keep=keep, bad_dates=bad_dates)

    async def document_page(request: Request) -> Response:
        visitor = desk.reader(request)
        document_id = _int(request.path_params["document_id"])

        def read() -> desk_reads.DocumentView | None:
            with gateway.register.session() as db:
                return desk_reads.document_view(db, document_id, gateway.config.agency.code)
        view = await desk.run(read)
        if view is None:
            raise HTTPException(404, "Không có văn bản này trong sổ.")
        return desk.page(request, "document.html", visitor, view=view, trail=document_trail(view))

    async def mail_file(request: Request) -> Response:
        desk.reader(request)
        mail_id, sha256 = _int(request.path_params["mail_id"]), request.path_params["sha256"]

        def read() -> tuple[DocumentFile | None, Mail | None]:
            with gateway.register.session() as db:
                return desk_reads.mail_file(db, mail_id, sha256), db.get(Mail, mail_id)
        found, mail = await desk.run(read)
        if found is None or mail is None or not mail.stored or not gateway.store.has(found.sha256):
            raise HTTPException(404, "Không có tệp này.")
        return desk.download(gateway.store.get(found.sha256), found.filename)

    async def page_picture(request: Request) -> Response:
        desk.reader(request)
        mail_id, sha256 = _int(request.path_params["mail_id"]), request.path_params["sha256"]

        number = _int(request.path_params["number"])

        def read() -> bool:
            with gateway.register.session() as db:
                found, mail = desk_reads.mail_file(db, mail_id, sha256), db.get(Mail, mail_id)
            return found is not None and mail is not None and mail.stored and found.role in PDF_ROLES
        if not await desk.run(read):
            raise HTTPException(404, "Không có trang này.")
        [count] = await _drawn([await desk.run(pictures.pictures, sha256)])
        if count is None:
            raise HTTPException(503, "Trang đang được dựng hình: thử lại sau ít giây.", headers={"Retry-After": "5"})
        png = await desk.run(pictures.png, sha256, number)
        if png is None:
            raise HTTPException(404, "Không có trang này.")
        return PictureResponse(png)  # made by our worker from the PDF, not the sender's bytes

    async def original_mail(request: Request) -> Response:
        desk.reader(request)
        mail_id = _int(request.path_params["mail_id"])

        def read() -> Mail | None:
            with gateway.register.session() as db:
                # a held mail carrying a document its issuer recalled: its bytes are kept for the clerk's release only
                return None if queries.carries_recalled(db, mail_id) else db.get(Mail, mail_id)
        mail = await desk.run(read)
        if mail is None or not mail.stored or not gateway.store.has(mail.sha256):
            raise HTTPException(404, "Không còn thư gốc.")
        return desk.download(gateway.store.get(mail.sha256), f"thu-{mail_id}.eml")

    return [
        Route("/login", login_form, methods=["GET"]),
        Route("/login", login, methods=["POST"]),
        Route("/logout", logout, methods=["POST"]),
        Route("/", today, methods=["GET"]),
        Route("/review", held_list, methods=["GET"]),
        Route("/review/{mail_id}", held_mail, methods=["GET"]),
        Route("/review/{mail_id}/{what}", decide, methods=["POST"]),
        Route("/register", register_page, methods=["GET"]),
        Route("/documents/{document_id}", document_page, methods=["GET"]),
        Route("/mails/{mail_id}/files/{sha256}", mail_file, methods=["GET"]),
        Route("/mails/{mail_id}/original", original_mail, methods=["GET"]),
        Route("/mails/{mail_id}/files/{sha256}/pages/{number}", page_picture, methods=["GET"]),
    ]


async def _drawn(found: list[int | Future[int]]) -> list[int | None]:
    """The PDFs' picture counts, those being drawn waited for together for PICTURES_WAIT_SECONDS at most (None: not
    drawn yet, or not this time), on the event loop: a request waiting holds none of the threads every page's register
    work needs (red team 81: 45 requests during one slow drawing held all 40, and logging in waited)."""
    drawings = {id(f): asyncio.wrap_future(f) for f in found if isinstance(f, Future)}
    if drawings:
        await asyncio.wait([asyncio.shield(d) for d in drawings.values()], timeout=PICTURES_WAIT_SECONDS)
    return [f if isinstance(f, int) else _count(drawings[id(f)]) for f in found]


def _count(drawing: asyncio.Future[int]) -> int | None:
    if not drawing.done() or isinstance(drawing.exception(), NotDrawnNow):
        return None
    return drawing.result()


class PictureResponse(StreamingResponse):
    """A kept picture sent as it is read from the disk (red team 85: read whole, eight requests took the web process to
    947 MB), its file closed however the sending ends (red team 87: a client gone mid-picture left it open, a file
    descriptor each, a recalled picture's blocks on the disk)."""

    def __init__(self, picture: BinaryIO, chunk: int = 64 * 1024) -> None:
        super().__init__(iter(lambda: picture.read(chunk), b""), media_type="image/png")
        self.picture = picture

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            await super().__call__(scope, receive, send)
        finally:
            self.picture.close()
