"""Answers as complete mails, rendered once from the Jinja2 templates in Vietnamese and stored in
the outbox, so that a retry sends the same bytes with the same Message-ID.

The Message-ID is random (nothing outside can compute it from public data), and every mail carries
X-QLVB-Token, the HMAC of its Message-ID under the register's key (gateway/exchange/tokens.py): what
comes back about it (a delivery report) is believed only with that token.

Headers for peers running the gateway: X-QLVB-Status (edXML: 03 registered, 02 refused) and, on an
acknowledgement, X-QLVB-Incoming-Number. RFC 3834: Auto-Submitted: auto-replied, In-Reply-To and
References to the original.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from email.header import Header
from email.headerregistry import Address, HeaderRegistry
from email.message import EmailMessage
from email.policy import SMTP, Policy
from email.utils import format_datetime
from pathlib import Path
from typing import Any

import jinja2

from gateway.compiled_templates import COMPILED
from gateway.exchange import tokens
from gateway.model import HEADER_LINE
from gateway.exchange.status import ACKNOWLEDGED, RETURNED
from registry.outbox import OutboxKind

STATUS = {"ack": ACKNOWLEDGED, "return": RETURNED}
# RFC 3834: what is sent without a person (a document sent on the clerk's command is not)
AUTO_SUBMITTED = {"ack": "auto-replied", "return": "auto-replied", "recall-answer": "auto-replied",
                  "alert": "auto-generated", "digest": "auto-generated", "recalled": "auto-generated",
                  "outgoing-held": "auto-generated", "processing": "auto-replied", "reminder": "auto-generated"}


def _content_type(filename: str) -> tuple[str, str]:
    import mimetypes

    guessed = mimetypes.guess_type(filename)[0] or "application/octet-stream"
    main, _, sub = guessed.partition("/")
    return main, sub


class _EncodedWords(str):
    """A header of Vietnamese text (the subject, the agency's name before its address) as RFC 2047
    encoded words, folded by email.header: the policy's own folding of such text cost more than all
    the rest of an answer. A header object as email.policy knows them: it has a name and folds itself."""

    name: str
    address: str

    def __new__(cls, name: str, text: str, address: str = "") -> "_EncodedWords":
        header = super().__new__(cls, f"{text} <{address}>" if address else text)
        header.name, header.address = name, address
        return header

    def fold(self, *, policy: Policy) -> str:
        text = self[:-len(self.address) - 3] if self.address else str(self)
        folded = Header(text, "utf-8", header_name=self.name).encode(linesep=policy.linesep)
        if self.address:  # the address after the encoded name, on a line of its own if it must
            room = len(folded.rsplit(policy.linesep, 1)[-1]) + len(self.address) + 3 <= 78
            folded += (" " if room else policy.linesep + " ") + f"<{self.address}>"
        return f"{self.name}: {folded}{policy.linesep}"


class _HeaderClasses(HeaderRegistry):
    """email's header registry, each header's class made once: the stock one makes a new class (type())
    for every header set or read, a third of the policy's work on an answer's headers."""

    def __init__(self) -> None:
        super().__init__()
        self._made: dict[str, type] = {}

    def __getitem__(self, name: str) -> type:
        key = name.lower()
        made = self._made.get(key)
        if made is None:
            made = self._made[key] = super().__getitem__(name)
        return made


_POLICY = SMTP.clone(header_factory=_HeaderClasses())  # the same bytes as email.policy.SMTP


def _header(name: str, text: str, address: str = "") -> object:
    """A header with Vietnamese text made cheap to fold; plain ASCII is left to the policy."""
    if text.isascii():
        return Address(text, *address.split("@", 1)) if address else text
    return _EncodedWords(name, text, address)


@dataclass(frozen=True)
class RenderedAnswer:
    kind: OutboxKind
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
        bytecode_cache=COMPILED,
    )


class AnswerWriter:
    def __init__(self, agency_name: str, agency_mailbox: str, token_key: bytes) -> None:
        self.agency_name = agency_name
        self.agency_mailbox = agency_mailbox
        self._token_key = token_key  # the register's (registry/keys.py); never logged
        self.env = _environment()

    def new_message_id(self) -> str:
        """A Message-ID nobody can compute beforehand (a forged report cannot name one by guessing)."""
        return f"<qlvb.{secrets.token_hex(16)}@{self.agency_mailbox.rsplit('@', 1)[1]}>"

    def issued(self, message_id: str, token: str | None) -> bool:
        """Whether this token is the one we put on the mail with this Message-ID."""
        return tokens.issued(self._token_key, message_id, token)

    def render(
        self, kind: OutboxKind, recipient: str, context: dict[str, Any], *, key: str, in_reply_to: str | None,
        incoming_number: int | None = None, references: list[str] | None = None,
        headers: dict[str, str] | None = None, attachments: Sequence[tuple[str, bytes]] = (),
    ) -> RenderedAnswer:
        """The answer as it will be sent, with a new Message-ID at each call: render once, store the
        bytes. `key` names what the answer is about, for the caller's reading only: it no longer makes
        the Message-ID (one computable from public data let anyone forge a report about it)."""
        text = self.env.get_template(f"{kind}.txt.j2").render(
            agency={"name": self.agency_name, "mailbox": self.agency_mailbox}, **context
        )
        subject, _, body = text.partition("\n")
        subject = " ".join(subject.split())[:HEADER_LINE]
        message_id = self.new_message_id()
        msg = EmailMessage(policy=_POLICY)
        msg["From"] = _header("From", self.agency_name, self.agency_mailbox)
        msg["To"] = recipient
        msg["Subject"] = _header("Subject", subject)
        msg["Date"] = format_datetime(datetime.now(timezone.utc))
        msg["Message-ID"] = message_id
        msg[tokens.HEADER] = tokens.token(self._token_key, message_id)
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
