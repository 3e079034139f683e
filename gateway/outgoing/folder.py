"""The clerk's outgoing folder ("QLVB/Gửi đi"): a mail the clerk drops there with the signed scan
(and the draft, if any) is sent like `qlvb-gateway send`. Sent mails move to "…/Đã gửi"; a held
send moves to "…/Chờ xác nhận" and the clerk gets the plan (what did not resolve, the candidates);
a mail without a PDF moves to "…/Khác" with a note to the clerk. What is there is taken as the clerk's only when
it is (`gateway/dropped_mail.py`, above outgoing and intake, reads and judges it)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Literal

from gateway.outgoing.send import OutgoingFile, OutgoingSender, SendOutcome, UnreadablePdf
from gateway.outgoing.signing import SigningError
from gateway.reasons import Reason, error
from qlvb_mailbox.settings import Folders

log = logging.getLogger("qlvb.outgoing")

Taken = Literal["sent", "held", "ignored"]
FOLDER_OF: dict[Taken, str] = {"sent": "accepted", "held": "quarantined", "ignored": "ignored"}


def outgoing_folders(folder: str) -> Folders:
    """The outgoing folder as a mailbox of its own: the folder, and where its mails are filed."""
    return Folders(inbox=folder, accepted=f"{folder}/Đã gửi", returned=f"{folder}/Chờ xác nhận",
                   quarantined=f"{folder}/Chờ xác nhận", ignored=f"{folder}/Khác")


# 000 Đ10.3.a: the draft "Word/Excel" sent with the document; 004 Đ4.3 lists the formats exchanged (rtf, txt, xls, …).
DRAFTS = (".doc", ".docx", ".odt", ".rtf", ".txt", ".xls", ".xlsx", ".ods", ".csv")


@dataclass(frozen=True)
class Dropped:
    """What a mail the clerk dropped carries: its PDFs, its drafts, the attachments of neither kind, its subject."""

    pdfs: tuple[tuple[str, bytes], ...]
    drafts: tuple[tuple[str, bytes], ...]
    ignored: tuple[str, ...]
    subject: str


# 002 Đ9.1 (each document sent to its recipients as its block lists them): one document, and its draft, per mail; of
# two PDFs the first alone was sent, the mail filed as sent (red team 63).
def one_document(dropped: Dropped) -> list[Reason]:
    several = [name for name, _ in dropped.pdfs] if len(dropped.pdfs) > 1 else []
    several += [name for name, _ in dropped.drafts] if len(dropped.drafts) > 1 else []
    return [error("several-documents", ", ".join(several))] if several else []


def send_dropped(sender: OutgoingSender, source: str, dropped: Dropped | str, stranger: str | None = None) -> Taken:
    """Send what a dropped mail carries (`gateway/dropped_mail.py` reads it: its files, or why it could not be read, and
    why it is not the clerk's own, `stranger`); tell the clerk when it is held or carries no PDF."""
    if isinstance(dropped, str):  # the mail itself could not be read (nested past recursion, undecodable)
        _tell_clerk(sender, source, "", None, f"Không đọc được thư ({dropped}): không gửi.")
        return "held"
    subject, ignored = dropped.subject, dropped.ignored
    if stranger is not None:
        log.warning("%s: not the clerk's own mail: %s; held", source, stranger)
        _tell_clerk(sender, source, subject, None, "", held=[error("not-the-clerks", stranger)], ignored=ignored)
        return "held"
    if held := one_document(dropped):
        _tell_clerk(sender, source, subject, None, "", held=held, ignored=ignored)
        return "held"
    if not dropped.pdfs:
        _tell_clerk(sender, source, subject, None, "Thư trong thư mục gửi đi không kèm tệp PDF: không gửi.", ignored=ignored)
        return "ignored"
    pdf, draft = dropped.pdfs[0], (dropped.drafts[0] if dropped.drafts else None)
    try:
        outcome = sender.send(OutgoingFile(source, pdf[0], pdf[1], draft))
    except SigningError as exc:
        _tell_clerk(sender, source, subject, None, f"Không ký số được văn bản: {exc}", ignored=ignored)
        return "held"
    except UnreadablePdf as exc:  # broken, hostile, or beyond the worker's time or memory limit
        _tell_clerk(sender, source, subject, None, f"Không đọc được tệp PDF, không gửi: {exc}", ignored=ignored)
        return "held"
    except Exception as exc:  # a PDF MuPDF cannot open, or anything else: the clerk looks, nothing is lost
        log.exception("%s: cannot send", source)
        _tell_clerk(sender, source, subject, None, f"Không xử lý được tệp {pdf[0]}: {type(exc).__name__}: {exc}",
                    ignored=ignored)
        return "held"
    if outcome.registered:
        log.info("%s: sent as %s%s", source, outcome.plan.identifier,
                 f" (not attached: {', '.join(ignored)})" if ignored else "")
        if not outcome.already_sent and (outcome.plan.warnings or ignored):  # said to the clerk, as a hold is (red team 69:
            _tell_clerk(sender, source, subject, outcome, "", ignored=ignored, sent=True)  # a log line only)
        return "sent"
    _tell_clerk(sender, source, subject, outcome, "", ignored=ignored)
    return "held"


def _tell_clerk(sender: OutgoingSender, source: str, subject: str, outcome: SendOutcome | None, problem: str, *,
                held: list[Reason] | None = None, ignored: tuple[str, ...] = (), sent: bool = False) -> None:
    """The clerk's note: why the mail was not sent (the plan's holds, `held`, else the problem), or, `sent`, what the
    clerk should see of a letter sent (the plan's warnings), and the files it carries that are neither a document nor a
    draft (`ignored`)."""
    from registry.outbox import enqueue

    gw = sender.gw
    plan = outcome.as_json() if outcome is not None else None
    reasons = plan["held"] if plan else [r.as_json() for r in held or [error("no-document", problem)]]
    context = {"subject": subject, "source": source, "plan": plan, "held": reasons,  # the problem is in `held`
               "ignored": list(ignored), "sent": sent, "warnings": plan.get("warnings", []) if plan else []}
    now = datetime.now(timezone.utc)
    with gw.register.session() as session, session.begin():
        for clerk in gw.config.clerk_addresses:
            mail = gw.writer.render("outgoing-held", clerk, context, key=f"{source}:{now.isoformat()}", in_reply_to=None)
            enqueue(session, "outgoing-held", clerk, mail, now=now)
