"""What the mail adapters are given: plain values, built from the configuration by the gateway
(gateway/mailboxes.py), so that this package knows nothing of the configuration's classes."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal


@dataclass(frozen=True)
class Server:
    """An IMAP or SMTP server and how to log in; certificates verified against `ca_file` when given."""

    host: str
    port: int | None = None  # default by protocol and security
    security: Literal["tls", "starttls", "none"] = "tls"
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    ca_file: Path | None = None


@dataclass(frozen=True)
class Folders:
    """The folder mail comes into, and where a mail is filed by its verdict."""

    inbox: str
    accepted: str
    returned: str
    quarantined: str
    ignored: str
