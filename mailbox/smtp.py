"""Sending stored messages through the submission server (aiosmtplib), one connection a batch.

Installed as `qlvb_mailbox.smtp`. The outcome of each message is classified for the outbox: sent
(the server accepted it), temporary (4xx, or the server cannot be reached: retry later) or
permanent (5xx: do not retry).
"""

from __future__ import annotations

import asyncio
import functools
import socket
import ssl
from dataclasses import dataclass
from typing import Literal

import aiosmtplib

from qlvb_mailbox.settings import Server

Outcome = Literal["sent", "temporary", "permanent"]


@dataclass(frozen=True)
class Envelope:
    key: int  # the caller's id for the message
    sender: str
    recipient: str
    raw: bytes


@dataclass(frozen=True)
class Result:
    key: int
    outcome: Outcome
    detail: str = ""


def send_all(server: Server, envelopes: list[Envelope], *, timeout: float = 30.0) -> list[Result]:
    return asyncio.run(_send_all(server, envelopes, timeout))


async def _send_all(server: Server, envelopes: list[Envelope], timeout: float) -> list[Result]:
    if not envelopes:
        return []
    context = _tls_context(str(server.ca_file) if server.ca_file else None)
    port = server.port or {"tls": 465, "starttls": 587, "none": 25}[server.security]
    client = aiosmtplib.SMTP(hostname=server.host, port=port, use_tls=server.security == "tls",
                             start_tls=server.security == "starttls", tls_context=context, timeout=timeout,
                             local_hostname=_local_hostname())
    try:
        await client.connect()
        if server.username:
            await client.login(server.username, server.password or "")
    except (aiosmtplib.SMTPException, OSError) as exc:  # unreachable, or refusing us: the operator's to fix
        return [Result(e.key, "temporary", _describe(exc)) for e in envelopes]
    results: list[Result] = []
    try:
        for envelope in envelopes:
            try:
                await client.sendmail(envelope.sender, [envelope.recipient], envelope.raw)
                results.append(Result(envelope.key, "sent"))
            except aiosmtplib.SMTPRecipientsRefused as exc:
                codes = [r.code for r in exc.recipients]
                outcome: Outcome = "permanent" if codes and all(500 <= c < 600 for c in codes) else "temporary"
                results.append(Result(envelope.key, outcome, _describe(exc)))
            except aiosmtplib.SMTPResponseException as exc:
                results.append(Result(envelope.key, "permanent" if 500 <= exc.code < 600 else "temporary", _describe(exc)))
            except (aiosmtplib.SMTPException, OSError) as exc:  # the connection broke: the rest waits
                results.append(Result(envelope.key, "temporary", _describe(exc)))
                results.extend(Result(e.key, "temporary", "không gửi: kết nối bị ngắt") for e in envelopes[len(results):])
                break
    finally:
        try:
            await client.quit()
        except (aiosmtplib.SMTPException, OSError):
            client.close()
    return results


@functools.cache
def _local_hostname() -> str:
    """This machine's name for EHLO, asked of the resolver once: aiosmtplib asks it (socket.getfqdn, in a
    thread it starts) at every connection, and a slow reverse lookup would hold every batch of answers."""
    return socket.getfqdn()


@functools.lru_cache(maxsize=4)
def _tls_context(cafile: str | None) -> ssl.SSLContext:
    """One context a CA file, made once: loading the system's roots costs more than sending a mail."""
    return ssl.create_default_context(cafile=cafile)


def _describe(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"[:500]
