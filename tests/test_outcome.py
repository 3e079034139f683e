"""Intake's typed outcome: what `ingest --json` prints and the register keeps reads back as it was
written (a mail seen again is told from what the register kept)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from gateway.model import DocumentOutcome, MailOutcome, Particulars, Reply, SenderAuth, SignatureCheck
from gateway.reasons import error, warning

TZ = timezone(timedelta(hours=7))
AT = datetime(2026, 12, 2, 9, 30, 15, 123456, tzinfo=TZ)


def _outcome(**changes: object) -> DocumentOutcome:
    base = DocumentOutcome(
        file="a.eml", message_id="<1@x>", verdict="accepted", basis="signature",
        reasons=(warning("number-mismatch", "tiêu đề thư ghi 12/STP-VP"), error("no-legal-value")),
        incoming_number=7, duplicate_of=None, delivered_at=AT, received_at=AT + timedelta(hours=1),
        document=Particulars(issuer="SỞ TƯ PHÁP", number="123/STP-VP", signer_title=["GIÁM ĐỐC"]), secret=False,
        signatures=(SignatureCheck("Sở Tư pháp", True, True, False, False, False, "2026-12-01T08:00:00+07:00"),),
        replies=(Reply("ack", "vanthu@sotp.example"),), sender=SenderAuth("VanThu@sotp.example", True, "dkim"),
        review_id=None,
    )
    return DocumentOutcome(**{**base.__dict__, **changes})  # type: ignore[arg-type]


@pytest.mark.parametrize("outcome", [
    _outcome(),
    _outcome(secret=True, document=Particulars(secrecy="Mật"), signatures=()),  # only the mark is told
    _outcome(document=None),  # a recall took the particulars out
    _outcome(verdict="quarantined", basis=None, review_id=3, already_processed=True),
], ids=["accepted", "secret", "recalled", "seen-again"])
def test_an_outcome_reads_back_as_it_was_written(outcome: DocumentOutcome) -> None:
    written = outcome.as_json()
    assert DocumentOutcome.from_json(written) == outcome
    assert DocumentOutcome.from_json(written).as_json() == written


def test_the_json_has_the_contracts_fields_in_order() -> None:
    written = _outcome(secret=True, document=Particulars(secrecy="Mật", signer="X")).as_json()
    assert list(written) == ["file", "message_id", "verdict", "basis", "reasons", "incoming_number", "duplicate_of",
                             "delivered_at", "received_at", "document", "signatures", "replies", "sender", "review_id"]
    assert written["document"]["signer"] is None and written["document"]["secrecy"] == "Mật"
    assert written["reasons"][0]["message"].endswith("(tiêu đề thư ghi 12/STP-VP)")


def test_a_mail_is_told_by_its_first_document() -> None:
    failed = _outcome(verdict="quarantined", reasons=(error("processing-failed", "Timeout"),))
    assert MailOutcome((failed, _outcome())).verdict == "quarantined"
    assert MailOutcome((failed,)).failed and not MailOutcome((_outcome(),)).failed
    assert MailOutcome(()).verdict == "quarantined"
