"""The LMTP/SMTP listener in the delivery path (aiosmtpd): a delivered mail is written to the spool
and synced to disk before the MTA hears 250 (so nothing acknowledged can be lost), then the daemon's
loop takes it through intake and files it into the clerk mailbox with IMAP APPEND, in its folder."""

from __future__ import annotations

import asyncio
import hashlib
import logging
import threading
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.lmtp import LMTP
from aiosmtpd.smtp import SMTP, Envelope, Session

from gateway.config import Listener
from registry.files import write_atomically

log = logging.getLogger("qlvb.listener")


class _Spooler:
    def __init__(self, spool: Path, wake: threading.Event) -> None:
        self.spool = spool
        self.wake = wake

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        raw = envelope.original_content or envelope.content or b""
        data = raw if isinstance(raw, bytes) else raw.encode("utf-8")
        name = hashlib.sha256(data).hexdigest()
        try:
            write_atomically(self.spool / f"{name}.eml", data)
        except OSError as exc:  # the disk full, the spool gone: the MTA keeps the mail and tries again later
            log.warning("a delivery could not be kept in %s (%s); the MTA is told to try again", self.spool, exc)
            return _answer(server, envelope, "451 4.3.0 Not kept: try again later")  # aiosmtpd said 500, for good
        self.wake.set()
        return _answer(server, envelope, "250 2.0.0 Ok: kept")


def _answer(server: SMTP, envelope: Envelope, line: str) -> str:
    """LMTP answers once per recipient (red team 30: one line for three left the MTA waiting); SMTP once."""
    count = len(envelope.rcpt_tos) if isinstance(server, LMTP) else 1
    return "\r\n".join([line] * max(count, 1))


# Deliveries received at once: aiosmtpd holds each whole while it arrives (about 1.7 times its size: red team 29,
# six of 49 MB at once took the process to 807 MB), and Postfix delivers up to 20 at once over LMTP. Beyond these
# the MTA waits for its "354" (Postfix's lmtp_data_init_timeout: 120 s), its mail still in its own queue.
AT_ONCE = 2
# How long a session waits for a place; then "451": the MTA keeps the mail and tries again later. Without it two
# sessions that stalled in their DATA (a hung MTA connection) held every delivery back for aiosmtpd's 5 minutes,
# and the wait came out of the next one's time (red team 30).
PLACE_WAIT = 30.0


class _Bounded(SMTP):
    """A session whose DATA waits for one of the listener's AT_ONCE places, PLACE_WAIT at most."""

    places: asyncio.Semaphore

    async def smtp_DATA(self, arg: str) -> None:
        if arg or self.envelope is None or not self.envelope.rcpt_tos:  # no data will come: answered at once (503, 501)
            await super().smtp_DATA(arg)
            return
        loop = asyncio.get_running_loop()
        until = loop.time() + PLACE_WAIT
        while self.places.locked():  # looked at, never queued on: no place is lost to a wait given up
            if loop.time() >= until:
                await self.push("451 4.3.2 Too many deliveries at once: try again later")
                return
            await asyncio.sleep(0.1)
        await self.places.acquire()  # free: taken at once, nothing runs in between
        try:
            await super().smtp_DATA(arg)
        finally:
            self.places.release()


class _BoundedLMTP(_Bounded, LMTP):
    pass


class _Controller(Controller):
    def __init__(self, handler: _Spooler, protocol: str, **kwargs: Any) -> None:
        self.protocol = protocol
        self.places = asyncio.Semaphore(AT_ONCE)  # bound to the listener's loop at its first use
        super().__init__(handler, **kwargs)

    def factory(self) -> SMTP:
        server = (_BoundedLMTP if self.protocol == "lmtp" else _Bounded)(self.handler, **self.SMTP_kwargs)
        server.places = self.places
        return server


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
