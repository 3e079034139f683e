"""Red team 107: the turn of the year (midnight of 31 December, Asia/Ho_Chi_Minh, on a machine whose clock is UTC).

NĐ 30/2020 Đ22.2: one incoming series a year from 1 on 1 January; Đắk Lắk QĐ 16/2019 Đ11 (seed 004): an outgoing
identifier AGENCYCODE-YYYY.N where "YYYY là năm ban hành văn bản" (the year the document was issued). Each test that
fails names the fault in its docstring; the tests labelled "held" pass and stay as guards."""

from __future__ import annotations

import email
import email.policy
import json
import sqlite3
from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from kit import DocumentSpec, render_document, scan
from world import US, World, run_in_process

VN = ZoneInfo("Asia/Ho_Chi_Minh")
ROUND_THE_CLOCK = {"days": ["mon", "tue", "wed", "thu", "fri", "sat", "sun"], "start": "00:00", "end": "23:59:59.999999"}
UNITS = [{"code": "VP", "name": "Văn phòng Sở", "mailbox": "vanphong@snv.bacgiang.gov.vn"}]


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=VN)


def _rows(world: World, sql: str) -> list[tuple[Any, ...]]:
    with sqlite3.connect(world.root / "qlvb.db") as db:
        return db.execute(sql).fetchall()


def _gateway(world: World):  # type: ignore[no-untyped-def]
    from gateway.app import Gateway
    from gateway.config import load_config

    return Gateway.open(load_config(Path(world.config_path)))


def _body(raw: bytes) -> str:
    parsed = email.message_from_bytes(raw, policy=email.policy.default)
    return parsed.get_body(("plain",)).get_content()  # type: ignore[union-attr]


# ---- held: the midnight turn itself, read back on a UTC machine ------------------------------------------------------
def test_held_documents_either_side_of_midnight_are_in_their_local_year_everywhere(world: World) -> None:
    """Held. Office hours round the clock (1 January a working day): mails delivered 31/12/2025 23:59:59, 01/01/2026
    00:00:01 and 06:59:59 (still 31 December in UTC). `ingest` numbers them 2025/1, 2026/1, 2026/2; `register list`, the
    printed register of each year (its column 1 and cover), and the search by arrival date all put the January ones on
    1 January 2026, never on UTC's 31 December."""
    from registry.printed import Period, printed_register
    from registry.search import RegisterQuery, search_register

    world.extra["office_hours"] = {**ROUND_THE_CLOCK, "extra_workdays": ["2025-12-31", "2026-01-01"]}
    world.write_config()
    when = [at("2025-12-31T23:59:59"), at("2026-01-01T00:00:01"), at("2026-01-01T06:59:59")]
    mails = [world.mail(f"m{i}", date=w, received_at=w, attachments=[(
        "cv.pdf", world.signed("stp", world.document(number=f"{700 + i}/STP-VP", date=(30, 12, 2025))))])
        for i, w in enumerate(when)]
    outs = world.ingest(*mails)
    assert [(o["verdict"], o["incoming_number"]) for o in outs] == [("accepted", 1)] * 2 + [("accepted", 2)]
    listed = [json.loads(line) for line in world.run("register", "list", "--config", str(world.config_path),
                                                     "--json").stdout.splitlines() if line.strip()]
    assert [(r["year"], r["incoming_number"], r["received_at"][:10]) for r in listed] == [
        (2025, 1, "2025-12-31"), (2026, 1, "2026-01-01"), (2026, 2, "2026-01-01")]
    register = world.db()
    try:
        with register.session() as s:
            old = printed_register(s, US["code"], US["name"], Period(2025), VN)
            new = printed_register(s, US["code"], US["name"], Period(2026), VN)
            first_day = printed_register(s, US["code"], US["name"], Period(2026, date(2026, 1, 1), date(2026, 1, 1)), VN)
            found = search_register(s, RegisterQuery(start=date(2026, 1, 1), end=date(2026, 1, 1)), VN)
            last_day = search_register(s, RegisterQuery(start=date(2025, 12, 31), end=date(2025, 12, 31)), VN)
            found_numbers = sorted((d.year, d.arrival_number) for d in found.documents)
            last_numbers = sorted((d.year, d.arrival_number) for d in last_day.documents)
    finally:
        register.close()
    assert [(line.number, line.received_on) for line in old.lines] == [(1, date(2025, 12, 31))]
    assert [(line.number, line.received_on) for line in new.lines] == [(1, date(2026, 1, 1)), (2, date(2026, 1, 1))]
    assert (new.cover.first_day, new.cover.first_number, new.cover.last_number) == (date(2026, 1, 1), 1, 2)
    assert [line.number for line in first_day.lines] == [1, 2]
    assert found_numbers == [(2026, 1), (2026, 2)] and last_numbers == [(2025, 1)]


def test_held_a_december_mail_held_for_the_clerk_and_released_in_january_keeps_its_year(world: World) -> None:
    """Held. A letter delivered 31/12/2025 at 10:00 from a sender nothing proves (held for the clerk), released now:
    numbered in the series of 2025 (its receipt's year), after that year's last number, never in this year's series."""
    world.ingest(world.mail("dec", date=at("2025-12-31T09:00:00"), received_at=at("2025-12-31T09:00:00"),
                            attachments=[("cv.pdf", world.signed("stp", world.document(number="801/STP-VP",
                                                                                        date=(30, 12, 2025))))]))
    held = world.mail("held", auth=None, sender="someone@gmail.com", date=at("2025-12-31T10:00:00"),
                      received_at=at("2025-12-31T10:00:00"),
                      attachments=[("cv.pdf", world.scanned(world.document(number="802/STP-VP", date=(31, 12, 2025))))])
    [out] = world.ingest(held)
    assert out["verdict"] == "quarantined" and out["review_id"], out
    done = world.run("review", "release", "--config", str(world.config_path), str(out["review_id"]), "--json",
                     process=True)
    assert json.loads(done.stdout.splitlines()[0])["incoming_number"] == 2
    assert _rows(world, "select year, arrival_number, notation from documents order by id") == [
        (2025, 1, "801/STP-VP"), (2025, 2, "802/STP-VP")]


# ---- findings ---------------------------------------------------------------------------------------------------------
class _Frozen(datetime):
    """datetime whose now() is a fixed instant (the module under test reads the clock through it)."""

    instant = datetime(2027, 1, 4, 8, 0, tzinfo=VN)

    @classmethod
    def now(cls, tz=None):  # type: ignore[no-untyped-def, override]
        return cls.instant.astimezone(tz) if tz is not None else cls.instant.astimezone(timezone.utc).replace(tzinfo=None)


OUR_BLOCK = ["Nơi nhận:", "- Như trên;", "- Lưu: VT, VP.", "Bản điện tử:", "- Sở Tư pháp;", "- Sở Tài chính."]


def _send_of_31_december(world: World, number: str) -> Any:
    """`send --json` of our letter of that number dated 31/12/2026 (the clock as the test has set it)."""
    pdf = render_document(DocumentSpec(issuer="SỞ NỘI VỤ", number=number, date=(31, 12, 2026),
                                       recipients=OUR_BLOCK, kinh_gui=["Sở Tư pháp"]))
    path = world.root / f"{number.split('/')[0]}.pdf"
    path.write_bytes(pdf)
    return run_in_process(["send", "--config", str(world.config_path), str(path), "--json"], world.root)


def test_a_document_issued_on_31_december_and_sent_in_january_gets_its_issue_years_identifier(
        world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    """Fault. Our agency's 245/SNV-VP dated 31/12/2026 (issued and numbered in 2026's outgoing register), scanned and
    sent by the clerk on Monday 04/01/2027 (the next working day: common at the turn of the year).
    Expected: the identifier AGENCYCODE-2026.N and the outgoing register's year 2026: seed 004 (Đắk Lắk QĐ 16/2019)
    Đ11: "YYYY là năm ban hành văn bản", N the document's order among those issued in that year.
    Observed: 000.00.15.H06-2027.1, year 2027: the year and sequence are the clock's at sending, so December's last
    document opens next year's series (and 2026's series misses it); every recipient's gateway records the wrong name.
    Severity: medium (a wrong legal identifier, exchanged and used for recall and status).
    Code: gateway/outgoing/send.py OutgoingSender._register (`year = now.astimezone(tz).year`) and .plan (the same)."""
    import gateway.outgoing.send as send_module

    monkeypatch.setattr(send_module, "datetime", _Frozen)
    done = _send_of_31_december(world, "245/SNV-VP")
    assert done.returncode == 0, done.stderr[-2000:]
    sent = json.loads(done.stdout)
    assert sent["sent"] is True and sent["document"]["date"] == "2026-12-31", sent
    rows = _rows(world, "select year, sequence, identifier from outgoing_documents")
    assert rows == [(2026, 1, f"{US['code']}-2026.1")], rows


def _tet_2027(calendar) -> tuple[date, date]:  # type: ignore[no-untyped-def]
    """(the last working day before Tết Đinh Mùi, the first after it) by the gateway's own calendar."""
    lunar_new_year = date(2027, 2, 6)
    before = lunar_new_year - timedelta(days=1)
    while not calendar.is_workday(before):
        before -= timedelta(days=1)
    after = lunar_new_year + timedelta(days=1)
    while not calendar.is_workday(after):
        after += timedelta(days=1)
    return before, after


def test_a_deadline_just_after_tet_is_reminded_on_a_working_day_before_it(world: World) -> None:
    """Fault. The leader passes document 1/2026 to Văn phòng on 20/01/2027 with the deadline the first working day after
    the Tết holiday of 2027. The daemon runs the reminders every morning at the office's opening (`pass remind`'s help:
    "each working morning"); simulated here day by day.
    Expected: the unit's one reminder comes on a working day before the deadline (the last one before Tết), so that it
    has a working day to act; none is sent into a holiday nobody reads the mailbox in.
    Observed: the reminder is due only from the calendar day before the deadline (REMIND_DAYS_BEFORE = 1, in calendar
    days) and the job runs on every day: it goes out during the Tết holiday, the only reminder, read on the deadline day.
    The desk's "due soon" list (DUE_WITHIN_DAYS = 3 calendar days) likewise shows it first in the holiday.
    Severity: medium (deadlines across Tết and New Year are the ones most missed).
    Code: gateway/passing_rules.py reminder_due (calendar days), gateway/passing.py queue_reminders (no calendar),
    gateway/daemon.py (cron every day), registry/desk_reads.py due_documents."""
    from gateway.passing import pass_on, queue_reminders
    from gateway.passing_rules import PassRequest

    assert world.ingest(world.mail("cv", attachments=[("cv.pdf", world.signed("stp", world.document(
        number="91/STP-VP")))]))[0]["incoming_number"] == 1
    world.extra["units"] = UNITS
    world.write_config()
    gateway = _gateway(world)
    try:
        last_before, deadline = _tet_2027(gateway.calendar)
        assert not gateway.calendar.is_workday(deadline - timedelta(days=1))  # the premise: a holiday before it
        year = _rows(world, "select year from documents")[0][0]
        pass_on(gateway, PassRequest(year, 1, "VP", "lanh.dao", deadline=deadline), now=datetime(2027, 1, 20, 9, tzinfo=VN))
        reminded_on = []
        day = date(2027, 1, 21)
        while day <= deadline:
            opening = datetime.combine(day, time(7, 30), VN)
            if queue_reminders(gateway, now=opening):
                reminded_on.append(day)
            day += timedelta(days=1)
    finally:
        gateway.close()
    assert len(reminded_on) == 1, reminded_on
    assert gateway.calendar.is_workday(reminded_on[0]) and reminded_on[0] < deadline, (
        f"reminded on {reminded_on[0]} (a working day: {gateway.calendar.is_workday(reminded_on[0])}) for the deadline "
        f"{deadline}; the last working day before Tết is {last_before}")


def test_the_digest_across_the_new_year_names_each_number_with_its_year(world: World) -> None:
    """Fault. A letter registered 31/12/2025 (2025/1) and one on 02/01/2026 (2026/1), then the clerk's digest, which
    covers both (the first digest after the holiday, or the daemon down over New Year).
    Expected: each line names its number with its year ("1/2025", "1/2026"), as the acknowledgement, the desk, the
    units' mails and the answers to duplicates do (red team 74): two documents of one number are two years' documents.
    Observed: "Số đến 1: ..." twice: the clerk cannot tell which volume each is in, nor find them by that number.
    Severity: low. Code: gateway/digest.py queue_digest (`registered`: number only), templates/digest.txt.j2."""
    t1, t2 = at("2025-12-31T10:00:00"), at("2026-01-02T09:00:00")
    m1 = world.mail("a", date=t1, received_at=t1, attachments=[("cv.pdf", world.signed("stp", world.document(
        number="501/STP-VP", date=(30, 12, 2025))))])
    m2 = world.mail("b", date=t2, received_at=t2, attachments=[("cv.pdf", world.signed("stp", world.document(
        number="1/STP-VP", date=(2, 1, 2026))))])
    assert [o["incoming_number"] for o in world.ingest(m1, m2)] == [1, 1]
    world.run("digest", "--config", str(world.config_path))
    [(raw,)] = _rows(world, "select raw from outbox where kind = 'digest'")
    body = _body(raw)
    assert "1/2025" in body and "1/2026" in body, body


def test_a_paper_document_taken_in_after_hours_on_31_december_is_numbered_as_a_mail_of_that_moment(world: World) -> None:
    """Fault. A paper letter handed in at 18:00 on 31/12/2025 (after office hours), typed the next working morning with
    `register add --received-at 2025-12-31T18:00:00+07:00`; a mail delivered the same minute.
    Expected: both in one year: the receive time outside office hours is the start of the next office hours (seed 000
    Đ11.2), as `register add` itself applies to paper without --received-at ("as for mail", cli.py): 02/01/2026 07:30,
    the series of 2026 (Đ22.2: one series for paper and electronic documents, in order of receipt).
    Observed: the mail is 2026/1, the paper letter 2025/1: an explicit time is taken as given, so one command puts the
    same moment's paper in last year's volume and without it in this year's.
    Severity: low-medium (the year a document is registered in depends on how the clerk typed the time).
    Code: gateway/cli.py register_add (`received = datetime.fromisoformat(received_at)`, never OfficeCalendar)."""
    t = at("2025-12-31T18:00:00")
    [mail] = world.ingest(world.mail("m", date=t, received_at=t, attachments=[("cv.pdf", world.signed(
        "stp", world.document(number="610/STP-VP", date=(31, 12, 2025))))]))
    assert (mail["incoming_number"], mail["received_at"]) == (1, "2026-01-02T07:30:00+07:00")
    done = world.run("register", "add", "--config", str(world.config_path), "--issuer", "Bộ Nội vụ", "--number",
                     "5012/BNV-VP", "--summary", "V/v hướng dẫn lưu trữ", "--date", "2025-12-29",
                     "--received-at", t.isoformat(), "--json")
    paper = json.loads(done.stdout)
    assert paper["year"] == 2026, (paper, _rows(world, "select year, arrival_number, medium, arrival_date from documents"))


def test_a_document_dated_next_year_is_pointed_out_to_the_clerk(world: World) -> None:
    """Fault. Sở Tư pháp's scanned letter 3/STP-VP dated 15/01/2027 ("năm 2027" typed ahead, or forged) sent from its
    proven official mailbox in December 2026: registered (its legal value is the mailbox's), no word about the date.
    Expected: the date, after the document's own receipt (a document cannot be issued after it arrived), is said to the
    clerk (a warning, as `date-after-signing` does for a signed one and `date-impossible` for a date no calendar has).
    Its key is 2027's 3/STP-VP: in January 2027 Sở Tư pháp's genuine 3/STP-VP of that date is taken as its duplicate.
    Observed: accepted with no date warning; the line's date is 2027-01-15.
    Severity: low-medium. Code: gateway/decision/decide.py _document (no check of the date against the receipt),
    gateway/decision/rules.py (dated_after_signing only for signatures)."""
    pdf = world.scanned(world.document(number="3/STP-VP", date=(15, 1, 2027)), dpi=200)
    [out] = world.ingest(world.mail("ahead", auth="smtp", attachments=[("3-STP-VP.pdf", pdf)]))
    assert out["verdict"] == "accepted" and out["document"]["date"] == "2027-01-15", out
    assert any("date" in r["code"] for r in out["reasons"]), out["reasons"]


def test_a_mails_own_old_date_does_not_put_it_in_a_past_years_register(world: World) -> None:
    """Fault. `ingest FILE` of a genuine signed letter saved without the server's Received line (a file brought on a
    stick) whose Date: the sender's client wrote as 2020 (a wrong clock, or a forger's choice).
    Expected: as red team 40 fixed for a Date: in the future: the time of processing (this year), since nothing but the
    sender's word says when it reached us.
    Observed: received "2020-06-01", number 1 of a register of 2020 opened, the issuer acknowledged "số đến 1 năm 2020";
    the same with the Date: of 31 December of last year after New Year: numbered into last year's printed volume
    (or held `year-closed`, never numberable, if that year is closed).
    Severity: low-medium. Code: gateway/intake/pipeline.py Intake._delivered (`facts.date` bounded only above by now)."""
    pdf = world.signed("stp", world.document(number="204/STP-VP"))
    raw = world.mail("old", attachments=[("cv.pdf", pdf)], date=datetime(2020, 6, 1, 9, 0, tzinfo=VN)).read_bytes()
    assert raw.startswith(b"Received:")
    path = world.root / "mails" / "old-noreceived.eml"
    path.write_bytes(raw.split(b"\r\n", 1)[1])
    [out] = world.ingest(path)
    assert out["verdict"] == "accepted"
    this_year = datetime.now(VN).year
    assert datetime.fromisoformat(out["received_at"]).year == this_year, out["received_at"]
    assert _rows(world, "select year from documents") == [(this_year,)]


def _scan_then_signed(world: World, scan_at: str) -> list[dict[str, Any]]:
    """Sở Tư pháp's 45/STP-VP of 31/12/2025: its scan, day and month handwritten, delivered at `scan_at` (local, office
    hours round the clock, 1 January a working day), then its signed file on 05/01/2026; their outcomes."""
    from test_redteam65 import _day_and_month_by_hand

    world.extra["office_hours"] = {**ROUND_THE_CLOCK, "extra_workdays": ["2026-01-01"]}
    world.write_config()
    spec = {"number": "45/STP-VP", "date": (31, 12, 2025), "summary": "V/v báo cáo tổng kết công tác văn thư"}
    t_scan, t_signed = at(scan_at), at("2026-01-05T09:00:00")
    scanned = world.mail("scan", attachments=[("45-STP-VP.pdf", scan(_day_and_month_by_hand(world.document(**spec)),
                                                                     dpi=200, grey=False))], date=t_scan, received_at=t_scan)
    signed = world.mail("signed", attachments=[("45-STP-VP.pdf", world.signed("stp", world.document(**spec)))],
                        date=t_signed, received_at=t_signed)
    return world.ingest(scanned, signed)


def test_an_undated_scan_registered_before_7_on_1_january_is_compared_with_its_december_letter(world: World) -> None:
    """Fault (UTC versus local time). Office hours round the clock (1 January a working day). Sở Tư pháp's 45/STP-VP
    dated 31/12/2025: its scan, the day and month handwritten (unread), delivered 01/01/2026 at 03:00 local time, is
    registered undated (2026/1); the signed file, its date read, on 05/01/2026 (2026/2).
    Expected: the second line names the first for the clerk to compare ("Cùng cơ quan ban hành, số, ký hiệu với văn bản
    số đến 1/2026 ..."), as it does when the scan came at 09:00 (red team 65).
    Observed: no note: registry/register_line.py across_the_new_year filters the undated lines registered "at the turn"
    by `d.arrival_date.month`, read in UTC (the register keeps UTC): 01/01 03:00 local is 31/12 20:00 UTC, month 12,
    not January; every undated line registered between 00:00 and 07:00 local on 1 January is passed over.
    Severity: low (needs office hours open on New Year's night). Code: registry/register_line.py across_the_new_year."""
    first, second = _scan_then_signed(world, "2026-01-01T03:00:00")
    assert (first["verdict"], first["incoming_number"], second["verdict"]) == ("accepted", 1, "accepted")
    lines = world.documents()
    assert [(d.year, d.issued_date) for d in lines] == [(2026, None), (2026, "2025-12-31")]
    assert "số đến 1/2026" in (lines[1].description or ""), lines[1].description


@pytest.mark.xfail(strict=True, reason="left: README Limits, red team 107: the JSON's times are UTC (the same instant; a value's form is the contract)")
def test_the_outgoing_registers_send_time_is_told_in_vietnam_time(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    """Fault. Our 246/SNV-VP sent at 00:30 on 01/01/2027, Vietnam time (17:30 on 31/12/2026 by the machine's UTC clock).
    Expected: `sent --json` says when it was sent in Vietnam time, ISO 8601 with +07:00 (DOMAIN: "All times in Vietnam
    time"; 002 Đ7: the send time is the sender's system's), the day it was sent: 2027-01-01, as `register list` gives
    received_at in Vietnam time.
    Observed: "sent_at": "2026-12-31T17:30:00+00:00": the outgoing register tells the clerk it went on 31 December of
    the other year (the recipients' `sent_at` likewise; `pass list --json` passed_at and `review show` history too).
    Severity: low. Code: gateway/cli_format.py sent_json (`doc.created_at.isoformat()`), gateway/outgoing/send.py
    recipient_json, cli_format.task_json, held_mail_detail_json."""
    import gateway.outgoing.send as send_module

    class _Midnight(_Frozen):
        instant = datetime(2027, 1, 1, 0, 30, tzinfo=VN)

    monkeypatch.setattr(send_module, "datetime", _Midnight)
    done = _send_of_31_december(world, "246/SNV-VP")
    assert done.returncode == 0 and json.loads(done.stdout)["sent"] is True, done.stderr[-2000:]
    monkeypatch.undo()
    [row] = [json.loads(line) for line in world.run("sent", "--config", str(world.config_path), "--json")
             .stdout.splitlines() if line.strip()]
    assert row["sent_at"] == "2027-01-01T00:30:00+07:00", row["sent_at"]


def test_the_printed_volume_closed_just_after_midnight_says_the_day_it_was_closed(
        world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    """Fault (UTC versus local time). The clerk closes 2025's register at 00:20 on 01/01/2026, Vietnam time, as soon as
    the year is over (`register close --year 2025`; the machine's clock: 17:20 on 31/12/2025 UTC).
    Expected: the printed, signed volume's cover says "Khóa sổ ngày 01/01/2026" (000 Đ9.2.a: closed at the year's end).
    Observed: "Khóa sổ ngày 31/12/2025": the cover takes the UTC date of `closed_at`, so the legal volume claims it was
    closed on the last day of the year it covers, before that day's later documents (any closing between 00:00 and 07:00
    local shows the day before).
    Severity: low (a wrong date on the signed register). Code: gateway/printed_register.py _cover_html
    (`cover.closed_at.date()`, never in config.tz)."""
    import pymupdf

    import gateway.cli as cli_module

    t = at("2025-12-31T10:00:00")
    world.ingest(world.mail("a", date=t, received_at=t, attachments=[("cv.pdf", world.signed(
        "stp", world.document(number="900/STP-VP", date=(30, 12, 2025))))]))

    class _JustAfterMidnight(_Frozen):
        instant = datetime(2026, 1, 1, 0, 20, tzinfo=VN)

    monkeypatch.setattr(cli_module, "datetime", _JustAfterMidnight)
    output = world.root / "so-den-2025.pdf"
    done = run_in_process(["register", "close", "--config", str(world.config_path), "--year", "2025", "-o", str(output)],
                          world.root)
    monkeypatch.undo()
    assert done.returncode == 0, done.stderr[-2000:]
    assert "01/01/2026 00:20" in done.stdout, done.stdout  # the command itself says it in Vietnam time
    with pymupdf.open(output) as doc:
        cover = " ".join(doc[0].get_text().split())
    assert "Khóa sổ ngày 01/01/2026" in cover, cover


def test_held_an_undated_scan_registered_at_9_on_1_january_is_compared_with_its_december_letter(world: World) -> None:
    """Held (the control of the test above): the same scan delivered at 09:00 on 01/01/2026 (02:00 UTC, already
    January) is named on the December letter's line for the clerk to compare."""
    _scan_then_signed(world, "2026-01-01T09:00:00")
    lines = world.documents()
    assert "số đến 1/2026" in (lines[1].description or ""), lines[1].description


@pytest.mark.parametrize("database", ["sqlite", "postgresql"])
def test_held_two_processes_numbering_either_side_of_midnight_give_each_year_its_numbers_once(
        world: World, database: str) -> None:
    """Held. Two `ingest` processes at once (two gateways on one register), each with mails delivered either side of
    midnight of 31/12/2025 (office hours round the clock), plus paper documents typed for both years meanwhile: each year
    has its numbers 1..n once, without a gap, paper and mail in one series (Đ22.2), on SQLite and on PostgreSQL."""
    import subprocess

    from servers import postgres
    from world import GATEWAY

    def run(url: str | None) -> None:
        if url is not None:
            world.extra["database"] = url
        world.extra["office_hours"] = {**ROUND_THE_CLOCK, "extra_workdays": ["2025-12-31", "2026-01-01"]}
        world.write_config()
        if url is not None:
            world.run("register", "list", "--config", str(world.config_path), "--json")  # the schema made once
        groups = []
        for g in range(2):
            paths = []
            for i in range(4):
                w = at("2025-12-31T23:59:58") + timedelta(seconds=2 * i + g - 4)  # both years in each process
                paths.append(str(world.mail(f"g{g}m{i}", date=w, received_at=w, attachments=[(
                    "cv.pdf", world.signed("stp", world.document(number=f"{100 * g + i + 1}/STP-VP", date=(30, 12, 2025))))])))
            groups.append(paths)
        procs = [subprocess.Popen([*GATEWAY, "ingest", "--config", str(world.config_path), "--json", *paths],
                                  cwd=world.root, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                 for paths in groups]
        for year, n in ((2025, 1), (2026, 2)):
            world.run("register", "add", "--config", str(world.config_path), "--issuer", "Bộ Nội vụ", "--number",
                      f"{n}/BNV-VP", "--summary", "V/v giấy", "--received-at", f"{year}-12-31T12:00:00+07:00"
                      if year == 2025 else "2026-01-01T12:00:00+07:00")
        for p in procs:
            out, err = p.communicate(timeout=600)
            assert p.returncode == 0, err[-2000:]
        lines = [json.loads(line) for line in world.run("register", "list", "--config", str(world.config_path),
                                                         "--json").stdout.splitlines() if line.strip()]
        by_year: dict[int, list[int]] = {}
        for line in lines:
            by_year.setdefault(line["year"], []).append(line["incoming_number"])
            assert (line["year"] == 2025) == line["received_at"].startswith("2025-12-31"), line
        assert {y: sorted(n) for y, n in by_year.items()} == {y: list(range(1, len(n) + 1)) for y, n in by_year.items()}
        assert sum(len(n) for n in by_year.values()) == 10 and set(by_year) == {2025, 2026}, by_year

    if database == "sqlite":
        run(None)
    else:
        with postgres() as url:
            run(url)
