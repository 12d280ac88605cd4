"""Working days (P8): weekends and the State Council's public holidays are off, its make-up days (调休) are
on. Pure: the calendar's exceptions and the years they cover are passed in. A date in a year the calendar
does not know is counted on weekends only and the answer says so (`provisional`), never an error — the
State Council publishes each year's holidays only in the preceding November or December."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

ONE_DAY = datetime.timedelta(days=1)


@dataclass(frozen=True)
class WorkCalendar:
    exceptions: dict[datetime.date, bool]  # day → is a working day (holidays False, make-up days True)
    known_years: frozenset[int]

    def is_known(self, day: datetime.date) -> bool:
        return day.year in self.known_years

    def is_working_day(self, day: datetime.date) -> bool:
        if day in self.exceptions:
            return self.exceptions[day]
        return day.weekday() < 5


@dataclass(frozen=True)
class Deadline:
    day: datetime.date
    provisional: bool  # some day counted lies in a year the calendar does not know yet


def add_working_days(calendar: WorkCalendar, start: datetime.date, days: int) -> Deadline:
    """The day on which `days` working days after `start` have passed (`start` itself not counted): a step
    begun on Friday with a limit of 1 working day is due on Monday (or later, across a holiday)."""
    day, left, provisional = start, days, not calendar.is_known(start)
    while left > 0:
        day += ONE_DAY
        provisional = provisional or not calendar.is_known(day)
        if calendar.is_working_day(day):
            left -= 1
    return Deadline(day, provisional)


def working_days_between(calendar: WorkCalendar, start: datetime.date, end: datetime.date) -> int:
    """Working days after `start` up to and including `end` (0 when `end` is not after `start`)."""
    count, day = 0, start
    while day < end:
        day += ONE_DAY
        if calendar.is_working_day(day):
            count += 1
    return count
