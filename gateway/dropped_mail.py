"""A mail the clerk dropped into the outgoing folder, read as intake reads mail (gateway/intake: its parts, what each
file is, who sent it), for gateway/outgoing/folder.py to send or hold: the clerk's own only when it is from the clerk's
(or the agency's) address and, if the mail server delivered it (a Received line), proven so (red team 112: a stranger's
mail a filing rule put there, or ours forged from outside, was signed with the agency's key and sent)."""

from __future__ import annotations

import logging
from email.message import Message

from gateway.intake import mime
from gateway.intake.attachments import classify
from gateway.intake.authentication import AuthSettings, authenticate
from gateway.outgoing.folder import DRAFTS, Dropped, Taken, send_dropped
from gateway.outgoing.send import OutgoingSender

log = logging.getLogger("qlvb.outgoing")


def take_dropped(sender: OutgoingSender, source: str, raw: bytes) -> Taken:
    """Send what a mail dropped in the outgoing folder carries, or hold it, the clerk told."""
    try:
        msg = mime.parse_message(raw)
        dropped = dropped_files(raw, msg)
    except Exception as exc:  # parsing only: the mail itself (nested past recursion, undecodable)
        log.warning("%s: unreadable mail (%s)", source, type(exc).__name__, exc_info=True)
        return send_dropped(sender, source, type(exc).__name__)
    config = sender.gw.config
    ours = frozenset({*config.clerk_addresses, config.agency.mailbox})
    return send_dropped(sender, source, dropped, not_the_clerks(raw, ours, AuthSettings.of(config.authentication), msg))


def dropped_files(raw: bytes, msg: Message | None = None) -> Dropped:
    """Every file of a mail the clerk dropped, at every level of it (red team 112: a letter inside an HTML part was
    never seen), each as its bytes say it is: a "draft" that is a PDF is a document (red team 112: mailed unread beside
    our signed letter, in our name). `msg`: the mail parsed already."""
    msg = msg if msg is not None else mime.parse_message(raw)
    pdfs: list[tuple[str, bytes]] = []
    drafts: list[tuple[str, bytes]] = []
    ignored: list[str] = []
    for part in mime.parts(msg):
        if part.inline_body:
            continue
        name = part.filename
        kind = classify(name, part.content_type, part.data).kind
        if kind == "pdf" or (part.content_type == "application/pdf" or name.lower().endswith(".pdf")):
            pdfs.append((name or "vanban.pdf", part.data))
        elif kind == "draft" and name.lower().endswith(DRAFTS):
            drafts.append((name, part.data))
        else:
            ignored.append(name or part.content_type)
    return Dropped(tuple(pdfs), tuple(drafts), tuple(ignored), mime.header_text(msg, "Subject"))


def not_the_clerks(raw: bytes, ours: frozenset[str], auth: AuthSettings, msg: Message | None = None) -> str | None:
    """Why a mail in the outgoing folder is not the clerk's own to send, None when it is: from one of `ours` (the
    clerk's, the agency's addresses), alone, and, delivered by a mail server (a Received line), proven from it (the
    province's server's login, DKIM or DMARC). Put there by a mail client (IMAP APPEND: the mailbox's owner), none.
    `msg`: the mail parsed already."""
    msg = msg if msg is not None else mime.parse_message(raw)
    froms = [address for _, address in mime.addresses(msg, "From")]
    if len(froms) != 1 or froms[0] not in ours:
        return f"thư không phải của Văn thư (người gửi {', '.join(froms) or 'không rõ'})"
    if msg.get_all("Received"):
        sender = authenticate(raw, msg, froms, auth)
        if not sender.authenticated or sender.address != froms[0]:
            return f"thư được chuyển đến từ bên ngoài, không chứng minh được do {froms[0]} gửi ({sender.detail})"
    return None
