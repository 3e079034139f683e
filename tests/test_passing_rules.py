"""The pure checks of passing a document on (gateway/passing_rules.py, Bắc Kạn QĐ 26/2020 Đ9.3) and
the `units:` configuration they read."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest

from gateway.config import ConfigError, Unit, config_from_dict
from gateway.demo.pki import DemoPki
from gateway.passing_rules import (LineState, PassRefused, PassRequest, UnitTask, check_mark, check_pass,
                                   content_may_be_mailed, finishes, reminder_due)

UNITS = [Unit(code="VP", name="Văn phòng", mailbox="VP@snv.gov.vn"), Unit(code="TCBC", name="Phòng TCBC", mailbox="tcbc@snv.gov.vn"),
         Unit(code="pgd", name="Phó Giám đốc", mailbox="pgd@snv.gov.vn", person=True)]
TODAY = date(2026, 12, 3)
OPEN = LineState(recalled=False, passed_to=())


def _request(**changes: object) -> PassRequest:
    values: dict[str, object] = {"year": 2026, "number": 5, "lead": "VP", "actor": "lãnh đạo", "co": ("TCBC",),
                                 "deadline": TODAY + timedelta(days=3)}
    values.update(changes)
    return PassRequest(**values)  # type: ignore[arg-type]


def test_a_document_goes_to_its_lead_and_co_ordinating_units_named_in_any_case() -> None:
    recipients = check_pass(_request(lead="vp", co=("tcbc", "PGD")), UNITS, OPEN, TODAY)
    assert recipients.lead.mailbox == "vp@snv.gov.vn"
    assert [u.code for u in recipients.co] == ["TCBC", "pgd"]
    assert check_pass(_request(deadline=TODAY), UNITS, OPEN, TODAY).lead.code == "VP"  # due today is allowed
    assert check_pass(_request(deadline=None, co=()), UNITS, OPEN, TODAY).co == ()


@pytest.mark.parametrize(("request_", "line", "words"), [
    (_request(), None, "không có trong sổ"),
    (_request(), LineState(recalled=True, passed_to=()), "đã bị thu hồi"),
    (_request(), LineState(recalled=False, passed_to=("VP", "TCBC")), "đã chuyển cho VP, TCBC"),
    (_request(lead="KT"), OPEN, "không có đơn vị KT; các đơn vị: VP, TCBC, pgd"),
    (_request(co=("TCBC", "XX")), OPEN, "không có đơn vị XX"),
    (_request(co=("vp",)), OPEN, "chỉ được giao một lần"),
    (_request(co=("TCBC", "TCBC")), OPEN, "chỉ được giao một lần"),
    (_request(deadline=TODAY - timedelta(days=1)), OPEN, "thời hạn giải quyết 02/12/2026 đã qua"),
])
def test_what_cannot_be_passed_on(request_: PassRequest, line: LineState | None, words: str) -> None:
    with pytest.raises(PassRefused, match=words):
        check_pass(request_, UNITS, line, TODAY)


def test_no_units_configured_says_so() -> None:
    with pytest.raises(PassRefused, match="chưa khai báo units"):
        check_pass(_request(), [], OPEN, TODAY)


def test_a_unit_marks_what_was_passed_to_it_received_then_done() -> None:
    check_mark(UnitTask("lead", received=False, done=False), "received", "VP", "số đến 5/2026")
    check_mark(UnitTask("lead", received=False, done=False), "done", "VP", "số đến 5/2026")  # done at once
    check_mark(UnitTask("co", received=True, done=False), "done", "TCBC", "số đến 5/2026")
    for task, step, words in ((None, "received", "không được chuyển cho đơn vị KT"),
                              (UnitTask("lead", True, False), "received", "đã nhận"),
                              (UnitTask("lead", True, True), "done", "đã xử lý xong"),
                              (UnitTask("co", True, True), "received", "đã xử lý xong"),
                              (UnitTask("lead", True, False, recalled=True), "done", "đã bị thu hồi")):
        with pytest.raises(PassRefused, match=words):
            check_mark(task, step, "KT" if task is None else "VP", "số đến 5/2026")  # type: ignore[arg-type]


def test_only_the_lead_units_done_finishes_the_document() -> None:
    assert finishes("lead", "done")
    assert not finishes("co", "done") and not finishes("lead", "received")


def test_a_reminder_is_due_once_from_the_day_before_the_deadline_until_done() -> None:
    deadline = TODAY + timedelta(days=1)
    assert not reminder_due(deadline, TODAY - timedelta(days=1), done=False, reminded=False)
    assert reminder_due(deadline, TODAY, done=False, reminded=False)
    assert reminder_due(deadline, TODAY + timedelta(days=5), done=False, reminded=False)  # overdue: still told once
    assert not reminder_due(deadline, TODAY, done=False, reminded=True)
    assert not reminder_due(deadline, TODAY, done=True, reminded=False)
    assert not reminder_due(None, TODAY, done=False, reminded=False)
    # the day before the deadline a day off: from the last working day before it (red team 107: Tết)
    weekend = {TODAY - timedelta(days=1), TODAY - timedelta(days=2)}
    assert reminder_due(TODAY, TODAY - timedelta(days=3), done=False, reminded=False, is_workday=lambda d: d not in weekend)
    assert not reminder_due(TODAY, TODAY - timedelta(days=4), done=False, reminded=False, is_workday=lambda d: d not in weekend)


def test_a_secret_documents_content_never_goes_by_mail() -> None:
    assert content_may_be_mailed(None)
    assert not content_may_be_mailed("Mật") and not content_may_be_mailed("Tối mật")


def test_units_are_configured_with_unique_codes_and_mailboxes(tmp_path: Path) -> None:
    base = {"agency": {"code": "000.00.15.H06", "name": "Sở Nội vụ", "mailbox": "vanthu@snv.gov.vn"},
            "trust": {"roots": ["root.pem"]}}
    (tmp_path / "root.pem").write_bytes(DemoPki.create().root.cert_pem)  # a certificate: anything else is refused
    config = config_from_dict({**base, "units": [{"code": "VP", "name": "Văn phòng", "mailbox": "VP@Snv.gov.vn"}]}, tmp_path)
    assert config.units[0].mailbox == "vp@snv.gov.vn" and not config.units[0].person
    for units, words in (([{"code": "VP", "name": "A", "mailbox": "a@x.vn"}, {"code": "vp", "name": "B", "mailbox": "b@x.vn"}],
                          "units: .*the unit code 'vp' is given twice"),
                         ([{"code": "V P", "name": "A", "mailbox": "a@x.vn"}], r"units\.0\.code"),
                         ([{"code": "VP", "name": "A", "mailbox": "ax.vn"}], r"units\.0\.mailbox: .*e-mail address")):
        with pytest.raises(ConfigError, match=words):
            config_from_dict({**base, "units": units}, tmp_path)
