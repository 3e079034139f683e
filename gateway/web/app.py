"""The clerk's desk as an ASGI application (Starlette), and `serve`, which runs it under uvicorn in a
process of its own (`qlvb-gateway web`): the daemon and the desk restart apart.

Sessions are Starlette's signed cookies (itsdangerous), HttpOnly and SameSite=Lax, Secure under TLS
or behind the proxy (which gives TLS), signed with a key kept beside the register (so that a restart
keeps people logged in); each request checks the session's age and the person in the register."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Mount
from starlette.staticfiles import StaticFiles

from gateway.app import Gateway
from gateway.config import Config, Web
from gateway.web import pages, passing_pages
from gateway.web.desk import Desk, LoginRequired
from gateway.web.security import SecurityHeaders
from registry.keys import register_key

SESSION_KEY = "desk-sessions"  # the register key that signs the desk's cookies
STATIC = Path(__file__).parent / "static"

# the page modules, each giving its routes (and its items of the menu) on the desk
PAGE_MODULES: list[Callable[[Desk], list[BaseRoute]]] = [pages.routes, passing_pages.routes]


def make_app(gateway: Gateway, *, clock: Callable[[], float] = time.time) -> Starlette:
    settings = gateway.config.web
    desk = Desk(gateway, settings, clock=clock)
    routes: list[BaseRoute] = [Mount("/static", StaticFiles(directory=STATIC), name="static")]
    for module in PAGE_MODULES:
        routes.extend(module(desk))

    async def to_login(request: Request, _exc: Exception) -> Response:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return desk.redirect(f"/login?next={target}" if request.method == "GET" else "/login")

    async def refused(request: Request, exc: Exception) -> Response:
        status = exc.status_code if isinstance(exc, HTTPException) else 500
        detail = exc.detail if isinstance(exc, HTTPException) else ""
        message = detail if status in (403, 404) and detail else {403: "Không được phép.", 404: "Không có trang này.",
                                                                  405: "Không làm được như vậy ở trang này."}.get(status, "Lỗi.")
        return desk.page(request, "error.html", desk.visitor(request), status=status, message=message)

    secure = settings.tls is not None or settings.behind_proxy
    app = Starlette(routes=routes, middleware=[
        Middleware(SecurityHeaders),
        Middleware(SessionMiddleware, secret_key=register_key(gateway.register, SESSION_KEY).hex(),
                   session_cookie="qlvb_desk", max_age=int(settings.session_hours * 3600), same_site="lax",
                   https_only=secure),
    ], exception_handlers={LoginRequired: to_login, HTTPException: refused})
    app.state.desk = desk
    return app


def serve(config: Config) -> None:
    """Serve the desk until SIGTERM or Ctrl-C (uvicorn's own handling)."""
    import uvicorn

    web: Web = config.web
    gateway = Gateway.open(config)
    try:
        uvicorn.run(make_app(gateway), host=web.host, port=web.port, proxy_headers=False, server_header=False,
                    ssl_certfile=str(web.tls.cert) if web.tls else None, ssl_keyfile=str(web.tls.key) if web.tls else None,
                    log_level="info")
    finally:
        gateway.close()
