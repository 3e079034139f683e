"""Who the province's servers say logged in to send a mail (red teams 140–143): the logins their headers record, in
each server's own words, and the domains a login names. Read loosely: a login read where none was only ever refuses a
mail (gateway/intake/authentication.py), never proves one.

Pure functions over a mail's headers as (name, value) pairs; which headers are the province's is decided by the
caller (`authentication.province_headers`)."""

from __future__ import annotations

import re

# how servers record a login in their Received line: Postfix "(Authenticated sender: x)", Courier "(AUTH: LOGIN x, …)",
# OpenSMTPD "auth=yes user=x", CommuniGate "(account x HELO …)", qmail's smtp-auth patch "(x@domain@ip)", others
# "authenticated as x"
_RECEIVED_LOGINS = [re.compile(r"\(Authenticated sender:\s*([^)]+)\)", re.IGNORECASE),
                    re.compile(r"\(AUTH:\s*[\w-]+\s+([^,)]+)", re.IGNORECASE),
                    re.compile(r"\bauth=yes\s+user=([^\s;]+)", re.IGNORECASE),
                    re.compile(r"\(account\s+([^\s)]+)", re.IGNORECASE),
                    re.compile(r"\(([^\s()@]+@[^\s()@]+)@[0-9a-f.:]+\)", re.IGNORECASE),
                    re.compile(r"authenticated (?:as|user|sender)[:=]?\s*<?([^\s>);,]+)", re.IGNORECASE)]
_LOGIN_HEADERS = ("x-authenticated-sender", "x-authenticated-user", "x-auth-user", "x-authenticated-as")  # MDaemon, Zimbra…
_RESULTS_HEADERS = ("authentication-results", "arc-authentication-results")
_AUTH_PASS = re.compile(r"\bauth\s*=\s*pass\b", re.IGNORECASE)
_VALUE = r"\s*=\s*(\"(?:[^\"\\]|\\.)*\"@[^\s;()]+|\"(?:[^\"\\]|\\.)*\"|<[^>]*>|[^\s;()]+)"
_SMTP_AUTH = re.compile(r"\bsmtp\.auth" + _VALUE, re.IGNORECASE)
_SMTP_MAILFROM = re.compile(r"\bsmtp\.mailfrom" + _VALUE, re.IGNORECASE)
_DOMAIN = re.compile(r"^[^\W_](?:[\w-]*[^\W_])?(?:\.[^\W_](?:[\w-]*[^\W_])?)*\.[^\W\d_](?:[\w-]*[^\W_])?$")


def recorded_logins(headers: list[tuple[str, str]], upto: int) -> tuple[str, ...]:
    """The logins the mail's headers record, whatever the pass, the id or the form (red teams 141–144): in its first
    `upto` (the province's: `authentication.province_headers`), an `auth=pass` result's smtp.auth (its smtp.mailfrom
    where it names none: rspamd writes the envelope there, an SRS or bounce address of the relay's) in any
    Authentication-Results or ARC-Authentication-Results, read loosely (a header authres cannot parse included), and a
    login in a Received line (Postfix, Courier, OpenSMTPD, CommuniGate, qmail); in all of them, MDaemon's and Zimbra's
    X-Authenticated-* headers (Zimbra appends its own at the bottom of a raw MIME a clerk uploads, under whatever
    Received lines he put there: red team 144), which no outside hoster writes of another agency's own mail."""
    logins: list[str] = []
    for index, (name, value) in enumerate(headers):
        key, text = name.lower(), " ".join(str(value).split())
        if key in _LOGIN_HEADERS:
            logins.append(text)
        elif index >= upto:
            continue
        elif key == "received":
            logins.extend(found for pattern in _RECEIVED_LOGINS for found in pattern.findall(text))
        elif key in _RESULTS_HEADERS:
            for result in text.split(";"):
                if _AUTH_PASS.search(result):
                    logins.extend(_SMTP_AUTH.findall(result) or _SMTP_MAILFROM.findall(result))
    return tuple(logins)


def login_domains(login: str) -> tuple[str, ...]:
    """The domains a recorded login names: after "@" or "%" ("user%domain"), else each side of "/" or "\\" that is a
    domain ("stc.bacgiang.gov.vn/vanthu", "vanthu/stc…"); none for a bare user name, which tells no agency from
    another. A comment, "(Sở Tài chính)", is no part of it."""
    login = re.sub(r"\([^)]*\)", " ", login).strip().strip("<>\"' ").lower()
    for separator in ("@", "%"):
        if separator in login:
            parts = [login.rsplit(separator, 1)[1]]
            break
    else:
        parts = re.split(r"[/\\]+", login)
        if len(parts) == 1:  # a bare user name, dotted or not ("vanthu.sotp")
            return ()
    domains = [part.strip().strip("<>\"' ").rstrip(".") for part in parts]
    return tuple(domain for domain in domains if _DOMAIN.match(domain))
