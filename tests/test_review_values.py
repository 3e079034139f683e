"""The clerk's review hands typed values to the CLI, which alone makes the JSON and the text of
`review list`, `show` and `release` from them (the commands themselves: tests/test_review.py)."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

from gateway import cli_format
from gateway.model import DocumentOutcome, MailOutcome, Particulars, SenderAuth
from gateway.reasons import error
from gateway.review import HeldMail, HeldMailDetail, HistoryEntry, MailFile, Released

HANOI = timezone(timedelta(hours=7))
RECEIVED = datetime(2026, 12, 2, 9, 30, 15, tzinfo=HANOI)
HELD = HeldMail(12, RECEIVED, "vanthu@sotp.example", "Gửi văn bản", "quarantined", "waiting",
                ("no-legal-value", "sender-unauthenticated"))


def test_a_held_mail_is_listed_with_the_contracts_fields_in_order() -> None:
    assert cli_format.held_mail_json(HELD) == {
        "id": 12, "received_at": "2026-12-02T09:30:15+07:00", "from": "vanthu@sotp.example", "subject": "Gửi văn bản",
        "verdict": "quarantined", "review": "waiting", "reasons": ["no-legal-value", "sender-unauthenticated"]}
    assert list(cli_format.held_mail_json(HELD)) == ["id", "received_at", "from", "subject", "verdict", "review",
                                                     "reasons"]


def test_a_held_mail_is_shown_with_what_the_register_kept_of_it() -> None:
    outcome = MailOutcome((DocumentOutcome(
        file="a.eml", message_id="<1@x>", verdict="quarantined", basis=None, reasons=(error("sender-unauthenticated"),),
        incoming_number=None, duplicate_of=None, delivered_at=RECEIVED, received_at=RECEIVED,
        document=Particulars(number="501/STP-VP"), secret=False, signatures=(), replies=(),
        sender=SenderAuth("vanthu@sotp.example", False), review_id=12),))
    stored = json.loads(json.dumps(outcome.as_json()))  # as Mail.outcome holds it
    at = datetime(2026, 12, 2, 2, 30, tzinfo=timezone.utc).astimezone(HANOI)
    detail = HeldMailDetail(HELD, "<1@x>", "ab" * 32, "imap:INBOX:7", MailOutcome.from_json(stored),
                            (MailFile("cv.pdf", "document", "cd" * 32, 2048),),
                            (HistoryEntry(at, "gateway", "intake-quarantined"),))
    shown = cli_format.held_mail_detail_json(detail)
    assert list(shown) == ["id", "received_at", "from", "subject", "verdict", "review", "reasons", "message_id", "sha256",
                           "source", "outcome", "files", "history"]
    assert shown["outcome"] == stored
    assert shown["files"] == [{"filename": "cv.pdf", "role": "document", "sha256": "cd" * 32, "size": 2048}]
    assert shown["history"] == [{"at": "2026-12-02T09:30:00+07:00", "actor": "gateway", "action": "intake-quarantined"}]


def test_a_released_document_is_told_by_its_incoming_number() -> None:
    released = Released(12, 41, Particulars(issuer="SỞ TƯ PHÁP", number="501/STP-VP"), None)
    assert cli_format.released_json(released) == {"id": 12, "incoming_number": 41,
                                                  "document": Particulars(issuer="SỞ TƯ PHÁP", number="501/STP-VP").as_json(),
                                                  "acknowledged_to": None}
    assert cli_format.released_line(released) == "số đến 41: 501/STP-VP"
