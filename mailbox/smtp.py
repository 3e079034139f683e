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
from collections.abc import Callable
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
    tried: bool = True  # False: never put to the server (it could not be reached, refused us, or broke on another)


def send_all(server: Server, envelopes: list[Envelope], *, timeout: float = 30.0,
             told: Callable[[Result], None] = lambda result: None, go_on: Callable[[], bool] = lambda: True,
             wanted: Callable[[Envelope], bool] = lambda envelope: True) -> list[Result]:
    """Each message's outcome, in order; `told` hears each as soon as the server has answered for it (a caller records it
    then: a batch recorded at its end was sent again by another sender once the lease of its first messages ran out);
    `go_on` is asked before each message: the messages after a False are not tried, and have no result; `wanted` is
    asked of each just before it is begun: one no longer wanted is not tried (a letter recalled meanwhile)."""
    return asyncio.run(_send_all(server, envelopes, timeout, told, go_on, wanted))


async def _send_all(server: Server, envelopes: list[Envelope], timeout: float, told: Callable[[Result], None],
                    go_on: Callable[[], bool], wanted: Callable[[Envelope], bool]) -> list[Result]:
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
        refused = [Result(e.key, "temporary", _describe(exc), tried=False) for e in envelopes]
        for result in refused:
            told(result)
        return refused
    results: list[Result] = []
    try:
        for envelope in envelopes:
            if not go_on():
                break
            if not wanted(envelope):
                results.append(unwanted := Result(envelope.key, "temporary", "không gửi: không còn cần gửi", tried=False))
                told(unwanted)
                continue
            result, broken = await _send_one(client, envelope)
            results.append(result)
            told(result)
            if broken:  # the connection broke, or the server refuses our session (red team 66): the rest waits
                rest = [Result(e.key, "temporary", "không gửi: kết nối bị ngắt", tried=False) for e in envelopes[len(results):]]
                results += rest
                for later in rest:
                    told(later)
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


async def _send_one(client: aiosmtplib.SMTP, envelope: Envelope) -> tuple[Result, bool]:
    """The message's outcome, and whether the connection broke on it."""
    try:
        await client.sendmail(envelope.sender, [envelope.recipient], envelope.raw)
        return Result(envelope.key, "sent"), False
    except aiosmtplib.SMTPSenderRefused as exc:
        if exc.code in (530, 535, 553) or exc.message.startswith("5.7."):  # our session or sender refused (red team 66):
            return Result(envelope.key, "temporary", _describe(exc), tried=False), True  # the operator's, no message's
        return Result(envelope.key, "permanent" if 500 <= exc.code < 600 else "temporary", _describe(exc)), False
    except aiosmtplib.SMTPRecipientsRefused as exc:
        codes = [r.code for r in exc.recipients]
        outcome: Outcome = "permanent" if codes and all(500 <= c < 600 for c in codes) else "temporary"
        return Result(envelope.key, outcome, _describe(exc)), False
    except aiosmtplib.SMTPResponseException as exc:
        return Result(envelope.key, "permanent" if 500 <= exc.code < 600 else "temporary", _describe(exc)), False
    except (aiosmtplib.SMTPException, OSError) as exc:
        return Result(envelope.key, "temporary", _describe(exc)), True
    except (UnicodeError, ValueError) as exc:  # an address or message no SMTP can carry ("tét@…" without SMTPUTF8): this
        try:  # message's alone (red team 70: it jammed them all), its transaction, if begun, undone for the next
            await client.rset()
        except (aiosmtplib.SMTPException, OSError):
            return Result(envelope.key, "permanent", _describe(exc)), True
        return Result(envelope.key, "permanent", _describe(exc)), False


@functools.lru_cache(maxsize=4)
def _tls_context(cafile: str | None) -> ssl.SSLContext:
    """One context a CA file, made once: loading the system's roots costs more than sending a mail."""
    return ssl.create_default_context(cafile=cafile)


def _describe(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"[:500]
