"""The authentication parser's pure parts (gateway/intake/authentication.py), table-driven: which
Received line is the entry into the province, which passing result proves the From address, and
what a DKIM signature's tags leave uncovered. (Which results count: tests/test_trust_core.py.)"""

from __future__ import annotations

import re

import authres
import pytest
from hypothesis import given
from hypothesis import strategies as st

from gateway.intake.authentication import entry_line, from_evidence, signature_tags, signed_headers, uncovered

MX = "mx.bacgiang.gov.vn"
HOSTS = frozenset({MX, "imap.bacgiang.gov.vn"})
FROM_OUTSIDE = ("Received", f"from mail.sotp.example (mail.sotp.example [203.0.113.9]) by {MX}; date")
INSIDE = ("Received", f"from {MX} by imap.bacgiang.gov.vn with LMTP; date")
SUBMITTED = ("Received", f"from pc (pc [10.0.0.5]) by {MX} with ESMTPSA; date")
ELSEWHERE = ("Received", "from a by mail.evil.example; date")
OTHER = ("Subject", "x")


@pytest.mark.parametrize("name,headers,expected", [
    ("no Received at all", [OTHER], None),
    ("entered at our MX from outside", [FROM_OUTSIDE], 0),
    ("handed on inside: the entry is the MX's line below", [INSIDE, OTHER, FROM_OUTSIDE, ELSEWHERE], 2),
    ("submitted by a client of ours", [INSIDE, SUBMITTED], 1),
    ("the topmost line written outside: nothing is ours", [ELSEWHERE, FROM_OUTSIDE], None),
    ("a line of ours below a foreign one does not count", [ELSEWHERE, INSIDE], None),
])
def test_entry_line(name: str, headers: list[tuple[str, str]], expected: int | None) -> None:
    assert entry_line(headers, HOSTS) == expected, name


def _results(*values: str) -> tuple[authres.AuthenticationResultsHeader, ...]:
    return tuple(authres.AuthenticationResultsHeader.parse(f"Authentication-Results: {MX}; {v}") for v in values)


SENDER = "vanthu@sotp.bacgiang.gov.vn"


@pytest.mark.parametrize("name,results,shared,expected", [
    ("DKIM of the From domain", ["dkim=pass header.d=sotp.bacgiang.gov.vn"], (), "dkim"),
    ("DKIM by header.i", ["dkim=pass header.i=@sotp.bacgiang.gov.vn"], (), "dkim"),
    ("DKIM of the parent domain is not aligned", ["dkim=pass header.d=bacgiang.gov.vn"], (), None),
    ("the province's shared signing domain", ["dkim=pass header.d=bacgiang.gov.vn"], ("bacgiang.gov.vn",), "dkim"),
    ("DKIM failed", ["dkim=fail header.d=sotp.bacgiang.gov.vn"], (), None),
    ("DMARC for the From domain", ["dmarc=pass header.from=sotp.bacgiang.gov.vn"], (), "dmarc"),
    ("DMARC for another domain", ["dmarc=pass header.from=evil.example"], (), None),
    ("a logged-in sender", [f"auth=pass smtp.auth={SENDER}"], (), "smtp-auth"),
    ("another user logged in", ["auth=pass smtp.auth=khac@sotp.bacgiang.gov.vn"], (), None),
    ("the first passing result decides", ["dkim=fail header.d=x.example", "dmarc=pass header.from=sotp.bacgiang.gov.vn"],
     (), "dmarc"),
    ("SPF alone proves nothing", ["spf=pass smtp.mailfrom=sotp.bacgiang.gov.vn"], (), None),
])
def test_from_evidence(name: str, results: list[str], shared: tuple[str, ...], expected: str | None) -> None:
    found = from_evidence(_results(*results), SENDER, shared)
    assert (found[0] if found else None) == expected, name


def test_signature_tags() -> None:
    tags = signature_tags("v=1; a=rsa-sha256; d=sotp.bacgiang.gov.vn;\r\n\ts=mail; h=From:To:\r\n Subject; bh=ab c=; b=x")
    assert tags == {"v": "1", "a": "rsa-sha256", "d": "sotp.bacgiang.gov.vn", "s": "mail", "h": "From:To:Subject",
                    "bh": "abc=", "b": "x"}


def test_signature_tags_are_read_as_dkimpy_verifies_them() -> None:
    """Red team 10: tag names read without case let "D=" stand for "d=": a forger's own signature
    (d=evil.example, verified by dkimpy with evil.example's key) was aligned with Sở Tư pháp's From."""
    assert signature_tags("v=1; d=evil.example; D=sotp.bacgiang.gov.vn; s=s1; b=x")["d"] == "evil.example"  # type: ignore[index]
    assert signature_tags("v=1; d=sotp.bacgiang.gov.vn; d=evil.example; s=s1; b=x") is None  # a tag twice: no signature
    assert signature_tags("v=1; 1d=x; b=y") is None  # malformed


@pytest.mark.parametrize("name,head,twice", [
    ("plain", b"From: a@b\r\nSubject: x\r\n y\r\n", False),
    ("an mbox line first", b"From a@b Fri Dec  4 09:00:00 2026\r\nFrom: a@b\r\n", False),
    ("LF line ends", b"From: a@b\nSubject: x\n", False),
    ("a bare CR", b"From: a@b\r\nX: ok\r\r--B\r\n", True),
    ("a line no header field", b"From: a@b\r\nX : y\r\n", True),
    ("a first line continuing nothing", b" x\r\nFrom: a@b\r\n", True),
    ("an mbox line below the first", b"Subject: x\r\nFrom forger Fri Dec  4 2026\r\n y\r\n", True),
])
def test_headers_python_ends_elsewhere_than_dkim_are_read_two_ways(name: str, head: bytes, twice: bool) -> None:
    from gateway.intake.authentication import headers_end_twice

    assert headers_end_twice(head + b"\r\nbody\r\n") is twice, name


HEADERS = [("From", SENDER), ("To", "a@b"), ("Subject", "x"), ("Date", "d"), ("Message-ID", "<m>")]


@pytest.mark.parametrize("name,h,extra,expected", [
    ("every vouched header signed", "from:to:subject:date:message-id", [], None),
    ("the subject not signed", "from:to:date:message-id", [], "subject"),
    ("a second From added after signing", "from:to:subject:date:message-id", [("From", "x@y")], "from"),
    ("a second From signed twice (oversigned)", "from:from:to:subject:date:message-id", [("From", "x@y")], None),
    ("Content-Type unsigned: how the body is read, not vouched for", "from:to:subject:date:message-id",
     [("Content-Type", "text/plain")], "content-type"),
    ("MIME-Version unsigned may stand once", "from:to:subject:date:message-id", [("MIME-Version", "1.0")], None),
    ("MIME-Version unsigned, a copy added", "from:to:subject:date:message-id", [("MIME-Version", "1.0")] * 2,
     "mime-version"),
    ("Content-Type signed once, then a copy added", "from:to:subject:date:message-id:content-type",
     [("Content-Type", "text/plain"), ("Content-Type", "text/html")], "content-type"),
])
def test_uncovered(name: str, h: str, extra: list[tuple[str, str]], expected: str | None) -> None:
    found = uncovered({"h": h}, HEADERS + extra)
    assert (found is None) == (expected is None), (name, found)
    if expected is not None:
        assert f"tiêu đề {expected} " in str(found), name


def test_a_body_length_limit_is_never_covered() -> None:
    assert "l=" in str(uncovered({"h": "from:to:subject:date:message-id", "l": "100"}, HEADERS))


def test_signed_headers_are_those_signed_in_every_copy() -> None:
    headers = HEADERS + [("X-QLVB-Status", "03"), ("X-QLVB-Status", "15"), ("X-QLVB-Identifier", "1")]
    assert signed_headers({"h": "From:Subject:X-QLVB-Status:X-QLVB-Identifier"}, headers) == frozenset(
        {"from", "subject", "x-qlvb-identifier"})  # the status twice, signed once: not vouched for


@given(st.lists(st.sampled_from([b"a", b"\n", b"\r", b"\r\n", b": ", b"\n\n", b"\r\n\r\n"]), max_size=14))
def test_the_body_starts_after_the_first_blank_line(pieces: list[bytes]) -> None:
    """Where DKIM's body begins: after the first empty line, ended by CRLF or by LF alone, whichever
    comes first (the LF one looked for only before the CRLF one: never through the whole body)."""
    from gateway.intake.authentication import _body_start

    message = b"".join(pieces)
    if message.startswith((b"\n", b"\r\n")):
        expected: int | None = message.index(b"\n") + 1
    else:
        ends = [(m.start(), m.end()) for m in re.finditer(rb"\n\r?\n", message)]
        expected = ends[0][1] if ends else None
    assert _body_start(message) == expected
