"""The clerk's desk as an ASGI application (Starlette), and `serve`, which runs it under uvicorn in a
process of its own (`qlvb-gateway web`): the daemon and the desk restart apart.

Sessions are Starlette's signed cookies (itsdangerous), HttpOnly and SameSite=Lax, Secure under TLS
or behind the proxy (which gives TLS; the cookie then named __Host-), signed with a key kept beside the
register (so that a restart keeps people logged in). The signature is no login (the register, and so the key, may be
read by others: red team 76): the cookie holds a session's token, and each request needs its session in the register,
not ended (registry/people.py), within its hours, its person there and not disabled."""

from __future__ import annotations

import html
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from http import HTTPStatus
from pathlib import Path

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

from gateway.app import Gateway
from gateway.config import Config, Web
from gateway.web import outgoing_pages, pages, passing_pages, printed_pages
from gateway.web.desk import Desk, LoginRequired
from gateway.web.security import SecurityHeaders
from registry.errors import RegisterUnavailable
from registry.keys import register_key

SESSION_KEY = "desk-sessions"  # the register key that signs the desk's cookies
STATIC = Path(__file__).parent / "static"

# the page modules, each giving its routes (and its items of the menu) on the desk
PAGE_MODULES: list[Callable[[Desk], list[BaseRoute]]] = [pages.routes, passing_pages.routes, printed_pages.routes,
                                                           outgoing_pages.routes]


SIGNING_IN_AND_OUT = ("/login", "/logout")  # the only forms a viewer sends


def viewers_read_only(desk: Desk, routes: list[BaseRoute]) -> list[BaseRoute]:
    """Every form but logging in and out refused to a viewer before its page's own checks: a viewer
    reads, whatever a page module forgets."""
    guarded: list[BaseRoute] = []
    for route in routes:
        if isinstance(route, Route) and "POST" in (route.methods or ()) and route.path not in SIGNING_IN_AND_OUT:
            route = Route(route.path, _refusing_viewers(desk, route.endpoint), methods=list(route.methods or ()),
                          name=route.name)
        guarded.append(route)
    return guarded


def _refusing_viewers(desk: Desk, endpoint: Callable[[Request], Awaitable[Response]]) -> Callable[[Request], Awaitable[Response]]:
    async def guarded(request: Request) -> Response:
        visitor = desk.visitor(request)
        if visitor is not None and visitor.role == "viewer":
            raise HTTPException(403, "Tài khoản chỉ được xem: không được làm việc này.")
        return await endpoint(request)
    return guarded


def secure(settings: Web) -> bool:
    """The desk is reached by https: its own TLS, or the proxy's."""
    return settings.tls is not None or settings.behind_proxy


def session_cookie(settings: Web) -> str:
    """The session cookie's name: under https with the __Host- prefix (RFC 6265bis 4.1.3.2: the browser keeps
    it only Secure, Path=/ and without Domain, so a sibling subdomain cannot plant one); plain on loopback
    http, where a browser would refuse a __Host- cookie that is not Secure."""
    return "__Host-qlvb_desk" if secure(settings) else "qlvb_desk"


async def _favicon(_request: Request) -> Response:
    """The desk's small icon, where browsers look for it (same origin: the CSP's img-src 'self')."""
    return FileResponse(STATIC / "favicon.ico", media_type="image/x-icon")


def make_app(gateway: Gateway, *, clock: Callable[[], float] = time.time) -> Starlette:
    settings = gateway.config.web
    desk = Desk(gateway, settings, clock=clock)
    routes: list[BaseRoute] = [Mount("/static", StaticFiles(directory=STATIC), name="static"),
                               Route("/favicon.ico", _favicon, methods=["GET"])]
    for module in PAGE_MODULES:
        routes.extend(viewers_read_only(desk, module(desk)))

    async def to_login(request: Request, _exc: Exception) -> Response:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return desk.redirect(f"/login?next={target}" if request.method == "GET" else "/login")

    async def refused(request: Request, exc: Exception) -> Response:
        status = exc.status_code if isinstance(exc, HTTPException) else 500
        detail = exc.detail if isinstance(exc, HTTPException) else ""
        own = detail and detail != HTTPStatus(status).phrase  # a page's own words, not Starlette's "Not Found"
        message = detail if status in (403, 404) and own else {403: "Không được phép.", 404: "Không có trang này.",
                                                                  405: "Không làm được như vậy ở trang này."}.get(status, "Lỗi.")
        return desk.page(request, "error.html", desk.visitor(request), status=status, message=message)

    async def no_register(request: Request, exc: Exception) -> Response:
        """The register gone or replaced under the desk (red team 102: every page a bare 500): said, in a page of its own
        (the usual one looks the visitor up in the register)."""
        return HTMLResponse(f"<!doctype html><html lang=\"vi\"><meta charset=\"utf-8\"><title>Sổ đăng ký</title><p>Không "
                            f"mở được sổ đăng ký: {html.escape(str(exc))}.</p><p>Báo người quản trị: đặt lại sổ (hoặc khôi "
                            "phục bản sao lưu), rồi khởi động lại bàn làm việc và dịch vụ nhận thư.</p></html>", 503)

    @asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        try:
            yield
        finally:
            desk.close()

    app = Starlette(routes=routes, lifespan=lifespan, middleware=[
        Middleware(SecurityHeaders),
        # a page of another site whose name was made to point at the desk (DNS rebinding) is refused, 400
        Middleware(TrustedHostMiddleware, allowed_hosts=settings.allowed_hosts(), www_redirect=False),
        Middleware(SessionMiddleware, secret_key=register_key(gateway.register, SESSION_KEY).hex(),
                   session_cookie=session_cookie(settings), max_age=int(settings.session_hours * 3600),
                   same_site="lax", https_only=secure(settings)),
    ], exception_handlers={LoginRequired: to_login, HTTPException: refused, RegisterUnavailable: no_register})
    app.state.desk = desk
    return app


def serve(config: Config) -> None:
    """Serve the desk until SIGTERM or Ctrl-C (uvicorn's own handling)."""
    import uvicorn

    config.check_secrets(mail=False)  # the signing key's password: said at start, not at the clerk's first send
    web: Web = config.web
    gateway = Gateway.open(config)
    try:
        uvicorn.run(make_app(gateway), host=web.host, port=web.port, proxy_headers=False, server_header=False,
                    timeout_graceful_shutdown=10,  # SIGTERM: what is under way finishes, idle connections wait no longer
                    ssl_certfile=str(web.tls.cert) if web.tls else None, ssl_keyfile=str(web.tls.key) if web.tls else None,
                    log_level="info")
    finally:
        gateway.close()
