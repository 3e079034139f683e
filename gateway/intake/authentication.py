"""Is the From address really the sender? (Bắc Giang QĐ 133/2015 Đ4.1, Đ10: authenticity of origin.)

Authenticated when, for the From address, DKIM or DMARC passes in strict alignment, or the
province's server records that the sender logged in as that address (`auth=pass smtp.auth=From`).
Evidence comes from the Authentication-Results headers the province's own server wrote, or from
the gateway's own DKIM check (dkimpy), with keys from the config or from DNS.

Which Authentication-Results count (RFC 8601 §5): only those the province's servers added. A
server writes its results above its own Received line, so they stand above the Received line where
the mail entered the province (the first one, from the top, that a trusted host wrote `from` a host
outside `trusted_hosts`); of each trusted authserv-id the topmost counts. A header with a trusted id
below that line, or in a mail no trusted host received, came from outside: it is a forgery, and a
mail carrying one is not authenticated at all.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from email.message import Message

import authres
import dkim

from gateway.model import SenderAuth

DnsFunc = Callable[..., bytes | None]
_RECEIVED_BY = re.compile(r"\bby\s+\[?([^\s;()\]]+)", re.IGNORECASE)
_RECEIVED_FROM = re.compile(r"^\s*from\s+\[?([^\s;()\]]+)", re.IGNORECASE)


@dataclass(frozen=True)
class AuthSettings:
    trusted_authserv_ids: tuple[str, ...]
    dkim_keys: tuple[tuple[str, str], ...]
    dns: bool
    trusted_hosts: tuple[str, ...] = ()  # the province's own hops, as Received names them; default the ids
    shared_signing_domains: tuple[str, ...] = ()  # a d= here speaks for any From at or below it

    @property
    def hosts(self) -> frozenset[str]:
        return frozenset(h.lower().rstrip(".") for h in (self.trusted_hosts or self.trusted_authserv_ids))


@dataclass(frozen=True)
class TrustedResults:
    """The Authentication-Results headers that count, and those that were forged."""

    counted: tuple[authres.AuthenticationResultsHeader, ...]
    forged: tuple[str, ...]  # the authserv-ids found where the trusted server did not write them


def _domain(address: str) -> str:
    return address.rsplit("@", 1)[1].lower().rstrip(".") if "@" in address else ""


def aligned(signing_domain: str, from_domain: str, shared: tuple[str, ...] = ()) -> bool:
    """DMARC strict alignment (RFC 7489 §3.1.1): the same domain; or a domain the province signs
    all its agencies' mail with (`authentication.shared_signing_domains`), for a From at or below it."""
    signing, sender = signing_domain.lower().rstrip("."), from_domain.lower().rstrip(".")
    if signing == sender:
        return True
    return any(signing == d.lower() and (sender == d.lower() or sender.endswith("." + d.lower())) for d in shared)


def received_by(value: str) -> str:
    """The host that wrote a Received header (its `by` clause), lower case; '' when it names none."""
    match = _RECEIVED_BY.search(" ".join(value.split()))
    return match.group(1).lower().rstrip(".") if match else ""


def received_from(value: str) -> str:
    """The host a Received header says the mail came from (its `from` clause), lower case."""
    match = _RECEIVED_FROM.match(" ".join(value.split()))
    return match.group(1).lower().rstrip(".") if match else ""


def entry_line(headers: list[tuple[str, str]], hosts: frozenset[str]) -> int | None:
    """The index of the Received line where the mail entered the province's servers: walking down
    the trusted hops, the first written by a trusted host from an outside one. None when the topmost
    Received was written outside (or there is none): then no header is the province's."""
    entry = None
    for index, (name, value) in enumerate(headers):
        if name.lower() != "received":
            continue
        if received_by(value) not in hosts:
            break
        entry = index
        if received_from(value) not in hosts:
            break
    return entry


def _parse(value: str) -> authres.AuthenticationResultsHeader | None:
    try:
        return authres.AuthenticationResultsHeader.parse("Authentication-Results: " + " ".join(value.split()))
    except Exception:  # authres raises its own and generic errors on bad syntax
        return None


def trusted_results(headers: list[tuple[str, str]], settings: AuthSettings) -> TrustedResults:
    """RFC 8601 §5: the results above the line where the mail entered the province count."""
    ids = {t.lower() for t in settings.trusted_authserv_ids}
    entry = entry_line(headers, settings.hosts)
    counted: list[authres.AuthenticationResultsHeader] = []
    forged: list[str] = []
    seen: set[str] = set()
    for index, (name, value) in enumerate(headers):
        if name.lower() != "authentication-results":
            continue
        header = _parse(str(value))
        authserv = (header.authserv_id or "").lower() if header is not None else _loose_id(str(value))
        if authserv not in ids:
            continue
        if entry is None or index > entry or header is None:
            forged.append(authserv)
        elif authserv not in seen:  # a later hop's own result comes first; an older one is not this mail's
            counted.append(header)
            seen.add(authserv)
    return TrustedResults(tuple(counted), tuple(forged))


def _loose_id(value: str) -> str:
    """The authserv-id of a header authres cannot parse (its first token)."""
    return value.strip().split(";", 1)[0].split()[0].lower() if value.strip() else ""


def from_evidence(
    results: tuple[authres.AuthenticationResultsHeader, ...], from_address: str, shared: tuple[str, ...] = (),
) -> tuple[str, str] | None:
    """(method, detail) of the first passing, strictly aligned result for the From address."""
    from_domain = _domain(from_address)
    for header in results:
        for result in header.results:
            method = (result.method or "").lower()
            if (result.result or "").lower() != "pass":
                continue
            props = {f"{p.type}.{p.name}".lower(): str(p.value).strip().strip("<>").lower() for p in result.properties}
            if method == "dkim":
                domain = props.get("header.d") or _domain(props.get("header.i", ""))
                if domain and aligned(domain, from_domain, shared):
                    return "dkim", f"{header.authserv_id}: dkim=pass header.d={domain}"
            elif method == "dmarc":
                if from_domain and props.get("header.from") == from_domain:
                    return "dmarc", f"{header.authserv_id}: dmarc=pass header.from={from_domain}"
            elif method == "auth":
                if from_address and props.get("smtp.auth") == from_address:
                    return "smtp-auth", f"{header.authserv_id}: auth=pass smtp.auth={from_address}"
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
        if domain and aligned(domain, from_domain, settings.shared_signing_domains):
            return "dkim", f"dkim=pass d={domain} (gateway)"
    return None


def authenticate(raw: bytes, msg: Message, from_addresses: list[str], settings: AuthSettings) -> SenderAuth:
    address = from_addresses[0] if from_addresses else ""
    results = trusted_results([(str(k), str(v)) for k, v in msg.items()], settings)
    if results.forged:
        ids = ", ".join(dict.fromkeys(results.forged))
        return SenderAuth(address=address, authenticated=False, detail=f"Authentication-Results giả mạo ({ids})",
                          forged_results=ids)
    if len(set(from_addresses)) != 1:
        detail = "no From address" if not from_addresses else "several From addresses"
        return SenderAuth(address=address, authenticated=False, detail=detail)
    found = from_evidence(results.counted, address, settings.shared_signing_domains)
    if found is None:
        found = dkim_evidence(raw, msg, settings, address)
    if found is None:
        return SenderAuth(address=address, authenticated=False, detail="no passing DKIM, DMARC or SMTP AUTH for From")
    return SenderAuth(address=address, authenticated=True, method=found[0], detail=found[1])
