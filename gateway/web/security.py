"""The desk's defences, apart from its pages: the headers every answer carries, the client's address
(a proxy's X-Forwarded-For believed only from the configured proxy), failed logins slowed per account
and per address, CSRF tokens, and what each role may do (checked on the server, whatever a page shows)."""

from __future__ import annotations

import hmac
import ipaddress
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

from starlette.datastructures import MutableHeaders
from starlette.responses import PlainTextResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from registry.people import Role
from vntext import nfc

# no inline script or style anywhere: the pages use /static/desk.css and no script at all
CONTENT_SECURITY_POLICY = ("default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
                           "frame-ancestors 'none'; base-uri 'none'")

Action = Literal["read", "review", "register", "pass-on", "unit-work", "send"]

# what each role may do (issue 14): a viewer reads; a clerk acts on mail and the registers and passes
# documents on, and sends the agency's documents; a leader passes documents on; a unit's people work
# on what was passed to their unit
MAY: dict[Role, frozenset[Action]] = {
    "clerk": frozenset({"read", "review", "register", "pass-on", "send"}),
    "leader": frozenset({"read", "pass-on"}),
    "unit": frozenset({"unit-work"}),
    "viewer": frozenset({"read"}),
}


def may(role: Role, action: Action) -> bool:
    return action in MAY[role]


class SecurityHeaders:
    """ASGI middleware: the Content-Security-Policy, nosniff and their kin on every answer; pages are not
    kept by caches (they show the register)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        started = False

        async def with_headers(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                headers = MutableHeaders(scope=message)
                headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
                headers["X-Content-Type-Options"] = "nosniff"
                headers["X-Frame-Options"] = "DENY"
                headers["Referrer-Policy"] = "no-referrer"
                headers.setdefault("Cache-Control", "no-store")
            await send(message)

        try:
            await self.app(scope, receive, with_headers)
        except Exception:
            # a page that failed: its 500 answered here, with the headers (Starlette's own answer, made
            # outside this middleware, would carry none); the error goes on to be logged
            if not started:
                await PlainTextResponse("Lỗi.", status_code=500)(scope, receive, with_headers)
            raise


def client_address(peer: str | None, forwarded_for: str | None, proxies: tuple[str, ...] | None) -> str:
    """The client's address: the peer's, or, when the peer is one of the proxies, the last address of
    X-Forwarded-For (the one the proxy itself appended; anything before it the client could write)."""
    peer = peer or "unknown"
    if proxies is None or forwarded_for is None or not _one_of(peer, proxies):
        return peer
    last = forwarded_for.split(",")[-1].strip()
    try:
        return str(ipaddress.ip_address(last))
    except ValueError:
        return peer


def _one_of(address: str, proxies: tuple[str, ...]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address in proxies
    return any(ip in ipaddress.ip_network(p, strict=False) for p in proxies if p != "localhost") or (
        "localhost" in proxies and ip.is_loopback)


def new_csrf_token() -> str:
    return secrets.token_urlsafe(32)


def new_session_token() -> str:
    """A session's token (256 bits): the cookie holds it, the register only its SHA-256."""
    return secrets.token_urlsafe(32)


def csrf_ok(expected: str | None, given: object) -> bool:
    """Whether a form's token is the session's; compared as bytes: a token of any characters is refused, never a 500
    (red team 155: compare_digest raises on a str that is not ASCII)."""
    return bool(expected) and isinstance(given, str) and hmac.compare_digest(
        (expected or "").encode(), given.encode("utf-8", "surrogatepass"))


@dataclass
class _Failures:
    count: int = 0
    blocked_until: float = 0.0
    last: float = 0.0


@dataclass
class LoginThrottle:
    """Failed logins slowed per account and per address: after `free` failures each further one blocks
    the account (and the address) for twice as long as the last, from 2 s up to `longest`; a success
    clears the account's count. Kept in the desk's process (one process serves the desk)."""

    clock: Callable[[], float]
    free: int = 3
    longest: float = 900.0
    forget_after: float = 3600.0
    kept: int = 100_000  # keys kept at most: past it, those blocking nothing now are forgotten
    _by_key: dict[str, _Failures] = field(default_factory=dict)

    def wait(self, account: str, address: str) -> float:
        """Seconds until a login may be tried for this account from this address (0: now)."""
        now = self.clock()
        return max(0.0, *(self._get(key, now).blocked_until - now for key in self._keys(account, address)))

    def failed(self, account: str, address: str) -> None:
        now = self.clock()
        for key in self._keys(account, address):
            failures = self._get(key, now)
            failures.count += 1
            failures.last = now
            if failures.count > self.free:
                failures.blocked_until = now + min(self.longest, 2.0 ** (failures.count - self.free))

    def succeeded(self, account: str, address: str) -> None:
        """The password was right: the account's count cleared, and this attempt (counted by `failed`
        before the password was checked, so that guesses sent at once are slowed too) taken back."""
        account_key, address_key = self._keys(account, address)
        self._by_key.pop(account_key, None)
        failures = self._by_key.get(address_key)
        if failures is not None and failures.count > 0:
            failures.count -= 1

    def _keys(self, account: str, address: str) -> tuple[str, str]:
        """The account as people are found by it (NFC, spaces as one, any case): each spelling that logs in is one
        account's (red team 155: five spellings of one name had five counts)."""
        return f"account:{' '.join(nfc(account).split()).casefold()}", f"address:{_network(address)}"

    def _get(self, key: str, now: float) -> _Failures:
        failures = self._by_key.get(key)
        if failures is None or now - failures.last > self.forget_after and now >= failures.blocked_until:
            if failures is None and len(self._by_key) >= self.kept:
                self._by_key = {k: f for k, f in self._by_key.items() if f.blocked_until > now}
            failures = self._by_key[key] = _Failures()
        return failures


def _network(address: str) -> str:
    """An IPv6 address as its /64 (one site has them all: each would be an address of its own), any
    other address as it is."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address
    return str(ipaddress.ip_network(f"{ip}/64", strict=False)) if ip.version == 6 else address
