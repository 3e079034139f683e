"""Mails as agencies send them, for the demo and the tests: attachments, DKIM, Authentication-Results."""

from __future__ import annotations

import base64
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from email.message import EmailMessage
from email.parser import BytesHeaderParser
from email.policy import SMTP
from email.utils import format_datetime, make_msgid

import dkim
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa


@dataclass(frozen=True)
class DkimKey:
    selector: str
    domain: str
    private_pem: bytes
    txt_record: str

    @property
    def dns_name(self) -> str:
        return f"{self.selector}._domainkey.{self.domain}"

    @classmethod
    def generate(cls, domain: str, selector: str = "qlvb") -> "DkimKey":
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        private_pem = key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL, serialization.NoEncryption()
        )
        public_der = key.public_key().public_bytes(
            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        return cls(selector, domain, private_pem, "v=DKIM1; k=rsa; p=" + base64.b64encode(public_der).decode())


SIGNED = (b"from", b"to", b"cc", b"subject", b"date", b"message-id", b"reply-to", b"in-reply-to", b"references",
          b"mime-version", b"content-type")  # what a province's signing server signs (OpenDKIM's defaults)


def signed_header_names(raw: bytes) -> list[bytes]:
    """The headers a signing server signs in this mail: the usual ones, and the X-QLVB-* a province
    configures its server to sign (README, Security), each as often as it occurs."""
    head = raw[:end + 4] if (end := raw.find(b"\r\n\r\n")) >= 0 else raw  # the body parsed too cost as much again
    names = [str(k).lower().encode() for k in BytesHeaderParser().parsebytes(head).keys()]
    return [n for n in names if n in SIGNED or n.startswith(b"x-qlvb-")] or [b"from"]


def _subtype(name: str) -> tuple[str, str]:
    ext = name.rsplit(".", 1)[-1].lower()
    return {
        "pdf": ("application", "pdf"),
        "docx": ("application", "vnd.openxmlformats-officedocument.wordprocessingml.document"),
        "doc": ("application", "msword"),
        "png": ("image", "png"),
        "jpg": ("image", "jpeg"),
        "zip": ("application", "zip"),
        "exe": ("application", "octet-stream"),
        "txt": ("text", "plain"),
    }.get(ext, ("application", "octet-stream"))


def make_mail(
    *,
    sender: str,
    to: list[str],
    subject: str,
    attachments: Sequence[tuple[str, bytes]] = (),
    cc: Sequence[str] = (),
    body: str = "Kính gửi Văn thư,\n\nXin gửi văn bản đính kèm.\n",
    auth_results: Sequence[str] = (),
    dkim_key: DkimKey | None = None,
    message_id: str | None = None,
    date: datetime | None = None,
    received_at: datetime | None = None,
    received_by: str = "mx.bacgiang.gov.vn",
    headers: dict[str, str] | None = None,
    declared_type: str | None = None,
) -> bytes:
    """An RFC 5322 mail (CRLF), signed with DKIM when a key is given, with the receiving server's
    Authentication-Results and Received headers on top, as the clerk's mailbox stores it."""
    date = date or datetime.now(timezone.utc)
    msg = EmailMessage(policy=SMTP)
    msg["From"] = sender
    msg["To"] = ", ".join(to)
    if cc:
        msg["Cc"] = ", ".join(cc)
    msg["Subject"] = subject
    msg["Date"] = format_datetime(date)
    msg["Message-ID"] = message_id or make_msgid(domain=sender.rsplit("@", 1)[-1])
    for name, value in (headers or {}).items():
        msg[name] = value
    msg.set_content(body)
    for filename, data in attachments:
        maintype, subtype = (declared_type.split("/", 1) if declared_type else _subtype(filename))
        msg.add_attachment(data, maintype=maintype, subtype=subtype, filename=filename)
    if msg.is_multipart():  # a boundary of its own: the email package's own is made by searching the whole mail for it
        msg.set_boundary(f"=_qlvb_{uuid.uuid4().hex}")
    raw = msg.as_bytes()
    if dkim_key is not None:
        signature = dkim.sign(
            raw, dkim_key.selector.encode(), dkim_key.domain.encode(), dkim_key.private_pem,
            include_headers=signed_header_names(raw),
        )
        raw = signature + raw
    top = b""
    for value in auth_results:  # a receiving server writes its results above its own Received line
        top += f"Authentication-Results: {value}\r\n".encode()
    when = format_datetime(received_at or date)
    top += f"Received: from agency.example by {received_by} with ESMTPSA; {when}\r\n".encode()
    return top + raw
