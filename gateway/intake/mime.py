"""Parse a raw mail into headers and attachments, tolerating the malformed mail found in the wild."""

from __future__ import annotations

import email
import email.policy
import hashlib
import re
from dataclasses import dataclass
from datetime import datetime
from email.header import decode_header, make_header
from email.message import Message
from email.utils import getaddresses, parsedate_to_datetime

from gateway.vntext import nfc


@dataclass(frozen=True)
class Part:
    filename: str
    content_type: str
    data: bytes
    inline_body: bool  # the text or HTML body of the mail, not an attachment


def parse_message(raw: bytes) -> Message:
    # compat32 never raises on access to a broken header; we decode what we need ourselves.
    return email.message_from_bytes(raw, policy=email.policy.compat32)


def header_text(msg: Message, name: str) -> str:
    """A header's value decoded from RFC 2047 into text ('' when absent or undecodable)."""
    value = msg.get(name)
    if value is None:
        return ""
    return decode_words(str(value))


def decode_words(value: str) -> str:
    try:
        return nfc(str(make_header(decode_header(value))))
    except (UnicodeError, LookupError, ValueError, email.errors.HeaderParseError):
        return nfc(value)


def addresses(msg: Message, name: str) -> list[tuple[str, str]]:
    """(display name, lower-case address) pairs of an address header, all occurrences."""
    values = [decode_words(str(v)) for v in msg.get_all(name, [])]
    result = []
    for display, address in getaddresses(values):
        address = address.strip().strip("<>").lower()
        if "@" in address:
            result.append((display, address))
    return result


def message_id(msg: Message, raw_sha256: str) -> str:
    value = str(msg.get("Message-ID", "") or "").strip()
    match = re.search(r"<[^<>\s]+>", value)
    if match:
        return match.group(0)
    # a mail without a Message-ID gets a stable one from its bytes, so re-runs recognise it
    return f"<sha256-{raw_sha256[:32]}@no-message-id.qlvb>"


def date_header(msg: Message) -> datetime | None:
    value = msg.get("Date")
    if not value:
        return None
    try:
        parsed = parsedate_to_datetime(str(value))
    except (TypeError, ValueError, IndexError):
        return None
    return parsed if parsed.tzinfo else None


def topmost_received(msg: Message) -> datetime | None:
    """The time our own server wrote in the topmost Received: header (after its last ';')."""
    for value in msg.get_all("Received", []) or []:
        text = str(value)
        if ";" not in text:
            continue
        try:
            parsed = parsedate_to_datetime(text.rsplit(";", 1)[1].strip())
        except (TypeError, ValueError, IndexError):
            continue
        if parsed.tzinfo:
            return parsed
    return None


def _filename(part: Message) -> str:
    try:
        name = part.get_filename() or ""
    except (UnicodeError, LookupError, ValueError):
        name = ""
    if not name:  # some mailers put the name only in Content-Type's name=
        param = part.get_param("name")
        name = email.utils.collapse_rfc2231_value(param) if isinstance(param, tuple) else str(param or "")
    return decode_words(name) if "=?" in name else nfc(name)


def parts(msg: Message) -> list[Part]:
    """Every leaf part; a message/rfc822 part is kept whole, not descended into."""
    found: list[Part] = []

    def visit(part: Message, depth: int) -> None:
        if depth > 50:
            return  # a pathological nesting: the rest is kept in the original bytes
        ctype = part.get_content_type().lower()
        if ctype == "message/rfc822" or ctype.startswith("message/"):
            payload = part.get_payload()
            data = payload[0].as_bytes() if isinstance(payload, list) and payload and isinstance(payload[0], Message) else (
                part.get_payload(decode=True) or b""
            )
            found.append(Part(_filename(part) or "message.eml", ctype, data, False))
            return
        if part.is_multipart():
            payload = part.get_payload()
            if isinstance(payload, list):
                for sub in payload:
                    if isinstance(sub, Message):
                        visit(sub, depth + 1)
            return
        try:
            data = part.get_payload(decode=True) or b""
        except (ValueError, TypeError, AssertionError):
            data = str(part.get_payload()).encode("utf-8", "replace")
        filename = _filename(part)
        disposition = str(part.get("Content-Disposition", "")).split(";", 1)[0].strip().lower()
        inline_body = (
            not filename and ctype in ("text/plain", "text/html", "text/enriched") and disposition != "attachment"
        )
        found.append(Part(filename, ctype, data, inline_body))

    visit(msg, 0)
    return found


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
