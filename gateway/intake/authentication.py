"""Is the From address really the sender? (Bắc Giang QĐ 133/2015 Đ4.1, Đ10: authenticity of origin.)

Authenticated when, for the From address, DKIM or DMARC passes in strict alignment, or the
province's server records that the sender logged in as that address (`auth=pass smtp.auth=From`).
Evidence comes from the Authentication-Results headers the province's own server wrote, or from
the gateway's own DKIM check (dkimpy), with keys from the config or from DNS.

Which Authentication-Results count (RFC 8601 §5): only those the province's servers added. A
server writes its results above its own Received line, so they stand above the Received line where
the mail entered the province (the first one, from the top, that a trusted host wrote `from` a host
outside `trusted_hosts`); of each trusted authserv-id those of its latest pass count (the topmost, and the
headers beside it above that pass's Received line: one a milter). A header with a trusted id
below that line, or in a mail no trusted host received, came from outside: it is a forgery, and a
mail carrying one is not authenticated at all.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING
from email.message import Message

import authres
import dkim

from gateway.intake.logins import login_domains, recorded_logins
from gateway.model import SenderAuth

if TYPE_CHECKING:
    from gateway.config import Authentication

DnsFunc = Callable[..., bytes | None]
_RECEIVED_BY = re.compile(r"\bby\s+\[?([^\s;()\]]+)", re.IGNORECASE)
_RECEIVED_FROM = re.compile(r"^\s*from\s+\[?([^\s;()\]]+)\]?", re.IGNORECASE)
_BARE_CR = re.compile(rb"\r(?!\n)")
_PYTHON_HEADER_LINE = re.compile(rb"From |[\041-\071\073-\176]*:|[\t ]")  # email.feedparser.headerRE
# a province's own hops: RFC 1918, loopback, IPv6 unique-local and loopback (not Python's is_private, which counts
# the documentation ranges a forger's test address is taken from)
_INTERNAL = tuple(ipaddress.ip_network(n) for n in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "127.0.0.0/8",
                                                     "fc00::/7", "::1/128"))
_CLAUSE = re.compile(r"(by|via|with|id|for)\b|;", re.IGNORECASE)  # what follows a Received line's "from NAME" (RFC 5321 §4.4)
# Headers the decision reads: a DKIM signature vouches for a mail only when it signed every copy of them
# (a copy added above the signed one is read first by a parser: To, a second Content-Type…).
VOUCHED = ("from", "to", "cc", "subject", "date", "message-id", "reply-to", "in-reply-to", "references")
STRUCTURE = ("content-type", "mime-version", "content-transfer-encoding")  # if signed at all, every copy
SIGNED_STRUCTURE = ("content-type",)  # where present, signed (OpenDKIM, rspamd, Gmail and Microsoft 365 sign it)


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

    @classmethod
    def of(cls, auth: Authentication) -> AuthSettings:
        """As the configuration's `authentication` gives them."""
        return cls(trusted_authserv_ids=tuple(auth.trusted_authserv_ids), dkim_keys=tuple(sorted(auth.dkim_keys.items())),
                   dns=auth.dns, trusted_hosts=tuple(auth.trusted_hosts),
                   shared_signing_domains=tuple(auth.shared_signing_domains))


@dataclass(frozen=True)
class TrustedResults:
    """The Authentication-Results headers that count, and those that were forged."""

    counted: tuple[authres.AuthenticationResultsHeader, ...]
    forged: tuple[str, ...]  # the authserv-ids found where the trusted server did not write them
    older: tuple[authres.AuthenticationResultsHeader, ...] = ()  # a trusted id's results of an earlier pass of the mail
    logins: tuple[str, ...] = ()  # every login the province's servers recorded for the mail (any pass, any id)


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


def received_from(value: str) -> tuple[str, ...]:
    """The hosts a Received header says the mail came from, as the receiving server verified them.
    Postfix writes "from HELO (rDNS [IP])": the HELO is the client's word and never counts; Exim
    writes "from NAME ([IP] helo=HELO)", or "from [IP] (helo=… ident=…)" with no name: the name and address are
    its own; Sendmail writes "(NAME [IP] (may be forged))" for a name it could not confirm: the address only;
    qmail "from NAME (HELO name) (IP)": the address only. Names count only where the line shows a private or
    loopback address (the province's own hops): MTAs write a client's unconfirmed reverse name, its ident reply
    or its HELO beside its address, so a client at a public address, or at none shown, is its address alone
    (list a public hop's address in trusted_hosts). Without parentheses, the `from` name."""
    text = " ".join(value.split())
    match = _RECEIVED_FROM.match(text)
    if match is None:
        return ()
    first = match.group(1).lower().rstrip(".")
    groups, after = _comments(text[match.end():])
    if after and not (_CLAUSE.match(after) and _server_clauses(after)):
        # words before the next clause: a HELO of several words, the client's own (a red team's "from mx.tỉnh x
        # (unknown [IP])" passed for a hop from the MX itself); or a clause before the server's "by": a HELO ending in
        # ";" or holding "by", "id" (red team 99: "from mx.tỉnh; (unknown [IP]) by …"): nothing counts
        return ()
    if not groups:
        return (first,)
    if groups[0].lower().startswith("helo "):  # qmail: the client's words, then its address in the next "(…)"
        return tuple(t for t in (_literal(w) for w in groups[1].split()) if _address(t)) if len(groups) == 2 else ()
    # the client's "(…)" is the one that shows an address; the server writes others of its own after it (Postfix's TLS,
    # its "(Authenticated sender: …)", its "(No client certificate requested)": red team 99). Two showing an address:
    # a HELO brought one, "mx.tỉnh (mx.tỉnh [10.0.0.5])", before the server's "(unknown [public IP])" (red team 97)
    addressed = [g for g in groups if any(_address(_literal(w)) for w in g.split())]
    if len(addressed) > 1:
        return ()
    groups = addressed or groups[:1]
    group = groups[0]
    words = group.split()
    if "may be forged" in group.lower():  # Sendmail: "(name [IP] (may be forged))", the name it could not confirm
        words = [w for w in words if w.startswith("[")]  # (red team 14: a forger's reverse DNS named the MX)
    tokens = [_literal(w) for w in words]
    claimed = any(t.startswith(("helo=", "ehlo=")) for t in tokens)
    names = [t for t in tokens if t and "=" not in t and t != "unknown" and _address(t) is None]
    addresses = [t for t in tokens if _address(t) is not None]
    if not addresses and _address(_literal(first)) is not None:
        addresses = [_literal(first)]  # Exim with no name: "from [IP] (helo=… ident=…)", the address its own
    internal = bool(addresses) and all(any(a in net for net in _INTERNAL) for t in addresses if (a := _address(t)))
    if not internal:
        # a client at a public address, or none shown: its address only (red teams 15 and 16: OpenSMTPD writes the
        # client's reverse name unconfirmed, Exim an ident reply, "[IP]:port"; the forger's own reverse DNS or
        # ident server named the MX)
        return tuple(addresses)
    own = [first] if claimed and _address(_literal(first)) is None else []
    return tuple(dict.fromkeys([*own, *names, *addresses]))


def _server_clauses(after: str) -> bool:
    """Whether what follows "from NAME (…)" is as a server writes it (RFC 5321 §4.4: "by" first, once; ";" before the date
    alone): a line with no "by" at all is taken as it is."""
    bys = len(re.findall(r"(?:^|\s)by\s", after, re.IGNORECASE))
    return bys == 0 or (bys == 1 and after[:3].lower() == "by ")


def _comments(text: str) -> tuple[list[str], str]:
    """The "(…)" comments that open `text` one after another (nested ones kept inside theirs, as Sendmail's "(may be
    forged)"), and what follows them; one left open ends them all, nothing following."""
    groups: list[str] = []
    text = text.lstrip()
    while text.startswith("("):
        depth, at = 0, 0
        while True:
            if at == len(text):
                return groups, "unclosed"
            depth += {"(": 1, ")": -1}.get(text[at], 0)
            if depth == 0:
                break
            at += 1
        groups.append(text[1:at])
        text = text[at + 1:].lstrip()
    return groups, text


def _literal(word: str) -> str:
    """A word of a Received line as a host: an address literal without its brackets, "IPv6:" or port."""
    word = word.lower().rstrip(".")
    if word.startswith("["):
        word = word[1:].split("]", 1)[0]
    return word.removeprefix("ipv6:")


def _address(token: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(token)
    except ValueError:
        return None


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
        if not any(host in hosts for host in received_from(value)):
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
    older: list[authres.AuthenticationResultsHeader] = []
    forged: list[str] = []
    logins = recorded_logins(headers, province_headers(headers, entry, settings.hosts))
    received = [index for index, (name, _) in enumerate(headers) if name.lower() == "received"]
    hop_ends: dict[str, int] = {}  # each id's topmost hop: its results stand above the Received line below them
    for index, (name, value) in enumerate(headers):
        if name.lower() != "authentication-results":
            continue
        header = _parse(str(value))
        authserv = (header.authserv_id or "").lower() if header is not None else _loose_id(str(value))
        if authserv not in ids:
            continue
        if entry is None or index > entry or header is None:
            forged.append(authserv)
        elif authserv not in hop_ends:  # a later hop's own result comes first; an older one is not this mail's
            hop_ends[authserv] = next((line for line in received if line > index), len(headers))
            counted.append(header)
        elif index < hop_ends[authserv]:  # the same hop's other results: OpenDKIM and OpenDMARC write a header each
            counted.append(header)  # (red team 140: OpenDMARC's on top, OpenDKIM's pass below it was never read)
        else:
            older.append(header)
    return TrustedResults(tuple(counted), tuple(forged), tuple(older), logins)


def province_headers(headers: list[tuple[str, str]], entry: int | None, hosts: frozenset[str]) -> int:
    """How many of the mail's first headers the province's servers wrote: down to its entry line, or all of them where
    the mail began inside the province (its lowest Received line from a trusted host: Zimbra's webmail writes its
    X-Authenticated-User below its MTA's Received line); none where no trusted host received it. An outside host's
    lines below the entry line are not the province's (red team 143: a hoster's own account name in its Received line
    refused an agency's mail its key proved)."""
    if entry is None:
        return 0
    received = [index for index, (name, _) in enumerate(headers) if name.lower() == "received"]
    lowest = received[-1] if received else entry
    inside = lowest == entry and any(host in hosts for host in received_from(headers[entry][1]))
    return len(headers) if inside else entry + 1


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


def signature_tags(value: str) -> dict[str, str] | None:
    """The tags of a DKIM-Signature header (RFC 6376 §3.2) read by dkimpy's own parser, which verifies the
    signature: names as written ("D=" is no "d="), a tag given twice or a malformed list makes it none (None).
    (Red team 10: read without case, a forger's own signature, d=evil.example, with "D=" Sở Tư pháp's domain
    added, was aligned with From here and verified by dkimpy with evil.example's key: accepted as Sở Tư pháp's.)"""
    try:
        parsed = dkim.util.parse_tag_value(value.encode("utf-8", "surrogateescape"))
    except dkim.util.InvalidTagValueList:  # a tag twice, a malformed list
        return None
    return {name.decode("ascii", "replace"): "".join(tag.decode("utf-8", "replace").split()) for name, tag in parsed.items()}


def uncovered(tags: dict[str, str], headers: list[tuple[str, str]]) -> str | None:
    """Why a DKIM signature does not vouch for the mail as it stands (None when it does): a body
    length limit (l=, content may follow what was signed), or a header the decision reads present
    more often than signed (a copy added after signing)."""
    if "l" in tags:
        return "DKIM l= (chữ ký chỉ phủ một phần thân thư)"
    signed = [h.strip().lower() for h in tags.get("h", "").split(":") if h.strip()]
    for name in (*VOUCHED, *STRUCTURE):
        present = sum(1 for key, _ in headers if key.lower() == name)
        # how the body is parted must be signed where the mail says it (a Content-Type a forger adds or puts in the
        # place of an unsigned one gives the signed body another meaning: a forwarded mail's parts made the mail's
        # own, under its boundary); MIME-Version and Content-Transfer-Encoding left out may stand once (the
        # latter, changed, only turns the signed body into noise)
        allowed = signed.count(name) if name in VOUCHED or name in signed or name in SIGNED_STRUCTURE else 1
        if present > allowed:
            return f"tiêu đề {name} không được chữ ký DKIM bảo vệ"
    return None


def signed_headers(tags: dict[str, str], headers: list[tuple[str, str]]) -> frozenset[str]:
    """The header names a signature covers in every copy present (for the X-QLVB-* a peer writes)."""
    signed = [h.strip().lower() for h in tags.get("h", "").split(":") if h.strip()]
    present = [key.lower() for key, _ in headers]
    return frozenset(n for n in set(signed) if present.count(n) <= signed.count(n))


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


@dataclass(frozen=True)
class Evidence:
    method: str
    detail: str
    signed: frozenset[str] | None = None  # headers a DKIM signature vouches for; None: the whole mail


class _Verifier(dkim.DKIM):
    """dkimpy's verifier, the mail split into headers and body without its regular expression over the
    whole mail (a third of the time of a DKIM check): the headers still parsed by dkimpy, the body's
    line ends made CRLF as its split and join do (the same bytes)."""

    def set_message(self, message: bytes) -> None:
        start = _body_start(message)
        if start is None:  # no blank line: all of it is headers
            super().set_message(message)
            return
        super().set_message(message[:start])
        body = message[start:]
        if body.count(b"\n") != body.count(b"\r\n"):  # a line ending in LF alone (else no copy more)
            body = body.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
        self.body = body


def _body_start(message: bytes) -> int | None:
    """Where the body begins: after the first empty line (lines end in CRLF or LF)."""
    if message.startswith((b"\n", b"\r\n")):
        return message.index(b"\n") + 1
    crlf = message.find(b"\n\r\n")
    # an LF-only blank line counts only before the CRLF one: not looked for through the whole body
    lf = message.find(b"\n\n", 0, crlf + 1 if crlf >= 0 else len(message))
    found = [(at, at + len(end)) for at, end in ((lf, b"\n\n"), (crlf, b"\n\r\n")) if at >= 0]
    return min(found)[1] if found else None


def headers_end_twice(raw: bytes) -> bool:
    """Whether Python's email parser, which the decision reads, ends the mail's headers before its first
    blank line, where DKIM (dkimpy, _body_start) and mail servers end them: at a CR with no LF after it
    (a line end to Python alone), or at a line that is no header field to Python ("name : value", a space
    before the colon, which servers may take for one; dkimpy raises on it, a server's verifier may pass).
    What follows is then a body of the sender's choosing to Python, and unsigned header lines to the
    signature. Red team 9's genuine signed letter, one header added ("X-Note: ok\\r\\r--B\\r…"), had the
    forger's parts read as the body under the genuine signature: accepted as Sở Tư pháp's. Such a mail
    is read two ways and proves nobody."""
    end = _body_start(raw)
    head = raw[:len(raw) if end is None else end]
    if _BARE_CR.search(head):
        return True
    lines = [line for line in head.replace(b"\r\n", b"\n").split(b"\n") if line]
    # a first line continuing nothing, an mbox "From " line below the first (DKIM joins a continuation after it
    # to the header above, Python drops it: red team 10 had a signed Subject read as its first words)
    return bool(lines) and lines[0][:1] in (b" ", b"\t") or any(
        not _PYTHON_HEADER_LINE.match(line) or (index and line.startswith(b"From ")) for index, line in enumerate(lines))


def dkim_evidence(raw: bytes, msg: Message, settings: AuthSettings, from_address: str) -> Evidence | None:
    """Verify every DKIM-Signature; the first valid one aligned with From that covers the mail is the evidence."""
    values = [str(v) for v in (msg.get_all("DKIM-Signature", []) or [])]
    if not values:
        return None
    try:
        verifier = _Verifier(raw)
    except Exception:  # dkimpy raises on a header line that is none, a first line that continues none…: nothing to check
        return None
    dnsfunc = _dns_func(settings)
    from_domain = _domain(from_address)
    headers = [(str(k), str(v)) for k, v in msg.items()]
    for index, value in enumerate(values):
        tags = signature_tags(value)
        if (tags is None or not aligned(tags.get("d", ""), from_domain, settings.shared_signing_domains)
                or uncovered(tags, headers)):
            continue
        try:
            ok = verifier.verify(idx=index, dnsfunc=dnsfunc)
        except Exception:  # dkimpy raises on malformed signatures and keys
            continue
        if ok:
            return Evidence("dkim", f"dkim=pass d={tags.get('d', '')} (gateway)", signed_headers(tags, headers))
    return None


def _vouched(found: tuple[str, str], msg: Message, from_address: str, shared: tuple[str, ...],
             results: tuple[authres.AuthenticationResultsHeader, ...]) -> Evidence | None:
    """The server's dkim or dmarc pass holds only where the aligned DKIM signatures in the mail cover it as
    it stands, every one of them (a replayed genuine mail with headers or parts added is not the sender's;
    which signature the server passed the result does not say: red team 11 added a broken signature of the
    agency's domain whose h= listed every header it added, beside the genuine one the server passed, and a
    recall, a return of ours and a forwarded mail's parts as the agency's own were believed). Only the
    headers each signs count. A DMARC pass with no strictly aligned signature counts only with the server's
    SPF pass for the From domain itself: DMARC's default alignment is relaxed, and a Sở's own key for
    stc.bacgiang.gov.vn passed it for sotp.bacgiang.gov.vn (accepted as Sở Tư pháp's)."""
    method, detail = found
    if method == "smtp-auth":
        return Evidence(method, detail)  # the sender logged in and submitted this very mail
    headers = [(str(k), str(v)) for k, v in msg.items()]
    from_domain = _domain(from_address)
    every = [tags for value in (msg.get_all("DKIM-Signature", []) or []) if (tags := signature_tags(str(value))) is not None]
    signatures = [tags for tags in every if aligned(tags.get("d", ""), from_domain, shared)]
    if any(uncovered(tags, headers) is not None for tags in signatures):
        return None
    if not signatures or not _passed_by_server(signatures, every, results):
        # what the pass covered cannot be told, or it is another signature's: DMARC by SPF alone counts, the domain's
        # own server strictly (its word, no header beyond it). A DKIM pass with no signature of the domain here is none
        # (red team 13: a result naming only header.i=@sotp for a signature d=bacgiang.gov.vn let added headers stand),
        # nor one a signature of the domain does not fit alone (red team 139: a broken copy of Sở Tư pháp's signature
        # beside Sở Tài chính's genuine one, whose DMARC pass relaxed alignment gave sotp)
        return Evidence(method, detail, frozenset()) if method == "dmarc" and _spf_pass(results, from_domain) else None
    return Evidence(method, detail, frozenset.intersection(*(signed_headers(tags, headers) for tags in signatures)))


def _passed_by_server(signatures: list[dict[str, str]], every: list[dict[str, str]],
                      results: tuple[authres.AuthenticationResultsHeader, ...]) -> bool:
    """Whether a dkim=pass of the server is one of these signatures' (the From domain's): a pass whose header.d,
    header.i and header.b, those it gives (RFC 8601 §2.7.1, RFC 6008), fit one of them and no other signature of the
    mail (a domain signing twice, RSA and Ed25519, is fitted twice, both its own)."""
    for header in results:
        for result in header.results:
            if (result.method or "").lower() != "dkim" or (result.result or "").lower() != "pass":
                continue
            props = {f"{p.type}.{p.name}".lower(): str(p.value).strip().strip("<>") for p in result.properties}
            if not any(props.get(key) for key in ("header.d", "header.i", "header.b")):
                continue
            fitting = [tags for tags in every if _fits(tags, props)]
            if fitting and all(tags in signatures for tags in fitting):
                return True
    return False


def _fits(tags: dict[str, str], props: dict[str, str]) -> bool:
    domain = tags.get("d", "").lower().rstrip(".")
    if props.get("header.d") and props["header.d"].lower().rstrip(".") != domain:
        return False
    if props.get("header.i") and props["header.i"].lower().rstrip(".") != (tags.get("i") or f"@{domain}").lower().rstrip("."):
        return False
    return not props.get("header.b") or tags.get("b", "").startswith(props["header.b"])


def _logged_in_earlier(results: TrustedResults, address: str) -> tuple[str, str] | None:
    """A trusted server's record, in an earlier pass of the mail, that the sender logged in as the From address (a
    submission server writing the MX's id: red team 141); another agency's login anywhere is refused before this."""
    for header in results.older:
        for result in header.results:
            if (result.method or "").lower() == "auth" and (result.result or "").lower() == "pass" and any(
                    f"{p.type}.{p.name}".lower() == "smtp.auth" and str(p.value).strip().strip("<>").lower() == address.lower()
                    for p in result.properties):
                return "smtp-auth", f"{header.authserv_id}: auth=pass smtp.auth={address} (an earlier pass)"
    return None


def _spf_pass(results: tuple[authres.AuthenticationResultsHeader, ...], domain: str) -> bool:
    """Whether the server's results say SPF passed for this very domain (smtp.mailfrom: an address or a domain)."""
    for header in results:
        for result in header.results:
            if (result.method or "").lower() != "spf" or (result.result or "").lower() != "pass":
                continue
            for prop in result.properties:
                value = str(prop.value).strip().strip("<>").lower().rsplit("@", 1)[-1].rstrip(".")
                if f"{prop.type}.{prop.name}".lower() == "smtp.mailfrom" and domain and value == domain:
                    return True
    return False


def authenticate(raw: bytes, msg: Message, from_addresses: list[str], settings: AuthSettings, *,
                 body_at_hand: bool = True) -> SenderAuth:
    """Who sent the mail `raw` (parsed: `msg`), as far as it is proven. Without `body_at_hand`, `raw` is
    only the beginning of the mail (one too large to read): no DKIM signature can be checked."""
    address = from_addresses[0] if from_addresses else ""
    if not body_at_hand and _body_start(raw) is None:  # headers longer than what was read: what lies past it is unknown
        return SenderAuth(address=address, authenticated=False, detail="phần tiêu đề thư dài hơn phần đã đọc: không "
                          "chứng minh được người gửi")
    results = trusted_results([(str(k), str(v)) for k, v in msg.items()], settings)
    if results.forged:
        ids = ", ".join(dict.fromkeys(results.forged))
        return SenderAuth(address=address, authenticated=False, detail=f"Authentication-Results giả mạo ({ids})",
                          forged_results=ids)
    if headers_end_twice(raw):
        return SenderAuth(address=address, authenticated=False, detail="phần tiêu đề thư đọc được theo hai cách (ký tự CR "
                          "đứng riêng, hoặc một dòng không phải trường tiêu đề): không chứng minh được người gửi")
    if len(set(from_addresses)) != 1 or len(msg.get_all("From", []) or []) != 1:
        detail = "thư không có địa chỉ From" if not from_addresses else "thư có nhiều địa chỉ From"
        return SenderAuth(address=address, authenticated=False, detail=detail)
    # a login of another agency's mailbox on the province's server (a shared one every agency's SPF names, or one
    # signing with the From's key for whoever logs in): the sender is proven someone else (red teams 140, 141)
    others = [login for login in results.logins if any(domain != _domain(address) for domain in login_domains(login))]
    if others:
        return SenderAuth(address=address, authenticated=False, detail="máy chủ thư của tỉnh ghi thư này được gửi từ tài "
                          f"khoản của hộp thư khác ({others[0][:100]}): không chứng minh được người gửi")
    found = from_evidence(results.counted, address, settings.shared_signing_domains) or _logged_in_earlier(results, address)
    evidence = _vouched(found, msg, address, settings.shared_signing_domains, results.counted) if found else None
    if evidence is None and body_at_hand:
        evidence = dkim_evidence(raw, msg, settings, address)
    if evidence is None:
        return SenderAuth(address=address, authenticated=False, detail="không có chữ ký DKIM, kết quả DMARC "
                          "hay đăng nhập SMTP nào hợp lệ cho địa chỉ From và phủ thư đúng như đã nhận")
    return SenderAuth(address=address, authenticated=True, method=evidence.method, detail=evidence.detail,
                      signed_headers=evidence.signed)
