"""Is the From address really the sender? (Bắc Giang QĐ 133/2015 Đ10: check authenticity of origin.)

Authenticated when, for the From address, DKIM (aligned) or DMARC passes, or the province's server
records that the sender logged in as that address (`auth=pass smtp.auth=From`). Evidence comes
from Authentication-Results headers written by a trusted host (others are ignored) or from the
gateway's own DKIM check (dkimpy), with keys from the config or from DNS.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from email.message import Message

import authres
import dkim
from publicsuffixlist import PublicSuffixList

from gateway.model import SenderAuth

DnsFunc = Callable[..., bytes | None]


@dataclass(frozen=True)
class AuthSettings:
    trusted_authserv_ids: tuple[str, ...]
    dkim_keys: tuple[tuple[str, str], ...]
    dns: bool


@functools.lru_cache(maxsize=1)
def _psl() -> PublicSuffixList:
    return PublicSuffixList()


def organisational_domain(domain: str) -> str:
    domain = domain.lower().rstrip(".")
    return _psl().privatesuffix(domain) or domain


def aligned(signing_domain: str, from_domain: str) -> bool:
    """DMARC relaxed alignment: the same organisational domain (RFC 7489 §3.1.1)."""
    return organisational_domain(signing_domain) == organisational_domain(from_domain)


def _domain(address: str) -> str:
    return address.rsplit("@", 1)[1].lower() if "@" in address else ""


def from_evidence(header_values: list[str], trusted: tuple[str, ...], from_address: str) -> tuple[str, str] | None:
    """(method, detail) of the first passing, aligned result in a trusted Authentication-Results header."""
    trusted_ids = {t.lower() for t in trusted}
    from_domain = _domain(from_address)
    for value in header_values:
        try:
            header = authres.AuthenticationResultsHeader.parse("Authentication-Results: " + " ".join(value.split()))
        except Exception:  # authres raises its own and generic errors on bad syntax
            continue
        if (header.authserv_id or "").lower() not in trusted_ids:
            continue
        for result in header.results:
            method = (result.method or "").lower()
            if (result.result or "").lower() != "pass":
                continue
            props = {f"{p.type}.{p.name}".lower(): str(p.value).strip().strip("<>").lower() for p in result.properties}
            if method == "dkim":
                domain = props.get("header.d") or _domain(props.get("header.i", ""))
                if domain and aligned(domain, from_domain):
                    return "dkim", f"{header.authserv_id}: dkim=pass header.d={domain}"
            elif method == "dmarc":
                if props.get("header.from", from_domain) == from_domain:
                    return "dmarc", f"{header.authserv_id}: dmarc=pass"
            elif method == "auth":
                login = props.get("smtp.auth", "")
                if login == from_address:
                    return "smtp-auth", f"{header.authserv_id}: auth=pass smtp.auth={login}"
    return None


def _dns_func(settings: AuthSettings) -> DnsFunc:
    static = {name.lower().rstrip("."): value for name, value in settings.dkim_keys}

    def lookup(name: bytes | str, timeout: int = 5) -> bytes | None:
        key = (name.decode() if isinstance(name, bytes) else name).lower().rstrip(".")
        if key in static:
            return static[key].encode()
        if not settings.dns:
            return None
        try:
            return dkim.dnsplug.get_txt(name if isinstance(name, bytes) else name.encode(), timeout=min(timeout, 3))
        except Exception:  # no resolver, timeout, NXDOMAIN: no key
            return None

    return lookup


def dkim_evidence(raw: bytes, msg: Message, settings: AuthSettings, from_address: str) -> tuple[str, str] | None:
    """Verify every DKIM-Signature; the first valid one aligned with From is the evidence."""
    count = len(msg.get_all("DKIM-Signature", []) or [])
    if count == 0:
        return None
    verifier = dkim.DKIM(raw)
    dnsfunc = _dns_func(settings)
    from_domain = _domain(from_address)
    for index in range(count):
        try:
            ok = verifier.verify(idx=index, dnsfunc=dnsfunc)
        except Exception:  # dkimpy raises on malformed signatures and keys
            continue
        if not ok:
            continue
        domain = (verifier.domain or b"").decode("ascii", "replace")
        if domain and aligned(domain, from_domain):
            return "dkim", f"dkim=pass d={domain} (gateway)"
    return None


def authenticate(raw: bytes, msg: Message, from_addresses: list[str], settings: AuthSettings) -> SenderAuth:
    if len(set(from_addresses)) != 1:
        detail = "no From address" if not from_addresses else "several From addresses"
        return SenderAuth(address=from_addresses[0] if from_addresses else "", authenticated=False, detail=detail)
    address = from_addresses[0]
    headers = [str(v) for v in (msg.get_all("Authentication-Results", []) or [])]
    found = from_evidence(headers, settings.trusted_authserv_ids, address)
    if found is None:
        found = dkim_evidence(raw, msg, settings, address)
    if found is None:
        return SenderAuth(address=address, authenticated=False, detail="no passing DKIM, DMARC or SMTP AUTH for From")
    return SenderAuth(address=address, authenticated=True, method=found[0], detail=found[1])
