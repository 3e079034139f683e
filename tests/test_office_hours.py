"""Receive time (Bắc Kạn QĐ 26/2020 Đ11.2): outside office hours, the start of the next office hours."""

import functools
import tempfile
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from gateway.config import config_from_dict
from gateway.demo.pki import DemoPki
from gateway.intake.office_hours import OfficeCalendar

VN = ZoneInfo("Asia/Ho_Chi_Minh")


@functools.cache
def _root() -> Path:
    """A root certificate for the configuration to name (a file that is none is refused: red team 76)."""
    root = Path(tempfile.mkdtemp(prefix="qlvb-hours-")) / "root.pem"
    root.write_bytes(DemoPki.create().root.cert_pem)
    return root


def calendar(**hours) -> OfficeCalendar:  # type: ignore[no-untyped-def]
    cfg = config_from_dict({"agency": {"code": "000.00.15.H06", "name": "Sở Nội vụ", "mailbox": "vt@snv.gov.vn"},
                            "office_hours": hours, "trust": {"roots": [str(_root())]}}, Path("."))
    return OfficeCalendar(cfg)


@pytest.mark.parametrize("delivered,expected", [
    ("2026-11-26T08:15:07", "2026-11-26T08:15:07"),  # Thursday, in hours
    ("2026-11-26T06:00:00", "2026-11-26T07:30:00"),  # before opening
    ("2026-11-26T17:00:00", "2026-11-27T07:30:00"),  # at closing time
    ("2026-11-24T08:15:07", "2026-11-25T07:30:00"),  # Vietnam Cultural Day, a public holiday from 2026
    ("2026-11-27T21:00:00", "2026-11-30T07:30:00"),  # Friday night -> Monday
    ("2026-11-28T10:00:00", "2026-11-30T07:30:00"),  # Saturday
    ("2026-09-01T10:00:00", "2026-09-03T07:30:00"),  # National Day holiday (2 and 1 or 2 Sep) -> next workday
    ("2026-12-31T18:00:00", "2027-01-04T07:30:00"),  # New Year: the register year changes
])
def test_received_at(delivered: str, expected: str) -> None:
    got = calendar().received_at(datetime.fromisoformat(delivered).replace(tzinfo=VN))
    assert got == datetime.fromisoformat(expected).replace(tzinfo=VN)


def test_utc_input_is_read_in_vietnam_time() -> None:
    got = calendar().received_at(datetime.fromisoformat("2026-11-26T01:15:07+00:00"))
    assert got.isoformat() == "2026-11-26T08:15:07+07:00"


def test_extra_holidays_and_make_up_workdays() -> None:
    cal = calendar(extra_holidays=["2026-11-26"], extra_workdays=["2026-11-28"])
    assert cal.received_at(datetime(2026, 11, 26, 9, tzinfo=VN)) == datetime(2026, 11, 27, 7, 30, tzinfo=VN)
    assert cal.received_at(datetime(2026, 11, 28, 9, tzinfo=VN)) == datetime(2026, 11, 28, 9, tzinfo=VN)
    assert cal.is_workday(date(2026, 11, 28)) and not cal.is_workday(date(2026, 11, 26))
