"""A document's trail on its page: what happened to it and its mail (the mail server's delivery, the
intake, the audit log, the answers sent), in the order of their times (to the minute, as the page shows
them) and, within a minute, in the order things happen (delivered, taken in, registered, answered)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from gateway.web.desk import ACTION_NAMES, ANSWER_NAMES
from registry.desk_reads import DocumentView

ANSWER_STATES = {"queued": "đang chờ gửi", "sent": "đã gửi", "failed": "gửi không được"}
DELIVERED, TAKEN_IN, RECORDED, ANSWERED = range(4)  # the order things happen at the same time
_NEVER = datetime.min.replace(tzinfo=timezone.utc)
OUT_OF_HOURS = timedelta(minutes=1)  # a time of receipt this much after the intake: the next working hours'


@dataclass(frozen=True)
class Step:
    at: datetime | None
    text: str
    rank: int  # DELIVERED ... ANSWERED


def document_trail(view: DocumentView) -> list[Step]:
    steps: list[Step] = []
    if view.mail is not None:
        steps.append(Step(view.mail.delivered_at, f"Máy chủ thư nhận thư của {view.mail.from_address}", DELIVERED))
        steps.append(Step(view.mail.created_at, "Hệ thống tiếp nhận", TAKEN_IN))
        if view.mail.received_at - view.mail.created_at > OUT_OF_HOURS:  # delivered out of office hours
            steps.append(Step(view.mail.received_at, "Tính là nhận đến lúc này (ngoài giờ hành chính)", TAKEN_IN))
    steps += [Step(h.at, f"{ACTION_NAMES.get(h.action, h.action)} ({h.actor})", RECORDED) for h in view.history]
    steps += [Step(a.sent_at or a.created_at, f"Gửi {ANSWER_NAMES.get(a.kind, a.kind)} đến {a.recipient}: "
                   f"{ANSWER_STATES.get(a.state, a.state)}", ANSWERED) for a in view.answers]
    # by the minute the page shows (an answer is queued a moment before the intake's audit entry, in the
    # same transaction), then by rank; a stable sort keeps the audit log's own order
    return sorted(steps, key=lambda s: ((s.at or _NEVER).replace(second=0, microsecond=0), s.rank))
