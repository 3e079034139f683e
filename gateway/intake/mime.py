"""Parse a raw mail into headers and attachments, tolerating the malformed mail found in the wild."""

from __future__ import annotations

import base64
import binascii
import email
import email.parser
import email.policy
import hashlib
import logging
import quopri
import re
from dataclasses import dataclass
from datetime import datetime, timezone
from email.header import decode_header, make_header
from email.message import Message
from email.utils import getaddresses, parsedate_to_datetime

import tnefparse

from gateway.intake import line_ends
from qlvb_mailbox.dates import plausible
from vntext import nfc, unseen

line_ends.install()  # a part's last line end found at its end, not searched for through the whole part


FORWARD_DEPTH = 5  # forwarded mails inside forwarded mails: deeper ones are kept whole (and refused)
FORWARDED_TYPES = ("message/rfc822", "message/global")
TNEF_MAGIC = b"\x78\x9f\x3e\x22"  # Outlook's winmail.dat
logging.getLogger("tnef").setLevel(logging.CRITICAL)  # tnefparse warns about every bad checksum


@dataclass(frozen=True)
class Part:
    filename: str
    content_type: str
    data: bytes
    inline_body: bool  # the text or HTML body of the mail, not an attachment
    forwarded: int = 0  # in how many forwarded mails it lies (0: a part of the mail itself)


PARSE_CHUNK = 1 << 16


def parse_message(raw: bytes) -> Message:
    # compat32 never raises on access to a broken header; we decode what we need ourselves.
    # Fed a chunk at a time (as email.parser.Parser does): message_from_bytes first makes the whole mail
    # one text and a copy of it four bytes a character, 200 MB more for a 36 MB mail.
    parser = email.parser.BytesFeedParser(policy=email.policy.compat32)
    for start in range(0, len(raw), PARSE_CHUNK):
        parser.feed(raw[start:start + PARSE_CHUNK])
    return parser.close()


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
    """(display name, lower-case address) pairs of an address header, all occurrences. The list is parsed before its
    display names are decoded: an encoded word is never part of an address (RFC 2047 §5; red team 97: a display name
    "=?utf-8?q?vanthu=40sotp…?=" was read as the address, the sender's own lost)."""
    values = [str(v) for v in msg.get_all(name, [])]
    result = _addresses(getaddresses(values), decoded=False)
    # a list written whole as encoded words (PHP's mb_encode_mimeheader: red team 103, a proven sender held) has no
    # address until decoded: read so only where it has none otherwise
    return result or _addresses(getaddresses([decode_words(v) for v in values]), decoded=True)


def _addresses(pairs: list[tuple[str, str]], *, decoded: bool) -> list[tuple[str, str]]:
    result = []
    for display, address in pairs:
        address = address.strip().strip("<>").lower()
        if "@" in address and not any(unseen(ch) for ch in address):  # a bidi override in one shows another (red team 64)
            result.append((display if decoded else decode_words(display), address))
    return result


MAX_MESSAGE_ID = 998  # RFC 5322 2.1.1: no line is longer, nor is the register's column


def message_id(msg: Message, raw_sha256: str) -> str:
    value = str(msg.get("Message-ID", "") or "").strip()
    match = re.search(r"<[^<>\s]+>", value)
    if match and len(match.group(0)) <= MAX_MESSAGE_ID:
        return match.group(0)
    # a mail without a Message-ID (or with one no line can hold) gets a stable one from its bytes, so
    # re-runs recognise it
    return f"<sha256-{raw_sha256[:32]}@no-message-id.qlvb>"


def date_header(msg: Message) -> datetime | None:
    value = msg.get("Date")
    if not value:
        return None
    try:
        parsed = parsedate_to_datetime(str(value))
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    return plausible(parsed)


def topmost_received(msg: Message) -> datetime | None:
    """The time our own server wrote in the topmost Received: header (after its last ';'); None when that line gives
    none. A lower line is the sending side's word, never our receive time (002 Đ7.1.b; red team 74)."""
    values = msg.get_all("Received", []) or []
    if not values or ";" not in str(values[0]):
        return None
    try:
        parsed = parsedate_to_datetime(str(values[0]).rsplit(";", 1)[1].strip())
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    return plausible(_in_utc_unless_zoned(parsed))


def _in_utc_unless_zoned(when: datetime) -> datetime:
    """RFC 5322 §3.3: "-0000" is UTC with the local zone unknown; a time with no zone is read so too."""
    return when if when.tzinfo is not None else when.replace(tzinfo=timezone.utc)


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
    """Every leaf part, in order. A forwarded mail (message/rfc822, or an attached .eml that is a mail)
    is opened and its parts listed with `forwarded` counting the levels, down to FORWARD_DEPTH; a
    deeper one is kept whole. Multiparts are walked without recursion, however deep."""
    found: list[Part] = []
    stack: list[tuple[Message, int]] = [(msg, 0)]
    while stack:
        part, forwarded = stack.pop()
        ctype = part.get_content_type().lower()
        filename = _filename(part)
        if ctype in FORWARDED_TYPES or (_is_eml(filename) and not part.is_multipart()):
            inner = _forwarded_mail(part)
            if inner is not None and forwarded < FORWARD_DEPTH:
                stack.append((inner, forwarded + 1))
                continue
            if inner is not None or ctype in FORWARDED_TYPES:
                found.append(Part(filename or "message.eml", "message/rfc822", _whole(part), False, forwarded))
                continue
        if ctype.startswith("message/"):  # the parts of a delivery or read report: header blocks
            found.append(Part(filename or "message.eml", ctype, _whole(part), False, forwarded))
            continue
        if part.is_multipart():
            payload = part.get_payload()
            if isinstance(payload, list):
                stack.extend((sub, forwarded) for sub in reversed(payload) if isinstance(sub, Message))
            continue
        try:
            data = _decoded(part)
        except (ValueError, TypeError, AssertionError):
            data = str(part.get_payload()).encode("utf-8", "replace")
        carried = tnef_files(data) if data.startswith(TNEF_MAGIC) else None
        if carried is not None:  # Outlook's winmail.dat (a mail written in Rich Text): its files are the mail's own
            for name, content in carried:  # a mail saved in it is opened as a forwarded one (red team 57)
                inner = _as_mail(content) if _is_eml(name) else None
                if inner is not None and forwarded < FORWARD_DEPTH:
                    stack.append((inner, forwarded + 1))
                else:
                    found.append(Part(name, "application/octet-stream", content, False, forwarded))
            continue
        disposition = str(part.get("Content-Disposition", "")).split(";", 1)[0].strip().lower()
        inline_body = (
            not filename and ctype in ("text/plain", "text/html", "text/enriched") and disposition != "attachment"
        )
        found.append(Part(filename, ctype, data, inline_body, forwarded))
    return found


def tnef_files(data: bytes) -> list[tuple[str, bytes]] | None:
    """The files an Outlook winmail.dat (TNEF) carries, by name; None when tnefparse cannot open it."""
    try:
        tnef = tnefparse.TNEF(data, do_checksum=False)
        return [(nfc(str(a.long_filename() or a.name or "")), bytes(a.data or b"")) for a in tnef.attachments]
    except Exception:  # tnefparse fails in many ways on a hostile file
        return None


def _decoded(part: Message) -> bytes:
    """The part's body decoded, as get_payload(decode=True) gives it. A base64 body is decoded straight
    from its text: the email package makes three copies of it on the way (150 MB more for a 36 MB mail);
    one it cannot decode so is left to the email package's own repairs."""
    payload = part.get_payload()
    if isinstance(payload, str) and str(part.get("content-transfer-encoding", "")).lower() == "base64":
        try:
            return binascii.a2b_base64(payload)  # line ends skipped, as the email package drops them
        except (binascii.Error, ValueError):  # bad padding, or not ASCII
            pass
    return _decoded_by_email(part)


def _decoded_by_email(part: Message) -> bytes:
    """get_payload(decode=True): bytes for a leaf part, None for a multipart one (typed as any payload)."""
    payload = part.get_payload(decode=True)
    return payload if isinstance(payload, bytes) else b""


def _whole(part: Message) -> bytes:
    payload = part.get_payload()
    if isinstance(payload, list) and payload and isinstance(payload[0], Message):
        try:
            return payload[0].as_bytes() if len(payload) == 1 else part.as_bytes()
        except (ValueError, TypeError, LookupError, UnicodeError):
            return b""
    try:
        return _decoded_by_email(part)
    except (ValueError, TypeError, AssertionError):
        return str(payload).encode("utf-8", "replace")


def _forwarded_mail(part: Message) -> Message | None:
    """The mail a message/rfc822 part or an attached .eml carries (None when it is not a mail)."""
    payload = part.get_payload()
    encoding = str(part.get("Content-Transfer-Encoding", "") or "").strip().lower()
    if isinstance(payload, list):
        if len(payload) != 1 or not isinstance(payload[0], Message):
            return None
        if encoding not in ("base64", "quoted-printable"):
            return payload[0]
        # RFC 2046 §5.2.1 forbids encoding a message/rfc822, some mailers do: the parser read the encoded text
        try:
            encoded = payload[0].as_bytes()
        except (ValueError, TypeError, LookupError, UnicodeError):
            return None
        try:
            raw = base64.b64decode(encoded) if encoding == "base64" else quopri.decodestring(encoded)
        except (binascii.Error, ValueError):
            return None
    else:
        try:
            raw = _decoded_by_email(part)
        except (ValueError, TypeError, AssertionError):
            return None
    return _as_mail(raw)


def _is_eml(filename: str) -> bool:
    return filename.lower().rstrip(". ").endswith(".eml")


def _as_mail(raw: bytes) -> Message | None:
    """The mail these bytes are, None when they are not one."""
    inner = parse_message(raw)
    headers = ("From", "Date", "Subject", "Message-ID", "MIME-Version", "Content-Type")
    return inner if any(inner.get(h) for h in headers) else None


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
