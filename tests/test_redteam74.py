"""Red team 74 (time and the calendar): intake numbered a mail into a year whose register was printed and closed (a
mail delivered on 31 December read after New Year, or moved back into the inbox); a January letter of an issuer's new
number, its year typed as last year's, was taken for last year's letter of that number and never registered; the
acknowledgement of a duplicate named the earlier document's incoming number with the new receipt's year (another
document's number); an undated document's year for the duplicate lookup was the processing clock's, so the same mail
read after New Year was numbered a second time. Each test failed before its fix. The clock intake reads is set the way
the red team set it: `gateway/intake/pipeline.py`'s `datetime` replaced by one whose `now()` says a chosen time; the
times of the mails are in the past (a worker started afresh, as under xdist's threads, reads the real clock, and takes a
Received line in its future for none: the first December is last year's)."""

from __future__ import annotations

import sqlite3
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest

import gateway.intake.pipeline as pipeline
from kit import scan
from test_redteam65 import _day_and_month_by_hand
from world import World

VN = timezone(timedelta(hours=7))


class _Clock(datetime):
    """The intake pipeline's clock: what `datetime.now` says there."""

    NOW: datetime

    @classmethod
    def now(cls, tz: Any = None) -> Any:  # type: ignore[override]
        return cls.NOW.astimezone(tz) if tz else cls.NOW.astimezone(timezone.utc).replace(tzinfo=None)


def _at(monkeypatch: pytest.MonkeyPatch, when: datetime) -> None:
    _Clock.NOW = when
    monkeypatch.setattr(pipeline, "datetime", _Clock)


def _rows(world: World, sql: str) -> list[tuple[Any, ...]]:
    with sqlite3.connect(world.root / "qlvb.db") as db:
        return db.execute(sql).fetchall()


def test_an_undated_scan_read_after_new_year_is_the_duplicate_of_its_december_letter(
        world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    """Sở Tư pháp's 45/STP-VP of 29/12/2025 registered from its signed file on 30/12; its scan (the day and month
    handwritten, unread) delivered on 31/12/2025 10:00 and read on 04/01/2026 (the daemon down over the holiday): the
    duplicate of 1/2025, as when read at once, never a second line: its year is its receipt's, not the clock's."""
    spec = {"number": "45/STP-VP", "date": (29, 12, 2025), "summary": "V/v báo cáo tổng kết công tác văn thư"}
    t1, t2 = datetime(2025, 12, 30, 9, 0, tzinfo=VN), datetime(2025, 12, 31, 10, 0, tzinfo=VN)
    _at(monkeypatch, t1 + timedelta(minutes=1))
    signed = world.mail("signed", attachments=[("45.pdf", world.signed("stp", world.document(**spec)))],
                        date=t1, received_at=t1)
    assert world.ingest(signed)[0]["incoming_number"] == 1
    _at(monkeypatch, datetime(2026, 1, 4, 8, 0, tzinfo=VN))
    scanned = world.mail("scan", attachments=[("45.pdf", scan(_day_and_month_by_hand(world.document(**spec)), dpi=200,
                                                              grey=False))], date=t2, received_at=t2)
    [out] = world.ingest(scanned)
    assert out["received_at"] == "2025-12-31T10:00:00+07:00"
    assert (out["verdict"], out["duplicate_of"], out["incoming_number"]) == ("duplicate", 1, None), out["reasons"]
    assert _rows(world, "select year, arrival_number from documents") == [(2025, 1)]


def _acknowledgements(world: World) -> list[tuple[str, str]]:
    """The acknowledgements in the outbox, in order: their subjects and text."""
    from email import message_from_bytes, policy

    out = []
    for subject, raw in _rows(world, "select subject, raw from outbox where kind = 'ack' order by id"):
        message = message_from_bytes(raw, policy=policy.default)
        body = message.get_body(preferencelist=("plain",))
        out.append((subject, body.get_content() if body is not None else ""))  # type: ignore[union-attr]
    return out


def test_the_answer_to_a_duplicate_names_the_earlier_number_with_its_own_year(
        world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    """Sở Tư pháp's 45/STP-VP registered as số đến 1/2025 (received 30/12/2025); the same mail sent again on 04/01/2026:
    its acknowledgement, and the reason the clerk reads, name 1/2025, the registration that exists, never 1/2026 (the
    first document of 2026, another one)."""
    pdf = world.signed("stp", world.document(number="45/STP-VP", date=(29, 12, 2025), summary="V/v báo cáo công tác văn thư"))
    t1, t2 = datetime(2025, 12, 30, 9, 0, tzinfo=VN), datetime(2026, 1, 4, 9, 0, tzinfo=VN)
    _at(monkeypatch, t1 + timedelta(minutes=1))
    assert world.ingest(world.mail("a", attachments=[("45.pdf", pdf)], date=t1, received_at=t1))[0]["incoming_number"] == 1
    _at(monkeypatch, t2 + timedelta(minutes=1))
    [again] = world.ingest(world.mail("b", attachments=[("45.pdf", pdf)], date=t2, received_at=t2))
    assert (again["verdict"], again["duplicate_of"]) == ("duplicate", 1)
    _, (subject, text) = _acknowledgements(world)
    assert "số đến 1/2025" in subject and "1/2026" not in subject, subject
    assert "với số đến 1 năm 2025" in text and "(số đến 1/2025)" in text, text
    assert "năm 2026" not in text and "1/2026" not in text, text
    assert [r["message"] for r in again["reasons"] if r["code"] == "duplicate"] == [
        "Văn bản này đã được tiếp nhận trước đó. (số đến 1/2025)"]


def test_a_mail_of_a_closed_year_read_after_the_closing_is_held_for_the_clerk_never_numbered(world: World) -> None:
    """Last year's register printed and closed (`register close`); a signed letter delivered on 31 December at 15:00, in
    office hours, read only afterwards (the daemon down over New Year, or the mail moved back into the inbox): held for
    the clerk (`year-closed`), no number in the closed volume nor this year's, no acknowledgement; `register close` again
    counts it among the year's held mails, and `review release` refuses it as it refuses any mail of a closed year."""
    last = datetime.now(VN).year - 1
    t1, t2 = datetime(last, 12, 30, 10, 0, tzinfo=VN), datetime(last, 12, 31, 15, 0, tzinfo=VN)
    first = world.mail("a", attachments=[("cv.pdf", world.signed("stp", world.document(number="301/STP-VP",
                                                                                       date=(29, 12, last))))],
                       date=t1, received_at=t1)
    assert world.ingest(first)[0]["incoming_number"] == 1
    close = ["register", "close", "--config", str(world.config_path), "--year", str(last)]
    assert "còn" not in world.run(*close).stdout
    late = world.mail("b", attachments=[("cv.pdf", world.signed("stp", world.document(number="305/STP-VP",
                                                                                      date=(31, 12, last))))],
                      date=t2, received_at=t2)
    [out] = world.ingest(late)
    assert (out["verdict"], out["incoming_number"], out["received_at"]) == ("quarantined", None, t2.isoformat())
    assert [r["code"] for r in out["reasons"] if r["severity"] == "error"] == ["year-closed"], out["reasons"]
    assert {r["kind"] for r in out["replies"]} == {"alert"}  # the clerk told; the issuer never told it was registered
    assert _rows(world, "select year, arrival_number, notation from documents") == [(last, 1, "301/STP-VP")]
    assert _rows(world, "select count(*) from outbox where kind = 'ack'") == [(1,)]  # the first letter's only
    assert "còn 1 thư nhận trong năm đang chờ xử lý" in world.run(*close).stdout
    done = world.run("review", "release", "--config", str(world.config_path), str(out["review_id"]), check=False)
    assert done.returncode == 2 and f"received in {last}" in done.stderr, done.stderr
    assert _rows(world, "select year, arrival_number from documents") == [(last, 1)]


def test_a_letter_of_last_years_number_and_year_but_another_date_is_registered_with_a_note(
        world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    """Sở Tư pháp's 3/STP-VP of 06/01/2025 registered in January 2025; on 05/01/2026 its new 3/STP-VP (numbers start at
    01 each year), the year typed "2025" by habit: another date, summary and file. Registered (2/2026), its line naming
    the earlier one for the clerk to compare, acknowledged as registered; never taken for last year's letter. Its replay
    stays its duplicate (a scan whose date is unread stays one with a dated line: the undated scan's test above)."""
    t1, t2 = datetime(2025, 1, 6, 9, 0, tzinfo=VN), datetime(2026, 1, 5, 9, 0, tzinfo=VN)
    old = world.document(number="3/STP-VP", date=(6, 1, 2025), summary="V/v kế hoạch công tác năm 2025")
    assert world.ingest(world.mail("a", attachments=[("3.pdf", world.signed("stp", old))], date=t1,
                                   received_at=t1))[0]["incoming_number"] == 1
    _at(monkeypatch, t2 + timedelta(minutes=5))
    new = world.signed("stp", world.document(number="3/STP-VP", date=(5, 1, 2025), summary="V/v tổng kết công tác thi đua"))
    [out] = world.ingest(world.mail("b", attachments=[("3.pdf", new)], date=t2, received_at=t2))
    assert (out["verdict"], out["incoming_number"], out["duplicate_of"]) == ("accepted", 1, None), out["reasons"]
    assert [kind for kind in (r["kind"] for r in out["replies"])] == ["ack"]
    lines = _rows(world, "select year, arrival_number, issued_date, description from documents order by id")
    assert [line[:3] for line in lines] == [(2025, 1, "2025-01-06"), (2026, 1, "2025-01-05")]
    assert lines[0][3] is None
    assert "Cùng cơ quan ban hành, số, ký hiệu với văn bản số đến 1/2025 (ngày 06/01/2025)" in (lines[1][3] or ""), lines
    t3 = t2 + timedelta(hours=1)
    _at(monkeypatch, t3 + timedelta(minutes=5))
    [replay] = world.ingest(world.mail("c", attachments=[("3.pdf", new)], date=t3, received_at=t3))
    assert (replay["verdict"], replay["duplicate_of"]) == ("duplicate", 1)
    assert "(số đến 1/2026)" in replay["reasons"][-1]["message"]
    assert len(_rows(world, "select id from documents")) == 2


def test_two_files_of_one_mail_with_one_number_and_two_dates_are_two_documents(world: World) -> None:
    """One mail of Sở Tư pháp carrying its 7/STP-VP of 05/01 and a 7/STP-VP of 06/01 of the same year: two documents,
    two numbers, the second line naming the first; two files of one number and one date stay one document."""
    year = datetime.now(VN).year
    a, b = (world.signed("stp", world.document(number="7/STP-VP", date=(day, 1, year), summary=summary))
            for day, summary in ((5, "V/v tổng kết công tác thi đua"), (6, "V/v kế hoạch công tác văn thư")))
    twin = world.signed("stp", world.document(number="7/STP-VP", date=(5, 1, year), summary="V/v tổng kết công tác thi đua"))
    out = world.ingest(world.mail("two", attachments=[("7a.pdf", a), ("7b.pdf", b), ("7a-ban-2.pdf", twin)]))
    assert [(o["verdict"], o["incoming_number"]) for o in out] == [("accepted", 1), ("accepted", 2)], out
    lines = _rows(world, "select arrival_number, issued_date, description from documents order by id")
    assert [line[:2] for line in lines] == [(1, f"{year}-01-05"), (2, f"{year}-01-06")]
    assert f"số đến 1/{year} (ngày 05/01/{year})" in (lines[1][2] or ""), lines
