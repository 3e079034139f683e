"""Red team 74 (time and the calendar), the document's own date: a signed letter dated "ngày 29 tháng 02 năm 2027" or
"31 tháng 04" was registered with its date left out and nobody told (the reader's warning went no further), and one
dated a year after it was signed and received was registered silently. Both are told to the clerk and the sender now,
as warnings: the document is what its issuer signed. Each failed before its fix (the register's year and the
signature's time: tests/test_redteam74.py, tests/test_redteam74_signing.py)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from kit import DocumentSpec, render_document
from test_redteam43 import _Typed
from test_unissued_revisions import _send
from world import World


@pytest.mark.parametrize("day,month,year", [("29", "02", "2027"), ("31", "04", "2026")])
def test_an_impossible_printed_date_is_told_not_registered_blank_in_silence(world: World, day: str, month: str,
                                                                           year: str) -> None:
    pdf = world.signed("stp", render_document(DocumentSpec(number="41/STP-VP", date=(_Typed(day), _Typed(month),
                                                                                          _Typed(year)))))
    out = _send(world, f"impossible-{day}-{month}", pdf)

    assert out["verdict"] == "accepted" and out["document"]["date"] is None
    told = {r["code"]: r for r in out["reasons"]}
    assert told["date-impossible"]["severity"] == "warning" and f"{day} tháng {month}" in told["date-impossible"]["message"]


def test_a_document_dated_after_it_was_signed_is_told(world: World) -> None:
    later = date.today() + timedelta(days=350)
    pdf = world.signed("stp", render_document(DocumentSpec(number="42/STP-VP", date=(later.day, later.month, later.year))))
    out = _send(world, "dated-later", pdf)

    assert out["verdict"] == "accepted" and out["document"]["date"] == later.isoformat()
    told = {r["code"]: r for r in out["reasons"]}
    assert told["date-after-signing"]["severity"] == "warning" and f"{later:%d/%m/%Y}" in told["date-after-signing"]["message"]
    earlier = _send(world, "dated-before", world.signed("stp", render_document(DocumentSpec(number="43/STP-VP"))))
    assert earlier["verdict"] == "accepted" and earlier["reasons"] == []  # dated 20/11/2026, signed since: nothing to tell



def test_a_date_only_unread_is_no_impossible_date_to_its_issuer() -> None:
    """Red team 78: a genuine Nội quy with no date line (realpdf 004) was told its date "không có thật": the reader's
    warning that it found no date shared the impossible date's code."""
    from dataclasses import replace

    from core_facts import reading
    from gateway.decision.rules import impossible_date
    from gateway.model import ReadingWarning

    unread = replace(reading(), warnings=[ReadingWarning("date-unread", "không đọc được trường date")])
    assert impossible_date(unread) == []
