"""The processing status of a registered document, told to its sender when the sender runs this
gateway (its mail carried X-QLVB-Document-Id): edXML 04 (chờ phân công) once it is registered and
acknowledged, 05 (đang xử lý) once it is passed on, 06 (đã xử lý xong) when the lead unit is done
(Bắc Kạn QĐ 26/2020 Đ9.1.c: the sender is told of its document automatically). Each status is a mail
of its own after the acknowledgement (which carries 03), to the address the acknowledgement went to,
in reply to the sender's mail, with X-QLVB-Status, X-QLVB-Document-Id and X-QLVB-Incoming-Number."""

from __future__ import annotations

from datetime import date, datetime, timezone

from sqlalchemy import select
from sqlalchemy.orm import Session

from gateway.exchange.answers import AnswerWriter
from gateway.exchange.status import DONE, PROCESSING, WAITING
from registry import audit
from registry.models import Document, Mail, Outbox
from registry.outbox import enqueue

TEXT = {WAITING: "chờ phân công", PROCESSING: "đang xử lý", DONE: "đã xử lý xong"}


def tell_sender(session: Session, writer: AnswerWriter, document: Document, status: str,
                now: datetime | None = None) -> str | None:
    """Queue the status mail in the caller's transaction; the address it goes to, or None when the
    sender does not run this gateway or was never acknowledged (nobody proven to tell)."""
    if document.peer_document_id is None or document.mail_id is None:
        return None
    to = session.scalars(select(Outbox.recipient).where(Outbox.document_id == document.id, Outbox.kind == "ack")
                         .order_by(Outbox.id)).first()
    mail = session.get(Mail, document.mail_id)
    if to is None or mail is None:
        return None
    context = {"status": status, "status_text": TEXT[status], "incoming_number": document.arrival_number,
               "year": document.year, "notation": document.notation,
               "deadline": f"{date.fromisoformat(document.due_date):%d/%m/%Y}" if document.due_date else None}
    answer = writer.render("processing", to, context, key=f"processing:{document.id}:{status}",
                           in_reply_to=mail.message_id, headers={
                               "X-QLVB-Status": status, "X-QLVB-Document-Id": document.peer_document_id,
                               "X-QLVB-Incoming-Number": str(document.arrival_number)})
    enqueue(session, "processing", to, answer, mail_id=mail.id, document_id=document.id,
            now=now or datetime.now(timezone.utc))
    audit.record(session, "processing-told", mail_id=mail.id, document_id=document.id, status=status, to=to)
    return to
