"""The LMTP/SMTP listener in the delivery path (aiosmtpd): a delivered mail is written to the spool
and synced to disk before the MTA hears 250 (so nothing acknowledged can be lost), then the daemon's
loop takes it through intake and files it into the clerk mailbox with IMAP APPEND, in its folder."""

from __future__ import annotations

import hashlib
import threading
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.lmtp import LMTP
from aiosmtpd.smtp import SMTP, Envelope, Session

from gateway.config import Listener
from registry.files import write_atomically


class _Spooler:
    def __init__(self, spool: Path, wake: threading.Event) -> None:
        self.spool = spool
        self.wake = wake

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        raw = envelope.original_content or envelope.content or b""
        data = raw if isinstance(raw, bytes) else raw.encode("utf-8")
        name = hashlib.sha256(data).hexdigest()
        write_atomically(self.spool / f"{name}.eml", data)
        self.wake.set()
        # LMTP answers once per recipient; SMTP once
        count = len(envelope.rcpt_tos) if isinstance(server, LMTP) else 1
        return "\r\n".join(["250 2.0.0 Ok: kept"] * max(count, 1))


class _Controller(Controller):
    def __init__(self, handler: _Spooler, protocol: str, **kwargs: Any) -> None:
        self.protocol = protocol
        super().__init__(handler, **kwargs)

    def factory(self) -> SMTP:
        server_class = LMTP if self.protocol == "lmtp" else SMTP
        return server_class(self.handler, **self.SMTP_kwargs)


def start_listener(config: Listener, spool: Path, wake: threading.Event, max_bytes: int) -> Controller:
    """`max_bytes`: the largest mail the gateway reads (limits.max_mail_mb). aiosmtpd's own bound (32 MiB)
    refused a mail the gateway reads (50 MB by default) after the MTA had accepted it, and the MTA bounced it
    to its envelope sender, whom nothing proves. Taken with a margin (5 % and 64 KB, advertised as SIZE): what
    aiosmtpd counts is the wire's, dot-stuffing and the MTA's Delivered-To included (red team 29: a mail of the
    limit with lines starting with "." was refused); a mail above `max_bytes` is kept unread (mail-too-large)."""
    spool.mkdir(parents=True, exist_ok=True)
    controller = _Controller(_Spooler(spool, wake), config.protocol, hostname=config.host, port=config.port,
                             data_size_limit=max_bytes + max_bytes // 20 + 64 * 1024)
    controller.start()
    return controller


def spooled(spool: Path) -> list[Path]:
    """What was delivered and not yet filed, oldest first."""
    if not spool.is_dir():
        return []
    return sorted((p for p in spool.glob("*.eml")), key=lambda p: (p.stat().st_mtime, p.name))
