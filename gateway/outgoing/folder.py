"""The clerk's outgoing folder ("QLVB/Gửi đi"): a mail the clerk drops there with the signed scan
(and the draft, if any) is sent like `qlvb-gateway send`. Sent mails move to "…/Đã gửi"; a held
send moves to "…/Chờ xác nhận" and the clerk gets the plan (what did not resolve, the candidates);
a mail without a PDF moves to "…/Khác" with a note to the clerk. Only the mailbox's owner can put
mail in one of its folders: what is there was put by the clerk."""

from __future__ import annotations

import email
import email.policy
import logging
from datetime import datetime, timezone
from typing import Literal

from gateway.outgoing.send import OutgoingFile, OutgoingSender, SendOutcome, UnreadablePdf
from gateway.outgoing.signing import SigningError
from gateway.reasons import error
from qlvb_mailbox.settings import Folders

log = logging.getLogger("qlvb.outgoing")

Taken = Literal["sent", "held", "ignored"]
FOLDER_OF: dict[Taken, str] = {"sent": "accepted", "held": "quarantined", "ignored": "ignored"}


def outgoing_folders(folder: str) -> Folders:
    """The outgoing folder as a mailbox of its own: the folder, and where its mails are filed."""
    return Folders(inbox=folder, accepted=f"{folder}/Đã gửi", returned=f"{folder}/Chờ xác nhận",
                   quarantined=f"{folder}/Chờ xác nhận", ignored=f"{folder}/Khác")


def files_of(raw: bytes) -> tuple[tuple[str, bytes] | None, tuple[str, bytes] | None, str]:
    """(the PDF, the draft, the subject) of a mail the clerk dropped."""
    msg = email.message_from_bytes(raw, policy=email.policy.default)
    pdf = draft = None
    for part in msg.iter_attachments():
        name = part.get_filename() or ""
        payload = part.get_payload(decode=True)
        data = payload if isinstance(payload, bytes) else b""
        if pdf is None and (part.get_content_type() == "application/pdf" or name.lower().endswith(".pdf")):
            pdf = (name or "vanban.pdf", data)
        elif draft is None and name.lower().endswith((".doc", ".docx", ".odt")):
            draft = (name, data)
    return pdf, draft, str(msg.get("Subject", ""))


def take_dropped(sender: OutgoingSender, source: str, raw: bytes) -> Taken:
    """Send what a dropped mail carries; tell the clerk when it is held or carries no PDF."""
    try:
        pdf, draft, subject = files_of(raw)
    except Exception as exc:  # parsing only: the mail itself (nested past recursion, undecodable)
        log.warning("%s: unreadable mail (%s)", source, type(exc).__name__, exc_info=True)
        _tell_clerk(sender, source, "", None, f"Không đọc được thư ({type(exc).__name__}): không gửi.")
        return "held"
    if pdf is None:
        _tell_clerk(sender, source, subject, None, "Thư trong thư mục gửi đi không kèm tệp PDF: không gửi.")
        return "ignored"
    try:
        outcome = sender.send(OutgoingFile(source, pdf[0], pdf[1], draft))
    except SigningError as exc:
        _tell_clerk(sender, source, subject, None, f"Không ký số được văn bản: {exc}")
        return "held"
    except UnreadablePdf as exc:  # broken, hostile, or beyond the worker's time or memory limit
        _tell_clerk(sender, source, subject, None, f"Không đọc được tệp PDF, không gửi: {exc}")
        return "held"
    except Exception as exc:  # a PDF MuPDF cannot open, or anything else: the clerk looks, nothing is lost
        log.exception("%s: cannot send", source)
        _tell_clerk(sender, source, subject, None, f"Không xử lý được tệp {pdf[0]}: {type(exc).__name__}: {exc}")
        return "held"
    if outcome.registered:
        log.info("%s: sent as %s", source, outcome.plan.identifier)
        return "sent"
    _tell_clerk(sender, source, subject, outcome, "")
    return "held"


def _tell_clerk(sender: OutgoingSender, source: str, subject: str, outcome: SendOutcome | None, problem: str) -> None:
    from registry.outbox import enqueue

    gw = sender.gw
    plan = outcome.as_json() if outcome is not None else None
    held = plan["held"] if plan else [error("no-document", problem).as_json()]
    context = {"subject": subject, "source": source, "plan": plan, "held": held}  # the problem is in `held`
    now = datetime.now(timezone.utc)
    with gw.register.session() as session, session.begin():
        for clerk in gw.config.clerk_addresses:
            mail = gw.writer.render("outgoing-held", clerk, context, key=f"{source}:{now.isoformat()}", in_reply_to=None)
            enqueue(session, "outgoing-held", clerk, mail, now=now)
