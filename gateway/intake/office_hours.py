"""Receive time (Bắc Kạn QĐ 26/2020 Đ11.2): outside office hours, a document counts as received at
the start of the next office hours. Weekends, Vietnamese public holidays (the `holidays` package),
and the operator's extra holidays and make-up working days (Vietnam swaps days around holidays)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from functools import cached_property
from typing import TYPE_CHECKING

from gateway.config import WEEKDAYS, Config

if TYPE_CHECKING:
    import holidays


class OfficeCalendar:
    def __init__(self, config: Config) -> None:
        self.tz = config.tz
        hours = config.office_hours
        self.days = {WEEKDAYS.index(d) for d in hours.days}
        self.start, self.end = hours.start, hours.end
        self.extra_holidays = set(hours.extra_holidays)
        self.extra_workdays = set(hours.extra_workdays)

    @cached_property
    def _public(self) -> holidays.HolidayBase:
        # imported when a day is first asked about: the package builds every country's calendars as it loads (0.1 s
        # of CPU), which `status`, the desk and each command that receives no mail never need
        import holidays

        return holidays.country_holidays("VN")

    def is_workday(self, day: date) -> bool:
        if day in self.extra_workdays:
            return True
        if day in self.extra_holidays or day in self._public:
            return False
        return day.weekday() in self.days

    def received_at(self, delivered: datetime) -> datetime:
        """delivered_at moved, when outside office hours, to the start of the next office hours."""
        local = delivered.astimezone(self.tz)
        day = local.date()
        if self.is_workday(day):
            opening = datetime.combine(day, self.start, tzinfo=self.tz)
            closing = datetime.combine(day, self.end, tzinfo=self.tz)
            if local < opening:
                return opening
            if local < closing:
                return local
        for _ in range(400):
            day += timedelta(days=1)
            if self.is_workday(day):
                return datetime.combine(day, self.start, tzinfo=self.tz)
        raise ValueError("no working day within a year: check office_hours")
