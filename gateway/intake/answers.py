"""Answers as complete mails, rendered once from the Jinja2 templates in Vietnamese and stored in
the outbox, so that a retry sends the same bytes with the same Message-ID.

Headers for peers running the gateway: X-QLVB-Status (edXML: 03 registered, 02 refused) and, on an
acknowledgement, X-QLVB-Incoming-Number. RFC 3834: Auto-Submitted: auto-replied, In-Reply-To and
References to the original.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timezone
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime
from pathlib import Path
from typing import Any

import jinja2

STATUS = {"ack": "03", "return": "02"}  # edXML status codes (QCVN 102:2016)
# RFC 3834: what is sent without a person (a document sent on the clerk's command is not)
AUTO_SUBMITTED = {"ack": "auto-replied", "return": "auto-replied", "recall-answer": "auto-replied",
                  "alert": "auto-generated", "digest": "auto-generated", "recalled": "auto-generated",
                  "outgoing-held": "auto-generated"}


def _content_type(filename: str) -> tuple[str, str]:
    import mimetypes

    guessed = mimetypes.guess_type(filename)[0] or "application/octet-stream"
    main, _, sub = guessed.partition("/")
    return main, sub


@dataclass(frozen=True)
class RenderedAnswer:
    kind: str
    recipient: str
    subject: str
    message_id: str
    raw: bytes


def templates_dir() -> Path:
    """The installed templates/ folder (package qlvb_templates, a namespace package: its __path__
    holds the real folder; importlib.resources cannot read it under an editable install)."""
    import qlvb_templates

    for entry in qlvb_templates.__path__:
        if (Path(entry) / "ack.txt.j2").is_file():
            return Path(entry)
    raise FileNotFoundError("the templates folder (qlvb_templates) is not installed")


def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(templates_dir())),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        autoescape=False,
    )


class AnswerWriter:
    def __init__(self, agency_name: str, agency_mailbox: str) -> None:
        self.agency_name = agency_name
        self.agency_mailbox = agency_mailbox
        self.env = _environment()

    def stable_message_id(self, *parts: str) -> str:
        digest = hashlib.sha256("\x00".join(parts).encode()).hexdigest()[:32]
        return f"<qlvb.{digest}@{self.agency_mailbox.rsplit('@', 1)[1]}>"

    def render(
        self, kind: str, recipient: str, context: dict[str, Any], *, key: str, in_reply_to: str | None,
        incoming_number: int | None = None, references: list[str] | None = None,
        headers: dict[str, str] | None = None, attachments: list[tuple[str, bytes]] = (),  # type: ignore[assignment]
    ) -> RenderedAnswer:
        text = self.env.get_template(f"{kind}.txt.j2").render(
            agency={"name": self.agency_name, "mailbox": self.agency_mailbox}, **context
        )
        subject, _, body = text.partition("\n")
        subject = " ".join(subject.split())
        message_id = self.stable_message_id(key, kind, recipient)
        msg = EmailMessage(policy=SMTP)
        local, _, domain = self.agency_mailbox.partition("@")
        msg["From"] = Address(self.agency_name, local, domain)
        msg["To"] = recipient
        msg["Subject"] = subject
        msg["Date"] = format_datetime(datetime.now(timezone.utc))
        msg["Message-ID"] = message_id
        if kind in AUTO_SUBMITTED:
            msg["Auto-Submitted"] = AUTO_SUBMITTED[kind]
        if in_reply_to:
            msg["In-Reply-To"] = in_reply_to
            msg["References"] = " ".join(dict.fromkeys([*(references or []), in_reply_to]))
        if kind in STATUS:
            msg["X-QLVB-Status"] = STATUS[kind]
        if kind == "ack" and incoming_number is not None:
            msg["X-QLVB-Incoming-Number"] = str(incoming_number)
        for name, value in (headers or {}).items():
            msg[name] = value
        msg.set_content(body.lstrip("\n"), charset="utf-8")
        for filename, data in attachments:  # the files as given, byte for byte
            maintype, subtype = _content_type(filename)
            msg.add_attachment(data, maintype=maintype, subtype=subtype, filename=filename)
        return RenderedAnswer(kind, recipient, subject, message_id, msg.as_bytes())
