"""Mails that stopped the gateway (issue 11), each written as an outsider can send it, and a
Hypothesis strategy of hostile MIME: header soup, odd encodings, deep and broken multiparts."""

from __future__ import annotations

from hypothesis import strategies as st

from world import STP, US, World

HEAD = (f"From: {STP}\r\nTo: {US['mailbox']}\r\nMIME-Version: 1.0\r\n").encode()


def nested_multiparts(depth: int = 1000, name: str = "nested") -> bytes:
    """About 70 KB: 1,000 multiparts each inside the one before, an automatic mail (the parser's
    recursion limit, in the worker and again in the main process reading it as a delivery report)."""
    opening = "".join(f'Content-Type: multipart/mixed; boundary="b{i}"\r\n\r\n--b{i}\r\n' for i in range(depth))
    closing = "".join(f"\r\n--b{i}--\r\n" for i in reversed(range(depth)))
    head = f"Subject: {name}\r\nMessage-ID: <{name}@sotp.bacgiang.gov.vn>\r\nAuto-Submitted: auto-generated\r\n"
    return HEAD + head.encode() + (opening + "Content-Type: text/plain\r\n\r\nxin chào" + closing).encode()


def dated_9999(name: str = "y9999") -> bytes:
    """A Date: of year 9999 and no Received: line (a file given to `ingest`): the only date there is."""
    return HEAD + (f"Subject: {name}\r\nMessage-ID: <{name}@sotp.bacgiang.gov.vn>\r\n"
                   "Date: Fri, 31 Dec 9999 23:59:59 -1200\r\nContent-Type: text/plain\r\n\r\nxin chào\r\n").encode()


def long_message_id(w: World, name: str = "long-id", length: int = 1200) -> bytes:
    """A Message-ID longer than the 998 characters of its column (signed by its sender's domain)."""
    return w.mail(name, subject=name, message_id=f"<{'x' * length}@sotp.bacgiang.gov.vn>",
                  attachments=[("cv.pdf", w.signed("stp", w.document(number="901/STP-VP")))]).read_bytes()


def long_attachment_name(w: World, name: str = "long-name", length: int = 600) -> bytes:
    """An attachment named with more than the 500 characters of its column."""
    return w.mail(name, subject=name, attachments=[(f"{'công văn ' * (length // 9)}.pdf",
                                                    w.signed("stp", w.document(number="902/STP-VP")))]).read_bytes()


def nul_in_subject(name: str = "nul") -> bytes:
    """An encoded word that decodes to a NUL character (no text column of PostgreSQL holds one)."""
    return HEAD + (f"Subject: =?utf-8?q?c=C3=B4ng_v=C4=83n=00{name}?=\r\nMessage-ID: <{name}@sotp.bacgiang.gov.vn>\r\n"
                   "Content-Type: text/plain\r\n\r\nxin chào\r\n").encode()


def lowercase_tinh_parent(w: World, name: str = "tinh") -> bytes:
    """A document whose parent line writes 'Tỉnh' in lower case, signed by its issuer."""
    pdf = w.signed("stp", w.document(number="903/STP-VP", issuer_parent="ỦY BAN NHÂN DÂN Tỉnh BẮC GIANG"))
    return w.mail(name, subject=name, attachments=[("cv.pdf", pdf)]).read_bytes()


def not_a_mail() -> bytes:
    """What a careless copy leaves in a Maildir: a PDF where a mail should be."""
    return b"%PDF-1.7\n" + bytes(range(256)) * 4


# ---- hostile MIME -----------------------------------------------------------------------------
_TEXT = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=40)
_BYTES = st.binary(max_size=60)
_HEADER_NAMES = st.sampled_from(["Subject", "From", "To", "Cc", "Date", "Message-ID", "In-Reply-To", "References",
                                 "Content-Type", "Content-Transfer-Encoding", "Content-Disposition",
                                 "Auto-Submitted", "Received", "X-QLVB-Status", "X-QLVB-Document-Id"])


@st.composite
def _header_value(draw) -> bytes:  # type: ignore[no-untyped-def]
    kind = draw(st.sampled_from(["text", "bytes", "encoded", "date", "param"]))
    if kind == "text":
        return draw(_TEXT).encode("utf-8")
    if kind == "bytes":
        return draw(_BYTES).replace(b"\r", b"").replace(b"\n", b"")
    if kind == "encoded":
        charset = draw(st.sampled_from(["utf-8", "x-unknown", "windows-1258", "utf-7", ""]))
        payload = draw(st.binary(max_size=30)).hex().upper()
        quoted = "".join(f"={payload[i:i + 2]}" for i in range(0, len(payload), 2))
        return f"=?{charset}?{draw(st.sampled_from(['q', 'b', 'x']))}?{quoted}?=".encode()
    if kind == "date":
        year = draw(st.integers(min_value=0, max_value=99999))
        return f"Mon, 1 Jan {year} 00:00:00 {draw(st.sampled_from(['+0000', '-1200', '+9999', 'GMT', 'zzz']))}".encode()
    return f'multipart/{draw(st.sampled_from(["mixed", "report", "x"]))}; boundary="{draw(_TEXT)}"; name*=utf-8\'\'%FF%00'.encode()


@st.composite
def _part(draw, depth: int) -> bytes:  # type: ignore[no-untyped-def]
    headers = b"".join(draw(_HEADER_NAMES).encode() + b": " + draw(_header_value()) + b"\r\n"
                       for _ in range(draw(st.integers(0, 4))))
    if depth > 0 and draw(st.booleans()):
        boundary = draw(st.sampled_from(["b", "", "--", "b b"]))
        children = [draw(_part(depth - 1)) for _ in range(draw(st.integers(0, 3)))]
        body = b"".join(b"--" + boundary.encode() + b"\r\n" + c + b"\r\n" for c in children)
        closing = draw(st.sampled_from([b"--" + boundary.encode() + b"--\r\n", b""]))
        return (headers + f'Content-Type: multipart/mixed; boundary="{boundary}"\r\n\r\n'.encode() + body + closing)
    kind = draw(st.sampled_from(["application/pdf", "text/plain", "message/rfc822", "message/delivery-status",
                                 "application/octet-stream"]))
    encoding = draw(st.sampled_from(["base64", "quoted-printable", "7bit", "x-uuencode", "bogus"]))
    return (headers + f"Content-Type: {kind}; name=\"{draw(_TEXT)}.pdf\"\r\nContent-Transfer-Encoding: {encoding}\r\n\r\n".encode()
            + draw(st.binary(max_size=200)))


def hostile_mime() -> st.SearchStrategy[bytes]:
    """A whole mail but its Message-ID (the caller's, to find it by): From and To, then whatever the
    strategy draws (headers and parts nested three deep)."""
    return _part(depth=3).map(lambda part: HEAD + part)
